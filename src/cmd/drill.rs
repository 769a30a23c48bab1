//! `codedrill drill [DECK]...`: a practice session with feedback after each item.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::ValueEnum;

use crate::cli::GlobalArgs;
use crate::clock::SystemClock;
use crate::codes::CodeSets;
use crate::deck::{self, Item};
use crate::generate::{self, GenerateSpec};
use crate::log::{self, LogWriter};
use crate::piped::PipedFrontend;
use crate::render::{self, Palette};
use crate::review::Pile;
use crate::runner::{self, Context, Frontend, Plan};
use crate::score::Scorer;
use crate::session::{self, ItemResult, Mode, SessionInfo, Summary};
use crate::shuffle::Rng;
use crate::term::TermFrontend;

const DRILL_EXAMPLES: &str = "\
Examples:
  codedrill drill                               20 items of icd10cm-common
  codedrill drill icd10cm-injury -n 10 --time-limit 30
  codedrill drill my-deck.csv --order file --log class.csv --user ana
  codedrill drill terminology --seed 42
  codedrill drill icd10cm-injury --review        your past misses first
  codedrill drill interview --mode transcribe    retype the codes: pure keying speed
  codedrill drill --generate icd10cm:E00-E89 -n 10   random endocrine codes
  echo E11.9 | codedrill drill -n 1 --seed 1    piped: one answer per line";

#[derive(Debug, clap::Args)]
#[command(after_help = DRILL_EXAMPLES)]
pub struct Args {
    /// Deck files or embedded deck names [default: icd10cm-common]
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
    /// Number of items [default: 20]
    #[arg(short = 'n', long, value_name = "N")]
    pub count: Option<usize>,
    #[command(flatten)]
    pub session: SessionArgs,
    /// recall: the description is shown and the code typed; transcribe: the code is shown and retyped
    #[arg(long, value_enum, default_value_t = DrillMode::Recall)]
    pub mode: DrillMode,
    /// Draw random billable codes from a code set instead of a deck, the official description
    /// as the prompt: icd10cm:E00-E89, icd10cm:E11, icd10pcs:0DT
    #[arg(long, value_name = "SYSTEM[:RANGE]", conflicts_with = "decks")]
    pub generate: Option<GenerateSpec>,
    /// Your missed items from the log first (most missed, most recent); an item leaves the
    /// review pile after two correct answers in a row
    #[arg(long, conflicts_with = "generate")]
    pub review: bool,
    /// Formatting counts: an ICD-10-CM code without its dot is a near miss (detail `format`)
    #[arg(long)]
    pub strict: bool,
}

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Order {
    Shuffle,
    File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DrillMode {
    Recall,
    Transcribe,
}

pub fn run(args: &Args, global: &GlobalArgs) -> Result<ExitCode> {
    let codes = CodeSets::load(global.codeset.as_deref())?;
    let count = args.count.unwrap_or(20);
    let mode = match (args.mode, args.review) {
        (DrillMode::Transcribe, _) => Mode::Transcribe,
        (DrillMode::Recall, true) => Mode::Review,
        (DrillMode::Recall, false) => Mode::Practice,
    };
    let info = session_info(global, mode);
    let mut pile = None;
    let items = match &args.generate {
        Some(spec) => {
            let seed = args.session.seed.unwrap_or_else(Rng::clock_seed);
            generate::generate(&codes, spec, count, seed)?
        }
        None if args.review => {
            let all = load_items(&args.decks, &codes)?;
            let log_path = log::resolve_log_path(global.log.as_deref())?;
            let history = Pile::from_log(&log_path, &info.user)?;
            let items = history.arrange(arrange(all.clone(), &args.session, None), count);
            pile = Some((history, all));
            items
        }
        None => arrange(load_items(&args.decks, &codes)?, &args.session, Some(count)),
    };
    let plan = Plan {
        items,
        info,
        time_limit: args.session.time_limit,
        duration: None,
        feedback: true,
    };
    let outcome = run_plan(&plan, global, &codes, args.strict)?;
    print_summary(&outcome.summary, mode, &outcome.palette)?;
    if let Some((mut history, all)) = pile {
        for result in &outcome.results {
            history.record(&plan.info.user, &result.attempt.as_ref());
        }
        let left = history.count_in(&all);
        writeln!(io::stdout(), "  {:<22} {left}", "still in review pile")?;
    }
    Ok(ExitCode::SUCCESS)
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
pub fn session_info(global: &GlobalArgs, mode: Mode) -> SessionInfo {
    let started = chrono::Local::now().format("%Y%m%dT%H%M%S");
    let tag = Rng::new(Rng::clock_seed()).next_u64() & 0xffff;
    SessionInfo {
        session: format!("{started}-{:x}-{tag:04x}", std::process::id()),
        user: global.user_name(),
        mode,
    }
}

/// What a finished session gives back.
pub struct Finished {
    pub results: Vec<ItemResult>,
    pub summary: Summary,
    pub palette: Palette,
}

/// Opens the log, picks the front end (terminal or piped) and runs the plan.
pub fn run_plan(
    plan: &Plan,
    global: &GlobalArgs,
    codes: &CodeSets,
    strict: bool,
) -> Result<Finished> {
    let log_path = log::resolve_log_path(global.log.as_deref())?;
    let mut log = LogWriter::open(&log_path)?;
    let interactive = io::stdin().is_terminal();
    let palette = Palette {
        enabled: global.colour(interactive && io::stdout().is_terminal()),
    };
    let clock = SystemClock::new();
    let ctx = Context {
        scorer: Scorer::new(Some(codes), strict),
        codes: Some(codes),
        palette,
        clock: &clock,
    };
    let mut frontend: Box<dyn Frontend> = if interactive {
        print_intro(plan, &log_path, &palette)?;
        Box::new(TermFrontend { palette })
    } else {
        Box::new(PipedFrontend::new(
            io::BufReader::new(io::stdin()),
            io::stdout(),
        ))
    };
    let mut out = io::stdout();
    let results = runner::run_session(plan, &ctx, frontend.as_mut(), &mut log, &mut out)?;
    let summary = session::summarize(&results, plan.items.len());
    Ok(Finished {
        results,
        summary,
        palette,
    })
}

fn print_intro(plan: &Plan, log_path: &std::path::Path, palette: &Palette) -> Result<()> {
    let mut out = io::stdout();
    writeln!(
        out,
        "{}",
        palette.bold(&format!("codedrill — {} items", plan.items.len()))
    )?;
    writeln!(
        out,
        "{}",
        palette.dim(&format!(
            "Enter submits, Esc skips, Backspace corrects, Ctrl-C ends. Log: {}",
            log_path.display()
        ))
    )?;
    Ok(())
}

/// Prints the end-of-session summary.
pub fn print_summary(summary: &Summary, mode: Mode, palette: &Palette) -> Result<()> {
    let mut out = io::stdout();
    write!(out, "{}", render::summary(summary, mode, palette))?;
    out.flush()?;
    Ok(())
}
