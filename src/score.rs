//! Scoring: one verdict, detail and score for what was typed against an item's answer key.
//!
//! The rules, as the SPEC states them:
//! - `correct` when the typed codes equal the answer or an `accept` answer after
//!   normalisation (trim, upper case, ICD-10-CM dot optional unless `--strict`);
//! - a case (two or more answer codes) is graded as published coding tests grade it:
//!   `matched` = typed codes found in the key, duplicates once, optional codes ignored on both
//!   sides; `score = matched / max(key codes, typed non-optional codes)`; the principal
//!   (first) code must come first, or the answer loses one key share (all codes given with
//!   the wrong one first is `partial` with detail `sequence`); order among the secondary codes
//!   is free. A score between 0 and 1 is `partial`;
//! - `near_miss` for a real code close to the answer, the closest kind first:
//!   `seventh_character`, `placeholder`, `not_billable` (an ancestor header),
//!   `pcs_axis` (ICD-10-PCS: the same table, one or two of the last four characters off),
//!   `transposition`, `same_category`, `typo`; `spelling` for terms; `format` under
//!   `--strict` when only the layout was wrong;
//! - `incorrect` for a real code that is not close, `invalid` for a malformed code or one the
//!   code set does not hold, `skipped` for nothing typed, `timed_out` when time ran out.
//!
//! Where codedrill has no code set for a system (CPT, HCPCS) a well-formed code counts as real.

use std::fmt;

use crate::codes::{self, CodeSets, Status, System};

/// The verdict of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    Correct,
    Partial,
    NearMiss,
    Incorrect,
    Invalid,
    Skipped,
    TimedOut,
}

impl Verdict {
    pub const ALL: [Verdict; 7] = [
        Verdict::Correct,
        Verdict::Partial,
        Verdict::NearMiss,
        Verdict::Incorrect,
        Verdict::Invalid,
        Verdict::Skipped,
        Verdict::TimedOut,
    ];

    /// The name used in the log.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::Partial => "partial",
            Verdict::NearMiss => "near_miss",
            Verdict::Incorrect => "incorrect",
            Verdict::Invalid => "invalid",
            Verdict::Skipped => "skipped",
            Verdict::TimedOut => "timed_out",
        }
    }

    /// Parses a log value.
    #[inline]
    pub fn parse(name: &str) -> Option<Verdict> {
        Some(match name {
            "correct" => Verdict::Correct,
            "partial" => Verdict::Partial,
            "near_miss" => Verdict::NearMiss,
            "incorrect" => Verdict::Incorrect,
            "invalid" => Verdict::Invalid,
            "skipped" => Verdict::Skipped,
            "timed_out" => Verdict::TimedOut,
            _ => return None,
        })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an answer was a near miss or partial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Detail {
    Typo,
    Transposition,
    SeventhCharacter,
    Placeholder,
    SameCategory,
    NotBillable,
    Spelling,
    Sequence,
    Format,
    Excludes1,
    CodeFirst,
    UseAdditional,
    /// ICD-10-PCS: one or two characters after the table (the first three) differ.
    PcsAxis,
}

impl Detail {
    pub const ALL: [Detail; 13] = [
        Detail::Typo,
        Detail::Transposition,
        Detail::SeventhCharacter,
        Detail::Placeholder,
        Detail::SameCategory,
        Detail::NotBillable,
        Detail::Spelling,
        Detail::Sequence,
        Detail::Format,
        Detail::Excludes1,
        Detail::CodeFirst,
        Detail::UseAdditional,
        Detail::PcsAxis,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Detail::Typo => "typo",
            Detail::Transposition => "transposition",
            Detail::SeventhCharacter => "seventh_character",
            Detail::Placeholder => "placeholder",
            Detail::SameCategory => "same_category",
            Detail::NotBillable => "not_billable",
            Detail::Spelling => "spelling",
            Detail::Sequence => "sequence",
            Detail::Format => "format",
            Detail::Excludes1 => "excludes1",
            Detail::CodeFirst => "code_first",
            Detail::UseAdditional => "use_additional",
            Detail::PcsAxis => "pcs_axis",
        }
    }

    #[inline]
    pub fn parse(name: &str) -> Option<Detail> {
        Some(match name {
            "typo" => Detail::Typo,
            "transposition" => Detail::Transposition,
            "seventh_character" => Detail::SeventhCharacter,
            "placeholder" => Detail::Placeholder,
            "same_category" => Detail::SameCategory,
            "not_billable" => Detail::NotBillable,
            "spelling" => Detail::Spelling,
            "sequence" => Detail::Sequence,
            "format" => Detail::Format,
            "excludes1" => Detail::Excludes1,
            "code_first" => Detail::CodeFirst,
            "use_additional" => Detail::UseAdditional,
            "pcs_axis" => Detail::PcsAxis,
            _ => return None,
        })
    }

    /// A few words for reports, where the identifier would mean little to a reader.
    pub fn label(self) -> &'static str {
        match self {
            Detail::Typo => "a typo",
            Detail::Transposition => "swapped characters",
            Detail::SeventhCharacter => "wrong 7th character",
            Detail::Placeholder => "placeholder X",
            Detail::SameCategory => "right category only",
            Detail::NotBillable => "header code",
            Detail::Spelling => "spelling",
            Detail::Sequence => "out of sequence",
            Detail::Format => "dot misplaced",
            Detail::Excludes1 => "Excludes1 pair",
            Detail::CodeFirst => "manifestation first",
            Detail::UseAdditional => "use-additional code missing",
            Detail::PcsAxis => "wrong PCS axis value",
        }
    }

    /// A sentence for feedback.
    pub fn explain(self) -> &'static str {
        match self {
            Detail::Typo => "one character off",
            Detail::Transposition => "two neighbouring characters swapped",
            Detail::SeventhCharacter => "wrong or missing 7th character",
            Detail::Placeholder => "placeholder X missing or misplaced",
            Detail::SameCategory => "right category, wrong specificity",
            Detail::NotBillable => "a header code: keep going to a billable code",
            Detail::Spelling => "a spelling slip",
            Detail::Sequence => "all codes given, but out of sequence",
            Detail::Format => "right code, wrong layout (dot after the 3rd character)",
            Detail::Excludes1 => "two codes an Excludes1 note says are never coded together",
            Detail::CodeFirst => "a manifestation code comes after the condition that causes it",
            Detail::UseAdditional => {
                "a code that a \"use additional code\" note asks for is missing"
            }
            Detail::PcsAxis => "right table, one or two characters (axes) off",
        }
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The scored result of one attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub verdict: Verdict,
    pub detail: Option<Detail>,
    pub score: f64,
}

