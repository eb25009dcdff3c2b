//! A run as bytes, to cross the boundary between a worker and the page: a
//! [`RunView`] in a compact binary form (`bincode`; the outcomes table's head inside it as
//! JSON, as the CLI writes it; the trace rows as columns, see [`rows`]; the outcomes' people
//! as the leads table's columns, see [`people`]: the page gets what it draws of each person,
//! not the person's whole record). A 10,000-person run is a few megabytes, copied in one
//! piece and read back in milliseconds, where the same run as JavaScript objects would cost
//! the page seconds.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::api::RunView;

mod people;
mod rows;

pub use people::listed;

/// Bytes that cross the worker boundary as one `Uint8Array` (a plain `Vec<u8>` would become
/// an array of numbers), and as an array of numbers in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Bytes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        d.deserialize_byte_buf(Visitor)
    }
}

/// The binary form: numbers and lengths as variable-length integers (most are small).
fn options() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// Trace rows in one part of the bytes (with each row's part in the violations and step
/// name): a part is read in a few milliseconds, so the page can read a big run a part at a
/// time between other work (see [`Reader`]).
pub const ROWS_PER_PART: usize = 4_000;
/// Violations in one part of the bytes.
pub const VIOLATIONS_PER_PART: usize = 2_000;
/// People of the outcomes table in one part of the bytes.
pub const PEOPLE_PER_PART: usize = 2_000;

/// How many of each sliced thing a run's bytes hold: rows, people, violations.
type Counts = (u64, u64, u64);

/// `view` as bytes: its head (everything whose size does not grow with the run), then the
/// rows (each with its part in the violations and its step name, as [`rows::RowColumns`]),
/// the violations and the outcomes' people (as the leads table draws them: [`listed`]) in
/// parts of
/// [`ROWS_PER_PART`], [`VIOLATIONS_PER_PART`] and [`PEOPLE_PER_PART`], each part after its
/// length. The run's decisions do not cross: the page has no use for them (see [`as_read`]).
pub fn encode(view: &RunView) -> Bytes {
    let mut outcomes = (*view.outcomes).clone();
    let people = std::mem::take(&mut outcomes.people);
    let head = RunView {
        rows: Vec::new(),
        parts: Vec::new(),
        violations: Vec::new(),
        decisions: Vec::new(),
        step_names: crate::api::StepNames {
            names: view.step_names.names.clone(),
            of_row: Vec::new(),
        },
        outcomes: std::rc::Rc::new(outcomes),
        ..view.clone()
    };
    let mut out = Vec::new();
    let mut part = |bytes: Vec<u8>| {
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&bytes);
    };
    let n = |len: usize| len as u64;
    let counts: Counts = (
        n(view.rows.len()),
        n(people.len()),
        n(view.violations.len()),
    );
    part(bin(&counts));
    part(bin(&head));
    for (k, rows) in view.rows.chunks(ROWS_PER_PART).enumerate() {
        let at = k * ROWS_PER_PART..k * ROWS_PER_PART + rows.len();
        let parts = view.parts.get(at.clone()).unwrap_or_default();
        let names = view.step_names.of_row.get(at).unwrap_or_default();
        part(bin(&rows::RowColumns::of(rows, parts, names)));
    }
    for violations in view.violations.chunks(VIOLATIONS_PER_PART) {
        part(bin(&violations));
    }
    for people in people.chunks(PEOPLE_PER_PART) {
        part(bin(&people::LeadColumns::of(people)));
    }
    Bytes(out)
}

/// `x` in the binary form.
fn bin<T: Serialize + ?Sized>(x: &T) -> Vec<u8> {
    use bincode::Options;
    options().serialize(x).unwrap_or_default()
}

/// `view` as the page reads it back from [`encode`]'s bytes: each person's outcome as the
/// leads table draws it ([`listed`]), no decisions (the chooser's answers: the set-up's seed
/// and schedule make them again), the rest as it is.
pub fn as_read(view: &RunView) -> RunView {
    let mut view = view.clone();
    view.decisions.clear();
    let outcomes = std::rc::Rc::make_mut(&mut view.outcomes);
    outcomes.people = outcomes.people.iter().map(listed).collect();
    view
}

