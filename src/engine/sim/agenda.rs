//! The agenda: what will happen, in time order, and the tie at the earliest time.
//!
//! Most items are at distinct times and go through a small heap (what the run schedules
//! as it goes) or a pre-sorted calendar (the scripted events drawn at the start). When
//! several items are due at the same millisecond the chooser picks which runs first, by
//! its index among them in the order the simulator numbered them (`seq`). Thousands of
//! people can be due at one millisecond (a script at a fixed time), so the items of the
//! earliest time, once a tie is seen, move into a [`Tie`]: a list in `seq` order with a
//! counting tree, where the k-th remaining item is found and taken in O(log n). A tie of
//! n items then costs O(n log n) instead of popping and pushing back every waiting item
//! at each pick (O(n² log n)). The order of events is exactly the same: the chooser is
//! asked the same question (`n` items) and its answer names the same item.

use super::state::{Agendum, MinHeap, Pending};
use crate::engine::model::PersonId;
use std::hash::{Hash, Hasher};

/// Ties of at least this many items are kept in a [`Tie`]; smaller ones are popped and
/// pushed back at each pick (cheaper for a few items, and the run's state stays small for
/// the explorer, which copies it at every decision).
const TIE_INDEX_FROM: usize = 16;

/// What will happen, in time order (see the module comment).
#[derive(Debug, Default)]
pub struct Agenda {
    heap: Heap,
    /// Sorted latest first, so the next item pops off the end.
    calendar: Vec<Agendum>,
    /// Every item at the tie's time, once a tie at the earliest time has been seen.
    tie: Option<Tie>,
}

/// Two agendas are equal when they hold the same items in the same places (as when the
/// heap held the items themselves: the same history gives the same layout).
impl PartialEq for Agenda {
    fn eq(&self, other: &Self) -> bool {
        self.heap.iter().eq(other.heap.iter())
            && self.calendar == other.calendar
            && self.tie == other.tie
    }
}
impl Eq for Agenda {}
impl Hash for Agenda {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.heap.len().hash(state);
        for a in self.heap.iter() {
            a.hash(state);
        }
        self.calendar.hash(state);
        self.tie.hash(state);
    }
}

/// Where the heap orders an item: its time and number, the slot that holds it, and the
/// person its work is about ([`NOBODY`] if none): the simulator fetches that person's
/// record into cache while it works on the item before (see [`Agenda::next_person`]).
/// Times and numbers are unique, so the order never depends on the slot or the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    time: u64,
    seq: u64,
    slot: u32,
    person: u32,
}

/// A key's person when the item is about nobody in particular.
const NOBODY: u32 = u32::MAX;

/// The person a scripted item is about (calendar items are all scripted).
fn scripted_person(a: &Agendum) -> Option<PersonId> {
    match a.what {
        Pending::Scripted { person, .. } => person,
        _ => None,
    }
}

/// A min-heap of small keys over items kept in slots: sifting an item up or down the heap
/// moves 24 bytes instead of the whole item, and the keys of a large heap stay in cache.
#[derive(Debug, Default)]
struct Heap {
    keys: MinHeap<Key>,
    slots: Vec<Option<Agendum>>,
    /// Empty slots, reused last freed first.
    free: Vec<u32>,
}

impl Heap {
    fn push(&mut self, a: Agendum, person: Option<PersonId>) {
        let (time, seq) = (a.time, a.seq);
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(a);
                s
            }
            None => {
                self.slots.push(Some(a));
                self.slots.len() as u32 - 1
            }
        };
        let person = person.unwrap_or(NOBODY);
        self.keys.push(Key {
            time,
            seq,
            slot,
            person,
        });
    }

    fn item(&self, k: &Key) -> &Agendum {
        self.slots[k.slot as usize]
            .as_ref()
            .expect("a key's slot holds its item")
    }

    fn peek(&self) -> Option<&Agendum> {
        self.keys.peek().map(|k| self.item(k))
    }

    /// The earliest item's (time, seq), read from the keys alone (its slot, elsewhere in
    /// memory, is read only when the item is taken).
    fn peek_key(&self) -> Option<(u64, u64)> {
        self.keys.peek().map(|k| (k.time, k.seq))
    }

    fn pop(&mut self) -> Option<Agendum> {
        let k = self.keys.pop()?;
        self.free.push(k.slot);
        self.slots[k.slot as usize].take()
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    /// Empties the heap, keeping its memory.
    fn clear(&mut self) {
        let Heap { keys, slots, free } = self;
        keys.clear();
        slots.clear();
        free.clear();
    }

    /// The items in the heap's layout order.
    fn iter(&self) -> impl Iterator<Item = &Agendum> {
        self.keys.iter().map(|k| self.item(k))
    }
}

