//! The piped front end: when stdin is not a terminal, each input line is one answer, an empty
//! line a skip, and the end of input ends the session. Lines are read on a thread so a time
//! limit holds even while input is pending.

use std::io::{BufRead, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;

use anyhow::Result;

use super::deadline::{self, Next};
use super::runner::{Frontend, Question};
use super::session::{Answer, Ending, Typing};
use super::wrap::terminal_width;
use crate::clock::Clock;
use crate::signals;
use crate::visible::visible;

/// Bytes of a line kept; the rest is counted, not stored.
const LINE_CAP: usize = 4096;

/// One input line, capped.
struct Line {
    text: String,
    /// Characters in the whole line, cut part included.
    chars: usize,
}

/// Reads answers from lines of input.
pub struct PipedFrontend<W: Write> {
    lines: Receiver<Line>,
    out: W,
}

impl<W: Write> PipedFrontend<W> {
    /// Starts reading `input` on its own thread.
    pub fn new(input: impl BufRead + Send + 'static, out: W) -> PipedFrontend<W> {
        signals::watch(|| {});
        let (sender, lines) = mpsc::sync_channel(16);
        thread::spawn(move || {
            let mut input = input;
            while let Some(line) = read_capped_line(&mut input) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        PipedFrontend { lines, out }
    }
}

/// What waiting for a line gave.
enum Received {
    Line(Line),
    TimedOut,
    /// End of input.
    End,
    /// SIGTERM, SIGHUP or SIGINT: the session ends.
    Signal,
}

impl<W: Write> PipedFrontend<W> {
    /// Waits for the next line until the item's deadline, waking every tick to notice a
    /// signal.
    fn next_line(&self, question: &Question, clock: &dyn Clock) -> Received {
        loop {
            let wait = match deadline::next(&question.deadlines, clock.now(), signals::requested())
            {
                Next::Wait(wait) => wait,
                Next::End(Ending::TimedOut) => return Received::TimedOut,
                Next::End(_) => return Received::Signal,
            };
            match self.lines.recv_timeout(wait) {
                Ok(line) => return Received::Line(line),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Received::End,
            }
        }
    }
}

impl<W: Write> Frontend for PipedFrontend<W> {
    fn ask(&mut self, question: &Question, clock: &dyn Clock) -> Result<Answer> {
        super::runner::inject_panic(question.number);
        // The deck's text is shown through `visible`: with answers piped in, the output is
        // still often a terminal, or read on one later.
        let mut about: Vec<String> = Vec::new();
        if !question.item.category.is_empty() {
            about.push(visible(&question.item.category).into_owned());
        }
        if let Some(setting) = question.item.setting {
            about.push(setting.label().to_string());
        }
        let category = if about.is_empty() {
            String::new()
        } else {
            format!(" ({})", about.join(", "))
        };
        // Wrapped when the output is a terminal; to a file or a pipe, one line per prompt.
        // A record of several lines starts on a line of its own.
        let gap = if question.shown.contains('\n') {
            "\n"
        } else {
            " "
        };
        let prompt = format!(
            "[{}/{}]{category}{gap}{}",
            question.number,
            question.total,
            visible(question.shown)
        );
        write!(
            self.out,
            "\n{}\n",
            super::wrap::wrap_prompt(&prompt, terminal_width())
        )?;
        write!(self.out, "> ")?;
        self.out.flush()?;
        let started = clock.now();
        let (ending, typing) = match self.next_line(question, clock) {
            Received::Signal => (Ending::Quit, Typing::new(started)),
            Received::Line(line) => {
                let typing = Typing::from_line(started, &line.text, line.chars);
                let ending = if line.text.trim().is_empty() {
                    Ending::Skipped
                } else {
                    Ending::Submitted
                };
                (ending, typing)
            }
            Received::TimedOut => {
                writeln!(self.out, "(time is up)")?;
                (Ending::TimedOut, Typing::new(started))
            }
            Received::End => {
                writeln!(self.out)?;
                (Ending::Quit, Typing::new(started))
            }
        };
        Ok(Answer {
            ending,
            typing,
            at: clock.now(),
        })
    }
}

/// Reads one line, keeping at most [`LINE_CAP`] bytes of it; `None` at the end of input.
/// Invalid UTF-8 is replaced and control characters (NUL, escape sequences, a CR before the
/// line break) are dropped, never an error.
fn read_capped_line(input: &mut impl BufRead) -> Option<Line> {
    let mut kept = Vec::new();
    // Characters of the part that was not kept (approximate: control bytes not counted).
    let mut dropped_chars = 0usize;
    let mut any = false;
    loop {
        let buffer = match input.fill_buf() {
            Ok(buffer) => buffer,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        if buffer.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (&buffer[..at], true),
            None => (buffer, false),
        };
        let room = LINE_CAP.saturating_sub(kept.len());
        let (keep, drop) = chunk.split_at(chunk.len().min(room));
        kept.extend_from_slice(keep);
        dropped_chars += drop
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80 && !b.is_ascii_control())
            .count();
        let used = chunk.len() + usize::from(done);
        input.consume(used);
        if done {
            break;
        }
    }
    if !any {
        return None;
    }
    let text: String = String::from_utf8_lossy(&kept)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let chars = text.chars().count() + dropped_chars;
    Some(Line { text, chars })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_capped_lines() {
        let long = "x".repeat(LINE_CAP * 3);
        let input = format!("E11.9\r\n\n{long}\nlast");
        let mut reader = std::io::BufReader::with_capacity(64, input.as_bytes());
        let first = read_capped_line(&mut reader).unwrap();
        assert_eq!((first.text.as_str(), first.chars), ("E11.9", 5));
        assert_eq!(read_capped_line(&mut reader).unwrap().text, "");
        let big = read_capped_line(&mut reader).unwrap();
        assert_eq!((big.text.len(), big.chars), (LINE_CAP, LINE_CAP * 3));
        assert_eq!(read_capped_line(&mut reader).unwrap().text, "last");
        assert!(read_capped_line(&mut reader).is_none());
    }

    #[test]
    fn survives_invalid_utf8_and_nul() {
        let mut reader = &b"E1\xff1\x00.9\n\x00\x1b[A\r\n"[..];
        let line = read_capped_line(&mut reader).unwrap();
        assert_eq!((line.text.as_str(), line.chars), ("E1\u{fffd}1.9", 6));
        let controls = read_capped_line(&mut reader).unwrap();
        assert_eq!((controls.text.as_str(), controls.chars), ("[A", 2));
    }
}
