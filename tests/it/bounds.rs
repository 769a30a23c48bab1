//! Hostile inputs meet bounds: a row longer than 1 MiB in a log, a deck or a code set is one
//! skipped row; devices and FIFOs are refused before reading; refusals never quote a file;
//! dates and numbers out of range are refused; a log a spreadsheet saved fully quoted is read
//! and appended to.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::{Scratch, codedrill, drill_fixture, fixture, log_rows, read_all};
use predicates::prelude::*;

/// A line longer than the 1 MiB bound on a row, its line break included.
fn long_line() -> String {
    format!("{}\n", "x".repeat(3 << 19))
}

/// The header and the first `count` rows of the class fixture log, each with its line break.
fn class_lines(count: usize) -> Vec<String> {
    fs::read_to_string(fixture("logs/class.csv"))
        .unwrap()
        .lines()
        .take(count + 1)
        .map(|line| format!("{line}\n"))
        .collect()
}

fn write(path: &Path, lines: &[String]) {
    fs::write(path, lines.concat()).unwrap();
}

/// stderr of a command expected to fail with `code`, within a time limit (a FIFO must not
/// be waited on); for `check`, whose problems go to stdout, stdout first.
fn fails(args: &[&str], code: i32) -> String {
    let output = codedrill()
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
    if args[0] == "check" {
        text.insert_str(0, &String::from_utf8_lossy(&output.stdout));
    }
    assert_eq!(output.status.code(), Some(code), "{args:?}: {text}");
    text
}

/// A FIFO in the scratch folder, or `None` where `mkfifo` is missing.
fn fifo(scratch: &Scratch) -> Option<PathBuf> {
    let path = scratch.path("fifo.csv");
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    made.is_ok_and(|status| status.success()).then_some(path)
}

#[test]
fn a_log_row_longer_than_1_mib_is_skipped_and_the_rows_after_it_count() {
    let scratch = Scratch::new();
    let log = scratch.log();
    let mut lines = class_lines(2);
    lines.insert(2, long_line());
    write(&log, &lines);
    let name = log.display().to_string();
    codedrill()
        .args(["report", &name, "--format", "csv"])
        .assert()
        .success()
        .stderr(format!("{name}:3: row longer than 1 MiB; row skipped\n"))
        .stdout(predicate::str::contains("\noverall,2,"));
    let (rows, warnings) = read_all(&log);
    assert_eq!((rows.len(), warnings.len()), (2, 1));
    // The review pile reads the same log.
    drill_fixture(&scratch, &["--review", "-n", "1"], "E11.9\n").success();
}

