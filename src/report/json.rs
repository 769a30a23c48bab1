//! The whole [`Report`] as pretty JSON: `overall`, `groups` (each with its `key`), then
//! `weakest_items`, `progress`, `near_miss_kinds` and what the report was made from.

use std::io::Write;

use anyhow::Result;

use serde::Serialize;

use super::{Exporter, Report, ScheduleSummary};
use crate::visible::json_visible;

pub(crate) struct JsonExporter;

impl Exporter for JsonExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        let json = serde_json::to_string_pretty(report)?;
        writeln!(out, "{}", json_visible(&json))?;
        Ok(())
    }
}

/// The report with the learner's spaced-repetition figures as one more key, `schedule`.
pub(crate) fn write_scheduled(
    report: &Report,
    schedule: &ScheduleSummary,
    out: &mut dyn Write,
) -> Result<()> {
    #[derive(Serialize)]
    struct Scheduled<'a> {
        #[serde(flatten)]
        report: &'a Report,
        schedule: &'a ScheduleSummary,
    }
    let json = serde_json::to_string_pretty(&Scheduled { report, schedule })?;
    writeln!(out, "{}", json_visible(&json))?;
    Ok(())
}
