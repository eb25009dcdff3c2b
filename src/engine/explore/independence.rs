//! The independence rule of the partial-order reduction: when two items ready at the same
//! millisecond may run in either order without changing what can happen next.
//!
//! Each ready agenda item gets a conservative *footprint* in the state where the tie is
//! decided: the data it may read and the data it may write, and what it does to the
//! campaign queues. Data is split finely:
//! - per person: each field, each list membership (with its entry count), each program
//!   status, each campaign membership, the person's e-mail log per list entry (what the
//!   e-mail invariants follow), the Request Campaign count;
//! - a flow run's own state (its step, the webhook call it waits for);
//! - an injected delay waiting for a person's next call of a webhook;
//! - each key-value key; each batch run's set of addresses already e-mailed.
//!
//! A flow step reads and writes what its action does, every branch of a choice counted
//! (with the filters the choice reads), plus what that action's activity can set off at
//! once: every trigger campaign whose trigger may fire reads its smart list and writes the
//! person's membership of it. Ending the run writes the membership of the campaign it
//! entered. Outside events and the CRM's per-person work touch everything of their person.
//! Anything that reads or writes data of several people or of a shared system is *global*:
//! a batch campaign's snapshot, the CRM sync cycle, an outside event without a person or one
//! that runs a batch campaign, a submission that looks a person up by email (it reads the
//! address's spare record too), scheduled jobs, the response feed, the change feed (and any
//! field change it watches), and an e-mail checked against `email_only_when` conditions.
//!
//! Two items are independent when neither is global, neither writes what the other reads
//! or writes, and, for every campaign queue both use, no entry is waiting in it and its
//! idle workers cover what both may push beyond the workers they free: every pushed step
//! then gets a worker at once in either order, so the queue's arrival order (which decides
//! who is served first) cannot matter.
//!
//! Running two independent items in either order gives states that differ only in
//! numbering (event ids, agenda sequence numbers, run slots and ids, webhook call numbers,
//! the order of the violation list), never in data or in what any rule reads: the same end
//! states up to numbering, and the same verdicts. See `docs/explore.md`.

use super::super::dist::Delay;
use super::super::model::*;
use super::super::sim::state::{Agendum, FlowRun, KvKey, Pending, RunRef, SimState};
use super::super::value::Value;

/// A piece of data an item may read or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Res {
    /// Everything of a person.
    Person(PersonId),
    Field(PersonId, FieldId),
    /// Membership of a list and the entry count.
    List(PersonId, ListId),
    Status(PersonId, ProgramId),
    /// Membership of a campaign (member, last entry, runs in its flow).
    Campaign(PersonId, CampaignId),
    /// Which entries of the person got their e-mail (the monitor's log).
    Entries(PersonId),
    Requests(PersonId),
    /// An injected extra delay waiting for the person's next call of a webhook.
    WebhookDelay(PersonId, WebhookId),
    /// A flow run's own state, by run id.
    Run(u64),
    /// A key-value key, by a hash of it (two keys with one hash only look dependent).
    Kv(u64),
    /// A batch run's set of addresses already e-mailed.
    Batch(u32),
}

impl Res {
    fn person(&self) -> Option<PersonId> {
        match *self {
            Res::Person(p)
            | Res::Field(p, _)
            | Res::List(p, _)
            | Res::Status(p, _)
            | Res::Campaign(p, _)
            | Res::Entries(p)
            | Res::Requests(p)
            | Res::WebhookDelay(p, _) => Some(p),
            Res::Run(_) | Res::Kv(_) | Res::Batch(_) => None,
        }
    }

    fn overlaps(&self, other: &Res) -> bool {
        match (self, other) {
            (Res::Person(p), x) | (x, Res::Person(p)) => x.person() == Some(*p),
            (a, b) => a == b,
        }
    }
}

/// A short list of data kept inline (no allocation); one that would overflow makes its
/// footprint global instead, which is always safe. Entries past `len` are left over from
/// earlier use and mean nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResList {
    items: [Res; ResList::CAP],
    len: u8,
}

impl ResList {
    const CAP: usize = 24;

    /// Adds `r`; false if the list is full.
    #[inline]
    fn push(&mut self, r: Res) -> bool {
        if self.items[..self.len as usize].contains(&r) {
            return true;
        }
        if self.len as usize == Self::CAP {
            return false;
        }
        self.items[self.len as usize] = r;
        self.len += 1;
        true
    }

    fn iter(&self) -> impl Iterator<Item = &Res> {
        self.items[..self.len as usize].iter()
    }
}

impl PartialEq for ResList {
    fn eq(&self, other: &Self) -> bool {
        self.items[..self.len as usize] == other.items[..other.len as usize]
    }
}

impl Eq for ResList {}

