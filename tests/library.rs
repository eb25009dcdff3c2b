//! The scenario library's acceptance rules, checked for every built-in scenario:
//! each `fix` variant never violates, each `race` variant violates in at least 5% of runs,
//! the race rate moves monotonically with the main knob over its sweep settings, and at
//! `hides_race_at` the race almost never shows. A control scenario shows a design that holds
//! and may also hold its broken counterpart: there its `race` variants violate in at least 5%
//! of runs at the defaults, and every other variant never violates at any main-knob setting.

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
    if s.control {
        control_holds(&s).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    for v in &s.variants {
        let (r, seed) = rate(&s, &v.name, &[]);
        match v.role {
            VariantRole::Fix => assert_eq!(
                r, 0.0,
                "{id}/{} must never violate; replay: racelab run {id} --variant {} --seed {seed:?}",
                v.name, v.name
            ),
            VariantRole::Race => {
                assert!(r >= 0.05, "{id}/{}: only {:.1}%", v.name, 100.0 * r)
            }
            VariantRole::Other => {}
        }
    }
    assert!(!races.is_empty(), "{id}: a race variant");
    assert!(
        main.sweep.len() >= 5,
        "{id}: the main knob sweeps at least five settings"
    );
    // A race variant built without the main knob's step (alert-before-owner's naive variant
    // has no Wait step at all) cannot move with it; every other race variant must, and the
    // knob must steer at least one.
    let steered: Vec<&str> = races
        .into_iter()
        .filter(|v| uses_knob(&s, v, &main.name))
        .collect();
    assert!(
        !steered.is_empty(),
        "{id}: no race variant uses the main knob {}",
        main.name
    );
    for race in steered {
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

/// A control scenario's rules: its `race` variants (the broken counterparts) violate in at
/// least 5% of runs at the defaults; every other variant never violates, at the defaults and
/// at every setting of the main knob.
fn control_holds(s: &Scenario) -> Result<(), String> {
    let id = &s.id;
    let main = s
        .knobs
        .iter()
        .find(|k| k.main)
        .ok_or(format!("{id}: main knob"))?;
    for v in &s.variants {
        let (r, seed) = rate(s, &v.name, &[]);
        if v.role == VariantRole::Race {
            if r < 0.05 {
                return Err(format!(
                    "{id}/{}: a control scenario's race variant violates in only {:.1}% of runs",
                    v.name,
                    100.0 * r
                ));
            }
            continue;
        }
        let mut settings = vec![None];
        settings.extend(main.sweep.iter().map(|&x| Some(x)));
        for x in settings {
            let knobs: Vec<(String, i64)> = x.map(|x| (main.name.clone(), x)).into_iter().collect();
            let (r, seed) = if x.is_none() {
                (r, seed)
            } else {
                rate(s, &v.name, &knobs)
            };
            if r != 0.0 {
                return Err(format!(
                    "{id}/{} must never violate (knobs {knobs:?}); replay: racelab run {id} --variant {} --seed {seed:?}",
                    v.name, v.name
                ));
            }
        }
    }
    Ok(())
}

/// The control rules reject a control scenario whose broken counterpart is not marked
/// `race` (it violates), and one whose `race` variant never violates.
#[test]
fn control_rules_catch_a_mislabelled_variant() {
    let good = builtin("free-trial");
    control_holds(&good).expect("free-trial holds as shipped");
    assert!(good.variants.iter().any(|v| v.role == VariantRole::Race));
    let mut broken_not_race = good.clone();
    for v in &mut broken_not_race.variants {
        if v.role == VariantRole::Race {
            v.role = VariantRole::Other;
        }
    }
    let e = control_holds(&broken_not_race).expect_err("a violating non-race variant");
    assert!(
        e.contains("decide-before-wait") && e.contains("must never violate"),
        "{e}"
    );
    let mut race_that_holds = good;
    for v in &mut race_that_holds.variants {
        if v.name == "naive" {
            v.role = VariantRole::Race;
        }
    }
    let e = control_holds(&race_that_holds).expect_err("a race variant that never violates");
    assert!(e.contains("naive") && e.contains("only 0.0%"), "{e}");
}

/// Whether `variant` (as applied: its campaigns, systems, script and people) refers to the
/// knob `knob` anywhere but in the knob declarations themselves.
fn uses_knob(s: &Scenario, variant: &str, knob: &str) -> bool {
    let mut applied = racelab::engine::compile::variant_applied(s, Some(variant))
        .unwrap_or_else(|e| panic!("{}/{variant}: {e}", s.id));
    applied.knobs.clear();
    applied.variants.clear();
    let text = serde_json::to_string(&applied).expect("a scenario serialises");
    text.contains(&format!("\"{knob}\""))
}

#[test]
fn a_race_variant_without_the_main_knob_is_recognised() {
    let s = crate::common::builtin("alert-before-owner");
    assert!(!uses_knob(&s, "naive", "alert_wait_min"));
    assert!(uses_knob(&s, "wait", "alert_wait_min"));
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
    owner_alert_tactics => "owner-alert-tactics",
    sync_before_enrichment => "sync-before-enrichment",
    lifecycle_overwrite => "lifecycle-overwrite",
    central_mql => "central-mql",
    score_recycle => "score-recycle",
    list_queue => "list-queue",
    job_checkpoint => "job-checkpoint",
    lock_storm => "lock-storm",
    replica_cascade => "replica-cascade",
    duplicate_lead => "duplicate-lead",
    crm_overwrite => "crm-overwrite",
    form_autoresponder => "form-autoresponder",
    free_trial => "free-trial",
}
