//! The command line's grammar, declared with clap's derive API: the commands, their options
//! and their `--help` texts. clap refuses what is wrong in the words typed (an unknown option,
//! a missing or malformed value, a number out of range, options that do not go together) in
//! its usual form, with exit code 2. Whether a scenario, variant or knob exists, and whether a
//! value suits the scenario, is the commands' business.

use clap::{Args, Parser, Subcommand, ValueEnum};
use racelab::engine::explore::{parse_schedule, ExploreConfig};
use racelab::engine::knobs::parse_assignment;

/// Where `./scripts/serve` serves the app: the base of the share links that `link` and
/// `explore` print.
pub const APP_URL: &str = "http://127.0.0.1:8080/";
/// Most seeds in one `racelab sweep`.
pub const MAX_SWEEP_SEEDS: u64 = 10_000_000;
/// The most leads a day `sweep --per-day` projects for.
pub const MAX_PER_DAY: u64 = 1_000_000_000_000;
/// Most seeds per variant in `racelab table`.
pub const MAX_TABLE_SEEDS: u64 = 1_000_000;
/// Most sampled runs in `racelab explore --sample`.
pub const MAX_RUNS: u64 = 10_000_000;
/// Most distinct states in an exhaustive `racelab explore`.
pub const MAX_STATES: u64 = 100_000_000;
/// Most decisions along one schedule in an exhaustive `racelab explore`.
pub const MAX_DECISIONS: u64 = 1_000_000;
/// The time an exhaustive `racelab explore` may take by default, in seconds.
pub const DEFAULT_TIME_LIMIT_S: u64 = 60;
/// Most worker threads of one `racelab sweep`.
pub const MAX_JOBS: u64 = 1024;

/// Every command, one line each; clap writes it after "Usage:" in `racelab --help`.
const USAGE: &str = "\
racelab list
       racelab describe <scenario> [--json]
       racelab run <scenario> [--variant V] [--seed N] [--set knob=value]... [--json] [--trace]
                   [--schedule 0,1,0,2]
       racelab sweep <scenario> [--variant V] --seeds N [--first-seed S] [--set knob=value]...
                     [--per-day N] [--jobs N] [--quiet] [--json]
       racelab explore <scenario> [--variant V] [--set knob=value]... [--max-decisions N]
                       [--max-states N] [--time-limit S] [--no-reduction] [--no-dedup]
                       [--quiet] [--json]
       racelab explore <scenario> --sample random|pct [--runs N] [--seed S] [--pct-depth D] ...
       racelab scale replica-cascade [--variant V] [--rate N] [--seconds S] [--first-seed S]
                     [--set knob=value]... [--jobs N] [--quiet] [--json]
       racelab table [--seeds N]
       racelab link <scenario> [--variant V] [--compare V2] [--set knob=value]... [--seed N]
                    [--lesson [N] [--fix V]] [--base URL]";

const AFTER_HELP: &str = "\
<scenario> is a built-in id (see `racelab list`) or a path to a scenario JSON file.
`--link URL` may replace <scenario> in describe, run, sweep, explore and link: the link's
scenario, variant, knobs, seed and injections are used, and options given explicitly override
them (sweep starts at the link's seed unless --first-seed is given).

`racelab help <command>` describes a command and its options. Bad input prints what is wrong
on stderr and exits with code 2.

sweep and explore show their progress on stderr when the work takes more than a second
(--quiet to hide it). Ctrl-C stops them: they print what they found so far, marked as
interrupted, and exit with code 130.";

/// racelab: simulate marketing-automation races deterministically
#[derive(Parser)]
#[command(
    name = "racelab",
    version,
    override_usage = USAGE,
    after_help = AFTER_HELP,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// List the built-in scenarios: id and title
    List,
    /// Show a scenario's variants, knobs (unit, default, range) and invariants
    Describe(DescribeArgs),
    /// Run a scenario once: its outcome, violations and trace hash
    Run(RunArgs),
    /// Run many seeds: the runs that violate an invariant and the leads affected
    Sweep(SweepArgs),
    /// Search every schedule for a violation, or sample schedules with --sample
    ///
    /// A schedule answers every decision of a run: orderings of ready work, representative
    /// delays, failures. The exhaustive search tries them all (within the bounds); --sample
    /// runs N seeded schedules, random or PCT-style, for set-ups too big for that. Either
    /// prints the shortest violating schedule, its trace, how to replay it and a share link.
    Explore(ExploreArgs),
    /// Run the change feed at its source's scale: one simulated hour of change events at
    /// about 5,800 a second (500 million a day), with the violations and the share of leads
    /// affected
    ///
    /// The hour is run as consecutive one-second slices (each its own seed, its own people
    /// and a queue platform scaled to its maximum of consumers), on every core; no slice's
    /// trace is kept once it has been counted, so memory stays the same however long the run.
    Scale(ScaleArgs),
    /// Print a markdown table: every built-in scenario and variant with the share of runs
    /// that violate and the share of leads affected
    Table(TableArgs),
    /// Print a share link that opens the set-up in the web app
    ///
    /// Defaults as in the app: variant naive, compare fixed, seed 1. A scenario file's JSON
    /// travels inside the link.
    Link(LinkArgs),
}

