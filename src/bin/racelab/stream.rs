//! `racelab run --trace`: the trace written to stdout row by row as it is formatted, so that
//! a run of millions of events never holds every row (or the whole text) in memory. The
//! output is the same, byte for byte, as when it was built whole: the text lines, or the
//! run's JSON report with its `trace` array in the same place and form.

use racelab::api::{self, RunReport, Scenario, TraceRow};
use racelab::engine::RunConfig;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::io::{BufWriter, Write};

/// The rows still to write.
type Rows<'a> = RefCell<&'a mut dyn Iterator<Item = TraceRow>>;

/// Runs once and writes the trace to stdout as it goes: every event's line then a blank line
/// (text), or the whole JSON report; returns what is left to print (the run's summary made
/// by `summary`, nothing after JSON).
pub fn run_traced(
    scenario: &Scenario,
    config: &RunConfig,
    seed: u64,
    json: bool,
    summary: impl FnOnce(&RunReport) -> String,
) -> Result<String, String> {
    api::run_streamed(scenario, config, seed, |report, rows| {
        let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        // A closed pipe (`racelab run … --trace | head`) ends the writing, quietly.
        if json {
            let mut v = serde_json::to_value(report).expect("reports serialise");
            v["trace"] = Value::Null;
            let whole = WithTrace {
                report: v.as_object().expect("a report is an object"),
                rows: RefCell::new(rows),
            };
            let _ = serde_json::to_writer_pretty(&mut out, &whole);
            let _ = out.flush();
            return String::new();
        }
        let mut any = false;
        for row in rows {
            any = true;
            if writeln!(out, "{}", row.line()).is_err() {
                return String::new();
            }
        }
        let _ = out.write_all(if any { b"\n" } else { b"\n\n" });
        let _ = out.flush();
        summary(report)
    })
}

/// A run's report with its rows written in place of the `trace` key.
struct WithTrace<'a, 'r> {
    report: &'a Map<String, Value>,
    rows: Rows<'r>,
}

impl Serialize for WithTrace<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.report.len()))?;
        for (k, v) in self.report {
            if k == "trace" {
                map.serialize_entry(k, &Each(&self.rows))?;
            } else {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

/// The rows as a JSON array, each row made, written and dropped in turn (as JSON values, in
/// the form `serde_json::to_value` gives them).
struct Each<'a, 'r>(&'a Rows<'r>);

impl Serialize for Each<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut rows = self.0.borrow_mut();
        let mut seq = s.serialize_seq(None)?;
        for row in &mut **rows {
            seq.serialize_element(&serde_json::to_value(&row).expect("rows serialise"))?;
        }
        seq.end()
    }
}
