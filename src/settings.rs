//! The options every command shares, resolved once from the command line, the environment and
//! the config file (as fd turns its clap `Opts` into a `Config`): commands take [`Settings`],
//! never clap's structs. Precedence: a flag, then codedrill's own environment variables
//! (`CODEDRILL_LOG`), then `$XDG_CONFIG_HOME/codedrill/config.toml`, then the built-in
//! defaults; each value keeps where it came from, for `codedrill config`.

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde::de;

use crate::codes::CodeSets;

mod args;
pub use args::{CodesetOption, LeadingOptions, ReportOptions, SessionOptions};

/// A config file larger than this is refused unread: a settings file is a few lines, and a
/// FIFO or a huge file named there must not hang or fill memory.
const CONFIG_SIZE_LIMIT: u64 = 1 << 20;

/// Items in a drill when neither `-n` nor the config file says.
pub const DRILL_COUNT: usize = 20;

/// New items a day in `drill --due` when neither `--new` nor the config file says.
pub const NEW_LIMIT: usize = 10;

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl fmt::Display for ColorChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        })
    }
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line option, by name
    Flag(&'static str),
    /// One of codedrill's own environment variables, by name
    Env(&'static str),
    /// The config file at this path
    File(PathBuf),
    /// Built in; what the default is
    Default(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "{flag}"),
            Source::Env(name) => write!(f, "${name}"),
            Source::File(path) => write!(f, "file: {}", path.display()),
            Source::Default("") => f.write_str("default"),
            Source::Default(what) => write!(f, "default: {what}"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    fn new(value: T, source: Source) -> Sourced<T> {
        Sourced { value, source }
    }
}

/// The defaults drills and exams take from the config file when their flags are not given;
/// `None` where the file does not set them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionDefaults {
    /// Decks, when none is named
    pub decks: Option<Vec<String>>,
    /// Items in a drill (never an exam's: an exam is every item of its decks)
    pub count: Option<usize>,
    /// The per-item time limit
    pub time_limit: Option<Duration>,
    /// Whether `--strict` is on
    pub strict: Option<bool>,
    /// New items a day in `drill --due`
    pub new: Option<usize>,
    /// The desired retention of spaced repetition
    pub retention: Option<f64>,
    /// A file of fitted FSRS weights
    pub fsrs_params: Option<PathBuf>,
}

/// The global options, resolved.
pub struct Settings {
    /// The attempt log, or why no place for it could be found
    log: std::result::Result<Sourced<PathBuf>, String>,
    /// Who is drilling: `--user`, else the file's `user`, else `$USER`, else `anonymous`
    pub user: String,
    /// Where [`Settings::user`] came from
    user_source: Source,
    /// The user named with `--user`, if one was: reports filter by it and do not default
    pub user_given: Option<String>,
    color: Sourced<ColorChoice>,
    /// Whether `NO_COLOR` is set (to anything but an empty value)
    no_color: bool,
    /// A CMS order file to load in place of an embedded code set
    codeset: Option<PathBuf>,
    /// The code sets, loaded the first time a command asks for them
    code_sets: OnceLock<CodeSets>,
    /// Where the config file is (whether or not it exists), or why there is no such place
    config_path: std::result::Result<PathBuf, String>,
    /// The config file, when one was read
    config_file: Option<PathBuf>,
    /// Drill and exam defaults from the config file
    pub session: SessionDefaults,
}

/// What the command line gave for the global options.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub log: Option<PathBuf>,
    pub user: Option<String>,
    pub color: Option<ColorChoice>,
    pub codeset: Option<PathBuf>,
}

