//! `exam --blueprint FILE.toml`: the items a blueprint draws (seeded, reproducible), its
//! pretest items logged like the others and named only on the result, and flags overriding
//! the blueprint's own values.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use crate::common::{Scratch, codedrill, codedrill_in_pty, fixture, log_rows, type_keys};

/// The fixture blueprint: 7 items (4 from an outpatient pool, one of them pretest; 1 office
/// circulatory; 2 of the good deck), 10 minutes, pass mark 80%.
fn blueprint() -> String {
    fixture("blueprints/outpatient.toml")
}

/// `codedrill exam --blueprint <fixture> --seed 3 --order file` with `extra` options and
/// `input` piped, logging into the scratch log and writing the page `-o page.md`.
fn exam(scratch: &Scratch, extra: &[&str], input: &str) -> assert_cmd::assert::Assert {
    codedrill()
        .args(["exam", "--blueprint", &blueprint(), "--seed", "3"])
        .args(extra)
        .arg("--log")
        .arg(scratch.log())
        .arg("-o")
        .arg(scratch.path("page.md"))
        .write_stdin(input)
        .assert()
}

/// The items of the log, in the order asked.
fn asked(log: &Path) -> Vec<String> {
    log_rows(log)
        .into_iter()
        .map(|row| row["item"].clone())
        .collect()
}

/// The answers of the fixture decks the blueprint draws from, by item id.
fn answers() -> HashMap<String, String> {
    let mut answers = HashMap::new();
    for deck in ["blueprints/pool.csv", "decks/good.csv"] {
        let mut reader = csv::Reader::from_path(fixture(deck)).unwrap();
        let header = reader.headers().unwrap().clone();
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (id, answer) = (column("id"), column("answer"));
        for record in reader.records() {
            let record = record.unwrap();
            answers.insert(record[id].to_string(), record[answer].to_string());
        }
    }
    answers
}

/// The item the result page marks as pretest.
fn pretest_item(page: &str) -> String {
    let marked: Vec<&str> = page
        .lines()
        .filter(|line| line.contains("; pretest, not scored)"))
        .collect();
    assert_eq!(marked.len(), 1, "one pretest item: {page}");
    let id = marked[0]
        .split("**")
        .nth(1)
        .expect("an item line: N. **id** (...)");
    id.to_string()
}

/// Piped answers to `items`: each one's answer, or `wrong` for those in `miss`.
fn answer_lines(items: &[String], miss: &[&str]) -> String {
    let answers = answers();
    items
        .iter()
        .map(|id| {
            if miss.contains(&id.as_str()) {
                "Z99.89\n".to_string()
            } else {
                format!("{}\n", answers[id])
            }
        })
        .collect()
}

#[test]
fn a_piped_blueprint_exam_logs_every_item_as_exam_and_the_page_names_its_pretest_item() {
    let scratch = Scratch::new();
    exam(&scratch, &[], &"\n".repeat(7)).code(3);
    let rows = log_rows(&scratch.log());
    assert_eq!(rows.len(), 7, "4 + 1 + 2 items, the pretest one included");
    assert!(rows.iter().all(|row| row["mode"] == "exam"), "{rows:?}");
    let decks: Vec<&str> = rows.iter().map(|row| row["deck"].as_str()).collect();
    assert_eq!(decks.iter().filter(|d| **d == "pool").count(), 5);
    assert_eq!(decks.iter().filter(|d| **d == "good").count(), 2);
    let mut ids = asked(&scratch.log());
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 7, "no item twice");

    let page = std::fs::read_to_string(scratch.path("page.md")).unwrap();
    assert!(
        page.starts_with("# Exam result — Outpatient coding test — tester\n"),
        "{page}"
    );
    assert!(
        page.contains("6 of 6 items answered, score 0 of 6"),
        "{page}"
    );
    assert!(page.contains("1 pretest item, not scored: "), "{page}");
    assert!(
        page.contains(
            "Drawn from: 4 pool \\(outpatient\\), 1 pool \\(Circulatory, office\\), 2 good"
        ),
        "{page}"
    );
    assert!(page.contains("time allowed 10:00"), "{page}");
    assert!(page.contains("pass mark 80%"), "{page}");
    let pretest = pretest_item(&page);
    assert!(
        pretest.starts_with('p'),
        "drawn from the outpatient pool: {pretest}"
    );
}

