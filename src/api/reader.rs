//! The campaign reader: each smart campaign of a variant, as applied, in the words of the
//! Marketo UI (kind, qualification rule, Smart List triggers and filters, numbered Flow
//! steps with their choices), and the systems around the campaigns as short descriptions;
//! an import job, a change-feed consumer and the response feed also show their steps as
//! numbered flows (see [`super::steps`]).
//! Values come from the compiled model, so knobs show as the numbers they stand for.

use super::steps::{consumer_step, job_step, processor_step};
use super::view::{runnable_campaigns, used_webhooks};
use super::words::{self, delay, duration, percent};
use crate::engine::compile::variant_applied;
use crate::engine::model::*;
use crate::engine::scenario::KvOp;
use crate::engine::value::Symbols;
use crate::engine::{compile_campaigns, Model, RunConfig, Scenario};

/// One flow step: `2. Send Alert: New fast-track lead`; a step with choices lists them,
/// one line each, the default last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowStepView {
    pub text: String,
    pub choices: Vec<String>,
}

/// One smart campaign as the Marketo UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignView {
    pub name: String,
    /// What the campaign is for (the scenario's description of it).
    pub description: String,
    /// The program it belongs to: the one program its steps and filters use, else the
    /// scenario's title.
    pub program: String,
    /// `Trigger campaign`, `Batch campaign, runs every 1 h (first at 1 h)`, `Requested
    /// campaign`.
    pub kind: String,
    /// False when the variant switches the campaign off.
    pub active: bool,
    /// `Each person can run through the flow once` (every time, once every 1 h).
    pub qualification: String,
    /// Smart List triggers, one line each (`Fills Out Form: Fast Track`).
    pub triggers: Vec<String>,
    /// Smart List filters, one line each, in order (advanced logic numbers them from 1).
    pub filters: Vec<String>,
    /// Advanced filter logic (`1 and (2 or 3)`, or `any`); `None` when all filters apply.
    pub logic: Option<String>,
    pub flow: Vec<FlowStepView>,
}

/// A system around the campaigns; systems with a swimlane use the lane's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemView {
    pub name: String,
    /// Its settings, one line each.
    pub lines: Vec<String>,
    /// What it does, as a numbered flow (`1. GET checkpoint: ...`): an import job's run, a
    /// consumer's handling of a message, the response feed's handling of an insert. Empty
    /// for systems without steps.
    pub steps: Vec<String>,
}

/// `texts` numbered from 1, as flow steps.
fn numbered(texts: impl IntoIterator<Item = String>) -> Vec<String> {
    texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| format!("{}. {t}", i + 1))
        .collect()
}

/// What the reader shows for one variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Views {
    pub campaigns: Vec<CampaignView>,
    pub systems: Vec<SystemView>,
}

/// The campaigns and systems of `variant` at its default knobs.
pub fn campaign_views(scenario: &Scenario, variant: &str) -> Result<Views, String> {
    let config = RunConfig {
        variant: Some(variant.to_string()),
        ..RunConfig::default()
    };
    campaign_views_for(scenario, &config)
}

/// The campaigns and systems as `config` sets them up (its variant and knob values).
/// Compiled without people or script ([`compile_campaigns`]): a cost that does not grow with
/// the people, since the page draws these while a big run is computed by the worker.
pub fn campaign_views_for(scenario: &Scenario, config: &RunConfig) -> Result<Views, String> {
    views_of(scenario, config, &compile_campaigns(scenario, config)?)
}

/// The views of `model`, compiled from `scenario` with `config`.
fn views_of(scenario: &Scenario, config: &RunConfig, model: &Model) -> Result<Views, String> {
    let applied = variant_applied(scenario, config.variant.as_deref())?;
    let syms = &model.syms;
    let campaigns = model
        .campaigns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let description = applied
                .campaigns
                .get(i)
                .filter(|a| a.name == c.name)
                .map_or(String::new(), |a| a.description.clone());
            campaign_view(model, syms, c, description, &applied.title)
        })
        .collect();
    Ok(Views {
        campaigns,
        systems: system_views(model),
    })
}

