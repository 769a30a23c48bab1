//! Flag and return, as exam software does it: on a terminal an exam item can be flagged for
//! review (Tab, keeping what was typed as its provisional answer) or skipped (Esc, or Enter on
//! nothing); at the end of the list the open items are offered again, pass after pass, while
//! the exam's time lasts and the candidate wants to.
//!
//! This is the order of visits and when each item is settled, as a pure state machine: the
//! runner asks what to show next, reports how each visit ended, and logs what comes back
//! settled. Each item is settled once, so it makes exactly one log row:
//! - answered (Enter on an answer) on any visit, or its time ran out on its first visit:
//!   settled at once;
//! - flagged or skipped: left open, offered again on the next pass with its text filled in;
//! - a return visit that time cuts short changes nothing: the item is settled as it stood;
//! - when the exam ends (the candidate ends it, its time runs out, Ctrl-C), every open item
//!   is settled as it stands: a flagged answer is scored, an empty or skipped one is
//!   `skipped`. Items never shown are not settled at all (not logged).
//!
//! Where flagging is off (practice drills, piped input), a skip is settled at once and there
//! are no review passes, as before.

use std::collections::{BTreeMap, VecDeque};

use super::session::{Answer, Ending};

/// Why an item is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Flagged,
    Skipped,
}

/// Which visit of an item this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    First,
    /// A review pass: `position` of `of` items, the item open as `mark`.
    Return {
        pass: usize,
        position: usize,
        of: usize,
        mark: Mark,
    },
}

/// How many items are open, by mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub flagged: usize,
    pub skipped: usize,
}

/// What the runner does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Ask item `index` (its place in the plan).
    Ask { index: usize, visit: Visit },
    /// A review pass is over and items are still open: ask whether to review them again
    /// ([`Flags::review_again`]) or end ([`Flags::finish`]).
    PassOver(Tally),
    /// Every item is settled.
    Done,
}

/// How an item that was left open ended, for the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewNote {
    /// Its mark when it was settled.
    pub mark: Mark,
    /// Whether it was answered on a return visit (rather than left as it stood).
    pub answered_on_return: bool,
}

impl ReviewNote {
    /// In words, for the result: `flagged, answered on return`.
    pub fn describe(&self) -> &'static str {
        match (self.mark, self.answered_on_return) {
            (Mark::Flagged, true) => "flagged, answered on return",
            (Mark::Skipped, true) => "skipped, answered on return",
            (Mark::Flagged, false) => "still flagged at the end: scored as it stood",
            (Mark::Skipped, false) => "still open at the end",
        }
    }
}

/// An item settled: its final answer, to score and log.
#[derive(Debug, Clone)]
pub struct Settled {
    pub index: usize,
    pub answer: Answer,
    pub note: Option<ReviewNote>,
}

/// What a visit's answer did.
#[derive(Debug, Clone)]
pub enum Recorded {
    Settled(Settled),
    /// Flagged or skipped: offered again later.
    Open,
    /// The session was ended during the visit: nothing more is asked. An item on its first
    /// visit is dropped (not logged); an open one stays open, for [`Flags::finish`].
    Ended,
}

/// The items left open, and where the session is in its passes.
#[derive(Debug)]
pub struct Flags {
    total: usize,
    enabled: bool,
    /// The first item not yet shown.
    next_new: usize,
    open: BTreeMap<usize, (Mark, Answer)>,
    /// 0 on the first pass through the list, then each review pass.
    pass: usize,
    /// The items still to offer on this review pass, and how many it began with.
    queue: VecDeque<usize>,
    pass_len: usize,
}

impl Flags {
    /// A session of `total` items; `enabled` when items may be flagged (an exam on a
    /// terminal).
    pub fn new(total: usize, enabled: bool) -> Flags {
        Flags {
            total,
            enabled,
            next_new: 0,
            open: BTreeMap::new(),
            pass: 0,
            queue: VecDeque::new(),
            pass_len: 0,
        }
    }

    /// What to ask next. The first review pass follows the list at once; later ones only
    /// when the candidate asks for them.
    pub fn next(&mut self) -> Step {
        if self.next_new < self.total {
            return Step::Ask {
                index: self.next_new,
                visit: Visit::First,
            };
        }
        if self.queue.is_empty() {
            if self.open.is_empty() {
                return Step::Done;
            }
            if self.pass > 0 {
                return Step::PassOver(self.tally());
            }
            self.review_again();
        }
        self.ask_queued()
    }

