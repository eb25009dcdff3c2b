//! Invariants that need the simulator's own view of a person (filters, CRM records) rather
//! than a single event: "this email only to people who ..." and "everyone reaches the CRM".

use super::super::model::*;
use super::super::trace::{EventId, EventKind};
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
                let event = self.trace[ev as usize].clone();
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
            if person.exists && !self.state.crm.records.contains_key(&p) {
                self.state
                    .monitor
                    .violations
                    .push(super::super::invariants::Violation {
                        invariant: inv.name().to_string(),
                        time_ms: end,
                        person: Some(p + 1),
                        message: format!("person {} never reached the CRM", p + 1),
                        witness: Vec::new(),
                    });
            }
        }
    }
}
