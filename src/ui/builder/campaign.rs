//! One smart campaign in the builder, as Marketo's editor shows it: its name, the tabs
//! (Smart List in `smart_list`, Flow in `flow`) and here the Schedule tab (batch or trigger,
//! recurrence, qualification rule, active). A problem the validation finds shows at the
//! trigger, filter or step that causes it; one of the campaign as a whole shows above the tabs.

use std::rc::Rc;

use yew::prelude::*;

use super::duration::{AmountEditor, Knobs};
use super::widgets::{menu, names, select, small, text};
use super::{BuildState, Msg, To};
use crate::builder::duration::time_knobs;
use crate::builder::menus::key_of;
use crate::builder::{CampaignEdit, Edit, Issue, SmartCampaignTab};
use crate::engine::knobs::Param;
use crate::engine::scenario::{Campaign, Qualification, Scenario, Schedule};

/// Sets a value wherever it lives (a step, a choice's branch, a trigger).
pub(super) type Set<T> = Rc<dyn Fn(T)>;

/// The scenario's names, for the menus.
#[derive(Clone)]
pub(super) struct Names {
    pub lists: Vec<(String, String)>,
    pub fields: Vec<(String, String)>,
    pub campaigns: Vec<(String, String)>,
    pub webhooks: Vec<(String, String)>,
}

impl Names {
    pub(super) fn of(s: &Scenario, campaigns: &[Campaign]) -> Self {
        Names {
            lists: names(&s.lists),
            fields: (s.fields.iter())
                .map(|f| (f.name.clone(), f.display_name().to_string()))
                .collect(),
            campaigns: names(campaigns.iter().map(|c| &c.name)),
            webhooks: names(s.systems.webhooks.iter().map(|w| &w.name)),
        }
    }
}

/// The editor of the open campaign.
pub fn editor(s: &BuildState, to: &To, issues: &[Issue]) -> Html {
    let seen = s.b.campaigns();
    let Some((c, off)) = s
        .campaign
        .as_ref()
        .and_then(|n| seen.iter().find(|(c, _)| &c.name == n))
        .cloned()
    else {
        return html! {
            <p class="lead" id="build-no-campaign">
                { "Open a smart campaign on the left, or add one." }
            </p>
        };
    };
    let draft = s.b.draft();
    let all: Vec<Campaign> = seen.iter().map(|(c, _)| c.clone()).collect();
    let n = Names::of(draft, &all);
    let issues: Vec<Issue> = (issues.iter())
        .filter(|i| {
            i.location.campaign.as_deref() == Some(c.name.as_str())
                && (i.location.variant.is_none() || i.location.variant.as_deref() == s.b.editing())
        })
        .cloned()
        .collect();
    let name = c.name.clone();
    let ce = {
        let (to, name) = (to.clone(), name.clone());
        Rc::new(move |e: CampaignEdit| to.dispatch(Msg::Edit(Edit::Campaign(name.clone(), e))))
    };
    let tabs = [
        SmartCampaignTab::SmartList,
        SmartCampaignTab::Flow,
        SmartCampaignTab::Schedule,
    ]
    .into_iter()
    .map(|t| {
        let onclick = {
            let to = to.clone();
            Callback::from(move |_| to.dispatch(Msg::Tab(t)))
        };
        let flagged = issues.iter().any(|i| i.location.tab == Some(t));
        let id = format!("ctab-{}", t.label().to_lowercase().replace(' ', "-"));
        let label = if flagged {
            format!("{} \u{26a0}", t.label())
        } else {
            t.label().to_string()
        };
        html! {
            <button role="tab" {id} aria-selected={(s.tab == t).to_string()} {onclick}>{ label }</button>
        }
    });
    let rename = {
        let ce = ce.clone();
        move |v: String| ce(CampaignEdit::Rename(v))
    };
    let remove = {
        let (to, name) = (to.clone(), name.clone());
        Callback::from(move |_| to.dispatch(Msg::Edit(Edit::RemoveCampaign(name.clone()))))
    };
    let body = match s.tab {
        SmartCampaignTab::SmartList => super::smart_list::smart_list(&c, &n, ce, &issues),
        SmartCampaignTab::Flow => super::flow::flow(s, to, &c, &n, ce, &issues, draft),
        SmartCampaignTab::Schedule => schedule(&c, off, ce, Rc::new(time_knobs(s.b.draft()))),
    };
    let general = error_at(
        &issues,
        |i| {
            i.location.step.is_none() && i.location.trigger.is_none() && i.location.filter.is_none()
        },
        "campaign-error".into(),
    );
    html! {
        <article class="campaign-editor" aria-label={format!("Smart campaign {name}")}>
            <div class="campaign-head">
                { text("campaign-name".into(), "Smart campaign", &c.name, rename) }
                { small("remove-campaign".into(), "Delete", format!("Delete smart campaign {name}"), remove) }
            </div>
            <nav role="tablist" aria-label="Smart campaign tabs" class="ctabs">{ for tabs }</nav>
            { general }
            <div role="tabpanel" class="ctab-body">{ body }</div>
        </article>
    }
}

