//! The monitor's invariants of the integration systems: scheduled jobs' checkpoints and
//! imports, the response feed, and the change feed's consumers.

use super::{declared, who, Monitor};
use crate::engine::describe::fmt_ms;
use crate::engine::model::*;
use crate::engine::trace::{EventId, EventKind, TraceEvent};

impl Monitor {
    /// Invariants of the integration systems: jobs, response feed, change feed.
    pub(super) fn observe_integration(&mut self, model: &Model, ev: &TraceEvent) {
        match &ev.kind {
            EventKind::MarkWritten {
                checkpoint, mark, ..
            } => {
                let Some(inv) =
                    declared(model, |i| matches!(i, InvariantModel::CheckpointMonotonic))
                else {
                    return;
                };
                // A mark is the start of the run that wrote it: one from before the epoch
                // began was written by a run from the old epoch.
                match self.epochs.get(checkpoint) {
                    Some(&(began, at)) if *mark < began => {
                        let cp = &model.integrations.checkpoints[*checkpoint as usize];
                        let msg = format!(
                            "a run from before the epoch reset at {} wrote {}.{} = {} into the new epoch: the records up to it are never imported again",
                            fmt_ms(began),
                            cp.key,
                            cp.field,
                            fmt_ms(*mark)
                        );
                        self.violate(inv, ev, msg, vec![at]);
                    }
                    _ => {}
                }
                if let Some(&(prev, at)) = self.marks.get(checkpoint) {
                    if *mark < prev {
                        let cp = &model.integrations.checkpoints[*checkpoint as usize];
                        let msg = format!(
                            "checkpoint {}.{} moved back from {} to {} (an overlapping run overwrote a newer mark)",
                            cp.key,
                            cp.field,
                            fmt_ms(prev),
                            fmt_ms(*mark)
                        );
                        self.violate(inv, ev, msg, vec![at]);
                    }
                }
                self.marks.insert(*checkpoint, (*mark, ev.id));
            }
            EventKind::RecordsImported {
                checkpoint,
                from,
                to,
                count,
            } if *count > 0 => {
                let Some(inv) = declared(model, |i| matches!(i, InvariantModel::NoDuplicateImport))
                else {
                    return;
                };
                let cp = &model.integrations.checkpoints[*checkpoint as usize];
                let (first, last) = (from / cp.record_every + 1, to / cp.record_every);
                let earlier: Vec<(u64, u64, EventId)> = self
                    .imports
                    .range((*checkpoint, 0)..=(*checkpoint, last))
                    .filter(|(_, (end, _))| *end >= first)
                    .map(|((_, a), (b, id))| (*a.max(&first), *b.min(&last), *id))
                    .collect();
                if !earlier.is_empty() {
                    // Records covered by the union of the earlier ranges.
                    let mut spans: Vec<(u64, u64)> = earlier.iter().map(|e| (e.0, e.1)).collect();
                    spans.sort_unstable();
                    let (mut dup, mut covered) = (0, 0);
                    for (a, b) in spans {
                        let a = a.max(covered + 1);
                        if b >= a {
                            dup += b - a + 1;
                            covered = b;
                        }
                    }
                    let msg = format!(
                        "{dup} record(s) of {} imported again (records {}..{} overlap earlier imports)",
                        cp.key,
                        earlier.iter().map(|e| e.0).min().unwrap_or(first),
                        earlier.iter().map(|e| e.1).max().unwrap_or(last),
                    );
                    let witness = earlier.iter().map(|e| e.2).collect();
                    self.violate(inv, ev, msg, witness);
                }
                let slot = self
                    .imports
                    .entry((*checkpoint, first))
                    .or_insert_with(|| (last, ev.id));
                if slot.0 < last {
                    *slot = (last, ev.id);
                }
            }
            EventKind::EpochReset { checkpoint } => {
                // A new epoch: its mark starts again and its records are imported again.
                self.epochs.insert(*checkpoint, (ev.time, ev.id));
                self.marks.remove(checkpoint);
                let old: Vec<(u16, u64)> = self
                    .imports
                    .range((*checkpoint, 0)..=(*checkpoint, u64::MAX))
                    .map(|(k, _)| *k)
                    .collect();
                for k in old {
                    self.imports.remove(&k);
                }
            }
            EventKind::ResponsesProcessed { records } => self.responses.0 += *records as u64,
            EventKind::ResponsesLost { records } => {
                self.responses.1 += *records as u64;
                if let Some(inv) = declared(model, |i| matches!(i, InvariantModel::NoResponseLost))
                {
                    let msg = format!("{records} response(s) lost");
                    self.violate(inv, ev, msg, ev.cause.into_iter().collect());
                }
            }
            EventKind::ConsumerDecided {
                field,
                value,
                version,
                primary_version,
                ..
            } if version < primary_version => {
                if let Some(inv) = declared(model, |i| matches!(i, InvariantModel::NoStaleDecision))
                {
                    let msg = format!(
                        "{}: decided on {} = {} from replica version {version} while the primary had version {primary_version}",
                        who(ev),
                        model.fields[*field as usize].display_name(),
                        model.syms.show(*value)
                    );
                    self.violate(inv, ev, msg, ev.cause.into_iter().collect());
                }
            }
            EventKind::ConsumerActed { message } => {
                let Some(inv) = declared(model, |i| matches!(i, InvariantModel::NoDuplicateAction))
                else {
                    return;
                };
                match self.acted.get(message) {
                    Some(&first) => {
                        let msg = format!(
                            "the action ran again for message {} (a redelivery)",
                            message + 1
                        );
                        self.violate(inv, ev, msg, vec![first]);
                    }
                    None => {
                        self.acted.insert(*message, ev.id);
                    }
                }
            }
            _ => {}
        }
    }
}
