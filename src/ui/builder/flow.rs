//! The Flow tab of a smart campaign: numbered steps from Marketo's step menu, each with its
//! parameters, choices ("if … then …, default …", in `choice`), and reordering by the arrow buttons,
//! Alt+Up / Alt+Down, or by dragging a step.

use std::rc::Rc;

use yew::prelude::*;

use super::campaign::{add_menu, error_at, Names, Set};
use super::data::{param_of, param_text};
use super::duration::DurationEditor;
use super::widgets::{menu, on_menu, select, small, text};
use super::{BuildState, Msg, To};
use crate::builder::duration::time_knobs;
use crate::builder::menus::{self, key_of, new_step, typed_value, value_text};
use crate::builder::{CampaignEdit, Issue};
use crate::engine::scenario::{Action, Campaign, Scenario};

pub(super) fn flow(
    s: &BuildState,
    to: &To,
    c: &Campaign,
    n: &Names,
    ce: Rc<dyn Fn(CampaignEdit)>,
    issues: &[Issue],
    draft: &Scenario,
) -> Html {
    let last = c.flow.len().saturating_sub(1);
    let steps = c.flow.iter().enumerate().map(|(i, a)| {
        let set: Set<Action> = {
            let ce = ce.clone();
            Rc::new(move |a| ce(CampaignEdit::SetStep(i, a)))
        };
        let bad = issues.iter().any(|x| x.location.step == Some(i));
        let mv = |to_i: usize| {
            let ce = ce.clone();
            Callback::from(move |_: MouseEvent| ce(CampaignEdit::MoveStep(i, to_i)))
        };
        let remove = {
            let ce = ce.clone();
            Callback::from(move |_| ce(CampaignEdit::RemoveStep(i)))
        };
        let keys = {
            let ce = ce.clone();
            Callback::from(move |e: KeyboardEvent| {
                let target = match e.key().as_str() {
                    "ArrowUp" if e.alt_key() && i > 0 => i - 1,
                    "ArrowDown" if e.alt_key() && i < last => i + 1,
                    _ => return,
                };
                e.prevent_default();
                ce(CampaignEdit::MoveStep(i, target));
                focus_later(format!("step-{}", target + 1));
            })
        };
        let dragstart = {
            let to = to.clone();
            Callback::from(move |_: DragEvent| to.dispatch(Msg::Drag(Some(i))))
        };
        let drop = {
            let (ce, from) = (ce.clone(), s.drag);
            let to = to.clone();
            Callback::from(move |e: DragEvent| {
                e.prevent_default();
                if let Some(f) = from.filter(|&f| f != i) {
                    ce(CampaignEdit::MoveStep(f, i));
                }
                to.dispatch(Msg::Drag(None));
            })
        };
        let over = Callback::from(|e: DragEvent| e.prevent_default());
        let end = {
            let to = to.clone();
            Callback::from(move |_: DragEvent| to.dispatch(Msg::Drag(None)))
        };
        let dragged = s.drag == Some(i);
        html! {
            <li class={classes!("bstep", bad.then_some("invalid"), dragged.then_some("dragged"))}
                id={format!("step-{}", i + 1)}
                aria-invalid={bad.to_string()} draggable="true" tabindex="0"
                aria-label={format!("Flow step {} (Alt+Up or Alt+Down to move it)", i + 1)}
                onkeydown={keys} ondragstart={dragstart} ondragover={over} ondrop={drop} ondragend={end}>
                <span class="grip" aria-hidden="true" title="Drag to move this step">{ "\u{2630}" }</span>
                <span class="num" aria-hidden="true">{ format!("{}", i + 1) }</span>
                { action_editor(&format!("step-{}", i + 1), a, n, draft, set) }
                <span class="step-buttons">
                    if i > 0 { { small(format!("step-{}-up", i + 1), "\u{2191}", format!("Move step {} up", i + 1), mv(i - 1)) } }
                    if i < last { { small(format!("step-{}-down", i + 1), "\u{2193}", format!("Move step {} down", i + 1), mv(i + 1)) } }
                    { small(format!("step-{}-remove", i + 1), "\u{2715}", format!("Delete step {}", i + 1), remove) }
                </span>
                { error_at(issues, |x| x.location.step == Some(i), format!("step-{}-error", i + 1)) }
            </li>
        }
    });
    let add = {
        let (ce, stub) = (ce.clone(), n.scenario_stub_with(draft));
        on_menu(move |k| {
            if let Some(a) = new_step(&stub, &k) {
                ce(CampaignEdit::AddStep(a))
            }
        })
    };
    html! {
        <div class="flow-tab">
            <ol class="flow-steps" id="flow-steps">{ for steps }</ol>
            { add_menu("add-step", "Add a flow step", &menu(&menus::STEPS), add) }
        </div>
    }
}

