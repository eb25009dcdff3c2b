//! The story as a sequence diagram (SVG): a column per campaign or system with its name on
//! top and a dashed lifeline, each step a box with its label written in it (wrapped to the
//! column), one step per row in time order going down with its clock time in the left
//! margin, cause arrows, the two conflicting steps filled in orange, the step that broke the
//! rule marked with a red triangle, and a blue dot on steps that read data. A box is a
//! button: clicking it (or Enter / Space on it) selects it; hovering or focusing it lights
//! its sentence. Colours are SVG attributes, so an exported SVG looks the same.

use yew::prelude::*;

use crate::api::Story;

/// Colours of the drawing (also used by the legend).
pub const CONFLICT_FILL: &str = "#ffd8a8";
pub const CONFLICT_STROKE: &str = "#c2410c";
pub const VIOLATING: &str = "#b42318";
pub const READ_DOT: &str = "#2f5cd6";
const BOX_FILL: &str = "#ffffff";
const BOX_STROKE: &str = "#8792a8";
const LIT_FILL: &str = "#dfe8fb";
const LIT_STROKE: &str = "#2f5cd6";
const SELECTED_STROKE: &str = "#1d2330";
const INK: &str = "#1d2330";
const MUTED: &str = "#5b6478";
const LIFELINE: &str = "#c9d0dc";

/// Sizes of the drawing, in SVG units; the SVG scales to its column's width, which at
/// 1280×720 is about as many pixels as it has units.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Dims {
    width: f64,
    /// The clock times' margin on the left.
    gutter: f64,
    /// A box's text.
    font: f64,
    head_font: f64,
    /// The clock times in the margin.
    clock_font: f64,
    /// Line height of a box's text.
    line: f64,
    /// Space between rows.
    gap: f64,
}

impl Dims {
    pub fn new(presentation: bool) -> Self {
        if presentation {
            // On a projector a box's text is about as big as the sentences beside it (20 px):
            // the sentences' column is narrower there (story.css), the diagram's wider.
            Dims {
                width: 840.0,
                gutter: 120.0,
                font: 19.0,
                head_font: 18.0,
                clock_font: 16.0,
                line: 23.5,
                gap: 10.0,
            }
        } else {
            Dims {
                width: 860.0,
                gutter: 94.0,
                font: 12.5,
                head_font: 13.0,
                clock_font: 11.5,
                line: 15.5,
                gap: 8.0,
            }
        }
    }

    /// Characters of `font` (`bold` or not) that fit in `w` units, at a generous average
    /// glyph width.
    fn fits(&self, w: f64, font: f64, bold: bool) -> usize {
        let glyph = font * if bold { 0.66 } else { 0.6 };
        ((w / glyph).floor() as usize).max(6)
    }
}

/// A laid-out box.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub lines: Vec<String>,
}

/// Where everything goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Column centres.
    pub centres: Vec<f64>,
    pub column_width: f64,
    /// Each column name's lines.
    pub heads: Vec<Vec<String>>,
    pub head_height: f64,
    pub boxes: Vec<Placed>,
    pub height: f64,
}

/// Lays out `story` with `d`.
pub fn layout(story: &Story, d: &Dims) -> Layout {
    let n = story.columns.len().max(1) as f64;
    let column_width = (d.width - d.gutter) / n;
    let centres = (0..story.columns.len())
        .map(|c| d.gutter + column_width * (c as f64 + 0.5))
        .collect();
    let inner = column_width - 14.0;
    let heads: Vec<Vec<String>> = story
        .columns
        .iter()
        .map(|c| wrap(c, d.fits(inner, d.head_font, true)))
        .collect();
    let head_lines = heads.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let head_height = head_lines * (d.head_font + 4.0) + 12.0;
    let mut y = head_height + d.gap;
    let boxes = story
        .steps
        .iter()
        .map(|s| {
            let lines = wrap(&s.label, d.fits(inner - 12.0, d.font, s.conflict));
            let h = lines.len() as f64 * d.line + 10.0;
            let x = d.gutter + column_width * s.column as f64 + 7.0;
            let placed = Placed {
                x,
                y,
                w: inner,
                h,
                lines,
            };
            y += h + d.gap;
            placed
        })
        .collect();
    Layout {
        centres,
        column_width,
        heads,
        head_height,
        boxes,
        height: y + 4.0,
    }
}

