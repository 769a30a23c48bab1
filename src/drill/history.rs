//! How a session compares with the user's earlier sessions of the same decks and mode: the
//! last one and the best one, read from the log at the end of a session.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Result;

use crate::log;
use crate::metrics::RATES_FROM_MS;
use crate::record::{AttemptRef, Mode};
use crate::score::Verdict;

/// One session's sums.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SessionSums {
    pub session: String,
    /// Local date of its first row, `YYYY-MM-DD`
    pub day: String,
    decks: BTreeSet<String>,
    attempts: u64,
    correct: u64,
    answering_ms: u64,
}

impl SessionSums {
    /// Share of correct answers.
    pub fn accuracy(&self) -> f64 {
        crate::metrics::ratio(self.correct as f64, self.attempts as f64)
    }

    /// Correct answers per hour, when the session answered long enough for it to mean much.
    pub fn codes_per_hour(&self) -> Option<f64> {
        (self.answering_ms >= RATES_FROM_MS)
            .then(|| self.correct as f64 / (self.answering_ms as f64 / 3_600_000.0))
    }
}

/// The sessions of one user and mode, in log order.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    sessions: Vec<SessionSums>,
}

impl Sessions {
    /// Reads the log (a missing log has no sessions).
    pub fn from_log(path: &Path, user: &str, mode: Mode) -> Result<Sessions> {
        let mut sessions = Sessions::default();
        if path.exists() {
            log::read_log(path, |row| sessions.add(user, mode, row), |_| {})?;
        }
        Ok(sessions)
    }

    /// Adds one row, if it is the user's and of the mode.
    pub fn add(&mut self, user: &str, mode: Mode, row: &AttemptRef) {
        if row.user != user || row.mode != mode {
            return;
        }
        let index = match self.sessions.iter().rposition(|s| s.session == row.session) {
            Some(index) => index,
            None => {
                self.sessions.push(SessionSums {
                    session: row.session.to_string(),
                    day: row.date().to_string(),
                    decks: BTreeSet::new(),
                    attempts: 0,
                    correct: 0,
                    answering_ms: 0,
                });
                self.sessions.len() - 1
            }
        };
        let sums = &mut self.sessions[index];
        sums.decks.insert(row.deck.to_string());
        sums.attempts += 1;
        sums.correct += u64::from(row.verdict == Verdict::Correct);
        sums.answering_ms = sums.answering_ms.saturating_add(row.elapsed_ms);
    }

    /// The session `session`, and the last and the best (highest accuracy, then most codes per
    /// hour) of the others on the same decks.
    pub fn compare(&self, session: &str) -> Option<Comparison<'_>> {
        let this = self.sessions.iter().find(|s| s.session == session)?;
        let earlier: Vec<&SessionSums> = self
            .sessions
            .iter()
            .filter(|s| s.session != session && s.decks == this.decks)
            .collect();
        let last = *earlier.last()?;
        let best = earlier.iter().copied().max_by(|a, b| {
            (a.accuracy(), a.codes_per_hour().unwrap_or(0.0))
                .partial_cmp(&(b.accuracy(), b.codes_per_hour().unwrap_or(0.0)))
                .unwrap_or(std::cmp::Ordering::Equal)
        })?;
        Some(Comparison { this, last, best })
    }
}

/// A session beside the last and the best earlier one.
pub(crate) struct Comparison<'a> {
    pub this: &'a SessionSums,
    pub last: &'a SessionSums,
    pub best: &'a SessionSums,
}

impl Comparison<'_> {
    /// The lines of the summary that say how it went.
    pub fn lines(&self) -> Vec<String> {
        let percent = |s: &SessionSums| format!("{:.1}%", s.accuracy() * 100.0);
        let rate = |s: &SessionSums| {
            s.codes_per_hour()
                .map_or_else(|| "—".to_string(), |r| format!("{r:.0}"))
        };
        let change = (self.this.accuracy() - self.last.accuracy()) * 100.0;
        vec![
            format!(
                "accuracy {} (last session, {}: {}, {change:+.1} points)",
                percent(self.this),
                self.last.day,
                percent(self.last)
            ),
            format!(
                "codes per hour {} (last session: {})",
                rate(self.this),
                rate(self.last)
            ),
            format!(
                "personal best {} on {}{}",
                percent(self.best),
                self.best.day,
                if self.this.accuracy() > self.best.accuracy() {
                    " — beaten today"
                } else {
                    ""
                }
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::example;

    fn row(
        session: &str,
        day: &str,
        deck: &str,
        verdict: Verdict,
        ms: u64,
    ) -> crate::record::Attempt {
        let mut row = example("x");
        row.session = session.into();
        row.timestamp = format!("{day}T10:00:00+00:00");
        row.deck = deck.into();
        row.verdict = verdict;
        row.elapsed_ms = ms;
        row
    }

    #[test]
    fn compares_with_the_last_and_the_best_session_of_the_same_decks() {
        let mut sessions = Sessions::default();
        let rows = [
            row("s1", "2026-11-01", "a", Verdict::Correct, 40_000),
            row("s1", "2026-11-01", "a", Verdict::Correct, 40_000),
            row("s2", "2026-11-02", "b", Verdict::Incorrect, 1_000),
            row("s3", "2026-11-03", "a", Verdict::Correct, 20_000),
            row("s3", "2026-11-03", "a", Verdict::Incorrect, 20_000),
            row("s4", "2026-11-04", "a", Verdict::Correct, 30_000),
            row("s4", "2026-11-04", "a", Verdict::Correct, 10_000),
            row("s4", "2026-11-04", "a", Verdict::Correct, 30_000),
            row("s4", "2026-11-04", "a", Verdict::Incorrect, 10_000),
        ];
        for attempt in &rows {
            sessions.add("ana", Mode::Practice, &attempt.as_ref());
        }
        let mut other = row("s5", "2026-11-05", "a", Verdict::Correct, 1);
        other.user = "bob".into();
        sessions.add("ana", Mode::Practice, &other.as_ref());
        let comparison = sessions.compare("s4").unwrap();
        assert_eq!(comparison.last.session, "s3", "s2 drilled another deck");
        assert_eq!(comparison.best.session, "s1");
        let lines = comparison.lines();
        assert_eq!(
            lines[0],
            "accuracy 75.0% (last session, 2026-11-03: 50.0%, +25.0 points)"
        );
        assert_eq!(lines[1], "codes per hour 135 (last session: —)");
        assert_eq!(lines[2], "personal best 100.0% on 2026-11-01");
        assert!(
            sessions
                .compare("s1")
                .is_some_and(|c| c.last.session == "s4")
        );
        assert!(Sessions::default().compare("s1").is_none());
    }
}
