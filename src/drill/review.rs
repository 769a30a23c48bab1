//! Review of past mistakes: the review pile is every item this user missed (any verdict but
//! `correct`) that has not since been answered correctly twice in a row (a Leitner box).
//! Most-missed items come first, then the most recently missed.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;

use crate::deck::Item;
use crate::log;
use crate::record::AttemptRef;
use crate::score::Verdict;

/// What the log says about one item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct History {
    misses: usize,
    /// Correct answers in a row since the last miss.
    streak: usize,
    /// Order of the last miss in the log (higher = more recent).
    last_miss: usize,
}

/// Correct answers in a row that take an item out of the pile.
pub const LEAVE_AFTER: usize = 2;

/// The review pile of one user, built from log rows.
#[derive(Debug, Clone, Default)]
pub struct Pile {
    items: HashMap<(String, String), History>,
    seen: usize,
}

impl Pile {
    /// Reads a log (a missing log is an empty history).
    pub fn from_log(path: &Path, user: &str) -> Result<Pile> {
        let mut pile = Pile::default();
        if !path.exists() {
            return Ok(pile);
        }
        log::read_log(path, |attempt| pile.record(user, attempt), |_| {})?;
        Ok(pile)
    }

    /// Adds one attempt, in log order; attempts of other users are ignored.
    pub fn record(&mut self, user: &str, attempt: &AttemptRef) {
        if attempt.user != user {
            return;
        }
        self.seen += 1;
        let history = self
            .items
            .entry((attempt.deck.to_string(), attempt.item.to_string()))
            .or_default();
        if attempt.verdict == Verdict::Correct {
            history.streak += 1;
        } else {
            history.misses += 1;
            history.streak = 0;
            history.last_miss = self.seen;
        }
    }

    fn due(history: &History) -> bool {
        history.misses > 0 && history.streak < LEAVE_AFTER
    }

    /// How many of these items are in the pile.
    pub fn count_in(&self, items: &[Item]) -> usize {
        items.iter().filter(|item| self.contains(item)).count()
    }

    fn contains(&self, item: &Item) -> bool {
        self.items
            .get(&(item.deck.clone(), item.id.clone()))
            .is_some_and(Pile::due)
    }

    /// Items of the pile first (most missed, then most recently missed), the others after
    /// them in their given order; `count` items in all.
    pub fn arrange(&self, items: Vec<Item>, count: usize) -> Vec<Item> {
        let (mut due, rest): (Vec<Item>, Vec<Item>) =
            items.into_iter().partition(|item| self.contains(item));
        due.sort_by_key(|item| {
            let history = &self.items[&(item.deck.clone(), item.id.clone())];
            (
                std::cmp::Reverse(history.misses),
                std::cmp::Reverse(history.last_miss),
            )
        });
        due.into_iter().chain(rest).take(count).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::System;
    use crate::record::Attempt;

    fn item(id: &str) -> Item {
        Item {
            id: id.into(),
            prompt: "p".into(),
            answer: "E11.9".into(),
            system: System::Icd10cm,
            accept: String::new(),
            category: String::new(),
            rationale: String::new(),
            optional: String::new(),
            setting: None,
            deck: "d".into(),
            line: 1,
        }
    }

    fn attempt(user: &str, id: &str, verdict: &str) -> Attempt {
        Attempt {
            user: user.into(),
            deck: "d".into(),
            item: id.into(),
            verdict: Verdict::parse(verdict).unwrap(),
            ..crate::record::example("")
        }
    }

    #[test]
    fn most_missed_then_most_recent_first_and_two_correct_leave() {
        let mut pile = Pile::default();
        for (id, verdict) in [
            ("a", "incorrect"),
            ("b", "near_miss"),
            ("b", "incorrect"),
            ("c", "skipped"),
            ("d", "incorrect"),
            ("d", "correct"),
            ("d", "correct"),
            ("e", "correct"),
            ("f", "incorrect"),
            ("f", "correct"),
        ] {
            pile.record("ana", &attempt("ana", id, verdict).as_ref());
        }
        pile.record("ana", &attempt("bob", "e", "incorrect").as_ref());
        let items: Vec<Item> = ["a", "b", "c", "d", "e", "f", "g"].map(item).to_vec();
        assert_eq!(pile.count_in(&items), 4);
        let order: Vec<String> = pile.arrange(items, 6).into_iter().map(|i| i.id).collect();
        assert_eq!(order, ["b", "f", "c", "a", "d", "e"]);
    }
}
