//! `codedrill check DECK...`: validates decks and reports every problem as `FILE:LINE: message`.

use crate::exit::ExitStatus;
use std::io::Write;

use anyhow::Result;

use crate::deck;
use crate::settings::Settings;
use crate::visible::visible;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  codedrill check my-deck.csv\n  codedrill check exercises/*.csv\n  codedrill check icd10cm-common"
)]
pub struct Args {
    /// Deck files or embedded deck names
    #[arg(required = true, value_name = "DECK")]
    pub decks: Vec<String>,
    #[command(flatten)]
    pub shared: crate::settings::CodesetOption,
}

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    let codes = settings.code_sets()?;
    let mut out = std::io::stdout().lock();
    let mut problems = 0;
    for spec in &args.decks {
        match deck::load_deck(spec, Some(codes)) {
            Ok(deck) => writeln!(
                out,
                "{}: ok ({} items)",
                visible(&deck.source),
                deck.items.len()
            )?,
            Err(err) => {
                problems += err.problems.len();
                // Each problem shows its path and message through `visible` itself.
                writeln!(out, "{err}")?;
            }
        }
    }
    if problems > 0 {
        // The problems first, then the count, whichever stream is read.
        out.flush()?;
        eprintln!(
            "{problems} problem{} found",
            if problems == 1 { "" } else { "s" }
        );
        return Ok(ExitStatus::Error);
    }
    Ok(ExitStatus::Success)
}
