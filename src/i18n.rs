//! The words of the archive's own interface, in the archive's `language`: every string a
//! page shows that does not come from a dump (navigation, labels, counts, dates, the
//! search box's messages).
//!
//! Each language is one TOML file in `src/i18n/` that a translator edits without reading
//! Rust; `en.toml` is the reference and explains every key. A shipped file that lacks a
//! key falls back to English, and the owner's `theme/strings.toml` overrides any key
//! ([`Strings::override_with`]). A value is text, with `{name}` where threadarc fills
//! something in, or, for a count, a table of CLDR plural forms (`one`, `other`, …) that
//! [`intl_pluralrules`] picks from by the language's rules. Dates are filled into the
//! language's patterns from its month and weekday names; every date is UTC.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use jiff::Timestamp;
use jiff::civil::DateTime;
use unic_langid::LanguageIdentifier;

use crate::diagnostic::Diagnostic;

/// The languages threadarc ships, by code, each with its table.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", include_str!("i18n/en.toml")),
    ("de", include_str!("i18n/de.toml")),
    ("fr", include_str!("i18n/fr.toml")),
    ("es", include_str!("i18n/es.toml")),
    ("pt", include_str!("i18n/pt.toml")),
    ("ja", include_str!("i18n/ja.toml")),
    ("ar", include_str!("i18n/ar.toml")),
    ("he", include_str!("i18n/he.toml")),
];

/// Languages written right to left, for a language with no table of its own to say so.
const RIGHT_TO_LEFT: &[&str] = &["ar", "he", "fa", "ur", "yi", "ps", "sd", "ckb", "dv", "ug", "syr"];

/// The plural forms CLDR names, as the tables spell them.
pub const PLURAL_FORMS: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// One key's value: text, a count's plural forms, or a list (month names).
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Text(String),
    Forms(BTreeMap<String, String>),
    List(Vec<String>),
}

impl Entry {
    /// The entry a TOML value is, if it is one; `None` for a value of another shape.
    fn from_value(value: &toml::Value) -> Option<Entry> {
        match value {
            toml::Value::String(s) => Some(Entry::Text(s.clone())),
            toml::Value::Array(items) => {
                items.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>().map(Entry::List)
            }
            toml::Value::Table(table) => table
                .iter()
                .map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())).filter(|_| PLURAL_FORMS.contains(&k.as_str())))
                .collect::<Option<BTreeMap<_, _>>>()
                .filter(|forms| forms.contains_key("other"))
                .map(Entry::Forms),
            _ => None,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Entry::Text(_) => "text",
            Entry::Forms(_) => "a table of plural forms with at least `other`",
            Entry::List(_) => "a list of texts",
        }
    }
}

/// A table as its file says it; a key whose value has no shape an entry has is left out.
pub fn parse_table(text: &str) -> Result<BTreeMap<String, Entry>, toml::de::Error> {
    let table: toml::Table = toml::from_str(text)?;
    Ok(table.iter().filter_map(|(k, v)| Some((k.clone(), Entry::from_value(v)?))).collect())
}

/// Every shipped table, read once.
static TABLES: LazyLock<Vec<(&'static str, BTreeMap<String, Entry>)>> = LazyLock::new(|| {
    LANGUAGES.iter().map(|(code, text)| (*code, parse_table(text).expect("a shipped language table parses"))).collect()
});

static ENGLISH: LazyLock<Strings> = LazyLock::new(|| Strings::for_language("en"));

fn table(code: &str) -> Option<&'static BTreeMap<String, Entry>> {
    TABLES.iter().find(|(c, _)| *c == code).map(|(_, t)| t)
}

/// The reference table: every key there is.
pub fn reference() -> &'static BTreeMap<String, Entry> {
    table("en").expect("English is shipped")
}

