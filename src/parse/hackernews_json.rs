//! Hacker News item JSON from the Algolia API, `https://hn.algolia.com/api/v1/items/ID`
//! (FORMATS.md §18).
//!
//! ```text
//! { "id": 39512204, "created_at": "2024-02-26T14:03:11.000Z",
//!   "created_at_i": 1708956191,                       <- the date, Unix seconds
//!   "type": "story",                                  <- post 1 (a `comment` when a comment was fetched)
//!   "author": "trailmix_tom", "title": "Ask HN: …",   <- the thread's title
//!   "url": null, "text": "I&#x27;m planning…",        <- HTML; the url is the body of a link story
//!   "points": 64, "parent_id": null, "story_id": 39512204, "options": [],
//!   "children": [                                     <- comments, nested: posts 2..N in this order
//!     { "id": 39512630, "type": "comment", "author": "contour_claire",
//!       "text": "Paper…<p>For the phone…", "points": null, "parent_id": 39512204,
//!       "children": [ … ] },
//!     { "id": 39513001, "author": null, "text": null, … }   <- deleted: its replies stay
//!   ] }
//! ```
//!
//! The story is post 1 (`points` its score; with both text and `url`, the url is the
//! thread's source), and its comments follow in the order of the tree as given, a comment
//! before its replies. A reply answers the comment it is nested in; a comment on the story
//! answers none. A comment whose author and text are null was deleted: it keeps its place,
//! with no author and no body, and its replies still answer it. Bodies are Hacker News's
//! HTML, written as Markdown by `parse::html`: its `<p>` that opens a paragraph and never
//! closes, links shown as their address cut to 60 characters, `<pre><code>` blocks. A line
//! typed with a leading `>` is text there (Hacker News has no quotes) and stays text.
//!
//! The tree can be deeper than a JSON reader recurses, so the file is first scanned once,
//! without recursion, for where each item and its `children` are (`item_spans`); each
//! item is then read on its own, its replies left out. An item of the official API
//! (`/v0/item/ID.json`: `by`, `time`, `kids`) holds one item and the ids of its replies,
//! not the thread, and is reported as such.

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::chat_json::{self, null_default};
use super::html::{self, NoHooks};
use super::parsed::{Parsed, ParsedThread, Score};
use crate::diagnostic::Problem;
use crate::model::{ParseOptions, Post};

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

pub fn score(text: &str) -> Score {
    if !chat_json::is_object(text) {
        return Score::none("not a JSON object");
    }
    let head = chat_json::head(text);
    let has = |key: &str| chat_json::find_key(head, key, 0).is_some();
    if has("created_at_i") && has("type") && has("children") {
        return Score {
            value: MAX_SCORE,
            reason: "`created_at_i`, `type` and `children` (a Hacker News item from Algolia's API)".into(),
        };
    }
    if has("by") && has("time") && has("type") && !has("children") {
        // Claimed to be reported: it is no thread, and no other format reads it.
        return Score { value: 60, reason: "`by`, `time` and `type` (an item of Hacker News's own API)".into() };
    }
    Score::none("no `created_at_i`, `type` and `children`")
}

pub fn parse(text: &str, _options: &ParseOptions) -> Result<Parsed, Problem> {
    let (spans, broken) = item_spans(text);
    let mut parsed = Parsed::default();
    let mut lines = LineCounter::default();
    let mut thread = ParsedThread::default();
    let root_is_story = read_items(text, &spans, &mut lines, &mut thread, &mut parsed.warnings)?;
    if let Some(at) = broken {
        let problem = broke_off(lines.at(text, at.min(text.len())), thread.posts.len());
        if thread.posts.is_empty() {
            return Err(problem);
        }
        parsed.warnings.push(problem);
    }
    if thread.posts.is_empty() {
        return Err(Problem {
            line: 1,
            message: "JSON, not a Hacker News item: no item could be read".into(),
            hint: Some("save the thread from https://hn.algolia.com/api/v1/items/ID".into()),
        });
    }
    if !root_is_story {
        parsed.notes.push(Problem {
            line: 1,
            message: "the item is a comment, not a story: the thread starts at it, and has no title".into(),
            hint: Some("fetch the story's item (its `story_id`) for the whole thread".into()),
        });
    }
    parsed.threads.push(thread);
    Ok(parsed)
}

