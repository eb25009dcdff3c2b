//! Sweeps: many seeds of the chosen variants, or one knob over its sweep settings, with the
//! share of runs with a violation and the share of leads affected drawn as an SVG chart
//! ([`super::sweep_chart`]), and a projection to a number of leads a day the user sets. The work runs in short chunks between browser frames
//! (each chunk stops after [`CHUNK_MS`]), so the page stays responsive, shows progress and can
//! be cancelled.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use super::parts::{button, label, on_value, option};
use super::pool::{OnResult, Pool, Unit};
use super::state::{Action, App, Dispatch, Loaded};
use super::sweep_chart;
use super::web;
use crate::api::{knob_title, sweep_points, thousands, Scenario, SweepPoint, MCAE_LEADS_PER_DAY};
use crate::spec::RunSpec;
use crate::work::{sweep_request, Counts};

/// How long one chunk of sweep work may hold the main thread.
pub const CHUNK_MS: f64 = 12.0;
/// Most seeds per point.
pub const MAX_SEEDS: u64 = 100_000;
/// The leads a day the projection starts with, and the most it takes.
pub const DEFAULT_PER_DAY: u64 = 1_000;
pub const MAX_PER_DAY: u64 = 1_000_000_000_000;

/// A sweep in progress or finished.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Progress {
    pub points: Vec<SweepPoint>,
    /// Seeds per point.
    pub seeds: u64,
    pub knob: Option<String>,
    pub running: bool,
    pub cancelled: bool,
    pub elapsed_ms: f64,
    /// Where the work runs: "main thread" or "N workers".
    pub runner: String,
}

impl Progress {
    pub fn done(&self) -> u64 {
        self.points.iter().map(|p| p.runs).sum()
    }
    pub fn total(&self) -> u64 {
        self.seeds * self.points.len() as u64
    }
}

/// Seeds per worker request (a worker answers one in a few tens of milliseconds).
const UNIT_SEEDS: u64 = 250;

/// The work of one sweep: advanced chunk by chunk on the main thread, or by a worker pool.
struct Job {
    /// The set-up the sweep started from (seed = first seed).
    spec: RunSpec,
    scenario: Rc<Scenario>,
    progress: Progress,
    started: f64,
    pool: Option<Pool>,
}

impl Job {
    /// The run configuration of point `p` (its variant and knob value over the set-up's).
    fn point_spec(&self, p: &SweepPoint) -> RunSpec {
        let mut spec = self.spec.clone();
        spec.variant = p.variant.clone();
        if let (Some(k), Some(v)) = (&self.progress.knob, p.knob_value) {
            spec.knobs.insert(k.clone(), v);
        }
        spec
    }

    /// Runs seeds on the main thread until `CHUNK_MS` has passed or the sweep is done; false
    /// when done.
    fn chunk(&mut self) -> bool {
        let until = web::now_ms() + CHUNK_MS;
        let seeds = self.progress.seeds;
        let mut batch = 8u64;
        while web::now_ms() < until {
            let Some(i) = self
                .progress
                .points
                .iter()
                .position(|p| p.wants_more(seeds))
            else {
                break;
            };
            let p = &self.progress.points[i];
            let n = batch.min(seeds - p.runs);
            let first = self.spec.seed + p.runs;
            // The scenario is parsed once per sweep; each batch only needs the point's config.
            let config = self.point_spec(p).config(&p.variant);
            let result = crate::api::sweep(&self.scenario, &config, first, n);
            let p = &mut self.progress.points[i];
            match result {
                Ok(r) => p.add(&Counts {
                    runs: n,
                    violating: r.violating_runs,
                    events: r.events,
                    leads: r.leads,
                    affected_leads: r.affected_leads,
                }),
                Err(e) => p.error = Some(e),
            }
            batch = (batch * 2).min(256);
        }
        self.update()
    }

    /// Records the elapsed time; false when every point is done (or failed).
    fn update(&mut self) -> bool {
        let seeds = self.progress.seeds;
        self.progress.elapsed_ms = web::now_ms() - self.started;
        self.progress.running = self.progress.points.iter().any(|p| p.wants_more(seeds));
        self.progress.running
    }

