//! `racelab`: the native command line over the Race Lab engine.
//!
//! Commands: `list`, `describe`, `run`, `sweep`, `explore`, `scale`, `table`, `link` (`racelab --help`
//! lists them, `racelab help <command>` describes one). A scenario is a built-in id or a path
//! to a scenario JSON file, or comes from a share link (`--link URL`). Bad input prints what
//! is wrong on stderr and exits with code 2: clap reports mistakes in the arguments, the
//! commands report everything else (an unknown scenario, variant or knob, a value out of
//! range, a malformed file or link).
//!
//! The modules live in `racelab/`: `args` (the grammar, clap's derive API), `source` (where a
//! run comes from, and `link`), `lesson` (`link --lesson`), `commands` (list, describe, run, table), `stream` (`run
//! --trace` written as it is formatted), `sweep` (on every core), `explore`, `scale` (a
//! change feed at its source's rate) and `progress` (progress lines on stderr, Ctrl-C).
//! The command line is native only: the web app is `racelab-web`.

// Measures elapsed wall time for its reports (clippy.toml keeps clocks out of the engine).
#![allow(clippy::disallowed_methods)]

#[cfg(not(target_arch = "wasm32"))]
#[path = "racelab/cli.rs"]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
