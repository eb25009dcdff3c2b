//! "As the step saw it": for a step that acted on data it read (a batch's smart-list
//! snapshot, a trigger's filters, the owner an alert goes to, the record the CRM routed, a
//! replica read, a checkpoint read), the values it read, the values on the current record
//! (or the primary) at that moment, and the write that made them differ.

use super::record::{filter_item, index_of, Record};
use crate::engine::model::*;
use crate::engine::trace::{Actor, EventId, EventKind, TraceEvent};
use crate::engine::value::Symbols;
use serde::{Deserialize, Serialize};

/// One value a step read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenValue {
    /// The field, list or status, as Marketo names it (`Member of List: Work Queue`).
    pub name: String,
    /// The value the step worked from.
    pub read: String,
    /// The value at the step's moment on the current record (or the primary).
    pub current: String,
    /// The write that made `current` differ from `read` (a trace event id).
    pub changed_by: Option<u32>,
    /// The write that produced the value read.
    pub read_from: Option<u32>,
}

impl SeenValue {
    pub fn differs(&self) -> bool {
        self.read != self.current
    }
}

/// What a step read, and how it compared with the record at that moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsSeen {
    /// Where the values came from: `the smart list taken at 4:00:00`.
    pub source: String,
    /// What the current column stands for: `on the person's record at 4:00:25`.
    pub current: String,
    /// The event whose read the step worked from (the batch start, the push, the step).
    pub read_event: u32,
    pub read_ms: u64,
    pub values: Vec<SeenValue>,
}

impl AsSeen {
    /// Whether the step worked from a stale view: some value it read had changed.
    pub fn stale(&self) -> bool {
        self.values.iter().any(|v| v.differs())
    }
}

/// The first event of `e`'s cause chain that satisfies `pred` (itself included).
pub(super) fn chain_find<'a>(
    trace: &'a [TraceEvent],
    e: &'a TraceEvent,
    pred: impl Fn(&TraceEvent) -> bool,
) -> Option<&'a TraceEvent> {
    let mut cur = Some(e);
    let mut hops = 0;
    while let Some(ev) = cur {
        if pred(ev) {
            return Some(ev);
        }
        hops += 1;
        if hops > 10_000 {
            return None;
        }
        cur = ev.cause.and_then(|c| index_of(trace, c)).map(|i| &trace[i]);
    }
    None
}

