//! Reddit thread JSON: what a thread's address gives with `.json` appended (FORMATS.md §16).
//!
//! ```text
//! [ {"kind": "Listing", "data": {"children": [                 <- [0]: the submission
//!     {"kind": "t3", "data": {"id": "1b7q2xk", "name": "t3_1b7q2xk",
//!        "title": "Tubeless or tubes?", "author": "gravel_gwen",
//!        "selftext": "…run tubes &amp; carry two spares?",     <- Markdown, `&amp;` `&lt;` `&gt;`
//!        "url": "…", "is_self": true, "link_flair_text": "Gear", <- url: a link post's body
//!        "subreddit": "bicycletouring", "created_utc": 1709715600.0, "score": 87, …}}]}},
//!   {"kind": "Listing", "data": {"children": [                 <- [1]: the top-level comments
//!     {"kind": "t1", "data": {"id": "kyiu3a1", "parent_id": "t3_1b7q2xk",
//!        "author": "spokes_and_sprockets", "body": "Tubeless, without question…",
//!        "score": 41, "score_hidden": false, "edited": false, "is_submitter": false,
//!        "replies": {"kind": "Listing", "data": {"children": [   <- the same shape, or ""
//!          {"kind": "t1", "data": {"parent_id": "t1_kyiu3a1", …}}]}}, …}},
//!     {"kind": "more", "data": {"count": 2, "parent_id": "t3_1b7q2xk",
//!        "children": ["kyk0d2n", "kyk3q9w"]}}]}} ]              <- "load more comments"
//! ```
//!
//! One file is one thread. Post 1 is the submission: its `selftext`, or for a link post
//! its `url`; the title is the thread's, the subreddit (`r/bicycletouring`) and the link
//! flair its tags, and its permalink the source. The comments follow in the file's
//! pre-order (a comment, then its replies), which is the page's order for the sort it was
//! fetched with, numbered 2..N; a reply answers the comment its `parent_id` names, a
//! comment whose parent is the submission (or not in the file) answers none. Every post
//! keeps its id (`t3_…`, `t1_…`) and parent, so that the same thread read from a bulk dump
//! too is one thread ([`Pool::Reddit`]).
//!
//! A `more` stub is no post. "Load more comments" counts the comments Reddit left out
//! (`count`, or the ids it lists if they are more), and "continue this thread" (`count` 0,
//! no `children`) says only that the branch goes on: either adds to its parent's
//! `more_replies`, the latter as one, the least it stands for, so that the page can say
//! replies are missing without inventing how many.
//!
//! Each thing's `data` is read on its own from its raw text, which also gives its line: an
//! unreadable comment is left out with its replies, not the thread, and a file cut short
//! keeps the submission and the whole comment trees before the cut. Replies are walked
//! with a stack of their own, so depth costs no recursion. Each level reads its subtree's
//! text once more, so replies deeper than `MAX_DEPTH` are left out, with a warning:
//! Reddit's pages stop at about ten levels with "continue this thread".

use std::fmt;

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::chat_json::{self, Items, Lines};
use super::parsed::{Parsed, ParsedThread, Score};
use super::reddit_thing::{self, Item, Names, Thing, Votes};
use crate::diagnostic::Problem;
use crate::model::{ParseOptions, Pool, Post};

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

/// How deep replies are read.
const MAX_DEPTH: usize = 64;

pub fn score(text: &str) -> Score {
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r']);
    let Some(first) = text.strip_prefix('[') else { return Score::none("not a JSON array") };
    if !first.trim_start().starts_with('{') {
        return Score::none("not an array of objects");
    }
    let head = chat_json::head(text);
    let mut kinds = Vec::new();
    let mut at = 0;
    while let Some(value) = chat_json::find_key(head, "kind", at) {
        let rest = head[value..].trim_start();
        kinds.push(rest.split('"').nth(1).unwrap_or_default());
        at = value;
        if kinds.len() >= 8 {
            break;
        }
    }
    let opens = matches!(kinds.first(), Some(&("Listing" | "t3")));
    if opens && kinds.contains(&"Listing") && kinds.contains(&"t3") {
        Score {
            value: MAX_SCORE,
            reason: "an array of Listings, the first holding a `t3` (a Reddit thread's JSON)".into(),
        }
    } else {
        Score::none("no Listing holding a `t3` submission")
    }
}

