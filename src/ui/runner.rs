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

use yew::prelude::*;

use super::state::{Action, App, Dispatch, RunResult};
use super::worker::{Worker, WorkerWasm};
use crate::work::{wire, Bytes, Reply, Request};

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
        let worker = Worker::spawn(WorkerWasm::App, move |sender, reply| match reply {
            Reply::Ready => {
                rdy.set(true);
                if let Some(request) = q.borrow_mut().take() {
                    sender.send(&request);
                }
            }
            Reply::Ran { id, main, compare } => {
                cur.set(None);
                // A User Timing mark: where the worker's part ends and the page's drawing
                // begins (the responsiveness test tells the two apart by it).
                if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                    let _ = p.mark("racelab-run-arrived");
                }
                dispatch.dispatch(Action::Ran(id, read(main), compare.map(read)));
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
            | Reply::Exploring(_)
            | Reply::Inspected { .. } => {}
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

/// A run's bytes read back.
fn read(bytes: Result<Bytes, String>) -> RunResult {
    bytes.and_then(|b| wire::decode(&b)).map(Rc::new)
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
    let (spec, dispatch) = (app.spec.clone(), app.dispatcher());
    use_effect_with(wanted, move |&wanted| {
        let mut r = runner.borrow_mut();
        let Some(id) = wanted else {
            r.cancel(&dispatch);
            return;
        };
        match r.take_idle(&dispatch) {
            Ok(slot) => slot.start(id, crate::work::run_request(&spec, id)),
            // No worker at all: the run is computed on the main thread.
            Err(_) => dispatch.dispatch(Action::OffMain(false)),
        }
        r.keep_spare(&dispatch);
    });
}
