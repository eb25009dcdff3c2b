//! The simulator: an event-driven loop over simulated milliseconds.
//!
//! The agenda holds what will happen and when; equal-time items are ordered by the
//! chooser; workers of the trigger and batch queues take ready flow steps by priority class,
//! then arrival. Every change is recorded in the trace and shown to the invariant monitor.

mod activity;
mod agenda;
mod batch_index;
pub mod changes;
mod checks;
mod crm;
mod flow;
mod intake;
pub mod job;
pub mod responses;
pub mod state;
mod webhook;

use super::chooser::{Choice, Chooser};
use super::invariants::Violation;
use super::model::*;
use super::scenario::FieldType;
use super::trace::{trace_hash, Actor, EventId, EventKind, StableHasher, TraceEvent};
use super::value::{Symbols, Value};
pub use state::SimState;
use state::*;
use std::borrow::Cow;
use std::hash::{Hash, Hasher};

/// Why a run could not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    TooManyEvents(usize),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::TooManyEvents(n) => write!(
                f,
                "This run passed {} events, the most one run may have; lower the number of people, the time window or the load.",
                super::bounds::thousands(*n as u64)
            ),
        }
    }
}

/// What a finished run reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    pub events: usize,
    pub end_time: u64,
    /// The trace's hash ([`trace_hash`]); `None` for a run that kept no trace (see
    /// [`Sim::without_trace`]).
    pub trace_hash: Option<u64>,
    pub violations: Vec<Violation>,
    pub capped_requests: u32,
}

impl RunOutcome {
    /// The trace's hash as 16 hex digits (the form reports show), empty for a run that
    /// kept no trace.
    pub fn trace_hash_hex(&self) -> String {
        self.trace_hash
            .map_or_else(String::new, |h| format!("{h:016x}"))
    }
}

/// One run of a model: state, trace, and the text table (which may grow at run time).
#[derive(Debug)]
pub struct Sim<'m> {
    pub model: &'m Model,
    pub state: SimState,
    pub trace: Vec<TraceEvent>,
    /// The model's text table, copied only if the run needs to add text.
    pub syms: Cow<'m, Symbols>,
    /// The trace's hash so far: each event is hashed as it is recorded, while it is still
    /// in cache (the same hash as [`trace_hash`] of the whole trace); not kept without the
    /// trace.
    trace_hasher: StableHasher,
    /// Events recorded so far (the trace's length when it is kept).
    recorded: usize,
    /// Whether recorded events are kept in `trace` (see [`Sim::without_trace`]).
    keep_trace: bool,
    started: bool,
    event_limit: usize,
}

/// `clone` is `clone_from` into an empty run, so the fields are copied in one place only.
impl Clone for Sim<'_> {
    fn clone(&self) -> Self {
        let mut copy = Sim::empty(self.model);
        copy.clone_from(self);
        copy
    }

    /// A copy that keeps this run's memory (the explorer copies runs at every branch). Every
    /// field is named, so a field added later cannot be left out; the trace's running hash
    /// is copied with the trace it hashes.
    fn clone_from(&mut self, src: &Self) {
        let Sim {
            model,
            state,
            trace,
            syms,
            trace_hasher,
            recorded,
            keep_trace,
            started,
            event_limit,
        } = src;
        self.model = model;
        self.state.clone_from(state);
        self.trace.clone_from(trace);
        self.syms.clone_from(syms);
        self.trace_hasher = trace_hasher.clone();
        self.recorded = *recorded;
        self.keep_trace = *keep_trace;
        self.started = *started;
        self.event_limit = *event_limit;
    }
}

impl<'m> Sim<'m> {
    /// Keeps only the trace events `keep` accepts (the explorer drops what no later check
    /// reads); the trace's hash is then the hash of what is kept.
    pub(crate) fn retain_trace(&mut self, keep: impl FnMut(&TraceEvent) -> bool) {
        self.trace.retain(keep);
        self.recorded = self.trace.len();
        self.trace_hasher = StableHasher::default();
        for e in &self.trace {
            e.hash(&mut self.trace_hasher);
        }
    }

    pub fn new(model: &'m Model) -> Self {
        Sim {
            state: SimState::new(model),
            // Most scenarios record a handful of events per person.
            trace: Vec::with_capacity(1024 + model.people.len() * 8),
            ..Sim::empty(model)
        }
    }

