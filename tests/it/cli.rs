//! Command tests: drills with piped answers, the attempt log, check, decks, lookup.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{Scratch, codedrill, drill_fixture, fixture, log_rows};
use predicates::prelude::*;

/// The header of a new log: the 18 columns and `chain`.
const HEADER: &str = "timestamp,session,user,mode,deck,item,system,category,prompt,expected,entered,verdict,detail,score,elapsed_ms,first_key_ms,keystrokes,backspaces,chain";

fn drill_good(scratch: &Scratch, answers: &str) -> assert_cmd::assert::Assert {
    drill_fixture(scratch, &[], answers)
}

#[test]
fn piped_drill_scores_and_logs_every_answer() {
    let scratch = Scratch::new();
    drill_good(&scratch, "e119\nI11.9\nhepatits\n\nS52.521D\n")
        .success()
        .stdout(predicate::str::contains("[1/5] (Endocrine)"))
        .stdout(predicate::str::contains("near miss (seventh_character"))
        .stdout(predicate::str::contains("Session summary"))
        .stdout(predicate::str::contains("accuracy               20.0%"));
    let text = std::fs::read_to_string(scratch.log()).unwrap();
    assert_eq!(text.lines().next(), Some(HEADER));
    let rows = log_rows(&scratch.log());
    let verdicts: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["verdict"].as_str(), r["detail"].as_str()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("correct", ""),
            ("incorrect", ""),
            ("near_miss", "spelling"),
            ("skipped", ""),
            ("near_miss", "seventh_character"),
        ]
    );
    let first = &rows[0];
    assert_eq!(first["entered"], "e119");
    assert_eq!(first["expected"], "E11.9");
    assert_eq!(first["keystrokes"], "5");
    assert_eq!(first["backspaces"], "0");
    assert_eq!(first["first_key_ms"], "");
    assert_eq!(first["mode"], "practice");
    assert_eq!(first["user"], "tester");
    assert_eq!(first["deck"], "good");
    assert_eq!(first["category"], "Endocrine");
    assert!(chrono::DateTime::parse_from_rfc3339(&first["timestamp"]).is_ok());
    let sessions: std::collections::HashSet<&str> =
        rows.iter().map(|r| r["session"].as_str()).collect();
    assert_eq!(sessions.len(), 1);
}

#[test]
fn end_of_input_ends_the_session_keeping_answers() {
    let scratch = Scratch::new();
    drill_good(&scratch, "E11.9\n")
        .success()
        .stdout(predicate::str::contains("1 (of 5 planned)"));
    assert_eq!(log_rows(&scratch.log()).len(), 1);
}

#[test]
fn header_is_written_once_across_sessions() {
    let scratch = Scratch::new();
    drill_good(&scratch, "E11.9\n").success();
    drill_good(&scratch, "E11.9\nI10\n").success();
    let text = std::fs::read_to_string(scratch.log()).unwrap();
    assert_eq!(text.matches("timestamp,session").count(), 1);
    assert_eq!(log_rows(&scratch.log()).len(), 3);
}

#[test]
fn foreign_log_is_refused_and_untouched() {
    let scratch = Scratch::new();
    std::fs::write(scratch.log(), "name,score\nann,3\n").unwrap();
    drill_good(&scratch, "E11.9\n")
        .failure()
        .code(1)
        .stderr(predicate::str::contains("not a codedrill log"));
    assert_eq!(
        std::fs::read_to_string(scratch.log()).unwrap(),
        "name,score\nann,3\n"
    );
}

#[test]
fn formula_like_answers_are_guarded_in_the_log() {
    let scratch = Scratch::new();
    drill_good(&scratch, "=HYPERLINK(\"http://x\")\n").success();
    let text = std::fs::read_to_string(scratch.log()).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
}

