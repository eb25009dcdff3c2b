//! Validation and compilation: a scenario, a variant and knob overrides become a [`Model`].
//!
//! Every check a user can fail gives a [`ScenarioError`] that says what is wrong and where,
//! e.g. ``campaign `Send Alert`: flow step 2: unknown list `Awaiting Owner` ``.
//!
//! This file holds the entry points, variant application and the compiler's name lookups;
//! `patch` applies a variant's JSON merge patches to systems. Each part of a scenario
//! compiles in its own file: `numbers` (knob-or-literal values and distributions),
//! `campaigns` (programs, campaigns, triggers, filters, flow steps, no Execute Campaign
//! loop), `marketo_rules` (the rules Marketo itself enforces on campaigns), `systems`
//! (webhooks, key-value service, CRM, queue), `integrations` (REST API,
//! jobs, response feed, change feed) and `script` (people, scripted events, invariants).

mod campaigns;
mod error;
mod integrations;
mod marketo_rules;
mod numbers;
mod patch;
mod script;
mod size;
mod systems;

use super::knobs::{check_knob, KnobValues};
use super::model::*;
use super::scenario::*;
use super::value::{Symbols, Test, Value};
use campaigns::check_execute_graph;
use error::Within;
pub use error::{Place, ScenarioError};
pub use marketo_rules::WEBHOOK_TIMEOUT_MAX_MS;
use patch::{job_named, patch_system, patched, written_at};
use std::collections::BTreeMap;

/// What to compile: a variant name (or none for the scenario as written) and knob values.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    pub variant: Option<String>,
    pub knobs: BTreeMap<String, i64>,
    /// Outside events added to this run at fixed times, after the scenario's own script.
    pub injections: Vec<Injection>,
}

/// Applies `variant` to `scenario` and compiles the result; a run too large to hold is
/// refused here, before it starts (see [`crate::engine::bounds`]).
pub fn compile(scenario: &Scenario, config: &RunConfig) -> Result<Model, ScenarioError> {
    let model = compile_unchecked(scenario, config)?;
    size::check_size(&model, scenario, config)?;
    Ok(model)
}

/// [`compile`] without the size check (which compiles again to find the knob to lower).
fn compile_unchecked(scenario: &Scenario, config: &RunConfig) -> Result<Model, ScenarioError> {
    compile_parts(scenario, config, Parts::Whole)
}

/// The campaigns, programs and systems of `scenario` as `config` makes them, without its
/// people and scripted events (the model's `people`, `script` and person creation are empty):
/// what a reader of the campaigns needs, at a cost that does not grow with the people (the
/// app shows the campaigns on the page while a run of 20,000 people is computed elsewhere).
/// The people and script are not checked: [`compile`] does that for the run.
pub fn compile_campaigns(scenario: &Scenario, config: &RunConfig) -> Result<Model, ScenarioError> {
    compile_parts(scenario, config, Parts::Campaigns)
}

/// What a compile makes: the whole model, or its campaigns without people and script.
#[derive(Clone, Copy, PartialEq)]
enum Parts {
    Whole,
    Campaigns,
}

fn compile_parts(
    scenario: &Scenario,
    config: &RunConfig,
    parts: Parts,
) -> Result<Model, ScenarioError> {
    let (applied, variant_name, variant_knobs) =
        apply_variant(scenario, config.variant.as_deref())?;
    // The variant's knob values, then the run's own (a later value of a knob wins).
    let overrides = variant_knobs
        .into_iter()
        .chain(config.knobs.clone())
        .collect();
    let knobs = KnobValues::resolve(&applied.knobs, &overrides)?;
    let mut applied = applied;
    let own_script = applied.script.len();
    applied
        .script
        .extend(config.injections.iter().map(Injection::to_scripted));
    // Text ids in the order of the texts (see `Symbols::sorted`), so that they depend only on
    // which texts the model uses, never on the order the compiler meets them: a first pass
    // finds the texts, the second numbers them.
    let first = Compiler::new(&applied, knobs.clone(), Symbols::default(), own_script)?;
    let syms = first.finish(variant_name.clone(), parts)?.syms.sorted();
    Compiler::new(&applied, knobs, syms, own_script)?.finish(variant_name, parts)
}

