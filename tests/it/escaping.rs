//! Terminal escapes planted in a deck, a code-set file, a log, a file name, a user name or a
//! typed argument are printed as visible `\u{1b}` text, on standard output and standard error
//! alike, by every command; and `lookup --format csv` guards formula-looking cells.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{Scratch, codedrill, codedrill_in_pty, type_keys};

/// Clears the screen, sets the clipboard (OSC 52), makes a link (OSC 8) and opens a C1
/// control sequence, with a DEL: each would act on a terminal if printed raw.
const HOSTILE: &str =
    "\x1b[2J\x1b]52;c;ZXZpbA==\x07\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\u{9b}31m\x7f";

/// [`HOSTILE`] as codedrill shows it.
const SHOWN: &str = "\\u{1b}[2J\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{1b}]8;;http://x\\u{1b}\\link\\u{1b}]8;;\\u{1b}\\\\u{9b}31m\\u{7f}";

/// A short hostile piece that fits a file name.
const IN_NAME: &str = "\x1b[2J\u{9b}";

/// [`IN_NAME`] as codedrill shows it.
const NAME_SHOWN: &str = "\\u{1b}[2J\\u{9b}";

/// Panics if `bytes` hold a control character a terminal acts on: C0 but tab and line
/// breaks, DEL, or C1 (as UTF-8, or as a raw byte that is not part of a character).
fn assert_no_raw_controls(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let raw = text.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == char::REPLACEMENT_CHARACTER
    });
    assert!(raw.is_none(), "{what}: raw {raw:?} in {text:?}");
}

/// Checks both streams of a command's output, and that `shown` is in one of them.
fn assert_shown(what: &str, output: &Output, shown: &str) {
    assert_no_raw_controls(&format!("{what} stdout"), &output.stdout);
    assert_no_raw_controls(&format!("{what} stderr"), &output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains(shown) || stderr.contains(shown),
        "{what}: {shown:?} not in\n{stdout}\n{stderr}"
    );
}

/// Runs codedrill with `args` and `input` on stdin.
fn run(args: &[&str], input: &str) -> Output {
    codedrill().args(args).write_stdin(input).output().unwrap()
}

/// A one-item deck (E11.9) written to `path`.
fn write_deck(path: &Path) {
    let deck = "id,prompt,answer,system\nd1,Type 2 diabetes,E11.9,icd10cm\n";
    std::fs::write(path, deck).unwrap();
}

