//! `codedrill lookup CODE...`: the codebook. Each code with its status and title, and for an
//! ICD-10-CM code the tabular's inclusion terms and instructional notes (its own and those it
//! inherits, each with where it comes from), its 7th characters and its MS-DRG CC/MCC flag;
//! for an ICD-10-PCS code its seven characters (axis, value, meaning) and the definitions of
//! its root operation and approach; suggestions for codes that do not exist; CPT and HCPCS
//! Level II codes named as such; `--search` by words of titles and inclusion terms, and
//! `--all` for a whole set.

use crate::exit::ExitStatus;
use std::io::{self, Write};

use anyhow::{Result, bail};
use clap::ValueEnum;
use serde::Serialize;

use crate::codes::notes::{self, Kind, Level, Note, Role, SeventhCharacters};
use crate::codes::{self, CodeSets, Entry, System, nearby, pcs};
use crate::drill::wrap::{terminal_width, wrap};
use crate::record::guard;
use crate::settings::Settings;
use crate::visible::{json_visible, visible};

const LOOKUP_EXAMPLES: &str = "\
Examples:
  codedrill lookup E11.9                      the codebook: notes, 7th characters, CC/MCC
  codedrill lookup E11.9 e1165 S52.521A 0DT44ZZ --brief
  codedrill lookup 0FT44ZZ                    PCS: each character's axis and meaning
  codedrill lookup E11.99                     invalid: nearest real codes suggested
  codedrill lookup 99213 J1100                CPT and HCPCS Level II codes are named as such
  codedrill lookup --search \"type 2 diabetes kidney\"
  codedrill lookup --search kimmelstiel       inclusion terms are searched too
  codedrill lookup --all icd10pcs --format csv > pcs.csv";

#[derive(Debug, clap::Args)]
#[command(after_help = LOOKUP_EXAMPLES)]
pub struct Args {
    /// Codes to look up (dotted or not, any letter case)
    #[arg(value_name = "CODE", required_unless_present_any = ["search", "all"])]
    pub codes: Vec<String>,
    /// Find codes whose description or inclusion terms have all these words
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["codes", "all"])]
    pub search: Option<String>,
    /// List every code of a set
    #[arg(long, value_name = "SYSTEM", value_enum, conflicts_with = "codes")]
    pub all: Option<SetName>,
    /// Most results shown by --search
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub limit: usize,
    /// One line per code (code, status, title), without the codebook's notes
    #[arg(long)]
    pub brief: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub shared: crate::settings::CodesetOption,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SetName {
    Icd10cm,
    Icd10pcs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// The status of an input shaped like a code of a system codedrill does not embed.
const NOT_EMBEDDED: &str = "not_embedded";

/// A looked-up code, as every format shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub input: String,
    /// Dotted form; empty when the input is not a code at all.
    pub code: String,
    /// `icd10cm`, `icd10pcs`, `cpt` or `hcpcs`; empty when unknown.
    pub system: String,
    /// `billable`, `header`, `invalid` or `not_embedded` (CPT, HCPCS Level II).
    pub status: String,
    pub description: String,
    /// For invalid input: the nearest real codes.
    pub suggestions: Vec<Suggestion>,
    /// The other ways the input reads: `J1100` is ICD-10-CM J11.00 and HCPCS Level II J1100.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_readings: Vec<Reading>,
    /// For `--search`: the inclusion term or "includes" note that matched, when the title
    /// did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_term: Option<MatchedTerm>,
    /// The codebook of an ICD-10-CM code (not with `--brief`, `--search` or `--all`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub codebook: Option<Codebook>,
    /// The characters of an ICD-10-PCS code and its definitions (not with `--brief`,
    /// `--search` or `--all`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub pcs: Option<PcsBook>,
    /// The code-set release looked up in (`ICD-10-CM FY2026 (April 1, 2026)`); empty for
    /// systems not embedded and input that is no code
    pub release: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub code: String,
    pub status: String,
    pub description: String,
}

/// A term of the tabular that `--search` matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchedTerm {
    /// `inclusion` (an inclusion term) or `includes` (an "Includes" note).
    pub kind: String,
    pub text: String,
}

/// Another reading of an input, in another system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    pub system: String,
    pub code: String,
    pub status: String,
    pub description: String,
}

