//! The scheduler's words for what is on the agenda: each ready item named by its campaign
//! (or system), its step and its person (`Drain Queue (hourly) — Send Email: Task Email,
//! person 2`), what a yes/no choice about it decides, and where an item came from when two
//! ready items would otherwise read the same.

use super::super::words::{self, clock};
use crate::engine::describe::{actor_name, describe as describe_event};
use crate::engine::model::{ActionModel, PersonId, Via};
use crate::engine::sim::changes::ChangeStep;
use crate::engine::sim::job::JobStep;
use crate::engine::sim::responses::{ResponseStep, OTHER_WRITER_BATCH};
use crate::engine::sim::state::{Agendum, Pending, RunRef};
use crate::engine::trace::{Actor, RestOp};
use crate::engine::Sim;

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
        Pending::Insert { person, via } => format!(
            "Outside — {} creates a new person for the email address of {}",
            match via {
                Via::Form(f) => format!("the form fill of {}", sim.syms.text(*f)),
                Via::Api(c) => m.creation.as_ref().map_or("an API call".to_string(), |pc| {
                    format!("the API client {}", pc.clients[*c as usize].name)
                }),
            },
            words::person(*person)
        ),
        Pending::ApiSync { person, .. } => format!(
            "Outside — the API client tries {} again",
            words::person(*person)
        ),
        Pending::Job { job, step } => {
            format!("{} — {}", actor_name(m, Actor::Job(*job)), job_step(*step))
        }
        Pending::Response(step) => response_step(sim, *step),
        Pending::Change(step) => change_step(sim, step),
    }
}

fn rest_call(op: RestOp) -> &'static str {
    match op {
        RestOp::ReadMark => "GET checkpoint",
        RestOp::Claim => "POST claim (createOnly)",
        RestOp::WriteMark => "POST checkpoint (createOrUpdate)",
        RestOp::CasMark => "compare-and-set checkpoint",
    }
}

fn job_step(step: JobStep) -> String {
    match step {
        JobStep::Fire => "the scheduler starts a run".to_string(),
        JobStep::Call { run, op, attempt } => format!(
            "run {} sends {}{}",
            run + 1,
            rest_call(op),
            match attempt {
                0 => String::new(),
                n => format!(" (retry {n})"),
            }
        ),
        JobStep::Answer { run, op, .. } => {
            format!("the REST API answers run {}'s {}", run + 1, rest_call(op))
        }
        JobStep::ImportDone { run } => format!("run {} finishes importing its records", run + 1),
        JobStep::EpochReset => "an admin resets the checkpoint (a new epoch)".to_string(),
    }
}

fn response_step(sim: &Sim, step: ResponseStep) -> String {
    let m = sim.model;
    let feed = m.integrations.responses.as_ref();
    let campaign = feed.map_or("the campaign", |f| f.campaign.as_str());
    let integration = actor_name(m, Actor::Integration);
    let crm = actor_name(m, Actor::CrmCampaign);
    let batch_name = |b: u32| match b.checked_sub(OTHER_WRITER_BATCH) {
        Some(k) => format!(
            "{}'s insert {}",
            feed.and_then(|f| f.second_writer.as_ref())
                .map_or("another writer", |w| w.0.as_str()),
            k + 1
        ),
        None => format!("batch {}", b + 1),
    };
    let responses = |n: u32| match n {
        1 => "1 response".to_string(),
        n => format!("{n} responses"),
    };
    match step {
        ResponseStep::Insert { batch, .. } if batch >= OTHER_WRITER_BATCH => format!(
            "{} — inserts 1 response into {campaign} ({})",
            feed.and_then(|f| f.second_writer.as_ref())
                .map_or("Another writer", |w| w.0.as_str()),
            batch_name(batch)
        ),
        ResponseStep::Insert {
            batch,
            records,
            attempt,
        } => format!(
            "{integration} — inserts {} into {campaign} (batch {}{})",
            responses(records),
            batch + 1,
            match attempt {
                0 => String::new(),
                n => format!(", retry {n}"),
            }
        ),
        ResponseStep::SyncDone { batch, .. } => {
            format!("{crm} — finishes processing {}", batch_name(batch))
        }
        ResponseStep::LockFailed { batch, .. } => format!(
            "{crm} — {}'s wait for the campaign lock runs out",
            batch_name(batch)
        ),
        ResponseStep::MergeDue => format!("{crm} — the delayed responses fall due, merged"),
        ResponseStep::AsyncRetry => format!("{crm} — the async job tries the campaign lock again"),
        ResponseStep::AsyncDone { records } => {
            format!("{crm} — the async job finishes {}", responses(records))
        }
    }
}

