//! The campaigns of the chosen variant in the vocabulary marketing-operations people know
//! (Smart List triggers and filters, numbered Flow steps with choices, schedule, qualification
//! rule), the systems around them, and the scenario's lesson. The engine writes every line.

use yew::prelude::*;

use super::app::AppProps;
use super::parts::{items, para};

#[function_component(Reader)]
pub fn reader(props: &AppProps) -> Html {
    let app = &props.app;
    let scenario = app.scenario_ref();
    let views = use_memo(
        (
            scenario.clone(),
            app.spec.variant.clone(),
            app.spec.knobs.clone(),
        ),
        |(s, variant, knobs)| match &s.0 {
            Some(s) => crate::api::campaign_views_for(
                s,
                &crate::engine::RunConfig {
                    variant: Some(variant.clone()),
                    knobs: knobs.clone(),
                    ..Default::default()
                },
            ),
            None => Err(String::new()),
        },
    );
    let Some(scenario) = scenario.0 else {
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
            </details>
            <h2>{ "Campaigns" }</h2>
            <div id="campaigns">{ body }</div>
        </section>
    }
}
