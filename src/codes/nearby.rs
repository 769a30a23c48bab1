//! Finding codes: the nearest real codes to a code that does not exist, and codes by the
//! words of their descriptions and of the tabular's inclusion terms.
//!
//! Suggestions are built from the structure of codes rather than a scan of the whole set:
//! every code one edit away (a changed, missing, extra or swapped character), the closest
//! existing ancestor, and its billable descendants. That keeps them well under a
//! millisecond over the ~98,000 ICD-10-CM codes.

use std::collections::HashSet;

use std::collections::HashMap;

use super::codeset::{CodeSet, Entry, Status, parse_line};
use super::notes::{self, Kind};

/// Characters a code may hold.
const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Up to `limit` real codes nearest to `code` (normalised, dotless), billable first, then
/// the closest, then those sharing the longest start with it.
pub fn suggest(set: &CodeSet, code: &str, limit: usize) -> Vec<Entry> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut found: Vec<Entry> = Vec::new();
    let mut consider = |candidate: &str, found: &mut Vec<Entry>| {
        if candidate != code
            && seen.insert(candidate.to_string())
            && let Some(entry) = set.get(candidate)
        {
            found.push(entry);
        }
    };
    for candidate in one_edit_away(code) {
        consider(&candidate, &mut found);
    }
    if let Some(ancestor) = nearest_ancestor(set, code) {
        consider(&ancestor, &mut found);
        let mut children = Vec::new();
        set.codes_with_prefix(&ancestor, |child| children.push(child.to_string()));
        for child in children.iter().take(200) {
            consider(child, &mut found);
        }
    }
    found.sort_by_key(|entry| {
        (
            entry.status != Status::Billable,
            strsim::damerau_levenshtein(code, &entry.code),
            usize::MAX - common_prefix(code, &entry.code),
            entry.code.clone(),
        )
    });
    found.truncate(limit);
    found
}

/// The longest start of `code` (at least 3 characters) that is a code of the set.
fn nearest_ancestor(set: &CodeSet, code: &str) -> Option<String> {
    (3..code.len().min(8))
        .rev()
        .filter_map(|len| code.get(..len))
        .find(|prefix| set.get(prefix).is_some())
        .map(str::to_string)
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// Every string one substitution, deletion, insertion or adjacent swap away from `code`.
fn one_edit_away(code: &str) -> Vec<String> {
    let bytes = code.as_bytes();
    // No code has more than 7 characters, so a longer input is never one edit from one (and
    // the variants of a long input would take memory quadratic in its length).
    if bytes.len() > 8 {
        return Vec::new();
    }
    let mut variants = Vec::with_capacity(ALPHABET.len() * (2 * bytes.len() + 1) + bytes.len());
    let text = |v: Vec<u8>| String::from_utf8(v).ok();
    for at in 0..bytes.len() {
        for &c in ALPHABET {
            if c != bytes[at] {
                let mut v = bytes.to_vec();
                v[at] = c;
                variants.extend(text(v));
            }
        }
        let mut deleted = bytes.to_vec();
        deleted.remove(at);
        variants.extend(text(deleted));
        if at + 1 < bytes.len() && bytes[at] != bytes[at + 1] {
            let mut swapped = bytes.to_vec();
            swapped.swap(at, at + 1);
            variants.extend(text(swapped));
        }
    }
    for at in 0..=bytes.len() {
        for &c in ALPHABET {
            let mut v = bytes.to_vec();
            v.insert(at, c);
            variants.extend(text(v));
        }
    }
    variants
}

/// What a search found: the best `limit` codes, and how many matched in all.
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// A code found by a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub entry: Entry,
    /// The inclusion term or "includes" note that matched, when the title did not.
    pub term: Option<Term>,
}

/// A term of the tabular that a search matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// `inclusion` (an inclusion term) or `includes` (an "Includes" note).
    pub kind: &'static str,
    pub text: String,
}

/// How a hit ranks: words not all whole, not billable, found by a term, and the length of
/// what matched; smaller first.
type Rank = (bool, bool, bool, usize);

