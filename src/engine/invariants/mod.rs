//! Invariant checking as a run goes: the monitor sees every trace event and records a
//! violation (invariant, person, time, message, witnessing events) the moment one occurs.
//!
//! This file holds the monitor, its list-entry invariants and end-of-run checks;
//! `identity` follows who holds an email address and who set a field last, `integration`
//! the invariants of jobs and feeds.

mod identity;
mod integration;
#[cfg(test)]
mod tests;

use super::model::*;
use super::sim::state::PerPerson;
use super::trace::{EventId, EventKind, TraceEvent};
use super::value::Value;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Violation {
    pub invariant: String,
    pub time_ms: u64,
    /// 1-based person number, as people read it.
    pub person: Option<u32>,
    pub message: String,
    /// Event ids that show the violation, the violating event last.
    pub witness: Vec<EventId>,
}

/// Invariant bookkeeping. Part of the simulation state. Its fields are visible within the
/// engine: the explorer's state key hashes them packed.
#[derive(Debug, PartialEq, Eq, Hash, Default)]
pub struct Monitor {
    /// The invariants that follow list entries (one e-mail per entry, no entry lost).
    pub(in crate::engine) entry_invariants: Vec<u16>,
    /// Per (entry invariant k, person p) at `k * people + p`: each entry into the watched
    /// list, in order, as (the event that added the person, the first e-mail sent for it);
    /// the first two entries inline (most people enter a list once or twice).
    pub(in crate::engine) entry_log: Vec<EntryLog>,
    pub(in crate::engine) people: u32,
    /// Checkpoint → (last mark written, the event that wrote it).
    pub(in crate::engine) marks: BTreeMap<u16, (u64, EventId)>,
    /// Checkpoint → (when its current epoch began, the reset event), once reset.
    pub(in crate::engine) epochs: BTreeMap<u16, (u64, EventId)>,
    /// (checkpoint, first record) → (last record, the import event); ranges as imported
    /// in the checkpoint's current epoch.
    pub(in crate::engine) imports: BTreeMap<(u16, u64), (u64, EventId)>,
    /// Responses processed and lost so far.
    pub(in crate::engine) responses: (u64, u64),
    /// Message → the consumer's first action on it.
    pub(in crate::engine) acted: BTreeMap<u64, EventId>,
    /// Responses injected into the response feed beyond its configured count.
    pub extra_responses: u64,
    /// Email address → the records that hold it (with `one_person_per_email`), each with the
    /// event that created it (none: it existed from the start).
    pub(in crate::engine) emails: BTreeMap<Value, Vec<(PersonId, Option<EventId>)>>,
    /// (person, field) → the value a Marketo campaign set last, the campaign and the event
    /// (fields watched by `marketo_value_kept`).
    pub(in crate::engine) marketo_set: BTreeMap<(PersonId, FieldId), (Value, CampaignId, EventId)>,
    /// (person, field) → the CRM automation whose change is on its way back, and its event.
    pub(in crate::engine) automated: BTreeMap<(PersonId, FieldId), (u16, EventId)>,
    pub violations: Vec<Violation>,
}

/// Cloned field by field; `clone_from` reuses the vectors' memory (the explorer copies runs
/// at every branch of its search, see `explore::pool`). `clone` is `clone_from` into an
/// empty monitor, and `clone_from` names every field of the source without `..`: a field
/// added to the monitor does not compile until it is copied here too (and `tests` checks
/// that a copy made mid-run equals and hashes as the original).
impl Clone for Monitor {
    fn clone(&self) -> Self {
        let mut m = Monitor::default();
        m.clone_from(self);
        m
    }

    fn clone_from(&mut self, src: &Self) {
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
        } = src;
        self.entry_invariants.clone_from(entry_invariants);
        self.entry_log.clone_from(entry_log);
        self.people = *people;
        self.marks.clone_from(marks);
        self.epochs.clone_from(epochs);
        self.imports.clone_from(imports);
        self.responses = *responses;
        self.acted.clone_from(acted);
        self.extra_responses = *extra_responses;
        self.emails.clone_from(emails);
        self.marketo_set.clone_from(marketo_set);
        self.automated.clone_from(automated);
        self.violations.clone_from(violations);
    }
}

/// An entry log: each entry into the watched list, as (the event that added the person,
/// the first e-mail sent for it).
pub(crate) type EntryLog = PerPerson<(EventId, Option<EventId>), 2>;

/// "person N" for the event's person (built only when a message is needed).
fn who(ev: &TraceEvent) -> String {
    ev.person
        .map_or(String::new(), |p| format!("person {}", p + 1))
}

/// Whether `marketo_value_kept` watches `field`.
fn watched_by_kept(model: &Model, field: FieldId) -> bool {
    model
        .invariants
        .iter()
        .any(|i| matches!(i, InvariantModel::MarketoValueKept { field: f } if *f == field))
}

