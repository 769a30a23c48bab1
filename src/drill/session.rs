//! The drill as a pure state machine: key presses or lines in, scored attempts and a summary
//! out. No terminal I/O happens here; the front ends (`term`, `piped`) feed it.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::clock::millis;
use crate::deck::Item;
use crate::metrics::{Accumulator, Metrics};
pub use crate::record::Mode;
use crate::record::{Attempt, MAX_KEYS, MAX_MS};
use crate::score::{Detail, Outcome, Scorer, Verdict};

/// Longest answer kept in the log; longer input is cut (and the summary says so).
pub const ENTERED_CAP: usize = 256;

/// A key press, already decoded by a front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Backspace,
    Enter,
    Esc,
    /// Tab: flag the item for review and move on (in an exam on a terminal; ignored
    /// elsewhere).
    Flag,
    /// Ctrl-D: end the session.
    Quit,
    /// Ctrl-C: end the session as an interrupt (exit status 130, as SIGINT).
    Interrupt,
}

/// How an item ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Submitted,
    Skipped,
    /// Flagged for review (exam): what was typed is the provisional answer, scored if the
    /// item is not answered again.
    Flagged,
    TimedOut,
    /// The session was ended during this item; the item is not logged.
    Quit,
}

/// The typing of one item: the text so far and its timings. An item answered in several
/// visits (an exam's flag and return) carries its earlier visits' time and keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typing {
    started: Duration,
    /// Answering time of the item's earlier visits.
    earlier: Duration,
    /// Prompt first shown → first key, in answering time.
    first_key: Option<Duration>,
    text: String,
    chars: usize,
    keystrokes: u64,
    backspaces: u64,
    truncated: bool,
    /// Whether [`Key::Flag`] flags the item; otherwise the key is ignored.
    flaggable: bool,
}

impl Typing {
    /// Starts an item at clock time `started` (when its prompt was drawn).
    pub fn new(started: Duration) -> Typing {
        Typing {
            started,
            earlier: Duration::ZERO,
            first_key: None,
            text: String::new(),
            chars: 0,
            keystrokes: 0,
            backspaces: 0,
            truncated: false,
            flaggable: false,
        }
    }

    /// Returns to an item left open at `previous`, at clock time `started`: its text is
    /// filled in again, and its time and keys so far carry on.
    pub fn resume(previous: &Answer, started: Duration) -> Typing {
        Typing {
            started,
            earlier: previous.spent(),
            ..previous.typing.clone()
        }
    }

    /// The same typing, where [`Key::Flag`] flags the item (or is ignored).
    pub fn flaggable(self, flaggable: bool) -> Typing {
        Typing { flaggable, ..self }
    }

    /// The text of `other` in place of this one's; times and keys stay.
    pub fn with_text_of(self, other: &Typing) -> Typing {
        Typing {
            text: other.text.clone(),
            chars: other.chars,
            truncated: other.truncated,
            ..self
        }
    }

    /// Feeds one key pressed at clock time `now`; returns how the item ends, if it does.
    pub fn press(&mut self, key: Key, now: Duration) -> Option<Ending> {
        if matches!(key, Key::Quit | Key::Interrupt) {
            return Some(Ending::Quit);
        }
        if key == Key::Flag && !self.flaggable {
            return None;
        }
        self.keystrokes += 1;
        self.first_key
            .get_or_insert(self.earlier + now.saturating_sub(self.started));
        match key {
            Key::Char(c) if c.is_control() => {}
            Key::Char(c) => self.push(c),
            Key::Backspace => {
                self.backspaces += 1;
                if self.text.pop().is_some() {
                    self.chars -= 1;
                }
            }
            Key::Enter if self.text.trim().is_empty() => return Some(Ending::Skipped),
            Key::Enter => return Some(Ending::Submitted),
            Key::Esc => return Some(Ending::Skipped),
            Key::Flag => return Some(Ending::Flagged),
            Key::Quit | Key::Interrupt => {}
        }
        None
    }

