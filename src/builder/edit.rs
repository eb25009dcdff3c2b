//! The builder's edit operations, and how each changes a draft scenario. Campaign edits
//! apply to the campaigns as the edited variant sees them ([`campaigns_seen`]): editing a
//! variant stores the changed campaign in that variant, leaving the scenario's own as it is.

use super::duration::Timing;
use super::rename::{self, Named};
use crate::engine::dist::Dist;
use crate::engine::knobs::{Knob, Param};
use crate::engine::scenario::{
    Action, Campaign, CrmConfig, FieldDef, Filter, Invariant, PeopleGroup, ProgramDef,
    Qualification, Scenario, Schedule, ScriptedEvent, Trigger, Variant, VariantRole, WebhookDef,
};

/// One change to the draft.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The scenario's title (what the library and the header show).
    Title(String),
    AddList(String),
    /// Renames a static list and every reference to it.
    RenameList(usize, String),
    RemoveList(usize),
    AddField(FieldDef),
    /// Changes a field; a new API name or display name is followed by every reference.
    SetField(usize, FieldDef),
    RemoveField(usize),
    AddPeople(PeopleGroup),
    SetPeople(usize, PeopleGroup),
    RemovePeople(usize),
    /// A new smart campaign (in the edited variant, if any).
    AddCampaign(Campaign),
    /// A change to the campaign of this name, as the edited variant sees it.
    Campaign(String, CampaignEdit),
    /// Deletes a campaign (in a variant: the variant's own one, or switches the scenario's off).
    RemoveCampaign(String),
    AddWebhook(WebhookDef),
    /// Changes a webhook; a new name is followed by every Call Webhook step.
    SetWebhook(usize, WebhookDef),
    RemoveWebhook(usize),
    AddProgram(ProgramDef),
    /// Changes a program (channel, statuses and their step numbers); a new name is followed
    /// by every reference.
    SetProgram(usize, ProgramDef),
    RemoveProgram(usize),
    /// The CRM (push latency, sync, owner assignment rules); `None`: no CRM.
    Crm(Option<Box<CrmConfig>>),
    AddKnob(Knob),
    /// Changes a knob; a new name is followed by every number that uses the knob.
    SetKnob(usize, Knob),
    RemoveKnob(usize),
    AddEvent(ScriptedEvent),
    SetEvent(usize, ScriptedEvent),
    RemoveEvent(usize),
    AddInvariant(Invariant),
    SetInvariant(usize, Invariant),
    RemoveInvariant(usize),
    /// "Duplicate this variant and change it": a copy of variant `from` named `name`.
    DuplicateVariant {
        from: String,
        name: String,
    },
    /// A variant's name, role and description.
    SetVariant {
        variant: String,
        name: String,
        role: VariantRole,
        description: String,
    },
    RemoveVariant(String),
    Horizon(Param),
    /// Sets a duration (a CRM push, a webhook's round trip, an outside event's time, a Wait
    /// step): see [`super::duration`].
    Duration(Timing, Dist),
    /// The whole draft at once (an import).
    Replace(Box<Scenario>),
}

/// One change to a smart campaign, by Marketo's tabs: Smart List, Flow, Schedule.
#[derive(Debug, Clone, PartialEq)]
pub enum CampaignEdit {
    Rename(String),
    Description(String),
    Active(bool),
    AddTrigger(Trigger),
    SetTrigger(usize, Trigger),
    RemoveTrigger(usize),
    AddFilter(Filter),
    SetFilter(usize, Filter),
    RemoveFilter(usize),
    /// `None` or "all": ALL filters; "any"; or advanced logic ("1 and (2 or 3)").
    Logic(Option<String>),
    AddStep(Action),
    InsertStep(usize, Action),
    SetStep(usize, Action),
    RemoveStep(usize),
    /// Moves the step at the first index to the second.
    MoveStep(usize, usize),
    /// A batch campaign's schedule; `None` makes it a trigger campaign.
    Schedule(Option<Schedule>),
    Qualification(Qualification),
}

/// The campaigns as `variant` sees them, each with whether the variant switches it off.
pub fn campaigns_seen(s: &Scenario, variant: Option<&str>) -> Vec<(Campaign, bool)> {
    let Some(v) = variant.and_then(|v| s.variants.iter().find(|x| x.name == v)) else {
        return s.campaigns.iter().map(|c| (c.clone(), false)).collect();
    };
    let mut out: Vec<(Campaign, bool)> = s
        .campaigns
        .iter()
        .map(|c| {
            let own = v.campaigns.iter().find(|x| x.name == c.name);
            (own.unwrap_or(c).clone(), v.deactivate.contains(&c.name))
        })
        .collect();
    for c in &v.campaigns {
        if !s.campaigns.iter().any(|x| x.name == c.name) {
            out.push((c.clone(), v.deactivate.contains(&c.name)));
        }
    }
    out
}