fn change_step(sim: &Sim, step: &ChangeStep) -> String {
    let m = sim.model;
    let feed = actor_name(m, Actor::ChangeFeed);
    match step {
        ChangeStep::Applied { person, version } => format!(
            "{feed} — the read replica catches up to version {version}, {}",
            words::person(*person)
        ),
        ChangeStep::Poll => format!("{feed} — hidden messages can be delivered again"),
        ChangeStep::Process {
            worker,
            message,
            msg,
        } => format!(
            "{} — handles message {} ({} change, version {}), {}",
            actor_name(m, Actor::Consumer(*worker)),
            message.0 + 1,
            words::field(m, msg.field),
            msg.version,
            words::person(msg.person)
        ),
    }
}

/// The person an item is about, if any.
pub(super) fn person(sim: &Sim, a: &Agendum) -> Option<PersonId> {
    let run = |r: &RunRef| sim.state.runs.get(*r).map(|run| run.person);
    match &a.what {
        Pending::Scripted { person, .. } => *person,
        Pending::Enqueue(r)
        | Pending::StepDone(r, _)
        | Pending::WaitOver(r)
        | Pending::WebhookReturn(r, _)
        | Pending::WebhookTimeout(r, _) => run(r),
        Pending::WebhookServe(call) | Pending::WebhookWriteBack(call) => Some(call.person),
        Pending::CrmReceive { person, .. }
        | Pending::CrmAssign { person, .. }
        | Pending::CrmAutomation { person, .. }
        | Pending::Insert { person, .. }
        | Pending::ApiSync { person, .. } => Some(*person),
        Pending::Change(ChangeStep::Applied { person, .. }) => Some(*person),
        Pending::Change(ChangeStep::Process { msg, .. }) => Some(msg.person),
        Pending::BatchRun { .. }
        | Pending::CrmCycle
        | Pending::Job { .. }
        | Pending::Response(_)
        | Pending::Change(ChangeStep::Poll) => None,
    }
}

/// Where an item came from, for telling apart two ready items that read the same:
/// `from Sync Person to SFDC in MQL Processing at 0:00:01`.
pub(super) fn origin(sim: &Sim, a: &Agendum) -> Option<String> {
    let ev = sim.trace.get(a.cause? as usize)?;
    let what = describe_event(sim.model, &sim.syms, ev);
    let name = super::super::lanes::step_name(sim.model, ev, &what);
    Some(format!(
        "from {name} in {} at {}",
        actor_name(sim.model, ev.actor),
        clock(ev.time)
    ))
}

/// The two outcomes of the `nth` yes/no choice made while `a` is processed (`None`: the
/// start of the run), in words: what works and what fails.
pub(super) fn fail_options(sim: &Sim, a: Option<&Agendum>, nth: usize) -> [String; 2] {
    let m = sim.model;
    let what = a.map_or_else(|| "The start".to_string(), |a| describe(sim, a));
    let hook = a.and_then(|a| match &a.what {
        Pending::StepDone(r, _) => {
            let run = sim.state.runs.get(*r)?;
            let step = m.campaigns[run.campaign as usize]
                .flow
                .get(run.pc as usize)?;
            match step.action {
                ActionModel::CallWebhook(w) => Some(&m.webhooks[w as usize]),
                _ => None,
            }
        }
        _ => None,
    });
    let [ok, bad] = match (a.map(|a| &a.what), hook) {
        (_, Some(h)) if h.failure_ppm > 0 && nth == 0 => [
            "the webhook call goes through",
            "the webhook call fails (the service never acts)",
        ],
        (_, Some(_)) => [
            "the webhook's answer arrives",
            "the webhook's answer is lost on the way back (the service still acted)",
        ],
        (Some(Pending::Job { .. }), _) => [
            "the run starts on a warm instance (it uses its cached mark)",
            "the run starts cold (no cached mark)",
        ],
        (Some(Pending::Change(_)), _) => [
            "the ack reaches the queue",
            "the ack is lost: the message is delivered again later",
        ],
        _ => ["it works", "it fails"],
    };
    [format!("{what}: {ok}"), format!("{what}: {bad}")]
}

/// The ready items in words, as options of one choice: two that would read the same say
/// where each came from, and failing that are numbered.
pub(super) fn labels(sim: &Sim, ready: &[&Agendum]) -> Vec<String> {
    let mut out: Vec<String> = ready.iter().map(|a| describe(sim, a)).collect();
    let twins = |out: &[String], i: usize| out.iter().filter(|o| **o == out[i]).count() > 1;
    let alike: Vec<bool> = (0..out.len()).map(|i| twins(&out, i)).collect();
    for (i, a) in ready.iter().enumerate() {
        if alike[i] {
            if let Some(o) = origin(sim, a) {
                out[i] = format!("{} ({o})", out[i]);
            }
        }
    }
    let alike: Vec<bool> = (0..out.len()).map(|i| twins(&out, i)).collect();
    let mut n = std::collections::HashMap::<String, usize>::new();
    for (i, same) in alike.into_iter().enumerate() {
        if same {
            let k = n.entry(out[i].clone()).or_default();
            *k += 1;
            out[i] = format!("{} (number {k})", out[i]);
        }
    }
    out
}
