//! The campaign builder's entry point: a wasm of its own, built by trunk next to the app (see
//! index.html), that holds the Build tab's editor ([`racelab::ui::builder`]). The app's wasm
//! leaves the builder out; the Build tab (`racelab::ui::build_tab`) loads this one the first
//! time it opens and mounts it in an element it draws, handing over plain data only: this
//! browser tab's id (where drafts are saved), the JSON of the scenario open in Run, and a
//! function that gets each valid draft's JSON and whether "Run it" asked for the Run tab.

#[cfg(target_arch = "wasm32")]
mod mount {
    use std::cell::RefCell;
    use std::rc::Rc;

    use racelab::ui::builder::{BuildTab, BuildTabProps, Built};
    use wasm_bindgen::prelude::*;
    use web_sys::js_sys::Function;
    use yew::{AppHandle, Callback, Renderer};

    thread_local! {
        /// The mounted builder and the callback its props carry.
        static MOUNTED: RefCell<Option<(AppHandle<BuildTab>, Callback<Built>)>> =
            const { RefCell::new(None) };
        /// Whether the builder's yew roots are numbered past the app's (see [`skip_app_ids`]).
        static SKIPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// How many yew root numbers the builder leaves to the app.
    const APP_ROOT_IDS: usize = 64;

    #[yew::function_component]
    fn Nothing() -> yew::Html {
        yew::Html::default()
    }

    /// Yew numbers the apps it mounts from 1 in each wasm and tells them apart by that number,
    /// written on the page's elements; its event listeners sit on each app's host element. The
    /// app's wasm mounts one app, number 1, on the page's body, so every event in the builder
    /// reaches the app's listener first: had the builder number 1 too, the app would take the
    /// builder's events for its own and run its own handlers (the builder's Import JSON ran the
    /// app's). So the builder's first mount uses up the first numbers on empty apps that are
    /// taken down at once (cheap: an empty app on an element outside the page).
    fn skip_app_ids() {
        if SKIPPED.with(|s| s.replace(true)) {
            return;
        }
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        for _ in 0..APP_ROOT_IDS {
            if let Ok(el) = doc.create_element("div") {
                Renderer::<Nothing>::with_root(el).render().destroy();
            }
        }
    }

    /// Mounts the builder in `host`, for browser tab `tab`, starting from `source` (the
    /// scenario open in Run) unless a draft is saved; `on_built(json, run)` gets each valid
    /// draft.
    #[wasm_bindgen]
    pub fn mount_builder(
        host: web_sys::Element,
        tab: String,
        source: Option<String>,
        on_built: Function,
    ) {
        unmount_builder();
        skip_app_ids();
        racelab::ui::storage::adopt_tab(tab);
        let on_built = Callback::from(move |b: Built| {
            let _ = on_built.call2(&JsValue::NULL, &b.json.into(), &b.run.into());
        });
        let props = BuildTabProps {
            on_built: on_built.clone(),
            source: source.map(Rc::from),
        };
        let app = Renderer::<BuildTab>::with_root_and_props(host, props).render();
        MOUNTED.with(|m| *m.borrow_mut() = Some((app, on_built)));
    }

    /// The scenario open in Run has changed (`None`: none is open).
    #[wasm_bindgen]
    pub fn builder_source(source: Option<String>) {
        MOUNTED.with(|m| {
            if let Some((app, on_built)) = m.borrow_mut().as_mut() {
                app.update(BuildTabProps {
                    on_built: on_built.clone(),
                    source: source.map(Rc::from),
                });
            }
        });
    }

    /// Takes the builder down (the user left the Build tab; the draft is saved).
    #[wasm_bindgen]
    pub fn unmount_builder() {
        if let Some((app, _)) = MOUNTED.with(|m| m.borrow_mut().take()) {
            app.destroy();
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "racelab-builder is the web app's campaign builder: trunk builds it (run ./scripts/serve)."
    );
}
