//! The shortest violating schedule: the ends of runs are judged as they are met, and a
//! path that meets a visited state with a violating continuation below it follows that
//! continuation again to write it down (the stored continuation names ready items by
//! identity and answers by index, which a state met again may number differently).

use super::super::super::sim::Sim;
use super::super::schedule::{Prefix, PrefixChooser};
use super::super::state_key::state_key;
use super::super::verdict;
use super::step::Ready;
use super::visited::{Found, Link};
use super::Search;

impl<'m> Search<'m> {
    /// The end of a run: count it and judge it.
    pub(super) fn end(&mut self, mut sim: Box<Sim<'m>>) -> Found {
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
    pub(super) fn offer_through(&mut self, sim: &Sim<'m>, key: u128, len: u32) {
        let total = self.path.len() + len as usize;
        if self.best.as_ref().is_some_and(|b| b.len() <= total) {
            return;
        }
        let copy = self.pool.copy(sim);
        if let Some(rest) = self.follow(copy, key) {
            let mut schedule = self.path.clone();
            schedule.extend(rest);
            self.best = Some(schedule);
        }
    }

    /// The answers of the best continuation stored from visited state `key`, worked out
    /// again on `sim` (a state with that key, whose items may be numbered differently).
    fn follow(&mut self, mut sim: Box<Sim<'m>>, mut key: u128) -> Option<Vec<u32>> {
        let mut out = Vec::new();
        let mut ready = Ready::default();
        loop {
            let best = *self.visited.get(&key)?.best.clone()?;
            self.fill_ready(&sim, true, &mut ready);
            let mut prefix = Prefix::new();
            if let Some(id) = best.item {
                prefix.push(ready.items.iter().position(|r| r.id == id)? as u32);
            }
            prefix.extend_from_slice(&best.answers);
            let (taken, _) = self.step(&mut sim, &prefix, ready.len()).ok()?;
            out.extend(taken.iter().map(|x| x.0));
            // Steps without decisions, up to the next decision point or the end.
            loop {
                if sim.is_done() {
                    return matches!(best.next, Link::End).then_some(out);
                }
                self.fill_ready(&sim, false, &mut ready);
                if ready.len() >= 2 {
                    break;
                }
                let mut child = self.pool.copy(&sim);
                let (taken, _) = self.step(&mut child, &[], ready.len()).ok()?;
                if !taken.is_empty() {
                    self.pool.recycle(child);
                    break;
                }
                self.pool.recycle(std::mem::replace(&mut sim, child));
            }
            match best.next {
                Link::Node(next) if state_key(&sim, false) == next => key = next,
                _ => return None,
            }
        }
    }
}
