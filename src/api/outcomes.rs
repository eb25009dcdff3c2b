//! Per-lead outcomes of a finished run: for each person, what happened to them in the
//! scenario's terms (alerts and to whom, e-mails per list entry, the CRM queue they were
//! routed to and whether it was right, the final values of the fields the invariants watch)
//! and whether a violation touched them. Scenarios without people (an import job, a feed of
//! campaign responses) count their own items instead: records imported, responses processed.
//!
//! Everything is derived from the trace, the final state and the scenario's invariants, in
//! one pass over the trace, so it stays cheap for 10,000 people. [`lead_counts`] is the
//! cheaper count a sweep takes of every run; it agrees with [`outcomes`] by construction.

use crate::engine::model::*;
use crate::engine::trace::EventKind;
use crate::engine::value::Symbols;
use crate::engine::Sim;
use serde::{Deserialize, Serialize};

/// What happened to the leads of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Outcomes {
    /// What one lead is in this scenario: `people`, or, for a scenario without people, the
    /// items its integration handles (`records`, `responses`).
    pub lead_unit: String,
    /// Leads in the run: people who exist at the end (or the items counted instead).
    pub leads: u64,
    /// Leads a violation touched.
    pub affected_leads: u64,
    /// Every person who exists at the end, by number.
    pub people: Vec<PersonOutcome>,
    /// For a scenario without people: what happened to its items, one line each.
    pub items: Vec<String>,
}

/// What happened to one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PersonOutcome {
    /// 1-based person number.
    pub person: u32,
    /// For a duplicate record: the person (1-based) whose email address it shares. It is
    /// not another lead: the lead counts count it against that person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_record_of: Option<u32>,
    /// A violation names this person.
    pub affected: bool,
    /// Each alert sent about the person, in order.
    pub alerts: Vec<AlertOutcome>,
    /// E-mails sent to the person, by e-mail, with how many times.
    pub emails: Vec<(String, u32)>,
    /// For each list an invariant follows entry by entry: the e-mail it watches, sent how
    /// many times for each of the person's entries.
    pub entries: Vec<EntryOutcome>,
    /// The person's CRM record (`None`: the scenario has no CRM).
    pub crm: Option<CrmOutcome>,
    /// The final values of the fields the invariants watch.
    pub fields: Vec<FieldValue>,
    /// Change events about the person and what the consumers did with them (`None`: the
    /// scenario has no change feed).
    pub changes: Option<ChangeOutcome>,
    /// The violations that name the person.
    pub violations: Vec<PersonViolation>,
    /// All of the above in one line of Marketo words.
    pub summary: String,
}

/// Runs with at most this many people list everyone; bigger ones list the affected only.
pub const LIST_EVERYONE_UP_TO: usize = 50;

impl Outcomes {
    /// The people a table lists, by index into `people`: affected people first (by number),
    /// then the others for a run of up to [`LIST_EVERYONE_UP_TO`] people; for a bigger run
    /// only the affected (a table shows them a page at a time). Also how many are left out.
    pub fn listed(&self) -> (Vec<usize>, usize) {
        let affected = (0..self.people.len()).filter(|&i| self.people[i].affected);
        let mut rows: Vec<usize> = affected.collect();
        if self.people.len() <= LIST_EVERYONE_UP_TO {
            rows.extend((0..self.people.len()).filter(|&i| !self.people[i].affected));
        }
        let left_out = self.people.len() - rows.len();
        (rows, left_out)
    }
}

