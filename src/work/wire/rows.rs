//! A slice of a run's trace rows as columns, the form they cross the worker boundary in (see
//! [`super`]): numbers in arrays, each lane and kind name once per slice with the rows giving
//! its index, and the sentences as one text with each row's length. Reading a slice back
//! then costs one copy of each row's lane and sentence, not a string read, checked and
//! matched per field.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::api::{RowPart, TraceRow};

/// Trace rows (with each row's part in the violations and step name) as columns.
#[derive(Serialize, Deserialize)]
pub(super) struct RowColumns<'a> {
    ids: Vec<u32>,
    times: Vec<u64>,
    people: Vec<Option<u32>>,
    causes: Vec<Option<u32>>,
    /// The distinct lane names of the slice, and each row's as an index into them.
    #[serde(borrow)]
    lane_names: Vec<&'a str>,
    lanes: Vec<u32>,
    /// The distinct kind names of the slice, and each row's as an index into them.
    #[serde(borrow)]
    kind_names: Vec<&'a str>,
    kinds: Vec<u32>,
    /// Every row's sentence, one after another, and each one's length in bytes.
    #[serde(borrow)]
    sentences: Cow<'a, str>,
    lengths: Vec<u32>,
    parts: Vec<RowPart>,
    step_names: Vec<u32>,
}

/// The index of `name` in `names`, added if new (a slice has a few dozen distinct names).
fn index_of<'a>(names: &mut Vec<&'a str>, name: &'a str) -> u32 {
    let at = names.iter().rposition(|n| *n == name).unwrap_or_else(|| {
        names.push(name);
        names.len() - 1
    });
    at as u32
}

impl<'a> RowColumns<'a> {
    /// `rows` with their `parts` and step `names` (all three the same length).
    pub(super) fn of(rows: &'a [TraceRow], parts: &[RowPart], names: &[u32]) -> RowColumns<'a> {
        let n = rows.len();
        let mut c = RowColumns {
            ids: Vec::with_capacity(n),
            times: Vec::with_capacity(n),
            people: Vec::with_capacity(n),
            causes: Vec::with_capacity(n),
            lane_names: Vec::new(),
            lanes: Vec::with_capacity(n),
            kind_names: Vec::new(),
            kinds: Vec::with_capacity(n),
            sentences: Cow::Owned(String::new()),
            lengths: Vec::with_capacity(n),
            parts: parts.to_vec(),
            step_names: names.to_vec(),
        };
        let mut sentences = String::with_capacity(rows.iter().map(|r| r.details.len()).sum());
        for r in rows {
            c.ids.push(r.id);
            c.times.push(r.time_ms);
            c.people.push(r.person);
            c.causes.push(r.cause);
            let lane = index_of(&mut c.lane_names, &r.lane);
            c.lanes.push(lane);
            let kind = index_of(&mut c.kind_names, r.kind);
            c.kinds.push(kind);
            c.lengths.push(r.details.len() as u32);
            sentences.push_str(&r.details);
        }
        c.sentences = Cow::Owned(sentences);
        c
    }

    /// The rows back, with their parts and step names; `None` if the columns do not agree
    /// (damaged bytes).
    pub(super) fn rows(self) -> Option<(Vec<TraceRow>, Vec<RowPart>, Vec<u32>)> {
        let n = self.ids.len();
        let same = [
            self.times.len(),
            self.people.len(),
            self.causes.len(),
            self.lanes.len(),
            self.kinds.len(),
            self.lengths.len(),
            self.parts.len(),
            self.step_names.len(),
        ];
        if n == 0 || same.iter().any(|&l| l != n) {
            return None;
        }
        let kinds: Vec<&'static str> = self
            .kind_names
            .iter()
            .map(|k| crate::api::kind_named(k))
            .collect();
        let mut rows = Vec::with_capacity(n);
        let mut at = 0usize;
        for (i, &id) in self.ids.iter().enumerate() {
            let end = at.checked_add(self.lengths[i] as usize)?;
            let details = self.sentences.get(at..end)?;
            at = end;
            rows.push(TraceRow {
                id,
                time_ms: self.times[i],
                person: self.people[i],
                lane: (*self.lane_names.get(self.lanes[i] as usize)?).to_owned(),
                kind: kinds.get(self.kinds[i] as usize)?,
                details: details.to_owned(),
                cause: self.causes[i],
            });
        }
        (at == self.sentences.len()).then_some((rows, self.parts, self.step_names))
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
        let mut c = fresh();
        c.lengths[0] = 1; // cuts "é" in the middle
        assert!(c.rows().is_none());
        let mut c = fresh();
        c.lengths[1] = 1; // leaves a byte of the text over
        assert!(c.rows().is_none());
        let mut c = fresh();
        c.lanes[1] = 7;
        assert!(c.rows().is_none());
        let mut c = fresh();
        c.times.pop();
        assert!(c.rows().is_none());
        assert!(fresh().rows().is_some());
    }
}
