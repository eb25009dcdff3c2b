//! Slots of saved work in the browser's localStorage, one per tab (the rules and the record
//! format are plain data in [`crate::saved`]). This tab's id lives in its sessionStorage: a
//! reload keeps it, a new tab gets a new one. Every failure to save is returned as a message
//! for the user, never swallowed.
//!
//! A browser's "Duplicate tab" copies session storage, so the copy starts with the
//! original's id; [`watch_for_copies`] finds that out on the tabs' broadcast channel and gives
//! the copy its own id and its own copy of the slots.
//!
//! [`Slots`] is generic: the run set-ups live in [`WORK`]; another part of the app (the
//! campaign builder's drafts) can keep its own slots under its own namespace.

use std::cell::RefCell;
use std::collections::BTreeSet;

use wasm_bindgen::JsCast;

use crate::saved::{self, Header, Record, Slot};

/// The sessionStorage key of this tab's id.
const TAB_KEY: &str = "racelab.tab";

/// This tab: its id, and whether it was new when the page started (no id in its
/// sessionStorage: a new tab, not a reload).
#[derive(Debug, Clone, PartialEq)]
pub struct ThisTab {
    pub id: String,
    pub fresh: bool,
}

thread_local! {
    static TAB: RefCell<Option<ThisTab>> = const { RefCell::new(None) };
    /// The namespaces this page has written a slot in (old slots are evicted before the first).
    static WRITTEN: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
}

/// This tab's id (made and kept in sessionStorage the first time it is asked for).
pub fn this_tab() -> ThisTab {
    TAB.with(|t| t.borrow_mut().get_or_insert_with(find_tab).clone())
}

/// Makes `id` this tab's id: the campaign builder's own wasm shares the page's tab, whose id
/// the app hands it (so its drafts go in this tab's slot).
pub fn adopt_tab(id: String) {
    TAB.with(|t| *t.borrow_mut() = Some(ThisTab { id, fresh: false }));
}

fn find_tab() -> ThisTab {
    let session = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    if let Some(id) = session
        .as_ref()
        .and_then(|s| s.get_item(TAB_KEY).ok().flatten())
    {
        if saved::tab_of(saved::WORK, &saved::slot_key(saved::WORK, &id)).is_some() {
            return ThisTab { id, fresh: false };
        }
    }
    let id = saved::new_tab_id(random_u64(), 0);
    if let Some(s) = session {
        let _ = s.set_item(TAB_KEY, &id);
    }
    ThisTab { id, fresh: true }
}

/// The tabs' broadcast channel (see [`watch_for_copies`]).
const TABS_CHANNEL: &str = "racelab.tabs";

thread_local! {
    /// This page's claim on its tab id, and the open channel (kept for the page's life).
    static CLAIM: RefCell<Option<(saved::TabClaim, web_sys::BroadcastChannel)>> =
        const { RefCell::new(None) };
}

/// Starts answering other tabs that ask for this tab's id, and asks once whether another open
/// tab already has it (this tab is then a duplicate: it takes a new id). Does nothing in a
/// browser without broadcast channels.
pub fn watch_for_copies() {
    let Ok(channel) = web_sys::BroadcastChannel::new(TABS_CHANNEL) else {
        return;
    };
    let claim = saved::TabClaim {
        tab: this_tab().id,
        started_ms: web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0, |p| p.time_origin() as u64),
        nonce: random_u64(),
    };
    let on_message = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(
        |e: web_sys::MessageEvent| {
            if let Some(m) = e
                .data()
                .as_string()
                .and_then(|t| saved::TabMessage::from_text(&t))
            {
                heard(m);
            }
        },
    );
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = channel.post_message(&saved::TabMessage::Ask(claim.clone()).to_text().into());
    CLAIM.with(|c| *c.borrow_mut() = Some((claim, channel)));
}

/// Another tab's message: answers an ask for this tab's id; yields the id to an older tab.
fn heard(message: saved::TabMessage) {
    CLAIM.with(|c| {
        let mut c = c.borrow_mut();
        let Some((mine, channel)) = c.as_mut() else {
            return;
        };
        match message {
            saved::TabMessage::Ask(theirs) if theirs.tab == mine.tab => {
                let _ =
                    channel.post_message(&saved::TabMessage::Have(mine.clone()).to_text().into());
            }
            saved::TabMessage::Have(theirs) if mine.yields_to(&theirs) => {
                let new = saved::new_tab_id(random_u64(), 1);
                copy_slots(&mine.tab, &new);
                if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten())
                {
                    let _ = s.set_item(TAB_KEY, &new);
                }
                TAB.with(|t| {
                    *t.borrow_mut() = Some(ThisTab {
                        id: new.clone(),
                        fresh: false,
                    })
                });
                mine.tab = new;
            }
            _ => {}
        }
    });
}

