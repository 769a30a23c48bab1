//! The report's spaced-repetition section: how much of what was due the learner recalled
//! (retention: due reviews answered correctly), her reviewed items by state, and how many
//! reviews fall due each of the next seven days.
//!
//! It is a learner's own schedule, so it is made when a report counts one user's attempts
//! (her own log, or `--user NAME`); a class report has none. It is computed in a streaming
//! pass of its own over the logs ([`crate::drill::schedule`]), beside the aggregation rather
//! than inside it, and shown as a section after the report's own in each text format, and as
//! a `schedule` object in the JSON. `--deck` narrows it to one deck; `--since` and `--until`
//! narrow the reviews retention counts (states and the forecast are as of now).

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use super::escape::{escape_html, escape_md};
use super::{Filters, Format, Report, charts, fmt};
use crate::drill::schedule::time::{self, Moment};
use crate::drill::schedule::{Params, Reviews, State};
use crate::visible::visible;

/// Days the forecast covers, today first.
pub const FORECAST_DAYS: usize = 7;

/// A learner's spaced-repetition figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleSummary {
    pub user: String,
    /// When the figures are for: the local date and time the report was made
    pub as_of: String,
    /// The retention FSRS schedules for
    pub desired_retention: f64,
    /// Share of due reviews answered correctly; `null` before any review was due
    pub retention: Option<f64>,
    /// Reviews of items in review whose due date had come
    pub due_reviews: u64,
    pub due_reviews_correct: u64,
    /// Items reviewed at least once, by where they stand now
    pub states: States,
    /// Reviewed items due today or earlier
    pub due_today: u64,
    /// Reviews due each day from today (items overdue count today)
    pub forecast: Vec<ForecastDay>,
}

/// Reviewed items by state (never-reviewed items are not in a log: `codedrill decks` counts
/// them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct States {
    pub learning: u64,
    pub review: u64,
    pub relearning: u64,
}

/// Reviews due on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForecastDay {
    /// `YYYY-MM-DD`
    pub date: String,
    pub due: u64,
}

/// The schedule of `user` in these logs, as of `now`, with the report's deck and date filters.
pub fn summarize(
    logs: &[PathBuf],
    user: &str,
    filters: &Filters,
    params: &Params,
    now: Moment,
) -> Result<ScheduleSummary> {
    let mut reviews = Reviews::new(Some(user), filters.deck.as_deref());
    for path in logs {
        reviews.read(path)?;
    }
    let since = filters.since.map_or(i64::MIN, time::day_of);
    let until = filters.until.map_or(i64::MAX, time::day_of);
    let (mut due_reviews, mut due_reviews_correct) = (0, 0);
    let cards = reviews.replay(params, |review| {
        let day = review.at.day();
        if review.due && (since..=until).contains(&day) {
            due_reviews += 1;
            due_reviews_correct += u64::from(review.correct);
        }
    });
    let today = now.day();
    let mut states = States::default();
    let mut forecast = [0; FORECAST_DAYS];
    for card in &cards {
        match card.state {
            State::Learning => states.learning += 1,
            State::Review => states.review += 1,
            State::Relearning => states.relearning += 1,
            State::New => {}
        }
        let ahead = (card.due_day() - today).max(0);
        if let Some(slot) = usize::try_from(ahead)
            .ok()
            .and_then(|at| forecast.get_mut(at))
        {
            *slot += 1;
        }
    }
    let as_of = chrono::DateTime::from_timestamp_millis(now.local)
        .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default();
    Ok(ScheduleSummary {
        user: user.to_string(),
        as_of,
        desired_retention: params.retention,
        retention: (due_reviews > 0)
            .then(|| super::round(due_reviews_correct as f64 / due_reviews as f64, 4)),
        due_reviews,
        due_reviews_correct,
        states,
        due_today: forecast[0],
        forecast: forecast
            .iter()
            .enumerate()
            .map(|(ahead, &due)| ForecastDay {
                date: time::date_of(today + ahead as i64),
                due,
            })
            .collect(),
    })
}