/// An ICD-10-CM order file whose E11.8 and E11.9 titles are [`HOSTILE`].
fn hostile_codeset(scratch: &Scratch) -> String {
    let line = |order: u32, code: &str, billable: u8, title: &str| {
        format!(
            "{order:05} {code:<7} {billable} {:<60} {title}\n",
            "short title"
        )
    };
    let text = [
        line(1, "E11", 0, "Type 2 diabetes mellitus"),
        line(2, "E118", 1, &format!("E11.8 {HOSTILE}")),
        line(3, "E119", 1, &format!("E11.9 {HOSTILE}")),
    ]
    .concat();
    let path = scratch.path("order.txt");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_drill_shows_code_set_titles_visibly() {
    let scratch = Scratch::new();
    let codeset = hostile_codeset(&scratch);
    let deck = scratch.path("deck.csv");
    write_deck(&deck);
    let log = scratch.log().display().to_string();
    let deck = deck.display().to_string();
    let output = run(
        &["--codeset", &codeset, "drill", &deck, "--log", &log],
        "E11.8\n",
    );
    assert!(output.status.success(), "{output:?}");
    assert_shown("drill feedback", &output, &format!("E11.9 — E11.9 {SHOWN}"));
    let generated = ["--codeset", &codeset, "drill", "--generate", "icd10cm:E11"];
    let output = run(
        &[&generated[..], &["-n", "1", "--log", &log]].concat(),
        "\n",
    );
    assert!(output.status.success(), "{output:?}");
    assert_shown("generated prompt", &output, SHOWN);
}

#[test]
fn a_drill_on_a_terminal_shows_titles_visibly() {
    let scratch = Scratch::new();
    let codeset = hostile_codeset(&scratch);
    let args = format!("--codeset {codeset} drill --generate icd10cm:E11 -n 1");
    let (mut pty, _) = codedrill_in_pty(&scratch, &args, "");
    let (before, _) = pty.exp_regex(r"\\u\{1b\}\[2J").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    type_keys(&mut pty, "\x1b");
    let rest = pty.exp_string("exit=0").unwrap();
    // The terminal front end paints with its own escapes; none of the planted ones is raw.
    for text in [before, rest] {
        for raw in ["\x1b[2J", "\x1b]52", "\x1b]8", "\u{9b}", "\x7f"] {
            assert!(!text.contains(raw), "{raw:?} in {text:?}");
        }
    }
}

#[test]
fn check_shows_deck_text_and_file_names_visibly() {
    let scratch = Scratch::new();
    let deck = scratch.path(&format!("deck{IN_NAME}.csv"));
    let text = format!("id,prompt,answer,system\nd1,Diabetes,E11.9,icd{HOSTILE}10\n");
    std::fs::write(&deck, text).unwrap();
    let output = codedrill().arg("check").arg(&deck).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_shown("check", &output, &format!("unknown system `icd{SHOWN}10`"));
    assert_shown("check", &output, &format!("deck{NAME_SHOWN}.csv:2: "));
    // The same problems stop a drill, through the one error printer.
    let output = codedrill()
        .arg("drill")
        .arg(&deck)
        .arg("--log")
        .arg(scratch.log())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_shown(
        "drill error",
        &output,
        &format!("Error: {}", scratch.path("").display()),
    );
    assert_shown("drill error", &output, &format!("icd{SHOWN}10"));
    let good = scratch.path(&format!("good{IN_NAME}.csv"));
    write_deck(&good);
    let output = codedrill().arg("check").arg(&good).output().unwrap();
    assert_shown(
        "check ok",
        &output,
        &format!("good{NAME_SHOWN}.csv: ok (1 items)"),
    );
}

#[test]
fn decks_lists_file_names_visibly() {
    let scratch = Scratch::new();
    let good = scratch.path(&format!("good{IN_NAME}.csv"));
    write_deck(&good);
    let missing = scratch.path(&format!("missing{IN_NAME}.csv"));
    let output = codedrill()
        .arg("decks")
        .arg(&good)
        .arg(&missing)
        .output()
        .unwrap();
    assert_shown("decks", &output, &format!("good{NAME_SHOWN}  "));
    assert_shown("decks", &output, &format!("missing{NAME_SHOWN}.csv: "));
}

/// A log of one drill by a user named [`HOSTILE`] on a deck whose file name holds
/// [`IN_NAME`], kept in a log whose file name holds it too.
fn hostile_log(scratch: &Scratch) -> PathBuf {
    let deck = scratch.path(&format!("deck{IN_NAME}.csv"));
    write_deck(&deck);
    let log = scratch.path(&format!("log{IN_NAME}.csv"));
    let output = codedrill()
        .args(["--user", HOSTILE, "drill"])
        .arg(&deck)
        .arg("--log")
        .arg(&log)
        .write_stdin("E11.8\n")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_no_raw_controls("drill stdout", &output.stdout);
    log
}

#[test]
fn report_shows_users_decks_and_log_names_visibly() {
    let scratch = Scratch::new();
    let log = hostile_log(&scratch);
    // The table shortens long keys in the middle, so only the start of the name is whole.
    let head = &SHOWN[..SHOWN.find("\\u{1b}]8").unwrap()];
    for (by, shown) in [
        ("user", head.to_string()),
        ("deck", format!("deck{NAME_SHOWN}")),
        ("item", format!("deck{NAME_SHOWN}/d1")),
    ] {
        let output = codedrill()
            .args(["report", "--by", by])
            .arg(&log)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        assert_shown(&format!("report --by {by}"), &output, &shown);
    }
    // The subtitle names the one user; a cut row is warned about as FILE:LINE.
    let mut text = std::fs::read(&log).unwrap();
    text.extend_from_slice(format!("2026-11-27T10:00:00,{HOSTILE}").as_bytes());
    std::fs::write(&log, text).unwrap();
    let output = codedrill()
        .args(["--user", HOSTILE, "report"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_shown("report subtitle", &output, &format!("user {head}"));
    assert_shown(
        "report warning",
        &output,
        &format!("log{NAME_SHOWN}.csv:3: "),
    );
}

#[test]
fn errors_show_paths_and_arguments_visibly() {
    let scratch = Scratch::new();
    let missing = scratch.path(&format!("none{IN_NAME}.csv"));
    let output = codedrill().arg("report").arg(&missing).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_shown("report error", &output, &format!("none{NAME_SHOWN}.csv"));
    let output = run(&["lookup", "--search", HOSTILE], "");
    assert_eq!(output.status.code(), Some(1));
    assert_shown("search error", &output, SHOWN);
}

#[test]
fn lookup_shows_arguments_and_titles_visibly_in_every_format() {
    let scratch = Scratch::new();
    let codeset = hostile_codeset(&scratch);
    let typed = format!("E11{HOSTILE}");
    for format in ["table", "csv"] {
        let output = run(&["lookup", "--format", format, "--", &typed], "");
        assert!(output.status.success(), "{output:?}");
        assert_shown(&format!("lookup {format}"), &output, &format!("E11{SHOWN}"));
        let args = ["--codeset", &codeset, "lookup", "--format", format];
        let output = run(&[&args[..], &["E11.9", "E11.99"]].concat(), "");
        assert!(output.status.success(), "{output:?}");
        assert_shown(&format!("lookup {format} title"), &output, SHOWN);
    }
    let output = run(&["lookup", "--format", "json", "--", &typed], "");
    assert_no_raw_controls("lookup json", &output.stdout);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json[0]["input"],
        typed.as_str(),
        "JSON keeps the text exactly"
    );
    let args = [
        "--codeset",
        &codeset,
        "lookup",
        "--format",
        "json",
        "E11.99",
    ];
    let output = run(&args, "");
    assert_no_raw_controls("lookup json suggestions", &output.stdout);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let suggestions = json[0]["suggestions"].as_array().unwrap();
    let title = format!("E11.9 {HOSTILE}");
    assert!(
        suggestions
            .iter()
            .any(|s| s["description"] == title.as_str()),
        "JSON keeps titles exactly: {suggestions:?}"
    );
}

#[test]
fn lookup_csv_guards_formulas_in_every_echoed_column() {
    let output = run(
        &[
            "lookup",
            "--format",
            "csv",
            "--",
            "=HYPERLINK(\"x\")",
            "+E11",
            "-1",
            "@A1",
        ],
        "",
    );
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1..],
        [
            "\"'=HYPERLINK(\"\"x\"\")\",,,invalid,,,,,,,,,,,,,",
            "'+E11,,,invalid,,,,,,,,,,,,,",
            "'-1,,,invalid,,,,,,,,,,,,,",
            "'@A1,,,invalid,,,,,,,,,,,,,",
        ]
    );
    // Ordinary input is written as before.
    let output = run(&["lookup", "--format", "csv", "E11.9"], "");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("\nE11.9,E11.9,icd10cm,billable,Type 2 diabetes"));
}
