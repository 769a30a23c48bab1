//! Folds attempts into per-group, per-day and per-item sums. Aggregators are built per file
//! and merged; [`Aggregator::finish`] turns the sums into a [`Report`].

use chrono::NaiveDate;
use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;

use super::extras::{self, DaySums, ItemStats};
use super::{FilterSummary, Group, GroupBy, Period, Report, rounded};
use crate::metrics::Accumulator;
use crate::record::{AttemptRef, Mode};
use crate::score::{Detail, Verdict};

/// Width of one answer-time histogram bin.
pub const HISTOGRAM_BIN_MS: u64 = 100;
/// Bins up to ten minutes; slower answers share the last bin.
const HISTOGRAM_BINS: usize = 6001;
/// Shown for an empty key (a deck item without a category, say).
const EMPTY_KEY: &str = "(none)";

/// Which attempts count.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// First local date
    pub since: Option<NaiveDate>,
    /// Last local date, inclusive
    pub until: Option<NaiveDate>,
    pub user: Option<String>,
    pub deck: Option<String>,
    pub mode: Option<Mode>,
}

impl Filters {
    /// Whether an attempt counts. Dates compare as `YYYY-MM-DD` text, which orders as dates.
    fn keep(&self, attempt: &AttemptRef, since: &str, until: &str) -> bool {
        let date = attempt.date();
        (since.is_empty() || date >= since)
            && (until.is_empty() || date <= until)
            && self.user.as_deref().is_none_or(|u| u == attempt.user)
            && self.deck.as_deref().is_none_or(|d| d == attempt.deck)
            && self.mode.is_none_or(|m| m == attempt.mode)
    }
}

/// Values by text key in first-seen order. The last key used is remembered, because log rows
/// come in runs (one session, one deck, one day) and a run needs no hashing.
#[derive(Debug, Clone)]
pub(super) struct Runs<T> {
    map: IndexMap<Box<str>, T, FxBuildHasher>,
    last: usize,
}

impl<T> Default for Runs<T> {
    fn default() -> Self {
        Runs {
            map: IndexMap::default(),
            last: usize::MAX,
        }
    }
}

impl<T> Runs<T> {
    /// The value for `key`, made by `new` the first time.
    fn entry(&mut self, key: &str, new: impl FnOnce() -> T) -> &mut T {
        let same = self
            .map
            .get_index(self.last)
            .is_some_and(|(k, _)| &**k == key);
        if !same {
            self.last = match self.map.get_index_of(key) {
                Some(at) => at,
                None => self.map.insert_full(key.into(), new()).0,
            };
        }
        &mut self.map[self.last]
    }

    /// Entries sorted by key.
    pub(super) fn into_sorted(mut self) -> Vec<(Box<str>, T)> {
        self.map.sort_unstable_keys();
        self.map.into_iter().collect()
    }

    fn into_entries(self) -> impl Iterator<Item = (Box<str>, T)> {
        self.map.into_iter()
    }
}

/// Sums over the attempts seen so far.
#[derive(Debug, Clone)]
pub struct Aggregator {
    by: GroupBy,
    filters: Filters,
    since: String,
    until: String,
    groups: Runs<Accumulator>,
    days: Runs<DaySums>,
    /// Per deck, per item of the deck (item ids are unique only within a deck)
    items: Runs<Runs<ItemStats>>,
    users: Runs<()>,
    /// Near misses by detail; `None` for a near miss without one
    kinds: Runs<u64>,
    answer_times: Vec<u64>,
    skipped: u64,
    /// Scratch for `deck/item` keys
    key: String,
}

impl Aggregator {
    pub fn new(by: GroupBy, filters: &Filters) -> Aggregator {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Aggregator {
            by,
            filters: filters.clone(),
            since: date(filters.since),
            until: date(filters.until),
            groups: Runs::default(),
            days: Runs::default(),
            items: Runs::default(),
            users: Runs::default(),
            kinds: Runs::default(),
            answer_times: vec![0; HISTOGRAM_BINS],
            skipped: 0,
            key: String::new(),
        }
    }

    /// Counts rows a reader skipped.
    pub fn skip(&mut self, rows: u64) {
        self.skipped += rows;
    }

