//! The points of a sweep as the app draws them: one per variant and swept knob value, each
//! counting its runs and violating runs, its leads and affected leads as the work comes in,
//! with the two rates the chart and table show (runs with a violation, leads affected) and
//! the projection of the per-lead rate to a day of leads.

use crate::engine::Scenario;

/// One point of a sweep: a variant at one knob value (or the plain set-up).
#[derive(Clone, PartialEq, Debug)]
pub struct SweepPoint {
    pub variant: String,
    /// The swept knob's value here (`None`: no knob is swept).
    pub knob_value: Option<i64>,
    pub runs: u64,
    pub violating: u64,
    /// Leads over the runs so far, and those a violation touched.
    pub leads: u64,
    pub affected_leads: u64,
    /// Why this point could not be run.
    pub error: Option<String>,
}

impl SweepPoint {
    /// The share of runs that violated an invariant (0 before any run).
    pub fn rate(&self) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            self.violating as f64 / self.runs as f64
        }
    }

    /// The share of leads a violation touched (0 before any run).
    pub fn lead_rate(&self) -> f64 {
        super::ratio(self.affected_leads, self.leads)
    }

    /// Adds the runs a unit of work counted.
    pub fn add(&mut self, c: &crate::work::Counts) {
        self.runs += c.runs;
        self.violating += c.violating;
        self.leads += c.leads;
        self.affected_leads += c.affected_leads;
    }

    /// Whether more runs are wanted to reach `seeds` (a point that failed wants none).
    pub fn wants_more(&self, seeds: u64) -> bool {
        self.runs < seeds && self.error.is_none()
    }
}

/// The knob values a sweep of `knob` visits: the scenario's sweep settings for it, or five
/// values evenly spread over its range; a single `None` when no knob (or an unknown one) is
/// swept.
pub fn sweep_values(scenario: &Scenario, knob: Option<&str>) -> Vec<Option<i64>> {
    match knob.and_then(|k| scenario.knobs.iter().find(|x| x.name == k)) {
        Some(k) if !k.sweep.is_empty() => k.sweep.iter().map(|v| Some(*v)).collect(),
        Some(k) => (0..=4)
            .map(|i| Some(k.min + (k.max - k.min) * i / 4))
            .collect(),
        None => vec![None],
    }
}

/// The points of a sweep of `variants` over `knob` (see [`sweep_values`]), variant by
/// variant, none run yet.
pub fn sweep_points(
    scenario: &Scenario,
    variants: &[String],
    knob: Option<&str>,
) -> Vec<SweepPoint> {
    let values = sweep_values(scenario, knob);
    variants
        .iter()
        .flat_map(|v| {
            values.iter().map(move |x| SweepPoint {
                variant: v.clone(),
                knob_value: *x,
                runs: 0,
                violating: 0,
                leads: 0,
                affected_leads: 0,
                error: None,
            })
        })
        .collect()
}

/// The knob values of `points`, each once, in ascending order (the chart's axis).
pub fn sweep_axis(points: &[SweepPoint]) -> Vec<Option<i64>> {
    let mut xs: Vec<Option<i64>> = points.iter().map(|p| p.knob_value).collect();
    xs.sort_unstable();
    xs.dedup();
    xs
}

/// The variants of `points`, each once, in the order they first appear (the chart's series).
pub fn sweep_series(points: &[SweepPoint]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for p in points {
        if !out.contains(&p.variant.as_str()) {
            out.push(&p.variant);
        }
    }
    out
}

/// Lead updates a day at the scale the MCAE source describes (about 500 million).
pub const MCAE_LEADS_PER_DAY: u64 = 500_000_000;

/// About how many of `per_day` leads a day a violation touches at `lead_rate`.
pub fn projected_affected(lead_rate: f64, per_day: u64) -> u64 {
    (lead_rate * per_day as f64).round() as u64
}

/// "at 1,000 leads a day, about 12 are affected": what the app and the CLI print.
pub fn projection(lead_rate: f64, per_day: u64) -> String {
    let m = projected_affected(lead_rate, per_day);
    format!(
        "at {} leads a day, about {} {} affected",
        thousands(per_day),
        thousands(m),
        if m == 1 { "is" } else { "are" }
    )
}

/// 1234567 as "1,234,567" (the engine's refusal messages write numbers the same way).
pub use crate::engine::bounds::thousands;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_cover_every_variant_at_every_swept_value() {
        let s = crate::scenarios::builtin("list-queue").unwrap();
        let knob = s.knobs.iter().find(|k| k.main).unwrap();
        let variants = ["naive".to_string(), "fixed".to_string()];
        let points = sweep_points(&s, &variants, Some(&knob.name));
        let values = sweep_values(&s, Some(&knob.name));
        assert_eq!(points.len(), 2 * values.len());
        if knob.sweep.is_empty() {
            assert_eq!(values.first(), Some(&Some(knob.min)));
            assert_eq!(values.last(), Some(&Some(knob.max)));
        } else {
            assert_eq!(
                values,
                knob.sweep.iter().map(|v| Some(*v)).collect::<Vec<_>>()
            );
        }
        assert_eq!(sweep_series(&points), ["naive", "fixed"]);
        assert_eq!(sweep_axis(&points).len(), {
            let mut v = values.clone();
            v.sort_unstable();
            v.dedup();
            v.len()
        });
        // No knob (or an unknown one): one point per variant.
        assert_eq!(sweep_points(&s, &variants, None).len(), 2);
        assert_eq!(sweep_values(&s, Some("no-such-knob")), [None]);
    }

    #[test]
    fn a_point_counts_its_runs_and_rate() {
        let s = crate::scenarios::builtin("list-queue").unwrap();
        let mut p = sweep_points(&s, &["naive".into()], None).remove(0);
        assert_eq!(p.rate(), 0.0);
        assert!(p.wants_more(4));
        let counts = crate::work::Counts {
            runs: 4,
            violating: 1,
            leads: 80,
            affected_leads: 2,
            ..Default::default()
        };
        p.add(&counts);
        assert_eq!(p.rate(), 0.25);
        assert_eq!(p.lead_rate(), 0.025);
        assert_eq!(
            projection(p.lead_rate(), 1_000),
            "at 1,000 leads a day, about 25 are affected"
        );
        assert_eq!(
            projection(1e-6, MCAE_LEADS_PER_DAY),
            "at 500,000,000 leads a day, about 500 are affected"
        );
        assert_eq!(
            projection(0.001, 1_000),
            "at 1,000 leads a day, about 1 is affected"
        );
        assert_eq!(thousands(7), "7");
        assert!(!p.wants_more(4));
        p.runs = 0;
        p.error = Some("broken".into());
        assert!(!p.wants_more(4));
    }
}
