//! `codedrill exam [DECK]...`: an exam or interview simulation: no feedback until the end, a
//! total time limit, a pass mark on the summed score; exit status 0 on pass, 3 on fail.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::cli::GlobalArgs;
use crate::cmd::drill::{self, SessionArgs};
use crate::codes::CodeSets;
use crate::render::Palette;
use crate::report::{Aggregator, Filters, Format as ReportFormat, GroupBy};
use crate::runner::Plan;
use crate::score::Verdict;
use crate::session::{ItemResult, Mode, SessionInfo};

const EXAM_EXAMPLES: &str = "\
Examples:
  codedrill exam interview --duration 30m
  codedrill exam icd10cm-common icd10cm-injury -n 40 --duration 45m --pass 80 --seed 7
  codedrill exam interview --duration 20m -o result.html    a result page to keep";

/// The exit status of a failed exam.
pub const FAIL_STATUS: u8 = 3;

#[derive(Debug, clap::Args)]
#[command(after_help = EXAM_EXAMPLES)]
pub struct Args {
    /// Deck files or embedded deck names [default: icd10cm-common]
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
    /// Number of items [default: every item of the decks]
    #[arg(short = 'n', long, value_name = "N")]
    pub count: Option<usize>,
    /// Total time, e.g. 30m, 90s, 1h; items not reached are not logged
    #[arg(long, value_name = "DUR", value_parser = crate::duration::parse_duration)]
    pub duration: Option<Duration>,
    /// Pass mark: percent of the summed score over all items
    #[arg(long, value_name = "PERCENT", default_value_t = 70.0, value_parser = parse_percent)]
    pub pass: f64,
    #[command(flatten)]
    pub session: SessionArgs,
    /// Formatting counts: an ICD-10-CM code without its dot is a near miss
    #[arg(long)]
    pub strict: bool,
    /// Also write the result page to FILE (Markdown for .md, HTML for .html)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    text.trim()
        .trim_end_matches('%')
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .ok_or_else(|| format!("`{text}` is not a percentage from 0 to 100"))
}

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
}

impl ExamResult {
    pub fn new(
        results: Vec<ItemResult>,
        planned: usize,
        pass_mark: f64,
        duration: Option<Duration>,
    ) -> ExamResult {
        let score_sum: f64 = results.iter().map(|r| r.outcome.score).sum();
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
        }
    }
}

pub fn run(args: &Args, global: &GlobalArgs) -> Result<ExitCode> {
    if let Some(path) = &args.output {
        page_kind(path)?;
    }
    let codes = CodeSets::load(global.codeset.as_deref())?;
    let items = drill::load_items(&args.decks, &codes)?;
    let items = drill::arrange(items, &args.session, args.count);
    let plan = Plan {
        items,
        info: drill::session_info(global, Mode::Exam),
        time_limit: args.session.time_limit,
        duration: args.duration,
        feedback: false,
    };
    let finished = drill::run_plan(&plan, global, &codes, args.strict)?;
    let exam = ExamResult::new(finished.results, plan.items.len(), args.pass, args.duration);
    let mut out = io::stdout();
    write!(out, "{}", render_text(&exam, &finished.palette))?;
    out.flush()?;
    if let Some(path) = &args.output {
        let page = result_page(&exam, &plan.info, page_kind(path)?)?;
        std::fs::write(path, page).with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(out, "Result page written to {}", path.display())?;
    }
    Ok(if exam.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAIL_STATUS)
    })
}

enum PageKind {
    Markdown,
    Html,
}

fn page_kind(path: &std::path::Path) -> Result<PageKind> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "md" | "markdown" => Ok(PageKind::Markdown),
        "html" | "htm" => Ok(PageKind::Html),
        _ => bail!(
            "-o {}: the result page must end in .md or .html",
            path.display()
        ),
    }
}

/// Per-group tallies for the breakdown: (items, correct, summed score).
fn breakdown(
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

fn system_of(result: &ItemResult) -> String {
    result.item.system.name().to_string()
}

fn misses(exam: &ExamResult) -> impl Iterator<Item = &ItemResult> {
    exam.results
        .iter()
        .filter(|r| r.outcome.verdict != Verdict::Correct)
}

fn headline(exam: &ExamResult) -> String {
    format!(
        "{:.1}% — {} (pass mark {:.0}%)",
        exam.percent,
        if exam.passed { "PASS" } else { "FAIL" },
        exam.pass_mark
    )
}

fn answered_line(exam: &ExamResult) -> String {
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

/// The result as shown on the terminal.
pub fn render_text(exam: &ExamResult, palette: &Palette) -> String {
    let mut text = String::new();
    let verdict = headline(exam);
    let verdict = if exam.passed {
        palette.green(&verdict)
    } else {
        palette.red(&verdict)
    };
    let _ = writeln!(text, "\n{}", palette.bold("Exam result"));
    let _ = writeln!(text, "  {verdict}");
    let _ = writeln!(text, "  {}", answered_line(exam));
    for (title, groups) in [
        ("By category", breakdown(&exam.results, category_of)),
        ("By code system", breakdown(&exam.results, system_of)),
    ] {
        let _ = writeln!(text, "\n{}", palette.bold(title));
        for (name, (items, correct, score)) in groups {
            let _ = writeln!(
                text,
                "  {name:<28} {correct:>3}/{items:<3} correct  score {:>5.1}%",
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
        let a = &miss.attempt;
        let typed = if a.entered.is_empty() {
            "—"
        } else {
            &a.entered
        };
        let _ = writeln!(
            text,
            "  {} [{}] {}\n    typed {typed}, answer {}",
            a.item, a.verdict, miss.item.prompt, a.expected
        );
        if !miss.item.rationale.is_empty() {
            let _ = writeln!(text, "    why: {}", miss.item.rationale);
        }
    }
    text
}

/// The result page: the exam's own section (verdict, breakdown, misses) with the report of
/// its attempts by category, made by the same renderers as `codedrill report`.
fn result_page(exam: &ExamResult, info: &SessionInfo, kind: PageKind) -> Result<String> {
    let mut aggregator = Aggregator::new(GroupBy::Category, &Filters::default());
    for result in &exam.results {
        aggregator.add(&result.attempt.as_ref());
    }
    let report = aggregator.finish(vec![format!("exam session {}", info.session)]);
    let format = match kind {
        PageKind::Markdown => ReportFormat::Markdown,
        PageKind::Html => ReportFormat::Html,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_parsing() {
        assert_eq!(parse_percent("70"), Ok(70.0));
        assert_eq!(parse_percent("85%"), Ok(85.0));
        assert!(parse_percent("101").is_err());
        assert!(parse_percent("x").is_err());
    }

    #[test]
    fn unanswered_items_count_against_the_score() {
        let exam = ExamResult::new(Vec::new(), 4, 70.0, None);
        assert_eq!((exam.percent, exam.passed), (0.0, false));
        let zero_mark = ExamResult::new(Vec::new(), 4, 0.0, None);
        assert!(zero_mark.passed);
    }
}
