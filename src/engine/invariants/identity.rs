//! The monitor's identity and origin invariants: one person record per email address
//! (`one_person_per_email`), and a Marketo value not lost to a CRM automation's change
//! synced back (`marketo_value_kept`).

use super::{who, Monitor};
use crate::engine::model::*;
use crate::engine::trace::{Actor, EventId, TraceEvent};
use crate::engine::value::Value;

impl Monitor {
    /// Person `ev.person` now holds `address`: a second record of one address violates
    /// `one_person_per_email`.
    pub(super) fn email_taken(
        &mut self,
        model: &Model,
        inv: &InvariantModel,
        ev: &TraceEvent,
        address: Value,
    ) {
        let Some(p) = ev.person else { return };
        if address.is_empty() {
            return;
        }
        let holders = self.emails.entry(address).or_default();
        let others: Vec<(PersonId, Option<EventId>)> =
            holders.iter().copied().filter(|(q, _)| *q != p).collect();
        if !holders.iter().any(|(q, _)| *q == p) {
            holders.push((p, Some(ev.id)));
        }
        if let Some(&(first, _)) = others.first() {
            let msg = format!(
                "{} is a second person record for {} (person {} has that address already): a duplicate lead",
                who(ev),
                model.syms.show(address),
                first + 1
            );
            let witness = others.iter().filter_map(|(_, id)| *id).collect();
            self.violate(inv, ev, msg, witness);
        }
    }

    /// A field change: moves the person's email address (`one_person_per_email`), and
    /// follows who set a field `marketo_value_kept` watches: a campaign, or the CRM sync
    /// bringing back an automation's value over a campaign's.
    pub(super) fn observe_identity_and_origin(
        &mut self,
        model: &Model,
        ev: &TraceEvent,
        field: FieldId,
        old: Value,
        new: Value,
    ) {
        let Some(p) = ev.person else { return };
        for inv in &model.invariants {
            match inv {
                InvariantModel::OnePersonPerEmail { email } if *email == field => {
                    if let Some(holders) = self.emails.get_mut(&old) {
                        holders.retain(|(q, _)| *q != p);
                    }
                    self.email_taken(model, inv, ev, new);
                }
                InvariantModel::MarketoValueKept { field: f } if *f == field => {
                    let set = self.marketo_set.remove(&(p, field));
                    if let Actor::Campaign(c) = ev.actor {
                        self.marketo_set.insert((p, field), (new, c, ev.id));
                        continue;
                    }
                    let from_automation = match self.automated.get(&(p, field)) {
                        Some(&(a, id)) if ev.actor == Actor::Crm && ev.cause == Some(id) => {
                            self.automated.remove(&(p, field));
                            Some((a, id))
                        }
                        _ => None,
                    };
                    if let (Some((v, c, set_at)), Some((a, ran_at))) = (set, from_automation) {
                        if v == old {
                            let automation = model
                                .crm
                                .as_ref()
                                .map_or("?", |crm| crm.automations[a as usize].name.as_str());
                            let msg = format!(
                                "{}: the CRM sync replaced {} \"{}\" (set by campaign \"{}\") with \"{}\" from the CRM automation \"{}\": the CRM's later change won and Marketo's value is lost",
                                who(ev),
                                model.fields[field as usize].display_name(),
                                model.syms.show(old),
                                model.campaigns[c as usize].name,
                                model.syms.show(new),
                                automation
                            );
                            self.violate(inv, ev, msg, vec![set_at, ran_at]);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
