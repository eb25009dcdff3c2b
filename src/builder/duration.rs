//! Durations in the builder: how long something takes or when it happens, as the scenario
//! format's delay kinds ([`Dist`]) said in words: "exactly …", "between … and …", "about … on
//! average" (never more than …), "one of …". Each amount is a number with a unit (ms, s, min,
//! h, days) or one of the scenario's time knobs. [`Timing`] names each duration the builder
//! edits, and [`crate::builder::Edit::Duration`] changes one (undoable like any edit).

use crate::engine::dist::{Dist, MAX_DELAY_MS};
use crate::engine::knobs::{Param, Unit};
use crate::engine::scenario::{Action, Scenario};

/// The units an amount is typed in, smallest first.
pub const UNITS: [Unit; 5] = [
    Unit::Ms,
    Unit::Seconds,
    Unit::Minutes,
    Unit::Hours,
    Unit::Days,
];

/// The kinds of duration the scenario format has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `fixed`: always the same.
    Exactly,
    /// `uniform`: any time between two amounts, all equally likely.
    Between,
    /// `exponential`: usually short, sometimes much longer; this on average.
    About,
    /// `empirical`: one of the listed amounts, each equally likely.
    OneOf,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Exactly, Kind::Between, Kind::About, Kind::OneOf];

    /// The kind's key in the scenario format.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Exactly => "fixed",
            Kind::Between => "uniform",
            Kind::About => "exponential",
            Kind::OneOf => "empirical",
        }
    }

    /// What the kind menu says.
    pub fn words(self) -> &'static str {
        match self {
            Kind::Exactly => "exactly",
            Kind::Between => "between \u{2026} and \u{2026}",
            Kind::About => "about \u{2026} on average",
            Kind::OneOf => "one of \u{2026}",
        }
    }

    pub fn of(d: &Dist) -> Kind {
        match d {
            Dist::Fixed(_) => Kind::Exactly,
            Dist::Uniform { .. } => Kind::Between,
            Dist::Exponential { .. } => Kind::About,
            Dist::Empirical(_) => Kind::OneOf,
        }
    }

    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// The amounts of a duration, each with the words before it: "exactly" 5 min; "between" 1 s
/// "and" 5 s; "about" 20 s "on average, never more than" 2 min; "one of" 1 s "or" 2 s. An
/// "about" duration always lists its cap (`None`: no cap); every other amount is `Some`.
pub fn amounts(d: &Dist) -> Vec<(&'static str, Option<Param>)> {
    match d {
        Dist::Fixed(p) => vec![("exactly", Some(p.clone()))],
        Dist::Uniform { min, max } => {
            vec![("between", Some(min.clone())), ("and", Some(max.clone()))]
        }
        Dist::Exponential { mean, cap } => vec![
            ("about", Some(mean.clone())),
            ("on average, never more than", cap.clone()),
        ],
        Dist::Empirical(v) => (v.iter().enumerate())
            .map(|(i, p)| (if i == 0 { "one of" } else { "or" }, Some(p.clone())))
            .collect(),
    }
}

/// The amount that stands for the whole duration: the exact one, the longest, the average.
fn representative(d: &Dist) -> Param {
    match d {
        Dist::Fixed(p) | Dist::Uniform { max: p, .. } | Dist::Exponential { mean: p, .. } => {
            p.clone()
        }
        Dist::Empirical(v) => v.last().cloned().unwrap_or(Param::Literal(0)),
    }
}

/// The same duration as another kind, keeping what it can: "exactly 5 s" becomes "between 0
/// and 5 s", "about 5 s on average" or "one of 5 s"; "between 1 and 5 s" becomes "exactly
/// 5 s" or "one of 1 s or 5 s".
pub fn with_kind(d: &Dist, kind: Kind) -> Dist {
    if Kind::of(d) == kind {
        return d.clone();
    }
    let p = representative(d);
    match kind {
        Kind::Exactly => Dist::Fixed(p),
        Kind::Between => Dist::Uniform {
            min: Param::Literal(0),
            max: p,
        },
        Kind::About => Dist::Exponential { mean: p, cap: None },
        Kind::OneOf => Dist::Empirical(match d {
            Dist::Uniform { min, max } => vec![min.clone(), max.clone()],
            _ => vec![p],
        }),
    }
}

/// The duration with amount `slot` (as [`amounts`] numbers them) set to `p`. `None` takes
/// an "about" duration's cap away, or an amount out of a "one of" list (the last one stays);
/// for a "one of" list, the slot after the last adds an amount.
pub fn with_amount(d: &Dist, slot: usize, p: Option<Param>) -> Dist {
    let mut d = d.clone();
    match (&mut d, slot, p) {
        (Dist::Fixed(x), 0, Some(p)) => *x = p,
        (Dist::Uniform { min, .. }, 0, Some(p)) => *min = p,
        (Dist::Uniform { max, .. }, 1, Some(p)) => *max = p,
        (Dist::Exponential { mean, .. }, 0, Some(p)) => *mean = p,
        (Dist::Exponential { cap, .. }, 1, p) => *cap = p,
        (Dist::Empirical(v), i, Some(p)) if i < v.len() => v[i] = p,
        (Dist::Empirical(v), i, Some(p)) if i == v.len() => v.push(p),
        (Dist::Empirical(v), i, None) if i < v.len() && v.len() > 1 => {
            v.remove(i);
        }
        _ => {}
    }
    d
}

