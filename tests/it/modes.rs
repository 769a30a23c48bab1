//! Exam, review and transcription sessions, driven through piped input.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{Scratch, codedrill, drill_fixture, fixture, log_rows};
use predicates::prelude::*;

fn exam(scratch: &Scratch, answers: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    codedrill()
        .args([
            "exam",
            &fixture("decks/good.csv"),
            "--order",
            "file",
            "--log",
        ])
        .arg(scratch.log())
        .args(extra)
        .write_stdin(answers)
        .assert()
}

#[test]
fn exam_passes_with_exit_zero_and_logs_exam_rows_without_feedback() {
    let scratch = Scratch::new();
    exam(
        &scratch,
        "E11.9\nI10\nhepatitis\n0FT44ZZ\nS52.521D\n",
        &["--pass", "80"],
    )
    .code(0)
    .stdout(predicate::str::contains("80.0% — PASS (pass mark 80%)"))
    .stdout(predicate::str::contains("why:").count(1))
    .stdout(predicate::str::contains("By code system"))
    .stdout(predicate::str::is_match(r"icd10cm\s+2/3\s+correct").unwrap());
    let rows = log_rows(&scratch.log());
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["mode"] == "exam"));
}

#[test]
fn exam_fails_with_exit_three_and_lists_misses_with_answers() {
    let scratch = Scratch::new();
    exam(&scratch, "E11.9\nI11.9\n\n", &[])
        .code(3)
        .stdout(predicate::str::contains("20.0% — FAIL (pass mark 70%)"))
        .stdout(predicate::str::contains("typed I11.9, answer I10"))
        .stdout(predicate::str::contains(
            "why: No heart or kidney involvement.",
        ))
        .stdout(predicate::str::contains("2 not reached"));
    assert_eq!(
        log_rows(&scratch.log()).len(),
        3,
        "items not reached are not logged"
    );
}

#[test]
fn exam_ends_on_time_while_input_is_pending() {
    let scratch = Scratch::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_codedrill"))
        .env("XDG_CONFIG_HOME", crate::common::NO_CONFIG)
        .args([
            "exam",
            &fixture("decks/good.csv"),
            "--order",
            "file",
            "--duration",
            "1.5s",
        ])
        .arg("--log")
        .arg(scratch.log())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"E11.9\n").unwrap();
    stdin.flush().unwrap();
    // Keep stdin open well past the exam's end: the exam must not wait for it.
    let output = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "exam did not end on time"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(stdin);
    assert_eq!(output.code(), Some(3));
    assert!(started.elapsed() < Duration::from_secs(5));
    let rows = log_rows(&scratch.log());
    let verdicts: Vec<&str> = rows.iter().map(|r| r["verdict"].as_str()).collect();
    assert_eq!(verdicts, ["correct", "timed_out"]);
}

#[test]
fn exam_writes_a_result_page() {
    let scratch = Scratch::new();
    let page = scratch.path("result.md");
    exam(
        &scratch,
        "E11.9\nI10\n",
        &["-o", page.to_str().unwrap(), "--user", "ana"],
    )
    .code(3);
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.starts_with("# Exam result — ana"));
    assert!(text.contains("| Endocrine | 1 | 1 | 100.0% |"));
    let html = scratch.path("result.html");
    exam(&scratch, "E11.9\n", &["-o", html.to_str().unwrap()]).code(3);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("<!DOCTYPE html>") && !text.contains("http"));
    exam(
        &scratch,
        "",
        &["-o", scratch.path("x.pdf").to_str().unwrap()],
    )
    .code(1)
    .stderr(predicate::str::contains("must end in .md or .html"));
}

fn review(scratch: &Scratch, answers: &str, count: &str) -> Vec<String> {
    let before = if scratch.log().exists() {
        log_rows(&scratch.log()).len()
    } else {
        0
    };
    codedrill()
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--review",
            "--order",
            "file",
            "-n",
            count,
        ])
        .arg("--log")
        .arg(scratch.log())
        .write_stdin(answers)
        .assert()
        .success();
    log_rows(&scratch.log())[before..]
        .iter()
        .map(|r| {
            assert_eq!(r["mode"], "review");
            format!("{}:{}", r["item"], r["verdict"])
        })
        .collect()
}

#[test]
fn review_draws_misses_first_until_answered_twice_in_a_row() {
    let scratch = Scratch::new();
    drill_fixture(&scratch, &[], "E11.9\nI11.9\nhepatitis\n\nS52.521A\n").success();
    drill_fixture(&scratch, &["-n", "4"], "E11.9\nI10\nhepatits\n0FT44ZZ\n").success();
    // Pile: g2 (missed first), g4 (skipped, then right once), g3 (missed last): one miss
    // each, so the most recent miss comes first.
    let first = review(&scratch, "hepatitis\n0FT44ZZ\nI11.9\n", "3");
    assert_eq!(first, ["g3:correct", "g4:correct", "g2:incorrect"]);
    // g4 has left (two right in a row); g2 now has two misses, so it leads; g1 fills up.
    let second = review(&scratch, "I10\nhepatits\nE11.9\n", "3");
    assert_eq!(second, ["g2:correct", "g3:near_miss", "g1:correct"]);
    // Both have two misses; g3's is the more recent.
    let third = review(&scratch, "hepatitis\nI10\n", "2");
    assert_eq!(third, ["g3:correct", "g2:correct"]);
    codedrill()
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--review",
            "--order",
            "file",
            "-n",
            "1",
            "--log",
        ])
        .arg(scratch.log())
        .write_stdin("hepatitis\n")
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(
                r"still in review pile\s+0 \(an item leaves it after 2 correct answers in a row\)\n",
            )
            .unwrap(),
        );
}

