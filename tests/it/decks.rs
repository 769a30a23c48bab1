//! The shipped decks: every one passes `check`, has its promised size, and every ICD-10-CM and
//! ICD-10-PCS code in an answer or an accepted alternative is billable in the embedded sets.

use std::collections::HashSet;

use crate::common::codedrill;
use codedrill::codes::{self, CodeSets, Status, System};
use codedrill::deck;
use predicates::prelude::*;

/// (deck, fewest items, systems it may use)
const SHIPPED: [(&str, usize, &[System]); 7] = [
    ("icd10cm-common", 120, &[System::Icd10cm]),
    ("icd10cm-charts", 40, &[System::Icd10cm, System::Icd10cmPcs]),
    ("icd10cm-injury", 50, &[System::Icd10cm]),
    ("icd10cm-cases", 30, &[System::Icd10cm]),
    ("icd10pcs-surgery", 60, &[System::Icd10pcs]),
    ("terminology", 150, &[System::Term]),
    (
        "interview",
        25,
        &[System::Icd10cm, System::Icd10pcs, System::Term],
    ),
];

#[test]
fn every_shipped_deck_is_embedded_and_has_its_size() {
    let names = deck::embedded_names();
    for (name, fewest, systems) in SHIPPED {
        assert!(names.contains(&name), "{name} not embedded");
        let deck =
            deck::load_deck(name, Some(&CodeSets::embedded())).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            deck.items.len() >= fewest,
            "{name}: {} items",
            deck.items.len()
        );
        for item in &deck.items {
            assert!(
                systems.contains(&item.system),
                "{name}/{}: {}",
                item.id,
                item.system
            );
            assert!(!item.category.is_empty(), "{name}/{}: no category", item.id);
            assert!(
                !item.rationale.is_empty(),
                "{name}/{}: no rationale",
                item.id
            );
        }
    }
}

#[test]
fn every_answer_code_is_billable_in_the_embedded_sets() {
    let sets = CodeSets::embedded();
    let mut checked = 0;
    for name in deck::embedded_names() {
        let deck = deck::load_deck(name, None).unwrap_or_else(|e| panic!("{e}"));
        let mut ids = HashSet::new();
        for item in &deck.items {
            assert!(
                ids.insert(item.id.clone()),
                "{name}: duplicate id {}",
                item.id
            );
            assert_ne!(
                item.system,
                System::Cpt,
                "{name}/{}: CPT content is never shipped",
                item.id
            );
            if !matches!(
                item.system,
                System::Icd10cm | System::Icd10pcs | System::Icd10cmPcs
            ) {
                continue;
            }
            let alternatives = std::iter::once(item.answer.as_str())
                .chain(item.accept.split('|'))
                .chain(item.optional.split('|'));
            for code in alternatives
                .flat_map(|a| a.split(';'))
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                let normal = codes::normalize(item.system, code);
                let entry = sets.get(item.system, &normal);
                assert_eq!(
                    entry.map(|e| e.status),
                    Some(Status::Billable),
                    "{name}/{}: {code} is not billable",
                    item.id
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "only {checked} codes checked");
}

#[test]
fn check_passes_on_every_shipped_deck() {
    let mut command = codedrill();
    command.arg("check");
    for (name, _, _) in SHIPPED {
        command.arg(format!(
            "{}/exercises/{name}.csv",
            env!("CARGO_MANIFEST_DIR")
        ));
    }
    command
        .assert()
        .success()
        .stdout(predicate::str::contains("ok").count(SHIPPED.len()));
}

#[test]
fn the_chart_deck_holds_whole_records_of_every_setting() {
    use codedrill::deck::Setting;
    let deck = deck::load_deck("icd10cm-charts", None).unwrap();
    let items = &deck.items;
    assert!(items.len() >= 40, "{}", items.len());
    let inpatient: Vec<_> = items
        .iter()
        .filter(|i| i.setting == Some(Setting::Inpatient))
        .collect();
    let elsewhere = items
        .iter()
        .filter(|i| {
            matches!(
                i.setting,
                Some(Setting::Outpatient | Setting::Office | Setting::Ed)
            )
        })
        .count();
    assert!(
        inpatient.len() >= 15 && elsewhere >= 15,
        "{} / {elsewhere}",
        inpatient.len()
    );
    let with_procedures = inpatient
        .iter()
        .filter(|i| i.system == System::Icd10cmPcs)
        .count();
    assert!(with_procedures >= 10, "{with_procedures}");
    for item in items {
        let words = item.prompt.split_whitespace().count();
        assert!((100..=400).contains(&words), "{}: {words} words", item.id);
        assert!(
            item.prompt.contains('\n'),
            "{}: a record has lines",
            item.id
        );
        assert!(item.setting.is_some(), "{}: no setting", item.id);
        assert!(!item.rationale.is_empty(), "{}: no rationale", item.id);
        // Diagnoses first, then procedures.
        let codes: Vec<String> = item
            .answer
            .split(';')
            .map(|c| codes::normalize(item.system, c))
            .collect();
        let first_procedure = codes
            .iter()
            .position(|c| item.system.of_code(c) == System::Icd10pcs)
            .unwrap_or(codes.len());
        assert!(
            codes[first_procedure..]
                .iter()
                .all(|c| item.system.of_code(c) == System::Icd10pcs),
            "{}: a diagnosis after a procedure",
            item.id
        );
    }
}
