//! "Saved work in this browser", above the library's cards: the work other tabs saved (each tab saves
//! its own, see [`super::autosave`]), most recent first, with when it was saved. "Open" goes on
//! with it in this tab; "Remove" deletes it from the browser.

use yew::prelude::*;

use super::state::{Action, Dispatch};
use super::storage::{self, WORK};
use crate::saved;
use crate::spec::Tab;

#[derive(Properties, PartialEq)]
pub struct SavedWorkProps {
    pub dispatch: Dispatch,
}

/// The list (nothing when no other tab saved work).
#[function_component(SavedWork)]
pub fn saved_work(props: &SavedWorkProps) -> Html {
    let removed = use_state(|| 0u32);
    let own = storage::this_tab().id;
    let slots = saved::others_newest_first(&WORK.list(), &own);
    if slots.is_empty() {
        return html! {};
    }
    let now = storage::epoch_ms();
    let items = slots.into_iter().map(|slot| {
        let open = {
            let (dispatch, tab) = (props.dispatch.clone(), slot.tab.clone());
            Callback::from(move |_| {
                let spec = WORK
                    .load(&tab)
                    .ok_or_else(|| "it is no longer saved".to_string())
                    .and_then(|r| saved::work_spec(&r.body));
                dispatch.dispatch(match spec {
                    Ok(mut spec) => {
                        if spec.view.tab == Tab::Library {
                            spec.view.tab = Tab::Run;
                        }
                        Action::Load(spec)
                    }
                    Err(e) => {
                        Action::Notice(Some(format!("This saved work could not be opened: {e}")))
                    }
                });
            })
        };
        let remove = {
            let (removed, tab) = (removed.clone(), slot.tab.clone());
            Callback::from(move |_| {
                WORK.remove(&tab);
                removed.set(*removed + 1);
            })
        };
        let h = &slot.header;
        html! {
            <li class="saved-item" id={format!("saved-{}", slot.tab)}>
                <span class="saved-title">{ h.title.clone() }</span>
                <span class="saved-detail">
                    { format!("{} \u{b7} saved {}", h.detail, saved::ago(now, h.saved_ms)) }
                </span>
                <button class="saved-open" onclick={open}>{ "Open" }</button>
                <button class="saved-remove" onclick={remove}
                    aria-label={format!("Remove {}", h.title)}>{ "Remove" }</button>
            </li>
        }
    });
    html! {
        <section class="library saved-work" aria-labelledby="saved-heading">
            <h2 id="saved-heading">{ "Saved work in this browser" }</h2>
            <p class="lead">
                { "Each tab saves its own work. Open one to go on with it in this tab; \
                   the tab that saved it keeps its own copy." }
            </p>
            <ul class="saved-list">{ for items }</ul>
        </section>
    }
}
