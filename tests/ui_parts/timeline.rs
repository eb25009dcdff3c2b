//! Component tests of the timeline: invariant lanes (green, then red from the event that broke
//! the rule, the reason on hover), step names beside the marks only once zoomed in, lanes by
//! person, and aggregated marks for a run with many events: a module of `tests/ui.rs`, using
//! its helpers.

use super::*;
use racelab::api::{self, Grouping, RunView};

/// The run the app makes for built-in `id`'s naive variant with `knobs`, computed here too.
fn naive_view(id: &str, knobs: &[(&str, i64)]) -> RunView {
    let config = racelab::engine::RunConfig {
        variant: Some("naive".into()),
        knobs: knobs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..Default::default()
    };
    let scenario = racelab::scenarios::parse(scenario_sources::text(id)).unwrap();
    api::run_view(&scenario, &config, 1, &[]).unwrap()
}

/// Opens `id`'s naive variant on the Run tab with `knobs`, showing the window `window`
/// ((0, 0): the whole run), and waits until the timeline draws `want`'s run in that window.
async fn open(id: &str, knobs: &[(&str, i64)], window: (u64, u64), want: &RunView) -> Mounted {
    let mut spec = RunSpec::builtin(id);
    spec.view.tab = Tab::Run;
    spec.compare = None;
    spec.knobs = knobs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    spec.view.window_start_ms = window.0;
    spec.view.window_end_ms = window.1;
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    for _ in 0..1500 {
        let (a, b) = racelab::ui::timeline::resolve_window(window.0, window.1, want.end_time_ms);
        let shows = format!("{} {a}-{b}", want.trace_hash);
        if app.find("#timeline-svg .marks").is_some()
            && app.attr("#timeline-svg .marks", "data-shows") == shows
        {
            settle().await;
            return app;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the app did not show {id}'s run");
}

/// A number attribute of the element matching `selector`.
fn num(app: &Mounted, selector: &str, name: &str) -> f64 {
    app.attr(selector, name).parse().unwrap()
}

/// The x of a drawn mark (a circle's centre, a triangle's tip).
fn mark_x(app: &Mounted, selector: &str) -> f64 {
    let el = app.get(selector);
    match el.get_attribute("cx") {
        Some(x) => x.parse().unwrap(),
        None => {
            let d = el.get_attribute("d").unwrap();
            d[1..].split(' ').next().unwrap().parse().unwrap()
        }
    }
}

/// The pointer moves onto `el` (the event bubbles up to the timeline, which reads it).
fn hover(el: &Element) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let e = web_sys::Event::new_with_event_init_dict("mouseover", &init).unwrap();
    el.dispatch_event(&e).unwrap();
}

#[wasm_bindgen_test]
async fn an_invariant_lane_is_green_until_the_event_that_broke_it_then_red_with_the_reason() {
    let want = naive_view("list-queue", &[]);
    let lanes = api::invariant_lanes(&want);
    let lane = lanes.iter().find(|l| l.first().is_some()).unwrap();
    let v = &want.violations[lane.first().unwrap()];
    let event = *v.witness.last().unwrap();
    let t = want.row(event).unwrap().time_ms;
    // A window around the breaking event: it is drawn as its own mark.
    let app = open(
        "list-queue",
        &[],
        (t.saturating_sub(60_000), t + 60_000),
        &want,
    )
    .await;
    let sel = format!(
        "#timeline-svg .invariant-lane[data-invariant='{}']",
        lane.id
    );
    assert_eq!(app.attr(&sel, "data-state"), "broken");
    // The rule's whole name is written in its lane, not cut to the name column.
    for l in &lanes {
        let title = format!(
            "#timeline-svg .invariant-lane[data-invariant='{}'] .rule-title",
            l.id
        );
        assert_eq!(app.text(&title), l.title);
    }
    assert_eq!(
        app.count("#timeline-svg .invariant-lane") as usize,
        want.invariants.len()
    );
    let held = format!("{sel} .held");
    let broken = format!("{sel} .broken");
    assert_eq!(app.attr(&held, "fill"), "#1f8a4c");
    assert_eq!(app.attr(&broken, "fill"), "#b42318");
    let at = mark_x(&app, &format!("#timeline-svg [data-event='{event}']"));
    let green_end = num(&app, &held, "x") + num(&app, &held, "width");
    assert!((green_end - at).abs() < 0.2, "{green_end} vs {at}");
    assert!((num(&app, &broken, "x") - at).abs() < 0.2);
    let why = app.text(&format!("{broken} title"));
    assert!(why.contains(&lane.title), "{why}");
    assert!(why.contains(&v.message), "{why}");
    // A rule that held all along is green only.
    if let Some(ok) = lanes.iter().find(|l| l.first().is_none()) {
        let sel = format!("#timeline-svg .invariant-lane[data-invariant='{}']", ok.id);
        assert_eq!(app.attr(&sel, "data-state"), "held");
        assert!(app.find(&format!("{sel} .broken")).is_none());
        assert!(app.text(&format!("{sel} .held title")).contains(&ok.title));
    }
}

#[wasm_bindgen_test]
async fn step_names_label_the_marks_only_once_zoomed_in_and_never_overlap() {
    let knobs = [("people", 300)];
    let want = naive_view("alert-before-owner", &knobs);
    let app = open("alert-before-owner", &knobs, (0, 0), &want).await;
    assert!(app.count("#timeline-svg .mark, #timeline-svg .bucket") > 0);
    assert_eq!(
        app.count("#timeline-svg .mark-label"),
        0,
        "the whole run is too dense"
    );
    // Zoomed in on one violating event: its neighbours are far enough apart for names.
    let event = *want.violations[0].witness.last().unwrap();
    let t = want.row(event).unwrap().time_ms;
    let app = open(
        "alert-before-owner",
        &knobs,
        (t.saturating_sub(300), t + 300),
        &want,
    )
    .await;
    let labels = app
        .root
        .query_selector_all("#timeline-svg .mark-label")
        .unwrap();
    assert!(labels.length() > 0, "zoomed in, marks are named");
    let names: Vec<String> = (0..labels.length())
        .map(|i| labels.item(i).unwrap().text_content().unwrap())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("Send Alert: ")),
        "{names:?}"
    );
    // In each lane, a label ends before the next mark begins.
    let groups = app
        .root
        .query_selector_all("#timeline-svg .lane-marks")
        .unwrap();
    for g in 0..groups.length() {
        let g: Element = groups.item(g).unwrap().unchecked_into();
        let kids = g.children();
        let mut label_end: Option<f64> = None;
        for k in 0..kids.length() {
            let el = kids.item(k).unwrap();
            let r = el.get_bounding_client_rect();
            if let Some(end) = label_end.take() {
                assert!(end <= r.left() + 0.5, "a label overlaps the next mark");
            }
            if el
                .get_attribute("class")
                .unwrap_or_default()
                .contains("mark-label")
            {
                label_end = Some(r.right());
            }
        }
    }
}

