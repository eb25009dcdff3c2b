//! Background work for the app's Web Workers, as typed messages: a [`Request`] goes to a
//! worker, a [`Reply`] comes back. On the web both cross the worker boundary as JavaScript
//! objects ([`js`], with `serde-wasm-bindgen`); natively they are plain values, so
//! [`serve_sweep`] and [`serve_explore`], what a worker runs, are tested without a browser.
//!
//! The app's main and compare runs are computed the same way ([`serve_run`]): a worker sends
//! back each [`crate::api::RunView`] as bytes ([`wire`]), cheap to copy across the boundary
//! and to read back on the page.
//!
//! A request is self-contained: it carries the set-up as saved work ([`crate::saved::work_body`]:
//! a link code, then the scenario's JSON text, so a scenario too large for a link runs too)
//! with a built-in scenario's JSON text in it (as a custom scenario; the run is the same), because
//! the web app fetches built-in scenarios and a worker's wasm has none at hand (see
//! [`crate::scenarios`]).

use std::borrow::Borrow;
use std::cell::RefCell;
use std::rc::Rc;
use std::thread::LocalKey;

use serde::{Deserialize, Serialize};

use crate::api::{ExploreSummary, FromSummary, RunConfig, Scenario, Snapshot, Story, StoryOf};
use crate::spec::{RunSpec, ScenarioSource};

mod explore;
mod run;
mod story;
pub mod wire;
pub use explore::{serve_explore, serve_explore_watched};
pub use run::serve_run;
pub use story::{serve_story, story_request};
pub use wire::Bytes;

/// Most runs one sweep request may ask for (a worker answers each request in well under a
/// second).
pub const MAX_RUNS_PER_REQUEST: u64 = 100_000;
/// Most states an exploration request may ask for.
pub const MAX_EXPLORE_STATES: u64 = 5_000_000;
/// Most decisions an exploration request may follow on one schedule.
pub const MAX_EXPLORE_DECISIONS: u64 = 100_000;

/// Work for a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// Runs seeds `first_seed .. first_seed + runs` (answered by [`serve_sweep`]).
    Sweep {
        first_seed: u64,
        runs: u64,
        /// The set-up: scenario (with its text), variant, knobs, injections.
        code: Rc<str>,
    },
    /// Explores every ordering within the bounds (answered by [`serve_explore`]).
    Explore {
        max_decisions: u64,
        max_states: u64,
        code: Rc<str>,
    },
    /// Tries every ordering after the set-up's schedule (the scheduler's choices so far),
    /// within the bound (answered by [`serve_explore`]).
    ExploreFrom { max_states: u64, code: Rc<str> },
    /// Runs the set-up's main variant and the variant it is compared with, if any (answered
    /// by [`serve_run`]); `id` comes back with the answer. With `lesson`, the main run is made
    /// for a lesson on that violation (0-based: its conflicting steps are found, see
    /// [`crate::api::lesson_view`]).
    Run {
        id: u64,
        code: Rc<str>,
        #[serde(default)]
        lesson: Option<u32>,
    },
    /// The inspector at `at_ms` of the set-up's main run, for `person` (answered by
    /// [`serve_inspect`]); `id` comes back with the answer.
    Inspect {
        id: u64,
        code: Rc<str>,
        at_ms: u64,
        person: Option<u32>,
    },
    /// The story of a violation or a person of the set-up's main run (answered by
    /// [`story::serve_story`]); `id` comes back with the answer.
    Story { id: u64, code: Rc<str>, of: StoryOf },
}

/// A worker's message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reply {
    /// The worker has loaded its wasm and takes requests (sent once, by the worker's script).
    Ready,
    /// The answer to a [`Request::Sweep`].
    Swept(Counts),
    /// How far a [`Request::Explore`] has got (sent while it searches, before its answer).
    Exploring(Exploring),
    /// The answer to a [`Request::Explore`].
    Explored(ExploreSummary),
    /// The answer to a [`Request::ExploreFrom`].
    ExploredFrom(FromSummary),
    /// The answer to a [`Request::Run`]: each run as [`wire`] bytes, or why it could not run.
    Ran {
        id: u64,
        main: Result<Bytes, String>,
        compare: Option<Result<Bytes, String>>,
    },
    /// The answer to a [`Request::Inspect`].
    Inspected {
        id: u64,
        snapshot: Result<Snapshot, String>,
    },
    /// The answer to a [`Request::Story`].
    Told {
        id: u64,
        story: Result<Story, String>,
    },
    /// The request (or the worker itself) failed, and why.
    Failed { message: String },
}

