//! Work is never lost: where the app starts, the autosave, the address bar and history.
//!
//! - **Start-up** ([`initial_state`]): the link in the URL, else the work kept with this
//!   history entry (work too large for a link), else this tab's saved work (a reload), else,
//!   in a new tab, the most recent work saved by any tab (saying where the others are), else
//!   the autosave of older versions, else the library.
//! - **Autosave** ([`use_keeping`]): every change to the open work is saved in this tab's own
//!   slot ([`super::storage`]), so two tabs never overwrite each other; a save that fails says
//!   so on screen until a save succeeds.
//! - **Address bar and history**: the URL carries the work as a link when it fits; work too
//!   large for a link is kept with the history entry instead, and the app says it cannot be
//!   shared as a link. Opening a scenario or a link adds a history entry; changes to the open
//!   work rewrite the current one. Back and Forward (`popstate`, `hashchange`) open the
//!   entry's work again, with its seed and view, so its run is the same. An entry left from
//!   the library goes back to the run it showed before the library.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, App, AppState, Loaded};
use super::storage::{self, WORK};
use super::web;
use crate::saved::{self, Header, Record};
use crate::spec::{RunSpec, Tab};

/// Where the app starts (see the module's doc). Work that cannot be read gives the library
/// with a message saying why. (A built-in scenario may still have to be fetched.)
pub fn initial_state() -> AppState {
    if let Some(code) = web::fragment() {
        return match open_link(&code) {
            Ok(spec) => AppState::from_spec(spec),
            Err(message) => failed(message),
        };
    }
    if let Some(record) = web::history_state().and_then(|t| Record::from_text(&t)) {
        return restore(&record.body, None);
    }
    let tab = storage::this_tab();
    if !tab.fresh {
        if let Some(record) = WORK.load(&tab.id) {
            return restore(&record.body, None);
        }
    }
    let slots = WORK.list();
    if let Some(recent) = saved::most_recent(&slots, &tab.id) {
        if let Some(record) = WORK.load(&recent.tab) {
            let others = slots.iter().filter(|s| s.tab != tab.id).count() - 1;
            let notice = (others > 0).then(|| {
                let rest = match others {
                    1 => "the other one is".to_string(),
                    n => format!("the other {n} are"),
                };
                format!(
                    "Opened your most recent work, \u{201c}{}\u{201d}. Each tab saves its own \
                     work: {rest} listed in the Library, under Saved work.",
                    recent.header.title
                )
            });
            return restore(&record.body, notice);
        }
    }
    match storage::legacy_work().map(|s| crate::codec::decode(&s)) {
        Some(Ok(spec)) => AppState::from_spec(spec),
        Some(Err(e)) => failed(format!("Your saved work could not be restored: {e}")),
        None => AppState::default(),
    }
}

/// The state opened on saved work (a [`saved::work_body`]), with `notice` if it opened.
fn restore(body: &str, notice: Option<String>) -> AppState {
    match saved::work_spec(body) {
        Ok(spec) => {
            let mut s = AppState::from_spec(spec);
            if s.notice.is_none() {
                s.notice = notice;
            }
            s
        }
        Err(e) => failed(format!("Your saved work could not be restored: {e}")),
    }
}

/// Decodes the link in the URL; a bad one is removed from the URL and explained.
fn open_link(code: &str) -> Result<RunSpec, String> {
    crate::codec::decode(code)
        .map(RunSpec::opened_from_link)
        .map_err(|e| {
            web::clear_fragment();
            format!("This link could not be opened: {e}")
        })
}

fn failed(message: String) -> AppState {
    AppState {
        notice: Some(message),
        ..AppState::default()
    }
}

/// What the user must know about keeping the open work: it is not saved (and why), it
/// cannot be shared as a link (and why).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SaveStatus {
    pub not_saved: Option<String>,
    pub not_a_link: Option<String>,
}

/// One history entry's address: a link code, or (work too large for a link) no fragment and
/// the work kept as the entry's state.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    state: Option<String>,
    code: Option<String>,
}

/// What the app remembers between writes of the address bar.
#[derive(Default)]
struct Nav {
    /// The link code last written or opened ("" for none): a `hashchange` to it is our own.
    last: String,
    /// The next scenario opened comes from Back or Forward: it rewrites its entry, no new one.
    navigating: bool,
    /// The scenario open at the last write (another one means a new entry).
    loaded: Option<Loaded>,
    /// The last address of the current entry that did not show the library.
    run_view: Option<Entry>,
    /// The last write showed the library.
    on_library: bool,
}

