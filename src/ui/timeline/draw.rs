//! The timeline's drawing pieces that do not depend on the number of events: the axis, the
//! lane backgrounds and names, the invariant lanes, the tooltip, the zoom bar and the pager of
//! person lanes.

use yew::prelude::*;

use super::{Dims, Geometry};
use crate::api::clock;
use crate::api::{InvariantLane, LaneIndex, RunView};
use crate::ui::parts::button;
use crate::ui::state::Action;

/// What the pointer is on.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Hover {
    /// A single event, by id.
    Event(u32),
    /// An aggregated mark: `count` rows from index `first` to `last`.
    Many { first: u32, last: u32, count: u32 },
}

/// SVG text at (`x`, `y`) of `size`, in `fill`, of class `class` (left out when empty).
pub(crate) fn text(
    x: f64,
    y: f64,
    size: f64,
    fill: &'static str,
    class: &'static str,
    body: String,
) -> Html {
    let class = (!class.is_empty()).then_some(class);
    html! {
        <text x={format!("{x:.1}")} y={format!("{y:.1}")} font-size={format!("{size:.0}")} {fill} {class}>
            { body }
        </text>
    }
}

/// The shown lanes' backgrounds and names.
pub(crate) fn lane_backgrounds(index: &LaneIndex, shown: &[usize], top: f64, d: &Dims) -> Html {
    shown
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            let lane = &index.lanes[l];
            let y = top + d.lane * i as f64;
            let person = lane.person.map(|p| p.to_string());
            let fill = if lane.affected && lane.person.is_some() { "#b42318" } else { "#1d2330" };
            html! {
                <g class="lane" data-lane={lane.name.clone()} data-person={person}>
                    <rect x="0" y={format!("{y:.1}")} width={d.width.to_string()} height={format!("{:.1}", d.lane)}
                        fill={if i % 2 == 0 { "#f3f5f8" } else { "#ffffff" }} />
                    { text(6.0, y + d.lane / 2.0 + d.font * 0.36, d.font, fill, "lane-name", short(&lane.name, d.name_chars)) }
                </g>
            }
        })
        .collect()
}

/// One thin lane per invariant: green while it holds, red from the event that broke it, a
/// dark tick per violation (several close together are one tick), the reason on hover.
pub(crate) fn invariant_rows(
    run: &RunView,
    rules: &[InvariantLane],
    g: &Geometry,
    d: &Dims,
) -> Html {
    let right = d.width - 8.0;
    // The rule's name is written inside its lane (the name column only says what the lane
    // is), in as many characters as the lane holds: a bold character is about 0.62 of its
    // size wide.
    let size = d.rule - 3.0;
    let fits = ((right - g.left - 8.0) / (size * 0.62)) as usize;
    rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let y = d.axis + 2.0 + (d.rule + 3.0) * i as f64;
            let h = format!("{:.1}", d.rule);
            let ys = format!("{y:.1}");
            let broken_at = rule.broken_at(run);
            let split = broken_at.map_or(right, |t| if t <= g.start { g.left } else if t >= g.end { right } else { g.x(t) });
            let held = (split > g.left).then(|| html! {
                <rect class="held" x={format!("{:.1}", g.left)} y={ys.clone()} width={format!("{:.1}", split - g.left)}
                    height={h.clone()} fill="#1f8a4c"><title>{ rule.holds() }</title></rect>
            });
            let broken = rule.reason(run).filter(|_| split < right).map(|why| html! {
                <rect class="broken" x={format!("{split:.1}")} y={ys.clone()} width={format!("{:.1}", right - split)}
                    height={h.clone()} fill="#b42318"><title>{ why }</title></rect>
            });
            let state = if broken_at.is_some() { "broken" } else { "held" };
            html! {
                <g class="invariant-lane" data-invariant={rule.id.clone()} data-state={state}>
                    <g class="rule-name">
                        <title>{ format!("This lane watches for \u{201c}{}\u{201d}: green while it has not happened, red from the event that made it happen", rule.title) }</title>
                        { text(6.0, y + d.rule * 0.8, d.small, if broken_at.is_some() { "#b42318" } else { "#1f6b3f" }, "",
                            "Watch for:".to_string()) }
                    </g>
                    { for held }
                    { for broken }
                    <text class="rule-title" x={format!("{:.1}", g.left + 4.0)} y={format!("{:.1}", y + d.rule - 3.0)}
                        font-size={format!("{size:.0}")} font-weight="bold" fill="#ffffff" pointer-events="none">
                        { short(&rule.title, fits) }
                    </text>
                    { ticks(run, rule, g, y, d) }
                </g>
            }
        })
        .collect()
}

