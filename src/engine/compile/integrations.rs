//! The integration systems: the REST API limits, scheduled import jobs and their
//! checkpoints, the response feed into a CRM campaign, and the change feed's consumers.

use super::error::{Place, ScenarioError, Within};
use super::{index_names, Compiler};
use crate::engine::logic::Logic;
use crate::engine::model::{
    limits, ActionModel, ChangeFeedModel, CheckpointModel, Integrations, JobModel,
    ResponseFeedModel, RestModel,
};
use crate::engine::scenario::steps::{steps_or_legacy, ConsumerStep, JobStepDef, ProcessorStep};
use crate::engine::scenario::{
    ChangeFeedDef, JobDef, ResponseFeedDef, ResponseMode, RestApiConfig,
};
use crate::engine::systems::{ResponseConfig, RestLimits, ScoringMode};

impl Compiler<'_> {
    pub(super) fn integrations(&mut self) -> Result<Integrations, ScenarioError> {
        let sys = &self.s.systems;
        let setting = |name: &str| Place::Setting(name.into());
        let mut out = Integrations::default();
        if let Some(r) = &sys.rest_api {
            out.rest = self.rest_api(r).within(setting("rest_api"))?;
        }
        index_names("job", sys.jobs.iter().map(|j| j.name.as_str()))?;
        for j in &sys.jobs {
            let job = self.job(j, &mut out).within(Place::Job(j.name.clone()))?;
            out.jobs.push(job);
        }
        if let Some(f) = &sys.response_feed {
            out.responses = Some(self.response_feed(f).within(setting("response_feed"))?);
        }
        if let Some(f) = &sys.change_feed {
            out.changes = Some(self.change_feed(f).within(setting("change_feed"))?);
        }
        Ok(out)
    }

    fn rest_api(&self, r: &RestApiConfig) -> Result<RestModel, ScenarioError> {
        Ok(RestModel {
            limits: RestLimits {
                rate_limit: self.count_in(&r.rate_limit, "rate_limit", 1, 1_000_000)?,
                rate_window_ms: self.duration_min(&r.rate_window, "rate_window", 1)?,
                max_concurrent: self.count_in(&r.max_concurrent, "max_concurrent", 1, 10_000)?,
                daily_quota: self.count_in(&r.daily_quota, "daily_quota", 1, 100_000_000)?,
            },
            latency: self
                .dist(&r.latency)
                .within(Place::Setting("latency".into()))?,
        })
    }

    fn job(&self, j: &JobDef, out: &mut Integrations) -> Result<JobModel, String> {
        let at = self
            .duration(&j.schedule.at)
            .map_err(|e| format!("schedule at: {e}"))?;
        let every = match &j.schedule.every {
            Some(e) => Some(self.duration_min(e, "schedule every", limits::MIN_RECURRENCE_MS)?),
            None => None,
        };
        let c = &j.checkpoint;
        for (what, v) in [
            ("object", &c.object),
            ("dedupe_field", &c.dedupe_field),
            ("key", &c.key),
            ("field", &c.field),
        ] {
            if v.trim().is_empty() {
                return Err(format!("checkpoint {what} is empty"));
            }
        }
        if c.field == c.dedupe_field {
            return Err(format!(
                "checkpoint field `{}` is the object's dedupe field",
                c.field
            ));
        }
        let record_every = self.duration_min(&j.source.record_every, "source record_every", 1)?;
        let object = match out.objects.iter().position(|(o, _)| *o == c.object) {
            Some(i) if out.objects[i].1 != c.dedupe_field => {
                return Err(format!(
                    "custom object `{}` has dedupe field `{}` in another job, `{}` here",
                    c.object, out.objects[i].1, c.dedupe_field
                ))
            }
            Some(i) => i,
            None => {
                out.objects.push((c.object.clone(), c.dedupe_field.clone()));
                out.objects.len() - 1
            }
        } as u16;
        let checkpoint = match out
            .checkpoints
            .iter()
            .position(|x| x.object == object && x.key == c.key)
        {
            Some(i) => {
                let x = &out.checkpoints[i];
                if x.field != c.field || x.record_every != record_every {
                    return Err(format!(
                        "checkpoint `{}` is shared with another job that uses a different field or record_every",
                        c.key
                    ));
                }
                i
            }
            None => {
                out.checkpoints.push(CheckpointModel {
                    object,
                    key: c.key.clone(),
                    field: c.field.clone(),
                    record_every,
                });
                out.checkpoints.len() - 1
            }
        } as u16;
        let steps = steps_or_legacy(&j.steps, j.strategy.is_some(), || {
            j.strategy.map(JobStepDef::legacy).unwrap_or_default()
        })?;
        if steps.is_empty() {
            return Err("`steps` is missing: list what each run does".into());
        }
        JobStepDef::check(&steps).map_err(|e| format!("steps: {e}"))?;
        Ok(JobModel {
            name: j.name.clone(),
            at,
            every,
            run_time: self
                .dist(&j.run_time)
                .map_err(|e| format!("run_time: {e}"))?,
            cold_ppm: self.ppm(&j.cold_start, "cold_start")?,
            checkpoint,
            steps,
            backoff_ms: self.duration_min(&j.backoff_ms, "backoff_ms", 1)?,
            max_backoff_ms: self.duration_min(&j.max_backoff_ms, "max_backoff_ms", 1)?,
            max_attempts: self.count_in(&j.max_attempts, "max_attempts", 1, 100)?,
            epoch_reset: match &j.epoch_reset {
                Some(d) => Some(self.dist(d).map_err(|e| format!("epoch_reset: {e}"))?),
                None => None,
            },
        })
    }

    fn response_feed(&self, f: &ResponseFeedDef) -> Result<ResponseFeedModel, ScenarioError> {
        if f.name.trim().is_empty() || f.campaign.trim().is_empty() {
            return Err("`name` and `campaign` must not be empty".into());
        }
        let batch_size = self.count_in(&f.batch_size, "batch_size", 1, 100_000)?;
        let switched = f.mode != ResponseMode::Synchronous || f.async_above_batch_size;
        let steps = steps_or_legacy(&f.steps, switched, || {
            ProcessorStep::legacy(f.mode, f.async_above_batch_size)
        })?;
        ProcessorStep::check(&steps).map_err(|e| format!("steps: {e}"))?;
        let processor = ResponseConfig {
            default_mode: ScoringMode::Synchronous,
            sync_cpu_limit_ms: self.duration_min(&f.sync_cpu_limit, "sync_cpu_limit", 1)?,
            async_cpu_limit_ms: self.duration_min(&f.async_cpu_limit, "async_cpu_limit", 1)?,
            cpu_per_record_ms: self.duration_min(&f.cpu_per_record, "cpu_per_record", 0)?,
            batch_size,
            async_above_batch_size: steps.contains(&ProcessorStep::AsyncAboveBatchSize),
            async_users: if steps.contains(&ProcessorStep::HoldSmallBatches) {
                [f.name.clone()].into()
            } else {
                Default::default()
            },
            small_batch_threshold: self.count_in(&f.small_batch, "small_batch", 0, 100_000)?,
            async_delay_ms: self.duration_min(&f.async_delay, "async_delay", 0)?,
        };
        Ok(ResponseFeedModel {
            user: f.name.clone(),
            campaign: f.campaign.clone(),
            count: self.count_in(&f.count, "count", 1, 100_000)?,
            window: self
                .dist(&f.window)
                .within(Place::Setting("window".into()))?,
            batch_records: self.count_in(&f.batch_records, "batch_records", 1, 100_000)?,
            steps,
            lock_wait_timeout_ms: self.duration_min(
                &f.lock_wait_timeout,
                "lock_wait_timeout",
                0,
            )?,
            max_attempts: self.count_in(&f.max_attempts, "max_attempts", 1, 100)?,
            backoff_ms: self.duration_min(&f.backoff_ms, "backoff_ms", 1)?,
            max_backoff_ms: self.duration_min(&f.max_backoff_ms, "max_backoff_ms", 1)?,
            processor,
            second_writer: match &f.second_writer {
                Some(w) => {
                    let at = || Place::Setting("second_writer".into());
                    if w.name.trim().is_empty() || w.name == f.name {
                        let what = "`name` must be set and differ from the feed's user";
                        return Err(ScenarioError::from(what).at(at()));
                    }
                    let count = self.count_in(&w.count, "count", 1, 100_000).within(at())?;
                    Some((w.name.clone(), count, self.dist(&w.window).within(at())?))
                }
                None => None,
            },
        })
    }

    fn change_feed(&mut self, f: &ChangeFeedDef) -> Result<ChangeFeedModel, ScenarioError> {
        if f.fields.is_empty() {
            return Err("`fields` must name at least one published field".into());
        }
        let in_fields = || Place::Setting("fields".into());
        let mut fields = Vec::new();
        for name in &f.fields {
            let id = self.field(name).within(in_fields())?;
            if fields.contains(&id) {
                return Err(
                    ScenarioError::from(format!("`{name}` is listed twice")).at(in_fields())
                );
            }
            fields.push(id);
        }
        let mut lists = Vec::new();
        for (i, d) in f.lists.iter().enumerate() {
            let entry = || Place::ListsEntry(i + 1, d.list.clone());
            let l = self.list(&d.list).within(entry())?;
            if lists.iter().any(|(x, _, _)| *x == l) {
                return Err(ScenarioError::from("the list is listed twice").at(entry()));
            }
            let fs = self.filters(&d.when).within(entry())?;
            let logic = Logic::parse(d.logic.as_deref(), fs.len()).within(entry())?;
            lists.push((l, fs, logic));
        }
        let action = match &f.action {
            Some(b) => {
                let in_action = || Place::Setting("action".into());
                let fs = self.filters(&b.when).within(in_action())?;
                let logic = Logic::parse(b.logic.as_deref(), fs.len()).within(in_action())?;
                let a = self.action(&b.then).within(in_action())?;
                if !matches!(
                    a,
                    ActionModel::SendEmail(_)
                        | ActionModel::SendAlert(_)
                        | ActionModel::RequestCampaign(_)
                ) {
                    let what = "`then` must be send_email, send_alert or request_campaign";
                    return Err(ScenarioError::from(what).at(in_action()));
                }
                if let ActionModel::RequestCampaign(c) = a {
                    self.api_requestable(c).within(in_action())?;
                }
                Some((fs, logic, a))
            }
            None => None,
        };
        let (has_lists, has_action) = (!lists.is_empty(), action.is_some());
        let steps = steps_or_legacy(&f.steps, f.version_check || f.idempotent, || {
            ConsumerStep::legacy(f.version_check, f.idempotent, has_lists, has_action)
        })?;
        ConsumerStep::check(&steps, has_lists, has_action)
            .map_err(|e| ScenarioError::from(e).at(Place::Setting("steps".into())))?;
        Ok(ChangeFeedModel {
            name: f.name.clone(),
            fields,
            replica_lag: self
                .dist(&f.replica_lag)
                .within(Place::Setting("replica_lag".into()))?,
            visibility_timeout_ms: self.duration_min(
                &f.visibility_timeout,
                "visibility_timeout",
                1,
            )?,
            redelivery_ppm: self.ppm(&f.redelivery, "redelivery")?,
            consumers: self.count_in(&f.consumers, "consumers", 1, 1_000)?,
            processing_time: self
                .dist(&f.processing_time)
                .within(Place::Setting("processing_time".into()))?,
            steps,
            lists,
            action,
        })
    }
}
