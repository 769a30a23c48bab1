//! An exam's outcome: the summed score against the pass mark, the breakdown by category and
//! code system, the misses, and how the result reads on the terminal.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::time::Duration;

use super::flags::{Mark, ReviewNote};
use super::render::Palette;
use super::session::ItemResult;
use super::wrap::{terminal_width, wrap, wrap_line};
use crate::deck::Item;
use crate::score::Verdict;
use crate::visible::visible;

/// One item's identity across decks: its deck's name and its id, as the log names it.
pub type ItemKey = (String, String);

/// The identity of `item`.
pub fn key_of(item: &Item) -> ItemKey {
    (item.deck.clone(), item.id.clone())
}

/// An exam's pretest items (a blueprint's): asked like the others, logged like the others,
/// left out of the score and the pass mark, and named as pretest only on the result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pretest {
    /// Every pretest item planned, answered or not.
    pub items: HashSet<ItemKey>,
}

impl Pretest {
    /// Whether `item` is a pretest item.
    pub fn holds(&self, item: &Item) -> bool {
        !self.items.is_empty() && self.items.contains(&key_of(item))
    }
}

/// A pass mark as `--pass` and a blueprint's `pass` take it: `80`, `80%`, `72.5`.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    text.trim()
        .trim_end_matches('%')
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .ok_or_else(|| format!("`{text}` is not a percentage from 0 to 100"))
}

/// The note a pretest item carries on the result.
pub(crate) const PRETEST_NOTE: &str = "pretest, not scored";

/// The outcome of an exam.
#[derive(Debug, Clone)]
pub struct ExamResult {
    /// Scored items planned (pretest items are not).
    pub planned: usize,
    pub score_sum: f64,
    pub percent: f64,
    pub pass_mark: f64,
    pub passed: bool,
    pub results: Vec<ItemResult>,
    pub duration: Option<Duration>,
    /// The decks drawn from, as named; for a blueprint, its pools with their counts
    pub decks: Vec<String>,
    /// When the exam began (local time, `YYYY-MM-DD HH:MM`), and how long it took
    pub began: Option<String>,
    pub used: Option<Duration>,
    /// The blueprint's title, for an exam drawn by one.
    pub title: Option<String>,
    /// The pretest items, answered or not.
    pub pretest: Pretest,
    /// The code-set releases it was graded against (`Graded against ICD-10-CM FY2026 …`)
    pub graded_against: Option<String>,
}

impl ExamResult {
    /// The outcome of an exam whose every item is scored.
    #[cfg(test)]
    pub fn new(
        results: Vec<ItemResult>,
        planned: usize,
        pass_mark: f64,
        duration: Option<Duration>,
    ) -> ExamResult {
        ExamResult::with_pretest(results, planned, Pretest::default(), pass_mark, duration)
    }

    /// The outcome of an exam with pretest items among `results`: `planned` counts the scored
    /// items only, and only they make the score.
    pub fn with_pretest(
        results: Vec<ItemResult>,
        planned: usize,
        pretest: Pretest,
        pass_mark: f64,
        duration: Option<Duration>,
    ) -> ExamResult {
        // An empty float sum is -0.0; adding 0.0 keeps "-0.0%" off the result.
        let score_sum = results
            .iter()
            .filter(|r| !pretest.holds(&r.item))
            .map(|r| r.outcome.score)
            .sum::<f64>()
            + 0.0;
        let percent = if planned == 0 {
            0.0
        } else {
            100.0 * score_sum / planned as f64
        };
        ExamResult {
            planned,
            score_sum,
            percent,
            pass_mark,
            passed: percent + 1e-9 >= pass_mark,
            results,
            duration,
            decks: Vec::new(),
            began: None,
            used: None,
            title: None,
            pretest,
            graded_against: None,
        }
    }

    /// Whether `result` is a pretest item's.
    pub fn is_pretest(&self, result: &ItemResult) -> bool {
        self.pretest.holds(&result.item)
    }

    /// The results that count: every one but the pretest items'.
    pub fn scored(&self) -> impl Iterator<Item = &ItemResult> {
        self.results.iter().filter(|r| !self.is_pretest(r))
    }

    /// `Exam result`, with the blueprint's title when there is one.
    pub fn heading(&self) -> String {
        match &self.title {
            Some(title) => format!("Exam result — {title}"),
            None => "Exam result".to_string(),
        }
    }
}

