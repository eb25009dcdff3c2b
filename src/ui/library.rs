//! The scenario library: one card per built-in scenario (title, one-line summary, which race
//! of the source documents it reproduces). A card opens the scenario in the Run tab.

use yew::prelude::*;

use super::app::AppProps;
use super::state::Action;

/// What a card shows.
#[derive(Clone, PartialEq)]
struct Card {
    id: &'static str,
    title: String,
    summary: String,
    race: String,
    control: bool,
}

fn cards() -> Vec<Card> {
    crate::scenarios::ids()
        .filter_map(|id| {
            let s = crate::scenarios::builtin(id)?;
            Some(Card {
                id,
                title: s.title,
                summary: s.summary,
                race: s.race,
                control: s.control,
            })
        })
        .collect()
}

#[function_component(Library)]
pub fn library(props: &AppProps) -> Html {
    let cards = use_memo((), |_| cards());
    let current = props.app.loaded.as_ref().map(|l| l.scenario.id.clone());
    let items = cards.iter().map(|c| {
        let onclick = {
            let app = props.app.clone();
            let id = c.id.to_string();
            Callback::from(move |_| app.dispatch(Action::OpenBuiltin(id.clone())))
        };
        let race = if c.control {
            "Control: no race".to_string()
        } else {
            format!("Race: {}", c.race)
        };
        let class = classes!(
            "card",
            (current.as_deref() == Some(c.id)).then_some("current")
        );
        html! {
            <li>
                <button {class} id={format!("card-{}", c.id)} {onclick}>
                    <span class="card-title">{ c.title.clone() }</span>
                    <span class="card-summary">{ c.summary.clone() }</span>
                    <span class="card-race">{ race }</span>
                </button>
            </li>
        }
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
