//! One run as the browser app's timeline shows it: every trace row, the swimlanes, the
//! violations, an outcome line that names people, and the decisions the run made (so a
//! schedule can be replayed or forked by hand).

use super::words;
use super::TraceRow;
use crate::engine::chooser::{Choice, Recorder, ReplayThenSeed};
use crate::engine::describe::{actor_name, describe};
use crate::engine::model::*;
use crate::engine::trace::{Actor, EventKind, TraceEvent};
use crate::engine::value::{Sym, Symbols};
use crate::engine::{compile, Model, RunConfig, Scenario, Sim};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a swimlane stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LaneKind {
    /// The outside world: form fills, API calls, imports, sales reps, injected events.
    Outside,
    /// A smart campaign.
    Campaign,
    /// A system around the campaigns: CRM, webhook, job, feed, consumer.
    System,
}

/// One swimlane of the timeline; `name` is exactly the `lane` of its trace rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneInfo {
    pub name: String,
    pub kind: LaneKind,
}

/// Every swimlane a run of `model` can put an event in, in a stable order: the outside
/// world (when anything is scripted or injected, an admin resets a job's epoch or a second
/// writer inserts responses), the campaigns that can run (in scenario
/// order), then the systems (CRM, webhooks, jobs, response feed, change feed, consumers).
pub fn lanes(model: &Model) -> Vec<LaneInfo> {
    let mut actors = Vec::new();
    let integ = &model.integrations;
    let outside_writes = integ.jobs.iter().any(|j| j.epoch_reset.is_some())
        || integ
            .responses
            .as_ref()
            .is_some_and(|f| f.second_writer.is_some());
    if !model.script.is_empty() || outside_writes {
        actors.push((Actor::Outside, LaneKind::Outside));
    }
    for c in runnable_campaigns(model) {
        actors.push((Actor::Campaign(c), LaneKind::Campaign));
    }
    if model.crm.is_some() {
        actors.push((Actor::Crm, LaneKind::System));
    }
    for w in used_webhooks(model) {
        actors.push((Actor::Webhook(w), LaneKind::System));
    }
    for j in 0..model.integrations.jobs.len() {
        actors.push((Actor::Job(j as u16), LaneKind::System));
    }
    if model.integrations.responses.is_some() {
        actors.push((Actor::Integration, LaneKind::System));
        actors.push((Actor::CrmCampaign, LaneKind::System));
    }
    if let Some(feed) = &model.integrations.changes {
        actors.push((Actor::ChangeFeed, LaneKind::System));
        for i in 0..feed.consumers {
            actors.push((Actor::Consumer(i as u16), LaneKind::System));
        }
    }
    let mut out: Vec<LaneInfo> = Vec::with_capacity(actors.len());
    for (actor, kind) in actors {
        let name = actor_name(model, actor);
        if !out.iter().any(|l| l.name == name) {
            out.push(LaneInfo { name, kind });
        }
    }
    out
}

/// Every action of a flow step, choices included.
fn actions<'a>(a: &'a ActionModel, out: &mut Vec<&'a ActionModel>) {
    if let ActionModel::Choice { branches, default } = a {
        branches.iter().for_each(|(_, _, b)| actions(b, out));
        actions(default, out);
    } else {
        out.push(a);
    }
}

/// The campaigns whose steps can run: the active ones, and those some flow runs by Execute
/// Campaign (their steps run in their own lane even when the campaign is not active).
pub(super) fn runnable_campaigns(model: &Model) -> Vec<CampaignId> {
    let mut all = Vec::new();
    for c in &model.campaigns {
        c.flow.iter().for_each(|s| actions(&s.action, &mut all));
    }
    (0..model.campaigns.len() as CampaignId)
        .filter(|&c| {
            model.campaigns[c as usize].active
                || all
                    .iter()
                    .any(|a| matches!(a, ActionModel::ExecuteCampaign(t) if *t == c))
        })
        .collect()
}

