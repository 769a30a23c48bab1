//! Accuracy and speed metrics over attempts, as the SPEC defines them; pure functions used by
//! the end-of-session summary and by reports.

use serde::Serialize;

use crate::score::Verdict;

/// The metrics of a group of attempts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub attempts: u64,
    pub correct: u64,
    /// correct / attempts
    pub accuracy: f64,
    /// mean score
    pub score: f64,
    pub median_ms: f64,
    pub p90_ms: f64,
    /// correct answers per hour of answering time (the sum of `elapsed_ms`)
    pub codes_per_hour: f64,
    /// keystrokes per hour of answering time
    pub kph: f64,
    /// share of attempts that were near misses
    pub near_miss: f64,
    /// the sum of `elapsed_ms`: rates from less than [`RATES_FROM_MS`] of it are shown as `—`
    pub answering_ms: u64,
    /// attempts at cases: items whose answer holds two or more codes
    pub cases: u64,
    /// cases answered per hour of answering time on cases
    pub cases_per_hour: f64,
    /// the mean number of answer codes of the cases attempted
    pub codes_per_case: f64,
    /// attempts whose answer holds a CC or MCC diagnosis that the typed answer lacks
    pub missed_cc: u64,
}

/// How many codes an answer as written in a deck or log holds (`;`-separated).
pub fn answer_codes(expected: &str) -> u64 {
    // Most answers are one code: no splitting for them.
    if !expected.as_bytes().contains(&b';') {
        return u64::from(!expected.trim().is_empty());
    }
    expected
        .split(';')
        .filter(|code| !code.trim().is_empty())
        .count() as u64
}

impl Metrics {
    /// Whether there was enough answering time for the hourly rates to mean something.
    pub fn rates_measured(&self) -> bool {
        self.answering_ms >= RATES_FROM_MS
    }
}

/// Collects attempts one at a time; keeps only sums and the answer times.
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    attempts: u64,
    correct: u64,
    near_miss: u64,
    score_sum: f64,
    elapsed_sum_ms: u64,
    keystrokes: u64,
    elapsed_ms: Times,
    cases: u64,
    case_codes: u64,
    case_ms: u64,
    missed_cc: u64,
}

impl Accumulator {
    /// Adds one attempt.
    pub fn add(&mut self, verdict: Verdict, score: f64, elapsed_ms: u64, keystrokes: u64) {
        self.attempts += 1;
        self.correct += u64::from(verdict == Verdict::Correct);
        self.near_miss += u64::from(verdict == Verdict::NearMiss);
        self.score_sum += score;
        self.elapsed_sum_ms = self.elapsed_sum_ms.saturating_add(elapsed_ms);
        self.keystrokes = self.keystrokes.saturating_add(keystrokes);
        self.elapsed_ms.push(elapsed_ms);
    }

    /// Counts an attempt (already added) at a case whose answer holds `codes` codes; an
    /// answer of one code is no case.
    pub fn add_case(&mut self, codes: u64, elapsed_ms: u64) {
        if codes >= 2 {
            self.cases += 1;
            self.case_codes += codes;
            self.case_ms = self.case_ms.saturating_add(elapsed_ms);
        }
    }

    /// Counts an attempt (already added) that left out a CC or MCC of its answer.
    pub fn add_missed_cc(&mut self) {
        self.missed_cc += 1;
    }

    /// How many attempts were added.
    pub fn attempts(&self) -> u64 {
        self.attempts
    }

    /// Adds everything another accumulator collected (its answer times taken as they are, not
    /// copied).
    pub fn merge(&mut self, other: Accumulator) {
        self.merge_sums(&other);
        self.elapsed_ms.merge(other.elapsed_ms);
    }

    /// Adds another accumulator's sums, not its answer times.
    fn merge_sums(&mut self, other: &Accumulator) {
        self.attempts += other.attempts;
        self.correct += other.correct;
        self.near_miss += other.near_miss;
        self.score_sum += other.score_sum;
        self.elapsed_sum_ms = self.elapsed_sum_ms.saturating_add(other.elapsed_sum_ms);
        self.keystrokes = self.keystrokes.saturating_add(other.keystrokes);
        self.cases += other.cases;
        self.case_codes += other.case_codes;
        self.case_ms = self.case_ms.saturating_add(other.case_ms);
        self.missed_cc += other.missed_cc;
    }

    /// The metrics of what was added.
    pub fn metrics(&self) -> Metrics {
        self.metrics_with(self.elapsed_ms.quantiles([0.5, 0.9]))
    }

