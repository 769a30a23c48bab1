//! A bound on one row for the readers of CSV files (logs and decks): a row longer than the
//! bound is skipped by reading through it without keeping it, so memory stays bounded and time
//! linear whatever a file holds (a line with no line break, a sparse file, NUL bytes).
//!
//! Each of the two CSV readers gets its bound its own way:
//! - `simd-csv` keeps a whole row in its buffer. [`Fenced`] hands it bytes only up to a
//!   [`Fence`] that the log reader moves on before each row, and notes when it held bytes back;
//!   the log reader then reads the rest of the span with the `csv` crate, as after a stray quote.
//! - the `csv` crate reads through [`RowBound`], which follows rows by the csv crate's own rule
//!   ([`RowEnds`]) and holds back the bytes of a row past the bound; [`CsvRows`] reports that
//!   row, skips the rest of it and reads on from the next.

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::ops::ControlFlow::{self, Break, Continue};

/// The longest row read, in bytes (its line break not counted): far more than any row
/// codedrill writes (an answer is kept to 256 characters) or any deck item needs.
pub const ROW_LIMIT: u64 = 1 << 20;

/// The message for a row longer than `limit` bytes.
pub fn too_long(limit: u64) -> String {
    const MIB: u64 = 1 << 20;
    if limit.is_multiple_of(MIB) {
        format!("row longer than {} MiB", limit / MIB)
    } else {
        format!("row longer than {limit} bytes")
    }
}

/// How far a [`Fenced`] reader may hand out bytes, and whether it held some back.
#[derive(Debug, Default)]
pub struct Fence {
    until: Cell<u64>,
    reached: Cell<bool>,
}

impl Fence {
    /// Lets bytes up to `until` (counted from the reader's first byte) be handed out.
    pub fn move_to(&self, until: u64) {
        self.until.set(until);
    }

    /// Whether a read was refused at the fence: the row being read did not end before it.
    pub fn was_reached(&self) -> bool {
        self.reached.get()
    }
}

/// A reader that hands out bytes only up to its [`Fence`]; past it, it reports the end of the
/// input, so a reader that keeps whole rows keeps at most the bytes up to the fence.
pub struct Fenced<'f, R> {
    input: R,
    handed: u64,
    fence: &'f Fence,
}

impl<'f, R> Fenced<'f, R> {
    pub fn new(input: R, fence: &'f Fence) -> Self {
        Fenced {
            input,
            handed: 0,
            fence,
        }
    }
}

impl<R: Read> Read for Fenced<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = self.fence.until.get().saturating_sub(self.handed);
        if room == 0 && !buf.is_empty() {
            self.fence.reached.set(true);
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let read = self.input.read(&mut buf[..want])?;
        self.handed += read as u64;
        Ok(read)
    }
}

fn is_break(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// Where the csv crate is in its reading, as far as finding rows' ends needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Place {
    /// Between rows, where line breaks make blank lines
    #[default]
    Between,
    /// At a field's first byte
    FieldStart,
    /// In a field that does not start with a quote
    Unquoted,
    /// In a quoted field
    Quoted,
    /// Right after a quote in a quoted field: it closes the field unless another follows
    AfterQuote,
}

/// Finds where rows end by the csv crate's rule (RFC 4180 with CR, LF or CRLF ending a row):
/// line breaks between rows are blank lines; a quote opens a quoted field only as the field's
/// first byte (elsewhere it is a character, as in a spreadsheet); in a quoted field a line
/// break is a character and two quotes are one.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowEnds {
    place: Place,
}

impl RowEnds {
    /// Whether a row has begun and not ended yet.
    pub fn in_row(&self) -> bool {
        self.place != Place::Between
    }

    /// Between rows, skips the line breaks at the start of `bytes` and returns how many there
    /// are; a row begins at the first other byte. In a row, skips nothing.
    pub fn skip_blank(&mut self, bytes: &[u8]) -> usize {
        if self.in_row() {
            return 0;
        }
        let blank = bytes.iter().take_while(|&&byte| is_break(byte)).count();
        if blank < bytes.len() {
            self.place = Place::FieldStart;
        }
        blank
    }