/// The config file's keys, as written. Unknown keys are errors, so a misspelt key is never
/// silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileValues {
    #[serde(default, deserialize_with = "some_name")]
    user: Option<String>,
    #[serde(default, deserialize_with = "some_name")]
    log: Option<String>,
    #[serde(default, deserialize_with = "some_names")]
    decks: Option<Vec<String>>,
    #[serde(default, deserialize_with = "some_count")]
    count: Option<usize>,
    #[serde(default, deserialize_with = "crate::duration::deserialize_span")]
    time_limit: Option<Duration>,
    strict: Option<bool>,
    color: Option<ColorChoice>,
    #[serde(default, deserialize_with = "some_new_count")]
    new: Option<usize>,
    #[serde(default, deserialize_with = "some_retention")]
    retention: Option<f64>,
    #[serde(default, deserialize_with = "some_name")]
    fsrs_params: Option<String>,
}

/// The config file, read and checked.
struct ConfigFile {
    path: PathBuf,
    values: FileValues,
}

impl ConfigFile {
    fn source(&self) -> Source {
        Source::File(self.path.clone())
    }

    /// A path written in the file, relative to the file's folder when it is relative: the
    /// folder codedrill happens to be started in must not change what the file means.
    fn path_of(&self, written: &str) -> PathBuf {
        match self.path.parent() {
            Some(folder) => folder.join(written),
            None => PathBuf::from(written),
        }
    }

    /// A deck of the file: an embedded deck's name stays a name, a path is read as
    /// [`ConfigFile::path_of`] says.
    fn deck_of(&self, written: &str) -> String {
        if crate::deck::embedded_text(written).is_some() {
            return written.to_string();
        }
        self.path_of(written).to_string_lossy().into_owned()
    }
}

impl Settings {
    /// Resolves the options from what was given, the process environment and the config file.
    pub fn resolve(given: Given) -> Result<Settings> {
        Settings::resolve_with(given, |name| std::env::var_os(name), read_config)
    }

