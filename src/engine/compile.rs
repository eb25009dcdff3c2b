//! Validation and compilation: a scenario, a variant and knob overrides become a [`Model`].
//!
//! Every check a user can fail gives a message that says what is wrong and where, e.g.
//! `campaign "Send Alert", flow step 2: unknown list "Awaiting Owner"`.

use super::dist::Dist;
use super::knobs::{check_knob, KnobValues, Param, ParamUse, Unit};
use super::logic::Logic;
use super::model::*;
use super::scenario::*;
use super::systems::{ResponseConfig, RestLimits, ScoringMode};
use super::value::{Symbols, Test, Value};
use std::collections::BTreeMap;

/// What to compile: a variant name (or none for the scenario as written) and knob values.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    pub variant: Option<String>,
    pub knobs: BTreeMap<String, i64>,
}

/// Applies `variant` to `scenario` and compiles the result.
pub fn compile(scenario: &Scenario, config: &RunConfig) -> Result<Model, String> {
    let (applied, variant_name, variant_knobs) =
        apply_variant(scenario, config.variant.as_deref())?;
    let mut overrides = variant_knobs;
    overrides.extend(config.knobs.iter().map(|(k, v)| (k.clone(), *v)));
    let knobs = KnobValues::resolve(&applied.knobs, &overrides)?;
    Compiler::new(&applied, knobs)?.finish(variant_name)
}

/// Checks a scenario and every one of its variants at default knobs.
pub fn validate(scenario: &Scenario) -> Result<(), String> {
    compile(scenario, &RunConfig::default())?;
    for v in &scenario.variants {
        let cfg = RunConfig {
            variant: Some(v.name.clone()),
            ..RunConfig::default()
        };
        compile(scenario, &cfg).map_err(|e| format!("variant `{}`: {e}", v.name))?;
    }
    Ok(())
}

fn apply_variant(
    scenario: &Scenario,
    variant: Option<&str>,
) -> Result<(Scenario, String, BTreeMap<String, i64>), String> {
    let mut s = scenario.clone();
    let Some(name) = variant else {
        return Ok((s, "base".to_string(), BTreeMap::new()));
    };
    let v = scenario
        .variants
        .iter()
        .find(|v| v.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = scenario.variants.iter().map(|v| v.name.as_str()).collect();
            format!("unknown variant `{name}` (variants: {})", names.join(", "))
        })?;
    for c in &v.campaigns {
        match s.campaigns.iter_mut().find(|x| x.name == c.name) {
            Some(slot) => *slot = c.clone(),
            None => s.campaigns.push(c.clone()),
        }
    }
    for w in &v.webhooks {
        match s.systems.webhooks.iter_mut().find(|x| x.name == w.name) {
            Some(slot) => *slot = w.clone(),
            None => s.systems.webhooks.push(w.clone()),
        }
    }
    let ctx = |what: &str, e: String| format!("variant `{name}`, {what}: {e}");
    for patch in &v.jobs {
        let job = patch
            .get("name")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("variant `{name}`: a job change needs the job's `name`"))?;
        let what = format!("job `{job}`");
        match s.systems.jobs.iter_mut().find(|x| x.name == job) {
            Some(slot) => *slot = patched(Some(&*slot), patch).map_err(|e| ctx(&what, e))?,
            None => s
                .systems
                .jobs
                .push(patched(None, patch).map_err(|e| ctx(&what, e))?),
        }
    }
    if let Some(patch) = &v.rest_api {
        let base = s.systems.rest_api.clone().unwrap_or_default();
        s.systems.rest_api = Some(patched(Some(&base), patch).map_err(|e| ctx("rest_api", e))?);
    }
    if let Some(patch) = &v.response_feed {
        let feed = patched(s.systems.response_feed.as_ref(), patch);
        s.systems.response_feed = Some(feed.map_err(|e| ctx("response_feed", e))?);
    }
    if let Some(patch) = &v.change_feed {
        let feed = patched(s.systems.change_feed.as_ref(), patch);
        s.systems.change_feed = Some(feed.map_err(|e| ctx("change_feed", e))?);
    }
    for d in &v.deactivate {
        let c = s
            .campaigns
            .iter_mut()
            .find(|c| &c.name == d)
            .ok_or_else(|| format!("variant `{name}` deactivates unknown campaign `{d}`"))?;
        c.active = false;
    }
    Ok((s, name.to_string(), v.knobs.clone()))
}

/// `base` (if any) with a JSON merge patch (RFC 7386) applied: objects merge key by key,
/// `null` removes a key, anything else replaces.
fn patched<T: serde::Serialize + serde::de::DeserializeOwned>(
    base: Option<&T>,
    patch: &Json,
) -> Result<T, String> {
    fn merge(target: &mut Json, patch: &Json) {
        let Json::Object(p) = patch else {
            *target = patch.clone();
            return;
        };
        if !target.is_object() {
            *target = Json::Object(Default::default());
        }
        let Json::Object(t) = target else { return };
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge(t.entry(k.clone()).or_insert(Json::Null), v);
            }
        }
    }
    let mut value = match base {
        Some(b) => serde_json::to_value(b).map_err(|e| e.to_string())?,
        None => Json::Null,
    };
    merge(&mut value, patch);
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// A text table that already holds the words the simulator uses at run time, so that runs
/// rarely need their own copy.
fn runtime_symbols() -> Symbols {
    let mut syms = Symbols::default();
    for word in ["ok", "value", "manual", "true", "false"] {
        syms.intern(word);
    }
    syms
}

