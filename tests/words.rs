//! The words a user reads: lessons, summaries and variant descriptions without knob ids,
//! a label on every field and knob, a named source for every lesson, and a glossary entry for
//! every technical word a lesson uses; the Reader, the trace and the CLI use the labels.

use crate::common::{builtin, config};
use racelab::api::{self, glossary};
use racelab::engine::Scenario;

/// Every built-in scenario.
fn checked() -> Vec<Scenario> {
    racelab::scenarios::all()
}

/// Whether `name` reads as an id rather than as a word: ids join words with `_` or carry a
/// digit (`alert_wait_min`); a knob named with a plain word (`people`, `days`) is an
/// ordinary word in a sentence.
fn looks_like_an_id(name: &str) -> bool {
    name.contains('_') || name.chars().any(|c| c.is_ascii_digit())
}

#[test]
fn no_lesson_summary_or_variant_description_quotes_a_knob_id() {
    let all = racelab::scenarios::all();
    // Every knob id of any built-in: a lesson must not quote another scenario's either.
    let ids: Vec<String> = (all.iter())
        .flat_map(|s| s.knobs.iter().map(|k| k.name.clone()))
        .filter(|n| looks_like_an_id(n))
        .collect();
    assert!(ids.iter().any(|n| n == "alert_wait_min"));
    let scenarios = checked();
    assert!(scenarios.len() >= 2, "the test covers something");
    for s in scenarios {
        let mut texts = vec![("summary", s.summary.clone()), ("lesson", s.lesson.clone())];
        for v in &s.variants {
            texts.push(("variant description", v.description.clone()));
        }
        for (what, text) in texts {
            for id in &ids {
                assert!(
                    !glossary::mentions(&text, id),
                    "{}: the {what} quotes the knob id `{id}`; name the knob by its label",
                    s.id
                );
            }
        }
    }
}

#[test]
fn the_knob_id_check_catches_an_id() {
    assert!(glossary::mentions(
        "Turn alert_wait_min up",
        "alert_wait_min"
    ));
    assert!(looks_like_an_id("redelivery_ppm"));
    assert!(!looks_like_an_id("people"));
}

#[test]
fn every_field_and_knob_has_a_label_and_every_lesson_a_source() {
    for s in checked() {
        for f in &s.fields {
            let label = f.label.as_deref().unwrap_or("");
            assert!(
                !label.trim().is_empty() && label != f.name,
                "{}: field `{}` has no label",
                s.id,
                f.name
            );
        }
        for k in &s.knobs {
            let label = k.label.as_deref().unwrap_or("");
            assert!(
                !label.trim().is_empty() && label != k.name,
                "{}: knob `{}` has no label",
                s.id,
                k.name
            );
        }
        assert!(!s.source.trim().is_empty(), "{}: no source", s.id);
    }
}

/// Technical words a lesson may use: each one found in a lesson (its summary and variant
/// descriptions included) needs a glossary entry that the lesson's "Words used" panel lists.
const TECHNICAL_WORDS: &[&str] = &[
    "assignment rules",
    "asynchronous",
    "async",
    "at-least-once",
    "at least once",
    "at-most-once",
    "at most once",
    "background sync",
    "backoff",
    "batch campaign",
    "batch size",
    "campaign queue",
    "trigger queue",
    "checkpoint",
    "high-water mark",
    "cold",
    "compare-and-swap",
    "compare-and-set",
    "CAS",
    "consumer",
    "CPU limit",
    "CPU time",
    "createOnly",
    "createOrUpdate",
    "custom object",
    "dedupe",
    "epoch",
    "fencing token",
    "idempotent",
    "idempotency",
    "key-value store",
    "lease",
    "lock",
    "UNABLE_TO_LOCK_ROW",
    "message id",
    "primary",
    "quota",
    "race condition",
    "race",
    "rate limit",
    "replica",
    "replica lag",
    "read-your-writes",
    "redelivery",
    "redelivered",
    "REST API",
    "serverless",
    "static list",
    "synchronous",
    "trigger campaign",
    "version",
    "webhook",
    "webhook timeout",
    "timeout",
    "trigger",
];

#[test]
fn every_technical_word_in_a_lesson_has_a_glossary_entry() {
    for s in racelab::scenarios::all() {
        let text = glossary::lesson_text(&s);
        let listed = glossary::lesson_terms(&s);
        for word in TECHNICAL_WORDS {
            if glossary::mentions(&text, word) {
                assert!(
                    listed
                        .iter()
                        .any(|t| t.forms.iter().any(|f| f.eq_ignore_ascii_case(word))),
                    "{}: the lesson uses \"{word}\" but no glossary entry explains it",
                    s.id
                );
            }
        }
        assert!(!listed.is_empty(), "{}: no glossary word at all?", s.id);
    }
}

#[test]
fn the_glossary_lists_the_words_of_each_lesson() {
    let terms = |id: &str| -> Vec<&str> {
        glossary::lesson_terms(&builtin(id))
            .iter()
            .map(|t| t.term)
            .collect()
    };
    let alert = terms("alert-before-owner");
    for t in [
        "assignment rules",
        "background sync",
        "race condition",
        "static list",
    ] {
        assert!(
            alert.contains(&t),
            "alert-before-owner lacks {t}: {alert:?}"
        );
    }
    assert!(!alert.contains(&"lease"), "{alert:?}");
    let replicas = terms("replica-cascade");
    for t in [
        "read replica",
        "replica lag",
        "idempotent",
        "at-least-once",
        "message id",
    ] {
        assert!(
            replicas.contains(&t),
            "replica-cascade lacks {t}: {replicas:?}"
        );
    }
}

