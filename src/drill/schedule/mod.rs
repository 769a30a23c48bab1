//! Spaced repetition from the attempt log alone (SPEC "Spaced repetition"). Every recall
//! attempt (`practice`, `review`, `exam`; not `transcribe`) of a user is a review of its item,
//! rated from what she typed and how fast ([`rating`]); FSRS (the `fsrs` crate, the scheduler
//! Anki builds on) turns each item's reviews into a memory state, and the memory state and the
//! desired retention into the next due time. Nothing is stored besides the log: the schedule
//! is rebuilt at start from one streaming pass, so a copied or merged log schedules the same.
//!
//! Rules:
//! - an item's reviews are taken in time order, whatever their order in the log, and its
//!   first attempt is its first review;
//! - days are the local dates written in the timestamps (as reports count them): reviews on
//!   the same date are same-day reviews for FSRS, and "today" is the local date now;
//! - after Again an item is due again [`RELEARN_MS`] later (a relearning step, so a miss comes
//!   back the same day); after Hard, Good or Easy it is due the whole number of days FSRS
//!   gives for the desired retention (at least one) after the review, at the same time of day;
//! - states, as FSRS names them: new (no review yet), learning (missed every time so far),
//!   review (answered right, not missed since), relearning (missed after being in review);
//! - an item is due today when its due date is today or earlier; due items come most
//!   forgotten first: lowest FSRS retrievability now;
//! - a due review (for retention) is a review of an item in review whose due date had come.

pub(crate) mod params;
pub(crate) mod rating;
pub(crate) mod time;

use std::path::Path;

use anyhow::Result;
use fsrs::{FSRSItem, FSRSReview, MemoryState};
use rustc_hash::FxHashMap;

use crate::deck::Item;
use crate::log;
use crate::record::{AttemptRef, Mode};
use crate::score::Verdict;
pub use params::Params;
use rating::{Answer, Pace, Rating};
use time::{DAY_MS, Moment};

/// How long after a miss the item is due again.
pub const RELEARN_MS: i64 = 10 * 60_000;

/// The longest interval, in days (FSRS's own maximum).
const MAX_INTERVAL_DAYS: f32 = 36_500.0;

/// Where an item stands, as FSRS and its review log number them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    New = 0,
    Learning = 1,
    Review = 2,
    Relearning = 3,
}

impl State {
    /// The number of the optimizer's `review_state`.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The state after a review rated `rating`.
    fn after(self, rating: Rating) -> State {
        match (self, rating) {
            (State::New | State::Learning, Rating::Again) => State::Learning,
            (State::Review | State::Relearning, Rating::Again) => State::Relearning,
            _ => State::Review,
        }
    }
}

/// One recall attempt, as small as the scheduler can keep it (24 bytes): a million of one
/// learner's rows take 24 MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Review {
    /// Milliseconds since the epoch, UTC
    utc: i64,
    card: u32,
    elapsed_ms: u32,
    /// The timestamp's offset from UTC, in minutes
    offset_min: i16,
    correct: bool,
    corrected: bool,
}

impl Review {
    fn moment(&self) -> Moment {
        Moment {
            utc: self.utc,
            local: self.utc + i64::from(self.offset_min) * 60_000,
        }
    }

    fn answer(&self) -> Answer {
        Answer {
            correct: self.correct,
            corrected: self.corrected,
            elapsed_ms: u64::from(self.elapsed_ms),
        }
    }
}

/// The recall attempts of one user (or, when none is named, of every user: the review log
/// then refuses several), collected from log rows in any order.
#[derive(Debug, Clone, Default)]
pub struct Reviews {
    user: Option<Box<str>>,
    deck: Option<Box<str>>,
    decks: Vec<Box<str>>,
    deck_ids: FxHashMap<Box<str>, u32>,
    /// Per deck: its items' card numbers
    items: Vec<FxHashMap<Box<str>, u32>>,
    /// Per card: its deck and item
    cards: Vec<(u32, Box<str>)>,
    reviews: Vec<Review>,
    /// Users whose attempts were taken
    users: Vec<Box<str>>,
    /// Recall rows whose timestamp is not a date-time: left out
    pub unreadable: u64,
    last_deck: Option<u32>,
}

impl Reviews {
    /// Collects the attempts of `user` (any user when `None`) on `deck` (any when `None`).
    pub fn new(user: Option<&str>, deck: Option<&str>) -> Reviews {
        Reviews {
            user: user.map(Into::into),
            deck: deck.map(Into::into),
            ..Reviews::default()
        }
    }

