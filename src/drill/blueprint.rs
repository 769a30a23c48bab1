//! Exam blueprints (`exam --blueprint FILE.toml`): a title, the time allowed, the pass mark,
//! and one `[[draw]]` table per pool of items (a deck, narrowed by category and setting) with
//! how many scored and how many pretest (unscored) items to draw from it.
//!
//! Drawing is without replacement and seeded: the same seed draws the same items in the same
//! order. No item is drawn twice, even when pools overlap: each pool draws from what the
//! pools before it left. Whether the pools are large enough is decided before drawing and for
//! every seed at once (a pool must hold its own items even if every earlier pool that shares
//! items with it took all it could from the shared ones), so a blueprint that works once works
//! with every seed.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::path::Path;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use serde::de;
use toml::Spanned;

use super::Order;
use super::exam::{ItemKey, Pretest, key_of};
use super::shuffle::Rng;
use crate::codes::CodeSets;
use crate::deck::{self, Deck, Item, Setting};
use crate::embedded;

/// A blueprint larger than this is refused unread: a blueprint is a few dozen lines.
const BLUEPRINT_SIZE_LIMIT: u64 = 1 << 20;

/// An exam blueprint, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Blueprint {
    /// Where it came from, as its problems name it.
    pub source: String,
    /// Shown on the start screen and the result page (the file's stem when it has none).
    pub title: String,
    /// The time allowed, if the blueprint says.
    pub duration: Option<Duration>,
    /// The pass mark in percent, if the blueprint says.
    pub pass: Option<f64>,
    /// The pools, in the order written.
    pub draws: Vec<Draw>,
}

/// One `[[draw]]` table: a pool and how many items to draw from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    /// The deck as written in the blueprint.
    pub written: String,
    /// The deck as loaded: an embedded deck's name, or a path (a relative one joined to the
    /// blueprint's folder).
    pub deck: String,
    /// Only items of this category (letter case ignored).
    pub category: Option<String>,
    /// Only items of this setting.
    pub setting: Option<Setting>,
    /// Scored items.
    pub count: usize,
    /// Further unscored items.
    pub pretest: usize,
    /// The line of the table's `[[draw]]` header, for problems.
    pub line: usize,
}

impl Draw {
    /// Items the pool must give: scored and pretest.
    fn needs(&self) -> usize {
        self.count + self.pretest
    }

    fn admits(&self, item: &Item) -> bool {
        let category = self
            .category
            .as_ref()
            .is_none_or(|wanted| item.category.trim().eq_ignore_ascii_case(wanted));
        category
            && self
                .setting
                .is_none_or(|wanted| item.setting == Some(wanted))
    }

    /// A problem of the pool's deck, as the blueprint reports it: one inside the deck names the
    /// deck's own line; one with the file itself (missing, unreadable) names the draw at
    /// `place`.
    fn problem(&self, place: &str, problem: &deck::Problem) -> String {
        if problem.line > 0 {
            return problem.to_string();
        }
        let read_as = if self.deck == self.written {
            String::new()
        } else {
            format!(" (read as {})", self.deck)
        };
        format!(
            "{place}: deck {}{read_as}: {}{}",
            self.written,
            problem.message,
            embedded_hint(&self.written, &problem.message)
        )
    }

    /// `deck X category Y setting Z`, as problems name the pool.
    fn describe(&self) -> String {
        let mut text = format!("deck {}", self.written);
        if let Some(category) = &self.category {
            text.push_str(&format!(" category {category}"));
        }
        if let Some(setting) = self.setting {
            text.push_str(&format!(" setting {}", setting_name(setting)));
        }
        text
    }

    /// `icd10cm-common (Circulatory, outpatient)`, as the start screen and the result page
    /// name the pool drawn from `pool`: its deck's name, the category as the deck spells it.
    fn label(&self, pool: &Loaded) -> String {
        let name = &pool.name;
        let spelt = pool.items.first().map(|item| item.category.trim());
        let filters: Vec<&str> = self
            .category
            .as_deref()
            .map(|written| spelt.unwrap_or(written))
            .into_iter()
            .chain(self.setting.map(setting_name))
            .collect();
        if filters.is_empty() {
            name.to_string()
        } else {
            format!("{name} ({})", filters.join(", "))
        }
    }
}

fn setting_name(setting: Setting) -> &'static str {
    match setting {
        Setting::Inpatient => "inpatient",
        Setting::Outpatient => "outpatient",
        Setting::Ed => "ed",
        Setting::Office => "office",
    }
}

