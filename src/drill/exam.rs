//! An exam's outcome: the summed score against the pass mark, the breakdown by category and
//! code system, the misses, and how the result reads on the terminal.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::render::Palette;
use super::session::ItemResult;
use super::wrap::{terminal_width, wrap_line};
use crate::score::Verdict;
use crate::visible::visible;

/// The outcome of an exam.
#[derive(Debug, Clone)]
pub struct ExamResult {
    pub planned: usize,
    pub score_sum: f64,
    pub percent: f64,
    pub pass_mark: f64,
    pub passed: bool,
    pub results: Vec<ItemResult>,
    pub duration: Option<Duration>,
    /// The decks drawn from, as named
    pub decks: Vec<String>,
    /// When the exam began (local time, `YYYY-MM-DD HH:MM`), and how long it took
    pub began: Option<String>,
    pub used: Option<Duration>,
}

impl ExamResult {
    pub fn new(
        results: Vec<ItemResult>,
        planned: usize,
        pass_mark: f64,
        duration: Option<Duration>,
    ) -> ExamResult {
        // An empty float sum is -0.0; adding 0.0 keeps "-0.0%" off the result.
        let score_sum = results.iter().map(|r| r.outcome.score).sum::<f64>() + 0.0;
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
        }
    }
}

/// Per-group tallies for the breakdown: (items, correct, summed score).
pub(crate) fn breakdown(
    results: &[ItemResult],
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
    let not_reached = exam.planned - exam.results.len();
    let mut line = format!(
        "{} of {} items answered, score {} of {}",
        exam.results.len(),
        exam.planned,
        crate::record::format_score(exam.score_sum),
        exam.planned
    );
    if not_reached > 0 {
        line.push_str(&format!(" ({not_reached} not reached)"));
    }
    line
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
    let _ = writeln!(text, "\n{}", palette.bold("Exam result"));
    let _ = writeln!(text, "  {verdict}");
    text.push_str(&wrap_line(&answered_line(exam), width, "  ", "    "));
    for (title, groups) in [
        ("By category", breakdown(&exam.results, category_of)),
        ("By code system", breakdown(&exam.results, system_of)),
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
        text.push_str(&render_miss(miss, width));
    }
    text
}

/// One missed item: id, verdict and prompt, then what was typed, the answer and why, each
/// continuing under its own text.
fn render_miss(miss: &ItemResult, width: usize) -> String {
    let a = &miss.attempt;
    let typed = if a.entered.is_empty() {
        "—"
    } else {
        &a.entered
    };
    let verdict = match miss.review {
        Some(note) => format!("{}; {}", a.verdict, note.describe()),
        None => a.verdict.to_string(),
    };
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

    #[test]
    fn unanswered_items_count_against_the_score() {
        let exam = ExamResult::new(Vec::new(), 4, 70.0, None);
        assert_eq!((exam.percent, exam.passed), (0.0, false));
        assert_eq!(format!("{:.1}", exam.percent), "0.0", "never -0.0");
        let zero_mark = ExamResult::new(Vec::new(), 4, 0.0, None);
        assert!(zero_mark.passed);
    }
}
