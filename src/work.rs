//! Background work as plain text, so the app can hand it to Web Workers (each a copy of the
//! same wasm): a unit of a sweep, or an exhaustive exploration.
//!
//! A sweep request is `<first seed> <runs> <link code>`, the link code ([`crate::codec`])
//! carrying scenario, variant, knobs and injections; its reply is `ok <runs> <violating runs>
//! <events>` or `err <message>`. An explore request is `<max decisions> <max states> <link
//! code>` (see [`serve_explore`]). [`serve`] and [`serve_explore`] are what a worker runs;
//! they are pure and tested natively.
//!
//! A request is self-contained: its link code carries a built-in scenario's JSON text (as a
//! custom scenario; the run is the same), because the web app fetches built-in scenarios and a
//! worker's wasm has none at hand (see [`crate::scenarios`]).

use std::borrow::Borrow;
use std::cell::RefCell;
use std::rc::Rc;
use std::thread::LocalKey;

use crate::engine::{RunConfig, Scenario};
use crate::spec::{RunSpec, ScenarioSource};

/// Most runs one request may ask for (a worker answers each request in well under a second).
pub const MAX_RUNS_PER_REQUEST: u64 = 100_000;

/// What a unit of work found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub runs: u64,
    pub violating: u64,
    pub events: u64,
}

/// The request for `runs` seeds from `first_seed` of the run `spec` describes.
pub fn request(spec: &RunSpec, first_seed: u64, runs: u64) -> String {
    format!("{first_seed} {runs} {}", work_code(spec))
}

thread_local! {
    /// The set-up [`work_code`] encoded last, and its code: a sweep asks for many requests of
    /// one set-up, and compressing a scenario's text takes milliseconds.
    static LAST_CODE: LastOne<RunSpec, Rc<str>> = const { RefCell::new(None) };
    /// The last link code [`resolve_code`] read, and what it gave: a sweep sends the same code
    /// (scenario text included) with every unit of a point, so a worker reads it once.
    static LAST_RESOLVED: LastOne<String, Resolved> = const { RefCell::new(None) };
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
        crate::codec::encode(with_text.as_ref().unwrap_or(spec)).into()
    })
}

/// Runs a request and answers it (never panics on any input).
pub fn serve(request: &str) -> String {
    match run(request) {
        Ok(c) => format!("ok {} {} {}", c.runs, c.violating, c.events),
        Err(e) => format!("err {e}"),
    }
}

/// Reads `<a> <b> <link code>` (the two numbers named `names`, for messages) and the run the
/// link code describes.
fn parse_request(
    kind: &str,
    request: &str,
    names: [&str; 2],
) -> Result<(u64, u64, Scenario, RunConfig), String> {
    let mut parts = request.splitn(3, ' ');
    let mut number = |what: &str| -> Result<u64, String> {
        parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("{kind} request: missing or bad {what}"))
    };
    let (a, b) = (number(names[0])?, number(names[1])?);
    let code = parts
        .next()
        .ok_or_else(|| format!("{kind} request: missing link code"))?;
    let (scenario, config) = resolve_code(code)?;
    Ok((a, b, scenario, config))
}

/// A link code's scenario and run configuration, or why it has none.
type Resolved = Result<(Scenario, RunConfig), String>;

/// The scenario and run configuration a link code describes (remembered for a repeated code).
fn resolve_code(code: &str) -> Resolved {
    remembered(&LAST_RESOLVED, code, || {
        let spec = crate::codec::decode(code).map_err(|e| e.to_string())?;
        spec.resolve()
    })
}

fn run(request: &str) -> Result<Counts, String> {
    let (first_seed, runs, scenario, config) =
        parse_request("sweep", request, ["first seed", "run count"])?;
    if runs > MAX_RUNS_PER_REQUEST {
        return Err(format!(
            "sweep request: {runs} runs, at most {MAX_RUNS_PER_REQUEST}"
        ));
    }
    let report = crate::api::sweep(&scenario, &config, first_seed, runs)?;
    Ok(Counts {
        runs: report.runs,
        violating: report.violating_runs,
        events: report.events,
    })
}

/// Reads a reply.
pub fn parse_reply(reply: &str) -> Result<Counts, String> {
    if let Some(message) = reply.strip_prefix("err ") {
        return Err(message.to_string());
    }
    let nums: Vec<u64> = reply
        .strip_prefix("ok ")
        .map(|r| r.split(' ').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default();
    match nums[..] {
        [runs, violating, events] => Ok(Counts {
            runs,
            violating,
            events,
        }),
        _ => Err(format!("unreadable sweep reply `{reply}`")),
    }
}

/// What an exhaustive search found, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExploreSummary {
    /// Schedules followed to the end of the run ("orderings").
    pub schedules: u64,
    pub states: u64,
    pub end_states: u64,
    pub violating_end_states: u64,
    /// A bound cut the search short: "no violation" then proves nothing.
    pub truncated: bool,
    /// The shortest violating schedule, replayable with any seed.
    pub shortest: Option<Vec<u32>>,
}

/// Most states an exploration request may ask for.
pub const MAX_EXPLORE_STATES: u64 = 5_000_000;