impl Reply {
    pub fn failed(message: impl Into<String>) -> Reply {
        Reply::Failed {
            message: message.into(),
        }
    }
}

/// What a unit of sweep work found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub runs: u64,
    pub violating: u64,
    pub events: u64,
    /// Leads over the runs, and those a violation touched (the per-lead rate).
    pub leads: u64,
    pub affected_leads: u64,
}

/// How far an exploration has got: what the explorer's worker posts every so often while it
/// searches (the Explore tab shows the states and states per second as they rise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Exploring {
    /// Distinct states so far.
    pub states: u64,
    /// Orderings run to the end so far, and how many of their end states violate.
    pub schedules: u64,
    pub violating: u64,
    /// Decisions on the ordering being explored now.
    pub depth: u64,
}

/// The request for `runs` seeds from `first_seed` of the run `spec` describes.
pub fn sweep_request(spec: &RunSpec, first_seed: u64, runs: u64) -> Request {
    Request::Sweep {
        first_seed,
        runs,
        code: work_code(spec),
    }
}

/// The request to explore every ordering of `spec`'s run within the bounds.
pub fn explore_request(spec: &RunSpec, max_decisions: u64, max_states: u64) -> Request {
    Request::Explore {
        max_decisions,
        max_states,
        code: work_code(spec),
    }
}

/// The request to try every ordering of `spec`'s run after its schedule.
pub fn explore_from_request(spec: &RunSpec, max_states: u64) -> Request {
    Request::ExploreFrom {
        max_states,
        code: work_code(spec),
    }
}

/// The request to compute the runs of `spec` (its main variant, and its compare variant if
/// any), answered with `id`; `lesson`: the violation a lesson teaches, if any.
pub fn run_request(spec: &RunSpec, id: u64, lesson: Option<usize>) -> Request {
    Request::Run {
        id,
        code: work_code(spec),
        lesson: lesson.map(|v| v as u32),
    }
}

/// The request for the inspector at `at_ms` of `spec`'s main run, for `person`.
pub fn inspect_request(spec: &RunSpec, id: u64, at_ms: u64, person: Option<u32>) -> Request {
    Request::Inspect {
        id,
        code: work_code(spec),
        at_ms,
        person,
    }
}

thread_local! {
    /// The set-up [`work_code`] encoded last, and its code: a sweep asks for many requests of
    /// one set-up, and compressing a scenario's text takes milliseconds.
    static LAST_CODE: LastOne<RunSpec, Rc<str>> = const { RefCell::new(None) };
    /// The last link code [`resolve_code`] read, and what it gave: a sweep sends the same code
    /// (scenario text included) with every unit of a point, so a worker reads it once.
    static LAST_RESOLVED: LastOne<String, Resolved> = const { RefCell::new(None) };
    /// The model the last sweep code compiled to: a sweep's units all carry the same code, so
    /// a worker compiles it once per sweep.
    static LAST_MODEL: LastOne<String, Result<Rc<crate::engine::Model>, String>> =
        const { RefCell::new(None) };
}

/// A one-entry memo: the last key asked about and its value.
type LastOne<K, V> = RefCell<Option<(K, V)>>;

/// What `compute` gives for `key`, remembered in `last` for the next call with the same key
/// (one entry: a sweep asks about one set-up many times in a row).
fn remembered<Q, V>(
    last: &'static LocalKey<LastOne<Q::Owned, V>>,
    key: &Q,
    compute: impl FnOnce() -> V,
) -> V
where
    Q: ToOwned + PartialEq + ?Sized,
    V: Clone,
{
    let hit = last.with_borrow(|l| {
        l.as_ref()
            .filter(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v.clone())
    });
    hit.unwrap_or_else(|| {
        let value = compute();
        last.set(Some((key.to_owned(), value.clone())));
        value
    })
}

/// The link code of `spec` with its scenario's text in it.
fn work_code(spec: &RunSpec) -> Rc<str> {
    remembered(&LAST_CODE, spec, || {
        let with_text = match &spec.scenario {
            ScenarioSource::Builtin(id) => crate::scenarios::source(id).map(|text| RunSpec {
                scenario: ScenarioSource::Custom(text.to_string()),
                ..spec.clone()
            }),
            ScenarioSource::Custom(_) => None,
        };
        crate::saved::work_body(with_text.as_ref().unwrap_or(spec)).into()
    })
}

