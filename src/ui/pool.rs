//! A pool of sweep workers ([`super::worker`], each running the app's own wasm) working through
//! a queue of requests, so a sweep uses every core the browser offers while the page stays
//! responsive. Dropping the pool terminates its workers (that is how a sweep is cancelled).

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
    _workers: Vec<Worker>,
}

impl Pool {
    /// Starts `n` workers working through `units`, or says why workers cannot run here (the
    /// caller then sweeps on the main thread).
    pub fn start(n: u32, units: Vec<Unit>, on_result: OnResult) -> Result<Pool, String> {
        let queue = Rc::new(RefCell::new(units.into_iter().rev().collect::<Vec<_>>()));
        let mut workers = Vec::new();
        for _ in 0..n.max(1) {
            let (queue, on_result) = (queue.clone(), on_result.clone());
            // The point of the unit this worker is on.
            let mut current = None::<usize>;
            workers.push(Worker::spawn(WorkerWasm::App, move |sender, reply| {
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
            })?);
        }
        Ok(Pool { _workers: workers })
    }
}
