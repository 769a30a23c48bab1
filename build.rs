//! Embeds the shipped decks (`exercises/*.csv`) and the official code sets (`codesets/*.tsv`).
//!
//! Code sets are split into chunks by the first two characters of their codes
//! and each chunk is LZ4-compressed, so a lookup decompresses only the chunk it needs. The
//! instructional notes are chunked the same way by the code that owns them, with the notes of
//! chapters and sections (owned by a range such as `E08-E13`) in a chunk of their own; the
//! smaller ICD-10-CM files (7th characters, CC/MCC, PDX exclusions) are one LZ4 block each.
//! The meanings of ICD-10-PCS characters are chunked like the codes, by their table's first
//! two characters; PCS sections, body systems and definitions are small plain text.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=exercises");
    println!("cargo:rerun-if-changed=codesets");
    let mut generated = String::new();
    embed_decks(&mut generated);
    embed_blueprints(&mut generated);
    embed_codeset(&mut generated, &out, "ICD10CM", "codesets/icd10cm.tsv", 2);
    embed_codeset(&mut generated, &out, "ICD10PCS", "codesets/icd10pcs.tsv", 2);
    embed_codeset(
        &mut generated,
        &out,
        "ICD10PCS_AXES",
        "codesets/icd10pcs-axes.tsv",
        2,
    );
    embed_notes(&mut generated, &out);
    embed_codeset(
        &mut generated,
        &out,
        "ICD10CM_CC",
        "codesets/icd10cm-cc.tsv",
        1,
    );
    embed_block(
        &mut generated,
        &out,
        "ICD10CM_CC_EXCLUSIONS",
        "codesets/icd10cm-cc-exclusions.tsv",
    );
    embed_block(
        &mut generated,
        &out,
        "ICD10CM_SEVENTH",
        "codesets/icd10cm-seventh.tsv",
    );
    embed_text(
        &mut generated,
        "ICD10CM_SECTIONS",
        "codesets/icd10cm-sections.tsv",
    );
    embed_text(
        &mut generated,
        "ICD10CM_CHAPTERS",
        "codesets/icd10cm-chapters.tsv",
    );
    embed_text(
        &mut generated,
        "ICD10PCS_BODY_SYSTEMS",
        "codesets/icd10pcs-body-systems.tsv",
    );
    embed_text(
        &mut generated,
        "ICD10PCS_SECTIONS",
        "codesets/icd10pcs-sections.tsv",
    );
    embed_text(
        &mut generated,
        "ICD10PCS_DEFINITIONS",
        "codesets/icd10pcs-definitions.tsv",
    );
    fs::write(out.join("embedded.rs"), generated).expect("write embedded.rs");
}

/// A code-set file's text. A missing or empty one fails the build: a binary without its code
/// sets would call every code invalid.
fn read_data(relative: &str, path: &Path) -> String {
    match fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => text,
        Ok(_) => fail(&format!("{relative} is empty")),
        Err(err) => fail(&format!("cannot read {relative}: {err}")),
    }
}

/// Stops the build with a message that says how to make the code sets again.
fn fail(problem: &str) -> ! {
    eprintln!(
        "error: {problem}\n\
         The embedded code sets are built from the official CDC and CMS releases by\n\
         `bash codesets/rebuild.sh` (needs python3 and pip; see codesets/README.md), or\n\
         restored with `git checkout -- codesets/`."
    );
    std::process::exit(1);
}

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join(relative)
}

/// The shipped decks, `exercises/*.csv`.
fn embed_decks(generated: &mut String) {
    let folder = manifest_path("exercises");
    assert!(
        folder.is_dir(),
        "exercises/ is missing: the shipped decks are there"
    );
    let files = files_in(&folder, "csv");
    embed_files(
        generated,
        "Shipped decks: (name, CSV text).",
        "DECKS",
        &files,
    );
}

/// The shipped exam blueprints, `exercises/blueprints/*.toml`, if there are any.
fn embed_blueprints(generated: &mut String) {
    // A folder that is not there is not named for rerunning: cargo would rerun this script on
    // every build. `exercises`, named in `main`, notices the folder when it comes.
    let folder = manifest_path("exercises/blueprints");
    if folder.is_dir() {
        println!("cargo:rerun-if-changed={}", folder.display());
    }
    let files = files_in(&folder, "toml");
    let doc = "Shipped exam blueprints: (name, TOML text).";
    embed_files(generated, doc, "BLUEPRINTS", &files);
}

