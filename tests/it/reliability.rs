//! Reliability and hostile input (issue 7): the log survives SIGKILL, signals, a panic,
//! concurrent sessions, a cut last row and foreign files; hostile answers are capped and
//! readable; the formula guard round-trips; errors name their culprit in one line.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{
    Scratch, codedrill, fixture, peak_rss_kib, read_all, send_signal, wait_for_rows,
};
use codedrill::record::{CHAINED_HEADER, HEADER};
use codedrill::score::Verdict;

/// The binary with a clean environment, stdin piped, output captured.
fn spawn_drill(args: &[&str], log: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_codedrill"))
        .env("XDG_CONFIG_HOME", crate::common::NO_CONFIG)
        .arg("drill")
        .args(args)
        .arg("--log")
        .arg(log)
        .env_remove("CODEDRILL_LOG")
        .env_remove("XDG_DATA_HOME")
        .env("USER", "tester")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn codedrill")
}

/// A deck of `count` terminology items (`word1`, `word2`, ...), no code set needed.
fn term_deck(scratch: &Scratch, count: usize) -> String {
    let path = scratch.path(&format!("terms{count}.csv"));
    let mut text = String::from("id,system,category,prompt,answer\n");
    for n in 1..=count {
        text.push_str(&format!(
            "t{n},term,Words,\"Say word {n}, please\",word{n}\n"
        ));
    }
    fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Lines of the log that are a header (the chained one, of the logs these tests make new; or
/// the 18-column one).
fn header_count(path: &Path) -> usize {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|line| *line == CHAINED_HEADER || *line == HEADER)
        .count()
}

/// Waits for a child, killing it if it takes longer than 20 s.
fn finish(mut child: Child) -> std::process::Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("codedrill did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn sigkill_mid_session_leaves_every_answered_row_whole() {
    let scratch = Scratch::new();
    let deck = term_deck(&scratch, 300);
    let log = scratch.log();
    // Killed while idle after five answers, then killed while answers stream in.
    let mut child = spawn_drill(&[&deck, "--order", "file", "-n", "300"], &log);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"word1\nword2\nwrong\n\nword5\n").unwrap();
    wait_for_rows(&log, 5);
    child.kill().unwrap();
    child.wait().unwrap();
    let (rows, warnings) = read_all(&log);
    assert_eq!(rows.len(), 5);
    assert!(warnings.is_empty(), "{warnings:?}");

    for round in 0..5 {
        let mut child = spawn_drill(&[&deck, "--order", "file", "-n", "300"], &log);
        let mut stdin = child.stdin.take().unwrap();
        let answers: String = (1..=300).map(|n| format!("word{n}\n")).collect();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(answers.as_bytes());
        });
        std::thread::sleep(Duration::from_millis(150 + 40 * round));
        child.kill().unwrap();
        child.wait().unwrap();
        let _ = writer.join();
    }
    let (rows, warnings) = read_all(&log);
    assert!(
        warnings.is_empty(),
        "a row was cut by SIGKILL: {warnings:?}"
    );
    let text = fs::read_to_string(&log).unwrap();
    assert!(text.ends_with('\n'));
    assert_eq!(text.lines().count(), rows.len() + 1);
    assert_eq!(header_count(&log), 1);
}

#[test]
fn sigterm_sighup_and_sigint_end_a_piped_session_keeping_its_rows() {
    for (signal, status) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let scratch = Scratch::new();
        let log = scratch.log();
        let mut child = spawn_drill(&[&fixture("decks/good.csv"), "--order", "file"], &log);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"E11.9\nI10\n").unwrap();
        wait_for_rows(&log, 2);
        send_signal(child.id(), signal);
        let output = finish(child);
        drop(stdin);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(status),
            "SIG{signal}: {output:?}"
        );
        assert!(stdout.contains("Session summary"), "SIG{signal}: {stdout}");
        assert!(stdout.contains("2 (of 5 planned)"), "SIG{signal}: {stdout}");
        let (rows, warnings) = read_all(&log);
        assert_eq!(rows.len(), 2, "SIG{signal}");
        assert!(warnings.is_empty());
    }
}

