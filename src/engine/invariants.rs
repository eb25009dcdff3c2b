//! Invariant checking as a run goes: the monitor sees every trace event and records a
//! violation (invariant, person, time, message, witnessing events) the moment one occurs.

use super::describe::fmt_ms;
use super::model::*;
use super::trace::{EventId, EventKind, TraceEvent};
use super::value::Value;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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

/// Invariant bookkeeping. Part of the simulation state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Monitor {
    /// (invariant, person, entry) → the first e-mail sent for that entry.
    first_email: BTreeMap<(u16, PersonId, u32), EventId>,
    /// (list, person, entry) → the event that added the person, for lists invariants watch.
    entries: BTreeMap<(ListId, PersonId, u32), EventId>,
    /// (invariant, person, entry) entries that got their e-mail.
    served: BTreeSet<(u16, PersonId, u32)>,
    watched_lists: Vec<ListId>,
    /// Checkpoint → (last mark written, the event that wrote it).
    marks: BTreeMap<u16, (u64, EventId)>,
    /// (checkpoint, first record) → (last record, the import event); ranges as imported.
    imports: BTreeMap<(u16, u64), (u64, EventId)>,
    /// Responses processed and lost so far.
    responses: (u64, u64),
    /// Message → the consumer's first action on it.
    acted: BTreeMap<u64, EventId>,
    pub violations: Vec<Violation>,
}

/// The declared invariant of this kind, if any.
fn declared(model: &Model, kind: fn(&InvariantModel) -> bool) -> Option<&InvariantModel> {
    model.invariants.iter().find(|i| kind(i))
}

impl Monitor {
    pub fn new(model: &Model) -> Self {
        let mut watched_lists: Vec<ListId> = model
            .invariants
            .iter()
            .filter_map(|i| match i {
                InvariantModel::OneEmailPerEntry { list, .. }
                | InvariantModel::NoEntryLost { list, .. } => Some(*list),
                _ => None,
            })
            .collect();
        watched_lists.sort();
        watched_lists.dedup();
        Monitor {
            watched_lists,
            ..Default::default()
        }
    }

