//! `report --format revlog`: the review log the FSRS optimizer reads, so a learner can fit her
//! own weights (`--fsrs-params`) or take her history elsewhere. One row per recall attempt
//! (transcription is not a review), with the header
//! `card_id,review_time,review_rating,review_state,review_duration`:
//!
//! - `card_id`: `deck/item` as text (the optimizer takes text ids);
//! - `review_time`: milliseconds since the epoch, UTC;
//! - `review_rating`: 1 Again, 2 Hard, 3 Good, 4 Easy, rated as `drill --due` rates them;
//! - `review_state`: the item's state when it was reviewed: 0 New (its first review),
//!   1 Learning, 2 Review, 3 Relearning;
//! - `review_duration`: the answer time (`elapsed_ms`), in milliseconds.
//!
//! Rows come item by item (in the order items first appear), each item's reviews in time
//! order. It is one learner's history: logs of several users need `--user`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};

use super::Filters;
use crate::drill::schedule::time;
use crate::drill::schedule::{Params, Reviews};
use crate::record::guard;
use crate::visible::visible;

/// The header, exactly.
pub const HEADER: [&str; 5] = [
    "card_id",
    "review_time",
    "review_rating",
    "review_state",
    "review_duration",
];

/// Writes the review log of the attempts in `logs` that `filters` keep (the user, the deck,
/// and the dates of the rows written; every earlier review still counts for the ratings and
/// states). Returns how many rows were written.
pub fn write_revlog(
    logs: &[PathBuf],
    filters: &Filters,
    params: &Params,
    out: &mut dyn Write,
) -> Result<u64> {
    if let Some(mode) = filters.mode {
        bail!(
            "--format revlog takes every recall attempt (practice, review, exam) as a review; drop --mode {mode}"
        );
    }
    let mut reviews = Reviews::new(filters.user.as_deref(), filters.deck.as_deref());
    for path in logs {
        reviews.read(path)?;
    }
    if let [_, _, ..] = reviews.users() {
        let names: Vec<String> = reviews
            .users()
            .iter()
            .take(5)
            .map(|u| visible(u).into_owned())
            .collect();
        bail!(
            "a review log is one learner's, and these logs hold {} users ({}{}): name one with --user",
            reviews.users().len(),
            names.join(", "),
            if reviews.users().len() > 5 {
                ", ..."
            } else {
                ""
            }
        );
    }
    let since = filters.since.map_or(i64::MIN, time::day_of);
    let until = filters.until.map_or(i64::MAX, time::day_of);
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    let mut written = 0;
    let mut failed = None;
    let mut card_id = String::new();
    reviews.replay(params, |review| {
        if failed.is_some() || !(since..=until).contains(&review.at.day()) {
            return;
        }
        card_id.clear();
        card_id.push_str(review.deck);
        card_id.push('/');
        card_id.push_str(review.item);
        let row = [
            guard(&visible(&card_id)).into_owned(),
            review.at.utc.to_string(),
            review.rating.number().to_string(),
            review.state.number().to_string(),
            review.elapsed_ms.to_string(),
        ];
        match writer.write_record(&row) {
            Ok(()) => written += 1,
            Err(err) => failed = Some(err),
        }
    });
    if let Some(err) = failed {
        return Err(err.into());
    }
    writer.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Attempt, HEADER as LOG_HEADER, Mode};
    use crate::score::Verdict;

    fn log(rows: &[Attempt]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let mut text = format!("{LOG_HEADER}\n");
        for attempt in rows {
            text.push_str(&attempt.to_csv_line());
        }
        file.write_all(text.as_bytes()).unwrap();
        file
    }

    fn attempt(at: &str, user: &str, item: &str, verdict: Verdict, mode: Mode) -> Attempt {
        Attempt {
            timestamp: at.into(),
            user: user.into(),
            item: item.into(),
            verdict,
            mode,
            ..crate::record::example("E11.9")
        }
    }

    fn revlog(rows: &[Attempt], filters: &Filters) -> Result<String> {
        let file = log(rows);
        let mut out = Vec::new();
        let params = Params::defaults(0.9).unwrap();
        write_revlog(&[file.path().to_path_buf()], filters, &params, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn one_row_per_recall_attempt_with_its_state_when_reviewed() {
        let rows = [
            attempt(
                "2026-11-02T10:00:00.250+01:00",
                "ana",
                "b",
                Verdict::Incorrect,
                Mode::Practice,
            ),
            attempt(
                "2026-11-01T10:00:00+01:00",
                "ana",
                "b",
                Verdict::Correct,
                Mode::Exam,
            ),
            attempt(
                "2026-11-01T11:00:00+01:00",
                "ana",
                "c",
                Verdict::Correct,
                Mode::Transcribe,
            ),
            attempt(
                "2026-11-03T10:00:00Z",
                "ana",
                "b",
                Verdict::Correct,
                Mode::Review,
            ),
        ];
        let text = revlog(&rows, &Filters::default()).unwrap();
        assert_eq!(
            text,
            "card_id,review_time,review_rating,review_state,review_duration\n\
             icd10cm-common/b,1793523600000,3,0,2300\n\
             icd10cm-common/b,1793610000250,1,2,2300\n\
             icd10cm-common/b,1793700000000,3,3,2300\n"
        );
    }

    #[test]
    fn several_users_need_a_user_and_mode_is_refused() {
        let rows = [
            attempt(
                "2026-11-01T10:00:00Z",
                "ana",
                "a",
                Verdict::Correct,
                Mode::Practice,
            ),
            attempt(
                "2026-11-01T10:00:00Z",
                "bob",
                "a",
                Verdict::Correct,
                Mode::Practice,
            ),
        ];
        let message = revlog(&rows, &Filters::default()).unwrap_err().to_string();
        assert!(
            message.contains("these logs hold 2 users (ana, bob): name one with --user"),
            "{message}"
        );
        let ana = Filters {
            user: Some("ana".into()),
            ..Filters::default()
        };
        assert_eq!(revlog(&rows, &ana).unwrap().lines().count(), 2);
        let exam = Filters {
            mode: Some(Mode::Exam),
            ..ana
        };
        assert!(revlog(&rows, &exam).is_err());
    }
}