/// The blueprint's keys, as written. Unknown keys are errors, so a misspelt key is never
/// silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileValues {
    #[serde(default, deserialize_with = "some_text")]
    title: Option<String>,
    #[serde(default, deserialize_with = "crate::duration::deserialize_span")]
    duration: Option<Duration>,
    #[serde(default, deserialize_with = "some_percent")]
    pass: Option<f64>,
    #[serde(default)]
    draw: Vec<Spanned<DrawValues>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DrawValues {
    #[serde(deserialize_with = "text")]
    deck: String,
    #[serde(default, deserialize_with = "some_text")]
    category: Option<String>,
    #[serde(default)]
    setting: Option<SettingName>,
    #[serde(deserialize_with = "items")]
    count: usize,
    #[serde(default, deserialize_with = "items")]
    pretest: usize,
}

/// A setting as a blueprint writes it, as the deck's `setting` column does.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum SettingName {
    Inpatient,
    Outpatient,
    Ed,
    Office,
}

impl From<SettingName> for Setting {
    fn from(name: SettingName) -> Setting {
        match name {
            SettingName::Inpatient => Setting::Inpatient,
            SettingName::Outpatient => Setting::Outpatient,
            SettingName::Ed => Setting::Ed,
            SettingName::Office => Setting::Office,
        }
    }
}

/// The problems of a blueprint, one `FILE:LINE: message` a line.
#[derive(Debug)]
pub struct BlueprintError {
    pub problems: Vec<String>,
}

impl fmt::Display for BlueprintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for BlueprintError {}

/// A blueprint's pool as drawn, as the start screen and the result page name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    /// `icd10cm-common (Circulatory)`.
    pub label: String,
    /// Items drawn from it, pretest ones included.
    pub items: usize,
}

/// A pool's items (in its deck's order) and what its deck is.
#[derive(Debug, Clone)]
struct Loaded {
    /// The deck's name.
    name: String,
    items: Vec<Item>,
    /// Every category of the deck, for a pool that matched none.
    categories: Vec<String>,
}

/// An exam as a blueprint drew it.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The items, in the order asked.
    pub items: Vec<Item>,
    /// Which of them are pretest items.
    pub pretest: Pretest,
    /// The pools, in the blueprint's order.
    pub pools: Vec<Pool>,
}

impl Drawn {
    /// `8 icd10cm-common`, ...: each pool that gave items, with how many.
    pub fn sources(&self) -> Vec<String> {
        self.pools
            .iter()
            .filter(|pool| pool.items > 0)
            .map(|pool| format!("{} {}", pool.items, pool.label))
            .collect()
    }

    /// `20 items: 8 icd10cm-common, 6 icd10cm-injury, 6 interview`.
    pub fn describe(&self) -> String {
        let pools: Vec<String> = self.sources();
        format!(
            "{} {}: {}",
            self.items.len(),
            if self.items.len() == 1 {
                "item"
            } else {
                "items"
            },
            pools.join(", ")
        )
    }
}

/// The names of the embedded blueprints (`exercises/blueprints/*.toml`).
pub fn embedded_names() -> Vec<&'static str> {
    embedded::BLUEPRINTS.iter().map(|(name, _)| *name).collect()
}

impl Blueprint {
    /// Reads a blueprint by path, or by the name of an embedded one.
    pub fn load(spec: &str) -> Result<Blueprint> {
        let path = Path::new(spec);
        if path.exists() {
            let text = read_file(path)?;
            return Blueprint::parse(&text, spec, path.parent());
        }
        if let Some((name, text)) = embedded::BLUEPRINTS.iter().find(|(name, _)| *name == spec) {
            return Blueprint::parse(text, &format!("exercises/blueprints/{name}.toml"), None);
        }
        let embedded = embedded_names();
        if spec.contains('/') || spec.contains('.') || embedded.is_empty() {
            bail!("--blueprint {spec}: no such file");
        }
        bail!(
            "--blueprint {spec}: no such file, and no embedded blueprint of that name \
             (embedded blueprints: {})",
            embedded.join(", ")
        )
    }

