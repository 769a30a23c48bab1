//! Ending a session on SIGTERM, SIGHUP (the terminal was closed) or SIGINT the way Ctrl-C
//! ends it: the item in progress is dropped, the rows answered stay in the log, the terminal
//! goes back to cooked mode and the summary is printed.
//!
//! The handlers only set a flag, which the front ends poll (at least every 100 ms) while they
//! wait for an answer. They are installed when the first item is asked, so other commands
//! keep the default actions. A second signal of the same kind, while the first is still being
//! handled, falls back to the default action, so a stuck process can still be stopped.
//!
//! This is the one Unix-specific part of codedrill: elsewhere no signal ends a session early
//! (Ctrl-C and Ctrl-D still do, as keys).

#[cfg(unix)]
pub(crate) use unix::{received, requested, watch};

use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

/// Ctrl-C pressed as a key: in raw mode the terminal sends no signal, but the session ends
/// as SIGINT ends it, with the same exit status.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Notes that Ctrl-C was pressed on the terminal.
pub(crate) fn note_interrupt() {
    INTERRUPTED.store(true, AtomicOrdering::SeqCst);
}

/// Whether Ctrl-C was pressed on the terminal.
fn interrupted() -> bool {
    INTERRUPTED.load(AtomicOrdering::SeqCst)
}

/// SIGINT's number, the same on every Unix (and the status shells give Ctrl-C: 130).
const INTERRUPT: i32 = 2;

#[cfg(unix)]
mod unix {
    use std::io::{self, IsTerminal};
    use std::sync::Arc;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::thread;
    use std::time::Duration;

    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

    use crate::exit::ExitStatus;

    /// The signals that end a session.
    const WATCHED: [i32; 3] = [SIGTERM, SIGHUP, SIGINT];

    struct Flags {
        requested: Arc<AtomicBool>,
        which: Arc<AtomicUsize>,
    }

    static FLAGS: OnceLock<Flags> = OnceLock::new();

    /// Starts watching [`WATCHED`] (once; later calls do nothing). `restore` gives the terminal
    /// back if the process must exit before the session notices the signal. Failing to install a
    /// handler only leaves that signal's default action in place.
    pub fn watch(restore: fn()) {
        FLAGS.get_or_init(|| {
            let flags = Flags {
                requested: Arc::new(AtomicBool::new(false)),
                which: Arc::new(AtomicUsize::new(0)),
            };
            for signal in WATCHED {
                // Registered first, so it sees the flag as it was before this signal set it.
                let _ = signal_hook::flag::register_conditional_default(
                    signal,
                    Arc::clone(&flags.requested),
                );
                let _ = signal_hook::flag::register_usize(
                    signal,
                    Arc::clone(&flags.which),
                    signal as usize,
                );
                let _ = signal_hook::flag::register(signal, Arc::clone(&flags.requested));
            }
            let requested = Arc::clone(&flags.requested);
            let which = Arc::clone(&flags.which);
            let _ = thread::Builder::new()
                .name("signal-watchdog".into())
                .spawn(move || watchdog(&requested, &which, restore));
            flags
        });
    }

    /// How long a session may take to end after a signal before the process exits anyway.
    const GRACE: Duration = Duration::from_secs(2);

    /// Ends the process when a signal was not acted on within [`GRACE`]. A closed terminal can
    /// keep the key reader (crossterm) spinning on end-of-file without ever returning to the
    /// loop that checks the flag; the rows answered are in the log already, each flushed.
    fn watchdog(requested: &AtomicBool, which: &AtomicUsize, restore: fn()) {
        // A terminal that was closed fails `isatty`; its hang-up signal may not reach us (we are
        // not always in its foreground process group), so notice it here as well.
        let terminal = io::stdin().is_terminal();
        while !requested.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(100));
            if terminal && !io::stdin().is_terminal() {
                which.store(SIGHUP as usize, Ordering::SeqCst);
                requested.store(true, Ordering::SeqCst);
            }
        }
        thread::sleep(GRACE);
        restore();
        let signal = which.load(Ordering::SeqCst) as i32;
        std::process::exit(i32::from(ExitStatus::Signal(signal).code()));
    }

    /// Whether a watched signal asked the session to end.
    pub fn requested() -> bool {
        FLAGS
            .get()
            .is_some_and(|flags| flags.requested.load(Ordering::SeqCst))
    }

    /// The signal that ended the session, if one did.
    pub fn received() -> Option<i32> {
        if super::interrupted() {
            return Some(super::INTERRUPT);
        }
        if !requested() {
            return None;
        }
        FLAGS
            .get()
            .map(|flags| flags.which.load(Ordering::SeqCst) as i32)
            .filter(|&signal| signal != 0)
    }
}

/// Without Unix signals a session ends only by its keys or its input.
#[cfg(not(unix))]
mod other {
    pub(crate) fn watch(_restore: fn()) {}

    pub(crate) fn requested() -> bool {
        false
    }

    pub(crate) fn received() -> Option<i32> {
        super::interrupted().then_some(super::INTERRUPT)
    }
}

#[cfg(not(unix))]
pub(crate) use other::{received, requested, watch};
