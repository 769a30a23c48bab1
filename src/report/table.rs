//! Aligned text that fits an 80-column terminal. Every key, name and prompt from a log is
//! shown through [`visible`] before it is measured, so columns line up with what is printed.

use std::io::Write;

use anyhow::Result;

use super::markup::{MarkupTable, RowKey};
use super::{Exporter, Report, fmt};
use crate::drill::wrap::cut_at_word;
use crate::visible::visible;

/// The whole line, key included, stays within this.
const WIDTH: usize = 80;
/// (header, width) of each metric column.
const COLUMNS: [(&str, usize); 9] = [
    ("attempts", 8),
    ("correct", 7),
    ("acc", 6),
    ("score", 5),
    ("median", 6),
    ("p90", 6),
    ("codes/h", 7),
    ("kph", 6),
    ("near", 6),
];

pub(crate) struct TableExporter;

impl Exporter for TableExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        writeln!(out, "{}", shorten(&visible(&report.subtitle()), WIDTH))?;
        writeln!(out)?;
        let table = TextTable::fitting(report);
        out.write_all(table.table(report).as_bytes())?;
        write_shortened_keys(report, table.key_width, out)?;
        writeln!(
            out,
            "\nacc: accuracy; median, p90: seconds per answer; codes/h: correct codes per hour;\nkph: keystrokes per hour; near: share of near misses"
        )?;
        if report.rates_held_back() {
            writeln!(out, "{}", fmt::held_back_note())?;
        }
        if let Some(missed) = fmt::missed_cc_words(&report.overall) {
            writeln!(
                out,
                "\n{}",
                crate::drill::wrap::wrap(&format!("Missed CC/MCC: {missed}."), WIDTH, "", "  ")
            )?;
        }
        if let Some(cases) = fmt::cases_words(&report.overall) {
            writeln!(
                out,
                "\n{}",
                crate::drill::wrap::wrap(&format!("Cases: {cases}."), WIDTH, "", "  ")
            )?;
        }
        if let Some(m) = &report.transcription {
            let words = format!(
                "Transcription (keying speed): {}",
                fmt::transcription_words(m)
            );
            writeln!(
                out,
                "\n{}",
                crate::drill::wrap::wrap(&words, WIDTH, "", "  ")
            )?;
        }
        write_extras(report, out)
    }
}

/// The groups table as aligned columns, the key column as wide as the longest key allows.
struct TextTable {
    key_width: usize,
    /// Whether the report has no groups (the table then says so)
    no_groups: bool,
}

impl TextTable {
    /// The columns sized for `report`'s keys.
    fn fitting(report: &Report) -> TextTable {
        let longest = report
            .groups
            .iter()
            .map(|g| match &g.session {
                Some(_) => "MM-DD HH:MM".len(),
                None => visible(&g.key).chars().count(),
            })
            .max();
        let key_width = longest
            .unwrap_or(0)
            .max(report.by.name().len())
            .max("overall".len())
            .min(WIDTH - metrics_width());
        TextTable {
            key_width,
            no_groups: report.groups.is_empty(),
        }
    }

    /// The key and the cells at their column widths.
    fn line(&self, key: &str, cells: &[&str]) -> String {
        let key_width = self.key_width;
        let mut line = format!("{key:<key_width$}");
        for (cell, (_, width)) in cells.iter().zip(COLUMNS) {
            line.push_str(&format!(" {cell:>width$}"));
        }
        line.push('\n');
        line
    }
}

impl MarkupTable for TextTable {
    fn header(&self, key_name: &str) -> String {
        self.line(key_name, &COLUMNS.map(|(name, _)| name))
    }

    fn separator(&self) -> String {
        let rule = format!("{}\n", "-".repeat(self.key_width + metrics_width()));
        if self.no_groups {
            format!("(no attempts match)\n{rule}")
        } else {
            rule
        }
    }

