//! The Explore tab: "Explore all orderings" (the engine's exhaustive search, run in a worker
//! with a progress bar and cancel, then "N orderings, K end in violation" and the shortest
//! counterexample, opened on the Run tab with its story), and "You are the scheduler" (at each decision the person
//! picks what happens next; undo, fork from any earlier decision; the schedule is part of the
//! run and of its link).
//!
//! The search itself is not in the app's wasm: the worker loads the explorer's own wasm
//! (`src/bin/racelab-explorer.rs`) the first time it is needed. Where no worker can start
//! (component tests), a search runs on the page's thread only if the embedder handed in the
//! explorer with [`explore_on_main_thread_with`]; the app never does.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::parts::{button, para};
use super::state::{Action, App, Dispatch, RunKey};
use super::worker::{Worker, WorkerWasm};
use super::{panels, timeline, web};
use crate::api::clock;
use crate::api::{challenge, ExploreSummary, StoryOf, VariantRole};
use crate::spec::{RunSpec, Tab};
use crate::work::{explore_request, Exploring, Reply, Request};

/// Default bounds of an exploration from the app.
const MAX_DECISIONS: u64 = 400;
const MAX_STATES: u64 = 1_000_000;

/// Answers an explore request (`crate::work::serve_explore`).
pub type ServeExplore = fn(&Request) -> Reply;

thread_local! {
    static MAIN_THREAD_EXPLORER: Cell<Option<ServeExplore>> = const { Cell::new(None) };
}

/// Lets the Explore tab search on the page's thread with `serve` when its worker cannot
/// start. For component
/// tests, which cannot serve the worker's files; calling it links the explorer into the
/// caller's wasm, which is why the app does not.
pub fn explore_on_main_thread_with(serve: ServeExplore) {
    MAIN_THREAD_EXPLORER.with(|c| c.set(Some(serve)));
}

/// The explorer handed in with [`explore_on_main_thread_with`], if any.
pub(super) fn main_thread_explorer() -> Option<ServeExplore> {
    MAIN_THREAD_EXPLORER.with(Cell::get)
}

/// The explore tab.
pub fn explore(app: &App) -> Html {
    // What an exploration covers: the set-up, without the view, seed and schedule (every
    // ordering is explored, whatever the seed or a hand-picked schedule would choose).
    let spec = RunSpec {
        view: Default::default(),
        seed: 0,
        schedule: Vec::new(),
        ..app.spec.clone()
    };
    let violated = app.run.as_ref().is_ok_and(|r| !r.violations.is_empty());
    let events = app.run.as_ref().map_or(0, |r| r.rows.len());
    // The win of the scheduler challenge, read from the run's violations.
    let win = match (&*app.run_key().scenario, &app.run) {
        (Some(s), Ok(run)) => crate::api::challenge::win_message(s, &run.violations),
        _ => None,
    };
    html! {
        <div class="explore">
            <div class="explore-row">
                <ExploreAll {spec} setup={app.setup_key()} dispatch={app.dispatcher()} />
                <Scheduler spec={RunSpec { view: Default::default(), ..app.spec.clone() }}
                    run_key={app.run_key()} {violated} {win} {events} dispatch={app.dispatcher()} />
            </div>
            { super::controls::playback(app) }
            { timeline::main_timeline(app) }
            { panels::violations(app) }
        </div>
    }
}

/// The live figures of a running search: states so far, states a second (since the worker
/// got the request) and how many decisions deep the search is.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Live {
    states: u64,
    per_s: f64,
    depth: u64,
}

impl Live {
    fn new(p: &Exploring, seconds: f64) -> Live {
        Live {
            states: p.states,
            per_s: p.states as f64 / seconds.max(1e-3),
            depth: p.depth,
        }
    }
}

/// A search in progress: its worker (dropping it terminates the worker) and the ticker
/// that shows the time it has taken.
struct Running {
    _worker: Worker,
    _ticker: Interval,
}

/// What a search result belongs to: scenario, variant, knobs and injections
/// ([`AppState::setup_key`](super::state::AppState::setup_key)). A result is only shown
/// while the set-up is still the one it was found for.
type SetupKey = RunKey;

#[derive(Clone, PartialEq, Default)]
enum Search {
    #[default]
    Idle,
    Running {
        started: f64,
        now: f64,
        /// The worker's latest progress, once it has sent some.
        live: Option<Live>,
    },
    Done {
        summary: ExploreSummary,
        elapsed_ms: f64,
        key: SetupKey,
    },
    Failed(String),
    Cancelled,
}