    /// [`Settings::resolve`] with the environment read through `env` and the config file
    /// through `read` (`None` when there is no file). A malformed file is an error naming
    /// `FILE:LINE`, before any command starts.
    pub fn resolve_with(
        given: Given,
        env: impl Fn(&str) -> Option<OsString>,
        read: impl FnOnce(&Path) -> Result<Option<String>>,
    ) -> Result<Settings> {
        let set = |name: &str| env(name).filter(|value| !value.is_empty());
        let config_path = config_path(&set);
        let file = match &config_path {
            Ok(path) => load_config(path, read)?,
            Err(_) => None,
        };
        let user_given = given
            .user
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty());
        let (user, user_source) = resolve_user(user_given.clone(), file.as_ref(), &set);
        Ok(Settings {
            log: resolve_log(given.log, file.as_ref(), &set),
            user,
            user_source,
            user_given,
            color: resolve_color(given.color, file.as_ref()),
            no_color: set("NO_COLOR").is_some(),
            codeset: given.codeset,
            code_sets: OnceLock::new(),
            config_path,
            config_file: file.as_ref().map(|file| file.path.clone()),
            session: file.as_ref().map(session_defaults).unwrap_or_default(),
        })
    }

    /// The attempt log: `--log`, else `$CODEDRILL_LOG`, else the file's `log`, else
    /// `<XDG data dir>/codedrill/attempts.csv`.
    pub fn log_path(&self) -> Result<&Path> {
        self.log
            .as_ref()
            .map(|log| log.value.as_path())
            .map_err(|message| anyhow!("{message}"))
    }

    /// The order file `--codeset` named, if one was.
    pub fn codeset_path(&self) -> Option<&Path> {
        self.codeset.as_deref()
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
        match self.color.value {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !self.no_color,
        }
    }

    /// The decks named on the command line, else the file's (empty: the default deck).
    pub fn decks<'a>(&'a self, given: &'a [String]) -> &'a [String] {
        match &self.session.decks {
            Some(decks) if given.is_empty() => decks,
            _ => given,
        }
    }

    /// The per-item time limit: `--time-limit`, else the file's.
    pub fn time_limit(&self, given: Option<Duration>) -> Option<Duration> {
        given.or(self.session.time_limit)
    }

    /// Whether formatting counts: `--strict` or `--no-strict`, else the file's `strict`.
    pub fn strict(&self, given: Option<bool>) -> bool {
        given.unwrap_or(self.session.strict == Some(true))
    }

    /// A drill's item count: `-n`, else the file's `count`, else [`DRILL_COUNT`].
    pub fn drill_count(&self, given: Option<usize>) -> usize {
        given.or(self.session.count).unwrap_or(DRILL_COUNT)
    }

    /// New items a day in `drill --due`: `--new`, else the file's `new`, else [`NEW_LIMIT`].
    pub fn new_limit(&self, given: Option<usize>) -> usize {
        given.or(self.session.new).unwrap_or(NEW_LIMIT)
    }

    /// The desired retention: `--retention`, else the file's, else 0.9.
    pub fn retention(&self, given: Option<f64>) -> f64 {
        given
            .or(self.session.retention)
            .unwrap_or(crate::drill::schedule::params::DEFAULT_RETENTION)
    }

    /// The file of fitted FSRS weights: `--fsrs-params`, else the file's `fsrs_params`, else
    /// none (FSRS-6's defaults).
    pub fn fsrs_params<'a>(&'a self, given: Option<&'a Path>) -> Option<&'a Path> {
        given.or(self.session.fsrs_params.as_deref())
    }

    /// Where the config file is, and whether one was read; or why there is no such place.
    pub fn config_file(&self) -> std::result::Result<(&Path, bool), &str> {
        match &self.config_path {
            Ok(path) => Ok((path, self.config_file.is_some())),
            Err(message) => Err(message),
        }
    }

    /// Each setting's effective value and where it came from, in the order of the README:
    /// `(key, value, source)`.
    pub fn effective(&self) -> Vec<(&'static str, String, String)> {
        let session = &self.session;
        let source = |set: bool, default: &'static str| match (&self.config_file, set) {
            (Some(path), true) => Source::File(path.clone()).to_string(),
            _ => Source::Default(default).to_string(),
        };
        let (log, log_source) = match &self.log {
            Ok(log) => (log.value.display().to_string(), log.source.to_string()),
            Err(message) => ("(none)".to_string(), message.clone()),
        };
        let decks = match &session.decks {
            Some(decks) if !decks.is_empty() => decks.join(", "),
            _ => crate::deck::DEFAULT_DECK.to_string(),
        };
        let count = session.count.unwrap_or(DRILL_COUNT).to_string();
        let time_limit = session.time_limit.map_or("none".to_string(), show_span);
        let strict = self.strict(None).to_string();
        let fsrs_params = session
            .fsrs_params
            .as_ref()
            .map_or("FSRS-6 defaults".to_string(), |p| p.display().to_string());
        vec![
            ("user", self.user.clone(), self.user_source.to_string()),
            ("log", log, log_source),
            ("decks", decks, source(session.decks.is_some(), "")),
            ("count", count, source(session.count.is_some(), "")),
            (
                "time_limit",
                time_limit,
                source(session.time_limit.is_some(), ""),
            ),
            ("strict", strict, source(session.strict.is_some(), "")),
            (
                "new",
                self.new_limit(None).to_string(),
                source(session.new.is_some(), ""),
            ),
            (
                "retention",
                self.retention(None).to_string(),
                source(session.retention.is_some(), ""),
            ),
            (
                "fsrs_params",
                fsrs_params,
                source(session.fsrs_params.is_some(), ""),
            ),
            (
                "color",
                self.color.value.to_string(),
                self.color.source.to_string(),
            ),
        ]
    }
}

/// Where the config file is, from the process environment, whether or not it exists.
pub fn config_file_path() -> Result<PathBuf> {
    let set = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    config_path(&set).map_err(|message| anyhow!("{message}"))
}

