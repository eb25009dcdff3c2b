//! Lessons (`api::lesson_stop` and friends): for every race scenario's race variant at a
//! violating seed, a lesson pauses before or at the first conflicting step of the violation
//! (exactly on it when the run knows the conflict), the sentences it shows end with that
//! step's sentence, and the default variants are the scenario's race and its fix.

use racelab::api::{self, RunConfig, StoryOf, VariantRole};

/// Every built-in scenario with a `race` variant, and those variants.
fn race_variants() -> Vec<(&'static str, String)> {
    let mut all = Vec::new();
    for id in racelab::scenarios::ids() {
        let s = racelab::scenarios::builtin(id).unwrap();
        for v in s.variants.iter().filter(|v| v.role == VariantRole::Race) {
            all.push((id, v.name.clone()));
        }
    }
    all
}

#[test]
fn a_lesson_pauses_on_the_first_conflicting_step_of_each_race() {
    let races = race_variants();
    assert!(races.len() >= 14, "{races:?}");
    for (id, variant) in races {
        let s = racelab::scenarios::builtin(id).unwrap();
        let config = RunConfig {
            variant: Some(variant.clone()),
            ..RunConfig::default()
        };
        let (seed, plain) = (0..200u64)
            .find_map(|seed| {
                let run = api::run_view(&s, &config, seed, &[]).unwrap();
                (!run.violations.is_empty()).then_some((seed, run))
            })
            .unwrap_or_else(|| panic!("{id} {variant}: no violation in 200 seeds"));
        // The run a lesson on violation 0 asks for: the same run, its conflict found.
        let run = api::lesson_view(&s, &config, seed, &[], 0).unwrap();
        assert_eq!(
            (&run.rows, plain.violations[0].conflict),
            (&plain.rows, None)
        );
        let stop = api::lesson_stop(&run, 0).unwrap();
        let story = api::story(&s, &config, seed, &[], StoryOf::Violation(0)).unwrap();
        let v = &run.violations[0];
        let at = format!("{id} {variant} seed {seed}");
        assert!(
            stop.time_ms <= v.time_ms,
            "{at}: paused after the violation"
        );
        match story.conflict {
            Some((first, second)) => {
                let (a, b) = (&story.steps[first], &story.steps[second]);
                assert!(stop.time_ms <= a.time_ms, "{at}: paused after the conflict");
                // The run view carries the same conflict as the story: the pause is on it.
                assert_eq!(v.conflict, Some((a.event, b.event)), "{at}");
                assert_eq!(stop.event, Some(a.event), "{at}");
                assert_eq!(stop.time_ms, a.time_ms, "{at}");
                let row = run.row(a.event).unwrap();
                assert_eq!(
                    (stop.lane.as_str(), stop.sentence.as_str()),
                    (row.lane.as_str(), row.details.as_str()),
                    "{at}"
                );
                // The sentences shown end with the one telling the paused step.
                let lines = api::lesson_sentences(&story, stop.event);
                let told = &story.sentences[a.sentence];
                assert_eq!(lines.last(), Some(&told.line()), "{at}");
                assert!(lines.len() < story.sentences.len() || a.sentence + 1 == lines.len());
            }
            None => assert_eq!(v.conflict, None, "{at}"),
        }
        // Playback steps: one per distinct event time up to the pause.
        let mut times: Vec<u64> = run.rows.iter().map(|r| r.time_ms).collect();
        times.retain(|&t| t > 0 && t <= stop.time_ms);
        times.dedup();
        assert_eq!(stop.steps, times.len(), "{at}");
        assert!(api::lesson_stop(&run, run.violations.len()).is_none());
    }
}

