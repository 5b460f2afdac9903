//! `archive.toml`: the archive's title, description, topics and page sizes.
//!
//! ```toml
//! title = "Community archive"
//! description = "Threads kept from the old forum."
//! threads_per_page = 50
//!
//! [topics.ketamine]          # the folder name under threads/
//! title = "Ketamine therapy"
//! description = "Experiences with ketamine treatment."
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// The `lang` of the pages.
    pub language: String,
    /// Threads listed on one page of a topic before it is split into pages.
    pub threads_per_page: usize,
    /// How many recently active threads the front page lists.
    pub recent_threads: usize,
    /// The topic of dumps that sit directly in `threads/`, in no folder.
    pub default_topic: String,
    /// Whether authors' email addresses (from mail dumps) are published.
    pub show_emails: bool,
    /// Where the archive will be published (`https://example.org/archive/`): gives
    /// canonical links, Atom feeds, a sitemap and Open Graph metadata. Without it the
    /// archive still works, from disk or any host.
    pub base_url: Option<String>,
    /// A thread with posts numbered past this is split into pages of this many numbers.
    pub posts_per_page: u32,
    /// How many entries an Atom feed holds.
    pub feed_entries: usize,
    /// The zone of dates that name none (an IANA name, `Europe/Berlin`), where a dump's front
    /// matter does not say; UTC when not set.
    pub timezone: Option<String>,
    /// Attached files larger than this many MiB are left out (25: the largest file static
    /// hosts take).
    pub max_attachment_mb: u64,
    /// Whether every author is shown by a stable pseudonym instead of their name.
    pub pseudonyms: bool,
    /// The secret pseudonyms are derived from: the same key, the same pseudonyms; without
    /// it, a pseudonym cannot be turned back into the name.
    pub pseudonym_key: Option<String>,
    /// What is taken out of the archive: an author's posts, a thread or some of its posts,
    /// text matching a pattern.
    pub redact: Vec<Redaction>,
    /// Whether a topic's thread pages lie in a folder per year of each thread's first post
    /// (`topic/2024/thread.html`), so that no folder holds a topic's every thread.
    pub thread_folders: ThreadFolders,
    pub topics: BTreeMap<String, TopicConfig>,
}

/// Where a topic's thread pages lie: [`Config::thread_folders`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ThreadFolders {
    /// In the topic's folder: `topic/thread.html`.
    #[default]
    None,
    /// In a folder per year of the thread's first post; without dates, in
    /// `undated/` and a folder named after the slug's first two characters.
    Year,
}

/// One `[[redact]]` entry: what to take out, and why.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    /// Every post by this author (their name as the dumps give it, or their address).
    pub author: Option<String>,
    /// A thread, by its address in the archive (`garden/walnut-trees`) or its dump's path
    /// (`threads/garden/walnuts.txt`).
    pub thread: Option<String>,
    /// These posts of the thread; without them, the whole thread.
    pub posts: Option<Vec<u32>>,
    /// A regular expression: text matching it becomes `[redacted]`, everywhere.
    pub pattern: Option<String>,
    /// Shown where a post or thread was taken out.
    pub reason: Option<String>,
    /// The line of `archive.toml` where the entry starts, for messages.
    #[serde(skip)]
    pub line: Option<usize>,
}