/// Reads a typed amount in `unit` as milliseconds; the error says what to type instead.
/// "1.5" minutes is 90,000 ms; an empty field, a word, a negative number, less than a
/// millisecond or more than 400 days is refused.
pub fn parse_amount(text: &str, unit: Unit) -> Result<i64, String> {
    let t = text.trim().replace(',', ".");
    let factor = unit.ms_factor().unwrap_or(1) as f64;
    let Ok(v) = t.parse::<f64>() else {
        return Err(if t.is_empty() {
            "Type a number, e.g. 5.".to_string()
        } else {
            format!(
                "\u{201c}{}\u{201d} is not a number: type a number, e.g. 5.",
                text.trim()
            )
        });
    };
    if !v.is_finite() {
        return Err("Type a number, e.g. 5.".into());
    }
    if v < 0.0 {
        return Err("A time cannot be negative: type 0 or more.".into());
    }
    let ms = v * factor;
    if ms > MAX_DELAY_MS as f64 {
        return Err("That is more than 400 days, the longest time a run can have.".into());
    }
    if (ms - ms.round()).abs() > 1e-6 {
        return Err("That is not a whole number of milliseconds: use a smaller unit.".into());
    }
    Ok(ms.round() as i64)
}

/// How an amount of `ms` is shown: a number and a unit. `prefer` (the unit last chosen) is
/// kept when the amount is a whole number of it, else the largest unit that is.
pub fn shown(ms: i64, prefer: Option<Unit>) -> (String, Unit) {
    let whole = |u: Unit| u.ms_factor().is_some_and(|f| ms % f == 0);
    let unit = match prefer.filter(|u| whole(*u)) {
        Some(u) => u,
        None if ms == 0 => prefer.unwrap_or(Unit::Seconds),
        None => UNITS
            .into_iter()
            .rev()
            .find(|u| whole(*u))
            .unwrap_or(Unit::Ms),
    };
    let f = unit.ms_factor().unwrap_or(1);
    (format!("{}", ms / f), unit)
}

/// A unit's name in words, for menus and screen readers.
pub fn unit_words(u: Unit) -> &'static str {
    match u {
        Unit::Ms => "ms",
        Unit::Seconds => "seconds",
        Unit::Minutes => "minutes",
        Unit::Hours => "hours",
        Unit::Days => "days",
        Unit::Count | Unit::Percent => "",
    }
}

/// The scenario's knobs that can give a time, as (name, label with its unit).
pub fn time_knobs(s: &Scenario) -> Vec<(String, String)> {
    (s.knobs.iter())
        .filter(|k| k.unit.ms_factor().is_some())
        .map(|k| {
            let label = k.label.clone().unwrap_or_else(|| k.name.clone());
            (k.name.clone(), format!("{label} ({})", k.unit.label()))
        })
        .collect()
}

/// A duration the builder edits, by where it is in the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timing {
    /// How long a Sync Person to SFDC push takes.
    CrmPush,
    /// How long the CRM takes to assign an owner.
    CrmAssignment,
    /// A webhook's round trip.
    WebhookLatency(usize),
    /// When an outside event happens (from the start of the run).
    EventTime(usize),
    /// A Wait step of a smart campaign (as the edited variant sees it).
    Wait { campaign: String, step: usize },
}

impl Timing {
    /// What the duration is, in words.
    pub fn label(&self) -> String {
        match self {
            Timing::CrmPush => "Sync Person to SFDC takes".into(),
            Timing::CrmAssignment => "The CRM assigns the owner after".into(),
            Timing::WebhookLatency(_) => "The round trip takes".into(),
            Timing::EventTime(_) => "When (from the start of the run)".into(),
            Timing::Wait { .. } => "Wait".into(),
        }
    }
}

/// The duration at `t`, as `variant` sees the campaigns; `None` if it is not there.
pub fn get(s: &Scenario, variant: Option<&str>, t: &Timing) -> Option<Dist> {
    match t {
        Timing::CrmPush => s.systems.crm.as_ref().map(|c| c.push_latency.clone()),
        Timing::CrmAssignment => s.systems.crm.as_ref().map(|c| c.assignment_delay.clone()),
        Timing::WebhookLatency(i) => s.systems.webhooks.get(*i).map(|w| w.latency.clone()),
        Timing::EventTime(i) => s.script.get(*i).map(|e| e.at.clone()),
        Timing::Wait { campaign, step } => {
            let seen = super::edit::campaigns_seen(s, variant);
            let (c, _) = seen.into_iter().find(|(c, _)| &c.name == campaign)?;
            match c.flow.get(*step) {
                Some(Action::Wait(d)) => Some(d.clone()),
                _ => None,
            }
        }
    }
}

/// Every duration the builder edits in `s`, as `variant` sees the campaigns.
pub fn all(s: &Scenario, variant: Option<&str>) -> Vec<Timing> {
    let mut out = Vec::new();
    if s.systems.crm.is_some() {
        out.extend([Timing::CrmPush, Timing::CrmAssignment]);
    }
    out.extend((0..s.systems.webhooks.len()).map(Timing::WebhookLatency));
    out.extend((0..s.script.len()).map(Timing::EventTime));
    for (c, _) in super::edit::campaigns_seen(s, variant) {
        for (step, a) in c.flow.iter().enumerate() {
            if matches!(a, Action::Wait(_)) {
                out.push(Timing::Wait {
                    campaign: c.name.clone(),
                    step,
                });
            }
        }
    }
    out
}
