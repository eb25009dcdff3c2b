//! Saved work, as plain data (no browser here, so it is tested natively): the records the
//! web app keeps in the browser's storage, one slot per tab, and the rules around them.
//!
//! - **Slots.** Each browser tab saves into its own slot, `<namespace>.<tab id>` (the tab id
//!   lives in the tab's sessionStorage, which a reload keeps and a new tab does not have), so
//!   two tabs with different work never overwrite each other. At most [`MAX_SLOTS`] slots are
//!   kept per namespace; a new slot beyond that removes the oldest ones first
//!   ([`evictions`]), never the tab's own. A new tab opens the most recent work
//!   ([`most_recent`]) and lists the others.
//! - **Records.** A slot holds one [`Record`]: when it was saved, a title and a detail line for
//!   the list of saved work, and a body the app defines. The format is a first line naming it,
//!   a JSON header line, then the body as is (no escaping, so a large body costs its own size).
//!   The campaign builder can keep its drafts the same way under its own namespace.
//! - **Work.** Race Lab's body ([`work_body`], [`work_spec`]) is the run's link code (with an
//!   imported scenario's JSON left out of it) and, after a newline, that JSON: a scenario too
//!   large for a link is kept all the same.
//! - **Imports** are refused above [`MAX_IMPORT_BYTES`] before the file is read
//!   ([`check_import_size`]); [`link_for`] says whether a set-up can travel as a link.

use serde::{Deserialize, Serialize};

use crate::codec::{self, LinkError};
use crate::spec::{RunSpec, ScenarioSource};

/// The namespace of the run set-ups the app autosaves.
pub const WORK: &str = "racelab.work";
/// Most slots kept per namespace (one per tab that saved something).
pub const MAX_SLOTS: usize = 12;
/// Largest scenario file the app imports, in bytes (1 MiB; the built-in scenarios are
/// 7–13 KB). Checked from the file's size before it is read.
pub const MAX_IMPORT_BYTES: u64 = 1024 * 1024;
/// The first line of every record (its format's name and version).
const MAGIC: &str = "racelab-slot/1";

/// The storage key of `tab`'s slot in `namespace`.
pub fn slot_key(namespace: &str, tab: &str) -> String {
    format!("{namespace}.{tab}")
}

/// The tab id of a storage key in `namespace` (`None`: not one of its slots).
pub fn tab_of<'a>(namespace: &str, key: &'a str) -> Option<&'a str> {
    let tab = key.strip_prefix(namespace)?.strip_prefix('.')?;
    (!tab.is_empty() && !tab.contains('.')).then_some(tab)
}

/// A tab id made from a clock reading in microseconds (the page's time origin, distinct per
/// tab) and a counter: letters and digits only.
pub fn new_tab_id(micros: u64, counter: u32) -> String {
    format!("{micros:x}{counter:x}")
}

/// One slot's record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub header: Header,
    /// What the app saved (for [`WORK`], see [`work_body`]).
    pub body: String,
}

/// What the list of saved work shows about a record without reading its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Header {
    /// When it was saved, in milliseconds since 1970.
    pub saved_ms: u64,
    /// What it is (the scenario's title).
    pub title: String,
    /// A detail line (variant and seed).
    #[serde(default)]
    pub detail: String,
}

impl Record {
    /// The text stored for this record.
    pub fn to_text(&self) -> String {
        let header = serde_json::to_string(&self.header).unwrap_or_default();
        format!("{MAGIC}\n{header}\n{}", self.body)
    }

    /// Reads a stored text (`None`: not a record of this format).
    pub fn from_text(text: &str) -> Option<Record> {
        let rest = text.strip_prefix(MAGIC)?.strip_prefix('\n')?;
        let (header, body) = rest.split_once('\n')?;
        Some(Record {
            header: serde_json::from_str(header).ok()?,
            body: body.to_string(),
        })
    }
}

/// The header of a stored record, without copying its body (for the list of saved work).
pub fn header_of(text: &str) -> Option<Header> {
    let rest = text.strip_prefix(MAGIC)?.strip_prefix('\n')?;
    let header = rest.split_once('\n').map_or(rest, |(h, _)| h);
    serde_json::from_str(header).ok()
}

