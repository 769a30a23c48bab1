//! One file per subcommand, each with its clap `Args` and a `run`.

pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod config;
pub(crate) mod decks;
pub(crate) mod drill;
pub(crate) mod exam;
pub(crate) mod keygen;
pub mod lookup;
pub(crate) mod report;
pub(crate) mod verify;