    /// A run of `model` with nothing in it (no people, nothing on the agenda): only
    /// something to copy a run into, allocating nothing itself.
    fn empty(model: &'m Model) -> Self {
        Sim {
            model,
            state: SimState::default(),
            trace: Vec::new(),
            syms: Cow::Borrowed(&model.syms),
            trace_hasher: StableHasher::default(),
            recorded: 0,
            keep_trace: true,
            started: false,
            event_limit: limits::MAX_EVENTS,
        }
    }

    /// Records no trace, when the run never reads its own trace back (a sweep's or scale
    /// mode's runs are counted, not shown): events are still numbered and shown to the
    /// invariant monitor, so the outcome (events, violations) is the same, without writing
    /// every event to memory or hashing it (the outcome has no trace hash: nothing that
    /// counts runs reads one, and hashing was a tenth of scale mode's time). Some checks read the trace (an e-mail's
    /// conditions, one alert per person, a forced redelivery counting deliveries, the
    /// items of a scenario without people): with those the trace is kept. Returns whether it is
    /// dropped; a reset keeps the choice.
    pub fn without_trace(&mut self) -> bool {
        let m = self.model;
        // A scenario without people counts its items from the trace (`lead_counts`).
        let reads_trace = m.people.is_empty()
            || m.checks_email_conditions
            || (m.invariants.iter()).any(|i| matches!(i, InvariantModel::OneAlertPerPerson { .. }))
            || (m.script.iter()).any(|s| matches!(s.event, OutsideModel::ChangeEventRedelivered));
        self.keep_trace = reads_trace;
        !self.keep_trace
    }

    /// Events recorded so far (in the trace, if it is kept).
    pub fn events(&self) -> usize {
        self.recorded
    }

    /// Lowers the event limit (for tests of the limit itself).
    pub fn with_event_limit(mut self, limit: usize) -> Self {
        self.event_limit = limit;
        self
    }

    /// Puts the run back at its start, as [`Sim::new`] makes it, keeping the memory of its
    /// trace: a sweep runs many seeds of one model with one `Sim`. A run after a reset is
    /// exactly the run a new `Sim` makes.
    pub fn reset(&mut self) {
        self.state.reset(self.model);
        self.trace.clear();
        self.recorded = 0;
        self.trace_hasher = StableHasher::default();
        self.syms = Cow::Borrowed(&self.model.syms);
        self.started = false;
    }

    /// Starts the run if it has not started (the first [`Self::step`] does it otherwise): the
    /// agenda then holds what is ready first, for a caller that looks before each step.
    pub fn begin(&mut self, ch: &mut dyn Chooser) {
        if !self.started {
            self.start(ch);
        }
    }

    /// Schedules the scripted events, batch campaigns and the CRM sync cycle.
    fn start(&mut self, ch: &mut dyn Chooser) {
        self.started = true;
        let m = self.model;
        let mut calendar = self.state.agenda.take_calendar();
        // Each event's time per person, for the events timed `after` it.
        let mut times: Vec<Vec<u64>> = Vec::with_capacity(m.script.len());
        for (i, s) in m.script.iter().enumerate() {
            let index = i as u32;
            let people: Vec<Option<PersonId>> = match s.people {
                Some((a, b)) => (a..=b).map(Some).collect(),
                None => vec![None],
            };
            let mut own = Vec::with_capacity(people.len());
            for (n, person) in people.into_iter().enumerate() {
                let base = s.after.map_or(0, |k| times[k as usize][n]);
                let t = base.saturating_add(s.at.draw(ch));
                own.push(t);
                calendar.push(
                    self.state
                        .agendum(t, None, Pending::Scripted { index, person }),
                );
            }
            times.push(own);
        }
        self.state.agenda.preload(calendar);
        for (i, c) in m.campaigns.iter().enumerate() {
            if let (Some((at, _)), true) = (c.schedule, c.active) {
                self.state.schedule(
                    at,
                    None,
                    Pending::BatchRun {
                        campaign: i as CampaignId,
                        extra: false,
                    },
                );
            }
        }
        if let Some(crm) = &m.crm {
            let phase = ch.choose(&Choice::Uniform {
                min: 0,
                max: crm.sync_interval_ms - 1,
            });
            self.state.schedule(phase, None, Pending::CrmCycle);
        }
        self.start_jobs(ch);
        self.start_responses(ch);
    }

