//! Code systems: their names, how a typed code is normalised, and the format rules that
//! decide whether a string can be a code of the system at all.
//!
//! Format rules (a well-formed code is not necessarily a real one; the code sets decide that):
//! - ICD-10-CM: 3–7 characters, a letter, a digit (or `A`: FY2026 added `QA0`), then a digit
//!   or `A`/`B`, then up to four letters or digits; a dot, when written, stands after the
//!   third character.
//! - ICD-10-PCS: exactly 7 characters of `0-9` and the letters except `I` and `O`.
//! - CPT: 5 digits, or 4 digits and `F` (Category II), `T` (Category III) or `U`
//!   (proprietary laboratory analyses); modifiers follow as `-XX`.
//! - HCPCS Level II: a letter `A`–`V` and 4 digits; modifiers follow as `-XX`.
//! - A record coded in ICD-10-CM and ICD-10-PCS (`icd10cm+icd10pcs`, an inpatient stay): each
//!   code is read as the system whose shape it has ([`System::of_code`]).

pub mod codeset;
pub mod nearby;
pub(crate) mod notes;
pub mod pcs;
pub mod release;

use std::fmt;
use std::str::FromStr;

pub use codeset::{CodeSets, Entry, Status};

/// A code system an answer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum System {
    Icd10cm,
    Icd10pcs,
    Cpt,
    Hcpcs,
    Term,
    /// A record's diagnoses in ICD-10-CM and its procedures in ICD-10-PCS
    Icd10cmPcs,
}

impl System {
    /// Every system, in the order the SPEC lists them.
    pub const ALL: [System; 6] = [
        System::Icd10cm,
        System::Icd10pcs,
        System::Cpt,
        System::Hcpcs,
        System::Term,
        System::Icd10cmPcs,
    ];

    /// The name used in decks and logs.
    pub fn name(self) -> &'static str {
        match self {
            System::Icd10cm => "icd10cm",
            System::Icd10pcs => "icd10pcs",
            System::Cpt => "cpt",
            System::Hcpcs => "hcpcs",
            System::Term => "term",
            System::Icd10cmPcs => "icd10cm+icd10pcs",
        }
    }

    /// The name a person reads, for messages.
    pub fn label(self) -> &'static str {
        match self {
            System::Icd10cm => "ICD-10-CM",
            System::Icd10pcs => "ICD-10-PCS",
            System::Cpt => "CPT",
            System::Hcpcs => "HCPCS Level II",
            System::Term => "terminology",
            System::Icd10cmPcs => "ICD-10-CM and ICD-10-PCS",
        }
    }

    /// The system one normalised code of an answer belongs to: itself, except for a record
    /// in ICD-10-CM and ICD-10-PCS, where a 7-character code led by a digit is a procedure
    /// (every ICD-10-CM code starts with a letter) and anything else a diagnosis.
    pub fn of_code(self, code: &str) -> System {
        match self {
            System::Icd10cmPcs
                if code.len() == 7 && code.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                System::Icd10pcs
            }
            System::Icd10cmPcs => System::Icd10cm,
            other => other,
        }
    }

    /// Whether an answer is a word (compared as text) rather than a code.
    pub fn is_term(self) -> bool {
        self == System::Term
    }
}

impl fmt::Display for System {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl System {
    /// The system a log or deck names exactly (`icd10cm`, ...).
    #[inline]
    pub fn from_name(name: &str) -> Option<System> {
        match name {
            "icd10cm" => Some(System::Icd10cm),
            "icd10pcs" => Some(System::Icd10pcs),
            "cpt" => Some(System::Cpt),
            "hcpcs" => Some(System::Hcpcs),
            "term" => Some(System::Term),
            "icd10cm+icd10pcs" | "icd10pcs+icd10cm" => Some(System::Icd10cmPcs),
            _ => None,
        }
    }
}

impl FromStr for System {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        System::from_name(&s.trim().to_ascii_lowercase()).ok_or_else(|| {
            format!(
                "unknown system `{}` (expected one of: icd10cm, icd10pcs, cpt, hcpcs, term, icd10cm+icd10pcs)",
                s.trim()
            )
        })
    }
}

