//! Exhaustive search: every schedule the chooser can produce, depth first.
//!
//! The search stands between steps of the simulator. At each state it looks at the items
//! ready at the earliest time (a tie when there are several) and runs one step on a copy of
//! the state with a chooser that follows a prefix of answers and records the decisions the
//! step asked ([`PrefixChooser`]); the step's other branches are re-run from the same copy
//! with the next prefix, odometer style. A step without any decision is followed in place,
//! so copies are made only where the run branches (a *decision point*).
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

use super::super::model::Model;
use super::super::sim::{RunError, Sim};
use super::independence::{footprint, independent, Footprint};
use super::pool::Pool;
use super::report::{ExploreConfig, ExploreReport, Progress, Watch};
use super::schedule::PrefixChooser;
use super::state_key::{compact, item_id, state_key};
use super::verdict;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Keys are already hashes: use their low bits as they are.
#[derive(Default)]
struct KeyBits(u64);

impl Hasher for KeyBits {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(w);
        }
    }
    fn write_u128(&mut self, i: u128) {
        self.0 = i as u64;
    }
}

type KeyMap<V> = HashMap<u128, V, BuildHasherDefault<KeyBits>>;
type KeySet = HashSet<u128, BuildHasherDefault<KeyBits>>;

/// Where a best continuation goes after its first edge.
#[derive(Debug, Clone, Copy)]
enum Link {
    End,
    Node(u128),
}

/// The shortest violating continuation from a visited state.
#[derive(Debug, Clone)]
struct Best {
    len: u32,
    /// The first step: which ready item ran (by [`item_id`], when several were ready:
    /// states met again may number their items differently) and the answers of the
    /// decisions inside the step.
    item: Option<u64>,
    answers: Box<[u32]>,
    /// Where the path goes after that step (and the steps without decisions after it).
    next: Link,
}

#[derive(Debug, Clone)]
struct Visit {
    /// The ready items explored first from this state so far (every visit adds those its
    /// sleep set left awake), with the classes of their additions to the tie.
    explored: Vec<Asleep>,
    /// The fewest decisions on a path that reached it.
    depth: u32,
    /// A bound on decisions cut something below it.
    cut: bool,
    /// Boxed: few states have one, and a small entry keeps the visited set compact.
    best: Option<Box<Best>>,
}

/// What exploring from one state found.
#[derive(Debug, Default)]
struct Found {
    /// Decisions to the nearest violating end below, and where that path goes.
    best: Option<(u32, Link)>,
    /// A bound on decisions cut something below.
    cut: bool,
}

/// One item ready at the earliest time.
struct ReadyItem {
    /// Its sequence number in this state.
    seq: u64,
    /// Its identity across renumbering ([`item_id`]).
    id: u64,
    fp: Footprint,
}

/// A step run along one branch: the new state, the decisions it took, and the class of
/// what it added to the tie ([`ADDS_NONE`] or [`ADDS_SOME`]).
type Leaf<'m> = (Box<Sim<'m>>, Vec<(u32, u32)>, u8);

/// A step added no item at the tie's time (the tie shrinks).
const ADDS_NONE: u8 = 1;
/// A step added at least one item at the tie's time.
const ADDS_SOME: u8 = 2;

/// An asleep ready item: its [`item_id`] and the classes of its steps' additions to the
/// tie (an OR of [`ADDS_NONE`] and [`ADDS_SOME`] over its branches).
type Asleep = (u64, u8);

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
}

/// Steps between two calls of the watch (a few milliseconds of search).
const WATCH_EVERY: u64 = 4096;

fn asleep(sleep: &[Asleep], seq: u64) -> bool {
    sleep.iter().any(|x| x.0 == seq)
}

/// The next branch of a step's decisions after `taken` (the first `fixed` are held).
fn next_prefix(taken: &[(u32, u32)], fixed: usize) -> Option<Vec<u32>> {
    (fixed..taken.len()).rev().find_map(|i| {
        (taken[i].0 + 1 < taken[i].1).then(|| {
            let mut p: Vec<u32> = taken[..i].iter().map(|x| x.0).collect();
            p.push(taken[i].0 + 1);
            p
        })
    })
}