#[test]
fn a_deck_row_longer_than_1_mib_is_a_problem_on_its_line() {
    let scratch = Scratch::new();
    let deck = scratch.path("deck.csv");
    let text = fs::read_to_string(fixture("decks/good.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(|line| format!("{line}\n")).collect();
    lines.insert(
        2,
        format!("big,term,Words,\"{}\",word,,\n", "y".repeat(3 << 19)),
    );
    write(&deck, &lines);
    let name = deck.display().to_string();
    let output = fails(&["check", &name], 1);
    assert_eq!(
        output,
        format!("{name}:3: row longer than 1 MiB\n1 problem found\n")
    );
}

#[test]
fn a_code_set_line_longer_than_1_mib_is_malformed() {
    let scratch = Scratch::new();
    let order = scratch.path("order.txt");
    let sample = fs::read_to_string(fixture("codesets/icd10cm_order_sample.txt")).unwrap();
    let mut lines: Vec<String> = sample.lines().map(|line| format!("{line}\n")).collect();
    lines.insert(1, long_line());
    write(&order, &lines);
    let name = order.display().to_string();
    let stderr = fails(&["--codeset", &name, "lookup", "E11.9"], 1);
    assert!(
        stderr.contains(&format!("{name}:2: row longer than 1 MiB")),
        "{stderr}"
    );
}

#[test]
fn devices_and_fifos_are_refused_before_reading() {
    let scratch = Scratch::new();
    let mut inputs = vec![PathBuf::from("/dev/zero")];
    inputs.extend(fifo(&scratch));
    for input in inputs {
        let name = input.display().to_string();
        let runs: [(Vec<&str>, String); 4] = [
            (
                vec!["report", &name],
                format!("log {name} is not a regular file"),
            ),
            (
                vec!["drill", "--review", "--log", &name],
                format!("{name} is not a regular file"),
            ),
            (
                vec!["drill", &name],
                format!("{name}: is not a regular file"),
            ),
            (
                vec!["--codeset", &name, "lookup", "E11.9"],
                format!("code set {name} is not a regular file"),
            ),
        ];
        for (args, message) in runs {
            let stderr = fails(&args, 1);
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
            assert!(stderr.contains(&message), "{args:?}: {stderr}");
        }
        let output = fails(&["check", &name], 1);
        assert!(
            output.starts_with(&format!("{name}: is not a regular file")),
            "{output}"
        );
    }
}

#[test]
fn refusals_never_quote_the_refused_file() {
    let scratch = Scratch::new();
    let secret = scratch.path("secret.txt");
    fs::write(&secret, "root:SECRET-TOKEN:19000:0\nmore:SECRET\n").unwrap();
    let link = scratch.path("link.csv");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let name = link.display().to_string();
    let deck = fixture("decks/good.csv");
    let runs: [Vec<&str>; 5] = [
        vec!["report", &name],
        vec!["drill", &deck, "--log", &name],
        vec!["drill", &deck, "--review", "--log", &name],
        vec!["check", &name],
        vec!["--codeset", &name, "lookup", "E11.9"],
    ];
    for args in runs {
        let stderr = fails(&args, 1);
        assert!(!stderr.contains("SECRET"), "{args:?}: {stderr}");
        assert!(stderr.contains(&name), "{args:?}: {stderr}");
    }
    let stderr = fails(&["report", &name], 1);
    assert_eq!(
        stderr,
        format!(
            "Error: {name} is not a codedrill log (its first line is not the log header: \
             timestamp,session,...)\n"
        )
    );
}

#[test]
fn dates_outside_the_years_1_to_9999_are_usage_errors() {
    let class = fixture("logs/class.csv");
    for date in [
        "--since=+10000-01-01",
        "--until=-0001-01-01",
        "--since=0000-06-01",
    ] {
        let stderr = fails(&["report", &class, date], 2);
        assert!(
            stderr.contains("out of range: dates are from 0001-01-01 to 9999-12-31"),
            "{date}: {stderr}"
        );
    }
    codedrill()
        .args([
            "report",
            &class,
            "--since",
            "0001-01-01",
            "--until",
            "9999-12-31",
        ])
        .args(["--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\noverall,70,"));
}

#[test]
fn numbers_past_their_bounds_are_skipped_rows() {
    let scratch = Scratch::new();
    let log = scratch.log();
    let mut lines = class_lines(3);
    lines[1] = lines[1].replace(",8291,", ",18446744073709551615,");
    lines[2] = lines[2].replace(",8,0\n", ",8,86400001\n");
    write(&log, &lines);
    let name = log.display().to_string();
    codedrill()
        .args(["report", &name, "--format", "csv"])
        .assert()
        .success()
        .stderr(format!(
            "{name}:2: `elapsed_ms` is more than a day: 18446744073709551615; row skipped\n\
             {name}:3: `backspaces` is more than a day of typing (86400000): 86400001; row skipped\n"
        ))
        .stdout(predicate::str::contains("\noverall,1,"));
}

/// Every field of every line in quotes, as a spreadsheet may save a CSV file.
fn fully_quoted(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|line| {
            let fields: Vec<String> = line
                .trim_end()
                .split(',')
                .map(|field| format!("\"{field}\""))
                .collect();
            format!("{}\r\n", fields.join(","))
        })
        .collect()
}

#[test]
fn a_fully_quoted_log_is_read_reviewed_and_appended_to() {
    let scratch = Scratch::new();
    let log = scratch.log();
    let header = class_lines(0);
    // A miss of the good deck's second item, by the drilling user.
    let missed = "2026-06-03T18:42:10+00:00,s1,tester,practice,good,g2,icd10cm,Circulatory,\
                  Essential hypertension,I10,I11.9,incorrect,,0,8291,1195,10,1\n";
    let quoted = fully_quoted(&[header[0].clone(), missed.to_string()]);
    assert!(quoted[0].starts_with("\"timestamp\",\"session\","));
    write(&log, &quoted);
    let name = log.display().to_string();
    codedrill()
        .args(["report", &name, "--format", "csv"])
        .assert()
        .success()
        .stderr("")
        .stdout(predicate::str::contains("\noverall,1,0,"));
    // The review asks the missed item first (in file order the deck starts with g1).
    drill_fixture(&scratch, &["--review", "-n", "1"], "I10\n")
        .success()
        .stdout(predicate::str::contains("Essential hypertension"))
        .stdout(predicate::str::contains("Type 2 diabetes").not());
    let text = fs::read_to_string(&log).unwrap();
    assert!(text.starts_with(&quoted.concat()), "{text}");
    assert_eq!(log_rows(&log).len(), 2);
    let (rows, warnings) = read_all(&log);
    assert!(warnings.is_empty(), "{warnings:?}");
    let entered: Vec<&str> = rows.iter().map(|row| row.entered.as_str()).collect();
    assert_eq!(entered, ["I11.9", "I10"]);
}
