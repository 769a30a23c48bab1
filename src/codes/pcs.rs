//! ICD-10-PCS character by character: each of a code's seven characters is a value on an axis
//! (section, body system, root operation, body part, approach, device, qualifier in the Medical
//! and Surgical section; other axes elsewhere), and what a value means depends on the
//! characters before it: body part `4` is the gallbladder in table `0FT` and the
//! esophagogastric junction in `0DT`.
//!
//! Embedded from `codesets/icd10pcs-sections.tsv`, `icd10pcs-body-systems.tsv`,
//! `icd10pcs-axes.tsv` and `icd10pcs-definitions.tsv` (formats in `codesets/README.md`); the
//! meanings are decompressed a chunk at a time, on first use. A character's meaning is read in
//! its own code's context, so the meaning of a typed character is found whether or not the
//! typed code exists, as long as its table does.

use std::sync::OnceLock;

use super::System;
use crate::embedded as data;

/// The seven characters of a code.
pub const LENGTH: usize = 7;

/// One section of ICD-10-PCS (its first character).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub value: char,
    /// `Medical and Surgical`, `Imaging`...
    pub title: &'static str,
    /// The fiscal year of the CMS release it is embedded from (`FY2025`).
    pub release: &'static str,
    /// Each character's axis as CMS's tables name it (`Root Operation`, `Contrast`...).
    pub axes: [&'static str; LENGTH],
    /// The same names in lower case, for sentences and report keys (`root operation`); a name
    /// the section gives two characters says which where Medical and Surgical has no such
    /// axis (`qualifier 6` in imaging).
    pub keys: [&'static str; LENGTH],
}

/// Every embedded section, in code order.
pub fn sections() -> &'static [Section] {
    static SECTIONS: OnceLock<Vec<Section>> = OnceLock::new();
    SECTIONS.get_or_init(|| {
        let mut sections: Vec<Section> = data::ICD10PCS_SECTIONS
            .lines()
            .filter_map(parse_section)
            .collect();
        let canonical = sections.first().map(|s| s.axes).unwrap_or_default();
        for section in &mut sections {
            tell_apart(section, &canonical);
        }
        sections
    })
}

/// A name a section gives two characters keeps its plain key where the Medical and Surgical
/// section has it (body system at 2, qualifier at 7), and takes its position elsewhere
/// (`qualifier 6` in imaging, `body system 4` in measurement), so that report groups of one
/// name are one axis.
fn tell_apart(section: &mut Section, canonical: &[&'static str; LENGTH]) {
    let axes = section.axes;
    for (at, name) in axes.iter().enumerate() {
        let repeated = axes.iter().filter(|other| *other == name).count() > 1;
        if repeated && canonical[at] != *name {
            section.keys[at] = format!("{} {}", section.keys[at], at + 1).leak();
        }
    }
}

fn parse_section(line: &'static str) -> Option<Section> {
    let mut fields = line.split('\t');
    let value = fields.next()?.chars().next()?;
    let title = fields.next()?;
    let release = fields.next()?;
    let names: Vec<&'static str> = fields.map(str::trim_end).collect();
    let axes: [&'static str; LENGTH] = names.try_into().ok()?;
    let keys = axes.map(|name| &*name.to_lowercase().leak());
    Some(Section {
        value,
        title,
        release,
        axes,
        keys,
    })
}

/// The section a code belongs to (its first character).
pub fn section_of(code: &str) -> Option<&'static Section> {
    let first = code.chars().next()?;
    sections().iter().find(|s| s.value == first)
}

/// `PREFIX\tNAME` lines of the body systems, every section.
fn body_systems() -> &'static [(&'static str, &'static str)] {
    static SYSTEMS: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    SYSTEMS.get_or_init(|| {
        data::ICD10PCS_BODY_SYSTEMS
            .lines()
            .filter_map(|line| {
                let (prefix, name) = line.split_once('\t')?;
                Some((prefix, name.trim_end()))
            })
            .collect()
    })
}

/// The name of the body system a code's first two characters name.
pub fn body_system(code: &str) -> Option<&'static str> {
    let prefix = code.get(..2)?;
    body_systems()
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, name)| *name)
}

