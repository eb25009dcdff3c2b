//! Running steps for the exhaustive search: the items ready at a decision point, their
//! footprints, one step along one branch (on a copy of the run, or on the run itself), and
//! rebuilding a run from the start when a step on the run itself turns out to have needed
//! the run as it was.
//!
//! Copying the run is the search's largest cost after the step itself. A branch that is
//! the last one tried from a state, and a step that asks no decision, need no copy: they
//! can run on the run itself, which is not needed after them. Which step is the last, or
//! asks no decision, is known only once it has run; when it was not, the run as it was
//! before the step is made again by replaying the current path from the start. The search
//! counts how often that happens and runs steps in place only while the expected replay
//! costs less than the copies it saves ([`Odds`]).

use super::super::super::sim::{RunError, Sim};
use super::super::independence::{footprint_into, Footprint};
use super::super::schedule::{PrefixChooser, Taken};
use super::super::state_key::{compact, item_hash};
use super::visited::{ADDS_NONE, ADDS_SOME};
use super::{Search, WATCH_EVERY};

/// One item ready at the earliest time.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReadyItem {
    /// Its sequence number in this state.
    pub seq: u64,
    /// Its identity across renumbering (the low half of `hash`), when asked for.
    pub id: u64,
    /// Its [`item_hash`] (whose low half is `id`), when `id` was asked for.
    pub hash: u128,
}

/// The items ready at a decision point, in the order the simulator numbers them, and their
/// footprints (for the reduction, filled in by [`Search::footprints`] where needed). Kept
/// between visits so that filling them in allocates nothing: the footprints are written
/// over those of an earlier visit, and only the first `filled` of them are this visit's.
#[derive(Debug, Default)]
pub(super) struct Ready {
    pub items: Vec<ReadyItem>,
    fps: Vec<Footprint>,
    filled: usize,
    /// Whether the items' `id` and `hash` are filled in.
    pub hashed: bool,
}

impl Ready {
    /// The footprints filled in for this visit (none, or one per item).
    pub fn fps(&self) -> &[Footprint] {
        &self.fps[..self.filled]
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The earliest time and the sum of its items' hashes, if they are filled in (see
    /// [`super::super::state_key::state_key_with`]).
    pub fn digest(&self, sim: &Sim) -> Option<(u64, u128)> {
        let time = sim.state.agenda.peek()?.time;
        self.hashed.then(|| {
            let sum = self
                .items
                .iter()
                .fold(0u128, |acc, r| acc.wrapping_add(r.hash));
            (time, sum)
        })
    }
}

/// How often a step on the run itself turned out to need the run as it was (then rebuilt
/// by replaying the path), learnt from every step where it could have been run in place.
#[derive(Debug, Default)]
pub(super) struct Odds {
    seen: u64,
    missed: u64,
    /// Always (or never) in place, whatever the odds: for tests.
    pub force: Option<bool>,
}

impl Odds {
    pub fn learn(&mut self, missed: bool) {
        self.seen += 1;
        self.missed += u64::from(missed);
    }

    /// Whether running in place at `at` steps from the start is worth it: the expected
    /// replay (`at` steps, at the rate of misses so far) below about half a copy.
    pub fn worth(&self, at: u32) -> bool {
        self.force
            .unwrap_or_else(|| 2 * (self.missed + 1) * (at as u64 + 1) < self.seen + 2)
    }
}

impl<'m> Search<'m> {
    /// The items ready at the earliest time of `sim` (a started run, not done), in the
    /// order the simulator numbers them. Their identities are filled in for a tie or while
    /// something sleeps.
    pub(super) fn fill_ready(&self, sim: &Sim, sleeping: bool, ready: &mut Ready) {
        ready.items.clear();
        ready.filled = 0;
        ready.hashed = false;
        let agenda = &sim.state.agenda;
        let Some(time) = agenda.peek().map(|a| a.time) else {
            return;
        };
        for a in agenda.iter().filter(|a| a.time == time) {
            let hash = if sleeping {
                item_hash(&sim.state, a)
            } else {
                0
            };
            ready.items.push(ReadyItem {
                seq: a.seq,
                id: hash as u64,
                hash,
            });
        }
        ready.hashed = sleeping;
        if ready.items.len() >= 2 {
            ready.items.sort_unstable_by_key(|r| r.seq);
            if !sleeping {
                for a in agenda.iter().filter(|a| a.time == time) {
                    let i = ready
                        .items
                        .binary_search_by_key(&a.seq, |r| r.seq)
                        .expect("a ready item");
                    let hash = item_hash(&sim.state, a);
                    ready.items[i].hash = hash;
                    ready.items[i].id = hash as u64;
                }
                ready.hashed = true;
            }
        }
    }

