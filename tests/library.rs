//! The scenario library's acceptance rules, checked for every built-in scenario:
//! each `fix` variant never violates, each `race` variant violates in at least 5% of runs,
//! control scenarios never violate, the race rate moves monotonically with the main knob
//! over its sweep settings, and at `hides_race_at` the race almost never shows.

use crate::common::{builtin, config_with};
use racelab::api::sweep;
use racelab::engine::scenario::VariantRole;
use racelab::engine::{validate, Scenario};

const SEEDS: u64 = 1_000;

fn rate(s: &Scenario, variant: &str, knobs: &[(String, i64)]) -> (f64, Option<u64>) {
    let r = sweep(s, &config_with(variant, knobs), 0, SEEDS)
        .unwrap_or_else(|e| panic!("{}/{variant}: {e}", s.id));
    (r.violation_rate, r.first_violating_seed)
}

fn check(id: &str) {
    let s = builtin(id);
    validate(&s).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert!(
        !s.lesson.is_empty() && !s.summary.is_empty() && !s.race.is_empty(),
        "{id}: texts"
    );
    let main = s
        .knobs
        .iter()
        .find(|k| k.main)
        .unwrap_or_else(|| panic!("{id}: main knob"));
    let races: Vec<&str> = s
        .variants
        .iter()
        .filter(|v| v.role == VariantRole::Race)
        .map(|v| v.name.as_str())
        .collect();
    for v in &s.variants {
        let (r, seed) = rate(&s, &v.name, &[]);
        match (s.control, v.role) {
            (true, _) | (false, VariantRole::Fix) => assert_eq!(
                r, 0.0,
                "{id}/{} must never violate; replay: racelab run {id} --variant {} --seed {seed:?}",
                v.name, v.name
            ),
            (false, VariantRole::Race) => {
                assert!(r >= 0.05, "{id}/{}: only {:.1}%", v.name, 100.0 * r)
            }
            (false, VariantRole::Other) => {}
        }
    }
    if s.control {
        for v in &s.variants {
            for &x in &main.sweep {
                let (r, seed) = rate(&s, &v.name, &[(main.name.clone(), x)]);
                assert_eq!(
                    r, 0.0,
                    "{id}/{} at {}={x}: seed {seed:?}",
                    v.name, main.name
                );
            }
        }
        return;
    }
    assert!(!races.is_empty(), "{id}: a race variant");
    assert!(
        main.sweep.len() >= 5,
        "{id}: the main knob sweeps at least five settings"
    );
    for race in races {
        let rates: Vec<f64> = main
            .sweep
            .iter()
            .map(|x| rate(&s, race, &[(main.name.clone(), *x)]).0)
            .collect();
        let up = rates.windows(2).all(|w| w[1] >= w[0] - 0.02);
        let down = rates.windows(2).all(|w| w[1] <= w[0] + 0.02);
        assert!(
            up || down,
            "{id}/{race}: not monotonic in {}: {rates:?}",
            main.name
        );
        let spread =
            rates.iter().cloned().fold(0.0, f64::max) - rates.iter().cloned().fold(1.0, f64::min);
        assert!(
            spread >= 0.1,
            "{id}/{race}: {} barely matters: {rates:?}",
            main.name
        );
        let calm = main
            .hides_race_at
            .unwrap_or_else(|| panic!("{id}: hides_race_at"));
        let (r, _) = rate(&s, race, &[(main.name.clone(), calm)]);
        assert!(
            r <= 0.01,
            "{id}/{race} at {}={calm}: still {:.1}%",
            main.name,
            100.0 * r
        );
    }
}

macro_rules! scenario_tests {
    ($($name:ident => $id:literal),* $(,)?) => {
        $(#[test] fn $name() { check($id); })*

        #[test]
        fn every_built_in_scenario_is_checked() {
            let mut checked = vec![$($id),*];
            let mut all: Vec<&str> = racelab::scenarios::ids().collect();
            checked.sort();
            all.sort();
            assert_eq!(checked, all);
        }
    };
}

scenario_tests! {
    alert_before_owner => "alert-before-owner",
    sync_before_enrichment => "sync-before-enrichment",
    lifecycle_overwrite => "lifecycle-overwrite",
    list_queue => "list-queue",
    job_checkpoint => "job-checkpoint",
    lock_storm => "lock-storm",
    replica_cascade => "replica-cascade",
    duplicate_lead => "duplicate-lead",
    crm_overwrite => "crm-overwrite",
    form_autoresponder => "form-autoresponder",
    free_trial => "free-trial",
}
