//! Share links: one [`RunSpec`] in the fragment of a URL (`http://host/#1.eNq…`).
//!
//! A link code is `<version>.<base64url without padding>`. The version comes first so that a
//! link made by a newer Race Lab is recognised before anything else is read, and so that old
//! links keep opening: each version has its own decoder, kept for good (`v1.rs` reads version
//! 1). Version 1's bytes are a CRC-32 of the payload followed by the payload compressed with
//! raw DEFLATE (miniz_oxide, inflated under the payload limit below); the payload is a compact
//! binary form of the spec (LEB128 varints, length-prefixed UTF-8 strings, one-byte tags). A
//! built-in scenario travels as its id, a custom one as its JSON text, an injected event as
//! its compact serde JSON. `docs/link-format.md` describes the format byte by byte.
//!
//! Decoding never panics, whatever the input. Its limits:
//!
//! | what | limit |
//! | --- | --- |
//! | link code (the text after `#`) | [`MAX_LINK_CHARS`] = 65,536 characters |
//! | decompressed payload | [`MAX_PAYLOAD_BYTES`] = 1 MiB |
//! | custom scenario JSON | [`MAX_SCENARIO_JSON_BYTES`] = 256 KiB |
//! | scenario id, variant and knob names | [`MAX_NAME_BYTES`] = 256 bytes each |
//! | knob overrides | [`MAX_KNOBS`] = 256 |
//! | injections | [`MAX_INJECTIONS`] = 1,000 |
//! | one injected event's JSON | [`MAX_EVENT_JSON_BYTES`] = 16 KiB |
//! | schedule entries | [`MAX_SCHEDULE`] = 100,000 |
//! | a time (playhead, view window, injection) | [`MAX_TIME_MS`] = 1,000 days |
//!
//! A view window must also end after it starts (or be 0, 0: fit all).
//!
//! [`encode`] writes any spec; [`encode_checked`] also makes sure the link opens again
//! (within the limits), for the app's Share button.

mod v1;
mod wire;

use crate::spec::RunSpec;
use std::fmt;

/// The newest link version this build writes; it reads every version from 1 up to it.
pub const CURRENT_VERSION: u32 = 1;
/// Longest link code accepted, in characters (the text after `#`).
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// Largest payload after decompression, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 1024 * 1024;
/// Longest custom scenario JSON, in bytes.
pub const MAX_SCENARIO_JSON_BYTES: usize = 256 * 1024;
/// Longest built-in scenario id, variant name or knob name, in bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// Most knob overrides in one link.
pub const MAX_KNOBS: usize = 256;
/// Most injected events in one link.
pub const MAX_INJECTIONS: usize = 1_000;
/// Longest JSON text of one injected event, in bytes.
pub const MAX_EVENT_JSON_BYTES: usize = 16 * 1024;
/// Most entries in a hand-chosen schedule.
pub const MAX_SCHEDULE: usize = 100_000;
/// Latest time a link may name, in milliseconds: 1,000 days (a run lasts at most 400).
pub const MAX_TIME_MS: u64 = 1_000 * 86_400_000;

/// Why a text does not open as a run. Its `Display` is written for the person who pasted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// Not a Race Lab link at all, or characters that no link contains.
    NotALink(String),
    /// Cut short or altered on the way: the checksum, the length or the compressed data is
    /// wrong.
    Damaged(String),
    /// A version this build cannot read (made by a newer Race Lab).
    UnknownVersion(u32),
    /// Over one of the limits: `found` of `what` (`None` when decoding stopped at the limit).
    TooLarge {
        what: String,
        limit: usize,
        found: Option<u64>,
    },
    /// Intact, but a field's content is not acceptable.
    Invalid { field: String, reason: String },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            LinkError::NotALink(why) => write!(f, "this is not a Race Lab link: {why}"),
            LinkError::Damaged(why) => write!(
                f,
                "the link is truncated or damaged ({why}); copy the whole link again"
            ),
            LinkError::UnknownVersion(n) => write!(
                f,
                "the link has version {n}, made by a newer Race Lab; this one reads versions \
                 1..={CURRENT_VERSION}"
            ),
            LinkError::TooLarge {
                what,
                limit,
                found: Some(n),
            } => write!(f, "the link is too large: {n} {what}, the limit is {limit}"),
            LinkError::TooLarge { what, limit, .. } => {
                write!(f, "the link is too large: more than {limit} {what}")
            }
            LinkError::Invalid { field, reason } => {
                write!(f, "the link's content is invalid: {field}: {reason}")
            }
        }
    }
}

impl std::error::Error for LinkError {}

/// The link code for `spec` (the fragment, without `#`), in the newest version.
pub fn encode(spec: &RunSpec) -> String {
    format!("{CURRENT_VERSION}.{}", v1::encode(spec))
}

/// [`encode`], then checks that the code opens again to the same spec: an error says which
/// limit the spec is over.
pub fn encode_checked(spec: &RunSpec) -> Result<String, LinkError> {
    let code = encode(spec);
    match decode(&code)? {
        ref back if back == spec => Ok(code),
        _ => Err(LinkError::Invalid {
            field: "injections".into(),
            reason: "an injected event does not survive being written as JSON".into(),
        }),
    }
}

/// Reads a link: a full URL (`http://host/#1.…`), a fragment (`#1.…`) or the bare code.
/// Surrounding whitespace is ignored.
pub fn decode(link: &str) -> Result<RunSpec, LinkError> {
    let link = link.trim();
    let code = match link.split_once('#') {
        Some((_, fragment)) => fragment,
        None if link.contains("://") => {
            return Err(LinkError::NotALink(
                "the address has no `#` part carrying a run".into(),
            ))
        }
        None => link,
    };
    if code.is_empty() {
        return Err(LinkError::NotALink("it is empty".into()));
    }
    let (version, body) = split_version(code)?;
    if version != 1 {
        return Err(LinkError::UnknownVersion(version));
    }
    let chars = code.chars().count();
    if chars > MAX_LINK_CHARS {
        return Err(LinkError::TooLarge {
            what: "characters of link code".into(),
            limit: MAX_LINK_CHARS,
            found: Some(chars as u64),
        });
    }
    v1::decode(body)
}

/// `"12.abc"` → `(12, "abc")`: one to nine digits, no leading zero, then a dot.
fn split_version(code: &str) -> Result<(u32, &str), LinkError> {
    let not_a_link = || {
        LinkError::NotALink("a link code starts with a version number and a dot, like `1.`".into())
    };
    let (digits, body) = code.split_once('.').ok_or_else(not_a_link)?;
    if digits.is_empty()
        || digits.len() > 9
        || digits.starts_with('0')
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(not_a_link());
    }
    Ok((digits.parse().map_err(|_| not_a_link())?, body))
}
