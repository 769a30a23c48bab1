//! The official code sets: ICD-10-CM FY2026 and ICD-10-PCS (every section: Medical and
//! Surgical FY2025, the others FY2024), embedded as LZ4 chunks (see `build.rs` and
//! `codesets/README.md`), or either from a CMS order file given with `--codeset`.
//!
//! A chunk is text with one code a line, `CODE\tSTATUS\tDESCRIPTION`, sorted by code, so a
//! lookup is a binary search over line starts.

use std::cell::OnceCell;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result, bail};

use super::System;

use crate::embedded as data;
use crate::log::bounded::{self, ROW_LIMIT};

/// Whether a code can be billed (a complete code) or only groups others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Billable,
    Header,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Billable => "billable",
            Status::Header => "header",
        }
    }
}

/// One code of a code set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Dotless, upper case.
    pub code: String,
    pub status: Status,
    pub description: String,
}

/// Lines of one chunk, decompressed on first use.
struct Chunk {
    key: String,
    compressed: &'static [u8],
    lines: OnceCell<Lines>,
}

/// Sorted `CODE\tSTATUS\tDESCRIPTION` lines and where each starts.
struct Lines {
    text: String,
    starts: Vec<usize>,
    /// Each line's code packed into a `u64` ([`pack`]), in the same order: a binary search
    /// over this small array stays in cache, where one over the text would not.
    packed: Vec<u64>,
}

impl Lines {
    fn new(text: String) -> Lines {
        let mut starts = Vec::with_capacity(text.len() / 48);
        let mut packed = Vec::with_capacity(text.len() / 48);
        let mut at = 0;
        let bytes = text.as_bytes();
        for end in memchr::memchr_iter(b'\n', bytes).chain([text.len()]) {
            if !text[at..end].trim_end().is_empty() {
                starts.push(at);
                let line = &bytes[at..end];
                let code_end = line.iter().position(|&b| b == b'\t').unwrap_or(line.len());
                packed.push(pack(&line[..code_end]).unwrap_or(u64::MAX));
            }
            at = end + 1;
        }
        Lines {
            text,
            starts,
            packed,
        }
    }

    fn line(&self, index: usize) -> &str {
        let rest = &self.text[self.starts[index]..];
        rest.split('\n').next().unwrap_or(rest)
    }

    fn code_at(&self, index: usize) -> &str {
        let line = self.line(index);
        line.split('\t').next().unwrap_or(line)
    }

    fn find(&self, code: &str) -> Option<Entry> {
        parse_line(self.line(self.position(code)?))
    }

    /// The index of a code's line.
    fn position(&self, code: &str) -> Option<usize> {
        let key = pack(code.as_bytes())?;
        let index = self.packed.binary_search(&key).ok()?;
        let line = self.line(index);
        (line.split('\t').next() == Some(code)).then_some(index)
    }

    /// The status of a code, without building its entry.
    fn status(&self, code: &str) -> Option<Status> {
        let line = self.line(self.position(code)?);
        let status = line.split('\t').nth(1)?;
        match status {
            "billable" => Some(Status::Billable),
            "header" => Some(Status::Header),
            _ => None,
        }
    }

    /// Index range of the codes that start with `prefix`.
    fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let from = self.starts.partition_point(|&s| &self.text[s..] < prefix);
        let to = from
            + self.starts[from..]
                .partition_point(|&s| self.text[s..].starts_with(prefix) || prefix.is_empty());
        from..to
    }

    fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..self.starts.len()).filter_map(|index| parse_line(self.line(index)))
    }
}

/// A code of up to 8 bytes as a number that sorts as the code does (big-endian, zero-padded;
/// codes never hold a zero byte).
fn pack(code: &[u8]) -> Option<u64> {
    if code.len() > 8 || code.contains(&0) {
        return None;
    }
    let mut bytes = [0u8; 8];
    bytes[..code.len()].copy_from_slice(code);
    Some(u64::from_be_bytes(bytes))
}

/// Decompresses one chunk. The chunks were compressed by our own build script, so a failure
/// means a corrupted binary; an empty chunk keeps codedrill usable all the same.
fn decode(compressed: &[u8]) -> Lines {
    Lines::new(decode_text(compressed))
}

