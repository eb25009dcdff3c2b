//! The Build tab: the campaign builder over [`crate::builder`]. The user starts from a
//! template or the open scenario, defines lists, fields and people, and builds smart
//! campaigns the way Marketo's editor shows them (Smart List, Flow, Schedule tabs). Every
//! change is validated as it is made; the problem shows at the step, trigger or filter that
//! causes it. A valid draft becomes the app's open scenario (so Run, Compare, Sweep and the
//! share link use it); an invalid one stays here, autosaved, until it is fixed.
//!
//! The builder is not in the app's wasm: it runs in a wasm of its own
//! (`src/bin/racelab-builder.rs`), which the Build tab ([`super::build_tab`]) loads the first
//! time it opens. So it knows nothing of the app's state: [`BuildTab`] gets the open
//! scenario's JSON and hands each valid draft back as plain data ([`Built`]).
//!
//! - this file: the component, its reducer, the toolbar, autosave and the hand-over to the app;
//!   the layout: smart campaigns and variants beside the campaign editor, then what the
//!   campaigns use (lists, fields, people, programs, systems, knobs, events, checks) in columns
//!   across the width
//! - [`systems`]: webhooks; [`events`]: outside events; [`checks`]: the checks a run is
//!   judged by; [`programs`]: programs and the CRM; [`knobs`]: knobs
//! - [`widgets`]: labelled inputs and selects; [`duration`]: the duration editor
//! - [`data`]: lists, fields, people, variants
//! - [`campaign`]: one smart campaign (name, tabs, Schedule tab); [`smart_list`] and
//!   [`flow`]: its Smart List and Flow tabs; [`choice`]: a step's choices

mod campaign;
mod checks;
mod choice;
mod data;
mod duration;
mod events;
mod flow;
mod knobs;
mod programs;
mod smart_list;
mod systems;
mod widgets;

use std::rc::Rc;

use yew::prelude::*;

use super::storage::{this_tab, Slots};
use super::web;
use crate::builder::templates::{template, TEMPLATES};
use crate::builder::{Builder, CampaignEdit, Edit, Issue, SmartCampaignTab};

/// The builder's drafts: one slot per browser tab (see [`super::storage`]), so two tabs
/// building different scenarios never overwrite each other.
const DRAFTS: Slots = Slots {
    namespace: "racelab.builder",
};
/// Where a single shared draft lived before slots (read once, to restore old work).
const LEGACY_DRAFT_KEY: &str = "racelab.builder-draft";

/// Saves the draft in this tab's slot; an error is the message to show.
fn autosave(b: &Builder, json: &str) -> Result<(), String> {
    let title = b.draft().title.clone();
    DRAFTS.save(&this_tab().id, &title, "draft", json.to_string())
}

/// This tab's draft, else the most recently saved one, else the draft of before slots.
fn restore() -> Option<Builder> {
    let own = DRAFTS.load(&this_tab().id);
    let latest = || {
        let mut slots = DRAFTS.list();
        slots.sort_by_key(|slot| std::cmp::Reverse(slot.header.saved_ms));
        slots.into_iter().find_map(|slot| DRAFTS.load(&slot.tab))
    };
    if let Some(record) = own.or_else(latest) {
        return Builder::open(&record.body).ok();
    }
    let s = web_sys::window().and_then(|w| w.local_storage().ok().flatten())?;
    Builder::open(&s.get_item(LEGACY_DRAFT_KEY).ok()??).ok()
}

/// The builder's state: the draft and its history, and what the user has open.
#[derive(Clone, PartialEq)]
pub struct BuildState {
    pub b: Builder,
    /// The smart campaign open in the editor.
    pub campaign: Option<String>,
    pub tab: SmartCampaignTab,
    /// A refused edit, explained.
    pub note: Option<String>,
    /// The flow step being dragged.
    pub drag: Option<usize>,
    /// The variant the edited one is compared with (`None`: the first other variant).
    pub compare: Option<String>,
}

/// What the builder's controls send.
pub enum Msg {
    Edit(Edit),
    Undo,
    Redo,
    /// Starts over from this scenario (undoable).
    Start(Box<crate::engine::scenario::Scenario>),
    Campaign(Option<String>),
    Tab(SmartCampaignTab),
    Variant(Option<String>),
    Drag(Option<usize>),
    Note(Option<String>),
    /// The variant the edited one is compared with.
    Compare(String),
}

/// Sends messages to the builder.
pub type To = UseReducerDispatcher<BuildState>;