    /// Reads on through `bytes` until the row being read (or the next one, between rows) ends:
    /// returns the index just past its line break, or `None` when it goes on past `bytes`.
    pub fn find_end(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut at = 0;
        // The next line break at or after `at` (or the end), found once for many fields.
        let mut line_end = None;
        while at < bytes.len() {
            let step = match self.place {
                Place::Between => Continue(at + self.skip_blank(&bytes[at..])),
                Place::FieldStart | Place::Unquoted => self.unquoted(bytes, at, &mut line_end),
                Place::Quoted => self.quoted(bytes, at),
                Place::AfterQuote => self.after_quote(bytes, at),
            };
            match step {
                Continue(next) => at = next,
                Break(end) => return Some(end),
            }
        }
        None
    }

    /// In an unquoted field (or at a field's start) at `bytes[at]`: only a quote opening a
    /// field, or a line break ending the row, changes anything.
    fn unquoted(
        &mut self,
        bytes: &[u8],
        at: usize,
        line_end: &mut Option<usize>,
    ) -> ControlFlow<usize, usize> {
        if self.place == Place::FieldStart && bytes[at] == b'"' {
            self.place = Place::Quoted;
            return Continue(at + 1);
        }
        let break_at = match *line_end {
            Some(end) if end >= at => end,
            _ => {
                let found = memchr::memchr2(b'\r', b'\n', &bytes[at..]);
                *line_end.insert(found.map_or(bytes.len(), |offset| at + offset))
            }
        };
        let fields = &bytes[at..break_at];
        if let Some(comma) = comma_quote(fields) {
            self.place = Place::Quoted;
            Continue(at + comma + 2)
        } else if break_at < bytes.len() {
            self.place = Place::Between;
            Break(break_at + 1)
        } else {
            // A comma last: the next bytes start a field.
            self.place = match fields.last() {
                Some(b',') => Place::FieldStart,
                _ => Place::Unquoted,
            };
            Continue(bytes.len())
        }
    }

    /// In a quoted field at `bytes[at]`: only a quote changes anything.
    fn quoted(&mut self, bytes: &[u8], at: usize) -> ControlFlow<usize, usize> {
        match memchr::memchr(b'"', &bytes[at..]) {
            Some(offset) => {
                self.place = Place::AfterQuote;
                Continue(at + offset + 1)
            }
            None => Continue(bytes.len()),
        }
    }

    /// Right after a quote in a quoted field, at `bytes[at]`.
    fn after_quote(&mut self, bytes: &[u8], at: usize) -> ControlFlow<usize, usize> {
        match bytes[at] {
            b'"' => self.place = Place::Quoted,
            b',' => self.place = Place::FieldStart,
            byte if is_break(byte) => {
                self.place = Place::Between;
                return Break(at + 1);
            }
            // As the csv crate reads `"a"b`: the field goes on, unquoted.
            _ => self.place = Place::Unquoted,
        }
        Continue(at + 1)
    }
}

/// Where a comma followed by a quote (a quoted field's start) is in `bytes`. Quotes are rare
/// in unquoted fields, so they are what is looked for.
fn comma_quote(bytes: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'"', bytes)
        .find(|&quote| quote > 0 && bytes[quote - 1] == b',')
        .map(|quote| quote - 1)
}

/// Follows rows through the bytes a [`RowBound`] hands out, to find a row growing too long.
#[derive(Debug)]
struct Lengths {
    ends: RowEnds,
    limit: u64,
    /// Where the row being read began (its first byte, blank lines before it not counted)
    row_start: u64,
}

impl Lengths {
    /// How many of `bytes` (byte `offset` of the file onwards) may be handed out: `Ok` all of
    /// them, or `Err(n)` when a row grows past the limit, the `n`-th byte being its first byte
    /// past it.
    fn passable(&mut self, bytes: &[u8], offset: u64) -> Result<usize, usize> {
        let mut at = 0;
        while at < bytes.len() {
            if !self.ends.in_row() {
                at += self.ends.skip_blank(&bytes[at..]);
                self.row_start = offset + at as u64;
                continue;
            }
            // The row may hold `limit` bytes: the byte after them must end it. Rows are
            // followed to here only, so `room` never goes below zero.
            let room = self.row_start + self.limit - (offset + at as u64);
            let window_len = usize::try_from(room).map_or(usize::MAX, |r| r.saturating_add(1));
            let window = &bytes[at..bytes.len().min(at.saturating_add(window_len))];
            match self.ends.find_end(window) {
                Some(end) => at += end,
                None if window.len() as u64 > room => return Err(at + window.len()),
                None => at += window.len(),
            }
        }
        Ok(bytes.len())
    }
}