fn decode_text(compressed: &[u8]) -> String {
    let bytes = lz4_flex::decompress_size_prepended(compressed).unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Decompresses one chunk into a reused buffer.
fn decode_into<'b>(compressed: &[u8], buffer: &'b mut Vec<u8>) -> Option<&'b str> {
    let (size, rest) = lz4_flex::block::uncompressed_size(compressed).ok()?;
    if buffer.len() < size {
        buffer.resize(size, 0);
    }
    let written = lz4_flex::block::decompress_into(rest, &mut buffer[..size]).ok()?;
    std::str::from_utf8(&buffer[..written]).ok()
}

/// Where to split blocks so that each side has about half of the bytes.
fn half_by_size(blocks: &[&[u8]]) -> usize {
    let half = blocks.iter().map(|b| b.len()).sum::<usize>() / 2;
    let mut running = 0;
    blocks
        .iter()
        .position(|block| {
            running += block.len();
            running >= half
        })
        .map_or(blocks.len(), |at| at + 1)
}

/// Maps `work` over compressed blocks, about half of the bytes on a second thread; results
/// keep the blocks' order.
fn on_two_threads<T: Send>(
    blocks: &[&'static [u8]],
    work: impl Fn(&'static [u8]) -> Vec<T> + Sync,
) -> Vec<T> {
    let (mine, theirs) = blocks.split_at(half_by_size(blocks));
    let run = |part: &[&'static [u8]]| -> Vec<T> { part.iter().flat_map(|b| work(b)).collect() };
    std::thread::scope(|scope| {
        let other = scope.spawn(|| run(theirs));
        let mut all = run(mine);
        // A panic on the other thread would be a bug; its blocks are then simply missing.
        all.extend(other.join().unwrap_or_default());
        all
    })
}

/// Parses one `CODE\tSTATUS\tDESCRIPTION` line.
pub(crate) fn parse_line(line: &str) -> Option<Entry> {
    let mut fields = line.splitn(3, '\t');
    let code = fields.next()?.to_string();
    let status = match fields.next()? {
        "billable" => Status::Billable,
        "header" => Status::Header,
        _ => return None,
    };
    let description = fields.next().unwrap_or("").trim_end().to_string();
    Some(Entry {
        code,
        status,
        description,
    })
}

/// One code set: chunks keyed by the first characters of their codes.
pub struct CodeSet {
    chunks: Vec<Chunk>,
    /// Set when the codes come from a file rather than the binary.
    loaded: Option<Lines>,
}

impl CodeSet {
    fn embedded(chunks: &'static [(&'static str, &'static [u8])]) -> CodeSet {
        CodeSet {
            chunks: chunks
                .iter()
                .map(|(key, compressed)| Chunk {
                    key: key.to_string(),
                    compressed,
                    lines: OnceCell::new(),
                })
                .collect(),
            loaded: None,
        }
    }

    fn from_lines(lines: Lines) -> CodeSet {
        CodeSet {
            chunks: Vec::new(),
            loaded: Some(lines),
        }
    }

    fn chunk_lines(chunk: &Chunk) -> &Lines {
        chunk.lines.get_or_init(|| decode(chunk.compressed))
    }

    /// Decompresses every chunk not yet in use, half of them on a second thread: a scan of
    /// the whole set (search, `--all`, generated drills) then waits half as long.
    fn load_all(&self) {
        let missing: Vec<&Chunk> = self
            .chunks
            .iter()
            .filter(|c| c.lines.get().is_none())
            .collect();
        if missing.len() < 2 {
            return;
        }
        let blocks: Vec<&'static [u8]> = missing.iter().map(|c| c.compressed).collect();
        let decoded = on_two_threads(&blocks, |block| vec![decode(block)]);
        for (chunk, lines) in missing.into_iter().zip(decoded) {
            let _ = chunk.lines.set(lines);
        }
    }

    /// Runs `scan` over the text of every chunk, on two threads, without building or keeping
    /// the line index (a one-off scan such as `--search` needs only the text). Each thread
    /// decompresses into one reused buffer and lends `scan` one reused scratch buffer.
    pub fn scan_texts<T: Send>(
        &self,
        scan: impl Fn(&str, &mut Vec<u8>) -> Vec<T> + Sync,
    ) -> Vec<T> {
        let mut scratch = Vec::new();
        let mut found: Vec<T> = match &self.loaded {
            Some(lines) => scan(&lines.text, &mut scratch),
            None => Vec::new(),
        };
        let blocks: Vec<&'static [u8]> = self.chunks.iter().map(|c| c.compressed).collect();
        let (mine, theirs) = blocks.split_at(half_by_size(&blocks));
        let run = |part: &[&'static [u8]]| -> Vec<T> {
            let (mut text, mut scratch, mut out) = (Vec::new(), Vec::new(), Vec::new());
            for block in part {
                if let Some(text) = decode_into(block, &mut text) {
                    out.extend(scan(text, &mut scratch));
                }
            }
            out
        };
        std::thread::scope(|scope| {
            let other = scope.spawn(|| run(theirs));
            found.extend(run(mine));
            found.extend(other.join().unwrap_or_default());
        });
        found
    }

    /// The chunks that may hold codes starting with `prefix`.
    fn parts_for<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a Lines> + 'a {
        if prefix.is_empty() {
            self.load_all();
        }
        let loaded = self.loaded.iter();
        let chunks = self.chunks[self.chunk_range(prefix)]
            .iter()
            .map(CodeSet::chunk_lines);
        loaded.chain(chunks)
    }

    /// The chunks whose codes may start with `prefix`: chunks are sorted by key, and every
    /// key has the same length (`build.rs`), so this is a binary search.
    fn chunk_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let key_len = self.chunks.first().map_or(0, |c| c.key.len());
        let key = prefix.get(..key_len.min(prefix.len())).unwrap_or("");
        let from = self.chunks.partition_point(|c| c.key.as_str() < key);
        let to = from + self.chunks[from..].partition_point(|c| c.key.starts_with(key));
        from..to
    }

    /// Whether the set holds any code at all.
    pub fn is_empty(&self) -> bool {
        self.loaded.as_ref().is_none_or(|l| l.starts.is_empty()) && self.chunks.is_empty()
    }

    /// The entry of a dotless, upper-case code.
    pub fn get(&self, code: &str) -> Option<Entry> {
        if code.is_empty() {
            return None;
        }
        self.parts_for(code).find_map(|lines| lines.find(code))
    }

    /// The status of a dotless, upper-case code; `None` when the set does not hold it.
    pub fn status(&self, code: &str) -> Option<Status> {
        if code.is_empty() {
            return None;
        }
        self.parts_for(code).find_map(|lines| lines.status(code))
    }

    /// Whether some code starts with `prefix`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.parts_for(prefix)
            .any(|lines| !lines.prefix_range(prefix).is_empty())
    }

    /// Visits every code and its raw line without building entries (for fast scans).
    pub fn for_each_line(&self, mut visit: impl FnMut(&str)) {
        for lines in self.parts_for("") {
            for index in 0..lines.starts.len() {
                visit(lines.line(index));
            }
        }
    }

    /// Codes that start with `prefix` only, for candidate generation.
    pub fn codes_with_prefix(&self, prefix: &str, mut visit: impl FnMut(&str)) {
        for lines in self.parts_for(prefix) {
            for index in lines.prefix_range(prefix) {
                visit(lines.code_at(index));
            }
        }
    }

    /// Number of billable codes.
    pub fn billable_count(&self) -> usize {
        let mut count = 0;
        self.for_each_line(|line| {
            if line.split('\t').nth(1) == Some("billable") {
                count += 1;
            }
        });
        count
    }

    /// Every entry, parsed (used by tests and `--all`).
    pub fn entries(&self) -> Vec<Entry> {
        self.parts_for("").flat_map(Lines::entries).collect()
    }
}

