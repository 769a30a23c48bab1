//! Signed exam results (README "Evidence"): Ed25519 keys made by `codedrill keygen`, the
//! statement an exam signs, and the block that carries it in a result page.
//!
//! - A key file is text: `#` comment lines, then one line `codedrill-ed25519-secret HEX` (the
//!   32-byte seed) or `codedrill-ed25519-public HEX` (the 32-byte public key).
//! - A key's fingerprint is the first 8 bytes of the SHA-256 of the public key, in hex, in
//!   groups of four digits: short enough to read aloud, and printed by `keygen` and `verify`.
//! - The statement is JSON; the signature is over its exact bytes. The signed block is one JSON
//!   object, `{"signed_by", "algorithm", "signature", "statement"}`, the statement in it as it
//!   was signed. A `.json` result is that block alone; a page carries it between two marker
//!   lines ([`BEGIN`], [`END`]) as text a browser shows and a program finds. The statement's
//!   JSON writes `<`, `>`, `&` and the backtick as `\u` escapes, so the block needs no escaping
//!   in HTML or Markdown and reads back byte for byte.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// The line that opens a signed block in a page.
pub const BEGIN: &str = "-----BEGIN CODEDRILL SIGNED RESULT-----";
/// The line that closes it.
pub const END: &str = "-----END CODEDRILL SIGNED RESULT-----";

const SECRET_TAG: &str = "codedrill-ed25519-secret";
const PUBLIC_TAG: &str = "codedrill-ed25519-public";
/// What a statement says it is.
pub const KIND: &str = "codedrill exam result";

/// A public key's short name: `3f2a-91bc-0d4e-77a1`.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex = hex(&digest[..8]);
    hex.as_bytes()
        .chunks(4)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Bytes from hex (either case), if it is `N` bytes' worth.
fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.trim();
    if text.len() != 2 * N || !text.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; N];
    for (at, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * at..2 * at + 2], 16).ok()?;
    }
    Some(bytes)
}

/// The two files `keygen NAME` writes: `NAME.key` and `NAME.pub` (a `.key` or `.pub` given is
/// taken off first).
pub fn key_paths(name: &Path) -> (PathBuf, PathBuf) {
    let base = match name.extension().and_then(|e| e.to_str()) {
        Some("key" | "pub") => name.with_extension(""),
        _ => name.to_path_buf(),
    };
    let with = |extension: &str| {
        let mut path = base.clone().into_os_string();
        path.push(extension);
        PathBuf::from(path)
    };
    (with(".key"), with(".pub"))
}

/// Makes a key pair and writes it: the secret key readable by its owner only (mode 0600), the
/// public key beside it. Neither file may exist already: a key is never overwritten.
pub fn generate(name: &Path) -> Result<(PathBuf, PathBuf, String)> {
    let (secret_path, public_path) = key_paths(name);
    for path in [&secret_path, &public_path] {
        if fs::symlink_metadata(path).is_ok() {
            bail!(
                "{} already exists: a key is never overwritten; choose another NAME",
                path.display()
            );
        }
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|err| anyhow::anyhow!("cannot get random bytes for a key: {err}"))?;
    let key = SigningKey::from_bytes(&seed);
    let public = key.verifying_key();
    let print = fingerprint(&public);
    let label = base_name(&secret_path);
    let secret_text = format!(
        "# codedrill signing key \"{label}\" (Ed25519, fingerprint {print}).\n\
         # Secret: whoever holds this file can sign exam results in your name.\n\
         {SECRET_TAG} {}\n",
        hex(&seed)
    );
    let public_text = format!(
        "# codedrill public key \"{label}\" (Ed25519, fingerprint {print}).\n\
         # Give it to whoever checks results: codedrill verify RESULT --key {}\n\
         {PUBLIC_TAG} {}\n",
        public_path.display(),
        hex(public.as_bytes())
    );
    write_new(&secret_path, &secret_text, 0o600)?;
    if let Err(err) = write_new(&public_path, &public_text, 0o644) {
        let _ = fs::remove_file(&secret_path);
        return Err(err);
    }
    Ok((secret_path, public_path, print))
}

