//! `codedrill lookup CODE...`: codes looked up in the embedded code sets, with suggestions for
//! codes that do not exist; `--search` by words and `--all` for a whole set.

use crate::exit::ExitStatus;
use std::io::{self, Write};

use anyhow::{Result, bail};
use clap::ValueEnum;
use serde::Serialize;

use crate::codes::{self, CodeSets, Entry, System, nearby};
use crate::record::guard;
use crate::settings::Settings;
use crate::visible::{json_visible, visible};

const LOOKUP_EXAMPLES: &str = "\
Examples:
  codedrill lookup E11.9 e1165 S52.521A 0DT44ZZ
  codedrill lookup E11.99                     invalid: nearest real codes suggested
  codedrill lookup --search \"type 2 diabetes kidney\"
  codedrill lookup --all icd10pcs --format csv > pcs.csv";

#[derive(Debug, clap::Args)]
#[command(after_help = LOOKUP_EXAMPLES)]
pub struct Args {
    /// Codes to look up (dotted or not, any letter case)
    #[arg(value_name = "CODE", required_unless_present_any = ["search", "all"])]
    pub codes: Vec<String>,
    /// Find codes whose description has all these words
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["codes", "all"])]
    pub search: Option<String>,
    /// List every code of a set
    #[arg(long, value_name = "SYSTEM", value_enum, conflicts_with = "codes")]
    pub all: Option<SetName>,
    /// Most results shown by --search
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub limit: usize,
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

/// A looked-up code, as every format shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub input: String,
    /// Dotted form; empty when the input is not a code at all.
    pub code: String,
    /// `icd10cm` or `icd10pcs`; empty when unknown.
    pub system: String,
    /// `billable`, `header` or `invalid`.
    pub status: String,
    pub description: String,
    /// For invalid input: the nearest real codes.
    pub suggestions: Vec<Suggestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub code: String,
    pub status: String,
    pub description: String,
}

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    let sets = settings.code_sets()?;
    let found: Vec<Found> = if let Some(query) = &args.search {
        let found = nearby::search(&[&sets.icd10cm, &sets.icd10pcs], query, args.limit);
        if found.hits.is_empty() {
            bail!("no code's description has all of: {}", visible(query));
        }
        if found.total > found.hits.len() {
            // On stderr, so the rows on stdout stay data.
            eprintln!(
                "{} codes match; the best {} are shown (--limit N shows more)",
                found.total,
                found.hits.len()
            );
        }
        found
            .hits
            .into_iter()
            .map(|e| from_entry(&e.code.clone(), e))
            .collect()
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
        args.codes.iter().map(|input| lookup(sets, input)).collect()
    };
    let mut out = io::stdout().lock();
    match args.format {
        Format::Table => write_table(&mut out, &found)?,
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

/// Looks one typed code up in ICD-10-CM, then ICD-10-PCS.
pub fn lookup(sets: &CodeSets, input: &str) -> Found {
    for system in [System::Icd10cm, System::Icd10pcs] {
        if !codes::is_well_formed(system, input) {
            continue;
        }
        if let Some(entry) = sets.get(system, &codes::normalize(system, input)) {
            return from_entry_in(system, input, entry);
        }
    }
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
    }
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
    ])?;
    for f in found {
        writer.write_record([
            csv_cell(&f.input),
            csv_cell(&f.code),
            f.system.clone(),
            f.status.clone(),
            csv_cell(&f.description),
            csv_cell(&suggestion_text(f)),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

fn write_table(out: &mut impl Write, found: &[Found]) -> Result<()> {
    let width = found.iter().map(|f| f.code.len()).max().unwrap_or(4).max(4);
    for f in found {
        let code = if f.code.is_empty() {
            f.input.as_str()
        } else {
            f.code.as_str()
        };
        let description = if f.status == "invalid" {
            "not a code in the code set".to_string()
        } else {
            f.description.clone()
        };
        writeln!(
            out,
            "{:<width$}  {:<8}  {}",
            visible(code),
            f.status,
            visible(&description)
        )?;
        for s in &f.suggestions {
            writeln!(
                out,
                "{:<width$}    did you mean {} ({}) — {}",
                "",
                visible(&s.code),
                s.status,
                visible(&s.description)
            )?;
        }
    }
    Ok(())
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
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"http://x\"\")\",,,invalid,'@SUM(A1),'=E11.9"
        );
        assert_eq!(lines[2], "'+1,,,invalid,'-2,'=E11.9");
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
}
