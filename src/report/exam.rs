//! The exam result page (`exam -o result.md|.html`): the exam's own section (verdict,
//! breakdown, misses) with the report of its attempts by category, made by the same renderers
//! as `codedrill report`; with `--sign`, the signed statement last ([`crate::signing`]), and
//! `-o result.json` is that statement alone.

use std::fmt::Write as _;

use anyhow::Result;

use super::escape::{escape_html, escape_md};
use super::{Aggregator, Filters, GroupBy, Report, html, markdown};
use crate::codes::CodeSets;
use crate::drill::exam::{
    ExamResult, PRETEST_NOTE, answered_line, breakdown, headline, pretest_line, system_of,
};
use crate::drill::render::title;
use crate::drill::session::SessionInfo;
use crate::duration::clock_text;

/// The kinds of result page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageKind {
    Markdown,
    Html,
    /// The signed statement alone
    Json,
}

impl PageKind {
    /// The kind a file name asks for, by its extension.
    pub(crate) fn of(path: &std::path::Path) -> Option<PageKind> {
        let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match extension.as_str() {
            "md" | "markdown" => Some(PageKind::Markdown),
            "html" | "htm" => Some(PageKind::Html),
            "json" => Some(PageKind::Json),
            _ => None,
        }
    }
}

/// The result page: the exam's own section (verdict, breakdown, misses) followed by the
/// sections of the report of its attempts by category, made by the same renderers as
/// `codedrill report`.
#[cfg(test)]
pub(crate) fn result_page(
    exam: &ExamResult,
    info: &SessionInfo,
    codes: Option<&CodeSets>,
    kind: PageKind,
) -> Result<String> {
    signed_page(exam, info, codes, kind, None)
}

/// A signed statement as a page carries it.
pub(crate) struct SignedBlock {
    /// What [`crate::signing::sign`] gave
    pub block: String,
    pub fingerprint: String,
}

/// [`result_page`], with the signed statement last when there is one; a `.json` result is the
/// statement alone.
pub(crate) fn signed_page(
    exam: &ExamResult,
    info: &SessionInfo,
    codes: Option<&CodeSets>,
    kind: PageKind,
    signed: Option<&SignedBlock>,
) -> Result<String> {
    let report = attempts_report(exam, info);
    let items = item_lines(exam, codes);
    Ok(match kind {
        PageKind::Markdown => {
            let mut page = markdown_page(exam, &info.user, &items, &report);
            if let Some(signed) = signed {
                page.push_str(&markdown_signed(signed));
            }
            page
        }
        PageKind::Html => html_page(exam, &info.user, &items, &report, signed)?,
        PageKind::Json => match signed {
            Some(signed) => signed.block.clone(),
            None => anyhow::bail!("a .json result is a signed statement: give --sign KEY"),
        },
    })
}

/// What the signed block says to a reader, and how to check it.
fn signed_note(signed: &SignedBlock) -> String {
    format!(
        "This result is signed with the key whose fingerprint is {}. The block below is the \
         signed statement; check it with: codedrill verify THIS-FILE --key KEY.pub (the \
         signer's public key). Trust what verify prints, not the page.",
        signed.fingerprint
    )
}

/// The Markdown page's signed section: the block in a fence, with its marker lines.
fn markdown_signed(signed: &SignedBlock) -> String {
    format!(
        "\n---\n\n## Signed statement\n\n{}\n\n```text\n{}\n{}{}\n```\n",
        escape_md(&signed_note(signed)),
        crate::signing::BEGIN,
        signed.block,
        crate::signing::END
    )
}

/// The HTML page's signed section: the block as preformatted text (it holds no `<` or `&`).
fn html_signed(signed: &SignedBlock) -> String {
    format!(
        "<section class=\"signed\"><h2>Signed statement</h2>\n<p class=\"meta\">{}</p>\n\
         <pre style=\"white-space:pre-wrap;word-break:break-all;font-size:.75em\">\n{}\n{}{}\n</pre></section>\n",
        escape_html(&signed_note(signed)),
        crate::signing::BEGIN,
        signed.block,
        crate::signing::END
    )
}

