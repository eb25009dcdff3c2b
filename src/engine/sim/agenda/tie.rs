//! A tie: the items due at one time, once a tie at the earliest time has been seen (see
//! the agenda's module comment), with a counting tree to find the k-th item left.

use super::super::state::Agendum;
use super::{key_person, person_key};
use crate::engine::model::PersonId;
use std::hint::select_unpredictable;

/// The items due at one time, in `seq` order, with a Fenwick tree counting the ones not
/// yet taken (taken slots stay as `None` until they are the majority, then go).
#[derive(Debug, PartialEq, Eq, Hash)]
pub(super) struct Tie {
    pub(super) time: u64,
    slots: Vec<Option<Agendum>>,
    /// The person each slot's item is about ([`NOBODY`](super::NOBODY) if none or not known): small and
    /// side by side, so a pick names its person before its item is read.
    persons: Vec<u32>,
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
    pub(super) fn new(time: u64) -> Self {
        Tie {
            time,
            slots: Vec::new(),
            persons: Vec::new(),
            counts: Vec::new(),
            left: 0,
            head: 0,
        }
    }

    /// Empties the tie for items at `time`, keeping its memory.
    pub(super) fn reuse(&mut self, time: u64) {
        self.time = time;
        self.slots.clear();
        self.persons.clear();
        self.counts.clear();
        self.left = 0;
        self.head = 0;
    }

    pub(super) fn len(&self) -> usize {
        self.left
    }

    pub(super) fn first(&self) -> Option<&Agendum> {
        self.slots.get(self.head)?.as_ref()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &Agendum> {
        self.slots[self.head..].iter().flatten()
    }

    /// The items left, each with its person.
    pub(super) fn into_items(self) -> impl Iterator<Item = (Agendum, Option<PersonId>)> {
        self.slots
            .into_iter()
            .zip(self.persons)
            .filter_map(|(a, person)| Some((a?, key_person(person))))
    }

    /// Adds an item due at the tie's time. The simulator numbers items in the order it
    /// schedules them, so a new item comes last; one that does not is put in its place
    /// by rebuilding the tie (never the case in a run, kept for correctness).
    pub(super) fn insert(&mut self, a: Agendum, person: Option<PersonId>) {
        debug_assert_eq!(a.time, self.time);
        if self
            .slots
            .last()
            .is_some_and(|last| last.as_ref() > Some(&a))
        {
            let time = self.time;
            let mut items: Vec<(Agendum, Option<PersonId>)> =
                std::mem::replace(self, Tie::new(time))
                    .into_items()
                    .collect();
            items.push((a, person));
            items.sort_unstable_by(|x, y| x.0.cmp(&y.0));
            for (a, person) in items {
                self.insert(a, person);
            }
            return;
        }
        self.slots.push(Some(a));
        self.persons.push(person_key(person));
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

    /// Takes the `k`-th item left (0-based, in `seq` order); `ahead` is told its person
    /// (if known) before the item itself is read.
    pub(super) fn take(&mut self, k: usize, ahead: impl FnOnce(PersonId)) -> Agendum {
        debug_assert!(k < self.left);
        // Descend the tree: the largest prefix of slots holding at most k items left.
        let n = self.slots.len();
        let mut pos = 0;
        let mut rest = k as u32;
        let mut step = if n == 0 { 0 } else { 1 << n.ilog2() };
        // Whether each step goes right depends on the answer, so it is not branched on
        // (half of them would be mispredicted): a step past the end counts as full.
        while step > 0 {
            let next = pos + step;
            let count = self.counts.get(next - 1).copied().unwrap_or(u32::MAX);
            let right = count <= rest;
            pos = select_unpredictable(right, next, pos);
            rest = select_unpredictable(right, rest.wrapping_sub(count), rest);
            step >>= 1;
        }
        if let Some(person) = key_person(self.persons[pos]) {
            ahead(person);
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
        // One pass without branches on which slots are taken (they fall in no order):
        // `slots[kept..r]` are all taken, so swapping slot `r` down to `kept` moves an item
        // or swaps two empty slots.
        let mut kept = 0;
        for r in 0..self.slots.len() {
            let keep = self.slots[r].is_some();
            self.slots.swap(kept, r);
            self.persons[kept] = self.persons[r];
            kept += usize::from(keep);
        }
        self.slots.truncate(kept);
        self.persons.truncate(kept);
        let n = kept;
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
            persons,
            counts,
            left,
            head,
        } = src;
        self.time = *time;
        self.slots.clone_from(slots);
        self.persons.clone_from(persons);
        self.counts.clone_from(counts);
        self.left = *left;
        self.head = *head;
    }
}
