//! Scripted events from outside the engine, and the invariants a run is checked against.

use super::Json;
use crate::engine::dist::Dist;
use serde::{Deserialize, Serialize};

/// An event from outside: `at` (a delay distribution from t=0), for `people`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedEvent {
    /// A short label shown in the UI ("form fill by person 3").
    #[serde(default)]
    pub label: String,
    pub at: Dist,
    /// The `label` of an earlier scripted event for the same people: `at` then counts from
    /// the time that event happened to each person (a second submission seconds after the
    /// first one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(default)]
    pub people: PeopleSelector,
    pub event: OutsideEvent,
}

/// An outside event a user adds to one run at a fixed time (the app's "inject" control).
/// Injections are part of the run's set-up, like knobs: a share link carries them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Injection {
    /// Simulated time of the event, in milliseconds from the start of the run.
    pub at_ms: u64,
    #[serde(default)]
    pub people: PeopleSelector,
    pub event: OutsideEvent,
}

impl Injection {
    /// The injection as a scripted event of the scenario (labelled "injected: …").
    pub fn to_scripted(&self) -> ScriptedEvent {
        ScriptedEvent {
            label: format!("injected at {} ms", self.at_ms),
            at: Dist::Fixed(crate::engine::knobs::Param::Literal(self.at_ms as i64)),
            after: None,
            people: self.people.clone(),
            event: self.event.clone(),
        }
    }
}

/// Which people a scripted event applies to (1-based person numbers).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeopleSelector {
    #[default]
    All,
    One(u32),
    Range {
        first: u32,
        last: u32,
    },
    /// No person: the event is about a campaign or system.
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OutsideEvent {
    /// Fills out a form; creates the person first if they do not exist yet.
    FillsOutForm(String),
    /// An API or list import adds the person to a static list.
    AddToList(String),
    /// A field changes from outside (an import, a sales rep, an API call).
    ChangeDataValue { field: String, value: Json },
    /// The web service API requests a campaign for the person.
    RequestCampaign(String),
    /// A batch campaign runs now (in addition to its schedule).
    RunBatchCampaign(String),
    /// A sales rep assigns an owner in the CRM (arrives on a later sync).
    AssignOwnerInCrm(String),
    /// The scheduler (or someone by hand) fires the job now, outside its schedule: a new
    /// invocation starts at once, overlapping any run still going. The schedule goes on.
    RunJobNow(String),
    /// An upstream system publishes a change event for the person's `field` (a field the
    /// change feed publishes) now: the person's current data is written again on the
    /// primary (a new version, which the replica shows after its lag) and a new message
    /// goes onto the queue, as for a real change.
    ChangeEventArrives { field: String },
    /// The change feed's queue delivers the person's latest change event again, now: the
    /// same message id, as at-least-once delivery allows at any time (an idempotent
    /// consumer skips it). Nothing happens if the person has no change event yet.
    ChangeEventRedelivered,
    /// The person's next call of `webhook` takes `extra_ms` longer than drawn (a slow
    /// vendor): past the webhook's timeout, Marketo gives up while the service still acts.
    DelayWebhook { webhook: String, extra_ms: u64 },
    /// A burst of `count` extra responses reaches the response feed's integration now; it
    /// inserts them as it inserts the others (`batch_records` at a time).
    ResponsesArrive { count: u32 },
    /// An integration (an API client of `person_creation`) sends the person to Marketo's
    /// REST API: Sync Leads with lookupField email and the client's action.
    SyncPersonByApi(String),
}

impl OutsideEvent {
    /// A short phrase for messages and menus: `form fill "Contact Us"`.
    pub fn summary(&self) -> String {
        use crate::engine::describe::fmt_duration;
        match self {
            OutsideEvent::FillsOutForm(f) => format!("form fill \"{f}\""),
            OutsideEvent::AddToList(l) => format!("added to list \"{l}\""),
            OutsideEvent::ChangeDataValue { field, value } => {
                format!("data value change {field} = {value}")
            }
            OutsideEvent::RequestCampaign(c) => format!("API request of campaign \"{c}\""),
            OutsideEvent::RunBatchCampaign(c) => format!("batch campaign \"{c}\" runs now"),
            OutsideEvent::AssignOwnerInCrm(o) => format!("owner {o} assigned in the CRM"),
            OutsideEvent::RunJobNow(j) => format!("job \"{j}\" fires now"),
            OutsideEvent::ChangeEventArrives { field } => {
                format!("change event for {field} arrives")
            }
            OutsideEvent::ChangeEventRedelivered => "change event delivered again".to_string(),
            OutsideEvent::DelayWebhook { webhook, extra_ms } => format!(
                "next call of webhook \"{webhook}\" {} slower",
                fmt_duration(*extra_ms)
            ),
            OutsideEvent::ResponsesArrive { count } => format!("burst of {count} responses"),
            OutsideEvent::SyncPersonByApi(c) => format!("\"{c}\" sends the person by REST API"),
        }
    }

    /// Whether the event happens to a person (false: to a campaign or a system).
    pub fn needs_person(&self) -> bool {
        !matches!(
            self,
            OutsideEvent::RunBatchCampaign(_)
                | OutsideEvent::RunJobNow(_)
                | OutsideEvent::ResponsesArrive { .. }
        )
    }
}

/// A property that must hold throughout the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Invariant {
    /// At most one `email` per person per entry into `list` (a queue entry).
    OneEmailPerEntry { list: String, email: String },
    /// Every entry into `list` gets its `email` by the end of the run.
    NoEntryLost { list: String, email: String },
    /// An alert has a recipient (the person has an owner when it is sent).
    AlertHasRecipient,
    /// The CRM only receives a person once `field` is filled (enrichment completed), and by
    /// the end of the run every record was routed to the queue the assignment rules give for
    /// the person's data then (a lead routed on data that changed later is misrouted).
    CrmSyncAfter { field: String },
    /// `field` moves only forward through `order`.
    StageNeverRegresses { field: String, order: Vec<String> },
    /// A job never writes a checkpoint lower than the one written before.
    CheckpointMonotonic,
    /// No source record is imported twice.
    NoDuplicateImport,
    /// Every response of the response feed is processed.
    NoResponseLost,
    /// No consumer decides on a replica read older than the primary.
    NoStaleDecision,
    /// A consumer's action runs at most once per message.
    NoDuplicateAction,
    /// `email` goes only to people who meet `when` at the moment it is sent (e.g. the upgrade
    /// offer only to people who have not upgraded).
    EmailOnlyWhen {
        email: String,
        when: Vec<super::Filter>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        logic: Option<String>,
    },
    /// By the end of the run every person who exists has reached the CRM (nobody is left
    /// unprocessed, e.g. when an enrichment webhook failed).
    EveryoneReachesCrm,
    /// By the end of the run every person who exists got `alert` exactly once (none missed,
    /// none doubled).
    OneAlertPerPerson { alert: String },
    /// Nobody in program status `from` of `program` moves to status `to` (e.g. a recycled
    /// lead in its holding period is never moved back to "Reached Threshold").
    StatusNeverMoves {
        program: String,
        from: String,
        to: String,
    },
    /// At most one person record per email address (no duplicate people).
    OnePersonPerEmail,
    /// A value a Marketo campaign set on `field` is never replaced by the CRM sync with a
    /// value a CRM automation set (an automation that runs after Marketo's value reached
    /// the CRM silently undoes Marketo's change).
    MarketoValueKept { field: String },
}
