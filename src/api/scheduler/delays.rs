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
    /// Put on the agenda only once the delayed item was done (perhaps by it).
    late: bool,
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
    arrivals: Option<(&str, &[u64])>,
) -> Vec<String> {
    if let Some((who, others)) = arrivals.filter(|(_, o)| !o.is_empty()) {
        return among_others(who, others, values);
    }
    orderings(before, begin, replay, seed, values).unwrap_or_else(|| {
        values
            .iter()
            .map(|&v| match what {
                "" => format!("The run's first events start {} in", duration(v)),
                what if v == 0 => format!("{what}, going on at once"),
                what => format!("{what}, going on {} later", duration(v)),
            })
            .collect()
    })
}

/// A delay that is one arrival among others drawn alike (the responses reaching the
/// integration): where it falls among the `others`' arrivals, by `who` ("One response reaches
/// Marketo Integration").
fn among_others(who: &str, others: &[u64], values: &[u64]) -> Vec<String> {
    let the_other = |n: usize| match n {
        1 => "the other one".to_string(),
        n => format!("the other {n}"),
    };
    let out: Vec<String> = values
        .iter()
        .map(|&v| {
            let early = others.iter().filter(|&&o| o < v).count();
            let same = others.iter().filter(|&&o| o == v).count();
            let late = others.len() - early - same;
            match (early, same, late) {
                (_, 1.., _) => format!(
                    "{who} at the same moment as {}",
                    match same {
                        1 => "another one".to_string(),
                        n => format!("{n} others"),
                    }
                ),
                (0, _, n) => format!("{who} before {}", the_other(n)),
                (n, _, 0) => format!("{who} after {}", the_other(n)),
                (e, _, l) => format!("{who} after {e} of the others and before {}", the_other(l)),
            }
        })
        .collect();
    out.iter()
        .zip(values)
        .map(|(o, &v)| match out.iter().filter(|x| *x == o).count() {
            1 => o.clone(),
            _ => format!("{o}, at {}", clock(v)),
        })
        .collect()
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
    let at = |sim: &Sim| {
        sim.state
            .agenda
            .iter()
            .find(|a| a.seq == moved)
            .map(|a| a.time)
    };
    let until = children.iter().filter_map(|(sim, _)| at(sim)).max()?;
    // Its name and person, from a value that keeps it on the agenda.
    let (me, whom) = children.iter().find_map(|(sim, _)| {
        let a = sim.state.agenda.iter().find(|a| a.seq == moved)?;
        Some((describe(sim, a), person(sim, a)))
    })?;
    // When the delayed item falls for each value (at once, within the step, if it is gone).
    let times: Vec<u64> = children
        .iter()
        .map(|(sim, _)| at(sim).unwrap_or(sim.state.now))
        .collect();
    let mut seen = Vec::new();
    for (sim, ch) in &mut children {
        let mut steps = Vec::new();
        if at(sim).is_none() {
            // Done within the step itself (a zero delay): before anything else.
            steps.push(Seen {
                name: me.clone(),
                time: sim.state.now,
                delayed: true,
                late: false,
            });
        }
        // The last item on the agenda before the delayed one is done.
        let mut known =
            at(sim).map_or_else(|| sim.state.agenda.iter().map(|a| a.seq).max(), |_| None);
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
                    name: if delayed {
                        me.clone()
                    } else {
                        describe(sim, a)
                    },
                    time: a.time,
                    delayed,
                    late: known.is_some_and(|k| a.seq > k),
                });
            }
            if delayed {
                known = sim.state.agenda.iter().map(|a| a.seq).max();
            }
            if !matches!(sim.step(ch), Ok(true)) {
                break;
            }
        }
        if sim
            .state
            .agenda
            .ready_now()
            .first()
            .is_some_and(|a| a.time <= until)
        {
            return None;
        }
        seen.push(steps);
    }
    Some(words_for(&me, &seen, &times))
}

/// Each value's option: the delayed item `me`, after the last and before the first of the
/// steps whose order with it changes between values, with the moment where needed.
fn words_for(me: &str, seen: &[Vec<Seen>], times: &[u64]) -> Vec<String> {
    // A step is known by its name and how many steps of that name came before it.
    let keyed = |steps: &[Seen]| -> Vec<((String, usize), bool, u64)> {
        let mut count = std::collections::HashMap::<&str, usize>::new();
        steps
            .iter()
            .filter(|s| !s.late)
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
        .map(|r| {
            r.iter()
                .filter(|s| !s.1)
                .map(|s| s.0.clone())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|key| {
            let sides: Option<Vec<bool>> = runs.iter().map(|r| side(r, key)).collect();
            sides.is_some_and(|s| s.contains(&true) && s.contains(&false))
        })
        .collect();
    let mut out: Vec<String> = runs
        .iter()
        .zip(times)
        .map(|(run, &t)| {
            let me_at = run.iter().position(|s| s.1).unwrap_or(0);
            // A step that comes back (an hourly batch) says when.
            let name = |s: &((String, usize), bool, u64)| {
                if run.iter().filter(|o| o.0 .0 == s.0 .0).count() > 1 {
                    format!("{} (at {})", s.0 .0, clock(s.2))
                } else {
                    s.0 .0.clone()
                }
            };
            let mine = |s: &&((String, usize), bool, u64)| decided.contains(&s.0);
            let same = |s: &&((String, usize), bool, u64)| !s.1 && s.2 == t;
            let tie = run[me_at + 1..]
                .iter()
                .find(same)
                .or_else(|| run[..me_at].iter().rev().find(same));
            let prev = run[..me_at].iter().rev().find(mine);
            let next = run[me_at + 1..].iter().find(mine);
            match (tie, prev, next) {
                (Some(o), _, _) => format!("{me}, at the same moment as {}", name(o)),
                (None, Some(p), Some(n)) => {
                    format!("{me}, after {} and before {}", name(p), name(n))
                }
                (None, Some(p), None) => format!("{me}, after {}", name(p)),
                (None, None, Some(n)) => format!("{me}, before {}", name(n)),
                (None, None, None) => me.to_string(),
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