/// Copies tab `old`'s slots (every namespace) to tab `new`.
fn copy_slots(old: &str, new: &str) {
    let Ok(s) = local() else { return };
    let n = s.length().unwrap_or(0);
    let keys: Vec<String> = (0..n).filter_map(|i| s.key(i).ok().flatten()).collect();
    for key in keys {
        if let (Some(to), Ok(Some(text))) =
            (saved::moved_slot_key(&key, old, new), s.get_item(&key))
        {
            let _ = s.set_item(&to, &text);
        }
    }
}

/// 64 random bits from the browser (the clock if it has no crypto).
fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if crypto.is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok()) {
        return u64::from_le_bytes(bytes);
    }
    let p = web_sys::window().and_then(|w| w.performance());
    p.map_or(0, |p| ((p.time_origin() + p.now()) * 1000.0) as u64)
}

/// Milliseconds since 1970 (for the saved time of a record).
pub fn epoch_ms() -> u64 {
    let p = web_sys::window().and_then(|w| w.performance());
    p.map_or(0, |p| (p.time_origin() + p.now()) as u64)
}

fn local() -> Result<web_sys::Storage, String> {
    let w = web_sys::window().ok_or("there is no window")?;
    match w.local_storage() {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err("this browser has no storage for pages".into()),
        Err(e) => Err(reason(&e).1),
    }
}

/// Whether a storage error is the quota, and its message.
fn reason(e: &wasm_bindgen::JsValue) -> (bool, String) {
    match e.dyn_ref::<web_sys::DomException>() {
        Some(d) => (
            d.name() == "QuotaExceededError" || d.code() == 22,
            d.message(),
        ),
        None => (
            false,
            e.as_string().unwrap_or_else(|| "unknown error".into()),
        ),
    }
}

/// The slots of one namespace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slots {
    pub namespace: &'static str,
}

/// The run set-ups the app autosaves.
pub const WORK: Slots = Slots {
    namespace: saved::WORK,
};

impl Slots {
    /// Every slot of this namespace found in storage (unreadable ones left out).
    pub fn list(&self) -> Vec<Slot> {
        let Ok(s) = local() else { return Vec::new() };
        let n = s.length().unwrap_or(0);
        let keys: Vec<String> = (0..n).filter_map(|i| s.key(i).ok().flatten()).collect();
        keys.iter()
            .filter_map(|key| {
                let tab = saved::tab_of(self.namespace, key)?;
                let text = s.get_item(key).ok()??;
                Some(Slot {
                    tab: tab.to_string(),
                    header: saved::header_of(&text)?,
                })
            })
            .collect()
    }

    /// `tab`'s record, if it has one.
    pub fn load(&self, tab: &str) -> Option<Record> {
        let text = local()
            .ok()?
            .get_item(&saved::slot_key(self.namespace, tab))
            .ok()??;
        Record::from_text(&text)
    }

    /// Writes `tab`'s record (stamped now). The first write of a page first removes the oldest
    /// slots beyond [`saved::MAX_SLOTS`]. An error is the message to show.
    pub fn save(&self, tab: &str, title: &str, detail: &str, body: String) -> Result<(), String> {
        let s = local().map_err(|why| saved::not_saved_message(&why, false))?;
        let first = WRITTEN.with(|w| w.borrow_mut().insert(self.namespace));
        if first {
            for old in saved::evictions(&self.list(), tab, saved::MAX_SLOTS) {
                self.remove(&old);
            }
        }
        let record = Record {
            header: Header {
                saved_ms: epoch_ms(),
                title: title.to_string(),
                detail: detail.to_string(),
            },
            body,
        };
        s.set_item(&saved::slot_key(self.namespace, tab), &record.to_text())
            .map_err(|e| {
                let (quota, why) = reason(&e);
                saved::not_saved_message(&why, quota)
            })
    }

    /// Removes `tab`'s slot.
    pub fn remove(&self, tab: &str) {
        if let Ok(s) = local() {
            let _ = s.remove_item(&saved::slot_key(self.namespace, tab));
        }
    }
}

/// The single autosave of Race Lab before slots (read once, to restore old work).
pub fn legacy_work() -> Option<String> {
    local().ok()?.get_item("racelab.state").ok()?
}