/// Reads the items into the thread's posts, numbered in order; whether the thread starts
/// at a story (else at a comment that was fetched alone).
fn read_items(
    text: &str,
    spans: &[Span],
    lines: &mut LineCounter,
    thread: &mut ParsedThread,
    warnings: &mut Vec<Problem>,
) -> Result<bool, Problem> {
    // Each item's post number, by its place in `spans` and by its id.
    let mut numbers: Vec<Option<u32>> = vec![None; spans.len()];
    let mut by_id: FxHashMap<String, u32> = FxHashMap::default();
    let mut root_is_story = true;
    for (i, span) in spans.iter().enumerate() {
        let line = lines.at(text, span.start);
        let item = match read_item(text, span) {
            Some(Ok(item)) => item,
            Some(Err(e)) => {
                warnings.push(unreadable(line, &e));
                continue;
            }
            None => continue,
        };
        if i == 0 {
            if let Some(problem) = not_a_thread(&item, span) {
                return Err(problem);
            }
            root_is_story = item.kind.as_deref() != Some("comment");
        }
        let number = thread.posts.len() as u32 + 1;
        numbers[i] = Some(number);
        let mut post = read_post(&item, number, line);
        // The item `parent_id` names, else the one it is nested in; none for the story.
        let parent = item.parent_id.as_ref().and_then(|id| by_id.get(&id.text()).copied());
        let parent = parent.or_else(|| span.parent.and_then(|p| numbers[p]));
        let story = numbers[0].filter(|_| root_is_story);
        post.reply_to = parent.filter(|&p| Some(p) != story);
        if let Some(id) = &post.extra.id {
            by_id.entry(id.clone()).or_insert(number);
        }
        if i == 0 {
            read_story(&item, &mut post, thread);
        }
        thread.posts.push(post);
    }
    Ok(root_is_story)
}

/// What the first item says of the thread: its title, its address (the body of a link
/// story, else the thread's source), a poll's options.
fn read_story(item: &Item, post: &mut Post, thread: &mut ParsedThread) {
    thread.title = item.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    if let Some(url) = item.url.as_deref().map(str::trim).filter(|u| chat_json::is_web_url(u)) {
        if post.body.is_empty() {
            post.body = link(url);
        } else {
            thread.source = Some(url.to_owned());
        }
    }
    push_poll(&mut post.body, &item.options);
}

/// The problem with a root item that is no Algolia thread: one of the official API, or
/// JSON of another shape.
fn not_a_thread(item: &Item, span: &Span) -> Option<Problem> {
    if item.created_at_i.is_some() || (span.children.is_some() && (item.kind.is_some() || item.id.is_some())) {
        return None;
    }
    let official = item.by.is_some() || item.time.is_some() || item.kids.is_some();
    let message = if official {
        "an item of Hacker News's own API (`/v0/item/ID.json`): it holds one post and the ids of the replies, \
         not the thread"
    } else {
        "JSON, not a Hacker News item: no `created_at_i`, `type` and `children`"
    };
    Some(Problem {
        line: 1,
        message: message.into(),
        hint: Some("save the whole thread from Algolia's API instead: https://hn.algolia.com/api/v1/items/ID".into()),
    })
}

/// An item as Algolia writes it (the story, a comment), without its replies.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Item {
    id: Option<Id>,
    created_at: Option<String>,
    created_at_i: Option<Seconds>,
    #[serde(rename = "type")]
    kind: Option<String>,
    author: Option<String>,
    title: Option<String>,
    url: Option<String>,
    text: Option<String>,
    points: Option<i64>,
    parent_id: Option<Id>,
    #[serde(deserialize_with = "null_default")]
    options: Vec<PollOption>,
    dead: Option<bool>,
    deleted: Option<bool>,
    /// The official API's.
    by: Option<IgnoredAny>,
    time: Option<IgnoredAny>,
    kids: Option<IgnoredAny>,
}