impl Reducible for BuildState {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut s = (*self).clone();
        s.note = None;
        match msg {
            Msg::Edit(e) => {
                let renamed = match &e {
                    Edit::Campaign(old, CampaignEdit::Rename(new)) => {
                        Some((old.clone(), new.clone()))
                    }
                    Edit::AddCampaign(c) => Some((String::new(), c.name.clone())),
                    _ => None,
                };
                match s.b.apply(e) {
                    Ok(()) => {
                        if let Some((old, new)) = renamed {
                            if old.is_empty() || s.campaign.as_deref() == Some(&old) {
                                s.campaign = Some(new);
                            }
                        }
                    }
                    Err(why) => s.note = Some(why),
                }
            }
            Msg::Undo => {
                s.b.undo();
            }
            Msg::Redo => {
                s.b.redo();
            }
            Msg::Start(scenario) => {
                let _ = s.b.apply(Edit::Replace(scenario));
                s.campaign = s.b.draft().campaigns.first().map(|c| c.name.clone());
                s.b.edit_variant(None);
            }
            Msg::Campaign(c) => s.campaign = c,
            Msg::Tab(t) => s.tab = t,
            Msg::Variant(v) => s.b.edit_variant(v),
            Msg::Drag(d) => s.drag = d,
            Msg::Note(n) => s.note = n,
            Msg::Compare(v) => s.compare = Some(v),
        }
        Rc::new(s)
    }
}

/// What the builder hands the app: a valid draft's JSON, which the app opens as its scenario
/// (so Run, Compare, Sweep and the share link use it).
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub json: String,
    /// "Run it" was clicked: show the Run tab.
    pub run: bool,
}

#[derive(Properties, PartialEq)]
pub struct BuildTabProps {
    /// Gets each valid draft (when it changes, and when "Run it" is clicked).
    pub on_built: Callback<Built>,
    /// The JSON of the scenario the app has open, if any.
    pub source: Option<Rc<str>>,
}

#[function_component(BuildTab)]
pub fn build_tab_component(props: &BuildTabProps) -> Html {
    let first = props.source.clone();
    let state = use_reducer(move || {
        let b = restore()
            .or_else(|| first.and_then(|j| Builder::open(&j).ok()))
            .or_else(|| template("blank").map(Builder::new))
            .expect("the blank template reads");
        let campaign = b.draft().campaigns.first().map(|c| c.name.clone());
        BuildState {
            b,
            campaign,
            tab: SmartCampaignTab::SmartList,
            note: None,
            drag: None,
            compare: None,
        }
    });
    let json = state.b.save();
    let issues = state.b.issues();
    let valid = issues.is_empty();
    // Every change: autosave, and a valid draft becomes the app's scenario.
    let seen = use_mut_ref(|| json.clone());
    {
        let (on_built, source) = (props.on_built.clone(), props.source.clone());
        let (b, to_note) = (state.b.clone(), state.dispatcher());
        use_effect_with((json.clone(), valid), move |(json, valid)| {
            if *seen.borrow() != *json {
                *seen.borrow_mut() = json.clone();
                if let Err(why) = autosave(&b, json) {
                    to_note.dispatch(Msg::Note(Some(why)));
                }
                if *valid && source.as_deref() != Some(json.as_str()) {
                    on_built.emit(Built {
                        json: json.clone(),
                        run: false,
                    });
                }
            }
        });
    }
    let to = state.dispatcher();
    let names = {
        let seen: Vec<_> = state.b.campaigns().into_iter().map(|(c, _)| c).collect();
        campaign::Names::of(state.b.draft(), &seen)
    };
    let keys = {
        let to = to.clone();
        Callback::from(move |e: KeyboardEvent| {
            if !(e.ctrl_key() || e.meta_key()) {
                return;
            }
            let msg = match e.key().as_str() {
                "z" if e.shift_key() => Msg::Redo,
                "Z" | "y" => Msg::Redo,
                "z" => Msg::Undo,
                _ => return,
            };
            // Text fields keep their own undo while they are being typed in.
            let typing = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.type_() == "text");
            if !typing {
                e.prevent_default();
                to.dispatch(msg);
            }
        })
    };
    html! {
        <section class="builder" id="builder" aria-label="Campaign builder" onkeydown={keys}>
            { toolbar(&state, &to, &props.on_built, props.source.as_deref(), &json, valid) }
            { status(&issues, state.note.as_deref()) }
            <div class="builder-layout">
                <aside class="builder-side" aria-label="Smart campaigns and variants">
                    { data::campaigns(&state, &to) }
                    { data::variants(&state, &to) }
                </aside>
                <div class="builder-main">
                    { campaign::editor(&state, &to, &issues) }
                </div>
            </div>
            <div class="builder-parts" role="region" aria-label="What the campaigns use">
                { data::lists(&state, &to) }
                { data::fields(&state, &to) }
                { data::people(&state, &to) }
                { programs::programs(&state, &to) }
                { programs::crm(&state, &to, &names) }
                { systems::webhooks(&state, &to) }
                { events::events(&state, &to, &names) }
                { checks::checks(&state, &to, &names) }
                // Last, across the columns: a knob's fields on one line.
                { knobs::knobs(&state, &to) }
            </div>
        </section>
    }
}

