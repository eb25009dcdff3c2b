//! The inject menu: the outside events a user can add to a run of one variant, derived from
//! what the variant has (its forms, lists, requested and batch campaigns, the CRM's owners,
//! jobs, webhooks, change feed and response feed). The user picks the time and the person.

use super::view::{runnable_campaigns, used_webhooks};
use super::words::duration;
use crate::engine::compile::variant_applied;
use crate::engine::dist::MAX_DELAY_MS;
use crate::engine::model::{FilterModel, TriggerModel};
use crate::engine::scenario::{
    FieldTest, Injection, Json, OutsideEvent, PeopleSelector, RequestSource, Trigger,
};
use crate::engine::{compile, RunConfig, Scenario};

/// One entry of the inject menu.
#[derive(Debug, Clone, PartialEq)]
pub struct InjectOption {
    /// What the menu shows: `Form fill: Contact Us`.
    pub label: String,
    /// The event to put in an [`crate::engine::scenario::Injection`].
    pub event: OutsideEvent,
    /// Whether the user must pick a person (otherwise the event is about a campaign or a
    /// system, and the injection's `people` is `none`).
    pub needs_person: bool,
}

impl InjectOption {
    /// This event at `at_ms`, for `person` (1-based) when it is about a person.
    pub fn injection(&self, at_ms: u64, person: u32) -> Injection {
        Injection {
            at_ms,
            people: if self.needs_person {
                PeopleSelector::One(person)
            } else {
                PeopleSelector::None
            },
            event: self.event.clone(),
        }
    }
}

/// Burst size offered for the response feed.
const BURST: u32 = 200;