impl Default for ResList {
    fn default() -> Self {
        ResList {
            items: [Res::Run(0); Self::CAP],
            len: 0,
        }
    }
}

/// What one ready item may touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Footprint {
    /// Reads or writes data of several people or of a shared system.
    pub global: bool,
    pub reads: ResList,
    pub writes: ResList,
    /// Entries it may push onto each campaign queue.
    pub pushes: [u8; 2],
    /// Workers it frees on each campaign queue.
    pub frees: [u8; 2],
}

impl Footprint {
    /// Empties it for the next item, keeping its memory (the lists are not cleared, only
    /// their lengths: a footprint is filled in place for every ready item of every tie).
    fn reset(&mut self) {
        self.global = false;
        self.reads.len = 0;
        self.writes.len = 0;
        self.pushes = [0; 2];
        self.frees = [0; 2];
    }

    fn touches_queue(&self, q: usize) -> bool {
        self.pushes[q] > 0 || self.frees[q] > 0
    }

    /// Workers it needs beyond the ones it frees.
    fn need(&self, q: usize) -> u32 {
        (self.pushes[q] as u32).saturating_sub(self.frees[q] as u32)
    }

    /// Whether one of them writes what the other reads or writes.
    fn conflicts(&self, other: &Footprint) -> bool {
        let hits = |writes: &ResList, f: &Footprint| {
            writes
                .iter()
                .any(|w| f.reads.iter().chain(f.writes.iter()).any(|x| w.overlaps(x)))
        };
        hits(&self.writes, other) || hits(&other.writes, self)
    }
}

/// An activity a step can cause, as far as triggers are concerned.
#[derive(Debug, Clone, Copy)]
enum Act {
    ValueChanged(FieldId),
    AddedToList(ListId),
    RemovedFromList(ListId),
    Requested(CampaignId),
    StatusChanged(ProgramId),
}

/// Whether `trigger` of campaign `c` may fire on `act` (value constraints ignored).
fn may_fire(trigger: &TriggerModel, act: Act, c: CampaignId) -> bool {
    use TriggerModel as T;
    match (trigger, act) {
        (T::DataValueChanges { field, .. }, Act::ValueChanged(f)) => *field == f,
        (T::ScoreIsChanged(field), Act::ValueChanged(f)) => *field == f,
        (T::AddedToList(l), Act::AddedToList(x)) => *l == x,
        (T::RemovedFromList(l), Act::RemovedFromList(x)) => *l == x,
        (T::CampaignIsRequested(_), Act::Requested(target)) => target == c,
        (T::ProgramStatusIsChanged { program, .. }, Act::StatusChanged(p)) => *program == p,
        _ => false,
    }
}

fn key_hash(key: &KvKey) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = super::super::trace::StableHasher::default();
    key.hash(&mut h);
    h.finish()
}

/// Whether a delay can be 0 (a webhook with no latency is served inside the step).
fn may_be_zero(d: &Delay) -> bool {
    match d {
        Delay::Fixed(v) => *v == 0,
        Delay::Uniform { min, .. } => *min == 0,
        Delay::Exponential { .. } => true,
        Delay::Empirical(v) => v.is_empty() || v.contains(&0),
    }
}

/// Builds the footprint of work on one person, in place.
struct Builder<'a, 'f> {
    model: &'a Model,
    state: &'a SimState,
    p: PersonId,
    fp: &'f mut Footprint,
}

impl Builder<'_, '_> {
    fn read(&mut self, r: Res) {
        if !self.fp.reads.push(r) {
            self.fp.global = true;
        }
    }

    fn write(&mut self, r: Res) {
        if !self.fp.writes.push(r) {
            self.fp.global = true;
        }
    }

    fn filters(&mut self, filters: &[FilterModel]) {
        let p = self.p;
        for f in filters {
            self.read(match f {
                FilterModel::Field(field, _) => Res::Field(p, *field),
                FilterModel::MemberOfList(l, _) => Res::List(p, *l),
                FilterModel::ProgramStatus(prog, _, _) => Res::Status(p, *prog),
                FilterModel::MemberOfCampaign(c, _) => Res::Campaign(p, *c),
            });
        }
    }

    /// What an activity sets off at once: qualification for every trigger campaign that
    /// may fire (its smart list read, the person's membership written).
    fn activity(&mut self, act: Act) {
        let model = self.model;
        for (ci, c) in model.campaigns.iter().enumerate() {
            let ci = ci as CampaignId;
            if !c.active || c.schedule.is_some() {
                continue;
            }
            if c.triggers.iter().any(|t| may_fire(t, act, ci)) {
                self.filters(&c.filters);
                self.write(Res::Campaign(self.p, ci));
            }
        }
    }

