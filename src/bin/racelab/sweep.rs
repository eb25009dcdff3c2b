//! `racelab sweep`: many seeds of one set-up, on every core.
//!
//! The seeds are cut into chunks that worker threads take in order (`--jobs`, by default
//! one per core); each chunk is an ordinary sweep of its seeds, and the chunks' reports are
//! merged in seed order, so the figures are those of one sweep on one core, seed by seed.
//! The main thread shows the progress on stderr. On Ctrl-C the workers stop, and the report
//! covers the seeds run without a gap from the first (marked as interrupted).

use super::args::SweepArgs;
use super::progress::{self, Ticker};
use racelab::api::{self, SweepReport};
use racelab::engine::{compile, Model, Sim};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the main thread looks at the workers.
const LOOK_EVERY: Duration = Duration::from_millis(20);

/// A chunk's length and its report, or what went wrong in it; `None` while nobody has run
/// it.
type ChunkResult = Option<(u64, Result<SweepReport, String>)>;

pub fn command(a: &SweepArgs) -> Result<String, String> {
    let st = a.source.setup()?;
    let first_seed = a
        .first_seed
        .unwrap_or(if st.link.is_some() { st.seed } else { 0 });
    let model = compile(&st.scenario, &st.config)?;
    let jobs = a.jobs.map_or_else(cores, |j| j as usize);
    progress::catch_ctrl_c();
    let start = Instant::now();
    let mut ticker = Ticker::new(a.quiet);
    let r = parallel(
        &model,
        first_seed,
        a.seeds,
        jobs,
        ("sweeping", "runs"),
        &mut ticker,
    )?;
    ticker.done();
    let elapsed_ms = start.elapsed().as_millis() as u64;
    let interrupted = r.runs < a.seeds;
    if a.json {
        let mut v = serde_json::to_value(&r).expect("reports serialise");
        v["elapsed_ms"] = elapsed_ms.into();
        v["projection"] = serde_json::json!({
            "leads_per_day": a.per_day,
            "affected_per_day": api::projected_affected(r.lead_rate, a.per_day),
        });
        if interrupted {
            v["interrupted"] = true.into();
            v["runs_asked"] = a.seeds.into();
        }
        return Ok(serde_json::to_string_pretty(&v).expect("reports serialise"));
    }
    let mut out = format!(
        "{} / {}: {} of {} runs violated ({:.2}%), {} events in {} ms{}\n\
         {} of {} {} affected ({:.2}%): {}",
        r.scenario,
        r.variant,
        r.violating_runs,
        r.runs,
        100.0 * r.violation_rate,
        r.events,
        elapsed_ms,
        r.first_violating_seed
            .map_or(String::new(), |s| format!("; first violating seed {s}")),
        r.affected_leads,
        r.leads,
        r.lead_unit,
        100.0 * r.lead_rate,
        api::projection(r.lead_rate, a.per_day)
    );
    if interrupted {
        out += &format!(
            "\ninterrupted (Ctrl-C) after {} of {} runs: the figures are for seeds {} to {}",
            r.runs,
            a.seeds,
            first_seed,
            (first_seed + r.runs).saturating_sub(1)
        );
    }
    Ok(out)
}

/// The processor cores this program may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs seeds `first .. first + runs` of `model` on `jobs` threads: the report one thread
/// would make (or, after Ctrl-C, that of the seeds run without a gap from `first`). The
/// progress line says what is done and what a run is, e.g. `("sweeping", "runs")`.
pub fn parallel(
    model: &Model,
    first: u64,
    runs: u64,
    jobs: usize,
    (doing, unit): (&str, &str),
    ticker: &mut Ticker,
) -> Result<SweepReport, String> {
    let jobs = jobs.clamp(1, runs.max(1) as usize);
    // Enough chunks for the threads to share the work evenly, few enough to cost nothing.
    let chunk = (runs / (jobs as u64 * 32)).clamp(1, 1000);
    let chunks = runs.div_ceil(chunk);
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let results: Mutex<Vec<ChunkResult>> = Mutex::new(vec![None; chunks as usize]);
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| {
                    // One run per worker, reset for each seed of each chunk it takes. A count
                    // never reads a run's trace back: it is not kept (see `Sim::without_trace`).
                    let mut sim = Sim::new(model);
                    sim.without_trace();
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        if i >= chunks || progress::interrupted() || failed.load(Ordering::SeqCst) {
                            break;
                        }
                        let from = first + i * chunk;
                        let len = chunk.min(runs - i * chunk);
                        let r =
                            api::sweep_on(&mut sim, from, len, &mut |_| !progress::interrupted());
                        match &r {
                            Ok(x) => done.fetch_add(x.runs, Ordering::SeqCst),
                            Err(_) => {
                                failed.store(true, Ordering::SeqCst);
                                0
                            }
                        };
                        results.lock().expect("no worker panics")[i as usize] = Some((len, r));
                    }
                })
            })
            .collect();
        while !workers.iter().all(|w| w.is_finished()) {
            std::thread::sleep(LOOK_EVERY);
            ticker.tick(|s| {
                let d = done.load(Ordering::SeqCst);
                format!(
                    "{doing}… {} of {} {unit} ({} {unit}/s)",
                    api::thousands(d),
                    api::thousands(runs),
                    progress::rate(d, s)
                )
            });
        }
    });
    let empty = api::sweep_model(model, first, 0, &mut |_| true)?;
    merge(empty, results.into_inner().expect("no worker panics"))
}

/// The chunks' reports merged in seed order after `whole` (the empty report at the first
/// seed), up to the first chunk not run in full; the first error in seed order, if any.
fn merge(mut whole: SweepReport, results: Vec<ChunkResult>) -> Result<SweepReport, String> {
    for (asked, r) in results.into_iter().map_while(|r| r) {
        let r = r?;
        whole.merge(&r);
        if r.runs < asked {
            break;
        }
    }
    Ok(whole)
}