/// A tick per violation of `rule` in the window, one per few units at most (a tick standing
/// for several says how many).
fn ticks(run: &RunView, rule: &InvariantLane, g: &Geometry, y: f64, d: &Dims) -> Html {
    let times: Vec<u64> = rule
        .violations
        .iter()
        .map(|&v| run.violations[v].time_ms)
        .collect();
    let lo = times.partition_point(|&t| t < g.start);
    let hi = times.partition_point(|&t| t <= g.end);
    let mut out: Vec<Html> = Vec::new();
    let mut i = lo;
    while i < hi {
        let x = g.x(times[i]);
        let mut j = i + 1;
        while j < hi && g.x(times[j]) - x < 3.0 {
            j += 1;
        }
        let what = if j - i == 1 {
            let v = &run.violations[rule.violations[i]];
            format!("{} {}", clock(v.time_ms), v.message)
        } else {
            format!(
                "{} violations from {} to {}",
                j - i,
                clock(times[i]),
                clock(times[j - 1])
            )
        };
        out.push(html! {
            <rect class="tick" x={format!("{:.1}", x - 1.0)} y={format!("{:.1}", y - 1.0)} width="2"
                height={format!("{:.1}", d.rule + 2.0)} fill="#5c0d08"><title>{ what }</title></rect>
        });
        i = j;
    }
    out.into_iter().collect()
}

