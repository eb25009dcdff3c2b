//! What the timeline writes beside its marks and draws above its lanes, as plain data: the
//! name of the step each trace event is (in Marketo's words: "Remove from List: Work Queue",
//! "Send Email: Task Email", "Sync Person to SFDC"), and one lane per invariant the run checks,
//! holding until the event that broke it.

use super::view::RunView;
use super::words::{self, SYNC_PERSON};
use super::TraceRow;
use crate::engine::model::{InvariantModel, Model};
use crate::engine::trace::{Actor, EventKind, TraceEvent};
use std::collections::HashMap;

/// An invariant the run checks: its stable id and what breaking it means in plain words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InvariantInfo {
    /// The stable id (`alert-has-recipient`).
    pub id: String,
    /// What breaking it means ("Alert sent to no one"), as [`super::invariant_title`] says.
    pub title: String,
}

/// The invariants `model` checks, in scenario order.
pub(super) fn invariants(model: &Model) -> Vec<InvariantInfo> {
    model
        .invariants
        .iter()
        .map(|i: &InvariantModel| InvariantInfo {
            id: i.name().to_string(),
            title: words::invariant_title(i).to_string(),
        })
        .collect()
}

/// Each row's step name, each distinct name stored once (a run of 10,000 people has a
/// handful of steps, not 100,000 names).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct StepNames {
    /// The distinct names, in order of first use.
    pub names: Vec<String>,
    /// Each row's name, as an index into `names` (by row index).
    pub of_row: Vec<u32>,
}

impl StepNames {
    /// The step name of the row at `index` ("" if there is no such row).
    pub fn of(&self, index: usize) -> &str {
        self.of_row
            .get(index)
            .and_then(|&n| self.names.get(n as usize))
            .map_or("", |s| s.as_str())
    }
}

/// The step names of a run's events (`trace` and `rows` in the same order).
pub(super) fn step_names(model: &Model, trace: &[TraceEvent], rows: &[TraceRow]) -> StepNames {
    let mut out = StepNames::default();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (ev, row) in trace.iter().zip(rows) {
        let name = step_name(model, ev, &row.details);
        let n = match seen.get(&name) {
            Some(&n) => n,
            None => {
                let n = out.names.len() as u32;
                seen.insert(name.clone(), n);
                out.names.push(name);
                n
            }
        };
        out.of_row.push(n);
    }
    out
}

/// The step an event is, named as Marketo's flow-step menu and activity log name it: a
/// campaign's flow step ("Send Email: Task Email"), what a person did ("Fill Out Form:
/// Contact Us"), or what a system did ("CRM record created"). `details` is the event's
/// sentence, which names the steps of the integration systems.
pub fn step_name(model: &Model, ev: &TraceEvent, details: &str) -> String {
    use EventKind::*;
    let syms = &model.syms;
    let list = |l: u16| words::list(model, l);
    let campaign = |c: u16| words::campaign(model, c);
    let webhook = |w: u16| model.webhooks[w as usize].name.as_str();
    let in_campaign = matches!(ev.actor, Actor::Campaign(_));
    match &ev.kind {
        PersonCreated => "Person created".to_string(),
        FilledOutForm(f) => format!("Fill Out Form: {}", syms.text(*f)),
        Qualified => "Enters the flow".to_string(),
        NotQualified => "Not qualified again".to_string(),
        BatchStarted { members } => format!("Batch run: {members} in the smart list"),
        FieldChanged { field, .. } if in_campaign => {
            format!("Change Data Value: {}", words::field(model, *field))
        }
        FieldChanged { field, .. } => format!("{} changed", words::field(model, *field)),
        AddedToList { list: l, .. } => format!("Add to List: {}", list(*l)),
        RemovedFromList { list: l } => format!("Remove from List: {}", list(*l)),
        StatusChanged { program, to, .. }
        | StatusRefused {
            program,
            requested: to,
            ..
        } => {
            let p = &model.programs[*program as usize];
            format!(
                "Change Program Status: {} → {}",
                p.name, p.statuses[*to as usize].0
            )
        }
        CampaignRequested { target } | RequestCapReached { target } => {
            format!("Request Campaign: {}", campaign(*target))
        }
        ExecutedCampaign { target } => format!("Execute Campaign: {}", campaign(*target)),
        WaitStarted { .. } => "Wait".to_string(),
        EmailSent { email } => format!("Send Email: {}", syms.text(*email)),
        EmailDeduplicated { email } => format!("Send Email (skipped): {}", syms.text(*email)),
        AlertSent { alert, .. } => format!("Send Alert: {}", syms.text(*alert)),
        RemovedFromFlow => "Remove from Flow".to_string(),
        WebhookCalled { webhook: w } => format!("Call Webhook: {}", webhook(*w)),
        WebhookServed { webhook: w, .. } => format!("{} answers", webhook(*w)),
        WebhookResponded { webhook: w } => format!("Webhook response: {}", webhook(*w)),
        WebhookFailed { webhook: w } | WebhookTimedOut { webhook: w } => {
            format!("Webhook failed: {}", webhook(*w))
        }
        CrmPushed => SYNC_PERSON.to_string(),
        CrmReceived { created: true } => "CRM record created".to_string(),
        CrmReceived { created: false } => "CRM record updated".to_string(),
        OwnerAssigned { owner, .. } => format!("Owner assigned: {}", syms.text(*owner)),
        _ => first_clause(details),
    }
}

