//! The browser app (yew function components, client-side rendering; compiled for wasm32 only).
//!
//! State lives in one reducer ([`state::AppState`], [`state::Action`]); components draw it and
//! dispatch actions, and every domain fact (runs, violations, campaign text, snapshots) comes
//! from the engine through [`crate::api`]. The set-up is a [`crate::spec::RunSpec`], which the
//! share link encodes with [`crate::codec`] (the autosave too, see [`crate::saved`]).
//!
//! - [`app`]: the root, playback and keys
//! - [`autosave`]: start-up from a link or saved work, autosave, address bar and history;
//!   [`storage`]: one slot of saved work per tab; [`saved_work`]: the list of saved work
//! - [`header`]: tabs, share / export / import, presentation toggle
//! - [`library`], [`reader`], [`controls`], [`inject`]: picking and setting up a run
//! - [`build_tab`]: the Build tab, which loads the campaign builder ([`builder`], over
//!   [`crate::builder`]) on first use: the builder is a wasm of its own
//!   (`src/bin/racelab-builder.rs`), not part of the app's wasm
//! - [`timeline`], [`panels`], [`outcomes`], [`compare`], [`sweep`], [`explore`]: looking at
//!   runs; [`story`]: the story of a violation or a person, over the Run tab; [`lesson`]: a
//!   lesson link's pause and explanation
//! - [`worker`]: one Web Worker answering typed [`crate::work`] requests; [`pool`]: sweep
//!   workers working through a queue; [`runner`]: the main and compare runs computed by a
//!   worker, [`progress`]: their progress line and Cancel
//! - [`web`]: the browser APIs used (URL, storage, clipboard, files)
//! - [`parts`]: small view pieces and handlers shared by many places
//!
//! Imports form a tree: [`state`] and [`parts`] at the bottom (no other UI module), the
//! views above them, [`app`] at the top. The root holds the state; a part of the page without
//! hooks is a plain function of it, and a component with hooks gets narrow props (the values
//! it shows, deriving `PartialEq`) so that a change renders again only what depends on it.

pub mod app;
pub mod autosave;
pub mod build_tab;
pub mod builder;
pub mod compare;
pub mod controls;
pub mod explore;
pub mod explore_from;
pub mod header;
pub mod inject;
pub mod inspection;
pub mod lesson;
pub mod library;
pub mod outcomes;
pub mod panels;
pub mod parts;
pub mod pool;
pub mod progress;
pub mod reader;
pub mod runner;
pub mod saved_work;
pub mod state;
pub mod storage;
pub mod story;
pub mod sweep;
pub mod sweep_chart;
pub mod timeline;
pub mod web;
pub mod worker;

/// Mounts the app on an element of its own at the end of the page's body: the campaign
/// builder, a yew app of another wasm, mounts beside it, not inside it (see
/// [`build_tab`]).
pub fn start() {
    storage::watch_for_copies();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|doc| {
            let root = doc.create_element("div").ok()?;
            root.set_id("racelab");
            doc.body()?.append_child(&root).ok()?;
            Some(root)
        });
    match root {
        Some(root) => yew::Renderer::<app::RaceLab>::with_root(root).render(),
        None => yew::Renderer::<app::RaceLab>::new().render(),
    };
}
