//! Files named with `-o` (a report, an exam's result page): created before any work starts, so
//! a path that cannot be written fails at once, and never one of the logs read or written.

use std::fs::{self, File};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::log;

/// Creates (or empties) the file `-o` names, refusing a path that is one of `logs` or is a
/// codedrill log.
pub fn create(path: &Path, logs: &[&Path]) -> Result<File> {
    if let Some(log) = logs.iter().find(|log| same_file(path, log)) {
        bail!(
            "-o {}: that is the attempt log {}; name another file for the output",
            path.display(),
            log.display()
        );
    }
    if log::is_log_file(path) {
        bail!(
            "-o {}: that file is a codedrill attempt log; name another file for the output",
            path.display()
        );
    }
    File::create(path).with_context(|| format!("cannot write {}", path.display()))
}

/// Whether two paths name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_logs_and_inputs_and_creates_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("attempts.csv");
        fs::write(&log, format!("{}\n", crate::record::HEADER)).unwrap();
        let other = dir.path().join("other.csv");
        fs::write(&other, "a,b\n").unwrap();
        let err = create(&log, &[]).unwrap_err().to_string();
        assert!(err.contains("is a codedrill attempt log"), "{err}");
        let err = create(&other, &[&other]).unwrap_err().to_string();
        assert!(err.contains("that is the attempt log"), "{err}");
        let linked = dir.path().join("sub/../other.csv");
        fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(
            create(&linked, &[&other]).is_err(),
            "another spelling of an input"
        );
        assert_eq!(
            fs::read(&log).unwrap().len(),
            crate::record::HEADER.len() + 1
        );
        let fresh = dir.path().join("report.html");
        create(&fresh, &[&log]).unwrap();
        assert!(fresh.exists());
        create(&other, &[&log]).unwrap();
        assert_eq!(
            fs::read(&other).unwrap(),
            b"",
            "a non-log output is replaced"
        );
    }
}
