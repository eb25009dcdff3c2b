//! The timeline: SVG swimlanes (one per campaign and per outside system), every trace event as
//! a mark on a simulated-time axis, zoom and pan, a draggable playhead, and on hover the
//! event's details with an arrow from the event that caused it. Violating events are red
//! triangles, their other witnesses red rings. Colours are SVG attributes (not CSS) so an
//! exported SVG looks the same.

use std::rc::Rc;

use yew::prelude::*;

use super::parts::{button, fmt_time, svg_text};
use super::state::{Action, App, Dispatch};
use crate::api::{RowPart, RunView};

/// The SVG's coordinate width; it scales to the page.
const WIDTH: f64 = 1000.0;
/// Width of the lane-name column.
const LABELS: f64 = 170.0;
const AXIS: f64 = 26.0;
const LANE: f64 = 26.0;

#[derive(Properties, Clone, PartialEq)]
pub struct TimelineProps {
    pub run: Rc<RunView>,
    /// The SVG element's id (exported by "Export SVG").
    pub id: AttrValue,
    pub playhead: u64,
    /// The visible window `[start, end)`, already resolved (end > start).
    pub window: (u64, u64),
    pub selected: Option<u32>,
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

/// A [`Timeline`] wired to the app's playhead, selection and window.
pub fn timeline_for(app: &App, run: Rc<RunView>, id: &'static str) -> Html {
    let v = &app.spec.view;
    let window = resolve_window(v.window_start_ms, v.window_end_ms, app.end_time());
    html! {
        <Timeline {run} id={id} playhead={v.playhead_ms} {window} selected={v.event}
            dispatch={app.dispatcher()} />
    }
}

struct Geometry {
    start: u64,
    end: u64,
}

impl Geometry {
    fn x(&self, t: u64) -> f64 {
        let span = (self.end - self.start) as f64;
        LABELS + (t.saturating_sub(self.start)) as f64 / span * (WIDTH - LABELS - 8.0)
    }
    fn t(&self, x: f64) -> u64 {
        let span = (self.end - self.start) as f64;
        let f = ((x - LABELS) / (WIDTH - LABELS - 8.0)).clamp(0.0, 1.0);
        self.start + (f * span).round() as u64
    }
    fn visible(&self, t: u64) -> bool {
        t >= self.start && t <= self.end
    }
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let hover = use_state(|| None::<u32>);
    let drag = use_state(|| None::<Drag>);
    let svg_ref = use_node_ref();
    let run = &props.run;
    let to = props.dispatch.to_callback();
    let on_seek = to.reform(Action::Seek);
    let on_select = to.reform(Action::SelectEvent);
    let on_window = to.reform(|(a, b)| Action::Window(a, b));
    let g = Geometry {
        start: props.window.0,
        end: props.window.1.max(props.window.0 + 1),
    };
    let height = AXIS + LANE * run.lanes.len().max(1) as f64 + 8.0;
    let lane_y = |name: &str| {
        let i = run.lanes.iter().position(|l| l.name == name).unwrap_or(0);
        AXIS + LANE * i as f64 + LANE / 2.0
    };
    // Where event `id` is drawn, if it is inside the window.
    let pos = |id: u32| {
        run.row(id)
            .filter(|r| g.visible(r.time_ms))
            .map(|r| (g.x(r.time_ms), lane_y(&r.lane)))
    };

    let to_svg_x = {
        let svg_ref = svg_ref.clone();
        move |client_x: i32| -> f64 {
            svg_ref
                .cast::<web_sys::Element>()
                .map(|el| {
                    let r = el.get_bounding_client_rect();
                    (client_x as f64 - r.left()) / r.width().max(1.0) * WIDTH
                })
                .unwrap_or(0.0)
        }
    };
    let onmousedown = {
        let (drag, to_svg_x, on_seek) = (drag.clone(), to_svg_x.clone(), on_seek.clone());
        let (y_axis, window) = (AXIS, props.window);
        let gt = move |x| {
            Geometry {
                start: window.0,
                end: window.1.max(window.0 + 1),
            }
            .t(x)
        };
        Callback::from(move |e: MouseEvent| {
            let x = to_svg_x(e.client_x());
            let on_axis = (e.offset_y() as f64) < y_axis * 1.5;
            if on_axis || e.shift_key() {
                on_seek.emit(gt(x));
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
            let geom = Geometry {
                start: window.0,
                end: window.1.max(window.0 + 1),
            };
            match *drag {
                Some(Drag::Playhead) => on_seek.emit(geom.t(x)),
                Some(Drag::Pan {
                    x: x0,
                    window: (a, b),
                }) => {
                    let span = (b - a) as f64 / (WIDTH - LABELS - 8.0);
                    let shift = ((x0 - x) * span) as i64;
                    let a2 = (a as i64 + shift).max(0) as u64;
                    on_window.emit((a2, a2 + (b - a)));
                }
                None => {}
            }
        })
    };
    let end_drag = {
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| drag.set(None))
    };

