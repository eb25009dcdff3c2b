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

#[wasm_bindgen_test]
fn the_apps_number_parser_reads_texts_exactly_like_rust() {
    let texts = [
        "0",
        "1",
        "-1",
        "+2.5",
        ".5",
        "5.",
        "-0",
        "1e3",
        "1E-3",
        "1e+3",
        "007",
        "0.1",
        "0.3",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "1e400",
        "-1e400",
        "4.9e-324",
        "2.4703282292062328e-324",
        "1e-400",
        "9007199254740993",
        "123456789012345678901234567890",
        "2.2250738585072011e-308",
        "inf",
        "-Infinity",
        "INF",
        "NaN",
        "nan",
        "+inf",
        "-nan",
        "",
        ".",
        "+",
        "-",
        "e5",
        ".e5",
        "1e",
        "1e+",
        "--1",
        "+-1",
        "1.2.3",
        " 1",
        "1 ",
        "0x10",
        "1_000",
        "Infinity",
        "infinit",
        "infinityy",
        "12a",
        "1,5",
        "\u{661}",
        "1e1.5",
        "١",
    ];
    for text in texts {
        let rust = text.parse::<f64>().ok();
        let ours = racelab::ui::web::parse_f64(text);
        match (rust, ours) {
            (Some(a), Some(b)) => assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{text:?}: Rust {a}, app {b}"
            ),
            (a, b) => assert_eq!(a, b, "{text:?}"),
        }
    }
}
