//! Delivery guarantees: an at-least-once queue, an idempotency log, and an at-most-once
//! stack (seeds 002 and 004; races 4 "list as task queue" and 7 "replica lag cascade").
//!
//! Real-world behaviour modelled:
//! - [`MessageQueue`]: a queue like SQS or Pub/Sub. Receiving a message hides it for a
//!   visibility timeout; a message not acked in time becomes visible again and is
//!   delivered again with a higher delivery count. The simulator can also force a
//!   duplicate delivery ([`MessageQueue::redeliver`]), since at-least-once delivery allows
//!   duplicates at any time;
//! - [`IdempotencyLog`]: the consumer-side fix, a set of processed message ids with an
//!   atomic claim (insert-if-absent under a lock or CAS), so a duplicate is processed once;
//! - [`Stack`]: an at-most-once pop. The item is removed when popped; if the consumer then
//!   fails, nothing brings it back ("the zero case").

use serde::Serialize;
use std::collections::{BTreeSet, VecDeque};
use std::hash::{Hash, Hasher};

/// A message id, unique per queue, assigned in publish order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct MessageId(pub u64);

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Message<P> {
    pub id: MessageId,
    pub payload: P,
    pub published_at: u64,
    /// Deliveries so far.
    pub delivery_count: u32,
    /// The message may be received at or after this time.
    pub visible_at: u64,
}

/// One delivery of a message to a consumer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Delivery<P> {
    pub id: MessageId,
    pub payload: P,
    /// 1 on the first delivery; above 1 is a redelivery.
    pub delivery_count: u32,
    /// When the message becomes visible again unless acked.
    pub invisible_until: u64,
}

impl<P> Delivery<P> {
    pub fn is_redelivery(&self) -> bool {
        self.delivery_count > 1
    }
}

/// Running totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct QueueStats {
    pub published: u64,
    pub deliveries: u64,
    pub redeliveries: u64,
    pub acked: u64,
    pub forced_redeliveries: u64,
}

/// An at-least-once queue. Receives take the visible message that became visible
/// earliest (ties by id), so the order is deterministic.
///
/// Messages are kept by id (ids are given in order, and acked ones leave the front), so
/// finding, adding and acking one is O(1). Every unacked message is also indexed by
/// (visible at, id), so a receive and the next visibility time cost O(log n) however long
/// the backlog (a scan of every message made a backlog of n messages cost O(n²) to
/// drain). The index is derived from the messages: equality and hashing leave it out.
#[derive(Debug, Clone, Serialize)]
pub struct MessageQueue<P> {
    visibility_timeout_ms: u64,
    /// The message with id `first + i` (if not acked) at `i`; the front is never acked.
    messages: VecDeque<Option<Message<P>>>,
    first: u64,
    /// Messages not acked.
    live: usize,
    #[serde(skip)]
    by_visibility: BTreeSet<(u64, MessageId)>,
    next_id: u64,
    stats: QueueStats,
}

impl<P: PartialEq> PartialEq for MessageQueue<P> {
    fn eq(&self, other: &Self) -> bool {
        self.visibility_timeout_ms == other.visibility_timeout_ms
            && self
                .messages
                .iter()
                .flatten()
                .eq(other.messages.iter().flatten())
            && self.next_id == other.next_id
            && self.stats == other.stats
    }
}

impl<P: Eq> Eq for MessageQueue<P> {}

impl<P: Hash> Hash for MessageQueue<P> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.visibility_timeout_ms.hash(state);
        self.live.hash(state);
        for m in self.messages.iter().flatten() {
            m.hash(state);
        }
        self.next_id.hash(state);
        self.stats.hash(state);
    }
}

impl<P: Clone> MessageQueue<P> {
    pub fn new(visibility_timeout_ms: u64) -> Self {
        MessageQueue {
            visibility_timeout_ms,
            messages: VecDeque::new(),
            first: 0,
            live: 0,
            by_visibility: BTreeSet::new(),
            next_id: 0,
            stats: QueueStats::default(),
        }
    }

    pub fn visibility_timeout_ms(&self) -> u64 {
        self.visibility_timeout_ms
    }

    pub fn stats(&self) -> &QueueStats {
        &self.stats
    }

