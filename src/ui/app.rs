//! The root component: starts from a link or saved work and keeps the work, the URL and
//! history up to date (see [`super::autosave`]), fetches a built-in scenario the first time
//! it is needed, drives playback and keyboard shortcuts, and lays out the tabs.

use gloo_timers::callback::Interval;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::saved_work::SavedWork;
use super::state::{Action, App, SPEEDS};
use super::{
    autosave, build_tab, compare, controls, explore, header, lesson, library, outcomes, panels,
    progress, reader, runner, story, sweep, timeline, web,
};
use crate::spec::Tab;

#[function_component(RaceLab)]
pub fn race_lab() -> Html {
    let app = use_reducer(|| {
        super::state::compute_off_main(runner::available());
        autosave::initial_state()
    });
    runner::use_runner(&app);
    use_scenario_fetch(&app);
    let kept = autosave::use_keeping(&app);
    use_playback(&app);
    use_keyboard(&app);

    let view = &app.spec.view;
    let body = match view.tab {
        _ if app.fetching().is_some() => loading(&app),
        Tab::Library => html! {
            <>
                <SavedWork dispatch={app.dispatcher()} />
                { library::library(&app) }
            </>
        },
        // An open story takes the main area, over the run's timeline.
        Tab::Run if app.story.is_some() => html! {
            <div class="story-layout">
                { story::story_view(&app) }
                { controls::playback(&app) }
                { timeline::main_timeline(&app) }
            </div>
        },
        Tab::Run => html! {
            <div class="run-layout">
                <aside class="side">
                    { controls::controls(&app) }
                    { reader::reader(&app) }
                </aside>
                <section class="stage">
                    { lesson::lesson(&app) }
                    { controls::playback(&app) }
                    { timeline::main_timeline(&app) }
                    <div class="panels">
                        { panels::violations(&app) }
                        { panels::inspector(&app) }
                    </div>
                    { outcomes::outcomes(&app) }
                </section>
            </div>
        },
        Tab::Compare => compare::compare(&app),
        Tab::Sweep => sweep::sweep(&app),
        Tab::Explore => explore::explore(&app),
        Tab::Build => build_tab::build_tab(&app),
    };
    html! {
        <div class={classes!("app", view.presentation.then_some("presentation"))}>
            { header::header(&app) }
            { autosave::banners(&kept) }
            { notice(&app) }
            { progress::progress(&app) }
            <main id="main">{ body }</main>
        </div>
    }
}

/// What shows while a built-in scenario is being fetched.
fn loading(app: &App) -> Html {
    let id = app.fetching().unwrap_or_default();
    let title = crate::scenarios::card(id).map_or(id, |c| c.title);
    html! {
        <section class="library">
            <p class="lead" id="loading" role="status">{ format!("Loading {title}\u{2026}") }</p>
        </section>
    }
}

fn notice(app: &App) -> Html {
    let Some(text) = app.notice.clone() else {
        return html! {};
    };
    let close = super::parts::send(&app.dispatcher(), Action::Notice(None));
    html! {
        <div class="notice" id="notice" role="alert">
            <span>{ text }</span>
            <button onclick={close} aria-label="Dismiss message">{ "×" }</button>
        </div>
    }
}

/// Where the web app finds built-in scenario `id`: trunk copies `src/scenarios/` next to the
/// page (see index.html). The query names the file's version, for caches.
fn scenario_url(id: &str) -> String {
    let version = crate::scenarios::card(id).map_or("", |c| c.fingerprint);
    format!("scenarios/{id}.json?v={version}")
}

/// Fetches the built-in scenario a pending set-up needs (see [`super::state::AppState::fetching`]); its
/// answer opens the set-up, or says why it could not.
#[hook]
fn use_scenario_fetch(app: &App) {
    let id = app.fetching().map(str::to_string);
    let handle = app.clone();
    use_effect_with(id, move |id| {
        if let Some(id) = id.clone() {
            web::fetch_text(&scenario_url(&id), move |text| {
                handle.dispatch(Action::Fetched(id, text))
            });
        }
    });
}

/// Steps the playhead while playing, at the chosen speed.
#[hook]
fn use_playback(app: &App) {
    let deps = (app.playing, app.speed);
    let handle = app.clone();
    use_effect_with(deps, move |&(playing, speed)| {
        let timer = playing.then(|| {
            let period = 1000 / SPEEDS[speed].max(1);
            Interval::new(period, move || handle.dispatch(Action::Step(1)))
        });
        move || drop(timer)
    });
}

/// Space plays or pauses, the arrow keys step one event, outside of text fields and buttons.
#[hook]
fn use_keyboard(app: &App) {
    let handle = app.clone();
    use_effect_with((), move |_| {
        let listener =
            Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                let tag = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|el| el.tag_name())
                    .unwrap_or_default();
                if matches!(
                    tag.as_str(),
                    "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON" | "A"
                ) {
                    return;
                }
                let action = match e.key().as_str() {
                    " " => Action::TogglePlay,
                    "ArrowRight" => Action::Step(1),
                    "ArrowLeft" => Action::Step(-1),
                    _ => return,
                };
                e.prevent_default();
                handle.dispatch(action);
            });
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &doc {
            let _ =
                d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = doc {
                let _ = d.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}
