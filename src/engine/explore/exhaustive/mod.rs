//! Exhaustive search: every schedule the chooser can produce, depth first.
//!
//! The search stands between steps of the simulator. At each state it looks at the items
//! ready at the earliest time (a tie when there are several) and runs one step on a copy of
//! the state with a chooser that follows a prefix of answers and records the decisions the
//! step asked ([`PrefixChooser`]); the step's other branches are re-run from the same copy
//! with the next prefix, odometer style. A step without any decision is followed in place,
//! so copies are made only where the run branches (a *decision point*), and the last branch
//! from a decision point runs on the run itself ([`step`]).
//!
//! - De-duplication: each decision point's [state key](super::state_key) goes into a
//!   visited set; a state met again is not explored again (equal states, same futures).
//! - Reduction (sleep sets): after one ready item has been explored, an item independent of
//!   it ([`super::independence`]) need not be tried first in the sibling branches; items
//!   "asleep" stay asleep until a dependent item runs. A branch where every ready item is
//!   asleep is covered by an earlier one and is cut. With de-duplication, each visited state
//!   remembers its sleep set and is explored again only for what that visit left asleep
//!   (Godefroid's sleep sets with state caching).
//! - Bounds: at most `max_decisions` decisions per schedule and `max_states` distinct
//!   states; the report says when either cut the search short.
//!
//! The shortest violating schedule is the one with the fewest decisions: each visited state
//! keeps the shortest violating continuation found below it, so a path that meets a visited
//! state still counts the continuation. The reduction only skips orderings that take as
//! many decisions as one it explores, so the shortest is the fewest over every schedule.

mod shortest;
mod step;
mod visited;

use super::super::model::Model;
use super::super::sim::{RunError, Sim};
use super::independence::independent;
use super::pool::Pool;
use super::report::{ExploreConfig, ExploreReport, Progress, Watch};
use super::schedule::{next_prefix, Prefix, Taken};
use super::state_key::state_key_with;
use smallvec::SmallVec;
use step::{Odds, Ready};
use visited::{asleep, Asleep, Best, Found, KeyMap, KeySet, Link, Sleep, Visit};

/// A step run along one branch: the new state, the decisions it took, and the class of
/// what it added to the tie (see [`visited::ADDS_SOME`]).
type Leaf<'m> = (Box<Sim<'m>>, Taken, u8);

/// Indexes of ready items (the awake ones, the ones to explore first).
type Indexes = SmallVec<[usize; 8]>;

pub(crate) struct Search<'m> {
    model: &'m Model,
    cfg: ExploreConfig,
    visited: KeyMap<Visit>,
    ends: KeySet,
    /// Answers along the current path.
    path: Vec<u32>,
    /// The shortest violating schedule so far.
    pub best: Option<Vec<u32>>,
    pub report: ExploreReport,
    stop: bool,
    pool: Pool<'m>,
    /// The caller's watch, shown the progress every [`WATCH_EVERY`] steps.
    watch: Option<Box<Watch<'m>>>,
    /// Buffers for the ready items of the visits under way.
    spare_ready: Vec<Ready>,
    /// How often a step run in place asked a decision after all (see [`step`]).
    forced_odds: Odds,
    /// How often a branch that might have been the last from its state was not.
    last_odds: Odds,
    /// Steps replayed to rebuild runs (work beyond `report.steps`).
    rebuilt_steps: u64,
}

/// Steps between two calls of the watch (a few milliseconds of search).
const WATCH_EVERY: u64 = 4096;

impl<'m> Search<'m> {
    pub fn new(model: &'m Model, cfg: ExploreConfig) -> Self {
        // A small start: the set grows as states come, and a table larger than the search
        // needs costs cache misses at every look-up (and page faults to fill it).
        let capacity = cfg.max_states.min(1 << 12);
        let report = ExploreReport {
            scenario: model.scenario_id.clone(),
            variant: model.variant.clone(),
            reduction: cfg.reduction,
            dedup: cfg.dedup,
            ..Default::default()
        };
        Search {
            model,
            cfg,
            visited: {
                let mut m = KeyMap::default();
                m.reserve(capacity);
                m
            },
            ends: KeySet::default(),
            path: Vec::new(),
            best: None,
            report,
            stop: false,
            pool: Pool::default(),
            watch: None,
            spare_ready: Vec::new(),
            forced_odds: Odds::default(),
            last_odds: Odds::default(),
            rebuilt_steps: 0,
        }
    }

    /// Shows `watch` the progress every few thousand steps; the search stops (with
    /// `report.stopped`) when it returns false.
    pub fn with_watch(mut self, watch: Box<Watch<'m>>) -> Self {
        self.watch = Some(watch);
        self
    }