/// Codes whose descriptions hold every word of `query` at a word start; a word of three
/// letters or fewer must be a whole word (`uti` must not find "utilities"). With `terms_in`
/// (the ICD-10-CM set), also the codes of that set whose inclusion terms or "includes" notes
/// hold every word, when their title does not. Codes where every word is whole rank first,
/// then billable codes, then title matches before term matches, then shorter texts.
pub fn search(sets: &[&CodeSet], terms_in: Option<&CodeSet>, query: &str, limit: usize) -> Found {
    let mut words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let Some(anchor) = words.first().cloned() else {
        return Found {
            hits: Vec::new(),
            total: 0,
        };
    };
    let finder = memchr::memmem::Finder::new(anchor.as_bytes());
    // Per chunk: how many lines hold every word, and the best `limit` of them as entries.
    let scan = |text: &str, lower: &mut Vec<u8>| -> Vec<(usize, Vec<(Rank, Entry)>)> {
        lower.clear();
        lower.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
        let bytes = &lower[..];
        let mut ranked: Vec<(Rank, usize, usize)> = Vec::new();
        let mut last_line = usize::MAX;
        for at in finder.find_iter(bytes) {
            let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
            if start == last_line {
                continue;
            }
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
            let line = &text[start..end];
            let Some(description_at) = description_start(line) else {
                continue;
            };
            // ASCII lower-casing keeps byte offsets, so the line's bytes line up in both.
            let description =
                std::str::from_utf8(&bytes[start + description_at..end]).unwrap_or("");
            let Some(whole) = match_words(description, &words) else {
                continue;
            };
            last_line = start;
            let billable = line.split('\t').nth(1) == Some("billable");
            ranked.push((
                (!whole, !billable, false, end - start - description_at),
                start,
                end,
            ));
        }
        let total = ranked.len();
        ranked.sort_unstable();
        let best = ranked
            .into_iter()
            .take(limit)
            .filter_map(|(rank, start, end)| {
                parse_line(&text[start..end]).map(|entry| (rank, entry))
            })
            .collect();
        vec![(total, best)]
    };
    let mut total = 0;
    let mut hits: Vec<(Rank, Hit)> = Vec::new();
    for set in sets {
        for (count, best) in set.scan_texts(scan) {
            total += count;
            hits.extend(
                best.into_iter()
                    .map(|(rank, entry)| (rank, Hit { entry, term: None })),
            );
        }
    }
    if let Some(set) = terms_in {
        let by_term = search_terms(set, &words, &finder);
        total += by_term.len();
        hits.extend(by_term);
    }
    hits.sort_by(|a, b| (a.0, &a.1.entry.code).cmp(&(b.0, &b.1.entry.code)));
    Found {
        hits: hits.into_iter().take(limit).map(|(_, hit)| hit).collect(),
        total,
    }
}

/// The codes of `set` whose inclusion terms or "includes" notes hold every word and whose
/// titles do not (those the title scan has found), each with its best-ranked term.
fn search_terms(
    set: &CodeSet,
    words: &[String],
    finder: &memchr::memmem::Finder,
) -> Vec<(Rank, Hit)> {
    let mut best: HashMap<String, ((bool, usize), Term)> = HashMap::new();
    let mut lower = String::new();
    notes::for_each_term(|owner, kind, text| {
        lower.clear();
        lower.push_str(text);
        lower.make_ascii_lowercase();
        if finder.find(lower.as_bytes()).is_none() {
            return;
        }
        let Some(whole) = match_words(&lower, words) else {
            return;
        };
        let rank = (!whole, text.len());
        if best.get(owner).is_some_and(|(kept, _)| *kept <= rank) {
            return;
        }
        let kind = if kind == Kind::Inclusion {
            "inclusion"
        } else {
            "includes"
        };
        let term = Term {
            kind,
            text: text.to_string(),
        };
        best.insert(owner.to_string(), (rank, term));
    });
    best.into_iter()
        .filter_map(|(owner, ((partial, len), term))| {
            let entry = set.get(&owner)?;
            let title = entry.description.to_ascii_lowercase();
            if match_words(&title, words).is_some() {
                return None;
            }
            let billable = entry.status == Status::Billable;
            let hit = Hit {
                entry,
                term: Some(term),
            };
            Some(((partial, !billable, true, len), hit))
        })
        .collect()
}