impl<'m> Search<'m> {
    pub fn new(model: &'m Model, cfg: ExploreConfig) -> Self {
        let capacity = cfg.max_states.min(1 << 15);
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
        self.visit(sim, Vec::new(), 0, false)?;
        self.report.states = self.visited.len() as u64;
        self.report.distinct_verdicts = self.report.verdicts.len() as u64;
        Ok(())
    }

    /// The items ready at the earliest time, in the order the simulator numbers them. Their
    /// identities matter only for a tie or while something sleeps; footprints are added by
    /// [`Self::footprints`] where needed.
    fn ready(&self, sim: &Sim, sleeping: bool) -> Vec<ReadyItem> {
        let tied = sim.state.agenda.ready_now();
        let tie = tied.len() >= 2;
        tied.into_iter()
            .map(|a| ReadyItem {
                seq: a.seq,
                id: if tie || sleeping {
                    item_id(&sim.state, a)
                } else {
                    0
                },
                fp: Footprint::default(),
            })
            .collect()
    }

    /// Fills in the footprints of a tie's items (for the reduction).
    fn footprints(&self, sim: &Sim, ready: &mut [ReadyItem]) {
        if !self.cfg.reduction || ready.len() < 2 {
            return;
        }
        for r in ready.iter_mut() {
            if let Some(a) = sim.state.agenda.iter().find(|a| a.seq == r.seq) {
                r.fp = footprint(self.model, &sim.state, a);
            }
        }
    }