    /// Runs to the horizon (or until nothing is left to happen).
    pub fn run(&mut self, ch: &mut dyn Chooser) -> Result<RunOutcome, RunError> {
        while self.step(ch)? {}
        Ok(self.finish())
    }

    /// Runs until simulated time `t` (inclusive); returns whether anything is left.
    pub fn run_until(&mut self, t: u64, ch: &mut dyn Chooser) -> Result<bool, RunError> {
        if !self.started {
            self.start(ch);
        }
        loop {
            match self.state.agenda.next_time() {
                Some(time) if time <= t && time <= self.model.horizon => {}
                _ => return Ok(!self.is_done()),
            }
            self.step(ch)?;
        }
    }

    /// Whether the run has nothing left to do before the horizon.
    pub fn is_done(&self) -> bool {
        self.started
            && self
                .state
                .agenda
                .next_time()
                .is_none_or(|time| time > self.model.horizon)
    }

    /// Processes the next agenda item; false when the run is over.
    pub fn step(&mut self, ch: &mut dyn Chooser) -> Result<bool, RunError> {
        if !self.started {
            self.start(ch);
        }
        if self.is_done() {
            return Ok(false);
        }
        let item = self.next_item(ch);
        // The next item and its person, fetched into cache while this item is processed.
        self.state.agenda.prefetch_next();
        if let Some(person) = self.state.agenda.next_person() {
            self.state.prefetch_person(person);
        }
        self.state.now = item.time;
        self.process(item, ch);
        self.dispatch(ch);
        if self.recorded > self.event_limit {
            return Err(RunError::TooManyEvents(self.event_limit));
        }
        Ok(true)
    }

    /// Pops the earliest item; among items at the same time, the chooser picks (and the
    /// picked item's person is fetched into cache while the item itself is read).
    fn next_item(&mut self, ch: &mut dyn Chooser) -> Agendum {
        let SimState {
            agenda,
            people,
            monitor,
            ..
        } = &mut self.state;
        agenda
            .pop_choosing(
                |n| ch.choose(&Choice::Ready { n }) as usize,
                |person| state::prefetch_person(people, monitor, person),
            )
            .expect("agenda checked non-empty")
    }

    fn process(&mut self, item: Agendum, ch: &mut dyn Chooser) {
        let cause = item.cause;
        match item.what {
            Pending::Job { job, step } => self.job_step(job, step, ch),
            Pending::Response(step) => self.response_step(step, cause),
            Pending::Change(step) => self.change_step(step, cause, ch),
            Pending::Scripted { index, person } => self.outside_event(index as usize, person, ch),
            Pending::BatchRun { campaign, extra } => self.batch_run(campaign, extra, cause, ch),
            Pending::Enqueue(r) => self.enqueue_current(r),
            Pending::StepDone(r, q) => {
                self.state.queues[q as usize].busy -= 1;
                self.step_done(r, ch);
            }
            Pending::WaitOver(r) => self.advance(r),
            Pending::WebhookServe(call) => self.webhook_serve(call, cause),
            Pending::WebhookReturn(r, call) => self.webhook_return(r, call, ch),
            Pending::WebhookTimeout(r, call) => self.webhook_timeout(r, call),
            Pending::WebhookWriteBack(call) => self.webhook_write_back(call, cause, ch),
            Pending::CrmReceive { person, snapshot } => {
                self.crm_receive(person, snapshot, cause, ch)
            }
            Pending::CrmAssign {
                person,
                owner,
                queue,
            } => self.crm_assign(person, owner, queue, cause),
            Pending::CrmCycle => self.crm_cycle(ch),
            Pending::Insert { person, via } => self.insert_person(person, via, cause, ch),
            Pending::ApiSync {
                person,
                client,
                attempt,
            } => self.api_sync(person, client, attempt, cause, ch),
            Pending::CrmAutomation { person, automation } => {
                self.crm_automation(person, automation, cause)
            }
        }
    }

