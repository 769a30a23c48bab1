//! `codedrill report`: every format on a fixture log (insta snapshots), metric edge cases, bad
//! input, several logs and folders, and the fast reader agreeing with the log module's reader.

use std::fmt::Write as _;

use std::path::{Path, PathBuf};

use crate::common::{Scratch, codedrill, fixture};
use codedrill::log::{self, Warning};
use codedrill::metrics::Accumulator;
use codedrill::record::{self, COLUMNS, HEADER};
use codedrill::report::reader::{self, FileResult};
use codedrill::report::{Aggregator, Filters, GroupBy, Report};
use indicatif::ProgressBar;
use predicates::prelude::*;

const CLASS: &str = "fixtures/logs/class.csv";

/// `codedrill report ARGS...` run from the package folder, so fixture paths in the output are
/// the same everywhere; stdout on success.
fn report(args: &[&str]) -> String {
    let output = codedrill()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("report")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&report(&all)).expect("valid JSON")
}

/// One attempt as a log row.
struct Row {
    day: &'static str,
    user: &'static str,
    deck: &'static str,
    item: &'static str,
    verdict: &'static str,
    detail: &'static str,
    score: &'static str,
    elapsed_ms: u64,
    keystrokes: u64,
}

impl Row {
    fn new(verdict: &'static str, elapsed_ms: u64) -> Row {
        Row {
            day: "2026-11-20",
            user: "ana",
            deck: "common",
            item: "c1",
            verdict,
            detail: "",
            score: if verdict == "correct" { "1" } else { "0" },
            elapsed_ms,
            keystrokes: 6,
        }
    }

    fn line(&self) -> String {
        format!(
            "{}T10:00:00-05:00,s1,{},practice,{},{},icd10cm,Endocrine,\"Type 2 diabetes, no complications\",E11.9,E11.9,{},{},{},{},500,{},0\n",
            self.day,
            self.user,
            self.deck,
            self.item,
            self.verdict,
            self.detail,
            self.score,
            self.elapsed_ms,
            self.keystrokes
        )
    }
}

fn write_log(path: &Path, rows: &[Row]) {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(&row.line());
    }
    std::fs::write(path, text).expect("log written");
}

/// The report of rows, made by the library on one thread.
fn report_of(rows: &[Row], by: GroupBy) -> Report {
    let scratch = Scratch::new();
    write_log(&scratch.log(), rows);
    read(&scratch.log(), by, 1).aggregator.finish(vec![])
}

fn read(path: &Path, by: GroupBy, threads: usize) -> FileResult {
    let filters = Filters::default();
    let new = || Aggregator::new(by, &filters);
    reader::read_file(path, &new, threads, &ProgressBar::hidden()).expect("log read")
}

// ---- every format on the fixture log -------------------------------------------------------

#[test]
fn table_snapshot() {
    let table = report(&[CLASS]);
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    insta::assert_snapshot!(table);
}

#[test]
fn table_by_item_fits_80_columns() {
    let table = report(&[CLASS, "--by", "item"]);
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    assert!(table.contains("icd10cm-common/icd-001"));
}

#[test]
fn csv_snapshot() {
    let text = report(&[CLASS, "--format", "csv", "--by", "user"]);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "key",
            "attempts",
            "correct",
            "accuracy",
            "score",
            "median_ms",
            "p90_ms",
            "codes_per_hour",
            "kph",
            "near_miss"
        ]
    );
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(&records.last().unwrap()[0], "overall");
    let groups: u64 = records[..records.len() - 1]
        .iter()
        .map(|r| r[1].parse::<u64>().unwrap())
        .sum();
    assert_eq!(groups, 90);
    insta::assert_snapshot!(text);
}

#[test]
fn json_snapshot() {
    let text = report(&[CLASS, "--format", "json", "--by", "day"]);
    let at = |key: &str| text.find(&format!("\n  \"{key}\": ")).expect(key);
    assert_eq!(text.find('{'), Some(0));
    assert!(at("overall") < at("groups"), "the SPEC's shape first");
    for extra in ["weakest_items", "progress", "near_miss_kinds"] {
        assert!(at("groups") < at(extra));
    }
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(report(&[CLASS, "--format", "markdown"]));
}

