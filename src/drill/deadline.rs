//! When waiting for an answer ends, as one pure function of the clock: the item's own time
//! limit, the exam's time running out mid-answer, and a signal asking the session to end.
//! The front ends only draw and deliver keys or lines between the waits this decides.

use std::time::Duration;

use super::session::Ending;

/// How long a front end waits for input at most before looking again (for a signal, and to
/// redraw a countdown).
pub const TICK: Duration = Duration::from_millis(100);

/// The deadlines of one item, as clock times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deadlines {
    /// When the item's own limit (`--time-limit`) runs out
    pub item: Option<Duration>,
    /// When the whole session (an exam's `--duration`) ends
    pub session: Option<Duration>,
}

impl Deadlines {
    /// The earlier of the two.
    pub fn first(&self) -> Option<Duration> {
        match (self.item, self.session) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether an item that ended at `at` used up the session's time as well.
    pub fn session_over(&self, at: Duration) -> bool {
        self.session.is_some_and(|end| at >= end)
    }
}

/// What a front end does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Wait for input for at most this long, then ask again.
    Wait(Duration),
    /// The item is over without an answer.
    End(Ending),
}

/// What to do at clock time `now`: a signal ends the session, a passed deadline ends the item
/// as timed out, and otherwise the wait lasts until the next tick or the deadline.
pub fn next(deadlines: &Deadlines, now: Duration, signalled: bool) -> Next {
    if signalled {
        return Next::End(Ending::Quit);
    }
    match deadlines.first() {
        Some(deadline) if now >= deadline => Next::End(Ending::TimedOut),
        Some(deadline) => Next::Wait((deadline - now).min(TICK)),
        None => Next::Wait(TICK),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, FakeClock};

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn an_untimed_item_waits_tick_by_tick_until_a_signal() {
        let clock = FakeClock::default();
        let none = Deadlines::default();
        for _ in 0..50 {
            assert_eq!(next(&none, clock.now(), false), Next::Wait(TICK));
            clock.advance(secs(60.0));
        }
        assert_eq!(next(&none, clock.now(), true), Next::End(Ending::Quit));
    }

    #[test]
    fn the_item_limit_ends_the_item_exactly_when_it_runs_out() {
        let clock = FakeClock::default();
        clock.advance(secs(10.0));
        let limit = Deadlines {
            item: Some(clock.now() + secs(30.0)),
            session: None,
        };
        assert_eq!(next(&limit, clock.now(), false), Next::Wait(TICK));
        clock.advance(secs(29.95));
        assert_eq!(next(&limit, clock.now(), false), Next::Wait(secs(0.05)));
        clock.advance(secs(0.05));
        assert_eq!(
            next(&limit, clock.now(), false),
            Next::End(Ending::TimedOut)
        );
        assert!(!limit.session_over(clock.now()));
    }

    #[test]
    fn the_exam_clock_ends_an_answer_half_typed() {
        let clock = FakeClock::default();
        let deadlines = Deadlines {
            item: Some(clock.now() + secs(60.0)),
            session: Some(clock.now() + secs(5.0)),
        };
        assert_eq!(deadlines.first(), Some(secs(5.0)));
        clock.advance(secs(4.99));
        assert!(matches!(
            next(&deadlines, clock.now(), false),
            Next::Wait(_)
        ));
        clock.advance(secs(0.01));
        assert_eq!(
            next(&deadlines, clock.now(), false),
            Next::End(Ending::TimedOut)
        );
        assert!(deadlines.session_over(clock.now()));
    }

    #[test]
    fn a_signal_wins_over_a_passed_deadline() {
        let passed = Deadlines {
            item: Some(Duration::ZERO),
            session: None,
        };
        assert_eq!(next(&passed, secs(1.0), true), Next::End(Ending::Quit));
    }
}
