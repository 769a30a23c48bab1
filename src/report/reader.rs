//! Reading logs for a report: every file through the one log reader
//! ([`crate::log::read_span`]); several files at once, one file per thread, or one large
//! file in spans on several threads.

use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use indicatif::ProgressBar;

use super::aggregate::Aggregator;
use crate::log::chain::Chain;
use crate::log::{self, Span, SpanRead, Warning};
use crate::record::Layout;
use crate::visible::visible;

/// Warnings kept per file; the rest are counted.
pub const WARNINGS_SHOWN: usize = 20;

/// The log files named by the arguments: files as they are, folders as the `*.csv` files in
/// them that are codedrill logs (sorted). Other CSV files in a folder (a report written there,
/// a class list) are skipped with a note, not an error.
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
        found.retain(|p| {
            let log = log::is_log_file(p);
            if !log {
                let shown = p.display().to_string();
                eprintln!("{}: skipped, not a codedrill log", visible(&shown));
            }
            log
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
    /// The chain head (the last row's link) of a chained log; `None` for an unchained one
    pub head: Option<Chain>,
}

/// Reads one log file into a fresh aggregator made by `new`. A large file is read in
/// `threads` spans at once, each ending at a line break: the log writer never puts a line
/// break inside a field, so each span's rows are the rows a single reader would see there.
/// Whether they are is checked, not assumed: the span before each cut must stop reading
/// exactly at the cut. When one does not (a quoted line break, written by hand, sits across
/// a cut), the file is read again on one thread.
pub fn read_file(
    path: &Path,
    new: &(dyn Fn() -> Aggregator + Sync),
    threads: usize,
    progress: &ProgressBar,
) -> Result<FileResult> {
    let mut file = log::open_log(path)?;
    let len = file
        .metadata()
        .with_context(|| format!("cannot read log {}", path.display()))?
        .len();
    let layout = log::layout_of(&mut file, path)?;
    let mut result = read_rows(path, &mut file, len, layout, new, threads, progress)?;
    // Read from the end, rows being whole: the report names the exact log it came from.
    if layout == Layout::Chained {
        let head = log::chain::last_link(&mut file, len)
            .with_context(|| format!("cannot read log {}", path.display()))?;
        result.head = Some(head);
    }
    Ok(result)
}

/// [`read_file`]'s rows, of `len` bytes in `file` with `layout`.
fn read_rows(
    path: &Path,
    file: &mut File,
    len: u64,
    layout: Layout,
    new: &(dyn Fn() -> Aggregator + Sync),
    threads: usize,
    progress: &ProgressBar,
) -> Result<FileResult> {
    let parts = if len >= PARALLEL_FROM { threads } else { 1 };
    let spans = log::spans(file, len, parts)
        .with_context(|| format!("cannot read log {}", path.display()))?;
    if spans.len() > 1 {
        let done = progress.position();
        let parts: Vec<(FileResult, SpanRead)> = std::thread::scope(|scope| {
            let workers: Vec<_> = spans
                .iter()
                .map(|&span| scope.spawn(move || read_span(path, span, layout, new, progress)))
                .collect();
            workers
                .into_iter()
                .map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect::<Result<_>>()
        })?;
        let whole = parts
            .iter()
            .zip(&spans)
            .all(|((_, read), span)| read.stopped_at >= len || read.stopped_at == span.end);
        if let Some(all) = combine(parts.into_iter().map(|(result, _)| result)).filter(|_| whole) {
            return Ok(all);
        }
        progress.set_position(done);
    }
    let whole = Span {
        start: 0,
        end: u64::MAX,
    };
    Ok(read_span(path, whole, layout, new, progress)?.0)
}

/// Bytes from which a file is read in spans on several threads.
const PARALLEL_FROM: u64 = 4 << 20;

fn open(path: &Path) -> Result<File> {
    File::open(path).with_context(|| format!("cannot read log {}", path.display()))
}

/// Reads one span of a file into a fresh aggregator.
fn read_span(
    path: &Path,
    span: Span,
    layout: Layout,
    new: &(dyn Fn() -> Aggregator + Sync),
    progress: &ProgressBar,
) -> Result<(FileResult, SpanRead)> {
    let mut file = open(path)?;
    file.seek(SeekFrom::Start(span.start))
        .with_context(|| format!("cannot read log {}", path.display()))?;
    let mut aggregator = new();
    let mut warnings = Vec::new();
    let read = log::read_span(
        progress.wrap_read(file),
        span,
        layout,
        || open(path),
        path,
        |attempt| aggregator.add(attempt),
        |warning| {
            if warnings.len() < WARNINGS_SHOWN {
                warnings.push(warning);
            }
        },
    )?;
    aggregator.skip(read.skipped);
    let result = FileResult {
        aggregator,
        warnings,
        skipped: read.skipped,
        head: None,
    };
    Ok((result, read))
}

/// The results of a file's spans, in file order, as one.
fn combine(parts: impl Iterator<Item = FileResult>) -> Option<FileResult> {
    let mut parts = parts;
    let mut all = parts.next()?;
    for part in parts {
        all.aggregator.merge(part.aggregator);
        all.skipped += part.skipped;
        let room = WARNINGS_SHOWN.saturating_sub(all.warnings.len());
        all.warnings.extend(part.warnings.into_iter().take(room));
    }
    Some(all)
}

/// Reads every file, up to `threads` at a time, each on one thread; results in file order.
pub fn read_files(
    paths: &[PathBuf],
    new: &(dyn Fn() -> Aggregator + Sync),
    threads: usize,
    progress: &ProgressBar,
) -> Vec<Result<FileResult>> {
    if let [path] = paths {
        return vec![read_file(path, new, threads, progress)];
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<FileResult>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, paths.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let at = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = paths.get(at) else { break };
                        done.push((at, read_file(path, new, 1, progress)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(at, _)| *at);
    results.into_iter().map(|(_, result)| result).collect()
}
