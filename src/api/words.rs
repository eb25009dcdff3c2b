//! Marketo words for the compiled parts of a scenario: durations, delays, values, field
//! tests, filters, filter logic, triggers and flow steps. Shared by the campaign reader and
//! the inspector, so both say the same thing the same way.

use crate::engine::dist::{Delay, MAX_DELAY_MS};
use crate::engine::knobs::{Knob, Unit};
use crate::engine::logic::{Expr, Logic};
use crate::engine::model::*;
use crate::engine::scenario::RequestSource;
use crate::engine::value::{Symbols, Test, Value};

/// A duration as people say it: `250 ms`, `1.5 s`, `5 min`, `1 h 30 min`, `2 d 3 h`.
pub fn duration(ms: u64) -> String {
    crate::engine::describe::fmt_duration(ms)
}

/// Simulated time as a clock, to the millisecond: `4:00:00`, `0:59:12.2`, `30 d 4:10:00`.
/// The one way the app's run views (the story, the lesson, the playhead, the scheduler, the
/// violations) write a moment of a run; [`duration`] writes a length of time.
pub fn clock(ms: u64) -> String {
    const D: u64 = 24 * 3_600_000;
    let (days, rest) = (ms / D, ms % D);
    let (h, m, s, frac) = (
        rest / 3_600_000,
        (rest / 60_000) % 60,
        (rest / 1000) % 60,
        rest % 1000,
    );
    let mut out = if days > 0 {
        format!("{days} d {h}:{m:02}:{s:02}")
    } else {
        format!("{h}:{m:02}:{s:02}")
    };
    if frac > 0 {
        let f = format!("{frac:03}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out
}

/// A value as people read it (`(empty)` for no value, times as durations from the start).
pub fn value(syms: &Symbols, v: Value) -> String {
    match v {
        Value::Time(t) => format!("at {}", duration(t)),
        other => syms.show(other),
    }
}

/// A delay distribution: `5 min`, `between 1 s and 10 s`, `about 30 s (random)`.
pub fn delay(d: &Delay) -> String {
    match d {
        Delay::Fixed(v) => duration(*v),
        Delay::Uniform { min, max } if min == max => duration(*min),
        Delay::Uniform { min, max } => {
            format!("between {} and {}", duration(*min), duration(*max))
        }
        Delay::Exponential { mean: 0, .. } => "0 s".to_string(),
        Delay::Exponential { mean, cap } if *cap < MAX_DELAY_MS => format!(
            "about {} (random, at most {})",
            duration(*mean),
            duration(*cap)
        ),
        Delay::Exponential { mean, .. } => format!("about {} (random)", duration(*mean)),
        Delay::Empirical(vs) => match vs.as_slice() {
            [] => "0 s".to_string(),
            [one] => duration(*one),
            many => format!(
                "one of {}",
                many.iter()
                    .map(|v| duration(*v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    }
}

/// A probability in parts per million as a percentage: `5%`, `0.05%`.
pub fn percent(ppm: u32) -> String {
    let whole = ppm / 10_000;
    let frac = ppm % 10_000;
    if frac == 0 {
        format!("{whole}%")
    } else {
        let f = format!("{frac:04}");
        format!("{whole}.{}%", f.trim_end_matches('0'))
    }
}

fn values(syms: &Symbols, vs: &[Value]) -> String {
    vs.iter()
        .map(|v| value(syms, *v))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A field test: `is EMEA`, `is not empty`, `is greater than 999`.
pub fn test(syms: &Symbols, t: &Test) -> String {
    match t {
        Test::Is(vs) => format!("is {}", values(syms, vs)),
        Test::IsNot(vs) => format!("is not {}", values(syms, vs)),
        Test::IsEmpty => "is empty".to_string(),
        Test::IsNotEmpty => "is not empty".to_string(),
        Test::GreaterThan(n) => format!("is greater than {n}"),
        Test::LessThan(n) => format!("is less than {n}"),
    }
}

/// A field as Marketo shows it: its label ("Lead Owner"), or its API name when it has none.
pub fn field(model: &Model, f: FieldId) -> &str {
    model.fields[f as usize].display_name()
}

/// A knob as a user reads it: its label with its unit, `Trigger queue delay (seconds)`
/// (a count has no unit: `Leads`).
pub fn knob_title(k: &Knob) -> String {
    let unit = match k.unit {
        Unit::Ms => "milliseconds",
        Unit::Seconds => "seconds",
        Unit::Minutes => "minutes",
        Unit::Hours => "hours",
        Unit::Days => "days",
        Unit::Percent => "%",
        Unit::Count => return k.display_name().to_string(),
    };
    format!("{} ({unit})", k.display_name())
}

pub fn list(model: &Model, l: ListId) -> &str {
    model.lists[l as usize].as_str()
}

pub fn campaign(model: &Model, c: CampaignId) -> &str {
    model.campaigns[c as usize].name.as_str()
}

fn status(model: &Model, p: ProgramId, s: u16) -> &str {
    model.programs[p as usize].statuses[s as usize].0.as_str()
}

/// A smart-list filter: `Lead Owner is not empty`, `Member of List: Awaiting Owner`.
pub fn filter(model: &Model, syms: &Symbols, f: &FilterModel) -> String {
    match f {
        FilterModel::Field(fid, t) => format!("{} {}", field(model, *fid), test(syms, t)),
        FilterModel::MemberOfList(l, true) => format!("Member of List: {}", list(model, *l)),
        FilterModel::MemberOfList(l, false) => format!("Not Member of List: {}", list(model, *l)),
        FilterModel::ProgramStatus(p, s, is) => format!(
            "Program Status: {} {} {}",
            model.programs[*p as usize].name,
            if *is { "is" } else { "is not" },
            status(model, *p, *s)
        ),
        FilterModel::MemberOfCampaign(c, true) => {
            format!("Member of Smart Campaign: {}", campaign(model, *c))
        }
        FilterModel::MemberOfCampaign(c, false) => {
            format!("Not Member of Smart Campaign: {}", campaign(model, *c))
        }
    }
}

/// Several filters joined by their logic, for one line: `Lead Owner is not empty and …`.
pub fn condition(model: &Model, syms: &Symbols, filters: &[FilterModel], l: &Logic) -> String {
    let texts: Vec<String> = filters.iter().map(|f| filter(model, syms, f)).collect();
    match l {
        _ if texts.is_empty() => "always".to_string(),
        Logic::All => texts.join(" and "),
        Logic::Any => texts.join(" or "),
        Logic::Expr(e) => expr_with(e, &texts, 0),
    }
}

/// Advanced filter logic as written: `1 and (2 or not 3)`; `None` for "all filters".
pub fn logic(l: &Logic) -> Option<String> {
    match l {
        Logic::All => None,
        Logic::Any => Some("any".to_string()),
        Logic::Expr(e) => {
            let numbers: Vec<String> = (1..=expr_max(e) + 1).map(|i| i.to_string()).collect();
            Some(expr_with(e, &numbers, 0))
        }
    }
}

fn expr_max(e: &Expr) -> usize {
    match e {
        Expr::Filter(i) => *i,
        Expr::Not(a) => expr_max(a),
        Expr::And(a, b) | Expr::Or(a, b) => expr_max(a).max(expr_max(b)),
    }
}

/// Prints `e` with leaf `i` as `names[i]`; `outer` is the binding of the context (0: none,
/// 1: inside an `and`, 2: inside a `not`), so parentheses appear only where needed.
fn expr_with(e: &Expr, names: &[String], outer: u8) -> String {
    let (text, binding) = match e {
        Expr::Filter(i) => (names.get(*i).cloned().unwrap_or_default(), 3),
        Expr::Not(a) => (format!("not {}", expr_with(a, names, 2)), 2),
        Expr::And(a, b) => (
            format!("{} and {}", expr_with(a, names, 1), expr_with(b, names, 1)),
            1,
        ),
        Expr::Or(a, b) => (
            format!("{} or {}", expr_with(a, names, 0), expr_with(b, names, 0)),
            0,
        ),
    };
    if binding < outer {
        format!("({text})")
    } else {
        text
    }
}

/// A smart-list trigger: `Fills Out Form: Fast Track`.
pub fn trigger(model: &Model, syms: &Symbols, t: &TriggerModel) -> String {
    match t {
        TriggerModel::PersonIsCreated => "Person is Created".to_string(),
        TriggerModel::FillsOutForm(Some(f)) => format!("Fills Out Form: {}", syms.text(*f)),
        TriggerModel::FillsOutForm(None) => "Fills Out Form: any form".to_string(),
        TriggerModel::DataValueChanges {
            field: f,
            new_value,
            previous_value,
        } => {
            let mut constraints = Vec::new();
            if let Some(t) = new_value {
                constraints.push(format!("new value {}", test(syms, t)));
            }
            if let Some(t) = previous_value {
                constraints.push(format!("previous value {}", test(syms, t)));
            }
            let mut text = format!("Data Value Changes: {}", field(model, *f));
            if !constraints.is_empty() {
                text.push_str(&format!(" ({})", constraints.join("; ")));
            }
            text
        }
        TriggerModel::AddedToList(l) => format!("Added to List: {}", list(model, *l)),
        TriggerModel::RemovedFromList(l) => format!("Removed from List: {}", list(model, *l)),
        TriggerModel::CampaignIsRequested(source) => format!(
            "Campaign is Requested (source: {})",
            match source {
                RequestSource::FlowAction => "Marketo Flow Action",
                RequestSource::WebServiceApi => "Web Service API",
                RequestSource::Any => "any",
            }
        ),
        TriggerModel::ProgramStatusIsChanged { program, status: s } => {
            let p = &model.programs[*program as usize];
            match s {
                Some(s) => format!(
                    "Program Status is Changed: {} (new status: {})",
                    p.name,
                    status(model, *program, *s)
                ),
                None => format!("Program Status is Changed: {}", p.name),
            }
        }
        TriggerModel::ScoreIsChanged(f) => format!("Score is Changed: {}", field(model, *f)),
    }
}

/// A flow action: `Wait 5 min`, `Send Alert: New fast-track lead` (a choice step: `Choice`).
pub fn action(model: &Model, syms: &Symbols, a: &ActionModel) -> String {
    match a {
        ActionModel::ChangeDataValue(f, v) => {
            format!(
                "Change Data Value: {} = {}",
                field(model, *f),
                value(syms, *v)
            )
        }
        ActionModel::ChangeScore(f, d) => format!("Change Score: {} {d}", field(model, *f)),
        ActionModel::AddToList(l) => format!("Add to List: {}", list(model, *l)),
        ActionModel::RemoveFromList(l) => format!("Remove from List: {}", list(model, *l)),
        ActionModel::ChangeProgramStatus(p, s) => format!(
            "Change Program Status: {} → {}",
            model.programs[*p as usize].name,
            status(model, *p, *s)
        ),
        ActionModel::RequestCampaign(c) => format!("Request Campaign: {}", campaign(model, *c)),
        ActionModel::ExecuteCampaign(c) => format!("Execute Campaign: {}", campaign(model, *c)),
        ActionModel::Wait(d) => format!("Wait {}", delay(d)),
        ActionModel::SendEmail(e) => format!("Send Email: {}", syms.text(*e)),
        ActionModel::SendAlert(e) => format!("Send Alert: {}", syms.text(*e)),
        ActionModel::CallWebhook(w) => {
            format!("Call Webhook: {}", model.webhooks[*w as usize].name)
        }
        ActionModel::SyncPersonToCrm => SYNC_PERSON.to_string(),
        ActionModel::RemoveFromFlow => "Remove from Flow".to_string(),
        ActionModel::DoNothing => "Do Nothing".to_string(),
        ActionModel::Choice { branches, default } => {
            // A step with choices is named by its first choice's action type.
            let first = branches.first().map_or(&**default, |(_, _, a)| a);
            match first {
                ActionModel::Choice { .. } => "Choice".to_string(),
                other => format!("{} (with choices)", action_type(other)),
            }
        }
    }
}

/// The CRM sync flow step, as Marketo's flow-step menu names it for a Salesforce CRM.
pub const SYNC_PERSON: &str = crate::engine::describe::SYNC_PERSON;

/// The flow action's type alone: `Change Data Value`, `Send Alert`.
pub fn action_type(a: &ActionModel) -> &'static str {
    match a {
        ActionModel::ChangeDataValue(..) => "Change Data Value",
        ActionModel::ChangeScore(..) => "Change Score",
        ActionModel::AddToList(_) => "Add to List",
        ActionModel::RemoveFromList(_) => "Remove from List",
        ActionModel::ChangeProgramStatus(..) => "Change Program Status",
        ActionModel::RequestCampaign(_) => "Request Campaign",
        ActionModel::ExecuteCampaign(_) => "Execute Campaign",
        ActionModel::Wait(_) => "Wait",
        ActionModel::SendEmail(_) => "Send Email",
        ActionModel::SendAlert(_) => "Send Alert",
        ActionModel::CallWebhook(_) => "Call Webhook",
        ActionModel::SyncPersonToCrm => SYNC_PERSON,
        ActionModel::RemoveFromFlow => "Remove from Flow",
        ActionModel::DoNothing => "Do Nothing",
        ActionModel::Choice { .. } => "Choice",
    }
}

/// The choices of a step, one line each: `If Lead Owner is not empty, then Send Alert: …`,
/// ending with `Default: …`. Empty for a step without choices.
pub fn choices(model: &Model, syms: &Symbols, a: &ActionModel) -> Vec<String> {
    let ActionModel::Choice { branches, default } = a else {
        return Vec::new();
    };
    let mut out: Vec<String> = branches
        .iter()
        .map(|(filters, l, then)| {
            format!(
                "If {}, then {}",
                condition(model, syms, filters, l),
                action(model, syms, then)
            )
        })
        .collect();
    out.push(format!("Default: {}", action(model, syms, default)));
    out
}

/// What breaking an invariant means, in a marketing-operations person's words: the heading
/// of a violation ("Alert sent to no one"). Every invariant kind is listed, so a new one
/// has to say it.
pub fn invariant_title(inv: &InvariantModel) -> &'static str {
    match inv {
        InvariantModel::OneEmailPerEntry { .. } => "Emailed twice for one queue entry",
        InvariantModel::NoEntryLost { .. } => "Queue entry never handled",
        InvariantModel::AlertHasRecipient => "Alert sent to no one",
        InvariantModel::CrmSyncAfter { .. } => "Reached the CRM before enrichment",
        InvariantModel::StageNeverRegresses { .. } => "Lifecycle stage went backwards",
        InvariantModel::CheckpointMonotonic => "Import checkpoint went backwards",
        InvariantModel::NoDuplicateImport => "Record imported twice",
        InvariantModel::NoResponseLost => "Campaign response lost",
        InvariantModel::NoStaleDecision => "Decided on out-of-date data",
        InvariantModel::NoDuplicateAction => "Acted twice on one change",
        InvariantModel::EmailOnlyWhen { .. } => "Email sent when it should not be",
        InvariantModel::EveryoneReachesCrm => "Never reached the CRM",
        InvariantModel::OneAlertPerPerson { .. } => "Alerted more than once",
        InvariantModel::StatusNeverMoves { .. } => "Program status moved back",
        InvariantModel::OnePersonPerEmail { .. } => "Two people for one email address",
        InvariantModel::MarketoValueKept { .. } => "Marketo's change undone by the CRM sync",
    }
}

/// [`invariant_title`] of the invariant named `name` (its stable id) in `model`; the id
/// itself if the model has no such invariant.
pub fn invariant_title_of<'a>(model: &Model, name: &'a str) -> &'a str {
    match model.invariants.iter().find(|i| i.name() == name) {
        Some(inv) => invariant_title(inv),
        None => name,
    }
}

/// "person 3" for a 0-based person id.
pub fn person(p: PersonId) -> String {
    format!("person {}", p + 1)
}

/// "person 3", "people 3 and 7", "people 1, 2, 3 and 12 more" for 1-based numbers.
pub fn people(ps: &[u32]) -> String {
    match ps {
        [] => "nobody".to_string(),
        [one] => format!("person {one}"),
        _ if ps.len() <= 4 => {
            let (last, rest) = ps.split_last().expect("several");
            let rest: Vec<String> = rest.iter().map(|p| p.to_string()).collect();
            format!("people {} and {last}", rest.join(", "))
        }
        _ => {
            let first: Vec<String> = ps[..3].iter().map(|p| p.to_string()).collect();
            format!("people {} and {} more", first.join(", "), ps.len() - 3)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0), "0 s");
        assert_eq!(duration(250), "250 ms");
        assert_eq!(duration(1_500), "1.5 s");
        assert_eq!(duration(30_000), "30 s");
        assert_eq!(duration(300_000), "5 min");
        assert_eq!(duration(90_500), "1 min 30.5 s");
        assert_eq!(duration(5_400_000), "1 h 30 min");
        assert_eq!(duration(86_400_000 * 2 + 3_600_000 * 3), "2 d 3 h");
        assert_eq!(duration(86_400_000 * 30), "30 d");
    }

    #[test]
    fn logic_prints_with_needed_parentheses() {
        let l = Logic::parse(Some("1 and (2 or not 3)"), 3).unwrap();
        assert_eq!(logic(&l).as_deref(), Some("1 and (2 or not 3)"));
        let l = Logic::parse(Some("(1 and 2) or 3"), 3).unwrap();
        assert_eq!(logic(&l).as_deref(), Some("1 and 2 or 3"));
        assert_eq!(logic(&Logic::All), None);
    }

    #[test]
    fn people_lists_stay_short() {
        assert_eq!(people(&[3]), "person 3");
        assert_eq!(people(&[3, 7]), "people 3 and 7");
        assert_eq!(people(&[1, 2, 3, 4, 5, 6]), "people 1, 2, 3 and 3 more");
        assert_eq!(percent(50_000), "5%");
        assert_eq!(percent(500), "0.05%");
    }
}
