//! codedrill: timed coding drills for medical coders. The binary is a thin shell over this
//! library so tests and benchmarks reach every part.

#![forbid(unsafe_code)]

pub(crate) mod cli;
pub(crate) mod clock;
pub mod cmd;
pub mod codes;
pub mod deck;
pub(crate) mod drill;
pub(crate) mod duration;
pub(crate) mod embedded;
pub(crate) mod exit;
pub mod log;
pub mod metrics;
pub(crate) mod output;
pub(crate) mod platform;
pub mod record;
pub mod report;
pub mod score;
pub(crate) mod settings;
pub(crate) mod signals;
pub(crate) mod signing;
pub(crate) mod visible;

use std::process::ExitCode;

use anyhow::Result;
use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, Command};
use exit::ExitStatus;
use settings::Settings;

/// Runs codedrill as the process: parses the command line, runs the command, prints an error
/// once (`Error: ...`), and gives the exit status of the README's table.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Arguments holding control characters are quoted in clap's usage errors.
    let hostile = args
        .iter()
        .any(|arg| visible::visible(&arg.to_string_lossy()) != arg.to_string_lossy());
    let parsed = Cli::command()
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => {
            print_usage_error(&err, hostile);
            let status = if err.use_stderr() {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            };
            return status.into();
        }
    };
    let status = match resolve_and_run(&cli) {
        Ok(status) => status,
        Err(err) if is_broken_pipe(&err) => ExitStatus::Success,
        Err(err) => {
            drill::term::restore_terminal_if_raw();
            // The message may quote a path, a deck field or a typed argument.
            eprintln!("Error: {}", visible::visible(&format!("{err:#}")));
            ExitStatus::Error
        }
    };
    // A session ended by SIGTERM, SIGHUP or SIGINT has kept its rows and printed its
    // summary; the exit status still says how it ended.
    match signals::received() {
        Some(signal) => ExitStatus::Signal(signal).into(),
        None => status.into(),
    }
}

/// Prints clap's message (help, version or a usage error) as clap does, but a usage error
/// that quotes `hostile` arguments without colour, its control characters shown through
/// `visible` (the plain rendering has dropped the escape sequences among them already).
fn print_usage_error(err: &clap::Error, hostile: bool) {
    if hostile && err.use_stderr() {
        eprint!("{}", visible::visible(&err.render().to_string()));
    } else {
        let _ = err.print();
    }
}

/// Resolves the settings (a malformed config file stops here, before the command does
/// anything) and runs the command.
fn resolve_and_run(cli: &Cli) -> Result<ExitStatus> {
    // `config --path` says where the file is even when it is malformed: that is how one
    // finds it to mend it.
    if let Command::Config(args) = &cli.command
        && args.path
    {
        return cmd::config::print_path();
    }
    let settings = Settings::resolve(cli.command.given().or_leading(&cli.leading))?;
    run(&cli.command, &settings)
}

/// Runs one command with the resolved settings.
pub(crate) fn run(command: &Command, settings: &Settings) -> Result<ExitStatus> {
    match command {
        Command::Drill(args) => cmd::drill::run(args, settings),
        Command::Exam(args) => cmd::exam::run(args, settings),
        Command::Check(args) => cmd::check::run(args, settings),
        Command::Lookup(args) => cmd::lookup::run(args, settings),
        Command::Report(args) => cmd::report::run(args, settings),
        Command::Decks(args) => cmd::decks::run(args, settings),
        Command::Config(args) => cmd::config::run(args, settings),
        Command::Verify(args) => cmd::verify::run(args, settings),
        Command::Keygen(args) => cmd::keygen::run(args),
        Command::Completions(args) => cmd::completions::run(args, Cli::command()),
    }
}

/// Whether an error is a closed output pipe (`codedrill ... | head`), which is no error;
/// CSV writers wrap it in their own error type.
pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let broken = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(broken)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|csv| matches!(csv.kind(), csv::ErrorKind::Io(io) if broken(io)))
    })
}
