//! The marks of the shown lanes: at most one per slot of a lane (see
//! [`crate::api::IndexedLane::marks`]), a single event as a dot (a red triangle when it broke
//! an invariant, a red ring when it witnesses a violation), several as one bar whose
//! opacity says how many, red if one of them is in a violation. A single event is labelled
//! with its step's name when the text fits before the next mark. The marks carry `data-`
//! attributes instead of handlers (the timeline reads them on hover and click), and the
//! component renders again only when the run, the lanes or the window change.

use std::rc::Rc;

use yew::prelude::*;

use super::draw::lane_colour;
use super::{Dims, Geometry};
use crate::api::{LaneIndex, Mark, RowPart, RunView};

/// Slots per lane: a lane never holds more marks than this (a few units of the drawing each,
/// fewer than the lane has pixels at any width the page gives it).
const SLOTS: usize = 240;

/// A run compared by identity: a new run is a new `Rc`, so this never compares two runs
/// event by event.
#[derive(Clone)]
pub struct Same<T>(pub Rc<T>);

impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, Clone)]
pub struct MarksProps {
    pub run: Rc<RunView>,
    pub index: Rc<LaneIndex>,
    /// The lanes shown, in order (indices into the index's lanes).
    pub shown: Rc<Vec<usize>>,
    pub window: (u64, u64),
    pub dims: Dims,
    /// Where the first lane starts.
    pub top: f64,
}

impl PartialEq for MarksProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.run, &o.run)
            && Rc::ptr_eq(&self.index, &o.index)
            && self.shown == o.shown
            && self.window == o.window
            && self.dims == o.dims
            && self.top == o.top
    }
}

#[function_component(Marks)]
pub fn marks(p: &MarksProps) -> Html {
    let g = Geometry::new(p.window, &p.dims);
    let d = &p.dims;
    let lanes = p.shown.iter().enumerate().map(|(i, &l)| {
        let y = p.top + d.lane * i as f64 + d.lane / 2.0;
        let marks = p.index.lanes[l].marks(&p.run, p.window, SLOTS);
        let xs: Vec<f64> = marks
            .iter()
            .map(|m| g.x(p.run.rows[m.first_row() as usize].time_ms))
            .collect();
        let drawn = marks.iter().enumerate().map(|(k, m)| {
            let next = xs.get(k + 1).copied().unwrap_or(g.x(g.end) + 8.0);
            mark(&p.run, m, xs[k], next, y, d, &g)
        });
        let person = p.index.lanes[l].person.map(|n| n.to_string());
        html! { <g class="lane-marks" data-person={person}>{ for drawn }</g> }
    });
    let shows = format!("{} {}-{}", p.run.trace_hash, p.window.0, p.window.1);
    html! { <g class="marks" data-shows={shows}>{ for lanes }</g> }
}

/// One mark at `x` on the lane centred at `y`; the next mark of the lane is at `next`.
fn mark(run: &RunView, m: &Mark, x: f64, next: f64, y: f64, d: &Dims, g: &Geometry) -> Html {
    let r = d.lane * 0.16;
    match *m {
        Mark::One { row } => {
            let rw = &run.rows[row as usize];
            let id = rw.id.to_string();
            let part = run.parts.get(row as usize).copied().unwrap_or_default();
            let shape = match part {
                RowPart::Violating => html! {
                    <path d={format!("M{x:.1} {:.1} l{:.1} {:.1} h{:.1} z", y - r * 1.5, r * 1.5, r * 2.5, -r * 3.0)}
                        fill="#b42318" class="mark violation" data-event={id} />
                },
                RowPart::Witness => html! {
                    <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{:.1}", r * 1.2)} fill="#fff"
                        stroke="#b42318" stroke-width="2.5" class="mark witness" data-event={id} />
                },
                RowPart::None => html! {
                    <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{r:.1}")}
                        fill={lane_colour(&rw.lane)} class="mark" data-event={id} />
                },
            };
            html! { <>{ shape }{ label(run, row as usize, x, next, y, d) }</> }
        }
        Mark::Many {
            first_row,
            last_row,
            count,
            part,
        } => {
            let x2 = g.x(run.rows[last_row as usize].time_ms).max(x + 2.0);
            let fill = if part == RowPart::None {
                lane_colour(&run.rows[first_row as usize].lane)
            } else {
                "#b42318"
            };
            let opacity = (0.35 + 0.13 * (count as f64).log2()).min(1.0);
            let h = d.lane * 0.55;
            let class = match part {
                RowPart::Violating => "bucket violation",
                RowPart::Witness => "bucket witness",
                RowPart::None => "bucket",
            };
            html! {
                <rect {class} x={format!("{:.1}", x - 1.0)} y={format!("{:.1}", y - h / 2.0)}
                    width={format!("{:.1}", x2 - x + 2.0)} height={format!("{h:.1}")} rx="1"
                    fill={fill} opacity={format!("{opacity:.2}")}
                    data-first={first_row.to_string()} data-last={last_row.to_string()} data-count={count.to_string()} />
            }
        }
    }
}

/// The step name of the row at `row` beside its mark at `x`, if it fits before `next`.
fn label(run: &RunView, row: usize, x: f64, next: f64, y: f64, d: &Dims) -> Option<Html> {
    let name = run.step_names.of(row);
    let start = x + d.lane * 0.25;
    // An estimate of the text's width (an average character is a little over half the size).
    let width = name.chars().count() as f64 * d.small * 0.56;
    if name.is_empty() || start + width + 4.0 > next {
        return None;
    }
    Some(html! {
        <text class="mark-label" x={format!("{start:.1}")} y={format!("{:.1}", y + d.small * 0.35)}
            font-size={format!("{:.0}", d.small)} fill="#1d2330" stroke="#ffffff" stroke-width="3"
            paint-order="stroke" pointer-events="none">{ name.to_string() }</text>
    })
}
