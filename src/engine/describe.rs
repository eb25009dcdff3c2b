//! Human-readable text for trace events and actors, in the vocabulary of campaign builders.

use super::model::Model;
use super::trace::{Actor, EventKind, TraceEvent};
use super::value::Symbols;

/// The swimlane name of an actor ("Campaign: Fast Track Alert", "CRM", "Webhook: Claim").
pub fn actor_name(model: &Model, actor: Actor) -> String {
    match actor {
        Actor::Outside => "Outside".to_string(),
        Actor::Campaign(c) => model.campaigns[c as usize].name.clone(),
        Actor::Crm => "CRM".to_string(),
        Actor::Webhook(w) => format!("Webhook: {}", model.webhooks[w as usize].name),
    }
}

/// One sentence describing the event.
pub fn describe(model: &Model, syms: &Symbols, ev: &TraceEvent) -> String {
    use EventKind::*;
    let field = |f: u16| model.fields[f as usize].name.as_str();
    let list = |l: u16| model.lists[l as usize].as_str();
    let campaign = |c: u16| model.campaigns[c as usize].name.as_str();
    let status = |p: u16, s: u16| model.programs[p as usize].statuses[s as usize].0.as_str();
    let webhook = |w: u16| model.webhooks[w as usize].name.as_str();
    match &ev.kind {
        PersonCreated => "person is created".to_string(),
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
        CrmPushed => "Sync Person to CRM: pushed".to_string(),
        CrmReceived { created: true } => {
            "record created in the CRM; assignment rules run".to_string()
        }
        CrmReceived { created: false } => "record updated in the CRM".to_string(),
        OwnerAssigned { owner, queue } => format!(
            "CRM assigns owner {} ({})",
            syms.text(*owner),
            syms.text(*queue)
        ),
    }
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
