//! The one interface through which every nondeterministic decision of a run passes.
//!
//! A run is a pure function of its scenario, knobs and the answers its chooser gives. The
//! same run can therefore come from a seed ([`SeededChooser`]), from a recorded list of
//! answers ([`ScriptedChooser`], fed by [`Recorder`]), or from a search that enumerates the
//! answers (the exploration issue).

use super::rng::{exponential_ms, SplitMix64};

/// One decision the simulator needs. The answer is a number whose meaning the variant gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Choice {
    /// Several items are ready at the same simulated time: answer which runs first, `0..n`.
    Ready { n: u32 },
    /// A delay drawn uniformly from `min..=max` milliseconds: answer the value.
    Uniform { min: u64, max: u64 },
    /// A delay drawn from an exponential distribution with this mean (ms), capped at `cap`:
    /// answer the value in `0..=cap`.
    Exponential { mean: u64, cap: u64 },
    /// One of `n` listed values (an empirical distribution): answer the index, `0..n`.
    Pick { n: u32 },
    /// Does something fail? `ppm` is the probability in parts per million: answer 1 for yes.
    Fail { ppm: u32 },
}

impl Choice {
    /// Whether `answer` is one this choice can take.
    pub fn accepts(&self, answer: u64) -> bool {
        match *self {
            Choice::Ready { n } | Choice::Pick { n } => answer < n as u64,
            Choice::Uniform { min, max } => (min..=max).contains(&answer),
            Choice::Exponential { cap, .. } => answer <= cap,
            Choice::Fail { .. } => answer <= 1,
        }
    }

    /// A small, finite set of representative answers (for exhaustive search): every ordering,
    /// every listed value, both outcomes of a failure, and for ranges their ends and middle.
    pub fn finite_answers(&self) -> Vec<u64> {
        match *self {
            Choice::Ready { n } | Choice::Pick { n } => (0..n as u64).collect(),
            Choice::Uniform { min, max } => dedup(vec![min, min + (max - min) / 2, max]),
            Choice::Exponential { mean, cap } => dedup(vec![0, mean.min(cap), (mean * 3).min(cap)]),
            Choice::Fail { ppm } => match ppm {
                0 => vec![0],
                1_000_000.. => vec![1],
                _ => vec![0, 1],
            },
        }
    }
}

fn dedup(mut v: Vec<u64>) -> Vec<u64> {
    v.dedup();
    v
}

/// Answers the simulator's decisions.
pub trait Chooser {
    /// Returns an answer that `choice.accepts`.
    fn choose(&mut self, choice: &Choice) -> u64;
}

/// Answers from the crate's own PRNG: a seed always means the same run.
#[derive(Debug, Clone)]
pub struct SeededChooser {
    rng: SplitMix64,
}

impl SeededChooser {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: SplitMix64::new(seed),
        }
    }
}

impl Chooser for SeededChooser {
    fn choose(&mut self, choice: &Choice) -> u64 {
        match *choice {
            Choice::Ready { n } | Choice::Pick { n } => self.rng.below(n.max(1) as u64),
            Choice::Uniform { min, max } => min + self.rng.below(max - min + 1),
            Choice::Exponential { mean, cap } => exponential_ms(self.rng.unit_open(), mean, cap),
            Choice::Fail { ppm } => (self.rng.below(1_000_000) < ppm as u64) as u64,
        }
    }
}

/// Replays a recorded list of answers; once it runs out it takes the first option
/// (`0`, the minimum, no failure). Answers a choice cannot take are clamped, and counted.
#[derive(Debug, Clone, Default)]
pub struct ScriptedChooser {
    answers: Vec<u64>,
    next: usize,
    /// How many answers did not fit their choice and were clamped.
    pub clamped: usize,
}

impl ScriptedChooser {
    pub fn new(answers: Vec<u64>) -> Self {
        Self {
            answers,
            next: 0,
            clamped: 0,
        }
    }

    /// Whether every recorded answer has been used.
    pub fn exhausted(&self) -> bool {
        self.next >= self.answers.len()
    }
}

/// The smallest answer a choice accepts.
pub fn first_answer(choice: &Choice) -> u64 {
    match *choice {
        Choice::Uniform { min, .. } => min,
        _ => 0,
    }
}

impl Chooser for ScriptedChooser {
    fn choose(&mut self, choice: &Choice) -> u64 {
        let Some(&answer) = self.answers.get(self.next) else {
            return first_answer(choice);
        };
        self.next += 1;
        if choice.accepts(answer) {
            return answer;
        }
        self.clamped += 1;
        clamp_answer(choice, answer)
    }
}

/// The accepted answer nearest to `answer`: the last option, the range's nearest end, a
/// failure for any answer above 1.
pub fn clamp_answer(choice: &Choice, answer: u64) -> u64 {
    if choice.accepts(answer) {
        return answer;
    }
    match *choice {
        Choice::Ready { n } | Choice::Pick { n } => n.saturating_sub(1) as u64,
        Choice::Uniform { min, max } => answer.clamp(min, max),
        Choice::Exponential { cap, .. } => cap,
        Choice::Fail { .. } => 1,
    }
}

/// Follows a hand-picked schedule at the first decisions, then the seed: "you are the
/// scheduler". The seeded generator is drawn at every decision, the replayed ones included,
/// so a schedule that repeats the seeded run's own first answers gives exactly the seeded
/// run, and changing one answer changes only what follows from it. An empty schedule is the
/// seeded run itself. Answers a choice cannot take are clamped (and counted).
#[derive(Debug, Clone)]
pub struct ReplayThenSeed {
    answers: Vec<u64>,
    next: usize,
    seeded: SeededChooser,
    /// How many scheduled answers did not fit their choice and were clamped.
    pub clamped: usize,
}

