//! A delay's choices as orderings of named steps: each value the delay can take is played
//! forward (with the seed answering what follows, as the run itself would), and the option
//! says where the delayed item lands among the steps whose order it changes ("Drain Queue
//! (trigger) — the webhook answers (…), person 1, before Drain Queue (hourly) — Send Email:
//! Task Email, person 1"). The moment itself is added only where two values give the same
//! order.

use super::items::{describe, person};
use crate::api::words::{clock, duration};
use crate::engine::chooser::{Choice, Chooser, ReplayThenSeed};
use crate::engine::Sim;

/// Most steps played forward per value (beyond it, the options fall back to times).
const MAX_STEPS: usize = 20_000;

/// A step seen while playing a value forward.
struct Seen {
    name: String,
    time: u64,
    delayed: bool,
}

/// The options of a delay chosen while `before` takes its next step (or begins, when
/// `begin`): `replay` answers the step's calls before the delay, then each of `values`.
/// `what` names the item being processed (empty at the start).
pub(super) fn options(
    before: &Sim,
    begin: bool,
    replay: &[u64],
    seed: u64,
    values: &[u64],
    what: &str,
) -> Vec<String> {
    orderings(before, begin, replay, seed, values).unwrap_or_else(|| {
        values
            .iter()
            .map(|&v| match what {
                "" => format!("The run's first events start {} in", duration(v)),
                what => format!("{what}: it takes {}", duration(v)),
            })
            .collect()
    })
}

fn orderings(
    before: &Sim,
    begin: bool,
    replay: &[u64],
    seed: u64,
    values: &[u64],
) -> Option<Vec<String>> {
    let mut children: Vec<(Sim, ReplayThenSeed)> = values
        .iter()
        .map(|&v| {
            let mut answers = replay.to_vec();
            answers.push(v);
            let mut ch = ReplayThenSeed::new(answers, seed);
            let mut sim = before.clone();
            if begin {
                sim.begin(&mut ch);
            } else {
                // An error shows in the run itself; here it only costs the ordering.
                let _ = sim.step(&mut ch);
            }
            (sim, ch)
        })
        .collect();
    let times = |sim: &Sim| -> Vec<(u64, u64)> {
        let mut t: Vec<(u64, u64)> = sim.state.agenda.iter().map(|a| (a.seq, a.time)).collect();
        t.sort_unstable();
        t
    };
    let (first, last) = (times(&children.first()?.0), times(&children.last()?.0));
    // The delayed item: the first whose time differs between the ends of the range.
    let moved = first
        .iter()
        .find(|(seq, t)| last.iter().any(|(s, u)| s == seq && u != t))?
        .0;
    let at = |sim: &Sim| sim.state.agenda.iter().find(|a| a.seq == moved).map(|a| a.time);
    let until = children.iter().filter_map(|(sim, _)| at(sim)).max()?;
    // Its name and person, from a value that keeps it on the agenda.
    let (me, whom) = children.iter().find_map(|(sim, _)| {
        let a = sim.state.agenda.iter().find(|a| a.seq == moved)?;
        Some((describe(sim, a), person(sim, a)))
    })?;
    let mut seen = Vec::new();
    for (sim, ch) in &mut children {
        let mut steps = Vec::new();
        if at(sim).is_none() {
            // Done within the step itself (a zero delay): before anything else.
            steps.push(Seen {
                name: me.clone(),
                time: sim.state.now,
                delayed: true,
            });
        }
        for _ in 0..MAX_STEPS {
            let ready = sim.state.agenda.ready_now();
            let Some(first) = ready.first() else { break };
            if first.time > until {
                break;
            }
            let k = match ready.len() {
                1 => 0,
                n => (ch.clone().choose(&Choice::Ready { n: n as u32 }) as usize).min(n - 1),
            };
            let a = ready[k];
            let delayed = a.seq == moved;
            let p = person(sim, a);
            if delayed || whom.is_none() || p.is_none() || p == whom {
                steps.push(Seen {
                    name: if delayed { me.clone() } else { describe(sim, a) },
                    time: a.time,
                    delayed,
                });
            }
            if !matches!(sim.step(ch), Ok(true)) {
                break;
            }
        }
        if sim.state.agenda.ready_now().first().is_some_and(|a| a.time <= until) {
            return None;
        }
        seen.push(steps);
    }
    Some(words_for(&me, &seen, &children_times(&children, at)))
}