/// The code sets a session uses.
pub struct CodeSets {
    pub icd10cm: CodeSet,
    pub icd10pcs: CodeSet,
}

impl CodeSets {
    /// The sets compiled into the binary.
    pub fn embedded() -> CodeSets {
        CodeSets {
            icd10cm: CodeSet::embedded(data::ICD10CM),
            icd10pcs: CodeSet::embedded(data::ICD10PCS),
        }
    }

    /// The embedded sets, with the set of the order file's system (ICD-10-CM or ICD-10-PCS,
    /// told by its content) replaced by it when one is given.
    pub fn load(codeset: Option<&Path>) -> Result<CodeSets> {
        let mut sets = CodeSets::embedded();
        if let Some(path) = codeset {
            let (system, set) = load_order_file_of_either(path)?;
            match system {
                System::Icd10pcs => sets.icd10pcs = set,
                _ => sets.icd10cm = set,
            }
        }
        Ok(sets)
    }

    /// The set of a system, when codedrill has one.
    pub fn set(&self, system: System) -> Option<&CodeSet> {
        match system {
            System::Icd10cm => Some(&self.icd10cm),
            System::Icd10pcs => Some(&self.icd10pcs),
            _ => None,
        }
    }

    /// The entry of a normalised code, or `None` when absent or the system has no set.
    pub fn get(&self, system: System, code: &str) -> Option<Entry> {
        self.set(system.of_code(code))?.get(code)
    }
}

