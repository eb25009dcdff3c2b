//! Why a scenario cannot run as asked: what is wrong, and where (the variant, campaign, flow
//! step, system, job or scripted event it was found in), as a typed error. Its text names
//! the places from the outside in, then what is wrong:
//! ``campaign `Send Alert`: flow step 2: unknown list `Awaiting Owner` ``.

use std::fmt;

/// A scenario (or a variant, knob value or injection of it) that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where, from the outside in (empty: the scenario as a whole).
    pub place: Vec<Place>,
    /// What is wrong.
    pub what: String,
}

/// One level of where an error was found. Numbers are 1-based, as people count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// While checking this variant (validation checks every variant).
    Variant(String),
    /// In what this variant changes: a job or system it patches, a campaign it switches off.
    VariantChange(String),
    Campaign(String),
    FlowStep(usize),
    /// A filter of a smart list, a choice or a rule.
    Filter(usize),
    /// A branch of a flow step's choice.
    Choice(usize),
    Program(String),
    Webhook(String),
    Job(String),
    Field(String),
    Invariant(usize),
    PeopleGroup(usize),
    /// A CRM assignment rule.
    AssignmentRule(usize),
    /// A change feed's `lists` entry, and its list.
    ListsEntry(usize, String),
    /// An event of the scenario's script, and its label.
    ScriptedEvent(usize, String),
    /// An event the user injected: what it is and when, in words.
    Injection(usize, String),
    /// A system or setting by its name in the scenario: `crm`, `queue`, `horizon`,
    /// `rest_api`, `latency`, `schedule at` ...
    Setting(String),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Variant(n) | Place::VariantChange(n) => write!(f, "variant `{n}`"),
            Place::Campaign(n) => write!(f, "campaign `{n}`"),
            Place::FlowStep(i) => write!(f, "flow step {i}"),
            Place::Filter(i) => write!(f, "filter {i}"),
            Place::Choice(i) => write!(f, "choice {i}"),
            Place::Program(n) => write!(f, "program `{n}`"),
            Place::Webhook(n) => write!(f, "webhook `{n}`"),
            Place::Job(n) => write!(f, "job `{n}`"),
            Place::Field(n) => write!(f, "field `{n}`"),
            Place::Invariant(i) => write!(f, "invariant {i}"),
            Place::PeopleGroup(i) => write!(f, "people group {i}"),
            Place::AssignmentRule(i) => write!(f, "assignment rule {i}"),
            Place::ListsEntry(i, list) => write!(f, "lists entry {i} (`{list}`)"),
            Place::ScriptedEvent(i, label) => write!(f, "scripted event {i} ({label})"),
            Place::Injection(i, what) => write!(f, "injection {i} ({what})"),
            Place::Setting(n) => f.write_str(n),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.place.iter().enumerate() {
            // A variant's change reads as one phrase: `variant `x`, job `y`: …`, or
            // `variant `x` deactivates …` when nothing more precise follows.
            let sep = match p {
                Place::VariantChange(_) if i + 1 == self.place.len() => " ",
                Place::VariantChange(_) => ", ",
                _ => ": ",
            };
            write!(f, "{p}{sep}")?;
        }
        f.write_str(&self.what)
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    /// The same error, found inside `place`.
    pub fn at(mut self, place: Place) -> Self {
        self.place.insert(0, place);
        self
    }
}

/// An error the scenario as a whole has (no more precise place).
impl From<String> for ScenarioError {
    fn from(what: String) -> Self {
        ScenarioError {
            place: Vec::new(),
            what,
        }
    }
}

impl From<&str> for ScenarioError {
    fn from(what: &str) -> Self {
        what.to_string().into()
    }
}

/// The error's text, for callers that report errors as text.
impl From<ScenarioError> for String {
    fn from(e: ScenarioError) -> Self {
        e.to_string()
    }
}

/// Puts an error found in a part of the scenario in its place.
pub(crate) trait Within<T> {
    fn within(self, place: Place) -> Result<T, ScenarioError>;
}

impl<T, E: Into<ScenarioError>> Within<T> for Result<T, E> {
    fn within(self, place: Place) -> Result<T, ScenarioError> {
        self.map_err(|e| e.into().at(place))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_the_places_from_the_outside_in() {
        let e = ScenarioError::from("unknown list `L`")
            .at(Place::FlowStep(2))
            .at(Place::Campaign("Send".into()))
            .at(Place::Variant("fixed".into()));
        assert_eq!(
            e.to_string(),
            "variant `fixed`: campaign `Send`: flow step 2: unknown list `L`"
        );
        let patch = ScenarioError::from("bad")
            .at(Place::Job("Import".into()))
            .at(Place::VariantChange("v".into()));
        assert_eq!(patch.to_string(), "variant `v`, job `Import`: bad");
        let off = ScenarioError::from("deactivates unknown campaign `X`")
            .at(Place::VariantChange("v".into()));
        assert_eq!(
            off.to_string(),
            "variant `v` deactivates unknown campaign `X`"
        );
        assert_eq!(String::from(off.clone()), off.to_string());
    }
}