pub(crate) fn axis(g: &Geometry, height: f64, d: &Dims) -> Html {
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
                    <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={d.axis.to_string()}
                        y2={format!("{height:.0}")} stroke="#dde2ea" />
                    <text x={format!("{x:.1}")} y={format!("{:.1}", d.axis * 0.62)} font-size={format!("{:.0}", d.small)}
                        text-anchor="middle" fill="#3d4557">{ clock(t) }</text>
                </g>
            }
        });
    html! {
        <g class="axis">
            <rect x={g.left.to_string()} y="0" width={(d.width - g.left).to_string()}
                height={d.axis.to_string()} fill="#eef1f6" />
            { for ticks }
        </g>
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

/// The details of what the pointer is on, beside (`x`, `y`).
pub(crate) fn tooltip(run: &RunView, hover: Hover, x: f64, y: f64, height: f64, d: &Dims) -> Html {
    let mut lines = Vec::new();
    match hover {
        Hover::Event(id) => {
            let fast = Some(id as usize).filter(|&i| run.rows.get(i).is_some_and(|r| r.id == id));
            let Some(i) = fast.or_else(|| run.rows.iter().position(|r| r.id == id)) else {
                return Html::default();
            };
            let row = &run.rows[i];
            lines.push(format!(
                "#{} · {} · {}{}",
                row.id,
                clock(row.time_ms),
                row.lane,
                row.person
                    .map_or(String::new(), |p| format!(" · person {p}"))
            ));
            lines.push(run.step_names.of(i).to_string());
            lines.extend(wrap(&row.details, 52));
            if let Some(c) = row.cause {
                lines.push(format!("caused by #{c}"));
            }
        }
        Hover::Many { first, last, count } => {
            let time = |i: u32| run.rows.get(i as usize).map_or(0, |r| r.time_ms);
            lines.push(format!(
                "{count} events, {} to {}",
                clock(time(first)),
                clock(time(last))
            ));
            let bad = (first..=last).any(|i| {
                run.parts
                    .get(i as usize)
                    .is_some_and(|p| *p != Default::default())
            });
            if bad {
                lines.push("some of them are in a violation".to_string());
            }
            lines.push("Click to zoom in on them".to_string());
        }
    }
    let line = d.font * 1.3;
    let w = d.font * 30.0;
    let h = 8.0 + line * lines.len() as f64;
    let bx = if x + w + 12.0 > d.width {
        x - w - 12.0
    } else {
        x + 12.0
    };
    let by = (y - h / 2.0).clamp(0.0, (height - h).max(0.0));
    html! {
        <g class="tooltip" pointer-events="none">
            <rect x={format!("{bx:.1}")} y={format!("{by:.1}")} width={format!("{w:.0}")}
                height={format!("{h:.0}")} rx="4" fill="#1d2330" opacity="0.95" />
            { for lines.into_iter().enumerate().map(|(i, l)| {
                text(bx + 8.0, by + 4.0 + line * (i as f64 + 0.8), d.font, "#ffffff", "", l)
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

pub(crate) fn short(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        text.chars().take(n - 1).chain(['…']).collect()
    }
}

/// A stable colour per lane (campaigns and systems are told apart by position, too).
pub(crate) fn lane_colour(lane: &str) -> &'static str {
    const COLOURS: [&str; 6] = [
        "#2f5cd6", "#0e7c86", "#7a4cc2", "#9a6400", "#3f6212", "#9d174d",
    ];
    let h = lane
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
    COLOURS[h as usize % COLOURS.len()]
}

/// Zoom in / out around the playhead, pan left / right, fit the whole run (which ends at
/// `end`), and the lane grouping.
pub(crate) fn zoom_bar(
    window: (u64, u64),
    playhead: u64,
    end: u64,
    on_window: &Callback<(u64, u64)>,
    by_person: bool,
    to: &Callback<Action>,
) -> Html {
    let (a, b) = window;
    let span = (b - a).max(1);
    let emit = |w: (u64, u64)| on_window.reform(move |_| w);
    let centre = playhead.clamp(a, b);
    let zoom_in = (span / 4).max(10);
    let zoom_out = span;
    let group = to.reform(move |_: MouseEvent| Action::LanesByPerson(!by_person));
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
            <button id="lanes-by-person" aria-pressed={by_person.to_string()} onclick={group}
                title="One lane per person instead of one per campaign">
                { if by_person { "Lanes: by person" } else { "Lanes: by campaign" } }
            </button>
            <span class="hint">{ format!("{} – {} · drag the top strip to move the playhead, drag the lanes to pan", clock(a), clock(b.min(end.max(b)))) }</span>
        </div>
    }
}

/// Previous / next page of person lanes, and which people are shown.
pub(crate) fn people_pager(
    page: usize,
    per_page: usize,
    people: usize,
    set: &UseStateHandle<usize>,
) -> Html {
    let pages = people.div_ceil(per_page).max(1);
    let page = page.min(pages - 1);
    let go = |p: usize| {
        let set = set.clone();
        Callback::from(move |_: MouseEvent| set.set(p))
    };
    let first = page * per_page + 1;
    let last = ((page + 1) * per_page).min(people);
    html! {
        <div class="zoom people-pager" role="toolbar" aria-label="People shown">
            { button("people-prev", "The previous people", "▲ People", page == 0, go(page.saturating_sub(1))) }
            { button("people-next", "The next people", "People ▼", page + 1 >= pages, go(page + 1)) }
            <span class="hint" id="people-shown">
                { format!("lanes {first}–{last} of {people} people (people in a violation first)") }
            </span>
        </div>
    }
}