    /// Stores a message (replacing any with its id) and indexes it.
    fn insert(&mut self, m: Message<P>) {
        if self.messages.is_empty() {
            self.first = m.id.0;
        }
        while m.id.0 < self.first {
            self.messages.push_front(None);
            self.first -= 1;
        }
        let i = (m.id.0 - self.first) as usize;
        if i >= self.messages.len() {
            self.messages.resize_with(i + 1, || None);
        }
        if let Some(old) = &self.messages[i] {
            self.by_visibility.remove(&(old.visible_at, old.id));
        } else {
            self.live += 1;
        }
        self.by_visibility.insert((m.visible_at, m.id));
        self.messages[i] = Some(m);
    }

    fn slot(&mut self, id: MessageId) -> Option<&mut Option<Message<P>>> {
        let i = usize::try_from(id.0.checked_sub(self.first)?).ok()?;
        self.messages.get_mut(i)
    }

    /// Changes when message `id` is visible, keeping the index in step.
    fn set_visible_at(&mut self, id: MessageId, visible_at: u64) -> Option<&mut Message<P>> {
        let i = usize::try_from(id.0.checked_sub(self.first)?).ok()?;
        let m = self.messages.get_mut(i)?.as_mut()?;
        self.by_visibility.remove(&(m.visible_at, id));
        m.visible_at = visible_at;
        self.by_visibility.insert((visible_at, id));
        Some(m)
    }

    /// Add a message, visible at once.
    pub fn publish(&mut self, now: u64, payload: P) -> MessageId {
        let id = MessageId(self.next_id);
        self.next_id += 1;
        self.insert(Message {
            id,
            payload,
            published_at: now,
            delivery_count: 0,
            visible_at: now,
        });
        self.stats.published += 1;
        id
    }

    /// Deliver the next visible message and hide it for the visibility timeout.
    pub fn receive(&mut self, now: u64) -> Option<Delivery<P>> {
        let &(visible_at, id) = self.by_visibility.first()?;
        if visible_at > now {
            return None;
        }
        let timeout = self.visibility_timeout_ms;
        let m = self
            .set_visible_at(id, now.saturating_add(timeout))
            .expect("an indexed message exists");
        m.delivery_count += 1;
        let delivery = Delivery {
            id,
            payload: m.payload.clone(),
            delivery_count: m.delivery_count,
            invisible_until: m.visible_at,
        };
        self.stats.deliveries += 1;
        if delivery.is_redelivery() {
            self.stats.redeliveries += 1;
        }
        Some(delivery)
    }

    /// Acknowledge a message: it is deleted and never delivered again. Returns false if it
    /// was already acked (or never existed). A late ack still deletes the message, but any
    /// redelivery that already happened is out in the world.
    pub fn ack(&mut self, id: MessageId) -> bool {
        let Some(m) = self.slot(id).and_then(Option::take) else {
            return false;
        };
        self.by_visibility.remove(&(m.visible_at, id));
        self.stats.acked += 1;
        self.live -= 1;
        while let Some(None) = self.messages.front() {
            self.messages.pop_front();
            self.first += 1;
        }
        true
    }

    /// Force a duplicate: make an unacked message visible again at `now`, even while a
    /// consumer holds it. Returns false if the message is gone.
    pub fn redeliver(&mut self, id: MessageId, now: u64) -> bool {
        let Some(visible_at) = self.get(id).map(|m| m.visible_at.min(now)) else {
            return false;
        };
        self.set_visible_at(id, visible_at);
        self.stats.forced_redeliveries += 1;
        true
    }

    /// Force a duplicate of a message already acked: it is back, with the same id and
    /// payload, visible at `now` (`delivery_count`: its deliveries so far). At-least-once
    /// delivery allows this at any time (a broker that lost the ack, a replayed partition).
    pub fn restore(&mut self, id: MessageId, payload: P, delivery_count: u32, now: u64) {
        self.insert(Message {
            id,
            payload,
            published_at: now,
            delivery_count,
            visible_at: now,
        });
        self.stats.forced_redeliveries += 1;
    }

    /// The message, if not yet acked.
    pub fn get(&self, id: MessageId) -> Option<&Message<P>> {
        let i = usize::try_from(id.0.checked_sub(self.first)?).ok()?;
        self.messages.get(i)?.as_ref()
    }

    /// Every unacked message (visible or in flight), in id order.
    pub fn messages(&self) -> impl Iterator<Item = &Message<P>> {
        self.messages.iter().flatten()
    }

    /// Unacked messages (visible or in flight).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Messages a receive at `now` could take.
    pub fn visible_len(&self, now: u64) -> usize {
        self.by_visibility
            .range(..=(now, MessageId(u64::MAX)))
            .count()
    }

