//! Component tests of the run view's parts whose cost must not grow with the run: the leads
//! table lists 50 people a page (Previous/Next, "Showing 51–100 of N") and "Find a person"
//! shows any one person by number (an unaffected one too), and the inspector lists at most
//! [`SYSTEM_LINES`] lines of a queue, with how many more it holds. A module of `tests/ui.rs`,
//! using its helpers.

use super::*;
use racelab::api::SYSTEM_LINES;
use racelab::ui::outcomes::LEADS_PER_PAGE;

/// `lifecycle-overwrite` (naive) with 300 people: everyone's flows wait at the start, and
/// most people are affected.
fn big_spec() -> RunSpec {
    let mut spec = RunSpec::builtin("lifecycle-overwrite");
    spec.variant = "naive".into();
    spec.knobs.insert("people".into(), 300);
    spec.view.tab = Tab::Run;
    spec
}

async fn open(spec: &RunSpec) -> (Mounted, racelab::api::RunView) {
    let app = mount(Some(&racelab::codec::encode(spec))).await;
    // (Mounting the app makes the built-in scenarios at hand.)
    let (scenario, config) = spec.resolve().unwrap();
    let want = racelab::api::run_view(&scenario, &config, spec.seed, &[]).unwrap();
    eventually("the run is on screen", || {
        app.find("#violations").is_some()
            && app.attr("#violations", "data-trace-hash") == want.trace_hash
    })
    .await;
    (app, want)
}

/// The people the table's rows show, in order.
fn rows(app: &Mounted) -> Vec<u32> {
    let list = app
        .root
        .query_selector_all("#outcomes-table tbody tr")
        .unwrap();
    (0..list.length())
        .map(|i| {
            let el = list.item(i).unwrap().unchecked_into::<Element>();
            el.get_attribute("data-person").unwrap().parse().unwrap()
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_leads_table_lists_a_page_at_a_time_and_finds_any_person() {
    let spec = big_spec();
    let (app, want) = open(&spec).await;
    let (listed, _) = want.outcomes.listed();
    let number = |i: usize| want.outcomes.people[listed[i]].person;
    assert!(listed.len() > 2 * LEADS_PER_PAGE, "{} listed", listed.len());
    app.shows("#outcomes-table").await;
    let first: Vec<u32> = (0..LEADS_PER_PAGE).map(number).collect();
    assert_eq!(rows(&app), first);
    let total = racelab::api::thousands(listed.len() as u64);
    assert_eq!(
        app.text("#outcomes-shown"),
        format!("Showing 1\u{2013}{LEADS_PER_PAGE} of {total}")
    );
    // The next page, then back.
    app.click("#outcomes-next").await;
    let second: Vec<u32> = (LEADS_PER_PAGE..2 * LEADS_PER_PAGE).map(number).collect();
    eventually("the second page shows", || rows(&app) == second).await;
    assert_eq!(
        app.text("#outcomes-shown"),
        format!(
            "Showing {}\u{2013}{} of {total}",
            LEADS_PER_PAGE + 1,
            2 * LEADS_PER_PAGE
        )
    );
    app.click("#outcomes-prev").await;
    eventually("the first page shows again", || rows(&app) == first).await;

    // A person who is not affected (not listed in a big run) is found by number, alone.
    let fine = want
        .outcomes
        .people
        .iter()
        .find(|p| !p.affected)
        .map(|p| p.person);
    let fine = fine.unwrap_or(number(listed.len() - 1));
    app.change("#outcomes-find", &fine.to_string()).await;
    for _ in 0..200 {
        if rows(&app) == vec![fine] {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(rows(&app), vec![fine], "only the person found shows");
    assert!(app.find("#outcomes-pager").is_none());
    // Their row still selects them in the inspector.
    app.click(&format!("#outcome-person-{fine}")).await;
    eventually("the inspector shows the person", || {
        app.get("#inspect-person")
            .unchecked_into::<HtmlInputElement>()
            .value()
            == fine.to_string()
    })
    .await;
    // A number out of range is refused (the field empties), and the list is back.
    app.change("#outcomes-find", "100000").await;
    eventually("the list is back", || rows(&app) == first).await;
    assert_eq!(
        app.get("#outcomes-find")
            .unchecked_into::<HtmlInputElement>()
            .value(),
        ""
    );
}

#[wasm_bindgen_test]
async fn the_inspector_lists_the_first_lines_of_a_long_queue_and_counts_the_rest() {
    let spec = big_spec();
    let (scenario, config) = spec.resolve().unwrap();
    let snap = racelab::api::inspect_at(&scenario, &config, spec.seed, &[], 0, None).unwrap();
    let waiting = snap
        .systems
        .iter()
        .find(|s| s.name == "Waiting flows")
        .expect("waiting flows");
    assert_eq!(waiting.items.len(), SYSTEM_LINES);
    assert!(waiting.more > 200, "{} more", waiting.more);
    let (app, _) = open(&spec).await;
    let more = format!("and {} more", waiting.more);
    eventually("the inspector counts the flows left out", || {
        app.find("#inspector").is_some() && app.text("#inspector").contains(&more)
    })
    .await;
    assert!(app.text("#inspector").contains(&waiting.items[0]));
    // Every system's lines together: a few per system, not one per waiting flow.
    let lines = app.count("#inspector li") as usize;
    assert!(lines <= SYSTEM_LINES * snap.systems.len(), "{lines} lines");
}
