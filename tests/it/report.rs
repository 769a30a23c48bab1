//! `codedrill report`: every format on a fixture log (insta snapshots), metric edge cases, bad
//! input, several logs and folders, and the fast reader agreeing with the log module's reader.

use std::fmt::Write as _;

use std::path::{Path, PathBuf};

use crate::common::{Scratch, codedrill, fixture};
use codedrill::log::{self, Warning};
use codedrill::metrics::Accumulator;
use codedrill::record::{self, COLUMNS, HEADER, Mode};
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
    let mut records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    // Last, the log's chain head in the key column (the fixture is an unchained log).
    let head = records.pop().unwrap();
    assert_eq!(&head[0], "chain head of class.csv: unchained");
    assert!(head.iter().skip(1).all(str::is_empty));
    // The groups, the overall row (recall), then transcription apart.
    let n = records.len();
    assert_eq!(&records[n - 2][0], "overall");
    assert_eq!(
        (&records[n - 1][0], &records[n - 1][1]),
        ("transcription", "20")
    );
    let groups: u64 = records[..n - 2]
        .iter()
        .map(|r| r[1].parse::<u64>().unwrap())
        .sum();
    assert_eq!(groups, 70);
    assert_eq!(&records[n - 2][1], "70");
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
        "deck", "system", "category", "item", "day", "session", "user", "mode",
    ] {
        let value = json(&[CLASS, "fixtures/logs/folder", "--by", by]);
        let groups = value["groups"].as_array().unwrap();
        // Recall attempts are in the groups and the overall row; the 44 transcriptions are
        // apart (in a group of their own when grouped by mode, never in the overall row).
        let transcribed = &value["transcription"];
        assert_eq!(transcribed["attempts"], 44, "--by {by}");
        let recall: Vec<&serde_json::Value> = groups
            .iter()
            .filter(|g| by != "mode" || g["key"] != "transcribe")
            .collect();
        if by == "mode" {
            let group = groups.iter().find(|g| g["key"] == "transcribe").unwrap();
            assert_eq!(group["attempts"], transcribed["attempts"]);
            assert_eq!(group["kph"], transcribed["kph"]);
        }
        let sum: u64 = recall.iter().map(|g| g["attempts"].as_u64().unwrap()).sum();
        let correct: u64 = recall.iter().map(|g| g["correct"].as_u64().unwrap()).sum();
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
        assert_eq!(sum, 136, "--by {by}");
    }
}

