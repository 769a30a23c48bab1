//! Folds log rows into per-group, per-day and per-item sums.
//!
//! Rows arrive as raw CSV records (`csv::ByteRecord`) and are checked exactly as
//! [`crate::log::Attempt::from_record`] checks them, without building an `Attempt`: group keys
//! are looked up by their bytes and copied only the first time they are seen. Aggregators are
//! built per reader thread and merged.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;

use super::{
    BEST_DAY_MIN_ATTEMPTS, BestDay, DayPoint, FilterSummary, Group, GroupBy, KindCount, Period,
    Progress, Report, WeakItem, round, rounded,
};
use crate::log::COLUMNS;
use crate::metrics::{Accumulator, ratio, select_quantile};
use crate::score::Verdict;

const TIMESTAMP: usize = 0;
const SESSION: usize = 1;
const USER: usize = 2;
const DECK: usize = 4;
const ITEM: usize = 5;
const SYSTEM: usize = 6;
const CATEGORY: usize = 7;
const PROMPT: usize = 8;
const EXPECTED: usize = 9;
const VERDICT: usize = 11;
const DETAIL: usize = 12;
const SCORE: usize = 13;
const ELAPSED_MS: usize = 14;
const FIRST_KEY_MS: usize = 15;
const KEYSTROKES: usize = 16;
const BACKSPACES: usize = 17;

/// Width of one answer-time histogram bin.
pub const HISTOGRAM_BIN_MS: u64 = 100;
/// Bins up to ten minutes; slower answers share the last bin.
const HISTOGRAM_BINS: usize = 6001;
/// How many weakest items a report lists.
const WEAKEST_ITEMS: usize = 10;
/// Shown for an empty key (a deck item without a category, say).
const EMPTY_KEY: &str = "(none)";

/// Which attempts count.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// First local date, `YYYY-MM-DD`
    pub since: Option<NaiveDate>,
    /// Last local date, inclusive
    pub until: Option<NaiveDate>,
    pub user: Option<String>,
    pub deck: Option<String>,
}

/// The filters in the form rows are compared with.
#[derive(Debug, Clone)]
struct RowFilter {
    since: Option<[u8; 10]>,
    until: Option<[u8; 10]>,
    user: Option<Vec<u8>>,
    deck: Option<Vec<u8>>,
}

impl RowFilter {
    fn new(filters: &Filters) -> RowFilter {
        let date = |d: &NaiveDate| {
            let mut bytes = [0u8; 10];
            bytes.copy_from_slice(d.format("%Y-%m-%d").to_string().as_bytes());
            bytes
        };
        RowFilter {
            since: filters.since.as_ref().map(date),
            until: filters.until.as_ref().map(date),
            user: filters.user.as_ref().map(|u| u.as_bytes().to_vec()),
            deck: filters.deck.as_ref().map(|d| d.as_bytes().to_vec()),
        }
    }

    fn keeps(&self, date: &[u8], user: &[u8], deck: &[u8]) -> bool {
        self.since.is_none_or(|since| date >= &since[..])
            && self.until.is_none_or(|until| date <= &until[..])
            && self.user.as_deref().is_none_or(|u| u == user)
            && self.deck.as_deref().is_none_or(|d| d == deck)
    }
}

/// A fast, non-cryptographic hasher for short keys (the Firefox/rustc "Fx" mix).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    /// Whole 8-byte words, then the rest as one word (read without a copy: the last 8
    /// bytes, overlapping, for keys that long).
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in words.by_ref() {
            self.add(load8(word, 0));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            self.add(if bytes.len() >= 8 {
                load8(bytes, bytes.len() - 8)
            } else {
                short_word(rest)
            });
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Values keyed by bytes, in first-seen order; remembers the last key because log rows come
/// in runs (one session, one deck, one day).
#[derive(Debug, Clone)]
struct Keyed<T> {
    /// Entry by the key's hash; keys whose hash an earlier key has are in `collided`
    index: HashMap<u64, usize, BuildHasherDefault<FxHasher>>,
    collided: HashMap<Box<[u8]>, usize, BuildHasherDefault<FxHasher>>,
    entries: Vec<(Box<[u8]>, T)>,
    last: usize,
}

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed {
            index: HashMap::default(),
            collided: HashMap::default(),
            entries: Vec::new(),
            last: usize::MAX,
        }
    }
}

