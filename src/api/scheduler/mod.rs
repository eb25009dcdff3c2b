//! "You are the scheduler": the decisions where several things are ready at the same moment,
//! described in words, so a person can pick which runs next. A hand-picked schedule is a
//! [`ReplayThenSeed`] schedule (the answer at every chooser call, delays included), so it
//! replays exactly and travels in a share link.
//!
//! Working out a delay's options plays the run forward once per value the delay can take,
//! the dearest part of a view. A decision's options depend only on the run (scenario, knobs,
//! seed) and the answers before it, so [`KnownDelays`] keeps them: a caller that keeps it
//! between views of one run works each decision out once, however often it goes back and
//! forth.

mod delays;
mod items;

pub(crate) use items::describe;

use crate::engine::chooser::{Choice, Chooser, ReplayThenSeed};
use crate::engine::dist::Delay;
use crate::engine::model::Model;
use crate::engine::sim::state::Agendum;
use crate::engine::{compile, RunConfig, Scenario, Sim};
use std::collections::HashMap;

/// One decision of a run: which ready item goes first, or which of a delay's representative
/// values it takes, or whether a failure happens.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Its position in the schedule (the chooser call it answers; forking here keeps
    /// `schedule[..call]`).
    pub call: usize,
    pub time_ms: u64,
    /// What the person chooses between, in words.
    pub options: Vec<String>,
    /// The schedule value of each option.
    pub answers: Vec<u32>,
    /// The option the schedule took (past decisions), if it is one of `options`.
    pub chosen: Option<usize>,
}

impl Decision {
    /// How many bytes every option starts with alike, cut back to the end of a clause (", "):
    /// the app shows the rest, the part that tells the options apart, in bold. 0 when the
    /// options share no whole clause.
    pub fn shared_start(&self) -> usize {
        let Some((first, rest)) = self.options.split_first() else {
            return 0;
        };
        if rest.is_empty() {
            return 0;
        }
        let mut n = first.len();
        for o in rest {
            n = first
                .char_indices()
                .zip(o.chars())
                .find(|((_, a), b)| a != b)
                .map_or(n.min(o.len()), |((i, _), _)| i.min(n));
        }
        let cut = first[..n].rfind(", ").map_or(0, |i| i + 2);
        if cut < 12 || self.options.iter().any(|o| o.len() <= cut) {
            0
        } else {
            cut
        }
    }
}

/// The decisions taken along a schedule and the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerView {
    pub past: Vec<Decision>,
    /// The first decision after the schedule; `None` when the run ends without one. Pick
    /// option `i` with the schedule `prefix` + `[answers[i]]`.
    pub next: Option<Decision>,
    /// The schedule up to the next decision (the seed's answers to anything in between).
    pub prefix: Vec<u32>,
}

/// The options of the delay decisions of one run already worked out, by the answers before
/// each (plain data: the app keeps one per run while the trainee picks, undoes and forks).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnownDelays {
    options: HashMap<Vec<u64>, Vec<String>>,
    /// How many delays' options were worked out (not found here).
    worked_out: usize,
}

impl KnownDelays {
    /// How many delays' options these views had to work out.
    pub fn worked_out(&self) -> usize {
        self.worked_out
    }

    /// The options of the delay after `answers`, worked out by `work` the first time.
    fn get_or(
        &mut self,
        answers: &[(Choice, u64)],
        work: impl FnOnce() -> Vec<String>,
    ) -> Vec<String> {
        let key: Vec<u64> = answers.iter().map(|(_, a)| *a).collect();
        if let Some(known) = self.options.get(&key) {
            return known.clone();
        }
        self.worked_out += 1;
        let options = work();
        self.options.insert(key, options.clone());
        options
    }
}

/// Replays a schedule, then answers from the seed; notes every call.
struct Noting {
    inner: ReplayThenSeed,
    log: Vec<(Choice, u64)>,
}

impl Chooser for Noting {
    fn choose(&mut self, choice: &Choice) -> u64 {
        let a = self.inner.choose(choice);
        self.log.push((*choice, a));
        a
    }
}

/// The decisions of the run `scenario`/`config`/`seed` along `schedule`.
pub fn scheduler_view(
    scenario: &Scenario,
    config: &RunConfig,
    seed: u64,
    schedule: &[u32],
) -> Result<SchedulerView, String> {
    scheduler_view_kept(
        scenario,
        config,
        seed,
        schedule,
        &mut KnownDelays::default(),
    )
}

/// [`scheduler_view`], taking the options of delays already worked out for this run from
/// `known` and keeping the new ones there (`known` must belong to this scenario, variant,
/// knobs, injections and seed).
pub fn scheduler_view_kept(
    scenario: &Scenario,
    config: &RunConfig,
    seed: u64,
    schedule: &[u32],
    known: &mut KnownDelays,
) -> Result<SchedulerView, String> {
    let model = compile(scenario, config)?;
    model_scheduler_view_kept(&model, seed, schedule, known)
}

/// [`scheduler_view`] of a compiled model.
pub fn model_scheduler_view(
    model: &Model,
    seed: u64,
    schedule: &[u32],
) -> Result<SchedulerView, String> {
    model_scheduler_view_kept(model, seed, schedule, &mut KnownDelays::default())
}