#[test]
fn a_panic_keeps_the_rows_answered() {
    let scratch = Scratch::new();
    let log = scratch.log();
    codedrill()
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--order",
            "file",
            "--log",
        ])
        .arg(&log)
        .env("CODEDRILL_TEST_PANIC_AT", "3")
        .write_stdin("E11.9\nI10\nhepatitis\n")
        .assert()
        .code(101);
    let (rows, warnings) = read_all(&log);
    assert_eq!(rows.len(), 2);
    assert!(warnings.is_empty());
}

#[test]
fn concurrent_sessions_keep_rows_whole_with_one_header() {
    const SESSIONS: usize = 6;
    const ANSWERS: usize = 50;
    let scratch = Scratch::new();
    let deck = term_deck(&scratch, ANSWERS);
    let log = scratch.log();
    let children: Vec<Child> = (0..SESSIONS)
        .map(|_| spawn_drill(&[&deck, "--order", "file", "-n", "50"], &log))
        .collect();
    let answers: String = (1..=ANSWERS).map(|n| format!("word{n}\n")).collect();
    let mut writers = Vec::new();
    let mut waiting = Vec::new();
    for mut child in children {
        let mut stdin = child.stdin.take().unwrap();
        let answers = answers.clone();
        writers.push(std::thread::spawn(move || {
            stdin.write_all(answers.as_bytes())
        }));
        waiting.push(child);
    }
    for writer in writers {
        writer.join().unwrap().unwrap();
    }
    for child in waiting {
        assert!(finish(child).status.success());
    }
    let (rows, warnings) = read_all(&log);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(rows.len(), SESSIONS * ANSWERS);
    assert_eq!(header_count(&log), 1);
    assert!(rows.iter().all(|row| row.verdict == Verdict::Correct));
    let mut per_session = std::collections::HashMap::new();
    for row in &rows {
        *per_session.entry(row.session.clone()).or_insert(0) += 1;
    }
    assert_eq!(per_session.len(), SESSIONS);
    assert!(
        per_session.values().all(|&n| n == ANSWERS),
        "{per_session:?}"
    );
}

#[test]
fn a_cut_last_row_is_reported_and_the_next_session_starts_a_new_line() {
    let scratch = Scratch::new();
    let log = scratch.log();
    let deck = fixture("decks/good.csv");
    let drill = |answers: &str| {
        let count = answers.lines().count().to_string();
        codedrill()
            .args(["drill", &deck, "--order", "file", "-n", &count, "--log"])
            .arg(&log)
            .write_stdin(answers.to_string())
            .assert()
            .success();
    };
    drill("E11.9\n");
    drill("E11.9\n");
    // Power loss in the middle of the second row, inside its quoted prompt.
    let text = fs::read_to_string(&log).unwrap();
    let second = text.match_indices('\n').nth(1).unwrap().0 + 1;
    let cut_at = second + text[second..].find("diabetes,").unwrap() + 5;
    fs::write(&log, &text[..cut_at]).unwrap();

    let (rows, warnings) = read_all(&log);
    assert_eq!(rows.len(), 1);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].line, 3);
    assert!(
        warnings[0]
            .to_string()
            .starts_with(&format!("{}:3: ", log.display()))
    );

    drill("E11.8\nI10\n");
    let text = fs::read_to_string(&log).unwrap();
    assert!(
        text[cut_at..].starts_with("\"\n"),
        "the cut row is closed on its own line"
    );
    let (rows, warnings) = read_all(&log);
    let entered: Vec<&str> = rows.iter().map(|row| row.entered.as_str()).collect();
    assert_eq!(entered, ["E11.9", "E11.8", "I10"]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].line, 3);
    assert_eq!(header_count(&log), 1);
}

/// Runs a one-answer drill against `log` and returns its stderr, checking exit 1, one line.
fn refused(log: &Path) -> String {
    let output = codedrill()
        .args(["drill", &fixture("decks/good.csv"), "--log"])
        .arg(log)
        .write_stdin("E11.9\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.starts_with("Error: "), "{stderr}");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("[1/"),
        "no item was asked"
    );
    stderr
}

#[test]
fn foreign_and_damaged_logs_are_refused_untouched() {
    let scratch = Scratch::new();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..=255u8).cycle().take(4000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "other.csv",
            b"name,score\nann,3\n".to_vec(),
            "is not a codedrill log",
        ),
        ("picture.csv", png, "is a binary file"),
        (
            "latin1.csv",
            b"id;nom\n1;caf\xe9\n".to_vec(),
            "is not a codedrill log",
        ),
        (
            "partial-header.csv",
            b"timestamp,session,user\n".to_vec(),
            "is not a codedrill log",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = scratch.path(name);
        fs::write(&path, &bytes).unwrap();
        let stderr = refused(&path);
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(
            stderr.contains(&path.display().to_string()),
            "{name}: {stderr}"
        );
        assert_eq!(fs::read(&path).unwrap(), bytes, "{name} was changed");
    }
    let folder = scratch.path("folder.csv");
    fs::create_dir(&folder).unwrap();
    let stderr = refused(&folder);
    assert!(stderr.contains("is a folder"), "{stderr}");
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 0);
}

