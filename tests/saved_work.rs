//! Saved work (src/saved.rs): slot keys, records, oldest-first eviction, the import size
//! limit, and a set-up kept whole even when it is too large for a link.

use racelab::codec;
use racelab::saved::{self, Header, Record, Slot};
use racelab::spec::{RunSpec, ScenarioSource};

fn slot(tab: &str, saved_ms: u64) -> Slot {
    Slot {
        tab: tab.into(),
        header: Header {
            saved_ms,
            title: format!("work of {tab}"),
            detail: String::new(),
        },
    }
}

#[test]
fn each_tab_has_its_own_slot_key() {
    let a = saved::slot_key(saved::WORK, "a1");
    let b = saved::slot_key(saved::WORK, "b2");
    assert_ne!(a, b);
    assert_eq!(saved::tab_of(saved::WORK, &a), Some("a1"));
    assert_eq!(saved::tab_of(saved::WORK, &b), Some("b2"));
    // Other keys (the old single autosave, another namespace) are not slots.
    assert_eq!(saved::tab_of(saved::WORK, "racelab.state"), None);
    assert_eq!(saved::tab_of(saved::WORK, "racelab.builder.a1"), None);
    assert_eq!(saved::tab_of(saved::WORK, "racelab.work."), None);
    assert_ne!(
        saved::new_tab_id(1_700_000, 0),
        saved::new_tab_id(1_700_000, 1)
    );
}

#[test]
fn a_record_keeps_its_header_and_body_exactly() {
    let body = "1.abc\n{\"title\": \"a \\\"quoted\\\" line\nand a newline\"}".to_string();
    let r = Record {
        header: Header {
            saved_ms: 1_764_000_000_000,
            title: "My queue".into(),
            detail: "variant naive · seed 7".into(),
        },
        body,
    };
    let text = r.to_text();
    assert_eq!(Record::from_text(&text), Some(r));
    assert_eq!(
        Record::from_text("1.abcdef"),
        None,
        "an old autosave is not a record"
    );
    assert_eq!(Record::from_text(""), None);
}

#[test]
fn eviction_removes_the_oldest_slots_beyond_the_cap_never_the_own() {
    let slots: Vec<Slot> = (0..5).map(|i| slot(&format!("t{i}"), 100 + i)).collect();
    // Room for the new slot of "new" among a cap of 4: the two oldest go.
    assert_eq!(saved::evictions(&slots, "new", 4), vec!["t0", "t1"]);
    // Writing its own slot again, t0 (the oldest) stays; t1 goes.
    assert_eq!(saved::evictions(&slots, "t0", 4), vec!["t1"]);
    assert!(saved::evictions(&slots, "t3", 5).is_empty());
    assert!(saved::evictions(&slots, "new", 6).is_empty());
}

#[test]
fn the_most_recent_work_comes_first() {
    let slots = vec![slot("a", 300), slot("b", 500), slot("c", 100)];
    assert_eq!(saved::most_recent(&slots, "zz").unwrap().tab, "b");
    assert_eq!(saved::most_recent(&slots, "b").unwrap().tab, "a");
    let list: Vec<String> = saved::others_newest_first(&slots, "a")
        .into_iter()
        .map(|s| s.tab)
        .collect();
    assert_eq!(list, vec!["b", "c"]);
    assert_eq!(saved::ago(10_000, 9_000), "just now");
    assert_eq!(saved::ago(10 * 60_000, 0), "10 min ago");
    assert_eq!(saved::ago(3 * 3_600_000, 0), "3 h ago");
    assert_eq!(saved::ago(3 * 86_400_000, 0), "3 days ago");
}

#[test]
fn imports_over_the_limit_are_refused_before_reading() {
    assert!(saved::check_import_size("ok.json", saved::MAX_IMPORT_BYTES).is_ok());
    let e = saved::check_import_size("big.json", 50 * 1024 * 1024).unwrap_err();
    assert!(e.contains("50.0 MB") && e.contains("up to 1.0 MB"), "{e}");
    assert!(e.contains("Nothing was changed"), "{e}");
    assert_eq!(saved::human_bytes(812), "812 bytes");
    assert_eq!(saved::human_bytes(251 * 1024), "251 KB");
}

