//! `codedrill drill [DECK]...`: a practice session with feedback after each item.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use clap::ValueEnum;

use crate::drill::ask;
use crate::drill::generate::{self, GenerateSpec};
use crate::drill::history::Sessions;
use crate::drill::review::{LEAVE_AFTER, Pile};
use crate::drill::runner::Plan;
use crate::drill::session::Mode;
use crate::drill::shuffle::Rng;
use crate::drill::wrap::{terminal_width, wrap_line};
use crate::drill::{SessionArgs, arrange, load_items, print_summary, run_plan, session_info};
use crate::exit::ExitStatus;
use crate::settings::Settings;
use crate::visible::visible;

const DRILL_EXAMPLES: &str = "\
Examples:
  codedrill drill                               20 items of icd10cm-common
  codedrill drill icd10cm-injury -n 10 --time-limit 30
  codedrill drill my-deck.csv --order file --log class.csv --user ana
  codedrill drill terminology --seed 42
  codedrill drill icd10cm-injury --review        your past misses first
  codedrill drill interview --mode transcribe    retype the codes: pure keying speed
  codedrill drill --mode axes -n 10              build PCS codes, graded axis by axis
  codedrill drill --generate icd10cm:E00-E89 -n 10   random endocrine codes
  echo E11.9 | codedrill drill -n 1 --seed 1    piped: one answer per line";

#[derive(Debug, clap::Args)]
#[command(after_help = DRILL_EXAMPLES)]
pub struct Args {
    /// Deck files or embedded deck names [default: the config file's decks, else icd10cm-common]
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
    /// Number of items [default: the config file's count, else 20]
    #[arg(short = 'n', long, value_name = "N", value_parser = crate::duration::parse_count)]
    pub count: Option<usize>,
    #[command(flatten)]
    pub session: SessionArgs,
    /// recall: the description is shown and the code typed; transcribe: the code is shown and
    /// retyped; axes: ICD-10-PCS items only, graded character by character (section, body
    /// system, root operation, body part, approach, device, qualifier) [default decks for axes:
    /// icd10pcs-surgery and icd10pcs-other]
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
    #[command(flatten)]
    pub shared: crate::settings::SessionOptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DrillMode {
    Recall,
    Transcribe,
    /// Build the code: a PCS procedure note, graded axis by axis
    Axes,
}

/// The shipped PCS decks `--mode axes` drills when no deck is named.
const AXES_DECKS: [&str; 2] = ["icd10pcs-surgery", "icd10pcs-other"];

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    let codes = settings.code_sets()?;
    let count = settings.drill_count(args.count);
    let axes = args.mode == DrillMode::Axes;
    let pcs_decks = AXES_DECKS.map(String::from);
    let decks = match settings.decks(&args.decks) {
        [] if axes => &pcs_decks[..],
        decks => decks,
    };
    // The axes drill is practice (or review) as the log knows it: its answers are recalled.
    let mode = match (args.mode, args.review) {
        (DrillMode::Transcribe, _) => Mode::Transcribe,
        (DrillMode::Recall | DrillMode::Axes, true) => Mode::Review,
        (DrillMode::Recall | DrillMode::Axes, false) => Mode::Practice,
    };
    let load = |decks: &[String]| -> Result<Vec<crate::deck::Item>> {
        let items = load_items(decks, codes)?;
        if axes { pcs_items(items) } else { Ok(items) }
    };
    let info = session_info(settings, mode);
    let mut pile = None;
    let mut from_review = 0;
    let items = match &args.generate {
        Some(spec) => {
            let seed = args.session.seed.unwrap_or_else(Rng::clock_seed);
            if axes && spec.system != crate::codes::System::Icd10pcs {
                anyhow::bail!("--mode axes drills ICD-10-PCS codes: --generate icd10pcs[:RANGE]");
            }
            generate::generate(codes, spec, count, seed)?
        }
        None if args.review => {
            let all = load(decks)?;
            let history = Pile::from_log(settings.log_path()?, &info.user)?;
            let items = history.arrange(arrange(all.clone(), &args.session, None), count);
            from_review = history.count_in(&items);
            if from_review == 0 && !drill_without_review()? {
                return Ok(ExitStatus::Success);
            }
            pile = Some((history, all));
            items
        }
        None => arrange(load(decks)?, &args.session, Some(count)),
    };
    if from_review > 0 {
        tell(&format!(
            "Review: {from_review} of these {} items are ones you missed; they come first, marked \"(missed before)\".",
            items.len()
        ))?;
    }
    let plan = Plan {
        items,
        info,
        time_limit: settings.time_limit(args.session.time_limit),
        duration: None,
        feedback: true,
        from_review,
        axes,
    };
    let outcome = run_plan(&plan, settings, codes, settings.strict(args.strict))?;
    print_summary(&outcome.summary, mode, &outcome.palette)?;
    if axes {
        let by_axis = crate::drill::render::axis_summary(&outcome.results, &outcome.palette);
        write!(io::stdout(), "{by_axis}")?;
    }
    if let Some((mut history, all)) = pile {
        for result in &outcome.results {
            history.record(&plan.info.user, &result.attempt.as_ref());
        }
        let left = history.count_in(&all);
        writeln!(
            io::stdout(),
            "  {:<22} {left} (an item leaves it after {LEAVE_AFTER} correct answers in a row)",
            "still in review pile"
        )?;
    }
    if outcome.failure.is_none() && !outcome.results.is_empty() {
        let generated = args.generate.is_some();
        how_it_went(
            settings,
            &plan,
            decks,
            generated,
            outcome.summary.misses.len(),
        )?;
    }
    // The summary of what was saved is shown first, then what ended the session.
    match outcome.failure {
        Some(failure) => Err(failure),
        None => Ok(ExitStatus::Success),
    }
}

