//! The builder's programs and CRM panels. Programs: name, channel and the channel's statuses
//! with their step numbers (a person's status only moves to a higher step, as in Marketo).
//! CRM: how long a Sync Person to SFDC push takes, the background sync cycle, the owner
//! field, the default owner and the owner assignment rules (the first rule whose conditions
//! all hold assigns the owner and the queue).

use std::rc::Rc;

use yew::prelude::*;

use super::campaign::{Names, Set};
use super::duration::{AmountEditor, DurationEditor, Knobs};
use super::smart_list::filter_editor;
use super::widgets::{adder, changer, click, menu, on_menu, select, send, small, text, Change};
use super::{BuildState, To};
use crate::builder::duration::{time_knobs, Timing};
use crate::builder::menus::{self, new_filter};
use crate::builder::Edit;
use crate::engine::dist::Dist;
use crate::engine::knobs::Param;
use crate::engine::scenario::{AssignmentRule, CrmConfig, ProgramDef, StatusDef};

/// Programs: name, channel, statuses with step numbers.
pub fn programs(s: &BuildState, to: &To) -> Html {
    let d = s.b.draft();
    let items = d.programs.iter().enumerate().map(|(i, p)| {
        let id = format!("program-{}", i + 1);
        let set = |f: fn(&mut ProgramDef, String)| changer(to, p, move |p| Edit::SetProgram(i, p), f);
        let statuses = p.statuses.iter().enumerate().map(|(k, st)| {
            let sid = format!("{id}-status-{}", k + 1);
            let name = changer(to, p, move |p| Edit::SetProgram(i, p), move |p, v| p.statuses[k].name = v);
            let step = changer(to, p, move |p| Edit::SetProgram(i, p), move |p, v| {
                if let Ok(n) = v.trim().parse::<u32>() {
                    p.statuses[k].step = n;
                }
            });
            let mut without = p.clone();
            without.statuses.remove(k);
            html! {
                <li class="bfield-row">
                    { text(format!("{sid}-name"), "Status", &st.name, name) }
                    { text(format!("{sid}-step"), "Step", &st.step.to_string(), step) }
                    { small(format!("{sid}-remove"), "\u{2715}", format!("Delete status {}", st.name),
                        click(to, Edit::SetProgram(i, without))) }
                </li>
            }
        });
        let add_status = changer(to, p, move |p| Edit::SetProgram(i, p), |p, v| {
            let step = p.statuses.iter().map(|s| s.step).max().unwrap_or(0) + 1;
            p.statuses.push(StatusDef { name: v, step });
        });
        html! {
            <li class="bprogram" id={id.clone()}>
                { text(format!("{id}-name"), "Program", &p.name, set(|p, v| p.name = v)) }
                { text(format!("{id}-channel"), "Channel", &p.channel, set(|p, v| p.channel = v)) }
                <ol class="bitems statuses">{ for statuses }</ol>
                { adder(format!("{id}-add-status"), "New status (the next step)", "status name, then Enter", add_status) }
                { small(format!("remove-{id}"), "\u{2715}", format!("Delete program {}", p.name), click(to, Edit::RemoveProgram(i))) }
            </li>
        }
    });
    let add = {
        let to = to.clone();
        move |name: String| {
            let statuses = ["Not in Program", "Member", "Success"]
                .iter()
                .enumerate()
                .map(|(k, n)| StatusDef {
                    name: n.to_string(),
                    step: k as u32,
                })
                .collect();
            send(
                &to,
                Edit::AddProgram(ProgramDef {
                    name,
                    channel: "Operational".into(),
                    statuses,
                }),
            )
        }
    };
    html! {
        <section class="bpanel" aria-labelledby="build-programs-h">
            <h3 id="build-programs-h">{ "Programs" }</h3>
            <ul class="bitems">{ for items }</ul>
            { adder("add-program".into(), "New program", "name, then Enter", add) }
        </section>
    }
}

