//! The attempt log on disk: rows appended under a lock and flushed as each item ends, and
//! the one reader every command uses.
//!
//! Rules (SPEC "Attempt log"; the row itself is [`crate::record`]):
//! - the header is written only into a new or empty file; a file with another header is
//!   refused and left untouched;
//! - each append takes an exclusive lock on the file, so concurrent sessions keep rows whole
//!   and write one header;
//! - a row cut by a crash is the tail after the last line break: the next append closes it (a
//!   dangling quote gets its closing quote) and starts on a new line, and readers skip it with
//!   a warning naming its line.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::record::{self, Attempt, AttemptRef, HEADER};

/// An open log, appended to under a lock.
pub struct LogWriter {
    file: File,
    path: PathBuf,
}

impl LogWriter {
    /// Opens (creating it and its folders if needed) a log, refusing a foreign file and
    /// anything that is not a regular file (a folder, a FIFO, a device such as `/dev/null`).
    pub fn open(path: &Path) -> Result<LogWriter> {
        if let Ok(meta) = fs::metadata(path) {
            refuse_irregular(path, &meta)?;
        }
        create_parent(path)?;
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("cannot open log {}", path.display()))?;
        // Checked again on what was opened: something else may have taken the name since.
        let meta = file
            .metadata()
            .with_context(|| format!("cannot open log {}", path.display()))?;
        refuse_irregular(path, &meta)?;
        let mut writer = LogWriter {
            file,
            path: path.to_path_buf(),
        };
        writer.locked(check_header)?;
        Ok(writer)
    }

    /// Appends one row (and the header into an empty file), flushed before returning. When
    /// the write fails (a full disk, say), the file is cut back to where it ended, so no
    /// part of the row stays behind.
    pub fn append(&mut self, attempt: &Attempt) -> Result<()> {
        let row = attempt.to_csv_line();
        self.locked(|file, path| {
            let len = file.metadata()?.len();
            let mut bytes = String::new();
            if len == 0 {
                bytes.push_str(HEADER);
                bytes.push('\n');
            } else {
                check_header(file, path)?;
                bytes.push_str(close_cut_row(file, len)?);
            }
            bytes.push_str(&row);
            if let Err(err) = file.write_all(bytes.as_bytes()).and_then(|()| file.flush()) {
                return match file.set_len(len) {
                    Ok(()) => {
                        Err(anyhow!(err).context("the row was not saved; the log is as it was"))
                    }
                    Err(undo) => Err(anyhow!(err).context(format!(
                        "the row was not saved, and cutting it off failed too ({undo})"
                    ))),
                };
            }
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

/// Refuses a log path that names something other than a regular file: rows written to a
/// device or a FIFO vanish or block.
fn refuse_irregular(path: &Path, meta: &fs::Metadata) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    let kind = if meta.is_dir() {
        "a folder"
    } else {
        "a device, FIFO or socket"
    };
    bail!(
        "log {} is {kind}, not a regular file; name a file for the log",
        path.display()
    )
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
/// row; a line break after a cut one, and a closing quote first if it was cut inside quotes.
/// Rows never hold a line break, so the cut row is everything after the last one: it is read
/// back in blocks, whatever its length, to count its quotes.
fn close_cut_row(file: &mut File, len: u64) -> Result<&'static str> {
    const BLOCK: u64 = 64 * 1024;
    let mut block = Vec::with_capacity(BLOCK as usize);
    let mut end = len;
    let mut quotes = 0usize;
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        file.seek(SeekFrom::Start(start))?;
        block.clear();
        Read::by_ref(file)
            .take(end - start)
            .read_to_end(&mut block)?;
        if end == len && block.last() == Some(&b'\n') {
            return Ok("");
        }
        let cut = match block.iter().rposition(|&b| b == b'\n') {
            Some(at) => &block[at + 1..],
            None => &block[..],
        };
        quotes += cut.iter().filter(|&&b| b == b'"').count();
        if cut.len() < block.len() {
            break;
        }
        end = start;
    }
    Ok(if quotes % 2 == 1 { "\"\n" } else { "\n" })
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
    check_first_line(first, &start, path)
        .map_err(|message| anyhow!("{message}; refusing to write to it"))
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

/// Whether the first bytes of a file are the log header.
pub fn starts_like_a_log(start: &[u8]) -> bool {
    let first = start.split(|&b| b == b'\n').next().unwrap_or(&[]);
    check_first_line(first, start, Path::new("")).is_ok()
}

/// Refuses a first line that is not the log header (`name` names the file in the message);
/// `start` is as much of the file's start as was read, to tell a binary file by its NULs.
fn check_first_line(line: &[u8], start: &[u8], name: &Path) -> std::result::Result<(), String> {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line == HEADER.as_bytes() {
        return Ok(());
    }
    if line.contains(&0) || start.contains(&0) {
        return Err(format!(
            "{} is a binary file, not a codedrill log",
            name.display()
        ));
    }
    let shown: String = String::from_utf8_lossy(line).chars().take(80).collect();
    Err(format!(
        "{} is not a codedrill log (its first line is {shown:?}, expected the log header)",
        name.display()
    ))
}

/// Reads a log streaming, calling `row` for each whole row and `warn` for each skipped one;
/// returns how many rows were skipped. A file with another header is an error.
pub fn read_log(
    path: &Path,
    row: impl FnMut(&AttemptRef<'_>),
    warn: impl FnMut(Warning),
) -> Result<u64> {
    if path.is_dir() {
        bail!("log {} is a folder, not a file", path.display());
    }
    let open = || File::open(path).with_context(|| format!("cannot read log {}", path.display()));
    read_log_from(open()?, open, path, row, warn)
}

/// [`read_log`] over any reader; `reopen` gives the same bytes again from their start, read
/// only to find the line numbers of skipped rows.
pub fn read_log_from<R: Read, S: Read>(
    input: R,
    reopen: impl FnMut() -> Result<S>,
    name: &Path,
    row: impl FnMut(&AttemptRef<'_>),
    warn: impl FnMut(Warning),
) -> Result<u64> {
    let whole = Span {
        start: 0,
        end: u64::MAX,
    };
    Ok(read_span(input, whole, reopen, name, row, warn)?.skipped)
}

/// The rows one reader takes: those whose reading starts at or after byte `start` and before
/// byte `end`. A span that starts past 0 starts right after a line break; whether that was a
/// row's end is known only when the span before it stops exactly there ([`SpanRead`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
}

/// What reading a span gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanRead {
    pub skipped: u64,
    /// Where the next row's reading starts: `end` itself when the span's last row ended
    /// exactly at `end`, later when a row (one quoted field holding a line break) ran over it
    pub stopped_at: u64,
}

/// Reads the rows of one span; `input` is positioned at `span.start`, and `reopen` gives the
/// file again from its first byte. The first span (from byte 0) checks the header.
///
/// Rows are split by `simd-csv`. RFC 4180 readers agree on well-quoted CSV, but not on a stray
/// quote (inside an unquoted field, or after a closing quote): from the first record that has
/// one, the rest of the span is read by the `csv` crate, for which a stray quote is just a
/// character. So a quote typed into a hand-edited log never swallows the rows after it.
pub fn read_span<R: Read, S: Read>(
    input: R,
    span: Span,
    reopen: impl FnMut() -> Result<S>,
    name: &Path,
    row: impl FnMut(&AttemptRef<'_>),
    warn: impl FnMut(Warning),
) -> Result<SpanRead> {
    let mut reader = simd_csv::ZeroCopyReaderBuilder::with_capacity(256 * 1024)
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut lines = LineFinder::new(reopen);
    let mut out = Delivery {
        name,
        row,
        warn,
        skipped: 0,
    };
    let doubled_quote = memchr::memmem::Finder::new(b"\"\"");
    let mut first = span.start == 0;
    let mut any = false;
    loop {
        let start = span.start + reader.position();
        if start >= span.end {
            break;
        }
        let record = reader
            .read_byte_record()
            .with_context(|| format!("cannot read log {}", name.display()))?;
        let Some(record) = record else { break };
        any = true;
        if first {
            first = false;
            check_first_line(record.as_slice(), &[], name).map_err(|message| anyhow!(message))?;
            continue;
        }
        let mut fields = [""; 18];
        if text_fields(&record, &doubled_quote, &mut fields) {
            out.take(&record::parse_row(&fields), start, &mut lines)?;
        } else if !well_quoted(&record) {
            let rest = lines.reopen_at(start)?;
            let stopped_at = read_strictly(rest, start, span.end, &mut lines, &mut out)?;
            return Ok(SpanRead {
                skipped: out.skipped,
                stopped_at,
            });
        } else {
            let fields: Vec<Cow<'_, [u8]>> = record.unescaped_iter().collect();
            let slices: Vec<&[u8]> = fields.iter().map(|f| f.as_ref()).collect();
            out.take(&record::parse_fields(&slices), start, &mut lines)?;
        }
    }
    if span.start == 0 && !any {
        bail!("{} is empty: not a codedrill log", name.display());
    }
    Ok(SpanRead {
        skipped: out.skipped,
        stopped_at: span.start + reader.position(),
    })
}

/// Reads rows with the `csv` crate from byte `start` (where `input` is) until a row starts at
/// or after `end`; returns where the next row would start.
fn read_strictly<S: Read, F: FnMut() -> Result<S>>(
    input: S,
    start: u64,
    end: u64,
    lines: &mut LineFinder<F, S>,
    out: &mut Delivery<'_, impl FnMut(&AttemptRef<'_>), impl FnMut(Warning)>,
) -> Result<u64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    loop {
        let at = start + reader.position().byte();
        if at >= end {
            return Ok(at);
        }
        let more = reader
            .read_byte_record(&mut record)
            .with_context(|| format!("cannot read log {}", out.name.display()))?;
        if !more {
            return Ok(start + reader.position().byte());
        }
        let fields: Vec<&[u8]> = record.iter().collect();
        out.take(&record::parse_fields(&fields), at, lines)?;
    }
}

/// Whether every quote of a record is where RFC 4180 puts one: around a whole field, or
/// doubled inside a quoted field.
fn well_quoted(record: &simd_csv::ZeroCopyByteRecord<'_>) -> bool {
    record.iter().all(|raw| match raw {
        [b'"', inner @ .., b'"'] => {
            let mut bytes = inner.iter();
            while let Some(&byte) = bytes.next() {
                if byte == b'"' && bytes.next() != Some(&b'"') {
                    return false;
                }
            }
            true
        }
        _ => !raw.contains(&b'"'),
    })
}

/// Where checked rows go: each whole row to `row`, each skipped one to `warn` with its line.
struct Delivery<'n, R, W> {
    name: &'n Path,
    row: R,
    warn: W,
    skipped: u64,
}