/// One row of `icd10pcs-axes.tsv`: what a value means at a position, in a table (or, for a
/// value whose meaning changes within its table, for one code).
#[derive(Debug, Clone, Copy)]
struct Meaning {
    key: &'static str,
    position: u8,
    value: u8,
    meaning: &'static str,
}

struct Chunk {
    key: &'static str,
    compressed: &'static [u8],
    rows: OnceLock<Vec<Meaning>>,
}

fn chunks() -> &'static [Chunk] {
    static CHUNKS: OnceLock<Vec<Chunk>> = OnceLock::new();
    CHUNKS.get_or_init(|| {
        data::ICD10PCS_AXES
            .iter()
            .map(|&(key, compressed)| Chunk {
                key,
                compressed,
                rows: OnceLock::new(),
            })
            .collect()
    })
}

/// The text of an embedded LZ4 block, kept for the life of the process (the meanings point
/// into it). Our own build compressed it: a failure is a corrupted binary, read as empty.
fn decode_static(compressed: &[u8]) -> &'static str {
    let bytes = lz4_flex::decompress_size_prepended(compressed).unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default().leak()
}

fn parse_meanings(text: &'static str) -> Vec<Meaning> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let key = fields.next()?;
            let position = fields.next()?.parse().ok()?;
            let value = *fields.next()?.as_bytes().first()?;
            let meaning = fields.next()?;
            Some(Meaning {
                key,
                position,
                value,
                meaning,
            })
        })
        .collect()
}

/// The meaning recorded for `value` at `position` under `key` (a table or a whole code).
fn recorded(key: &str, position: usize, value: u8) -> Option<&'static str> {
    let chunk_key = key.get(..2)?;
    let chunks = chunks();
    let chunk = &chunks[chunks.binary_search_by(|c| c.key.cmp(chunk_key)).ok()?];
    let rows = chunk
        .rows
        .get_or_init(|| parse_meanings(decode_static(chunk.compressed)));
    let wanted = (key, position as u8, value);
    let at = rows
        .binary_search_by(|row| (row.key, row.position, row.value).cmp(&wanted))
        .ok()?;
    Some(rows[at].meaning)
}

/// What the character at `position` (1–7) of a well-formed code means in its context; `None`
/// when the embedded tables do not have that value there (a table that does not exist, a
/// value its table does not use).
pub fn meaning(code: &str, position: usize) -> Option<&'static str> {
    let bytes = code.as_bytes();
    let value = *bytes.get(position.checked_sub(1)?)?;
    match position {
        1 => section_of(code).map(|s| s.title),
        2 => body_system(code),
        3..=LENGTH if bytes.len() == LENGTH => {
            recorded(code, position, value).or_else(|| recorded(code.get(..3)?, position, value))
        }
        _ => None,
    }
}

/// One character of a code, read in its code's context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Character {
    /// 1 to 7.
    pub position: usize,
    /// The axis as the code's section names it (`Approach`).
    pub axis: &'static str,
    pub value: char,
    /// What the value means here; `None` when the tables do not have it.
    pub meaning: Option<&'static str>,
    /// The table (first three characters) the value was read in.
    pub table: String,
}

impl Character {
    /// What the value means, or that its table has no such value.
    pub fn meaning_text(&self) -> String {
        match self.meaning {
            Some(meaning) => meaning.to_string(),
            None => format!("not a value of table {}", self.table),
        }
    }

    /// `4 (Percutaneous Endoscopic)`, or `0 (not a value of table BW0)`.
    pub fn described(&self) -> String {
        format!("{} ({})", self.value, self.meaning_text())
    }
}

/// Whether a normalised code has the shape of a PCS code.
pub fn is_pcs_shaped(code: &str) -> bool {
    super::is_well_formed(System::Icd10pcs, code) && code.len() == LENGTH
}

/// The seven characters of a PCS-shaped code, each with its axis and meaning; `None` for
/// anything else, or a code of a section codedrill does not know.
pub fn characters(code: &str) -> Option<Vec<Character>> {
    if !is_pcs_shaped(code) {
        return None;
    }
    let section = section_of(code)?;
    Some(
        code.chars()
            .enumerate()
            .map(|(at, value)| Character {
                position: at + 1,
                axis: section.axes[at],
                value,
                meaning: meaning(code, at + 1),
                table: code[..3].to_string(),
            })
            .collect(),
    )
}