impl<T> Keyed<T> {
    /// The value for `key`, made by `new` the first time.
    fn entry(&mut self, key: &[u8], new: impl FnOnce() -> T) -> &mut T {
        if self.last >= self.entries.len() || !same_key(&self.entries[self.last].0, key) {
            let hash = hash_key(key);
            self.last = match self.index.get(&hash) {
                Some(&at) if same_key(&self.entries[at].0, key) => at,
                Some(_) => match self.collided.get(key) {
                    Some(&at) => at,
                    None => {
                        let at = self.entries.len();
                        self.collided.insert(key.into(), at);
                        self.entries.push((key.into(), new()));
                        at
                    }
                },
                None => {
                    let at = self.entries.len();
                    self.index.insert(hash, at);
                    self.entries.push((key.into(), new()));
                    at
                }
            };
        }
        &mut self.entries[self.last].1
    }

    fn into_sorted(self) -> Vec<(Box<[u8]>, T)> {
        let mut entries = self.entries;
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries
    }
}

/// A key's hash.
#[inline]
fn hash_key(key: &[u8]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(key);
    hasher.write_usize(key.len());
    hasher.finish()
}

/// The 8 bytes at `at`.
#[inline]
fn load8(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// The 4 bytes at `at`.
#[inline]
fn load4(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

/// Up to 7 bytes as one word that tells apart slices of the same length: two overlapping
/// 4-byte reads, or first, middle and last byte.
#[inline]
fn short_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    match n {
        0 => 0,
        1..=3 => u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
        _ => u64::from(load4(bytes, 0)) | u64::from(load4(bytes, n - 4)) << 32,
    }
}

/// Byte equality without a library call: keys are short, and compared once a row or more.
#[inline]
fn same_key(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return short_word(a) == short_word(b);
    }
    let mut at = 0;
    while at + 8 < n {
        if load8(a, at) != load8(b, at) {
            return false;
        }
        at += 8;
    }
    load8(a, n - 8) == load8(b, n - 8)
}

/// Attempts and correct answers of one item, with how it was asked.
#[derive(Debug, Clone, Default)]
struct ItemStats {
    deck: String,
    item: String,
    prompt: String,
    expected: String,
    attempts: u64,
    correct: u64,
}

/// One record's fields: `data[start..end]` for each range. Borrowed from a `csv::ByteRecord`
/// or from a log line split in place.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    pub data: &'a [u8],
    pub ranges: &'a [(usize, usize)],
    /// The record is known to be valid UTF-8 (its reader checked a whole block)
    pub utf8: bool,
}

impl<'a> Fields<'a> {
    fn len(&self) -> usize {
        self.ranges.len()
    }

    fn get(&self, at: usize) -> &'a [u8] {
        let (start, end) = self.ranges[at];
        &self.data[start..end]
    }

    fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(|at| self.get(at))
    }
}

/// Sums of one day, for moving figures.
#[derive(Debug, Clone, Default)]
struct DaySums {
    attempts: u64,
    correct: u64,
    elapsed_ms: u64,
    times: Vec<u64>,
}

impl DaySums {
    fn add(&mut self, other: &DaySums) {
        self.attempts += other.attempts;
        self.correct += other.correct;
        self.elapsed_ms += other.elapsed_ms;
        self.times.extend_from_slice(&other.times);
    }
}

/// One row, checked.
struct Row<'a> {
    date: &'a [u8],
    verdict: Verdict,
    score: f64,
    elapsed_ms: u64,
    keystrokes: u64,
}

/// Sums over the rows seen so far.
#[derive(Debug, Clone)]
pub struct Aggregator {
    by: GroupBy,
    filter: RowFilter,
    filters: Filters,
    groups: Keyed<Accumulator>,
    /// Per day; answer times only when the groups are not days already
    days: Keyed<DaySums>,
    /// Per deck, per item of the deck
    items: Keyed<Keyed<ItemStats>>,
    users: Keyed<()>,
    kinds: Keyed<u64>,
    answer_times: Vec<u64>,
    skipped: u64,
    key: Vec<u8>,
}

