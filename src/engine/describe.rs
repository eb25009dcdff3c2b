//! Human-readable text for trace events and actors, in the vocabulary of campaign builders.
//! Fields show as Marketo shows them (their labels), flow steps as Marketo spells them.

use super::model::{Model, Via};
use super::trace::{Actor, EventKind, JobOutcome, RestOp, TraceEvent};
use super::value::Symbols;

/// The CRM sync flow step as Marketo's flow-step menu spells it for a Salesforce CRM.
pub const SYNC_PERSON: &str = "Sync Person to SFDC";

/// The swimlane name of an actor ("Campaign: Fast Track Alert", "CRM", "Webhook: Claim").
pub fn actor_name(model: &Model, actor: Actor) -> String {
    match actor {
        Actor::Outside => "Outside".to_string(),
        Actor::Campaign(c) => model.campaigns[c as usize].name.clone(),
        Actor::Crm => "CRM".to_string(),
        Actor::Webhook(w) => format!("Webhook: {}", model.webhooks[w as usize].name),
        Actor::Job(j) => format!("Job: {}", model.integrations.jobs[j as usize].name),
        Actor::Integration => format!(
            "Integration: {}",
            model
                .integrations
                .responses
                .as_ref()
                .map_or("", |r| r.user.as_str())
        ),
        Actor::CrmCampaign => format!(
            "CRM campaign: {}",
            model
                .integrations
                .responses
                .as_ref()
                .map_or("", |r| r.campaign.as_str())
        ),
        Actor::ChangeFeed => format!(
            "Change feed: {}",
            model
                .integrations
                .changes
                .as_ref()
                .map_or("", |c| c.name.as_str())
        ),
        Actor::Consumer(i) => format!("Consumer {}", i + 1),
    }
}

