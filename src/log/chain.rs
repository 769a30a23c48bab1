//! A log's hash chain (SPEC "Attempt log", README "Evidence"): the last column of a chained
//! log, `chain`, links each row to the one before it, so a row changed, inserted, dropped or
//! moved after it was written breaks every link from there on.
//!
//! A row's link is the SHA-256, written as 64 lowercase hex digits, of:
//! - the previous row's `chain` as written (64 ASCII hex digits; 64 `0`s for the first row),
//! - then each of the row's other 18 fields, in column order, as written (guard and all, as the
//!   CSV reader gives it: without the CSV quoting), each as a netstring: its length in bytes
//!   in decimal, `:`, the bytes, `,`.
//!
//! In Python: `h = sha256(prev.encode())`, then `h.update(b"%d:%s," % (len(f), f))` for each
//! field `f` (bytes), and `h.hexdigest()`.
//!
//! Rows are chained in file order, so the "previous row" is the last whole link above: a row
//! cut short by a crash (fewer fields, or a `chain` that is not 64 hex digits) is no link —
//! readers skip it, and the next row chains past it.

use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use super::bounded::{CsvRows, Next, ROW_LIMIT};
use super::{LineFinder, check_first_line};
use crate::record::{COLUMNS, Layout};

/// One link of a chain: a SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chain([u8; 32]);

impl Chain {
    /// What the first row chains from: 64 `0`s.
    pub const START: Chain = Chain([0; 32]);

    /// The link of a row whose fields (as written, the 18 before `chain`) are `fields`, after
    /// the row whose link is `self`.
    pub fn link<F: AsRef<[u8]>>(&self, fields: &[F]) -> Chain {
        let mut hasher = Sha256::new();
        hasher.update(self.hex());
        for field in fields {
            let field = field.as_ref();
            let mut digits = [0u8; 20];
            hasher.update(decimal(field.len(), &mut digits));
            hasher.update(b":");
            hasher.update(field);
            hasher.update(b",");
        }
        Chain(hasher.finalize().into())
    }

    /// The link as written: 64 lowercase hex digits.
    pub fn hex(&self) -> [u8; 64] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 64];
        for (at, byte) in self.0.iter().enumerate() {
            text[2 * at] = DIGITS[usize::from(byte >> 4)];
            text[2 * at + 1] = DIGITS[usize::from(byte & 0xf)];
        }
        text
    }

    /// Reads a link as written: exactly 64 lowercase hex digits.
    pub fn parse(text: &[u8]) -> Option<Chain> {
        if text.len() != 64 {
            return None;
        }
        let digit = |byte: u8| match byte {
            b'0'..=b'9' => Some(byte - b'0'),
            b'a'..=b'f' => Some(byte - b'a' + 10),
            _ => None,
        };
        let mut bytes = [0u8; 32];
        for (at, pair) in text.chunks_exact(2).enumerate() {
            bytes[at] = digit(pair[0])? << 4 | digit(pair[1])?;
        }
        Some(Chain(bytes))
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Hex digits are ASCII.
        f.write_str(std::str::from_utf8(&self.hex()).unwrap_or_default())
    }
}

impl fmt::Debug for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Chain({self})")
    }
}

/// `number` in decimal, in `buffer`.
fn decimal(mut number: usize, buffer: &mut [u8; 20]) -> &[u8] {
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            return &buffer[at..];
        }
    }
}

/// The link a row's fields (as read, all 19) carry, if the row is a link: 19 fields, the last
/// 64 hex digits.
fn link_of<F: AsRef<[u8]>>(fields: &[F]) -> Option<Chain> {
    match fields {
        [.., last] if fields.len() == COLUMNS.len() + 1 => Chain::parse(last.as_ref()),
        _ => None,
    }
}

