//! The deterministic simulator of a Marketo-style campaign engine and its surroundings.
//!
//! Pure Rust: no clocks, no global RNG, no web APIs. Every nondeterministic decision goes
//! through [`chooser::Chooser`]; simulated time is integer milliseconds and event-driven.
//!
//! Pipeline: [`scenario::Scenario`] (serde data) → [`compile::compile`] (validation, a
//! variant, knob values) → [`model::Model`] → [`sim::Sim`] (state + trace) → outcome.

pub mod bounds;
pub mod chooser;
pub mod compile;
pub mod describe;
pub mod dist;
pub mod explore;
pub mod invariants;
pub mod knobs;
pub mod logic;
pub mod model;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod systems;
pub mod trace;
pub mod value;

pub use chooser::{Choice, Chooser, Recorder, ReplayThenSeed, ScriptedChooser, SeededChooser};
pub use compile::{
    compile, compile_campaigns, validate, Place, RunConfig, ScenarioError, WEBHOOK_TIMEOUT_MAX_MS,
};
pub use invariants::Violation;
pub use model::Model;
pub use scenario::Scenario;
pub use sim::{RunError, RunOutcome, Sim};
