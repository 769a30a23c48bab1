//! The tabular's conventions outside the scorer: generated drills prompt with inclusion terms
//! and explain where the prompt came from, and `check` warns an author whose answer breaks an
//! Excludes1 note or a "code first" order, without failing the deck.

use std::collections::HashMap;

use crate::common::{Scratch, codedrill, fixture, log_rows};
use predicates::prelude::*;

/// One generated item as the piped drill shows it.
#[derive(Debug)]
struct Shown {
    prompt: String,
    answer: String,
    title: String,
    why: String,
}

/// A generated drill of `range` (every item skipped), piped, with `extra` options.
fn generated(range: &str, count: usize, extra: &[&str]) -> (Vec<Shown>, Vec<(String, String)>) {
    let scratch = Scratch::new();
    let output = codedrill()
        .args(["drill", "--generate", range, "-n", &count.to_string()])
        .args(extra)
        .arg("--log")
        .arg(scratch.log())
        .write_stdin("\n".repeat(count))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let logged = log_rows(&scratch.log())
        .into_iter()
        .map(|row| (row["expected"].clone(), row["prompt"].clone()))
        .collect();
    (shown_items(&stdout), logged)
}

/// The items of a piped drill's output: `[1/N] (category) prompt`, then `answer    CODE —
/// title [CC]` and `why: ...` (piped output is never wrapped).
fn shown_items(stdout: &str) -> Vec<Shown> {
    let mut items: Vec<Shown> = Vec::new();
    for line in stdout.lines() {
        if line.starts_with('[') {
            let (_, prompt) = line.split_once(") ").expect("a category before the prompt");
            items.push(Shown {
                prompt: prompt.to_string(),
                answer: String::new(),
                title: String::new(),
                why: String::new(),
            });
        } else if let (Some(item), Some(rest)) =
            (items.last_mut(), line.strip_prefix("  answer    "))
        {
            let (code, title) = rest.split_once(" — ").expect("code — title");
            item.answer = code.to_string();
            // The feedback marks a CC or MCC after the title.
            let title = title.trim_end_matches(" [CC]").trim_end_matches(" [MCC]");
            item.title = title.to_string();
        } else if let (Some(item), Some(why)) = (items.last_mut(), line.strip_prefix("  why: ")) {
            item.why = why.to_string();
        }
    }
    items
}

#[test]
fn generated_prompts_are_inclusion_terms_where_the_tabular_has_them() {
    let (items, logged) = generated("icd10cm:I50.2-I50.4", 12, &["--seed", "1"]);
    assert_eq!(items.len(), 12);
    let by_code: HashMap<&str, &Shown> = items.iter().map(|i| (i.answer.as_str(), i)).collect();
    // I50.2, I50.3 and I50.4 list terms that say nothing of acute or chronic: they name the
    // unspecified code of each.
    let terms = [
        (
            "I50.20",
            "I50.2",
            &[
                "Heart failure with reduced ejection fraction [HFrEF]",
                "Systolic left ventricular heart failure",
            ][..],
        ),
        (
            "I50.30",
            "I50.3",
            &[
                "Diastolic left ventricular heart failure",
                "Heart failure with normal ejection fraction",
                "Heart failure with preserved ejection fraction [HFpEF]",
            ][..],
        ),
    ];
    for (code, owner, offered) in terms {
        let item = by_code[code];
        assert!(offered.contains(&item.prompt.as_str()), "{item:?}");
        assert_ne!(item.prompt, item.title);
        assert!(
            item.why.starts_with(&format!(
                "Prompt: an inclusion term of {owner} in the tabular; with nothing more specified it is coded to {owner}'s unspecified code."
            )),
            "{item:?}"
        );
    }
    // Codes the tabular lists no term for keep their title, and say so.
    for code in ["I50.21", "I50.22", "I50.32", "I50.43"] {
        let item = by_code[code];
        assert_eq!(item.prompt, item.title, "{item:?}");
        assert!(
            item.why.starts_with("Prompt: the official title. "),
            "{item:?}"
        );
    }
    // The why carries the answer's notes, not one sentence for every item.
    let chronic = by_code["I50.22"];
    assert!(
        chronic.why.contains("Code first heart failure"),
        "{chronic:?}"
    );
    assert!(
        chronic
            .why
            .contains("Excludes1 (never coded with it): combined systolic")
    );
    assert!(
        chronic
            .why
            .ends_with("CC as a secondary diagnosis (MS-DRG v43.1).")
    );
    assert!(
        by_code["I50.21"]
            .why
            .ends_with("MCC as a secondary diagnosis (MS-DRG v43.1).")
    );
    // The log keeps the prompt shown; the same seed draws the same items and terms.
    let (_, again) = generated("icd10cm:I50.2-I50.4", 12, &["--seed", "1"]);
    assert_eq!(logged, again);
}

