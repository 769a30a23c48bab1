//! Which release of each code set codedrill grades against, named wherever a code is graded
//! or looked up (the banner, `lookup`, the exam page, `--version`): FY2027 took effect on
//! October 1, 2026, and a learner must know her answers were checked against FY2026.
//!
//! ICD-10-PCS is embedded from two releases: the Medical and Surgical section (0) is FY2025,
//! every other section FY2024 (the only public data of them at hand, see
//! `codesets/README.md`); `lookup` names the year of each code's section.

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
        "ICD-10-PCS FY2025 (Medical and Surgical section; other sections FY2024)"
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
/// `codeset` when it replaces that system's set. `None` for systems with no code set (CPT,
/// HCPCS, terms).
pub fn of(system: System, codeset: Option<&Path>) -> Option<String> {
    let embedded = match system {
        System::Icd10cm => ICD10CM,
        System::Icd10pcs => ICD10PCS,
        _ => return None,
    };
    Some(match codeset {
        Some(path) if replaced_by(path) == system => format!(
            "{} from the CMS order file {}",
            system.label(),
            path.display()
        ),
        _ => embedded.to_string(),
    })
}

/// The system whose set an order file replaces; a file that cannot be read (it would have
/// stopped the command before anything was graded) counts as ICD-10-CM.
fn replaced_by(path: &Path) -> System {
    super::codeset::order_file_system(path).unwrap_or(System::Icd10cm)
}

/// The release one code was looked up in: for an embedded ICD-10-PCS code, its section's
/// (`ICD-10-PCS FY2024 (Imaging section)`); otherwise that of its system ([`of`]).
pub fn of_code(system: System, code: &str, codeset: Option<&Path>) -> Option<String> {
    let replaced = codeset.is_some_and(|path| replaced_by(path) == System::Icd10pcs);
    match super::pcs::section_of(code) {
        Some(section) if system == System::Icd10pcs && !replaced => Some(format!(
            "ICD-10-PCS {} ({} section)",
            section.release, section.title
        )),
        _ => of(system, codeset),
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
            "Graded against ICD-10-CM FY2026 (April 1, 2026) and ICD-10-PCS FY2025 (Medical and Surgical section; other sections FY2024)"
        );
        let order = Path::new("icd10cm_order_2027.txt");
        assert_eq!(
            graded_against(&[System::Icd10cm], Some(order)).unwrap(),
            "Graded against ICD-10-CM from the CMS order file icd10cm_order_2027.txt"
        );
        assert_eq!(graded_against(&[System::Cpt, System::Term], None), None);
        assert!(VERSION.contains("FY2026") && VERSION.contains("FY2025"));
        assert!(VERSION.contains("other sections FY2024"));
    }

    #[test]
    fn a_pcs_code_names_the_year_of_its_section() {
        let of = |code: &str| of_code(System::Icd10pcs, code, None).unwrap();
        assert_eq!(
            of("0FT44ZZ"),
            "ICD-10-PCS FY2025 (Medical and Surgical section)"
        );
        assert_eq!(of("BW03ZZZ"), "ICD-10-PCS FY2024 (Imaging section)");
        assert_eq!(
            of_code(System::Icd10cm, "E119", None).unwrap(),
            "ICD-10-CM FY2026 (April 1, 2026)"
        );
    }
}
