//! Validation for the builder: the engine's own checks (including Marketo's rules,
//! `engine::compile::marketo_rules`), with the place they report turned into a
//! [`Location`] the builder can show the message at: the smart campaign, its tab (Smart
//! List, Flow, Schedule), the trigger, filter or flow step, or the field, list, webhook or
//! setting. The engine reports triggers by campaign only, so names a trigger refers to are
//! checked here first, to point at the trigger itself.

use super::words;
use crate::engine::scenario::{Action, Campaign, Filter, Scenario, Trigger};
use crate::engine::{Place, ScenarioError};

/// The tabs of Marketo's smart campaign editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SmartCampaignTab {
    #[default]
    SmartList,
    Flow,
    Schedule,
}

impl SmartCampaignTab {
    pub fn label(self) -> &'static str {
        match self {
            SmartCampaignTab::SmartList => "Smart List",
            SmartCampaignTab::Flow => "Flow",
            SmartCampaignTab::Schedule => "Schedule",
        }
    }
}

/// Where a problem is, as the builder shows it. Indexes are 0-based.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The variant it was found in (`None`: the scenario itself, or every variant).
    pub variant: Option<String>,
    pub campaign: Option<String>,
    /// For a campaign: the tab the problem shows on.
    pub tab: Option<SmartCampaignTab>,
    pub trigger: Option<usize>,
    /// A smart list filter (or, with `step`, a filter of that step's choice).
    pub filter: Option<usize>,
    pub step: Option<usize>,
    /// With `step`: the choice ("if … then …") of that step.
    pub choice: Option<usize>,
    /// Anything else by its name in the scenario: a webhook, field, program, setting.
    pub other: Option<String>,
}

/// A problem that stops the draft from running, and where it is, in a Marketo user's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub location: Location,
    /// What is wrong, in Marketo's words, without the place.
    pub message: String,
    /// The whole message with its place ("Drain Queue, flow step 1: …").
    pub text: String,
}

impl Issue {
    /// Whether this issue is at flow step `step` of campaign `campaign`.
    pub fn at_step(&self, campaign: &str, step: usize) -> bool {
        self.location.campaign.as_deref() == Some(campaign) && self.location.step == Some(step)
    }
}

/// The first problem of the scenario (every variant is checked), located.
pub fn first_issue(s: &Scenario) -> Option<Issue> {
    if let Some(i) = trigger_issue(s) {
        return Some(i);
    }
    crate::engine::validate(s).err().map(|e| located(s, &e))
}

/// At most this many problems are listed at once.
pub const MOST_ISSUES: usize = 12;

/// Every problem of the scenario (at most [`MOST_ISSUES`]), located, the first one first
/// (the one [`first_issue`] gives). The engine stops at the first problem it finds, so each
/// problem at a trigger, filter or flow step is set aside in a copy of the scenario (the step
/// does nothing, the trigger or filter matches without naming anything wrong) and the copy is
/// checked again; a problem that cannot be set aside that way ends the list.
pub fn all_issues(s: &Scenario) -> Vec<Issue> {
    let mut out: Vec<Issue> = Vec::new();
    let mut copy = s.clone();
    while out.len() < MOST_ISSUES {
        let Some(issue) = trigger_issue(&copy) else {
            break;
        };
        if out.contains(&issue) || !set_aside(&mut copy, &issue.location) {
            break;
        }
        out.push(issue);
    }
    while out.len() < MOST_ISSUES {
        let Err(e) = crate::engine::validate(&copy) else {
            break;
        };
        let issue = located(s, &e);
        if out.contains(&issue) {
            break;
        }
        let more = set_aside(&mut copy, &issue.location);
        out.push(issue);
        if !more {
            break;
        }
    }
    out
}