/// Normalises one typed code for comparison: trimmed, upper case, and for ICD-10-CM without
/// the dot. Terms are lower-cased with inner whitespace collapsed, without the slash and end
/// hyphens of word-part notation (`cardi/o`, `-itis`, `brady-`).
pub fn normalize(system: System, raw: &str) -> String {
    let trimmed = raw.trim();
    match system {
        // A word part is the same written `cardi/o`, `cardio` or `cardio-`: the slash and the
        // hyphens at its ends are notation, not spelling.
        System::Term => trimmed
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
            .trim_matches('-')
            .replace('/', ""),
        System::Icd10cm | System::Icd10cmPcs => trimmed
            .chars()
            .filter(|c| *c != '.')
            .map(|c| c.to_ascii_uppercase())
            .collect(),
        _ => trimmed.to_ascii_uppercase(),
    }
}

/// Whether a typed ICD-10-CM code keeps the official layout: no dot for a 3-character
/// category, a single dot after the third character otherwise. Letter case is ignored.
pub fn icd10cm_dot_placed(raw: &str) -> bool {
    let raw = raw.trim();
    let dots: Vec<usize> = raw.match_indices('.').map(|(at, _)| at).collect();
    let len = raw.chars().count();
    match dots.as_slice() {
        [] => len <= 3,
        [3] => len > 4,
        _ => false,
    }
}

/// Whether a raw (not yet normalised) code is well formed for its system. Terms always are.
pub fn is_well_formed(system: System, raw: &str) -> bool {
    let trimmed = raw.trim();
    match system {
        System::Icd10cm => {
            let dots = trimmed.matches('.').count();
            let dot_ok = dots == 0 || (dots == 1 && trimmed.find('.') == Some(3));
            dot_ok && icd10cm_shape(&normalize(system, trimmed))
        }
        System::Icd10pcs => icd10pcs_shape(&normalize(system, trimmed)),
        System::Cpt => with_modifiers(&normalize(system, trimmed), cpt_shape),
        System::Hcpcs => with_modifiers(&normalize(system, trimmed), hcpcs_shape),
        System::Term => !trimmed.is_empty(),
        System::Icd10cmPcs => {
            let code = normalize(system, trimmed);
            is_well_formed(system.of_code(&code), trimmed)
        }
    }
}

/// A dotless, upper-case ICD-10-CM code of valid shape.
fn icd10cm_shape(code: &str) -> bool {
    let b = code.as_bytes();
    (3..=7).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && (b[1].is_ascii_digit() || b[1] == b'A')
        && (b[2].is_ascii_digit() || b[2] == b'A' || b[2] == b'B')
        && b[3..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

fn icd10pcs_shape(code: &str) -> bool {
    code.len() == 7
        && code
            .bytes()
            .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && c != b'I' && c != b'O'))
}

fn cpt_shape(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4].is_ascii_digit() || matches!(b[4], b'F' | b'T' | b'U'))
}

fn hcpcs_shape(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5 && (b'A'..=b'V').contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit)
}

/// A base code followed by any number of two-character `-XX` modifiers.
fn with_modifiers(code: &str, base: fn(&str) -> bool) -> bool {
    let mut parts = code.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    base(first)
        && parts.all(|modifier| {
            modifier.len() == 2 && modifier.bytes().all(|c| c.is_ascii_alphanumeric())
        })
}

/// The official written form of a normalised code: ICD-10-CM gets its dot back.
pub fn display_code(system: System, code: &str) -> String {
    if system.of_code(code) == System::Icd10cm
        && code.len() > 3
        && code.is_ascii()
        && !code.contains('.')
    {
        format!("{}.{}", &code[..3], &code[3..])
    } else {
        code.to_string()
    }
}