    /// Messages delivered and hidden at `now`.
    pub fn in_flight(&self, now: u64) -> usize {
        self.len() - self.visible_len(now)
    }

    /// The earliest time after `now` when a hidden message becomes visible again, so the
    /// simulator can schedule the redelivery.
    pub fn next_visible_time(&self, now: u64) -> Option<u64> {
        let after = now.checked_add(1)?;
        self.by_visibility
            .range((after, MessageId(0))..)
            .next()
            .map(|&(t, _)| t)
    }
}

/// The set of message ids a consumer has processed, with an atomic claim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct IdempotencyLog {
    claimed: BTreeSet<MessageId>,
    duplicates_rejected: u64,
}

impl IdempotencyLog {
    pub fn new() -> Self {
        IdempotencyLog::default()
    }

    /// Atomically claim `id`: true for the first claim, false for every later one.
    pub fn claim(&mut self, id: MessageId) -> bool {
        let first = self.claimed.insert(id);
        if !first {
            self.duplicates_rejected += 1;
        }
        first
    }

    /// Give a claim back (the consumer failed before its side effect), so a redelivery
    /// can be processed.
    pub fn release(&mut self, id: MessageId) -> bool {
        self.claimed.remove(&id)
    }

    pub fn contains(&self, id: MessageId) -> bool {
        self.claimed.contains(&id)
    }

    pub fn len(&self) -> usize {
        self.claimed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.claimed.is_empty()
    }

    /// Claims refused because the id was already claimed.
    pub fn duplicates_rejected(&self) -> u64 {
        self.duplicates_rejected
    }
}

/// An at-most-once stack: `pop` removes the item for good.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Stack<T> {
    items: Vec<T>,
    pushed: u64,
    popped: u64,
}

impl<T> Default for Stack<T> {
    fn default() -> Self {
        Stack {
            items: Vec::new(),
            pushed: 0,
            popped: 0,
        }
    }
}

impl<T> Stack<T> {
    pub fn new() -> Self {
        Stack::default()
    }

    pub fn push(&mut self, item: T) {
        self.items.push(item);
        self.pushed += 1;
    }

    /// Remove and return the top item. It is never handed out again, whatever the caller
    /// then does with it.
    pub fn pop(&mut self) -> Option<T> {
        let item = self.items.pop();
        if item.is_some() {
            self.popped += 1;
        }
        item
    }