/// One sentence describing the event.
pub fn describe(model: &Model, syms: &Symbols, ev: &TraceEvent) -> String {
    use EventKind::*;
    let field = |f: u16| model.fields[f as usize].display_name();
    let list = |l: u16| model.lists[l as usize].as_str();
    let campaign = |c: u16| model.campaigns[c as usize].name.as_str();
    let status = |p: u16, s: u16| model.programs[p as usize].statuses[s as usize].0.as_str();
    let webhook = |w: u16| model.webhooks[w as usize].name.as_str();
    match &ev.kind {
        PersonCreated => match ev.person.and_then(|p| model.people[p as usize].spare_of) {
            Some(first) => format!(
                "person is created: a second record for the email of person {}",
                first + 1
            ),
            None => "person is created".to_string(),
        },
        FilledOutForm(f) => format!("fills out form \"{}\"", syms.text(*f)),
        Qualified => "enters the flow".to_string(),
        NotQualified => {
            "not qualified again (qualification rule or already in the flow)".to_string()
        }
        BatchStarted { members } => {
            format!("batch run starts: {members} people in the smart list snapshot")
        }
        FieldChanged { field: f, old, new } => {
            format!(
                "{} changes from {} to {}",
                field(*f),
                syms.show(*old),
                syms.show(*new)
            )
        }
        AddedToList { list: l, entry } => format!("added to list \"{}\" (entry {entry})", list(*l)),
        RemovedFromList { list: l } => format!("removed from list \"{}\"", list(*l)),
        StatusChanged { program, from, to } => format!(
            "program \"{}\" status {} → {}",
            model.programs[*program as usize].name,
            from.map_or("(none)", |s| status(*program, s)),
            status(*program, *to)
        ),
        StatusRefused {
            program,
            current,
            requested,
        } => format!(
            "status change to {} refused: already in or past it (at {}; error 1037)",
            status(*program, *requested),
            status(*program, *current)
        ),
        CampaignRequested { target } => format!("requests campaign \"{}\"", campaign(*target)),
        RequestCapReached { target } => format!(
            "request of \"{}\" stopped: per-person request cap reached (a loop?)",
            campaign(*target)
        ),
        ExecutedCampaign { target } => {
            format!("executes campaign \"{}\" in series", campaign(*target))
        }
        WaitStarted { until } => format!("waits until t={}", fmt_ms(*until)),
        EmailSent { email } => format!("email \"{}\" sent", syms.text(*email)),
        EmailDeduplicated { email } => format!(
            "email \"{}\" skipped: this batch already sent to the address",
            syms.text(*email)
        ),
        AlertSent { alert, recipient } if recipient.is_empty() => {
            format!("alert \"{}\" sent to NO ONE (no owner)", syms.text(*alert))
        }
        AlertSent { alert, recipient } => format!(
            "alert \"{}\" sent to {}",
            syms.text(*alert),
            syms.show(*recipient)
        ),
        RemovedFromFlow => "removed from flow".to_string(),
        WebhookCalled { webhook: w } => format!("calls webhook \"{}\"", webhook(*w)),
        WebhookServed { ok, value, .. } => {
            format!("service answers ok={ok} value={}", syms.show(*value))
        }
        WebhookResponded { .. } => "response arrives; mappings applied".to_string(),
        WebhookFailed { .. } => "call failed: no response mapping".to_string(),
        WebhookTimedOut { .. } => "gave up waiting (timeout): no response mapping".to_string(),
        WebhookWroteBack { .. } => {
            "the vendor writes its late answer through the REST API".to_string()
        }
        CrmPushed => format!("{SYNC_PERSON}: pushed"),
        CrmReceived { created: true } => {
            "record created in the CRM; assignment rules run".to_string()
        }
        CrmReceived { created: false } => "record updated in the CRM".to_string(),
        OwnerAssigned { owner, queue } => format!(
            "CRM assigns owner {} ({})",
            syms.text(*owner),
            syms.text(*queue)
        ),
        EpochReset { checkpoint } => format!(
            "an admin resets the epoch: the imported object is dropped and {} goes back to the start",
            {
                let c = &model.integrations.checkpoints[*checkpoint as usize];
                format!("{}.{}", c.key, c.field)
            }
        ),
        JobFiredByHand { job } => format!(
            "job \"{}\" fired by hand, outside its schedule",
            model.integrations.jobs[*job as usize].name
        ),
        ChangeEventInjected { field: f } => format!(
            "an upstream system publishes a change event for {} (injected)",
            field(*f)
        ),
        RedeliveryForced { message: Some(m) } => format!(
            "the queue delivers change event message {} again (injected duplicate)",
            m + 1
        ),
        RedeliveryForced { message: None } => {
            "no change event to deliver again for this person (injected duplicate ignored)"
                .to_string()
        }
        WebhookDelayInjected {
            webhook: w,
            extra_ms,
        } => format!(
            "the next call of webhook \"{}\" will take {} longer (injected)",
            webhook(*w),
            fmt_duration(*extra_ms)
        ),
        WebhookSlowed { extra_ms, .. } => format!(
            "this call takes {} longer than usual (injected delay)",
            fmt_duration(*extra_ms)
        ),
        ResponseBurst { records } => {
            format!("a burst of {records} more responses arrives (injected)")
        }
        LookedUpByEmail { via, found } => format!(
            "{}: looks the email address up: {}",
            match via {
                Via::Form(f) => format!("form \"{}\" posted", syms.text(*f)),
                Via::Api(c) => format!("\"{}\" REST API call", api_client(model, *c)),
            },
            match (found, via) {
                (Some(p), _) => format!("found (person {})", p + 1),
                (None, Via::Api(c))
                    if model
                        .creation
                        .as_ref()
                        .is_some_and(|pc| pc.clients[*c as usize].update_only) =>
                {
                    "not found".to_string()
                }
                (None, _) => "not found, a new person will be created".to_string(),
            }
        ),
        ApiSyncSent { client, attempt } => format!(
            "\"{}\" sends the person by REST API (Sync Leads, lookupField email){}",
            api_client(model, *client),
            if *attempt > 1 {
                format!(", try {attempt}")
            } else {
                String::new()
            }
        ),
        ApiSynced { client, created } => format!(
            "REST API: {} for \"{}\"",
            if *created {
                "new person created"
            } else {
                "existing person updated"
            },
            api_client(model, *client)
        ),
        ApiSkipped { client, retry } => format!(
            "REST API (updateOnly): skipped, lead not found{}",
            if *retry {
                format!("; \"{}\" will try again", api_client(model, *client))
            } else {
                "; no tries left".to_string()
            }
        ),
        CrmAutomationRan {
            automation,
            field: f,
            value,
            changed,
        } => {
            let a = model
                .crm
                .as_ref()
                .map(|c| &c.automations[*automation as usize]);
            let name = a.map_or("?", |a| a.name.as_str());
            match (changed, a.is_some_and(|a| a.only_if_empty)) {
                (true, _) => format!(
                    "CRM automation \"{name}\" sets {} to {}",
                    field(*f),
                    syms.show(*value)
                ),
                (false, true) => format!(
                    "CRM automation \"{name}\" leaves {} alone (only when empty)",
                    field(*f)
                ),
                (false, false) => format!(
                    "CRM automation \"{name}\": {} is already {}",
                    field(*f),
                    syms.show(*value)
                ),
            }
        }
        CrmConflict { field: f, kept } => format!(
            "sync: {} changed in both systems since the last sync; Marketo wins, the CRM takes {}",
            field(*f),
            syms.show(*kept)
        ),
        _ => describe_integration(model, syms, &ev.kind),
    }
}