/// The SPEC's codebook fields ("Codebook"), for JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Codebook {
    /// `cc`, `mcc`, or null when the code is neither (MS-DRG v43.1).
    pub severity: Option<String>,
    /// The code's own inclusion terms (and, for a code with a 7th character, those of the
    /// code it extends and of its 7th character).
    pub inclusion_terms: Vec<String>,
    pub notes: NoteLists,
    /// The 7th characters that apply, when the code takes one.
    pub seventh_characters: Vec<SeventhCharacter>,
}

/// The notes that apply to a code, by kind, nearest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NoteLists {
    pub includes: Vec<NoteRef>,
    pub excludes1: Vec<NoteRef>,
    pub excludes2: Vec<NoteRef>,
    pub code_first: Vec<NoteRef>,
    pub use_additional: Vec<NoteRef>,
    pub code_also: Vec<NoteRef>,
}

/// One note: its text (an item with the sentence that leads its list) and where it comes
/// from (`E11`, `E08-E13`, `chapter 4`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteRef {
    pub text: String,
    pub from: String,
}

/// What the codebook says of an ICD-10-PCS code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PcsBook {
    /// The seven characters, in order.
    pub axes: Vec<Axis>,
    /// The definition of the root operation (3rd character), when PCS defines it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_operation: Option<DefinitionRef>,
    /// The definition of the approach (5th character), when the section has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approach: Option<DefinitionRef>,
}

/// One character of a PCS code (the SPEC's `axes` item).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    /// 1 to 7.
    pub position: usize,
    /// As the code's section names it: `Body Part`, `Approach`, `Contrast`...
    pub axis: String,
    pub value: String,
    /// What the value means in this code's table; null when the embedded tables lack it.
    pub meaning: Option<String>,
}

