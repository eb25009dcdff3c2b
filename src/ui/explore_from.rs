//! "Every ordering from here" in the scheduler, for a fix: tries every ordering after the
//! choices made so far (the explorer's search, in its worker, with those choices forced)
//! and says that none breaks the rule, or offers the one that does.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::parts::{button, para};
use super::state::{Action, Dispatch, RunKey};
use super::worker::{Worker, WorkerWasm};
use crate::api::FromSummary;
use crate::spec::RunSpec;
use crate::work::{explore_from_request, Reply};

/// The most states a search from here works out.
const MAX_STATES: u64 = crate::api::FROM_HERE_MAX_STATES as u64;

#[derive(Properties, PartialEq)]
pub struct FromHereProps {
    /// The run as it stands: set-up, seed and the choices made so far.
    pub spec: RunSpec,
    /// The same run as a key: a result is shown only while the run is still this one.
    pub run_key: RunKey,
    pub dispatch: Dispatch,
}

#[derive(Clone, PartialEq)]
enum Search {
    Idle,
    Running,
    Done(RunKey, FromSummary),
    Failed(RunKey, String),
}

/// The button and its verdict.
#[function_component(FromHere)]
pub fn from_here(props: &FromHereProps) -> Html {
    let search = use_state(|| Search::Idle);
    let worker = use_mut_ref(|| None::<Worker>);
    {
        let worker = worker.clone();
        use_effect_with((), move |_| move || drop(worker.borrow_mut().take()));
    }
    let start = {
        let (spec, key) = (props.spec.clone(), props.run_key.clone());
        let (search, worker) = (search.clone(), worker.clone());
        Callback::from(move |_| {
            let request = explore_from_request(&spec, MAX_STATES);
            let end = end(search.clone(), key.clone(), worker.clone());
            let sent = request.clone();
            match Worker::spawn(WorkerWasm::Explorer, move |sender, reply| match reply {
                Reply::Ready => sender.send(&sent),
                reply => end(reply),
            }) {
                Ok(w) => {
                    *worker.borrow_mut() = Some(w);
                    search.set(Search::Running);
                }
                // No workers here: search on the page's thread if an explorer was handed in.
                Err(e) => match super::explore::main_thread_explorer() {
                    Some(serve) => {
                        self::end(search.clone(), key.clone(), worker.clone())(serve(&request))
                    }
                    None => search.set(Search::Failed(
                        key.clone(),
                        format!("The explorer could not start: {e}"),
                    )),
                },
            }
        })
    };
    let running = *search == Search::Running;
    let body = match &*search {
        Search::Running => html! {
            <p class="hint" id="sched-from-result">{ "Trying every ordering from here…" }</p>
        },
        Search::Done(k, s) if *k == props.run_key => verdict(s, &props.dispatch),
        Search::Failed(k, e) if *k == props.run_key => html! {
            <p class="error" id="sched-from-result">{ e.clone() }</p>
        },
        _ => html! {},
    };
    html! {
        <div class="from-here">
            { button("sched-from", "", "Try every ordering from here", running, start) }
            { body }
        </div>
    }
}

/// Shows a search's reply (and lets its worker go).
fn end(
    search: UseStateHandle<Search>,
    key: RunKey,
    worker: Rc<RefCell<Option<Worker>>>,
) -> impl Fn(Reply) {
    move |reply| {
        search.set(match reply {
            Reply::ExploredFrom(s) => Search::Done(key.clone(), s),
            Reply::Failed { message } => {
                Search::Failed(key.clone(), format!("The search failed: {message}"))
            }
            other => Search::Failed(key.clone(), format!("The search failed: {other:?}")),
        });
        if let Some(w) = worker.borrow_mut().take() {
            gloo_timers::callback::Timeout::new(0, move || drop(w)).forget();
        }
    }
}

fn verdict(s: &FromSummary, dispatch: &Dispatch) -> Html {
    let class = match (&s.breaking, s.cut) {
        (Some(_), _) => "bad",
        (None, false) => "good",
        (None, true) => "error",
    };
    let show = s.breaking.clone().map(|schedule| {
        let dispatch = dispatch.clone();
        let onclick = Callback::from(move |_| {
            dispatch.dispatch(Action::SetSchedule(schedule.clone()));
            dispatch.dispatch(Action::SelectViolation(0));
        });
        button(
            "sched-from-show",
            "",
            "Show the ordering that breaks it",
            false,
            onclick,
        )
    });
    html! {
        <div id="sched-from-result" data-orderings={s.orderings.to_string()}
            data-breaks={s.breaking.is_some().to_string()} data-cut={s.cut.to_string()}>
            { para(class, s.message()) }
            { for show }
        </div>
    }
}