    fn row(&self, key: RowKey, cells: &[String; 9]) -> String {
        let cells = cells.each_ref().map(String::as_str);
        match key {
            RowKey::Group(key) => {
                // A key too long for its column keeps its end, which tells keys apart: decks
                // share prefixes (`icd10cm-`), and an item id ends a `deck/item` key.
                self.line(&shorten_start(&visible(key), self.key_width), &cells)
            }
            // Two lines: when (month, day and minute: the subtitle gives the years), then
            // the mode and decks under it.
            RowKey::Session(facts) => {
                let started = facts.started();
                let when = started.get(5..).unwrap_or(&started);
                let mut text = self.line(&shorten_start(&visible(when), self.key_width), &cells);
                let what = format!("  {}", visible(&facts.what()));
                text.push_str(&cut_at_word(&what, WIDTH));
                text.push('\n');
                text
            }
            RowKey::Overall => self.line("overall", &cells),
        }
    }
}

/// Each key shortened in the table, in full (cut to the line only if longer still).
fn write_shortened_keys(report: &Report, key_width: usize, out: &mut dyn Write) -> Result<()> {
    let mut any = false;
    for group in report.groups.iter().filter(|g| g.session.is_none()) {
        let key = visible(&group.key);
        let short = shorten_start(&key, key_width);
        if short == key {
            continue;
        }
        if !any {
            writeln!(out, "\nShortened keys:")?;
            any = true;
        }
        writeln!(out, "{}", shorten(&format!("  {short}  {key}"), WIDTH))?;
    }
    Ok(())
}

/// The width of the metric columns, each with the space before it.
fn metrics_width() -> usize {
    COLUMNS.iter().map(|(_, w)| w + 1).sum()
}

fn write_extras(report: &Report, out: &mut dyn Write) -> Result<()> {
    if !report.weakest_items.is_empty() {
        writeln!(out, "\nWeakest items (accuracy of attempts):")?;
        for item in &report.weakest_items {
            let head = format!(
                "  {:>6} of {:<3} {}/{} {}",
                fmt::percent(item.accuracy),
                item.attempts,
                visible(&item.deck),
                visible(&item.item),
                visible(&item.expected)
            );
            let room = WIDTH.saturating_sub(head.chars().count() + 3);
            if room > 8 && !item.prompt.is_empty() {
                writeln!(
                    out,
                    "{head} - {}",
                    cut_at_word(&visible(&item.prompt), room)
                )?;
            } else {
                writeln!(out, "{}", shorten(&head, WIDTH))?;
            }
        }
    }
    if !report.near_miss_kinds.is_empty() {
        let kinds: Vec<String> = report
            .near_miss_kinds
            .iter()
            .map(|k| format!("{} {}", visible(&fmt::kind(&k.kind)), k.count))
            .collect();
        writeln!(out, "\n{}", wrap("Near misses:", &kinds, WIDTH))?;
    }
    if let Some(best) = &report.progress.best_day {
        writeln!(
            out,
            "\nBest day: {} ({} of {} attempts, {} codes/h)",
            visible(&best.day),
            fmt::percent(best.accuracy),
            best.attempts,
            fmt::rate_over(best.codes_per_hour, best.answering_ms)
        )?;
    }
    if let Some(last) = report.progress.days.last() {
        writeln!(
            out,
            "Last 7 days to {}: {} accuracy, {} codes/h",
            visible(&last.day),
            fmt::percent(last.accuracy_7d),
            fmt::rate_over(last.codes_per_hour_7d, last.answering_ms_7d)
        )?;
    }
    if report.skipped_rows > 0 {
        writeln!(out, "\n{} malformed rows skipped", report.skipped_rows)?;
    }
    for (at, (log, head)) in report.log_heads().enumerate() {
        let gap = if at == 0 { "\n" } else { "" };
        writeln!(out, "{gap}Chain head of {}: {head}", visible(log))?;
    }
    Ok(())
}

/// `items` after `head`, separated by commas, in lines of at most `width` characters (an item
/// is never split; later lines are indented).
fn wrap(head: &str, items: &[String], width: usize) -> String {
    let mut text = head.to_string();
    let mut line = head.chars().count();
    for (at, item) in items.iter().enumerate() {
        let last = at + 1 == items.len();
        let piece = if last {
            item.clone()
        } else {
            format!("{item},")
        };
        let size = piece.chars().count();
        if line + 1 + size > width && line > 2 {
            text.push_str("\n ");
            line = 1;
        }
        text.push(' ');
        text.push_str(&piece);
        line += 1 + size;
    }
    text
}