#[test]
fn log_location_follows_env_and_xdg() {
    let scratch = Scratch::new();
    let env_log = scratch.path("from-env.csv");
    codedrill()
        .env("CODEDRILL_LOG", &env_log)
        .args(["drill", &fixture("decks/good.csv"), "-n", "1"])
        .write_stdin("E11.9\n")
        .assert()
        .success();
    assert!(env_log.exists());
    let xdg = scratch.path("xdg");
    codedrill()
        .env("XDG_DATA_HOME", &xdg)
        .args(["drill", &fixture("decks/good.csv"), "-n", "1"])
        .write_stdin("E11.9\n")
        .assert()
        .success();
    assert_eq!(log_rows(&xdg.join("codedrill/attempts.csv")).len(), 1);
}

#[test]
fn seed_makes_the_shuffle_reproducible() {
    let order = |seed: &str| {
        let scratch = Scratch::new();
        codedrill()
            .args(["drill", "terminology", "-n", "6", "--seed", seed, "--log"])
            .arg(scratch.log())
            .write_stdin("\n\n\n\n\n\n")
            .assert()
            .success();
        log_rows(&scratch.log())
            .iter()
            .map(|r| r["item"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(order("42"), order("42"));
    assert_ne!(order("42"), order("43"));
    assert_eq!(order("42").len(), 6);
}

#[test]
fn default_drill_uses_the_starter_deck_with_twenty_items() {
    let scratch = Scratch::new();
    codedrill()
        .args(["drill", "--log"])
        .arg(scratch.log())
        .write_stdin("\n".repeat(25))
        .assert()
        .success()
        .stdout(predicate::str::contains("[20/20]"));
    let rows = log_rows(&scratch.log());
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|r| r["deck"] == "icd10cm-common"));
}

#[test]
fn piped_time_limit_times_out_pending_input() {
    let scratch = Scratch::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_codedrill"))
        .env("XDG_CONFIG_HOME", crate::common::NO_CONFIG)
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--order",
            "file",
            "-n",
            "2",
        ])
        .args(["--time-limit", "1", "--log"])
        .arg(scratch.log())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(2600));
    let _ = stdin.write_all(b"I10\n");
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert!(started.elapsed() < Duration::from_secs(10));
    let rows = log_rows(&scratch.log());
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r["verdict"] == "timed_out"), "{rows:?}");
    let elapsed: u64 = rows[0]["elapsed_ms"].parse().unwrap();
    assert!((950..1900).contains(&elapsed), "{elapsed}");
}

#[test]
fn strict_mode_counts_the_dot() {
    let scratch = Scratch::new();
    drill_fixture(&scratch, &["-n", "1", "--strict"], "E119\n").success();
    let rows = log_rows(&scratch.log());
    assert_eq!(
        (rows[0]["verdict"].as_str(), rows[0]["detail"].as_str()),
        ("near_miss", "format")
    );
}

#[test]
fn code_sets_decide_invalid_and_not_billable() {
    let scratch = Scratch::new();
    drill_good(&scratch, "E11.99\nI10\nhepatitis\n0FT48ZZ\nS52.52\n")
        .success()
        .stdout(predicate::str::contains("you typed E11.99"));
    let rows = log_rows(&scratch.log());
    assert_eq!(rows[0]["verdict"], "invalid");
    assert_eq!(
        rows[3]["verdict"], "invalid",
        "0FT48ZZ is well formed but not a PCS code"
    );
    assert_eq!(rows[4]["verdict"], "near_miss");
    assert_eq!(rows[4]["detail"], "not_billable");
    let scratch = Scratch::new();
    drill_good(&scratch, "E11.8\n")
        .success()
        .stdout(predicate::str::contains(
            "you typed E11.8 — Type 2 diabetes mellitus with unspecified complications",
        ))
        .stdout(predicate::str::contains(
            "E11.9 — Type 2 diabetes mellitus without complications",
        ));
}

