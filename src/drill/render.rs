//! Text shown to the user: per-item feedback and the end-of-session summary.

use std::fmt::Write as _;

use super::session::{ItemResult, Mode, Summary};
use super::wrap::{cut_at_word, terminal_width, wrap_line};
use crate::codes::pcs;
use crate::codes::{self, CodeSets, System};
use crate::metrics::RATES_FROM_MS;
use crate::score::{Detail, Verdict};
use crate::visible::visible;

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
    match title(system, code, codes) {
        Some(title) => format!("{} — {title}", codes::display_code(system, &normal)),
        None => code.trim().to_string(),
    }
}

/// The official title of the code `code` reads as, when it is a real one.
pub(crate) fn title(system: System, code: &str, codes: Option<&CodeSets>) -> Option<String> {
    let normal = codes::normalize(system, code);
    codes
        .and_then(|sets| sets.get(system, &normal))
        .map(|entry| entry.description)
}

/// `CC` or `MCC` for an ICD-10-CM code that MS-DRG counts as one.
fn severity(system: System, code: &str) -> Option<crate::codes::notes::Severity> {
    let normal = codes::normalize(system, code);
    if system.of_code(&normal) != System::Icd10cm {
        return None;
    }
    crate::codes::notes::severity(&normal)
}

/// `E11.9 — title`, with `[MCC]` after it when the code is a CC or MCC.
fn describe_with_severity(system: System, code: &str, codes: Option<&CodeSets>) -> String {
    let mut text = describe(system, code, codes);
    if let Some(level) = severity(system, code) {
        text.push_str(&format!(" [{}]", level.label()));
    }
    text
}

/// "you typed a non-CC code; the answer is an MCC", when a single typed diagnosis and the
/// answer differ in what MS-DRG counts them as.
fn severity_change(system: System, answer: &str, typed: &str) -> Option<String> {
    use crate::codes::notes::Severity;
    let (want, got) = (
        severity(system, answer.trim()),
        severity(system, typed.trim()),
    );
    if want == got {
        return None;
    }
    let typed = match got {
        Some(Severity::Mcc) => "an MCC",
        Some(Severity::Cc) => "a CC",
        None => "a non-CC code",
    };
    let answer = match want {
        Some(Severity::Mcc) => "an MCC",
        Some(Severity::Cc) => "a CC",
        None => "neither a CC nor an MCC",
    };
    Some(format!("you typed {typed}; the answer is {answer}"))
}

/// A typed code as it was typed (`e119`, not `E11.9`: under `--strict` the layout is what
/// was graded), with the official description of the code it reads as, when it is real.
fn describe_typed(system: System, code: &str, codes: Option<&CodeSets>) -> String {
    match title(system, code, codes) {
        Some(title) => format!("{} — {title}", code.trim()),
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
        .map(|code| describe_with_severity(system, code, codes))
        .collect()
}

/// Feedback after one item: verdict and detail, time, what was typed, the answer, and why,
/// wrapped to the terminal. The typed text and everything from the deck or a code-set file is
/// shown through [`visible`].
pub fn feedback(result: &ItemResult, codes: Option<&CodeSets>, palette: &Palette) -> String {
    feedback_at(result, codes, palette, terminal_width(), Axes::Differing)
}

/// [`feedback`] for the "build the code" drill (`--mode axes`): the answer's seven characters
/// walked one by one, each right or wrong.
pub fn axes_feedback(result: &ItemResult, codes: Option<&CodeSets>, palette: &Palette) -> String {
    feedback_at(result, codes, palette, terminal_width(), Axes::All)
}

/// Which characters of a PCS answer the feedback explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axes {
    /// Those the typed code got wrong.
    Differing,
    /// All seven, right or wrong.
    All,
}