/// The run `bytes` hold (what [`encode`] gave, as [`as_read`]), or why they hold none.
pub fn decode(bytes: &Bytes) -> Result<RunView, String> {
    let mut reader = Reader::new(Box::new(bytes))?;
    while !reader.step()? {}
    reader.finish()
}

/// Where a [`Reader`] reads a run's bytes from: bytes at hand, or (on the page) bytes still
/// outside the wasm's memory, copied in a part at a time.
pub trait Source {
    /// How many bytes there are.
    fn size(&self) -> usize;
    /// The bytes at `range` (`None`: past the end).
    fn slice(&self, range: std::ops::Range<usize>) -> Option<Cow<'_, [u8]>>;
}

impl Source for Bytes {
    fn size(&self) -> usize {
        self.0.len()
    }
    fn slice(&self, range: std::ops::Range<usize>) -> Option<Cow<'_, [u8]>> {
        self.0.get(range).map(Cow::Borrowed)
    }
}

impl Source for &Bytes {
    fn size(&self) -> usize {
        self.0.len()
    }
    fn slice(&self, range: std::ops::Range<usize>) -> Option<Cow<'_, [u8]>> {
        self.0.get(range).map(Cow::Borrowed)
    }
}

/// Reads a run's bytes a part at a time: [`Reader::new`] reads the head, each
/// [`Reader::step`] one part of the rows or of the outcomes' people, so no single step of
/// reading a big run takes long.
pub struct Reader<'a> {
    source: Box<dyn Source + 'a>,
    /// Where the next part starts.
    at: usize,
    /// How many rows, people and violations the bytes hold.
    rows: usize,
    people: usize,
    violations: usize,
    view: RunView,
    outcomes: crate::api::Outcomes,
}

fn unreadable(e: impl std::fmt::Display) -> String {
    format!("the run could not be read back: {e}")
}

impl<'a> Reader<'a> {
    /// Starts reading `source`: reads the head.
    pub fn new(source: Box<dyn Source + 'a>) -> Result<Reader<'a>, String> {
        use bincode::Options;
        let mut reader = Reader {
            source,
            at: 0,
            rows: 0,
            people: 0,
            violations: 0,
            view: empty_view(),
            outcomes: Default::default(),
        };
        let counts: Counts = options().deserialize(&reader.part()?).map_err(unreadable)?;
        let mut view: RunView = options().deserialize(&reader.part()?).map_err(unreadable)?;
        // Counts beyond what the bytes could hold are damage, not a reason to reserve memory.
        let room = reader.source.size() as u64;
        let (rows, people, violations) = counts;
        if [rows, people, violations].iter().any(|&n| n > room) {
            return Err(unreadable("damaged counts"));
        }
        reader.outcomes = std::mem::take(std::rc::Rc::make_mut(&mut view.outcomes));
        (reader.rows, reader.people) = (rows as usize, people as usize);
        reader.violations = violations as usize;
        view.rows.reserve(reader.rows);
        view.parts.reserve(reader.rows);
        view.step_names.of_row.reserve(reader.rows);
        view.violations.reserve(reader.violations);
        reader.outcomes.people.reserve(reader.people);
        reader.view = view;
        Ok(reader)
    }

    /// The next part's bytes.
    fn part(&mut self) -> Result<Cow<'_, [u8]>, String> {
        let cut = || unreadable("cut short");
        let head = self.source.slice(self.at..self.at + 4).ok_or_else(cut)?;
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let start = self.at + 4;
        let end = start.saturating_add(len);
        if end > self.source.size() {
            return Err(cut());
        }
        self.at = end;
        self.source.slice(start..end).ok_or_else(cut)
    }

