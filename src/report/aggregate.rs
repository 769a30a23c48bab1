//! Folds attempts into per-group, per-day and per-item sums. Aggregators are built per file
//! and merged; [`Aggregator::finish`] turns the sums into a [`Report`].

use chrono::NaiveDate;
use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;

use super::extras::{self, DaySums, ItemStats};
use super::sessions::SessionSums;
use super::{FilterSummary, Group, GroupBy, Period, Report, rounded};
use crate::metrics::{Accumulator, answer_codes};
use crate::record::{AttemptRef, Mode};
use crate::score::{Detail, Verdict, missed_cc};

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
            return self.entry_anew(key, new);
        }
        &mut self.map[self.last]
    }

    /// The value for `key`, made by `new` the first time, for keys that seldom come twice in a
    /// row (item ids): no comparison with the last key first.
    fn entry_anew(&mut self, key: &str, new: impl FnOnce() -> T) -> &mut T {
        self.last = match self.map.get_index_of(key) {
            Some(at) => at,
            None => self.map.insert_full(key.into(), new()).0,
        };
        &mut self.map[self.last]
    }

    /// The value for `key`, if there is one.
    fn get(&mut self, key: &str) -> Option<&mut T> {
        self.map.get_mut(key)
    }

    fn get_ref(&self, key: &str) -> Option<&T> {
        self.map.get(key)
    }

    fn insert(&mut self, key: Box<str>, value: T) {
        self.map.insert(key, value);
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
    /// Transcription attempts, kept apart from recall when no `--mode` is asked for:
    /// retyping a shown code is keying speed, not coding accuracy
    transcription: Accumulator,
    /// Per session, when asked for ([`Aggregator::with_sessions`])
    sessions: Option<Runs<SessionSums>>,
    /// Per PCS axis, when grouping by axis (the other groups then hold only the overall sums)
    axes: Option<super::axes::AxisGroups>,
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
            transcription: Accumulator::default(),
            sessions: (by == GroupBy::Session).then(Runs::default),
            axes: (by == GroupBy::Axis).then(Default::default),
            key: String::new(),
        }
    }

    /// Also keeps each session's facts and sums (for the per-session points of a one-day
    /// chart); a report by session always keeps them.
    pub fn with_sessions(mut self) -> Aggregator {
        self.sessions.get_or_insert_with(Runs::default);
        self
    }

    /// Whether transcription attempts are kept apart: when no mode was asked for.
    fn splits_transcription(&self) -> bool {
        self.filters.mode.is_none()
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
        self.users.entry(attempt.user, || ());
        if attempt.mode == Mode::Transcribe && self.splits_transcription() {
            self.add_transcription(attempt);
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
            GroupBy::Axis => "",
            GroupBy::Item => {
                self.key.clear();
                self.key.push_str(attempt.deck);
                self.key.push('/');
                self.key.push_str(attempt.item);
                &self.key
            }
        };
        let group = self.groups.entry(key, Accumulator::default);
        group.add(
            attempt.verdict,
            attempt.score,
            attempt.elapsed_ms,
            attempt.keystrokes,
        );
        group.add_case(answer_codes(attempt.expected), attempt.elapsed_ms);
        // A correct answer holds every code of its key: only others can miss a CC.
        if !correct && missed_cc(attempt.system, attempt.expected, attempt.entered) {
            group.add_missed_cc();
        }
        self.days
            .entry(attempt.date(), DaySums::default)
            .add(correct, attempt.elapsed_ms);
        let item = self
            .items
            .entry(attempt.deck, Runs::default)
            .entry_anew(attempt.item, || ItemStats::new(attempt));
        item.attempts += 1;
        item.correct += u64::from(correct);
        if let Some(sessions) = &mut self.sessions {
            sessions
                .entry(attempt.session, || SessionSums::new(attempt))
                .add(attempt, correct);
        }
        if near_miss {
            *self.kinds.entry(kind_name(attempt.detail), || 0) += 1;
        }
        self.answer_times[bin_of(attempt.elapsed_ms)] += 1;
        if let Some(axes) = &mut self.axes {
            axes.add(attempt);
        }
    }

    /// A transcription attempt: in its own sums, and in its own group when grouping by mode.
    fn add_transcription(&mut self, attempt: &AttemptRef) {
        let sums = (
            attempt.verdict,
            attempt.score,
            attempt.elapsed_ms,
            attempt.keystrokes,
        );
        self.transcription.add(sums.0, sums.1, sums.2, sums.3);
        if self.by == GroupBy::Mode {
            self.groups
                .entry(Mode::Transcribe.name(), Accumulator::default)
                .add(sums.0, sums.1, sums.2, sums.3);
        }
    }

    /// Adds everything another aggregator (with the same grouping) collected.
    pub fn merge(&mut self, other: Aggregator) {
        // Merged into an empty aggregator (as every file's is into the report's), the other is
        // taken whole: its answer times are moved, not copied.
        if self.is_empty() {
            let skipped = self.skipped;
            *self = other;
            self.skipped += skipped;
            return;
        }
        for (key, acc) in other.groups.into_entries() {
            self.groups.entry(&key, Accumulator::default).merge(acc);
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
        self.transcription.merge(other.transcription);
        if let (Some(mine), Some(theirs)) = (&mut self.axes, other.axes) {
            mine.merge(theirs);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.sessions, other.sessions) {
            for (key, sums) in theirs.into_entries() {
                match mine.get(&key) {
                    Some(known) => known.merge(&sums),
                    None => mine.insert(key, sums),
                }
            }
        }
    }

    /// Whether nothing was added yet (rows skipped aside).
    fn is_empty(&self) -> bool {
        self.groups.map.is_empty()
            && self.days.map.is_empty()
            && self.users.map.is_empty()
            && self.transcription.attempts() == 0
    }

    /// The report of everything added; `logs` names the files read.
    pub fn finish(mut self, logs: Vec<String>) -> Report {
        // Grouped by mode, transcription has its group but stays out of the overall row.
        let split = self.splits_transcription() && self.by == GroupBy::Mode;
        let sorted = self.groups.into_sorted();
        let days = self.days.into_sorted();
        let period = match (days.first(), days.last()) {
            (Some((from, _)), Some((to, _))) => Some(Period {
                from: from.to_string(),
                to: to.to_string(),
            }),
            _ => None,
        };
        // The overall row sums every group (transcription aside when grouped by mode); its
        // quantiles select among all answer times, and each day's median among the day's, on
        // threads of their own while each group's are found (all reading the same times).
        let counted = sorted
            .iter()
            .filter(|(key, _)| !(split && &**key == Mode::Transcribe.name()))
            .map(|(_, acc)| acc);
        let (overall, progress, mut groups) = std::thread::scope(|scope| {
            let overall = scope.spawn(move || rounded(Accumulator::metrics_of_all(counted)));
            let progress = scope.spawn(move || extras::progress(days));
            let groups: Vec<Group> = sorted
                .iter()
                .map(|(key, acc)| Group {
                    key: if key.is_empty() {
                        EMPTY_KEY.to_string()
                    } else {
                        key.to_string()
                    },
                    session: None,
                    metrics: rounded(acc.metrics()),
                })
                .collect();
            let overall = overall
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            let progress = progress
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (overall, progress, groups)
        });
        let mut users: Vec<String> = self.users.into_entries().map(|(k, ())| k.into()).collect();
        users.sort();
        let sessions = self.sessions.take().unwrap_or_default();
        if self.by == GroupBy::Session {
            name_sessions(&mut groups, &sessions);
        }
        if let Some(axes) = self.axes.take() {
            groups = axes.into_groups();
        }
        let transcription =
            (self.transcription.attempts() > 0).then(|| rounded(self.transcription.metrics()));
        Report {
            overall,
            groups,
            transcription,
            sessions: session_points(sessions),
            weakest_items: extras::weakest_items(
                self.items
                    .into_entries()
                    .flat_map(|(_, items)| items.into_entries().map(|(_, stats)| stats)),
            ),
            progress,
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
            chain_heads: Vec::new(),
            skipped_rows: self.skipped,
            answer_times: self.answer_times,
        }
    }
}

/// Gives each session's group its facts, and puts the groups in the order the sessions ran.
fn name_sessions(groups: &mut [Group], sessions: &Runs<SessionSums>) {
    for group in groups.iter_mut() {
        group.session = sessions.get_ref(&group.key).map(SessionSums::facts);
    }
    groups.sort_by(|a, b| {
        let start = |g: &Group| g.session.as_ref().map(|s| s.start.clone());
        start(a).cmp(&start(b)).then_with(|| a.key.cmp(&b.key))
    });
}

/// Each session's point, in the order they ran.
fn session_points(sessions: Runs<SessionSums>) -> Vec<super::SessionPoint> {
    let mut points: Vec<_> = sessions.into_entries().map(|(_, s)| s.point()).collect();
    points.sort_by(|a, b| a.facts.start.cmp(&b.facts.start));
    points
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
