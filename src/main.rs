use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = codedrill::cli::Cli::parse();
    match codedrill::run(cli) {
        Ok(code) => code,
        Err(err) if codedrill::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            codedrill::term::restore_terminal_if_raw();
            eprintln!("Error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
