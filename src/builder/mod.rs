//! The campaign builder's model: an editable scenario in Marketo's terms, with edit
//! operations, undo and redo, and validation that points at the step or field that causes a
//! problem. Pure Rust (no web), so it is tested natively; the app's Build tab
//! (`src/ui/builder/`) draws it and sends it [`Edit`]s.
//!
//! The draft is an ordinary [`Scenario`] and is written out in the scenario format
//! (`docs/scenario-format.md`), so whatever the builder saves runs, sweeps and shares like any
//! imported scenario. Edits to campaigns apply to the scenario as the variant being edited
//! sees it: the scenario itself, or a variant ("duplicate this variant and change it"), in
//! which case the changed campaign is stored in that variant.
//!
//! - [`edit`]: the edit operations and how they change a draft
//! - [`check`]: validation with a [`check::Location`] (campaign, tab, step, filter, field)
//! - [`duration`]: durations in words ("between 1 and 5 s"), and where the builder edits them
//! - [`menus`]: Marketo's names for triggers, filters and flow steps, as the menus offer them
//! - [`templates`]: the starting points (blank and small templates)
//! - [`words`]: the problems in a Marketo user's words
//! - [`rename`]: renaming a list, field, campaign, webhook, program or knob everywhere

pub mod check;
pub mod duration;
pub mod edit;
pub mod menus;
pub mod rename;
pub mod templates;
pub mod words;

pub use check::{Issue, Location, SmartCampaignTab};
pub use edit::{CampaignEdit, Edit};

use crate::engine::scenario::{Campaign, Scenario};

/// How many steps back undo goes.
pub const UNDO_DEPTH: usize = 100;

/// A scenario being built, with its history.
#[derive(Debug, Clone, PartialEq)]
pub struct Builder {
    draft: Scenario,
    /// The variant whose campaigns are edited (`None`: the scenario itself).
    editing: Option<String>,
    undo: Vec<Scenario>,
    redo: Vec<Scenario>,
}

impl Builder {
    /// Opens a scenario for building.
    pub fn new(scenario: Scenario) -> Self {
        Builder {
            draft: scenario,
            editing: None,
            undo: Vec::new(),
            redo: Vec::new(),
        }
    }

    /// Opens scenario JSON text (a built-in's source, an import, the autosave).
    pub fn open(json: &str) -> Result<Self, String> {
        crate::scenarios::parse(json)
            .map(Builder::new)
            .map_err(|e| format!("The scenario could not be read: {e}"))
    }

    pub fn draft(&self) -> &Scenario {
        &self.draft
    }

    /// The variant whose campaigns are edited, if any.
    pub fn editing(&self) -> Option<&str> {
        self.editing.as_deref()
    }

    /// Chooses what campaign edits change: a variant of the draft, or the scenario itself.
    pub fn edit_variant(&mut self, variant: Option<String>) {
        self.editing = variant.filter(|v| self.draft.variants.iter().any(|x| &x.name == v));
    }

    /// Applies an edit. An edit that cannot apply (a step that is not there) changes nothing
    /// and says why; any other edit is kept, valid or not (see [`Self::issue`]), and can be
    /// undone.
    pub fn apply(&mut self, e: Edit) -> Result<(), String> {
        let mut next = self.draft.clone();
        edit::apply(&mut next, self.editing.as_deref(), e)?;
        if next == self.draft {
            return Ok(());
        }
        if let Some(v) = &self.editing {
            if !next.variants.iter().any(|x| &x.name == v) {
                self.editing = None;
            }
        }
        self.undo.push(std::mem::replace(&mut self.draft, next));
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
        Ok(())
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo(&mut self) -> bool {
        match self.undo.pop() {
            Some(prev) => {
                self.redo.push(std::mem::replace(&mut self.draft, prev));
                true
            }
            None => false,
        }
    }

    pub fn redo(&mut self) -> bool {
        match self.redo.pop() {
            Some(next) => {
                self.undo.push(std::mem::replace(&mut self.draft, next));
                true
            }
            None => false,
        }
    }

    /// The first problem that stops the draft from running, located, or `None` when every
    /// variant of it is valid.
    pub fn issue(&self) -> Option<Issue> {
        check::first_issue(&self.draft)
    }

    /// Every problem that stops the draft from running, each located (see
    /// [`check::all_issues`]); empty when every variant is valid.
    pub fn issues(&self) -> Vec<Issue> {
        check::all_issues(&self.draft)
    }

    /// The campaigns as the edited variant sees them (its own replace the scenario's, its
    /// additions follow), each with whether the variant switches it off.
    pub fn campaigns(&self) -> Vec<(Campaign, bool)> {
        edit::campaigns_seen(&self.draft, self.editing.as_deref())
    }

    /// The duration at `t`, as the edited variant sees the campaigns.
    pub fn duration(&self, t: &duration::Timing) -> Option<crate::engine::dist::Dist> {
        duration::get(&self.draft, self.editing.as_deref(), t)
    }

    /// The draft in the scenario format, as JSON text.
    pub fn save(&self) -> String {
        save(&self.draft)
    }
}

/// A new smart campaign as Marketo starts one: active, empty Smart List and Flow, a trigger
/// campaign (no schedule), each person through the flow once.
pub fn new_campaign(name: String) -> crate::engine::scenario::Campaign {
    crate::engine::scenario::Campaign {
        name,
        description: String::new(),
        active: true,
        smart_list: Default::default(),
        schedule: None,
        qualification: crate::engine::scenario::Qualification::Once,
        flow: Vec::new(),
    }
}

/// How the campaign list names a smart campaign: its name, then whether it is a trigger or
/// batch campaign and whether it is off, leaving out what the name already says
/// ("Drain Queue (trigger)" stays as it is, not "Drain Queue (trigger) (trigger)").
pub fn campaign_label(c: &Campaign, off: bool) -> String {
    let kind = if c.schedule.is_some() {
        "batch"
    } else {
        "trigger"
    };
    let lower = c.name.to_lowercase();
    let says_kind = lower
        .split(|ch: char| !ch.is_alphanumeric())
        .any(|w| w == kind);
    let mut notes = Vec::new();
    if !says_kind {
        notes.push(kind);
    }
    if off || !c.active {
        notes.push("not active");
    }
    if notes.is_empty() {
        c.name.clone()
    } else {
        format!("{} ({})", c.name, notes.join(", "))
    }
}

/// A scenario in the scenario format, as JSON text (pretty printed).
pub fn save(s: &Scenario) -> String {
    serde_json::to_string_pretty(s).expect("a scenario is JSON")
}
