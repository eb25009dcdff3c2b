//! The native twin of the browser test: the golden runs give their pinned trace hashes here too.

use crate::golden;

#[test]
fn native_runs_match_the_golden_hashes() {
    for (id, variant, seed, hash) in golden::GOLDEN_RUNS {
        let run = racelab::api::run_builtin(id, variant, *seed).expect("runs");
        assert_eq!(&run.trace_hash_hex(), hash, "{id}/{variant} seed {seed}");
    }
}