#[test]
fn agrees_with_the_log_reader_and_the_drill_metrics() {
    for name in ["class.csv", "cut.csv"] {
        let path = PathBuf::from(fixture(&format!("logs/{name}")));
        // The overall row is recall; transcription is apart.
        let (mut acc, mut transcribed) = (Accumulator::default(), Accumulator::default());
        let mut warnings = Vec::new();
        log::read_log(
            &path,
            |a| {
                let sums = if a.mode == Mode::Transcribe {
                    &mut transcribed
                } else {
                    &mut acc
                };
                sums.add(a.verdict, a.score, a.elapsed_ms, a.keystrokes)
            },
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
        let apart = report.transcription.map_or(0, |m| m.attempts);
        assert_eq!(apart, transcribed.attempts(), "{name}");
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
    // 140 attempts: 96 recall, 44 transcription.
    assert_eq!(both["overall"]["attempts"], 96);
    assert_eq!(both["transcription"]["attempts"], 44);
    assert_eq!(
        both["logs"],
        serde_json::json!([CLASS, "fixtures/logs/folder/a.csv"])
    );
    let folder = json(&["fixtures/logs/folder", "--by", "user"]);
    assert_eq!(
        (
            &folder["overall"]["attempts"],
            &folder["transcription"]["attempts"]
        ),
        (&serde_json::json!(66), &serde_json::json!(24)),
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
        head: None,
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

// ---- sessions, transcription apart, rates held back ----------------------------------------

/// A log of one day: a practice session at 09:05 (two decks), a transcription session at
/// 10:00 and a review session at 14:30; answers of 40 s each.
fn one_day_log(scratch: &Scratch) -> PathBuf {
    let row = |time: &str, session: &str, mode: &str, deck: &str, verdict: &str| {
        let score = if verdict == "correct" { 1 } else { 0 };
        format!(
            "2026-11-20T{time}-05:00,{session},ana,{mode},{deck},i1,icd10cm,,Diabetes,E11.9,E11.9,{verdict},,{score},40000,900,6,0\n"
        )
    };
    let mut text = format!("{HEADER}\n");
    // Written out of order: sessions are shown by when they ran, not by id or file order.
    text += &row("14:30:00", "b-review", "review", "common", "incorrect");
    text += &row("14:31:00", "b-review", "review", "common", "correct");
    text += &row("09:05:00", "z-practice", "practice", "common", "correct");
    text += &row("09:06:00", "z-practice", "practice", "injury", "correct");
    text += &row("09:07:00", "z-practice", "practice", "common", "correct");
    text += &row("10:00:00", "m-keys", "transcribe", "common", "correct");
    let path = scratch.path("day.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn by_session_names_when_each_ran_its_mode_and_decks_in_order() {
    let scratch = Scratch::new();
    let log = one_day_log(&scratch);
    let log = log.to_str().unwrap();
    let table = report(&[log, "--by", "session"]);
    let practice = table.find("11-20 09:05        3").expect(&table);
    let review = table.find("11-20 14:30        2").expect(&table);
    assert!(practice < review, "{table}");
    assert!(table.contains("\n  practice · common, injury\n"), "{table}");
    assert!(table.contains("\n  review · common\n"), "{table}");
    // Transcription is not a recall session: it is reported apart.
    assert!(!table.contains("10:00"), "{table}");
    assert!(
        table.contains("Transcription (keying speed): 1 code retyped"),
        "{table}"
    );
    let value = json(&[log, "--by", "session"]);
    let first = &value["groups"][0];
    assert_eq!(first["key"], "z-practice");
    assert_eq!(first["session"]["start"], "2026-11-20T09:05:00-05:00");
    assert_eq!(first["session"]["end"], "2026-11-20T09:07:00-05:00");
    assert_eq!(first["session"]["mode"], "practice");
    assert_eq!(
        first["session"]["decks"],
        serde_json::json!(["common", "injury"])
    );
    let markdown = report(&[log, "--by", "session", "--format", "markdown"]);
    assert!(
        markdown.contains("| 2026-11-20 14:30 · review · common | 2 | 1 |"),
        "{markdown}"
    );
    // Other groupings carry no session facts.
    assert!(json(&[log])["groups"][0].get("session").is_none());
}

#[test]
fn transcription_is_its_own_section_and_never_coding_accuracy() {
    let scratch = Scratch::new();
    let log = one_day_log(&scratch);
    let log = log.to_str().unwrap();
    let value = json(&[log]);
    assert_eq!(value["overall"]["attempts"], 5);
    assert_eq!(value["overall"]["accuracy"], 0.8);
    assert_eq!(value["transcription"]["attempts"], 1);
    assert_eq!(value["transcription"]["accuracy"], 1.0);
    // Asked for by mode, transcription is the report, and nothing is apart.
    let only = json(&[log, "--mode", "transcribe"]);
    assert_eq!(only["overall"]["attempts"], 1);
    assert!(only["transcription"].is_null());
    let by_mode = json(&[log, "--by", "mode"]);
    let keys: Vec<&str> = by_mode["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["practice", "review", "transcribe"]);
    assert_eq!(by_mode["overall"]["attempts"], 5);
    let html = report(&[log, "--format", "html"]);
    assert!(
        html.contains("<h2>Transcription (keying speed)</h2>"),
        "{html}"
    );
}

#[test]
fn rates_from_under_a_minute_of_answering_are_held_back_in_text_formats() {
    let scratch = Scratch::new();
    let log = one_day_log(&scratch);
    let log = log.to_str().unwrap();
    // By session: practice has 120 s of answering, review 80 s; by day, 200 s. By deck,
    // `injury` has one 40 s answer: its rates are held back.
    let table = report(&[log]);
    let injury = table
        .lines()
        .find(|l| l.starts_with("injury"))
        .expect(&table);
    assert!(injury.contains("       —      — "), "{table}");
    let common = table
        .lines()
        .find(|l| l.starts_with("common"))
        .expect(&table);
    assert!(!common.contains('—'), "{table}");
    assert!(
        table.contains("—: under 60 s of answering, too little for an hourly rate"),
        "{table}"
    );
    // The machine formats keep the number, and the answering time to judge it by.
    let value = json(&[log]);
    let groups = value["groups"].as_array().unwrap();
    let injury = groups.iter().find(|g| g["key"] == "injury").unwrap();
    assert_eq!(injury["answering_ms"], 40000);
    assert_eq!(injury["codes_per_hour"], 90.0);
    let html = report(&[log, "--format", "html"]);
    assert!(html.contains("<td>—</td>"), "{html}");
    // The best day and the 7-day figures hold back theirs too.
    assert!(
        report(&[log, "--deck", "injury"])
            .contains("Last 7 days to 2026-11-20: 100.0% accuracy, — codes/h"),
    );
    // Enough answering everywhere: no dash and no note.
    let by_day = report(&[log, "--by", "day", "--mode", "practice"]);
    assert!(!by_day.contains('—'), "{by_day}");
}

#[test]
fn a_one_day_page_charts_each_session() {
    let scratch = Scratch::new();
    let log = one_day_log(&scratch);
    let html = report(&[log.to_str().unwrap(), "--format", "html"]);
    assert!(html.contains("Accuracy per session"), "{html}");
    assert!(html.contains("Speed per session"), "{html}");
    assert!(html.contains("each session on 2026-11-20"), "{html}");
    assert!(!html.contains("Accuracy per day"), "{html}");
    // One day of one session: its figure, and no 7-day line or legend for one.
    let one = report(&[
        log.to_str().unwrap(),
        "--format",
        "html",
        "--mode",
        "review",
    ]);
    assert!(one.contains("one day, one session: its figure"), "{one}");
    assert!(!one.contains("7-day average"), "{one}");
    // Several days: a point per day with the 7-day line.
    let days = report(&[CLASS, "--format", "html"]);
    assert!(days.contains("Accuracy per day"));
    assert!(!days.contains("Accuracy per session"));
}

#[test]
fn cases_have_their_own_pace_and_size() {
    let scratch = Scratch::new();
    let row = |expected: &str, verdict: &str, ms: u64| {
        let score = if verdict == "correct" { 1 } else { 0 };
        format!(
            "2026-11-20T10:00:00-05:00,s1,ana,exam,charts,c1,icd10cm+icd10pcs,,Record,{expected},x,{verdict},,{score},{ms},900,6,0\n"
        )
    };
    let mut text = format!("{HEADER}\n");
    // Two cases of 3 and 2 codes in 90 s and 30 s; one single-code item, which is no case.
    text += &row("K35.30;I10;0DTJ4ZZ", "correct", 90_000);
    text += &row("A41.51;N39.0", "partial", 30_000);
    text += &row("I10", "correct", 10_000);
    let log = scratch.path("cases.csv");
    std::fs::write(&log, text).unwrap();
    let value = json(&[log.to_str().unwrap()]);
    let overall = &value["overall"];
    assert_eq!(overall["cases"], 2);
    assert_eq!(overall["codes_per_case"], 2.5);
    // 2 cases in 120 s of answering them.
    assert_eq!(overall["cases_per_hour"], 60.0);
    let table = report(&[log.to_str().unwrap()]);
    assert!(
        table.contains("Cases: 2 cases of several codes (2.5 codes each), 60 per hour"),
        "{table}"
    );
    let html = report(&[log.to_str().unwrap(), "--format", "html"]);
    assert!(html.contains("<b>60</b><span>cases per hour"), "{html}");
}

#[test]
fn answers_that_left_out_a_cc_or_mcc_are_counted() {
    let scratch = Scratch::new();
    let row = |expected: &str, entered: &str, verdict: &str| {
        format!(
            "2026-11-20T10:00:00-05:00,s1,ana,practice,d,c1,icd10cm,,Record,{expected},{entered},{verdict},,0,40000,900,6,0\n"
        )
    };
    let mut text = format!("{HEADER}\n");
    text += &row("A41.51;N39.0", "A41.51", "partial"); // N39.0 (a CC) left out
    text += &row("A41.51", "A41.9", "near_miss"); // A41.51 (an MCC) left out
    text += &row("I10", "I11.9", "incorrect"); // I10 is neither
    let log = scratch.path("cc.csv");
    std::fs::write(&log, text).unwrap();
    let log = log.to_str().unwrap();
    assert_eq!(json(&[log])["overall"]["missed_cc"], 2);
    let table = report(&[log]);
    assert!(
        table.contains("Missed CC/MCC: 2 answers left out a CC or MCC"),
        "{table}"
    );
    let html = report(&[log, "--format", "html"]);
    assert!(
        html.contains("<b>2</b><span>answers that missed a CC/MCC"),
        "{html}"
    );
}
