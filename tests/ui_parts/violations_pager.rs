//! Component test of the violations panel of a run with many violations: it lists a page of
//! them (its cost does not grow with the run), says which ones it shows out of how many, and
//! pages on and back; a click on a listed violation still jumps to it. A module of
//! `tests/ui.rs`, using its helpers.

use super::*;
use racelab::ui::panels::VIOLATIONS_PER_PAGE;

#[wasm_bindgen_test]
async fn a_run_with_hundreds_of_violations_lists_them_a_page_at_a_time() {
    let mut spec = RunSpec::builtin("lock-storm");
    spec.view.tab = Tab::Run;
    spec.compare = None;
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    // (Mounting the app makes the built-in scenarios at hand.)
    let (scenario, config) = spec.resolve().unwrap();
    let want = racelab::api::run_view(&scenario, &config, spec.seed, &[]).unwrap();
    let total = want.violations.len();
    assert!(total > 2 * VIOLATIONS_PER_PAGE, "{total} violations");
    eventually("the run is on screen", || {
        app.find("#violations").is_some()
            && app.attr("#violations", "data-trace-hash") == want.trace_hash
    })
    .await;
    assert_eq!(app.attr("#violations", "data-count"), total.to_string());
    assert_eq!(
        app.count("#violations .vlist li") as usize,
        VIOLATIONS_PER_PAGE
    );
    let shown = |from: usize, to: usize| {
        format!(
            "Showing {}\u{2013}{} of {}",
            racelab::api::thousands(from as u64),
            racelab::api::thousands(to as u64),
            racelab::api::thousands(total as u64)
        )
    };
    assert_eq!(app.text("#violations-shown"), shown(1, VIOLATIONS_PER_PAGE));
    assert!(app.find("#violation-0").is_some());
    assert!(app
        .find(&format!("#violation-{VIOLATIONS_PER_PAGE}"))
        .is_none());
    // The next page, then back.
    app.click("#violations-next").await;
    app.shows(&format!("#violation-{VIOLATIONS_PER_PAGE}"))
        .await;
    assert!(app.find("#violation-0").is_none());
    assert_eq!(
        app.text("#violations-shown"),
        shown(VIOLATIONS_PER_PAGE + 1, 2 * VIOLATIONS_PER_PAGE)
    );
    app.click("#violations-prev").await;
    app.shows("#violation-0").await;
    // A listed violation still jumps to its events.
    app.click("#violation-0").await;
    app.shows("#selected-event").await;
}
