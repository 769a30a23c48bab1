//! One monotonic clock for answer times; a fake clock makes timing tests exact.

use std::time::{Duration, Instant};

/// Monotonic time since an arbitrary origin.
pub trait Clock {
    fn now(&self) -> Duration;
}

/// The real clock.
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// A clock that moves only when told to.
#[cfg(test)]
#[derive(Default)]
pub struct FakeClock {
    now: std::cell::Cell<Duration>,
}

#[cfg(test)]
impl FakeClock {
    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.now.set(self.now.get() + by);
    }
}

#[cfg(test)]
impl Clock for FakeClock {
    fn now(&self) -> Duration {
        self.now.get()
    }
}

/// Whole milliseconds of a duration, for the log.
pub fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