/// Cuts `text` to `width` characters, keeping both ends (`icd10cm-c…com-001`).
pub(crate) fn shorten(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return text.to_string();
    }
    let tail = (width - 1) / 2;
    let head = width - 1 - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

/// Cuts `text` to `width` characters keeping its end (`…mmon/com-001`).
fn shorten_start(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return text.to_string();
    }
    let end: String = text.chars().skip(count + 1 - width).collect();
    format!("…{end}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{GroupBy, samples};

    #[test]
    fn table_without_groups_says_so_above_the_rule() {
        let report = samples::report(GroupBy::Deck, &[]);
        let table = TextTable::fitting(&report).table(&report);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(lines[0].starts_with("deck    attempts"));
        assert_eq!(lines[1], "(no attempts match)");
        assert_eq!(lines[2], "-".repeat("overall".len() + metrics_width()));
        assert!(lines[3].starts_with("overall        0"));
    }

    #[test]
    fn keys_too_long_for_their_column_keep_their_end_on_their_row() {
        let long = "icd10cm-common/a-rather-long-item-id";
        let report = samples::report(GroupBy::Item, &[(long, 2), ("short", 3)]);
        let table = TextTable::fitting(&report).table(&report);
        let lines: Vec<&str> = table.lines().collect();
        // The key column is as wide as the line allows; the long key is cut to it.
        let key_width = WIDTH - metrics_width();
        assert!(lines[1].starts_with("…-long-item-id        2"), "{table}");
        assert!(
            lines[2].starts_with(&format!("{:key_width$}        3", "short")),
            "{table}"
        );
        assert!(table.lines().all(|l| l.chars().count() <= WIDTH), "{table}");
    }

    #[test]
    fn shortens_from_the_start() {
        assert_eq!(shorten_start("icd10cm-common", 14), "icd10cm-common");
        assert_eq!(shorten_start("icd10pcs-surgery", 14), "…10pcs-surgery");
        assert_eq!(shorten_start("icd10pcs-surgery", 14).chars().count(), 14);
    }

    #[test]
    fn cuts_prompts_at_a_word() {
        let prompt = "Fracture nondisplaced, left radius, initial encounter";
        assert_eq!(cut_at_word(prompt, 80), prompt);
        assert_eq!(cut_at_word(prompt, 24), "Fracture nondisplaced…");
        assert_eq!(cut_at_word(prompt, 30), "Fracture nondisplaced, left…");
        // A word ending right at the cut is kept whole.
        assert_eq!(cut_at_word(prompt, 23), "Fracture nondisplaced…");
        assert_eq!(cut_at_word(prompt, 22), "Fracture…");
        assert_eq!(cut_at_word("Supercalifragilistic", 10), "Supercali…");
        for width in 1..prompt.len() {
            assert!(
                cut_at_word(prompt, width).chars().count() <= width,
                "{width}"
            );
        }
    }

    #[test]
    fn keys_are_shown_visibly_and_measured_as_shown() {
        let report = samples::report(GroupBy::User, &[("ana\x1b[2J", 1), ("ben", 2)]);
        let table = TextTable::fitting(&report).table(&report);
        assert!(!table.contains('\x1b'), "{table:?}");
        let lines: Vec<&str> = table.lines().collect();
        // The key column is as wide as the key as shown: 12 characters.
        assert!(lines[1].starts_with("ana\\u{1b}[2J        1"), "{table}");
        assert!(
            lines[2].starts_with(&format!("{:12} {:>8}", "ben", 2)),
            "{table}"
        );
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width), "{table}");
    }

    #[test]
    fn shortens_in_the_middle() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("icd10cm-common/com-001", 14), "icd10cm…om-001");
        assert_eq!(shorten("icd10cm-common/com-001", 14).chars().count(), 14);
    }

    #[test]
    fn wraps_at_spaces() {
        let items = [
            "typo 3".to_string(),
            "same_category 12".into(),
            "format 1".into(),
        ];
        assert_eq!(
            wrap("Near misses:", &items, 80),
            "Near misses: typo 3, same_category 12, format 1"
        );
        assert_eq!(
            wrap("Near misses:", &items, 32),
            "Near misses: typo 3,\n  same_category 12, format 1"
        );
    }
}
