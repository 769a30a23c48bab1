//! Interactive drills in a real pseudo-terminal: raw-mode keys, corrections, Ctrl-C, and the
//! terminal given back in cooked mode.

use crate::common::{Scratch, fixture, log_rows};
use rexpect::session::spawn_command;

const TIMEOUT_MS: u64 = 20_000;

/// A shell in the pty runs a codedrill `command` (drill or exam) on the good fixture deck in
/// file order, then prints its exit status and the terminal's settings.
fn session_in_pty(scratch: &Scratch, command: &str, extra: &str) -> rexpect::session::PtySession {
    let script = format!(
        "{} {command} {} --order file {extra} --log {}; echo \"exit=$?\"; stty -a",
        env!("CARGO_BIN_EXE_codedrill"),
        fixture("decks/good.csv"),
        scratch.log().display()
    );
    let mut command = std::process::Command::new("bash");
    command
        .args(["--norc", "-c", &script])
        .env("USER", "tester");
    spawn_command(command, Some(TIMEOUT_MS)).expect("spawn in pty")
}

/// Sends keys at once (the session's writer buffers until a flush).
fn send(pty: &mut rexpect::session::PtySession, keys: &str) {
    pty.send(keys).unwrap();
    pty.flush().unwrap();
}

/// `stty -a` shows line editing and signals on again.
fn assert_cooked(settings: &str) {
    for flag in ["icanon", "isig", "iexten"] {
        assert!(settings.contains(flag), "{flag} missing: {settings}");
        assert!(
            !settings.contains(&format!("-{flag}")),
            "terminal left raw: {settings}"
        );
    }
}

#[test]
fn typing_with_a_correction_then_ctrl_c_keeps_the_row_and_restores_the_terminal() {
    let scratch = Scratch::new();
    let mut pty = session_in_pty(&scratch, "drill", "");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    send(&mut pty, "E12");
    send(&mut pty, "\x7f");
    send(&mut pty, "1.9");
    std::thread::sleep(std::time::Duration::from_millis(200));
    send(&mut pty, "\r");
    pty.exp_string("correct").unwrap();
    pty.exp_string("Essential hypertension").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    send(&mut pty, "I1");
    pty.send_control('c').unwrap();
    pty.exp_string("Session summary").unwrap();
    pty.exp_string("exit=0").unwrap();
    let settings = pty.exp_eof().unwrap();
    assert_cooked(&settings);

    let rows = log_rows(&scratch.log());
    assert_eq!(
        rows.len(),
        1,
        "the item ended by Ctrl-C is not logged: {rows:?}"
    );
    let row = &rows[0];
    assert_eq!(row["entered"], "E11.9");
    assert_eq!(row["verdict"], "correct");
    assert_eq!(row["keystrokes"], "8", "E,1,2,Backspace,1,.,9,Enter");
    assert_eq!(row["backspaces"], "1");
    let first_key: u64 = row["first_key_ms"]
        .parse()
        .expect("first_key_ms on a terminal");
    let elapsed: u64 = row["elapsed_ms"].parse().unwrap();
    assert!(
        first_key >= 250 && first_key < elapsed,
        "{first_key} {elapsed}"
    );
}

#[test]
fn escape_skips_and_time_limit_ends_an_item_mid_typing() {
    let scratch = Scratch::new();
    let mut pty = session_in_pty(&scratch, "drill", "-n 2 --time-limit 2");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    send(&mut pty, "\x1b");
    pty.exp_string("skipped").unwrap();
    pty.exp_string("Essential hypertension").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    send(&mut pty, "I1");
    pty.exp_string("time is up").unwrap();
    pty.exp_string("Session summary").unwrap();
    pty.exp_string("exit=0").unwrap();
    let settings = pty.exp_eof().unwrap();
    assert_cooked(&settings);
    let rows = log_rows(&scratch.log());
    let verdicts: Vec<&str> = rows.iter().map(|r| r["verdict"].as_str()).collect();
    assert_eq!(verdicts, ["skipped", "timed_out"]);
    assert_eq!(rows[1]["entered"], "I1");
    let elapsed: u64 = rows[1]["elapsed_ms"].parse().unwrap();
    assert!((1900..4000).contains(&elapsed), "{elapsed}");
}

#[test]
fn exam_time_runs_out_while_an_answer_is_half_typed() {
    let scratch = Scratch::new();
    let mut pty = session_in_pty(&scratch, "exam", "--duration 2s");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    pty.exp_string("2s").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    send(&mut pty, "E11.9\r");
    pty.exp_string("Essential hypertension").unwrap();
    send(&mut pty, "I1");
    pty.exp_string("time is up").unwrap();
    pty.exp_string("Exam result").unwrap();
    pty.exp_string("FAIL (pass mark 70%)").unwrap();
    pty.exp_string("exit=3").unwrap();
    let settings = pty.exp_eof().unwrap();
    assert_cooked(&settings);
    let rows = log_rows(&scratch.log());
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["verdict"].as_str(), r["entered"].as_str()))
        .collect();
    assert_eq!(got, [("correct", "E11.9"), ("timed_out", "I1")]);
    assert!(rows.iter().all(|r| r["mode"] == "exam"));
}
