//! What a drill and an exam share: the session options, loading and arranging items, and
//! running a plan through the terminal or piped front end. The pure core is [`session`]
//! (typing and scoring), [`deadline`] (when an item's wait ends) and [`flags`] (an exam's
//! flag and return: the order of visits, and when each item is settled); [`runner`] drives
//! them.

pub(crate) mod ask;
pub(crate) mod blueprint;
pub(crate) mod deadline;
pub(crate) mod exam;
pub(crate) mod flags;
pub(crate) mod generate;
pub(crate) mod history;
pub(crate) mod piped;
pub(crate) mod render;
pub(crate) mod review;
pub(crate) mod runner;
pub(crate) mod schedule;
pub(crate) mod session;
pub(crate) mod shuffle;
pub(crate) mod term;
pub(crate) mod wrap;

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use anyhow::Result;
use clap::ValueEnum;

use crate::clock::SystemClock;
use crate::codes::CodeSets;
use crate::deck::{self, Item};
use crate::log::chain::Chain;
use crate::log::{LogWriter, WrittenRow};
use crate::score::Scorer;
use crate::settings::Settings;
use crate::visible::visible;
use piped::PipedFrontend;
use render::Palette;
use runner::{Context, Frontend, Plan};
use session::{ItemResult, Mode, SessionInfo, Summary};
use shuffle::Rng;
use term::TermFrontend;

/// Options drills and exams share.
#[derive(Debug, Clone, clap::Args)]
pub struct SessionArgs {
    /// Item order
    #[arg(long, value_enum, default_value_t = Order::Shuffle)]
    pub order: Order,
    /// Seed for a reproducible shuffle
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Per-item time limit, e.g. 30 or 45s; the item then ends as timed_out
    #[arg(long, value_name = "SECS", value_parser = crate::duration::parse_duration)]
    pub time_limit: Option<Duration>,
    /// Formatting counts: an ICD-10-CM code without its dot is a near miss (detail `format`)
    /// [default: the config file's strict, else off]
    #[arg(long, overrides_with = "no_strict")]
    pub strict: bool,
    /// Formatting does not count, even with `strict = true` in the config file
    #[arg(long, overrides_with = "strict")]
    pub no_strict: bool,
}

