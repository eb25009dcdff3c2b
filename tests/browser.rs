//! Browser tests: run in headless Chromium with
//! `cargo test --target wasm32-unknown-unknown --test browser` (CHROMEDRIVER set; see scripts/test).
#![cfg(target_arch = "wasm32")]

#[path = "golden/mod.rs"]
mod golden;
mod scenario_sources;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn runs_in_the_browser_match_the_native_golden_hashes() {
    scenario_sources::register_all_but(&[]);
    for (id, variant, seed, hash) in golden::GOLDEN_RUNS {
        let run = racelab::api::run_builtin(id, variant, *seed)
            .unwrap_or_else(|e| panic!("run_builtin({id}, {variant}, {seed}) failed: {e}"));
        assert_eq!(&run.trace_hash_hex(), hash, "{id}/{variant} seed {seed}");
    }
}
