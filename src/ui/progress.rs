//! The run in progress: while a worker computes a run ([`super::runner`]), a status line with
//! the time so far and Cancel appears after a short delay (a small run is on screen before
//! it would show), and the last good run stays on screen below it.

use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

use super::state::{Action, App, Dispatch};

/// How long a run may take before the progress line shows, in milliseconds.
pub const SHOW_AFTER_MS: u32 = 150;

/// The progress line of the run being computed (nothing when none is).
pub fn progress(app: &App) -> Html {
    html! { <RunProgress computing={app.computing} dispatch={app.dispatcher()} /> }
}

#[derive(Properties, PartialEq)]
pub struct RunProgressProps {
    /// The id of the run being computed, if any.
    pub computing: Option<u64>,
    pub dispatch: Dispatch,
}

#[function_component(RunProgress)]
pub fn run_progress(props: &RunProgressProps) -> Html {
    // Tenths of a second since the run started, once the line shows.
    let tenths = use_state(|| None::<u32>);
    {
        let tenths = tenths.clone();
        use_effect_with(props.computing, move |computing| {
            tenths.set(None);
            let timers = computing.map(|_| {
                let t = tenths.clone();
                let show = Timeout::new(SHOW_AFTER_MS, move || t.set(Some(0)));
                let mut n = 0u32;
                let tick = Interval::new(100, move || {
                    n += 1;
                    if n * 100 >= SHOW_AFTER_MS {
                        tenths.set(Some(n));
                    }
                });
                (show, tick)
            });
            move || drop(timers)
        });
    }
    let line = match (props.computing, *tenths) {
        (Some(_), Some(t)) => {
            let cancel = super::parts::send(&props.dispatch, Action::CancelRun);
            html! {
                <div class="run-progress" id="run-progress" role="status" aria-live="polite">
                    <span class="spinner" aria-hidden="true"></span>
                    <span>{ format!("Running the simulation\u{2026} {}.{} s", t / 10, t % 10) }</span>
                    <span class="hint">{ "The run on screen stays until the new one is ready." }</span>
                    <button id="run-cancel" onclick={cancel}>{ "Cancel" }</button>
                </div>
            }
        }
        _ => html! {},
    };
    // `data-running` says whether a run is being computed, shown or not yet (for tests).
    let running = props.computing.is_some().to_string();
    html! { <div id="run-status" data-running={running}>{ line }</div> }
}
