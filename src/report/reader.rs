//! Reading logs for reports: the same checks and warnings as [`crate::log::read_log`], on raw
//! records, and in parallel for large files.
//!
//! A large file is cut into blocks at line breaks; each block is parsed by one of a few worker
//! threads into its own [`Aggregator`], and the aggregators are merged. The log writer never
//! puts a line break inside a field, so every line break ends a row; should a file hold a
//! quoted line break at a block's edge anyway (it was edited by hand, say), the file is read
//! again on one thread. Memory is bounded: a few blocks in flight, whatever the file's size.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use anyhow::{Context, Result, bail};
use indicatif::ProgressBar;

use super::aggregate::{Aggregator, Fields};
use crate::log::{Warning, header_line};

/// Bytes per block handed to a worker.
const BLOCK: usize = 1 << 20;
/// Files smaller than this are read on the calling thread.
const PARALLEL_FROM: u64 = 4 << 20;
/// Warnings kept per file; the rest are counted.
pub const WARNINGS_SHOWN: usize = 20;

/// The log files named by the arguments: files as they are, folders as the `*.csv` files in
/// them (sorted).
pub fn expand_logs(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut logs = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("cannot read log {}", path.display()))?;
        if !meta.is_dir() {
            logs.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read folder {}", path.display()))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<io::Result<_>>()
            .with_context(|| format!("cannot read folder {}", path.display()))?;
        found.retain(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"))
        });
        if found.is_empty() {
            bail!("folder {} holds no *.csv logs", path.display());
        }
        found.sort();
        logs.extend(found);
    }
    Ok(logs)
}

/// What reading one file gave.
pub struct FileResult {
    pub aggregator: Aggregator,
    /// The first [`WARNINGS_SHOWN`] warnings, in line order
    pub warnings: Vec<Warning>,
    /// Rows skipped, shown or not
    pub skipped: u64,
}

/// Reads one log file into a fresh aggregator made by `new`.
pub fn read_file(
    path: &Path,
    new: &(dyn Fn() -> Aggregator + Sync),
    threads: usize,
    progress: &ProgressBar,
) -> Result<FileResult> {
    let open = || File::open(path).with_context(|| format!("cannot read log {}", path.display()));
    let file = open()?;
    let len = file
        .metadata()
        .with_context(|| format!("cannot read log {}", path.display()))?
        .len();
    let name = path.display().to_string();
    let threads = if len >= PARALLEL_FROM { threads } else { 1 };
    let done = progress.position();
    if let Some(result) = read_blocks(file, &name, new, threads, progress)? {
        return Ok(result);
    }
    progress.set_position(done);
    let input = progress.wrap_read(BufReader::with_capacity(256 * 1024, open()?));
    read_sequential(input, &name, new())
}

/// Reads a log from any reader with a CSV parser on this thread (`name` names it in
/// messages): the way for logs whose fields hold line breaks.
pub fn read_sequential(
    input: impl Read,
    name: &str,
    mut aggregator: Aggregator,
) -> Result<FileResult> {
    let mut reader = csv_reader(input);
    let mut record = csv::ByteRecord::new();
    let mut warnings = Warnings::default();
    let mut first = true;
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) if first => {
                first = false;
                check_header(&record, name)?;
            }
            Ok(true) => {
                if let Err(message) = aggregator.add_record(&record) {
                    warnings.push(name, line, message);
                }
            }
            Err(err) => {
                if first {
                    bail!("{name} is not a codedrill log: {err}");
                }
                aggregator.skip();
                warnings.push(name, line, format!("unreadable row ({err})"));
            }
        }
    }
    if first {
        bail!("{name} is empty: not a codedrill log");
    }
    Ok(warnings.finish(aggregator))
}

fn csv_reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .buffer_capacity(64 * 1024)
        .from_reader(input)
}

