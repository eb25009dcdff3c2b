//! Runs off the main thread, as far as a page without the app's worker files can test them: the
//! reducer asks for a run by id and keeps the last good run on screen until the answer
//! arrives, drops stale answers, and Cancel goes back to the set-up of the run on screen; the
//! progress line shows after a short delay, with a Cancel that stops the run; the inspector's
//! question asked ahead of the run is the one it asks once the run is shown. (The worker
//! itself is tested natively in src/work.rs, and end to end in tests/e2e/responsive.mjs.)

use super::*;
use racelab::ui::state::{compute_off_main, RunResult};
use yew::prelude::*;

/// What a worker answers for `state`'s set-up: its runs, through the bytes they cross in.
fn answer(state: &AppState) -> (u64, RunResult, Option<RunResult>) {
    let id = state.computing.expect("a run is being computed");
    let request = state.run_request(id);
    match racelab::work::serve_sweep(&request) {
        racelab::work::Reply::Ran { id, main, compare } => {
            let read = |b: Result<racelab::work::Bytes, String>| {
                b.and_then(|b| racelab::work::wire::decode(&b)).map(Rc::new)
            };
            (id, read(main), compare.map(read))
        }
        other => panic!("not a run answer: {other:?}"),
    }
}

fn hash(state: &AppState) -> String {
    state
        .run
        .as_ref()
        .expect("a run on screen")
        .trace_hash
        .clone()
}

/// A state of list-queue (naive, 5 people) computed off the main thread, its first run in.
fn opened() -> Rc<AppState> {
    register_scenarios();
    compute_off_main(true);
    let mut spec = RunSpec::builtin("list-queue");
    spec.knobs.insert("people".into(), 5);
    let state = Rc::new(AppState::from_spec(spec));
    compute_off_main(false);
    assert!(state.off_main && state.computing.is_some());
    assert!(state.run.is_err(), "nothing is computed in the reducer");
    let (id, run, compare) = answer(&state);
    state.reduce(Action::Ran(id, run, compare))
}

#[wasm_bindgen_test]
fn the_last_good_run_stays_until_the_new_one_arrives_and_stale_answers_are_dropped() {
    let state = opened();
    assert_eq!(state.computing, None);
    let first = hash(&state);
    let (scenario, config) = state.spec.resolve().unwrap();
    let native = racelab::api::run(&scenario, &config, state.spec.seed).unwrap();
    assert_eq!(first, native.trace_hash, "the worker's run is the engine's");
    let compare = state
        .compare_run
        .clone()
        .expect("list-queue is compared with fixed");
    assert!(compare.is_ok());

    let more = state.reduce(Action::Knob("people".into(), 12));
    let asked = more.computing.expect("the new run is asked for");
    assert_eq!(
        hash(&more),
        first,
        "the previous run stays on screen meanwhile"
    );
    assert_eq!(more.spec.knobs.get("people"), Some(&12));
    let seeded = more.reduce(Action::Seed(99));
    let latest = seeded.computing.unwrap();
    assert!(latest > asked);
    // The answer for the older set-up arrives late: it is dropped.
    let (_, stale_run, stale_compare) = answer(&AppState {
        computing: Some(asked),
        spec: {
            let mut s = seeded.spec.clone();
            s.seed = 1;
            s
        },
        ..(*seeded).clone()
    });
    let after_stale = seeded.reduce(Action::Ran(asked, stale_run, stale_compare));
    assert_eq!(after_stale.computing, Some(latest));
    assert_eq!(hash(&after_stale), first);
    // The latest answer replaces the run.
    let (id, run, compare) = answer(&after_stale);
    let done = after_stale.reduce(Action::Ran(id, run, compare));
    assert_eq!(done.computing, None);
    assert_ne!(hash(&done), first);
    assert_eq!(done.run.as_ref().unwrap().people, 12);
}

#[wasm_bindgen_test]
fn cancel_goes_back_to_the_run_on_screen_and_its_set_up() {
    let state = opened();
    let first = hash(&state);
    let more = state.reduce(Action::Knob("people".into(), 40));
    assert!(more.computing.is_some());
    let cancelled = more.reduce(Action::CancelRun);
    assert_eq!(cancelled.computing, None);
    assert_eq!(hash(&cancelled), first);
    assert_eq!(
        cancelled.spec.knobs.get("people"),
        Some(&5),
        "the knob is back at the value of the run on screen"
    );
    assert!(cancelled.notice.as_deref().unwrap().contains("cancelled"));
    // A first run cancelled says so.
    compute_off_main(true);
    let fresh = Rc::new(AppState::from_spec(RunSpec::builtin("list-queue")));
    compute_off_main(false);
    let none = fresh.reduce(Action::CancelRun);
    assert!(none.run.as_ref().unwrap_err().contains("cancelled"));
    // Without workers, the run is computed here again.
    compute_off_main(true);
    let fresh = Rc::new(AppState::from_spec(RunSpec::builtin("list-queue")));
    compute_off_main(false);
    let here = fresh.reduce(Action::OffMain(false));
    assert_eq!(here.computing, None);
    assert!(here.run.is_ok());
}

/// A page with the progress line of an app whose first run never arrives.
#[function_component(Waiting)]
fn waiting() -> Html {
    let app = use_reducer(|| {
        compute_off_main(true);
        let s = AppState::from_spec(RunSpec::builtin("list-queue"));
        compute_off_main(false);
        s
    });
    html! {
        <div id="waiting" data-computing={app.computing.is_some().to_string()}>
            { racelab::ui::progress::progress(&app) }
        </div>
    }
}

#[wasm_bindgen_test]
async fn progress_shows_after_a_short_delay_and_cancel_stops_the_run() {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<Waiting>::with_root(root.clone()).render();
    let find = |sel: &str| root.query_selector(sel).ok().flatten();
    settle().await;
    assert!(find("#waiting").is_some());
    assert!(
        find("#run-progress").is_none(),
        "nothing shows for the first {} ms",
        racelab::ui::progress::SHOW_AFTER_MS
    );
    assert_eq!(
        find("#run-status")
            .unwrap()
            .get_attribute("data-running")
            .unwrap(),
        "true"
    );
    eventually("the progress line shows", || {
        find("#run-progress").is_some()
    })
    .await;
    eventually("it counts the time", || {
        find("#run-progress")
            .unwrap()
            .text_content()
            .unwrap()
            .contains("0.")
    })
    .await;
    find("#run-cancel")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    eventually("Cancel stops the run", || {
        find("#waiting")
            .unwrap()
            .get_attribute("data-computing")
            .as_deref()
            == Some("false")
    })
    .await;
    eventually("the line goes", || find("#run-progress").is_none()).await;
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
fn the_inspectors_question_asked_ahead_is_the_one_it_asks_once_the_run_is_shown() {
    let state = opened().reduce(Action::Tab(Tab::Run));
    let more = state.reduce(Action::Knob("people".into(), 12));
    let ahead = more
        .inspector_question_ahead()
        .expect("the Run tab will show the inspector");
    let (id, run, compare) = answer(&more);
    let shown = more.reduce(Action::Ran(id, run, compare));
    let (_, spec) = shown.shown_key().expect("the run is shown");
    let asked = (spec, shown.spec.view.playhead_ms, shown.spec.view.person);
    assert!(ahead == asked, "the inspector asks what was asked ahead");
    // Another tab shows no inspector: nothing is asked ahead.
    let library = shown.reduce(Action::Tab(Tab::Library));
    assert!(library.inspector_question_ahead().is_none());
}
