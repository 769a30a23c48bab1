//! Text shown to the user: per-item feedback and the end-of-session summary.

use std::fmt::Write as _;

use super::session::{ItemResult, Mode, Summary};
use crate::codes::{self, CodeSets, System};
use crate::score::Verdict;

/// Colours, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub enabled: bool,
}

impl Palette {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }

    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    /// A verdict in its colour.
    pub fn verdict(&self, verdict: Verdict) -> String {
        let label = verdict.name().replace('_', " ");
        match verdict {
            Verdict::Correct => self.green(&label),
            Verdict::Partial | Verdict::NearMiss => self.yellow(&label),
            _ => self.red(&label),
        }
    }
}

/// `E11.9 — Type 2 diabetes mellitus without complications`, or the code alone.
pub fn describe(system: System, code: &str, codes: Option<&CodeSets>) -> String {
    let normal = codes::normalize(system, code);
    match codes.and_then(|sets| sets.get(system, &normal)) {
        Some(entry) => format!(
            "{} — {}",
            codes::display_code(system, &normal),
            entry.description
        ),
        None => code.trim().to_string(),
    }
}

/// Describes each code of an answer on its own line.
fn describe_answer(system: System, answer: &str, codes: Option<&CodeSets>) -> Vec<String> {
    if system.is_term() {
        return vec![answer.to_string()];
    }
    answer
        .split(';')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| describe(system, code, codes))
        .collect()
}

/// Feedback after one item: verdict and detail, time, what was typed, the answer, and why.
pub fn feedback(result: &ItemResult, codes: Option<&CodeSets>, palette: &Palette) -> String {
    let a = &result.attempt;
    let item = &result.item;
    let mut text = String::new();
    let mut headline = palette.verdict(result.outcome.verdict);
    if let Some(detail) = result.outcome.detail {
        headline.push_str(&format!(" ({}: {})", detail.name(), detail.explain()));
    }
    if result.outcome.verdict == Verdict::Partial {
        headline.push_str(&format!(
            " — score {}",
            crate::record::format_score(result.outcome.score)
        ));
    }
    let _ = writeln!(
        text,
        "{headline}   {}",
        palette.dim(&format!(
            "{:.1} s, {} keys",
            a.elapsed_ms as f64 / 1000.0,
            a.keystrokes
        ))
    );
    if result.outcome.verdict != Verdict::Correct && !a.entered.trim().is_empty() {
        let typed: Vec<String> = codes::split_codes(item.system, &a.entered)
            .iter()
            .map(|code| describe(item.system, code, codes))
            .collect();
        let _ = writeln!(text, "  you typed {}", typed.join("; "));
    }
    for (index, line) in describe_answer(item.system, &item.answer, codes)
        .iter()
        .enumerate()
    {
        let label = if index == 0 { "answer   " } else { "         " };
        let _ = writeln!(text, "  {label} {}", palette.bold(line));
    }
    if !item.accept.is_empty() {
        let _ = writeln!(
            text,
            "  also accepted: {}",
            item.accept.replace('|', " or ")
        );
    }
    if !item.rationale.is_empty() {
        let _ = writeln!(text, "  why: {}", item.rationale);
    }
    if result.truncated {
        let _ = writeln!(
            text,
            "  (your answer was longer than {} characters and was cut)",
            super::session::ENTERED_CAP
        );
    }
    text
}

/// The end-of-session summary.
pub fn summary(summary: &Summary, mode: Mode, palette: &Palette) -> String {
    let m = &summary.metrics;
    let mut text = String::new();
    let _ = writeln!(text, "\n{}", palette.bold("Session summary"));
    let row = |text: &mut String, label: &str, value: String| {
        let _ = writeln!(text, "  {label:<22} {value}");
    };
    let items = if summary.items < summary.planned {
        format!("{} (of {} planned)", summary.items, summary.planned)
    } else {
        summary.items.to_string()
    };
    row(&mut text, "items", items);
    row(&mut text, "correct", m.correct.to_string());
    row(&mut text, "accuracy", format!("{:.1}%", m.accuracy * 100.0));
    row(
        &mut text,
        "score",
        format!(
            "{} / {} ({:.1}%)",
            crate::record::format_score(summary.score_sum),
            summary.items,
            m.score * 100.0
        ),
    );
    row(
        &mut text,
        "median per item",
        format!("{:.1} s", m.median_ms / 1000.0),
    );
    row(
        &mut text,
        "codes per hour",
        format!("{:.0}", m.codes_per_hour),
    );
    if mode == Mode::Transcribe {
        row(&mut text, "gross keystrokes/hour", format!("{:.0}", m.kph));
        row(
            &mut text,
            "net keystrokes/hour",
            format!("{:.0}", summary.net_kph),
        );
    } else {
        row(&mut text, "keystrokes per hour", format!("{:.0}", m.kph));
    }
    if !summary.near_miss_kinds.is_empty() {
        let kinds: Vec<String> = summary
            .near_miss_kinds
            .iter()
            .map(|(detail, count)| format!("{} {count}", detail.name()))
            .collect();
        row(&mut text, "near-miss kinds", kinds.join(", "));
    }
    if summary.truncated > 0 {
        row(
            &mut text,
            "answers cut",
            format!(
                "{} (longer than {} characters)",
                summary.truncated,
                super::session::ENTERED_CAP
            ),
        );
    }
    if !summary.misses.is_empty() {
        let _ = writeln!(text, "\n{}", palette.bold("Misses"));
        for miss in &summary.misses {
            let a = &miss.attempt;
            let entered = if a.entered.is_empty() {
                "—"
            } else {
                a.entered.as_str()
            };
            let _ = writeln!(
                text,
                "  {:<10} {:<12} typed {:<14} answer {}",
                a.item, a.verdict, entered, a.expected
            );
        }
    }
    text
}