    /// The front of this review pass's queue, skipping items no longer open.
    fn ask_queued(&mut self) -> Step {
        while let Some(&index) = self.queue.front() {
            if let Some((mark, _)) = self.open.get(&index) {
                return Step::Ask {
                    index,
                    visit: Visit::Return {
                        pass: self.pass,
                        position: self.pass_len - self.queue.len() + 1,
                        of: self.pass_len,
                        mark: *mark,
                    },
                };
            }
            self.queue.pop_front();
        }
        Step::Done
    }

    /// Starts another review pass over every open item, in plan order.
    pub fn review_again(&mut self) {
        self.pass += 1;
        self.queue = self.open.keys().copied().collect();
        self.pass_len = self.queue.len();
    }

    /// Whether items may be flagged.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The provisional answer of an open item, to fill in on its return visit.
    pub fn previous(&self, index: usize) -> Option<&Answer> {
        self.open.get(&index).map(|(_, answer)| answer)
    }

    /// How many items are open.
    pub fn tally(&self) -> Tally {
        let flagged = self
            .open
            .values()
            .filter(|(mark, _)| *mark == Mark::Flagged)
            .count();
        Tally {
            flagged,
            skipped: self.open.len() - flagged,
        }
    }

    /// Records how the visit to item `index` (the one [`Flags::next`] asked) ended.
    pub fn record(&mut self, index: usize, answer: Answer) -> Recorded {
        match self.open.remove(&index) {
            Some((mark, previous)) => {
                self.queue.retain(|&queued| queued != index);
                self.record_return(index, mark, previous, answer)
            }
            None => {
                self.next_new = self.next_new.max(index + 1);
                self.record_first(index, answer)
            }
        }
    }

    fn record_first(&mut self, index: usize, answer: Answer) -> Recorded {
        let mark = match answer.ending {
            Ending::Quit => return Recorded::Ended,
            Ending::Flagged if self.enabled => Mark::Flagged,
            Ending::Skipped if self.enabled => Mark::Skipped,
            Ending::Flagged => {
                // Not offered where flagging is off; settled as the skip it then is.
                let answer = Answer {
                    ending: Ending::Skipped,
                    ..answer
                };
                return settled(index, answer, None);
            }
            Ending::Submitted | Ending::Skipped | Ending::TimedOut => {
                return settled(index, answer, None);
            }
        };
        self.open.insert(index, (mark, answer));
        Recorded::Open
    }

    fn record_return(
        &mut self,
        index: usize,
        mark: Mark,
        previous: Answer,
        answer: Answer,
    ) -> Recorded {
        match answer.ending {
            Ending::Submitted => settled(
                index,
                answer,
                Some(ReviewNote {
                    mark,
                    answered_on_return: true,
                }),
            ),
            Ending::Flagged | Ending::Skipped => {
                let mark = if answer.ending == Ending::Flagged {
                    Mark::Flagged
                } else {
                    Mark::Skipped
                };
                self.open.insert(index, (mark, answer));
                Recorded::Open
            }
            // The visit's time and keys count; its unfinished change does not.
            Ending::TimedOut | Ending::Quit => {
                let ended = answer.ending == Ending::Quit;
                let as_it_stood = Answer {
                    ending: previous.ending,
                    typing: answer.typing.with_text_of(&previous.typing),
                    at: answer.at,
                };
                if ended {
                    self.open.insert(index, (mark, as_it_stood));
                    return Recorded::Ended;
                }
                settled(index, as_it_stood, Some(left_open(mark)))
            }
        }
    }

    /// Settles every open item as it stands, in plan order (the exam is over): a flagged
    /// answer is scored, a skipped or empty one is a skip.
    pub fn finish(&mut self) -> Vec<Settled> {
        self.queue.clear();
        std::mem::take(&mut self.open)
            .into_iter()
            .map(|(index, (mark, answer))| Settled {
                index,
                answer,
                note: Some(left_open(mark)),
            })
            .collect()
    }
}

fn settled(index: usize, answer: Answer, note: Option<ReviewNote>) -> Recorded {
    Recorded::Settled(Settled {
        index,
        answer,
        note,
    })
}

