//! The explorer's worker entry point: a second wasm, built by trunk next to the app (see
//! index.html), that holds the exhaustive search (`racelab::engine::explore`). The app's own
//! wasm leaves the search out; the Explore tab's worker (`static/sweep-worker.js`) fetches this
//! one the first time "Explore all orderings" is clicked. No UI: it only answers requests.

/// Answers a worker request (`racelab::work::Request`, as a JavaScript object) with a
/// `racelab::work::Reply`: explorations, and sweeps like the app's own wasm.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn racelab_work(request: wasm_bindgen::JsValue) -> wasm_bindgen::JsValue {
    racelab::work::js::answer(request, racelab::work::serve_explore)
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "racelab-explorer is the web app's explore worker: trunk builds it (run ./scripts/serve)."
    );
}
