//! The violating schedule with the fewest decisions and, among those, the fewest *switches*;
//! and "does any ordering from here violate?" for a fixed start of a schedule.
//!
//! Every decision belongs to an *actor*: the campaign (or system) whose ready item runs at
//! that step: the chosen item of a tie, or the item whose step draws a delay or a failure
//! ([`actor`]). Person-independent: "Drain Queue (trigger)" is one actor for every person;
//! the outside world (scripted events, API clients), each webhook's service, the CRM, each
//! job and each feed are one actor each, and the start of the run (its scripted times) is
//! one. A **switch** is a pair of consecutive decisions whose actors differ; a schedule
//! whose decisions go trigger, trigger, hourly, trigger has two.
//!
//! The search is depth first over every branch of every decision (no reduction, so every
//! ordering counts), bounded by a number of decisions and of states. A state met again with
//! the same last actor has the same best continuation, so it is worked out once
//! (memoised with the decision budget it was computed under). Ties in (decisions, switches)
//! go to the first found in the search's order (lower answer indexes first): deterministic.

use super::super::model::Model;
use super::super::sim::state::{Agendum, Pending, SimState};
use super::super::sim::{RunError, Sim};
use super::schedule::{next_prefix, Prefix, PrefixChooser};
use super::state_key::{compact, state_key};
use std::collections::HashMap;

/// Who a decision belongs to (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Actor {
    /// The start of the run: when the scripted events happen.
    Start,
    Campaign(u32),
    /// Scripted events, inserts and API clients.
    Outside,
    Webhook(u32),
    Crm,
    Job(u16),
    ResponseFeed,
    ChangeFeed,
}

/// The actor of ready item `a`.
pub fn actor(state: &SimState, a: &Agendum) -> Actor {
    let run = |r| {
        state
            .runs
            .get(r)
            .map_or(Actor::Outside, |run| Actor::Campaign(run.campaign as u32))
    };
    match &a.what {
        Pending::Scripted { .. } | Pending::Insert { .. } | Pending::ApiSync { .. } => {
            Actor::Outside
        }
        Pending::BatchRun { campaign, .. } => Actor::Campaign(*campaign as u32),
        Pending::Enqueue(r)
        | Pending::StepDone(r, _)
        | Pending::WaitOver(r)
        | Pending::WebhookReturn(r, _)
        | Pending::WebhookTimeout(r, _) => run(*r),
        Pending::WebhookServe(c) | Pending::WebhookWriteBack(c) => Actor::Webhook(c.webhook as u32),
        Pending::CrmReceive { .. }
        | Pending::CrmAssign { .. }
        | Pending::CrmCycle
        | Pending::CrmAutomation { .. } => Actor::Crm,
        Pending::Job { job, .. } => Actor::Job(*job),
        Pending::Response(_) => Actor::ResponseFeed,
        Pending::Change(_) => Actor::ChangeFeed,
    }
}

/// Switches in a sequence of decision actors: consecutive decisions of different actors.
pub fn count_switches(actors: &[Actor]) -> u32 {
    actors.windows(2).filter(|w| w[0] != w[1]).count() as u32
}

/// The actor of every decision of the run that takes `decisions` (indexes among each
/// decision's representative answers, then the first answer), with whether it violates.
pub fn decision_actors(model: &Model, decisions: &[u32]) -> Result<(Vec<Actor>, bool), RunError> {
    let mut sim = Sim::new(model);
    let mut ch = PrefixChooser::new(decisions);
    let mut actors = Vec::new();
    while !sim.is_done() {
        let ready = sim.state.agenda.ready_now();
        let who = match ready.len() {
            0 => Actor::Start,
            1 => actor(&sim.state, ready[0]),
            _ => {
                // The tie's answer is the next decision.
                let i = decisions.get(ch.taken.len()).copied().unwrap_or(0) as usize;
                actor(&sim.state, ready[i.min(ready.len() - 1)])
            }
        };
        let before = ch.taken.len();
        if !sim.step(&mut ch)? {
            break;
        }
        actors.extend(std::iter::repeat_n(who, ch.taken.len() - before));
    }
    let out = sim.run(&mut ch)?;
    Ok((actors, !out.violations.is_empty()))
}