impl Redaction {
    /// The entry as a message names it: `[[redact]] author = "alice"`.
    pub fn describe(&self) -> String {
        let what = match (&self.author, &self.thread, &self.pattern) {
            (Some(author), _, _) => format!("author = {author:?}"),
            (_, Some(thread), _) => match &self.posts {
                Some(posts) => format!("thread = {thread:?}, posts = {posts:?}"),
                None => format!("thread = {thread:?}"),
            },
            (_, _, Some(pattern)) => format!("pattern = {pattern:?}"),
            _ => "(empty)".to_owned(),
        };
        format!("[[redact]] {what}")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TopicConfig {
    pub title: Option<String>,
    pub description: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Thread archive".into(),
            description: String::new(),
            language: "en".into(),
            threads_per_page: 50,
            recent_threads: 10,
            default_topic: "general".into(),
            show_emails: false,
            base_url: None,
            posts_per_page: 200,
            feed_entries: 20,
            timezone: None,
            max_attachment_mb: 25,
            pseudonyms: false,
            pseudonym_key: None,
            redact: Vec::new(),
            thread_folders: ThreadFolders::None,
            topics: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Reads a configuration file. `required` says whether a missing file is an error (it
    /// was named on the command line) or means the defaults.
    pub fn load(path: &Path, required: bool) -> Result<Config, Diagnostic> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text).map_err(|mut d| {
                d.path = path.display().to_string();
                d
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(Config::default()),
            Err(e) => Err(Diagnostic::error(path.display().to_string(), None, format!("cannot read: {e}"))),
        }
    }

    /// The zone of dates that name none, where a dump does not say.
    pub fn zone(&self) -> Option<jiff::tz::TimeZone> {
        self.timezone.as_deref().and_then(|name| jiff::tz::TimeZone::get(name).ok())
    }

    /// The largest attachment the archive takes, in bytes.
    pub fn max_attachment_bytes(&self) -> u64 {
        self.max_attachment_mb.saturating_mul(1024 * 1024)
    }

    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| text[..span.start].matches('\n').count() + 1);
            Diagnostic::error("archive.toml", line, e.message().trim_end().to_owned())
                .with_hint("see README.md, \"Configuration\", for the keys archive.toml takes")
        })?;
        if config.threads_per_page == 0 || config.posts_per_page == 0 {
            return Err(Diagnostic::error(
                "archive.toml",
                None,
                "threads_per_page and posts_per_page must be at least 1",
            ));
        }
        let mut config = config;
        if let Some(zone) = &config.timezone
            && jiff::tz::TimeZone::get(zone).is_err()
        {
            let line = text.lines().position(|l| l.trim_start().starts_with("timezone")).map(|i| i + 1);
            return Err(Diagnostic::error("archive.toml", line, format!("unknown time zone `{zone}`"))
                .with_hint("use an IANA name like \"Europe/Berlin\" or \"UTC\""));
        }
        check_redactions(&mut config, text)?;
        if let Some(url) = &mut config.base_url {
            let lower = url.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.contains(char::is_whitespace) {
                return Err(Diagnostic::error(
                    "archive.toml",
                    None,
                    format!("base_url `{url}` is not an http(s) address"),
                )
                .with_hint("write the full address the archive will have, like \"https://example.org/archive/\""));
            }
            if !url.ends_with('/') {
                url.push('/');
            }
        }
        Ok(config)
    }
}

/// Checks the `[[redact]]` entries and the pseudonym settings, and notes where each entry
/// starts in `text`.
fn check_redactions(config: &mut Config, text: &str) -> Result<(), Diagnostic> {
    let starts: Vec<usize> =
        text.lines().enumerate().filter(|(_, l)| l.trim() == "[[redact]]").map(|(i, _)| i + 1).collect();
    for (i, entry) in config.redact.iter_mut().enumerate() {
        entry.line = starts.get(i).copied();
        let error =
            |message: String, hint: &str| Diagnostic::error("archive.toml", entry.line, message).with_hint(hint);
        let kinds = [entry.author.is_some(), entry.thread.is_some(), entry.pattern.is_some()];
        if kinds.iter().filter(|&&k| k).count() != 1 {
            return Err(error(
                "a [[redact]] entry names exactly one of author, thread and pattern".into(),
                "write one entry for each thing to take out",
            ));
        }
        if entry.posts.is_some() && entry.thread.is_none() {
            return Err(error("`posts` goes with `thread`".into(), "name the thread the posts are in"));
        }
        if let Some(pattern) = &entry.pattern
            && let Err(e) = regex::Regex::new(pattern)
        {
            return Err(error(
                format!("the pattern {pattern:?} is not a regular expression: {e}"),
                "write it as Rust's regex crate reads it, in single quotes to keep backslashes",
            ));
        }
    }
    if config.pseudonyms && config.pseudonym_key.as_deref().is_none_or(|k| k.trim().len() < 16) {
        let line = text.lines().position(|l| l.trim_start().starts_with("pseudonyms")).map(|i| i + 1);
        return Err(Diagnostic::error("archive.toml", line, "pseudonyms = true needs a pseudonym_key of at least 16 characters")
            .with_hint("add a long random secret, like pseudonym_key = \"…\" (threadarc init writes one); keep it: the same key gives the same pseudonyms"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_topics() {
        let c = Config::parse("title = \"A\"\n[topics.x]\ntitle = \"X\"\n").unwrap();
        assert_eq!(c.title, "A");
        assert_eq!(c.threads_per_page, 50);
        assert_eq!(c.topics["x"].title.as_deref(), Some("X"));
    }

    #[test]
    fn unknown_key_names_line() {
        let d = Config::parse("title = \"A\"\n\nper_page = 3\n").unwrap_err();
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("per_page"), "{}", d.message);
    }

    #[test]
    fn base_url_is_checked_and_ends_with_a_slash() {
        let c = Config::parse("base_url = \"https://example.org/archive\"").unwrap();
        assert_eq!(c.base_url.as_deref(), Some("https://example.org/archive/"));
        assert!(Config::parse("base_url = \"javascript:alert(1)\"").is_err());
        assert!(Config::parse("base_url = \"/archive/\"").is_err());
    }

    #[test]
    fn zero_page_size_is_refused() {
        assert!(Config::parse("threads_per_page = 0").is_err());
    }
}