/// `text` in lines of at most `max` characters, broken between words (a longer word is cut).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let room = if used == 0 {
                max
            } else {
                max.saturating_sub(used + 1)
            };
            if word.len() <= room {
                if used > 0 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            let rest = word.split_off(max);
            lines.push(word.into_iter().collect());
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// What the diagram draws besides the story: the lit sentence, the selected step, and where
/// clicks and hovers go.
pub struct Marks<'a> {
    pub lit: Option<usize>,
    pub selected: Option<usize>,
    /// A box was picked (its step's index).
    pub pick: &'a Callback<usize>,
    /// The pointer or the focus is on a box of this sentence (`None`: left it).
    pub hover: &'a Callback<Option<usize>>,
}

/// The diagram of `story`.
pub fn diagram(story: &Story, d: &Dims, m: Marks) -> Html {
    let l = layout(story, d);
    let heads = story.columns.iter().enumerate().map(|(c, name)| {
        let x = l.centres[c];
        let lines = l.heads[c].iter().enumerate().map(|(i, t)| {
            let y = 6.0 + d.head_font * (i as f64 + 1.0) + 4.0 * i as f64;
            html! { <tspan x={num(x)} y={num(y)}>{ t.clone() }</tspan> }
        });
        html! {
            <g class="story-column" data-column={name.clone()}>
                <text text-anchor="middle" font-size={num(d.head_font)} font-weight="700" fill={INK}>
                    { for lines }
                </text>
                <line x1={num(x)} x2={num(x)} y1={num(l.head_height - 4.0)} y2={num(l.height)}
                    stroke={LIFELINE} stroke-width="1.5" stroke-dasharray="5 4" />
            </g>
        }
    });
    let arrows = story.arrows.iter().map(|a| arrow(story, &l, a.from, a.to));
    let boxes = story
        .steps
        .iter()
        .enumerate()
        .map(|(i, _)| step_box(story, &l, d, i, &m));
    let label = format!(
        "Sequence diagram: {} steps in {} columns ({})",
        story.steps.len(),
        story.columns.len(),
        story.columns.join(", ")
    );
    html! {
        <svg id="story-svg" class="story-svg" role="group" aria-label={label}
            viewBox={format!("0 0 {} {}", num(d.width), num(l.height))}
            preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif">
            <defs>
                <marker id="story-arrowhead" viewBox="0 0 10 10" refX="9" refY="5"
                    markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0 0 L10 5 L0 10 z" fill={MUTED} />
                </marker>
            </defs>
            { for heads }
            <g class="story-arrows">{ for arrows }</g>
            { for boxes }
        </svg>
    }
}

/// A cause arrow: straight down within a column when no box of the column is in between,
/// bowed out to the right when there is one, else from one box's side to the other's.
fn arrow(story: &Story, l: &Layout, from: usize, to: usize) -> Html {
    let (a, b) = (&l.boxes[from], &l.boxes[to]);
    let (ca, cb) = (story.steps[from].column, story.steps[to].column);
    let d = if ca == cb {
        let between = (from.min(to) + 1..from.max(to)).any(|k| story.steps[k].column == ca);
        if between {
            let (x, y1, y2) = (a.x + a.w, a.y + a.h / 2.0, b.y + b.h / 2.0);
            let bow = x + 18.0;
            format!(
                "M{} {} C{} {} {} {} {} {}",
                num(x),
                num(y1),
                num(bow),
                num(y1),
                num(bow),
                num(y2),
                num(x + 1.0),
                num(y2)
            )
        } else {
            let x = l.centres[ca];
            format!("M{} {} L{} {}", num(x), num(a.y + a.h), num(x), num(b.y))
        }
    } else {
        let right = cb > ca;
        let x1 = if right { a.x + a.w } else { a.x };
        let x2 = if right { b.x } else { b.x + b.w };
        let y1 = a.y + a.h / 2.0;
        let y2 = b.y + (b.h / 2.0).min(12.0);
        format!("M{} {} L{} {}", num(x1), num(y1), num(x2), num(y2))
    };
    html! {
        <path class="story-arrow" data-from={from.to_string()} data-to={to.to_string()} {d}
            fill="none" stroke={MUTED} stroke-width="1.5" marker-end="url(#story-arrowhead)" />
    }
}