#[test]
fn check_reports_each_problem_with_file_and_line() {
    let cases = [
        ("missing-column.csv", ":1: missing required column `answer`"),
        ("empty-prompt.csv", ":3: empty `prompt`"),
        ("empty-answer.csv", ":3: empty `answer`"),
        (
            "duplicate-id.csv",
            ":4: duplicate id `g1` (first used on line 2)",
        ),
        ("unknown-system.csv", ":2: unknown system `icd9cm`"),
        (
            "malformed-code.csv",
            ":3: `1I0` in `answer` is not a well-formed ICD-10-CM code",
        ),
        (
            "not-in-codeset.csv",
            ":2: `E11.99` in `answer` is not in the ICD-10-CM code set",
        ),
        (
            "header-code.csv",
            ":2: `E11` in `answer` is a header, not a billable ICD-10-CM code",
        ),
        ("bad-accept.csv", ":2: `J45.9` in `accept` is a header"),
        ("no-items.csv", ":1: deck has no items"),
        ("invalid-utf8.csv", ":3: invalid UTF-8"),
        ("binary.csv", ":3: binary file"),
    ];
    for (file, message) in cases {
        let path = fixture(&format!("decks/{file}"));
        codedrill()
            .args(["check", &path])
            .assert()
            .code(1)
            .stdout(predicate::str::contains(format!("{path}{message}")));
    }
}

