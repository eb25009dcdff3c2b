//! Computes the app's runs off the main thread: the reducer asks for a run by giving it an id
//! ([`AppState::computing`]); [`use_runner`] sends the set-up to a background worker
//! ([`super::worker`], the app's own wasm answering [`crate::work::Request::Run`]) and
//! dispatches its answer as [`Action::Ran`]. A new request while a run is in flight, or
//! Cancel, terminates that worker and hands the work to a spare one that has already loaded
//! its wasm, so a small run is on screen as fast as when it ran on the page. Workers that
//! cannot start send the app back to computing runs on the main thread.
//!
//! [`AppState::computing`]: super::state::AppState::computing

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use super::state::{Action, App, Dispatch, RunResult};
use super::worker::{JsBytes, JsRan, Worker};
use crate::work::wire::{self, Source};
use crate::work::{Bytes, Reply, Request};

/// Whether this page can start workers (the app was loaded from its files, not in a test).
pub fn available() -> bool {
    super::web::app_files().is_some()
}

/// One worker and what it is doing.
struct Slot {
    worker: Worker,
    /// The request to send once the worker has loaded its wasm.
    queued: Rc<RefCell<Option<Request>>>,
    /// The run it is computing (or will compute, once ready), if any.
    current: Rc<Cell<Option<u64>>>,
    ready: Rc<Cell<bool>>,
    /// The worker stopped (its wasm trapped, e.g. out of memory): it takes no more work.
    dead: Rc<Cell<bool>>,
}

impl Slot {
    fn spawn(dispatch: Dispatch) -> Result<Slot, String> {
        let queued = Rc::new(RefCell::new(None::<Request>));
        let current = Rc::new(Cell::new(None::<u64>));
        let ready = Rc::new(Cell::new(false));
        let dead = Rc::new(Cell::new(false));
        let (q, cur, rdy, gone) = (queued.clone(), current.clone(), ready.clone(), dead.clone());
        let on_ran = {
            let (cur, dispatch) = (current.clone(), dispatch.clone());
            move |ran: JsRan| {
                cur.set(None);
                arrived();
                let source = |r: Result<JsBytes, String>| r.map(|b| Box::new(b) as Box<dyn Source>);
                Arrival::read(
                    ran.id,
                    source(ran.main),
                    ran.compare.map(source),
                    dispatch.clone(),
                );
            }
        };
        let worker = Worker::spawn_for_runs(on_ran, move |sender, reply| match reply {
            Reply::Ready => {
                rdy.set(true);
                if let Some(request) = q.borrow_mut().take() {
                    sender.send(&request);
                }
            }
            Reply::Ran { id, main, compare } => {
                cur.set(None);
                arrived();
                let source = |r: Result<Bytes, String>| r.map(|b| Box::new(b) as Box<dyn Source>);
                Arrival::read(id, source(main), compare.map(source), dispatch.clone());
            }
            // A worker that could not load its wasm: runs go back to the main thread.
            Reply::Failed { .. } if !rdy.get() => dispatch.dispatch(Action::OffMain(false)),
            Reply::Failed { message } => {
                gone.set(true);
                if let Some(id) = cur.take() {
                    dispatch.dispatch(Action::Ran(id, Err(stopped(&message)), None));
                }
            }
            Reply::Swept(_)
            | Reply::Explored(_)
            | Reply::ExploredFrom(_)
            | Reply::Exploring(_)
            | Reply::Inspected { .. }
            | Reply::Told { .. } => {}
        })?;
        Ok(Slot {
            worker,
            queued,
            current,
            ready,
            dead,
        })
    }

    /// Computing a run, or stopped: not a worker for the next run.
    fn busy(&self) -> bool {
        self.current.get().is_some() || self.dead.get()
    }

    /// Computes run `id` as `request` asks, now or once the worker is ready.
    fn start(&self, id: u64, request: Request) {
        self.current.set(Some(id));
        if self.ready.get() {
            self.worker.send(&request);
        } else {
            *self.queued.borrow_mut() = Some(request);
        }
    }
}