/// When the delayed item falls in each value's run (`None`: at once, within the step).
fn children_times(
    children: &[(Sim, ReplayThenSeed)],
    at: impl Fn(&Sim) -> Option<u64>,
) -> Vec<u64> {
    children
        .iter()
        .map(|(sim, _)| at(sim).unwrap_or(sim.state.now))
        .collect()
}

/// Each value's option: the delayed item `me`, after the last and before the first of the
/// steps whose order with it changes between values, with the moment where needed.
fn words_for(me: &str, seen: &[Vec<Seen>], times: &[u64]) -> Vec<String> {
    // A step is known by its name and how many steps of that name came before it.
    let keyed = |steps: &[Seen]| -> Vec<((String, usize), bool, u64)> {
        let mut count = std::collections::HashMap::<&str, usize>::new();
        steps
            .iter()
            .map(|s| {
                let n = count.entry(&s.name).or_default();
                *n += 1;
                ((s.name.clone(), *n), s.delayed, s.time)
            })
            .collect()
    };
    let runs: Vec<_> = seen.iter().map(|s| keyed(s)).collect();
    let side = |run: &[((String, usize), bool, u64)], key: &(String, usize)| -> Option<bool> {
        let me = run.iter().position(|s| s.1)?;
        let it = run.iter().position(|s| &s.0 == key)?;
        Some(it < me)
    };
    // The steps every value's run has, on both sides of the delayed item across values.
    let decided: Vec<(String, usize)> = runs
        .first()
        .map(|r| r.iter().filter(|s| !s.1).map(|s| s.0.clone()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|key| {
            let sides: Option<Vec<bool>> = runs.iter().map(|r| side(r, key)).collect();
            sides.is_some_and(|s| s.contains(&true) && s.contains(&false))
        })
        .collect();
    let repeated = |name: &str| decided.iter().filter(|k| k.0 == name).count() > 1;
    let mut out: Vec<String> = runs
        .iter()
        .zip(times)
        .map(|(run, &t)| {
            let me_at = run.iter().position(|s| s.1).unwrap_or(0);
            let name = |s: &((String, usize), bool, u64)| {
                if repeated(&s.0 .0) {
                    format!("{} (at {})", s.0 .0, clock(s.2))
                } else {
                    s.0 .0.clone()
                }
            };
            let mine = |s: &&((String, usize), bool, u64)| decided.contains(&s.0);
            let prev = run[..me_at].iter().rev().find(mine);
            let next = run[me_at + 1..].iter().find(mine);
            match (prev, next) {
                (_, Some(n)) if n.2 == t => format!("{me}, at the same moment as {}", name(n)),
                (Some(p), _) if p.2 == t => format!("{me}, at the same moment as {}", name(p)),
                (Some(p), Some(n)) => format!("{me}, after {} and before {}", name(p), name(n)),
                (Some(p), None) => format!("{me}, after {}", name(p)),
                (None, Some(n)) => format!("{me}, before {}", name(n)),
                (None, None) => me.to_string(),
            }
        })
        .collect();
    // Values that give the same order differ only in time: say when.
    let same: Vec<bool> = out
        .iter()
        .map(|o| out.iter().filter(|x| *x == o).count() > 1)
        .collect();
    for ((o, &t), same) in out.iter_mut().zip(times).zip(same) {
        if same {
            o.push_str(&format!(", at {}", clock(t)));
        }
    }
    out
}
