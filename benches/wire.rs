//! Reading a run back from its bytes (`cargo bench --bench wire`, or `-- <scenario id>`):
//! every built-in scenario at the size the run view's end-to-end test opens it at (10,000
//! people or its own scale knob), encoded as a worker sends it to the page, then read back as
//! the page reads it. Prints, per scenario, the bytes, the CPU time of reading them whole and
//! of each kind of part (trace rows, violations, the outcomes' people; best of a few
//! reads), beside the time the run itself took. Figures to report, not a pass/fail test:
//! the page's own figures are in `tests/e2e/runview_scale.mjs`.

// Measures elapsed time for its reports (clippy.toml keeps clocks out of the engine).
#![allow(clippy::disallowed_methods)]

use racelab::api::{run_view, RunView};
use racelab::spec::RunSpec;
use racelab::work::wire::{decode, encode};

#[path = "common/cpu.rs"]
mod cpu;

/// Each built-in scenario and the knobs that make it big (as `runview_scale.mjs` opens them).
const SCALE: &[(&str, &[(&str, i64)])] = &[
    ("alert-before-owner", &[("people", 10_000)]),
    ("central-mql", &[("people", 10_000)]),
    ("crm-overwrite", &[("people", 10_000)]),
    ("duplicate-lead", &[("people", 10_000)]),
    ("form-autoresponder", &[("people", 10_000)]),
    ("job-checkpoint", &[("days", 30)]),
    ("lifecycle-overwrite", &[("people", 10_000)]),
    ("list-queue", &[("people", 10_000)]),
    ("lock-storm", &[("responses", 10_000)]),
    (
        "owner-alert-tactics",
        &[("new_leads", 5_000), ("known_leads", 5_000)],
    ),
    ("replica-cascade", &[("people", 10_000)]),
    ("score-recycle", &[("people", 10_000)]),
];

/// Tries of each figure; the best is reported (the least disturbed by other work).
const TRIES: usize = 5;
/// Calls of `f` a try times (the thread's CPU clock may tick in steps of a few ms).
const CALLS: usize = 10;

/// CPU milliseconds one call of `f` takes: the best of [`TRIES`] tries of [`CALLS`] calls.
fn best_ms(mut f: impl FnMut()) -> f64 {
    (0..TRIES)
        .map(|_| {
            let start = cpu::cpu_seconds().unwrap_or(0.0);
            for _ in 0..CALLS {
                f();
            }
            (cpu::cpu_seconds().unwrap_or(0.0) - start) * 1000.0 / CALLS as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// `view` with only the parts `keep` names: "rows", "violations", "people".
fn only(view: &RunView, keep: &str) -> RunView {
    let mut v = view.clone();
    if keep != "rows" {
        (v.rows, v.parts, v.step_names.of_row) = Default::default();
    }
    if keep != "violations" {
        v.violations.clear();
    }
    if keep != "people" {
        std::rc::Rc::make_mut(&mut v.outcomes).people.clear();
    }
    v
}

fn main() {
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for &(id, knobs) in SCALE {
        if !wanted.is_empty() && !wanted.iter().any(|w| id.contains(w.as_str())) {
            continue;
        }
        let mut spec = RunSpec::builtin(id);
        spec.knobs
            .extend(knobs.iter().map(|&(k, v)| (k.to_string(), v)));
        let (scenario, config) = spec.resolve().expect("a built-in set-up resolves");
        let mut view = None;
        let run_ms = best_ms(|| {
            view = Some(run_view(&scenario, &config, spec.seed, &[]).expect("runs"));
        });
        let view = view.expect("ran");
        let bytes = encode(&view);
        let whole = best_ms(|| {
            decode(&bytes).expect("reads back");
        });
        let parts: Vec<String> = ["rows", "violations", "people"]
            .iter()
            .map(|kind| {
                let bytes = encode(&only(&view, kind));
                let ms = best_ms(|| {
                    decode(&bytes).expect("reads back");
                });
                format!("{kind} {ms:.1}")
            })
            .collect();
        println!(
            "{id}: {} rows, {} people, {:.1} MB; run and view {run_ms:.1} ms; read {whole:.1} ms ({})",
            view.rows.len(),
            view.outcomes.people.len(),
            bytes.0.len() as f64 / 1e6,
            parts.join(", "),
        );
    }
}
