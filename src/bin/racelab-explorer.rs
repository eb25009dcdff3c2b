//! The explorer's worker entry point: a second wasm, built by trunk next to the app (see
//! index.html), that holds the exhaustive search (`racelab::engine::explore`). The app's own
//! wasm leaves the search out; the Explore tab's worker (`static/sweep-worker.js`) fetches this
//! one the first time "Explore all orderings" is clicked. No UI: it only answers requests.

/// Answers a worker request (`racelab::work::Request`, as a JavaScript object) with a
/// `racelab::work::Reply`: explorations, and sweeps like the app's own wasm. While it
/// explores, `progress` (a function, if given) is called with a `Reply::Exploring` at most
/// every [`PROGRESS_MS`] milliseconds.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn racelab_work(
    request: wasm_bindgen::JsValue,
    progress: wasm_bindgen::JsValue,
) -> wasm_bindgen::JsValue {
    use racelab::work::{js, serve_explore_watched, Reply};
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::js_sys::{Date, Function};
    let post = progress.dyn_into::<Function>().ok();
    let mut last = Date::now();
    let mut watch = |p| {
        let now = Date::now();
        if let Some(post) = post.as_ref().filter(|_| now - last >= PROGRESS_MS) {
            last = now;
            let _ = post.call1(&JsValue::NULL, &js::to_js(&Reply::Exploring(p)));
        }
    };
    js::answer(request, |r| serve_explore_watched(r, &mut watch))
}

/// The shortest time between two progress messages.
#[cfg(target_arch = "wasm32")]
const PROGRESS_MS: f64 = 150.0;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "racelab-explorer is the web app's explore worker: trunk builds it (run ./scripts/serve)."
    );
}
