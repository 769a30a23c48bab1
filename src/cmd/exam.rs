//! `codedrill exam [DECK]...`: an exam or interview simulation: no feedback until the end, a
//! total time limit, a pass mark on the summed score; exit status 0 on pass, 3 on fail.
//! `--blueprint FILE.toml` draws the items, the time allowed and the pass mark from a
//! blueprint instead; the flags given override it.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::deck::Item;
use crate::drill::blueprint::Blueprint;
use crate::drill::exam::{ExamResult, Pretest, headline, parse_percent, render_text};
use crate::drill::runner::Plan;
use crate::drill::session::{Mode, SessionInfo};
use crate::drill::shuffle::Rng;
use crate::drill::{self, SessionArgs};
use crate::exit::ExitStatus;
use crate::output;
use crate::report::exam::{PageKind, SignedBlock, signed_page};
use crate::settings::Settings;
use crate::signing::{self, SignedRow, Statement};
use crate::visible::visible;
use ed25519_dalek::SigningKey;

const EXAM_EXAMPLES: &str = "\
Examples:
  codedrill exam interview --duration 30m
  codedrill exam icd10cm-common icd10cm-injury -n 40 --duration 45m --pass 80 --seed 7
  codedrill exam interview --duration 20m -o result.html    a result page to keep
  codedrill exam interview --duration 20m --sign ms-smith.key -o result.html
                                            signed: codedrill verify result.html --key ms-smith.pub
  codedrill exam --blueprint outpatient.toml --seed 7        drawn as the blueprint says";

/// The pass mark when neither `--pass` nor a blueprint gives one.
const PASS_MARK: f64 = 70.0;

#[derive(Debug, clap::Args)]
#[command(after_help = EXAM_EXAMPLES)]
pub struct Args {
    /// Deck files or embedded deck names [default: the config file's decks, else icd10cm-common]
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
    /// What to draw, the time allowed and the pass mark, from a TOML file (or an embedded
    /// blueprint's name); --duration, --pass, -n and --seed override it
    #[arg(long, value_name = "FILE.toml", conflicts_with = "decks")]
    pub blueprint: Option<String>,
    /// Number of items [default: every item of the decks, or as many as the blueprint draws;
    /// fewer scales each of its draws down alike]
    #[arg(short = 'n', long, value_name = "N", value_parser = crate::duration::parse_count)]
    pub count: Option<usize>,
    /// Total time, e.g. 30m, 90s, 1h; items not reached are not logged [default: the
    /// blueprint's duration, else none]
    #[arg(long, value_name = "DUR", value_parser = crate::duration::parse_duration)]
    pub duration: Option<Duration>,
    /// Pass mark: percent of the summed score over all scored items [default: the blueprint's
    /// pass, else 70]
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub pass: Option<f64>,
    #[command(flatten)]
    pub session: SessionArgs,
    /// Also write the result page to FILE (Markdown for .md, HTML for .html; with --sign,
    /// .json for the signed statement alone)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Sign the result with this secret key (made by `codedrill keygen`): the page carries a
    /// signed statement that `codedrill verify --key NAME.pub` checks
    #[arg(long, value_name = "NAME.key", requires = "output")]
    pub sign: Option<PathBuf>,
    #[command(flatten)]
    pub shared: crate::settings::SessionOptions,
}

/// An exam as it will be taken: its items and how it is run, from decks or a blueprint with
/// the flags applied.
struct Setup {
    /// The blueprint's title, if drawn by one.
    title: Option<String>,
    items: Vec<Item>,
    pretest: Pretest,
    /// What the items come from: the decks as named, or a blueprint's pools with their counts.
    sources: Vec<String>,
    /// `20 items: 8 icd10cm-common, ...` for a blueprint; `20 items` for decks.
    items_line: String,
    duration: Option<Duration>,
    pass: f64,
}