/// A reader for the csv crate that holds back the bytes of a row longer than a limit: the csv
/// crate gets the row's first `limit + 1` bytes and then the end of its input, and
/// [`RowBound::skip_long_row`] reads on to the row's end.
pub struct RowBound<R> {
    input: R,
    lengths: Lengths,
    /// Bytes taken from `input`, counted from the start of the file
    offset: u64,
    /// The start of a row found too long, until it is skipped
    long_row: Option<u64>,
}

impl<R: BufRead> RowBound<R> {
    /// Reads `input`, which starts between rows at byte `start` of its file.
    pub fn new(input: R, start: u64, limit: u64) -> Self {
        RowBound {
            input,
            lengths: Lengths {
                ends: RowEnds::default(),
                limit,
                row_start: start,
            },
            offset: start,
            long_row: None,
        }
    }

    /// Where the row found too long starts, until it is skipped.
    pub fn long_row(&self) -> Option<u64> {
        self.long_row
    }

    /// Reads through the rest of the row found too long; returns where the next row's reading
    /// starts (the end of the input, if the row runs to it).
    pub fn skip_long_row(&mut self) -> io::Result<u64> {
        while self.long_row.is_some() {
            let bytes = self.input.fill_buf()?;
            let (used, ended) = match self.lengths.ends.find_end(bytes) {
                Some(end) => (end, true),
                None => (bytes.len(), bytes.is_empty()),
            };
            self.input.consume(used);
            self.offset += used as u64;
            if ended {
                self.long_row = None;
                self.lengths.ends = RowEnds::default();
            }
        }
        Ok(self.offset)
    }
}

impl<R: BufRead> Read for RowBound<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.long_row.is_some() {
            return Ok(0);
        }
        let bytes = self.input.fill_buf()?;
        let bytes = &bytes[..bytes.len().min(buf.len())];
        let passed = match self.lengths.passable(bytes, self.offset) {
            Ok(all) => all,
            Err(scanned) => {
                self.long_row = Some(self.lengths.row_start);
                scanned
            }
        };
        buf[..passed].copy_from_slice(&bytes[..passed]);
        self.input.consume(passed);
        self.offset += passed as u64;
        Ok(passed)
    }
}

/// What [`CsvRows::next`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// A row, now in the record
    Row,
    /// A row longer than the limit, starting at this byte, skipped
    TooLong(u64),
    /// The end of the input
    End,
}

/// Rows read by the csv crate (no header, any number of fields), none longer than a limit.
pub struct CsvRows<R> {
    /// `None` only if a restart after a long row failed
    reader: Option<csv::Reader<RowBound<R>>>,
    /// Where `reader` started reading, in the file
    base: u64,
}

impl<R: BufRead> CsvRows<R> {
    /// Reads `input` (buffered: it is scanned where it lies), which starts between rows at
    /// byte `start` of its file.
    pub fn new(input: R, start: u64, limit: u64) -> Self {
        CsvRows {
            reader: Some(csv_reader(RowBound::new(input, start, limit))),
            base: start,
        }
    }

    /// Where the next row's reading starts (blank lines before it included).
    pub fn position(&self) -> u64 {
        self.base
            + self
                .reader
                .as_ref()
                .map_or(0, |reader| reader.position().byte())
    }

    /// Reads the next row into `record`.
    pub fn next(&mut self, record: &mut csv::ByteRecord) -> csv::Result<Next> {
        let Some(reader) = &mut self.reader else {
            return Ok(Next::End);
        };
        let more = reader.read_byte_record(record)?;
        let after = self.base + reader.position().byte();
        // Rows before the long one come first, whole; the long one runs past its start.
        match reader.get_ref().long_row() {
            Some(start) if after > start => {
                self.skip_long_row()?;
                Ok(Next::TooLong(start))
            }
            _ if more => Ok(Next::Row),
            _ => Ok(Next::End),
        }
    }

    /// Skips the rest of a long row and reads on with a new reader: the csv crate's reader
    /// stops for good at what it took for the end of its input.
    fn skip_long_row(&mut self) -> io::Result<()> {
        if let Some(reader) = self.reader.take() {
            let mut input = reader.into_inner();
            self.base = input.skip_long_row()?;
            self.reader = Some(csv_reader(input));
        }
        Ok(())
    }
}

