use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = codedrill::cli::Cli::parse();
    let code = match codedrill::run(cli) {
        Ok(code) => code,
        Err(err) if codedrill::is_broken_pipe(&err) => ExitCode::SUCCESS,
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
