//! Simulation state: everything a run needs to continue, and nothing else (the trace is
//! kept beside it). `Clone + Eq + Hash`, so a search can copy, compare and de-duplicate it.

use super::super::invariants::Monitor;
use super::super::model::*;
use super::super::trace::EventId;
use super::super::value::{Sym, Symbols, Value};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::hash::{Hash, Hasher};

mod clone;

/// A min-heap that can be compared and hashed (by its layout, which is deterministic
/// for a given history of operations).
#[derive(Debug)]
pub struct MinHeap<T: Ord>(BinaryHeap<Reverse<T>>);

/// `clone_from` keeps the heap's memory (the explorer copies runs at every branch).
impl<T: Ord + Clone> Clone for MinHeap<T> {
    fn clone(&self) -> Self {
        MinHeap(self.0.clone())
    }
    fn clone_from(&mut self, src: &Self) {
        self.0.clone_from(&src.0);
    }
}

impl<T: Ord> Default for MinHeap<T> {
    fn default() -> Self {
        MinHeap(BinaryHeap::new())
    }
}

impl<T: Ord> MinHeap<T> {
    pub fn push(&mut self, t: T) {
        self.0.push(Reverse(t));
    }
    pub fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|r| r.0)
    }
    pub fn peek(&self) -> Option<&T> {
        self.0.peek().map(|r| &r.0)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Empties the heap, keeping its memory.
    pub fn clear(&mut self) {
        self.0.clear()
    }
    /// The items in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter().map(|r| &r.0)
    }

    /// The items smallest first (a heap sort of a copy).
    pub fn sorted(&self) -> Vec<T>
    where
        T: Clone,
    {
        let mut items = self.0.clone().into_sorted_vec();
        items.reverse();
        items.into_iter().map(|r| r.0).collect()
    }
}

impl<T: Ord> PartialEq for MinHeap<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice() == other.0.as_slice()
    }
}
impl<T: Ord> Eq for MinHeap<T> {}
impl<T: Ord + Hash> Hash for MinHeap<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.as_slice().hash(state)
    }
}

pub use super::agenda::Agenda;

/// A reference to a flow run that stays valid only while that run lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunRef {
    pub slot: u32,
    pub id: u64,
}

/// Something that will happen at a simulated time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Agendum {
    pub time: u64,
    pub seq: u64,
    pub cause: Option<EventId>,
    pub what: Pending,
}

impl Ord for Agendum {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}
impl PartialOrd for Agendum {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pending {
    /// Scripted event `index` for `person`.
    Scripted {
        index: u32,
        person: Option<PersonId>,
    },
    /// A batch campaign starts (by schedule, or `extra` when run by hand: no recurrence).
    BatchRun {
        campaign: CampaignId,
        extra: bool,
    },
    /// A trigger campaign's delay is over: the run's first step joins the queue.
    Enqueue(RunRef),
    /// A worker finished the run's current step: apply it.
    StepDone(RunRef, QueueKind),
    WaitOver(RunRef),
    /// The webhook's service acts (halfway through the round trip).
    WebhookServe(WebhookCall),
    WebhookReturn(RunRef, u64),
    WebhookTimeout(RunRef, u64),
    /// A vendor that answered too late writes its answer through the REST API.
    WebhookWriteBack(WebhookCall),
    CrmReceive {
        person: PersonId,
        snapshot: Vec<Value>,
    },
    CrmAssign {
        person: PersonId,
        owner: Sym,
        queue: Sym,
    },
    CrmCycle,
    /// A scheduled job's next step.
    Job {
        job: u16,
        step: super::job::JobStep,
    },
    /// The response feed's next step.
    Response(super::responses::ResponseStep),
    /// The change feed's next step.
    Change(super::changes::ChangeStep),
    /// A submission for a new email address inserts its person (after the lookup's gap).
    Insert {
        person: PersonId,
        via: Via,
    },
    /// An API client tries a skipped person again (`attempt` counts from 1).
    ApiSync {
        person: PersonId,
        client: u16,
        attempt: u32,
    },
    /// A CRM automation runs on a record created in the CRM.
    CrmAutomation {
        person: PersonId,
        automation: u16,
    },
}

impl Pending {
    /// The person the item's work is about, if any (a flow run's person while it lives).
    pub fn person(&self, runs: &Runs) -> Option<PersonId> {
        match self {
            Pending::Scripted { person, .. } => *person,
            Pending::Enqueue(r)
            | Pending::StepDone(r, _)
            | Pending::WaitOver(r)
            | Pending::WebhookReturn(r, _)
            | Pending::WebhookTimeout(r, _) => runs.get(*r).map(|run| run.person),
            Pending::WebhookServe(call) | Pending::WebhookWriteBack(call) => Some(call.person),
            Pending::CrmReceive { person, .. }
            | Pending::CrmAssign { person, .. }
            | Pending::Insert { person, .. }
            | Pending::ApiSync { person, .. }
            | Pending::CrmAutomation { person, .. } => Some(*person),
            Pending::BatchRun { .. }
            | Pending::CrmCycle
            | Pending::Job { .. }
            | Pending::Response(_)
            | Pending::Change(_) => None,
        }
    }
}

/// Asks the processor to bring `x`'s memory into cache ahead of its use. It changes no
/// result: a hint the processor may ignore (and nothing on other targets).
#[inline(always)]
pub fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let start = (x as *const T).cast::<i8>();
        for offset in (0..std::mem::size_of::<T>()).step_by(64) {
            // SAFETY: a prefetch reads nothing into the program and never faults, whatever
            // the address; these are the bytes of a live reference.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// Fetches what a step about `person` reads first into cache: the person's record and
/// the monitor's entry log for the person (a run reads people in no order, and 10,000
/// people's data do not fit in cache). It changes no result.
pub fn prefetch_person(people: &[Person], monitor: &Monitor, person: PersonId) {
    if let Some(record) = people.get(person as usize) {
        prefetch(record);
    }
    monitor.prefetch(person);
}

/// A webhook call on its way to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WebhookCall {
    pub run: RunRef,
    pub webhook: WebhookId,
    pub person: PersonId,
    /// The call's number (a run that gave up waiting ignores a late answer).
    pub call: u64,
    /// False when the answer is lost on the way back (the service still acts).
    pub deliver: bool,
}

/// Where a run's person stands with one campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Membership {
    pub member: bool,
    pub last_entry: u64,
    pub in_flow: u16,
}

