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

impl Dist {
    pub fn fixed_ms(ms: i64) -> Self {
        Dist::Fixed(Param::Literal(ms))
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

    /// Draws a delay in milliseconds. A fixed delay asks the chooser nothing.
    pub fn draw(&self, knobs: &KnobValues, chooser: &mut dyn Chooser) -> u64 {
        let v = match self {
            Dist::Fixed(p) => knobs.ms(p),
            Dist::Uniform { min, max } => {
                let (a, b) = (knobs.ms(min), knobs.ms(max));
                let (a, b) = (a.min(b), a.max(b));
                if a == b {
                    a
                } else {
                    chooser.choose(&Choice::Uniform { min: a, max: b })
                }
            }
            Dist::Exponential { mean, cap } => {
                let mean = knobs.ms(mean);
                let cap = cap.as_ref().map_or(MAX_DELAY_MS, |c| knobs.ms(c));
                if mean == 0 {
                    0
                } else {
                    chooser.choose(&Choice::Exponential { mean, cap })
                }
            }
            Dist::Empirical(values) => match values.len() {
                0 => 0,
                1 => knobs.ms(&values[0]),
                n => {
                    let i = chooser.choose(&Choice::Pick { n: n as u32 }) as usize;
                    knobs.ms(&values[i.min(n - 1)])
                }
            },
        };
        v.min(MAX_DELAY_MS)
    }
}