impl ReplayThenSeed {
    pub fn new(answers: Vec<u64>, seed: u64) -> Self {
        Self {
            answers,
            next: 0,
            seeded: SeededChooser::new(seed),
            clamped: 0,
        }
    }

    /// How many scheduled answers have been used so far.
    pub fn replayed(&self) -> usize {
        self.next
    }

    /// Whether every scheduled answer has been used.
    pub fn exhausted(&self) -> bool {
        self.next >= self.answers.len()
    }
}

impl Chooser for ReplayThenSeed {
    fn choose(&mut self, choice: &Choice) -> u64 {
        let seeded = self.seeded.choose(choice);
        let Some(&answer) = self.answers.get(self.next) else {
            return seeded;
        };
        self.next += 1;
        if !choice.accepts(answer) {
            self.clamped += 1;
        }
        clamp_answer(choice, answer)
    }
}

/// Wraps a chooser and records every decision and answer, so a run can be replayed.
#[derive(Debug, Clone)]
pub struct Recorder<C> {
    pub inner: C,
    pub log: Vec<(Choice, u64)>,
}

impl<C: Chooser> Recorder<C> {
    pub fn new(inner: C) -> Self {
        Self {
            inner,
            log: Vec::new(),
        }
    }

    /// The answers alone: feed them to [`ScriptedChooser::new`] to replay the run.
    pub fn answers(&self) -> Vec<u64> {
        self.log.iter().map(|(_, a)| *a).collect()
    }
}

impl<C: Chooser> Chooser for Recorder<C> {
    fn choose(&mut self, choice: &Choice) -> u64 {
        let answer = self.inner.choose(choice);
        self.log.push((*choice, answer));
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_answers_are_accepted_and_repeatable() {
        let choices = [
            Choice::Ready { n: 3 },
            Choice::Uniform { min: 10, max: 20 },
            Choice::Exponential {
                mean: 1000,
                cap: 5000,
            },
            Choice::Pick { n: 4 },
            Choice::Fail { ppm: 500_000 },
        ];
        let run = |seed| {
            let mut c = SeededChooser::new(seed);
            (0..200)
                .map(|i| {
                    let ch = choices[i % choices.len()];
                    let a = c.choose(&ch);
                    assert!(ch.accepts(a), "{ch:?} got {a}");
                    a
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
    }

    #[test]
    fn exponential_mean_is_roughly_right() {
        let mut c = SeededChooser::new(9);
        let n = 20_000;
        let total: u64 = (0..n)
            .map(|_| {
                c.choose(&Choice::Exponential {
                    mean: 1000,
                    cap: u64::MAX,
                })
            })
            .sum();
        let mean = total / n;
        assert!((900..1100).contains(&mean), "mean {mean}");
    }

    #[test]
    fn failure_probability_is_respected() {
        let mut c = SeededChooser::new(3);
        let fails: u64 = (0..10_000)
            .map(|_| c.choose(&Choice::Fail { ppm: 100_000 }))
            .sum();
        assert!((800..1200).contains(&fails), "{fails}");
        assert_eq!(c.choose(&Choice::Fail { ppm: 0 }), 0);
    }

    #[test]
    fn recorder_answers_replay_exactly() {
        let mut rec = Recorder::new(SeededChooser::new(5));
        let chs = [Choice::Ready { n: 7 }, Choice::Uniform { min: 0, max: 99 }];
        let first: Vec<u64> = (0..50).map(|i| rec.choose(&chs[i % 2])).collect();
        let mut replay = ScriptedChooser::new(rec.answers());
        let second: Vec<u64> = (0..50).map(|i| replay.choose(&chs[i % 2])).collect();
        assert_eq!(first, second);
        assert!(replay.exhausted());
        assert_eq!(replay.clamped, 0);
    }

    #[test]
    fn replay_then_seed_follows_the_schedule_then_the_seed() {
        let chs = [
            Choice::Ready { n: 4 },
            Choice::Uniform { min: 0, max: 999 },
            Choice::Fail { ppm: 300_000 },
        ];
        let seeded: Vec<u64> = {
            let mut c = SeededChooser::new(11);
            (0..30).map(|i| c.choose(&chs[i % 3])).collect()
        };
        // No schedule: the seeded run.
        let mut c = ReplayThenSeed::new(Vec::new(), 11);
        let none: Vec<u64> = (0..30).map(|i| c.choose(&chs[i % 3])).collect();
        assert_eq!(none, seeded);
        // The seeded run's own first answers: still the seeded run.
        let mut c = ReplayThenSeed::new(seeded[..7].to_vec(), 11);
        let same: Vec<u64> = (0..30).map(|i| c.choose(&chs[i % 3])).collect();
        assert_eq!(same, seeded);
        assert!(c.exhausted());
        // A different first answer changes that answer only (the seed stays in step).
        let first = (seeded[0] + 1) % 4;
        let mut c = ReplayThenSeed::new(vec![first, 5000], 11);
        let forked: Vec<u64> = (0..30).map(|i| c.choose(&chs[i % 3])).collect();
        assert_eq!(forked[0], first);
        assert_eq!(forked[1], 999, "clamped to the range");
        assert_eq!(c.clamped, 1);
        assert_eq!(forked[2..], seeded[2..]);
    }

    #[test]
    fn scripted_clamps_bad_answers_and_defaults_when_exhausted() {
        let mut s = ScriptedChooser::new(vec![9, 500]);
        assert_eq!(s.choose(&Choice::Ready { n: 3 }), 2);
        assert_eq!(s.choose(&Choice::Uniform { min: 10, max: 20 }), 20);
        assert_eq!(s.clamped, 2);
        assert_eq!(s.choose(&Choice::Uniform { min: 10, max: 20 }), 10);
    }
}
