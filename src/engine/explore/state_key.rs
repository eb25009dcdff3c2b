//! What the explorer keeps of a run between steps, and the key that identifies its state.
//!
//! Two runs with equal keys have the same futures up to numbering: the same steps can
//! happen next, with the same verdicts. The key is a *canonical* hash of the state: it
//! leaves out what only numbers things, so that orderings which end in the same situation
//! meet in one state:
//! - agenda sequence numbers: the agenda is hashed as a multiset of (time, what); the order
//!   of items due at the same time only maps tie answers to items, and every tie is
//!   explored in every order;
//! - run slots and ids: a live run is named by its person and the campaign it entered (a
//!   person is in a campaign's flow at most once), a run that has ended by nothing;
//! - webhook call numbers: an answer or timeout is hashed as "for the call its run waits
//!   for" or "stale";
//! - the queue's arrival numbers: the waiting entries are hashed in arrival order;
//! - event ids (causes, witnesses) and the order of the violation list;
//! - the current time between steps (the next step sets it before anything reads it; at the
//!   end it is kept, since end-of-run checks report at that time).
//!
//! It also covers the text the run added to the model's text table (values refer to it by
//! number) and the trace events an end-of-run check still reads ([`kept_event`]) as a
//! multiset of (person, lane, what happened).
//!
//! The explorer drops every other trace event after each step ([`compact`]): copying a
//! growing trace at every decision point would cost more than the step itself. Event ids
//! are positions in the trace, so in the explorer's copies they only number events within a
//! step; nothing but witnesses and causes (not part of a verdict) refers to them. Replaying
//! a schedule gives the full trace.
//!
//! Keys are 128 bits (two independent 64-bit lanes of multiply-rotate hashing):
//! deterministic, fast, and a collision between two of a million states is about 1 in 10^26.

use super::super::invariants::Monitor;
use super::super::model::{CampaignId, PersonId};
use super::super::sim::state::{
    Agendum, FlowRun, KvEntry, KvKey, Pending, Person, RunRef, SimState,
};
use super::super::sim::Sim;
use super::super::trace::{EventKind, TraceEvent};
use super::super::value::{Sym, Value};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// Whether an end-of-run check reads this event from the trace (so the explorer keeps it):
/// `one_alert_per_person` counts the alerts each person got.
pub(crate) fn kept_event(e: &TraceEvent) -> bool {
    matches!(e.kind, EventKind::AlertSent { .. })
}

/// Drops the trace events no later check reads, and puts the violations found so far in a
/// canonical order without witnesses (the explorer judges them by [`super::verdict`]).
pub(crate) fn compact(sim: &mut Sim) {
    sim.retain_trace(kept_event);
    let violations = &mut sim.state.monitor.violations;
    if !violations.is_empty() {
        for v in violations.iter_mut() {
            v.witness.clear();
        }
        // Without witnesses, violations in the same place in this order are identical.
        super::sort_violations(violations);
    }
}

/// Two 64-bit lanes, each word mixed with its own rotation and odd multiplier.
struct KeyHasher {
    a: u64,
    b: u64,
}

impl KeyHasher {
    fn new() -> Self {
        KeyHasher {
            a: 0xcbf2_9ce4_8422_2325,
            b: 0x9e37_79b9_7f4a_7c15,
        }
    }

    fn finish128(&self) -> u128 {
        fn avalanche(mut z: u64) -> u64 {
            z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
            z = (z ^ (z >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
            z ^ (z >> 33)
        }
        ((avalanche(self.a) as u128) << 64) | avalanche(self.b) as u128
    }
}

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.finish128() as u64
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64)
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(i as u64)
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64)
    }
    fn write_u64(&mut self, w: u64) {
        self.a = (self.a.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
        self.b = (self.b.rotate_left(23) ^ w).wrapping_mul(0x2545_f491_4f6c_dd1d);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64)
    }
}

