//! Acceptance sweeps for the built-in scenarios: every fix holds over 10,000 seeds at
//! default knobs, every naive variant fails often, and the main knob moves the rate.

use crate::common::{builtin, config_with};
use racelab::api::{sweep, SweepReport};

fn rate(id: &str, variant: &str, seeds: u64, knobs: &[(&str, i64)]) -> SweepReport {
    sweep(&builtin(id), &config_with(variant, knobs), 0, seeds).expect("sweeps")
}

#[test]
fn fixed_variants_never_violate_over_10000_seeds() {
    for id in racelab::scenarios::ids() {
        let r = rate(id, "fixed", 10_000, &[]);
        assert_eq!(r.runs, 10_000);
        assert_eq!(
            r.violating_runs, 0,
            "{id}/fixed violated; replay with `racelab run {id} --variant fixed --seed {:?}`",
            r.first_violating_seed
        );
        assert!(r.events > 10_000, "{id}: the runs did something");
    }
}

#[test]
fn naive_variants_violate_in_at_least_5_percent_of_runs() {
    for id in racelab::scenarios::ids() {
        // A control scenario shows a design that has no race: its naive variant never fails.
        if racelab::scenarios::builtin(id).is_some_and(|s| s.control) {
            continue;
        }
        let r = rate(id, "naive", 2_000, &[]);
        assert!(
            r.violation_rate >= 0.05,
            "{id}/naive: only {:.2}%",
            100.0 * r.violation_rate
        );
    }
}

#[test]
fn a_longer_wait_lowers_the_alert_failure_rate() {
    let rates: Vec<f64> = [0, 3, 5, 7, 15]
        .iter()
        .map(|w| {
            rate(
                "alert-before-owner",
                "wait",
                1_000,
                &[("alert_wait_min", *w)],
            )
            .violation_rate
        })
        .collect();
    for pair in rates.windows(2) {
        assert!(
            pair[1] <= pair[0],
            "rate must not rise with a longer wait: {rates:?}"
        );
    }
    assert!(rates[0] > 0.9, "no wait: almost always wrong ({rates:?})");
    assert!(
        rates[4] < 0.01,
        "a 15-minute wait almost always hides the race ({rates:?})"
    );
}

#[test]
fn a_slower_trigger_queue_widens_the_list_queue_race() {
    let rates: Vec<f64> = [5, 30, 60, 180, 600]
        .iter()
        .map(|d| rate("list-queue", "naive", 1_000, &[("trigger_delay_s", *d)]).violation_rate)
        .collect();
    for pair in rates.windows(2) {
        assert!(
            pair[1] >= pair[0],
            "rate must grow with the trigger delay: {rates:?}"
        );
    }
    assert!(rates[4] > rates[0] + 0.3, "{rates:?}");
}
