//! The scheduler challenge: a small set-up per race scenario in which the race variant can
//! be made to break in a few choices, its goal in Marketo's words, hints (one at a time,
//! worked out by searching the choices), and the win, read from the run's violations.
//!
//! Only the set-up and the goal's wording are scenario data ([`setup`]); the hints and the
//! win come from the run: a hint names the next option on a winning path the search finds
//! from the choices made so far, and the win message is the first violation's own message.

use super::scheduler::{model_scheduler_view, model_scheduler_view_kept, KnownDelays};
use super::view::ViolationView;
use crate::engine::explore::replay;
use crate::engine::model::Model;
use crate::engine::scenario::VariantRole;
use crate::engine::Scenario;

/// Most choices a challenge needs.
pub const MAX_CLICKS: usize = 6;

/// A scenario's challenge: the variant it is played on, knob settings (on top of the
/// scenario's defaults), the seed for the choices nobody makes, and the goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeSetup {
    /// The variant to play, when it is not the scenario's [`race_variant`] (whose run breaks
    /// by itself, so that the scheduler's choices would decide nothing).
    pub variant: Option<&'static str>,
    pub knobs: &'static [(&'static str, i64)],
    pub seed: u64,
    /// What to make happen, in Marketo's words.
    pub goal: &'static str,
}

/// The challenge of built-in scenario `id`, if it has one. Every race scenario has one; the
/// control cases have none. The set-up is one or two people (or, with no people, the
/// smallest run that still races), so that "Try every ordering from here" can try every
/// ordering of the fix.
pub fn setup(id: &str) -> Option<ChallengeSetup> {
    // The naive variant of these sends the alert before any owner can arrive: it breaks
    // with no choice made. The Wait variant races the Wait against the CRM's answer.
    let variant = match id {
        "alert-before-owner" | "owner-alert-tactics" => Some("wait"),
        _ => None,
    };
    let (knobs, goal): (&'static [(&'static str, i64)], &'static str) = match id {
        "alert-before-owner" => (
            &[
                ("people", 1),
                ("step_time_ms", 0),
                ("trigger_delay_s", 0),
                ("arrival_window_min", 0),
            ],
            "Make the \"New fast-track lead\" alert about person 1 go to no one, even with \
             the Wait 5 minutes before it.",
        ),
        "owner-alert-tactics" => (
            &[
                ("known_leads", 1),
                ("new_leads", 1),
                ("step_time_ms", 0),
                ("trigger_delay_s", 0),
                ("arrival_window_min", 0),
            ],
            "Make the \"New fast-track lead\" alert about the new lead, person 2, go to no \
             one, even with Tactic 2's Wait 5 minutes before it.",
        ),
        "sync-before-enrichment" => (
            &[
                ("large_emea_leads", 1),
                ("midsize_emea_leads", 0),
                ("na_leads", 0),
                ("step_time_ms", 0),
                ("trigger_delay_s", 0),
                ("arrival_window_min", 0),
                ("vendor_mean_s", 60),
            ],
            "Make Sync Person to SFDC send person 1 to the CRM before the enrichment vendor \
             has filled in their Region and Company Size, even with the Wait 2 minutes \
             before the sync (this vendor takes a minute on average).",
        ),
        "job-checkpoint" => (
            &[
                ("days", 1),
                ("schedule_every_min", 720),
                ("run_time_min", 480),
                ("cold_start_pct", 0),
                ("api_latency_ms", 100),
            ],
            "Make an import run load records into Marketo that an earlier run of the same \
             job already imported.",
        ),
        "replica-cascade" => (
            &[("people", 1), ("consumers", 1)],
            "Make the list automation decide on person 1 from a replica that still shows \
             Region = West after person 1 moved to the East Coast.",
        ),
        "list-queue" => (
            &[
                ("people", 1),
                ("step_time_ms", 0),
                ("trigger_delay_s", 0),
                ("webhook_ms", 100),
                ("queue_window_h", 0),
                ("batch_every_min", 120),
            ],
            "Make person 1 get two Task Emails for one queue entry.",
        ),
        "score-recycle" => (
            &[
                ("people", 1),
                ("step_time_ms", 0),
                ("trigger_delay_s", 0),
                ("recycle_gap_s", 0),
                ("hold_days", 1),
            ],
            "Make person 1 move from Recycled - Holding straight back to Reached Threshold in the \
             Lead Scoring program.",
        ),
        "lifecycle-overwrite" => (
            &[
                ("people", 1),
                ("step_time_ms", 0),
                ("trigger_delay_s", 0),
                ("followup_gap_s", 0),
            ],
            "Make person 1's Lifecycle Stage go back from SQL to MQL.",
        ),
        "duplicate-lead" => (
            &[
                ("people", 1),
                ("step_time_ms", 0),
                ("trigger_delay_s", 0),
                ("arrival_window_min", 0),
                ("integration_delay_s", 0),
                ("create_gap_ms", 1),
            ],
            "Make Marketo create a second person record for person 1's email address.",
        ),
        "central-mql" => (
            &[
                ("people", 1),
                ("step_time_ms", 0),
                ("arrival_window_min", 0),
                ("trigger_delay_s", 1),
                ("crm_push_max_s", 60),
                ("crm_sync_min", 1),
            ],
            "Make the CRM get person 1 before their Lifecycle Stage is set to MQL.",
        ),
        "crm-overwrite" => (
            &[
                ("people", 1),
                ("step_time_ms", 0),
                ("arrival_window_min", 0),
                ("trigger_delay_s", 0),
                ("crm_sync_min", 1),
                ("crm_flow_max_s", 1),
                ("demo_after_min", 0),
                ("mql_wait_min", 1),
                ("crm_push_s", 30),
            ],
            "Make the Salesforce flow's Lead Status win over the MQL that Marketo set for \
             person 1.",
        ),
        "lock-storm" => (
            &[
                ("responses", 2),
                ("arrival_window_s", 1),
                ("lock_wait_s", 0),
                ("retry_attempts", 1),
                ("cpu_per_response_ms", 100),
            ],
            "Make a campaign response get lost: its insert fails on the campaign's lock \
             (UNABLE_TO_LOCK_ROW) with no retry left.",
        ),
        _ => return None,
    };
    // The seed answers the choices nobody makes: one whose run does not break by itself.
    let seed = match id {
        "duplicate-lead" => 7,
        "crm-overwrite" | "lock-storm" | "owner-alert-tactics" => 0,
        "job-checkpoint" => 3,
        _ => 1,
    };
    Some(ChallengeSetup {
        variant,
        knobs,
        seed,
        goal,
    })
}

