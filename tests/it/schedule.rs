//! Spaced repetition from the command line: `drill --due` piped (due items most forgotten
//! first, then new ones up to the limit, then a stop), `decks` counts, the report's section,
//! the FSRS optimizer's review log, fitted weights and the settings. Logs are written relative
//! to the real clock (days ago), so "today" is today whenever the tests run; the exact order on
//! a fixed clock is unit-tested in `src/drill/schedule/tests.rs`.

use std::path::Path;

use chrono::{Local, SecondsFormat, TimeDelta};
use codedrill::codes::System;
use codedrill::record::{Attempt, HEADER, Mode};
use codedrill::score::Verdict;
use predicates::prelude::*;

use crate::common::{Scratch, codedrill, fixture, log_rows};

/// An attempt `days` ago (in whole days, at this time of day) by `user` on the fixture deck
/// `good`.
fn attempt(days: i64, user: &str, item: &str, verdict: Verdict, elapsed_ms: u64) -> Attempt {
    let when = Local::now() - TimeDelta::days(days);
    Attempt {
        timestamp: when.to_rfc3339_opts(SecondsFormat::Millis, false),
        session: format!("s{days}"),
        user: user.into(),
        mode: Mode::Practice,
        deck: "good".into(),
        item: item.into(),
        system: System::Icd10cm,
        category: String::new(),
        prompt: format!("prompt {item}"),
        expected: "E11.9".into(),
        entered: "E11.9".into(),
        verdict,
        detail: None,
        score: if verdict == Verdict::Correct {
            1.0
        } else {
            0.0
        },
        elapsed_ms,
        first_key_ms: Some(500),
        keystrokes: 6,
        backspaces: 0,
    }
}

fn write_log(path: &Path, rows: &[Attempt]) {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(&row.to_csv_line());
    }
    std::fs::write(path, text).unwrap();
}

/// tester's history on `good`: g3 answered 30 days ago and g1 3 days ago (both due, g3 the
/// more forgotten), g2 yesterday (fast: Easy, not due), g5 only retyped (transcription is not
/// a review: still new); and another user's miss of g4.
fn history() -> Vec<Attempt> {
    let mut typed = attempt(10, "tester", "g5", Verdict::Correct, 3000);
    typed.mode = Mode::Transcribe;
    vec![
        attempt(30, "tester", "g3", Verdict::Correct, 3000),
        attempt(3, "tester", "g1", Verdict::Correct, 3000),
        attempt(1, "tester", "g2", Verdict::Correct, 1000),
        attempt(2, "bob", "g4", Verdict::Incorrect, 3000),
        typed,
    ]
}

fn drill_due(scratch: &Scratch, extra: &[&str], input: &str) -> assert_cmd::assert::Assert {
    codedrill()
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--due",
            "--order",
            "file",
        ])
        .args(extra)
        .arg("--log")
        .arg(scratch.log())
        .write_stdin(input)
        .assert()
}

#[test]
fn piped_due_drill_asks_the_due_items_then_new_ones_then_stops() {
    let scratch = Scratch::new();
    write_log(&scratch.log(), &history());
    let out = drill_due(&scratch, &["--new", "1"], "hepatitis\nE11.9\n0FT44ZZ\n")
        .success()
        .stderr(predicate::str::contains(
            "Due today: 2 items, most forgotten first; then 1 new item (up to 1 a day).",
        ))
        .stdout(predicate::str::contains("Nothing due until "));
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let prompts: Vec<&str> = stdout.lines().filter(|l| l.starts_with("[")).collect();
    assert_eq!(
        prompts,
        [
            "[1/3] (Word parts) Inflammation of the liver",
            "[2/3] (Endocrine) Type 2 diabetes, no complications",
            "[3/3] (Gastrointestinal) Laparoscopic cholecystectomy",
        ],
        "{stdout}"
    );
    let rows = log_rows(&scratch.log());
    let new_rows = &rows[history().len()..];
    assert_eq!(new_rows.len(), 3);
    assert!(
        new_rows.iter().all(|r| r["mode"] == "review"),
        "{new_rows:?}"
    );
    assert!(new_rows.iter().all(|r| r["verdict"] == "correct"));

    // Done for today: nothing due, and the one new item a day is taken.
    let out = drill_due(&scratch, &["--new", "1"], "")
        .success()
        .stderr(predicate::str::contains("Nothing due until "))
        .stderr(predicate::str::contains(
            "1 new item waits for another day: today's 1 new is taken",
        ));
    assert!(out.get_output().stdout.is_empty());
    assert_eq!(log_rows(&scratch.log()).len(), rows.len());
}