impl Outcome {
    fn new(verdict: Verdict, detail: Option<Detail>, score: f64) -> Outcome {
        Outcome {
            verdict,
            detail,
            score,
        }
    }

    /// An outcome without detail, scored 1 when correct and 0 otherwise.
    pub fn plain(verdict: Verdict) -> Outcome {
        let score = if verdict == Verdict::Correct {
            1.0
        } else {
            0.0
        };
        Outcome::new(verdict, None, score)
    }

    fn near(detail: Detail) -> Outcome {
        Outcome::new(Verdict::NearMiss, Some(detail), 0.0)
    }

    /// The outcome of an item whose time ran out.
    pub fn timed_out() -> Outcome {
        Outcome::plain(Verdict::TimedOut)
    }

    /// The outcome of an item skipped on purpose.
    pub fn skipped() -> Outcome {
        Outcome::plain(Verdict::Skipped)
    }

    /// Ranks outcomes so the best of several alternatives wins.
    fn rank(&self) -> (u8, f64) {
        let class = match self.verdict {
            Verdict::Correct => 6,
            Verdict::Partial => 5,
            Verdict::NearMiss => 4,
            Verdict::Incorrect => 3,
            Verdict::Invalid => 2,
            Verdict::Skipped => 1,
            Verdict::TimedOut => 0,
        };
        (class, self.score)
    }
}

/// An item's answer key: the answer and every accepted alternative, each a list of
/// normalised codes in the required sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerKey {
    pub system: System,
    pub alternatives: Vec<Vec<String>>,
    /// Codes that may be typed or left out without changing the score
    pub optional: Vec<String>,
}

impl AnswerKey {
    /// Builds a key from the deck's `answer` and `accept` fields.
    pub fn new(system: System, answer: &str, accept: &str) -> AnswerKey {
        AnswerKey::with_optional(system, answer, accept, "")
    }

    /// Builds a key from the deck's `answer`, `accept` and `optional` fields.
    pub fn with_optional(system: System, answer: &str, accept: &str, optional: &str) -> AnswerKey {
        let mut alternatives = vec![parse_answer(system, answer)];
        alternatives.extend(
            accept
                .split('|')
                .map(|alt| parse_answer(system, alt))
                .filter(|alt| !alt.is_empty()),
        );
        let optional = optional
            .split('|')
            .flat_map(|codes| parse_answer(system, codes))
            .collect();
        AnswerKey {
            system,
            alternatives,
            optional,
        }
    }

    /// The principal answer's codes.
    pub fn answer(&self) -> &[String] {
        self.alternatives.first().map(Vec::as_slice).unwrap_or(&[])
    }
}

/// A convention of the tabular that an answer breaks, and the note that says so.
#[derive(Debug, Clone, PartialEq)]
pub struct Convention {
    pub detail: Detail,
    /// The note, as feedback quotes it: `E11 — Use additional code to identify control
    /// using: insulin (Z79.4)`
    pub quote: String,
}

/// The ICD-10-CM codes of a list of normalised codes (a record's procedures left out).
fn diagnoses(system: System, codes: &[String]) -> impl Iterator<Item = &String> {
    codes
        .iter()
        .filter(move |_| matches!(system, System::Icd10cm | System::Icd10cmPcs))
        .filter(move |code| system.of_code(code) == System::Icd10cm)
}

