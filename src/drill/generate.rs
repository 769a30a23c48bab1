//! Generated drills: random billable codes from part of an embedded code set, the official
//! description as the prompt (`--generate icd10cm:E00-E89`, `icd10cm:E11`, `icd10pcs:0DT`).

use std::str::FromStr;

use anyhow::{Result, bail};

use super::shuffle::Rng;
use crate::codes::codeset::{icd10cm_chapter_of, icd10pcs_body_system_of};
use crate::codes::{self, CodeSets, Status, System};
use crate::deck::Item;

/// Which part of which code set to draw from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSpec {
    pub system: System,
    /// A prefix (`E11`, `0DT`) or an inclusive range of prefixes of one length (`E00-E89`).
    pub from: String,
    pub to: String,
}

impl FromStr for GenerateSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (system, range) = text.split_once(':').unwrap_or((text, ""));
        let system: System = system.parse()?;
        if !matches!(system, System::Icd10cm | System::Icd10pcs) {
            return Err(format!(
                "cannot generate {} items: codedrill has code sets for icd10cm and icd10pcs only",
                system.name()
            ));
        }
        let clean = |part: &str| codes::normalize(System::Icd10cm, part);
        let (from, to) = match range.split_once('-') {
            Some((from, to)) => (clean(from), clean(to)),
            None => (clean(range), clean(range)),
        };
        let valid = |part: &str| part.len() <= 7 && part.bytes().all(|c| c.is_ascii_alphanumeric());
        if !valid(&from) || !valid(&to) || from.len() != to.len() || from > to {
            return Err(format!(
                "`{text}` is not a range of codes (examples: icd10cm:E00-E89, icd10cm:E11, icd10pcs:0DT)"
            ));
        }
        Ok(GenerateSpec { system, from, to })
    }
}

impl GenerateSpec {
    fn label(&self) -> String {
        match (self.from.as_str(), self.from == self.to) {
            ("", _) => self.system.name().to_string(),
            (from, true) => format!("{}:{from}", self.system.name()),
            (from, false) => format!("{}:{from}-{}", self.system.name(), self.to),
        }
    }

    /// Whether a code falls in the range (compared on the range's prefix length).
    fn contains(&self, code: &str) -> bool {
        let prefix = code.get(..self.from.len()).unwrap_or(code);
        self.from.as_str() <= prefix && prefix <= self.to.as_str()
    }
}

/// Draws `count` distinct billable codes of the range as drill items.
pub fn generate(
    sets: &CodeSets,
    spec: &GenerateSpec,
    count: usize,
    seed: u64,
) -> Result<Vec<Item>> {
    let Some(set) = sets.set(spec.system) else {
        bail!("no code set for {}", spec.system.name());
    };
    let start = common_start(&spec.from, &spec.to);
    let mut pool: Vec<(String, String)> = Vec::new();
    set.for_each_line(|line| {
        let mut fields = line.splitn(3, '\t');
        let (Some(code), Some(status), Some(description)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return;
        };
        if status == Status::Billable.name() && code.starts_with(start) && spec.contains(code) {
            pool.push((code.to_string(), description.trim_end().to_string()));
        }
    });
    if pool.is_empty() {
        bail!(
            "--generate {}: no billable code in that range",
            spec.label()
        );
    }
    let mut rng = Rng::new(seed);
    rng.shuffle(&mut pool);
    pool.truncate(count);
    Ok(pool
        .into_iter()
        .enumerate()
        .map(|(index, (code, description))| make_item(spec, index, &code, description))
        .collect())
}

fn make_item(spec: &GenerateSpec, index: usize, code: &str, description: String) -> Item {
    let category = match spec.system {
        System::Icd10cm => icd10cm_chapter_of(code),
        _ => icd10pcs_body_system_of(code),
    };
    Item {
        id: format!("gen-{:03}", index + 1),
        prompt: description,
        answer: codes::display_code(spec.system, code),
        system: spec.system,
        accept: String::new(),
        category: category.unwrap_or_default(),
        rationale: "The prompt is the code's official description.".to_string(),
        optional: String::new(),
        setting: None,
        deck: format!("generated:{}", spec.label()),
        line: 0,
    }
}

fn common_start<'a>(a: &'a str, b: &str) -> &'a str {
    let same = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    &a[..same]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let spec: GenerateSpec = "icd10cm:E00-E89".parse().unwrap();
        assert_eq!((spec.from.as_str(), spec.to.as_str()), ("E00", "E89"));
        assert!(spec.contains("E119") && spec.contains("E890") && !spec.contains("F10"));
        let one: GenerateSpec = "icd10cm:e11".parse().unwrap();
        assert!(one.contains("E1165") && !one.contains("E1000"));
        let pcs: GenerateSpec = "icd10pcs:0DT".parse().unwrap();
        assert_eq!(pcs.system, System::Icd10pcs);
        let whole: GenerateSpec = "icd10cm".parse().unwrap();
        assert!(whole.contains("Z0000"));
        for bad in [
            "cpt:99213",
            "icd10cm:E89-E00",
            "icd10cm:E0-E89",
            "icd9:250",
            "icd10cm:E1$",
        ] {
            assert!(bad.parse::<GenerateSpec>().is_err(), "{bad}");
        }
    }
}
