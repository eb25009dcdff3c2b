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

use super::state::{prefetch, Agendum, Pending};
use crate::engine::model::PersonId;
use key_heap::{Key, KeyHeap, NOBODY};
use std::hash::{Hash, Hasher};

mod key_heap;
mod tie;
use tie::Tie;

/// Ties of at least this many items are kept in a [`Tie`]; smaller ones are popped and
/// pushed back at each pick. Popping and pushing back costs a tie of n items n heap
/// operations a pick: scale mode's slices are full of ties of a few items, and keeping
/// those of 4 or more in a tie took 0.85-0.88x its CPU time (16 before; 2 was no faster,
/// and a little slower for `list-queue`). The order of events is the same either way.
const TIE_INDEX_FROM: usize = 4;

/// What will happen, in time order (see the module comment).
#[derive(Debug, Default)]
pub struct Agenda {
    heap: Heap,
    /// Sorted latest first, so the next item pops off the end.
    calendar: Vec<Agendum>,
    /// Every item at the tie's time, once a tie at the earliest time has been seen.
    tie: Option<Tie>,
    /// Memory kept between ties and runs (no part of the agenda's state): the last tie's
    /// lists, and the list a tie is gathered in.
    spare: Spare,
}

/// Memory an agenda reuses (see [`Agenda::spare`]); never compared, hashed or copied.
#[derive(Debug, Default)]
struct Spare {
    tie: Option<Tie>,
    tied: Vec<(Agendum, Option<PersonId>)>,
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

/// The person a scripted item is about (calendar items are all scripted).
fn scripted_person(a: &Agendum) -> Option<PersonId> {
    match a.what {
        Pending::Scripted { person, .. } => person,
        _ => None,
    }
}

/// A person as a key holds it ([`NOBODY`] for none).
fn person_key(person: Option<PersonId>) -> u32 {
    person.unwrap_or(NOBODY)
}

/// The person a key holds, if any.
fn key_person(person: u32) -> Option<PersonId> {
    (person != NOBODY).then_some(person)
}

/// A min-heap of small keys over items kept in slots: sifting an item up or down the heap
/// moves 24 bytes instead of the whole item, and the keys of a large heap stay in cache.
#[derive(Debug, Default)]
struct Heap {
    keys: KeyHeap,
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
        let person = person_key(person);
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

    /// Takes the earliest item, with the person its key names.
    fn pop(&mut self) -> Option<(Agendum, Option<PersonId>)> {
        let k = self.keys.pop()?;
        self.free.push(k.slot);
        let item = self.slots[k.slot as usize].take()?;
        Some((item, key_person(k.person)))
    }

