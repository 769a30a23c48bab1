//! Interactive drills in a real pseudo-terminal: raw-mode keys, corrections, Ctrl-C, signals,
//! a panic and a 5 MB paste, and the terminal given back in cooked mode every time.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::common::{
    Scratch, assert_cooked, codedrill_in_pty, fixture, log_rows, peak_rss_kib, read_all,
    send_signal, type_keys, wait_for_rows,
};
use codedrill::score::Verdict;
use rexpect::session::PtySession;

/// A drill or exam (`command`) on the good fixture deck in file order, in a pseudo-terminal.
fn session_in_pty(scratch: &Scratch, command: &str, extra: &str) -> PtySession {
    let args = format!(
        "{command} {} --order file {extra}",
        fixture("decks/good.csv")
    );
    codedrill_in_pty(scratch, &args, "").0
}

#[test]
fn typing_with_a_correction_then_ctrl_c_keeps_the_row_and_restores_the_terminal() {
    let scratch = Scratch::new();
    let mut pty = session_in_pty(&scratch, "drill", "");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    type_keys(&mut pty, "E12");
    type_keys(&mut pty, "\x7f");
    type_keys(&mut pty, "1.9");
    std::thread::sleep(std::time::Duration::from_millis(200));
    type_keys(&mut pty, "\r");
    pty.exp_string("correct").unwrap();
    next_item(&mut pty);
    pty.exp_string("Essential hypertension").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    type_keys(&mut pty, "I1");
    pty.send_control('c').unwrap();
    pty.exp_string("Session summary").unwrap();
    // Ctrl-C on a terminal ends as SIGINT does.
    pty.exp_string("exit=130").unwrap();
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
    type_keys(&mut pty, "\x1b");
    pty.exp_string("skipped").unwrap();
    next_item(&mut pty);
    pty.exp_string("Essential hypertension").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    type_keys(&mut pty, "I1");
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
    pty.exp_string("Enter: begin (the clock starts)").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    type_keys(&mut pty, "\r");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    pty.exp_string("2s").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    type_keys(&mut pty, "E11.9\r");
    pty.exp_string("Essential hypertension").unwrap();
    type_keys(&mut pty, "I1");
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

#[test]
fn signals_on_a_terminal_keep_the_rows_and_restore_the_terminal() {
    for (signal, status) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let scratch = Scratch::new();
        let (mut pty, pid) = codedrill_in_pty(&scratch, &good_drill(), "");
        pty.exp_string("Type 2 diabetes, no complications").unwrap();
        std::thread::sleep(Duration::from_millis(200));
        type_keys(&mut pty, b"E11.9\r");
        next_item(&mut pty);
        pty.exp_string("Essential hypertension").unwrap();
        type_keys(&mut pty, b"I1");
        wait_for_rows(&scratch.log(), 1);
        std::thread::sleep(Duration::from_millis(200));
        send_signal(pid, signal);
        pty.exp_string("Session summary").unwrap();
        pty.exp_string(&format!("exit={status}")).unwrap();
        assert_cooked(&pty.exp_eof().unwrap());
        let (rows, warnings) = read_all(&scratch.log());
        assert_eq!(
            rows.len(),
            1,
            "SIG{signal}: the item in progress is not logged"
        );
        assert_eq!(rows[0].entered, "E11.9");
        assert!(warnings.is_empty());
    }
}

#[test]
fn a_panic_on_a_terminal_keeps_the_rows_and_restores_the_terminal() {
    let scratch = Scratch::new();
    let (mut pty, _) = codedrill_in_pty(&scratch, &good_drill(), "CODEDRILL_TEST_PANIC_AT=2");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    type_keys(&mut pty, b"E11.9\r");
    next_item(&mut pty);
    pty.exp_string("test panic injected at item 2").unwrap();
    pty.exp_string("exit=101").unwrap();
    assert_cooked(&pty.exp_eof().unwrap());
    let (rows, _) = read_all(&scratch.log());
    assert_eq!(rows.len(), 1);
}

#[test]
fn hostile_keys_on_a_terminal_are_capped_readable_and_bounded_in_memory() {
    let scratch = Scratch::new();
    let (mut pty, pid) = codedrill_in_pty(&scratch, &good_drill(), "");
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let mut big = vec![b'A'; 5 * 1024 * 1024];
    big.push(b'\r');
    let started = Instant::now();
    let mut terminal = pty.process().get_file_handle().unwrap();
    let writer = std::thread::spawn(move || terminal.write_all(&big));
    pty.exp_string("Enter: next item").unwrap();
    writer.join().unwrap().unwrap();
    type_keys(&mut pty, "\r");
    pty.exp_string("Essential hypertension").unwrap();
    eprintln!("5 MB typed in the terminal in {:?}", started.elapsed());
    // The prompt is drawn just before raw mode is on again.
    std::thread::sleep(Duration::from_millis(200));
    // NUL, Ctrl-A, invalid UTF-8 and a DEL-free mix of bytes around "I10".
    type_keys(&mut pty, b"I\x00\x011\xff\xfe\x020\r");
    next_item(&mut pty);
    pty.exp_string("Inflammation of the liver").unwrap();
    let peak_kib = peak_rss_kib(pid);
    eprintln!("peak RSS with a 5 MB line typed: {peak_kib} KiB");
    assert!(peak_kib < 50 * 1024, "peak RSS {peak_kib} KiB");
    pty.send_control('c').unwrap();
    pty.exp_string("answers cut").unwrap();
    pty.exp_string("exit=130").unwrap();
    assert_cooked(&pty.exp_eof().unwrap());
    let (rows, warnings) = read_all(&scratch.log());
    assert!(warnings.is_empty());
    let entered: Vec<&str> = rows.iter().map(|row| row.entered.as_str()).collect();
    assert_eq!(entered, ["A".repeat(256).as_str(), "I10"]);
    assert_eq!(rows[1].verdict, Verdict::Correct);
}