/// The scenario and its set-up: a built-in id or file with options, or a share link whose
/// settings the options override. Shared by describe, run, sweep, explore and link.
#[derive(Args)]
pub struct Source {
    /// A built-in scenario id (see `racelab list`) or a path to a scenario JSON file
    #[arg(
        value_name = "SCENARIO",
        required_unless_present = "link",
        conflicts_with = "link"
    )]
    pub scenario: Option<String>,
    /// A share link in place of <SCENARIO>: its scenario, variant, knobs, seed and
    /// injections, overridden by the options given
    #[arg(long, value_name = "URL")]
    pub link: Option<String>,
    /// The variant (default: the link's, else the scenario as written, `base`)
    #[arg(long, value_name = "V")]
    pub variant: Option<String>,
    /// The seed (default: the link's, else 0)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Set a knob to a whole number, e.g. --set trigger_delay_s=120 (repeatable)
    #[arg(long = "set", value_name = "KNOB=VALUE", value_parser = parse_assignment)]
    pub knobs: Vec<(String, i64)>,
}

#[derive(Args)]
pub struct DescribeArgs {
    #[command(flatten)]
    pub source: Source,
    /// Write JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub source: Source,
    /// Write JSON
    #[arg(long)]
    pub json: bool,
    /// List every event (with --json, as a `trace` array)
    #[arg(long)]
    pub trace: bool,
    /// The answers at the first decisions (chooser calls), then the seed decides: what
    /// `explore` prints for a violating schedule (default: the link's schedule, if any)
    // A fully qualified `Vec`: one value read into a list, not a repeated option.
    #[arg(long, value_name = "0,1,0,2", value_parser = parse_schedule)]
    pub schedule: Option<::std::vec::Vec<u32>>,
}

#[derive(Args)]
#[command(mut_arg("seed", |a| a.help(
    "Ignored without --link; with it, the first seed unless --first-seed is given \
     (default: the link's seed)"
)))]
pub struct SweepArgs {
    #[command(flatten)]
    pub source: Source,
    /// How many seeds to run
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_SWEEP_SEEDS))]
    pub seeds: u64,
    /// The first seed (default: the link's seed, else 0)
    #[arg(long, value_name = "S")]
    pub first_seed: Option<u64>,
    /// Leads a day for the projection "at N leads a day, about M are affected" (a large
    /// Marketo Engage instance handles about 500 million lead updates a day)
    #[arg(long, value_name = "N", default_value_t = 1_000,
        value_parser = clap::value_parser!(u64).range(1..=MAX_PER_DAY))]
    pub per_day: u64,
    /// Runs at once, one per processor core (default: every core); the results are the same
    /// whatever the number, seed by seed
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_JOBS))]
    pub jobs: Option<u64>,
    /// Do not show progress on stderr
    #[arg(long, short)]
    pub quiet: bool,
    /// Write JSON
    #[arg(long)]
    pub json: bool,
}

/// How `explore --sample` picks schedules.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sample {
    /// Every decision answered at random
    Random,
    /// PCT-style: random priorities with a few priority changes (--pct-depth)
    Pct,
}