/// `--user`, else the file's `user`, else `$USER`, else `anonymous`.
fn resolve_user(
    given: Option<String>,
    file: Option<&ConfigFile>,
    set: &impl Fn(&str) -> Option<OsString>,
) -> (String, Source) {
    if let Some(user) = given {
        return (user, Source::Flag("--user"));
    }
    if let Some((user, file)) = file.and_then(|f| f.values.user.clone().map(|u| (u, f))) {
        return (user, file.source());
    }
    set("USER")
        .map(|user| user.to_string_lossy().trim().to_string())
        .filter(|user| !user.is_empty())
        .map(|user| (user, Source::Default("$USER")))
        .unwrap_or_else(|| ("anonymous".to_string(), Source::Default("")))
}

/// `--log`, else `$CODEDRILL_LOG`, else the file's `log`, else the XDG data dir.
fn resolve_log(
    given: Option<PathBuf>,
    file: Option<&ConfigFile>,
    set: &impl Fn(&str) -> Option<OsString>,
) -> std::result::Result<Sourced<PathBuf>, String> {
    if let Some(path) = given {
        return Ok(Sourced::new(path, Source::Flag("--log")));
    }
    if let Some(path) = set("CODEDRILL_LOG") {
        return Ok(Sourced::new(path.into(), Source::Env("CODEDRILL_LOG")));
    }
    if let Some(file) = file
        && let Some(log) = &file.values.log
    {
        return Ok(Sourced::new(file.path_of(log), file.source()));
    }
    default_log_path(set).map(|path| Sourced::new(path, Source::Default("XDG data dir")))
}

/// `--color`, else the file's `color`, else `auto`.
fn resolve_color(given: Option<ColorChoice>, file: Option<&ConfigFile>) -> Sourced<ColorChoice> {
    if let Some(color) = given {
        return Sourced::new(color, Source::Flag("--color"));
    }
    match file.and_then(|f| f.values.color.map(|color| (color, f))) {
        Some((color, file)) => Sourced::new(color, file.source()),
        None => Sourced::new(ColorChoice::Auto, Source::Default("")),
    }
}

/// The drill and exam defaults the file sets.
fn session_defaults(file: &ConfigFile) -> SessionDefaults {
    let values = &file.values;
    SessionDefaults {
        decks: values
            .decks
            .as_ref()
            .map(|decks| decks.iter().map(|deck| file.deck_of(deck)).collect()),
        count: values.count,
        time_limit: values.time_limit,
        strict: values.strict,
        new: values.new,
        retention: values.retention,
        fsrs_params: values.fsrs_params.as_ref().map(|p| file.path_of(p)),
    }
}

/// `<XDG data dir>/codedrill/attempts.csv`: `$XDG_DATA_HOME`, else `$HOME/.local/share`. A
/// relative `$XDG_DATA_HOME` is ignored, as the XDG Base Directory spec says: it would put the
/// log under whatever folder codedrill was started in.
fn default_log_path(
    set: &impl Fn(&str) -> Option<OsString>,
) -> std::result::Result<PathBuf, String> {
    let data = xdg_dir(set, "XDG_DATA_HOME", ".local/share")
        .ok_or("cannot find a place for the log: set --log, $CODEDRILL_LOG or $HOME")?;
    Ok(data.join("codedrill").join("attempts.csv"))
}

/// `<XDG config dir>/codedrill/config.toml`: `$XDG_CONFIG_HOME`, else `$HOME/.config`, a
/// relative `$XDG_CONFIG_HOME` ignored as for the data dir.
fn config_path(set: &impl Fn(&str) -> Option<OsString>) -> std::result::Result<PathBuf, String> {
    let config = xdg_dir(set, "XDG_CONFIG_HOME", ".config")
        .ok_or("cannot find a place for the config file: set $XDG_CONFIG_HOME or $HOME")?;
    Ok(config.join("codedrill").join("config.toml"))
}

/// An XDG base directory: `$variable` when absolute, else `$HOME/<under_home>`.
fn xdg_dir(
    set: &impl Fn(&str) -> Option<OsString>,
    variable: &str,
    under_home: &str,
) -> Option<PathBuf> {
    set(variable)
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
        .or_else(|| set("HOME").map(|home| PathBuf::from(home).join(under_home)))
}

