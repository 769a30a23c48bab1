//! Decks: CSV files of items (see the SPEC's "Deck format"), shipped in the binary or on disk,
//! and every problem in them reported as `FILE:LINE: message`.

use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File};
use std::io::Read;
use std::path::Path;

use crate::codes::codeset::CodeSet;
use crate::codes::{self, CodeSets, Status, System, nearby};
use crate::embedded;
use crate::log::bounded::{self, CsvRows, Next, ROW_LIMIT};
use crate::score::AnswerKey;

/// The deck drilled when none is named.
pub const DEFAULT_DECK: &str = "icd10cm-common";

/// The largest deck file read, in bytes (a deck is read whole): over three times a deck of
/// every ICD-10-CM and ICD-10-PCS code with its official title, about 18 MB.
pub const DECK_SIZE_LIMIT: u64 = 64 << 20;

const REQUIRED: [&str; 4] = ["id", "prompt", "answer", "system"];

/// One drill item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub prompt: String,
    /// The answer as written in the deck.
    pub answer: String,
    pub system: System,
    pub accept: String,
    pub category: String,
    pub rationale: String,
    /// Codes that may be typed or left out without changing the score, `|`-separated
    pub optional: String,
    /// Where the encounter took place (`inpatient`, `outpatient`, `ed`, `office`), if said
    pub setting: Option<Setting>,
    /// The deck's name (file stem), for the log.
    pub deck: String,
    /// The line of the item in its file.
    pub line: usize,
}

impl Item {
    /// The normalised answer key of the item.
    pub fn key(&self) -> AnswerKey {
        AnswerKey::with_optional(self.system, &self.answer, &self.accept, &self.optional)
    }
}

/// Where an encounter took place: it decides, among other things, whether an uncertain
/// diagnosis is coded as if established (inpatient) or by its signs and symptoms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Inpatient,
    Outpatient,
    Ed,
    Office,
}

impl Setting {
    fn parse(text: &str) -> Option<Setting> {
        Some(match text.to_ascii_lowercase().as_str() {
            "inpatient" => Setting::Inpatient,
            "outpatient" => Setting::Outpatient,
            "ed" => Setting::Ed,
            "office" => Setting::Office,
            _ => return None,
        })
    }

    /// How the prompt's heading names it.
    pub fn label(self) -> &'static str {
        match self {
            Setting::Inpatient => "Inpatient stay",
            Setting::Outpatient => "Outpatient visit",
            Setting::Ed => "Emergency department visit",
            Setting::Office => "Office visit",
        }
    }
}

/// A loaded deck.
#[derive(Debug, Clone)]
pub struct Deck {
    pub name: String,
    /// Where it came from, as problems name it.
    pub source: String,
    pub items: Vec<Item>,
}

impl Deck {
    /// The systems the deck's items use, in a fixed order.
    pub fn systems(&self) -> Vec<System> {
        let mut systems: Vec<System> = self.items.iter().map(|item| item.system).collect();
        systems.sort();
        systems.dedup();
        systems
    }
}

/// One problem found in a deck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub source: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The path and the message may quote the deck's own text: shown, never obeyed.
        let source = crate::visible::visible(&self.source);
        let message = crate::visible::visible(&self.message);
        // Line 0: the problem is the file itself (missing, a folder, unreadable).
        if self.line == 0 {
            write!(f, "{source}: {message}")
        } else {
            write!(f, "{source}:{}: {message}", self.line)
        }
    }
}

/// A deck that could not be used, with every problem found.
#[derive(Debug)]
pub struct DeckError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for DeckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.problems.iter().map(Problem::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for DeckError {}

/// Names of the embedded decks.
pub fn embedded_names() -> Vec<&'static str> {
    embedded::DECKS.iter().map(|(name, _)| *name).collect()
}

/// One line that says what an embedded deck drills, for `codedrill decks`.
pub fn embedded_description(name: &str) -> Option<&'static str> {
    Some(match name {
        "icd10cm-common" => "the starter deck: common office and hospital diagnoses, every chapter",
        "icd10cm-injury" => "injuries: fractures, 7th characters (A, D, S), placeholder X, causes",
        "icd10cm-cases" => "short cases of several codes: the principal diagnosis first",
        "icd10cm-charts" => {
            "whole records coded in full: hospital stays with PCS, office and ED visits"
        }
        "icd10pcs-surgery" => "inpatient procedures: root operation, body part, approach, device",
        "icd10pcs-other" => {
            "PCS beyond surgery: obstetrics, transfusions, imaging, radiation and more"
        }
        "interview" => "diagnoses and procedures mixed, as an employer's coding test asks them",
        "terminology" => "medical word parts and terms, answered as words, not codes",
        _ => return None,
    })
}

