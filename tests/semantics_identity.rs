//! People identified by email (systems `person_creation`): a submission for a new address
//! looks it up, then inserts after a gap, so two submissions inside the gap create two
//! records; `update_only` API clients never create; `after` times an event from an earlier
//! one; and the `one_person_per_email` invariant, however a duplicate arises.

use crate::common::*;
use serde_json::{json, Value as Json};

/// One new person (signup1@example.com), a form fill at 0 and an API call at `api_at` ms;
/// the insert takes exactly 1 s after the lookup.
fn two_posts(api_at: u64, action: &str) -> Json {
    json!({
        "fields": text_fields(&["email"]),
        "people": [{ "unborn": true, "fields": { "email": "signup{n}@example.com" } }],
        "campaigns": [{ "name": "Welcome", "flow": [{ "send_email": "Welcome" }],
                        "smart_list": { "triggers": ["person_is_created"] } }],
        "systems": { "person_creation": {
            "insert_gap": { "fixed": 1000 },
            "api_clients": [{ "name": "Page Tool", "action": action, "retry_after": 60000 }] } },
        "script": [fill("Sign-up", 1, 0),
                   outside(json!({ "sync_person_by_api": "Page Tool" }), 1, api_at)],
        "invariants": ["one_person_per_email"],
    })
}

#[test]
fn a_second_submission_inside_the_insert_gap_creates_a_second_record() {
    let d = run_json(two_posts(500, "create_or_update"));
    // Person 2 is person 1's spare record: same address, created by the API call.
    assert_eq!(d.times("person-created", 1), vec![1000]);
    assert_eq!(d.times("person-created", 2), vec![1500]);
    assert_eq!(d.value(2, "email"), "signup1@example.com");
    assert_eq!(d.times("filled-out-form", 1), vec![1000]);
    assert_eq!(
        d.qualified("Welcome"),
        vec![1, 2],
        "each record gets the welcome"
    );
    assert_eq!(d.out.violations.len(), 1);
    let v = &d.out.violations[0];
    assert_eq!(v.invariant, "one-person-per-email");
    assert_eq!((v.time_ms, v.person), (1500, Some(2)));
    assert!(v.message.contains("signup1@example.com"), "{}", v.message);
    let created_first = d.events_of("person-created", 1)[0].id;
    assert!(v.witness.contains(&created_first), "{:?}", v.witness);
}

#[test]
fn a_submission_after_the_insert_finds_the_person() {
    let d = run_json(two_posts(1500, "create_or_update"));
    assert_eq!(d.times("person-created", 1), vec![1000]);
    assert!(d.times("person-created", 2).is_empty());
    assert_eq!(d.times("api-synced", 1), vec![1500]);
    assert!(d.out.violations.is_empty(), "{:?}", d.out.violations);
}

#[test]
fn update_only_skips_a_person_not_yet_created_and_tries_again() {
    let d = run_json(two_posts(500, "update_only"));
    assert_eq!(d.times("api-skipped", 1), vec![500]);
    assert_eq!(d.times("api-sync-sent", 1), vec![500, 60_500]);
    assert_eq!(d.times("api-synced", 1), vec![60_500]);
    assert!(
        d.times("person-created", 2).is_empty(),
        "updateOnly never creates"
    );
    assert!(d.out.violations.is_empty(), "{:?}", d.out.violations);
}

#[test]
fn update_only_gives_up_after_its_tries() {
    let mut j = two_posts(0, "update_only");
    j["script"] = json!([outside(json!({ "sync_person_by_api": "Page Tool" }), 1, 0)]);
    j["systems"]["person_creation"]["api_clients"][0]["attempts"] = json!(2);
    let d = run_json(j);
    assert_eq!(d.times("api-skipped", 1), vec![0, 60_000]);
    assert!(d.times("person-created", 1).is_empty());
    assert!(d.state.people.iter().all(|p| !p.exists));
}

