//! A slice of a run's trace rows as columns, the form they cross the worker boundary in (see
//! [`super`]): numbers as arrays of fixed-width little-endian integers (read back with a
//! plain loop over bytes, not an integer at a time through `serde`), each lane and kind name
//! once per slice with the rows giving its index, and the sentences as one text with each
//! row's length. Reading a slice back then allocates once per slice, not per row: each row's
//! lane and sentence are [`Text`] pieces of the slice's shared texts.

use std::borrow::Cow;
use std::rc::Rc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::api::{RowPart, Text, TraceRow};

/// Bytes written as one byte string (not a sequence of numbers), read back borrowed from the
/// bytes being read.
pub(super) struct Raw<'a>(pub(super) Cow<'a, [u8]>);

impl Serialize for Raw<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Raw<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_borrowed_bytes<E: serde::de::Error>(
                self,
                v: &'de [u8],
            ) -> Result<Raw<'de>, E> {
                Ok(Raw(Cow::Borrowed(v)))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Raw<'de>, E> {
                Ok(Raw(Cow::Owned(v.to_vec())))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Raw<'de>, E> {
                Ok(Raw(Cow::Owned(v)))
            }
        }
        d.deserialize_bytes(Visitor)
    }
}

/// `values` as 4-byte little-endian integers.
pub(super) fn raw_u32(values: impl Iterator<Item = u32>) -> Raw<'static> {
    Raw(Cow::Owned(values.flat_map(u32::to_le_bytes).collect()))
}

/// The 4-byte little-endian integers of `raw`, or `None` if it does not hold exactly `n`.
pub(super) fn u32s<'r>(raw: &'r Raw, n: usize) -> Option<impl Iterator<Item = u32> + 'r> {
    (raw.0.len() == n.checked_mul(4)?).then(|| {
        raw.0
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    })
}

/// An optional number as written: `None` as 0, `Some(x)` as x + 1 (row ids and person numbers
/// stay far below `u32::MAX`; one at it would read back as `None`).
fn some_plus_one(x: Option<u32>) -> u32 {
    x.map_or(0, |x| x.saturating_add(1))
}

fn from_plus_one(x: u32) -> Option<u32> {
    x.checked_sub(1)
}

/// A row's part in the violations as one byte.
fn part_byte(p: RowPart) -> u8 {
    match p {
        RowPart::None => 0,
        RowPart::Witness => 1,
        RowPart::Violating => 2,
    }
}

fn part_of(b: u8) -> Option<RowPart> {
    [RowPart::None, RowPart::Witness, RowPart::Violating]
        .get(usize::from(b))
        .copied()
}

/// Trace rows (with each row's part in the violations and step name) as columns.
#[derive(Serialize, Deserialize)]
pub(super) struct RowColumns<'a> {
    /// Each row's id (u32), time (u64), person and cause (u32, see [`some_plus_one`]).
    #[serde(borrow)]
    ids: Raw<'a>,
    #[serde(borrow)]
    times: Raw<'a>,
    #[serde(borrow)]
    people: Raw<'a>,
    #[serde(borrow)]
    causes: Raw<'a>,
    /// The distinct lane names of the slice, and each row's as an index into them (u32).
    #[serde(borrow)]
    lane_names: Vec<&'a str>,
    #[serde(borrow)]
    lanes: Raw<'a>,
    /// The distinct kind names of the slice, and each row's as an index into them (u32).
    #[serde(borrow)]
    kind_names: Vec<&'a str>,
    #[serde(borrow)]
    kinds: Raw<'a>,
    /// Every row's sentence, one after another, and each one's length in bytes (u32).
    #[serde(borrow)]
    sentences: Cow<'a, str>,
    #[serde(borrow)]
    lengths: Raw<'a>,
    /// Each row's part in the violations (a byte, see [`part_byte`]) and step name (u32).
    #[serde(borrow)]
    parts: Raw<'a>,
    #[serde(borrow)]
    step_names: Raw<'a>,
}

/// The index of `name` in `names`, added if new (a slice has a few dozen distinct names).
pub(super) fn index_of<'a>(names: &mut Vec<&'a str>, name: &'a str) -> u32 {
    let at = names.iter().rposition(|n| *n == name).unwrap_or_else(|| {
        names.push(name);
        names.len() - 1
    });
    at as u32
}