/// The link of the last whole row of a chained log, found from its end: the chain's head, and
/// what the next row chains from ([`Chain::START`] when no row is a link). `len` is the file's
/// length. Rows never hold a line break, so lines are read back from the end in blocks until
/// one is a link; the header ends the search.
pub fn last_link(file: &mut File, len: u64) -> Result<Chain> {
    const BLOCK: u64 = 64 * 1024;
    let mut end = len;
    // The bytes after the last line break seen so far: a line, or the start of one.
    let mut line: Vec<u8> = Vec::new();
    let mut block = Vec::with_capacity(BLOCK as usize);
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        file.seek(SeekFrom::Start(start))?;
        block.clear();
        Read::by_ref(file)
            .take(end - start)
            .read_to_end(&mut block)?;
        if block.len() as u64 != end - start {
            bail!("the log became shorter while it was read");
        }
        let mut rest = &block[..];
        while let Some(at) = memchr::memrchr(b'\n', rest) {
            let mut whole = rest[at + 1..].to_vec();
            whole.extend_from_slice(&line);
            line.clear();
            if let Some(link) = line_link(&whole) {
                return Ok(link);
            }
            rest = &rest[..at];
        }
        let mut longer = rest.to_vec();
        longer.extend_from_slice(&line);
        line = longer;
        end = start;
    }
    // The first line is the header.
    Ok(Chain::START)
}

/// The link of one line, if it is a whole chained row.
fn line_link(line: &[u8]) -> Option<Chain> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // Most lines are links: a cheap look at their end first.
    let tail = line.len().checked_sub(65).map(|at| &line[at..])?;
    if tail[0] != b',' || Chain::parse(&tail[1..]).is_none() {
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => link_of(&record.iter().collect::<Vec<_>>()),
        _ => None,
    }
}

/// The head of the log at `path`: `None` for an unchained log.
pub fn head(path: &Path) -> Result<Option<Chain>> {
    let mut file = super::open_log(path)?;
    let layout = super::layout_of(&mut file, path)?;
    if layout == Layout::Unchained {
        return Ok(None);
    }
    let len = file
        .metadata()
        .with_context(|| format!("cannot read log {}", path.display()))?
        .len();
    last_link(&mut file, len)
        .map(Some)
        .with_context(|| format!("cannot read log {}", path.display()))
}

/// What checking a log's chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// Every link holds.
    Whole(Summary),
    /// The row on this line does not chain from the link above it: it, or a row above it, was
    /// changed, inserted, dropped or moved.
    Broken { line: u64 },
}

/// A log whose chain holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Rows in the chain
    pub rows: u64,
    pub sessions: u64,
    /// The earliest and latest local date of a row
    pub first: Option<String>,
    pub last: Option<String>,
    /// The last row's link (64 `0`s when there is no row)
    pub head: Chain,
    /// Lines of rows cut short (by a crash while they were written): no links, and skipped by
    /// every reader
    pub cut: Vec<u64>,
}

/// Checks every link of the chained log at `path`, in file order. An unchained log is an error:
/// it cannot be checked.
pub fn verify(path: &Path) -> Result<Checked> {
    let file = super::open_log(path)?;
    let open = || File::open(path).with_context(|| format!("cannot read log {}", path.display()));
    verify_from(file, open, path)
}

