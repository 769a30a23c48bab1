//! Generated drills: random billable codes from part of an embedded code set
//! (`--generate icd10cm:E00-E89`, `icd10cm:E11`, `icd10pcs:0DT`).
//!
//! An ICD-10-CM item asks for recall, not title read-back: its prompt is an inclusion term
//! the tabular lists for the code, where it has one that names this code and no other, and
//! its title otherwise. A term names the code when the tabular lists it under the code
//! itself, or under an ancestor whose only code it is, or under the direct parent whose one
//! "unspecified" code it is (a term that says nothing of the side is coded to the
//! unspecified side). A code with a 7th character takes the term of the code it extends,
//! followed by the character's meaning ("Black eye, initial encounter"). Terms that are
//! really notes ("Conditions classifiable to ..."), that name codes, or that the tabular
//! lists under another code as well are never prompts. ICD-10-PCS items keep the title.

use std::collections::HashSet;
use std::str::FromStr;

use anyhow::{Result, bail};

use super::shuffle::Rng;
use crate::codes::codeset::{CodeSet, icd10cm_chapter_of, icd10pcs_body_system_of};
use crate::codes::notes::{self, Kind, Note, Role};
use crate::codes::{self, CodeSets, Status, System};
use crate::deck::Item;

/// What a generated ICD-10-CM item prompts with (`--prompt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PromptSource {
    /// An inclusion term of the code from the tabular, the title where it has none
    #[default]
    Terms,
    /// The code's official title
    Title,
}

/// Which part of which code set to draw from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSpec {
    pub system: System,
    /// A prefix (`E11`, `0DT`) or an inclusive range of prefixes of one length (`E00-E89`).
    pub from: String,
    pub to: String,
}

impl FromStr for GenerateSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (system, range) = text.split_once(':').unwrap_or((text, ""));
        let system: System = system.parse()?;
        if !matches!(system, System::Icd10cm | System::Icd10pcs) {
            return Err(format!(
                "cannot generate {} items: codedrill has code sets for icd10cm and icd10pcs only",
                system.name()
            ));
        }
        let clean = |part: &str| codes::normalize(System::Icd10cm, part);
        let (from, to) = match range.split_once('-') {
            Some((from, to)) => (clean(from), clean(to)),
            None => (clean(range), clean(range)),
        };
        let valid = |part: &str| part.len() <= 7 && part.bytes().all(|c| c.is_ascii_alphanumeric());
        if !valid(&from) || !valid(&to) || from.len() != to.len() || from > to {
            return Err(format!(
                "`{text}` is not a range of codes (examples: icd10cm:E00-E89, icd10cm:E11, icd10pcs:0DT)"
            ));
        }
        Ok(GenerateSpec { system, from, to })
    }
}

impl GenerateSpec {
    fn label(&self) -> String {
        match (self.from.as_str(), self.from == self.to) {
            ("", _) => self.system.name().to_string(),
            (from, true) => format!("{}:{from}", self.system.name()),
            (from, false) => format!("{}:{from}-{}", self.system.name(), self.to),
        }
    }

    /// Whether a code falls in the range (compared on the range's prefix length).
    fn contains(&self, code: &str) -> bool {
        let prefix = code.get(..self.from.len()).unwrap_or(code);
        self.from.as_str() <= prefix && prefix <= self.to.as_str()
    }
}

