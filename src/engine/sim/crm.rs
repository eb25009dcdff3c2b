//! The CRM: "Sync Person to CRM" pushes, assignment rules that read the fields the record
//! arrived with, CRM automations that set a field on a new record, and the background sync
//! cycle that brings owners and the automations' values back (the CRM wins).

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
        let snapshot = self.state.people[p as usize].fields.to_vec();
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
        if created {
            *self.state.crm.record_mut(p) = CrmRecord::default();
        }
        // The push carries Marketo's values: the CRM now holds them (the last write wins in
        // the CRM), and an automation's change not yet synced back is overwritten.
        if !crm.automated_fields.is_empty() {
            self.state.crm.record_mut(p).automated = crm
                .automated_fields
                .iter()
                .map(|f| CrmValue {
                    value: snapshot[*f as usize],
                    synced: snapshot[*f as usize],
                    changed: None,
                })
                .collect();
        }
        if !created {
            return;
        }
        for (k, a) in crm.automations.iter().enumerate() {
            let d = a.delay.draw(ch);
            self.state.schedule(
                self.state.now + d,
                Some(id),
                Pending::CrmAutomation {
                    person: p,
                    automation: k as u16,
                },
            );
        }
        let routed = self.assignment(p, Some(&snapshot));
        self.state.crm.record_mut(p).routed = routed.map(|(_, queue)| (queue, id));
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

    /// A CRM automation sets its field on the record; the change is synced back later.
    pub(super) fn crm_automation(&mut self, p: PersonId, k: u16, cause: Option<EventId>) {
        let Some(crm) = &self.model.crm else { return };
        let a = &crm.automations[k as usize];
        let slots = crm.automated_fields.len();
        let record = self.state.crm.record_mut(p);
        if record.automated.len() < slots {
            record.automated.resize(slots, CrmValue::default());
        }
        let current = record.automated[a.slot as usize].value;
        let allowed = !a.only_if_empty || current.is_empty();
        let changed = allowed && current != a.value;
        let kind = EventKind::CrmAutomationRan {
            automation: k,
            field: a.field,
            value: a.value,
            changed,
        };
        let id = self.record(Some(p), Actor::Crm, kind, cause);
        if changed {
            let v = &mut self.state.crm.record_mut(p).automated[a.slot as usize];
            v.value = a.value;
            v.changed = Some(id);
        }
    }

    /// The background sync: CRM owners and the automations' values are written back (the
    /// CRM wins conflicts: a value changed in Marketo meanwhile is overwritten).
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
        for (p, slot, crm_value, cause) in self.state.crm.take_automated() {
            let field = crm.automated_fields[slot];
            let here = self.state.people[p as usize].fields[field as usize];
            // Both sides changed the field since they last exchanged it: a collision.
            let marketo_wins = crm.marketo_wins_conflicts && here != crm_value.synced;
            let value = if marketo_wins { here } else { crm_value.value };
            let v = &mut self.state.crm.record_mut(p).automated[slot];
            (v.value, v.synced) = (value, value);
            if marketo_wins {
                let kind = EventKind::CrmConflict { field, kept: here };
                self.record(Some(p), Actor::Crm, kind, Some(cause));
            } else {
                self.change_field(p, field, value, Actor::Crm, Some(cause), ch);
            }
        }
    }
}
