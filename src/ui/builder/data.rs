//! The builder's side panel: the smart campaigns (open one, add one), static lists, fields
//! (API name, display name, type), people (count and initial values) and variants (which one
//! is edited; "duplicate this variant and change it").

use yew::prelude::*;

use super::widgets::{adder, names, select, small, text};
use super::{BuildState, Msg, To};
use crate::builder::Edit;
use crate::engine::knobs::Param;
use crate::engine::scenario::{FieldDef, FieldType, Json};

use super::widgets::{click, send as edit};

/// The smart campaigns, as buttons that open them, and a field to add one.
pub fn campaigns(s: &BuildState, to: &To) -> Html {
    let items = s.b.campaigns().into_iter().enumerate().map(|(i, (c, off))| {
        let open = {
            let (to, name) = (to.clone(), c.name.clone());
            Callback::from(move |_| to.dispatch(Msg::Campaign(Some(name.clone()))))
        };
        let current = s.campaign.as_deref() == Some(c.name.as_str());
        html! {
            <li>
                <button id={format!("open-campaign-{}", i + 1)} aria-pressed={current.to_string()}
                    onclick={open}>{ crate::builder::campaign_label(&c, off) }</button>
            </li>
        }
    });
    let add = {
        let to = to.clone();
        move |name: String| edit(&to, Edit::AddCampaign(crate::builder::new_campaign(name)))
    };
    html! {
        <section class="bpanel" aria-labelledby="build-campaigns-h">
            <h3 id="build-campaigns-h">{ "Smart campaigns" }</h3>
            <ul class="bitems">{ for items }</ul>
            { adder("add-campaign".into(), "New smart campaign", "name, then Enter", add) }
        </section>
    }
}

/// Static lists: rename, delete, add.
pub fn lists(s: &BuildState, to: &To) -> Html {
    let items = s.b.draft().lists.iter().enumerate().map(|(i, l)| {
        let rename = {
            let to = to.clone();
            move |n: String| edit(&to, Edit::RenameList(i, n))
        };
        html! {
            <li>
                { text(format!("list-{}", i + 1), "List", l, rename) }
                { small(format!("remove-list-{}", i + 1), "\u{2715}", format!("Delete list {l}"),
                    click(to, Edit::RemoveList(i))) }
            </li>
        }
    });
    let add = {
        let to = to.clone();
        move |n: String| edit(&to, Edit::AddList(n))
    };
    html! {
        <section class="bpanel" aria-labelledby="build-lists-h">
            <h3 id="build-lists-h">{ "Static lists" }</h3>
            <ul class="bitems">{ for items }</ul>
            { adder("add-list".into(), "New static list", "name, then Enter", add) }
        </section>
    }
}

const TYPES: [(FieldType, &str); 4] = [
    (FieldType::Text, "String"),
    (FieldType::Number, "Integer"),
    (FieldType::Bool, "Boolean"),
    (FieldType::DateTime, "Datetime"),
];

/// Changes one part of a field from what was typed.
type FieldSetter = Box<dyn Fn(&mut FieldDef, String)>;

fn type_key(t: FieldType) -> String {
    crate::builder::menus::key_of(&t)
}

