//! GitHub-flavoured Markdown tables, to paste into a portfolio or a class page. A page is a
//! list of sections, so the exam result page can put its own section before the report's.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use super::escape::escape_md;
use super::markup::{MarkupTable, RowKey};
use super::{Exporter, Report, fmt};

pub(crate) struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        out.write_all(report_sections(report).concat().as_bytes())?;
        Ok(())
    }
}

/// The report's sections in page order: heading, groups, weakest items, near misses and
/// progress (the last three only when there is something to show). Each ends with a newline;
/// all but the first start with a blank line.
pub(crate) fn report_sections(report: &Report) -> Vec<String> {
    let mut sections = vec![heading(report), MarkdownTable.table(report)];
    if report.rates_held_back() {
        sections.push(format!("\n{}\n", fmt::held_back_note()));
    }
    if let Some(missed) = fmt::missed_cc_words(&report.overall) {
        sections.push(format!("\n**Missed CC/MCC:** {}.\n", escape_md(&missed)));
    }
    if let Some(cases) = fmt::cases_words(&report.overall) {
        sections.push(format!("\n**Cases:** {}.\n", escape_md(&cases)));
    }
    sections.extend(transcription(report));
    sections.extend(weakest(report));
    sections.extend(near_misses(report));
    sections.extend(progress(report));
    sections.extend(chain_heads(report));
    sections
}

/// Each log's chain head: the report names the exact logs it came from.
fn chain_heads(report: &Report) -> Option<String> {
    let heads: Vec<String> = report
        .log_heads()
        .map(|(log, head)| format!("{} {head}", escape_md(log)))
        .collect();
    (!heads.is_empty()).then(|| format!("\n**Chain heads:** {}.\n", heads.join("; ")))
}

/// The title and the report's subtitle.
fn heading(report: &Report) -> String {
    format!(
        "# Coding accuracy and speed\n\n{}\n\n",
        escape_md(&report.subtitle())
    )
}

/// The groups table in GitHub-flavoured Markdown.
struct MarkdownTable;

impl MarkupTable for MarkdownTable {
    fn header(&self, key_name: &str) -> String {
        format!(
            "| {key_name} | attempts | correct | accuracy | score | median | p90 | codes/hour | keystrokes/hour | near misses |\n"
        )
    }

    fn divider(&self) -> String {
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n".to_string()
    }

    fn row(&self, key: RowKey, cells: &[String; 9]) -> String {
        let key = match key {
            RowKey::Group(key) => escape_md(key),
            RowKey::Session(facts) => escape_md(&format!("{} · {}", facts.started(), facts.what())),
            RowKey::Overall => "**overall**".to_string(),
        };
        format!("| {key} | {} |\n", cells.join(" | "))
    }
}

/// Transcription apart from coding: keying speed, never coding accuracy.
fn transcription(report: &Report) -> Option<String> {
    let m = report.transcription.as_ref()?;
    Some(format!(
        "\n## Transcription (keying speed)\n\n{}\n",
        fmt::transcription_words(m)
    ))
}

fn weakest(report: &Report) -> Option<String> {
    if report.weakest_items.is_empty() {
        return None;
    }
    let mut text =
        "\n## Weakest items\n\n| deck | item | prompt | answer | attempts | accuracy |\n\
                    |---|---|---|---|---:|---:|\n"
            .to_string();
    for item in &report.weakest_items {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} |",
            escape_md(&item.deck),
            escape_md(&item.item),
            escape_md(&item.prompt),
            escape_md(&item.expected),
            item.attempts,
            fmt::percent(item.accuracy)
        );
    }
    Some(text)
}

fn near_misses(report: &Report) -> Option<String> {
    if report.near_miss_kinds.is_empty() {
        return None;
    }
    let mut text = "\n## Near misses\n\n| kind | count | share |\n|---|---:|---:|\n".to_string();
    for kind in &report.near_miss_kinds {
        let _ = writeln!(
            text,
            "| {} | {} | {} |",
            escape_md(&fmt::kind(&kind.kind)),
            kind.count,
            fmt::percent(kind.share)
        );
    }
    Some(text)
}