    let rows = run.rows.iter().zip(run.parts.iter().copied());
    let marks = rows.filter(|(r, _)| g.visible(r.time_ms)).map(|(r, part)| {
        let (x, y) = (g.x(r.time_ms), lane_y(&r.lane));
        let future = r.time_ms > props.playhead;
        let opacity = if future { "0.25" } else { "1" };
        let select = {
            let (on_select, id) = (on_select.clone(), r.id);
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                on_select.emit(Some(id));
            })
        };
        let enter = {
            let (hover, id) = (hover.clone(), r.id);
            Callback::from(move |_| hover.set(Some(id)))
        };
        let leave = {
            let hover = hover.clone();
            Callback::from(move |_| hover.set(None))
        };
        let selected = props.selected == Some(r.id);
        let outline = if selected { "#1d2330" } else { "none" };
        let shape = if part == RowPart::Violating {
            html! {
                <path d={format!("M{x:.1} {:.1} l6 10 h-12 z", y - 6.0)} fill="#b42318"
                    stroke={outline} stroke-width="2"
                    class="mark violation" data-event={r.id.to_string()} />
            }
        } else if part == RowPart::Witness {
            html! {
                <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="5" fill="#fff"
                    stroke="#b42318" stroke-width="2.5" class="mark witness"
                    data-event={r.id.to_string()} />
            }
        } else {
            html! {
                <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")}
                    r={if selected { "6" } else { "4" }} fill={lane_colour(&r.lane)}
                    stroke={outline} stroke-width="2" class="mark" data-event={r.id.to_string()} />
            }
        };
        html! {
            <g opacity={opacity} onmousedown={select} onmouseenter={enter} onmouseleave={leave}>
                <title>{ format!("#{} {} {}", r.id, fmt_time(r.time_ms), r.details) }</title>
                { shape }
            </g>
        }
    });

    let focus = (*hover).or(props.selected);
    let arrow = focus.and_then(|id| {
        let row = run.row(id)?;
        let (x2, y2) = pos(id)?;
        let (x1, y1) = pos(row.cause?)?;
        Some(html! {
            <line x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")}
                y2={format!("{y2:.1}")} stroke="#1d2330" stroke-width="1.5"
                marker-end="url(#arrowhead)" class="cause-arrow" />
        })
    });
    let tip = (*hover).and_then(|id| {
        let row = run.row(id)?;
        let (x, y) = pos(id)?;
        Some(tooltip(x, y, height, row))
    });
    let lanes = run.lanes.iter().enumerate().map(|(i, l)| {
        let y = AXIS + LANE * i as f64;
        html! {
            <g>
                <rect x="0" y={y.to_string()} width={WIDTH.to_string()} height={LANE.to_string()}
                    fill={if i % 2 == 0 { "#f6f7f9" } else { "#ffffff" }} />
                { svg_text("6".into(), format!("{:.1}", y + LANE / 2.0 + 4.0), "11", "start", "#1d2330", short(&l.name, 26)) }
            </g>
        }
    });
    let ph = props.playhead.clamp(g.start, g.end);
    let px = g.x(ph);
    html! {
        <div class="timeline">
            { zoom_bar(props.window, props.playhead, run.end_time_ms, &on_window) }
            <svg id={props.id.clone()} ref={svg_ref} xmlns="http://www.w3.org/2000/svg"
                viewBox={format!("0 0 {WIDTH} {height:.0}")} role="img"
                aria-label="Timeline of the run: one lane per campaign and system"
                font-family="system-ui, sans-serif"
                {onmousedown} {onmousemove} onmouseup={end_drag.clone()} onmouseleave={end_drag}>
                <defs>
                    <marker id="arrowhead" markerWidth="8" markerHeight="8" refX="7" refY="4"
                        orient="auto"><path d="M0 0 L8 4 L0 8 z" fill="#1d2330" /></marker>
                </defs>
                { for lanes }
                { axis(&g, height) }
                { for marks }
                { for arrow }
                <g class="playhead">
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

fn axis(g: &Geometry, height: f64) -> Html {
    let span = g.end - g.start;
    let step = nice_step(span / 8);
    let first = g.start.div_ceil(step) * step;
    let ticks = (0..)
        .map(|i| first + i * step)
        .take_while(|&t| t <= g.end)
        .map(|t| {
            let x = g.x(t);
            html! {
                <g>
                    <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={AXIS.to_string()}
                        y2={format!("{height:.0}")} stroke="#dde2ea" />
                    { svg_text(format!("{x:.1}"), "16".into(), "10", "middle", "#5b6478", tick_label(t, step)) }
                </g>
            }
        });
    html! {
        <g class="axis">
            <rect x={LABELS.to_string()} y="0" width={(WIDTH - LABELS).to_string()}
                height={AXIS.to_string()} fill="#eef1f6" />
            { for ticks }
        </g>
    }
}

/// An axis label precise enough for ticks `step` ms apart: `1 h 5 min`, `3 min 20 s`,
/// `12.5 s`, `340 ms`.
fn tick_label(t: u64, step: u64) -> String {
    let (h, m, s, ms) = (t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
    match step {
        _ if step >= 60_000 && h > 0 => format!("{h} h {m} min"),
        _ if step >= 60_000 => format!("{m} min"),
        _ if step >= 1000 && h > 0 => format!("{h}:{m:02}:{s:02}"),
        _ if step >= 1000 && m > 0 => format!("{m} min {s} s"),
        _ if step >= 1000 => format!("{s} s"),
        _ if t >= 60_000 => format!("{}:{m:02}:{s:02}.{ms:03}", h),
        _ if t >= 1000 => format!("{s}.{ms:03} s"),
        _ => format!("{ms} ms"),
    }
}

/// A round time step (ms, seconds, minutes, hours or days) at least `target` ms.
fn nice_step(target: u64) -> u64 {
    const STEPS: [u64; 27] = [
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000,
        120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000,
        21_600_000, 43_200_000, 86_400_000,
    ];
    STEPS
        .iter()
        .copied()
        .find(|&s| s >= target.max(1))
        .unwrap_or_else(|| target.div_ceil(86_400_000) * 86_400_000)
}

fn tooltip(x: f64, y: f64, height: f64, row: &crate::api::TraceRow) -> Html {
    let mut lines = vec![format!(
        "#{} · {} · {}{}",
        row.id,
        fmt_time(row.time_ms),
        row.kind,
        row.person
            .map_or(String::new(), |p| format!(" · person {p}"))
    )];
    lines.extend(wrap(&row.details, 58));
    if let Some(c) = row.cause {
        lines.push(format!("caused by #{c}"));
    }
    let w = 330.0;
    let h = 8.0 + 14.0 * lines.len() as f64;
    let bx = if x + w + 12.0 > WIDTH {
        x - w - 12.0
    } else {
        x + 12.0
    };
    let by = (y - h / 2.0).clamp(0.0, (height - h).max(0.0));
    html! {
        <g class="tooltip" pointer-events="none">
            <rect x={format!("{bx:.1}")} y={format!("{by:.1}")} width={w.to_string()}
                height={format!("{h:.0}")} rx="4" fill="#1d2330" opacity="0.94" />
            { for lines.into_iter().enumerate().map(|(i, l)| {
                svg_text(format!("{:.1}", bx + 8.0), format!("{:.1}", by + 16.0 + 14.0 * i as f64), "11", "start", "#ffffff", l)
            }) }
        </g>
    }
}

/// Splits `text` into lines of at most about `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    for word in text.split_whitespace() {
        let last = out.last_mut().expect("never empty");
        if !last.is_empty() && last.chars().count() + word.chars().count() >= width {
            out.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    out
}

fn short(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        text.chars().take(n - 1).chain(['…']).collect()
    }
}

/// A stable colour per lane (campaigns and systems are told apart by position, too).
fn lane_colour(lane: &str) -> &'static str {
    const COLOURS: [&str; 6] = [
        "#2f5cd6", "#0e7c86", "#7a4cc2", "#b7791f", "#3f6212", "#9d174d",
    ];
    let h = lane
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
    COLOURS[h as usize % COLOURS.len()]
}

