//! Reports over attempt logs: rows are read streaming ([`reader`]), folded into per-group
//! [`Accumulator`](crate::metrics::Accumulator)s (`aggregate`), turned into a [`Report`], and
//! written by one exporter per output format (one file each, like hyperfine's `src/export/`).
//! The text formats share one walk over the groups table (`markup`) and one escaper per
//! markup language (`escape`); the HTML and Markdown pages are lists of sections, so the exam
//! result page (`exam`) puts its own section before the report's.
//!
//! Memory holds sums per group, day and item, a fixed histogram, and the answer times of each
//! group and day (for exact medians): nothing else grows with the number of rows.

pub(crate) mod aggregate;
mod axes;
mod charts;
mod csv;
mod escape;
pub(crate) mod exam;
mod extras;
mod html;
mod json;
mod markdown;
mod markup;
pub(crate) mod progress;
pub mod reader;
mod revlog;
pub(crate) mod schedule;
mod sessions;
mod table;

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::metrics::Metrics;

pub use aggregate::{Aggregator, Filters};
pub use revlog::write_revlog;
pub use schedule::ScheduleSummary;
pub use sessions::{SessionFacts, SessionPoint};

/// What each row of a report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Deck,
    System,
    Category,
    /// A deck's item, keyed `deck/item` (item ids are unique only within a deck)
    Item,
    /// The local date of the attempt, as written in its timestamp
    Day,
    Session,
    User,
    /// practice, review, exam or transcribe
    Mode,
    /// ICD-10-PCS attempts by the axes of their answer (root operation, body part,
    /// approach...): correct when that character was typed right
    Axis,
}

impl GroupBy {
    /// The word used for the key column.
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Deck => "deck",
            GroupBy::System => "system",
            GroupBy::Category => "category",
            GroupBy::Item => "item",
            GroupBy::Day => "day",
            GroupBy::Session => "session",
            GroupBy::User => "user",
            GroupBy::Mode => "mode",
            GroupBy::Axis => "axis",
        }
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for an 80-column terminal
    Table,
    /// One row per group, then an `overall` row
    Csv,
    Json,
    Markdown,
    /// One self-contained page with charts, to share as evidence
    Html,
    /// The FSRS optimizer's review log, one row per recall attempt (card_id,review_time,
    /// review_rating,review_state,review_duration)
    Revlog,
}

impl Format {
    /// The format a file name asks for by its extension, if any.
    pub(crate) fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }

    /// The exporter that writes this format; none for the review log, which is written from
    /// the logs ([`write_revlog`]), not from a report.
    pub(crate) fn exporter(self) -> Option<Box<dyn Exporter>> {
        Some(match self {
            Format::Table => Box::new(table::TableExporter),
            Format::Csv => Box::new(csv::CsvExporter),
            Format::Json => Box::new(json::JsonExporter),
            Format::Markdown => Box::new(markdown::MarkdownExporter),
            Format::Html => Box::new(html::HtmlExporter),
            Format::Revlog => return None,
        })
    }
}

/// Writes a report in one format.
pub(crate) trait Exporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<()>;
}

/// Everything a report shows. Serialised as the JSON format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Recall attempts (practice, review, exam) unless `--mode` names one mode
    pub overall: Metrics,
    pub groups: Vec<Group>,
    /// Transcription attempts (retyping a shown code: keying speed), kept apart from recall;
    /// `null` when there were none or when `--mode` was given
    pub transcription: Option<Metrics>,
    /// Each session, in the order they ran, when the aggregator kept them (for charts)
    #[serde(skip)]
    pub sessions: Vec<SessionPoint>,
    /// Lowest accuracy first, items with at least two attempts only
    pub weakest_items: Vec<WeakItem>,
    pub progress: Progress,
    /// What kind of near miss, most frequent first
    pub near_miss_kinds: Vec<KindCount>,
    pub by: GroupBy,
    /// First and last local date with a counted attempt
    pub period: Option<Period>,
    /// Users whose attempts were counted, sorted
    pub users: Vec<String>,
    pub filters: FilterSummary,
    /// The log files read, as given
    pub logs: Vec<String>,
    /// Each log's chain head, in the order of `logs`: its last row's link (64 hex digits), or
    /// `unchained` for a log written before logs were chained. It names the exact log a report
    /// came from: `codedrill verify LOG` prints the same head.
    pub chain_heads: Vec<String>,
    /// Rows skipped because they were cut short or malformed
    pub skipped_rows: u64,
    /// Answer times in 100 ms bins (the last bin holds everything slower); for the HTML chart
    #[serde(skip)]
    pub answer_times: Vec<u64>,
}