/// Draws `count` distinct billable codes of the range as drill items, prompted as `prompt`
/// says (ICD-10-CM only: ICD-10-PCS items always show the title).
pub fn generate(
    sets: &CodeSets,
    spec: &GenerateSpec,
    count: usize,
    seed: u64,
    prompt: PromptSource,
) -> Result<Vec<Item>> {
    let Some(set) = sets.set(spec.system) else {
        bail!("no code set for {}", spec.system.name());
    };
    let start = common_start(&spec.from, &spec.to);
    let mut pool: Vec<(String, String)> = Vec::new();
    set.for_each_line(|line| {
        let mut fields = line.splitn(3, '\t');
        let (Some(code), Some(status), Some(description)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return;
        };
        if status == Status::Billable.name() && code.starts_with(start) && spec.contains(code) {
            pool.push((code.to_string(), description.trim_end().to_string()));
        }
    });
    if pool.is_empty() {
        bail!(
            "--generate {}: no billable code in that range",
            spec.label()
        );
    }
    let mut rng = Rng::new(seed);
    rng.shuffle(&mut pool);
    pool.truncate(count);
    let with_terms = spec.system == System::Icd10cm && prompt == PromptSource::Terms;
    let mut candidates: Vec<Vec<Term>> = pool
        .iter()
        .map(|(code, title)| match with_terms {
            true => terms_naming(set, code, title),
            false => Vec::new(),
        })
        .collect();
    drop_shared_terms(&mut candidates);
    // The terms are drawn after the codes, so a seed draws the same codes whatever `prompt`.
    Ok(pool
        .into_iter()
        .zip(candidates)
        .enumerate()
        .map(|(index, ((code, title), terms))| {
            let term = (!terms.is_empty()).then(|| terms[rng.below(terms.len())].clone());
            make_item(spec, index, &code, title, term)
        })
        .collect())
}

fn make_item(
    spec: &GenerateSpec,
    index: usize,
    code: &str,
    title: String,
    term: Option<Term>,
) -> Item {
    let category = match spec.system {
        System::Icd10cm => icd10cm_chapter_of(code),
        _ => icd10pcs_body_system_of(code),
    };
    let mut rationale = match &term {
        Some(term) => term.source(code),
        None => "Prompt: the official title.".to_string(),
    };
    if spec.system == System::Icd10cm {
        for said in notes_to_know(code) {
            rationale.push(' ');
            rationale.push_str(&said);
        }
    }
    Item {
        id: format!("gen-{:03}", index + 1),
        prompt: term.map_or(title, |term| term.prompt),
        answer: codes::display_code(spec.system, code),
        system: spec.system,
        accept: String::new(),
        category: category.unwrap_or_default(),
        rationale,
        optional: String::new(),
        setting: None,
        deck: format!("generated:{}", spec.label()),
        line: 0,
    }
}

/// How an inclusion term names a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// It is listed under the code (or the code a 7th character extends).
    Own,
    /// It is listed under an ancestor that has no other code.
    OnlyCode,
    /// It is listed under the direct parent, and the code is the parent's one code whose
    /// title says "unspecified".
    Unspecified,
}

/// An inclusion term that names one code, as a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    /// What the item shows: the term, and the 7th character's meaning when there is one.
    prompt: String,
    /// The note's own text, to find it under other codes.
    text: &'static str,
    /// The code (dotless) the tabular lists it under.
    owner: &'static str,
    naming: Naming,
    /// The 7th character and its meaning, when the code has one.
    seventh: Option<(char, &'static str)>,
}

impl Term {
    /// The first sentence of the item's "why": where the prompt came from.
    fn source(&self, code: &str) -> String {
        let owner = codes::display_code(System::Icd10cm, self.owner);
        let code = codes::display_code(System::Icd10cm, code);
        let mut said = format!("Prompt: an inclusion term of {owner} in the tabular");
        match self.naming {
            Naming::Own => {}
            Naming::OnlyCode => said.push_str(&format!(", whose only code is {code}")),
            Naming::Unspecified => said.push_str(&format!(
                "; with nothing more specified it is coded to {owner}'s unspecified code"
            )),
        }
        if let Some((character, meaning)) = self.seventh {
            said.push_str(&format!(", with 7th character {character} ({meaning})"));
        }
        said.push('.');
        said
    }

    /// Whether the code is on the same line of the tabular as `owner`: one is a prefix of
    /// the other. A term listed there as well names nothing else.
    fn in_lineage(&self, owner: &str) -> bool {
        self.owner.starts_with(owner) || owner.starts_with(self.owner)
    }
}

