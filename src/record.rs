//! The attempt row: one typed record, its header, the spreadsheet formula guard, and the one
//! validation every reader of a log uses (SPEC "Attempt log").
//!
//! - A row holds the enums the rest of the program speaks (`Mode`, `System`, `Verdict`,
//!   `Detail`), never their names as strings.
//! - A field that begins with `=`, `+`, `-` or `@` is written with a leading `'` and read back
//!   without it.
//! - A row never spans lines: line breaks in fields are written as spaces, so a row cut by a
//!   crash is the tail after the last line break.
//! - Numbers have bounds: times at most a day ([`MAX_MS`]), key counts at most [`MAX_KEYS`];
//!   a row past one is damage, skipped like any malformed row, so sums stay meaningful.

use std::borrow::Cow;
use std::fmt;

use crate::codes::System;
use crate::score::{Detail, Verdict};

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

/// The most milliseconds `elapsed_ms` and `first_key_ms` may hold: a day. A larger number
/// is damage rather than an answer's time, and sums of such numbers would mean nothing.
pub const MAX_MS: u64 = 86_400_000;

/// The most keys `keystrokes` and `backspaces` may hold: a key every millisecond for a day.
/// No one types that much; it also leaves room for answers pasted or piped in whole (an 80 MB
/// piped line counts as that many keys), which codedrill logs and must read back.
pub const MAX_KEYS: u64 = 86_400_000;

/// The header line of an unchained log, exactly (without its line break): the 18 columns every
/// row has. Every log written before logs were chained has it; such logs are still read and
/// appended to.
pub const HEADER: &str = "timestamp,session,user,mode,deck,item,system,category,prompt,expected,entered,verdict,detail,score,elapsed_ms,first_key_ms,keystrokes,backspaces";

/// The last column of a chained log: the row's link in the log's hash chain
/// ([`crate::log::chain`]).
pub const CHAIN_COLUMN: &str = "chain";

/// The header line of a chained log, exactly: the 18 columns and `chain`. Every new log has it.
pub const CHAINED_HEADER: &str = "timestamp,session,user,mode,deck,item,system,category,prompt,expected,entered,verdict,detail,score,elapsed_ms,first_key_ms,keystrokes,backspaces,chain";

/// Which header a log has: what its rows hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The 18 columns: a log written before logs were chained
    Unchained,
    /// The 18 columns and `chain`
    Chained,
}

impl Layout {
    /// How many fields each row has.
    pub fn columns(self) -> usize {
        match self {
            Layout::Unchained => COLUMNS.len(),
            Layout::Chained => COLUMNS.len() + 1,
        }
    }

    /// The header line, exactly.
    pub fn header(self) -> &'static str {
        match self {
            Layout::Unchained => HEADER,
            Layout::Chained => CHAINED_HEADER,
        }
    }
}

/// What kind of session an attempt belongs to (the log's `mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Mode {
    Practice,
    Exam,
    Transcribe,
    Review,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Practice, Mode::Exam, Mode::Transcribe, Mode::Review];

    /// The name used in the log.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Exam => "exam",
            Mode::Transcribe => "transcribe",
            Mode::Review => "review",
        }
    }

    /// Parses a log value.
    #[inline]
    pub fn parse(name: &str) -> Option<Mode> {
        match name {
            "practice" => Some(Mode::Practice),
            "exam" => Some(Mode::Exam),
            "transcribe" => Some(Mode::Transcribe),
            "review" => Some(Mode::Review),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One attempt, owned: what a session writes and keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// RFC 3339 with offset, when the answer was submitted
    pub timestamp: String,
    pub session: String,
    pub user: String,
    pub mode: Mode,
    pub deck: String,
    pub item: String,
    pub system: System,
    pub category: String,
    pub prompt: String,
    /// The answer as written in the deck
    pub expected: String,
    /// Exactly what was typed
    pub entered: String,
    pub verdict: Verdict,
    pub detail: Option<Detail>,
    pub score: f64,
    pub elapsed_ms: u64,
    pub first_key_ms: Option<u64>,
    pub keystrokes: u64,
    pub backspaces: u64,
}

/// One attempt borrowed from a row being read; checked by [`parse_row`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttemptRef<'a> {
    pub timestamp: &'a str,
    pub session: &'a str,
    pub user: &'a str,
    pub mode: Mode,
    pub deck: &'a str,
    pub item: &'a str,
    pub system: System,
    pub category: &'a str,
    pub prompt: &'a str,
    pub expected: &'a str,
    pub entered: &'a str,
    pub verdict: Verdict,
    pub detail: Option<Detail>,
    pub score: f64,
    pub elapsed_ms: u64,
    pub first_key_ms: Option<u64>,
    pub keystrokes: u64,
    pub backspaces: u64,
}

