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
#[derive(Debug, Clone, PartialEq)]
pub struct FlowStepView {
    pub text: String,
    pub choices: Vec<String>,
}
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignView {
    pub name: String,
    pub program: String,
    pub kind: String,
    pub qualification: String,
    pub triggers: Vec<String>,
    pub filters: Vec<String>,
    pub logic: Option<String>,
    pub flow: Vec<FlowStepView>,
}
#[derive(Debug, Clone, PartialEq)]
pub struct SystemView {
    pub name: String,
    pub lines: Vec<String>,
}
#[derive(Debug, Clone, PartialEq)]
pub struct Views {
    pub campaigns: Vec<CampaignView>,
    pub systems: Vec<SystemView>,
}
pub fn campaign_views(_s: &Scenario, _v: &str) -> Result<Views, String> {
    Ok(Views {
        campaigns: vec![],
        systems: vec![],
    })
}
