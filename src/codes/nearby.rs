//! Finding codes: the nearest real codes to a code that does not exist, and codes by the
//! words of their descriptions.
//!
//! Suggestions are built from the structure of codes rather than a scan of the whole set:
//! every code one edit away (a changed, missing, extra or swapped character), the closest
//! existing ancestor, and its billable descendants. That keeps them well under a
//! millisecond over the ~98,000 ICD-10-CM codes.

use std::collections::HashSet;

use super::codeset::{CodeSet, Entry, Status, parse_line};

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
    pub hits: Vec<Entry>,
    pub total: usize,
}

/// Codes whose descriptions hold every word of `query` at a word start; a word of three
/// letters or fewer must be a whole word (`uti` must not find "utilities"). Codes where every
/// word is whole rank first, then billable codes, then shorter descriptions.
pub fn search(sets: &[&CodeSet], query: &str, limit: usize) -> Found {
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
    type Rank = (bool, bool, usize);
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
                (!whole, !billable, end - start - description_at),
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
    let mut hits: Vec<(Rank, Entry)> = Vec::new();
    for set in sets {
        for (count, best) in set.scan_texts(scan) {
            total += count;
            hits.extend(best);
        }
    }
    hits.sort_by(|a, b| (a.0, &a.1.code).cmp(&(b.0, &b.1.code)));
    Found {
        hits: hits
            .into_iter()
            .take(limit)
            .map(|(_, entry)| entry)
            .collect(),
        total,
    }
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
        let found = search(&[&sets.icd10cm], "uti", 50);
        assert!(
            found
                .hits
                .iter()
                .all(|e| !e.description.to_lowercase().contains("utilit"))
        );
        let found = search(&[&sets.icd10cm], "diabetes", 5);
        assert_eq!(found.hits.len(), 5);
        assert!(found.total > 100, "{}", found.total);
    }

    #[test]
    fn word_starts() {
        assert!(has_word_start("type 2 diabetes mellitus", "diab"));
        assert!(has_word_start("type 2 diabetes mellitus", "type"));
        assert!(!has_word_start("pharmacy", "arm"));
        assert!(has_word_start("upper arm", "arm"));
    }
}
