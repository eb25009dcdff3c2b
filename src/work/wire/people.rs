//! A slice of a run's outcomes table as it crosses to the page (see [`super`]): what the
//! leads table draws of each person, as columns. That is the person's number, whether a
//! violation names them, the one-line summary and the titles of the rules they broke; the rest
//! of a person's outcome (alerts, e-mails, entries, CRM record, fields, change events: the
//! CLI's `--json` has it all) stays in the worker. Numbers are fixed-width little-endian
//! integers, the summaries one text with each one's length, the titles each once per slice
//! with the people giving their indices: reading a slice back allocates a string per person
//! and per broken rule, not one per field of a person's record.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::rows::{index_of, raw_u32, u32s, Raw};
use crate::api::{PersonOutcome, PersonViolation};

/// People of the outcomes table as the leads table's columns.
#[derive(Serialize, Deserialize)]
pub(super) struct LeadColumns<'a> {
    /// Each person's number (u32).
    #[serde(borrow)]
    numbers: Raw<'a>,
    /// Whether a violation names each person (a byte: 0 or 1).
    #[serde(borrow)]
    affected: Raw<'a>,
    /// Every person's summary, one after another, and each one's length in bytes (u32).
    #[serde(borrow)]
    summaries: Cow<'a, str>,
    #[serde(borrow)]
    lengths: Raw<'a>,
    /// The distinct titles of the rules broken in the slice; how many each person broke
    /// (u32), and their titles, person after person, as indices into them (u32).
    #[serde(borrow)]
    title_names: Vec<&'a str>,
    #[serde(borrow)]
    broken: Raw<'a>,
    #[serde(borrow)]
    titles: Raw<'a>,
}

impl<'a> LeadColumns<'a> {
    /// What the leads table draws of `people`.
    pub(super) fn of(people: &'a [PersonOutcome]) -> LeadColumns<'a> {
        let mut title_names: Vec<&'a str> = Vec::new();
        let titles = raw_u32(
            people
                .iter()
                .flat_map(|p| &p.violations)
                .map(|v| index_of(&mut title_names, &v.title)),
        );
        LeadColumns {
            numbers: raw_u32(people.iter().map(|p| p.person)),
            affected: Raw(Cow::Owned(
                people.iter().map(|p| p.affected as u8).collect(),
            )),
            summaries: Cow::Owned(people.iter().map(|p| p.summary.as_str()).collect()),
            lengths: raw_u32(people.iter().map(|p| p.summary.len() as u32)),
            title_names,
            broken: raw_u32(people.iter().map(|p| p.violations.len() as u32)),
            titles,
        }
    }

    /// The people back, as far as the leads table draws them (see [`listed`]); `None` if
    /// the columns do not agree (damaged bytes).
    pub(super) fn people(self) -> Option<Vec<PersonOutcome>> {
        let n = self.numbers.0.len() / 4;
        if n == 0 || self.affected.0.len() != n {
            return None;
        }
        let mut titles = u32s(&self.titles, self.titles.0.len() / 4)?;
        let columns = u32s(&self.numbers, n)?
            .zip(self.affected.0.iter())
            .zip(u32s(&self.lengths, n)?)
            .zip(u32s(&self.broken, n)?);
        let mut people = Vec::with_capacity(n);
        let mut at = 0usize;
        for (((person, &affected), length), broken) in columns {
            let end = at.checked_add(length as usize)?;
            let summary = self.summaries.get(at..end)?.to_string();
            at = end;
            let broke: Vec<&str> = (0..broken)
                .map(|_| self.title_names.get(titles.next()? as usize).copied())
                .collect::<Option<_>>()?;
            let affected = match affected {
                0 => false,
                1 => true,
                _ => return None,
            };
            people.push(lead(person, affected, summary, broke));
        }
        (at == self.summaries.len() && titles.next().is_none()).then_some(people)
    }
}

/// A person as the leads table draws them: their number, whether a violation names them,
/// their summary and the titles of the rules they broke (nothing else of their outcome).
fn lead<'t>(
    person: u32,
    affected: bool,
    summary: String,
    titles: impl IntoIterator<Item = &'t str>,
) -> PersonOutcome {
    PersonOutcome {
        person,
        affected,
        summary,
        violations: titles
            .into_iter()
            .map(|title| PersonViolation {
                title: title.to_string(),
                ..PersonViolation::default()
            })
            .collect(),
        ..PersonOutcome::default()
    }
}

/// `p` as the page reads it back: what the leads table draws of a person (see [`super`]).
pub fn listed(p: &PersonOutcome) -> PersonOutcome {
    let titles = p.violations.iter().map(|v| v.title.as_str());
    lead(p.person, p.affected, p.summary.clone(), titles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(n: u32, summary: &str, titles: &[&str]) -> PersonOutcome {
        PersonOutcome {
            person: n,
            affected: !titles.is_empty(),
            summary: summary.into(),
            second_record_of: Some(n + 1),
            violations: titles
                .iter()
                .map(|t| PersonViolation {
                    invariant: "one-alert".into(),
                    title: t.to_string(),
                    message: "at 0:01".into(),
                })
                .collect(),
            ..PersonOutcome::default()
        }
    }

    fn people() -> Vec<PersonOutcome> {
        vec![
            person(1, "Alert sent to no one", &["Alert sent to no one"]),
            person(2, "", &[]),
            person(
                3,
                "Emailed twice · é",
                &["Emailed twice", "Alert sent to no one"],
            ),
        ]
    }

    #[test]
    fn people_read_back_as_the_leads_table_draws_them() {
        let people = people();
        let c = LeadColumns::of(&people);
        assert_eq!(c.title_names.len(), 2);
        let back = c.people().unwrap();
        assert_eq!(back, people.iter().map(listed).collect::<Vec<_>>());
        assert_eq!(back[2].violations[1].title, "Alert sent to no one");
        assert!(back[0].affected && !back[1].affected);
        assert_eq!(back[0].second_record_of, None);
    }

    #[test]
    fn columns_that_disagree_are_damage() {
        let people = people();
        let fresh = || LeadColumns::of(&people);
        let set = |raw: &mut Raw, i: usize, v: u32| {
            raw.0.to_mut()[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes())
        };
        let mut c = fresh();
        set(&mut c.lengths, 2, 17); // cuts "é" in the middle
        assert!(c.people().is_none());
        let mut c = fresh();
        set(&mut c.lengths, 0, 1); // leaves the summaries' text over
        assert!(c.people().is_none());
        let mut c = fresh();
        set(&mut c.lengths, 1, u32::MAX); // runs past the text
        assert!(c.people().is_none());
        let mut c = fresh();
        set(&mut c.titles, 0, 5); // no such title
        assert!(c.people().is_none());
        let mut c = fresh();
        set(&mut c.broken, 2, 3); // more titles than there are
        assert!(c.people().is_none());
        let mut c = fresh();
        set(&mut c.broken, 2, 1); // a title left over
        assert!(c.people().is_none());
        let mut c = fresh();
        c.affected.0.to_mut()[1] = 2; // neither yes nor no
        assert!(c.people().is_none());
        let mut c = fresh();
        c.affected.0.to_mut().pop(); // one flag short
        assert!(c.people().is_none());
        let mut c = fresh();
        c.numbers.0.to_mut().extend([0; 4]); // a number without a person
        assert!(c.people().is_none());
        assert!(fresh().people().is_some());
    }
}
