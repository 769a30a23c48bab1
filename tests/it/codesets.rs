//! The embedded code sets: counts, parity with an independent reading of the official data,
//! the converter on small fixtures, and CMS order files given with `--codeset`.

use crate::common::{Scratch, codedrill, fixture};
use codedrill::cmd::lookup::lookup;
use codedrill::codes::{CodeSets, Status, System, is_well_formed};
use predicates::prelude::*;

#[test]
fn icd10cm_fy2026_has_74719_billable_codes() {
    let sets = CodeSets::embedded();
    assert_eq!(sets.icd10cm.billable_count(), 74_719);
    let entries = sets.icd10cm.entries();
    let headers = entries
        .iter()
        .filter(|e| e.status == Status::Header)
        .count();
    assert!(headers > 20_000, "{headers} headers");
    assert!(
        entries.windows(2).all(|w| w[0].code < w[1].code),
        "codes sorted and unique"
    );
}

#[test]
fn icd10pcs_has_every_section_and_68367_medical_and_surgical_codes() {
    let sets = CodeSets::embedded();
    let entries = sets.icd10pcs.entries();
    // FY2025 section 0 and the FY2024 sections 1-9, B-D, F-H and X (codesets/README.md).
    assert_eq!(entries.len(), 78_913);
    let section0 = entries.iter().filter(|e| e.code.starts_with('0')).count();
    assert_eq!(section0, 68_367);
    let mut sections: Vec<char> = entries
        .iter()
        .filter_map(|e| e.code.chars().next())
        .collect();
    sections.dedup();
    assert_eq!(sections.iter().collect::<String>(), "0123456789BCDFGHX");
    assert!(
        entries
            .iter()
            .all(|e| e.status == Status::Billable && e.code.len() == 7)
    );
}

#[test]
fn lookup_agrees_with_the_independent_parity_fixture() {
    let sets = CodeSets::embedded();
    let text = std::fs::read_to_string(fixture("codesets/icd10cm_parity.tsv")).unwrap();
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (input, status, description) =
            (fields[0], fields[1], fields.get(2).copied().unwrap_or(""));
        let found = lookup(&sets, input);
        if status == "invalid" && is_well_formed(System::Hcpcs, input) {
            // No ICD-10-CM code (C46.59), so an HCPCS Level II code (C4659), not invalid.
            assert_eq!(
                (found.system.as_str(), found.status.as_str()),
                ("hcpcs", "not_embedded"),
                "{input}"
            );
        } else {
            assert_eq!(found.status, status, "{input}");
            assert_eq!(found.description, description, "{input}");
        }
        checked += 1;
    }
    assert!(checked >= 300, "{checked}");
}

#[test]
fn chapters_and_body_systems_name_generated_categories() {
    use codedrill::codes::codeset::{icd10cm_chapter_of, icd10pcs_body_system_of};
    assert_eq!(
        icd10cm_chapter_of("E119").as_deref(),
        Some("Endocrine, nutritional and metabolic diseases")
    );
    assert_eq!(
        icd10cm_chapter_of("S52521A").as_deref(),
        Some("Injury, poisoning and certain other consequences of external causes")
    );
    assert_eq!(
        icd10pcs_body_system_of("0DT44ZZ").as_deref(),
        Some("Gastrointestinal System")
    );
}

#[test]
#[ignore = "runs the Python converter (needs python3): cargo test -- --ignored"]
fn converter_turns_the_small_tabular_into_the_expected_codes() {
    let scratch = Scratch::new();
    let codes = scratch.path("codes.tsv");
    let chapters = scratch.path("chapters.tsv");
    let status = std::process::Command::new("python3")
        .arg(format!(
            "{}/codesets/build_icd10cm.py",
            env!("CARGO_MANIFEST_DIR")
        ))
        .arg(fixture("codesets/tabular-small.xml"))
        .args([&codes, &chapters])
        .output()
        .expect("python3 runs the converter");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let want = std::fs::read_to_string(fixture("codesets/tabular-small.expected.tsv")).unwrap();
    assert_eq!(std::fs::read_to_string(&codes).unwrap(), want);
    let want =
        std::fs::read_to_string(fixture("codesets/tabular-small.expected-chapters.tsv")).unwrap();
    assert_eq!(std::fs::read_to_string(&chapters).unwrap(), want);
    // 7th characters inherited, placeholder X, and an override that restricts them.
    let codes = std::fs::read_to_string(&codes).unwrap();
    for present in [
        "S000XXA\tbillable",
        "S0010XA\tbillable",
        "S0020XS\tbillable",
        "S000\theader",
    ] {
        assert!(codes.contains(present), "{present}");
    }
    assert!(!codes.contains("S0020XD"), "restricted 7th character");
}

#[test]
#[ignore = "runs the Python converter's unit tests (needs python3): cargo test -- --ignored"]
fn converter_unit_tests_pass() {
    let output = std::process::Command::new("python3")
        .args([
            "-m",
            "unittest",
            "discover",
            "-s",
            "codesets",
            "-p",
            "test_*.py",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("OK"), "{stderr}");
}

#[test]
fn an_order_file_replaces_the_embedded_icd10cm_set() {
    let sample = fixture("codesets/icd10cm_order_sample.txt");
    codedrill()
        .args([
            "--codeset",
            &sample,
            "lookup",
            "--format",
            "csv",
            "E11.9",
            "S52.521A",
            "E11.65",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "E11.9,E11.9,icd10cm,billable,Type 2 diabetes mellitus without complications",
        ))
        .stdout(predicate::str::contains(
            "S52.521A,S52.521A,icd10cm,billable,",
        ))
        .stdout(predicate::str::contains("E11.65,E11.65,icd10cm,invalid,"));
}

#[test]
fn a_malformed_order_file_is_reported_by_line() {
    let bad = fixture("codesets/icd10cm_order_bad.txt");
    codedrill()
        .args(["--codeset", &bad, "lookup", "E11.9"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("{bad}:3:")))
        .stderr(predicate::str::contains(format!("{bad}:7:")));
    codedrill()
        .args(["--codeset", "/no/such/order.txt", "lookup", "E11.9"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/no/such/order.txt"));
}
