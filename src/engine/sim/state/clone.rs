//! Copying a run's state part by part. The explorer copies the run at every branch of its
//! search into a run it is done with (see `explore::pool`); `clone_from` keeps the memory
//! of every part (vectors, slots, heaps) instead of allocating them again, so a copy is
//! mostly copying bytes. `clone` is `clone_from` into an empty value: the two always agree.

use super::{CrmState, FlowRun, Person, Runs, SimState, WorkQueue};

impl Clone for Person {
    fn clone(&self) -> Self {
        Person {
            exists: self.exists,
            fields: self.fields.clone(),
            in_list: self.in_list.clone(),
            list_entries: self.list_entries.clone(),
            status: self.status.clone(),
            campaigns: self.campaigns.clone(),
            requests: self.requests,
        }
    }

    fn clone_from(&mut self, src: &Self) {
        // Every field is named, so a field added to the person must be added here too.
        let Person {
            exists,
            fields,
            in_list,
            list_entries,
            status,
            campaigns,
            requests,
        } = src;
        self.exists = *exists;
        self.fields.clone_from(fields);
        self.in_list.clone_from(in_list);
        self.list_entries.clone_from(list_entries);
        self.status.clone_from(status);
        self.campaigns.clone_from(campaigns);
        self.requests = *requests;
    }
}

impl Clone for FlowRun {
    fn clone(&self) -> Self {
        FlowRun {
            id: self.id,
            campaign: self.campaign,
            person: self.person,
            pc: self.pc,
            callers: self.callers.clone(),
            queue: self.queue,
            batch: self.batch,
            call: self.call,
            response: self.response.clone(),
            cause: self.cause,
        }
    }

    fn clone_from(&mut self, src: &Self) {
        // Every field is named, so a field added to the run must be added here too.
        let FlowRun {
            id,
            campaign,
            person,
            pc,
            callers,
            queue,
            batch,
            call,
            response,
            cause,
        } = src;
        self.id = *id;
        self.campaign = *campaign;
        self.person = *person;
        self.pc = *pc;
        self.callers.clone_from(callers);
        self.queue = *queue;
        self.batch = *batch;
        self.call = *call;
        self.response.clone_from(response);
        self.cause = *cause;
    }
}

impl Clone for Runs {
    fn clone(&self) -> Self {
        let mut r = Runs::default();
        r.clone_from(self);
        r
    }

    fn clone_from(&mut self, src: &Self) {
        let Runs {
            slots,
            free,
            next_id,
        } = src;
        self.slots.clone_from(slots);
        self.free.clone_from(free);
        self.next_id = *next_id;
    }
}

impl Clone for WorkQueue {
    fn clone(&self) -> Self {
        let mut q = WorkQueue::default();
        q.clone_from(self);
        q
    }

    fn clone_from(&mut self, src: &Self) {
        let WorkQueue { busy, ready } = src;
        self.busy = *busy;
        self.ready.clone_from(ready);
    }
}

impl Clone for CrmState {
    fn clone(&self) -> Self {
        let mut c = CrmState::default();
        c.clone_from(self);
        c
    }

    fn clone_from(&mut self, src: &Self) {
        self.records.clone_from(&src.records);
    }
}

impl Clone for SimState {
    fn clone(&self) -> Self {
        let mut s = SimState::default();
        s.clone_from(self);
        s
    }

    /// Every field is named, so a field added to the state must be added here too.
    fn clone_from(&mut self, src: &Self) {
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
        self.now = *now;
        self.seq = *seq;
        self.agenda.clone_from(agenda);
        self.people.clone_from(people);
        self.queues.clone_from(queues);
        self.runs.clone_from(runs);
        // A `BTreeMap` copy frees every node and allocates it again; the explorer's pooled
        // runs often hold the same store and batch runs as the run they copy (a nearby
        // state of the search), and comparing allocates nothing.
        if self.kv != *kv {
            self.kv.clone_from(kv);
        }
        self.crm.clone_from(crm);
        if self.batches != *batches {
            self.batches.clone_from(batches);
        }
        self.next_batch = *next_batch;
        self.monitor.clone_from(monitor);
        self.capped_requests = *capped_requests;
        self.jobs.clone_from(jobs);
        self.responses.clone_from(responses);
        self.changes.clone_from(changes);
        self.injected.clone_from(injected);
        self.batch_index.clone_from(batch_index);
    }
}
