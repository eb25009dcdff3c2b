//! The CPU time a benchmark's thread has used (shared by the benchmarks through `#[path]`).

/// CPU time this thread has used, in seconds (the scheduler's own accounting, so other
/// processes on a loaded machine count far less than in wall time); `None` where the
/// system does not say.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
