//! Which release of each code set codedrill grades against, named wherever a code is graded
//! or looked up (the banner, `lookup`, the exam page, `--version`): FY2027 took effect on
//! October 1, 2026, and a learner must know her answers were checked against FY2026.

use std::path::Path;

use super::System;

/// Expands to the embedded ICD-10-CM release, as a literal (for `concat!`).
macro_rules! icd10cm_release {
    () => {
        "ICD-10-CM FY2026 (April 1, 2026)"
    };
}

/// Expands to the embedded ICD-10-PCS release, as a literal (for `concat!`).
macro_rules! icd10pcs_release {
    () => {
        "ICD-10-PCS FY2025 (Medical and Surgical section)"
    };
}

/// The embedded ICD-10-CM release.
pub const ICD10CM: &str = icd10cm_release!();
/// The embedded ICD-10-PCS release.
pub const ICD10PCS: &str = icd10pcs_release!();

/// `codedrill --version`: the program's version and the code sets it embeds.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (code sets: ",
    icd10cm_release!(),
    "; ",
    icd10pcs_release!(),
    ")"
);

/// The release of `system` that is graded against: the embedded one, or the order file
/// `codeset` that replaces ICD-10-CM. `None` for systems with no code set (CPT, HCPCS, terms).
pub fn of(system: System, codeset: Option<&Path>) -> Option<String> {
    match system {
        System::Icd10cm => Some(match codeset {
            Some(path) => format!("ICD-10-CM from the CMS order file {}", path.display()),
            None => ICD10CM.to_string(),
        }),
        System::Icd10pcs => Some(ICD10PCS.to_string()),
        _ => None,
    }
}

/// "Graded against …" for the systems used, in the order given; `None` when none has a
/// code set.
pub fn graded_against(systems: &[System], codeset: Option<&Path>) -> Option<String> {
    let mut releases: Vec<String> = Vec::new();
    let each = systems.iter().flat_map(|&system| match system {
        System::Icd10cmPcs => vec![System::Icd10cm, System::Icd10pcs],
        one => vec![one],
    });
    for release in each.filter_map(|s| of(s, codeset)) {
        if !releases.contains(&release) {
            releases.push(release);
        }
    }
    (!releases.is_empty()).then(|| format!("Graded against {}", releases.join(" and ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_release_of_each_graded_system_once() {
        let systems = [
            System::Icd10cm,
            System::Cpt,
            System::Icd10cm,
            System::Icd10pcs,
        ];
        assert_eq!(
            graded_against(&systems, None).unwrap(),
            "Graded against ICD-10-CM FY2026 (April 1, 2026) and ICD-10-PCS FY2025 (Medical and Surgical section)"
        );
        let order = Path::new("icd10cm_order_2027.txt");
        assert_eq!(
            graded_against(&[System::Icd10cm], Some(order)).unwrap(),
            "Graded against ICD-10-CM from the CMS order file icd10cm_order_2027.txt"
        );
        assert_eq!(graded_against(&[System::Cpt, System::Term], None), None);
        assert!(VERSION.contains("FY2026") && VERSION.contains("FY2025"));
    }
}