impl<R: FnMut(&AttemptRef<'_>), W: FnMut(Warning)> Delivery<'_, R, W> {
    /// Delivers one row whose reading started at byte `start`.
    fn take<S: Read, F: FnMut() -> Result<S>>(
        &mut self,
        parsed: &std::result::Result<AttemptRef<'_>, String>,
        start: u64,
        lines: &mut LineFinder<F, S>,
    ) -> Result<()> {
        match parsed {
            Ok(attempt) => (self.row)(attempt),
            Err(message) => {
                self.skipped += 1;
                (self.warn)(Warning {
                    path: self.name.display().to_string(),
                    line: lines.line_at(start)?,
                    message: format!("{message}; row skipped"),
                });
            }
        }
        Ok(())
    }
}

/// Up to `parts` spans covering a file of `len` bytes, cut right after line breaks near
/// equal shares (never before a line that starts with a byte-order mark, which a reader
/// starting there would drop).
pub fn spans(file: &mut File, len: u64, parts: usize) -> Result<Vec<Span>> {
    let mut cuts = vec![0];
    for part in 1..parts as u64 {
        let Some(cut) = line_start_after(file, len * part / parts as u64)? else {
            break;
        };
        if cut > *cuts.last().unwrap_or(&0) && cut < len {
            cuts.push(cut);
        }
    }
    cuts.push(len);
    Ok(cuts
        .windows(2)
        .map(|pair| Span {
            start: pair[0],
            end: pair[1],
        })
        .collect())
}

/// The first byte after a line break at or after `from`, skipping lines that start with a
/// byte-order mark.
fn line_start_after(file: &mut File, from: u64) -> Result<Option<u64>> {
    file.seek(SeekFrom::Start(from))?;
    let mut input = io::BufReader::with_capacity(64 * 1024, &mut *file);
    let mut at = from;
    let mut after_break = false;
    loop {
        use io::BufRead;
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(None);
        }
        for (offset, &byte) in buffer.iter().enumerate() {
            if after_break && byte != 0xEF {
                return Ok(Some(at + offset as u64));
            }
            after_break = byte == b'\n';
        }
        let used = buffer.len();
        input.consume(used);
        at += used as u64;
    }
}

