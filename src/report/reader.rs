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

use super::aggregate::Aggregator;
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
    if threads > 1 && len >= PARALLEL_FROM {
        let done = progress.position();
        match read_parallel(file, &name, new, threads, progress)? {
            Some(result) => return Ok(result),
            None => progress.set_position(done),
        }
    }
    let input = progress.wrap_read(BufReader::with_capacity(256 * 1024, open()?));
    read_sequential(input, &name, new())
}

/// Reads a log from any reader on this thread (`name` names it in messages).
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

/// Reads a large file with `threads` workers; `None` when the file must be read on one thread
/// after all.
fn read_parallel(
    mut file: File,
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
fn read_block(file: &mut File, data: &mut Vec<u8>, progress: &ProgressBar) -> io::Result<bool> {
    let start = data.len();
    data.resize(start + BLOCK, 0);
    let got = fill(file, &mut data[start..])?;
    data.truncate(start + got);
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
    let mut record = csv::ByteRecord::new();
    for block in blocks {
        let mut reader = csv_reader(&block.data[..]);
        let mut open_quote = false;
        loop {
            let line = reader.position().line();
            let message = match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    // Only a quoted field can hold the line break that ends a block.
                    open_quote = record
                        .iter()
                        .next_back()
                        .is_some_and(|f| f.ends_with(b"\n"));
                    match aggregator.add_record(&record) {
                        Ok(()) => continue,
                        Err(message) => message,
                    }
                }
                Err(err) => {
                    aggregator.skip();
                    format!("unreadable row ({err})")
                }
            };
            warning_count += 1;
            if warnings.len() < WARNINGS_SHOWN {
                warnings.push((block.index, line, message));
            }
        }
        split_field |= open_quote && !block.last;
        lines.push((block.index, reader.position().line() - 1));
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
