//! The native integration tests, in one binary (as ripgrep does): each topic file in `tests/`
//! is a module here, and [`common`] holds the set-up they share. One binary links once and
//! runs every test on one thread pool. `cargo test --release` runs them all;
//! `cargo test --release --test integration cli::` runs one topic.
//!
//! Cargo.toml turns off test discovery (`autotests = false`), so a new topic file runs only
//! once it is declared below; [`every_topic_file_is_declared`] fails until it is.
#![cfg(not(target_arch = "wasm32"))]

mod common;
mod golden;

mod app_api;
mod app_api_reader;
mod builder;
mod builder_duration;
mod builder_rename;
mod builder_words;
mod cli;
mod cli_link;
mod cli_long;
mod codec;
mod codec_damaged;
mod determinism;
mod docs_example;
mod explore;
mod explore_cli;
mod fuzz;
mod golden_native;
mod hostile;
mod injections;
mod injections_checks;
mod integration_steps;
mod lesson;
mod library;
mod limits;
mod marketo_rules;
mod outcomes;
mod saved_work;
mod scale;
mod scenario_reader;
mod scheduler;
mod scheduler_challenge;
mod scheduler_words;
mod semantics_crm_automation;
mod semantics_flow;
mod semantics_identity;
mod semantics_queue;
mod semantics_systems;
mod semantics_triggers;
mod story;
mod sweeps;
mod systems;
mod systems_feeds;
mod timeline_lanes;
mod validation;
mod webhook_vendors;
mod words;

/// The test files that are not modules of this binary: this file and the browser tests,
/// which Cargo.toml builds as their own binaries for wasm32.
const OWN_BINARIES: &[&str] = &["main.rs", "browser.rs", "ui.rs"];

#[test]
fn every_topic_file_is_declared() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let this = include_str!("main.rs");
    for entry in std::fs::read_dir(&dir).expect("tests/ is readable") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        if !OWN_BINARIES.contains(&name.as_ref()) {
            assert!(
                this.contains(&format!("\nmod {stem};\n")),
                "tests/{name} is not declared in tests/main.rs, so none of its tests run"
            );
        }
    }
}
