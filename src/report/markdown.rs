//! GitHub-flavoured Markdown tables, to paste into a portfolio or a class page.

use std::io::Write;

use anyhow::Result;

use super::{Exporter, Report, fmt};
use crate::metrics::Metrics;

pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        writeln!(out, "# Coding accuracy and speed\n")?;
        writeln!(out, "{}\n", cell(&report.subtitle()))?;
        writeln!(
            out,
            "| {} | attempts | correct | accuracy | score | median | p90 | codes/hour | keystrokes/hour | near misses |",
            report.by.name()
        )?;
        writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
        for group in &report.groups {
            writeln!(out, "{}", row(&cell(&group.key), &group.metrics))?;
        }
        writeln!(out, "{}", row("**overall**", &report.overall))?;
        if !report.weakest_items.is_empty() {
            writeln!(out, "\n## Weakest items\n")?;
            writeln!(
                out,
                "| deck | item | prompt | answer | attempts | accuracy |"
            )?;
            writeln!(out, "|---|---|---|---|---:|---:|")?;
            for item in &report.weakest_items {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    cell(&item.deck),
                    cell(&item.item),
                    cell(&item.prompt),
                    cell(&item.expected),
                    item.attempts,
                    fmt::percent(item.accuracy)
                )?;
            }
        }
        if !report.near_miss_kinds.is_empty() {
            writeln!(out, "\n## Near misses\n")?;
            writeln!(out, "| kind | count | share |")?;
            writeln!(out, "|---|---:|---:|")?;
            for kind in &report.near_miss_kinds {
                writeln!(
                    out,
                    "| {} | {} | {} |",
                    cell(&kind.kind),
                    kind.count,
                    fmt::percent(kind.share)
                )?;
            }
        }
        if !report.progress.days.is_empty() {
            writeln!(out, "\n## Progress\n")?;
            writeln!(
                out,
                "| day | attempts | accuracy | 7-day accuracy | median | codes/hour | 7-day codes/hour |"
            )?;
            writeln!(out, "|---|---:|---:|---:|---:|---:|---:|")?;
            for day in &report.progress.days {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    day.day,
                    day.attempts,
                    fmt::percent(day.accuracy),
                    fmt::percent(day.accuracy_7d),
                    fmt::seconds(day.median_ms),
                    fmt::rate(day.codes_per_hour),
                    fmt::rate(day.codes_per_hour_7d)
                )?;
            }
            if let Some(best) = &report.progress.best_day {
                writeln!(
                    out,
                    "\nBest day: **{}**, {} of {} attempts, {} codes/hour.",
                    best.day,
                    fmt::percent(best.accuracy),
                    best.attempts,
                    fmt::rate(best.codes_per_hour)
                )?;
            }
        }
        Ok(())
    }
}

fn row(key: &str, m: &Metrics) -> String {
    format!("| {key} | {} |", fmt::cells(m).join(" | "))
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}
