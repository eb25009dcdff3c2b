//! People, scripted outside events and invariants.

use super::error::{Place, ScenarioError, Within};
use super::{unknown, Compiler};
use crate::engine::describe::fmt_duration;
use crate::engine::dist::{Dist, MAX_DELAY_MS};
use crate::engine::knobs::{Param, ParamUse};
use crate::engine::model::{limits, InvariantModel, OutsideModel, PersonInit, Scripted};
use crate::engine::scenario::{Invariant, Json, OutsideEvent, PeopleSelector};
use crate::engine::value::Value;

impl Compiler<'_> {
    pub(super) fn people(&mut self) -> Result<Vec<PersonInit>, ScenarioError> {
        let mut out = Vec::new();
        for (gi, g) in self.s.people.iter().enumerate() {
            let group = || Place::PeopleGroup(gi + 1);
            let count = self.param(&g.count, ParamUse::Count).within(group())?;
            if count < 0 || out.len() + count as usize > limits::MAX_PEOPLE {
                let max = limits::MAX_PEOPLE;
                return Err(format!("too many people: at most {max} per scenario").into());
            }
            let total = out.len() + count as usize;
            if total.saturating_mul(self.s.fields.len()) > limits::MAX_PERSON_VALUES {
                return Err(format!(
                    "{total} people with {} fields each are {} values: at most {} are \
                     allowed; use fewer people or fields",
                    self.s.fields.len(),
                    total.saturating_mul(self.s.fields.len()),
                    limits::MAX_PERSON_VALUES
                )
                .into());
            }
            let mut template = Vec::new();
            let digits = total.to_string().len();
            for (name, j) in &g.fields {
                let f = self.field(name).within(group())?;
                // Bounded before any text is made: `{n}` becomes the person's number.
                if let Json::String(t) = j {
                    let each = t.len() + t.matches("{n}").count() * digits.saturating_sub(3);
                    if each > limits::MAX_TEXT_BYTES {
                        return Err(format!(
                            "field `{name}`: its text becomes {each} characters for a person \
                             once {{n}} is filled in: at most {} are allowed",
                            limits::MAX_TEXT_BYTES
                        ))
                        .within(group());
                    }
                    self.text_bytes = self.text_bytes.saturating_add(each * count as usize);
                    if self.text_bytes > limits::MAX_PEOPLE_TEXT_BYTES {
                        return Err(format!(
                            "the people's texts add up to more than {} MB once {{n}} is filled \
                             in: use fewer people or shorter texts",
                            limits::MAX_PEOPLE_TEXT_BYTES >> 20
                        ))
                        .within(group());
                    }
                }
                template.push((f, j));
            }
            for _ in 0..count {
                let n = out.len() + 1;
                let mut fields = vec![Value::Empty; self.s.fields.len()];
                for (f, j) in &template {
                    let j = match j {
                        Json::String(t) if t.contains("{n}") => {
                            Json::String(t.replace("{n}", &n.to_string()))
                        }
                        other => (*other).clone(),
                    };
                    fields[*f as usize] = self.value(*f, &j).within(group())?;
                }
                out.push(PersonInit {
                    exists: !g.unborn,
                    fields,
                    spare_of: None,
                });
            }
        }
        Ok(out)
    }

    pub(super) fn script(
        &mut self,
        declared: usize,
        people: usize,
        horizon: u64,
    ) -> Result<Vec<Scripted>, ScenarioError> {
        let mut out = Vec::new();
        let mut expanded = 0usize;
        for (i, e) in self.s.script.iter().enumerate() {
            let injected_at = match (i.checked_sub(self.injected_from), &e.at) {
                (Some(k), Dist::Fixed(Param::Literal(ms))) => Some((k, *ms as u64)),
                _ => None,
            };
            let place = || match injected_at {
                Some((k, at)) => Place::Injection(
                    k + 1,
                    format!("{} at {}", e.event.summary(), fmt_duration(at)),
                ),
                None => Place::ScriptedEvent(i + 1, e.label.clone()),
            };
            let ctx = |what: String| ScenarioError::from(what).at(place());
            if let Some((_, at)) = injected_at {
                if at > horizon {
                    return Err(ctx(format!(
                        "the run ends at {}, before this time",
                        fmt_duration(horizon)
                    )));
                }
            }
            let range = match e.people {
                // Everyone the scenario declares (spare records only by number).
                PeopleSelector::All if declared == 0 => None,
                PeopleSelector::All => Some((0, declared as u32 - 1)),
                PeopleSelector::One(n) => Some((n.wrapping_sub(1), n.wrapping_sub(1))),
                PeopleSelector::Range { first, last } => {
                    Some((first.wrapping_sub(1), last.wrapping_sub(1)))
                }
                PeopleSelector::None => None,
            };
            if let Some((a, b)) = range {
                if a > b || b as usize >= people {
                    return Err(ctx(match e.people {
                        PeopleSelector::One(n) if injected_at.is_some() => format!(
                            "person {n} does not exist (the scenario has {people}, numbered from 1)"
                        ),
                        _ => format!(
                            "people {}..{} do not exist (the scenario has {people})",
                            a.wrapping_add(1),
                            b.wrapping_add(1)
                        ),
                    }));
                }
                expanded += (b - a + 1) as usize;
            } else {
                expanded += 1;
            }
            let event = self.outside_event(&e.event).within(place())?;
            let needs_person = e.event.needs_person();
            if needs_person && range.is_none() {
                return Err(ctx(
                    "this event happens to a person: say which (`people`)".into()
                ));
            }
            let after = match &e.after {
                None => None,
                Some(label) => {
                    let earlier = self.s.script[..i].iter().position(|x| &x.label == label);
                    match earlier {
                        Some(k) if self.s.script[k].people == e.people => Some(k as u32),
                        Some(_) => {
                            return Err(ctx(format!(
                                "`after`: \"{label}\" happens to other people; both events need the same `people`"
                            )))
                        }
                        None => {
                            return Err(ctx(format!(
                                "`after`: no earlier scripted event is labelled \"{label}\""
                            )))
                        }
                    }
                }
            };
            out.push(Scripted {
                label: e.label.clone(),
                at: self.dist(&e.at).within(place())?,
                after,
                people: if needs_person { range } else { None },
                event,
            });
        }
        if expanded > limits::MAX_SCRIPTED {
            let max = limits::MAX_SCRIPTED;
            return Err(format!("{expanded} scripted events: at most {max}").into());
        }
        Ok(out)
    }

    /// Resolves and checks one outside event.
    fn outside_event(&mut self, event: &OutsideEvent) -> Result<OutsideModel, String> {
        let sys = &self.s.systems;
        Ok(match event {
            OutsideEvent::FillsOutForm(f) => OutsideModel::FillsOutForm(self.syms.intern(f)),
            OutsideEvent::AddToList(l) => OutsideModel::AddToList(self.list(l)?),
            OutsideEvent::ChangeDataValue { field, value } => {
                let f = self.field(field)?;
                OutsideModel::ChangeDataValue(f, self.value(f, value)?)
            }
            OutsideEvent::RequestCampaign(c) => {
                let id = self.campaign_id(c)?;
                self.api_requestable(id)?;
                OutsideModel::RequestCampaign(id)
            }
            OutsideEvent::RunBatchCampaign(c) => {
                let id = self.campaign_id(c)?;
                if self.s.campaigns[id as usize].schedule.is_none() {
                    return Err(format!("`{c}` is not a batch campaign"));
                }
                OutsideModel::RunBatchCampaign(id)
            }
            OutsideEvent::AssignOwnerInCrm(o) => {
                if sys.crm.is_none() {
                    return Err("assigning an owner in the CRM needs a `crm` in systems".into());
                }
                OutsideModel::AssignOwnerInCrm(self.syms.intern(o))
            }
            OutsideEvent::RunJobNow(j) => {
                let names: Vec<&str> = sys.jobs.iter().map(|x| x.name.as_str()).collect();
                match names.iter().position(|n| n == j) {
                    Some(i) => OutsideModel::RunJobNow(i as u16),
                    None if names.is_empty() => {
                        return Err(format!("unknown job `{j}` (the scenario has no jobs)"))
                    }
                    None => return Err(format!("unknown job `{j}` (known: {})", names.join(", "))),
                }
            }
            OutsideEvent::ChangeEventArrives { field } => {
                let feed = sys.change_feed.as_ref().ok_or(
                    "a change event needs a `change_feed` in systems (the scenario has none)",
                )?;
                if !feed.fields.contains(field) {
                    return Err(format!(
                        "the change feed does not publish `{field}` (it publishes: {})",
                        feed.fields.join(", ")
                    ));
                }
                OutsideModel::ChangeEventArrives(self.field(field)?)
            }
            OutsideEvent::ChangeEventRedelivered => {
                if sys.change_feed.is_none() {
                    return Err(
                        "delivering a change event again needs a `change_feed` in systems (the scenario has none)"
                            .into(),
                    );
                }
                OutsideModel::ChangeEventRedelivered
            }
            OutsideEvent::DelayWebhook { webhook, extra_ms } => {
                let w = self
                    .webhooks
                    .get(webhook.as_str())
                    .copied()
                    .ok_or_else(|| unknown("webhook", webhook, &self.webhooks))?;
                if *extra_ms == 0 || *extra_ms > MAX_DELAY_MS {
                    return Err(format!(
                        "extra_ms = {extra_ms}: the extra delay must be between 1 ms and 400 days"
                    ));
                }
                OutsideModel::DelayWebhook(w, *extra_ms)
            }
            OutsideEvent::ResponsesArrive { count } => {
                if sys.response_feed.is_none() {
                    return Err(
                        "responses need a `response_feed` in systems (the scenario has none)"
                            .into(),
                    );
                }
                if !(1..=100_000).contains(count) {
                    return Err(format!(
                        "count = {count}: a burst has 1 to 100000 responses"
                    ));
                }
                OutsideModel::ResponsesArrive(*count)
            }
            OutsideEvent::SyncPersonByApi(c) => {
                let clients = sys
                    .person_creation
                    .as_ref()
                    .map_or(&[][..], |pc| &pc.api_clients);
                match clients.iter().position(|x| &x.name == c) {
                    Some(i) => OutsideModel::SyncPersonByApi(i as u16),
                    None => {
                        let names: Vec<&str> = clients.iter().map(|x| x.name.as_str()).collect();
                        return Err(format!(
                            "unknown API client `{c}` (`person_creation` lists: {})",
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                names.join(", ")
                            }
                        ));
                    }
                }
            }
        })
    }

    pub(super) fn invariant(&mut self, inv: &Invariant) -> Result<InvariantModel, String> {
        Ok(match inv {
            Invariant::OneEmailPerEntry { list, email } => InvariantModel::OneEmailPerEntry {
                list: self.list(list)?,
                email: self.syms.intern(email),
            },
            Invariant::NoEntryLost { list, email } => InvariantModel::NoEntryLost {
                list: self.list(list)?,
                email: self.syms.intern(email),
            },
            Invariant::AlertHasRecipient => InvariantModel::AlertHasRecipient,
            Invariant::EmailOnlyWhen { email, when, logic } => {
                let when = self.filters(when)?;
                InvariantModel::EmailOnlyWhen {
                    email: self.syms.intern(email),
                    logic: crate::engine::logic::Logic::parse(logic.as_deref(), when.len())?,
                    when,
                }
            }
            Invariant::OneAlertPerPerson { alert } => InvariantModel::OneAlertPerPerson {
                alert: self.syms.intern(alert),
            },
            Invariant::StatusNeverMoves { program, from, to } => {
                let program = self.program(program)?;
                InvariantModel::StatusNeverMoves {
                    program,
                    from: self.status(program, from)?,
                    to: self.status(program, to)?,
                }
            }
            Invariant::OnePersonPerEmail => InvariantModel::OnePersonPerEmail {
                email: self
                    .field("email")
                    .map_err(|_| "one_person_per_email needs a field named `email`".to_string())?,
            },
            Invariant::MarketoValueKept { field } => {
                let f = self.field(field)?;
                let automated = self
                    .s
                    .systems
                    .crm
                    .as_ref()
                    .is_some_and(|c| c.automations.iter().any(|a| &a.field == field));
                if !automated {
                    return Err(format!(
                        "marketo_value_kept watches `{field}`, which no CRM automation sets"
                    ));
                }
                InvariantModel::MarketoValueKept { field: f }
            }
            Invariant::EveryoneReachesCrm => {
                if self.s.systems.crm.is_none() {
                    return Err("everyone_reaches_crm needs a `crm` in systems".into());
                }
                InvariantModel::EveryoneReachesCrm
            }
            Invariant::CrmSyncAfter { field } => InvariantModel::CrmSyncAfter {
                field: self.field(field)?,
            },
            Invariant::StageNeverRegresses { field, order } => {
                let f = self.field(field)?;
                let order = order
                    .iter()
                    .map(|s| self.value(f, &Json::String(s.clone())))
                    .collect::<Result<Vec<_>, _>>()?;
                InvariantModel::StageNeverRegresses { field: f, order }
            }
            Invariant::CheckpointMonotonic | Invariant::NoDuplicateImport => {
                if self.s.systems.jobs.is_empty() {
                    return Err("this invariant watches jobs: add `jobs` to systems".into());
                }
                match inv {
                    Invariant::CheckpointMonotonic => InvariantModel::CheckpointMonotonic,
                    _ => InvariantModel::NoDuplicateImport,
                }
            }
            Invariant::NoResponseLost => {
                if self.s.systems.response_feed.is_none() {
                    return Err(
                        "no_response_lost watches the response feed: add `response_feed` to systems"
                            .into(),
                    );
                }
                InvariantModel::NoResponseLost
            }
            Invariant::NoStaleDecision | Invariant::NoDuplicateAction => {
                if self.s.systems.change_feed.is_none() {
                    return Err(
                        "this invariant watches change-feed consumers: add `change_feed` to systems"
                            .into(),
                    );
                }
                match inv {
                    Invariant::NoStaleDecision => InvariantModel::NoStaleDecision,
                    _ => InvariantModel::NoDuplicateAction,
                }
            }
        })
    }
}
