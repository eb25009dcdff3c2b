//! The inspector: one person and every queue and system at a moment of a run. The run is
//! replayed from the start up to and including the events at that moment (the same seed and
//! schedule give the same run), so the answer is always the state the timeline shows.

use super::words::{self, duration};
use crate::engine::chooser::ReplayThenSeed;
use crate::engine::model::*;
use crate::engine::scenario::JobStrategy;
use crate::engine::sim::job::JobStep;
use crate::engine::sim::state::{FlowRun, KvEntry, Pending};
use crate::engine::sim::Sim;
use crate::engine::systems::CoValue;
use crate::engine::value::Symbols;
use crate::engine::{compile, Model, RunConfig, Scenario};

/// One person at the inspected moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSnapshot {
    /// 1-based person number.
    pub person: u32,
    /// False until the person is created (an unborn lead before the form fill).
    pub exists: bool,
    /// Every field: (name, value as text; `(empty)` when empty).
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

/// What sits in one queue or system at the inspected moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemSnapshot {
    /// The queue or system; systems that have a swimlane use the lane's name.
    pub name: String,
    /// One line per item (a first line may sum the system up: `2 workers, 1 busy`).
    pub items: Vec<String>,
}

/// The state of a run at `time_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Where a live flow run is.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// The trigger delay: the first step joins the queue at this time.
    Delay(u64),
    /// In a work queue, waiting for a worker.
    Queued(QueueKind, Priority),
    /// A worker runs the step; done at this time.
    Working(QueueKind, u64),
    /// A Wait step, until this time.
    Waiting(u64),
    /// Waiting for a webhook's answer (due at, or given up at when `timeout`).
    Webhook(WebhookId, u64, bool),
    /// Nothing scheduled (should not last).
    Idle,
}

/// Every live flow run and its place, by run id.
struct RunIndex<'s> {
    /// Sorted by run id (ids are unique).
    live: Vec<(&'s FlowRun, Place)>,
}

impl<'s> RunIndex<'s> {
    fn new(sim: &'s Sim) -> Self {
        let state = &sim.state;
        let runs: Vec<&FlowRun> = state.runs.iter().collect();
        // Sort (id, position) pairs: the ids are unique.
        let mut order: Vec<(u64, u64)> = runs
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i as u64))
            .collect();
        order.sort_unstable();
        let mut index = RunIndex {
            live: order
                .into_iter()
                .map(|(_, i)| (runs[i as usize], Place::Idle))
                .collect(),
        };
        for a in state.agenda.iter() {
            let place = match &a.what {
                Pending::Enqueue(r) => Some((r.id, Place::Delay(a.time))),
                Pending::StepDone(r, q) => Some((r.id, Place::Working(*q, a.time))),
                Pending::WaitOver(r) => Some((r.id, Place::Waiting(a.time))),
                Pending::WebhookReturn(r, call) | Pending::WebhookTimeout(r, call) => {
                    match index.run(r.id).and_then(|run| run.call) {
                        Some((w, c)) if c == *call => Some((
                            r.id,
                            Place::Webhook(
                                w,
                                a.time,
                                matches!(a.what, Pending::WebhookTimeout(..)),
                            ),
                        )),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some((id, place)) = place {
                index.set_place(id, place);
            }
        }
        for (qi, q) in state.queues.iter().enumerate() {
            let kind = if qi == 0 {
                QueueKind::Trigger
            } else {
                QueueKind::Batch
            };
            for (prio, _, r) in q.ready.iter() {
                index.set_place(r.id, Place::Queued(kind, *prio));
            }
        }
        index
    }

    fn find(&self, run: u64) -> Option<usize> {
        self.live.binary_search_by_key(&run, |(r, _)| r.id).ok()
    }

    /// Sets the place of a live run (nothing for a run that has ended).
    fn set_place(&mut self, run: u64, place: Place) {
        if let Some(i) = self.find(run) {
            self.live[i].1 = place;
        }
    }

    /// The live run with this id.
    fn run(&self, run: u64) -> Option<&'s FlowRun> {
        self.find(run).map(|i| self.live[i].0)
    }

    fn place(&self, run: u64) -> Place {
        self.find(run).map_or(Place::Idle, |i| self.live[i].1)
    }

    /// The live runs in id order.
    fn runs(&self) -> impl Iterator<Item = &'s FlowRun> + '_ {
        self.live.iter().map(|(r, _)| *r)
    }
}

fn queue_name(q: QueueKind) -> &'static str {
    match q {
        QueueKind::Trigger => "trigger queue",
        QueueKind::Batch => "batch queue",
    }
}

