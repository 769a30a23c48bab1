//! Property tests over hostile input: the deck parser, the code normaliser and format checks,
//! the scorer and the log reader never panic and keep their invariants.
//!
//! `cargo test` runs a few hundred cases per property to stay fast; run them long with
//! `PROPTEST_CASES=100000 cargo test --release --test props`.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use codedrill::codes::{self, CodeSets, System};
use codedrill::deck::parse_deck;
use codedrill::log::read_log_from;
use codedrill::record::{Attempt, HEADER, MAX_KEYS, MAX_MS, Mode, guard, unguard};
use codedrill::report::{Aggregator, Filters, GroupBy};
use codedrill::score::{AnswerKey, Detail, Scorer, Verdict};

/// A runner doing `PROPTEST_CASES` cases, else `default` (kept small for `cargo test`).
fn runner(default: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn check<S: Strategy>(
    default: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let mut runner = runner(default);
    if let Err(err) = runner.run(&strategy, test) {
        panic!("{err}");
    }
}

fn system() -> impl Strategy<Value = System> {
    prop::sample::select(System::ALL.to_vec())
}

/// Code-like text: real codes, near misses, separators, junk and odd characters.
fn code_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "E11.9",
            "e119",
            "E11",
            "I10",
            "S52.521A",
            "S52521",
            "T81.4XXA",
            "0FT44ZZ",
            "0DT",
            "99213",
            "99213-25",
            "J1100",
            "E0114-RR",
            "hepatitis",
            "ace inhibitor",
            "C4A.0",
        ])
        .prop_map(str::to_string),
        "[A-Z0-9.\\-;, |]{0,12}",
        "[a-zA-Z0-9.\\-;,| \t'=+@\"é\u{0}\u{1b}\u{feff}\u{202e}]{0,20}",
        any::<String>(),
    ]
}

#[test]
fn deck_parser_survives_arbitrary_bytes() {
    let sets = CodeSets::embedded();
    check(300, prop::collection::vec(any::<u8>(), 0..600), |bytes| {
        let (_, problems) = parse_deck("fuzz", "fuzz.csv", &bytes, Some(&sets));
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        for problem in &problems {
            prop_assert!(problem.line >= 1 && problem.line <= lines + 1, "{problem}");
        }
        Ok(())
    });
}

/// A CSV-ish deck: a header of known and unknown columns in any order, then rows of cells
/// that are codes, words, quotes, separators and line breaks.
fn deck_text() -> impl Strategy<Value = String> {
    let columns = prop::sample::subsequence(
        vec![
            "id",
            "prompt",
            "answer",
            "system",
            "accept",
            "category",
            "rationale",
            "extra",
        ],
        0..=8,
    )
    .prop_shuffle();
    let cell = prop_oneof![
        code_text(),
        prop::sample::select(vec![
            "icd10cm", "icd10pcs", "cpt", "hcpcs", "term", "ICD10CM", ""
        ])
        .prop_map(str::to_string),
        "\"[^\"]{0,10}\"".prop_map(|s| s.to_string()),
        "[a-z ,\"\r\n]{0,8}",
    ];
    let row = prop::collection::vec(cell, 0..10).prop_map(|cells| cells.join(","));
    (
        columns,
        prop::collection::vec(row, 0..12),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(columns, rows, bom, crlf)| {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = if bom {
                "\u{feff}".to_string()
            } else {
                String::new()
            };
            text.push_str(&columns.join(","));
            for row in rows {
                text.push_str(end);
                text.push_str(&row);
            }
            text
        })
}

#[test]
fn deck_parser_keeps_its_promises_on_csv_like_text() {
    let sets = CodeSets::embedded();
    check(400, deck_text(), |text| {
        let (deck, problems) = parse_deck("fuzz", "fuzz.csv", text.as_bytes(), Some(&sets));
        let lines = text.matches('\n').count() + 1;
        for problem in &problems {
            prop_assert!(problem.line >= 1 && problem.line <= lines + 1, "{problem}");
            prop_assert!(!problem.message.is_empty());
        }
        let mut ids = std::collections::HashSet::new();
        for item in &deck.items {
            prop_assert!(!item.id.is_empty() && !item.prompt.is_empty() && !item.answer.is_empty());
            prop_assert!(ids.insert(item.id.clone()), "duplicate id {}", item.id);
            prop_assert!(item.line >= 2 && item.line <= lines, "{}", item.line);
            for code in item.answer.split(';').filter(|c| !c.trim().is_empty()) {
                prop_assert!(codes::is_well_formed(item.system, code), "{code}");
            }
            // Whatever the deck holds, its own answer scores as correct.
            let scorer = Scorer::new(Some(&sets), false);
            let outcome = scorer.score(&item.key(), &item.answer);
            prop_assert_eq!(outcome.verdict, Verdict::Correct, "{:?}", item);
        }
        if problems.is_empty() {
            prop_assert!(!deck.items.is_empty());
        }
        Ok(())
    });
}