    /// Parses and checks a blueprint's text; `source` names it in problems, and relative deck
    /// paths are taken from `folder` (the blueprint file's folder).
    pub fn parse(text: &str, source: &str, folder: Option<&Path>) -> Result<Blueprint> {
        // Some editors begin a UTF-8 file with a byte-order mark; TOML does not allow one.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let at = |offset: usize| format!("{source}:{}", line_of(text, offset));
        let values = toml::from_str::<FileValues>(text).map_err(|err| {
            let place = err
                .span()
                .map_or(format!("{source}:1"), |span| at(span.start));
            anyhow!("{place}: {}", err.message().trim_end())
        })?;
        if values.draw.is_empty() {
            bail!("{source}: no [[draw]] table: a blueprint draws from at least one deck");
        }
        let mut problems = Vec::new();
        let mut draws = Vec::new();
        for (number, spanned) in values.draw.iter().enumerate() {
            let line = line_of(text, spanned.span().start);
            let written = spanned.get_ref();
            if written.count + written.pretest == 0 {
                problems.push(format!(
                    "{source}:{line}: draw {}: count and pretest are both 0",
                    number + 1
                ));
            }
            draws.push(Draw {
                deck: deck_path(&written.deck, folder),
                written: written.deck.clone(),
                category: written.category.clone(),
                setting: written.setting.map(Setting::from),
                count: written.count,
                pretest: written.pretest,
                line,
            });
        }
        if problems.is_empty() && draws.iter().all(|draw| draw.count == 0) {
            problems.push(format!(
                "{source}: no scored items: every draw's count is 0 (pretest items are not scored)"
            ));
        }
        if !problems.is_empty() {
            return Err(BlueprintError { problems }.into());
        }
        let title = values.title.unwrap_or_else(|| stem(source));
        Ok(Blueprint {
            source: source.to_string(),
            title,
            duration: values.duration,
            pass: values.pass,
            draws,
        })
    }

    /// Loads each pool's deck (once per deck) and draws the exam: at most `cap` items in all
    /// (each pool's scored and pretest counts scaled down alike), in `order`, with `seed`.
    /// Every deck problem, and every pool too small, is reported before anything is drawn.
    pub fn draw(
        &self,
        codes: Option<&CodeSets>,
        cap: Option<usize>,
        order: Order,
        seed: u64,
    ) -> Result<Drawn> {
        let (pools, mut problems) = self.load_pools(codes);
        problems.extend(self.check_sizes(&pools));
        if !problems.is_empty() {
            return Err(BlueprintError { problems }.into());
        }
        // Every deck loaded, else there would be problems.
        let pools: Vec<Loaded> = pools.into_iter().flatten().collect();
        let quotas = self.quotas(cap)?;
        let items: Vec<Vec<Item>> = pools.iter().map(|pool| pool.items.clone()).collect();
        let mut drawn = draw_pools(&items, &quotas, order, &mut Rng::new(seed));
        drawn.pools = self
            .draws
            .iter()
            .zip(&pools)
            .zip(&quotas)
            .map(|((draw, pool), (count, pretest))| Pool {
                label: draw.label(pool),
                items: count + pretest,
            })
            .collect();
        Ok(drawn)
    }

    /// Each pool's items (`None` for a deck that could not be used), each deck loaded once,
    /// and every problem of the decks; `codes` adds the code-set checks.
    fn load_pools(&self, codes: Option<&CodeSets>) -> (Vec<Option<Loaded>>, Vec<String>) {
        let mut decks: HashMap<&str, Option<Deck>> = HashMap::new();
        let mut problems = Vec::new();
        for (number, draw) in self.draws.iter().enumerate() {
            if decks.contains_key(draw.deck.as_str()) {
                continue;
            }
            let loaded = deck::load_deck(&draw.deck, codes).map_err(|err| {
                let place = format!("{}:{}: draw {}", self.source, draw.line, number + 1);
                problems.extend(
                    err.problems
                        .iter()
                        .map(|problem| draw.problem(&place, problem)),
                );
            });
            decks.insert(&draw.deck, loaded.ok());
        }
        let pools = self
            .draws
            .iter()
            .map(|draw| {
                let deck = decks.get(draw.deck.as_str())?.as_ref()?;
                let mut categories: Vec<String> = deck
                    .items
                    .iter()
                    .map(|item| item.category.clone())
                    .collect();
                categories.sort();
                categories.dedup();
                Some(Loaded {
                    name: deck.name.clone(),
                    items: deck
                        .items
                        .iter()
                        .filter(|item| draw.admits(item))
                        .cloned()
                        .collect(),
                    categories,
                })
            })
            .collect();
        (pools, problems)
    }

