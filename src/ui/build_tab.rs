//! The Build tab as the app draws it. The campaign builder itself ([`super::builder`]) is not
//! in the app's wasm: it is a wasm of its own (`src/bin/racelab-builder.rs`, built by trunk
//! next to the app, see index.html), which this tab loads the first time it opens, through the
//! loader script `static/builder-boot.js`, and mounts in an element it draws. The first visit
//! downloads none of it.
//!
//! The builder's element is not inside the app's: it is put right after the app's root
//! element, outside it (see [`builder_host`]), because two wasms' yew apps must not nest.
//!
//! The two wasm talk in plain data: the app hands the builder this browser tab's id (the slot
//! its drafts are saved in) and the JSON of the scenario open in Run (again whenever it
//! changes); the builder hands back the JSON of each valid draft, which the app opens
//! ([`Action::Built`]), and whether "Run it" asked for the Run tab. While the builder loads
//! the tab says so; if it cannot be loaded the tab says that nothing is lost (drafts stay saved
//! in the browser), what to do, and offers to try again; the browser's own words come last.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Array, Function, Reflect};
use yew::prelude::*;

use super::state::{Action, App, Dispatch};
use super::{storage, web};
use crate::spec::Tab;

/// The builder's binary name: trunk names its files after it (index.html builds it like a
/// worker, whose file names are not hashed).
const BUILDER: &str = "racelab-builder";
/// The event the loader dispatches on the document once it has the builder or has failed.
const LOADED: &str = "racelab-builder";

/// Where loading the builder stands (once per page).
#[derive(Clone, Default)]
enum Load {
    #[default]
    NotStarted,
    Loading,
    /// The builder's wasm-bindgen module, ready to mount.
    Ready(JsValue),
    /// What went wrong, in the browser's or the page's words (shown as a detail; the tab's
    /// own message says what it means for the user).
    Failed(String),
}

