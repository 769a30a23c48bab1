//! The exam result page (`exam -o result.md|.html`): the exam's own section (verdict,
//! breakdown, misses) with the report of its attempts by category, made by the same renderers
//! as `codedrill report`.

use std::fmt::Write as _;

use anyhow::Result;

use super::{Aggregator, Filters, Format, GroupBy};
use crate::drill::exam::{ExamResult, answered_line, breakdown, headline, misses, system_of};
use crate::drill::session::SessionInfo;

/// The kinds of result page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Markdown,
    Html,
}

impl PageKind {
    /// The kind a file name asks for, by its extension.
    pub fn of(path: &std::path::Path) -> Option<PageKind> {
        let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match extension.as_str() {
            "md" | "markdown" => Some(PageKind::Markdown),
            "html" | "htm" => Some(PageKind::Html),
            _ => None,
        }
    }
}

/// The result page: the exam's own section (verdict, breakdown, misses) with the report of
/// its attempts by category, made by the same renderers as `codedrill report`.
pub fn result_page(exam: &ExamResult, info: &SessionInfo, kind: PageKind) -> Result<String> {
    let mut aggregator = Aggregator::new(GroupBy::Category, &Filters::default());
    for result in &exam.results {
        aggregator.add(&result.attempt.as_ref());
    }
    let report = aggregator.finish(vec![format!("exam session {}", info.session)]);
    let format = match kind {
        PageKind::Markdown => Format::Markdown,
        PageKind::Html => Format::Html,
    };
    let mut rendered = Vec::new();
    format.exporter().write(&report, &mut rendered)?;
    let rendered = String::from_utf8_lossy(&rendered).into_owned();
    Ok(match kind {
        PageKind::Markdown => format!("{}\n---\n\n{rendered}", render_markdown(exam, &info.user)),
        PageKind::Html => {
            let section = render_html_section(exam, &info.user);
            // Inside the report's page container when it has one, so both share its margins.
            let opening = rendered.find("<main").or_else(|| rendered.find("<body"));
            match opening.and_then(|at| rendered[at..].find('>').map(|end| at + end + 1)) {
                Some(at) => format!("{}\n{section}{}", &rendered[..at], &rendered[at..]),
                None => format!("{section}{rendered}"),
            }
        }
    })
}

/// The result page in Markdown.
pub fn render_markdown(exam: &ExamResult, user: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Exam result — {user}\n");
    let _ = writeln!(md, "**{}**\n", headline(exam));
    let _ = writeln!(md, "{}.", answered_line(exam));
    if let Some(duration) = exam.duration {
        let _ = writeln!(
            md,
            "Time allowed: {} minutes.",
            (duration.as_secs_f64() / 60.0).round()
        );
    }
    {
        let _ = writeln!(
            md,
            "\n## By code system\n\n| system | items | correct | score |\n|---|---:|---:|---:|"
        );
        for (name, (items, correct, score)) in breakdown(&exam.results, system_of) {
            let _ = writeln!(
                md,
                "| {} | {items} | {correct} | {:.1}% |",
                escape_md(&name),
                100.0 * score / items.max(1) as f64
            );
        }
    }
    let _ = writeln!(md, "\n## Misses\n");
    let mut any = false;
    for miss in misses(exam) {
        any = true;
        let a = &miss.attempt;
        let _ = writeln!(
            md,
            "- **{}** ({}) {} — typed `{}`, answer `{}`. {}",
            escape_md(&a.item),
            a.verdict,
            escape_md(&miss.item.prompt),
            a.entered.replace('`', "'"),
            a.expected,
            escape_md(&miss.item.rationale)
        );
    }
    if !any {
        let _ = writeln!(md, "None.");
    }
    md
}

fn escape_md(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The exam's own section of the HTML page.
fn render_html_section(exam: &ExamResult, user: &str) -> String {
    let mut body = String::new();
    let colour = if exam.passed { "#1a7f37" } else { "#cf222e" };
    let _ = writeln!(
        body,
        "<section class=\"exam\"><h1>Exam result — {}</h1>\n<p style=\"color:{colour};font-size:1.6em;font-weight:bold\">{}</p>\n<p>{}.</p>",
        escape_html(user),
        escape_html(&headline(exam)),
        escape_html(&answered_line(exam))
    );
    let _ = writeln!(
        body,
        "<h2>By code system</h2>\n<table><tr><th>system</th><th>items</th><th>correct</th><th>score</th></tr>"
    );
    for (name, (items, correct, score)) in breakdown(&exam.results, system_of) {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{items}</td><td>{correct}</td><td>{:.1}%</td></tr>",
            escape_html(&name),
            100.0 * score / items.max(1) as f64
        );
    }
    body.push_str("</table>\n<h2>Misses</h2>\n<ul>\n");
    for miss in misses(exam) {
        let a = &miss.attempt;
        let _ = writeln!(
            body,
            "<li><b>{}</b> ({}) {} — typed <code>{}</code>, answer <code>{}</code>. {}</li>",
            escape_html(&a.item),
            escape_html(a.verdict.name()),
            escape_html(&miss.item.prompt),
            escape_html(&a.entered),
            escape_html(&a.expected),
            escape_html(&miss.item.rationale)
        );
    }
    body.push_str("</ul></section>\n");
    body
}