/// A poll's option: an item of its own (unverified), or its id.
#[derive(Deserialize)]
#[serde(untagged)]
enum PollOption {
    Item { text: Option<String>, points: Option<i64> },
    Other(IgnoredAny),
}

/// An id: a number, or a string where a tool rewrote it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Number(u64),
    Text(String),
}

impl Id {
    fn text(&self) -> String {
        match self {
            Id::Number(n) => n.to_string(),
            Id::Text(t) => t.trim().to_owned(),
        }
    }
}

/// Unix seconds: an integer, a float or a digit string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Seconds {
    Integer(i64),
    Float(f64),
    Text(String),
}

impl Seconds {
    fn timestamp(&self) -> Option<jiff::Timestamp> {
        let seconds = match self {
            Seconds::Integer(n) => *n,
            Seconds::Float(f) if f.is_finite() => *f as i64,
            Seconds::Float(_) => return None,
            Seconds::Text(t) => t.trim().parse::<f64>().ok().filter(|f| f.is_finite())? as i64,
        };
        jiff::Timestamp::from_second(seconds).ok()
    }
}

fn read_post(item: &Item, number: u32, line: usize) -> Post {
    let author = item.author.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned);
    let date = item.created_at_i.as_ref().and_then(Seconds::timestamp).or_else(|| {
        let stamp = item.created_at.as_deref()?.trim().parse::<jiff::Timestamp>().ok()?;
        jiff::Timestamp::from_second(stamp.as_second()).ok()
    });
    let mut post = Post { number, author, date, line, ..Post::default() };
    let text = item.text.as_deref().unwrap_or_default();
    // A stock notice in place of the text is no body.
    let notice = match text.trim() {
        "[deleted]" => Some("deleted"),
        "[dead]" => Some("dead"),
        "[flagged]" => Some("flagged"),
        _ => None,
    };
    let deleted = item.deleted == Some(true) || (item.author.is_none() && item.text.is_none());
    if let Some(status) = notice.or(deleted.then_some("deleted")) {
        post.extra.status = Some(status.into());
        if deleted {
            post.author = None;
        }
    } else {
        post.body = html::to_markdown(text, &mut NoHooks);
        if item.dead == Some(true) {
            post.extra.status = Some("dead".into());
        }
    }
    post.extra.score = item.points;
    post.extra.id = item.id.as_ref().map(Id::text);
    post
}

/// A link story's address as its body.
fn link(url: &str) -> String {
    let attribute = url.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    html::to_markdown(&format!("<a href=\"{attribute}\">{attribute}</a>"), &mut NoHooks)
}

/// A poll's options, as a list after its text.
fn push_poll(body: &mut String, options: &[PollOption]) {
    let mut list = String::new();
    for option in options {
        let PollOption::Item { text, points } = option else { continue };
        let text = html::to_markdown(text.as_deref().unwrap_or_default(), &mut NoHooks).replace('\n', " ");
        let points = points.map(|p| format!(" ({p} point{})", if p == 1 { "" } else { "s" })).unwrap_or_default();
        list.push_str(&format!("- {text}{points}\n"));
    }
    if !list.is_empty() {
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(list.trim_end());
    }
}

/// Reads an item on its own, its replies left out; `None` for one cut off before its
/// replies begin.
fn read_item(text: &str, span: &Span) -> Option<Result<Item, serde_json::Error>> {
    let own = match (span.end, span.children) {
        (Some(end), Some((start, Some(children_end)))) => {
            format!("{}[]{}", &text[span.start..start], &text[children_end..end])
        }
        (Some(end), _) => text[span.start..end].to_owned(),
        // Cut off among its replies: what came before them.
        (None, Some((start, _))) => format!("{}[]}}", &text[span.start..start]),
        (None, None) => return None,
    };
    Some(serde_json::from_str(&own))
}

