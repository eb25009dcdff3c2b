//! Renaming something the scenario refers to by name (a static list, a field, a smart
//! campaign, a webhook, a program, a knob) renames every reference to it, so a rename never
//! breaks a trigger, filter, flow step, choice, outside event, check, variant or system that
//! uses the old name. A new name already taken, or empty, is refused with a message in
//! Marketo's words.

use crate::engine::scenario::{
    Action, Campaign, Filter, Invariant, KvOp, OutsideEvent, Scenario, Service, Trigger,
};

/// The API name of the field people are looked up by (Email Address): it keeps its name.
pub const EMAIL: &str = "email";

/// What is renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    List,
    Field,
    Campaign,
    Webhook,
    Program,
    Knob,
}

impl Named {
    /// Marketo's word for it, for messages.
    pub fn word(self) -> &'static str {
        match self {
            Named::List => "static list",
            Named::Field => "field",
            Named::Campaign => "smart campaign",
            Named::Webhook => "webhook",
            Named::Program => "program",
            Named::Knob => "knob",
        }
    }

    fn taken(self, s: &Scenario, name: &str) -> bool {
        match self {
            Named::List => s.lists.iter().any(|l| l == name),
            Named::Field => (s.fields.iter()).any(|f| f.name == name),
            Named::Campaign => {
                s.campaigns.iter().any(|c| c.name == name)
                    || (s.variants.iter()).any(|v| v.campaigns.iter().any(|c| c.name == name))
            }
            Named::Webhook => s.systems.webhooks.iter().any(|w| w.name == name),
            Named::Program => s.programs.iter().any(|p| p.name == name),
            Named::Knob => s.knobs.iter().any(|k| k.name == name),
        }
    }
}

/// Refuses a new name that is empty or already taken by another item of the same kind.
pub fn check_new_name(s: &Scenario, kind: Named, old: &str, new: &str) -> Result<(), String> {
    if new.trim().is_empty() {
        return Err(format!("A {} needs a name.", kind.word()));
    }
    if new != old && kind.taken(s, new) {
        return Err(format!(
            "There is already a {} \u{201c}{new}\u{201d}; choose another name.",
            kind.word()
        ));
    }
    Ok(())
}

/// Renames every reference to `old` (a `kind`) in `s` to `new`. The item itself is renamed
/// by the caller.
pub fn references(s: &mut Scenario, kind: Named, old: &str, new: &str) {
    if old == new {
        return;
    }
    if kind == Named::Knob {
        knob_references(s, old, new);
        return;
    }
    let r = Renamer { kind, old, new };
    for c in s.campaigns.iter_mut() {
        r.campaign(c);
    }
    for v in s.variants.iter_mut() {
        for c in v.campaigns.iter_mut() {
            r.campaign(c);
        }
        if kind == Named::Campaign {
            r.names(v.deactivate.iter_mut());
            r.names(v.campaigns.iter_mut().map(|c| &mut c.name));
        }
        if kind == Named::Webhook {
            r.names(v.webhooks.iter_mut().map(|w| &mut w.name));
        }
        if kind == Named::Program {
            r.names(v.programs.iter_mut().map(|p| &mut p.name));
        }
        let patches = (v.jobs.iter_mut())
            .chain(v.rest_api.as_mut())
            .chain(v.response_feed.as_mut())
            .chain(v.change_feed.as_mut())
            .chain(v.crm.as_mut())
            .chain(v.person_creation.as_mut());
        for patch in patches {
            r.in_patch(patch);
        }
    }
    for ev in s.script.iter_mut() {
        r.event(&mut ev.event);
    }
    for inv in s.invariants.iter_mut() {
        r.invariant(inv);
    }
    if kind == Named::Field {
        for g in s.people.iter_mut() {
            if let Some(v) = g.fields.remove(old) {
                g.fields.insert(new.to_string(), v);
            }
        }
        for w in s.systems.webhooks.iter_mut() {
            for target in w.response_mappings.values_mut() {
                r.name(target);
            }
            r.token_in(&mut w.service);
        }
        if let Some(crm) = s.systems.crm.as_mut() {
            r.name(&mut crm.owner_field);
            for a in crm.automations.iter_mut() {
                r.name(&mut a.field);
            }
        }
    }
    if let Some(crm) = s.systems.crm.as_mut() {
        for rule in crm.assignment_rules.iter_mut() {
            rule.when.iter_mut().for_each(|f| r.filter(f));
        }
    }
    if let Some(feed) = s.systems.response_feed.as_mut() {
        if kind == Named::Campaign {
            r.name(&mut feed.campaign);
        }
    }
    if let Some(feed) = s.systems.change_feed.as_mut() {
        for l in feed.lists.iter_mut() {
            if kind == Named::List {
                r.name(&mut l.list);
            }
            l.when.iter_mut().for_each(|f| r.filter(f));
        }
        if kind == Named::Field {
            r.names(feed.fields.iter_mut());
        }
        if let Some(b) = feed.action.as_mut() {
            b.when.iter_mut().for_each(|f| r.filter(f));
            r.action(&mut b.then);
        }
    }
}

