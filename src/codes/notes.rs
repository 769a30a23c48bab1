//! The ICD-10-CM tabular's instructional notes, its 7th characters, and the MS-DRG CC/MCC
//! flags of codes, embedded from `codesets/icd10cm-notes.tsv`, `icd10cm-seventh.tsv`,
//! `icd10cm-cc.tsv` and `icd10cm-cc-exclusions.tsv` (formats in `codesets/README.md`) and
//! decompressed on first use, a chunk at a time.
//!
//! The tabular states a note once, where it places it: on a chapter, a section, a category,
//! a subcategory or a code. The note applies to every code below that place, so the notes of
//! a code are its own and those of its ancestors: its prefixes down to its category (`E11.9`
//! → `E11`; `S00.0XXA` → `S00.0`, `S00`, prefixes that name no code owning nothing), then the
//! sections and the chapter whose range of categories holds its category. Each [`Note`] keeps
//! where it comes from, its text as the tabular words it, and the codes that text names as
//! [`Pattern`]s.

use std::sync::OnceLock;

use super::codeset::icd10cm_chapters;
use crate::embedded as data;

/// What an instructional note is, as the tabular's conventions name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// An inclusion term: a condition the code is also used for.
    Inclusion,
    Includes,
    /// "Not coded here": the two codes are never used together.
    Excludes1,
    /// "Not included here": both codes may be used together.
    Excludes2,
    /// A manifestation's note: the underlying condition is sequenced first.
    CodeFirst,
    /// An etiology's note: another code is added after it.
    UseAdditional,
    /// Two codes may be needed; the order is the coder's choice.
    CodeAlso,
    /// A general note of the tabular.
    Note,
    /// The sentence that introduces the 7th characters.
    SeventhNote,
}

impl Kind {
    /// Every kind, in the order a codebook shows them.
    pub(crate) const ALL: [Kind; 9] = [
        Kind::Inclusion,
        Kind::Includes,
        Kind::Excludes1,
        Kind::Excludes2,
        Kind::CodeFirst,
        Kind::UseAdditional,
        Kind::CodeAlso,
        Kind::Note,
        Kind::SeventhNote,
    ];

    /// The name in the data file and in `lookup --format json`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Inclusion => "inclusion",
            Kind::Includes => "includes",
            Kind::Excludes1 => "excludes1",
            Kind::Excludes2 => "excludes2",
            Kind::CodeFirst => "code_first",
            Kind::UseAdditional => "use_additional",
            Kind::CodeAlso => "code_also",
            Kind::Note => "note",
            Kind::SeventhNote => "seventh_note",
        }
    }

    /// The heading a coder reads in the tabular.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Inclusion => "Inclusion terms",
            Kind::Includes => "Includes",
            Kind::Excludes1 => "Excludes1",
            Kind::Excludes2 => "Excludes2",
            Kind::CodeFirst => "Code first",
            Kind::UseAdditional => "Use additional",
            Kind::CodeAlso => "Code also",
            Kind::Note => "Note",
            Kind::SeventhNote => "7th characters",
        }
    }

    fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// Where the tabular places a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Level {
    Chapter,
    Section,
    /// A 3-character code.
    Category,
    /// A longer code with codes under it.
    Subcategory,
    /// A code with no code under it.
    Code,
}

impl Level {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Level::Chapter => "chapter",
            Level::Section => "section",
            Level::Category => "category",
            Level::Subcategory => "subcategory",
            Level::Code => "code",
        }
    }

    fn from_name(name: &str) -> Option<Level> {
        [
            Level::Chapter,
            Level::Section,
            Level::Category,
            Level::Subcategory,
            Level::Code,
        ]
        .into_iter()
        .find(|level| level.name() == name)
    }

    /// Whether the owner is a range of categories (`E08-E13`) rather than a code.
    pub(crate) fn is_block(self) -> bool {
        matches!(self, Level::Chapter | Level::Section)
    }
}

/// Codes a note names: a code and everything under it (`E11.-` → `E11`), or a range of them
/// (`E08-E13`), each bound compared on as many characters as it has. Dotless, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub(crate) first: &'static str,
    /// The last bound of a range.
    pub(crate) last: Option<&'static str>,
    /// The note names only part of these codes ("T36-T50 with fifth or sixth character 5"),
    /// so a match is a hint, not a fact.
    pub(crate) partial: bool,
}

impl Pattern {
    /// Whether a dotless code falls under the pattern (partial or not).
    pub(crate) fn matches(&self, code: &str) -> bool {
        match self.last {
            None => code.starts_with(self.first),
            Some(last) => {
                let head = |len: usize| code.get(..len.min(code.len())).unwrap_or(code);
                head(self.first.len()) >= self.first && head(last.len()) <= last
            }
        }
    }

