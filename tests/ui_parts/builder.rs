//! Component tests of the campaign builder (the Build tab, src/ui/builder/) in a real
//! browser: a choice's second condition is edited on its own, two problems show at once at
//! their own steps, renaming a list carries the flow steps along, and undo and redo walk the
//! history. A module of `tests/ui.rs`, using its helpers.

use super::*;

/// The builder, started from the blank template, with one static list
/// ("Queue") and one smart campaign ("Drain Queue (trigger)") open on its Flow tab.
async fn blank_builder() -> Mounted {
    // Mounted as the builder's own wasm mounts it (the app's Build tab loads that wasm).
    let app = super::builder_mount::mount_builder("list-queue", Default::default());
    app.shows("#build-start").await;
    app.change("#build-start", "blank").await;
    app.change("#add-list", "Queue").await;
    app.shows("#list-1").await;
    app.change("#add-campaign", "Drain Queue (trigger)").await;
    app.shows("#campaign-name").await;
    app.click("#ctab-flow").await;
    app.shows("#flow-steps").await;
    app
}

fn value(app: &Mounted, selector: &str) -> String {
    let el = app.get(selector);
    match el.dyn_ref::<HtmlSelectElement>() {
        Some(s) => s.value(),
        None => el.unchecked_into::<HtmlInputElement>().value(),
    }
}

#[wasm_bindgen_test]
async fn a_choices_second_condition_is_edited_on_its_own() {
    let app = blank_builder().await;
    app.change("#add-step", "choice").await;
    app.shows("#step-1-if-1-field").await;
    assert!(
        app.find("#step-1-if-1-c2-field").is_none(),
        "one condition to start"
    );
    app.change("#step-1-if-1-add-condition", "member_of_list")
        .await;
    app.shows("#step-1-if-1-c2-list").await;
    app.change("#step-1-if-1-add-condition", "field").await;
    app.shows("#step-1-if-1-c3-test").await;
    app.change("#step-1-if-1-c3-test", "is_empty").await;
    eventually("the third condition's test changed", || {
        value(&app, "#step-1-if-1-c3-test") == "is_empty"
    })
    .await;
    assert_eq!(
        value(&app, "#step-1-if-1-test"),
        "is_not_empty",
        "the first condition is left as it was"
    );
    assert_eq!(value(&app, "#step-1-if-1-c2-list"), "Queue");
    app.shows("#step-1-if-1-logic").await;
    app.change("#step-1-if-1-logic", "any").await;
    eventually("ANY of the conditions", || {
        value(&app, "#step-1-if-1-logic") == "any"
    })
    .await;
    app.click("#step-1-if-1-c2-remove").await;
    eventually("the second condition is deleted", || {
        app.find("#step-1-if-1-c3-test").is_none()
            && value(&app, "#step-1-if-1-c2-test") == "is_empty"
    })
    .await;
    app.click("#step-1-add-choice").await;
    app.shows("#step-1-if-2-list").await;
    app.click("#step-1-if-2-remove-choice").await;
    eventually("the second choice is deleted", || {
        app.find("#step-1-if-2-list").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn two_problems_show_at_once_each_at_its_step_and_undo_redo_walk_the_history() {
    let app = blank_builder().await;
    app.change("#add-step", "add_to_list").await;
    app.shows("#step-1-list").await;
    app.change("#add-step", "remove_from_list").await;
    app.shows("#step-2-list").await;
    assert!(app.find("#step-1-error").is_none());
    // Deleting the list leaves both steps naming a list that is not there.
    app.click("#remove-list-1").await;
    eventually("both steps show their problem", || {
        app.find("#step-1-error").is_some() && app.find("#step-2-error").is_some()
    })
    .await;
    assert!(app.text("#step-1-error").contains("Queue"));
    assert!(app.text("#step-2-error").contains("Queue"));
    assert_eq!(app.attr("#step-1", "aria-invalid"), "true");
    assert_eq!(app.attr("#step-2", "aria-invalid"), "true");
    assert_eq!(app.attr("#build-issue", "data-count"), "2");
    assert!(app.text("#build-issue").contains("2 problems"));
    app.click("#build-undo").await;
    eventually("undo brings the list back", || {
        app.find("#step-1-error").is_none() && app.find("#list-1").is_some()
    })
    .await;
    app.click("#build-redo").await;
    eventually("redo deletes it again", || {
        app.find("#step-2-error").is_some() && app.find("#list-1").is_none()
    })
    .await;
    app.click("#build-undo").await;
    eventually("and undo again", || app.find("#list-1").is_some()).await;
}

#[wasm_bindgen_test]
async fn renaming_a_list_carries_the_steps_along_and_undo_takes_it_back() {
    let app = blank_builder().await;
    app.change("#add-step", "remove_from_list").await;
    app.shows("#step-1-list").await;
    app.click("#ctab-smart-list").await;
    app.change("#add-trigger", "added_to_list").await;
    app.shows("#trigger-1-list").await;
    app.change("#list-1", "Task Queue").await;
    eventually("the trigger follows the list", || {
        value(&app, "#trigger-1-list") == "Task Queue"
    })
    .await;
    app.click("#ctab-flow").await;
    app.shows("#step-1-list").await;
    assert_eq!(value(&app, "#step-1-list"), "Task Queue");
    assert!(app.find("#step-1-error").is_none(), "nothing breaks");
    // A name another list has is refused, and says why.
    app.change("#add-list", "Done").await;
    app.shows("#list-2").await;
    app.change("#list-2", "Task Queue").await;
    app.shows("#build-note").await;
    assert!(app.text("#build-note").contains("already a static list"));
    app.click("#build-undo").await; // the added list
    app.click("#build-undo").await; // the rename
    eventually("undo takes the rename back everywhere", || {
        value(&app, "#step-1-list") == "Queue"
    })
    .await;
    app.click("#build-redo").await;
    eventually("redo renames again", || {
        value(&app, "#step-1-list") == "Task Queue"
    })
    .await;
    // The campaign list names the campaign once as a trigger campaign.
    assert_eq!(app.text("#open-campaign-1"), "Drain Queue (trigger)");
}
