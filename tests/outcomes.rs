//! Per-lead outcomes: what happened to each person of a run, which of them a violation
//! touched, and the per-lead rate of a sweep, checked against the built-in scenarios and the
//! command line (`run --json`'s `people`, `sweep --json`'s `lead_rate`, `table`).

use crate::common::cli::{ok, ok_json};
use racelab::api::{self, Outcomes, RunReport};
use racelab::engine::RunConfig;

fn config(variant: &str) -> RunConfig {
    RunConfig {
        variant: Some(variant.into()),
        ..RunConfig::default()
    }
}

fn run(id: &str, variant: &str, seed: u64) -> RunReport {
    let s = racelab::scenarios::builtin(id).unwrap();
    api::run(&s, &config(variant), seed).unwrap()
}

/// The people a violation names, 1-based, each once.
fn violated_people(r: &RunReport) -> Vec<u32> {
    let mut ps: Vec<u32> = r.violations.iter().filter_map(|v| v.person).collect();
    ps.sort_unstable();
    ps.dedup();
    ps
}

fn affected_people(o: &Outcomes) -> Vec<u32> {
    o.people
        .iter()
        .filter(|p| p.affected)
        .map(|p| p.person)
        .collect()
}

#[test]
fn an_alert_to_no_one_marks_its_lead_affected() {
    for (variant, seed) in [("naive", 1), ("wait", 2), ("wait", 3), ("fixed", 1)] {
        let r = run("alert-before-owner", variant, seed);
        let o = &r.outcomes;
        assert_eq!((o.lead_unit.as_str(), o.leads), ("people", 20), "{variant}");
        for p in &o.people {
            let to_no_one = p.alerts.iter().any(|a| a.recipient.is_none());
            // Exactly one alert each, here; affected exactly when it went to no one.
            assert_eq!(p.alerts.len(), 1, "{variant} {seed}: {p:?}");
            assert_eq!(p.affected, to_no_one, "{variant} {seed}: {p:?}");
            assert_eq!(p.summary.contains("sent to no one"), to_no_one, "{p:?}");
            if let Some(owner) = &p.alerts[0].recipient {
                assert!(p.summary.contains(&format!("sent to {owner}")), "{p:?}");
            }
            // The owner field the alert invariants watch is listed with its final value.
            assert!(p.field("owner").is_some(), "{p:?}");
        }
        assert_eq!(affected_people(o), violated_people(&r), "{variant} {seed}");
        assert_eq!(o.affected_leads, affected_people(o).len() as u64);
        if variant == "naive" {
            assert_eq!(o.affected_leads, 20);
        }
        if variant == "fixed" {
            assert_eq!(o.affected_leads, 0);
        }
    }
}

#[test]
fn two_emails_for_one_queue_entry_mark_the_lead_affected() {
    let mut seen_twice = 0;
    for seed in 0..40 {
        let r = run("list-queue", "naive", seed);
        for p in &r.outcomes.people {
            let entries = &p.entries[0];
            assert_eq!(
                (entries.list.as_str(), entries.email.as_str()),
                ("Work Queue", "Task Email")
            );
            assert!(!entries.emails_per_entry.is_empty(), "{p:?}");
            // Affected exactly when some entry got no e-mail or more than one.
            let wrong = entries.emails_per_entry.iter().any(|&k| k != 1);
            assert_eq!(p.affected, wrong, "seed {seed}: {p:?}");
            if entries.emails_per_entry.iter().any(|&k| k >= 2) {
                seen_twice += 1;
                assert!(p.summary.contains("2 times"), "{}", p.summary);
                assert!(p
                    .violations
                    .iter()
                    .any(|v| v.invariant == "one-email-per-entry"));
            }
            let sent: u32 = entries.emails_per_entry.iter().sum();
            assert_eq!(p.emails, [("Task Email".to_string(), sent)], "{p:?}");
        }
        assert_eq!(affected_people(&r.outcomes), violated_people(&r));
    }
    assert!(seen_twice > 0, "no seed sent two e-mails for one entry");
    // The fix: one e-mail per entry for everyone.
    let r = run("list-queue", "fixed", 0);
    assert!(r.outcomes.people.iter().all(|p| !p.affected));
}