    pub fn peek(&self) -> Option<&T> {
        self.items.last()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    pub fn popped(&self) -> u64 {
        self.popped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers what a scan of every message answers, whatever the operations.
    #[test]
    fn the_visibility_index_agrees_with_a_scan() {
        let mut q = MessageQueue::new(700);
        let mut x: u64 = 1;
        let mut now = 0;
        for _ in 0..2_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let r = x >> 40;
            now += r % 50;
            let some_id = MessageId(r % (q.next_id + 1));
            match r % 6 {
                0 | 1 => {
                    q.publish(now, r);
                }
                2 => {
                    let want = q
                        .messages()
                        .filter(|m| m.visible_at <= now)
                        .min_by_key(|m| (m.visible_at, m.id))
                        .map(|m| m.id);
                    assert_eq!(q.receive(now).map(|d| d.id), want);
                }
                3 => {
                    q.ack(some_id);
                }
                4 => {
                    if !q.redeliver(some_id, now) {
                        q.restore(some_id, r, 1, now);
                    }
                }
                _ => {
                    let want = q
                        .messages()
                        .map(|m| m.visible_at)
                        .filter(|&t| t > now)
                        .min();
                    assert_eq!(q.next_visible_time(now), want);
                }
            }
            let index: BTreeSet<(u64, MessageId)> =
                q.messages().map(|m| (m.visible_at, m.id)).collect();
            assert_eq!(q.by_visibility, index);
            assert_eq!(q.len(), q.messages().count());
            // Acked messages leave the front: what is stored starts with a message.
            assert!(q.messages.front().is_none_or(Option::is_some));
        }
    }

    #[test]
    fn publish_receive_ack_delivers_once() {
        let mut q = MessageQueue::new(30_000);
        let id = q.publish(0, "lead 7 changed");
        let d = q.receive(10).unwrap();
        assert_eq!(d.id, id);
        assert_eq!(d.payload, "lead 7 changed");
        assert_eq!(d.delivery_count, 1);
        assert!(!d.is_redelivery());
        assert_eq!(d.invisible_until, 30_010);
        assert_eq!(q.in_flight(10), 1);
        assert!(q.receive(11).is_none());
        assert!(q.ack(id));
        assert!(!q.ack(id));
        assert!(q.receive(1_000_000).is_none());
        assert!(q.is_empty());
        assert_eq!(q.stats().acked, 1);
    }

    #[test]
    fn unacked_message_is_redelivered_after_the_visibility_timeout() {
        let mut q = MessageQueue::new(1_000);
        let id = q.publish(0, 1u32);
        q.receive(0).unwrap();
        assert_eq!(q.next_visible_time(0), Some(1_000));
        assert!(q.receive(999).is_none());
        let again = q.receive(1_000).unwrap();
        assert_eq!(again.id, id);
        assert_eq!(again.delivery_count, 2);
        assert!(again.is_redelivery());
        assert_eq!(q.stats().redeliveries, 1);
        assert_eq!(q.get(id).unwrap().delivery_count, 2);
    }

    #[test]
    fn receive_order_is_by_visibility_then_id() {
        let mut q = MessageQueue::new(100);
        let a = q.publish(0, 'a');
        let b = q.publish(0, 'b');
        let c = q.publish(5, 'c');
        assert_eq!(q.receive(10).unwrap().id, a);
        assert_eq!(q.receive(10).unwrap().id, b);
        assert_eq!(q.visible_len(10), 1);
        // `a` times out at 110 but `c` has been visible since 5.
        assert_eq!(q.receive(200).unwrap().id, c);
        assert_eq!(q.receive(200).unwrap().id, a);
        assert_eq!(q.receive(200).unwrap().id, b);
    }

    #[test]
    fn forced_redelivery_duplicates_an_in_flight_message() {
        let mut q = MessageQueue::new(60_000);
        let id = q.publish(0, "x");
        let first = q.receive(0).unwrap();
        assert!(q.redeliver(id, 5));
        let second = q.receive(5).unwrap();
        assert_eq!(first.id, second.id);
        assert_eq!(second.delivery_count, 2);
        assert_eq!(q.stats().forced_redeliveries, 1);
        q.ack(id);
        assert!(!q.redeliver(id, 6));
    }

    #[test]
    fn consumer_without_dedupe_processes_a_duplicate_twice() {
        let mut q = MessageQueue::new(1_000);
        let id = q.publish(0, "send email");
        let mut sent = 0;
        q.receive(0).unwrap();
        sent += 1; // processed, but the ack is lost
        q.receive(1_000).unwrap();
        sent += 1;
        q.ack(id);
        assert_eq!(sent, 2);
    }

    #[test]
    fn idempotency_log_processes_each_message_once() {
        let mut q = MessageQueue::new(1_000);
        let mut log = IdempotencyLog::new();
        let id = q.publish(0, "send email");
        let mut sent = 0;
        for now in [0, 1_000, 2_000] {
            let d = q.receive(now).unwrap();
            if log.claim(d.id) {
                sent += 1;
            }
        }
        q.ack(id);
        assert_eq!(sent, 1);
        assert_eq!(log.duplicates_rejected(), 2);
        assert!(log.contains(id));
        assert_eq!(log.len(), 1);
    }

    #[test]
    fn released_claim_can_be_claimed_again() {
        let mut log = IdempotencyLog::new();
        let id = MessageId(4);
        assert!(log.claim(id));
        assert!(log.release(id));
        assert!(!log.release(id));
        assert!(log.claim(id));
        assert_eq!(log.duplicates_rejected(), 0);
    }

    #[test]
    fn stack_pop_is_at_most_once_and_a_crash_loses_the_item() {
        let mut s = Stack::new();
        s.push(String::from("task A"));
        s.push(String::from("task B"));
        assert_eq!(s.peek().map(String::as_str), Some("task B"));
        let taken = s.pop();
        assert_eq!(taken.as_deref(), Some("task B"));
        // The consumer crashes: the popped item is dropped and nothing returns it.
        drop(taken);
        assert_eq!(s.pop().as_deref(), Some("task A"));
        assert_eq!(s.pop(), None);
        assert!(s.is_empty());
        assert_eq!(s.pushed(), 2);
        assert_eq!(s.popped(), 2);
    }

    #[test]
    fn two_consumers_never_pop_the_same_item() {
        let mut s = Stack::new();
        s.push(1);
        let a = s.pop();
        let b = s.pop();
        assert_eq!((a, b), (Some(1), None));
    }
}
