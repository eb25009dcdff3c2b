//! The story of a race: for a violation of a run (or for one person), the steps that led to
//! it as a sequence diagram and as numbered plain sentences, computed from the engine's
//! trace (never from per-scenario text).
//!
//! - Columns: each campaign or system that took part, in the timeline's lane order.
//! - Steps: labelled boxes in Marketo's words ("Remove from List: Work Queue") at their time.
//! - Arrows: the trace's cause links (trigger → flow, request → campaign, call → response).
//! - The conflict: the two steps that clash (for a violation), marked.
//! - Only what affected the violation is kept: the causal past of the conflicting steps
//!   (their cause links, and the writes whose values the steps read, see [`AsSeen`]).

mod record;
mod seen;
mod tell;

pub use seen::{AsSeen, SeenValue};

use crate::engine::chooser::ReplayThenSeed;
use crate::engine::model::*;
use crate::engine::trace::{EventId, EventKind, TraceEvent};
use crate::engine::{compile, Model, RunConfig, Scenario, Sim, Violation};
use record::index_of;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Whose story to tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoryOf {
    /// The run's violation at this index (as in [`super::RunView::violations`]).
    Violation(usize),
    /// A person (1-based): everything that happened to them.
    Person(u32),
}

/// One box of the sequence diagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryStep {
    /// The trace event (its id: the timeline's row).
    pub event: u32,
    pub time_ms: u64,
    /// `4:00:00.2`.
    pub clock: String,
    /// Index into [`Story::columns`].
    pub column: usize,
    /// In Marketo's words: `Send Email: Task Email`, `Sync Person to SFDC`.
    pub label: String,
    /// The trace's sentence for the event (the timeline's details).
    pub details: String,
    /// 1-based person number.
    pub person: Option<u32>,
    /// The story step that caused this one.
    pub cause: Option<usize>,
    /// One of the two steps that conflict.
    pub conflict: bool,
    /// The step that broke the rule (the violation's last witness).
    pub violating: bool,
    /// Index into [`Story::sentences`].
    pub sentence: usize,
    /// What the step read, when it read data.
    pub seen: Option<AsSeen>,
}

/// A cause arrow between two story steps (indexes into [`Story::steps`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrow {
    pub from: usize,
    pub to: usize,
}

/// One numbered sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// 1-based.
    pub number: usize,
    pub time_ms: u64,
    pub clock: String,
    /// The sentence without its number and time.
    pub text: String,
    /// The story steps it tells (indexes into [`Story::steps`]).
    pub steps: Vec<usize>,
    /// Whether it tells one of the conflicting steps.
    pub conflict: bool,
}

impl Sentence {
    /// `2. 4:00:00.2 The trigger campaign … .`
    pub fn line(&self) -> String {
        format!("{}. {} {}", self.number, self.clock, self.text)
    }
}

/// The story of a violation or a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Story {
    /// `Emailed twice for one queue entry: person 3`, or `Person 3`.
    pub title: String,
    /// The violation's message, when the story is a violation's.
    pub message: String,
    pub person: Option<u32>,
    pub columns: Vec<String>,
    pub steps: Vec<StoryStep>,
    pub arrows: Vec<Arrow>,
    /// The two conflicting steps, earlier first (indexes into `steps`).
    pub conflict: Option<(usize, usize)>,
    pub sentences: Vec<Sentence>,
    /// Events of the person (or the violation's witnesses) the story left out: they did
    /// not affect the violation.
    pub left_out: usize,
}

impl Story {
    /// The step of trace event `id`.
    pub fn step_of(&self, id: u32) -> Option<usize> {
        self.steps.iter().position(|s| s.event == id)
    }
}

/// The story of a run of `scenario` (seed and schedule as [`super::run_view`]).
pub fn story(
    scenario: &Scenario,
    config: &RunConfig,
    seed: u64,
    schedule: &[u32],
    of: StoryOf,
) -> Result<Story, String> {
    let model = compile(scenario, config)?;
    model_story(&model, seed, schedule, of)
}