impl SessionArgs {
    /// `--strict` or `--no-strict`, whichever came last; `None` for neither.
    pub fn strictness(&self) -> Option<bool> {
        match (self.strict, self.no_strict) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Order {
    Shuffle,
    File,
}

/// Loads and validates every deck (the default one when none is named); all problems of all
/// decks are reported together before anything starts.
pub fn load_items(specs: &[String], codes: &CodeSets) -> Result<Vec<Item>> {
    let default = [deck::DEFAULT_DECK.to_string()];
    let specs = if specs.is_empty() {
        &default[..]
    } else {
        specs
    };
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for spec in specs {
        match deck::load_deck(spec, Some(codes)) {
            Ok(deck) => items.extend(deck.items),
            Err(err) => problems.extend(err.problems),
        }
    }
    if !problems.is_empty() {
        return Err(deck::DeckError { problems }.into());
    }
    Ok(items)
}

/// Orders items (shuffled with the seed, or as in the files) and keeps the first `count`.
pub fn arrange(mut items: Vec<Item>, args: &SessionArgs, count: Option<usize>) -> Vec<Item> {
    if args.order == Order::Shuffle {
        Rng::new(args.seed.unwrap_or_else(Rng::clock_seed)).shuffle(&mut items);
    }
    if let Some(count) = count {
        items.truncate(count);
    }
    items
}

/// Who and what the session is.
pub fn session_info(settings: &Settings, mode: Mode) -> SessionInfo {
    let started = chrono::Local::now().format("%Y%m%dT%H%M%S");
    let tag = Rng::new(Rng::clock_seed()).next_u64() & 0xffff;
    SessionInfo {
        session: format!("{started}-{:x}-{tag:04x}", std::process::id()),
        user: settings.user.clone(),
        mode,
    }
}

/// What a finished session gives back.
pub struct Finished {
    pub results: Vec<ItemResult>,
    pub summary: Summary,
    pub palette: Palette,
    /// What ended the session early, if something failed; the results before it are saved
    pub failure: Option<anyhow::Error>,
    /// The rows appended, as written, in a chained log
    pub written: Vec<WrittenRow>,
    /// The log's chain head at the end (`None` for an unchained log, or if it could not be
    /// read)
    pub head: Option<Chain>,
}

/// Opens the log, picks the front end (terminal or piped) and runs the plan.
pub fn run_plan(
    plan: &Plan,
    settings: &Settings,
    codes: &CodeSets,
    strict: bool,
) -> Result<Finished> {
    let log_path = settings.log_path()?;
    let mut log = LogWriter::open(log_path)?;
    let interactive = io::stdin().is_terminal();
    let palette = Palette {
        enabled: settings.colour(interactive && io::stdout().is_terminal()),
    };
    let clock = SystemClock::new();
    let ctx = Context {
        scorer: Scorer::new(Some(codes), strict),
        codes: Some(codes),
        palette,
        clock: &clock,
    };
    let mut frontend: Box<dyn Frontend> = if interactive {
        print_intro(plan, log_path, settings.codeset_path(), &palette)?;
        if !log.is_chained() {
            print_unchained_note(log_path, &palette)?;
        }
        Box::new(TermFrontend { palette })
    } else {
        Box::new(PipedFrontend::new(
            io::BufReader::new(io::stdin()),
            io::stdout(),
        ))
    };
    let mut out = io::stdout();
    let ran = runner::run_session(plan, &ctx, frontend.as_mut(), &mut log, &mut out);
    let summary = session::summarize(&ran.results, plan.items.len());
    let head = log.head().ok().flatten();
    Ok(Finished {
        results: ran.results,
        summary,
        palette,
        failure: ran.failure,
        written: log.written().to_vec(),
        head,
    })
}

/// Said once, under the banner, when the log has the 18-column header of logs written before
/// chaining: rows go on being added to it, but `codedrill verify` cannot check it.
fn print_unchained_note(log_path: &std::path::Path, palette: &Palette) -> Result<()> {
    let note = format!(
        "This log is unchained (written before codedrill chained its logs): it cannot be \
         verified. To start a verifiable one, name a new file: --log NEW.csv (or log in the \
         config file); reports read both. Log: {}",
        visible(&log_path.display().to_string())
    );
    let width = wrap::terminal_width();
    writeln!(
        io::stdout(),
        "{}",
        palette.dim(&wrap::wrap(&note, width, "", "  "))
    )?;
    Ok(())
}

/// The banner: how many items, the keys, and where attempts are logged, wrapped to the
/// terminal.
fn print_intro(
    plan: &Plan,
    log_path: &std::path::Path,
    codeset: Option<&std::path::Path>,
    palette: &Palette,
) -> Result<()> {
    let width = wrap::terminal_width();
    let mut decks: Vec<&str> = Vec::new();
    for item in &plan.items {
        if !decks.contains(&item.deck.as_str()) {
            decks.push(&item.deck);
        }
    }
    let title = format!(
        "codedrill — {} {} of {} · {} · user {}",
        plan.items.len(),
        if plan.items.len() == 1 {
            "item"
        } else {
            "items"
        },
        visible(&decks.join(", ")),
        plan.info.mode.name(),
        visible(&plan.info.user)
    );
    let keys = if plan.info.mode == Mode::Exam {
        "Enter submits, Tab flags for review, Esc skips (flagged and skipped items come back at \
         the end), Backspace corrects, Ctrl-C ends."
    } else {
        "Enter submits, Esc skips, Backspace corrects, Ctrl-C ends."
    };
    let keys = format!("{keys} Log: {}", visible(&log_path.display().to_string()));
    let mut out = io::stdout();
    writeln!(
        out,
        "{}",
        palette.bold(&wrap::wrap(&title, width, "", "  "))
    )?;
    if plan.info.user == "anonymous" {
        let note = "Rows are logged as user anonymous ($USER is not set): --user NAME, or user in the config file, names you.";
        writeln!(out, "{}", palette.dim(&wrap::wrap(note, width, "", "  ")))?;
    }
    let systems: Vec<_> = plan.items.iter().map(|item| item.system).collect();
    if let Some(graded) = crate::codes::release::graded_against(&systems, codeset) {
        let graded = visible(&format!("{graded}.")).into_owned();
        writeln!(
            out,
            "{}",
            palette.dim(&wrap::wrap(&graded, width, "", "  "))
        )?;
    }
    writeln!(out, "{}", palette.dim(&wrap::wrap(&keys, width, "", "  ")))?;
    Ok(())
}

/// Prints the end-of-session summary.
pub fn print_summary(summary: &Summary, mode: Mode, palette: &Palette) -> Result<()> {
    let mut out = io::stdout();
    write!(out, "{}", render::summary(summary, mode, palette))?;
    out.flush()?;
    Ok(())
}
