//! The inspector's snapshot (a person and every queue and system at the playhead), computed
//! off the main thread when the app's runs are: the run is replayed up to the playhead, which
//! for 10,000 people takes longer than a frame. One worker, kept for the page's life, answers
//! the inspector's requests; while it works, only the latest request waits (playback asks at
//! every step), and the last answer stays on screen until the next one arrives. The last
//! answer is kept: the inspector shown again (the Run tab opened again) shows it at once.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use super::state::RunKey;
use super::worker::Asker;
use crate::api::Snapshot;
use crate::spec::RunSpec;
use crate::work::Reply;

/// A snapshot, or why there is none (empty: nothing to say).
pub type Answer = Rc<Result<Snapshot, String>>;

/// What an inspector's answer is of: the set-up, the moment and the person.
type Question = (RunSpec, u64, Option<u32>);

thread_local! {
    /// The worker answering every inspector (kept between views: opening the Run tab again
    /// does not start and load a new one).
    static INSPECTOR: RefCell<Asker> = RefCell::new(Asker::default());
    /// The id of the latest question asked: only its answer is shown.
    static LATEST: Cell<u64> = const { Cell::new(0) };
    /// The last answer and its question: an inspector shown again shows it at once.
    static LAST: RefCell<Option<(Question, Answer)>> = const { RefCell::new(None) };
}

/// Starts the inspector's worker ahead of its first question (while a run is computed).
pub fn warm_up() {
    INSPECTOR.with_borrow_mut(|a| {
        let _ = a.start();
    });
}

/// The last answer, if it answers `question`.
fn remembered(question: &Question) -> Option<Answer> {
    LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(q, _)| q == question)
            .map(|(_, a)| a.clone())
    })
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
    let answer = {
        let question = (spec.clone(), at_ms, person);
        use_state(move || remembered(&question))
    };
    {
        let answer = answer.clone();
        let deps = (spec.clone(), at_ms, person, off_main);
        use_effect_with(deps, move |(spec, at, person, off)| {
            if !*off {
                return;
            }
            let question = (spec.clone(), *at, *person);
            if let Some(known) = remembered(&question) {
                if !answer.as_ref().is_some_and(|a| Rc::ptr_eq(a, &known)) {
                    answer.set(Some(known));
                }
                return;
            }
            let id = LATEST.get() + 1;
            LATEST.set(id);
            let request = crate::work::inspect_request(spec, id, *at, *person);
            let show = answer.clone();
            let on_reply = move |reply| match reply {
                Reply::Inspected { id, snapshot } if id == LATEST.get() => {
                    let known: Answer = Rc::new(snapshot);
                    LAST.set(Some((question.clone(), known.clone())));
                    show.set(Some(known))
                }
                Reply::Failed { message } => show.set(Some(Rc::new(Err(message)))),
                _ => {}
            };
            if let Err(e) = INSPECTOR.with_borrow_mut(|a| a.ask(request, on_reply)) {
                answer.set(Some(Rc::new(Err(e))));
            }
        });
    }
    if off_main {
        (*answer).clone()
    } else {
        (*here).clone()
    }
}