/// The webhooks some runnable campaign calls, in scenario order.
pub(super) fn used_webhooks(model: &Model) -> Vec<WebhookId> {
    let mut all = Vec::new();
    for c in runnable_campaigns(model) {
        for s in &model.campaigns[c as usize].flow {
            actions(&s.action, &mut all);
        }
    }
    (0..model.webhooks.len() as WebhookId)
        .filter(|&w| {
            all.iter()
                .any(|a| matches!(a, ActionModel::CallWebhook(x) if *x == w))
        })
        .collect()
}

/// A broken invariant, as the timeline marks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationView {
    /// The invariant's stable id (`alert-has-recipient`).
    pub invariant: String,
    /// What breaking it means, in plain words ("Alert sent to no one").
    pub title: String,
    pub message: String,
    pub time_ms: u64,
    /// 1-based person number.
    pub person: Option<u32>,
    /// Trace event ids that show the violation, the violating event last.
    pub witness: Vec<u32>,
    /// When the first witness happened (the window that shows the violation starts there).
    pub first_witness_ms: u64,
    /// The two steps that clash (trace event ids, earlier first), as the story marks them;
    /// known only for the violation a lesson teaches (see [`lesson_view`]: finding them may
    /// scan the trace, so a run does not look for them until a lesson asks).
    pub conflict: Option<(u32, u32)>,
}

/// A trace row's part in the run's violations, as the timeline marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub enum RowPart {
    /// In no violation.
    #[default]
    None,
    /// A witness of a violation, but not the violating event.
    Witness,
    /// The last witness of a violation: the event that broke the invariant.
    Violating,
}

/// Everything the timeline needs about one run. It crosses from a worker to the page as
/// bytes ([`crate::work::wire`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub rows: Vec<TraceRow>,
    /// Each row's part in the violations, by row index (violating over witness: a row may
    /// take part in several violations).
    pub parts: Vec<RowPart>,
    pub violations: Vec<ViolationView>,
    /// One line naming what went wrong and for whom ("2 alerts to person 3"), or that
    /// everything held ("1 \"New fast-track lead\" alert each").
    pub outcome: String,
    /// 16 hex digits; equal hashes mean identical runs.
    pub trace_hash: String,
    pub end_time_ms: u64,
    /// People in the scenario (1-based numbers run 1..=people).
    pub people: u32,
    pub lanes: Vec<LaneInfo>,
    /// Every decision of the run, in order, with the answer it got: the first ones follow
    /// the schedule given, the rest the seed. Feeding the answers back as a schedule
    /// replays the run; changing one forks it there.
    pub decisions: Vec<(Choice, u64)>,
    /// Scheduled answers that did not fit their decision and were clamped to the nearest
    /// answer it takes.
    pub clamped: usize,
    /// What happened to each lead (the run view's outcomes table).
    #[serde(with = "crate::work::wire::outcomes_as_json")]
    pub outcomes: std::rc::Rc<super::Outcomes>,
    /// The invariants the run checks (the timeline's invariant lanes), in scenario order.
    pub invariants: Vec<super::lanes::InvariantInfo>,
    /// Each row's step name, in Marketo's words (the timeline's labels).
    pub step_names: super::lanes::StepNames,
}

/// Runs `scenario` with `config`, following `schedule` at the first decisions and `seed`
/// after that (an empty schedule is exactly the seeded run of [`super::run`]).
pub fn run_view(
    scenario: &Scenario,
    config: &RunConfig,
    seed: u64,
    schedule: &[u32],
) -> Result<RunView, String> {
    let model = compile(scenario, config)?;
    run_model_view(&model, seed, schedule, None)
}

/// [`run_view`] for a lesson on violation `violation` (0-based): the same run, with that
/// violation's two conflicting steps found ([`ViolationView::conflict`]).
pub fn lesson_view(
    scenario: &Scenario,
    config: &RunConfig,
    seed: u64,
    schedule: &[u32],
    violation: usize,
) -> Result<RunView, String> {
    let model = compile(scenario, config)?;
    run_model_view(&model, seed, schedule, Some(violation))
}

