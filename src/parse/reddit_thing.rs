//! What Reddit's thread JSON ([`super::reddit_json`]) and its bulk dumps
//! ([`super::reddit_dump`]) share: the fields of a submission or comment, and the post each
//! makes (FORMATS.md §15–17).
//!
//! Both hold the objects of Reddit's API, which it calls things: a thread JSON's `data`
//! objects and a dump's lines are the same objects, with the same fields and the same
//! escaping, so one struct ([`Item`]) reads both, borrowing what it can from the text.
//! Some fields changed type over the years, and a dump of 2010 writes them otherwise than
//! one of 2024: a date is a number, a float or a digit string, `edited` is `false` or a
//! time, a score may be `null`. Those are read loosely ([`Seconds`], [`Votes`],
//! [`Edited`]), so that an odd field costs the field, not the post.
//!
//! An item is first made into a compact [`Record`] (authors interned in [`Names`]): a dump
//! holds millions, and only once every line is read can its threads be numbered. A record
//! then becomes a [`Post`] ([`post`]).
//!
//! Reddit writes `body`, `selftext` and `title` with `&`, `<` and `>` as `&amp;`, `&lt;`
//! and `&gt;` (unless fetched with `raw_json=1`), so those three are decoded, once
//! ([`decode`]); the rest is Reddit's Markdown as written. A body of just `[deleted]` or
//! `[removed]` is the stock notice that replaced the text: it gives the post its status,
//! and neither body nor author is kept.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;

use jiff::Timestamp;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::model::Post;

/// A submission (`t3`) or comment (`t1`) as the API writes it; what is not read here is
/// ignored.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Item<'a> {
    #[serde(borrow)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub link_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub parent_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub author: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub author_flair_text: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub body: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub selftext: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub permalink: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub subreddit: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub link_flair_text: Option<Cow<'a, str>>,
    pub is_self: Option<bool>,
    pub created_utc: Seconds,
    pub score: Votes,
    /// A comment's hidden score.
    pub score_hidden: Option<bool>,
    /// A submission's.
    pub hide_score: Option<bool>,
    pub edited: Edited,
    pub is_submitter: Option<bool>,
    pub stickied: Option<bool>,
    #[serde(borrow, rename = "_meta")]
    pub meta: Option<Meta<'a>>,
    /// A thread JSON's replies; `""` in a dump.
    #[serde(borrow)]
    pub replies: Replies<'a>,
}

/// What Arctic Shift learnt on a second look (2023-11 on).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Meta<'a> {
    /// `deleted`, `removed` or `removed by reddit`.
    #[serde(borrow)]
    pub removal_type: Option<Cow<'a, str>>,
}

/// An API object in a Listing: its kind (`t1`, `t3`, `more`) and its data, kept as raw text
/// until it is read (so that its line can be found, and one odd comment costs only itself).
#[derive(Deserialize)]
pub struct Thing<'a> {
    #[serde(borrow)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub data: Option<&'a RawValue>,
}

/// A comment's replies: a Listing of things, or `""` (or `null`) when it has none.
#[derive(Default)]
pub struct Replies<'a>(pub Vec<Thing<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Replies<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Replies<'a>, D::Error> {
        deserializer.deserialize_any(RepliesVisitor(PhantomData))
    }
}

struct RepliesVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for RepliesVisitor<'a> {
    type Value = Replies<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Listing of replies, or \"\"")
    }

    fn visit_str<E>(self, _: &str) -> Result<Replies<'a>, E> {
        Ok(Replies::default())
    }

    fn visit_unit<E>(self) -> Result<Replies<'a>, E> {
        Ok(Replies::default())
    }

    fn visit_none<E>(self) -> Result<Replies<'a>, E> {
        Ok(Replies::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Replies<'a>, D::Error> {
        Replies::deserialize(deserializer)
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Replies<'a>, M::Error> {
        let mut children = Vec::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "data" {
                children = map.next_value::<Option<ListingData<'de>>>()?.and_then(|d| d.children).unwrap_or_default();
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Replies(children))
    }
}