    /// Every pool holds its count and pretest items, even if the pools before it that share
    /// items with it took all they could of the shared ones.
    fn check_sizes(&self, pools: &[Option<Loaded>]) -> Vec<String> {
        let keys: Vec<HashSet<ItemKey>> = pools
            .iter()
            .map(|pool| {
                pool.iter()
                    .flat_map(|pool| pool.items.iter().map(key_of))
                    .collect()
            })
            .collect();
        let mut problems = Vec::new();
        for (number, (draw, pool)) in self.draws.iter().zip(pools).enumerate() {
            let Some(pool) = pool else {
                continue;
            };
            let has = keys[number].len();
            let place = format!("{}:{}: draw {}", self.source, draw.line, number + 1);
            if has < draw.needs() {
                problems.push(format!(
                    "{place}: {} has only {has} {}, fewer than count + pretest = {}{}",
                    draw.describe(),
                    if has == 1 { "item" } else { "items" },
                    draw.needs(),
                    if has == 0 {
                        categories_hint(draw, &pool.categories)
                    } else {
                        String::new()
                    }
                ));
                continue;
            }
            let mut earlier = Vec::new();
            let mut taken = 0;
            for (before, other) in self.draws[..number].iter().enumerate() {
                let shared = keys[number].intersection(&keys[before]).count();
                if shared > 0 {
                    earlier.push((before + 1).to_string());
                    taken += shared.min(other.needs());
                }
            }
            if has - taken < draw.needs() {
                problems.push(format!(
                    "{place}: {} has {has} items, and draw {} before it may take {taken} of \
                     them: {} are left, fewer than count + pretest = {}",
                    draw.describe(),
                    earlier.join(", "),
                    has - taken,
                    draw.needs()
                ));
            }
        }
        problems
    }

    /// Each pool's (scored, pretest) counts, scaled down to `cap` items in all when the
    /// blueprint asks for more.
    fn quotas(&self, cap: Option<usize>) -> Result<Vec<(usize, usize)>> {
        let written: Vec<(usize, usize)> = self
            .draws
            .iter()
            .map(|draw| (draw.count, draw.pretest))
            .collect();
        let quotas = scale(&written, cap.unwrap_or(usize::MAX));
        if quotas.iter().all(|(count, _)| *count == 0) {
            bail!(
                "-n {}: too few items for this blueprint to hold a scored one",
                cap.unwrap_or_default()
            );
        }
        Ok(quotas)
    }
}

/// (scored, pretest) quotas scaled to sum to `total` when they sum to more: each rounded
/// down, then one more to the largest remainders; on a tie scored before pretest, then the
/// earlier pool.
fn scale(quotas: &[(usize, usize)], total: usize) -> Vec<(usize, usize)> {
    let flat: Vec<usize> = quotas
        .iter()
        .flat_map(|&(count, pretest)| [count, pretest])
        .collect();
    let sum: usize = flat.iter().sum();
    if total >= sum {
        return quotas.to_vec();
    }
    let mut scaled: Vec<usize> = flat.iter().map(|quota| quota * total / sum).collect();
    let short = total - scaled.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..flat.len()).collect();
    order.sort_by_key(|&at| (Reverse(flat[at] * total % sum), at % 2, at));
    for &at in order.iter().take(short) {
        scaled[at] += 1;
    }
    scaled.chunks(2).map(|pair| (pair[0], pair[1])).collect()
}

/// Draws each pool's (scored, pretest) quota from what the pools before it left, then orders
/// the exam: shuffled, or pool by pool in each deck's order.
fn draw_pools(
    pools: &[Vec<Item>],
    quotas: &[(usize, usize)],
    order: Order,
    rng: &mut Rng,
) -> Drawn {
    let mut taken: HashSet<ItemKey> = HashSet::new();
    let mut items = Vec::new();
    let mut pretest = Pretest::default();
    for (pool, &(count, extra)) in pools.iter().zip(quotas) {
        let mut left: Vec<&Item> = pool
            .iter()
            .filter(|item| !taken.contains(&key_of(item)))
            .collect();
        rng.shuffle(&mut left);
        left.truncate(count + extra);
        for (at, item) in left.iter().enumerate() {
            taken.insert(key_of(item));
            if at >= count {
                pretest.items.insert(key_of(item));
            }
        }
        if order == Order::File {
            left.sort_by_key(|item| item.line);
        }
        items.extend(left.into_iter().cloned());
    }
    if order == Order::Shuffle {
        rng.shuffle(&mut items);
    }
    Drawn {
        items,
        pretest,
        pools: Vec::new(),
    }
}

/// For an empty pool with a category: the categories its deck has, since a misspelt one is
/// the likely cause.
fn categories_hint(draw: &Draw, categories: &[String]) -> String {
    const SHOWN: usize = 30;
    if draw.category.is_none() {
        return String::new();
    }
    let named: Vec<&str> = categories
        .iter()
        .map(String::as_str)
        .filter(|category| !category.is_empty())
        .collect();
    if named.is_empty() {
        return " (the deck gives no item a category)".to_string();
    }
    let more = if named.len() > SHOWN { ", ..." } else { "" };
    format!(
        " (the deck's categories: {}{more})",
        named[..named.len().min(SHOWN)].join(", ")
    )
}

