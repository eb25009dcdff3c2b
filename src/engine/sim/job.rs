//! Scheduled serverless import jobs (seed 001, race 5 "overlapping job runs").
//!
//! Each invocation starts cold or warm (the chooser decides when an idle instance exists;
//! a warm one reuses the mark its last run cached), reads the high-water mark from a
//! standalone custom object through the REST API, imports the source records with
//! modstamps in (mark, start] and moves the mark to its start time. The run executes the
//! job's steps in order: GET the checkpoint, then (as listed) POST a createOnly claim keyed
//! by the mark, compare-and-set the mark on the record's version, import, POST the new mark
//! with createOrUpdate. Without a claim or compare-and-set, runs that overlap lose updates
//! and import records twice. Every checkpoint
//! call passes the REST limits (606 / 615 / 607) and backs off exponentially when refused.

use super::super::chooser::{Choice, Chooser};
use super::super::model::*;
use super::super::scenario::steps::JobStepDef;
use super::super::systems::{
    backoff_ms, CallTicket, CoLimits, CoValue, CustomObjectStore, DedupeBy, Fields, InvocationId,
    JobSchedule, RestApi, ServerlessJob, WriteAction, WriteStatus,
};
use super::super::trace::{Actor, EventId, EventKind, JobOutcome, RestOp};
use super::state::Pending;
use super::Sim;
use std::collections::BTreeMap;

/// The jobs' world: the REST API gate, the custom objects and each job's instances.
#[derive(Debug, PartialEq, Eq, Hash, Default)]
pub struct JobsState {
    pub rest: RestApi,
    /// One store per custom object (model order).
    pub objects: Vec<CustomObjectStore>,
    pub jobs: Vec<JobState>,
}

/// `clone_from` keeps the vectors' memory (the explorer copies runs at every branch);
/// `clone` is `clone_from` into an empty value.
impl Clone for JobsState {
    fn clone(&self) -> Self {
        let mut j = JobsState::default();
        j.clone_from(self);
        j
    }

    fn clone_from(&mut self, src: &Self) {
        let JobsState {
            rest,
            objects,
            jobs,
        } = src;
        self.rest.clone_from(rest);
        self.objects.clone_from(objects);
        self.jobs.clone_from(jobs);
    }
}

impl JobsState {
    pub fn new(model: &Model) -> Self {
        let integ = &model.integrations;
        JobsState {
            rest: RestApi::new(integ.rest.limits),
            objects: integ
                .objects
                .iter()
                .map(|(name, dedupe)| CustomObjectStore::new(name, dedupe, CoLimits::default()))
                .collect(),
            jobs: integ
                .jobs
                .iter()
                .map(|j| JobState {
                    function: ServerlessJob::new(JobSchedule {
                        first_at: j.at,
                        interval_ms: j.every.unwrap_or(0),
                    }),
                    runs: BTreeMap::new(),
                })
                .collect(),
        }
    }
}

/// One job: its serverless instances (a warm one caches (mark, version)) and live runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobState {
    pub function: ServerlessJob<(u64, u64)>,
    /// Runs in progress, by invocation number.
    pub runs: BTreeMap<u64, JobRun>,
}

/// A run in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JobRun {
    pub start: u64,
    /// The mark and record version the run read (0: no checkpoint yet).
    pub mark: u64,
    pub version: u64,
    /// Lost the compare-and-set: the next read is the last thing the run does.
    pub conflict: bool,
    /// The step the run is at (an index into the job's steps).
    pub pc: u8,
    /// The run's latest event.
    pub cause: Option<EventId>,
}

/// What a job does next (on the agenda).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStep {
    /// The scheduler fires an invocation.
    Fire,
    /// Try a REST call (attempt 0 first, then retries after backoff).
    Call {
        run: u64,
        op: RestOp,
        attempt: u32,
    },
    /// An admitted call completes: the store answers.
    Answer {
        run: u64,
        op: RestOp,
        ticket: CallTicket,
    },
    ImportDone {
        run: u64,
    },
    /// An admin resets the checkpoint's epoch.
    EpochReset,
}

/// A yes/no the chooser decides with probability `ppm` (no question when it is certain).
pub(super) fn chance(ch: &mut dyn Chooser, ppm: u32) -> bool {
    match ppm {
        0 => false,
        1_000_000.. => true,
        p => ch.choose(&Choice::Fail { ppm: p }) == 1,
    }
}