/// A character in which a typed code differs from the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub position: usize,
    /// The axis as the answer's section names it, in lower case.
    pub axis: &'static str,
    pub typed: Character,
    pub expected: Character,
}

impl Difference {
    /// `character 5, approach: you typed 0 (Open), the answer is 4 (Percutaneous
    /// Endoscopic)`.
    pub fn sentence(&self) -> String {
        format!(
            "character {}, {}: you typed {}, the answer is {}",
            self.position,
            self.axis,
            self.typed.described(),
            self.expected.described()
        )
    }
}

/// The characters in which two PCS-shaped codes differ, each read in its own code's context;
/// empty when either is not PCS-shaped or they are equal.
pub fn differences(expected: &str, typed: &str) -> Vec<Difference> {
    let (Some(want), Some(got)) = (characters(expected), characters(typed)) else {
        return Vec::new();
    };
    let Some(section) = section_of(expected) else {
        return Vec::new();
    };
    want.into_iter()
        .zip(got)
        .filter(|(w, g)| w.value != g.value)
        .map(|(expected, typed)| Difference {
            position: expected.position,
            axis: section.keys[expected.position - 1],
            typed,
            expected,
        })
        .collect()
}

/// How many characters two equally long codes share, position by position.
fn shared(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).filter(|(x, y)| x == y).count()
}

/// The PCS-shaped code of `typed` closest to `expected` (most characters in place; the first
/// on a tie).
pub fn closest<'a>(expected: &str, typed: &'a [String]) -> Option<&'a String> {
    typed
        .iter()
        .filter(|code| is_pcs_shaped(code))
        .fold(None, |best: Option<&String>, code| match best {
            Some(b) if shared(expected, b) >= shared(expected, code) => Some(b),
            _ => Some(code),
        })
}

/// The PCS codes of a written answer (`;`-separated, as decks and logs write it), normalised.
pub fn answer_codes(system: System, answer: &str) -> Vec<String> {
    answer
        .split(';')
        .map(|code| super::normalize(system, code))
        .filter(|code| system.of_code(code) == System::Icd10pcs && is_pcs_shaped(code))
        .collect()
}

/// The typed codes of an answer, normalised.
fn typed_codes(system: System, entered: &str) -> Vec<String> {
    super::split_codes(system, entered)
        .iter()
        .map(|code| super::normalize(system, code))
        .collect()
}

/// Pairs each PCS code of the answer that was not typed with the typed PCS code closest to it
/// that is not in the answer: what to explain character by character.
pub fn near_pairs(system: System, answer: &str, entered: &str) -> Vec<(String, String)> {
    let wanted = answer_codes(system, answer);
    let typed: Vec<String> = typed_codes(system, entered)
        .into_iter()
        .filter(|code| !wanted.contains(code))
        .collect();
    wanted
        .iter()
        .filter(|code| !typed_codes(system, entered).contains(code))
        .filter_map(|code| Some((code.clone(), closest(code, &typed)?.clone())))
        .collect()
}

/// Which characters of a PCS answer were right: the answer's first PCS code against the typed
/// PCS-shaped code closest to it (nothing typed: every character wrong).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxisMarks {
    pub section: &'static Section,
    pub right: [bool; LENGTH],
}

impl AxisMarks {
    /// Marks of a logged attempt; `None` when its answer holds no PCS code (of a known
    /// section).
    pub fn of(system: System, expected: &str, entered: &str) -> Option<AxisMarks> {
        if !matches!(system, System::Icd10pcs | System::Icd10cmPcs) {
            return None;
        }
        let want = answer_codes(system, expected).into_iter().next()?;
        let section = section_of(&want)?;
        let typed = typed_codes(system, entered);
        let mut right = [false; LENGTH];
        if let Some(got) = closest(&want, &typed) {
            for (at, (w, g)) in want.bytes().zip(got.bytes()).enumerate() {
                right[at] = w == g;
            }
        }
        Some(AxisMarks { section, right })
    }

    /// (position, axis in lower case, right) for each character.
    pub fn each(&self) -> impl Iterator<Item = (usize, &'static str, bool)> + '_ {
        (0..LENGTH).map(|at| (at + 1, self.section.keys[at], self.right[at]))
    }
}

/// A root operation's or approach's definition (sections 0 and 1 in the data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub section: &'static str,
    pub position: usize,
    pub value: char,
    pub name: &'static str,
    pub definition: &'static str,
    pub explanation: &'static str,
    pub examples: &'static str,
}

