//! The web entry point. trunk builds this binary for wasm32 (see index.html and Trunk.toml);
//! a native build only says how to get the web app.
//!
//! The same wasm also runs in the app's sweep workers (`static/sweep-worker.js`): there is no
//! window in a worker, so `main` renders nothing and the worker calls [`racelab_work`]. The
//! exhaustive explorer is not in this wasm: it is the separate `racelab-explorer` binary, which
//! the Explore tab's worker fetches on first use.

#[cfg(target_arch = "wasm32")]
fn main() {
    if web_sys::window().is_some() {
        racelab::ui::start();
    }
}

/// Answers a worker request (`racelab::work::Request`, as a JavaScript object) with a
/// `racelab::work::Reply`; called by a sweep worker. Explorations are refused here.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn racelab_work(request: wasm_bindgen::JsValue) -> wasm_bindgen::JsValue {
    racelab::work::js::answer(request, racelab::work::serve_sweep)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("racelab-web is the browser app: it is built with trunk (run ./scripts/serve).");
}