#[test]
fn an_event_after_another_counts_from_that_event_for_each_person() {
    let j = json!({
        "fields": text_fields(&["email"]),
        "people": [{ "count": 5, "unborn": true, "fields": { "email": "p{n}@x.com" } }],
        "script": [
            { "label": "first", "at": { "uniform": { "min": 0, "max": 3_600_000 } },
              "people": "all", "event": { "fills_out_form": "A" } },
            { "label": "second", "after": "first", "at": { "fixed": 7000 },
              "people": "all", "event": { "fills_out_form": "B" } }],
    });
    let d = run_json(j);
    for p in 1..=5 {
        let fills = d.times("filled-out-form", p);
        assert_eq!(fills.len(), 2, "person {p}");
        assert_eq!(fills[1] - fills[0], 7000, "person {p}: {fills:?}");
    }
}

#[test]
fn one_person_per_email_catches_duplicates_without_person_creation() {
    // Two declared records share an address; each is created by its own form fill.
    let j = json!({
        "fields": text_fields(&["email"]),
        "people": [{ "count": 2, "unborn": true, "fields": { "email": "same@x.com" } },
                   { "fields": { "email": "other@x.com" } }],
        "campaigns": [{ "name": "Change Address", "flow": [cdv("email", "same@x.com")],
                        "smart_list": { "triggers": [{ "fills_out_form": { "form": "Move" } }] } }],
        "script": [fill("Join", 1, 0), fill("Join", 2, 10), fill("Move", 3, 20)],
        "invariants": ["one_person_per_email"],
    });
    let d = run_json(j);
    let found: Vec<(u64, Option<u32>)> = d
        .out
        .violations
        .iter()
        .map(|v| (v.time_ms, v.person))
        .collect();
    // Person 2's creation, then person 3 changing its address to the same one.
    assert_eq!(found, vec![(10, Some(2)), (120, Some(3))]);
}

#[test]
fn one_person_per_email_is_quiet_when_addresses_differ() {
    let mut j = two_posts(500, "create_or_update");
    j["script"] = json!([fill("Sign-up", 1, 0)]);
    j["people"] = json!([{ "count": 3, "unborn": true, "fields": { "email": "s{n}@x.com" } }]);
    j["script"] = json!([
        fill("Sign-up", 1, 0),
        fill("Sign-up", 2, 0),
        fill("Sign-up", 3, 0)
    ]);
    let d = run_json(j);
    assert_eq!(d.events("person-created").len(), 3);
    assert!(d.out.violations.is_empty(), "{:?}", d.out.violations);
}

#[test]
fn person_creation_mistakes_are_refused_with_their_place() {
    let mut j = two_posts(500, "create_or_update");
    j["script"][1]["event"] = json!({ "sync_person_by_api": "Chat Tool" });
    let e = compile_error(j);
    assert!(e.contains("unknown API client `Chat Tool`"), "{e}");

    let mut j = two_posts(500, "create_or_update");
    j["script"][1]["after"] = json!("nothing");
    let e = compile_error(j);
    assert!(
        e.contains("no earlier scripted event is labelled \"nothing\""),
        "{e}"
    );

    let mut j = two_posts(500, "create_or_update");
    j["fields"] = text_fields(&["address"]);
    j["people"] = json!([{ "unborn": true }]);
    let e = compile_error(j);
    assert!(e.contains("field named `email`"), "{e}");
}

#[test]
fn spare_records_are_not_part_of_all_but_can_be_named() {
    let mut j = two_posts(500, "create_or_update");
    j["people"] = json!([{ "count": 3, "unborn": true, "fields": { "email": "s{n}@x.com" } }]);
    j["script"] = json!([
        { "at": { "fixed": 0 }, "people": "all", "event": { "fills_out_form": "Sign-up" } },
        fill("Sign-up", 4, 5000)]);
    let d = run_json(j);
    assert_eq!(
        d.model.people.len(),
        6,
        "three people and their spare records"
    );
    assert_eq!(d.model.people[3].spare_of, Some(0));
    // "all" is the three declared people; person 4 (person 1's spare) has person 1's address,
    // so its form fill finds person 1.
    assert_eq!(d.events("person-created").len(), 3);
    assert_eq!(d.times("filled-out-form", 1), vec![1000, 5000]);
    assert!(d.out.violations.is_empty(), "{:?}", d.out.violations);
}