fn campaign_view(
    model: &Model,
    syms: &Symbols,
    c: &CampaignModel,
    description: String,
    title: &str,
) -> CampaignView {
    let requested_only = !c.triggers.is_empty()
        && c.triggers
            .iter()
            .all(|t| matches!(t, TriggerModel::CampaignIsRequested(_)));
    let kind = match c.schedule {
        Some((at, Some(every))) => format!(
            "Batch campaign, runs every {} (first at {})",
            duration(every),
            duration(at)
        ),
        Some((at, None)) => format!("Batch campaign, runs once at {}", duration(at)),
        None if requested_only => "Requested campaign".to_string(),
        None if c.triggers.is_empty() => {
            "Campaign without triggers (runs only when executed)".to_string()
        }
        None => "Trigger campaign".to_string(),
    };
    let qualification = match c.qualification {
        Qualification::Once => "Each person can run through the flow once".to_string(),
        Qualification::EveryTime => "Each person can run through the flow every time".to_string(),
        Qualification::EveryMs(d) => format!(
            "Each person can run through the flow once every {}",
            duration(d)
        ),
    };
    let flow = c
        .flow
        .iter()
        .enumerate()
        .map(|(i, s)| FlowStepView {
            text: format!("{}. {}", i + 1, words::action(model, syms, &s.action)),
            choices: words::choices(model, syms, &s.action),
        })
        .collect();
    CampaignView {
        name: c.name.clone(),
        description,
        program: program_of(model, c).unwrap_or_else(|| title.to_string()),
        kind,
        active: c.active,
        qualification,
        triggers: c
            .triggers
            .iter()
            .map(|t| words::trigger(model, syms, t))
            .collect(),
        filters: c
            .filters
            .iter()
            .map(|f| words::filter(model, syms, f))
            .collect(),
        logic: words::logic(&c.logic),
        flow,
    }
}

/// The one program a campaign's triggers, filters and steps refer to, if exactly one.
fn program_of(model: &Model, c: &CampaignModel) -> Option<String> {
    fn from_action(a: &ActionModel, out: &mut Vec<ProgramId>) {
        match a {
            ActionModel::ChangeProgramStatus(p, _) => out.push(*p),
            ActionModel::Choice { branches, default } => {
                for (fs, _, b) in branches {
                    from_filters(fs, out);
                    from_action(b, out);
                }
                from_action(default, out);
            }
            _ => {}
        }
    }
    fn from_filters(fs: &[FilterModel], out: &mut Vec<ProgramId>) {
        for f in fs {
            if let FilterModel::ProgramStatus(p, _, _) = f {
                out.push(*p);
            }
        }
    }
    let mut found = Vec::new();
    for t in &c.triggers {
        if let TriggerModel::ProgramStatusIsChanged { program, .. } = t {
            found.push(*program);
        }
    }
    from_filters(&c.filters, &mut found);
    c.flow
        .iter()
        .for_each(|s| from_action(&s.action, &mut found));
    // The program, when every reference names the same one.
    let one = *found.first()?;
    found
        .iter()
        .all(|p| *p == one)
        .then(|| model.programs[one as usize].name.clone())
}