/// Autosaves the open work, keeps the address bar and history up to date, opens the work of
/// the entry Back and Forward go to, and returns what to tell the user about saving.
#[hook]
pub fn use_keeping(app: &App) -> SaveStatus {
    let nav = use_mut_ref(Nav::default);
    let status = use_state(SaveStatus::default);
    {
        let (nav, status) = (nav.clone(), status.clone());
        let idle = !app.playing && app.loaded.is_some();
        let deps = (app.spec.clone(), idle, app.loaded.clone());
        use_effect_with(deps, move |(spec, idle, loaded)| {
            if let (true, Some(loaded)) = (*idle, loaded) {
                let now = keep(&mut nav.borrow_mut(), spec, loaded);
                if *status != now {
                    status.set(now);
                }
            }
        });
    }
    use_history(app, nav);
    (*status).clone()
}

/// Saves `spec` and writes it in the address bar (see the module's doc).
fn keep(nav: &mut Nav, spec: &RunSpec, loaded: &Loaded) -> SaveStatus {
    let opened = nav.loaded.as_ref() != Some(loaded);
    let mut push = opened && nav.loaded.is_some() && !nav.navigating;
    if opened {
        nav.navigating = false;
        nav.loaded = Some(loaded.clone());
    }
    let title = loaded.scenario.title.as_str();
    let detail = saved::work_detail(spec);
    let body = saved::work_body(spec);
    let link = saved::link_for(spec);
    let entry = match &link {
        Ok(code) => {
            // The same link again is the same entry.
            push &= *code != nav.last;
            Entry {
                state: None,
                code: Some(code.clone()),
            }
        }
        Err(_) => Entry {
            state: Some(
                Record {
                    header: Header {
                        saved_ms: storage::epoch_ms(),
                        title: title.to_string(),
                        detail: detail.clone(),
                    },
                    body: body.clone(),
                }
                .to_text(),
            ),
            code: None,
        },
    };
    if push && nav.on_library {
        // The entry being left goes back to the run it showed before the library.
        if let Some(before) = nav.run_view.take() {
            web::write_history(false, before.state.as_deref(), before.code.as_deref());
        }
    }
    if opened {
        nav.run_view = None;
    }
    web::write_history(push, entry.state.as_deref(), entry.code.as_deref());
    nav.last = entry.code.clone().unwrap_or_default();
    nav.on_library = spec.view.tab == Tab::Library;
    if !nav.on_library {
        nav.run_view = Some(entry);
    }
    SaveStatus {
        not_saved: WORK
            .save(&storage::this_tab().id, title, &detail, body)
            .err(),
        not_a_link: link.err().map(|e| saved::not_a_link_message(&e)),
    }
}

/// Opens the work of the history entry Back or Forward went to (`popstate`), or of a link
/// pasted in the address bar (`hashchange`); a change the app made itself is ignored.
#[hook]
fn use_history(app: &App, nav: Rc<RefCell<Nav>>) {
    let dispatch = app.dispatcher();
    use_effect_with((), move |_| {
        let listen = |with_state: bool| {
            let (dispatch, nav) = (dispatch.clone(), nav.clone());
            Closure::<dyn Fn()>::new(move || {
                if let Some(action) = navigated(&mut nav.borrow_mut(), with_state) {
                    dispatch.dispatch(action);
                }
            })
        };
        let listeners = [("popstate", listen(true)), ("hashchange", listen(false))];
        let win = web_sys::window();
        if let Some(w) = &win {
            for (event, l) in &listeners {
                let _ = w.add_event_listener_with_callback(event, l.as_ref().unchecked_ref());
            }
        }
        move || {
            if let Some(w) = win {
                for (event, l) in &listeners {
                    let _ =
                        w.remove_event_listener_with_callback(event, l.as_ref().unchecked_ref());
                }
            }
        }
    });
}

/// What to open after a navigation: the link in the URL if it is new, else (`with_state`,
/// a `popstate`) the work kept with the entry.
fn navigated(nav: &mut Nav, with_state: bool) -> Option<Action> {
    let opened = match web::fragment() {
        Some(code) if code == nav.last => return None,
        Some(code) => {
            nav.last = code.clone();
            open_link(&code)
        }
        None if with_state => {
            let record = Record::from_text(&web::history_state()?)?;
            saved::work_spec(&record.body)
                .map_err(|e| format!("This page's work could not be opened: {e}"))
        }
        None => return None,
    };
    Some(match opened {
        Ok(spec) => {
            nav.navigating = true;
            Action::Load(spec)
        }
        Err(message) => Action::Fail(message),
    })
}

/// The messages about keeping the work, under the top bar while they hold.
pub fn banners(status: &SaveStatus) -> Html {
    html! {
        <>
            if let Some(text) = &status.not_saved {
                <div class="notice not-saved" id="not-saved" role="alert">
                    <span>{ text.clone() }</span>
                </div>
            }
            if let Some(text) = &status.not_a_link {
                <div class="notice not-a-link" id="not-a-link" role="status">
                    <span>{ text.clone() }</span>
                </div>
            }
        </>
    }
}
