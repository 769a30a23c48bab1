//! The attempt log: one CSV row per attempt, appended and flushed as each item ends.
//!
//! Rules (SPEC "Attempt log"):
//! - the header is written only into a new or empty file; a file with another header is
//!   refused and left untouched;
//! - each append takes an exclusive lock on the file, so concurrent sessions keep rows whole
//!   and write one header;
//! - a row never spans lines (line breaks in fields become spaces), so a row cut by a crash is
//!   the tail after the last line break: the next append closes it (a dangling quote gets its
//!   closing quote) and starts on a new line, and readers skip it with a warning;
//! - fields starting with `=`, `+`, `-` or `@` get a leading `'` against spreadsheet formula
//!   injection, removed again when read.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The log's columns, in order.
pub const COLUMNS: [&str; 18] = [
    "timestamp",
    "session",
    "user",
    "mode",
    "deck",
    "item",
    "system",
    "category",
    "prompt",
    "expected",
    "entered",
    "verdict",
    "detail",
    "score",
    "elapsed_ms",
    "first_key_ms",
    "keystrokes",
    "backspaces",
];

/// The header line, exactly.
pub fn header_line() -> String {
    COLUMNS.join(",")
}

/// One attempt, as logged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attempt {
    pub timestamp: String,
    pub session: String,
    pub user: String,
    pub mode: String,
    pub deck: String,
    pub item: String,
    pub system: String,
    pub category: String,
    pub prompt: String,
    pub expected: String,
    pub entered: String,
    pub verdict: String,
    pub detail: String,
    pub score: f64,
    pub elapsed_ms: u64,
    pub first_key_ms: Option<u64>,
    pub keystrokes: u64,
    pub backspaces: u64,
}

impl Attempt {
    /// The row's fields as written, guards applied.
    fn fields(&self) -> [String; 18] {
        let text = |value: &str| guard(&single_line(value));
        [
            text(&self.timestamp),
            text(&self.session),
            text(&self.user),
            text(&self.mode),
            text(&self.deck),
            text(&self.item),
            text(&self.system),
            text(&self.category),
            text(&self.prompt),
            text(&self.expected),
            text(&self.entered),
            text(&self.verdict),
            text(&self.detail),
            format_score(self.score),
            self.elapsed_ms.to_string(),
            self.first_key_ms
                .map(|ms| ms.to_string())
                .unwrap_or_default(),
            self.keystrokes.to_string(),
            self.backspaces.to_string(),
        ]
    }