impl Aggregator {
    pub fn new(by: GroupBy, filters: &Filters) -> Aggregator {
        Aggregator {
            by,
            filter: RowFilter::new(filters),
            filters: filters.clone(),
            groups: Keyed::default(),
            days: Keyed::default(),
            items: Keyed::default(),
            users: Keyed::default(),
            kinds: Keyed::default(),
            answer_times: vec![0; HISTOGRAM_BINS],
            skipped: 0,
            key: Vec::new(),
        }
    }

    /// Counts a row skipped by the reader.
    pub fn skip(&mut self) {
        self.skipped += 1;
    }

    /// Adds one record of a log (not the header). `Err` is a warning's message: the row is
    /// skipped and counted.
    pub fn add_record(&mut self, record: &csv::ByteRecord) -> Result<(), String> {
        let ranges: Vec<(usize, usize)> = record
            .iter()
            .scan(0, |start, field| {
                *start += field.len();
                Some((*start - field.len(), *start))
            })
            .collect();
        self.add_fields(Fields {
            data: record.as_slice(),
            ranges: &ranges,
            utf8: false,
        })
    }

    /// [`Aggregator::add_record`] over a record's fields.
    pub fn add_fields(&mut self, record: Fields) -> Result<(), String> {
        let checked = check_record(record);
        let row = match checked {
            Ok(row) => row,
            Err(message) => {
                self.skipped += 1;
                return Err(message);
            }
        };
        let field = |at: usize| unguard(record.get(at));
        if !self.filter.keeps(row.date, field(USER), field(DECK)) {
            return Ok(());
        }
        self.add_row(record, &row);
        Ok(())
    }

    fn add_row(&mut self, record: Fields, row: &Row) {
        let field = |at: usize| unguard(record.get(at));
        let key: &[u8] = match self.by {
            GroupBy::Deck => field(DECK),
            GroupBy::System => field(SYSTEM),
            GroupBy::Category => field(CATEGORY),
            GroupBy::Day => row.date,
            GroupBy::Session => field(SESSION),
            GroupBy::User => field(USER),
            GroupBy::Item => {
                self.key.clear();
                self.key.extend_from_slice(field(DECK));
                self.key.push(b'/');
                self.key.extend_from_slice(field(ITEM));
                &self.key
            }
        };
        self.groups.entry(key, Accumulator::default).add_counted(
            row.verdict == Verdict::Correct,
            row.verdict == Verdict::NearMiss,
            row.score,
            row.elapsed_ms,
            row.keystrokes,
        );
        let day = self.days.entry(row.date, DaySums::default);
        day.attempts += 1;
        day.correct += u64::from(row.verdict == Verdict::Correct);
        day.elapsed_ms += row.elapsed_ms;
        if self.by != GroupBy::Day {
            // The groups hold these times already when they are days.
            day.times.push(row.elapsed_ms);
        }
        let deck_items = self.items.entry(field(DECK), Keyed::default);
        let item = deck_items.entry(field(ITEM), || ItemStats {
            deck: text(field(DECK)),
            item: text(field(ITEM)),
            prompt: text(field(PROMPT)),
            expected: text(field(EXPECTED)),
            ..ItemStats::default()
        });
        item.attempts += 1;
        item.correct += u64::from(row.verdict == Verdict::Correct);
        self.users.entry(field(USER), || ());
        if row.verdict == Verdict::NearMiss {
            *self.kinds.entry(field(DETAIL), || 0) += 1;
        }
        self.answer_times[bin_of(row.elapsed_ms)] += 1;
    }

    /// Adds everything another aggregator (with the same grouping) collected.
    pub fn merge(&mut self, other: Aggregator) {
        for (key, acc) in other.groups.entries {
            self.groups.entry(&key, Accumulator::default).merge(&acc);
        }
        for (key, sums) in other.days.entries {
            self.days.entry(&key, DaySums::default).add(&sums);
        }
        for (deck, items) in other.items.entries {
            let deck_items = self.items.entry(&deck, Keyed::default);
            for (key, stats) in items.entries {
                let mine = deck_items.entry(&key, || ItemStats {
                    attempts: 0,
                    correct: 0,
                    ..stats.clone()
                });
                mine.attempts += stats.attempts;
                mine.correct += stats.correct;
            }
        }
        for (key, ()) in other.users.entries {
            self.users.entry(&key, || ());
        }
        for (key, count) in other.kinds.entries {
            *self.kinds.entry(&key, || 0) += count;
        }
        for (mine, theirs) in self.answer_times.iter_mut().zip(other.answer_times) {
            *mine += theirs;
        }
        self.skipped += other.skipped;
    }