fn toolbar(
    s: &BuildState,
    to: &To,
    built: &Callback<Built>,
    open: Option<&str>,
    json: &str,
    valid: bool,
) -> Html {
    let start = {
        let (to, open) = (to.clone(), open.map(str::to_string));
        widgets::on_menu(move |key: String| {
            let scenario = if key == "open" {
                open.as_deref()
                    .and_then(|j| Builder::open(j).ok())
                    .map(|b| b.draft().clone())
            } else {
                template(&key)
            };
            if let Some(sc) = scenario {
                to.dispatch(Msg::Start(Box::new(sc)));
            }
        })
    };
    let undo = {
        let to = to.clone();
        Callback::from(move |_| to.dispatch(Msg::Undo))
    };
    let redo = {
        let to = to.clone();
        Callback::from(move |_| to.dispatch(Msg::Redo))
    };
    let export = {
        let (json, id) = (json.to_string(), s.b.draft().id.clone());
        Callback::from(move |_| web::download(&format!("{id}.json"), "application/json", &json))
    };
    let import = {
        let to = to.clone();
        web::on_import(move |text| {
            let read = text.and_then(|t| {
                Builder::open(&t).map_err(|e| {
                    let found = e.trim_start_matches("The scenario could not be read: ");
                    format!(
                        "That file is not a scenario Race Lab can open, so nothing was imported \
                         and your work is as it was. (What did not fit: {found})"
                    )
                })
            });
            match read {
                Ok(b) => to.dispatch(Msg::Start(Box::new(b.draft().clone()))),
                Err(message) => to.dispatch(Msg::Note(Some(message))),
            }
        })
    };
    let run = {
        let (built, json) = (built.clone(), json.to_string());
        Callback::from(move |_| {
            built.emit(Built {
                json: json.clone(),
                run: true,
            })
        })
    };
    let title = {
        let to = to.clone();
        widgets::on_text(move |t| to.dispatch(Msg::Edit(Edit::Title(t))))
    };
    html! {
        <div class="builder-toolbar">
            <label>{ "Start from " }
                <select id="build-start" onchange={start} aria-label="Start from">
                    <option value="" selected=true disabled=true>{ "choose\u{2026}" }</option>
                    if open.is_some() {
                        <option value="open">{ "The scenario open in Run" }</option>
                    }
                    { for TEMPLATES.iter().map(|(k, t)| html! { <option value={*k}>{ *t }</option> }) }
                </select>
            </label>
            <label>{ "Title " }
                <input id="build-title" type="text" value={s.b.draft().title.clone()} onchange={title} />
            </label>
            <button id="build-undo" disabled={!s.b.can_undo()} onclick={undo} title="Undo (Ctrl+Z)">{ "Undo" }</button>
            <button id="build-redo" disabled={!s.b.can_redo()} onclick={redo} title="Redo (Ctrl+Y)">{ "Redo" }</button>
            <button id="build-export" onclick={export}>{ "Export JSON" }</button>
            <label class="import button">{ "Import JSON" }
                <input type="file" id="build-import" accept=".json,application/json" onchange={import} />
            </label>
            <button id="build-run" disabled={!valid} onclick={run}
                title="Open this scenario in the Run tab">{ "Run it" }</button>
        </div>
    }
}

/// Whether the draft can run, and if not, every problem with its place (each also shows at
/// the step, trigger, filter or field that causes it).
fn status(issues: &[Issue], note: Option<&str>) -> Html {
    let count = match issues.len() {
        1 => "1 problem".to_string(),
        n if n >= crate::builder::check::MOST_ISSUES => format!("at least {n} problems"),
        n => format!("{n} problems"),
    };
    let items = issues.iter().enumerate().map(|(k, i)| {
        html! { <li id={format!("build-issue-{}", k + 1)}>{ i.text.clone() }</li> }
    });
    html! {
        <div class="builder-status">
            if let Some(n) = note {
                <p class="note" role="status" id="build-note">{ n.to_string() }</p>
            }
            if let Some(first) = issues.first() {
                <div class="invalid" role="alert" id="build-issue" data-count={issues.len().to_string()}>
                    <p>{ format!("This scenario cannot run yet (your work is kept): {count}. {}", first.text) }</p>
                    if issues.len() > 1 {
                        <ol class="issue-list">{ for items }</ol>
                    }
                </div>
            } else {
                <p class="valid" role="status" id="build-valid">
                    { "Valid: Run, Compare, Sweep and the share link use this scenario." }
                </p>
            }
        </div>
    }
}
