//! `codedrill check DECK...`: validates decks and reports every problem as `FILE:LINE: message`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::codes::CodeSets;
use crate::deck;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  codedrill check my-deck.csv\n  codedrill check exercises/*.csv\n  codedrill check icd10cm-common"
)]
pub struct Args {
    /// Deck files or embedded deck names
    #[arg(required = true, value_name = "DECK")]
    pub decks: Vec<String>,
}

pub fn run(args: &Args, global: &GlobalArgs) -> Result<ExitCode> {
    let codes = CodeSets::load(global.codeset.as_deref())?;
    let mut out = std::io::stdout().lock();
    let mut problems = 0;
    for spec in &args.decks {
        match deck::load_deck(spec, Some(&codes)) {
            Ok(deck) => writeln!(out, "{}: ok ({} items)", deck.source, deck.items.len())?,
            Err(err) => {
                problems += err.problems.len();
                writeln!(out, "{err}")?;
            }
        }
    }
    if problems > 0 {
        eprintln!(
            "{problems} problem{} found",
            if problems == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