/// The text of an embedded deck.
pub fn embedded_text(name: &str) -> Option<&'static str> {
    embedded::DECKS
        .iter()
        .find(|(deck, _)| *deck == name)
        .map(|(_, text)| *text)
}

/// Loads a deck by path or embedded name and validates it; `codes` adds the code-set checks.
pub fn load_deck(spec: &str, codes: Option<&CodeSets>) -> Result<Deck, DeckError> {
    let (name, source, bytes) = read_source(spec)?;
    let (deck, problems) = parse_deck(&name, &source, &bytes, codes);
    if problems.is_empty() {
        Ok(deck)
    } else {
        Err(DeckError { problems })
    }
}

/// Finds a deck's bytes: an existing path first, then an embedded name.
fn read_source(spec: &str) -> Result<(String, String, Vec<u8>), DeckError> {
    let path = Path::new(spec);
    let fail = |message: String| DeckError {
        problems: vec![Problem {
            source: spec.to_string(),
            line: 0,
            message,
        }],
    };
    if path.exists() {
        let bytes = read_deck_file(path).map_err(fail)?;
        let name = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_else(|| spec.to_string());
        return Ok((name, spec.to_string(), bytes));
    }
    if let Some(text) = embedded_text(spec) {
        return Ok((
            spec.to_string(),
            format!("exercises/{spec}.csv"),
            text.as_bytes().to_vec(),
        ));
    }
    let looks_like_path = spec.contains('/') || spec.contains('.');
    let message = if looks_like_path {
        "no such file".to_string()
    } else {
        format!(
            "no such file, and no embedded deck of that name (embedded decks: {})",
            embedded_names().join(", ")
        )
    };
    Err(fail(message))
}

