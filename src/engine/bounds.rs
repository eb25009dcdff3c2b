//! How big a run will be, estimated before it starts, and the limits a run must fit.
//!
//! [`estimate`] reads a compiled [`Model`] (never runs it): people, scripted events, the
//! campaigns' flows, batch recurrences, the CRM sync cycle, jobs, the response feed and the
//! change feed, and counts the trace events each can record at most, roughly. It is an
//! upper-bound-ish estimate: the tests hold it to at least half the events a run records and
//! at most [`ESTIMATE_FACTOR`] times as many (plus [`ESTIMATE_SLACK`]) for every built-in
//! variant at its defaults and with each knob at its minimum and maximum. Its memory is the events times [`BYTES_PER_EVENT`] plus the
//! people's records.
//!
//! [`check`] refuses a model whose estimate is over [`MAX_EVENTS`] or [`MAX_RUN_BYTES`]
//! (the same natively and in wasm, documented in `docs/limits.md`); [`crate::engine::compile`]
//! calls it, so no run, sweep or view starts that the browser could not hold. The message
//! (built by the compiler, which knows the knobs) names the knob to lower and how far.

use super::model::limits;
use super::model::*;

/// Trace events in one run (the simulator also stops a run there).
pub const MAX_EVENTS: usize = limits::MAX_EVENTS;
/// The memory one run may use, estimated: 1 GiB.
pub const MAX_RUN_BYTES: u64 = 1 << 30;
/// Memory per trace event: the event, its place in the agenda and the views' share.
pub const BYTES_PER_EVENT: u64 = 200;
/// Memory per person record, besides its fields.
pub const BYTES_PER_PERSON: u64 = 600;
/// Memory per field value of a person.
pub const BYTES_PER_FIELD: u64 = 16;
/// The estimate is at most this many times a run's real event count (plus the slack).
pub const ESTIMATE_FACTOR: u64 = 20;
/// Small runs: the estimate may exceed the real count by this much on top of the factor.
pub const ESTIMATE_SLACK: u64 = 10_000;

/// A run's estimated size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Estimate {
    /// Trace events.
    pub events: u64,
    /// Bytes of memory.
    pub bytes: u64,
}

/// Which limit an estimate is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Events,
    Memory,
}

impl Estimate {
    /// The first limit this estimate is over, if any.
    pub fn over(&self) -> Option<Over> {
        if self.events > MAX_EVENTS as u64 {
            Some(Over::Events)
        } else if self.bytes > MAX_RUN_BYTES {
            Some(Over::Memory)
        } else {
            None
        }
    }

    /// "This run would have about 12 million events; the browser can hold 5 million."
    pub fn describe(&self, over: Over) -> String {
        match over {
            Over::Events => format!(
                "This run would have about {} events; the browser can hold {}.",
                about(self.events),
                about(MAX_EVENTS as u64)
            ),
            Over::Memory => format!(
                "This run would need about {} of memory; the browser can give a run {}.",
                bytes(self.bytes),
                bytes(MAX_RUN_BYTES)
            ),
        }
    }
}

/// A count in words: "12 million", "340,000", "950".
pub fn about(n: u64) -> String {
    if n >= 10_000_000 {
        format!("{} million", n.div_ceil(1_000_000))
    } else if n >= 1_000_000 {
        let tenths = n.div_ceil(100_000);
        match tenths % 10 {
            0 => format!("{} million", tenths / 10),
            t => format!("{}.{t} million", tenths / 10),
        }
    } else {
        thousands(n)
    }
}

/// 12345 → "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn bytes(n: u64) -> String {
    const MB: u64 = 1 << 20;
    if n >= 1 << 30 {
        format!("{:.1} GB", n as f64 / (1u64 << 30) as f64)
    } else {
        format!("{} MB", n.div_ceil(MB))
    }
}