/// [`run_view`] of an already compiled model; with `lesson`, [`lesson_view`]'s.
pub fn run_model_view(
    model: &Model,
    seed: u64,
    schedule: &[u32],
    lesson: Option<usize>,
) -> Result<RunView, String> {
    let answers = schedule.iter().map(|&a| a as u64).collect();
    let mut chooser = Recorder::new(ReplayThenSeed::new(answers, seed));
    let mut sim = Sim::new(model);
    let out = sim.run(&mut chooser).map_err(|e| e.to_string())?;
    let rows = rows(model, &sim);
    let step_names = super::lanes::step_names(model, &sim.trace, &rows);
    let time_of = |id: u32| row_index(&rows, id).map(|i| rows[i].time_ms);
    let violations: Vec<ViolationView> = out
        .violations
        .iter()
        .enumerate()
        .map(|(i, v)| ViolationView {
            conflict: (lesson == Some(i))
                .then(|| super::story::conflict_pair(model, &sim.trace, v))
                .flatten(),
            invariant: v.invariant.clone(),
            title: super::words::invariant_title_of(model, &v.invariant).to_string(),
            message: v.message.clone(),
            time_ms: v.time_ms,
            person: v.person,
            witness: v.witness.clone(),
            first_witness_ms: v
                .witness
                .iter()
                .filter_map(|&w| time_of(w))
                .min()
                .unwrap_or(v.time_ms)
                .min(v.time_ms),
        })
        .collect();
    Ok(RunView {
        parts: parts(&rows, &violations),
        rows,
        violations,
        outcome: outcome(model, &sim),
        outcomes: std::rc::Rc::new(super::outcomes(&sim)),
        trace_hash: out.trace_hash_hex(),
        end_time_ms: out.end_time,
        people: model.people.len() as u32,
        lanes: lanes(model),
        clamped: chooser.inner.clamped,
        decisions: chooser.log,
        invariants: super::lanes::invariants(model),
        step_names,
    })
}

impl RunView {
    /// The row of trace event `id`.
    pub fn row(&self, id: u32) -> Option<&TraceRow> {
        row_index(&self.rows, id).map(|i| &self.rows[i])
    }
}

/// The index of event `id`'s row (an event's id is normally its row's index).
fn row_index(rows: &[TraceRow], id: u32) -> Option<usize> {
    Some(id as usize)
        .filter(|&i| rows.get(i).is_some_and(|r| r.id == id))
        .or_else(|| rows.iter().position(|r| r.id == id))
}

/// Each row's part in `violations`: the last witness of a violation is violating, its other
/// witnesses are witnesses; violating wins over witness.
fn parts(rows: &[TraceRow], violations: &[ViolationView]) -> Vec<RowPart> {
    let mut part = vec![RowPart::None; rows.len()];
    for v in violations {
        if let Some((last, rest)) = v.witness.split_last() {
            let roles = rest.iter().map(|&w| (w, RowPart::Witness));
            for (id, p) in roles.chain([(*last, RowPart::Violating)]) {
                if let Some(i) = row_index(rows, id) {
                    part[i] = part[i].max(p);
                }
            }
        }
    }
    part
}

/// The trace of a run as rows.
pub(super) fn rows(model: &Model, sim: &Sim) -> Vec<TraceRow> {
    sim.trace.iter().map(|e| row(model, &sim.syms, e)).collect()
}

/// One event's row (`syms`: the run's text table).
pub(super) fn row(model: &Model, syms: &Symbols, e: &TraceEvent) -> TraceRow {
    TraceRow {
        id: e.id,
        time_ms: e.time,
        person: e.person.map(|p| p + 1),
        lane: actor_name(model, e.actor).into(),
        kind: e.kind.name(),
        details: describe(model, syms, e).into(),
        cause: e.cause,
    }
}

/// How many of one e-mail or alert each person got (indexed by person).
type PerPerson = Vec<u32>;