/// The first convention of the tabular that `typed` (normalised, counted codes) breaks, by
/// weight: two codes an Excludes1 note forbids together; a manifestation code typed first;
/// a code of the key that a "use additional code" note of another key code asks for, missing.
fn convention(key: &AnswerKey, typed: &[String]) -> Option<Convention> {
    use crate::codes::notes;
    let typed: Vec<&String> = diagnoses(key.system, typed).collect();
    for (at, a) in typed.iter().enumerate() {
        for b in &typed[at + 1..] {
            if let Some(note) = notes::excludes1_conflict(a, b) {
                return Some(Convention {
                    detail: Detail::Excludes1,
                    quote: format!(
                        "{} and {} — Excludes1 at {}: {}",
                        codes::display_code(System::Icd10cm, a),
                        codes::display_code(System::Icd10cm, b),
                        note.from(),
                        note.quote()
                    ),
                });
            }
        }
    }
    let answer: Vec<&String> = diagnoses(key.system, key.answer()).collect();
    // A manifestation typed first, with its etiology after it or missing (an etiology its
    // "code first" note names, typed later or required by the key).
    if let Some(first) = typed.first()
        && let Some(mut code_first) = notes::code_first_of(first)
    {
        // A chapter's or section's "code first" (T36-T50: "for adverse effects") speaks of
        // some codes of its range only; a code's own and its category's speak of it.
        code_first.notes.retain(|note| !note.level.is_block());
        let later = typed[1..]
            .iter()
            .find_map(|e| code_first.naming(e).map(|n| (e, n)));
        let missing = || {
            answer
                .iter()
                .filter(|e| !typed.contains(e))
                .find_map(|e| code_first.naming(e).map(|n| (e, n)))
        };
        if let Some((etiology, note)) = later.or_else(missing) {
            return Some(Convention {
                detail: Detail::CodeFirst,
                quote: format!(
                    "{} is a manifestation: {} comes first — {}: {}",
                    codes::display_code(System::Icd10cm, first),
                    codes::display_code(System::Icd10cm, etiology),
                    note.from(),
                    note.sentence()
                ),
            });
        }
    }
    for asked in &answer {
        if typed.contains(asked) {
            continue;
        }
        for by in answer.iter().filter(|code| typed.contains(code)) {
            if let Some(note) = notes::use_additional_of(by)
                .into_iter()
                .find(|note| note.names(asked))
            {
                return Some(Convention {
                    detail: Detail::UseAdditional,
                    quote: format!("{} — {}", note.from(), note.sentence()),
                });
            }
        }
    }
    None
}

impl AnswerKey {
    /// The convention of the tabular `typed` breaks, if any, with the note that says so.
    pub fn convention(&self, typed: &str) -> Option<Convention> {
        let all = codes::split_codes(self.system, typed);
        let (_, counted) = counted_codes(self, &all);
        convention(self, &counted)
    }
}

/// Whether an answer as logged (`expected`, `;`-separated) holds a CC or MCC diagnosis that
/// what was typed (`entered`) lacks: a missed CC/MCC costs a hospital its DRG weight.
pub fn missed_cc(system: System, expected: &str, entered: &str) -> bool {
    if !matches!(system, System::Icd10cm | System::Icd10cmPcs) {
        return false;
    }
    // Called for every answer a report reads that is not correct: no allocation.
    let typed = |code: &str| {
        entered
            .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
            .any(|got| {
                let mut buffer = [0; 8];
                dotless(got, &mut buffer) == Some(code)
            })
    };
    expected.split(';').any(|code| {
        let mut buffer = [0; 8];
        dotless(code, &mut buffer).is_some_and(|code| {
            system.of_code(code) == System::Icd10cm
                && crate::codes::notes::severity(code).is_some()
                && !typed(code)
        })
    })
}

/// An ICD-10 code trimmed, without its dot, in upper case, written into `buffer`; `None` for
/// anything longer than a code or empty.
fn dotless<'b>(code: &str, buffer: &'b mut [u8; 8]) -> Option<&'b str> {
    let mut len = 0;
    for byte in code.trim().bytes().filter(|&b| b != b'.') {
        *buffer.get_mut(len)? = byte.to_ascii_uppercase();
        len += 1;
    }
    std::str::from_utf8(&buffer[..len])
        .ok()
        .filter(|code| !code.is_empty())
}

/// What counts of the typed codes: each once (the first time it was typed), optional codes
/// of the key left out; as typed and normalised. A malformed code is kept, marked so that it
/// never equals an answer, whatever normalisation would make of it.
fn counted_codes(key: &AnswerKey, typed: &[String]) -> (Vec<String>, Vec<String>) {
    let mut raw = Vec::with_capacity(typed.len());
    let mut normalised: Vec<String> = Vec::with_capacity(typed.len());
    for code in typed {
        let normal = match codes::is_well_formed(key.system, code) {
            true => codes::normalize(key.system, code),
            false => format!("\u{0}{code}"),
        };
        if key.optional.contains(&normal) || normalised.contains(&normal) {
            continue;
        }
        raw.push(code.clone());
        normalised.push(normal);
    }
    (raw, normalised)
}

/// A case's answer, code by code: what was missing, extra, optional, and whether the principal
/// code came first. Codes are normalised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseDiff {
    /// Key codes not typed, in key order
    pub missing: Vec<String>,
    /// Typed codes not in the key nor optional, in typed order
    pub extra: Vec<String>,
    /// Optional codes typed (they neither add nor cost)
    pub optional_typed: Vec<String>,
    /// Optional codes left out
    pub optional_left: Vec<String>,
    /// Whether the key's principal code was typed, but not first
    pub principal_late: bool,
}

