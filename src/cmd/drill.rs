//! `codedrill drill [DECK]...`: a practice session with feedback after each item.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::ValueEnum;

use crate::deck::Item;
use crate::drill::ask;
use crate::drill::generate::{self, GenerateSpec, PromptSource};
use crate::drill::history::Sessions;
use crate::drill::review::{LEAVE_AFTER, Pile};
use crate::drill::runner::Plan;
use crate::drill::schedule::params::{Params, parse_retention};
use crate::drill::schedule::time::{self, Moment};
use crate::drill::schedule::{DuePlan, RELEARN_MS, Reviews, Schedule, State};
use crate::drill::session::{ItemResult, Mode};
use crate::drill::shuffle::Rng;
use crate::drill::wrap::{terminal_width, wrap, wrap_line};
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
  codedrill drill icd10cm-common --due           what spaced repetition says is due today
  codedrill drill terminology --due --new 20     ... and up to 20 new items a day
  codedrill drill interview --mode transcribe    retype the codes: pure keying speed
  codedrill drill --mode axes -n 10              build PCS codes, graded axis by axis
  codedrill drill --generate icd10cm:E00-E89 -n 10   random endocrine codes
  codedrill drill --generate icd10cm:E11 --prompt title   prompted by their titles
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
    /// Draw random billable codes from a code set instead of a deck: icd10cm:E00-E89,
    /// icd10cm:E11, icd10pcs:0DT
    #[arg(long, value_name = "SYSTEM[:RANGE]", conflicts_with = "decks")]
    pub generate: Option<GenerateSpec>,
    /// With --generate icd10cm: terms prompts with an inclusion term of the code from the
    /// tabular (its title where it has none); title with the official title
    #[arg(long, value_enum, default_value_t = PromptSource::Terms, requires = "generate")]
    pub prompt: PromptSource,
    /// Your missed items from the log first (most missed, most recent); an item leaves the
    /// review pile after two correct answers in a row
    #[arg(long, conflicts_with = "generate")]
    pub review: bool,
    /// Spaced repetition (FSRS): the items due today, most forgotten first, then up to --new
    /// new ones; rated from your answers and logged as review
    #[arg(long, conflicts_with_all = ["generate", "review"])]
    pub due: bool,
    /// New items a day with --due [default: the config file's new, else 10]
    #[arg(long, value_name = "N", requires = "due")]
    pub new: Option<usize>,
    /// Desired retention with --due, from 0.7 to 0.99: higher means shorter intervals
    /// [default: the config file's retention, else 0.9]
    #[arg(long, value_name = "SHARE", value_parser = parse_retention, requires = "due")]
    pub retention: Option<f64>,
    /// Your own FSRS weights for --due (19 or 21 numbers, fitted by the FSRS optimizer from
    /// `report --format revlog`) [default: the config file's fsrs_params, else FSRS-6's]
    #[arg(long, value_name = "FILE", requires = "due")]
    pub fsrs_params: Option<PathBuf>,
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
    if args.due && args.mode == DrillMode::Transcribe {
        anyhow::bail!(
            "--due schedules recall (the description shown, the code typed); it cannot be used with --mode transcribe"
        );
    }
    // The axes drill is practice (or review) as the log knows it: its answers are recalled.
    let mode = match (args.mode, args.review || args.due) {
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
    let mut spaced = None;
    let mut from_review = 0;
    let items = match &args.generate {
        Some(spec) => {
            let seed = args.session.seed.unwrap_or_else(Rng::clock_seed);
            if axes && spec.system != crate::codes::System::Icd10pcs {
                anyhow::bail!("--mode axes drills ICD-10-PCS codes: --generate icd10pcs[:RANGE]");
            }
            generate::generate(codes, spec, count, seed, args.prompt)?
        }
        None if args.due => {
            let all = load(decks)?;
            let Some((items, kept)) = due_items(args, settings, all, &info.user)? else {
                return Ok(ExitStatus::Success);
            };
            spaced = Some(kept);
            items
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
    let outcome = run_plan(
        &plan,
        settings,
        codes,
        settings.strict(args.session.strictness()),
    )?;
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
    if let Some(spaced) = spaced {
        let next = spaced.what_is_next(&outcome.results, decks);
        write!(
            io::stdout(),
            "\n{}",
            wrap_line(&next, terminal_width(), "", "  ")
        )?;
    }
    if outcome.failure.is_none() && !outcome.results.is_empty() {
        let generated = args.generate.is_some();
        let missed = if args.due {
            0 // What comes next was said above: the misses are due again with the rest.
        } else {
            outcome.summary.misses.len()
        };
        how_it_went(settings, &plan, decks, generated, missed)?;
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

/// What a `--due` session keeps, to say at its end what comes next.
struct Spaced {
    reviews: Reviews,
    params: Params,
    /// Every item of the decks
    all: Vec<Item>,
    new_limit: usize,
}

/// The items of a `--due` session, said before it starts; `None` (said too) when nothing is
/// due and no new item is left for today.
fn due_items(
    args: &Args,
    settings: &Settings,
    all: Vec<Item>,
    user: &str,
) -> Result<Option<(Vec<Item>, Spaced)>> {
    let params = Params::resolve(settings, args.fsrs_params.as_deref(), args.retention)?;
    let mut reviews = Reviews::from_log(settings.log_path()?, user)?;
    let schedule = reviews.schedule(&params, Moment::now());
    let new_limit = settings.new_limit(args.new);
    let mut plan = schedule.plan(arrange(all.clone(), &args.session, None), new_limit);
    if plan.items.is_empty() {
        let nothing = nothing_due(&schedule, &all, &plan, new_limit);
        tell(&wrap(&nothing, terminal_width(), "", "  "))?;
        return Ok(None);
    }
    if let Some(count) = args.count {
        plan.items.truncate(count);
    }
    tell(&wrap(
        &due_banner(&plan, new_limit),
        terminal_width(),
        "",
        "  ",
    ))?;
    let spaced = Spaced {
        reviews,
        params,
        all,
        new_limit,
    };
    Ok(Some((plan.items, spaced)))
}

impl Spaced {
    /// After the session (its `results` added to the history): what is still due today, or
    /// when the next item is.
    fn what_is_next(mut self, results: &[ItemResult], decks: &[String]) -> String {
        for result in results {
            self.reviews.add(&result.attempt.as_ref());
        }
        let schedule = self.reviews.schedule(&self.params, Moment::now());
        what_is_next(&schedule, &self.all, self.new_limit, decks)
    }
}

/// What a `--due` session holds, said before it starts.
fn due_banner(plan: &DuePlan, new_limit: usize) -> String {
    let mut text = if plan.due > 0 {
        format!(
            "Due today: {} {}, most forgotten first",
            plan.due,
            items_word(plan.due)
        )
    } else {
        "Nothing due today".to_string()
    };
    if plan.new > 0 {
        let _ = write!(
            text,
            "{} {} new {} (up to {new_limit} a day",
            if plan.due > 0 { "; then" } else { ":" },
            plan.new,
            items_word(plan.new)
        );
        if plan.new_today > 0 {
            let _ = write!(text, "; {} started earlier today", plan.new_today);
        }
        text.push(')');
    } else if plan.new_waiting > 0 && new_limit > 0 {
        let _ = write!(text, " (no new item: today's {new_limit} are taken)");
    }
    text.push('.');
    if plan.items.len() < plan.due + plan.new {
        let _ = write!(text, " This session: the first {} (-n).", plan.items.len());
    }
    text
}

/// Why a `--due` session does not start: nothing due, and no new item left for today.
fn nothing_due(schedule: &Schedule, all: &[Item], plan: &DuePlan, new_limit: usize) -> String {
    let mut text = match schedule.next_due(all) {
        Some(due) => format!("Nothing due until {}.", time::when(due, schedule.now())),
        None => "Nothing due: no item of these decks has been answered yet.".to_string(),
    };
    if plan.new_waiting > 0 {
        let (wait, taken) = match (plan.new_waiting, new_limit) {
            (1, 1) => ("waits", "is"),
            (1, _) => ("waits", "are"),
            (_, 1) => ("wait", "is"),
            _ => ("wait", "are"),
        };
        let _ = write!(
            text,
            " {} new {} {wait} for another day: today's {new_limit} new {taken} taken (--new N takes more).",
            plan.new_waiting,
            items_word(plan.new_waiting),
        );
    }
    text
}

/// After a `--due` session: what is still due today, or when the next item is.
fn what_is_next(schedule: &Schedule, all: &[Item], new_limit: usize, decks: &[String]) -> String {
    let left = schedule.plan(all.to_vec(), new_limit);
    let names = deck_names(decks);
    if left.items.is_empty() {
        return match schedule.next_due(all) {
            Some(due) => format!("Nothing due until {}.", time::when(due, schedule.now())),
            None => "Nothing due.".to_string(),
        };
    }
    let missed = left
        .items
        .iter()
        .filter_map(|item| schedule.card(&item.deck, &item.id))
        .filter(|card| matches!(card.state, State::Learning | State::Relearning))
        .count();
    let left = left.items.len();
    let mut text = if missed == left {
        format!(
            "Due again today: the {missed} missed {}",
            items_word(missed)
        )
    } else {
        format!("Still due today: {left} {}", items_word(left))
    };
    if missed == left {
        let _ = write!(
            text,
            " (a miss is due again {} minutes later)",
            RELEARN_MS / 60_000
        );
    } else if missed > 0 {
        let _ = write!(text, ", {missed} of them missed");
    }
    let them = if left == 1 { "it" } else { "them" };
    let _ = write!(text, " — `codedrill drill {names} --due` asks {them}.");
    text
}

/// The decks as a command line names them.
fn deck_names(decks: &[String]) -> String {
    if decks.is_empty() {
        crate::deck::DEFAULT_DECK.to_string()
    } else {
        let names: Vec<String> = decks.iter().map(|d| visible(d).into_owned()).collect();
        names.join(" ")
    }
}

fn items_word(count: usize) -> &'static str {
    if count == 1 { "item" } else { "items" }
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
        let next = format!(
            "Next: {missed} missed — `codedrill drill {} --review` asks them again first.",
            deck_names(decks)
        );
        write!(out, "\n{}", wrap_line(&next, width, "", "  "))?;
    }
    Ok(())
}