    fn violate(
        &mut self,
        inv: &InvariantModel,
        ev: &TraceEvent,
        message: String,
        mut witness: Vec<EventId>,
    ) {
        witness.push(ev.id);
        witness.dedup();
        self.violations.push(Violation {
            invariant: inv.name().to_string(),
            time_ms: ev.time,
            person: ev.person.map(|p| p + 1),
            message,
            witness,
        });
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
        let who = ev
            .person
            .map_or(String::new(), |p| format!("person {}", p + 1));
        match &ev.kind {
            EventKind::AddedToList { list, entry } => {
                if let (Some(p), true) = (ev.person, self.watched_lists.contains(list)) {
                    self.entries.insert((*list, p, *entry), ev.id);
                }
            }
            EventKind::EmailSent { email } => {
                let (Some(p), Some(entries)) = (ev.person, list_entries) else {
                    return;
                };
                for (i, inv) in model.invariants.iter().enumerate() {
                    match inv {
                        InvariantModel::OneEmailPerEntry { list, email: e } if e == email => {
                            let entry = entries[*list as usize];
                            if entry == 0 {
                                continue;
                            }
                            let key = (i as u16, p, entry);
                            if let Some(&first) = self.first_email.get(&key) {
                                let added = self.entries.get(&(*list, p, entry)).copied();
                                let msg = format!(
                                    "{who} got \"{}\" twice for one entry in list \"{}\"",
                                    model.syms.text(*email),
                                    model.lists[*list as usize]
                                );
                                self.violate(
                                    inv,
                                    ev,
                                    msg,
                                    added.into_iter().chain([first]).collect(),
                                );
                            } else {
                                self.first_email.insert(key, ev.id);
                            }
                        }
                        InvariantModel::NoEntryLost { list, email: e } if e == email => {
                            let entry = entries[*list as usize];
                            if entry > 0 {
                                self.served.insert((i as u16, p, entry));
                            }
                        }
                        _ => {}
                    }
                }
            }
            EventKind::AlertSent { alert, recipient } if recipient.is_empty() => {
                for inv in &model.invariants {
                    if let InvariantModel::AlertHasRecipient = inv {
                        let msg = format!(
                            "alert \"{}\" about {who} was sent to no one (no owner yet)",
                            model.syms.text(*alert)
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
                                "{who} reached the CRM before \"{}\" was filled (routed on incomplete data)",
                                model.fields[*field as usize].name
                            );
                            self.violate(inv, ev, msg, ev.cause.into_iter().collect());
                        }
                    }
                }
            }
            EventKind::FieldChanged { field, old, new } => {
                for inv in &model.invariants {
                    if let InvariantModel::StageNeverRegresses { field: f, order } = inv {
                        let rank = |v: &Value| order.iter().position(|x| x == v);
                        if f == field {
                            if let (Some(a), Some(b)) = (rank(old), rank(new)) {
                                if b < a {
                                    let msg = format!(
                                        "{who}: \"{}\" went back from {} to {}",
                                        model.fields[*field as usize].name,
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
            _ => self.observe_integration(model, ev),
        }
    }

    /// Invariants of the integration systems: jobs, response feed, change feed.
    fn observe_integration(&mut self, model: &Model, ev: &TraceEvent) {
        match &ev.kind {
            EventKind::MarkWritten {
                checkpoint, mark, ..
            } => {
                let Some(inv) =
                    declared(model, |i| matches!(i, InvariantModel::CheckpointMonotonic))
                else {
                    return;
                };
                if let Some(&(prev, at)) = self.marks.get(checkpoint) {
                    if *mark < prev {
                        let cp = &model.integrations.checkpoints[*checkpoint as usize];
                        let msg = format!(
                            "checkpoint {}.{} moved back from {} to {} (an overlapping run overwrote a newer mark)",
                            cp.key,
                            cp.field,
                            fmt_ms(prev),
                            fmt_ms(*mark)
                        );
                        self.violate(inv, ev, msg, vec![at]);
                    }
                }
                self.marks.insert(*checkpoint, (*mark, ev.id));
            }
            EventKind::RecordsImported {
                checkpoint,
                from,
                to,
                count,
            } if *count > 0 => {
                let Some(inv) = declared(model, |i| matches!(i, InvariantModel::NoDuplicateImport))
                else {
                    return;
                };
                let cp = &model.integrations.checkpoints[*checkpoint as usize];
                let (first, last) = (from / cp.record_every + 1, to / cp.record_every);
                let earlier: Vec<(u64, u64, EventId)> = self
                    .imports
                    .range((*checkpoint, 0)..=(*checkpoint, last))
                    .filter(|(_, (end, _))| *end >= first)
                    .map(|((_, a), (b, id))| (*a.max(&first), *b.min(&last), *id))
                    .collect();
                if !earlier.is_empty() {
                    // Records covered by the union of the earlier ranges.
                    let mut spans: Vec<(u64, u64)> = earlier.iter().map(|e| (e.0, e.1)).collect();
                    spans.sort_unstable();
                    let (mut dup, mut covered) = (0, 0);
                    for (a, b) in spans {
                        let a = a.max(covered + 1);
                        if b >= a {
                            dup += b - a + 1;
                            covered = b;
                        }
                    }
                    let msg = format!(
                        "{dup} record(s) of {} imported again (records {}..{} overlap earlier imports)",
                        cp.key,
                        earlier.iter().map(|e| e.0).min().unwrap_or(first),
                        earlier.iter().map(|e| e.1).max().unwrap_or(last),
                    );
                    let witness = earlier.iter().map(|e| e.2).collect();
                    self.violate(inv, ev, msg, witness);
                }
                let slot = self
                    .imports
                    .entry((*checkpoint, first))
                    .or_insert((last, ev.id));
                if slot.0 < last {
                    *slot = (last, ev.id);
                }
            }
            EventKind::ResponsesProcessed { records } => self.responses.0 += *records as u64,
            EventKind::ResponsesLost { records } => {
                self.responses.1 += *records as u64;
                if let Some(inv) = declared(model, |i| matches!(i, InvariantModel::NoResponseLost))
                {
                    let msg = format!("{records} response(s) lost");
                    self.violate(inv, ev, msg, ev.cause.into_iter().collect());
                }
            }
            EventKind::ConsumerDecided {
                field,
                value,
                version,
                primary_version,
                ..
            } if version < primary_version => {
                if let Some(inv) = declared(model, |i| matches!(i, InvariantModel::NoStaleDecision))
                {
                    let who = ev
                        .person
                        .map_or(String::new(), |p| format!("person {}", p + 1));
                    let msg = format!(
                        "{who}: decided on {} = {} from replica version {version} while the primary had version {primary_version}",
                        model.fields[*field as usize].name,
                        model.syms.show(*value)
                    );
                    self.violate(inv, ev, msg, ev.cause.into_iter().collect());
                }
            }
            EventKind::ConsumerActed { message } => {
                let Some(inv) = declared(model, |i| matches!(i, InvariantModel::NoDuplicateAction))
                else {
                    return;
                };
                match self.acted.get(message) {
                    Some(&first) => {
                        let msg = format!(
                            "the action ran again for message {} (a redelivery)",
                            message + 1
                        );
                        self.violate(inv, ev, msg, vec![first]);
                    }
                    None => {
                        self.acted.insert(*message, ev.id);
                    }
                }
            }
            _ => {}
        }
    }

    /// End-of-run checks: every watched entry that never got its e-mail.
    pub fn finish(&mut self, model: &Model, end_time: u64) {
        if let (Some(inv), Some(feed)) = (
            declared(model, |i| matches!(i, InvariantModel::NoResponseLost)),
            &model.integrations.responses,
        ) {
            let (processed, lost) = self.responses;
            let open = (feed.count as u64).saturating_sub(processed + lost);
            if open > 0 {
                self.violations.push(Violation {
                    invariant: inv.name().to_string(),
                    time_ms: end_time,
                    person: None,
                    message: format!(
                        "{open} of {} responses were never processed by the end of the run",
                        feed.count
                    ),
                    witness: Vec::new(),
                });
            }
        }
        for (i, inv) in model.invariants.iter().enumerate() {
            let InvariantModel::NoEntryLost { list, email } = inv else {
                continue;
            };
            let lost: Vec<((ListId, PersonId, u32), EventId)> = self
                .entries
                .range((*list, 0, 0)..=(*list, PersonId::MAX, u32::MAX))
                .filter(|((_, p, entry), _)| !self.served.contains(&(i as u16, *p, *entry)))
                .map(|(k, v)| (*k, *v))
                .collect();
            for ((_, p, entry), added) in lost {
                self.violations.push(Violation {
                    invariant: inv.name().to_string(),
                    time_ms: end_time,
                    person: Some(p + 1),
                    message: format!(
                        "entry {entry} of person {} in list \"{}\" never got \"{}\"",
                        p + 1,
                        model.lists[*list as usize],
                        model.syms.text(*email)
                    ),
                    witness: vec![added],
                });
            }
        }
    }
}
