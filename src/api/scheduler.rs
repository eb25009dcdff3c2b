//! "You are the scheduler": the decisions where several things are ready at the same moment,
//! described in words, so a person can pick which runs next. A hand-picked schedule is a
//! [`ReplayThenSeed`] schedule (the answer at every chooser call, delays included), so it
//! replays exactly and travels in a share link.

use super::words;
use crate::engine::chooser::{Choice, Chooser, ReplayThenSeed};
use crate::engine::model::Model;
use crate::engine::sim::state::{Agendum, Pending, RunRef};
use crate::engine::{compile, RunConfig, Scenario, Sim};

/// One decision of a run: which ready item goes first, or which of a delay's representative
/// values it takes, or whether a failure happens.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Its position in the schedule (the chooser call it answers; forking here keeps
    /// `schedule[..call]`).
    pub call: usize,
    pub time_ms: u64,
    /// What the person chooses between, in words.
    pub options: Vec<String>,
    /// The schedule value of each option.
    pub answers: Vec<u32>,
    /// The option the schedule took (past decisions), if it is one of `options`.
    pub chosen: Option<usize>,
}

/// The decisions taken along a schedule and the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerView {
    pub past: Vec<Decision>,
    /// The first decision after the schedule; `None` when the run ends without one. Pick
    /// option `i` with the schedule `prefix` + `[answers[i]]`.
    pub next: Option<Decision>,
    /// The schedule up to the next decision (the seed's answers to anything in between).
    pub prefix: Vec<u32>,
}

/// Replays a schedule, then answers from the seed; notes every call.
struct Noting {
    inner: ReplayThenSeed,
    log: Vec<(Choice, u64)>,
}

impl Chooser for Noting {
    fn choose(&mut self, choice: &Choice) -> u64 {
        let a = self.inner.choose(choice);
        self.log.push((*choice, a));
        a
    }
}

/// The decisions of the run `scenario`/`config`/`seed` along `schedule`.
pub fn scheduler_view(
    scenario: &Scenario,
    config: &RunConfig,
    seed: u64,
    schedule: &[u32],
) -> Result<SchedulerView, String> {
    let model = compile(scenario, config)?;
    model_scheduler_view(&model, seed, schedule)
}

/// [`scheduler_view`] of a compiled model.
pub fn model_scheduler_view(
    model: &Model,
    seed: u64,
    schedule: &[u32],
) -> Result<SchedulerView, String> {
    let answers = schedule.iter().map(|&a| a as u64).collect();
    let mut ch = Noting {
        inner: ReplayThenSeed::new(answers, seed),
        log: Vec::new(),
    };
    let mut sim = Sim::new(model);
    let mut past = Vec::new();
    let start = sim.clone();
    sim.begin(&mut ch);
    let step = Step {
        before: &start,
        from: 0,
        seed,
        context: String::new(),
        ready: Vec::new(),
    };
    if let Some(next) = step.note(&ch.log, schedule, 0, &mut past) {
        return Ok(view(past, next, &ch.log));
    }
    loop {
        let ready = sim.state.agenda.ready_now();
        let Some(first) = ready.first() else {
            return Ok(SchedulerView {
                past,
                next: None,
                prefix: schedule.to_vec(),
            });
        };
        let time = first.time;
        let labels: Vec<String> = ready.iter().map(|a| describe(&sim, a)).collect();
        let before = sim.clone();
        let from = ch.log.len();
        if !sim.step(&mut ch).map_err(|e| e.to_string())? {
            return Ok(SchedulerView {
                past,
                next: None,
                prefix: schedule.to_vec(),
            });
        }
        // The item this step processed: the only one ready, or the tie's answer.
        let done = if labels.len() >= 2 {
            ch.log.get(from).map_or(0, |(_, a)| *a as usize)
        } else {
            0
        };
        let step = Step {
            before: &before,
            from,
            seed,
            context: labels.get(done).cloned().unwrap_or_default(),
            ready: labels,
        };
        if let Some(next) = step.note(&ch.log, schedule, time, &mut past) {
            return Ok(view(past, next, &ch.log));
        }
    }
}