/// A Listing's `data`: its children (and `after`, `before`, … which are chrome).
#[derive(Deserialize, Default)]
#[serde(default)]
struct ListingData<'a> {
    #[serde(borrow)]
    children: Option<Vec<Thing<'a>>>,
}

/// A number as a dump may write it: an integer, a float, a digit string; else nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Loose {
    Missing,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string that is no number, empty or not.
    Text(bool),
}

impl Loose {
    fn integer(self) -> Option<i64> {
        match self {
            Loose::Int(n) => Some(n),
            // Saturating, and NaN is 0: no float is out of range for `as`.
            Loose::Float(f) if f.is_finite() => Some(f as i64),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Loose, D::Error> {
        deserializer.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number, a digit string, a boolean or null")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Loose, E> {
        Ok(Loose::Int(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Loose, E> {
        Ok(Loose::Int(i64::try_from(n).unwrap_or(i64::MAX)))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Loose, E> {
        Ok(Loose::Float(f))
    }

    fn visit_str<E>(self, s: &str) -> Result<Loose, E> {
        let s = s.trim();
        Ok(match (s.parse::<i64>(), s.parse::<f64>()) {
            (Ok(n), _) => Loose::Int(n),
            (_, Ok(f)) => Loose::Float(f),
            _ => Loose::Text(!s.is_empty()),
        })
    }

    fn visit_unit<E>(self) -> Result<Loose, E> {
        Ok(Loose::Missing)
    }

    fn visit_none<E>(self) -> Result<Loose, E> {
        Ok(Loose::Missing)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Loose, D::Error> {
        Loose::deserialize(deserializer)
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Loose, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Missing)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Loose, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose::Missing)
    }
}

/// A Unix time in whole seconds (`created_utc`): an integer, a float or a digit string.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Seconds(pub Option<i64>);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Seconds, D::Error> {
        Ok(Seconds(Loose::deserialize(deserializer)?.integer()))
    }
}

/// A vote total (`score`, `count`): `null` when the dump does not have it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Votes(pub Option<i64>);

impl<'de> Deserialize<'de> for Votes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Votes, D::Error> {
        Ok(Votes(Loose::deserialize(deserializer)?.integer()))
    }
}

/// `edited`: `false`, or when the post was edited.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Edited(pub bool);

impl<'de> Deserialize<'de> for Edited {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Edited, D::Error> {
        Ok(Edited(match Loose::deserialize(deserializer)? {
            Loose::Bool(b) | Loose::Text(b) => b,
            Loose::Int(n) => n != 0,
            Loose::Float(f) => f != 0.0,
            Loose::Missing => false,
        }))
    }
}

/// Authors, each name stored once: a dump names the same few thousand people in millions
/// of comments.
#[derive(Default)]
pub struct Names {
    index: FxHashMap<Rc<str>, u32>,
    names: Vec<Rc<str>>,
}

impl Names {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let name: Rc<str> = name.into();
        let i = self.names.len() as u32;
        self.names.push(name.clone());
        self.index.insert(name, i);
        i
    }

    pub fn get(&self, i: u32) -> Option<&str> {
        self.names.get(i as usize).map(|n| &**n)
    }
}

/// A submission or comment as a post, before its thread is numbered.
pub struct Record {
    /// `t3_…` or `t1_…`.
    pub id: Option<Box<str>>,
    /// `parent_id`: `t3_…` for a top-level comment, `t1_…` for a reply.
    pub parent: Option<Box<str>>,
    pub author: Option<u32>,
    pub created: Option<i64>,
    pub score: Option<i64>,
    pub score_hidden: bool,
    pub body: Box<str>,
    pub flair: Option<Box<str>>,
    pub status: Option<&'static str>,
    pub edited: bool,
    /// `is_submitter`, where the thing says it.
    pub submitter: Option<bool>,
    pub stickied: bool,
    pub line: usize,
}

impl Record {
    /// `(created_utc, id)`, the order of a dump's comments; ids are base 36, so a shorter
    /// one is older. Undated comments go last.
    pub fn order(&self) -> (bool, i64, usize, &str) {
        let id = self.id.as_deref().unwrap_or_default();
        (self.created.is_none(), self.created.unwrap_or_default(), id.len(), id)
    }
}

/// What a submission says of its thread besides its post.
pub struct Submission {
    pub record: Record,
    pub title: Option<String>,
    pub subreddit: Option<Box<str>>,
    pub permalink: Option<Box<str>>,
    pub link_flair: Option<Box<str>>,
}

impl Submission {
    /// `r/SUB`, then the link flair: the labels Reddit gives the thread.
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self.subreddit.as_deref().map(subreddit_tag).into_iter().collect();
        tags.extend(self.link_flair.as_deref().map(str::to_owned));
        tags
    }

