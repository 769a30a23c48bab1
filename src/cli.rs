//! The command line: clap derive for every command, and the options all commands share.

use clap::{Parser, Subcommand};

use crate::cmd;
use crate::settings::{Given, LeadingOptions};

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
  codedrill verify                        check the log's hash chain
  codedrill config                        settings and where each comes from";

/// Timed drills for medical coders: ICD-10-CM, ICD-10-PCS, CPT and HCPCS codes and terms,
/// scored for accuracy and speed, every attempt logged as CSV.
#[derive(Debug, Parser)]
#[command(name = "codedrill", version = crate::codes::release::VERSION, after_help = EXAMPLES)]
pub struct Cli {
    /// Shared options written before the command, as the first release took them
    #[command(flatten)]
    pub leading: LeadingOptions,
    #[command(subcommand)]
    pub command: Command,
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
    /// List the embedded decks and any given ones: item counts, and for you how many are new,
    /// learning and due today
    Decks(cmd::decks::Args),
    /// Show each setting's effective value and where it came from (flag, environment, config
    /// file, default), or with --path the config file's path
    Config(cmd::config::Args),
    /// Check a log's hash chain, or a signed exam result with the signer's public key
    Verify(cmd::verify::Args),
    /// Make a key pair to sign exam results with: NAME.key (secret) and NAME.pub
    Keygen(cmd::keygen::Args),
    /// Print shell completions
    Completions(cmd::completions::Args),
}

impl Command {
    /// The shared options given to this command, for
    /// [`Settings::resolve`](crate::settings::Settings::resolve).
    pub fn given(&self) -> Given {
        match self {
            Command::Drill(args) => Given::from(&args.shared),
            Command::Exam(args) => Given::from(&args.shared),
            Command::Config(args) => Given::from(&args.shared),
            Command::Report(args) => Given::from(&args.shared),
            Command::Check(args) => Given::from(&args.shared),
            Command::Lookup(args) => Given::from(&args.shared),
            Command::Decks(args) => Given::from(&args.shared),
            Command::Verify(_) | Command::Keygen(_) | Command::Completions(_) => Given::default(),
        }
    }
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
