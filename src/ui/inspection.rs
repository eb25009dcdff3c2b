//! The inspector's snapshot (a person and every queue and system at the playhead), computed
//! off the main thread when the app's runs are: the run is replayed up to the playhead, which
//! for 10,000 people takes longer than a frame. One worker, kept for the page's life, answers
//! the inspector's requests; while it works, only the latest request waits (playback asks at
//! every step), and the last answer stays on screen until the next one arrives. The last
//! answer is kept: the inspector shown again (the Run tab opened again) shows it at once.
//! The question the inspector will ask of a run being computed is asked ahead ([`ask_ahead`]),
//! so that the replay is made while the run is computed and read back on the page; the
//! inspector then waits for that answer rather than asking again.

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
pub type Question = (RunSpec, u64, Option<u32>);

thread_local! {
    /// The worker answering every inspector (kept between views: opening the Run tab again
    /// does not start and load a new one).
    static INSPECTOR: RefCell<Asker> = RefCell::new(Asker::default());
    /// The id of the latest question asked: only its answer is shown.
    static LATEST: Cell<u64> = const { Cell::new(0) };
    /// The last answer and its question: an inspector shown again shows it at once.
    static LAST: RefCell<Option<(Question, Answer)>> = const { RefCell::new(None) };
    /// The latest question sent and not answered yet.
    static ASKED: RefCell<Option<Asked>> = const { RefCell::new(None) };
}

/// Where an answer is shown: an inspector's state.
type Show = Rc<dyn Fn(Answer)>;

/// A question on its way to the worker, its id, and where its answer is shown when it comes
/// (nowhere yet when asked ahead of the inspector).
struct Asked {
    question: Question,
    id: u64,
    show: Option<Show>,
}

/// Asks ahead the question an inspector will ask once the run being computed is shown (see
/// [`crate::ui::state::AppState::inspector_question_ahead`]): its answer is remembered, or
/// shown by the inspector that asks it meanwhile.
pub fn ask_ahead(question: Question) {
    let _ = ask(question, None);
}

/// Asks the inspector's worker `question`, unless its answer is known (then shown at once) or
/// on its way (then shown when it comes); `show`, if any, shows the answer.
fn ask(question: Question, show: Option<Show>) -> Result<(), String> {
    if let Some(known) = remembered(&question) {
        if let Some(show) = show {
            show(known);
        }
        return Ok(());
    }
    let on_its_way = ASKED.with_borrow_mut(|asked| match asked {
        Some(a) if a.question == question && a.id == LATEST.get() => {
            if show.is_some() {
                a.show = show.clone();
            }
            true
        }
        _ => false,
    });
    if on_its_way {
        return Ok(());
    }
    let id = LATEST.get() + 1;
    LATEST.set(id);
    let request = crate::work::inspect_request(&question.0, id, question.1, question.2);
    ASKED.set(Some(Asked {
        question: question.clone(),
        id,
        show,
    }));
    let on_reply = move |reply| match reply {
        Reply::Inspected { id, snapshot } if id == LATEST.get() => {
            let known: Answer = Rc::new(snapshot);
            LAST.set(Some((question.clone(), known.clone())));
            let asked =
                ASKED.with_borrow_mut(|a| a.as_ref().is_some_and(|a| a.id == id).then(|| a.take()));
            if let Some(show) = asked.flatten().and_then(|a| a.show) {
                show(known);
            }
        }
        Reply::Failed { message } => {
            let show = ASKED.with_borrow(|a| a.as_ref().and_then(|a| a.show.clone()));
            if let Some(show) = show {
                show(Rc::new(Err(message)));
            }
        }
        _ => {}
    };
    let sent = INSPECTOR.with_borrow_mut(|a| a.ask(request, on_reply));
    if sent.is_err() {
        ASKED.set(None);
    }
    sent
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
            let show: Show = {
                let answer = answer.clone();
                Rc::new(move |known: Answer| {
                    if !answer.as_ref().is_some_and(|a| Rc::ptr_eq(a, &known)) {
                        answer.set(Some(known));
                    }
                })
            };
            if let Err(e) = ask(question, Some(show)) {
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
