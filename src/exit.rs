//! How codedrill ends: one status per row of the README's "Exit status" table.

use std::process::ExitCode;

/// The exit status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything went well (an exam, if any, was passed).
    Success,
    /// An error: unreadable file, a deck with problems, a foreign log, ...
    Error,
    /// A usage error: unknown option, bad value (clap exits with it itself).
    Usage,
    /// An exam was failed.
    ExamFailed,
    /// A session was ended by this signal (SIGHUP, SIGINT or SIGTERM) after keeping its rows.
    Signal(i32),
}

impl ExitStatus {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Error => 1,
            ExitStatus::Usage => 2,
            ExitStatus::ExamFailed => 3,
            // The shell's convention for a process ended by a signal: 128 plus its number.
            ExitStatus::Signal(signal) => u8::try_from(128 + signal).unwrap_or(1),
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_the_readme() {
        assert_eq!(ExitStatus::Success.code(), 0);
        assert_eq!(ExitStatus::Error.code(), 1);
        assert_eq!(ExitStatus::Usage.code(), 2);
        assert_eq!(ExitStatus::ExamFailed.code(), 3);
        assert_eq!(ExitStatus::Signal(1).code(), 129);
        assert_eq!(ExitStatus::Signal(2).code(), 130);
        assert_eq!(ExitStatus::Signal(15).code(), 143);
    }
}