/// Packs numbers of fixed widths into whole words for the hasher: a record's derived hash
/// writes a word for every flag and small number, and the people's records are most of a
/// state. The widths follow from the record's shape and the values already packed, so
/// two records pack alike only if they are equal.
///
/// The people's packer writes a 64-bit number straight to the hasher, ahead of the word
/// being filled; an `in_order` packer first writes the word being filled, so that the
/// words follow the values' order exactly.
struct Packer<'h> {
    h: &'h mut KeyHasher,
    word: u64,
    used: u32,
    in_order: bool,
}

impl<'h> Packer<'h> {
    fn new(h: &'h mut KeyHasher) -> Self {
        Packer {
            h,
            word: 0,
            used: 0,
            in_order: false,
        }
    }

    fn in_order(h: &'h mut KeyHasher) -> Self {
        Packer {
            in_order: true,
            ..Packer::new(h)
        }
    }

    /// Packs the low `bits` bits of `v` (which has no others); 64 bits go straight in
    /// unless the packer keeps the order.
    #[inline(always)]
    fn push(&mut self, v: u64, bits: u32) {
        debug_assert!(bits == 64 || v >> bits == 0, "{v} fits in {bits} bits");
        if bits == 64 {
            if self.in_order && self.used > 0 {
                self.h.write_u64(self.word);
                self.word = 0;
                self.used = 0;
            }
            self.h.write_u64(v);
            return;
        }
        if self.used + bits > 64 {
            self.h.write_u64(self.word);
            self.word = 0;
            self.used = 0;
        }
        self.word |= v << self.used;
        self.used += bits;
    }

    fn finish(self) {
        if self.used > 0 {
            self.h.write_u64(self.word);
        }
    }
}

/// A field's value: a 3-bit tag (a Boolean's value in it), then what the tag needs.
#[inline(always)]
fn pack_value(p: &mut Packer, v: Value) {
    match v {
        Value::Empty => p.push(0, 3),
        Value::Text(t) => {
            p.push(1, 3);
            p.push(t as u64, 32);
        }
        Value::Number(n) => {
            p.push(2, 3);
            p.push(n as u64, 64);
        }
        Value::Bool(b) => p.push(3 + b as u64, 3),
        Value::Time(t) => {
            p.push(5, 3);
            p.push(t, 64);
        }
    }
}

/// Hashes the people's records, packed.
fn hash_people(people: &[Person], h: &mut KeyHasher) {
    h.write_usize(people.len());
    let mut p = Packer::new(h);
    for person in people {
        // Every field is named, so a field added to the person must be added here too.
        let Person {
            exists,
            fields,
            in_list,
            list_entries,
            status,
            campaigns,
            requests,
        } = person;
        p.push(*exists as u64, 1);
        p.push(*requests as u64, 32);
        for len in [
            fields.len(),
            in_list.len(),
            list_entries.len(),
            status.len(),
            campaigns.len(),
        ] {
            p.push(len as u64, 64);
        }
        for v in fields {
            pack_value(&mut p, *v);
        }
        for &b in in_list {
            p.push(b as u64, 1);
        }
        for &n in list_entries {
            p.push(n as u64, 32);
        }
        for s in status {
            p.push(s.map_or(0, |v| v as u64 + 1), 17);
        }
        for m in campaigns {
            p.push(m.member as u64 | (m.in_flow as u64) << 1, 17);
            p.push(m.last_entry, 64);
        }
    }
    p.finish();
}

/// Hashes the key-value store, packed: its keys' parts and its entries (a derived hash
/// writes a word for each of a key's six parts and tags, used or not).
fn hash_kv(kv: &BTreeMap<KvKey, KvEntry>, h: &mut KeyHasher) {
    h.write_usize(kv.len());
    let mut p = Packer::in_order(h);
    for (key, entry) in kv {
        let parts = key.parts();
        p.push(parts.len() as u64, 3);
        for v in parts {
            pack_value(&mut p, *v);
        }
        match entry {
            KvEntry::Value(v) => {
                p.push(0, 2);
                pack_value(&mut p, *v);
            }
            KvEntry::Lease { until, token } => {
                p.push(1, 2);
                p.push(*until, 64);
                p.push(*token, 64);
            }
            KvEntry::Stack(values) => {
                p.push(2, 2);
                p.push(values.len() as u64, 64);
                for v in values {
                    pack_value(&mut p, *v);
                }
            }
        }
    }
    p.finish();
}