/// [`scheduler_view_kept`] of a compiled model.
pub fn model_scheduler_view_kept(
    model: &Model,
    seed: u64,
    schedule: &[u32],
    known: &mut KnownDelays,
) -> Result<SchedulerView, String> {
    let answers = schedule.iter().map(|&a| a as u64).collect();
    let mut ch = Noting {
        inner: ReplayThenSeed::new(answers, seed),
        log: Vec::new(),
    };
    let mut sim = Sim::new(model);
    let mut past = Vec::new();
    let start = sim.clone();
    sim.begin(&mut ch);
    let step = Step {
        before: &start,
        from: 0,
        seed,
        item: None,
        ready: Vec::new(),
    };
    if let Some(next) = step.note(&ch.log, schedule, 0, &mut past, known) {
        return Ok(view(past, next, &ch.log));
    }
    loop {
        let ready = sim.state.agenda.ready_now();
        let Some(first) = ready.first() else {
            return Ok(SchedulerView {
                past,
                next: None,
                prefix: schedule.to_vec(),
            });
        };
        let time = first.time;
        let labels = items::labels(&sim, &ready);
        let items: Vec<Agendum> = ready.iter().map(|a| (*a).clone()).collect();
        let before = sim.clone();
        let from = ch.log.len();
        if !sim.step(&mut ch).map_err(|e| e.to_string())? {
            return Ok(SchedulerView {
                past,
                next: None,
                prefix: schedule.to_vec(),
            });
        }
        // The item this step processed: the only one ready, or the tie's answer.
        let done = if labels.len() >= 2 {
            ch.log.get(from).map_or(0, |(_, a)| *a as usize)
        } else {
            0
        };
        let step = Step {
            before: &before,
            from,
            seed,
            item: items.get(done),
            ready: labels,
        };
        if let Some(next) = step.note(&ch.log, schedule, time, &mut past, known) {
            return Ok(view(past, next, &ch.log));
        }
    }
}

fn view(past: Vec<Decision>, next: Decision, log: &[(Choice, u64)]) -> SchedulerView {
    let prefix = log[..next.call].iter().map(|(_, a)| *a as u32).collect();
    SchedulerView {
        past,
        next: Some(next),
        prefix,
    }
}

/// One step of the run as the scheduler sees it: the state before it, where its chooser
/// calls start in the log, what it processes and what was ready.
struct Step<'a, 'm> {
    before: &'a Sim<'m>,
    from: usize,
    seed: u64,
    /// The item processed (`None` for the start of the run).
    item: Option<&'a Agendum>,
    /// The ready items in words (the options of a tie).
    ready: Vec<String>,
}

impl Step<'_, '_> {
    /// Records the decisions among the step's calls in `log`; returns the first one past
    /// the schedule.
    fn note(
        &self,
        log: &[(Choice, u64)],
        schedule: &[u32],
        time_ms: u64,
        past: &mut Vec<Decision>,
        known: &mut KnownDelays,
    ) -> Option<Decision> {
        let what = self
            .item
            .map_or_else(String::new, |a| describe(self.before, a));
        let mut fails = 0;
        for (call, (choice, answer)) in log.iter().enumerate().skip(self.from) {
            let values = choice.finite_answers();
            if values.len() < 2 {
                continue;
            }
            let options = match choice {
                Choice::Ready { .. } => self.ready.clone(),
                Choice::Fail { .. } => {
                    fails += 1;
                    items::fail_options(self.before, self.item, fails - 1).to_vec()
                }
                Choice::Pick { .. } => values
                    .iter()
                    .map(|v| format!("{what}: listed value {}", v + 1))
                    .collect(),
                _ => {
                    let replay: Vec<u64> = log[self.from..call].iter().map(|x| x.1).collect();
                    let begin = self.item.is_none();
                    let arrivals = begin.then(|| self.arrivals(log, call)).flatten();
                    let options = |arrivals: Option<(&str, &[u64])>| {
                        delays::options(
                            self.before,
                            begin,
                            &replay,
                            self.seed,
                            &values,
                            &what,
                            arrivals,
                        )
                    };
                    match &arrivals {
                        // Where an arrival falls among the step's other arrivals (quick to
                        // say, and it reads answers after this one).
                        Some((who, others)) if !others.is_empty() => {
                            options(Some((who.as_str(), others.as_slice())))
                        }
                        // Played forward: the same for the same answers before it.
                        _ => known.get_or(&log[..call], || options(None)),
                    }
                }
            };
            let answers: Vec<u32> = values
                .iter()
                .map(|&v| v.min(u32::MAX as u64) as u32)
                .collect();
            let mut d = Decision {
                call,
                time_ms,
                options,
                chosen: answers.iter().position(|&a| a as u64 == *answer),
                answers,
            };
            if call >= schedule.len() {
                d.chosen = None;
                return Some(d);
            }
            past.push(d);
        }
        None
    }

    /// For a draw of the response feed's arrival window at the start: who arrives, and the
    /// other responses' arrivals (the step's other draws of the same window).
    fn arrivals(&self, log: &[(Choice, u64)], call: usize) -> Option<(String, Vec<u64>)> {
        let feed = self.before.model.integrations.responses.as_ref()?;
        let choice = |d: &Delay| match *d {
            Delay::Uniform { min, max } if min < max => Some(Choice::Uniform { min, max }),
            Delay::Exponential { mean, cap } if mean > 0 => Some(Choice::Exponential { mean, cap }),
            _ => None,
        };
        let mut windows = vec![(
            choice(&feed.window),
            format!("One response reaches {}", feed.user),
        )];
        if let Some((name, _, window)) = &feed.second_writer {
            windows.push((choice(window), format!("One response reaches {name}")));
        }
        let (window, who) = windows
            .into_iter()
            .find_map(|(c, who)| c.filter(|c| *c == log[call].0).map(|c| (c, who)))?;
        let others = log[self.from..]
            .iter()
            .enumerate()
            .filter(|(i, (c, _))| self.from + i != call && *c == window)
            .map(|(_, (_, a))| *a)
            .collect();
        Some((who, others))
    }
}
