//! The web entry point. trunk builds this binary for wasm32 (see index.html and Trunk.toml);
//! a native build only says how to get the web app.
//!
//! The same wasm also runs in the app's sweep workers (`static/sweep-worker.js`): there is no
//! window in a worker, so `main` renders nothing and the worker calls [`racelab_sweep`]. The
//! exhaustive explorer is not in this wasm: it is the separate `racelab-explorer` binary, which
//! the Explore tab's worker fetches on first use.

#[cfg(target_arch = "wasm32")]
fn main() {
    if web_sys::window().is_some() {
        racelab::ui::start();
    }
}

/// Serves one unit of sweep work (see `racelab::sweep_work`); called by a sweep worker.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn racelab_sweep(request: &str) -> String {
    racelab::sweep_work::serve(request)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("racelab-web is the browser app: it is built with trunk (run ./scripts/serve).");
}