/// Bounds of a [`fewest`] search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FewestConfig {
    /// The most decisions a schedule may take (longer ones are not followed).
    pub max_decisions: usize,
    /// The most states to work out; beyond it the search stops and says so.
    pub max_states: usize,
    /// Decisions every schedule starts with (indexes, as the explorer names answers).
    pub forced: Vec<u32>,
}

/// The best violating schedule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fewest {
    /// The answer index at each decision; its length is the number of decisions.
    pub decisions: Vec<u32>,
    pub switches: u32,
}

/// What a [`fewest`] search found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FewestReport {
    /// States worked out (a state with the same last actor counts once).
    pub states: u64,
    /// Runs followed to their end.
    pub ends: u64,
    /// Some schedule took more than `max_decisions` decisions.
    pub cut_by_decisions: bool,
    /// The search stopped at `max_states`.
    pub cut_by_states: bool,
    /// The violating schedule with the fewest decisions, then the fewest switches.
    pub best: Option<Fewest>,
    /// Orderings from the start (after the forced decisions) to the end of the run: every
    /// path through the states worked out, those met again counted as often as they are
    /// reached (saturating).
    pub orderings: u64,
}

/// A best continuation from a state: its length, its switches (counting the one from the
/// decision before it) and its answers.
#[derive(Debug, Clone)]
struct Cont {
    len: u32,
    switches: u32,
    decisions: Vec<u32>,
}

/// What a state's continuations hold: the decision budget they were worked out under, the
/// best violating one, and how many orderings there are.
#[derive(Debug, Clone, Default)]
struct Below {
    budget: usize,
    best: Option<Cont>,
    orderings: u64,
}

struct Search {
    cfg: FewestConfig,
    /// (state key, last actor) → what was worked out below it.
    memo: HashMap<(u128, Option<Actor>), Below>,
    report: FewestReport,
}

/// Searches every schedule of `model` that starts with `cfg.forced`, within the bounds.
pub fn fewest(model: &Model, cfg: FewestConfig) -> Result<FewestReport, RunError> {
    let mut s = Search {
        cfg,
        memo: HashMap::new(),
        report: FewestReport::default(),
    };
    let below = s.visit(Box::new(Sim::new(model)), None, 0)?;
    let mut report = s.report;
    report.orderings = below.orderings;
    report.best = below.best.map(|c| Fewest {
        decisions: c.decisions,
        switches: c.switches,
    });
    Ok(report)
}