/// The start of a sentence up to its first `:`, `;` or `(`, capitalised and at most 40
/// characters: "REST call", "Run 2 starts cold".
fn first_clause(details: &str) -> String {
    let cut = details.find([':', ';', '(']).unwrap_or(details.len());
    let text = details[..cut].trim();
    let mut out: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        out.pop();
        out.push('…');
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One invariant the run checks, as a lane of the timeline: it holds until its first
/// violation (if any), and is broken from there on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvariantLane {
    /// The stable id (`one-email-per-entry`).
    pub id: String,
    /// What breaking it means, in plain words ("Emailed twice for one queue entry").
    pub title: String,
    /// The violations of this invariant, as indices into the run's violations, in time order.
    pub violations: Vec<usize>,
}

impl InvariantLane {
    /// The first violation (the one that broke it), as an index into the run's violations.
    pub fn first(&self) -> Option<usize> {
        self.violations.first().copied()
    }

    /// When it broke, if it did.
    pub fn broken_at(&self, run: &RunView) -> Option<u64> {
        self.first().map(|i| run.violations[i].time_ms)
    }

    /// Why it is broken, in plain words: its title, the event that broke it and when, the
    /// violation's own message, and how many violations there are in all; `None` while it
    /// holds.
    pub fn reason(&self, run: &RunView) -> Option<String> {
        let v = &run.violations[self.first()?];
        let by = v
            .witness
            .last()
            .map_or(String::new(), |id| format!(" by event #{id}"));
        let more = match self.violations.len() {
            1 => String::new(),
            n => format!(" ({n} violations in all)"),
        };
        Some(format!(
            "{}: broken at {}{by}. {}{more}",
            self.title,
            super::clock(v.time_ms),
            v.message
        ))
    }

    /// What the lane says while it holds.
    pub fn holds(&self) -> String {
        format!("No \u{201c}{}\u{201d} up to here", self.title)
    }
}

/// One lane per invariant `run` checks, in scenario order; an invariant the run does not list
/// but a violation names (a run made elsewhere) gets a lane too.
pub fn invariant_lanes(run: &RunView) -> Vec<InvariantLane> {
    let mut lanes: Vec<InvariantLane> = run
        .invariants
        .iter()
        .map(|i| InvariantLane {
            id: i.id.clone(),
            title: i.title.clone(),
            violations: Vec::new(),
        })
        .collect();
    let mut order: Vec<usize> = (0..run.violations.len()).collect();
    order.sort_by_key(|&i| run.violations[i].time_ms);
    for i in order {
        let v = &run.violations[i];
        let lane = match lanes.iter().position(|l| l.id == v.invariant) {
            Some(l) => l,
            None => {
                lanes.push(InvariantLane {
                    id: v.invariant.clone(),
                    title: v.title.clone(),
                    violations: Vec::new(),
                });
                lanes.len() - 1
            }
        };
        lanes[lane].violations.push(i);
    }
    lanes
}