/// Reads a deck file whole, refusing before reading it what is not a regular file (a device,
/// FIFO or socket could block, or never end) and a file over [`DECK_SIZE_LIMIT`].
fn read_deck_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = fs::metadata(path).map_err(|err| format!("cannot read: {err}"))?;
    if meta.is_dir() {
        return Err("is a folder, not a deck file".to_string());
    }
    if !meta.is_file() {
        return Err("is not a regular file (a device, FIFO or socket), not a deck file".into());
    }
    let too_large = || {
        format!(
            "is larger than {} MiB, too large for a deck",
            DECK_SIZE_LIMIT >> 20
        )
    };
    if meta.len() > DECK_SIZE_LIMIT {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    File::open(path)
        .and_then(|file| file.take(DECK_SIZE_LIMIT + 1).read_to_end(&mut bytes))
        .map_err(|err| format!("cannot read: {err}"))?;
    // It may have grown since it was measured.
    if bytes.len() as u64 > DECK_SIZE_LIMIT {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Parses and validates a deck's bytes; returns the items that parsed and every problem.
pub fn parse_deck(
    name: &str,
    source: &str,
    bytes: &[u8],
    codes: Option<&CodeSets>,
) -> (Deck, Vec<Problem>) {
    parse_deck_within(name, source, bytes, codes, ROW_LIMIT)
}

/// [`parse_deck`] with rows of at most `limit` bytes: a longer row is a problem, skipped.
fn parse_deck_within(
    name: &str,
    source: &str,
    bytes: &[u8],
    codes: Option<&CodeSets>,
    limit: u64,
) -> (Deck, Vec<Problem>) {
    let mut deck = Deck {
        name: name.to_string(),
        source: source.to_string(),
        items: Vec::new(),
    };
    let problem = |line: usize, message: String| Problem {
        source: source.to_string(),
        line,
        message,
    };
    if let Some(message) = binary_or_utf8_problem(bytes) {
        return (deck, vec![problem(message.0, message.1)]);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut lines = LineCount::new(bytes);
    let mut rows = CsvRows::new(bytes, 0, limit);
    let mut record = csv::ByteRecord::new();
    // The header is the first row.
    let header = match rows.next(&mut record) {
        Ok(Next::Row) => text_record(&record),
        Ok(Next::End) => Ok(csv::StringRecord::new()),
        Ok(Next::TooLong(start)) => {
            let line = lines.line_at(start);
            return (deck, vec![problem(line, bounded::too_long(limit))]);
        }
        Err(err) => Err(err.to_string()),
    };
    let header = match header {
        Ok(header) => header,
        Err(err) => {
            return (
                deck,
                vec![problem(1, format!("cannot read the header: {err}"))],
            );
        }
    };
    let columns: HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(at, name)| (name.trim().to_ascii_lowercase(), at))
        .collect();
    let missing: Vec<Problem> = REQUIRED
        .iter()
        .filter(|column| !columns.contains_key(**column))
        .map(|column| problem(1, format!("missing required column `{column}`")))
        .collect();
    if !missing.is_empty() {
        return (deck, missing);
    }
    let known = Columns::new(&columns);
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    loop {
        let line = lines.line_at(rows.position());
        match rows.next(&mut record) {
            Ok(Next::Row) => {}
            Ok(Next::TooLong(start)) => {
                problems.push(problem(lines.line_at(start), bounded::too_long(limit)));
                continue;
            }
            Ok(Next::End) => break,
            Err(err) => {
                problems.push(problem(line, format!("malformed CSV row: {err}")));
                break;
            }
        }
        if record.iter().all(|field| text(field).trim().is_empty()) {
            continue;
        }
        if record.len() > columns.len() {
            problems.push(problem(
                line,
                format!(
                    "row has {} fields but the header has {}: a comma in a field that is not in quotes?",
                    record.len(),
                    columns.len()
                ),
            ));
            continue;
        }
        let row = Row {
            columns: &known,
            record: &record,
        };
        match build_item(name, line, &row, codes) {
            Ok(item) => {
                if let Some(first) = seen.get(&item.id) {
                    problems.push(problem(
                        line,
                        format!("duplicate id `{}` (first used on line {first})", item.id),
                    ));
                } else {
                    seen.insert(item.id.clone(), line);
                    deck.items.push(item);
                }
            }
            Err(messages) => problems.extend(messages.into_iter().map(|m| problem(line, m))),
        }
    }
    if deck.items.is_empty() && problems.is_empty() {
        problems.push(problem(1, "deck has no items".to_string()));
    }
    (deck, problems)
}

/// A record as text (the header).
fn text_record(record: &csv::ByteRecord) -> Result<csv::StringRecord, String> {
    csv::StringRecord::from_byte_record(record.clone()).map_err(|err| err.to_string())
}

/// A field as text: the deck was checked to be UTF-8 as a whole, so each field is.
fn text(field: &[u8]) -> &str {
    std::str::from_utf8(field).unwrap_or_default()
}

/// Line numbers of byte offsets, asked for in file order: the line breaks before each offset
/// are counted once.
struct LineCount<'a> {
    bytes: &'a [u8],
    counted: usize,
    breaks: usize,
}

impl<'a> LineCount<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCount {
            bytes,
            counted: 0,
            breaks: 0,
        }
    }

    /// The line (from 1) of a row whose reading starts at byte `start`. After CRLF the csv
    /// crate starts the next row at the `\n`: that one counts as before the row.
    fn line_at(&mut self, start: u64) -> usize {
        let at_break = self.bytes.get(start as usize) == Some(&b'\n');
        let end = (start as usize + usize::from(at_break)).min(self.bytes.len());
        if end < self.counted {
            (self.counted, self.breaks) = (0, 0);
        }
        self.breaks += memchr::memchr_iter(b'\n', &self.bytes[self.counted..end]).count();
        self.counted = end;
        self.breaks + 1
    }
}