/// A User Timing mark: where the worker's part ends and the page's part (reading and drawing
/// the run) begins (the responsiveness test tells the two apart by it).
fn arrived() {
    mark("racelab-run-arrived");
}

/// A User Timing mark named `name` (the end-to-end tests read where the page's time goes:
/// "racelab-run-read" once the run's bytes are read, "racelab-run-indexed" once the
/// timeline's lane index is made).
fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Milliseconds of reading a run's bytes in one task before the page gets a turn: under the
/// 50 ms of a "long task", and few enough turns that the browser's 4 ms wait between timers
/// nested five deep or more costs little (a 10,000-person run is read in a few turns).
const READ_SLICE_MS: f64 = 40.0;

/// A run's bytes being read back: a part at a time (see [`wire::Reader`]), or read.
enum Part {
    Reading(Box<wire::Reader<'static>>),
    Read(RunResult),
}

/// Where a run's bytes are read from.
type RunBytes = Box<dyn Source>;

impl Part {
    fn new(bytes: Result<RunBytes, String>) -> Part {
        match bytes.and_then(wire::Reader::new) {
            Ok(reader) => Part::Reading(Box::new(reader)),
            Err(e) => Part::Read(Err(e)),
        }
    }

    /// Reads one more part; true once the run is read (or found unreadable).
    fn step(&mut self) -> bool {
        let Part::Reading(reader) = self else {
            return true;
        };
        match reader.step() {
            Ok(false) => return false,
            Ok(true) => {}
            Err(e) => {
                *self = Part::Read(Err(e));
                return true;
            }
        }
        if let Part::Reading(reader) = std::mem::replace(self, Part::Read(Err(String::new()))) {
            *self = Part::Read(reader.finish().map(Rc::new));
        }
        true
    }

    fn result(self) -> RunResult {
        match self {
            Part::Read(r) => r,
            Part::Reading(_) => Err("the run was not read to its end".into()),
        }
    }
}

/// The runs of one answer, read back over several tasks so that no task of the page's is
/// long: [`READ_SLICE_MS`] of reading at a time, then the page's other work; once read, the
/// runs are dispatched as [`Action::Ran`] in a task of their own (drawing them is its work).
struct Arrival {
    id: u64,
    main: Part,
    compare: Option<Part>,
    dispatch: Dispatch,
}

impl Arrival {
    fn read(
        id: u64,
        main: Result<RunBytes, String>,
        compare: Option<Result<RunBytes, String>>,
        dispatch: Dispatch,
    ) {
        let later = move || {
            let arrival = Arrival {
                id,
                main: Part::new(main),
                compare: compare.map(Part::new),
                dispatch,
            };
            arrival.go_on();
        };
        Timeout::new(0, later).forget();
    }

    /// Reads for a slice of time, then goes on in a later task (or, once read, shows the runs
    /// in a later task).
    fn go_on(mut self) {
        let start = now_ms();
        loop {
            let done = self.main.step() && self.compare.as_mut().is_none_or(Part::step);
            if done {
                let Arrival {
                    id,
                    main,
                    compare,
                    dispatch,
                } = self;
                let (main, compare) = (main.result(), compare.map(Part::result));
                mark("racelab-run-read");
                // The timeline's lane index in a task of its own, then the runs shown in another.
                Timeout::new(0, move || {
                    if let Ok(run) = &main {
                        super::timeline::prepare(run);
                    }
                    mark("racelab-run-indexed");
                    Timeout::new(0, move || dispatch.dispatch(Action::Ran(id, main, compare)))
                        .forget();
                })
                .forget();
                return;
            }
            if now_ms() - start > READ_SLICE_MS {
                Timeout::new(0, move || self.go_on()).forget();
                return;
            }
        }
    }
}

/// Lets go of a run no longer shown, in later tasks: a big run is freed a slice of its rows
/// and people at a time (it is freed once nothing else holds it; a few tries, then as is).
pub fn let_go(run: RunResult) {
    if let Ok(run) = run {
        free(run, 20);
    }
}

/// Rows or people freed in one task.
const FREE_PER_TASK: usize = 10_000;

fn free(run: Rc<crate::api::RunView>, tries: u32) {
    match Rc::try_unwrap(run) {
        Ok(mut view) => {
            let rows = std::mem::take(&mut view.rows);
            let people = Rc::get_mut(&mut view.outcomes).map(|o| std::mem::take(&mut o.people));
            Timeout::new(0, move || {
                drop(view);
                free_slices(rows);
                free_slices(people.unwrap_or_default());
            })
            .forget();
        }
        Err(run) if tries > 0 => {
            Timeout::new(100, move || free(run, tries - 1)).forget();
        }
        Err(run) => drop(run),
    }
}

fn free_slices<T: 'static>(mut items: Vec<T>) {
    items.truncate(items.len().saturating_sub(FREE_PER_TASK));
    if !items.is_empty() {
        Timeout::new(0, move || free_slices(items)).forget();
    }
}