fn at<T>(items: &mut [T], i: usize, what: &str) -> Result<(), String> {
    if i < items.len() {
        Ok(())
    } else {
        Err(format!("There is no {what} {}.", i + 1))
    }
}

fn set<T>(items: &mut [T], i: usize, v: T, what: &str) -> Result<(), String> {
    at(items, i, what)?;
    items[i] = v;
    Ok(())
}

fn remove<T>(items: &mut Vec<T>, i: usize, what: &str) -> Result<(), String> {
    at(items, i, what)?;
    items.remove(i);
    Ok(())
}

/// Applies `e` to `s`, campaign edits as `variant` sees the campaigns.
pub fn apply(s: &mut Scenario, variant: Option<&str>, e: Edit) -> Result<(), String> {
    match e {
        Edit::Title(t) => s.title = t,
        Edit::AddList(l) => {
            rename::check_new_name(s, Named::List, "", &l)?;
            s.lists.push(l)
        }
        Edit::RenameList(i, l) => {
            at(&mut s.lists, i, "list")?;
            let old = s.lists[i].clone();
            rename::check_new_name(s, Named::List, &old, &l)?;
            rename::references(s, Named::List, &old, &l);
            s.lists[i] = l;
        }
        Edit::RemoveList(i) => remove(&mut s.lists, i, "list")?,
        Edit::AddField(f) => s.fields.push(f),
        Edit::SetField(i, f) => {
            at(&mut s.fields, i, "field")?;
            let old = s.fields[i].clone();
            if old.name == rename::EMAIL && f.name != old.name {
                return Err(format!(
                    "People are looked up by the field with API name \u{201c}{0}\u{201d} \
                     (Email Address): keep its API name {0}; its display name can change.",
                    rename::EMAIL
                ));
            }
            rename::check_new_name(s, Named::Field, &old.name, &f.name)?;
            rename::references(s, Named::Field, &old.name, &f.name);
            if let Some(label) = old.label.as_deref().filter(|l| *l != old.name) {
                rename::references(s, Named::Field, label, f.display_name());
            }
            s.fields[i] = f;
        }
        Edit::RemoveField(i) => remove(&mut s.fields, i, "field")?,
        Edit::AddPeople(p) => s.people.push(p),
        Edit::SetPeople(i, p) => set(&mut s.people, i, p, "group of people")?,
        Edit::RemovePeople(i) => remove(&mut s.people, i, "group of people")?,
        Edit::AddCampaign(c) => match variant_mut(s, variant) {
            Some(v) => v.campaigns.push(c),
            None => s.campaigns.push(c),
        },
        Edit::Campaign(name, ce) => edit_campaign(s, variant, &name, ce)?,
        Edit::RemoveCampaign(name) => remove_campaign(s, variant, &name)?,
        Edit::AddWebhook(w) => s.systems.webhooks.push(w),
        Edit::SetWebhook(i, w) => {
            at(&mut s.systems.webhooks, i, "webhook")?;
            let old = s.systems.webhooks[i].name.clone();
            rename::check_new_name(s, Named::Webhook, &old, &w.name)?;
            rename::references(s, Named::Webhook, &old, &w.name);
            s.systems.webhooks[i] = w;
        }
        Edit::AddProgram(p) => {
            rename::check_new_name(s, Named::Program, "", &p.name)?;
            s.programs.push(p)
        }
        Edit::SetProgram(i, p) => {
            at(&mut s.programs, i, "program")?;
            let old = s.programs[i].name.clone();
            rename::check_new_name(s, Named::Program, &old, &p.name)?;
            rename::references(s, Named::Program, &old, &p.name);
            s.programs[i] = p;
        }
        Edit::RemoveProgram(i) => remove(&mut s.programs, i, "program")?,
        Edit::Crm(crm) => s.systems.crm = crm.map(|c| *c),
        Edit::RemoveWebhook(i) => remove(&mut s.systems.webhooks, i, "webhook")?,
        Edit::AddKnob(k) => s.knobs.push(k),
        Edit::SetKnob(i, k) => {
            at(&mut s.knobs, i, "knob")?;
            let old = s.knobs[i].name.clone();
            rename::check_new_name(s, Named::Knob, &old, &k.name)?;
            rename::references(s, Named::Knob, &old, &k.name);
            s.knobs[i] = k;
        }
        Edit::RemoveKnob(i) => remove(&mut s.knobs, i, "knob")?,
        Edit::AddEvent(ev) => s.script.push(ev),
        Edit::SetEvent(i, ev) => set(&mut s.script, i, ev, "scripted event")?,
        Edit::RemoveEvent(i) => remove(&mut s.script, i, "scripted event")?,
        Edit::AddInvariant(inv) => s.invariants.push(inv),
        Edit::SetInvariant(i, inv) => set(&mut s.invariants, i, inv, "check")?,
        Edit::RemoveInvariant(i) => remove(&mut s.invariants, i, "check")?,
        Edit::DuplicateVariant { from, name } => {
            if s.variants.iter().any(|v| v.name == name) {
                return Err(format!(
                    "There is already a variant \u{201c}{name}\u{201d}."
                ));
            }
            let original = s
                .variants
                .iter()
                .find(|v| v.name == from)
                .ok_or_else(|| format!("There is no variant \u{201c}{from}\u{201d}."))?;
            let copy = Variant {
                name,
                role: VariantRole::Other,
                ..original.clone()
            };
            s.variants.push(copy);
        }
        Edit::SetVariant {
            variant,
            name,
            role,
            description,
        } => {
            let v = s
                .variants
                .iter_mut()
                .find(|v| v.name == variant)
                .ok_or_else(|| format!("There is no variant \u{201c}{variant}\u{201d}."))?;
            v.name = name;
            v.role = role;
            v.description = description;
        }
        Edit::RemoveVariant(name) => {
            let i = (s.variants.iter().position(|v| v.name == name))
                .ok_or_else(|| format!("There is no variant \u{201c}{name}\u{201d}."))?;
            s.variants.remove(i);
        }
        Edit::Horizon(h) => s.horizon = h,
        Edit::Duration(t, d) => set_duration(s, variant, t, d)?,
        Edit::Replace(new) => *s = *new,
    }
    Ok(())
}