/// Whether a page shows `headline` (the signed verdict line) where its verdict goes: as the
/// page's own renderer writes it, in HTML or in Markdown.
pub(crate) fn shows_headline(page: &str, headline: &str) -> bool {
    page.contains(&format!("\">{}</p>", escape_html(headline)))
        || page.contains(&format!("\n**{headline}**\n"))
}

/// One answered item as the page lists it: typed and expected answers with their official
/// descriptions.
struct ItemLine {
    number: usize,
    item: String,
    verdict: &'static str,
    /// How an item flagged or skipped for review was settled, if it was.
    review: Option<&'static str>,
    /// A pretest item: not scored.
    pretest: bool,
    prompt: String,
    typed: String,
    answer: String,
    /// For a case: the missing, extra and optional codes and the principal's place; and the
    /// note of the tabular the answer broke. Empty otherwise.
    case: String,
    rationale: String,
}

impl ItemLine {
    /// `incorrect`, `correct; flagged, answered on return`, or `correct; pretest, not scored`.
    fn verdict_and_review(&self) -> String {
        let mut text = self.verdict.to_string();
        if let Some(review) = self.review {
            text = format!("{text}; {review}");
        }
        if self.pretest {
            text = format!("{text}; {PRETEST_NOTE}");
        }
        text
    }
}

fn item_lines(exam: &ExamResult, codes: Option<&CodeSets>) -> Vec<ItemLine> {
    exam.results
        .iter()
        .enumerate()
        .map(|(at, result)| {
            let a = &result.attempt;
            let system = result.item.system;
            // What was typed (or is the answer) as written, then the official descriptions
            // of the real codes in it.
            let described = |text: &str| -> String {
                if text.trim().is_empty() {
                    return "—".to_string();
                }
                let titles: Vec<String> = crate::codes::split_codes(system, text)
                    .iter()
                    .filter_map(|code| title(system, code, codes))
                    .collect();
                if titles.is_empty() {
                    text.to_string()
                } else {
                    format!("{text} ({})", titles.join("; "))
                }
            };
            ItemLine {
                number: at + 1,
                item: a.item.clone(),
                verdict: a.verdict.name(),
                review: result.review.map(|note| note.describe()),
                pretest: exam.is_pretest(result),
                prompt: result.item.prompt.clone(),
                typed: described(&a.entered),
                answer: described(&a.expected),
                case: case_text(result),
                rationale: result.item.rationale.clone(),
            }
        })
        .collect()
}