/// The outcome line: what the scenario's invariants care about, person by person, then the
/// number of violations.
fn outcome(model: &Model, sim: &Sim) -> String {
    let syms = &sim.syms;
    let people = sim.state.people.len();
    let mut emails: BTreeMap<Sym, PerPerson> = BTreeMap::new();
    let mut alerts: BTreeMap<Sym, PerPerson> = BTreeMap::new();
    let mut nobody: Vec<u32> = Vec::new();
    let (mut sent_emails, mut sent_alerts) = (0usize, 0usize);
    let (mut processed, mut lost) = (0u64, 0u64);
    for e in &sim.trace {
        match (&e.kind, e.person) {
            (EventKind::EmailSent { email }, Some(p)) => {
                sent_emails += 1;
                emails.entry(*email).or_insert_with(|| vec![0; people])[p as usize] += 1;
            }
            (EventKind::AlertSent { alert, recipient }, p) => {
                sent_alerts += 1;
                if let Some(p) = p {
                    alerts.entry(*alert).or_insert_with(|| vec![0; people])[p as usize] += 1;
                    if recipient.is_empty() {
                        nobody.push(p + 1);
                    }
                }
            }
            (EventKind::ResponsesProcessed { records }, _) => processed += *records as u64,
            (EventKind::ResponsesLost { records }, _) => lost += *records as u64,
            _ => {}
        }
    }
    let nobody = distinct_people(people, nobody);
    let violations = &sim.state.monitor.violations;
    let violators = |name: &str| -> Vec<u32> {
        distinct_people(
            people,
            violations
                .iter()
                .filter(|v| v.invariant == name)
                .filter_map(|v| v.person),
        )
    };
    let count = |name: &str| violations.iter().filter(|v| v.invariant == name).count();
    let mut parts: Vec<String> = Vec::new();
    if sent_emails > 0 {
        parts.push(plural(sent_emails, "email", "emails") + " sent");
    }
    if sent_alerts > 0 {
        parts.push(plural(sent_alerts, "alert", "alerts") + " sent");
    }
    for inv in &model.invariants {
        let name = inv.name();
        let part = match inv {
            InvariantModel::OneEmailPerEntry { list, email } => {
                let ps = violators(name);
                if ps.is_empty() {
                    format!(
                        "at most 1 \"{}\" per entry in \"{}\"",
                        syms.text(*email),
                        words::list(model, *list)
                    )
                } else {
                    format!(
                        "\"{}\" twice for one queue entry: {}",
                        syms.text(*email),
                        words::people(&ps)
                    )
                }
            }
            InvariantModel::NoEntryLost { email, .. } => {
                let ps = violators(name);
                if ps.is_empty() {
                    continue;
                }
                format!(
                    "a queue entry never got \"{}\": {}",
                    syms.text(*email),
                    words::people(&ps)
                )
            }
            InvariantModel::OneAlertPerPerson { alert } => {
                let got = alerts.get(alert);
                per_person(sim, got, syms.text(*alert), "alert")
            }
            InvariantModel::AlertHasRecipient => {
                if nobody.is_empty() {
                    if sent_alerts == 0 {
                        continue;
                    }
                    "every alert went to an owner".to_string()
                } else {
                    format!("{} to no one ({})", nobody.len(), words::people(&nobody))
                }
            }
            InvariantModel::CrmSyncAfter { field } => {
                let ps = violators(name);
                if ps.is_empty() {
                    format!(
                        "every record reached the CRM after {} was filled and was routed to the right queue",
                        words::field(model, *field)
                    )
                } else {
                    format!(
                        "{} before {} was filled or routed to the wrong queue ({})",
                        plural(
                            ps.len(),
                            "record reached the CRM",
                            "records reached the CRM"
                        ),
                        words::field(model, *field),
                        words::people(&ps)
                    )
                }
            }
            InvariantModel::OnePersonPerEmail { .. } => {
                let ps = violators(name);
                if ps.is_empty() {
                    "one person record per email address".to_string()
                } else {
                    format!("duplicate person records: {}", words::people(&ps))
                }
            }
            InvariantModel::MarketoValueKept { field } => {
                let ps = violators(name);
                if ps.is_empty() {
                    continue;
                }
                format!(
                    "the CRM sync overwrote {} set in Marketo for {}",
                    words::field(model, *field),
                    words::people(&ps)
                )
            }
            InvariantModel::EveryoneReachesCrm => {
                let ps = violators(name);
                if ps.is_empty() {
                    continue;
                }
                format!("never reached the CRM: {}", words::people(&ps))
            }
            InvariantModel::StageNeverRegresses { field, .. } => {
                let ps = violators(name);
                if ps.is_empty() {
                    continue;
                }
                format!(
                    "{} went backwards for {}",
                    words::field(model, *field),
                    words::people(&ps)
                )
            }
            InvariantModel::StatusNeverMoves { program, from, to } => {
                let ps = violators(name);
                if ps.is_empty() {
                    continue;
                }
                let prog = &model.programs[*program as usize];
                format!(
                    "moved from \"{}\" to \"{}\": {}",
                    prog.statuses[*from as usize].0,
                    prog.statuses[*to as usize].0,
                    words::people(&ps)
                )
            }
            InvariantModel::EmailOnlyWhen { email, .. } => {
                let ps = violators(name);
                if ps.is_empty() {
                    continue;
                }
                format!(
                    "\"{}\" sent without its conditions to {}",
                    syms.text(*email),
                    words::people(&ps)
                )
            }
            InvariantModel::CheckpointMonotonic => match count(name) {
                0 => continue,
                n => format!("checkpoint moved back {}", plural(n, "time", "times")),
            },
            InvariantModel::NoDuplicateImport => match count(name) {
                0 => "no record imported twice".to_string(),
                n => format!("records imported twice by {}", plural(n, "run", "runs")),
            },
            InvariantModel::NoResponseLost => {
                let total = model.integrations.responses.as_ref().map_or(0, |f| f.count) as u64
                    + sim.state.monitor.extra_responses;
                let open = total.saturating_sub(processed + lost);
                match (lost, open) {
                    (0, 0) => format!("all {total} responses processed"),
                    (l, 0) => format!("{l} of {total} responses lost"),
                    (l, o) => format!("{l} of {total} responses lost, {o} never processed"),
                }
            }
            InvariantModel::NoStaleDecision => {
                let ps = violators(name);
                if ps.is_empty() {
                    continue;
                }
                format!("decided on stale data for {}", words::people(&ps))
            }
            InvariantModel::NoDuplicateAction => {
                let ps = violators(name);
                if ps.is_empty() {
                    "each message acted on once".to_string()
                } else {
                    format!("action ran twice for {}", words::people(&ps))
                }
            }
        };
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    if model.invariants.is_empty() {
        for (email, got) in &emails {
            parts.push(per_person(sim, Some(got), syms.text(*email), "email"));
        }
    }
    parts.push(match violations.len() {
        0 => "no violations".to_string(),
        1 => "1 violation".to_string(),
        n => format!("{n} violations"),
    });
    parts.join("; ")
}

/// The 1-based person numbers in `numbers`, each once, in order.
fn distinct_people(people: usize, numbers: impl IntoIterator<Item = u32>) -> Vec<u32> {
    let mut seen = vec![false; people + 1];
    for n in numbers {
        seen[n as usize] = true;
    }
    (1..=people as u32).filter(|&n| seen[n as usize]).collect()
}

/// `1 "X" alert each`, or who got it twice and who never got it.
fn per_person(sim: &Sim, got: Option<&PerPerson>, name: &str, what: &str) -> String {
    let mut doubled: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut missing: Vec<u32> = Vec::new();
    for (p, person) in sim.state.people.iter().enumerate() {
        let n = got.and_then(|g| g.get(p)).copied().unwrap_or(0);
        match n {
            0 if person.exists => missing.push(p as u32 + 1),
            0 | 1 => {}
            n => doubled.entry(n).or_default().push(p as u32 + 1),
        }
    }
    let mut out: Vec<String> = doubled
        .iter()
        .rev()
        .map(|(n, ps)| format!("{n} \"{name}\" {what}s to {}", words::people(ps)))
        .collect();
    if !missing.is_empty() {
        out.push(format!(
            "no \"{name}\" {what} for {}",
            words::people(&missing)
        ));
    }
    if out.is_empty() {
        format!("1 \"{name}\" {what} each")
    } else {
        out.join(", ")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
