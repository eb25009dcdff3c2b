//! The CRM: "Sync Person to CRM" pushes, assignment rules that read the fields the record
//! arrived with, and the background sync cycle that brings owners back (the CRM wins).

use super::super::chooser::Chooser;
use super::super::model::*;
use super::super::trace::{Actor, EventId, EventKind};
use super::super::value::{Sym, Value};
use super::state::*;
use super::Sim;

impl Sim<'_> {
    /// Pushes the person's current fields; they reach the CRM after the push latency.
    pub(super) fn crm_push(
        &mut self,
        p: PersonId,
        actor: Actor,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let Some(crm) = &self.model.crm else { return };
        let id = self.record(Some(p), actor, EventKind::CrmPushed, cause);
        let d = crm.push_latency.draw(ch);
        let snapshot = self.state.people[p as usize].fields.clone();
        self.state.schedule(
            self.state.now + d,
            Some(id),
            Pending::CrmReceive {
                person: p,
                snapshot,
            },
        );
    }

    /// A record arrives. On first arrival the assignment rules route it.
    pub(super) fn crm_receive(
        &mut self,
        p: PersonId,
        snapshot: Vec<Value>,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let Some(crm) = &self.model.crm else { return };
        let created = self.state.crm.record(p).is_none();
        let id = self.record_with(
            Some(p),
            Actor::Crm,
            EventKind::CrmReceived { created },
            cause,
            Some(&snapshot),
        );
        if !created {
            return;
        }
        let routed = self.assignment(p, Some(&snapshot));
        *self.state.crm.record_mut(p) = CrmRecord {
            routed: routed.map(|(_, queue)| (queue, id)),
            ..CrmRecord::default()
        };
        if let Some((owner, queue)) = routed {
            let d = crm.assignment_delay.draw(ch);
            self.state.schedule(
                self.state.now + d,
                Some(id),
                Pending::CrmAssign {
                    person: p,
                    owner,
                    queue,
                },
            );
        }
    }

    /// (owner, queue) the assignment rules give for the person's data (`fields`: the data a
    /// record arrived with; `None`: the person's data now). The default owner's queue has
    /// the owner's name.
    pub(super) fn assignment(&self, p: PersonId, fields: Option<&[Value]>) -> Option<(Sym, Sym)> {
        let crm = self.model.crm.as_ref()?;
        let rule = crm
            .rules
            .iter()
            .find(|(when, _, _)| when.iter().all(|f| self.filter_holds(p, f, fields)))
            .map(|(_, owner, queue)| (*owner, *queue));
        rule.or_else(|| crm.default_owner.map(|o| (o, o)))
    }

    /// The CRM sets the owner; it reaches the marketing database on the next sync cycle.
    pub(super) fn crm_assign(
        &mut self,
        p: PersonId,
        owner: Sym,
        queue: Sym,
        cause: Option<EventId>,
    ) {
        let record = self.state.crm.record_mut(p);
        if record.owner == Some(owner) {
            return;
        }
        record.owner = Some(owner);
        let id = self.record(
            Some(p),
            Actor::Crm,
            EventKind::OwnerAssigned { owner, queue },
            cause,
        );
        self.state.crm.record_mut(p).unsynced = Some(id);
    }

    /// The background sync: CRM owners are written back (the CRM wins conflicts).
    pub(super) fn crm_cycle(&mut self, ch: &mut dyn Chooser) {
        let Some(crm) = &self.model.crm else { return };
        self.state.schedule(
            self.state.now + crm.sync_interval_ms,
            None,
            Pending::CrmCycle,
        );
        for (p, cause) in self.state.crm.take_unsynced() {
            let Some(owner) = self.state.crm.record(p).and_then(|r| r.owner) else {
                continue;
            };
            self.change_field(
                p,
                crm.owner_field,
                Value::Text(owner),
                Actor::Crm,
                Some(cause),
                ch,
            );
        }
    }
}