fn progress(report: &Report) -> Option<String> {
    if report.progress.days.is_empty() {
        return None;
    }
    let mut text = "\n## Progress\n\n\
                    | day | attempts | accuracy | 7-day accuracy | median | codes/hour | 7-day codes/hour |\n\
                    |---|---:|---:|---:|---:|---:|---:|\n"
        .to_string();
    for day in &report.progress.days {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} |",
            escape_md(&day.day),
            day.attempts,
            fmt::percent(day.accuracy),
            fmt::percent(day.accuracy_7d),
            fmt::seconds(day.median_ms),
            fmt::rate_over(day.codes_per_hour, day.answering_ms),
            fmt::rate_over(day.codes_per_hour_7d, day.answering_ms_7d)
        );
    }
    if let Some(best) = &report.progress.best_day {
        let _ = writeln!(
            text,
            "\nBest day: **{}**, {} of {} attempts, {} codes/hour.",
            escape_md(&best.day),
            fmt::percent(best.accuracy),
            best.attempts,
            fmt::rate_over(best.codes_per_hour, best.answering_ms)
        );
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::report::make_report;
    use crate::log::LogWriter;
    use crate::record::{Attempt, example};
    use crate::report::escape::rendered::{HOSTILE, assert_inert};
    use crate::report::{Aggregator, Filters, GroupBy, samples};
    use crate::score::{Detail, Verdict};

    #[test]
    fn group_keys_are_escaped_and_overall_is_bold() {
        let report = samples::report(GroupBy::Deck, &[("a|b <i>", 1), ("plain", 2)]);
        let table = MarkdownTable.table(&report);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("| deck | attempts |"));
        assert_eq!(
            lines[1],
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        assert!(
            lines[2].starts_with("| a\\|b &lt;i&gt; | 1 | 0 |"),
            "{table}"
        );
        assert!(lines[3].starts_with("| plain | 2 |"));
        assert!(lines[4].starts_with("| **overall** | 3 |"));
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn an_empty_report_has_its_heading_and_table_only() {
        let report = samples::report(GroupBy::Deck, &[]);
        let sections = report_sections(&report);
        assert_eq!(sections.len(), 2);
        assert!(sections[0].starts_with("# Coding accuracy and speed\n\nno users · no dates"));
    }

    /// Two missed attempts per hostile value (so each item is among the weakest), every text
    /// field of a row that value, one day each.
    fn hostile_attempts() -> Vec<Attempt> {
        let mut attempts = Vec::new();
        for (day, value) in HOSTILE.iter().enumerate() {
            for _ in 0..2 {
                attempts.push(Attempt {
                    timestamp: format!("2026-11-{:02}T10:00:00.000-05:00", day + 1),
                    session: value.to_string(),
                    user: value.to_string(),
                    deck: value.to_string(),
                    item: value.to_string(),
                    category: value.to_string(),
                    prompt: value.to_string(),
                    expected: value.to_string(),
                    verdict: Verdict::NearMiss,
                    detail: Some(Detail::Typo),
                    score: 0.0,
                    ..example(value)
                });
            }
        }
        attempts
    }

    /// Every grouping, each report's subtitle naming a deck filter of `deck`.
    fn reports(make: impl Fn(GroupBy) -> Report, deck: &str) -> Vec<Report> {
        let all = [
            GroupBy::Deck,
            GroupBy::System,
            GroupBy::Category,
            GroupBy::Item,
        ];
        let more = [GroupBy::Day, GroupBy::Session, GroupBy::User];
        all.into_iter()
            .chain(more)
            .map(|by| {
                let mut report = make(by);
                report.filters.deck = Some(deck.to_string());
                report
            })
            .collect()
    }

    #[test]
    fn report_of_hostile_attempts_renders_no_element() {
        let attempts = hostile_attempts();
        let make = |by| {
            let mut aggregator = Aggregator::new(by, &Filters::default());
            for attempt in &attempts {
                aggregator.add(&attempt.as_ref());
            }
            aggregator.finish(vec![])
        };
        for deck in HOSTILE {
            for report in reports(make, deck) {
                assert_eq!(report.weakest_items.len(), HOSTILE.len());
                let page = report_sections(&report).concat();
                assert_inert(&page, &HOSTILE);
            }
        }
    }

    #[test]
    fn report_over_a_hostile_log_renders_no_element() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.csv");
        let mut writer = LogWriter::open(&log).unwrap();
        for attempt in hostile_attempts() {
            writer.append(&attempt).unwrap();
        }
        let logs = [log];
        let read = |by, filters: &Filters| make_report(&logs, by, filters, false).unwrap();
        for report in reports(|by| read(by, &Filters::default()), HOSTILE[0]) {
            assert_eq!(report.overall.attempts, 2 * HOSTILE.len() as u64);
            assert_inert(&report_sections(&report).concat(), &HOSTILE);
        }
        // One user at a time, so the subtitle names each.
        for user in HOSTILE {
            let filters = Filters {
                user: Some(user.replace(['\r', '\n'], " ")),
                ..Filters::default()
            };
            let report = read(GroupBy::User, &filters);
            assert_eq!(report.users.len(), 1);
            assert_inert(&report_sections(&report).concat(), &[user]);
        }
    }
}