    /// Reads the next part; true once everything is read.
    pub fn step(&mut self) -> Result<bool, String> {
        use bincode::Options;
        let empty = || Err(unreadable("an empty or damaged part"));
        let v = &mut self.view;
        if v.rows.len() < self.rows {
            let read = {
                let bytes = self.part()?;
                let columns: rows::RowColumns =
                    options().deserialize(&bytes).map_err(unreadable)?;
                columns.rows()
            };
            let Some((rows, parts, names)) = read else {
                return empty();
            };
            let v = &mut self.view;
            v.rows.extend(rows);
            v.parts.extend(parts);
            v.step_names.of_row.extend(names);
        } else if v.violations.len() < self.violations {
            let violations: Vec<crate::api::ViolationView> =
                options().deserialize(&self.part()?).map_err(unreadable)?;
            if violations.is_empty() {
                return empty();
            }
            self.view.violations.extend(violations);
        } else if self.outcomes.people.len() < self.people {
            let read = {
                let bytes = self.part()?;
                let columns: people::LeadColumns =
                    options().deserialize(&bytes).map_err(unreadable)?;
                columns.people()
            };
            let Some(people) = read else {
                return empty();
            };
            self.outcomes.people.extend(people);
        }
        Ok(self.done())
    }

    /// Whether every part is read.
    fn done(&self) -> bool {
        let v = &self.view;
        v.rows.len() >= self.rows
            && v.violations.len() >= self.violations
            && self.outcomes.people.len() >= self.people
    }

    /// The run read, once every part is (or why it is not).
    pub fn finish(mut self) -> Result<RunView, String> {
        if !self.done()
            || self.view.rows.len() != self.rows
            || self.view.violations.len() != self.violations
            || self.outcomes.people.len() != self.people
            || self.at != self.source.size()
        {
            return Err(unreadable("parts missing or left over"));
        }
        self.view.outcomes = std::rc::Rc::new(self.outcomes);
        Ok(self.view)
    }
}

/// A run with nothing in it (what a [`Reader`] holds before its head is read).
fn empty_view() -> RunView {
    RunView {
        rows: Vec::new(),
        parts: Vec::new(),
        violations: Vec::new(),
        outcome: String::new(),
        trace_hash: String::new(),
        end_time_ms: 0,
        people: 0,
        lanes: Vec::new(),
        decisions: Vec::new(),
        clamped: 0,
        outcomes: Default::default(),
        invariants: Vec::new(),
        step_names: Default::default(),
    }
}

/// How a run's outcomes table travels inside the bytes: as JSON text (its optional fields are
/// left out when empty, which a binary form cannot follow).
pub(crate) mod outcomes_as_json {
    use std::rc::Rc;

    use serde::{Deserialize, Deserializer, Serializer};

    use crate::api::Outcomes;

