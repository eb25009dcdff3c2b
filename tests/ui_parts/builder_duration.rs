//! Component test of the builder's duration editor (src/ui/builder/duration.rs) in a real
//! browser, mounted as the builder's own wasm mounts it: a Wait step's duration is chosen by
//! kind ("between … and …") and amounts with units, a number that cannot be read shows its
//! error at the field and changes nothing, and a problem reads in Marketo's words. A module
//! of `tests/ui.rs`, using its helpers.

use std::cell::RefCell;

use super::*;
use racelab::ui::builder::Built;

fn value(app: &Mounted, selector: &str) -> String {
    let el = app.get(selector);
    match el.dyn_ref::<HtmlSelectElement>() {
        Some(s) => s.value(),
        None => el.unchecked_into::<HtmlInputElement>().value(),
    }
}

/// The Wait step's duration in the last draft handed back.
fn last_wait(built: &RefCell<Vec<Built>>) -> serde_json::Value {
    let b = built.borrow();
    let Some(last) = b.last() else {
        return serde_json::Value::Null;
    };
    let s: serde_json::Value = serde_json::from_str(&last.json).unwrap();
    s["campaigns"][0]["flow"][0]["wait"].clone()
}

#[wasm_bindgen_test]
async fn a_wait_is_set_by_kind_and_amounts_and_a_wrong_number_is_shown_at_its_field() {
    let built: Rc<RefCell<Vec<Built>>> = Rc::default();
    let app = super::builder_mount::mount_builder("list-queue", built.clone());
    app.shows("#build-start").await;
    app.change("#build-start", "blank").await;
    app.change("#add-campaign", "Follow Up").await;
    app.shows("#campaign-name").await;
    app.change("#add-trigger", "fills_out_form").await;
    app.click("#ctab-flow").await;
    app.change("#add-step", "wait").await;
    app.shows("#step-1-wait-kind").await;
    assert_eq!(value(&app, "#step-1-wait-kind"), "fixed");
    assert_eq!(
        value(&app, "#step-1-wait-1"),
        "5",
        "a new Wait is 5 minutes"
    );
    assert_eq!(value(&app, "#step-1-wait-1-unit"), "min");
    assert_eq!(app.text("#step-1-wait legend"), "Wait");

    app.change("#step-1-wait-kind", "uniform").await;
    app.shows("#step-1-wait-2").await;
    assert_eq!(value(&app, "#step-1-wait-1"), "0", "between 0 …");
    assert_eq!(value(&app, "#step-1-wait-2"), "5", "… and 5 minutes");
    app.change("#step-1-wait-2-unit", "h").await;
    eventually("the longest wait is 5 hours", || {
        last_wait(&built) == serde_json::json!({"uniform": {"min": 0, "max": 18_000_000}})
    })
    .await;
    assert_eq!(value(&app, "#step-1-wait-2-unit"), "h");
    app.change("#step-1-wait-1-unit", "min").await;
    app.change("#step-1-wait-1", "1.5").await;
    eventually("the shortest wait is a minute and a half", || {
        last_wait(&built)["uniform"]["min"] == 90_000
    })
    .await;
    assert_eq!(value(&app, "#step-1-wait-1"), "90", "shown in seconds");
    assert_eq!(value(&app, "#step-1-wait-1-unit"), "s");

    let handed = built.borrow().len();
    app.change("#step-1-wait-2", "soon").await;
    app.shows("#step-1-wait-error").await;
    assert!(
        app.text("#step-1-wait-error").contains("is not a number"),
        "{}",
        app.text("#step-1-wait-error")
    );
    assert_eq!(app.attr("#step-1-wait-2", "aria-invalid"), "true");
    assert_eq!(built.borrow().len(), handed, "nothing changed");
    assert_eq!(last_wait(&built)["uniform"]["max"], 18_000_000);
    app.change("#step-1-wait-2", "2").await;
    eventually("a good number clears the error", || {
        app.find("#step-1-wait-error").is_none()
    })
    .await;
    assert_eq!(last_wait(&built)["uniform"]["max"], 7_200_000);

    app.change("#step-1-wait-kind", "exponential").await;
    app.shows("#step-1-wait-2").await;
    assert_eq!(value(&app, "#step-1-wait-2"), "", "no cap to start");
    app.change("#step-1-wait-kind", "empirical").await;
    app.click("#step-1-wait-add").await;
    app.shows("#step-1-wait-2-remove").await;
    eventually("one of two times", || {
        last_wait(&built)["empirical"].as_array().map(Vec::len) == Some(2)
    })
    .await;

    app.change("#add-step", "sync_person_to_crm").await;
    app.shows("#build-issue").await;
    let problem = app.text("#build-issue");
    assert!(problem.contains("Follow Up, flow step 2"), "{problem}");
    assert!(problem.contains("needs a CRM"), "{problem}");
    assert!(
        !problem.contains('`') && !problem.contains('_'),
        "{problem}"
    );
}