#[derive(Properties, PartialEq)]
pub struct ExploreAllProps {
    /// The set-up to explore (its view, seed and schedule play no part).
    pub spec: RunSpec,
    /// The same set-up as a key (see [`SetupKey`]).
    pub setup: RunKey,
    pub dispatch: Dispatch,
}

#[function_component(ExploreAll)]
fn explore_all(props: &ExploreAllProps) -> Html {
    let dispatch = &props.dispatch;
    let search = use_state(Search::default);
    let running = use_mut_ref(|| None::<Running>);
    {
        let running = running.clone();
        use_effect_with((), move |_| move || drop(running.borrow_mut().take()));
    }
    let Some(scenario) = &*props.setup.scenario else {
        return html! {};
    };
    let setup = crate::scenarios::explore_setup(&scenario.id);
    let start = {
        let (spec, key) = (props.spec.clone(), props.setup.clone());
        let (search, running) = (search.clone(), running.clone());
        Callback::from(move |_| {
            let request = explore_request(&spec, MAX_DECISIONS, MAX_STATES);
            let key = key.clone();
            let started = web::now_ms();
            match start_worker(
                request.clone(),
                key.clone(),
                started,
                search.clone(),
                running.clone(),
            ) {
                Ok(r) => {
                    *running.borrow_mut() = Some(r);
                    search.set(Search::Running {
                        started,
                        now: started,
                        live: None,
                    });
                }
                // No workers here: explore on the main thread if an explorer was handed in.
                Err(e) => search.set(match MAIN_THREAD_EXPLORER.with(Cell::get) {
                    Some(serve) => finished(serve(&request), key, started),
                    None => Search::Failed(format!("The explorer could not start: {e}")),
                }),
            }
        })
    };
    let cancel = {
        let (search, running) = (search.clone(), running.clone());
        Callback::from(move |_| {
            drop(running.borrow_mut().take());
            search.set(Search::Cancelled);
        })
    };
    let small = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            for (k, v) in setup {
                dispatch.dispatch(Action::Knob(k.to_string(), *v));
            }
        })
    };
    let body = match &*search {
        Search::Idle => html! {},
        Search::Running { started, now, live } => html! {
            <div class="sweep-progress">
                <progress id="explore-progress" aria-label="Exploring" />
                <span>{ format!("exploring… {:.1} s", (now - started) / 1000.0) }</span>
                if let Some(l) = live {
                    <span id="explore-live" data-states={l.states.to_string()}
                        data-states-per-s={format!("{:.0}", l.per_s)} data-depth={l.depth.to_string()}>
                        { format!("{} states so far, {} states a second, {} decisions deep",
                            crate::api::thousands(l.states),
                            crate::api::thousands(l.per_s.round() as u64), l.depth) }
                    </span>
                }
            </div>
        },
        Search::Cancelled => html! { <p id="explore-result" class="hint">{ "Cancelled." }</p> },
        Search::Failed(e) => html! { <p id="explore-result" class="error">{ e.clone() }</p> },
        Search::Done { key, .. } if *key != props.setup => html! {},
        Search::Done {
            summary,
            elapsed_ms,
            key,
        } => result(dispatch, summary, *elapsed_ms, &key.variant),
    };
    let busy = matches!(*search, Search::Running { .. });
    html! {
        <section class="panel explore-all" aria-label="Explore all orderings">
            <h2>{ "Explore all orderings" }</h2>
            <p class="hint">
                { format!("Every order of work ready at the same moment, every representative delay \
                   and failure of variant {} with these knobs (up to {} states). \
                   Keep the set-up small: a few people.", props.spec.variant, crate::api::thousands(MAX_STATES)) }
            </p>
            if !setup.is_empty() {
                { button("explore-small", "", "Use the small set-up", false, small) }
            }
            { button("explore-start", "", "Explore all orderings", busy, start) }
            { button("explore-cancel", "", "Cancel", !busy, cancel) }
            { body }
        </section>
    }
}