#[test]
fn a_lead_synced_before_enrichment_is_routed_wrong() {
    let (mut right, mut wrong) = (0, 0);
    for seed in 0..10 {
        let r = run("sync-before-enrichment", "naive", seed);
        for p in &r.outcomes.people {
            let crm = p.crm.as_ref().expect("the scenario has a CRM");
            // Synced before enrichment: misrouted, as the invariant judges it.
            let early = p
                .violations
                .iter()
                .any(|v| v.invariant == "crm-sync-after-enrichment");
            if early {
                assert!(!crm.right, "{p:?}");
            }
            if !crm.right {
                assert!(p.affected, "{p:?}");
            }
            if crm.synced_ms.is_some() {
                assert!(crm.queue.is_some(), "{p:?}");
            }
            assert_eq!(p.summary.contains("misrouted"), !crm.right, "{}", p.summary);
            if crm.right {
                right += 1
            } else {
                wrong += 1
            }
        }
    }
    assert!(wrong > 0, "naive never synced before enrichment");
    let fixed = run("sync-before-enrichment", "fixed", 0);
    assert!(fixed
        .outcomes
        .people
        .iter()
        .all(|p| p.crm.as_ref().unwrap().right));
    let _ = right;
}

#[test]
fn scenarios_without_people_count_their_records_and_responses() {
    // The import job: records, some imported twice by overlapping runs.
    let s = racelab::scenarios::builtin("job-checkpoint").unwrap();
    let sweep = api::sweep(&s, &config("naive"), 0, 40).unwrap();
    let seed = sweep
        .first_violating_seed
        .expect("naive overlaps in 40 seeds");
    let r = run("job-checkpoint", "naive", seed);
    assert_eq!(r.outcomes.lead_unit, "records");
    assert!(r.outcomes.people.is_empty());
    assert!(r.outcomes.affected_leads > 0 && r.outcomes.leads > r.outcomes.affected_leads);
    assert!(
        r.outcomes.items[0].contains("more than once"),
        "{:?}",
        r.outcomes.items
    );
    // The lock storm: responses lost.
    let r = run("lock-storm", "naive", 1);
    assert_eq!(r.outcomes.lead_unit, "responses");
    assert!(r.outcomes.affected_leads > 0);
    assert_eq!(run("lock-storm", "fixed", 1).outcomes.affected_leads, 0);
}

#[test]
fn the_lead_rate_adds_up_the_people_of_every_run() {
    for (id, variant) in [
        ("alert-before-owner", "wait"),
        ("list-queue", "naive"),
        ("lifecycle-overwrite", "naive"),
        ("replica-cascade", "naive"),
        ("job-checkpoint", "naive"),
        ("lock-storm", "retry"),
    ] {
        let s = racelab::scenarios::builtin(id).unwrap();
        let sweep = api::sweep(&s, &config(variant), 3, 25).unwrap();
        let (mut leads, mut affected) = (0, 0);
        for seed in 3..28 {
            let o = run(id, variant, seed).outcomes;
            leads += o.leads;
            affected += o.affected_leads;
            if !o.people.is_empty() {
                assert_eq!(o.affected_leads, affected_people(&o).len() as u64);
            }
        }
        assert_eq!(
            (sweep.leads, sweep.affected_leads),
            (leads, affected),
            "{id}"
        );
        assert!(affected > 0, "{id} {variant}: no lead affected in 25 runs");
        let rate = affected as f64 / leads as f64;
        assert!((sweep.lead_rate - rate).abs() < 1e-12, "{id}");
        // A lead rate is never above the run rate's worst case: every lead of every run.
        assert!(sweep.lead_rate <= sweep.violation_rate + 1e-12, "{id}");
    }
    // "wait" fails in most runs but for few of their leads: the point of the per-lead rate.
    let s = racelab::scenarios::builtin("alert-before-owner").unwrap();
    let wait = api::sweep(&s, &config("wait"), 0, 200).unwrap();
    assert!(
        wait.violation_rate > 0.5 && wait.lead_rate < 0.3,
        "{wait:?}"
    );
}

