//! One-key questions on the terminal before a session starts (raw mode, so the answer is one
//! key): whether to drill as usual, and the exam's start screen.

use std::io::{self, Write};

use anyhow::Result;
use crossterm::event::{self, Event};

use super::session::Key;
use super::term::{RawGuard, decode_key};

/// Prints `question` and reads one key: `true` for Enter (and `yes_keys`), `false` for q, n,
/// Esc, Ctrl-C or Ctrl-D.
pub(crate) fn one_key(question: &str, yes_keys: &[char]) -> Result<bool> {
    let mut out = io::stdout();
    write!(out, "{question}")?;
    out.flush()?;
    let answer = {
        let _raw = RawGuard::enter()?;
        loop {
            let Event::Key(key) = event::read()? else {
                continue;
            };
            match decode_key(&key) {
                Some(Key::Enter) => break true,
                Some(Key::Char(c)) if yes_keys.contains(&c) => break true,
                Some(Key::Char('n' | 'N' | 'q' | 'Q') | Key::Esc | Key::Quit | Key::Interrupt) => {
                    break false;
                }
                _ => {}
            }
        }
    };
    writeln!(out)?;
    Ok(answer)
}
