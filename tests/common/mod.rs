//! Helpers shared by the native integration tests: build small inline scenarios with
//! `serde_json::json!`, run them, and query the trace and the final state (this file);
//! built-in scenarios and run configs ([`runs`]); the command line as a process ([`cli`]);
//! helpers of one topic spread over two test files: the share-link codec ([`codec`]),
//! injected outside events ([`injections`]) and the integration systems ([`systems`]).
//!
//! People are numbered from 1 in every helper, as in scenario files (`{"one": 3}`).
#![allow(dead_code)]

pub mod cli;
pub mod codec;
pub mod injections;
mod runs;
pub mod systems;

pub use runs::{builtin, config, config_with, every_variant, SETUP};

use racelab::engine::model::{CampaignId, FieldId, ListId, ProgramId};
use racelab::engine::scenario::from_value;
use racelab::engine::sim::state::KvEntry;
use racelab::engine::sim::SimState;
use racelab::engine::trace::{Actor, EventKind, TraceEvent};
use racelab::engine::value::{Symbols, Value};
use racelab::engine::{
    compile, Chooser, Model, RunConfig, RunOutcome, Scenario, SeededChooser, Sim,
};
use serde_json::{json, Value as Json};

/// The queue used when a test does not say otherwise: one worker per queue, 100 ms per
/// step, no trigger delay, so that every time in a trace can be predicted exactly.
pub fn default_queue() -> Json {
    json!({
        "trigger_workers": 1,
        "batch_workers": 1,
        "step_time": { "fixed": 100 },
        "trigger_delay": { "fixed": 0 },
        "request_cap": 100
    })
}

/// Fills what a test usually leaves out (id, title, horizon of one day, the queue; queue
/// fields given by the test override [`default_queue`]) and parses the scenario.
pub fn scenario(mut j: Json) -> Scenario {
    let obj = j.as_object_mut().expect("a scenario is a JSON object");
    obj.entry("id").or_insert(json!("test"));
    obj.entry("title").or_insert(json!("test scenario"));
    obj.entry("horizon").or_insert(json!(86_400_000));
    let systems = obj.entry("systems").or_insert(json!({}));
    let mut queue = default_queue();
    if let Some(given) = systems.get("queue").and_then(|q| q.as_object()) {
        for (k, v) in given {
            queue[k] = v.clone();
        }
    }
    systems["queue"] = queue;
    from_value::<Scenario>(&j).unwrap_or_else(|e| panic!("test scenario does not parse: {e}"))
}

/// Compiles `s` as written (no variant, default knobs); panics with the error otherwise.
pub fn model(s: &Scenario) -> Model {
    compile(s, &RunConfig::default()).unwrap_or_else(|e| panic!("does not compile: {e}"))
}

/// The compile error of `j` (panics if it compiles).
pub fn compile_error(j: Json) -> String {
    let s = scenario(j);
    match compile(&s, &RunConfig::default()) {
        Ok(_) => panic!("expected a compile error"),
        Err(e) => e.to_string(),
    }
}

/// A finished run with everything needed to inspect it.
pub struct Done {
    pub model: Model,
    pub trace: Vec<TraceEvent>,
    pub state: SimState,
    pub syms: Symbols,
    pub out: RunOutcome,
}

impl Done {
    /// The key-value store's contents by key text (e.g. `claim:1:1`).
    pub fn kv(&self) -> std::collections::BTreeMap<String, KvEntry> {
        self.state
            .kv
            .iter()
            .map(|(k, v)| (k.text(&self.syms), v.clone()))
            .collect()
    }
}

/// Runs `s` (no variant) to the end with a seeded chooser.
pub fn run(s: &Scenario, seed: u64) -> Done {
    run_with(s, &mut SeededChooser::new(seed))
}

/// Builds the scenario from JSON and runs it with seed 1.
pub fn run_json(j: Json) -> Done {
    run(&scenario(j), 1)
}

/// Runs `s` (no variant) to the end with `chooser`.
pub fn run_with(s: &Scenario, chooser: &mut dyn Chooser) -> Done {
    run_config(s, &RunConfig::default(), chooser)
}

/// Runs `s` with a variant and knob values to the end with `chooser`.
pub fn run_config(s: &Scenario, config: &RunConfig, chooser: &mut dyn Chooser) -> Done {
    let model = compile(s, config).unwrap_or_else(|e| panic!("does not compile: {e}"));
    let (trace, state, syms, out) = {
        let mut sim = Sim::new(&model);
        let out = sim
            .run(chooser)
            .unwrap_or_else(|e| panic!("run failed: {e}"));
        (sim.trace, sim.state, Symbols::clone(&sim.syms), out)
    };
    Done {
        model,
        trace,
        state,
        syms,
        out,
    }
}

/// A trigger campaign that starts when a person fills out the form named like the campaign.
pub fn on_form(name: &str, flow: Json) -> Json {
    json!({
        "name": name,
        "smart_list": { "triggers": [{ "fills_out_form": { "form": name } }] },
        "qualification": "every_time",
        "flow": flow
    })
}

/// The `fields` of a scenario: one text field per name.
pub fn text_fields(names: &[&str]) -> Json {
    Json::Array(
        names
            .iter()
            .map(|n| json!({ "name": n, "type": "text" }))
            .collect(),
    )
}

