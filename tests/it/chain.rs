//! Evidence (issue 17): the hash-chained log, `verify` on logs and on signed exam results,
//! `keygen`, the chain head in reports, and unchained (18-column) logs still read and appended
//! to.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use sha2::{Digest, Sha256};

use crate::common::{Scratch, codedrill, fixture, log_rows, read_all};
use codedrill::record::{CHAINED_HEADER, HEADER};

/// A drill of the good fixture deck in file order, answering `answers` (one a line).
fn drill(log: &Path, answers: &str) {
    let count = answers.lines().count().max(1).to_string();
    codedrill()
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--order",
            "file",
            "-n",
            &count,
        ])
        .arg("--log")
        .arg(log)
        .write_stdin(answers.to_string())
        .assert()
        .success();
}

/// `codedrill verify ARGS`: (exit status, stdout, stderr).
fn verify(args: &[&str]) -> (i32, String, String) {
    let output = codedrill().arg("verify").args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temp path")
}

/// The chain as the README defines it, recomputed here without the library: the previous link
/// as 64 hex digits, then each of the 18 fields as a netstring.
fn recomputed(previous: &str, fields: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    for field in fields {
        hasher.update(format!("{}:{field},", field.len()).as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Each row's fields, header left out.
fn rows_of(log: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(log)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// A chained log of three sessions (7 rows) in a fresh folder.
fn chained_log() -> (Scratch, PathBuf) {
    let scratch = Scratch::new();
    let log = scratch.log();
    drill(&log, "E11.9\nI10\n");
    drill(&log, "E11.8\nI10\nhepatitis\n");
    drill(&log, "E11.9\n\n");
    (scratch, log)
}

#[test]
fn a_new_log_is_chained_as_the_readme_says_and_verifies() {
    let (_scratch, log) = chained_log();
    let text = fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().next(), Some(CHAINED_HEADER));
    let mut previous = "0".repeat(64);
    for row in rows_of(&log) {
        assert_eq!(row.len(), 19);
        let fields: Vec<&str> = row[..18].iter().map(String::as_str).collect();
        assert_eq!(row[18], recomputed(&previous, &fields));
        previous = row[18].clone();
    }
    let (status, stdout, stderr) = verify(&[path(&log)]);
    assert_eq!(status, 0, "{stderr}");
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert_eq!(
        stdout,
        format!(
            "{}: 7 rows, 3 sessions, {today}, chain head {previous}\n",
            log.display()
        )
    );
    // The library reads the rows as before.
    let (rows, warnings) = read_all(&log);
    assert_eq!(rows.len(), 7);
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// Lines of a log.
fn lines(log: &Path) -> Vec<String> {
    fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(log: &Path, lines: &[String]) {
    fs::write(log, lines.join("\n") + "\n").unwrap();
}

#[test]
fn a_folder_is_verified_log_by_log_and_its_other_csv_files_are_skipped() {
    let (scratch, log) = chained_log();
    let class = scratch.path("class");
    fs::create_dir(&class).unwrap();
    let (ana, ben) = (class.join("ana.csv"), class.join("ben.csv"));
    fs::copy(&log, &ana).unwrap();
    drill(&ben, "I10\n");
    fs::write(class.join("grades.csv"), "name,grade\nana,A\n").unwrap();
    fs::write(class.join("notes.txt"), "not a log").unwrap();

    let (status, stdout, stderr) = verify(&[path(&class)]);
    assert_eq!(status, 0, "{stderr}");
    let checked: Vec<&str> = stdout.lines().collect();
    assert_eq!(checked.len(), 2, "{stdout}");
    assert!(checked[0].starts_with(&format!("{}: 7 rows, 3 sessions, ", ana.display())));
    assert!(checked[1].starts_with(&format!("{}: 1 row, 1 session, ", ben.display())));
    assert_eq!(
        stderr,
        format!(
            "{}: skipped, not a codedrill log\n",
            class.join("grades.csv").display()
        )
    );

    // One broken log in the folder fails it, the others still checked.
    let mut edited = lines(&ana);
    edited[2] = edited[2].replace(",tester,", ",someone else,");
    write_lines(&ana, &edited);
    let (status, stdout, stderr) = verify(&[path(&class)]);
    assert_eq!(status, 1, "{stdout}");
    assert_eq!(
        stderr.lines().last(),
        Some(&*format!("{}:3: chain broken", ana.display()))
    );
    assert!(
        stdout.starts_with(&format!("{}: 1 row,", ben.display())),
        "{stdout}"
    );

    // A folder with no log in it is an error, not a silent success.
    let empty = scratch.path("empty");
    fs::create_dir(&empty).unwrap();
    let (status, _, stderr) = verify(&[path(&empty)]);
    assert_eq!(status, 1);
    assert!(stderr.contains("holds no *.csv logs"), "{stderr}");
}

#[test]
fn every_kind_of_tampering_with_a_log_breaks_its_chain_at_the_row() {
    let (scratch, log) = chained_log();
    let good = lines(&log);
    let broken_at = |lines: &[String]| -> String {
        let tampered = scratch.path("tampered.csv");
        write_lines(&tampered, lines);
        let (status, stdout, stderr) = verify(&[path(&tampered)]);
        assert_eq!(status, 1, "{stdout}");
        assert!(stdout.is_empty(), "{stdout}");
        stderr.trim().replace(path(&tampered), "LOG")
    };
    // An edited field: the user.
    let mut edited = good.clone();
    edited[3] = edited[3].replace(",tester,", ",someone else,");
    assert_ne!(edited[3], good[3]);
    assert_eq!(broken_at(&edited), "LOG:4: chain broken");
    // A dropped row: the row after it no longer chains.
    let mut dropped = good.clone();
    dropped.remove(2);
    assert_eq!(broken_at(&dropped), "LOG:3: chain broken");
    // Two rows swapped.
    let mut swapped = good.clone();
    swapped.swap(4, 5);
    assert_eq!(broken_at(&swapped), "LOG:5: chain broken");
    // A row copied in: an inserted row.
    let mut inserted = good.clone();
    inserted.insert(3, good[1].clone());
    assert_eq!(broken_at(&inserted), "LOG:4: chain broken");
    // A forged row appended with a made-up link.
    let mut forged = good.clone();
    let fake = good[1].rsplit_once(',').unwrap().0.to_string() + "," + &"a".repeat(64);
    forged.push(fake);
    assert_eq!(broken_at(&forged), "LOG:9: chain broken");
    // A row readers would count, its link not even hex: tampering too, not a cut row.
    let mut garbled = good.clone();
    let fake = good[1].rsplit_once(',').unwrap().0.to_string() + "," + &"x".repeat(64);
    garbled.insert(3, fake);
    assert_eq!(broken_at(&garbled), "LOG:4: chain broken");
}

#[test]
fn a_row_readers_skip_is_no_link_and_the_chain_goes_on_past_it() {
    let (scratch, log) = chained_log();
    let mut all = lines(&log);
    // Cut short inside its chain, as a crash leaves a row, then closed by the next append.
    let cut = all[2][..all[2].len() - 30].to_string();
    all.insert(3, cut);
    let copy = scratch.path("copy.csv");
    write_lines(&copy, &all);
    let (status, stdout, stderr) = verify(&[path(&copy)]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains(": 7 rows, 3 sessions,"), "{stdout}");
    assert!(
        stderr.starts_with(&format!("{}:4: row cut short", copy.display())),
        "{stderr}"
    );
    let (rows, warnings) = read_all(&copy);
    assert_eq!(rows.len(), 7, "readers skip it too");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].line, 4);
}

#[test]
fn a_forged_row_with_a_recomputed_link_verifies_but_changes_the_head() {
    // What the README says is not proven: anyone can recompute a chain; only a head recorded
    // elsewhere tells the original.
    let (scratch, log) = chained_log();
    let (_, before, _) = verify(&[path(&log)]);
    let mut all = lines(&log);
    let last = rows_of(&log).last().unwrap().clone();
    let mut forged = rows_of(&log)[0].clone();
    forged[10] = "E11.9".to_string();
    let fields: Vec<&str> = forged[..18].iter().map(String::as_str).collect();
    forged[18] = recomputed(&last[18], &fields);
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(&forged).unwrap();
    let line = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    all.push(line.trim_end().to_string());
    let copy = scratch.path("copy.csv");
    write_lines(&copy, &all);
    let (status, after, stderr) = verify(&[path(&copy)]);
    assert_eq!(status, 0, "{stderr}");
    let head = |line: &str| line.rsplit(' ').next().unwrap().trim().to_string();
    assert_ne!(head(&before), head(&after));
    assert_eq!(head(&after), forged[18]);
}

#[test]
fn a_cut_last_row_is_reported_as_cut_and_the_next_row_chains_past_it() {
    let (_scratch, log) = chained_log();
    let text = fs::read_to_string(&log).unwrap();
    // A crash inside the last row's chain.
    fs::write(&log, &text[..text.len() - 20]).unwrap();
    let (status, stdout, stderr) = verify(&[path(&log)]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains(": 6 rows, 3 sessions,"), "{stdout}");
    assert_eq!(
        stderr,
        format!(
            "{}:8: row cut short (by a crash while it was written?): no link of the chain, and skipped by every reader\n",
            log.display()
        )
    );
    let (rows, warnings) = read_all(&log);
    assert_eq!(rows.len(), 6, "readers skip the cut row");
    assert_eq!(warnings.len(), 1);
    drill(&log, "I10\n");
    let (status, stdout, stderr) = verify(&[path(&log)]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains(": 7 rows, 4 sessions,"), "{stdout}");
    assert!(stderr.contains(":8: row cut short"), "{stderr}");
}

#[test]
fn eight_writers_at_once_keep_one_linear_chain() {
    const WRITERS: usize = 8;
    const ANSWERS: usize = 25;
    let scratch = Scratch::new();
    let log = scratch.log();
    let deck = scratch.path("terms.csv");
    let mut text = String::from("id,system,category,prompt,answer\n");
    for n in 1..=ANSWERS {
        text.push_str(&format!("t{n},term,Words,Say word {n},word{n}\n"));
    }
    fs::write(&deck, text).unwrap();
    let answers: String = (1..=ANSWERS).map(|n| format!("word{n}\n")).collect();
    let children: Vec<Child> = (0..WRITERS)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_codedrill"))
                .env("XDG_CONFIG_HOME", crate::common::NO_CONFIG)
                .env_remove("CODEDRILL_LOG")
                .env("USER", "tester")
                .args(["drill", path(&deck), "--order", "file", "-n", "25", "--log"])
                .arg(&log)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut waiting = Vec::new();
    for mut child in children {
        let mut stdin = child.stdin.take().unwrap();
        let answers = answers.clone();
        waiting.push((
            std::thread::spawn(move || stdin.write_all(answers.as_bytes())),
            child,
        ));
    }
    for (writer, child) in waiting {
        writer.join().unwrap().unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    let text = fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().filter(|l| *l == CHAINED_HEADER).count(), 1);
    let (status, stdout, stderr) = verify(&[path(&log)]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains(&format!(
            ": {} rows, {WRITERS} sessions,",
            WRITERS * ANSWERS
        )),
        "{stdout}"
    );
    assert!(stderr.is_empty(), "{stderr}");
}

/// An 18-column log of two rows, as every log before chaining was.
fn unchained_log(scratch: &Scratch) -> PathBuf {
    let log = scratch.path("old.csv");
    let row = "2026-11-20T10:00:00.000+00:00,s0,tester,practice,good,g1,icd10cm,Endocrine,\"Type 2 diabetes, no complications\",E11.9,E11.9,correct,,1,2300,800,6,0\n";
    fs::write(
        &log,
        format!("{HEADER}\n{row}{}", row.replace(",s0,", ",s1,")),
    )
    .unwrap();
    log
}

#[test]
fn an_unchained_log_is_read_and_appended_to_but_cannot_be_verified() {
    let scratch = Scratch::new();
    let log = unchained_log(&scratch);
    drill(&log, "E11.9\nI10\n");
    let text = fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().next(), Some(HEADER), "the header is kept");
    assert!(
        rows_of(&log).iter().all(|row| row.len() == 18),
        "rows appended unchained"
    );
    let (rows, warnings) = read_all(&log);
    assert_eq!(rows.len(), 4);
    assert!(warnings.is_empty(), "{warnings:?}");
    let (status, stdout, stderr) = verify(&[path(&log)]);
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("is an unchained log") && stderr.contains("cannot be verified"),
        "{stderr}"
    );
    // Review and due read it too.
    codedrill()
        .args([
            "drill",
            &fixture("decks/good.csv"),
            "--review",
            "-n",
            "1",
            "--log",
        ])
        .arg(&log)
        .write_stdin("I10\n")
        .assert()
        .success();
    codedrill()
        .args(["drill", &fixture("decks/good.csv"), "--due", "--log"])
        .arg(&log)
        .write_stdin("")
        .assert()
        .success();
}

#[test]
fn reports_name_each_logs_chain_head_in_every_format() {
    let (scratch, log) = chained_log();
    let old = unchained_log(&scratch);
    let head = rows_of(&log).last().unwrap()[18].clone();
    for format in ["table", "csv", "json", "markdown", "html"] {
        let output = codedrill()
            .args(["report", path(&log), path(&old), "--format", format])
            .output()
            .unwrap();
        assert!(output.status.success(), "{format}: {output:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains(&head), "{format}: {text}");
        assert!(text.contains("unchained"), "{format}: {text}");
    }
    let output = codedrill()
        .args(["report", path(&log), "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["chain_heads"], serde_json::json!([head]));
    let csv_text = codedrill()
        .args(["report", path(&log), "--format", "csv"])
        .output()
        .unwrap()
        .stdout;
    let last = String::from_utf8(csv_text).unwrap();
    assert!(
        last.trim_end()
            .ends_with(&format!("chain head of attempts.csv: {head},,,,,,,,,")),
        "{last}"
    );
}

#[test]
fn keygen_writes_a_private_key_and_a_public_one_and_never_overwrites() {
    let scratch = Scratch::new();
    let name = scratch.path("ms-smith");
    let output = codedrill().arg("keygen").arg(&name).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let fingerprint = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Fingerprint: "))
        .unwrap()
        .to_string();
    assert_eq!(fingerprint.len(), 19, "{stdout}");
    let secret = scratch.path("ms-smith.key");
    let public = scratch.path("ms-smith.pub");
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(&secret).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(fs::read_to_string(&public).unwrap().contains(&fingerprint));
    let before = fs::read(&secret).unwrap();
    let again = codedrill().arg("keygen").arg(&name).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already exists"),
        "{again:?}"
    );
    assert_eq!(fs::read(&secret).unwrap(), before);
}

/// A key pair `NAME.key`, `NAME.pub` in the scratch folder.
fn keys(scratch: &Scratch, name: &str) -> (PathBuf, PathBuf) {
    codedrill()
        .arg("keygen")
        .arg(scratch.path(name))
        .assert()
        .success();
    (
        scratch.path(&format!("{name}.key")),
        scratch.path(&format!("{name}.pub")),
    )
}

/// A signed exam of the good deck (4 of 5 right: 80%, a pass) written to `out`.
fn signed_exam(scratch: &Scratch, key: &Path, out: &str) -> PathBuf {
    let page = scratch.path(out);
    codedrill()
        .args([
            "exam",
            &fixture("decks/good.csv"),
            "--order",
            "file",
            "--sign",
        ])
        .arg(key)
        .arg("-o")
        .arg(&page)
        .arg("--log")
        .arg(scratch.log())
        .write_stdin("E11.9\nI10\nhepatitis\n0FT44ZZ\nS52.521\n")
        .assert()
        .success();
    page
}

#[test]
fn a_signed_result_verifies_in_every_format_and_shows_its_statement_as_text() {
    let scratch = Scratch::new();
    let (secret, public) = keys(&scratch, "proctor");
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    for out in ["result.html", "result.md", "result.json"] {
        let page = signed_exam(&scratch, &secret, out);
        let (status, stdout, stderr) = verify(&[path(&page), "--key", path(&public)]);
        assert_eq!(status, 0, "{out}: {stderr}");
        let fingerprint = fs::read_to_string(&public).unwrap();
        let fingerprint = fingerprint.split("fingerprint ").nth(1).unwrap();
        let fingerprint = &fingerprint[..19];
        assert_eq!(
            stdout,
            format!(
                "{}: signed by {fingerprint}: tester, 80.0%, PASS, {today}\n",
                page.display()
            )
        );
        let text = fs::read_to_string(&page).unwrap();
        if out.ends_with(".json") {
            assert!(text.starts_with("{\n\"signed_by\""), "{text}");
        } else {
            assert!(text.contains("-----BEGIN CODEDRILL SIGNED RESULT-----\n{\n"));
        }
    }
    // The statement's rows are the log's rows, as written.
    let page = fs::read_to_string(scratch.path("result.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&page).unwrap();
    let rows = json["statement"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let log = fs::read_to_string(scratch.log()).unwrap();
    for row in rows {
        assert!(log.contains(row["row"].as_str().unwrap()));
    }
    let head = rows_of(&scratch.log()).last().unwrap()[18].clone();
    assert_eq!(json["statement"]["chain_head"], head.as_str());
    assert_eq!(json["statement"]["percent"], 80.0);
    assert_eq!(log_rows(&scratch.log()).len(), 15);
}

/// `verify PAGE --key KEY`'s stderr, checking exit 1.
fn refused(page: &Path, key: &Path) -> String {
    let (status, stdout, stderr) = verify(&[path(page), "--key", path(key)]);
    assert_eq!(status, 1, "{stdout}");
    stderr
}

#[test]
fn every_kind_of_tampering_with_a_signed_result_is_named() {
    let scratch = Scratch::new();
    let (secret, public) = keys(&scratch, "proctor");
    let (_, stranger) = keys(&scratch, "stranger");
    let page = signed_exam(&scratch, &secret, "result.html");
    let text = fs::read_to_string(&page).unwrap();
    let tampered = scratch.path("tampered.html");
    let with = |text: String| {
        fs::write(&tampered, text).unwrap();
        refused(&tampered, &public)
    };
    // The wrong key.
    assert!(refused(&page, &stranger).contains("wrong key: signed by"));
    // The score edited in the statement.
    let stderr = with(text.replace("\"percent\": 80.0", "\"percent\": 100.0"));
    assert!(stderr.contains("edited score"), "{stderr}");
    assert!(stderr.contains("the signature does not match"), "{stderr}");
    // A row edited: the wrong answer made right.
    let stderr = with(text.replace(
        ",S52.521A,S52.521,near_miss,",
        ",S52.521A,S52.521A,correct,",
    ));
    assert!(
        stderr.contains("edited row: row 5 (item g5) does not match its chain"),
        "{stderr}"
    );
    // A row dropped, and two rows swapped, in the statement.
    let json_rows = |text: &str| -> Vec<(usize, usize)> {
        text.match_indices("    {\n      \"previous\"")
            .map(|(at, _)| {
                let end = at + text[at..].find("    }").unwrap() + 5;
                (at, end)
            })
            .collect()
    };
    let spans = json_rows(&text);
    assert_eq!(spans.len(), 5);
    let (a, b) = (spans[1], spans[2]);
    let mut dropped = text.clone();
    dropped.replace_range(a.0..b.0, "");
    let stderr = with(dropped);
    assert!(stderr.contains("edited score"), "{stderr}");
    assert!(stderr.contains("the signature does not match"), "{stderr}");
    let swapped = format!(
        "{}{}{}{}{}",
        &text[..a.0],
        &text[b.0..b.1],
        &text[a.1..b.0],
        &text[a.0..a.1],
        &text[b.1..]
    );
    let stderr = with(swapped);
    assert!(stderr.contains("the signature does not match"), "{stderr}");
    // A forged row appended, its chain made up.
    let (last_start, last_end) = spans[4];
    let forged = format!(
        "{},\n{}",
        &text[last_start..last_end],
        &text[last_start..last_end].replace(",S52.521,", ",S52.521A,")
    );
    let stderr = with(format!(
        "{}{forged}{}",
        &text[..last_start],
        &text[last_end..]
    ));
    assert!(stderr.contains("edited row: row 6"), "{stderr}");
    assert!(stderr.contains("the signature does not match"), "{stderr}");
    // The verdict shown on the page edited, the statement left alone.
    let stderr = with(text.replace(">80.0% — PASS", ">95.0% — PASS"));
    assert!(stderr.contains("edited page"), "{stderr}");
}

#[test]
fn signing_is_refused_before_the_exam_when_it_could_not_be_checked() {
    let scratch = Scratch::new();
    let (secret, public) = keys(&scratch, "proctor");
    let old = unchained_log(&scratch);
    let exam = |args: &[&str], log: &Path| {
        let output = codedrill()
            .args(["exam", &fixture("decks/good.csv")])
            .args(args)
            .arg("--log")
            .arg(log)
            .write_stdin("E11.9\n")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let out = scratch.path("r.html");
    let stderr = exam(&["--sign", path(&secret), "-o", path(&out)], &old);
    assert!(stderr.contains("is unchained"), "{stderr}");
    let json = scratch.path("r.json");
    let stderr = exam(&["-o", path(&json)], &scratch.log());
    assert!(stderr.contains("give --sign"), "{stderr}");
    let stderr = exam(&["--sign", path(&public), "-o", path(&out)], &scratch.log());
    assert!(stderr.contains("is a public key"), "{stderr}");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
    let stderr = exam(&["--sign", path(&secret), "-o", path(&out)], &scratch.log());
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(!scratch.log().exists(), "no exam was taken");
}

#[test]
fn a_session_on_an_unchained_log_says_once_that_it_cannot_be_verified() {
    let scratch = Scratch::new();
    let old = unchained_log(&scratch);
    fs::rename(&old, scratch.log()).unwrap();
    let args = format!("drill {} --order file -n 1", fixture("decks/good.csv"));
    let (mut pty, _) = crate::common::codedrill_in_pty(&scratch, &args, "");
    pty.exp_string("This log is unchained").unwrap();
    // Wrapped to the terminal's width.
    pty.exp_string("it cannot").unwrap();
    pty.exp_string("be verified").unwrap();
    pty.exp_string("--log NEW.csv").unwrap();
    pty.exp_string("Type 2 diabetes, no complications").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    crate::common::type_keys(&mut pty, "E11.9\r");
    pty.exp_string("Session summary").unwrap();
    let rest = pty.exp_eof().unwrap();
    assert!(!rest.contains("unchained"), "said once: {rest}");
    assert_eq!(rows_of(&scratch.log()).len(), 3);
    assert!(rows_of(&scratch.log()).iter().all(|row| row.len() == 18));
}
