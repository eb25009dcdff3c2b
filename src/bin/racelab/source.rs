//! Where a command's run comes from: a built-in id or a scenario file with the options, or a
//! share link (`--link URL`) whose settings the options override; and `racelab link`, which
//! goes the other way and writes a set-up as a share link.

use super::args::{LinkArgs, Source};
use racelab::engine::{RunConfig, Scenario};
use racelab::spec::{RunSpec, ScenarioSource};

/// A built-in id, or else a path to a scenario JSON file.
pub fn load_scenario(arg: &str) -> Result<Scenario, String> {
    if let Some(s) = racelab::scenarios::builtin(arg) {
        return Ok(s);
    }
    let text = std::fs::read_to_string(arg).map_err(|e| {
        let ids: Vec<&str> = racelab::scenarios::ids().collect();
        format!(
            "`{arg}` is neither a built-in scenario ({}) nor a readable file: {e}",
            ids.join(", ")
        )
    })?;
    racelab::scenarios::parse(&text).map_err(|e| format!("{arg}: not a valid scenario: {e}"))
}

/// What a command runs: from `<scenario>` and the options, or from `--link` with the options
/// given explicitly overriding the link's settings.
pub struct Setup {
    pub scenario: Scenario,
    pub config: RunConfig,
    pub seed: u64,
    /// The decoded link, when there was one.
    pub link: Option<RunSpec>,
}

impl Source {
    /// The `<scenario>` argument; clap makes sure that it is there when `--link` is not.
    fn scenario_arg(&self) -> Result<&str, String> {
        self.scenario
            .as_deref()
            .ok_or_else(|| "missing <scenario>".to_string())
    }

    /// The run spec of `--link`, if given.
    pub fn link_spec(&self) -> Result<Option<RunSpec>, String> {
        let Some(link) = &self.link else {
            return Ok(None);
        };
        racelab::codec::decode(link)
            .map(Some)
            .map_err(|e| format!("--link: {e}"))
    }

    pub fn setup(&self) -> Result<Setup, String> {
        let Some(spec) = self.link_spec()? else {
            return Ok(Setup {
                scenario: load_scenario(self.scenario_arg()?)?,
                config: RunConfig {
                    variant: self.variant.clone(),
                    knobs: self.knobs.iter().cloned().collect(),
                    ..RunConfig::default()
                },
                seed: self.seed.unwrap_or(0),
                link: None,
            });
        };
        let (scenario, mut config) = spec.resolve()?;
        if let Some(v) = &self.variant {
            config.variant = Some(v.clone());
        }
        config.knobs.extend(self.knobs.iter().cloned());
        Ok(Setup {
            scenario,
            config,
            seed: self.seed.unwrap_or(spec.seed),
            link: Some(spec),
        })
    }
}

/// `racelab link`: the run spec from <scenario> or `--link` and the options, as a share link.
pub fn link_command(a: &LinkArgs) -> Result<String, String> {
    let o = &a.source;
    let mut spec = match o.link_spec()? {
        Some(spec) => spec,
        None => match o.scenario_arg()? {
            id if racelab::scenarios::builtin(id).is_some() => RunSpec::builtin(id),
            path => file_spec(path)?,
        },
    };
    if let Some(v) = &o.variant {
        spec.variant = v.clone();
    }
    if let Some(c) = &a.compare {
        spec.compare = Some(c.clone());
    }
    spec.knobs.extend(o.knobs.iter().cloned());
    if let Some(seed) = o.seed {
        spec.seed = seed;
    }
    if let Some(n) = a.lesson {
        let variant_given = o.variant.is_some() || o.link.is_some();
        super::lesson::teach(&mut spec, n, a.fix.clone(), variant_given, o.seed.is_some())?;
    }
    // Refuse a link that would not open: unknown variants or knobs, values out of range.
    let (scenario, config) = spec.resolve()?;
    racelab::engine::compile(&scenario, &config)?;
    if let Some(c) = &spec.compare {
        let (scenario, config) = spec.resolve_variant(c)?;
        racelab::engine::compile(&scenario, &config).map_err(|e| format!("--compare: {e}"))?;
    }
    // A printed link opens on the scenario's run, not the library.
    let spec = spec.opened_from_link();
    let code = racelab::codec::encode_checked(&spec).map_err(|e| e.to_string())?;
    let base = a.base.split_once('#').map_or(&*a.base, |(b, _)| b);
    Ok(format!("{base}#{code}"))
}

/// The app's defaults for a scenario file: its JSON travels in the link, the variant is
/// `naive` (or the first), compared with `fixed` when it has one.
fn file_spec(path: &str) -> Result<RunSpec, String> {
    let scenario = load_scenario(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let has = |name: &str| scenario.variants.iter().any(|v| v.name == name);
    let variant = match scenario.variants.first() {
        _ if has("naive") => "naive".to_string(),
        Some(first) => first.name.clone(),
        None => {
            return Err(format!(
                "{path}: the scenario has no variants, and a link names one"
            ))
        }
    };
    Ok(RunSpec {
        scenario: ScenarioSource::Custom(text),
        compare: (has("fixed") && variant != "fixed").then(|| "fixed".to_string()),
        variant,
        ..RunSpec::builtin(path)
    })
}
