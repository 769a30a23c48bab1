//! Scoring, deck loading and code-set look-ups (criterion).

use std::hint::black_box;

use codedrill::codes::{CodeSets, System, nearby};
use codedrill::deck;
use codedrill::score::{AnswerKey, Scorer};
use criterion::{Criterion, criterion_group, criterion_main};

fn scoring(c: &mut Criterion) {
    let sets = CodeSets::embedded();
    let scorer = Scorer::new(Some(&sets), false);
    let key = AnswerKey::new(System::Icd10cm, "E11.9", "");
    // Warm the chunk the look-ups use, as a session does after its first item.
    let _ = scorer.score(&key, "E11.8");
    let mut group = c.benchmark_group("score");
    group.bench_function("correct", |b| {
        b.iter(|| scorer.score(&key, black_box("e11.9")))
    });
    group.bench_function("near_miss", |b| {
        b.iter(|| scorer.score(&key, black_box("E11.8")))
    });
    group.bench_function("invalid", |b| {
        b.iter(|| scorer.score(&key, black_box("E11.99")))
    });
    let several = AnswerKey::new(System::Icd10cm, "E11.22;N18.30;I12.9", "");
    group.bench_function("three_codes_out_of_order", |b| {
        b.iter(|| scorer.score(&several, black_box("N18.30 E11.22 I12.9")))
    });
    // The conventions of the tabular: an Excludes1 pair, a manifestation first, a
    // use-additional code missing (the notes warmed first, as after a session's first item).
    let diabetes = AnswerKey::new(System::Icd10cm, "E11.9;I10", "");
    let _ = scorer.score(&diabetes, "E11.9 E10.9 I10");
    group.bench_function("excludes1_pair", |b| {
        b.iter(|| scorer.score(&diabetes, black_box("E11.9 E10.9 I10")))
    });
    let dementia = AnswerKey::new(System::Icd10cm, "G30.9;F02.80", "");
    group.bench_function("manifestation_first", |b| {
        b.iter(|| scorer.score(&dementia, black_box("F02.80 G30.9")))
    });
    let insulin = AnswerKey::new(System::Icd10cm, "E11.9;Z79.4", "");
    group.bench_function("use_additional_missing", |b| {
        b.iter(|| scorer.score(&insulin, black_box("E11.9")))
    });
    group.finish();
}

fn decks(c: &mut Criterion) {
    let sets = CodeSets::embedded();
    c.bench_function("load_embedded_deck_checked", |b| {
        b.iter(|| deck::load_deck(black_box(deck::DEFAULT_DECK), Some(&sets)))
    });
}

fn code_sets(c: &mut Criterion) {
    c.bench_function("codeset_first_lookup_cold", |b| {
        b.iter(|| CodeSets::embedded().get(System::Icd10cm, black_box("E119")))
    });
    let sets = CodeSets::embedded();
    // Every chunk decompressed before timing.
    let _ = sets.icd10cm.entries();
    c.bench_function("suggest_nearest_icd10cm", |b| {
        b.iter(|| nearby::suggest(&sets.icd10cm, black_box("E1199"), 3))
    });
    c.bench_function("suggest_nearest_injury", |b| {
        b.iter(|| nearby::suggest(&sets.icd10cm, black_box("S52521Z"), 3))
    });
}

criterion_group!(benches, scoring, decks, code_sets);
criterion_main!(benches);