/// A person's values for each field, list, program or campaign, held inline in the
/// person's record up to `N` (the built-in scenarios fit), on the heap beyond. A run reads
/// one person after another in no order; inline, a person's values are one memory read
/// away instead of two, and a run's people are made without allocating.
pub type PerPerson<T, const N: usize> = smallvec::SmallVec<[T; N]>;

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Person {
    pub exists: bool,
    pub fields: PerPerson<Value, 10>,
    pub in_list: PerPerson<bool, 16>,
    /// How many times the person has been added to each list (entry numbers start at 1).
    pub list_entries: PerPerson<u32, 16>,
    pub status: PerPerson<Option<u16>, 2>,
    pub campaigns: PerPerson<Membership, 8>,
    pub requests: u32,
}

/// One person's pass through one campaign's flow.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct FlowRun {
    pub id: u64,
    pub campaign: CampaignId,
    pub person: PersonId,
    pub pc: u16,
    /// Callers of executed campaigns: (campaign, step to resume at).
    pub callers: Vec<(CampaignId, u16)>,
    pub queue: QueueKind,
    /// The batch run this belongs to (for e-mail de-duplication).
    pub batch: Option<u32>,
    /// The webhook call the run waits for: (webhook, call number).
    pub call: Option<(WebhookId, u64)>,
    /// Its response, once the service has answered.
    pub response: Option<Vec<(Sym, Value)>>,
    pub cause: Option<EventId>,
}

/// Runs in reusable slots; a [`RunRef`] to a finished run no longer resolves.
#[derive(Debug, PartialEq, Eq, Hash, Default)]
pub struct Runs {
    slots: Vec<Option<FlowRun>>,
    free: Vec<u32>,
    next_id: u64,
}

impl Runs {
    pub fn insert(&mut self, mut run: FlowRun) -> RunRef {
        self.next_id += 1;
        run.id = self.next_id;
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(run);
                s
            }
            None => {
                self.slots.push(Some(run));
                self.slots.len() as u32 - 1
            }
        };
        RunRef {
            slot,
            id: self.next_id,
        }
    }
    /// Removes every run, keeping the memory of the slots.
    pub fn clear(&mut self) {
        let Runs {
            slots,
            free,
            next_id,
        } = self;
        slots.clear();
        free.clear();
        *next_id = 0;
    }

    pub fn get(&self, r: RunRef) -> Option<&FlowRun> {
        self.slots
            .get(r.slot as usize)?
            .as_ref()
            .filter(|x| x.id == r.id)
    }
    pub fn get_mut(&mut self, r: RunRef) -> Option<&mut FlowRun> {
        self.slots
            .get_mut(r.slot as usize)?
            .as_mut()
            .filter(|x| x.id == r.id)
    }
    pub fn remove(&mut self, r: RunRef) -> Option<FlowRun> {
        self.get(r)?;
        self.free.push(r.slot);
        self.slots[r.slot as usize].take()
    }
    /// Live runs (for the inspector).
    pub fn iter(&self) -> impl Iterator<Item = &FlowRun> {
        self.slots.iter().flatten()
    }
}