    fn change_field(&mut self, f: FieldId) {
        let watched = self
            .model
            .integrations
            .changes
            .as_ref()
            .is_some_and(|feed| feed.fields.contains(&f));
        self.fp.global |= watched;
        self.write(Res::Field(self.p, f));
        self.activity(Act::ValueChanged(f));
    }

    /// The key a key-value webhook uses (as the webhook service computes it).
    fn kv_key(&mut self, parts: &[KeyPart]) -> KvKey {
        let p = self.p;
        let person = &self.state.people[p as usize];
        let mut reads = Vec::new();
        let key = KvKey::new(parts.iter().map(|part| match part {
            KeyPart::Text(t) => Value::Text(*t),
            KeyPart::Person => Value::Number(p as i64 + 1),
            KeyPart::Field(f) => {
                reads.push(Res::Field(p, *f));
                person.fields[*f as usize]
            }
        }));
        for r in reads {
            self.read(r);
        }
        key
    }

    /// The webhook's service acting for the person.
    fn serve(&mut self, w: WebhookId) {
        match &self.model.webhooks[w as usize].service {
            ServiceModel::KeyValue(op) => {
                let key = self.kv_key(&op.key);
                if let Some(f) = op.token {
                    self.read(Res::Field(self.p, f));
                }
                self.write(Res::Kv(key_hash(&key)));
            }
            ServiceModel::Respond(values) => {
                for (_, src) in values {
                    if let Source::Field(f) = src {
                        self.read(Res::Field(self.p, *f));
                    }
                }
            }
        }
    }

    fn action(&mut self, run: &FlowRun, action: &ActionModel) {
        let p = self.p;
        match action {
            ActionModel::ChangeDataValue(f, _) | ActionModel::ChangeScore(f, _) => {
                self.change_field(*f)
            }
            ActionModel::AddToList(l) => {
                self.write(Res::List(p, *l));
                self.write(Res::Entries(p));
                self.activity(Act::AddedToList(*l));
            }
            ActionModel::RemoveFromList(l) => {
                self.write(Res::List(p, *l));
                self.activity(Act::RemovedFromList(*l));
            }
            ActionModel::ChangeProgramStatus(prog, _) => {
                self.write(Res::Status(p, *prog));
                self.activity(Act::StatusChanged(*prog));
            }
            ActionModel::RequestCampaign(t) => {
                self.write(Res::Requests(p));
                self.activity(Act::Requested(*t));
            }
            ActionModel::ExecuteCampaign(t) => self.write(Res::Campaign(p, *t)),
            ActionModel::SendEmail(_) => {
                // The monitor reads the entry counts of the lists it follows and writes the
                // e-mail log.
                for inv in &self.model.invariants {
                    if let InvariantModel::OneEmailPerEntry { list, .. }
                    | InvariantModel::NoEntryLost { list, .. } = inv
                    {
                        self.read(Res::List(p, *list));
                    }
                }
                self.write(Res::Entries(p));
                if let Some(ef) = self.model.email_field {
                    self.read(Res::Field(p, ef));
                    if let Some(b) = run.batch {
                        self.write(Res::Batch(b));
                    }
                }
                if self.model.checks_email_conditions {
                    self.write(Res::Person(p));
                }
            }
            ActionModel::SendAlert(_) => {
                if let Some(f) = self.model.owner_field {
                    self.read(Res::Field(p, f));
                }
            }
            ActionModel::CallWebhook(w) => {
                self.write(Res::WebhookDelay(p, *w));
                let hook = &self.model.webhooks[*w as usize];
                if let ServiceModel::KeyValue(op) = &hook.service {
                    self.kv_key(&op.key);
                }
                if may_be_zero(&hook.latency) {
                    self.serve(*w);
                }
            }
            // The snapshot reads every field: read "everything of the person".
            ActionModel::SyncPersonToCrm => self.read(Res::Person(p)),
            ActionModel::Choice { branches, default } => {
                for (filters, _, a) in branches {
                    self.filters(filters);
                    self.action(run, a);
                }
                self.action(run, default);
            }
            ActionModel::Wait(_) | ActionModel::RemoveFromFlow | ActionModel::DoNothing => {}
        }
    }
}

/// The campaign a run entered (the first caller of executed campaigns).
fn entered(run: &FlowRun) -> CampaignId {
    run.callers.first().map_or(run.campaign, |(c, _)| *c)
}

/// Footprint of an item that continues run `r`: its own state, ending it (which writes the
/// membership of the campaign it entered), one push onto its queue. None (and `fp` left
/// empty) when the run has ended.
fn run_builder<'a, 'f>(
    model: &'a Model,
    state: &'a SimState,
    r: RunRef,
    fp: &'f mut Footprint,
) -> Option<Builder<'a, 'f>> {
    let run = state.runs.get(r)?;
    let mut b = Builder {
        model,
        state,
        p: run.person,
        fp,
    };
    b.write(Res::Run(r.id));
    b.write(Res::Campaign(run.person, entered(run)));
    b.fp.pushes[run.queue as usize] = 1;
    Some(b)
}