struct Compiler<'a> {
    s: &'a Scenario,
    knobs: KnobValues,
    syms: Symbols,
    fields: BTreeMap<&'a str, FieldId>,
    lists: BTreeMap<&'a str, ListId>,
    campaigns: BTreeMap<&'a str, CampaignId>,
    programs: BTreeMap<&'a str, ProgramId>,
    webhooks: BTreeMap<&'a str, WebhookId>,
}

fn index_names<'a>(
    what: &str,
    names: impl Iterator<Item = &'a str>,
) -> Result<BTreeMap<&'a str, u16>, String> {
    let mut map = BTreeMap::new();
    for (i, n) in names.enumerate() {
        if n.trim().is_empty() {
            return Err(format!("a {what} has an empty name"));
        }
        if map.insert(n, i as u16).is_some() {
            return Err(format!("two {what}s are named `{n}`"));
        }
    }
    Ok(map)
}

fn unknown(what: &str, name: &str, known: &BTreeMap<&str, u16>) -> String {
    let names: Vec<&str> = known.keys().copied().collect();
    if names.is_empty() {
        format!("unknown {what} `{name}` (the scenario declares none)")
    } else {
        format!("unknown {what} `{name}` (known: {})", names.join(", "))
    }
}

impl<'a> Compiler<'a> {
    fn new(s: &'a Scenario, knobs: KnobValues) -> Result<Self, String> {
        if s.id.is_empty()
            || !s
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(format!(
                "scenario id `{}` must be lowercase letters, digits and dashes",
                s.id
            ));
        }
        for k in &s.knobs {
            check_knob(k)?;
        }
        index_names("knob", s.knobs.iter().map(|k| k.name.as_str()))?;
        index_names("variant", s.variants.iter().map(|v| v.name.as_str()))?;
        if s.campaigns.len() > limits::MAX_CAMPAIGNS {
            return Err(format!(
                "{} campaigns: at most {} are allowed",
                s.campaigns.len(),
                limits::MAX_CAMPAIGNS
            ));
        }
        Ok(Self {
            s,
            knobs,
            syms: runtime_symbols(),
            fields: index_names("field", s.fields.iter().map(|f| f.name.as_str()))?,
            lists: index_names("list", s.lists.iter().map(|l| l.as_str()))?,
            campaigns: index_names("campaign", s.campaigns.iter().map(|c| c.name.as_str()))?,
            programs: index_names("program", s.programs.iter().map(|p| p.name.as_str()))?,
            webhooks: index_names(
                "webhook",
                s.systems.webhooks.iter().map(|w| w.name.as_str()),
            )?,
        })
    }

    fn finish(mut self, variant: String) -> Result<Model, String> {
        let s = self.s;
        let horizon = self
            .duration(&s.horizon)
            .map_err(|e| format!("horizon: {e}"))?;
        if horizon == 0 || horizon > limits::MAX_HORIZON_MS {
            return Err(format!(
                "horizon {horizon} ms must be between 1 ms and 400 days"
            ));
        }
        let people = self.people()?;
        let programs = self.programs()?;
        let campaigns = s
            .campaigns
            .iter()
            .map(|c| {
                self.campaign(c)
                    .map_err(|e| format!("campaign `{}`: {e}", c.name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        check_execute_graph(&campaigns)?;
        let webhooks = s
            .systems
            .webhooks
            .iter()
            .map(|w| {
                self.webhook(w)
                    .map_err(|e| format!("webhook `{}`: {e}", w.name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let crm = match &s.systems.crm {
            Some(c) => Some(self.crm(c).map_err(|e| format!("crm: {e}"))?),
            None => None,
        };
        let queue = self
            .queue(&s.systems.queue)
            .map_err(|e| format!("queue: {e}"))?;
        let integrations = self.integrations()?;
        let script = self.script(people.len())?;
        let invariants = s
            .invariants
            .iter()
            .enumerate()
            .map(|(i, inv)| {
                self.invariant(inv)
                    .map_err(|e| format!("invariant {}: {e}", i + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Model {
            scenario_id: s.id.clone(),
            title: s.title.clone(),
            variant,
            email_field: self.fields.get("email").copied(),
            owner_field: crm
                .as_ref()
                .map(|c| c.owner_field)
                .or_else(|| self.fields.get("owner").copied()),
            knobs: self.knobs,
            syms: self.syms,
            fields: s.fields.clone(),
            people,
            lists: s.lists.clone(),
            programs,
            campaigns,
            webhooks,
            crm,
            queue,
            script,
            invariants,
            horizon,
            integrations,
        })
    }

    // ---- numbers -------------------------------------------------------------------

    fn param(&self, p: &Param, usage: ParamUse) -> Result<i64, String> {
        if let Param::Knob(name) = p {
            let k = self
                .s
                .knobs
                .iter()
                .find(|k| &k.name == name)
                .ok_or_else(|| format!("unknown knob `{name}`"))?;
            let ok = match usage {
                ParamUse::DurationMs => k.unit.ms_factor().is_some(),
                ParamUse::Count => k.unit == Unit::Count,
                ParamUse::Ppm => matches!(k.unit, Unit::Percent | Unit::Count),
            };
            if !ok {
                return Err(format!(
                    "knob `{name}` has unit {:?}, which does not fit here",
                    k.unit
                ));
            }
        }
        Ok(self.knobs.get(p, usage))
    }

    fn duration(&self, p: &Param) -> Result<u64, String> {
        let v = self.param(p, ParamUse::DurationMs)?;
        u64::try_from(v).map_err(|_| format!("{v} is not a valid duration"))
    }

    fn dist(&self, d: &Dist) -> Result<Dist, String> {
        for p in d.params() {
            self.duration(p)?;
        }
        if let Dist::Empirical(v) = d {
            if v.is_empty() {
                return Err("an empirical distribution needs at least one value".into());
            }
        }
        Ok(d.clone())
    }

    /// A representative value of a delay, for queue priority (a Wait over 5 min is low).
    fn nominal_ms(&self, d: &Dist) -> u64 {
        match d {
            Dist::Fixed(p) => self.knobs.ms(p),
            Dist::Uniform { max, .. } => self.knobs.ms(max),
            Dist::Exponential { mean, .. } => self.knobs.ms(mean),
            Dist::Empirical(v) => v.iter().map(|p| self.knobs.ms(p)).max().unwrap_or(0),
        }
    }

    // ---- names -------------------------------------------------------------------

    fn field(&self, n: &str) -> Result<FieldId, String> {
        self.fields
            .get(n)
            .copied()
            .ok_or_else(|| unknown("field", n, &self.fields))
    }
    fn list(&self, n: &str) -> Result<ListId, String> {
        self.lists
            .get(n)
            .copied()
            .ok_or_else(|| unknown("list", n, &self.lists))
    }
    fn campaign_id(&self, n: &str) -> Result<CampaignId, String> {
        self.campaigns
            .get(n)
            .copied()
            .ok_or_else(|| unknown("campaign", n, &self.campaigns))
    }
    fn program(&self, n: &str) -> Result<ProgramId, String> {
        self.programs
            .get(n)
            .copied()
            .ok_or_else(|| unknown("program", n, &self.programs))
    }
    fn status(&self, program: ProgramId, status: &str) -> Result<u16, String> {
        let p = &self.s.programs[program as usize];
        p.statuses
            .iter()
            .position(|st| st.name == status)
            .map(|i| i as u16)
            .ok_or_else(|| format!("program `{}` has no status `{status}`", p.name))
    }
    fn value(&mut self, field: FieldId, j: &Json) -> Result<Value, String> {
        let f = &self.s.fields[field as usize];
        self.syms
            .from_json(j, f.kind)
            .map_err(|e| format!("field `{}`: {e}", f.name))
    }
    fn test(&mut self, field: FieldId, t: &FieldTest) -> Result<Test, String> {
        let f = &self.s.fields[field as usize];
        Test::compile(t, f.kind, &mut self.syms).map_err(|e| format!("field `{}`: {e}", f.name))
    }

    // ---- parts -------------------------------------------------------------------

    fn people(&mut self) -> Result<Vec<PersonInit>, String> {
        let mut out = Vec::new();
        for (gi, g) in self.s.people.iter().enumerate() {
            let count = self
                .param(&g.count, ParamUse::Count)
                .map_err(|e| format!("people group {}: {e}", gi + 1))?;
            if count < 0 || out.len() + count as usize > limits::MAX_PEOPLE {
                return Err(format!(
                    "too many people: at most {} per scenario",
                    limits::MAX_PEOPLE
                ));
            }
            let mut template = Vec::new();
            for (name, j) in &g.fields {
                let f = self
                    .field(name)
                    .map_err(|e| format!("people group {}: {e}", gi + 1))?;
                template.push((f, j));
            }
            for _ in 0..count {
                let n = out.len() + 1;
                let mut fields = vec![Value::Empty; self.s.fields.len()];
                for (f, j) in &template {
                    let j = match j {
                        Json::String(t) if t.contains("{n}") => {
                            Json::String(t.replace("{n}", &n.to_string()))
                        }
                        other => (*other).clone(),
                    };
                    fields[*f as usize] = self
                        .value(*f, &j)
                        .map_err(|e| format!("people group {}: {e}", gi + 1))?;
                }
                out.push(PersonInit {
                    exists: !g.unborn,
                    fields,
                });
            }
        }
        Ok(out)
    }

    fn programs(&self) -> Result<Vec<Program>, String> {
        self.s
            .programs
            .iter()
            .map(|p| {
                if p.statuses.is_empty() {
                    return Err(format!("program `{}` has no statuses", p.name));
                }
                index_names("status", p.statuses.iter().map(|s| s.name.as_str()))
                    .map_err(|e| format!("program `{}`: {e}", p.name))?;
                Ok(Program {
                    name: p.name.clone(),
                    statuses: p
                        .statuses
                        .iter()
                        .map(|s| (s.name.clone(), s.step))
                        .collect(),
                })
            })
            .collect()
    }

    fn campaign(&mut self, c: &Campaign) -> Result<CampaignModel, String> {
        let schedule = match &c.schedule {
            Some(sch) => {
                if !c.smart_list.triggers.is_empty() {
                    return Err("a batch campaign (with a schedule) cannot have triggers".into());
                }
                let at = self.duration(&sch.at)?;
                let every = match &sch.every {
                    Some(e) => {
                        let e = self.duration(e)?;
                        if e < limits::MIN_RECURRENCE_MS {
                            return Err(format!("recurs every {e} ms: the minimum is one minute"));
                        }
                        Some(e)
                    }
                    None => None,
                };
                Some((at, every))
            }
            None => None,
        };
        if c.flow.len() > limits::MAX_FLOW_STEPS {
            return Err(format!(
                "{} flow steps: at most {}",
                c.flow.len(),
                limits::MAX_FLOW_STEPS
            ));
        }
        let triggers = c
            .smart_list
            .triggers
            .iter()
            .map(|t| self.trigger(t))
            .collect::<Result<Vec<_>, _>>()?;
        let filters = self.filters(&c.smart_list.filters)?;
        let logic = Logic::parse(c.smart_list.logic.as_deref(), filters.len())?;
        let qualification = match &c.qualification {
            super::scenario::Qualification::Once => super::model::Qualification::Once,
            super::scenario::Qualification::EveryTime => super::model::Qualification::EveryTime,
            super::scenario::Qualification::OnceEvery(p) => {
                super::model::Qualification::EveryMs(self.duration(p)?)
            }
        };
        let queue = if schedule.is_some() {
            QueueKind::Batch
        } else {
            QueueKind::Trigger
        };
        let flow = c
            .flow
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let action = self
                    .action(a)
                    .map_err(|e| format!("flow step {}: {e}", i + 1))?;
                let priority = self.priority(&action, queue);
                Ok(StepModel { action, priority })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(CampaignModel {
            name: c.name.clone(),
            active: c.active,
            triggers,
            filters,
            logic,
            schedule,
            qualification,
            flow,
        })
    }

    fn priority(&self, a: &ActionModel, queue: QueueKind) -> Priority {
        use ActionModel as A;
        match a {
            A::SendEmail(_) if queue == QueueKind::Trigger => Priority::High,
            A::SendAlert(_) => Priority::High,
            A::ChangeDataValue(..) | A::ChangeScore(..) | A::CallWebhook(_) => Priority::Low,
            A::Wait(d) if self.nominal_ms(d) > 5 * 60_000 => Priority::Low,
            A::Choice { default, .. } => self.priority(default, queue),
            _ => Priority::Medium,
        }
    }

    fn trigger(&mut self, t: &Trigger) -> Result<TriggerModel, String> {
        Ok(match t {
            Trigger::PersonIsCreated => TriggerModel::PersonIsCreated,
            Trigger::FillsOutForm { form } => {
                TriggerModel::FillsOutForm(form.as_deref().map(|f| self.syms.intern(f)))
            }
            Trigger::DataValueChanges {
                field,
                new_value,
                previous_value,
            } => {
                let f = self.field(field)?;
                TriggerModel::DataValueChanges {
                    field: f,
                    new_value: new_value.as_ref().map(|t| self.test(f, t)).transpose()?,
                    previous_value: previous_value
                        .as_ref()
                        .map(|t| self.test(f, t))
                        .transpose()?,
                }
            }
            Trigger::AddedToList(l) => TriggerModel::AddedToList(self.list(l)?),
            Trigger::RemovedFromList(l) => TriggerModel::RemovedFromList(self.list(l)?),
            Trigger::CampaignIsRequested { source } => TriggerModel::CampaignIsRequested(*source),
            Trigger::ProgramStatusIsChanged {
                program,
                new_status,
            } => {
                let p = self.program(program)?;
                TriggerModel::ProgramStatusIsChanged {
                    program: p,
                    status: new_status
                        .as_deref()
                        .map(|s| self.status(p, s))
                        .transpose()?,
                }
            }
            Trigger::ScoreIsChanged(f) => TriggerModel::ScoreIsChanged(self.number_field(f)?),
        })
    }

    fn number_field(&self, name: &str) -> Result<FieldId, String> {
        let f = self.field(name)?;
        if self.s.fields[f as usize].kind != FieldType::Number {
            return Err(format!("field `{name}` is not a number field"));
        }
        Ok(f)
    }

    fn filters(&mut self, fs: &[Filter]) -> Result<Vec<FilterModel>, String> {
        fs.iter()
            .enumerate()
            .map(|(i, f)| self.filter(f).map_err(|e| format!("filter {}: {e}", i + 1)))
            .collect()
    }

    fn filter(&mut self, f: &Filter) -> Result<FilterModel, String> {
        Ok(match f {
            Filter::Field { field, test } => {
                let id = self.field(field)?;
                FilterModel::Field(id, self.test(id, test)?)
            }
            Filter::MemberOfList { list, member } => {
                FilterModel::MemberOfList(self.list(list)?, *member)
            }
            Filter::ProgramStatus {
                program,
                status,
                is,
            } => {
                let p = self.program(program)?;
                FilterModel::ProgramStatus(p, self.status(p, status)?, *is)
            }
            Filter::MemberOfCampaign { campaign, member } => {
                FilterModel::MemberOfCampaign(self.campaign_id(campaign)?, *member)
            }
        })
    }

    fn action(&mut self, a: &Action) -> Result<ActionModel, String> {
        use ActionModel as M;
        Ok(match a {
            Action::ChangeDataValue { field, value } => {
                let f = self.field(field)?;
                M::ChangeDataValue(f, self.value(f, value)?)
            }
            Action::ChangeScore { field, change } => {
                let f = self.number_field(field)?;
                M::ChangeScore(f, self.param(change, ParamUse::Count)?)
            }
            Action::AddToList(l) => M::AddToList(self.list(l)?),
            Action::RemoveFromList(l) => M::RemoveFromList(self.list(l)?),
            Action::ChangeProgramStatus { program, status } => {
                let p = self.program(program)?;
                M::ChangeProgramStatus(p, self.status(p, status)?)
            }
            Action::RequestCampaign(c) => M::RequestCampaign(self.campaign_id(c)?),
            Action::ExecuteCampaign(c) => M::ExecuteCampaign(self.campaign_id(c)?),
            Action::Wait(d) => M::Wait(self.dist(d)?),
            Action::SendEmail(e) => M::SendEmail(self.syms.intern(e)),
            Action::SendAlert(e) => M::SendAlert(self.syms.intern(e)),
            Action::CallWebhook(w) => M::CallWebhook(
                self.webhooks
                    .get(w.as_str())
                    .copied()
                    .ok_or_else(|| unknown("webhook", w, &self.webhooks))?,
            ),
            Action::SyncPersonToCrm => {
                if self.s.systems.crm.is_none() {
                    return Err("Sync Person to CRM needs a `crm` in systems".into());
                }
                M::SyncPersonToCrm
            }
            Action::RemoveFromFlow => M::RemoveFromFlow,
            Action::DoNothing => M::DoNothing,
            Action::Choice { branches, default } => {
                if branches.is_empty() {
                    return Err("a choice needs at least one branch".into());
                }
                let mut out = Vec::new();
                for (i, b) in branches.iter().enumerate() {
                    let fs = self
                        .filters(&b.when)
                        .map_err(|e| format!("choice {}: {e}", i + 1))?;
                    let logic = Logic::parse(b.logic.as_deref(), fs.len())?;
                    if matches!(b.then, Action::Choice { .. }) {
                        return Err("a choice cannot contain another choice".into());
                    }
                    out.push((fs, logic, self.action(&b.then)?));
                }
                M::Choice {
                    branches: out,
                    default: Box::new(self.action(default)?),
                }
            }
        })
    }

    fn webhook(&mut self, w: &WebhookDef) -> Result<Webhook, String> {
        let failure_ppm = self.param(&w.failure, ParamUse::Ppm)?;
        if !(0..=1_000_000).contains(&failure_ppm) {
            return Err(format!(
                "failure probability {failure_ppm} ppm is not between 0 and 100%"
            ));
        }
        let service = match &w.service {
            Service::Respond(values) => {
                let mut out = Vec::new();
                for (attr, j) in values {
                    let src = match j.get("from_field").and_then(|v| v.as_str()) {
                        Some(f) => Source::Field(self.field(f)?),
                        None => Source::Value(self.json_value(j)?),
                    };
                    out.push((self.syms.intern(attr), src));
                }
                ServiceModel::Respond(out)
            }
            Service::KeyValue(op) => ServiceModel::KeyValue(self.kv(op)?),
        };
        let mut mappings = Vec::new();
        for (attr, field) in &w.response_mappings {
            mappings.push((self.syms.intern(attr), self.field(field)?));
        }
        Ok(Webhook {
            name: w.name.clone(),
            latency: self.dist(&w.latency)?,
            failure_ppm: failure_ppm as u32,
            timeout_ms: self.duration(&w.timeout)?,
            service,
            mappings,
        })
    }

    /// A literal whose type follows JSON (text, number, bool, null).
    fn json_value(&mut self, j: &Json) -> Result<Value, String> {
        let kind = match j {
            Json::Number(_) => FieldType::Number,
            Json::Bool(_) => FieldType::Bool,
            _ => FieldType::Text,
        };
        self.syms.from_json(j, kind)
    }

    fn kv(&mut self, op: &KvOp) -> Result<KvOpModel, String> {
        let (key, expected, value) = match op {
            KvOp::Get { key } | KvOp::Pop { key } => (key, &Json::Null, &Json::Null),
            KvOp::Set { key, value } | KvOp::Push { key, value } => (key, &Json::Null, value),
            KvOp::Cas { key, expected, new } => (key, expected, new),
        };
        Ok(KvOpModel {
            op: op.clone(),
            key: self.key_template(key)?,
            expected: self.json_value(expected)?,
            value: self.json_value(value)?,
        })
    }

    fn key_template(&self, t: &str) -> Result<Vec<KeyPart>, String> {
        let mut parts = Vec::new();
        let mut rest = t;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(KeyPart::Text(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("key `{t}`: missing `}}`"))?
                + open;
            let inner = &rest[open + 1..close];
            parts.push(match inner.split_once(':') {
                None if inner == "person" => KeyPart::Person,
                Some(("field", f)) => KeyPart::Field(self.field(f)?),
                Some(("list_entry", l)) => KeyPart::ListEntry(self.list(l)?),
                _ => return Err(format!("key `{t}`: unknown placeholder `{{{inner}}}`")),
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(KeyPart::Text(rest.to_string()));
        }
        Ok(parts)
    }

    fn crm(&mut self, c: &CrmConfig) -> Result<Crm, String> {
        let owner_field = self.field(&c.owner_field)?;
        if self.s.fields[owner_field as usize].kind != FieldType::Text {
            return Err(format!(
                "owner field `{}` must be a text field",
                c.owner_field
            ));
        }
        let sync_interval_ms = self.duration(&c.sync_interval)?;
        if sync_interval_ms < 1_000 {
            return Err("the sync interval must be at least one second".into());
        }
        let mut rules = Vec::new();
        for (i, r) in c.assignment_rules.iter().enumerate() {
            let fs = self
                .filters(&r.when)
                .map_err(|e| format!("assignment rule {}: {e}", i + 1))?;
            rules.push((fs, self.syms.intern(&r.owner), self.syms.intern(&r.queue)));
        }
        Ok(Crm {
            push_latency: self.dist(&c.push_latency)?,
            sync_interval_ms,
            assignment_delay: self.dist(&c.assignment_delay)?,
            rules,
            default_owner: c.default_owner.as_deref().map(|o| self.syms.intern(o)),
            owner_field,
        })
    }

    fn queue(&self, q: &QueueConfig) -> Result<Queue, String> {
        let count = |p: &Param, what: &str| -> Result<u32, String> {
            let v = self.param(p, ParamUse::Count)?;
            if !(1..=1000).contains(&v) {
                return Err(format!("{what} = {v}: must be 1 to 1000"));
            }
            Ok(v as u32)
        };
        Ok(Queue {
            workers: [
                count(&q.trigger_workers, "trigger workers")?,
                count(&q.batch_workers, "batch workers")?,
            ],
            step_time: self.dist(&q.step_time)?,
            trigger_delay: self.dist(&q.trigger_delay)?,
            request_cap: count(&q.request_cap, "request cap")?,
        })
    }

    fn script(&mut self, people: usize) -> Result<Vec<Scripted>, String> {
        let mut out = Vec::new();
        let mut expanded = 0usize;
        for (i, e) in self.s.script.iter().enumerate() {
            let ctx = |m: String| format!("scripted event {} ({}): {m}", i + 1, e.label);
            let range = match e.people {
                PeopleSelector::All if people == 0 => None,
                PeopleSelector::All => Some((0, people as u32 - 1)),
                PeopleSelector::One(n) => Some((n.wrapping_sub(1), n.wrapping_sub(1))),
                PeopleSelector::Range { first, last } => {
                    Some((first.wrapping_sub(1), last.wrapping_sub(1)))
                }
                PeopleSelector::None => None,
            };
            if let Some((a, b)) = range {
                if a > b || b as usize >= people {
                    return Err(ctx(format!(
                        "people {}..{} do not exist (the scenario has {people})",
                        a.wrapping_add(1),
                        b.wrapping_add(1)
                    )));
                }
                expanded += (b - a + 1) as usize;
            } else {
                expanded += 1;
            }
            let event = match &e.event {
                OutsideEvent::FillsOutForm(f) => OutsideModel::FillsOutForm(self.syms.intern(f)),
                OutsideEvent::AddToList(l) => OutsideModel::AddToList(self.list(l).map_err(ctx)?),
                OutsideEvent::ChangeDataValue { field, value } => {
                    let f = self.field(field).map_err(ctx)?;
                    OutsideModel::ChangeDataValue(f, self.value(f, value).map_err(ctx)?)
                }
                OutsideEvent::RequestCampaign(c) => {
                    OutsideModel::RequestCampaign(self.campaign_id(c).map_err(ctx)?)
                }
                OutsideEvent::RunBatchCampaign(c) => {
                    let id = self.campaign_id(c).map_err(ctx)?;
                    if self.s.campaigns[id as usize].schedule.is_none() {
                        return Err(ctx(format!("`{c}` is not a batch campaign")));
                    }
                    OutsideModel::RunBatchCampaign(id)
                }
                OutsideEvent::AssignOwnerInCrm(o) => {
                    if self.s.systems.crm.is_none() {
                        return Err(ctx(
                            "assigning an owner in the CRM needs a `crm` in systems".into(),
                        ));
                    }
                    OutsideModel::AssignOwnerInCrm(self.syms.intern(o))
                }
            };
            let needs_person = !matches!(event, OutsideModel::RunBatchCampaign(_));
            if needs_person && range.is_none() {
                return Err(ctx("this event needs people".into()));
            }
            out.push(Scripted {
                label: e.label.clone(),
                at: self.dist(&e.at).map_err(ctx)?,
                people: if needs_person { range } else { None },
                event,
            });
        }
        if expanded > limits::MAX_SCRIPTED {
            return Err(format!(
                "{expanded} scripted events: at most {}",
                limits::MAX_SCRIPTED
            ));
        }
        Ok(out)
    }

    fn invariant(&mut self, inv: &Invariant) -> Result<InvariantModel, String> {
        Ok(match inv {
            Invariant::OneEmailPerEntry { list, email } => InvariantModel::OneEmailPerEntry {
                list: self.list(list)?,
                email: self.syms.intern(email),
            },
            Invariant::NoEntryLost { list, email } => InvariantModel::NoEntryLost {
                list: self.list(list)?,
                email: self.syms.intern(email),
            },
            Invariant::AlertHasRecipient => InvariantModel::AlertHasRecipient,
            Invariant::CrmSyncAfter { field } => InvariantModel::CrmSyncAfter {
                field: self.field(field)?,
            },
            Invariant::StageNeverRegresses { field, order } => {
                let f = self.field(field)?;
                let order = order
                    .iter()
                    .map(|s| self.value(f, &Json::String(s.clone())))
                    .collect::<Result<Vec<_>, _>>()?;
                InvariantModel::StageNeverRegresses { field: f, order }
            }
            Invariant::CheckpointMonotonic | Invariant::NoDuplicateImport => {
                if self.s.systems.jobs.is_empty() {
                    return Err("this invariant watches jobs: add `jobs` to systems".into());
                }
                match inv {
                    Invariant::CheckpointMonotonic => InvariantModel::CheckpointMonotonic,
                    _ => InvariantModel::NoDuplicateImport,
                }
            }
            Invariant::NoResponseLost => {
                if self.s.systems.response_feed.is_none() {
                    return Err(
                        "no_response_lost watches the response feed: add `response_feed` to systems"
                            .into(),
                    );
                }
                InvariantModel::NoResponseLost
            }
            Invariant::NoStaleDecision | Invariant::NoDuplicateAction => {
                if self.s.systems.change_feed.is_none() {
                    return Err(
                        "this invariant watches change-feed consumers: add `change_feed` to systems"
                            .into(),
                    );
                }
                match inv {
                    Invariant::NoStaleDecision => InvariantModel::NoStaleDecision,
                    _ => InvariantModel::NoDuplicateAction,
                }
            }
        })
    }

    // ---- integration systems -------------------------------------------------------

    /// A probability: a percent knob, or a literal in parts per million.
    fn ppm(&self, p: &Param, what: &str) -> Result<u32, String> {
        let v = self.param(p, ParamUse::Ppm)?;
        if !(0..=1_000_000).contains(&v) {
            return Err(format!("{what}: {v} ppm is not between 0 and 100%"));
        }
        Ok(v as u32)
    }

    /// A count in `min..=max`.
    fn count_in(&self, p: &Param, what: &str, min: i64, max: i64) -> Result<u32, String> {
        let v = self.param(p, ParamUse::Count)?;
        if !(min..=max).contains(&v) {
            return Err(format!("{what} = {v}: must be {min} to {max}"));
        }
        Ok(v as u32)
    }

    /// A duration of at least `min` ms.
    fn duration_min(&self, p: &Param, what: &str, min: u64) -> Result<u64, String> {
        let v = self.duration(p).map_err(|e| format!("{what}: {e}"))?;
        if v < min {
            return Err(format!("{what} = {v} ms: must be at least {min} ms"));
        }
        Ok(v)
    }

    fn integrations(&mut self) -> Result<Integrations, String> {
        let sys = &self.s.systems;
        let mut out = Integrations::default();
        if let Some(r) = &sys.rest_api {
            out.rest = self.rest_api(r).map_err(|e| format!("rest_api: {e}"))?;
        }
        index_names("job", sys.jobs.iter().map(|j| j.name.as_str()))?;
        for j in &sys.jobs {
            let job = self
                .job(j, &mut out)
                .map_err(|e| format!("job `{}`: {e}", j.name))?;
            out.jobs.push(job);
        }
        if let Some(f) = &sys.response_feed {
            out.responses = Some(
                self.response_feed(f)
                    .map_err(|e| format!("response_feed: {e}"))?,
            );
        }
        if let Some(f) = &sys.change_feed {
            out.changes = Some(
                self.change_feed(f)
                    .map_err(|e| format!("change_feed: {e}"))?,
            );
        }
        Ok(out)
    }

    fn rest_api(&self, r: &RestApiConfig) -> Result<RestModel, String> {
        Ok(RestModel {
            limits: RestLimits {
                rate_limit: self.count_in(&r.rate_limit, "rate_limit", 1, 1_000_000)?,
                rate_window_ms: self.duration_min(&r.rate_window, "rate_window", 1)?,
                max_concurrent: self.count_in(&r.max_concurrent, "max_concurrent", 1, 10_000)?,
                daily_quota: self.count_in(&r.daily_quota, "daily_quota", 1, 100_000_000)?,
            },
            latency: self.dist(&r.latency).map_err(|e| format!("latency: {e}"))?,
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
        Ok(JobModel {
            name: j.name.clone(),
            at,
            every,
            run_time: self
                .dist(&j.run_time)
                .map_err(|e| format!("run_time: {e}"))?,
            cold_ppm: self.ppm(&j.cold_start, "cold_start")?,
            checkpoint,
            strategy: j.strategy,
            backoff_ms: self.duration_min(&j.backoff_ms, "backoff_ms", 1)?,
            max_backoff_ms: self.duration_min(&j.max_backoff_ms, "max_backoff_ms", 1)?,
            max_attempts: self.count_in(&j.max_attempts, "max_attempts", 1, 100)?,
        })
    }

    fn response_feed(&self, f: &ResponseFeedDef) -> Result<ResponseFeedModel, String> {
        if f.name.trim().is_empty() || f.campaign.trim().is_empty() {
            return Err("`name` and `campaign` must not be empty".into());
        }
        let batch_size = self.count_in(&f.batch_size, "batch_size", 1, 100_000)?;
        let processor = ResponseConfig {
            default_mode: ScoringMode::Synchronous,
            sync_cpu_limit_ms: self.duration_min(&f.sync_cpu_limit, "sync_cpu_limit", 1)?,
            async_cpu_limit_ms: self.duration_min(&f.async_cpu_limit, "async_cpu_limit", 1)?,
            cpu_per_record_ms: self.duration_min(&f.cpu_per_record, "cpu_per_record", 0)?,
            batch_size,
            async_above_batch_size: f.async_above_batch_size,
            async_users: match f.mode {
                ResponseMode::UserAsync => [f.name.clone()].into(),
                _ => Default::default(),
            },
            small_batch_threshold: self.count_in(&f.small_batch, "small_batch", 0, 100_000)?,
            async_delay_ms: self.duration_min(&f.async_delay, "async_delay", 0)?,
        };
        Ok(ResponseFeedModel {
            user: f.name.clone(),
            campaign: f.campaign.clone(),
            count: self.count_in(&f.count, "count", 1, 100_000)?,
            window: self.dist(&f.window).map_err(|e| format!("window: {e}"))?,
            batch_records: self.count_in(&f.batch_records, "batch_records", 1, 100_000)?,
            mode: f.mode,
            lock_wait_timeout_ms: self.duration_min(
                &f.lock_wait_timeout,
                "lock_wait_timeout",
                0,
            )?,
            max_attempts: self.count_in(&f.max_attempts, "max_attempts", 1, 100)?,
            backoff_ms: self.duration_min(&f.backoff_ms, "backoff_ms", 1)?,
            max_backoff_ms: self.duration_min(&f.max_backoff_ms, "max_backoff_ms", 1)?,
            processor,
        })
    }

    fn change_feed(&mut self, f: &ChangeFeedDef) -> Result<ChangeFeedModel, String> {
        if f.fields.is_empty() {
            return Err("`fields` must name at least one published field".into());
        }
        let mut fields = Vec::new();
        for name in &f.fields {
            let id = self.field(name).map_err(|e| format!("fields: {e}"))?;
            if fields.contains(&id) {
                return Err(format!("fields: `{name}` is listed twice"));
            }
            fields.push(id);
        }
        let mut lists = Vec::new();
        for (i, d) in f.lists.iter().enumerate() {
            let ctx = |e: String| format!("lists entry {} (`{}`): {e}", i + 1, d.list);
            let l = self.list(&d.list).map_err(ctx)?;
            if lists.iter().any(|(x, _, _)| *x == l) {
                return Err(ctx("the list is listed twice".into()));
            }
            let fs = self.filters(&d.when).map_err(ctx)?;
            let logic = Logic::parse(d.logic.as_deref(), fs.len()).map_err(ctx)?;
            lists.push((l, fs, logic));
        }
        let action = match &f.action {
            Some(b) => {
                let ctx = |e: String| format!("action: {e}");
                let fs = self.filters(&b.when).map_err(ctx)?;
                let logic = Logic::parse(b.logic.as_deref(), fs.len()).map_err(ctx)?;
                let a = self.action(&b.then).map_err(ctx)?;
                if !matches!(
                    a,
                    ActionModel::SendEmail(_)
                        | ActionModel::SendAlert(_)
                        | ActionModel::RequestCampaign(_)
                ) {
                    return Err(
                        "action: `then` must be send_email, send_alert or request_campaign".into(),
                    );
                }
                Some((fs, logic, a))
            }
            None => None,
        };
        Ok(ChangeFeedModel {
            name: f.name.clone(),
            fields,
            replica_lag: self
                .dist(&f.replica_lag)
                .map_err(|e| format!("replica_lag: {e}"))?,
            visibility_timeout_ms: self.duration_min(
                &f.visibility_timeout,
                "visibility_timeout",
                1,
            )?,
            redelivery_ppm: self.ppm(&f.redelivery, "redelivery")?,
            consumers: self.count_in(&f.consumers, "consumers", 1, 1_000)?,
            processing_time: self
                .dist(&f.processing_time)
                .map_err(|e| format!("processing_time: {e}"))?,
            version_check: f.version_check,
            idempotent: f.idempotent,
            lists,
            action,
        })
    }
}

/// Execute Campaign: no cycles, at most [`limits::MAX_EXECUTE_DEPTH`] deep, and executed
/// flows contain no Wait and no webhook.
fn check_execute_graph(campaigns: &[CampaignModel]) -> Result<(), String> {
    fn executes(a: &ActionModel, out: &mut Vec<CampaignId>) {
        match a {
            ActionModel::ExecuteCampaign(c) => out.push(*c),
            ActionModel::Choice { branches, default } => {
                branches.iter().for_each(|(_, _, b)| executes(b, out));
                executes(default, out);
            }
            _ => {}
        }
    }
    fn waits(a: &ActionModel) -> bool {
        match a {
            ActionModel::Wait(_) | ActionModel::CallWebhook(_) => true,
            ActionModel::Choice { branches, default } => {
                branches.iter().any(|(_, _, b)| waits(b)) || waits(default)
            }
            _ => false,
        }
    }
    let callees: Vec<Vec<CampaignId>> = campaigns
        .iter()
        .map(|c| {
            let mut v = Vec::new();
            c.flow.iter().for_each(|s| executes(&s.action, &mut v));
            v
        })
        .collect();
    for (i, c) in campaigns.iter().enumerate() {
        // Depth-first over execute edges, tracking the path.
        let mut stack: Vec<(CampaignId, usize)> = vec![(i as CampaignId, 0)];
        let mut path: Vec<CampaignId> = Vec::new();
        while let Some((node, depth)) = stack.pop() {
            path.truncate(depth);
            if path.contains(&node) {
                return Err(format!(
                    "campaign `{}`: Execute Campaign forms a loop through `{}`",
                    c.name, campaigns[node as usize].name
                ));
            }
            path.push(node);
            if depth > limits::MAX_EXECUTE_DEPTH {
                return Err(format!(
                    "campaign `{}`: Execute Campaign nests deeper than {}",
                    c.name,
                    limits::MAX_EXECUTE_DEPTH
                ));
            }
            for &callee in &callees[node as usize] {
                stack.push((callee, depth + 1));
            }
        }
    }
    for targets in &callees {
        for &t in targets {
            let target = &campaigns[t as usize];
            if target.flow.iter().any(|s| waits(&s.action)) {
                return Err(format!(
                    "campaign `{}` is executed in series, so it cannot contain a Wait or a webhook",
                    target.name
                ));
            }
        }
    }
    Ok(())
}
