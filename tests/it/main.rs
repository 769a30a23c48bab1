//! The integration tests: one binary, one module per area (as ripgrep, fd and xsv build
//! theirs), sharing the helpers in `common`.

mod common;

mod blueprint;
mod bounds;
mod chain;
mod cli;
mod codebook;
mod codesets;
mod config;
mod conventions;
mod decks;
mod escaping;
mod flag;
mod modes;
mod pages;
mod pcs;
mod props;
mod pty;
mod reliability;
mod report;
mod schedule;
