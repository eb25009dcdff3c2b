//! The monitor's copy: a clone (and a `clone_from` over another run's monitor) made in the
//! middle of a run equals the original and hashes the same, for every built-in scenario.

use super::Monitor;
use crate::engine::{compile, RunConfig, SeededChooser, Sim};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

fn hash(m: &Monitor) -> u64 {
    let mut h = DefaultHasher::new();
    m.hash(&mut h);
    h.finish()
}

/// Each built-in scenario's variants at 20 people, run to about half their events.
/// Each with another run's monitor at its end, and the monitor a run starts with.
fn monitors_mid_run() -> Vec<(String, Monitor, Monitor, Monitor)> {
    let mut out = Vec::new();
    for id in crate::scenarios::ids() {
        let scenario = crate::scenarios::builtin(id).expect("built in");
        for variant in &scenario.variants {
            let config = RunConfig {
                variant: Some(variant.name.clone()),
                knobs: [("people".to_string(), 20)].into_iter().collect(),
                ..RunConfig::default()
            };
            let Ok(model) = compile(&scenario, &config) else {
                continue;
            };
            let full = Sim::new(&model)
                .run(&mut SeededChooser::new(1))
                .expect("runs")
                .events;
            let mut sim = Sim::new(&model);
            let mut chooser = SeededChooser::new(1);
            while sim.trace.len() < full / 2 && sim.step(&mut chooser).expect("runs") {}
            // Another run's monitor, at its end, to copy over.
            let mut other = Sim::new(&model);
            other.run(&mut SeededChooser::new(2)).expect("runs");
            out.push((
                format!("{id}/{}", variant.name),
                sim.state.monitor,
                other.state.monitor,
                Monitor::new(&model),
            ));
        }
    }
    out
}

#[test]
fn a_copy_of_a_monitor_mid_run_equals_and_hashes_as_the_original() {
    let monitors = monitors_mid_run();
    assert!(monitors.len() >= 20, "{} runs", monitors.len());
    let mut busy = 0;
    for (name, original, mut other, fresh) in monitors {
        let copy = original.clone();
        assert_eq!(copy, original, "{name}: clone");
        assert_eq!(hash(&copy), hash(&original), "{name}: clone's hash");
        other.clone_from(&original);
        assert_eq!(other, original, "{name}: clone_from");
        assert_eq!(hash(&other), hash(&original), "{name}: clone_from's hash");
        if original != fresh {
            busy += 1;
        }
    }
    // The copies were of monitors with something in them.
    assert!(busy >= 20, "{busy} monitors held something mid-run");
}
