//! The explorer's worker work: an exhaustive search of a set-up ([`Request::Explore`], with
//! progress as it goes) and the search from the scheduler's current point
//! ([`Request::ExploreFrom`]). Only the explorer's own wasm answers these.

use super::{
    resolve_code, serve_sweep, Exploring, Reply, Request, MAX_EXPLORE_DECISIONS, MAX_EXPLORE_STATES,
};
use crate::api::{ExploreSummary, FromSummary};

/// Answers an explore request, or a sweep request as [`serve_sweep`] does. Never panics on
/// any input.
pub fn serve_explore(request: &Request) -> Reply {
    serve_explore_watched(request, &mut |_| {})
}

/// [`serve_explore`], telling `progress` how far an exploration has got every few thousand
/// steps of the search.
pub fn serve_explore_watched(request: &Request, progress: &mut dyn FnMut(Exploring)) -> Reply {
    if let Request::ExploreFrom { max_states, code } = request {
        return serve_explore_from(*max_states, code);
    }
    let Request::Explore {
        max_decisions,
        max_states,
        code,
    } = request
    else {
        return serve_sweep(request);
    };
    let mut explore = || -> Result<ExploreSummary, String> {
        if *max_states > MAX_EXPLORE_STATES || *max_decisions > MAX_EXPLORE_DECISIONS {
            return Err(format!(
                "explore request: at most {MAX_EXPLORE_STATES} states and \
                 {MAX_EXPLORE_DECISIONS} decisions"
            ));
        }
        let (scenario, config) = resolve_code(code)?;
        let (decisions, states) = (*max_decisions as usize, *max_states as usize);
        crate::api::explore_summary_watched(&scenario, &config, decisions, states, &mut |p| {
            progress(Exploring {
                states: p.states,
                schedules: p.schedules,
                violating: p.violating_end_states,
                depth: p.depth,
            })
        })
    };
    explore().map_or_else(Reply::failed, Reply::Explored)
}

/// Answers an explore-from request. Never panics on any input.
fn serve_explore_from(max_states: u64, code: &str) -> Reply {
    let explore = || -> Result<FromSummary, String> {
        if max_states > MAX_EXPLORE_STATES {
            return Err(format!(
                "explore request: at most {MAX_EXPLORE_STATES} states"
            ));
        }
        let (scenario, config) = resolve_code(code)?;
        let spec = crate::saved::work_spec(code)?;
        crate::api::explore_from_summary(&scenario, &config, &spec.schedule, max_states as usize)
    };
    explore().map_or_else(Reply::failed, Reply::ExploredFrom)
}
