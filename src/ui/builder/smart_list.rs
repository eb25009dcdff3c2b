//! The Smart List tab of a smart campaign: triggers and filters chosen from menus with
//! Marketo's names, each with its constraints (Data Value Changes: attribute, new value,
//! previous value), and ALL / ANY / advanced filter logic.

use std::rc::Rc;

use yew::prelude::*;

use super::campaign::{add_menu, error_at, Names, Set};
use super::widgets::{menu, on_menu, select, small, text};
use crate::builder::menus::{
    self, key_of, new_filter, new_test, new_trigger, typed_value, value_text,
};
use crate::builder::{CampaignEdit, Issue};
use crate::engine::scenario::{Campaign, FieldTest, Filter, RequestSource, Trigger};

pub(super) fn smart_list(
    c: &Campaign,
    n: &Names,
    ce: Rc<dyn Fn(CampaignEdit)>,
    issues: &[Issue],
) -> Html {
    let sl = &c.smart_list;
    let triggers = sl.triggers.iter().enumerate().map(|(i, t)| {
        let set: Set<Trigger> = {
            let ce = ce.clone();
            Rc::new(move |t| ce(CampaignEdit::SetTrigger(i, t)))
        };
        let bad = issues.iter().any(|x| x.location.trigger == Some(i));
        let remove = {
            let ce = ce.clone();
            Callback::from(move |_| ce(CampaignEdit::RemoveTrigger(i)))
        };
        html! {
            <li class={classes!("bitem", bad.then_some("invalid"))} aria-invalid={bad.to_string()}>
                { trigger_editor(&format!("trigger-{}", i + 1), t, n, set) }
                { small(format!("remove-trigger-{}", i + 1), "\u{2715}", format!("Delete trigger {}", i + 1), remove) }
                { error_at(issues, |x| x.location.trigger == Some(i), format!("trigger-{}-error", i + 1)) }
            </li>
        }
    });
    let filters = sl.filters.iter().enumerate().map(|(i, f)| {
        let set: Set<Filter> = {
            let ce = ce.clone();
            Rc::new(move |f| ce(CampaignEdit::SetFilter(i, f)))
        };
        let hit = move |x: &Issue| x.location.filter == Some(i) && x.location.step.is_none();
        let bad = issues.iter().any(hit);
        let remove = {
            let ce = ce.clone();
            Callback::from(move |_| ce(CampaignEdit::RemoveFilter(i)))
        };
        html! {
            <li class={classes!("bitem", bad.then_some("invalid"))} aria-invalid={bad.to_string()}>
                <span class="num">{ format!("{}", i + 1) }</span>
                { filter_editor(&format!("filter-{}", i + 1), f, n, set) }
                { small(format!("remove-filter-{}", i + 1), "\u{2715}", format!("Delete filter {}", i + 1), remove) }
                { error_at(issues, hit, format!("filter-{}-error", i + 1)) }
            </li>
        }
    });
    let add_trigger = {
        let ce = ce.clone();
        let s = n.scenario_stub();
        on_menu(move |k| {
            if let Some(t) = new_trigger(&s, &k) {
                ce(CampaignEdit::AddTrigger(t))
            }
        })
    };
    let add_filter = {
        let ce = ce.clone();
        let s = n.scenario_stub();
        on_menu(move |k| {
            if let Some(f) = new_filter(&s, &k) {
                ce(CampaignEdit::AddFilter(f))
            }
        })
    };
    let logic_kind = match sl.logic.as_deref() {
        None | Some("all") => "all",
        Some("any") => "any",
        Some(_) => "advanced",
    };
    let logic = {
        let ce = ce.clone();
        let count = sl.filters.len();
        move |k: String| {
            ce(CampaignEdit::Logic(match k.as_str() {
                "any" => Some("any".into()),
                "advanced" => Some(
                    (1..=count.max(1))
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(" and "),
                ),
                _ => None,
            }))
        }
    };
    let logic_options = menu(&[
        ("all", "Use ALL filters"),
        ("any", "Use ANY filters"),
        ("advanced", "Use advanced filter logic"),
    ]);
    let advanced = {
        let ce = ce.clone();
        move |v: String| ce(CampaignEdit::Logic(Some(v)))
    };
    html! {
        <div class="smart-list">
            <h4>{ "Triggers" }</h4>
            <ul class="bitems" id="triggers">{ for triggers }</ul>
            { add_menu("add-trigger", "Add a trigger", &menu(&menus::TRIGGERS), add_trigger) }
            <h4>{ "Filters" }</h4>
            <ol class="bitems" id="filters">{ for filters }</ol>
            { add_menu("add-filter", "Add a filter", &menu(&menus::FILTERS), add_filter) }
            { select("filter-logic".into(), "Filter logic", &logic_options, logic_kind, logic) }
            if logic_kind == "advanced" {
                { text("advanced-logic".into(), "Advanced logic, e.g. 1 and (2 or 3)",
                    sl.logic.as_deref().unwrap_or(""), advanced) }
            }
        </div>
    }
}

