//! The campaigns of the chosen variant in the vocabulary marketing-operations people know
//! (Smart List triggers and filters, numbered Flow steps with choices, schedule, qualification
//! rule), the systems around them, and the scenario's lesson with its source and the
//! technical words it uses, explained ("Words used in this lesson"). The engine writes every
//! line.

use yew::prelude::*;

use super::parts::{items, para};
use super::state::{App, RunKey};

/// The campaigns and lesson of the open scenario.
pub fn reader(app: &App) -> Html {
    html! { <Reader setup={app.setup_key()} /> }
}

#[derive(Properties, PartialEq)]
pub struct ReaderProps {
    /// The set-up shown: scenario, variant and knobs (the campaigns' text depends on them).
    pub setup: RunKey,
}

#[function_component(Reader)]
pub fn reader_view(props: &ReaderProps) -> Html {
    let views = use_memo(props.setup.clone(), |k| match &*k.scenario {
        // The campaigns as the variant and knobs make them (injected events aside).
        Some(s) => crate::api::campaign_views_for(
            s,
            &crate::api::RunConfig {
                injections: Vec::new(),
                ..k.config()
            },
        ),
        None => Err(String::new()),
    });
    let Some(scenario) = &*props.setup.scenario else {
        return html! {};
    };
    let body = match views.as_ref() {
        Ok(v) => {
            let campaigns = v.campaigns.iter().map(|c| {
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
                        <ol class="flow">
                            { for c.flow.iter().map(|s| html! {
                                <li>
                                    { s.text.clone() }
                                    if !s.choices.is_empty() {
                                        <ul class="choices">{ items(&s.choices, "") }</ul>
                                    }
                                </li>
                            }) }
                        </ol>
                    </article>
                }
            });
            let systems = v.systems.iter().map(|s| {
                html! {
                    <article class="system">
                        <h3>{ s.name.clone() }</h3>
                        <ul>{ items(&s.lines, "") }</ul>
                    </article>
                }
            });
            html! { <>{ for campaigns }{ for systems }</> }
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