    /// A whole piped line: its characters and the line end count as keystrokes.
    pub fn from_line(started: Duration, line: &str, total_chars: usize) -> Typing {
        let mut typing = Typing::new(started);
        for c in line.chars().filter(|c| !c.is_control()) {
            typing.push(c);
        }
        typing.truncated |= total_chars > typing.chars;
        typing.keystrokes = total_chars as u64 + 1;
        typing
    }

    fn push(&mut self, c: char) {
        if self.chars < ENTERED_CAP {
            self.text.push(c);
            self.chars += 1;
        } else {
            self.truncated = true;
        }
    }

    /// The text typed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Keys pressed so far, over every visit.
    #[cfg(test)]
    pub(crate) fn keystrokes(&self) -> u64 {
        self.keystrokes
    }
}

/// One finished item as a front end reports it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub ending: Ending,
    pub typing: Typing,
    /// Clock time when the item ended.
    pub at: Duration,
}

impl Answer {
    /// Answering time of the item so far: every visit's prompt → end of visit.
    pub fn spent(&self) -> Duration {
        self.typing.earlier + self.at.saturating_sub(self.typing.started)
    }
}

/// A scored item.
#[derive(Debug, Clone)]
pub struct ItemResult {
    pub item: Item,
    pub outcome: Outcome,
    pub attempt: Attempt,
    pub truncated: bool,
    /// How an exam item left open (flagged or skipped) was settled; `None` for an item
    /// answered on its first visit.
    pub review: Option<super::flags::ReviewNote>,
}

/// Who is drilling and how; fixed for a session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub session: String,
    pub user: String,
    pub mode: Mode,
}

/// Scores a finished item and builds its log row. `None` for an item the session was ended
/// in (not logged). A flagged item's provisional answer is scored (an empty one is a skip).
pub fn conclude(
    info: &SessionInfo,
    scorer: &Scorer,
    item: &Item,
    answer: &Answer,
    timestamp: String,
) -> Option<ItemResult> {
    let typing = &answer.typing;
    let outcome = match answer.ending {
        Ending::Quit => return None,
        Ending::TimedOut => Outcome::timed_out(),
        Ending::Skipped => Outcome::skipped(),
        Ending::Flagged if typing.text.trim().is_empty() => Outcome::skipped(),
        Ending::Submitted | Ending::Flagged if info.mode == Mode::Transcribe => {
            score_transcription(item, typing.text())
        }
        Ending::Submitted | Ending::Flagged => scorer.score(&item.key(), typing.text()),
    };
    let prompt = if info.mode == Mode::Transcribe {
        item.answer.clone()
    } else {
        item.prompt.clone()
    };
    let attempt = Attempt {
        timestamp,
        session: info.session.clone(),
        user: info.user.clone(),
        mode: info.mode,
        deck: item.deck.clone(),
        item: item.id.clone(),
        system: item.system,
        category: item.category.clone(),
        prompt,
        expected: item.answer.clone(),
        entered: typing.text.clone(),
        verdict: outcome.verdict,
        detail: outcome.detail,
        score: outcome.score,
        // Held within what a log row may hold, so every row written can be read back (an item
        // left open past a day, a pasted flood).
        elapsed_ms: millis(answer.spent()).min(MAX_MS),
        first_key_ms: typing.first_key.map(|at| millis(at).min(MAX_MS)),
        keystrokes: typing.keystrokes.min(MAX_KEYS),
        backspaces: typing.backspaces.min(MAX_KEYS),
    };
    Some(ItemResult {
        item: item.clone(),
        outcome,
        attempt,
        truncated: typing.truncated,
        review: None,
    })
}

/// Transcription is exact: the shown code, retyped (after normalisation), or nothing.
fn score_transcription(item: &Item, typed: &str) -> Outcome {
    let key = crate::score::AnswerKey::new(item.system, &item.answer, "");
    let typed_codes: Vec<String> = crate::codes::split_codes(item.system, typed)
        .iter()
        .map(|code| crate::codes::normalize(item.system, code))
        .collect();
    if typed_codes.is_empty() {
        Outcome::skipped()
    } else if typed_codes == key.answer() {
        Outcome::plain(Verdict::Correct)
    } else {
        Outcome::plain(Verdict::Incorrect)
    }
}