#[test]
fn the_projection_scales_the_lead_rate_to_a_day() {
    assert_eq!(api::projected_affected(0.0, 1_000), 0);
    assert_eq!(api::projected_affected(0.1168, 1_000), 117);
    // A one-in-a-million race at the MCAE source's 500 million lead updates a day.
    assert_eq!(api::projected_affected(1e-6, 500_000_000), 500);
}

#[test]
fn ten_thousand_people_get_an_outcome_each() {
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let mut c = config("naive");
    c.knobs.insert("people".into(), 10_000);
    let r = api::run(&s, &c, 1).unwrap();
    assert_eq!(r.outcomes.people.len(), 10_000);
    assert_eq!(
        affected_people(&r.outcomes),
        violated_people(&r),
        "every violated person, and only they"
    );
}

#[test]
fn run_json_lists_people_and_sweep_json_has_the_lead_rate() {
    let j = ok_json(&[
        "run",
        "alert-before-owner",
        "--seed",
        "2",
        "--variant",
        "wait",
        "--json",
    ]);
    let lib = run("alert-before-owner", "wait", 2);
    let people = j["people"].as_array().expect("a people array");
    assert_eq!(people.len(), 20);
    assert_eq!(
        j["people"],
        serde_json::to_value(&lib.outcomes.people).unwrap()
    );
    assert_eq!(j["leads"], 20);
    assert_eq!(j["affected_leads"], lib.outcomes.affected_leads);
    let p = &people[0];
    for key in [
        "person",
        "affected",
        "alerts",
        "crm",
        "fields",
        "violations",
        "summary",
    ] {
        assert!(p.get(key).is_some(), "{key} missing: {p}");
    }
    // With a hand-picked schedule too.
    let j = ok_json(&["run", "list-queue", "--schedule", "0,1", "--json"]);
    assert_eq!(j["people"].as_array().map(Vec::len), Some(20));

    let j = ok_json(&[
        "sweep",
        "alert-before-owner",
        "--variant",
        "wait",
        "--seeds",
        "30",
        "--json",
    ]);
    let s = racelab::scenarios::builtin("alert-before-owner").unwrap();
    let lib = api::sweep(&s, &config("wait"), 0, 30).unwrap();
    assert_eq!(j["lead_rate"].as_f64(), Some(lib.lead_rate));
    assert_eq!(j["leads"], 600);
    assert_eq!(j["affected_leads"], lib.affected_leads);
    assert_eq!(j["lead_unit"], "people");
    assert_eq!(
        j["projection"]["affected_per_day"],
        api::projected_affected(lib.lead_rate, 1_000)
    );
    // Text: the per-run and per-lead lines and the projection for the leads a day given.
    let t = ok(&[
        "sweep",
        "alert-before-owner",
        "--variant",
        "wait",
        "--seeds",
        "30",
        "--per-day",
        "500000000",
    ]);
    let m = api::projected_affected(lib.lead_rate, 500_000_000);
    assert!(
        t.contains(&format!("{} of 600 people affected", lib.affected_leads)),
        "{t}"
    );
    assert!(t.contains("at 500,000,000 leads a day, about "), "{t}");
    let digits = m.to_string();
    let groups: Vec<&str> = (0..digits.len())
        .rev()
        .step_by(3)
        .map(|end| &digits[end.saturating_sub(2)..=end])
        .collect();
    let grouped: Vec<&str> = groups.into_iter().rev().collect();
    assert!(
        t.contains(&format!("about {} are affected", grouped.join(","))),
        "{t}"
    );
    let t = ok(&[
        "run",
        "alert-before-owner",
        "--variant",
        "naive",
        "--seed",
        "1",
    ]);
    assert!(t.contains("20 of 20 people affected"), "{t}");
}