/// Fields: display name, API name, type.
pub fn fields(s: &BuildState, to: &To) -> Html {
    let types: Vec<(String, String)> = TYPES
        .iter()
        .map(|(t, l)| (type_key(*t), l.to_string()))
        .collect();
    let items = s.b.draft().fields.iter().enumerate().map(|(i, f)| {
        let with = |g: FieldSetter| {
            let (to, f) = (to.clone(), f.clone());
            move |v: String| {
                let mut f = f.clone();
                g(&mut f, v);
                edit(&to, Edit::SetField(i, f));
            }
        };
        let label = with(Box::new(|f, v| f.label = (!v.is_empty()).then_some(v)));
        let name = with(Box::new(|f, v| f.name = v));
        let kind = with(Box::new(|f, v| {
            if let Some((t, _)) = TYPES.iter().find(|(t, _)| type_key(*t) == v) {
                f.kind = *t;
            }
        }));
        html! {
            <li class="bfield-row">
                { text(format!("field-{}-label", i + 1), "Display name", f.label.as_deref().unwrap_or(""), label) }
                { text(format!("field-{}-name", i + 1), "API name", &f.name, name) }
                { select(format!("field-{}-type", i + 1), "Type", &types, &type_key(f.kind), kind) }
                { small(format!("remove-field-{}", i + 1), "\u{2715}",
                    format!("Delete field {}", f.display_name()), click(to, Edit::RemoveField(i))) }
            </li>
        }
    });
    let add = {
        let to = to.clone();
        move |label: String| {
            let name: String = label
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            edit(
                &to,
                Edit::AddField(FieldDef {
                    name,
                    label: Some(label),
                    kind: FieldType::Text,
                }),
            )
        }
    };
    html! {
        <section class="bpanel" aria-labelledby="build-fields-h">
            <h3 id="build-fields-h">{ "Fields" }</h3>
            <ul class="bitems">{ for items }</ul>
            { adder("add-field".into(), "New field", "display name, then Enter", add) }
        </section>
    }
}

/// A number or a knob's name, as typed.
pub fn param_text(p: &Param) -> String {
    match p {
        Param::Literal(n) => n.to_string(),
        Param::Knob(k) => k.clone(),
    }
}

pub fn param_of(t: &str) -> Param {
    t.trim()
        .parse::<i64>()
        .map(Param::Literal)
        .unwrap_or_else(|_| Param::Knob(t.trim().to_string()))
}

/// People: each group's count (a number or a knob) and its initial values.
pub fn people(s: &BuildState, to: &To) -> Html {
    let d = s.b.draft();
    let groups = d.people.iter().enumerate().map(|(i, g)| {
        let count = {
            let (to, g) = (to.clone(), g.clone());
            move |v: String| {
                let mut g = g.clone();
                g.count = param_of(&v);
                edit(&to, Edit::SetPeople(i, g));
            }
        };
        let values = d.fields.iter().map(|f| {
            let value = g.fields.get(&f.name).map(crate::builder::menus::value_text);
            let set = {
                let (to, g, name) = (to.clone(), g.clone(), f.name.clone());
                move |v: String| {
                    let mut g = g.clone();
                    match crate::builder::menus::typed_value(&v) {
                        Json::Null => g.fields.remove(&name),
                        v => g.fields.insert(name.clone(), v),
                    };
                    edit(&to, Edit::SetPeople(i, g));
                }
            };
            text(
                format!("people-{}-{}", i + 1, f.name),
                f.display_name(),
                &value.unwrap_or_default(),
                set,
            )
        });
        let unborn = {
            let (to, g) = (to.clone(), g.clone());
            move |v: String| {
                let mut g = g.clone();
                g.unborn = v == "true";
                edit(&to, Edit::SetPeople(i, g));
            }
        };
        let states = [
            ("false", "In the database from the start"),
            ("true", "Not yet: a form fill creates them"),
        ];
        html! {
            <li id={format!("people-{}", i + 1)}>
                { text(format!("people-{}-count", i + 1), "How many (a number or a knob)", &param_text(&g.count), count) }
                { select(format!("people-{}-unborn", i + 1), "They exist", &super::widgets::menu(&states),
                    &g.unborn.to_string(), unborn) }
                <p class="hint">{ "Initial values; a pattern with {n} gives each person their own (person{n}@example.com):" }</p>
                { for values }
                { small(format!("remove-people-{}", i + 1), "\u{2715}", format!("Delete group of people {}", i + 1),
                    click(to, Edit::RemovePeople(i))) }
            </li>
        }
    });
    let has_email = d
        .fields
        .iter()
        .any(|f| f.name == crate::builder::rename::EMAIL);
    let add = {
        let to = to.clone();
        move |v: String| {
            let mut fields = std::collections::BTreeMap::new();
            if has_email {
                fields.insert(
                    "email".to_string(),
                    Json::String("person{n}@example.com".into()),
                );
            }
            edit(
                &to,
                Edit::AddPeople(crate::engine::scenario::PeopleGroup {
                    count: param_of(&v),
                    fields,
                    unborn: false,
                }),
            )
        }
    };
    html! {
        <section class="bpanel" aria-labelledby="build-people-h">
            <h3 id="build-people-h">{ "People" }</h3>
            <ul class="bitems">{ for groups }</ul>
            { adder("add-people".into(), "New group of people: how many", "a number or a knob, then Enter", add) }
        </section>
    }
}

