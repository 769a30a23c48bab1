//! One self-contained page to share as evidence: inline CSS and inline SVG charts, no scripts,
//! nothing fetched from anywhere.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use super::{Exporter, Group, Report, charts, fmt};
use crate::metrics::Metrics;

pub struct HtmlExporter;

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;margin:0;background:#f5f7fa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:28px}h2{margin:32px 0 12px;font-size:20px}
.meta{color:#52606d;margin:2px 0}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-top:20px}
.card{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:24px}.card span{color:#52606d;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px;margin-top:16px}
.chart{background:#fff;border-radius:8px;padding:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.chart svg{width:100%;height:auto;display:block}
table{border-collapse:collapse;background:#fff;width:100%;font-size:14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{padding:6px 10px;border-bottom:1px solid #e4e7eb;text-align:right}
th:first-child,td:first-child,.text{text-align:left}
th{background:#eef2f7}tr.overall td{font-weight:bold;border-top:2px solid #9aa5b1}
.note{color:#52606d;font-size:13px}footer{margin-top:32px;color:#52606d;font-size:13px}
@media (max-width:700px){.cards{grid-template-columns:repeat(2,1fr)}}
@media print{body{background:#fff}.card,.chart,table{box-shadow:none}}
";

impl Exporter for HtmlExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        let mut page = String::new();
        let title = match report.users.as_slice() {
            [one] => format!("Coding accuracy and speed: {one}"),
            _ => "Coding accuracy and speed".to_string(),
        };
        write!(
            page,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
            escape(&title),
            escape(&title)
        )?;
        write_meta(&mut page, report)?;
        write_cards(&mut page, &report.overall)?;
        write_charts(&mut page, report)?;
        write_groups(&mut page, report)?;
        write_weakest(&mut page, report)?;
        write_near_misses(&mut page, report)?;
        write!(
            page,
            "<footer>Made with codedrill {} from the attempt logs listed above. Accuracy: correct \
             answers / attempts. Score: mean score (partial answers score their matched share). \
             Times: from the prompt shown to the answer submitted. Codes per hour: correct answers \
             per hour of answering time; keystrokes per hour likewise. Near misses: real codes \
             close to the answer.</footer>\n</main>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        )?;
        out.write_all(page.as_bytes())?;
        Ok(())
    }
}

fn write_meta(page: &mut String, report: &Report) -> std::fmt::Result {
    let who = if report.users.is_empty() {
        "nobody (no attempts match)".to_string()
    } else {
        report.users.join(", ")
    };
    writeln!(
        page,
        "<p class=\"meta\"><strong>Who:</strong> {}</p>",
        escape(&who)
    )?;
    let period = match &report.period {
        Some(p) if p.from == p.to => p.from.clone(),
        Some(p) => format!("{} to {}", p.from, p.to),
        None => "no attempts".to_string(),
    };
    let days = report.progress.days.len();
    writeln!(
        page,
        "<p class=\"meta\"><strong>Period:</strong> {} ({days} day{} of practice)</p>",
        escape(&period),
        if days == 1 { "" } else { "s" }
    )?;
    let mut filters = Vec::new();
    let f = &report.filters;
    if let Some(since) = &f.since {
        filters.push(format!("since {since}"));
    }
    if let Some(until) = &f.until {
        filters.push(format!("until {until}"));
    }
    if let Some(user) = &f.user {
        filters.push(format!("user {user}"));
    }
    if let Some(deck) = &f.deck {
        filters.push(format!("deck {deck}"));
    }
    if !filters.is_empty() {
        writeln!(
            page,
            "<p class=\"meta\"><strong>Only:</strong> {}</p>",
            escape(&filters.join(", "))
        )?;
    }
    let logs: Vec<&str> = report
        .logs
        .iter()
        .map(|l| l.rsplit(['/', '\\']).next().unwrap_or(l))
        .collect();
    writeln!(
        page,
        "<p class=\"meta\"><strong>Logs:</strong> {}</p>",
        escape(&logs.join(", "))
    )?;
    if let Some(best) = &report.progress.best_day {
        writeln!(
            page,
            "<p class=\"meta\"><strong>Best day:</strong> {}, {} of {} attempts, {} correct codes per hour.</p>",
            best.day,
            fmt::percent(best.accuracy),
            best.attempts,
            fmt::rate(best.codes_per_hour)
        )?;
    }
    if report.skipped_rows > 0 {
        writeln!(
            page,
            "<p class=\"meta\">{} malformed log rows were skipped.</p>",
            report.skipped_rows
        )?;
    }
    Ok(())
}

fn write_cards(page: &mut String, m: &Metrics) -> std::fmt::Result {
    let cards = [
        (m.attempts.to_string(), "attempts"),
        (fmt::percent(m.accuracy), "accuracy"),
        (fmt::score(m.score), "mean score"),
        (fmt::seconds(m.median_ms), "median time per answer"),
        (fmt::seconds(m.p90_ms), "90th percentile time"),
        (fmt::rate(m.codes_per_hour), "correct codes per hour"),
        (fmt::rate(m.kph), "keystrokes per hour"),
        (fmt::percent(m.near_miss), "near misses"),
    ];
    page.push_str("<section class=\"cards\">\n");
    for (value, label) in cards {
        writeln!(
            page,
            "<div class=\"card\"><b>{value}</b><span>{label}</span></div>"
        )?;
    }
    page.push_str("</section>\n");
    Ok(())
}

fn write_charts(page: &mut String, report: &Report) -> Result<()> {
    if report.overall.attempts == 0 {
        return Ok(());
    }
    page.push_str("<h2>Charts</h2>\n<section class=\"charts\">\n");
    let days = &report.progress.days;
    let mut shown: Vec<&Group> = report.groups.iter().collect();
    let mut note = String::new();
    if shown.len() > charts::MAX_BARS {
        shown.sort_by(|a, b| {
            b.metrics
                .attempts
                .cmp(&a.metrics.attempts)
                .then(a.key.cmp(&b.key))
        });
        shown.truncate(charts::MAX_BARS);
        shown.sort_by(|a, b| a.key.cmp(&b.key));
        note = format!(
            "<p class=\"note\">The {} groups with the most attempts.</p>",
            charts::MAX_BARS
        );
    }
    for svg in [
        charts::accuracy_over_time(days)?,
        charts::speed_over_time(days)?,
        charts::accuracy_by_group(&shown)? + &note,
        charts::answer_times(&report.answer_times)?,
    ] {
        writeln!(page, "<div class=\"chart\">{svg}</div>")?;
    }
    page.push_str("</section>\n");
    Ok(())
}

fn write_groups(page: &mut String, report: &Report) -> std::fmt::Result {
    writeln!(page, "<h2>By {}</h2>", report.by.name())?;
    writeln!(
        page,
        "<table>\n<tr><th>{}</th><th>attempts</th><th>correct</th><th>accuracy</th><th>score</th>\
         <th>median</th><th>p90</th><th>codes/hour</th><th>keystrokes/hour</th><th>near misses</th></tr>",
        report.by.name()
    )?;
    for group in &report.groups {
        writeln!(page, "{}", row("", &escape(&group.key), &group.metrics))?;
    }
    writeln!(
        page,
        "{}",
        row(" class=\"overall\"", "overall", &report.overall)
    )?;
    page.push_str("</table>\n");
    Ok(())
}

fn row(class: &str, key: &str, m: &Metrics) -> String {
    let cells: String = fmt::cells(m)
        .iter()
        .map(|cell| format!("<td>{cell}</td>"))
        .collect();
    format!("<tr{class}><td>{key}</td>{cells}</tr>")
}

fn write_weakest(page: &mut String, report: &Report) -> std::fmt::Result {
    if report.weakest_items.is_empty() {
        return Ok(());
    }
    page.push_str(
        "<h2>Weakest items</h2>\n<table>\n<tr><th>deck</th><th class=\"text\">item</th>\
         <th class=\"text\">prompt</th><th class=\"text\">answer</th><th>attempts</th>\
         <th>accuracy</th></tr>\n",
    );
    for item in &report.weakest_items {
        writeln!(
            page,
            "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&item.deck),
            escape(&item.item),
            escape(&item.prompt),
            escape(&item.expected),
            item.attempts,
            fmt::percent(item.accuracy)
        )?;
    }
    page.push_str("</table>\n");
    Ok(())
}

fn write_near_misses(page: &mut String, report: &Report) -> std::fmt::Result {
    if report.near_miss_kinds.is_empty() {
        return Ok(());
    }
    page.push_str(
        "<h2>Near misses</h2>\n<table>\n<tr><th>kind</th><th>count</th><th>share</th></tr>\n",
    );
    for kind in &report.near_miss_kinds {
        writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&kind.kind),
            kind.count,
            fmt::percent(kind.share)
        )?;
    }
    page.push_str("</table>\n");
    Ok(())
}

/// Text safe in HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => safe.push_str("&amp;"),
            '<' => safe.push_str("&lt;"),
            '>' => safe.push_str("&gt;"),
            '"' => safe.push_str("&quot;"),
            '\'' => safe.push_str("&#39;"),
            c => safe.push(c),
        }
    }
    safe
}