#[test]
fn the_reader_trace_and_violations_use_field_labels_and_marketo_step_names() {
    let s = builtin("alert-before-owner");
    let fixed = api::campaign_views(&s, "fixed").unwrap();
    let alert = (fixed.campaigns.iter())
        .find(|c| c.name == "Send Owner Alert")
        .unwrap();
    assert!(alert
        .triggers
        .contains(&"Data Value Changes: Lead Owner (new value is not empty)".to_string()));
    assert!(alert
        .filters
        .contains(&"Lead Owner is not empty".to_string()));
    let sync = &fixed.campaigns[0];
    assert_eq!(sync.flow[0].text, "1. Sync Person to SFDC");
    let crm = fixed.systems.iter().find(|x| x.name == "CRM").unwrap();
    assert!(
        crm.lines.iter().any(|l| l.contains("Lead Owner field")),
        "{crm:?}"
    );
    assert!(
        crm.lines.iter().any(|l| l.contains("If Region is EMEA")),
        "{crm:?}"
    );
    // The trace says "Lead Owner changes from …", never the API name.
    let rows = api::trace(&s, &config("fixed"), 1).unwrap();
    assert!(rows
        .iter()
        .any(|r| r.details.starts_with("Lead Owner changes from")));
    assert!(rows.iter().all(|r| !r.details.contains("owner changes")));
    assert!(rows
        .iter()
        .any(|r| r.details == "Sync Person to SFDC: pushed"));
    // A violation names the field by its label too.
    let s = builtin("lifecycle-overwrite");
    let r = api::run(&s, &config("naive"), 1).unwrap();
    let v = r
        .violations
        .first()
        .expect("the naive variant violates at seed 1");
    assert!(
        v.message.contains("\"Lifecycle Stage\" went back"),
        "{}",
        v.message
    );
}

#[test]
fn choices_read_if_then_default() {
    let s = builtin("lifecycle-overwrite");
    let fixed = api::campaign_views(&s, "fixed-request").unwrap();
    let central = (fixed.campaigns.iter())
        .find(|c| c.name == "Lifecycle Central")
        .unwrap();
    assert_eq!(
        central.flow[0].choices,
        [
            "If CRM Status is Working, then Change Data Value: Lifecycle Stage = SQL",
            "If Lead Score is greater than 99, then Change Data Value: Lifecycle Stage = MQL",
            "Default: Do Nothing"
        ]
    );
}

#[test]
fn knob_titles_carry_label_and_unit() {
    let s = builtin("alert-before-owner");
    let title = |n: &str| api::knob_title(s.knobs.iter().find(|k| k.name == n).unwrap());
    assert_eq!(title("alert_wait_min"), "Alert wait (minutes)");
    assert_eq!(title("trigger_delay_s"), "Trigger queue delay (seconds)");
    assert_eq!(title("people"), "Leads");
    // A knob without a label shows its id.
    let mut k = s.knobs[0].clone();
    k.label = None;
    assert_eq!(api::knob_title(&k), "alert_wait_min (minutes)");
}

#[test]
fn describe_names_the_source_and_the_knob_labels() {
    let out = crate::common::cli::racelab(&["describe", "alert-before-owner"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Source: Justin Norris, “How to Control Order of Operations in Marketo”"),
        "{text}"
    );
    assert!(
        text.contains("alert_wait_min       Alert wait (minutes): default 5 min"),
        "{text}"
    );
    let out = crate::common::cli::racelab(&["describe", "alert-before-owner", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["source"].as_str().unwrap().starts_with("Justin Norris"));
    assert_eq!(v["knobs"][0]["label"], "Alert wait");
}

/// A violation is headed by what it means ("Alert sent to no one"), not by the check's id;
/// the id stays at hand (the button's tooltip, the JSON). Every invariant of every built-in
/// has such a heading, and the Leads table's verdicts use it too.
#[test]
fn violations_are_headed_in_plain_words() {
    for s in racelab::scenarios::all() {
        let model = racelab::engine::compile(&s, &Default::default()).unwrap();
        for inv in &model.invariants {
            let title = api::invariant_title(inv);
            assert!(
                !title.contains(inv.name())
                    && title.contains(' ')
                    && title.chars().next().is_some_and(char::is_uppercase),
                "{}: {} reads as {title:?}",
                s.id,
                inv.name()
            );
        }
    }
    let s = builtin("alert-before-owner");
    let view = api::run_view(&s, &config("naive"), 1, &[]).unwrap();
    let v = &view.violations[0];
    assert_eq!(v.invariant, "alert-has-recipient");
    assert_eq!(v.title, "Alert sent to no one");
    let person = (view.outcomes.people.iter())
        .find(|p| p.affected)
        .expect("an affected lead");
    assert_eq!(person.violations[0].title, "Alert sent to no one");
}
