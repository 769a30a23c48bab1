//! `codedrill keygen NAME`: an Ed25519 key pair to sign exam results with: `NAME.key`, secret
//! (mode 0600), and `NAME.pub`, to give to whoever checks the results.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;

use crate::exit::ExitStatus;
use crate::signing;
use crate::visible::visible;

const EXAMPLES: &str = "\
Example:
  codedrill keygen ms-smith        writes ms-smith.key (secret) and ms-smith.pub
  codedrill exam interview --duration 30m --sign ms-smith.key -o result.html
  codedrill verify result.html --key ms-smith.pub

The secret key stays on the exam machine; give the .pub file (and its fingerprint, read
aloud or printed) to whoever checks results. Existing files are never overwritten.";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Where to write the keys: NAME.key and NAME.pub
    #[arg(value_name = "NAME")]
    pub name: PathBuf,
}

pub fn run(args: &Args) -> Result<ExitStatus> {
    let (secret, public, fingerprint) = signing::generate(&args.name)?;
    let shown = |path: &PathBuf| visible(&path.display().to_string()).into_owned();
    let mut out = io::stdout();
    writeln!(
        out,
        "Secret key: {} (keep it on the exam machine; mode 0600)",
        shown(&secret)
    )?;
    writeln!(
        out,
        "Public key: {} (give it to whoever checks results)",
        shown(&public)
    )?;
    writeln!(out, "Fingerprint: {fingerprint}")?;
    Ok(ExitStatus::Success)
}