/// Puts the 18 fields of a record into `fields` as text, when it has 18, is UTF-8 and is
/// plainly quoted (every quote opens or closes a whole field: none is doubled, none stray):
/// one check of the whole line, then each field is a slice of it. `false` sends the record
/// the slow way.
fn text_fields<'r>(
    record: &'r simd_csv::ZeroCopyByteRecord<'_>,
    doubled_quote: &memchr::memmem::Finder<'_>,
    fields: &mut [&'r str; 18],
) -> bool {
    if record.len() != fields.len() {
        return false;
    }
    let Ok(line) = std::str::from_utf8(record.as_slice()) else {
        return false;
    };
    let base = line.as_ptr() as usize;
    let slice = |cell: &[u8]| {
        let start = cell.as_ptr() as usize - base;
        line.get(start..start + cell.len())
    };
    if memchr::memchr(b'"', line.as_bytes()).is_none() {
        for (slot, cell) in fields.iter_mut().zip(record.iter()) {
            match slice(cell) {
                Some(text) => *slot = text,
                None => return false,
            }
        }
        return true;
    }
    if doubled_quote.find(line.as_bytes()).is_some() {
        return false;
    }
    let mut quoted = 0;
    for (at, slot) in fields.iter_mut().enumerate() {
        let (Some(raw), Some(inner)) = (record.get(at), record.unquote(at)) else {
            return false;
        };
        quoted += usize::from(inner.len() != raw.len());
        match slice(inner) {
            Some(text) => *slot = text,
            None => return false,
        }
    }
    let quotes = memchr::memchr_iter(b'"', line.as_bytes()).count();
    quotes == 2 * quoted
}

