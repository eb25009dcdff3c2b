//! Telling the story: each kept trace event becomes a labelled box in Marketo's words, and
//! runs of steps one campaign took in a row become one numbered plain sentence
//! ("4:00:00.2 The trigger campaign "Drain Queue (trigger)" removes person 3 from Work
//! Queue and sends person 3 the Task Email.").

use super::super::words::clock;
use super::record::index_of;
use super::seen::as_seen;
use super::{Arrow, Sentence, Story, StoryStep};
use crate::api::words;
use crate::engine::describe::{actor_name, describe, SYNC_PERSON};
use crate::engine::model::*;
use crate::engine::trace::{Actor, EventId, EventKind, TraceEvent};
use crate::engine::value::Symbols;
use crate::engine::Sim;
use std::collections::BTreeSet;

/// The story of the `kept` events of a run.
pub(super) fn build(
    model: &Model,
    sim: &Sim,
    kept: &BTreeSet<EventId>,
    pair: Option<(EventId, EventId)>,
    violating: Option<EventId>,
) -> Story {
    let trace = &sim.trace;
    let syms: &Symbols = &sim.syms;
    let events: Vec<&TraceEvent> = kept
        .iter()
        .filter_map(|&id| index_of(trace, id).map(|i| &trace[i]))
        .collect();
    // Columns in the timeline's lane order.
    let lanes = super::super::lanes(model);
    let names: Vec<String> = events.iter().map(|e| actor_name(model, e.actor)).collect();
    let mut columns: Vec<String> = lanes
        .iter()
        .map(|l| l.name.clone())
        .filter(|n| names.contains(n))
        .collect();
    for n in &names {
        if !columns.contains(n) {
            columns.push(n.clone());
        }
    }
    let in_pair = |id: EventId| pair.is_some_and(|(a, b)| a == id || b == id);
    let mut steps: Vec<StoryStep> = events
        .iter()
        .zip(&names)
        .map(|(e, n)| StoryStep {
            event: e.id,
            time_ms: e.time,
            clock: clock(e.time),
            column: columns.iter().position(|c| c == n).unwrap_or(0),
            label: label(model, syms, trace, e),
            details: describe(model, syms, e),
            person: e.person.map(|p| p + 1),
            cause: None,
            conflict: in_pair(e.id),
            violating: violating == Some(e.id),
            sentence: 0,
            seen: as_seen(model, syms, trace, e),
        })
        .collect();
    let mut arrows = Vec::new();
    for i in 0..steps.len() {
        let cause = events[i]
            .cause
            .and_then(|c| steps.iter().position(|s| s.event == c));
        steps[i].cause = cause;
        if let Some(from) = cause {
            arrows.push(Arrow { from, to: i });
        }
    }
    let sentences = sentences(model, syms, trace, &events, &mut steps);
    let conflict = pair.and_then(|(a, b)| {
        let ia = steps.iter().position(|s| s.event == a)?;
        let ib = steps.iter().position(|s| s.event == b)?;
        Some((ia, ib))
    });
    Story {
        title: String::new(),
        message: String::new(),
        person: None,
        columns,
        steps,
        arrows,
        conflict,
        sentences,
        left_out: 0,
    }
}

/// A step's box, in Marketo's words.
fn label(model: &Model, syms: &Symbols, trace: &[TraceEvent], e: &TraceEvent) -> String {
    let campaign = matches!(e.actor, Actor::Campaign(_));
    match &e.kind {
        EventKind::BatchStarted { members } => {
            format!("Batch: smart list taken ({members} people)")
        }
        EventKind::Qualified => match e.actor {
            Actor::Campaign(c) if model.campaigns[c as usize].schedule.is_some() => {
                "Batch: runs the flow".to_string()
            }
            Actor::Campaign(c) => match fired_trigger(model, trace, c, e) {
                Some(t) => format!("Trigger: {}", words::trigger(model, syms, t)),
                None => "Campaign qualified".to_string(),
            },
            _ => "Enters the flow".to_string(),
        },
        EventKind::FieldChanged { field, new, .. } if campaign => format!(
            "Change Data Value: {} = {}",
            words::field(model, *field),
            words::value(syms, *new)
        ),
        EventKind::FieldChanged { field, new, .. } => {
            format!(
                "{} = {}",
                words::field(model, *field),
                words::value(syms, *new)
            )
        }
        EventKind::AddedToList { list, .. } => {
            format!("Add to List: {}", words::list(model, *list))
        }
        EventKind::RemovedFromList { list } => {
            format!("Remove from List: {}", words::list(model, *list))
        }
        EventKind::StatusChanged { program, to, .. } => {
            let p = &model.programs[*program as usize];
            format!(
                "Change Program Status: {} → {}",
                p.name, p.statuses[*to as usize].0
            )
        }
        EventKind::CampaignRequested { target } => {
            format!("Request Campaign: {}", words::campaign(model, *target))
        }
        EventKind::ExecutedCampaign { target } => {
            format!("Execute Campaign: {}", words::campaign(model, *target))
        }
        EventKind::WaitStarted { until } => format!("Wait until {}", clock(*until)),
        EventKind::EmailSent { email } => format!("Send Email: {}", syms.text(*email)),
        EventKind::AlertSent { alert, recipient } => format!(
            "Send Alert: {}{}",
            syms.text(*alert),
            if recipient.is_empty() {
                " (to no one)"
            } else {
                ""
            }
        ),
        EventKind::WebhookCalled { webhook } => {
            format!("Call Webhook: {}", model.webhooks[*webhook as usize].name)
        }
        EventKind::CrmPushed => SYNC_PERSON.to_string(),
        EventKind::CrmReceived { created: true } => {
            "CRM: record created, assignment rules run".to_string()
        }
        EventKind::CrmReceived { created: false } => "CRM: record updated".to_string(),
        EventKind::OwnerAssigned { owner, .. } => {
            format!("CRM: owner {} assigned", syms.text(*owner))
        }
        _ => capitalised(&describe(model, syms, e)),
    }
}

