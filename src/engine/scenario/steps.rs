//! The steps of the integration systems, as a user reads them: what a serverless import job
//! does on each run (seed 001), what a change-feed consumer does with each message (seed 002)
//! and what happens to each insert of campaign responses (seed 003). Each system lists its
//! steps in order (`"steps": [...]`); the engine executes them one by one, so a naive and a
//! fixed variant differ only in the steps they list.
//!
//! Older scenario files choose the behaviour with switches instead (`strategy`,
//! `version_check`, `idempotent`, `mode`, `async_above_batch_size`). They keep opening: each
//! switch setting stands for the equivalent step list ([`JobStepDef::legacy`] and the like).
//! A system gives either its steps or the switches, not both.

use super::integrations::{JobStrategy, ResponseMode};
use serde::{Deserialize, Serialize};

/// One step of an import job's run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStepDef {
    /// GET the checkpoint record through the REST API (a warm instance uses the mark it
    /// cached on its last run). A run with nothing newer than the mark ends here.
    GetCheckpoint,
    /// POST a claim record keyed by the mark with action createOnly; a claim that comes
    /// back "skipped" (another run made it) ends the run.
    ClaimCreateOnly,
    /// Move the mark to the run's start with a compare-and-set on the version read (a
    /// store with versioned writes); a refused write re-reads the mark and ends the run.
    CasCheckpoint,
    /// Import the records changed after the mark, up to the run's start.
    ImportBatch,
    /// POST the checkpoint = the run's start with action createOrUpdate.
    PostCheckpoint,
}

impl JobStepDef {
    /// The steps the legacy `strategy` stands for.
    pub fn legacy(strategy: JobStrategy) -> Vec<JobStepDef> {
        use JobStepDef::*;
        match strategy {
            JobStrategy::ReadThenWrite => vec![GetCheckpoint, ImportBatch, PostCheckpoint],
            JobStrategy::ClaimCreateOnly => {
                vec![GetCheckpoint, ClaimCreateOnly, ImportBatch, PostCheckpoint]
            }
            JobStrategy::VersionCas => vec![GetCheckpoint, CasCheckpoint, ImportBatch],
        }
    }

    /// Checks an ordered list: GET first, one import, a guard (claim or compare-and-set)
    /// before the import, no step twice.
    pub fn check(steps: &[JobStepDef]) -> Result<(), String> {
        use JobStepDef::*;
        no_repeats(steps)?;
        if steps.first() != Some(&GetCheckpoint) {
            return Err("the first step must be get_checkpoint (the run needs the mark)".into());
        }
        let import = steps
            .iter()
            .position(|s| *s == ImportBatch)
            .ok_or("the steps must include import_batch")?;
        for guard in [ClaimCreateOnly, CasCheckpoint] {
            if steps
                .iter()
                .position(|s| *s == guard)
                .is_some_and(|g| g > import)
            {
                return Err(format!("{} must come before import_batch", name(&guard)));
            }
        }
        if steps.contains(&ClaimCreateOnly) && steps.contains(&CasCheckpoint) {
            return Err("use claim_create_only or cas_checkpoint, not both".into());
        }
        Ok(())
    }
}

/// One step of a change-feed consumer, for each message it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerStep {
    /// Record the message id in the idempotency log; a message id already there is acked
    /// and skipped.
    SkipIfSeen,
    /// Read the person from the read replica, however far behind it is.
    ReadReplica,
    /// Read the person from the read replica, or from the primary when the replica is
    /// older than the message (read-your-writes).
    ReadPrimaryIfStale,
    /// Recompute the dynamic lists (Add to List / Remove from List).
    UpdateLists,
    /// Run the action when its condition holds.
    Act,
}

impl ConsumerStep {
    /// The steps the legacy switches stand for (`lists`, `action`: whether the feed has them).
    pub fn legacy(
        version_check: bool,
        idempotent: bool,
        lists: bool,
        action: bool,
    ) -> Vec<ConsumerStep> {
        use ConsumerStep::*;
        let mut out = Vec::new();
        if idempotent {
            out.push(SkipIfSeen);
        }
        out.push(if version_check {
            ReadPrimaryIfStale
        } else {
            ReadReplica
        });
        if lists {
            out.push(UpdateLists);
        }
        if action {
            out.push(Act);
        }
        out
    }

