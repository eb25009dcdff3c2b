//! Race Lab: a deterministic simulator of Marketo-style smart campaigns and the systems
//! around them (CRM, webhooks, key-value store, REST API, jobs, queues), built to make
//! race conditions visible and to compare them with their fixes.
//!
//! - [`engine`]: the pure, deterministic simulator (no clocks, no global RNG, no web).
//! - [`scenarios`]: the built-in scenarios as data plus lesson text.
//! - [`api`]: a small facade used by the CLI, the web page and the tests.
//! - [`builder`]: the campaign builder's model (an editable scenario, undo, located validation).
//! - [`work`]: background work (sweeps, explorations) as typed messages for Web Workers.
//! - [`spec`]: the run a user set up (scenario, variant, knobs, seed, injections, view).
//! - [`codec`]: share links, one run spec in a URL fragment (versioned, compressed, checked).
//! - [`saved`]: work saved in the browser (one slot per tab), as plain data.

pub mod api;
pub mod builder;
pub mod codec;
pub mod engine;
pub mod saved;
pub mod scenarios;
pub mod spec;
pub mod work;

#[cfg(target_arch = "wasm32")]
pub mod ui;