    fn parse(text: &'static str) -> Option<Pattern> {
        let (partial, text) = match text.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (first, last) = match text.split_once('-') {
            Some((first, last)) => (first, Some(last)),
            None => (text, None),
        };
        (!first.is_empty()).then_some(Pattern {
            first,
            last,
            partial,
        })
    }
}

/// A note's place in a list of the tabular.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Alone,
    /// Ends with `:` and introduces the items after it ("code to identify control using:").
    Lead,
    /// One of the items after a lead.
    Item,
}

/// One instructional note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    /// The code (dotless) or the range of categories (`E08-E13`) the note belongs to.
    pub(crate) owner: &'static str,
    pub(crate) level: Level,
    pub(crate) kind: Kind,
    pub(crate) role: Role,
    /// For an item, the lead it stands under.
    pub(crate) lead: Option<&'static str>,
    /// As the tabular words it.
    pub(crate) text: &'static str,
    /// The codes the text names, in its order.
    pub(crate) patterns: Vec<Pattern>,
}

impl Note {
    /// Whether the note names `code` (dotless) without qualification: some pattern that is
    /// not partial holds it.
    #[allow(dead_code)] // For the convention-aware scorer (issue 13); tested below.
    pub(crate) fn names(&self, code: &str) -> bool {
        self.patterns.iter().any(|p| !p.partial && p.matches(code))
    }

    /// Whether any pattern holds `code`, a partial one included.
    #[allow(dead_code)] // For the convention-aware scorer (issue 13); tested below.
    pub(crate) fn mentions(&self, code: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(code))
    }

    /// Where the note comes from, as the SPEC's `from` says it: a dotted code (`E11`,
    /// `E11.9`), a section (`E08-E13`, or `B20` for a one-category section) or a chapter
    /// (`chapter 4`).
    pub(crate) fn from(&self) -> String {
        origin_label(self.owner, self.level)
    }

    /// The text with its lead when it is an item: "code to identify control using: insulin
    /// (Z79.4)".
    pub(crate) fn quote(&self) -> String {
        match self.lead {
            Some(lead) => format!("{lead} {}", self.text),
            None => self.text.to_string(),
        }
    }

    /// The note as one sentence with its heading, for feedback: "Use additional code to
    /// identify control using: insulin (Z79.4)", "Excludes1: type 1 diabetes mellitus
    /// (E10.-)".
    pub(crate) fn sentence(&self) -> String {
        let quote = self.quote();
        match self.kind {
            Kind::UseAdditional if quote.starts_with("code") => format!("Use additional {quote}"),
            Kind::UseAdditional => format!("Use additional code: {quote}"),
            // A lead may start with its comma (", for adverse effects, ...").
            Kind::CodeFirst if quote.starts_with(',') => format!("Code first{quote}"),
            Kind::CodeFirst => format!("Code first {quote}"),
            Kind::CodeAlso if quote.starts_with(',') => format!("Code also{quote}"),
            Kind::CodeAlso => format!("Code also {quote}"),
            Kind::SeventhNote => quote,
            Kind::Inclusion => format!("Inclusion term: {quote}"),
            kind => format!("{}: {quote}", kind.label()),
        }
    }
}

/// `E11` / `E11.9` / `E08-E13` / `B20` / `chapter 4`.
pub(crate) fn origin_label(owner: &str, level: Level) -> String {
    match level {
        Level::Chapter => chapter_of_range(owner)
            .map(|(number, _)| format!("chapter {number}"))
            .unwrap_or_else(|| owner.to_string()),
        Level::Section => match owner.split_once('-') {
            Some((first, last)) if first == last => first.to_string(),
            _ => owner.to_string(),
        },
        _ => super::display_code(super::System::Icd10cm, owner),
    }
}

/// The title of a chapter or section owner ("Diabetes mellitus"); codes' titles are in the
/// code set.
pub(crate) fn block_title(owner: &str, level: Level) -> Option<String> {
    let (first, last) = owner.split_once('-')?;
    match level {
        Level::Chapter => chapter_of_range(owner).map(|(_, title)| title),
        Level::Section => data::ICD10CM_SECTIONS.lines().find_map(|line| {
            let mut fields = line.split('\t');
            let found = fields.next() == Some(first) && fields.next() == Some(last);
            found.then(|| fields.next().unwrap_or("").to_string())
        }),
        _ => None,
    }
}

