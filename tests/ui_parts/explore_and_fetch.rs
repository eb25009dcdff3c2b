//! Component tests of the Explore tab, the scheduler mode and scenarios fetched on first
//! use, and the reducer's handling of a set-up that changes under the view: a module of
//! `tests/ui.rs` (kept in its own file for size), using its helpers.

use super::*;

/// Mounts list-queue's `variant` on the Explore tab. This harness cannot serve the explorer's
/// worker files, so the tab is handed the explorer to search on the page's thread (the app's
/// own wasm leaves it out and fetches it in a worker; tests/e2e/app.mjs checks that path).
async fn mount_explore(variant: &str) -> Mounted {
    racelab::ui::explore::explore_on_main_thread_with(racelab::work::serve_explore);
    let mut spec = RunSpec::builtin("list-queue");
    spec.variant = variant.into();
    spec.view.tab = Tab::Explore;
    mount(Some(&racelab::codec::encode(&spec))).await
}

#[wasm_bindgen_test]
async fn exploring_all_orderings_finds_the_recheck_variants_race_and_shows_it() {
    // (That `fixed` has no violating ordering is checked natively through the same
    // serve_explore, and end to end in tests/e2e/app.mjs with the explorer's worker.)
    let app = mount_explore("recheck").await;
    app.click("#explore-small").await;
    settle().await;
    app.click("#explore-start").await;
    // The search runs on the page's thread here (no workers in this harness), unoptimised.
    for _ in 0..1000 {
        if app.find("#explore-result").is_some() {
            break;
        }
        settle().await;
    }
    assert!(
        app.find("#explore-result").is_some(),
        "{}",
        app.text(".explore-all")
    );
    assert_eq!(app.attr("#explore-result", "data-truncated"), "false");
    let n: u64 = app
        .attr("#explore-result", "data-violating")
        .parse()
        .unwrap();
    assert!(n > 0, "{}", app.text("#explore-result"));
    assert!(app.text("#explore-result").contains("orderings"));
    app.click("#explore-show").await;
    // The counterexample opens on the Run tab with its first violation's story.
    eventually("the counterexample's story is shown", || {
        app.find("#story-sentences").is_some() && app.count("#story-svg .story-box.conflict") == 2
    })
    .await;
    assert_eq!(app.attr("#tab-run", "aria-selected"), "true");
    app.click("#story-close").await;
    eventually("the counterexample is on the timeline", || {
        app.find("#violations").is_some() && app.attr("#violations", "data-count") != "0"
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_scheduler_mode_offers_decisions_records_picks_and_undoes_them() {
    let app = mount_explore("naive").await;
    app.click("#explore-small").await;
    app.shows("#sched-option-1").await;
    // list-queue has a challenge: its goal is stated in Marketo's words.
    assert!(
        app.text("#sched-challenge")
            .contains("Goal: Make person 1 get two Task Emails"),
        "{}",
        app.text("#sched-challenge")
    );
    let first = app.text("#sched-next");
    app.click("#sched-option-1").await;
    app.shows("#sched-past li").await;
    let picked = app.count("#sched-past li");
    app.click("#sched-undo").await;
    eventually("undo goes back one decision", || {
        app.count("#sched-past li") < picked && app.text("#sched-next") == first
    })
    .await;
}

#[wasm_bindgen_test]
fn a_scenario_not_at_hand_waits_for_its_fetch_then_opens_or_says_why_not() {
    let id = NOT_AT_HAND[1];
    let title = racelab::scenarios::card(id).unwrap().title;
    let mut spec = RunSpec::builtin(id);
    spec.view.tab = Tab::Compare;
    let waiting = Rc::new(AppState::from_spec(spec));
    assert_eq!(waiting.fetching(), Some(id));
    assert!(waiting.loaded.is_none() && waiting.notice.is_none());
    let fetched = |text: Result<&str, &str>| {
        let text = text.map(str::to_string).map_err(str::to_string);
        waiting.clone().reduce(Action::Fetched(id.into(), text))
    };

    let offline = fetched(Err("no answer from the server (offline?)"));
    assert_eq!(
        offline.notice.as_deref(),
        Some(&*format!(
            "\u{201c}{title}\u{201d} could not be loaded: no answer from the server \
             (offline?). Check your connection, then open it again."
        ))
    );
    assert_eq!(offline.spec.view.tab, Tab::Library);
    assert_eq!(offline.fetching(), None);

    let not_json = fetched(Ok("<!doctype html><title>Not found</title>"));
    assert!(
        not_json
            .notice
            .as_ref()
            .unwrap()
            .contains("it is not a scenario"),
        "{:?}",
        not_json.notice
    );
    assert_eq!(
        racelab::scenarios::source(id),
        None,
        "a bad answer is not kept"
    );

    // An answer for another scenario than the one awaited is kept, and opens nothing.
    let other = waiting.clone().reduce(Action::Fetched(
        NOT_AT_HAND[0].into(),
        Err("the server answered 404".into()),
    ));
    assert_eq!(other.fetching(), Some(id));
    assert!(other.notice.is_none());

    let wrong = fetched(Ok(scenario_sources::text("list-queue")));
    let message = wrong.notice.clone().unwrap_or_default();
    assert!(
        message.contains(&format!("it is scenario `list-queue`, not `{id}`")),
        "{message}"
    );

    let opened = fetched(Ok(scenario_sources::text(id)));
    assert_eq!(opened.fetching(), None);
    assert!(opened.notice.is_none());
    assert_eq!(opened.loaded.as_ref().unwrap().scenario.id, id);
    assert_eq!(opened.spec.view.tab, Tab::Compare);
    assert_eq!(
        racelab::scenarios::source(id),
        Some(scenario_sources::text(id))
    );
}

#[wasm_bindgen_test]
async fn a_scenario_that_cannot_be_fetched_gives_a_clear_message_and_the_library() {
    let id = NOT_AT_HAND[0];
    let app = mount(None).await;
    app.click(&format!("#card-{id}")).await;
    // This harness serves no scenario files: the fetch fails.
    eventually("the failure is explained", || {
        app.find("#notice").is_some() && app.text("#notice").contains("could not be loaded")
    })
    .await;
    assert!(
        app.find("#library-heading").is_some(),
        "the library is shown"
    );
    assert!(app.find("#loading").is_none());
    // Once the scenario is at hand (as after a fetch that worked), its card opens it.
    scenario_sources::register(id);
    app.click(&format!("#card-{id}")).await;
    app.shows("#violations").await;
    let want = naive_run(id, 1);
    assert_eq!(app.attr("#violations", "data-trace-hash"), want.trace_hash);
}

/// A smaller set-up (fewer people) drops a chosen person who no longer exists, instead of
/// leaving the inspector on "person 5 does not exist".
#[wasm_bindgen_test]
fn a_person_who_no_longer_exists_is_unselected() {
    let mut spec = RunSpec::builtin("list-queue");
    spec.view.person = Some(5);
    let state = Rc::new(AppState::from_spec(spec));
    assert_eq!(state.spec.view.person, Some(5), "person 5 of 20 exists");
    let more = state.clone().reduce(Action::Knob("people".into(), 10));
    assert_eq!(
        more.spec.view.person,
        Some(5),
        "person 5 of 10 still exists"
    );
    let fewer = more.reduce(Action::Knob("people".into(), 2));
    assert_eq!(fewer.spec.view.person, None, "person 5 of 2 is gone");
}