/// Sets the duration at `t` to `d`.
fn set_duration(s: &mut Scenario, variant: Option<&str>, t: Timing, d: Dist) -> Result<(), String> {
    let no_crm = || "There is no CRM: add one first.".to_string();
    match t {
        Timing::CrmPush => s.systems.crm.as_mut().ok_or_else(no_crm)?.push_latency = d,
        Timing::CrmAssignment => s.systems.crm.as_mut().ok_or_else(no_crm)?.assignment_delay = d,
        Timing::WebhookLatency(i) => {
            at(&mut s.systems.webhooks, i, "webhook")?;
            s.systems.webhooks[i].latency = d;
        }
        Timing::EventTime(i) => {
            at(&mut s.script, i, "outside event")?;
            s.script[i].at = d;
        }
        Timing::Wait { campaign, step } => {
            if super::duration::get(
                s,
                variant,
                &Timing::Wait {
                    campaign: campaign.clone(),
                    step,
                },
            )
            .is_none()
            {
                return Err(format!(
                    "Flow step {} of \u{201c}{campaign}\u{201d} is not a Wait step.",
                    step + 1
                ));
            }
            edit_campaign(
                s,
                variant,
                &campaign,
                CampaignEdit::SetStep(step, Action::Wait(d)),
            )?;
        }
    }
    Ok(())
}

fn variant_mut<'a>(s: &'a mut Scenario, variant: Option<&str>) -> Option<&'a mut Variant> {
    let v = variant?;
    s.variants.iter_mut().find(|x| x.name == v)
}

/// Finds the campaign called `name` where an edit in `variant` should change it: the
/// variant's own copy (made from the scenario's on first edit), or the scenario's.
fn campaign_mut<'a>(
    s: &'a mut Scenario,
    variant: Option<&str>,
    name: &str,
) -> Result<&'a mut Campaign, String> {
    let missing = || format!("There is no smart campaign \u{201c}{name}\u{201d}.");
    let base = s.campaigns.iter().position(|c| c.name == name);
    let base_copy = base.map(|i| s.campaigns[i].clone());
    let Some(vi) = variant.and_then(|v| s.variants.iter().position(|x| x.name == v)) else {
        return match base {
            Some(i) => Ok(&mut s.campaigns[i]),
            None => Err(missing()),
        };
    };
    let v = &mut s.variants[vi];
    let i = match v.campaigns.iter().position(|c| c.name == name) {
        Some(i) => i,
        None => {
            v.campaigns.push(base_copy.ok_or_else(missing)?);
            v.campaigns.len() - 1
        }
    };
    Ok(&mut v.campaigns[i])
}