pub fn parse(text: &str, _options: &ParseOptions) -> Result<Parsed, Problem> {
    let mut listings: Vec<Vec<Thing>> = Vec::new();
    let result = chat_json::read(text, Listings(&mut listings));
    let mut listings = listings.into_iter();
    let submissions = listings.next().unwrap_or_default();
    let comments = listings.next().unwrap_or_default();
    let Some(op) = submissions.iter().find(|t| t.kind.as_deref() == Some("t3")).and_then(|t| t.data) else {
        return Err(match result {
            Err(e) => unreadable_file(&e),
            Ok(()) => Problem {
                line: 1,
                message: "JSON, not a known export: no Listing holding a submission (`t3`)".into(),
                hint: Some("save what a Reddit thread's address gives with `.json` appended".into()),
            },
        });
    };
    let mut thread = Thread::new(text);
    let parsed_thread = thread.read_submission(op)?;
    let mut parsed = Parsed::default();
    if let Err(e) = &result {
        parsed.warnings.push(cut_short(e));
    }
    thread.read_comments(comments);
    parsed.warnings.extend(thread.problems());
    parsed.threads.push(ParsedThread { posts: thread.posts, ..parsed_thread });
    Ok(parsed)
}

/// The posts of one thread as its comments are walked.
struct Thread<'t> {
    posts: Vec<Post>,
    /// Post numbers by id (`t3_…`, `t1_…`).
    numbers: FxHashMap<Box<str>, u32>,
    names: Names,
    op: Option<u32>,
    lines: Lines<'t>,
    /// Comments that could not be read: how many, the first's line and why.
    unreadable: Option<(usize, usize, String)>,
    /// Comments nested deeper than [`MAX_DEPTH`]: how many, and the first's line.
    too_deep: Option<(usize, usize)>,
}

/// The comments of one Listing still to walk, and the number of the post they answer.
struct Level<'a> {
    things: std::vec::IntoIter<Thing<'a>>,
    parent: u32,
}