/// An API client's name.
fn api_client(model: &Model, c: u16) -> &str {
    model
        .creation
        .as_ref()
        .map_or("?", |pc| pc.clients[c as usize].name.as_str())
}

/// Sentences for the integration systems' events (jobs, response feed, change feed).
fn describe_integration(model: &Model, syms: &Symbols, kind: &EventKind) -> String {
    use EventKind::*;
    let cp = |c: u16| {
        let c = &model.integrations.checkpoints[c as usize];
        format!("{}.{}", c.key, c.field)
    };
    let mark = |m: Option<u64>| m.map_or("(none)".to_string(), fmt_ms);
    match kind {
        JobStarted {
            invocation,
            cold,
            overlapping,
        } => format!(
            "run {} starts {}{}",
            invocation + 1,
            if *cold { "cold (no cache)" } else { "warm (cached mark)" },
            match overlapping {
                0 => String::new(),
                n => format!(", while {n} earlier run(s) still go"),
            }
        ),
        RestCalled { op } => format!("REST call: {}", rest_op(*op)),
        RestRejected { op, code } => format!(
            "REST call {} refused: error {code} ({})",
            rest_op(*op),
            match code {
                606 => "rate limit",
                615 => "too many concurrent calls",
                607 => "daily quota",
                _ => "error",
            }
        ),
        Backoff { attempt, delay_ms } => {
            format!("backs off {} before retry {attempt}", fmt_ms(*delay_ms))
        }
        MarkRead {
            checkpoint,
            mark: m,
            version,
            cached,
        } => format!(
            "{} {} = {} (version {version})",
            if *cached { "uses its cached" } else { "reads" },
            cp(*checkpoint),
            mark(*m)
        ),
        ClaimResult {
            mark: m, created, ..
        } => format!(
            "claim for mark {}: {}",
            fmt_ms(*m),
            if *created {
                "created (this run imports)"
            } else {
                "skipped: duplicate (another run has it)"
            }
        ),
        CasResult {
            checkpoint,
            expected,
            ok,
        } => format!(
            "compare-and-set {} on version {expected}: {}",
            cp(*checkpoint),
            if *ok { "ok" } else { "conflict (changed since read)" }
        ),
        ImportStarted { from, to, .. } => format!(
            "imports records with modstamps in ({}, {}]",
            fmt_ms(*from),
            fmt_ms(*to)
        ),
        RecordsImported {
            from, to, count, ..
        } => format!(
            "imported {count} records with modstamps in ({}, {}]",
            fmt_ms(*from),
            fmt_ms(*to)
        ),
        MarkWritten {
            checkpoint,
            mark: m,
            previous,
        } => format!(
            "writes {} = {} (was {})",
            cp(*checkpoint),
            fmt_ms(*m),
            mark(*previous)
        ),
        JobFinished {
            invocation,
            outcome,
        } => format!(
            "run {} ends: {}",
            invocation + 1,
            match outcome {
                JobOutcome::Imported => "imported",
                JobOutcome::NothingToImport => "nothing to import",
                JobOutcome::ClaimSkipped => "stopped (claim skipped)",
                JobOutcome::CasConflict => "stopped (lost the compare-and-set)",
                JobOutcome::GaveUp => "gave up after too many REST errors",
            }
        ),
        ResponseInsert { batch, .. } if *batch >= super::sim::responses::OTHER_WRITER_BATCH => format!(
            "{} inserts 1 response into the same campaign",
            model
                .integrations
                .responses
                .as_ref()
                .and_then(|f| f.second_writer.as_ref())
                .map_or("another writer", |w| w.0.as_str())
        ),
        ResponseInsert {
            batch,
            records,
            attempt,
        } => format!(
            "inserts {records} response(s) (batch {}){}",
            batch + 1,
            if *attempt > 0 {
                format!(", retry {attempt}")
            } else {
                String::new()
            }
        ),
        LockGranted {
            records,
            wait_ms,
            hold_ms,
        } => format!(
            "campaign lock granted after {} wait; held {} for {records} response(s)",
            fmt_ms(*wait_ms),
            fmt_ms(*hold_ms)
        ),
        LockTimedOut { records, waited_ms } => format!(
            "UNABLE_TO_LOCK_ROW after waiting {} ({records} response(s))",
            fmt_ms(*waited_ms)
        ),
        CpuLimitExceeded {
            records,
            cpu_ms,
            limit_ms,
        } => format!(
            "CPU time limit exceeded: {records} responses need {} of a {} budget",
            fmt_ms(*cpu_ms),
            fmt_ms(*limit_ms)
        ),
        ResponsesDelayed {
            records,
            due_at,
            pending,
        } => format!(
            "{records} response(s) delayed for merging ({pending} pending, due at {})",
            fmt_ms(*due_at)
        ),
        ResponsesMerged { records, parts } => {
            format!("merged batch due: {records} responses from {parts} inserts")
        }
        ResponsesAsync { records, chunks } => format!(
            "{records} responses above the batch size: processed asynchronously in {chunks} chunk(s)"
        ),
        ResponsesProcessed { records } => format!("{records} response(s) processed"),
        ResponsesLost { records } => format!("{records} response(s) LOST"),
        ChangePublished { field, version, .. } => format!(
            "{} change committed on the primary (version {version}) and queued",
            model.fields[*field as usize].display_name()
        ),
        ReplicaApplied { version } => format!("read replica now shows version {version}"),
        MessageDelivered { message, delivery } => format!(
            "receives message {}{}",
            message + 1,
            if *delivery > 1 {
                format!(" (delivery {delivery}: a redelivery)")
            } else {
                String::new()
            }
        ),
        ConsumerDecided {
            field,
            value,
            version,
            primary_version,
            from_primary,
            ..
        } => format!(
            "decides on {} = {} read from the {} (version {version}; primary {primary_version}){}",
            model.fields[*field as usize].display_name(),
            syms.show(*value),
            if *from_primary { "primary" } else { "replica" },
            if version < primary_version { ": STALE" } else { "" }
        ),
        DuplicateSkipped { message } => {
            format!("message {} already processed: skipped", message + 1)
        }
        ConsumerActed { message } => format!("acts on message {}", message + 1),
        MessageAcked { message } => format!("acks message {}", message + 1),
        AckLost {
            message,
            visible_at,
        } => format!(
            "ack of message {} lost: delivered again at {}",
            message + 1,
            fmt_ms(*visible_at)
        ),
        _ => String::new(),
    }
}

