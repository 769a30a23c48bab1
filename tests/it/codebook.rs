//! `lookup` as the codebook: instructional notes with their origin, 7th characters, CC/MCC,
//! the SPEC's JSON fields, `--brief`, search by inclusion terms, and codes of the systems that
//! are not embedded (CPT, HCPCS Level II).

use crate::common::codedrill;
use serde_json::Value;

/// The standard output of a lookup that succeeds.
fn lookup(args: &[&str]) -> String {
    let output = codedrill().arg("lookup").args(args).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn lookup_json(args: &[&str]) -> Vec<Value> {
    let text = lookup(&[&["--format", "json"], args].concat());
    let json: Value = serde_json::from_str(&text).unwrap();
    json.as_array().unwrap().clone()
}

#[test]
fn e11_9_shows_the_insulin_note_of_its_category() {
    let text = lookup(&["E11.9"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("E11.9  billable") && lines[0].ends_with("without complications"),
        "{text}"
    );
    let from_e11 = lines
        .iter()
        .position(|l| *l == "  from E11 — Type 2 diabetes mellitus")
        .unwrap_or_else(|| panic!("{text}"));
    let insulin = lines
        .iter()
        .position(|l| l.trim() == "insulin (Z79.4)")
        .unwrap_or_else(|| panic!("{text}"));
    let lead = lines
        .iter()
        .position(|l| l.contains("Use additional   code to identify control using:"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(from_e11 < lead && lead < insulin, "{text}");
    // Its own Excludes1 comes before the inherited notes; the chapter's come last.
    let own = lines.iter().position(|l| l.contains("(E11.A)")).unwrap();
    assert!(own < from_e11, "{text}");
    assert!(text.contains("  from chapter 4 — Endocrine, nutritional and metabolic diseases"));
    assert!(text.contains("CC/MCC           not a CC or MCC (MS-DRG v43.1)"));
}

#[test]
fn codebook_table_snapshot() {
    // Standard output is not a terminal here, so lines are not wrapped.
    insta::assert_snapshot!(lookup(&["E11.9", "S52.521A", "J1100", "99213"]));
}

#[test]
fn brief_gives_one_line_per_code() {
    let text = lookup(&["--brief", "E11.9", "I10", "99213"]);
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "E11.9  billable      Type 2 diabetes mellitus without complications",
            "I10    billable      Essential (primary) hypertension",
            "99213  not_embedded  CPT code; CPT is not embedded (AMA licence)",
        ]
    );
}

/// A JSON array of `{text, from}` objects whose values are strings.
fn assert_note_list(value: &Value, what: &str) {
    for note in value
        .as_array()
        .unwrap_or_else(|| panic!("{what}: {value}"))
    {
        let keys: Vec<&String> = note.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["from", "text"], "{what}");
        assert!(
            note["text"].is_string() && note["from"].is_string(),
            "{what}"
        );
    }
}

#[test]
fn json_carries_the_spec_codebook_fields() {
    let rows = lookup_json(&["E11.9", "S52.521A", "J18.9", "N17.9", "0DT44ZZ", "E11.99"]);
    let e119 = &rows[0];
    for key in [
        "input",
        "code",
        "system",
        "status",
        "description",
        "suggestions",
        "severity",
        "inclusion_terms",
        "notes",
        "seventh_characters",
    ] {
        assert!(e119.get(key).is_some(), "E11.9 has no {key}: {e119}");
    }
    assert!(e119["severity"].is_null());
    assert!(e119["inclusion_terms"].as_array().unwrap().is_empty());
    let notes = e119["notes"].as_object().unwrap();
    let mut kinds: Vec<&String> = notes.keys().collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "code_also",
            "code_first",
            "excludes1",
            "excludes2",
            "includes",
            "use_additional"
        ]
    );
    for (kind, list) in notes {
        assert_note_list(list, kind);
    }
    let insulin = notes["use_additional"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["text"].as_str().unwrap().ends_with("insulin (Z79.4)"))
        .unwrap();
    assert_eq!(insulin["from"], "E11");
    assert_eq!(
        insulin["text"],
        "code to identify control using: insulin (Z79.4)"
    );
    assert_eq!(notes["excludes1"][0]["from"], "E11.9");

    let s52521a = &rows[1];
    let seventh = s52521a["seventh_characters"].as_array().unwrap();
    assert_eq!(seventh.len(), 6, "torus fractures: A D G K P S");
    assert_eq!(seventh[0]["char"], "A");
    assert_eq!(
        seventh[0]["meaning"],
        "initial encounter for closed fracture"
    );
    assert_eq!(s52521a["severity"], "cc");

    assert_eq!(rows[2]["severity"], "mcc");
    assert_eq!(rows[3]["severity"], "cc");
    // PCS codes and invalid input have no codebook fields.
    for row in &rows[4..] {
        assert!(
            row.get("notes").is_none() && row.get("severity").is_none(),
            "{row}"
        );
    }
}

