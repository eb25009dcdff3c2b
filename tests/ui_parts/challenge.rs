//! Component test of the scheduler challenge played without hints, as a trainee who found
//! the order: list-queue naive to a win in at most six clicks on choices, the win message,
//! then the fix and "Try every ordering from here" (the explorer on the page's thread):
//! none breaks; and the alert challenge, set up on its Wait variant. A module of
//! `tests/ui.rs`.

use super::*;
use racelab::api::challenge;

#[wasm_bindgen_test]
async fn the_list_queue_challenge_is_won_in_six_clicks_and_no_ordering_breaks_the_fix() {
    racelab::ui::explore::explore_on_main_thread_with(racelab::work::serve_explore);
    let mut spec = RunSpec::builtin("list-queue");
    spec.view.tab = Tab::Explore;
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    app.click("#sched-setup").await;
    app.shows("#sched-goal").await;
    // The order to click, worked out here as a trainee would find it (the search the hints
    // use): the option labels on screen are matched to it one click at a time.
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let c = challenge::setup("list-queue").unwrap();
    let config = racelab::engine::RunConfig {
        variant: Some("naive".into()),
        knobs: c.knobs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..Default::default()
    };
    let model = racelab::engine::compile(&s, &config).unwrap();
    let win = challenge::find_win(&model, c.seed, &[], challenge::MAX_CLICKS).unwrap();
    let (mut clicks, mut picked) = (0, Vec::new());
    while app.find("#sched-win").is_none() {
        assert!(clicks < challenge::MAX_CLICKS, "{}", app.text(".scheduler"));
        let view = racelab::api::model_scheduler_view(&model, c.seed, &picked).unwrap();
        let d = view.next.expect("a decision");
        let want = win[view.prefix.len()];
        let i = d.answers.iter().position(|&a| a == want).unwrap();
        assert_eq!(app.text(&format!("#sched-option-{i}")), d.options[i]);
        app.click(&format!("#sched-option-{i}")).await;
        picked = view.prefix;
        picked.push(want);
        clicks += 1;
    }
    assert!(clicks <= challenge::MAX_CLICKS);
    let won = app.text("#sched-win");
    assert!(
        won.starts_with("Person 1 got \"Task Email\" twice"),
        "{won}"
    );
    assert!(
        won.ends_with("you caused the race. Now try `fixed`."),
        "{won}"
    );
    // The fix, same set-up, from the start: every ordering tried, none breaks.
    app.click("#sched-try-fix").await;
    app.shows("#sched-from").await;
    assert!(app.find("#sched-win").is_none());
    let goal = app.text("#sched-fix-goal");
    assert!(
        goal.starts_with("You are playing the fix (variant fixed): choose the order"),
        "{goal}"
    );
    app.click("#sched-from").await;
    app.shows("#sched-from-result[data-breaks]").await;
    // A trainee reads that none breaks, not how many orderings the explorer counted.
    let verdict = app.text("#sched-from-result");
    assert_eq!(
        verdict,
        "No order breaks the rule: Race Lab tried every order the steps could run in.",
    );
    assert_eq!(app.attr("#sched-from-result", "data-cut"), "false");
    assert_ne!(app.attr("#sched-from-result", "data-orderings"), "0");
}

#[wasm_bindgen_test]
async fn the_alert_challenge_is_set_up_on_the_wait_variant_and_its_hint_names_an_option() {
    // Naive sends the alert before any owner can arrive (it breaks with no choice made): the
    // challenge set-up switches to the Wait variant, where the choices decide.
    let mut spec = RunSpec::builtin("alert-before-owner");
    spec.view.tab = Tab::Explore;
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    app.click("#sched-setup").await;
    app.shows("#sched-goal").await;
    let goal = app.text("#sched-goal");
    assert!(goal.contains("go to no one"), "{goal}");
    assert!(
        goal.contains("Variant wait, one choice at a time"),
        "{goal}"
    );
    assert!(app.find("#sched-win").is_none(), "won before any choice");
    app.click("#sched-hint").await;
    app.shows("#sched-hint-text").await;
    let hint = app.text("#sched-hint-text");
    let pick = hint
        .strip_prefix("Pick: ")
        .unwrap_or_else(|| panic!("{hint}"));
    let offered: Vec<String> = (0..app.count("#sched-next button.option"))
        .map(|i| app.text(&format!("#sched-option-{i}")))
        .collect();
    assert!(
        offered.iter().any(|o| o == pick),
        "{pick} not in {offered:?}"
    );
    app.click("#tab-run").await;
    let variant = app.get("#variant").unchecked_into::<HtmlSelectElement>();
    assert_eq!(variant.value(), "wait");
}