/// A language tag's primary language, lower case: `pt-BR` → `pt`.
fn primary(language: &str) -> String {
    language.split(['-', '_']).next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// The interface's words in one language.
pub struct Strings {
    /// The shipped table used (`en` when the language has none).
    code: &'static str,
    entries: BTreeMap<String, Entry>,
    plural: PluralRules,
}

impl Strings {
    /// The words of `language` (a tag like `de` or `pt-BR`): its shipped table, English
    /// where it has none or lacks a key ([`language_warning`] says so).
    pub fn for_language(language: &str) -> Strings {
        let wanted = primary(language);
        let code = LANGUAGES.iter().map(|(c, _)| *c).find(|c| *c == wanted).unwrap_or("en");
        let mut entries = reference().clone();
        if let Some(own) = table(code) {
            entries
                .extend(own.iter().filter(|(k, _)| reference().contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())));
        }
        if code == "en" && RIGHT_TO_LEFT.contains(&wanted.as_str()) {
            entries.insert("direction".into(), Entry::Text("rtl".into()));
        }
        // Plural rules by the language asked for: they exist for far more languages than
        // tables do, and a count in an owner's strings.toml then follows them.
        let rules = |tag: &str| {
            let id: LanguageIdentifier = tag.parse().ok()?;
            PluralRules::create(id, PluralRuleType::CARDINAL).ok()
        };
        let plural =
            rules(language).or_else(|| rules(&wanted)).or_else(|| rules(code)).expect("English has plural rules");
        Strings { code, entries, plural }
    }

    /// The English words, for what is made outside any archive (tests, fuzzing).
    pub fn english() -> &'static Strings {
        &ENGLISH
    }

    /// The shipped table the words come from.
    pub fn code(&self) -> &str {
        self.code
    }

    /// Replaces keys with the owner's (`theme/strings.toml`, read from `path`); returns a
    /// warning for each key it does not know or whose value has the wrong shape, naming its
    /// line. An error is a file that is not TOML.
    pub fn override_with(&mut self, path: &str, text: &str) -> Result<Vec<Diagnostic>, Diagnostic> {
        let table: BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>> = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_at(text, span.start));
            Diagnostic::error(path, line, e.message().trim_end().to_owned())
                .with_hint("write one `key = \"text\"` a line; src/i18n/en.toml lists every key")
        })?;
        let mut warnings = Vec::new();
        for (key, value) in table {
            let line = Some(line_at(text, key.span().start));
            let Some(reference) = reference().get(key.get_ref()) else {
                warnings.push(
                    Diagnostic::warning(path, line, format!("unknown key `{}`; it is not used", key.get_ref()))
                        .with_hint(match closest(key.get_ref()) {
                            Some(near) => format!("did you mean `{near}`? src/i18n/en.toml lists every key"),
                            None => "src/i18n/en.toml lists every key".to_owned(),
                        }),
                );
                continue;
            };
            let entry = match (Entry::from_value(value.get_ref()), reference) {
                // A count given as one text is every form of it.
                (Some(Entry::Text(text)), Entry::Forms(_)) => {
                    Entry::Forms(BTreeMap::from([("other".to_owned(), text)]))
                }
                (Some(entry), reference) if std::mem::discriminant(&entry) == std::mem::discriminant(reference) => {
                    entry
                }
                _ => {
                    warnings.push(
                        Diagnostic::warning(
                            path,
                            line,
                            format!("`{}` must be {}; it is not used", key.get_ref(), reference.kind()),
                        )
                        .with_hint("see the key in src/i18n/en.toml"),
                    );
                    continue;
                }
            };
            if let Some(unknown) = unknown_placeholder(&entry, reference) {
                warnings.push(
                    Diagnostic::warning(
                        path,
                        line,
                        format!("`{{{unknown}}}` in `{}` is not filled in by threadarc", key.get_ref()),
                    )
                    .with_hint("keep to the {names} the key has in src/i18n/en.toml"),
                );
            }
            self.entries.insert(key.into_inner(), entry);
        }
        Ok(warnings)
    }

    /// The text of `key` (a count's `other` form).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        match self.entries.get(key) {
            Some(Entry::Text(text)) => text,
            Some(Entry::Forms(forms)) => forms.get("other").map_or("", String::as_str),
            Some(Entry::List(_)) | None => {
                debug_assert!(false, "no text `{key}` in the interface's strings");
                key
            }
        }
    }

    /// The text of `key` with each `{name}` of `args` filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// The text of `key` with its `{name}` filled in with `value`.
    pub fn with(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.fill(key, &[(name, &value.to_string())])
    }

    /// The text of `key` with two `{name}`s filled in.
    pub fn with2(
        &self,
        key: &str,
        name: &str,
        value: impl std::fmt::Display,
        other: &str,
        other_value: impl std::fmt::Display,
    ) -> String {
        self.fill(key, &[(name, &value.to_string()), (other, &other_value.to_string())])
    }

    /// The text of `key` before its `{name}`, for a page that puts HTML there.
    pub fn before<'a>(&'a self, key: &'a str, name: &str) -> &'a str {
        let text = self.t(key);
        text.split_once(&format!("{{{name}}}")).map_or(text, |(before, _)| before)
    }

    /// The text of `key` after its `{name}`.
    pub fn after<'a>(&'a self, key: &'a str, name: &str) -> &'a str {
        self.t(key).split_once(&format!("{{{name}}}")).map_or("", |(_, after)| after)
    }

    /// [`Strings::before`] with another `{name}` filled in.
    pub fn before_with(&self, key: &str, at: &str, name: &str, value: impl std::fmt::Display) -> String {
        fill(self.before(key, at), &[(name, &value.to_string())])
    }

    /// [`Strings::after`] with another `{name}` filled in.
    pub fn after_with(&self, key: &str, at: &str, name: &str, value: impl std::fmt::Display) -> String {
        fill(self.after(key, at), &[(name, &value.to_string())])
    }

    /// `n` things as `key`'s plural forms say it, `{n}` filled in.
    pub fn count(&self, key: &str, n: impl Number) -> String {
        self.count_with(key, n, &[])
    }

    /// [`Strings::count`] with more to fill in.
    pub fn count_with(&self, key: &str, n: impl Number, args: &[(&str, &str)]) -> String {
        let n = n.value();
        let form = match self.plural.select(n.unsigned_abs()) {
            Ok(PluralCategory::ZERO) => "zero",
            Ok(PluralCategory::ONE) => "one",
            Ok(PluralCategory::TWO) => "two",
            Ok(PluralCategory::FEW) => "few",
            Ok(PluralCategory::MANY) => "many",
            Ok(PluralCategory::OTHER) | Err(_) => "other",
        };
        let text = match self.entries.get(key) {
            Some(Entry::Forms(forms)) => forms.get(form).or_else(|| forms.get("other")).map_or("", String::as_str),
            _ => self.t(key),
        };
        let n = n.to_string();
        let mut all = vec![("n", n.as_str())];
        all.extend_from_slice(args);
        fill(text, &all)
    }

    /// A post's status (`deleted`, `removed`, `dead`, `flagged`) in words; one the
    /// interface does not know as the dump said it.
    pub fn status(&self, status: &str) -> String {
        match status {
            "deleted" | "removed" | "dead" | "flagged" => self.t(&format!("status_{status}")).to_owned(),
            other => format!("[{other}]"),
        }
    }

    fn list(&self, key: &str, index: usize) -> &str {
        match self.entries.get(key) {
            Some(Entry::List(items)) => items.get(index).map_or("", String::as_str),
            _ => "",
        }
    }

    /// Whether the language is written right to left.
    pub fn rtl(&self) -> bool {
        self.t("direction") == "rtl"
    }

    /// A date and time as pages show them.
    pub fn date_time(&self, ts: Timestamp) -> String {
        self.date("date_time", ts)
    }

    /// A day, as a chat's calendar names it.
    pub fn date_day(&self, ts: Timestamp) -> String {
        self.date("date_day", ts)
    }

    /// A month: `March 2024`.
    pub fn date_month(&self, ts: Timestamp) -> String {
        self.date("date_month", ts)
    }

    /// A month given as `YYYY-MM` (a month page's key); the key itself if it is none.
    pub fn month_key(&self, key: &str) -> String {
        key.split_once('-')
            .and_then(|(y, m)| jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, 1).ok())
            .map_or_else(
                || key.to_owned(),
                |date| self.civil("date_month", date.to_datetime(jiff::civil::Time::midnight())),
            )
    }

    fn date(&self, key: &str, ts: Timestamp) -> String {
        self.civil(key, jiff::tz::TimeZone::UTC.to_datetime(ts))
    }

    /// A date and time in the form `key` gives, each part made only where it is asked
    /// for (every post's date passes through here).
    fn civil(&self, key: &str, d: DateTime) -> String {
        let (month, weekday) = (d.month() as usize - 1, d.weekday().to_monday_zero_offset() as usize);
        fill_with(self.t(key), |name| {
            Some(match name {
                "year" => Cow::Owned(format!("{:04}", d.year())),
                "month" => Cow::Owned(d.month().to_string()),
                "month2" => Cow::Owned(format!("{:02}", d.month())),
                "month_name" => Cow::Borrowed(self.list("month_names", month)),
                "month_short" => Cow::Borrowed(self.list("month_short", month)),
                "day" => Cow::Owned(d.day().to_string()),
                "day2" => Cow::Owned(format!("{:02}", d.day())),
                "weekday" => Cow::Borrowed(self.list("weekday_names", weekday)),
                "weekday_short" => Cow::Borrowed(self.list("weekday_short", weekday)),
                "hour" => Cow::Owned(format!("{:02}", d.hour())),
                "hour12" => Cow::Owned(((d.hour() + 11) % 12 + 1).to_string()),
                "minute" => Cow::Owned(format!("{:02}", d.minute())),
                "ampm" => Cow::Borrowed(self.list("am_pm", usize::from(d.hour() >= 12))),
                _ => return None,
            })
        })
    }

    /// A size in bytes as people read it: `812 bytes`, `14 KB`, `3.2 MB`.
    pub fn size(&self, bytes: u64) -> String {
        const KB: f64 = 1000.0;
        let b = bytes as f64;
        let decimal = |x: f64| format!("{x:.1}").replace('.', self.t("decimal_separator"));
        if bytes < 1000 {
            self.count("size_bytes", bytes as usize)
        } else if b < KB * KB {
            self.fill("size_kb", &[("n", &format!("{:.0}", b / KB))])
        } else if b < KB * KB * KB {
            self.fill("size_mb", &[("n", &decimal(b / (KB * KB)))])
        } else {
            self.fill("size_gb", &[("n", &decimal(b / (KB * KB * KB)))])
        }
    }

    /// What the search box says, as JSON for `static/search.js`'s table of words: texts and
    /// plural forms by key (the script picks a count's form with the browser's
    /// `Intl.PluralRules`).
    pub fn search_json(&self) -> String {
        let keys = [
            "search_posts",
            "search_posts_more",
            "search_no_phrase",
            "search_none",
            "search_more",
            "search_type",
            "search_failed",
            "search_more_in_thread",
            "search_sort",
            "search_sort_relevance",
            "search_sort_new",
            "search_sort_old",
        ];
        let mut map = serde_json::Map::new();
        for key in keys {
            let value = match self.entries.get(key) {
                Some(Entry::Forms(forms)) => serde_json::json!(forms),
                _ => serde_json::json!(self.t(key)),
            };
            map.insert(key.to_owned(), value);
        }
        serde_json::Value::Object(map).to_string()
    }
}

