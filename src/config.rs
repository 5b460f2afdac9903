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
    pub topics: BTreeMap<String, TopicConfig>,
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