fn definitions() -> &'static [Definition] {
    static DEFINITIONS: OnceLock<Vec<Definition>> = OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        data::ICD10PCS_DEFINITIONS
            .lines()
            .filter_map(|line| {
                let mut f = line.split('\t');
                Some(Definition {
                    section: f.next()?,
                    position: f.next()?.parse().ok()?,
                    value: f.next()?.chars().next()?,
                    name: f.next()?,
                    definition: f.next()?,
                    explanation: f.next().unwrap_or(""),
                    examples: f.next().unwrap_or("").trim_end(),
                })
            })
            .collect()
    })
}

/// The definition of the value at `position` (3: root operation, 5: approach) of a code: its
/// own section's, else the Medical and Surgical section's of the same name (PCS defines a root
/// operation or approach once: Replacement in New Technology is section 0's Replacement).
fn definition_at(code: &str, position: usize) -> Option<&'static Definition> {
    let section = code.get(..1)?;
    let value = code.chars().nth(position - 1)?;
    let all = definitions();
    let own = all
        .iter()
        .find(|d| d.section == section && d.position == position && d.value == value);
    own.or_else(|| {
        let name = meaning(code, position)?;
        all.iter()
            .find(|d| d.section == "0" && d.position == position && d.name == name)
    })
}

/// The definition of a code's root operation (3rd character), when PCS defines it.
pub fn root_operation(code: &str) -> Option<&'static Definition> {
    let section = section_of(code)?;
    (section.axes[2] == "Root Operation")
        .then(|| definition_at(code, 3))
        .flatten()
}

