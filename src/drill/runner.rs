//! Runs a session: asks each item through a front end, scores it, logs it once it is settled
//! (at once, or for an exam item flagged for review, when it is answered again or the exam
//! ends), and shows feedback. The front ends (terminal or piped) only read answers.

use std::borrow::Cow;
use std::io::Write;
use std::time::Duration;

use anyhow::Result;

use super::deadline::Deadlines;
use super::flags::{Flags, Recorded, Settled, Step, Tally, Visit};
use super::render::{self, Palette};
use super::session::{self, Answer, Ending, ItemResult, Mode, SessionInfo, Typing};
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
    /// Whether Tab flags the item for review (an exam on a terminal).
    pub flagging: bool,
    /// The item's first visit, or which return to it.
    pub visit: Visit,
    /// The items open (flagged or skipped) so far.
    pub open: Tally,
    /// On a return visit, where the item was left: its text is filled in again.
    pub resume: Option<&'a Answer>,
}

impl Question<'_> {
    /// The typing of this visit, begun at clock time `started`.
    pub fn start_typing(&self, started: Duration) -> Typing {
        match self.resume {
            Some(previous) => Typing::resume(previous, started),
            None => Typing::new(started),
        }
        .flaggable(self.flagging)
    }
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

    /// Whether items can be flagged for review here (a key to press: a terminal).
    fn can_flag(&self) -> bool {
        false
    }

    /// After a review pass with items still open: whether to review them again (`true`) or
    /// end the exam, asked until `deadlines` pass.
    fn review_again(
        &mut self,
        _open: Tally,
        _deadlines: &Deadlines,
        _clock: &dyn Clock,
    ) -> Result<bool> {
        Ok(false)
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
    /// The "build the code" drill (`--mode axes`): feedback walks a PCS answer's seven
    /// characters.
    pub axes: bool,
}

/// What a session needs besides its plan.
pub struct Context<'a> {
    pub scorer: Scorer<'a>,
    pub codes: Option<&'a CodeSets>,
    pub palette: Palette,
    pub clock: &'a dyn Clock,
}

/// A session that ran: the items answered (each logged), in plan order, and what ended it
/// early, if something failed (a full disk, a closed terminal).
pub struct Ran {
    pub results: Vec<ItemResult>,
    pub failure: Option<anyhow::Error>,
}

/// Runs every item of the plan until the items, the time or the user's patience run out.
/// Each result is logged as soon as its item is settled; a failure ends the session but
/// keeps what was answered before it, so the summary can still be shown. In an exam on a
/// terminal, flagged and skipped items are offered again at the end ([`Flags`]); whatever is
/// still open when the session ends is logged as it stands.
pub fn run_session(
    plan: &Plan,
    ctx: &Context,
    frontend: &mut dyn Frontend,
    log: &mut LogWriter,
    out: &mut dyn Write,
) -> Ran {
    let flagging = plan.info.mode == Mode::Exam && frontend.can_flag();
    let mut flags = Flags::new(plan.items.len(), flagging);
    let mut results = Vec::new();
    let asked = ask_items(plan, ctx, frontend, log, out, &mut flags, &mut results);
    // Open items are settled even after a failure: they were seen, and are evidence.
    let settled = flags
        .finish()
        .into_iter()
        .try_for_each(|settled| log_settled(plan, ctx, log, settled, &mut results));
    // Synced even after a failure: the rows before it are the evidence.
    let synced = log.sync();
    results.sort_by_key(|(index, _)| *index);
    Ran {
        results: results.into_iter().map(|(_, result)| result).collect(),
        failure: asked.err().or(settled.err()).or(synced.err()),
    }
}

/// Asks the plan's items, and in an exam the review passes, pushing each result (with its
/// place in the plan) once it is logged.
fn ask_items(
    plan: &Plan,
    ctx: &Context,
    frontend: &mut dyn Frontend,
    log: &mut LogWriter,
    out: &mut dyn Write,
    flags: &mut Flags,
    results: &mut Vec<(usize, ItemResult)>,
) -> Result<()> {
    let session_deadline = plan.duration.map(|d| ctx.clock.now() + d);
    let session_only = Deadlines {
        item: None,
        session: session_deadline,
    };
    loop {
        if session_deadline.is_some_and(|end| ctx.clock.now() >= end) {
            break;
        }
        let (index, visit) = match flags.next() {
            Step::Ask { index, visit } => (index, visit),
            Step::PassOver(open) => {
                if frontend.review_again(open, &session_only, ctx.clock)? {
                    flags.review_again();
                    continue;
                }
                break;
            }
            Step::Done => break,
        };
        let item = &plan.items[index];
        let shown = shown(plan, index);
        let resume = flags.previous(index);
        let spent = resume.map(Answer::spent).unwrap_or_default();
        let started = ctx.clock.now();
        let question = Question {
            number: index + 1,
            total: plan.items.len(),
            item,
            shown: &shown,
            deadlines: Deadlines {
                // The item's own limit is for all its visits together.
                item: plan
                    .time_limit
                    .map(|limit| started + limit.saturating_sub(spent)),
                session: session_deadline,
            },
            flagging: flags.enabled(),
            visit,
            open: flags.tally(),
            resume,
        };
        // A signal that came while the last item was scored ends the session like Ctrl-C.
        if crate::signals::requested() {
            break;
        }
        let answer = frontend.ask(&question, ctx.clock)?;
        let time_is_up =
            answer.ending == Ending::TimedOut && question.deadlines.session_over(answer.at);
        let settled = match flags.record(index, answer) {
            Recorded::Settled(settled) => settled,
            Recorded::Open => continue,
            Recorded::Ended => break,
        };
        log_settled(plan, ctx, log, settled, results)?;
        if plan.feedback
            && let Some((_, result)) = results.last()
        {
            let text = if plan.axes {
                render::axes_feedback(result, ctx.codes, &ctx.palette)
            } else {
                render::feedback(result, ctx.codes, &ctx.palette)
            };
            write!(out, "{text}")?;
            out.flush()?;
        }
        let more = index + 1 < plan.items.len();
        if time_is_up || (plan.feedback && more && !frontend.pause()?) {
            break;
        }
    }
    Ok(())
}

/// What item `index` shows: the code itself when transcribing, else its prompt, marked when
/// it comes from the review pile.
fn shown(plan: &Plan, index: usize) -> Cow<'_, str> {
    let item = &plan.items[index];
    if plan.info.mode == Mode::Transcribe {
        Cow::Borrowed(&item.answer)
    } else if index < plan.from_review {
        Cow::Owned(format!("(missed before) {}", item.prompt))
    } else {
        Cow::Borrowed(&item.prompt)
    }
}

/// Scores a settled item and logs it, then keeps its result.
fn log_settled(
    plan: &Plan,
    ctx: &Context,
    log: &mut LogWriter,
    settled: Settled,
    results: &mut Vec<(usize, ItemResult)>,
) -> Result<()> {
    let item = &plan.items[settled.index];
    let timestamp = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
    let Some(mut result) =
        session::conclude(&plan.info, &ctx.scorer, item, &settled.answer, timestamp)
    else {
        return Ok(());
    };
    result.review = settled.note;
    log.append(&result.attempt)?;
    results.push((settled.index, result));
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
