//! `codedrill report [LOG]...`: accuracy and speed over one or more logs, grouped one way,
//! in one of five formats.

use crate::exit::ExitStatus;
use crate::output;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};

use crate::drill::schedule::params::Params;
use crate::drill::schedule::time::Moment;
use crate::record::Mode;
use crate::report::progress::progress_bar;
use crate::report::reader::{self, WARNINGS_SHOWN};
use crate::report::schedule::{self as schedule_section, ScheduleSummary};
use crate::report::{Aggregator, Filters, Format, GroupBy, Report, write_revlog};
use crate::settings::Settings;
use crate::visible::visible;

const EXAMPLES: &str = "\
Examples:
  codedrill report                          by deck, from the default log
  codedrill report --by day --since 2026-11-01
  codedrill report class-logs/ --by user    every *.csv in the folder
  codedrill report --user ana --format html -o ana.html
  codedrill report a.csv b.csv --format csv > summary.csv
  codedrill report --user ana --format revlog -o revlog.csv   for the FSRS optimizer

Dates are the local dates written in the log's timestamps; --since and --until include
the days they name. Without --format, -o FILE picks the format from its extension
(.csv .json .md .html .txt).

A report of one user's attempts ends with her spaced repetition: retention (due reviews
answered right), items by state and the reviews due in the next 7 days.";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Log files, or folders whose *.csv files are logs [default: the attempt log]
    #[arg(value_name = "LOG")]
    pub logs: Vec<PathBuf>,
    /// What each row of the report is
    #[arg(long, value_enum, default_value_t = GroupBy::Deck)]
    pub by: GroupBy,
    /// Only attempts on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// Only attempts on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<NaiveDate>,
    /// Only attempts on this deck
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// Only attempts of this kind of session
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// Output format [default: table, or what -o's extension names]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub shared: crate::settings::ReportOptions,
}

/// A `YYYY-MM-DD` date of the years 1 to 9999: those a log's timestamps can hold, and all a
/// report can show (chrono also reads signed and five-digit years, which would not compare
/// with logged dates, or not fit where a date is shown).
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|err| format!("{text:?} is not a date like 2026-11-27 ({err})"))?;
    if !(1..=9999).contains(&date.year()) {
        return Err(format!(
            "{text:?} is out of range: dates are from 0001-01-01 to 9999-12-31"
        ));
    }
    Ok(date)
}

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since > until
    {
        bail!("--since {since} is after --until {until}: no day can match");
    }
    let filters = Filters {
        since: args.since,
        until: args.until,
        user: settings.user_given.clone(),
        deck: args.deck.clone(),
        mode: args.mode,
    };
    let logs = if args.logs.is_empty() {
        let path = settings.log_path()?.to_path_buf();
        if !path.exists() {
            anyhow::bail!(
                "no attempts logged yet at {}: run `codedrill drill` first, or name a log",
                path.display()
            );
        }
        vec![path]
    } else {
        args.logs.clone()
    };
    let format = report_format(args)?;
    let logs = reader::expand_logs(&logs)?;
    // Made before the logs are read: `-o` may not name one of them, and a path that cannot be
    // written fails at once.
    let inputs: Vec<&Path> = logs.iter().map(PathBuf::as_path).collect();
    let output = match &args.output {
        Some(path) => Some((path, output::create(path, &inputs)?)),
        None => None,
    };
    let written = output.as_ref().map(|(path, _)| path.display().to_string());
    if format == Format::Revlog {
        let params = Params::resolve(settings, None, None)?;
        write_to(output, |out| {
            write_revlog(&logs, &filters, &params, out).map(drop)
        })?;
    } else {
        // A one-day page draws a point per session, so the HTML report keeps sessions.
        let report = make_report(&logs, args.by, &filters, format == Format::Html)?;
        let schedule = learner_schedule(&report, &logs, &filters, format, settings)?;
        write_to(output, |out| {
            schedule_section::write(format, &report, schedule.as_ref(), out)
        })?;
    }
    if let Some(path) = written {
        writeln!(std::io::stdout(), "Report written to {}", visible(&path))?;
    }
    Ok(ExitStatus::Success)
}