fn priority(p: Priority) -> &'static str {
    match p {
        Priority::High => "high priority",
        Priority::Medium => "medium priority",
        Priority::Low => "low priority",
    }
}

fn place_text(model: &Model, place: Place) -> String {
    match place {
        Place::Delay(t) => format!("triggered; joins the trigger queue at {}", duration(t)),
        Place::Queued(q, p) => format!("waiting in the {} ({})", queue_name(q), priority(p)),
        Place::Working(q, t) => format!(
            "being run by a {} worker, done at {}",
            queue_name(q).trim_end_matches(" queue"),
            duration(t)
        ),
        Place::Waiting(t) => format!("waiting until {}", duration(t)),
        Place::Webhook(w, t, false) => format!(
            "waiting for webhook \"{}\" (answer at {})",
            model.webhooks[w as usize].name,
            duration(t)
        ),
        Place::Webhook(w, t, true) => format!(
            "waiting for webhook \"{}\" (gives up at {})",
            model.webhooks[w as usize].name,
            duration(t)
        ),
        Place::Idle => "between steps".to_string(),
    }
}

/// `Fast Track Alert: step 2 of 2 (Send Alert: X)` (with the caller of an executed campaign).
fn run_position(model: &Model, syms: &Symbols, run: &crate::engine::sim::state::FlowRun) -> String {
    let camp = &model.campaigns[run.campaign as usize];
    let step = camp
        .flow
        .get(run.pc as usize)
        .map_or("the end".to_string(), |s| {
            words::action(model, syms, &s.action)
        });
    let mut text = format!(
        "{}: step {} of {} ({step})",
        camp.name,
        run.pc as usize + 1,
        camp.flow.len()
    );
    if let Some((caller, _)) = run.callers.last() {
        text.push_str(&format!(
            ", executed by {}",
            model.campaigns[*caller as usize].name
        ));
    }
    text
}