impl<'t> Thread<'t> {
    fn new(text: &'t str) -> Thread<'t> {
        Thread {
            posts: Vec::new(),
            numbers: FxHashMap::default(),
            names: Names::default(),
            op: None,
            lines: Lines::new(text),
            unreadable: None,
            too_deep: None,
        }
    }

    /// Reads the submission into post 1, and what it says of the thread.
    fn read_submission(&mut self, data: &RawValue) -> Result<ParsedThread, Problem> {
        let line = self.lines.of(data);
        let item = serde_json::from_str::<Item>(data.get()).map_err(|e| Problem {
            line,
            message: format!("the submission cannot be read: {e}"),
            hint: Some("check that the file is a Reddit thread's JSON as it was saved, and whole".into()),
        })?;
        let submission = reddit_thing::submission(&item, line, &mut self.names);
        self.op = submission.record.author;
        if let Some(id) = submission.record.id.as_deref() {
            self.numbers.insert(id.into(), 1);
        }
        let thread = ParsedThread {
            title: submission.title.clone(),
            tags: submission.tags(),
            source: submission.source(),
            pool: submission.record.id.as_deref().map(|id| Pool::Reddit(id.to_owned())),
            ..ParsedThread::default()
        };
        self.posts.push(reddit_thing::post(submission.record, 1, None, &self.names, None));
        Ok(thread)
    }

    /// Numbers the comments in pre-order, from the top-level ones down.
    fn read_comments(&mut self, top: Vec<Thing<'t>>) {
        let mut stack = vec![Level { things: top.into_iter(), parent: 1 }];
        while let Some(level) = stack.last_mut() {
            let parent = level.parent;
            let Some(thing) = level.things.next() else {
                stack.pop();
                continue;
            };
            let Some(data) = thing.data else { continue };
            match thing.kind.as_deref() {
                Some("t1") => {
                    let Some((number, replies)) = self.read_comment(data, parent) else { continue };
                    if replies.is_empty() {
                        continue;
                    }
                    if stack.len() < MAX_DEPTH {
                        stack.push(Level { things: replies.into_iter(), parent: number });
                    } else {
                        let line = self.lines.of(data);
                        let (count, _) = self.too_deep.get_or_insert((0, line));
                        *count += replies.len();
                    }
                }
                Some("more") => self.read_more(data, parent),
                _ => {}
            }
        }
    }

    /// Reads a comment into the next post: its number and its replies.
    fn read_comment(&mut self, data: &'t RawValue, parent: u32) -> Option<(u32, Vec<Thing<'t>>)> {
        let line = self.lines.of(data);
        let item = match serde_json::from_str::<Item>(data.get()) {
            Ok(item) => item,
            Err(e) => {
                let (count, _, _) = self.unreadable.get_or_insert((0, line, e.to_string()));
                *count += 1;
                return None;
            }
        };
        let number = self.posts.len() as u32 + 1;
        let mut record = reddit_thing::comment(&item, line, &mut self.names);
        if record.parent.is_none() {
            record.parent = self.post(parent).and_then(|p| p.extra.id.as_deref()).map(Box::from);
        }
        let reply_to = record.parent.as_deref().filter(|p| p.starts_with("t1_")).and_then(|p| self.numbers.get(p));
        let reply_to = reply_to.copied();
        if let Some(id) = record.id.as_deref() {
            self.numbers.entry(id.into()).or_insert(number);
        }
        self.posts.push(reddit_thing::post(record, number, reply_to, &self.names, self.op));
        Some((number, item.replies.0))
    }

    /// Counts a `more` stub into the replies its parent has beyond the file.
    fn read_more(&mut self, data: &RawValue, parent: u32) {
        let Ok(more) = serde_json::from_str::<More>(data.get()) else { return };
        let listed = more.children.map_or(0, |c| c.len());
        let count = more.count.0.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32;
        let count = count.max(listed as u32).max(1);
        let named = more.parent_id.as_deref().and_then(|p| self.numbers.get(p)).copied();
        if let Some(post) = self.post_mut(named.unwrap_or(parent)) {
            post.extra.more_replies = post.extra.more_replies.saturating_add(count);
        }
    }

    fn post(&self, number: u32) -> Option<&Post> {
        self.posts.get((number as usize).checked_sub(1)?)
    }

    fn post_mut(&mut self, number: u32) -> Option<&mut Post> {
        self.posts.get_mut((number as usize).checked_sub(1)?)
    }

    /// What was left out, said once each.
    fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if let Some((count, line, error)) = &self.unreadable {
            problems.push(Problem {
                line: *line,
                message: format!(
                    "{count} comment{} cannot be read and {} left out with {} replies (the first: {error})",
                    plural(*count),
                    if *count == 1 { "is" } else { "are" },
                    if *count == 1 { "its" } else { "their" }
                ),
                hint: Some("check that the file is a Reddit thread's JSON as it was saved".into()),
            });
        }
        if let Some((count, line)) = self.too_deep {
            problems.push(Problem {
                line,
                message: format!(
                    "{count} repl{} nested deeper than {MAX_DEPTH} levels {} left out",
                    if count == 1 { "y" } else { "ies" },
                    if count == 1 { "is" } else { "are" }
                ),
                hint: Some(
                    "save the deep branch's own address (its permalink) with `.json` as a file of its own".into(),
                ),
            });
        }
        problems
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A `more` stub: "load more comments" or "continue this thread".
#[derive(Deserialize, Default)]
#[serde(default)]
struct More<'a> {
    count: Votes,
    children: Option<Vec<IgnoredAny>>,
    #[serde(borrow)]
    parent_id: Option<std::borrow::Cow<'a, str>>,
}

/// The problem of a file that gave no submission.
fn unreadable_file(error: &serde_json::Error) -> Problem {
    Problem {
        line: error.line().max(1),
        message: format!("not a Reddit thread's JSON that can be read: {error}"),
        hint: Some("check that the file is what the thread's address gave with `.json` appended, and whole".into()),
    }
}

/// The warning of a file that breaks off after the submission.
fn cut_short(error: &serde_json::Error) -> Problem {
    Problem {
        line: error.line().max(1),
        message: format!("the JSON breaks off here ({error}): the comments before it are read, the rest is left out"),
        hint: Some("the file may be cut short: save the thread's JSON again".into()),
    }
}

/// The file's array of Listings, read Listing by Listing (and each Listing's children one
/// by one) so that what came before a break is kept.
struct Listings<'v, 'a>(&'v mut Vec<Vec<Thing<'a>>>);

impl<'de> DeserializeSeed<'de> for Listings<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Listings<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of Listings")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        loop {
            self.0.push(Vec::new());
            let Some(children) = self.0.last_mut() else { return Ok(()) };
            if seq.next_element_seed(Listing(children))?.is_none() {
                self.0.pop();
                return Ok(());
            }
        }
    }
}