/// The number and title of the chapter whose range is `owner` (`E00-E89`).
fn chapter_of_range(owner: &str) -> Option<(String, String)> {
    let (first, last) = owner.split_once('-')?;
    icd10cm_chapters()
        .into_iter()
        .find(|(_, f, l, _)| f == first && l == last)
        .map(|(number, _, _, title)| (number, title))
}

/// A chunk of notes owned by codes, parsed on first use.
struct Chunk {
    key: &'static str,
    compressed: &'static [u8],
    notes: OnceLock<Vec<Note>>,
}

fn code_chunks() -> &'static [Chunk] {
    static CHUNKS: OnceLock<Vec<Chunk>> = OnceLock::new();
    CHUNKS.get_or_init(|| {
        data::ICD10CM_NOTES
            .iter()
            .map(|&(key, compressed)| Chunk {
                key,
                compressed,
                notes: OnceLock::new(),
            })
            .collect()
    })
}

/// The text of an embedded LZ4 block, kept for the life of the process (the notes point into
/// it). Our own build script compressed it, so a failure means a corrupted binary; an empty
/// text keeps codedrill usable all the same.
fn decode_static(compressed: &[u8]) -> &'static str {
    let bytes = lz4_flex::decompress_size_prepended(compressed).unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default().leak()
}

/// The notes of lines `OWNER\tLEVEL\tKIND\tLIST\tPATTERNS\tTEXT`, each item with its lead.
fn parse_notes(text: &'static str) -> Vec<Note> {
    let mut notes: Vec<Note> = Vec::new();
    let mut lead: Option<&'static str> = None;
    for line in text.lines() {
        let Some(mut note) = parse_note(line) else {
            continue;
        };
        let same_list = notes
            .last()
            .is_some_and(|prev| prev.owner == note.owner && prev.kind == note.kind);
        if !same_list {
            lead = None;
        }
        match note.role {
            Role::Lead => lead = Some(note.text),
            Role::Item => note.lead = lead,
            Role::Alone => lead = None,
        }
        notes.push(note);
    }
    notes
}

fn parse_note(line: &'static str) -> Option<Note> {
    let mut fields = line.splitn(6, '\t');
    let owner = fields.next()?;
    let level = Level::from_name(fields.next()?)?;
    let kind = Kind::from_name(fields.next()?)?;
    let role = match fields.next()? {
        "lead" => Role::Lead,
        "item" => Role::Item,
        _ => Role::Alone,
    };
    let patterns = fields
        .next()?
        .split(' ')
        .filter_map(Pattern::parse)
        .collect();
    let text = fields.next()?.trim_end();
    Some(Note {
        owner,
        level,
        kind,
        role,
        lead: None,
        text,
        patterns,
    })
}

/// The notes a code (dotless) owns itself, in the tabular's order.
fn owned_by(code: &str) -> &'static [Note] {
    let chunks = code_chunks();
    let Some(key) = code.get(..2) else {
        return &[];
    };
    let Ok(at) = chunks.binary_search_by(|chunk| chunk.key.cmp(key)) else {
        return &[];
    };
    let chunk = &chunks[at];
    let notes = chunk
        .notes
        .get_or_init(|| parse_notes(decode_static(chunk.compressed)));
    let from = notes.partition_point(|n| n.owner < code);
    let to = from + notes[from..].partition_point(|n| n.owner == code);
    &notes[from..to]
}

/// The notes of chapters and sections.
fn block_notes() -> &'static [Note] {
    static NOTES: OnceLock<Vec<Note>> = OnceLock::new();
    NOTES.get_or_init(|| parse_notes(decode_static(data::ICD10CM_BLOCK_NOTES)))
}

/// The notes of the sections and chapter whose range holds `category`: the narrowest
/// section first, the chapter last. Found once per category (a scan of every block note
/// costs microseconds, and the scorer asks for the same categories again and again).
fn block_notes_over(category: &str) -> &'static [&'static Note] {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static FOUND: OnceLock<Mutex<HashMap<String, &'static [&'static Note]>>> = OnceLock::new();
    let found = FOUND.get_or_init(Mutex::default);
    // A poisoned lock only means another thread panicked mid-insert: the map is still sound.
    let mut found = found
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(notes) = found.get(category) {
        return notes;
    }
    let notes: &'static [&'static Note] = find_block_notes_over(category).leak();
    found.insert(category.to_string(), notes);
    notes
}