/// Per-group tallies for the breakdown: (items, correct, summed score).
pub(crate) fn breakdown<'a>(
    results: impl IntoIterator<Item = &'a ItemResult>,
    key: impl Fn(&ItemResult) -> String,
) -> BTreeMap<String, (usize, usize, f64)> {
    let mut groups: BTreeMap<String, (usize, usize, f64)> = BTreeMap::new();
    for result in results {
        let entry = groups.entry(key(result)).or_default();
        entry.0 += 1;
        entry.1 += usize::from(result.outcome.verdict == Verdict::Correct);
        entry.2 += result.outcome.score;
    }
    groups
}

fn category_of(result: &ItemResult) -> String {
    if result.item.category.is_empty() {
        "(none)".to_string()
    } else {
        result.item.category.clone()
    }
}

pub(crate) fn system_of(result: &ItemResult) -> String {
    result.item.system.name().to_string()
}

pub(crate) fn misses(exam: &ExamResult) -> impl Iterator<Item = &ItemResult> {
    exam.results
        .iter()
        .filter(|r| r.outcome.verdict != Verdict::Correct)
}

pub(crate) fn headline(exam: &ExamResult) -> String {
    format!(
        "{:.1}% — {} (pass mark {:.0}%)",
        exam.percent,
        if exam.passed { "PASS" } else { "FAIL" },
        exam.pass_mark
    )
}

pub(crate) fn answered_line(exam: &ExamResult) -> String {
    let answered = exam.scored().count();
    let not_reached = exam.planned.saturating_sub(answered);
    let mut line = format!(
        "{answered} of {} items answered, score {} of {}",
        exam.planned,
        crate::record::format_score(exam.score_sum),
        exam.planned
    );
    if not_reached > 0 {
        line.push_str(&format!(" ({not_reached} not reached)"));
    }
    line
}

/// `Left open on the first pass: 3 (2 flagged, 1 skipped); 2 answered on return, 1 left as
/// it stood.`, when any item was flagged or skipped.
fn review_line(exam: &ExamResult) -> Option<String> {
    let notes: Vec<&ReviewNote> = exam
        .results
        .iter()
        .filter_map(|r| r.review.as_ref())
        .collect();
    if notes.is_empty() {
        return None;
    }
    let flagged = notes.iter().filter(|n| n.mark == Mark::Flagged).count();
    let skipped = notes.len() - flagged;
    let answered = notes.iter().filter(|n| n.answered_on_return).count();
    let stood = notes.len() - answered;
    Some(format!(
        "Left open on the first pass: {} ({flagged} flagged, {skipped} skipped); {answered} \
         answered on return, {stood} left as {}.",
        notes.len(),
        if stood == 1 { "it stood" } else { "they stood" }
    ))
}

/// `2 pretest items, not scored: g3 correct, g7 incorrect`, for an exam with pretest items;
/// ids through [`visible`].
pub(crate) fn pretest_line(exam: &ExamResult) -> Option<String> {
    let planned = exam.pretest.items.len();
    if planned == 0 {
        return None;
    }
    let answered: Vec<String> = exam
        .results
        .iter()
        .filter(|r| exam.is_pretest(r))
        .map(|r| format!("{} {}", visible(&r.attempt.item), r.attempt.verdict))
        .collect();
    let mut line = format!(
        "{planned} pretest {}, not scored",
        if planned == 1 { "item" } else { "items" }
    );
    if !answered.is_empty() {
        line.push_str(&format!(": {}", answered.join(", ")));
    }
    let not_reached = planned.saturating_sub(answered.len());
    if not_reached > 0 {
        line.push_str(&format!(" ({not_reached} not reached)"));
    }
    Some(line)
}

/// The result as shown on the terminal, wrapped to it; categories, prompts, answers and
/// rationales through [`visible`].
pub fn render_text(exam: &ExamResult, palette: &Palette) -> String {
    render_text_at(exam, palette, terminal_width())
}