#[test]
fn code_normaliser_and_format_checks_never_panic() {
    check(2000, (system(), code_text()), |(system, raw)| {
        let normal = codes::normalize(system, &raw);
        let _ = codes::icd10cm_dot_placed(&raw);
        let _ = codes::display_code(system, &normal);
        for piece in codes::split_codes(system, &raw) {
            prop_assert!(!piece.is_empty() && piece.trim() == piece);
        }
        if codes::is_well_formed(system, &raw) && !system.is_term() {
            prop_assert!(normal.is_ascii(), "{normal:?}");
            prop_assert!(!normal.contains('.') || system != System::Icd10cm);
            prop_assert_eq!(normal.to_ascii_uppercase(), normal.clone());
            // The written form normalises back to the same code.
            let shown = codes::display_code(system, &normal);
            prop_assert_eq!(codes::normalize(system, &shown), normal.clone());
            prop_assert!(codes::is_well_formed(system, &shown), "{shown:?}");
        }
        Ok(())
    });
}

#[test]
fn code_sets_answer_any_lookup() {
    let sets = CodeSets::embedded();
    check(300, code_text(), |raw| {
        for system in [System::Icd10cm, System::Icd10pcs] {
            let normal = codes::normalize(system, &raw);
            let _ = sets.get(system, &normal);
            if let Some(set) = sets.set(system) {
                let _ = set.has_prefix(&normal);
                if normal.len() <= 8 {
                    let found = codes::nearby::suggest(set, &normal, 3);
                    prop_assert!(found.len() <= 3);
                }
            }
        }
        Ok(())
    });
}

#[test]
fn scorer_scores_anything_between_zero_and_one() {
    let sets = CodeSets::embedded();
    let strategy = (
        system(),
        code_text(),
        code_text(),
        code_text(),
        any::<bool>(),
    );
    check(1500, strategy, |(system, answer, accept, typed, strict)| {
        let key = AnswerKey::new(system, &answer, &accept);
        for codes in [Some(&sets), None] {
            let outcome = Scorer::new(codes, strict).score(&key, &typed);
            prop_assert!((0.0..=1.0).contains(&outcome.score), "{outcome:?}");
            prop_assert_eq!(
                outcome.verdict == Verdict::Correct,
                outcome.score == 1.0,
                "{:?}",
                outcome
            );
            if typed.trim().is_empty() {
                prop_assert_eq!(outcome.verdict, Verdict::Skipped);
            }
        }
        Ok(())
    });
}

#[test]
fn scorer_accepts_the_answer_itself() {
    let sets = CodeSets::embedded();
    let answers = prop::sample::select(vec![
        (System::Icd10cm, "E11.9"),
        (System::Icd10cm, "E11.22;N18.3"),
        (System::Icd10cm, "S52.521A"),
        (System::Icd10pcs, "0FT44ZZ"),
        (System::Cpt, "99213-25"),
        (System::Hcpcs, "J1100"),
        (System::Term, "hepatitis"),
    ]);
    check(
        300,
        (answers, any::<bool>(), "[ ]{0,2}"),
        |((system, answer), strict, pad)| {
            let key = AnswerKey::new(system, answer, "");
            let typed = format!("{pad}{answer}{pad}");
            let outcome = Scorer::new(Some(&sets), strict).score(&key, &typed);
            prop_assert_eq!(outcome.verdict, Verdict::Correct);
            prop_assert_eq!(outcome.score, 1.0);
            Ok(())
        },
    );
}

fn read(bytes: &[u8]) -> anyhow::Result<(Vec<Attempt>, usize)> {
    let mut rows = Vec::new();
    let mut warnings = 0;
    read_log_from(
        bytes,
        || Ok(bytes),
        Path::new("fuzz.csv"),
        |row| rows.push(row.to_owned()),
        |_| warnings += 1,
    )?;
    Ok((rows, warnings))
}