fn base_name(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes a file that must not exist yet, with this mode from its creation on.
fn write_new(path: &Path, text: &str, mode: u32) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    crate::platform::create_with_mode(&mut options, mode);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The hex after `tag` on a key file's line.
fn key_line<'t>(text: &'t str, tag: &str) -> Option<&'t str> {
    text.lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix(tag)?.strip_prefix(' '))
}

/// Reads a secret key (`NAME.key`), refusing one others may read.
pub fn read_secret(path: &Path) -> Result<SigningKey> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read key {}", path.display()))?;
    if key_line(&text, PUBLIC_TAG).is_some() {
        bail!(
            "{} is a public key: signing needs the secret key (NAME.key)",
            path.display()
        );
    }
    let seed = key_line(&text, SECRET_TAG)
        .and_then(unhex::<32>)
        .with_context(|| format!("{} is not a codedrill secret key", path.display()))?;
    if let Some(mode) = crate::platform::others_may_read(path)? {
        bail!(
            "{} can be read by others (mode {:o}): a secret key must be yours alone; chmod 600 {}",
            path.display(),
            mode,
            path.display()
        );
    }
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads a public key (`NAME.pub`).
pub fn read_public(path: &Path) -> Result<VerifyingKey> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read key {}", path.display()))?;
    if key_line(&text, SECRET_TAG).is_some() {
        bail!(
            "{} is a secret key: checking needs the public key (NAME.pub), and the secret key should not leave the exam machine",
            path.display()
        );
    }
    let bytes = key_line(&text, PUBLIC_TAG)
        .and_then(unhex::<32>)
        .with_context(|| format!("{} is not a codedrill public key", path.display()))?;
    VerifyingKey::from_bytes(&bytes)
        .with_context(|| format!("{} does not hold a valid Ed25519 key", path.display()))
}

/// One attempt row of a signed exam, as it was appended to the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedRow {
    /// The link the row chains from (the log's row above it)
    pub previous: String,
    /// The row's CSV line as written in the log, `chain` last
    pub row: String,
}

/// What a signed exam result states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Always [`KIND`]
    pub statement: String,
    /// The signing key's fingerprint
    pub signer: String,
    pub user: String,
    pub session: String,
    /// The decks drawn from, or a blueprint's pools
    pub decks: Vec<String>,
    /// The blueprint's title, if the exam was drawn by one
    pub blueprint: Option<String>,
    /// RFC 3339
    pub started: String,
    pub ended: String,
    pub time_allowed_s: Option<u64>,
    pub time_used_s: u64,
    /// Scored items planned
    pub items: usize,
    /// The summed score of the scored items, and it as a percent of `items`
    pub score: f64,
    pub percent: f64,
    pub pass_mark: f64,
    /// `PASS` or `FAIL`
    pub result: String,
    /// The verdict line the page shows
    pub headline: String,
    /// Pretest items (`deck/item`): answered and logged, not scored
    pub pretest: Vec<String>,
    /// The log's chain head after the exam's last row
    pub chain_head: Option<String>,
    /// The code-set releases the answers were graded against
    pub code_sets: Option<String>,
    pub codedrill: String,
    /// Every attempt row of the exam, in the log's order
    pub rows: Vec<SignedRow>,
}

/// The block a result carries: the statement, as signed, and its signature.
#[derive(Debug, Deserialize)]
pub struct Envelope<'a> {
    pub signed_by: String,
    pub algorithm: String,
    pub signature: String,
    #[serde(borrow)]
    pub statement: &'a RawValue,
}

/// The statement as JSON that needs no escaping in a page: `<`, `>`, `&` and the backtick are
/// written as `\u` escapes (they occur only inside strings, where the escapes mean the same).
fn statement_json(statement: &Statement) -> Result<String> {
    let json = serde_json::to_string_pretty(statement)?;
    Ok(json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('`', "\\u0060"))
}

