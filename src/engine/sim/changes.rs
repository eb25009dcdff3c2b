//! The change feed (seed 002, race 7 "replica lag cascade").
//!
//! A scripted outside change of a published field commits on the primary store (the read
//! replica shows it after a drawn lag, in commit order) and goes onto an at-least-once
//! queue. Consumer workers receive messages, read the person (from the replica; with the
//! version check, from the primary when the replica is older than the message), recompute
//! the configured dynamic lists through Add to List / Remove from List (so Added to List
//! triggers fire), run the per-message action, and ack: the consumer's steps, in the order
//! the scenario lists them. A lost ack (the chooser decides) or a visibility timeout
//! delivers a message again; a consumer with the skip-if-seen step claims each message id
//! in the idempotency log and skips duplicates.

use super::super::chooser::Chooser;
use super::super::model::*;
use super::super::scenario::steps::ConsumerStep;
use super::super::scenario::RequestSource;
use super::super::systems::{IdempotencyLog, MessageId, MessageQueue, ReplicatedStore};
use super::super::trace::{Actor, EventId, EventKind};
use super::super::value::Value;
use super::job::chance;
use super::state::{Pending, PerPerson};
use super::Sim;

/// A queued change: person, the field that changed, the person's primary version after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChangeMsg {
    pub person: PersonId,
    pub field: FieldId,
    pub version: u64,
}

/// Primary + replica, the queue, the idempotency log and the consumer workers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChangesState {
    /// Per person: the published fields' values (in the feed's field order).
    pub store: ReplicatedStore<PersonId, Vec<Value>>,
    pub queue: MessageQueue<ChangeMsg>,
    pub log: IdempotencyLog,
    /// The message each worker is processing.
    pub workers: Vec<Option<MessageId>>,
    /// The idle workers (derived from `workers`: a thousand consumers are not scanned for
    /// an idle one at every change).
    idle: IdleWorkers,
    /// The event that published each message, by message id (ids are given in order).
    pub published: Vec<EventId>,
    /// The earliest poll on the agenda (for messages that become visible again).
    pub poll_at: Option<u64>,
    /// Each person's latest message, by person (what an injected duplicate delivers again).
    pub latest: Vec<Option<(MessageId, ChangeMsg)>>,
}

impl ChangesState {
    pub fn new(model: &Model) -> Option<Self> {
        let feed = model.integrations.changes.as_ref()?;
        Some(ChangesState {
            store: ReplicatedStore::new(),
            queue: MessageQueue::new(feed.visibility_timeout_ms),
            log: IdempotencyLog::new(),
            workers: vec![None; feed.consumers as usize],
            idle: IdleWorkers::all(feed.consumers as usize),
            published: Vec::new(),
            poll_at: None,
            latest: vec![None; model.people.len()],
        })
    }
}

/// A set of worker numbers, one bit each: the lowest idle worker is found a word at a time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct IdleWorkers(Vec<u64>);

impl IdleWorkers {
    /// Workers `0..n`, all idle.
    fn all(n: usize) -> Self {
        let mut words = vec![u64::MAX; n.div_ceil(64)];
        if !n.is_multiple_of(64) {
            words[n / 64] = (1 << (n % 64)) - 1;
        }
        IdleWorkers(words)
    }

    /// The lowest idle worker, if any.
    fn first(&self) -> Option<usize> {
        let (i, w) = self.0.iter().enumerate().find(|(_, w)| **w != 0)?;
        Some(i * 64 + w.trailing_zeros() as usize)
    }

    fn set(&mut self, w: usize, idle: bool) {
        let bit = 1u64 << (w % 64);
        if idle {
            self.0[w / 64] |= bit;
        } else {
            self.0[w / 64] &= !bit;
        }
    }
}