/// A valid scenario padded with a long (incompressible) description, `bytes` long or so.
fn large_scenario(bytes: usize) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(racelab::scenarios::source("list-queue").unwrap()).unwrap();
    let mut x: u64 = 1;
    let filler: String = (0..bytes)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from(b'a' + (x >> 59) as u8 % 26)
        })
        .collect();
    v["title"] = serde_json::Value::String(format!("Large {}", &filler[..8]));
    v["summary"] = serde_json::Value::String(filler);
    serde_json::to_string(&v).unwrap()
}

#[test]
fn a_set_up_too_large_for_a_link_is_saved_whole() {
    let json = large_scenario(200 * 1024);
    assert!(racelab::scenarios::parse(&json).is_ok());
    let mut spec = RunSpec::builtin("");
    spec.scenario = ScenarioSource::Custom(json.clone());
    spec.variant = "fixed".into();
    spec.seed = 42;
    spec.view.playhead_ms = 60_000;
    let why = saved::link_for(&spec).unwrap_err();
    assert!(matches!(why, codec::LinkError::TooLarge { .. }), "{why}");
    let told = saved::not_a_link_message(&why);
    assert!(told.contains("too large to share as a link"), "{told}");
    assert!(told.contains("a link holds at most 65,536"), "{told}");
    // The saved body opens again to the same set-up, scenario included.
    let body = saved::work_body(&spec);
    assert!(
        body.len() < json.len() + 1000,
        "the JSON is stored once, as is"
    );
    assert_eq!(saved::work_spec(&body).unwrap(), spec);
    // Over the link's JSON limit: refused without compressing.
    spec.scenario = ScenarioSource::Custom(large_scenario(300 * 1024));
    assert!(saved::link_for(&spec).is_err());
    assert_eq!(saved::work_spec(&saved::work_body(&spec)).unwrap(), spec);
}

#[test]
fn a_small_set_up_is_a_link_and_saves_the_same() {
    let mut spec = RunSpec::builtin("list-queue");
    spec.seed = 7;
    let code = saved::link_for(&spec).unwrap();
    assert_eq!(codec::decode(&code).unwrap(), spec);
    assert_eq!(saved::work_spec(&saved::work_body(&spec)).unwrap(), spec);
    assert_eq!(saved::work_detail(&spec), "variant naive \u{b7} seed 7");
    assert!(saved::work_spec("not a body").is_err());
}

fn claim(tab: &str, started_ms: u64, nonce: u64) -> saved::TabClaim {
    saved::TabClaim {
        tab: tab.into(),
        started_ms,
        nonce,
    }
}

#[test]
fn a_duplicated_tab_is_the_one_that_started_later() {
    let original = claim("a1", 1_000, 9);
    let copy = claim("a1", 5_000, 3);
    assert!(copy.yields_to(&original));
    assert!(!original.yields_to(&copy));
    // Same start: the nonce decides, and exactly one of the two yields.
    let (x, y) = (claim("a1", 7, 1), claim("a1", 7, 2));
    assert!(y.yields_to(&x) && !x.yields_to(&y));
    // Another tab's id is never a reason to change.
    assert!(!claim("b2", 9_000, 0).yields_to(&original));
}

#[test]
fn tab_messages_round_trip_and_junk_is_ignored() {
    for m in [
        saved::TabMessage::Ask(claim("f00", 17, 42)),
        saved::TabMessage::Have(claim("f00", u64::MAX, 0)),
    ] {
        assert_eq!(saved::TabMessage::from_text(&m.to_text()), Some(m));
    }
    for junk in [
        "",
        "ask",
        "ask f00 1",
        "ask f00 x 1",
        "tell f00 1 2",
        "ask a.b 1 2",
        "have f00 1 2 3",
    ] {
        assert_eq!(saved::TabMessage::from_text(junk), None, "{junk:?}");
    }
}

#[test]
fn a_copied_tab_takes_its_slots_in_every_namespace() {
    assert_eq!(
        saved::moved_slot_key("racelab.work.a1", "a1", "b2").as_deref(),
        Some("racelab.work.b2")
    );
    assert_eq!(
        saved::moved_slot_key("racelab.builder.a1", "a1", "b2").as_deref(),
        Some("racelab.builder.b2")
    );
    // Another tab's slot, a key that only ends like the id, and other keys stay.
    for other in [
        "racelab.work.ca1",
        "racelab.work.b2",
        "racelab.tab",
        "racelab.a1",
        "x.work.a1",
    ] {
        assert_eq!(saved::moved_slot_key(other, "a1", "b2"), None, "{other}");
    }
}
