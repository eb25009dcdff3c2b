//! Compare: two variants with the same seed, knobs and injected events, their timelines on one
//! time axis (one above the other, aligned), each with a one-line outcome.

use yew::prelude::*;

use super::controls::{playback, variant_picker};
use super::state::{App, RunResult};
use super::timeline::timeline_for;

/// The compare tab.
pub fn compare(app: &App) -> Html {
    html! {
        <section class="compare" aria-label="Compare two variants">
            { playback(app) }
            <div class="compare-row" id="compare-a">
                { variant_picker(app, "compare-variant-a", "Left: variant", false) }
                { side(app, &app.run, "compare-svg-a", "outcome-a") }
            </div>
            <div class="compare-row" id="compare-b">
                { variant_picker(app, "compare-variant-b", "Right: variant", true) }
                { match &app.compare_run {
                    Some(run) => side(app, run, "compare-svg-b", "outcome-b"),
                    None => super::parts::para("hint", "Pick a second variant to compare."),
                } }
            </div>
        </section>
    }
}

fn side(app: &App, run: &RunResult, svg: &'static str, outcome: &'static str) -> Html {
    match run.as_ref() {
        Ok(r) => {
            let (hash, count) = (r.trace_hash.clone(), r.violations.len().to_string());
            let text = r.outcome.clone();
            let verdict = if r.violations.is_empty() {
                html! { <p class="outcome good" id={outcome} data-trace-hash={hash} data-violations={count}>{ text }</p> }
            } else {
                html! { <p class="outcome bad" id={outcome} data-trace-hash={hash} data-violations={count}>{ text }</p> }
            };
            html! { <>{ verdict }{ timeline_for(app, r.clone(), svg) }</> }
        }
        Err(e) => {
            html! { <p class="error" id={outcome}>{ format!("This run could not be made: {e}") }</p> }
        }
    }
}
