//! Named knobs (the numbers a trainer may turn) and parameters that refer to them.
//!
//! A knob has a unit, a default and an allowed range. Scenario numbers are [`Param`]s: a
//! literal, or the name of a knob whose value (converted from its unit) is used.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The unit a knob's value is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Ms,
    Seconds,
    Minutes,
    Hours,
    Days,
    /// A plain number of things (people, workers, records).
    Count,
    /// Parts per hundred (a probability or a share).
    Percent,
}

impl Unit {
    /// Milliseconds per unit for durations; `None` for counts and percentages.
    pub fn ms_factor(self) -> Option<i64> {
        match self {
            Unit::Ms => Some(1),
            Unit::Seconds => Some(1_000),
            Unit::Minutes => Some(60_000),
            Unit::Hours => Some(3_600_000),
            Unit::Days => Some(86_400_000),
            Unit::Count | Unit::Percent => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Ms => "ms",
            Unit::Seconds => "s",
            Unit::Minutes => "min",
            Unit::Hours => "h",
            Unit::Days => "days",
            Unit::Count => "",
            Unit::Percent => "%",
        }
    }
}

/// A trainer-adjustable number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Knob {
    /// The knob's id, as scenarios, links and the CLI refer to it (`trigger_delay_s`).
    pub name: String,
    /// What a user reads ("Trigger queue delay"); the id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub unit: Unit,
    pub default: i64,
    pub min: i64,
    pub max: i64,
    #[serde(default)]
    pub description: String,
    /// The knob the scenario's lesson is about.
    #[serde(default)]
    pub main: bool,
    /// For the main knob: a value at which the race variant almost never fails (the lesson
    /// that waits and luck only hide a race).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hides_race_at: Option<i64>,
    /// For the main knob: the settings a sweep shows by default (at least five, ascending).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sweep: Vec<i64>,
}

impl Knob {
    /// The name a user reads: the label, or the id when there is none.
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// A number in a scenario: a literal or a knob's name (written as a whole number or as text;
/// anything else is refused).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Param {
    Literal(i64),
    Knob(String),
}

impl Param {
    pub fn knob_name(&self) -> Option<&str> {
        match self {
            Param::Knob(k) => Some(k),
            Param::Literal(_) => None,
        }
    }
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Literal(v)
    }
}

/// How a parameter is used: a literal duration is in milliseconds; a knob is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamUse {
    DurationMs,
    Count,
    /// A probability in parts per million.
    Ppm,
}

/// The knob values in force for one run, checked against their ranges.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct KnobValues {
    values: BTreeMap<String, (i64, Unit)>,
}

impl KnobValues {
    /// Defaults of `knobs`, then `overrides` (name → value); every value must be in range.
    pub fn resolve(knobs: &[Knob], overrides: &BTreeMap<String, i64>) -> Result<Self, String> {
        let mut values = BTreeMap::new();
        for k in knobs {
            values.insert(k.name.clone(), (k.default, k.unit));
        }
        for (name, v) in overrides {
            let Some(k) = knobs.iter().find(|k| &k.name == name) else {
                let known: Vec<&str> = knobs.iter().map(|k| k.name.as_str()).collect();
                return Err(format!(
                    "unknown knob `{name}` (known: {})",
                    known.join(", ")
                ));
            };
            if *v < k.min || *v > k.max {
                return Err(format!(
                    "knob `{name}` = {v} is outside its range {}..={} {}",
                    k.min,
                    k.max,
                    k.unit.label()
                ));
            }
            values.insert(name.clone(), (*v, k.unit));
        }
        Ok(Self { values })
    }

    pub fn raw(&self, name: &str) -> Option<i64> {
        self.values.get(name).map(|(v, _)| *v)
    }

    /// The value of `p` for its use; validation guarantees knobs exist and units fit.
    pub fn get(&self, p: &Param, usage: ParamUse) -> i64 {
        match p {
            Param::Literal(v) => *v,
            Param::Knob(name) => {
                let (v, unit) = self.values.get(name).copied().unwrap_or((0, Unit::Count));
                match usage {
                    ParamUse::DurationMs => v.saturating_mul(unit.ms_factor().unwrap_or(1)),
                    ParamUse::Count => v,
                    ParamUse::Ppm if unit == Unit::Percent => v.saturating_mul(10_000),
                    ParamUse::Ppm => v,
                }
            }
        }
    }

    pub fn ms(&self, p: &Param) -> u64 {
        self.get(p, ParamUse::DurationMs).max(0) as u64
    }
}

/// Checks one knob's declaration.
pub fn check_knob(k: &Knob) -> Result<(), String> {
    if k.min > k.max {
        return Err(format!("knob `{}`: min {} > max {}", k.name, k.min, k.max));
    }
    if k.default < k.min || k.default > k.max {
        return Err(format!(
            "knob `{}`: default {} outside {}..={}",
            k.name, k.default, k.min, k.max
        ));
    }
    if let Some(v) = k.hides_race_at {
        if v < k.min || v > k.max {
            return Err(format!(
                "knob `{}`: hides_race_at {v} outside {}..={}",
                k.name, k.min, k.max
            ));
        }
    }
    if let Some(v) = k.sweep.iter().find(|v| **v < k.min || **v > k.max) {
        return Err(format!(
            "knob `{}`: sweep value {v} outside {}..={}",
            k.name, k.min, k.max
        ));
    }
    if k.min < 0 {
        return Err(format!(
            "knob `{}`: negative values are not allowed",
            k.name
        ));
    }
    Ok(())
}

/// Parses `name=value` (as on the command line).
pub fn parse_assignment(s: &str) -> Result<(String, i64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected knob=value"))?;
    let value: i64 = value
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: value `{value}` is not a whole number"))?;
    Ok((name.trim().to_string(), value))
}