/// For a deck written as a name that is no file: the embedded decks' names, since a misspelt
/// one is the likely cause.
fn embedded_hint(written: &str, message: &str) -> String {
    let name_like = !written.contains('/') && !written.contains('.');
    if name_like && message == "no such file" {
        format!(
            ", and no embedded deck of that name (embedded decks: {})",
            deck::embedded_names().join(", ")
        )
    } else {
        String::new()
    }
}

/// A deck as written in the blueprint: an embedded deck's name stays a name, a relative path
/// is taken from the blueprint's folder (the folder codedrill is started in must not change
/// what the blueprint means).
fn deck_path(written: &str, folder: Option<&Path>) -> String {
    if deck::embedded_text(written).is_some() {
        return written.to_string();
    }
    match folder {
        Some(folder) => folder.join(written).to_string_lossy().into_owned(),
        None => written.to_string(),
    }
}

/// The file's stem, the title of a blueprint that gives none.
fn stem(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .map_or_else(|| source.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Reads a blueprint file, refusing what is not a regular file or is too large to be one.
fn read_file(path: &Path) -> Result<String> {
    let shown = path.display();
    let meta = fs::metadata(path).map_err(|err| anyhow!("{shown}: cannot read: {err}"))?;
    if !meta.is_file() {
        bail!("{shown}: not a regular file, not a blueprint");
    }
    if meta.len() > BLUEPRINT_SIZE_LIMIT {
        bail!("{shown}: larger than 1 MiB, too large for a blueprint");
    }
    let bytes = fs::read(path).map_err(|err| anyhow!("{shown}: cannot read: {err}"))?;
    String::from_utf8(bytes).map_err(|_| anyhow!("{shown}: not UTF-8 text, not a blueprint"))
}

/// The 1-based line holding byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    1 + before.iter().filter(|&&byte| byte == b'\n').count()
}

/// A non-empty text, trimmed.
fn text<'de, D: de::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    let text = String::deserialize(d)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(de::Error::custom("empty value"));
    }
    Ok(text.to_string())
}

fn some_text<'de, D: de::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    text(d).map(Some)
}

/// A count of items: a whole number from 0.
fn items<'de, D: de::Deserializer<'de>>(d: D) -> std::result::Result<usize, D::Error> {
    d.deserialize_any(ItemsVisitor)
}

struct ItemsVisitor;

impl de::Visitor<'_> for ItemsVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number of items (a whole number from 0)")
    }

    fn visit_i64<E: de::Error>(self, count: i64) -> std::result::Result<usize, E> {
        usize::try_from(count)
            .map_err(|_| E::custom(format!("{count} is not a number of items (from 0)")))
    }

    fn visit_u64<E: de::Error>(self, count: u64) -> std::result::Result<usize, E> {
        usize::try_from(count)
            .map_err(|_| E::custom(format!("{count} is not a number of items (from 0)")))
    }
}

/// A pass mark: a percent from 0 to 100, as a number or a string (`"80%"`).
fn some_percent<'de, D: de::Deserializer<'de>>(d: D) -> std::result::Result<Option<f64>, D::Error> {
    d.deserialize_any(PercentVisitor).map(Some)
}

struct PercentVisitor;

