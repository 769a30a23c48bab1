//! Sessions in a report: when each ran, on which decks, in which mode, and how it went. They
//! name the rows of `--by session` and give a one-day report's charts a point per session.

use serde::Serialize;

use super::round;
use crate::metrics::ratio;
use crate::record::{AttemptRef, Mode};

/// What a report says of one session beside its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionFacts {
    /// The timestamp of its first answer, as logged
    pub start: String,
    /// The timestamp of its last answer, as logged
    pub end: String,
    pub mode: String,
    /// Its decks, in the order first answered
    pub decks: Vec<String>,
}

impl SessionFacts {
    /// `2026-11-29 14:23`: the local date and minute its first answer was given.
    pub(crate) fn started(&self) -> String {
        minute(&self.start)
    }

    /// `practice · icd10cm-common, icd10cm-injury`
    pub(crate) fn what(&self) -> String {
        format!("{} · {}", self.mode, self.decks.join(", "))
    }
}

/// A timestamp (`2026-11-29T14:23:05-06:00`) to its date and minute (`2026-11-29 14:23`).
pub(crate) fn minute(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time}"),
        _ => timestamp.to_string(),
    }
}

/// One session's point on a one-day chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionPoint {
    pub facts: SessionFacts,
    pub attempts: u64,
    pub accuracy: f64,
    pub codes_per_hour: f64,
}

/// Sums of one session while its rows are read.
#[derive(Debug, Clone)]
pub(super) struct SessionSums {
    start: Box<str>,
    end: Box<str>,
    mode: Mode,
    decks: Vec<Box<str>>,
    attempts: u64,
    correct: u64,
    elapsed_ms: u64,
}

impl SessionSums {
    pub(super) fn new(attempt: &AttemptRef) -> SessionSums {
        SessionSums {
            start: attempt.timestamp.into(),
            end: attempt.timestamp.into(),
            mode: attempt.mode,
            decks: Vec::new(),
            attempts: 0,
            correct: 0,
            elapsed_ms: 0,
        }
    }

    pub(super) fn add(&mut self, attempt: &AttemptRef, correct: bool) {
        self.attempts += 1;
        self.correct += u64::from(correct);
        self.elapsed_ms = self.elapsed_ms.saturating_add(attempt.elapsed_ms);
        self.widen(attempt.timestamp, attempt.timestamp);
        // A session's rows come deck by deck, so the last deck is nearly always the one.
        if self.decks.last().is_none_or(|d| **d != *attempt.deck)
            && !self.decks.iter().any(|d| **d == *attempt.deck)
        {
            self.decks.push(attempt.deck.into());
        }
    }

    /// Timestamps compare as text: one session's are written with one offset.
    fn widen(&mut self, start: &str, end: &str) {
        if start < &*self.start {
            self.start = start.into();
        }
        if end > &*self.end {
            self.end = end.into();
        }
    }

    pub(super) fn merge(&mut self, other: &SessionSums) {
        self.attempts += other.attempts;
        self.correct += other.correct;
        self.elapsed_ms = self.elapsed_ms.saturating_add(other.elapsed_ms);
        self.widen(&other.start, &other.end);
        for deck in &other.decks {
            if !self.decks.contains(deck) {
                self.decks.push(deck.clone());
            }
        }
    }

    pub(super) fn facts(&self) -> SessionFacts {
        SessionFacts {
            start: self.start.to_string(),
            end: self.end.to_string(),
            mode: self.mode.name().to_string(),
            decks: self.decks.iter().map(|d| d.to_string()).collect(),
        }
    }

    pub(super) fn point(&self) -> SessionPoint {
        let hours = self.elapsed_ms as f64 / 3_600_000.0;
        SessionPoint {
            facts: self.facts(),
            attempts: self.attempts,
            accuracy: round(ratio(self.correct as f64, self.attempts as f64), 4),
            codes_per_hour: round(ratio(self.correct as f64, hours), 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_row;

    fn attempt(timestamp: &str, deck: &str) -> crate::record::Attempt {
        let line = format!(
            "{timestamp},s1,ana,practice,{deck},i1,icd10cm,,p,E11.9,E11.9,correct,,1,2000,500,6,0"
        );
        let fields: Vec<&str> = line.split(',').collect();
        parse_row(&fields.try_into().unwrap()).unwrap().to_owned()
    }

    #[test]
    fn a_session_spans_its_first_to_last_answer_and_lists_each_deck_once() {
        let rows = [
            attempt("2026-11-29T14:25:00-06:00", "icd10cm-common"),
            attempt("2026-11-29T14:23:05-06:00", "icd10cm-common"),
            attempt("2026-11-29T14:30:00-06:00", "icd10cm-injury"),
            attempt("2026-11-29T14:31:00-06:00", "icd10cm-common"),
        ];
        let mut sums = SessionSums::new(&rows[0].as_ref());
        for row in &rows[..2] {
            sums.add(&row.as_ref(), true);
        }
        let mut other = SessionSums::new(&rows[2].as_ref());
        for row in &rows[2..] {
            other.add(&row.as_ref(), false);
        }
        sums.merge(&other);
        let facts = sums.facts();
        assert_eq!(facts.started(), "2026-11-29 14:23");
        assert_eq!(facts.end, "2026-11-29T14:31:00-06:00");
        assert_eq!(facts.what(), "practice · icd10cm-common, icd10cm-injury");
        let point = sums.point();
        assert_eq!((point.attempts, point.accuracy), (4, 0.5));
        assert_eq!(point.codes_per_hour, 900.0);
    }

    #[test]
    fn odd_timestamps_are_shown_as_they_are() {
        assert_eq!(minute("2026-11-29T14:23:05Z"), "2026-11-29 14:23");
        assert_eq!(minute("soon"), "soon");
    }
}