#[test]
fn a_miss_is_due_again_the_same_day_and_minus_n_caps_the_session() {
    let scratch = Scratch::new();
    write_log(&scratch.log(), &history());
    drill_due(&scratch, &["--new", "0", "-n", "1"], "wrong\n")
        .success()
        .stderr(predicate::str::contains(
            "Due today: 2 items, most forgotten first. This session: the first 1 (-n).",
        ))
        .stdout(predicate::str::contains(
            "Still due today: 2 items, 1 of them missed",
        ));
    // The miss is due today like g1, but comes after it: it was just seen, so it is the less
    // forgotten of the two.
    drill_due(&scratch, &["--new", "0"], "E11.9\nhepatitis\n")
        .success()
        .stderr(predicate::str::contains("Due today: 2 items"))
        .stdout(predicate::str::contains("Nothing due until "));
}

#[test]
fn due_options_are_checked() {
    let scratch = Scratch::new();
    codedrill()
        .args(["drill", "--new", "3", "--log"])
        .arg(scratch.log())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--due"));
    drill_due(&scratch, &["--retention", "1.2"], "")
        .code(2)
        .stderr(predicate::str::contains("out of range: from 0.7 to 0.99"));
    drill_due(&scratch, &["--review"], "")
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    drill_due(&scratch, &["--mode", "transcribe"], "")
        .code(1)
        .stderr(predicate::str::contains("--due schedules recall"));
}

const FSRS6: &str = "0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, \
                     0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, \
                     0.0912, 0.0658, 0.1542\n";

#[test]
fn fitted_weights_are_read_and_a_bad_file_is_named() {
    let scratch = Scratch::new();
    write_log(&scratch.log(), &history());
    let weights = scratch.path("weights.txt");
    std::fs::write(&weights, FSRS6).unwrap();
    drill_due(
        &scratch,
        &["--fsrs-params", weights.to_str().unwrap(), "--new", "0"],
        "",
    )
    .success()
    .stderr(predicate::str::contains("Due today: 2 items"));
    std::fs::write(&weights, "0.4 0.6 2.4 5.8 4.93").unwrap();
    drill_due(&scratch, &["--fsrs-params", weights.to_str().unwrap()], "")
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{}: 5 numbers; FSRS weights are 21 (FSRS-6) or 19 (FSRS-5)",
            weights.display()
        )));
}

#[test]
fn the_config_file_sets_new_retention_and_weights() {
    let scratch = Scratch::new();
    write_log(&scratch.log(), &history());
    let folder = scratch.path("conf/codedrill");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("weights.txt"), FSRS6).unwrap();
    std::fs::write(
        folder.join("config.toml"),
        "new = 2\nretention = 0.85\nfsrs_params = \"weights.txt\"\n",
    )
    .unwrap();
    let with_config = || {
        let mut command = codedrill();
        command.env("XDG_CONFIG_HOME", scratch.path("conf"));
        command
    };
    with_config()
        .args(["drill", &fixture("decks/good.csv"), "--due", "--log"])
        .arg(scratch.log())
        .assert()
        .success()
        .stderr(predicate::str::contains("then 2 new items (up to 2 a day)"));
    let config = with_config().arg("config").assert().success();
    let text = String::from_utf8_lossy(&config.get_output().stdout).into_owned();
    for (key, value) in [
        ("new", "2"),
        ("retention", "0.85"),
        (
            "fsrs_params",
            &folder.join("weights.txt").display().to_string(),
        ),
    ] {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no {key}: {text}"));
        assert!(line.contains(value) && line.contains("(file: "), "{line}");
    }
}