#[test]
fn html_snapshot_without_the_charts() {
    let html = report(&[CLASS, "--format", "html"]);
    assert_eq!(html.matches("<svg").count(), 4, "four charts");
    assert_eq!(html.matches("</svg>").count(), 4);
    insta::assert_snapshot!(without_svg(&html));
}

/// The page with each chart's SVG body replaced by its size (plotters' output is checked by
/// eye, not byte for byte).
fn without_svg(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("</svg>").expect("closed") + start + "</svg>".len();
        let open = &rest[start..rest[start..].find('>').unwrap() + start + 1];
        write!(out, "{open}…</svg>").unwrap();
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn html_is_self_contained() {
    let html = report(&[CLASS, "--format", "html", "--user", "user01"]);
    let lower = html.to_lowercase();
    assert!(!lower.contains("http"), "no URL of any kind");
    for external in ["<script", "<link", "src=", "href=", "@import", "url("] {
        assert!(!lower.contains(external), "{external} found");
    }
    assert!(html.contains("<strong>Who:</strong> user01"));
    assert!(html.contains("Accuracy per day") && html.contains("Answer times"));
}

#[test]
fn html_escapes_keys() {
    let scratch = Scratch::new();
    let mut row = Row::new("correct", 2000);
    row.deck = "<b>&deck";
    write_log(&scratch.log(), &[row]);
    let out = report(&[scratch.log().to_str().unwrap(), "--format", "html"]);
    assert!(out.contains("&lt;b&gt;&amp;deck") && !out.contains("<b>&deck"));
}

#[test]
fn markdown_escapes_keys_and_prompts() {
    let scratch = Scratch::new();
    let mut rows = [Row::new("incorrect", 2000), Row::new("incorrect", 3000)];
    for row in &mut rows {
        row.deck = "<img src=x onerror=alert(1)>|`x`";
        row.item = "[x](javascript:alert(1))";
    }
    write_log(&scratch.log(), &rows);
    let out = report(&[scratch.log().to_str().unwrap(), "--format", "markdown"]);
    let deck = r"&lt;img src=x onerror=alert\(1\)&gt;\|\`x\`";
    assert!(out.contains(&format!("\n| {deck} | 2 | 0 |")), "{out}");
    assert!(out.contains(&format!(
        "\n| {deck} | \\[x\\]\\(javascript:alert\\(1\\)\\) | Type 2 diabetes, no complications |"
    )));
    for raw in ["<img", "|`x`", "[x](", "alert(1)"] {
        assert!(!out.contains(raw), "{raw} in {out}");
    }
}

// ---- metrics --------------------------------------------------------------------------------

#[test]
fn one_attempt() {
    let r = report_of(&[Row::new("correct", 4000)], GroupBy::Deck);
    let m = &r.overall;
    assert_eq!(
        (m.attempts, m.correct, m.accuracy, m.score),
        (1, 1, 1.0, 1.0)
    );
    assert_eq!((m.median_ms, m.p90_ms), (4000.0, 4000.0));
    assert_eq!(m.codes_per_hour, 900.0);
    assert_eq!(m.kph, 5400.0);
    assert_eq!(r.groups.len(), 1);
    assert!(
        r.weakest_items.is_empty(),
        "one attempt is not enough to be weak"
    );
}

#[test]
fn even_number_of_attempts_interpolates_the_median() {
    let rows: Vec<Row> = [1000, 2000, 3000, 10_000]
        .map(|ms| Row::new("correct", ms))
        .into();
    let m = report_of(&rows, GroupBy::Deck).overall;
    assert_eq!(m.median_ms, 2500.0);
    assert_eq!(m.p90_ms, 7900.0); // 3000 + 0.7 * 7000, as pandas computes it
}

#[test]
fn zero_elapsed_time_gives_no_rates() {
    let m = report_of(
        &[Row::new("correct", 0), Row::new("incorrect", 0)],
        GroupBy::Deck,
    )
    .overall;
    assert_eq!(
        (m.attempts, m.median_ms, m.codes_per_hour, m.kph),
        (2, 0.0, 0.0, 0.0)
    );
    assert_eq!(m.accuracy, 0.5);
}

#[test]
fn every_verdict_kind() {
    let mut rows = Vec::new();
    for verdict in [
        "correct",
        "partial",
        "near_miss",
        "near_miss",
        "incorrect",
        "invalid",
        "skipped",
        "timed_out",
    ] {
        let mut row = Row::new(verdict, 3000);
        if verdict == "partial" {
            row.score = "0.5";
            row.detail = "sequence";
        }
        if verdict == "near_miss" {
            row.detail = if rows.iter().any(|r: &Row| r.verdict == "near_miss") {
                "typo"
            } else {
                "same_category"
            };
        }
        rows.push(row);
    }
    let r = report_of(&rows, GroupBy::Deck);
    let m = &r.overall;
    assert_eq!((m.attempts, m.correct), (8, 1));
    assert_eq!(m.accuracy, 0.125);
    assert_eq!(m.score, 0.1875); // (1 + 0.5) / 8
    assert_eq!(m.near_miss, 0.25);
    let kinds: Vec<(&str, u64)> = r
        .near_miss_kinds
        .iter()
        .map(|k| (k.kind.as_str(), k.count))
        .collect();
    assert_eq!(kinds, [("same_category", 1), ("typo", 1)]);
    assert_eq!(r.weakest_items.len(), 1);
    assert_eq!(
        (r.weakest_items[0].attempts, r.weakest_items[0].correct),
        (8, 1)
    );
}

#[test]
fn group_attempts_sum_to_the_overall_count() {
    for by in [
        "deck", "system", "category", "item", "day", "session", "user",
    ] {
        let value = json(&[CLASS, "fixtures/logs/folder", "--by", by]);
        let groups = value["groups"].as_array().unwrap();
        let sum: u64 = groups.iter().map(|g| g["attempts"].as_u64().unwrap()).sum();
        let correct: u64 = groups.iter().map(|g| g["correct"].as_u64().unwrap()).sum();
        assert_eq!(
            sum,
            value["overall"]["attempts"].as_u64().unwrap(),
            "--by {by}"
        );
        assert_eq!(
            correct,
            value["overall"]["correct"].as_u64().unwrap(),
            "--by {by}"
        );
        assert_eq!(sum, 180, "--by {by}");
    }
}

#[test]
fn agrees_with_the_log_reader_and_the_drill_metrics() {
    for name in ["class.csv", "cut.csv"] {
        let path = PathBuf::from(fixture(&format!("logs/{name}")));
        let mut acc = Accumulator::default();
        let mut warnings = Vec::new();
        log::read_log(
            &path,
            |a| acc.add(a.verdict, a.score, a.elapsed_ms, a.keystrokes),
            |w| warnings.push(w),
        )
        .unwrap();
        let result = read(&path, GroupBy::Day, 1);
        assert_eq!(result.warnings, warnings, "{name}");
        assert_eq!(read_csv(&path, GroupBy::Day).warnings, warnings, "{name}");
        let report = result.aggregator.finish(vec![]);
        let expected = acc.metrics();
        assert_eq!(report.overall.attempts, expected.attempts, "{name}");
        assert_eq!(report.overall.correct, expected.correct, "{name}");
        assert_eq!(report.overall.median_ms, expected.median_ms, "{name}");
        assert!(
            (report.overall.score - expected.score).abs() < 1e-4,
            "{name}"
        );
        assert!((report.overall.kph - expected.kph).abs() < 0.1, "{name}");
    }
}

#[test]
fn progress_has_moving_figures_and_a_best_day() {
    let mut rows = Vec::new();
    for (day, correct) in [("2026-11-01", 2), ("2026-11-02", 5), ("2026-11-10", 4)] {
        for n in 0..5 {
            let mut row = Row::new(if n < correct { "correct" } else { "incorrect" }, 1000);
            row.day = day;
            rows.push(row);
        }
    }
    let progress = report_of(&rows, GroupBy::Deck).progress;
    let days: Vec<(&str, f64, f64)> = progress
        .days
        .iter()
        .map(|d| (d.day.as_str(), d.accuracy, d.accuracy_7d))
        .collect();
    assert_eq!(
        days,
        [
            ("2026-11-01", 0.4, 0.4),
            ("2026-11-02", 1.0, 0.7),
            ("2026-11-10", 0.8, 0.8)
        ]
    );
    assert_eq!(progress.best_day.unwrap().day, "2026-11-02");
}

// ---- filters and inputs ---------------------------------------------------------------------

#[test]
fn filters_by_user_deck_and_dates() {
    let all = json(&[CLASS, "--by", "user"]);
    let one = json(&[CLASS, "--user", "user01"]);
    let user01 = all["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "user01")
        .unwrap();
    assert_eq!(one["overall"]["attempts"], user01["attempts"]);
    assert_eq!(one["users"], serde_json::json!(["user01"]));

    let deck = json(&[CLASS, "--deck", "icd10cm-injury", "--by", "deck"]);
    let keys: Vec<&str> = deck["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["icd10cm-injury"]);

    let by_day = json(&[CLASS, "--by", "day"]);
    let days: Vec<&str> = by_day["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert!(days.len() >= 3, "{days:?}");
    let (since, until) = (days[1], days[days.len() - 2]);
    let window = json(&[CLASS, "--by", "day", "--since", since, "--until", until]);
    let kept: Vec<&str> = window["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(kept, days[1..days.len() - 1], "both ends included");
    assert_eq!(window["period"]["from"], since);
}

#[test]
fn bad_dates_are_usage_errors() {
    for bad in ["2026-13-01", "yesterday", "27/11/2026"] {
        codedrill()
            .args(["report", &fixture("logs/class.csv"), "--since", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--since"));
    }
    codedrill()
        .args([
            "report",
            &fixture("logs/class.csv"),
            "--since",
            "2026-11-02",
            "--until",
            "2026-11-01",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--since 2026-11-02 is after --until 2026-11-01",
        ));
}

#[test]
fn cut_and_malformed_rows_are_skipped_with_warnings() {
    let cut = fixture("logs/cut.csv");
    codedrill()
        .args(["report", &cut, "--format", "csv"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "{cut}:10: `elapsed_ms` is not a whole number: \"abc\"; row skipped"
        )))
        .stderr(predicate::str::contains(format!(
            "{cut}:13: row has 9 fields, expected 18 (cut short?); row skipped"
        )))
        .stdout(predicate::str::contains("\noverall,10,"));
}

#[test]
fn foreign_logs_are_refused_by_name() {
    let foreign = fixture("logs/foreign.csv");
    codedrill()
        .args(["report", &fixture("logs/class.csv"), &foreign])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "{foreign} is not a codedrill log"
        )));
}

#[test]
fn unreadable_inputs_are_errors_naming_them() {
    let scratch = Scratch::new();
    let missing = scratch.path("nope.csv");
    codedrill()
        .args(["report", missing.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "cannot read log {}",
            missing.display()
        )));
    let empty_folder = scratch.path("empty");
    std::fs::create_dir(&empty_folder).unwrap();
    codedrill()
        .args(["report", empty_folder.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "folder {} holds no *.csv logs",
            empty_folder.display()
        )));
}

#[test]
fn several_logs_and_folders() {
    let both = json(&[CLASS, "fixtures/logs/folder/a.csv"]);
    assert_eq!(both["overall"]["attempts"], 140);
    assert_eq!(
        both["logs"],
        serde_json::json!([CLASS, "fixtures/logs/folder/a.csv"])
    );
    let folder = json(&["fixtures/logs/folder", "--by", "user"]);
    assert_eq!(
        folder["overall"]["attempts"], 90,
        "a.csv and b.csv; notes.txt ignored"
    );
    assert_eq!(folder["logs"].as_array().unwrap().len(), 2);
}

#[test]
fn default_log_and_output_file() {
    let scratch = Scratch::new();
    write_log(
        &scratch.log(),
        &[Row::new("correct", 2000), Row::new("near_miss", 3000)],
    );
    let out = scratch.path("report.html");
    codedrill()
        .env("CODEDRILL_LOG", scratch.log())
        .args(["report", "-o", out.to_str().unwrap()])
        .assert()
        .success()
        .stdout(format!("Report written to {}\n", out.display()));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "format from the extension"
    );
    assert!(html.contains("<strong>Who:</strong> ana"));
    let table = codedrill()
        .env("CODEDRILL_LOG", scratch.log())
        .arg("report")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("overall"));
}

