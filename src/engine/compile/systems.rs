//! The systems around the campaign engine: webhooks and the key-value service behind them,
//! the CRM and the campaign queue.

use super::error::{Place, ScenarioError, Within};
use super::Compiler;
use crate::engine::knobs::{Param, ParamUse};
use crate::engine::model::{
    limits, ApiClient, Crm, CrmAutomation, FieldId, KeyPart, KvOpModel, PersonCreation, PersonId,
    PersonInit, Queue, ServiceModel, Source, Webhook,
};
use crate::engine::scenario::{
    ConflictWinner, CrmConfig, FieldType, Json, KvOp, PersonCreationDef, QueueConfig, Service,
    SyncAction, WebhookDef,
};
use crate::engine::sim::state::KvKey;
use crate::engine::value::Value;
use std::collections::BTreeMap;

impl Compiler<'_> {
    pub(super) fn webhook(&mut self, w: &WebhookDef) -> Result<Webhook, String> {
        let failure_ppm = self.ppm(&w.failure, "failure probability")?;
        let response_loss_ppm = self.ppm(&w.response_loss, "response loss")?;
        let service = match &w.service {
            Service::Respond(values) => {
                let mut out = Vec::new();
                for (attr, j) in values {
                    let src = match j.get("from_field").and_then(|v| v.as_str()) {
                        Some(f) => Source::Field(self.field(f)?),
                        None => Source::Value(self.json_value(j)?),
                    };
                    out.push((self.syms.intern(attr), src));
                }
                ServiceModel::Respond(out)
            }
            Service::KeyValue(op) => ServiceModel::KeyValue(self.kv(op)?),
        };
        if w.writes_back_late && !matches!(service, ServiceModel::Respond(_)) {
            return Err(
                "`writes_back_late` needs a `respond` service (a vendor that answers with data)"
                    .into(),
            );
        }
        let mut mappings = Vec::new();
        for (attr, field) in &w.response_mappings {
            mappings.push((self.syms.intern(attr), self.field(field)?));
        }
        Ok(Webhook {
            name: w.name.clone(),
            latency: self.dist(&w.latency)?,
            failure_ppm,
            response_loss_ppm,
            timeout_ms: self.duration(&w.timeout)?,
            service,
            writes_back_late: w.writes_back_late,
            mappings,
        })
    }

    /// A literal whose type follows JSON (text, number, bool, null).
    fn json_value(&mut self, j: &Json) -> Result<Value, String> {
        let kind = match j {
            Json::Number(_) => FieldType::Number,
            Json::Bool(_) => FieldType::Bool,
            _ => FieldType::Text,
        };
        self.syms.from_json(j, kind)
    }

    fn kv(&mut self, op: &KvOp) -> Result<KvOpModel, String> {
        let (key, expected, value) = match op {
            KvOp::Get { key } | KvOp::Pop { key } => (key, &Json::Null, &Json::Null),
            KvOp::Set { key, value } | KvOp::Push { key, value } => (key, &Json::Null, value),
            KvOp::Cas { key, expected, new } => (key, expected, new),
            KvOp::Claim { key, .. } => (key, &Json::Null, &Json::Null),
            KvOp::Commit { key, value, .. } => (key, &Json::Null, value),
        };
        let token = match op {
            KvOp::Commit { token, .. } => {
                let f = self.field(token)?;
                if self.s.fields[f as usize].kind != FieldType::Number {
                    return Err(format!(
                        "commit: the token field `{token}` must be a number field (it holds a lease's fencing token)"
                    ));
                }
                Some(f)
            }
            _ => None,
        };
        let lease_ms = match op {
            KvOp::Claim { lease, .. } => self.duration(lease)?,
            _ => 0,
        };
        Ok(KvOpModel {
            op: op.clone(),
            lease_ms,
            key: self.key_template(key)?,
            token,
            expected: self.json_value(expected)?,
            value: self.json_value(value)?,
        })
    }

    /// A key template: text and the tokens a Marketo webhook can send, `{{lead.Id}}` and
    /// `{{lead.FIELD}}` (the field's API name or label). The forms of earlier versions read
    /// as the same tokens (old links keep opening): `{person}` is `{{lead.Id}}` and
    /// `{field:NAME}` is `{{lead.NAME}}`; `{list_entry:LIST}` is refused, as no Marketo token
    /// gives it.
    fn key_template(&mut self, t: &str) -> Result<Vec<KeyPart>, String> {
        let mut parts = Vec::new();
        let mut rest = t;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(KeyPart::Text(self.syms.intern(&rest[..open])));
            }
            let double = rest[open..].starts_with("{{");
            let (start, end) = if double { ("{{", "}}") } else { ("{", "}") };
            let close = rest[open..]
                .find(end)
                .ok_or_else(|| format!("key `{t}`: missing `{end}`"))?
                + open;
            let inner = &rest[open + start.len()..close];
            parts.push(if double {
                self.token(t, inner)?
            } else {
                self.legacy_token(t, inner)?
            });
            rest = &rest[close + end.len()..];
        }
        if !rest.is_empty() {
            parts.push(KeyPart::Text(self.syms.intern(rest)));
        }
        if parts.len() > KvKey::MAX_PARTS {
            return Err(format!(
                "key `{t}` has {} parts: at most {} (text and tokens)",
                parts.len(),
                KvKey::MAX_PARTS
            ));
        }
        Ok(parts)
    }

    /// `{{inner}}` in key `t`: `lead.Id`, or `lead.` and a field's API name or label.
    fn token(&self, t: &str, inner: &str) -> Result<KeyPart, String> {
        let unknown = || {
            format!(
                "key `{t}`: `{{{{{inner}}}}}` is not a token Marketo has: a webhook can send \
                 {{{{lead.Id}}}} and {{{{lead.Field Name}}}} (a person field, by its API name \
                 or label)"
            )
        };
        let Some(name) = inner.strip_prefix("lead.") else {
            return Err(unknown());
        };
        if name.eq_ignore_ascii_case("id") {
            return Ok(KeyPart::Person);
        }
        let by_label = (self.s.fields.iter())
            .position(|f| f.label.as_deref() == Some(name))
            .map(|i| i as FieldId);
        match self.fields.get(name).copied().or(by_label) {
            Some(f) => Ok(KeyPart::Field(f)),
            None => Err(format!(
                "key `{t}`: {{{{lead.{name}}}}} names no person field (fields: {})",
                (self.s.fields.iter())
                    .map(|f| f.display_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// `{inner}` in key `t`, in the form of earlier versions.
    fn legacy_token(&self, t: &str, inner: &str) -> Result<KeyPart, String> {
        Ok(match inner.split_once(':') {
            None if inner == "person" => KeyPart::Person,
            Some(("field", f)) => KeyPart::Field(self.field(f)?),
            Some(("list_entry", l)) => {
                self.list(l)?;
                return Err(format!(
                    "key `{t}`: `{{list_entry:{l}}}` counts the person's entries in list `{l}`, \
                     and no Marketo token gives such a counter, so a real webhook cannot send \
                     it. Stamp an ID on the person instead (e.g. a field set by Change Data \
                     Value when they join the list) and use its token, {{{{lead.Field Name}}}}"
                ));
            }
            _ => {
                return Err(format!(
                    "key `{t}`: `{{{inner}}}` is not a token: use {{{{lead.Id}}}} or \
                     {{{{lead.Field Name}}}}"
                ))
            }
        })
    }

    pub(super) fn crm(&mut self, c: &CrmConfig) -> Result<Crm, ScenarioError> {
        let owner_field = self.field(&c.owner_field)?;
        if self.s.fields[owner_field as usize].kind != FieldType::Text {
            let what = format!("owner field `{}` must be a text field", c.owner_field);
            return Err(what.into());
        }
        let sync_interval_ms = self.duration(&c.sync_interval)?;
        if sync_interval_ms < 1_000 {
            return Err("the sync interval must be at least one second".into());
        }
        let mut rules = Vec::new();
        for (i, r) in c.assignment_rules.iter().enumerate() {
            let fs = self.filters(&r.when).within(Place::AssignmentRule(i + 1))?;
            rules.push((fs, self.syms.intern(&r.owner), self.syms.intern(&r.queue)));
        }
        let mut automations = Vec::new();
        let mut automated_fields = Vec::new();
        for (i, a) in c.automations.iter().enumerate() {
            let place = || Place::Setting(format!("CRM automation {} ({})", i + 1, a.name));
            let field = self.field(&a.field).within(place())?;
            let value = self.value(field, &a.value).within(place())?;
            let slot = match automated_fields.iter().position(|f| *f == field) {
                Some(k) => k,
                None => {
                    automated_fields.push(field);
                    automated_fields.len() - 1
                }
            };
            automations.push(CrmAutomation {
                name: a.name.clone(),
                slot: slot as u16,
                field,
                value,
                delay: self.dist(&a.delay).within(place())?,
                only_if_empty: a.only_if_empty,
            });
        }
        Ok(Crm {
            marketo_wins_conflicts: c.conflict_winner == ConflictWinner::Marketo,
            automations,
            automated_fields,
            push_latency: self.dist(&c.push_latency)?,
            sync_interval_ms,
            assignment_delay: self.dist(&c.assignment_delay)?,
            rules,
            default_owner: c.default_owner.as_deref().map(|o| self.syms.intern(o)),
            owner_field,
        })
    }

    pub(super) fn queue(&self, q: &QueueConfig) -> Result<Queue, String> {
        let count = |p: &Param, what: &str| -> Result<u32, String> {
            let v = self.param(p, ParamUse::Count)?;
            if !(1..=1000).contains(&v) {
                return Err(format!("{what} = {v}: must be 1 to 1000"));
            }
            Ok(v as u32)
        };
        Ok(Queue {
            workers: [
                count(&q.trigger_workers, "trigger workers")?,
                count(&q.batch_workers, "batch workers")?,
            ],
            step_time: self.dist(&q.step_time)?,
            trigger_delay: self.dist(&q.trigger_delay)?,
            request_cap: count(&q.request_cap, "request cap")?,
        })
    }
}

impl Compiler<'_> {
    /// Person creation by email; appends one spare record (unborn, same fields) for every
    /// declared person who does not exist yet, for a duplicate to land in.
    pub(super) fn person_creation(
        &mut self,
        pc: &PersonCreationDef,
        people: &mut Vec<PersonInit>,
    ) -> Result<PersonCreation, String> {
        let email = self
            .fields
            .get("email")
            .copied()
            .ok_or("person creation looks people up by email: add a field named `email`")?;
        let declared = people.len();
        for p in 0..declared {
            if !people[p].exists {
                let spare = PersonInit {
                    spare_of: Some(p as PersonId),
                    ..people[p].clone()
                };
                people.push(spare);
            }
        }
        if people.len() > limits::MAX_PEOPLE {
            return Err(format!(
                "too many people with their spare records: at most {} per scenario",
                limits::MAX_PEOPLE
            ));
        }
        let mut by_email: BTreeMap<Value, u32> = BTreeMap::new();
        let (mut group_of, mut groups) = (Vec::new(), Vec::<Vec<PersonId>>::new());
        for (p, init) in people.iter().enumerate() {
            let address = init.fields[email as usize];
            let g = match (address, by_email.get(&address)) {
                (Value::Empty, _) | (_, None) => {
                    groups.push(Vec::new());
                    let g = groups.len() as u32 - 1;
                    if !address.is_empty() {
                        by_email.insert(address, g);
                    }
                    g
                }
                (_, Some(&g)) => g,
            };
            groups[g as usize].push(p as PersonId);
            group_of.push(g);
        }
        let mut clients = Vec::new();
        for c in &pc.api_clients {
            let ctx = |e: String| format!("API client `{}`: {e}", c.name);
            clients.push(ApiClient {
                name: c.name.clone(),
                update_only: c.action == SyncAction::UpdateOnly,
                retry_after_ms: self
                    .duration_min(&c.retry_after, "retry_after", 1_000)
                    .map_err(ctx)?,
                attempts: self
                    .count_in(&c.attempts, "attempts", 1, 100)
                    .map_err(ctx)?,
            });
        }
        Ok(PersonCreation {
            insert_gap: self.dist(&pc.insert_gap)?,
            clients,
            group_of,
            groups,
        })
    }
}