/// Signs a statement: the signed block, as a `.json` result holds it (a page holds it between
/// [`BEGIN`] and [`END`]).
pub fn sign(statement: &Statement, key: &SigningKey) -> Result<String> {
    let json = statement_json(statement)?;
    let signature = key.sign(json.as_bytes());
    Ok(format!(
        "{{\n\"signed_by\": \"{}\",\n\"algorithm\": \"ed25519\",\n\"signature\": \"{}\",\n\"statement\": {json}\n}}\n",
        fingerprint(&key.verifying_key()),
        hex(&signature.to_bytes())
    ))
}

/// The signed block of a result file: the whole file when it is one (a `.json` result), else
/// the text between the page's marker lines. More than one block is refused.
pub fn find_block(text: &str) -> Result<&str, String> {
    if text.trim_start().starts_with('{') {
        return Ok(text.trim());
    }
    let Some(begin) = text.find(BEGIN) else {
        return Err("holds no signed result (no codedrill signed block)".to_string());
    };
    let body = &text[begin + BEGIN.len()..];
    let Some(end) = body.find(END) else {
        return Err("its signed block has no end line (cut short?)".to_string());
    };
    if body[end..].contains(BEGIN) {
        return Err("holds more than one signed block".to_string());
    }
    Ok(body[..end].trim())
}

/// Whether `signature` (hex) is `key`'s over `message`.
pub fn signature_holds(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    match unhex::<64>(signature) {
        Some(bytes) => key.verify(message, &Signature::from_bytes(&bytes)).is_ok(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement() -> Statement {
        Statement {
            statement: KIND.to_string(),
            signer: "x".to_string(),
            user: "ana <b>&`".to_string(),
            session: "s1".to_string(),
            decks: vec!["interview".to_string()],
            blueprint: None,
            started: "2026-11-27T10:00:00+00:00".to_string(),
            ended: "2026-11-27T10:20:00+00:00".to_string(),
            time_allowed_s: Some(1800),
            time_used_s: 1200,
            items: 1,
            score: 1.0,
            percent: 100.0,
            pass_mark: 70.0,
            result: "PASS".to_string(),
            headline: "100.0% — PASS (pass mark 70%)".to_string(),
            pretest: Vec::new(),
            chain_head: None,
            code_sets: None,
            codedrill: "0".to_string(),
            rows: Vec::new(),
        }
    }

    #[test]
    fn a_signed_block_reads_back_and_its_signature_holds() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let block = sign(&statement(), &key).unwrap();
        for special in ['<', '>', '&', '`'] {
            assert!(!block.contains(special), "{block}");
        }
        let page = format!("<pre>\n{BEGIN}\n{block}{END}\n</pre>");
        let found = find_block(&page).unwrap();
        let envelope: Envelope = serde_json::from_str(found).unwrap();
        let public = key.verifying_key();
        assert_eq!(envelope.signed_by, fingerprint(&public));
        let text = envelope.statement.get();
        assert!(signature_holds(
            &public,
            text.as_bytes(),
            &envelope.signature
        ));
        let read: Statement = serde_json::from_str(text).unwrap();
        assert_eq!(read, statement());
        let edited = text.replace("100.0", "100.1");
        assert!(!signature_holds(
            &public,
            edited.as_bytes(),
            &envelope.signature
        ));
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        assert!(!signature_holds(
            &other,
            text.as_bytes(),
            &envelope.signature
        ));
    }

    #[test]
    fn fingerprints_are_four_groups_of_four() {
        let print = fingerprint(&SigningKey::from_bytes(&[1; 32]).verifying_key());
        assert_eq!(print.len(), 19);
        assert_eq!(print.matches('-').count(), 3);
    }

    #[test]
    fn key_names_lose_a_key_extension() {
        let (secret, public) = key_paths(Path::new("keys/ms.smith.key"));
        assert_eq!(secret, Path::new("keys/ms.smith.key"));
        assert_eq!(public, Path::new("keys/ms.smith.pub"));
        let (secret, _) = key_paths(Path::new("ms.smith"));
        assert_eq!(secret, Path::new("ms.smith.key"));
    }
}
