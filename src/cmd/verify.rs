//! `codedrill verify [FILE]... [--key NAME.pub]`: checks a log's hash chain, or a signed exam
//! result against the signer's public key. Exit 0 when everything checks, 1 naming the first
//! thing that does not.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ed25519_dalek::VerifyingKey;

use crate::exit::ExitStatus;
use crate::log::{self, chain};
use crate::record::{self, Layout};
use crate::report::exam::shows_headline;
use crate::report::reader::expand_logs;
use crate::settings::Settings;
use crate::signing::{self, Envelope, Statement};
use crate::visible::visible;

const EXAMPLES: &str = "\
Examples:
  codedrill verify                          the attempt log's chain
  codedrill verify class/*.csv              every log named
  codedrill verify class/                   every log in a folder
  codedrill verify result.html --key ms-smith.pub    a signed exam result

A log checks when every row chains from the one above it: one line per log gives its rows,
sessions, first and last date and its chain head. The head names the log exactly: compare it
with a head recorded elsewhere (a report sent earlier, a signed result), since anyone can
recompute a chain. A signed result (.html, .md or .json) checks when its signature is the
key's and every row in it matches its chain.";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Logs (a folder: the logs in it), or signed exam results (with --key) [default: the
    /// attempt log]
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The signer's public key (NAME.pub), to check signed results
    #[arg(long, value_name = "NAME.pub")]
    pub key: Option<PathBuf>,
}

pub fn run(args: &Args, settings: &Settings) -> Result<ExitStatus> {
    let files = if args.files.is_empty() {
        vec![settings.log_path()?.to_path_buf()]
    } else {
        in_folders(&args.files)?
    };
    let key = args.key.as_deref().map(signing::read_public).transpose()?;
    let mut all_good = true;
    let mut out = io::stdout();
    for path in &files {
        let shown = visible(&path.display().to_string()).into_owned();
        let good = if log::is_log_file(path) {
            check_log(path, &shown, &mut out)?
        } else {
            let Some(key) = &key else {
                bail!(
                    "{shown} is not a codedrill log; to check a signed result, give the signer's key: --key NAME.pub"
                );
            };
            check_result(path, &shown, key, &mut out)?
        };
        all_good &= good;
    }
    Ok(if all_good {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}

/// The files named, each folder as the logs in it (by name; other CSV files there are skipped
/// with a note, as a report skips them).
fn in_folders(named: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in named {
        if path.is_dir() {
            files.extend(expand_logs(std::slice::from_ref(path))?);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Checks one log's chain; `false` when it does not hold (or cannot be checked).
fn check_log(path: &Path, shown: &str, out: &mut impl Write) -> Result<bool> {
    let checked = match chain::verify(path) {
        Ok(checked) => checked,
        Err(err) => {
            eprintln!("{}", visible(&format!("{err:#}")));
            return Ok(false);
        }
    };
    let summary = match checked {
        chain::Checked::Broken { line } => {
            eprintln!("{shown}:{line}: chain broken");
            return Ok(false);
        }
        chain::Checked::Whole(summary) => summary,
    };
    for line in &summary.cut {
        eprintln!(
            "{shown}:{line}: row cut short (by a crash while it was written?): no link of the chain, and skipped by every reader"
        );
    }
    let dates = match (&summary.first, &summary.last) {
        (Some(first), Some(last)) if first == last => visible(first).into_owned(),
        (Some(first), Some(last)) => format!("{} to {}", visible(first), visible(last)),
        _ => "no rows".to_string(),
    };
    writeln!(
        out,
        "{shown}: {} {}, {} {}, {dates}, chain head {}",
        summary.rows,
        plural(summary.rows, "row", "rows"),
        summary.sessions,
        plural(summary.sessions, "session", "sessions"),
        summary.head
    )?;
    Ok(true)
}

fn plural(count: u64, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}

/// Checks one signed result; `false` (with each problem on stderr) when it does not hold.
fn check_result(
    path: &Path,
    shown: &str,
    key: &VerifyingKey,
    out: &mut impl Write,
) -> Result<bool> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (statement, problems) = match examine(&text, key) {
        Ok(found) => found,
        Err(problem) => {
            eprintln!("{shown}: {}", visible(&problem));
            return Ok(false);
        }
    };
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("{shown}: {}", visible(problem));
        }
        return Ok(false);
    }
    writeln!(
        out,
        "{shown}: signed by {}: {}, {:.1}%, {}, {}",
        statement.signer,
        visible(&statement.user),
        statement.percent,
        statement.result,
        statement.started.get(..10).unwrap_or(&statement.started)
    )?;
    Ok(true)
}

/// Reads a signed result and lists what does not check: the key, each row against its chain,
/// the score against the rows, the signature, and the verdict the page shows. `Err` when no
/// statement can be read at all.
pub(crate) fn examine(text: &str, key: &VerifyingKey) -> Result<(Statement, Vec<String>), String> {
    let block = signing::find_block(text)?;
    let envelope: Envelope = serde_json::from_str(block)
        .map_err(|err| format!("its signed block is not readable ({err}): edited?"))?;
    let signed = envelope.statement.get();
    let statement: Statement = serde_json::from_str(signed)
        .map_err(|err| format!("its signed statement is not readable ({err}): edited?"))?;
    if statement.statement != signing::KIND || envelope.algorithm != "ed25519" {
        return Err("it is not a signed codedrill exam result".to_string());
    }
    let given = signing::fingerprint(key);
    if statement.signer != given {
        return Err(format!(
            "wrong key: signed by {}, not by the key given ({given})",
            statement.signer
        ));
    }
    let mut problems = row_problems(&statement);
    if envelope.signed_by != statement.signer {
        problems.push(format!(
            "edited block: it names signer {}, the statement {}",
            envelope.signed_by, statement.signer
        ));
    }
    problems.extend(score_problems(&statement));
    if !signing::signature_holds(key, signed.as_bytes(), &envelope.signature) {
        problems.push(
            "the signature does not match: the statement was changed after it was signed"
                .to_string(),
        );
    }
    let page = !text.trim_start().starts_with('{');
    if page && !shows_headline(text, &statement.headline) {
        problems.push(format!(
            "edited page: the result it shows is not the signed one ({})",
            statement.headline
        ));
    }
    Ok((statement, problems))
}

/// Each row checked against its chain, and as one of this exam's attempts.
fn row_problems(statement: &Statement) -> Vec<String> {
    let mut problems = Vec::new();
    for (at, signed) in statement.rows.iter().enumerate() {
        let number = at + 1;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(signed.row.as_bytes());
        let mut row = csv::ByteRecord::new();
        if !matches!(reader.read_byte_record(&mut row), Ok(true)) {
            problems.push(format!("edited row: row {number} is not a CSV row"));
            continue;
        }
        let fields: Vec<&[u8]> = row.iter().collect();
        let previous = chain::Chain::parse(signed.previous.as_bytes());
        let link = fields.last().and_then(|last| chain::Chain::parse(last));
        let holds = match (previous, link, fields.len() == Layout::Chained.columns()) {
            (Some(previous), Some(link), true) => {
                previous.link(&fields[..record::COLUMNS.len()]) == link
            }
            _ => false,
        };
        let attempt = record::parse_fields_in(Layout::Chained, &fields);
        let item = attempt.as_ref().map_or("?", |a| a.item).to_string();
        if !holds {
            problems.push(format!(
                "edited row: row {number} (item {item}) does not match its chain"
            ));
            continue;
        }
        match attempt {
            Ok(a) if a.user == statement.user && a.session == statement.session => {}
            Ok(_) => problems.push(format!(
                "edited row: row {number} (item {item}) is not of this user's exam session"
            )),
            Err(message) => problems.push(format!("edited row: row {number}: {message}")),
        }
    }
    if let (Some(last), Some(head)) = (statement.rows.last(), &statement.chain_head)
        && !last.row.ends_with(&format!(",{head}"))
    {
        problems.push("edited chain head: it is not the last row's link".to_string());
    }
    problems
}

/// The score, percent, result and verdict line against the rows.
fn score_problems(statement: &Statement) -> Vec<String> {
    let mut sum = 0.0;
    for signed in &statement.rows {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(signed.row.as_bytes());
        let mut row = csv::ByteRecord::new();
        if !matches!(reader.read_byte_record(&mut row), Ok(true)) {
            continue;
        }
        let fields: Vec<&[u8]> = row.iter().collect();
        if let Ok(a) = record::parse_fields_in(Layout::Chained, &fields) {
            let key = format!("{}/{}", a.deck, a.item);
            if !statement.pretest.contains(&key) {
                sum += a.score;
            }
        }
    }
    // A row's score is written with three decimals: each may be off by half a thousandth.
    let slack = 0.0005 * statement.rows.len() as f64 + 1e-9;
    let mut problems = Vec::new();
    let items = statement.items.max(1) as f64;
    if (sum - statement.score).abs() > slack
        || (100.0 * statement.score / items - statement.percent).abs() > 1e-6
    {
        problems.push(format!(
            "edited score: the statement says {:.1}%, its rows give {:.1}%",
            statement.percent,
            100.0 * sum / items
        ));
    }
    let passed = statement.percent + 1e-9 >= statement.pass_mark;
    let result = if passed { "PASS" } else { "FAIL" };
    let headline = format!(
        "{:.1}% — {result} (pass mark {:.0}%)",
        statement.percent, statement.pass_mark
    );
    if statement.result != result || statement.headline != headline {
        problems.push(format!(
            "edited result: the statement says {} ({}), its score gives {headline}",
            statement.result, statement.headline
        ));
    }
    problems
}
