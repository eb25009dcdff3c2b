//! One unit of sweep work as plain text, so the app can hand seeds to Web Workers (each a copy
//! of the same wasm) and get counts back. A request is `<first seed> <runs> <link code>`, the
//! link code ([`crate::codec`]) carrying scenario, variant, knobs and injections; a reply is
//! `ok <runs> <violating runs> <events>` or `err <message>`. [`serve`] is what a worker runs;
//! it is pure and tested natively.

use crate::spec::RunSpec;

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
    format!("{first_seed} {runs} {}", crate::codec::encode(spec))
}

/// Runs a request and answers it (never panics on any input).
pub fn serve(request: &str) -> String {
    match run(request) {
        Ok(c) => format!("ok {} {} {}", c.runs, c.violating, c.events),
        Err(e) => format!("err {e}"),
    }
}

fn run(request: &str) -> Result<Counts, String> {
    let mut parts = request.splitn(3, ' ');
    let mut number = |what: &str| -> Result<u64, String> {
        parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("sweep request: missing or bad {what}"))
    };
    let (first_seed, runs) = (number("first seed")?, number("run count")?);
    if runs > MAX_RUNS_PER_REQUEST {
        return Err(format!(
            "sweep request: {runs} runs, at most {MAX_RUNS_PER_REQUEST}"
        ));
    }
    let code = parts.next().ok_or("sweep request: missing link code")?;
    let spec = crate::codec::decode(code).map_err(|e| e.to_string())?;
    let (scenario, config) = spec.resolve()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_counts_what_a_direct_sweep_counts() {
        let mut spec = RunSpec::builtin("list-queue");
        spec.knobs.insert("people".into(), 5);
        let reply = parse_reply(&serve(&request(&spec, 10, 30))).unwrap();
        let (s, c) = spec.resolve().unwrap();
        let direct = crate::api::sweep(&s, &c, 10, 30).unwrap();
        assert_eq!(reply.runs, 30);
        assert_eq!(reply.violating, direct.violating_runs);
        assert_eq!(reply.events, direct.events);
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