impl AttemptRef<'_> {
    /// The local date the timestamp starts with, `YYYY-MM-DD` (checked when read).
    pub fn date(&self) -> &str {
        self.timestamp.get(..10).unwrap_or(self.timestamp)
    }

    /// An owned copy.
    pub fn to_owned(&self) -> Attempt {
        Attempt {
            timestamp: self.timestamp.to_string(),
            session: self.session.to_string(),
            user: self.user.to_string(),
            mode: self.mode,
            deck: self.deck.to_string(),
            item: self.item.to_string(),
            system: self.system,
            category: self.category.to_string(),
            prompt: self.prompt.to_string(),
            expected: self.expected.to_string(),
            entered: self.entered.to_string(),
            verdict: self.verdict,
            detail: self.detail,
            score: self.score,
            elapsed_ms: self.elapsed_ms,
            first_key_ms: self.first_key_ms,
            keystrokes: self.keystrokes,
            backspaces: self.backspaces,
        }
    }
}

impl Attempt {
    /// A borrowed view, as a reader would give it.
    pub fn as_ref(&self) -> AttemptRef<'_> {
        AttemptRef {
            timestamp: &self.timestamp,
            session: &self.session,
            user: &self.user,
            mode: self.mode,
            deck: &self.deck,
            item: &self.item,
            system: self.system,
            category: &self.category,
            prompt: &self.prompt,
            expected: &self.expected,
            entered: &self.entered,
            verdict: self.verdict,
            detail: self.detail,
            score: self.score,
            elapsed_ms: self.elapsed_ms,
            first_key_ms: self.first_key_ms,
            keystrokes: self.keystrokes,
            backspaces: self.backspaces,
        }
    }

    /// The row's fields as written: one line each, guards applied (before CSV quoting). A
    /// chained row's link is the hash of these ([`crate::log::chain`]).
    pub fn written_fields(&self) -> [String; 18] {
        let text = |value: &str| guard(&single_line(value)).into_owned();
        [
            text(&self.timestamp),
            text(&self.session),
            text(&self.user),
            self.mode.name().to_string(),
            text(&self.deck),
            text(&self.item),
            self.system.name().to_string(),
            text(&self.category),
            text(&self.prompt),
            text(&self.expected),
            text(&self.entered),
            self.verdict.name().to_string(),
            self.detail
                .map(Detail::name)
                .unwrap_or_default()
                .to_string(),
            format_score(self.score),
            self.elapsed_ms.to_string(),
            self.first_key_ms
                .map(|ms| ms.to_string())
                .unwrap_or_default(),
            self.keystrokes.to_string(),
            self.backspaces.to_string(),
        ]
    }

    /// The row as one CSV line of an unchained log, line break included.
    pub fn to_csv_line(&self) -> String {
        csv_line(&self.written_fields())
    }

    /// The row as one CSV line of a chained log, after the row whose link is `previous`: the
    /// line (line break included) and this row's link.
    pub fn to_chained_line(
        &self,
        previous: &crate::log::chain::Chain,
    ) -> (String, crate::log::chain::Chain) {
        let fields = self.written_fields();
        let link = previous.link(&fields);
        let [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r] = fields;
        let line = csv_line(&[
            a,
            b,
            c,
            d,
            e,
            f,
            g,
            h,
            i,
            j,
            k,
            l,
            m,
            n,
            o,
            p,
            q,
            r,
            link.to_string(),
        ]);
        (line, link)
    }
}