    /// Idle workers take ready steps: priority class first, then arrival.
    fn dispatch(&mut self, ch: &mut dyn Chooser) {
        for q in [QueueKind::Trigger, QueueKind::Batch] {
            let workers = self.model.queue.workers[q as usize];
            loop {
                let queue = &mut self.state.queues[q as usize];
                if queue.busy >= workers {
                    break;
                }
                let Some((_, _, r)) = queue.ready.pop() else {
                    break;
                };
                if self.state.runs.get(r).is_none() {
                    continue;
                }
                queue.busy += 1;
                let d = self.model.queue.step_time.draw(ch);
                let cause = self.state.runs.get(r).and_then(|x| x.cause);
                self.state
                    .schedule(self.state.now + d, cause, Pending::StepDone(r, q));
            }
        }
    }

    /// Records an event, shows it to the monitor, and returns its id.
    fn record(
        &mut self,
        person: Option<PersonId>,
        actor: Actor,
        kind: EventKind,
        cause: Option<EventId>,
    ) -> EventId {
        self.record_with(person, actor, kind, cause, None)
    }

    fn record_with(
        &mut self,
        person: Option<PersonId>,
        actor: Actor,
        kind: EventKind,
        cause: Option<EventId>,
        crm_snapshot: Option<&[Value]>,
    ) -> EventId {
        let ev = TraceEvent {
            id: self.recorded as EventId,
            time: self.state.now,
            person,
            actor,
            kind,
            cause,
        };
        let entries = person.map(|p| self.state.people[p as usize].list_entries.as_slice());
        self.state
            .monitor
            .observe(self.model, &ev, entries, crm_snapshot);
        let id = ev.id;
        let email = matches!(ev.kind, EventKind::EmailSent { .. });
        if self.keep_trace {
            ev.hash(&mut self.trace_hasher);
        }
        self.recorded += 1;
        if self.keep_trace {
            self.trace.push(ev);
        }
        if email && self.model.checks_email_conditions {
            self.check_email_only_when(id);
        }
        id
    }

    /// Converts a value to a field's type (copying the text table only for new text).
    fn coerce(&mut self, v: Value, kind: FieldType) -> Value {
        if v.fits(kind) {
            v
        } else {
            self.syms.to_mut().coerce(v, kind)
        }
    }

    fn finish(&mut self) -> RunOutcome {
        debug_assert!(!self.keep_trace || self.trace_hasher.finish() == trace_hash(&self.trace));
        let end = self.state.now;
        self.state.monitor.finish(self.model, end);
        self.check_everyone_reached_crm(end);
        self.check_crm_routing(end);
        self.check_one_alert_per_person(end);
        RunOutcome {
            events: self.recorded,
            end_time: end,
            trace_hash: self.keep_trace.then(|| self.trace_hasher.finish()),
            violations: self.state.monitor.violations.clone(),
            capped_requests: self.state.capped_requests,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{compile, RunConfig, SeededChooser};

    /// A copy made by `clone`, or by `clone_from` into a run that had gone further, finishes
    /// exactly as the run it copies: the same trace, and the same trace hash, which is kept
    /// as the run goes (so the copy must carry the hash so far with the trace so far).
    #[test]
    fn a_copy_finishes_as_the_run_it_copies() {
        for id in [
            "list-queue",
            "job-checkpoint",
            "replica-cascade",
            "lock-storm",
        ] {
            let scenario = crate::scenarios::builtin(id).expect("built in");
            let model = compile(&scenario, &RunConfig::default()).expect("compiles");
            let mut ch = SeededChooser::new(5);
            let mut run = Sim::new(&model);
            for _ in 0..40 {
                run.step(&mut ch).expect("steps");
            }
            let cloned = run.clone();
            let mut overwritten = Sim::new(&model);
            let mut other = SeededChooser::new(9);
            for _ in 0..400 {
                overwritten.step(&mut other).expect("steps");
            }
            overwritten.clone_from(&run);
            let own = run.run(&mut ch.clone()).expect("runs");
            assert_eq!(own.trace_hash, Some(trace_hash(&run.trace)), "{id}");
            for (how, mut copy) in [("clone", cloned), ("clone_from", overwritten)] {
                let outcome = copy.run(&mut ch.clone()).expect("runs");
                assert_eq!(copy.trace, run.trace, "{id}: {how}");
                assert_eq!(outcome, own, "{id}: {how}");
            }
        }
    }
}
