//! Where each live flow run is at the inspected moment (its trigger delay, a queue, a
//! worker, a Wait step, a webhook call), and how the inspector words it.

use crate::api::words::{self, duration};
use crate::engine::model::*;
use crate::engine::sim::state::{FlowRun, Pending};
use crate::engine::sim::Sim;
use crate::engine::value::Symbols;
use crate::engine::Model;

/// Where a live flow run is.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place {
    /// The trigger delay: the first step joins the queue at this time.
    Delay(u64),
    /// In a work queue, waiting for a worker.
    Queued(QueueKind, Priority),
    /// A worker runs the step; done at this time.
    Working(QueueKind, u64),
    /// A Wait step, until this time.
    Waiting(u64),
    /// Waiting for a webhook's answer (due at, or given up at when `timeout`).
    Webhook(WebhookId, u64, bool),
    /// Nothing scheduled (should not last).
    Idle,
}

/// Every live flow run and its place, by run id.
pub(super) struct RunIndex<'s> {
    /// Sorted by run id (ids are unique).
    live: Vec<(&'s FlowRun, Place)>,
}

impl<'s> RunIndex<'s> {
    pub(super) fn new(sim: &'s Sim) -> Self {
        let state = &sim.state;
        let runs: Vec<&FlowRun> = state.runs.iter().collect();
        // Sort (id, position) pairs: the ids are unique.
        let mut order: Vec<(u64, u64)> = runs
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i as u64))
            .collect();
        order.sort_unstable();
        let mut index = RunIndex {
            live: order
                .into_iter()
                .map(|(_, i)| (runs[i as usize], Place::Idle))
                .collect(),
        };
        for a in state.agenda.iter() {
            let place = match &a.what {
                Pending::Enqueue(r) => Some((r.id, Place::Delay(a.time))),
                Pending::StepDone(r, q) => Some((r.id, Place::Working(*q, a.time))),
                Pending::WaitOver(r) => Some((r.id, Place::Waiting(a.time))),
                Pending::WebhookReturn(r, call) | Pending::WebhookTimeout(r, call) => {
                    match index.run(r.id).and_then(|run| run.call) {
                        Some((w, c)) if c == *call => Some((
                            r.id,
                            Place::Webhook(
                                w,
                                a.time,
                                matches!(a.what, Pending::WebhookTimeout(..)),
                            ),
                        )),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some((id, place)) = place {
                index.set_place(id, place);
            }
        }
        for (qi, q) in state.queues.iter().enumerate() {
            let kind = if qi == 0 {
                QueueKind::Trigger
            } else {
                QueueKind::Batch
            };
            for (prio, _, r) in q.ready.iter() {
                index.set_place(r.id, Place::Queued(kind, *prio));
            }
        }
        index
    }

    fn find(&self, run: u64) -> Option<usize> {
        self.live.binary_search_by_key(&run, |(r, _)| r.id).ok()
    }

    /// Sets the place of a live run (nothing for a run that has ended).
    fn set_place(&mut self, run: u64, place: Place) {
        if let Some(i) = self.find(run) {
            self.live[i].1 = place;
        }
    }

    /// The live run with this id.
    pub(super) fn run(&self, run: u64) -> Option<&'s FlowRun> {
        self.find(run).map(|i| self.live[i].0)
    }

    pub(super) fn place(&self, run: u64) -> Place {
        self.find(run).map_or(Place::Idle, |i| self.live[i].1)
    }

    /// The live runs in id order.
    pub(super) fn runs(&self) -> impl Iterator<Item = &'s FlowRun> + '_ {
        self.live.iter().map(|(r, _)| *r)
    }
}

pub(super) fn queue_name(q: QueueKind) -> &'static str {
    match q {
        QueueKind::Trigger => "trigger queue",
        QueueKind::Batch => "batch queue",
    }
}

pub(super) fn priority(p: Priority) -> &'static str {
    match p {
        Priority::High => "high priority",
        Priority::Medium => "medium priority",
        Priority::Low => "low priority",
    }
}

pub(super) fn place_text(model: &Model, place: Place) -> String {
    match place {
        Place::Delay(t) => format!("triggered; joins the trigger queue at {}", duration(t)),
        Place::Queued(q, p) => format!("waiting in the {} ({})", queue_name(q), priority(p)),
        Place::Working(q, t) => format!(
            "being run by a {} worker, done at {}",
            queue_name(q).trim_end_matches(" queue"),
            duration(t)
        ),
        Place::Waiting(t) => format!("waiting until {}", duration(t)),
        Place::Webhook(w, t, false) => format!(
            "waiting for webhook \"{}\" (answer at {})",
            model.webhooks[w as usize].name,
            duration(t)
        ),
        Place::Webhook(w, t, true) => format!(
            "waiting for webhook \"{}\" (gives up at {})",
            model.webhooks[w as usize].name,
            duration(t)
        ),
        Place::Idle => "between steps".to_string(),
    }
}

/// `Fast Track Alert: step 2 of 2 (Send Alert: X)` (with the caller of an executed campaign).
pub(super) fn run_position(
    model: &Model,
    syms: &Symbols,
    run: &crate::engine::sim::state::FlowRun,
) -> String {
    let camp = &model.campaigns[run.campaign as usize];
    let step = camp
        .flow
        .get(run.pc as usize)
        .map_or("the end".to_string(), |s| {
            words::action(model, syms, &s.action)
        });
    let mut text = format!(
        "{}: step {} of {} ({step})",
        camp.name,
        run.pc as usize + 1,
        camp.flow.len()
    );
    if let Some((caller, _)) = run.callers.last() {
        text.push_str(&format!(
            ", executed by {}",
            model.campaigns[*caller as usize].name
        ));
    }
    text
}
