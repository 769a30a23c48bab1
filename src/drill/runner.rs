//! Runs a session: asks each item through a front end, scores it, logs it at once, and shows
//! feedback. The front ends (terminal or piped) only read answers.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;

use super::deadline::Deadlines;
use super::render::{self, Palette};
use super::session::{self, Answer, Ending, ItemResult, Mode, SessionInfo};
use crate::clock::Clock;
use crate::codes::CodeSets;
use crate::deck::Item;
use crate::log::LogWriter;
use crate::score::Scorer;

/// One item as a front end must ask it.
pub struct Question<'a> {
    pub number: usize,
    pub total: usize,
    pub item: &'a Item,
    /// What is shown: the prompt, or the code itself when transcribing.
    pub shown: &'a str,
    /// When the item's and the session's time run out.
    pub deadlines: Deadlines,
}

/// Reads one answer per item.
pub trait Frontend {
    /// Shows the question and returns the answer; the answer's times come from `clock`.
    fn ask(&mut self, question: &Question, clock: &dyn Clock) -> Result<Answer>;

    /// Waits, after an item's feedback, until the user is ready for the next item, so that
    /// reading the feedback is never counted as answering time. `false` ends the session.
    /// Piped input has nothing to read: it goes straight on.
    fn pause(&mut self) -> Result<bool> {
        Ok(true)
    }
}

/// How a session runs.
pub struct Plan {
    pub items: Vec<Item>,
    pub info: SessionInfo,
    pub time_limit: Option<Duration>,
    /// Total time (exam).
    pub duration: Option<Duration>,
    /// Whether feedback follows each item (not in an exam).
    pub feedback: bool,
    /// How many items, from the first, come from the review pile: their prompts are marked.
    pub from_review: usize,
}

/// What a session needs besides its plan.
pub struct Context<'a> {
    pub scorer: Scorer<'a>,
    pub codes: Option<&'a CodeSets>,
    pub palette: Palette,
    pub clock: &'a dyn Clock,
}

/// A session that ran: the items answered (each logged), and what ended it early, if
/// something failed (a full disk, a closed terminal).
pub struct Ran {
    pub results: Vec<ItemResult>,
    pub failure: Option<anyhow::Error>,
}

/// Runs every item of the plan until the items, the time or the user's patience run out.
/// Each result is logged as soon as its item ends; a failure ends the session but keeps
/// what was answered before it, so the summary can still be shown.
pub fn run_session(
    plan: &Plan,
    ctx: &Context,
    frontend: &mut dyn Frontend,
    log: &mut LogWriter,
    out: &mut dyn Write,
) -> Ran {
    let mut results = Vec::new();
    let failure = ask_items(plan, ctx, frontend, log, out, &mut results).err();
    // Synced even after a failure: the rows before it are the evidence.
    let synced = log.sync();
    Ran {
        results,
        failure: failure.or(synced.err()),
    }
}

/// Asks the plan's items in turn, pushing each result once it is logged.
fn ask_items(
    plan: &Plan,
    ctx: &Context,
    frontend: &mut dyn Frontend,
    log: &mut LogWriter,
    out: &mut dyn Write,
    results: &mut Vec<ItemResult>,
) -> Result<()> {
    let session_deadline = plan.duration.map(|d| ctx.clock.now() + d);
    for (index, item) in plan.items.iter().enumerate() {
        if session_deadline.is_some_and(|end| ctx.clock.now() >= end) {
            break;
        }
        let marked;
        let shown = if plan.info.mode == Mode::Transcribe {
            item.answer.as_str()
        } else if index < plan.from_review {
            marked = format!("(missed before) {}", item.prompt);
            marked.as_str()
        } else {
            item.prompt.as_str()
        };
        let started = ctx.clock.now();
        let question = Question {
            number: index + 1,
            total: plan.items.len(),
            item,
            shown,
            deadlines: Deadlines {
                item: plan.time_limit.map(|limit| started + limit),
                session: session_deadline,
            },
        };
        // A signal that came while the last item was scored ends the session like Ctrl-C.
        if crate::signals::requested() {
            break;
        }
        let answer = frontend.ask(&question, ctx.clock)?;
        let timestamp = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
        let Some(result) = session::conclude(&plan.info, &ctx.scorer, item, &answer, timestamp)
        else {
            break;
        };
        log.append(&result.attempt)?;
        if plan.feedback {
            write!(
                out,
                "{}",
                render::feedback(&result, ctx.codes, &ctx.palette)
            )?;
            out.flush()?;
        }
        let time_is_up =
            answer.ending == Ending::TimedOut && question.deadlines.session_over(answer.at);
        results.push(result);
        let more = index + 1 < plan.items.len();
        if time_is_up || (plan.feedback && more && !frontend.pause()?) {
            break;
        }
    }
    Ok(())
}

/// Test builds only: `CODEDRILL_TEST_PANIC_AT=N` panics when item N is asked, so tests can
/// check that a panic keeps the rows answered and gives the terminal back.
pub fn inject_panic(number: usize) {
    if cfg!(debug_assertions)
        && std::env::var("CODEDRILL_TEST_PANIC_AT").is_ok_and(|at| at == number.to_string())
    {
        panic!("test panic injected at item {number}");
    }
}