    /// Attempts counted so far.
    pub fn attempts(&self) -> u64 {
        self.groups
            .entries
            .iter()
            .map(|(_, acc)| acc.attempts())
            .sum()
    }

    /// The report of everything added; `logs` names the files read.
    pub fn finish(self, logs: Vec<String>) -> Report {
        let by_day = self.by == GroupBy::Day;
        let sorted = self.groups.into_sorted();
        let mut days = self.days.into_sorted();
        // Every metric selects among answer times: the overall ones (found within one
        // histogram bin) and the days' medians on a thread of their own.
        let answer_times = &self.answer_times;
        let (overall, groups, medians) = std::thread::scope(|scope| {
            let days = &mut days;
            let sorted = &sorted;
            let side = scope.spawn(move || {
                let mut all = Accumulator::default();
                for (_, acc) in sorted {
                    all.merge_sums(acc);
                }
                let times: Vec<&[u64]> = sorted.iter().map(|(_, acc)| acc.times()).collect();
                let overall = match binned_quantiles(&times, answer_times, [0.5, 0.9]) {
                    Some([median, p90]) => all.metrics_with(median, p90),
                    None => {
                        let mut all = Accumulator::default();
                        for (_, acc) in sorted {
                            all.merge(acc);
                        }
                        all.metrics()
                    }
                };
                let medians: Option<Vec<f64>> = (!by_day).then(|| {
                    days.iter_mut()
                        .map(|(_, day)| {
                            round(select_quantile(&mut std::mem::take(&mut day.times), 0.5), 1)
                        })
                        .collect()
                });
                (rounded(overall), medians)
            });
            let groups: Vec<Group> = sorted
                .iter()
                .map(|(key, acc)| Group {
                    key: key_text(key),
                    metrics: rounded(acc.metrics()),
                })
                .collect();
            let (overall, medians) = side
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let medians =
                medians.unwrap_or_else(|| groups.iter().map(|g| g.metrics.median_ms).collect());
            (overall, groups, medians)
        });
        drop(sorted);
        let progress = progress(&days, &medians);
        let period = match (days.first(), days.last()) {
            (Some(first), Some(last)) => Some(Period {
                from: text(&first.0),
                to: text(&last.0),
            }),
            _ => None,
        };
        let mut users: Vec<String> = self.users.entries.iter().map(|(k, ())| text(k)).collect();
        users.sort();
        Report {
            overall,
            groups,
            weakest_items: weakest_items(
                self.items
                    .entries
                    .into_iter()
                    .flat_map(|(_, items)| items.entries),
            ),
            progress,
            near_miss_kinds: near_miss_kinds(self.kinds.entries),
            by: self.by,
            period,
            users,
            filters: FilterSummary {
                since: self.filters.since.map(|d| d.to_string()),
                until: self.filters.until.map(|d| d.to_string()),
                user: self.filters.user,
                deck: self.filters.deck,
            },
            logs,
            skipped_rows: self.skipped,
            answer_times: self.answer_times,
        }
    }
}

/// The histogram bin of an answer time.
#[inline]
fn bin_of(elapsed_ms: u64) -> usize {
    (elapsed_ms / HISTOGRAM_BIN_MS).min(HISTOGRAM_BINS as u64 - 1) as usize
}

