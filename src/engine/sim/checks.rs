//! Invariants that need the simulator's own view of a person (filters, CRM records) rather
//! than a single event: "this email only to people who ..", "everyone reaches the CRM" and
//! "every lead is routed to the queue its data calls for".

use super::super::model::*;
use super::super::trace::{EventId, EventKind};
use super::super::value::Sym;
use super::Sim;

impl Sim<'_> {
    /// After an e-mail is sent: does the person meet every `email_only_when` for it?
    pub(super) fn check_email_only_when(&mut self, ev: EventId) {
        let model: &Model = self.model;
        let event = &self.trace[ev as usize];
        let (EventKind::EmailSent { email }, Some(p)) = (&event.kind, event.person) else {
            return;
        };
        for inv in &model.invariants {
            let InvariantModel::EmailOnlyWhen {
                email: e,
                when,
                logic,
            } = inv
            else {
                continue;
            };
            if e == email && !self.smart_list_holds(p, when, logic) {
                let message = format!(
                    "person {} got \"{}\" without meeting its conditions at the time",
                    p + 1,
                    model.syms.text(*email)
                );
                let event = self.trace[ev as usize];
                let witness = event.cause.into_iter().collect();
                self.state.monitor.violate(inv, &event, message, witness);
            }
        }
    }

    /// At the end: every person who exists has a CRM record.
    pub(super) fn check_everyone_reached_crm(&mut self, end: u64) {
        let model: &Model = self.model;
        let Some(inv) = model
            .invariants
            .iter()
            .find(|i| matches!(i, InvariantModel::EveryoneReachesCrm))
        else {
            return;
        };
        for (p, person) in self.state.people.iter().enumerate() {
            let p = p as PersonId;
            if person.exists && self.state.crm.record(p).is_none() {
                let message = format!("person {} never reached the CRM", p + 1);
                self.state
                    .monitor
                    .report(inv, end, Some(p), message, Vec::new());
            }
        }
    }

    /// At the end (for `crm_sync_after`): every CRM record was routed to the queue the
    /// assignment rules give for the person's data now, however the record got there (synced
    /// before enrichment, or enriched after a fallback sent it on with no data).
    pub(super) fn check_crm_routing(&mut self, end: u64) {
        let model: &Model = self.model;
        let (Some(inv), Some(crm)) = (
            model
                .invariants
                .iter()
                .find(|i| matches!(i, InvariantModel::CrmSyncAfter { .. })),
            &model.crm,
        ) else {
            return;
        };
        let mut read: Vec<FieldId> = Vec::new();
        for (when, _, _) in &crm.rules {
            for f in when {
                if let FilterModel::Field(field, _) = f {
                    if !read.contains(field) {
                        read.push(*field);
                    }
                }
            }
        }
        let routed: Vec<(PersonId, Sym, EventId)> = self
            .state
            .crm
            .records()
            .filter_map(|(p, r)| r.routed.map(|(q, id)| (p, q, id)))
            .collect();
        for (p, queue, at) in routed {
            let Some((_, right)) = self.assignment(p, None) else {
                continue;
            };
            if right == queue {
                continue;
            }
            let fields = &self.state.people[p as usize].fields;
            let data: Vec<String> = read
                .iter()
                .map(|f| {
                    let name = model.fields[*f as usize].display_name();
                    format!("{name} = {}", model.syms.show(fields[*f as usize]))
                })
                .collect();
            let message = format!(
                "person {} was routed to \"{}\", but their data ({}) calls for \"{}\" (misrouted)",
                p + 1,
                model.syms.text(queue),
                data.join(", "),
                model.syms.text(right)
            );
            self.state
                .monitor
                .report(inv, end, Some(p), message, vec![at]);
        }
    }

    /// At the end: every person who exists got each `one_alert_per_person` alert once.
    pub(super) fn check_one_alert_per_person(&mut self, end: u64) {
        let model: &Model = self.model;
        for inv in &model.invariants {
            let InvariantModel::OneAlertPerPerson { alert } = inv else {
                continue;
            };
            let mut sent: Vec<Vec<EventId>> = vec![Vec::new(); self.state.people.len()];
            for e in &self.trace {
                if let (EventKind::AlertSent { alert: a, .. }, Some(p)) = (&e.kind, e.person) {
                    if a == alert {
                        sent[p as usize].push(e.id);
                    }
                }
            }
            for (p, person) in self.state.people.iter().enumerate() {
                let alerts = &sent[p];
                if !person.exists || alerts.len() == 1 {
                    continue;
                }
                let what = if alerts.is_empty() {
                    "never got"
                } else {
                    "got more than one"
                };
                let message = format!("person {} {what} \"{}\"", p + 1, model.syms.text(*alert));
                let witness = alerts.clone();
                self.state
                    .monitor
                    .report(inv, end, Some(p as PersonId), message, witness);
            }
        }
    }
}