/// ICD-10-CM chapters: (number, first category, last category, title).
pub fn icd10cm_chapters() -> Vec<(String, String, String, String)> {
    data::ICD10CM_CHAPTERS
        .lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            Some((
                f.next()?.to_string(),
                f.next()?.to_string(),
                f.next()?.to_string(),
                f.next()?.to_string(),
            ))
        })
        .collect()
}

/// The chapter title of an ICD-10-CM code.
pub fn icd10cm_chapter_of(code: &str) -> Option<String> {
    let category: String = code.chars().take(3).collect();
    icd10cm_chapters()
        .into_iter()
        .find(|(_, first, last, _)| {
            first.as_str() <= category.as_str() && category.as_str() <= last.as_str()
        })
        .map(|(_, _, _, title)| title)
}

/// The body system name of a PCS code (its first two characters): the name alone in the
/// Medical and Surgical section (`Gastrointestinal System`), with its section's title
/// elsewhere (`Imaging: Anatomical Regions`; `Mental Health` where the body system is None).
pub fn icd10pcs_body_system_of(code: &str) -> Option<String> {
    let name = super::pcs::body_system(code)?;
    let section = super::pcs::section_of(code)?;
    Some(match (section.value, name) {
        ('0', _) => name.to_string(),
        (_, "None") => section.title.to_string(),
        _ => format!("{}: {name}", section.title),
    })
}

/// Reads a CMS ICD-10-CM order file (`icd10cm_order_YYYY.txt`): fixed width, order number
/// (5), code without dot (7), billable flag, short title (60), long title.
pub fn load_order_file(path: &Path) -> Result<CodeSet> {
    let (system, set) = load_order_file_of_either(path)?;
    if system != System::Icd10cm {
        bail!(
            "{} is an ICD-10-PCS order file, not an ICD-10-CM one",
            path.display()
        );
    }
    Ok(set)
}

/// Reads a CMS order file of either system, `icd10cm_order_YYYY.txt` or
/// `icd10pcs_order_YYYY.txt` (the same fixed-width layout), and says which it is: ICD-10-PCS
/// when most of its codes can only be PCS codes (led by a digit, as every Medical and Surgical
/// code is, or not shaped like an ICD-10-CM code at all), else ICD-10-CM.
pub fn load_order_file_of_either(path: &Path) -> Result<(System, CodeSet)> {
    let read_error = || format!("cannot read code set {}", path.display());
    let meta = fs::metadata(path).with_context(read_error)?;
    // A device, FIFO or socket could block, or never end: refused before reading.
    if meta.is_dir() {
        bail!("code set {} is a folder, not a file", path.display());
    }
    if !meta.is_file() {
        bail!(
            "code set {} is not a regular file (a device, FIFO or socket)",
            path.display()
        );
    }
    let file = File::open(path).with_context(read_error)?;
    let (system, set) = read_order_file(BufReader::new(file), path, ROW_LIMIT)?;
    remember_order_file(path, system);
    Ok((system, set))
}

/// The order files read so far and the system each replaced, for naming the release graded
/// against.
fn order_files() -> &'static Mutex<Vec<(PathBuf, System)>> {
    static READ: OnceLock<Mutex<Vec<(PathBuf, System)>>> = OnceLock::new();
    READ.get_or_init(Mutex::default)
}