impl AnswerKey {
    /// The codes of `typed` against the key alternative that matches most of them (the
    /// answer on a tie).
    pub fn diff(&self, typed: &str) -> CaseDiff {
        let all = codes::split_codes(self.system, typed);
        let normal: Vec<String> = all
            .iter()
            .map(|code| codes::normalize(self.system, code))
            .collect();
        let (_, counted) = counted_codes(self, &all);
        let matches = |alt: &Vec<String>| counted.iter().filter(|c| alt.contains(c)).count();
        let mut best = self.alternatives.first();
        for alt in &self.alternatives {
            if best.is_none_or(|b| matches(alt) > matches(b)) {
                best = Some(alt);
            }
        }
        let expected = best.map(Vec::as_slice).unwrap_or(&[]);
        CaseDiff {
            missing: expected
                .iter()
                .filter(|c| !counted.contains(c))
                .cloned()
                .collect(),
            extra: counted
                .iter()
                .filter(|c| !expected.contains(c))
                .map(|c| c.trim_start_matches('\u{0}').to_string())
                .collect(),
            optional_typed: self
                .optional
                .iter()
                .filter(|c| normal.contains(c))
                .cloned()
                .collect(),
            optional_left: self
                .optional
                .iter()
                .filter(|c| !normal.contains(c))
                .cloned()
                .collect(),
            principal_late: expected.len() >= 2
                && counted.first() != expected.first()
                && expected.first().is_some_and(|p| counted.contains(p)),
        }
    }
}

/// The codes of one written answer, normalised. Deck answers separate codes with `;`.
fn parse_answer(system: System, answer: &str) -> Vec<String> {
    answer
        .split(';')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| codes::normalize(system, code))
        .collect()
}

/// Scores answers; holds what the verdicts depend on besides the answer itself.
#[derive(Clone, Copy)]
pub struct Scorer<'a> {
    /// The official code sets; without them well-formed codes count as real.
    pub codes: Option<&'a CodeSets>,
    /// Whether the official layout (ICD-10-CM dot) counts.
    pub strict: bool,
}