/// A number a count is said of (templates hand over references).
pub trait Number {
    fn value(&self) -> i64;
}

macro_rules! number {
    ($($t:ty)*) => {$(
        impl Number for $t {
            fn value(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}

number!(usize u32 u64 i32 i64);

impl<T: Number> Number for &T {
    fn value(&self) -> i64 {
        (*self).value()
    }
}

/// The warning for a `language` threadarc has no words for: the pages keep it as their
/// `lang` and speak English.
pub fn language_warning(language: &str, config_path: &str) -> Option<Diagnostic> {
    let wanted = primary(language);
    if LANGUAGES.iter().any(|(c, _)| *c == wanted) {
        return None;
    }
    let shipped: Vec<&str> = LANGUAGES.iter().map(|(c, _)| *c).collect();
    Some(
        Diagnostic::warning(
            config_path,
            None,
            format!("threadarc has no interface words for language `{language}`; the pages' words are English"),
        )
        .with_hint(format!(
            "shipped are {}; or translate every key of src/i18n/en.toml in theme/strings.toml",
            shipped.join(", ")
        )),
    )
}

/// `text` with each `{name}` of `args` filled in; other braces are left as they are.
pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    fill_with(text, |name| args.iter().find(|(n, _)| *n == name).map(|(_, v)| Cow::Borrowed(*v)))
}

/// [`fill`], with each `{name}`'s value made by `value` when the text holds it (`None`
/// leaves the `{name}` as it is).
fn fill_with<'v>(text: &str, value: impl Fn(&str) -> Option<Cow<'v, str>>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| value(&after[..close]).map(|v| (close, v)));
        match value {
            Some((close, v)) => {
                out.push_str(&v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}`s a text holds.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}')
            && rest[..close].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && close > 0
        {
            names.push(&rest[..close]);
            rest = &rest[close + 1..];
        }
    }
    names
}

/// A `{name}` in `entry` that the reference does not fill in.
fn unknown_placeholder(entry: &Entry, reference: &Entry) -> Option<String> {
    let texts = |e: &Entry| -> Vec<String> {
        match e {
            Entry::Text(t) => vec![t.clone()],
            Entry::Forms(f) => f.values().cloned().collect(),
            Entry::List(l) => l.clone(),
        }
    };
    let known: Vec<String> = texts(reference).iter().flat_map(|t| placeholders(t)).map(str::to_owned).collect();
    let dated = matches!(reference, Entry::Text(t) if t.contains("{year}"));
    texts(entry)
        .iter()
        .flat_map(|t| placeholders(t).into_iter().map(str::to_owned).collect::<Vec<_>>())
        .find(|name| !(known.contains(name) || dated && DATE_PARTS.contains(&name.as_str())))
}

/// What a date pattern may hold.
const DATE_PARTS: &[&str] = &[
    "year",
    "month",
    "month2",
    "month_name",
    "month_short",
    "day",
    "day2",
    "weekday",
    "weekday_short",
    "hour",
    "hour12",
    "minute",
    "ampm",
];

/// The known key nearest to `key`, for a typo.
fn closest(key: &str) -> Option<&'static str> {
    reference().keys().map(|k| (edit_distance(k, key), k.as_str())).filter(|(d, _)| *d <= 3).min().map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(here + 1);
            previous = here;
        }
    }
    row[b.len()]
}

/// The 1-based line of byte `at` in `text`.
fn line_at(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_tables_have_exactly_the_reference_keys_in_the_reference_shapes() {
        let reference = reference();
        for (code, text) in LANGUAGES {
            let raw: toml::Table = toml::from_str(text).unwrap();
            let table = parse_table(text).unwrap();
            let unknown: Vec<&String> = raw.keys().filter(|k| !reference.contains_key(*k)).collect();
            assert!(unknown.is_empty(), "{code}.toml has keys en.toml does not: {unknown:?}");
            let misshapen: Vec<&String> = raw.keys().filter(|k| !table.contains_key(*k)).collect();
            assert!(misshapen.is_empty(), "{code}.toml has values of no known shape: {misshapen:?}");
            let missing: Vec<&String> = reference.keys().filter(|k| !table.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{code}.toml lacks {missing:?}");
            for (key, entry) in &table {
                let want = &reference[key];
                assert_eq!(std::mem::discriminant(entry), std::mem::discriminant(want), "{code}.toml: {key}");
                assert_eq!(unknown_placeholder(entry, want), None, "{code}.toml: {key}");
                if let (Entry::List(a), Entry::List(b)) = (entry, want) {
                    assert_eq!(a.len(), b.len(), "{code}.toml: {key}");
                }
            }
        }
    }

    #[test]
    fn every_key_the_templates_and_code_ask_for_is_in_the_reference() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let asked = regex::Regex::new(
            r#"\b(?:t|count|count_with|with|with2|before|after|before_with|after_with|fill)\("([a-z0-9_]+)""#,
        )
        .unwrap();
        let mut seen = 0;
        for folder in ["templates", "src"] {
            for entry in walkdir::WalkDir::new(root.join(folder)).into_iter().map(Result::unwrap) {
                let path = entry.path();
                if !path.extension().is_some_and(|e| e == "html" || e == "rs") || path.ends_with("i18n.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(path).unwrap();
                for caps in asked.captures_iter(&text) {
                    seen += 1;
                    assert!(reference().contains_key(&caps[1]), "{}: no key `{}` in en.toml", path.display(), &caps[1]);
                }
            }
        }
        assert!(seen > 80, "{seen}");
    }

    #[test]
    fn counts_follow_each_languages_plural_rules() {
        let en = Strings::for_language("en");
        assert_eq!(en.count("posts", 1), "1 post");
        assert_eq!(en.count("posts", 0), "0 posts");
        let de = Strings::for_language("de-AT");
        assert_eq!(de.count("posts", 1), "1 Beitrag");
        assert_eq!(de.count("posts", 2), "2 Beiträge");
        let fr = Strings::for_language("fr");
        // French counts 0 and 1 as one.
        assert_eq!(fr.count("posts", 0), fr.count("posts", 1).replace('1', "0"));
        let ar = Strings::for_language("ar");
        assert!(ar.rtl());
        let forms: Vec<String> = [0, 1, 2, 3, 11, 100].iter().map(|&n| ar.count("posts", n)).collect();
        assert_eq!(forms, ["لا مشاركات", "مشاركة واحدة", "مشاركتان", "3 مشاركات", "11 مشاركةً", "100 مشاركة"]);
        assert_eq!(Strings::for_language("ja").count("posts", 1), "1 件の投稿");
    }

    #[test]
    fn dates_take_each_languages_names_and_order() {
        let ts: Timestamp = "2023-03-09T18:45:00Z".parse().unwrap();
        let en = Strings::english();
        assert_eq!(en.date_time(ts), "2023-03-09 18:45 UTC");
        assert_eq!(en.date_day(ts), "Thu 9 Mar 2023");
        assert_eq!(en.date_month(ts), "March 2023");
        let de = Strings::for_language("de");
        assert_eq!(de.date_time(ts), "09.03.2023, 18:45 UTC");
        assert_eq!(de.date_month(ts), "März 2023");
        assert_eq!(Strings::for_language("ja").date_month(ts), "2023年3月");
        assert_eq!(de.month_key("2023-03"), "März 2023");
        assert_eq!(de.month_key("junk"), "junk");
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        let en = Strings::english();
        let cases = [
            (0, "0 bytes"),
            (1, "1 byte"),
            (999, "999 bytes"),
            (14_200, "14 KB"),
            (3_210_000, "3.2 MB"),
            (25 << 30, "26.8 GB"),
        ];
        for (bytes, said) in cases {
            assert_eq!(en.size(bytes), said);
        }
        assert_eq!(Strings::for_language("de").size(3_210_000), "3,2 MB");
    }

    #[test]
    fn an_unknown_language_speaks_english_and_says_so() {
        let xx = Strings::for_language("tlh");
        assert_eq!(xx.code(), "en");
        assert_eq!(xx.t("jump_to_post"), "Jump to post");
        assert!(language_warning("tlh", "archive.toml").is_some());
        assert!(language_warning("pt-BR", "archive.toml").is_none());
        assert!(Strings::for_language("fa").rtl(), "a right-to-left language without a table is still mirrored");
    }

    #[test]
    fn owners_override_keys_and_hear_of_unknown_ones() {
        let mut de = Strings::for_language("de");
        let text = "jump_to_post = \"Springe\"\n\njmup_label = \"x\"\nposts = \"{n} Notizen\"\nthreads = 3\nfooter = \"{who}\"\n";
        let warnings = de.override_with("theme/strings.toml", text).unwrap();
        assert_eq!(de.t("jump_to_post"), "Springe");
        assert_eq!(de.count("posts", 1), "1 Notizen");
        let said: Vec<(Option<usize>, &str)> = warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert_eq!(said[0].0, Some(6), "{said:?}");
        assert!(said.iter().any(|(line, m)| *line == Some(3) && m.contains("jmup_label")), "{said:?}");
        assert!(warnings.iter().any(|w| w.hint.as_deref().is_some_and(|h| h.contains("jump_label"))));
        assert!(said.iter().any(|(line, m)| *line == Some(5) && m.contains("threads")), "{said:?}");
        let bad = de.override_with("theme/strings.toml", "a = \n").unwrap_err();
        assert_eq!(bad.line, Some(1));
    }

    #[test]
    fn fill_leaves_what_it_does_not_know() {
        assert_eq!(fill("{a} and {b} {", &[("a", "1")]), "1 and {b} {");
        assert_eq!(placeholders("{n} posts in {topic}, {Not}"), ["n", "topic"]);
        let json = Strings::english().search_json();
        assert!(json.contains("\"search_none\":\"No posts found.\""), "{json}");
    }
}