/// The end-of-session summary.
#[derive(Debug, Clone)]
pub struct Summary {
    pub metrics: Metrics,
    /// Sum of scores.
    pub score_sum: f64,
    /// Items answered (logged).
    pub items: usize,
    /// Items planned for the session.
    pub planned: usize,
    pub near_miss_kinds: BTreeMap<Detail, usize>,
    /// Misses: every result that was not correct.
    pub misses: Vec<ItemResult>,
    /// Answers cut to [`ENTERED_CAP`] characters.
    pub truncated: usize,
    /// Keystrokes per hour counting only correct answers (transcription's net KPH).
    pub net_kph: f64,
    /// Answering time of the session, summed over its items.
    pub answering_ms: u64,
}

/// Summarises a session's results.
pub fn summarize(results: &[ItemResult], planned: usize) -> Summary {
    let mut acc = Accumulator::default();
    let mut near_miss_kinds = BTreeMap::new();
    let mut correct_keys = 0u64;
    let mut elapsed_ms = 0u64;
    for result in results {
        let a = &result.attempt;
        acc.add(a.verdict, a.score, a.elapsed_ms, a.keystrokes);
        if a.mode != Mode::Transcribe {
            acc.add_case(crate::metrics::answer_codes(&a.expected), a.elapsed_ms);
            if a.verdict != Verdict::Correct
                && crate::score::missed_cc(a.system, &a.expected, &a.entered)
            {
                acc.add_missed_cc();
            }
        }
        elapsed_ms = elapsed_ms.saturating_add(a.elapsed_ms);
        if result.outcome.verdict == Verdict::Correct {
            correct_keys += a.keystrokes;
        }
        if let Some(detail) = result.outcome.detail {
            *near_miss_kinds.entry(detail).or_insert(0) += 1;
        }
    }
    Summary {
        metrics: acc.metrics(),
        score_sum: results.iter().map(|r| r.outcome.score).sum::<f64>() + 0.0,
        items: results.len(),
        planned,
        near_miss_kinds,
        misses: results
            .iter()
            .filter(|r| r.outcome.verdict != Verdict::Correct)
            .cloned()
            .collect(),
        truncated: results.iter().filter(|r| r.truncated).count(),
        net_kph: crate::metrics::ratio(correct_keys as f64, elapsed_ms as f64 / 3_600_000.0),
        answering_ms: elapsed_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, FakeClock};
    use crate::codes::System;

    fn item(answer: &str) -> Item {
        Item {
            id: "x1".into(),
            prompt: "Type 2 diabetes without complications".into(),
            answer: answer.into(),
            system: System::Icd10cm,
            accept: String::new(),
            category: "Endocrine".into(),
            rationale: String::new(),
            optional: String::new(),
            setting: None,
            deck: "d".into(),
            line: 2,
        }
    }

    fn info(mode: Mode) -> SessionInfo {
        SessionInfo {
            session: "s".into(),
            user: "u".into(),
            mode,
        }
    }

    fn type_keys(clock: &FakeClock, keys: &[Key]) -> Answer {
        let mut typing = Typing::new(clock.now());
        for key in keys {
            clock.advance(Duration::from_millis(250));
            if let Some(ending) = typing.press(*key, clock.now()) {
                return Answer {
                    ending,
                    typing,
                    at: clock.now(),
                };
            }
        }
        Answer {
            ending: Ending::TimedOut,
            typing,
            at: clock.now(),
        }
    }

    #[test]
    fn keys_make_an_exact_attempt() {
        let clock = FakeClock::default();
        clock.advance(Duration::from_secs(5));
        use Key::*;
        let answer = type_keys(
            &clock,
            &[
                Char('E'),
                Char('1'),
                Char('2'),
                Backspace,
                Char('1'),
                Char('.'),
                Char('9'),
                Enter,
            ],
        );
        let scorer = Scorer::new(None, false);
        let result = conclude(
            &info(Mode::Practice),
            &scorer,
            &item("E11.9"),
            &answer,
            "t".into(),
        )
        .unwrap();
        let a = &result.attempt;
        assert_eq!(a.entered, "E11.9");
        assert_eq!(a.verdict, Verdict::Correct);
        assert_eq!((a.keystrokes, a.backspaces), (8, 1));
        assert_eq!(a.first_key_ms, Some(250));
        assert_eq!(a.elapsed_ms, 2000);
    }

    #[test]
    fn esc_skips_quit_is_not_logged_and_timeout_keeps_text() {
        let clock = FakeClock::default();
        let scorer = Scorer::new(None, false);
        let skip = type_keys(&clock, &[Key::Char('E'), Key::Esc]);
        let result = conclude(
            &info(Mode::Practice),
            &scorer,
            &item("E11.9"),
            &skip,
            "t".into(),
        )
        .unwrap();
        assert_eq!(result.attempt.verdict, Verdict::Skipped);
        let quit = type_keys(&clock, &[Key::Char('E'), Key::Quit]);
        assert!(
            conclude(
                &info(Mode::Practice),
                &scorer,
                &item("E11.9"),
                &quit,
                "t".into()
            )
            .is_none()
        );
        let late = type_keys(&clock, &[Key::Char('E'), Key::Char('1')]);
        let result = conclude(
            &info(Mode::Exam),
            &scorer,
            &item("E11.9"),
            &late,
            "t".into(),
        )
        .unwrap();
        assert_eq!(
            (result.attempt.verdict, result.attempt.entered.as_str()),
            (Verdict::TimedOut, "E1")
        );
        assert_eq!(result.attempt.mode, Mode::Exam);
    }

    #[test]
    fn tab_flags_only_where_flagging_is_on() {
        let mut practice = Typing::new(Duration::ZERO);
        assert_eq!(practice.press(Key::Flag, Duration::from_secs(1)), None);
        assert_eq!((practice.keystrokes, practice.first_key), (0, None));
        let mut exam = Typing::new(Duration::ZERO).flaggable(true);
        exam.press(Key::Char('E'), Duration::from_secs(1));
        assert_eq!(
            exam.press(Key::Flag, Duration::from_secs(2)),
            Some(Ending::Flagged)
        );
        assert_eq!((exam.text(), exam.keystrokes), ("E", 2));
    }

    #[test]
    fn a_return_visit_fills_the_text_in_and_sums_time_and_keys() {
        let clock = FakeClock::default();
        let scorer = Scorer::new(None, false);
        let mut first = Typing::new(clock.now()).flaggable(true);
        // 3 s to the first key; E11.8, Tab at 8 s.
        for (at, key) in [(3, 'E'), (4, '1'), (5, '1'), (6, '.'), (7, '8')] {
            first.press(Key::Char(key), Duration::from_secs(at));
        }
        let ending = first.press(Key::Flag, Duration::from_secs(8));
        let flagged = Answer {
            ending: ending.unwrap(),
            typing: first,
            at: Duration::from_secs(8),
        };
        let provisional = conclude(
            &info(Mode::Exam),
            &scorer,
            &item("E11.9"),
            &flagged,
            "t".into(),
        )
        .unwrap();
        assert_eq!(
            (
                provisional.attempt.verdict,
                provisional.attempt.entered.as_str()
            ),
            (Verdict::NearMiss, "E11.8"),
            "a flagged answer is scored as it stands"
        );
        // Back 60 s later (other items): Backspace, 9, Enter over 2 s.
        let mut back = Typing::resume(&flagged, Duration::from_secs(68));
        assert_eq!(back.text(), "E11.8");
        back.press(Key::Backspace, Duration::from_secs(69));
        back.press(Key::Char('9'), Duration::from_secs(69));
        let ending = back.press(Key::Enter, Duration::from_secs(70));
        let answer = Answer {
            ending: ending.unwrap(),
            typing: back,
            at: Duration::from_secs(70),
        };
        let result = conclude(
            &info(Mode::Exam),
            &scorer,
            &item("E11.9"),
            &answer,
            "t".into(),
        )
        .unwrap();
        let a = &result.attempt;
        assert_eq!((a.entered.as_str(), a.verdict), ("E11.9", Verdict::Correct));
        assert_eq!((a.elapsed_ms, a.first_key_ms), (10_000, Some(3_000)));
        assert_eq!((a.keystrokes, a.backspaces), (9, 1));
        let empty = Answer {
            ending: Ending::Flagged,
            typing: Typing::new(Duration::ZERO),
            at: Duration::from_secs(1),
        };
        let result = conclude(
            &info(Mode::Exam),
            &scorer,
            &item("E11.9"),
            &empty,
            "t".into(),
        );
        assert_eq!(result.unwrap().attempt.verdict, Verdict::Skipped);
    }

    #[test]
    fn rows_stay_within_what_a_log_row_may_hold() {
        let scratch_clock = FakeClock::default();
        let mut answer = type_keys(&scratch_clock, &[Key::Char('E'), Key::Enter]);
        answer.at += Duration::from_secs(3 * 86_400);
        let result = conclude(
            &info(Mode::Practice),
            &Scorer::new(None, false),
            &item("E11.9"),
            &answer,
            "2026-11-27T10:00:00+00:00".into(),
        )
        .unwrap();
        assert_eq!(result.attempt.elapsed_ms, MAX_MS);
        let line = result.attempt.to_csv_line();
        let fields: Vec<&[u8]> = line.trim_end().split(',').map(str::as_bytes).collect();
        assert!(crate::record::parse_fields(&fields).is_ok(), "{line}");
    }

    #[test]
    fn piped_lines_count_characters_plus_one_and_cap_text() {
        let typing = Typing::from_line(Duration::ZERO, "E11.9", 5);
        assert_eq!((typing.keystrokes, typing.text()), (6, "E11.9"));
        let long = "A".repeat(ENTERED_CAP + 10);
        let typing = Typing::from_line(Duration::ZERO, &long, long.len());
        assert_eq!(typing.text().len(), ENTERED_CAP);
        assert!(typing.truncated);
        assert_eq!(typing.keystrokes, ENTERED_CAP as u64 + 11);
    }

    #[test]
    fn transcription_is_exact() {
        let clock = FakeClock::default();
        let scorer = Scorer::new(None, false);
        let typed = |text: &str| {
            let mut keys: Vec<Key> = text.chars().map(Key::Char).collect();
            keys.push(Key::Enter);
            let answer = type_keys(&clock, &keys);
            conclude(
                &info(Mode::Transcribe),
                &scorer,
                &item("E11.9"),
                &answer,
                "t".into(),
            )
            .unwrap()
        };
        assert_eq!(typed("e119").attempt.verdict, Verdict::Correct);
        let wrong = typed("E11.8");
        assert_eq!(
            (wrong.attempt.verdict, wrong.attempt.detail),
            (Verdict::Incorrect, None)
        );
        assert_eq!(wrong.attempt.prompt, "E11.9");
    }

    #[test]
    fn summary_counts() {
        let clock = FakeClock::default();
        let scorer = Scorer::new(None, false);
        let results: Vec<ItemResult> = ["E11.9", "E11.8", ""]
            .iter()
            .map(|text| {
                let mut keys: Vec<Key> = text.chars().map(Key::Char).collect();
                keys.push(Key::Enter);
                let answer = type_keys(&clock, &keys);
                conclude(
                    &info(Mode::Practice),
                    &scorer,
                    &item("E11.9"),
                    &answer,
                    "t".into(),
                )
                .unwrap()
            })
            .collect();
        let summary = summarize(&results, 5);
        assert_eq!(
            (summary.items, summary.planned, summary.metrics.correct),
            (3, 5, 1)
        );
        assert_eq!(summary.misses.len(), 2);
        assert_eq!(summary.near_miss_kinds.get(&Detail::SameCategory), Some(&1));
        assert!(summary.net_kph > 0.0 && summary.net_kph < summary.metrics.kph);
    }
}