#[test]
fn a_lesson_teaches_the_race_variant_beside_the_recommended_fix() {
    let s = |id| racelab::scenarios::builtin(id).unwrap();
    assert_eq!(api::lesson_race(&s("list-queue")), Some("naive"));
    assert_eq!(
        api::lesson_race(&s("free-trial")),
        Some("decide-before-wait")
    );
    assert_eq!(
        api::lesson_fix(&s("list-queue"), "naive").as_deref(),
        Some("fixed")
    );
    assert_eq!(
        api::lesson_fix(&s("lifecycle-overwrite"), "naive").as_deref(),
        Some("fixed")
    );
    // Every race scenario has a fix to show beside the race, of role `fix`.
    for (id, variant) in race_variants() {
        let scenario = s(id);
        let fix = api::lesson_fix(&scenario, &variant).unwrap();
        let role = scenario
            .variants
            .iter()
            .find(|v| v.name == fix)
            .unwrap()
            .role;
        assert_eq!(role, VariantRole::Fix, "{id}");
    }
}

#[test]
fn later_violations_pause_on_their_own_conflict() {
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let config = RunConfig {
        variant: Some("naive".into()),
        ..RunConfig::default()
    };
    let seed = (0..200u64)
        .find(|&seed| {
            api::run_view(&s, &config, seed, &[])
                .unwrap()
                .violations
                .len()
                >= 2
        })
        .expect("a run with two violations");
    let lesson = |v| api::lesson_view(&s, &config, seed, &[], v).unwrap();
    let (first, second) = (lesson(0), lesson(1));
    let (a, b) = (
        api::lesson_stop(&first, 0).unwrap(),
        api::lesson_stop(&second, 1).unwrap(),
    );
    assert_eq!(a.event, first.violations[0].conflict.map(|c| c.0));
    assert_eq!(b.event, second.violations[1].conflict.map(|c| c.0));
    assert!(a.event.is_some() && b.event.is_some());
    assert_ne!(a.event, b.event);
}

/// A run finds the two conflicting steps of the violation a lesson teaches only: a plain run
/// looks for none (finding them may scan the trace), a lesson's run for its violation alone,
/// and the run is otherwise the same. A worker's run request carries the lesson.
#[test]
fn conflicts_are_found_only_for_the_violation_a_lesson_teaches() {
    let s = racelab::scenarios::builtin("alert-before-owner").unwrap();
    let config = RunConfig {
        variant: Some("naive".into()),
        knobs: [("people".to_string(), 200)].into(),
        ..RunConfig::default()
    };
    let plain = api::run_view(&s, &config, 1, &[]).unwrap();
    assert!(plain.violations.len() > 30, "{}", plain.violations.len());
    assert!(plain.violations.iter().all(|v| v.conflict.is_none()));
    // A violation far down the list (lessons once knew only the first 20).
    let far = plain.violations.len() - 1;
    let taught = api::lesson_view(&s, &config, 1, &[], far).unwrap();
    let story = api::story(&s, &config, 1, &[], StoryOf::Violation(far)).unwrap();
    let (x, y) = story.conflict.expect("the story has a conflict");
    let want = (story.steps[x].event, story.steps[y].event);
    assert_eq!(taught.violations[far].conflict, Some(want));
    assert_eq!(
        taught
            .violations
            .iter()
            .filter(|v| v.conflict.is_some())
            .count(),
        1
    );
    let mut same = taught.clone();
    same.violations[far].conflict = None;
    assert_eq!(same, plain);
    assert_eq!(api::lesson_stop(&taught, far).unwrap().event, Some(want.0));

    let mut spec = racelab::spec::RunSpec::builtin("alert-before-owner");
    spec.variant = "naive".into();
    spec.knobs.insert("people".into(), 200);
    spec.seed = 1;
    let ran =
        |lesson| match racelab::work::serve_sweep(&racelab::work::run_request(&spec, 5, lesson)) {
            racelab::work::Reply::Ran { main, .. } => {
                racelab::work::wire::decode(&main.unwrap()).unwrap()
            }
            other => panic!("not a run answer: {other:?}"),
        };
    let as_read = racelab::work::wire::as_read;
    assert_eq!(ran(None), as_read(&plain));
    assert_eq!(ran(Some(far)), as_read(&taught));
}