/// `clone_from` keeps the memory of the heap, its slots and the calendar (the explorer
/// copies runs at every branch of its search).
impl Clone for Agenda {
    fn clone(&self) -> Self {
        let mut a = Agenda::default();
        a.clone_from(self);
        a
    }

    fn clone_from(&mut self, src: &Self) {
        let Agenda {
            heap,
            calendar,
            tie,
        } = src;
        self.heap.clone_from(heap);
        self.calendar.clone_from(calendar);
        self.tie.clone_from(tie);
    }
}

impl Clone for Heap {
    fn clone(&self) -> Self {
        let mut h = Heap::default();
        h.clone_from(self);
        h
    }

    fn clone_from(&mut self, src: &Self) {
        let Heap { keys, slots, free } = src;
        self.keys.clone_from(keys);
        self.slots.clone_from(slots);
        self.free.clone_from(free);
    }
}

impl Clone for Tie {
    fn clone(&self) -> Self {
        let mut t = Tie::new(self.time);
        t.clone_from(self);
        t
    }

    fn clone_from(&mut self, src: &Self) {
        let Tie {
            time,
            slots,
            counts,
            left,
            head,
        } = src;
        self.time = *time;
        self.slots.clone_from(slots);
        self.counts.clone_from(counts);
        self.left = *left;
        self.head = *head;
    }
}

impl Agenda {
    /// Empties the agenda, keeping the memory of its heap and calendar.
    pub fn clear(&mut self) {
        let Agenda {
            heap,
            calendar,
            tie,
        } = self;
        heap.clear();
        calendar.clear();
        *tie = None;
    }

    /// Adds an item; `person` is the person its work is about, if any (a hint for
    /// [`Agenda::next_person`], no part of the agenda's state).
    pub fn push(&mut self, a: Agendum, person: Option<PersonId>) {
        match &mut self.tie {
            Some(tie) if tie.time == a.time => tie.insert(a),
            _ => self.heap.push(a, person),
        }
    }

    /// The person the next item (outside a tie) is about, if the agenda knows: a run
    /// fetches that person's record into cache ahead of time (10,000 people's records do
    /// not fit in cache, and most items are about a different person than the last).
    pub fn next_person(&self) -> Option<PersonId> {
        let key = self.heap.keys.peek();
        match (key, self.calendar.last()) {
            (Some(k), Some(c)) if (c.time, c.seq) < (k.time, k.seq) => scripted_person(c),
            (Some(k), _) => (k.person != NOBODY).then_some(k.person),
            (None, Some(c)) => scripted_person(c),
            (None, None) => None,
        }
    }

    /// Takes the calendar out, with its memory, for [`Agenda::preload`] to put back with
    /// more items (a run reset for the next seed reuses the memory of the last one's).
    pub fn take_calendar(&mut self) -> Vec<Agendum> {
        std::mem::take(&mut self.calendar)
    }

    /// Adds many items at once (scripted events at the start of a run).
    pub fn preload(&mut self, mut items: Vec<Agendum>) {
        if let Some(tie) = &mut self.tie {
            let time = tie.time;
            for a in items.extract_if(.., |a| a.time == time) {
                tie.insert(a);
            }
        }
        items.append(&mut self.calendar);
        // Latest first (by time, then sequence number: unique, so the order is total).
        items.sort_unstable_by(|a, b| b.cmp(a));
        self.calendar = items;
    }

    pub fn peek(&self) -> Option<&Agendum> {
        let untied = match (self.heap.peek(), self.calendar.last()) {
            (Some(h), Some(c)) => Some(if c < h { c } else { h }),
            (h, c) => h.or(c),
        };
        match (untied, self.tie.as_ref().and_then(Tie::first)) {
            (Some(u), Some(t)) => Some(if t < u { t } else { u }),
            (u, t) => u.or(t),
        }
    }

    /// The earliest item's (time, seq), without reading the item itself.
    fn next_key(&self) -> Option<(u64, u64)> {
        let untied = self.untied_key();
        let tied = self
            .tie
            .as_ref()
            .and_then(Tie::first)
            .map(|a| (a.time, a.seq));
        match (untied, tied) {
            (Some(u), Some(t)) => Some(u.min(t)),
            (u, t) => u.or(t),
        }
    }

    /// The earliest (time, seq) of the heap and the calendar (the tie not included).
    fn untied_key(&self) -> Option<(u64, u64)> {
        let calendar = self.calendar.last().map(|a| (a.time, a.seq));
        match (self.heap.peek_key(), calendar) {
            (Some(h), Some(c)) => Some(h.min(c)),
            (h, c) => h.or(c),
        }
    }

    /// The time of the earliest item.
    pub fn next_time(&self) -> Option<u64> {
        self.next_key().map(|(time, _)| time)
    }