/// [`story`] of an already compiled model.
pub fn model_story(
    model: &Model,
    seed: u64,
    schedule: &[u32],
    of: StoryOf,
) -> Result<Story, String> {
    let answers = schedule.iter().map(|&a| a as u64).collect();
    let mut chooser = ReplayThenSeed::new(answers, seed);
    let mut sim = Sim::new(model);
    let out = sim.run(&mut chooser).map_err(|e| e.to_string())?;
    match of {
        StoryOf::Violation(i) => {
            let v = out
                .violations
                .get(i)
                .ok_or_else(|| format!("the run has no violation {}", i + 1))?;
            Ok(violation_story(model, &sim, v, true))
        }
        StoryOf::Person(p) => {
            if p == 0 || p as usize > model.people.len() {
                return Err(format!("person {p} does not exist"));
            }
            Ok(person_story(model, &sim, p - 1))
        }
    }
}

/// The story of violation `v`; `causal` keeps only the causal past of the conflicting steps
/// (false: every event of the person up to the violation, for comparison in tests).
pub fn violation_story_of(model: &Model, sim: &Sim, v: &Violation, causal: bool) -> Story {
    violation_story(model, sim, v, causal)
}

fn violation_story(model: &Model, sim: &Sim, v: &Violation, causal: bool) -> Story {
    let trace = &sim.trace;
    let pair = conflict_pair(model, trace, v);
    let mut seeds: Vec<EventId> = v.witness.clone();
    if let Some((a, b)) = pair {
        seeds.extend([a, b]);
    }
    let last = seeds.iter().copied().max().unwrap_or(0);
    let kept: BTreeSet<EventId> = if causal {
        causal_past(model, sim, &seeds)
    } else {
        let person = v.person.map(|p| p - 1);
        trace
            .iter()
            .filter(|e| e.id <= last && (e.person == person || seeds.contains(&e.id)))
            .map(|e| e.id)
            .collect()
    };
    let person = v.person.map(|p| p - 1);
    let everything = trace
        .iter()
        .filter(|e| e.id <= last && (person.is_some() && e.person == person))
        .count();
    let mut story = tell::build(model, sim, &kept, pair, v.witness.last().copied());
    story.title = match v.person {
        Some(p) => format!(
            "{}: person {p}",
            super::words::invariant_title_of(model, &v.invariant)
        ),
        None => super::words::invariant_title_of(model, &v.invariant).to_string(),
    };
    story.message = v.message.clone();
    story.person = v.person;
    story.left_out = everything.saturating_sub(story.steps.len());
    story
}

fn person_story(model: &Model, sim: &Sim, p: PersonId) -> Story {
    let mine: Vec<EventId> = sim
        .trace
        .iter()
        .filter(|e| e.person == Some(p))
        .map(|e| e.id)
        .collect();
    let kept = causal_past(model, sim, &mine);
    let mut story = tell::build(model, sim, &kept, None, None);
    story.title = format!("Person {}", p + 1);
    story.person = Some(p + 1);
    story
}

/// `seeds` and everything they depend on: their causes, and the writes whose values the
/// steps read (and those writes' causes), to a fixed point.
fn causal_past(model: &Model, sim: &Sim, seeds: &[EventId]) -> BTreeSet<EventId> {
    let trace = &sim.trace;
    let mut kept = BTreeSet::new();
    let mut todo: Vec<EventId> = seeds.to_vec();
    while let Some(id) = todo.pop() {
        if !kept.insert(id) {
            continue;
        }
        let Some(e) = index_of(trace, id).map(|i| &trace[i]) else {
            continue;
        };
        todo.extend(e.cause);
        if let Some(s) = seen::as_seen(model, &sim.syms, trace, e) {
            todo.extend(seen::writes(&s).filter(|&w| w <= id));
        }
    }
    kept
}