/// The files of `folder` (none if it is not there) ending in `.ext`, by name, with their stems.
fn files_in(folder: &Path, ext: &str) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .filter_map(|path| Some((path.file_stem()?.to_str()?.to_string(), path)))
        .collect();
    files.sort();
    files
}

/// `pub static NAME: &[(&str, &str)]` of (stem, text) pairs, each file included as it is.
fn embed_files(generated: &mut String, doc: &str, name: &str, files: &[(String, PathBuf)]) {
    writeln!(
        generated,
        "/// {doc}\npub static {name}: &[(&str, &str)] = &["
    )
    .unwrap();
    for (stem, path) in files {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            generated,
            "    ({stem:?}, include_str!({:?})),",
            path.display()
        )
        .unwrap();
    }
    generated.push_str("];\n");
}

fn embed_codeset(generated: &mut String, out: &Path, name: &str, relative: &str, key_len: usize) {
    let text = read_embedded(relative);
    let lines = text.lines().filter(|line| !line.is_empty());
    write_chunks(generated, out, name, &chunk_lines(lines, key_len));
}

/// The notes of codes in chunks keyed by the owner's first two characters; the notes of
/// chapters and sections (their owner is a range, `E08-E13`) in one block, since the range
/// that holds a code may start anywhere before it.
fn embed_notes(generated: &mut String, out: &Path) {
    let text = read_embedded("codesets/icd10cm-notes.tsv");
    let (blocks, codes): (Vec<&str>, Vec<&str>) = text
        .lines()
        .filter(|line| !line.is_empty())
        .partition(|line| {
            line.split('\t')
                .next()
                .is_some_and(|owner| owner.contains('-'))
        });
    write_chunks(
        generated,
        out,
        "ICD10CM_NOTES",
        &chunk_lines(codes.into_iter(), 2),
    );
    let mut block = blocks.join("\n");
    block.push('\n');
    write_block(generated, out, "ICD10CM_BLOCK_NOTES", &block);
}

fn read_embedded(relative: &str) -> String {
    let path = manifest_path(relative);
    println!("cargo:rerun-if-changed={}", path.display());
    read_data(relative, &path)
}

/// Lines grouped by their first `key_len` characters, each group in file order.
fn chunk_lines<'a>(
    lines: impl Iterator<Item = &'a str>,
    key_len: usize,
) -> BTreeMap<String, String> {
    let mut chunks: BTreeMap<String, String> = BTreeMap::new();
    for line in lines {
        let key: String = line.chars().take(key_len).collect();
        let chunk = chunks.entry(key).or_default();
        chunk.push_str(line);
        chunk.push('\n');
    }
    chunks
}

fn write_chunks(generated: &mut String, out: &Path, name: &str, chunks: &BTreeMap<String, String>) {
    writeln!(
        generated,
        "/// {name}: (chunk key, LZ4 block with its size prepended).\npub static {name}: &[(&str, &[u8])] = &["
    )
    .unwrap();
    for (key, chunk) in chunks {
        let file = out.join(format!("{}-{key}.lz4", name.to_lowercase()));
        fs::write(&file, lz4_flex::compress_prepend_size(chunk.as_bytes())).expect("write chunk");
        writeln!(
            generated,
            "    ({key:?}, include_bytes!({:?})),",
            file.display()
        )
        .unwrap();
    }
    generated.push_str("];\n");
}

/// A whole file as one LZ4 block.
fn embed_block(generated: &mut String, out: &Path, name: &str, relative: &str) {
    let text = read_embedded(relative);
    write_block(generated, out, name, &text);
}

fn write_block(generated: &mut String, out: &Path, name: &str, text: &str) {
    let file = out.join(format!("{}.lz4", name.to_lowercase()));
    fs::write(&file, lz4_flex::compress_prepend_size(text.as_bytes())).expect("write block");
    writeln!(
        generated,
        "/// {name}: one LZ4 block with its size prepended.\npub static {name}: &[u8] = include_bytes!({:?});",
        file.display()
    )
    .unwrap();
}

fn embed_text(generated: &mut String, name: &str, relative: &str) {
    let text = read_embedded(relative);
    writeln!(generated, "pub static {name}: &str = {text:?};").unwrap();
}