/// Reads the config file: `None` when it does not exist. What is not a regular file, or is
/// larger than [`CONFIG_SIZE_LIMIT`], is refused before reading.
fn read_config(path: &Path) -> Result<Option<String>> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    };
    if !meta.is_file() {
        bail!("{}: the config file is not a regular file", path.display());
    }
    if meta.len() > CONFIG_SIZE_LIMIT {
        bail!("{}: the config file is larger than 1 MiB", path.display());
    }
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(text))
}

/// Reads and checks the config file at `path`; every problem is one `FILE:LINE: message`.
fn load_config(
    path: &Path,
    read: impl FnOnce(&Path) -> Result<Option<String>>,
) -> Result<Option<ConfigFile>> {
    let Some(text) = read(path)? else {
        return Ok(None);
    };
    let values = toml::from_str::<FileValues>(&text).map_err(|err| {
        let line = err.span().map_or(1, |span| line_of(&text, span.start));
        anyhow!("{}:{line}: {}", path.display(), err.message().trim_end())
    })?;
    Ok(Some(ConfigFile {
        path: path.to_path_buf(),
        values,
    }))
}

/// The 1-based line holding byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    1 + before.iter().filter(|&&byte| byte == b'\n').count()
}

/// A span as the file would write it: `45s`, `1.5s`.
fn show_span(span: Duration) -> String {
    format!("{}s", span.as_secs_f64())
}

/// A non-empty name or path, trimmed.
fn some_name<'de, D: de::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    nonempty(String::deserialize(d)?).map(Some)
}

/// A list of non-empty names or paths, trimmed.
fn some_names<'de, D: de::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Vec<String>>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    names
        .into_iter()
        .map(nonempty)
        .collect::<Result<_, _>>()
        .map(Some)
}

fn nonempty<E: de::Error>(text: String) -> std::result::Result<String, E> {
    let text = text.trim();
    if text.is_empty() {
        return Err(E::custom("empty value: remove the key to use the default"));
    }
    Ok(text.to_string())
}

/// A count of items, checked as `-n` is.
fn some_count<'de, D: de::Deserializer<'de>>(d: D) -> std::result::Result<Option<usize>, D::Error> {
    d.deserialize_any(CountVisitor).map(Some)
}

struct CountVisitor;

impl de::Visitor<'_> for CountVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a count of items (a whole number from 1)")
    }

    fn visit_i64<E: de::Error>(self, count: i64) -> std::result::Result<usize, E> {
        crate::duration::parse_count(&count.to_string()).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, count: u64) -> std::result::Result<usize, E> {
        crate::duration::parse_count(&count.to_string()).map_err(E::custom)
    }
}

/// New items a day: a whole number, 0 for none.
fn some_new_count<'de, D: de::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<usize>, D::Error> {
    let count = i64::deserialize(d)?;
    usize::try_from(count)
        .map(Some)
        .map_err(|_| de::Error::custom("a number of new items a day (0 or more)"))
}

/// A desired retention, checked as `--retention` is.
fn some_retention<'de, D: de::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<f64>, D::Error> {
    let retention = f64::deserialize(d)?;
    crate::drill::schedule::params::check_retention(retention)
        .map(Some)
        .map_err(de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(given: Given, vars: &[(&str, &str)]) -> Settings {
        resolve_file(given, vars, None).unwrap()
    }

    /// Resolves with `vars` as the environment and `file` as the config file's text.
    fn resolve_file(given: Given, vars: &[(&str, &str)], file: Option<&str>) -> Result<Settings> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = |name: &str| {
            vars.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into())
        };
        Settings::resolve_with(given, env, |_| Ok(file.map(str::to_string)))
    }

    const ENV: [(&str, &str); 3] = [
        ("XDG_CONFIG_HOME", "/conf"),
        ("HOME", "/home/ana"),
        ("USER", "bob"),
    ];

    const FILE: &str = r#"