#[test]
fn review_with_nothing_to_review_says_so_and_drills_as_usual() {
    let scratch = Scratch::new();
    let rows = review(&scratch, "E11.9\n", "1");
    assert_eq!(rows, ["g1:correct"]);
    codedrill()
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--review",
            "-n",
            "1",
            "--log",
        ])
        .arg(scratch.log())
        .write_stdin("E11.9\n")
        .assert()
        .success()
        .stderr(
            predicate::str::contains("Nothing to review")
                .and(predicate::str::contains("Drilling as usual")),
        );
}

#[test]
fn review_says_how_many_items_are_due_and_marks_them() {
    let scratch = Scratch::new();
    drill_fixture(&scratch, &[], "E11.9\nI11.9\nhepatitis\nx\nS52.521A\n").success();
    let output = codedrill()
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--review",
            "--order",
            "file",
            "-n",
            "3",
        ])
        .arg("--log")
        .arg(scratch.log())
        .write_stdin("I10\n0FT44ZZ\nE11.9\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("Review: 2 of these 3 items are ones you missed"),
        "{stderr}"
    );
    assert_eq!(stdout.matches("(missed before)").count(), 2, "{stdout}");
    let rows = log_rows(&scratch.log());
    assert!(
        rows.iter().all(|r| !r["prompt"].contains("missed before")),
        "the mark is not logged"
    );
}

#[test]
fn transcription_reports_gross_and_net_keystrokes() {
    let scratch = Scratch::new();
    codedrill()
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--mode",
            "transcribe",
            "--order",
            "file",
            "-n",
            "3",
        ])
        .arg("--log")
        .arg(scratch.log())
        .write_stdin("E11.9\nI1O\nhepatitis\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("[1/3] (Endocrine) E11.9"))
        .stdout(predicate::str::contains("gross keystrokes/hour"))
        .stdout(predicate::str::contains("net keystrokes/hour"));
    let rows = log_rows(&scratch.log());
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["mode"].as_str(),
                r["prompt"].as_str(),
                r["verdict"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("transcribe", "E11.9", "correct"),
            ("transcribe", "I10", "incorrect"),
            ("transcribe", "hepatitis", "correct"),
        ]
    );
}

#[test]
fn an_exam_page_names_decks_times_and_every_item_with_descriptions() {
    let scratch = Scratch::new();
    let page = scratch.path("result.md");
    let output = codedrill()
        .args([
            "exam",
            &fixture("decks/good.csv"),
            "--order",
            "file",
            "-n",
            "2",
        ])
        .args(["--duration", "10m", "--log"])
        .arg(scratch.log())
        .arg("-o")
        .arg(&page)
        .write_stdin("E11.9\nI11.9\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let md = std::fs::read_to_string(&page).unwrap();
    assert!(md.contains("time allowed 10:00 · time used 0:0"), "{md}");
    assert!(md.contains("Graded against ICD-10-CM FY2026"), "{md}");
    assert!(md.contains("Taken 20"), "{md}");
    assert!(md.contains("## Items"), "{md}");
    assert!(
        md.contains("typed: I11.9 \\(Hypertensive heart disease"),
        "the typed code with its official title: {md}"
    );
}

#[test]
fn a_session_ends_beside_the_last_and_best_ones_and_says_what_next() {
    let scratch = Scratch::new();
    let first = drill_fixture(&scratch, &["-n", "2"], "E11.8\nI10\n").success();
    let first = String::from_utf8_lossy(&first.get_output().stdout).into_owned();
    assert!(
        !first.contains("How it went"),
        "nothing to compare with yet"
    );
    assert!(first.contains("Next: 1 missed"), "{first}");
    assert!(first.contains("--review` asks them again first"), "{first}");
    let second = drill_fixture(&scratch, &["-n", "2"], "E11.9\nI10\n").success();
    let second = String::from_utf8_lossy(&second.get_output().stdout).into_owned();
    assert!(second.contains("How it went"), "{second}");
    assert!(
        second.contains("accuracy 100.0% (last session, "),
        "{second}"
    );
    assert!(second.contains("50.0%, +50.0 points)"), "{second}");
    assert!(second.contains("beaten today"), "{second}");
    assert!(!second.contains("Next:"), "nothing missed: {second}");
}

#[test]
fn the_exam_page_names_a_cases_missing_extra_and_optional_codes() {
    let scratch = crate::common::Scratch::new();
    let page = scratch.path("result.md");
    crate::common::codedrill()
        .args(["exam", &crate::common::fixture("decks/chart.csv"), "-o"])
        .arg(&page)
        .arg("--log")
        .arg(scratch.log())
        .write_stdin("K35.30 Z87.891 0DTJ4ZZ R50.9\n")
        .assert()
        // 66.7% is under the pass mark.
        .code(3);
    let md = std::fs::read_to_string(&page).unwrap();
    assert!(
        md.contains("missing: I10; extra: R50.9; optional, typed: Z87.891"),
        "{md}"
    );
}