thread_local! {
    static LOAD: RefCell<Load> = RefCell::default();
    /// The open Build tab, told when [`LOAD`] changes.
    static WATCHER: RefCell<Option<Callback<()>>> = const { RefCell::new(None) };
    /// How many times loading has started: a retry asks for the files under a new address,
    /// so the browser does not hand back the module that failed.
    static TRIES: Cell<u32> = const { Cell::new(0) };
    /// Whether the document listener for the loader's event is in place.
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

fn load_state() -> Load {
    LOAD.with(|l| l.borrow().clone())
}

fn set_load(load: Load) {
    LOAD.with(|l| *l.borrow_mut() = load);
    if let Some(tell) = WATCHER.with(|w| w.borrow().clone()) {
        tell.emit(());
    }
}

fn failed(why: &str) -> Load {
    Load::Failed(why.to_string())
}

/// Adds the loader script (the builder's files come with the app's version in their address),
/// unless it is already loading or loaded.
fn start_loading() {
    if matches!(load_state(), Load::Loading | Load::Ready(_)) {
        return;
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return set_load(failed("this page has no document"));
    };
    listen_for_loader(&doc);
    let tries = TRIES.with(|t| {
        t.set(t.get() + 1);
        t.get()
    });
    let files = (
        web::beside_app("builder-boot.js"),
        web::beside_app(&format!("{BUILDER}.js")),
        web::beside_app(&format!("{BUILDER}_bg.wasm")),
    );
    let (Some(boot), Some(js), Some(wasm)) = files else {
        return set_load(failed("this page does not say where its files are"));
    };
    let src = format!(
        "{boot}&try={tries}&js={}&wasm={}",
        web::query_encode(&format!("{js}&try={tries}")),
        web::query_encode(&format!("{wasm}&try={tries}"))
    );
    let script = doc.create_element("script").and_then(|s| {
        s.set_attribute("type", "module")?;
        s.set_attribute("src", &src)?;
        Ok(s)
    });
    let Ok(script) = script else {
        return set_load(failed(
            "this browser refused to add the builder to the page",
        ));
    };
    // The loader's own file could not be fetched (its event then never comes).
    let on_error = Closure::<dyn FnMut()>::once_into_js(|| {
        set_load(failed("its first file could not be downloaded"))
    });
    let _ = script.add_event_listener_with_callback("error", on_error.unchecked_ref());
    set_load(Load::Loading);
    let added = doc.body().map(|b| b.append_child(&script));
    if !matches!(added, Some(Ok(_))) {
        set_load(failed("this page has no place to add the builder"));
    }
}

/// Starts loading the builder ahead of the click (the pointer or focus is on the Build tab),
/// unless it is already loading, loaded, or has failed (the tab then says so and retries).
pub fn preload() {
    if matches!(load_state(), Load::NotStarted) {
        start_loading();
    }
}

/// Listens (once per page) for the loader's news: `{module}` or `{failed: message}`.
fn listen_for_loader(doc: &web_sys::Document) {
    if LISTENING.with(|l| l.replace(true)) {
        return;
    }
    let on_loaded = Closure::<dyn Fn(web_sys::Event)>::new(|e: web_sys::Event| {
        let detail = Reflect::get(&e, &"detail".into()).unwrap_or(JsValue::UNDEFINED);
        let module = Reflect::get(&detail, &"module".into()).unwrap_or(JsValue::UNDEFINED);
        if module.is_object() {
            set_load(Load::Ready(module));
        } else {
            let why = Reflect::get(&detail, &"failed".into()).ok();
            set_load(failed(
                &why.and_then(|w| w.as_string())
                    .unwrap_or_else(|| "its files did not download".into()),
            ));
        }
    });
    let _ = doc.add_event_listener_with_callback(LOADED, on_loaded.as_ref().unchecked_ref());
    on_loaded.forget(); // it listens for the page's lifetime
}

/// The builder mounted in this tab's element.
struct Mounted {
    module: JsValue,
    /// What the builder calls with a valid draft's JSON and whether to show the Run tab.
    on_built: Closure<dyn Fn(String, bool)>,
}

impl Mounted {
    fn new(
        module: JsValue,
        host: web_sys::Element,
        dispatch: &Dispatch,
        source: Option<&str>,
    ) -> Result<Mounted, String> {
        let on_built = {
            let dispatch = dispatch.clone();
            Closure::<dyn Fn(String, bool)>::new(move |json: String, run: bool| {
                dispatch.dispatch(Action::Built(json));
                if run {
                    dispatch.dispatch(Action::Tab(Tab::Run));
                }
            })
        };
        let mounted = Mounted { module, on_built };
        let args = Array::of4(
            &host,
            &storage::this_tab().id.into(),
            &source.map_or(JsValue::NULL, JsValue::from),
            mounted.on_built.as_ref(),
        );
        mounted.call("mount_builder", &args)?;
        Ok(mounted)
    }

    /// Calls the builder's exported function `name`.
    fn call(&self, name: &str, args: &Array) -> Result<JsValue, String> {
        Reflect::get(&self.module, &name.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| format!("the builder has no {name}"))?
            .apply(&JsValue::NULL, args)
            .map_err(|e| {
                let message = Reflect::get(&e, &"message".into()).ok();
                message.and_then(|m| m.as_string()).unwrap_or_default()
            })
    }

    /// Tells the builder the scenario open in Run.
    fn source(&self, source: Option<&str>) {
        let _ = self.call(
            "builder_source",
            &Array::of1(&source.map_or(JsValue::NULL, JsValue::from)),
        );
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = self.call("unmount_builder", &Array::new());
    }
}

/// The element the builder mounts in, made the first time it is needed: right after the
/// element the app is mounted on (`.app`'s parent), not inside it. Yew handles an app's
/// events with listeners on the element it is mounted on, and tells its apps apart by a
/// number written on the page's elements, which each wasm counts from 1: inside the app's
/// element, every event in the builder would reach the app's listener as one of its own app's
/// (number 1 in both wasms) and run the app's handlers (the builder's Import JSON ran the
/// app's). Yew's subtrees must never overlap; apart, each wasm sees only its own events.
fn builder_host(doc: &web_sys::Document) -> Option<web_sys::Element> {
    if let Some(host) = doc.get_element_by_id(HOST) {
        return Some(host);
    }
    let app_root = doc.query_selector(".app").ok()??.parent_element()?;
    let host = doc.create_element("div").ok()?;
    host.set_id(HOST);
    app_root.after_with_node_1(&host).ok()?;
    Some(host)
}

/// The id of the builder's element.
const HOST: &str = "builder-host";

/// The Build tab.
pub fn build_tab(app: &App) -> Html {
    let source = app.loaded.as_ref().map(|l| l.source.clone());
    html! { <BuildHost dispatch={app.dispatcher()} {source} /> }
}

#[derive(Properties, PartialEq)]
pub struct BuildHostProps {
    pub dispatch: Dispatch,
    /// The JSON of the scenario the app has open, if any.
    pub source: Option<Rc<str>>,
}

/// The element the builder mounts in, and the loading or failure message.
#[function_component(BuildHost)]
pub fn build_host(props: &BuildHostProps) -> Html {
    let update = use_force_update();
    // Follow the loading; start it the first time the tab opens (again after a failure).
    use_effect_with((), move |_| {
        let tell = Callback::from(move |()| update.force_update());
        WATCHER.with(|w| *w.borrow_mut() = Some(tell));
        start_loading();
        || WATCHER.with(|w| *w.borrow_mut() = None)
    });
    let load = load_state();
    let mounted = use_mut_ref(|| None::<Mounted>);
    {
        let module = match &load {
            Load::Ready(m) => Some(m.clone()),
            _ => None,
        };
        let (dispatch, source) = (props.dispatch.clone(), props.source.clone());
        let mounted = mounted.clone();
        use_effect_with(module.is_some(), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let host = module
                .is_some()
                .then(|| doc.as_ref().and_then(builder_host));
            match (module, host.flatten()) {
                (Some(module), Some(el)) => {
                    match Mounted::new(module, el, &dispatch, source.as_deref()) {
                        Ok(m) => *mounted.borrow_mut() = Some(m),
                        Err(why) => set_load(failed(&why)),
                    }
                }
                (Some(_), None) => set_load(failed("this page has no place for the builder")),
                _ => {}
            }
            // Leaving the tab takes the builder down, and its element with it.
            move || {
                drop(mounted.borrow_mut().take());
                if let Some(host) = doc.and_then(|d| d.get_element_by_id(HOST)) {
                    host.remove();
                }
            }
        });
    }
    {
        let mounted = mounted.clone();
        use_effect_with(props.source.clone(), move |source| {
            if let Some(m) = mounted.borrow().as_ref() {
                m.source(source.as_deref());
            }
        });
    }
    let retry = Callback::from(|_| start_loading());
    html! {
        <>
            { match load {
                Load::NotStarted | Load::Loading => loading(),
                Load::Failed(why) => failure(&why, retry),
                Load::Ready(_) => html! {},
            } }
        </>
    }
}