    /// Shows the watch how far the search has got.
    fn poll(&mut self) {
        let Some(watch) = self.watch.as_mut() else {
            return;
        };
        let progress = Progress {
            states: (self.visited.len() + self.ends.len()) as u64,
            schedules: self.report.schedules,
            violating_end_states: self.report.violating_end_states,
            steps: self.report.steps,
            depth: self.path.len() as u64,
        };
        if !watch(&progress) {
            self.stop = true;
            self.report.stopped = true;
        }
    }

    /// Runs the whole search from the start of a run.
    pub fn run(&mut self) -> Result<(), RunError> {
        let sim = Box::new(Sim::new(self.model));
        self.visit(sim, Sleep::new(), 0, 0, false)?;
        self.report.states = self.visited.len() as u64;
        self.report.distinct_verdicts = self.report.verdicts.len() as u64;
        Ok(())
    }

    /// Explores from `sim` (between two steps, `at` steps from the start): follows steps
    /// without decisions in place, then branches at the first decision point.
    fn visit(
        &mut self,
        mut sim: Box<Sim<'m>>,
        mut sleep: Sleep,
        depth: u32,
        mut at: u32,
        mut started: bool,
    ) -> Result<Found, RunError> {
        loop {
            if self.stop {
                return Ok(Found::default());
            }
            if started && sim.is_done() {
                return Ok(self.end(sim));
            }
            let mut ready = self.take_ready();
            if started {
                self.fill_ready(&sim, !sleep.is_empty(), &mut ready);
            }
            let awake: Indexes = (0..ready.len())
                .filter(|&i| !asleep(&sleep, ready.items[i].id))
                .collect();
            if started && awake.is_empty() {
                self.report.pruned += 1;
                self.give_ready(ready);
                self.pool.recycle(sim);
                return Ok(Found::default());
            }
            if ready.len() >= 2 {
                return self.branch(sim, sleep, depth, at, ready, awake, None);
            }
            // One item ready (or the start of the run): run it, on the run itself when that
            // is likely to pay.
            let ties = ready.len();
            let first_leaf = if self.forced_odds.worth(at) {
                let (taken, class) = self.step(&mut sim, &[], ties)?;
                self.forced_odds.learn(!taken.is_empty());
                if taken.is_empty() {
                    None
                } else {
                    // A decision after all: its other answers start from the run before it.
                    let before = self.rebuild(at)?;
                    Some((std::mem::replace(&mut sim, before), taken, class))
                }
            } else {
                let mut child = self.copy(&sim, ties);
                let (taken, class) = self.step(&mut child, &[], ties)?;
                self.forced_odds.learn(!taken.is_empty());
                if taken.is_empty() {
                    let done = std::mem::replace(&mut sim, child);
                    if started {
                        self.pool.recycle(done);
                    }
                    None
                } else {
                    Some((child, taken, class))
                }
            };
            if first_leaf.is_some() {
                return self.branch(sim, sleep, depth, at, ready, awake, first_leaf);
            }
            // No decision: the step was forced; go on from its result. Only items still
            // ready after a step stay asleep ([`Self::independent_of`]), and none other was.
            self.give_ready(ready);
            sleep.clear();
            at += 1;
            started = true;
        }
    }

    /// The asleep and already explored items that may sleep after ready item `t` ran: those
    /// still ready and independent of it. Swapping two items must also keep the number of
    /// decisions (so that the shortest violating schedule survives the reduction): with
    /// only two items ready, the one that runs second is a decision only if the first added
    /// to the tie, so both must add alike ([`child_sleep`]). Nothing sleeps after a step
    /// that added text to the table.
    fn independent_of(
        &self,
        sim: &Sim,
        ready: &Ready,
        asleep: &[Asleep],
        explored: &[Asleep],
        t: Option<usize>,
    ) -> Sleep {
        let Some(t) = t.filter(|_| self.cfg.reduction && ready.len() >= 2) else {
            return Sleep::new();
        };
        let (t_id, t_fp) = (ready.items[t].id, &ready.fps()[t]);
        asleep
            .iter()
            .chain(explored)
            .filter(|&&(id, _)| {
                id != t_id
                    && ready
                        .items
                        .iter()
                        .zip(ready.fps())
                        .any(|(r, fp)| r.id == id && independent(self.model, &sim.state, fp, t_fp))
            })
            .copied()
            .collect()
    }

