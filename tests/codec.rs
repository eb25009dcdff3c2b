//! The share-link codec (`racelab::codec`): round trips over many random run specs, golden
//! version-1 links that pin the format, bad links and limits named in the error, every kind of
//! injected event in a link, and a decoded link that runs to the same trace hash as the spec it
//! came from. Damaged and fuzzed links are in `codec_damaged`.

use crate::common::codec::{code_for_payload, golden, link_of, payload_of, unbase64, Gen};
use racelab::codec::{self, LinkError};
use racelab::engine::scenario::{Injection, OutsideEvent, PeopleSelector};
use racelab::spec::{Lesson, RunSpec, ScenarioSource};
use serde_json::json;
use std::collections::BTreeMap;

#[test]
fn random_specs_round_trip_exactly() {
    let mut g = Gen::new(0xC0DEC);
    for i in 0..3000 {
        let spec = g.spec();
        let code = codec::encode(&spec);
        assert!(code.starts_with("1."), "{code}");
        assert!(
            code[2..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "not URL-safe: {code}"
        );
        for link in [
            code.clone(),
            format!("#{code}"),
            format!("http://127.0.0.1:8080/#{code}"),
            format!("  https://example.org/racelab/index.html?x=1#{code}\n"),
        ] {
            assert_eq!(codec::decode(&link), Ok(spec.clone()), "spec {i}: {link}");
        }
        assert_eq!(codec::encode_checked(&spec), Ok(code));
    }
}

#[test]
fn a_built_in_scenario_is_a_short_link_and_a_custom_one_carries_its_json() {
    let spec = RunSpec::builtin("list-queue");
    assert!(codec::encode(&spec).len() < 60, "{}", codec::encode(&spec));
    let json = racelab::scenarios::source("list-queue").unwrap();
    let custom = RunSpec {
        scenario: ScenarioSource::Custom(json.to_string()),
        ..spec
    };
    let code = codec::encode(&custom);
    // Compressed: the JSON (23 KB) travels in far fewer characters.
    assert!(code.len() < json.len() / 2, "{} chars", code.len());
    assert_eq!(codec::decode(&code).unwrap(), custom);
}

#[test]
fn golden_version_1_links_are_stable() {
    for (spec, code) in golden() {
        let today = codec::encode(&spec);
        assert_eq!(
            payload_of(&today),
            payload_of(code),
            "the payload of {spec:?} changed"
        );
        assert_eq!(codec::decode(&today), Ok(spec.clone()));
        assert_eq!(codec::decode(code), Ok(spec.clone()));
        assert_eq!(
            codec::decode(&format!("http://127.0.0.1:8080/#{code}")),
            Ok(spec)
        );
    }
}

#[test]
fn each_kind_of_bad_link_says_what_is_wrong() {
    let good = codec::encode(&RunSpec::builtin("list-queue"));
    let message = |link: &str| codec::decode(link).unwrap_err().to_string();
    for link in [
        "",
        "   ",
        "http://127.0.0.1:8080/",
        "http://127.0.0.1:8080/#",
        "hello",
    ] {
        assert!(
            message(link).contains("not a Race Lab link"),
            "{link:?}: {}",
            message(link)
        );
    }
    let bad_char = format!("{}%{}", &good[..5], &good[5..]);
    assert!(message(&bad_char).contains("`%`"), "{}", message(&bad_char));
    for version in ["2", "17", "999999999"] {
        let link = format!("{version}.{}", &good[2..]);
        assert_eq!(
            codec::decode(&link),
            Err(LinkError::UnknownVersion(version.parse().unwrap()))
        );
        assert_eq!(
            message(&link),
            format!(
                "the link has version {version}, made by a newer Race Lab; this one reads \
                 versions 1..=1"
            )
        );
    }
    // The version is read first: even a future version's unreadable body is "a newer version".
    assert_eq!(codec::decode("2.~~~"), Err(LinkError::UnknownVersion(2)));
    for bad_version in ["0.abc", "01.abc", "x.abc", ".abc", "1234567890.abc"] {
        assert!(
            message(bad_version).contains("not a Race Lab link"),
            "{bad_version}"
        );
    }
    let truncated = &good[..good.len() - 3];
    assert!(
        message(truncated).contains("truncated or damaged"),
        "{}",
        message(truncated)
    );
    // A wrong checksum: the same body under another spec's checksum.
    let bytes = unbase64(&good[2..]);
    let mut other = unbase64(&codec::encode(&RunSpec::builtin("free-trial"))[2..]);
    other.truncate(4);
    other.extend_from_slice(&bytes[4..]);
    let swapped = link_of(&other);
    assert_eq!(
        message(&swapped),
        "the link is truncated or damaged (its checksum does not match); copy the whole link again"
    );
    let huge = format!("1.{}", "A".repeat(codec::MAX_LINK_CHARS));
    assert_eq!(
        message(&huge),
        format!(
            "the link is too large: {} characters of link code, the limit is 65536",
            codec::MAX_LINK_CHARS + 2
        )
    );
}

#[test]
fn limits_are_enforced_and_named() {
    let mut spec = RunSpec::builtin("list-queue");
    let event = OutsideEvent::AddToList("Queue".into());
    spec.injections = vec![
        Injection {
            at_ms: 1,
            people: PeopleSelector::All,
            event,
        };
        codec::MAX_INJECTIONS + 1
    ];
    let err = codec::encode_checked(&spec).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the link is too large: 1001 injections, the limit is 1000"
    );
    spec.injections.truncate(codec::MAX_INJECTIONS);
    assert!(codec::encode_checked(&spec).is_ok());

    let mut spec = RunSpec::builtin("list-queue");
    spec.schedule = vec![1; codec::MAX_SCHEDULE + 1];
    assert!(codec::encode_checked(&spec)
        .unwrap_err()
        .to_string()
        .contains("100001 schedule entries, the limit is 100000"));

    let mut spec = RunSpec::builtin("list-queue");
    spec.variant = "v".repeat(codec::MAX_NAME_BYTES + 1);
    assert!(codec::encode_checked(&spec)
        .unwrap_err()
        .to_string()
        .contains("257 bytes in variant"));

    // A payload that inflates past 1 MiB (a "zip bomb") stops at the limit.
    let bomb = code_for_payload(&vec![0u8; codec::MAX_PAYLOAD_BYTES + 1]);
    assert!(bomb.len() < codec::MAX_LINK_CHARS, "{}", bomb.len());
    assert_eq!(
        codec::decode(&bomb).unwrap_err().to_string(),
        "the link is too large: more than 1048576 bytes of decompressed payload"
    );
}