    /// Fetches the earliest item's slot into cache (read when the item is taken).
    fn prefetch_next(&self) {
        if let Some(slot) = self
            .keys
            .peek()
            .and_then(|k| self.slots.get(k.slot as usize))
        {
            prefetch(slot);
        }
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
            spare: _,
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

impl Agenda {
    /// Empties the agenda, keeping the memory of its heap and calendar.
    pub fn clear(&mut self) {
        let Agenda {
            heap,
            calendar,
            tie,
            spare,
        } = self;
        heap.clear();
        calendar.clear();
        if let Some(old) = tie.take() {
            spare.tie = Some(old);
        }
    }

    /// Adds an item; `person` is the person its work is about, if any (a hint for
    /// [`Agenda::next_person`], no part of the agenda's state).
    pub fn push(&mut self, a: Agendum, person: Option<PersonId>) {
        match &mut self.tie {
            Some(tie) if tie.time == a.time => tie.insert(a, person),
            _ => self.heap.push(a, person),
        }
    }

    /// The person the next item (outside a tie) is about, if the agenda knows: a run
    /// fetches that person's record into cache ahead of time (10,000 people's records do
    /// not fit in cache, and most items are about a different person than the last).
    pub fn next_person(&self) -> Option<PersonId> {
        if self.tie.is_some() {
            // The next item is the chooser's pick, not known until it is asked.
            return None;
        }
        let key = self.heap.keys.peek();
        match (key, self.calendar.last()) {
            (Some(k), Some(c)) if (c.time, c.seq) < (k.time, k.seq) => scripted_person(c),
            (Some(k), _) => key_person(k.person),
            (None, Some(c)) => scripted_person(c),
            (None, None) => None,
        }
    }

    /// Fetches the next item of the heap into cache (the calendar is read in order, and
    /// the processor fetches it ahead on its own).
    pub fn prefetch_next(&self) {
        self.heap.prefetch_next();
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
                let person = scripted_person(&a);
                tie.insert(a, person);
            }
        }
        items.append(&mut self.calendar);
        // Latest first (by time, then sequence number: unique, so the order is total).
        // The items come script by script, each script's people in turn: those at a fixed
        // time are in order already. The part after the longest ordered start is sorted on
        // its own; std's stable sort then finds the two ordered runs and merges them in
        // linear time. Turned round, latest first.
        let ordered = 1 + items.windows(2).take_while(|w| w[0] < w[1]).count();
        if ordered < items.len() {
            items[ordered..].sort_unstable();
            items.sort();
        }
        items.reverse();
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
    /// `ahead` is told the person a pick from a large tie is about before the item is read
    /// (a hint to fetch that person's data into cache meanwhile; it changes nothing here).
    pub fn pop_choosing(
        &mut self,
        choose: impl FnOnce(u32) -> usize,
        ahead: impl FnOnce(PersonId),
    ) -> Option<Agendum> {
        let time = self.next_time()?;
        if self.tie.as_ref().is_some_and(|t| t.time != time) {
            // Something was scheduled before the tie's time: the tie waits in the heap.
            let old = self.tie.take().expect("checked");
            for (a, person) in old.into_items() {
                self.heap.push(a, person);
            }
        }
        if self.tie.is_none() {
            let first = self.pop_untied().expect("peeked");
            if self.next_time() != Some(time) {
                return Some(first.0);
            }
            // The tie's items, gathered in a list kept between ties until they are enough
            // for a [`Tie`] (then straight into the tie, itself built in reused memory).
            let mut tied = std::mem::take(&mut self.spare.tied);
            tied.push(first);
            while tied.len() < TIE_INDEX_FROM && self.next_time() == Some(time) {
                tied.push(self.pop_untied().expect("peeked"));
            }
            if tied.len() < TIE_INDEX_FROM {
                // A small tie: pick, and put the others back.
                let k = choose(tied.len() as u32).min(tied.len() - 1);
                let chosen = tied.swap_remove(k);
                for (a, person) in tied.drain(..) {
                    self.heap.push(a, person);
                }
                self.spare.tied = tied;
                return Some(chosen.0);
            }
            let mut tie = match self.spare.tie.take() {
                Some(mut t) => {
                    t.reuse(time);
                    t
                }
                None => Tie::new(time),
            };
            for (a, person) in tied.drain(..) {
                tie.insert(a, person);
            }
            self.spare.tied = tied;
            while self.next_time() == Some(time) {
                let (a, person) = self.pop_untied().expect("peeked");
                tie.insert(a, person);
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
        let chosen = tie.take(k, ahead);
        if tie.len() == 0 {
            self.spare.tie = self.tie.take();
        }
        Some(chosen)
    }

    /// The earliest item of the heap and the calendar (the tie not included), with the
    /// person it is about as far as the agenda knows.
    fn pop_untied(&mut self) -> Option<(Agendum, Option<PersonId>)> {
        let from_calendar = match (self.heap.peek_key(), self.calendar.last()) {
            (Some(h), Some(c)) => (c.time, c.seq) < h,
            (None, Some(_)) => true,
            _ => false,
        };
        if from_calendar {
            let a = self.calendar.pop()?;
            let person = scripted_person(&a);
            Some((a, person))
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

#[cfg(test)]
mod tests;