    /// The reviews of `user` in a log, read in one streaming pass (a missing log is no
    /// history). Rows the reader skips are skipped here too, silently: reports name them.
    pub fn from_log(path: &Path, user: &str) -> Result<Reviews> {
        let mut reviews = Reviews::new(Some(user), None);
        reviews.read(path)?;
        Ok(reviews)
    }

    /// Adds the rows of one more log.
    pub fn read(&mut self, path: &Path) -> Result<()> {
        if path.exists() {
            log::read_log(path, |attempt| self.add(attempt), |_| {})?;
        }
        Ok(())
    }

    /// Adds one attempt, if it is a recall attempt of the user and deck asked for.
    pub fn add(&mut self, attempt: &AttemptRef) {
        if attempt.mode == Mode::Transcribe
            || self
                .user
                .as_deref()
                .is_some_and(|user| user != attempt.user)
            || self
                .deck
                .as_deref()
                .is_some_and(|deck| deck != attempt.deck)
        {
            return;
        }
        let Some(at) = time::parse_timestamp(attempt.timestamp) else {
            self.unreadable += 1;
            return;
        };
        // Rows come in runs of one user: the last one seen is checked first.
        if self.user.is_none()
            && self.users.last().is_none_or(|u| **u != *attempt.user)
            && !self.users.iter().any(|u| **u == *attempt.user)
        {
            self.users.push(attempt.user.into());
        }
        let card = self.card(attempt.deck, attempt.item);
        self.reviews.push(Review {
            utc: at.utc,
            card,
            // At most a day: the row's bound.
            elapsed_ms: u32::try_from(attempt.elapsed_ms).unwrap_or(u32::MAX),
            // RFC 3339 offsets are under a day.
            offset_min: i16::try_from((at.local - at.utc) / 60_000).unwrap_or(0),
            correct: attempt.verdict == Verdict::Correct,
            corrected: attempt.backspaces > 0,
        });
    }

    /// The card number of a deck's item, numbered the first time it is seen.
    fn card(&mut self, deck: &str, item: &str) -> u32 {
        let deck_id = match self.last_deck {
            Some(id) if *self.decks[id as usize] == *deck => id,
            _ => match self.deck_ids.get(deck) {
                Some(&id) => id,
                None => {
                    let id = self.decks.len() as u32;
                    self.decks.push(deck.into());
                    self.deck_ids.insert(deck.into(), id);
                    self.items.push(FxHashMap::default());
                    id
                }
            },
        };
        self.last_deck = Some(deck_id);
        let items = &mut self.items[deck_id as usize];
        if let Some(&card) = items.get(item) {
            return card;
        }
        let card = self.cards.len() as u32;
        self.cards.push((deck_id, item.into()));
        items.insert(item.into(), card);
        card
    }

    /// The users whose attempts were taken, in the order first seen (only counted when no user
    /// was named).
    pub fn users(&self) -> &[Box<str>] {
        &self.users
    }

    /// How many reviews were taken.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.reviews.len()
    }

    /// Whether no review was taken.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.reviews.is_empty()
    }

    /// The learner's pace per deck, from her correct answers.
    fn paces(&self) -> Vec<Pace> {
        let mut times: Vec<Vec<u32>> = vec![Vec::new(); self.decks.len()];
        for review in self.reviews.iter().filter(|r| r.correct) {
            let deck = self.cards[review.card as usize].0;
            times[deck as usize].push(review.elapsed_ms);
        }
        times
            .iter_mut()
            .map(|times| {
                // A deck without a correct answer never needs its pace.
                Pace::of(times).unwrap_or(Pace {
                    median_ms: 0.0,
                    p75_ms: 0.0,
                })
            })
            .collect()
    }

    /// Replays every item's reviews in time order, calling `each` for every review, and gives
    /// each card's schedule, by card number.
    pub fn replay(&mut self, params: &Params, mut each: impl FnMut(&Replayed)) -> Vec<Card> {
        let paces = self.paces();
        // Every field is in the key, so equal times cannot come out in two orders.
        self.reviews.sort_unstable_by_key(|r| {
            (
                r.card,
                r.utc,
                r.offset_min,
                r.elapsed_ms,
                r.correct,
                r.corrected,
            )
        });
        let mut cards = Vec::with_capacity(self.cards.len());
        for run in self.reviews.chunk_by(|a, b| a.card == b.card) {
            let (deck, item) = &self.cards[run[0].card as usize];
            let pace = paces[*deck as usize];
            let card = replay_card(params, run, pace, |review, rating, state, due| {
                each(&Replayed {
                    deck: &self.decks[*deck as usize],
                    item,
                    at: review.moment(),
                    elapsed_ms: review.elapsed_ms,
                    rating,
                    state,
                    due,
                    correct: review.correct,
                });
            });
            cards.push(card);
        }
        cards
    }

    /// Every item's schedule as of `now`.
    pub fn schedule(&mut self, params: &Params, now: Moment) -> Schedule {
        let cards = self.replay(params, |_| {});
        let mut by_deck: FxHashMap<Box<str>, FxHashMap<Box<str>, Card>> = FxHashMap::default();
        for ((deck, item), card) in self.cards.iter().zip(cards) {
            by_deck
                .entry(self.decks[*deck as usize].clone())
                .or_default()
                .insert(item.clone(), card);
        }
        Schedule {
            cards: by_deck,
            now,
            decay: params.decay,
        }
    }
}