/// Every problem `hit` picks, at the place that causes it: the first with `id`, the others
/// with `id` and their number (`-2`, `-3`).
pub(super) fn error_at(issues: &[Issue], hit: impl Fn(&Issue) -> bool, id: String) -> Html {
    let shown = issues.iter().filter(|i| hit(i)).enumerate().map(|(k, i)| {
        let id = if k == 0 {
            id.clone()
        } else {
            format!("{id}-{}", k + 1)
        };
        html! { <p class="berror" role="alert" {id}>{ i.message.clone() }</p> }
    });
    html! { <>{ for shown }</> }
}

impl Names {
    /// A scenario with just these names, for the menus' new items.
    pub(super) fn scenario_stub(&self) -> Scenario {
        let mut s: Scenario = crate::builder::templates::template("blank").expect("blank reads");
        s.lists = self.lists.iter().map(|(v, _)| v.clone()).collect();
        s.fields = self
            .fields
            .iter()
            .map(|(v, _)| crate::engine::scenario::FieldDef {
                name: v.clone(),
                label: None,
                kind: crate::engine::scenario::FieldType::Text,
            })
            .collect();
        s.campaigns = self
            .campaigns
            .iter()
            .map(|(v, _)| crate::builder::new_campaign(v.clone()))
            .collect();
        s.systems.webhooks = Vec::new();
        s
    }
}

pub(super) fn add_menu(
    id: &'static str,
    label: &'static str,
    options: &[(String, String)],
    f: Callback<Event>,
) -> Html {
    html! {
        <label class="bfield add-menu">
            <span class="blabel">{ label }</span>
            <select {id} onchange={f}>
                <option value="" selected=true>{ "choose\u{2026}" }</option>
                { for options.iter().map(|(v, t)| html! { <option value={v.clone()}>{ t.clone() }</option> }) }
            </select>
        </label>
    }
}

fn schedule(c: &Campaign, off: bool, ce: Rc<dyn Fn(CampaignEdit)>, knobs: Knobs) -> Html {
    let kind = {
        let ce = ce.clone();
        move |v: String| {
            ce(CampaignEdit::Schedule((v == "batch").then_some(Schedule {
                at: Param::Literal(3_600_000),
                every: None,
            })))
        }
    };
    let kinds = menu(&[
        ("trigger", "Trigger campaign (runs when a trigger fires)"),
        ("batch", "Batch campaign (runs on a schedule)"),
    ]);
    let current = if c.schedule.is_some() {
        "batch"
    } else {
        "trigger"
    };
    let times = c.schedule.clone().map(|sch| {
        let (c1, c2) = (ce.clone(), ce.clone());
        let (e1, a2) = (sch.every.clone(), sch.at.clone());
        let at = Callback::from(move |p: Option<Param>| {
            c1(CampaignEdit::Schedule(Some(Schedule { at: p.unwrap_or(Param::Literal(0)), every: e1.clone() })))
        });
        let every = Callback::from(move |every| c2(CampaignEdit::Schedule(Some(Schedule { at: a2.clone(), every }))));
        html! { <>
            <AmountEditor id="schedule-at" label="First run, after the start" value={Some(sch.at.clone())}
                knobs={knobs.clone()} on_change={at} />
            <AmountEditor id="schedule-every" label="Recurrence: every (empty: run once)" value={sch.every.clone()}
                knobs={knobs.clone()} optional=true on_change={every} />
        </> }
    });
    let quals = menu(&[
        ("once", "Each person can run through the flow once"),
        ("every_time", "Every time"),
        ("once_every", "Once every … days"),
    ]);
    let qual_key = key_of(&c.qualification);
    let qual = {
        let ce = ce.clone();
        move |v: String| {
            ce(CampaignEdit::Qualification(match v.as_str() {
                "every_time" => Qualification::EveryTime,
                "once_every" => Qualification::OnceEvery(Param::Literal(86_400_000)),
                _ => Qualification::Once,
            }))
        }
    };
    let days = match &c.qualification {
        Qualification::OnceEvery(p) => {
            let ce = ce.clone();
            let on_change = Callback::from(move |p: Option<Param>| {
                ce(CampaignEdit::Qualification(Qualification::OnceEvery(
                    p.unwrap_or(Param::Literal(0)),
                )))
            });
            Some(html! {
                <AmountEditor id="qualification-every" label="Once every" value={Some(p.clone())} {knobs} {on_change} />
            })
        }
        _ => None,
    };
    let active = {
        let ce = ce.clone();
        move |v: String| ce(CampaignEdit::Active(v == "true"))
    };
    let on = c.active && !off;
    html! {
        <div class="schedule-tab">
            { select("campaign-kind".into(), "Campaign type", &kinds, current, kind) }
            { for times }
            { select("qualification".into(), "Qualification rule", &quals, &qual_key, qual) }
            { for days }
            { select("campaign-active".into(), "Status", &menu(&[("true", "Active"), ("false", "Not active")]), &on.to_string(), active) }
        </div>
    }
}
