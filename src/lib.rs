//! codedrill: timed coding drills for medical coders. The binary is a thin shell over this
//! library so tests and benchmarks reach every part.

pub mod cli;
pub mod clock;
pub mod cmd;
pub mod codes;
pub mod deck;
pub mod duration;
pub mod embedded;
pub mod generate;
pub mod log;
pub mod metrics;
pub mod piped;
pub mod record;
pub mod render;
pub mod report;
pub mod review;
pub mod runner;
pub mod score;
pub mod session;
pub mod shuffle;
pub mod signals;
pub mod term;

use std::process::ExitCode;

use anyhow::Result;

use cli::{Cli, Command};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let global = &cli.global;
    match &cli.command {
        Command::Drill(args) => cmd::drill::run(args, global),
        Command::Exam(args) => cmd::exam::run(args, global),
        Command::Check(args) => cmd::check::run(args, global),
        Command::Lookup(args) => cmd::lookup::run(args, global),
        Command::Report(args) => cmd::report::run(args, global),
        Command::Decks(args) => cmd::decks::run(args),
        Command::Completions(args) => cmd::completions::run(args),
    }
}

/// Whether an error is a closed output pipe (`codedrill ... | head`), which is no error;
/// CSV writers wrap it in their own error type.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let broken = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(broken)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|csv| matches!(csv.kind(), csv::ErrorKind::Io(io) if broken(io)))
    })
}
