//! Getting a story told: [`crate::api::story`] runs the scenario again, which for a big run
//! takes longer than a frame. A run of at most [`TELL_HERE_UP_TO`] trace events (every
//! built-in scenario at its defaults) has its story told right on the page; a bigger one asks
//! a worker ([`crate::work::story_request`], one [`Asker`] as the inspector's replay does),
//! and the view says it is being told meanwhile. Stories are kept by (run, whose story), so
//! opening one again, or going back to one, costs nothing.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use yew::prelude::*;

use super::super::state::RunKey;
use super::super::worker::Asker;
use crate::api::{Story, StoryOf};
use crate::spec::RunSpec;
use crate::work::Reply;

/// A story, or why it could not be told.
pub type Told = Rc<Result<Story, String>>;

/// Runs with at most this many trace events tell their stories on the page's thread.
pub const TELL_HERE_UP_TO: usize = 5_000;

/// Stories kept.
const KEEP: usize = 12;

/// Whose story, of which run.
type Key = (RunKey, StoryOf);

thread_local! {
    static KEPT: RefCell<VecDeque<(Key, Told)>> = const { RefCell::new(VecDeque::new()) };
}

/// The story kept for `key`, if any.
fn kept(key: &Key) -> Option<Told> {
    KEPT.with_borrow(|k| k.iter().find(|(x, _)| x == key).map(|(_, t)| t.clone()))
}

/// Keeps `told` for `key` (the oldest story kept goes when there are too many).
fn keep(key: Key, told: Told) {
    KEPT.with_borrow_mut(|k| {
        k.retain(|(x, _)| *x != key);
        k.push_back((key, told));
        while k.len() > KEEP {
            k.pop_front();
        }
    });
}

/// The story of `of` in the run `key` describes, told here.
fn tell(key: &RunKey, of: StoryOf) -> Result<Story, String> {
    let scenario = key.scenario.as_ref().ok_or("no scenario is open")?;
    crate::api::story(scenario, &key.config(), key.seed, &key.schedule, of)
}

/// The story `of` of the run `key` describes (`spec`: the same set-up, for a worker; `events`:
/// the run's trace events): told here when the run is small or there are no workers
/// (`off_main` false), else by a worker, `None` until its answer arrives.
#[hook]
pub fn use_story(
    key: &RunKey,
    spec: &RunSpec,
    of: StoryOf,
    events: usize,
    off_main: bool,
) -> Option<Told> {
    let here = !off_main || events <= TELL_HERE_UP_TO;
    let wanted: Key = (key.clone(), of);
    let at_hand = use_memo((wanted.clone(), here), |(wanted, here)| {
        kept(wanted).or_else(|| {
            here.then(|| {
                let told = Rc::new(tell(&wanted.0, wanted.1));
                keep(wanted.clone(), told.clone());
                told
            })
        })
    });
    // A worker's answer, with whose story it is.
    let answer = use_state(|| None::<(Key, Told)>);
    let asker = use_mut_ref(Asker::default);
    // The latest request's id and whose story it asks for: only its answer is kept.
    let latest = use_memo((), |_| (Cell::new(0u64), RefCell::new(None::<Key>)));
    {
        let ask = at_hand.is_none().then(|| spec.clone());
        let (answer, wanted) = (answer.clone(), wanted.clone());
        use_effect_with((ask, of), move |(ask, of)| {
            let Some(spec) = ask else { return };
            let id = latest.0.get() + 1;
            latest.0.set(id);
            *latest.1.borrow_mut() = Some(wanted.clone());
            let request = crate::work::story_request(spec, id, *of);
            let show = answer.clone();
            let asked = asker.borrow_mut().ask(request, move |reply| {
                let told = match reply {
                    Reply::Told { id, story } if id == latest.0.get() => story,
                    Reply::Failed { message } => Err(message),
                    _ => return,
                };
                if let Some(key) = latest.1.borrow().clone() {
                    let told = Rc::new(told);
                    if told.is_ok() {
                        keep(key.clone(), told.clone());
                    }
                    show.set(Some((key, told)));
                }
            });
            // No worker could start: the story is told here after all.
            if asked.is_err() {
                let told = Rc::new(tell(&wanted.0, wanted.1));
                keep(wanted.clone(), told.clone());
                answer.set(Some((wanted, told)));
            }
        });
    }
    (*at_hand).clone().or_else(|| {
        answer
            .as_ref()
            .filter(|(k, _)| *k == wanted)
            .map(|(_, t)| t.clone())
    })
}