/// The two steps that clash in violation `v`, earlier first: for most rules its last two
/// witnesses; when the rule names only one side (an alert sent before the owner came, a
/// stage written back, a decision on stale data), the other side is found in the trace.
pub(crate) fn conflict_pair(
    model: &Model,
    trace: &[TraceEvent],
    v: &Violation,
) -> Option<(EventId, EventId)> {
    let &last = v.witness.last()?;
    let person = v.person.map(|p| p - 1);
    let at = index_of(trace, last)?;
    let ev = &trace[at];
    let mine = |e: &&TraceEvent| e.person == person && person.is_some();
    let inv = model.invariants.iter().find(|i| i.name() == v.invariant);
    let previous = || {
        let n = v.witness.len();
        (n >= 2).then(|| v.witness[n - 2])
    };
    let other: Option<EventId> = match inv? {
        InvariantModel::AlertHasRecipient => {
            let owner = model.owner_field.or(model.crm.as_ref().map(|c| c.owner_field));
            trace[at..]
                .iter()
                .filter(mine)
                .find(|e| match e.kind {
                    EventKind::OwnerAssigned { .. } => true,
                    EventKind::FieldChanged { field, .. } => Some(field) == owner,
                    _ => false,
                })
                .map(|e| e.id)
        }
        InvariantModel::CrmSyncAfter { field } => {
            let push = v.witness.first().copied()?;
            let from = index_of(trace, push)?;
            let write = trace[from..].iter().filter(mine).find(|e| {
                matches!(e.kind, EventKind::FieldChanged { field: f, .. } if f == *field)
            });
            if let Some(w) = write {
                return Some((push, w.id));
            }
            None
        }
        InvariantModel::StageNeverRegresses { field, .. } | InvariantModel::MarketoValueKept { field } => trace[..at]
            .iter()
            .rev()
            .filter(mine)
            .find(|e| {
                e.actor != ev.actor
                    && matches!(e.kind, EventKind::FieldChanged { field: f, .. } if f == *field)
            })
            .map(|e| e.id),
        InvariantModel::StatusNeverMoves { program, .. } => trace[..at]
            .iter()
            .rev()
            .filter(mine)
            .find(|e| {
                e.actor != ev.actor
                    && matches!(e.kind, EventKind::StatusChanged { program: p, .. } if p == *program)
            })
            .map(|e| e.id),
        InvariantModel::EmailOnlyWhen { when, .. } => {
            let first = v.witness.first().copied().unwrap_or(last);
            trace[..at]
                .iter()
                .rev()
                .filter(mine)
                .take_while(|e| e.id >= first)
                .find(|e| e.actor != ev.actor && writes_filter(&e.kind, when))
                .map(|e| e.id)
        }
        InvariantModel::NoStaleDecision => match ev.kind {
            EventKind::ConsumerDecided { primary_version, .. } => trace[..at]
                .iter()
                .rev()
                .filter(mine)
                .find(|e| {
                    matches!(e.kind, EventKind::ChangePublished { version, .. } if version == primary_version)
                })
                .map(|e| e.id),
            _ => None,
        },
        _ => None,
    };
    let other = other.or_else(previous)?;
    (other != last).then_some((other.min(last), other.max(last)))
}

/// Whether an event writes something one of `filters` reads.
fn writes_filter(kind: &EventKind, filters: &[FilterModel]) -> bool {
    filters.iter().any(|f| match (f, kind) {
        (FilterModel::Field(x, _), EventKind::FieldChanged { field, .. }) => x == field,
        (FilterModel::MemberOfList(x, _), EventKind::AddedToList { list, .. })
        | (FilterModel::MemberOfList(x, _), EventKind::RemovedFromList { list }) => x == list,
        (FilterModel::ProgramStatus(x, ..), EventKind::StatusChanged { program, .. }) => {
            x == program
        }
        _ => false,
    })
}