#[test]
fn content_errors_name_the_field() {
    let good = codec::encode(&RunSpec::builtin("list-queue"));
    let payload = payload_of(&good);
    let message = |payload: &[u8]| {
        codec::decode(&code_for_payload(payload))
            .unwrap_err()
            .to_string()
    };
    // Scenario tag 7 does not exist.
    let mut p = payload.clone();
    p[0] = 7;
    assert_eq!(
        message(&p),
        "the link's content is invalid: scenario: unknown kind 7"
    );
    // Cut short, and with bytes after the end.
    assert!(message(&payload[..payload.len() - 1]).contains("view presentation"));
    // After the view only an optional section may follow: the lesson (tag 1), nothing else.
    let mut p = payload.clone();
    p.push(0);
    assert_eq!(
        message(&p),
        "the link's content is invalid: lesson: unknown kind 0"
    );
    let mut p = payload.clone();
    p.extend([1, 0, 0, 0]);
    assert!(message(&p).contains("end: 1 unexpected bytes"));
    p.truncate(p.len() - 2);
    assert!(message(&p).contains("lesson fix: the data ends before it"));
    // An injected event that is not an outside event.
    let mut spec = RunSpec::builtin("list-queue");
    spec.injections.push(Injection {
        at_ms: 5,
        people: PeopleSelector::All,
        event: OutsideEvent::AddToList("Q".into()),
    });
    let p = payload_of(&codec::encode(&spec));
    let text = br#"{"add_to_list":"Q"}"#;
    let at = p.windows(text.len()).position(|w| w == text).unwrap();
    let mut bad = p.clone();
    bad[at + 2] = b'x';
    let m = message(&bad);
    assert!(m.contains("injection 1 event: not an outside event"), "{m}");
    // Knobs out of order.
    let mut spec = RunSpec::builtin("list-queue");
    spec.knobs = BTreeMap::from([("a".into(), 1), ("b".into(), 2)]);
    let p = payload_of(&codec::encode(&spec));
    let at = p.windows(3).position(|w| w == [1, b'a', 2]).unwrap();
    let mut bad = p.clone();
    bad[at + 1] = b'c';
    assert!(message(&bad).contains("knobs: `b` is out of order"));
}

