//! `VecMap` / `VecSet` behave like `BTreeMap` / `BTreeSet`: same contents, iteration order,
//! equality and hash after the same operations.

use racelab::engine::vec_map::{VecMap, VecSet};
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

fn hash_of(x: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

/// A small deterministic generator (xorshift).
fn numbers(seed: u64, n: usize, below: u64) -> Vec<u64> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s % below
        })
        .collect()
}

fn assert_same_map(v: &VecMap<u64, String>, b: &BTreeMap<u64, String>) {
    let vi: Vec<_> = v.iter().collect();
    let bi: Vec<_> = b.iter().collect();
    assert_eq!(vi, bi);
    assert_eq!(v.len(), b.len());
    assert_eq!(v.is_empty(), b.is_empty());
    assert_eq!(hash_of(v), hash_of(b), "hashes like a BTreeMap");
    assert_eq!(v.first_key_value(), b.first_key_value());
    assert_eq!(v.last_key_value(), b.last_key_value());
}

#[test]
fn random_inserts_and_removes_match_btreemap() {
    for seed in 1..20 {
        let mut v = VecMap::new();
        let mut b = BTreeMap::new();
        let ops = numbers(seed, 400, 64);
        for (i, k) in ops.iter().enumerate() {
            match i % 3 {
                0 | 1 => assert_eq!(v.insert(*k, format!("v{i}")), b.insert(*k, format!("v{i}"))),
                _ => assert_eq!(v.remove(k), b.remove(k)),
            }
            assert_eq!(v.get(k), b.get(k));
            assert_eq!(v.contains_key(&(k + 1)), b.contains_key(&(k + 1)));
        }
        assert_same_map(&v, &b);
    }
}

#[test]
fn from_iter_keeps_the_last_value_of_a_repeated_key() {
    let pairs = [(3, "a"), (1, "b"), (3, "c"), (2, "d"), (1, "e")];
    let v: VecMap<i32, &str> = pairs.into_iter().collect();
    let b: BTreeMap<i32, &str> = pairs.into_iter().collect();
    assert_eq!(
        v.into_iter().collect::<Vec<_>>(),
        b.into_iter().collect::<Vec<_>>()
    );
}

#[test]
fn entry_helpers_insert_once() {
    let mut v: VecMap<&str, u32> = VecMap::new();
    for w in ["b", "a", "b", "c", "b"] {
        *v.get_or_default(w) += 1;
    }
    assert_eq!(
        v.iter().map(|(k, n)| (*k, *n)).collect::<Vec<_>>(),
        [("a", 1), ("b", 3), ("c", 1)]
    );
    assert_eq!(*v.get_or_insert_with("a", || 9), 1);
    assert_eq!(*v.get_or_insert_with("z", || 9), 9);
}

#[test]
fn string_keys_are_found_by_str() {
    let mut v: VecMap<String, i64> = VecMap::new();
    v.insert("people".to_string(), 10);
    v.insert("delay".to_string(), 5);
    assert_eq!(v.get("people"), Some(&10));
    assert_eq!(v.remove("delay"), Some(5));
    assert!(!v.contains_key("delay"));
    *v.get_mut("people").unwrap() += 1;
    assert_eq!(v.keys().collect::<Vec<_>>(), ["people"]);
    assert_eq!(v.values().collect::<Vec<_>>(), [&11]);
}

#[test]
fn ranges_match_btreemap() {
    let keys = numbers(7, 60, 40);
    let v: VecMap<u64, String> = keys.iter().map(|k| (*k, k.to_string())).collect();
    let b: BTreeMap<u64, String> = keys.iter().map(|k| (*k, k.to_string())).collect();
    for lo in 0..42 {
        for hi in lo..42 {
            assert!(v.range(lo..=hi).eq(b.range(lo..=hi)));
            assert!(v.range(lo..hi).eq(b.range(lo..hi)));
        }
        assert!(v.range(lo..).eq(b.range(lo..)));
        assert!(v.range(..lo).eq(b.range(..lo)));
    }
    let pairs: VecMap<(u16, u64), u8> = [((1, 5), 0), ((2, 1), 1), ((2, 9), 2), ((3, 0), 3)].into();
    let hits: Vec<_> = pairs.range((2, 0)..=(2, 5)).map(|(k, _)| *k).collect();
    assert_eq!(hits, [(2, 1)]);
}

#[test]
fn retain_and_mutation_keep_order() {
    let mut v: VecMap<u64, u64> = (0..10).rev().map(|k| (k, k * k)).collect();
    v.retain(|k, _| k % 2 == 0);
    for (_, x) in v.iter_mut() {
        *x += 1;
    }
    v.values_mut().for_each(|x| *x *= 2);
    assert_eq!(
        v.iter().map(|(k, x)| (*k, *x)).collect::<Vec<_>>(),
        [(0, 2), (2, 10), (4, 34), (6, 74), (8, 130)]
    );
    v.clear();
    assert!(v.is_empty());
}

#[test]
fn equal_contents_are_equal_whatever_the_insertion_order() {
    let a: VecMap<u64, u64> = [(1, 1), (2, 2), (3, 3)].into();
    let b: VecMap<u64, u64> = [(3, 3), (1, 1), (2, 2)].into();
    assert_eq!(a, b);
    assert_eq!(hash_of(&a), hash_of(&b));
    assert_ne!(a, VecMap::from([(1, 1), (2, 2)]));
}

#[test]
fn a_json_round_trip_is_an_object_in_key_order() {
    let v: VecMap<String, i64> = [("b".to_string(), 2), ("a".to_string(), 1)].into();
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(json, r#"{"a":1,"b":2}"#);
    let s: VecSet<u32> = serde_json::from_str("[3,1,3,2]").unwrap();
    assert_eq!(serde_json::to_string(&s).unwrap(), "[1,2,3]");
}

#[test]
fn sets_match_btreeset() {
    for seed in 1..10 {
        let mut v = VecSet::new();
        let mut b = BTreeSet::new();
        for (i, x) in numbers(seed, 300, 50).into_iter().enumerate() {
            if i % 4 == 3 {
                assert_eq!(v.remove(&x), b.remove(&x));
            } else {
                assert_eq!(v.insert(x), b.insert(x));
            }
            assert_eq!(v.contains(&x), b.contains(&x));
        }
        assert!(v.iter().eq(b.iter()));
        assert_eq!(v.len(), b.len());
        assert_eq!(hash_of(&v), hash_of(&b), "hashes like a BTreeSet");
    }
    let words: VecSet<String> = ["b", "a", "b"].iter().map(|s| s.to_string()).collect();
    assert!(words.contains("a"));
    assert_eq!(words.into_iter().collect::<Vec<_>>(), ["a", "b"]);
}

#[test]
fn debug_output_matches_btree_collections() {
    let v: VecMap<&str, i64> = [("b", 2), ("a", 1)].into();
    let b: BTreeMap<&str, i64> = [("b", 2), ("a", 1)].into();
    assert_eq!(format!("{v:?}"), format!("{b:?}"));
    let v: VecSet<u8> = [3, 1].into();
    let b: BTreeSet<u8> = [3, 1].into();
    assert_eq!(format!("{v:?}"), format!("{b:?}"));
}