fn system_views(model: &Model) -> Vec<SystemView> {
    let syms = &model.syms;
    let mut out = Vec::new();
    if !runnable_campaigns(model).is_empty() {
        let q = &model.queue;
        let workers =
            |n: u32, what: &str| format!("{n} {what} worker{}", if n == 1 { "" } else { "s" });
        out.push(SystemView {
            steps: Vec::new(),
            name: "Campaign queue".to_string(),
            lines: vec![
                format!(
                    "{}, {}",
                    workers(q.workers[0], "trigger"),
                    workers(q.workers[1], "batch")
                ),
                format!("a worker takes {} per flow step", delay(&q.step_time)),
                format!(
                    "a triggered campaign's first step joins the queue after {}",
                    delay(&q.trigger_delay)
                ),
                "ready steps run by priority (alerts and trigger emails first; data changes, webhooks and long waits last), then arrival".to_string(),
                format!("Request Campaign: at most {} per person", q.request_cap),
            ],
        });
    }
    if let Some(crm) = &model.crm {
        let mut lines = vec![
            format!(
                "{} reaches the CRM after {}",
                words::SYNC_PERSON,
                delay(&crm.push_latency)
            ),
            format!(
                "assignment rules run {} after a new record arrives, on the fields it arrived with",
                delay(&crm.assignment_delay)
            ),
        ];
        for (when, owner, queue) in &crm.rules {
            let cond = words::condition(model, syms, when, &crate::engine::logic::Logic::All);
            let queue = syms.text(*queue);
            lines.push(format!(
                "If {cond} → owner {}{}",
                syms.text(*owner),
                if queue.is_empty() {
                    String::new()
                } else {
                    format!(" ({queue})")
                }
            ));
        }
        let otherwise = if crm.rules.is_empty() {
            "Every new record"
        } else {
            "Otherwise"
        };
        lines.push(match crm.default_owner {
            Some(o) => format!("{otherwise} → owner {}", syms.text(o)),
            None => format!("{otherwise} → no owner"),
        });
        lines.push(format!(
            "the owner reaches Marketo's {} field on the next background sync (every {}; the CRM wins)",
            words::field(model, crm.owner_field),
            duration(crm.sync_interval_ms)
        ));
        out.push(SystemView {
            name: "CRM".to_string(),
            lines,
            steps: Vec::new(),
        });
    }
    for p in &model.programs {
        let statuses: Vec<String> = (p.statuses.iter())
            .map(|(name, step)| format!("{name} (step {step})"))
            .collect();
        out.push(SystemView {
            name: format!("Program: {}", p.name),
            lines: vec![
                format!("statuses: {}", statuses.join(", ")),
                "a status change only moves to a higher step, or to another status of the same step; anything else is refused (\"already in or past this status\")".to_string(),
            ],
            steps: Vec::new(),
        });
    }
    for w in used_webhooks(model) {
        out.push(webhook_view(model, syms, &model.webhooks[w as usize]));
    }
    out.extend(integration_views(model));
    out
}

fn webhook_view(model: &Model, syms: &Symbols, w: &Webhook) -> SystemView {
    let mut lines = vec![format!("answers in {}", delay(&w.latency))];
    if w.failure_ppm > 0 {
        lines.push(format!("fails {} of the time", percent(w.failure_ppm)));
    }
    if w.response_loss_ppm > 0 {
        lines.push(format!(
            "the service acts but its answer is lost {} of the time",
            percent(w.response_loss_ppm)
        ));
    }
    lines.push(format!(
        "Marketo gives up waiting after {} (the service may still act)",
        duration(w.timeout_ms)
    ));
    match &w.service {
        ServiceModel::Respond(values) => {
            let parts: Vec<String> = values
                .iter()
                .map(|(attr, src)| {
                    let v = match src {
                        Source::Value(v) => words::value(syms, *v),
                        Source::Field(f) => format!("the person's {}", words::field(model, *f)),
                    };
                    format!("{} = {v}", syms.text(*attr))
                })
                .collect();
            lines.push(format!("responds {}", parts.join(", ")));
        }
        ServiceModel::KeyValue(op) => lines.push(kv_line(syms, op)),
    }
    for (attr, f) in &w.mappings {
        lines.push(format!(
            "response mapping: {} → {}",
            syms.text(*attr),
            words::field(model, *f)
        ));
    }
    SystemView {
        name: format!("Webhook: {}", w.name),
        lines,
        steps: Vec::new(),
    }
}