/// Which variant the campaign editor changes, and "duplicate this variant".
pub fn variants(s: &BuildState, to: &To) -> Html {
    let d = s.b.draft();
    let mut options = vec![(String::new(), "The scenario itself".to_string())];
    options.extend(names(d.variants.iter().map(|v| &v.name)));
    let pick = {
        let to = to.clone();
        move |v: String| to.dispatch(Msg::Variant((!v.is_empty()).then_some(v)))
    };
    let from =
        s.b.editing()
            .map(str::to_string)
            .or_else(|| d.variants.first().map(|v| v.name.clone()));
    let duplicate = {
        let to = to.clone();
        move |name: String| {
            if let Some(from) = from.clone() {
                to.dispatch(Msg::Edit(Edit::DuplicateVariant {
                    from: from.clone(),
                    name: name.clone(),
                }));
                to.dispatch(Msg::Variant(Some(name)));
                to.dispatch(Msg::Compare(from));
            }
        }
    };
    let diff = differences(s, to);
    html! {
        <section class="bpanel" aria-labelledby="build-variants-h">
            <h3 id="build-variants-h">{ "Variants" }</h3>
            { select("edit-variant".into(), "Campaign changes go to", &options,
                s.b.editing().unwrap_or(""), pick) }
            { adder("duplicate-variant".into(), "Duplicate this variant as", "new name, then Enter", duplicate) }
            { diff }
        </section>
    }
}

/// How the edited variant differs from another one the user picks (at first the first other
/// variant), step by step, for a valid draft.
fn differences(s: &BuildState, to: &To) -> Html {
    let d = s.b.draft();
    let Some(edited) = s.b.editing() else {
        return html! {};
    };
    let others: Vec<(String, String)> = names(d.variants.iter().map(|v| &v.name))
        .into_iter()
        .filter(|(v, _)| v != edited)
        .collect();
    let chosen = (s.compare.as_deref())
        .filter(|c| others.iter().any(|(v, _)| v == c))
        .or_else(|| others.first().map(|(v, _)| v.as_str()));
    let Some(other) = chosen.map(str::to_string) else {
        return html! {};
    };
    let pick = {
        let to = to.clone();
        move |v: String| to.dispatch(Msg::Compare(v))
    };
    let menu = select(
        "compare-variant".into(),
        "Compare with",
        &others,
        &other,
        pick,
    );
    if s.b.issue().is_some() {
        return html! { <div id="variant-differences">{ menu }
            <p class="hint">{ "The differences show again once the scenario can run." }</p>
        </div> };
    }
    let Ok(diffs) = crate::api::variant_differences(d, &other, edited) else {
        return html! { <div id="variant-differences">{ menu }</div> };
    };
    let flows = diffs.iter().map(|f| {
        let lines = f.changes.iter().map(|c| {
            let (class, what) = match (&c.before, &c.after) {
                (Some(b), Some(a)) => ("changed", format!("Step {}: {b} \u{2192} {a}", c.number)),
                (None, Some(a)) => ("added", format!("Step {} added: {a}", c.number)),
                (Some(b), None) => ("removed", format!("Removed before step {}: {b}", c.number)),
                (None, None) => ("changed", String::new()),
            };
            html! { <li class={classes!("diff-line", format!("diff-{class}"))}>{ what }</li> }
        });
        html! { <li><span class="diff-flow">{ f.flow.clone() }</span><ul class="bitems">{ for lines }</ul></li> }
    });
    html! {
        <div id="variant-differences">
            { menu }
            <h4>{ format!("{edited} compared with {other}") }</h4>
            if diffs.is_empty() {
                <p class="hint">{ "No flow step differs." }</p>
            }
            <ul class="bitems variant-diff">{ for flows }</ul>
        </div>
    }
}
