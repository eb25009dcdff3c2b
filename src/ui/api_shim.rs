//! TEMPORARY shim until api::run_view etc. land.
use crate::engine::scenario::OutsideEvent;
use crate::engine::Scenario;
#[derive(Debug, Clone, PartialEq)]
pub struct InjectOption {
    pub label: String,
    pub event: OutsideEvent,
    pub needs_person: bool,
}
pub fn inject_options(_s: &Scenario, _v: &str) -> Result<Vec<InjectOption>, String> {
    Ok(vec![])
}
