//! The browser page (yew, client-side rendering; compiled only for wasm32).
//!
//! It runs the built-in scenario [`SCENARIO`] in each of [`VARIANTS`] at seed [`SEED`] through
//! [`crate::api::run_builtin`] and shows what each run produced. Each successful run has an
//! element `#outcome-<variant>` carrying a `data-trace-hash` attribute, which the end-to-end
//! test reads. A run that fails is shown as its error message, never as a panic.

use yew::prelude::*;

use crate::api::{run_builtin, RunSummary};

/// The built-in scenario the page runs.
pub const SCENARIO: &str = "alert-before-owner";
/// The variants of [`SCENARIO`] the page compares, in display order.
pub const VARIANTS: [&str; 2] = ["naive", "fixed"];
/// The seed every run on the page uses.
pub const SEED: u64 = 1;

/// Mounts the app on the document body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}

#[function_component(App)]
fn app() -> Html {
    let runs = use_memo((), |_| {
        VARIANTS
            .iter()
            .map(|&variant| (variant, run_builtin(SCENARIO, variant, SEED)))
            .collect::<Vec<_>>()
    });

    html! {
        <main>
            <h1>{ "Race Lab" }</h1>
            <p class="lead">
                { format!("Scenario {SCENARIO}, seed {SEED}: the naive campaign next to its fix.") }
            </p>
            <div class="runs">
                { for runs.iter().map(|(variant, result)| view_run(variant, result)) }
            </div>
        </main>
    }
}

fn view_run(variant: &str, result: &Result<RunSummary, String>) -> Html {
    let body = match result {
        Ok(run) => view_summary(variant, run),
        Err(message) => html! {
            <p class="error" id={format!("error-{variant}")}>
                { format!("Could not run {SCENARIO} ({variant}): {message}") }
            </p>
        },
    };
    html! {
        <section class="run" id={format!("run-{variant}")}>
            <h2>{ variant.to_string() }</h2>
            { body }
        </section>
    }
}

fn view_summary(variant: &str, run: &RunSummary) -> Html {
    let hash = run.trace_hash_hex();
    let violations = if run.violations.is_empty() {
        html! { <span class="clean">{ "none" }</span> }
    } else {
        html! {
            <ul class="violations">
                { for run.violations.iter().map(|v| html! { <li>{ v.clone() }</li> }) }
            </ul>
        }
    };
    html! {
        <dl>
            <dt>{ "Outcome" }</dt>
            <dd id={format!("outcome-{variant}")} data-trace-hash={hash.clone()}>
                { run.outcome.clone() }
            </dd>
            <dt>{ "Events" }</dt>
            <dd>{ run.events }</dd>
            <dt>{ "Trace hash" }</dt>
            <dd><code>{ hash }</code></dd>
            <dt>{ "Violations" }</dt>
            <dd>{ violations }</dd>
        </dl>
    }
}
