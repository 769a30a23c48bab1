//! `codedrill decks`: the embedded decks and any given ones, with item counts and systems.

use crate::exit::ExitStatus;
use std::io::Write;

use anyhow::Result;

use crate::deck::{self, Deck};
use crate::visible::visible;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  codedrill decks\n  codedrill decks my-deck.csv")]
pub struct Args {
    /// Deck files to list beside the embedded ones
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
}

pub fn run(args: &Args) -> Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<20} {:>5}  {:<24} source",
        "deck", "items", "systems"
    )?;
    let mut status = ExitStatus::Success;
    let names = deck::embedded_names().into_iter().map(str::to_string);
    let embedded: Vec<(String, bool)> = names.map(|name| (name, true)).collect();
    let given = args.decks.iter().map(|path| (path.clone(), false));
    for (spec, is_embedded) in embedded.into_iter().chain(given) {
        let source = if is_embedded {
            "embedded".to_string()
        } else {
            spec.clone()
        };
        match deck::load_deck(&spec, None) {
            Ok(deck) => {
                writeln!(out, "{}", row(&deck, &source))?;
                if let Some(about) = is_embedded
                    .then(|| deck::embedded_description(&spec))
                    .flatten()
                {
                    writeln!(out, "  {about}")?;
                }
            }
            Err(err) => {
                // Each problem shows its path and message through `visible` itself.
                eprintln!("{err}");
                status = ExitStatus::Error;
            }
        }
    }
    Ok(status)
}

/// One deck's line; its name and source come from a file name or the command line.
fn row(deck: &Deck, source: &str) -> String {
    let systems: Vec<&str> = deck.systems().iter().map(|s| s.name()).collect();
    format!(
        "{:<20} {:>5}  {:<24} {}",
        visible(&deck.name),
        deck.items.len(),
        systems.join(","),
        visible(source)
    )
}
