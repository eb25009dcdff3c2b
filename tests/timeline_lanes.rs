//! What the timeline draws, as `crate::api` gives it: step names in Marketo's words, one lane
//! per invariant (holding until the event that broke it), lanes by campaign or by person, and
//! marks aggregated per slot so that a lane never holds more marks than it has slots, however
//! many events the run has.

use racelab::api::{self, Grouping, Mark, RowPart, RunView};
use racelab::engine::RunConfig;
use std::collections::BTreeMap;

fn run(id: &str, variant: &str, knobs: &[(&str, i64)]) -> RunView {
    let s = racelab::scenarios::builtin(id).unwrap();
    let config = RunConfig {
        variant: Some(variant.into()),
        knobs: knobs
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect::<BTreeMap<_, _>>(),
        ..Default::default()
    };
    api::run_view(&s, &config, 1, &[]).unwrap()
}

#[test]
fn every_row_has_a_step_name_in_marketo_words() {
    let r = run("list-queue", "naive", &[]);
    assert_eq!(r.step_names.of_row.len(), r.rows.len());
    let names: Vec<&str> = (0..r.rows.len()).map(|i| r.step_names.of(i)).collect();
    assert!(names.iter().all(|n| !n.is_empty()));
    // The flow steps of the queue campaigns, as Marketo's flow-step menu names them.
    for want in ["Remove from List: ", "Send Email: ", "Add to List: "] {
        assert!(
            names.iter().any(|n| n.starts_with(want)),
            "{want} in {names:?}"
        );
    }
    // Each email event is named by its email, as the row's sentence names it.
    for (i, row) in r.rows.iter().enumerate() {
        if row.kind == "email-sent" {
            let email = row.details.split('"').nth(1).unwrap();
            assert_eq!(names[i], format!("Send Email: {email}"));
        }
    }
    // Names are stored once each: a handful, not one per event.
    assert!(r.step_names.names.len() < 40, "{:?}", r.step_names.names);
}

#[test]
fn an_invariant_lane_holds_until_its_first_violation_and_says_why_it_broke() {
    let naive = run("list-queue", "naive", &[]);
    let lanes = api::invariant_lanes(&naive);
    assert_eq!(lanes.len(), naive.invariants.len());
    assert!(!lanes.is_empty());
    let broken: Vec<_> = lanes.iter().filter(|l| l.first().is_some()).collect();
    assert!(!broken.is_empty(), "naive breaks a rule");
    for lane in &broken {
        let first = &naive.violations[lane.first().unwrap()];
        assert_eq!(first.invariant, lane.id);
        // It broke at the earliest violation of this invariant, and no earlier.
        let earliest = naive
            .violations
            .iter()
            .filter(|v| v.invariant == lane.id)
            .map(|v| v.time_ms)
            .min()
            .unwrap();
        assert_eq!(lane.broken_at(&naive), Some(earliest));
        let why = lane.reason(&naive).unwrap();
        assert!(why.starts_with(&lane.title), "{why}");
        assert!(why.contains(&first.message), "{why}");
        let event = first.witness.last().unwrap();
        assert!(why.contains(&format!("event #{event}")), "{why}");
        assert_eq!(
            lane.violations.len(),
            naive
                .violations
                .iter()
                .filter(|v| v.invariant == lane.id)
                .count()
        );
    }
    let fixed = run("list-queue", "fixed", &[]);
    for lane in api::invariant_lanes(&fixed) {
        assert_eq!(lane.broken_at(&fixed), None);
        assert_eq!(lane.reason(&fixed), None);
        assert!(lane.holds().contains(&lane.title));
    }
}

#[test]
fn lanes_by_person_hold_each_persons_events_affected_people_first() {
    let r = run("list-queue", "naive", &[]);
    let index = api::lane_index(&r, Grouping::People);
    let people: Vec<_> = index.lanes.iter().filter(|l| l.person.is_some()).collect();
    assert_eq!(people.len() as u32, r.people);
    let total: usize = index.lanes.iter().map(|l| l.len()).sum();
    assert_eq!(total, r.rows.len(), "every row is in exactly one lane");
    for (i, row) in r.rows.iter().enumerate() {
        let lane = &index.lanes[index.lane_of(&r, i).unwrap()];
        assert_eq!(lane.person, row.person);
    }
    // Affected people come first.
    let first_unaffected = people
        .iter()
        .position(|l| !l.affected)
        .unwrap_or(people.len());
    assert!(first_unaffected > 0, "someone is affected in naive");
    assert!(people[first_unaffected..].iter().all(|l| !l.affected));
    let by_campaign = api::lane_index(&r, Grouping::Campaigns);
    assert_eq!(
        by_campaign
            .lanes
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>()[..r.lanes.len()],
        r.lanes.iter().map(|l| l.name.as_str()).collect::<Vec<_>>()[..]
    );
}

#[test]
fn a_lane_never_holds_more_marks_than_slots_and_the_marks_account_for_every_event() {
    let r = run("alert-before-owner", "naive", &[("people", 2000)]);
    assert!(r.rows.len() >= 10_000, "{} rows", r.rows.len());
    assert!(r.rows.windows(2).all(|w| w[0].time_ms <= w[1].time_ms));
    let index = api::lane_index(&r, Grouping::Campaigns);
    let whole = (0, r.end_time_ms + 1);
    let slots = 240;
    let mut saw_red_bucket = false;
    for lane in &index.lanes {
        let marks = lane.marks(&r, whole, slots);
        assert!(marks.len() <= slots, "{}: {} marks", lane.name, marks.len());
        let counted: usize = marks
            .iter()
            .map(|m| match m {
                Mark::One { .. } => 1,
                Mark::Many { count, .. } => *count as usize,
            })
            .sum();
        assert_eq!(counted, lane.len(), "{}", lane.name);
        for m in &marks {
            if let Mark::Many {
                first_row,
                last_row,
                part,
                ..
            } = *m
            {
                let strongest = (first_row..=last_row)
                    .filter(|&i| r.rows[i as usize].lane == lane.name)
                    .map(|i| r.parts[i as usize])
                    .max()
                    .unwrap();
                assert_eq!(part, strongest);
                saw_red_bucket |= part == RowPart::Violating;
            }
        }
    }
    assert!(saw_red_bucket, "a bucket holding a violation is marked red");
    // Zoomed in on one violating event, it is a single mark again.
    let v = r.violations[0].witness.last().copied().unwrap();
    let t = r.row(v).unwrap().time_ms;
    let lane = &index.lanes[index.lane_of(&r, v as usize).unwrap()];
    let near = lane.marks(&r, (t.saturating_sub(5), t + 5), slots);
    assert!(near.contains(&Mark::One { row: v }), "{near:?}");
    assert!(lane.count_in(&r, (t, t)) >= 1);
}
