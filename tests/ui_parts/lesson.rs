//! Lesson links in the app: the state opened from a lesson link waits for its run (here
//! computed as a worker would, arriving as `Action::Ran`), plays from the start and pauses on
//! the first conflicting step of the violation; the mounted app shows the explanation there,
//! "Show the story" opens the violation's story and "Show the fix side by side" compares with
//! the fix at the same seed. (End to end, for every race scenario: tests/e2e/lesson.mjs.)

use super::*;
use racelab::spec::Lesson;
use racelab::ui::state::{compute_off_main, LessonPhase, RunResult};

/// A lesson link on violation `violation` of built-in `id`'s race variant at its first seed
/// (from 1) that shows it, as `racelab link --lesson` makes it.
fn lesson_spec(id: &str, violation: u32) -> RunSpec {
    register_scenarios();
    let scenario = racelab::scenarios::builtin(id).unwrap();
    let mut spec = RunSpec::builtin(id);
    spec.variant = racelab::api::lesson_race(&scenario).unwrap().to_string();
    spec.seed = (1..200)
        .find(|&seed| {
            let (s, config) = spec.resolve().unwrap();
            let run = racelab::api::run_view(&s, &config, seed, &[]).unwrap();
            run.violations.len() > violation as usize
        })
        .expect("a seed that shows the violation");
    spec.view.lesson = Some(Lesson {
        violation,
        fix: None,
    });
    spec.opened_from_link()
}

/// A worker's answer to the run `state` asks for.
fn answer(state: &AppState) -> Action {
    let id = state.computing.expect("a run is being computed");
    let request = state.run_request(id);
    match racelab::work::serve_sweep(&request) {
        racelab::work::Reply::Ran { id, main, compare } => {
            let read = |b: Result<racelab::work::Bytes, String>| -> RunResult {
                b.and_then(|b| racelab::work::wire::decode(&b)).map(Rc::new)
            };
            Action::Ran(id, read(main), compare.map(read))
        }
        other => panic!("not a run answer: {other:?}"),
    }
}

#[wasm_bindgen_test]
fn a_lesson_waits_for_the_workers_run_then_plays_and_pauses_on_the_race() {
    compute_off_main(true);
    let mut state = Rc::new(AppState::from_spec(lesson_spec("list-queue", 1)));
    compute_off_main(false);
    // Opened on the Run tab, the lesson out of the spec (the address no longer carries it).
    assert_eq!(state.spec.view.tab, Tab::Run);
    assert_eq!(state.spec.view.lesson, None);
    let lesson = state.lesson.clone().expect("a lesson");
    assert_eq!((lesson.violation, lesson.phase), (1, LessonPhase::Waiting));
    assert_eq!(lesson.fix.as_deref(), Some("fixed"));
    assert!(
        !state.playing && state.run.is_err(),
        "the run is in a worker"
    );
    let ran = answer(&state);
    state = state.reduce(ran);
    let run = state.run.clone().unwrap();
    let stop = racelab::api::lesson_stop(&run, 1).unwrap();
    assert!(state.playing, "the run plays once it arrives");
    assert_eq!(state.spec.view.playhead_ms, 0);
    assert!(matches!(&state.lesson.as_ref().unwrap().phase, LessonPhase::Playing(s) if *s == stop));
    // Playback steps (as the app's timer sends them) until it pauses.
    let mut steps = 0;
    while state.playing {
        assert!(
            state.spec.view.playhead_ms <= stop.time_ms,
            "played past the race"
        );
        state = state.reduce(Action::Step(1));
        steps += 1;
        assert!(steps <= stop.steps, "more steps than the stop says");
    }
    assert_eq!(steps, stop.steps);
    assert_eq!(state.spec.view.playhead_ms, stop.time_ms);
    assert_eq!(state.spec.view.event, stop.event);
    let conflict = run.violations[1].conflict.unwrap();
    assert_eq!(stop.event, Some(conflict.0));
    assert!(matches!(&state.lesson.as_ref().unwrap().phase, LessonPhase::Paused(s) if *s == stop));
    // Playing on goes past the pause: the lesson does not hold it back.
    let on = state
        .clone()
        .reduce(Action::TogglePlay)
        .reduce(Action::Step(1));
    assert!(on.spec.view.playhead_ms > stop.time_ms);
    // Changing what shapes the run ends the lesson.
    assert_eq!(state.reduce(Action::NewSeed).lesson, None);
}

#[wasm_bindgen_test]
async fn a_lesson_link_pauses_with_the_explanation_and_shows_the_story_and_the_fix() {
    let spec = lesson_spec("alert-before-owner", 0);
    let (scenario, config) = spec.resolve().unwrap();
    // The run a lesson asks for: its violation's conflicting steps found.
    let run = racelab::api::lesson_view(&scenario, &config, spec.seed, &[], 0).unwrap();
    let stop = racelab::api::lesson_stop(&run, 0).unwrap();
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    app.shows("#lesson-panel").await;
    // Playback at a readable speed reaches the pause in about 10 s at most.
    for _ in 0..1500 {
        if app.attr("#lesson-panel", "data-phase") == "paused" {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(app.attr("#lesson-panel", "data-phase"), "paused");
    let title = app.text("#lesson-title");
    assert!(title.contains(&run.violations[0].title), "{title}");
    assert!(app.text("#lesson-stop").contains(&stop.sentence));
    assert_eq!(
        app.text("#playhead-time"),
        format!("t = {}", racelab::api::clock(stop.time_ms))
    );
    app.shows("#lesson-sentences li").await;
    assert!(!app
        .attr("#lesson-panel", "data-story")
        .contains("violation"));
    // "Show the story" opens the violation's story in place of the run; closing it comes
    // back to the lesson's pause.
    app.click("#lesson-story").await;
    app.shows("#story-svg").await;
    assert!(app.find("#lesson-panel").is_none());
    app.click("#story-close").await;
    app.shows("#lesson-panel").await;
    assert_eq!(app.attr("#lesson-panel", "data-phase"), "paused");
    app.click("#lesson-fix").await;
    app.shows("#outcome-b").await;
    assert_eq!(app.attr("#tab-compare", "aria-selected"), "true");
    assert_eq!(
        app.get("#compare-variant-b")
            .unchecked_into::<HtmlSelectElement>()
            .value(),
        "fixed"
    );
    let fixed = racelab::api::run_view(&scenario, &spec.config("fixed"), spec.seed, &[]).unwrap();
    assert_eq!(app.attr("#outcome-b", "data-trace-hash"), fixed.trace_hash);
    assert_eq!(app.attr("#outcome-b", "data-violations"), "0");
}

#[wasm_bindgen_test]
async fn copy_lesson_link_copies_the_set_up_and_the_violation() {
    let app = mount_spec("list-queue", Tab::Run).await;
    app.shows("#copy-lesson-0").await;
    app.click("#copy-lesson-0").await;
    app.shows("#notice").await;
    let text = app.text("#notice");
    assert!(
        text.contains("Lesson link for violation 1 copied"),
        "{text}"
    );
    let link = text.split("copied: ").nth(1).unwrap().trim_end_matches('×');
    let spec = racelab::codec::decode(link).unwrap();
    assert_eq!(spec.view.lesson, Some(Lesson::default()));
    assert_eq!((spec.view.tab, spec.view.playhead_ms), (Tab::Run, 0));
    let want = RunSpec::builtin("list-queue");
    assert_eq!(
        (&spec.scenario, &spec.variant, spec.seed, &spec.knobs),
        (&want.scenario, &want.variant, want.seed, &want.knobs),
        "the set-up on screen"
    );
}
