//! `codedrill exam [DECK]...`: an exam or interview simulation: no feedback until the end, a
//! total time limit, a pass mark on the summed score; exit status 0 on pass, 3 on fail.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::drill::exam::{ExamResult, render_text};
use crate::drill::runner::Plan;
use crate::drill::session::Mode;
use crate::drill::{self, SessionArgs};
use crate::exit::ExitStatus;
use crate::output;
use crate::report::exam::{PageKind, result_page};
use crate::settings::Settings;
use crate::visible::visible;

const EXAM_EXAMPLES: &str = "\
Examples:
  codedrill exam interview --duration 30m
  codedrill exam icd10cm-common icd10cm-injury -n 40 --duration 45m --pass 80 --seed 7
  codedrill exam interview --duration 20m -o result.html    a result page to keep";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAM_EXAMPLES)]
pub struct Args {
    /// Deck files or embedded deck names [default: the config file's decks, else icd10cm-common]
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
    /// Number of items [default: every item of the decks]
    #[arg(short = 'n', long, value_name = "N", value_parser = crate::duration::parse_count)]
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
    #[command(flatten)]
    pub shared: crate::settings::SessionOptions,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    text.trim()
        .trim_end_matches('%')
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .ok_or_else(|| format!("`{text}` is not a percentage from 0 to 100"))
}

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    // The result page's file is made before the first item: a path that cannot be written
    // must not cost a whole exam.
    let page = match &args.output {
        Some(path) => Some((
            page_kind(path)?,
            output::create(path, &[settings.log_path()?])?,
        )),
        None => None,
    };
    let codes = settings.code_sets()?;
    let decks = settings.decks(&args.decks);
    let items = drill::load_items(decks, codes)?;
    let items = drill::arrange(items, &args.session, args.count);
    let deck_names = deck_names(decks);
    if io::stdin().is_terminal() && !start_screen(&deck_names, items.len(), args)? {
        writeln!(io::stdout(), "No exam taken.")?;
        return Ok(ExitStatus::Success);
    }
    let began = chrono::Local::now();
    let clock = std::time::Instant::now();
    let plan = Plan {
        items,
        info: drill::session_info(settings, Mode::Exam),
        time_limit: settings.time_limit(args.session.time_limit),
        duration: args.duration,
        feedback: false,
        from_review: 0,
    };
    let finished = drill::run_plan(&plan, settings, codes, settings.strict(args.strict))?;
    let mut exam = ExamResult::new(finished.results, plan.items.len(), args.pass, args.duration);
    exam.decks = deck_names;
    exam.began = Some(began.format("%Y-%m-%d %H:%M").to_string());
    exam.used = Some(clock.elapsed());
    let mut out = io::stdout();
    write!(out, "{}", render_text(&exam, &finished.palette))?;
    out.flush()?;
    if let Some(failure) = finished.failure {
        return Err(failure);
    }
    if let (Some(path), Some((kind, mut file))) = (&args.output, page) {
        let page = result_page(&exam, &plan.info, Some(codes), kind)?;
        file.write_all(page.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        let shown = path.display().to_string();
        writeln!(out, "Result page written to {}", visible(&shown))?;
    }
    Ok(if exam.passed {
        ExitStatus::Success
    } else {
        ExitStatus::ExamFailed
    })
}

/// The decks as named (the default deck when none is).
fn deck_names(decks: &[String]) -> Vec<String> {
    if decks.is_empty() {
        vec![crate::deck::DEFAULT_DECK.to_string()]
    } else {
        decks.to_vec()
    }
}

/// The start screen of an exam on a terminal: what is drawn, the time allowed, the pass mark.
/// The exam's clock starts when Enter is pressed; `false` when the candidate leaves instead.
fn start_screen(decks: &[String], items: usize, args: &Args) -> Result<bool> {
    let allowed = match args.duration {
        Some(span) => format!("{} to answer", crate::duration::clock_text(span)),
        None => "no time limit".to_string(),
    };
    let decks: Vec<String> = decks.iter().map(|d| visible(d).into_owned()).collect();
    let screen = [
        String::new(),
        format!("Exam: {}", decks.join(", ")),
        format!("  {items} items · {allowed} · pass mark {:.0}%", args.pass),
        "  No feedback until the end. Tab flags an item to come back to.".to_string(),
        String::new(),
        "Enter: begin (the clock starts) · q: leave ".to_string(),
    ]
    .join("\n");
    drill::ask::one_key(&screen, &[' '])
}

/// The kind of page `-o` names, checked before the exam starts.
fn page_kind(path: &std::path::Path) -> Result<PageKind> {
    match PageKind::of(path) {
        Some(kind) => Ok(kind),
        None => bail!(
            "-o {}: the result page must end in .md or .html",
            path.display()
        ),
    }
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
}