    /// The thread's address on Reddit.
    pub fn source(&self) -> Option<String> {
        let permalink = self.permalink.as_deref()?;
        if permalink.starts_with("https://") || permalink.starts_with("http://") {
            return Some(permalink.to_owned());
        }
        permalink.starts_with('/').then(|| format!("https://www.reddit.com{permalink}"))
    }
}

/// The subreddit as a thread's tag.
pub fn subreddit_tag(subreddit: &str) -> String {
    format!("r/{subreddit}")
}

/// A comment item as a record.
pub fn comment(item: &Item, line: usize, names: &mut Names) -> Record {
    let body = item.body.as_deref().unwrap_or_default();
    let mut status = status_of(body);
    if status == Some("removed") {
        // Arctic Shift's second look may say that its author deleted it.
        let refined = item.meta.as_ref().and_then(|m| m.removal_type.as_deref());
        if refined.is_some_and(|t| t.trim().eq_ignore_ascii_case("deleted")) {
            status = Some("deleted");
        }
    }
    let mut record = record(item, line, status, names);
    record.id = full_id(item, "t1_");
    record.parent = item.parent_id.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(Box::from);
    if status.is_none() {
        record.body = decode(body).into();
    }
    record
}

/// A submission item as a record, with its title and what else it says of the thread.
pub fn submission(item: &Item, line: usize, names: &mut Names) -> Submission {
    let selftext = item.selftext.as_deref().unwrap_or_default();
    let status = status_of(selftext);
    let mut record = record(item, line, status, names);
    record.id = full_id(item, "t3_");
    record.submitter = Some(record.author.is_some());
    let mut body = if status.is_none() { decode(selftext) } else { String::new() };
    if body.trim().is_empty() && is_link(item) {
        // A link post's link is no text that was removed: it stays under a status.
        body = item.url.as_deref().map(decode).unwrap_or_default();
    }
    record.body = body.into();
    let text = |field: &Option<Cow<str>>| field.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(decode);
    Submission {
        title: text(&item.title),
        subreddit: text(&item.subreddit).map(Into::into),
        permalink: text(&item.permalink).map(Into::into),
        link_flair: text(&item.link_flair_text).map(Into::into),
        record,
    }
}

/// What comments and submissions share.
fn record(item: &Item, line: usize, status: Option<&'static str>, names: &mut Names) -> Record {
    let author = item.author.as_deref().map(str::trim).filter(|a| !matches!(*a, "" | "[deleted]" | "[removed]"));
    let hidden = item.score_hidden == Some(true) || item.hide_score == Some(true);
    Record {
        id: None,
        parent: None,
        author: author.filter(|_| status.is_none()).map(|a| names.intern(a)),
        created: item.created_utc.0,
        score: item.score.0.filter(|_| !hidden),
        score_hidden: hidden,
        body: Box::default(),
        flair: item.author_flair_text.as_deref().map(str::trim).filter(|f| !f.is_empty()).map(|f| decode(f).into()),
        status,
        edited: item.edited.0,
        submitter: item.is_submitter,
        stickied: item.stickied == Some(true),
        line,
    }
}

/// `name`, else `id` with the kind's prefix.
fn full_id(item: &Item, prefix: &str) -> Option<Box<str>> {
    if let Some(name) = item.name.as_deref().map(str::trim).filter(|n| n.starts_with(prefix) && n.len() > prefix.len())
    {
        return Some(name.into());
    }
    let id = item.id.as_deref().map(str::trim).filter(|id| !id.is_empty())?;
    Some(if id.starts_with(prefix) { id.into() } else { format!("{prefix}{id}").into() })
}