/// The multiset of kept events, independent of their order.
fn kept_digest(events: &[TraceEvent]) -> u128 {
    events.iter().fold(0u128, |acc, e| {
        let mut h = KeyHasher::new();
        (e.person, e.actor, &e.kind).hash(&mut h);
        acc.wrapping_add(h.finish128())
    })
}

/// A live run's canonical name: its person and the campaign it entered.
fn run_name(state: &SimState, r: RunRef) -> Option<(PersonId, CampaignId)> {
    let run = state.runs.get(r)?;
    Some((
        run.person,
        run.callers.first().map_or(run.campaign, |(c, _)| *c),
    ))
}

/// Whether `call` is the webhook call run `r` waits for.
fn current_call(state: &SimState, r: RunRef, call: u64) -> bool {
    state
        .runs
        .get(r)
        .and_then(|x| x.call)
        .is_some_and(|(_, c)| c == call)
}

/// Hashes what an agenda item will do, without numbering.
fn hash_item(state: &SimState, a: &Agendum, h: &mut KeyHasher) {
    a.time.hash(h);
    std::mem::discriminant(&a.what).hash(h);
    match &a.what {
        Pending::Enqueue(r) | Pending::WaitOver(r) => run_name(state, *r).hash(h),
        Pending::StepDone(r, q) => (run_name(state, *r), q).hash(h),
        Pending::WebhookReturn(r, call) | Pending::WebhookTimeout(r, call) => {
            (run_name(state, *r), current_call(state, *r, *call)).hash(h)
        }
        Pending::WebhookServe(c) => (
            run_name(state, c.run),
            current_call(state, c.run, c.call),
            c.webhook,
            c.person,
            c.deliver,
        )
            .hash(h),
        other => other.hash(h),
    }
}

/// The hash of an agenda item in the state key's multiset of the agenda. Its low half is
/// the item's identity that survives renumbering (for sleep sets).
pub(crate) fn item_hash(state: &SimState, a: &Agendum) -> u128 {
    let mut h = KeyHasher::new();
    hash_item(state, a, &mut h);
    h.finish128()
}

/// Hashes a run's state, without numbering, packed.
fn hash_run(run: &FlowRun, h: &mut KeyHasher) {
    // Every field is named, so a field added to the run must be added here too.
    let FlowRun {
        // Numbering.
        id: _,
        campaign,
        person,
        pc,
        callers,
        queue,
        batch,
        // Its webhook (the call's number is numbering).
        call,
        response,
        // An event id.
        cause: _,
    } = run;
    let mut p = Packer::in_order(h);
    p.push(*person as u64, 32);
    p.push(*campaign as u64, 16);
    p.push(*pc as u64, 16);
    p.push(*queue as u64, 8);
    p.push(callers.len() as u64, 32);
    for &(c, at) in callers {
        p.push(c as u64, 16);
        p.push(at as u64, 16);
    }
    p.push(batch.map_or(0, |b| b as u64 + 1), 33);
    p.push(call.map_or(0, |(w, _)| w as u64 + 1), 17);
    match response {
        None => p.push(0, 1),
        Some(values) => {
            p.push(1, 1);
            p.push(values.len() as u64, 32);
            for &(name, v) in values {
                p.push(name as u64, 32);
                pack_value(&mut p, v);
            }
        }
    }
    p.finish();
}