/// A slot found in storage: its tab and header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub tab: String,
    pub header: Header,
}

/// The tabs whose slots to remove so that at most `cap` remain, oldest first, never `keep`'s
/// (the slot about to be written, counted as one of the `cap`).
pub fn evictions(slots: &[Slot], keep: &str, cap: usize) -> Vec<String> {
    let mut others: Vec<&Slot> = slots.iter().filter(|s| s.tab != keep).collect();
    let room = cap.saturating_sub(1);
    if others.len() <= room {
        return Vec::new();
    }
    others.sort_by_key(|s| (s.header.saved_ms, s.tab.clone()));
    let excess = others.len() - room;
    others[..excess].iter().map(|s| s.tab.clone()).collect()
}

/// The most recently saved slot, other than `except`'s.
pub fn most_recent<'a>(slots: &'a [Slot], except: &str) -> Option<&'a Slot> {
    slots
        .iter()
        .filter(|s| s.tab != except)
        .max_by_key(|s| (s.header.saved_ms, s.tab.clone()))
}

/// `slots` other than `except`'s, most recent first (the list of saved work).
pub fn others_newest_first(slots: &[Slot], except: &str) -> Vec<Slot> {
    let mut v: Vec<Slot> = slots.iter().filter(|s| s.tab != except).cloned().collect();
    v.sort_by_key(|s| std::cmp::Reverse((s.header.saved_ms, s.tab.clone())));
    v
}

/// How long ago `then_ms` was, in words ("just now", "5 min ago", "3 h ago", "2 days ago").
pub fn ago(now_ms: u64, then_ms: u64) -> String {
    let s = now_ms.saturating_sub(then_ms) / 1000;
    match s {
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        86_400..=172_799 => "1 day ago".into(),
        _ => format!("{} days ago", s / 86_400),
    }
}

/// A byte count in words: "812 bytes", "251 KB", "50.0 MB" (1 KB = 1,024 bytes).
pub fn human_bytes(n: u64) -> String {
    const KB: u64 = 1024;
    match n {
        0..KB => format!("{n} bytes"),
        KB..1_048_576 => format!("{} KB", n.div_ceil(KB)),
        _ => format!("{:.1} MB", n as f64 / 1_048_576.0),
    }
}

/// Refuses a file over [`MAX_IMPORT_BYTES`] before it is read, saying why.
pub fn check_import_size(name: &str, bytes: u64) -> Result<(), String> {
    if bytes <= MAX_IMPORT_BYTES {
        return Ok(());
    }
    Err(format!(
        "Import failed: \u{201c}{name}\u{201d} is {}, and Race Lab imports scenario files of up \
         to {}. Nothing was changed.",
        human_bytes(bytes),
        human_bytes(MAX_IMPORT_BYTES)
    ))
}

/// The link code of `spec`, or why it cannot be one (too large, most often). A scenario whose
/// JSON is over the link's limit is refused without compressing it.
pub fn link_for(spec: &RunSpec) -> Result<String, LinkError> {
    if let ScenarioSource::Custom(json) = &spec.scenario {
        if json.len() > codec::MAX_SCENARIO_JSON_BYTES {
            return Err(LinkError::TooLarge {
                what: "bytes of scenario JSON".into(),
                limit: codec::MAX_SCENARIO_JSON_BYTES,
                found: Some(json.len() as u64),
            });
        }
    }
    codec::encode_checked(spec)
}

/// What the app says when a set-up cannot travel as a link.
pub fn not_a_link_message(why: &LinkError) -> String {
    let why = match why {
        LinkError::TooLarge {
            what,
            limit,
            found: Some(n),
        } => format!(
            "{} {what}; a link holds at most {}",
            crate::api::thousands(*n),
            crate::api::thousands(*limit as u64)
        ),
        other => other.to_string(),
    };
    format!(
        "This scenario is too large to share as a link ({why}), so the address bar does not \
         carry it. It is kept in this browser and comes back after a reload; to share it, use \
         Export JSON."
    )
}