#[test]
fn a_cc_and_an_mcc_are_flagged() {
    let text = lookup(&["N17.9", "J18.9", "I46.9"]);
    assert!(
        text.contains("CC/MCC           CC (MS-DRG v43.1)"),
        "{text}"
    );
    assert!(
        text.contains("CC/MCC           MCC (MS-DRG v43.1)\n"),
        "{text}"
    );
    assert!(
        text.contains("MCC (MS-DRG v43.1) only if the patient is discharged alive"),
        "{text}"
    );
}

#[test]
fn search_finds_codes_by_their_inclusion_terms() {
    let text = lookup(&["--search", "Kimmelstiel-Wilson"]);
    assert!(
        text.lines().any(|l| l.starts_with("E11.21")
            && l.ends_with(
                "— inclusion term: Type 2 diabetes mellitus with Kimmelstiel-Wilson disease"
            )),
        "{text}"
    );
    let text = lookup(&["--search", "juvenile onset diabetes"]);
    assert!(
        text.lines().any(|l| l.starts_with("E10 ")
            && l.ends_with("— includes: juvenile onset diabetes (mellitus)")),
        "{text}"
    );
    let rows = lookup_json(&["--search", "high blood pressure"]);
    let i10 = rows.iter().find(|r| r["code"] == "I10").unwrap();
    assert_eq!(i10["matched_term"]["kind"], "includes");
    assert_eq!(i10["matched_term"]["text"], "high blood pressure");
}

#[test]
fn cpt_and_hcpcs_codes_are_named_not_invalid() {
    let rows = lookup_json(&["99213", "0001F", "0002U", "G0008", "J1100", "E1199"]);
    let reading = |row: &Value| {
        (
            row["system"].as_str().unwrap().to_string(),
            row["status"].as_str().unwrap().to_string(),
        )
    };
    for row in &rows[..3] {
        assert_eq!(reading(row), ("cpt".into(), "not_embedded".into()), "{row}");
        assert_eq!(
            row["description"],
            "CPT code; CPT is not embedded (AMA licence)"
        );
    }
    assert_eq!(reading(&rows[3]), ("hcpcs".into(), "not_embedded".into()));
    assert_eq!(rows[3]["description"], "HCPCS Level II code; not embedded");
    // J1100 reads both ways: ICD-10-CM J11.00, and HCPCS Level II J1100.
    assert_eq!(reading(&rows[4]), ("icd10cm".into(), "billable".into()));
    assert_eq!(rows[4]["code"], "J11.00");
    assert_eq!(rows[4]["other_readings"][0]["system"], "hcpcs");
    assert_eq!(rows[4]["other_readings"][0]["status"], "not_embedded");
    // E11.99 does not exist, so E1199 is an HCPCS code, not an invalid ICD-10-CM one.
    assert_eq!(reading(&rows[5]), ("hcpcs".into(), "not_embedded".into()));
    assert!(rows[5]["suggestions"].as_array().unwrap().is_empty());
    let text = lookup(&["--brief", "J1100"]);
    assert!(
        text.contains("J11.00  billable  Influenza due to unidentified influenza virus"),
        "{text}"
    );
    assert!(
        text.contains("also J1100 — HCPCS Level II code; not embedded"),
        "{text}"
    );
}