/// One Listing, `{"kind": "Listing", "data": {"children": [...]}}`, into its children.
struct Listing<'v, 'a>(&'v mut Vec<Thing<'a>>);

impl<'de> DeserializeSeed<'de> for Listing<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Listing<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Listing")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
            match key.as_ref() {
                // `children` is in `data`; the same visitor reads both levels.
                "data" => map.next_value_seed(Listing(&mut *self.0))?,
                "children" => map.next_value_seed(Items(&mut *self.0))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../tests/fixtures/formats/reddit-thread.json");

    /// `base` with the members of `fields` (`"key": value, …`) set over it, as one line.
    fn with(base: &str, fields: &str) -> serde_json::Map<String, serde_json::Value> {
        let mut object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(base).unwrap();
        let fields = fields.trim().trim_start_matches(',');
        object.extend(
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&format!("{{{fields}}}")).unwrap(),
        );
        object
    }

    /// A thread whose submission has `submission`'s fields and whose top-level Listing
    /// holds `comments`, from the second line.
    fn thread_json(submission: &str, comments: &str) -> String {
        let base = r#"{"id": "abc", "name": "t3_abc", "title": "Crust &amp; crumb", "author": "op",
            "subreddit": "Sourdough", "created_utc": 1710000000.0, "selftext": "Why?", "score": 5,
            "permalink": "/r/Sourdough/comments/abc/crust/"}"#;
        let data = serde_json::to_string(&with(base, submission)).unwrap();
        format!(
            "[{{\"kind\": \"Listing\", \"data\": {{\"children\": [{{\"kind\": \"t3\", \"data\": {data}}}]}}}},\n\
             {{\"kind\": \"Listing\", \"data\": {{\"children\": [{comments}]}}}}]"
        )
    }

    /// A comment (on one line) with `fields` over its own, and `replies`; no `parent_id`
    /// when `parent` is empty.
    fn comment(id: &str, parent: &str, fields: &str, replies: &str) -> String {
        let base = format!(
            r#"{{"id": "{id}", "name": "t1_{id}", "parent_id": "{parent}", "author": "a_{id}", "body": "text {id}",
                "created_utc": 1710000060.0, "score": 1, "replies": ""}}"#
        );
        let mut data = with(&base, fields);
        if parent.is_empty() {
            data.remove("parent_id");
        }
        let data = serde_json::to_string(&data).unwrap();
        let data = if replies.is_empty() {
            data
        } else {
            let listing = format!(r#""replies": {{"kind": "Listing", "data": {{"children": [{replies}]}}}}"#);
            data.replace(r#""replies":"""#, &listing)
        };
        format!(r#"{{"kind": "t1", "data": {data}}}"#)
    }

    fn posts(comments: &str) -> Vec<Post> {
        parse(&thread_json("", comments), &ParseOptions::default()).unwrap().only().posts
    }

    fn one(fields: &str) -> Post {
        posts(&comment("c1", "t3_abc", fields, "")).remove(1)
    }

    type Row<'a> = (u32, Option<&'a str>, Option<u32>, Option<i64>, Option<&'a str>, Option<&'a str>, &'a str);

    #[test]
    fn example() {
        let thread = parse(EXAMPLE, &ParseOptions::default()).unwrap().only();
        assert_eq!(thread.title.as_deref(), Some("Tubeless or tubes for a three-week gravel tour?"));
        assert_eq!(thread.tags, ["r/bicycletouring", "Gear"]);
        assert_eq!(
            thread.source.as_deref(),
            Some(
                "https://www.reddit.com/r/bicycletouring/comments/1b7q2xk/tubeless_or_tubes_for_a_three_week_gravel_tour/"
            )
        );
        assert_eq!(thread.pool, Some(Pool::Reddit("t3_1b7q2xk".into())));
        let got: Vec<Row> = thread
            .posts
            .iter()
            .map(|p| {
                let e = &p.extra;
                (p.number, p.author.as_deref(), p.reply_to, e.score, e.id.as_deref(), e.status.as_deref(), &*p.body)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    1,
                    Some("gravel_gwen"),
                    None,
                    Some(87),
                    Some("t3_1b7q2xk"),
                    None,
                    "Heading out on the Hebridean Way plus some forest tracks in May, about 1,100 km with 15 kg of \
                     gear.\n\nMy tyres are tubeless-ready 45 mm. Is tubeless worth the hassle on tour, or do I just \
                     run tubes & carry two spares?"
                ),
                (
                    2,
                    Some("spokes_and_sprockets"),
                    None,
                    Some(41),
                    Some("t1_kyiu3a1"),
                    None,
                    "Tubeless, without question. Sealant fixed three thorn punctures for me on the Trans Cambrian \
                     and I never had to stop.\n\nCarry a plug kit & one spare tube for the day the sealant can't cope."
                ),
                (
                    3,
                    Some("gravel_gwen"),
                    Some(2),
                    Some(12),
                    Some("t1_kyiv0b7"),
                    None,
                    "How often did you top up the sealant? I've read it dries out in about two months."
                ),
                (
                    4,
                    Some("spokes_and_sprockets"),
                    Some(3),
                    Some(9),
                    Some("t1_kyj1f3c"),
                    None,
                    "Every four weeks in summer. Take a 60 ml bottle, it weighs nothing."
                ),
                (5, None, None, Some(2), Some("t1_kyj2m8q"), Some("deleted"), ""),
            ]
        );
        let p = &thread.posts;
        let links: Vec<&[String]> = p.iter().map(|p| p.extra.links.as_slice()).collect();
        assert_eq!(
            links,
            [
                &[][..],
                &["t3_1b7q2xk".to_owned()],
                &["t1_kyiu3a1".to_owned()],
                &["t1_kyiv0b7".to_owned()],
                &["t3_1b7q2xk".to_owned()]
            ]
        );
        let dates: Vec<String> = p.iter().map(|p| p.date.unwrap().to_string()).collect();
        assert_eq!(
            dates,
            [
                "2024-03-06T09:00:00Z",
                "2024-03-06T11:02:47Z",
                "2024-03-06T11:58:30Z",
                "2024-03-06T12:41:09Z",
                "2024-03-06T13:20:15Z"
            ]
        );
        let submitters: Vec<bool> = p.iter().map(|p| p.extra.submitter).collect();
        assert_eq!(submitters, [true, false, true, false, false]);
        let more: Vec<u32> = p.iter().map(|p| p.extra.more_replies).collect();
        assert_eq!(more, [2, 0, 0, 0, 0]);
        assert!(p.iter().all(|p| p.line == 1 && p.likes == 0 && !p.extra.edited && p.extra.flair.is_none()));
    }

    #[test]
    fn deleted_removed_and_deleted_authors() {
        let cases: &[(&str, Option<&str>, &str, Option<&str>)] = &[
            (r#", "author": "[deleted]", "body": "[deleted]""#, None, "", Some("deleted")),
            (r#", "author": "[deleted]", "body": "[removed]""#, None, "", Some("removed")),
            (r#", "author": "kept_name", "body": " [removed] ""#, None, "", Some("removed")),
            (r#", "author": "[deleted]", "body": "Still here.""#, None, "Still here.", None),
            (r#", "author": null, "body": "No author.""#, None, "No author.", None),
            (r#", "body": "The [deleted] notice inside text""#, Some("a_c1"), "The [deleted] notice inside text", None),
        ];
        for (fields, author, body, status) in cases {
            let post = one(fields);
            assert_eq!(
                (post.author.as_deref(), &*post.body, post.extra.status.as_deref()),
                (*author, *body, *status),
                "{fields}"
            );
        }
    }

    #[test]
    fn comment_fields() {
        let post = one(r#", "body": "&amp;gt; not a quote &lt;3\n&gt; a quote", "score": -6, "edited": 1710000999.5,
            "is_submitter": true, "stickied": true, "author_flair_text": "Pro &amp; baker", "likes": true"#);
        assert_eq!(post.body, "&gt; not a quote <3\n> a quote");
        assert_eq!((post.extra.score, post.likes), (Some(-6), 0));
        assert!(post.extra.edited && post.extra.submitter && post.extra.pinned && !post.extra.score_hidden);
        assert_eq!(post.extra.flair.as_deref(), Some("Pro & baker"));
        let hidden = one(r#", "score": 1, "score_hidden": true, "edited": false, "author_flair_text": """#);
        assert_eq!((hidden.extra.score, hidden.extra.score_hidden, hidden.extra.flair.as_deref()), (None, true, None));
        assert!(!hidden.extra.edited && !hidden.extra.submitter);
        // Without `is_submitter`, the submission's author is the submitter.
        assert!(one(r#", "author": "op""#).extra.submitter);
        assert_eq!(one(r#", "created_utc": "1710000061""#).date.unwrap().to_string(), "2024-03-09T16:01:01Z");
        assert_eq!(one(r#", "created_utc": null, "score": null"#).date, None);
    }

    #[test]
    fn replies_are_numbered_in_pre_order() {
        let tree = [
            comment(
                "a",
                "t3_abc",
                "",
                &[comment("b", "t1_a", "", &comment("c", "t1_b", "", "")), comment("d", "t1_a", "", "")].join(","),
            ),
            comment("e", "t3_abc", "", ""),
            // A parent not in the file (the thread was saved from a comment's permalink).
            comment("f", "t1_gone", "", ""),
            // No `parent_id`: the Listing it is in says.
            comment("g", "t3_abc", "", &comment("h", "", "", "")),
        ];
        let posts = posts(&tree.join(","));
        // (number, id, reply_to, links)
        type Placed<'a> = (u32, Option<&'a str>, Option<u32>, Vec<String>);
        let got: Vec<Placed> =
            posts.iter().map(|p| (p.number, p.extra.id.as_deref(), p.reply_to, p.extra.links.clone())).collect();
        let link = |id: &str| vec![id.to_owned()];
        let want = [
            (1, Some("t3_abc"), None, vec![]),
            (2, Some("t1_a"), None, link("t3_abc")),
            (3, Some("t1_b"), Some(2), link("t1_a")),
            (4, Some("t1_c"), Some(3), link("t1_b")),
            (5, Some("t1_d"), Some(2), link("t1_a")),
            (6, Some("t1_e"), None, link("t3_abc")),
            (7, Some("t1_f"), None, link("t1_gone")),
            (8, Some("t1_g"), None, link("t3_abc")),
            (9, Some("t1_h"), Some(8), link("t1_g")),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn more_stubs_count_into_their_parent() {
        let more = |parent: &str, count: i64, children: &str| {
            format!(
                r#"{{"kind": "more", "data": {{"count": {count}, "name": "t1_x", "id": "x", "parent_id": "{parent}", "depth": 1, "children": [{children}]}}}}"#
            )
        };
        let tree = [
            comment("a", "t3_abc", "", &[comment("b", "t1_a", "", ""), more("t1_a", 4, r#""q", "r""#)].join(",")),
            comment("c", "t3_abc", "", &more("t1_c", 0, "")),
            comment("d", "t3_abc", "", &more("t1_d", 1, r#""s", "t", "u""#)),
            more("t3_abc", 7, r#""v""#),
            more("t3_abc", 2, ""),
        ];
        let got: Vec<(u32, u32)> = posts(&tree.join(",")).iter().map(|p| (p.number, p.extra.more_replies)).collect();
        // "Continue this thread" (count 0, no children) is one reply at least; a count
        // below the children listed is the children.
        assert_eq!(got, [(1, 9), (2, 4), (3, 0), (4, 1), (5, 3)]);
    }

    #[test]
    fn submissions() {
        let cases: &[(&str, &str, Option<&str>, Option<&str>)] = &[
            (
                r#", "selftext": "", "is_self": false, "url": "https://example.com/a?b=1&amp;c=2""#,
                "https://example.com/a?b=1&c=2",
                None,
                Some("op"),
            ),
            (
                r#", "selftext": "", "is_self": true, "url": "https://www.reddit.com/r/Sourdough/comments/abc/crust/""#,
                "",
                None,
                Some("op"),
            ),
            (r#", "selftext": "", "url": "https://i.redd.it/x.jpg""#, "https://i.redd.it/x.jpg", None, Some("op")),
            (
                r#", "selftext": "", "url": "https://www.reddit.com/r/Sourdough/comments/abc/crust/""#,
                "",
                None,
                Some("op"),
            ),
            (r#", "selftext": "[removed]""#, "", Some("removed"), None),
            (r#", "selftext": "[deleted]", "author": "[deleted]""#, "", Some("deleted"), None),
            (
                r#", "selftext": "[removed]", "is_self": false, "url": "https://example.com/""#,
                "https://example.com/",
                Some("removed"),
                None,
            ),
        ];
        for (fields, body, status, author) in cases {
            let thread = parse(&thread_json(fields, ""), &ParseOptions::default()).unwrap().only();
            let op = &thread.posts[0];
            assert_eq!(
                (&*op.body, op.extra.status.as_deref(), op.author.as_deref()),
                (*body, *status, *author),
                "{fields}"
            );
            assert_eq!(thread.title.as_deref(), Some("Crust & crumb"), "the title stays");
        }
        let thread = parse(
            &thread_json(r#", "link_flair_text": "Help", "author_flair_text": "Newbie", "edited": 1710000500, "hide_score": true"#, ""),
            &ParseOptions::default(),
        )
        .unwrap()
        .only();
        let op = &thread.posts[0];
        assert_eq!(
            (thread.tags.as_slice(), op.extra.flair.as_deref()),
            (&["r/Sourdough".to_owned(), "Help".to_owned()][..], Some("Newbie"))
        );
        assert!(op.extra.edited && op.extra.submitter && op.extra.score.is_none() && op.extra.score_hidden);
        assert_eq!(thread.source.as_deref(), Some("https://www.reddit.com/r/Sourdough/comments/abc/crust/"));
    }

    #[test]
    fn lines_of_a_pretty_printed_thread() {
        let value: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let posts = parse(&pretty, &ParseOptions::default()).unwrap().only().posts;
        for post in &posts {
            let id = post.extra.id.as_deref().unwrap();
            let line = pretty.lines().position(|l| l.contains(&format!("\"name\": \"{id}\""))).unwrap() + 1;
            let opening = pretty.lines().take(line).collect::<Vec<_>>();
            // The `data` object that holds the name opens above it.
            let data = opening.iter().rposition(|l| l.trim() == "\"data\": {").unwrap() + 1;
            assert_eq!(post.line, data, "{id}");
        }
        assert_eq!(posts.len(), 5);
    }

    #[test]
    fn what_is_left_out_is_said() {
        let tree = [
            comment("a", "t3_abc", "", ""),
            comment("b", "t3_abc", r#", "body": 5"#, &comment("c", "t1_b", "", "")),
            comment("d", "t3_abc", r#", "score_hidden": "yes""#, ""),
            r#"{"kind": "t5", "data": {}}, {"kind": "t1"}, {"kind": "t1", "data": null}"#.to_owned(),
            comment("e", "t3_abc", "", ""),
        ];
        let parsed = parse(&thread_json("", &tree.join(",\n")), &ParseOptions::default()).unwrap();
        let ids: Vec<&str> = parsed.threads[0].posts.iter().filter_map(|p| p.extra.id.as_deref()).collect();
        assert_eq!(ids, ["t3_abc", "t1_a", "t1_e"]);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, 3);
        assert!(
            parsed.warnings[0].message.starts_with("2 comments cannot be read and are left out with their replies"),
            "{:?}",
            parsed.warnings
        );

        // A file cut short keeps the whole comments before the cut.
        let whole = thread_json("", &[comment("a", "t3_abc", "", ""), comment("b", "t3_abc", "", "")].join(",\n"));
        let cut = &whole[..whole.find("text b").unwrap()];
        let parsed = parse(cut, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.threads[0].posts.len(), 2);
        assert!(parsed.warnings[0].message.starts_with("the JSON breaks off here"), "{:?}", parsed.warnings);
        let cut = &whole[..whole.find("\"title\"").unwrap()];
        assert!(parse(cut, &ParseOptions::default()).unwrap_err().message.starts_with("not a Reddit thread's JSON"));

        for text in ["[]", "{}", "[1, 2]", "[{\"kind\": \"Listing\", \"data\": {\"children\": []}}]", "null", ""] {
            assert!(parse(text, &ParseOptions::default()).is_err(), "{text}");
        }
        // A submission alone (its comments' Listing left out) is a thread of one post.
        let alone =
            r#"[{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "abc", "title": "T"}}]}}]"#;
        let thread = parse(alone, &ParseOptions::default()).unwrap().only();
        assert_eq!((thread.posts.len(), thread.pool), (1, Some(Pool::Reddit("t3_abc".into()))));
        assert!(thread.tags.is_empty() && thread.source.is_none());
    }

    #[test]
    fn replies_deeper_than_the_limit_are_left_out() {
        let mut tree = comment("x", "t1_w", "", "");
        for depth in (0..MAX_DEPTH + 2).rev() {
            let parent = if depth == 0 { "t3_abc".to_owned() } else { format!("t1_{}", depth - 1) };
            tree = comment(&depth.to_string(), &parent, "", &tree);
        }
        let parsed = parse(&thread_json("", &tree), &ParseOptions::default()).unwrap();
        assert_eq!(parsed.threads[0].posts.len(), 1 + MAX_DEPTH);
        assert_eq!(parsed.threads[0].posts[MAX_DEPTH].reply_to, Some(MAX_DEPTH as u32));
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].message, "1 reply nested deeper than 64 levels is left out");
    }

    #[test]
    fn scores() {
        assert_eq!(score(EXAMPLE).value, MAX_SCORE);
        assert_eq!(score(&format!("\u{feff}\n  {EXAMPLE}")).value, MAX_SCORE);
        assert_eq!(score(&EXAMPLE[..300]).value, MAX_SCORE, "a file cut short");
        let data_first = r#"[{"data": {"children": [{"data": {}, "kind": "t3"}]}, "kind": "Listing"}]"#;
        assert_eq!(score(data_first).value, MAX_SCORE);
        let others = [
            include_str!("../../tests/fixtures/formats/telegram-result.json"),
            include_str!("../../tests/fixtures/formats/discord-export.json"),
            include_str!("../../tests/fixtures/formats/reddit-RS-submissions.ndjson"),
            include_str!("../../tests/fixtures/formats/reddit-RC-comments.ndjson"),
            r#"{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {}}]}}"#,
            r#"[{"kind": "t1", "data": {"body": "\"kind\": \"Listing\" \"kind\": \"t3\""}}]"#,
            r#"[{"kind": "Listing", "data": {"children": [{"kind": "t1", "data": {}}]}}]"#,
            r#"["kind", {"kind": "Listing"}, {"kind": "t3"}]"#,
            "[1, 2, 3]",
            "A title\n\nFirst post.\n",
            "",
        ];
        for text in others {
            assert_eq!(score(text).value, 0, "{text}");
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for folder in ["threads", "src/init"] {
            for entry in
                walkdir::WalkDir::new(root.join(folder)).into_iter().flatten().filter(|e| e.file_type().is_file())
            {
                let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
                let expected = if entry.path().ends_with("sourdough/reddit-thread.json") { MAX_SCORE } else { 0 };
                assert_eq!(score(&text).value, expected, "{}", entry.path().display());
            }
        }
    }

    #[test]
    fn never_panics_on_mangled_threads() {
        let nasty = [
            "{",
            "}",
            "[",
            "]",
            "\"",
            ",",
            ":",
            "\\",
            "null",
            "\"\"",
            "😀",
            "\"kind\": \"more\"",
            "\"kind\": \"t1\"",
            "\"count\": -1",
            "1e999",
            "\"replies\": {\"data\": {\"children\": [{\"kind\": \"t1\", \"data\": {}}]}}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below.max(1) as u64) as usize
        };
        for cut in (0..=EXAMPLE.len()).step_by(13).filter(|&i| EXAMPLE.is_char_boundary(i)) {
            let _ = parse(&EXAMPLE[..cut], &ParseOptions::default());
            let _ = score(&EXAMPLE[..cut]);
        }
        for _ in 0..400 {
            let mut text = EXAMPLE.to_owned();
            for _ in 0..3 {
                let mut at = next(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, nasty[next(nasty.len())]);
            }
            let _ = parse(&text, &ParseOptions::default());
            let _ = score(&text);
        }
    }
}
