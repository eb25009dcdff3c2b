//! Copies of runs that reuse memory: the search copies the run at every branch, and most
//! of a copy's cost is allocating (and later freeing) the many small per-person vectors.
//! Runs the search is done with go back to a pool; a copy overwrites a pooled run in place,
//! reusing the people's vectors, and clones the rest.

use super::super::sim::state::{Person, SimState};
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
                copy_state(&mut dst.state, &src.state);
                dst.trace.clone_from(&src.trace);
                dst.syms.clone_from(&src.syms);
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

fn copy_person(dst: &mut Person, src: &Person) {
    let Person {
        exists,
        fields,
        in_list,
        list_entries,
        status,
        campaigns,
        requests,
    } = src;
    dst.exists = *exists;
    dst.fields.clone_from(fields);
    dst.in_list.clone_from(in_list);
    dst.list_entries.clone_from(list_entries);
    dst.status.clone_from(status);
    dst.campaigns.clone_from(campaigns);
    dst.requests = *requests;
}

/// `*dst = src.clone()`, keeping `dst`'s people vectors. Every field is named, so a field
/// added to the state must be added here too.
fn copy_state(dst: &mut SimState, src: &SimState) {
    let SimState {
        now,
        seq,
        agenda,
        people,
        queues,
        runs,
        kv,
        crm,
        batches,
        next_batch,
        monitor,
        capped_requests,
        jobs,
        responses,
        changes,
        injected,
        batch_index,
    } = src;
    dst.now = *now;
    dst.seq = *seq;
    dst.agenda.clone_from(agenda);
    dst.people.truncate(people.len());
    for (d, s) in dst.people.iter_mut().zip(people) {
        copy_person(d, s);
    }
    let have = dst.people.len();
    dst.people.extend(people[have..].iter().cloned());
    dst.queues.clone_from(queues);
    dst.runs.clone_from(runs);
    dst.kv.clone_from(kv);
    dst.crm.clone_from(crm);
    dst.batches.clone_from(batches);
    dst.next_batch = *next_batch;
    dst.monitor.clone_from(monitor);
    dst.capped_requests = *capped_requests;
    dst.jobs.clone_from(jobs);
    dst.responses.clone_from(responses);
    dst.changes.clone_from(changes);
    dst.injected.clone_from(injected);
    dst.batch_index.clone_from(batch_index);
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