/// One CSV line of `fields`, line break included.
fn csv_line<S: AsRef<[u8]>>(fields: &[S]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail, and the fields are UTF-8.
    let _ = writer.write_record(fields);
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Checks one row of an unchained log given as bytes (its fields as read, unescaped) and gives
/// it typed, guards removed. `Err` is the message of a warning: the row is skipped.
pub fn parse_fields<'a>(fields: &[&'a [u8]]) -> Result<AttemptRef<'a>, String> {
    parse_fields_in(Layout::Unchained, fields)
}

/// [`parse_fields`] for a row of a log with this layout. A chained row's `chain` is checked
/// only for its length (64 characters: fewer is a row cut short), never read: checking the
/// link is `codedrill verify`'s work.
pub fn parse_fields_in<'a>(layout: Layout, fields: &[&'a [u8]]) -> Result<AttemptRef<'a>, String> {
    let mut text: [&'a str; 18] = [""; 18];
    for (at, field) in fields.iter().enumerate() {
        let checked = std::str::from_utf8(field)
            .map_err(|err| format!("unreadable row (invalid UTF-8 in field {}: {err})", at + 1))?;
        if let Some(slot) = text.get_mut(at) {
            *slot = checked;
        }
    }
    if fields.len() != layout.columns() {
        return Err(format!(
            "row has {} fields, expected {} (cut short?)",
            fields.len(),
            layout.columns()
        ));
    }
    if layout == Layout::Chained {
        check_chain(fields[COLUMNS.len()])?;
    }
    parse_row(&text)
}

/// Refuses a `chain` field that is not 64 characters long: the row was cut short, and is no
/// link of the chain.
#[inline]
pub fn check_chain(field: &[u8]) -> Result<(), String> {
    if field.len() == 64 {
        Ok(())
    } else {
        Err(bad_chain(field))
    }
}

#[cold]
fn bad_chain(field: &[u8]) -> String {
    format!(
        "`chain` has {} characters, not 64 (cut short?)",
        field.len()
    )
}

/// [`parse_fields`] for a row whose 18 fields are known to be text.
pub fn parse_row<'a>(fields: &[&'a str; 18]) -> Result<AttemptRef<'a>, String> {
    // Only text fields are ever guarded: names and numbers never start with `=+-@`.
    let [
        timestamp,
        session,
        user,
        mode,
        deck,
        item,
        system,
        category,
        prompt,
        expected,
        entered,
        verdict,
        detail,
        score,
        elapsed_ms,
        first_key_ms,
        keystrokes,
        backspaces,
    ] = *fields;
    let timestamp = unguard(timestamp);
    if local_date(timestamp).is_none() {
        return Err(format!(
            "`timestamp` is not an RFC 3339 date-time: {timestamp:?}"
        ));
    }
    let score = score_of(score)
        .filter(|s| (0.0..=1.0).contains(s))
        .ok_or_else(|| format!("`score` is not a number from 0 to 1: {score:?}"))?;
    let first_key_ms = match digits(first_key_ms.as_bytes()) {
        Some(ms) if ms <= MAX_MS => Some(ms),
        // Empty when the answer was piped.
        None if first_key_ms.trim().is_empty() => None,
        _ => Some(milliseconds(15, first_key_ms)?),
    };
    Ok(AttemptRef {
        timestamp,
        session: unguard(session),
        user: unguard(user),
        mode: Mode::parse(mode).ok_or_else(|| format!("unknown mode {mode:?}"))?,
        deck: unguard(deck),
        item: unguard(item),
        system: System::from_name(system).ok_or_else(|| format!("unknown system {system:?}"))?,
        category: unguard(category),
        prompt: unguard(prompt),
        expected: unguard(expected),
        entered: unguard(entered),
        verdict: Verdict::parse(verdict).ok_or_else(|| format!("unknown verdict {verdict:?}"))?,
        detail: match detail {
            "" => None,
            name => Some(Detail::parse(name).ok_or_else(|| format!("unknown detail {name:?}"))?),
        },
        score,
        elapsed_ms: milliseconds(14, elapsed_ms)?,
        first_key_ms,
        keystrokes: keys(16, keystrokes)?,
        backspaces: keys(17, backspaces)?,
    })
}