/// The body of a saved set-up: its link code with an imported scenario's JSON taken out, a
/// newline, then that JSON (nothing for a built-in scenario).
pub fn work_body(spec: &RunSpec) -> String {
    let mut bare = spec.clone();
    let json = match &mut bare.scenario {
        ScenarioSource::Custom(json) => std::mem::take(json),
        ScenarioSource::Builtin(_) => String::new(),
    };
    format!("{}\n{json}", codec::encode(&bare))
}

/// The set-up a [`work_body`] holds, or why it cannot be read.
pub fn work_spec(body: &str) -> Result<RunSpec, String> {
    let (code, json) = body.split_once('\n').unwrap_or((body, ""));
    let mut spec = codec::decode(code).map_err(|e| e.to_string())?;
    if let ScenarioSource::Custom(inline) = &mut spec.scenario {
        *inline = json.to_string();
    }
    Ok(spec)
}

/// The detail line of a saved set-up ("variant naive · seed 7").
pub fn work_detail(spec: &RunSpec) -> String {
    format!("variant {} \u{b7} seed {}", spec.variant, spec.seed)
}

/// What the app says when its work could not be saved (`why`: the browser's reason).
pub fn not_saved_message(why: &str, quota: bool) -> String {
    let reason = if quota {
        "this browser's storage for Race Lab is full".to_string()
    } else {
        format!("the browser refused ({why})")
    };
    format!(
        "Your work is not saved in this browser: {reason}. It stays open in this tab; to keep \
         it, use Export JSON (and Copy link), or remove saved work you no longer need \
         (Library, Saved work)."
    )
}

/// What a tab says on the tabs' broadcast channel to find a copy of itself: a browser's
/// "Duplicate tab" copies the page's session storage, so both tabs start with one id.
///
/// A tab asks (`Ask`) when it starts; every other tab with the same id answers (`Have`). The
/// tab that started later (ties: the larger nonce) is the copy: it takes a new id and copies
/// its slots, so the two never write each other's saved work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabMessage {
    Ask(TabClaim),
    Have(TabClaim),
}

/// A tab's claim on an id: when its page started (ms since 1970) and a random nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabClaim {
    pub tab: String,
    pub started_ms: u64,
    pub nonce: u64,
}

impl TabClaim {
    /// Whether this claim's tab is the copy of `other`'s (same id, started later).
    pub fn yields_to(&self, other: &TabClaim) -> bool {
        self.tab == other.tab && (self.started_ms, self.nonce) > (other.started_ms, other.nonce)
    }
}

impl TabMessage {
    /// `ask <tab> <started> <nonce>` or `have …`.
    pub fn to_text(&self) -> String {
        let (word, c) = match self {
            TabMessage::Ask(c) => ("ask", c),
            TabMessage::Have(c) => ("have", c),
        };
        format!("{word} {} {} {}", c.tab, c.started_ms, c.nonce)
    }

    /// The message in `text` (`None`: not a tab message).
    pub fn from_text(text: &str) -> Option<TabMessage> {
        let mut parts = text.split(' ');
        let word = parts.next()?;
        let claim = TabClaim {
            tab: parts
                .next()
                .filter(|t| !t.is_empty() && !t.contains('.'))?
                .to_string(),
            started_ms: parts.next()?.parse().ok()?,
            nonce: parts.next()?.parse().ok()?,
        };
        if parts.next().is_some() {
            return None;
        }
        match word {
            "ask" => Some(TabMessage::Ask(claim)),
            "have" => Some(TabMessage::Have(claim)),
            _ => None,
        }
    }
}

/// The storage key `key` moved from tab `old` to tab `new`, if it is one of `old`'s slots in
/// any namespace under `racelab.` (the run set-ups, the builder's drafts, …).
pub fn moved_slot_key(key: &str, old: &str, new: &str) -> Option<String> {
    let namespace = key
        .strip_prefix("racelab.")?
        .strip_suffix(old)?
        .strip_suffix('.')?;
    (!namespace.is_empty()).then(|| format!("racelab.{namespace}.{new}"))
}