    /// The worker requests for every point, in point order.
    fn units(&self) -> Vec<Unit> {
        let seeds = self.progress.seeds;
        let mut out = Vec::new();
        for (i, p) in self.progress.points.iter().enumerate() {
            let spec = self.point_spec(p);
            for k in (0..seeds).step_by(UNIT_SEEDS as usize) {
                let n = UNIT_SEEDS.min(seeds - k);
                out.push(Unit {
                    point: i,
                    request: sweep_request(&spec, spec.seed + k, n),
                });
            }
        }
        out
    }
}

type SharedJob = Rc<RefCell<Option<Job>>>;

/// Starts `job` on `threads` workers (0: the main thread), falling back to the main thread
/// when workers cannot run here.
fn launch(job: SharedJob, progress: UseStateHandle<Progress>, threads: u32) {
    if threads > 0 {
        let units = job.borrow().as_ref().map(Job::units).unwrap_or_default();
        let on_result: OnResult = {
            let (job, progress) = (job.clone(), progress.clone());
            Rc::new(move |point, result| worker_result(&job, &progress, point, result))
        };
        match Pool::start(threads, units, on_result) {
            Ok(pool) => {
                if let Some(j) = job.borrow_mut().as_mut() {
                    j.pool = Some(pool);
                    j.progress.runner =
                        format!("{threads} worker{}", if threads == 1 { "" } else { "s" });
                    progress.set(j.progress.clone());
                }
                return;
            }
            Err(why) => {
                if let Some(j) = job.borrow_mut().as_mut() {
                    j.progress.runner = format!("main thread ({why})");
                }
            }
        }
    }
    pump(job, progress);
}

/// Adds one worker answer to the sweep; ends the sweep when it was the last one.
fn worker_result(
    job: &SharedJob,
    progress: &UseStateHandle<Progress>,
    point: Option<usize>,
    result: Result<Counts, String>,
) {
    let mut slot = job.borrow_mut();
    let Some(j) = slot.as_mut() else { return };
    match (point.and_then(|i| j.progress.points.get_mut(i)), result) {
        (Some(p), Ok(c)) => p.add(&c),
        (Some(p), Err(e)) => p.error = Some(e),
        (None, Err(e)) => j
            .progress
            .points
            .iter_mut()
            .for_each(|p| p.error = Some(e.clone())),
        (None, Ok(_)) => {}
    }
    let more = j.update();
    progress.set(j.progress.clone());
    if !more {
        // Every worker is idle after a sweep without errors: they wait for the next sweep
        // (after one with errors, some may still be busy: they go). The pool owns the closure
        // running now: hand it back after this call returns.
        let clean = j.progress.points.iter().all(|p| p.error.is_none());
        if let Some(pool) = slot.take().and_then(|j| j.pool) {
            Timeout::new(0, move || match clean {
                true => pool.retire(),
                false => drop(pool),
            })
            .forget();
        }
    }
}

/// The sweep tab.
pub fn sweep(app: &App) -> Html {
    let Some(loaded) = &app.loaded else {
        return html! {};
    };
    html! { <Sweep loaded={loaded.clone()} spec={app.spec.clone()} dispatch={app.dispatcher()} /> }
}

#[derive(Properties, PartialEq)]
pub struct SweepProps {
    /// The open scenario.
    pub loaded: Loaded,
    /// The set-up a sweep starts from: variant and compared variant, knobs, injections, and
    /// the first seed.
    pub spec: RunSpec,
    pub dispatch: Dispatch,
}