/// Every kind of outside event, with text that JSON escapes, survives a link: the event's
/// JSON as serde_json writes it reads back to the same event.
#[test]
fn every_kind_of_injected_event_survives_a_link() {
    use OutsideEvent as E;
    let mut texts: Vec<String> = [
        "",
        "Demo Request",
        "say \"hi\"",
        r"back\slash \\ \n \u0041",
        "tab\tnew line\ncarriage\rbell\u{7}nul\0",
        "naïve 🙂 日本 \u{2028}\u{2029} \u{feff} \u{ffff} \u{10ffff}",
        "</script> & < > ' {braces} [brackets] /slash",
    ]
    .map(String::from)
    .to_vec();
    texts.push((0u8..0x20).map(char::from).collect());
    let values = [
        json!(null),
        json!(true),
        json!(0),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1.5),
        json!(-0.0),
        json!(1e300),
        json!(0.1),
        json!("MQL"),
        json!([]),
        json!({}),
        json!(["x", 1, {"zeta": "\"", "alpha": [null, "\u{1}"]}]),
    ];
    let mut events = Vec::new();
    for t in &texts {
        events.extend([
            E::FillsOutForm(t.clone()),
            E::AddToList(t.clone()),
            E::RequestCampaign(t.clone()),
            E::RunBatchCampaign(t.clone()),
            E::AssignOwnerInCrm(t.clone()),
            E::RunJobNow(t.clone()),
            E::ChangeEventArrives { field: t.clone() },
            E::ChangeEventRedelivered,
            E::DelayWebhook {
                webhook: t.clone(),
                extra_ms: u64::MAX,
            },
            E::ResponsesArrive { count: u32::MAX },
            E::SyncPersonByApi(t.clone()),
        ]);
        events.extend(values.iter().map(|v| E::ChangeDataValue {
            field: t.clone(),
            value: v.clone(),
        }));
    }
    // The `match` stops compiling when a kind of event is added: add it above too.
    let mut seen = [false; 12];
    for e in &events {
        seen[match e {
            E::FillsOutForm(_) => 0,
            E::AddToList(_) => 1,
            E::ChangeDataValue { .. } => 2,
            E::RequestCampaign(_) => 3,
            E::RunBatchCampaign(_) => 4,
            E::AssignOwnerInCrm(_) => 5,
            E::RunJobNow(_) => 6,
            E::ChangeEventArrives { .. } => 7,
            E::ChangeEventRedelivered => 8,
            E::DelayWebhook { .. } => 9,
            E::ResponsesArrive { .. } => 10,
            E::SyncPersonByApi(_) => 11,
        }] = true;
    }
    assert!(seen.iter().all(|&s| s), "every kind of event is tried");
    let mut spec = RunSpec::builtin("list-queue");
    spec.injections = (events.into_iter())
        .map(|event| Injection {
            at_ms: 1,
            people: PeopleSelector::All,
            event,
        })
        .collect();
    let code = codec::encode_checked(&spec).expect("every event survives");
    assert_eq!(codec::decode(&code), Ok(spec.clone()));
    // The payload carries each event as serde_json writes it.
    let payload = payload_of(&code);
    for inj in &spec.injections {
        let text = serde_json::to_string(&inj.event).unwrap();
        assert!(
            payload.windows(text.len()).any(|w| w == text.as_bytes()),
            "{text}"
        );
    }
}

