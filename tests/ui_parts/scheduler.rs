//! Component test of the scheduler challenge: the set-up button, the goal, hints one at a
//! time, and the win message read from the run's violations: a module of `tests/ui.rs`.

use super::*;

/// The text of the hint shown now, after asking for one.
async fn hint(app: &Mounted) -> String {
    app.click("#sched-hint").await;
    app.shows("#sched-hint-text").await;
    app.text("#sched-hint-text")
}

#[wasm_bindgen_test]
async fn following_the_hints_wins_the_list_queue_challenge_and_names_the_fix() {
    let mut spec = RunSpec::builtin("list-queue");
    spec.view.tab = Tab::Explore;
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    app.click("#sched-setup").await;
    app.shows("#sched-goal").await;
    assert!(
        app.text("#sched-goal").contains("two Task Emails"),
        "{}",
        app.text("#sched-goal")
    );
    assert!(app.find("#sched-win").is_none());
    let mut clicks = 0;
    while app.find("#sched-win").is_none() {
        assert!(
            clicks < 6,
            "not won in 6 choices: {}",
            app.text(".scheduler")
        );
        let text = hint(&app).await;
        let pick = text
            .strip_prefix("Pick: ")
            .unwrap_or_else(|| panic!("{text}"));
        let options = app
            .root
            .query_selector_all("#sched-next button.option")
            .unwrap();
        let button = (0..options.length())
            .filter_map(|i| options.item(i))
            .find(|b| b.text_content().as_deref() == Some(pick))
            .unwrap_or_else(|| panic!("no option {pick}"));
        button.unchecked_into::<HtmlElement>().click();
        settle().await;
        clicks += 1;
    }
    let win = app.text("#sched-win");
    assert!(
        win.starts_with("Person 1 got \"Task Email\" twice"),
        "{win}"
    );
    assert!(
        win.contains("you caused the race. Now try `fixed`."),
        "{win}"
    );
    assert_ne!(app.attr("#violations", "data-count"), "0");
}
