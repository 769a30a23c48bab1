//! Flag and return in an exam on a real pseudo-terminal: Tab flags an item with a
//! provisional answer, Esc skips one, both are offered again at the end of the list, and the
//! log holds one row per item with its final answer.

use std::time::Duration;

use crate::common::{Scratch, assert_cooked, codedrill_in_pty, fixture, log_rows, type_keys};
use rexpect::session::PtySession;

/// An exam of the good fixture deck's first `count` items in file order, started from its
/// start screen, on an 80-column terminal.
fn exam_in_pty(scratch: &Scratch, count: usize, duration: &str) -> PtySession {
    let args = format!(
        "exam {} --order file -n {count} --duration {duration}",
        fixture("decks/good.csv")
    );
    // An 80-column terminal, so that no line the test waits for is wrapped.
    let (mut pty, _) = codedrill_in_pty(scratch, &args, "stty cols 80 rows 40;");
    pty.exp_string("Enter: begin (the clock starts)").unwrap();
    settle();
    type_keys(&mut pty, "\r");
    pty
}

/// The prompt is drawn just before raw mode is on: keys wait for it.
fn settle() {
    std::thread::sleep(Duration::from_millis(300));
}

/// (item, entered, verdict) of each row, in the order written.
fn rows_of(scratch: &Scratch) -> Vec<(String, String, String)> {
    log_rows(&scratch.log())
        .into_iter()
        .map(|row| {
            (
                row["item"].clone(),
                row["entered"].clone(),
                row["verdict"].clone(),
            )
        })
        .collect()
}

fn row(item: &str, entered: &str, verdict: &str) -> (String, String, String) {
    (item.into(), entered.into(), verdict.into())
}

#[test]
fn a_flagged_item_comes_back_with_its_answer_and_is_logged_once_with_the_final_one() {
    let scratch = Scratch::new();
    let mut pty = exam_in_pty(&scratch, 2, "5m");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    // rexpect reads bytes as Latin-1: the `·` separators are matched around.
    pty.exp_string("Tab flag").unwrap();
    settle();
    type_keys(&mut pty, "E11.8\t");
    pty.exp_string("flagged for review").unwrap();
    pty.exp_string("1 flagged").unwrap();
    pty.exp_string("Essential hypertension").unwrap();
    settle();
    type_keys(&mut pty, "I10\r");
    pty.exp_string("Flagged: 1 item to review").unwrap();
    pty.exp_string("review 1 of 1").unwrap();
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    // The provisional answer is filled in again.
    pty.exp_string("> E11.8").unwrap();
    settle();
    type_keys(&mut pty, "\x7f9\r");
    pty.exp_string("Exam result").unwrap();
    pty.exp_string("PASS").unwrap();
    pty.exp_string("2 of 2 items answered").unwrap();
    pty.exp_string("Left open on the first pass: 1 (1 flagged, 0 skipped); 1 answered")
        .unwrap();
    pty.exp_string("exit=0").unwrap();
    assert_cooked(&pty.exp_eof().unwrap());

    // One row per item, each written when it was settled: item 2 first.
    assert_eq!(
        rows_of(&scratch),
        [row("g2", "I10", "correct"), row("g1", "E11.9", "correct")]
    );
    let rows = log_rows(&scratch.log());
    let flagged = &rows[1];
    // E,1,1,.,8,Tab on the first visit; Backspace,9,Enter on the return.
    assert_eq!(flagged["keystrokes"], "9");
    assert_eq!(flagged["backspaces"], "1");
    let elapsed: u64 = flagged["elapsed_ms"].parse().unwrap();
    let first_key: u64 = flagged["first_key_ms"].parse().unwrap();
    // Both visits waited before typing; the time item 2 took is not the flagged item's.
    assert!(elapsed >= 2 * 250, "both visits count: {elapsed}");
    assert!(
        first_key >= 250 && first_key < elapsed,
        "{first_key} {elapsed}"
    );
}

#[test]
fn when_the_exam_time_runs_out_flagged_and_skipped_items_are_logged_as_they_stand() {
    let scratch = Scratch::new();
    let mut pty = exam_in_pty(&scratch, 4, "4s");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    settle();
    type_keys(&mut pty, "E11.9\t");
    pty.exp_string("Essential hypertension").unwrap();
    settle();
    type_keys(&mut pty, "\x1b");
    pty.exp_string("offered again at the end").unwrap();
    pty.exp_string("Inflammation of the liver").unwrap();
    settle();
    type_keys(&mut pty, "hepa");
    pty.exp_string("time is up").unwrap();
    pty.exp_string("Exam result").unwrap();
    pty.exp_string("(1 not reached)").unwrap();
    pty.exp_string("Left open on the first pass: 2 (1 flagged, 1 skipped); 0 answered")
        .unwrap();
    pty.exp_string("exit=3").unwrap();
    assert_cooked(&pty.exp_eof().unwrap());
    // The item in progress is timed out, the open ones settled as they stood; item 4 was
    // never shown and is not logged.
    assert_eq!(
        rows_of(&scratch),
        [
            row("g3", "hepa", "timed_out"),
            row("g1", "E11.9", "correct"),
            row("g2", "", "skipped"),
        ]
    );
}

#[test]
fn after_a_review_pass_the_candidate_ends_the_exam_with_items_still_flagged() {
    let scratch = Scratch::new();
    let mut pty = exam_in_pty(&scratch, 2, "5m");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    settle();
    type_keys(&mut pty, "\x1b");
    pty.exp_string("Essential hypertension").unwrap();
    settle();
    type_keys(&mut pty, "I1\t");
    pty.exp_string("Flagged and skipped: 2 items to review")
        .unwrap();
    pty.exp_string("review 1 of 2").unwrap();
    settle();
    type_keys(&mut pty, "E11.9\r");
    pty.exp_string("review 2 of 2").unwrap();
    pty.exp_string("> I1").unwrap();
    settle();
    type_keys(&mut pty, "\t");
    pty.exp_string("End the exam? 1 item still flagged.")
        .unwrap();
    pty.exp_string("e: end").unwrap();
    settle();
    type_keys(&mut pty, "e");
    pty.exp_string("Exam result").unwrap();
    pty.exp_string("Left open on the first pass: 2 (1 flagged, 1 skipped); 1 answered")
        .unwrap();
    pty.exp_string("still flagged at the end: scored as it stood")
        .unwrap();
    pty.exp_string("exit=3").unwrap();
    assert_cooked(&pty.exp_eof().unwrap());
    let rows = rows_of(&scratch);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0], row("g1", "E11.9", "correct"));
    // The provisional answer is scored, not skipped.
    assert_eq!((rows[1].0.as_str(), rows[1].1.as_str()), ("g2", "I1"));
    assert_ne!(rows[1].2, "skipped");
}