fn trigger_editor(id: &str, t: &Trigger, n: &Names, set: Set<Trigger>) -> Html {
    let kind = {
        let (set, stub) = (set.clone(), n.scenario_stub());
        move |k: String| {
            if let Some(t) = new_trigger(&stub, &k) {
                set(t)
            }
        }
    };
    let head = select(
        format!("{id}-kind"),
        "Trigger",
        &menu(&menus::TRIGGERS),
        &key_of(t),
        kind,
    );
    let with = |f: Box<dyn Fn(String) -> Trigger>| {
        let set = set.clone();
        move |v: String| set(f(v))
    };
    let params = match t {
        Trigger::PersonIsCreated => html! {},
        Trigger::FillsOutForm { form } => text(
            format!("{id}-form"),
            "Form (empty: any form)",
            form.as_deref().unwrap_or(""),
            with(Box::new(|v| Trigger::FillsOutForm {
                form: (!v.is_empty()).then_some(v),
            })),
        ),
        Trigger::AddedToList(l) => select(
            format!("{id}-list"),
            "List",
            &n.lists,
            l,
            with(Box::new(Trigger::AddedToList)),
        ),
        Trigger::RemovedFromList(l) => select(
            format!("{id}-list"),
            "List",
            &n.lists,
            l,
            with(Box::new(Trigger::RemovedFromList)),
        ),
        Trigger::ScoreIsChanged(f) => select(
            format!("{id}-field"),
            "Score",
            &n.fields,
            f,
            with(Box::new(Trigger::ScoreIsChanged)),
        ),
        Trigger::CampaignIsRequested { source } => {
            let options = menu(&[
                ("flow_action", "Marketo Flow Action"),
                ("web_service_api", "Web Service API"),
                ("any", "Any source"),
            ]);
            select(
                format!("{id}-source"),
                "Source",
                &options,
                &key_of(source),
                with(Box::new(|v| Trigger::CampaignIsRequested {
                    source: serde_json::from_value(serde_json::Value::String(v))
                        .unwrap_or(RequestSource::Any),
                })),
            )
        }
        Trigger::ProgramStatusIsChanged {
            program,
            new_status,
        } => {
            let (p, st) = (program.clone(), new_status.clone());
            html! { <>
                { text(format!("{id}-program"), "Program", program,
                    with(Box::new(move |v| Trigger::ProgramStatusIsChanged { program: v, new_status: st.clone() }))) }
                { text(format!("{id}-status"), "New status (empty: any)", new_status.as_deref().unwrap_or(""),
                    with(Box::new(move |v| Trigger::ProgramStatusIsChanged { program: p.clone(), new_status: (!v.is_empty()).then_some(v) }))) }
            </> }
        }
        Trigger::DataValueChanges {
            field,
            new_value,
            previous_value,
        } => {
            let (nv, pv) = (new_value.clone(), previous_value.clone());
            let f1 = field.clone();
            let f2 = field.clone();
            let pv2 = pv.clone();
            let nv2 = nv.clone();
            html! { <>
                { select(format!("{id}-field"), "Attribute", &n.fields, field,
                    with(Box::new(move |v| Trigger::DataValueChanges { field: v, new_value: nv.clone(), previous_value: pv.clone() }))) }
                { optional_test(&format!("{id}-new"), "New value", new_value.as_ref(),
                    Rc::new({ let set = set.clone(); move |t| set(Trigger::DataValueChanges { field: f1.clone(), new_value: t, previous_value: pv2.clone() }) })) }
                { optional_test(&format!("{id}-previous"), "Previous value", previous_value.as_ref(),
                    Rc::new({ let set = set.clone(); move |t| set(Trigger::DataValueChanges { field: f2.clone(), new_value: nv2.clone(), previous_value: t }) })) }
            </> }
        }
    };
    html! { <div class="bline">{ head }{ params }</div> }
}

/// A constraint that may be absent ("any").
fn optional_test(
    id: &str,
    label: &str,
    t: Option<&FieldTest>,
    set: Set<Option<FieldTest>>,
) -> Html {
    let mut options = menu(&[("", "any")]);
    options.extend(menu(&menus::TESTS));
    let current = t.map(key_of).unwrap_or_default();
    let old = t.cloned().unwrap_or(FieldTest::IsNotEmpty);
    let kind = {
        let (set, old) = (set.clone(), old.clone());
        move |k: String| set(new_test(&k, &old))
    };
    html! { <>
        { select(format!("{id}-test"), label, &options, &current, kind) }
        if let Some(t) = t {
            { test_value(id, t, Rc::new(move |t| set(Some(t)))) }
        }
    </> }
}

