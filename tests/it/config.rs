//! The config file: `codedrill config`, `config --path`, drills that take their defaults from
//! the file, flags over the file, and a malformed file.

use std::path::PathBuf;

use crate::common::{Scratch, codedrill, fixture, log_rows};
use predicates::prelude::*;

/// A scratch folder used as `$XDG_CONFIG_HOME`, with `text` as the config file when given.
fn config_home(scratch: &Scratch, text: Option<&str>) -> PathBuf {
    let home = scratch.path("config");
    let folder = home.join("codedrill");
    std::fs::create_dir_all(&folder).unwrap();
    if let Some(text) = text {
        std::fs::write(folder.join("config.toml"), text).unwrap();
    }
    home
}

/// `codedrill` with `$XDG_CONFIG_HOME` (and `$HOME`) in the scratch folder.
fn with_config(scratch: &Scratch, text: Option<&str>) -> assert_cmd::Command {
    let mut cmd = codedrill();
    cmd.env("XDG_CONFIG_HOME", config_home(scratch, text))
        .env("HOME", scratch.path("home"));
    cmd
}

fn config_file(scratch: &Scratch) -> PathBuf {
    scratch.path("config/codedrill/config.toml")
}

#[test]
fn config_path_is_printed_whether_or_not_the_file_exists() {
    let scratch = Scratch::new();
    let expected = format!("{}\n", config_file(&scratch).display());
    with_config(&scratch, None)
        .args(["config", "--path"])
        .assert()
        .success()
        .stdout(expected.clone());
    // Also when it is malformed: that is how one finds it to mend it.
    with_config(&scratch, Some("count = ["))
        .args(["config", "--path"])
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn config_shows_defaults_without_a_file() {
    let scratch = Scratch::new();
    let data_log = scratch.path("home/.local/share/codedrill/attempts.csv");
    let out = with_config(&scratch, None).arg("config").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let line = |key: &str| {
        text.lines()
            .find(|line| line.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no {key} in {text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("user"), "user tester (default: $USER)");
    assert_eq!(
        line("log"),
        format!("log {} (default: XDG data dir)", data_log.display())
    );
    assert_eq!(line("count"), "count 20 (default)");
    assert_eq!(line("strict"), "strict false (default)");
    assert_eq!(line("color"), "color auto (default)");
    assert_eq!(
        line("file"),
        format!("file {} (not found)", config_file(&scratch).display())
    );
}

#[test]
fn config_names_the_file_flags_and_environment_as_sources() {
    let scratch = Scratch::new();
    let file = config_file(&scratch);
    let text = "user = \"ana\"\ncount = 5\ntime_limit = 30\ncolor = \"never\"\nnew = 10\n";
    let from_file = format!("(file: {})", file.display());
    with_config(&scratch, Some(text))
        .args(["config", "--color", "always"])
        .env("CODEDRILL_LOG", "/tmp/env-log.csv")
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(format!("user +ana +{}", regex_quote(&from_file))).unwrap(),
        )
        .stdout(predicate::str::is_match(format!("count +5 +{}", regex_quote(&from_file))).unwrap())
        .stdout(
            predicate::str::is_match(format!("time_limit +30s +{}", regex_quote(&from_file)))
                .unwrap(),
        )
        .stdout(predicate::str::is_match(r"log +/tmp/env-log\.csv +\(\$CODEDRILL_LOG\)").unwrap())
        .stdout(predicate::str::is_match(r"color +always +\(--color\)").unwrap())
        .stdout(predicate::str::is_match(r"file +.*config\.toml +\(read\)").unwrap());
}

fn regex_quote(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '/' || c == '_' || c == '-' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

#[test]
fn a_piped_drill_takes_user_log_count_decks_and_strict_from_the_file() {
    let scratch = Scratch::new();
    let log = scratch.path("file-log.csv");
    let text = format!(
        "user = \"ana\"\nlog = \"{}\"\ndecks = [\"{}\"]\ncount = 2\nstrict = true\n",
        log.display(),
        fixture("decks/good.csv")
    );
    with_config(&scratch, Some(&text))
        .args(["drill", "--order", "file"])
        .write_stdin("E119\nI10\nhepatitis\n")
        .assert()
        .success();
    let rows = log_rows(&log);
    assert_eq!(rows.len(), 2, "count = 2");
    assert!(rows.iter().all(|row| row["user"] == "ana"));
    assert!(rows.iter().all(|row| row["deck"] == "good"));
    assert_eq!(
        (rows[0]["verdict"].as_str(), rows[0]["detail"].as_str()),
        ("near_miss", "format"),
        "strict = true: the dot counts"
    );
    // --no-strict turns the file's strict off for one run; given twice, the last one wins.
    for (flags, verdict) in [
        (&["--no-strict"][..], "correct"),
        (&["--no-strict", "--strict"][..], "near_miss"),
        (&["--strict", "--no-strict"][..], "correct"),
    ] {
        std::fs::remove_file(&log).unwrap();
        with_config(&scratch, Some(&text))
            .args(["drill", "--order", "file", "-n", "1"])
            .args(flags)
            .write_stdin("E119\n")
            .assert()
            .success();
        assert_eq!(log_rows(&log)[0]["verdict"], verdict, "{flags:?}");
    }
}

#[test]
fn flags_override_the_file() {
    let scratch = Scratch::new();
    let file_log = scratch.path("file-log.csv");
    let flag_log = scratch.log();
    let text = format!(
        "user = \"ana\"\nlog = \"{}\"\ncount = 2\n",
        file_log.display()
    );
    with_config(&scratch, Some(&text))
        .args(["drill", &fixture("decks/good.csv"), "--order", "file"])
        .args(["--user", "bob", "-n", "3", "--log"])
        .arg(&flag_log)
        .write_stdin("E119\nI10\nhepatitis\n")
        .assert()
        .success();
    assert!(!file_log.exists());
    let rows = log_rows(&flag_log);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|row| row["user"] == "bob"));
    assert_eq!(rows[0]["verdict"], "correct", "not strict");
}

#[test]
fn a_malformed_file_is_one_error_naming_file_and_line_and_nothing_runs() {
    let scratch = Scratch::new();
    let text = "user = \"ana\"\n\ncount = 0\n";
    let expected = format!("Error: {}:3: ", config_file(&scratch).display());
    with_config(&scratch, Some(text))
        .args(["drill", &fixture("decks/good.csv"), "--log"])
        .arg(scratch.log())
        .write_stdin("E11.9\n")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with(expected))
        .stderr(predicate::str::contains("smallest count is 1"));
    assert!(!scratch.log().exists());
    with_config(&scratch, Some("strict = true\nstrikt = true\n"))
        .arg("config")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "config.toml:2: unknown field `strikt`",
        ));
}

#[test]
fn an_exam_takes_every_item_whatever_the_files_count() {
    let scratch = Scratch::new();
    let text = format!(
        "count = 2\ndecks = [\"{}\"]\nlog = \"{}\"\n",
        fixture("decks/good.csv"),
        scratch.log().display()
    );
    with_config(&scratch, Some(&text))
        .args(["exam", "--order", "file"])
        .write_stdin("E11.9\nI10\nhepatitis\n0FT44ZZ\nS52.521A\n")
        .assert()
        .success();
    assert_eq!(log_rows(&scratch.log()).len(), 5);
}