struct Renamer<'a> {
    kind: Named,
    old: &'a str,
    new: &'a str,
}

impl Renamer<'_> {
    fn name(&self, n: &mut String) {
        if n == self.old {
            *n = self.new.to_string();
        }
    }

    fn names<'b>(&self, items: impl Iterator<Item = &'b mut String>) {
        items.for_each(|n| self.name(n));
    }

    /// The keys under which a variant's JSON changes (to the CRM, jobs, feeds) name this kind.
    fn keys(&self) -> &'static [&'static str] {
        match self.kind {
            Named::List => &[
                "list",
                "lists",
                "add_to_list",
                "remove_from_list",
                "added_to_list",
                "removed_from_list",
            ],
            Named::Field => &[
                "field",
                "fields",
                "owner_field",
                "from_field",
                "token",
                "dedupe_field",
                "change_data_value",
            ],
            Named::Campaign => &["campaign", "request_campaign", "execute_campaign"],
            Named::Webhook => &["webhook", "call_webhook"],
            Named::Program => &["program"],
            Named::Knob => &[],
        }
    }

    /// Renames in a variant's JSON change: text equal to the old name under [`Self::keys`]
    /// (and under `field` inside such a value).
    fn in_patch(&self, v: &mut serde_json::Value) {
        let keys = self.keys();
        rename_in_json(v, self.old, self.new, false, &|key, inside| {
            keys.contains(&key) || (inside && key == "field")
        });
    }

    fn is(&self, kind: Named) -> bool {
        self.kind == kind
    }

    fn campaign(&self, c: &mut Campaign) {
        let sl = &mut c.smart_list;
        for t in sl.triggers.iter_mut() {
            match t {
                Trigger::AddedToList(l) | Trigger::RemovedFromList(l) if self.is(Named::List) => {
                    self.name(l)
                }
                Trigger::DataValueChanges { field: f, .. } | Trigger::ScoreIsChanged(f)
                    if self.is(Named::Field) =>
                {
                    self.name(f)
                }
                Trigger::ProgramStatusIsChanged { program, .. } if self.is(Named::Program) => {
                    self.name(program)
                }
                _ => {}
            }
        }
        sl.filters.iter_mut().for_each(|f| self.filter(f));
        c.flow.iter_mut().for_each(|a| self.action(a));
    }

    fn filter(&self, f: &mut Filter) {
        match f {
            Filter::Field { field, .. } if self.is(Named::Field) => self.name(field),
            Filter::MemberOfList { list, .. } if self.is(Named::List) => self.name(list),
            Filter::ProgramStatus { program, .. } if self.is(Named::Program) => self.name(program),
            Filter::MemberOfCampaign { campaign, .. } if self.is(Named::Campaign) => {
                self.name(campaign)
            }
            _ => {}
        }
    }

    fn action(&self, a: &mut Action) {
        match a {
            Action::ChangeDataValue { field, .. } | Action::ChangeScore { field, .. }
                if self.is(Named::Field) =>
            {
                self.name(field)
            }
            Action::AddToList(l) | Action::RemoveFromList(l) if self.is(Named::List) => {
                self.name(l)
            }
            Action::ChangeProgramStatus { program, .. } if self.is(Named::Program) => {
                self.name(program)
            }
            Action::RequestCampaign(c) | Action::ExecuteCampaign(c) if self.is(Named::Campaign) => {
                self.name(c)
            }
            Action::CallWebhook(w) if self.is(Named::Webhook) => self.name(w),
            Action::Choice { branches, default } => {
                for b in branches.iter_mut() {
                    b.when.iter_mut().for_each(|f| self.filter(f));
                    self.action(&mut b.then);
                }
                self.action(default);
            }
            _ => {}
        }
    }

    fn event(&self, e: &mut OutsideEvent) {
        match e {
            OutsideEvent::AddToList(l) if self.is(Named::List) => self.name(l),
            OutsideEvent::ChangeDataValue { field, .. }
            | OutsideEvent::ChangeEventArrives { field }
                if self.is(Named::Field) =>
            {
                self.name(field)
            }
            OutsideEvent::RequestCampaign(c) | OutsideEvent::RunBatchCampaign(c)
                if self.is(Named::Campaign) =>
            {
                self.name(c)
            }
            OutsideEvent::DelayWebhook { webhook, .. } if self.is(Named::Webhook) => {
                self.name(webhook)
            }
            _ => {}
        }
    }

    fn invariant(&self, inv: &mut Invariant) {
        match inv {
            Invariant::OneEmailPerEntry { list, .. } | Invariant::NoEntryLost { list, .. }
                if self.is(Named::List) =>
            {
                self.name(list)
            }
            Invariant::CrmSyncAfter { field }
            | Invariant::StageNeverRegresses { field, .. }
            | Invariant::MarketoValueKept { field }
                if self.is(Named::Field) =>
            {
                self.name(field)
            }
            Invariant::StatusNeverMoves { program, .. } if self.is(Named::Program) => {
                self.name(program)
            }
            Invariant::EmailOnlyWhen { when, .. } => when.iter_mut().for_each(|f| self.filter(f)),
            _ => {}
        }
    }

    /// A field in a webhook's service: `{{lead.Old}}` in a key, a fenced commit's token
    /// field, a fixed answer's `{"from_field": "old"}`.
    fn token_in(&self, service: &mut Service) {
        let (from, to) = (
            format!("{{{{lead.{}}}}}", self.old),
            format!("{{{{lead.{}}}}}", self.new),
        );
        match service {
            Service::KeyValue(op) => {
                let key = match op {
                    KvOp::Get { key }
                    | KvOp::Set { key, .. }
                    | KvOp::Cas { key, .. }
                    | KvOp::Push { key, .. }
                    | KvOp::Pop { key }
                    | KvOp::Claim { key, .. }
                    | KvOp::Commit { key, .. } => key,
                };
                *key = key.replace(&from, &to);
                if let KvOp::Commit { token, .. } = op {
                    self.name(token);
                }
            }
            Service::Respond(answers) => {
                for v in answers.values_mut() {
                    if let Some(serde_json::Value::String(f)) = v.get_mut("from_field") {
                        self.name(f);
                    }
                }
            }
        }
    }
}