    pub fn serialize<S: Serializer>(o: &Rc<Outcomes>, s: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&**o).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Rc<Outcomes>, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text)
            .map(Rc::new)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::RunSpec;

    fn run_of(id: &str, knobs: &[(&str, i64)], variant: &str) -> RunView {
        let mut spec = RunSpec::builtin(id);
        spec.variant = variant.into();
        for (k, v) in knobs {
            spec.knobs.insert(k.to_string(), *v);
        }
        let (s, c) = spec.resolve().unwrap();
        crate::api::run_view(&s, &c, 7, &[]).unwrap()
    }

    #[test]
    fn every_built_in_run_reads_back_as_itself() {
        for card in crate::scenarios::cards() {
            let s = crate::scenarios::builtin(card.id).unwrap();
            for v in &s.variants {
                let view = run_of(card.id, &[], &v.name);
                let back = decode(&encode(&view)).unwrap();
                assert_eq!(back, as_read(&view), "{} {}", card.id, v.name);
            }
        }
    }

    /// What the leads table draws of each person crosses whole (number, verdict, summary,
    /// the titles of the rules broken, in order); the rest of a person's record does not.
    #[test]
    fn people_cross_as_the_leads_table_draws_them() {
        let mut mixed = 0;
        for card in crate::scenarios::cards() {
            let view = run_of(card.id, &[], "naive");
            let back = decode(&encode(&view)).unwrap();
            let (sent, read) = (&view.outcomes.people, &back.outcomes.people);
            assert_eq!(sent.len(), read.len(), "{}", card.id);
            let affected = sent.iter().filter(|p| p.affected).count();
            mixed += usize::from(affected > 0 && affected < sent.len());
            for (s, r) in sent.iter().zip(read) {
                assert_eq!(
                    (s.person, s.affected, &s.summary),
                    (r.person, r.affected, &r.summary)
                );
                let titles = |p: &crate::api::PersonOutcome| -> Vec<String> {
                    p.violations.iter().map(|v| v.title.clone()).collect()
                };
                assert_eq!(titles(s), titles(r), "{}", card.id);
                assert!(r.alerts.is_empty() && r.fields.is_empty() && r.crm.is_none());
            }
            assert_eq!(
                back.outcomes.listed(),
                view.outcomes.listed(),
                "{}",
                card.id
            );
        }
        assert!(
            mixed > 2,
            "{mixed} built-in runs have affected and unaffected people"
        );
    }

    #[test]
    fn a_big_run_reads_back_a_part_at_a_time() {
        let view = run_of("alert-before-owner", &[("people", 2_000)], "naive");
        let bytes = encode(&view);
        let mut reader = Reader::new(Box::new(&bytes)).unwrap();
        let mut steps = 1;
        while !reader.step().unwrap() {
            steps += 1;
        }
        let parts = view.rows.len().div_ceil(ROWS_PER_PART)
            + view.violations.len().div_ceil(VIOLATIONS_PER_PART)
            + view.outcomes.people.len().div_ceil(PEOPLE_PER_PART);
        assert!(parts > 5, "{parts} parts");
        assert_eq!(steps, parts);
        assert_eq!(reader.finish().unwrap(), as_read(&view));
    }

    /// The head (read in one piece, before the page gets a turn) does not grow with the run:
    /// rows, their parts and step names and violations come in parts, decisions not at all.
    #[test]
    fn the_head_does_not_grow_with_the_run() {
        let head = |people: i64| {
            let view = run_of("alert-before-owner", &[("people", people)], "naive");
            let bytes = encode(&view).0;
            let len = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
            let counts = len(0) as usize;
            (len(4 + counts), view.violations.len(), view.decisions.len())
        };
        let (small, v1, d1) = head(100);
        let (big, v2, d2) = head(3_000);
        assert!(v2 > 10 * v1.max(1) && d2 > 10 * d1, "{v1} {v2} {d1} {d2}");
        assert!(
            big < small + 200,
            "head of {small} bytes at 100 people, {big} at 3,000"
        );
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let bytes = encode(&run_of("list-queue", &[("people", 5)], "naive"));
        for cut in [0, 1, 7, bytes.0.len() / 2, bytes.0.len() - 1] {
            assert!(
                decode(&Bytes(bytes.0[..cut].to_vec())).is_err(),
                "cut at {cut}"
            );
        }
        let mut flipped = bytes.0.clone();
        flipped[3] ^= 0xff;
        let _ = decode(&Bytes(flipped));
    }

    #[test]
    fn a_big_run_is_a_few_bytes_a_trace_row() {
        let view = run_of("alert-before-owner", &[("people", 2_000)], "naive");
        let bytes = encode(&view);
        let per_row = bytes.0.len() / view.rows.len();
        println!("{per_row} bytes a row");
        assert!(per_row < 200, "{per_row} bytes a row");
        let text = serde_json::to_string(&Bytes(vec![1, 2, 255])).unwrap();
        assert_eq!(text, "[1,2,255]");
        assert_eq!(
            serde_json::from_str::<Bytes>(&text).unwrap().0,
            vec![1, 2, 255]
        );
    }
}
