//! Decisions and schedules: the vocabulary shared by the exhaustive and the sampled search.
//!
//! A *decision* (for the explorer) is a chooser call whose choice has more than one answer
//! in [`Choice::finite_answers`]: a tie between ready items, a delay with distinct
//! representative values, a failure that may or may not happen. A call with a single
//! representative answer (a delay whose mean is 0, a failure that is certain or impossible)
//! is not a decision: the seeded chooser gives that same answer. The explorer names each
//! answer by its index among the representative answers.
//!
//! A *schedule* is what [`ReplayThenSeed`](super::super::chooser::ReplayThenSeed) replays
//! and what a share link and `racelab run --schedule` carry: the answer value at every
//! chooser call in order, then the seed for everything after. [`to_schedule`] turns the
//! explorer's decisions into one, ending at the last decision (the calls after it have one
//! answer, which the seed gives too).

use super::super::chooser::{first_answer, Choice, Chooser};
use super::super::model::Model;
use super::super::sim::{RunError, Sim};

/// The representative answers of `choice` (what the explorer tries).
pub fn options(choice: &Choice) -> Vec<u64> {
    choice.finite_answers()
}

/// Up to three representative answers of a delay, without allocating.
fn delay_options(choice: &Choice) -> Option<([u64; 3], usize)> {
    let v = match *choice {
        Choice::Uniform { min, max } => [min, min + (max - min) / 2, max],
        Choice::Exponential { mean, cap } => [0, mean.min(cap), mean.saturating_mul(3).min(cap)],
        _ => return None,
    };
    // The same as `finite_answers`: consecutive repeats removed.
    let mut out = [v[0]; 3];
    let mut n = 1;
    for &x in &v[1..] {
        if x != out[n - 1] {
            out[n] = x;
            n += 1;
        }
    }
    Some((out, n))
}

/// How many representative answers `choice` has (`options(choice).len()`, no allocation).
pub fn option_count(choice: &Choice) -> usize {
    match *choice {
        Choice::Ready { n } | Choice::Pick { n } => n as usize,
        Choice::Fail { ppm: 0 } | Choice::Fail { ppm: 1_000_000.. } => 1,
        Choice::Fail { .. } => 2,
        _ => delay_options(choice).map_or(0, |(_, n)| n),
    }
}

/// Representative answer `i` of `choice` (`options(choice)[i]`, no allocation); `i` must
/// be below [`option_count`], except that a choice without options answers its first
/// answer.
pub fn option_at(choice: &Choice, i: usize) -> u64 {
    match *choice {
        Choice::Ready { .. } | Choice::Pick { .. } => i as u64,
        Choice::Fail { ppm } if ppm >= 1_000_000 => 1,
        Choice::Fail { ppm: 0 } => 0,
        Choice::Fail { .. } => i as u64,
        _ => match delay_options(choice) {
            Some((v, _)) => v[i],
            None => first_answer(choice),
        },
    }
}

/// Whether the explorer branches on `choice` (more than one representative answer).
pub fn is_decision(choice: &Choice) -> bool {
    option_count(choice) > 1
}

/// The answer to a choice that is not a decision (its only answer).
pub(crate) fn only_answer(choice: &Choice) -> u64 {
    if option_count(choice) == 0 {
        first_answer(choice)
    } else {
        option_at(choice, 0)
    }
}

/// The decisions a step took: (answer index, number of options) for each, in order.
pub(crate) type Taken = smallvec::SmallVec<[(u32, u32); 4]>;

/// Answer indexes for the first decisions of a step.
pub(crate) type Prefix = smallvec::SmallVec<[u32; 4]>;

/// The next branch of a step's decisions after `taken`, odometer style (the first `hold`
/// are held): the last decision that has an answer left moves to its next answer, and the
/// decisions after it start again from their first.
pub(crate) fn next_prefix(taken: &[(u32, u32)], hold: usize) -> Option<Prefix> {
    (hold..taken.len()).rev().find_map(|i| {
        (taken[i].0 + 1 < taken[i].1).then(|| {
            let mut p: Prefix = taken[..i].iter().map(|x| x.0).collect();
            p.push(taken[i].0 + 1);
            p
        })
    })
}

/// Answers decisions from a fixed prefix of indexes, then with index 0 ("the first option"),
/// recording every decision as (index, number of options): how the explorer runs one step
/// along one branch and learns which decisions the step asked.
#[derive(Debug, Clone, Default)]
pub(crate) struct PrefixChooser<'a> {
    prefix: &'a [u32],
    /// (answer index, number of options) for each decision, in order.
    pub taken: Taken,
    /// With `record`: the answer value of every call, and how many calls there were up to
    /// the last decision.
    record: bool,
    pub values: Vec<u64>,
    pub through_last_decision: usize,
}