fn view(past: Vec<Decision>, next: Decision, log: &[(Choice, u64)]) -> SchedulerView {
    let prefix = log[..next.call].iter().map(|(_, a)| *a as u32).collect();
    SchedulerView {
        past,
        next: Some(next),
        prefix,
    }
}

/// One step of the run as the scheduler sees it: the state before it, where its chooser
/// calls start in the log, what it processes and what was ready.
struct Step<'a, 'm> {
    before: &'a Sim<'m>,
    from: usize,
    seed: u64,
    /// The item processed, in words (empty for the start of the run).
    context: String,
    /// The ready items in words (the options of a tie).
    ready: Vec<String>,
}

impl Step<'_, '_> {
    /// Records the decisions among the step's calls in `log`; returns the first one past
    /// the schedule.
    fn note(
        &self,
        log: &[(Choice, u64)],
        schedule: &[u32],
        time_ms: u64,
        past: &mut Vec<Decision>,
    ) -> Option<Decision> {
        for (call, (choice, answer)) in log.iter().enumerate().skip(self.from) {
            let values = choice.finite_answers();
            if values.len() < 2 {
                continue;
            }
            let what = &self.context;
            let options = match choice {
                Choice::Ready { .. } => self.ready.clone(),
                Choice::Fail { .. } => {
                    vec![format!("{what}: it works"), format!("{what}: it fails")]
                }
                Choice::Pick { .. } => values
                    .iter()
                    .map(|v| format!("{what}: listed value {}", v + 1))
                    .collect(),
                _ => self.delay_options(log, call, &values),
            };
            let answers: Vec<u32> = values
                .iter()
                .map(|&v| v.min(u32::MAX as u64) as u32)
                .collect();
            let mut d = Decision {
                call,
                time_ms,
                options,
                chosen: answers.iter().position(|&a| a as u64 == *answer),
                answers,
            };
            if call >= schedule.len() {
                d.chosen = None;
                return Some(d);
            }
            past.push(d);
        }
        None
    }

    /// A delay's options as orderings of named steps: what the delayed item comes before
    /// or after ("First Drain Queue (trigger) — …, then Drain Queue (hourly) — …"), with the
    /// delay itself added only where two options would read alike.
    fn delay_options(&self, log: &[(Choice, u64)], call: usize, values: &[u64]) -> Vec<String> {
        let durations = || -> Vec<String> {
            let what = &self.context;
            values
                .iter()
                .map(|v| match words::duration(*v) {
                    d if what.is_empty() => {
                        format!("The outside event happens {d} after the start")
                    }
                    d => format!("{what}: it takes {d}"),
                })
                .collect()
        };
        let Some(mut labels) = self.orderings(log, call, values) else {
            return durations();
        };
        let distinct: std::collections::BTreeSet<&String> = labels.iter().collect();
        if distinct.len() < labels.len() {
            for (l, v) in labels.iter_mut().zip(values) {
                let d = words::duration(*v);
                l.push_str(&if self.context.is_empty() {
                    format!(" ({d} after the start)")
                } else {
                    format!(" (after {d})")
                });
            }
        }
        labels
    }

    /// The ordering each delay value gives, or `None` when no item's time depends on it.
    fn orderings(&self, log: &[(Choice, u64)], call: usize, values: &[u64]) -> Option<Vec<String>> {
        let children: Vec<Sim> = values
            .iter()
            .map(|&v| {
                let mut replay: Vec<u64> = log[self.from..call].iter().map(|x| x.1).collect();
                replay.push(v);
                let mut ch = ReplayThenSeed::new(replay, self.seed);
                let mut sim = self.before.clone();
                if self.context.is_empty() {
                    sim.begin(&mut ch);
                } else {
                    // An error shows in the run itself; here it only costs the ordering.
                    let _ = sim.step(&mut ch);
                }
                sim
            })
            .collect();
        let times = |sim: &Sim| -> Vec<(u64, u64)> {
            let mut t: Vec<(u64, u64)> = sim.state.agenda.iter().map(|a| (a.seq, a.time)).collect();
            t.sort_unstable();
            t
        };
        let (first, last) = (times(&children[0]), times(children.last()?));
        // The delayed item: the first whose time differs between the ends of the range.
        let moved = first
            .iter()
            .find(|(seq, t)| last.iter().any(|(s, u)| s == seq && u != t))?
            .0;
        children
            .iter()
            .map(|sim| {
                let items: Vec<&Agendum> = sim.state.agenda.iter().collect();
                let m = items.iter().find(|a| a.seq == moved)?;
                let mut others: Vec<&&Agendum> = items.iter().filter(|a| a.seq != moved).collect();
                others.sort_by_key(|a| (a.time, a.seq));
                let me = describe(sim, m);
                let same = others.iter().find(|a| a.time == m.time);
                let after = others.iter().find(|a| a.time > m.time);
                let before = others.iter().rev().find(|a| a.time < m.time);
                Some(match (same, after, before) {
                    (Some(o), _, _) => {
                        format!("{me}, at the same moment as {}", describe(sim, o))
                    }
                    (None, Some(o), _) => format!("First {me}, then {}", describe(sim, o)),
                    (None, None, Some(o)) => format!("First {}, then {me}", describe(sim, o)),
                    (None, None, None) => me,
                })
            })
            .collect()
    }
}

