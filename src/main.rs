use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = codedrill::cli::Cli::parse();
    let code = match codedrill::run(cli) {
        Ok(code) => code,
        Err(err) if codedrill::is_broken_pipe(&err) || csv_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            codedrill::term::restore_terminal_if_raw();
            eprintln!("Error: {err:#}");
            ExitCode::FAILURE
        }
    };
    // A session ended by SIGTERM, SIGHUP or SIGINT has kept its rows and printed its
    // summary; the exit status still says how it ended (128 + the signal's number).
    match codedrill::signals::received() {
        Some(signal) => ExitCode::from(codedrill::signals::exit_status(signal)),
        None => code,
    }
}

/// A closed output pipe met by a CSV writer (`codedrill lookup --format csv | head`).
fn csv_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<csv::Error>().is_some_and(|csv| {
            matches!(csv.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
        })
    })
}
