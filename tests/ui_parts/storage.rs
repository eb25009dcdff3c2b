//! Component tests of keeping the work (src/ui/storage.rs, src/ui/autosave.rs) in a real
//! browser: the tab's own slot follows the open work, a full localStorage is reported (not
//! swallowed) and clears once a save succeeds, slots of other tabs are listed under the
//! library and can be opened. A module of `tests/ui.rs`, using its helpers.

use super::*;
use racelab::saved;
use racelab::ui::storage::{this_tab, WORK};

fn local() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Fills localStorage until it refuses more; returns how many keys were added.
fn fill_local_storage() -> u32 {
    let s = local();
    let mut n = 0;
    let mut size = 1 << 20;
    while size >= 8 {
        let chunk = "x".repeat(size);
        while s.set_item(&format!("filler.{n}"), &chunk).is_ok() {
            n += 1;
        }
        size >>= 1;
    }
    n
}

fn empty_local_storage(keys: u32) {
    for n in 0..=keys {
        let _ = local().remove_item(&format!("filler.{n}"));
    }
}

#[wasm_bindgen_test]
async fn the_tabs_own_slot_follows_the_open_work() {
    let mut spec = RunSpec::builtin("list-queue");
    spec.seed = 11;
    spec.view.tab = Tab::Run;
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    app.shows("#violations").await;
    let tab = this_tab().id;
    eventually("the work is saved in this tab's slot", || {
        WORK.load(&tab)
            .and_then(|r| saved::work_spec(&r.body).ok())
            .is_some_and(|s| s.scenario == spec.scenario && s.seed == 11)
    })
    .await;
    let record = WORK.load(&tab).unwrap();
    assert_eq!(
        record.header.title,
        racelab::scenarios::card("list-queue").unwrap().title
    );
    assert_eq!(record.header.detail, "variant naive \u{b7} seed 11");
    app.change("#seed", "12").await;
    eventually("a change is saved in the same slot", || {
        WORK.load(&tab)
            .and_then(|r| saved::work_spec(&r.body).ok())
            .is_some_and(|s| s.seed == 12)
    })
    .await;
    assert_eq!(
        WORK.list().iter().filter(|s| s.tab == tab).count(),
        1,
        "one slot for this tab"
    );
}

#[wasm_bindgen_test]
async fn a_full_storage_is_reported_and_the_message_goes_once_saved() {
    let app = mount_spec("list-queue", Tab::Run).await;
    app.shows("#violations").await;
    // (A save that only rewrites the slot with a record of the same size still fits in a
    // full storage: start with no slot, as a new tab would.)
    WORK.remove(&this_tab().id);
    let keys = fill_local_storage();
    assert!(keys > 0);
    // The storage module says why, in the user's words.
    let err = WORK
        .save(&this_tab().id, "t", "d", "x".repeat(1 << 20))
        .unwrap_err();
    assert!(err.contains("storage for Race Lab is full"), "{err}");
    // The app shows it on the next change, in a visible message.
    app.change("#seed", "21").await;
    app.shows("#not-saved").await;
    assert!(app.text("#not-saved").contains("not saved"));
    empty_local_storage(keys);
    app.change("#seed", "22").await;
    eventually("the message goes once a save succeeds", || {
        app.find("#not-saved").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn work_saved_by_another_tab_is_listed_and_opens_here() {
    let app = mount(None).await;
    let mut other = RunSpec::builtin("list-queue");
    other.seed = 77;
    WORK.save(
        "othertab",
        "Work of another tab",
        &saved::work_detail(&other),
        saved::work_body(&other),
    )
    .unwrap();
    // The list is read when the library is drawn: go to it afresh.
    app.click("#tab-run").await;
    app.click("#tab-library").await;
    app.shows("#saved-othertab").await;
    assert!(app.text("#saved-othertab").contains("Work of another tab"));
    assert!(app.text("#saved-othertab").contains("seed 77"));
    app.click("#saved-othertab .saved-open").await;
    app.shows("#violations").await;
    eventually("the other tab's run opens here", || {
        app.attr("#violations", "data-trace-hash") == naive_run("list-queue", 77).trace_hash
    })
    .await;
    // Its slot is still there: opening copies the work into this tab's own slot.
    assert!(WORK.load("othertab").is_some());
    WORK.remove("othertab");
}