/// [`feedback`] in lines of at most `width` columns, each labelled line continuing under its
/// text (`  why: ` continues at 7 spaces).
fn feedback_at(
    result: &ItemResult,
    codes: Option<&CodeSets>,
    palette: &Palette,
    width: usize,
    axes: Axes,
) -> String {
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
    let timing = palette.dim(&format!(
        "{:.1} s, {} keys",
        a.elapsed_ms as f64 / 1000.0,
        a.keystrokes
    ));
    text.push_str(&wrap_line(
        &format!("{headline}   {timing}"),
        width,
        "",
        "  ",
    ));
    if result.outcome.verdict != Verdict::Correct && !a.entered.trim().is_empty() {
        let typed: Vec<String> = codes::split_codes(item.system, &a.entered)
            .iter()
            .map(|code| describe_typed(item.system, code, codes))
            .collect();
        text.push_str(&labelled("you typed", &visible(&typed.join("; ")), width));
    }
    for (index, line) in describe_answer(item.system, &item.answer, codes)
        .iter()
        .enumerate()
    {
        let label = if index == 0 { "answer   " } else { "" };
        text.push_str(&labelled(label, &palette.bold(&visible(line)), width));
    }
    if a.mode == Mode::Transcribe {
        text.push_str(&transcription_marks(result));
    } else if axes == Axes::All {
        text.push_str(&axis_walk(result, palette, width));
    } else if result.outcome.verdict != Verdict::Correct {
        text.push_str(&axis_differences(result, width));
    }
    let single = !a.entered.trim().is_empty()
        && !a.entered.trim().contains([';', ',', ' '])
        && !item.answer.contains(';');
    if single
        && result.outcome.verdict != Verdict::Correct
        && let Some(change) = severity_change(item.system, &item.answer, &a.entered)
    {
        text.push_str(&labelled("MS-DRG   ", &change, width));
    }
    let convention = matches!(
        result.outcome.detail,
        Some(Detail::Excludes1 | Detail::CodeFirst | Detail::UseAdditional)
    );
    if convention && let Some(found) = item.key().convention(&a.entered) {
        text.push_str(&labelled("rule     ", &visible(&found.quote), width));
    }
    text.push_str(&case_lines(result, codes, width));
    if !item.accept.is_empty() {
        let accepted = item.accept.replace('|', " or ");
        text.push_str(&labelled("also accepted:", &visible(&accepted), width));
    }
    if !item.rationale.is_empty() {
        text.push_str(&labelled("why:", &visible(&item.rationale), width));
    }
    if result.truncated {
        let note = format!(
            "(your answer was longer than {} characters and was cut)",
            super::session::ENTERED_CAP
        );
        text.push_str(&wrap_line(&note, width, "  ", "   "));
    }
    text
}

/// Under a retyped code that is not the one shown: a `^` under each character that differs
/// (or is missing or extra), lined up with the answer's code.
fn transcription_marks(result: &ItemResult) -> String {
    let (item, a) = (&result.item, &result.attempt);
    let typed = codes::split_codes(item.system, &a.entered);
    if result.outcome.verdict == Verdict::Correct || item.answer.contains(';') || typed.len() != 1 {
        return String::new();
    }
    let written = |raw: &str| {
        let normal = codes::normalize(item.system, raw);
        if codes::is_well_formed(item.system, raw) {
            codes::display_code(item.system, &normal)
        } else {
            raw.trim().to_uppercase()
        }
    };
    let (want, got): (Vec<char>, Vec<char>) = (
        written(&item.answer).chars().collect(),
        written(&typed[0]).chars().collect(),
    );
    let marks: String = (0..want.len().max(got.len()))
        .map(|at| {
            if want.get(at) == got.get(at) {
                ' '
            } else {
                '^'
            }
        })
        .collect();
    if !marks.contains('^') {
        return String::new();
    }
    format!("{}{}\n", " ".repeat(ANSWER_COLUMN), marks.trim_end())
}

/// For a PCS answer: each character the typed code got wrong, by position and axis, with what
/// both values mean (read in their own code's table, whether or not the typed code exists).
fn axis_differences(result: &ItemResult, width: usize) -> String {
    let (item, a) = (&result.item, &result.attempt);
    let mut text = String::new();
    let mut label = "axes     ";
    // In a record of several codes, each line says which typed code it reads.
    let several = item.answer.contains(';');
    for (want, got) in pcs::near_pairs(item.system, &item.answer, &a.entered) {
        for difference in pcs::differences(&want, &got) {
            let sentence = match several {
                true => format!("{got} for {want}: {}", difference.sentence()),
                false => difference.sentence(),
            };
            text.push_str(&labelled(label, &visible(&sentence), width));
            label = "";
        }
    }
    text
}

