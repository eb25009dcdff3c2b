//! The web entry point. trunk builds this binary for wasm32 (see index.html and Trunk.toml);
//! a native build only says how to get the web app.

#[cfg(target_arch = "wasm32")]
fn main() {
    racelab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("racelab-web is the browser app: it is built with trunk (run ./scripts/serve).");
}
