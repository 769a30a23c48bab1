//! Everything codedrill does only on Unix, in one place: ending a session on a signal
//! (SIGTERM, SIGHUP, SIGINT; see [`crate::signals`]) and the file modes that keep a secret
//! signing key private. Elsewhere no signal ends a session early (Ctrl-C and Ctrl-D still do,
//! as keys) and files are made with the system's default permissions.

#[cfg(unix)]
pub(crate) use unix::{create_with_mode, others_may_read, received, requested, watch};

#[cfg(not(unix))]
pub(crate) use other::{create_with_mode, others_may_read, received, requested, watch};

#[cfg(unix)]
mod unix {
    use std::fs::{self, OpenOptions};
    use std::io::{self, IsTerminal};
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    use std::path::Path;
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
        if crate::signals::interrupted() {
            return Some(crate::signals::INTERRUPT);
        }
        if !requested() {
            return None;
        }
        FLAGS
            .get()
            .map(|flags| flags.which.load(Ordering::SeqCst) as i32)
            .filter(|&signal| signal != 0)
    }

    /// Makes `options` create a file with `mode` (say `0o600`) from its creation on.
    pub fn create_with_mode(options: &mut OpenOptions, mode: u32) {
        options.mode(mode);
    }

    /// The permission bits of `path` when others than its owner may read or write it.
    pub fn others_may_read(path: &Path) -> io::Result<Option<u32>> {
        let mode = fs::metadata(path)?.permissions().mode();
        Ok((mode & 0o077 != 0).then_some(mode & 0o777))
    }
}

/// Without Unix signals a session ends only by its keys or its input; files get the default
/// permissions.
#[cfg(not(unix))]
mod other {
    use std::fs::OpenOptions;
    use std::io;
    use std::path::Path;

    pub fn watch(_restore: fn()) {}

    pub fn requested() -> bool {
        false
    }

    pub fn received() -> Option<i32> {
        crate::signals::interrupted().then_some(crate::signals::INTERRUPT)
    }

    pub fn create_with_mode(_options: &mut OpenOptions, _mode: u32) {}

    pub fn others_may_read(_path: &Path) -> io::Result<Option<u32>> {
        Ok(None)
    }
}
