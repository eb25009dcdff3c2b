//! The app's runs in a worker: a run request's main run (made for a lesson when it teaches
//! one) and its compare run, as [`wire`] bytes.

use super::{wire, Reply};
use crate::api::RunConfig;

/// Answers a run request: the set-up's main run and its compare run, as [`wire`] bytes. Never
/// panics on any input; the runs are exactly those [`crate::api::run_view`] gives (the main
/// one [`crate::api::lesson_view`]'s for violation `lesson`).
pub fn serve_run(id: u64, code: &str, lesson: Option<u32>) -> Reply {
    let spec = match crate::saved::work_spec(code) {
        Ok(spec) => spec,
        Err(e) => return Reply::failed(e),
    };
    let (scenario, config) = match spec.resolve() {
        Ok(x) => x,
        Err(e) => return Reply::failed(e),
    };
    let run = |config: &RunConfig, schedule: &[u32], lesson: Option<u32>| {
        let model = crate::engine::compile(&scenario, config)?;
        let lesson = lesson.map(|v| v as usize);
        crate::api::run_model_view(&model, spec.seed, schedule, lesson).map(|v| wire::encode(&v))
    };
    let main = run(&config, &spec.schedule, lesson);
    let compare = spec
        .compare
        .as_deref()
        .map(|c| run(&spec.config(c), &[], None));
    Reply::Ran { id, main, compare }
}
