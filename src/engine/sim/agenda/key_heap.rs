//! The agenda's heap of keys: a 4-ary min-heap ordered by (time, seq).
//!
//! A 4-ary heap is half as deep as a binary one, and a node's four children are side by
//! side in memory (96 bytes), so taking the earliest item reads about half as many cache
//! lines of a large agenda. Times and numbers are unique, so the items come out in the
//! same order whatever the heap's shape: only the layout differs from a binary heap (the
//! explorer hashes the agenda as a multiset, and every reader that needs an order sorts).

/// Where the heap orders an item: its time and number, the slot that holds it, and the
/// person its work is about ([`NOBODY`] if none): the simulator fetches that person's
/// record into cache while it works on the item before (see `Agenda::next_person`).
/// Times and numbers are unique, so the order never depends on the slot or the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Key {
    pub time: u64,
    pub seq: u64,
    pub slot: u32,
    pub person: u32,
}

/// A key's person when the item is about nobody in particular.
pub(super) const NOBODY: u32 = u32::MAX;

/// Children per node.
const ARITY: usize = 4;

impl Key {
    /// The key's place in the order, as one number (compared without branches).
    #[inline(always)]
    fn order(&self) -> u128 {
        (self.time as u128) << 64 | self.seq as u128
    }

    #[inline(always)]
    fn before(&self, other: &Key) -> bool {
        self.order() < other.order()
    }
}

/// The index of the earliest of the four keys from `first` on (all four present).
#[inline(always)]
fn earliest_of_four(keys: &[Key], first: usize) -> usize {
    let c = &keys[first..first + ARITY];
    let a = usize::from(c[1].before(&c[0]));
    let b = 2 + usize::from(c[3].before(&c[2]));
    first + if c[b].before(&c[a]) { b } else { a }
}

/// A 4-ary min-heap of keys (see the module comment).
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub(super) struct KeyHeap(Vec<Key>);

impl Clone for KeyHeap {
    fn clone(&self) -> Self {
        KeyHeap(self.0.clone())
    }
    fn clone_from(&mut self, src: &Self) {
        self.0.clone_from(&src.0);
    }
}

impl KeyHeap {
    pub fn push(&mut self, key: Key) {
        let keys = &mut self.0;
        let mut hole = keys.len();
        keys.push(key);
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            if !key.before(&keys[parent]) {
                break;
            }
            keys[hole] = keys[parent];
            hole = parent;
        }
        keys[hole] = key;
    }

    pub fn peek(&self) -> Option<&Key> {
        self.0.first()
    }

    pub fn pop(&mut self) -> Option<Key> {
        let keys = &mut self.0;
        let last = keys.pop()?;
        let Some(&top) = keys.first() else {
            return Some(last);
        };
        // The hole left at the root goes down to the bottom, the earliest child moving up
        // at each level; then the last key goes up from there to its place. A key taken
        // from the end is late, so its place is near the bottom: this compares less than
        // stopping on the way down (as the standard library's binary heap does).
        let n = keys.len();
        let mut hole = 0;
        loop {
            let first = hole * ARITY + 1;
            let best = if first + ARITY <= n {
                earliest_of_four(keys, first)
            } else if first < n {
                (first + 1..n).fold(first, |b, c| if keys[c].before(&keys[b]) { c } else { b })
            } else {
                break;
            };
            keys[hole] = keys[best];
            hole = best;
        }
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            if !last.before(&keys[parent]) {
                break;
            }
            keys[hole] = keys[parent];
            hole = parent;
        }
        keys[hole] = last;
        Some(top)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Empties the heap, keeping its memory.
    pub fn clear(&mut self) {
        self.0.clear()
    }

    /// The keys in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_out_in_time_then_number_order() {
        let mut heap = KeyHeap::default();
        let mut all = Vec::new();
        let mut x: u64 = 11;
        for round in 0..3000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let key = Key {
                time: (x >> 40) % 50,
                seq: round,
                slot: round as u32,
                person: (x >> 20) as u32,
            };
            heap.push(key);
            all.push(key);
            // Take one now and then, so pushes and pops interleave.
            if round % 3 == 0 {
                all.sort_unstable();
                assert_eq!(heap.pop(), Some(all.remove(0)));
            }
            assert_eq!(heap.len(), all.len());
        }
        all.sort_unstable();
        for want in all {
            assert_eq!(heap.peek(), Some(&want));
            assert_eq!(heap.pop(), Some(want));
        }
        assert_eq!(heap.pop(), None);
    }
}
