//! The `racelab` command line as the tests run it: as a separate process, with helpers that
//! check the exit code (0 for success, 2 for bad input) and return what it printed.

use serde_json::Value as Json;
use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs `racelab` with `args` and waits for it.
pub fn racelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_racelab"))
        .args(args)
        .output()
        .expect("the racelab binary runs")
}

/// Runs a command that must succeed; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let out = racelab(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "racelab {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs a command that must succeed with `--json`; returns the parsed output.
pub fn ok_json(args: &[&str]) -> Json {
    let text = ok(args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("racelab {args:?}: bad JSON {e}: {text}"))
}

/// Runs a command that must fail with code 2, say why on stderr without panicking, and print
/// nothing on stdout; returns stderr.
pub fn fails(args: &[&str]) -> String {
    let out = racelab(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "racelab {args:?}: {stderr}");
    assert!(
        !stderr.contains("panicked"),
        "racelab {args:?} panicked: {stderr}"
    );
    assert!(out.stdout.is_empty(), "racelab {args:?} printed to stdout");
    stderr
}

/// A file in the temp directory holding `contents`, its name unique to this process and
/// `name` (every test that writes one gives its own name).
pub fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("racelab-test-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("temp file written");
    path
}