/// The header must be the log header, exactly (a UTF-8 byte-order mark aside).
fn check_header(record: &csv::ByteRecord, name: &str) -> Result<()> {
    let joined = record.iter().collect::<Vec<_>>().join(&b","[..]);
    let joined = joined.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&joined);
    if joined != header_line().as_bytes() {
        let shown: String = String::from_utf8_lossy(joined).chars().take(80).collect();
        bail!("{name} is not a codedrill log (its header is {shown:?}, expected the log header)");
    }
    Ok(())
}

/// Warnings of one file: the first few kept, all counted.
#[derive(Default)]
struct Warnings {
    kept: Vec<Warning>,
    count: u64,
}

impl Warnings {
    fn push(&mut self, name: &str, line: u64, message: String) {
        self.count += 1;
        if self.kept.len() < WARNINGS_SHOWN {
            self.kept.push(Warning {
                path: name.to_string(),
                line,
                message: format!("{message}; row skipped"),
            });
        }
    }

    fn finish(self, aggregator: Aggregator) -> FileResult {
        FileResult {
            aggregator,
            warnings: self.kept,
            skipped: self.count,
        }
    }
}

/// One block of whole lines.
struct Block {
    index: usize,
    data: Vec<u8>,
    last: bool,
}

/// What a worker saw.
struct WorkerResult {
    aggregator: Aggregator,
    /// (block, line within the block, message)
    warnings: Vec<(usize, u64, String)>,
    warning_count: u64,
    /// (block, line breaks in it)
    lines: Vec<(usize, u64)>,
    /// A block ended inside a quoted field: the blocks do not parse as the file does
    split_field: bool,
}

/// Reads a log in blocks of lines with `threads` workers; `None` when a record spans lines
/// and the log must be read by [`read_sequential`].
pub fn read_blocks(
    mut file: impl Read,
    name: &str,
    new: &(dyn Fn() -> Aggregator + Sync),
    threads: usize,
    progress: &ProgressBar,
) -> Result<Option<FileResult>> {
    let context = || format!("cannot read log {name}");
    let mut first = vec![0; BLOCK];
    let filled = fill(&mut file, &mut first).with_context(context)?;
    first.truncate(filled);
    let Some(header_end) = first.iter().position(|&b| b == b'\n') else {
        return Ok(None);
    };
    let mut header = csv_reader(&first[..=header_end]);
    let mut record = csv::ByteRecord::new();
    let end = header_end as u64;
    if !header.read_byte_record(&mut record).unwrap_or(false)
        || !(end..=end + 1).contains(&header.position().byte())
    {
        return Ok(None);
    }
    check_header(&record, name)?;
    progress.inc(filled as u64);

    let (free_send, free_recv) = mpsc::channel::<Vec<u8>>();
    let results = thread::scope(|scope| -> Result<Vec<WorkerResult>> {
        let mut senders = Vec::with_capacity(threads);
        let mut handles = Vec::with_capacity(threads);
        for _ in 0..threads {
            let (send, recv) = mpsc::sync_channel::<Block>(2);
            senders.push(send);
            let free = free_send.clone();
            handles.push(scope.spawn(move || work(recv, free, new())));
        }
        drop(free_send);
        let mut carry = first.split_off(header_end + 1);
        let mut index = 0;
        loop {
            let mut data = free_recv.try_recv().unwrap_or_default();
            data.clear();
            data.append(&mut carry);
            let eof = read_block(&mut file, &mut data, progress).with_context(context)?;
            if !eof {
                match data.iter().rposition(|&b| b == b'\n') {
                    Some(end) => carry.extend_from_slice(&data[end + 1..]),
                    None => {
                        carry = data;
                        continue;
                    }
                }
                let end = data.len() - carry.len();
                data.truncate(end);
            }
            let block = Block {
                index,
                data,
                last: eof,
            };
            if senders[index % threads].send(block).is_err() {
                break;
            }
            index += 1;
            if eof {
                break;
            }
        }
        drop(senders);
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| anyhow::anyhow!("a reader thread failed"))
            })
            .collect()
    })?;
    if results.iter().any(|r| r.split_field) {
        return Ok(None);
    }
    Ok(Some(combine(results, name, new)))
}

