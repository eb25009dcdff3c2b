//! The inspector: one person and every queue and system at a moment of a run. The run is
//! replayed from the start up to and including the events at that moment (the same seed and
//! schedule give the same run), so the answer is always the state the timeline shows.

mod runs;
mod systems;

use crate::api::words::{self, duration};
use crate::engine::chooser::ReplayThenSeed;
use crate::engine::model::*;
use crate::engine::sim::state::FlowRun;
use crate::engine::sim::Sim;
use crate::engine::value::Symbols;
use crate::engine::{compile, Model, RunConfig, Scenario};

use runs::{place_text, run_position, RunIndex};
use systems::systems;

/// One person at the inspected moment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PersonSnapshot {
    /// 1-based person number.
    pub person: u32,
    /// False until the person is created (an unborn lead before the form fill).
    pub exists: bool,
    /// Every field: (its label or API name, value as text; `(empty)` when empty).
    pub fields: Vec<(String, String)>,
    /// Static lists the person is in: `Work Queue (entry 2)`.
    pub lists: Vec<String>,
    /// Program statuses: `Webinar: Attended`.
    pub programs: Vec<String>,
    /// Where the person stands with each campaign: `Fast Track Alert: step 2 of 2 (Send
    /// Alert: New lead), waiting in the trigger queue`, or `Fast Track Alert: has run
    /// through the flow (last entry at 3 min)`.
    pub campaigns: Vec<String>,
}

/// Lines one queue or system lists at most: a queue of 10,000 waiting flows shows its first
/// ones and a count of the rest (the inspector's cost does not grow with the run).
pub const SYSTEM_LINES: usize = 20;

/// What sits in one queue or system at the inspected moment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SystemSnapshot {
    /// The queue or system; systems that have a swimlane use the lane's name.
    pub name: String,
    /// One line per item (a first line may sum the system up: `2 workers, 1 busy`), at most
    /// [`SYSTEM_LINES`] of them, in the system's order.
    pub items: Vec<String>,
    /// Items left out after the lines listed.
    #[serde(default)]
    pub more: usize,
}

impl SystemSnapshot {
    /// A system listing `total` items, of which `lines` makes the first [`SYSTEM_LINES`]
    /// (only those are written out).
    pub(crate) fn listing(
        name: String,
        total: usize,
        lines: impl Iterator<Item = String>,
    ) -> SystemSnapshot {
        let items: Vec<String> = lines.take(SYSTEM_LINES).collect();
        SystemSnapshot {
            name,
            more: total.saturating_sub(items.len()),
            items,
        }
    }

    /// A system of the lines `items` (cut to the first [`SYSTEM_LINES`]).
    pub(crate) fn of(name: String, items: Vec<String>) -> SystemSnapshot {
        let total = items.len();
        SystemSnapshot::listing(name, total, items.into_iter())
    }
}

/// The state of a run at `time_ms`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub time_ms: u64,
    /// Trace events up to and including `time_ms`.
    pub events: usize,
    /// Whether nothing is left to happen after `time_ms`.
    pub done: bool,
    pub person: Option<PersonSnapshot>,
    pub systems: Vec<SystemSnapshot>,
}

/// Replays the run of `scenario` with `config`, `seed` and `schedule` (as [`super::run_view`])
/// up to and including the events at `time_ms`, and describes `person` (1-based) and every
/// queue and system then.
pub fn inspect_at(
    scenario: &Scenario,
    config: &RunConfig,
    seed: u64,
    schedule: &[u32],
    time_ms: u64,
    person: Option<u32>,
) -> Result<Snapshot, String> {
    let model = compile(scenario, config)?;
    inspect_model_at(&model, seed, schedule, time_ms, person)
}

/// [`inspect_at`] of an already compiled model.
pub fn inspect_model_at(
    model: &Model,
    seed: u64,
    schedule: &[u32],
    time_ms: u64,
    person: Option<u32>,
) -> Result<Snapshot, String> {
    if let Some(p) = person {
        if p == 0 || p as usize > model.people.len() {
            return Err(format!(
                "person {p} does not exist: the scenario has {} (numbered from 1)",
                model.people.len()
            ));
        }
    }
    let answers = schedule.iter().map(|&a| a as u64).collect();
    let mut chooser = ReplayThenSeed::new(answers, seed);
    let mut sim = Sim::new(model);
    let more = sim
        .run_until(time_ms, &mut chooser)
        .map_err(|e| e.to_string())?;
    let runs = RunIndex::new(&sim);
    Ok(Snapshot {
        time_ms,
        events: sim.trace.len(),
        done: !more,
        person: person.map(|p| person_snapshot(&sim, &runs, p - 1)),
        systems: systems(&sim, &runs, time_ms),
    })
}

fn person_snapshot(sim: &Sim, runs: &RunIndex, p: PersonId) -> PersonSnapshot {
    let model = sim.model;
    let syms: &Symbols = &sim.syms;
    let person = &sim.state.people[p as usize];
    let fields = model
        .fields
        .iter()
        .zip(&person.fields)
        .map(|(f, v)| (f.display_name().to_string(), words::value(syms, *v)))
        .collect();
    let lists = model
        .lists
        .iter()
        .enumerate()
        .filter(|(l, _)| person.in_list[*l])
        .map(|(l, name)| format!("{name} (entry {})", person.list_entries[l]))
        .collect();
    let programs = model
        .programs
        .iter()
        .zip(&person.status)
        .filter_map(|(prog, s)| {
            s.map(|s| format!("{}: {}", prog.name, prog.statuses[s as usize].0))
        })
        .collect();
    let mut campaigns = Vec::new();
    let live: Vec<&FlowRun> = runs.runs().filter(|r| r.person == p).collect();
    for (c, m) in person.campaigns.iter().enumerate() {
        let c = c as CampaignId;
        let mine: Vec<_> = live
            .iter()
            .filter(|r| r.callers.first().map_or(r.campaign, |(x, _)| *x) == c)
            .collect();
        for r in &mine {
            campaigns.push(format!(
                "{}, {}",
                run_position(model, syms, r),
                place_text(model, runs.place(r.id))
            ));
        }
        if mine.is_empty() && m.member {
            campaigns.push(format!(
                "{}: has run through the flow (last entry at {})",
                model.campaigns[c as usize].name,
                duration(m.last_entry)
            ));
        }
    }
    if model.crm.is_some() {
        match sim.state.crm.record(p) {
            Some(rec) => {
                let owner = rec.owner.map_or("no owner yet".to_string(), |o| {
                    format!("owner {}", syms.text(o))
                });
                let pending = if rec.unsynced.is_some() {
                    " (not yet synced back to Marketo)"
                } else {
                    ""
                };
                campaigns.push(format!("In the CRM: {owner}{pending}"));
            }
            None => campaigns.push("Not in the CRM yet".to_string()),
        }
    }
    PersonSnapshot {
        person: p + 1,
        exists: person.exists,
        fields,
        lists,
        programs,
        campaigns,
    }
}
