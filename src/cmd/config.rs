//! `codedrill config [--path]`: each setting's effective value and where it came from, or the
//! config file's path.

use std::io::{self, Write};

use anyhow::Result;

use crate::exit::ExitStatus;
use crate::settings::{self, Settings};
use crate::visible::visible;

const CONFIG_EXAMPLES: &str = "\
Examples:
  codedrill config                 every setting, its value and its source
  codedrill config --path          where the config file is (whether or not it exists)
  codedrill config --user ana      what a flag changes

The file ($XDG_CONFIG_HOME/codedrill/config.toml, else ~/.config/codedrill/config.toml):
  user = \"ana\"
  log = \"/home/ana/coding/attempts.csv\"
  decks = [\"icd10cm-injury\", \"class-deck.csv\"]
  count = 30              # drill only; an exam is every item of its decks
  time_limit = \"45s\"      # or seconds: 45
  strict = true
  color = \"never\"         # auto, always or never";

#[derive(Debug, clap::Args)]
#[command(after_help = CONFIG_EXAMPLES)]
pub struct Args {
    /// Print only the config file's path, whether or not the file exists
    #[arg(long)]
    pub path: bool,
    #[command(flatten)]
    pub shared: crate::settings::SessionOptions,
}

/// Prints every setting as `key  value  (source)`, aligned, then the config file's path.
pub fn run(_args: &Args, settings: &Settings) -> Result<ExitStatus> {
    let mut rows = settings.effective();
    rows.push(file_row(settings));
    let value_width = rows.iter().map(|(_, value, _)| width(value)).max();
    let key_width = rows.iter().map(|(key, _, _)| width(key)).max().unwrap_or(0);
    let mut out = io::stdout().lock();
    for (key, value, source) in &rows {
        let pad = value_width.unwrap_or(0) - width(value);
        let line = format!("{key:<key_width$}  {value}{:pad$}  ({source})", "");
        writeln!(out, "{}", visible(&line))?;
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// `codedrill config --path`: the file's path alone, so scripts can use it
/// (`$EDITOR "$(codedrill config --path)"`).
pub fn print_path() -> Result<ExitStatus> {
    let path = settings::config_file_path()?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", visible(&path.display().to_string()))?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// The config file's row: its path and whether it was read.
fn file_row(settings: &Settings) -> (&'static str, String, String) {
    match settings.config_file() {
        Ok((path, true)) => ("file", path.display().to_string(), "read".to_string()),
        Ok((path, false)) => ("file", path.display().to_string(), "not found".to_string()),
        Err(message) => ("file", "(none)".to_string(), message.to_string()),
    }
}

/// Columns a value takes (characters, which is close enough for paths and names).
fn width(text: &str) -> usize {
    text.chars().count()
}