/// Zoom in / out around the playhead, pan left / right, and fit the whole run (which ends at
/// `end`).
fn zoom_bar(window: (u64, u64), playhead: u64, end: u64, on_window: &Callback<(u64, u64)>) -> Html {
    let (a, b) = window;
    let span = (b - a).max(1);
    let emit = |w: (u64, u64)| on_window.reform(move |_| w);
    let centre = playhead.clamp(a, b);
    let zoom_in = (span / 4).max(10);
    let zoom_out = span;
    html! {
        <div class="zoom" role="toolbar" aria-label="Timeline zoom">
            { button("", "Zoom in around the playhead", "Zoom +", false,
                emit((centre.saturating_sub(zoom_in), centre + zoom_in))) }
            { button("", "Zoom out", "Zoom −", false,
                emit((centre.saturating_sub(zoom_out), centre + zoom_out))) }
            { button("", "Pan left", "◀ Pan", false,
                emit((a.saturating_sub(span / 2), a.saturating_sub(span / 2) + span))) }
            { button("", "Pan right", "Pan ▶", false, emit((a + span / 2, b + span / 2))) }
            { button("zoom-fit", "Show the whole run", "Fit", false, emit((0, 0))) }
            <span class="hint">{ format!("{} – {} · drag the top strip to move the playhead, drag the lanes to pan", fmt_time(a), fmt_time(b.min(end.max(b)))) }</span>
        </div>
    }
}