#[test]
fn decks_shows_new_learning_and_due_for_the_user() {
    let scratch = Scratch::new();
    let mut rows = history();
    rows.push(attempt(2, "tester", "g4", Verdict::Incorrect, 3000));
    write_log(&scratch.log(), &rows);
    let decks = |user: &str| {
        let out = codedrill()
            .args(["decks", &fixture("decks/good.csv"), "--user", user, "--log"])
            .arg(scratch.log())
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    let text = decks("tester");
    let good = text.lines().find(|l| l.starts_with("good ")).unwrap();
    // 5 items: g5 new (only retyped), g4 learning (missed), due: g3, g1 and g4.
    let numbers: Vec<&str> = good.split_whitespace().skip(1).take(4).collect();
    assert_eq!(numbers, ["5", "1", "1", "3"], "{text}");
    assert!(text.contains("For user tester from "), "{text}");
    // Within 80 columns, but for the given deck's path.
    let fits = |l: &&str| l.chars().count() <= 80 || l.ends_with("good.csv");
    assert!(text.lines().all(|l| fits(&l)), "{text}");
    let bob = decks("bob");
    let good = bob.lines().find(|l| l.starts_with("good ")).unwrap();
    let numbers: Vec<&str> = good.split_whitespace().skip(1).take(4).collect();
    assert_eq!(numbers, ["5", "4", "1", "1"], "{bob}");
}

#[test]
fn a_report_of_one_user_ends_with_her_schedule() {
    let scratch = Scratch::new();
    write_log(&scratch.log(), &history());
    let report = |args: &[&str]| {
        let out = codedrill()
            .arg("report")
            .arg(scratch.log())
            .args(args)
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    // Two users: a class report, no schedule.
    assert!(!report(&[]).contains("Spaced repetition"));
    let table = report(&["--user", "tester"]);
    assert!(
        table.contains("\nSpaced repetition for tester (as of "),
        "{table}"
    );
    assert!(
        table.contains("  items      0 learning, 3 in review, 0 relearning; 2 due today"),
        "{table}"
    );
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    let json: serde_json::Value =
        serde_json::from_str(&report(&["--user", "tester", "--format", "json"])).unwrap();
    let schedule = &json["schedule"];
    assert_eq!(schedule["user"], "tester");
    assert_eq!(schedule["due_today"], 2);
    assert_eq!(schedule["states"]["review"], 3);
    assert_eq!(schedule["forecast"].as_array().unwrap().len(), 7);
    assert_eq!(schedule["forecast"][0]["due"], 2);
    assert_eq!(schedule["desired_retention"], 0.9);
    let html = report(&["--user", "tester", "--format", "html"]);
    assert_eq!(
        html.matches("<svg").count(),
        5,
        "four charts and the forecast"
    );
    assert!(html.contains("Reviews due, next 7 days"));
    assert!(html.contains("<h2>Spaced repetition</h2>"));
    assert!(html.find("Spaced repetition") < html.find("<footer>"));
    let markdown = report(&["--user", "tester", "--format", "markdown"]);
    assert!(markdown.contains("\n## Spaced repetition\n"), "{markdown}");
    let csv = report(&["--user", "tester", "--format", "csv"]);
    assert!(!csv.contains("Spaced"));
}

/// The review log's rows, header checked: each as (card_id, time, rating, state, duration).
fn revlog_rows(text: &str) -> Vec<(String, i64, u8, u8, u64)> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "card_id",
            "review_time",
            "review_rating",
            "review_state",
            "review_duration"
        ]
    );
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            (
                record[0].to_string(),
                record[1].parse().expect("review_time: whole ms"),
                record[2].parse().expect("review_rating: a number"),
                record[3].parse().expect("review_state: a number"),
                record[4].parse().expect("review_duration: whole ms"),
            )
        })
        .collect()
}