#[test]
fn log_reader_survives_arbitrary_bytes() {
    let body = prop::collection::vec(any::<u8>(), 0..800);
    check(1000, (any::<bool>(), body), |(with_header, body)| {
        let mut bytes = Vec::new();
        if with_header {
            bytes.extend(HEADER.as_bytes());
            bytes.push(b'\n');
        }
        bytes.extend(&body);
        if let Ok((rows, _)) = read(&bytes) {
            for row in rows {
                prop_assert!((0.0..=1.0).contains(&row.score));
            }
        }
        Ok(())
    });
}

fn text_field() -> impl Strategy<Value = String> {
    prop_oneof![
        "['=+@\\-]{0,3}[a-zA-Z0-9 ,\"]{0,6}",
        any::<String>().prop_map(|s| s.chars().take(30).collect()),
    ]
}

fn attempt() -> impl Strategy<Value = Attempt> {
    let kinds = (
        prop::sample::select(Mode::ALL.to_vec()),
        prop::sample::select(System::ALL.to_vec()),
        prop::sample::select(Verdict::ALL.to_vec()),
        prop::option::of(prop::sample::select(Detail::ALL.to_vec())),
    );
    let texts = prop::collection::vec(text_field(), 10);
    // Numbers up to their bounds, the bounds themselves often (a row past them is skipped).
    let ms = prop_oneof![0..=MAX_MS, Just(MAX_MS)];
    let keys = || prop_oneof![0..=MAX_KEYS, Just(MAX_KEYS)];
    let numbers = (
        0u32..=1000,
        ms.clone(),
        prop::option::of(ms),
        keys(),
        keys(),
    );
    (texts, kinds, numbers).prop_map(
        |(t, (mode, system, verdict, detail), (score, elapsed, first, keys, backs))| Attempt {
            timestamp: format!("2026-11-27T10:00:00{}", t[0]),
            session: t[1].clone(),
            user: t[2].clone(),
            mode,
            deck: t[3].clone(),
            item: t[4].clone(),
            system,
            category: t[5].clone(),
            prompt: t[6].clone(),
            expected: t[7].clone(),
            entered: t[8].clone(),
            verdict,
            detail,
            score: f64::from(score) / 1000.0,
            elapsed_ms: elapsed,
            first_key_ms: first,
            keystrokes: keys,
            backspaces: backs,
        },
    )
}

/// What a text field reads back as: line breaks become spaces.
fn as_logged(mut attempt: Attempt) -> Attempt {
    for field in [
        &mut attempt.timestamp,
        &mut attempt.session,
        &mut attempt.user,
        &mut attempt.deck,
        &mut attempt.item,
        &mut attempt.category,
        &mut attempt.prompt,
        &mut attempt.expected,
        &mut attempt.entered,
    ] {
        *field = field.replace(['\n', '\r'], " ");
    }
    attempt
}