/// [`block_notes_over`], found by scanning every block note.
fn find_block_notes_over(category: &str) -> Vec<&'static Note> {
    let mut notes: Vec<&'static Note> = block_notes()
        .iter()
        .filter(|note| {
            note.owner
                .split_once('-')
                .is_some_and(|(first, last)| first <= category && category <= last)
        })
        .collect();
    // Stable: a block's notes keep the tabular's order.
    notes.sort_by_key(|note| {
        let (first, last) = note
            .owner
            .split_once('-')
            .unwrap_or((note.owner, note.owner));
        (note.level == Level::Chapter, std::cmp::Reverse(first), last)
    });
    notes
}

/// Whether `code` can be a dotless ICD-10-CM code to look notes up for.
fn usable(code: &str) -> bool {
    (3..=7).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Every note that applies to a dotless code, its own first, then those of its ancestors
/// (nearest first), then those of its sections and chapter; each list in the tabular's order.
/// Inclusion terms and the 7th characters' sentence are among them (see [`Kind`]).
pub(crate) fn notes_for(code: &str) -> Vec<&'static Note> {
    if !usable(code) {
        return Vec::new();
    }
    let mut notes: Vec<&'static Note> = (3..=code.len())
        .rev()
        .flat_map(|len| owned_by(&code[..len]))
        .collect();
    notes.extend(block_notes_over(&code[..3]).iter().copied());
    notes
}

/// The notes of one kind that apply to a code, nearest first.
pub(crate) fn notes_of(code: &str, kind: Kind) -> Vec<&'static Note> {
    each_note_of(code, kind).collect()
}

/// [`notes_of`] one by one, nothing gathered: the scorer asks often and stops at the first.
fn each_note_of(code: &str, kind: Kind) -> impl Iterator<Item = &'static Note> + '_ {
    let usable = usable(code);
    let own = (3..=if usable { code.len() } else { 2 })
        .rev()
        .flat_map(move |len| owned_by(&code[..len]).iter());
    let blocks = if usable {
        block_notes_over(&code[..3])
    } else {
        &[]
    };
    let blocks = blocks.iter().copied();
    own.chain(blocks).filter(move |note| note.kind == kind)
}

/// The Excludes1 note that forbids coding `a` and `b` together: one on `a` or its ancestors
/// that names `b`, else one on `b` or its ancestors that names `a`. Partial patterns do not
/// count ("E08-E13 with .42" does not name every diabetes code).
#[allow(dead_code)] // For the convention-aware scorer (issue 13); tested below.
pub(crate) fn excludes1_conflict(a: &str, b: &str) -> Option<&'static Note> {
    let naming =
        |on: &str, other: &str| each_note_of(on, Kind::Excludes1).find(|note| note.names(other));
    naming(a, b).or_else(|| naming(b, a))
}

/// The "code first" notes that apply to a manifestation code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(dead_code)] // For the convention-aware scorer (issue 13); tested below.
pub(crate) struct CodeFirst {
    /// Nearest first; leads included (their items name the codes).
    pub(crate) notes: Vec<&'static Note>,
}

impl CodeFirst {
    /// The note that names `etiology` (dotless) as a condition to code first, if one does.
    /// The tabular's lists are often examples ("underlying disease, such as:"), so an
    /// etiology no note names is not wrong for that alone.
    #[allow(dead_code)] // For the convention-aware scorer (issue 13); tested below.
    pub(crate) fn naming(&self, etiology: &str) -> Option<&'static Note> {
        self.notes.iter().copied().find(|note| note.names(etiology))
    }
}

/// The "code first" notes of a code and its ancestors, or `None` when it has none.
#[allow(dead_code)] // For the convention-aware scorer (issue 13); tested below.
pub(crate) fn code_first_of(code: &str) -> Option<CodeFirst> {
    let notes = notes_of(code, Kind::CodeFirst);
    (!notes.is_empty()).then_some(CodeFirst { notes })
}

/// The "use additional code" notes of a code and its ancestors, nearest first.
#[allow(dead_code)] // For the convention-aware scorer (issue 13); tested below.
pub(crate) fn use_additional_of(code: &str) -> Vec<&'static Note> {
    notes_of(code, Kind::UseAdditional)
}

/// One 7th character of a definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seventh {
    pub(crate) character: char,
    pub(crate) meaning: &'static str,
    /// Inclusion terms of the character ("Old central retinal vein occlusion"), `; `-joined,
    /// usually empty.
    pub(crate) terms: &'static str,
}

/// The 7th characters that apply to a code: the nearest definition on the code or an
/// ancestor (a lower definition replaces a higher one entirely).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SeventhCharacters {
    /// The code that defines them (dotless).
    pub(crate) owner: &'static str,
    pub(crate) characters: Vec<Seventh>,
    /// The tabular's sentence introducing them, when it has one.
    pub(crate) note: Option<&'static Note>,
}