/// Starts a worker on `request`; its answer ends the search.
fn start_worker(
    request: Request,
    key: SetupKey,
    started: f64,
    search: UseStateHandle<Search>,
    running: Rc<RefCell<Option<Running>>>,
) -> Result<Running, String> {
    // The latest progress, and whether the search has ended (the ticker then shows nothing).
    let live = Rc::new(Cell::new(None::<Live>));
    let ended = Rc::new(Cell::new(false));
    let show = {
        let (search, live, ended) = (search.clone(), live.clone(), ended.clone());
        Rc::new(move || {
            if !ended.get() {
                search.set(Search::Running {
                    started,
                    now: web::now_ms(),
                    live: live.get(),
                });
            }
        })
    };
    // Ends the search with `outcome`; the closures calling it belong to the worker's
    // Running, so that is let go after the call.
    let end = {
        let search = search.clone();
        Rc::new(move |outcome: Search| {
            ended.set(true);
            search.set(outcome);
            if let Some(r) = running.borrow_mut().take() {
                gloo_timers::callback::Timeout::new(0, move || drop(r)).forget();
            }
        })
    };
    // When the worker got the request (its wasm loaded): states per second count from then.
    let sent = Cell::new(started);
    let on_reply = {
        let show = show.clone();
        move |sender: &super::worker::Sender, reply| match reply {
            Reply::Ready => {
                sent.set(web::now_ms());
                sender.send(&request)
            }
            Reply::Exploring(p) => {
                live.set(Some(Live::new(&p, (web::now_ms() - sent.get()) / 1000.0)));
                show()
            }
            reply => end(finished(reply, key.clone(), started)),
        }
    };
    let worker = Worker::spawn(WorkerWasm::Explorer, on_reply)?;
    let ticker = Interval::new(250, move || show());
    Ok(Running {
        _worker: worker,
        _ticker: ticker,
    })
}

/// What a search that got `reply` shows.
fn finished(reply: Reply, key: SetupKey, started: f64) -> Search {
    match reply {
        Reply::Explored(summary) => Search::Done {
            summary,
            elapsed_ms: web::now_ms() - started,
            key,
        },
        Reply::Failed { message } => Search::Failed(format!("The search failed: {message}")),
        other => Search::Failed(format!("The search failed: unexpected reply {other:?}")),
    }
}

fn result(dispatch: &Dispatch, s: &ExploreSummary, elapsed_ms: f64, variant: &str) -> Html {
    let show = s.shortest.clone().map(|schedule| {
        let (dispatch, variant) = (dispatch.clone(), variant.to_string());
        let onclick = Callback::from(move |_| {
            dispatch.dispatch(Action::Variant(variant.clone()));
            dispatch.dispatch(Action::SetSchedule(schedule.clone()));
            dispatch.dispatch(Action::SelectViolation(0));
            // On the Run tab, with its first violation's story (once the run is there).
            dispatch.dispatch(Action::Story(Some(StoryOf::Violation(0))));
            dispatch.dispatch(Action::Tab(Tab::Run));
        });
        button(
            "explore-show",
            "",
            "Open the shortest counterexample",
            false,
            onclick,
        )
    });
    let verdict = match (s.violating_end_states, s.truncated) {
        (0, false) => "No ordering violates an invariant: the variant is safe for this set-up.",
        (0, true) => "No violation found, but the search was cut short: this proves nothing.",
        (_, _) => "Some orderings violate an invariant.",
    };
    html! {
        <div id="explore-result" data-orderings={s.schedules.to_string()}
            data-violating={s.violating_end_states.to_string()} data-truncated={s.truncated.to_string()}>
            { para("outcome", format!("{variant}: {} orderings, {} end states of which {} end in violation ({} states, {:.2} s)", s.schedules, s.end_states, s.violating_end_states, s.states, elapsed_ms / 1000.0)) }
            { para(if s.violating_end_states > 0 { "bad" } else { "good" }, verdict) }
            if s.truncated {
                { para("error", "The search was cut short by its bounds: make the set-up smaller.") }
            }
            if s.shortest.is_some() {
                { para("hint", format!("Shortest counterexample: {} decisions, {} switches between campaigns \
                    (the fewest decisions, then the fewest times the order goes from one campaign or system to another).",
                    s.shortest_decisions, s.shortest_switches)) }
            }
            { for show }
        </div>
    }
}

/// "You are the scheduler": the next decision's options as buttons, the decisions taken so
/// far (fork from any), undo and start over.
#[derive(Properties, PartialEq)]
pub struct SchedulerProps {
    /// The run as a spec (for the search from the current point).
    pub spec: RunSpec,
    /// The run: its scenario, variant, knobs, injections, seed and the schedule picked so far.
    pub run_key: RunKey,
    /// Whether the run violates an invariant.
    pub violated: bool,
    /// The challenge's win message, when the run violates.
    pub win: Option<String>,
    /// Events in the run on screen: the scheduler replays runs of at most
    /// [`SCHEDULER_MOST_EVENTS`] on the page.
    #[prop_or_default]
    pub events: usize,
    pub dispatch: Dispatch,
}

