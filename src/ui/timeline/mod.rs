//! The timeline: SVG swimlanes (one per campaign and per outside system, or one per person),
//! above them one thin lane per invariant the run checks (green while it holds, red from the
//! event that broke it), every trace event as a mark on a simulated-time axis, zoom and pan,
//! a draggable playhead, and on hover the event's details with an arrow from the event that
//! caused it. Violating events are red triangles, their other witnesses red rings.
//!
//! Its cost does not grow with the run: the marks come from [`crate::api::LaneIndex`], at most
//! one per slot of a lane (a slot holding several events is one aggregated mark, red if one
//! of them is in a violation; clicking it zooms in), drawn by [`marks::Marks`], a component
//! that renders again only when the window, the lanes or the run change (not when the
//! playhead moves or the pointer hovers). Marks are labelled with their step's name once
//! zoomed in far enough for the text to fit. Colours are SVG attributes (not CSS) so an
//! exported SVG looks the same.

mod draw;
mod marks;

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, App, Dispatch};
use crate::api::{invariant_lanes, lane_index, Grouping, LaneIndex, RunView};
use draw::{axis, invariant_rows, lane_backgrounds, tooltip, zoom_bar, Hover};
use marks::Same;

/// Person lanes shown at once when lanes are grouped by person.
const PEOPLE_PER_PAGE: usize = 10;

/// Sizes of the drawing: normal, or larger for a projector (presentation mode).
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Dims {
    /// The SVG's coordinate width; it scales to the page (narrower in presentation mode, so
    /// that each unit is drawn larger).
    width: f64,
    /// Width of the lane-name column.
    labels: f64,
    axis: f64,
    lane: f64,
    /// Height of an invariant lane.
    rule: f64,
    /// Lane names and tooltips.
    font: f64,
    /// Axis ticks and the step names beside marks.
    small: f64,
    /// Lane names are cut to this many characters.
    name_chars: usize,
}

impl Dims {
    fn new(presentation: bool) -> Self {
        if presentation {
            Dims {
                width: 700.0,
                labels: 180.0,
                axis: 30.0,
                lane: 34.0,
                rule: 18.0,
                font: 14.0,
                small: 13.0,
                name_chars: 21,
            }
        } else {
            Dims {
                width: 1000.0,
                labels: 170.0,
                axis: 26.0,
                lane: 26.0,
                rule: 14.0,
                font: 11.0,
                small: 10.0,
                name_chars: 26,
            }
        }
    }
}

/// Where times fall on the drawing.
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct Geometry {
    start: u64,
    end: u64,
    left: f64,
    width: f64,
}