/// The request to explore every ordering of `spec`'s run within the bounds.
pub fn explore_request(spec: &RunSpec, max_decisions: u64, max_states: u64) -> String {
    format!("{max_decisions} {max_states} {}", work_code(spec))
}

/// Runs an exploration request: `ok <schedules> <states> <end states> <violating> <0|1>
/// <shortest schedule, comma-separated, or ->` or `err <message>`.
pub fn serve_explore(request: &str) -> String {
    match explore(request) {
        Ok(r) => format!(
            "ok {} {} {} {} {} {}",
            r.schedules,
            r.states,
            r.end_states,
            r.violating_end_states,
            r.truncated as u8,
            r.shortest.map_or("-".to_string(), |s| {
                s.iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
        ),
        Err(e) => format!("err {e}"),
    }
}

fn explore(request: &str) -> Result<ExploreSummary, String> {
    let (max_decisions, max_states, scenario, config) =
        parse_request("explore", request, ["decision bound", "state bound"])?;
    if max_states > MAX_EXPLORE_STATES || max_decisions > 100_000 {
        return Err(format!(
            "explore request: at most {MAX_EXPLORE_STATES} states and 100000 decisions"
        ));
    }
    let model = crate::engine::compile(&scenario, &config)?;
    let report = crate::engine::explore::explore(
        &model,
        &crate::engine::explore::ExploreConfig {
            max_decisions: max_decisions as usize,
            max_states: max_states as usize,
            ..Default::default()
        },
    )?;
    Ok(ExploreSummary {
        truncated: report.truncated(),
        schedules: report.schedules,
        states: report.states,
        end_states: report.end_states,
        violating_end_states: report.violating_end_states,
        shortest: report.shortest.map(|c| c.schedule),
    })
}

/// Reads an exploration reply.
pub fn parse_explore_reply(reply: &str) -> Result<ExploreSummary, String> {
    if let Some(message) = reply.strip_prefix("err ") {
        return Err(message.to_string());
    }
    let parts: Vec<&str> = reply.strip_prefix("ok ").unwrap_or("").split(' ').collect();
    let bad = || format!("unreadable explore reply `{reply}`");
    let [a, b, c, d, t, s] = parts[..] else {
        return Err(bad());
    };
    let n = |x: &str| x.parse::<u64>().map_err(|_| bad());
    let shortest = match s {
        "-" => None,
        s => Some(
            s.split(',')
                .map(|a| a.parse::<u32>().map_err(|_| bad()))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    Ok(ExploreSummary {
        schedules: n(a)?,
        states: n(b)?,
        end_states: n(c)?,
        violating_end_states: n(d)?,
        truncated: t == "1",
        shortest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_carries_its_scenario_and_counts_what_a_direct_sweep_counts() {
        let mut spec = RunSpec::builtin("list-queue");
        spec.knobs.insert("people".into(), 5);
        let request = request(&spec, 10, 30);
        let carried = crate::codec::decode(request.split(' ').nth(2).unwrap()).unwrap();
        let text = crate::scenarios::source("list-queue").unwrap();
        assert_eq!(carried.scenario, ScenarioSource::Custom(text.into()));
        let reply = parse_reply(&serve(&request)).unwrap();
        let (s, c) = spec.resolve().unwrap();
        let direct = crate::api::sweep(&s, &c, 10, 30).unwrap();
        assert_eq!(reply.runs, 30);
        assert_eq!(reply.violating, direct.violating_runs);
        assert_eq!(reply.events, direct.events);
    }

    #[test]
    fn remembered_set_ups_never_answer_for_another() {
        // Alternating set-ups: each answer must be its own set-up's, not the last one's.
        let mut spec = RunSpec::builtin("list-queue");
        spec.knobs.insert("people".into(), 5);
        for variant in ["naive", "fixed", "fixed", "naive"] {
            spec.variant = variant.into();
            let reply = parse_reply(&serve(&request(&spec, 1, 20))).unwrap();
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
        let recheck =
            parse_explore_reply(&serve_explore(&explore_request(&spec, 400, 1_000_000))).unwrap();
        assert!(!recheck.truncated);
        assert!(recheck.violating_end_states > 0 && recheck.shortest.is_some());
        spec.variant = "fixed".into();
        let fixed =
            parse_explore_reply(&serve_explore(&explore_request(&spec, 400, 1_000_000))).unwrap();
        assert!(!fixed.truncated && fixed.schedules > 0);
        assert_eq!((fixed.violating_end_states, fixed.shortest), (0, None));
        // A tight bound is reported as such.
        let cut = parse_explore_reply(&serve_explore(&explore_request(&spec, 400, 10))).unwrap();
        assert!(cut.truncated);
        assert!(serve_explore("1 2").starts_with("err "));
        assert!(parse_explore_reply("ok 1 2 3").is_err());
    }

    #[test]
    fn bad_requests_get_an_error_reply_not_a_panic() {
        for bad in [
            "",
            "1",
            "1 2",
            "x 2 1.AAAA",
            "1 2 1.AAAA",
            "1 999999999 1.AAAA",
        ] {
            let reply = serve(bad);
            assert!(reply.starts_with("err "), "{bad:?} → {reply}");
            assert!(parse_reply(&reply).is_err());
        }
        assert!(parse_reply("ok 1 2").is_err());
    }
}