fn revlog(log: &Path, user: &str) -> String {
    let out = codedrill()
        .arg("report")
        .arg(log)
        .args(["--format", "revlog", "--user", user])
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn the_review_log_follows_the_optimizers_columns() {
    let scratch = Scratch::new();
    let mut rows = history();
    rows.push(attempt(2, "tester", "g3", Verdict::NearMiss, 5000));
    rows.push(attempt(1, "tester", "g3", Verdict::Correct, 3000));
    write_log(&scratch.log(), &rows);
    codedrill()
        .arg("report")
        .arg(scratch.log())
        .args(["--format", "revlog"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "these logs hold 2 users (tester, bob): name one with --user",
        ));
    let text = revlog(&scratch.log(), "tester");
    let revlog = revlog_rows(&text);
    // Recall attempts only: the retyped g5 is not a review.
    let recall: Vec<&Attempt> = rows
        .iter()
        .filter(|r| r.user == "tester" && r.mode != Mode::Transcribe)
        .collect();
    assert_eq!(revlog.len(), recall.len(), "{text}");
    for (card, at, rating, state, duration) in &revlog {
        let row = recall
            .iter()
            .find(|r| {
                format!("good/{}", r.item) == *card && {
                    let time = chrono::DateTime::parse_from_rfc3339(&r.timestamp).unwrap();
                    time.timestamp_millis() == *at
                }
            })
            .unwrap_or_else(|| panic!("no row for {card} at {at}"));
        assert!((1..=4).contains(rating));
        assert!(state <= &3);
        assert_eq!(*duration, row.elapsed_ms);
        assert_eq!(*rating == 1, row.verdict != Verdict::Correct, "{card}");
    }
    // Each item's first review finds it new; its reviews come in time order.
    let g3: Vec<_> = revlog.iter().filter(|r| r.0 == "good/g3").collect();
    assert_eq!(
        g3.iter().map(|r| (r.2, r.3)).collect::<Vec<_>>(),
        [(3, 0), (1, 2), (3, 3)],
        "Good when new, Again in review, then Good in relearning"
    );
    assert!(g3.windows(2).all(|w| w[0].1 < w[1].1));
    for card in ["good/g1", "good/g2"] {
        assert_eq!(revlog.iter().find(|r| r.0 == card).unwrap().3, 0);
    }
    // To a file, by -o.
    let file = scratch.path("revlog.csv");
    codedrill()
        .arg("report")
        .arg(scratch.log())
        .args(["--format", "revlog", "--user", "tester", "-o"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn shuffled_rows_and_other_users_and_decks_schedule_the_same() {
    let scratch = Scratch::new();
    let mut rows = history();
    for days in 1..20 {
        let item = ["g1", "g2", "g3", "g4"][days as usize % 4];
        let verdict = if days % 3 == 0 {
            Verdict::Incorrect
        } else {
            Verdict::Correct
        };
        rows.push(attempt(
            days,
            "tester",
            item,
            verdict,
            1000 + 300 * days as u64,
        ));
        let mut other = attempt(days, "bob", item, Verdict::Correct, 2000);
        other.deck = "other".into();
        rows.push(other);
    }
    let log = scratch.path("a.csv");
    write_log(&log, &rows);
    let mut shuffled = rows.clone();
    shuffled.reverse();
    shuffled.rotate_left(7);
    let other_log = scratch.path("b.csv");
    write_log(&other_log, &shuffled);
    let sorted = |text: String| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    assert_eq!(
        sorted(revlog(&log, "tester")),
        sorted(revlog(&other_log, "tester"))
    );
    let decks = |log: &Path| {
        let out = codedrill()
            .args(["decks", &fixture("decks/good.csv"), "--log"])
            .arg(log)
            .assert()
            .success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        text.lines()
            .find(|l| l.starts_with("good "))
            .unwrap()
            .to_string()
    };
    assert_eq!(decks(&log), decks(&other_log));
}