/// The trigger of campaign `c` that event `e`'s cause fired, if it can be told.
fn fired_trigger<'m>(
    model: &'m Model,
    trace: &[TraceEvent],
    c: CampaignId,
    e: &TraceEvent,
) -> Option<&'m TriggerModel> {
    let triggers = &model.campaigns[c as usize].triggers;
    let cause = e
        .cause
        .and_then(|id| index_of(trace, id))
        .map(|i| &trace[i].kind);
    let hit = triggers.iter().find(|t| match (t, cause) {
        (TriggerModel::AddedToList(l), Some(EventKind::AddedToList { list, .. })) => l == list,
        (TriggerModel::RemovedFromList(l), Some(EventKind::RemovedFromList { list })) => l == list,
        (
            TriggerModel::DataValueChanges { field, .. },
            Some(EventKind::FieldChanged { field: f, .. }),
        ) => field == f,
        (TriggerModel::ScoreIsChanged(field), Some(EventKind::FieldChanged { field: f, .. })) => {
            field == f
        }
        (TriggerModel::CampaignIsRequested(_), Some(EventKind::CampaignRequested { .. })) => true,
        (TriggerModel::FillsOutForm(_), Some(EventKind::FilledOutForm(_))) => true,
        (TriggerModel::PersonIsCreated, Some(EventKind::PersonCreated)) => true,
        (TriggerModel::ProgramStatusIsChanged { .. }, Some(EventKind::StatusChanged { .. })) => {
            true
        }
        _ => false,
    });
    hit.or(triggers.first())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Who acts, as the sentence's subject: `The batch campaign "Drain Queue (hourly)"`.
fn subject(model: &Model, actor: Actor) -> String {
    match actor {
        Actor::Campaign(c) => {
            let camp = &model.campaigns[c as usize];
            let kind = if camp.schedule.is_some() {
                "batch"
            } else {
                "trigger"
            };
            format!("The {kind} campaign \"{}\"", camp.name)
        }
        Actor::Outside => "Outside Marketo,".to_string(),
        Actor::Crm => "The CRM".to_string(),
        other => actor_name(model, other),
    }
}