/// After an item's feedback the drill waits: Enter asks the next item.
fn next_item(pty: &mut PtySession) {
    pty.exp_string("Enter: next item").unwrap();
    type_keys(pty, "\r");
}

/// A drill on the good fixture deck in file order.
fn good_drill() -> String {
    format!("drill {} --order file", fixture("decks/good.csv"))
}

#[test]
fn a_usage_error_quoting_escape_sequences_prints_none_of_them() {
    let scratch = Scratch::new();
    let hostile = r"BAD=$'\x1b[2Jx\x1b]52;c;aGk=\x07'";
    let (mut pty, _) = codedrill_in_pty(&scratch, r#"report --by "$BAD""#, hostile);
    let output = pty.exp_eof().unwrap();
    assert!(output.contains("invalid value"), "{output}");
    assert!(output.contains("exit=2"), "{output}");
    let before_status = &output[..output.find("exit=").unwrap_or(output.len())];
    assert!(
        !before_status.contains(['\u{1b}', '\u{7}']),
        "raw control characters: {before_status:?}"
    );
}

#[test]
fn reading_the_feedback_is_not_answering_time() {
    let scratch = Scratch::new();
    let mut pty = codedrill_in_pty(&scratch, &good_drill(), "").0;
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    type_keys(&mut pty, "E11.9\r");
    pty.exp_string("Enter: next item").unwrap();
    // Three seconds spent reading the feedback.
    std::thread::sleep(Duration::from_secs(3));
    type_keys(&mut pty, "\r");
    pty.exp_string("Essential hypertension").unwrap();
    type_keys(&mut pty, "I10\r");
    pty.exp_string("Enter: next item").unwrap();
    type_keys(&mut pty, "q");
    pty.exp_string("Session summary").unwrap();
    pty.exp_string("exit=0").unwrap();
    assert_cooked(&pty.exp_eof().unwrap());
    let rows = read_all(&scratch.log()).0;
    assert_eq!(
        rows.len(),
        2,
        "q at the pause ends the session after two items"
    );
    assert!(
        rows[1].elapsed_ms < 1000,
        "item 2 took {} ms",
        rows[1].elapsed_ms
    );
}

#[test]
fn review_with_nothing_to_review_asks_before_drilling() {
    let scratch = Scratch::new();
    let args = format!("drill {} --review", fixture("decks/good.csv"));
    let (mut pty, _) = codedrill_in_pty(&scratch, &args, "");
    pty.exp_string("Nothing to review").unwrap();
    pty.exp_string("Drill as usual? [Y/n]").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    type_keys(&mut pty, "n");
    pty.exp_string("exit=0").unwrap();
    assert_cooked(&pty.exp_eof().unwrap());
    assert!(!scratch.log().exists(), "nothing was drilled");
}

#[test]
fn an_exam_starts_from_its_start_screen() {
    let scratch = Scratch::new();
    let args = format!("exam {} --duration 5m --pass 80", fixture("decks/good.csv"));
    let (mut pty, _) = codedrill_in_pty(&scratch, &args, "");
    // rexpect reads bytes as Latin-1: the `·` separators are matched around.
    pty.exp_string("5 items").unwrap();
    pty.exp_string("5:00 to answer").unwrap();
    pty.exp_string("pass mark 80%").unwrap();
    pty.exp_string("Enter: begin (the clock starts)").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    type_keys(&mut pty, "q");
    pty.exp_string("No exam taken.").unwrap();
    pty.exp_string("exit=0").unwrap();
    assert_cooked(&pty.exp_eof().unwrap());
    assert!(!scratch.log().exists(), "nothing was asked");
}

/// A deck whose prompt, category and rationale are far longer than an 80-column line.
const LONG_DECK: &str = "id,system,category,prompt,answer,accept,rationale
w1,icd10cm,Endocrine nutritional and metabolic diseases of the long category kind,\"Type 2 diabetes mellitus with diabetic chronic kidney disease, stage 3a, with long-term current use of insulin and of oral hypoglycemic drugs\",E11.22,,\"Combination code for diabetes with chronic kidney disease; code also the stage of the kidney disease and each long-term drug, sequenced after the diabetes code as the guidelines instruct\"
";

/// Lines as a terminal shows them: colour and cursor sequences dropped, and of a line
/// redrawn after a carriage return, its longest draw.
fn screen_lines(output: &str) -> Vec<String> {
    // rexpect decoded the bytes as Latin-1: back to bytes, then read as the UTF-8 they are.
    let bytes: Vec<u8> = output.chars().map(|c| c as u32 as u8).collect();
    let output = String::from_utf8_lossy(&bytes);
    let mut plain = String::new();
    let mut chars = output.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // A CSI sequence ends at its first byte in @..~.
            if chars.next() == Some('[') {
                for end in chars.by_ref() {
                    if ('@'..='~').contains(&end) {
                        break;
                    }
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
        .split('\n')
        .map(|line| {
            let draws = line.split('\r');
            draws
                .max_by_key(|d| d.chars().count())
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn drill_screens_fit_80_columns_without_splitting_words() {
    let scratch = Scratch::new();
    let deck = scratch.path("long.csv");
    std::fs::write(&deck, LONG_DECK).unwrap();
    // crossterm reads the width from the terminal, so the pseudo-terminal is made 80 wide.
    let args = format!("drill {} --color never", deck.display());
    let (mut pty, _) = codedrill_in_pty(&scratch, &args, "stty cols 80 rows 40;");
    // Each wait gives what came before the text waited for.
    let mut output = pty.exp_string("current use").unwrap() + "current use";
    std::thread::sleep(Duration::from_millis(300));
    type_keys(&mut pty, "E11.9\r");
    output += &(pty.exp_string("Session summary").unwrap() + "Session summary");
    output += &pty.exp_string("exit=").unwrap();
    let lines = screen_lines(&output);
    for line in &lines {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line:?}",
            line.len()
        );
    }
    // Every word of the deck's text arrives whole, in order, whichever line it is on.
    let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
    let shown = format!(" {} ", words.join(" "));
    for text in [
        "Type 2 diabetes mellitus with diabetic chronic kidney disease, stage 3a, with \
         long-term current use of insulin and of oral hypoglycemic drugs",
        "why: Combination code for diabetes with chronic kidney disease; code also the stage \
         of the kidney disease and each long-term drug, sequenced after the diabetes code as \
         the guidelines instruct",
    ] {
        assert!(shown.contains(&format!(" {text} ")), "{text} in {lines:#?}");
    }
    let continued = lines.iter().filter(|l| l.starts_with("       ")).count();
    assert!(continued >= 2, "why: continues at 7 spaces: {lines:#?}");
}

#[test]
fn the_banner_names_decks_mode_and_user() {
    let scratch = Scratch::new();
    let mut pty = session_in_pty(&scratch, "drill", "-n 1");
    // rexpect reads bytes as Latin-1: the `·` separators are matched around.
    pty.exp_string("1 item of good").unwrap();
    pty.exp_string("practice").unwrap();
    pty.exp_string("user tester").unwrap();
    pty.exp_string("Graded against ICD-10-CM FY2026").unwrap();
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    pty.send_control('c').unwrap();
    pty.exp_string("exit=130").unwrap();
    assert_cooked(&pty.exp_eof().unwrap());
}

#[test]
fn a_whole_record_wraps_at_80_columns_with_its_headings_on_their_own_lines() {
    let scratch = Scratch::new();
    let args = format!("drill {} --color never", fixture("decks/chart.csv"));
    let (mut pty, _) = codedrill_in_pty(&scratch, &args, "stty cols 80 rows 40;");
    let mut output = pty.exp_string("laparoscopic ports.").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // The principal code second: the right set, out of sequence.
    type_keys(&mut pty, "I10 K35.30 0DTJ4ZZ\r");
    // The last item: no pause after its feedback.
    output += &pty.exp_string("exit=").unwrap();
    let lines = screen_lines(&output);
    for line in &lines {
        assert!(line.chars().count() <= 80, "{line:?} in {lines:#?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l == "[1/1] Digestive · Inpatient stay"),
        "{lines:#?}"
    );
    for heading in ["Chief complaint:", "History:", "Assessment:", "Procedure:"] {
        assert!(
            lines.iter().any(|l| l == heading),
            "{heading} in {lines:#?}"
        );
    }
    // A paragraph continues 2 spaces in; a word is never split at the edge.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  hypertension controlled")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("sequence  K35.30 is the principal code")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("optional  Z87.891")),
        "{lines:#?}"
    );
    let rows = log_rows(&scratch.log());
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (&rows[0]["verdict"][..], &rows[0]["detail"][..]),
        ("partial", "sequence")
    );
    assert_eq!(&rows[0]["system"], "icd10cm+icd10pcs");
    // The log keeps the record on one line.
    assert!(rows[0]["prompt"].starts_with("Chief complaint: Right lower quadrant"));
}
