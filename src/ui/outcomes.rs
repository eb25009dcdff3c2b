//! The run's outcomes table: per person, what happened to them (alerts and to whom, e-mails
//! per queue entry, CRM routing, final stage), the affected ones highlighted and listed
//! first. A big run lists only the affected people, with a count of the rest. Clicking a
//! person selects them in the inspector (and, if a violation touched them, its event); their
//! "story" link opens their story.

use std::rc::Rc;

use yew::prelude::*;

use super::parts::para;
use super::state::{Action, App, Dispatch};
use crate::api::{thousands, Outcomes, StoryOf, LIST_EVERYONE_UP_TO};

/// The outcomes panel of the main run (nothing when the run failed).
pub fn outcomes(app: &App) -> Html {
    let Ok(run) = &app.run else {
        return html! {};
    };
    html! {
        <OutcomesTable outcomes={run.outcomes.clone()} rows={run.rows.len()}
            person={app.spec.view.person} dispatch={app.dispatcher()} />
    }
}

#[derive(Properties, PartialEq)]
pub struct OutcomesProps {
    pub outcomes: Rc<Outcomes>,
    /// The run's trace rows: a big run's table is drawn a task after the rest of the page.
    #[prop_or_default]
    pub rows: usize,
    /// The person selected in the inspector.
    pub person: Option<u32>,
    pub dispatch: Dispatch,
}

#[function_component(OutcomesTable)]
pub fn outcomes_table(props: &OutcomesProps) -> Html {
    let o = &props.outcomes;
    let later = super::parts::use_later(o, props.rows);
    let heading = format!(
        "Leads: {} of {} {} affected",
        thousands(o.affected_leads),
        thousands(o.leads),
        o.lead_unit
    );
    let (rows, left_out) = o.listed();
    let nobody = rows.is_empty();
    let rows = rows.into_iter().map(|i| {
        let p = &o.people[i];
        let number = p.person;
        let pick = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |_| dispatch.dispatch(Action::PersonOutcome(number)))
        };
        let story = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |_| dispatch.dispatch(Action::Story(Some(StoryOf::Person(number)))))
        };
        let selected = props.person == Some(number);
        let class = classes!(
            p.affected.then_some("affected"),
            selected.then_some("selected")
        );
        let broke: Vec<String> = p.violations.iter().map(|v| v.title.clone()).collect();
        html! {
            <tr {class} data-person={number.to_string()} data-affected={p.affected.to_string()}>
                <td>
                    <button class="link-button" id={format!("outcome-person-{number}")}
                        onclick={pick} aria-pressed={selected.to_string()}>
                        { format!("person {number}") }
                    </button>
                    <button class="link-button story-link" id={format!("story-person-{number}")}
                        onclick={story} aria-label={format!("Show the story of person {number}")}>
                        { "story" }
                    </button>
                </td>
                <td>{ p.summary.clone() }</td>
                <td class="verdict">
                    if p.affected {
                        <strong>{ "affected" }</strong>
                        <span class="hint">{ format!(" ({})", dedup(broke).join(", ")) }</span>
                    } else {
                        { "fine" }
                    }
                </td>
            </tr>
        }
    });
    let note = (left_out > 0).then(|| {
        let shown = o.people.len() - left_out;
        let text = if o.people.len() > LIST_EVERYONE_UP_TO {
            format!(
                "Showing the {} affected {}; the other {} are left out.",
                thousands(shown as u64),
                if shown == 1 { "person" } else { "people" },
                thousands(left_out as u64)
            )
        } else {
            format!("{} more not shown.", thousands(left_out as u64))
        };
        para("hint", text)
    });
    html! {
        <section class="panel outcomes-panel" id="outcomes" aria-label="What happened to each lead"
            data-leads={o.leads.to_string()} data-affected={o.affected_leads.to_string()}>
            <h2>{ heading }</h2>
            { for o.items.iter().map(|line| para("outcome-item", line.clone())) }
            if nobody && !o.people.is_empty() {
                { para("clean", format!("None of the {} people was affected.", thousands(o.leads))) }
            } else if later {
                { para("hint", "Listing the people\u{2026}") }
            } else if !o.people.is_empty() {
                { for note }
                <div class="outcomes-scroll">
                    <table class="outcomes-table" id="outcomes-table">
                        <thead><tr>
                            <th>{ "Person" }</th><th>{ "What happened" }</th><th>{ "Verdict" }</th>
                        </tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            }
        </section>
    }
}

/// `names` with repeats removed, in order.
fn dedup(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}