#[derive(Args)]
#[command(mut_arg("seed", |a| a.help(
    "The sampling seed (default: the link's, else 0)"
).requires("sample")))]
pub struct ExploreArgs {
    #[command(flatten)]
    pub source: Source,
    /// Stop a schedule after N decisions
    #[arg(long, value_name = "N", conflicts_with = "sample",
        default_value_t = ExploreConfig::default().max_decisions as u64,
        value_parser = clap::value_parser!(u64).range(1..=MAX_DECISIONS))]
    pub max_decisions: u64,
    /// Stop the search after N distinct states
    #[arg(long, value_name = "N", conflicts_with = "sample",
        default_value_t = ExploreConfig::default().max_states as u64,
        value_parser = clap::value_parser!(u64).range(1..=MAX_STATES))]
    pub max_states: u64,
    /// Stop the search after S seconds and report what it found so far (0: no limit)
    #[arg(long, value_name = "S", conflicts_with = "sample",
        default_value_t = DEFAULT_TIME_LIMIT_S)]
    pub time_limit: u64,
    /// Explore every ordering, without the reduction that skips equivalent ones
    #[arg(long, conflicts_with = "sample")]
    pub no_reduction: bool,
    /// Do not merge schedules that reach the same state
    #[arg(long, conflicts_with = "sample")]
    pub no_dedup: bool,
    /// Sample seeded schedules instead of searching all of them
    #[arg(long, value_enum, value_name = "STRATEGY")]
    pub sample: Option<Sample>,
    /// How many schedules to sample
    #[arg(long, value_name = "N", requires = "sample", default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(1..=MAX_RUNS))]
    pub runs: u64,
    /// Priority changes per PCT run (with --sample pct) [default: 3]
    #[arg(long, value_name = "D", requires = "sample",
        value_parser = clap::value_parser!(u32).range(1..=100))]
    pub pct_depth: Option<u32>,
    /// Do not show progress on stderr
    #[arg(long, short)]
    pub quiet: bool,
    /// Write JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
#[command(mut_arg("seed", |a| a.help(
    "The first slice's seed (default: the link's, else 0); slice n runs seed + n"
)))]
pub struct ScaleArgs {
    #[command(flatten)]
    pub source: Source,
    /// Change events a second (the source: about 5,800, 500 million a day)
    #[arg(long, value_name = "N", default_value_t = 5_800,
        value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub rate: u64,
    /// Simulated seconds (default: one hour)
    #[arg(long, value_name = "S", default_value_t = 3_600,
        value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub seconds: u64,
    /// Slices run at once (default: one per core); the results are the same whatever the
    /// number
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_JOBS))]
    pub jobs: Option<u64>,
    /// Do not show progress on stderr
    #[arg(long, short)]
    pub quiet: bool,
    /// Write JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct TableArgs {
    /// Seeds per variant
    #[arg(long, value_name = "N", default_value_t = 10_000,
        value_parser = clap::value_parser!(u64).range(1..=MAX_TABLE_SEEDS))]
    pub seeds: u64,
}

#[derive(Args)]
#[command(
    mut_arg("variant", |a| a.help(
        "The variant (default: the link's, else naive as in the app, or a file's first)"
    )),
    mut_arg("seed", |a| a.help("The seed (default: the link's, else 1 as in the app)"))
)]
pub struct LinkArgs {
    #[command(flatten)]
    pub source: Source,
    /// The variant shown beside it (default: the link's, or fixed when the scenario has one)
    #[arg(long, value_name = "V2")]
    pub compare: Option<String>,
    /// A lesson link: the app plays the run up to the race on violation N (default 1),
    /// pauses on the first of the two steps that clash and explains it. Without --variant it
    /// teaches the scenario's race variant; without --seed it picks the first seed (from the
    /// link's, else 1) whose run shows violation N
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1",
        value_parser = clap::value_parser!(u32).range(1..))]
    pub lesson: Option<u32>,
    /// With --lesson: the fix the lesson shows side by side (default: the scenario's `fixed`,
    /// else its first fix variant)
    #[arg(long, value_name = "V", requires = "lesson")]
    pub fix: Option<String>,
    /// Where the app is served (any `#…` is replaced); the default is what ./scripts/serve
    /// serves
    #[arg(long, value_name = "URL", default_value = APP_URL)]
    pub base: String,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }
}