/// One review as it is replayed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Replayed<'a> {
    pub deck: &'a str,
    pub item: &'a str,
    pub at: Moment,
    pub elapsed_ms: u32,
    pub rating: Rating,
    /// The item's state when it was reviewed
    pub state: State,
    /// Whether the item was in review and due: the reviews retention counts
    pub due: bool,
    pub correct: bool,
}

/// Where one item stands after its reviews.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Card {
    pub state: State,
    memory: MemoryState,
    /// The last review
    last: Moment,
    /// The local time it is due
    pub due: i64,
    /// The local day of its first review
    first_day: i64,
    pub reviews: u32,
}

impl Card {
    /// The local day it is due.
    pub fn due_day(&self) -> i64 {
        self.due.div_euclid(DAY_MS)
    }
}

/// Replays one item's reviews (in time order), calling `each` with each review, its rating,
/// the state it found the item in and whether it was a due review.
fn replay_card(
    params: &Params,
    run: &[Review],
    pace: Pace,
    mut each: impl FnMut(&Review, Rating, State, bool),
) -> Card {
    let mut previous_day: Option<i64> = None;
    let fsrs_reviews: Vec<FSRSReview> = run
        .iter()
        .map(|review| {
            let day = review.moment().day();
            let delta_t = previous_day.map_or(0, |before| (day - before).clamp(0, 1 << 30));
            previous_day = Some(day);
            FSRSReview {
                rating: rating::rate(review.answer(), pace).number(),
                delta_t: delta_t as u32,
            }
        })
        .collect();
    let memories = memories(params, fsrs_reviews);
    let mut state = State::New;
    let mut due = i64::MIN;
    let mut memory = MemoryState {
        stability: 0.0,
        difficulty: 0.0,
    };
    for (review, &after) in run.iter().zip(&memories) {
        let at = review.moment();
        let rating = rating::rate(review.answer(), pace);
        let was_due = state == State::Review && at.day() >= due.div_euclid(DAY_MS);
        each(review, rating, state, was_due);
        state = state.after(rating);
        memory = after;
        due = at.local.saturating_add(match rating {
            Rating::Again => RELEARN_MS,
            _ => interval_days(params, memory.stability) * DAY_MS,
        });
    }
    let first = run.first().map(Review::moment).unwrap_or_default();
    Card {
        state,
        memory,
        last: run.last().map(Review::moment).unwrap_or_default(),
        due,
        first_day: first.day(),
        reviews: run.len() as u32,
    }
}

/// The memory state after each review: all at once, or one by one when a step fails (a state
/// that is not finite, which extreme gaps could give) so that one bad step keeps the last good
/// state instead of losing the item.
fn memories(params: &Params, reviews: Vec<FSRSReview>) -> Vec<MemoryState> {
    let item = FSRSItem {
        reviews: reviews.clone(),
    };
    if let Ok(states) = params.fsrs.historical_memory_states(item, None)
        && states.len() == reviews.len()
    {
        return states;
    }
    let mut memory: Option<MemoryState> = None;
    reviews
        .iter()
        .map(|review| {
            if let Ok(next) =
                params
                    .fsrs
                    .next_states(memory, params.retention as f32, review.delta_t)
            {
                let chosen = match review.rating {
                    1 => next.again,
                    2 => next.hard,
                    3 => next.good,
                    _ => next.easy,
                };
                memory = Some(chosen.memory);
            }
            memory.unwrap_or(MemoryState {
                stability: 1.0,
                difficulty: 5.0,
            })
        })
        .collect()
}