/// [`verify`] over any reader; `reopen` gives the same bytes again, read only to find the line
/// numbers of the rows reported.
pub fn verify_from<R: Read, S: Read>(
    input: R,
    reopen: impl FnMut() -> Result<S>,
    name: &Path,
) -> Result<Checked> {
    let failed = || format!("cannot read log {}", name.display());
    let mut rows = CsvRows::new(
        io::BufReader::with_capacity(256 * 1024, input),
        0,
        ROW_LIMIT,
    );
    let mut lines = LineFinder::new(reopen);
    let mut record = csv::ByteRecord::new();
    match rows.next(&mut record).with_context(failed)? {
        Next::Row => {
            let header = record.iter().collect::<Vec<_>>().join(&b","[..]);
            if check_first_line(&header, &[], name).map_err(anyhow::Error::msg)?
                == Layout::Unchained
            {
                bail!(
                    "{} is an unchained log (18 columns, written before codedrill chained its logs): it cannot be verified",
                    name.display()
                );
            }
        }
        Next::TooLong(_) | Next::End => bail!("{} is not a codedrill log", name.display()),
    }
    let mut previous = Chain::START;
    let mut summary = Summary {
        rows: 0,
        sessions: 0,
        first: None,
        last: None,
        head: Chain::START,
        cut: Vec::new(),
    };
    let mut sessions: HashSet<Vec<u8>> = HashSet::new();
    loop {
        let start = rows.position();
        match rows.next(&mut record).with_context(failed)? {
            Next::End => break,
            Next::TooLong(at) => summary.cut.push(lines.line_at(at).with_context(failed)?),
            Next::Row => {
                let mut fields: [&[u8]; 19] = [&[]; 19];
                let whole = record.len() == fields.len();
                for (slot, field) in fields.iter_mut().zip(record.iter()) {
                    *slot = field;
                }
                // A row the readers count (all its fields, a `chain` of 64 characters) must be a
                // link; any other they skip, as cut short.
                if !whole || fields[COLUMNS.len()].len() != 64 {
                    summary.cut.push(lines.line_at(start).with_context(failed)?);
                    continue;
                }
                let link = Chain::parse(fields[COLUMNS.len()]);
                let Some(link) = link.filter(|&l| previous.link(&fields[..COLUMNS.len()]) == l)
                else {
                    let line = lines.line_at(start).with_context(failed)?;
                    return Ok(Checked::Broken { line });
                };
                previous = link;
                summary.rows += 1;
                if !sessions.contains(fields[1]) {
                    sessions.insert(fields[1].to_vec());
                }
                let date = date_of(fields[0]);
                if summary
                    .first
                    .as_deref()
                    .is_none_or(|first| date < first.as_bytes())
                {
                    summary.first = Some(String::from_utf8_lossy(date).into_owned());
                }
                if summary
                    .last
                    .as_deref()
                    .is_none_or(|last| date > last.as_bytes())
                {
                    summary.last = Some(String::from_utf8_lossy(date).into_owned());
                }
            }
        }
    }
    summary.sessions = sessions.len() as u64;
    summary.head = previous;
    Ok(Checked::Whole(summary))
}

/// The local date a written timestamp starts with (`YYYY-MM-DD`: timestamps are never
/// guarded, starting with a digit).
fn date_of(timestamp: &[u8]) -> &[u8] {
    timestamp.get(..10).unwrap_or(timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_the_netstring_hash_of_the_fields() {
        // Recomputed by hand: sha256(b"0"*64 + b"1:a,0:,3:b,c,")
        let link = Chain::START.link(&["a", "", "b,c"]);
        let mut hasher = Sha256::new();
        hasher.update([b'0'; 64]);
        hasher.update(b"1:a,0:,3:b,c,");
        assert_eq!(link.0, <[u8; 32]>::from(hasher.finalize()));
        assert_ne!(link, Chain::START.link(&["a", "", "b", "c"]));
        assert_ne!(link, Chain::START.link(&["a,", "b,c"]));
    }

    #[test]
    fn links_read_back_only_as_64_lowercase_hex_digits() {
        let link = Chain::START.link(&["x"]);
        let text = link.to_string();
        assert_eq!(text.len(), 64);
        assert_eq!(Chain::parse(text.as_bytes()), Some(link));
        assert_eq!(Chain::parse(text.to_uppercase().as_bytes()), None);
        assert_eq!(Chain::parse(&text.as_bytes()[..63]), None);
        assert_eq!(Chain::parse(b""), None);
        assert_eq!(Chain::START.to_string(), "0".repeat(64));
    }

    #[test]
    fn decimals() {
        let mut buffer = [0; 20];
        assert_eq!(decimal(0, &mut buffer), b"0");
        assert_eq!(decimal(10, &mut buffer), b"10");
        assert_eq!(
            decimal(usize::MAX, &mut buffer),
            usize::MAX.to_string().as_bytes()
        );
    }
}