    /// Fills in the identity of a lone ready item (a decision point with one item ready).
    pub(super) fn hash_lone(&self, sim: &Sim, ready: &mut Ready) {
        if ready.len() == 1 && !ready.hashed {
            let hash = sim
                .state
                .agenda
                .peek()
                .map_or(0, |a| item_hash(&sim.state, a));
            ready.items[0].hash = hash;
            ready.items[0].id = hash as u64;
            ready.hashed = true;
        }
    }

    /// Fills in the footprints of a tie's items (for the reduction).
    pub(super) fn footprints(&self, sim: &Sim, ready: &mut Ready) {
        ready.filled = 0;
        if !self.cfg.reduction || ready.len() < 2 {
            return;
        }
        let n = ready.len();
        if ready.fps.len() < n {
            ready.fps.resize_with(n, Footprint::default);
        }
        for (r, fp) in ready.items.iter().zip(&mut ready.fps) {
            match sim.state.agenda.iter().find(|a| a.seq == r.seq) {
                Some(a) => footprint_into(self.model, &sim.state, a, fp),
                None => *fp = Footprint::default(),
            }
        }
        ready.filled = n;
    }

    /// A buffer for the ready items of a visit.
    pub(super) fn take_ready(&mut self) -> Ready {
        self.spare_ready.pop().unwrap_or_default()
    }

    /// Gives back a buffer from [`Self::take_ready`].
    pub(super) fn give_ready(&mut self, ready: Ready) {
        self.spare_ready.push(ready);
    }

    /// Runs one step of `sim` along `prefix` (`ties` items were ready): the decisions it
    /// took and the class of what it added to the tie.
    pub(super) fn step(
        &mut self,
        sim: &mut Sim<'m>,
        prefix: &[u32],
        ties: usize,
    ) -> Result<(Taken, u8), RunError> {
        let mut ch = PrefixChooser::new(prefix);
        sim.step(&mut ch)?;
        compact(sim);
        self.report.steps += 1;
        if self.report.steps.is_multiple_of(WATCH_EVERY) {
            self.poll();
        }
        let time = sim.state.now;
        let now = sim.state.agenda.iter().filter(|a| a.time == time).count();
        let class = if now + 1 > ties { ADDS_SOME } else { ADDS_NONE };
        Ok((ch.taken, class))
    }

    /// A copy of `sim` (`ties` items ready: none only at the start, before the run has
    /// started, when it is copied plainly since pooled runs have started).
    pub(super) fn copy(&mut self, sim: &Sim<'m>, ties: usize) -> Box<Sim<'m>> {
        if ties == 0 {
            Box::new(sim.clone())
        } else {
            self.pool.copy(sim)
        }
    }

    /// The run `at` steps from the start along the current path: what a step run in place
    /// destroyed, made again.
    pub(super) fn rebuild(&mut self, at: u32) -> Result<Box<Sim<'m>>, RunError> {
        let mut sim = Box::new(Sim::new(self.model));
        let mut ch = PrefixChooser::new(&self.path);
        for _ in 0..at {
            sim.step(&mut ch)?;
            compact(&mut sim);
        }
        debug_assert_eq!(ch.taken.len(), self.path.len(), "the path replayed whole");
        self.rebuilt_steps += at as u64;
        Ok(sim)
    }
}
