//! [`Text`]: a trace row's lane name or sentence, either a string of its own (as the engine
//! writes a row) or a piece of a text that many rows share (as the page reads a run's rows
//! back from the worker: one text for a slice's sentences, one for each lane name), so that
//! reading a big run back costs no allocation or copy per row.

use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string, owned or a piece of a shared text; used as a `&str` (it dereferences to one),
/// compared, printed and written as its text.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Own(String),
    /// `all[start..end]`, the range checked to fall on character boundaries when made.
    Piece {
        all: Rc<str>,
        start: u32,
        end: u32,
    },
}

impl Text {
    /// The piece `range` of `all`, or `None` if the range is outside it or cuts a character.
    pub fn piece(all: &Rc<str>, range: std::ops::Range<usize>) -> Option<Text> {
        all.get(range.clone())?;
        let start = u32::try_from(range.start).ok()?;
        let end = u32::try_from(range.end).ok()?;
        Some(Text(Repr::Piece {
            all: Rc::clone(all),
            start,
            end,
        }))
    }

    /// The text as a `&str`.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Own(s) => s,
            // Checked when made, so never empty for want of a boundary.
            Repr::Piece { all, start, end } => {
                all.get(*start as usize..*end as usize).unwrap_or("")
            }
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Repr::Own(String::new()))
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Repr::Own(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Repr::Own(s.to_owned()))
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        String::deserialize(d).map(Text::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piece_is_its_part_of_the_shared_text() {
        let all: Rc<str> = Rc::from("Alert \u{201c}New\u{201d} sent");
        let piece = Text::piece(&all, 6..12).unwrap();
        assert_eq!(piece, "\u{201c}New");
        assert_eq!(piece, Text::from("\u{201c}New"));
        assert_eq!(format!("{piece} {piece:?}"), "\u{201c}New \"\u{201c}New\"");
        assert_eq!(serde_json::to_string(&piece).unwrap(), "\"\u{201c}New\"");
        assert!(Text::piece(&all, 7..12).is_none(), "cuts a character");
        assert!(Text::piece(&all, 6..99).is_none(), "outside the text");
        assert_eq!(Text::piece(&all, 3..3).unwrap(), "");
    }
}