/// Step `i`'s box: its clock time in the margin, the box with its label, its marks.
fn step_box(story: &Story, l: &Layout, d: &Dims, i: usize, m: &Marks) -> Html {
    let s = &story.steps[i];
    let b = &l.boxes[i];
    let lit = m.lit == Some(s.sentence);
    let selected = m.selected == Some(i);
    let (fill, mut stroke, mut width) = if s.conflict {
        (CONFLICT_FILL, CONFLICT_STROKE, 2.5)
    } else if lit {
        (LIT_FILL, BOX_STROKE, 1.2)
    } else {
        (BOX_FILL, BOX_STROKE, 1.2)
    };
    if lit {
        (stroke, width) = (LIT_STROKE, 3.0);
    }
    if selected {
        (stroke, width) = (SELECTED_STROKE, 3.5);
    }
    let class = classes!(
        "story-box",
        s.conflict.then_some("conflict"),
        s.violating.then_some("violating"),
        s.seen.is_some().then_some("read"),
        lit.then_some("lit"),
        selected.then_some("selected"),
    );
    let text_x = b.x + 6.0;
    let lines = b.lines.iter().enumerate().map(|(k, t)| {
        let y = b.y + 5.0 + d.line * (k as f64 + 1.0) - (d.line - d.font) / 2.0 - 2.0;
        html! { <tspan x={num(text_x)} y={num(y)}>{ t.clone() }</tspan> }
    });
    let column = story.columns.get(s.column).cloned().unwrap_or_default();
    let mut aria = format!("{} {}: {}", s.clock, column, s.label);
    if s.conflict {
        aria.push_str(" (one of the two conflicting steps)");
    }
    if s.violating {
        aria.push_str(" (broke the rule)");
    }
    let onclick = {
        let pick = m.pick.clone();
        Callback::from(move |_: MouseEvent| pick.emit(i))
    };
    let onkeydown = {
        let pick = m.pick.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                // Not the page's Space (play / pause).
                e.prevent_default();
                e.stop_propagation();
                pick.emit(i);
            }
        })
    };
    let (enter, leave) = {
        let (h1, h2) = (m.hover.clone(), m.hover.clone());
        let sentence = s.sentence;
        (
            Callback::from(move |_: MouseEvent| h1.emit(Some(sentence))),
            Callback::from(move |_: MouseEvent| h2.emit(None)),
        )
    };
    let (focus, blur) = {
        let (h1, h2) = (m.hover.clone(), m.hover.clone());
        let sentence = s.sentence;
        (
            Callback::from(move |_: FocusEvent| h1.emit(Some(sentence))),
            Callback::from(move |_: FocusEvent| h2.emit(None)),
        )
    };
    let violating = s.violating.then(|| {
        let (x, y) = (b.x - 2.0, b.y - 2.0);
        html! {
            <path class="violating-mark" d={format!("M{} {} l7 -12 l7 12 z", num(x - 7.0), num(y + 10.0))}
                fill={VIOLATING} stroke="#ffffff" stroke-width="1" />
        }
    });
    let read = s.seen.is_some().then(|| {
        html! { <circle class="read-mark" cx={num(b.x + b.w)} cy={num(b.y)} r="4.5" fill={READ_DOT} stroke="#ffffff" stroke-width="1.5" /> }
    });
    html! {
        <g {class} data-step={i.to_string()} data-event={s.event.to_string()}
            data-sentence={s.sentence.to_string()} data-label={s.label.clone()}
            role="button" tabindex="0" aria-label={aria} aria-pressed={selected.to_string()}
            {onclick} {onkeydown} onmouseenter={enter} onmouseleave={leave}
            onfocus={focus} onblur={blur}>
            <text class="story-clock" x={num(d.gutter - 8.0)} y={num(b.y + d.font + 3.0)}
                text-anchor="end" font-size={num(d.clock_font)} fill={MUTED}>{ s.clock.clone() }</text>
            <rect x={num(b.x)} y={num(b.y)} width={num(b.w)} height={num(b.h)} rx="6"
                {fill} {stroke} stroke-width={num(width)} />
            <text class="story-label" font-size={num(d.font)} fill={INK}
                font-weight={s.conflict.then_some("600")}>{ for lines }</text>
            { for read }
            { for violating }
        </g>
    }
}

/// A coordinate as SVG text (one decimal at most).
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}
