//! Call Webhook: the flow waits for the response (or the timeout); the service acts halfway
//! through the round trip, so a timed-out call may still have changed the service's state;
//! a vendor that writes back late applies its answer through the REST API after the timeout.

use super::super::chooser::{Choice, Chooser};
use super::super::dist::MAX_DELAY_MS;
use super::super::model::*;
use super::super::scenario::KvOp;
use super::super::trace::{Actor, EventId, EventKind};
use super::super::value::{Sym, Value, SYM_OK, SYM_VALUE};
use super::state::*;
use super::Sim;

impl Sim<'_> {
    pub(super) fn call_webhook(&mut self, r: RunRef, w: WebhookId, ch: &mut dyn Chooser) {
        let hook = &self.model.webhooks[w as usize];
        let run = self.state.runs.get(r).expect("live run");
        let (p, c, cause) = (run.person, run.campaign, run.cause);
        let id = self.record(
            Some(p),
            Actor::Campaign(c),
            EventKind::WebhookCalled { webhook: w },
            cause,
        );
        self.state.seq += 1;
        let call = self.state.seq;
        if let Some(run) = self.state.runs.get_mut(r) {
            run.cause = Some(id);
            run.call = Some((w, call));
            run.response = None;
        }
        let mut latency = hook.latency.draw(ch);
        if !self.state.injected.webhook_delays.is_empty() {
            if let Some((extra_ms, injected)) = self.state.injected.webhook_delays.remove(&(p, w)) {
                latency = latency.saturating_add(extra_ms).min(MAX_DELAY_MS);
                let kind = EventKind::WebhookSlowed {
                    webhook: w,
                    extra_ms,
                };
                self.record(Some(p), Actor::Webhook(w), kind, injected);
            }
        }
        let fails = hook.failure_ppm > 0
            && ch.choose(&Choice::Fail {
                ppm: hook.failure_ppm,
            }) == 1;
        // The service acts, but its answer never reaches the caller.
        let deliver = fails
            || hook.response_loss_ppm == 0
            || ch.choose(&Choice::Fail {
                ppm: hook.response_loss_ppm,
            }) == 0;
        let now = self.state.now;
        if !fails {
            let serve = WebhookCall {
                run: r,
                webhook: w,
                person: p,
                call,
                deliver,
            };
            if latency == 0 {
                // An instant round trip: the service acts before the response is read (on
                // the agenda both would fall at the same millisecond, in either order).
                self.webhook_serve(serve, Some(id));
            } else {
                let serve = Pending::WebhookServe(serve);
                self.state.schedule(now + latency / 2, Some(id), serve);
            }
        }
        if latency > hook.timeout_ms {
            if hook.writes_back_late && !fails {
                let late = WebhookCall {
                    run: r,
                    webhook: w,
                    person: p,
                    call,
                    deliver: false,
                };
                let write_back = Pending::WebhookWriteBack(late);
                self.state.schedule(now + latency, Some(id), write_back);
            }
            self.state.schedule(
                now + hook.timeout_ms,
                Some(id),
                Pending::WebhookTimeout(r, call),
            );
        } else {
            self.state
                .schedule(now + latency, Some(id), Pending::WebhookReturn(r, call));
        }
    }

    /// The run still waits for this call.
    fn waiting_call(&self, r: RunRef, call: u64) -> Option<WebhookId> {
        match self.state.runs.get(r)?.call {
            Some((w, c)) if c == call => Some(w),
            _ => None,
        }
    }

    /// The service acts; its response waits in the run until the round trip completes.
    pub(super) fn webhook_serve(&mut self, c: WebhookCall, cause: Option<EventId>) {
        let (r, w, p) = (c.run, c.webhook, c.person);
        let hook = &self.model.webhooks[w as usize];
        let (ok, value, response) = match &hook.service {
            ServiceModel::Respond(values) => (true, Value::Empty, self.respond_values(values, p)),
            ServiceModel::KeyValue(op) => {
                let (ok, value) = self.kv_apply(op, p);
                let ok_sym = SYM_OK;
                let value_sym = SYM_VALUE;
                (
                    ok,
                    value,
                    vec![(ok_sym, Value::Bool(ok)), (value_sym, value)],
                )
            }
        };
        self.record(
            Some(p),
            Actor::Webhook(w),
            EventKind::WebhookServed {
                webhook: w,
                ok,
                value,
            },
            cause,
        );
        if c.deliver && self.waiting_call(r, c.call).is_some() {
            if let Some(run) = self.state.runs.get_mut(r) {
                run.response = Some(response);
            }
        }
    }

    /// The attributes a `respond` service answers for person `p`.
    fn respond_values(&self, values: &[(Sym, Source)], p: PersonId) -> Vec<(Sym, Value)> {
        let person = &self.state.people[p as usize];
        values
            .iter()
            .map(|(attr, src)| {
                let v = match src {
                    Source::Value(v) => *v,
                    Source::Field(f) => person.fields[*f as usize],
                };
                (*attr, v)
            })
            .collect()
    }

    /// Writes the mapped attributes of `values` to the person's fields.
    fn apply_mappings(
        &mut self,
        p: PersonId,
        w: WebhookId,
        values: &[(Sym, Value)],
        cause: EventId,
        ch: &mut dyn Chooser,
    ) {
        for (attr, field) in &self.model.webhooks[w as usize].mappings {
            if let Some((_, v)) = values.iter().find(|(a, _)| a == attr) {
                let v = self.coerce(*v, self.model.field_type(*field));
                self.change_field(p, *field, v, Actor::Webhook(w), Some(cause), ch);
            }
        }
    }

    /// A vendor that answered after the timeout writes its answer through the REST API:
    /// the mapped fields change now, as a data value change any trigger can see.
    pub(super) fn webhook_write_back(
        &mut self,
        c: WebhookCall,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let (w, p) = (c.webhook, c.person);
        let ServiceModel::Respond(values) = &self.model.webhooks[w as usize].service else {
            return;
        };
        let values = self.respond_values(values, p);
        let kind = EventKind::WebhookWroteBack { webhook: w };
        let id = self.record(Some(p), Actor::Webhook(w), kind, cause);
        self.apply_mappings(p, w, &values, id, ch);
    }

    /// Applies a key-value operation atomically; returns (applied, value).
    fn kv_apply(&mut self, op: &KvOpModel, p: PersonId) -> (bool, Value) {
        let key = self.kv_key(&op.key, p);
        let kv = &mut self.state.kv;
        match &op.op {
            KvOp::Get { .. } => match kv.get(&key) {
                Some(KvEntry::Value(v)) => (true, *v),
                _ => (false, Value::Empty),
            },
            KvOp::Set { .. } => {
                kv.insert(key, KvEntry::Value(op.value));
                (true, op.value)
            }
            KvOp::Cas { .. } => {
                let current = match kv.get(&key) {
                    Some(KvEntry::Value(v)) => *v,
                    _ => Value::Empty,
                };
                if current == op.expected {
                    kv.insert(key, KvEntry::Value(op.value));
                    (true, op.value)
                } else {
                    (false, current)
                }
            }
            KvOp::Push { .. } => {
                match kv.entry(key).or_insert_with(|| KvEntry::Stack(Vec::new())) {
                    KvEntry::Stack(s) => s.push(op.value),
                    other => *other = KvEntry::Stack(vec![op.value]),
                }
                (true, op.value)
            }
            KvOp::Pop { .. } => match kv.get_mut(&key) {
                Some(KvEntry::Stack(s)) => s.pop().map_or((false, Value::Empty), |v| (true, v)),
                _ => (false, Value::Empty),
            },
            KvOp::Claim { .. } => {
                let now = self.state.now;
                let token = match kv.get(&key) {
                    None => 1,
                    Some(KvEntry::Lease { until, token }) if *until <= now => token + 1,
                    Some(KvEntry::Value(v)) => return (false, *v),
                    Some(_) => return (false, Value::Empty),
                };
                let until = now + op.lease_ms;
                kv.insert(key, KvEntry::Lease { until, token });
                (true, Value::Number(token as i64))
            }
            KvOp::Commit { .. } => {
                let held = op
                    .token
                    .map(|f| self.state.people[p as usize].fields[f as usize]);
                match kv.get(&key) {
                    Some(KvEntry::Lease { token, .. })
                        if held == Some(Value::Number(*token as i64)) =>
                    {
                        kv.insert(key, KvEntry::Value(op.value));
                        (true, op.value)
                    }
                    Some(KvEntry::Value(v)) => (false, *v),
                    _ => (false, Value::Empty),
                }
            }
        }
    }

    fn kv_key(&self, parts: &[KeyPart], p: PersonId) -> KvKey {
        let person = &self.state.people[p as usize];
        KvKey::new(parts.iter().map(|part| match part {
            KeyPart::Text(t) => Value::Text(*t),
            KeyPart::Person => Value::Number(p as i64 + 1),
            KeyPart::Field(f) => person.fields[*f as usize],
        }))
    }

    /// The response arrives: map it into fields (a failed call has none), then go on.
    pub(super) fn webhook_return(&mut self, r: RunRef, call: u64, ch: &mut dyn Chooser) {
        let Some(w) = self.waiting_call(r, call) else {
            return;
        };
        let run = self.state.runs.get_mut(r).expect("waiting run");
        run.call = None;
        let response = run.response.take();
        let (p, cause) = (run.person, run.cause);
        match response {
            None => {
                let id = self.record(
                    Some(p),
                    Actor::Webhook(w),
                    EventKind::WebhookFailed { webhook: w },
                    cause,
                );
                self.set_cause(r, id);
            }
            Some(values) => {
                let id = self.record(
                    Some(p),
                    Actor::Webhook(w),
                    EventKind::WebhookResponded { webhook: w },
                    cause,
                );
                self.set_cause(r, id);
                self.apply_mappings(p, w, &values, id, ch);
            }
        }
        self.advance(r);
    }

    /// Marketo stops waiting: no mapping, the flow goes on; the service may still act.
    pub(super) fn webhook_timeout(&mut self, r: RunRef, call: u64) {
        let Some(w) = self.waiting_call(r, call) else {
            return;
        };
        let run = self.state.runs.get_mut(r).expect("waiting run");
        run.call = None;
        run.response = None;
        let (p, cause) = (run.person, run.cause);
        let id = self.record(
            Some(p),
            Actor::Webhook(w),
            EventKind::WebhookTimedOut { webhook: w },
            cause,
        );
        self.set_cause(r, id);
        self.advance(r);
    }
}