/// Hashes the monitor: its numbers and entry log packed, then those of its maps and
/// violations that hold anything (the packed words say which).
fn hash_monitor(monitor: &Monitor, h: &mut KeyHasher) {
    // Every field is named, so a field added to the monitor must be added here too.
    let Monitor {
        entry_invariants,
        entry_log,
        people,
        marks,
        epochs,
        imports,
        responses,
        acted,
        extra_responses,
        emails,
        marketo_set,
        automated,
        violations,
    } = monitor;
    let mut p = Packer::in_order(h);
    p.push(entry_invariants.len() as u64, 32);
    for &k in entry_invariants {
        p.push(k as u64, 16);
    }
    p.push(*people as u64, 32);
    p.push(responses.0, 64);
    p.push(responses.1, 64);
    p.push(*extra_responses, 64);
    p.push(entry_log.len() as u64, 32);
    for log in entry_log {
        p.push(log.len() as u64, 32);
        for &(added, email) in log {
            p.push(added as u64, 32);
            p.push(email.map_or(0, |e| e as u64 + 1), 33);
        }
    }
    // Whether each map holds anything, packed; then the maps that do (a map's derived hash
    // starts with its length).
    macro_rules! maps {
        ($($map:ident),*) => {
            $(p.push(!$map.is_empty() as u64, 1);)*
            p.finish();
            $(if !$map.is_empty() {
                $map.hash(h);
            })*
        };
    }
    maps!(
        marks,
        epochs,
        imports,
        acted,
        emails,
        marketo_set,
        automated,
        violations
    );
}

/// The de-duplication key of `sim` (between steps, or at the end when `done`), after
/// [`compact`].
pub(crate) fn state_key(sim: &Sim, done: bool) -> u128 {
    state_key_with(sim, done, None)
}

/// [`state_key`], given the sum of the [`item_hash`]es of every agenda item due at the
/// earliest time `ready.0` (the caller has hashed them already): the same key.
pub(crate) fn state_key_with(sim: &Sim, done: bool, ready: Option<(u64, u128)>) -> u128 {
    // Every field is named, so a field added to the state must be added here too.
    let st = &sim.state;
    let SimState {
        now,
        seq: _,
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
        // Derived from `people` (hashed below).
        batch_index: _,
    } = st;
    let mut h = KeyHasher::new();
    if done {
        now.hash(&mut h);
    }
    let multiset =
        |items: &mut dyn Iterator<Item = u128>| items.fold(0u128, |acc, x| acc.wrapping_add(x));
    match ready {
        Some((time, sum)) => agenda
            .iter()
            .filter(|a| a.time != time)
            .fold(sum, |acc, a| acc.wrapping_add(item_hash(st, a))),
        None => multiset(&mut agenda.iter().map(|a| item_hash(st, a))),
    }
    .hash(&mut h);
    multiset(&mut runs.iter().map(|run| {
        let mut rh = KeyHasher::new();
        hash_run(run, &mut rh);
        rh.finish128()
    }))
    .hash(&mut h);
    for q in queues {
        q.busy.hash(&mut h);
        if !q.ready.is_empty() {
            // In the order workers take them (as `WorkQueue::waiting` gives them), sorted
            // inline, without allocating.
            let mut waiting: smallvec::SmallVec<[_; 8]> = q.ready.iter().copied().collect();
            waiting.sort_unstable();
            for (prio, _, r) in waiting {
                (prio, run_name(st, r)).hash(&mut h);
            }
        }
    }
    hash_people(people, &mut h);
    hash_kv(kv, &mut h);
    crm.hash(&mut h);
    batches.hash(&mut h);
    next_batch.hash(&mut h);
    hash_monitor(monitor, &mut h);
    capped_requests.hash(&mut h);
    jobs.hash(&mut h);
    responses.hash(&mut h);
    changes.hash(&mut h);
    injected.hash(&mut h);
    kept_digest(&sim.trace).hash(&mut h);
    let base = sim.model.syms.len();
    sim.syms.len().hash(&mut h);
    for i in base..sim.syms.len() {
        sim.syms.text(i as Sym).hash(&mut h);
    }
    h.finish128()
}