impl Setup {
    /// Scored items: every item but the pretest ones.
    fn scored(&self) -> usize {
        self.items.len() - self.pretest.items.len()
    }
}

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    // Read before anything is created: a misspelt key must not leave an empty result page.
    let blueprint = args.blueprint.as_deref().map(Blueprint::load).transpose()?;
    // So is the key, and whether the log can hold a signed exam's rows.
    let key = match &args.sign {
        Some(path) => Some(signing_key(path, settings.log_path()?)?),
        None => None,
    };
    // The result page's file is made before the first item: a path that cannot be written
    // must not cost a whole exam.
    let page = match &args.output {
        Some(path) => Some((
            page_kind(path, key.is_some())?,
            output::create(path, &[settings.log_path()?])?,
        )),
        None => None,
    };
    let codes = settings.code_sets()?;
    let setup = match &blueprint {
        Some(blueprint) => from_blueprint(blueprint, args, codes)?,
        None => from_decks(args, settings, codes)?,
    };
    if io::stdin().is_terminal() && !start_screen(&setup)? {
        writeln!(io::stdout(), "No exam taken.")?;
        return Ok(ExitStatus::Success);
    }
    let began = chrono::Local::now();
    let info = drill::session_info(settings, Mode::Exam);
    let clock = std::time::Instant::now();
    let scored = setup.scored();
    let systems: Vec<_> = setup.items.iter().map(|item| item.system).collect();
    let graded_against = crate::codes::release::graded_against(&systems, settings.codeset_path());
    let plan = Plan {
        items: setup.items,
        info,
        time_limit: settings.time_limit(args.session.time_limit),
        duration: setup.duration,
        feedback: false,
        from_review: 0,
        axes: false,
    };
    let finished = drill::run_plan(
        &plan,
        settings,
        codes,
        settings.strict(args.session.strictness()),
    )?;
    let mut exam = ExamResult::with_pretest(
        finished.results,
        scored,
        setup.pretest,
        setup.pass,
        setup.duration,
    );
    exam.title = setup.title;
    exam.decks = setup.sources;
    exam.began = Some(began.format("%Y-%m-%d %H:%M").to_string());
    exam.used = Some(clock.elapsed());
    exam.graded_against = graded_against;
    let signed = match &key {
        Some(key) => {
            let head = finished
                .written
                .last()
                .map(|row| row.link)
                .or(finished.head);
            let statement = statement(&exam, &plan.info, &finished.written, head, began, key);
            Some(SignedBlock {
                block: signing::sign(&statement, key)?,
                fingerprint: statement.signer,
            })
        }
        None => None,
    };
    let mut out = io::stdout();
    write!(out, "{}", render_text(&exam, &finished.palette))?;
    out.flush()?;
    if let Some(failure) = finished.failure {
        return Err(failure);
    }
    if let (Some(path), Some((kind, mut file))) = (&args.output, page) {
        let page = signed_page(&exam, &plan.info, Some(codes), kind, signed.as_ref())?;
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

/// The exam of the decks named (the config file's, else the default deck): every item, or
/// `-n` of them, in the order asked.
fn from_decks(args: &Args, settings: &Settings, codes: &crate::codes::CodeSets) -> Result<Setup> {
    let decks = settings.decks(&args.decks);
    let items = drill::load_items(decks, codes)?;
    let items = drill::arrange(items, &args.session, args.count);
    let sources = if decks.is_empty() {
        vec![crate::deck::DEFAULT_DECK.to_string()]
    } else {
        decks.to_vec()
    };
    Ok(Setup {
        title: None,
        items_line: format!("{} items", items.len()),
        items,
        pretest: Pretest::default(),
        sources,
        duration: args.duration,
        pass: args.pass.unwrap_or(PASS_MARK),
    })
}

/// The exam a blueprint draws, the flags given taking the place of its own values:
/// `--duration` and `--pass` replace its time and pass mark, `-n` caps the items drawn (each
/// draw scaled down alike), `--seed` fixes the draw and the order, `--order file` keeps the
/// blueprint's order of draws.
fn from_blueprint(
    blueprint: &Blueprint,
    args: &Args,
    codes: &crate::codes::CodeSets,
) -> Result<Setup> {
    let seed = args.session.seed.unwrap_or_else(Rng::clock_seed);
    let drawn = blueprint.draw(Some(codes), args.count, args.session.order, seed)?;
    Ok(Setup {
        title: Some(blueprint.title.clone()),
        items_line: drawn.describe(),
        sources: drawn.sources(),
        items: drawn.items,
        pretest: drawn.pretest,
        duration: args.duration.or(blueprint.duration),
        pass: args.pass.or(blueprint.pass).unwrap_or(PASS_MARK),
    })
}

/// The start screen of an exam on a terminal: what is drawn, the time allowed, the pass mark.
/// The exam's clock starts when Enter is pressed; `false` when the candidate leaves instead.
fn start_screen(setup: &Setup) -> Result<bool> {
    // A blueprint's title and pools make long lines: they are wrapped to the terminal.
    let width = match setup.title {
        Some(_) => drill::wrap::terminal_width(),
        None => drill::wrap::UNWRAPPED,
    };
    let allowed = match setup.duration {
        Some(span) => format!("{} to answer", crate::duration::clock_text(span)),
        None => "no time limit".to_string(),
    };
    let heading = match &setup.title {
        Some(title) => format!("Exam: {}", visible(title)),
        None => {
            let decks: Vec<String> = setup
                .sources
                .iter()
                .map(|d| visible(d).into_owned())
                .collect();
            format!("Exam: {}", decks.join(", "))
        }
    };
    let terms = format!("{allowed} · pass mark {:.0}%", setup.pass);
    // A blueprint's pools make a long line: the terms go on a line of their own.
    let facts = match setup.title {
        Some(_) => vec![visible(&setup.items_line).into_owned(), terms],
        None => vec![format!("{} · {terms}", setup.items_line)],
    };
    let mut screen = String::from("\n");
    screen.push_str(&drill::wrap::wrap_line(&heading, width, "", "  "));
    for line in facts {
        screen.push_str(&drill::wrap::wrap_line(&line, width, "  ", "    "));
    }
    let pretest = setup.pretest.items.len();
    if pretest > 0 {
        let note = format!(
            "{pretest} of the items {} pretest, not scored; the result says which.",
            if pretest == 1 { "is" } else { "are" }
        );
        screen.push_str(&drill::wrap::wrap_line(&note, width, "  ", "    "));
    }
    screen.push_str("  No feedback until the end. Tab flags an item to come back to.\n\n");
    screen.push_str("Enter: begin (the clock starts) · q: leave ");
    drill::ask::one_key(&screen, &[' '])
}

/// The kind of page `-o` names, checked before the exam starts: `.json` only for a signed
/// result.
fn page_kind(path: &std::path::Path, signed: bool) -> Result<PageKind> {
    match PageKind::of(path) {
        Some(PageKind::Json) if !signed => bail!(
            "-o {}: a .json result is a signed statement: give --sign NAME.key, or name a .md or .html page",
            path.display()
        ),
        Some(kind) => Ok(kind),
        None if signed => bail!(
            "-o {}: the signed result must end in .md, .html or .json",
            path.display()
        ),
        None => bail!(
            "-o {}: the result page must end in .md or .html",
            path.display()
        ),
    }
}

/// The secret key `--sign` names, read before the exam; refused when the log is unchained (its
/// rows could not be checked against their chain).
fn signing_key(path: &std::path::Path, log: &std::path::Path) -> Result<SigningKey> {
    let key = signing::read_secret(path)?;
    if crate::log::is_log_file(log) && crate::log::chain::head(log)?.is_none() {
        bail!(
            "--sign: the log {} is unchained (written before codedrill chained its logs), so a signed result could not be checked against it; name a new log with --log NEW.csv",
            log.display()
        );
    }
    Ok(key)
}

/// What a signed result states: who, what, when, the score and every row, as logged; `head` is
/// the log's chain head after the exam's last row.
fn statement(
    exam: &ExamResult,
    info: &SessionInfo,
    written: &[crate::log::WrittenRow],
    head: Option<crate::log::chain::Chain>,
    began: chrono::DateTime<chrono::Local>,
    key: &SigningKey,
) -> Statement {
    let rfc3339 = |at: chrono::DateTime<chrono::Local>| {
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    };
    let mut pretest: Vec<String> = exam
        .pretest
        .items
        .iter()
        .map(|(deck, item)| format!("{deck}/{item}"))
        .collect();
    pretest.sort();
    Statement {
        statement: signing::KIND.to_string(),
        signer: signing::fingerprint(&key.verifying_key()),
        user: info.user.clone(),
        session: info.session.clone(),
        decks: exam.decks.clone(),
        blueprint: exam.title.clone(),
        started: rfc3339(began),
        ended: rfc3339(chrono::Local::now()),
        time_allowed_s: exam.duration.map(|span| span.as_secs()),
        time_used_s: exam.used.map_or(0, |span| span.as_secs()),
        items: exam.planned,
        score: exam.score_sum,
        percent: exam.percent,
        pass_mark: exam.pass_mark,
        result: if exam.passed { "PASS" } else { "FAIL" }.to_string(),
        headline: headline(exam),
        pretest,
        chain_head: head.map(|head| head.to_string()),
        code_sets: exam.graded_against.clone(),
        codedrill: crate::codes::release::VERSION.to_string(),
        rows: written
            .iter()
            .map(|row| SignedRow {
                previous: row.previous.to_string(),
                row: row.line.clone(),
            })
            .collect(),
    }
}