#[test]
fn global_user_option_filters_reports_without_defaulting_to_user() {
    let scratch = Scratch::new();
    let mut ben = Row::new("correct", 2000);
    ben.user = "ben";
    write_log(&scratch.log(), &[Row::new("correct", 2000), ben]);
    let log = scratch.log();
    let all = codedrill()
        .env("USER", "ana")
        .args(["report", log.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(all["overall"]["attempts"], 2);
    let ben: serde_json::Value = serde_json::from_slice(
        &codedrill()
            .args([
                "--user",
                "ben",
                "report",
                log.to_str().unwrap(),
                "--format",
                "json",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(ben["overall"]["attempts"], 1);
}

// ---- the parallel reader --------------------------------------------------------------------

/// A log of `rows` rows of the fixture (over 4 MiB, so it is read in parallel), with a
/// malformed row every 7919 rows; `newline_in_prompt` puts a quoted line break in every prompt.
fn big_log(path: &Path, rows: usize, newline_in_prompt: bool) {
    let class = std::fs::read_to_string(fixture("logs/class.csv")).unwrap();
    let body: Vec<&str> = class.lines().skip(1).collect();
    let mut text = format!("{HEADER}\n");
    for n in 0..rows {
        let line = body[n % body.len()];
        if n % 7919 == 7918 {
            text.push_str(&line.replacen(",icd10cm,", ",icd10cm,x,", 1));
        } else if newline_in_prompt {
            let mut record = csv::StringRecord::from(line.split(',').collect::<Vec<_>>());
            let fields: Vec<String> = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes())
                .records()
                .next()
                .unwrap()
                .unwrap()
                .iter()
                .map(str::to_string)
                .collect();
            record.clear();
            for (at, field) in fields.iter().enumerate() {
                if COLUMNS[at] == "prompt" {
                    record.push_field(&format!("{field}\nsecond line"))
                } else {
                    record.push_field(field)
                }
            }
            let mut writer = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(vec![]);
            writer.write_record(&record).unwrap();
            text.push_str(std::str::from_utf8(&writer.into_inner().unwrap()).unwrap());
            continue;
        } else {
            text.push_str(line);
        }
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// Reads `path` as an independent oracle would: records from the csv crate, each checked by
/// the record module, warnings at the csv crate's line numbers.
fn read_csv(path: &Path, by: GroupBy) -> FileResult {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    let mut aggregator = Aggregator::new(by, &Filters::default());
    let mut warnings = Vec::new();
    let mut skipped = 0;
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    loop {
        let line = reader.position().line();
        if !reader.read_byte_record(&mut record).unwrap() {
            break;
        }
        if std::mem::take(&mut first) {
            continue;
        }
        let fields: Vec<&[u8]> = record.iter().collect();
        match record::parse_fields(&fields) {
            Ok(attempt) => aggregator.add(&attempt),
            Err(message) => {
                skipped += 1;
                if warnings.len() < reader::WARNINGS_SHOWN {
                    warnings.push(Warning {
                        path: path.display().to_string(),
                        line,
                        message: format!("{message}; row skipped"),
                    });
                }
            }
        }
    }
    aggregator.skip(skipped);
    FileResult {
        aggregator,
        warnings,
        skipped,
    }
}

/// The block reader (two threads) and a CSV parser agree on every report and warning; on
/// line numbers too unless `crlf` (after a CRLF row the csv crate counts one line short).
fn same_results(path: &Path, crlf: bool) {
    for by in [GroupBy::Deck, GroupBy::Day, GroupBy::Item] {
        let csv = read_csv(path, by);
        let blocks = read(path, by, 2);
        let lines = |r: &FileResult| -> Vec<(u64, String)> {
            r.warnings
                .iter()
                .map(|w| (if crlf { 0 } else { w.line }, w.message.clone()))
                .collect()
        };
        assert_eq!(lines(&blocks), lines(&csv), "{by:?}");
        assert_eq!(blocks.skipped, csv.skipped);
        assert_eq!(
            blocks.aggregator.finish(vec![]),
            csv.aggregator.finish(vec![]),
            "{by:?}"
        );
    }
}

#[test]
fn parallel_reading_gives_the_same_report() {
    let scratch = Scratch::new();
    let path = scratch.log();
    big_log(&path, 40_000, false);
    assert!(std::fs::metadata(&path).unwrap().len() > 5 << 20);
    let result = read(&path, GroupBy::Deck, 2);
    assert_eq!(result.skipped, 40_000 / 7919);
    assert_eq!(
        result.warnings[0].line,
        7919 + 1,
        "file lines, header included"
    );
    same_results(&path, false);
}

#[test]
fn parallel_reading_handles_odd_lines_like_a_csv_reader() {
    let scratch = Scratch::new();
    let path = scratch.log();
    big_log(&path, 30_000, false);
    let text = std::fs::read(&path).unwrap();
    let mut odd = Vec::with_capacity(text.len() + 100_000);
    for (n, line) in text.split_inclusive(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        match n % 1000 {
            _ if n == 0 => odd.extend_from_slice(line),
            100 => odd.extend_from_slice(b"\n"), // an empty line before the row
            200 => odd.extend_from_slice(&line.replace(",practice,", ",prac\"tice,")), // a bare quote
            300 => odd.extend_from_slice(&line.replace(",practice,", b",\xff\xfe,")),  // not UTF-8
            400 => {
                odd.extend_from_slice(&line.replace(",practice,", ",\"practice, \"\"drill\"\"\","))
            }
            500 => odd.extend_from_slice(b"\"just a quoted field\""),
            _ => odd.extend_from_slice(line),
        }
        odd.extend_from_slice(if n % 7 == 3 { b"\r\n" } else { b"\n" });
    }
    odd.extend_from_slice(b"2026-11-20T10:00:00Z,s,u,practice,d,i,icd10cm,c,\"cut short");
    std::fs::write(&path, odd).unwrap();
    same_results(&path, true);
    let result = read(&path, GroupBy::Deck, 2);
    // 30 lines of one quoted field, 3 rows with 19 fields, the cut row, and the rows not UTF-8.
    assert!(
        result.skipped > 30 + 3,
        "bad rows counted: {}",
        result.skipped
    );
}

#[test]
fn quoted_line_breaks_fall_back_to_one_thread() {
    let scratch = Scratch::new();
    let path = scratch.log();
    big_log(&path, 40_000, true);
    same_results(&path, false);
}

trait Replace {
    fn replace(&self, from: &str, to: impl AsRef<[u8]>) -> Vec<u8>;
}

impl Replace for [u8] {
    /// Replaces the first `from` (a line of the fixture holds it once at most).
    fn replace(&self, from: &str, to: impl AsRef<[u8]>) -> Vec<u8> {
        let from = from.as_bytes();
        match self.windows(from.len()).position(|w| w == from) {
            Some(at) => [&self[..at], to.as_ref(), &self[at + from.len()..]].concat(),
            None => self.to_vec(),
        }
    }
}

#[test]
fn reports_filter_and_group_by_mode() {
    let by_mode = json(&[CLASS, "--by", "mode"]);
    let keys: Vec<&str> = by_mode["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["exam", "practice", "review", "transcribe"]);
    let exam = json(&[CLASS, "--mode", "exam"]);
    let exam_attempts = by_mode["groups"][0]["attempts"].as_u64().unwrap();
    assert_eq!(exam["overall"]["attempts"].as_u64(), Some(exam_attempts));
    assert_eq!(exam["filters"]["mode"], "exam");
    codedrill()
        .args(["report", &fixture("logs/class.csv"), "--mode", "nope"])
        .assert()
        .code(2);
}