fn seventh_rows() -> &'static [(&'static str, Seventh)] {
    static ROWS: OnceLock<Vec<(&'static str, Seventh)>> = OnceLock::new();
    ROWS.get_or_init(|| {
        decode_static(data::ICD10CM_SEVENTH)
            .lines()
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let owner = fields.next()?;
                let character = fields.next()?.chars().next()?;
                let meaning = fields.next()?;
                let terms = fields.next().unwrap_or("").trim_end();
                Some((
                    owner,
                    Seventh {
                        character,
                        meaning,
                        terms,
                    },
                ))
            })
            .collect()
    })
}

/// The 7th characters that apply to a dotless code (a category, a subcategory, a code that
/// takes them, or a 7-character code itself), all those its definition lists.
pub(crate) fn seventh_characters(code: &str) -> Option<SeventhCharacters> {
    if !usable(code) {
        return None;
    }
    let rows = seventh_rows();
    (3..=code.len().min(6)).rev().find_map(|len| {
        let owner = &code[..len];
        let from = rows.partition_point(|(o, _)| *o < owner);
        let to = from + rows[from..].partition_point(|(o, _)| *o == owner);
        (from < to).then(|| SeventhCharacters {
            owner: rows[from].0,
            characters: rows[from..to].iter().map(|(_, s)| *s).collect(),
            note: owned_by(owner)
                .iter()
                .find(|note| note.kind == Kind::SeventhNote),
        })
    })
}

/// How a secondary diagnosis weighs in the MS-DRG grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Severity {
    /// Complication or comorbidity.
    Cc,
    /// Major complication or comorbidity.
    Mcc,
}

impl Severity {
    /// `cc` or `mcc`, as the data file and `lookup --format json` say it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Severity::Cc => "cc",
            Severity::Mcc => "mcc",
        }
    }

    /// `CC` or `MCC`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Severity::Cc => "CC",
            Severity::Mcc => "MCC",
        }
    }
}

/// The MS-DRG release of the CC/MCC flags.
pub(crate) const MS_DRG_VERSION: &str = "MS-DRG v43.1";

/// A code's CC/MCC flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CcFlag {
    pub(crate) severity: Severity,
    /// The number of its PDX exclusion list (`0072`).
    pub(crate) exclusion: &'static str,
    /// Counts only when the patient is discharged alive (cardiac arrest, shock...).
    pub(crate) alive_only: bool,
}

struct CcChunk {
    key: &'static str,
    compressed: &'static [u8],
    rows: OnceLock<rustc_hash::FxHashMap<&'static str, CcFlag>>,
}

fn cc_chunks() -> &'static [CcChunk] {
    static CHUNKS: OnceLock<Vec<CcChunk>> = OnceLock::new();
    CHUNKS.get_or_init(|| {
        data::ICD10CM_CC
            .iter()
            .map(|&(key, compressed)| CcChunk {
                key,
                compressed,
                rows: OnceLock::new(),
            })
            .collect()
    })
}

fn parse_cc(text: &'static str) -> rustc_hash::FxHashMap<&'static str, CcFlag> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let code = fields.next()?;
            let severity = match fields.next()? {
                "cc" => Severity::Cc,
                "mcc" => Severity::Mcc,
                _ => return None,
            };
            let exclusion = fields.next()?;
            let alive_only = fields.next().map(str::trim_end) == Some("alive");
            Some((
                code,
                CcFlag {
                    severity,
                    exclusion,
                    alive_only,
                },
            ))
        })
        .collect()
}

/// The CC/MCC flag of a dotless code as a secondary diagnosis, or `None` when it is neither
/// (or not a billable code).
pub(crate) fn cc_flag(code: &str) -> Option<CcFlag> {
    let chunks = cc_chunks();
    // Chunks are keyed by a code's first letter: compared as a byte, not as text.
    let first = *code.as_bytes().first()?;
    let chunk = &chunks[chunks
        .binary_search_by_key(&first, |c| c.key.as_bytes()[0])
        .ok()?];
    let rows = chunk
        .rows
        .get_or_init(|| parse_cc(decode_static(chunk.compressed)));
    // A hash look-up: a report asks once for each answer code of every row not correct.
    rows.get(code).copied()
}

/// `cc`, `mcc` or `None`.
pub(crate) fn severity(code: &str) -> Option<Severity> {
    cc_flag(code).map(|flag| flag.severity)
}