#[function_component(Sweep)]
fn sweep_view(props: &SweepProps) -> Html {
    let (loaded, spec) = (&props.loaded, &props.spec);
    let progress = use_state(Progress::default);
    let job = use_mut_ref(|| None::<Job>);
    let seeds = use_state(|| 1000u64);
    let per_day = use_state(|| DEFAULT_PER_DAY);
    let threads = use_state(super::worker::cores);
    {
        // Opening the Sweep tab starts its workers, so a sweep does not wait for them; leaving
        // it cancels a running sweep and stops every worker.
        let (job, n) = (job.clone(), *threads);
        use_effect_with((), move |_| {
            super::pool::warm_up(n);
            move || {
                drop(job.borrow_mut().take());
                super::pool::cool_down();
            }
        });
    }
    let knob = use_state(|| {
        let main = loaded.scenario.knobs.iter().find(|k| k.main);
        main.map(|k| k.name.clone())
    });
    let variants: Vec<String> = std::iter::once(spec.variant.clone())
        .chain(spec.compare.clone())
        .collect();

    let start = {
        let (spec, progress, job, seeds, knob, threads) = (
            spec.clone(),
            progress.clone(),
            job.clone(),
            *seeds,
            (*knob).clone(),
            *threads,
        );
        let scenario = loaded.scenario.clone();
        let variants = variants.clone();
        Callback::from(move |_| {
            let points = sweep_points(&scenario, &variants, knob.as_deref());
            let p = Progress {
                points,
                seeds,
                knob: knob.clone(),
                running: true,
                cancelled: false,
                elapsed_ms: 0.0,
                runner: "main thread".into(),
            };
            *job.borrow_mut() = Some(Job {
                spec: spec.clone(),
                scenario: scenario.clone(),
                progress: p.clone(),
                started: web::now_ms(),
                pool: None,
            });
            progress.set(p);
            launch(job.clone(), progress.clone(), threads);
        })
    };
    let cancel = {
        let (job, progress, n) = (job.clone(), progress.clone(), *threads);
        Callback::from(move |_| {
            if let Some(j) = job.borrow_mut().take() {
                let mut p = j.progress;
                p.running = false;
                p.cancelled = true;
                progress.set(p);
            }
            // The cancelled sweep's workers are stopped: warm new ones for the next.
            super::pool::warm_up(n);
        })
    };
    let set_seeds = {
        let (seeds, dispatch) = (seeds.clone(), props.dispatch.clone());
        on_value(move |v| match v.trim().parse::<u64>() {
            Ok(n) if (1..=MAX_SEEDS).contains(&n) => {
                seeds.set(n);
                None
            }
            _ => {
                dispatch.dispatch(Action::Notice(Some(format!(
                    "Seeds per point must be a whole number from 1 to {MAX_SEEDS}."
                ))));
                Some(seeds.to_string())
            }
        })
    };
    let set_per_day = {
        let (per_day, dispatch) = (per_day.clone(), props.dispatch.clone());
        on_value(move |v| match v.trim().replace(',', "").parse::<u64>() {
            Ok(n) if (1..=MAX_PER_DAY).contains(&n) => {
                per_day.set(n);
                None
            }
            _ => {
                dispatch.dispatch(Action::Notice(Some(format!(
                    "Leads a day must be a whole number from 1 to {}.",
                    thousands(MAX_PER_DAY)
                ))));
                Some(per_day.to_string())
            }
        })
    };
    let set_threads = {
        let threads = threads.clone();
        on_value(move |v| {
            threads.set(v.parse().unwrap_or(0));
            None
        })
    };
    let set_knob = {
        let knob = knob.clone();
        on_value(move |v| {
            knob.set((!v.is_empty()).then_some(v));
            None
        })
    };
    let knob_options = loaded.scenario.knobs.iter().map(|k| {
        let selected = knob.as_deref() == Some(&k.name);
        option(Some(k.name.clone().into()), selected, knob_title(k))
    });
    let thread_options = (0..=super::worker::cores())
        .map(|n| option(Some(n.to_string().into()), n == *threads, threads_label(n)));
    let p = &*progress;
    // The set-up's value of the swept knob: the projection speaks of that point.
    let current = p.knob.as_deref().and_then(|k| {
        let knob = loaded.scenario.knobs.iter().find(|x| x.name == k)?;
        Some(spec.knobs.get(k).copied().unwrap_or(knob.default))
    });
    html! {
        <section class="sweep" aria-label="Sweep">
            <div class="sweep-form">
                <p>{ format!("Variants: {} · seeds from {}", variants.join(" and "), spec.seed) }</p>
                { label("sweep-seeds", "Seeds per point") }
                <input id="sweep-seeds" class="num" type="number" min="1" max={MAX_SEEDS.to_string()}
                    value={seeds.to_string()} onchange={set_seeds} />
                { label("sweep-knob", "Sweep knob") }
                <select id="sweep-knob" onchange={set_knob}>
                    { option(Some("".into()), knob.is_none(), "(none: seeds only)") }
                    { for knob_options }
                </select>
                { label("sweep-threads", "Run on") }
                <select id="sweep-threads" onchange={set_threads}>{ for thread_options }</select>
                { button("sweep-start", "", "Run sweep", p.running, start) }
                { button("sweep-cancel", "", "Cancel", !p.running, cancel) }
            </div>
            if p.total() > 0 {
                <div class="sweep-progress">
                    <progress id="sweep-progress" max={p.total().to_string()} value={p.done().to_string()}
                        aria-label="Sweep progress" />
                    <span id="sweep-status" data-done={(!p.running && !p.cancelled).to_string()}
                        data-elapsed-ms={format!("{:.0}", p.elapsed_ms)}>
                        { status(p) }
                    </span>
                </div>
                { sweep_chart::chart(&p.points, swept_title(p, &loaded.scenario).as_deref(), knob_unit(&loaded.scenario, p.knob.as_deref())) }
                <div class="sweep-projection">
                    { label("sweep-per-day", "Leads a day") }
                    <input id="sweep-per-day" class="num" type="number" min="1"
                        max={MAX_PER_DAY.to_string()} value={per_day.to_string()} onchange={set_per_day} />
                    <p class="hint">{ format!(
                        "How many leads your instance handles a day. The per-lead rate times \
                         this is about how many would be affected. For scale: the Marketo \
                         Engage instance in one of the sources handles about {} lead updates \
                         a day, so a one-in-a-million race there is hundreds of incidents a day.",
                        thousands(MCAE_LEADS_PER_DAY)
                    ) }</p>
                    { sweep_chart::projections(&p.points, current, *per_day) }
                </div>
                { sweep_chart::table(&p.points, swept_title(p, &loaded.scenario).as_deref(), *per_day) }
            }
        </section>
    }
}