    /// The row as one CSV line, line break included.
    pub fn to_csv_line(&self) -> String {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(self.fields());
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Parses one row (a record read with the log's header), guards removed.
    pub fn from_record(record: &csv::StringRecord) -> std::result::Result<Attempt, String> {
        if record.len() != COLUMNS.len() {
            return Err(format!(
                "row has {} fields, expected {} (cut short?)",
                record.len(),
                COLUMNS.len()
            ));
        }
        let text = |at: usize| unguard(record.get(at).unwrap_or("")).to_string();
        let number = |at: usize| -> std::result::Result<u64, String> {
            let raw = record.get(at).unwrap_or("");
            raw.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{}` is not a whole number: {raw:?}", COLUMNS[at]))
        };
        let score_raw = record.get(13).unwrap_or("");
        let score = score_raw
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| (0.0..=1.0).contains(s))
            .ok_or_else(|| format!("`score` is not a number from 0 to 1: {score_raw:?}"))?;
        let first_key = record.get(15).unwrap_or("").trim();
        let first_key_ms = if first_key.is_empty() {
            None
        } else {
            Some(number(15)?)
        };
        let verdict = text(11);
        if crate::score::Verdict::parse(&verdict).is_none() {
            return Err(format!("unknown verdict {verdict:?}"));
        }
        Ok(Attempt {
            timestamp: text(0),
            session: text(1),
            user: text(2),
            mode: text(3),
            deck: text(4),
            item: text(5),
            system: text(6),
            category: text(7),
            prompt: text(8),
            expected: text(9),
            entered: text(10),
            verdict,
            detail: text(12),
            score,
            elapsed_ms: number(14)?,
            first_key_ms,
            keystrokes: number(16)?,
            backspaces: number(17)?,
        })
    }
}

/// Scores are written with at most three decimals: `1`, `0`, `0.667`.
pub fn format_score(score: f64) -> String {
    // Adding 0.0 turns -0.0 (an empty sum) into 0.0.
    let text = format!("{:.3}", score + 0.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() {
        "0".to_string()
    } else {
        text.to_string()
    }
}

fn single_line(value: &str) -> String {
    if value.contains(['\n', '\r']) {
        value.replace(['\n', '\r'], " ")
    } else {
        value.to_string()
    }
}

/// Whether a value needs the formula-injection guard: it starts with `=`, `+`, `-` or `@`
/// once any leading `'` are set aside (so a value that already looks guarded is guarded
/// again and reads back unchanged).
fn needs_guard(value: &str) -> bool {
    value
        .trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@'])
}

/// Adds the formula-injection guard.
pub fn guard(value: &str) -> String {
    if needs_guard(value) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// Removes the guard added by [`guard`].
pub fn unguard(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => value,
    }
}

/// The default log: `$CODEDRILL_LOG`, else `<XDG data dir>/codedrill/attempts.csv`.
pub fn default_log_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("CODEDRILL_LOG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|p| !p.is_empty())
                .map(|home| PathBuf::from(home).join(".local/share"))
        })
        .context("cannot find a place for the log: set --log, $CODEDRILL_LOG or $HOME")?;
    Ok(data.join("codedrill").join("attempts.csv"))
}

/// The log given with `--log`, or the default one.
pub fn resolve_log_path(given: Option<&Path>) -> Result<PathBuf> {
    match given {
        Some(path) => Ok(path.to_path_buf()),
        None => default_log_path(),
    }
}

/// An open log, appended to under a lock.
pub struct LogWriter {
    file: File,
    path: PathBuf,
}

impl LogWriter {
    /// Opens (creating it and its folders if needed) a log, refusing a foreign file.
    pub fn open(path: &Path) -> Result<LogWriter> {
        if path.is_dir() {
            bail!("log {} is a folder, not a file", path.display());
        }
        create_parent(path)?;
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("cannot open log {}", path.display()))?;
        let mut writer = LogWriter {
            file,
            path: path.to_path_buf(),
        };
        writer.locked(check_header)?;
        Ok(writer)
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one row (and the header into an empty file), flushed before returning.
    pub fn append(&mut self, attempt: &Attempt) -> Result<()> {
        let row = attempt.to_csv_line();
        self.locked(|file, path| {
            let len = file.metadata()?.len();
            let mut bytes = String::new();
            if len == 0 {
                bytes.push_str(&header_line());
                bytes.push('\n');
            } else {
                check_header(file, path)?;
                bytes.push_str(&close_cut_row(file, len)?);
            }
            bytes.push_str(&row);
            file.write_all(bytes.as_bytes())?;
            file.flush()?;
            Ok(())
        })
        .with_context(|| format!("cannot write to log {}", self.path.display()))
    }

    /// Forces the rows to disk (at the end of a session).
    pub fn sync(&mut self) -> Result<()> {
        self.file
            .sync_all()
            .with_context(|| format!("cannot sync log {}", self.path.display()))
    }

    fn locked<T>(&mut self, work: impl FnOnce(&mut File, &Path) -> Result<T>) -> Result<T> {
        self.file
            .lock()
            .with_context(|| format!("cannot lock log {}", self.path.display()))?;
        let result = work(&mut self.file, &self.path);
        let _ = self.file.unlock();
        result
    }
}

/// Creates the folders a log goes in, naming a file that stands where a folder must be.
fn create_parent(path: &Path) -> Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if let Some(file) = parent.ancestors().find(|at| at.exists() && !at.is_dir()) {
        bail!(
            "cannot create the log's folder {}: {} is a file, not a folder",
            parent.display(),
            file.display()
        );
    }
    fs::create_dir_all(parent)
        .with_context(|| format!("cannot create the log's folder {}", parent.display()))
}

/// What must precede a new row so that it starts on its own line: nothing after a complete
/// row; a line break after a cut one (and a closing quote if it was cut inside quotes).
fn close_cut_row(file: &mut File, len: u64) -> Result<String> {
    let tail_len = len.min(64 * 1024);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    Read::by_ref(file).take(tail_len).read_to_end(&mut tail)?;
    if tail.last() == Some(&b'\n') {
        return Ok(String::new());
    }
    let cut = match tail.iter().rposition(|&b| b == b'\n') {
        Some(at) => &tail[at + 1..],
        None => &tail[..],
    };
    let quotes = cut.iter().filter(|&&b| b == b'"').count();
    Ok(if quotes % 2 == 1 { "\"\n" } else { "\n" }.to_string())
}

/// Refuses a file that is not empty and does not start with the log header.
fn check_header(file: &mut File, path: &Path) -> Result<()> {
    if file.metadata()?.len() == 0 {
        return Ok(());
    }
    file.seek(SeekFrom::Start(0))?;
    let mut start = Vec::with_capacity(512);
    Read::by_ref(file).take(4096).read_to_end(&mut start)?;
    let first = start.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first);
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    if first == header_line().as_bytes() {
        return Ok(());
    }
    if start.contains(&0) {
        bail!(
            "{} is a binary file, not a codedrill log; refusing to write to it",
            path.display()
        );
    }
    let shown: String = String::from_utf8_lossy(first).chars().take(80).collect();
    bail!(
        "{} is not a codedrill log (its first line is {shown:?}, expected the log header); refusing to write to it",
        path.display()
    )
}

/// A problem met while reading a log; the row is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub path: String,
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// Reads a log streaming, calling `row` for each whole row and `warn` for each skipped one.
/// A file with another header is an error.
pub fn read_log(
    path: &Path,
    mut row: impl FnMut(Attempt),
    mut warn: impl FnMut(Warning),
) -> Result<()> {
    if path.is_dir() {
        bail!("log {} is a folder, not a file", path.display());
    }
    let file = File::open(path).with_context(|| format!("cannot read log {}", path.display()))?;
    read_log_from(
        BufReader::with_capacity(256 * 1024, file),
        path,
        &mut row,
        &mut warn,
    )
}

/// [`read_log`] over any reader (`path` names it in messages).
pub fn read_log_from(
    input: impl io::Read,
    path: &Path,
    row: &mut dyn FnMut(Attempt),
    warn: &mut dyn FnMut(Warning),
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(input);
    let mut record = csv::StringRecord::new();
    let name = path.display().to_string();
    let mut first = true;
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) if first => {
                first = false;
                let header: Vec<&str> = record.iter().collect();
                let header = header.join(",");
                let header = header.trim_start_matches('\u{feff}');
                if header != header_line() {
                    let shown: String = header.chars().take(80).collect();
                    bail!(
                        "{name} is not a codedrill log (its header is {shown:?}, expected the log header)"
                    );
                }
            }
            Ok(true) => match Attempt::from_record(&record) {
                Ok(attempt) => row(attempt),
                Err(message) => warn(Warning {
                    path: name.clone(),
                    line,
                    message: format!("{message}; row skipped"),
                }),
            },
            Err(err) => {
                if first {
                    bail!("{name} is not a codedrill log: {err}");
                }
                warn(Warning {
                    path: name.clone(),
                    line,
                    message: format!("unreadable row ({err}); row skipped"),
                });
            }
        }
    }
    if first {
        bail!("{name} is empty: not a codedrill log");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(entered: &str) -> Attempt {
        Attempt {
            timestamp: "2026-11-27T10:00:00+00:00".into(),
            session: "s1".into(),
            user: "ana".into(),
            mode: "practice".into(),
            deck: "icd10cm-common".into(),
            item: "com-001".into(),
            system: "icd10cm".into(),
            category: "Endocrine".into(),
            prompt: "Type 2 diabetes, \"no\" complications\nnext line".into(),
            expected: "E11.9".into(),
            entered: entered.into(),
            verdict: "correct".into(),
            detail: String::new(),
            score: 1.0,
            elapsed_ms: 2300,
            first_key_ms: Some(800),
            keystrokes: 6,
            backspaces: 0,
        }
    }

    #[test]
    fn guards_round_trip() {
        for value in [
            "=SUM(A1)", "+1", "-ectomy", "@cmd", "E11.9", "'quoted", "", "'=x", "''=x", "'''-",
            "'", "''",
        ] {
            assert_eq!(unguard(&guard(value)), value, "{value}");
        }
        assert_eq!(guard("=1+1"), "'=1+1");
    }

    #[test]
    fn formats_scores() {
        assert_eq!(format_score(1.0), "1");
        assert_eq!(format_score(0.0), "0");
        assert_eq!(format_score(2.0 / 3.0), "0.667");
        assert_eq!(format_score(0.5), "0.5");
    }

    #[test]
    fn writes_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/log.csv");
        let mut writer = LogWriter::open(&path).unwrap();
        writer.append(&attempt("=HYPERLINK(\"x\")")).unwrap();
        writer.append(&attempt("e119")).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(&(header_line() + "\n")));
        assert_eq!(text.lines().count(), 3);
        assert!(text.contains("'=HYPERLINK"));
        let mut rows = Vec::new();
        read_log(&path, |a| rows.push(a), |w| panic!("{w}")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].entered, "=HYPERLINK(\"x\")");
        assert_eq!(
            rows[0].prompt,
            "Type 2 diabetes, \"no\" complications next line"
        );
        assert_eq!(rows[1], attempt("e119").with_prompt(&rows[1].prompt));
    }

    impl Attempt {
        fn with_prompt(mut self, prompt: &str) -> Attempt {
            self.prompt = prompt.to_string();
            self
        }
    }

    #[test]
    fn refuses_foreign_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.csv");
        fs::write(&path, "name,score\nann,3\n").unwrap();
        let err = LogWriter::open(&path).err().unwrap();
        assert!(format!("{err:#}").contains("not a codedrill log"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "name,score\nann,3\n");
    }

    #[test]
    fn cut_row_is_closed_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let mut writer = LogWriter::open(&path).unwrap();
        writer.append(&attempt("E11.9")).unwrap();
        let whole = fs::read_to_string(&path).unwrap();
        let cut_at = whole.len() - 40;
        let row = attempt("I10").to_csv_line();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(&row.as_bytes()[..row.find("no\"\"").unwrap()])
            .unwrap();
        drop(file);
        assert!(cut_at > 0);
        writer.append(&attempt("E11.8")).unwrap();
        let mut rows = Vec::new();
        let mut warnings = Vec::new();
        read_log(&path, |a| rows.push(a), |w| warnings.push(w)).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.entered.as_str()).collect::<Vec<_>>(),
            ["E11.9", "E11.8"]
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].line, 3);
    }
}