/// The PDX exclusion lists: (number, principal diagnoses sorted).
fn exclusion_lists() -> &'static [(&'static str, Vec<&'static str>)] {
    static LISTS: OnceLock<Vec<(&'static str, Vec<&'static str>)>> = OnceLock::new();
    LISTS.get_or_init(|| {
        decode_static(data::ICD10CM_CC_EXCLUSIONS)
            .lines()
            .filter_map(|line| {
                let (number, codes) = line.split_once('\t')?;
                Some((number, codes.split_whitespace().collect()))
            })
            .collect()
    })
}

/// Whether `secondary`'s CC or MCC does not count when `principal` is the principal
/// diagnosis (MS-DRG's CC exclusion: cholera is no CC of a stay for cholera). False when
/// `secondary` is no CC or MCC at all.
#[allow(dead_code)] // For the convention-aware scorer (issue 13); tested below.
pub(crate) fn cc_excluded(principal: &str, secondary: &str) -> bool {
    let Some(flag) = cc_flag(secondary) else {
        return false;
    };
    let lists = exclusion_lists();
    lists
        .binary_search_by(|(number, _)| (*number).cmp(flag.exclusion))
        .is_ok_and(|at| lists[at].1.binary_search(&principal).is_ok())
}

/// Everything the codebook says of a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Codebook {
    /// Every note that applies, nearest first ([`notes_for`]).
    pub(crate) notes: Vec<&'static Note>,
    pub(crate) seventh: Option<SeventhCharacters>,
    pub(crate) cc: Option<CcFlag>,
}

/// The codebook entry of a dotless ICD-10-CM code.
pub(crate) fn codebook(code: &str) -> Codebook {
    Codebook {
        notes: notes_for(code),
        seventh: seventh_characters(code),
        cc: cc_flag(code),
    }
}