    /// Runs one step of a copy of `sim` along `prefix` (`ties` items were ready).
    fn leaf(&mut self, sim: &Sim<'m>, prefix: &[u32], ties: usize) -> Result<Leaf<'m>, RunError> {
        // A run that has not started yet (the root) is copied plainly: pooled runs have.
        let mut child = if ties == 0 {
            Box::new(sim.clone())
        } else {
            self.pool.copy(sim)
        };
        let mut ch = PrefixChooser::new(prefix);
        child.step(&mut ch)?;
        compact(&mut child);
        self.report.steps += 1;
        if self.report.steps.is_multiple_of(WATCH_EVERY) {
            self.poll();
        }
        let time = child.state.now;
        let now = child.state.agenda.iter().filter(|a| a.time == time).count();
        let class = if now + 1 > ties { ADDS_SOME } else { ADDS_NONE };
        Ok((child, ch.taken, class))
    }

    /// The sleep set after ready item `t` ran (one branch of it, whose additions to the tie
    /// are of `class`): the asleep and already explored items independent of it. Swapping
    /// two items must also keep the number of decisions (so that the shortest violating
    /// schedule survives the reduction): with only two items ready, the one that runs
    /// second is a decision only if the first added to the tie, so both must add alike.
    /// Nothing sleeps after a step that added text to the table.
    fn child_sleep(
        &self,
        sim: &Sim,
        ready: &[ReadyItem],
        asleep: &[Asleep],
        explored: &[Asleep],
        t: Option<usize>,
        class: u8,
    ) -> Vec<Asleep> {
        let Some(t) = t.filter(|_| self.cfg.reduction) else {
            return Vec::new();
        };
        let t_fp = &ready[t].fp;
        asleep
            .iter()
            .chain(explored)
            .filter(|&&(id, c)| {
                id != ready[t].id
                    && (ready.len() >= 3 || c == class)
                    && ready
                        .iter()
                        .any(|r| r.id == id && independent(self.model, &sim.state, &r.fp, t_fp))
            })
            .copied()
            .collect()
    }

    /// Explores from `sim` (between two steps): follows steps without decisions in place,
    /// then branches at the first decision point.
    fn visit(
        &mut self,
        mut sim: Box<Sim<'m>>,
        mut sleep: Vec<Asleep>,
        depth: u32,
        mut started: bool,
    ) -> Result<Found, RunError> {
        loop {
            if self.stop {
                return Ok(Found::default());
            }
            if started && sim.is_done() {
                return Ok(self.end(sim));
            }
            let ready = if started {
                self.ready(&sim, !sleep.is_empty())
            } else {
                Vec::new()
            };
            let awake: Vec<usize> = (0..ready.len())
                .filter(|&i| !asleep(&sleep, ready[i].id))
                .collect();
            if started && awake.is_empty() {
                self.report.pruned += 1;
                return Ok(Found::default());
            }
            if ready.len() >= 2 {
                return self.branch(sim, sleep, depth, ready, awake, None);
            }
            let first = awake.first().copied();
            let (child, taken, class) = self.leaf(&sim, &[], ready.len())?;
            if !taken.is_empty() {
                let first_leaf = Some((child, taken, class));
                return self.branch(sim, sleep, depth, ready, awake, first_leaf);
            }
            // No decision: the step was forced; go on from its result.
            sleep = if child.syms.len() == sim.syms.len() {
                self.child_sleep(&sim, &ready, &sleep, &[], first, class)
            } else {
                Vec::new()
            };
            let done = std::mem::replace(&mut sim, child);
            if started {
                self.pool.recycle(done);
            }
            started = true;
        }
    }

    /// A decision point: de-duplicate, then explore every awake ready item and every
    /// answer of the step's decisions.
    #[allow(clippy::too_many_arguments)]
    fn branch(
        &mut self,
        sim: Box<Sim<'m>>,
        sleep: Vec<Asleep>,
        depth: u32,
        ready: Vec<ReadyItem>,
        awake: Vec<usize>,
        mut first_leaf: Option<Leaf<'m>>,
    ) -> Result<Found, RunError> {
        self.report.visits += 1;
        let key = state_key(&sim, false);
        let mut ready = ready;
        if ready.len() == 1 {
            ready[0].id = sim
                .state
                .agenda
                .peek()
                .map_or(0, |a| item_id(&sim.state, a));
        }
        // Items already explored first from this state (at an earlier visit): not again,
        // and they may sleep in the branches of the others.
        let mut explored: Vec<Asleep> = Vec::new();
        match self.visited.get_mut(&key) {
            Some(v) if self.cfg.dedup => {
                let deep_enough = !v.cut || v.depth <= depth;
                let covered = awake
                    .iter()
                    .all(|&i| v.explored.iter().any(|e| e.0 == ready[i].id));
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
                    return Ok(found);
                }
                if deep_enough {
                    explored = v.explored.clone();
                }
                v.depth = v.depth.min(depth);
            }
            Some(_) => {}
            None => {
                self.visited.insert(
                    key,
                    Visit {
                        explored: Vec::new(),
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
        let candidates: Vec<Option<usize>> = if ready.is_empty() {
            vec![None]
        } else {
            awake
                .iter()
                .filter(|&&i| !explored.iter().any(|e| e.0 == ready[i].id))
                .map(|&i| Some(i))
                .collect()
        };
        if first_leaf.is_some() && candidates.first() != Some(&awake.first().copied()) {
            first_leaf = None;
        }
        let tie = ready.len() >= 2;
        for t in candidates {
            if self.stop {
                break;
            }
            let fixed: Vec<u32> = t.filter(|_| tie).map(|i| i as u32).into_iter().collect();
            let mut prefix = fixed.clone();
            let mut classes = 0u8;
            loop {
                let (child, taken, class) = match first_leaf.take() {
                    Some(leaf) => leaf,
                    None => self.leaf(&sim, &prefix, ready.len())?,
                };
                classes |= class;
                let child_depth = depth + taken.len() as u32;
                if child_depth as usize > self.cfg.max_decisions {
                    found.cut = true;
                    self.report.truncated_by_decisions = true;
                    self.pool.recycle(child);
                } else {
                    let child_sleep = if child.syms.len() == sim.syms.len() {
                        self.child_sleep(&sim, &ready, &sleep, &explored, t, class)
                    } else {
                        Vec::new()
                    };
                    let mark = self.path.len();
                    self.path.extend(taken.iter().map(|x| x.0));
                    let sub = self.visit(child, child_sleep, child_depth, true)?;
                    self.path.truncate(mark);
                    found.cut |= sub.cut;
                    if let Some((len, next)) = sub.best {
                        let total = len + taken.len() as u32;
                        if best.as_ref().is_none_or(|b| total < b.len) {
                            let skip = fixed.len();
                            best = Some(Best {
                                len: total,
                                item: t.filter(|_| tie).map(|i| ready[i].id),
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
                    Some(p) => prefix = p,
                    None => break,
                }
            }
            if let Some(t) = t {
                explored.push((ready[t].id, classes));
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
        if !ready.is_empty() {
            self.pool.recycle(sim);
        }
        Ok(found)
    }

    /// The end of a run: count it and judge it.
    fn end(&mut self, mut sim: Box<Sim<'m>>) -> Found {
        self.report.schedules += 1;
        let key = state_key(&sim, true);
        let violations = match sim.run(&mut PrefixChooser::new(&[])) {
            Ok(out) => out.violations,
            Err(_) => unreachable!("a finished run takes no more steps"),
        };
        self.pool.recycle(sim);
        let violating = !violations.is_empty();
        if self.ends.insert(key) {
            self.report.end_states += 1;
            if violating {
                self.report.violating_end_states += 1;
            }
        }
        if !violating {
            return Found::default();
        }
        self.report.verdicts.insert(verdict(&violations));
        if self.best.as_ref().is_none_or(|b| self.path.len() < b.len()) {
            self.best = Some(self.path.clone());
        }
        Found {
            best: Some((0, Link::End)),
            cut: false,
        }
    }

    /// A visited state with a violating continuation of `len` decisions was met again
    /// (as `sim`): the current path through it may be the shortest so far.
    fn offer_through(&mut self, sim: &Sim<'m>, key: u128, len: u32) {
        let total = self.path.len() + len as usize;
        if self.best.as_ref().is_some_and(|b| b.len() <= total) {
            return;
        }
        if let Some(rest) = self.follow(Box::new(sim.clone()), key) {
            let mut schedule = self.path.clone();
            schedule.extend(rest);
            self.best = Some(schedule);
        }
    }

    /// The answers of the best continuation stored from visited state `key`, worked out
    /// again on `sim` (a state with that key, whose items may be numbered differently).
    fn follow(&mut self, mut sim: Box<Sim<'m>>, mut key: u128) -> Option<Vec<u32>> {
        let mut out = Vec::new();
        loop {
            let best = *self.visited.get(&key)?.best.clone()?;
            let ready = self.ready(&sim, true);
            let mut prefix = Vec::new();
            if let Some(id) = best.item {
                prefix.push(ready.iter().position(|r| r.id == id)? as u32);
            }
            prefix.extend_from_slice(&best.answers);
            let (child, taken, _) = self.leaf(&sim, &prefix, ready.len()).ok()?;
            out.extend(taken.iter().map(|x| x.0));
            sim = child;
            // Steps without decisions, up to the next decision point or the end.
            loop {
                if sim.is_done() {
                    return matches!(best.next, Link::End).then_some(out);
                }
                let ready = self.ready(&sim, false);
                if ready.len() >= 2 {
                    break;
                }
                let (child, taken, _) = self.leaf(&sim, &[], ready.len()).ok()?;
                if !taken.is_empty() {
                    break;
                }
                sim = child;
            }
            match best.next {
                Link::Node(next) if state_key(&sim, false) == next => key = next,
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_count_like_an_odometer() {
        assert_eq!(next_prefix(&[(0, 2), (0, 3)], 0), Some(vec![0, 1]));
        assert_eq!(next_prefix(&[(0, 2), (2, 3)], 0), Some(vec![1]));
        assert_eq!(next_prefix(&[(1, 2), (2, 3)], 0), None);
        assert_eq!(next_prefix(&[(0, 2), (2, 3)], 1), None);
        assert_eq!(next_prefix(&[], 0), None);
    }
}
