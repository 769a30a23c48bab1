//! Ending a session on SIGTERM, SIGHUP (the terminal was closed) or SIGINT the way Ctrl-C
//! ends it: the item in progress is dropped, the rows answered stay in the log, the terminal
//! goes back to cooked mode and the summary is printed.
//!
//! The handlers only set a flag, which the front ends poll (at least every 100 ms) while they
//! wait for an answer. They are installed when the first item is asked, so other commands
//! keep the default actions. A second signal of the same kind, while the first is still being
//! handled, falls back to the default action, so a stuck process can still be stopped.
//!
//! The handlers themselves are Unix-only and live in [`crate::platform`]; elsewhere no signal
//! ends a session early (Ctrl-C and Ctrl-D still do, as keys).

pub(crate) use crate::platform::{received, requested, watch};

use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

/// Ctrl-C pressed as a key: in raw mode the terminal sends no signal, but the session ends
/// as SIGINT ends it, with the same exit status.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Notes that Ctrl-C was pressed on the terminal.
pub(crate) fn note_interrupt() {
    INTERRUPTED.store(true, AtomicOrdering::SeqCst);
}

/// Whether Ctrl-C was pressed on the terminal.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(AtomicOrdering::SeqCst)
}

/// SIGINT's number, the same on every Unix (and the status shells give Ctrl-C: 130).
pub(crate) const INTERRUPT: i32 = 2;
