//! The inspector's snapshot (a person and every queue and system at the playhead), computed
//! off the main thread when the app's runs are: the run is replayed up to the playhead, which
//! for 10,000 people takes longer than a frame. One worker answers the inspector's requests;
//! while it works, only the latest request waits (playback asks at every step), and the last
//! answer stays on screen until the next one arrives.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use super::state::RunKey;
use super::worker::Asker;
use crate::api::Snapshot;
use crate::spec::RunSpec;
use crate::work::Reply;

/// A snapshot, or why there is none (empty: nothing to say).
pub type Answer = Rc<Result<Snapshot, String>>;

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
    // The id of the latest request: only its answer is shown.
    let latest = use_memo((), |_| Cell::new(0u64));
    {
        let answer = answer.clone();
        let deps = (spec.clone(), at_ms, person, off_main);
        use_effect_with(deps, move |(spec, at, person, off)| {
            if *off {
                let id = latest.get() + 1;
                latest.set(id);
                let request = crate::work::inspect_request(spec, id, *at, *person);
                let latest = latest.clone();
                let show = answer.clone();
                let asked = asker.borrow_mut().ask(request, move |reply| match reply {
                    Reply::Inspected { id, snapshot } if id == latest.get() => {
                        show.set(Some(Rc::new(snapshot)))
                    }
                    Reply::Failed { message } => show.set(Some(Rc::new(Err(message)))),
                    _ => {}
                });
                if let Err(e) = asked {
                    answer.set(Some(Rc::new(Err(e))));
                }
            }
        });
    }
    if off_main {
        (*answer).clone()
    } else {
        (*here).clone()
    }
}
