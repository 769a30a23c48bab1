//! One row per group, then the `overall` row (recall attempts) and, when there were any, a
//! `transcription` row (keying speed, kept apart); opens cleanly in a spreadsheet (keys carry the
//! log's formula guard).

use std::io::Write;

use anyhow::Result;

use super::{Exporter, Report};
use crate::metrics::Metrics;
use crate::record::guard;
use crate::visible::visible;

/// The header, exactly.
pub(crate) const HEADER: [&str; 10] = [
    "key",
    "attempts",
    "correct",
    "accuracy",
    "score",
    "median_ms",
    "p90_ms",
    "codes_per_hour",
    "kph",
    "near_miss",
];

pub(crate) struct CsvExporter;

impl Exporter for CsvExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(HEADER)?;
        for group in &report.groups {
            writer.write_record(cells(&guard(&visible(&group.key)), &group.metrics))?;
        }
        writer.write_record(cells("overall", &report.overall))?;
        if let Some(m) = &report.transcription {
            writer.write_record(cells("transcription", m))?;
        }
        // The logs' chain heads close the file, in the key column, the metrics left empty.
        for (log, head) in report.log_heads() {
            let key = format!("chain head of {}: {head}", visible(log));
            let mut row: [String; 10] = Default::default();
            row[0] = guard(&key).into_owned();
            writer.write_record(row)?;
        }
        writer.flush()?;
        Ok(())
    }
}

fn cells(key: &str, m: &Metrics) -> [String; 10] {
    [
        key.to_string(),
        m.attempts.to_string(),
        m.correct.to_string(),
        m.accuracy.to_string(),
        m.score.to_string(),
        m.median_ms.to_string(),
        m.p90_ms.to_string(),
        m.codes_per_hour.to_string(),
        m.kph.to_string(),
        m.near_miss.to_string(),
    ]
}
