//! Delay distributions. Each draw goes through the [`Chooser`], never a hidden RNG.

use super::chooser::{Choice, Chooser};
use super::knobs::{KnobValues, Param};
use serde::{Deserialize, Serialize};

/// Upper bound on any single drawn delay: 400 days, so exponential tails stay finite.
pub const MAX_DELAY_MS: u64 = 400 * 86_400_000;

/// A delay distribution whose parameters may be knobs (converted to milliseconds).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    Fixed(Param),
    Uniform {
        min: Param,
        max: Param,
    },
    /// Exponential with the given mean, never above `cap` (default [`MAX_DELAY_MS`]).
    Exponential {
        mean: Param,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Param>,
    },
    /// One of the listed values, equally likely (an empirical distribution).
    Empirical(Vec<Param>),
}

/// A distribution with its knobs resolved to milliseconds (what a compiled model holds,
/// so that a draw never looks a knob up by name).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Delay {
    Fixed(u64),
    Uniform { min: u64, max: u64 },
    Exponential { mean: u64, cap: u64 },
    Empirical(Vec<u64>),
}

impl Delay {
    /// Draws a delay in milliseconds. A fixed delay asks the chooser nothing.
    pub fn draw(&self, chooser: &mut dyn Chooser) -> u64 {
        let v = match self {
            Delay::Fixed(v) => *v,
            Delay::Uniform { min, max } if min == max => *min,
            Delay::Uniform { min, max } => chooser.choose(&Choice::Uniform {
                min: *min,
                max: *max,
            }),
            Delay::Exponential { mean: 0, .. } => 0,
            Delay::Exponential { mean, cap } => chooser.choose(&Choice::Exponential {
                mean: *mean,
                cap: *cap,
            }),
            Delay::Empirical(values) => match values.len() {
                0 => 0,
                1 => values[0],
                n => {
                    let i = chooser.choose(&Choice::Pick { n: n as u32 }) as usize;
                    values[i.min(n - 1)]
                }
            },
        };
        v.min(MAX_DELAY_MS)
    }

    /// A representative value (the fixed value, the largest listed or uniform value, or the
    /// mean): what decides a Wait step's queue priority.
    pub fn nominal_ms(&self) -> u64 {
        match self {
            Delay::Fixed(v) => *v,
            Delay::Uniform { max, .. } => *max,
            Delay::Exponential { mean, .. } => *mean,
            Delay::Empirical(v) => v.iter().copied().max().unwrap_or(0),
        }
    }
}

impl Dist {
    pub fn fixed_ms(ms: i64) -> Self {
        Dist::Fixed(Param::Literal(ms))
    }

    /// Resolves every parameter with `knobs`.
    pub fn resolve(&self, knobs: &KnobValues) -> Delay {
        match self {
            Dist::Fixed(p) => Delay::Fixed(knobs.ms(p)),
            Dist::Uniform { min, max } => {
                let (a, b) = (knobs.ms(min), knobs.ms(max));
                Delay::Uniform {
                    min: a.min(b),
                    max: a.max(b),
                }
            }
            Dist::Exponential { mean, cap } => Delay::Exponential {
                mean: knobs.ms(mean),
                cap: cap.as_ref().map_or(MAX_DELAY_MS, |c| knobs.ms(c)),
            },
            Dist::Empirical(v) => Delay::Empirical(v.iter().map(|p| knobs.ms(p)).collect()),
        }
    }

    /// Every parameter, for validation.
    pub fn params(&self) -> Vec<&Param> {
        match self {
            Dist::Fixed(p) => vec![p],
            Dist::Uniform { min, max } => vec![min, max],
            Dist::Exponential { mean, cap } => std::iter::once(mean).chain(cap.iter()).collect(),
            Dist::Empirical(v) => v.iter().collect(),
        }
    }
}