/// What event `e` (for its person) read, when the story can say.
pub(super) fn as_seen(
    model: &Model,
    syms: &Symbols,
    trace: &[TraceEvent],
    e: &TraceEvent,
) -> Option<AsSeen> {
    let p = e.person?;
    let at = index_of(trace, e.id)?;
    let now = Record::before(model, trace, p, at);
    let clock = super::super::words::clock;
    match (&e.kind, e.actor) {
        // A trigger campaign's filters, read as the person qualifies.
        (EventKind::Qualified, Actor::Campaign(c))
            if model.campaigns[c as usize].schedule.is_none() =>
        {
            let filters = &model.campaigns[c as usize].filters;
            let values = filter_values(model, syms, filters, &now, &now);
            (!values.is_empty()).then(|| AsSeen {
                source: format!("its smart list's filters at {}", clock(e.time)),
                current: format!("on the person's record at {}", clock(e.time)),
                read_event: e.id,
                read_ms: e.time,
                values,
            })
        }
        // A batch campaign's step works from the smart list taken when the batch started.
        (_, Actor::Campaign(c)) if model.campaigns[c as usize].schedule.is_some() => {
            let start = chain_find(trace, e, |x| {
                matches!(x.kind, EventKind::BatchStarted { .. })
            })?;
            let then = Record::before(model, trace, p, index_of(trace, start.id)?);
            let filters = &model.campaigns[c as usize].filters;
            let values = filter_values(model, syms, filters, &then, &now);
            (!values.is_empty()).then(|| AsSeen {
                source: format!("the smart list the batch took at {}", clock(start.time)),
                current: format!("on the person's record at {}", clock(e.time)),
                read_event: start.id,
                read_ms: start.time,
                values,
            })
        }
        // An alert goes to the owner Marketo has now; the CRM is where owners are assigned.
        (EventKind::AlertSent { recipient, .. }, _) => {
            let field = model
                .owner_field
                .or(model.crm.as_ref().map(|c| c.owner_field))?;
            let (crm, by) = now.crm_owner;
            let crm = crm.map_or("(empty)".to_string(), |o| syms.text(o).to_string());
            let read = syms.show(*recipient);
            let differs = read != crm;
            Some(AsSeen {
                source: format!("the person's record in Marketo at {}", clock(e.time)),
                current: format!("in the CRM at {}", clock(e.time)),
                read_event: e.id,
                read_ms: e.time,
                values: vec![SeenValue {
                    name: super::super::words::field(model, field).to_string(),
                    read,
                    current: crm,
                    changed_by: by.filter(|_| differs),
                    read_from: now.fields[field as usize].1,
                }],
            })
        }
        // The CRM routes the record as it was pushed.
        (EventKind::CrmReceived { .. }, _) => {
            let push = chain_find(trace, e, |x| matches!(x.kind, EventKind::CrmPushed))?;
            let then = Record::before(model, trace, p, index_of(trace, push.id)?);
            let fields = routed_fields(model);
            let values = fields
                .iter()
                .map(|&f| field_value(model, syms, f, &then, &now))
                .collect::<Vec<_>>();
            (!values.is_empty()).then(|| AsSeen {
                source: format!(
                    "the record as {} pushed it at {}",
                    super::super::words::SYNC_PERSON,
                    clock(push.time)
                ),
                current: format!("in Marketo at {}", clock(e.time)),
                read_event: push.id,
                read_ms: push.time,
                values,
            })
        }
        // A consumer read the replica; the primary may have had a newer version.
        (
            EventKind::ConsumerDecided {
                field,
                value,
                version,
                primary_version,
                from_primary,
                ..
            },
            _,
        ) => {
            let newer = trace[..at].iter().rev().find(|x| {
                x.person == Some(p)
                    && matches!(x.kind, EventKind::ChangePublished { version: v, .. }
                        if v > *version && v <= *primary_version)
            });
            let (primary, writer) = now.fields[*field as usize];
            Some(AsSeen {
                source: format!(
                    "the {} (version {version}) at {}",
                    if *from_primary {
                        "primary"
                    } else {
                        "read replica"
                    },
                    clock(e.time)
                ),
                current: format!("on the primary (version {primary_version})"),
                read_event: e.id,
                read_ms: e.time,
                values: vec![SeenValue {
                    name: super::super::words::field(model, *field).to_string(),
                    read: syms.show(*value),
                    current: syms.show(primary),
                    changed_by: newer
                        .map(|x| x.id)
                        .or(writer.filter(|_| version < primary_version)),
                    read_from: None,
                }],
            })
        }
        _ => None,
    }
}

/// The fields CRM routing reads: its assignment rules' fields, and the fields an invariant
/// wants filled before the sync.
fn routed_fields(model: &Model) -> Vec<FieldId> {
    let mut out: Vec<FieldId> = Vec::new();
    for inv in &model.invariants {
        if let InvariantModel::CrmSyncAfter { field } = inv {
            out.push(*field);
        }
    }
    if let Some(crm) = &model.crm {
        for (filters, _, _) in &crm.rules {
            for f in filters {
                if let FilterModel::Field(fid, _) = f {
                    out.push(*fid);
                }
            }
        }
    }
    let mut seen = Vec::new();
    out.retain(|f| {
        let new = !seen.contains(f);
        seen.push(*f);
        new
    });
    out
}

fn field_value(
    model: &Model,
    syms: &Symbols,
    f: FieldId,
    then: &Record,
    now: &Record,
) -> SeenValue {
    let filter = FilterModel::Field(f, crate::engine::value::Test::IsNotEmpty);
    one_value(model, syms, &filter, then, now).expect("a field filter reads a value")
}

fn one_value(
    model: &Model,
    syms: &Symbols,
    f: &FilterModel,
    then: &Record,
    now: &Record,
) -> Option<SeenValue> {
    let (name, read, read_from) = filter_item(model, syms, f, then)?;
    let (_, current, writer) = filter_item(model, syms, f, now)?;
    let differs = read != current;
    Some(SeenValue {
        name,
        read,
        current,
        changed_by: if differs { writer } else { None },
        read_from,
    })
}

fn filter_values(
    model: &Model,
    syms: &Symbols,
    filters: &[FilterModel],
    then: &Record,
    now: &Record,
) -> Vec<SeenValue> {
    let mut out: Vec<SeenValue> = Vec::new();
    for f in filters {
        if let Some(v) = one_value(model, syms, f, then, now) {
            if !out.iter().any(|o| o.name == v.name) {
                out.push(v);
            }
        }
    }
    out
}

/// The writes a step's view depends on: those that produced the values it read, and those
/// that changed them before the step.
pub(super) fn writes(seen: &AsSeen) -> impl Iterator<Item = EventId> + '_ {
    seen.values
        .iter()
        .flat_map(|v| [v.read_from, v.changed_by])
        .flatten()
}