/// Visits the inclusion terms and "includes" notes of codes (not of chapters or sections):
/// `visit(owner, kind, text)` for each, chunk by chunk, without keeping the text. For
/// `lookup --search`.
pub(crate) fn for_each_term(mut visit: impl FnMut(&str, Kind, &str)) {
    for &(_, compressed) in data::ICD10CM_NOTES {
        let Ok(bytes) = lz4_flex::decompress_size_prepended(compressed) else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        for line in text.lines() {
            let mut fields = line.splitn(6, '\t');
            let (Some(owner), Some(_), Some(kind)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let kind = match kind {
                "inclusion" => Kind::Inclusion,
                "includes" => Kind::Includes,
                _ => continue,
            };
            if let Some(text) = fields.nth(2) {
                visit(owner, kind, text.trim_end());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(notes: &[&Note]) -> Vec<&'static str> {
        notes.iter().map(|note| note.text).collect()
    }

    #[test]
    fn notes_are_inherited_with_their_origin() {
        // (code, kind, a text that applies, where it comes from)
        let cases = [
            ("E119", Kind::UseAdditional, "insulin (Z79.4)", "E11"),
            (
                "E119",
                Kind::Excludes1,
                "type 2 diabetes mellitus, without complications in remission (E11.A)",
                "E11.9",
            ),
            (
                "E119",
                Kind::Excludes1,
                "transitory endocrine and metabolic disorders specific to newborn (P70-P74)",
                "chapter 4",
            ),
            ("E1165", Kind::Includes, "diabetes NOS", "E11"),
            ("G63", Kind::CodeFirst, "amyloidosis (E85.-)", "G63"),
            (
                "C153",
                Kind::Excludes1,
                "Kaposi's sarcoma of gastrointestinal sites (C46.4)",
                "C15-C26",
            ),
            (
                "S52521A",
                Kind::Excludes1,
                "traumatic amputation of forearm (S58.-)",
                "S52",
            ),
            ("I10", Kind::Includes, "high blood pressure", "I10"),
            (
                "E1121",
                Kind::Inclusion,
                "Type 2 diabetes mellitus with Kimmelstiel-Wilson disease",
                "E11.21",
            ),
        ];
        for (code, kind, text, from) in cases {
            let notes = notes_of(code, kind);
            let note = notes
                .iter()
                .find(|note| note.text == text)
                .unwrap_or_else(|| panic!("{code} {kind:?}: {:?}", texts(&notes)));
            assert_eq!(note.from(), from, "{code} {text}");
        }
    }

    #[test]
    fn own_notes_come_first_and_chapters_last() {
        let notes = notes_for("E119");
        assert_eq!(notes[0].owner, "E119");
        assert_eq!(notes.last().map(|n| n.level), Some(Level::Chapter));
        let levels: Vec<Level> = notes.iter().map(|n| n.level).collect();
        let first_block = levels.iter().position(|l| l.is_block()).unwrap();
        assert!(levels[first_block..].iter().all(|l| l.is_block()));
        assert!(notes_for("E1").is_empty());
        assert!(notes_for("é11").is_empty());
        assert!(notes_for("ZZZ").is_empty());
    }

    #[test]
    fn blocks_come_after_codes_and_name_themselves() {
        let blocks: Vec<String> = notes_for("C153")
            .iter()
            .filter(|n| n.level.is_block())
            .map(|n| n.from())
            .collect();
        let section = blocks.iter().position(|b| b == "C15-C26").unwrap();
        let chapter = blocks.iter().position(|b| b == "chapter 2").unwrap();
        assert!(section < chapter, "{blocks:?}");
        assert_eq!(origin_label("B20-B20", Level::Section), "B20");
        assert_eq!(
            block_title("E08-E13", Level::Section).as_deref(),
            Some("Diabetes mellitus")
        );
        assert_eq!(
            block_title("E00-E89", Level::Chapter).as_deref(),
            Some("Endocrine, nutritional and metabolic diseases")
        );
    }

    #[test]
    fn items_keep_their_lead() {
        let note = use_additional_of("E119")
            .into_iter()
            .find(|n| n.text == "insulin (Z79.4)")
            .unwrap();
        assert_eq!(note.role, Role::Item);
        assert_eq!(note.lead, Some("code to identify control using:"));
        assert_eq!(
            note.sentence(),
            "Use additional code to identify control using: insulin (Z79.4)"
        );
        assert_eq!(note.patterns.len(), 1);
        assert!(note.names("Z794") && !note.names("Z7984"));
        let excludes = notes_of("E119", Kind::Excludes1);
        assert_eq!(
            excludes[0].sentence(),
            "Excludes1: type 2 diabetes mellitus, without complications in remission (E11.A)"
        );
    }

    #[test]
    fn patterns_match_prefixes_and_ranges() {
        let p = |text: &'static str| Pattern::parse(text).unwrap();
        let cases = [
            ("E11", "E119", true),
            ("E11", "E1", false),
            ("E11", "E12", false),
            ("E08-E13", "E1165", true),
            ("E08-E13", "E08", true),
            ("E08-E13", "E14", false),
            ("E08-E13", "E079", false),
            ("O00-O9A", "O9A219", true),
            ("O00-O9A", "P00", false),
            ("E710-E712", "E7112", true),
            ("E710-E712", "E713", false),
            ("B650-B813", "B700", true),
            ("~T36-T50", "T360X5A", true),
        ];
        for (pattern, code, want) in cases {
            assert_eq!(p(pattern).matches(code), want, "{pattern} {code}");
        }
        assert!(p("~T36-T50").partial && !p("T36-T50").partial);
    }

    #[test]
    fn excludes1_conflicts_either_way() {
        // (a, b, the note's owner and a text fragment, or None when they may go together)
        type Case = (
            &'static str,
            &'static str,
            Option<(&'static str, &'static str)>,
        );
        let cases: [Case; 7] = [
            ("E119", "E109", Some(("E11", "type 1 diabetes"))),
            ("E109", "E119", Some(("E10", "type 2 diabetes"))),
            ("E119", "E11A", Some(("E119", "in remission"))),
            ("E119", "O2441", Some(("E11", "gestational diabetes"))),
            ("P702", "E119", Some(("E11", "neonatal diabetes"))),
            ("E119", "I10", None),
            ("E119", "Z794", None),
        ];
        for (a, b, want) in cases {
            let got = excludes1_conflict(a, b).map(|n| (n.owner, n.text));
            match (got, want) {
                (None, None) => {}
                (Some((owner, text)), Some((want_owner, fragment))) => {
                    assert_eq!(owner, want_owner, "{a} {b}");
                    assert!(text.contains(fragment), "{a} {b}: {text}");
                }
                (got, want) => panic!("{a} {b}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn partial_patterns_raise_no_excludes1_conflict() {
        // G63's Excludes1 names "diabetes mellitus (E08-E13 with .42)": only the .42 codes.
        let note = notes_of("G63", Kind::Excludes1)
            .into_iter()
            .find(|n| n.text.starts_with("diabetes mellitus"))
            .unwrap();
        assert!(note.mentions("E1142") && !note.names("E1142"));
        assert!(excludes1_conflict("G63", "E119").is_none());
    }

    #[test]
    fn code_first_and_use_additional() {
        let first = code_first_of("G63").expect("G63 has code first");
        assert_eq!(first.notes[0].text, "underlying disease, such as:");
        assert_eq!(
            first.naming("E850").map(|n| n.text),
            Some("amyloidosis (E85.-)")
        );
        assert!(first.naming("E119").is_none(), "diabetes is excepted");
        assert!(first.naming("C349").is_some(), "neoplasm (C00-D49)");
        assert!(code_first_of("E119").is_none());
        // A manifestation "in diseases classified elsewhere" under a category's note.
        let dementia = code_first_of("F0280").expect("F02 has code first");
        assert!(
            dementia.naming("G300").is_some(),
            "Alzheimer's disease (G30.-)"
        );
        let wanted: Vec<&str> = use_additional_of("E1165")
            .iter()
            .flat_map(|n| n.patterns.iter().map(|p| p.first))
            .collect();
        for code in ["Z794", "Z7984", "Z7985"] {
            assert!(wanted.contains(&code), "{wanted:?}");
        }
    }

    #[test]
    fn seventh_characters_come_from_the_nearest_definition() {
        let cases = [
            (
                "S52001A",
                "S52",
                16,
                'B',
                "initial encounter for open fracture type I or II",
            ),
            // Torus fractures have their own, shorter list.
            (
                "S52521A",
                "S5252",
                6,
                'D',
                "subsequent encounter for fracture with routine healing",
            ),
            ("S52", "S52", 16, 'S', "sequela"),
            ("S000XXA", "S00", 3, 'D', "subsequent encounter"),
            ("H348110", "H3481", 3, '2', "stable"),
            ("T7411XA", "T74", 3, 'A', "initial encounter"),
        ];
        for (code, owner, count, character, meaning) in cases {
            let seventh = seventh_characters(code).unwrap_or_else(|| panic!("{code}"));
            assert_eq!(seventh.owner, owner, "{code}");
            assert_eq!(seventh.characters.len(), count, "{code}");
            let found = seventh
                .characters
                .iter()
                .find(|s| s.character == character)
                .unwrap();
            assert_eq!(found.meaning, meaning, "{code}");
        }
        let h3481 = seventh_characters("H34811").unwrap();
        assert_eq!(
            h3481.characters[2].terms,
            "Old central retinal vein occlusion"
        );
        assert!(
            h3481
                .note
                .is_some_and(|n| n.text.contains("severity of the occlusion"))
        );
        assert!(seventh_characters("E119").is_none());
        assert!(seventh_characters("Z910122").is_none());
    }

    #[test]
    fn severities_of_ms_drg_v43_1() {
        let cases = [
            ("J189", Some(Severity::Mcc)),
            ("A419", Some(Severity::Mcc)),
            ("N179", Some(Severity::Cc)),
            ("E871", Some(Severity::Cc)),
            ("I5022", Some(Severity::Cc)),
            ("I5021", Some(Severity::Mcc)),
            ("E119", None),
            ("I10", None),
            ("E11", None),
            ("S72001A", Some(Severity::Mcc)),
            ("", None),
        ];
        for (code, want) in cases {
            assert_eq!(severity(code), want, "{code}");
        }
        let arrest = cc_flag("I469").unwrap();
        assert!(arrest.alive_only && arrest.severity == Severity::Mcc);
        assert!(!cc_flag("J189").unwrap().alive_only);
    }

    #[test]
    fn cc_chunks_are_keyed_by_one_letter_in_order() {
        // `cc_flag` finds a code's chunk by its first byte.
        let keys: Vec<&str> = cc_chunks().iter().map(|c| c.key).collect();
        assert!(keys.iter().all(|k| k.len() == 1), "{keys:?}");
        assert!(keys.is_sorted(), "{keys:?}");
        assert!(keys.len() > 20, "{keys:?}");
    }

    #[test]
    fn cc_exclusions_follow_the_pdx_lists() {
        // Cholera is no CC of a stay for cholera; acute kidney failure is no CC of a stay for
        // acute kidney failure, but is one of a stay for pneumonia.
        assert!(cc_excluded("A000", "A001"));
        assert!(cc_excluded("N170", "N179"));
        assert!(!cc_excluded("J189", "N179"));
        assert!(!cc_excluded("N179", "E119"), "E11.9 is no CC at all");
    }

    #[test]
    fn terms_are_visited() {
        let mut found = Vec::new();
        for_each_term(|owner, kind, text| {
            if text == "high blood pressure" || text == "Classical cholera" {
                found.push((owner.to_string(), kind));
            }
        });
        assert!(
            found.contains(&("I10".to_string(), Kind::Includes)),
            "{found:?}"
        );
        assert!(
            found.contains(&("A000".to_string(), Kind::Inclusion)),
            "{found:?}"
        );
    }
}
