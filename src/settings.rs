//! The options every command shares, resolved once from the command line and the environment
//! (as fd turns its clap `Opts` into a `Config`): commands take [`Settings`], never clap's
//! structs.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Result, anyhow};

use crate::codes::CodeSets;

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The global options, resolved.
pub struct Settings {
    /// The attempt log, or why no place for it could be found
    log: std::result::Result<PathBuf, String>,
    /// Who is drilling: `--user`, else `$USER`, else `anonymous`
    pub user: String,
    /// The user named with `--user`, if one was: reports filter by it and do not default
    pub user_given: Option<String>,
    color: ColorChoice,
    /// Whether `NO_COLOR` is set (to anything but an empty value)
    no_color: bool,
    /// A CMS order file to load in place of an embedded code set
    codeset: Option<PathBuf>,
    /// The code sets, loaded the first time a command asks for them
    code_sets: OnceLock<CodeSets>,
}

/// What the command line gave for the global options.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub log: Option<PathBuf>,
    pub user: Option<String>,
    pub color: Option<ColorChoice>,
    pub codeset: Option<PathBuf>,
}

impl Settings {
    /// Resolves the options from what was given and the process environment.
    pub fn resolve(given: Given) -> Settings {
        Settings::resolve_with(given, |name| std::env::var_os(name))
    }

    /// [`Settings::resolve`] with the environment read through `env`.
    pub fn resolve_with(
        given: Given,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Settings {
        let set = |name: &str| env(name).filter(|value| !value.is_empty());
        let user_given = given
            .user
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty());
        let user = user_given
            .clone()
            .or_else(|| set("USER").map(|u| u.to_string_lossy().trim().to_string()))
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "anonymous".to_string());
        let log = match given
            .log
            .or_else(|| set("CODEDRILL_LOG").map(PathBuf::from))
        {
            Some(path) => Ok(path),
            None => default_log_path(&set),
        };
        Settings {
            log,
            user,
            user_given,
            color: given.color.unwrap_or(ColorChoice::Auto),
            no_color: set("NO_COLOR").is_some(),
            codeset: given.codeset,
            code_sets: OnceLock::new(),
        }
    }

    /// The attempt log: `--log`, else `$CODEDRILL_LOG`, else
    /// `<XDG data dir>/codedrill/attempts.csv`.
    pub fn log_path(&self) -> Result<&Path> {
        self.log.as_deref().map_err(|message| anyhow!("{message}"))
    }

    /// The code sets: the embedded ones, with `--codeset FILE` in place of the embedded set of
    /// its system; loaded once, when first asked for.
    pub fn code_sets(&self) -> Result<&CodeSets> {
        if let Some(sets) = self.code_sets.get() {
            return Ok(sets);
        }
        let sets = CodeSets::load(self.codeset.as_deref())?;
        Ok(self.code_sets.get_or_init(|| sets))
    }

    /// Whether output may be coloured, given whether it goes to a terminal.
    pub fn colour(&self, terminal: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !self.no_color,
        }
    }
}

/// `<XDG data dir>/codedrill/attempts.csv`: `$XDG_DATA_HOME`, else `$HOME/.local/share`. A
/// relative `$XDG_DATA_HOME` is ignored, as the XDG Base Directory spec says: it would put the
/// log under whatever folder codedrill was started in.
fn default_log_path(
    set: &impl Fn(&str) -> Option<std::ffi::OsString>,
) -> std::result::Result<PathBuf, String> {
    let data = set("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
        .or_else(|| set("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .ok_or("cannot find a place for the log: set --log, $CODEDRILL_LOG or $HOME")?;
    Ok(data.join("codedrill").join("attempts.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(given: Given, vars: &[(&str, &str)]) -> Settings {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::resolve_with(given, |name| {
            vars.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into())
        })
    }

    #[test]
    fn the_log_comes_from_the_flag_then_the_environment_then_xdg() {
        let flag = Given {
            log: Some("flag.csv".into()),
            ..Given::default()
        };
        let env = [
            ("CODEDRILL_LOG", "env.csv"),
            ("XDG_DATA_HOME", "/data"),
            ("HOME", "/home/ana"),
        ];
        assert_eq!(
            resolve(flag, &env).log_path().unwrap(),
            Path::new("flag.csv")
        );
        assert_eq!(
            resolve(Given::default(), &env).log_path().unwrap(),
            Path::new("env.csv")
        );
        assert_eq!(
            resolve(Given::default(), &env[1..]).log_path().unwrap(),
            Path::new("/data/codedrill/attempts.csv")
        );
        assert_eq!(
            resolve(Given::default(), &env[2..]).log_path().unwrap(),
            Path::new("/home/ana/.local/share/codedrill/attempts.csv")
        );
        let relative = [("XDG_DATA_HOME", "data"), ("HOME", "/home/ana")];
        assert_eq!(
            resolve(Given::default(), &relative).log_path().unwrap(),
            Path::new("/home/ana/.local/share/codedrill/attempts.csv"),
            "a relative XDG_DATA_HOME is ignored"
        );
        let nowhere = resolve(Given::default(), &[("CODEDRILL_LOG", "")]);
        assert!(
            nowhere
                .log_path()
                .unwrap_err()
                .to_string()
                .contains("--log")
        );
    }

    #[test]
    fn the_user_is_given_or_from_the_environment() {
        let given = Given {
            user: Some(" ana ".into()),
            ..Given::default()
        };
        let settings = resolve(given, &[("USER", "bob")]);
        assert_eq!(
            (settings.user.as_str(), settings.user_given.as_deref()),
            ("ana", Some("ana"))
        );
        let settings = resolve(Given::default(), &[("USER", "bob")]);
        assert_eq!((settings.user.as_str(), settings.user_given), ("bob", None));
        assert_eq!(resolve(Given::default(), &[]).user, "anonymous");
    }

    #[test]
    fn no_color_turns_auto_off_only() {
        let auto = resolve(Given::default(), &[("NO_COLOR", "1")]);
        assert!(!auto.colour(true));
        let always = Given {
            color: Some(ColorChoice::Always),
            ..Given::default()
        };
        assert!(resolve(always, &[("NO_COLOR", "1")]).colour(false));
        assert!(resolve(Given::default(), &[("NO_COLOR", "")]).colour(true));
        assert!(!resolve(Given::default(), &[]).colour(false));
    }
}
