//! One file per subcommand, each with its clap `Args` and a `run`.

pub mod check;
pub mod completions;
pub mod decks;
pub mod drill;
pub mod exam;
pub mod lookup;
pub mod report;