/// For the "build the code" drill: the answer's seven characters, each with its axis, right or
/// wrong against the typed code closest to it, and what the values mean.
fn axis_walk(result: &ItemResult, palette: &Palette, width: usize) -> String {
    let (item, a) = (&result.item, &result.attempt);
    let Some(want) = pcs::answer_codes(item.system, &item.answer)
        .into_iter()
        .next()
    else {
        return String::new();
    };
    let (Some(section), Some(wanted)) = (pcs::section_of(&want), pcs::characters(&want)) else {
        return String::new();
    };
    let typed: Vec<String> = codes::split_codes(item.system, &a.entered)
        .iter()
        .map(|code| codes::normalize(item.system, code))
        .collect();
    let got = pcs::closest(&want, &typed).and_then(|code| pcs::characters(code));
    let axis_width = section
        .keys
        .iter()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    if got.is_none() && !a.entered.trim().is_empty() {
        let note = "what you typed is no 7-character PCS code: the answer, character by character";
        text.push_str(&labelled("axes     ", note, width));
    }
    for (at, w) in wanted.iter().enumerate() {
        let margin = if at == 0 && text.is_empty() {
            "  axes      "
        } else {
            "            "
        };
        let head = format!("{margin}{} {:<axis_width$}  ", w.position, section.keys[at]);
        let (mark, body) = match got.as_ref().map(|g| &g[at]) {
            Some(g) if g.value == w.value => (
                palette.green("right"),
                format!("{} {}", w.value, w.meaning_text()),
            ),
            Some(g) => (
                palette.red("wrong"),
                format!(
                    "{} {}; the answer is {}",
                    g.value,
                    g.meaning_text(),
                    w.described()
                ),
            ),
            None => (
                "     ".to_string(),
                format!("{} {}", w.value, w.meaning_text()),
            ),
        };
        let rest = " ".repeat(head.chars().count() + 9);
        let line = format!("{mark}  {}", visible(&body));
        text.push_str(&wrap_line(&line, width, &head, &rest));
    }
    text
}

/// Accuracy per PCS axis over a session's answers (the "build the code" drill's summary):
/// which characters of the answers were typed right, so a learner sees her weak axis.
pub fn axis_summary(results: &[ItemResult], palette: &Palette) -> String {
    let mut tally: Vec<(usize, &'static str, u64, u64)> = Vec::new();
    let mut items = 0;
    for result in results {
        let a = &result.attempt;
        let Some(marks) = pcs::AxisMarks::of(a.system, &a.expected, &a.entered) else {
            continue;
        };
        items += 1;
        for (position, axis, right) in marks.each() {
            let at = match tally.iter().position(|t| t.0 == position && t.1 == axis) {
                Some(at) => at,
                None => {
                    tally.push((position, axis, 0, 0));
                    tally.len() - 1
                }
            };
            tally[at].2 += u64::from(right);
            tally[at].3 += 1;
        }
    }
    if items == 0 {
        return String::new();
    }
    tally.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\n{}",
        palette.bold(&format!(
            "Accuracy by axis ({items} PCS {})",
            if items == 1 { "answer" } else { "answers" }
        ))
    );
    let share = |t: &(usize, &str, u64, u64)| t.2 as f64 / t.3 as f64;
    let weakest = tally
        .iter()
        .filter(|t| t.2 < t.3)
        .min_by(|a, b| share(a).total_cmp(&share(b)));
    for t in &tally {
        let label = format!("{} {}", t.0, t.1);
        let _ = write!(
            text,
            "  {label:<34} {:>3} of {:<3} {:>6.1}%",
            t.2,
            t.3,
            share(t) * 100.0
        );
        if weakest.is_some_and(|w| std::ptr::eq(w, t)) {
            let _ = write!(text, "  {}", palette.yellow("← weakest"));
        }
        text.push('\n');
    }
    text
}

/// For a case (several answer codes, or optional ones): what was missing, extra and optional,
/// code by code, and whether the principal code came first.
fn case_lines(result: &ItemResult, codes: Option<&CodeSets>, width: usize) -> String {
    let item = &result.item;
    let key = item.key();
    if item.system.is_term() || (key.answer().len() < 2 && key.optional.is_empty()) {
        return String::new();
    }
    let diff = key.diff(&result.attempt.entered);
    let named = |list: &[String]| -> String {
        let each: Vec<String> = list
            .iter()
            .map(|code| describe(item.system, code, codes))
            .collect();
        visible(&each.join("; ")).into_owned()
    };
    let mut text = String::new();
    let typed_something = !result.attempt.entered.trim().is_empty();
    if typed_something && !diff.missing.is_empty() {
        text.push_str(&labelled("missing  ", &named(&diff.missing), width));
    }
    if !diff.extra.is_empty() {
        text.push_str(&labelled("extra    ", &named(&diff.extra), width));
    }
    if let (true, Some(principal)) = (diff.principal_late, key.answer().first()) {
        let code = codes::display_code(item.system, principal);
        let line = format!("{code} is the principal code: it comes first");
        text.push_str(&labelled("sequence ", &visible(&line), width));
    }
    if !diff.optional_typed.is_empty() {
        let line = format!(
            "{} (typed; neither adds nor costs)",
            named(&diff.optional_typed)
        );
        text.push_str(&labelled("optional ", &line, width));
    }
    if !diff.optional_left.is_empty() {
        let line = format!("{} (may be left out)", named(&diff.optional_left));
        text.push_str(&labelled("optional ", &line, width));
    }
    text
}

