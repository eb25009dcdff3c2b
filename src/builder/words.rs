//! The builder's problems in a Marketo user's words. The engine words its validation errors
//! for scenario authors (``campaign `Drain Queue`: flow step 1: unknown list `Queue` ``);
//! the builder shows each as "Drain Queue, flow step 1: the step uses the list “Queue”,
//! which does not exist. Create the list or choose another." Names are quoted with “ ”, a
//! knob is called by its label, and the scenario format's keys (`push_latency`) are said in
//! words. The engine's own texts (what the CLI prints) stay as they are.

use crate::engine::scenario::Scenario;
use crate::engine::Place;

/// Where a problem is, in words: "Drain Queue, flow step 1, choice 1".
pub fn place(s: &Scenario, places: &[Place]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut step = false;
    for p in places {
        out.push(match p {
            Place::Variant(v) => format!("variant \u{201c}{v}\u{201d}"),
            Place::VariantChange(v) => format!("what variant \u{201c}{v}\u{201d} changes"),
            Place::Campaign(c) => c.clone(),
            Place::FlowStep(i) => {
                step = true;
                format!("flow step {i}")
            }
            Place::Filter(i) if step => format!("filter {i}"),
            Place::Filter(i) => format!("Smart List filter {i}"),
            Place::Choice(i) => format!("choice {i}"),
            Place::Program(n) => format!("program \u{201c}{n}\u{201d}"),
            Place::Webhook(n) => format!("webhook \u{201c}{n}\u{201d}"),
            Place::Job(n) => format!("integration job \u{201c}{n}\u{201d}"),
            Place::Field(n) => format!("field \u{201c}{n}\u{201d}"),
            Place::Invariant(i) => format!("check {i}"),
            Place::PeopleGroup(i) => format!("people group {i}"),
            Place::AssignmentRule(i) => format!("lead assignment rule {i}"),
            Place::ListsEntry(i, l) => format!("change feed list {i} (\u{201c}{l}\u{201d})"),
            Place::ScriptedEvent(i, label) if label.trim().is_empty() => {
                format!("outside event {i}")
            }
            Place::ScriptedEvent(i, label) => format!("outside event {i} ({label})"),
            Place::Injection(i, what) => format!("added event {i} ({})", words(s, what)),
            Place::Setting(n) => setting(n),
        });
    }
    let text = out.join(", ");
    match places.first() {
        Some(Place::Campaign(_)) | None => text,
        Some(_) => capital(&text),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A setting's name in words.
fn setting(key: &str) -> String {
    match key {
        "crm" => "the CRM".into(),
        "queue" => "the campaign queue".into(),
        "horizon" => "the run length".into(),
        "latency" => "the response time".into(),
        other => words_of_key(other),
    }
}

/// The kinds of thing the engine reports as "unknown …", with Marketo's word for each.
const KINDS: [(&str, &str); 9] = [
    ("list", "list"),
    ("field", "field"),
    ("campaign", "smart campaign"),
    ("program", "program"),
    ("webhook", "webhook"),
    ("knob", "knob"),
    ("variant", "variant"),
    ("job", "integration job"),
    ("API client", "API client"),
];

/// What is wrong at `places`, in words, starting with a capital and ending with a full stop.
pub fn problem(s: &Scenario, places: &[Place], what: &str) -> String {
    let subject = match places.last() {
        Some(Place::Filter(_)) => "the filter",
        Some(Place::FlowStep(_)) => "the step",
        Some(Place::Choice(_)) => "the choice",
        Some(Place::ScriptedEvent(..)) => "the event",
        Some(Place::AssignmentRule(_)) => "the rule",
        Some(Place::Invariant(_)) => "the check",
        _ => "the scenario",
    };
    said(s, subject, what)
}

/// What is wrong, said of `subject` ("the trigger", "the step"), with a capital and a full
/// stop.
pub fn said(s: &Scenario, subject: &str, what: &str) -> String {
    let text = special(s, subject, what).unwrap_or_else(|| words(s, what));
    let mut out = capital(text.trim());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// The whole problem: its place, then what is wrong.
pub fn issue_text(s: &Scenario, places: &[Place], what: &str) -> String {
    let at = place(s, places);
    let what = problem(s, places, what);
    if at.is_empty() {
        what
    } else {
        format!("{at}: {what}")
    }
}

/// Problems that read better said again whole.
fn special(s: &Scenario, subject: &str, what: &str) -> Option<String> {
    if let Some(rest) = what.strip_prefix("unknown ") {
        for (kind, word) in KINDS {
            if let Some(name) = rest.strip_prefix(kind).and_then(|r| r.strip_prefix(" `")) {
                let name = name.split('`').next().unwrap_or(name);
                let name = knob_label(s, kind, name);
                return Some(format!(
                    "{subject} uses the {word} \u{201c}{name}\u{201d}, which does not exist. \
                     Create the {word} or choose another"
                ));
            }
        }
    }
    if what.ends_with("needs a `crm` in systems") {
        let head = what.trim_end_matches("needs a `crm` in systems");
        return Some(format!(
            "{head}needs a CRM, and the scenario has none. Add one in the CRM (Salesforce) panel"
        ));
    }
    if let Some((range, has)) = what
        .strip_prefix("people ")
        .and_then(|r| r.split_once(" do not exist (the scenario has "))
    {
        let (a, b) = range.split_once("..").unwrap_or((range, range));
        let has = has.trim_end_matches(')');
        return Some(if a == b {
            format!("person {a} does not exist (the scenario has {has} people)")
        } else {
            format!("people {a} to {b} do not exist (the scenario has {has} people)")
        });
    }
    if let Some(rest) = what.strip_prefix("horizon ") {
        if let Some((ms, must)) = rest.split_once(" must ") {
            return Some(format!("the run length ({ms}) must {must}"));
        }
    }
    if let Some(v) = what.strip_suffix(" is not a valid duration") {
        return Some(format!("a time cannot be negative ({v} ms)"));
    }
    if let Some((knob, rest)) = what
        .strip_prefix("knob `")
        .and_then(|r| r.split_once("` has unit "))
    {
        if rest.ends_with("which does not fit here") {
            let label = knob_label(s, "knob", knob);
            return Some(format!(
                "the knob \u{201c}{label}\u{201d} is not a time (it counts things or is a \
                 percentage), so it cannot set how long something takes. Choose a knob in \
                 ms, s, min, h or days"
            ));
        }
    }
    if let Some(rest) = what.strip_prefix("program `") {
        if let Some((p, status)) = rest.split_once("` has no status `") {
            let status = status.trim_end_matches('`');
            return Some(format!(
                "the program \u{201c}{p}\u{201d} has no status \u{201c}{status}\u{201d}. Add \
                 the status to the program or choose another"
            ));
        }
    }
    None
}

/// A knob's label (a knob is shown by its label), else the name as it is.
fn knob_label(s: &Scenario, kind: &str, name: &str) -> String {
    let knob = (kind == "knob")
        .then(|| s.knobs.iter().find(|k| k.name == name))
        .flatten();
    match knob.and_then(|k| k.label.clone()) {
        Some(label) => label,
        None => name.to_string(),
    }
}

/// The engine's text with each `name` quoted as “name” (a knob by its label), each key of
/// the scenario format said in words, and "ms" amounts kept.
fn words(s: &Scenario, what: &str) -> String {
    let mut out = String::new();
    for (i, part) in what.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(&plain_keys(part));
        } else if let Some(k) = s.knobs.iter().find(|k| k.name == part) {
            let label = k.label.clone().unwrap_or_else(|| words_of_key(part));
            out.push_str(&format!("\u{201c}{label}\u{201d}"));
        } else if is_key(part) {
            out.push_str(&words_of_key(part));
        } else {
            out.push_str(&format!("\u{201c}{part}\u{201d}"));
        }
    }
    out
}

/// Whether `w` is a key of the scenario format (`push_latency`, `crm`), not a user's name.
fn is_key(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && (w.contains('_') || GLOSSARY.iter().any(|(k, _)| *k == w))
}

/// Keys of the scenario format and what a Marketo user calls them.
const GLOSSARY: [(&str, &str); 24] = [
    ("crm", "a CRM"),
    ("respond", "fixed answer"),
    ("steps", "steps"),
    ("after", "after"),
    ("people", "people"),
    ("fields", "fields"),
    ("name", "name"),
    ("campaign", "campaign"),
    ("writes_back_late", "writes back late"),
    ("person_creation", "person creation"),
    ("record_every", "record every"),
    ("rest_api", "REST API"),
    ("response_feed", "response feed"),
    ("change_feed", "change feed"),
    ("run_time", "run time"),
    ("epoch_reset", "reset interval"),
    ("cold_start", "cold start chance"),
    ("batch_size", "batch size"),
    ("sync_cpu_limit", "synchronous CPU limit"),
    ("push_latency", "CRM push time"),
    ("sync_interval", "background sync interval"),
    ("extra_ms", "the extra delay (ms)"),
    ("list_entry", "list entry"),
    ("max_concurrent", "most calls at once"),
];

/// A key in words: the glossary's, else its parts joined by spaces.
fn words_of_key(key: &str) -> String {
    match GLOSSARY.iter().find(|(k, _)| *k == key) {
        Some((_, w)) => w.to_string(),
        None => key.replace('_', " "),
    }
}

/// Snake-case keys outside quotes (`extra_ms = 0`, `run_time: …`) in words.
fn plain_keys(text: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('_') && is_key(word) {
            out.push_str(&words_of_key(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}