/// A root operation's or approach's definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DefinitionRef {
    pub value: String,
    pub name: String,
    pub definition: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub explanation: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub examples: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeventhCharacter {
    #[serde(rename = "char")]
    pub character: String,
    pub meaning: String,
}

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    let sets = settings.code_sets()?;
    let with_codebook = !args.brief && args.search.is_none() && args.all.is_none();
    let found: Vec<Found> = if let Some(query) = &args.search {
        search(sets, query, args.limit)?
    } else if let Some(set) = args.all {
        let (system, set) = match set {
            SetName::Icd10cm => (System::Icd10cm, &sets.icd10cm),
            SetName::Icd10pcs => (System::Icd10pcs, &sets.icd10pcs),
        };
        set.entries()
            .into_iter()
            .map(|e| from_entry_in(system, &e.code.clone(), e))
            .collect()
    } else {
        args.codes
            .iter()
            .map(|input| {
                let found = lookup(sets, input);
                if with_codebook {
                    add_codebook(sets, found)
                } else {
                    found
                }
            })
            .collect()
    };
    let found: Vec<Found> = found
        .into_iter()
        .map(|f| with_release(f, settings.codeset_path()))
        .collect();
    let mut out = io::stdout().lock();
    match args.format {
        Format::Table => {
            write_table(&mut out, &found, sets, terminal_width())?;
            // The codebook names its release; `--brief`, `--search` and `--all` keep one
            // line per code, for scripts.
            if with_codebook {
                write_releases(&mut out, &found)?;
            }
        }
        Format::Csv => write_csv(&mut out, &found)?,
        Format::Json => writeln!(
            out,
            "{}",
            json_visible(&serde_json::to_string_pretty(&found)?)
        )?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

fn search(sets: &CodeSets, query: &str, limit: usize) -> Result<Vec<Found>> {
    let found = nearby::search(
        &[&sets.icd10cm, &sets.icd10pcs],
        Some(&sets.icd10cm),
        query,
        limit,
    );
    if found.hits.is_empty() {
        bail!(
            "no code's description or inclusion term has all of: {}",
            visible(query)
        );
    }
    if found.total > found.hits.len() {
        // On stderr, so the rows on stdout stay data.
        eprintln!(
            "{} codes match; the best {} are shown (--limit N shows more)",
            found.total,
            found.hits.len()
        );
    }
    Ok(found
        .hits
        .into_iter()
        .map(|hit| {
            let mut found = from_entry(&hit.entry.code.clone(), hit.entry);
            found.matched_term = hit.term.map(|term| MatchedTerm {
                kind: term.kind.to_string(),
                text: term.text,
            });
            found
        })
        .collect())
}

/// Looks one typed code up in ICD-10-CM, then ICD-10-PCS, then names it as CPT or HCPCS
/// Level II when it has their shape; without the codebook.
pub fn lookup(sets: &CodeSets, input: &str) -> Found {
    let hcpcs = codes::is_well_formed(System::Hcpcs, input);
    for system in [System::Icd10cm, System::Icd10pcs] {
        if !codes::is_well_formed(system, input) {
            continue;
        }
        if let Some(entry) = sets.get(system, &codes::normalize(system, input)) {
            let mut found = from_entry_in(system, input, entry);
            if hcpcs {
                found
                    .other_readings
                    .push(not_embedded(System::Hcpcs, input));
            }
            return found;
        }
    }
    for system in [System::Cpt, System::Hcpcs] {
        if codes::is_well_formed(system, input) {
            let reading = not_embedded(system, input);
            return Found {
                input: input.to_string(),
                code: reading.code,
                system: reading.system,
                status: reading.status,
                description: reading.description,
                suggestions: Vec::new(),
                other_readings: Vec::new(),
                matched_term: None,
                codebook: None,
                pcs: None,
                release: String::new(),
            };
        }
    }
    invalid(sets, input)
}

/// What codedrill says of a code of a system it does not embed.
fn not_embedded(system: System, input: &str) -> Reading {
    let description = match system {
        System::Cpt => "CPT code; CPT is not embedded (AMA licence)".to_string(),
        _ => format!("{} code; not embedded", system.label()),
    };
    Reading {
        system: system.name().to_string(),
        code: codes::normalize(system, input),
        status: NOT_EMBEDDED.to_string(),
        description,
    }
}

/// An input that is no code: the nearest real codes of the system whose shape it has.
fn invalid(sets: &CodeSets, input: &str) -> Found {
    let system = [System::Icd10cm, System::Icd10pcs]
        .into_iter()
        .find(|system| codes::is_well_formed(*system, input));
    let (code, suggestions) = match system.and_then(|s| Some((s, sets.set(s)?))) {
        Some((system, set)) => {
            let normal = codes::normalize(system, input);
            let near = nearby::suggest(set, &normal, 3)
                .into_iter()
                .map(|e| Suggestion {
                    code: codes::display_code(system, &e.code),
                    status: e.status.name().to_string(),
                    description: e.description,
                })
                .collect();
            (codes::display_code(system, &normal), near)
        }
        None => (String::new(), Vec::new()),
    };
    Found {
        input: input.to_string(),
        code,
        system: system.map(|s| s.name().to_string()).unwrap_or_default(),
        status: "invalid".to_string(),
        description: String::new(),
        suggestions,
        other_readings: Vec::new(),
        matched_term: None,
        codebook: None,
        pcs: None,
        release: String::new(),
    }
}

fn from_entry(input: &str, entry: Entry) -> Found {
    let system = if entry.code.starts_with(|c: char| c.is_ascii_digit()) {
        System::Icd10pcs
    } else {
        System::Icd10cm
    };
    from_entry_in(system, input, entry)
}

fn from_entry_in(system: System, input: &str, entry: Entry) -> Found {
    Found {
        input: input.to_string(),
        code: codes::display_code(system, &entry.code),
        system: system.name().to_string(),
        status: entry.status.name().to_string(),
        description: entry.description,
        suggestions: Vec::new(),
        other_readings: Vec::new(),
        matched_term: None,
        codebook: None,
        pcs: None,
        release: String::new(),
    }
}

/// The dotless form of a found ICD-10-CM code.
fn dotless(found: &Found) -> String {
    found.code.replace('.', "")
}

/// Whether a found code has a codebook entry: a real ICD-10-CM code.
fn has_codebook(found: &Found) -> bool {
    found.system == System::Icd10cm.name() && matches!(found.status.as_str(), "billable" | "header")
}

/// `found` with the SPEC's codebook fields, when it is a real ICD-10-CM or ICD-10-PCS code.
pub fn add_codebook(sets: &CodeSets, mut found: Found) -> Found {
    if found.system == System::Icd10pcs.name() && found.status == "billable" {
        found.pcs = pcs_book(&found.code);
        return found;
    }
    if !has_codebook(&found) {
        return found;
    }
    let code = dotless(&found);
    let book = notes::codebook(&code);
    let mut lists = NoteLists::default();
    for note in &book.notes {
        let list = match note.kind {
            Kind::Includes => &mut lists.includes,
            Kind::Excludes1 => &mut lists.excludes1,
            Kind::Excludes2 => &mut lists.excludes2,
            Kind::CodeFirst => &mut lists.code_first,
            Kind::UseAdditional => &mut lists.use_additional,
            Kind::CodeAlso => &mut lists.code_also,
            Kind::Inclusion | Kind::Note | Kind::SeventhNote => continue,
        };
        // A list's lead is in the text of each of its items.
        if note.role != Role::Lead {
            list.push(NoteRef {
                text: note.quote(),
                from: note.from(),
            });
        }
    }
    let seventh = applicable_seventh(sets, &code, book.seventh.as_ref());
    found.codebook = Some(Codebook {
        severity: book.cc.map(|flag| flag.severity.name().to_string()),
        inclusion_terms: inclusion_terms(&code, &book.notes, seventh.as_ref()),
        notes: lists,
        seventh_characters: seventh
            .map(|s| {
                s.characters
                    .iter()
                    .map(|c| SeventhCharacter {
                        character: c.character.to_string(),
                        meaning: c.meaning.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    });
    found
}

/// The seven characters of a PCS code and its definitions.
fn pcs_book(code: &str) -> Option<PcsBook> {
    let axes = pcs::characters(code)?
        .into_iter()
        .map(|c| Axis {
            position: c.position,
            axis: c.axis.to_string(),
            value: c.value.to_string(),
            meaning: c.meaning.map(str::to_string),
        })
        .collect();
    let reference = |d: &pcs::Definition| DefinitionRef {
        value: d.value.to_string(),
        name: d.name.to_string(),
        definition: d.definition.to_string(),
        explanation: d.explanation.to_string(),
        examples: d.examples.to_string(),
    };
    Some(PcsBook {
        axes,
        root_operation: pcs::root_operation(code).map(reference),
        approach: pcs::approach(code).map(reference),
    })
}

/// The inclusion terms of the code itself: its own, those of a code it extends with a 7th
/// character (an ancestor at the `code` level), and those of its 7th character.
fn inclusion_terms(
    code: &str,
    notes: &[&Note],
    seventh: Option<&SeventhCharacters>,
) -> Vec<String> {
    let mut terms: Vec<String> = notes
        .iter()
        .filter(|n| n.kind == Kind::Inclusion && (n.owner == code || n.level == Level::Code))
        .map(|n| n.quote())
        .collect();
    if let (Some(seventh), Some(last)) = (seventh, code.chars().nth(6)) {
        let own = seventh.characters.iter().find(|c| c.character == last);
        terms.extend(
            own.into_iter()
                .flat_map(|c| c.terms.split("; "))
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        );
    }
    terms
}

/// The 7th characters that apply to a code: for a code that takes them (or a code with its
/// 7th character), only those whose code exists, since a note can take some away (S06: no
/// `D` or `S` after a 6th character 7 or 8); for a category or subcategory, its whole list.
fn applicable_seventh(
    sets: &CodeSets,
    code: &str,
    seventh: Option<&SeventhCharacters>,
) -> Option<SeventhCharacters> {
    let mut seventh = seventh?.clone();
    let stem = if code.len() == 7 {
        code[..6].to_string()
    } else {
        format!("{code:X<6}")
    };
    let exists = |c: char| sets.icd10cm.status(&format!("{stem}{c}")).is_some();
    if seventh.characters.iter().any(|c| exists(c.character)) {
        seventh.characters.retain(|c| exists(c.character));
    }
    Some(seventh)
}

/// `found` with the release of its system named (for a PCS code, of its section).
fn with_release(mut found: Found, codeset: Option<&std::path::Path>) -> Found {
    found.release = System::from_name(&found.system)
        .and_then(|system| crate::codes::release::of_code(system, &dotless(&found), codeset))
        .unwrap_or_default();
    found
}

/// Under a table: the releases the codes were looked up in, once each.
fn write_releases(out: &mut impl Write, found: &[Found]) -> Result<()> {
    let mut releases: Vec<&str> = Vec::new();
    for f in found {
        if !f.release.is_empty() && !releases.contains(&f.release.as_str()) {
            releases.push(&f.release);
        }
    }
    if !releases.is_empty() {
        writeln!(out, "\n(looked up in {})", visible(&releases.join("; ")))?;
    }
    Ok(())
}

fn suggestion_text(found: &Found) -> String {
    found
        .suggestions
        .iter()
        .map(|s| s.code.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A CSV cell that echoes input or a code-set file: control characters shown and the
/// spreadsheet formula guard of the log applied.
fn csv_cell(text: &str) -> String {
    guard(&visible(text)).into_owned()
}

fn write_csv(out: &mut impl Write, found: &[Found]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "input",
        "code",
        "system",
        "status",
        "description",
        "suggestions",
        "release",
        "severity",
        "inclusion_terms",
        "includes",
        "excludes1",
        "excludes2",
        "code_first",
        "use_additional",
        "code_also",
        "seventh_characters",
        "axes",
    ])?;
    for f in found {
        let mut row = vec![
            csv_cell(&f.input),
            csv_cell(&f.code),
            f.system.clone(),
            f.status.clone(),
            csv_cell(&f.description),
            csv_cell(&suggestion_text(f)),
            f.release.clone(),
        ];
        row.extend(codebook_cells(f.codebook.as_ref()).map(|cell| csv_cell(&cell)));
        row.push(csv_cell(&axes_cell(f.pcs.as_ref())));
        writer.write_record(row)?;
    }
    writer.flush()?;
    Ok(())
}

/// The codebook as CSV cells, in the header's order: a list's items separated by ` | `, each
/// note followed by where it comes from (`insulin (Z79.4) [from E11]`); empty without one.
fn codebook_cells(codebook: Option<&Codebook>) -> [String; 9] {
    let Some(book) = codebook else {
        return Default::default();
    };
    let notes = |list: &[NoteRef]| {
        list.iter()
            .map(|n| format!("{} [from {}]", n.text, n.from))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let n = &book.notes;
    [
        book.severity.clone().unwrap_or_default(),
        book.inclusion_terms.join(" | "),
        notes(&n.includes),
        notes(&n.excludes1),
        notes(&n.excludes2),
        notes(&n.code_first),
        notes(&n.use_additional),
        notes(&n.code_also),
        book.seventh_characters
            .iter()
            .map(|c| format!("{} = {}", c.character, c.meaning))
            .collect::<Vec<_>>()
            .join(" | "),
    ]
}

/// A PCS code's characters as one CSV cell: `position:axis=value (meaning)` items separated
/// by ` | `; empty for other codes.
fn axes_cell(book: Option<&PcsBook>) -> String {
    let Some(book) = book else {
        return String::new();
    };
    book.axes
        .iter()
        .map(|a| {
            let meaning = a.meaning.as_deref().unwrap_or("?");
            format!("{}:{}={} ({meaning})", a.position, a.axis, a.value)
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Width of the codebook's label column.
const LABEL: usize = 17;
/// Where a codebook line's text starts.
const TEXT_AT: usize = 4 + LABEL;

fn write_table(out: &mut impl Write, found: &[Found], sets: &CodeSets, width: usize) -> Result<()> {
    let code_width = found.iter().map(|f| f.code.len()).max().unwrap_or(4).max(4);
    let status_width = found
        .iter()
        .map(|f| f.status.len())
        .max()
        .unwrap_or(8)
        .max(8);
    // Codebook entries take several lines: a blank line between entries then.
    let codebooks = found
        .iter()
        .any(|f| f.codebook.is_some() || f.pcs.is_some());
    for (index, f) in found.iter().enumerate() {
        let code = if f.code.is_empty() {
            f.input.as_str()
        } else {
            f.code.as_str()
        };
        let mut description = if f.status == "invalid" {
            "not a code in the code set".to_string()
        } else {
            f.description.clone()
        };
        if let Some(term) = &f.matched_term {
            let kind = if term.kind == "inclusion" {
                "inclusion term"
            } else {
                "includes"
            };
            description = format!("{description} — {kind}: {}", term.text);
        }
        if codebooks && index > 0 {
            writeln!(out)?;
        }
        let head = format!(
            "{:<code_width$}  {:<status_width$}  ",
            visible(code),
            f.status
        );
        let indent = " ".repeat(code_width + status_width + 4);
        let line = wrap(&visible(&description), width, &head, &indent);
        writeln!(out, "{}", line.trim_end())?;
        for s in &f.suggestions {
            writeln!(
                out,
                "{:<code_width$}    did you mean {} ({}) — {}",
                "",
                visible(&s.code),
                s.status,
                visible(&s.description)
            )?;
        }
        for r in &f.other_readings {
            writeln!(
                out,
                "{:<code_width$}    also {} — {}",
                "",
                visible(&r.code),
                r.description
            )?;
        }
        if f.codebook.is_some() {
            write_codebook(out, f, sets, width)?;
        }
        if let Some(book) = &f.pcs {
            write_pcs_book(out, book, width)?;
        }
    }
    Ok(())
}

/// The codebook of one code under its title line: CC/MCC, then the notes grouped by where
/// they come from (the code's own first, then each ancestor, section and chapter), then the
/// 7th characters.
fn write_codebook(
    out: &mut impl Write,
    found: &Found,
    sets: &CodeSets,
    width: usize,
) -> io::Result<()> {
    let code = dotless(found);
    let book = notes::codebook(&code);
    let mut page = Page { out, width };
    if found.status == "billable" {
        page.labelled("CC/MCC", &severity_text(book.cc))?;
    }
    let mut owner: Option<(&str, Level)> = None;
    let mut kind: Option<Kind> = None;
    for note in book.notes.iter().filter(|n| n.kind != Kind::SeventhNote) {
        if owner != Some((note.owner, note.level)) {
            owner = Some((note.owner, note.level));
            kind = None;
            if note.owner != code {
                page.heading(&origin_heading(sets, note.owner, note.level))?;
            }
        }
        let label = if kind == Some(note.kind) {
            ""
        } else {
            note.kind.label()
        };
        kind = Some(note.kind);
        let text = note.text.strip_prefix(", ").unwrap_or(note.text);
        if note.role == Role::Item {
            page.item(label, text)?;
        } else {
            page.labelled(label, text)?;
        }
    }
    if let Some(seventh) = applicable_seventh(sets, &code, book.seventh.as_ref()) {
        write_seventh(&mut page, &code, &seventh)?;
    }
    Ok(())
}

/// A PCS code's seven characters as a small table (position, axis, value, meaning), then
/// the definitions of its root operation and approach.
fn write_pcs_book(out: &mut impl Write, book: &PcsBook, width: usize) -> io::Result<()> {
    let axis_width = book
        .axes
        .iter()
        .map(|a| a.axis.chars().count())
        .max()
        .unwrap_or(0);
    writeln!(out, "  {:<3}{:<axis_width$}  value  meaning", "#", "axis")?;
    for a in &book.axes {
        let head = format!(
            "  {:<3}{:<axis_width$}  {:<5}  ",
            a.position, a.axis, a.value
        );
        let rest = " ".repeat(head.chars().count());
        let meaning = a
            .meaning
            .as_deref()
            .unwrap_or("(not in the embedded tables)");
        writeln!(out, "{}", wrap(&visible(meaning), width, &head, &rest))?;
    }
    let mut page = Page { out, width };
    for (what, definition) in [
        ("Root operation", &book.root_operation),
        ("Approach", &book.approach),
    ] {
        let Some(d) = definition else { continue };
        page.heading(&format!("{what} {} — {}", d.value, d.name))?;
        page.labelled("definition", &d.definition)?;
        if !d.explanation.is_empty() {
            page.labelled("explanation", &d.explanation)?;
        }
        if !d.examples.is_empty() {
            page.labelled("examples", &d.examples)?;
        }
    }
    Ok(())
}

/// "CC (MS-DRG v43.1)", "not a CC or MCC (MS-DRG v43.1)"...
fn severity_text(cc: Option<notes::CcFlag>) -> String {
    match cc {
        Some(flag) if flag.alive_only => format!(
            "{} ({}) only if the patient is discharged alive",
            flag.severity.label(),
            notes::MS_DRG_VERSION
        ),
        Some(flag) => format!("{} ({})", flag.severity.label(), notes::MS_DRG_VERSION),
        None => format!("not a CC or MCC ({})", notes::MS_DRG_VERSION),
    }
}

/// The 7th characters under a heading that says where they are defined.
fn write_seventh<W: Write>(
    page: &mut Page<'_, W>,
    code: &str,
    seventh: &SeventhCharacters,
) -> io::Result<()> {
    let mut heading = "7th characters".to_string();
    if seventh.owner != code {
        heading.push_str(&format!(" from {}", origin_label(seventh.owner)));
    }
    if let Some(note) = seventh.note {
        heading.push_str(&format!(" — {}", note.text));
    }
    page.heading(&heading)?;
    for c in &seventh.characters {
        let text = if c.terms.is_empty() {
            c.meaning.to_string()
        } else {
            format!("{}; inclusion term: {}", c.meaning, c.terms)
        };
        page.labelled(&c.character.to_string(), &text)?;
    }
    Ok(())
}

fn origin_label(owner: &str) -> String {
    codes::display_code(System::Icd10cm, owner)
}

/// "from E11 — Type 2 diabetes mellitus", "from chapter 4 — Endocrine, ... (E00-E89)".
fn origin_heading(sets: &CodeSets, owner: &str, level: Level) -> String {
    let from = notes::origin_label(owner, level);
    let title = if level.is_block() {
        notes::block_title(owner, level).map(|title| {
            if level == Level::Chapter {
                format!("{title} ({owner})")
            } else {
                title
            }
        })
    } else {
        sets.icd10cm.get(owner).map(|entry| entry.description)
    };
    match title {
        Some(title) => format!("from {from} — {title}"),
        None => format!("from {from}"),
    }
}

/// Codebook lines: headings at two spaces, labels at four, texts in a column after them,
/// wrapped to the width with a hanging indent.
struct Page<'w, W: Write> {
    out: &'w mut W,
    width: usize,
}

impl<W: Write> Page<'_, W> {
    fn heading(&mut self, text: &str) -> io::Result<()> {
        let line = wrap(&visible(text), self.width, "  ", "      ");
        writeln!(self.out, "{line}")
    }

    fn labelled(&mut self, label: &str, text: &str) -> io::Result<()> {
        let first = format!("    {label:<LABEL$}");
        let first = if first.len() > TEXT_AT {
            format!("{first} ")
        } else {
            first
        };
        let line = wrap(&visible(text), self.width, &first, &" ".repeat(TEXT_AT));
        writeln!(self.out, "{line}")
    }

    /// An item under a lead, two columns further in.
    fn item(&mut self, label: &str, text: &str) -> io::Result<()> {
        let first = format!("    {label:<LABEL$}  ");
        let line = wrap(&visible(text), self.width, &first, &" ".repeat(TEXT_AT + 2));
        writeln!(self.out, "{line}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(input: &str, description: &str) -> Found {
        Found {
            input: input.to_string(),
            code: String::new(),
            system: String::new(),
            status: "invalid".to_string(),
            description: description.to_string(),
            suggestions: vec![Suggestion {
                code: "=E11.9".to_string(),
                status: "billable".to_string(),
                description: "-\u{9b}2J".to_string(),
            }],
            other_readings: Vec::new(),
            matched_term: None,
            codebook: None,
            pcs: None,
            release: String::new(),
        }
    }

    fn csv_of(found: &[Found]) -> String {
        let mut out = Vec::new();
        write_csv(&mut out, found).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_guards_every_echoed_column() {
        let rows = [
            found("=HYPERLINK(\"http://x\")", "@SUM(A1)"),
            found("+1", "-2"),
        ];
        let text = csv_of(&rows);
        let lines: Vec<&str> = text.lines().collect();
        // The codebook columns after them are empty for an invalid code.
        let empty = ",".repeat(11);
        assert_eq!(
            lines[1],
            format!("\"'=HYPERLINK(\"\"http://x\"\")\",,,invalid,'@SUM(A1),'=E11.9{empty}")
        );
        assert_eq!(lines[2], format!("'+1,,,invalid,'-2,'=E11.9{empty}"));
    }

    #[test]
    fn csv_shows_control_characters() {
        let text = csv_of(&[found("\x1b[2J", "\x1b]52;c;eA==\x07")]);
        assert!(
            !text.contains(|c: char| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(
            text.contains("\\u{1b}[2J,,,invalid,\\u{1b}]52;c;eA==\\u{7},'=E11.9"),
            "{text}"
        );
    }

    #[test]
    fn json_escapes_what_serde_json_writes_raw() {
        let rows = [found("\x1b[2J\x7f", "csi\u{9b}2J ü")];
        let json = json_visible(&serde_json::to_string_pretty(&rows).unwrap()).into_owned();
        assert!(
            !json.contains(|c: char| c.is_control() && c != '\n'),
            "{json:?}"
        );
        assert!(json.contains(r#""input": "\u001b[2J\u007f""#), "{json}");
        assert!(json.contains(r#""description": "csi\u009b2J ü""#), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back[0]["input"], "\x1b[2J\x7f");
        assert_eq!(back[0]["suggestions"][0]["description"], "-\u{9b}2J");
        assert!(matches!(
            json_visible("[\"E11.9\"]"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    fn table(inputs: &[&str], width: usize) -> String {
        let sets = CodeSets::embedded();
        let found: Vec<Found> = inputs
            .iter()
            .map(|input| add_codebook(&sets, lookup(&sets, input)))
            .collect();
        let mut out = Vec::new();
        write_table(&mut out, &found, &sets, width).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn codebook_table_of_e11_9() {
        insta::assert_snapshot!(table(&["E11.9"], 80));
    }

    #[test]
    fn codebook_table_of_a_code_with_7th_characters() {
        insta::assert_snapshot!(table(&["S06.1X7A"], 80));
    }

    #[test]
    fn codebook_table_of_a_pcs_code() {
        insta::assert_snapshot!(table(&["0FT44ZZ"], 80));
    }

    #[test]
    fn codebook_lines_fit_the_width() {
        let text = table(
            &[
                "E11.9", "G63", "S52.521A", "J1100", "99213", "0FT44ZZ", "XW043Q5",
            ],
            60,
        );
        for line in text.lines() {
            assert!(
                textwrap::core::display_width(line) <= 60,
                "{line:?} is wider than 60"
            );
        }
    }

    #[test]
    fn codes_of_systems_not_embedded_are_named() {
        let sets = CodeSets::embedded();
        // (input, system, status, code, other readings)
        let cases = [
            ("99213", "cpt", NOT_EMBEDDED, "99213", 0),
            ("0001F", "cpt", NOT_EMBEDDED, "0001F", 0),
            ("0042T", "cpt", NOT_EMBEDDED, "0042T", 0),
            ("0002U", "cpt", NOT_EMBEDDED, "0002U", 0),
            ("99213-25", "cpt", NOT_EMBEDDED, "99213-25", 0),
            ("E0114-RR", "hcpcs", NOT_EMBEDDED, "E0114-RR", 0),
            ("G0008", "hcpcs", NOT_EMBEDDED, "G0008", 0),
            ("j1100", "icd10cm", "billable", "J11.00", 1),
            ("J11.00", "icd10cm", "billable", "J11.00", 0),
            // W is no HCPCS letter: W11.00 is only an ICD-10-CM reading, and no code.
            ("W1100", "icd10cm", "invalid", "W11.00", 0),
            ("E11.99", "icd10cm", "invalid", "E11.99", 0),
        ];
        for (input, system, status, code, others) in cases {
            let found = lookup(&sets, input);
            assert_eq!(
                (
                    found.system.as_str(),
                    found.status.as_str(),
                    found.code.as_str()
                ),
                (system, status, code),
                "{input}"
            );
            assert_eq!(found.other_readings.len(), others, "{input}");
        }
        let j1100 = lookup(&sets, "J1100");
        assert_eq!(j1100.other_readings[0].system, "hcpcs");
        assert_eq!(
            j1100.other_readings[0].description,
            "HCPCS Level II code; not embedded"
        );
        assert_eq!(
            lookup(&sets, "99213").description,
            "CPT code; CPT is not embedded (AMA licence)"
        );
    }

    #[test]
    fn codebook_fields_follow_the_tabular() {
        let sets = CodeSets::embedded();
        let book = |input: &str| add_codebook(&sets, lookup(&sets, input)).codebook.unwrap();
        let e119 = book("E11.9");
        assert_eq!(e119.severity, None);
        assert!(e119.inclusion_terms.is_empty());
        assert!(e119.notes.use_additional.contains(&NoteRef {
            text: "code to identify control using: insulin (Z79.4)".to_string(),
            from: "E11".to_string(),
        }));
        assert_eq!(e119.notes.excludes1[0].from, "E11.9");
        assert!(e119.notes.excludes1.iter().any(|n| n.from == "chapter 4"));
        assert!(e119.seventh_characters.is_empty());
        let e1121 = book("E11.21");
        assert!(
            e1121
                .inclusion_terms
                .contains(&"Type 2 diabetes mellitus with Kimmelstiel-Wilson disease".to_string())
        );
        assert_eq!(book("J18.9").severity.as_deref(), Some("mcc"));
        assert_eq!(book("N17.9").severity.as_deref(), Some("cc"));
        // S06.1X7: death before regaining consciousness, so only the initial encounter.
        let s061x7 = book("S06.1X7A");
        let chars: Vec<&str> = s061x7
            .seventh_characters
            .iter()
            .map(|c| c.character.as_str())
            .collect();
        assert_eq!(chars, ["A"]);
        assert_eq!(book("S06").seventh_characters.len(), 3);
        let h348112 = book("H34.8112");
        assert!(
            h348112
                .inclusion_terms
                .contains(&"Old central retinal vein occlusion".to_string())
        );
        assert!(lookup(&sets, "0DT44ZZ").codebook.is_none());
        let pcs = add_codebook(&sets, lookup(&sets, "0DT44ZZ")).pcs.unwrap();
        assert_eq!(pcs.axes.len(), 7);
        assert_eq!(
            pcs.axes[3].meaning.as_deref(),
            Some("Esophagogastric Junction")
        );
        assert_eq!(pcs.root_operation.unwrap().name, "Resection");
        assert!(
            add_codebook(&sets, lookup(&sets, "0DT44ZZ"))
                .codebook
                .is_none()
        );
        assert!(
            add_codebook(&sets, lookup(&sets, "E11.99"))
                .codebook
                .is_none()
        );
    }
}