/// The format asked for: `--format`, else what `-o`'s extension names, else a table. An `-o`
/// file whose extension names no format (`report.pdf`) is refused rather than filled with a
/// table.
fn report_format(args: &Args) -> Result<Format> {
    if let Some(format) = args.format {
        return Ok(format);
    }
    let Some(path) = args.output.as_deref() else {
        return Ok(Format::Table);
    };
    match (path.extension(), Format::from_extension(path)) {
        (_, Some(format)) => Ok(format),
        (None, None) => Ok(Format::Table),
        (Some(_), None) => bail!(
            "-o {}: codedrill cannot write that format; name a file ending in .txt, .csv, .json, .md or .html, or give --format",
            visible(&path.display().to_string())
        ),
    }
}

/// Reads every log and builds the report; warnings go to stderr as `FILE:LINE: message`.
pub fn make_report(
    logs: &[PathBuf],
    by: GroupBy,
    filters: &Filters,
    sessions: bool,
) -> Result<Report> {
    let total = logs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let progress = progress_bar(total);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let new = || {
        let aggregator = Aggregator::new(by, filters);
        if sessions {
            aggregator.with_sessions()
        } else {
            aggregator
        }
    };
    let mut all = new();
    let mut heads = Vec::new();
    for (path, result) in logs
        .iter()
        .zip(reader::read_files(logs, &new, threads, &progress))
    {
        let result = result?;
        progress.suspend(|| {
            // A warning quotes the log's path and may quote its text: shown, never obeyed.
            for warning in &result.warnings {
                eprintln!("{}", visible(&warning.to_string()));
            }
            if result.skipped > WARNINGS_SHOWN as u64 {
                eprintln!(
                    "{}: {} rows skipped in all ({} shown)",
                    visible(&path.display().to_string()),
                    result.skipped,
                    WARNINGS_SHOWN
                );
            }
        });
        all.merge(result.aggregator);
        heads.push(
            result
                .head
                .map_or("unchained".to_string(), |head| head.to_string()),
        );
    }
    progress.finish_and_clear();
    let names = logs.iter().map(|p| p.display().to_string()).collect();
    let mut report = all.finish(names);
    report.chain_heads = heads;
    Ok(report)
}

/// The spaced-repetition section of a report that counts one user's recall attempts (a class
/// report has none, and neither has the CSV table of groups); made in a pass of its own over
/// the logs.
fn learner_schedule(
    report: &Report,
    logs: &[PathBuf],
    filters: &Filters,
    format: Format,
    settings: &Settings,
) -> Result<Option<ScheduleSummary>> {
    let [user] = report.users.as_slice() else {
        return Ok(None);
    };
    if format == Format::Csv || filters.mode == Some(Mode::Transcribe) {
        return Ok(None);
    }
    let params = Params::resolve(settings, None, None)?;
    let summary = schedule_section::summarize(logs, user, filters, &params, Moment::now())?;
    Ok(Some(summary))
}

/// Runs `write` on the output file, or on standard output.
fn write_to(
    output: Option<(&PathBuf, File)>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    match output {
        Some((path, file)) => {
            let mut out = BufWriter::new(file);
            write(&mut out)
                .and_then(|()| out.flush().map_err(Into::into))
                .with_context(|| format!("cannot write report to {}", path.display()))
        }
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            write(&mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_of_the_years_1_to_9999() {
        for good in ["0001-01-01", "2026-11-27", " 2026-11-27 ", "9999-12-31"] {
            assert!(parse_date(good).is_ok(), "{good}");
        }
        for out in ["+10000-01-01", "-0001-01-01", "0000-12-31", "+99999-01-01"] {
            let message = parse_date(out).unwrap_err();
            assert!(
                message.ends_with("out of range: dates are from 0001-01-01 to 9999-12-31"),
                "{out}: {message}"
            );
        }
        assert!(parse_date("2026-13-01").unwrap_err().contains("not a date"));
    }
}