/// The variant scenario `scenario`'s challenge is played on: its set-up's own, else the
/// [`race_variant`].
pub fn challenge_variant(scenario: &Scenario) -> Option<&str> {
    match setup(&scenario.id).and_then(|c| c.variant) {
        Some(v) => scenario
            .variants
            .iter()
            .find(|x| x.name == v)
            .map(|x| x.name.as_str()),
        None => race_variant(scenario),
    }
}

/// The scenario's race variant: `naive` if it races, else the first race variant. A
/// challenge is played on it unless its set-up names another ([`challenge_variant`]).
pub fn race_variant(scenario: &Scenario) -> Option<&str> {
    let races = || {
        scenario
            .variants
            .iter()
            .filter(|v| v.role == VariantRole::Race)
    };
    races()
        .find(|v| v.name == "naive")
        .or_else(|| races().next())
        .map(|v| v.name.as_str())
}

/// The fix to try next: `fixed` if it is a fix, else the first fix variant.
pub fn fix_variant(scenario: &Scenario) -> Option<&str> {
    let fixes = || {
        scenario
            .variants
            .iter()
            .filter(|v| v.role == VariantRole::Fix)
    };
    fixes()
        .find(|v| v.name == "fixed")
        .or_else(|| fixes().next())
        .map(|v| v.name.as_str())
}

/// "Person 1 got "Task Email" twice …: you caused the race. Now try `fixed`.", when the
/// run (of a variant that is not a fix) has a violation.
pub fn win_message(scenario: &Scenario, violations: &[ViolationView]) -> Option<String> {
    let v = violations.first()?;
    let mut what = v.message.clone();
    if let Some(c) = what.get(..1) {
        what = c.to_uppercase() + &what[1..];
    }
    let next = fix_variant(scenario).map_or(String::new(), |f| format!(" Now try `{f}`."));
    Some(format!("{what}: you caused the race.{next}"))
}

/// Whether the run along `schedule` (then `seed`) violates.
fn violates(model: &Model, schedule: &[u32], seed: u64) -> bool {
    replay(model, schedule, seed).is_ok_and(|(_, out)| !out.violations.is_empty())
}

/// A schedule that wins from `schedule` in at most `clicks` more choices (each a
/// scheduler option, the rest from `seed`), the fewest choices first; `None` if there is
/// none. Breadth first over the options the scheduler offers, so the answer is the path a
/// trainee could click.
pub fn find_win(model: &Model, seed: u64, schedule: &[u32], clicks: usize) -> Option<Vec<u32>> {
    if violates(model, schedule, seed) {
        return Some(schedule.to_vec());
    }
    let mut level = vec![schedule.to_vec()];
    // The paths share their first decisions: each delay's options are worked out once.
    let mut known = KnownDelays::default();
    for _ in 0..clicks {
        let mut next_level = Vec::new();
        for s in &level {
            let Ok(view) = model_scheduler_view_kept(model, seed, s, &mut known) else {
                continue;
            };
            let Some(d) = view.next else { continue };
            for &a in &d.answers {
                let mut t = view.prefix.clone();
                t.push(a);
                if violates(model, &t, seed) {
                    return Some(t);
                }
                next_level.push(t);
            }
        }
        level = next_level;
    }
    None
}

/// The next hint from `schedule`: the option to pick now on a winning path, in words
/// ("Pick: Drain Queue (hourly) — the batch run starts…"), or why there is none.
pub fn next_hint(model: &Model, seed: u64, schedule: &[u32]) -> String {
    let Some(win) = find_win(model, seed, schedule, MAX_CLICKS) else {
        return "No order from here breaks it within a few choices: use Undo or Start over."
            .to_string();
    };
    let Ok(view) = model_scheduler_view(model, seed, schedule) else {
        return String::new();
    };
    match view.next {
        Some(d) if win.len() > view.prefix.len() => {
            let want = win[view.prefix.len()];
            match d.answers.iter().position(|&a| a == want) {
                Some(i) => format!("Pick: {}", d.options[i]),
                None => String::new(),
            }
        }
        _ => "This run already breaks: look at the violations.".to_string(),
    }
}
