//! `codedrill decks`: the embedded decks and any given ones, with item counts and systems, and
//! for the user where her items stand by spaced repetition: new, learning, due today.

use crate::exit::ExitStatus;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::deck::{self, Deck};
use crate::drill::schedule::params::Params;
use crate::drill::schedule::time::Moment;
use crate::drill::schedule::{Counts, Reviews, Schedule};
use crate::drill::wrap::wrap;
use crate::settings::{Given, Settings};
use crate::visible::visible;

const EXAMPLES: &str = "\
Examples:
  codedrill decks
  codedrill decks my-deck.csv
  codedrill decks --user ana --log class.csv

new: never answered; learning: missed and not answered right since; due: due today or
earlier by spaced repetition (`codedrill drill DECK --due` asks them).";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Deck files to list beside the embedded ones
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
    #[command(flatten)]
    pub shared: ScheduleOptions,
}

/// Whose items are counted, from which log.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Shared options")]
pub struct ScheduleOptions {
    /// The attempt log the new, learning and due counts come from [default: $CODEDRILL_LOG,
    /// else the config file's log, else <XDG data dir>/codedrill/attempts.csv]
    #[arg(long, value_name = "PATH")]
    pub log: Option<PathBuf>,
    /// Whose items are counted [default: the config file's user, else $USER, else anonymous]
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
}

/// The line's columns: deck, items, new, learning, due, systems, then the source.
fn line(cells: [&str; 6], source: &str) -> String {
    let [deck, items, new, learning, due, systems] = cells;
    format!("{deck:<20} {items:>5} {new:>5} {learning:>8} {due:>5}  {systems:<21} {source}")
}

impl From<&ScheduleOptions> for Given {
    fn from(options: &ScheduleOptions) -> Given {
        Given {
            log: options.log.clone(),
            user: options.user.clone(),
            ..Given::default()
        }
    }
}

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    let schedule = user_schedule(settings)?;
    let mut out = std::io::stdout().lock();
    let header = ["deck", "items", "new", "learning", "due", "systems"];
    writeln!(out, "{}", line(header, "source"))?;
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
                let counts = schedule.counts(&deck.items);
                writeln!(out, "{}", row(&deck, counts, &source))?;
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
    let log = settings.log_path().map_or("no log".to_string(), |path| {
        visible(&path.display().to_string()).into_owned()
    });
    let note = format!(
        "For user {} from {log}: new = never answered; learning = missed and not answered \
         right since; due = due today or earlier (`codedrill drill DECK --due` asks them).",
        visible(&settings.user)
    );
    writeln!(out, "\n{}", wrap(&note, 80, "", "  "))?;
    Ok(status)
}

/// The user's schedule from the log (no log yet: every item is new).
fn user_schedule(settings: &Settings) -> Result<Schedule> {
    let params = Params::resolve(settings, None, None)?;
    let mut reviews = match settings.log_path() {
        Ok(path) => Reviews::from_log(path, &settings.user)?,
        Err(_) => Reviews::new(Some(&settings.user), None),
    };
    Ok(reviews.schedule(&params, Moment::now()))
}

/// One deck's line; its name and source come from a file name or the command line.
fn row(deck: &Deck, counts: Counts, source: &str) -> String {
    // A record in two systems counts as both: the column lists code sets, once each.
    let mut systems: Vec<&str> = Vec::new();
    for system in deck.systems() {
        let names = match system {
            crate::codes::System::Icd10cmPcs => vec!["icd10cm", "icd10pcs"],
            one => vec![one.name()],
        };
        for name in names {
            if !systems.contains(&name) {
                systems.push(name);
            }
        }
    }
    let numbers =
        [counts.items, counts.new, counts.learning, counts.due_today].map(|n| n.to_string());
    let name = visible(&deck.name);
    let systems = systems.join(",");
    line(
        [
            &name,
            &numbers[0],
            &numbers[1],
            &numbers[2],
            &numbers[3],
            &systems,
        ],
        &visible(source),
    )
}