    /// The metrics of everything these accumulators added, as if one had added it all; they
    /// are only read, so others may read them at the same time.
    pub fn metrics_of_all<'a>(all: impl Iterator<Item = &'a Accumulator> + Clone) -> Metrics {
        let mut sums = Accumulator::default();
        for acc in all.clone() {
            sums.merge_sums(acc);
        }
        let times = Times::quantiles_of_all(all.map(|acc| &acc.elapsed_ms), [0.5, 0.9]);
        sums.metrics_with(times)
    }

    /// The metrics of these sums, with the median and 0.9 quantile of their answer times.
    fn metrics_with(&self, [median_ms, p90_ms]: [f64; 2]) -> Metrics {
        let hours = self.elapsed_sum_ms as f64 / 3_600_000.0;
        Metrics {
            attempts: self.attempts,
            correct: self.correct,
            accuracy: ratio(self.correct as f64, self.attempts as f64),
            score: ratio(self.score_sum, self.attempts as f64),
            median_ms,
            p90_ms,
            codes_per_hour: ratio(self.correct as f64, hours),
            kph: ratio(self.keystrokes as f64, hours),
            near_miss: ratio(self.near_miss as f64, self.attempts as f64),
            answering_ms: self.elapsed_sum_ms,
            cases: self.cases,
            cases_per_hour: ratio(self.cases as f64, self.case_ms as f64 / 3_600_000.0),
            codes_per_case: ratio(self.case_codes as f64, self.cases as f64),
            missed_cc: self.missed_cc,
        }
    }
}

/// Answering time below which per-hour rates say little (a handful of piped answers): a
/// minute. Summaries show them as `—` and session comparisons leave them out.
pub const RATES_FROM_MS: u64 = 60_000;

/// `part / whole`, or 0 when there is nothing to divide by.
pub fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// For the `q` quantile of `len` (≥ 1) sorted values: the ranks just below and above it and
/// how far between them it lies (linear interpolation, as numpy and pandas do).
fn quantile_ranks(len: usize, q: f64) -> (usize, usize, f64) {
    let position = q * (len - 1) as f64;
    let below = position.floor() as usize;
    (below, (below + 1).min(len - 1), position - below as f64)
}

/// Answer times kept for exact quantiles. Times merged from another reader's sums are kept as
/// that reader's piece, not copied: pieces are put together only when quantiles are asked for,
/// into a copy, so several threads can find different quantiles from the same times at once.
#[derive(Debug, Clone, Default)]
pub struct Times {
    /// Times added here
    own: Vec<u32>,
    /// Times merged in
    merged: Vec<Vec<u32>>,
}

impl Times {
    pub fn push(&mut self, elapsed_ms: u64) {
        self.own.push(kept_ms(elapsed_ms));
    }

    /// Takes another's times.
    pub fn merge(&mut self, other: Times) {
        if self.own.is_empty() && self.merged.is_empty() {
            *self = other;
            return;
        }
        self.merged.push(other.own);
        self.merged.extend(other.merged);
    }

    fn pieces(&self) -> impl Iterator<Item = &[u32]> {
        std::iter::once(self.own.as_slice()).chain(self.merged.iter().map(Vec::as_slice))
    }

    /// The quantiles `qs` (in ascending order) of these times.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [f64; N] {
        Times::quantiles_of_all(std::iter::once(self), qs)
    }

    /// The quantiles `qs` (in ascending order) of all these times together.
    pub fn quantiles_of_all<'a, const N: usize>(
        all: impl Iterator<Item = &'a Times> + Clone,
        qs: [f64; N],
    ) -> [f64; N] {
        let len = all.clone().flat_map(Times::pieces).map(<[u32]>::len).sum();
        let mut values = Vec::with_capacity(len);
        for piece in all.flat_map(Times::pieces) {
            values.extend_from_slice(piece);
        }
        select_quantiles(&mut values, qs)
    }
}

/// An answer time as kept for quantiles: times are at most a day ([`crate::record::MAX_MS`]),
/// which 32 bits hold, so the kept times take half the memory (and half the time to select
/// among) of 64-bit ones. A larger number, which no log row holds, is kept as the largest.
pub(crate) fn kept_ms(elapsed_ms: u64) -> u32 {
    u32::try_from(elapsed_ms).unwrap_or(u32::MAX)
}

