//! The timeline's marks at any scale, as plain data: a run's rows sorted into lanes (by
//! campaign or system, or by person) once, then, for a visible window, at most one mark per
//! slot of each lane: a single event where a slot holds one, an aggregated mark (how many
//! events, and whether one of them is in a violation) where it holds more. The cost of a
//! window is the number of slots times a binary search, whatever the run's size.

use super::view::{RowPart, RunView};
use std::ops::Range;

/// How the timeline groups its lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    /// One lane per campaign and per outside system (the run's [`RunView::lanes`]).
    #[default]
    Campaigns,
    /// One lane per person, after one for the events that touch no one.
    People,
}

/// The lane of the events that touch no person, when lanes are grouped by person.
pub const NO_PERSON: &str = "No person (batch runs, systems)";

/// One lane and the rows in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedLane {
    /// The lane's name: a campaign's or system's, or "person 3".
    pub name: String,
    /// The person, when lanes are grouped by person.
    pub person: Option<u32>,
    /// Whether a row of this lane takes part in a violation.
    pub affected: bool,
    /// Indices of the lane's rows, in time order.
    rows: Vec<u32>,
    /// Positions (into `rows`) of the rows that take part in a violation.
    flagged: Vec<u32>,
}

/// A run's rows sorted into lanes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneIndex {
    pub grouping: Grouping,
    /// The lanes: for [`Grouping::Campaigns`] the run's lanes in their order; for
    /// [`Grouping::People`] the no-person lane (if any event touches no one), then the
    /// people who take part in a violation, then everyone else, each by number.
    pub lanes: Vec<IndexedLane>,
}

/// One mark on a lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A single event: the row at index `row`.
    One { row: u32 },
    /// Several events close together, drawn as one: `count` rows from `first_row` to
    /// `last_row` (indices), the strongest part one of them plays in a violation.
    Many {
        first_row: u32,
        last_row: u32,
        count: u32,
        part: RowPart,
    },
}

impl Mark {
    /// The index of its first row.
    pub fn first_row(&self) -> u32 {
        match *self {
            Mark::One { row } => row,
            Mark::Many { first_row, .. } => first_row,
        }
    }
}

/// Sorts `run`'s rows into lanes grouped by `grouping`.
pub fn lane_index(run: &RunView, grouping: Grouping) -> LaneIndex {
    let lanes = match grouping {
        Grouping::Campaigns => {
            let mut lanes: Vec<IndexedLane> =
                run.lanes.iter().map(|l| lane(&l.name, None)).collect();
            for (i, r) in run.rows.iter().enumerate() {
                let at = match run.lanes.iter().position(|l| l.name == r.lane) {
                    Some(at) => at,
                    None => {
                        lanes.push(lane(&r.lane, None));
                        lanes.len() - 1
                    }
                };
                push(&mut lanes[at], run, i);
            }
            lanes
        }
        Grouping::People => {
            let mut people: Vec<IndexedLane> = (1..=run.people)
                .map(|p| lane(&format!("person {p}"), Some(p)))
                .collect();
            let mut nobody = lane(NO_PERSON, None);
            for (i, r) in run.rows.iter().enumerate() {
                match r.person.and_then(|p| people.get_mut(p as usize - 1)) {
                    Some(l) => push(l, run, i),
                    None => push(&mut nobody, run, i),
                }
            }
            // Stable: affected people first, each group by number.
            people.sort_by_key(|l| !l.affected);
            let first = (!nobody.rows.is_empty()).then_some(nobody);
            first.into_iter().chain(people).collect()
        }
    };
    LaneIndex { grouping, lanes }
}

fn lane(name: &str, person: Option<u32>) -> IndexedLane {
    IndexedLane {
        name: name.to_string(),
        person,
        affected: false,
        rows: Vec::new(),
        flagged: Vec::new(),
    }
}

fn push(lane: &mut IndexedLane, run: &RunView, row: usize) {
    if run.parts.get(row).copied().unwrap_or_default() != RowPart::None {
        lane.flagged.push(lane.rows.len() as u32);
        lane.affected = true;
    }
    lane.rows.push(row as u32);
}

impl LaneIndex {
    /// The lane that row `row` is in, if any.
    pub fn lane_of(&self, run: &RunView, row: usize) -> Option<usize> {
        let r = run.rows.get(row)?;
        match self.grouping {
            Grouping::Campaigns => self.lanes.iter().position(|l| l.name == r.lane),
            Grouping::People => self.lanes.iter().position(|l| l.person == r.person),
        }
    }
}

impl IndexedLane {
    /// How many rows the lane holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the lane holds no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The positions (into the lane's rows) of the rows at times in `[start, end]`.
    fn span(&self, run: &RunView, start: u64, end: u64) -> Range<usize> {
        let time = |&r: &u32| run.rows[r as usize].time_ms;
        let lo = self.rows.partition_point(|r| time(r) < start);
        let hi = self.rows.partition_point(|r| time(r) <= end);
        lo..hi.max(lo)
    }

    /// How many of the lane's rows fall in `window` (`[start, end]`).
    pub fn count_in(&self, run: &RunView, window: (u64, u64)) -> usize {
        self.span(run, window.0, window.1).len()
    }

    /// The lane's marks in `window` (`[start, end]`) cut into `slots` equal slots: at most
    /// one mark per slot, a single event where the slot holds one. The cost is `slots`
    /// binary searches, whatever the number of rows.
    pub fn marks(&self, run: &RunView, window: (u64, u64), slots: usize) -> Vec<Mark> {
        let (start, end) = (window.0, window.1.max(window.0 + 1));
        let all = self.span(run, start, end);
        let mut out = Vec::new();
        if all.is_empty() || slots == 0 {
            return out;
        }
        let span = (end - start) as f64;
        let time = |p: usize| run.rows[self.rows[p] as usize].time_ms;
        let mut lo = all.start;
        while lo < all.end {
            // The slot of the row at `lo`, and the first row past that slot.
            let slot = (((time(lo) - start) as f64 / span * slots as f64) as usize).min(slots - 1);
            let slot_end = start + ((slot + 1) as f64 / slots as f64 * span).ceil() as u64;
            let hi = if slot + 1 == slots {
                all.end
            } else {
                lo + self.rows[lo..all.end]
                    .partition_point(|&r| run.rows[r as usize].time_ms < slot_end)
            }
            .max(lo + 1);
            out.push(if hi - lo == 1 {
                Mark::One { row: self.rows[lo] }
            } else {
                Mark::Many {
                    first_row: self.rows[lo],
                    last_row: self.rows[hi - 1],
                    count: (hi - lo) as u32,
                    part: self.part(run, lo..hi),
                }
            });
            lo = hi;
        }
        out
    }

    /// The strongest part a row at positions `range` plays in a violation.
    fn part(&self, run: &RunView, range: Range<usize>) -> RowPart {
        let a = self
            .flagged
            .partition_point(|&p| (p as usize) < range.start);
        let b = self.flagged.partition_point(|&p| (p as usize) < range.end);
        self.flagged[a..b]
            .iter()
            .map(|&p| run.parts[self.rows[p as usize] as usize])
            .max()
            .unwrap_or_default()
    }
}