impl Sim<'_> {
    pub(super) fn start_jobs(&mut self, ch: &mut dyn Chooser) {
        let model: &Model = self.model;
        for (j, job) in model.integrations.jobs.iter().enumerate() {
            let job_id = j as u16;
            let step = JobStep::Fire;
            self.state
                .schedule(job.at, None, Pending::Job { job: job_id, step });
            if let Some(at) = &job.epoch_reset {
                let step = JobStep::EpochReset;
                let at = at.draw(ch);
                self.state
                    .schedule(at, None, Pending::Job { job: job_id, step });
            }
        }
    }

    /// An admin drops the imported object and starts a new epoch: the checkpoint's mark
    /// goes back to the start (a new version of the record), so that the next run imports
    /// everything again. A run in flight goes on as it was.
    fn epoch_reset(&mut self, j: u16) {
        let model: &Model = self.model;
        let checkpoint = model.integrations.jobs[j as usize].checkpoint;
        let cp = &model.integrations.checkpoints[checkpoint as usize];
        let store = &mut self.state.jobs.objects[cp.object as usize];
        let mut fields = Fields::from([(cp.field.clone(), CoValue::Number(0))]);
        fields.insert(
            store.dedupe_field().to_string(),
            CoValue::Text(cp.key.clone()),
        );
        // The admin's write cannot fail: it is not a job's REST call.
        let _ = store.write(
            WriteAction::CreateOrUpdate,
            DedupeBy::DedupeFields,
            &[fields],
        );
        self.record(
            None,
            Actor::Outside,
            EventKind::EpochReset { checkpoint },
            None,
        );
    }

    pub(super) fn job_step(&mut self, j: u16, step: JobStep, ch: &mut dyn Chooser) {
        match step {
            JobStep::Fire => self.job_fire(j, true, None, ch),
            JobStep::Call { run, op, attempt } => self.job_call(j, run, op, attempt, ch),
            JobStep::Answer { run, op, ticket } => self.job_answer(j, run, op, ticket, ch),
            JobStep::ImportDone { run } => self.job_imported(j, run, ch),
            JobStep::EpochReset => self.epoch_reset(j),
        }
    }

    fn job_record(&mut self, j: u16, run: u64, kind: EventKind) -> EventId {
        let jr = &self.state.jobs.jobs[j as usize].runs;
        let cause = jr.get(&run).and_then(|r| r.cause);
        let id = self.record(None, Actor::Job(j), kind, cause);
        if let Some(r) = self.state.jobs.jobs[j as usize].runs.get_mut(&run) {
            r.cause = Some(id);
        }
        id
    }

    fn job_schedule(&mut self, j: u16, at: u64, step: JobStep) {
        let cause = match step {
            JobStep::Call { run, .. }
            | JobStep::Answer { run, .. }
            | JobStep::ImportDone { run } => self.state.jobs.jobs[j as usize]
                .runs
                .get(&run)
                .and_then(|r| r.cause),
            JobStep::Fire | JobStep::EpochReset => None,
        };
        self.state
            .schedule(at, cause, Pending::Job { job: j, step });
    }

    /// An invocation starts now: by the schedule (`scheduled`: the next one is scheduled
    /// too) or by hand (`cause`: the injected event).
    pub(super) fn job_fire(
        &mut self,
        j: u16,
        scheduled: bool,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let m = &self.model.integrations.jobs[j as usize];
        let now = self.state.now;
        if let (true, Some(every)) = (scheduled, m.every) {
            if now + every <= self.model.horizon {
                self.job_schedule(j, now + every, JobStep::Fire);
            }
        }
        let function = &mut self.state.jobs.jobs[j as usize].function;
        let cold = function.idle_instances() == 0 || chance(ch, m.cold_ppm);
        let inv = function.start(now, cold);
        let started = function.invocation(inv).expect("just started").clone();
        let overlapping = function.overlapping() as u32;
        let run = inv.0;
        self.state.jobs.jobs[j as usize].runs.insert(
            run,
            JobRun {
                start: now,
                mark: 0,
                version: 0,
                conflict: false,
                pc: 0,
                cause,
            },
        );
        let kind = EventKind::JobStarted {
            invocation: run as u32,
            cold: started.cold,
            overlapping,
        };
        self.job_record(j, run, kind);
        match started.cache {
            Some((mark, version)) => {
                let checkpoint = m.checkpoint;
                let kind = EventKind::MarkRead {
                    checkpoint,
                    mark: (mark > 0).then_some(mark),
                    version,
                    cached: true,
                };
                self.job_record(j, run, kind);
                self.job_proceed(j, run, mark, version, ch);
            }
            None => self.job_call(j, run, RestOp::ReadMark, 0, ch),
        }
    }

    /// Tries a REST call; a refusal is retried after exponential backoff.
    fn job_call(&mut self, j: u16, run: u64, op: RestOp, attempt: u32, ch: &mut dyn Chooser) {
        let m = &self.model.integrations.jobs[j as usize];
        let now = self.state.now;
        match self.state.jobs.rest.begin_call(now) {
            Ok(ticket) => {
                self.job_record(j, run, EventKind::RestCalled { op });
                let latency = self.model.integrations.rest.latency.draw(ch);
                self.job_schedule(j, now + latency, JobStep::Answer { run, op, ticket });
            }
            Err(e) => {
                let code = e.code();
                self.job_record(j, run, EventKind::RestRejected { op, code });
                if attempt + 1 >= m.max_attempts {
                    self.job_end(j, run, JobOutcome::GaveUp, None);
                    return;
                }
                let delay_ms = backoff_ms(attempt, m.backoff_ms, m.max_backoff_ms);
                let attempt = attempt + 1;
                self.job_record(j, run, EventKind::Backoff { attempt, delay_ms });
                self.job_schedule(j, now + delay_ms, JobStep::Call { run, op, attempt });
            }
        }
    }

    /// The checkpoint record's (mark, version); (0, 0) when absent.
    fn checkpoint_now(&self, cp: &CheckpointModel) -> (Option<u64>, u64) {
        let store = &self.state.jobs.objects[cp.object as usize];
        match store.get(&CoValue::Text(cp.key.clone())) {
            Some(r) => {
                let mark = match r.fields.get(&cp.field) {
                    Some(CoValue::Number(n)) => Some((*n).max(0) as u64),
                    _ => None,
                };
                (mark, r.version)
            }
            None => (None, 0),
        }
    }

    /// A checkpoint call completes: the store acts and answers.
    fn job_answer(
        &mut self,
        j: u16,
        run: u64,
        op: RestOp,
        ticket: CallTicket,
        ch: &mut dyn Chooser,
    ) {
        let now = self.state.now;
        self.state.jobs.rest.end_call(ticket, now);
        let Some(r) = self.state.jobs.jobs[j as usize].runs.get(&run).copied() else {
            return;
        };
        let model: &Model = self.model;
        let m = &model.integrations.jobs[j as usize];
        let checkpoint = m.checkpoint;
        let cp = &model.integrations.checkpoints[checkpoint as usize];
        let key = CoValue::Text(cp.key.clone());
        let record = |mark: u64| Fields::from([(cp.field.clone(), CoValue::Number(mark as i64))]);
        match op {
            RestOp::ReadMark => {
                let (mark, version) = self.checkpoint_now(cp);
                let cached = false;
                let kind = EventKind::MarkRead {
                    checkpoint,
                    mark,
                    version,
                    cached,
                };
                self.job_record(j, run, kind);
                let mark = mark.unwrap_or(0);
                if r.conflict {
                    self.job_end(j, run, JobOutcome::CasConflict, Some((mark, version)));
                } else {
                    self.job_proceed(j, run, mark, version, ch);
                }
            }
            RestOp::Claim => {
                let store = &mut self.state.jobs.objects[cp.object as usize];
                let mut claim = record(r.mark);
                let claim_key = format!("{}#{}", cp.key, r.mark);
                claim.insert(store.dedupe_field().to_string(), CoValue::Text(claim_key));
                let out = store.write(WriteAction::CreateOnly, DedupeBy::DedupeFields, &[claim]);
                let created = matches!(out.as_deref(), Ok([WriteStatus::Created { .. }]));
                let kind = EventKind::ClaimResult {
                    checkpoint,
                    mark: r.mark,
                    created,
                };
                self.job_record(j, run, kind);
                if created {
                    self.job_next(j, run, ch);
                } else {
                    self.job_end(j, run, JobOutcome::ClaimSkipped, None);
                }
            }
            RestOp::WriteMark => {
                let (previous, _) = self.checkpoint_now(cp);
                let store = &mut self.state.jobs.objects[cp.object as usize];
                let mut fields = record(r.start);
                fields.insert(store.dedupe_field().to_string(), key);
                let out = store.write(
                    WriteAction::CreateOrUpdate,
                    DedupeBy::DedupeFields,
                    &[fields],
                );
                let version = match out.as_deref() {
                    Ok(
                        [WriteStatus::Created { version, .. } | WriteStatus::Updated { version, .. }],
                    ) => *version,
                    _ => 0,
                };
                self.record_mark_written(j, run, checkpoint, r.start, previous);
                if let Some(x) = self.state.jobs.jobs[j as usize].runs.get_mut(&run) {
                    x.version = version;
                }
                self.job_next(j, run, ch);
            }
            RestOp::CasMark => {
                let (previous, _) = self.checkpoint_now(cp);
                let store = &mut self.state.jobs.objects[cp.object as usize];
                let out = store.compare_and_set(&key, r.version, record(r.start));
                let expected = r.version;
                let ok = out.is_ok();
                self.job_record(
                    j,
                    run,
                    EventKind::CasResult {
                        checkpoint,
                        expected,
                        ok,
                    },
                );
                match out {
                    Ok(version) => {
                        self.record_mark_written(j, run, checkpoint, r.start, previous);
                        if let Some(x) = self.state.jobs.jobs[j as usize].runs.get_mut(&run) {
                            x.version = version;
                        }
                        self.job_next(j, run, ch);
                    }
                    Err(_) => {
                        if let Some(x) = self.state.jobs.jobs[j as usize].runs.get_mut(&run) {
                            x.conflict = true;
                        }
                        self.job_call(j, run, RestOp::ReadMark, 0, ch);
                    }
                }
            }
        }
    }

    /// The checkpoint now holds `mark` (it held `previous`).
    fn record_mark_written(
        &mut self,
        j: u16,
        run: u64,
        checkpoint: u16,
        mark: u64,
        previous: Option<u64>,
    ) {
        let kind = EventKind::MarkWritten {
            checkpoint,
            mark,
            previous,
        };
        self.job_record(j, run, kind);
    }

    /// The run knows the mark (its first step, GET checkpoint, is done): it ends when there
    /// is nothing newer, or else goes on with its next step.
    fn job_proceed(&mut self, j: u16, run: u64, mark: u64, version: u64, ch: &mut dyn Chooser) {
        let runs = &mut self.state.jobs.jobs[j as usize].runs;
        let Some(r) = runs.get_mut(&run) else { return };
        r.mark = mark;
        r.version = version;
        if r.start <= mark {
            self.job_end(j, run, JobOutcome::NothingToImport, Some((mark, version)));
            return;
        }
        self.job_next(j, run, ch);
    }

    /// The run's current step is done: it does the next one, or ends when none is left
    /// (its instance caches the run's start as the mark, with the version last seen).
    fn job_next(&mut self, j: u16, run: u64, ch: &mut dyn Chooser) {
        let Some(r) = self.state.jobs.jobs[j as usize].runs.get_mut(&run) else {
            return;
        };
        r.pc += 1;
        let (pc, start, version) = (r.pc as usize, r.start, r.version);
        let steps = &self.model.integrations.jobs[j as usize].steps;
        match steps.get(pc) {
            // Checked at compile time: the GET is the first step only.
            Some(JobStepDef::GetCheckpoint) => self.job_call(j, run, RestOp::ReadMark, 0, ch),
            Some(JobStepDef::ClaimCreateOnly) => self.job_call(j, run, RestOp::Claim, 0, ch),
            Some(JobStepDef::CasCheckpoint) => self.job_call(j, run, RestOp::CasMark, 0, ch),
            Some(JobStepDef::ImportBatch) => self.job_import(j, run, ch),
            Some(JobStepDef::PostCheckpoint) => self.job_call(j, run, RestOp::WriteMark, 0, ch),
            None => self.job_end(j, run, JobOutcome::Imported, Some((start, version))),
        }
    }

    fn job_import(&mut self, j: u16, run: u64, ch: &mut dyn Chooser) {
        let Some(r) = self.state.jobs.jobs[j as usize].runs.get(&run).copied() else {
            return;
        };
        let m = &self.model.integrations.jobs[j as usize];
        let kind = EventKind::ImportStarted {
            checkpoint: m.checkpoint,
            from: r.mark,
            to: r.start,
        };
        self.job_record(j, run, kind);
        let d = m.run_time.draw(ch);
        self.job_schedule(j, self.state.now + d, JobStep::ImportDone { run });
    }

    fn job_imported(&mut self, j: u16, run: u64, ch: &mut dyn Chooser) {
        let Some(r) = self.state.jobs.jobs[j as usize].runs.get(&run).copied() else {
            return;
        };
        let m = &self.model.integrations.jobs[j as usize];
        let every = self.model.integrations.checkpoints[m.checkpoint as usize].record_every;
        let kind = EventKind::RecordsImported {
            checkpoint: m.checkpoint,
            from: r.mark,
            to: r.start,
            count: r.start / every - r.mark / every,
        };
        self.job_record(j, run, kind);
        self.job_next(j, run, ch);
    }

    /// The run ends; the instance keeps `cache` (after giving up, the instance is gone).
    fn job_end(&mut self, j: u16, run: u64, outcome: JobOutcome, cache: Option<(u64, u64)>) {
        let kind = EventKind::JobFinished {
            invocation: run as u32,
            outcome,
        };
        self.job_record(j, run, kind);
        let now = self.state.now;
        let st = &mut self.state.jobs.jobs[j as usize];
        st.runs.remove(&run);
        if outcome == JobOutcome::GaveUp {
            st.function.fail(InvocationId(run), now);
        } else {
            st.function.finish(InvocationId(run), now, cache);
        }
    }
}