/// The estimated size of one run of `m`.
pub fn estimate(m: &Model) -> Estimate {
    let people = m.people.len() as u64;
    // People whose scripted events can happen before the horizon (an arrival window longer
    // than the horizon leaves the rest for after it).
    let per_person = (people as f64 * share_before_horizon(m)).ceil().max(1.0) as u64;
    let scripted = scripted_events(m);
    // Outside events each record one or two events (a form fill also creates the person).
    let mut events = scripted.saturating_mul(2);
    // How often a trigger campaign can run for one person: once, or once per activity.
    let activity = activities_per_person(m, scripted, per_person);
    for c in m.campaigns.iter().filter(|c| c.active) {
        let cost = flow_cost(m, &c.flow, 0).saturating_add(1);
        let runs = match c.schedule {
            None => match c.qualification {
                Qualification::Once => per_person,
                _ => per_person.saturating_mul(activity),
            },
            Some((at, every)) => {
                let batches = batch_runs(m, at, every);
                // A member qualifies again only after something changed it.
                let members = match c.qualification {
                    Qualification::Once => per_person,
                    _ => per_person.saturating_mul(batches.min(activity)),
                };
                events = events.saturating_add(batches);
                members
            }
        };
        events = events.saturating_add(runs.saturating_mul(cost));
    }
    if let Some(crm) = &m.crm {
        let cycles = m.horizon / crm.sync_interval_ms.max(1) + 1;
        let per = 3 + crm.automations.len() as u64;
        events = (events.saturating_add(cycles)).saturating_add(per_person.saturating_mul(per));
    }
    events = events.saturating_add(integration_events(m, per_person));
    let fields = m.fields.len() as u64;
    let bytes = events
        .saturating_mul(BYTES_PER_EVENT)
        .saturating_add(people.saturating_mul(BYTES_PER_PERSON + fields * BYTES_PER_FIELD))
        .saturating_add((m.script.len() as u64).saturating_mul(256));
    Estimate { events, bytes }
}

/// The largest share of any per-person scripted event's draws that fall within the horizon
/// (1 when the script has none).
fn share_before_horizon(m: &Model) -> f64 {
    use super::dist::Delay;
    let share = |s: &Scripted| -> f64 {
        if s.after.is_some() {
            return 0.0;
        }
        match &s.at {
            Delay::Fixed(v) => f64::from(u8::from(*v <= m.horizon)),
            Delay::Uniform { min, max } if max > min => {
                (m.horizon.saturating_sub(*min) as f64 / (max - min) as f64).min(1.0)
            }
            Delay::Uniform { min, .. } => f64::from(u8::from(*min <= m.horizon)),
            _ => 1.0,
        }
    };
    let per_person = m.script.iter().filter(|s| s.people.is_some());
    per_person
        .map(share)
        .reduce(f64::max)
        .unwrap_or(1.0)
        .max(1e-3)
}

/// Scripted events after expansion over their people.
fn scripted_events(m: &Model) -> u64 {
    let people = m.people.len() as u64;
    m.script
        .iter()
        .map(|s| {
            let n = s
                .people
                .map_or(1, |(a, b)| u64::from(b.saturating_sub(a)) + 1);
            match s.event {
                OutsideModel::ResponsesArrive(k) => n.saturating_mul(u64::from(k)),
                OutsideModel::RunBatchCampaign(_) => n.saturating_mul(people),
                _ => n,
            }
        })
        .fold(0, u64::saturating_add)
}

/// Activities (outside events and flow steps that trigger campaigns) per person, at least 1;
/// Request Campaign loops count up to the queue's cap.
fn activities_per_person(m: &Model, scripted: u64, people: u64) -> u64 {
    let cap = if request_loop(m) {
        u64::from(m.queue.request_cap).max(1)
    } else {
        1
    };
    (scripted.div_ceil(people) + 1).saturating_mul(cap)
}

/// The campaigns a flow requests (its steps and their choices' branches).
fn requested(flow: &[StepModel]) -> Vec<CampaignId> {
    let mut out = Vec::new();
    let mut todo: Vec<&ActionModel> = flow.iter().map(|s| &s.action).collect();
    while let Some(a) = todo.pop() {
        match a {
            ActionModel::RequestCampaign(c) | ActionModel::ExecuteCampaign(c) => out.push(*c),
            ActionModel::Choice { branches, default } => {
                todo.extend(branches.iter().map(|(_, _, a)| a));
                todo.push(default);
            }
            _ => {}
        }
    }
    out
}

