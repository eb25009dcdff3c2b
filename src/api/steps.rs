//! The steps of the integration systems in plain words (an import job's run, a change-feed
//! consumer's handling of one message, the response feed's handling of one insert), as the
//! Reader numbers them, and the difference between two variants: per campaign, job,
//! consumer and response feed, the steps one variant adds, removes or changes.

use super::reader::{campaign_views, campaign_views_for, Views};
use super::words::{self, duration};
use crate::engine::model::*;
use crate::engine::scenario::steps::{ConsumerStep, JobStepDef, ProcessorStep};
use crate::engine::RunConfig;
use crate::engine::{Model, Scenario};
use serde::Serialize;

/// One step of an import job's run.
pub fn job_step(model: &Model, job: &JobModel, step: JobStepDef) -> String {
    let integ = &model.integrations;
    let cp = &integ.checkpoints[job.checkpoint as usize];
    let object = &integ.objects[cp.object as usize].0;
    match step {
        JobStepDef::GetCheckpoint => format!(
            "GET checkpoint: read the mark ({}) of record {} in custom object {object} through the REST API (a warm instance uses the mark it cached instead); stop if nothing is newer",
            cp.field, cp.key
        ),
        JobStepDef::ClaimCreateOnly => "POST claim (createOnly): create a claim record keyed by the mark; if it comes back skipped, another run has this range: stop".to_string(),
        JobStepDef::CasCheckpoint => "Compare-and-set checkpoint: move the mark to this run's start only if the record's version is still the one read (one atomic check-and-write, in a store with versioned writes); if it changed, re-read and stop".to_string(),
        JobStepDef::ImportBatch => "Import batch: import the records changed after the mark, up to this run's start".to_string(),
        JobStepDef::PostCheckpoint => "POST checkpoint (createOrUpdate): write this run's start as the new mark".to_string(),
    }
}

/// One step of a change-feed consumer, for each message.
pub fn consumer_step(model: &Model, feed: &ChangeFeedModel, step: ConsumerStep) -> String {
    let syms = &model.syms;
    match step {
        ConsumerStep::SkipIfSeen => "Skip if message id seen: log the message id in the idempotency log; if it is already there, ack the message and do nothing else".to_string(),
        ConsumerStep::ReadReplica => "Read replica: read the person from a read replica (a copy of the database that can lag behind the primary)".to_string(),
        ConsumerStep::ReadPrimaryIfStale => "Read primary, check version: read the person from the read replica, or from the primary when the replica is older than the message (read-your-writes)".to_string(),
        ConsumerStep::UpdateLists => {
            let names: Vec<&str> = feed.lists.iter().map(|(l, _, _)| words::list(model, *l)).collect();
            format!(
                "Update the lists: Add to List or Remove from List for {} list{} ({})",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            )
        }
        ConsumerStep::Act => match &feed.action {
            Some((filters, logic, action)) => format!(
                "Act: if {} → {}",
                words::condition(model, syms, filters, logic),
                words::action(model, syms, action)
            ),
            None => "Act".to_string(),
        },
    }
}

/// One step of the response feed, for each insert.
pub fn processor_step(feed: &ResponseFeedModel, step: ProcessorStep) -> String {
    let p = &feed.processor;
    let how = if feed.batch_records <= 1 {
        "each response on its own".to_string()
    } else {
        format!("{} responses per call", feed.batch_records)
    };
    match step {
        ProcessorStep::Insert => format!(
            "Insert campaign members into {}: {how}",
            feed.campaign
        ),
        ProcessorStep::InsertResponsePrompts => format!(
            "Insert response prompts into {}: {how} (the CRM always processes response prompts synchronously)",
            feed.campaign
        ),
        ProcessorStep::RetryLockErrors => format!(
            "On UNABLE_TO_LOCK_ROW, retry after {} (doubling up to {}), {} attempts at most",
            duration(feed.backoff_ms),
            duration(feed.max_backoff_ms),
            feed.max_attempts
        ),
        ProcessorStep::HoldSmallBatches => format!(
            "User-based async scoring for {}: batches of up to {} wait {}, are merged and processed asynchronously, one batch at a time",
            feed.user,
            p.small_batch_threshold,
            duration(p.async_delay_ms)
        ),
        ProcessorStep::AsyncAboveBatchSize => format!(
            "A batch above the scoring batch size ({}) is processed asynchronously, in chunks of that size",
            p.batch_size
        ),
    }
}

/// What became of one step from variant A to variant B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepChangeKind {
    /// In B only.
    Added,
    /// In A only.
    Removed,
    /// A's step at this place reads differently in B.
    Changed,
}

/// One differing step: its text in A (`before`) and in B (`after`), and its number in B's
/// flow (1-based; for a removed step, the number of the step before which it stood).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepChange {
    pub kind: StepChangeKind,
    pub before: Option<String>,
    pub after: Option<String>,
    pub number: usize,
}

/// The differing steps of one flow: a campaign (`Campaign: <name>`) or a system with steps
/// (`Job: <name>`, `Change feed: <name>`, `Integration: <user>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowDiff {
    pub flow: String,
    pub changes: Vec<StepChange>,
}