/// One ready item in words, campaign (or system) first, then the step and the person:
/// `Drain Queue (hourly) — Send Email: Task Email, person 2`.
pub(crate) fn describe(sim: &Sim, a: &Agendum) -> String {
    let m = sim.model;
    let run = |r: &RunRef, what: &dyn Fn(&str) -> String| match sim.state.runs.get(*r) {
        Some(run) => {
            let c = &m.campaigns[run.campaign as usize];
            let step = c.flow.get(run.pc as usize).map_or_else(
                || "the end of the flow".to_string(),
                |s| words::action(m, &sim.syms, &s.action),
            );
            format!(
                "{} — {}, {}",
                c.name,
                what(&step),
                words::person(run.person)
            )
        }
        None => "a finished campaign run".to_string(),
    };
    let webhook = |w: u16| m.webhooks[w as usize].name.as_str();
    match &a.what {
        Pending::Scripted { index, person } => {
            let label = &m.script[*index as usize].label;
            match person {
                Some(p) => format!("Outside — {label}, {}", words::person(*p)),
                None => format!("Outside — {label}"),
            }
        }
        Pending::BatchRun { campaign, .. } => format!(
            "{} — the batch run starts and takes its list of people",
            words::campaign(m, *campaign)
        ),
        Pending::Enqueue(r) => run(r, &|s| format!("starts its flow ({s})")),
        Pending::StepDone(r, _) => run(r, &|s| s.to_string()),
        Pending::WaitOver(r) => run(r, &|s| format!("the wait ends (next: {s})")),
        Pending::WebhookServe(call) => format!(
            "Webhook {} — the service acts, {}",
            webhook(call.webhook),
            words::person(call.person)
        ),
        Pending::WebhookWriteBack(call) => format!(
            "Webhook {} — the vendor writes its late answer through the REST API, {}",
            webhook(call.webhook),
            words::person(call.person)
        ),
        Pending::WebhookReturn(r, _) => run(r, &|s| format!("the webhook answers ({s})")),
        Pending::WebhookTimeout(r, _) => {
            run(r, &|s| format!("gives up waiting for the webhook ({s})"))
        }
        Pending::CrmReceive { person, .. } => {
            format!("CRM — receives the record, {}", words::person(*person))
        }
        Pending::CrmAssign { person, .. } => {
            format!("CRM — assigns an owner, {}", words::person(*person))
        }
        Pending::CrmCycle => "CRM — the sync cycle runs".to_string(),
        Pending::CrmAutomation { person, automation } => format!(
            "CRM — automation \"{}\" runs, {}",
            m.crm
                .as_ref()
                .map_or("?", |c| c.automations[*automation as usize].name.as_str()),
            words::person(*person)
        ),
        Pending::Insert { person, .. } => format!(
            "Outside — a new person is inserted for the email address of {}",
            words::person(*person)
        ),
        Pending::ApiSync { person, .. } => format!(
            "Outside — the API client tries {} again",
            words::person(*person)
        ),
        Pending::Job { job, .. } => format!(
            "Job {} — its next step",
            m.integrations.jobs[*job as usize].name
        ),
        Pending::Response(_) => "Response feed — its next step".to_string(),
        Pending::Change(_) => "Change feed — its next step".to_string(),
    }
}