/// Makes the trigger, filter or step at `loc` harmless; `false` if `loc` is none of them.
fn set_aside(s: &mut Scenario, loc: &Location) -> bool {
    let Some(name) = loc.campaign.as_deref() else {
        return false;
    };
    let own = loc.variant.as_deref().and_then(|v| {
        let v = s.variants.iter().position(|x| x.name == v)?;
        let c = s.variants[v]
            .campaigns
            .iter()
            .position(|c| c.name == name)?;
        Some((v, c))
    });
    let c = match own {
        Some((v, c)) => &mut s.variants[v].campaigns[c],
        None => match s.campaigns.iter_mut().find(|c| c.name == name) {
            Some(c) => c,
            None => return false,
        },
    };
    let itself = Filter::MemberOfCampaign {
        campaign: c.name.clone(),
        member: true,
    };
    let sl = &mut c.smart_list;
    match (loc.step, loc.trigger, loc.filter) {
        (Some(i), _, _) if i < c.flow.len() => c.flow[i] = Action::DoNothing,
        (None, Some(i), _) if i < sl.triggers.len() => sl.triggers[i] = Trigger::PersonIsCreated,
        (None, None, Some(i)) if i < sl.filters.len() => sl.filters[i] = itself,
        _ => return false,
    }
    true
}

/// Turns the engine's error into an issue with a location, in a Marketo user's words
/// ([`super::words`]).
pub fn located(s: &Scenario, e: &ScenarioError) -> Issue {
    let mut loc = Location::default();
    for p in &e.place {
        match p {
            Place::Variant(v) | Place::VariantChange(v) => loc.variant = Some(v.clone()),
            Place::Campaign(c) => loc.campaign = Some(c.clone()),
            Place::FlowStep(i) => loc.step = Some(i - 1),
            Place::Filter(i) => loc.filter = Some(i - 1),
            Place::Choice(i) => loc.choice = Some(i - 1),
            Place::Program(n) | Place::Webhook(n) | Place::Job(n) | Place::Field(n) => {
                loc.other.get_or_insert_with(|| n.clone());
            }
            other => {
                loc.other.get_or_insert_with(|| other.to_string());
            }
        }
    }
    if loc.campaign.is_some() {
        let schedule = e.what.contains("schedule") || e.what.contains("recurs");
        loc.tab = Some(if loc.step.is_some() {
            SmartCampaignTab::Flow
        } else if schedule {
            SmartCampaignTab::Schedule
        } else {
            SmartCampaignTab::SmartList
        });
    }
    Issue {
        location: loc,
        message: words::problem(s, &e.place, &e.what),
        text: words::issue_text(s, &e.place, &e.what),
    }
}

/// A trigger naming a list, field or program the scenario does not have (the scenario's own
/// campaigns, then each variant's).
fn trigger_issue(s: &Scenario) -> Option<Issue> {
    let own = s.campaigns.iter().map(|c| (None, c));
    let variants = (s.variants.iter()).flat_map(|v| v.campaigns.iter().map(move |c| (Some(v), c)));
    for (variant, c) in own.chain(variants) {
        if let Some((i, what)) = unknown_in_triggers(s, c) {
            let message = words::said(s, "the trigger", &what);
            let mut at = variant.map_or(Vec::new(), |v| vec![Place::Variant(v.name.clone())]);
            at.push(Place::Campaign(c.name.clone()));
            return Some(Issue {
                location: Location {
                    variant: variant.map(|v| v.name.clone()),
                    campaign: Some(c.name.clone()),
                    tab: Some(SmartCampaignTab::SmartList),
                    trigger: Some(i),
                    ..Location::default()
                },
                text: format!("{}, trigger {}: {message}", words::place(s, &at), i + 1),
                message,
            });
        }
    }
    None
}

fn unknown_in_triggers(s: &Scenario, c: &Campaign) -> Option<(usize, String)> {
    let list = |l: &String| (!s.lists.contains(l)).then(|| format!("unknown list `{l}`"));
    let field = |f: &String| {
        (!s.fields
            .iter()
            .any(|x| &x.name == f || x.label.as_ref() == Some(f)))
        .then(|| format!("unknown field `{f}`"))
    };
    let program = |p: &String| {
        (!s.programs.iter().any(|x| &x.name == p)).then(|| format!("unknown program `{p}`"))
    };
    c.smart_list.triggers.iter().enumerate().find_map(|(i, t)| {
        let what = match t {
            Trigger::AddedToList(l) | Trigger::RemovedFromList(l) => list(l),
            Trigger::DataValueChanges { field: f, .. } | Trigger::ScoreIsChanged(f) => field(f),
            Trigger::ProgramStatusIsChanged { program: p, .. } => program(p),
            _ => None,
        };
        what.map(|w| (i, w))
    })
}