fn person_snapshot(sim: &Sim, runs: &RunIndex, p: PersonId) -> PersonSnapshot {
    let model = sim.model;
    let syms: &Symbols = &sim.syms;
    let person = &sim.state.people[p as usize];
    let fields = model
        .fields
        .iter()
        .zip(&person.fields)
        .map(|(f, v)| (f.name.clone(), words::value(syms, *v)))
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

fn systems(sim: &Sim, runs: &RunIndex, now: u64) -> Vec<SystemSnapshot> {
    let mut out = Vec::new();
    if !sim.model.campaigns.is_empty() {
        out.extend(queues(sim, runs));
    }
    if let Some(s) = crm(sim) {
        out.push(s);
    }
    out.extend(webhooks(sim, runs));
    if let Some(s) = kv(sim) {
        out.push(s);
    }
    out.extend(jobs(sim, now));
    out.extend(responses(sim, now));
    if let Some(s) = changes(sim, now) {
        out.push(s);
    }
    out
}

/// The trigger and batch queues (ready steps by priority, then arrival; the steps being
/// run), and the flows that wait (trigger delay, Wait steps).
fn queues(sim: &Sim, runs: &RunIndex) -> Vec<SystemSnapshot> {
    let model = sim.model;
    let syms: &Symbols = &sim.syms;
    let state = &sim.state;
    let has_batch = model.campaigns.iter().any(|c| c.schedule.is_some());
    let mut out = Vec::new();
    for (qi, q) in state.queues.iter().enumerate() {
        let kind = if qi == 0 {
            QueueKind::Trigger
        } else {
            QueueKind::Batch
        };
        if kind == QueueKind::Batch && !has_batch {
            continue;
        }
        let workers = model.queue.workers[qi];
        let mut items = vec![format!(
            "{} {}, {} busy",
            workers,
            if workers == 1 { "worker" } else { "workers" },
            q.busy
        )];
        let mut working: Vec<(u64, u64)> = runs
            .runs()
            .filter_map(|r| match runs.place(r.id) {
                Place::Working(k, t) if k == kind => Some((t, r.id)),
                _ => None,
            })
            .collect();
        working.sort_unstable();
        for (t, id) in working {
            let r = runs.run(id).expect("a live run");
            items.push(format!(
                "running: {} · {} (done at {})",
                words::person(r.person),
                run_position(model, syms, r),
                duration(t)
            ));
        }
        for (p, _, r) in q.waiting() {
            let Some(r) = runs.run(r.id) else { continue };
            items.push(format!(
                "waiting: {} · {} ({})",
                words::person(r.person),
                run_position(model, syms, r),
                priority(p)
            ));
        }
        if kind == QueueKind::Batch {
            for (instance, (left, _)) in &state.batches {
                items.push(format!(
                    "batch run {instance}: {left} {} still in the flow",
                    if *left == 1 { "person" } else { "people" }
                ));
            }
        }
        let name = match kind {
            QueueKind::Trigger => "Trigger campaign queue",
            QueueKind::Batch => "Batch campaign queue",
        };
        out.push(SystemSnapshot {
            name: name.to_string(),
            items,
        });
    }
    // (until, run id): run ids are unique, so this orders completely.
    let mut waiting: Vec<(u64, u64)> = runs
        .runs()
        .filter_map(|r| match runs.place(r.id) {
            Place::Delay(t) | Place::Waiting(t) => Some((t, r.id)),
            _ => None,
        })
        .collect();
    waiting.sort_unstable();
    out.push(SystemSnapshot {
        name: "Waiting flows".to_string(),
        items: waiting
            .into_iter()
            .map(|(t, id)| {
                let r = runs.run(id).expect("a live run");
                let what = match runs.place(id) {
                    Place::Delay(_) => format!("joins the trigger queue at {}", duration(t)),
                    _ => format!("Wait until {}", duration(t)),
                };
                format!(
                    "{} · {}: {what}",
                    words::person(r.person),
                    run_position(model, syms, r)
                )
            })
            .collect(),
    });
    out
}

fn crm(sim: &Sim) -> Option<SystemSnapshot> {
    let model = sim.model;
    let crm = model.crm.as_ref()?;
    let syms: &Symbols = &sim.syms;
    let state = &sim.state;
    let mut items = Vec::new();
    let mut incoming: Vec<(u64, String)> = Vec::new();
    let mut next_sync = None;
    for a in state.agenda.iter() {
        match &a.what {
            Pending::CrmReceive { person, .. } => incoming.push((
                a.time,
                format!(
                    "{}: push arrives at {}",
                    words::person(*person),
                    duration(a.time)
                ),
            )),
            Pending::CrmAssign { person, owner, .. } => incoming.push((
                a.time,
                format!(
                    "{}: assignment rules give owner {} at {}",
                    words::person(*person),
                    syms.text(*owner),
                    duration(a.time)
                ),
            )),
            Pending::CrmCycle => next_sync = Some(a.time),
            _ => {}
        }
    }
    if let Some(t) = next_sync {
        items.push(format!(
            "next background sync at {} (every {})",
            duration(t),
            duration(crm.sync_interval_ms)
        ));
    }
    incoming.sort_unstable();
    items.extend(incoming.into_iter().map(|(_, s)| s));
    for (p, rec) in state.crm.records() {
        let owner = rec.owner.map_or("no owner yet".to_string(), |o| {
            format!("owner {}", syms.text(o))
        });
        let back = if rec.unsynced.is_some() {
            ", not yet synced back"
        } else {
            ""
        };
        items.push(format!("{}: record with {owner}{back}", words::person(p)));
    }
    Some(SystemSnapshot {
        name: "CRM".to_string(),
        items,
    })
}

fn webhooks(sim: &Sim, runs: &RunIndex) -> Vec<SystemSnapshot> {
    let model = sim.model;
    let state = &sim.state;
    let mut out = Vec::new();
    for wi in super::view::used_webhooks(model) {
        let w = &model.webhooks[wi as usize];
        let mut items: Vec<(u64, String)> = Vec::new();
        for run in state.runs.iter() {
            if let Place::Webhook(x, t, timeout) = runs.place(run.id) {
                if x == wi {
                    items.push((
                        t,
                        format!(
                            "{} ({}): {} at {}",
                            words::person(run.person),
                            model.campaigns[run.campaign as usize].name,
                            if timeout {
                                "no answer in time; Marketo gives up"
                            } else {
                                "answer arrives"
                            },
                            duration(t)
                        ),
                    ));
                }
            }
        }
        for a in state.agenda.iter() {
            if let Pending::WebhookServe(call) = &a.what {
                if call.webhook == wi {
                    items.push((
                        a.time,
                        format!(
                            "{}: the service acts at {}{}",
                            words::person(call.person),
                            duration(a.time),
                            if call.deliver {
                                ""
                            } else {
                                " (its answer will be lost)"
                            }
                        ),
                    ));
                }
            }
        }
        items.sort_unstable();
        let mut lines: Vec<String> = items.into_iter().map(|(_, s)| s).collect();
        for ((p, x), (extra, _)) in &state.injected.webhook_delays {
            if *x == wi {
                lines.push(format!(
                    "{}: next call {} slower (injected)",
                    words::person(*p),
                    duration(*extra)
                ));
            }
        }
        out.push(SystemSnapshot {
            name: format!("Webhook: {}", w.name),
            items: lines,
        });
    }
    out
}

fn kv(sim: &Sim) -> Option<SystemSnapshot> {
    let model = sim.model;
    if !super::view::used_webhooks(model).iter().any(|&w| {
        matches!(
            model.webhooks[w as usize].service,
            ServiceModel::KeyValue(_)
        )
    }) {
        return None;
    }
    let syms: &Symbols = &sim.syms;
    let now = sim.state.now;
    let items = sim
        .state
        .kv
        .iter()
        .map(|(k, v)| {
            let key = k.text(syms);
            match v {
                KvEntry::Value(v) => format!("{key} = {}", words::value(syms, *v)),
                KvEntry::Lease(until) if *until > now => {
                    format!("{key}: claimed, lease until {}", duration(*until))
                }
                KvEntry::Lease(until) => format!("{key}: lease ran out at {}", duration(*until)),
                KvEntry::Stack(s) => format!(
                    "{key}: stack [{}]",
                    s.iter()
                        .map(|v| words::value(syms, *v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        })
        .collect();
    Some(SystemSnapshot {
        name: "Key-value store".to_string(),
        items,
    })
}

fn co_value(v: &CoValue) -> String {
    match v {
        CoValue::Text(t) => t.clone(),
        CoValue::Number(n) => n.to_string(),
        CoValue::Empty => "(empty)".to_string(),
    }
}

/// Each job (next fire, runs in progress, idle instances), the custom objects holding the
/// checkpoints, and the REST API gate.
fn jobs(sim: &Sim, now: u64) -> Vec<SystemSnapshot> {
    let model = sim.model;
    let integ = &model.integrations;
    let state = &sim.state.jobs;
    let mut out = Vec::new();
    for (j, job) in integ.jobs.iter().enumerate() {
        let st = &state.jobs[j];
        let mut items = Vec::new();
        let next = sim
            .state
            .agenda
            .iter()
            .filter(|a| matches!(a.what, Pending::Job { job, step: JobStep::Fire } if job as usize == j))
            .map(|a| a.time)
            .min();
        items.push(match (next, job.every) {
            (Some(t), Some(every)) => {
                format!("next run at {} (every {})", duration(t), duration(every))
            }
            (Some(t), None) => format!("runs at {}", duration(t)),
            (None, _) => "no more scheduled runs".to_string(),
        });
        for (inv, r) in &st.runs {
            let mark = if r.mark == 0 {
                "no mark yet".to_string()
            } else {
                format!("mark {}", duration(r.mark))
            };
            items.push(format!(
                "run {} in progress: started at {}, read {mark}{}",
                inv + 1,
                duration(r.start),
                if r.conflict {
                    ", lost the compare-and-set"
                } else {
                    ""
                }
            ));
        }
        let idle = st.function.idle_instances();
        items.push(format!(
            "{idle} idle warm {}",
            if idle == 1 { "instance" } else { "instances" }
        ));
        items.push(
            match job.strategy {
                JobStrategy::ReadThenWrite => "guard: read, then write the mark",
                JobStrategy::ClaimCreateOnly => "guard: createOnly claim on the mark",
                JobStrategy::VersionCas => "guard: compare-and-set on the version",
            }
            .to_string(),
        );
        out.push(SystemSnapshot {
            name: format!("Job: {}", job.name),
            items,
        });
    }
    for (o, (name, _)) in integ.objects.iter().enumerate() {
        let store = &state.objects[o];
        let items = store
            .records()
            .map(|r| {
                let fields: Vec<String> = r
                    .fields
                    .iter()
                    .map(|(k, v)| {
                        let is_mark = integ.checkpoints.iter().any(|c| &c.field == k);
                        match v {
                            CoValue::Number(n) if is_mark && *n >= 0 => {
                                format!("{k} = {}", duration(*n as u64))
                            }
                            other => format!("{k} = {}", co_value(other)),
                        }
                    })
                    .collect();
                format!("{} (version {})", fields.join(", "), r.version)
            })
            .collect();
        out.push(SystemSnapshot {
            name: format!("Custom object: {name}"),
            items,
        });
    }
    if !integ.jobs.is_empty() {
        let rest = &state.rest;
        let limits = rest.limits();
        out.push(SystemSnapshot {
            name: "REST API".to_string(),
            items: vec![
                format!(
                    "{} of {} calls in flight",
                    rest.in_flight(),
                    limits.max_concurrent
                ),
                format!(
                    "{} of {} calls in the last {}",
                    rest.calls_in_window(now),
                    limits.rate_limit,
                    duration(limits.rate_window_ms)
                ),
                format!(
                    "{} of {} calls today",
                    rest.calls_today(now),
                    limits.daily_quota
                ),
            ],
        });
    }
    out
}

/// The integration's inserts still to come and the CRM campaign's lock and backlog.
fn responses(sim: &Sim, now: u64) -> Vec<SystemSnapshot> {
    use crate::engine::sim::responses::ResponseStep;
    let model = sim.model;
    let (Some(feed), Some(st)) = (&model.integrations.responses, &sim.state.responses) else {
        return Vec::new();
    };
    let (mut inserts, mut records, mut retries) = (0u32, 0u64, 0u32);
    let mut next = None::<u64>;
    for a in sim.state.agenda.iter() {
        if let Pending::Response(ResponseStep::Insert {
            records: r,
            attempt,
            ..
        }) = a.what
        {
            inserts += 1;
            records += r as u64;
            retries += (attempt > 0) as u32;
            next = Some(next.map_or(a.time, |n| n.min(a.time)));
        }
    }
    let mut integration = vec![format!(
        "{records} response(s) in {inserts} insert(s) still to send{}",
        next.map_or(String::new(), |t| format!(", next at {}", duration(t)))
    )];
    if retries > 0 {
        integration.push(format!(
            "{retries} insert(s) waiting to retry after a lock error"
        ));
    }
    let (mut processed, mut lost) = (0u64, 0u64);
    for e in &sim.trace {
        match e.kind {
            crate::engine::trace::EventKind::ResponsesProcessed { records } => {
                processed += records as u64
            }
            crate::engine::trace::EventKind::ResponsesLost { records } => lost += records as u64,
            _ => {}
        }
    }
    let mut campaign = vec![match st.lock.busy_until() {
        Some(t) if t > now => format!(
            "record locked until {} ({} holder(s) waiting or holding)",
            duration(t),
            st.lock.queue_len(now)
        ),
        _ => "record not locked".to_string(),
    }];
    let pending = st.processor.pending_records();
    if pending > 0 {
        campaign.push(format!(
            "{pending} response(s) held for merging (user-based async scoring)"
        ));
    }
    if !st.async_queue.is_empty() || st.async_busy {
        let queued: u32 = st.async_queue.iter().map(|(r, _)| r).sum();
        campaign.push(format!(
            "async worker {}; {queued} response(s) in {} chunk(s) queued",
            if st.async_busy { "busy" } else { "idle" },
            st.async_queue.len()
        ));
    }
    campaign.push(format!("{processed} processed, {lost} lost so far"));
    vec![
        SystemSnapshot {
            name: format!("Integration: {}", feed.user),
            items: integration,
        },
        SystemSnapshot {
            name: format!("CRM campaign: {}", feed.campaign),
            items: campaign,
        },
    ]
}

/// The change feed: messages not yet acked, replica lag per person, what each consumer does.
fn changes(sim: &Sim, now: u64) -> Option<SystemSnapshot> {
    let model = sim.model;
    let feed = model.integrations.changes.as_ref()?;
    let st = sim.state.changes.as_ref()?;
    let mut items = vec![format!(
        "{} message(s) not yet acked: {} waiting, {} being processed",
        st.queue.len(),
        st.queue.visible_len(now),
        st.queue.in_flight(now)
    )];
    for m in st.queue.messages() {
        let state = if m.visible_at <= now {
            "waiting for a consumer".to_string()
        } else {
            format!("hidden until {}", duration(m.visible_at))
        };
        items.push(format!(
            "message {}: {} {} (version {}), delivered {}×, {state}",
            m.id.0 + 1,
            words::person(m.payload.person),
            words::field(model, m.payload.field),
            m.payload.version,
            m.delivery_count
        ));
    }
    for key in st.store.keys() {
        let primary = st.store.primary_version(key);
        let replica = st.store.replica_version(now, key);
        if replica < primary {
            let p: PersonId = key.parse().unwrap_or(0);
            items.push(format!(
                "{}: the replica shows version {replica}, the primary {primary} (lagging)",
                words::person(p)
            ));
        }
    }
    for (w, m) in st.workers.iter().enumerate() {
        items.push(match m {
            Some(id) => format!("Consumer {}: processing message {}", w + 1, id.0 + 1),
            None => format!("Consumer {}: idle", w + 1),
        });
    }
    if feed.idempotent {
        items.push(format!("idempotency log: {} message id(s)", st.log.len()));
    }
    Some(SystemSnapshot {
        name: format!("Change feed: {}", feed.name),
        items,
    })
}
