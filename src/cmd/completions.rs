//! `codedrill completions SHELL`: shell completion scripts.

use std::io;
use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  codedrill completions bash > ~/.local/share/bash-completion/completions/codedrill"
)]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "codedrill", &mut io::stdout());
    Ok(ExitCode::SUCCESS)
}
