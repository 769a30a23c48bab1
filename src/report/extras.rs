//! What a report shows beside its groups: progress by day with 7-day moving figures and the
//! best day, the weakest items, and the kinds of near miss.

use chrono::NaiveDate;

use super::{BEST_DAY_MIN_ATTEMPTS, BestDay, DayPoint, KindCount, Progress, WeakItem, round};
use crate::metrics::{Times, ratio};
use crate::record::AttemptRef;

/// How many weakest items a report lists.
const WEAKEST_ITEMS: usize = 10;

/// Sums of one day.
#[derive(Debug, Clone, Default)]
pub(super) struct DaySums {
    attempts: u64,
    correct: u64,
    elapsed_ms: u64,
    /// Answer times, for the day's median
    times: Times,
}

impl DaySums {
    pub(super) fn add(&mut self, correct: bool, elapsed_ms: u64) {
        self.attempts += 1;
        self.correct += u64::from(correct);
        self.elapsed_ms = self.elapsed_ms.saturating_add(elapsed_ms);
        self.times.push(elapsed_ms);
    }

    pub(super) fn merge(&mut self, other: DaySums) {
        self.attempts += other.attempts;
        self.correct += other.correct;
        self.elapsed_ms = self.elapsed_ms.saturating_add(other.elapsed_ms);
        self.times.merge(other.times);
    }
}

/// Attempts and correct answers of one item, with how it was first asked.
#[derive(Debug, Clone)]
pub(super) struct ItemStats {
    deck: String,
    item: String,
    prompt: String,
    expected: String,
    pub(super) attempts: u64,
    pub(super) correct: u64,
}

impl ItemStats {
    pub(super) fn new(attempt: &AttemptRef) -> ItemStats {
        ItemStats {
            deck: attempt.deck.to_string(),
            item: attempt.item.to_string(),
            prompt: attempt.prompt.to_string(),
            expected: attempt.expected.to_string(),
            attempts: 0,
            correct: 0,
        }
    }

    /// The same item with nothing counted.
    pub(super) fn empty_copy(&self) -> ItemStats {
        ItemStats {
            attempts: 0,
            correct: 0,
            ..self.clone()
        }
    }

    pub(super) fn merge(&mut self, other: &ItemStats) {
        self.attempts += other.attempts;
        self.correct += other.correct;
    }
}

/// Per-day points with 7-day moving figures, and the best day; `days` sorted by date.
pub(super) fn progress(days: Vec<(Box<str>, DaySums)>) -> Progress {
    let dates: Vec<Option<NaiveDate>> = days
        .iter()
        .map(|(key, _)| NaiveDate::parse_from_str(key, "%Y-%m-%d").ok())
        .collect();
    let per_hour = |correct: u64, ms: u64| ratio(correct as f64, ms as f64 / 3_600_000.0);
    let mut points = Vec::with_capacity(days.len());
    for at in 0..days.len() {
        let in_window = |before: &usize| match (dates[*before], dates[at]) {
            (Some(earlier), Some(today)) => (today - earlier).num_days() < 7,
            _ => *before == at,
        };
        let (mut attempts, mut correct, mut elapsed_ms) = (0, 0, 0);
        for before in (0..=at).rev().take_while(in_window) {
            let other = &days[before].1;
            attempts += other.attempts;
            correct += other.correct;
            elapsed_ms = other.elapsed_ms.saturating_add(elapsed_ms);
        }
        let (key, day) = &days[at];
        points.push(DayPoint {
            day: key.to_string(),
            attempts: day.attempts,
            accuracy: round(ratio(day.correct as f64, day.attempts as f64), 4),
            median_ms: round(day.times.quantiles([0.5])[0], 1),
            codes_per_hour: round(per_hour(day.correct, day.elapsed_ms), 1),
            accuracy_7d: round(ratio(correct as f64, attempts as f64), 4),
            codes_per_hour_7d: round(per_hour(correct, elapsed_ms), 1),
            answering_ms: day.elapsed_ms,
            answering_ms_7d: elapsed_ms,
        });
    }
    let best_day = best_day(&points);
    Progress {
        days: points,
        best_day,
    }
}

/// The day with the highest accuracy among days with at least [`BEST_DAY_MIN_ATTEMPTS`]
/// attempts (all days when none has that many); ties go to the faster day, then the earlier.
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
            answering_ms: p.answering_ms,
        })
}

/// Items missed at least once in two or more attempts, lowest accuracy first.
pub(super) fn weakest_items(items: impl Iterator<Item = ItemStats>) -> Vec<WeakItem> {
    let mut weak: Vec<ItemStats> = items
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

/// Near-miss kinds with their counts and shares, most frequent first.
pub(super) fn near_miss_kinds(kinds: impl Iterator<Item = (Box<str>, u64)>) -> Vec<KindCount> {
    let kinds: Vec<(Box<str>, u64)> = kinds.collect();
    let total: u64 = kinds.iter().map(|(_, n)| n).sum();
    let mut counts: Vec<KindCount> = kinds
        .into_iter()
        .map(|(kind, count)| KindCount {
            kind: kind.into(),
            count,
            share: round(ratio(count as f64, total as f64), 4),
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(attempts: u64, correct: u64, elapsed_ms: u64) -> DaySums {
        let mut sums = DaySums::default();
        for at in 0..attempts {
            sums.add(at < correct, elapsed_ms / attempts);
        }
        sums
    }

    #[test]
    fn moving_figures_cover_seven_calendar_days() {
        let days = vec![
            ("2026-11-01".into(), day(4, 2, 4000)),
            ("2026-11-05".into(), day(4, 4, 4000)),
            ("2026-11-08".into(), day(2, 0, 2000)),
        ];
        let progress = progress(days);
        let last = &progress.days[2];
        // 11-08 looks back to 11-02: the 11-01 day is outside the window.
        assert_eq!((last.attempts, last.accuracy_7d), (2, round(4.0 / 6.0, 4)));
        assert_eq!(progress.days[1].accuracy_7d, 0.75);
        assert_eq!(progress.best_day.map(|b| b.day), Some("2026-11-05".into()));
    }

    #[test]
    fn best_day_prefers_busy_days() {
        let days = vec![
            ("2026-11-01".into(), day(1, 1, 1000)),
            ("2026-11-02".into(), day(5, 4, 5000)),
        ];
        assert_eq!(
            progress(days).best_day.map(|b| b.day),
            Some("2026-11-02".into())
        );
    }

    #[test]
    fn kinds_most_frequent_first() {
        let kinds = near_miss_kinds(
            [
                ("typo".into(), 1),
                ("format".into(), 3),
                ("same_category".into(), 1),
            ]
            .into_iter(),
        );
        let names: Vec<&str> = kinds.iter().map(|k| k.kind.as_str()).collect();
        assert_eq!(names, ["format", "same_category", "typo"]);
        assert_eq!(kinds[0].share, 0.6);
    }
}