/// Reads up to one block more into `data`; `true` when the file has ended.
fn read_block(
    file: &mut impl Read,
    data: &mut Vec<u8>,
    progress: &ProgressBar,
) -> io::Result<bool> {
    let start = data.len();
    data.reserve(BLOCK);
    // `read_to_end` fills the spare capacity without zeroing it first.
    let mut got = 0;
    while got < BLOCK {
        match file.take((BLOCK - got) as u64).read_to_end(data) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    debug_assert_eq!(data.len(), start + got);
    progress.inc(got as u64);
    Ok(got < BLOCK)
}

/// Reads into `buf` until it is full or the input ends; the bytes read.
fn fill(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

fn work(
    blocks: mpsc::Receiver<Block>,
    free: mpsc::Sender<Vec<u8>>,
    mut aggregator: Aggregator,
) -> WorkerResult {
    let mut warnings = Vec::new();
    let mut warning_count = 0;
    let mut lines = Vec::new();
    let mut split_field = false;
    let mut parser = LineParser::new();
    for block in blocks {
        let parsed =
            parser.parse_block(&block.data, block.last, &mut aggregator, |line, message| {
                warning_count += 1;
                if warnings.len() < WARNINGS_SHOWN {
                    warnings.push((block.index, line, message));
                }
            });
        match parsed {
            Some(breaks) => lines.push((block.index, breaks)),
            None => {
                split_field = true;
                break;
            }
        }
        let _ = free.send(block.data);
    }
    WorkerResult {
        aggregator,
        warnings,
        warning_count,
        lines,
        split_field,
    }
}

/// Parses blocks of whole lines. The block is scanned 64 bytes at a time for commas, line
/// breaks, quotes and carriage returns; a plain line (neither quote nor carriage return) is split
/// at its commas in place (what a CSV parser would make of it). A line with quotes goes through
/// a small splitter for well-formed quoted fields, else through csv-core. A record that does not
/// end with its line (a quoted line break) makes the block unparsable here.
struct LineParser {
    ranges: Vec<(usize, usize)>,
    /// Where the current line's quotes are (in the block)
    quotes: Vec<usize>,
    core: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
}

/// Bit masks of one 64-byte chunk: commas, line breaks, quotes or carriage returns, and bytes
/// outside ASCII.
#[derive(Clone, Copy)]
struct Masks {
    commas: u64,
    breaks: u64,
    special: u64,
    quotes: u64,
    high: u64,
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn masks(chunk: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    let word = |at: usize| {
        i64::from_le_bytes([
            chunk[at],
            chunk[at + 1],
            chunk[at + 2],
            chunk[at + 3],
            chunk[at + 4],
            chunk[at + 5],
            chunk[at + 6],
            chunk[at + 7],
        ])
    };
    let comma = _mm_set1_epi8(b',' as i8);
    let newline = _mm_set1_epi8(b'\n' as i8);
    let quote = _mm_set1_epi8(b'"' as i8);
    let cr = _mm_set1_epi8(b'\r' as i8);
    let mut m = Masks {
        commas: 0,
        breaks: 0,
        special: 0,
        quotes: 0,
        high: 0,
    };
    for part in 0..4 {
        let v: __m128i = _mm_set_epi64x(word(part * 16 + 8), word(part * 16));
        let shift = part * 16;
        let bits = |x: __m128i| u64::from(_mm_movemask_epi8(x) as u32 as u16) << shift;
        m.commas |= bits(_mm_cmpeq_epi8(v, comma));
        m.breaks |= bits(_mm_cmpeq_epi8(v, newline));
        let quotes = _mm_cmpeq_epi8(v, quote);
        m.quotes |= bits(quotes);
        m.special |= bits(_mm_or_si128(quotes, _mm_cmpeq_epi8(v, cr)));
        m.high |= bits(v);
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
fn masks(chunk: &[u8; 64]) -> Masks {
    let mut m = Masks {
        commas: 0,
        breaks: 0,
        special: 0,
        quotes: 0,
        high: 0,
    };
    for (at, &b) in chunk.iter().enumerate() {
        let bit = 1u64 << at;
        if b == b',' {
            m.commas |= bit;
        } else if b == b'\n' {
            m.breaks |= bit;
        } else if b == b'"' {
            m.special |= bit;
            m.quotes |= bit;
        } else if b == b'\r' {
            m.special |= bit;
        } else if b >= 0x80 {
            m.high |= bit;
        }
    }
    m
}

/// Bits `0..=bit`.
#[inline]
fn through(bit: u32) -> u64 {
    if bit >= 63 {
        u64::MAX
    } else {
        (2u64 << bit) - 1
    }
}

impl LineParser {
    fn new() -> LineParser {
        let mut core = csv_core::Reader::new();
        // A first record, so that a later line is never taken for the file's start (where a
        // byte-order mark would be dropped).
        let _ = core.read_record(b"x\n", &mut [0; 4], &mut [0; 4]);
        LineParser {
            ranges: Vec::with_capacity(32),
            quotes: Vec::with_capacity(8),
            core,
            output: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// Adds every row of `data` (whole lines; the file's end when `last`); the line breaks
    /// read, or `None` when a record spans lines.
    fn parse_block(
        &mut self,
        data: &[u8],
        last: bool,
        aggregator: &mut Aggregator,
        mut warn: impl FnMut(u64, String),
    ) -> Option<u64> {
        // One UTF-8 check for the block: lines cut at line breaks (ASCII) of valid UTF-8 are
        // valid, and so are their fields.
        let mut ascii = true;
        let mut line_no = 1;
        let mut line_start = 0;
        let mut field_start = 0;
        let mut special = false;
        // The line holds a carriage return (not only quotes)
        let mut cr = false;
        let mut padded = [0u8; 64];
        self.ranges.clear();
        self.quotes.clear();
        let mut utf8 = None;
        let mut base = 0;
        while base < data.len() {
            let chunk: &[u8; 64] = match data.get(base..base + 64) {
                Some(chunk) => chunk.try_into().unwrap_or(&padded),
                None => {
                    padded = [0u8; 64];
                    let rest = &data[base..];
                    padded[..rest.len()].copy_from_slice(rest);
                    &padded
                }
            };
            // SAFETY: SSE2, all `masks` needs, is part of every x86_64 target.
            #[cfg(target_arch = "x86_64")]
            let m = unsafe { masks(chunk) };
            #[cfg(not(target_arch = "x86_64"))]
            let m = masks(chunk);
            if m.high != 0 && ascii {
                ascii = false;
                utf8 = Some(std::str::from_utf8(data).is_ok());
            }
            let mut specials = m.special;
            let mut events = m.commas | m.breaks;
            while events != 0 {
                let bit = events.trailing_zeros();
                events &= events - 1;
                let pos = base + bit as usize;
                if m.breaks >> bit & 1 == 0 {
                    self.ranges.push((field_start, pos));
                    field_start = pos + 1;
                    continue;
                }
                let upto = through(bit);
                let mine = specials & upto;
                if mine != 0 {
                    special = true;
                    self.note_specials(base, mine, m.quotes, &mut cr);
                }
                specials &= !upto;
                self.ranges.push((field_start, pos));
                let known = ascii || utf8 == Some(true);
                let added = self.line(
                    data,
                    line_start,
                    pos,
                    special,
                    cr,
                    known,
                    last && pos == data.len(),
                    aggregator,
                )?;
                if let Err(message) = added {
                    warn(line_no, message);
                }
                line_no += 1;
                line_start = pos + 1;
                field_start = pos + 1;
                special = false;
                cr = false;
                self.ranges.clear();
                self.quotes.clear();
            }
            if specials != 0 {
                special = true;
                self.note_specials(base, specials, m.quotes, &mut cr);
            }
            base += 64;
        }
        if line_start < data.len() {
            self.ranges.push((field_start, data.len()));
            let known = ascii || utf8 == Some(true);
            let added = self.line(
                data,
                line_start,
                data.len(),
                special,
                cr,
                known,
                last,
                aggregator,
            )?;
            if let Err(message) = added {
                warn(line_no, message);
            }
            line_no += 1;
            self.ranges.clear();
            self.quotes.clear();
        }
        Some(line_no - 1)
    }

    /// Notes the quotes and carriage returns among `specials` (bits of the chunk at `base`):
    /// quote positions go to `quotes`, a carriage return sets `cr`.
    #[inline(never)]
    fn note_specials(&mut self, base: usize, specials: u64, quotes: u64, cr: &mut bool) {
        *cr |= specials & !quotes != 0;
        let mut bits = specials & quotes;
        while bits != 0 {
            self.quotes.push(base + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }

    /// Adds the line `data[start..end]`, whose comma-split fields are in `ranges` (and whose
    /// quotes are in `quotes`); it is `special` when it holds a quote or a carriage return
    /// (`cr`).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn line(
        &mut self,
        data: &[u8],
        start: usize,
        end: usize,
        special: bool,
        cr: bool,
        utf8: bool,
        ends_file: bool,
        aggregator: &mut Aggregator,
    ) -> Option<Result<(), String>> {
        if !special {
            if start == end {
                return Some(Ok(()));
            }
            return Some(aggregator.add_fields(Fields {
                data,
                ranges: &self.ranges,
                utf8,
            }));
        }
        if !cr && self.join_quoted() {
            return Some(aggregator.add_fields(Fields {
                data,
                ranges: &self.ranges,
                utf8,
            }));
        }
        let raw = &data[start..end];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        Some(if line.is_empty() {
            Ok(())
        } else if self.split_plain(line) {
            aggregator.add_fields(Fields {
                data: line,
                ranges: &self.ranges,
                utf8,
            })
        } else if line.contains(&b'\r') {
            return None;
        } else if self.split_quoted(line) {
            aggregator.add_fields(Fields {
                data: line,
                ranges: &self.ranges,
                utf8,
            })
        } else {
            self.parse_quoted(line, ends_file)?;
            aggregator.add_fields(Fields {
                data: &self.output,
                ranges: &self.ranges,
                utf8,
            })
        })
    }

    /// [`LineParser::split_quoted`] from the comma-split fields in `ranges` and the quotes in
    /// `quotes` (a line without carriage returns): a field opening with a quote runs to the
    /// next quote, which must end a comma-split field; no other field may hold a quote.
    /// Rewrites `ranges` in place; `false` (and `ranges` spoilt) for anything else.
    fn join_quoted(&mut self) -> bool {
        let fields = self.ranges.len();
        let (mut at, mut out, mut next) = (0, 0, 0);
        while at < fields {
            let (start, end) = self.ranges[at];
            match self.quotes.get(next) {
                Some(&open) if open == start => {
                    let Some(&close) = self.quotes.get(next + 1) else {
                        return false;
                    };
                    let mut last = at;
                    while last < fields && self.ranges[last].1 <= close {
                        last += 1;
                    }
                    if last == fields || self.ranges[last].1 != close + 1 {
                        return false;
                    }
                    self.ranges[out] = (start + 1, close);
                    next += 2;
                    at = last + 1;
                }
                Some(&quote) if quote < end => return false,
                _ => {
                    self.ranges[out] = (start, end);
                    at += 1;
                }
            }
            out += 1;
        }
        if next != self.quotes.len() {
            return false;
        }
        self.ranges.truncate(out);
        true
    }

    /// Splits a line at its commas into `ranges`, in one pass; `false` when it holds a quote
    /// or a carriage return, which a CSV parser must see.
    fn split_plain(&mut self, line: &[u8]) -> bool {
        self.ranges.clear();
        let mut start = 0;
        if memchr::memchr2(b'"', b'\r', line).is_some() {
            return false;
        }
        for comma in memchr::memchr_iter(b',', line) {
            self.ranges.push((start, comma));
            start = comma + 1;
        }
        self.ranges.push((start, line.len()));
        true
    }

    /// Splits a line whose quotes all enclose whole fields without quotes inside (`a,"b, c",d`)
    /// into `ranges` within the line, as csv-core would; `false` for anything else (a doubled
    /// quote, a quote inside an unquoted field, text after a closing quote, an open quote).
    fn split_quoted(&mut self, line: &[u8]) -> bool {
        self.ranges.clear();
        let mut pos = 0;
        loop {
            if line.get(pos) == Some(&b'"') {
                let Some(close) = memchr::memchr(b'"', &line[pos + 1..]) else {
                    return false;
                };
                let close = pos + 1 + close;
                self.ranges.push((pos + 1, close));
                match line.get(close + 1) {
                    None => return true,
                    Some(b',') => pos = close + 2,
                    Some(_) => return false,
                }
            } else {
                match memchr::memchr2(b',', b'"', &line[pos..]) {
                    None => {
                        self.ranges.push((pos, line.len()));
                        return true;
                    }
                    Some(at) if line[pos + at] == b',' => {
                        self.ranges.push((pos, pos + at));
                        pos += at + 1;
                    }
                    Some(_) => return false,
                }
            }
        }
    }

    /// Parses one line holding quotes into `output` and `ranges`; `None` when its record goes
    /// on past the line's end. At the file's end an open quote ends with the file, as in
    /// every CSV reader.
    fn parse_quoted(&mut self, line: &[u8], ends_file: bool) -> Option<()> {
        use csv_core::ReadRecordResult::Record;
        self.output.resize(line.len() + 1, 0);
        self.ends.resize(line.len() + 2, 0);
        let (_, nin, nout, nend) = self
            .core
            .read_record(line, &mut self.output, &mut self.ends);
        debug_assert_eq!(nin, line.len(), "no terminator inside a line");
        let tail: &[u8] = if ends_file { b"" } else { b"\n" };
        let (result, _, more_out, more_ends) =
            self.core
                .read_record(tail, &mut self.output[nout..], &mut self.ends[nend..]);
        if result != Record {
            return None;
        }
        let fields = nend + more_ends;
        self.output.truncate(nout + more_out);
        self.ranges.clear();
        let mut start = 0;
        for &end in &self.ends[..fields] {
            self.ranges.push((start, end));
            start = end;
        }
        Some(())
    }
}

/// Merges the workers' results and turns block lines into file lines.
fn combine(results: Vec<WorkerResult>, name: &str, new: &dyn Fn() -> Aggregator) -> FileResult {
    let blocks = results.iter().map(|r| r.lines.len()).sum();
    let mut breaks = vec![0u64; blocks];
    for &(index, lines) in results.iter().flat_map(|r| &r.lines) {
        breaks[index] = lines;
    }
    // Line 1 is the header; block 0 starts on line 2.
    let mut starts = Vec::with_capacity(blocks);
    let mut line = 2;
    for lines in &breaks {
        starts.push(line);
        line += lines;
    }
    let mut warnings = Vec::new();
    let mut skipped = 0;
    let mut merged: Option<Aggregator> = None;
    for result in results {
        skipped += result.warning_count;
        warnings.extend(
            result
                .warnings
                .into_iter()
                .map(|(index, line, message)| Warning {
                    path: name.to_string(),
                    line: starts[index] + line - 1,
                    message: format!("{message}; row skipped"),
                }),
        );
        match &mut merged {
            Some(all) => all.merge(result.aggregator),
            None => merged = Some(result.aggregator),
        }
    }
    warnings.sort_by_key(|w| w.line);
    warnings.truncate(WARNINGS_SHOWN);
    FileResult {
        aggregator: merged.unwrap_or_else(new),
        warnings,
        skipped,
    }
}
