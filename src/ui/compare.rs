//! Compare: two variants with the same seed, knobs and injected events, their timelines on one
//! time axis (one above the other, aligned), each with a one-line outcome.

use yew::prelude::*;

use super::app::{App, AppProps};
use super::controls::{Playback, VariantPicker};
use super::state::RunResult;
use super::timeline::timeline_for;

#[function_component(Compare)]
pub fn compare(props: &AppProps) -> Html {
    let app = &props.app;
    html! {
        <section class="compare" aria-label="Compare two variants">
            <Playback app={app.clone()} />
            <div class="compare-row" id="compare-a">
                <VariantPicker app={app.clone()} id="compare-variant-a" label="Left: variant" compare={false} />
                { side(app, &app.run, "compare-svg-a", "outcome-a") }
            </div>
            <div class="compare-row" id="compare-b">
                <VariantPicker app={app.clone()} id="compare-variant-b" label="Right: variant" compare={true} />
                { match &app.compare_run {
                    Some(run) => side(app, run, "compare-svg-b", "outcome-b"),
                    None => html! { <p class="hint">{ "Pick a second variant to compare." }</p> },
                } }
            </div>
        </section>
    }
}

fn side(app: &App, run: &RunResult, svg: &'static str, outcome: &'static str) -> Html {
    match run.as_ref() {
        Ok(r) => {
            let class = if r.violations.is_empty() {
                "outcome good"
            } else {
                "outcome bad"
            };
            html! {
                <>
                    <p class={class} id={outcome} data-trace-hash={r.trace_hash.clone()}
                        data-violations={r.violations.len().to_string()}>
                        { r.outcome.clone() }
                    </p>
                    { timeline_for(app, r.clone(), svg) }
                </>
            }
        }
        Err(e) => {
            html! { <p class="error" id={outcome}>{ format!("This run could not be made: {e}") }</p> }
        }
    }
}