#[test]
fn the_table_shows_both_rates_for_every_variant() {
    let t = ok(&["table", "--seeds", "3"]);
    assert!(t.starts_with("| scenario | variant | role | runs with a violation (3 seeds) | per run | leads affected | per lead |"), "{t}");
    let rows = t.lines().skip(2).count();
    let variants: usize = racelab::scenarios::all()
        .iter()
        .map(|s| s.variants.len())
        .sum();
    assert_eq!(rows, variants);
    assert!(
        t.contains(
            "| `alert-before-owner` | `naive` | race | 3 | 100.00% | 60 of 60 people | 100.00% |"
        ),
        "{t}"
    );
}

#[test]
fn a_table_lists_the_affected_first_and_only_them_in_a_big_run() {
    let r = run("alert-before-owner", "wait", 2);
    let (rows, left_out) = r.outcomes.listed();
    assert_eq!((rows.len(), left_out), (20, 0));
    let flags: Vec<bool> = rows
        .iter()
        .map(|&i| r.outcomes.people[i].affected)
        .collect();
    let first_clean = flags.iter().position(|a| !a).unwrap_or(flags.len());
    assert!(
        flags[first_clean..].iter().all(|a| !a),
        "affected first: {flags:?}"
    );
    assert_eq!(first_clean as u64, r.outcomes.affected_leads);

    let s = racelab::scenarios::builtin("alert-before-owner").unwrap();
    let mut c = config("wait");
    c.knobs.insert("people".into(), 2_000);
    c.knobs.insert("arrival_window_min".into(), 600);
    let big = api::run(&s, &c, 1).unwrap().outcomes;
    let (rows, left_out) = big.listed();
    assert!(big.affected_leads > 0);
    // Every affected person is listed (the table pages them).
    assert_eq!(rows.len() as u64, big.affected_leads);
    assert!(rows.iter().all(|&i| big.people[i].affected));
    // (People not created by the end of the run are not leads.)
    assert!(big.people.len() > api::LIST_EVERYONE_UP_TO);
    assert_eq!(big.leads, big.people.len() as u64);
    assert_eq!(rows.len() + left_out, big.people.len());
}

/// A duplicate record is the second record of a lead's address, not another lead: the lead
/// counts stay at the declared people, and a duplicate counts once, against its lead.
#[test]
fn a_duplicate_record_counts_against_the_lead_whose_address_it_shares() {
    let s = racelab::scenarios::builtin("duplicate-lead").unwrap();
    let declared: u64 = 20;
    let mut seen_duplicate = false;
    for seed in 0..20 {
        let o = run("duplicate-lead", "naive", seed).outcomes;
        assert_eq!(o.leads, declared, "seed {seed}");
        let seconds: Vec<_> = o
            .people
            .iter()
            .filter(|p| p.second_record_of.is_some())
            .collect();
        seen_duplicate |= !seconds.is_empty();
        for p in &seconds {
            let first = p.second_record_of.unwrap();
            assert!(
                p.summary
                    .contains(&format!("second record for person {first}'s email")),
                "{}",
                p.summary
            );
        }
        // Every affected lead is a declared person whose address has (or is) an affected record.
        let mut leads: Vec<u32> = (o.people.iter())
            .filter(|p| p.affected)
            .map(|p| p.second_record_of.unwrap_or(p.person))
            .collect();
        leads.sort_unstable();
        leads.dedup();
        assert_eq!(o.affected_leads, leads.len() as u64, "seed {seed}");
        assert!(leads.iter().all(|&p| u64::from(p) <= declared));
    }
    assert!(seen_duplicate, "naive makes a duplicate in 20 runs");
    let sweep = api::sweep(&s, &config("naive"), 0, 20).unwrap();
    assert_eq!(sweep.leads, declared * 20);
}
