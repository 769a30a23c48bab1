//! Scoring: one verdict, detail and score for what was typed against an item's answer key.
//!
//! The rules, as the SPEC states them:
//! - `correct` when the typed codes equal the answer or an `accept` answer after
//!   normalisation (trim, upper case, ICD-10-CM dot optional unless `--strict`);
//! - `partial` when several codes are required and some but not all were given (score: the
//!   matched share), or all were given out of sequence (detail `sequence`, a score above 0.5
//!   and below 1 that grows with the longest run kept in order);
//! - `near_miss` for a real code close to the answer, the closest kind first:
//!   `seventh_character`, `placeholder`, `not_billable` (an ancestor header),
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
}

impl Detail {
    pub const ALL: [Detail; 9] = [
        Detail::Typo,
        Detail::Transposition,
        Detail::SeventhCharacter,
        Detail::Placeholder,
        Detail::SameCategory,
        Detail::NotBillable,
        Detail::Spelling,
        Detail::Sequence,
        Detail::Format,
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
        }
    }

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
}

impl AnswerKey {
    /// Builds a key from the deck's `answer` and `accept` fields.
    pub fn new(system: System, answer: &str, accept: &str) -> AnswerKey {
        let mut alternatives = vec![parse_answer(system, answer)];
        alternatives.extend(
            accept
                .split('|')
                .map(|alt| parse_answer(system, alt))
                .filter(|alt| !alt.is_empty()),
        );
        AnswerKey {
            system,
            alternatives,
        }
    }

    /// The principal answer's codes.
    pub fn answer(&self) -> &[String] {
        self.alternatives.first().map(Vec::as_slice).unwrap_or(&[])
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
        let raw = codes::split_codes(key.system, typed);
        if raw.is_empty() {
            return Outcome::skipped();
        }
        // A malformed code never equals an answer, whatever normalisation would make of it.
        let normalised: Vec<String> = raw
            .iter()
            .map(|code| match codes::is_well_formed(key.system, code) {
                true => codes::normalize(key.system, code),
                false => format!("\u{0}{code}"),
            })
            .collect();
        let best = key
            .alternatives
            .iter()
            .map(|expected| self.score_against(key.system, expected, &raw, &normalised))
            .max_by(|a, b| {
                a.rank()
                    .partial_cmp(&b.rank())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or_else(|| Outcome::plain(Verdict::Incorrect));
        self.apply_strict(key.system, &raw, best)
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

    /// Several codes typed or required.
    fn score_several(
        &self,
        system: System,
        expected: &[String],
        raw: &[String],
        typed: &[String],
    ) -> Outcome {
        let matched = expected.iter().filter(|code| typed.contains(code)).count();
        if matched == 0 {
            return self.score_unmatched(system, expected, raw, typed);
        }
        let extra = typed.iter().filter(|code| !expected.contains(code)).count();
        if matched == expected.len() && extra == 0 {
            let kept = longest_common_subsequence(expected, typed);
            let score = 0.5 + 0.5 * kept as f64 / (expected.len() + 1) as f64;
            return Outcome::new(Verdict::Partial, Some(Detail::Sequence), score);
        }
        let share = matched as f64 / (expected.len() + extra).max(1) as f64;
        Outcome::new(Verdict::Partial, None, share)
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

    /// One typed code against one expected code.
    fn score_one(&self, system: System, want: &str, raw_got: &str, got: &str) -> Outcome {
        if got == want {
            return Outcome::plain(Verdict::Correct);
        }
        if !codes::is_well_formed(system, raw_got) {
            return Outcome::plain(Verdict::Invalid);
        }
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

/// Transposition, same 3-character category (ICD-10-CM, PCS table), or a one-character typo.
fn structural_slip(system: System, want: &str, got: &str) -> Option<Detail> {
    if is_transposition(want, got) {
        return Some(Detail::Transposition);
    }
    let categorised = matches!(system, System::Icd10cm | System::Icd10pcs);
    if categorised && want.len() >= 3 && got.len() >= 3 && want.get(..3) == got.get(..3) {
        return Some(Detail::SameCategory);
    }
    (strsim::levenshtein(want, got) == 1).then_some(Detail::Typo)
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

fn longest_common_subsequence(a: &[String], b: &[String]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
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
                (
                    Icd10pcs,
                    "0FT44ZZ",
                    "",
                    "0FT40ZZ",
                    NearMiss,
                    Some(SameCategory),
                ),
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
            ],
        );
    }

    #[test]
    fn several_codes() {
        let scorer = Scorer::new(None, false);
        let k = key(Icd10cm, "E11.22; N18.30; I12.9", "");
        let all = scorer.score(&k, "E11.22 N18.30 I12.9");
        assert_eq!(all.verdict, Correct);
        let commas = scorer.score(&k, "e1122,n1830;i129");
        assert_eq!(commas.verdict, Correct);
        let two = scorer.score(&k, "E11.22; N18.30");
        assert_eq!((two.verdict, two.detail), (Partial, None));
        assert!((two.score - 2.0 / 3.0).abs() < 1e-9);
        let swapped = scorer.score(&k, "N18.30 E11.22 I12.9");
        assert_eq!((swapped.verdict, swapped.detail), (Partial, Some(Sequence)));
        assert!(
            swapped.score > 0.5 && swapped.score < 1.0,
            "{}",
            swapped.score
        );
        let reversed = scorer.score(&k, "I12.9 N18.30 E11.22");
        assert!(reversed.score > 0.5 && reversed.score < swapped.score);
        let extra = scorer.score(&k, "E11.22 N18.30 I12.9 Z79.4");
        assert_eq!(extra.verdict, Partial);
        assert!((extra.score - 0.75).abs() < 1e-9);
        let near = scorer.score(&k, "E11.21");
        assert_eq!((near.verdict, near.detail), (NearMiss, Some(SameCategory)));
        let junk = scorer.score(&k, "E11.21 banana");
        assert_eq!(junk.verdict, Invalid);
        let pair = key(Icd10cm, "A01.0;B02.0", "");
        let one_of_two = scorer.score(&pair, "B02.0");
        assert!((one_of_two.score - 0.5).abs() < 1e-9);
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