/// Where an item is in the file: its object, its `children` array, and the item it is
/// nested in (an index into the spans).
#[derive(Debug, PartialEq)]
struct Span {
    start: usize,
    /// Just past its `}`; none when the file breaks off inside it.
    end: Option<usize>,
    /// Its `[` and just past its `]`.
    children: Option<(usize, Option<usize>)>,
    parent: Option<usize>,
}

/// An object or array open in the scan.
enum Open {
    Object {
        item: Option<usize>,
        /// The last key read, while its value is to come, was `children`.
        children_key: bool,
        /// A string here is a key.
        expect_key: bool,
    },
    Array {
        children_of: Option<usize>,
    },
}

/// Finds the items of the file in one pass, in the order they open (the tree's pre-order):
/// the root object and every object directly in an item's `children`. Also where the JSON
/// breaks off or stops making sense, if it does; what it holds is checked later, item by
/// item.
fn item_spans(text: &str) -> (Vec<Span>, Option<usize>) {
    let bytes = text.as_bytes();
    let mut scan = Scan::default();
    let mut i = text.len() - text.trim_start().len();
    if bytes.get(i) != Some(&b'{') {
        return (scan.spans, Some(i));
    }
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let Some(end) = string_end(bytes, i) else { return (scan.spans, Some(i)) };
                scan.string(&bytes[i + 1..end - 1]);
                i = end;
                continue;
            }
            b'{' => scan.open_object(i),
            b'[' => scan.open_array(i),
            close @ (b'}' | b']') => match scan.close(i, close) {
                Some(true) => return (scan.spans, None),
                Some(false) => {}
                None => return (scan.spans, Some(i)),
            },
            b',' => {
                if let Some(Open::Object { expect_key, children_key, .. }) = scan.open.last_mut() {
                    *expect_key = true;
                    *children_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    (scan.spans, Some(text.len()))
}

/// The items found so far, and the objects and arrays open around the scan.
#[derive(Default)]
struct Scan {
    spans: Vec<Span>,
    open: Vec<Open>,
}

impl Scan {
    /// A string: a key, where an object expects one.
    fn string(&mut self, inside: &[u8]) {
        if let Some(Open::Object { expect_key: expect @ true, children_key, .. }) = self.open.last_mut() {
            *children_key = inside == b"children";
            *expect = false;
        }
    }

    /// An object: an item where it is the root or in an item's `children`.
    fn open_object(&mut self, at: usize) {
        let parent = match self.open.last() {
            None => Some(None),
            Some(Open::Array { children_of: Some(parent) }) => Some(Some(*parent)),
            _ => None,
        };
        let item = parent.map(|parent| {
            self.spans.push(Span { start: at, end: None, children: None, parent });
            self.spans.len() - 1
        });
        self.open.push(Open::Object { item, children_key: false, expect_key: true });
    }

    /// An array: an item's replies where it is the value of its `children`.
    fn open_array(&mut self, at: usize) {
        let children_of = match self.open.last_mut() {
            Some(Open::Object { item: Some(item), children_key: key @ true, .. }) => {
                *key = false;
                self.spans[*item].children = Some((at, None));
                Some(*item)
            }
            _ => None,
        };
        self.open.push(Open::Array { children_of });
    }

    /// The end of an object or array: whether it ends the root; none where it ends
    /// nothing open of its kind.
    fn close(&mut self, at: usize, close: u8) -> Option<bool> {
        match self.open.pop()? {
            Open::Object { item, .. } if close == b'}' => {
                if let Some(item) = item {
                    self.spans[item].end = Some(at + 1);
                }
            }
            Open::Array { children_of } if close == b']' => {
                if let Some(Some((_, end))) = children_of.map(|item| &mut self.spans[item].children) {
                    *end = Some(at + 1);
                }
            }
            _ => return None,
        }
        Some(self.open.is_empty())
    }
}

/// Just past the closing quote of the string whose opening quote is at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Lines of offsets that come in increasing order, counting each newline once.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: usize,
}

