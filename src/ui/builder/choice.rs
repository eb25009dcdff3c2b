//! A flow step's choices, as Marketo's Flow tab shows them: "Choice 1: if … and … then …,
//! Choice 2: …, Default: …". Every choice's conditions are editable: add a condition, change
//! or delete any of them, ALL / ANY / advanced logic over them, add or delete a choice.

use std::rc::Rc;

use yew::prelude::*;

use super::campaign::{Names, Set};
use super::flow::action_editor;
use super::smart_list::filter_editor;
use super::widgets::{menu, on_menu, select, small, text};
use crate::builder::menus::{self, new_filter};
use crate::engine::scenario::{Action, Branch, Filter, Scenario};

/// The most choices one step has in Marketo.
const MOST_CHOICES: usize = 25;

/// Changes the branches of the step and sets it.
type Change = Rc<dyn Fn(&mut Vec<Branch>)>;

/// "If … then …, default …": each choice's conditions and its step, and the default step.
pub(super) fn choice(
    id: &str,
    branches: &[Branch],
    default: &Action,
    n: &Names,
    draft: &Scenario,
    set: Set<Action>,
) -> Html {
    let base = (set.clone(), branches.to_vec(), default.clone());
    let change = move |f: Change| {
        let (set, branches, default) = base.clone();
        move || {
            let mut bs = branches.clone();
            f(&mut bs);
            set(Action::Choice {
                branches: bs,
                default: Box::new(default.clone()),
            })
        }
    };
    let stub = n.scenario_stub();
    let rows = branches.iter().enumerate().map(|(j, b)| {
        let bid = format!("{id}-if-{}", j + 1);
        let logic_kind = match b.logic.as_deref() {
            None | Some("all") => "all",
            Some("any") => "any",
            Some(_) => "advanced",
        };
        // Each condition carries its number (advanced logic names them), the first after
        // "If", the others after "and" / "or" as the logic joins them.
        let joint = match logic_kind {
            "all" => "and",
            "any" => "or",
            _ => "",
        };
        let conditions = b.when.iter().enumerate().map(|(k, f)| {
            let cid = if k == 0 {
                bid.clone()
            } else {
                format!("{bid}-c{}", k + 1)
            };
            let set_filter: Set<Filter> = {
                let (set, branches, default) = (set.clone(), branches.to_vec(), default.clone());
                Rc::new(move |f| {
                    let mut bs = branches.clone();
                    bs[j].when[k] = f;
                    set(Action::Choice {
                        branches: bs,
                        default: Box::new(default.clone()),
                    })
                })
            };
            let remove = change(Rc::new(move |bs: &mut Vec<Branch>| {
                bs[j].when.remove(k);
            }));
            html! {
                <li class="condition">
                    <span class="kw cond-kw">{ if k == 0 { "If".to_string() } else { joint.to_string() } }</span>
                    <span class="cond-num" aria-hidden="true">{ format!("{}.", k + 1) }</span>
                    { filter_editor(&cid, f, n, set_filter) }
                    { small(format!("{cid}-remove"), "\u{2715}",
                        format!("Delete condition {} of choice {}", k + 1, j + 1),
                        Callback::from(move |_| remove())) }
                </li>
            }
        });
        let add_condition = {
            let (stub, set, branches, default) =
                (stub.clone(), set.clone(), branches.to_vec(), default.clone());
            on_menu(move |key| {
                if let Some(f) = new_filter(&stub, &key) {
                    let mut bs = branches.clone();
                    bs[j].when.push(f);
                    set(Action::Choice {
                        branches: bs,
                        default: Box::new(default.clone()),
                    })
                }
            })
        };
        let set_logic = {
            let change = change.clone();
            move |v: String| {
            let f = change(Rc::new(move |bs: &mut Vec<Branch>| {
                bs[j].logic = match v.trim() {
                    "" | "all" => None,
                    "advanced" => Some(
                        (1..=bs[j].when.len().max(1))
                            .map(|i| i.to_string())
                            .collect::<Vec<_>>()
                            .join(" and "),
                    ),
                    other => Some(other.to_string()),
                };
            }));
            f()
            }
        };
        let logic_options = menu(&[
            ("all", "ALL conditions"),
            ("any", "ANY condition"),
            ("advanced", "Advanced logic"),
        ]);
        let set_then: Set<Action> = {
            let (set, branches, default) = (set.clone(), branches.to_vec(), default.clone());
            Rc::new(move |a| {
                let mut bs = branches.clone();
                bs[j].then = a;
                set(Action::Choice {
                    branches: bs,
                    default: Box::new(default.clone()),
                })
            })
        };
        let remove_choice = change(Rc::new(move |bs: &mut Vec<Branch>| {
            bs.remove(j);
        }));
        let advanced = b.logic.clone().filter(|_| logic_kind == "advanced");
        html! {
            <div class="choice" id={format!("{bid}-choice")} role="group"
                aria-label={format!("Choice {}", j + 1)}>
                <span class="kw">{ format!("Choice {}", j + 1) }</span>
                { small(format!("{bid}-remove-choice"), "Delete choice", format!("Delete choice {}", j + 1),
                    Callback::from(move |_| remove_choice())) }
                <ol class="conditions">{ for conditions }</ol>
                <div class="choice-row">
                <label class="bfield add-menu">
                    <span class="blabel">{ format!("Add a condition to choice {}", j + 1) }</span>
                    <select id={format!("{bid}-add-condition")} onchange={add_condition}>
                        <option value="" selected=true>{ "choose\u{2026}" }</option>
                        { for menu(&menus::FILTERS).into_iter().map(|(v, t)| html! { <option value={v}>{ t }</option> }) }
                    </select>
                </label>
                if b.when.len() > 1 {
                    { select(format!("{bid}-logic"), "Use", &logic_options, logic_kind, set_logic.clone()) }
                }
                if let Some(l) = advanced {
                    { text(format!("{bid}-advanced"), "Advanced logic, e.g. 1 and (2 or 3)", &l, set_logic) }
                }
                </div>
                <div class="choice-row">
                    <span class="kw">{ "then" }</span>
                    { action_editor(&format!("{id}-then-{}", j + 1), &b.then, n, draft, set_then) }
                </div>
            </div>
        }
    });
    let set_default: Set<Action> = {
        let (set, branches) = (set.clone(), branches.to_vec());
        Rc::new(move |a| {
            set(Action::Choice {
                branches: branches.clone(),
                default: Box::new(a),
            })
        })
    };
    let add_choice = {
        let first = new_filter(&stub, "member_of_list");
        change(Rc::new(move |bs: &mut Vec<Branch>| {
            bs.push(Branch {
                when: first.clone().into_iter().collect(),
                logic: None,
                then: Action::DoNothing,
            })
        }))
    };
    html! {
        <div class="choices">
            { for rows }
            if branches.len() < MOST_CHOICES {
                { small(format!("{id}-add-choice"), "Add choice", "Add a choice to this step".to_string(),
                    Callback::from(move |_| add_choice())) }
            }
            <div class="choice">
                <span class="kw">{ "Default:" }</span>
                { action_editor(&format!("{id}-default"), default, n, draft, set_default) }
            </div>
        </div>
    }
}