    /// Takes the earliest item; when several are due at the earliest time, `choose(n)`
    /// picks one by its index among them in `seq` order (it is called only for a tie).
    pub fn pop_choosing(&mut self, choose: impl FnOnce(u32) -> usize) -> Option<Agendum> {
        let time = self.next_time()?;
        if self.tie.as_ref().is_some_and(|t| t.time != time) {
            // Something was scheduled before the tie's time: the tie waits in the heap.
            let old = self.tie.take().expect("checked");
            for a in old.into_items() {
                let person = scripted_person(&a);
                self.heap.push(a, person);
            }
        }
        if self.tie.is_none() {
            let first = self.pop_untied().expect("peeked");
            if self.next_time() != Some(time) {
                return Some(first);
            }
            let mut tied = vec![first];
            while self.next_time() == Some(time) {
                tied.push(self.pop_untied().expect("peeked"));
            }
            if tied.len() < TIE_INDEX_FROM {
                // A small tie: pick, and put the others back.
                let k = choose(tied.len() as u32).min(tied.len() - 1);
                let chosen = tied.swap_remove(k);
                for a in tied {
                    let person = scripted_person(&a);
                    self.heap.push(a, person);
                }
                return Some(chosen);
            }
            let mut tie = Tie::new(time);
            for a in tied {
                tie.insert(a);
            }
            self.tie = Some(tie);
        }
        let tie = self.tie.as_mut().expect("formed above");
        let n = tie.len();
        let k = if n >= 2 {
            choose(n as u32).min(n - 1)
        } else {
            0
        };
        let chosen = tie.take(k);
        if tie.len() == 0 {
            self.tie = None;
        }
        Some(chosen)
    }