fn left_open(mark: Mark) -> ReviewNote {
    ReviewNote {
        mark,
        answered_on_return: false,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::drill::session::{Key, Typing};

    /// A visit: what is typed, then the key that ends it (`None`: the time ran out).
    #[derive(Clone, Copy)]
    struct V(&'static str, Option<Key>);

    const ENTER: Option<Key> = Some(Key::Enter);
    const TAB: Option<Key> = Some(Key::Flag);
    const ESC: Option<Key> = Some(Key::Esc);
    const QUIT: Option<Key> = Some(Key::Quit);
    const TIME: Option<Key> = None;

    /// A settled row: item index, ending, text, elapsed seconds, keystrokes.
    type Row = (usize, Ending, String, u64, u64);

    /// Drives `flags` through `visits` (one per step asked), each visit one second per key;
    /// at a pass's end, `again` says whether to review again. Returns the order of visits
    /// and every row settled (index, ending, text, elapsed seconds, keystrokes), the
    /// remaining ones settled by `finish` after the session ends.
    fn run(
        total: usize,
        enabled: bool,
        visits: &[V],
        again: &[bool],
    ) -> (Vec<(usize, Visit)>, Vec<Row>) {
        let mut flags = Flags::new(total, enabled);
        let mut now = Duration::ZERO;
        let mut asked = Vec::new();
        let mut rows = Vec::new();
        let mut visits = visits.iter();
        let mut again = again.iter();
        loop {
            let (index, visit) = match flags.next() {
                Step::Ask { index, visit } => (index, visit),
                Step::PassOver(_) if again.next() == Some(&true) => {
                    flags.review_again();
                    continue;
                }
                Step::PassOver(_) | Step::Done => break,
            };
            let Some(&V(text, key)) = visits.next() else {
                break;
            };
            asked.push((index, visit));
            let mut typing = match flags.previous(index) {
                Some(previous) => Typing::resume(previous, now),
                None => Typing::new(now),
            }
            .flaggable(enabled);
            let mut ending = Ending::TimedOut;
            let keys = text.chars().map(Key::Char).chain(key);
            for key in keys {
                now += Duration::from_secs(1);
                if let Some(end) = typing.press(key, now) {
                    ending = end;
                    break;
                }
            }
            if key.is_none() {
                now += Duration::from_secs(1);
            }
            let answer = Answer {
                ending,
                typing,
                at: now,
            };
            match flags.record(index, answer) {
                Recorded::Settled(s) => rows.push(s),
                Recorded::Open => {}
                Recorded::Ended => break,
            }
        }
        rows.extend(flags.finish());
        let rows = rows
            .into_iter()
            .map(|s| {
                let a = &s.answer;
                (
                    s.index,
                    a.ending,
                    a.typing.text().to_string(),
                    a.spent().as_secs(),
                    a.typing.keystrokes(),
                )
            })
            .collect();
        (asked, rows)
    }

    fn first(index: usize) -> (usize, Visit) {
        (index, Visit::First)
    }

    fn back(index: usize, pass: usize, position: usize, of: usize, mark: Mark) -> (usize, Visit) {
        (
            index,
            Visit::Return {
                pass,
                position,
                of,
                mark,
            },
        )
    }

    use Ending::{Flagged, Skipped, Submitted, TimedOut};
    use Mark::{Flagged as F, Skipped as S};

    #[test]
    fn visits_and_rows() {
        struct Case {
            name: &'static str,
            total: usize,
            enabled: bool,
            visits: Vec<V>,
            again: Vec<bool>,
            asked: Vec<(usize, Visit)>,
            rows: Vec<(usize, Ending, &'static str, u64, u64)>,
        }
        let cases = [
            Case {
                name: "no flags: one pass, rows at once",
                total: 2,
                enabled: true,
                visits: vec![V("A1", ENTER), V("B2", ENTER)],
                again: vec![],
                asked: vec![first(0), first(1)],
                rows: vec![(0, Submitted, "A1", 3, 3), (1, Submitted, "B2", 3, 3)],
            },
            Case {
                name: "flagged with an answer, changed on return: one row, times summed",
                total: 2,
                enabled: true,
                visits: vec![V("A1", TAB), V("B2", ENTER), V("X", ENTER)],
                again: vec![],
                asked: vec![first(0), first(1), back(0, 1, 1, 1, F)],
                rows: vec![(1, Submitted, "B2", 3, 3), (0, Submitted, "A1X", 5, 5)],
            },
            Case {
                name: "skips come back too, after the list, in plan order",
                total: 3,
                enabled: true,
                visits: vec![
                    V("", ESC),
                    V("B", TAB),
                    V("C1", ENTER),
                    V("A1", ENTER),
                    V("", ENTER),
                ],
                again: vec![],
                asked: vec![
                    first(0),
                    first(1),
                    first(2),
                    back(0, 1, 1, 2, S),
                    back(1, 1, 2, 2, F),
                ],
                rows: vec![
                    (2, Submitted, "C1", 3, 3),
                    (0, Submitted, "A1", 4, 4),
                    (1, Submitted, "B", 3, 3),
                ],
            },
            Case {
                name: "flagged again, then the candidate ends: the provisional answer stands",
                total: 1,
                enabled: true,
                visits: vec![V("A", TAB), V("", TAB)],
                again: vec![false],
                asked: vec![first(0), back(0, 1, 1, 1, F)],
                rows: vec![(0, Flagged, "A", 3, 3)],
            },
            Case {
                name: "passes repeat while the candidate asks",
                total: 1,
                enabled: true,
                visits: vec![V("", TAB), V("", ESC), V("A9", ENTER)],
                again: vec![true],
                asked: vec![first(0), back(0, 1, 1, 1, F), back(0, 2, 1, 1, S)],
                rows: vec![(0, Submitted, "A9", 5, 5)],
            },
            Case {
                name: "the exam's time runs out on a first visit: timed out, open ones settled",
                total: 3,
                enabled: true,
                visits: vec![V("A1", TAB), V("", ESC), V("C", TIME)],
                again: vec![],
                asked: vec![first(0), first(1), first(2)],
                rows: vec![
                    (2, TimedOut, "C", 2, 1),
                    (0, Flagged, "A1", 3, 3),
                    (1, Skipped, "", 1, 1),
                ],
            },
            Case {
                name: "items never reached are not settled",
                total: 4,
                enabled: true,
                visits: vec![V("A1", TAB), V("B", QUIT)],
                again: vec![],
                asked: vec![first(0), first(1)],
                rows: vec![(0, Flagged, "A1", 3, 3)],
            },
            Case {
                name: "time cuts a return visit short: the item stands as it was",
                total: 2,
                enabled: true,
                visits: vec![V("A1", TAB), V("", ESC), V("\u{8}", TIME)],
                again: vec![],
                asked: vec![first(0), first(1), back(0, 1, 1, 2, F)],
                rows: vec![(0, Flagged, "A1", 5, 4), (1, Skipped, "", 1, 1)],
            },
            Case {
                name: "ended on a return visit: the open items stand as they were",
                total: 2,
                enabled: true,
                visits: vec![V("A1", TAB), V("B", TAB), V("Z", QUIT)],
                again: vec![],
                asked: vec![first(0), first(1), back(0, 1, 1, 2, F)],
                rows: vec![(0, Flagged, "A1", 5, 4), (1, Flagged, "B", 2, 2)],
            },
            Case {
                name: "flagging off: a skip is a row at once, no review",
                total: 2,
                enabled: false,
                visits: vec![V("", ESC), V("B", ENTER)],
                again: vec![],
                asked: vec![first(0), first(1)],
                rows: vec![(0, Skipped, "", 1, 1), (1, Submitted, "B", 2, 2)],
            },
            Case {
                name: "flagging off: Tab is no key at all",
                total: 1,
                enabled: false,
                visits: vec![V("A", TAB)],
                again: vec![],
                asked: vec![first(0)],
                rows: vec![(0, TimedOut, "A", 2, 1)],
            },
        ];
        for case in cases {
            let (asked, rows) = run(case.total, case.enabled, &case.visits, &case.again);
            assert_eq!(asked, case.asked, "{}", case.name);
            let rows: Vec<(usize, Ending, &str, u64, u64)> = rows
                .iter()
                .map(|(i, e, t, s, k)| (*i, *e, t.as_str(), *s, *k))
                .collect();
            assert_eq!(rows, case.rows, "{}", case.name);
        }
    }

    #[test]
    fn a_pass_over_tallies_the_open_items() {
        let mut flags = Flags::new(2, true);
        let answer = |ending| Answer {
            ending,
            typing: Typing::new(Duration::ZERO),
            at: Duration::ZERO,
        };
        for (index, ending) in [(0, Ending::Flagged), (1, Ending::Skipped)] {
            assert!(matches!(flags.next(), Step::Ask { .. }));
            assert!(matches!(
                flags.record(index, answer(ending)),
                Recorded::Open
            ));
        }
        for (index, ending) in [(0, Ending::Flagged), (1, Ending::Skipped)] {
            assert!(matches!(flags.next(), Step::Ask { index: i, .. } if i == index));
            assert!(matches!(
                flags.record(index, answer(ending)),
                Recorded::Open
            ));
        }
        let tally = Tally {
            flagged: 1,
            skipped: 1,
        };
        assert_eq!(flags.next(), Step::PassOver(tally));
        let settled: Vec<Option<ReviewNote>> = flags.finish().iter().map(|s| s.note).collect();
        assert_eq!(
            settled,
            [
                Some(left_open(Mark::Flagged)),
                Some(left_open(Mark::Skipped))
            ]
        );
        assert_eq!(flags.next(), Step::Done);
    }

    #[test]
    fn review_notes_read_as_words() {
        let note = ReviewNote {
            mark: Mark::Flagged,
            answered_on_return: true,
        };
        assert_eq!(note.describe(), "flagged, answered on return");
    }
}
