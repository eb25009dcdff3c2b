//! Copies of runs that reuse memory: the search copies the run at every branch, and most
//! of a copy's cost would be allocating (and later freeing) its vectors, heaps and slots.
//! Runs the search is done with go back to a pool; a copy overwrites a pooled run in place
//! with `clone_from`, which every part of the state implements by reusing its memory.

use super::super::sim::Sim;

/// Runs to reuse (all started, so their private flags match every run they copy).
#[derive(Default)]
pub(crate) struct Pool<'m> {
    // Boxed on purpose: the search passes runs around boxed, and a pooled box is reused
    // whole (no allocation, no 1.3 KB move).
    #[allow(clippy::vec_box)]
    free: Vec<Box<Sim<'m>>>,
}

/// Most runs kept for reuse.
const KEEP: usize = 64;

impl<'m> Pool<'m> {
    /// A copy of `src` (a started run).
    pub fn copy(&mut self, src: &Sim<'m>) -> Box<Sim<'m>> {
        match self.free.pop() {
            Some(mut dst) => {
                dst.as_mut().clone_from(src);
                dst
            }
            None => Box::new(src.clone()),
        }
    }

    /// Takes back a started run the search no longer needs.
    pub fn recycle(&mut self, sim: Box<Sim<'m>>) {
        if self.free.len() < KEEP {
            self.free.push(sim);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{compile, RunConfig, SeededChooser};

    #[test]
    fn a_pooled_copy_equals_a_clone() {
        let scenario = crate::scenarios::builtin("list-queue").expect("built in");
        let model = compile(&scenario, &RunConfig::default()).expect("compiles");
        let mut pool = Pool::default();
        let mut a = Sim::new(&model);
        let mut b = Sim::new(&model);
        let mut ch = SeededChooser::new(3);
        for _ in 0..40 {
            a.step(&mut ch).expect("steps");
        }
        for _ in 0..400 {
            b.step(&mut ch).expect("steps");
        }
        pool.recycle(Box::new(b));
        let copy = pool.copy(&a);
        assert_eq!(copy.state, a.state);
        assert_eq!(copy.trace, a.trace);
        assert_eq!(*copy.syms, *a.syms);
    }
}