    /// The earliest item of the heap and the calendar (the tie not included).
    fn pop_untied(&mut self) -> Option<Agendum> {
        let from_calendar = match (self.heap.peek_key(), self.calendar.last()) {
            (Some(h), Some(c)) => (c.time, c.seq) < h,
            (None, Some(_)) => true,
            _ => false,
        };
        if from_calendar {
            self.calendar.pop()
        } else {
            self.heap.pop()
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len() + self.calendar.len() + self.tie.as_ref().map_or(0, Tie::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every pending item, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Agendum> {
        self.heap
            .iter()
            .chain(self.calendar.iter())
            .chain(self.tie.iter().flat_map(Tie::iter))
    }

    /// The items due at the earliest time, in the order the simulator numbered them (what
    /// the answer to a tie picks from).
    pub fn ready_now(&self) -> Vec<&Agendum> {
        let Some(t) = self.next_time() else {
            return Vec::new();
        };
        if let Some(tie) = self.tie.as_ref().filter(|tie| tie.time == t) {
            return tie.iter().collect();
        }
        let mut tied: Vec<&Agendum> = self.iter().filter(|a| a.time == t).collect();
        tied.sort_unstable();
        tied
    }
}

/// The items due at one time, in `seq` order, with a Fenwick tree counting the ones not
/// yet taken (taken slots stay as `None` until they are the majority, then go).
#[derive(Debug, PartialEq, Eq, Hash)]
struct Tie {
    time: u64,
    slots: Vec<Option<Agendum>>,
    /// `counts[i - 1]` counts the items left in slots `i - lowbit(i) .. i` (1-based `i`).
    counts: Vec<u32>,
    left: usize,
    /// No item is left before this slot.
    head: usize,
}

fn lowbit(i: usize) -> usize {
    i & i.wrapping_neg()
}

impl Tie {
    fn new(time: u64) -> Self {
        Tie {
            time,
            slots: Vec::new(),
            counts: Vec::new(),
            left: 0,
            head: 0,
        }
    }

    fn len(&self) -> usize {
        self.left
    }

    fn first(&self) -> Option<&Agendum> {
        self.slots.get(self.head)?.as_ref()
    }

    fn iter(&self) -> impl Iterator<Item = &Agendum> {
        self.slots[self.head..].iter().flatten()
    }

    fn into_items(self) -> impl Iterator<Item = Agendum> {
        self.slots.into_iter().flatten()
    }

    /// Adds an item due at the tie's time. The simulator numbers items in the order it
    /// schedules them, so a new item comes last; one that does not is put in its place
    /// by rebuilding the tie (never the case in a run, kept for correctness).
    fn insert(&mut self, a: Agendum) {
        debug_assert_eq!(a.time, self.time);
        if self
            .slots
            .last()
            .is_some_and(|last| last.as_ref() > Some(&a))
        {
            let mut items: Vec<Agendum> = std::mem::take(&mut self.slots)
                .into_iter()
                .flatten()
                .collect();
            items.push(a);
            items.sort_unstable();
            *self = Tie::new(self.time);
            for a in items {
                self.insert(a);
            }
            return;
        }
        self.slots.push(Some(a));
        // The new node covers the slots i - lowbit(i) + 1 ..= i: itself plus the nodes
        // below it that tile the rest of that range.
        let i = self.slots.len();
        let mut count = 1;
        let mut j = i - 1;
        while j > i - lowbit(i) {
            count += self.counts[j - 1];
            j -= lowbit(j);
        }
        self.counts.push(count);
        self.left += 1;
    }

    /// Takes the `k`-th item left (0-based, in `seq` order).
    fn take(&mut self, k: usize) -> Agendum {
        debug_assert!(k < self.left);
        // Descend the tree: the largest prefix of slots holding at most k items left.
        let n = self.slots.len();
        let mut pos = 0;
        let mut rest = k as u32;
        let mut step = if n == 0 { 0 } else { 1 << n.ilog2() };
        while step > 0 {
            if pos + step <= n && self.counts[pos + step - 1] <= rest {
                pos += step;
                rest -= self.counts[pos - 1];
            }
            step >>= 1;
        }
        let chosen = self.slots[pos].take().expect("a slot with an item left");
        let mut i = pos + 1;
        while i <= n {
            self.counts[i - 1] -= 1;
            i += lowbit(i);
        }
        self.left -= 1;
        while self.head < n && self.slots[self.head].is_none() {
            self.head += 1;
        }
        if n >= 64 && self.left * 2 < n {
            self.compact();
        }
        chosen
    }

    /// Drops the taken slots once they are the majority (a smaller list for the picks
    /// still to come; amortised O(1) a pick) and rebuilds the tree in O(n).
    fn compact(&mut self) {
        self.slots.retain(Option::is_some);
        let n = self.slots.len();
        self.counts.clear();
        self.counts.resize(n, 1);
        for i in 1..=n {
            let j = i + lowbit(i);
            if j <= n {
                self.counts[j - 1] += self.counts[i - 1];
            }
        }
        self.head = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(time: u64, seq: u64) -> Agendum {
        Agendum {
            time,
            seq,
            cause: None,
            what: Pending::CrmCycle,
        }
    }

    #[test]
    fn picks_the_same_items_as_popping_the_whole_tie() {
        let mut agenda = Agenda::default();
        let mut reference = Vec::new();
        let mut seq = 0;
        let mut add = |agenda: &mut Agenda, reference: &mut Vec<Agendum>, time| {
            seq += 1;
            agenda.push(item(time, seq), None);
            reference.push(item(time, seq));
        };
        // Ties of 100 at three times: indexed (and compacted) ones, and small ones at the
        // end of each.
        for i in 0..300 {
            add(&mut agenda, &mut reference, 10 + i % 3);
        }
        let mut x: u64 = 7;
        let mut step = 0;
        while !agenda.is_empty() {
            step += 1;
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            reference.sort_unstable();
            let t = reference[0].time;
            let want_ready: Vec<u64> = reference
                .iter()
                .take_while(|a| a.time == t)
                .map(|a| a.seq)
                .collect();
            let ready: Vec<u64> = agenda.ready_now().iter().map(|a| a.seq).collect();
            assert_eq!(ready, want_ready);
            let mut asked = None;
            let got = agenda
                .pop_choosing(|n| {
                    asked = Some(n);
                    (x >> 33) as usize % n as usize
                })
                .expect("not empty");
            assert_eq!(asked.map_or(1, |n| n as usize), ready.len());
            let k = asked.map_or(0, |n| (x >> 33) as usize % n as usize);
            assert_eq!(got, reference.remove(k));
            // Items scheduled while a tie is open join it (at its time) or wait.
            if step % 5 == 0 {
                add(&mut agenda, &mut reference, got.time);
                add(&mut agenda, &mut reference, got.time + 1);
            }
            assert_eq!(agenda.len(), reference.len());
        }
    }

    #[test]
    fn an_item_scheduled_before_the_tie_runs_first() {
        let mut agenda = Agenda::default();
        for seq in 1..=20 {
            agenda.push(item(50, seq), None);
        }
        assert_eq!(agenda.pop_choosing(|_| 1).map(|a| a.seq), Some(2));
        assert!(agenda.tie.is_some());
        agenda.push(item(40, 99), None);
        assert_eq!(agenda.ready_now().len(), 1);
        let no_tie = |_| panic!("no tie");
        assert_eq!(agenda.pop_choosing(no_tie).map(|a| a.seq), Some(99));
        let ready: Vec<u64> = agenda.ready_now().iter().map(|a| a.seq).collect();
        assert_eq!(ready, [1].into_iter().chain(3..=20).collect::<Vec<_>>());
        assert_eq!(
            agenda.pop_choosing(|n| n as usize - 1).map(|a| a.seq),
            Some(20)
        );
        assert_eq!(agenda.len(), 18);
    }
}
