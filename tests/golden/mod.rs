//! Golden trace hashes shared by the native and the browser tests: the same run must give the
//! same hash natively and in WebAssembly, today and in every later version. A change here is a
//! change of what a seed means: make it only on purpose, and say so in the commit.
#![allow(dead_code)]

/// (scenario, variant, seed, trace hash).
pub const GOLDEN_RUNS: &[(&str, &str, u64, &str)] = &[
    ("alert-before-owner", "naive", 1, "b7af2708c1cbe8a0"),
    ("list-queue", "fixed", 7, "4cea828e76171e16"),
];