#[test]
fn prompt_title_restores_the_titles() {
    let (terms, _) = generated("icd10cm:I50.2-I50.4", 12, &["--seed", "1"]);
    let (titles, _) = generated(
        "icd10cm:I50.2-I50.4",
        12,
        &["--seed", "1", "--prompt", "title"],
    );
    let answers = |items: &[Shown]| items.iter().map(|i| i.answer.clone()).collect::<Vec<_>>();
    assert_eq!(
        answers(&terms),
        answers(&titles),
        "the same codes either way"
    );
    for item in &titles {
        assert_eq!(item.prompt, item.title, "{item:?}");
        assert!(
            item.why.starts_with("Prompt: the official title."),
            "{item:?}"
        );
    }
    // ICD-10-PCS items are prompted by their titles whatever `--prompt` says.
    let (pcs, _) = generated("icd10pcs:0DT", 2, &["--seed", "3"]);
    assert!(
        pcs.iter().all(|i| i.why == "Prompt: the official title."),
        "{pcs:?}"
    );
    codedrill()
        .args(["drill", "--prompt", "title"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--generate"));
}

/// `check` on fixture decks: (exit code, stdout, stderr).
fn check(decks: &[&str]) -> (i32, String, String) {
    let output = codedrill()
        .arg("check")
        .args(decks.iter().map(|deck| fixture(&format!("decks/{deck}"))))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn check_warns_of_two_codes_an_excludes1_note_keeps_apart() {
    let (code, stdout, stderr) = check(&["conventions-excludes1.csv"]);
    assert_eq!(code, 0, "warnings do not fail a deck: {stdout}");
    let deck = fixture("decks/conventions-excludes1.csv");
    assert!(
        stdout.contains(&format!(
            "{deck}:2: warning: answer holds E11.9 and E10.9, which Excludes1 at E11 keeps apart: \"type 1 diabetes mellitus (E10.-)\"; both are coded only when the conditions are unrelated\n"
        )),
        "{stdout}"
    );
    assert_eq!(stdout.matches("warning:").count(), 1, "{stdout}");
    assert!(
        stdout.contains(&format!("{deck}: ok (2 items, 1 warning)")),
        "{stdout}"
    );
    assert!(stderr.starts_with("1 warning "), "{stderr}");
}

#[test]
fn check_warns_of_manifestations_out_of_order_or_alone() {
    let (code, stdout, stderr) = check(&["conventions-code-first.csv"]);
    assert_eq!(code, 0, "{stdout}");
    let deck = fixture("decks/conventions-code-first.csv");
    for (line, warning) in [
        (
            2,
            "answer puts F02.80 first, but it is a manifestation code: its underlying condition comes first (Code first at F02: \"the underlying physiological condition, such as: ...\")",
        ),
        (
            3,
            "answer is F02.80 alone, a manifestation code: its underlying condition is coded first",
        ),
        (
            4,
            "answer puts E11.22 after N18.31, but Code first at N18: \"any associated: diabetic chronic kidney disease (E08.22, E09.22, E10.22, E11.22, E13.22)\" puts it before",
        ),
    ] {
        let want = format!("{deck}:{line}: warning: {warning}");
        assert!(stdout.contains(&want), "{want}\nnot in\n{stdout}");
    }
    assert_eq!(stdout.matches("warning:").count(), 3, "{stdout}");
    assert!(stderr.starts_with("3 warnings "), "{stderr}");
}

#[test]
fn check_warns_of_an_accepted_answer_the_answer_excludes() {
    let (code, stdout, _) = check(&["conventions-accept.csv"]);
    assert_eq!(code, 0, "{stdout}");
    let deck = fixture("decks/conventions-accept.csv");
    assert!(
        stdout.contains(&format!(
            "{deck}:2: warning: accepted answer 1 has E10.9 where the answer has E11.9, which Excludes1 at E10 keeps apart: \"type 2 diabetes mellitus (E11.-)\"; one prompt cannot be coded both ways"
        )),
        "{stdout}"
    );
    assert_eq!(stdout.matches("warning:").count(), 1, "{stdout}");
}

#[test]
fn a_clean_deck_gets_no_warning_and_problems_still_fail() {
    let (code, stdout, stderr) = check(&["conventions-clean.csv"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("warning"), "{stdout}");
    assert!(
        stdout.ends_with("conventions-clean.csv: ok (5 items)\n"),
        "{stdout}"
    );
    assert_eq!(stderr, "");
    // A deck with a problem still fails, and the summary counts both.
    let (code, stdout, stderr) = check(&["conventions-excludes1.csv", "duplicate-id.csv"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("duplicate-id.csv:4: duplicate id"),
        "{stdout}"
    );
    assert_eq!(stderr.trim_end(), "1 problem found, and 1 warning");
}