/// [`select_quantile`] at each of `qs` over all of `times` (left as they are), whose
/// histogram is `histogram`: the bin holding each rank is found by counting, and the rank is
/// selected among that bin's times only. `None` when the histogram does not count `times`.
fn binned_quantiles<const N: usize>(
    times: &[&[u64]],
    histogram: &[u64],
    qs: [f64; N],
) -> Option<[f64; N]> {
    let n: usize = times.iter().map(|t| t.len()).sum();
    if histogram.len() != HISTOGRAM_BINS || histogram.iter().sum::<u64>() != n as u64 {
        return None;
    }
    if n == 0 {
        return Some([0.0; N]);
    }
    // Each quantile's two ranks (below and above its position), and the fraction between.
    let ranks: [(usize, usize, f64); N] = qs.map(|q| crate::metrics::quantile_ranks(n, q));
    // The bin of a rank, and the rank within that bin.
    let locate = |rank: usize| {
        let mut before = 0usize;
        for (bin, &count) in histogram.iter().enumerate() {
            if rank < before + count as usize {
                return (bin, rank - before);
            }
            before += count as usize;
        }
        (
            HISTOGRAM_BINS - 1,
            rank - (before - histogram[HISTOGRAM_BINS - 1] as usize),
        )
    };
    let mut bins: Vec<usize> = ranks
        .iter()
        .flat_map(|&(below, above, _)| [locate(below).0, locate(above).0])
        .collect();
    bins.sort_unstable();
    bins.dedup();
    let mut members: Vec<Vec<u64>> = bins
        .iter()
        .map(|&bin| Vec::with_capacity(histogram[bin] as usize))
        .collect();
    for &part in times {
        for &time in part {
            let bin = bin_of(time);
            if let Ok(at) = bins.binary_search(&bin) {
                members[at].push(time);
            }
        }
    }
    let mut value = |rank: usize| {
        let (bin, within) = locate(rank);
        let at = bins.binary_search(&bin).ok()?;
        members[at].get(within)?;
        Some(*members[at].select_nth_unstable(within).1)
    };
    let mut out = [0.0; N];
    for (slot, &(below, above, fraction)) in out.iter_mut().zip(&ranks) {
        let low = value(below)?;
        let high = if above == below { low } else { value(above)? };
        *slot = if n == 1 {
            low as f64
        } else {
            low as f64 + (high as f64 - low as f64) * fraction
        };
    }
    Some(out)
}

/// Per-day points with 7-day moving figures, and the best day.
fn progress(days: &[(Box<[u8]>, DaySums)], medians: &[f64]) -> Progress {
    let dates: Vec<Option<NaiveDate>> = days
        .iter()
        .map(|(key, _)| NaiveDate::parse_from_str(&text(key), "%Y-%m-%d").ok())
        .collect();
    let per_hour = |correct: u64, ms: u64| ratio(correct as f64, ms as f64 / 3_600_000.0);
    let mut points = Vec::with_capacity(days.len());
    for (at, (key, day)) in days.iter().enumerate() {
        let in_window = |before: &usize| match (dates[*before], dates[at]) {
            (Some(earlier), Some(today)) => (today - earlier).num_days() < 7,
            _ => *before == at,
        };
        let (mut attempts, mut correct, mut elapsed_ms) = (0, 0, 0);
        for before in (0..=at).rev().take_while(in_window) {
            let other = &days[before].1;
            attempts += other.attempts;
            correct += other.correct;
            elapsed_ms += other.elapsed_ms;
        }
        points.push(DayPoint {
            day: text(key),
            attempts: day.attempts,
            accuracy: round(ratio(day.correct as f64, day.attempts as f64), 4),
            median_ms: medians.get(at).copied().unwrap_or(0.0),
            codes_per_hour: round(per_hour(day.correct, day.elapsed_ms), 1),
            accuracy_7d: round(ratio(correct as f64, attempts as f64), 4),
            codes_per_hour_7d: round(per_hour(correct, elapsed_ms), 1),
        });
    }
    let best_day = best_day(&points);
    Progress {
        days: points,
        best_day,
    }
}

fn best_day(points: &[DayPoint]) -> Option<BestDay> {
    let busy = points.iter().any(|p| p.attempts >= BEST_DAY_MIN_ATTEMPTS);
    points
        .iter()
        .filter(|p| !busy || p.attempts >= BEST_DAY_MIN_ATTEMPTS)
        .max_by(|a, b| {
            (a.accuracy, a.codes_per_hour)
                .partial_cmp(&(b.accuracy, b.codes_per_hour))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| b.day.cmp(&a.day))
        })
        .map(|p| BestDay {
            day: p.day.clone(),
            attempts: p.attempts,
            accuracy: p.accuracy,
            codes_per_hour: p.codes_per_hour,
        })
}