/// Focuses the element `id` once the change just sent is drawn (a moved step keeps the
/// keyboard's focus, so Alt+Down pressed again moves it further).
fn focus_later(id: String) {
    gloo_timers::callback::Timeout::new(0, move || {
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id));
        if let Some(el) =
            el.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    })
    .forget();
}

impl Names {
    fn scenario_stub_with(&self, draft: &Scenario) -> Scenario {
        let mut s = self.scenario_stub();
        s.systems.webhooks = draft.systems.webhooks.clone();
        s.programs = draft.programs.clone();
        s
    }
}

pub(super) fn action_editor(
    id: &str,
    a: &Action,
    n: &Names,
    draft: &Scenario,
    set: Set<Action>,
) -> Html {
    let kind = {
        let (set, stub) = (set.clone(), n.scenario_stub_with(draft));
        move |k: String| {
            if let Some(a) = new_step(&stub, &k) {
                set(a)
            }
        }
    };
    let head = select(
        format!("{id}-kind"),
        "Flow step",
        &menu(&menus::STEPS),
        &key_of(a),
        kind,
    );
    let with = |f: fn(String) -> Action| {
        let set = set.clone();
        move |v: String| set(f(v))
    };
    let params = match a.clone() {
        Action::AddToList(l) => select(
            format!("{id}-list"),
            "List",
            &n.lists,
            &l,
            with(Action::AddToList),
        ),
        Action::RemoveFromList(l) => select(
            format!("{id}-list"),
            "List",
            &n.lists,
            &l,
            with(Action::RemoveFromList),
        ),
        Action::SendEmail(e) => text(format!("{id}-email"), "Email", &e, with(Action::SendEmail)),
        Action::SendAlert(e) => text(
            format!("{id}-alert"),
            "Alert email",
            &e,
            with(Action::SendAlert),
        ),
        Action::CallWebhook(w) => select(
            format!("{id}-webhook"),
            "Webhook",
            &n.webhooks,
            &w,
            with(Action::CallWebhook),
        ),
        Action::RequestCampaign(c) => select(
            format!("{id}-campaign"),
            "Campaign",
            &n.campaigns,
            &c,
            with(Action::RequestCampaign),
        ),
        Action::ExecuteCampaign(c) => select(
            format!("{id}-campaign"),
            "Campaign",
            &n.campaigns,
            &c,
            with(Action::ExecuteCampaign),
        ),
        Action::ChangeDataValue { field, value } => {
            let (s1, s2, v1, f2) = (set.clone(), set.clone(), value.clone(), field.clone());
            html! { <>
                { select(format!("{id}-field"), "Attribute", &n.fields, &field,
                    move |f| s1(Action::ChangeDataValue { field: f, value: v1.clone() })) }
                { text(format!("{id}-value"), "New value (empty: NULL)", &value_text(&value),
                    move |v| s2(Action::ChangeDataValue { field: f2.clone(), value: typed_value(&v) })) }
            </> }
        }
        Action::ChangeScore {
            field,
            change,
            set: to,
        } => {
            let (s1, s2, f2) = (set.clone(), set.clone(), field.clone());
            let (c1, t1) = (change.clone(), to.clone());
            let shown = match (&change, &to) {
                (_, Some(p)) => format!("={}", param_text(p)),
                (Some(p), _) => param_text(p),
                _ => String::new(),
            };
            html! { <>
                { select(format!("{id}-field"), "Score", &n.fields, &field,
                    move |f| s1(Action::ChangeScore { field: f, change: c1.clone(), set: t1.clone() })) }
                { text(format!("{id}-change"), "Change (+5, -5 or =0)", &shown, move |v: String| {
                    let v = v.trim().trim_start_matches('+').to_string();
                    let (change, set) = match v.strip_prefix('=') {
                        Some(x) => (None, Some(param_of(x))),
                        None => (Some(param_of(&v)), None),
                    };
                    s2(Action::ChangeScore { field: f2.clone(), change, set })
                }) }
            </> }
        }
        Action::ChangeProgramStatus { program, status } => {
            let (s1, s2, st, p2) = (set.clone(), set.clone(), status.clone(), program.clone());
            html! { <>
                { text(format!("{id}-program"), "Program", &program,
                    move |p| s1(Action::ChangeProgramStatus { program: p, status: st.clone() })) }
                { text(format!("{id}-status"), "New status", &status,
                    move |v| s2(Action::ChangeProgramStatus { program: p2.clone(), status: v })) }
            </> }
        }
        Action::Wait(d) => {
            let knobs = Rc::new(time_knobs(draft));
            let on_change = Callback::from(move |d| set(Action::Wait(d)));
            html! {
                <DurationEditor id={format!("{id}-wait")} label="Wait" value={d.clone()} {knobs} {on_change} />
            }
        }
        Action::Choice { branches, default } => {
            super::choice::choice(id, &branches, &default, n, draft, set)
        }
        Action::SyncPersonToCrm | Action::RemoveFromFlow | Action::DoNothing => html! {},
    };
    html! { <div class="bline">{ head }{ params }</div> }
}
