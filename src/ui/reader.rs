//! The campaigns of the chosen variant in the vocabulary marketing-operations people know
//! (Smart List triggers and filters, numbered Flow steps with choices, schedule, qualification
//! rule), the systems around them, and the scenario's lesson. The engine writes every line.

use yew::prelude::*;

use super::app::AppProps;

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
                        <p class="meta">{ format!("{} · {}", c.kind, c.qualification) }</p>
                        if !c.active {
                            <p class="meta bad">{ "Switched off in this variant." }</p>
                        }
                        if !c.description.is_empty() {
                            <p class="hint">{ c.description.clone() }</p>
                        }
                        if !c.program.is_empty() {
                            <p class="meta">{ format!("Program: {}", c.program) }</p>
                        }
                        <h4>{ "Smart List" }</h4>
                        <ul class="smart-list">
                            { for c.triggers.iter().map(|t| html! { <li class="trigger">{ t.clone() }</li> }) }
                            { for c.filters.iter().map(|f| html! { <li class="filter">{ f.clone() }</li> }) }
                        </ul>
                        if let Some(logic) = &c.logic {
                            <p class="meta">{ format!("Advanced filter logic: {logic}") }</p>
                        }
                        <h4>{ "Flow" }</h4>
                        <ol class="flow">
                            { for c.flow.iter().map(|s| html! {
                                <li>
                                    { s.text.clone() }
                                    if !s.choices.is_empty() {
                                        <ul class="choices">
                                            { for s.choices.iter().map(|ch| html! { <li>{ ch.clone() }</li> }) }
                                        </ul>
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
                        <ul>{ for s.lines.iter().map(|l| html! { <li>{ l.clone() }</li> }) }</ul>
                    </article>
                }
            });
            html! { <>{ for campaigns }{ for systems }</> }
        }
        Err(e) => html! { <p class="error">{ e.clone() }</p> },
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