/// What happens next in the change feed (on the agenda).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeStep {
    /// The replica now shows `version` of the person.
    Applied { person: PersonId, version: u64 },
    /// A hidden message may be visible again.
    Poll,
    /// A worker finished its processing time: read, decide, act, ack.
    Process {
        worker: u16,
        message: MessageId,
        msg: ChangeMsg,
    },
}

impl Sim<'_> {
    fn changes(&mut self) -> &mut ChangesState {
        self.state
            .changes
            .as_mut()
            .expect("change feed in the state")
    }

    fn change_feed(&self) -> &'_ ChangeFeedModel {
        self.model
            .integrations
            .changes
            .as_ref()
            .expect("change feed in the model")
    }

    /// Publishes a change of field `f` if the change feed watches it (primary + queue).
    pub(super) fn publish_if_watched(
        &mut self,
        p: PersonId,
        f: FieldId,
        cause: EventId,
        ch: &mut dyn Chooser,
    ) {
        let watched = self
            .model
            .integrations
            .changes
            .as_ref()
            .is_some_and(|feed| feed.fields.contains(&f));
        if watched {
            self.publish_change(p, f, Some(cause), ch);
        }
    }

    fn publish_change(
        &mut self,
        p: PersonId,
        f: FieldId,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let model: &Model = self.model;
        let feed = model.integrations.changes.as_ref().expect("change feed");
        let person = &self.state.people[p as usize];
        let values: Vec<Value> = feed
            .fields
            .iter()
            .map(|&x| person.fields[x as usize])
            .collect();
        let lag = feed.replica_lag.draw(ch);
        let now = self.state.now;
        let st = self.changes();
        let version = st.store.write(now, p, values, lag);
        let applied_at = st.store.caught_up_at(&p).unwrap_or(now);
        let msg = ChangeMsg {
            person: p,
            field: f,
            version,
        };
        let message = st.queue.publish(now, msg);
        st.latest[p as usize] = Some((message, msg));
        let kind = EventKind::ChangePublished {
            field: f,
            version,
            message: message.0,
        };
        let id = self.record(Some(p), Actor::ChangeFeed, kind, cause);
        let published = &mut self.changes().published;
        debug_assert_eq!(
            published.len() as u64,
            message.0,
            "message ids are given in order"
        );
        published.push(id);
        let step = ChangeStep::Applied { person: p, version };
        self.state
            .schedule(applied_at, Some(id), Pending::Change(step));
        self.consumers_poll(ch);
    }

    /// An injected change event for the person's field `f` (a field the feed publishes).
    pub(super) fn publish_injected(
        &mut self,
        p: PersonId,
        f: FieldId,
        cause: EventId,
        ch: &mut dyn Chooser,
    ) {
        self.publish_change(p, f, Some(cause), ch);
    }

    /// An injected duplicate: the queue delivers the person's latest message again, now
    /// (a message already acked comes back with the same id).
    pub(super) fn redeliver_latest(&mut self, p: PersonId, ch: &mut dyn Chooser) {
        let now = self.state.now;
        let latest = self.changes().latest[p as usize];
        let kind = EventKind::RedeliveryForced {
            message: latest.map(|(m, _)| m.0),
        };
        let id = self.record(Some(p), Actor::Outside, kind, None);
        let Some((message, msg)) = latest else {
            return;
        };
        let deliveries = self
            .trace
            .iter()
            .filter(|e| {
                matches!(e.kind, EventKind::MessageDelivered { message: m, .. } if m == message.0)
            })
            .count() as u32;
        let st = self.changes();
        if !st.queue.redeliver(message, now) {
            st.queue.restore(message, msg, deliveries, now);
        }
        st.published[message.0 as usize] = id;
        self.consumers_poll(ch);
    }

    pub(super) fn change_step(
        &mut self,
        step: ChangeStep,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        match step {
            ChangeStep::Applied { person, version } => {
                let kind = EventKind::ReplicaApplied { version };
                self.record(Some(person), Actor::ChangeFeed, kind, cause);
            }
            ChangeStep::Poll => {
                let now = self.state.now;
                let st = self.changes();
                if st.poll_at == Some(now) {
                    st.poll_at = None;
                }
                self.consumers_poll(ch);
            }
            ChangeStep::Process {
                worker,
                message,
                msg,
            } => self.consume(worker, message, msg, cause, ch),
        }
    }

    /// Idle workers receive visible messages; a poll is kept on the agenda for messages
    /// that become visible again later.
    fn consumers_poll(&mut self, ch: &mut dyn Chooser) {
        let now = self.state.now;
        loop {
            let st = self.changes();
            debug_assert_eq!(st.idle.first(), st.workers.iter().position(Option::is_none));
            let Some(w) = st.idle.first() else {
                break;
            };
            let Some(d) = st.queue.receive(now) else {
                break;
            };
            st.workers[w] = Some(d.id);
            st.idle.set(w, false);
            let cause = st.published.get(d.id.0 as usize).copied();
            let kind = EventKind::MessageDelivered {
                message: d.id.0,
                delivery: d.delivery_count,
            };
            let id = self.record(
                Some(d.payload.person),
                Actor::Consumer(w as u16),
                kind,
                cause,
            );
            let t = self.change_feed().processing_time.draw(ch);
            let step = ChangeStep::Process {
                worker: w as u16,
                message: d.id,
                msg: d.payload,
            };
            self.state
                .schedule(now + t, Some(id), Pending::Change(step));
        }
        let st = self.changes();
        if let Some(t) = st.queue.next_visible_time(now) {
            if st.poll_at.is_none_or(|p| t < p) {
                st.poll_at = Some(t);
                self.state
                    .schedule(t, None, Pending::Change(ChangeStep::Poll));
            }
        }
    }

    /// The consumer's steps, in order (skip a message id already seen, read, update the
    /// lists, act), then the ack.
    fn consume(
        &mut self,
        worker: u16,
        message: MessageId,
        msg: ChangeMsg,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let model: &Model = self.model;
        let feed = model.integrations.changes.as_ref().expect("change feed");
        let actor = Actor::Consumer(worker);
        let p = msg.person;
        let st = self.changes();
        st.workers[worker as usize] = None;
        st.idle.set(worker as usize, true);
        // The person as read (set by the read step, which comes before the lists and the act).
        let mut fields = PerPerson::new();
        let mut last = cause;
        for step in &feed.steps {
            match step {
                ConsumerStep::SkipIfSeen => {
                    if !self.changes().log.claim(message) {
                        let kind = EventKind::DuplicateSkipped { message: message.0 };
                        let id = self.record(Some(p), actor, kind, cause);
                        self.consumer_ack(worker, message, p, id, ch);
                        return;
                    }
                }
                ConsumerStep::ReadReplica | ConsumerStep::ReadPrimaryIfStale => {
                    let check = *step == ConsumerStep::ReadPrimaryIfStale;
                    let (read, decided) = self.consumer_read(worker, message, msg, check, cause);
                    fields = read;
                    last = Some(decided);
                }
                ConsumerStep::UpdateLists => {
                    for (l, filters, logic) in &feed.lists {
                        let member = logic.eval(filters.len(), &mut |i| {
                            self.filter_holds(p, &filters[i], Some(&fields[..]))
                        });
                        if member != self.state.people[p as usize].in_list[*l as usize] {
                            if member {
                                self.add_to_list(p, *l, actor, last, ch);
                            } else {
                                self.remove_from_list(p, *l, actor, last, ch);
                            }
                        }
                    }
                }
                ConsumerStep::Act => {
                    let Some((filters, logic, action)) = &feed.action else {
                        continue;
                    };
                    let holds = logic.eval(filters.len(), &mut |i| {
                        self.filter_holds(p, &filters[i], Some(&fields[..]))
                    });
                    if holds {
                        let kind = EventKind::ConsumerActed { message: message.0 };
                        let acted = self.record(Some(p), actor, kind, last);
                        self.consumer_action(p, action, actor, acted, ch);
                    }
                }
            }
        }
        let done = last.expect("the steps read the person, which records an event");
        self.consumer_ack(worker, message, p, done, ch);
    }

    /// Reads the person (from the replica; with `check`, from the primary when the replica
    /// is older than the message) and records the decision. Gives the person's fields as
    /// read (published fields from the store, or initial values if never written;
    /// everything else as it is now) and the decision's event.
    fn consumer_read(
        &mut self,
        worker: u16,
        message: MessageId,
        msg: ChangeMsg,
        check: bool,
        cause: Option<EventId>,
    ) -> (PerPerson<Value, 10>, EventId) {
        let model: &Model = self.model;
        let feed = model.integrations.changes.as_ref().expect("change feed");
        let p = msg.person;
        let now = self.state.now;
        let st = self
            .state
            .changes
            .as_ref()
            .expect("change feed in the state");
        let replica = st.store.read_replica(now, &p);
        let (values, version, from_primary) = match replica {
            Some((v, ver)) if !check || ver >= msg.version => (Some(v), ver, false),
            None if !check || msg.version == 0 => (None, 0, false),
            _ => {
                let (v, ver) = st
                    .store
                    .read_primary(&p)
                    .expect("the message's write exists");
                (Some(v), ver, true)
            }
        };
        let primary_version = st.store.primary_version(&p);
        let mut fields = self.state.people[p as usize].fields.clone();
        if let Some(v) = values {
            for (i, &f) in feed.fields.iter().enumerate() {
                fields[f as usize] = v[i];
            }
        } else {
            for &f in &feed.fields {
                fields[f as usize] = model.people[p as usize].fields[f as usize];
            }
        }
        let kind = EventKind::ConsumerDecided {
            message: message.0,
            field: msg.field,
            value: fields[msg.field as usize],
            version,
            primary_version,
            from_primary,
        };
        let decided = self.record(Some(p), Actor::Consumer(worker), kind, cause);
        (fields, decided)
    }

    fn consumer_action(
        &mut self,
        p: PersonId,
        action: &ActionModel,
        actor: Actor,
        cause: EventId,
        ch: &mut dyn Chooser,
    ) {
        match action {
            ActionModel::SendEmail(email) => {
                self.record(
                    Some(p),
                    actor,
                    EventKind::EmailSent { email: *email },
                    Some(cause),
                );
            }
            ActionModel::SendAlert(alert) => {
                let recipient = self.model.crm.as_ref().map_or(Value::Empty, |crm| {
                    self.state.people[p as usize].fields[crm.owner_field as usize]
                });
                let kind = EventKind::AlertSent {
                    alert: *alert,
                    recipient,
                };
                self.record(Some(p), actor, kind, Some(cause));
            }
            ActionModel::RequestCampaign(c) => {
                self.request(p, *c, RequestSource::WebServiceApi, actor, Some(cause), ch)
            }
            _ => {}
        }
    }

    /// Acks the message, unless the chooser loses the ack (it will be delivered again).
    fn consumer_ack(
        &mut self,
        worker: u16,
        message: MessageId,
        p: PersonId,
        cause: EventId,
        ch: &mut dyn Chooser,
    ) {
        let actor = Actor::Consumer(worker);
        let ppm = self.change_feed().redelivery_ppm;
        let visible_at = self.changes().queue.get(message).map(|m| m.visible_at);
        match visible_at {
            Some(visible_at) if chance(ch, ppm) => {
                let kind = EventKind::AckLost {
                    message: message.0,
                    visible_at,
                };
                self.record(Some(p), actor, kind, Some(cause));
            }
            _ => {
                self.changes().queue.ack(message);
                let kind = EventKind::MessageAcked { message: message.0 };
                self.record(Some(p), actor, kind, Some(cause));
            }
        }
        self.consumers_poll(ch);
    }
}