/// The key-value operation behind a webhook, in one line.
fn kv_line(syms: &Symbols, op: &KvOpModel) -> String {
    let v = |x| words::value(syms, x);
    match &op.op {
        KvOp::Get { key } => format!("key-value store: get `{key}`"),
        KvOp::Set { key, .. } => format!("key-value store: set `{key}` to {}", v(op.value)),
        KvOp::Cas { key, .. } => format!(
            "key-value store: compare-and-swap `{key}` from {} to {} (atomic)",
            v(op.expected),
            v(op.value)
        ),
        KvOp::Push { key, .. } => format!("key-value store: push {} onto `{key}`", v(op.value)),
        KvOp::Pop { key } => format!("key-value store: pop the top of `{key}` (at most once)"),
        KvOp::Claim { key, .. } => format!(
            "key-value store: claim `{key}` for a lease of {} (fails while another lease holds or once it is set; answers the lease's fencing token)",
            duration(op.lease_ms)
        ),
        KvOp::Commit { key, token, .. } => format!(
            "key-value store: set `{key}` to {} only if the last lease on it has the token in {token} (fenced, atomic)",
            v(op.value)
        ),
    }
}

fn integration_views(model: &Model) -> Vec<SystemView> {
    let syms = &model.syms;
    let integ = &model.integrations;
    let mut out = Vec::new();
    for job in &integ.jobs {
        let cp = &integ.checkpoints[job.checkpoint as usize];
        let object = &integ.objects[cp.object as usize].0;
        let mut lines = vec![
            match job.every {
                Some(every) => format!(
                    "the scheduler fires it every {} from {} (it does not wait for a run still going)",
                    duration(every),
                    duration(job.at)
                ),
                None => format!("the scheduler fires it once, at {}", duration(job.at)),
            },
            format!(
                "an import takes {}; an invocation starts cold {} of the time (a warm one reuses its cached mark)",
                delay(&job.run_time),
                percent(job.cold_ppm)
            ),
            format!(
                "checkpoint: {}.{} in custom object {object}; imports records with modstamps after the mark, up to the run's start",
                cp.key, cp.field
            ),
            format!(
                "a refused REST call is retried after {} (doubling up to {}), {} attempts at most",
                duration(job.backoff_ms),
                duration(job.max_backoff_ms),
                job.max_attempts
            ),
        ];
        if let Some(at) = &job.epoch_reset {
            lines.push(format!(
                "an admin resets the epoch once, after {}: the imported object is dropped and the mark goes back to the start (a run in flight goes on)",
                delay(at)
            ));
        }
        out.push(SystemView {
            name: format!("Job: {}", job.name),
            lines,
            steps: numbered(job.steps.iter().map(|s| job_step(model, job, *s))),
        });
    }
    if !integ.jobs.is_empty() {
        let l = &integ.rest.limits;
        out.push(SystemView {
            name: "REST API".to_string(),
            lines: vec![
                format!(
                    "{} calls per {} (error 606), {} at once (615), {} per day (607)",
                    l.rate_limit,
                    duration(l.rate_window_ms),
                    l.max_concurrent,
                    l.daily_quota
                ),
                format!("a call takes {}", delay(&integ.rest.latency)),
            ],
            steps: Vec::new(),
        });
    }
    if let Some(f) = &integ.responses {
        let p = &f.processor;
        let mut integration = vec![
            match &f.window {
                crate::engine::dist::Delay::Uniform { min, max } if min != max => format!(
                    "{} responses arrive, spread between {} and {}",
                    f.count,
                    duration(*min),
                    duration(*max)
                ),
                other => format!("{} responses arrive, each after {}", f.count, delay(other)),
            },
            if f.batch_records <= 1 {
                "each response is inserted on its own".to_string()
            } else {
                format!("responses are inserted {} at a time", f.batch_records)
            },
        ];
        if !f
            .steps
            .contains(&crate::engine::scenario::steps::ProcessorStep::RetryLockErrors)
        {
            integration.push("a failed insert is not retried: its responses are lost".to_string());
        }
        let mut campaign = vec![
            format!(
                "each response holds the campaign record's lock for {} of CPU",
                duration(p.cpu_per_record_ms)
            ),
            format!(
                "an insert waits at most {} for the lock, then fails with UNABLE_TO_LOCK_ROW",
                duration(f.lock_wait_timeout_ms)
            ),
            format!(
                "CPU limit: {} synchronous, {} asynchronous",
                duration(p.sync_cpu_limit_ms),
                duration(p.async_cpu_limit_ms)
            ),
            format!("scoring batch size {}", p.batch_size),
        ];
        campaign.push(
            "whatever is not made asynchronous is handled, scored and resolved at once, in the inserting transaction"
                .to_string(),
        );
        out.push(SystemView {
            name: format!("Integration: {}", f.user),
            lines: integration,
            steps: numbered(f.steps.iter().map(|s| processor_step(f, *s))),
        });
        out.push(SystemView {
            name: format!("CRM campaign: {}", f.campaign),
            lines: campaign,
            steps: Vec::new(),
        });
        if let Some((name, count, window)) = &f.second_writer {
            out.push(SystemView {
                name: format!("Second writer: {name}"),
                lines: vec![
                    format!("inserts {count} responses into {}, one at a time, each after {}", f.campaign, delay(window)),
                    "not set up for user-based async scoring: each insert is processed synchronously, holding the campaign lock".to_string(),
                    "a lock error loses the response (no retry)".to_string(),
                ],
                steps: Vec::new(),
            });
        }
    }
    if let Some(f) = &integ.changes {
        let fields: Vec<&str> = f.fields.iter().map(|x| words::field(model, *x)).collect();
        let mut lines = vec![
            format!("publishes every change of {}", fields.join(", ")),
            format!(
                "the read replica shows a write after {}",
                delay(&f.replica_lag)
            ),
            format!(
                "{} consumer{}, {} per message",
                f.consumers,
                if f.consumers == 1 { "" } else { "s" },
                delay(&f.processing_time)
            ),
            format!(
                "a message not acked within {} is delivered again",
                duration(f.visibility_timeout_ms)
            ),
        ];
        if f.redelivery_ppm > 0 {
            lines.push(format!(
                "an ack is lost {} of the time (the message comes again)",
                percent(f.redelivery_ppm)
            ));
        }
        for (l, filters, logic) in &f.lists {
            lines.push(format!(
                "list {}: members are people with {}",
                words::list(model, *l),
                words::condition(model, syms, filters, logic)
            ));
        }
        out.push(SystemView {
            name: format!("Change feed: {}", f.name),
            lines,
            steps: numbered(f.steps.iter().map(|s| consumer_step(model, f, *s))),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::compile;

    /// Every built-in variant at default knobs and at their maxima: the views drawn without
    /// people or script are the views of the whole model, and that model holds no people and
    /// no script (at the maxima the whole model may be refused as too big: not compared there).
    #[test]
    fn views_without_the_people_are_the_views_of_the_whole_model() {
        let mut compared = 0;
        for s in crate::scenarios::all() {
            let maxima = s.knobs.iter().map(|k| (k.name.clone(), k.max)).collect();
            for knobs in [std::collections::BTreeMap::new(), maxima] {
                let variants = s.variants.iter().map(|v| Some(v.name.clone()));
                for variant in std::iter::once(None).chain(variants) {
                    let config = RunConfig {
                        variant,
                        knobs: knobs.clone(),
                        injections: Vec::new(),
                    };
                    let what = format!("{} {:?} {:?}", s.id, config.variant, knobs);
                    let light = compile_campaigns(&s, &config).unwrap();
                    assert!(light.people.is_empty() && light.script.is_empty(), "{what}");
                    if let Ok(whole) = compile(&s, &config) {
                        assert_eq!(
                            campaign_views_for(&s, &config).unwrap(),
                            views_of(&s, &config, &whole).unwrap(),
                            "{what}"
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 40, "{compared} set-ups compared");
    }
}