/// Whether `path` can be written here (tests usually run as root, who may write anywhere).
fn writable(path: &Path) -> bool {
    fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .is_ok()
}

#[test]
fn an_unwritable_log_path_is_one_clear_line_and_no_file() {
    // sysfs refuses new files even to root; /dev/null is a file where a folder must be.
    let denied = PathBuf::from("/sys/codedrill-test-attempts.csv");
    let cases: Vec<(PathBuf, &str)> = vec![
        (denied.clone(), "Permission denied"),
        (
            PathBuf::from("/sys/codedrill-no-such-folder/attempts.csv"),
            "cannot create the log's folder",
        ),
        (
            PathBuf::from("/dev/null/codedrill/attempts.csv"),
            "/dev/null is a file, not a folder",
        ),
    ];
    assert!(!writable(&denied), "sysfs took a new file");
    for (path, message) in cases {
        let stderr = refused(&path);
        assert!(stderr.contains(message), "{}: {stderr}", path.display());
        assert!(!path.exists(), "{} was created", path.display());
    }
}

#[test]
#[ignore = "needs root and unshare(1) for a private mount namespace: cargo test -- --ignored"]
fn a_read_only_file_system_is_one_clear_line_and_no_file() {
    // A private mount namespace with a read-only tmpfs.
    let scratch = Scratch::new();
    let mount = scratch.path("ro");
    fs::create_dir(&mount).unwrap();
    let script = format!(
        "mount -t tmpfs -o ro tmpfs {dir} || exit 99; echo E11.9 | {bin} drill {deck} --log {dir}/attempts.csv; echo \"exit=$?\"; ls -A {dir}",
        dir = mount.display(),
        bin = env!("CARGO_BIN_EXE_codedrill"),
        deck = fixture("decks/good.csv"),
    );
    let output = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", &script])
        .env("USER", "tester")
        .output();
    let output = output.expect("unshare runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "cannot mount a read-only file system here: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("Read-only file system"), "{stderr}");
    assert!(stderr.contains("attempts.csv"), "{stderr}");
    assert_eq!(
        stdout.trim_end(),
        "exit=1",
        "no item asked, no file left: {stdout}"
    );
}

#[test]
fn hostile_piped_answers_are_capped_readable_and_bounded_in_memory() {
    let scratch = Scratch::new();
    let deck = term_deck(&scratch, 8);
    let log = scratch.log();
    let mut child = spawn_drill(&[&deck, "--order", "file"], &log);
    let mut stdin = child.stdin.take().unwrap();
    let mut input = Vec::new();
    input.extend(std::iter::repeat_n(b'A', 5 * 1024 * 1024));
    input.push(b'\n');
    input.extend(b"wo\0rd2\n");
    input.extend(b"\xff\xfeword3\xc3\n");
    input.extend(b"\x1b[31mword4\x07\x08\r\n");
    input.extend(b"\0\0\0\n");
    let mut long_unicode = "é".repeat(300);
    long_unicode.push('\n');
    input.extend(long_unicode.as_bytes());
    stdin.write_all(&input).unwrap();
    wait_for_rows(&log, 6);
    let peak_kib = peak_rss_kib(child.id());
    drop(stdin);
    let output = finish(child);
    assert!(output.status.success());
    eprintln!("peak RSS with a 5 MB answer line: {peak_kib} KiB");
    assert!(peak_kib < 50 * 1024, "peak RSS {peak_kib} KiB");

    let (rows, warnings) = read_all(&log);
    assert!(warnings.is_empty(), "{warnings:?}");
    let entered: Vec<&str> = rows.iter().map(|row| row.entered.as_str()).collect();
    assert_eq!(entered[0], "A".repeat(256));
    assert_eq!(entered[1], "word2");
    assert_eq!(entered[2], "\u{fffd}\u{fffd}word3\u{fffd}");
    assert_eq!(entered[3], "[31mword4");
    assert_eq!(entered[4], "");
    assert_eq!(entered[5], "é".repeat(256));
    assert_eq!(rows[1].verdict, Verdict::Correct);
    assert_eq!(rows[4].verdict, Verdict::Skipped);
    assert!(rows.iter().all(|row| row.entered.chars().count() <= 256));
    assert!(
        rows.iter()
            .all(|row| !row.entered.chars().any(char::is_control))
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "{:<22} 2 (longer than 256 characters)",
            "answers cut"
        )),
        "{}",
        &stdout[stdout.len().saturating_sub(1500)..]
    );
    // The raw log stays one line per row, readable as text.
    let text = fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), 7);
    assert!(text.len() < 8 * 1024);
}