#[wasm_bindgen_test]
async fn lanes_can_be_grouped_by_person_with_the_people_in_a_violation_first() {
    let want = naive_view("list-queue", &[]);
    let app = open("list-queue", &[], (0, 0), &want).await;
    assert_eq!(app.attr("#timeline-svg", "data-grouping"), "campaign");
    assert_eq!(app.count("#timeline-svg .lane[data-person]"), 0);
    app.click("#lanes-by-person").await;
    eventually("lanes by person", || {
        app.attr("#timeline-svg", "data-grouping") == "person"
    })
    .await;
    let index = api::lane_index(&want, Grouping::People);
    let people = index.lanes.iter().filter(|l| l.person.is_some()).count();
    // The events that touch no one keep their lane above the people.
    assert_eq!(
        app.count("#timeline-svg .lane:not([data-person])") as usize,
        index.lanes.len() - people
    );
    assert_eq!(
        app.count("#timeline-svg .lane[data-person]") as usize,
        people.min(10)
    );
    // The first person lane is someone in a violation.
    let first = app.attr("#timeline-svg .lane[data-person]", "data-person");
    let first: u32 = first.parse().unwrap();
    assert!(want.violations.iter().any(|v| v.person == Some(first)));
    // Every mark in a person's lane is an event of that person.
    let marks = app
        .root
        .query_selector_all("#timeline-svg .lane-marks[data-person] [data-event]")
        .unwrap();
    assert!(marks.length() > 0);
    for i in 0..marks.length() {
        let el: Element = marks.item(i).unwrap().unchecked_into();
        let id: u32 = el.get_attribute("data-event").unwrap().parse().unwrap();
        let lane: Element = el.closest(".lane-marks").unwrap().unwrap();
        let p: u32 = lane.get_attribute("data-person").unwrap().parse().unwrap();
        assert_eq!(want.row(id).unwrap().person, Some(p));
    }
    app.click("#lanes-by-person").await;
    eventually("back to lanes by campaign", || {
        app.attr("#timeline-svg", "data-grouping") == "campaign"
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_run_with_many_events_draws_at_most_a_few_hundred_marks_per_lane_and_hover_still_works() {
    let knobs = [("people", 1500)];
    let want = naive_view("alert-before-owner", &knobs);
    assert!(want.rows.len() > 10_000);
    let app = open("alert-before-owner", &knobs, (0, 0), &want).await;
    let groups = app
        .root
        .query_selector_all("#timeline-svg .lane-marks")
        .unwrap();
    let svg_px = app.get("#timeline-svg").get_bounding_client_rect().width();
    let mut total = 0u32;
    for g in 0..groups.length() {
        let g: Element = groups.item(g).unwrap().unchecked_into();
        let n = g.child_element_count();
        assert!(n <= 240 && (n as f64) < svg_px, "{n} marks in one lane");
        total += n;
    }
    assert!(
        total < want.rows.len() as u32 / 10,
        "{total} marks for {} events",
        want.rows.len()
    );
    // The aggregated marks account for every event; one holding a violation is red.
    let buckets = app
        .root
        .query_selector_all("#timeline-svg .bucket")
        .unwrap();
    let singles = app.count("#timeline-svg .mark");
    let counted: u32 = {
        (0..buckets.length())
            .map(|i| {
                let el: Element = buckets.item(i).unwrap().unchecked_into();
                el.get_attribute("data-count")
                    .unwrap()
                    .parse::<u32>()
                    .unwrap()
            })
            .sum::<u32>()
            + singles
    };
    assert_eq!(
        counted as usize,
        want.rows.len(),
        "{} aggregated marks, {singles} single ones, {total} in all",
        buckets.length()
    );
    assert!(app.count("#timeline-svg .bucket.violation") > 0);
    assert_eq!(
        app.attr("#timeline-svg .bucket.violation", "fill"),
        "#b42318"
    );
    // Hovering an aggregated mark says how many events it holds.
    hover(&app.get("#timeline-svg .bucket"));
    settle().await;
    assert!(app.text("#timeline-svg .tooltip").contains("events"));
    // Zoomed in on one event with a cause: hovering it shows its details and the arrow.
    // (one drawn as its own mark, its cause inside the same window)
    let index = api::lane_index(&want, Grouping::Campaigns);
    let window = |t: u64| (t.saturating_sub(20), t + 20);
    let row = want
        .rows
        .iter()
        .enumerate()
        .find(|(i, r)| {
            let Some(c) = r.cause.and_then(|c| want.row(c)) else {
                return false;
            };
            let lane = &index.lanes[index.lane_of(&want, *i).unwrap()];
            c.time_ms + 10 >= r.time_ms
                && lane
                    .marks(&want, window(r.time_ms), 240)
                    .contains(&api::Mark::One { row: *i as u32 })
        })
        .map(|(_, r)| r)
        .unwrap();
    let app = open("alert-before-owner", &knobs, window(row.time_ms), &want).await;
    let sel = format!("#timeline-svg [data-event='{}']", row.id);
    hover(&app.get(&sel));
    settle().await;
    assert!(app
        .text("#timeline-svg .tooltip")
        .contains(&format!("#{}", row.id)));
    assert!(app.find("#timeline-svg .cause-arrow").is_some());
}