#[test]
fn check_lists_all_problems_and_passes_good_decks() {
    codedrill()
        .args(["check", &fixture("decks/good.csv"), "icd10cm-common"])
        .assert()
        .success()
        .stdout(predicate::str::contains("good.csv: ok (5 items)"));
    codedrill()
        .args([
            "check",
            &fixture("decks/duplicate-id.csv"),
            &fixture("decks/empty-answer.csv"),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("2 problems found"));
}

#[test]
fn bad_deck_stops_a_drill_before_it_starts() {
    let scratch = Scratch::new();
    codedrill()
        .args(["drill", &fixture("decks/duplicate-id.csv"), "--log"])
        .arg(scratch.log())
        .write_stdin("E11.9\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("duplicate-id.csv:4: duplicate id"));
    assert!(!scratch.log().exists() || log_rows(&scratch.log()).is_empty());
}

#[test]
fn missing_and_unknown_decks_are_named() {
    codedrill()
        .args(["check", "no-such-deck"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no-such-deck: no such file, and no embedded deck of that name (embedded decks: icd10cm-cases"));
    let scratch = Scratch::new();
    codedrill()
        .args(["drill", scratch.dir.path().to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a folder"));
}

#[test]
fn decks_lists_embedded_and_given_decks() {
    codedrill()
        .args(["decks", &fixture("decks/good.csv")])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(r"icd10cm-common\s+(\d+\s+){4}icd10cm\s+embedded").unwrap(),
        )
        .stdout(predicate::str::is_match(r"terminology\s+(\d+\s+){4}term\s+embedded").unwrap())
        // Items, new, learning, due: a user with no log has every item new.
        .stdout(
            predicate::str::is_match(r"good\s+5\s+5\s+0\s+0\s+icd10cm,icd10pcs,term\s+.*good.csv")
                .unwrap(),
        );
}

#[test]
fn lookup_csv_keeps_input_order_and_suggests() {
    let output = codedrill()
        .args([
            "lookup", "--format", "csv", " e11.9 ", "E11", "0dt44zz", "E11.99", "banana",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // The SPEC's columns first, then the release and the codebook's.
    assert!(lines[0].starts_with("input,code,system,status,description,suggestions,release,"));
    assert!(lines[1].starts_with(
        " e11.9 ,E11.9,icd10cm,billable,Type 2 diabetes mellitus without complications,,\"ICD-10-CM FY2026 (April 1, 2026)\","
    ));
    assert!(lines[2].starts_with("E11,E11,icd10cm,header,Type 2 diabetes mellitus,,"));
    assert!(
        lines[3].starts_with(
            "0dt44zz,0DT44ZZ,icd10pcs,billable,\"Resection of Esophagogastric Junction"
        )
    );
    assert!(
        lines[4].starts_with("E11.99,E11.99,icd10cm,invalid,,E11.9 "),
        "{}",
        lines[4]
    );
    // The last column (`axes`) is empty for anything but a PCS code.
    assert_eq!(lines[5], "banana,,,invalid,,,,,,,,,,,,,");
    assert_eq!(lines.len(), 6);
}

#[test]
fn lookup_json_and_search() {
    let output = codedrill()
        .args(["lookup", "--format", "json", "I10"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json[0]["status"], "billable");
    assert_eq!(json[0]["description"], "Essential (primary) hypertension");
    codedrill()
        .args([
            "lookup",
            "--search",
            "torus fracture lower end right radius initial",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("S52.521A"));
    codedrill()
        .args(["lookup", "--search", "zzzzqqq"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no code's description"));
}

#[test]
fn generated_drill_draws_billable_codes_of_the_range() {
    let scratch = Scratch::new();
    codedrill()
        .args([
            "drill",
            "--generate",
            "icd10cm:E08-E13",
            "-n",
            "5",
            "--seed",
            "9",
            "--log",
        ])
        .arg(scratch.log())
        .write_stdin("\n\n\n\n\n")
        .assert()
        .success();
    let rows = log_rows(&scratch.log());
    assert_eq!(rows.len(), 5);
    for row in &rows {
        let category = &row["expected"][..3];
        assert!(("E08"..="E13").contains(&category), "{category}");
        assert_eq!(
            row["category"],
            "Endocrine, nutritional and metabolic diseases"
        );
        assert_eq!(row["deck"], "generated:icd10cm:E08-E13");
    }
    let again = Scratch::new();
    codedrill()
        .args([
            "drill",
            "--generate",
            "icd10cm:E08-E13",
            "-n",
            "5",
            "--seed",
            "9",
            "--log",
        ])
        .arg(again.log())
        .write_stdin("\n\n\n\n\n")
        .assert()
        .success();
    let first: Vec<String> = rows.iter().map(|r| r["expected"].clone()).collect();
    let second: Vec<String> = log_rows(&again.log())
        .iter()
        .map(|r| r["expected"].clone())
        .collect();
    assert_eq!(first, second);
    codedrill()
        .args([
            "drill",
            "--generate",
            "icd10pcs:0DT",
            "-n",
            "1",
            "--seed",
            "1",
            "--log",
        ])
        .arg(again.log())
        .write_stdin("\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("(Gastrointestinal System)"));
    codedrill()
        .args(["drill", "--generate", "icd10cm:U99"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no billable code in that range"));
}

#[test]
fn colour_follows_the_flag() {
    let scratch = Scratch::new();
    codedrill()
        .args([
            "--color",
            "always",
            "drill",
            &fixture("decks/good.csv"),
            "--order",
            "file",
            "-n",
            "1",
            "--log",
        ])
        .arg(scratch.log())
        .write_stdin("E11.9\n")
        .assert()
        .stdout(predicate::str::contains("\x1b[32m"));
    codedrill()
        .args(["drill", &fixture("decks/good.csv"), "-n", "1", "--log"])
        .arg(scratch.log())
        .write_stdin("E11.9\n")
        .assert()
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn closed_pipe_ends_quietly() {
    let output = std::process::Command::new("bash")
        .env("XDG_CONFIG_HOME", crate::common::NO_CONFIG)
        .arg("-c")
        .arg(format!(
            "{} lookup --all icd10cm | head -n 1; echo \"status=${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_codedrill")
        ))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("status=0"), "{stdout}");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn completions_are_printed() {
    codedrill()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_codedrill"));
}

#[test]
fn report_without_a_log_yet_says_what_to_do() {
    let scratch = Scratch::new();
    codedrill()
        .env("CODEDRILL_LOG", scratch.log())
        .arg("report")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no attempts logged yet"))
        .stderr(predicate::str::contains("codedrill drill"));
    drill_good(&scratch, "E11.9\nI10\n").success();
    codedrill()
        .env("CODEDRILL_LOG", scratch.log())
        .args(["report", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("good,2,2,1,1,"))
        .stdout(predicate::str::contains("overall,2,2,1,1,"));
}

#[test]
fn strict_feedback_shows_the_code_as_typed() {
    let scratch = Scratch::new();
    let deck = scratch.path("strict.csv");
    std::fs::write(
        &deck,
        "id,prompt,answer,system\nx1,Type 2 diabetes,E11.9,icd10cm\n",
    )
    .unwrap();
    let output = codedrill()
        .args(["drill", deck.to_str().unwrap(), "--strict", "--log"])
        .arg(scratch.log())
        .write_stdin("e119\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("near miss (format"), "{stdout}");
    assert!(
        stdout.contains("you typed e119 — Type 2 diabetes mellitus without complications"),
        "{stdout}"
    );
}

#[test]
fn a_report_file_in_a_format_codedrill_cannot_write_is_refused() {
    let scratch = Scratch::new();
    let out = scratch.path("report.pdf");
    let output = codedrill()
        .args([
            "report",
            &fixture("logs/class.csv"),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write that format"), "{stderr}");
    assert!(!out.exists(), "nothing written");
    let forced = codedrill()
        .args([
            "report",
            &fixture("logs/class.csv"),
            "--format",
            "csv",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(forced.status.success());
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("key,attempts")
    );
}

#[test]
fn check_names_an_unquoted_comma_and_suggests_billable_codes() {
    let scratch = Scratch::new();
    let deck = scratch.path("bad.csv");
    std::fs::write(
        &deck,
        "id,prompt,answer,system\n\
         x1,Type 2 diabetes, no complications,E11.9,icd10cm\n\
         x2,Hypertension,I1,icd10cm\n\
         x3,Diabetes,E11,icd10cm\n",
    )
    .unwrap();
    let output = codedrill()
        .args(["check", deck.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.contains("bad.csv:2: row has 5 fields but the header has 4"),
        "{stdout}"
    );
    assert!(
        stdout.contains("bad.csv:3: `I1`") && stdout.contains("did you mean I10"),
        "{stdout}"
    );
    assert!(
        stdout.contains("bad.csv:4: `E11` in `answer` is a header")
            && stdout.contains("did you mean E11.8, E11.9"),
        "{stdout}"
    );
}

#[test]
fn lookup_search_says_how_many_matched_and_short_words_are_whole_words() {
    let output = codedrill()
        .args(["lookup", "--search", "diabetes", "--limit", "3"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 3);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("codes match; the best 3 are shown"),
        "{stderr}"
    );
    let uti = codedrill()
        .args(["lookup", "--search", "uti"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&uti.stdout)
            .to_lowercase()
            .contains("utilit")
    );
}

#[test]
fn shared_options_appear_only_on_the_commands_they_affect() {
    let help = |args: &[&str]| {
        let output = codedrill()
            .args(args)
            .env("COLUMNS", "80")
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    // (command, options it shows under "Shared options", options it must not show)
    let expected: [(&str, &[&str], &[&str]); 8] = [
        ("drill", &["--log", "--user", "--color", "--codeset"], &[]),
        ("exam", &["--log", "--user", "--color", "--codeset"], &[]),
        ("config", &["--log", "--user", "--color", "--codeset"], &[]),
        ("report", &["--log", "--user"], &["--color", "--codeset"]),
        ("check", &["--codeset"], &["--log", "--user", "--color"]),
        ("lookup", &["--codeset"], &["--log", "--user", "--color"]),
        ("decks", &["--log", "--user"], &["--color", "--codeset"]),
        (
            "completions",
            &[],
            &["--log", "--user", "--color", "--codeset"],
        ),
    ];
    for (command, shown, hidden) in expected {
        let text = help(&[command, "--help"]);
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        for option in hidden {
            assert!(!text.contains(option), "{command} shows {option}: {text}");
        }
        if shown.is_empty() {
            assert!(!text.contains("Shared options"), "{command}: {text}");
            continue;
        }
        let shared = &text[text.find("\nShared options:\n").expect(command)..];
        for option in shown {
            assert!(shared.contains(option), "{command} lacks {option}: {text}");
        }
    }
    let top = help(&["--help"]);
    for option in ["--log", "--user", "--color", "--codeset"] {
        assert!(!top.contains(option), "{top}");
    }
}

#[test]
fn shared_options_before_the_command_are_still_taken() {
    let scratch = Scratch::new();
    codedrill()
        .arg("--log")
        .arg(scratch.log())
        .args([
            "--user",
            "ana",
            "drill",
            &fixture("decks/good.csv"),
            "-n",
            "1",
        ])
        .write_stdin("E11.9\n")
        .assert()
        .success();
    let log = std::fs::read_to_string(scratch.log()).unwrap();
    assert!(log.lines().nth(1).unwrap().contains(",ana,"), "{log}");
}

#[test]
fn report_help_states_the_user_default_once() {
    let help = codedrill().args(["report", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(!text.contains("$USER"), "{text}");
    assert_eq!(text.matches("every user's").count(), 1, "{text}");
}

#[test]
fn the_summary_names_missed_prompts_and_holds_back_rates_from_seconds_of_answering() {
    let scratch = Scratch::new();
    let output = drill_fixture(&scratch, &["-n", "2"], "E11.8\nI10\n").success();
    let stdout = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    assert!(stdout.contains("codes per hour         —"), "{stdout}");
    assert!(
        stdout.contains("rates need at least 60 s of answering"),
        "{stdout}"
    );
    assert!(
        stdout.contains("near-miss kinds        right category only 1"),
        "{stdout}"
    );
    let misses = &stdout[stdout.find("Misses").expect("a Misses section")..];
    assert!(
        misses.contains("\n    Type 2 diabetes, no complications"),
        "{misses}"
    );
}

#[test]
fn version_names_the_code_set_releases() {
    let output = codedrill().arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("codedrill "), "{text}");
    assert!(text.contains("ICD-10-CM FY2026 (April 1, 2026)"), "{text}");
    assert!(text.contains("ICD-10-PCS FY2025"), "{text}");
}

#[test]
fn a_record_is_graded_as_a_case_in_its_feedback_and_summary() {
    let scratch = Scratch::new();
    let output = codedrill()
        .args(["drill", &fixture("decks/chart.csv"), "--log"])
        .arg(scratch.log())
        // The principal and the procedure, an optional code, an extra one; I10 missing.
        .write_stdin("K35.30 Z87.891 0DTJ4ZZ R50.9\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("[1/1] (Digestive, Inpatient stay)\nChief complaint:\n"),
        "{stdout}"
    );
    // 2 matched of max(3 key codes, 3 typed non-optional codes).
    assert!(stdout.contains("partial — score 0.667 "), "{stdout}");
    assert!(
        stdout.contains("  missing   I10 — Essential (primary) hypertension\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  extra     R50.9 — Fever, unspecified\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  optional  Z87.891 — Personal history of nicotine dependence (typed; neither adds nor costs)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  cases                  1 (3.0 codes each), — per hour"),
        "{stdout}"
    );
    let rows = log_rows(&scratch.log());
    assert_eq!(
        (&rows[0]["verdict"][..], &rows[0]["score"][..]),
        ("partial", "0.667")
    );
}

#[test]
fn feedback_quotes_the_note_that_decided_and_names_cc_weight() {
    let scratch = Scratch::new();
    let deck = scratch.path("conventions.csv");
    std::fs::write(
        &deck,
        "id,system,prompt,answer\n\
         d1,icd10cm,Type 2 diabetes on insulin,E11.9;Z79.4\n\
         d2,icd10cm,Dementia in Alzheimer disease,G30.9;F02.80\n\
         d3,icd10cm,Sepsis due to E. coli,A41.51\n\
         d4,icd10cm,Essential hypertension,I10\n",
    )
    .unwrap();
    let output = codedrill()
        .args(["drill", deck.to_str().unwrap(), "--order", "file", "--log"])
        .arg(scratch.log())
        .write_stdin("E11.9\nF02.80 G30.9\nA41.9\nJ18.9\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "  rule      E11 — Use additional code to identify control using: insulin (Z79.4)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  rule      F02.80 is a manifestation: G30.9 comes first"),
        "{stdout}"
    );
    assert!(
        stdout.contains("A41.51 — Sepsis due to Escherichia coli [E. coli] [MCC]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  MS-DRG    you typed an MCC; the answer is neither a CC nor an MCC"),
        "{stdout}"
    );
    let details: Vec<String> = log_rows(&scratch.log())
        .iter()
        .map(|row| row["detail"].clone())
        .collect();
    assert_eq!(
        details,
        ["use_additional", "code_first", "same_category", ""]
    );
}