/// Whether every word occurs in `text` at a word start (a short word as a whole word), and if
/// so whether every one occurs as a whole word.
fn match_words(text: &str, words: &[String]) -> Option<bool> {
    let mut all_whole = true;
    for word in words {
        let whole = has_whole_word(text, word);
        if !whole && (word.chars().count() <= 3 || !has_word_start(text, word)) {
            return None;
        }
        all_whole &= whole;
    }
    Some(all_whole)
}

/// Whether `word` occurs in `text` as a whole word.
fn has_whole_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Where the description starts in a `CODE\tSTATUS\tDESCRIPTION` line.
fn description_start(line: &str) -> Option<usize> {
    let first = line.find('\t')?;
    let second = line[first + 1..].find('\t')?;
    Some(first + second + 2)
}

/// Whether `word` occurs in `text` at the start of a word.
fn has_word_start(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        text[..at]
            .chars()
            .next_back()
            .is_none_or(|before| !before.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_cover_every_kind() {
        let variants = one_edit_away("E119");
        for want in ["E118", "E11", "E1199", "E191", "1E19"] {
            assert!(variants.iter().any(|v| v == want), "{want}");
        }
    }

    #[test]
    fn short_words_match_whole_words_only_and_whole_words_rank_first() {
        let words = |query: &str| -> Vec<String> { vec![query.to_string()] };
        assert_eq!(
            match_words("urinary tract infection (uti)", &words("uti")),
            Some(true)
        );
        assert_eq!(
            match_words("inadequate housing utilities", &words("uti")),
            None
        );
        assert_eq!(
            match_words("diabetic retinopathy", &words("diab")),
            Some(false)
        );
        assert_eq!(
            match_words("type 2 diabetes", &words("diabetes")),
            Some(true)
        );
        let sets = crate::codes::CodeSets::embedded();
        let found = search(&[&sets.icd10cm], None, "uti", 50);
        assert!(
            found
                .hits
                .iter()
                .all(|h| !h.entry.description.to_lowercase().contains("utilit"))
        );
        let found = search(&[&sets.icd10cm], None, "diabetes", 5);
        assert_eq!(found.hits.len(), 5);
        assert!(found.total > 100, "{}", found.total);
    }

    #[test]
    fn inclusion_terms_and_includes_notes_find_their_codes() {
        let sets = crate::codes::CodeSets::embedded();
        // (query, a code it finds, the term that matched)
        let cases = [
            (
                "kimmelstiel-wilson",
                "E1121",
                "Type 2 diabetes mellitus with Kimmelstiel-Wilson disease",
            ),
            (
                "juvenile onset diabetes",
                "E10",
                "juvenile onset diabetes (mellitus)",
            ),
            ("high blood pressure", "I10", "high blood pressure"),
            ("classical cholera", "A000", "Classical cholera"),
        ];
        for (query, code, text) in cases {
            let found = search(&[&sets.icd10cm], Some(&sets.icd10cm), query, 25);
            let hit = found
                .hits
                .iter()
                .find(|h| h.entry.code == code)
                .unwrap_or_else(|| panic!("{query}: {code} not found"));
            assert_eq!(hit.term.as_ref().map(|t| t.text.as_str()), Some(text));
        }
        // A title match is not repeated as a term match, and ranks first at equal wholeness.
        let found = search(&[&sets.icd10cm], Some(&sets.icd10cm), "hypertension", 200);
        let i10: Vec<&Hit> = found
            .hits
            .iter()
            .filter(|h| h.entry.code == "I10")
            .collect();
        assert_eq!(i10.len(), 1);
        assert!(i10[0].term.is_none());
        // Short words stay whole words in terms too.
        let found = search(&[&sets.icd10cm], Some(&sets.icd10cm), "uti", 200);
        assert!(found.hits.iter().all(|h| {
            h.term
                .as_ref()
                .is_none_or(|t| !t.text.to_lowercase().contains("utilit"))
        }));
    }

    #[test]
    fn word_starts() {
        assert!(has_word_start("type 2 diabetes mellitus", "diab"));
        assert!(has_word_start("type 2 diabetes mellitus", "type"));
        assert!(!has_word_start("pharmacy", "arm"));
        assert!(has_word_start("upper arm", "arm"));
    }
}