/// Whether a submission links elsewhere (its `url` is then its body): `is_self` says,
/// or, where a dump leaves it out, a `url` that is not the thread's own address.
fn is_link(item: &Item) -> bool {
    let Some(url) = item.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else { return false };
    match item.is_self {
        Some(is_self) => !is_self,
        None => {
            let id = item.id.as_deref().unwrap_or_default().trim().trim_start_matches("t3_");
            id.is_empty() || !url.contains(&format!("/comments/{id}"))
        }
    }
}

/// The status a stock notice in place of the text gives.
pub fn status_of(text: &str) -> Option<&'static str> {
    match text.trim() {
        "[deleted]" => Some("deleted"),
        "[removed]" => Some("removed"),
        _ => None,
    }
}

/// The text with `&amp;`, `&lt;` and `&gt;` decoded, once: `&amp;lt;` is `&lt;`.
pub fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (decoded, len) = if rest.starts_with("&amp;") {
            ('&', 5)
        } else if rest.starts_with("&lt;") {
            ('<', 4)
        } else if rest.starts_with("&gt;") {
            ('>', 4)
        } else {
            ('&', 1)
        };
        out.push(decoded);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// The post a record makes. `op` is the submission's author, who a comment that does not
/// say `is_submitter` is by when it has the same name.
pub fn post(record: Record, number: u32, reply_to: Option<u32>, names: &Names, op: Option<u32>) -> Post {
    let mut post = Post {
        number,
        author: record.author.and_then(|a| names.get(a)).map(str::to_owned),
        date: record.created.and_then(|s| Timestamp::from_second(s).ok()),
        reply_to: reply_to.filter(|&n| n != number),
        body: record.body.into(),
        line: record.line,
        ..Post::default()
    };
    let extra = &mut post.extra;
    extra.id = record.id.map(Into::into);
    extra.links = record.parent.map(Into::into).into_iter().collect();
    extra.score = record.score;
    extra.score_hidden = record.score_hidden;
    extra.edited = record.edited;
    extra.submitter = record.submitter.unwrap_or(record.author.is_some() && record.author == op);
    extra.pinned = record.stickied;
    extra.flair = record.flair.map(Into::into);
    extra.status = record.status.map(str::to_owned);
    post
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_decoded_once() {
        let cases: &[(&str, &str)] = &[
            ("fish &amp; chips", "fish & chips"),
            ("&gt; quoted\n&lt;b&gt;", "> quoted\n<b>"),
            ("&amp;lt; stays an entity", "&lt; stays an entity"),
            ("&amp;#x200B;", "&#x200B;"),
            ("&quot; &nbsp; & &am", "&quot; &nbsp; & &am"),
            ("no entities", "no entities"),
            ("é&amp;ü", "é&ü"),
        ];
        for (text, want) in cases {
            assert_eq!(decode(text), *want, "{text}");
        }
    }

    #[test]
    fn loose_fields() {
        #[derive(Deserialize)]
        struct Fields {
            created_utc: Seconds,
            score: Votes,
            edited: Edited,
        }
        let cases: &[(&str, Option<i64>, Option<i64>, bool)] = &[
            (r#"1709715600, "score": 5, "edited": false"#, Some(1709715600), Some(5), false),
            (r#"1709715600.7, "score": -3, "edited": 1709716000.0"#, Some(1709715600), Some(-3), true),
            (r#""1291151173", "score": null, "edited": true"#, Some(1291151173), None, true),
            (r#"null, "score": "12", "edited": 0"#, None, Some(12), false),
            (r#""soon", "score": {"a": [1]}, "edited": """#, None, None, false),
            (r#"1e300, "score": 18446744073709551615, "edited": "1709716000""#, Some(i64::MAX), Some(i64::MAX), true),
        ];
        for (json, created, score, edited) in cases {
            let json = format!(r#"{{"created_utc": {json}}}"#);
            let f: Fields = serde_json::from_str(&json).unwrap();
            assert_eq!((f.created_utc.0, f.score.0, f.edited.0), (*created, *score, *edited), "{json}");
        }
    }
}