#[test]
fn a_decoded_link_runs_to_the_same_trace_hash() {
    for id in racelab::scenarios::ids() {
        let scenario = racelab::scenarios::builtin(id).unwrap();
        let main = scenario.knobs.iter().find(|k| k.main).unwrap();
        for variant in ["naive", "fixed"] {
            let mut spec = RunSpec::builtin(id);
            spec.variant = variant.into();
            spec.seed = 12345;
            spec.knobs.insert(main.name.clone(), main.max);
            if let Some(s) = scenario.script.first() {
                spec.injections.push(Injection {
                    at_ms: 1_000,
                    people: s.people.clone(),
                    event: s.event.clone(),
                });
            }
            let back = codec::decode(&codec::encode(&spec)).unwrap();
            assert_eq!(back, spec);
            let run = |spec: &RunSpec| {
                let (s, config) = spec.resolve().unwrap();
                racelab::api::run(&s, &config, spec.seed).unwrap()
            };
            let (a, b) = (run(&spec), run(&back));
            assert_eq!(a.trace_hash, b.trace_hash, "{id} {variant}");
            assert_eq!(a.events, b.events);
            // The injection took part: the run differs from the one without it.
            let mut plain = spec.clone();
            plain.injections.clear();
            if !spec.injections.is_empty() {
                assert_ne!(run(&plain).trace_hash, a.trace_hash, "{id} {variant}");
            }
            // The same scenario carried as JSON runs the same way.
            let custom = RunSpec {
                scenario: ScenarioSource::Custom(racelab::scenarios::source(id).unwrap().into()),
                ..spec.clone()
            };
            let back = codec::decode(&codec::encode(&custom)).unwrap();
            assert_eq!(
                run(&back).trace_hash,
                a.trace_hash,
                "{id} {variant} as JSON"
            );
        }
    }
}

/// A lesson travels in a version-1 link as an optional section after the view: a link
/// without one is byte for byte what it was before lessons existed (so every old link opens
/// to the same set-up, with no lesson), and a lesson link opens to the same lesson.
#[test]
fn a_lesson_link_round_trips_and_old_links_open_without_a_lesson() {
    for (spec, code) in golden() {
        assert_eq!(spec.view.lesson, None);
        assert_eq!(codec::decode(code).unwrap(), spec);
        for lesson in [
            Lesson::default(),
            Lesson {
                violation: 7,
                fix: Some("fixed".into()),
            },
            Lesson {
                violation: u32::MAX,
                fix: Some("naïve 🙂".into()),
            },
        ] {
            let mut taught = spec.clone();
            taught.view.lesson = Some(lesson.clone());
            let link = codec::encode_checked(&taught).unwrap();
            assert_eq!(codec::decode(&link), Ok(taught.clone()));
            // The old payload, then the lesson: nothing before it moved.
            let (old, new) = (payload_of(code), payload_of(&link));
            assert_eq!(&new[..old.len()], &old[..], "{lesson:?}");
            assert_eq!(new[old.len()], 1, "the lesson section's tag");
            // Opening it as a link keeps the lesson (the app takes it from there).
            assert_eq!(taught.clone().opened_from_link().view.lesson, Some(lesson));
        }
    }
    // A lesson link made today, pinned: lesson links keep opening too.
    let mut spec = RunSpec::builtin("list-queue");
    spec.view.tab = racelab::spec::Tab::Run;
    spec.view.lesson = Some(Lesson {
        violation: 1,
        fix: Some("fenced".into()),
    });
    assert_eq!(codec::decode(LESSON_LINK), Ok(spec.clone()));
    assert_eq!(payload_of(&codec::encode(&spec)), payload_of(LESSON_LINK));
}

/// `RunSpec::builtin("list-queue")` on the run tab, teaching violation 2 with `fenced`.
const LESSON_LINK: &str = "1.-G597mPgysksLtEtLE0tTWXNS8wsS2VkTcusSE1hYGQAIRBgZGRkS0vNS05NAQA";
