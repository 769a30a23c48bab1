//! The attempt log on disk: rows appended under a lock and flushed as each item ends, and
//! the one reader every command uses.
//!
//! Rules (SPEC "Attempt log"; the row itself is [`crate::record`]):
//! - the header is written only into a new or empty file, and it is the chained header (the 18
//!   columns and `chain`, [`chain`]); a log with the 18-column header (written before logs
//!   were chained) is read and appended to unchained; a file with another header is refused
//!   and left untouched (the header's names may be quoted, as a spreadsheet saves them);
//! - in a chained log each row is chained under the lock, from the last row's link, so the
//!   chain stays linear however many sessions append at once;
//! - each append takes an exclusive lock on the file, so concurrent sessions keep rows whole
//!   and write one header;
//! - a row cut by a crash is the tail after the last line break: the next append closes it (a
//!   dangling quote gets its closing quote) and starts on a new line, and readers skip it with
//!   a warning naming its line;
//! - readers refuse what is not a regular file before reading it, and skip a row longer than
//!   1 MiB with a warning ([`bounded`]), so memory and time follow the rows, not the bytes.

pub mod bounded;
pub mod chain;

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::record::{self, Attempt, AttemptRef, CHAIN_COLUMN, COLUMNS, Layout};
use bounded::{CsvRows, Fence, Fenced, Next, ROW_LIMIT};
use chain::Chain;

/// An open log, appended to under a lock.
pub struct LogWriter {
    file: File,
    path: PathBuf,
    /// The log's header as last seen; a new (empty) log is chained
    layout: Layout,
    /// The file's length after this writer's last row, and that row's link: while the file is
    /// still that long, no one appended since, and the next row chains from it without a read
    last: Option<(u64, Chain)>,
    /// The chained rows this writer appended, in file order
    written: Vec<WrittenRow>,
}

