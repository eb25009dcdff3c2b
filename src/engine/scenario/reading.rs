//! Reading scenario types from JSON: serde's derived `Deserialize` (the attributes next to each
//! type are the one source of its field names, aliases and defaults), through
//! `serde_path_to_error`, so that an error in the content names its place in the document:
//! `campaigns[0].flow[1]: unknown variant `teleport`, expected one of …`.
//!
//! Text is read into a JSON value first: a syntax error names its line and column, an error in
//! the content its path (the value has no lines to name).

use super::Json;
use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};
use std::fmt;

/// Why JSON could not be read as a scenario type: what is wrong, and where.
#[derive(Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Where in the document, e.g. `campaigns[0].flow[1]` (empty: the document itself).
    path: String,
    message: String,
}

impl ReadError {
    /// The place of the error in the document (empty: the document itself).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A text over the size limit, refused before it is read.
    pub fn too_large(len: usize, max: usize) -> Self {
        ReadError {
            path: String::new(),
            message: format!(
                "the scenario is {} MB of text: at most {} MB is allowed",
                len.div_ceil(1 << 20),
                max >> 20
            ),
        }
    }

    /// What is wrong, in serde's words, without the place.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A syntax error of the JSON text (it names its line and column).
impl From<serde_json::Error> for ReadError {
    fn from(e: serde_json::Error) -> Self {
        ReadError {
            path: String::new(),
            message: e.to_string(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// Shown as its message (like its `Display`).
impl fmt::Debug for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ReadError {}

/// Reads a `T` from a JSON value; an error names its path.
pub fn from_value<T: DeserializeOwned>(value: &Json) -> Result<T, ReadError> {
    serde_path_to_error::deserialize(value).map_err(|e| ReadError {
        path: path_text(e.path()),
        message: e.into_inner().to_string(),
    })
}

/// Reads a `T` from JSON text: a syntax error names its line and column, an error in the
/// content its path.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, ReadError> {
    from_value(&serde_json::from_str(text)?)
}

/// The path as a reader writes it: `campaigns[0].flow[1]`, a field or variant name after a dot,
/// a map key that is not a plain word quoted (`knobs["wait time"]`).
fn path_text(path: &Path) -> String {
    let mut out = String::new();
    let dotted = |out: &mut String, name: &str| {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(name);
    };
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } if is_word(key) => {
                dotted(&mut out, key)
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push_str(&format!("[\"{key}\"]"))
            }
            Segment::Unknown => dotted(&mut out, "?"),
        }
    }
    out
}

/// A key written as is in a path: letters, digits and underscores.
fn is_word(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
