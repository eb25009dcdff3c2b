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
    sim.begin(&mut ch);
    if let Some(next) = note(&ch.log, 0, schedule, 0, &mut past, |_| {
        "Start: when a scripted event happens".into()
    }) {
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
        let context = labels.get(done).cloned().unwrap_or_default();
        let label = |c: &Choice| match c {
            Choice::Ready { .. } => String::new(),
            _ => context.clone(),
        };
        let found = note(&ch.log, from, schedule, time, &mut past, label);
        if let Some(mut next) = found {
            if matches!(ch.log[next.call].0, Choice::Ready { .. }) {
                next.options = labels;
            }
            return Ok(view(past, next, &ch.log));
        }
        for d in past.iter_mut().filter(|d| d.options.is_empty()) {
            d.options = labels.clone();
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

/// Records the decisions among calls `from..` of `log`; returns the first one past the
/// schedule. A tie's options are filled in by the caller (they are the ready items).
fn note(
    log: &[(Choice, u64)],
    from: usize,
    schedule: &[u32],
    time_ms: u64,
    past: &mut Vec<Decision>,
    context: impl Fn(&Choice) -> String,
) -> Option<Decision> {
    for (call, (choice, answer)) in log.iter().enumerate().skip(from) {
        let values = choice.finite_answers();
        if values.len() < 2 {
            continue;
        }
        let what = context(choice);
        let options = match choice {
            Choice::Ready { .. } => Vec::new(),
            Choice::Fail { .. } => vec![format!("{what}: no failure"), format!("{what}: it fails")],
            Choice::Pick { .. } => values
                .iter()
                .map(|v| format!("{what}: listed value {}", v + 1))
                .collect(),
            _ => values
                .iter()
                .map(|v| format!("{what}: a delay of {}", words::duration(*v)))
                .collect(),
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

/// One ready item in words: `Drain Queue (hourly): person 2, step 2 (Send Email: Task Email)`.
fn describe(sim: &Sim, a: &Agendum) -> String {
    let m = sim.model;
    let run = |r: &RunRef, what: &str| match sim.state.runs.get(*r) {
        Some(run) => {
            let c = &m.campaigns[run.campaign as usize];
            let step = c.flow.get(run.pc as usize).map_or_else(
                || "the end".to_string(),
                |s| words::action(m, &sim.syms, &s.action),
            );
            format!(
                "{}: {} {what} step {} ({step})",
                c.name,
                words::person(run.person),
                run.pc + 1
            )
        }
        None => format!("a finished run {what}"),
    };
    match &a.what {
        Pending::Scripted { index, person } => {
            let label = &m.script[*index as usize].label;
            match person {
                Some(p) => format!("Outside: {label} ({})", words::person(*p)),
                None => format!("Outside: {label}"),
            }
        }
        Pending::BatchRun { campaign, .. } => {
            format!("{}: the batch run starts", words::campaign(m, *campaign))
        }
        Pending::Enqueue(r) => run(r, "queues"),
        Pending::StepDone(r, _) => run(r, "finishes"),
        Pending::WaitOver(r) => run(r, "ends the wait before"),
        Pending::WebhookServe(call) => format!(
            "Webhook {}: the service acts for {}",
            m.webhooks[call.webhook as usize].name,
            words::person(call.person)
        ),
        Pending::WebhookWriteBack(call) => format!(
            "Webhook {}: the vendor writes its late answer for {} through the REST API",
            m.webhooks[call.webhook as usize].name,
            words::person(call.person)
        ),
        Pending::WebhookReturn(r, _) => run(r, "gets the webhook's answer at"),
        Pending::WebhookTimeout(r, _) => run(r, "gives up waiting at"),
        Pending::CrmReceive { person, .. } => {
            format!("CRM: receives {}", words::person(*person))
        }
        Pending::CrmAssign { person, .. } => {
            format!("CRM: assigns an owner to {}", words::person(*person))
        }
        Pending::CrmCycle => "CRM: the sync cycle runs".to_string(),
        Pending::CrmAutomation { person, automation } => format!(
            "CRM: automation \"{}\" runs for {}",
            m.crm
                .as_ref()
                .map_or("?", |c| c.automations[*automation as usize].name.as_str()),
            words::person(*person)
        ),
        Pending::Insert { person, .. } => format!(
            "Outside: a new person is inserted for the email of {}",
            words::person(*person)
        ),
        Pending::ApiSync { person, .. } => format!(
            "Outside: the API client tries {} again",
            words::person(*person)
        ),
        Pending::Job { job, .. } => format!(
            "Job {}: its next step",
            m.integrations.jobs[*job as usize].name
        ),
        Pending::Response(_) => "Response feed: its next step".to_string(),
        Pending::Change(_) => "Change feed: its next step".to_string(),
    }
}
