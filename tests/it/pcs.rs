//! ICD-10-PCS taught by its axes: every section embedded, `lookup`'s character table, feedback
//! that names each wrong character, the "build the code" drill, `--generate` by section,
//! `report --by axis`, and CMS PCS order files given with `--codeset`.

use crate::common::{Scratch, codedrill, fixture, log_rows};
use predicates::prelude::*;

fn stdout_of(args: &[&str], input: &str) -> String {
    let output = codedrill().args(args).write_stdin(input).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn lookup_shows_the_seven_characters_and_the_definitions() {
    let text = stdout_of(&["lookup", "0FT44ZZ"], "");
    for line in [
        "0FT44ZZ  billable  Resection of Gallbladder, Percutaneous Endoscopic Approach",
        "  #  axis            value  meaning",
        "  1  Section         0      Medical and Surgical",
        "  2  Body System     F      Hepatobiliary System and Pancreas",
        "  3  Root Operation  T      Resection",
        "  4  Body Part       4      Gallbladder",
        "  5  Approach        4      Percutaneous Endoscopic",
        "  6  Device          Z      No Device",
        "  7  Qualifier       Z      No Qualifier",
        "  Root operation T — Resection",
        "  Approach 4 — Percutaneous Endoscopic",
        "(looked up in ICD-10-PCS FY2025 (Medical and Surgical section))",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    assert!(
        text.contains(
            "definition       Cutting out or off, without replacement, all of a body part"
        ),
        "{text}"
    );
    // Another section names its year and its own axes.
    let imaging = stdout_of(&["lookup", "BW03ZZZ"], "");
    assert!(
        imaging.contains("  5  Contrast     Z      None"),
        "{imaging}"
    );
    assert!(
        imaging.contains("(looked up in ICD-10-PCS FY2024 (Imaging section))"),
        "{imaging}"
    );
}

#[test]
fn lookup_json_and_csv_carry_the_axes() {
    let text = stdout_of(&["lookup", "--format", "json", "0FT44ZZ"], "");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let axes = json[0]["axes"].as_array().unwrap();
    assert_eq!(axes.len(), 7);
    assert_eq!(
        axes[4],
        serde_json::json!({"position": 5, "axis": "Approach", "value": "4", "meaning": "Percutaneous Endoscopic"})
    );
    assert_eq!(json[0]["root_operation"]["name"], "Resection");
    assert_eq!(json[0]["approach"]["value"], "4");
    let csv = stdout_of(&["lookup", "--format", "csv", "0FT44ZZ", "E11.9"], "");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.last().map(String::as_str), Some("axes"));
    assert_eq!(
        header[..7],
        [
            "input",
            "code",
            "system",
            "status",
            "description",
            "suggestions",
            "release"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        &rows[0][header.len() - 1],
        "1:Section=0 (Medical and Surgical) | 2:Body System=F (Hepatobiliary System and Pancreas) | \
         3:Root Operation=T (Resection) | 4:Body Part=4 (Gallbladder) | \
         5:Approach=4 (Percutaneous Endoscopic) | 6:Device=Z (No Device) | 7:Qualifier=Z (No Qualifier)"
    );
    assert_eq!(&rows[1][header.len() - 1], "");
}

#[test]
fn a_wrong_approach_is_explained_by_its_axis() {
    let scratch = Scratch::new();
    let text = stdout_of(
        &[
            "drill",
            &fixture("decks/pcs.csv"),
            "--order",
            "file",
            "-n",
            "2",
            "--log",
            scratch.log().to_str().unwrap(),
        ],
        "0FT40ZZ\nBW030ZZ\n",
    );
    assert!(
        text.contains("near miss (pcs_axis: right table, one or two characters (axes) off)"),
        "{text}"
    );
    assert!(
        text.contains(
            "  axes      character 5, approach: you typed 0 (Open), the answer is 4\n            (Percutaneous Endoscopic)"
        ) || text.contains(
            "  axes      character 5, approach: you typed 0 (Open), the answer is 4 (Percutaneous Endoscopic)"
        ),
        "{text}"
    );
    // A typed code that does not exist is still read character by character.
    assert!(
        text.contains(
            "character 5, contrast: you typed 0 (not a value of table BW0), the answer is Z (None)"
        ),
        "{text}"
    );
    let rows = log_rows(&scratch.log());
    assert_eq!(
        (rows[0]["verdict"].as_str(), rows[0]["detail"].as_str()),
        ("near_miss", "pcs_axis")
    );
    assert_eq!(rows[1]["verdict"], "invalid");
}

#[test]
fn the_axes_drill_walks_every_character_and_sums_up_by_axis() {
    let scratch = Scratch::new();
    let text = stdout_of(
        &[
            "drill",
            &fixture("decks/pcs.csv"),
            "--mode",
            "axes",
            "--order",
            "file",
            "--log",
            scratch.log().to_str().unwrap(),
        ],
        "0FT40ZZ\nBW03ZZZ\n10E0XZZ\n",
    );
    for line in [
        "  axes      1 section         right  0 Medical and Surgical",
        "            4 body part       right  4 Gallbladder",
        "            5 approach        wrong  0 Open; the answer is 4 (Percutaneous Endoscopic)",
        "Accuracy by axis (3 PCS answers)",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    assert!(
        text.contains("  5 approach                           1 of 2     50.0%  ← weakest"),
        "{text}"
    );
    assert!(
        text.contains("  5 contrast                           1 of 1    100.0%"),
        "{text}"
    );
    // Logged as practice: the log's modes are practice, exam, transcribe and review.
    let rows = log_rows(&scratch.log());
    assert!(rows.iter().all(|r| r["mode"] == "practice"));
    // A deck without PCS items has nothing to drill.
    codedrill()
        .args(["drill", "terminology", "--mode", "axes", "--log"])
        .arg(scratch.log())
        .write_stdin("")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--mode axes drills ICD-10-PCS items",
        ));
}

#[test]
fn transcription_marks_the_characters_that_differ() {
    let scratch = Scratch::new();
    let text = stdout_of(
        &[
            "drill",
            &fixture("decks/pcs.csv"),
            "--mode",
            "transcribe",
            "--order",
            "file",
            "-n",
            "1",
            "--log",
            scratch.log().to_str().unwrap(),
        ],
        "0FT44ZD\n",
    );
    let lines: Vec<&str> = text.lines().collect();
    let answer = lines
        .iter()
        .position(|l| l.starts_with("  answer    0FT44ZZ"))
        .unwrap();
    assert_eq!(lines[answer + 1], "                  ^", "{text}");
}

#[test]
fn generate_draws_from_any_section_and_table() {
    for (spec, prefix) in [
        ("icd10pcs:B", "B"),
        ("icd10pcs:0DT", "0DT"),
        ("icd10pcs:GZ", "GZ"),
    ] {
        let scratch = Scratch::new();
        codedrill()
            .args([
                "drill",
                "--generate",
                spec,
                "-n",
                "3",
                "--seed",
                "7",
                "--log",
            ])
            .arg(scratch.log())
            .write_stdin("\n\n\n")
            .assert()
            .success();
        let rows = log_rows(&scratch.log());
        assert_eq!(rows.len(), 3, "{spec}");
        for row in &rows {
            assert!(row["expected"].starts_with(prefix), "{spec}: {row:?}");
            assert!(!row["category"].is_empty(), "{spec}: {row:?}");
        }
        if prefix == "B" {
            assert!(rows[0]["category"].starts_with("Imaging: "), "{rows:?}");
        }
    }
}

#[test]
fn report_by_axis_counts_each_character_of_pcs_attempts() {
    let scratch = Scratch::new();
    let log = scratch.log();
    let row = |item: &str, expected: &str, entered: &str, verdict: &str| {
        format!(
            "2026-11-20T10:00:00-05:00,s1,ana,practice,pcs,{item},icd10pcs,,Prompt,{expected},{entered},{verdict},,0,4000,900,8,0\n"
        )
    };
    let mut text = String::from(
        "timestamp,session,user,mode,deck,item,system,category,prompt,expected,entered,verdict,detail,score,elapsed_ms,first_key_ms,keystrokes,backspaces\n",
    );
    text += &row("a", "0FT44ZZ", "0FT44ZZ", "correct");
    text += &row("b", "0FT44ZZ", "0FT40ZZ", "near_miss");
    text += &row("c", "0DTJ4ZZ", "0DTJ0ZZ", "near_miss");
    text += "2026-11-20T10:01:00-05:00,s1,ana,practice,cm,d,icd10cm,,Prompt,E11.9,E11.9,correct,,1,3000,900,6,0\n";
    std::fs::write(&log, text).unwrap();
    let json = stdout_of(
        &[
            "report",
            log.to_str().unwrap(),
            "--by",
            "axis",
            "--format",
            "json",
        ],
        "",
    );
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let groups = report["groups"].as_array().unwrap();
    let keys: Vec<&str> = groups.iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "section",
            "body system",
            "root operation",
            "body part",
            "approach",
            "device",
            "qualifier"
        ]
    );
    let approach = &groups[4];
    assert_eq!(
        (approach["attempts"].as_u64(), approach["correct"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(groups[3]["correct"].as_u64(), Some(3));
    // The overall row is every attempt, as with any grouping.
    assert_eq!(report["overall"]["attempts"].as_u64(), Some(4));
    let table = stdout_of(&["report", log.to_str().unwrap(), "--by", "axis"], "");
    assert!(table.contains("approach"), "{table}");
}

#[test]
fn a_pcs_order_file_replaces_the_embedded_pcs_set() {
    let order = fixture("codesets/icd10pcs_order_sample.txt");
    let text = stdout_of(
        &[
            "lookup",
            "--codeset",
            &order,
            "--format",
            "csv",
            "0DTJ4ZZ",
            "0FT48ZZ",
            "0DTJ8ZZ",
            "E11.9",
        ],
        "",
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1]
            .starts_with("0DTJ4ZZ,0DTJ4ZZ,icd10pcs,billable,Resection of Appendix, Percutaneous")
            || lines[1].starts_with(
                "0DTJ4ZZ,0DTJ4ZZ,icd10pcs,billable,\"Resection of Appendix, Percutaneous"
            ),
        "{text}"
    );
    assert!(
        lines[1].contains("ICD-10-PCS from the CMS order file"),
        "{text}"
    );
    // A code of the embedded set that the file does not hold is not a code any more.
    assert!(
        lines[3].starts_with("0DTJ8ZZ,0DTJ8ZZ,icd10pcs,invalid,"),
        "{text}"
    );
    // ICD-10-CM stays embedded.
    assert!(lines[4].contains("ICD-10-CM FY2026"), "{text}");
    let bad = fixture("codesets/icd10pcs_order_bad.txt");
    codedrill()
        .args(["lookup", "--codeset", &bad, "0DTJ0ZZ"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "{bad}:3: code `0DTJ4Z` is not a well-formed ICD-10-PCS code"
        )));
}
