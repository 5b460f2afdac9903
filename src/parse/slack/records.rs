//! The files of a Slack export as serde reads them: the lists (users.json,
//! channels.json and the like) and the messages of the day files, every field optional,
//! as exports leave out what a message does not have and older ones wrote less.

use std::borrow::Cow;

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

use crate::diagnostic::Problem;
use crate::parse::parsed::{Bundle, Parsed};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct UserRecord {
    pub(super) id: String,
    pub(super) name: Option<String>,
    pub(super) real_name: Option<String>,
    pub(super) profile: Option<Profile>,
}

/// A person's names: in users.json's `profile`, a message's `user_profile`, a bot's
/// `bot_profile`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Profile {
    pub(super) display_name: Option<String>,
    pub(super) real_name: Option<String>,
    pub(super) name: Option<String>,
}

pub(super) fn first_name(names: &[Option<&String>]) -> Option<String> {
    names.iter().flatten().map(|n| n.trim()).find(|n| !n.is_empty()).map(str::to_owned)
}

impl Profile {
    pub(super) fn shown_name(&self) -> Option<String> {
        first_name(&[self.display_name.as_ref(), self.real_name.as_ref(), self.name.as_ref()])
    }
}

impl UserRecord {
    pub(super) fn shown_name(&self) -> Option<String> {
        let profile = self.profile.as_ref();
        first_name(&[
            profile.and_then(|p| p.display_name.as_ref()),
            profile.and_then(|p| p.real_name.as_ref()),
            self.real_name.as_ref(),
            self.name.as_ref(),
        ])
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ConversationRecord {
    pub(super) id: String,
    pub(super) name: Option<String>,
    pub(super) members: Vec<String>,
}

/// A message as a day file holds it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Record {
    pub(super) subtype: Option<String>,
    pub(super) user: Option<String>,
    pub(super) text: Option<String>,
    pub(super) ts: Option<Value>,
    pub(super) thread_ts: Option<Value>,
    pub(super) replies: Option<Vec<ReplyRecord>>,
    pub(super) username: Option<String>,
    pub(super) bot_id: Option<String>,
    pub(super) bot_profile: Option<Profile>,
    pub(super) user_profile: Option<Profile>,
    pub(super) edited: Option<IgnoredAny>,
    pub(super) pinned_to: Option<Vec<IgnoredAny>>,
    pub(super) reactions: Option<Vec<ReactionRecord>>,
    pub(super) files: Option<Vec<FileRecord>>,
    pub(super) file: Option<FileRecord>,
    pub(super) attachments: Option<Vec<LinkRecord>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ReplyRecord {
    pub(super) ts: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ReactionRecord {
    pub(super) name: Option<String>,
    pub(super) users: Option<Vec<String>>,
    pub(super) count: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct FileRecord {
    pub(super) id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) title: Option<String>,
    pub(super) url_private: Option<String>,
    pub(super) permalink: Option<String>,
    /// `tombstone` (deleted) and `hidden_by_limit` (past a free plan's history) have no file.
    pub(super) mode: Option<String>,
}

/// A link preview or an integration's card (`attachments`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct LinkRecord {
    pub(super) pretext: Option<String>,
    pub(super) title: Option<String>,
    pub(super) title_link: Option<String>,
    pub(super) text: Option<String>,
    pub(super) fallback: Option<String>,
}

/// A message's `ts`: its time and its id in the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Ts {
    pub(super) seconds: i64,
    pub(super) micros: u32,
}

impl Ts {
    /// A `ts` as exports write it (`"1683367200.001200"`), or as a number.
    pub(super) fn read(value: &Value) -> Option<Ts> {
        match value {
            Value::String(text) => Ts::parse(text.trim()),
            Value::Number(n) => Ts::parse(&n.to_string()),
            _ => None,
        }
    }

    fn parse(text: &str) -> Option<Ts> {
        let (seconds, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if seconds.is_empty() || seconds.len() > 12 || !digits(seconds) || !digits(fraction) {
            return None;
        }
        let micros =
            fraction.bytes().chain(std::iter::repeat(b'0')).take(6).fold(0, |n, b| n * 10 + u32::from(b - b'0'));
        Some(Ts { seconds: seconds.parse().ok()?, micros })
    }

    pub(super) fn date(self) -> Option<Timestamp> {
        Timestamp::from_second(self.seconds).ok()
    }
}

/// The text of a JSON file of the bundle: without a BOM, and with a warning if it was
/// not UTF-8.
pub(super) fn file_text<'b>(path: &str, bytes: &'b [u8], parsed: &mut Parsed) -> Cow<'b, str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    if let Cow::Owned(_) = text {
        parsed.warnings.push(Problem {
            line: 1,
            message: format!("{path}: not UTF-8; the bytes that are not were replaced by `�`"),
            hint: Some("export the workspace again: Slack writes UTF-8".into()),
        });
    }
    text
}

/// A problem with a JSON file as a whole.
pub(super) fn json_problem(path: &str, error: &serde_json::Error, consequence: &str) -> Problem {
    let what = if error.is_data() { "not a JSON array" } else { "not valid JSON" };
    Problem {
        line: error.line().max(1),
        message: format!("{path}: {what} ({error}); {consequence}"),
        hint: Some("export the workspace again, or mend the file".into()),
    }
}

/// The entries of one of the export's lists (users.json, channels.json), those it can
/// read; none when it is not there.
pub(super) fn read_list<T: DeserializeOwned>(
    bundle: &Bundle,
    path: &str,
    parsed: &mut Parsed,
    consequence: &str,
) -> Vec<T> {
    let Some(bytes) = bundle.get(path) else { return Vec::new() };
    let text = file_text(path, bytes, parsed);
    match serde_json::from_str::<Vec<Value>>(&text) {
        Ok(items) => items.into_iter().filter_map(|item| serde_json::from_value(item).ok()).collect(),
        Err(e) => {
            parsed.warnings.push(json_problem(path, &e, consequence));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        for (text, want) in [
            ("1683367200.001200", Some((1683367200, 1200))),
            ("1683367200.0012", Some((1683367200, 1200))),
            ("1683367200", Some((1683367200, 0))),
            ("1683367200.0000009", Some((1683367200, 0))),
            ("", None),
            ("-5.0", None),
            ("12a.5", None),
            ("99999999999999999.1", None),
        ] {
            assert_eq!(Ts::parse(text).map(|t| (t.seconds, t.micros)), want, "{text:?}");
        }
        assert_eq!(Ts::read(&serde_json::json!(1683367200.5)).map(|t| t.micros), Some(500_000));
        assert_eq!(Ts::parse("1683367200.5").and_then(Ts::date).unwrap().to_string(), "2023-05-06T10:00:00Z");
    }
}