#[test]
fn the_same_seed_draws_the_same_exam_and_pretest_items_are_not_scored() {
    let scratch = Scratch::new();
    exam(&scratch, &["--order", "file"], &"\n".repeat(7)).code(3);
    let items = asked(&scratch.log());
    let page = std::fs::read_to_string(scratch.path("page.md")).unwrap();
    let pretest = pretest_item(&page);

    // Every scored item right, the pretest item wrong: a full score, even at --pass 100.
    let again = Scratch::new();
    let assert = exam(
        &again,
        &["--order", "file", "--pass", "100"],
        &answer_lines(&items, &[&pretest]),
    )
    .success();
    assert_eq!(
        asked(&again.log()),
        items,
        "the same seed, the same items in the same order"
    );
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        out.contains("Exam result — Outpatient coding test"),
        "{out}"
    );
    assert!(out.contains("100.0% — PASS (pass mark 100%)"), "{out}");
    assert!(out.contains("6 of 6 items answered, score 6 of 6"), "{out}");
    assert!(
        out.contains(&format!("1 pretest item, not scored: {pretest} incorrect")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{pretest} [incorrect; pretest, not scored]")),
        "{out}"
    );
    let rows = log_rows(&again.log());
    let row = rows.iter().find(|row| row["item"] == pretest).unwrap();
    assert_eq!(
        (row["mode"].as_str(), row["verdict"].as_str()),
        ("exam", "incorrect")
    );
    let page = std::fs::read_to_string(again.path("page.md")).unwrap();
    assert!(page.contains("(incorrect; pretest, not scored)"), "{page}");
    assert!(page.contains("pass mark 100%"), "{page}");
}

#[test]
fn flags_override_the_blueprint() {
    let scratch = Scratch::new();
    exam(&scratch, &["--order", "file"], &"\n".repeat(7)).code(3);
    let items = asked(&scratch.log());
    let page = std::fs::read_to_string(scratch.path("page.md")).unwrap();
    let pretest = pretest_item(&page);
    let scored_miss = items.iter().find(|id| **id != pretest).unwrap();
    // 5 of 6 scored items: 83.3%, a pass at the blueprint's 80%, a fail at --pass 90.
    let input = answer_lines(&items, &[scored_miss]);
    let run = Scratch::new();
    exam(&run, &["--order", "file"], &input).success();
    let run = Scratch::new();
    let assert = exam(
        &run,
        &["--order", "file", "--pass", "90", "--duration", "90s"],
        &input,
    )
    .code(3);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(out.contains("83.3% — FAIL (pass mark 90%)"), "{out}");
    let page = std::fs::read_to_string(run.path("page.md")).unwrap();
    assert!(page.contains("time allowed 1:30"), "{page}");

    // -n caps the items asked: each draw scaled down alike.
    let capped = Scratch::new();
    exam(&capped, &["-n", "3"], &"\n".repeat(3)).code(3);
    assert_eq!(log_rows(&capped.log()).len(), 3);
    let page = std::fs::read_to_string(capped.path("page.md")).unwrap();
    assert!(
        page.contains(
            "Drawn from: 1 pool \\(outpatient\\), 1 pool \\(Circulatory, office\\), 1 good"
        ),
        "{page}"
    );
    assert!(
        !page.contains("pretest"),
        "the pretest quota rounds down to none: {page}"
    );
}

#[test]
fn a_misspelt_key_stops_the_exam_before_it_starts() {
    let scratch = Scratch::new();
    let page = scratch.path("page.md");
    let assert = codedrill()
        .args([
            "exam",
            "--blueprint",
            &fixture("blueprints/misspelt.toml"),
            "--log",
        ])
        .arg(scratch.log())
        .arg("-o")
        .arg(&page)
        .write_stdin("I10\n")
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("blueprints/misspelt.toml:6: unknown field `cateogry`, expected one of `deck`, `category`, `setting`, `count`, `pretest`"),
        "{err}"
    );
    assert!(!scratch.log().exists());
    assert!(!page.exists(), "no empty result page left behind");

    codedrill()
        .args(["exam", "interview", "--blueprint", &blueprint()])
        .write_stdin("")
        .assert()
        .code(2);
}

#[test]
fn the_start_screen_shows_the_title_and_the_pools() {
    let scratch = Scratch::new();
    let args = format!("exam --blueprint {} --seed 1", blueprint());
    let (mut pty, _) = codedrill_in_pty(&scratch, &args, "stty cols 80 rows 30;");
    pty.exp_string("Exam: Outpatient coding test").unwrap();
    // rexpect reads bytes as Latin-1: the `·` separators are matched around.
    pty.exp_string("7 items: 4 pool (outpatient), 1 pool (Circulatory, office), 2 good")
        .unwrap();
    pty.exp_string("10:00 to answer").unwrap();
    pty.exp_string("pass mark 80%").unwrap();
    pty.exp_string("1 of the items is pretest, not scored; the result says which.")
        .unwrap();
    pty.exp_string("Enter: begin (the clock starts)").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    type_keys(&mut pty, "q");
    pty.exp_string("No exam taken.").unwrap();
    pty.exp_string("exit=0").unwrap();
    assert!(!scratch.log().exists());
}