impl de::Visitor<'_> for PercentVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a percentage from 0 to 100")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<f64, E> {
        super::exam::parse_percent(text).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, percent: i64) -> std::result::Result<f64, E> {
        self.visit_str(&percent.to_string())
    }

    fn visit_u64<E: de::Error>(self, percent: u64) -> std::result::Result<f64, E> {
        self.visit_str(&percent.to_string())
    }

    fn visit_f64<E: de::Error>(self, percent: f64) -> std::result::Result<f64, E> {
        self.visit_str(&percent.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    const SOURCE: &str = "/b/exam.toml";

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/blueprints")
    }

    fn parse(text: &str) -> Result<Blueprint> {
        Blueprint::parse(text, SOURCE, Some(Path::new("/b")))
    }

    /// A blueprint of `draws` (TOML tables' bodies) over the fixture deck `pool.csv`.
    fn over_pool(draws: &[&str]) -> Blueprint {
        let text: String = draws
            .iter()
            .map(|body| format!("[[draw]]\ndeck = \"pool.csv\"\n{body}\n"))
            .collect();
        let source = fixtures().join("test.toml");
        Blueprint::parse(&text, &source.to_string_lossy(), Some(&fixtures())).unwrap()
    }

    fn error(result: Result<impl fmt::Debug>) -> String {
        format!("{:#}", result.unwrap_err())
    }

    fn ids(items: &[Item]) -> Vec<&str> {
        items.iter().map(|item| item.id.as_str()).collect()
    }

    #[test]
    fn parses_a_whole_blueprint() {
        let text = r#"
title = "Outpatient coding test"
duration = "60m"
pass = 80

[[draw]]
deck = "icd10cm-common"
category = "Circulatory"
count = 5
pretest = 1

[[draw]]
deck = "decks/mine.csv"
setting = "outpatient"
count = 3
"#;
        let blueprint = parse(text).unwrap();
        assert_eq!(blueprint.title, "Outpatient coding test");
        assert_eq!(blueprint.duration, Some(Duration::from_secs(3600)));
        assert_eq!(blueprint.pass, Some(80.0));
        let first = &blueprint.draws[0];
        assert_eq!(
            (first.deck.as_str(), first.category.as_deref()),
            ("icd10cm-common", Some("Circulatory"))
        );
        assert_eq!((first.count, first.pretest, first.line), (5, 1, 6));
        let second = &blueprint.draws[1];
        assert_eq!(
            second.deck, "/b/decks/mine.csv",
            "relative to the blueprint"
        );
        assert_eq!(second.written, "decks/mine.csv");
        assert_eq!(second.setting, Some(Setting::Outpatient));
        assert_eq!((second.count, second.pretest, second.line), (3, 0, 12));
    }

    #[test]
    fn the_optional_keys_may_be_left_out() {
        let blueprint = parse("[[draw]]\ndeck = \"/abs/deck.csv\"\ncount = 2\n").unwrap();
        assert_eq!(blueprint.title, "exam", "the file's stem");
        assert_eq!((blueprint.duration, blueprint.pass), (None, None));
        assert_eq!(blueprint.draws[0].deck, "/abs/deck.csv");
        for (value, seconds) in [("90", 90), ("\"90s\"", 90), ("\"1h30m\"", 5400)] {
            let text = format!("duration = {value}\n[[draw]]\ndeck = \"d\"\ncount = 1\n");
            let span = parse(&text).unwrap().duration.unwrap();
            assert_eq!(span.as_secs(), seconds, "{value}");
        }
        let text = "pass = \"72.5%\"\n[[draw]]\ndeck = \"d\"\ncount = 1\n";
        assert_eq!(parse(text).unwrap().pass, Some(72.5));
    }

    #[test]
    fn problems_name_the_file_and_line() {
        let draw = "[[draw]]\ndeck = \"d\"\ncount = 1\n";
        let cases: &[(String, &str)] = &[
            (
                format!("{draw}cateogry = \"Circulatory\"\n"),
                "/b/exam.toml:4: unknown field `cateogry`, expected one of",
            ),
            (
                format!("title = \"t\"\nlength = 5\n{draw}"),
                "/b/exam.toml:2: unknown field `length`",
            ),
            (
                format!("title = \"t\"\nduration = \"soon\"\n{draw}"),
                "/b/exam.toml:2: `soon` is not a time span",
            ),
            (
                format!("duration = 0\n{draw}"),
                "/b/exam.toml:1: `0` is not a time span",
            ),
            (
                format!("pass = 120\n{draw}"),
                "/b/exam.toml:1: `120` is not a percentage from 0 to 100",
            ),
            (
                format!("{draw}setting = \"hospital\"\n"),
                "/b/exam.toml:4: unknown variant `hospital`, expected one of `inpatient`",
            ),
            (
                format!("{draw}pretest = -1\n"),
                "/b/exam.toml:4: -1 is not a number of items (from 0)",
            ),
            (
                "[[draw]]\ncount = 1\n".to_string(),
                "/b/exam.toml:1: missing field `deck`",
            ),
            (
                "[[draw]]\ndeck = \"d\"\n".to_string(),
                "/b/exam.toml:1: missing field `count`",
            ),
            (
                format!("{draw}category = \" \"\n"),
                "/b/exam.toml:4: empty value",
            ),
            (format!("title = \"t\n{draw}"), "/b/exam.toml:1: "),
            (
                format!("title = \"t\"\n\n{draw}count = 2\n"),
                "/b/exam.toml:6: duplicate key",
            ),
            (
                "title = \"no draws\"\n".to_string(),
                "/b/exam.toml: no [[draw]] table",
            ),
            (
                "[[draw]]\ndeck = \"d\"\ncount = 0\n".to_string(),
                "/b/exam.toml:1: draw 1: count and pretest are both 0",
            ),
            (
                "[[draw]]\ndeck = \"d\"\ncount = 0\npretest = 2\n".to_string(),
                "/b/exam.toml: no scored items",
            ),
        ];
        for (text, want) in cases {
            let got = error(parse(text));
            assert!(got.starts_with(want), "{text}\ngot: {got}\nwant: {want}");
        }
    }

    #[test]
    fn a_byte_order_mark_and_crlf_line_ends_are_read() {
        let text = "\u{feff}title = \"t\"\r\n[[draw]]\r\ndeck = \"d\"\r\ncount = 1\r\n";
        let blueprint = parse(text).unwrap();
        assert_eq!(
            (blueprint.title.as_str(), blueprint.draws[0].line),
            ("t", 2)
        );
    }

    #[test]
    fn a_missing_deck_is_named_with_its_draw() {
        let blueprint = parse("[[draw]]\ndeck = \"nope.csv\"\ncount = 1\n").unwrap();
        assert_eq!(
            error(blueprint.draw(None, None, Order::Shuffle, 1)),
            "/b/exam.toml:1: draw 1: deck nope.csv (read as /b/nope.csv): no such file"
        );
        let blueprint = parse("[[draw]]\ndeck = \"icd10cm-nope\"\ncount = 1\n").unwrap();
        let got = error(blueprint.draw(None, None, Order::Shuffle, 1));
        assert!(
            got.starts_with(
                "/b/exam.toml:1: draw 1: deck icd10cm-nope (read as /b/icd10cm-nope): no such \
                 file, and no embedded deck of that name (embedded decks: icd10cm-cases,"
            ),
            "{got}"
        );
    }

    #[test]
    fn a_pool_too_small_is_named() {
        let source = fixtures().join("test.toml").to_string_lossy().into_owned();
        let blueprint = over_pool(&[
            "setting = \"inpatient\"\ncount = 4\npretest = 1",
            "category = \"Circulatry\"\ncount = 1",
            "category = \"Circulatory\"\nsetting = \"ed\"\ncount = 1",
        ]);
        assert_eq!(
            error(blueprint.draw(None, None, Order::Shuffle, 1)),
            format!(
                "{source}:1: draw 1: deck pool.csv setting inpatient has only 4 items, fewer \
                 than count + pretest = 5\n\
                 {source}:6: draw 2: deck pool.csv category Circulatry has only 0 items, fewer \
                 than count + pretest = 1 (the deck's categories: Circulatory, Digestive, \
                 Endocrine, Genitourinary, Infectious, Injury, Musculoskeletal, Respiratory, \
                 Symptoms)"
            ),
            "every pool at once; the third has its one item"
        );
    }

    #[test]
    fn overlapping_pools_must_hold_their_items_for_every_seed() {
        let source = fixtures().join("test.toml").to_string_lossy().into_owned();
        // 4 office items; 3 circulatory items, one of them office.
        let fits = over_pool(&[
            "category = \"Circulatory\"\ncount = 3",
            "setting = \"office\"\ncount = 3",
        ]);
        for seed in 0..20 {
            let drawn = fits.draw(None, None, Order::Shuffle, seed).unwrap();
            assert_eq!(drawn.items.len(), 6);
        }
        let too_many = over_pool(&[
            "category = \"Circulatory\"\ncount = 3",
            "setting = \"office\"\ncount = 4",
        ]);
        assert_eq!(
            error(too_many.draw(None, None, Order::Shuffle, 1)),
            format!(
                "{source}:5: draw 2: deck pool.csv setting office has 4 items, and draw 1 \
                 before it may take 1 of them: 3 are left, fewer than count + pretest = 4"
            )
        );
    }

    #[test]
    fn the_same_seed_draws_the_same_exam() {
        let blueprint = over_pool(&[
            "setting = \"office\"\ncount = 2\npretest = 1",
            "count = 5\npretest = 2",
        ]);
        let draw = |seed| blueprint.draw(None, None, Order::Shuffle, seed).unwrap();
        let (a, b) = (draw(7), draw(7));
        assert_eq!(ids(&a.items), ids(&b.items));
        assert_eq!(a.pretest, b.pretest);
        let differ = (8..40).any(|seed| ids(&draw(seed).items) != ids(&a.items));
        assert!(differ, "another seed, another exam");
        for seed in 0..40 {
            let drawn = draw(seed);
            let mut seen = ids(&drawn.items);
            assert_eq!(seen.len(), 10);
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), 10, "no item twice (seed {seed})");
            assert_eq!(drawn.pretest.items.len(), 3);
            let office = drawn
                .items
                .iter()
                .filter(|item| item.setting == Some(Setting::Office))
                .count();
            assert!(
                office >= 3,
                "the office pool's 3, and maybe more from the second"
            );
        }
    }

    #[test]
    fn pools_give_their_counts_through_their_filters() {
        let blueprint = over_pool(&[
            "setting = \"inpatient\"\ncount = 2\npretest = 1",
            "category = \"respiratory\"\nsetting = \"office\"\ncount = 1",
            "category = \"Circulatory\"\ncount = 2",
        ]);
        for seed in 0..20 {
            let drawn = blueprint.draw(None, None, Order::File, seed).unwrap();
            let (inpatient, rest) = drawn.items.split_at(3);
            assert!(
                inpatient
                    .iter()
                    .all(|i| i.setting == Some(Setting::Inpatient))
            );
            assert!(
                inpatient.windows(2).all(|w| w[0].line < w[1].line),
                "file order"
            );
            let pretest: Vec<&Item> = drawn
                .items
                .iter()
                .filter(|i| drawn.pretest.holds(i))
                .collect();
            assert_eq!(pretest.len(), 1);
            assert_eq!(pretest[0].setting, Some(Setting::Inpatient));
            assert_eq!(ids(&rest[..1]), ["p1"], "the one office respiratory item");
            assert!(rest[1..].iter().all(|i| i.category == "Circulatory"));
            assert_eq!(rest.len(), 3);
        }
        let drawn = blueprint.draw(None, None, Order::File, 1).unwrap();
        assert_eq!(
            drawn.describe(),
            "6 items: 3 pool (inpatient), 1 pool (Respiratory, office), 2 pool (Circulatory)"
        );
    }

    #[test]
    fn a_cap_scales_every_draw_alike() {
        let blueprint = over_pool(&[
            "setting = \"outpatient\"\ncount = 3\npretest = 1",
            "setting = \"inpatient\"\ncount = 4",
            "setting = \"office\"\ncount = 2",
        ]);
        let drawn = blueprint.draw(None, Some(5), Order::File, 3).unwrap();
        let counts: Vec<usize> = drawn.pools.iter().map(|pool| pool.items).collect();
        assert_eq!(counts, [2, 2, 1]);
        assert_eq!(drawn.items.len(), 5);
        assert!(
            drawn.pretest.items.is_empty(),
            "the pretest quota rounds down to 0"
        );
        let whole = blueprint.draw(None, Some(50), Order::File, 3).unwrap();
        assert_eq!(
            whole.items.len(),
            10,
            "a cap above the blueprint changes nothing"
        );
        assert_eq!(
            error(over_pool(&["count = 1\npretest = 3"]).draw(None, Some(1), Order::File, 3)),
            "-n 1: too few items for this blueprint to hold a scored one"
        );
    }

    #[test]
    fn scaling_keeps_the_total_and_the_shares() {
        type Quotas = &'static [(usize, usize)];
        let cases: &[(Quotas, usize, Quotas)] = &[
            (&[(8, 2), (6, 0), (4, 0)], 10, &[(4, 1), (3, 0), (2, 0)]),
            (&[(3, 1), (4, 0), (2, 0)], 5, &[(2, 0), (2, 0), (1, 0)]),
            (&[(3, 1), (1, 0), (2, 0)], 3, &[(1, 0), (1, 0), (1, 0)]),
            (&[(1, 1), (1, 0)], 2, &[(1, 0), (1, 0)]),
            (&[(5, 5)], 10, &[(5, 5)]),
            (&[(5, 5)], 99, &[(5, 5)]),
            (&[(7, 0)], 3, &[(3, 0)]),
        ];
        for (quotas, total, want) in cases {
            assert_eq!(&scale(quotas, *total), want, "{quotas:?} to {total}");
        }
    }

    #[test]
    fn embedded_blueprints_parse_and_their_pools_are_large_enough() {
        for (name, text) in embedded::BLUEPRINTS {
            let blueprint = Blueprint::parse(text, name, None).unwrap();
            for seed in 0..5 {
                let drawn = blueprint.draw(None, None, Order::Shuffle, seed).unwrap();
                assert!(!drawn.items.is_empty(), "{name}");
            }
        }
    }

    #[test]
    fn the_fixture_blueprint_draws() {
        let path = fixtures().join("outpatient.toml");
        let blueprint = Blueprint::load(&path.to_string_lossy()).unwrap();
        assert_eq!(blueprint.title, "Outpatient coding test");
        let drawn = blueprint.draw(None, None, Order::Shuffle, 7).unwrap();
        assert_eq!(drawn.items.len(), 7);
        assert_eq!(drawn.pretest.items.len(), 1);
        assert_eq!(
            drawn.describe(),
            "7 items: 4 pool (outpatient), 1 pool (Circulatory, office), 2 good"
        );
    }

    #[test]
    fn an_unknown_blueprint_is_named() {
        assert_eq!(
            error(Blueprint::load("/nowhere/exam.toml")),
            "--blueprint /nowhere/exam.toml: no such file"
        );
    }
}
