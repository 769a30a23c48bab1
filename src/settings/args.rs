//! The shared options, as each command takes them: only the ones that change what the command
//! does appear in its `--help`, under their own heading, with the meaning they have there.

use std::path::PathBuf;

use super::{ColorChoice, Given};

/// Shown above the shared options in every command's help.
const HEADING: &str = "Shared options";

/// What a drill, an exam and `config` take: where to log, who, colour, a newer code set.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = HEADING)]
pub struct SessionOptions {
    /// The attempt log [default: $CODEDRILL_LOG, else the config file's log, else
    /// <XDG data dir>/codedrill/attempts.csv]
    #[arg(long, value_name = "PATH")]
    pub log: Option<PathBuf>,
    /// Whose attempts these are [default: the config file's user, else $USER, else anonymous]
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// When to use colour (NO_COLOR turns `auto` off) [default: the config file's, else auto]
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
    /// A CMS ICD-10-CM or ICD-10-PCS order file (icd10cm_order_YYYY.txt,
    /// icd10pcs_order_YYYY.txt; told by content) to grade against instead of that embedded set
    #[arg(long, value_name = "FILE")]
    pub codeset: Option<PathBuf>,
}

/// What `report` takes: which log, and whose attempts to count.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = HEADING)]
pub struct ReportOptions {
    /// The attempt log when no LOG is named [default: $CODEDRILL_LOG, else the config file's
    /// log, else <XDG data dir>/codedrill/attempts.csv]
    #[arg(long, value_name = "PATH")]
    pub log: Option<PathBuf>,
    /// Count only this user's attempts [default: every user's]
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
}

/// What `check` and `lookup` take: the code set to check against.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = HEADING)]
pub struct CodesetOption {
    /// A CMS ICD-10-CM or ICD-10-PCS order file (icd10cm_order_YYYY.txt,
    /// icd10pcs_order_YYYY.txt; told by content) to use instead of that embedded set
    #[arg(long, value_name = "FILE")]
    pub codeset: Option<PathBuf>,
}

impl From<&SessionOptions> for Given {
    fn from(options: &SessionOptions) -> Given {
        Given {
            log: options.log.clone(),
            user: options.user.clone(),
            color: options.color,
            codeset: options.codeset.clone(),
        }
    }
}

impl From<&ReportOptions> for Given {
    fn from(options: &ReportOptions) -> Given {
        Given {
            log: options.log.clone(),
            user: options.user.clone(),
            ..Given::default()
        }
    }
}

impl From<&CodesetOption> for Given {
    fn from(option: &CodesetOption) -> Given {
        Given {
            codeset: option.codeset.clone(),
            ..Given::default()
        }
    }
}

/// The shared options written before the command (`codedrill --log x.csv drill`), as the first
/// release took them: still accepted, not shown in any help. The command's own win.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LeadingOptions {
    #[arg(long, value_name = "PATH", hide = true)]
    pub log: Option<PathBuf>,
    #[arg(long, value_name = "NAME", hide = true)]
    pub user: Option<String>,
    #[arg(long, value_enum, hide = true)]
    pub color: Option<ColorChoice>,
    #[arg(long, value_name = "FILE", hide = true)]
    pub codeset: Option<PathBuf>,
}

impl Given {
    /// These options, with those given before the command where the command had none.
    pub fn or_leading(self, leading: &LeadingOptions) -> Given {
        Given {
            log: self.log.or_else(|| leading.log.clone()),
            user: self.user.or_else(|| leading.user.clone()),
            color: self.color.or(leading.color),
            codeset: self.codeset.or_else(|| leading.codeset.clone()),
        }
    }
}