/// The scenario as `variant` changes it (campaigns replaced, added or switched off, systems
/// patched), before compilation: what a reader of the variant's campaigns sees.
pub fn variant_applied(
    scenario: &Scenario,
    variant: Option<&str>,
) -> Result<Scenario, ScenarioError> {
    apply_variant(scenario, variant).map(|(s, _, _)| s)
}

/// Checks a scenario and every one of its variants at default knobs.
pub fn validate(scenario: &Scenario) -> Result<(), ScenarioError> {
    compile(scenario, &RunConfig::default())?;
    for v in &scenario.variants {
        let cfg = RunConfig {
            variant: Some(v.name.clone()),
            ..RunConfig::default()
        };
        compile(scenario, &cfg).within(Place::Variant(v.name.clone()))?;
    }
    Ok(())
}

fn apply_variant(
    scenario: &Scenario,
    variant: Option<&str>,
) -> Result<(Scenario, String, BTreeMap<String, i64>), ScenarioError> {
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
    for p in &v.programs {
        match s.programs.iter_mut().find(|x| x.name == p.name) {
            Some(slot) => *slot = p.clone(),
            None => s.programs.push(p.clone()),
        }
    }
    let change = || Place::VariantChange(name.to_string());
    let written_jobs = written_at(&scenario.written, "/systems/jobs").and_then(Json::as_array);
    // The JSON of each job as this variant patched it: a later patch of the job applies there.
    let mut patched_jobs: Vec<Json> = Vec::new();
    for patch in &v.jobs {
        let job = patch
            .get("name")
            .and_then(Json::as_str)
            .ok_or("a job change needs the job's `name`")
            .within(Place::Variant(name.to_string()))?;
        let written = job_named(patched_jobs.iter().rev(), job)
            .or_else(|| job_named(written_jobs.into_iter().flatten(), job));
        let slot = s.systems.jobs.iter().position(|x| x.name == job);
        let (new, json) = patched(slot.map(|i| &s.systems.jobs[i]), written, patch)
            .within(Place::Job(job.to_string()))
            .within(change())?;
        patched_jobs.push(json);
        match slot {
            Some(i) => s.systems.jobs[i] = new,
            None => s.systems.jobs.push(new),
        }
    }
    let (w, sys) = (&scenario.written, &mut s.systems);
    patch_system(&mut sys.rest_api, w, "rest_api", v.rest_api.as_ref()).within(change())?;
    patch_system(
        &mut sys.response_feed,
        w,
        "response_feed",
        v.response_feed.as_ref(),
    )
    .within(change())?;
    patch_system(
        &mut sys.change_feed,
        w,
        "change_feed",
        v.change_feed.as_ref(),
    )
    .within(change())?;
    patch_system(&mut sys.crm, w, "crm", v.crm.as_ref()).within(change())?;
    patch_system(
        &mut sys.person_creation,
        w,
        "person_creation",
        v.person_creation.as_ref(),
    )
    .within(change())?;
    for d in &v.deactivate {
        let c = s
            .campaigns
            .iter_mut()
            .find(|c| &c.name == d)
            .ok_or_else(|| format!("deactivates unknown campaign `{d}`"))
            .within(change())?;
        c.active = false;
    }
    let knobs = v.knobs.clone();
    Ok((s, name.to_string(), knobs))
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
    /// Scripted events from this index on are the run's injections (for error messages).
    injected_from: usize,
    /// Bytes of people's text values made so far (bounded by `MAX_PEOPLE_TEXT_BYTES`).
    text_bytes: usize,
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
    fn new(
        s: &'a Scenario,
        knobs: KnobValues,
        syms: Symbols,
        injected_from: usize,
    ) -> Result<Self, String> {
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
        if s.fields.len() > limits::MAX_FIELDS {
            return Err(format!(
                "{} person fields: at most {} are allowed",
                s.fields.len(),
                limits::MAX_FIELDS
            ));
        }
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
            syms,
            fields: index_names("field", s.fields.iter().map(|f| f.name.as_str()))?,
            lists: index_names("list", s.lists.iter().map(|l| l.as_str()))?,
            campaigns: index_names("campaign", s.campaigns.iter().map(|c| c.name.as_str()))?,
            programs: index_names("program", s.programs.iter().map(|p| p.name.as_str()))?,
            webhooks: index_names(
                "webhook",
                s.systems.webhooks.iter().map(|w| w.name.as_str()),
            )?,
            injected_from,
            text_bytes: 0,
        })
    }

    fn finish(mut self, variant: String, parts: Parts) -> Result<Model, ScenarioError> {
        let s = self.s;
        let horizon = self
            .duration(&s.horizon)
            .within(Place::Setting("horizon".into()))?;
        if horizon == 0 || horizon > limits::MAX_HORIZON_MS {
            return Err(format!("horizon {horizon} ms must be between 1 ms and 400 days").into());
        }
        let whole = parts == Parts::Whole;
        let mut people = if whole { self.people()? } else { Vec::new() };
        let declared = people.len();
        let programs = self.programs()?;
        let campaigns = s
            .campaigns
            .iter()
            .map(|c| self.campaign(c).within(Place::Campaign(c.name.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        check_execute_graph(&campaigns)?;
        let webhooks = s
            .systems
            .webhooks
            .iter()
            .map(|w| self.webhook(w).within(Place::Webhook(w.name.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        marketo_rules::check_campaigns(&campaigns, &webhooks)?;
        for (w, m) in s.systems.webhooks.iter().zip(&webhooks) {
            self.webhook_timeout(w, m.timeout_ms)
                .within(Place::Webhook(w.name.clone()))?;
        }
        let crm = match &s.systems.crm {
            Some(c) => Some(self.crm(c).within(Place::Setting("crm".into()))?),
            None => None,
        };
        let queue = self
            .queue(&s.systems.queue)
            .within(Place::Setting("queue".into()))?;
        let integrations = self.integrations()?;
        let creation = match &s.systems.person_creation {
            Some(pc) if whole => Some(
                self.person_creation(pc, &mut people)
                    .within(Place::Setting("person_creation".into()))?,
            ),
            _ => None,
        };
        let script = if whole {
            self.script(declared, people.len(), horizon)?
        } else {
            Vec::new()
        };
        let invariants = s
            .invariants
            .iter()
            .enumerate()
            .map(|(i, inv)| self.invariant(inv).within(Place::Invariant(i + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Model {
            scenario_id: s.id.clone(),
            title: s.title.clone(),
            variant,
            email_field: self.fields.get("email").copied(),
            checks_email_conditions: invariants
                .iter()
                .any(|i| matches!(i, InvariantModel::EmailOnlyWhen { .. })),
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
            creation,
        })
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
    fn value(&mut self, field: FieldId, j: &Json) -> Result<Value, ScenarioError> {
        let f = &self.s.fields[field as usize];
        self.syms
            .from_json(j, f.kind)
            .within(Place::Field(f.name.clone()))
    }
    fn test(&mut self, field: FieldId, t: &FieldTest) -> Result<Test, ScenarioError> {
        let f = &self.s.fields[field as usize];
        Test::compile(t, f.kind, &mut self.syms).within(Place::Field(f.name.clone()))
    }

    fn number_field(&self, name: &str) -> Result<FieldId, String> {
        let f = self.field(name)?;
        if self.s.fields[f as usize].kind != FieldType::Number {
            return Err(format!("field `{name}` is not a number field"));
        }
        Ok(f)
    }
}
