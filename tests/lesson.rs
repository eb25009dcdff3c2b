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
        let (seed, run) = (0..200u64)
            .find_map(|seed| {
                let run = api::run_view(&s, &config, seed, &[]).unwrap();
                (!run.violations.is_empty()).then_some((seed, run))
            })
            .unwrap_or_else(|| panic!("{id} {variant}: no violation in 200 seeds"));
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
                    (&stop.lane, &stop.sentence),
                    (&row.lane, &row.details),
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
    let run = (0..200u64)
        .map(|seed| api::run_view(&s, &config, seed, &[]).unwrap())
        .find(|r| r.violations.len() >= 2)
        .expect("a run with two violations");
    let (a, b) = (
        api::lesson_stop(&run, 0).unwrap(),
        api::lesson_stop(&run, 1).unwrap(),
    );
    assert_eq!(a.event, run.violations[0].conflict.map(|c| c.0));
    assert_eq!(b.event, run.violations[1].conflict.map(|c| c.0));
    assert_ne!(a.event, b.event);
}
