//! What sits in every queue and system at the inspected moment: the campaign queues and
//! waiting flows, the CRM, webhooks, the key-value store, jobs and the REST API, the response
//! feed and the change feed.

use crate::api::words::{self, duration};
use crate::engine::model::*;
use crate::engine::sim::job::JobStep;
use crate::engine::sim::state::{KvEntry, Pending};
use crate::engine::sim::Sim;
use crate::engine::systems::CoValue;
use crate::engine::value::Symbols;

use super::runs::{priority, run_position, Place, RunIndex};
use super::SystemSnapshot;

pub(super) fn systems(sim: &Sim, runs: &RunIndex, now: u64) -> Vec<SystemSnapshot> {
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
        out.push(SystemSnapshot::of(name.to_string(), items));
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
    // Only the lines shown are written out.
    let lines = waiting.iter().map(|&(t, id)| {
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
    });
    out.push(SystemSnapshot::listing(
        "Waiting flows".to_string(),
        waiting.len(),
        lines,
    ));
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
    let records = state.crm.records().map(|(p, rec)| {
        let owner = rec.owner.map_or("no owner yet".to_string(), |o| {
            format!("owner {}", syms.text(o))
        });
        let back = if rec.unsynced.is_some() {
            ", not yet synced back"
        } else {
            ""
        };
        format!("{}: record with {owner}{back}", words::person(p))
    });
    let total = items.len() + state.crm.records().count();
    Some(SystemSnapshot::listing(
        "CRM".to_string(),
        total,
        items.into_iter().chain(records),
    ))
}

fn webhooks(sim: &Sim, runs: &RunIndex) -> Vec<SystemSnapshot> {
    let model = sim.model;
    let state = &sim.state;
    let mut out = Vec::new();
    for wi in crate::api::view::used_webhooks(model) {
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
        out.push(SystemSnapshot::of(format!("Webhook: {}", w.name), lines));
    }
    out
}

fn kv(sim: &Sim) -> Option<SystemSnapshot> {
    let model = sim.model;
    if !crate::api::view::used_webhooks(model).iter().any(|&w| {
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
                KvEntry::Lease { until, token } if *until > now => {
                    format!("{key}: claimed, lease {token} until {}", duration(*until))
                }
                KvEntry::Lease { until, token } => {
                    format!("{key}: lease {token} ran out at {}", duration(*until))
                }
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
    Some(SystemSnapshot::of("Key-value store".to_string(), items))
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
        let steps: Vec<String> = job
            .steps
            .iter()
            .map(|s| crate::engine::scenario::steps::name(s).replace('_', " "))
            .collect();
        items.push(format!("steps: {}", steps.join(" → ")));
        out.push(SystemSnapshot::of(format!("Job: {}", job.name), items));
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
        out.push(SystemSnapshot::of(format!("Custom object: {name}"), items));
    }
    if !integ.jobs.is_empty() {
        let rest = &state.rest;
        let limits = rest.limits();
        out.push(SystemSnapshot::of(
            "REST API".to_string(),
            vec![
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
        ));
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
        SystemSnapshot::of(format!("Integration: {}", feed.user), integration),
        SystemSnapshot::of(format!("CRM campaign: {}", feed.campaign), campaign),
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
    for &p in st.store.keys() {
        let primary = st.store.primary_version(&p);
        let replica = st.store.replica_version(now, &p);
        if replica < primary {
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
    if feed
        .steps
        .contains(&crate::engine::scenario::steps::ConsumerStep::SkipIfSeen)
    {
        items.push(format!("idempotency log: {} message id(s)", st.log.len()));
    }
    Some(SystemSnapshot::of(
        format!("Change feed: {}", feed.name),
        items,
    ))
}
