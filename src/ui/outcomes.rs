//! The run's outcomes table: per person, what happened to them (alerts and to whom, e-mails
//! per queue entry, CRM routing, final stage), the affected ones highlighted and listed
//! first. A big run lists only the affected people, with a count of the rest. The table shows
//! [`LEADS_PER_PAGE`] people at a time with Previous/Next (only those rows are built: its cost
//! does not grow with the run), and "Find a person" shows any one person by number. Clicking
//! a person selects them in the inspector (and, if a violation touched them, its event); their
//! "story" link opens their story.

use std::rc::Rc;

use yew::prelude::*;

use super::parts::{self, label, on_value, para};
use super::state::{Action, App, Dispatch};
use crate::api::{thousands, Outcomes, StoryOf, LIST_EVERYONE_UP_TO};

/// People listed at once.
pub const LEADS_PER_PAGE: usize = 50;

/// The outcomes panel of the main run (nothing when the run failed).
pub fn outcomes(app: &App) -> Html {
    let Ok(run) = &app.run else {
        return html! {};
    };
    html! {
        <OutcomesTable outcomes={run.outcomes.clone()} person={app.spec.view.person}
            dispatch={app.dispatcher()} />
    }
}

#[derive(Properties, PartialEq)]
pub struct OutcomesProps {
    pub outcomes: Rc<Outcomes>,
    /// The person selected in the inspector.
    pub person: Option<u32>,
    pub dispatch: Dispatch,
}

#[function_component(OutcomesTable)]
pub fn outcomes_table(props: &OutcomesProps) -> Html {
    let o = &props.outcomes;
    let heading = format!(
        "Leads: {} of {} {} affected",
        thousands(o.affected_leads),
        thousands(o.leads),
        o.lead_unit
    );
    // The page shown and the person searched for, for the outcomes they were chosen on (a
    // new run starts at its first page, with no search).
    let ptr = Rc::as_ptr(o) as usize;
    let page = use_state(|| (ptr, 0usize));
    let finder = use_state(|| (ptr, None::<u32>));
    let (listed, left_out) = o.listed();
    let nobody = listed.is_empty();
    let count = listed.len();
    let pages = count.div_ceil(LEADS_PER_PAGE).max(1);
    let at = if page.0 == ptr {
        page.1.min(pages - 1)
    } else {
        0
    };
    let found = (finder.0 == ptr).then_some(finder.1).flatten();
    let rows: Vec<usize> = match found {
        Some(n) => o
            .people
            .iter()
            .position(|p| p.person == n)
            .into_iter()
            .collect(),
        None => listed
            .iter()
            .skip(at * LEADS_PER_PAGE)
            .take(LEADS_PER_PAGE)
            .copied()
            .collect(),
    };
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
    let note = (left_out > 0 && found.is_none()).then(|| {
        let shown = o.people.len() - left_out;
        let text = if o.people.len() > LIST_EVERYONE_UP_TO {
            format!(
                "Listing the {} affected {}; the other {} are left out (find any person by number).",
                thousands(shown as u64),
                if shown == 1 { "person" } else { "people" },
                thousands(left_out as u64)
            )
        } else {
            format!("{} more not shown.", thousands(left_out as u64))
        };
        para("hint", text)
    });
    let go = |to: usize| {
        let page = page.clone();
        Callback::from(move |_| page.set((ptr, to)))
    };
    let ids = parts::PagerIds {
        row: "outcomes-pager",
        shown: "outcomes-shown",
        prev: "outcomes-prev",
        next: "outcomes-next",
    };
    let pager = if found.is_some() {
        html! {}
    } else {
        parts::pager(ids, at, LEADS_PER_PAGE, count, "", go)
    };
    let search =
        (o.people.len() > LEADS_PER_PAGE).then(|| find_person(o, ptr, found, finder.clone()));
    html! {
        <section class="panel outcomes-panel" id="outcomes" aria-label="What happened to each lead"
            data-leads={o.leads.to_string()} data-affected={o.affected_leads.to_string()}>
            <h2>{ heading }</h2>
            { for o.items.iter().map(|line| para("outcome-item", line.clone())) }
            if !o.people.is_empty() {
                { for search }
                if nobody && found.is_none() {
                    { para("clean", format!("None of the {} people was affected.", thousands(o.leads))) }
                } else {
                    { for note }
                    <div class="outcomes-scroll">
                        <table class="outcomes-table" id="outcomes-table">
                            <thead><tr>
                                <th>{ "Person" }</th><th>{ "What happened" }</th><th>{ "Verdict" }</th>
                            </tr></thead>
                            <tbody>{ for rows }</tbody>
                        </table>
                    </div>
                    { pager }
                }
            }
        </section>
    }
}

/// "Find a person": a number typed in shows that person's row alone (empty: the list again).
/// `found` is the person shown; `finder` sets it, for the outcomes `o` (at `ptr`).
fn find_person(
    o: &Outcomes,
    ptr: usize,
    found: Option<u32>,
    finder: UseStateHandle<(usize, Option<u32>)>,
) -> Html {
    let people = o.people.iter().map(|p| p.person).max().unwrap_or(0);
    let missing = found
        .filter(|n| !o.people.iter().any(|p| p.person == *n))
        .map(|n| {
            para(
                "hint",
                format!("Person {n} is not a lead at the end of this run."),
            )
        });
    let onchange = on_value(move |text| {
        let text = text.trim().trim_start_matches("person").trim().to_string();
        match text.parse::<u32>() {
            _ if text.is_empty() => finder.set((ptr, None)),
            Ok(n) if (1..=people).contains(&n) => finder.set((ptr, Some(n))),
            _ => {
                finder.set((ptr, None));
                return Some(String::new());
            }
        }
        None
    });
    html! {
        <div class="field outcomes-find">
            { label("outcomes-find", "Find a person") }
            <input id="outcomes-find" class="num" type="search" inputmode="numeric"
                placeholder={format!("1 to {people}")} autocomplete="off"
                value={found.map_or_else(String::new, |n| n.to_string())}
                title="Type a person's number to see what happened to them (empty: the list)"
                {onchange} />
            { for missing }
        </div>
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