/// The flows of `b` whose steps differ from `a`'s (at default knobs), in B's order, then
/// the flows only A has. Flows are matched by name.
pub fn variant_differences(scenario: &Scenario, a: &str, b: &str) -> Result<Vec<FlowDiff>, String> {
    let (va, vb) = (campaign_views(scenario, a)?, campaign_views(scenario, b)?);
    Ok(views_differences(&va, &vb))
}

/// The flows of `config`'s variant (B) that differ from variant `other`'s (A), both at
/// `config`'s knob values.
pub fn variant_differences_for(
    scenario: &Scenario,
    config: &RunConfig,
    other: &str,
) -> Result<Vec<FlowDiff>, String> {
    let a = RunConfig {
        variant: Some(other.to_string()),
        ..config.clone()
    };
    Ok(views_differences(
        &campaign_views_for(scenario, &a)?,
        &campaign_views_for(scenario, config)?,
    ))
}

/// As [`variant_differences`], on views already made.
pub fn views_differences(a: &Views, b: &Views) -> Vec<FlowDiff> {
    let (fa, fb) = (flows(a), flows(b));
    let mut out = Vec::new();
    for (name, steps) in &fb {
        let before = fa
            .iter()
            .find(|(n, _)| n == name)
            .map_or(&[][..], |(_, s)| s);
        let changes = diff(before, steps);
        if !changes.is_empty() {
            out.push(FlowDiff {
                flow: name.clone(),
                changes,
            });
        }
    }
    for (name, steps) in &fa {
        if !fb.iter().any(|(n, _)| n == name) && !steps.is_empty() {
            out.push(FlowDiff {
                flow: name.clone(),
                changes: diff(steps, &[]),
            });
        }
    }
    out
}

/// Every flow of a variant, by name: its steps' texts without their numbers.
fn flows(v: &Views) -> Vec<(String, Vec<String>)> {
    let campaigns = v.campaigns.iter().map(|c| {
        let steps = c
            .flow
            .iter()
            .map(|s| {
                let mut t = unnumbered(&s.text).to_string();
                if !s.choices.is_empty() {
                    t = format!("{t} ({})", s.choices.join("; "));
                }
                t
            })
            .collect();
        (format!("Campaign: {}", c.name), steps)
    });
    let systems = v.systems.iter().filter(|s| !s.steps.is_empty()).map(|s| {
        (
            s.name.clone(),
            s.steps.iter().map(|t| unnumbered(t).to_string()).collect(),
        )
    });
    campaigns.chain(systems).collect()
}

/// `3. Send Email` → `Send Email`.
pub fn unnumbered(text: &str) -> &str {
    match text.split_once(". ") {
        Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => text,
    }
}

/// The steps added, removed and changed from `a` to `b` (a longest common subsequence; a
/// removed step next to an added one is a change).
fn diff(a: &[String], b: &[String]) -> Vec<StepChange> {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut removed: Vec<String> = Vec::new();
    let mut added: Vec<(usize, String)> = Vec::new();
    let mut out = Vec::new();
    let flush = |removed: &mut Vec<String>,
                 added: &mut Vec<(usize, String)>,
                 at: usize,
                 out: &mut Vec<StepChange>| {
        let pairs = removed.len().max(added.len());
        for k in 0..pairs {
            let (before, after) = (removed.get(k).cloned(), added.get(k).cloned());
            out.push(match (before, after) {
                (Some(x), Some((num, y))) => StepChange {
                    kind: StepChangeKind::Changed,
                    before: Some(x),
                    after: Some(y),
                    number: num,
                },
                (None, Some((num, y))) => StepChange {
                    kind: StepChangeKind::Added,
                    before: None,
                    after: Some(y),
                    number: num,
                },
                (Some(x), None) => StepChange {
                    kind: StepChangeKind::Removed,
                    before: Some(x),
                    after: None,
                    number: at,
                },
                (None, None) => unreachable!("k < the longer list's length"),
            });
        }
        removed.clear();
        added.clear();
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            flush(&mut removed, &mut added, j + 1, &mut out);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push((j + 1, b[j].clone()));
            j += 1;
        } else {
            removed.push(a[i].clone());
            i += 1;
        }
    }
    flush(&mut removed, &mut added, m + 1, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_swapped_step_is_a_change_and_a_new_one_an_addition() {
        let a = texts(&["GET", "import", "POST"]);
        let b = texts(&["GET", "claim", "import", "POST"]);
        let d = diff(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].kind, d[0].number), (StepChangeKind::Added, 2));
        let c = texts(&["GET", "cas", "import"]);
        let d = diff(&a, &c);
        let kinds: Vec<_> = d.iter().map(|x| (x.kind, x.number)).collect();
        assert_eq!(
            kinds,
            vec![(StepChangeKind::Added, 2), (StepChangeKind::Removed, 4)]
        );
        let d = diff(
            &texts(&["read replica", "lists"]),
            &texts(&["read primary", "lists"]),
        );
        assert_eq!(d[0].kind, StepChangeKind::Changed);
        assert_eq!(d[0].before.as_deref(), Some("read replica"));
        assert!(diff(&a, &a).is_empty());
        assert_eq!(unnumbered("12. Send Email: x. y"), "Send Email: x. y");
        assert_eq!(unnumbered("Wait. 5"), "Wait. 5");
    }
}