fn csv_reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Where the csv crate ends each row of `bytes` (its position after reading it).
    fn csv_row_ends(bytes: &[u8]) -> Vec<u64> {
        let mut reader = csv_reader(bytes);
        let mut record = csv::ByteRecord::new();
        let mut ends = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            ends.push(reader.position().byte());
        }
        ends
    }

    /// Where [`RowEnds`] ends each row, fed `bytes` in pieces of `piece` bytes.
    fn found_row_ends(bytes: &[u8], piece: usize) -> Vec<u64> {
        let mut ends = RowEnds::default();
        let mut found = Vec::new();
        let mut at = 0;
        for chunk in bytes.chunks(piece.max(1)) {
            let mut used = 0;
            while let Some(end) = ends.find_end(&chunk[used..]) {
                used += end;
                found.push((at + used) as u64);
            }
            at += chunk.len();
        }
        if ends.in_row() {
            found.push(bytes.len() as u64);
        }
        found
    }

    /// Bytes rich in what matters to finding rows: quotes, commas, line breaks.
    fn csv_like() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop::sample::select(b"a,\"\r\n \0".to_vec()), 0..200)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn rows_end_where_the_csv_crate_ends_them(bytes in csv_like(), piece in 1usize..40) {
            prop_assert_eq!(found_row_ends(&bytes, piece), csv_row_ends(&bytes));
        }

        #[test]
        fn bounded_rows_are_the_csv_crate_rows_that_fit(bytes in csv_like(), limit in 1u64..30) {
            let mut rows = CsvRows::new(&bytes[..], 0, limit);
            let mut record = csv::ByteRecord::new();
            let mut got = Vec::new();
            loop {
                match rows.next(&mut record).unwrap() {
                    Next::Row => got.push(Some(record.clone())),
                    Next::TooLong(_) => got.push(None),
                    Next::End => break,
                }
            }
            // The same rows as the csv crate reads, those longer than the limit left out.
            let mut reader = csv_reader(&bytes[..]);
            let mut want = Vec::new();
            let mut start = 0;
            let mut record = csv::ByteRecord::new();
            while reader.read_byte_record(&mut record).unwrap() {
                let end = reader.position().byte() as usize;
                // The row without blank lines before it or the line break ending it.
                let raw = &bytes[start..end];
                let row = &raw[raw.iter().take_while(|&&b| is_break(b)).count()..];
                let ended = RowEnds::default().find_end(row) == Some(row.len());
                let long = (row.len() - usize::from(ended)) as u64 > limit;
                want.push((!long).then(|| record.clone()));
                start = end;
            }
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn a_long_row_is_skipped_and_the_rows_after_it_are_read() {
        let text = format!("a,b\n\n{}\r\nc,\"d\ne\"\nf\n", "x".repeat(50));
        let mut rows = CsvRows::new(text.as_bytes(), 100, 20);
        let mut record = csv::ByteRecord::new();
        let mut seen = Vec::new();
        loop {
            let at = rows.position();
            match rows.next(&mut record).unwrap() {
                Next::Row => seen.push(format!("{at}: {:?}", record.iter().collect::<Vec<_>>())),
                Next::TooLong(start) => seen.push(format!("{at}: long from {start}")),
                Next::End => break,
            }
        }
        assert_eq!(
            seen,
            [
                "100: [[97], [98]]",
                "104: long from 105",
                "156: [[99], [100, 10, 101]]",
                "165: [[102]]",
            ]
        );
    }

    #[test]
    fn a_quoted_line_break_keeps_a_row_going_past_the_limit() {
        let text = format!("\"{}\n{}\"\nok\n", "q".repeat(15), "q".repeat(15));
        let mut rows = CsvRows::new(text.as_bytes(), 0, 20);
        let mut record = csv::ByteRecord::new();
        assert_eq!(rows.next(&mut record).unwrap(), Next::TooLong(0));
        assert_eq!(rows.next(&mut record).unwrap(), Next::Row);
        assert_eq!(record.get(0), Some(&b"ok"[..]));
        assert_eq!(rows.next(&mut record).unwrap(), Next::End);
    }

    #[test]
    fn a_fenced_reader_stops_at_its_fence() {
        let fence = Fence::default();
        let mut reader = Fenced::new(&b"0123456789"[..], &fence);
        fence.move_to(4);
        let mut buf = [0; 8];
        assert_eq!(reader.read(&mut buf).unwrap(), 4);
        assert!(!fence.was_reached());
        assert_eq!(reader.read(&mut buf).unwrap(), 0);
        assert!(fence.was_reached());
        fence.move_to(20);
        assert_eq!(reader.read(&mut buf).unwrap(), 6);
    }

    #[test]
    fn messages_name_the_limit() {
        assert_eq!(too_long(ROW_LIMIT), "row longer than 1 MiB");
        assert_eq!(too_long(4096), "row longer than 4096 bytes");
    }
}