    /// Adds one attempt, if the filters keep it.
    pub fn add(&mut self, attempt: &AttemptRef) {
        if !self.filters.keep(attempt, &self.since, &self.until) {
            return;
        }
        let correct = attempt.verdict == Verdict::Correct;
        let near_miss = attempt.verdict == Verdict::NearMiss;
        let key: &str = match self.by {
            GroupBy::Deck => attempt.deck,
            GroupBy::System => attempt.system.name(),
            GroupBy::Category => attempt.category,
            GroupBy::Day => attempt.date(),
            GroupBy::Session => attempt.session,
            GroupBy::User => attempt.user,
            GroupBy::Mode => attempt.mode.name(),
            GroupBy::Item => {
                self.key.clear();
                self.key.push_str(attempt.deck);
                self.key.push('/');
                self.key.push_str(attempt.item);
                &self.key
            }
        };
        self.groups.entry(key, Accumulator::default).add(
            attempt.verdict,
            attempt.score,
            attempt.elapsed_ms,
            attempt.keystrokes,
        );
        self.days
            .entry(attempt.date(), DaySums::default)
            .add(correct, attempt.elapsed_ms);
        let item = self
            .items
            .entry(attempt.deck, Runs::default)
            .entry(attempt.item, || ItemStats::new(attempt));
        item.attempts += 1;
        item.correct += u64::from(correct);
        self.users.entry(attempt.user, || ());
        if near_miss {
            *self.kinds.entry(kind_name(attempt.detail), || 0) += 1;
        }
        self.answer_times[bin_of(attempt.elapsed_ms)] += 1;
    }

    /// Adds everything another aggregator (with the same grouping) collected.
    pub fn merge(&mut self, other: Aggregator) {
        for (key, acc) in other.groups.into_entries() {
            self.groups.entry(&key, Accumulator::default).merge(&acc);
        }
        for (key, sums) in other.days.into_entries() {
            self.days.entry(&key, DaySums::default).merge(sums);
        }
        for (deck, items) in other.items.into_entries() {
            let mine = self.items.entry(&deck, Runs::default);
            for (key, stats) in items.into_entries() {
                mine.entry(&key, || stats.empty_copy()).merge(&stats);
            }
        }
        for (key, ()) in other.users.into_entries() {
            self.users.entry(&key, || ());
        }
        for (key, count) in other.kinds.into_entries() {
            *self.kinds.entry(&key, || 0) += count;
        }
        for (mine, theirs) in self.answer_times.iter_mut().zip(other.answer_times) {
            *mine += theirs;
        }
        self.skipped += other.skipped;
    }

    /// The report of everything added; `logs` names the files read.
    pub fn finish(self, logs: Vec<String>) -> Report {
        let sorted = self.groups.into_sorted();
        // The overall quantiles select among every answer time: on a thread of their own.
        let (overall, groups) = std::thread::scope(|scope| {
            let overall = scope.spawn(|| {
                let mut all = Accumulator::default();
                for (_, acc) in &sorted {
                    all.merge(acc);
                }
                rounded(all.metrics())
            });
            let groups: Vec<Group> = sorted
                .iter()
                .map(|(key, acc)| Group {
                    key: if key.is_empty() {
                        EMPTY_KEY.to_string()
                    } else {
                        key.to_string()
                    },
                    metrics: rounded(acc.clone().metrics()),
                })
                .collect();
            let overall = overall
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (overall, groups)
        });
        let days = self.days.into_sorted();
        let period = match (days.first(), days.last()) {
            (Some((from, _)), Some((to, _))) => Some(Period {
                from: from.to_string(),
                to: to.to_string(),
            }),
            _ => None,
        };
        let mut users: Vec<String> = self.users.into_entries().map(|(k, ())| k.into()).collect();
        users.sort();
        Report {
            overall,
            groups,
            weakest_items: extras::weakest_items(
                self.items
                    .into_entries()
                    .flat_map(|(_, items)| items.into_entries().map(|(_, stats)| stats)),
            ),
            progress: extras::progress(days),
            near_miss_kinds: extras::near_miss_kinds(self.kinds.into_entries()),
            by: self.by,
            period,
            users,
            filters: FilterSummary {
                since: self.filters.since.map(|d| d.to_string()),
                until: self.filters.until.map(|d| d.to_string()),
                user: self.filters.user,
                deck: self.filters.deck,
                mode: self.filters.mode.map(|m| m.name().to_string()),
            },
            logs,
            skipped_rows: self.skipped,
            answer_times: self.answer_times,
        }
    }
}

/// How a near miss's kind is named in reports.
fn kind_name(detail: Option<Detail>) -> &'static str {
    detail.map_or("unspecified", Detail::name)
}

/// The histogram bin of an answer time.
fn bin_of(elapsed_ms: u64) -> usize {
    (elapsed_ms / HISTOGRAM_BIN_MS).min(HISTOGRAM_BINS as u64 - 1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_keep_first_seen_order_and_sort() {
        let mut runs: Runs<u32> = Runs::default();
        for key in ["b", "b", "a", "b", "c", "a"] {
            *runs.entry(key, || 0) += 1;
        }
        let sorted: Vec<(String, u32)> = runs
            .into_sorted()
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect();
        assert_eq!(sorted, [("a".into(), 2), ("b".into(), 3), ("c".into(), 1)]);
    }

    #[test]
    fn histogram_bins_cap_at_ten_minutes() {
        assert_eq!(bin_of(0), 0);
        assert_eq!(bin_of(99), 0);
        assert_eq!(bin_of(100), 1);
        assert_eq!(bin_of(u64::MAX), HISTOGRAM_BINS - 1);
    }
}
