//! Component test of the campaign builder's hand-over (src/ui/builder/mod.rs), mounted as its
//! own wasm mounts it (src/bin/racelab-builder.rs): in an element of its own, given the open
//! scenario's JSON and a callback. It opens the scenario handed in, hands back nothing until
//! the draft changes, then each valid draft's JSON; "Run it" asks for the Run tab. A module of
//! `tests/ui.rs`, using its helpers.

use std::cell::RefCell;

use super::*;
use racelab::ui::builder::{BuildTab, BuildTabProps, Built};

/// Removes the builder's saved drafts (so it starts from the scenario handed in).
fn forget_drafts() {
    let s = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let keys: Vec<String> = (0..s.length().unwrap())
        .filter_map(|i| s.key(i).unwrap())
        .filter(|k| k.starts_with("racelab.builder"))
        .collect();
    for k in keys {
        s.remove_item(&k).unwrap();
    }
}

/// The builder mounted in an element of its own, as its wasm mounts it, opening built-in
/// `id` (its saved drafts forgotten first); what it hands back goes to `built`.
pub(super) fn mount_builder(id: &str, built: Rc<RefCell<Vec<Built>>>) -> Mounted {
    forget_drafts();
    let on_built = yew::Callback::from(move |b: Built| built.borrow_mut().push(b));
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let props = BuildTabProps {
        on_built,
        source: Some(Rc::from(scenario_sources::text(id))),
    };
    // Kept mounted: yew apps destroyed in one page interfere with each other's events.
    std::mem::forget(yew::Renderer::<BuildTab>::with_root_and_props(root.clone(), props).render());
    Mounted { root }
}

#[wasm_bindgen_test]
async fn the_builder_hands_each_valid_draft_back_as_json() {
    let built: Rc<RefCell<Vec<Built>>> = Rc::default();
    let b = mount_builder("list-queue", built.clone());
    b.shows("#build-valid").await;
    let title = b.get("#build-title").unchecked_into::<HtmlInputElement>();
    assert_eq!(title.value(), "A static list used as a task queue");
    assert!(
        built.borrow().is_empty(),
        "opening the scenario unchanged hands nothing back"
    );

    b.change("#build-title", "Queue, retitled").await;
    eventually("the changed draft is handed back", || {
        !built.borrow().is_empty()
    })
    .await;
    let first = built.borrow()[0].clone();
    assert!(!first.run);
    let scenario: serde_json::Value = serde_json::from_str(&first.json).unwrap();
    assert_eq!(scenario["title"], "Queue, retitled");

    b.click("#build-run").await;
    eventually("Run it hands the draft back for the Run tab", || {
        built.borrow().last().is_some_and(|x| x.run)
    })
    .await;
    assert_eq!(built.borrow().last().unwrap().json, first.json);
    forget_drafts();
}
