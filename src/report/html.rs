//! One self-contained page to share as evidence: inline CSS and inline SVG charts, no scripts,
//! nothing fetched from anywhere.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use super::escape::escape_html;
use super::markup::{MarkupTable, RowKey};
use super::{Exporter, Group, Report, ScheduleSummary, charts, fmt};
use crate::metrics::Metrics;

pub(crate) struct HtmlExporter;

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;margin:0;background:#f5f7fa}
main{max-width:1180px;margin:0 auto;padding:24px;box-sizing:border-box}
h1{margin:0 0 4px;font-size:28px}h2{margin:32px 0 12px;font-size:20px}
.meta{color:#52606d;margin:2px 0}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-top:20px}
.card{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:24px}.card span{color:#52606d;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(520px,100%),1fr));gap:16px;margin-top:16px}
.chart{background:#fff;border-radius:8px;padding:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.chart svg{width:100%;height:auto;display:block}
table{border-collapse:collapse;background:#fff;width:100%;font-size:14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{padding:6px 10px;border-bottom:1px solid #e4e7eb;text-align:right}
th:first-child,td:first-child,.text{text-align:left}
th{background:#eef2f7}tr.overall td{font-weight:bold;border-top:2px solid #9aa5b1}
.note{color:#52606d;font-size:13px}footer{margin-top:32px;color:#52606d;font-size:13px}
.wide{overflow-x:auto;box-shadow:0 1px 2px rgba(0,0,0,.08)}.wide table{box-shadow:none}
@media (max-width:700px){.cards{grid-template-columns:repeat(2,1fr)}main{padding:12px}h1{font-size:22px}}
@media print{body{background:#fff}.card,.chart,table{box-shadow:none}}
";

impl Exporter for HtmlExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        let page = page(&report_title(report), &report_sections(report)?);
        out.write_all(page.as_bytes())?;
        Ok(())
    }
}

/// The page with the learner's spaced-repetition section before the footer.
pub(crate) fn write_scheduled(
    report: &Report,
    schedule: &ScheduleSummary,
    out: &mut dyn Write,
) -> Result<()> {
    let mut sections = report_sections(report)?;
    let footer = sections.pop();
    sections.push(super::schedule::html(schedule)?);
    sections.extend(footer);
    out.write_all(page(&report_title(report), &sections).as_bytes())?;
    Ok(())
}

/// A whole page: the head with `title` and the style sheet, then `sections` in order inside
/// the one `<main>` container. Each section ends with a newline.
pub(crate) fn page(title: &str, sections: &[String]) -> String {
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape_html(title)
    );
    for section in sections {
        page.push_str(section);
    }
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

/// The report's title: whose accuracy and speed, when it is one person's.
fn report_title(report: &Report) -> String {
    match report.users.as_slice() {
        [one] => format!("Coding accuracy and speed: {one}"),
        _ => "Coding accuracy and speed".to_string(),
    }
}

/// The report's sections in page order: heading, meta, cards, charts, groups, weakest items,
/// near misses and footer (a section with nothing to show is left out).
pub(crate) fn report_sections(report: &Report) -> Result<Vec<String>> {
    let mut sections = vec![
        format!("<h1>{}</h1>\n", escape_html(&report_title(report))),
        meta(report),
        cards(&report.overall),
    ];
    sections.extend(charts(report)?);
    sections.push(groups(report));
    sections.extend(weakest(report));
    sections.extend(near_misses(report));
    sections.push(footer());
    Ok(sections)
}

/// Who, when, which filters and logs, the best day, and rows skipped.
fn meta(report: &Report) -> String {
    let mut text = String::new();
    let who = if report.users.is_empty() {
        "nobody (no attempts match)".to_string()
    } else {
        report.users.join(", ")
    };
    meta_line(&mut text, "Who:", &escape_html(&who));
    let period = match &report.period {
        Some(p) if p.from == p.to => p.from.clone(),
        Some(p) => format!("{} to {}", p.from, p.to),
        None => "no attempts".to_string(),
    };
    let days = report.progress.days.len();
    let plural = if days == 1 { "" } else { "s" };
    let period = format!("{} ({days} day{plural} of practice)", escape_html(&period));
    meta_line(&mut text, "Period:", &period);
    let filters = filter_words(report);
    if !filters.is_empty() {
        meta_line(&mut text, "Only:", &escape_html(&filters.join(", ")));
    }
    let logs: Vec<&str> = report
        .logs
        .iter()
        .map(|l| l.rsplit(['/', '\\']).next().unwrap_or(l))
        .collect();
    meta_line(&mut text, "Logs:", &escape_html(&logs.join(", ")));
    let heads: Vec<String> = report
        .log_heads()
        .map(|(log, head)| match head {
            "unchained" => format!("{} unchained", escape_html(log)),
            head => format!("{} <code>{}</code>", escape_html(log), escape_html(head)),
        })
        .collect();
    if !heads.is_empty() {
        meta_line(&mut text, "Chain heads:", &heads.join("; "));
    }
    if let Some(best) = &report.progress.best_day {
        let line = format!(
            "{}, {} of {} attempts, {} correct codes per hour.",
            escape_html(&best.day),
            fmt::percent(best.accuracy),
            best.attempts,
            fmt::rate_over(best.codes_per_hour, best.answering_ms)
        );
        meta_line(&mut text, "Best day:", &line);
    }
    if report.skipped_rows > 0 {
        let _ = writeln!(
            text,
            "<p class=\"meta\">{} malformed log rows were skipped.</p>",
            report.skipped_rows
        );
    }
    text
}

/// One line of the meta block; `html` is already escaped.
fn meta_line(text: &mut String, label: &str, html: &str) {
    let _ = writeln!(
        text,
        "<p class=\"meta\"><strong>{label}</strong> {html}</p>"
    );
}

/// The report's filters as words (`since 2026-11-01`), unescaped.
fn filter_words(report: &Report) -> Vec<String> {
    let f = &report.filters;
    [
        ("since", &f.since),
        ("until", &f.until),
        ("user", &f.user),
        ("deck", &f.deck),
        ("mode", &f.mode),
    ]
    .into_iter()
    .filter_map(|(word, value)| value.as_ref().map(|v| format!("{word} {v}")))
    .collect()
}

/// The overall figures as cards.
fn cards(m: &Metrics) -> String {
    let cards = [
        (m.attempts.to_string(), "attempts"),
        (fmt::percent(m.accuracy), "accuracy"),
        (fmt::score(m.score), "mean score"),
        (fmt::seconds(m.median_ms), "median time per answer"),
        (fmt::seconds(m.p90_ms), "90th percentile time"),
        (
            fmt::measured_rate(m, m.codes_per_hour),
            "correct codes per hour",
        ),
        (fmt::measured_rate(m, m.kph), "keystrokes per hour"),
        (fmt::percent(m.near_miss), "near misses"),
        (m.missed_cc.to_string(), "answers that missed a CC/MCC"),
    ];
    let cases = [
        (
            fmt::measured_rate(m, m.cases_per_hour),
            "cases per hour (items of several codes)",
        ),
        (format!("{:.1}", m.codes_per_case), "codes per case"),
    ];
    let cards = cards
        .iter()
        .chain(if m.cases > 0 { &cases[..] } else { &[] });
    let mut text = "<section class=\"cards\">\n".to_string();
    for (value, label) in cards {
        let (value, label): (&String, &&str) = (value, label);
        let _ = writeln!(
            text,
            "<div class=\"card\"><b>{value}</b><span>{label}</span></div>"
        );
    }
    text.push_str("</section>\n");
    text
}

/// The four charts, when there is anything to draw.
fn charts(report: &Report) -> Result<Option<String>> {
    if report.overall.attempts == 0 {
        return Ok(None);
    }
    let mut text = "<h2>Charts</h2>\n<section class=\"charts\">\n".to_string();
    let days = &report.progress.days;
    let (shown, note) = charted_groups(&report.groups);
    for svg in [
        charts::accuracy_over_time(days, &report.sessions)?,
        charts::speed_over_time(days, &report.sessions)?,
        charts::accuracy_by_group(&shown)? + &note,
        charts::answer_times(&report.answer_times)?,
    ] {
        writeln!(text, "<div class=\"chart\">{svg}</div>")?;
    }
    text.push_str("</section>\n");
    Ok(Some(text))
}

/// The groups the accuracy-by-group chart draws (those with the most attempts when there are
/// too many for one chart, in key order) and the note that says so.
fn charted_groups(groups: &[Group]) -> (Vec<&Group>, String) {
    let mut shown: Vec<&Group> = groups.iter().collect();
    if shown.len() <= charts::MAX_BARS {
        return (shown, String::new());
    }
    shown.sort_by(|a, b| {
        b.metrics
            .attempts
            .cmp(&a.metrics.attempts)
            .then(a.key.cmp(&b.key))
    });
    shown.truncate(charts::MAX_BARS);
    shown.sort_by(|a, b| a.key.cmp(&b.key));
    let note = format!(
        "<p class=\"note\">The {} groups with the most attempts.</p>",
        charts::MAX_BARS
    );
    (shown, note)
}

/// The groups table under its heading, the note on held-back rates, and transcription apart.
fn groups(report: &Report) -> String {
    let mut text = format!(
        "<h2>By {}</h2>\n<div class=\"wide\"><table>\n{}</table></div>\n",
        report.by.name(),
        HtmlTable.table(report)
    );
    if report.rates_held_back() {
        let _ = writeln!(
            text,
            "<p class=\"note\">{}</p>",
            escape_html(&fmt::held_back_note())
        );
    }
    if let Some(m) = &report.transcription {
        let _ = writeln!(
            text,
            "<h2>Transcription (keying speed)</h2>\n<p>{}</p>",
            escape_html(&fmt::transcription_words(m))
        );
    }
    text
}

/// The groups table as HTML rows (the caller opens and closes the `<table>`).
struct HtmlTable;

impl MarkupTable for HtmlTable {
    fn header(&self, key_name: &str) -> String {
        format!(
            "<tr><th>{key_name}</th><th>attempts</th><th>correct</th><th>accuracy</th>\
             <th>score</th><th>median</th><th>p90</th><th>codes/hour</th>\
             <th>keystrokes/hour</th><th>near misses</th></tr>\n"
        )
    }

    fn row(&self, key: RowKey, cells: &[String; 9]) -> String {
        let (class, key) = match key {
            RowKey::Group(key) => ("", escape_html(key)),
            RowKey::Session(facts) => (
                "",
                format!(
                    "{}<br><span class=\"note\">{}</span>",
                    escape_html(&facts.started()),
                    escape_html(&facts.what())
                ),
            ),
            RowKey::Overall => (" class=\"overall\"", "overall".to_string()),
        };
        let cells: String = cells
            .iter()
            .map(|cell| format!("<td>{cell}</td>"))
            .collect();
        format!("<tr{class}><td>{key}</td>{cells}</tr>\n")
    }
}

fn weakest(report: &Report) -> Option<String> {
    if report.weakest_items.is_empty() {
        return None;
    }
    let mut text = "<h2>Weakest items</h2>\n<div class=\"wide\"><table>\n<tr><th>deck</th><th class=\"text\">item</th>\
                    <th class=\"text\">prompt</th><th class=\"text\">answer</th><th>attempts</th>\
                    <th>accuracy</th></tr>\n"
        .to_string();
    for item in &report.weakest_items {
        let _ = writeln!(
            text,
            "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&item.deck),
            escape_html(&item.item),
            escape_html(&item.prompt),
            escape_html(&item.expected),
            item.attempts,
            fmt::percent(item.accuracy)
        );
    }
    text.push_str("</table></div>\n");
    Some(text)
}

fn near_misses(report: &Report) -> Option<String> {
    if report.near_miss_kinds.is_empty() {
        return None;
    }
    let mut text =
        "<h2>Near misses</h2>\n<div class=\"wide\"><table>\n<tr><th>kind</th><th>count</th><th>share</th></tr>\n"
            .to_string();
    for kind in &report.near_miss_kinds {
        let _ = writeln!(
            text,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&fmt::kind(&kind.kind)),
            kind.count,
            fmt::percent(kind.share)
        );
    }
    text.push_str("</table></div>\n");
    Some(text)
}

/// How the page was made and what its figures mean.
fn footer() -> String {
    format!(
        "<footer>Made with codedrill {} from the attempt logs listed above. Accuracy: correct \
         answers / attempts. Score: mean score (partial answers score their matched share). \
         Times: from the prompt shown to the answer submitted. Codes per hour: correct answers \
         per hour of answering time; keystrokes per hour likewise. Near misses: real codes \
         close to the answer. Each attempt was graded when it was typed; this codedrill grades \
         against {} and {}.</footer>\n",
        env!("CARGO_PKG_VERSION"),
        crate::codes::release::ICD10CM,
        crate::codes::release::ICD10PCS
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{GroupBy, samples};

    #[test]
    fn group_keys_are_escaped_and_overall_has_its_class() {
        let report = samples::report(GroupBy::Deck, &[("<b>&deck", 1)]);
        let table = HtmlTable.table(&report);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("<tr><th>deck</th><th>attempts</th>"));
        assert!(lines[1].starts_with("<tr><td>&lt;b&gt;&amp;deck</td><td>1</td>"));
        assert!(lines[2].starts_with("<tr class=\"overall\"><td>overall</td><td>1</td>"));
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn a_page_is_its_sections_in_one_main() {
        let sections = ["<p>one</p>\n".to_string(), "<p>two</p>\n".to_string()];
        let page = page("A <title>", &sections);
        assert!(page.starts_with("<!DOCTYPE html>\n"));
        assert!(page.contains("<title>A &lt;title&gt;</title>"));
        assert!(page.ends_with("<main>\n<p>one</p>\n<p>two</p>\n</main>\n</body>\n</html>\n"));
    }

    #[test]
    fn an_empty_report_has_no_charts_and_says_nobody() {
        let report = samples::report(GroupBy::Deck, &[]);
        let sections = report_sections(&report).unwrap();
        let page = sections.concat();
        assert!(!page.contains("<svg") && !page.contains("Charts"));
        assert!(page.contains("<strong>Who:</strong> nobody (no attempts match)"));
        assert!(page.starts_with("<h1>Coding accuracy and speed</h1>\n"));
        assert!(page.ends_with("</footer>\n"));
    }
}