/// [`render_text`] in lines of at most `width` columns (the breakdown's columns aside).
fn render_text_at(exam: &ExamResult, palette: &Palette, width: usize) -> String {
    let mut text = String::new();
    let verdict = headline(exam);
    let verdict = if exam.passed {
        palette.green(&verdict)
    } else {
        palette.red(&verdict)
    };
    let heading = wrap(&visible(&exam.heading()), width, "", "  ");
    let _ = writeln!(text, "\n{}", palette.bold(&heading));
    let _ = writeln!(text, "  {verdict}");
    text.push_str(&wrap_line(&answered_line(exam), width, "  ", "    "));
    for line in [pretest_line(exam), review_line(exam)]
        .into_iter()
        .flatten()
    {
        text.push_str(&wrap_line(&line, width, "  ", "    "));
    }
    for (title, groups) in [
        ("By category", breakdown(exam.scored(), category_of)),
        ("By code system", breakdown(exam.scored(), system_of)),
    ] {
        let _ = writeln!(text, "\n{}", palette.bold(title));
        for (name, (items, correct, score)) in groups {
            let _ = writeln!(
                text,
                "  {:<28} {correct:>3}/{items:<3} correct  score {:>5.1}%",
                visible(&name),
                100.0 * score / items.max(1) as f64
            );
        }
    }
    let mut any = false;
    for miss in misses(exam) {
        if !any {
            let _ = writeln!(text, "\n{}", palette.bold("Misses"));
            any = true;
        }
        text.push_str(&render_miss(miss, exam.is_pretest(miss), width));
    }
    text
}

