//! The inspector's snapshot (a person and every queue and system at the playhead), computed
//! off the main thread when the app's runs are: the run is replayed up to the playhead, which
//! for 10,000 people takes longer than a frame. One worker answers the inspector's requests;
//! while it works, only the latest request waits (playback asks at every step), and the last
//! answer stays on screen until the next one arrives.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use super::state::RunKey;
use super::worker::{Worker, WorkerWasm};
use crate::api::Snapshot;
use crate::spec::RunSpec;
use crate::work::{Reply, Request};

/// A snapshot, or why there is none (empty: nothing to say).
pub type Answer = Rc<Result<Snapshot, String>>;

/// The inspector's worker: the request it is on, and the latest one waiting.
#[derive(Default)]
struct Asker {
    worker: Option<Worker>,
    ready: Rc<Cell<bool>>,
    busy: Rc<Cell<bool>>,
    waiting: Rc<RefCell<Option<Request>>>,
    /// The id of the latest request: only its answer is shown.
    latest: Rc<Cell<u64>>,
}

impl Asker {
    fn ask(&mut self, request: Request, answer: &UseStateHandle<Option<Answer>>) {
        if self.worker.is_none() {
            let (ready, busy) = (self.ready.clone(), self.busy.clone());
            let (waiting, latest, show) =
                (self.waiting.clone(), self.latest.clone(), answer.clone());
            let spawned = Worker::spawn(WorkerWasm::App, move |sender, reply| {
                match reply {
                    Reply::Inspected { id, snapshot } if id == latest.get() => {
                        show.set(Some(Rc::new(snapshot)))
                    }
                    Reply::Failed { message } => show.set(Some(Rc::new(Err(message)))),
                    _ => {}
                }
                ready.set(true);
                busy.set(false);
                if let Some(next) = waiting.borrow_mut().take() {
                    busy.set(true);
                    sender.send(&next);
                }
            });
            match spawned {
                Ok(w) => self.worker = Some(w),
                Err(e) => return answer.set(Some(Rc::new(Err(e)))),
            }
        }
        if let Request::Inspect { id, .. } = &request {
            self.latest.set(*id);
        }
        match &self.worker {
            Some(w) if self.ready.get() && !self.busy.get() => {
                self.busy.set(true);
                w.send(&request);
            }
            _ => *self.waiting.borrow_mut() = Some(request),
        }
    }
}

/// The snapshot of the run `key` describes (`spec` is the same set-up, to send to a worker) at
/// `at_ms` for `person`: computed here, or by a worker when `off_main` (then `None` until the
/// first answer, and the previous answer until the next).
#[hook]
pub fn use_snapshot(
    key: &RunKey,
    spec: &RunSpec,
    at_ms: u64,
    person: Option<u32>,
    off_main: bool,
) -> Option<Answer> {
    let here = use_memo((key.clone(), at_ms, person, off_main), |(k, t, p, off)| {
        if *off {
            return None;
        }
        let s = k.scenario.as_ref()?;
        Some(Rc::new(crate::api::inspect_at(
            s,
            &k.config(),
            k.seed,
            &k.schedule,
            *t,
            *p,
        )))
    });
    let answer = use_state(|| None::<Answer>);
    let asker = use_mut_ref(Asker::default);
    let next_id = use_mut_ref(|| 0u64);
    {
        let answer = answer.clone();
        let deps = (spec.clone(), at_ms, person, off_main);
        use_effect_with(deps, move |(spec, at, person, off)| {
            if *off {
                let mut id = next_id.borrow_mut();
                *id += 1;
                let request = crate::work::inspect_request(spec, *id, *at, *person);
                asker.borrow_mut().ask(request, &answer);
            }
        });
    }
    if off_main {
        (*answer).clone()
    } else {
        (*here).clone()
    }
}