/// A link code's scenario and run configuration, or why it has none.
type Resolved = Result<(Scenario, RunConfig), String>;

/// The scenario and run configuration a link code describes (remembered for a repeated code).
fn resolve_code(code: &str) -> Resolved {
    remembered(&LAST_RESOLVED, code, || {
        let spec = crate::saved::work_spec(code)?;
        spec.resolve()
    })
}

/// Answers an inspect request as [`crate::api::inspect_at`] does. Never panics on any input.
pub fn serve_inspect(id: u64, code: &str, at_ms: u64, person: Option<u32>) -> Reply {
    let snapshot = resolve_code(code).and_then(|(scenario, config)| {
        let spec = crate::saved::work_spec(code)?;
        crate::api::inspect_at(&scenario, &config, spec.seed, &spec.schedule, at_ms, person)
    });
    Reply::Inspected { id, snapshot }
}

/// Answers a sweep, run, inspect or story request (an explore request is refused: the app's own wasm, which sweep
/// workers run, leaves the search out). Never panics on any input.
pub fn serve_sweep(request: &Request) -> Reply {
    let (first_seed, runs, code) = match request {
        Request::Sweep {
            first_seed,
            runs,
            code,
        } => (first_seed, runs, code),
        Request::Run { id, code, lesson } => return serve_run(*id, code, *lesson),
        Request::Inspect {
            id,
            code,
            at_ms,
            person,
        } => return serve_inspect(*id, code, *at_ms, *person),
        Request::Story { id, code, of } => return serve_story(*id, code, *of),
        Request::Explore { .. } | Request::ExploreFrom { .. } => {
            return Reply::failed("this worker's wasm cannot explore")
        }
    };
    let sweep = || -> Result<Counts, String> {
        if *runs > MAX_RUNS_PER_REQUEST {
            return Err(format!(
                "sweep request: {runs} runs, at most {MAX_RUNS_PER_REQUEST}"
            ));
        }
        let model = remembered(&LAST_MODEL, &**code, || {
            let (scenario, config) = resolve_code(code)?;
            crate::engine::compile(&scenario, &config)
                .map(Rc::new)
                .map_err(|e| e.to_string())
        })?;
        let report = crate::api::sweep_model(&model, *first_seed, *runs, &mut |_| true)?;
        Ok(Counts {
            runs: report.runs,
            violating: report.violating_runs,
            events: report.events,
            leads: report.leads,
            affected_leads: report.affected_leads,
        })
    };
    sweep().map_or_else(Reply::failed, Reply::Swept)
}

/// Requests and replies as JavaScript values, for `postMessage`.
#[cfg(target_arch = "wasm32")]
pub mod js {
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use wasm_bindgen::JsValue;

    use super::{Reply, Request};

    /// `value` as a JavaScript object (64-bit numbers as `BigInt`: a seed may exceed what a
    /// JavaScript number holds exactly).
    pub fn to_js(value: &impl Serialize) -> JsValue {
        let s = serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
        value.serialize(&s).unwrap_or_else(JsValue::from)
    }

    /// Reads a message of type `T` (named `what` in the error).
    pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, String> {
        serde_wasm_bindgen::from_value(value).map_err(|e| format!("unreadable {what}: {e}"))
    }