fn edit_campaign(
    s: &mut Scenario,
    variant: Option<&str>,
    name: &str,
    e: CampaignEdit,
) -> Result<(), String> {
    if let CampaignEdit::Active(on) = e {
        if let Some(v) = variant_mut(s, variant) {
            v.deactivate.retain(|d| d != name);
            if !on {
                v.deactivate.push(name.to_string());
            }
            return Ok(());
        }
    }
    if let CampaignEdit::Rename(new) = &e {
        return rename_campaign(s, variant, name, new);
    }
    let c = campaign_mut(s, variant, name)?;
    let sl = &mut c.smart_list;
    match e {
        // Renaming returned above (it changes references, not just this campaign).
        CampaignEdit::Rename(_) => {}
        CampaignEdit::Description(d) => c.description = d,
        CampaignEdit::Active(on) => c.active = on,
        CampaignEdit::AddTrigger(t) => sl.triggers.push(t),
        CampaignEdit::SetTrigger(i, t) => set(&mut sl.triggers, i, t, "trigger")?,
        CampaignEdit::RemoveTrigger(i) => remove(&mut sl.triggers, i, "trigger")?,
        CampaignEdit::AddFilter(f) => sl.filters.push(f),
        CampaignEdit::SetFilter(i, f) => set(&mut sl.filters, i, f, "filter")?,
        CampaignEdit::RemoveFilter(i) => remove(&mut sl.filters, i, "filter")?,
        CampaignEdit::Logic(l) => {
            sl.logic = l.filter(|l| !l.trim().is_empty() && l.trim() != "all");
        }
        CampaignEdit::AddStep(a) => c.flow.push(a),
        CampaignEdit::InsertStep(i, a) => {
            if i > c.flow.len() {
                return Err(format!("There is no flow step {}.", i + 1));
            }
            c.flow.insert(i, a);
        }
        CampaignEdit::SetStep(i, a) => set(&mut c.flow, i, a, "flow step")?,
        CampaignEdit::RemoveStep(i) => remove(&mut c.flow, i, "flow step")?,
        CampaignEdit::MoveStep(from, to) => {
            at(&mut c.flow, from, "flow step")?;
            at(&mut c.flow, to, "flow step")?;
            let step = c.flow.remove(from);
            c.flow.insert(to, step);
        }
        CampaignEdit::Schedule(sch) => c.schedule = sch,
        CampaignEdit::Qualification(q) => c.qualification = q,
    }
    Ok(())
}

/// Renames a smart campaign and every reference to it. In a variant only a campaign the
/// variant adds can be renamed (the scenario's own are renamed in the scenario itself).
fn rename_campaign(
    s: &mut Scenario,
    variant: Option<&str>,
    name: &str,
    new: &str,
) -> Result<(), String> {
    if new == name {
        return Ok(());
    }
    rename::check_new_name(s, Named::Campaign, name, new)?;
    let in_base = s.campaigns.iter().any(|c| c.name == name);
    if variant.is_some() && in_base {
        return Err(format!(
            "\u{201c}{name}\u{201d} belongs to the scenario itself: rename it with \
             \u{201c}Campaign changes go to: The scenario itself\u{201d}."
        ));
    }
    if !in_base
        && !s
            .variants
            .iter()
            .any(|v| v.campaigns.iter().any(|c| c.name == name))
    {
        return Err(format!(
            "There is no smart campaign \u{201c}{name}\u{201d}."
        ));
    }
    rename::references(s, Named::Campaign, name, new);
    for c in s.campaigns.iter_mut().filter(|c| c.name == name) {
        c.name = new.to_string();
    }
    Ok(())
}

fn remove_campaign(s: &mut Scenario, variant: Option<&str>, name: &str) -> Result<(), String> {
    let in_base = s.campaigns.iter().any(|c| c.name == name);
    if let Some(v) = variant_mut(s, variant) {
        let own = v.campaigns.iter().position(|c| c.name == name);
        if let Some(i) = own {
            v.campaigns.remove(i);
        }
        if in_base {
            if !v.deactivate.iter().any(|d| d == name) {
                v.deactivate.push(name.to_string());
            }
        } else if own.is_none() {
            return Err(format!(
                "There is no smart campaign \u{201c}{name}\u{201d}."
            ));
        }
        return Ok(());
    }
    let i = (s.campaigns.iter().position(|c| c.name == name))
        .ok_or_else(|| format!("There is no smart campaign \u{201c}{name}\u{201d}."))?;
    s.campaigns.remove(i);
    Ok(())
}
