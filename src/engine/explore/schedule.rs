//! Decisions and schedules: the vocabulary shared by the exhaustive and the sampled search.
//!
//! A *decision* is a chooser call whose choice has more than one answer in
//! [`Choice::finite_answers`]: a tie between ready items, a delay with distinct
//! representative values, a failure that may or may not happen. A call with a single
//! representative answer (a delay whose mean is 0, a failure that is certain or impossible)
//! is not a decision: it has only one answer and the seeded chooser gives that same answer.
//!
//! A *schedule* lists, in order, the answer to each decision as an index into that
//! decision's `finite_answers()`. [`ScheduleChooser`] replays it: the listed answers at the
//! first decisions, then the seed for everything after. An empty schedule is the seeded run.

use super::super::chooser::{first_answer, Choice, Chooser, SeededChooser};

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

/// Replays a schedule: answer `schedule[i]` (an index into `finite_answers()`) at the i-th
/// decision, the only answer at calls that are not decisions, and once the schedule is used
/// up, every call goes to `SeededChooser::new(seed)`. An index past the last answer is
/// clamped to the last answer and counted in [`ScheduleChooser::clamped`].
#[derive(Debug, Clone)]
pub struct ScheduleChooser {
    schedule: Vec<u32>,
    next: usize,
    seeded: SeededChooser,
    /// Answers that did not fit their decision.
    pub clamped: usize,
}

impl ScheduleChooser {
    pub fn new(schedule: Vec<u32>, seed: u64) -> Self {
        ScheduleChooser {
            schedule,
            next: 0,
            seeded: SeededChooser::new(seed),
            clamped: 0,
        }
    }

    /// How many schedule answers were used so far.
    pub fn used(&self) -> usize {
        self.next
    }

    /// Whether every answer of the schedule was used.
    pub fn exhausted(&self) -> bool {
        self.next >= self.schedule.len()
    }
}

impl Chooser for ScheduleChooser {
    fn choose(&mut self, choice: &Choice) -> u64 {
        if self.exhausted() {
            return self.seeded.choose(choice);
        }
        let n = option_count(choice);
        if n <= 1 {
            return only_answer(choice);
        }
        let i = self.schedule[self.next] as usize;
        self.next += 1;
        if i >= n {
            self.clamped += 1;
        }
        option_at(choice, i.min(n - 1))
    }
}

/// Answers decisions from a fixed prefix of indexes, then with index 0 ("the first option"),
/// recording every decision as (index, number of options): how the explorer runs one step
/// along one branch and learns which decisions the step asked.
#[derive(Debug, Clone, Default)]
pub(crate) struct PrefixChooser<'a> {
    prefix: &'a [u32],
    /// (answer index, number of options) for each decision, in order.
    pub taken: Vec<(u32, u32)>,
}

impl<'a> PrefixChooser<'a> {
    pub fn new(prefix: &'a [u32]) -> Self {
        PrefixChooser {
            prefix,
            taken: Vec::new(),
        }
    }
}

impl Chooser for PrefixChooser<'_> {
    fn choose(&mut self, choice: &Choice) -> u64 {
        let n = option_count(choice);
        if n <= 1 {
            return only_answer(choice);
        }
        let i = self.prefix.get(self.taken.len()).copied().unwrap_or(0);
        let i = i.min(n as u32 - 1);
        self.taken.push((i, n as u32));
        option_at(choice, i as usize)
    }
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
    fn empty_schedule_is_the_seeded_chooser() {
        let choices = [
            Choice::Ready { n: 3 },
            Choice::Exponential {
                mean: 100,
                cap: 1000,
            },
            Choice::Fail { ppm: 0 },
            Choice::Uniform { min: 5, max: 9 },
        ];
        let mut a = ScheduleChooser::new(Vec::new(), 4);
        let mut b = SeededChooser::new(4);
        for i in 0..100 {
            let c = choices[i % choices.len()];
            assert_eq!(a.choose(&c), b.choose(&c));
        }
    }

    #[test]
    fn schedule_indexes_finite_answers_and_skips_single_answers() {
        let mut s = ScheduleChooser::new(vec![2, 1, 7], 0);
        assert_eq!(s.choose(&Choice::Fail { ppm: 1_000_000 }), 1);
        assert_eq!(s.choose(&Choice::Ready { n: 3 }), 2);
        assert_eq!(s.choose(&Choice::Exponential { mean: 0, cap: 9 }), 0);
        assert_eq!(s.choose(&Choice::Uniform { min: 0, max: 10 }), 5);
        assert_eq!(s.choose(&Choice::Pick { n: 2 }), 1);
        assert_eq!(s.clamped, 1);
        assert!(s.exhausted());
    }

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
        assert_eq!(p.taken, vec![(1, 2), (0, 3)]);
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