/// The page's clock, in milliseconds.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// What a run that failed in its worker says.
fn stopped(message: &str) -> String {
    format!(
        "The run could not be computed ({message}). If the set-up is very large, lower a knob \
         such as the number of people."
    )
}

/// The worker computing runs, and a spare one already loaded.
#[derive(Default)]
struct Runner {
    slot: Option<Slot>,
    spare: Option<Slot>,
}

impl Runner {
    /// A loaded worker for the next run: the current one if idle, else the spare one (the busy
    /// one is terminated), else a new one.
    fn take_idle(&mut self, dispatch: &Dispatch) -> Result<&Slot, String> {
        if self.slot.as_ref().is_some_and(Slot::busy) {
            self.slot = None;
        }
        if self.slot.is_none() {
            self.slot = match self.spare.take() {
                Some(s) => Some(s),
                None => Some(Slot::spawn(dispatch.clone())?),
            };
        }
        Ok(self.slot.as_ref().expect("a worker was just put in place"))
    }

    /// Starts a spare worker if there is none, so that the next run after a cancelled one
    /// does not wait for a worker to load.
    fn keep_spare(&mut self, dispatch: &Dispatch) {
        if self.spare.is_none() {
            self.spare = Slot::spawn(dispatch.clone()).ok();
        }
    }

    /// Stops the run in flight, if any.
    fn cancel(&mut self, dispatch: &Dispatch) {
        if self.slot.as_ref().is_some_and(Slot::busy) {
            self.slot = None;
            self.keep_spare(dispatch);
        }
    }
}

/// Has the runs the app asks for ([`AppState::computing`]) computed by a worker, when the app
/// computes them off the main thread.
///
/// [`AppState::computing`]: super::state::AppState::computing
#[hook]
pub fn use_runner(app: &App) {
    let runner = use_mut_ref(Runner::default);
    // A worker loads while the page starts, so that the first run does not wait for it.
    {
        let (runner, dispatch, off_main) = (runner.clone(), app.dispatcher(), app.off_main);
        use_effect_with(off_main, move |&on| {
            if on {
                let mut r = runner.borrow_mut();
                if r.slot.is_none() {
                    r.slot = Slot::spawn(dispatch.clone()).ok();
                }
            }
        });
    }
    let wanted = app.computing.filter(|_| app.off_main);
    let (request, dispatch) = (wanted.map(|id| app.run_request(id)), app.dispatcher());
    let ahead = wanted.and_then(|_| app.inspector_question_ahead());
    use_effect_with(wanted, move |&wanted| {
        let mut r = runner.borrow_mut();
        let Some(id) = wanted else {
            r.cancel(&dispatch);
            return;
        };
        // The inspector's worker loads while the run is computed, and replays it up to the
        // playhead then too when what the inspector will ask is known.
        super::inspection::warm_up();
        if let Some(question) = ahead {
            super::inspection::ask_ahead(question);
        }
        match r.take_idle(&dispatch) {
            Ok(slot) => slot.start(id, request.expect("a request for the run wanted")),
            // No worker at all: the run is computed on the main thread.
            Err(_) => dispatch.dispatch(Action::OffMain(false)),
        }
        r.keep_spare(&dispatch);
    });
}