impl<'a> RowColumns<'a> {
    /// `rows` with their `parts` and step `names` (all three the same length).
    pub(super) fn of(rows: &'a [TraceRow], parts: &[RowPart], names: &[u32]) -> RowColumns<'a> {
        let mut lane_names = Vec::new();
        let lanes = raw_u32(rows.iter().map(|r| index_of(&mut lane_names, &r.lane)));
        let mut kind_names = Vec::new();
        let kinds = raw_u32(rows.iter().map(|r| index_of(&mut kind_names, r.kind)));
        let mut sentences = String::with_capacity(rows.iter().map(|r| r.details.len()).sum());
        for r in rows {
            sentences.push_str(&r.details);
        }
        RowColumns {
            ids: raw_u32(rows.iter().map(|r| r.id)),
            times: Raw(Cow::Owned(
                rows.iter().flat_map(|r| r.time_ms.to_le_bytes()).collect(),
            )),
            people: raw_u32(rows.iter().map(|r| some_plus_one(r.person))),
            causes: raw_u32(rows.iter().map(|r| some_plus_one(r.cause))),
            lane_names,
            lanes,
            kind_names,
            kinds,
            sentences: Cow::Owned(sentences),
            lengths: raw_u32(rows.iter().map(|r| r.details.len() as u32)),
            parts: Raw(Cow::Owned(parts.iter().map(|&p| part_byte(p)).collect())),
            step_names: raw_u32(names.iter().copied()),
        }
    }

    /// The rows back, with their parts and step names; `None` if the columns do not agree
    /// (damaged bytes).
    pub(super) fn rows(self) -> Option<(Vec<TraceRow>, Vec<RowPart>, Vec<u32>)> {
        let n = self.ids.0.len() / 4;
        if n == 0 || self.times.0.len() != n.checked_mul(8)? || self.parts.0.len() != n {
            return None;
        }
        let times = self
            .times
            .0
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]));
        let kinds: Vec<&'static str> = self
            .kind_names
            .iter()
            .map(|k| crate::api::kind_named(k))
            .collect();
        let lane_names: Vec<Text> = self
            .lane_names
            .iter()
            .map(|&l| {
                let all: Rc<str> = Rc::from(l);
                Text::piece(&all, 0..l.len())
            })
            .collect::<Option<_>>()?;
        let all: Rc<str> = Rc::from(&*self.sentences);
        let columns = u32s(&self.ids, n)?
            .zip(times)
            .zip(u32s(&self.people, n)?)
            .zip(u32s(&self.causes, n)?)
            .zip(u32s(&self.lanes, n)?)
            .zip(u32s(&self.kinds, n)?)
            .zip(u32s(&self.lengths, n)?);
        let mut rows = Vec::with_capacity(n);
        let mut at = 0usize;
        for ((((((id, time_ms), person), cause), lane), kind), length) in columns {
            let end = at.checked_add(length as usize)?;
            let details = Text::piece(&all, at..end)?;
            at = end;
            rows.push(TraceRow {
                id,
                time_ms,
                person: from_plus_one(person),
                lane: lane_names.get(lane as usize)?.clone(),
                kind: kinds.get(kind as usize)?,
                details,
                cause: from_plus_one(cause),
            });
        }
        let parts = self
            .parts
            .0
            .iter()
            .map(|&b| part_of(b))
            .collect::<Option<_>>()?;
        let names = u32s(&self.step_names, n)?.collect();
        (at == all.len()).then_some((rows, parts, names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u32, lane: &str, kind: &'static str, details: &str) -> TraceRow {
        TraceRow {
            id,
            time_ms: 1_000 * u64::from(id),
            person: (id % 2 == 1).then_some(id),
            lane: lane.into(),
            kind,
            details: details.into(),
            cause: id.checked_sub(1),
        }
    }

    #[test]
    fn rows_read_back_from_their_columns() {
        let rows = vec![
            row(0, "CRM", "crm-sync", "Person 1 synced to the CRM"),
            row(
                1,
                "Fast Track Alert",
                "alert-sent",
                "Alert \u{201c}New lead\u{201d} sent to no one \u{2026}",
            ),
            row(2, "CRM", "crm-sync", ""),
        ];
        let parts = vec![RowPart::None, RowPart::Witness, RowPart::Violating];
        let names = vec![0, 1, 0];
        let c = RowColumns::of(&rows, &parts, &names);
        assert_eq!((c.lane_names.len(), c.kind_names.len()), (2, 2));
        assert_eq!(c.rows(), Some((rows, parts, names)));
    }

    #[test]
    fn columns_that_disagree_are_damage() {
        let rows = vec![
            row(0, "CRM", "crm-sync", "é"),
            row(1, "CRM", "crm-sync", "ab"),
        ];
        let (parts, names) = (vec![RowPart::None; 2], vec![0, 0]);
        let fresh = || RowColumns::of(&rows, &parts, &names);
        // The `i`th 4-byte integer of a column set to `v`.
        let set = |raw: &mut Raw, i: usize, v: u32| {
            raw.0.to_mut()[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes())
        };
        let mut c = fresh();
        set(&mut c.lengths, 0, 1); // cuts "é" in the middle
        assert!(c.rows().is_none());
        let mut c = fresh();
        set(&mut c.lengths, 1, 1); // leaves a byte of the text over
        assert!(c.rows().is_none());
        let mut c = fresh();
        set(&mut c.lengths, 1, u32::MAX); // runs past the text
        assert!(c.rows().is_none());
        let mut c = fresh();
        set(&mut c.lanes, 1, 7);
        assert!(c.rows().is_none());
        let mut c = fresh();
        set(&mut c.kinds, 0, 2);
        assert!(c.rows().is_none());
        let mut c = fresh();
        c.parts.0.to_mut()[1] = 3; // no such part
        assert!(c.rows().is_none());
        let mut c = fresh();
        c.times.0.to_mut().pop(); // not a whole number of times
        assert!(c.rows().is_none());
        let mut c = fresh();
        c.causes.0.to_mut().truncate(4); // one cause for two rows
        assert!(c.rows().is_none());
        let mut c = fresh();
        c.step_names.0.to_mut().extend([0; 4]); // three step names for two rows
        assert!(c.rows().is_none());
        assert!(fresh().rows().is_some());
    }
}