/// One group's key and metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub key: String,
    /// When grouped by session: when it ran, its mode and decks
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionFacts>,
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// An item that was often missed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeakItem {
    pub deck: String,
    pub item: String,
    pub prompt: String,
    pub expected: String,
    pub attempts: u64,
    pub correct: u64,
    pub accuracy: f64,
}

/// Accuracy and speed per day.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Progress {
    pub days: Vec<DayPoint>,
    /// The day with the highest accuracy among days with at least
    /// `BEST_DAY_MIN_ATTEMPTS` attempts (all days when none has that many); ties go to
    /// the faster day
    pub best_day: Option<BestDay>,
}

/// Days with fewer attempts do not compete for the best day (unless no day has this many).
pub(crate) const BEST_DAY_MIN_ATTEMPTS: u64 = 5;

/// One day of practice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayPoint {
    pub day: String,
    pub attempts: u64,
    pub accuracy: f64,
    pub median_ms: f64,
    pub codes_per_hour: f64,
    /// Accuracy over this day and the six calendar days before it
    pub accuracy_7d: f64,
    /// Codes per hour over this day and the six calendar days before it
    pub codes_per_hour_7d: f64,
    /// The day's answering time, and that of the 7-day window (rates from under a minute are
    /// held back in the text formats)
    pub answering_ms: u64,
    pub answering_ms_7d: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BestDay {
    pub day: String,
    pub attempts: u64,
    pub accuracy: f64,
    pub codes_per_hour: f64,
    pub answering_ms: u64,
}

/// How often one near-miss kind (the log's `detail`) occurred.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindCount {
    pub kind: String,
    pub count: u64,
    /// Share of all near misses
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// The filters a report was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct FilterSummary {
    pub since: Option<String>,
    pub until: Option<String>,
    pub user: Option<String>,
    pub deck: Option<String>,
    /// Only attempts of this mode (left out of the JSON when all modes count)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

impl Report {
    /// Whether any row of the groups table has its hourly rates held back for too little answering time.
    pub(crate) fn rates_held_back(&self) -> bool {
        let thin = |m: &Metrics| m.attempts > 0 && !m.rates_measured();
        thin(&self.overall) || self.groups.iter().any(|g| thin(&g.metrics))
    }

    /// A one-line description of who, when and how: used as a heading by every format.
    /// Each log read, by its file name, with its chain head.
    pub(crate) fn log_heads(&self) -> impl Iterator<Item = (&str, &str)> {
        self.logs
            .iter()
            .map(|log| log.rsplit(['/', '\\']).next().unwrap_or(log))
            .zip(self.chain_heads.iter().map(String::as_str))
    }

    pub(crate) fn subtitle(&self) -> String {
        let mut parts = Vec::new();
        parts.push(match self.users.as_slice() {
            [] => "no users".to_string(),
            [one] => format!("user {one}"),
            many if many.len() <= 3 => format!("users {}", many.join(", ")),
            many => format!("{} users", many.len()),
        });
        parts.push(match &self.period {
            Some(p) if p.from == p.to => p.from.clone(),
            Some(p) => format!("{} to {}", p.from, p.to),
            None => "no dates".to_string(),
        });
        parts.push(format!("by {}", self.by.name()));
        if let Some(deck) = &self.filters.deck {
            parts.push(format!("deck {deck}"));
        }
        if let Some(mode) = &self.filters.mode {
            parts.push(format!("mode {mode}"));
        }
        parts.join(" · ")
    }
}

/// Rounds to `decimals` places, so every format shows the same numbers.
pub(crate) fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// The metrics with shares rounded to 4 places and times and rates to 1.
pub(crate) fn rounded(m: Metrics) -> Metrics {
    Metrics {
        accuracy: round(m.accuracy, 4),
        score: round(m.score, 4),
        median_ms: round(m.median_ms, 1),
        p90_ms: round(m.p90_ms, 1),
        codes_per_hour: round(m.codes_per_hour, 1),
        kph: round(m.kph, 1),
        near_miss: round(m.near_miss, 4),
        cases_per_hour: round(m.cases_per_hour, 1),
        codes_per_case: round(m.codes_per_case, 2),
        ..m
    }
}

/// Formats used by the text formats.
pub(crate) mod fmt {
    use crate::metrics::Metrics;

    /// A near-miss kind as a reader says it (`wrong 7th character`); unknown names as they are.
    pub(crate) fn kind(name: &str) -> String {
        crate::score::Detail::parse(name)
            .map_or_else(|| name.to_string(), |d| d.label().to_string())
    }