/// The declared invariant of this kind, if any.
fn declared(model: &Model, kind: fn(&InvariantModel) -> bool) -> Option<&InvariantModel> {
    model.invariants.iter().find(|i| kind(i))
}

impl Monitor {
    pub fn new(model: &Model) -> Self {
        let entry_invariants = model
            .invariants
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                matches!(
                    i,
                    InvariantModel::OneEmailPerEntry { .. } | InvariantModel::NoEntryLost { .. }
                )
            })
            .map(|(k, _)| k as u16)
            .collect();
        let mut emails: BTreeMap<Value, Vec<(PersonId, Option<EventId>)>> = BTreeMap::new();
        for inv in &model.invariants {
            if let InvariantModel::OnePersonPerEmail { email } = inv {
                for (p, init) in model.people.iter().enumerate() {
                    let address = init.fields[*email as usize];
                    if init.exists && !address.is_empty() {
                        emails
                            .entry(address)
                            .or_default()
                            .push((p as PersonId, None));
                    }
                }
            }
        }
        Monitor {
            entry_invariants,
            people: model.people.len() as u32,
            emails,
            ..Default::default()
        }
    }

    /// Puts the monitor back at its start for `model`, exactly as [`Monitor::new`] makes it,
    /// keeping the memory of its entry log (a sweep reuses one run for every seed).
    pub fn reset(&mut self, model: &Model) {
        let mut entry_log = std::mem::take(&mut self.entry_log);
        entry_log.clear();
        *self = Monitor {
            entry_log,
            ..Monitor::new(model)
        };
    }

    /// Fetches person `p`'s entry logs into cache (a hint; it changes nothing).
    pub fn prefetch(&self, p: PersonId) {
        for k in 0..self.entry_invariants.len() {
            let at = k * self.people as usize + p as usize;
            if let Some(log) = self.entry_log.get(at) {
                crate::engine::sim::state::prefetch(log);
            }
        }
    }

    /// The entry log of entry invariant number `k` (in `entry_invariants`) for person `p`.
    fn log_mut(&mut self, k: usize, p: PersonId) -> &mut EntryLog {
        let at = k * self.people as usize + p as usize;
        if self.entry_log.len() <= at {
            self.entry_log.resize_with(at + 1, PerPerson::new);
        }
        &mut self.entry_log[at]
    }

    /// Records a violation of `inv` found at `time_ms` (end-of-run checks have no single
    /// violating event). `person` is 0-based.
    pub fn report(
        &mut self,
        inv: &InvariantModel,
        time_ms: u64,
        person: Option<PersonId>,
        message: String,
        witness: Vec<EventId>,
    ) {
        self.violations.push(Violation {
            invariant: inv.name().to_string(),
            time_ms,
            person: person.map(|p| p + 1),
            message,
            witness,
        });
    }

    /// Records a violation of `inv` witnessed by `ev` (and `witness` before it).
    pub fn violate(
        &mut self,
        inv: &InvariantModel,
        ev: &TraceEvent,
        message: String,
        mut witness: Vec<EventId>,
    ) {
        witness.push(ev.id);
        witness.dedup();
        self.report(inv, ev.time, ev.person, message, witness);
    }

    /// Checks `ev`. `entries` are the person's list entry counts; `crm_snapshot` the fields a
    /// CRM record arrived with.
    pub fn observe(
        &mut self,
        model: &Model,
        ev: &TraceEvent,
        list_entries: Option<&[u32]>,
        crm_snapshot: Option<&[Value]>,
    ) {
        match &ev.kind {
            EventKind::AddedToList { list, .. } => {
                let Some(p) = ev.person else { return };
                for k in 0..self.entry_invariants.len() {
                    let watched = match &model.invariants[self.entry_invariants[k] as usize] {
                        InvariantModel::OneEmailPerEntry { list: l, .. }
                        | InvariantModel::NoEntryLost { list: l, .. } => l == list,
                        _ => false,
                    };
                    if watched {
                        self.log_mut(k, p).push((ev.id, None));
                    }
                }
            }
            EventKind::EmailSent { email } => {
                let (Some(p), Some(entries)) = (ev.person, list_entries) else {
                    return;
                };
                for k in 0..self.entry_invariants.len() {
                    let inv = &model.invariants[self.entry_invariants[k] as usize];
                    let (InvariantModel::OneEmailPerEntry { list, email: e }
                    | InvariantModel::NoEntryLost { list, email: e }) = inv
                    else {
                        continue;
                    };
                    let entry = entries[*list as usize] as usize;
                    if e != email || entry == 0 {
                        continue;
                    }
                    let Some(&mut (added, ref mut first)) = self.log_mut(k, p).get_mut(entry - 1)
                    else {
                        continue;
                    };
                    match (inv, *first) {
                        (InvariantModel::OneEmailPerEntry { .. }, Some(first)) => {
                            let msg = format!(
                                "{} got \"{}\" twice for one entry in list \"{}\"",
                                who(ev),
                                model.syms.text(*email),
                                model.lists[*list as usize]
                            );
                            self.violate(inv, ev, msg, vec![added, first]);
                        }
                        (_, None) => *first = Some(ev.id),
                        _ => {}
                    }
                }
            }
            EventKind::AlertSent { alert, recipient } if recipient.is_empty() => {
                for inv in &model.invariants {
                    if let InvariantModel::AlertHasRecipient = inv {
                        let msg = format!(
                            "alert \"{}\" about {} was sent to no one (no owner yet)",
                            model.syms.text(*alert),
                            who(ev)
                        );
                        self.violate(inv, ev, msg, ev.cause.into_iter().collect());
                    }
                }
            }
            EventKind::CrmReceived { created: true } => {
                let Some(snapshot) = crm_snapshot else { return };
                for inv in &model.invariants {
                    if let InvariantModel::CrmSyncAfter { field } = inv {
                        if snapshot[*field as usize].is_empty() {
                            let msg = format!(
                                "{} reached the CRM before \"{}\" was filled (routed on incomplete data)",
                                who(ev),
                                model.fields[*field as usize].display_name()
                            );
                            self.violate(inv, ev, msg, ev.cause.into_iter().collect());
                        }
                    }
                }
            }
            EventKind::PersonCreated => {
                let (Some(p), Some(inv)) = (
                    ev.person,
                    declared(model, |i| {
                        matches!(i, InvariantModel::OnePersonPerEmail { .. })
                    }),
                ) else {
                    return;
                };
                if let InvariantModel::OnePersonPerEmail { email } = inv {
                    let address = model.people[p as usize].fields[*email as usize];
                    self.email_taken(model, inv, ev, address);
                }
            }
            EventKind::CrmAutomationRan {
                automation,
                field,
                changed: true,
                ..
            } => {
                if let Some(p) = ev.person.filter(|_| watched_by_kept(model, *field)) {
                    self.automated.insert((p, *field), (*automation, ev.id));
                }
            }
            EventKind::FieldChanged { field, old, new } => {
                self.observe_identity_and_origin(model, ev, *field, *old, *new);
                for inv in &model.invariants {
                    if let InvariantModel::StageNeverRegresses { field: f, order } = inv {
                        let rank = |v: &Value| order.iter().position(|x| x == v);
                        if f == field {
                            if let (Some(a), Some(b)) = (rank(old), rank(new)) {
                                if b < a {
                                    let msg = format!(
                                        "{}: \"{}\" went back from {} to {}",
                                        who(ev),
                                        model.fields[*field as usize].display_name(),
                                        model.syms.show(*old),
                                        model.syms.show(*new)
                                    );
                                    self.violate(inv, ev, msg, ev.cause.into_iter().collect());
                                }
                            }
                        }
                    }
                }
            }
            EventKind::StatusChanged {
                program,
                from: Some(from),
                to,
            } => {
                for inv in &model.invariants {
                    let InvariantModel::StatusNeverMoves {
                        program: p,
                        from: f,
                        to: t,
                    } = inv
                    else {
                        continue;
                    };
                    if (p, f, t) == (program, from, to) {
                        let prog = &model.programs[*program as usize];
                        let msg = format!(
                            "{} moved from \"{}\" to \"{}\" in program \"{}\"",
                            who(ev),
                            prog.statuses[*from as usize].0,
                            prog.statuses[*to as usize].0,
                            prog.name
                        );
                        self.violate(inv, ev, msg, ev.cause.into_iter().collect());
                    }
                }
            }
            _ => self.observe_integration(model, ev),
        }
    }

    pub fn finish(&mut self, model: &Model, end_time: u64) {
        if let (Some(inv), Some(feed)) = (
            declared(model, |i| matches!(i, InvariantModel::NoResponseLost)),
            &model.integrations.responses,
        ) {
            let (processed, lost) = self.responses;
            let total = feed.count as u64 + self.extra_responses;
            let open = total.saturating_sub(processed + lost);
            if open > 0 {
                let message = format!(
                    "{open} of {total} responses were never processed by the end of the run"
                );
                self.report(inv, end_time, None, message, Vec::new());
            }
        }
        for k in 0..self.entry_invariants.len() {
            let inv = &model.invariants[self.entry_invariants[k] as usize];
            let InvariantModel::NoEntryLost { list, email } = inv else {
                continue;
            };
            for p in 0..self.people {
                let at = k * self.people as usize + p as usize;
                let Some(log) = self.entry_log.get(at) else {
                    break;
                };
                let lost: Vec<(usize, EventId)> = log
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, email))| email.is_none())
                    .map(|(n, (added, _))| (n + 1, *added))
                    .collect();
                for (entry, added) in lost {
                    let message = format!(
                        "entry {entry} of person {} in list \"{}\" never got \"{}\"",
                        p + 1,
                        model.lists[*list as usize],
                        model.syms.text(*email)
                    );
                    self.report(inv, end_time, Some(p), message, vec![added]);
                }
            }
        }
    }
}
