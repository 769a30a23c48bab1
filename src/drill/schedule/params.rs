//! The scheduler's settings: the FSRS weights (FSRS-6's defaults, or a learner's own fitted by
//! the FSRS optimizer from `report --format revlog`) and the desired retention.
//!
//! A weights file holds the 21 weights of FSRS-6 or the 19 of FSRS-5, in the optimizer's
//! order, separated by commas or white space; brackets around them and lines starting with
//! `#` are ignored, so the optimizer's printed list can be pasted as it is.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

/// Retention when neither `--retention` nor the config file sets one.
pub const DEFAULT_RETENTION: f64 = 0.9;

/// The desired retentions accepted (Anki's range).
pub const RETENTION_RANGE: std::ops::RangeInclusive<f64> = 0.7..=0.99;

/// The largest file of weights read: a few hundred bytes is all one needs.
const WEIGHTS_FILE_LIMIT: u64 = 64 * 1024;

/// FSRS with its weights, and the retention to schedule for.
#[derive(Debug, Clone)]
pub struct Params {
    pub(super) fsrs: fsrs::FSRS,
    /// The forgetting curve's decay (the 21st weight; FSRS-5's 0.5 for 19 weights)
    pub(super) decay: f32,
    /// The desired retention: the share of due reviews FSRS aims to see answered right
    pub retention: f64,
}

impl Params {
    /// FSRS with `weights` (none: FSRS-6's defaults) for `retention`.
    pub fn new(weights: &[f32], retention: f64) -> Result<Params> {
        check_retention(retention).map_err(|message| anyhow!(message))?;
        let filled = fsrs::check_and_fill_parameters(weights)
            .map_err(|err| anyhow!("the FSRS weights are not usable ({err})"))?;
        let fsrs = fsrs::FSRS::new(weights)
            .map_err(|err| anyhow!("the FSRS weights are not usable ({err})"))?;
        Ok(Params {
            fsrs,
            decay: filled.get(20).copied().unwrap_or(fsrs::FSRS6_DEFAULT_DECAY),
            retention,
        })
    }

    /// FSRS-6's default weights for `retention`.
    pub fn defaults(retention: f64) -> Result<Params> {
        Params::new(&[], retention)
    }

    /// The parameters a command runs with: the weights of `--fsrs-params` (`file`), else of
    /// the config file's `fsrs_params`, else FSRS-6's defaults; the retention of
    /// `--retention`, else of the config file, else [`DEFAULT_RETENTION`].
    pub fn resolve(
        settings: &crate::settings::Settings,
        file: Option<&Path>,
        retention: Option<f64>,
    ) -> Result<Params> {
        let retention = settings.retention(retention);
        match settings.fsrs_params(file) {
            Some(path) => Params::from_file(path, retention),
            None => Params::defaults(retention),
        }
    }

    /// The weights of a file (see the module's notes) for `retention`; errors name the file.
    pub fn from_file(path: &Path, retention: f64) -> Result<Params> {
        let text = read_small(path)?;
        let weights =
            parse_weights(&text).map_err(|message| anyhow!("{}: {message}", path.display()))?;
        Params::new(&weights, retention).with_context(|| format!("{}", path.display()))
    }
}

/// Reads a small text file, refusing what is not a regular file or is too large to be weights.
fn read_small(path: &Path) -> Result<String> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    if meta.len() > WEIGHTS_FILE_LIMIT {
        bail!(
            "{} is too large for FSRS weights (19 or 21 numbers)",
            path.display()
        );
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The weights written in a file's text: 19 or 21 numbers.
pub fn parse_weights(text: &str) -> std::result::Result<Vec<f32>, String> {
    let mut weights = Vec::new();
    for (at, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let words = line
            .split(|c: char| c == ',' || c.is_whitespace() || c == '[' || c == ']')
            .filter(|word| !word.is_empty());
        for word in words {
            let weight = word
                .parse::<f32>()
                .ok()
                .filter(|w| w.is_finite())
                .ok_or_else(|| format!("line {}: {word:?} is not a number", at + 1))?;
            weights.push(weight);
        }
    }
    match weights.len() {
        19 | 21 => Ok(weights),
        n => Err(format!(
            "{n} numbers; FSRS weights are 21 (FSRS-6) or 19 (FSRS-5), separated by commas or spaces"
        )),
    }
}

/// Checks a desired retention.
pub fn check_retention(retention: f64) -> std::result::Result<f64, String> {
    if RETENTION_RANGE.contains(&retention) {
        Ok(retention)
    } else {
        Err(format!(
            "desired retention {retention} is out of range: from {} to {} (0.9 means 90% of due reviews answered right)",
            RETENTION_RANGE.start(),
            RETENTION_RANGE.end()
        ))
    }
}

/// `--retention`'s parser: a share from 0.7 to 0.99.
pub fn parse_retention(text: &str) -> std::result::Result<f64, String> {
    let retention = text
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("{text:?} is not a number like 0.9"))?;
    check_retention(retention)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FSRS6: &str = "0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, \
                         0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, \
                         0.0912, 0.0658, 0.1542";

    #[test]
    fn weights_are_21_or_19_numbers_separated_any_way() {
        assert_eq!(parse_weights(FSRS6).unwrap().len(), 21);
        let pasted = format!("# fitted 2026-11-27\n[{}]\n", FSRS6.replace(", ", "\n"));
        assert_eq!(
            parse_weights(&pasted).unwrap(),
            parse_weights(FSRS6).unwrap()
        );
        let fsrs5: Vec<&str> = FSRS6.split(", ").take(19).collect();
        assert_eq!(parse_weights(&fsrs5.join(" ")).unwrap().len(), 19);
        assert!(
            parse_weights("1 2 3")
                .unwrap_err()
                .starts_with("3 numbers; FSRS weights are 21")
        );
        assert_eq!(
            parse_weights("0.1\n0.2 x").unwrap_err(),
            "line 2: \"x\" is not a number"
        );
        assert!(parse_weights(&FSRS6.replace("0.212", "NaN")).is_err());
    }

    #[test]
    fn params_take_fsrs5_and_fsrs6_weights() {
        let six = Params::new(&parse_weights(FSRS6).unwrap(), 0.9).unwrap();
        assert!((six.decay - 0.1542).abs() < 1e-6);
        let five: Vec<f32> = parse_weights(FSRS6).unwrap()[..19].to_vec();
        let five = Params::new(&five, 0.85).unwrap();
        assert!((five.decay - 0.5).abs() < 1e-6);
        assert_eq!(five.retention, 0.85);
    }

    #[test]
    fn retention_is_a_share_from_70_to_99_percent() {
        assert_eq!(parse_retention("0.9"), Ok(0.9));
        assert_eq!(parse_retention(" 0.7 "), Ok(0.7));
        assert!(
            parse_retention("0.995")
                .unwrap_err()
                .contains("out of range")
        );
        assert!(parse_retention("90").unwrap_err().contains("out of range"));
        assert!(
            parse_retention("ninety")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(Params::defaults(0.5).is_err());
    }
}
