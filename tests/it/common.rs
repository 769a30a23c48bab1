//! Shared helpers for command tests: a codedrill command with a clean environment and a
//! temporary log, and a reader for log rows.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use codedrill::log::{Warning, read_log};
use codedrill::record::Attempt;
use rexpect::session::PtySession;

/// An absolute folder that does not exist: as `XDG_CONFIG_HOME` it keeps tests away from the
/// developer's own `config.toml`.
pub const NO_CONFIG: &str = "/nonexistent/codedrill-tests-config";

/// The codedrill binary with no inherited settings that change its behaviour.
pub fn codedrill() -> Command {
    let mut cmd = Command::cargo_bin("codedrill").expect("binary built");
    cmd.env_remove("CODEDRILL_LOG")
        .env_remove("NO_COLOR")
        .env_remove("XDG_DATA_HOME")
        .env("XDG_CONFIG_HOME", NO_CONFIG)
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

/// Rows and warnings of a log, read with the library's reader.
pub fn read_all(path: &Path) -> (Vec<Attempt>, Vec<Warning>) {
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    read_log(
        path,
        |row| rows.push(row.to_owned()),
        |warning| warnings.push(warning),
    )
    .expect("log readable");
    (rows, warnings)
}

/// Waits until the log holds at least `rows` lines after its header.
pub fn wait_for_rows(path: &Path, rows: usize) {
    let start = Instant::now();
    loop {
        let lines = std::fs::read_to_string(path)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines > rows {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "only {lines} lines in the log"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends a signal (`TERM`, `HUP`, ...) to a process.
pub fn send_signal(pid: u32, signal: &str) {
    let status = std::process::Command::new("kill")
        .args(["-s", signal, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Peak resident memory of a live process, in KiB.
pub fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

/// `codedrill ARGS --log <scratch log>` in a pseudo-terminal, with `env` (`NAME=value ...`)
/// set: a shell prints codedrill's pid (it then execs codedrill), and once codedrill has
/// ended, `exit=STATUS` and the terminal's settings (`stty -a`).
pub fn codedrill_in_pty(scratch: &Scratch, args: &str, env: &str) -> (PtySession, u32) {
    let script = format!(
        "{env} bash --norc -c 'echo \"pid=$$\"; exec {bin} {args} --log {log}'; echo \"exit=$?\"; stty -a",
        bin = env!("CARGO_BIN_EXE_codedrill"),
        log = scratch.log().display(),
    );
    let mut command = std::process::Command::new("bash");
    command.env("XDG_CONFIG_HOME", NO_CONFIG);
    command
        .args(["--norc", "-c", &script])
        .env("USER", "tester");
    let mut pty = rexpect::session::spawn_command(command, Some(30_000)).expect("spawn in pty");
    let (_, pid) = pty
        .exp_regex("pid=[0-9]+")
        .expect("the shell prints the pid");
    let pid = pid.trim_start_matches("pid=").parse().expect("a pid");
    (pty, pid)
}

/// Types bytes into the terminal at once.
pub fn type_keys(pty: &mut PtySession, keys: impl AsRef<[u8]>) {
    let mut terminal = pty.process().get_file_handle().expect("the terminal");
    terminal.write_all(keys.as_ref()).unwrap();
    terminal.flush().unwrap();
}

/// `stty -a` shows line editing and signals on again.
pub fn assert_cooked(settings: &str) {
    let words: Vec<&str> = settings.split_whitespace().collect();
    for flag in ["icanon", "isig", "iexten"] {
        assert!(words.contains(&flag), "{flag} missing: {settings}");
        assert!(
            !words.contains(&format!("-{flag}").as_str()),
            "terminal left raw: {settings}"
        );
    }
}