/// One of the two campaign queues.
#[derive(Debug, PartialEq, Eq, Hash, Default)]
pub struct WorkQueue {
    pub busy: u32,
    /// (priority class, arrival, run).
    pub ready: MinHeap<(Priority, u64, RunRef)>,
}

impl WorkQueue {
    /// The waiting steps in the order workers take them: by priority class, then arrival.
    pub fn waiting(&self) -> Vec<(Priority, u64, RunRef)> {
        self.ready.sorted()
    }
}

/// A key-value store key: up to [`KvKey::MAX_PARTS`] parts (text, a person, a field's
/// value, a list entry number), compared without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KvKey {
    parts: [Value; KvKey::MAX_PARTS],
    len: u8,
}

impl KvKey {
    pub const MAX_PARTS: usize = 6;

    pub fn new(values: impl IntoIterator<Item = Value>) -> Self {
        let mut key = KvKey {
            parts: [Value::Empty; KvKey::MAX_PARTS],
            len: 0,
        };
        for v in values.into_iter().take(Self::MAX_PARTS) {
            key.parts[key.len as usize] = v;
            key.len += 1;
        }
        key
    }

    pub fn parts(&self) -> &[Value] {
        &self.parts[..self.len as usize]
    }

    /// The key as written in the scenario's template, e.g. `claim:3:1`.
    pub fn text(&self, syms: &Symbols) -> String {
        self.parts()
            .iter()
            .map(|v| match v {
                Value::Empty => String::new(),
                other => syms.show(*other),
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KvEntry {
    Value(Value),
    /// A claim's lease, held until `until`; `token` numbers the leases granted on the key
    /// (1, 2, ...): a fencing token.
    Lease {
        until: u64,
        token: u64,
    },
    Stack(Vec<Value>),
}

/// A person's record in the CRM.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CrmRecord {
    pub owner: Option<Sym>,
    /// The event that assigned an owner not yet synced back to the marketing database.
    pub unsynced: Option<EventId>,
    /// The queue the assignment rules routed the record to, and the arrival that routed it.
    pub routed: Option<(Sym, EventId)>,
    /// The fields CRM automations set (`Crm::automated_fields`, in order).
    pub automated: Vec<CrmValue>,
}

/// A field a CRM automation sets, as the CRM record holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CrmValue {
    pub value: Value,
    /// The value as last exchanged with Marketo (pushed, or synced back).
    pub synced: Value,
    /// The automation event that changed the value, while that change is not synced back.
    pub changed: Option<EventId>,
}

/// The CRM's records, by person (empty when the scenario has no CRM).
#[derive(Debug, PartialEq, Eq, Hash, Default)]
pub struct CrmState {
    records: Vec<Option<CrmRecord>>,
}

impl CrmState {
    pub fn new(model: &Model) -> Self {
        let people = if model.crm.is_some() {
            model.people.len()
        } else {
            0
        };
        CrmState {
            records: vec![None; people],
        }
    }

    /// The person's record, once the person has reached the CRM.
    pub fn record(&self, p: PersonId) -> Option<&CrmRecord> {
        self.records.get(p as usize)?.as_ref()
    }

    /// The person's record, created empty if the person has none yet.
    pub fn record_mut(&mut self, p: PersonId) -> &mut CrmRecord {
        self.records[p as usize].get_or_insert_with(CrmRecord::default)
    }

    /// Every record, by person.
    pub fn records(&self) -> impl Iterator<Item = (PersonId, &CrmRecord)> {
        self.records
            .iter()
            .enumerate()
            .filter_map(|(p, r)| Some((p as PersonId, r.as_ref()?)))
    }

    /// Takes the owners not yet synced back: (person, the assignment event), by person.
    pub fn take_unsynced(&mut self) -> Vec<(PersonId, EventId)> {
        self.records
            .iter_mut()
            .enumerate()
            .filter_map(|(p, r)| Some((p as PersonId, r.as_mut()?.unsynced.take()?)))
            .collect()
    }

    /// Takes the automations' changes not yet synced back: (person, slot in
    /// `Crm::automated_fields`, the value before the take, the automation event), by person.
    pub fn take_automated(&mut self) -> Vec<(PersonId, usize, CrmValue, EventId)> {
        let mut out = Vec::new();
        for (p, r) in self.records.iter_mut().enumerate() {
            let Some(r) = r else { continue };
            for (k, v) in r.automated.iter_mut().enumerate() {
                let before = *v;
                if let Some(id) = v.changed.take() {
                    out.push((p as PersonId, k, before, id));
                }
            }
        }
        out
    }
}

/// What injected outside events left to happen later (see `OutsideEvent`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Injected {
    /// (person, webhook) → the extra time the person's next call of the webhook takes, and
    /// the event that injected it.
    pub webhook_delays: BTreeMap<(PersonId, WebhookId), (u64, Option<EventId>)>,
}

/// The whole state of a run (cloned part by part, reusing memory: see `clone.rs`). The
/// default is an empty state with no people, only something to copy a run's state into.
#[derive(Debug, PartialEq, Eq, Hash, Default)]
pub struct SimState {
    pub now: u64,
    pub seq: u64,
    pub agenda: Agenda,
    pub people: Vec<Person>,
    pub queues: [WorkQueue; 2],
    pub runs: Runs,
    pub kv: BTreeMap<KvKey, KvEntry>,
    pub crm: CrmState,
    /// Open batch runs: instance → (live runs, addresses already e-mailed).
    pub batches: BTreeMap<u32, (u32, BTreeSet<Value>)>,
    pub next_batch: u32,
    pub monitor: Monitor,
    /// Requests stopped by the per-person cap.
    pub capped_requests: u32,
    /// Scheduled jobs, the REST API gate and the custom objects.
    pub jobs: super::job::JobsState,
    /// The response feed's CRM side (if the scenario has one).
    pub responses: Option<super::responses::ResponsesState>,
    /// The change feed's stores, queue and consumers (if the scenario has one).
    pub changes: Option<super::changes::ChangesState>,
    /// Pending effects of injected events.
    pub injected: Injected,
    /// Who each scheduled batch campaign's smart list holds for (derived from `people`).
    pub batch_index: super::batch_index::BatchIndex,
}

impl SimState {
    pub fn new(model: &Model) -> Self {
        Self::with_memory(
            model,
            Vec::new(),
            Agenda::default(),
            Runs::default(),
            Monitor::default(),
        )
    }