    /// A group's metrics as the text cells of a table row, in the SPEC's order.
    pub(crate) fn cells(m: &Metrics) -> [String; 9] {
        [
            m.attempts.to_string(),
            m.correct.to_string(),
            percent(m.accuracy),
            score(m.score),
            seconds(m.median_ms),
            seconds(m.p90_ms),
            measured_rate(m, m.codes_per_hour),
            measured_rate(m, m.kph),
            percent(m.near_miss),
        ]
    }

    /// A rate, or `—` when the group's answering time was too short to give one.
    pub(crate) fn measured_rate(m: &Metrics, per_hour: f64) -> String {
        if m.rates_measured() || m.attempts == 0 {
            rate(per_hour)
        } else {
            HELD_BACK.to_string()
        }
    }

    /// A rate over `answering_ms` of answering, or `—` when that is too short to give one.
    pub(crate) fn rate_over(per_hour: f64, answering_ms: u64) -> String {
        if answering_ms >= crate::metrics::RATES_FROM_MS {
            rate(per_hour)
        } else {
            HELD_BACK.to_string()
        }
    }

    /// Shown for a rate held back.
    pub(crate) const HELD_BACK: &str = "—";

    /// Said under a table with held-back rates.
    pub(crate) fn held_back_note() -> String {
        format!(
            "—: under {} s of answering, too little for an hourly rate",
            crate::metrics::RATES_FROM_MS / 1000
        )
    }

    /// Cases (items of several codes) in words, when there were any.
    pub(crate) fn cases_words(m: &Metrics) -> Option<String> {
        (m.cases > 0).then(|| {
            let per_hour = if m.rates_measured() {
                format!("{} per hour of answering", rate(m.cases_per_hour))
            } else {
                "too little answering for a rate".to_string()
            };
            format!(
                "{} {} of several codes ({:.1} codes each), {per_hour}",
                m.cases,
                if m.cases == 1 { "case" } else { "cases" },
                m.codes_per_case
            )
        })
    }

    /// Missed CC/MCC in words, when there were any.
    pub(crate) fn missed_cc_words(m: &Metrics) -> Option<String> {
        (m.missed_cc > 0).then(|| {
            format!(
                "{} {} left out a CC or MCC diagnosis of the answer (MS-DRG v43.1)",
                m.missed_cc,
                if m.missed_cc == 1 {
                    "answer"
                } else {
                    "answers"
                }
            )
        })
    }

    /// Transcription in words: how many codes were retyped, how exactly, and how fast.
    pub(crate) fn transcription_words(m: &Metrics) -> String {
        let speed = if m.rates_measured() {
            format!("{} keystrokes per hour", rate(m.kph))
        } else {
            format!(
                "too little typing (under {} s) for a keystrokes-per-hour rate",
                crate::metrics::RATES_FROM_MS / 1000
            )
        };
        format!(
            "{} {} retyped, {} typed exactly, median {} per code, {speed}. \
             Retyping a shown code measures keying speed; it is not counted as coding accuracy.",
            m.attempts,
            if m.attempts == 1 { "code" } else { "codes" },
            percent(m.accuracy),
            seconds(m.median_ms),
        )
    }

    pub(crate) fn percent(share: f64) -> String {
        format!("{:.1}%", share * 100.0)
    }

    pub(crate) fn seconds(ms: f64) -> String {
        format!("{:.1}s", ms / 1000.0)
    }

    pub(crate) fn rate(per_hour: f64) -> String {
        format!("{per_hour:.0}")
    }

    pub(crate) fn score(score: f64) -> String {
        format!("{score:.2}")
    }
}

/// Reports made by hand for the formats' unit tests.
#[cfg(test)]
pub(crate) mod samples {
    use super::{Aggregator, Filters, Group, GroupBy, Report};
    use crate::metrics::Metrics;

    /// Metrics of `attempts` attempts, all wrong and instant.
    pub(crate) fn metrics(attempts: u64) -> Metrics {
        Metrics {
            attempts,
            correct: 0,
            accuracy: 0.0,
            score: 0.0,
            median_ms: 0.0,
            p90_ms: 0.0,
            codes_per_hour: 0.0,
            kph: 0.0,
            near_miss: 0.0,
            answering_ms: 0,
            cases: 0,
            cases_per_hour: 0.0,
            codes_per_case: 0.0,
            missed_cc: 0,
        }
    }

    /// A report by `by` with these (key, attempts) groups and their sum as the overall row.
    pub(crate) fn report(by: GroupBy, groups: &[(&str, u64)]) -> Report {
        let mut report = Aggregator::new(by, &Filters::default()).finish(vec![]);
        report.groups = groups
            .iter()
            .map(|&(key, attempts)| Group {
                key: key.to_string(),
                session: None,
                metrics: metrics(attempts),
            })
            .collect();
        report.overall = metrics(groups.iter().map(|(_, n)| n).sum());
        report
    }
}