fn weakest_items(items: impl Iterator<Item = (Box<[u8]>, ItemStats)>) -> Vec<WeakItem> {
    let mut weak: Vec<ItemStats> = items
        .map(|(_, stats)| stats)
        .filter(|s| s.attempts >= 2 && s.correct < s.attempts)
        .collect();
    // Lowest accuracy first (compared exactly as fractions), then the most practised.
    weak.sort_by(|a, b| {
        (u128::from(a.correct) * u128::from(b.attempts))
            .cmp(&(u128::from(b.correct) * u128::from(a.attempts)))
            .then(b.attempts.cmp(&a.attempts))
            .then_with(|| (&a.deck, &a.item).cmp(&(&b.deck, &b.item)))
    });
    weak.truncate(WEAKEST_ITEMS);
    weak.into_iter()
        .map(|s| WeakItem {
            accuracy: round(ratio(s.correct as f64, s.attempts as f64), 4),
            deck: s.deck,
            item: s.item,
            prompt: s.prompt,
            expected: s.expected,
            attempts: s.attempts,
            correct: s.correct,
        })
        .collect()
}

fn near_miss_kinds(kinds: Vec<(Box<[u8]>, u64)>) -> Vec<KindCount> {
    let total: u64 = kinds.iter().map(|(_, n)| n).sum();
    let mut counts: Vec<KindCount> = kinds
        .into_iter()
        .map(|(kind, count)| KindCount {
            kind: if kind.is_empty() {
                "unspecified".into()
            } else {
                text(&kind)
            },
            count,
            share: round(ratio(count as f64, total as f64), 4),
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)));
    counts
}

