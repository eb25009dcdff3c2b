//! What a sweep shows: a chart with two series per variant (the share of runs with a
//! violation, solid, and the share of leads affected, dashed), a table with both rates, and
//! the projection of the per-lead rate to a day of leads ("at 1,000 leads a day, about 120
//! are affected").

use yew::prelude::*;

use super::parts::svg_text;
use crate::api::{projection, sweep_axis, sweep_series, thousands, SweepPoint};

/// A rate as a percentage, with more digits for the small per-lead rates.
fn percent(rate: f64) -> String {
    if rate == 0.0 || rate >= 0.01 {
        format!("{:.1}%", rate * 100.0)
    } else {
        format!("{:.3}%", rate * 100.0)
    }
}

/// Both rates per point, and how many leads a day that would touch.
pub fn table(points: &[SweepPoint], knob: Option<&str>, per_day: u64) -> Html {
    html! {
        <table class="sweep-table" id="sweep-table">
            <thead><tr>
                <th>{ "Variant" }</th>
                if let Some(k) = knob { <th>{ k.to_string() }</th> }
                <th>{ "Runs" }</th>
                <th>{ "Runs with a violation" }</th>
                <th>{ "Leads" }</th>
                <th>{ "Leads affected" }</th>
                <th>{ format!("Affected of {} a day", thousands(per_day)) }</th>
            </tr></thead>
            <tbody>
                { for points.iter().map(|pt| html! {
                    <tr data-rate={pt.rate().to_string()} data-lead-rate={pt.lead_rate().to_string()}>
                        <td>{ pt.variant.clone() }</td>
                        if knob.is_some() { <td>{ pt.knob_value.map_or(String::new(), |v| v.to_string()) }</td> }
                        <td>{ pt.runs }</td>
                        if let Some(e) = &pt.error {
                            <td colspan="4">{ e.clone() }</td>
                        } else {
                            <td>{ format!("{} ({})", pt.violating, percent(pt.rate())) }</td>
                            <td>{ thousands(pt.leads) }</td>
                            <td>{ format!("{} ({})", thousands(pt.affected_leads), percent(pt.lead_rate())) }</td>
                            <td>{ format!("about {}", thousands(crate::api::projected_affected(pt.lead_rate(), per_day))) }</td>
                        }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// "naive: at 1,000 leads a day, about 120 are affected" for each variant at the set-up's
/// value of the swept knob (every point when no knob is swept).
pub fn projections(points: &[SweepPoint], at: Option<i64>, per_day: u64) -> Html {
    let lines = points
        .iter()
        .filter(|p| {
            p.runs > 0 && p.error.is_none() && (p.knob_value.is_none() || p.knob_value == at)
        })
        .map(|p| {
            html! {
                <li>{ format!("{}: {}", p.variant, projection(p.lead_rate(), per_day)) }</li>
            }
        });
    html! { <ul id="sweep-projections">{ for lines }</ul> }
}

const SERIES: [&str; 2] = ["#b42318", "#2f5cd6"];

/// Both rates per point: for each variant a solid line (runs with a violation) and a dashed
/// one (leads affected) over the knob's values (one point each when no knob is swept).
pub fn chart(points: &[SweepPoint], knob: Option<&str>, unit: &str) -> Html {
    let variants = sweep_series(points);
    let (w, top, plot_h, left) = (640.0, 10.0, 214.0, 48.0);
    let legend_y = top + plot_h + 36.0;
    let h = legend_y + 18.0 * variants.len() as f64;
    let xs = sweep_axis(points);
    let n = xs.len().max(1);
    let x_of = |x: Option<i64>| {
        let i = xs.iter().position(|v| *v == x).unwrap_or(0);
        if n == 1 {
            left + (w - left) / 2.0
        } else {
            left + 20.0 + (w - left - 40.0) * i as f64 / (n - 1) as f64
        }
    };
    let y_of = |rate: f64| top + plot_h * (1.0 - rate);
    let series = variants.iter().enumerate().map(|(si, v)| {
        let colour = SERIES[si % SERIES.len()];
        let mine: Vec<&SweepPoint> = points
            .iter()
            .filter(|pt| pt.variant == *v && pt.runs > 0 && pt.error.is_none())
            .collect();
        let line = |rate: fn(&SweepPoint) -> f64, dash: Option<&'static str>, what: &'static str, filled: bool| {
            let pts: Vec<(f64, f64, &SweepPoint)> = mine
                .iter()
                .map(|pt| (x_of(pt.knob_value), y_of(rate(pt)), *pt))
                .collect();
            let path: Vec<String> = pts.iter().map(|(x, y, _)| format!("{x:.1},{y:.1}")).collect();
            let fill = if filled { colour } else { "#ffffff" };
            html! {
                <g class={classes!("series", what.replace(' ', "-"))}>
                    <polyline points={path.join(" ")} fill="none" stroke={colour} stroke-width="2"
                        stroke-dasharray={dash} />
                    { for pts.iter().map(|(x, y, pt)| html! {
                        <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="4" fill={fill}
                            stroke={colour} stroke-width="2">
                            <title>{ format!("{}: {} {what}", pt.variant, percent(rate(pt))) }</title>
                        </circle>
                    }) }
                </g>
            }
        };
        let y = legend_y + 18.0 * si as f64;
        html! {
            <g>
                { line(SweepPoint::rate, None, "runs with a violation", true) }
                { line(SweepPoint::lead_rate, Some("6 4"), "leads affected", false) }
                <line x1={left.to_string()} x2={(left + 24.0).to_string()} y1={format!("{:.1}", y - 4.0)}
                    y2={format!("{:.1}", y - 4.0)} stroke={colour} stroke-width="2" />
                { svg_text(format!("{}", left + 30.0), format!("{y:.1}"), "12", "start", colour,
                    format!("{v}: runs with a violation")) }
                <line x1={(left + 300.0).to_string()} x2={(left + 324.0).to_string()}
                    y1={format!("{:.1}", y - 4.0)} y2={format!("{:.1}", y - 4.0)} stroke={colour}
                    stroke-width="2" stroke-dasharray="6 4" />
                { svg_text(format!("{}", left + 330.0), format!("{y:.1}"), "12", "start", colour,
                    format!("{v}: leads affected")) }
            </g>
        }
    });
    let grid = [0.0, 0.25, 0.5, 0.75, 1.0].map(|r| {
        let y = y_of(r);
        html! {
            <g>
                <line x1={left.to_string()} x2={w.to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} stroke="#dde2ea" />
                { svg_text((left - 6.0).to_string(), format!("{:.1}", y + 4.0), "11", "end", "#5b6478", format!("{:.0}%", r * 100.0)) }
            </g>
        }
    });
    let labels = xs.iter().map(|x| {
        let text = x.map_or("all seeds".to_string(), |v| format!("{v} {unit}"));
        svg_text(
            format!("{:.1}", x_of(*x)),
            (top + plot_h + 16.0).to_string(),
            "11",
            "middle",
            "#5b6478",
            text,
        )
    });
    let title = match knob {
        Some(k) => format!("Runs with a violation and leads affected, against {k}"),
        None => "Runs with a violation and leads affected".to_string(),
    };
    html! {
        <svg id="sweep-chart" class="chart" xmlns="http://www.w3.org/2000/svg"
            viewBox={format!("0 0 {w} {h}")} role="img" aria-label={title.clone()}
            font-family="system-ui, sans-serif">
            <title>{ title }</title>
            { for grid }
            { for labels }
            { for series }
        </svg>
    }
}