/// Writes a report in `format`, with the schedule section when there is one. (The review log
/// is not a report: `report --format revlog` writes it from the logs.)
pub(crate) fn write(
    format: Format,
    report: &Report,
    schedule: Option<&ScheduleSummary>,
    out: &mut dyn Write,
) -> Result<()> {
    let Some(exporter) = format.exporter() else {
        anyhow::bail!("the review log is written from the logs, not from a report");
    };
    match (format, schedule) {
        (Format::Json, Some(schedule)) => super::json::write_scheduled(report, schedule, out),
        (Format::Html, Some(schedule)) => super::html::write_scheduled(report, schedule, out),
        (Format::Table, Some(schedule)) => {
            exporter.write(report, out)?;
            out.write_all(text(schedule).as_bytes())?;
            Ok(())
        }
        (Format::Markdown, Some(schedule)) => {
            exporter.write(report, out)?;
            out.write_all(markdown(schedule).as_bytes())?;
            Ok(())
        }
        _ => exporter.write(report, out),
    }
}

/// Retention in words: `87.5% of 40 due reviews answered right`.
fn retention_words(s: &ScheduleSummary) -> String {
    match s.retention {
        Some(share) => format!(
            "{} of {} due {} answered right (desired {})",
            fmt::percent(share),
            s.due_reviews,
            if s.due_reviews == 1 {
                "review"
            } else {
                "reviews"
            },
            fmt::percent(s.desired_retention)
        ),
        None => format!(
            "no review was due yet (desired {})",
            fmt::percent(s.desired_retention)
        ),
    }
}

/// The states in words: `5 learning, 40 review, 2 relearning; 7 due today`.
fn state_words(s: &ScheduleSummary) -> String {
    format!(
        "{} learning, {} in review, {} relearning; {} due today",
        s.states.learning, s.states.review, s.states.relearning, s.due_today
    )
}

/// A forecast day's label: `Sun 11-29`.
fn day_label(date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| d.format("%a %m-%d").to_string())
        .unwrap_or_else(|_| date.to_string())
}

/// The section for the text table: three labelled lines and a bar per forecast day, within
/// 80 columns.
pub(crate) fn text(s: &ScheduleSummary) -> String {
    const BAR: usize = 40;
    let mut text = format!(
        "\nSpaced repetition for {} (as of {}):\n",
        visible(&super::table::shorten(&s.user, 30)),
        s.as_of
    );
    let _ = writeln!(text, "  retention  {}", retention_words(s));
    let _ = writeln!(text, "  items      {}", state_words(s));
    let top = s.forecast.iter().map(|d| d.due).max().unwrap_or(0).max(1);
    for (at, day) in s.forecast.iter().enumerate() {
        let label = if at == 0 { "due" } else { "" };
        let bar = "█".repeat((day.due as usize * BAR).div_ceil(top as usize));
        let line = format!(
            "  {label:<9}  {} {:>5} {bar}",
            day_label(&day.date),
            day.due
        );
        let _ = writeln!(text, "{}", line.trim_end());
    }
    text
}

/// The section for Markdown: the figures and the forecast as a table.
pub(crate) fn markdown(s: &ScheduleSummary) -> String {
    let mut text = format!(
        "\n## Spaced repetition\n\n{} as of {}.\n\n**Retention:** {}.\n\n**Items:** {}.\n\n| day | reviews due |\n|---|---:|\n",
        escape_md(&s.user),
        s.as_of,
        retention_words(s),
        state_words(s)
    );
    for day in &s.forecast {
        let _ = writeln!(text, "| {} | {} |", day_label(&day.date), day.due);
    }
    text
}

