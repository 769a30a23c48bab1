//! Loading a deck of 100,000 rows (issue 7: under a second), with the code-set checks.
//!
//! `cargo bench --bench deck_load`. The deck mixes real billable ICD-10-CM codes (each looked
//! up in the embedded set), quoted prompts with commas, and terminology rows.

use std::hint::black_box;

use codedrill::codes::CodeSets;
use codedrill::deck::parse_deck;
use criterion::{Criterion, criterion_group, criterion_main};

const ROWS: usize = 100_000;

/// A deck of `ROWS` valid items.
fn big_deck(sets: &CodeSets) -> String {
    let mut billable = Vec::new();
    sets.icd10cm.for_each_line(|line| {
        let mut fields = line.split('\t');
        if let (Some(code), Some("billable")) = (fields.next(), fields.next()) {
            billable.push(code.to_string());
        }
    });
    let mut text = String::from("id,system,category,prompt,answer,accept,rationale\n");
    for n in 0..ROWS {
        if n % 10 == 9 {
            text.push_str(&format!(
                "t{n},term,Words,\"Word {n}, spelled out\",word{n},,\n"
            ));
        } else {
            let code = &billable[n * 7919 % billable.len()];
            let dotted = if code.len() > 3 {
                format!("{}.{}", &code[..3], &code[3..])
            } else {
                code.clone()
            };
            text.push_str(&format!(
                "c{n},icd10cm,Chapter,\"Description {n}, with a comma\",{dotted},{code},Because.\n"
            ));
        }
    }
    text
}

fn deck_load(c: &mut Criterion) {
    let sets = CodeSets::embedded();
    let text = big_deck(&sets);
    let (deck, problems) = parse_deck("big", "big.csv", text.as_bytes(), Some(&sets));
    assert!(
        problems.is_empty(),
        "{:?}",
        &problems[..problems.len().min(3)]
    );
    assert_eq!(deck.items.len(), ROWS);
    let mut group = c.benchmark_group("deck_load");
    group.sample_size(10);
    group.bench_function("100k_rows_with_code_sets", |b| {
        b.iter(|| parse_deck("big", "big.csv", black_box(text.as_bytes()), Some(&sets)))
    });
    group.bench_function("100k_rows_format_only", |b| {
        b.iter(|| parse_deck("big", "big.csv", black_box(text.as_bytes()), None))
    });
    group.finish();
}

criterion_group!(benches, deck_load);
criterion_main!(benches);
