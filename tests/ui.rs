//! Browser component tests: mount the app (or one component) in headless Chromium, interact
//! through the DOM as a user would, and assert what the DOM shows. Run with
//! `cargo test --target wasm32-unknown-unknown --test ui` (see scripts/test).
#![cfg(target_arch = "wasm32")]

mod scenario_sources;

use std::rc::Rc;
use std::time::Duration;

use racelab::spec::{RunSpec, Tab};
use racelab::ui::app::RaceLab;
use racelab::ui::state::{Action, AppState};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

/// Built-in scenarios not handed to the app up front: opening one goes through fetching it,
/// which fails here (this harness serves no scenario files). The others are registered before
/// the app is mounted, as if fetched.
const NOT_AT_HAND: [&str; 2] = ["free-trial", "form-autoresponder"];

/// The app under test. One app is mounted for the whole run (yew apps mounted and destroyed
/// one after another in one page interfere with each other's events); each test opens its
/// set-up through a link, as a user pasting it into the address bar would.
struct Mounted {
    root: Element,
}

thread_local! {
    static ROOT: std::cell::RefCell<Option<Element>> = const { std::cell::RefCell::new(None) };
}

impl Mounted {
    fn find(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).ok().flatten()
    }
    fn get(&self, selector: &str) -> Element {
        self.find(selector)
            .unwrap_or_else(|| panic!("no element matches {selector}"))
    }
    fn count(&self, selector: &str) -> u32 {
        self.root.query_selector_all(selector).unwrap().length()
    }
    fn text(&self, selector: &str) -> String {
        self.get(selector).text_content().unwrap_or_default()
    }
    fn attr(&self, selector: &str, name: &str) -> String {
        self.get(selector).get_attribute(name).unwrap_or_default()
    }
    async fn click(&self, selector: &str) {
        eventually(&format!("{selector} exists"), || {
            self.find(selector).is_some()
        })
        .await;
        self.get(selector).unchecked_into::<HtmlElement>().click();
        settle().await;
    }
    /// Waits until an element matching `selector` exists.
    async fn shows(&self, selector: &str) {
        eventually(&format!("{selector} is shown"), || {
            self.find(selector).is_some()
        })
        .await;
    }
    /// Sets a select's or input's value and fires `change`, as a user's edit does.
    async fn change(&self, selector: &str, value: &str) {
        self.shows(selector).await;
        let el = self.get(selector);
        if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
            s.set_value(value);
        } else {
            el.unchecked_ref::<HtmlInputElement>().set_value(value);
        }
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let e = web_sys::Event::new_with_event_init_dict("change", &init).unwrap();
        el.dispatch_event(&e).unwrap();
        settle().await;
    }
}

/// Lets yew render what the last action changed.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