/// A binary file (NUL bytes) or invalid UTF-8, with the line where it starts.
fn binary_or_utf8_problem(bytes: &[u8]) -> Option<(usize, String)> {
    let line_of = |at: usize| bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Some((
            line_of(at),
            "binary file (NUL byte), not a CSV deck".to_string(),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => None,
        Err(err) => Some((
            line_of(err.valid_up_to()),
            "invalid UTF-8 (decks must be saved as UTF-8)".to_string(),
        )),
    }
}

/// Where each column codedrill reads stands in the header.
struct Columns {
    at: [Option<usize>; 9],
}

/// The columns codedrill reads, in the order of [`Columns::at`].
const KNOWN: [&str; 9] = [
    "id",
    "prompt",
    "answer",
    "system",
    "accept",
    "category",
    "rationale",
    "optional",
    "setting",
];

impl Columns {
    fn new(header: &HashMap<String, usize>) -> Columns {
        Columns {
            at: KNOWN.map(|column| header.get(column).copied()),
        }
    }
}

/// One record, read through the header's columns.
struct Row<'a> {
    columns: &'a Columns,
    record: &'a csv::ByteRecord,
}

impl<'a> Row<'a> {
    /// A column's trimmed value; empty when the column or the field is missing.
    fn field(&self, column: &str) -> &'a str {
        KNOWN
            .iter()
            .position(|known| *known == column)
            .and_then(|index| self.columns.at[index])
            .and_then(|at| self.record.get(at))
            .map_or("", text)
            .trim()
    }
}

fn build_item(
    deck: &str,
    line: usize,
    row: &Row,
    codes: Option<&CodeSets>,
) -> Result<Item, Vec<String>> {
    let field = |column: &str| row.field(column);
    let mut problems = Vec::new();
    for column in ["id", "prompt", "answer", "system"] {
        if field(column).is_empty() {
            problems.push(format!("empty `{column}`"));
        }
    }
    let answer = field("answer");
    if !answer.is_empty() && answer.split(';').all(|code| code.trim().is_empty()) {
        problems.push("`answer` holds only separators, no answer".to_string());
    }
    // Escape sequences in a deck would be sent to the drilling user's terminal.
    for column in KNOWN {
        let text = field(column);
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            problems.push(format!(
                "`{column}` holds a control character (U+{:04X})",
                u32::from(c)
            ));
        }
    }
    let system = match field("system").parse::<System>() {
        Ok(system) => Some(system),
        Err(message) if !field("system").is_empty() => {
            problems.push(message);
            None
        }
        Err(_) => None,
    };
    if let Some(system) = system {
        problems.extend(code_problems(system, "answer", field("answer"), codes));
        for alternative in field("accept").split('|').filter(|a| !a.trim().is_empty()) {
            problems.extend(code_problems(system, "accept", alternative, codes));
        }
        for code in field("optional")
            .split('|')
            .filter(|a| !a.trim().is_empty())
        {
            problems.extend(code_problems(system, "optional", code, codes));
        }
        problems.extend(optional_in_answer(
            system,
            field("answer"),
            field("optional"),
        ));
    }
    let setting = Setting::parse(field("setting"));
    if setting.is_none() && !field("setting").is_empty() {
        problems.push(format!(
            "unknown setting `{}` (expected one of: inpatient, outpatient, ed, office)",
            field("setting")
        ));
    }
    match system {
        Some(system) if problems.is_empty() => Ok(Item {
            id: field("id").to_string(),
            prompt: paragraphs(field("prompt")),
            answer: field("answer").to_string(),
            system,
            accept: field("accept").to_string(),
            category: field("category").to_string(),
            rationale: paragraphs(field("rationale")),
            optional: field("optional").to_string(),
            setting,
            deck: deck.to_string(),
            line,
        }),
        _ => Err(problems),
    }
}

/// A long text with its line breaks as written: a real one inside the quoted field, or `\n`
/// typed as two characters (easier in a spreadsheet); CRLF becomes LF.
fn paragraphs(text: &str) -> String {
    text.replace("\r\n", "\n").replace("\\n", "\n")
}

/// A code both required and optional would be graded two ways: a problem.
fn optional_in_answer(system: System, answer: &str, optional: &str) -> Vec<String> {
    let required: Vec<String> = answer
        .split(';')
        .map(|code| codes::normalize(system, code))
        .collect();
    optional
        .split('|')
        .map(str::trim)
        .filter(|code| !code.is_empty() && required.contains(&codes::normalize(system, code)))
        .map(|code| format!("`{code}` is in both `answer` and `optional`"))
        .collect()
}