    /// Puts the state back at its start, exactly as [`SimState::new`] makes it, keeping the
    /// memory of its largest parts (the people, the agenda, the runs, the monitor's entry log): a
    /// sweep runs many seeds one after another, and allocating these anew for each run
    /// costs page faults as well as the allocation.
    pub fn reset(&mut self, model: &Model) {
        let people = std::mem::take(&mut self.people);
        let agenda = std::mem::take(&mut self.agenda);
        let runs = std::mem::take(&mut self.runs);
        let monitor = std::mem::take(&mut self.monitor);
        *self = Self::with_memory(model, people, agenda, runs, monitor);
    }

    /// A new state built in the memory of `people`, `agenda`, `runs` and `monitor` (emptied
    /// here).
    fn with_memory(
        model: &Model,
        mut people: Vec<Person>,
        mut agenda: Agenda,
        mut runs: Runs,
        mut monitor: Monitor,
    ) -> Self {
        people.clear();
        people.extend(model.people.iter().map(|p| Person {
            exists: p.exists,
            fields: PerPerson::from_slice(&p.fields),
            in_list: smallvec::smallvec![false; model.lists.len()],
            list_entries: smallvec::smallvec![0; model.lists.len()],
            status: smallvec::smallvec![None; model.programs.len()],
            campaigns: smallvec::smallvec![Membership::default(); model.campaigns.len()],
            requests: 0,
        }));
        agenda.clear();
        runs.clear();
        monitor.reset(model);
        SimState {
            now: 0,
            seq: 0,
            agenda,
            people,
            queues: Default::default(),
            runs,
            kv: BTreeMap::new(),
            crm: CrmState::new(model),
            batches: BTreeMap::new(),
            next_batch: 0,
            monitor,
            capped_requests: 0,
            jobs: super::job::JobsState::new(model),
            responses: super::responses::ResponsesState::new(model),
            changes: super::changes::ChangesState::new(model),
            injected: Injected::default(),
            batch_index: super::batch_index::BatchIndex::new(model),
        }
    }

    /// Fetches the person's record and entry log into cache (see [`prefetch_person`]).
    pub fn prefetch_person(&self, person: PersonId) {
        prefetch_person(&self.people, &self.monitor, person);
    }

    /// A new agenda item (not yet scheduled).
    pub fn agendum(&mut self, time: u64, cause: Option<EventId>, what: Pending) -> Agendum {
        self.seq += 1;
        Agendum {
            time,
            seq: self.seq,
            cause,
            what,
        }
    }

    /// Puts `what` on the agenda at `time`.
    pub fn schedule(&mut self, time: u64, cause: Option<EventId>, what: Pending) {
        self.seq += 1;
        let person = what.person(&self.runs);
        self.agenda.push(
            Agendum {
                time,
                seq: self.seq,
                cause,
                what,
            },
            person,
        );
    }
}