fn remember_order_file(path: &Path, system: System) {
    // A poisoned lock only means another thread panicked mid-push: the list is still sound.
    let mut read = order_files()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !read.iter().any(|(p, _)| p == path) {
        read.push((path.to_path_buf(), system));
    }
}

/// The system of the order file at `path`: as it was read, or read now to find out.
pub fn order_file_system(path: &Path) -> Option<System> {
    let known = order_files()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, system)| *system);
    known.or_else(|| {
        load_order_file_of_either(path)
            .ok()
            .map(|(system, _)| system)
    })
}

/// Malformed lines listed in an error; the rest are counted.
const PROBLEMS_SHOWN: usize = 20;

/// The malformed lines of a code set: the first [`PROBLEMS_SHOWN`] listed, all counted.
#[derive(Debug, Default)]
struct Malformed {
    /// (line, message), in the order found
    listed: Vec<(usize, String)>,
    count: usize,
}

impl Malformed {
    fn add(&mut self, path: &Path, number: usize, message: &str) {
        self.count += 1;
        if self.listed.len() < PROBLEMS_SHOWN {
            self.listed
                .push((number, format!("{}:{number}: {message}", path.display())));
        }
    }

    /// Adds the lines another pass over the file found: the first ones of both, by line.
    fn merge(&mut self, other: Malformed) {
        self.count += other.count;
        self.listed.extend(other.listed);
        self.listed.sort_by_key(|(number, _)| *number);
        self.listed.truncate(PROBLEMS_SHOWN);
    }

    /// Every line listed, then how many there are when some were left out.
    fn check(self, path: &Path) -> Result<()> {
        let mut listed: Vec<String> = self.listed.into_iter().map(|(_, line)| line).collect();
        if self.count > PROBLEMS_SHOWN {
            listed.push(format!(
                "{}: {} malformed lines in all ({PROBLEMS_SHOWN} shown)",
                path.display(),
                self.count
            ));
        }
        if !listed.is_empty() {
            bail!("code set file is malformed:\n{}", listed.join("\n"));
        }
        Ok(())
    }
}

/// One line of an order file in its layout, before its code is checked against a system.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OrderLine {
    number: usize,
    code: String,
    billable: bool,
    description: String,
}