/// What the step did, as a predicate of its subject (`removes person 3 from Work Queue`);
/// `None` when the subject's previous words already say it.
fn predicate(
    model: &Model,
    syms: &Symbols,
    trace: &[TraceEvent],
    e: &TraceEvent,
    again: bool,
) -> Option<String> {
    let who = e
        .person
        .map_or("everyone".to_string(), |p| format!("person {}", p + 1));
    let again = if again { " again" } else { "" };
    Some(match &e.kind {
        EventKind::BatchStarted { .. } => "takes its list of members".to_string(),
        EventKind::Qualified => match e.actor {
            Actor::Campaign(c) if model.campaigns[c as usize].schedule.is_some() => return None,
            _ => format!("starts for {who} ({})", label(model, syms, trace, e)),
        },
        EventKind::FieldChanged { field, old, new } => format!(
            "sets {} = {} for {who} (was {})",
            words::field(model, *field),
            words::value(syms, *new),
            words::value(syms, *old)
        ),
        EventKind::WaitStarted { until } => format!("puts {who} on Wait until {}", clock(*until)),
        EventKind::AddedToList { list, .. } => {
            format!("adds {who} to {}", words::list(model, *list))
        }
        EventKind::RemovedFromList { list } => {
            format!("removes {who} from {}", words::list(model, *list))
        }
        EventKind::EmailSent { email } => format!("sends {who} the {}{again}", syms.text(*email)),
        EventKind::AlertSent { alert, recipient } if recipient.is_empty() => format!(
            "sends the alert \"{}\" about {who} to no one (no owner yet){again}",
            syms.text(*alert)
        ),
        EventKind::AlertSent { alert, recipient } => format!(
            "sends the alert \"{}\" about {who} to {}{again}",
            syms.text(*alert),
            syms.show(*recipient)
        ),
        EventKind::CrmPushed => format!("syncs {who} to the CRM ({SYNC_PERSON})"),
        EventKind::CrmReceived { .. } => {
            format!("receives {who}'s record ({})", label(model, syms, &[], e))
        }
        EventKind::OwnerAssigned { owner, .. } => {
            format!(
                "assigns owner {} to {who} (CRM: owner {} assigned)",
                syms.text(*owner),
                syms.text(*owner)
            )
        }
        EventKind::StatusChanged { .. }
        | EventKind::CampaignRequested { .. }
        | EventKind::ExecutedCampaign { .. }
        | EventKind::WebhookCalled { .. } => {
            format!("for {who}: {}", label(model, syms, &[], e))
        }
        _ => format!("for {who}: {}", describe(model, syms, e)),
    })
}

/// Numbered sentences: consecutive steps of one column, each caused by the one before, make
/// one sentence. Sets each step's sentence index.
fn sentences(
    model: &Model,
    syms: &Symbols,
    trace: &[TraceEvent],
    events: &[&TraceEvent],
    steps: &mut [StoryStep],
) -> Vec<Sentence> {
    let mut out: Vec<Sentence> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let mut j = i + 1;
        while j < steps.len()
            && steps[j].column == steps[i].column
            && steps[j].cause == Some(j - 1)
            && steps[j].time_ms.saturating_sub(steps[j - 1].time_ms) < 60_000
        {
            j += 1;
        }
        let mut parts: Vec<String> = Vec::new();
        let mut stale = false;
        for k in i..j {
            let e = events[k];
            let again = matches!(e.kind, EventKind::EmailSent { email } if steps[..k].iter().zip(events).any(|(s, x)| {
                s.person == steps[k].person && matches!(x.kind, EventKind::EmailSent { email: y } if y == email)
            }));
            let seen = steps[k].seen.as_ref();
            // Working from an earlier read that another campaign or system changed since.
            let by_other = |w: Option<u32>| {
                w.and_then(|w| index_of(trace, w))
                    .is_some_and(|i| trace[i].actor != e.actor)
            };
            stale |= seen.is_some_and(|s| {
                s.read_event != e.id
                    && s.values
                        .iter()
                        .any(|v| v.differs() && by_other(v.changed_by))
            }) && matches!(e.actor, Actor::Campaign(_));
            if let Some(p) = predicate(model, syms, trace, e, again) {
                parts.push(p);
            }
            if let EventKind::BatchStarted { .. } = e.kind {
                // Say who was on the list, for the people the story follows.
                let on: Vec<String> = steps[i..j]
                    .iter()
                    .filter_map(|s| s.seen.as_ref().zip(s.person))
                    .next()
                    .map(|(s, p)| {
                        s.values
                            .iter()
                            .map(|v| list_words(&v.name, &v.read, p))
                            .collect()
                    })
                    .unwrap_or_default();
                if !on.is_empty() {
                    let last = parts.len() - 1;
                    parts[last] = format!("{}: {}", parts[last], on.join(", "));
                }
            }
        }
        let mut text = subject(model, events[i].actor);
        if stale {
            text.push_str(", working from its earlier list,");
        }
        text.push(' ');
        text.push_str(&join(&parts));
        text.push('.');
        let number = out.len() + 1;
        let conflict = steps[i..j].iter().any(|s| s.conflict);
        for s in steps[i..j].iter_mut() {
            s.sentence = out.len();
        }
        out.push(Sentence {
            number,
            time_ms: steps[i].time_ms,
            clock: steps[i].clock.clone(),
            text,
            steps: (i..j).collect(),
            conflict,
        });
        i = j;
    }
    out
}

/// `person 3 is in Work Queue` for `Member of List: Work Queue` read as yes.
fn list_words(name: &str, read: &str, person: u32) -> String {
    match name.strip_prefix("Member of List: ") {
        Some(list) if read == "yes" => format!("person {person} is in {list}"),
        Some(list) => format!("person {person} is not in {list}"),
        None => format!("person {person}'s {name} is {read}"),
    }
}

/// `a, b and c`.
fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        _ => {
            let (last, rest) = parts.split_last().expect("several");
            format!("{} and {last}", rest.join(", "))
        }
    }
}