/// A score as the standard parser reads it (spaces around it allowed). Scores are written
/// `1`, `0` or with up to three decimals (`0.667`): those are read without the general parser,
/// the decimals as a whole number divided by a power of ten, which rounds (once, exactly as the
/// parser does) to the same number.
#[inline]
fn score_of(raw: &str) -> Option<f64> {
    match raw.as_bytes() {
        b"1" => Some(1.0),
        b"0" => Some(0.0),
        [b'0', b'.', decimals @ ..] if (1..=3).contains(&decimals.len()) => {
            match digits(decimals) {
                Some(whole) => Some(whole as f64 / [10.0, 100.0, 1000.0][decimals.len() - 1]),
                None => any_score(raw),
            }
        }
        _ => any_score(raw),
    }
}

#[cold]
fn any_score(raw: &str) -> Option<f64> {
    raw.parse::<f64>()
        .or_else(|_| raw.trim().parse::<f64>())
        .ok()
}

/// A whole number of milliseconds in column `at`, at most [`MAX_MS`].
#[inline(always)]
fn milliseconds(at: usize, raw: &str) -> Result<u64, String> {
    let number = whole(at, raw)?;
    if number > MAX_MS {
        return Err(too_large(at, number, format_args!("a day")));
    }
    Ok(number)
}

/// A whole number of keys in column `at`, at most [`MAX_KEYS`].
#[inline(always)]
fn keys(at: usize, raw: &str) -> Result<u64, String> {
    let number = whole(at, raw)?;
    if number > MAX_KEYS {
        return Err(too_large(
            at,
            number,
            format_args!("a day of typing ({MAX_KEYS})"),
        ));
    }
    Ok(number)
}

/// The message for a number in column `at` past its bound (`bound` says what that is).
#[cold]
fn too_large(at: usize, number: u64, bound: fmt::Arguments<'_>) -> String {
    format!("`{}` is more than {bound}: {number}", COLUMNS[at])
}

/// A whole number in column `at` (spaces around it allowed).
#[inline(always)]
fn whole(at: usize, raw: &str) -> Result<u64, String> {
    match digits(raw.as_bytes()) {
        Some(number) => Ok(number),
        None => any_whole(at, raw),
    }
}

#[cold]
fn any_whole(at: usize, raw: &str) -> Result<u64, String> {
    raw.trim()
        .parse::<u64>()
        .map_err(|_| format!("`{}` is not a whole number: {raw:?}", COLUMNS[at]))
}

/// 1 to 19 ASCII digits (too few to overflow) as a number: the common case, without the
/// general parser's sign and overflow handling.
#[inline]
fn digits(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 19 {
        return None;
    }
    let mut number = 0;
    for &byte in bytes {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        number = number * 10 + u64::from(digit);
    }
    Some(number)
}

