//! The campaigns of the chosen variant in the vocabulary marketing-operations people know
//! (Smart List triggers and filters, numbered Flow steps with choices, schedule, qualification
//! rule), the systems around them, and the scenario's lesson with its source and the
//! technical words it uses, explained ("Words used in this lesson"). The engine writes every
//! line.

use yew::prelude::*;

use super::parts::{items, on_value, para};
use super::state::{App, RunKey};
use crate::api::{FlowDiff, FlowStepView, StepChangeKind};

/// The campaigns and lesson of the open scenario.
pub fn reader(app: &App) -> Html {
    html! { <Reader setup={app.setup_key()} /> }
}

/// A numbered flow; with a comparison, the steps added or changed against `other` are
/// marked and the steps only `other` has are listed after the flow.
fn flow(steps: &[FlowStepView], diff: Option<&FlowDiff>, other: &str) -> Html {
    let mark = |number: usize| {
        diff.and_then(|d| {
            d.changes
                .iter()
                .find(|c| c.kind != StepChangeKind::Removed && c.number == number)
        })
    };
    let removed: Vec<String> = diff.map_or(Vec::new(), |d| {
        d.changes
            .iter()
            .filter(|c| c.kind == StepChangeKind::Removed)
            .filter_map(|c| c.before.clone())
            .collect()
    });
    html! {
        <>
            <ol class="flow">
                { for steps.iter().enumerate().map(|(i, s)| {
                    let change = mark(i + 1);
                    let class = change.map(|c| match c.kind {
                        StepChangeKind::Added => "diff-added",
                        _ => "diff-changed",
                    });
                    let title = change.map(|c| match &c.before {
                        Some(b) => format!("In {other}: {b}"),
                        None => format!("Not in {other}"),
                    });
                    html! {
                        <li class={classes!(class)} {title}>
                            { s.text.clone() }
                            if !s.choices.is_empty() {
                                <ul class="choices">{ items(&s.choices, "") }</ul>
                            }
                        </li>
                    }
                }) }
            </ol>
            if !removed.is_empty() {
                <ul class="diff-removed">
                    { for removed.iter().map(|r| html! { <li>{ format!("Only in {other}: {r}") }</li> }) }
                </ul>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReaderProps {
    /// The set-up shown: scenario, variant and knobs (the campaigns' text depends on them).
    pub setup: RunKey,
}

/// The lesson, then each campaign's and system's flow (an import job's, a consumer's and the
/// response feed's steps are numbered flows too). "Compare with" picks another variant: the
/// steps this variant adds or changes are marked, and the steps only the other one has are
/// listed under their flow.
#[function_component(Reader)]
pub fn reader_view(props: &ReaderProps) -> Html {
    let compare = use_state(String::new);
    let other = (*compare).clone();
    // The campaigns as the variant and knobs make them (injected events aside).
    let config = |k: &RunKey| crate::api::RunConfig {
        injections: Vec::new(),
        ..k.config()
    };
    let views = use_memo(props.setup.clone(), |k| match &*k.scenario {
        Some(s) => crate::api::campaign_views_for(s, &config(k)),
        None => Err(String::new()),
    });
    let diffs = use_memo(
        (props.setup.clone(), other.clone()),
        |(k, other)| match &*k.scenario {
            Some(s) if !other.is_empty() && *other != k.variant => {
                crate::api::variant_differences_for(s, &config(k), other).unwrap_or_default()
            }
            _ => Vec::new(),
        },
    );
    let Some(scenario) = &*props.setup.scenario else {
        return html! {};
    };
    let others: Vec<String> = scenario
        .variants
        .iter()
        .map(|v| v.name.clone())
        .filter(|v| *v != props.setup.variant)
        .collect();
    let comparing = !other.is_empty() && others.contains(&other);
    let diff_of = |flow: &str| -> Option<&FlowDiff> {
        comparing
            .then(|| diffs.iter().find(|d| d.flow == flow))
            .flatten()
    };
    let picker = (!others.is_empty()).then(|| {
        let set = compare.clone();
        let onchange = on_value(move |v| {
            set.set(v);
            None
        });
        html! {
            <label class="compare-with">{ "Compare with " }
                <select id="reader-compare" {onchange}>
                    <option value="" selected={!comparing}>{ "no other variant" }</option>
                    { for others.iter().map(|o| html! {
                        <option value={o.clone()} selected={comparing && *o == other}>{ o.clone() }</option>
                    }) }
                </select>
            </label>
        }
    });
    let summary = comparing.then(|| {
        let n: usize = diffs.iter().map(|d| d.changes.len()).sum();
        let text = if n == 0 {
            format!("Same steps as {other}.")
        } else {
            format!(
                "{n} step{} differ from {other}: marked below.",
                if n == 1 { "" } else { "s" }
            )
        };
        html! { <p id="reader-diff" class="meta">{ text }</p> }
    });
    let body = match views.as_ref() {
        Ok(v) => {
            let campaigns = v.campaigns.iter().map(|c| {
                let diff = diff_of(&format!("Campaign: {}", c.name));
                html! {
                    <article class="campaign">
                        <h3>{ c.name.clone() }</h3>
                        { para("meta", format!("{} · {}", c.kind, c.qualification)) }
                        if !c.active {
                            { para("meta bad", "Switched off in this variant.") }
                        }
                        if !c.description.is_empty() {
                            { para("hint", c.description.clone()) }
                        }
                        if !c.program.is_empty() {
                            { para("meta", format!("Program: {}", c.program)) }
                        }
                        <h4>{ "Smart List" }</h4>
                        <ul class="smart-list">
                            { items(&c.triggers, "trigger") }
                            { items(&c.filters, "filter") }
                        </ul>
                        if let Some(logic) = &c.logic {
                            { para("meta", format!("Advanced filter logic: {logic}")) }
                        }
                        <h4>{ "Flow" }</h4>
                        { flow(&c.flow, diff, &other) }
                    </article>
                }
            });
            let systems = v.systems.iter().map(|s| {
                let steps: Vec<FlowStepView> = s
                    .steps
                    .iter()
                    .map(|t| FlowStepView {
                        text: t.clone(),
                        choices: Vec::new(),
                    })
                    .collect();
                html! {
                    <article class="system">
                        <h3>{ s.name.clone() }</h3>
                        <ul>{ items(&s.lines, "") }</ul>
                        if !steps.is_empty() {
                            <h4>{ "Steps" }</h4>
                            { flow(&steps, diff_of(&s.name), &other) }
                        }
                    </article>
                }
            });
            html! { <>{ picker }{ summary }{ for campaigns }{ for systems }</> }
        }
        Err(e) => para("error", e.clone()),
    };
    html! {
        <section class="reader" aria-label="Campaigns and lesson">
            <details class="lesson" open=true>
                <summary>{ "Lesson" }</summary>
                <p id="lesson">{ scenario.lesson.clone() }</p>
                if !scenario.source.is_empty() {
                    <p class="source" id="lesson-source">{ format!("Source: {}", scenario.source) }</p>
                }
            </details>
            { glossary(scenario) }
            <h2>{ "Campaigns" }</h2>
            <div id="campaigns">{ body }</div>
        </section>
    }
}

/// "Words used in this lesson": each glossary term the lesson uses, with its definition.
/// A `details` element, so its summary takes the keyboard focus and opens or closes it.
fn glossary(scenario: &crate::api::Scenario) -> Html {
    let terms = crate::api::glossary::lesson_terms(scenario);
    if terms.is_empty() {
        return html! {};
    }
    html! {
        <details class="glossary" id="glossary" open=true>
            <summary>{ "Words used in this lesson" }</summary>
            <dl>
                { for terms.iter().map(|t| html! {
                    <>
                        <dt>{ t.term }</dt>
                        <dd>{ t.definition }</dd>
                    </>
                }) }
            </dl>
        </details>
    }
}