/// `  label text`, continuing under the text; an empty label lines `text` up under the
/// answer's (the other codes of a multi-code answer).
fn labelled(label: &str, text: &str, width: usize) -> String {
    let first = if label.is_empty() {
        " ".repeat(ANSWER_COLUMN)
    } else {
        format!("  {label} ")
    };
    let rest = " ".repeat(first.chars().count());
    wrap_line(text, width, &first, &rest)
}

/// Where an answer's text starts: after `  answer    `.
const ANSWER_COLUMN: usize = 12;

/// The end-of-session summary, its misses wrapped to the terminal.
pub fn summary(summary: &Summary, mode: Mode, palette: &Palette) -> String {
    summary_at(summary, mode, palette, terminal_width())
}

/// [`summary`] with misses in lines of at most `width` columns.
fn summary_at(summary: &Summary, mode: Mode, palette: &Palette, width: usize) -> String {
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
    // Rates from a few seconds of answering (a handful of piped answers) are not facts.
    let measured = summary.answering_ms >= RATES_FROM_MS;
    let rate = |per_hour: f64| {
        if measured {
            format!("{per_hour:.0}")
        } else {
            "—".to_string()
        }
    };
    row(&mut text, "codes per hour", rate(m.codes_per_hour));
    if mode == Mode::Transcribe {
        row(&mut text, "gross keystrokes/hour", rate(m.kph));
        row(&mut text, "net keystrokes/hour", rate(summary.net_kph));
    } else {
        row(&mut text, "keystrokes per hour", rate(m.kph));
    }
    if m.missed_cc > 0 {
        row(&mut text, "missed CC/MCC", m.missed_cc.to_string());
    }
    if m.cases > 0 {
        row(
            &mut text,
            "cases",
            format!(
                "{} ({:.1} codes each), {} per hour",
                m.cases,
                m.codes_per_case,
                rate(m.cases_per_hour)
            ),
        );
    }
    if !measured {
        let _ = writeln!(
            text,
            "  (rates need at least {} s of answering; this session had {:.1} s)",
            RATES_FROM_MS / 1000,
            summary.answering_ms as f64 / 1000.0
        );
    }
    if !summary.near_miss_kinds.is_empty() {
        let kinds: Vec<String> = summary
            .near_miss_kinds
            .iter()
            .map(|(detail, count)| format!("{} {count}", detail.label()))
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
            let row = format!(
                "{:<10} {:<12} typed {:<14} answer {}",
                visible(&a.item),
                a.verdict,
                visible(entered),
                visible(&a.expected)
            );
            text.push_str(&wrap_line(&row, width, "  ", "    "));
            // Which item it was, in words: the prompt's start on one line (a record's
            // paragraphs joined), cut at a word.
            let one_line = miss.item.prompt.split_whitespace().collect::<Vec<_>>();
            let room = width.saturating_sub(4).clamp(20, 100);
            let prompt = cut_at_word(&visible(&one_line.join(" ")), room);
            text.push_str(&wrap_line(&prompt, width, "    ", "    "));
        }
    }
    text
}

/// Results made by hand for the text renderers' tests.
#[cfg(test)]
pub(crate) mod samples {
    use super::super::session::ItemResult;
    use crate::codes::System;
    use crate::deck::Item;
    use crate::record::example;
    use crate::score::{Outcome, Verdict};

    /// Clears the screen, sets the clipboard (OSC 52), opens a C1 control sequence, rubs out.
    pub(crate) const HOSTILE: &str = "\x1b[2J \x1b]52;c;eA==\x07 \u{9b}31m \x7f";

    /// Whether `text` holds a control character a terminal acts on.
    pub(crate) fn has_raw_control(text: &str) -> bool {
        text.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    }