/// The `YYYY-MM-DD` a timestamp starts with: its local date (RFC 3339 writes local time and
/// the offset); `None` unless it is a plausible date followed by `T`, `t` or a space.
fn local_date(timestamp: &str) -> Option<&str> {
    let bytes = timestamp.as_bytes();
    let date = bytes.get(..10)?;
    let digits = |range: std::ops::Range<usize>| date[range].iter().all(u8::is_ascii_digit);
    let shape = digits(0..4) && date[4] == b'-' && digits(5..7) && date[7] == b'-' && digits(8..10);
    let separator = matches!(bytes.get(10), Some(b'T' | b't' | b' '));
    if !(shape && separator) {
        return None;
    }
    let two = |at: usize| (date[at] - b'0') * 10 + (date[at + 1] - b'0');
    ((1..=12).contains(&two(5)) && (1..=31).contains(&two(8))).then(|| &timestamp[..10])
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

fn single_line(value: &str) -> Cow<'_, str> {
    if value.contains(['\n', '\r']) {
        Cow::Owned(value.replace(['\n', '\r'], " "))
    } else {
        Cow::Borrowed(value)
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
pub fn guard(value: &str) -> Cow<'_, str> {
    if needs_guard(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Removes the guard added by [`guard`].
#[inline]
pub fn unguard(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => value,
    }
}

/// An attempt for unit tests: a correct, typed answer to a diabetes item.
#[cfg(test)]
pub(crate) fn example(entered: &str) -> Attempt {
    Attempt {
        timestamp: "2026-11-27T10:00:00.000+00:00".into(),
        session: "s1".into(),
        user: "ana".into(),
        mode: Mode::Practice,
        deck: "icd10cm-common".into(),
        item: "com-001".into(),
        system: System::Icd10cm,
        category: "Endocrine".into(),
        prompt: "Type 2 diabetes, \"no\" complications".into(),
        expected: "E11.9".into(),
        entered: entered.into(),
        verdict: Verdict::Correct,
        detail: None,
        score: 1.0,
        elapsed_ms: 2300,
        first_key_ms: Some(800),
        keystrokes: 6,
        backspaces: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(entered: &str) -> Attempt {
        example(entered)
    }

    /// The fields of one CSV line, unescaped.
    fn fields_of(line: &str) -> Vec<Vec<u8>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let record = reader.byte_records().next().unwrap().unwrap();
        record.iter().map(<[u8]>::to_vec).collect()
    }

    fn parse(fields: &[Vec<u8>]) -> Result<Attempt, String> {
        let slices: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        parse_fields(&slices).map(|a| a.to_owned())
    }

    #[test]
    fn enum_names_read_back() {
        for mode in Mode::ALL {
            assert_eq!(Mode::parse(mode.name()), Some(mode));
        }
        for system in System::ALL {
            assert_eq!(System::from_name(system.name()), Some(system));
        }
        for verdict in Verdict::ALL {
            assert_eq!(Verdict::parse(verdict.name()), Some(verdict));
        }
        for detail in Detail::ALL {
            assert_eq!(Detail::parse(detail.name()), Some(detail));
        }
        assert_eq!(Verdict::parse("Correct"), None);
        assert_eq!(System::from_name("ICD10CM"), None);
    }

    #[test]
    fn header_is_the_columns() {
        assert_eq!(HEADER, COLUMNS.join(","));
    }

    #[test]
    fn rows_round_trip_with_guards() {
        let mut original = attempt("=HYPERLINK(\"x\")");
        original.detail = Some(Detail::Typo);
        original.verdict = Verdict::NearMiss;
        original.score = 0.0;
        original.first_key_ms = None;
        let line = original.to_csv_line();
        assert!(line.contains("'=HYPERLINK"), "{line}");
        assert!(line.ends_with('\n') && line.lines().count() == 1);
        assert_eq!(parse(&fields_of(&line)), Ok(original));
    }

    #[test]
    fn line_breaks_become_spaces() {
        let mut broken = attempt("E11.9");
        broken.prompt = "two\nlines\r\nhere".into();
        let read = parse(&fields_of(&broken.to_csv_line())).unwrap();
        assert_eq!(read.prompt, "two lines  here");
    }

    #[test]
    fn bad_rows_name_their_field() {
        let good = fields_of(&attempt("E11.9").to_csv_line());
        let with = |at: usize, value: &[u8]| {
            let mut fields = good.clone();
            fields[at] = value.to_vec();
            parse(&fields).unwrap_err()
        };
        assert_eq!(
            with(14, b"abc"),
            "`elapsed_ms` is not a whole number: \"abc\""
        );
        assert_eq!(
            with(13, b"1.5"),
            "`score` is not a number from 0 to 1: \"1.5\""
        );
        assert_eq!(with(11, b"Correct"), "unknown verdict \"Correct\"");
        assert_eq!(with(3, b"play"), "unknown mode \"play\"");
        assert_eq!(with(6, b"icd9"), "unknown system \"icd9\"");
        assert_eq!(with(12, b"big"), "unknown detail \"big\"");
        assert!(with(0, b"27/11/2026").starts_with("`timestamp` is not"));
        assert!(with(8, b"\xff").starts_with("unreadable row (invalid UTF-8 in field 9"));
        assert_eq!(
            parse(&good[..9]).unwrap_err(),
            "row has 9 fields, expected 18 (cut short?)"
        );
        let mut piped = good.clone();
        piped[15] = Vec::new();
        assert_eq!(parse(&piped).unwrap().first_key_ms, None);
    }

    #[test]
    fn numbers_past_their_bound_are_refused_by_name() {
        let good = fields_of(&attempt("E11.9").to_csv_line());
        let with = |at: usize, value: u64| {
            let mut fields = good.clone();
            fields[at] = value.to_string().into_bytes();
            parse(&fields)
        };
        assert_eq!(
            with(14, u64::MAX).unwrap_err(),
            "`elapsed_ms` is more than a day: 18446744073709551615"
        );
        assert_eq!(
            with(15, MAX_MS + 1).unwrap_err(),
            "`first_key_ms` is more than a day: 86400001"
        );
        assert_eq!(
            with(16, MAX_KEYS + 1).unwrap_err(),
            "`keystrokes` is more than a day of typing (86400000): 86400001"
        );
        assert_eq!(
            with(17, u64::MAX).unwrap_err(),
            "`backspaces` is more than a day of typing (86400000): 18446744073709551615"
        );
        assert_eq!(with(14, MAX_MS).unwrap().elapsed_ms, MAX_MS);
        assert_eq!(with(15, MAX_MS).unwrap().first_key_ms, Some(MAX_MS));
        assert_eq!(with(16, MAX_KEYS).unwrap().keystrokes, MAX_KEYS);
        assert_eq!(with(17, MAX_KEYS).unwrap().backspaces, MAX_KEYS);
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
    fn whole_numbers_read_as_the_standard_parser_reads_them() {
        for raw in [
            "0",
            "42",
            " 7 ",
            "+3",
            "-1",
            "1.5",
            "",
            " ",
            "9999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
            "٣",
        ] {
            assert_eq!(
                whole(14, raw).ok(),
                raw.trim().parse::<u64>().ok(),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn scores_read_as_the_standard_parser_reads_them() {
        let mut written: Vec<String> = (0..=1000)
            .map(|n| format_score(f64::from(n) / 1000.0))
            .collect();
        written.extend(
            [
                "0.5", "0.05", "0.005", "0.50", "0.500", "0.0", "0.00", "0.000", "0.999", "0.1234",
                "0.", "0.e1", "0.E0", "0.-1", "0.+1", "0.1e", " 0.5", "0.5 ", ".5", "1.0", "1e0",
                "0x1", "inf", "NaN", "-0", "", "٣",
            ]
            .map(String::from),
        );
        for raw in &written {
            let standard = raw
                .parse::<f64>()
                .or_else(|_| raw.trim().parse::<f64>())
                .ok();
            assert_eq!(
                score_of(raw).map(f64::to_bits),
                standard.map(f64::to_bits),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn formats_scores() {
        assert_eq!(format_score(1.0), "1");
        assert_eq!(format_score(0.0), "0");
        assert_eq!(format_score(-0.0), "0");
        assert_eq!(format_score(2.0 / 3.0), "0.667");
        assert_eq!(format_score(0.5), "0.5");
    }

    #[test]
    fn finds_local_dates() {
        assert_eq!(local_date("2026-11-27T23:59:00-05:00"), Some("2026-11-27"));
        assert_eq!(local_date("2026-11-27 08:00:00Z"), Some("2026-11-27"));
        for bad in [
            "2026-13-01T00:00:00Z",
            "2026-11-27",
            "27/11/2026 10:00",
            "",
            "２０２６",
        ] {
            assert_eq!(local_date(bad), None, "{bad}");
        }
    }
}