/// The items `--mode axes` can drill: those answered with one ICD-10-PCS code.
fn pcs_items(items: Vec<crate::deck::Item>) -> Result<Vec<crate::deck::Item>> {
    let pcs: Vec<_> = items
        .into_iter()
        .filter(|item| item.system == crate::codes::System::Icd10pcs)
        .collect();
    if pcs.is_empty() {
        anyhow::bail!(
            "--mode axes drills ICD-10-PCS items, and these decks have none (try icd10pcs-surgery or icd10pcs-other)"
        );
    }
    Ok(pcs)
}

/// Says something about the session before it starts: on the terminal with the banner, on
/// stderr when the answers are piped (stdout then carries only the items).
fn tell(line: &str) -> Result<()> {
    if io::stdin().is_terminal() {
        writeln!(io::stdout(), "{line}")?;
    } else {
        eprintln!("{line}");
    }
    Ok(())
}

/// With nothing in the review pile: on a terminal, asks whether to drill as usual (Enter or
/// y: yes; n, q or Esc: no); piped, says so on stderr and drills as usual.
fn drill_without_review() -> Result<bool> {
    let nothing = "Nothing to review: no item of these decks is in your review pile (missed and not yet answered right twice in a row).";
    if !io::stdin().is_terminal() {
        eprintln!("{nothing} Drilling as usual.");
        return Ok(true);
    }
    ask::one_key(&format!("{nothing}\nDrill as usual? [Y/n] "), &['y', 'Y'])
}

/// After the summary: this session beside the user's last and best sessions of the same decks
/// and mode, and what to do next.
fn how_it_went(
    settings: &Settings,
    plan: &Plan,
    decks: &[String],
    generated: bool,
    missed: usize,
) -> Result<()> {
    let mut out = io::stdout();
    let width = terminal_width();
    let sessions = Sessions::from_log(settings.log_path()?, &plan.info.user, plan.info.mode)?;
    if let Some(comparison) = sessions.compare(&plan.info.session) {
        writeln!(out, "\nHow it went")?;
        for line in comparison.lines() {
            write!(out, "{}", wrap_line(&line, width, "  ", "    "))?;
        }
    }
    if missed > 0 && !generated && plan.info.mode != Mode::Transcribe {
        let names: Vec<String> = if decks.is_empty() {
            vec![crate::deck::DEFAULT_DECK.to_string()]
        } else {
            decks.iter().map(|d| visible(d).into_owned()).collect()
        };
        let next = format!(
            "Next: {missed} missed — `codedrill drill {} --review` asks them again first.",
            names.join(" ")
        );
        write!(out, "\n{}", wrap_line(&next, width, "", "  "))?;
    }
    Ok(())
}