impl Search {
    /// The best violating continuation from `sim` (between steps), `depth` decisions in.
    fn visit<'m>(
        &mut self,
        mut sim: Box<Sim<'m>>,
        last: Option<Actor>,
        depth: usize,
    ) -> Result<Below, RunError> {
        loop {
            if self.report.cut_by_states {
                return Ok(Below::default());
            }
            if sim.is_done() {
                return self.end(sim);
            }
            let ready = sim.state.agenda.ready_now();
            let actors: Vec<Actor> = match ready.len() {
                0 => vec![Actor::Start],
                _ => ready.iter().map(|a| actor(&sim.state, a)).collect(),
            };
            if actors.len() < 2 {
                let mut child = sim.clone();
                let mut ch = PrefixChooser::new(&[]);
                child.step(&mut ch)?;
                if ch.taken.is_empty() {
                    compact(&mut child);
                    sim = child;
                    continue;
                }
            }
            return self.branch(sim, actors, last, depth);
        }
    }

    /// A decision point: every branch of the step (every ready item of a tie, every answer
    /// of the decisions inside the step).
    fn branch<'m>(
        &mut self,
        sim: Box<Sim<'m>>,
        actors: Vec<Actor>,
        last: Option<Actor>,
        depth: usize,
    ) -> Result<Below, RunError> {
        let budget = self.cfg.max_decisions - depth;
        let forcing = depth < self.cfg.forced.len();
        let key = (state_key(&sim, false), last);
        if !forcing {
            if let Some(b) = self.memo.get(&key) {
                if b.budget >= budget && b.best.as_ref().is_none_or(|c| c.len as usize <= budget) {
                    return Ok(b.clone());
                }
            }
        }
        self.report.states += 1;
        if self.report.states > self.cfg.max_states as u64 {
            self.report.cut_by_states = true;
            return Ok(Below::default());
        }
        let tie = actors.len() >= 2;
        let forced = self.cfg.forced[depth.min(self.cfg.forced.len())..].to_vec();
        let mut best: Option<Cont> = None;
        let mut orderings = 0u64;
        for (t, &who) in actors.iter().enumerate() {
            if tie && forced.first().is_some_and(|&f| f as usize != t) {
                continue;
            }
            let fixed = usize::from(tie);
            let mut prefix: Prefix = forced.iter().copied().collect();
            if tie {
                prefix = prefix.into_iter().skip(1).collect();
                prefix.insert(0, t as u32);
            }
            loop {
                let mut child = sim.clone();
                let mut ch = PrefixChooser::new(&prefix);
                child.step(&mut ch)?;
                compact(&mut child);
                let taken = ch.taken;
                let hold = fixed.max(taken.len().min(forced.len()));
                let d = taken.len();
                if depth + d > self.cfg.max_decisions {
                    self.report.cut_by_decisions = true;
                } else {
                    let below = self.visit(child, Some(who), depth + d)?;
                    orderings = orderings.saturating_add(below.orderings);
                    if let Some(c) = below.best {
                        Self::keep(&mut best, c, &taken, last, who);
                    }
                }
                if self.report.cut_by_states {
                    return Ok(Below::default());
                }
                match next_prefix(&taken, hold) {
                    Some(p) => prefix = p,
                    None => break,
                }
            }
        }
        let below = Below {
            budget,
            best,
            orderings,
        };
        if !forcing {
            self.memo.insert(key, below.clone());
        }
        Ok(below)
    }

    /// Keeps continuation `c` (after a step of decisions `taken` by `who`) in `best` if it
    /// has fewer decisions, then fewer switches.
    fn keep(
        best: &mut Option<Cont>,
        c: Cont,
        taken: &[(u32, u32)],
        last: Option<Actor>,
        who: Actor,
    ) {
        let len = c.len + taken.len() as u32;
        let switches = c.switches + u32::from(last.is_some_and(|l| l != who));
        if best
            .as_ref()
            .is_none_or(|b| (len, switches) < (b.len, b.switches))
        {
            let mut decisions: Vec<u32> = taken.iter().map(|x| x.0).collect();
            decisions.extend_from_slice(&c.decisions);
            *best = Some(Cont {
                len,
                switches,
                decisions,
            });
        }
    }

    /// The end of a run: a violating one is a continuation of no decisions.
    fn end(&mut self, mut sim: Box<Sim<'_>>) -> Result<Below, RunError> {
        self.report.ends += 1;
        let out = sim.run(&mut PrefixChooser::new(&[]))?;
        Ok(Below {
            budget: 0,
            best: (!out.violations.is_empty()).then(|| Cont {
                len: 0,
                switches: 0,
                decisions: Vec::new(),
            }),
            orderings: 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_count_changes_of_actor() {
        use Actor::*;
        assert_eq!(count_switches(&[]), 0);
        assert_eq!(count_switches(&[Campaign(1)]), 0);
        let seq = [Campaign(1), Campaign(1), Campaign(2), Campaign(1)];
        assert_eq!(count_switches(&seq), 2);
        assert_eq!(count_switches(&[Start, Outside, Outside]), 1);
    }
}