    /// Checks an ordered list: one read, before the list updates and the action; the
    /// duplicate check before the action; list updates and action exactly when the feed
    /// has lists and an action.
    pub fn check(steps: &[ConsumerStep], lists: bool, action: bool) -> Result<(), String> {
        use ConsumerStep::*;
        no_repeats(steps)?;
        let at = |s: ConsumerStep| steps.iter().position(|x| *x == s);
        let read = match (at(ReadReplica), at(ReadPrimaryIfStale)) {
            (Some(r), None) | (None, Some(r)) => r,
            (None, None) => {
                return Err(
                    "the steps must read the person: add read_replica or read_primary_if_stale"
                        .into(),
                )
            }
            (Some(_), Some(_)) => {
                return Err("read the person once: read_replica or read_primary_if_stale".into())
            }
        };
        for s in [UpdateLists, Act] {
            if at(s).is_some_and(|i| i < read) {
                return Err(format!(
                    "{} must come after {}",
                    name(&s),
                    name(&steps[read])
                ));
            }
        }
        if let (Some(skip), Some(act)) = (at(SkipIfSeen), at(Act)) {
            if skip > act {
                return Err("skip_if_seen must come before act".into());
            }
        }
        for (step, has, what) in [(UpdateLists, lists, "lists"), (Act, action, "an action")] {
            match (at(step).is_some(), has) {
                (true, false) => {
                    return Err(format!(
                        "{} is a step but the feed has no {what}",
                        name(&step)
                    ))
                }
                (false, true) => {
                    return Err(format!("the feed has {what} but no {} step", name(&step)))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// One step of the response feed: how the integration inserts campaign responses and how
/// the CRM's response processing treats them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessorStep {
    /// The integration inserts the responses as campaign members (`batch_records` a call).
    Insert,
    /// The integration inserts them as response prompts, which the CRM always processes
    /// synchronously (no async scoring applies).
    InsertResponsePrompts,
    /// On UNABLE_TO_LOCK_ROW the integration retries after an exponential backoff.
    RetryLockErrors,
    /// User-based async scoring for the integration user: small batches wait, are merged
    /// and processed asynchronously, one batch at a time.
    HoldSmallBatches,
    /// A batch above the scoring batch size is processed asynchronously, in chunks.
    AsyncAboveBatchSize,
}

impl ProcessorStep {
    /// The steps the legacy `mode` and `async_above_batch_size` stand for.
    pub fn legacy(mode: ResponseMode, async_above_batch_size: bool) -> Vec<ProcessorStep> {
        use ProcessorStep::*;
        let mut out = vec![Insert];
        match mode {
            ResponseMode::Synchronous => {}
            ResponseMode::Retry => out.push(RetryLockErrors),
            ResponseMode::UserAsync => out.push(HoldSmallBatches),
        }
        if async_above_batch_size {
            out.push(AsyncAboveBatchSize);
        }
        out
    }

    /// Checks an ordered list: one insert step, first.
    pub fn check(steps: &[ProcessorStep]) -> Result<(), String> {
        use ProcessorStep::*;
        no_repeats(steps)?;
        if !matches!(steps.first(), Some(Insert | InsertResponsePrompts)) {
            return Err("the first step must be insert or insert_response_prompts".into());
        }
        if steps[1..]
            .iter()
            .any(|s| matches!(s, Insert | InsertResponsePrompts))
        {
            return Err("insert the responses once: insert or insert_response_prompts".into());
        }
        Ok(())
    }
}

/// A step's name as the scenario format spells it.
pub fn name<T: Serialize>(step: &T) -> String {
    serde_json::to_value(step)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn no_repeats<T: Serialize + PartialEq>(steps: &[T]) -> Result<(), String> {
    for (i, s) in steps.iter().enumerate() {
        if steps[..i].contains(s) {
            return Err(format!("the step {} is listed twice", name(s)));
        }
    }
    Ok(())
}

/// The steps a system runs: `steps` as given, or else what the legacy switches stand for
/// (`switched`: whether a switch is set to something other than its default).
pub fn steps_or_legacy<T: Clone>(
    steps: &Option<Vec<T>>,
    switched: bool,
    legacy: impl FnOnce() -> Vec<T>,
) -> Result<Vec<T>, String> {
    match steps {
        Some(_) if switched => Err(
            "give `steps` or the older switches (strategy, version_check, idempotent, mode, async_above_batch_size), not both".into(),
        ),
        Some(s) => Ok(s.clone()),
        None => Ok(legacy()),
    }
}
