//! The numbers of a scenario: knob-or-literal parameters checked against their use
//! (duration, count, probability) and range, and delay distributions.

use super::Compiler;
use crate::engine::dist::{Delay, Dist};
use crate::engine::knobs::{Param, ParamUse, Unit};

impl Compiler<'_> {
    pub(super) fn param(&self, p: &Param, usage: ParamUse) -> Result<i64, String> {
        if let Param::Knob(name) = p {
            let k = self
                .s
                .knobs
                .iter()
                .find(|k| &k.name == name)
                .ok_or_else(|| format!("unknown knob `{name}`"))?;
            let ok = match usage {
                ParamUse::DurationMs => k.unit.ms_factor().is_some(),
                ParamUse::Count => k.unit == Unit::Count,
                ParamUse::Ppm => matches!(k.unit, Unit::Percent | Unit::Count),
            };
            if !ok {
                return Err(format!(
                    "knob `{name}` has unit {:?}, which does not fit here",
                    k.unit
                ));
            }
        }
        Ok(self.knobs.get(p, usage))
    }

    pub(super) fn duration(&self, p: &Param) -> Result<u64, String> {
        let v = self.param(p, ParamUse::DurationMs)?;
        u64::try_from(v).map_err(|_| format!("{v} is not a valid duration"))
    }

    pub(super) fn dist(&self, d: &Dist) -> Result<Delay, String> {
        for p in d.params() {
            self.duration(p)?;
        }
        if let Dist::Empirical(v) = d {
            if v.is_empty() {
                return Err("an empirical distribution needs at least one value".into());
            }
        }
        Ok(d.resolve(&self.knobs))
    }

    /// A probability: a percent knob, or a literal in parts per million.
    pub(super) fn ppm(&self, p: &Param, what: &str) -> Result<u32, String> {
        let v = self.param(p, ParamUse::Ppm)?;
        if !(0..=1_000_000).contains(&v) {
            return Err(format!("{what}: {v} ppm is not between 0 and 100%"));
        }
        Ok(v as u32)
    }

    /// A count in `min..=max`.
    pub(super) fn count_in(
        &self,
        p: &Param,
        what: &str,
        min: i64,
        max: i64,
    ) -> Result<u32, String> {
        let v = self.param(p, ParamUse::Count)?;
        if !(min..=max).contains(&v) {
            return Err(format!("{what} = {v}: must be {min} to {max}"));
        }
        Ok(v as u32)
    }

    /// A duration of at least `min` ms.
    pub(super) fn duration_min(&self, p: &Param, what: &str, min: u64) -> Result<u64, String> {
        let v = self.duration(p).map_err(|e| format!("{what}: {e}"))?;
        if v < min {
            return Err(format!("{what} = {v} ms: must be at least {min} ms"));
        }
        Ok(v)
    }
}
