//! How an attempt is rated, from the verdict, the corrections and the answer time, so the
//! learner never grades herself (SPEC "Spaced repetition"):
//!
//! | rating | when |
//! |---|---|
//! | 1 Again | any verdict but `correct` (a `partial` case too) |
//! | 2 Hard | correct, with corrections (backspaces), or slower than her 75th percentile |
//! | 4 Easy | correct, no backspace, and faster than her median |
//! | 3 Good | any other correct answer |
//!
//! The percentile and the median are of her own correct recall answers on the same deck, over
//! the whole log: a deck of long cases is not held to the pace of a deck of single codes, and
//! the order rows come in changes nothing.

use crate::metrics::select_quantiles;

/// The four FSRS ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    /// The number FSRS and its optimizer use: 1 to 4.
    pub fn number(self) -> u32 {
        self as u32
    }
}

/// A learner's pace on one deck: the median and the 75th percentile of her correct answer
/// times, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub median_ms: f64,
    pub p75_ms: f64,
}

impl Pace {
    /// The pace of these correct answer times (reordered); `None` for none.
    pub fn of(times: &mut [u32]) -> Option<Pace> {
        if times.is_empty() {
            return None;
        }
        let [median_ms, p75_ms] = select_quantiles(times, [0.5, 0.75]);
        Some(Pace { median_ms, p75_ms })
    }
}

/// What a rating is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub correct: bool,
    /// Whether any backspace was pressed
    pub corrected: bool,
    pub elapsed_ms: u64,
}

/// Rates one answer against the learner's pace on its deck.
pub fn rate(answer: Answer, pace: Pace) -> Rating {
    let elapsed = answer.elapsed_ms as f64;
    if !answer.correct {
        Rating::Again
    } else if answer.corrected || elapsed > pace.p75_ms {
        Rating::Hard
    } else if elapsed < pace.median_ms {
        Rating::Easy
    } else {
        Rating::Good
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_follow_the_rule_table() {
        let pace = Pace {
            median_ms: 4000.0,
            p75_ms: 6000.0,
        };
        // (correct, backspaces, elapsed ms, rating)
        let table = [
            (false, false, 1000, Rating::Again),
            (false, true, 9000, Rating::Again),
            (true, true, 1000, Rating::Hard),
            (true, false, 6001, Rating::Hard),
            (true, true, 6001, Rating::Hard),
            (true, false, 6000, Rating::Good),
            (true, false, 4000, Rating::Good),
            (true, false, 3999, Rating::Easy),
            (true, false, 0, Rating::Easy),
        ];
        for (correct, corrected, elapsed_ms, rating) in table {
            let answer = Answer {
                correct,
                corrected,
                elapsed_ms,
            };
            assert_eq!(rate(answer, pace), rating, "{answer:?}");
        }
    }

    #[test]
    fn pace_is_the_median_and_75th_percentile() {
        let pace = Pace::of(&mut [5000, 1000, 3000, 2000, 4000]).unwrap();
        assert_eq!((pace.median_ms, pace.p75_ms), (3000.0, 4000.0));
        assert_eq!(Pace::of(&mut []), None);
        // A single answer is its own median and percentile: it rates Good.
        let one = Pace::of(&mut [2500]).unwrap();
        let answer = Answer {
            correct: true,
            corrected: false,
            elapsed_ms: 2500,
        };
        assert_eq!(rate(answer, one), Rating::Good);
    }
}
