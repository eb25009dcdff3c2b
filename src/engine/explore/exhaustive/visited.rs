//! What the exhaustive search remembers of the states it has visited: the ready items
//! explored first from each, how deep it was first met, whether a bound cut something
//! below it, and the shortest violating continuation found below it.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Keys are already hashes: use their low bits as they are.
#[derive(Default)]
pub(super) struct KeyBits(u64);

impl Hasher for KeyBits {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(w);
        }
    }
    fn write_u128(&mut self, i: u128) {
        self.0 = i as u64;
    }
}

pub(super) type KeyMap<V> = HashMap<u128, V, BuildHasherDefault<KeyBits>>;
pub(super) type KeySet = HashSet<u128, BuildHasherDefault<KeyBits>>;

/// A step added no item at the tie's time (the tie shrinks).
pub(super) const ADDS_NONE: u8 = 1;
/// A step added at least one item at the tie's time.
pub(super) const ADDS_SOME: u8 = 2;

/// An asleep ready item: its identity (the low half of its
/// [`item_hash`](super::super::state_key::item_hash)) and the classes
/// of its steps' additions to the tie (an OR of [`ADDS_NONE`] and [`ADDS_SOME`] over its
/// branches).
pub(super) type Asleep = (u64, u8);

/// A set of asleep items (a handful at most: kept inline).
pub(super) type Sleep = smallvec::SmallVec<[Asleep; 4]>;

/// Whether the item with identity `id` is in `sleep`.
pub(super) fn asleep(sleep: &[Asleep], id: u64) -> bool {
    sleep.iter().any(|x| x.0 == id)
}

/// Where a best continuation goes after its first edge.
#[derive(Debug, Clone, Copy)]
pub(super) enum Link {
    End,
    Node(u128),
}

/// The shortest violating continuation from a visited state.
#[derive(Debug, Clone)]
pub(super) struct Best {
    pub len: u32,
    /// The first step: which ready item ran (by its identity, when several were ready: states
    /// met again may number their items differently) and the answers of the decisions
    /// inside the step.
    pub item: Option<u64>,
    pub answers: Box<[u32]>,
    /// Where the path goes after that step (and the steps without decisions after it).
    pub next: Link,
}

#[derive(Debug, Clone)]
pub(super) struct Visit {
    /// The ready items explored first from this state so far (every visit adds those its
    /// sleep set left awake), with the classes of their additions to the tie.
    /// One is kept inline, in the space of an empty vector; more go to the heap in a block
    /// sized to fit (two items: half a vector's smallest block).
    pub explored: smallvec::SmallVec<[Asleep; 1]>,
    /// The fewest decisions on a path that reached it.
    pub depth: u32,
    /// A bound on decisions cut something below it.
    pub cut: bool,
    /// Boxed: few states have one, and a small entry keeps the visited set compact.
    pub best: Option<Box<Best>>,
}

/// What exploring from one state found.
#[derive(Debug, Default)]
pub(super) struct Found {
    /// Decisions to the nearest violating end below, and where that path goes.
    pub best: Option<(u32, Link)>,
    /// A bound on decisions cut something below.
    pub cut: bool,
}