/// The definition of a code's approach (5th character), when its section has one.
pub fn approach(code: &str) -> Option<&'static Definition> {
    let section = section_of(code)?;
    (section.axes[4] == "Approach")
        .then(|| definition_at(code, 5))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meanings(code: &str) -> Vec<(&'static str, Option<&'static str>)> {
        characters(code)
            .unwrap()
            .into_iter()
            .map(|c| (c.axis, c.meaning))
            .collect()
    }

    #[test]
    fn labels_a_medical_and_surgical_code() {
        assert_eq!(
            meanings("0FT44ZZ"),
            [
                ("Section", Some("Medical and Surgical")),
                ("Body System", Some("Hepatobiliary System and Pancreas")),
                ("Root Operation", Some("Resection")),
                ("Body Part", Some("Gallbladder")),
                ("Approach", Some("Percutaneous Endoscopic")),
                ("Device", Some("No Device")),
                ("Qualifier", Some("No Qualifier")),
            ]
        );
        // The same body-part value means something else in another body system.
        assert_eq!(meaning("0DT44ZZ", 4), Some("Esophagogastric Junction"));
    }

    #[test]
    fn labels_codes_of_other_sections() {
        assert_eq!(
            meanings("BW03ZZZ"),
            [
                ("Section", Some("Imaging")),
                ("Body System", Some("Anatomical Regions")),
                ("Type", Some("Plain Radiography")),
                ("Body Part", Some("Chest")),
                ("Contrast", Some("None")),
                ("Qualifier", Some("None")),
                ("Qualifier", Some("None")),
            ]
        );
        assert_eq!(
            meanings("10E0XZZ"),
            [
                ("Section", Some("Obstetrics")),
                ("Body System", Some("Pregnancy")),
                ("Root Operation", Some("Delivery")),
                ("Body Part", Some("Products of Conception")),
                ("Approach", Some("External")),
                ("Device", Some("No Device")),
                ("Qualifier", Some("No Qualifier")),
            ]
        );
        assert_eq!(
            meanings("30233N1")[3..],
            [
                ("Body System / Region", Some("Peripheral Vein")),
                ("Approach", Some("Percutaneous")),
                ("Substance", Some("Red Blood Cells")),
                ("Qualifier", Some("Nonautologous")),
            ]
        );
        assert_eq!(section_of("HZ2ZZZZ").map(|s| s.release), Some("FY2024"));
        // Imaging has two qualifiers: their keys say which character.
        let imaging = section_of("BW03ZZZ").unwrap();
        assert_eq!(imaging.keys[4..], ["contrast", "qualifier 6", "qualifier"]);
        let measurement = section_of("4A00X4Z").unwrap();
        assert_eq!(measurement.keys[1], "body system");
        assert_eq!(measurement.keys[3], "body system 4");
        assert_eq!(section_of("0FT44ZZ").map(|s| s.release), Some("FY2025"));
    }

    #[test]
    fn a_typed_code_that_does_not_exist_is_read_in_its_table() {
        // 0FT48ZZ is no code (no endoscopic resection of the gallbladder via an opening), yet
        // each of its characters has a meaning in table 0FT.
        assert_eq!(
            meaning("0FT48ZZ", 5),
            Some("Via Natural or Artificial Opening Endoscopic")
        );
        // A value table 0FT never uses at the 4th character.
        assert_eq!(meaning("0FTZ4ZZ", 4), None);
        assert!(characters("0FT4").is_none() && characters("E11.9").is_none());
    }

    #[test]
    fn differences_name_position_axis_and_both_meanings() {
        let diff = differences("0FT44ZZ", "0FT40ZZ");
        assert_eq!(diff.len(), 1);
        assert_eq!(
            diff[0].sentence(),
            "character 5, approach: you typed 0 (Open), the answer is 4 (Percutaneous Endoscopic)"
        );
        assert!(differences("0FT44ZZ", "0FT44ZZ").is_empty());
        // Plain radiography of the chest takes no contrast: the typed value is not in its table.
        assert_eq!(
            differences("BW03ZZZ", "BW030ZZ")[0].sentence(),
            "character 5, contrast: you typed 0 (not a value of table BW0), the answer is Z (None)"
        );
        assert!(differences("0FT44ZZ", "E119").is_empty());
    }

    #[test]
    fn axis_marks_compare_the_closest_typed_code() {
        let marks = AxisMarks::of(System::Icd10pcs, "0FT44ZZ", "0FT40ZZ").unwrap();
        assert_eq!(marks.right, [true, true, true, true, false, true, true]);
        let names: Vec<&str> = marks.each().map(|(_, axis, _)| axis).collect();
        assert_eq!(names[2], "root operation");
        let none = AxisMarks::of(System::Icd10pcs, "0FT44ZZ", "").unwrap();
        assert_eq!(none.right, [false; LENGTH]);
        let record = AxisMarks::of(System::Icd10cmPcs, "K80.20;0FT44ZZ", "K80.20 0DT44ZZ").unwrap();
        assert_eq!(record.right, [true, false, true, true, true, true, true]);
        assert!(AxisMarks::of(System::Icd10cm, "E11.9", "E11.8").is_none());
    }

    /// The shipped `icd10pcs-other` deck: at least 50 PCS items over at least 10 sections
    /// other than Medical and Surgical, each answer's characters known to the tables.
    #[test]
    fn the_other_sections_deck_covers_ten_sections() {
        let deck = crate::deck::load_deck("icd10pcs-other", None).unwrap();
        assert!(deck.items.len() >= 50, "{}", deck.items.len());
        let mut sections: Vec<char> = Vec::new();
        for item in &deck.items {
            assert_eq!(item.system, System::Icd10pcs, "{}", item.id);
            let code = crate::codes::normalize(System::Icd10pcs, &item.answer);
            let characters = characters(&code).unwrap_or_else(|| panic!("{}", item.id));
            assert!(
                characters.iter().all(|c| c.meaning.is_some()),
                "{}",
                item.id
            );
            let section = code.chars().next().unwrap();
            if section != '0' && !sections.contains(&section) {
                sections.push(section);
            }
        }
        assert!(sections.len() >= 10, "{sections:?}");
    }

    #[test]
    fn definitions_come_from_the_section_or_section_0_by_name() {
        let resection = root_operation("0FT44ZZ").unwrap();
        assert_eq!(resection.name, "Resection");
        assert!(resection.definition.starts_with("Cutting out or off"));
        assert_eq!(approach("0FT44ZZ").unwrap().name, "Percutaneous Endoscopic");
        assert_eq!(root_operation("10E0XZZ").unwrap().name, "Delivery");
        // Imaging has types, not root operations; its 5th character is the contrast.
        assert!(root_operation("BW03ZZZ").is_none() && approach("BW03ZZZ").is_none());
    }
}