/// The most events of a run the scheduler replays (on the page, once per decision taken): a
/// bigger run would hold the page for more than a frame.
pub const SCHEDULER_MOST_EVENTS: usize = 5_000;

/// Why the scheduler does not replay a run of `events` events, if it does not.
fn too_big_for_the_scheduler(events: usize) -> Option<String> {
    (events > SCHEDULER_MOST_EVENTS).then(|| {
        format!(
            "You pick decisions one at a time in runs of up to {} events; this run has {}. \
             Use the challenge set-up or lower a knob such as People.",
            crate::api::thousands(SCHEDULER_MOST_EVENTS as u64),
            crate::api::thousands(events as u64)
        )
    })
}

#[function_component(Scheduler)]
fn scheduler(props: &SchedulerProps) -> Html {
    let (key, violated) = (&props.run_key, props.violated);
    let too_big = too_big_for_the_scheduler(props.events);
    // The delays' options already worked out for this run (its key without the schedule):
    // taking, undoing or forking a decision then replays only what is new.
    let known = use_mut_ref(|| (None::<RunKey>, crate::api::KnownDelays::default()));
    let view = use_memo((key.clone(), too_big.clone()), move |(k, too_big)| {
        if let Some(why) = too_big {
            return Err(why.clone());
        }
        let s = k.scenario.as_ref().ok_or_else(String::new)?;
        let run = RunKey {
            schedule: Vec::new(),
            ..k.clone()
        };
        let mut known = known.borrow_mut();
        if known.0.as_ref() != Some(&run) {
            *known = (Some(run), Default::default());
        }
        crate::api::scheduler_view_kept(s, &k.config(), k.seed, &k.schedule, &mut known.1)
    });
    let set = |schedule: Vec<u32>, at: Option<u64>| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| {
            dispatch.dispatch(Action::SetSchedule(schedule.clone()));
            if let Some(t) = at {
                dispatch.dispatch(Action::Seek(t));
            }
        })
    };
    let scenario = key.scenario.as_ref();
    let race = scenario.map_or(String::new(), |s| s.race.clone());
    let variant = &key.variant;
    // Whether this variant is the scenario's fix for the race.
    let fix = scenario.is_some_and(|s| {
        let v = s.variants.iter().find(|v| &v.name == variant);
        v.is_some_and(|v| v.role == VariantRole::Fix)
    });
    let setup = scenario.and_then(|s| challenge::setup(&s.id));
    let race_variant = scenario
        .and_then(|s| challenge::challenge_variant(s))
        .map(str::to_string);
    let hint = use_state(|| None::<(RunKey, String)>);
    // After a win: the same set-up on the fix, from the start.
    let try_fix = scenario.and_then(|s| challenge::fix_variant(s)).map(|f| {
        let (dispatch, f) = (props.dispatch.clone(), f.to_string());
        let label = format!("Now try {f}");
        let onclick = Callback::from(move |_| {
            dispatch.dispatch(Action::Variant(f.clone()));
            dispatch.dispatch(Action::SetSchedule(Vec::new()));
        });
        button("sched-try-fix", "", label, false, onclick)
    });
    let challenge = match (violated, fix, &props.win, setup) {
        (true, true, _, _) => para(
            "bad",
            "This order breaks the fix? Then the fix has a hole: see the violations below.",
        ),
        (true, false, Some(win), _) => html! {
            <>
                <p class="bad win" id="sched-win"><strong>{ win.clone() }</strong></p>
                { for try_fix }
            </>
        },
        (true, false, None, _) => para("bad", format!("You made the race happen ({race}).")),
        (false, true, _, _) => html! {
            <>
                <p class="goal" id="sched-fix-goal">{ format!(
                    "You are playing the fix (variant {variant}): choose the order of the steps \
                     any way you like and try to make the race happen anyway. \"Try every \
                     ordering from here\" tries every order the steps could run in after your \
                     choices."
                ) }</p>
                <super::explore_from::FromHere spec={props.spec.clone()} run_key={key.clone()}
                    dispatch={props.dispatch.clone()} />
            </>
        },
        (false, _, _, Some(c)) => html! {
            <p class="goal" id="sched-goal"><strong>{ "Goal: " }</strong>{ format!(
                "{} Variant {}, one choice at a time, at most {} choices.",
                c.goal,
                race_variant.clone().unwrap_or_default(),
                challenge::MAX_CLICKS
            ) }</p>
        },
        (false, false, _, None) => para("hint", format!(
            "Challenge: pick an order that makes the {variant} variant show the race ({race}), then try the fixed one."
        )),
    };
    let use_setup = setup.map(|c| {
        let dispatch = props.dispatch.clone();
        let race_variant = race_variant.clone().unwrap_or_else(|| variant.clone());
        let onclick = Callback::from(move |_| {
            dispatch.dispatch(Action::Variant(race_variant.clone()));
            dispatch.dispatch(Action::ResetKnobs);
            for (k, v) in c.knobs {
                dispatch.dispatch(Action::Knob(k.to_string(), *v));
            }
            dispatch.dispatch(Action::Seed(c.seed));
            dispatch.dispatch(Action::SetSchedule(Vec::new()));
        });
        button(
            "sched-setup",
            "",
            "Use the challenge set-up",
            false,
            onclick,
        )
    });
    let ask_hint = {
        let (hint, key) = (hint.clone(), key.clone());
        Callback::from(move |_| {
            let text = too_big.clone().unwrap_or_else(|| {
                key.scenario.as_ref().map_or_else(String::new, |s| {
                    match crate::engine::compile(s, &key.config()) {
                        Ok(m) => challenge::next_hint(&m, key.seed, &key.schedule),
                        Err(e) => e.to_string(),
                    }
                })
            });
            hint.set(Some((key.clone(), text)));
        })
    };
    let hint_text = hint
        .as_ref()
        .filter(|(k, _)| k == key)
        .map(|(_, t)| html! { <p class="hint" id="sched-hint-text">{ t.clone() }</p> });
    let challenge = html! {
        <div id="sched-challenge">
            { challenge }
            <div class="row">
                { for use_setup }
                if setup.is_some() && !violated && !fix {
                    { button("sched-hint", "", "Hint", false, ask_hint) }
                }
            </div>
            { for hint_text }
        </div>
    };
    let body = match view.as_ref() {
        Err(e) if e.is_empty() => html! {},
        Err(e) => para("error", e.clone()),
        Ok(v) => {
            let next = match &v.next {
                Some(d) => html! {
                    <div class="decision" id="sched-next">
                        <p><strong>{ format!("At {}: what happens next?", clock(d.time_ms)) }</strong></p>
                        { for d.options.iter().zip(&d.answers).enumerate().map(|(i, (label, answer))| {
                            let mut sch = v.prefix.clone();
                            sch.push(*answer);
                            let (same, differs) = label.split_at(d.shared_start());
                            html! { <button class="option" id={format!("sched-option-{i}")}
                                onclick={set(sch, Some(d.time_ms))}>{ same }<strong>{ differs }</strong></button> }
                        }) }
                    </div>
                },
                None => {
                    html! { <p class="hint" id="sched-next">{ "No more decisions: the run is complete." }</p> }
                }
            };
            let undo = v
                .past
                .last()
                .map(|d| key.schedule[..d.call.min(key.schedule.len())].to_vec());
            html! {
                <>
                    { next }
                    <div class="row">
                        { button("sched-undo", "", "Undo", undo.is_none(), set(undo.clone().unwrap_or_default(), None)) }
                        { button("sched-clear", "", "Start over", key.schedule.is_empty(), set(Vec::new(), None)) }
                    </div>
                    if !v.past.is_empty() {
                        <h3>{ format!("Decisions taken ({})", v.past.len()) }</h3>
                        <ol class="past" id="sched-past">
                            { for v.past.iter().enumerate().map(|(k, d)| html! {
                                <li>
                                    { format!("{}: {} ", clock(d.time_ms),
                                        d.chosen.and_then(|c| d.options.get(c)).cloned().unwrap_or_else(|| "(a value from the schedule)".into())) }
                                    <button class="link-button" id={format!("sched-fork-{k}")}
                                        onclick={set(key.schedule[..d.call.min(key.schedule.len())].to_vec(), Some(d.time_ms))}>
                                        { "fork here" }
                                    </button>
                                </li>
                            }) }
                        </ol>
                    }
                </>
            }
        }
    };
    html! {
        <section class="panel scheduler" aria-label="You are the scheduler">
            <h2>{ "You are the scheduler" }</h2>
            { challenge }
            { body }
        </section>
    }
}
