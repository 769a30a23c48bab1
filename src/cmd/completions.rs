//! `codedrill completions SHELL`: shell completion scripts.

use crate::exit::ExitStatus;
use std::io;

use anyhow::Result;
use clap_complete::Shell;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  codedrill completions bash > ~/.local/share/bash-completion/completions/codedrill"
)]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &Args, mut command: clap::Command) -> Result<ExitStatus> {
    clap_complete::generate(args.shell, &mut command, "codedrill", &mut io::stdout());
    Ok(ExitStatus::Success)
}