#[test]
fn formula_like_fields_round_trip_through_the_guard() {
    let scratch = Scratch::new();
    let deck = scratch.path("formulas.csv");
    fs::write(
        &deck,
        "id,system,category,prompt,answer,rationale\n\
         =id1,term,=Cat,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",alpha,+why\n\
         +id2,term,+Cat,+1+2,beta,\n\
         -id3,term,-Cat,-2-3,gamma,\n\
         @id4,term,@Cat,@SUM(A1),delta,\n\
         'id5,term,'=Cat,'=already,epsilon,\n",
    )
    .unwrap();
    let log = scratch.log();
    codedrill()
        .args([
            "drill",
            deck.to_str().unwrap(),
            "--order",
            "file",
            "--user=@evil",
            "--log",
        ])
        .arg(&log)
        .write_stdin("=1+1\n+beta\n-gamma\n@delta\n'=x\n")
        .assert()
        .success();
    let text = fs::read_to_string(&log).unwrap();
    for guarded in [
        "'=1+1",
        "'@evil",
        "'=Cat",
        "'+id2",
        "'-2-3",
        "'@SUM(A1)",
        "''=Cat",
        "''=x",
    ] {
        assert!(text.contains(guarded), "{guarded} not guarded in the log");
    }
    let (rows, warnings) = read_all(&log);
    assert!(warnings.is_empty(), "{warnings:?}");
    let got: Vec<(&str, &str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.user.as_str(),
                r.item.as_str(),
                r.category.as_str(),
                r.prompt.as_str(),
                r.entered.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "@evil",
                "=id1",
                "=Cat",
                "=HYPERLINK(\"http://x\",\"y\")",
                "=1+1"
            ),
            ("@evil", "+id2", "+Cat", "+1+2", "+beta"),
            ("@evil", "-id3", "-Cat", "-2-3", "-gamma"),
            ("@evil", "@id4", "@Cat", "@SUM(A1)", "@delta"),
            ("@evil", "'id5", "'=Cat", "'=already", "'=x"),
        ]
    );
}

/// Runs codedrill and returns its stderr, checking exit 1 and a single line.
fn one_line_error(args: &[&str]) -> String {
    let scratch = Scratch::new();
    // Before the command, where every command accepts it.
    let output = codedrill()
        .arg("--log")
        .arg(scratch.log())
        .args(args)
        .write_stdin("E11.9\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr:?}");
    assert!(!scratch.log().exists(), "{args:?}: nothing logged");
    stderr
}