/// Whole days until an item of this stability is due, for the desired retention.
fn interval_days(params: &Params, stability: f32) -> i64 {
    let days = params.fsrs.next_interval(
        Some(stability),
        params.retention as f32,
        Rating::Good.number(),
    );
    if days.is_finite() {
        days.round().clamp(1.0, MAX_INTERVAL_DAYS) as i64
    } else {
        1
    }
}

/// Every reviewed item's schedule as of a moment, by deck and item.
#[derive(Debug, Clone)]
pub struct Schedule {
    cards: FxHashMap<Box<str>, FxHashMap<Box<str>, Card>>,
    now: Moment,
    decay: f32,
}

/// A `--due` session's items: the due ones, most forgotten first, then the new ones allowed
/// today.
#[derive(Debug, Clone)]
pub struct DuePlan {
    pub items: Vec<Item>,
    pub due: usize,
    pub new: usize,
    /// New items first reviewed earlier today: they count against the daily limit
    pub new_today: usize,
    /// New items left for another day by the limit
    pub new_waiting: usize,
}

/// A deck's items by where they stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub items: usize,
    /// Never reviewed
    pub new: usize,
    /// Learning or relearning: missed, and not answered right since
    pub learning: usize,
    /// Reviewed items due today or earlier
    pub due_today: usize,
}

impl Schedule {
    /// When the schedule is for.
    pub fn now(&self) -> Moment {
        self.now
    }

    /// An item's schedule; `None` for an item never reviewed.
    pub fn card(&self, deck: &str, item: &str) -> Option<&Card> {
        self.cards.get(deck)?.get(item)
    }

    fn of(&self, item: &Item) -> Option<&Card> {
        self.card(&item.deck, &item.id)
    }

    /// Every reviewed item's schedule.
    #[cfg(test)]
    pub fn cards(&self) -> impl Iterator<Item = &Card> {
        self.cards.values().flat_map(|items| items.values())
    }

    /// Whether a reviewed item is due today (or was due before).
    pub fn is_due(&self, card: &Card) -> bool {
        card.due_day() <= self.now.day()
    }

    /// How likely the item is recalled now, by FSRS's forgetting curve.
    pub fn retrievability(&self, card: &Card) -> f32 {
        let days = (self.now.local - card.last.local).max(0) as f32 / DAY_MS as f32;
        let r = fsrs::current_retrievability(card.memory, days, self.decay);
        if r.is_finite() { r } else { 0.0 }
    }

    /// The items of a `--due` session: those due today, the most forgotten (lowest
    /// retrievability) first, then never-reviewed ones in their given order, up to
    /// `new_limit` a day (new items first reviewed earlier today count against it).
    pub fn plan(&self, items: Vec<Item>, new_limit: usize) -> DuePlan {
        let today = self.now.day();
        let mut due = Vec::new();
        let mut new = Vec::new();
        let mut new_today = 0;
        for item in items {
            match self.of(&item) {
                None => new.push(item),
                Some(card) => {
                    new_today += usize::from(card.first_day == today);
                    if self.is_due(card) {
                        due.push((self.retrievability(card), card.due, item));
                    }
                }
            }
        }
        // Stable: equally forgotten items keep their given order.
        due.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let allowed = new_limit.saturating_sub(new_today);
        let new_waiting = new.len().saturating_sub(allowed);
        new.truncate(allowed);
        let (due_count, new_count) = (due.len(), new.len());
        DuePlan {
            items: due
                .into_iter()
                .map(|(_, _, item)| item)
                .chain(new)
                .collect(),
            due: due_count,
            new: new_count,
            new_today,
            new_waiting,
        }
    }

    /// These items by where they stand.
    pub fn counts(&self, items: &[Item]) -> Counts {
        let mut counts = Counts {
            items: items.len(),
            ..Counts::default()
        };
        for item in items {
            match self.of(item) {
                None => counts.new += 1,
                Some(card) => {
                    counts.learning +=
                        usize::from(matches!(card.state, State::Learning | State::Relearning));
                    counts.due_today += usize::from(self.is_due(card));
                }
            }
        }
        counts
    }

    /// The earliest local time after today that one of these reviewed items is due.
    pub fn next_due(&self, items: &[Item]) -> Option<i64> {
        items
            .iter()
            .filter_map(|item| self.of(item))
            .filter(|card| !self.is_due(card))
            .map(|card| card.due)
            .min()
    }
}

#[cfg(test)]
mod tests;