fn rest_op(op: RestOp) -> &'static str {
    match op {
        RestOp::ReadMark => "GET checkpoint",
        RestOp::Claim => "POST createOnly claim",
        RestOp::WriteMark => "POST createOrUpdate checkpoint",
        RestOp::CasMark => "compare-and-set checkpoint",
    }
}

/// A duration as people say it: `250 ms`, `1.5 s`, `5 min`, `1 h 30 min`, `2 d 3 h`.
pub fn fmt_duration(ms: u64) -> String {
    const S: u64 = 1000;
    const M: u64 = 60 * S;
    const H: u64 = 60 * M;
    const D: u64 = 24 * H;
    if ms == 0 {
        return "0 s".to_string();
    }
    if ms < S {
        return format!("{ms} ms");
    }
    let mut parts = Vec::new();
    for (n, name) in [(ms / D, "d"), ((ms % D) / H, "h"), ((ms % H) / M, "min")] {
        if n > 0 {
            parts.push(format!("{n} {name}"));
        }
    }
    let rest = ms % M;
    if rest > 0 {
        let (s, frac) = (rest / S, rest % S);
        if frac == 0 {
            parts.push(format!("{s} s"));
        } else {
            let f = format!("{frac:03}");
            parts.push(format!("{s}.{} s", f.trim_end_matches('0')));
        }
    }
    parts.join(" ")
}

/// `12.345 s`, `4 min 3.2 s`, `2 h 5 min`, `3 d 4 h` (simulated time).
pub fn fmt_ms(ms: u64) -> String {
    const S: u64 = 1000;
    const M: u64 = 60 * S;
    const H: u64 = 60 * M;
    const D: u64 = 24 * H;
    match ms {
        _ if ms < S => format!("{ms} ms"),
        _ if ms < M => format!("{}.{:03} s", ms / S, ms % S),
        _ if ms < H => format!("{} min {}.{} s", ms / M, (ms % M) / S, (ms % S) / 100),
        _ if ms < D => format!("{} h {} min", ms / H, (ms % H) / M),
        _ => format!("{} d {} h", ms / D, (ms % D) / H),
    }
}