/// [`load_order_file_of_either`] over a reader, lines of at most `limit` bytes.
fn read_order_file(mut input: impl BufRead, path: &Path, limit: u64) -> Result<(System, CodeSet)> {
    let read_error = || format!("cannot read code set {}", path.display());
    let mut lines: Vec<OrderLine> = Vec::new();
    let mut malformed = Malformed::default();
    let mut line = Vec::new();
    let mut number = 0;
    while let Some(whole) =
        read_line_within(&mut input, &mut line, limit).with_context(read_error)?
    {
        number += 1;
        let text = String::from_utf8_lossy(&line);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        if whole && text.trim().is_empty() {
            continue;
        }
        let parsed = if whole {
            parse_order_line(text, number)
        } else {
            Err(bounded::too_long(limit))
        };
        match parsed {
            Ok(row) => lines.push(row),
            // Said without quoting the line: the file may be anything, a link to a secret one
            // say.
            Err(_) if lines.is_empty() && malformed.count == 0 => bail!(
                "{} is not a CMS order file (its first line is not in the order-file layout: \
                 order number, code, billable flag 0 or 1, short and long titles)",
                path.display()
            ),
            Err(message) => malformed.add(path, number, &message),
        }
    }
    let system = order_file_system_of(&lines);
    let mut rows: Vec<Row> = Vec::with_capacity(lines.len());
    let mut wrong_codes = Malformed::default();
    for line in lines {
        match check_order_code(system, line) {
            Ok(Some(row)) => rows.push(row),
            Ok(None) => {}
            Err((number, message)) => wrong_codes.add(path, number, &message),
        }
    }
    malformed.merge(wrong_codes);
    malformed.check(path)?;
    if rows.is_empty() {
        bail!("{}: code set file has no codes", path.display());
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = String::with_capacity(rows.len() * 64);
    for (code, status, description) in rows {
        text.push_str(&format!("{code}\t{status}\t{description}\n"));
    }
    Ok((system, CodeSet::from_lines(Lines::new(text))))
}

/// ICD-10-PCS when more codes can only be PCS codes than can be ICD-10-CM codes.
fn order_file_system_of(lines: &[OrderLine]) -> System {
    let only_pcs = |code: &str| {
        super::is_well_formed(System::Icd10pcs, code)
            && (code.starts_with(|c: char| c.is_ascii_digit())
                || !super::is_well_formed(System::Icd10cm, code))
    };
    let pcs = lines.iter().filter(|l| only_pcs(&l.code)).count();
    let cm = lines
        .iter()
        .filter(|l| super::is_well_formed(System::Icd10cm, &l.code) && !only_pcs(&l.code))
        .count();
    if pcs > cm {
        System::Icd10pcs
    } else {
        System::Icd10cm
    }
}

/// A row of a set being built: code, status, description.
type Row = (String, &'static str, String);

/// The row a line adds to the set of `system`: `None` for a PCS table heading (flag 0: the
/// embedded PCS sets hold only complete codes), an error `(line, message)` for a code that is
/// not of the system's shape.
fn check_order_code(
    system: System,
    line: OrderLine,
) -> std::result::Result<Option<Row>, (usize, String)> {
    let malformed = |what: &str| {
        Err((
            line.number,
            format!("code `{}` is not a well-formed {what}", line.code),
        ))
    };
    match (system, line.billable) {
        (System::Icd10pcs, true) if !super::is_well_formed(System::Icd10pcs, &line.code) => {
            malformed("ICD-10-PCS code (7 characters, digits and letters but I and O)")
        }
        (System::Icd10pcs, false) => {
            let heading = (1..=7).contains(&line.code.len())
                && super::is_well_formed(System::Icd10pcs, &format!("{:0<7}", line.code));
            if heading {
                Ok(None)
            } else {
                malformed("ICD-10-PCS table heading")
            }
        }
        (System::Icd10pcs, true) => Ok(Some((line.code, "billable", line.description))),
        (_, _) if !super::is_well_formed(System::Icd10cm, &line.code) => {
            malformed("ICD-10-CM code")
        }
        (_, billable) => {
            let status = if billable { "billable" } else { "header" };
            Ok(Some((line.code, status, line.description)))
        }
    }
}

/// Reads one line (without its `\n`) into `line`: `Some(true)` when whole, `Some(false)` when
/// longer than `limit` bytes (the rest read through, not kept), `None` at the end.
fn read_line_within(
    input: &mut impl BufRead,
    line: &mut Vec<u8>,
    limit: u64,
) -> io::Result<Option<bool>> {
    line.clear();
    let (mut any, mut whole) = (false, true);
    loop {
        let bytes = input.fill_buf()?;
        if bytes.is_empty() {
            return Ok(any.then_some(whole));
        }
        any = true;
        let (content, used) = match memchr::memchr(b'\n', bytes) {
            Some(at) => (&bytes[..at], at + 1),
            None => (bytes, bytes.len()),
        };
        if whole && (line.len() + content.len()) as u64 > limit {
            whole = false;
            line.clear();
        }
        if whole {
            line.extend_from_slice(content);
        }
        let ended = used > content.len();
        input.consume(used);
        if ended {
            return Ok(Some(whole));
        }
    }
}

/// One line in the order-file layout: order number (5), code (7), billable flag (`0`/`1`),
/// short title (60), long title; the long title is the description (the short one when there
/// is no long one).
fn parse_order_line(line: &str, number: usize) -> std::result::Result<OrderLine, String> {
    let chars: Vec<char> = line.chars().collect();
    let field = |from: usize, to: usize| -> String {
        chars
            .get(from..to.min(chars.len()))
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    };
    if chars.len() < 17 {
        return Err(format!(
            "line too short for the order-file layout ({} characters)",
            chars.len()
        ));
    }
    let order = field(0, 5);
    if !order.trim().chars().all(|c| c.is_ascii_digit()) || order.trim().is_empty() {
        return Err(format!("order number `{}` is not a number", order.trim()));
    }
    let code = field(6, 13).trim().to_ascii_uppercase();
    if code.is_empty() || !code.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("code `{code}` is not a code"));
    }
    let billable = match field(14, 15).as_str() {
        "1" => true,
        "0" => false,
        other => return Err(format!("billable flag `{other}` is not 0 or 1")),
    };
    let long = field(77, chars.len()).trim().to_string();
    let description = if long.is_empty() {
        field(16, 76).trim().to_string()
    } else {
        long
    };
    if description.is_empty() {
        return Err("title is empty".to_string());
    }
    Ok(OrderLine {
        number,
        code,
        billable,
        description: description.replace('\t', " "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lines {
        Lines::new("E11\theader\tType 2 diabetes mellitus\nE119\tbillable\tType 2 diabetes mellitus without complications\nI10\tbillable\tEssential (primary) hypertension\n".to_string())
    }

    #[test]
    fn finds_codes_by_binary_search() {
        let lines = sample();
        assert_eq!(lines.find("E119").map(|e| e.status), Some(Status::Billable));
        assert_eq!(lines.find("E11").map(|e| e.status), Some(Status::Header));
        assert!(lines.find("E118").is_none());
        assert_eq!(lines.prefix_range("E11"), 0..2);
        assert_eq!(lines.prefix_range("I"), 2..3);
        assert_eq!(lines.prefix_range("Z"), 3..3);
    }

    #[test]
    fn prefixes_shorter_and_longer_than_chunk_keys_find_their_codes() {
        let sets = CodeSets::embedded();
        let with_prefix = |prefix: &str| {
            let mut codes = Vec::new();
            sets.icd10cm
                .codes_with_prefix(prefix, |code| codes.push(code.to_string()));
            codes
        };
        let e_codes = with_prefix("E");
        assert!(e_codes.len() > 1000 && e_codes.iter().all(|c| c.starts_with('E')));
        assert!(e_codes.iter().any(|c| c == "E119"));
        let e11 = with_prefix("E11");
        assert!(e11.iter().all(|c| c.starts_with("E11")) && e11.len() > 50);
        assert_eq!(with_prefix("").len(), sets.icd10cm.entries().len());
        assert!(with_prefix("Z99Z").is_empty());
        assert_eq!(sets.icd10pcs.status("0DT44ZZ"), Some(Status::Billable));
        assert_eq!(sets.icd10cm.status("E11"), Some(Status::Header));
        assert_eq!(sets.icd10cm.status("E1199"), None);
    }

    fn order_line(order: u32, code: &str, title: &str) -> String {
        format!("{order:05} {code:<7} 1 {title:<60} {title}\n")
    }

    fn read_order_text(text: &str, limit: u64) -> Result<CodeSet> {
        read_order_file(text.as_bytes(), Path::new("o.txt"), limit).map(|(_, set)| set)
    }

    fn pcs_line(order: u32, code: &str, flag: u8, title: &str) -> String {
        format!("{order:05} {code:<7} {flag} {title:<60} {title}\n")
    }

    #[test]
    fn a_pcs_order_file_is_told_by_its_codes() {
        let text = [
            pcs_line(1, "0DT", 0, "Gastrointestinal System, Resection"),
            pcs_line(
                2,
                "0DTJ4ZZ",
                1,
                "Resection of Appendix, Percutaneous Endoscopic Approach",
            ),
            pcs_line(3, "BW03ZZZ", 1, "Plain Radiography of Chest"),
            // Shaped like ICD-10-CM too (B03.0ZZZ would be one), but in a PCS file.
            pcs_line(4, "B030ZZZ", 1, "Plain Radiography of Cisterna"),
        ]
        .concat();
        let (system, set) = read_order_file(text.as_bytes(), Path::new("p.txt"), 4096).unwrap();
        assert_eq!(system, System::Icd10pcs);
        assert_eq!(set.status("0DTJ4ZZ"), Some(Status::Billable));
        assert_eq!(set.status("B030ZZZ"), Some(Status::Billable));
        // Table headings are not codes.
        assert_eq!(set.status("0DT"), None);
        assert_eq!(set.entries().len(), 3);
        let cm = [
            order_line(1, "E119", "Diabetes"),
            order_line(2, "I10", "Hypertension"),
        ]
        .concat();
        let (system, _) = read_order_file(cm.as_bytes(), Path::new("c.txt"), 4096).unwrap();
        assert_eq!(system, System::Icd10cm);
    }

    #[test]
    fn a_malformed_pcs_line_is_named_by_file_and_line() {
        let text = [
            pcs_line(
                1,
                "0DTJ4ZZ",
                1,
                "Resection of Appendix, Percutaneous Endoscopic Approach",
            ),
            pcs_line(2, "0DTJ4Z", 1, "Six characters"),
            pcs_line(
                3,
                "0DTJ4ZZ",
                1,
                "Resection of Appendix, Percutaneous Endoscopic Approach",
            )
            .replacen(" 1 ", " 7 ", 1),
            pcs_line(4, "0DTJ0ZZ", 1, "Resection of Appendix, Open Approach"),
            pcs_line(5, "0DTJOZZ", 1, "A letter O"),
        ]
        .concat();
        let message = read_order_file(text.as_bytes(), Path::new("p.txt"), 4096)
            .err()
            .unwrap()
            .to_string();
        assert_eq!(
            message,
            "code set file is malformed:\n\
             p.txt:2: code `0DTJ4Z` is not a well-formed ICD-10-PCS code (7 characters, digits and letters but I and O)\n\
             p.txt:3: billable flag `7` is not 0 or 1\n\
             p.txt:5: code `0DTJOZZ` is not a well-formed ICD-10-PCS code (7 characters, digits and letters but I and O)"
        );
    }

    #[test]
    fn a_line_longer_than_the_limit_is_malformed() {
        let text = format!(
            "{}{}\n{}",
            order_line(1, "E119", "Diabetes"),
            "9".repeat(5000),
            order_line(2, "I10", "Hypertension")
        );
        let message = read_order_text(&text, 4096).err().unwrap().to_string();
        assert_eq!(
            message,
            "code set file is malformed:\no.txt:2: row longer than 4096 bytes"
        );
        let good = format!("\n{}", order_line(1, "E119", "Diabetes"));
        let set = read_order_text(&good, 4096).unwrap();
        assert_eq!(set.status("E119"), Some(Status::Billable));
    }

    #[test]
    fn a_file_that_is_not_an_order_file_is_not_quoted() {
        let message = read_order_text("root:x:0:0:secret\n", 4096)
            .err()
            .unwrap()
            .to_string();
        assert!(
            message.starts_with("o.txt is not a CMS order file ("),
            "{message}"
        );
        assert!(!message.contains("root"), "{message}");
        let long = read_order_text(&"0".repeat(5000), 4096)
            .err()
            .unwrap()
            .to_string();
        assert!(
            long.starts_with("o.txt is not a CMS order file ("),
            "{long}"
        );
    }

    #[test]
    fn malformed_lines_are_listed_up_to_a_count() {
        let mut text = order_line(1, "E119", "Diabetes");
        for _ in 0..25 {
            text.push_str("00002 E11.9\n");
        }
        let message = read_order_text(&text, 4096).err().unwrap().to_string();
        assert_eq!(message.lines().count(), 1 + PROBLEMS_SHOWN + 1, "{message}");
        assert!(
            message.ends_with("o.txt: 25 malformed lines in all (20 shown)"),
            "{message}"
        );
    }

    #[test]
    fn reads_lines_within_a_limit() {
        let mut input = &b"ab\r\ncdefgh\nij"[..];
        let mut line = Vec::new();
        let mut read = || read_line_within(&mut input, &mut line, 4).unwrap();
        assert_eq!(read(), Some(true));
        assert_eq!(read(), Some(false));
        assert_eq!(read(), Some(true));
        assert_eq!(read(), None);
    }

    #[test]
    fn parses_order_lines() {
        let line = format!(
            "{:05} {:<7} {} {:<60} {}",
            1,
            "E119",
            1,
            "Type 2 diabetes mellitus without complications",
            "Type 2 diabetes mellitus without complications"
        );
        let parsed = parse_order_line(&line, 1).unwrap();
        assert_eq!((parsed.code.as_str(), parsed.billable), ("E119", true));
        assert_eq!(
            parsed.description,
            "Type 2 diabetes mellitus without complications"
        );
        assert!(parse_order_line("00001 E119", 1).is_err());
        let bad_flag = line.replacen(" 1 ", " x ", 1);
        assert!(
            parse_order_line(&bad_flag, 1)
                .unwrap_err()
                .contains("billable flag")
        );
    }
}