/// One missed item: id, verdict and prompt, then what was typed, the answer and why, each
/// continuing under its own text.
fn render_miss(miss: &ItemResult, pretest: bool, width: usize) -> String {
    let a = &miss.attempt;
    let typed = if a.entered.is_empty() {
        "—"
    } else {
        &a.entered
    };
    let mut verdict = a.verdict.to_string();
    if let Some(note) = miss.review {
        verdict = format!("{verdict}; {}", note.describe());
    }
    if pretest {
        verdict = format!("{verdict}; {PRETEST_NOTE}");
    }
    let head = format!(
        "{} [{verdict}] {}",
        visible(&a.item),
        visible(&miss.item.prompt)
    );
    let answer = format!("{}, answer {}", visible(typed), visible(&a.expected));
    let mut text = wrap_line(&head, width, "  ", "    ");
    text.push_str(&wrap_line(&answer, width, "    typed ", "          "));
    if !miss.item.rationale.is_empty() {
        let why = visible(&miss.item.rationale);
        text.push_str(&wrap_line(&why, width, "    why: ", "         "));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::render::samples::{has_raw_control, hostile_miss};
    use super::*;

    #[test]
    fn result_shows_control_characters_visibly() {
        let exam = ExamResult::new(vec![hostile_miss()], 1, 70.0, None);
        // Wide enough that each field reads whole on one line.
        let text = render_text_at(&exam, &Palette { enabled: false }, 1000);
        assert!(!has_raw_control(&text), "{text:?}");
        for field in ["category", "id", "prompt", "typed", "answer", "why"] {
            let shown = format!("{field} \\u{{1b}}[2J");
            assert!(text.contains(&shown), "{shown} in {text}");
        }
    }

    /// An item `id` of deck `d` answered with `verdict` (score 1 when correct).
    fn answered(id: &str, verdict: Verdict) -> ItemResult {
        let mut result = hostile_miss();
        result.item.id = id.to_string();
        result.item.deck = "d".to_string();
        result.item.category = "Cat".to_string();
        result.attempt.item = id.to_string();
        result.attempt.verdict = verdict;
        result.outcome.verdict = verdict;
        let score = if verdict == Verdict::Correct {
            1.0
        } else {
            0.0
        };
        result.attempt.score = score;
        result.outcome.score = score;
        result
    }

    fn pretest_of(ids: &[&str]) -> Pretest {
        Pretest {
            items: ids
                .iter()
                .map(|id| ("d".to_string(), id.to_string()))
                .collect(),
        }
    }

    #[test]
    fn pretest_items_are_left_out_of_the_score_and_named_on_the_result() {
        let results = vec![
            answered("s1", Verdict::Correct),
            answered("p1", Verdict::Incorrect),
            answered("s2", Verdict::Correct),
            answered("p2", Verdict::Correct),
            answered("s3", Verdict::Incorrect),
        ];
        // 4 scored items planned (one not reached), 3 pretest items (one not reached).
        let exam =
            ExamResult::with_pretest(results, 4, pretest_of(&["p1", "p2", "p3"]), 50.0, None);
        assert_eq!(
            (exam.score_sum, exam.percent, exam.passed),
            (2.0, 50.0, true)
        );
        assert_eq!(exam.scored().count(), 3);
        assert_eq!(
            answered_line(&exam),
            "3 of 4 items answered, score 2 of 4 (1 not reached)"
        );
        assert_eq!(
            pretest_line(&exam).unwrap(),
            "3 pretest items, not scored: p1 incorrect, p2 correct (1 not reached)"
        );
        let text = render_text_at(&exam, &Palette { enabled: false }, 1000);
        assert!(text.contains("  Cat "), "{text}");
        assert!(
            text.contains("2/3   correct"),
            "the breakdown counts scored items: {text}"
        );
        assert!(
            text.contains("p1 [incorrect; pretest, not scored]"),
            "{text}"
        );
        assert!(text.contains("s3 [incorrect] "), "{text}");
        // Had the pretest items counted, the exam would read 3 of 7.
        let all = ExamResult::with_pretest(exam.results.clone(), 7, Pretest::default(), 50.0, None);
        assert_eq!(all.score_sum, 3.0);
        assert!(pretest_line(&all).is_none());
    }

    #[test]
    fn the_result_totals_the_items_left_open_and_how_they_were_settled() {
        let plain = Palette { enabled: false };
        let note = |mark, answered_on_return| {
            Some(ReviewNote {
                mark,
                answered_on_return,
            })
        };
        let mut results = vec![
            answered("a", Verdict::Correct),
            answered("b", Verdict::Correct),
            answered("c", Verdict::Incorrect),
            answered("d", Verdict::Skipped),
        ];
        let exam = ExamResult::new(results.clone(), 4, 70.0, None);
        assert!(review_line(&exam).is_none(), "nothing was left open");
        assert!(!render_text_at(&exam, &plain, 80).contains("Left open"));

        results[1].review = note(Mark::Flagged, true);
        results[2].review = note(Mark::Flagged, false);
        results[3].review = note(Mark::Skipped, true);
        let exam = ExamResult::new(results.clone(), 4, 70.0, None);
        assert_eq!(
            review_line(&exam).as_deref(),
            Some(
                "Left open on the first pass: 3 (2 flagged, 1 skipped); 2 answered on return, \
                 1 left as it stood."
            )
        );
        let text = render_text_at(&exam, &plain, 80);
        assert!(
            text.contains(
                "  Left open on the first pass: 3 (2 flagged, 1 skipped); 2 answered on return, 1\n    left as it stood.\n"
            ),
            "under the answered line, wrapped at 80 columns: {text}"
        );

        results[1].review = note(Mark::Skipped, false);
        let exam = ExamResult::new(results, 4, 70.0, None);
        assert!(
            review_line(&exam)
                .unwrap()
                .ends_with("(1 flagged, 2 skipped); 1 answered on return, 2 left as they stood.")
        );
    }

    #[test]
    fn the_result_names_the_blueprints_title() {
        let mut exam = ExamResult::new(Vec::new(), 1, 70.0, None);
        let plain = Palette { enabled: false };
        assert!(render_text_at(&exam, &plain, 80).starts_with("\nExam result\n"));
        exam.title = Some("Outpatient coding test".to_string());
        let text = render_text_at(&exam, &plain, 80);
        assert!(
            text.starts_with("\nExam result — Outpatient coding test\n"),
            "{text}"
        );
    }

    #[test]
    fn percents_read_as_flags_and_files_write_them() {
        assert_eq!(parse_percent("70"), Ok(70.0));
        assert_eq!(parse_percent("85%"), Ok(85.0));
        assert!(parse_percent("101").is_err());
        assert!(parse_percent("x").is_err());
    }

    #[test]
    fn unanswered_items_count_against_the_score() {
        let exam = ExamResult::new(Vec::new(), 4, 70.0, None);
        assert_eq!((exam.percent, exam.passed), (0.0, false));
        assert_eq!(format!("{:.1}", exam.percent), "0.0", "never -0.0");
        let zero_mark = ExamResult::new(Vec::new(), 4, 0.0, None);
        assert!(zero_mark.passed);
    }
}