#[test]
fn errors_name_the_culprit_in_one_line() {
    let scratch = Scratch::new();
    let folder = scratch.dir.path().to_str().unwrap().to_string();
    assert_eq!(
        one_line_error(&["drill", "no-such.csv"]),
        "Error: no-such.csv: no such file\n"
    );
    assert_eq!(
        one_line_error(&["drill", &folder]),
        format!("Error: {folder}: is a folder, not a deck file\n")
    );
    let unknown = one_line_error(&["drill", "cardiology"]);
    assert!(
        unknown.starts_with(
            "Error: cardiology: no such file, and no embedded deck of that name (embedded decks: "
        ) && unknown.contains("icd10cm-common")
            && unknown.contains("terminology"),
        "{unknown}"
    );
    for codeset in ["/nonexistent", folder.as_str()] {
        let error = one_line_error(&["drill", "--codeset", codeset]);
        assert!(error.contains(&format!("code set {codeset}")), "{error}");
        let error = one_line_error(&["lookup", "E11.9", "--codeset", codeset]);
        assert!(error.contains(&format!("code set {codeset}")), "{error}");
    }
    let output = codedrill().args(["check", "no-such.csv"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "no-such.csv: no such file\n"
    );
}

#[test]
fn hostile_lookup_input_is_answered() {
    let long = "E".repeat(100_000);
    for input in [
        long.as_str(),
        "\u{1b}[2J",
        "E11.9\u{7}",
        "é",
        "S52.521AAAAAAAAAAAAAAAAAAA",
        ".",
    ] {
        codedrill()
            .args(["lookup", "--format", "csv", "--", input])
            .assert()
            .success();
    }
    // Arguments that are not UTF-8 are refused by the argument parser, not a panic.
    use std::os::unix::ffi::OsStrExt;
    let output = codedrill()
        .args(["lookup", "--"])
        .arg(std::ffi::OsStr::from_bytes(b"E11\xff"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}

#[test]
fn a_closed_output_pipe_ends_csv_output_quietly() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_codedrill"))
        .env("XDG_CONFIG_HOME", crate::common::NO_CONFIG)
        .args(["lookup", "--all", "icd10cm", "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("input,code"));
    let output = finish(child);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn only_a_regular_file_is_taken_as_the_log() {
    let scratch = Scratch::new();
    let fifo = scratch.path("pipe.csv");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for (path, kind) in [
        (PathBuf::from("/dev/null"), "a device, FIFO or socket"),
        (PathBuf::from("/dev/zero"), "a device, FIFO or socket"),
        (fifo, "a device, FIFO or socket"),
        (scratch.dir.path().to_path_buf(), "a folder"),
    ] {
        let stderr = refused(&path);
        assert!(stderr.contains(kind), "{}: {stderr}", path.display());
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
}

/// A session whose log may grow to `limit_bytes` at most (`ulimit -f`, with SIGXFSZ ignored so
/// a write past it fails as a full disk does), answering `answers`.
fn drill_with_a_file_size_limit(
    scratch: &Scratch,
    limit_bytes: u64,
    answers: &str,
) -> std::process::Output {
    let script = format!(
        "trap '' XFSZ; ulimit -f {blocks}; exec {bin} drill {deck} --order file --log {log}",
        blocks = limit_bytes / 512,
        bin = env!("CARGO_BIN_EXE_codedrill"),
        deck = term_deck(scratch, 8),
        log = scratch.log().display(),
    );
    let mut child = Command::new("bash")
        .env("XDG_CONFIG_HOME", crate::common::NO_CONFIG)
        .args(["--norc", "--posix", "-c", &script])
        .env("USER", "tester")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    finish(child)
}

#[test]
fn a_full_disk_keeps_every_saved_row_whole_and_still_shows_the_summary() {
    let scratch = Scratch::new();
    // Room for the chained header and one row: the second crosses the limit mid-row.
    let output = drill_with_a_file_size_limit(&scratch, 512, "word1\nword2\nword3\nword4\n");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    assert!(stderr.contains("cannot write to log"), "{stderr}");
    assert!(stderr.contains("the row was not saved"), "{stderr}");
    assert!(stdout.contains("Session summary"), "{stdout}");
    let text = fs::read_to_string(scratch.log()).unwrap();
    assert!(text.ends_with('\n'), "no part of a row is left: {text:?}");
    let (rows, warnings) = read_all(&scratch.log());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(rows.len(), 1, "the rows that fitted are saved");
    assert!(
        stdout.contains(&format!("items                  {}", rows.len())),
        "{stdout}"
    );
}

#[test]
fn a_cut_row_longer_than_a_block_is_closed_and_no_earlier_row_is_lost() {
    let scratch = Scratch::new();
    let deck = term_deck(&scratch, 4);
    let log = scratch.log();
    let first = codedrill()
        .args(["drill", &deck, "--order", "file", "-n", "2", "--log"])
        .arg(&log)
        .write_stdin("word1\nword2\n")
        .output()
        .unwrap();
    assert!(first.status.success());
    // A crash while a 200 KB answer was being written: the row is cut inside its quotes.
    let mut file = fs::OpenOptions::new().append(true).open(&log).unwrap();
    let cut = format!(
        "2026-11-27T10:00:00+00:00,s,u,practice,d,i,term,c,\"a, long answer {}",
        "y".repeat(200 * 1024)
    );
    file.write_all(cut.as_bytes()).unwrap();
    drop(file);
    let next = codedrill()
        .args(["drill", &deck, "--order", "file", "-n", "1", "--log"])
        .arg(&log)
        .write_stdin("word1\n")
        .output()
        .unwrap();
    assert!(next.status.success());
    let (rows, warnings) = read_all(&log);
    let entered: Vec<&str> = rows.iter().map(|row| row.entered.as_str()).collect();
    assert_eq!(entered, ["word1", "word2", "word1"]);
    assert_eq!(warnings.len(), 1, "only the cut row: {warnings:?}");
    assert_eq!(warnings[0].line, 4);
}

#[test]
fn output_files_never_replace_a_log() {
    let scratch = Scratch::new();
    let deck = term_deck(&scratch, 2);
    let log = scratch.log();
    let answered = codedrill()
        .args(["drill", &deck, "--order", "file", "--log"])
        .arg(&log)
        .write_stdin("word1\nword2\n")
        .output()
        .unwrap();
    assert!(answered.status.success());
    let before = fs::read(&log).unwrap();
    let other_log = scratch.path("other.csv");
    fs::copy(&log, &other_log).unwrap();
    let log_named_html = scratch.path("page.html");
    fs::copy(&log, &log_named_html).unwrap();
    for (args, message) in [
        (
            vec!["report", path(&log), "-o", path(&log)],
            "that is the attempt log",
        ),
        (
            vec!["report", path(&log), "-o", path(&other_log)],
            "is a codedrill attempt log",
        ),
        (
            vec![
                "exam",
                &deck,
                "--log",
                path(&log),
                "-o",
                path(&log_named_html),
            ],
            "is a codedrill attempt log",
        ),
    ] {
        let output = codedrill()
            .args(&args)
            .write_stdin("word1\n")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&output.stdout).contains("[1/"),
            "no item asked"
        );
    }
    assert_eq!(fs::read(&log).unwrap(), before, "the log is untouched");
    assert_eq!(fs::read(&other_log).unwrap(), before);
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temp path")
}

#[test]
fn an_exam_page_that_cannot_be_written_fails_before_the_first_item() {
    let scratch = Scratch::new();
    let deck = term_deck(&scratch, 2);
    let output = codedrill()
        .args(["exam", &deck, "--log"])
        .arg(scratch.log())
        .args(["-o", "/nonexistent-folder/result.html"])
        .write_stdin("word1\nword2\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write /nonexistent-folder/result.html"),
        "{stderr}"
    );
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("[1/"),
        "no item asked"
    );
    assert!(!scratch.log().exists(), "nothing logged");
}

#[test]
fn spans_under_a_second_and_zero_counts_are_usage_errors() {
    for (args, message) in [
        (
            vec!["drill", "--time-limit", "0.5"],
            "shortest time span, 1s",
        ),
        (
            vec!["drill", "--time-limit", "1e-10"],
            "shortest time span, 1s",
        ),
        (
            vec!["exam", "--duration", "1e-10"],
            "shortest time span, 1s",
        ),
        (vec!["drill", "-n", "0"], "the smallest count is 1"),
        (vec!["exam", "--count", "0"], "the smallest count is 1"),
    ] {
        let output = codedrill().args(&args).write_stdin("").output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn a_report_written_into_a_folder_of_logs_is_skipped_by_later_reports() {
    let scratch = Scratch::new();
    let folder = scratch.path("class");
    fs::create_dir(&folder).unwrap();
    fs::copy(fixture("logs/class.csv"), folder.join("ana.csv")).unwrap();
    let summary = folder.join("summary.csv");
    let first = codedrill()
        .args([
            "report",
            path(&folder),
            "--format",
            "csv",
            "-o",
            path(&summary),
        ])
        .output()
        .unwrap();
    assert!(first.status.success(), "{first:?}");
    let again = codedrill()
        .args(["report", path(&folder), "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert!(
        stderr.contains("summary.csv: skipped, not a codedrill log"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(report["logs"].as_array().map(Vec::len), Some(1));
}
