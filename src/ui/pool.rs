//! A pool of sweep workers ([`super::worker`], each running the app's own wasm) working through
//! a queue of requests, so a sweep uses every core the browser offers while the page stays
//! responsive. Dropping the pool terminates its workers (that is how a sweep is cancelled).
//!
//! Starting a worker (loading and compiling the wasm) costs more than a small sweep's runs, so
//! workers are kept warm: the Sweep tab starts them when it opens ([`warm_up`]), a finished
//! sweep hands its workers back ([`Pool::retire`]) and the next sweep takes them; leaving the
//! tab lets them go ([`cool_down`]).

use std::cell::RefCell;
use std::rc::Rc;

use super::worker::{Worker, WorkerWasm};
use crate::work::{Counts, Reply, Request};

/// One request and the sweep point it belongs to.
pub struct Unit {
    pub point: usize,
    pub request: Request,
}

/// Called with each answered unit's point and counts, or with an error (point `None`: a
/// worker failed outside any unit, e.g. its wasm could not be loaded).
pub type OnResult = Rc<dyn Fn(Option<usize>, Result<Counts, String>)>;

pub struct Pool {
    workers: Vec<Worker>,
}

thread_local! {
    /// Started sweep workers with no sweep to work on (ready, or loading their wasm).
    static IDLE: RefCell<Vec<Worker>> = const { RefCell::new(Vec::new()) };
}

/// Starts idle workers until `n` are waiting for a sweep (where workers can start at all).
pub fn warm_up(n: u32) {
    IDLE.with_borrow_mut(|idle| {
        while idle.len() < n as usize {
            match Worker::spawn(WorkerWasm::App, |_, _| {}) {
                Ok(w) => idle.push(w),
                Err(_) => break,
            }
        }
    });
}

/// Lets every idle worker go.
pub fn cool_down() {
    let idle = IDLE.with_borrow_mut(std::mem::take);
    drop(idle);
}

/// How many idle workers are waiting (for tests).
pub fn idle() -> usize {
    IDLE.with_borrow(Vec::len)
}

impl Pool {
    /// Starts `n` workers working through `units` (idle warm ones first, then new ones), or
    /// says why workers cannot run here (the caller then sweeps on the main thread).
    pub fn start(n: u32, units: Vec<Unit>, on_result: OnResult) -> Result<Pool, String> {
        let queue = Rc::new(RefCell::new(units.into_iter().rev().collect::<Vec<_>>()));
        let n = n.max(1) as usize;
        let mut workers: Vec<Worker> = IDLE.with_borrow_mut(|idle| {
            let keep = idle.len().saturating_sub(n);
            idle.split_off(keep)
        });
        while workers.len() < n {
            workers.push(Worker::spawn(WorkerWasm::App, |_, _| {})?);
        }
        for w in &workers {
            let (queue, on_result) = (queue.clone(), on_result.clone());
            // The point of the unit this worker is on.
            let mut current = None::<usize>;
            w.hand_to(move |sender, reply| {
                match reply {
                    Reply::Ready => {}
                    Reply::Swept(counts) => on_result(current.take(), Ok(counts)),
                    // A failure outside any unit is the worker's own (its wasm could not be
                    // loaded): it gets no more work.
                    Reply::Failed { message } if current.is_none() => {
                        return on_result(None, Err(message));
                    }
                    Reply::Failed { message } => on_result(current.take(), Err(message)),
                    Reply::Explored(_)
                    | Reply::ExploredFrom(_)
                    | Reply::Exploring(_)
                    | Reply::Ran { .. }
                    | Reply::Inspected { .. }
                    | Reply::Told { .. } => on_result(
                        current.take(),
                        Err("a sweep worker answered something else".into()),
                    ),
                }
                if let Some(unit) = queue.borrow_mut().pop() {
                    current = Some(unit.point);
                    sender.send(&unit.request);
                }
            });
        }
        Ok(Pool { workers })
    }

    /// Hands the workers of a finished sweep (all idle now) back for the next sweep.
    pub fn retire(self) {
        let mut workers = self.workers;
        for w in &workers {
            w.hand_to(|_, _| {});
        }
        IDLE.with_borrow_mut(|idle| idle.append(&mut workers));
    }
}
