//! Accuracy and speed metrics over attempts, as the SPEC defines them; pure functions used by
//! the end-of-session summary and by reports.

use serde::Serialize;

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
    elapsed_ms: Vec<u64>,
}

impl Accumulator {
    /// Adds one attempt.
    pub fn add(&mut self, verdict: &str, score: f64, elapsed_ms: u64, keystrokes: u64) {
        self.add_counted(
            verdict == "correct",
            verdict == "near_miss",
            score,
            elapsed_ms,
            keystrokes,
        );
    }

    /// [`Accumulator::add`] with the verdict already told apart: correct, a near miss, or
    /// neither.
    #[inline]
    pub(crate) fn add_counted(
        &mut self,
        correct: bool,
        near_miss: bool,
        score: f64,
        elapsed_ms: u64,
        keystrokes: u64,
    ) {
        self.attempts += 1;
        self.correct += u64::from(correct);
        self.near_miss += u64::from(near_miss);
        self.score_sum += score;
        self.elapsed_sum_ms += elapsed_ms;
        self.keystrokes += keystrokes;
        self.elapsed_ms.push(elapsed_ms);
    }

    /// Adds everything another accumulator collected.
    pub fn merge(&mut self, other: &Accumulator) {
        self.attempts += other.attempts;
        self.correct += other.correct;
        self.near_miss += other.near_miss;
        self.score_sum += other.score_sum;
        self.elapsed_sum_ms += other.elapsed_sum_ms;
        self.keystrokes += other.keystrokes;
        self.elapsed_ms.extend_from_slice(&other.elapsed_ms);
    }

    pub fn attempts(&self) -> u64 {
        self.attempts
    }

    /// Adds another accumulator's sums, not its answer times: for metrics whose quantiles
    /// are found otherwise ([`Accumulator::metrics_with`]).
    pub(crate) fn merge_sums(&mut self, other: &Accumulator) {
        self.attempts += other.attempts;
        self.correct += other.correct;
        self.near_miss += other.near_miss;
        self.score_sum += other.score_sum;
        self.elapsed_sum_ms += other.elapsed_sum_ms;
        self.keystrokes += other.keystrokes;
    }

    /// The answer times added, in the order added.
    pub(crate) fn times(&self) -> &[u64] {
        &self.elapsed_ms
    }

    /// The metrics of what was added.
    pub fn metrics(&self) -> Metrics {
        let mut times = self.elapsed_ms.clone();
        let (median_ms, p90_ms) = (
            select_quantile(&mut times, 0.5),
            select_quantile(&mut times, 0.9),
        );
        self.metrics_with(median_ms, p90_ms)
    }

    /// The metrics of what was added, with the median and 0.9 quantile of the answer times
    /// given.
    pub(crate) fn metrics_with(&self, median_ms: f64, p90_ms: f64) -> Metrics {
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
        }
    }
}

/// `part / whole`, or 0 when there is nothing to divide by.
pub fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// The `q` quantile of sorted values with linear interpolation (as numpy and pandas do);
/// 0 for no values.
pub fn quantile(sorted: &[u64], q: f64) -> f64 {
    match sorted {
        [] => 0.0,
        [only] => *only as f64,
        _ => {
            let (below, above, fraction) = quantile_ranks(sorted.len(), q);
            sorted[below] as f64 + (sorted[above] as f64 - sorted[below] as f64) * fraction
        }
    }
}

/// For the `q` quantile of `len` (≥ 1) sorted values: the ranks just below and above it and
/// how far between them it lies (linear interpolation, as numpy and pandas do).
pub(crate) fn quantile_ranks(len: usize, q: f64) -> (usize, usize, f64) {
    let position = q * (len - 1) as f64;
    let below = position.floor() as usize;
    (below, (below + 1).min(len - 1), position - below as f64)
}

/// [`quantile`] of values in any order, which it reorders: the same number, found by
/// selection instead of a sort.
pub(crate) fn select_quantile(values: &mut [u64], q: f64) -> f64 {
    match values {
        [] => 0.0,
        [only] => *only as f64,
        _ => {
            let (below, above, fraction) = quantile_ranks(values.len(), q);
            let (_, &mut low, rest) = values.select_nth_unstable(below);
            let high = if above == below {
                low
            } else {
                rest.iter().copied().min().unwrap_or(low)
            };
            low as f64 + (high as f64 - low as f64) * fraction
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[], 0.5), 0.0);
        assert_eq!(quantile(&[7], 0.9), 7.0);
        assert_eq!(quantile(&[1, 3], 0.5), 2.0);
        assert_eq!(quantile(&[1, 2, 3, 4], 0.5), 2.5);
        assert!((quantile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) - 9.1).abs() < 1e-9);
    }

    #[test]
    fn metrics_of_attempts() {
        let mut acc = Accumulator::default();
        acc.add("correct", 1.0, 2000, 6);
        acc.add("near_miss", 0.0, 4000, 8);
        acc.add("partial", 0.5, 6000, 10);
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
        acc.add("correct", 1.0, 0, 3);
        let m = acc.metrics();
        assert_eq!((m.codes_per_hour, m.kph, m.accuracy), (0.0, 0.0, 1.0));
    }
}