/// `; did you mean E11.9, E11.8?` with the nearest billable codes of the set, or nothing.
fn did_you_mean(set: Option<&CodeSet>, system: System, code: &str) -> String {
    let Some(set) = set else {
        return String::new();
    };
    let normal = codes::normalize(system, code);
    let near: Vec<String> = nearby::suggest(set, &normal, 8)
        .into_iter()
        .filter(|entry| entry.status == Status::Billable)
        .take(3)
        .map(|entry| codes::display_code(system, &entry.code))
        .collect();
    if near.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", near.join(", "))
    }
}

/// Format and code-set problems of the codes in one answer field.
fn code_problems(
    system: System,
    column: &str,
    answer: &str,
    codes: Option<&CodeSets>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if system.is_term() {
        return problems;
    }
    for code in answer.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        let whole = system;
        // A record in two systems: each code is checked in its own.
        let system = whole.of_code(&codes::normalize(whole, code));
        let set = codes
            .and_then(|sets| sets.set(system))
            .filter(|s| !s.is_empty());
        if !codes::is_well_formed(whole, code) {
            problems.push(format!(
                "`{code}` in `{column}` is not a well-formed {} code{}",
                whole.label(),
                did_you_mean(set, system, code)
            ));
            continue;
        }
        let Some(set) = set else {
            continue;
        };
        match set.status(&codes::normalize(system, code)) {
            None => problems.push(format!(
                "`{code}` in `{column}` is not in the {} code set{}",
                system.label(),
                did_you_mean(Some(set), system, code)
            )),
            Some(Status::Header) => problems.push(format!(
                "`{code}` in `{column}` is a header, not a billable {} code{}",
                system.label(),
                did_you_mean(Some(set), system, code)
            )),
            Some(Status::Billable) => {}
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_deck_says_what_it_drills() {
        for name in embedded_names() {
            assert!(
                embedded_description(name).is_some(),
                "{name} has no description"
            );
        }
    }

    fn parse(text: &str) -> (Deck, Vec<String>) {
        let (deck, problems) = parse_deck("t", "t.csv", text.as_bytes(), None);
        (deck, problems.iter().map(Problem::to_string).collect())
    }

    #[test]
    fn parses_a_good_deck_with_bom_crlf_and_quotes() {
        let text = "\u{feff}id,system,prompt,answer,extra\r\na1,icd10cm,\"Type 2 diabetes, no complications\",E11.9,x\r\na2,term,\"Inflammation of the \"\"liver\"\"\",hepatitis,y\r\n";
        let (deck, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(deck.items.len(), 2);
        assert_eq!(deck.items[0].prompt, "Type 2 diabetes, no complications");
        assert_eq!(deck.items[1].prompt, "Inflammation of the \"liver\"");
        assert_eq!(deck.items[1].line, 3);
    }

    #[test]
    fn reports_each_problem_with_its_line() {
        let cases = [
            (
                "id,prompt,answer\na,b,E11.9\n",
                "t.csv:1: missing required column `system`",
            ),
            (
                "id,prompt,answer,system\na,,E11.9,icd10cm\n",
                "t.csv:2: empty `prompt`",
            ),
            (
                "id,prompt,answer,system\na,p,E11.9,icd10cm\na,q,I10,icd10cm\n",
                "t.csv:3: duplicate id `a` (first used on line 2)",
            ),
            (
                "id,prompt,answer,system\na,p,E11.9,icd9\n",
                "t.csv:2: unknown system `icd9`",
            ),
            (
                "id,prompt,answer,system\na,p,E1.19,icd10cm\n",
                "t.csv:2: `E1.19` in `answer` is not a well-formed ICD-10-CM code",
            ),
            ("id,prompt,answer,system\n", "t.csv:1: deck has no items"),
            (
                "id,prompt,answer,system\na,p, ; ,icd10cm\n",
                "t.csv:2: `answer` holds only separators",
            ),
            (
                "id,prompt,answer,system\na,\u{1b}[2Jp,E11.9,icd10cm\n",
                "t.csv:2: `prompt` holds a control character (U+001B)",
            ),
            (
                "id,prompt,answer,system\na,p,E11.9,icd10cm\nb,p\0,I10,icd10cm\n",
                "t.csv:3: binary file",
            ),
        ];
        for (text, want) in cases {
            let (_, problems) = parse(text);
            assert!(
                problems.iter().any(|p| p.starts_with(want)),
                "{want:?} not in {problems:?}"
            );
        }
    }

    #[test]
    fn reports_invalid_utf8_line() {
        let bytes = b"id,prompt,answer,system\na,p,E11.9,icd10cm\nb,caf\xe9,I10,icd10cm\n";
        let (_, problems) = parse_deck("t", "t.csv", bytes, None);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 3);
        assert!(problems[0].message.contains("UTF-8"));
    }

    #[test]
    fn a_problem_with_the_file_itself_has_no_line() {
        let missing = load_deck("no-such.csv", None).unwrap_err().to_string();
        assert_eq!(missing, "no-such.csv: no such file");
        let unknown = load_deck("no-such-deck", None).unwrap_err().to_string();
        assert!(
            unknown.starts_with(
                "no-such-deck: no such file, and no embedded deck of that name (embedded decks: "
            ),
            "{unknown}"
        );
    }

    #[test]
    fn a_row_longer_than_the_limit_is_a_problem_on_its_line() {
        let text = format!(
            "id,prompt,answer,system\na,p,E11.9,icd10cm\nb,\"{}\n\",I10,icd10cm\n\nc,p,I10,icd10cm\n",
            "x".repeat(5000)
        );
        let (deck, problems) = parse_deck_within("t", "t.csv", text.as_bytes(), None, 4096);
        let problems: Vec<String> = problems.iter().map(Problem::to_string).collect();
        assert_eq!(problems, ["t.csv:3: row longer than 4096 bytes"]);
        let items: Vec<(&str, usize)> =
            deck.items.iter().map(|i| (i.id.as_str(), i.line)).collect();
        assert_eq!(items, [("a", 2), ("c", 6)]);
        let header = format!("id,prompt,answer,system,{}\n", "y".repeat(5000));
        let (_, problems) = parse_deck_within("t", "t.csv", header.as_bytes(), None, 4096);
        assert_eq!(
            problems[0].to_string(),
            "t.csv:1: row longer than 4096 bytes"
        );
    }

    #[test]
    fn only_regular_files_are_read_as_decks() {
        let zero = load_deck("/dev/zero", None).unwrap_err().to_string();
        assert_eq!(
            zero,
            "/dev/zero: is not a regular file (a device, FIFO or socket), not a deck file"
        );
    }

    #[test]
    fn records_have_settings_optional_codes_and_paragraphs() {
        let codes = CodeSets::embedded();
        let text = "id,system,setting,prompt,answer,optional\n\
            s1,icd10cm+icd10pcs,Inpatient,\"Assessment:\nappendicitis\\nPlan: surgery\",K35.30;0DTJ4ZZ,Z87.891\n\
            s2,icd10cm,clinic,Fever,R50.9,\n\
            s3,icd10cm,,Fever,R50.9,R50.9|Z87.89\n\
            s4,icd10cm+icd10pcs,ed,Fever,R50.9;0DTJ4ZY,\n";
        let (deck, problems) = parse_deck("t", "t.csv", text.as_bytes(), Some(&codes));
        let problems: Vec<String> = problems.iter().map(Problem::to_string).collect();
        assert_eq!(deck.items.len(), 1, "{problems:#?}");
        let item = &deck.items[0];
        assert_eq!(item.setting, Some(Setting::Inpatient));
        assert_eq!(item.prompt, "Assessment:\nappendicitis\nPlan: surgery");
        assert_eq!(item.key().optional, ["Z87891"]);
        assert_eq!(
            problems,
            [
                "t.csv:4: unknown setting `clinic` (expected one of: inpatient, outpatient, ed, office)",
                "t.csv:5: `Z87.89` in `optional` is a header, not a billable ICD-10-CM code; did you mean Z87.890, Z87.891, Z87.892?",
                "t.csv:5: `R50.9` is in both `answer` and `optional`",
                "t.csv:6: `0DTJ4ZY` in `answer` is not in the ICD-10-PCS code set; did you mean 0DTJ4ZG, 0DTJ4ZZ?",
            ]
        );
    }

    #[test]
    fn every_embedded_deck_parses() {
        for name in embedded_names() {
            let deck = load_deck(name, None).unwrap_or_else(|err| panic!("{name}: {err}"));
            assert!(!deck.items.is_empty());
        }
    }
}