impl PersonOutcome {
    /// The value a watched field ends with, by API name or label.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field == name || f.label == name)
            .map(|f| f.value.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValue {
    /// The field's API name (`lifecycle_stage`).
    pub field: String,
    /// The name Marketo shows ("Lifecycle Stage"; the API name when the scenario gives none).
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertOutcome {
    pub alert: String,
    /// Who received it (`None`: no one, the person had no owner).
    pub recipient: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryOutcome {
    pub list: String,
    pub email: String,
    /// For entry 1, 2, ...: how many times the e-mail was sent for it.
    pub emails_per_entry: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmOutcome {
    /// When the record first reached the CRM (`None`: it never did).
    pub synced_ms: Option<u64>,
    /// The queue and owner the CRM's assignment rules routed it to, last.
    pub queue: Option<String>,
    pub owner: Option<String>,
    /// Whether the routing was right, as the scenario's CRM invariants judge it.
    pub right: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ChangeOutcome {
    pub messages: u32,
    /// Decisions read from a replica older than the primary.
    pub stale_decisions: u32,
    /// Times the consumer's action ran (more than once per message: a duplicate).
    pub actions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PersonViolation {
    pub invariant: String,
    /// What breaking it means, in plain words ("Alert sent to no one").
    pub title: String,
    pub message: String,
}

/// What an invariant is about, to say which part of a person's outcome it judges.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Topic {
    Crm,
    Other,
}

/// Every invariant kind is listed, so that a new one has to say what it judges.
fn topic(inv: &InvariantModel) -> Topic {
    match inv {
        InvariantModel::CrmSyncAfter { .. } | InvariantModel::EveryoneReachesCrm => Topic::Crm,
        InvariantModel::OneEmailPerEntry { .. }
        | InvariantModel::NoEntryLost { .. }
        | InvariantModel::AlertHasRecipient
        | InvariantModel::StageNeverRegresses { .. }
        | InvariantModel::CheckpointMonotonic
        | InvariantModel::NoDuplicateImport
        | InvariantModel::NoResponseLost
        | InvariantModel::NoStaleDecision
        | InvariantModel::NoDuplicateAction
        | InvariantModel::EmailOnlyWhen { .. }
        | InvariantModel::OneAlertPerPerson { .. }
        | InvariantModel::StatusNeverMoves { .. }
        | InvariantModel::OnePersonPerEmail { .. }
        | InvariantModel::MarketoValueKept { .. } => Topic::Other,
    }
}

/// The fields the invariants watch, in scenario order: the ones they name, the alert
/// recipient's field for alert invariants, and the fields a change feed publishes.
fn watched_fields(model: &Model) -> Vec<FieldId> {
    let mut watched = vec![false; model.fields.len()];
    for inv in &model.invariants {
        match inv {
            InvariantModel::CrmSyncAfter { field }
            | InvariantModel::StageNeverRegresses { field, .. }
            | InvariantModel::MarketoValueKept { field }
            | InvariantModel::OnePersonPerEmail { email: field } => watched[*field as usize] = true,
            InvariantModel::EmailOnlyWhen { when, .. } => {
                for f in when {
                    if let FilterModel::Field(field, _) = f {
                        watched[*field as usize] = true;
                    }
                }
            }
            InvariantModel::AlertHasRecipient | InvariantModel::OneAlertPerPerson { .. } => {
                if let Some(f) = model.owner_field {
                    watched[f as usize] = true;
                }
            }
            _ => {}
        }
    }
    if let Some(feed) = &model.integrations.changes {
        for f in &feed.fields {
            watched[*f as usize] = true;
        }
    }
    (0..model.fields.len() as FieldId)
        .filter(|f| watched[*f as usize])
        .collect()
}

/// The lists (and e-mails) the entry invariants follow, each pair once.
fn entry_watches(model: &Model) -> Vec<(ListId, crate::engine::value::Sym)> {
    let mut out = Vec::new();
    for inv in &model.invariants {
        if let InvariantModel::OneEmailPerEntry { list, email }
        | InvariantModel::NoEntryLost { list, email } = inv
        {
            if !out.contains(&(*list, *email)) {
                out.push((*list, *email));
            }
        }
    }
    out
}

/// What one lead is in `model`: `people`, or for a scenario without people the items its
/// integration handles.
pub fn lead_unit(model: &Model) -> &'static str {
    if !model.people.is_empty() {
        "people"
    } else if model.integrations.responses.is_some() {
        "responses"
    } else {
        "records"
    }
}

/// Leads and affected leads of a finished run, as [`outcomes`] counts them, without
/// describing anyone (what a sweep takes of each run).
pub fn lead_counts(sim: &Sim) -> (u64, u64) {
    if sim.model.people.is_empty() {
        let (leads, affected, _) = items(sim);
        return (leads, affected);
    }
    // A spare record (the duplicate of a declared person's email) is not another lead: a
    // violation about it counts against the lead whose address it shares.
    let spare_of = |i: usize| sim.model.people[i].spare_of.map(|s| s as usize);
    let people = &sim.state.people;
    let mut hit = vec![false; people.len()];
    for v in &sim.state.monitor.violations {
        if let Some(p) = v.person {
            let i = p as usize - 1;
            hit[spare_of(i).unwrap_or(i)] = true;
        }
    }
    let is_lead = |i: usize| people[i].exists && spare_of(i).is_none();
    let leads = (0..people.len()).filter(|&i| is_lead(i)).count() as u64;
    let affected = (0..people.len()).filter(|&i| is_lead(i) && hit[i]).count() as u64;
    (leads, affected)
}

/// The items of a scenario without people: (count, affected, one line each).
fn items(sim: &Sim) -> (u64, u64, Vec<String>) {
    let model = sim.model;
    let (mut leads, mut affected, mut lines) = (0, 0, Vec::new());
    // Imported record ranges per checkpoint, as (first record, last record).
    let mut ranges: Vec<Vec<(u64, u64)>> = vec![Vec::new(); model.integrations.checkpoints.len()];
    let mut processed = 0u64;
    for e in &sim.trace {
        match e.kind {
            EventKind::RecordsImported {
                checkpoint,
                from,
                to,
                count,
            } if count > 0 => {
                let every = model.integrations.checkpoints[checkpoint as usize].record_every;
                let (first, last) = (from / every + 1, to / every);
                if last >= first {
                    ranges[checkpoint as usize].push((first, last));
                }
            }
            EventKind::ResponsesProcessed { records } => processed += records as u64,
            _ => {}
        }
    }
    if !model.integrations.jobs.is_empty() {
        for (cp, spans) in model.integrations.checkpoints.iter().zip(&ranges) {
            let (once, twice) = coverage(spans);
            leads += once;
            affected += twice;
            lines.push(format!(
                "{once} record(s) of {} imported, {twice} of them more than once",
                cp.key
            ));
        }
    }
    if let Some(feed) = &model.integrations.responses {
        let total = feed.count as u64 + sim.state.monitor.extra_responses;
        let lost = total.saturating_sub(processed);
        leads += total;
        affected += lost;
        lines.push(format!(
            "{total} response(s) for \"{}\": {} processed, {lost} lost or never processed",
            feed.campaign,
            total - lost
        ));
    }
    (leads, affected, lines)
}

/// Records covered at least once and at least twice by inclusive ranges.
fn coverage(spans: &[(u64, u64)]) -> (u64, u64) {
    let mut edges: Vec<(u64, i64)> = Vec::with_capacity(spans.len() * 2);
    for &(a, b) in spans {
        edges.push((a, 1));
        edges.push((b + 1, -1));
    }
    edges.sort_unstable();
    let (mut once, mut twice, mut depth, mut at) = (0, 0, 0i64, 0u64);
    for (x, d) in edges {
        let len = x - at;
        if depth >= 1 {
            once += len;
        }
        if depth >= 2 {
            twice += len;
        }
        depth += d;
        at = x;
    }
    (once, twice)
}

/// What happened to every lead of a finished run.
pub fn outcomes(sim: &Sim) -> Outcomes {
    let model = sim.model;
    if model.people.is_empty() {
        let (leads, affected, items) = items(sim);
        return Outcomes {
            lead_unit: lead_unit(model).into(),
            leads,
            affected_leads: affected,
            people: Vec::new(),
            items,
        };
    }
    let syms: &Symbols = &sim.syms;
    let n = model.people.len();
    let watches = entry_watches(model);
    let mut out: Vec<PersonOutcome> = (0..n)
        .map(|p| PersonOutcome {
            person: p as u32 + 1,
            second_record_of: model.people[p].spare_of.map(|s| s + 1),
            entries: watches
                .iter()
                .map(|(l, e)| EntryOutcome {
                    list: model.lists[*l as usize].clone(),
                    email: syms.text(*e).to_string(),
                    emails_per_entry: Vec::new(),
                })
                .collect(),
            crm: model.crm.as_ref().map(|_| CrmOutcome {
                synced_ms: None,
                queue: None,
                owner: None,
                right: true,
            }),
            changes: model
                .integrations
                .changes
                .as_ref()
                .map(|_| ChangeOutcome::default()),
            ..Default::default()
        })
        .collect();
    // Each person's current entry number in each watched list.
    let mut entry = vec![0u32; n * watches.len()];
    for e in &sim.trace {
        let Some(p) = e.person else { continue };
        let (p, o) = (p as usize, &mut out[p as usize]);
        match e.kind {
            EventKind::AlertSent { alert, recipient } => o.alerts.push(AlertOutcome {
                alert: syms.text(alert).to_string(),
                recipient: (!recipient.is_empty()).then(|| syms.show(recipient)),
            }),
            EventKind::AddedToList { list, entry: k } => {
                for (w, o) in watches.iter().zip(&mut o.entries) {
                    if w.0 == list {
                        o.emails_per_entry.resize(k as usize, 0);
                    }
                }
                for (i, w) in watches.iter().enumerate() {
                    if w.0 == list {
                        entry[p * watches.len() + i] = k;
                    }
                }
            }
            EventKind::EmailSent { email } => {
                let name = syms.text(email);
                match o.emails.iter_mut().find(|(e, _)| e == name) {
                    Some((_, k)) => *k += 1,
                    None => o.emails.push((name.to_string(), 1)),
                }
                for (i, w) in watches.iter().enumerate() {
                    let k = entry[p * watches.len() + i] as usize;
                    if w.1 == email && k > 0 {
                        o.entries[i].emails_per_entry[k - 1] += 1;
                    }
                }
            }
            EventKind::CrmReceived { .. } => {
                if let Some(c) = &mut o.crm {
                    c.synced_ms.get_or_insert(e.time);
                }
            }
            EventKind::OwnerAssigned { owner, queue } => {
                if let Some(c) = &mut o.crm {
                    c.owner = Some(syms.text(owner).to_string());
                    c.queue = Some(syms.text(queue).to_string());
                }
            }
            EventKind::ChangePublished { .. } => {
                if let Some(c) = &mut o.changes {
                    c.messages += 1;
                }
            }
            EventKind::ConsumerDecided {
                version,
                primary_version,
                ..
            } if version < primary_version => {
                if let Some(c) = &mut o.changes {
                    c.stale_decisions += 1;
                }
            }
            EventKind::ConsumerActed { .. } => {
                if let Some(c) = &mut o.changes {
                    c.actions += 1;
                }
            }
            _ => {}
        }
    }
    for v in &sim.state.monitor.violations {
        let Some(p) = v.person else { continue };
        let o = &mut out[p as usize - 1];
        o.affected = true;
        let crm = model
            .invariants
            .iter()
            .any(|i| i.name() == v.invariant && topic(i) == Topic::Crm);
        if let (true, Some(c)) = (crm, &mut o.crm) {
            c.right = false;
        }
        o.violations.push(PersonViolation {
            invariant: v.invariant.clone(),
            title: super::words::invariant_title_of(model, &v.invariant).to_string(),
            message: v.message.clone(),
        });
    }
    let fields = watched_fields(model);
    let mut people = Vec::with_capacity(n);
    for (mut o, state) in out.into_iter().zip(&sim.state.people) {
        if !state.exists {
            continue;
        }
        o.fields = fields
            .iter()
            .map(|&f| {
                let def = &model.fields[f as usize];
                FieldValue {
                    field: def.name.clone(),
                    label: def.display_name().to_string(),
                    value: super::words::value(syms, state.fields[f as usize]),
                }
            })
            .collect();
        o.summary = summary(model, syms, &o);
        people.push(o);
    }
    let (leads, affected_leads) = lead_counts(sim);
    Outcomes {
        lead_unit: "people".into(),
        leads,
        affected_leads,
        people,
        items: Vec::new(),
    }
}

/// "2 times", "once".
fn times(k: u32) -> String {
    match k {
        0 => "never".into(),
        1 => "once".into(),
        k => format!("{k} times"),
    }
}

/// One line for a person: alerts, e-mails, CRM routing, watched fields, change events.
fn summary(model: &Model, syms: &Symbols, o: &PersonOutcome) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(first) = o.second_record_of {
        parts.push(format!(
            "a second record for person {first}'s email address (a duplicate)"
        ));
    }
    for a in &o.alerts {
        parts.push(match &a.recipient {
            Some(r) => format!("alert \"{}\" sent to {r}", a.alert),
            None => format!("alert \"{}\" sent to no one", a.alert),
        });
    }
    for inv in &model.invariants {
        if let InvariantModel::OneAlertPerPerson { alert } = inv {
            let name = syms.text(*alert);
            if !o.alerts.iter().any(|a| a.alert == name) {
                parts.push(format!("no alert \"{name}\""));
            }
        }
    }
    for e in &o.entries {
        let per = &e.emails_per_entry;
        if per.is_empty() {
            continue;
        }
        if per.iter().all(|&k| k == 1) {
            parts.push(format!(
                "\"{}\" once for each of {} entr{} in \"{}\"",
                e.email,
                per.len(),
                if per.len() == 1 { "y" } else { "ies" },
                e.list
            ));
        } else {
            let each: Vec<String> = per
                .iter()
                .enumerate()
                .map(|(i, &k)| format!("entry {}: {}", i + 1, times(k)))
                .collect();
            parts.push(format!(
                "\"{}\" per entry in \"{}\": {}",
                e.email,
                e.list,
                each.join(", ")
            ));
        }
    }
    for (email, k) in &o.emails {
        if !o.entries.iter().any(|e| &e.email == email) {
            parts.push(format!("\"{email}\" sent {}", times(*k)));
        }
    }
    if let Some(c) = &o.crm {
        let verdict = if c.right { "" } else { " (misrouted)" };
        parts.push(match (c.synced_ms, &c.queue) {
            (None, _) => "never reached the CRM".to_string(),
            (Some(_), Some(q)) => format!(
                "routed in the CRM to \"{q}\", owner {}{verdict}",
                c.owner.as_deref().unwrap_or("none")
            ),
            (Some(_), None) => format!("in the CRM, not routed{verdict}"),
        });
    }
    // The owner field, once the CRM's owner has arrived in it, was said with the routing.
    let owner_field = model
        .crm
        .as_ref()
        .map(|c| &model.fields[c.owner_field as usize].name);
    let crm_owner = o.crm.as_ref().and_then(|c| c.owner.as_deref());
    for f in &o.fields {
        if Some(&f.field) == owner_field && Some(f.value.as_str()) == crm_owner {
            continue;
        }
        parts.push(format!("{}: {}", f.label, f.value));
    }
    if let Some(c) = &o.changes {
        if c.messages > 0 {
            parts.push(format!(
                "{} change event(s), {} decided on stale data, action ran {}",
                c.messages,
                c.stale_decisions,
                times(c.actions)
            ));
        }
    }
    if parts.is_empty() {
        "nothing happened".to_string()
    } else {
        parts.join("; ")
    }
}