/// While the builder downloads: what is happening, and that nothing waits for it.
fn loading() -> Html {
    html! {
        <section class="build-load" aria-labelledby="build-loading">
            <div class="build-load-card">
                <p class="build-load-title" id="build-loading" role="status">
                    <span class="build-spinner" aria-hidden="true"></span>
                    { "Opening the campaign builder\u{2026}" }
                </p>
                <p class="lead">
                    { "It downloads the first time you open the Build tab; the other tabs keep \
                       working meanwhile." }
                </p>
            </div>
        </section>
    }
}

/// When the builder could not be downloaded: what it means, that nothing is lost, what to do;
/// the browser's own words last, for whoever looks after the site.
fn failure(why: &str, retry: Callback<MouseEvent>) -> Html {
    html! {
        <section class="build-load" aria-labelledby="build-load-failed-h">
            <div class="build-load-card failed" role="alert">
                <h2 id="build-load-failed-h">{ "The campaign builder did not open" }</h2>
                <p id="build-load-failed">
                    { "Race Lab could not download the campaign builder. Nothing is lost: the \
                       scenario open in Run and the campaigns you built before are kept in this \
                       browser. Check the internet connection, then click Try again." }
                </p>
                <button id="build-load-retry" onclick={retry}>{ "Try again" }</button>
                <p class="hint" id="build-load-detail">
                    { format!("Still failing? Tell whoever hosts Race Lab what the browser said: \u{201c}{why}\u{201d}.") }
                </p>
            </div>
        </section>
    }
}