/// Whether Request (or Execute) Campaign steps form a loop: then a person's requests run up
/// to the queue's cap. Iterative depth-first search: a file cannot drive it past the stack.
fn request_loop(m: &Model) -> bool {
    let edges: Vec<Vec<CampaignId>> = m.campaigns.iter().map(|c| requested(&c.flow)).collect();
    // 0: not seen, 1: on the current path, 2: done.
    let mut color = vec![0u8; edges.len()];
    for start in 0..edges.len() {
        if color[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        color[start] = 1;
        while let Some((node, next)) = stack.pop() {
            match edges[node].get(next) {
                Some(&to) => {
                    stack.push((node, next + 1));
                    match color.get(to as usize) {
                        Some(1) => return true,
                        Some(0) => {
                            color[to as usize] = 1;
                            stack.push((to as usize, 0));
                        }
                        _ => {}
                    }
                }
                None => color[node] = 2,
            }
        }
    }
    false
}

/// Runs of a batch campaign first run at `at`, recurring every `every`, within the horizon.
fn batch_runs(m: &Model, at: u64, every: Option<u64>) -> u64 {
    match every {
        _ if at > m.horizon => 0,
        None => 1,
        Some(e) => (m.horizon - at) / e.max(1) + 1,
    }
}

/// Events a flow records for one person at most.
fn flow_cost(m: &Model, flow: &[StepModel], depth: usize) -> u64 {
    flow.iter()
        .map(|s| action_cost(m, &s.action, depth))
        .fold(0, u64::saturating_add)
}

fn action_cost(m: &Model, a: &ActionModel, depth: usize) -> u64 {
    match a {
        ActionModel::CallWebhook(w) => {
            let hook = &m.webhooks[*w as usize];
            5 + hook.mappings.len() as u64
        }
        ActionModel::SyncPersonToCrm => {
            3 + m.crm.as_ref().map_or(0, |c| c.automations.len()) as u64
        }
        // Compilation refuses Execute Campaign deeper than `MAX_EXECUTE_DEPTH` and loops;
        // the depth check here only keeps this function's recursion bounded regardless.
        ActionModel::ExecuteCampaign(c) if depth <= limits::MAX_EXECUTE_DEPTH => {
            let target = &m.campaigns[*c as usize];
            2 + flow_cost(m, &target.flow, depth + 1)
        }
        ActionModel::Choice { branches, default } => branches
            .iter()
            .map(|(_, _, a)| action_cost(m, a, depth))
            .chain([action_cost(m, default, depth)])
            .max()
            .unwrap_or(1),
        ActionModel::DoNothing => 0,
        _ => 2,
    }
}

/// Jobs, the response feed and the change feed.
fn integration_events(m: &Model, people: u64) -> u64 {
    let i = &m.integrations;
    let mut events = 0u64;
    let by_hand = |pick: &dyn Fn(&OutsideModel) -> bool| -> u64 {
        (m.script.iter().filter(|s| pick(&s.event)))
            .map(|s| {
                s.people
                    .map_or(1, |(a, b)| u64::from(b.saturating_sub(a)) + 1)
            })
            .sum()
    };
    let job_hand = by_hand(&|e| matches!(e, OutsideModel::RunJobNow(_)));
    for j in &i.jobs {
        let runs = batch_runs(m, j.at, j.every) + job_hand;
        let per = (j.steps.len() as u64 + 3).saturating_mul(u64::from(j.max_attempts.max(1)));
        events = events.saturating_add(runs.saturating_mul(per));
    }
    if let Some(r) = &i.responses {
        let extra = r
            .second_writer
            .as_ref()
            .map_or(0, |(_, n, _)| u64::from(*n));
        let count = u64::from(r.count) + extra;
        // Records arrive in inserts of `batch_records`; a retry records a few events more.
        let inserts = count.div_ceil(u64::from(r.batch_records.max(1))) + extra;
        let retries = u64::from(r.max_attempts.saturating_sub(1).min(6));
        let per = r.steps.len() as u64 + 3 + 2 * retries;
        // Scoring runs in batches of the processor's batch size.
        let scored = count.div_ceil(u64::from(r.processor.batch_size.max(1)));
        events = events.saturating_add(inserts.saturating_mul(per) + scored.saturating_mul(6));
    }
    if let Some(c) = &i.changes {
        let arrivals = by_hand(&|e| {
            matches!(
                e,
                OutsideModel::ChangeEventArrives(_) | OutsideModel::ChangeEventRedelivered
            )
        });
        // Flow steps that change a published field publish a change event too.
        let messages = arrivals.saturating_add(people.saturating_mul(c.fields.len() as u64));
        // A redelivery repeats a message; at most every message once more on average.
        let redelivered = 1 + u64::from(c.redelivery_ppm).div_ceil(250_000);
        let action = c
            .action
            .as_ref()
            .map_or(0, |(_, _, a)| action_cost(m, a, 0));
        let per = (8 + c.steps.len() as u64 + c.lists.len() as u64 * 2 + action)
            .saturating_mul(redelivered);
        events = events.saturating_add(messages.saturating_mul(per));
    }
    events
}