user = "carla"
log = "logs/file.csv"
decks = ["icd10cm-injury", "mine.csv", "/decks/abs.csv"]
count = 7
time_limit = "45s"
strict = true
color = "never"
new = 5
retention = 0.85
fsrs_params = "weights.txt"
"#;

    fn source(settings: &Settings, key: &str) -> (String, String) {
        let (_, value, source) = settings
            .effective()
            .into_iter()
            .find(|(name, _, _)| *name == key)
            .unwrap();
        (value, source)
    }

    const CONFIG: &str = "/conf/codedrill/config.toml";

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

    #[test]
    fn the_file_sits_in_the_xdg_config_dir() {
        let at = |vars: &[(&str, &str)]| {
            let settings = resolve(Given::default(), vars);
            settings
                .config_file()
                .map(|(path, _)| path.to_path_buf())
                .map_err(str::to_string)
        };
        assert_eq!(at(&ENV), Ok(PathBuf::from(CONFIG)));
        let relative = [("XDG_CONFIG_HOME", "conf"), ("HOME", "/home/ana")];
        assert_eq!(
            at(&relative),
            Ok(PathBuf::from("/home/ana/.config/codedrill/config.toml")),
            "a relative XDG_CONFIG_HOME is ignored"
        );
        assert!(at(&[]).is_err());
    }

    #[test]
    fn every_key_comes_from_the_flag_then_the_environment_then_the_file_then_the_default() {
        let file = format!("file: {CONFIG}");
        let from_file = resolve_file(Given::default(), &ENV, Some(FILE)).unwrap();
        let expected = [
            ("user", "carla"),
            ("log", "/conf/codedrill/logs/file.csv"),
            (
                "decks",
                "icd10cm-injury, /conf/codedrill/mine.csv, /decks/abs.csv",
            ),
            ("count", "7"),
            ("time_limit", "45s"),
            ("strict", "true"),
            ("color", "never"),
            ("new", "5"),
            ("retention", "0.85"),
            ("fsrs_params", "/conf/codedrill/weights.txt"),
        ];
        for (key, value) in expected {
            assert_eq!(
                source(&from_file, key),
                (value.to_string(), file.clone()),
                "{key}"
            );
        }
        let defaults = resolve_file(Given::default(), &ENV, None).unwrap();
        let expected = [
            ("user", "bob", "default: $USER"),
            (
                "log",
                "/home/ana/.local/share/codedrill/attempts.csv",
                "default: XDG data dir",
            ),
            ("decks", "icd10cm-common", "default"),
            ("count", "20", "default"),
            ("time_limit", "none", "default"),
            ("strict", "false", "default"),
            ("color", "auto", "default"),
            ("new", "10", "default"),
            ("retention", "0.9", "default"),
            ("fsrs_params", "FSRS-6 defaults", "default"),
        ];
        for (key, value, from) in expected {
            assert_eq!(
                source(&defaults, key),
                (value.to_string(), from.to_string()),
                "{key}"
            );
        }
    }

    #[test]
    fn flags_and_the_environment_beat_the_file() {
        let flags = Given {
            log: Some("flag.csv".into()),
            user: Some("dana".into()),
            color: Some(ColorChoice::Always),
            codeset: None,
        };
        let settings = resolve_file(flags, &ENV, Some(FILE)).unwrap();
        assert_eq!(source(&settings, "user"), ("dana".into(), "--user".into()));
        assert_eq!(
            source(&settings, "log"),
            ("flag.csv".into(), "--log".into())
        );
        assert_eq!(
            source(&settings, "color"),
            ("always".into(), "--color".into())
        );
        let env = [ENV[0], ENV[1], ("CODEDRILL_LOG", "/env.csv")];
        let settings = resolve_file(Given::default(), &env, Some(FILE)).unwrap();
        assert_eq!(
            source(&settings, "log"),
            ("/env.csv".into(), "$CODEDRILL_LOG".into())
        );
        assert_eq!(settings.user, "carla", "the file's user beats $USER");
    }

    #[test]
    fn drill_flags_beat_the_file_and_the_file_beats_the_defaults() {
        let settings = resolve_file(Given::default(), &ENV, Some(FILE)).unwrap();
        let given = ["other".to_string()];
        assert_eq!(settings.decks(&given), &given);
        assert_eq!(settings.decks(&[]).len(), 3);
        assert_eq!(settings.drill_count(Some(3)), 3);
        assert_eq!(settings.drill_count(None), 7);
        let ten = Some(Duration::from_secs(10));
        assert_eq!(settings.time_limit(ten), ten);
        assert_eq!(settings.time_limit(None), Some(Duration::from_secs(45)));
        assert!(settings.strict(None) && !settings.strict(Some(false)));
        assert!(!settings.colour(true));
        assert_eq!(
            (settings.new_limit(None), settings.new_limit(Some(0))),
            (5, 0)
        );
        assert_eq!(
            (settings.retention(None), settings.retention(Some(0.8))),
            (0.85, 0.8)
        );
        let flag = Path::new("mine.txt");
        assert_eq!(settings.fsrs_params(Some(flag)), Some(flag));
        assert_eq!(
            settings.fsrs_params(None),
            Some(Path::new("/conf/codedrill/weights.txt"))
        );

        let settings = resolve_file(Given::default(), &ENV, None).unwrap();
        assert!(settings.decks(&[]).is_empty());
        assert_eq!(settings.drill_count(None), DRILL_COUNT);
        assert_eq!(settings.time_limit(None), None);
        assert!(!settings.strict(None) && settings.strict(Some(true)));
        let off = resolve_file(Given::default(), &ENV, Some("strict = false")).unwrap();
        assert_eq!(source(&off, "strict").1, format!("file: {CONFIG}"));
    }

    #[test]
    fn time_limits_are_seconds_or_spans() {
        for (text, seconds) in [("45", 45.0), ("1.5", 1.5), ("\"2m\"", 120.0)] {
            let settings = resolve_file(
                Given::default(),
                &ENV,
                Some(&format!("time_limit = {text}")),
            )
            .unwrap();
            assert_eq!(
                settings.time_limit(None),
                Some(Duration::from_secs_f64(seconds))
            );
        }
    }

    #[test]
    fn a_malformed_file_is_one_error_naming_its_line() {
        let cases = [
            ("count = 3\ncount = [", 2, "expected"),
            ("\n\ncolour = \"never\"", 3, "unknown field `colour`"),
            ("user = \"ana\"\ncount = \"ten\"", 2, "invalid type"),
            ("count = 2.5", 1, "a whole number from 1"),
            ("count = 0", 1, "smallest count is 1"),
            ("count = -2", 1, "not a count"),
            ("\ntime_limit = \"0.2s\"", 2, "shortest time span"),
            ("time_limit = \"soon\"", 1, "not a time span"),
            ("time_limit = true", 1, "seconds or a time span"),
            ("color = \"pink\"", 1, "unknown variant"),
            ("strict = \"yes\"", 1, "invalid type"),
            ("\n\nuser = \"  \"", 3, "empty value"),
            ("decks = [\"a.csv\", \"\"]", 1, "empty value"),
            ("new = -1", 1, "new items a day"),
            ("retention = 1.5", 1, "out of range"),
            ("retention = \"high\"", 1, "invalid type"),
        ];
        for (text, line, message) in cases {
            let err = resolve_file(Given::default(), &ENV, Some(text))
                .err()
                .unwrap_or_else(|| panic!("{text:?} accepted"))
                .to_string();
            assert!(
                err.starts_with(&format!("{CONFIG}:{line}: ")) && err.contains(message),
                "{text:?}: {err}"
            );
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }

    #[test]
    fn an_unreadable_file_stops_resolution() {
        let failed = Settings::resolve_with(
            Given::default(),
            |name| ENV.iter().find(|(k, _)| *k == name).map(|(_, v)| v.into()),
            |_| Err(anyhow!("cannot read it")),
        );
        assert!(failed.is_err());
    }

    #[test]
    fn line_numbers_count_newlines_before_the_offset() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a", 99), 1);
    }
}
