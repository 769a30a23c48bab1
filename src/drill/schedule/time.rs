//! Times as the scheduler counts them: each attempt's instant (milliseconds since the epoch,
//! UTC) and its local wall-clock time as written in the log (the same instant plus the
//! timestamp's offset), from which the learner's days are counted.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// An instant and the wall-clock time it was where it happened, both in milliseconds since
/// the epoch (`local` counts the written local time as if it were UTC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment {
    pub utc: i64,
    pub local: i64,
}

impl Moment {
    /// The local day: days since 1970-01-01 of the written local date.
    pub fn day(self) -> i64 {
        self.local.div_euclid(DAY_MS)
    }

    /// A moment given by chrono (the clock's now, or a test's fixed time).
    pub fn of(time: DateTime<FixedOffset>) -> Moment {
        let utc = time.timestamp_millis();
        let offset = i64::from(time.offset().local_minus_utc()) * 1000;
        Moment {
            utc,
            local: utc + offset,
        }
    }

    /// Now, by the system clock in the local time zone.
    pub fn now() -> Moment {
        Moment::of(chrono::Local::now().fixed_offset())
    }
}

/// Reads a log timestamp (RFC 3339 with an offset). The usual shape
/// (`2026-11-27T10:00:00.000+01:00`) is read by hand, as one row in a million costs nothing;
/// anything else goes to chrono. `None` when it is not a date-time.
pub fn parse_timestamp(text: &str) -> Option<Moment> {
    parse_usual(text.as_bytes()).or_else(|| {
        let time = DateTime::parse_from_rfc3339(text.trim()).ok()?;
        Some(Moment::of(time))
    })
}

/// `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM`.
fn parse_usual(bytes: &[u8]) -> Option<Moment> {
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0i64, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
        })
    };
    let punctuation = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if punctuation
        .iter()
        .any(|&(at, byte)| bytes.get(at) != Some(&byte))
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)?;
    let mut at = 19;
    let mut millis = 0;
    if bytes.get(at) == Some(&b'.') {
        let digits = bytes[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        // Milliseconds: the first three digits, padded.
        for n in 0..3 {
            let digit = if n < digits {
                bytes[at + 1 + n] - b'0'
            } else {
                0
            };
            millis = millis * 10 + i64::from(digit);
        }
        at += 1 + digits;
    }
    let offset = match bytes.get(at..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), ..] if bytes.len() == at + 6 && bytes[at + 3] == b':' => {
            let (hours, minutes) = (number(at + 1..at + 3)?, number(at + 4..at + 6)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let minutes = hours * 60 + minutes;
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    let days = i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE;
    let local = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis;
    Some(Moment {
        utc: local - offset * 60_000,
        local,
    })
}

/// `num_days_from_ce` of 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// A local time as a learner reads it beside `now`: `today 14:05`, `tomorrow 09:00`, a weekday
/// within the week (`Tuesday 09:00`), else the date (`2026-12-24 09:00`).
pub fn when(local: i64, now: Moment) -> String {
    let Some(time) = DateTime::from_timestamp_millis(local).map(|t| t.naive_utc()) else {
        return "some day".to_string();
    };
    let clock = format!("{:02}:{:02}", time.hour(), time.minute());
    match local.div_euclid(DAY_MS) - now.day() {
        ..=0 => format!("today {clock}"),
        1 => format!("tomorrow {clock}"),
        2..=6 => format!("{} {clock}", time.format("%A")),
        _ => format!("{} {clock}", time.format("%Y-%m-%d")),
    }
}

/// The date of a local day, `YYYY-MM-DD`.
pub fn date_of(day: i64) -> String {
    DateTime::from_timestamp_millis(day.saturating_mul(DAY_MS))
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The local day of a date.
pub fn day_of(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono_moment(text: &str) -> Option<Moment> {
        DateTime::parse_from_rfc3339(text).ok().map(Moment::of)
    }

    #[test]
    fn reads_timestamps_as_chrono_does() {
        for text in [
            "2026-11-27T10:00:00.000+00:00",
            "2026-11-27T10:00:00+01:00",
            "2026-11-27T23:59:59.999-05:30",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "2026-11-27T10:00:00.123456789+02:00",
            "0001-01-01T00:00:00+00:00",
            "9999-12-31T23:59:59+14:00",
        ] {
            assert_eq!(parse_usual(text.as_bytes()), chrono_moment(text), "{text}");
            assert!(parse_timestamp(text).is_some(), "{text}");
        }
        assert_eq!(
            parse_timestamp("2026-11-27 10:00:00+01:00"),
            chrono_moment("2026-11-27T10:00:00+01:00")
        );
        for bad in [
            "2026-02-30T10:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T10:00:00",
            "2026-11-27T10:00:00.Z",
            "2026-11-27T10:00:00+1:00",
            "2026-11-27",
            "",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_are_the_written_local_dates() {
        let late = parse_timestamp("2026-11-27T23:30:00-05:00").unwrap();
        assert_eq!(date_of(late.day()), "2026-11-27");
        let early = parse_timestamp("2026-11-28T00:30:00+01:00").unwrap();
        assert_eq!(date_of(early.day()), "2026-11-28");
        assert_eq!(
            day_of(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
            early.day()
        );
    }

    #[test]
    fn says_when_in_words() {
        let now = parse_timestamp("2026-11-27T10:00:00+01:00").unwrap();
        let at = |text: &str| when(parse_timestamp(text).unwrap().local, now);
        assert_eq!(at("2026-11-27T14:05:00+01:00"), "today 14:05");
        assert_eq!(at("2026-11-26T14:05:00+01:00"), "today 14:05");
        assert_eq!(at("2026-11-28T09:00:00+01:00"), "tomorrow 09:00");
        assert_eq!(at("2026-12-01T09:00:00+01:00"), "Tuesday 09:00");
        assert_eq!(at("2026-12-24T09:00:00+01:00"), "2026-12-24 09:00");
    }
}