/// A scripted form fill of form `form` by person `person` (1-based) at `at` ms.
pub fn fill(form: &str, person: u32, at: u64) -> Json {
    json!({ "at": { "fixed": at }, "people": { "one": person }, "event": { "fills_out_form": form } })
}

/// A scripted outside event for person `person` at `at` ms.
pub fn outside(event: Json, person: u32, at: u64) -> Json {
    json!({ "at": { "fixed": at }, "people": { "one": person }, "event": event })
}

/// A Change Data Value setting `field` to `value`: a flow step, or (through [`outside`]) a
/// scripted event.
pub fn cdv(field: &str, value: impl Into<Json>) -> Json {
    json!({ "change_data_value": { "field": field, "value": value.into() } })
}

impl Done {
    pub fn campaign(&self, name: &str) -> CampaignId {
        let i = self.model.campaigns.iter().position(|c| c.name == name);
        i.unwrap_or_else(|| panic!("no campaign {name}")) as CampaignId
    }

    pub fn field(&self, name: &str) -> FieldId {
        let i = self.model.fields.iter().position(|f| f.name == name);
        i.unwrap_or_else(|| panic!("no field {name}")) as FieldId
    }

    pub fn list(&self, name: &str) -> ListId {
        let i = self.model.lists.iter().position(|l| l == name);
        i.unwrap_or_else(|| panic!("no list {name}")) as ListId
    }

    pub fn program(&self, name: &str) -> ProgramId {
        let i = self.model.programs.iter().position(|p| p.name == name);
        i.unwrap_or_else(|| panic!("no program {name}")) as ProgramId
    }

    pub fn status(&self, program: &str, status: &str) -> u16 {
        let p = &self.model.programs[self.program(program) as usize];
        let i = p.statuses.iter().position(|(n, _)| n == status);
        i.unwrap_or_else(|| panic!("no status {status}")) as u16
    }

    /// The interned id of `text` (panics if the run never saw it).
    pub fn sym(&self, text: &str) -> u32 {
        self.syms
            .get(text)
            .unwrap_or_else(|| panic!("no text {text:?}"))
    }

    /// A value as text (`"(empty)"` for an empty value).
    pub fn show(&self, v: Value) -> String {
        self.syms.show(v)
    }

    /// Person `person`'s (1-based) final value of `field`, as text.
    pub fn value(&self, person: u32, field: &str) -> String {
        let v = self.state.people[person as usize - 1].fields[self.field(field) as usize];
        self.show(v)
    }

    /// Events whose kind has the stable name `kind` (e.g. `"email-sent"`).
    pub fn events(&self, kind: &str) -> Vec<&TraceEvent> {
        self.trace
            .iter()
            .filter(|e| e.kind.name() == kind)
            .collect()
    }

    /// Events of kind `kind` about person `person` (1-based).
    pub fn events_of(&self, kind: &str, person: u32) -> Vec<&TraceEvent> {
        self.events(kind)
            .into_iter()
            .filter(|e| e.person == Some(person - 1))
            .collect()
    }

    /// Times of events of kind `kind` about person `person`.
    pub fn times(&self, kind: &str, person: u32) -> Vec<u64> {
        self.events_of(kind, person)
            .iter()
            .map(|e| e.time)
            .collect()
    }

    /// Events recorded by campaign `name` with kind `kind`.
    pub fn by_campaign(&self, name: &str, kind: &str) -> Vec<&TraceEvent> {
        let c = self.campaign(name);
        self.events(kind)
            .into_iter()
            .filter(|e| e.actor == Actor::Campaign(c))
            .collect()
    }

    /// The people (1-based, in trace order) that entered campaign `name`'s flow.
    pub fn qualified(&self, name: &str) -> Vec<u32> {
        self.by_campaign(name, "qualified")
            .iter()
            .map(|e| e.person.expect("qualified has a person") + 1)
            .collect()
    }

    /// Times at which campaign `name` let someone into its flow.
    pub fn qualified_times(&self, name: &str) -> Vec<u64> {
        self.by_campaign(name, "qualified")
            .iter()
            .map(|e| e.time)
            .collect()
    }

    /// (time, person, e-mail name) of every e-mail sent.
    pub fn emails(&self) -> Vec<(u64, u32, String)> {
        self.trace
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::EmailSent { email } => Some((
                    e.time,
                    e.person.expect("an email has a person") + 1,
                    self.syms.text(email).to_string(),
                )),
                _ => None,
            })
            .collect()
    }

    /// (time, new value as text) of every change of `field` for person `person`.
    pub fn changes(&self, person: u32, field: &str) -> Vec<(u64, String)> {
        let f = self.field(field);
        self.events_of("field-changed", person)
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::FieldChanged { field, new, .. } if field == f => {
                    Some((e.time, self.show(new)))
                }
                _ => None,
            })
            .collect()
    }

    /// Index in the trace of the first event matching `pred` (panics if none).
    pub fn position(&self, what: &str, pred: impl Fn(&TraceEvent) -> bool) -> usize {
        self.trace
            .iter()
            .position(pred)
            .unwrap_or_else(|| panic!("no event: {what}"))
    }
}
