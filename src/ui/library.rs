//! The scenario library: one card per built-in scenario (title, one-line summary, which race
//! of the source documents it reproduces). A card opens the scenario in the Run tab. The cards
//! are built into the app, so the library shows at once; a scenario itself is fetched when
//! first opened.

use yew::prelude::*;

use super::state::{Action, App};

/// The library tab.
pub fn library(app: &App) -> Html {
    let current = app.loaded.as_ref().map(|l| l.scenario.id.clone());
    let items = crate::scenarios::cards().map(|c| {
        let onclick = super::parts::send(&app.dispatcher(), Action::OpenBuiltin(c.id.to_string()));
        let race = if c.control {
            "Control: no race".to_string()
        } else {
            format!("Race: {}", c.race)
        };
        let id = format!("card-{}", c.id);
        let text = html! {
            <>
                <span class="card-title">{ c.title }</span>
                <span class="card-summary">{ c.summary }</span>
                <span class="card-race">{ race }</span>
            </>
        };
        let button = if current.as_deref() == Some(c.id) {
            html! { <button class="card current" {id} {onclick}>{ text }</button> }
        } else {
            html! { <button class="card" {id} {onclick}>{ text }</button> }
        };
        html! { <li>{ button }</li> }
    });
    html! {
        <section class="library" aria-labelledby="library-heading">
            <h1 id="library-heading">{ "Scenario library" }</h1>
            <p class="lead">
                { "Each scenario is a set of smart campaigns with a race in it, a fix, and a lesson. \
                   Pick one to watch the race happen." }
            </p>
            <ul class="cards">{ for items }</ul>
        </section>
    }
}