/// The code a 7th character extends (`S0010XA` → `S0010`, placeholders dropped) and the
/// character with its meaning; the code itself when it takes none.
fn split_seventh(code: &str) -> (&str, Option<(char, &'static str)>) {
    let Some(character) = code.chars().nth(6) else {
        return (code, None);
    };
    let meaning = notes::seventh_characters(code).and_then(|defined| {
        defined
            .characters
            .iter()
            .find(|seventh| seventh.character == character)
            .map(|seventh| seventh.meaning)
    });
    match meaning {
        Some(meaning) => (code[..6].trim_end_matches('X'), Some((character, meaning))),
        None => (code, None),
    }
}

/// The codes a coder chooses between under `owner`: its billable codes, each 7th-character
/// family counted once by the code it extends.
fn leaves_under(set: &CodeSet, owner: &str) -> Vec<String> {
    let mut leaves: Vec<String> = Vec::new();
    set.codes_with_prefix(owner, |code| {
        if set.status(code) == Some(Status::Billable) {
            let (leaf, _) = split_seventh(code);
            // A family's codes are next to each other in the set's order.
            if leaves.last().is_none_or(|last| last != leaf) {
                leaves.push(leaf.to_string());
            }
        }
    });
    leaves
}

/// How the inclusion terms of `owner` name the leaf `leaf`, if they do.
fn naming_of(set: &CodeSet, owner: &str, leaf: &str) -> Option<Naming> {
    let leaves = leaves_under(set, owner);
    if leaves == [leaf] {
        return Some(match owner == leaf {
            true => Naming::Own,
            false => Naming::OnlyCode,
        });
    }
    unspecified_default(set, owner, leaf, &leaves).then_some(Naming::Unspecified)
}

/// Whether a term of `owner` that says nothing of what tells its codes apart is coded to
/// `leaf`: `leaf` is a direct child of `owner` and the one of its `leaves` whose title says
/// "unspecified", unless that title adds a "with" (`S06.359`, "... with loss of
/// consciousness of unspecified duration", says more than the term) or another leaf is a
/// "without" (silence may then mean "without", as for `K50.00`).
fn unspecified_default(set: &CodeSet, owner: &str, leaf: &str, leaves: &[String]) -> bool {
    if leaf.len() != owner.len() + 1 {
        return false;
    }
    let titles: Vec<Vec<String>> = leaves.iter().map(|code| title_words(set, code)).collect();
    let mut unspecified = leaves
        .iter()
        .zip(&titles)
        .filter(|(_, title)| count(title, "unspecified") > 0)
        .map(|(code, _)| code);
    let only = unspecified.next().is_some_and(|code| code == leaf) && unspecified.next().is_none();
    let adds_with =
        count(&title_words(set, leaf), "with") > count(&title_words(set, owner), "with");
    let some_without = titles.iter().any(|title| count(title, "without") > 0);
    only && !adds_with && !some_without
}

/// The words of a code's title, lower case.
fn title_words(set: &CodeSet, code: &str) -> Vec<String> {
    let title = set
        .get(code)
        .map(|entry| entry.description)
        .unwrap_or_default();
    title
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

/// How many times `word` is among `words`.
fn count(words: &[String], word: &str) -> usize {
    words.iter().filter(|w| *w == word).count()
}

/// The inclusion terms that name a billable ICD-10-CM code and are fit to be its prompt.
fn terms_naming(set: &CodeSet, code: &str, title: &str) -> Vec<Term> {
    let (leaf, seventh) = split_seventh(code);
    let mut terms = Vec::new();
    for len in (3..=leaf.len()).rev() {
        let owner = &leaf[..len];
        let listed: Vec<&'static Note> = notes::notes_of(owner, Kind::Inclusion)
            .into_iter()
            .filter(|note| note.owner == owner && fit_for_prompt(note))
            .collect();
        if listed.is_empty() {
            continue;
        }
        let Some(naming) = naming_of(set, owner, leaf) else {
            continue;
        };
        for note in listed {
            let term = term_text(note);
            if term.eq_ignore_ascii_case(title) {
                continue;
            }
            let prompt = match seventh {
                Some((_, meaning)) => format!("{term}, {meaning}"),
                None => term,
            };
            terms.push(Term {
                prompt,
                text: note.text,
                owner: note.owner,
                naming,
                seventh,
            });
        }
    }
    // The code's own terms are the surest; a parent's only when it has none.
    if terms.iter().any(|t| t.naming == Naming::Own) {
        terms.retain(|t| t.naming == Naming::Own);
    }
    terms
}

/// A term with its list's lead when it is an item ("Angiostrongyliasis due to
/// Angiostrongylus costaricensis").
fn term_text(note: &Note) -> String {
    match note.lead {
        Some(lead) => format!("{} {}", lead.trim_end_matches(':').trim_end(), note.text),
        None => note.text.to_string(),
    }
}

/// Whether an inclusion term reads as a condition on its own: not a list's lead, naming no
/// code ("Conditions classifiable to D50-D89" means something only under its heading), not
/// a bare abbreviation ("TIA", "PR+"), and not one of the notes the tabular files among the
/// terms ("This category is to be used when ...", "An amputation not identified as partial
/// or complete should be coded to complete").
fn fit_for_prompt(note: &Note) -> bool {
    const NOTE_WORDS: [&str; 14] = [
        "classifiable",
        "any condition",
        "listed under",
        "this category",
        "this code",
        "these codes",
        "should be",
        "to be used",
        "for use",
        "in conjunction",
        "usually implies",
        "the following",
        "code to ",
        "coded to",
    ];
    let abbreviation =
        !note.text.contains(' ') && note.text.chars().filter(char::is_ascii_uppercase).count() >= 2;
    let text = note.text.to_ascii_lowercase();
    !abbreviation
        && note.role != Role::Lead
        && note.patterns.is_empty()
        && !note.level.is_block()
        && !text.ends_with(':')
        && !NOTE_WORDS.iter().any(|words| text.contains(words))
}

/// Drops the terms the tabular also lists under a code off their code's line (the same
/// words under K55.32 and P77.2 name two codes, so they name neither): one pass over every
/// inclusion term, done only when some item has a term.
fn drop_shared_terms(candidates: &mut [Vec<Term>]) {
    let texts: HashSet<String> = candidates
        .iter()
        .flatten()
        .map(|term| term.text.to_lowercase())
        .collect();
    if texts.is_empty() {
        return;
    }
    let mut listed: Vec<(String, String)> = Vec::new();
    notes::for_each_term(|owner, kind, text| {
        let text = text.to_lowercase();
        if kind == Kind::Inclusion && texts.contains(&text) {
            listed.push((text, owner.to_string()));
        }
    });
    for terms in candidates.iter_mut() {
        terms.retain(|term| {
            let text = term.text.to_lowercase();
            listed
                .iter()
                .all(|(other, owner)| *other != text || term.in_lineage(owner))
        });
    }
}

/// At most this many items of one list in the "why"; the rest are counted.
const LIST_ITEMS: usize = 4;

/// What a coder must know of a code beside its prompt, one sentence each: its "code first",
/// "use additional" and "code also" notes (its own, its ancestors' and its chapter's), its
/// Excludes1 notes in one line (its own and its ancestors'; a chapter's are too general to
/// help), and its CC/MCC flag.
fn notes_to_know(code: &str) -> Vec<String> {
    let all = notes::notes_for(code);
    let mut said = Vec::new();
    for kind in [Kind::CodeFirst, Kind::UseAdditional, Kind::CodeAlso] {
        let of_kind: Vec<&Note> = all.iter().copied().filter(|n| n.kind == kind).collect();
        said.extend(list_sentences(&of_kind));
    }
    let excludes: Vec<String> = all
        .iter()
        .filter(|n| n.kind == Kind::Excludes1 && !n.level.is_block() && n.role != Role::Lead)
        .map(|n| n.quote())
        .collect();
    if !excludes.is_empty() {
        said.push(format!(
            "Excludes1 (never coded with it): {}.",
            capped(&excludes, LIST_ITEMS)
        ));
    }
    if let Some(flag) = notes::cc_flag(code) {
        let alive = if flag.alive_only {
            " when the patient is discharged alive"
        } else {
            ""
        };
        said.push(format!(
            "{} as a secondary diagnosis{alive} ({}).",
            flag.severity.label(),
            notes::MS_DRG_VERSION
        ));
    }
    said
}

/// The notes of one kind as sentences: an alone note as it reads, a list as its lead with
/// its items ("Use additional code to identify control using: insulin (Z79.4); oral
/// antidiabetic drugs (Z79.84); ...").
fn list_sentences(of_kind: &[&Note]) -> Vec<String> {
    // The notes one heading of the tabular lists: a lead's items, or the lines under a
    // code's "Code first".
    let same_list = |a: &Note, b: &Note| a.owner == b.owner && a.lead == b.lead;
    let mut lists: Vec<Vec<&Note>> = Vec::new();
    for &note in of_kind.iter().filter(|n| n.role != Role::Lead) {
        match lists.last_mut() {
            Some(list) if same_list(list[0], note) => list.push(note),
            _ => lists.push(vec![note]),
        }
    }
    lists.iter().map(|list| list_sentence(list)).collect()
}

/// One list as a sentence: the first note with its heading, then the others' texts.
fn list_sentence(list: &[&Note]) -> String {
    let first = list[0].sentence();
    let rest: Vec<String> = list[1..].iter().map(|n| n.text.to_string()).collect();
    let mut sentence = match rest.is_empty() {
        true => first,
        false => format!("{first}; {}", capped(&rest, LIST_ITEMS - 1)),
    };
    // "Code first , if applicable, ...": the tabular's lead starts with a comma.
    sentence = sentence.replace(" ,", ",");
    if !sentence.ends_with('.') {
        sentence.push('.');
    }
    sentence
}

/// The first `most` of `items`, `; `-joined, and a count of the rest.
fn capped(items: &[String], most: usize) -> String {
    let shown = items.len().min(most);
    let mut text = items[..shown].join("; ");
    if items.len() > shown {
        text.push_str(&format!("; and {} more", items.len() - shown));
    }
    text
}

fn common_start<'a>(a: &'a str, b: &str) -> &'a str {
    let same = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    &a[..same]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let spec: GenerateSpec = "icd10cm:E00-E89".parse().unwrap();
        assert_eq!((spec.from.as_str(), spec.to.as_str()), ("E00", "E89"));
        assert!(spec.contains("E119") && spec.contains("E890") && !spec.contains("F10"));
        let one: GenerateSpec = "icd10cm:e11".parse().unwrap();
        assert!(one.contains("E1165") && !one.contains("E1000"));
        let pcs: GenerateSpec = "icd10pcs:0DT".parse().unwrap();
        assert_eq!(pcs.system, System::Icd10pcs);
        let whole: GenerateSpec = "icd10cm".parse().unwrap();
        assert!(whole.contains("Z0000"));
        for bad in [
            "cpt:99213",
            "icd10cm:E89-E00",
            "icd10cm:E0-E89",
            "icd9:250",
            "icd10cm:E1$",
        ] {
            assert!(bad.parse::<GenerateSpec>().is_err(), "{bad}");
        }
    }

    /// The prompts the tabular offers a code, with how they name it.
    fn offered(code: &str) -> Vec<(String, Naming)> {
        let sets = CodeSets::embedded();
        let title = sets.icd10cm.get(code).unwrap().description;
        let mut terms = vec![terms_naming(&sets.icd10cm, code, &title)];
        drop_shared_terms(&mut terms);
        terms[0]
            .iter()
            .map(|term| (term.prompt.clone(), term.naming))
            .collect()
    }

    #[test]
    fn terms_name_only_their_code() {
        // (code, a prompt it is offered, how the term names it)
        let cases = [
            (
                "E1121",
                "Type 2 diabetes mellitus with Kimmelstiel-Wilson disease",
                Naming::Own,
            ),
            // I50.2's terms go to its unspecified code.
            (
                "I5020",
                "Heart failure with reduced ejection fraction [HFrEF]",
                Naming::Unspecified,
            ),
            // A 7th character adds its meaning.
            (
                "S0003XA",
                "Hematoma of scalp, initial encounter",
                Naming::Own,
            ),
            // The term sits on S00.1, the side unsaid.
            (
                "S0010XA",
                "Black eye, initial encounter",
                Naming::Unspecified,
            ),
        ];
        for (code, prompt, naming) in cases {
            let offered = offered(code);
            assert!(
                offered.contains(&(prompt.to_string(), naming)),
                "{code}: {offered:?}"
            );
        }
        // None for: I50.2's specified codes; K50.00, whose parent's terms may mean "without
        // complications" or not; S06.359, which says more ("with loss of consciousness of
        // unspecified duration") than its parent's terms; a bare abbreviation (PR+); a term
        // that names codes ("Conditions classifiable to D50-D89"); a term listed under two
        // codes (necrotizing enterocolitis, K55.32 and P77.2).
        for code in [
            "I5022", "S0011XA", "K5000", "S06359A", "Z1721", "Z832", "K5532", "P772",
        ] {
            assert_eq!(offered(code), [], "{code}");
        }
    }

    #[test]
    fn the_why_names_the_source_and_the_notes() {
        let term = Term {
            prompt: "Black eye, initial encounter".into(),
            text: "Black eye",
            owner: "S001",
            naming: Naming::Unspecified,
            seventh: Some(('A', "initial encounter")),
        };
        assert_eq!(
            term.source("S0010XA"),
            "Prompt: an inclusion term of S00.1 in the tabular; with nothing more specified it is coded to S00.1's unspecified code, with 7th character A (initial encounter)."
        );
        let said = notes_to_know("E1121").join(" ");
        assert!(
            said.contains("Use additional code to identify control using: "),
            "{said}"
        );
        assert!(said.contains("Excludes1 (never coded with it): "), "{said}");
        assert!(
            notes_to_know("J189")
                .contains(&"MCC as a secondary diagnosis (MS-DRG v43.1).".to_string())
        );
        // I50's "code first" lines are one list, cut after four.
        let failure = notes_to_know("I5022");
        let first: Vec<&String> = failure
            .iter()
            .filter(|s| s.starts_with("Code first"))
            .collect();
        assert_eq!(first.len(), 1, "{failure:?}");
        assert!(first[0].ends_with("; and 2 more."), "{}", first[0]);
        // T36-T50's lead starts with a comma.
        let poisoning = notes_to_know("T360X5A").join(" ");
        assert!(
            poisoning.contains("Code first, for adverse effects,"),
            "{poisoning}"
        );
    }

    #[test]
    fn generation_is_seeded_and_titles_stay_on_request() {
        let sets = CodeSets::embedded();
        let spec: GenerateSpec = "icd10cm:I50".parse().unwrap();
        let terms = generate(&sets, &spec, 30, 7, PromptSource::Terms).unwrap();
        let again = generate(&sets, &spec, 30, 7, PromptSource::Terms).unwrap();
        let titles = generate(&sets, &spec, 30, 7, PromptSource::Title).unwrap();
        assert_eq!(terms, again);
        let answers =
            |items: &[Item]| -> Vec<String> { items.iter().map(|i| i.answer.clone()).collect() };
        assert_eq!(
            answers(&terms),
            answers(&titles),
            "the same codes either way"
        );
        let from_terms = terms
            .iter()
            .filter(|i| i.rationale.starts_with("Prompt: an inclusion term"))
            .count();
        assert!(from_terms > 0 && from_terms < terms.len(), "{from_terms}");
        for item in &titles {
            let code = codes::normalize(System::Icd10cm, &item.answer);
            assert_eq!(item.prompt, sets.icd10cm.get(&code).unwrap().description);
            assert!(item.rationale.starts_with("Prompt: the official title."));
        }
        let pcs: GenerateSpec = "icd10pcs:0DT".parse().unwrap();
        let pcs = generate(&sets, &pcs, 3, 7, PromptSource::Terms).unwrap();
        assert!(
            pcs.iter()
                .all(|i| i.rationale == "Prompt: the official title.")
        );
    }
}