/// Line numbers of rows, found only when a warning needs one: the bytes before a row are
/// read again (from a second reader) and their line breaks counted, so reading costs nothing
/// extra while every row is whole.
struct LineFinder<F, S> {
    reopen: F,
    input: Option<io::BufReader<S>>,
    /// Bytes counted so far, and the line breaks among them
    offset: u64,
    breaks: u64,
}

impl<F: FnMut() -> Result<S>, S: Read> LineFinder<F, S> {
    /// The bytes from `start` on, from a new reader.
    fn reopen_at(&mut self, start: u64) -> Result<S> {
        let mut input = (self.reopen)()?;
        let skipped = io::copy(&mut Read::by_ref(&mut input).take(start), &mut io::sink())?;
        if skipped < start {
            bail!("the log became shorter while it was read");
        }
        Ok(input)
    }

    fn new(reopen: F) -> Self {
        LineFinder {
            reopen,
            input: None,
            offset: 0,
            breaks: 0,
        }
    }

    /// The line (from 1) of the row whose reading started at byte `start` (past the previous
    /// row's line end; blank lines before the row are skipped, as the reader skips them).
    /// Rows must be asked for in file order.
    fn line_at(&mut self, start: u64) -> Result<u64> {
        use io::BufRead;
        let input = match &mut self.input {
            Some(input) => input,
            None => self.input.insert(io::BufReader::new((self.reopen)()?)),
        };
        while self.offset < start {
            let buffer = input.fill_buf()?;
            if buffer.is_empty() {
                break;
            }
            let take = buffer.len().min((start - self.offset) as usize);
            self.breaks += buffer[..take].iter().filter(|&&b| b == b'\n').count() as u64;
            input.consume(take);
            self.offset += take as u64;
        }
        let ahead = input.fill_buf()?;
        let blank = ahead
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .filter(|&&b| b == b'\n')
            .count();
        Ok(self.breaks + blank as u64 + 1)
    }
}