/// Waits (up to 10 s, for a busy machine) until `cond` holds; panics with `what` otherwise.
async fn eventually(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..500 {
        if cond() {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting until {what}");
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Opens `fragment` (a link code; `None`: the library) in the app, mounting it the first time.
async fn mount(fragment: Option<&str>) -> Mounted {
    let w = web_sys::window().unwrap();
    w.local_storage().unwrap().unwrap().clear().unwrap();
    // A link opens on its scenario's run (even one saved on the library), so the library is
    // reached as a user does: a link, then the Library tab.
    let code = match fragment {
        Some(f) => f.to_string(),
        None => racelab::codec::encode(&RunSpec::builtin("alert-before-owner")),
    };
    if let Some(root) = ROOT.with(|r| r.borrow().clone()) {
        // A hash change opens the link; going through an empty fragment makes sure the
        // change fires even when the URL already shows this link.
        let location = w.location();
        location.set_hash("").unwrap();
        settle().await;
        location.set_hash(&code).unwrap();
        settle().await;
        settle().await;
        let app = Mounted { root };
        if fragment.is_none() {
            app.click("#tab-library").await;
        }
        return app;
    }
    register_scenarios();
    w.history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{code}")))
        .unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<RaceLab>::with_root(root.clone()).render();
    std::mem::forget(handle);
    ROOT.with(|r| *r.borrow_mut() = Some(root.clone()));
    settle().await;
    let app = Mounted { root };
    if fragment.is_none() {
        app.click("#tab-library").await;
    }
    app
}

/// What the engine says built-in scenario `id`'s naive variant does at `seed`.
fn naive_run(id: &str, seed: u64) -> racelab::api::RunReport {
    racelab::api::run(
        &racelab::scenarios::builtin(id).unwrap(),
        &racelab::engine::RunConfig {
            variant: Some("naive".into()),
            ..Default::default()
        },
        seed,
    )
    .unwrap()
}

/// Mounts the app on a link to built-in scenario `id`, showing `tab`.
async fn mount_spec(id: &str, tab: Tab) -> Mounted {
    let mut spec = RunSpec::builtin(id);
    spec.view.tab = tab;
    mount(Some(&racelab::codec::encode(&spec))).await
}

#[wasm_bindgen_test]
async fn the_library_lists_every_built_in_scenario_and_a_card_opens_it() {
    let app = mount(None).await;
    assert_eq!(app.count(".card"), racelab::scenarios::ids().count() as u32);
    assert!(app.text("#card-list-queue").contains("Race:"));
    app.click("#card-list-queue").await;
    app.shows("#violations").await;
    // (The header's tab and title after a card click are checked end to end on a fresh page,
    // in tests/e2e/app.mjs; here the page has seen many links.)
    app.shows("#variant option[value=recheck]").await;
    let want = naive_run("list-queue", 1);
    assert_eq!(app.attr("#violations", "data-trace-hash"), want.trace_hash);
    assert_eq!(
        app.attr("#violations", "data-count"),
        want.violations.len().to_string()
    );
}

#[wasm_bindgen_test]
async fn naive_shows_a_violation_and_fixed_shows_none() {
    let app = mount(None).await;
    app.click("#card-list-queue").await;
    app.shows("#violations").await;
    assert_ne!(app.attr("#violations", "data-count"), "0");
    assert!(app.count("#timeline-svg .mark.violation") > 0);
    app.click("#violation-0").await;
    app.shows("#selected-event").await;
    app.change("#variant", "fixed").await;
    eventually("fixed has no violations", || {
        app.attr("#violations", "data-count") == "0"
    })
    .await;
    assert!(app.find("#no-violations").is_some());
    assert_eq!(app.count("#timeline-svg .mark.violation"), 0);
}

#[wasm_bindgen_test]
async fn out_of_range_and_malformed_knob_values_are_refused_with_a_message() {
    let app = mount(None).await;
    app.click("#card-alert-before-owner").await;
    app.shows("#violations").await;
    // The wait variant is the one built with the main knob's Wait step.
    let naive = app.attr("#violations", "data-trace-hash");
    app.change("#variant", "wait").await;
    eventually("the wait variant runs", || {
        app.attr("#violations", "data-trace-hash") != naive
    })
    .await;
    let hash = app.attr("#violations", "data-trace-hash");
    let knob = racelab::scenarios::builtin("alert-before-owner")
        .unwrap()
        .knobs
        .into_iter()
        .find(|k| k.main)
        .unwrap();
    let input = format!("#knob-{}", knob.name);
    app.change(&input, &(knob.max + 1).to_string()).await;
    app.shows("#notice").await;
    assert!(
        app.text("#notice").contains("must be between"),
        "{}",
        app.text("#notice")
    );
    assert_eq!(
        app.attr("#violations", "data-trace-hash"),
        hash,
        "not applied"
    );
    app.change(&input, "ten").await;
    assert!(app.text("#notice").contains("not a whole number"));
    let other = if knob.default == knob.max {
        knob.min
    } else {
        knob.max
    };
    app.change(&input, &other.to_string()).await;
    eventually("an in-range value is applied", || {
        app.attr("#violations", "data-trace-hash") != hash
    })
    .await;
}

#[wasm_bindgen_test]
async fn stepping_moves_the_playhead_event_by_event_and_reset_goes_back() {
    let app = mount(None).await;
    app.click("#card-list-queue").await;
    app.shows("#playhead-time").await;
    app.click("#rewind").await;
    eventually("the playhead is at 0", || {
        app.text("#playhead-time") == "t = 0:00:00"
    })
    .await;
    let start = app.text("#playhead-time");
    app.click("#step").await;
    eventually("a step moves the playhead", || {
        app.text("#playhead-time") != start
    })
    .await;
    let one = app.text("#playhead-time");
    app.click("#step").await;
    eventually("a second step moves it on", || {
        app.text("#playhead-time") != one
    })
    .await;
    app.click("#step-back").await;
    eventually("a step back returns", || app.text("#playhead-time") == one).await;
    app.click("#rewind").await;
    eventually("reset goes to the start", || {
        app.text("#playhead-time") == start
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_malformed_link_shows_a_message_and_the_library() {
    for bad in ["1.%%%", "1.AAAAAAAA", "99.AAAA", "", "1."] {
        if bad.is_empty() {
            continue;
        }
        let good = mount(None).await;
        eventually("a good link clears the message", || {
            good.find("#notice").is_none()
        })
        .await;
        let app = mount(Some(bad)).await;
        app.shows("#notice").await;
        assert!(
            app.text("#notice").contains("could not be opened"),
            "{bad}: {}",
            app.text("#notice")
        );
        assert!(
            app.find("#library-heading").is_some(),
            "{bad}: library shown"
        );
    }
}

#[wasm_bindgen_test]
async fn a_link_reproduces_the_run_and_the_view() {
    let mut spec = RunSpec::builtin("list-queue");
    spec.seed = 7;
    spec.view.tab = Tab::Run;
    spec.view.playhead_ms = 60_000;
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    app.shows("#violations").await;
    assert_eq!(app.text("[role=tab][aria-selected=true]"), "Run");
    let seed = app
        .get("#seed")
        .unchecked_into::<HtmlInputElement>()
        .value();
    assert_eq!(seed, "7");
    assert!(
        app.text("#playhead-time").contains("0:01:00"),
        "{}",
        app.text("#playhead-time")
    );
    let want = naive_run("list-queue", 7);
    assert_eq!(app.attr("#violations", "data-trace-hash"), want.trace_hash);
}

#[wasm_bindgen_test]
async fn compare_shows_both_variants_with_their_outcomes() {
    let app = mount_spec("list-queue", Tab::Compare).await;
    app.shows("#outcome-b").await;
    assert_ne!(app.attr("#outcome-a", "data-violations"), "0");
    assert_eq!(app.attr("#outcome-b", "data-violations"), "0");
    assert!(app.find("#compare-svg-a").is_some() && app.find("#compare-svg-b").is_some());
}

#[wasm_bindgen_test]
async fn a_sweep_runs_to_completion_and_draws_its_chart() {
    let app = mount_spec("list-queue", Tab::Sweep).await;
    app.change("#sweep-seeds", "40").await;
    app.change("#sweep-knob", "").await;
    app.click("#sweep-start").await;
    eventually("the sweep is done", || {
        app.find("#sweep-status").is_some() && app.attr("#sweep-status", "data-done") == "true"
    })
    .await;
    assert!(app.text("#sweep-status").contains("80 of 80 runs"));
    // Two series per variant: runs with a violation, leads affected.
    assert_eq!(app.count("#sweep-chart circle"), 4);
    assert_eq!(app.count("#sweep-chart .series.leads-affected"), 2);
    // The table's per-lead rate is the library's over the same seeds.
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let config = racelab::engine::RunConfig {
        variant: Some("naive".into()),
        ..Default::default()
    };
    let want = racelab::api::sweep(&s, &config, 1, 40).unwrap();
    let row = "#sweep-table tbody tr:first-child";
    assert_eq!(app.attr(row, "data-lead-rate"), want.lead_rate.to_string());
    let m = racelab::api::projected_affected(want.lead_rate, 1_000);
    let line = app.text("#sweep-projections li:first-child");
    assert!(
        line.contains(&format!("at 1,000 leads a day, about {m} ")),
        "{line}"
    );
    // The user sets the leads a day.
    app.change("#sweep-per-day", "500000000").await;
    let m = racelab::api::projected_affected(want.lead_rate, 500_000_000);
    eventually("the projection follows the leads a day", || {
        app.text("#sweep-projections li:first-child")
            .contains(&format!(
                "at 500,000,000 leads a day, about {} ",
                racelab::api::thousands(m)
            ))
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_outcomes_table_lists_affected_people_first_and_selects_one() {
    let mut spec = RunSpec::builtin("alert-before-owner");
    spec.view.tab = Tab::Run;
    spec.variant = "wait".into();
    spec.seed = 0;
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    app.shows("#outcomes-table").await;
    let want = racelab::api::run(
        &racelab::scenarios::builtin("alert-before-owner").unwrap(),
        &spec.config("wait"),
        0,
    )
    .unwrap();
    let affected = want.outcomes.affected_leads;
    assert!(affected > 0);
    assert_eq!(app.attr("#outcomes", "data-affected"), affected.to_string());
    assert_eq!(app.count("#outcomes-table tbody tr"), 20);
    assert_eq!(app.count("#outcomes-table tr.affected"), affected as u32);
    // Affected people first; their row says what happened in Marketo's words.
    let first = "#outcomes-table tbody tr:first-child";
    assert_eq!(app.attr(first, "data-affected"), "true");
    assert!(
        app.text(first).contains("sent to no one"),
        "{}",
        app.text(first)
    );
    // Clicking a person selects them in the inspector, at their violation.
    let person = app.attr(first, "data-person");
    app.click(&format!("#outcome-person-{person}")).await;
    eventually("the inspector shows the person", || {
        app.get("#inspect-person")
            .unchecked_into::<HtmlInputElement>()
            .value()
            == person
    })
    .await;
    app.shows("#selected-event").await;
    assert!(app.find(&format!("{first}.selected")).is_some());
}

#[wasm_bindgen_test]
async fn presentation_mode_toggles_and_is_part_of_the_view() {
    let app = mount(None).await;
    app.click("#card-list-queue").await;
    assert!(app.find(".app.presentation").is_none());
    app.click("#presentation").await;
    app.shows(".app.presentation").await;
}

#[wasm_bindgen_test]
async fn the_inspector_shows_the_selected_person_at_the_playhead() {
    let mut spec = RunSpec::builtin("list-queue");
    spec.view.tab = Tab::Run;
    spec.view.person = Some(3);
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    app.shows("#inspector dl.fields").await;
    let at_start = app.text("#inspector");
    app.click("#step").await;
    for _ in 0..40 {
        app.click("#step").await;
    }
    eventually("the inspector follows the playhead", || {
        app.text("#inspector") != at_start
    })
    .await;
    let picker = app
        .get("#inspect-person")
        .unchecked_into::<HtmlInputElement>();
    assert_eq!(picker.value(), "3");
}

#[wasm_bindgen_test]
async fn the_reader_shows_each_variants_campaigns_in_marketo_words() {
    let app = mount_spec("alert-before-owner", Tab::Run).await;
    app.shows("#campaigns .campaign").await;
    let naive = app.text("#campaigns");
    assert!(
        naive.contains("Smart List") && naive.contains("Flow"),
        "{naive}"
    );
    assert!(app.count("#campaigns ol.flow li") > 0);
    assert!(!app.text("#lesson").is_empty());
    assert!(
        app.text("#lesson-source")
            .starts_with("Source: Justin Norris"),
        "{}",
        app.text("#lesson-source")
    );
    // Field labels, not API names, and the technical words of the lesson explained.
    assert!(
        naive.contains("Marketo's Lead Owner field") && naive.contains("1. Sync Person to SFDC")
    );
    assert_eq!(app.text("#glossary summary"), "Words used in this lesson");
    let words: Vec<String> = (0..app.count("#glossary dt"))
        .map(|i| app.text(&format!("#glossary dt:nth-of-type({})", i + 1)))
        .collect();
    let expected: Vec<&str> = racelab::api::glossary::lesson_terms(
        &racelab::scenarios::builtin("alert-before-owner").unwrap(),
    )
    .iter()
    .map(|t| t.term)
    .collect();
    assert_eq!(words, expected);
    assert!(words.iter().any(|w| w == "static list"), "{words:?}");
    assert_eq!(app.count("#glossary dd"), app.count("#glossary dt"));
    assert!(app
        .text("label[for=knob-alert_wait_min]")
        .starts_with("Alert wait (minutes)"));
    app.change("#variant", "fixed").await;
    eventually("the fixed variant's campaigns are shown", || {
        app.text("#campaigns") != naive
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_reader_numbers_a_jobs_steps_and_marks_what_another_variant_does_differently() {
    let app = mount_spec("job-checkpoint", Tab::Run).await;
    app.change("#variant", "naive").await;
    app.shows("#campaigns .system ol.flow li").await;
    assert!(app.text("#campaigns").contains("1. GET checkpoint"));
    assert_eq!(app.count("#campaigns li.diff-added"), 0);
    // The fixed variant swaps POST checkpoint for a compare-and-set before the import.
    app.change("#reader-compare", "fixed").await;
    eventually("the differing steps are marked", || {
        app.count("#campaigns li.diff-added") == 2 && app.count("#campaigns .diff-removed li") == 2
    })
    .await;
    assert!(app.text("#reader-diff").contains("differ from fixed"));
    assert!(app
        .text(".diff-removed")
        .contains("Only in fixed: Compare-and-set"));
    app.change("#reader-compare", "").await;
    eventually("no comparison, no marks", || {
        app.count("#campaigns li.diff-added") == 0 && app.find("#reader-diff").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_injected_event_becomes_part_of_the_run() {
    let app = mount_spec("alert-before-owner", Tab::Run).await;
    app.shows("#inject-event").await;
    let options = app.count("#inject-event option");
    assert!(options > 0, "the scenario offers events to inject");
    let hash = app.attr("#violations", "data-trace-hash");
    app.change("#inject-at", "90").await;
    app.click("#inject-add").await;
    app.shows("#injections li").await;
    assert!(
        app.text("#injections").contains("0:01:30"),
        "{}",
        app.text("#injections")
    );
    eventually("the injection changes the run", || {
        app.attr("#violations", "data-trace-hash") != hash
    })
    .await;
    app.click("#injections li button").await;
    eventually("removing it restores the run", || {
        app.attr("#violations", "data-trace-hash") == hash
    })
    .await;
    app.change("#inject-at", "soon").await;
    app.click("#inject-add").await;
    app.shows("#notice").await;
    assert!(app.text("#notice").contains("not a time"));
}

/// Makes the built-in scenarios at hand (all but [`NOT_AT_HAND`]), as fetching them does in
/// the app: for tests of the app's state that mount nothing.
fn register_scenarios() {
    scenario_sources::register_all_but(&NOT_AT_HAND);
}

#[path = "ui_parts/builder.rs"]
mod builder;
#[path = "ui_parts/challenge.rs"]
mod challenge;
#[path = "ui_parts/explore_and_fetch.rs"]
mod explore_and_fetch;

#[path = "ui_parts/builder_duration.rs"]
mod builder_duration;
#[path = "ui_parts/builder_mount.rs"]
mod builder_mount;
#[path = "ui_parts/lesson.rs"]
mod lesson;
#[path = "ui_parts/offmain.rs"]
mod offmain;
#[path = "ui_parts/run_view_scale.rs"]
mod run_view_scale;
#[path = "ui_parts/scheduler.rs"]
mod scheduler;
#[path = "ui_parts/storage.rs"]
mod storage;
#[path = "ui_parts/story.rs"]
mod story;
#[path = "ui_parts/timeline.rs"]
mod timeline;
#[path = "ui_parts/violations_pager.rs"]
mod violations_pager;
