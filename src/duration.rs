//! Parsing of time spans given on the command line: `90`, `90s`, `30m`, `1h`, `1m30s`.

use std::time::Duration;

/// Parses a span; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let bad = || format!("`{text}` is not a time span (examples: 90, 90s, 30m, 1h30m)");
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(seconds) = text.parse::<f64>() {
        return positive(seconds).ok_or_else(bad);
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
    positive(total).ok_or_else(bad)
}

fn positive(seconds: f64) -> Option<Duration> {
    (seconds.is_finite() && seconds > 0.0 && seconds < 1e9)
        .then(|| Duration::from_secs_f64(seconds))
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
}