impl<'a> PrefixChooser<'a> {
    pub fn new(prefix: &'a [u32]) -> Self {
        PrefixChooser {
            prefix,
            ..Default::default()
        }
    }

    /// Also records the answer value of every call (to write a schedule).
    pub fn recording(prefix: &'a [u32]) -> Self {
        PrefixChooser {
            prefix,
            record: true,
            ..Default::default()
        }
    }
}

impl Chooser for PrefixChooser<'_> {
    fn choose(&mut self, choice: &Choice) -> u64 {
        let n = option_count(choice);
        let answer = if n <= 1 {
            only_answer(choice)
        } else {
            let i = self.prefix.get(self.taken.len()).copied().unwrap_or(0);
            let i = i.min(n as u32 - 1);
            self.taken.push((i, n as u32));
            option_at(choice, i as usize)
        };
        if self.record {
            self.values.push(answer);
            if n > 1 {
                self.through_last_decision = self.values.len();
            }
        }
        answer
    }
}

/// The schedule (answer values at every chooser call, up to the last decision) of the run
/// that takes `decisions` (indexes among representative answers, then the first answer).
/// Fails if an answer does not fit a schedule's 32 bits (a delay over 49 days).
pub fn to_schedule(model: &Model, decisions: &[u32]) -> Result<Vec<u32>, String> {
    let mut sim = Sim::new(model);
    let mut ch = PrefixChooser::recording(decisions);
    sim.run(&mut ch).map_err(|e: RunError| e.to_string())?;
    ch.values[..ch.through_last_decision]
        .iter()
        .map(|&v| {
            u32::try_from(v).map_err(|_| {
                format!("an answer of {v} (a delay over 49 days) does not fit in a schedule")
            })
        })
        .collect()
}

/// Parses `0,1,0,2` (spaces allowed; an empty text is the empty schedule).
pub fn parse_schedule(text: &str) -> Result<Vec<u32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|part| {
            let part = part.trim();
            part.parse::<u32>().map_err(|_| {
                format!(
                    "schedule answer `{part}` is not a whole number ≥ 0 (expected e.g. 0,1,0,2)"
                )
            })
        })
        .collect()
}

/// `0,1,0,2`: the form [`parse_schedule`] reads.
pub fn format_schedule(schedule: &[u32]) -> String {
    schedule
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_without_allocation_match_finite_answers() {
        let mut rng = crate::engine::rng::SplitMix64::new(1);
        let mut small = || [0, 1, 2, 3, 7, 1_000_000, 34_560_000_000][rng.below(7) as usize];
        for _ in 0..2000 {
            let (a, b) = (small(), small());
            let choices = [
                Choice::Ready { n: (a % 5) as u32 },
                Choice::Pick { n: (b % 5) as u32 },
                Choice::Uniform {
                    min: a.min(b),
                    max: a.max(b),
                },
                Choice::Exponential { mean: a, cap: b },
                Choice::Fail {
                    ppm: (a.min(2_000_000)) as u32,
                },
            ];
            for c in choices {
                let want = c.finite_answers();
                assert_eq!(option_count(&c), want.len(), "{c:?}");
                for (i, w) in want.iter().enumerate() {
                    assert_eq!(option_at(&c, i), *w, "{c:?} option {i}");
                }
            }
        }
    }

    #[test]
    fn prefix_chooser_records_decisions() {
        let mut p = PrefixChooser::new(&[1]);
        assert_eq!(p.choose(&Choice::Ready { n: 2 }), 1);
        assert_eq!(p.choose(&Choice::Fail { ppm: 0 }), 0);
        assert_eq!(p.choose(&Choice::Uniform { min: 0, max: 4 }), 0);
        assert_eq!(p.taken.as_slice(), [(1, 2), (0, 3)]);
    }

    #[test]
    fn prefixes_count_like_an_odometer() {
        let next = |taken: &[(u32, u32)], hold| next_prefix(taken, hold).map(|p| p.to_vec());
        assert_eq!(next(&[(0, 2), (0, 3)], 0), Some(vec![0, 1]));
        assert_eq!(next(&[(0, 2), (2, 3)], 0), Some(vec![1]));
        assert_eq!(next(&[(1, 2), (2, 3)], 0), None);
        assert_eq!(next(&[(0, 2), (2, 3)], 1), None);
        assert_eq!(next(&[], 0), None);
    }

    #[test]
    fn schedules_parse_and_format() {
        assert_eq!(parse_schedule(" 0, 1,0,2 ").unwrap(), vec![0, 1, 0, 2]);
        assert_eq!(parse_schedule("").unwrap(), Vec::<u32>::new());
        assert!(parse_schedule("0,x").is_err());
        assert!(parse_schedule("0,-1").is_err());
        assert_eq!(format_schedule(&[3, 0]), "3,0");
    }
}