/// The footprint of ready item `a` in `state`, written over `fp` (whose memory is reused:
/// a footprint is some 800 bytes, and a tie's items get one each at every decision point).
pub(crate) fn footprint_into(model: &Model, state: &SimState, a: &Agendum, fp: &mut Footprint) {
    fp.reset();
    match &a.what {
        Pending::Scripted {
            index,
            person: Some(p),
        } => match &model.script[*index as usize].event {
            OutsideModel::RunBatchCampaign(_)
            | OutsideModel::RunJobNow(_)
            | OutsideModel::ChangeEventArrives(_)
            | OutsideModel::ChangeEventRedelivered
            | OutsideModel::ResponsesArrive(_)
            | OutsideModel::SyncPersonByApi(_) => fp.global = true,
            // A lookup by email reads every record of the address (the spare record too), and
            // `one_person_per_email` compares a new person with everyone.
            OutsideModel::FillsOutForm(_)
                if model.creation.is_some()
                    || model
                        .invariants
                        .iter()
                        .any(|i| matches!(i, InvariantModel::OnePersonPerEmail { .. })) =>
            {
                fp.global = true
            }
            OutsideModel::ChangeDataValue(f, _)
                if model
                    .integrations
                    .changes
                    .as_ref()
                    .is_some_and(|feed| feed.fields.contains(f)) =>
            {
                fp.global = true
            }
            // Triggered campaigns join the queue later, through the agenda.
            OutsideModel::FillsOutForm(_)
            | OutsideModel::AddToList(_)
            | OutsideModel::ChangeDataValue(..)
            | OutsideModel::RequestCampaign(_)
            | OutsideModel::AssignOwnerInCrm(_)
            | OutsideModel::DelayWebhook(..) => {
                fp.writes.push(Res::Person(*p));
            }
        },
        Pending::Scripted { person: None, .. }
        | Pending::BatchRun { .. }
        | Pending::CrmCycle
        | Pending::Job { .. }
        | Pending::Response(_)
        | Pending::Change(_)
        | Pending::Insert { .. }
        | Pending::ApiSync { .. } => fp.global = true,
        Pending::CrmReceive { person, .. }
        | Pending::CrmAssign { person, .. }
        | Pending::CrmAutomation { person, .. } => {
            fp.writes.push(Res::Person(*person));
        }
        // A run that has ended makes these do nothing.
        Pending::Enqueue(r) | Pending::WaitOver(r) | Pending::WebhookTimeout(r, _) => {
            run_builder(model, state, *r, fp);
        }
        Pending::StepDone(r, q) => {
            if let Some(mut b) = run_builder(model, state, *r, fp) {
                let run = state.runs.get(*r).expect("live run");
                let flow = &model.campaigns[run.campaign as usize].flow;
                if let Some(step) = flow.get(run.pc as usize) {
                    b.action(run, &step.action);
                }
            }
            fp.frees[*q as usize] = 1;
        }
        Pending::WebhookServe(call) => {
            let mut b = Builder {
                model,
                state,
                p: call.person,
                fp,
            };
            b.write(Res::Run(call.run.id));
            b.serve(call.webhook);
        }
        Pending::WebhookWriteBack(call) => {
            let mut b = Builder {
                model,
                state,
                p: call.person,
                fp,
            };
            b.serve(call.webhook);
            for (_, f) in &model.webhooks[call.webhook as usize].mappings {
                b.change_field(*f);
            }
        }
        Pending::WebhookReturn(r, _) => {
            let Some(mut b) = run_builder(model, state, *r, fp) else {
                return;
            };
            if let Some((w, _)) = state.runs.get(*r).and_then(|run| run.call) {
                for (_, f) in &model.webhooks[w as usize].mappings {
                    b.change_field(*f);
                }
            }
        }
    }
}

/// Whether `a` and `b`, both ready in `state`, may run in either order.
pub(crate) fn independent(model: &Model, state: &SimState, a: &Footprint, b: &Footprint) -> bool {
    if a.global || b.global || a.conflicts(b) {
        return false;
    }
    for q in 0..2 {
        if a.touches_queue(q) && b.touches_queue(q) {
            let queue = &state.queues[q];
            if !queue.ready.is_empty() {
                return false;
            }
            let idle = model.queue.workers[q].saturating_sub(queue.busy);
            if idle < a.need(q) + b.need(q) {
                return false;
            }
        }
    }
    true
}