/// Splits what was typed into codes: `;`, `,` and whitespace separate codes. A term answer
/// is one phrase, so only `;` separates terms.
pub fn split_codes(system: System, typed: &str) -> Vec<String> {
    let pieces: Vec<&str> = if system.is_term() {
        typed.split(';').collect()
    } else {
        typed
            .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
            .collect()
    };
    pieces
        .into_iter()
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_per_system() {
        let cases = [
            (System::Icd10cm, " e11.9 ", "E119"),
            (System::Icd10cm, "S52.521a", "S52521A"),
            (System::Icd10pcs, "0dt44zz", "0DT44ZZ"),
            (System::Cpt, "99213-25", "99213-25"),
            (System::Hcpcs, " j1100 ", "J1100"),
            (System::Term, "  ACE   Inhibitor ", "ace inhibitor"),
        ];
        for (system, raw, want) in cases {
            assert_eq!(normalize(system, raw), want, "{system} {raw}");
        }
    }

    #[test]
    fn format_rules() {
        let cases = [
            (System::Icd10cm, "E11.9", true),
            (System::Icd10cm, "e119", true),
            (System::Icd10cm, "E11", true),
            (System::Icd10cm, "C4A.0", true),
            (System::Icd10cm, "QA0.0101", true),
            (System::Icd10cm, "S52.521A", true),
            (System::Icd10cm, "E1.19", false),
            (System::Icd10cm, "E11.", true),
            (System::Icd10cm, "11.9", false),
            (System::Icd10cm, "EE1.9", false),
            (System::Icd10cm, "E1C.9", false),
            (System::Icd10cm, "S52.521AB", false),
            (System::Icd10cm, "E1", false),
            (System::Icd10cm, "E11.9.1", false),
            (System::Icd10pcs, "0DT44ZZ", true),
            (System::Icd10pcs, "0DT4IZZ", false),
            (System::Icd10pcs, "0DTO4ZZ", false),
            (System::Icd10pcs, "0DT44Z", false),
            (System::Cpt, "99213", true),
            (System::Cpt, "0001F", true),
            (System::Cpt, "0042T", true),
            (System::Cpt, "0002U", true),
            (System::Cpt, "99213-25", true),
            (System::Cpt, "99213-25-59", true),
            (System::Cpt, "9921", false),
            (System::Cpt, "99213-", false),
            (System::Cpt, "0001X", false),
            (System::Hcpcs, "J1100", true),
            (System::Hcpcs, "E0114-RR", true),
            (System::Hcpcs, "W1100", false),
            (System::Hcpcs, "J110", false),
            (System::Term, "hepatitis", true),
        ];
        for (system, raw, want) in cases {
            assert_eq!(is_well_formed(system, raw), want, "{system} {raw}");
        }
    }

    #[test]
    fn dot_placement() {
        assert!(icd10cm_dot_placed("E11.9"));
        assert!(icd10cm_dot_placed("e11"));
        assert!(!icd10cm_dot_placed("E119"));
        assert!(!icd10cm_dot_placed("E1.19"));
        assert!(!icd10cm_dot_placed("E11."));
    }

    #[test]
    fn splits_typed_codes() {
        assert_eq!(
            split_codes(System::Icd10cm, "E11.22; N18.3,I10  Z79.4"),
            ["E11.22", "N18.3", "I10", "Z79.4"]
        );
        assert_eq!(
            split_codes(System::Term, "ace inhibitor"),
            ["ace inhibitor"]
        );
    }

    #[test]
    fn displays_dotted() {
        assert_eq!(display_code(System::Icd10cm, "E119"), "E11.9");
        assert_eq!(display_code(System::Icd10cm, "I10"), "I10");
        assert_eq!(display_code(System::Icd10pcs, "0DT44ZZ"), "0DT44ZZ");
    }

    #[test]
    fn parses_system_names() {
        assert_eq!("ICD10CM".parse::<System>(), Ok(System::Icd10cm));
        assert!("icd9".parse::<System>().is_err());
    }
}