/// Schedules the next chunk of `job` after the browser had a chance to paint and handle input.
fn pump(job: Rc<RefCell<Option<Job>>>, progress: UseStateHandle<Progress>) {
    Timeout::new(0, move || {
        let more = {
            let mut j = job.borrow_mut();
            let Some(jb) = j.as_mut() else { return };
            let more = jb.chunk();
            progress.set(jb.progress.clone());
            if !more {
                *j = None;
            }
            more
        };
        if more {
            pump(job, progress);
        }
    })
    .forget();
}

fn threads_label(n: u32) -> String {
    match n {
        0 => "main thread (in chunks)".into(),
        1 => "1 worker".into(),
        n => format!("{n} workers"),
    }
}

fn status(p: &Progress) -> String {
    let runs = p.done();
    let rate = if p.elapsed_ms > 0.0 {
        runs as f64 / p.elapsed_ms * 1000.0
    } else {
        0.0
    };
    let state = if p.running {
        "running"
    } else if p.cancelled {
        "cancelled"
    } else {
        "done"
    };
    format!(
        "{state}: {runs} of {} runs in {:.2} s ({rate:.0} runs/s) on {}",
        p.total(),
        p.elapsed_ms / 1000.0,
        p.runner
    )
}

/// The swept knob's title, `Alert wait (minutes)` (its id if the scenario lacks it).
fn swept_title(p: &Progress, scenario: &Scenario) -> Option<String> {
    let k = p.knob.as_ref()?;
    Some(
        scenario
            .knobs
            .iter()
            .find(|x| &x.name == k)
            .map_or_else(|| k.clone(), knob_title),
    )
}

/// The unit of the swept knob `knob`, for the chart's axis.
fn knob_unit<'a>(scenario: &'a Scenario, knob: Option<&str>) -> &'a str {
    knob.and_then(|k| scenario.knobs.iter().find(|x| x.name == k))
        .map_or("", |k| k.unit.label())
}
