//! Parsing of time spans given on the command line: `90`, `90s`, `30m`, `1h`, `1m30s`.

use std::time::Duration;

/// The shortest span accepted: an item or an exam shorter than a second cannot be answered.
const SHORTEST: f64 = 1.0;

/// Parses a span of at least a second; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let bad = || format!("`{text}` is not a time span (examples: 90, 90s, 30m, 1h30m)");
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(seconds) = text.parse::<f64>() {
        let span = positive(seconds).ok_or_else(bad)?;
        return long_enough(text, span);
    }
    let mut total = 0.0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600.0,
            'm' => 60.0,
            's' => 1.0,
            _ => return Err(bad()),
        };
        let value: f64 = number.parse().map_err(|_| bad())?;
        total += value * unit;
        number.clear();
    }
    if !number.is_empty() {
        return Err(bad());
    }
    let span = positive(total).ok_or_else(bad)?;
    long_enough(text, span)
}

fn positive(seconds: f64) -> Option<Duration> {
    (seconds.is_finite() && seconds > 0.0 && seconds < 1e9)
        .then(|| Duration::from_secs_f64(seconds))
}

/// A span of at least [`SHORTEST`].
fn long_enough(text: &str, span: Duration) -> Result<Duration, String> {
    if span.as_secs_f64() < SHORTEST {
        return Err(format!(
            "`{text}` is shorter than the shortest time span, 1s"
        ));
    }
    Ok(span)
}

/// A time span in a settings or blueprint file: seconds as a number, or a string
/// [`parse_duration`] accepts (`"45s"`, `"60m"`); for serde's `deserialize_with`.
pub(crate) fn deserialize_span<'de, D: serde::de::Deserializer<'de>>(
    d: D,
) -> Result<Option<Duration>, D::Error> {
    d.deserialize_any(SpanVisitor).map(Some)
}

struct SpanVisitor;

impl serde::de::Visitor<'_> for SpanVisitor {
    type Value = Duration;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("seconds or a time span such as \"45s\" or \"60m\"")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Duration, E> {
        parse_duration(text).map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, seconds: i64) -> Result<Duration, E> {
        self.visit_str(&seconds.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, seconds: u64) -> Result<Duration, E> {
        self.visit_str(&seconds.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, seconds: f64) -> Result<Duration, E> {
        self.visit_str(&seconds.to_string())
    }
}

/// Parses a count of items: a whole number from 1.
pub fn parse_count(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("0 items: the smallest count is 1".to_string()),
        Ok(count) => Ok(count),
        Err(_) => Err(format!(
            "`{text}` is not a count of items (a whole number from 1)"
        )),
    }
}

/// A span as `H:MM:SS` or `M:SS`.
pub fn clock_text(span: Duration) -> String {
    let seconds = span.as_secs();
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spans() {
        let cases = [
            ("90", Some(90.0)),
            ("90s", Some(90.0)),
            ("2.5", Some(2.5)),
            ("1", Some(1.0)),
            ("0.5", None),
            ("1e-10", None),
            ("0.9s", None),
            ("30m", Some(1800.0)),
            ("1h30m", Some(5400.0)),
            ("1m30s", Some(90.0)),
            ("0", None),
            ("-5", None),
            ("abc", None),
            ("5x", None),
            ("m", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                parse_duration(text).ok().map(|d| d.as_secs_f64()),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn too_short_spans_name_the_shortest() {
        assert_eq!(
            parse_duration("1e-10").unwrap_err(),
            "`1e-10` is shorter than the shortest time span, 1s"
        );
    }

    #[test]
    fn clocks_read_as_clocks() {
        assert_eq!(clock_text(Duration::from_secs(59)), "0:59");
        assert_eq!(clock_text(Duration::from_secs(30 * 60)), "30:00");
        assert_eq!(clock_text(Duration::from_secs(3723)), "1:02:03");
    }

    #[test]
    fn counts_start_at_one() {
        assert_eq!(parse_count("3"), Ok(3));
        assert_eq!(
            parse_count("0").unwrap_err(),
            "0 items: the smallest count is 1"
        );
        assert!(parse_count("-1").is_err());
        assert!(parse_count("x").is_err());
    }
}