    /// A decision point: de-duplicate, then explore every awake ready item and every
    /// answer of the step's decisions.
    #[allow(clippy::too_many_arguments)]
    fn branch(
        &mut self,
        sim: Box<Sim<'m>>,
        sleep: Sleep,
        depth: u32,
        at: u32,
        mut ready: Ready,
        awake: Indexes,
        mut first_leaf: Option<Leaf<'m>>,
    ) -> Result<Found, RunError> {
        self.report.visits += 1;
        self.hash_lone(&sim, &mut ready);
        let key = state_key_with(&sim, false, ready.digest(&sim));
        // Items already explored first from this state (at an earlier visit): not again,
        // and they may sleep in the branches of the others (inline: a tie has a handful).
        let mut explored = Sleep::new();
        match self.visited.get_mut(&key) {
            Some(v) if self.cfg.dedup => {
                let deep_enough = !v.cut || v.depth <= depth;
                let covered = awake
                    .iter()
                    .all(|&i| v.explored.iter().any(|e| e.0 == ready.items[i].id));
                if deep_enough && (covered || ready.is_empty()) {
                    self.report.revisits += 1;
                    let found = Found {
                        best: v.best.as_ref().map(|b| (b.len, Link::Node(key))),
                        cut: v.cut,
                    };
                    if let Some((len, _)) = found.best {
                        self.offer_through(&sim, key, len);
                    }
                    if !ready.is_empty() {
                        self.pool.recycle(sim);
                    }
                    if let Some((child, ..)) = first_leaf {
                        self.pool.recycle(child);
                    }
                    self.give_ready(ready);
                    return Ok(found);
                }
                if deep_enough {
                    explored.extend_from_slice(&v.explored);
                }
                v.depth = v.depth.min(depth);
            }
            Some(_) => {}
            None => {
                self.visited.insert(
                    key,
                    Visit {
                        explored: smallvec::SmallVec::new(),
                        depth,
                        cut: false,
                        best: None,
                    },
                );
            }
        }
        let bound = if self.cfg.dedup {
            (self.visited.len() + self.ends.len()) as u64
        } else {
            self.report.visits + self.ends.len() as u64
        };
        if bound > self.cfg.max_states as u64 {
            self.stop = true;
            self.report.truncated_by_states = true;
            return Ok(Found::default());
        }

        self.footprints(&sim, &mut ready);
        let mut found = Found::default();
        let mut best: Option<Best> = None;
        let prior = explored.len();
        let candidates: SmallVec<[Option<usize>; 8]> = if ready.is_empty() {
            smallvec::smallvec![None]
        } else {
            awake
                .iter()
                .filter(|&&i| !explored.iter().any(|e| e.0 == ready.items[i].id))
                .map(|&i| Some(i))
                .collect()
        };
        if first_leaf.is_some() && candidates.first() != Some(&awake.first().copied()) {
            if let Some((child, ..)) = first_leaf.take() {
                self.pool.recycle(child);
            }
        }
        let tie = ready.len() >= 2;
        let base_syms = sim.syms.len();
        // Taken by the branch that runs on the run itself (the last, as far as is known).
        let mut sim = Some(sim);
        for (n, &t) in candidates.iter().enumerate() {
            if self.stop {
                break;
            }
            let here = sim
                .as_deref()
                .expect("the run is kept until its last branch");
            let indep = self.independent_of(here, &ready, &sleep, &explored, t);
            let fixed: Prefix = t.filter(|_| tie).map(|i| i as u32).into_iter().collect();
            let mut prefix = fixed.clone();
            // No decision of this prefix has an answer left: it may be the last branch.
            let mut may_be_last = n + 1 == candidates.len();
            let mut classes = 0u8;
            loop {
                let (child, taken, class) = match first_leaf.take() {
                    Some(leaf) => leaf,
                    None => {
                        let hold = fixed.len();
                        self.branch_leaf(&mut sim, &prefix, hold, ready.len(), at, may_be_last)?
                    }
                };
                classes |= class;
                let child_depth = depth + taken.len() as u32;
                if child_depth as usize > self.cfg.max_decisions {
                    found.cut = true;
                    self.report.truncated_by_decisions = true;
                    self.pool.recycle(child);
                } else {
                    let child_sleep = if child.syms.len() == base_syms {
                        child_sleep(&indep, ready.len(), class)
                    } else {
                        Sleep::new()
                    };
                    let mark = self.path.len();
                    self.path.extend(taken.iter().map(|x| x.0));
                    let sub = self.visit(child, child_sleep, child_depth, at + 1, true)?;
                    self.path.truncate(mark);
                    found.cut |= sub.cut;
                    if let Some((len, next)) = sub.best {
                        let total = len + taken.len() as u32;
                        if best.as_ref().is_none_or(|b| total < b.len) {
                            let skip = fixed.len();
                            best = Some(Best {
                                len: total,
                                item: t.filter(|_| tie).map(|i| ready.items[i].id),
                                answers: taken[skip..].iter().map(|x| x.0).collect(),
                                next,
                            });
                        }
                    }
                }
                if self.stop {
                    break;
                }
                match next_prefix(&taken, fixed.len()) {
                    Some(p) => {
                        may_be_last &= p[fixed.len()..]
                            .iter()
                            .zip(&taken[fixed.len()..])
                            .all(|(a, &(_, options))| a + 1 == options);
                        prefix = p;
                    }
                    None => break,
                }
            }
            if let Some(t) = t {
                explored.push((ready.items[t].id, classes));
            }
        }

        if let Some(v) = self.visited.get_mut(&key) {
            v.explored.extend_from_slice(&explored[prior..]);
            v.cut |= found.cut;
            if let Some(b) = best {
                if v.best.as_ref().is_none_or(|old| b.len < old.len) {
                    v.best = Some(Box::new(b));
                }
            }
            found.best = v.best.as_ref().map(|b| (b.len, Link::Node(key)));
        }
        if let Some(sim) = sim.filter(|_| !ready.is_empty()) {
            self.pool.recycle(sim);
        }
        self.give_ready(ready);
        Ok(found)
    }