/// Checks a record as `Attempt::from_record` does, in the same order, with the same messages;
/// and that the timestamp starts with a date, which reports need.
fn check_record(record: Fields<'_>) -> Result<Row<'_>, String> {
    let line = match (record.ranges.first(), record.ranges.last()) {
        (Some(first), Some(last)) => &record.data[first.0..last.1],
        _ => &record.data[..0],
    };
    if !record.utf8 && std::str::from_utf8(line).is_err() {
        let bad = record
            .iter()
            .enumerate()
            .find_map(|(at, f)| std::str::from_utf8(f).err().map(|err| (at + 1, err)));
        if let Some((field, err)) = bad {
            return Err(format!(
                "unreadable row (invalid UTF-8 in field {field}: {err})"
            ));
        }
    }
    if record.len() != COLUMNS.len() {
        return Err(format!(
            "row has {} fields, expected {} (cut short?)",
            record.len(),
            COLUMNS.len()
        ));
    }
    let shown = |at: usize| String::from_utf8_lossy(record.get(at)).into_owned();
    let score = parse_score(record.get(SCORE))
        .filter(|s| (0.0..=1.0).contains(s))
        .ok_or_else(|| format!("`score` is not a number from 0 to 1: {:?}", shown(SCORE)))?;
    let number = |at: usize| {
        let raw = record.get(at);
        match parse_u64(raw) {
            Some(n) => Ok(n),
            None => Err(not_whole(at, raw)),
        }
    };
    let first_key = record.get(FIRST_KEY_MS);
    if parse_digits(first_key).is_none() && !trim(first_key).is_empty() {
        number(FIRST_KEY_MS)?;
    }
    let verdict = unguard(record.get(VERDICT));
    let verdict =
        parse_verdict(verdict).ok_or_else(|| format!("unknown verdict {:?}", text(verdict)))?;
    let elapsed_ms = number(ELAPSED_MS)?;
    let keystrokes = number(KEYSTROKES)?;
    number(BACKSPACES)?;
    let date = local_date(unguard(record.get(TIMESTAMP))).ok_or_else(|| {
        format!(
            "`timestamp` is not an RFC 3339 date-time: {:?}",
            shown(TIMESTAMP)
        )
    })?;
    Ok(Row {
        date,
        verdict,
        score,
        elapsed_ms,
        keystrokes,
    })
}

/// Up to 16 bytes as one number, for comparisons without a library call.
const fn word16(bytes: &[u8]) -> u128 {
    let mut word = 0u128;
    let mut at = 0;
    while at < bytes.len() {
        word |= (bytes[at] as u128) << (8 * at);
        at += 1;
    }
    word
}

/// A name of 7 to 9 bytes as one number that tells such names apart: its first four bytes,
/// its fifth, its last four, and its length.
const fn verdict_word(name: &[u8]) -> u128 {
    let n = name.len();
    let head = word16(&[name[0], name[1], name[2], name[3]]);
    let tail = word16(&[name[n - 4], name[n - 3], name[n - 2], name[n - 1]]);
    head | (tail << 32) | ((name[4] as u128) << 64) | ((n as u128) << 72)
}

/// [`Verdict::parse`] over bytes, without a string comparison per verdict.
#[inline]
fn parse_verdict(name: &[u8]) -> Option<Verdict> {
    if !(7..=9).contains(&name.len()) {
        return None;
    }
    const CORRECT: u128 = verdict_word(b"correct");
    const PARTIAL: u128 = verdict_word(b"partial");
    const NEAR_MISS: u128 = verdict_word(b"near_miss");
    const INCORRECT: u128 = verdict_word(b"incorrect");
    const INVALID: u128 = verdict_word(b"invalid");
    const SKIPPED: u128 = verdict_word(b"skipped");
    const TIMED_OUT: u128 = verdict_word(b"timed_out");
    let word = u128::from(load4(name, 0))
        | u128::from(load4(name, name.len() - 4)) << 32
        | u128::from(name[4]) << 64
        | (name.len() as u128) << 72;
    Some(match word {
        CORRECT => Verdict::Correct,
        PARTIAL => Verdict::Partial,
        NEAR_MISS => Verdict::NearMiss,
        INCORRECT => Verdict::Incorrect,
        INVALID => Verdict::Invalid,
        SKIPPED => Verdict::Skipped,
        TIMED_OUT => Verdict::TimedOut,
        _ => return None,
    })
}

/// The `YYYY-MM-DD` a timestamp starts with: its local date (RFC 3339 writes local time and
/// the offset).
fn local_date(timestamp: &[u8]) -> Option<&[u8]> {
    let date = timestamp.get(..10)?;
    let digits = |range: std::ops::Range<usize>| date[range].iter().all(u8::is_ascii_digit);
    let shape = digits(0..4) && date[4] == b'-' && digits(5..7) && date[7] == b'-' && digits(8..10);
    let separator = matches!(timestamp.get(10), Some(b'T' | b't' | b' '));
    if !(shape && separator) {
        return None;
    }
    let two = |at: usize| (date[at] - b'0') * 10 + (date[at + 1] - b'0');
    ((1..=12).contains(&two(5)) && (1..=31).contains(&two(8))).then_some(date)
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// The message for a field that is not a whole number.
#[cold]
#[inline(never)]
fn not_whole(at: usize, raw: &[u8]) -> String {
    format!(
        "`{}` is not a whole number: {:?}",
        COLUMNS[at],
        String::from_utf8_lossy(raw)
    )
}

/// 1 to 19 ASCII digits as a number, in one pass.
#[inline]
fn parse_digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || raw.len() > 19 {
        return None;
    }
    let mut n = 0u64;
    let mut bad = false;
    for &b in raw {
        let digit = b.wrapping_sub(b'0');
        bad |= digit > 9;
        n = n.wrapping_mul(10).wrapping_add(u64::from(digit));
    }
    (!bad).then_some(n)
}

/// `str::trim` then `parse::<u64>`, fast for plain digits.
#[inline]
fn parse_u64(raw: &[u8]) -> Option<u64> {
    parse_digits(raw).or_else(|| std::str::from_utf8(raw).ok()?.trim().parse().ok())
}

const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `str::trim` then `parse::<f64>`, fast for `D[.DDD]`: a mantissa below 2^53 divided by an
/// exact power of ten is correctly rounded, as the standard parser's result is.
fn parse_score(raw: &[u8]) -> Option<f64> {
    let (whole, fraction) = match raw.iter().position(|&b| b == b'.') {
        Some(dot) => (&raw[..dot], &raw[dot + 1..]),
        None => (raw, &raw[..0]),
    };
    let plain = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    let fast = !whole.is_empty()
        && (!fraction.is_empty() || raw.len() == whole.len())
        && whole.len() + fraction.len() <= 15
        && plain(whole)
        && plain(fraction);
    if fast {
        let mantissa = whole
            .iter()
            .chain(fraction)
            .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        return Some(mantissa as f64 / POWERS_OF_TEN[fraction.len()]);
    }
    std::str::from_utf8(raw).ok()?.trim().parse().ok()
}

/// [`crate::log::unguard`] over bytes.
fn unguard(value: &[u8]) -> &[u8] {
    // Guarded: one `'`, then (past any further `'`) a formula character.
    let formula = |text: &[u8]| {
        matches!(
            text.iter().find(|&&b| b != b'\''),
            Some(b'=' | b'+' | b'-' | b'@')
        )
    };
    match value.strip_prefix(b"'") {
        Some(rest) if formula(rest) => rest,
        _ => value,
    }
}

/// Bytes of a checked (UTF-8) record as text.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn key_text(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        EMPTY_KEY.to_string()
    } else {
        text(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_like_the_standard_library() {
        for raw in [
            "0",
            "1",
            "0.5",
            "0.667",
            "0.333",
            "1.000",
            " 0.25 ",
            "+1",
            "1e0",
            ".5",
            "5.",
            "x",
            "",
            "0.1234567890123456",
        ] {
            let expected = raw.trim().parse::<f64>().ok();
            assert_eq!(parse_score(raw.as_bytes()), expected, "{raw:?}");
        }
        for raw in [
            "0",
            "42",
            " 7 ",
            "+3",
            "-1",
            "1.5",
            "",
            "18446744073709551615",
            "18446744073709551616",
        ] {
            let expected = raw.trim().parse::<u64>().ok();
            assert_eq!(parse_u64(raw.as_bytes()), expected, "{raw:?}");
        }
    }

    #[test]
    fn binned_quantiles_select_like_the_metrics() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (n, spread) in [
            (0, 1),
            (1, 5_000),
            (2, 5_000),
            (3, 50),
            (1000, 5_000),
            (1000, 700_000),
            (999, 10_000_000),
            (500, 1),
        ] {
            let values: Vec<u64> = (0..n).map(|_| next() % spread).collect();
            let (a, b) = values.split_at(n / 3);
            let mut histogram = vec![0; HISTOGRAM_BINS];
            for &v in &values {
                histogram[bin_of(v)] += 1;
            }
            let qs = [0.5, 0.9, 0.0, 1.0, 0.25];
            let got = binned_quantiles(&[a, b], &histogram, qs).unwrap();
            for (q, got) in qs.into_iter().zip(got) {
                let expected = select_quantile(&mut values.clone(), q);
                assert_eq!(
                    got.to_bits(),
                    expected.to_bits(),
                    "n {n} spread {spread} q {q}"
                );
            }
        }
        assert!(binned_quantiles(&[&[1u64][..]], &[0; HISTOGRAM_BINS], [0.5]).is_none());
    }

    #[test]
    fn parses_verdicts_like_the_scorer() {
        for verdict in Verdict::ALL {
            assert_eq!(parse_verdict(verdict.name().as_bytes()), Some(verdict));
        }
        assert_eq!(parse_verdict(b"Correct"), None);
    }

    #[test]
    fn unguards_like_the_log() {
        for value in [
            "'=SUM(A1)",
            "'+1",
            "'-x",
            "'@y",
            "''=z",
            "'''=x",
            "''x",
            "'quoted",
            "plain",
            "",
            "'",
        ] {
            assert_eq!(
                unguard(value.as_bytes()),
                crate::log::unguard(value).as_bytes()
            );
        }
    }

    #[test]
    fn finds_local_dates() {
        assert_eq!(
            local_date(b"2026-11-27T23:59:00-05:00"),
            Some(&b"2026-11-27"[..])
        );
        assert_eq!(
            local_date(b"2026-11-27 08:00:00Z"),
            Some(&b"2026-11-27"[..])
        );
        for bad in [
            &b"2026-13-01T00:00:00Z"[..],
            b"2026-11-27",
            b"27/11/2026 10:00",
            b"",
        ] {
            assert_eq!(local_date(bad), None);
        }
    }
}
