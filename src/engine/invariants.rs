//! Invariant checking as a run goes: the monitor sees every trace event and records a
//! violation (invariant, person, time, message, witnessing events) the moment one occurs.

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
    pub violations: Vec<Violation>,
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
            _ => {}
        }
    }

    /// End-of-run checks: every watched entry that never got its e-mail.
    pub fn finish(&mut self, model: &Model, end_time: u64) {
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