    /// Runs one branch of the decision point `sim` along `prefix` (whose first `hold`
    /// answers are held): on a copy, or on the run itself when it `may_be_last` and that is
    /// likely to pay. A branch run in place that was not the last after all leaves a
    /// rebuilt run in `sim` for the others.
    fn branch_leaf(
        &mut self,
        sim: &mut Option<Box<Sim<'m>>>,
        prefix: &[u32],
        hold: usize,
        ties: usize,
        at: u32,
        may_be_last: bool,
    ) -> Result<Leaf<'m>, RunError> {
        let in_place = may_be_last && self.last_odds.worth(at);
        let here = sim
            .as_deref()
            .expect("the run is kept until its last branch");
        let mut child = if in_place {
            sim.take().expect("checked")
        } else {
            self.copy(here, ties)
        };
        let (taken, class) = self.step(&mut child, prefix, ties)?;
        if may_be_last {
            let more = next_prefix(&taken, hold).is_some();
            self.last_odds.learn(more);
            if more && sim.is_none() {
                *sim = Some(self.rebuild(at)?);
            }
        }
        Ok((child, taken, class))
    }
}

/// The sleep set after a ready item ran (one branch of it, whose additions to the tie are
/// of `class`), from the items [`Search::independent_of`] it: with only two items ready,
/// those whose steps added alike.
fn child_sleep(indep: &Sleep, ready: usize, class: u8) -> Sleep {
    indep
        .iter()
        .filter(|&&(_, c)| ready >= 3 || c == class)
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{compile, RunConfig};

    /// The report's counts and the shortest violating path of a search whose steps run in
    /// place always (`Some(true)`), never, or by the odds (`None`).
    fn search(model: &Model, in_place: Option<bool>) -> (Vec<u64>, Option<Vec<u32>>, u64) {
        let mut s = Search::new(model, ExploreConfig::default());
        s.forced_odds.force = in_place;
        s.last_odds.force = in_place;
        s.run().expect("explores");
        let r = &s.report;
        let counts = vec![
            r.states,
            r.visits,
            r.steps,
            r.schedules,
            r.end_states,
            r.violating_end_states,
            r.revisits,
            r.pruned,
        ];
        (counts, s.best, s.rebuilt_steps)
    }

    #[test]
    fn steps_in_place_and_rebuilt_runs_search_exactly_as_copies_do() {
        /// A scenario, a variant and knob settings.
        type Case = (&'static str, &'static str, &'static [(&'static str, i64)]);
        let cases: [Case; 3] = [
            (
                "list-queue",
                "at-most-once-crash",
                &[
                    ("people", 1),
                    ("step_time_ms", 0),
                    ("trigger_delay_s", 0),
                    ("webhook_ms", 100),
                    ("queue_window_h", 0),
                ],
            ),
            (
                "central-mql",
                "naive",
                crate::scenarios::explore_setup("central-mql"),
            ),
            (
                "alert-before-owner",
                "naive",
                &[
                    ("people", 2),
                    ("step_time_ms", 0),
                    ("trigger_delay_s", 0),
                    ("arrival_window_min", 0),
                ],
            ),
        ];
        for (id, variant, knobs) in cases {
            let scenario = crate::scenarios::builtin(id).expect("built in");
            let config = RunConfig {
                variant: Some(variant.to_string()),
                knobs: knobs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
                ..RunConfig::default()
            };
            let model = compile(&scenario, &config).expect("compiles");
            let (copies, best, rebuilt) = search(&model, Some(false));
            assert_eq!(rebuilt, 0, "{id}/{variant}: nothing to rebuild");
            assert!(best.is_some(), "{id}/{variant}: a violation to find");
            let (always, best_always, rebuilt) = search(&model, Some(true));
            assert!(
                rebuilt > 0,
                "{id}/{variant}: some steps in place needed the run"
            );
            assert_eq!((&always, &best_always), (&copies, &best), "{id}/{variant}");
            let (odds, best_odds, _) = search(&model, None);
            assert_eq!((&odds, &best_odds), (&copies, &best), "{id}/{variant}");
        }
    }
}