#[test]
fn log_rows_round_trip_through_the_guard() {
    check(1000, prop::collection::vec(attempt(), 1..4), |attempts| {
        let mut text = format!("{HEADER}\n");
        for attempt in &attempts {
            let line = attempt.to_csv_line();
            prop_assert_eq!(
                line.matches('\n').count(),
                1,
                "one line per row: {:?}",
                line
            );
            text.push_str(&line);
        }
        let (rows, warnings) =
            read(text.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(warnings, 0);
        let expected: Vec<Attempt> = attempts.into_iter().map(as_logged).collect();
        prop_assert_eq!(rows, expected);
        Ok(())
    });
}

/// An attempt with one of its numbers past its bound: the field's name and the number.
fn out_of_bounds() -> impl Strategy<Value = (Attempt, &'static str, u64)> {
    let field = prop::sample::select(vec![
        ("elapsed_ms", MAX_MS),
        ("first_key_ms", MAX_MS),
        ("keystrokes", MAX_KEYS),
        ("backspaces", MAX_KEYS),
    ]);
    (attempt(), field, any::<u64>()).prop_map(|(mut attempt, (name, max), n)| {
        let value = max + 1 + n % (u64::MAX - max);
        match name {
            "elapsed_ms" => attempt.elapsed_ms = value,
            "first_key_ms" => attempt.first_key_ms = Some(value),
            "keystrokes" => attempt.keystrokes = value,
            _ => attempt.backspaces = value,
        }
        (attempt, name, value)
    })
}

#[test]
fn rows_with_numbers_past_their_bounds_are_skipped_not_counted() {
    check(
        500,
        (out_of_bounds(), attempt()),
        |((bad, name, value), good)| {
            let text = format!("{HEADER}\n{}{}", bad.to_csv_line(), good.to_csv_line());
            let mut aggregator = Aggregator::new(GroupBy::Deck, &Filters::default());
            let mut warnings = Vec::new();
            let skipped = read_log_from(
                text.as_bytes(),
                || Ok(text.as_bytes()),
                Path::new("bounds.csv"),
                |attempt| aggregator.add(attempt),
                |warning| warnings.push(warning.to_string()),
            )
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
            aggregator.skip(skipped);
            prop_assert_eq!(skipped, 1);
            prop_assert_eq!(warnings.len(), 1);
            let said = format!("bounds.csv:2: `{name}` is more than a day");
            prop_assert!(warnings[0].starts_with(&said), "{}", warnings[0]);
            prop_assert!(
                warnings[0].ends_with(&format!(": {value}; row skipped")),
                "{}",
                warnings[0]
            );
            let report = aggregator.finish(Vec::new());
            let transcribed = report.transcription.map_or(0, |m| m.attempts);
            prop_assert_eq!(report.overall.attempts + transcribed, 1);
            prop_assert_eq!(report.skipped_rows, 1);
            Ok(())
        },
    );
}

#[test]
fn guard_round_trips_and_defuses_formulas() {
    check(3000, any::<String>(), |value| {
        let guarded = guard(&value);
        prop_assert_eq!(unguard(&guarded), value.as_str());
        prop_assert!(!guarded.starts_with(['=', '+', '-', '@']));
        Ok(())
    });
}

/// One field of a hostile row: any bytes, any whole number, or a value that parses.
fn hostile_field() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..12),
        any::<u64>().prop_map(|n| n.to_string().into_bytes()),
        Just(b"correct".to_vec()),
        Just(b"near_miss".to_vec()),
        Just(b"0.5".to_vec()),
    ]
}

#[test]
fn aggregator_keeps_its_totals_on_hostile_rows() {
    let row = (
        attempt(),
        prop::collection::vec((0usize..18, hostile_field()), 0..3),
    );
    check(300, prop::collection::vec(row, 1..12), |rows| {
        let mut text = format!("{HEADER}\n").into_bytes();
        for (attempt, damage) in &rows {
            let mut fields: Vec<Vec<u8>> = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(attempt.to_csv_line().as_bytes())
                .byte_records()
                .next()
                .and_then(Result::ok)
                .map(|record| record.iter().map(<[u8]>::to_vec).collect())
                .unwrap_or_default();
            for (at, value) in damage {
                fields[*at] = value.clone();
            }
            let mut writer = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            writer.write_record(&fields).unwrap();
            let line = writer.into_inner().unwrap();
            // A damaged field may hold a line break: keep it one row by quoting it away.
            text.extend(
                line.iter()
                    .map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b }),
            );
            text.push(b'\n');
        }
        let mut aggregator = Aggregator::new(GroupBy::Deck, &Filters::default());
        let mut kept = 0u64;
        let skipped = read_log_from(
            &text[..],
            || Ok(&text[..]),
            Path::new("hostile.csv"),
            |attempt| {
                kept += 1;
                aggregator.add(attempt);
            },
            |_| {},
        )
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
        aggregator.skip(skipped);
        prop_assert_eq!(kept + skipped, rows.len() as u64);
        let report = aggregator.finish(Vec::new());
        // Transcription is counted apart from recall, never in both.
        let recall = kept - report.transcription.as_ref().map_or(0, |m| m.attempts);
        let grouped: u64 = report.groups.iter().map(|g| g.metrics.attempts).sum();
        prop_assert_eq!(grouped, recall);
        prop_assert_eq!(report.overall.attempts, recall);
        prop_assert_eq!(report.skipped_rows, skipped);
        let days: u64 = report.progress.days.iter().map(|d| d.attempts).sum();
        prop_assert_eq!(days, recall);
        prop_assert!(report.overall.correct <= kept);
        prop_assert!((0.0..=1.0).contains(&report.overall.accuracy));
        Ok(())
    });
}