impl LineCounter {
    fn at(&mut self, text: &str, offset: usize) -> usize {
        if offset > self.offset {
            self.newlines += text.as_bytes()[self.offset..offset].iter().filter(|&&b| b == b'\n').count();
            self.offset = offset;
        }
        self.newlines + 1
    }
}

fn unreadable(line: usize, error: &serde_json::Error) -> Problem {
    Problem {
        line,
        message: format!("an item that cannot be read is left out, and its replies answer no one: {error}"),
        hint: Some("check the item's fields against Algolia's item format".into()),
    }
}

fn broke_off(line: usize, kept: usize) -> Problem {
    if kept == 0 {
        return Problem {
            line,
            message: "not a Hacker News item that can be read: the JSON breaks off or is not an object".into(),
            hint: Some("save the thread again from https://hn.algolia.com/api/v1/items/ID, whole".into()),
        };
    }
    Problem {
        line,
        message: format!(
            "the JSON breaks off here: the {kept} item{} before it {} read, the rest is left out",
            if kept == 1 { "" } else { "s" },
            if kept == 1 { "is" } else { "are" }
        ),
        hint: Some("the file may be cut short: save it again, whole".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../tests/fixtures/formats/hn-algolia.json");

    fn parse_ok(text: &str) -> Parsed {
        parse(text, &ParseOptions::default()).unwrap()
    }

    /// An item with its fields and replies, as Algolia writes them.
    fn item(id: u32, parent: u32, author: Option<&str>, text: Option<&str>, children: &[String]) -> String {
        let quote = |s: Option<&str>| s.map_or("null".to_owned(), |s| format!("{s:?}"));
        format!(
            r#"{{"id": {id}, "created_at": "2024-02-26T14:03:11.000Z", "created_at_i": {}, "type": "comment", "author": {}, "title": null, "url": null, "text": {}, "points": null, "parent_id": {parent}, "story_id": 1, "options": [], "children": [{}]}}"#,
            1_708_956_191 + id,
            quote(author),
            quote(text),
            children.join(", ")
        )
    }

    fn story(fields: &str, children: &[String]) -> String {
        format!(
            r#"{{"id": 1, "created_at_i": 1708956191, "type": "story", "author": "op", "title": "T", {fields}, "points": -3, "parent_id": null, "children": [{}]}}"#,
            children.join(", ")
        )
    }

    /// Each post's number, author, parent, status and body.
    type Row<'a> = (u32, Option<&'a str>, Option<u32>, Option<&'a str>, &'a str);

    fn rows(thread: &ParsedThread) -> Vec<Row<'_>> {
        let posts = thread.posts.iter();
        posts.map(|p| (p.number, p.author.as_deref(), p.reply_to, p.extra.status.as_deref(), p.body.as_str())).collect()
    }

    #[test]
    fn example_item() {
        let parsed = parse_ok(EXAMPLE);
        assert!(parsed.warnings.is_empty() && parsed.notes.is_empty(), "{parsed:?}");
        let thread = parsed.only();
        assert_eq!(thread.title.as_deref(), Some("Ask HN: What do you use for offline maps on long hikes?"));
        assert_eq!((thread.source.as_deref(), thread.pool.as_ref()), (None, None));
        assert_eq!(
            rows(&thread),
            [
                (
                    1,
                    Some("trailmix_tom"),
                    None,
                    None,
                    "I'm planning a 10-day walk in the Pyrenees with patchy signal. Phone apps, a GPS unit, or paper? \
                     What has actually worked for you?"
                ),
                (
                    2,
                    Some("contour_claire"),
                    None,
                    None,
                    "Paper 1:25k maps as the primary, phone as backup. Batteries die; paper doesn't.\n\n\
                     For the phone I download the tiles at home: https://maps.example.org/offline"
                ),
                (3, Some("trailmix_tom"), Some(2), None, "How heavy is the paper set for ten days?"),
                (
                    4,
                    Some("contour_claire"),
                    Some(3),
                    None,
                    "About 400 g for six sheets. I cut them down to the route corridor."
                ),
                (
                    5,
                    Some("gpx_greg"),
                    None,
                    None,
                    "I convert the route to GPX and keep it on a cheap watch:\n\n\
                     ```\n  gpsbabel -i kml -f route.kml -o gpx -F route.gpx\n```\n\n\
                     The watch only shows a breadcrumb, which is *exactly* enough."
                ),
            ]
        );
        let p = &thread.posts;
        let lines: Vec<usize> = p.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 15, 29, 43, 62]);
        let ids: Vec<&str> = p.iter().filter_map(|p| p.extra.id.as_deref()).collect();
        assert_eq!(ids, ["39512204", "39512630", "39513101", "39513377", "39512988"]);
        assert_eq!(p[0].extra.score, Some(64));
        assert!(p[1..].iter().all(|p| p.extra.score.is_none() && p.likes == 0));
        assert_eq!(p[0].date.unwrap().to_string(), "2024-02-26T14:03:11Z");
        assert_eq!(p[4].date.unwrap().to_string(), "2024-02-26T15:02:51Z");
    }

    #[test]
    fn deleted_comments_keep_their_place_and_replies() {
        let text = story(
            r#""url": null, "text": "<p>hello""#,
            &[
                item(2, 1, None, None, &[item(3, 2, Some("b"), Some("under a deleted one"), &[])]),
                item(4, 1, Some("c"), Some("[dead]"), &[item(5, 4, Some("d"), Some("x"), &[])]),
                item(6, 1, Some("e"), None, &[]),
            ],
        );
        let thread = parse_ok(&text).only();
        assert_eq!(
            rows(&thread),
            [
                (1, Some("op"), None, None, "hello"),
                (2, None, None, Some("deleted"), ""),
                (3, Some("b"), Some(2), None, "under a deleted one"),
                (4, Some("c"), None, Some("dead"), ""),
                (5, Some("d"), Some(4), None, "x"),
                (6, Some("e"), None, None, ""),
            ]
        );
        assert_eq!(thread.posts[0].extra.score, Some(-3), "scores can be negative");
        assert_eq!(thread.posts[1].date.unwrap().to_string(), "2024-02-26T14:03:13Z");
    }

    #[test]
    fn replies_answer_their_parent_id() {
        // A reply Algolia nested under the story but whose `parent_id` is a comment (never
        // seen, and not to be trusted over the id), and one whose parent is not in the file.
        let text = story(
            r#""url": null, "text": "s""#,
            &[
                item(2, 1, Some("a"), Some("x"), &[]),
                item(3, 2, Some("b"), Some("y"), &[]),
                item(4, 99, Some("c"), Some("z"), &[]),
            ],
        );
        let replies: Vec<Option<u32>> = parse_ok(&text).only().posts.iter().map(|p| p.reply_to).collect();
        assert_eq!(replies, [None, None, Some(2), None]);
    }

    #[test]
    fn stories_links_and_polls() {
        let link = parse_ok(&story(r#""url": "https://x.example/a_b?c=1&d=2", "text": null"#, &[])).only();
        assert_eq!(
            (link.posts[0].body.as_str(), link.source.as_deref()),
            ("[https://x.example/a_b?c=1&d=2](https://x.example/a_b?c=1&d=2)", None)
        );
        let plain = parse_ok(&story(r#""url": "https://x.example/post", "text": null"#, &[])).only();
        assert_eq!(plain.posts[0].body, "https://x.example/post");
        let both = parse_ok(&story(r#""url": "https://x.example/launch", "text": "We built <i>it</i>.""#, &[])).only();
        assert_eq!(
            (both.posts[0].body.as_str(), both.source.as_deref()),
            ("We built *it*.", Some("https://x.example/launch"))
        );
        let poll = parse_ok(&story(
            r#""url": null, "text": "Which?", "options": [{"id": 7, "type": "pollopt", "text": "Tabs &amp; more", "points": 12}, {"id": 8, "text": "Spaces", "points": 1}, 9]"#,
            &[],
        ))
        .only();
        assert_eq!(poll.posts[0].body, "Which?\n\n- Tabs & more (12 points)\n- Spaces (1 point)");
    }

    #[test]
    fn hacker_news_html() {
        let cases: &[(&str, &str)] = &[
            ("&gt; you said this<p>I disagree", "\\> you said this\n\nI disagree"),
            (
                "See <a href=\"https:&#x2F;&#x2F;example.com&#x2F;a&#x2F;rather&#x2F;long&#x2F;path&#x2F;that&#x2F;goes&#x2F;on&#x2F;and&#x2F;on&#x2F;index.html\" rel=\"nofollow\">https:&#x2F;&#x2F;example.com&#x2F;a&#x2F;rather&#x2F;long&#x2F;path&#x2F;that&#x2F;goes&#x2F;on&#x2F;...</a>",
                "See https://example.com/a/rather/long/path/that/goes/on/and/on/index.html",
            ),
            ("<a href=\"https://x.example\" rel=\"nofollow\">this</a> one", "[this](https://x.example) one"),
            ("a<p><pre><code>  x = 1\n    y\n</code></pre>\nb", "a\n\n```\n  x = 1\n    y\n```\n\nb"),
            ("I use *nix, 2*3 and x_y", "I use \\*nix, 2\\*3 and x_y"),
            ("&quot;hi&quot; &amp;amp; &#x2F;", "\"hi\" \\&amp; /"),
        ];
        for (text, want) in cases {
            let json = story(&format!(r#""url": null, "text": {text:?}"#), &[]);
            assert_eq!(parse_ok(&json).only().posts[0].body, *want, "{text}");
        }
    }

    #[test]
    fn a_fetched_comment_starts_its_thread() {
        let text = item(5, 1, Some("a"), Some("root"), &[item(6, 5, Some("b"), Some("reply"), &[])]);
        let parsed = parse_ok(&text);
        assert_eq!(parsed.notes.len(), 1);
        let thread = parsed.only();
        assert_eq!(thread.title, None);
        assert_eq!(rows(&thread), [(1, Some("a"), None, None, "root"), (2, Some("b"), Some(1), None, "reply")]);
    }

    #[test]
    fn not_threads_are_reported() {
        let official = r#"{"by": "dhouston", "descendants": 71, "id": 8863, "kids": [9224, 8917], "score": 104, "time": 1175714200, "title": "My YC app", "type": "story", "url": "http://www.getdropbox.com/u/2/screencast.html"}"#;
        let problem = parse(official, &ParseOptions::default()).unwrap_err();
        assert!(problem.message.contains("own API") && problem.message.contains("not the thread"), "{problem:?}");
        assert!(problem.hint.unwrap().contains("hn.algolia.com/api/v1/items/"));
        for other in ["{\"a\": 1}", "[1, 2]", "", "{", "{\"children\": [{\"id\": 1"] {
            assert!(parse(other, &ParseOptions::default()).is_err(), "{other}");
        }
    }

    #[test]
    fn what_is_left_out_is_said() {
        let text = story(
            r#""url": null, "text": "a""#,
            &[
                item(2, 1, Some("b"), Some("ok"), &[]),
                r#"{"id": 3, "author": 5, "children": [{"id": 4, "author": "c", "text": "orphan"}]}"#.into(),
            ],
        );
        let parsed = parse_ok(&text);
        assert_eq!(parsed.warnings.len(), 1, "{parsed:?}");
        assert!(parsed.warnings[0].message.starts_with("an item that cannot be read"));
        let thread = parsed.only();
        assert_eq!(rows(&thread)[2], (3, Some("c"), None, None, "orphan"));
        // A file cut short keeps the items before the cut.
        let cut = &EXAMPLE[..EXAMPLE.find("About 400 g").unwrap()];
        let parsed = parse_ok(cut);
        assert_eq!(parsed.threads[0].posts.len(), 3);
        assert!(parsed.warnings[0].message.starts_with("the JSON breaks off"), "{:?}", parsed.warnings);
        assert_eq!(parsed.warnings[0].line, 51);
    }

    #[test]
    fn items_are_found_without_reading_the_tree() {
        let text = r#"{"text": "\"children\": [{", "options": [{"children": [{"id": 9}]}],
            "children": [{"id": 2, "children": [{"id": 4}]}, {"id": 3}, 5], "after": [{}]}"#;
        let (spans, broken) = item_spans(text);
        assert_eq!(broken, None);
        let at = |s: &str| text.find(s).unwrap();
        let got: Vec<(usize, Option<usize>)> = spans.iter().map(|s| (s.start, s.parent)).collect();
        assert_eq!(
            got,
            [(0, None), (at("{\"id\": 2"), Some(0)), (at("{\"id\": 4"), Some(1)), (at("{\"id\": 3"), Some(0))]
        );
        assert_eq!(spans[0].children, Some((at("[{\"id\": 2"), Some(at(", \"after\"")))));
        assert_eq!(spans[3].end, Some(at(", 5]")));
        for (broken, at) in [("{\"children\": [}", 14), ("{\"a\": \"open", 6), ("[]", 0), ("{\"children\": [{}", 16)] {
            assert_eq!(item_spans(broken).1, Some(at), "{broken}");
        }
    }

    #[test]
    fn deep_trees_are_read_in_linear_time() {
        let depth = 20_000;
        let mut text = String::new();
        for i in 0..depth {
            text.push_str(&format!(
                r#"{{"id": {i}, "created_at_i": 1, "type": "comment", "author": "a", "text": "x", "children": ["#
            ));
        }
        text.push_str(&"]}".repeat(depth));
        let start = std::time::Instant::now();
        let thread = parse_ok(&text).only();
        assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
        assert_eq!(thread.posts.len(), depth);
        assert_eq!(thread.posts[depth - 1].reply_to, Some(depth as u32 - 1));
    }

    #[test]
    fn scores() {
        assert_eq!(score(EXAMPLE).value, MAX_SCORE);
        assert_eq!(score(r#"{"by": "a", "id": 1, "time": 1, "type": "comment", "parent": 2}"#).value, 60);
        let others = [
            include_str!("../../tests/fixtures/formats/telegram-result.json"),
            include_str!("../../tests/fixtures/formats/discord-export.json"),
            include_str!("../../tests/fixtures/formats/discourse-topic.json"),
            "[{\"created_at_i\": 1, \"type\": \"story\", \"children\": []}]",
            "{\"note\": \"\\\"created_at_i\\\": \\\"type\\\": \\\"children\\\":\"}",
            "A title\n\nFirst post.\n",
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
                let name = entry.path().file_name().unwrap().to_string_lossy();
                let value = score(&text).value;
                // Only JSON is claimed, and wholly; the sample is.
                let claimed = if name.ends_with(".json") { [0, MAX_SCORE].contains(&value) } else { value == 0 };
                assert!(claimed, "{}: {value}", entry.path().display());
                assert!(!name.starts_with("hn-") || value == MAX_SCORE, "{}", entry.path().display());
            }
        }
    }

    #[test]
    fn never_panics_on_mangled_items() {
        let nasty =
            ["{", "}", "[", "]", "\"", ",", ":", "\\", "null", "\"children\": [", "<p>", "&#x", "😀", "1e999", "-1"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below.max(1) as u64) as usize
        };
        for cut in (0..=EXAMPLE.len()).step_by(7).filter(|&i| EXAMPLE.is_char_boundary(i)) {
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
