//! `codedrill check DECK...`: validates decks and reports every problem as `FILE:LINE: message`,
//! then holds each ICD-10-CM answer of a deck that loads against the tabular's conventions
//! and reports what breaks them as `FILE:LINE: warning: message`. Warnings never change the
//! exit status: the guidelines allow some of what they flag (two conditions an Excludes1 note
//! separates may both be coded when they are unrelated), so the author decides.

use crate::exit::ExitStatus;
use std::io::Write;

use anyhow::Result;

use crate::codes::notes::{self, Kind, Note, Role};
use crate::codes::{self, CodeSets, System};
use crate::deck::{self, Deck, Item};
use crate::settings::Settings;
use crate::visible::visible;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  codedrill check my-deck.csv\n  codedrill check exercises/*.csv\n  codedrill check icd10cm-common"
)]
pub struct Args {
    /// Deck files or embedded deck names
    #[arg(required = true, value_name = "DECK")]
    pub decks: Vec<String>,
    #[command(flatten)]
    pub shared: crate::settings::CodesetOption,
}

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    let codes = settings.code_sets()?;
    let mut out = std::io::stdout().lock();
    let mut problems = 0;
    let mut warnings = 0;
    for spec in &args.decks {
        match deck::load_deck(spec, Some(codes)) {
            Ok(deck) => warnings += report_deck(&mut out, &deck, codes)?,
            Err(err) => {
                problems += err.problems.len();
                // Each problem shows its path and message through `visible` itself.
                writeln!(out, "{err}")?;
            }
        }
    }
    // The problems and warnings first, then the count, whichever stream is read.
    out.flush()?;
    if let Some(line) = summary(problems, warnings) {
        eprintln!("{line}");
    }
    Ok(match problems {
        0 => ExitStatus::Success,
        _ => ExitStatus::Error,
    })
}

/// Writes the warnings of a deck that loaded, then its `ok` line; returns how many warnings.
fn report_deck(out: &mut impl Write, deck: &Deck, codes: &CodeSets) -> Result<usize> {
    let source = visible(&deck.source);
    let mut found = 0;
    for item in &deck.items {
        for warning in item_warnings(item, codes) {
            writeln!(
                out,
                "{source}:{}: warning: {}",
                item.line,
                visible(&warning)
            )?;
            found += 1;
        }
    }
    let items = deck.items.len();
    match found {
        0 => writeln!(out, "{source}: ok ({items} items)")?,
        _ => writeln!(
            out,
            "{source}: ok ({items} items, {})",
            plural(found, "warning")
        )?,
    }
    Ok(found)
}

/// The last line, when there is anything to count.
fn summary(problems: usize, warnings: usize) -> Option<String> {
    let problems_found = format!("{} found", plural(problems, "problem"));
    match (problems, warnings) {
        (0, 0) => None,
        (0, _) => Some(format!(
            "{} (the decks can be drilled; each names what to look at)",
            plural(warnings, "warning")
        )),
        (_, 0) => Some(problems_found),
        _ => Some(format!(
            "{problems_found}, and {}",
            plural(warnings, "warning")
        )),
    }
}

/// `1 warning`, `2 warnings`.
fn plural(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

/// What an item's answer and accepted answers break of the tabular's conventions: two codes
/// an Excludes1 note keeps apart, a manifestation code first or alone, an etiology its
/// "code first" note names typed after it, and an accepted answer that an Excludes1 note
/// says cannot stand for the same condition as the answer, or an optional code that such a
/// note keeps from the answer. Each warning once.
fn item_warnings(item: &Item, codes: &CodeSets) -> Vec<String> {
    let key = item.key();
    let alternatives: Vec<Vec<String>> = key
        .alternatives
        .iter()
        .map(|alt| diagnoses(item.system, alt))
        .collect();
    let Some((answer, accepted)) = alternatives.split_first() else {
        return Vec::new();
    };
    let mut warnings = answer_warnings(answer, "answer", codes);
    for (number, alt) in accepted.iter().enumerate() {
        let label = format!("accepted answer {}", number + 1);
        warnings.extend(answer_warnings(alt, &label, codes));
        warnings.extend(accept_conflicts(answer, alt, &label));
    }
    warnings.extend(optional_conflicts(
        answer,
        &diagnoses(item.system, &key.optional),
    ));
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|warning| seen.insert(warning.clone()));
    warnings
}

/// The ICD-10-CM codes of one normalised answer, in order (a record's PCS codes left out).
fn diagnoses(system: System, answer: &[String]) -> Vec<String> {
    if !matches!(system, System::Icd10cm | System::Icd10cmPcs) {
        return Vec::new();
    }
    answer
        .iter()
        .filter(|code| system.of_code(code) == System::Icd10cm)
        .cloned()
        .collect()
}

/// The warnings of one full answer (`what` names it: `answer`, `accepted answer 1`).
fn answer_warnings(answer: &[String], what: &str, codes: &CodeSets) -> Vec<String> {
    let mut warnings = excludes1_pairs(answer, what);
    for (at, code) in answer.iter().enumerate() {
        warnings.extend(code_first_warning(answer, at, code, what, codes));
    }
    warnings
}

/// `E11.9`.
fn dotted(code: &str) -> String {
    codes::display_code(System::Icd10cm, code)
}

/// `Excludes1 at E11: "type 1 diabetes mellitus (E10.-)"`: the note, quoted, and where the
/// tabular places it. A list's lead ends with `...`: its items follow in the tabular.
fn cite(note: &Note) -> String {
    let more = if note.role == Role::Lead { " ..." } else { "" };
    format!(
        "{} at {}: \"{}{more}\"",
        note.kind.label(),
        note.from(),
        note.quote()
    )
}

/// `Excludes1 at E11 keeps apart: "type 1 diabetes mellitus (E10.-)"`.
fn keeps_apart(note: &Note) -> String {
    format!(
        "Excludes1 at {} keeps apart: \"{}\"",
        note.from(),
        note.quote()
    )
}

/// Every pair of codes of one answer that an Excludes1 note forbids together.
fn excludes1_pairs(answer: &[String], what: &str) -> Vec<String> {
    let mut warnings = Vec::new();
    for (at, a) in answer.iter().enumerate() {
        for b in answer[at + 1..].iter().filter(|b| *b != a) {
            if let Some(note) = notes::excludes1_conflict(a, b) {
                warnings.push(format!(
                    "{what} holds {} and {}, which {}; both are coded only when the conditions are unrelated",
                    dotted(a),
                    dotted(b),
                    keeps_apart(note)
                ));
            }
        }
    }
    warnings
}

/// Codes of an accepted answer that an Excludes1 note sets against a code of the answer: two
/// conditions that exclude each other cannot both be the right reading of one prompt.
fn accept_conflicts(answer: &[String], accepted: &[String], what: &str) -> Vec<String> {
    let mut warnings = Vec::new();
    for a in accepted.iter().filter(|code| !answer.contains(code)) {
        for b in answer.iter().filter(|code| !accepted.contains(code)) {
            if let Some(note) = notes::excludes1_conflict(a, b) {
                warnings.push(format!(
                    "{what} has {} where the answer has {}, which {}; one prompt cannot be coded both ways",
                    dotted(a),
                    dotted(b),
                    keeps_apart(note)
                ));
            }
        }
    }
    warnings
}

/// Optional codes that an Excludes1 note sets against a code of the answer: a learner who
/// types one with the answer types a pair the tabular forbids.
fn optional_conflicts(answer: &[String], optional: &[String]) -> Vec<String> {
    let mut warnings = Vec::new();
    for a in optional.iter().filter(|code| !answer.contains(code)) {
        for b in answer {
            if let Some(note) = notes::excludes1_conflict(a, b) {
                warnings.push(format!(
                    "optional {} and the answer's {}, which {}; typing both breaks it",
                    dotted(a),
                    dotted(b),
                    keeps_apart(note)
                ));
            }
        }
    }
    warnings
}

/// The "code first" notes that decide a code's place in an answer: those of the code and its
/// category (a chapter's or section's, such as T36-T50's "for adverse effects", hold only for
/// some of their codes and are left out), and whether the code is a manifestation, which is
/// never coded first nor alone: its title says "in diseases classified elsewhere", or a note
/// asks for its "underlying" condition without "if applicable".
fn code_first_notes(code: &str, codes: &CodeSets) -> (Vec<&'static Note>, bool) {
    let notes: Vec<&'static Note> = notes::notes_of(code, Kind::CodeFirst)
        .into_iter()
        .filter(|note| !note.level.is_block())
        .collect();
    let title = codes
        .get(System::Icd10cm, code)
        .map(|entry| entry.description.to_ascii_lowercase())
        .unwrap_or_default();
    let underlying = notes.iter().any(|note| {
        let text = note.lead.unwrap_or(note.text).to_ascii_lowercase();
        let text = text.trim_start_matches("the ");
        text.starts_with("underlying") && !text.contains("if applicable")
    });
    let manifestation = title.contains("in diseases classified elsewhere") || underlying;
    (notes, manifestation)
}

/// The warning of a code at `at` in an answer whose "code first" note it breaks: a
/// manifestation coded first (or alone), or a code its note names to come first coded after
/// it with none of those codes before it.
fn code_first_warning(
    answer: &[String],
    at: usize,
    code: &str,
    what: &str,
    codes: &CodeSets,
) -> Option<String> {
    let (notes, manifestation) = code_first_notes(code, codes);
    if notes.is_empty() && !manifestation {
        return None;
    }
    let named = |other: &String| other != code && notes.iter().any(|note| note.names(other));
    if manifestation && at == 0 {
        let why = match notes.first() {
            Some(note) => cite(note),
            None => "its title says \"in diseases classified elsewhere\"".to_string(),
        };
        let code = dotted(code);
        return Some(match answer.len() {
            1 => format!(
                "{what} is {code} alone, a manifestation code: its underlying condition is coded first ({why})"
            ),
            _ => format!(
                "{what} puts {code} first, but it is a manifestation code: its underlying condition comes first ({why})"
            ),
        });
    }
    if answer[..at].iter().any(named) {
        return None;
    }
    let later = answer[at + 1..].iter().find(|other| named(other))?;
    let note = notes.iter().find(|note| note.names(later))?;
    Some(format!(
        "{what} puts {} after {}, but {} puts it before",
        dotted(later),
        dotted(code),
        cite(note)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(answer: &str, accept: &str) -> Item {
        Item {
            id: "x1".into(),
            prompt: "A case".into(),
            answer: answer.into(),
            system: System::Icd10cm,
            accept: accept.into(),
            category: String::new(),
            rationale: String::new(),
            optional: String::new(),
            setting: None,
            deck: "d".into(),
            line: 2,
        }
    }

    #[test]
    fn conventions_raise_warnings() {
        let codes = CodeSets::embedded();
        // (answer, accept, a fragment of each warning expected; none when empty)
        let cases: [(&str, &str, &[&str]); 10] = [
            ("E11.9", "", &[]),
            ("E11.22;N18.31", "", &[]),
            ("G30.9;F02.80", "", &[]),
            (
                "E11.9;E10.9",
                "",
                &[
                    "answer holds E11.9 and E10.9, which Excludes1 at E11 keeps apart: \"type 1 diabetes mellitus (E10.-)\"",
                ],
            ),
            (
                "F02.80;G30.9",
                "",
                &["answer puts F02.80 first, but it is a manifestation code"],
            ),
            (
                "F02.80",
                "",
                &["answer is F02.80 alone, a manifestation code"],
            ),
            (
                "I10;F02.80;G30.9",
                "",
                &[
                    "answer puts G30.9 after F02.80, but Code first at F02: \"the underlying physiological condition, such as: Alzheimer's (G30.-)\" puts it before",
                ],
            ),
            (
                "E11.9",
                "E10.9",
                &["accepted answer 1 has E10.9 where the answer has E11.9"],
            ),
            ("E11.9", "E11.8", &[]),
            ("0DT44ZZ", "", &[]),
        ];
        for (answer, accept, want) in cases {
            let mut item = item(answer, accept);
            if answer.starts_with('0') {
                item.system = System::Icd10pcs;
            }
            let got = item_warnings(&item, &codes);
            assert_eq!(got.len(), want.len(), "{answer} | {accept}: {got:#?}");
            for (got, want) in got.iter().zip(want) {
                assert!(got.contains(want), "{answer}: {got}");
            }
        }
    }

    #[test]
    fn a_title_alone_makes_a_manifestation() {
        let codes = CodeSets::embedded();
        // H36.8-: "Other retinal disorders in diseases classified elsewhere".
        let (_, manifestation) = code_first_notes("H36811", &codes);
        assert!(manifestation);
        // N18: "Code first any associated ..." asks for an order, not an etiology.
        let (notes, manifestation) = code_first_notes("N1831", &codes);
        assert!(!notes.is_empty() && !manifestation);
    }
}