impl Geometry {
    fn new(window: (u64, u64), dims: &Dims) -> Self {
        Geometry {
            start: window.0,
            end: window.1.max(window.0 + 1),
            left: dims.labels,
            width: dims.width,
        }
    }
    fn plot_width(&self) -> f64 {
        self.width - self.left - 8.0
    }
    fn x(&self, t: u64) -> f64 {
        let span = (self.end - self.start) as f64;
        self.left + (t.saturating_sub(self.start)) as f64 / span * self.plot_width()
    }
    fn t(&self, x: f64) -> u64 {
        let span = (self.end - self.start) as f64;
        let f = ((x - self.left) / self.plot_width()).clamp(0.0, 1.0);
        self.start + (f * span).round() as u64
    }
    fn visible(&self, t: u64) -> bool {
        t >= self.start && t <= self.end
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct TimelineProps {
    pub run: Rc<RunView>,
    /// The SVG element's id (exported by "Export SVG").
    pub id: AttrValue,
    pub playhead: u64,
    /// The visible window `[start, end)`, already resolved (end > start).
    pub window: (u64, u64),
    pub selected: Option<u32>,
    /// The person the app shows (kept in view when lanes are grouped by person).
    #[prop_or_default]
    pub person: Option<u32>,
    /// One lane per person instead of one per campaign and system.
    #[prop_or_default]
    pub by_person: bool,
    /// Larger type and lanes, for a projector.
    #[prop_or_default]
    pub presentation: bool,
    /// Where seeking, selecting and zooming go (as [`Action`]s).
    pub dispatch: Dispatch,
}

/// The visible window of `view`, or the whole run when it is unset.
pub fn resolve_window(start: u64, end: u64, run_end: u64) -> (u64, u64) {
    if end > start {
        (start, end)
    } else {
        (0, run_end.max(1000) + run_end / 50)
    }
}

/// The timeline of the app's main run, with its zoom and pan buttons.
pub fn main_timeline(app: &App) -> Html {
    match app.run.as_ref() {
        Ok(run) => timeline_for(app, run.clone(), "timeline-svg"),
        Err(e) => html! {
            <div class="timeline error" id="run-error" role="alert">
                { format!("This run could not be made: {e}") }
            </div>
        },
    }
}

/// A [`Timeline`] wired to the app's playhead, selection, window and lane grouping.
pub fn timeline_for(app: &App, run: Rc<RunView>, id: &'static str) -> Html {
    let v = &app.spec.view;
    let window = resolve_window(v.window_start_ms, v.window_end_ms, app.end_time());
    html! {
        <Timeline {run} id={id} playhead={v.playhead_ms} {window} selected={v.event}
            person={v.person} by_person={app.lanes_by_person} presentation={v.presentation}
            dispatch={app.dispatcher()} />
    }
}

/// What the pointer is on: an event or an aggregated mark (read from the element's `data-`
/// attributes, so the marks need no handlers of their own).
fn hovered(e: &MouseEvent) -> Option<Hover> {
    let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let el = el.closest("[data-event],[data-first]").ok()??;
    let num = |name: &str| el.get_attribute(name)?.parse::<u32>().ok();
    match num("data-event") {
        Some(id) => Some(Hover::Event(id)),
        None => Some(Hover::Many {
            first: num("data-first")?,
            last: num("data-last")?,
            count: num("data-count")?,
        }),
    }
}

/// A lane index, with the run and grouping it was made of.
type MadeIndex = (std::rc::Weak<RunView>, Grouping, Rc<LaneIndex>);

thread_local! {
    /// The lane index made last, and of which run: a big run's index is made while the run
    /// is read back ([`prepare`]), in a task of its own, not while the timeline draws it.
    static LAST_INDEX: std::cell::RefCell<Option<MadeIndex>> = const { std::cell::RefCell::new(None) };
}

/// The lane index of `run` grouped by `grouping` (made once per run and grouping).
fn index_of(run: &Rc<RunView>, grouping: Grouping) -> Rc<LaneIndex> {
    let hit = LAST_INDEX.with_borrow(|last| {
        last.as_ref()
            .filter(|(r, g, _)| *g == grouping && std::ptr::eq(r.as_ptr(), Rc::as_ptr(run)))
            .map(|(_, _, index)| index.clone())
    });
    hit.unwrap_or_else(|| {
        let index = Rc::new(lane_index(run, grouping));
        LAST_INDEX.set(Some((Rc::downgrade(run), grouping, index.clone())));
        index
    })
}

/// Makes the lane index the timeline will draw `run` with (lanes by campaign), ahead of time.
pub fn prepare(run: &Rc<RunView>) {
    index_of(run, Grouping::Campaigns);
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let hover = use_state(|| None::<Hover>);
    let drag = use_state(|| None::<Drag>);
    let page = use_state(|| 0usize);
    let svg_ref = use_node_ref();
    let run = &props.run;
    let grouping = if props.by_person {
        Grouping::People
    } else {
        Grouping::Campaigns
    };
    let index = use_memo((Same(run.clone()), grouping), |(run, g)| {
        index_of(&run.0, *g)
    });
    let index: Rc<LaneIndex> = (*index).clone();
    let rules = use_memo(Same(run.clone()), |run| invariant_lanes(&run.0));
    let dims = Dims::new(props.presentation);
    let g = Geometry::new(props.window, &dims);

    // The lanes shown, in order (a page of people, the app's person first).
    let shown: Rc<Vec<usize>> = Rc::new(match grouping {
        Grouping::Campaigns => (0..index.lanes.len()).collect(),
        Grouping::People => {
            // The no-person lane and the app's person stay; the other people are paged.
            let person = props.person;
            let pinned = |i: &usize| {
                let lane = &index.lanes[*i];
                lane.person.is_none() || (person.is_some() && lane.person == person)
            };
            let kept = (0..index.lanes.len()).filter(pinned);
            let rest = (0..index.lanes.len()).filter(|i| !pinned(i));
            kept.chain(rest.skip(*page * PEOPLE_PER_PAGE).take(PEOPLE_PER_PAGE))
                .collect()
        }
    });
    let top = dims.axis + (dims.rule + 3.0) * rules.len() as f64;
    let height = top + dims.lane * shown.len().max(1) as f64 + 8.0;
    // Where the row at index `i` is drawn, if it is inside the window and its lane is shown.
    let pos = |i: usize| {
        let r = run.rows.get(i).filter(|r| g.visible(r.time_ms))?;
        let lane = index.lane_of(run, i)?;
        let at = shown.iter().position(|&l| l == lane)?;
        Some((
            g.x(r.time_ms),
            top + dims.lane * at as f64 + dims.lane / 2.0,
        ))
    };
    let row_of = |id: u32| {
        Some(id as usize)
            .filter(|&i| run.rows.get(i).is_some_and(|r| r.id == id))
            .or_else(|| run.rows.iter().position(|r| r.id == id))
    };

    let to = props.dispatch.to_callback();
    let on_seek = to.reform(Action::Seek);
    let on_select = to.reform(Action::SelectEvent);
    let on_window = to.reform(|(a, b)| Action::Window(a, b));
    let width = dims.width;
    let to_svg_x = {
        let svg_ref = svg_ref.clone();
        move |client_x: i32| -> f64 {
            svg_ref
                .cast::<web_sys::Element>()
                .map(|el| {
                    let r = el.get_bounding_client_rect();
                    (client_x as f64 - r.left()) / r.width().max(1.0) * width
                })
                .unwrap_or(0.0)
        }
    };
    let onmousedown = {
        let (drag, to_svg_x, on_seek) = (drag.clone(), to_svg_x.clone(), on_seek.clone());
        let (on_select, on_window, run) = (on_select.clone(), on_window.clone(), run.clone());
        let (axis_h, window) = (dims.axis, props.window);
        Callback::from(move |e: MouseEvent| {
            let x = to_svg_x(e.client_x());
            match hovered(&e) {
                Some(Hover::Event(id)) => return on_select.emit(Some(id)),
                Some(Hover::Many { first, last, .. }) => {
                    // An aggregated mark: zoom in on the events it holds.
                    let time = |i: u32| run.rows.get(i as usize).map_or(0, |r| r.time_ms);
                    let (a, b) = (time(first), time(last));
                    let pad = ((b - a) / 10).max(5);
                    return on_window.emit((a.saturating_sub(pad), b + pad));
                }
                None => {}
            }
            let on_axis = (e.offset_y() as f64) < axis_h * 1.5;
            if on_axis || e.shift_key() {
                on_seek.emit(Geometry::new(window, &dims).t(x));
                drag.set(Some(Drag::Playhead));
            } else {
                drag.set(Some(Drag::Pan { x, window }));
            }
        })
    };
    let onmousemove = {
        let (drag, to_svg_x) = (drag.clone(), to_svg_x.clone());
        let (on_seek, on_window, window) = (on_seek.clone(), on_window.clone(), props.window);
        Callback::from(move |e: MouseEvent| {
            if e.buttons() == 0 {
                return;
            }
            let x = to_svg_x(e.client_x());
            let geom = Geometry::new(window, &dims);
            match *drag {
                Some(Drag::Playhead) => on_seek.emit(geom.t(x)),
                Some(Drag::Pan {
                    x: x0,
                    window: (a, b),
                }) => {
                    let span = (b - a) as f64 / geom.plot_width();
                    let shift = ((x0 - x) * span) as i64;
                    let a2 = (a as i64 + shift).max(0) as u64;
                    on_window.emit((a2, a2 + (b - a)));
                }
                None => {}
            }
        })
    };
    let onmouseover = {
        let hover = hover.clone();
        Callback::from(move |e: MouseEvent| {
            let h = hovered(&e);
            if *hover != h {
                hover.set(h);
            }
        })
    };
    let onmouseleave = {
        let (drag, hover) = (drag.clone(), hover.clone());
        Callback::from(move |_: MouseEvent| {
            drag.set(None);
            hover.set(None);
        })
    };
    let end_drag = {
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| drag.set(None))
    };

    let focus = match *hover {
        Some(Hover::Event(id)) => Some(id),
        _ => props.selected,
    };
    let arrow = focus.and_then(|id| {
        let i = row_of(id)?;
        let (x2, y2) = pos(i)?;
        let (x1, y1) = pos(row_of(run.rows[i].cause?)?)?;
        Some(html! {
            <line x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")}
                y2={format!("{y2:.1}")} stroke="#1d2330" stroke-width="1.5"
                marker-end="url(#arrowhead)" class="cause-arrow" />
        })
    });
    let ring = |id: Option<u32>, class: &'static str| {
        let (x, y) = pos(row_of(id?)?)?;
        Some(html! {
            <circle {class} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{:.1}", dims.lane * 0.3)}
                fill="none" stroke="#1d2330" stroke-width="2" pointer-events="none" />
        })
    };
    let selected_ring = ring(props.selected, "selected-mark");
    let tip = (*hover).and_then(|h| {
        let i = match h {
            Hover::Event(id) => row_of(id)?,
            Hover::Many { first, .. } => first as usize,
        };
        let (x, y) = pos(i)?;
        Some(tooltip(run, h, x, y, height, &dims))
    });
    let ph = props.playhead.clamp(g.start, g.end);
    let px = g.x(ph);
    let future_w = (width - 8.0 - px).max(0.0);
    let pager = (grouping == Grouping::People).then(|| {
        let people = index.lanes.iter().filter(|l| l.person.is_some()).count();
        draw::people_pager(*page, PEOPLE_PER_PAGE, people, &page)
    });
    html! {
        <div class="timeline">
            { zoom_bar(props.window, props.playhead, run.end_time_ms, &on_window, props.by_person, &to) }
            { for pager }
            <svg id={props.id.clone()} ref={svg_ref} xmlns="http://www.w3.org/2000/svg"
                viewBox={format!("0 0 {width} {height:.0}")} role="img"
                aria-label="Timeline of the run: a lane per rule checked, then one per campaign and system (or per person)"
                font-family="system-ui, sans-serif" data-grouping={if props.by_person { "person" } else { "campaign" }}
                {onmousedown} {onmousemove} {onmouseover} onmouseup={end_drag} {onmouseleave}>
                <defs>
                    <marker id="arrowhead" markerWidth="8" markerHeight="8" refX="7" refY="4"
                        orient="auto"><path d="M0 0 L8 4 L0 8 z" fill="#1d2330" /></marker>
                </defs>
                { lane_backgrounds(&index, &shown, top, &dims) }
                { axis(&g, height, &dims) }
                { invariant_rows(run, &rules, &g, &dims) }
                <marks::Marks run={run.clone()} index={index.clone()} shown={shown.clone()}
                    window={props.window} {dims} {top} />
                <rect class="future" x={format!("{px:.1}")} y={format!("{:.1}", dims.axis)}
                    width={format!("{future_w:.1}")} height={format!("{:.1}", height - dims.axis)}
                    fill="#ffffff" opacity="0.6" pointer-events="none" />
                { for selected_ring }
                { for arrow }
                <g class="playhead" pointer-events="none">
                    <line x1={format!("{px:.1}")} x2={format!("{px:.1}")} y1="0"
                        y2={format!("{height:.0}")} stroke="#2f5cd6" stroke-width="2" />
                    <path d={format!("M{:.1} 0 h12 l-6 8 z", px - 6.0)} fill="#2f5cd6" />
                </g>
                { for tip }
            </svg>
        </div>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Drag {
    Playhead,
    Pan { x: f64, window: (u64, u64) },
}
