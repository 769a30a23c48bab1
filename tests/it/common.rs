//! Shared helpers for command tests: a codedrill command with a clean environment and a
//! temporary log, and a reader for log rows.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The codedrill binary with no inherited settings that change its behaviour.
pub fn codedrill() -> Command {
    let mut cmd = Command::cargo_bin("codedrill").expect("binary built");
    cmd.env_remove("CODEDRILL_LOG")
        .env_remove("NO_COLOR")
        .env_remove("XDG_DATA_HOME")
        .env("USER", "tester");
    cmd
}

/// A temporary folder with a log path inside it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn log(&self) -> PathBuf {
        self.path("attempts.csv")
    }
}

/// Rows of a log as maps from column to value (guards left as written).
pub fn log_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("log readable");
    let header = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("whole row");
            header
                .iter()
                .zip(record.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The path of a fixture.
pub fn fixture(relative: &str) -> String {
    format!("{}/fixtures/{relative}", env!("CARGO_MANIFEST_DIR"))
}

/// `codedrill drill` on the good fixture deck in file order, with `extra` options, logging to
/// the scratch log and answering `input` on stdin.
pub fn drill_fixture(scratch: &Scratch, extra: &[&str], input: &str) -> assert_cmd::assert::Assert {
    codedrill()
        .args(["drill", &fixture("decks/good.csv"), "--order", "file"])
        .args(extra)
        .arg("--log")
        .arg(scratch.log())
        .write_stdin(input)
        .assert()
}