/// The section for the HTML page: cards and the forecast chart.
pub(crate) fn html(s: &ScheduleSummary) -> Result<String> {
    let retention = s.retention.map_or("—".to_string(), fmt::percent);
    let cards = [
        (
            retention,
            "retention (due reviews answered right)".to_string(),
        ),
        (s.due_today.to_string(), "due today".to_string()),
        (s.states.learning.to_string(), "learning".to_string()),
        (s.states.review.to_string(), "in review".to_string()),
        (s.states.relearning.to_string(), "relearning".to_string()),
        (
            fmt::percent(s.desired_retention),
            "desired retention".to_string(),
        ),
    ];
    let mut text = format!(
        "<h2>Spaced repetition</h2>\n<p class=\"meta\">{}, as of {}. {}.</p>\n<section class=\"cards\">\n",
        escape_html(&s.user),
        escape_html(&s.as_of),
        escape_html(&retention_words(s))
    );
    for (value, label) in cards {
        let _ = writeln!(
            text,
            "<div class=\"card\"><b>{value}</b><span>{label}</span></div>"
        );
    }
    text.push_str("</section>\n<section class=\"charts\">\n");
    let labels: Vec<String> = s.forecast.iter().map(|d| day_label(&d.date)).collect();
    let counts: Vec<u64> = s.forecast.iter().map(|d| d.due).collect();
    let _ = writeln!(
        text,
        // One chart alone would stretch across the page: it keeps the others' width.
        "<div class=\"chart\" style=\"max-width:560px\">{}</div>",
        charts::forecast(&labels, &counts)?
    );
    text.push_str("</section>\n");
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drill::schedule::time::parse_timestamp;
    use crate::record::{Attempt, HEADER};
    use crate::score::Verdict;

    fn log(rows: &[(&str, &str, Verdict)]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let mut text = format!("{HEADER}\n");
        for (at, item, verdict) in rows {
            let attempt = Attempt {
                timestamp: (*at).into(),
                item: (*item).into(),
                verdict: *verdict,
                ..crate::record::example("E11.9")
            };
            text.push_str(&attempt.to_csv_line());
        }
        file.write_all(text.as_bytes()).unwrap();
        file
    }

    fn summary() -> ScheduleSummary {
        let file = log(&[
            ("2026-11-01T09:00:00+00:00", "a", Verdict::Correct),
            ("2026-11-10T09:00:00+00:00", "a", Verdict::Correct),
            ("2026-11-20T09:00:00+00:00", "b", Verdict::Incorrect),
            ("2026-11-26T09:00:00+00:00", "c", Verdict::Correct),
            ("2026-11-27T09:00:00+00:00", "d", Verdict::Correct),
        ]);
        let now = parse_timestamp("2026-11-27T12:00:00+00:00").unwrap();
        let params = Params::defaults(0.9).unwrap();
        summarize(
            &[file.path().to_path_buf()],
            "ana",
            &Filters::default(),
            &params,
            now,
        )
        .unwrap()
    }

    #[test]
    fn counts_due_reviews_states_and_a_week_of_reviews_due() {
        let s = summary();
        // a was due again on the 3rd and reviewed on the 10th: one due review, recalled.
        assert_eq!((s.due_reviews, s.due_reviews_correct), (1, 1));
        assert_eq!(s.retention, Some(1.0));
        assert_eq!(
            s.states,
            States {
                learning: 1,
                review: 3,
                relearning: 0
            }
        );
        assert_eq!(s.forecast.len(), FORECAST_DAYS);
        assert_eq!(s.forecast[0].date, "2026-11-27");
        assert_eq!(s.forecast[0].due, s.due_today);
        // b (missed, due ten minutes later) is due today; c (Good, two days) tomorrow.
        assert_eq!(s.due_today, 1);
        assert_eq!(s.forecast[1].due, 1);
        let total: u64 = s.forecast.iter().map(|d| d.due).sum();
        assert!(total <= 4);
    }

    #[test]
    fn the_text_section_fits_80_columns() {
        let text = text(&summary());
        assert!(text.contains("retention  100.0% of 1 due review answered right (desired 90.0%)"));
        assert!(text.contains("  due        Fri 11-27     1 █"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    }
}
