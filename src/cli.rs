//! The command line: clap derive for every command, and the options all commands share.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;
use crate::settings::{ColorChoice, Given};

const EXAMPLES: &str = "\
Examples:
  codedrill drill                         20 items from the starter deck
  codedrill drill icd10cm-injury -n 10 --time-limit 30
  codedrill drill my-deck.csv --order file --strict
  codedrill exam interview --duration 30m --pass 80
  codedrill check my-deck.csv
  codedrill decks
  codedrill lookup E11.9 s52.521a
  codedrill report --by day
  codedrill config                        settings and where each comes from";

/// Timed drills for medical coders: ICD-10-CM, ICD-10-PCS, CPT and HCPCS codes and terms,
/// scored for accuracy and speed, every attempt logged as CSV.
#[derive(Debug, Parser)]
#[command(name = "codedrill", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, under their own heading in every command's help so they are
/// not mistaken for the command's own.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The attempt log [default: $CODEDRILL_LOG, else <XDG data dir>/codedrill/attempts.csv]
    #[arg(long, global = true, value_name = "PATH")]
    pub log: Option<PathBuf>,
    /// Who is drilling (drills and exams: the config file's user, else $USER, else
    /// anonymous); a report keeps only this user's attempts, and everyone's without --user
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// When to use colour (NO_COLOR turns `auto` off) [default: auto]
    #[arg(long, global = true, value_enum)]
    pub color: Option<ColorChoice>,
    /// A CMS ICD-10-CM order file (icd10cm_order_YYYY.txt) to use instead of the embedded set
    #[arg(long, global = true, value_name = "FILE")]
    pub codeset: Option<PathBuf>,
}

impl GlobalArgs {
    /// What was given, for [`Settings::resolve`](crate::settings::Settings::resolve).
    pub fn given(&self) -> Given {
        Given {
            log: self.log.clone(),
            user: self.user.clone(),
            color: self.color,
            codeset: self.codeset.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Practice session: a description is shown, you type the code
    Drill(cmd::drill::Args),
    /// Exam or interview simulation: no feedback until the end, total time limit, pass mark
    Exam(cmd::exam::Args),
    /// Validate decks: every problem as FILE:LINE: message, exit 1 if any
    Check(cmd::check::Args),
    /// Look codes up in the embedded ICD-10-CM and ICD-10-PCS code sets
    Lookup(cmd::lookup::Args),
    /// Accuracy and speed reports over one or more logs: table, CSV, JSON, Markdown, HTML
    Report(cmd::report::Args),
    /// List the embedded decks and any given ones, with item counts
    Decks(cmd::decks::Args),
    /// Show each setting's effective value and where it came from (flag, environment, config
    /// file, default), or with --path the config file's path
    Config(cmd::config::Args),
    /// Print shell completions
    Completions(cmd::completions::Args),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