impl<'a> Scorer<'a> {
    pub fn new(codes: Option<&'a CodeSets>, strict: bool) -> Scorer<'a> {
        Scorer { codes, strict }
    }

    /// Scores what was typed against an answer key.
    pub fn score(&self, key: &AnswerKey, typed: &str) -> Outcome {
        let all = codes::split_codes(key.system, typed);
        if all.is_empty() {
            return Outcome::skipped();
        }
        let (raw, normalised) = counted_codes(key, &all);
        if raw.is_empty() {
            // Only optional codes: nothing of the key was given.
            return Outcome::plain(Verdict::Incorrect);
        }
        let (raw, normalised) = (&raw[..], &normalised[..]);
        let best = key
            .alternatives
            .iter()
            .map(|expected| self.score_against(key.system, expected, raw, normalised))
            .max_by(|a, b| {
                a.rank()
                    .partial_cmp(&b.rank())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or_else(|| Outcome::plain(Verdict::Incorrect));
        let best = self.apply_strict(key.system, raw, best);
        match convention(key, normalised) {
            Some(found)
                if best.verdict != Verdict::Correct && best.verdict != Verdict::NearMiss =>
            {
                Outcome {
                    detail: Some(found.detail),
                    ..best
                }
            }
            _ => best,
        }
    }

    /// Under `--strict`, a right ICD-10-CM code in the wrong layout is a near miss.
    fn apply_strict(&self, system: System, raw: &[String], outcome: Outcome) -> Outcome {
        let misplaced = raw.iter().any(|code| !codes::icd10cm_dot_placed(code));
        if self.strict
            && system == System::Icd10cm
            && outcome.verdict == Verdict::Correct
            && misplaced
        {
            Outcome::near(Detail::Format)
        } else {
            outcome
        }
    }

    fn score_against(
        &self,
        system: System,
        expected: &[String],
        raw: &[String],
        typed: &[String],
    ) -> Outcome {
        if typed == expected {
            return Outcome::plain(Verdict::Correct);
        }
        if system.is_term() {
            return match (expected, typed) {
                ([want], [got]) => score_term(want, got),
                _ => self.score_several(system, expected, raw, typed),
            };
        }
        if let ([want], [raw_got], [got]) = (expected, raw, typed) {
            return self.score_one(system, want, raw_got, got);
        }
        self.score_several(system, expected, raw, typed)
    }

    /// Several codes typed or required (`typed` holds each code once, optional ones left
    /// out): the matched share of the larger of the key and the typed list, one key share
    /// lost when a case's principal code is typed but not first.
    fn score_several(
        &self,
        system: System,
        expected: &[String],
        raw: &[String],
        typed: &[String],
    ) -> Outcome {
        let matched = typed.iter().filter(|code| expected.contains(code)).count();
        if matched == 0 {
            return self.score_unmatched(system, expected, raw, typed);
        }
        let principal_late = expected.len() >= 2
            && typed.first() != expected.first()
            && expected.first().is_some_and(|p| typed.contains(p));
        let whole_set = matched == expected.len() && typed.len() == expected.len();
        if whole_set && !principal_late {
            return Outcome::plain(Verdict::Correct);
        }
        let credited = matched - usize::from(principal_late);
        let score = credited as f64 / expected.len().max(typed.len()) as f64;
        let detail = (whole_set && principal_late).then_some(Detail::Sequence);
        if credited == 0 {
            return Outcome::new(Verdict::Incorrect, detail, 0.0);
        }
        Outcome::new(Verdict::Partial, detail, score)
    }

    /// No required code was typed: the best single-code verdict between any pair decides.
    fn score_unmatched(
        &self,
        system: System,
        expected: &[String],
        raw: &[String],
        typed: &[String],
    ) -> Outcome {
        let mut best = Outcome::plain(Verdict::Incorrect);
        for (raw_got, got) in raw.iter().zip(typed) {
            for want in expected {
                let outcome = self.score_one(system, want, raw_got, got);
                if outcome.verdict == Verdict::Invalid {
                    return outcome;
                }
                if outcome.rank() > best.rank() {
                    best = outcome;
                }
            }
        }
        best
    }

    /// A code of a mixed record that cannot be close to the answer: incorrect if real.
    fn real_or_invalid(&self, got: &str) -> Outcome {
        let system = System::Icd10cmPcs.of_code(got);
        match self.codes.and_then(|sets| sets.set(system)) {
            Some(set) if !set.is_empty() && set.status(got).is_none() => {
                Outcome::plain(Verdict::Invalid)
            }
            _ => Outcome::plain(Verdict::Incorrect),
        }
    }

    /// One typed code against one expected code.
    fn score_one(&self, system: System, want: &str, raw_got: &str, got: &str) -> Outcome {
        if got == want {
            return Outcome::plain(Verdict::Correct);
        }
        if !codes::is_well_formed(system, raw_got) {
            return Outcome::plain(Verdict::Invalid);
        }
        // In a record of diagnoses and procedures, a code is compared within its own system:
        // a procedure typed for a diagnosis is real or not, but never close.
        if system == System::Icd10cmPcs && system.of_code(want) != system.of_code(got) {
            return self.real_or_invalid(got);
        }
        let system = system.of_code(want);
        if system == System::Icd10cm
            && let Some(detail) = icd10cm_extension_slip(want, got)
        {
            return Outcome::near(detail);
        }
        let known = self
            .codes
            .and_then(|sets| sets.set(system))
            .filter(|set| !set.is_empty());
        if let Some(set) = known {
            match set.status(got) {
                None => return Outcome::plain(Verdict::Invalid),
                Some(Status::Header) if want.starts_with(got) => {
                    return Outcome::near(Detail::NotBillable);
                }
                _ => {}
            }
        }
        structural_slip(system, want, got)
            .map(Outcome::near)
            .unwrap_or_else(|| Outcome::plain(Verdict::Incorrect))
    }
}

/// A wrong or missing 7th character, or a missing or misplaced placeholder X.
fn icd10cm_extension_slip(want: &str, got: &str) -> Option<Detail> {
    let (w, g) = (want.as_bytes(), got.as_bytes());
    if w.len() == 7 {
        if g.len() == 7 && w[..6] == g[..6] {
            return Some(Detail::SeventhCharacter);
        }
        if g.len() == 6 && w[..6] == *g {
            return Some(Detail::SeventhCharacter);
        }
    }
    let has_placeholder = w.len() > 3 && w[3..].contains(&b'X');
    if has_placeholder {
        let strip = |code: &str| -> String {
            code.chars()
                .enumerate()
                .filter(|(at, c)| *at < 3 || *c != 'X')
                .map(|(_, c)| c)
                .collect()
        };
        let same_but_x = g.len() == w.len()
            && w.iter()
                .zip(g)
                .all(|(a, b)| a == b || *a == b'X' || *b == b'X');
        if strip(want) == strip(got) || same_but_x {
            return Some(Detail::Placeholder);
        }
    }
    None
}

/// A wrong PCS axis value, transposition, same 3-character category (ICD-10-CM, PCS table),
/// or a one-character typo.
fn structural_slip(system: System, want: &str, got: &str) -> Option<Detail> {
    if system == System::Icd10pcs && is_pcs_axis_slip(want, got) {
        return Some(Detail::PcsAxis);
    }
    if is_transposition(want, got) {
        return Some(Detail::Transposition);
    }
    let categorised = matches!(system, System::Icd10cm | System::Icd10pcs);
    if categorised && want.len() >= 3 && got.len() >= 3 && want.get(..3) == got.get(..3) {
        return Some(Detail::SameCategory);
    }
    (strsim::levenshtein(want, got) == 1).then_some(Detail::Typo)
}

/// Two PCS codes of one table (the first three characters) that differ in one or two of the
/// other four: a body part, approach, device or qualifier chosen wrong. Three or four off is
/// only the right table (`same_category`).
fn is_pcs_axis_slip(want: &str, got: &str) -> bool {
    let (w, g) = (want.as_bytes(), got.as_bytes());
    if w.len() != 7 || g.len() != 7 || w[..3] != g[..3] {
        return false;
    }
    let off = w[3..].iter().zip(&g[3..]).filter(|(a, b)| a != b).count();
    (1..=2).contains(&off)
}

/// Two neighbouring characters swapped, nothing else changed.
fn is_transposition(want: &str, got: &str) -> bool {
    let (w, g): (Vec<char>, Vec<char>) = (want.chars().collect(), got.chars().collect());
    if w.len() != g.len() {
        return false;
    }
    let differing: Vec<usize> = (0..w.len()).filter(|&i| w[i] != g[i]).collect();
    matches!(differing.as_slice(), [a, b] if *b == a + 1 && w[*a] == g[*b] && w[*b] == g[*a])
}

/// A term spelled nearly right: within one edit for short words, more for long ones.
fn score_term(want: &str, got: &str) -> Outcome {
    let length = want.chars().count();
    let allowed = match length {
        0..=3 => 0,
        4..=8 => 1,
        9..=14 => 2,
        _ => 3,
    };
    let distance = strsim::damerau_levenshtein(want, got);
    if distance <= allowed {
        Outcome::near(Detail::Spelling)
    } else {
        Outcome::plain(Verdict::Incorrect)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(system: System, answer: &str, accept: &str) -> AnswerKey {
        AnswerKey::new(system, answer, accept)
    }

    /// (system, answer, accept, typed, verdict, detail)
    type Case<'a> = (System, &'a str, &'a str, &'a str, Verdict, Option<Detail>);

    fn check(scorer: Scorer, cases: &[Case]) {
        for &(system, answer, accept, typed, verdict, detail) in cases {
            let outcome = scorer.score(&key(system, answer, accept), typed);
            assert_eq!(
                (outcome.verdict, outcome.detail),
                (verdict, detail),
                "answer {answer:?} accept {accept:?} typed {typed:?}"
            );
        }
    }

    use Detail::*;
    use System::*;
    use Verdict::*;

    #[test]
    fn verdicts_without_code_sets() {
        check(
            Scorer::new(None, false),
            &[
                (Icd10cm, "E11.9", "", "e119", Correct, None),
                (Icd10cm, "E11.9", "", " E11.9 ", Correct, None),
                (Icd10cm, "E11.9", "", "", Skipped, None),
                (Icd10cm, "E11.9", "", "   ", Skipped, None),
                (Icd10cm, "E11.9", "", "E11.8", NearMiss, Some(SameCategory)),
                (Icd10cm, "E11.9", "", "E19.1", NearMiss, Some(Transposition)),
                (Icd10cm, "E11.9", "", "E12.9", NearMiss, Some(Typo)),
                (Icd10cm, "E11.9", "", "I10", Incorrect, None),
                (Icd10cm, "E11.9", "", "E1.19", Invalid, None),
                (Icd10cm, "E11.9", "", "hello", Invalid, None),
                (
                    Icd10cm,
                    "S52.521A",
                    "",
                    "S52.521D",
                    NearMiss,
                    Some(SeventhCharacter),
                ),
                (
                    Icd10cm,
                    "S52.521A",
                    "",
                    "S52.521",
                    NearMiss,
                    Some(SeventhCharacter),
                ),
                (
                    Icd10cm,
                    "T36.0X1A",
                    "",
                    "T36.01A",
                    NearMiss,
                    Some(Placeholder),
                ),
                (
                    Icd10cm,
                    "T36.0X1A",
                    "",
                    "T36.001A",
                    NearMiss,
                    Some(Placeholder),
                ),
                (
                    Icd10cm,
                    "S00.00XA",
                    "",
                    "S00.00A",
                    NearMiss,
                    Some(Placeholder),
                ),
                (Icd10cm, "J45.909", "J45.90", "J45.90", Correct, None),
                (Icd10pcs, "0DT44ZZ", "", "0dt44zz", Correct, None),
                (Icd10pcs, "0FT44ZZ", "", "0FT40ZZ", NearMiss, Some(PcsAxis)),
                (Icd10pcs, "0FT44ZZ", "", "0DT44ZZ", NearMiss, Some(Typo)),
                (Icd10pcs, "0FT44ZZ", "", "0FT4OZZ", Invalid, None),
                (Cpt, "99213-25", "", "99213-25", Correct, None),
                (Cpt, "99213", "", "99214", NearMiss, Some(Typo)),
                (Cpt, "99213", "", "99231", NearMiss, Some(Transposition)),
                (Cpt, "99213", "", "10060", Incorrect, None),
                (Hcpcs, "J1100", "", "j1100", Correct, None),
                (Hcpcs, "J1100", "", "Z1100", Invalid, None),
                (Term, "hepatitis", "", "Hepatitis", Correct, None),
                (Term, "hepatitis", "", "hepatits", NearMiss, Some(Spelling)),
                (Term, "hepatitis", "", "nephritis", Incorrect, None),
                (Term, "ace inhibitor", "", "ACE  inhibitor", Correct, None),
                (Term, "-ectomy", "ectomy", "ectomy", Correct, None),
                // Word-part notation is not spelling: slash and end hyphens are optional.
                (Term, "cardi/o", "", "cardio-", Correct, None),
                (Term, "cardi/o", "", "CARDIO", Correct, None),
                (Term, "-itis", "", "itis", Correct, None),
                (Term, "brady-", "", "brady", Correct, None),
                (Term, "cardi/o", "", "cardia", NearMiss, Some(Spelling)),
            ],
        );
    }

    /// A PCS near miss in the same table, by how many of the last four characters differ.
    #[test]
    fn pcs_axis_near_misses() {
        let with_sets = CodeSets::embedded();
        // (answer, typed, verdict, detail)
        let cases = [
            // Approach: percutaneous endoscopic vs open.
            ("0FT44ZZ", "0FT40ZZ", NearMiss, Some(PcsAxis)),
            // Body part and approach: two characters.
            ("0DTJ4ZZ", "0DTN0ZZ", NearMiss, Some(PcsAxis)),
            // Approach and qualifier.
            ("0FB40ZX", "0FB48ZZ", NearMiss, Some(PcsAxis)),
            // Three characters off: the right table only.
            ("02703DZ", "02714ZZ", NearMiss, Some(SameCategory)),
            // Another table: a typo of the body system, not an axis of the table.
            ("0FT44ZZ", "0DT44ZZ", NearMiss, Some(Typo)),
            // Another section's code: fluoroscopy with low instead of high osmolar contrast.
            ("BW110ZZ", "BW111ZZ", NearMiss, Some(PcsAxis)),
            // The typed code must exist.
            ("0FT44ZZ", "0FT48ZZ", Invalid, None),
        ];
        for (answer, typed, verdict, detail) in cases {
            let outcome =
                Scorer::new(Some(&with_sets), false).score(&key(Icd10pcs, answer, ""), typed);
            assert_eq!(
                (outcome.verdict, outcome.detail),
                (verdict, detail),
                "{answer} typed {typed}"
            );
        }
        // Without code sets a well-formed code counts as real.
        let bare = Scorer::new(None, false).score(&key(Icd10pcs, "0FT44ZZ", ""), "0FT48ZZ");
        assert_eq!((bare.verdict, bare.detail), (NearMiss, Some(PcsAxis)));
        // Two neighbouring characters swapped within the table are axes, not a transposition.
        let swapped = Scorer::new(None, false).score(&key(Icd10pcs, "0DTJ4ZZ", ""), "0DTJZ4Z");
        assert_eq!(swapped.detail, Some(PcsAxis));
        assert_eq!(Detail::parse("pcs_axis"), Some(PcsAxis));
        assert_eq!(PcsAxis.label(), "wrong PCS axis value");
        assert!(Detail::ALL.contains(&PcsAxis));
    }

    #[test]
    fn several_codes() {
        let scorer = Scorer::new(None, false);
        let k = key(Icd10cm, "E11.22; N18.30; I12.9", "");
        let all = scorer.score(&k, "E11.22 N18.30 I12.9");
        assert_eq!(all.verdict, Correct);
        let commas = scorer.score(&k, "e1122,n1830;i129");
        assert_eq!(commas.verdict, Correct);
        let near = scorer.score(&k, "E11.21");
        assert_eq!((near.verdict, near.detail), (NearMiss, Some(SameCategory)));
        let junk = scorer.score(&k, "E11.21 banana");
        assert_eq!(junk.verdict, Invalid);
    }

    /// The case formula: matched / max(key codes, typed non-optional codes), one key share
    /// lost when the principal code is typed but not first, secondary order free,
    /// duplicates once, optional codes ignored.
    #[test]
    fn cases_are_graded_like_published_coding_tests() {
        let scorer = Scorer::new(None, false);
        let k = AnswerKey::with_optional(Icd10cm, "A41.51;N39.0;E86.0", "", "B96.20|Z79.4");
        // (typed, verdict, detail, score)
        let cases: [(&str, Verdict, Option<Detail>, f64); 13] = [
            ("A41.51 N39.0 E86.0", Correct, None, 1.0),
            // Order among the secondary codes is free.
            ("A41.51 E86.0 N39.0", Correct, None, 1.0),
            // Optional codes neither add nor cost, typed or not, wherever they are typed.
            ("A41.51 B96.20 N39.0 E86.0 Z79.4", Correct, None, 1.0),
            ("B96.20 A41.51 N39.0 E86.0", Correct, None, 1.0),
            // Duplicates count once.
            ("A41.51 N39.0 N39.0 E86.0", Correct, None, 1.0),
            // Missing codes: matched / key codes.
            ("A41.51 N39.0", Partial, None, 2.0 / 3.0),
            // Extra codes: matched / typed codes.
            ("A41.51 N39.0 E86.0 R65.20", Partial, None, 3.0 / 4.0),
            // The right set with the wrong first code loses one key share.
            ("N39.0 A41.51 E86.0", Partial, Some(Sequence), 2.0 / 3.0),
            // Missing and extra at once.
            ("A41.51 R65.20", Partial, None, 1.0 / 3.0),
            // The principal late and a code missing: both cost.
            ("N39.0 A41.51", Partial, None, 1.0 / 3.0),
            // The principal missing: nothing more is lost for order.
            ("N39.0 E86.0", Partial, None, 2.0 / 3.0),
            // Only optional codes typed: nothing of the key.
            ("B96.20", Incorrect, None, 0.0),
            // One secondary code, typed before the principal: its share is lost to order.
            ("N39.0 A41.51 R65.20 R50.9", Partial, None, 1.0 / 4.0),
        ];
        for (typed, verdict, detail, score) in cases {
            let outcome = scorer.score(&k, typed);
            assert_eq!(
                (outcome.verdict, outcome.detail),
                (verdict, detail),
                "{typed}"
            );
            assert!(
                (outcome.score - score).abs() < 1e-9,
                "{typed}: {}",
                outcome.score
            );
        }
        // A single-code item keeps the share rule without a principal penalty.
        let one = key(Icd10cm, "B02.0", "");
        let extra = scorer.score(&one, "A01.0 B02.0");
        assert_eq!(extra.verdict, Partial);
        assert!((extra.score - 0.5).abs() < 1e-9);
    }

    /// Conventions of the tabular decide the detail of an answer that is not correct.
    #[test]
    fn conventions_explain_what_went_wrong() {
        let scorer = Scorer::new(None, false);
        // (answer, typed, verdict, detail, the quote holds)
        let cases = [
            // Type 1 and type 2 diabetes together: E11 excludes type 1 (E10.-).
            ("E11.9;I10", "E11.9 E10.9 I10", Partial, Excludes1, "E10.-"),
            // Alzheimer's first, then the dementia "in other diseases".
            (
                "G30.9;F02.80",
                "F02.80 G30.9",
                Partial,
                CodeFirst,
                "G30.9 comes first",
            ),
            // The manifestation alone, its etiology missing.
            (
                "G30.9;F02.80",
                "F02.80",
                Partial,
                CodeFirst,
                "F02.80 is a manifestation",
            ),
            // E11's note asks for Z79.4 when insulin is used.
            (
                "E11.9;Z79.4",
                "E11.9",
                Partial,
                UseAdditional,
                "insulin (Z79.4)",
            ),
        ];
        for (answer, typed, verdict, detail, said) in cases {
            let k = key(Icd10cm, answer, "");
            let outcome = scorer.score(&k, typed);
            assert_eq!(
                (outcome.verdict, outcome.detail),
                (verdict, Some(detail)),
                "{typed}"
            );
            let found = k.convention(typed).unwrap();
            assert_eq!(found.detail, detail);
            assert!(found.quote.contains(said), "{typed}: {}", found.quote);
        }
        // A correct answer stays correct; a near miss keeps its own detail.
        let k = key(Icd10cm, "E11.9;Z79.4", "");
        assert_eq!(scorer.score(&k, "E11.9 Z79.4").verdict, Correct);
        let one = key(Icd10cm, "E11.9", "");
        assert_eq!(scorer.score(&one, "E11.8").detail, Some(SameCategory));
        // Unrelated codes break nothing.
        let k = key(Icd10cm, "I10;E78.5", "");
        assert_eq!(scorer.score(&k, "I10").detail, None);
        // A poisoning comes first: T36-T50's "code first" is for adverse effects only.
        let k = key(Icd10cm, "T39.011A;K29.70", "");
        assert_eq!(scorer.score(&k, "T39.011A K29.70 I10").detail, None);
    }

    #[test]
    fn a_missed_cc_is_an_answer_code_of_cc_or_mcc_weight_left_out() {
        // A41.51 is an MCC, N39.0 a CC, I10 neither (MS-DRG v43.1).
        assert!(missed_cc(Icd10cm, "A41.51;N39.0", "A41.51"));
        assert!(missed_cc(Icd10cm, "A41.51", "A41.9"));
        assert!(!missed_cc(Icd10cm, "A41.51;N39.0", "a4151 n39.0"));
        assert!(!missed_cc(Icd10cm, "I10", "I11.9"));
        assert!(!missed_cc(Cpt, "99213", ""));
        assert!(missed_cc(
            Icd10cmPcs,
            "K35.30;N39.0;0DTJ4ZZ",
            "K35.30 0DTJ4ZZ"
        ));
    }

    #[test]
    fn a_case_diff_names_each_code() {
        let k = AnswerKey::with_optional(Icd10cm, "A41.51;N39.0;E86.0", "", "B96.20|Z79.4");
        let diff = k.diff("N39.0, a4151 R65.20 B96.20 R65.20");
        assert_eq!(diff.missing, ["E860"]);
        assert_eq!(diff.extra, ["R6520"]);
        assert_eq!(diff.optional_typed, ["B9620"]);
        assert_eq!(diff.optional_left, ["Z794"]);
        assert!(diff.principal_late);
        // Against the accepted alternative it matches best.
        let alt = key(Icd10cm, "I10", "I11.9");
        assert!(alt.diff("I11.9").missing.is_empty());
    }

    #[test]
    fn records_in_two_systems_grade_each_code_in_its_own() {
        let scorer = Scorer::new(None, false);
        let k = key(Icd10cmPcs, "K35.80;0DTJ4ZZ", "");
        assert_eq!(scorer.score(&k, "k35.80 0dtj4zz").verdict, Correct);
        assert_eq!(scorer.score(&k, "K3580 0DTJ4ZZ").verdict, Correct);
        let swapped = scorer.score(&k, "0DTJ4ZZ K35.80");
        assert_eq!((swapped.verdict, swapped.detail), (Partial, Some(Sequence)));
        // A near miss is judged within the code's own system.
        let one = key(Icd10cmPcs, "0DTJ4ZZ", "");
        assert_eq!(scorer.score(&one, "0DTJ0ZZ").verdict, NearMiss);
        assert_eq!(scorer.score(&one, "K35.80").verdict, Incorrect);
        assert_eq!(scorer.score(&one, "banana").verdict, Invalid);
        assert_eq!(codes::display_code(Icd10cmPcs, "K3580"), "K35.80");
        assert_eq!(codes::display_code(Icd10cmPcs, "0DTJ4ZZ"), "0DTJ4ZZ");
    }

    #[test]
    fn strict_layout() {
        let scorer = Scorer::new(None, true);
        let k = key(Icd10cm, "E11.9", "");
        assert_eq!(scorer.score(&k, "E11.9").verdict, Correct);
        assert_eq!(scorer.score(&k, "e11.9").verdict, Correct);
        let dotless = scorer.score(&k, "E119");
        assert_eq!((dotless.verdict, dotless.detail), (NearMiss, Some(Format)));
        assert_eq!(scorer.score(&k, "E11.8").detail, Some(SameCategory));
        let i10 = key(Icd10cm, "I10", "");
        assert_eq!(scorer.score(&i10, "I10").verdict, Correct);
    }

    #[test]
    fn scores_are_in_range() {
        let scorer = Scorer::new(None, false);
        for typed in ["", "E11.9", "E11.8", "I10", "zz", "E11.9 I10", "I10 E11.9"] {
            let outcome = scorer.score(&key(Icd10cm, "E11.9;I10", ""), typed);
            assert!((0.0..=1.0).contains(&outcome.score), "{typed}: {outcome:?}");
            assert_eq!(outcome.score == 1.0, outcome.verdict == Correct, "{typed}");
        }
    }
}
