//! One person's record replayed from the trace: field values, list memberships, program
//! statuses and the CRM's owner at any point of a run, each with the event that wrote it.
//! Everything comes from the trace events themselves (their old and new values), so the
//! story needs nothing beyond what the engine already records and trace hashes stay as
//! they are.

use crate::engine::model::*;
use crate::engine::trace::{EventId, EventKind, TraceEvent};
use crate::engine::value::{Sym, Value};

/// A person's record at one point of the trace.
#[derive(Debug, Clone)]
pub(super) struct Record {
    pub fields: Vec<(Value, Option<EventId>)>,
    pub lists: Vec<(bool, Option<EventId>)>,
    pub statuses: Vec<(Option<u16>, Option<EventId>)>,
    /// The owner the CRM assigned (the CRM is the primary for the owner).
    pub crm_owner: (Option<Sym>, Option<EventId>),
}

impl Record {
    /// Person `p`'s record after the trace events before index `upto` (exclusive).
    pub fn before(model: &Model, trace: &[TraceEvent], p: PersonId, upto: usize) -> Record {
        let init = &model.people[p as usize];
        let mut r = Record {
            fields: init.fields.iter().map(|v| (*v, None)).collect(),
            lists: vec![(false, None); model.lists.len()],
            statuses: vec![(None, None); model.programs.len()],
            crm_owner: (None, None),
        };
        for e in trace[..upto.min(trace.len())]
            .iter()
            .filter(|e| e.person == Some(p))
        {
            r.apply(e);
        }
        r
    }

    fn apply(&mut self, e: &TraceEvent) {
        match e.kind {
            EventKind::FieldChanged { field, new, .. } => {
                self.fields[field as usize] = (new, Some(e.id))
            }
            EventKind::AddedToList { list, .. } => self.lists[list as usize] = (true, Some(e.id)),
            EventKind::RemovedFromList { list } => self.lists[list as usize] = (false, Some(e.id)),
            EventKind::StatusChanged { program, to, .. } => {
                self.statuses[program as usize] = (Some(to), Some(e.id))
            }
            EventKind::OwnerAssigned { owner, .. } => self.crm_owner = (Some(owner), Some(e.id)),
            _ => {}
        }
    }
}

/// What a smart-list filter reads from a record: its name, the value as text and the event
/// that wrote it.
pub(super) fn filter_item(
    model: &Model,
    syms: &crate::engine::value::Symbols,
    f: &FilterModel,
    r: &Record,
) -> Option<(String, String, Option<EventId>)> {
    match f {
        FilterModel::Field(fid, _) => {
            let (v, w) = r.fields[*fid as usize];
            Some((
                super::super::words::field(model, *fid).to_string(),
                super::super::words::value(syms, v),
                w,
            ))
        }
        FilterModel::MemberOfList(l, _) => {
            let (member, w) = r.lists[*l as usize];
            Some((
                format!("Member of List: {}", model.lists[*l as usize]),
                if member { "yes" } else { "no" }.to_string(),
                w,
            ))
        }
        FilterModel::ProgramStatus(p, _, _) => {
            let (s, w) = r.statuses[*p as usize];
            let prog = &model.programs[*p as usize];
            Some((
                format!("Program Status: {}", prog.name),
                s.map_or("(none)".to_string(), |s| {
                    prog.statuses[s as usize].0.clone()
                }),
                w,
            ))
        }
        FilterModel::MemberOfCampaign(..) => None,
    }
}

/// The index of event `id` in the trace (an event's id is normally its index).
pub(super) fn index_of(trace: &[TraceEvent], id: EventId) -> Option<usize> {
    Some(id as usize)
        .filter(|&i| trace.get(i).is_some_and(|e| e.id == id))
        .or_else(|| trace.iter().position(|e| e.id == id))
}