/// A case's answer code by code (`missing: E86.0; extra: R65.20; optional typed: B96.20;
/// principal not first: A41.51`), then the convention it broke; empty when there is nothing
/// to say.
fn case_text(result: &crate::drill::session::ItemResult) -> String {
    let item = &result.item;
    let entered = &result.attempt.entered;
    let key = item.key();
    let mut parts = Vec::new();
    let show = |codes: &[String]| -> String {
        codes
            .iter()
            .map(|code| crate::codes::display_code(item.system, code))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let is_case = key.answer().len() >= 2 || !key.optional.is_empty();
    if is_case && !item.system.is_term() && !entered.trim().is_empty() {
        let diff = key.diff(entered);
        if !diff.missing.is_empty() {
            parts.push(format!("missing: {}", show(&diff.missing)));
        }
        if !diff.extra.is_empty() {
            parts.push(format!("extra: {}", show(&diff.extra)));
        }
        if !diff.optional_typed.is_empty() {
            parts.push(format!("optional, typed: {}", show(&diff.optional_typed)));
        }
        if let (true, Some(principal)) = (diff.principal_late, key.answer().first()) {
            parts.push(format!(
                "principal not first: {}",
                show(std::slice::from_ref(principal))
            ));
        }
    }
    if result.attempt.verdict != crate::score::Verdict::Correct
        && let Some(found) = key.convention(entered)
    {
        parts.push(format!("rule: {}", found.quote));
    }
    parts.join("; ")
}

/// `Exam result — Outpatient coding test — ana`: the blueprint's title, if any, and who took it.
fn page_title(exam: &ExamResult, user: &str) -> String {
    format!("{} — {user}", exam.heading())
}

/// Decks, when the exam began, the time allowed and used, and the pass mark, as one line.
fn facts(exam: &ExamResult) -> String {
    let mut parts = Vec::new();
    if !exam.decks.is_empty() {
        let label = if exam.title.is_some() {
            "Drawn from"
        } else {
            "Decks"
        };
        parts.push(format!("{label}: {}", exam.decks.join(", ")));
    }
    if let Some(began) = &exam.began {
        parts.push(format!("Taken {began}"));
    }
    parts.push(match exam.duration {
        Some(span) => format!("time allowed {}", clock_text(span)),
        None => "no time limit".to_string(),
    });
    if let Some(used) = exam.used {
        parts.push(format!("time used {}", clock_text(used)));
    }
    parts.push(format!("pass mark {:.0}%", exam.pass_mark));
    if let Some(graded) = &exam.graded_against {
        parts.push(graded.clone());
    }
    parts.join(" · ")
}

/// The report of the exam's attempts, by category.
fn attempts_report(exam: &ExamResult, info: &SessionInfo) -> Report {
    let mut aggregator = Aggregator::new(GroupBy::Category, &Filters::default());
    for result in &exam.results {
        aggregator.add(&result.attempt.as_ref());
    }
    aggregator.finish(vec![format!("exam session {}", info.session)])
}

/// The Markdown page: the exam's section, a rule, then the report's sections.
fn markdown_page(exam: &ExamResult, user: &str, items: &[ItemLine], report: &Report) -> String {
    let mut sections = vec![markdown_section(exam, user, items), "\n---\n\n".to_string()];
    sections.extend(markdown::report_sections(report));
    sections.concat()
}

/// The HTML page: the exam's section, then the report's sections, in one page container so
/// both share its margins.
fn html_page(
    exam: &ExamResult,
    user: &str,
    items: &[ItemLine],
    report: &Report,
    signed: Option<&SignedBlock>,
) -> Result<String> {
    let mut sections = vec![html_section(exam, user, items)];
    sections.extend(html::report_sections(report)?);
    if let Some(signed) = signed {
        // Before the footer, which closes the page.
        let at = sections.len().saturating_sub(1);
        sections.insert(at, html_signed(signed));
    }
    Ok(html::page(&page_title(exam, user), &sections))
}

/// The exam's own section of the Markdown page. Typed and expected answers are plain escaped
/// text rather than code spans: a code span shows backslashes literally, so it could not hold
/// escaped text, and a backtick typed by the candidate could close it.
fn markdown_section(exam: &ExamResult, user: &str, items: &[ItemLine]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", escape_md(&page_title(exam, user)));
    let _ = writeln!(md, "**{}**\n", headline(exam));
    let _ = writeln!(md, "{}.\n", answered_line(exam));
    if let Some(line) = pretest_line(exam) {
        let _ = writeln!(md, "{}.\n", escape_md(&line));
    }
    let _ = writeln!(md, "{}.", escape_md(&facts(exam)));
    let _ = writeln!(
        md,
        "\n## By code system\n\n| system | items | correct | score |\n|---|---:|---:|---:|"
    );
    for (name, (items, correct, score)) in breakdown(exam.scored(), system_of) {
        let _ = writeln!(
            md,
            "| {} | {items} | {correct} | {:.1}% |",
            escape_md(&name),
            100.0 * score / items.max(1) as f64
        );
    }
    let _ = writeln!(md, "\n## Items\n");
    if items.is_empty() {
        let _ = writeln!(md, "None answered.");
    }
    for line in items {
        // A record's paragraphs joined: a list item is one paragraph.
        let prompt = line.prompt.split_whitespace().collect::<Vec<_>>().join(" ");
        let case = if line.case.is_empty() {
            String::new()
        } else {
            format!("  \n   {}", escape_md(&line.case))
        };
        let _ = writeln!(
            md,
            "{}. **{}** ({}) {}  \n   typed: {}  \n   answer: {}{case}  \n   {}",
            line.number,
            escape_md(&line.item),
            line.verdict_and_review(),
            escape_md(&prompt),
            escape_md(&line.typed),
            escape_md(&line.answer),
            escape_md(&line.rationale)
        );
    }
    if let Some(note) = report_note(exam) {
        let _ = writeln!(md, "\n{note}");
    }
    md
}

/// Under the items, when pretest items were answered: the report that follows counts them,
/// as the log holds them like any other row.
fn report_note(exam: &ExamResult) -> Option<String> {
    let answered = exam.results.iter().filter(|r| exam.is_pretest(r)).count();
    (answered > 0).then(|| {
        format!(
            "The report below counts every attempt logged, the {answered} pretest {} included.",
            if answered == 1 { "item" } else { "items" }
        )
    })
}

/// The exam's own section of the HTML page.
fn html_section(exam: &ExamResult, user: &str, items: &[ItemLine]) -> String {
    let mut body = String::new();
    let colour = if exam.passed { "#1a7f37" } else { "#cf222e" };
    let _ = writeln!(
        body,
        "<section class=\"exam\"><h1>{}</h1>\n<p style=\"color:{colour};font-size:1.6em;font-weight:bold\">{}</p>\n<p>{}.</p>",
        escape_html(&page_title(exam, user)),
        escape_html(&headline(exam)),
        escape_html(&answered_line(exam)),
    );
    if let Some(line) = pretest_line(exam) {
        let _ = writeln!(body, "<p>{}.</p>", escape_html(&line));
    }
    let _ = writeln!(body, "<p class=\"meta\">{}.</p>", escape_html(&facts(exam)));
    let _ = writeln!(
        body,
        "<h2>By code system</h2>\n<div class=\"wide\"><table><tr><th>system</th><th>items</th><th>correct</th><th>score</th></tr>"
    );
    for (name, (items, correct, score)) in breakdown(exam.scored(), system_of) {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{items}</td><td>{correct}</td><td>{:.1}%</td></tr>",
            escape_html(&name),
            100.0 * score / items.max(1) as f64
        );
    }
    body.push_str("</table></div>\n<h2>Items</h2>\n<ol>\n");
    for line in items {
        let case = if line.case.is_empty() {
            String::new()
        } else {
            format!("<br>{}", escape_html(&line.case))
        };
        let _ = writeln!(
            body,
            "<li><b>{}</b> ({}) {}<br>typed: <code>{}</code><br>answer: <code>{}</code>{case}<br>{}</li>",
            escape_html(&line.item),
            escape_html(&line.verdict_and_review()),
            // A record keeps its lines.
            escape_html(&line.prompt).replace('\n', "<br>"),
            escape_html(&line.typed),
            escape_html(&line.answer),
            escape_html(&line.rationale)
        );
    }
    body.push_str("</ol>\n");
    if let Some(note) = report_note(exam) {
        let _ = writeln!(body, "<p class=\"meta\">{note}</p>");
    }
    body.push_str("</section>\n");
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::System;
    use crate::deck::Item;
    use crate::drill::session::ItemResult;
    use crate::record::{Attempt, Mode};
    use crate::report::escape::rendered::{HOSTILE, assert_inert};
    use crate::score::{Outcome, Verdict};

    /// Markup planted in every field a deck, a log or a candidate controls.
    const NASTY: &str = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) a|b `c` *d*";

    /// The deck fields of one item: id, prompt, category, rationale and deck name.
    struct Fields<'a> {
        id: &'a str,
        prompt: &'a str,
        category: &'a str,
        rationale: &'a str,
        deck: &'a str,
    }

    impl Fields<'_> {
        /// Every field the same text.
        fn all(text: &str) -> Fields<'_> {
            Fields {
                id: text,
                prompt: text,
                category: text,
                rationale: text,
                deck: text,
            }
        }
    }

    /// The session of `user`'s exam.
    fn session(user: &str) -> SessionInfo {
        SessionInfo {
            session: "s1".to_string(),
            user: user.to_string(),
            mode: Mode::Exam,
        }
    }

    /// An item with these fields, answered `entered` and scored wrong in `info`'s session.
    fn missed(fields: &Fields, entered: &str, info: &SessionInfo) -> ItemResult {
        let item = Item {
            id: fields.id.to_string(),
            prompt: fields.prompt.to_string(),
            answer: "E11.9".to_string(),
            system: System::Icd10cm,
            accept: String::new(),
            category: fields.category.to_string(),
            rationale: fields.rationale.to_string(),
            optional: String::new(),
            setting: None,
            deck: fields.deck.to_string(),
            line: 2,
        };
        let attempt = Attempt {
            timestamp: "2026-11-20T10:00:00-05:00".to_string(),
            session: info.session.clone(),
            user: info.user.clone(),
            mode: Mode::Exam,
            deck: item.deck.clone(),
            item: item.id.clone(),
            system: item.system,
            category: item.category.clone(),
            prompt: item.prompt.clone(),
            expected: item.answer.clone(),
            entered: entered.to_string(),
            verdict: Verdict::Incorrect,
            detail: None,
            score: 0.0,
            elapsed_ms: 4000,
            first_key_ms: Some(500),
            keystrokes: 6,
            backspaces: 0,
        };
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

    /// One missed item whose deck fields, typed answer and user name are all [`NASTY`].
    fn nasty_exam() -> (ExamResult, SessionInfo) {
        let (id, prompt) = (format!("id {NASTY}"), format!("prompt {NASTY}"));
        let category = format!("category {NASTY}\nsecond line");
        let (rationale, deck) = (format!("why {NASTY}"), format!("deck {NASTY}"));
        let fields = Fields {
            id: &id,
            prompt: &prompt,
            category: &category,
            rationale: &rationale,
            deck: &deck,
        };
        let info = session(&format!("user {NASTY}"));
        let result = missed(&fields, &format!("E1`1.9 {NASTY}"), &info);
        (ExamResult::new(vec![result], 1, 70.0, None), info)
    }

    #[test]
    fn html_page_holds_the_exam_section_first_in_its_one_main() {
        let (exam, info) = nasty_exam();
        let page = result_page(&exam, &info, None, PageKind::Html).unwrap();
        for tag in ["<html", "<head>", "<body>", "<main>", "</main>", "</html>"] {
            assert_eq!(page.matches(tag).count(), 1, "{tag}");
        }
        let main = page.find("<main>").unwrap();
        let exam_at = page.find("<section class=\"exam\">").unwrap();
        let report_at = page.find("<h1>Coding accuracy and speed").unwrap();
        assert!(main < exam_at && exam_at < report_at && report_at < page.find("</main>").unwrap());
        assert!(page.contains("<title>Exam result — user &lt;img"));
    }

    #[test]
    fn html_page_shows_markup_as_text() {
        let (exam, info) = nasty_exam();
        let page = result_page(&exam, &info, None, PageKind::Html).unwrap();
        assert!(!page.contains("<img"), "{page}");
        assert!(page.contains("typed: <code>E1`1.9 &lt;img src=x onerror=alert(1)&gt;"));
        assert!(
            page.contains("<td>category &lt;img src=x"),
            "key of the report"
        );
    }

    #[test]
    fn markdown_page_is_the_exam_section_a_rule_then_the_report() {
        let (exam, info) = nasty_exam();
        let page = result_page(&exam, &info, None, PageKind::Markdown).unwrap();
        let rule = page
            .find("\n\n---\n\n# Coding accuracy and speed\n")
            .unwrap();
        assert!(page.starts_with("# Exam result — user &lt;img src=x onerror=alert\\(1\\)&gt;"));
        assert!(rule > page.find("## Items").unwrap());
    }

    #[test]
    fn markdown_page_shows_markup_as_text() {
        let (exam, info) = nasty_exam();
        let page = result_page(&exam, &info, None, PageKind::Markdown).unwrap();
        let escaped = escape_md(NASTY);
        assert_eq!(
            escaped,
            "&lt;img src=x onerror=alert\\(1\\)&gt; \\[x\\]\\(javascript:alert\\(1\\)\\) a\\|b \\`c\\` \\*d\\*"
        );
        for raw in ["<img", "[x](", "a|b", "`c`", "*d*"] {
            assert!(!page.contains(raw), "{raw} in {page}");
        }
        assert!(page.contains(&format!("typed: E1\\`1.9 {escaped}  \n   answer: E11.9")));
        assert!(page.contains(&format!("| category {escaped} second line | 1 |")));
    }

    #[test]
    fn items_flagged_for_review_say_how_they_ended() {
        let (mut exam, info) = nasty_exam();
        exam.results[0].review = Some(crate::drill::flags::ReviewNote {
            mark: crate::drill::flags::Mark::Flagged,
            answered_on_return: true,
        });
        let markdown = result_page(&exam, &info, None, PageKind::Markdown).unwrap();
        assert!(markdown.contains("(incorrect; flagged, answered on return)"));
        let html = result_page(&exam, &info, None, PageKind::Html).unwrap();
        assert!(html.contains("(incorrect; flagged, answered on return)"));
    }

    #[test]
    fn a_blueprints_page_names_its_title_and_its_pretest_items() {
        let info = session("ana");
        let item = |id: &str| {
            missed(
                &Fields {
                    id,
                    ..Fields::all("x")
                },
                "I10",
                &info,
            )
        };
        let results = vec![item("s1"), item("p1")];
        let pretest = crate::drill::exam::Pretest {
            items: [("x".to_string(), "p1".to_string())].into_iter().collect(),
        };
        let mut exam = ExamResult::with_pretest(results, 1, pretest, 70.0, None);
        exam.title = Some("Outpatient <coding> test".to_string());
        exam.decks = vec!["1 x".to_string(), "1 y (Circulatory)".to_string()];
        let md = result_page(&exam, &info, None, PageKind::Markdown).unwrap();
        assert!(
            md.starts_with("# Exam result — Outpatient &lt;coding&gt; test — ana\n"),
            "{md}"
        );
        assert!(md.contains("1 of 1 items answered, score 0 of 1."), "{md}");
        assert!(
            md.contains("1 pretest item, not scored: p1 incorrect."),
            "{md}"
        );
        assert!(
            md.contains("Drawn from: 1 x, 1 y \\(Circulatory\\)"),
            "{md}"
        );
        assert!(md.contains("1. **s1** (incorrect) x"), "{md}");
        assert!(
            md.contains("2. **p1** (incorrect; pretest, not scored) x"),
            "{md}"
        );
        assert!(
            md.contains("| icd10cm | 1 | 0 | 0.0% |"),
            "scored items only: {md}"
        );
        assert!(md.contains("the 1 pretest item included."), "{md}");
        let html = result_page(&exam, &info, None, PageKind::Html).unwrap();
        assert!(html.contains("<title>Exam result — Outpatient &lt;coding&gt; test — ana</title>"));
        assert!(html.contains("<h1>Exam result — Outpatient &lt;coding&gt; test — ana</h1>"));
        assert!(html.contains("(incorrect; pretest, not scored)"));
        assert!(html.contains("1 pretest item, not scored: p1 incorrect."));
    }

    #[test]
    fn markdown_page_of_hostile_data_renders_no_element() {
        for user in HOSTILE {
            let info = session(user);
            let results = HOSTILE
                .iter()
                .map(|value| missed(&Fields::all(value), value, &info))
                .collect();
            let exam = ExamResult::new(results, HOSTILE.len(), 70.0, None);
            let page = result_page(&exam, &info, None, PageKind::Markdown).unwrap();
            let mut values = HOSTILE.to_vec();
            values.push(user);
            assert_inert(&page, &values);
        }
    }
}
