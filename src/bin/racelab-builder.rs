//! The campaign builder's entry point: a wasm of its own, built by trunk next to the app (see
//! index.html), that holds the Build tab's editor ([`racelab::ui::builder`]). The app's wasm
//! leaves the builder out; the Build tab (`racelab::ui::build_tab`) loads this one the first
//! time it opens and mounts it in an element beside the app's own (not inside it), handing
//! over plain data only: this browser tab's id (where drafts are saved), the JSON of the
//! scenario open in Run, and a function that gets each valid draft's JSON and whether "Run
//! it" asked for the Run tab.

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
    }

    /// Mounts the builder in `host`, for browser tab `tab`, starting from `source` (the
    /// scenario open in Run) unless a draft is saved; `on_built(json, run)` gets each valid
    /// draft. `host` must not be inside the app's own root element (the Build tab puts it
    /// beside it): yew handles events at each app's root and tells apps apart by numbers that
    /// both wasms count from 1, so nested, the app would take the builder's events for its own.
    #[wasm_bindgen]
    pub fn mount_builder(
        host: web_sys::Element,
        tab: String,
        source: Option<String>,
        on_built: Function,
    ) {
        unmount_builder();
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
