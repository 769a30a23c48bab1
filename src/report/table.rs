//! Aligned text that fits an 80-column terminal.

use std::io::Write;

use anyhow::Result;

use super::{Exporter, Report, fmt};
use crate::metrics::Metrics;

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

pub struct TableExporter;

impl Exporter for TableExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        writeln!(out, "{}", shorten(&report.subtitle(), WIDTH))?;
        writeln!(out)?;
        let metrics_width: usize = COLUMNS.iter().map(|(_, w)| w + 1).sum();
        let longest = report.groups.iter().map(|g| g.key.chars().count()).max();
        let key_width = longest
            .unwrap_or(0)
            .max(report.by.name().len())
            .max("overall".len())
            .min(WIDTH - metrics_width);
        let mut header = format!("{:<key_width$}", report.by.name());
        for (name, width) in COLUMNS {
            header.push_str(&format!(" {name:>width$}"));
        }
        writeln!(out, "{header}")?;
        for group in &report.groups {
            // A key too long for its column gets a line of its own, whole.
            let key = if group.key.chars().count() > key_width {
                writeln!(out, "{}", shorten(&group.key, WIDTH))?;
                ""
            } else {
                &group.key
            };
            writeln!(out, "{}", row(key, &group.metrics, key_width))?;
        }
        if report.groups.is_empty() {
            writeln!(out, "(no attempts match)")?;
        }
        writeln!(out, "{}", "-".repeat(key_width + metrics_width))?;
        writeln!(out, "{}", row("overall", &report.overall, key_width))?;
        writeln!(
            out,
            "\nacc: accuracy; median, p90: seconds per answer; codes/h: correct codes per hour;\nkph: keystrokes per hour; near: share of near misses"
        )?;
        write_extras(report, out)
    }
}

fn row(key: &str, m: &Metrics, key_width: usize) -> String {
    let cells = fmt::cells(m);
    let mut line = format!("{key:<key_width$}");
    for (cell, (_, width)) in cells.iter().zip(COLUMNS) {
        line.push_str(&format!(" {cell:>width$}"));
    }
    line
}

fn write_extras(report: &Report, out: &mut dyn Write) -> Result<()> {
    if !report.weakest_items.is_empty() {
        writeln!(out, "\nWeakest items (accuracy of attempts):")?;
        for item in &report.weakest_items {
            let head = format!(
                "  {:>6} of {:<3} {}/{} {}",
                fmt::percent(item.accuracy),
                item.attempts,
                item.deck,
                item.item,
                item.expected
            );
            let room = WIDTH.saturating_sub(head.chars().count() + 3);
            if room > 8 && !item.prompt.is_empty() {
                writeln!(out, "{head} - {}", shorten(&item.prompt, room))?;
            } else {
                writeln!(out, "{}", shorten(&head, WIDTH))?;
            }
        }
    }
    if !report.near_miss_kinds.is_empty() {
        let kinds: Vec<String> = report
            .near_miss_kinds
            .iter()
            .map(|k| format!("{} {}", k.kind, k.count))
            .collect();
        writeln!(out, "\n{}", wrap("Near misses:", &kinds, WIDTH))?;
    }
    if let Some(best) = &report.progress.best_day {
        writeln!(
            out,
            "\nBest day: {} ({} of {} attempts, {} codes/h)",
            best.day,
            fmt::percent(best.accuracy),
            best.attempts,
            fmt::rate(best.codes_per_hour)
        )?;
    }
    if let Some(last) = report.progress.days.last() {
        writeln!(
            out,
            "Last 7 days to {}: {} accuracy, {} codes/h",
            last.day,
            fmt::percent(last.accuracy_7d),
            fmt::rate(last.codes_per_hour_7d)
        )?;
    }
    if report.skipped_rows > 0 {
        writeln!(out, "\n{} malformed rows skipped", report.skipped_rows)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
