//! Parses the arguments, runs the command and prints its output, or what is wrong.

mod args;
mod commands;
mod explore;
mod lesson;
mod progress;
mod scale;
mod source;
mod stream;
mod sweep;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

pub fn main() -> ExitCode {
    // On a mistake in the arguments clap prints it with the usage and exits with code 2;
    // `--help` prints the help and exits with 0.
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::List => Ok(commands::list()),
        Command::Describe(a) => commands::describe(a),
        Command::Run(a) => commands::run(a),
        Command::Sweep(a) => sweep::command(a),
        Command::Explore(a) => explore::command(a),
        Command::Scale(a) => scale::command(a),
        Command::Table(a) => commands::table(a.seeds),
        Command::Link(a) => source::link_command(a),
    };
    match result {
        Ok(out) => {
            // A closed pipe (`racelab run … --trace | head`) is not an error worth a panic.
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), "{out}");
            if progress::interrupted() {
                ExitCode::from(progress::INTERRUPTED_EXIT)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("racelab: {e}");
            ExitCode::from(if progress::interrupted() {
                progress::INTERRUPTED_EXIT
            } else {
                2
            })
        }
    }
}