/// The outside events that make sense for `variant` of `scenario`, in menu order.
pub fn inject_options(scenario: &Scenario, variant: &str) -> Result<Vec<InjectOption>, String> {
    let config = RunConfig {
        variant: Some(variant.to_string()),
        ..RunConfig::default()
    };
    let model = compile(scenario, &config)?;
    let applied = variant_applied(scenario, Some(variant))?;
    let runnable: Vec<usize> = runnable_campaigns(&model)
        .into_iter()
        .map(|c| c as usize)
        .collect();
    let campaigns: Vec<&crate::engine::scenario::Campaign> =
        runnable.iter().map(|&c| &applied.campaigns[c]).collect();
    let mut out: Vec<InjectOption> = Vec::new();
    let mut add = |label: String, event: OutsideEvent| {
        if !out.iter().any(|o| o.event == event) {
            out.push(InjectOption {
                label,
                needs_person: event.needs_person(),
                event,
            });
        }
    };

    // Forms: named by Fills Out Form triggers and by the scenario's own form fills.
    let mut forms: Vec<String> = Vec::new();
    for c in &campaigns {
        for t in &c.smart_list.triggers {
            if let Trigger::FillsOutForm { form: Some(f) } = t {
                forms.push(f.clone());
            }
        }
    }
    for e in &applied.script {
        if let OutsideEvent::FillsOutForm(f) = &e.event {
            forms.push(f.clone());
        }
    }
    for f in forms {
        add(format!("Form fill: {f}"), OutsideEvent::FillsOutForm(f));
    }

    // Data value changes: the scenario's own outside changes, and the new values that Data
    // Value Changes triggers wait for.
    let mut changes: Vec<(String, Json)> = Vec::new();
    for e in &applied.script {
        if let OutsideEvent::ChangeDataValue { field, value } = &e.event {
            changes.push((field.clone(), value.clone()));
        }
    }
    for c in &campaigns {
        for t in &c.smart_list.triggers {
            if let Trigger::DataValueChanges {
                field,
                new_value: Some(FieldTest::Is(values)),
                ..
            } = t
            {
                changes.extend(values.iter().map(|v| (field.clone(), v.clone())));
            }
        }
    }
    // A field as Marketo shows it (its label), for the menu's words.
    let label = |name: &str| {
        (applied.fields.iter())
            .find(|f| f.name == name)
            .map_or(name.to_string(), |f| f.display_name().to_string())
    };
    for (field, value) in changes {
        let shown = match &value {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        };
        add(
            format!("Data value change: {} = {shown}", label(&field)),
            OutsideEvent::ChangeDataValue { field, value },
        );
    }

    // Static lists the campaigns react to or filter on: an import or API call adds people.
    let mut lists: Vec<u16> = Vec::new();
    for &c in &runnable {
        let camp = &model.campaigns[c];
        for t in &camp.triggers {
            if let TriggerModel::AddedToList(l) | TriggerModel::RemovedFromList(l) = t {
                lists.push(*l);
            }
        }
        for f in &camp.filters {
            if let FilterModel::MemberOfList(l, _) = f {
                lists.push(*l);
            }
        }
    }
    for l in lists {
        let name = model.lists[l as usize].clone();
        add(
            format!("Added to list by an import: {name}"),
            OutsideEvent::AddToList(name),
        );
    }

    // Campaigns the web service API may request.
    for c in &campaigns {
        let by_api = c.smart_list.triggers.iter().any(|t| {
            matches!(
                t,
                Trigger::CampaignIsRequested {
                    source: RequestSource::WebServiceApi | RequestSource::Any
                }
            )
        });
        if by_api {
            add(
                format!("Campaign requested by the API: {}", c.name),
                OutsideEvent::RequestCampaign(c.name.clone()),
            );
        }
    }

    // Owners a sales rep may assign in the CRM.
    if let Some(crm) = &applied.systems.crm {
        let owners = crm
            .assignment_rules
            .iter()
            .map(|r| r.owner.clone())
            .chain(crm.default_owner.clone());
        for o in owners {
            add(
                format!("Owner assigned in the CRM: {o}"),
                OutsideEvent::AssignOwnerInCrm(o),
            );
        }
    }

    // Batch campaigns run by hand.
    for c in &campaigns {
        if c.schedule.is_some() && c.active {
            add(
                format!("Batch campaign runs now: {}", c.name),
                OutsideEvent::RunBatchCampaign(c.name.clone()),
            );
        }
    }

    // Jobs fired by hand.
    for j in &applied.systems.jobs {
        add(
            format!("Job fires now: {}", j.name),
            OutsideEvent::RunJobNow(j.name.clone()),
        );
    }

    // A slow call of each webhook the campaigns call: slower than usual but within the
    // timeout, and past the timeout (Marketo gives up; the service still acts).
    for w in used_webhooks(&model) {
        let hook = &model.webhooks[w as usize];
        let within = (hook.timeout_ms * 4 / 5).clamp(1, 180_000);
        let past = hook.timeout_ms.saturating_mul(2).clamp(1, MAX_DELAY_MS);
        add(
            format!(
                "Extra delay on one webhook call: {} (+{})",
                hook.name,
                duration(within)
            ),
            OutsideEvent::DelayWebhook {
                webhook: hook.name.clone(),
                extra_ms: within,
            },
        );
        add(
            format!(
                "Extra delay on one webhook call: {} (+{}, past the {} timeout)",
                hook.name,
                duration(past),
                duration(hook.timeout_ms)
            ),
            OutsideEvent::DelayWebhook {
                webhook: hook.name.clone(),
                extra_ms: past,
            },
        );
    }

    // The change feed: a new event, or the latest one again.
    if let Some(feed) = &applied.systems.change_feed {
        for f in &feed.fields {
            add(
                format!("Change event arrives: {}", label(f)),
                OutsideEvent::ChangeEventArrives { field: f.clone() },
            );
        }
        add(
            "Change event delivered again (a duplicate)".to_string(),
            OutsideEvent::ChangeEventRedelivered,
        );
    }

    // People sent by an integration through the REST API.
    if let Some(pc) = &applied.systems.person_creation {
        for c in &pc.api_clients {
            add(
                format!("Person sent by REST API: {}", c.name),
                OutsideEvent::SyncPersonByApi(c.name.clone()),
            );
        }
    }

    // A burst of responses.
    if applied.systems.response_feed.is_some() {
        add(
            format!("Burst of responses arrives: {BURST}"),
            OutsideEvent::ResponsesArrive { count: BURST },
        );
    }

    // Keep only what the engine accepts for this variant (a menu entry never fails to run).
    let people = model.people.len();
    out.retain(|o| {
        if o.needs_person && people == 0 {
            return false;
        }
        let injection = Injection {
            at_ms: 0,
            people: if o.needs_person {
                PeopleSelector::One(1)
            } else {
                PeopleSelector::None
            },
            event: o.event.clone(),
        };
        let config = RunConfig {
            injections: vec![injection],
            ..config.clone()
        };
        compile(scenario, &config).is_ok()
    });
    Ok(out)
}