    /// A missed item whose every text field, typed answer included, holds [`HOSTILE`].
    pub(crate) fn hostile_miss() -> ItemResult {
        let text = |name: &str| format!("{name} {HOSTILE}");
        let item = Item {
            id: text("id"),
            prompt: text("prompt"),
            answer: text("answer"),
            system: System::Icd10cm,
            accept: text("accept"),
            category: text("category"),
            rationale: text("why"),
            optional: String::new(),
            setting: None,
            deck: text("deck"),
            line: 2,
        };
        let mut attempt = example(&text("typed"));
        attempt.item = item.id.clone();
        attempt.expected = item.answer.clone();
        attempt.verdict = Verdict::Incorrect;
        attempt.score = 0.0;
        let outcome = Outcome {
            verdict: Verdict::Incorrect,
            detail: None,
            score: 0.0,
        };
        ItemResult {
            item,
            outcome,
            attempt,
            truncated: false,
            review: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{has_raw_control, hostile_miss};
    use super::*;
    use crate::drill::session::summarize;

    const PLAIN: Palette = Palette { enabled: false };

    #[test]
    fn feedback_shows_control_characters_visibly() {
        let text = feedback(&hostile_miss(), None, &PLAIN);
        assert!(!has_raw_control(&text), "{text:?}");
        // The typed text is split into codes, each described on its own.
        assert!(text.contains("you typed typed; \\u{1b}[2J; "), "{text}");
        for field in ["answer", "accept", "why"] {
            let shown = format!("{field} \\u{{1b}}[2J");
            assert!(text.contains(&shown), "{shown} in {text}");
        }
        assert!(
            text.contains("\\u{1b}]52;c;eA==\\u{7} \\u{9b}31m \\u{7f}"),
            "{text}"
        );
    }

    #[test]
    fn feedback_continues_under_each_label() {
        let mut result = hostile_miss();
        result.item.rationale = "the seventh character names the encounter, here the first".into();
        result.item.accept = String::new();
        let text = feedback_at(&result, None, &PLAIN, 40, Axes::Differing);
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
        let why: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("  why: "))
            .collect();
        assert_eq!(
            why,
            [
                "  why: the seventh character names the",
                "       encounter, here the first"
            ],
            "{text}"
        );
    }

    /// A missed item of `system` with `answer`, typed `typed`, in `mode`.
    fn miss(system: System, answer: &str, typed: &str, mode: Mode) -> ItemResult {
        let mut result = hostile_miss();
        result.item.system = system;
        result.item.answer = answer.to_string();
        result.item.accept = String::new();
        result.item.rationale = String::new();
        result.attempt.system = system;
        result.attempt.expected = answer.to_string();
        result.attempt.entered = typed.to_string();
        result.attempt.mode = mode;
        result
    }

    #[test]
    fn a_pcs_miss_names_each_wrong_character() {
        let result = miss(System::Icd10pcs, "0FT44ZZ", "0FT40ZZ", Mode::Practice);
        let text = feedback_at(&result, None, &PLAIN, 1000, Axes::Differing);
        assert!(
            text.contains(
                "  axes      character 5, approach: you typed 0 (Open), the answer is 4 (Percutaneous Endoscopic)\n"
            ),
            "{text}"
        );
        // In a record the line says which codes it compares.
        let record = miss(
            System::Icd10cmPcs,
            "K35.30;0DTJ4ZZ",
            "K35.30 0DTJ0ZZ",
            Mode::Practice,
        );
        let text = feedback_at(&record, None, &PLAIN, 1000, Axes::Differing);
        assert!(
            text.contains("axes      0DTJ0ZZ for 0DTJ4ZZ: character 5"),
            "{text}"
        );
        // The axes drill walks all seven, right or wrong.
        let text = feedback_at(&result, None, &PLAIN, 1000, Axes::All);
        assert!(
            text.contains("3 root operation  right  T Resection"),
            "{text}"
        );
        assert!(
            text.contains("5 approach        wrong  0 Open; the answer is 4"),
            "{text}"
        );
    }

    #[test]
    fn a_transcription_miss_marks_the_characters_that_differ() {
        let result = miss(System::Icd10cm, "E11.9", "e11.8", Mode::Transcribe);
        let text = feedback_at(&result, None, &PLAIN, 1000, Axes::Differing);
        let lines: Vec<&str> = text.lines().collect();
        let answer = lines
            .iter()
            .position(|l| l.starts_with("  answer"))
            .unwrap();
        assert_eq!(lines[answer + 1], "                ^", "{text}");
        let short = miss(System::Icd10pcs, "0FT44ZZ", "0FT44", Mode::Transcribe);
        let text = feedback_at(&short, None, &PLAIN, 1000, Axes::Differing);
        assert!(text.contains("\n                 ^^\n"), "{text}");
    }

    #[test]
    fn summary_shows_control_characters_visibly() {
        // Wide enough that each field reads whole on one line.
        let summary = summarize(&[hostile_miss()], 1);
        let text = summary_at(&summary, Mode::Practice, &PLAIN, 1000);
        assert!(!has_raw_control(&text), "{text:?}");
        for field in ["id", "typed", "answer"] {
            let shown = format!("{field} \\u{{1b}}[2J");
            assert!(text.contains(&shown), "{shown} in {text}");
        }
    }
}