/// The CRM: latencies, the owner field, the default owner and the assignment rules.
pub fn crm(s: &BuildState, to: &To, n: &Names) -> Html {
    let d = s.b.draft();
    let Some(crm) = d.systems.crm.clone() else {
        let add = click(to, Edit::Crm(Some(Box::new(new_crm(n)))));
        return html! {
            <section class="bpanel" aria-labelledby="build-crm-h">
                <h3 id="build-crm-h">{ "CRM (Salesforce)" }</h3>
                <p class="hint">{ "No CRM: Sync Person to SFDC steps have nowhere to go." }</p>
                <button id="add-crm" class="small" onclick={add}>{ "Add a CRM" }</button>
            </section>
        };
    };
    let set = |f: Change<CrmConfig>| {
        changer(
            to,
            &crm,
            |c| Edit::Crm(Some(Box::new(c))),
            move |c, v| f(c, v),
        )
    };
    let knobs: Knobs = Rc::new(time_knobs(d));
    let timing = |t: Timing| {
        let to = to.clone();
        Callback::from(move |v| send(&to, Edit::Duration(t.clone(), v)))
    };
    let sync = {
        let (to, crm) = (to.clone(), crm.clone());
        Callback::from(move |p: Option<Param>| {
            let mut c = crm.clone();
            c.sync_interval = p.unwrap_or(Param::Literal(0));
            send(&to, Edit::Crm(Some(Box::new(c))))
        })
    };
    let rules = crm
        .assignment_rules
        .iter()
        .enumerate()
        .map(|(i, r)| rule(to, &crm, i, r, n));
    let add_rule = {
        let (to, crm, stub) = (to.clone(), crm.clone(), n.scenario_stub());
        move |owner: String| {
            let mut c = crm.clone();
            c.assignment_rules.push(AssignmentRule {
                when: new_filter(&stub, "field").into_iter().collect(),
                owner,
                queue: String::new(),
            });
            send(&to, Edit::Crm(Some(Box::new(c))))
        }
    };
    html! {
        <section class="bpanel" aria-labelledby="build-crm-h">
            <h3 id="build-crm-h">{ "CRM (Salesforce)" }</h3>
            <DurationEditor id="crm-push" label={Timing::CrmPush.label()} value={crm.push_latency.clone()}
                knobs={knobs.clone()} on_change={timing(Timing::CrmPush)} />
            <DurationEditor id="crm-assign" label={Timing::CrmAssignment.label()} value={crm.assignment_delay.clone()}
                knobs={knobs.clone()} on_change={timing(Timing::CrmAssignment)} />
            <AmountEditor id="crm-sync" label="Background sync every" value={Some(crm.sync_interval.clone())}
                knobs={knobs} on_change={sync} /><br/>
            { select("crm-owner-field".into(), "Owner field", &n.fields, &crm.owner_field,
                set(Rc::new(|c, v| c.owner_field = v))) }
            { text("crm-default-owner".into(), "Owner when no rule matches (empty: unassigned)",
                crm.default_owner.as_deref().unwrap_or(""),
                set(Rc::new(|c, v| c.default_owner = (!v.trim().is_empty()).then(|| v.trim().to_string())))) }
            <h4>{ "Lead assignment rules (the first that matches assigns)" }</h4>
            <ol class="bitems" id="crm-rules">{ for rules }</ol>
            { adder("add-crm-rule".into(), "New assignment rule: owner", "owner's name, then Enter", add_rule) }
            { small("remove-crm".into(), "Remove the CRM", "Remove the CRM".into(), click(to, Edit::Crm(None))) }
        </section>
    }
}

fn new_crm(n: &Names) -> CrmConfig {
    let owner = n.fields.iter().find(|(f, _)| f.contains("owner"));
    CrmConfig {
        push_latency: Dist::Uniform {
            min: Param::Literal(0),
            max: Param::Literal(60_000),
        },
        sync_interval: Param::Literal(300_000),
        assignment_delay: Dist::Fixed(Param::Literal(0)),
        assignment_rules: Vec::new(),
        default_owner: None,
        owner_field: owner.map_or("owner".into(), |(f, _)| f.clone()),
        automations: Vec::new(),
        conflict_winner: Default::default(),
    }
}

/// One assignment rule: its conditions (all must hold), the owner and the queue.
fn rule(to: &To, crm: &CrmConfig, i: usize, r: &AssignmentRule, n: &Names) -> Html {
    let id = format!("crm-rule-{}", i + 1);
    let with = |f: Change<AssignmentRule>| {
        changer(
            to,
            crm,
            |c| Edit::Crm(Some(Box::new(c))),
            move |c, v| f(&mut c.assignment_rules[i], v),
        )
    };
    let conditions = r.when.iter().enumerate().map(|(k, f)| {
        let set: Set<crate::engine::scenario::Filter> = {
            let (to, crm) = (to.clone(), crm.clone());
            Rc::new(move |f| {
                let mut c = crm.clone();
                c.assignment_rules[i].when[k] = f;
                send(&to, Edit::Crm(Some(Box::new(c))))
            })
        };
        let mut without = crm.clone();
        without.assignment_rules[i].when.remove(k);
        html! {
            <li class="condition">
                { filter_editor(&format!("{id}-if-{}", k + 1), f, n, set) }
                { small(format!("{id}-if-{}-remove", k + 1), "\u{2715}",
                    format!("Delete condition {} of rule {}", k + 1, i + 1),
                    click(to, Edit::Crm(Some(Box::new(without))))) }
            </li>
        }
    });
    let add_condition = {
        let (to, crm, stub) = (to.clone(), crm.clone(), n.scenario_stub());
        on_menu(move |k| {
            if let Some(f) = new_filter(&stub, &k) {
                let mut c = crm.clone();
                c.assignment_rules[i].when.push(f);
                send(&to, Edit::Crm(Some(Box::new(c))))
            }
        })
    };
    let mut without = crm.clone();
    without.assignment_rules.remove(i);
    html! {
        <li class="bitem" id={id.clone()}>
            <span class="kw">{ format!("Rule {}: when all of", i + 1) }</span>
            <ol class="conditions">{ for conditions }</ol>
            <label class="bfield add-menu">
                <span class="blabel">{ format!("Add a condition to rule {}", i + 1) }</span>
                <select id={format!("{id}-add-condition")} onchange={add_condition}>
                    <option value="" selected=true>{ "choose\u{2026}" }</option>
                    { for menu(&menus::FILTERS).into_iter().map(|(v, t)| html! { <option value={v}>{ t }</option> }) }
                </select>
            </label>
            { text(format!("{id}-owner"), "assign owner", &r.owner, with(Rc::new(|r, v| r.owner = v))) }
            { text(format!("{id}-queue"), "queue", &r.queue, with(Rc::new(|r, v| r.queue = v))) }
            { small(format!("remove-{id}"), "\u{2715}", format!("Delete rule {}", i + 1),
                click(to, Edit::Crm(Some(Box::new(without))))) }
        </li>
    }
}