    /// What a worker's exported entry point does: reads the request, answers it with
    /// `serve`, and gives the reply back as a JavaScript object.
    pub fn answer(request: JsValue, serve: impl FnOnce(&Request) -> Reply) -> JsValue {
        let reply = match from_js::<Request>(request, "request") {
            Ok(r) => serve(&r),
            Err(e) => Reply::failed(e),
        };
        to_js(&reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(reply: Reply) -> Counts {
        match reply {
            Reply::Swept(c) => c,
            other => panic!("not a sweep answer: {other:?}"),
        }
    }

    fn summary(reply: Reply) -> ExploreSummary {
        match reply {
            Reply::Explored(s) => s,
            other => panic!("not an explore answer: {other:?}"),
        }
    }

    #[test]
    fn a_request_carries_its_scenario_and_counts_what_a_direct_sweep_counts() {
        let mut spec = RunSpec::builtin("list-queue");
        spec.knobs.insert("people".into(), 5);
        let request = sweep_request(&spec, 10, 30);
        let Request::Sweep { code, .. } = &request else {
            panic!("{request:?}")
        };
        let carried = crate::saved::work_spec(code).unwrap();
        let text = crate::scenarios::source("list-queue").unwrap();
        assert_eq!(carried.scenario, ScenarioSource::Custom(text.into()));
        let reply = counts(serve_sweep(&request));
        let (s, c) = spec.resolve().unwrap();
        let direct = crate::api::sweep(&s, &c, 10, 30).unwrap();
        assert_eq!(reply.runs, 30);
        assert_eq!(reply.violating, direct.violating_runs);
        assert_eq!(reply.events, direct.events);
        assert_eq!(
            (reply.leads, reply.affected_leads),
            (direct.leads, direct.affected_leads)
        );
        assert_eq!(reply.leads, 30 * 5);
        // The explorer's wasm answers sweeps the same way.
        assert_eq!(counts(serve_explore(&request)), reply);
    }

    #[test]
    fn a_run_request_gives_the_runs_run_view_gives() {
        let mut spec = RunSpec::builtin("alert-before-owner");
        spec.knobs.insert("people".into(), 30);
        spec.seed = 11;
        spec.compare = Some("fixed".into());
        let Reply::Ran { id, main, compare } = serve_sweep(&run_request(&spec, 42, None)) else {
            panic!("not a run answer")
        };
        assert_eq!(id, 42);
        let (s, c) = spec.resolve().unwrap();
        let direct = crate::api::run_view(&s, &c, 11, &[]).unwrap();
        let main = wire::decode(&main.unwrap()).unwrap();
        assert_eq!(main, wire::as_read(&direct));
        // The same trace hash as the CLI's run of the built-in scenario.
        assert_eq!(
            main.trace_hash,
            crate::api::run(&s, &c, 11).unwrap().trace_hash
        );
        let fixed = crate::api::run_view(&s, &spec.config("fixed"), 11, &[]).unwrap();
        assert_eq!(
            wire::decode(&compare.unwrap().unwrap()).unwrap(),
            wire::as_read(&fixed)
        );
        assert_ne!(fixed.trace_hash, direct.trace_hash);
        // A hand-picked schedule is followed; no compare variant, no compare run.
        spec.compare = None;
        spec.schedule = direct.decisions.iter().map(|(_, a)| *a as u32).collect();
        let Reply::Ran { main, compare, .. } = serve_sweep(&run_request(&spec, 1, None)) else {
            panic!("not a run answer")
        };
        assert_eq!(
            wire::decode(&main.unwrap()).unwrap().trace_hash,
            direct.trace_hash
        );
        assert_eq!(compare, None);
    }

    #[test]
    fn a_scenario_too_large_for_a_link_still_runs_in_a_worker() {
        // An imported scenario over the link's limits (its summary padded with text that
        // hardly compresses) is carried as saved work, not as a link code.
        let mut scenario: serde_json::Value =
            serde_json::from_str(crate::scenarios::source("list-queue").unwrap()).unwrap();
        let mut x: u64 = 7;
        let pad: String = (0..300_000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (b'a' + (x >> 59) as u8 % 26) as char
            })
            .collect();
        scenario["summary"] = pad.into();
        let spec = RunSpec {
            scenario: ScenarioSource::Custom(scenario.to_string()),
            ..RunSpec::builtin("list-queue")
        };
        assert!(crate::codec::decode(&crate::codec::encode(&spec)).is_err());
        let Reply::Ran { main, .. } = serve_sweep(&run_request(&spec, 3, None)) else {
            panic!("not a run answer")
        };
        let (s, c) = spec.resolve().unwrap();
        let direct = crate::api::run(&s, &c, spec.seed).unwrap();
        assert_eq!(
            wire::decode(&main.unwrap()).unwrap().trace_hash,
            direct.trace_hash
        );
    }

    #[test]
    fn an_inspect_request_gives_the_snapshot_inspect_at_gives() {
        let mut spec = RunSpec::builtin("list-queue");
        spec.knobs.insert("people".into(), 6);
        let (s, c) = spec.resolve().unwrap();
        for (at, person) in [
            (0, None),
            (5_000, Some(2)),
            (u64::MAX, Some(6)),
            (1, Some(99)),
        ] {
            let reply = serve_sweep(&inspect_request(&spec, 7, at, person));
            let direct = crate::api::inspect_at(&s, &c, spec.seed, &[], at, person);
            assert_eq!(
                reply,
                Reply::Inspected {
                    id: 7,
                    snapshot: direct
                },
                "{at} {person:?}"
            );
        }
    }

    #[test]
    fn a_bad_run_request_is_an_error_reply() {
        for code in ["", "1.AAAA", "99.zz"] {
            let reply = serve_sweep(&Request::Run {
                id: 3,
                code: code.into(),
                lesson: None,
            });
            assert!(matches!(&reply, Reply::Failed { message } if !message.is_empty()));
        }
    }

    #[test]
    fn remembered_set_ups_never_answer_for_another() {
        // Alternating set-ups: each answer must be its own set-up's, not the last one's.
        let mut spec = RunSpec::builtin("list-queue");
        spec.knobs.insert("people".into(), 5);
        for variant in ["naive", "fixed", "fixed", "naive"] {
            spec.variant = variant.into();
            let reply = counts(serve_sweep(&sweep_request(&spec, 1, 20)));
            let (s, c) = spec.resolve().unwrap();
            let direct = crate::api::sweep(&s, &c, 1, 20).unwrap();
            assert_eq!(
                (reply.violating, reply.events),
                (direct.violating_runs, direct.events),
                "{variant}"
            );
        }
    }

    #[test]
    fn exploring_list_queue_finds_recheck_unsafe_and_fixed_safe() {
        let mut spec = RunSpec::builtin("list-queue");
        for (k, v) in crate::scenarios::explore_setup("list-queue") {
            spec.knobs.insert(k.to_string(), *v);
        }
        spec.variant = "recheck".into();
        let recheck = summary(serve_explore(&explore_request(&spec, 400, 1_000_000)));
        assert!(!recheck.truncated);
        assert!(recheck.violating_end_states > 0 && recheck.shortest.is_some());
        spec.variant = "fixed".into();
        let fixed = summary(serve_explore(&explore_request(&spec, 400, 1_000_000)));
        assert!(!fixed.truncated && fixed.schedules > 0);
        assert_eq!((fixed.violating_end_states, fixed.shortest), (0, None));
        // A tight bound is reported as such.
        let cut = summary(serve_explore(&explore_request(&spec, 400, 10)));
        assert!(cut.truncated);
        // The app's own wasm refuses to explore.
        assert!(matches!(
            serve_sweep(&explore_request(&spec, 400, 10)),
            Reply::Failed { .. }
        ));
    }

    #[test]
    fn bad_requests_get_an_error_reply_not_a_panic() {
        let code = |c: &str| Rc::<str>::from(c);
        let sweep = |runs, c: &str| Request::Sweep {
            first_seed: 1,
            runs,
            code: code(c),
        };
        let explore = |max_states, c: &str| Request::Explore {
            max_decisions: 10,
            max_states,
            code: code(c),
        };
        let good = work_code(&RunSpec::builtin("list-queue"));
        for bad in [
            sweep(2, ""),
            sweep(2, "1.AAAA"),
            sweep(2, "99.AAAA"),
            sweep(999_999_999, &good),
            explore(10, "1.AAAA"),
            explore(MAX_EXPLORE_STATES + 1, &good),
        ] {
            let reply = serve_explore(&bad);
            assert!(
                matches!(&reply, Reply::Failed { message } if !message.is_empty()),
                "{bad:?} → {reply:?}"
            );
        }
    }

    #[test]
    fn messages_have_the_shape_the_worker_script_relies_on() {
        // static/sweep-worker.js posts `{kind: "ready"}` and `{kind: "failed", message}`.
        let ready: Reply = serde_json::from_str(r#"{"kind":"ready"}"#).unwrap();
        assert_eq!(ready, Reply::Ready);
        let failed: Reply = serde_json::from_str(r#"{"kind":"failed","message":"no"}"#).unwrap();
        assert_eq!(failed, Reply::failed("no"));
        // Every message reads back as itself.
        let request = explore_request(&RunSpec::builtin("list-queue"), 3, 4);
        let text = serde_json::to_string(&request).unwrap();
        assert!(
            text.starts_with(r#"{"kind":"explore","max_decisions":3,"#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), request);
        let reply = Reply::Explored(ExploreSummary {
            shortest: Some(vec![0, 2]),
            ..Default::default()
        });
        let text = serde_json::to_string(&reply).unwrap();
        assert_eq!(serde_json::from_str::<Reply>(&text).unwrap(), reply);
    }
}