/// A chained row as appended: the link it chains from, and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenRow {
    pub previous: Chain,
    /// The row's CSV line as written, `chain` last, without its line break
    pub line: String,
    pub link: Chain,
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
            layout: Layout::Chained,
            last: None,
            written: Vec::new(),
        };
        writer.layout = writer.locked(check_header)?.unwrap_or(Layout::Chained);
        Ok(writer)
    }

    /// Whether rows are chained: the log is new, or has the chained header.
    pub fn is_chained(&self) -> bool {
        self.layout == Layout::Chained
    }

    /// The log's chain head now: the last row's link (`None` for an unchained log).
    pub fn head(&mut self) -> Result<Option<Chain>> {
        let layout = self.layout;
        self.locked(|file, _| {
            if layout == Layout::Unchained {
                return Ok(None);
            }
            let len = file.metadata()?.len();
            Ok(Some(if len == 0 {
                Chain::START
            } else {
                chain::last_link(file, len)?
            }))
        })
        .with_context(|| format!("cannot read log {}", self.path.display()))
    }

    /// Appends one row (and the header into an empty file), flushed before returning; gives
    /// the row's link in a chained log. When the write fails (a full disk, say), the file is
    /// cut back to where it ended, so no part of the row stays behind.
    pub fn append(&mut self, attempt: &Attempt) -> Result<Option<Chain>> {
        let last = self.last;
        let appended = self.locked(|file, path| {
            let len = file.metadata()?.len();
            let mut bytes = String::new();
            let layout = if len == 0 {
                bytes.push_str(Layout::Chained.header());
                bytes.push('\n');
                Layout::Chained
            } else {
                check_header(file, path)?.unwrap_or(Layout::Chained)
            };
            let (row, link) = match layout {
                Layout::Unchained => (attempt.to_csv_line(), None),
                Layout::Chained => {
                    let previous = match last {
                        // Nothing written since this writer's last row.
                        Some((end, link)) if end == len => link,
                        _ if len == 0 => Chain::START,
                        _ => chain::last_link(file, len)?,
                    };
                    let (row, link) = attempt.to_chained_line(&previous);
                    (row, Some((previous, link)))
                }
            };
            if len > 0 && !matches!(last, Some((end, _)) if end == len) {
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
            Ok((layout, link, len + bytes.len() as u64, row))
        });
        let (layout, link, end, row) =
            appended.with_context(|| format!("cannot write to log {}", self.path.display()))?;
        self.layout = layout;
        self.last = link.map(|(_, link)| (end, link));
        if let Some((previous, link)) = link {
            self.written.push(WrittenRow {
                previous,
                line: row.trim_end_matches('\n').to_string(),
                link,
            });
        }
        Ok(link.map(|(_, link)| link))
    }

    /// The chained rows this writer appended, in file order.
    pub fn written(&self) -> &[WrittenRow] {
        &self.written
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

/// Refuses a log path that names something other than a regular file, for writing and for
/// reading alike: rows written to a device or a FIFO vanish or block, and reading one may
/// never end.
fn refuse_irregular(path: &Path, meta: &fs::Metadata) -> Result<()> {
    if meta.is_file() {
        Ok(())
    } else if meta.is_dir() {
        bail!("log {} is a folder, not a regular file", path.display())
    } else {
        bail!(
            "log {} is not a regular file (a device, FIFO or socket); name a file for the log",
            path.display()
        )
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

/// Refuses a file that is not empty and does not start with a log header; gives the header's
/// layout (`None` for an empty file).
fn check_header(file: &mut File, path: &Path) -> Result<Option<Layout>> {
    if file.metadata()?.len() == 0 {
        return Ok(None);
    }
    layout_at_start(file, path)
        .map(Some)
        .map_err(|message| anyhow!("{message}; refusing to write to it"))
}

/// The layout of the log `file` (its header's), or why it is not a log.
pub fn layout_of(file: &mut File, path: &Path) -> Result<Layout> {
    let layout = layout_at_start(file, path).map_err(|message| anyhow!(message));
    let rewound = file.seek(SeekFrom::Start(0));
    let layout = layout?;
    rewound.with_context(|| format!("cannot read log {}", path.display()))?;
    Ok(layout)
}

/// The layout the first line of `file` names, or the message saying it names none.
fn layout_at_start(file: &mut File, path: &Path) -> std::result::Result<Layout, String> {
    let failed = |err: io::Error| format!("cannot read log {}: {err}", path.display());
    file.seek(SeekFrom::Start(0)).map_err(failed)?;
    let mut start = Vec::with_capacity(512);
    Read::by_ref(file)
        .take(4096)
        .read_to_end(&mut start)
        .map_err(failed)?;
    let first = start.split(|&b| b == b'\n').next().unwrap_or(&[]);
    check_first_line(first, &start, path)
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

/// Whether a path is a regular file that starts with the log header.
pub fn is_log_file(path: &Path) -> bool {
    if !fs::metadata(path).is_ok_and(|meta| meta.is_file()) {
        return false;
    }
    let mut start = Vec::new();
    let read = File::open(path).and_then(|file| file.take(4096).read_to_end(&mut start));
    read.is_ok() && starts_like_a_log(&start)
}

/// Whether the first bytes of a file are a log header.
fn starts_like_a_log(start: &[u8]) -> bool {
    let first = start.split(|&b| b == b'\n').next().unwrap_or(&[]);
    check_first_line(first, start, Path::new("")).is_ok()
}

/// Refuses a first line that is not a log header (`name` names the file in the message), or
/// gives the header's layout; `start` is as much of the file's start as was read, to tell a
/// binary file by its NULs. The message never quotes the line: the file may be anything, a
/// link to a secret one say.
fn check_first_line(line: &[u8], start: &[u8], name: &Path) -> std::result::Result<Layout, String> {
    if let Some(layout) = header_layout(line) {
        return Ok(layout);
    }
    if line.contains(&0) || start.contains(&0) {
        return Err(format!(
            "{} is a binary file, not a codedrill log",
            name.display()
        ));
    }
    Err(not_a_log(name))
}

fn not_a_log(name: &Path) -> String {
    format!(
        "{} is not a codedrill log (its first line is not the log header: timestamp,session,...)",
        name.display()
    )
}

/// Which log header a line is, if it is one: each name bare or in quotes (a spreadsheet may
/// save it so), after an optional byte-order mark and before an optional CR.
fn header_layout(line: &[u8]) -> Option<Layout> {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    for layout in [Layout::Chained, Layout::Unchained] {
        if line == layout.header().as_bytes() {
            return Some(layout);
        }
    }
    let mut names = line.split(|&byte| byte == b',').map(|name| match name {
        [b'"', inner @ .., b'"'] => inner,
        _ => name,
    });
    if !COLUMNS
        .iter()
        .all(|column| names.next() == Some(column.as_bytes()))
    {
        return None;
    }
    match names.next() {
        None => Some(Layout::Unchained),
        Some(name) if name == CHAIN_COLUMN.as_bytes() && names.next().is_none() => {
            Some(Layout::Chained)
        }
        Some(_) => None,
    }
}

#[cfg(test)]
fn is_header(line: &[u8]) -> bool {
    header_layout(line).is_some()
}

/// Reads a log streaming, calling `row` for each whole row and `warn` for each skipped one;
/// returns how many rows were skipped. A file with another header is an error.
pub fn read_log(
    path: &Path,
    row: impl FnMut(&AttemptRef<'_>),
    warn: impl FnMut(Warning),
) -> Result<u64> {
    let open = || File::open(path).with_context(|| format!("cannot read log {}", path.display()));
    read_log_from(open_log(path)?, open, path, row, warn)
}

/// Opens a log to read it, refusing before reading anything what is not a regular file: a
/// folder, and a device, FIFO or socket (which could block, or never end).
pub fn open_log(path: &Path) -> Result<File> {
    let meta = fs::metadata(path).with_context(|| format!("cannot read log {}", path.display()))?;
    refuse_irregular(path, &meta)?;
    File::open(path).with_context(|| format!("cannot read log {}", path.display()))
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
    // Replaced by the header's layout, read first.
    let layout = Layout::Chained;
    Ok(read_span(input, whole, layout, reopen, name, row, warn)?.skipped)
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
/// file again from its first byte. The first span (from byte 0) checks the header and takes
/// the rows' layout from it; the others take `layout` (the header's, read by [`layout_of`]).
///
/// Rows are split by `simd-csv`. RFC 4180 readers agree on well-quoted CSV, but not on a stray
/// quote (inside an unquoted field, or after a closing quote): from the first record that has
/// one, the rest of the span is read by the `csv` crate, for which a stray quote is just a
/// character. So a quote typed into a hand-edited log never swallows the rows after it.
///
/// A row longer than [`ROW_LIMIT`] is skipped with a warning ([`bounded`]), and the rest of the
/// span is read by the `csv` crate too: memory stays bounded and time linear whatever the file
/// holds.
pub fn read_span<R: Read, S: Read>(
    input: R,
    span: Span,
    layout: Layout,
    reopen: impl FnMut() -> Result<S>,
    name: &Path,
    row: impl FnMut(&AttemptRef<'_>),
    warn: impl FnMut(Warning),
) -> Result<SpanRead> {
    let out = Delivery {
        name,
        layout,
        row,
        warn,
        skipped: 0,
    };
    read_span_within(input, span, LineFinder::new(reopen), out, ROW_LIMIT)
}

/// [`read_span`] with rows of at most `limit` bytes.
fn read_span_within<R: Read, S: Read, F: FnMut() -> Result<S>>(
    input: R,
    span: Span,
    mut lines: LineFinder<F, S>,
    mut out: Delivery<'_, impl FnMut(&AttemptRef<'_>), impl FnMut(Warning)>,
    limit: u64,
) -> Result<SpanRead> {
    let name = out.name;
    // simd-csv keeps a whole row in memory: the fence keeps that row short.
    let fence = Fence::default();
    let mut reader = simd_csv::ZeroCopyReaderBuilder::with_capacity(256 * 1024)
        .has_headers(false)
        .flexible(true)
        .from_reader(Fenced::new(input, &fence));
    let mut first = span.start == 0;
    let mut any = false;
    loop {
        let offset = reader.position();
        let start = span.start + offset;
        if start >= span.end {
            break;
        }
        fence.move_to(offset + limit + 1);
        let record = reader
            .read_byte_record()
            .with_context(|| format!("cannot read log {}", name.display()))?;
        if fence.was_reached() {
            // A row (with any blank lines before it) longer than the limit: the csv crate,
            // which holds back long rows, reads on from it. No header is that long.
            if first {
                let line = record.as_ref().map_or(&[][..], |record| record.as_slice());
                let refusal = check_first_line(line, &[], name).err();
                bail!(refusal.unwrap_or_else(|| not_a_log(name)));
            }
            return read_rest_strictly(start, span.end, limit, &mut lines, &mut out);
        }
        let Some(record) = record else { break };
        any = true;
        if first {
            first = false;
            out.layout = check_first_line(record.as_slice(), &[], name)
                .map_err(|message| anyhow!(message))?;
            continue;
        }
        let mut fields = [""; 18];
        if text_fields(&record, out.layout, &mut fields) {
            out.take(&record::parse_row(&fields), start, &mut lines)?;
        } else if !well_quoted(&record) {
            return read_rest_strictly(start, span.end, limit, &mut lines, &mut out);
        } else {
            let fields: Vec<Cow<'_, [u8]>> = record.unescaped_iter().collect();
            let slices: Vec<&[u8]> = fields.iter().map(|f| f.as_ref()).collect();
            out.take(
                &record::parse_fields_in(out.layout, &slices),
                start,
                &mut lines,
            )?;
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

/// Reads the rest of a span, from the row whose reading starts at byte `start`, with the `csv`
/// crate.
fn read_rest_strictly<S: Read, F: FnMut() -> Result<S>>(
    start: u64,
    end: u64,
    limit: u64,
    lines: &mut LineFinder<F, S>,
    out: &mut Delivery<'_, impl FnMut(&AttemptRef<'_>), impl FnMut(Warning)>,
) -> Result<SpanRead> {
    let rest = lines.reopen_at(start)?;
    let stopped_at = read_strictly(rest, start, end, limit, lines, out)?;
    Ok(SpanRead {
        skipped: out.skipped,
        stopped_at,
    })
}

/// Reads rows with the `csv` crate from byte `start` (where `input` is) until a row starts at
/// or after `end`; returns where the next row would start. Rows longer than `limit` bytes are
/// skipped with a warning.
fn read_strictly<S: Read, F: FnMut() -> Result<S>>(
    input: S,
    start: u64,
    end: u64,
    limit: u64,
    lines: &mut LineFinder<F, S>,
    out: &mut Delivery<'_, impl FnMut(&AttemptRef<'_>), impl FnMut(Warning)>,
) -> Result<u64> {
    let mut rows = CsvRows::new(io::BufReader::with_capacity(64 * 1024, input), start, limit);
    let mut record = csv::ByteRecord::new();
    loop {
        let at = rows.position();
        if at >= end {
            return Ok(at);
        }
        let next = rows
            .next(&mut record)
            .with_context(|| format!("cannot read log {}", out.name.display()))?;
        match next {
            Next::Row => {
                let fields: Vec<&[u8]> = record.iter().collect();
                out.take(&record::parse_fields_in(out.layout, &fields), at, lines)?;
            }
            Next::TooLong(row_start) => {
                out.take(&Err(bounded::too_long(limit)), row_start, lines)?;
            }
            Next::End => return Ok(rows.position()),
        }
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
    /// The rows' layout: the header's
    layout: Layout,
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
        let Some(&first) = buffer.first() else {
            return Ok(None);
        };
        if after_break && first != 0xEF {
            return Ok(Some(at));
        }
        after_break = false;
        let mut from = 0;
        while let Some(found) = memchr::memchr(b'\n', &buffer[from..]) {
            let line = from + found + 1;
            match buffer.get(line) {
                Some(&byte) if byte != 0xEF => return Ok(Some(at + line as u64)),
                Some(_) => from = line,
                None => {
                    after_break = true;
                    break;
                }
            }
        }
        let used = buffer.len();
        input.consume(used);
        at += used as u64;
    }
}

/// Puts the 18 attempt fields of a record into `fields` as text, when it has the layout's
/// number of fields, is UTF-8 and is plainly quoted (every quote opens or closes a whole
/// field: none is doubled, none stray): one check of the line, then each field is a slice of
/// it. A chained row's `chain` is left out of that check, its length alone looked at (64: a
/// shorter one was cut short), so the column costs a report next to nothing. `false` sends the
/// record the slow way.
fn text_fields<'r>(
    record: &'r simd_csv::ZeroCopyByteRecord<'_>,
    layout: Layout,
    fields: &mut [&'r str; 18],
) -> bool {
    if record.len() != layout.columns() {
        return false;
    }
    let bytes = record.as_slice();
    let end = match layout {
        Layout::Unchained => bytes.len(),
        Layout::Chained => match record.get(COLUMNS.len()) {
            // The comma before an unquoted chain of 64 characters ends the text checked (a
            // quote in it, stray, sends the row the slow way like any other).
            Some(chain) if chain.len() == 64 && memchr::memchr(b'"', chain).is_none() => {
                (chain.as_ptr() as usize - bytes.as_ptr() as usize).saturating_sub(1)
            }
            _ => return false,
        },
    };
    let Ok(line) = simdutf8::basic::from_utf8(&bytes[..end]) else {
        return false;
    };
    let base = line.as_ptr() as usize;
    let slice = |cell: &[u8]| {
        let start = cell.as_ptr() as usize - base;
        line.get(start..start + cell.len())
    };
    let quotes = count_quotes(line.as_bytes());
    if quotes == 0 {
        for (slot, cell) in fields.iter_mut().zip(record.iter()) {
            match slice(cell) {
                Some(text) => *slot = text,
                None => return false,
            }
        }
        return true;
    }
    // Each field in quotes has two; the line has no others exactly when it holds twice as many
    // quotes as such fields (so none is doubled inside one, and none is stray).
    let mut quoted = 0;
    for (slot, cell) in fields.iter_mut().zip(record.iter()) {
        let text = match cell {
            [b'"', inner @ .., b'"'] => {
                quoted += 1;
                inner
            }
            _ => cell,
        };
        match slice(text) {
            Some(text) => *slot = text,
            None => return false,
        }
    }
    quotes == 2 * quoted
}

/// The quotes in a line, counted a piece of up to 255 bytes at a time in a byte-sized sum,
/// which the compiler turns into a few vector operations per piece: on lines this short, less
/// than setting up a search.
fn count_quotes(line: &[u8]) -> usize {
    line.chunks(255)
        .map(|piece| {
            let count = piece
                .iter()
                .fold(0u8, |sum, &byte| sum.wrapping_add(u8::from(byte == b'"')));
            usize::from(count)
        })
        .sum()
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
        // The reader skips blank lines before a row: they may fill more than one buffer.
        loop {
            let ahead = input.fill_buf()?;
            let blank = ahead
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            self.breaks += ahead[..blank].iter().filter(|&&b| b == b'\n').count() as u64;
            let more = blank > 0 && blank == ahead.len();
            input.consume(blank);
            self.offset += blank as u64;
            if !more {
                return Ok(self.breaks + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::HEADER;

    /// A log of `rows` (each a line, its line break included) after the header.
    fn log_of(rows: &[String]) -> Vec<u8> {
        let mut text = format!("{HEADER}\n");
        text.extend(rows.iter().map(String::as_str));
        text.into_bytes()
    }

    /// A good row, its entered answer `entered`.
    fn good(entered: &str) -> String {
        record::example(entered).to_csv_line()
    }

    /// The entered answers of the rows read from `bytes[span]` and the warnings, rows no
    /// longer than `limit`.
    fn read_within(bytes: &[u8], span: Span, limit: u64) -> (Vec<String>, Vec<String>, SpanRead) {
        let mut rows = Vec::new();
        let mut warnings = Vec::new();
        let out = Delivery {
            name: Path::new("t.csv"),
            layout: Layout::Unchained,
            row: |attempt: &AttemptRef<'_>| rows.push(attempt.entered.to_string()),
            warn: |warning: Warning| warnings.push(warning.to_string()),
            skipped: 0,
        };
        let lines = LineFinder::new(|| Ok(bytes));
        let input = &bytes[span.start as usize..];
        let read = read_span_within(input, span, lines, out, limit).unwrap();
        (rows, warnings, read)
    }

    const WHOLE: Span = Span {
        start: 0,
        end: u64::MAX,
    };

    #[test]
    fn rows_longer_than_the_limit_are_skipped_by_line() {
        let long = format!("{}\n", "x".repeat(5000));
        let quoted = format!("a,\"{}\n{}\",b\n", "q".repeat(3000), "q".repeat(3000));
        let log = log_of(&[
            good("A1"),
            long.clone(),
            good("A2"),
            "\n\n".to_string(),
            quoted,
            good("A3"),
            long.trim_end().to_string(),
        ]);
        let (rows, warnings, read) = read_within(&log, WHOLE, 4096);
        assert_eq!(rows, ["A1", "A2", "A3"]);
        assert_eq!(
            warnings,
            [
                "t.csv:3: row longer than 4096 bytes; row skipped",
                "t.csv:7: row longer than 4096 bytes; row skipped",
                "t.csv:10: row longer than 4096 bytes; row skipped",
            ]
        );
        assert_eq!((read.skipped, read.stopped_at), (3, log.len() as u64));
    }

    #[test]
    fn after_a_stray_quote_long_rows_are_skipped_too() {
        let log = log_of(&[
            "stray\"quote\n".to_string(),
            good("A1"),
            format!("{}\r\n", "y\"".repeat(3000)),
            good("A2"),
        ]);
        let (rows, warnings, _) = read_within(&log, WHOLE, 4096);
        assert_eq!(rows, ["A1", "A2"]);
        assert_eq!(warnings.len(), 2);
        assert!(
            warnings[0].starts_with("t.csv:2: row has 1 fields"),
            "{warnings:?}"
        );
        assert_eq!(
            warnings[1],
            "t.csv:4: row longer than 4096 bytes; row skipped"
        );
    }

    #[test]
    fn blank_lines_before_a_row_do_not_count_as_its_length() {
        let log = log_of(&[good("A1"), "\n".repeat(10_000), good("A2"), "x,y\n".into()]);
        let (rows, warnings, _) = read_within(&log, WHOLE, 4096);
        assert_eq!(rows, ["A1", "A2"]);
        assert_eq!(
            warnings,
            ["t.csv:10004: row has 2 fields, expected 18 (cut short?); row skipped"]
        );
    }

    #[test]
    fn a_long_first_line_is_not_a_log() {
        let mut bytes = vec![b'h'; 10_000];
        let err = read_log_from(
            &bytes[..],
            || Ok(&bytes[..]),
            Path::new("t.csv"),
            |_| {},
            |_| {},
        );
        let message = err.unwrap_err().to_string();
        assert!(
            message.starts_with("t.csv is not a codedrill log"),
            "{message}"
        );
        bytes[3000] = 0;
        let err = read_span_within(
            &bytes[..],
            WHOLE,
            LineFinder::new(|| Ok(&bytes[..])),
            Delivery {
                name: Path::new("t.csv"),
                layout: Layout::Unchained,
                row: |_: &AttemptRef<'_>| {},
                warn: |_: Warning| {},
                skipped: 0,
            },
            4096,
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "t.csv is a binary file, not a codedrill log"
        );
    }

    #[test]
    fn spans_read_as_the_whole_file_reads() {
        let long = format!("{}\n", "z".repeat(6000));
        let mut rows = Vec::new();
        for n in 0..40 {
            rows.push(good(&format!("E{n}")));
            if n % 7 == 3 {
                rows.push(long.clone());
            }
        }
        let log = log_of(&rows);
        let (all_rows, all_warnings, _) = read_within(&log, WHOLE, 4096);
        assert_eq!(all_rows.len(), 40);
        assert_eq!(all_warnings.len(), 6);
        for cut in [log.len() / 3, log.len() / 2, 2 * log.len() / 3] {
            let cut = cut + memchr::memchr(b'\n', &log[cut..]).unwrap() + 1;
            let first = Span {
                start: 0,
                end: cut as u64,
            };
            let second = Span {
                start: cut as u64,
                end: u64::MAX,
            };
            let (mut rows, mut warnings, read) = read_within(&log, first, 4096);
            assert_eq!(read.stopped_at, cut as u64);
            let (more_rows, more_warnings, _) = read_within(&log, second, 4096);
            rows.extend(more_rows);
            warnings.extend(more_warnings);
            assert_eq!(
                (&rows, &warnings),
                (&all_rows, &all_warnings),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn quotes_are_counted_in_lines_of_any_length() {
        for len in [0, 1, 254, 255, 256, 600, 2000] {
            for every in [1, 2, 7] {
                let line: Vec<u8> = (0..len)
                    .map(|at| if at % every == 0 { b'"' } else { b'a' })
                    .collect();
                let want = line.iter().filter(|&&b| b == b'"').count();
                assert_eq!(count_quotes(&line), want, "{len} {every}");
            }
        }
    }

    #[test]
    fn the_header_may_be_quoted() {
        let quoted: Vec<String> = COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
        let header = quoted.join(",");
        assert!(is_header(header.as_bytes()));
        assert!(is_header(format!("\u{feff}{header}\r").as_bytes()));
        assert!(is_header(HEADER.as_bytes()));
        assert!(!is_header(HEADER.replace("user", "\"user").as_bytes()));
        assert!(!is_header(format!("{HEADER},extra").as_bytes()));
        assert!(!is_header(b"timestamp,session"));
        let chained = format!("{header},\"chain\"");
        assert_eq!(header_layout(chained.as_bytes()), Some(Layout::Chained));
        assert_eq!(header_layout(header.as_bytes()), Some(Layout::Unchained));
        let exact = record::CHAINED_HEADER.as_bytes();
        assert_eq!(header_layout(exact), Some(Layout::Chained));
        assert!(!is_header(format!("{HEADER},chain,extra").as_bytes()));
    }

    #[test]
    fn two_writers_taking_turns_keep_one_chain_and_the_readers_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let mut first = LogWriter::open(&path).unwrap();
        let mut second = LogWriter::open(&path).unwrap();
        let mut links = Vec::new();
        for (at, entered) in ["A1", "A2", "B1", "A3", "B2", "B3"].iter().enumerate() {
            let writer = if entered.starts_with('A') {
                &mut first
            } else {
                &mut second
            };
            let link = writer.append(&record::example(entered)).unwrap().unwrap();
            assert_eq!(writer.written().last().unwrap().link, link);
            if let Some(&previous) = links.last() {
                assert_eq!(
                    writer.written().last().unwrap().previous,
                    previous,
                    "row {at}"
                );
            }
            links.push(link);
        }
        assert_eq!(first.head().unwrap(), Some(links[5]));
        match chain::verify(&path).unwrap() {
            chain::Checked::Whole(summary) => {
                assert_eq!((summary.rows, summary.head), (6, links[5]));
            }
            broken => panic!("{broken:?}"),
        }
        let mut read = Vec::new();
        read_log(
            &path,
            |row| read.push(row.entered.to_string()),
            |w| panic!("{w}"),
        )
        .unwrap();
        assert_eq!(read, ["A1", "A2", "B1", "A3", "B2", "B3"]);
    }

    #[test]
    fn an_unchained_log_is_appended_to_unchained() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.csv");
        fs::write(&path, format!("{HEADER}\n{}", good("A1"))).unwrap();
        let mut writer = LogWriter::open(&path).unwrap();
        assert!(!writer.is_chained());
        assert_eq!(writer.append(&record::example("A2")).unwrap(), None);
        assert_eq!(writer.head().unwrap(), None);
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text, format!("{HEADER}\n{}{}", good("A1"), good("A2")));
    }

    #[test]
    fn a_foreign_first_line_is_not_quoted_back() {
        let message =
            check_first_line(b"root:secret", b"root:secret\n", Path::new("x")).unwrap_err();
        assert_eq!(
            message,
            "x is not a codedrill log (its first line is not the log header: timestamp,session,...)"
        );
        assert!(!message.contains("secret"));
    }

    #[test]
    fn lines_start_after_breaks_but_not_before_a_byte_order_mark() {
        let mut file = tempfile::tempfile().unwrap();
        let mut text = vec![b'a'; 100_000];
        text[70_000] = b'\n';
        text.extend(b"\n\xEF\xBB\xBFrow\nnext\n");
        file.write_all(&text).unwrap();
        assert_eq!(line_start_after(&mut file, 0).unwrap(), Some(70_001));
        assert_eq!(
            line_start_after(&mut file, 70_001).unwrap(),
            Some(100_001 + 7)
        );
        assert_eq!(
            line_start_after(&mut file, 100_000).unwrap(),
            Some(100_001 + 7)
        );
        assert_eq!(line_start_after(&mut file, 100_010).unwrap(), None);
    }
}
