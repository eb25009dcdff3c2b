//! TEMPORARY shim until api::run_view etc. land.
use crate::api::TraceRow;
use crate::engine::scenario::OutsideEvent;
use crate::engine::{RunConfig, Scenario};
#[derive(Debug, Clone, PartialEq)]
pub struct LaneInfo {
    pub name: String,
}
#[derive(Debug, Clone, PartialEq)]
pub struct ViolationView {
    pub invariant: String,
    pub message: String,
    pub time_ms: u64,
    pub person: Option<u32>,
    pub witness: Vec<u32>,
}
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    pub rows: Vec<TraceRow>,
    pub violations: Vec<ViolationView>,
    pub outcome: String,
    pub trace_hash: String,
    pub end_time_ms: u64,
    pub people: u32,
    pub lanes: Vec<LaneInfo>,
}
pub fn run_view(
    s: &Scenario,
    c: &RunConfig,
    seed: u64,
    _schedule: &[u32],
) -> Result<RunView, String> {
    let rows = crate::api::trace(s, c, seed)?;
    let r = crate::api::run(s, c, seed)?;
    let mut lanes: Vec<LaneInfo> = Vec::new();
    for row in &rows {
        if !lanes.iter().any(|l| l.name == row.lane) {
            lanes.push(LaneInfo {
                name: row.lane.clone(),
            });
        }
    }
    Ok(RunView {
        end_time_ms: r.end_time_ms,
        people: 20,
        outcome: r.outcome,
        trace_hash: r.trace_hash,
        lanes,
        rows,
        violations: r
            .violations
            .iter()
            .map(|v| ViolationView {
                invariant: v.invariant.clone(),
                message: v.message.clone(),
                time_ms: v.time_ms,
                person: v.person,
                witness: v.witness.clone(),
            })
            .collect(),
    })
}
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
#[derive(Debug, Clone, PartialEq)]
pub struct PersonSnapshot {
    pub fields: Vec<(String, String)>,
    pub lists: Vec<String>,
    pub programs: Vec<String>,
}
#[derive(Debug, Clone, PartialEq)]
pub struct SystemSnapshot {
    pub name: String,
    pub items: Vec<String>,
}
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub person: Option<PersonSnapshot>,
    pub systems: Vec<SystemSnapshot>,
}
pub fn inspect_at(
    _s: &Scenario,
    _c: &RunConfig,
    _seed: u64,
    _sch: &[u32],
    _t: u64,
    _p: Option<u32>,
) -> Result<Snapshot, String> {
    Ok(Snapshot {
        person: None,
        systems: vec![],
    })
}