/// The quantiles `qs` (in ascending order) of values in any order, which it reorders, with
/// linear interpolation (as numpy and pandas do); 0 for no values. Found by selection instead
/// of a sort, each quantile only among the values above the one before it, which that
/// selection has put after it.
pub(crate) fn select_quantiles<const N: usize>(values: &mut [u32], qs: [f64; N]) -> [f64; N] {
    let len = values.len();
    // Values before `from` are at most the last quantile's lower value, so no later one's.
    let mut from = 0;
    qs.map(|q| match values {
        [] => 0.0,
        [only] => f64::from(*only),
        _ => {
            let (below, above, fraction) = quantile_ranks(len, q);
            debug_assert!(below >= from, "quantiles are asked for in ascending order");
            let (_, &mut low, rest) = values[from..].select_nth_unstable(below - from);
            let high = if above == below {
                low
            } else {
                rest.iter().copied().min().unwrap_or(low)
            };
            from = below;
            f64::from(low) + (f64::from(high) - f64::from(low)) * fraction
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let q = |values: &[u32], q: f64| select_quantiles(&mut values.to_vec(), [q])[0];
        assert_eq!(q(&[], 0.5), 0.0);
        assert_eq!(q(&[7], 0.9), 7.0);
        assert_eq!(q(&[3, 1], 0.5), 2.0);
        assert_eq!(q(&[4, 1, 3, 2], 0.5), 2.5);
        assert!((q(&[10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.9) - 9.1).abs() < 1e-9);
    }

    proptest::proptest! {
        /// Quantiles selected together (each among the values above the one before) are
        /// those of the sorted values.
        #[test]
        fn quantiles_together_are_quantiles_of_the_sorted(
            values in proptest::collection::vec(0u32..50, 0..200),
        ) {
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let of_sorted = |q: f64| {
                if sorted.is_empty() {
                    return 0.0;
                }
                let (below, above, fraction) = quantile_ranks(sorted.len(), q);
                let (low, high) = (f64::from(sorted[below]), f64::from(sorted[above]));
                low + (high - low) * fraction
            };
            let together = select_quantiles(&mut values.clone(), [0.25, 0.5, 0.5, 0.9, 1.0]);
            let expected = [0.25, 0.5, 0.5, 0.9, 1.0].map(of_sorted);
            proptest::prop_assert_eq!(together, expected);
        }
    }

    proptest::proptest! {
        /// Times merged from pieces (as a report merges its readers' sums) give the quantiles
        /// of all their values, alone and together with other times.
        #[test]
        fn merged_times_give_the_quantiles_of_all_their_values(
            pieces in proptest::collection::vec(
                proptest::collection::vec(0u64..100, 0..40), 1..5),
            others in proptest::collection::vec(0u64..100, 0..40),
        ) {
            let times_of = |values: &[u64]| {
                let mut times = Times::default();
                values.iter().for_each(|&ms| times.push(ms));
                times
            };
            let mut merged = Times::default();
            for piece in &pieces {
                merged.merge(times_of(piece));
            }
            let other = times_of(&others);
            let qs = [0.5, 0.9];
            let mut all: Vec<u32> = pieces.concat().iter().map(|&ms| kept_ms(ms)).collect();
            proptest::prop_assert_eq!(merged.quantiles(qs), select_quantiles(&mut all.clone(), qs));
            all.extend(others.iter().map(|&ms| kept_ms(ms)));
            let together = Times::quantiles_of_all([&merged, &other].into_iter(), qs);
            proptest::prop_assert_eq!(together, select_quantiles(&mut all, qs));
        }
    }

    #[test]
    fn answer_times_past_32_bits_are_kept_as_the_largest() {
        assert_eq!(kept_ms(crate::record::MAX_MS), crate::record::MAX_MS as u32);
        assert_eq!(kept_ms(u64::MAX), u32::MAX);
    }

    #[test]
    fn answer_codes_count_the_codes_of_a_key() {
        assert_eq!(answer_codes("E11.9"), 1);
        assert_eq!(answer_codes("  "), 0);
        assert_eq!(answer_codes("I10; E11.9;"), 2);
        assert_eq!(answer_codes(";"), 0);
    }

    #[test]
    fn metrics_of_attempts() {
        let mut acc = Accumulator::default();
        acc.add(Verdict::Correct, 1.0, 2000, 6);
        acc.add(Verdict::NearMiss, 0.0, 4000, 8);
        acc.add(Verdict::Partial, 0.5, 6000, 10);
        let m = acc.metrics();
        assert_eq!((m.attempts, m.correct), (3, 1));
        assert!((m.accuracy - 1.0 / 3.0).abs() < 1e-9);
        assert!((m.score - 0.5).abs() < 1e-9);
        assert_eq!(m.median_ms, 4000.0);
        assert!((m.p90_ms - 5600.0).abs() < 1e-9);
        assert!((m.codes_per_hour - 300.0).abs() < 1e-9);
        assert!((m.kph - 7200.0).abs() < 1e-9);
        assert!((m.near_miss - 1.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn zero_time_and_no_attempts_do_not_divide_by_zero() {
        let empty = Accumulator::default().metrics();
        assert_eq!(
            (empty.accuracy, empty.kph, empty.median_ms),
            (0.0, 0.0, 0.0)
        );
        let mut acc = Accumulator::default();
        acc.add(Verdict::Correct, 1.0, 0, 3);
        let m = acc.metrics();
        assert_eq!((m.codes_per_hour, m.kph, m.accuracy), (0.0, 0.0, 1.0));
    }
}