/// The value box of a test that has values (comma-separated for is / is not).
fn test_value(id: &str, t: &FieldTest, set: Set<FieldTest>) -> Html {
    let shown = match t {
        FieldTest::Is(v) | FieldTest::IsNot(v) => {
            v.iter().map(value_text).collect::<Vec<_>>().join(", ")
        }
        FieldTest::GreaterThan(v) | FieldTest::LessThan(v) => value_text(v),
        _ => return html! {},
    };
    let t = t.clone();
    let change = move |v: String| {
        let values: Vec<_> = v
            .split(',')
            .map(typed_value)
            .filter(|v| !v.is_null())
            .collect();
        let one = typed_value(&v);
        set(match &t {
            FieldTest::Is(_) => FieldTest::Is(values),
            FieldTest::IsNot(_) => FieldTest::IsNot(values),
            FieldTest::GreaterThan(_) => FieldTest::GreaterThan(one),
            _ => FieldTest::LessThan(one),
        })
    };
    text(format!("{id}-value"), "Value", &shown, change)
}

pub(super) fn filter_editor(id: &str, f: &Filter, n: &Names, set: Set<Filter>) -> Html {
    let kind = {
        let (set, stub) = (set.clone(), n.scenario_stub());
        move |k: String| {
            if let Some(f) = new_filter(&stub, &k) {
                set(f)
            }
        }
    };
    let head = select(
        format!("{id}-kind"),
        "Filter",
        &menu(&menus::FILTERS),
        &key_of(f),
        kind,
    );
    let yes_no = |yes: &str, no: &str| {
        menu(&[("true", yes), ("false", no)])
            .into_iter()
            .map(|(v, t)| (v, t.replace("{yes}", yes).replace("{no}", no)))
            .collect::<Vec<_>>()
    };
    let params = match f.clone() {
        Filter::Field { field, test } => {
            let (s1, s2, s3) = (set.clone(), set.clone(), set.clone());
            let (t1, f2, f3) = (test.clone(), field.clone(), field.clone());
            let old = test.clone();
            html! { <>
                { select(format!("{id}-field"), "Field", &n.fields, &field,
                    move |v| s1(Filter::Field { field: v, test: t1.clone() })) }
                { select(format!("{id}-test"), "Operator", &menu(&menus::TESTS), &key_of(&test),
                    move |k| if let Some(t) = new_test(&k, &old) { s2(Filter::Field { field: f2.clone(), test: t }) }) }
                { test_value(id, &test, Rc::new(move |t| s3(Filter::Field { field: f3.clone(), test: t }))) }
            </> }
        }
        Filter::MemberOfList { list, member } => {
            let (s1, s2, l2) = (set.clone(), set.clone(), list.clone());
            html! { <>
                { select(format!("{id}-member"), "Member of List", &yes_no("true", "false"), &member.to_string(),
                    move |v| s1(Filter::MemberOfList { list: l2.clone(), member: v == "true" })) }
                { select(format!("{id}-list"), "List", &n.lists, &list,
                    move |v| s2(Filter::MemberOfList { list: v, member })) }
            </> }
        }
        Filter::MemberOfCampaign { campaign, member } => {
            let (s1, s2, c2) = (set.clone(), set.clone(), campaign.clone());
            html! { <>
                { select(format!("{id}-member"), "Member of Smart Campaign", &yes_no("true", "false"), &member.to_string(),
                    move |v| s1(Filter::MemberOfCampaign { campaign: c2.clone(), member: v == "true" })) }
                { select(format!("{id}-campaign"), "Smart campaign", &n.campaigns, &campaign,
                    move |v| s2(Filter::MemberOfCampaign { campaign: v, member })) }
            </> }
        }
        Filter::ProgramStatus {
            program,
            status,
            is,
        } => {
            let (s1, s2, s3) = (set.clone(), set.clone(), set.clone());
            let (st1, p2, p3, st3) = (
                status.clone(),
                program.clone(),
                program.clone(),
                status.clone(),
            );
            html! { <>
                { text(format!("{id}-program"), "Program", &program,
                    move |v| s1(Filter::ProgramStatus { program: v, status: st1.clone(), is })) }
                { select(format!("{id}-is"), "Status", &menu(&[("true", "is"), ("false", "is not")]), &is.to_string(),
                    move |v| s2(Filter::ProgramStatus { program: p2.clone(), status: st3.clone(), is: v == "true" })) }
                { text(format!("{id}-status"), "Status name", &status,
                    move |v| s3(Filter::ProgramStatus { program: p3.clone(), status: v, is })) }
            </> }
        }
    };
    html! { <div class="bline">{ head }{ params }</div> }
}