/// Keys whose text is words for people, never a knob's name.
const TEXT_KEYS: [&str; 10] = [
    "title",
    "summary",
    "race",
    "lesson",
    "source",
    "description",
    "label",
    "name",
    "id",
    "email",
];

/// A knob is named wherever a number may be given (any `Param`), so its references are
/// renamed in the scenario's JSON: every text value equal to the old name, outside the keys
/// that hold words, and each variant's knob settings.
fn knob_references(s: &mut Scenario, old: &str, new: &str) {
    let knobs = std::mem::take(&mut s.knobs);
    let Ok(mut json) = serde_json::to_value(&*s) else {
        s.knobs = knobs;
        return;
    };
    rename_in_json(&mut json, old, new, true, &|key, _| {
        !TEXT_KEYS.contains(&key)
    });
    if let Ok(mut renamed) = serde_json::from_value::<Scenario>(json) {
        renamed.written = std::mem::take(&mut s.written);
        *s = renamed;
    }
    s.knobs = knobs;
    for v in s.variants.iter_mut() {
        if let Some(value) = v.knobs.remove(old) {
            v.knobs.insert(new.to_string(), value);
        }
    }
}

/// The one walk over a scenario's JSON that renames: text equal to `old` becomes `new` where
/// it is a reference. `inside` says whether text at `v` is one; `refers(key, inside)` says
/// whether text under an object's `key` is (given whether the object's own place is).
fn rename_in_json(
    v: &mut serde_json::Value,
    old: &str,
    new: &str,
    inside: bool,
    refers: &dyn Fn(&str, bool) -> bool,
) {
    use serde_json::Value;
    match v {
        Value::String(t) if inside && t == old => *t = new.to_string(),
        Value::Array(items) => {
            (items.iter_mut()).for_each(|i| rename_in_json(i, old, new, inside, refers))
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                rename_in_json(item, old, new, refers(k, inside), refers);
            }
        }
        _ => {}
    }
}
