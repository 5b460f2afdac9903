//! Discourse topic JSON: `/t/ID.json` (`?print=true` for up to 1000 posts) and the pages of
//! more posts, `/t/ID/posts.json?post_ids[]=…` (FORMATS.md §19).
//!
//! ```text
//! { "post_stream": {
//!     "posts": [
//!       { "id": 210402,                                   <- `extra.id`
//!         "username": "ruth_m", "name": "Ruth Mendel",     <- the author is the username
//!         "created_at": "2023-11-03T07:05:19.006Z",
//!         "cooked": "<aside class=\"quote\" data-post=\"2\" data-topic=\"31877\">…",   <- HTML
//!         "raw": "[quote=\"devnull_dan, post:2, topic:31877\"]…",   <- with `include_raw=1`: the body
//!         "post_number": 3,                                <- the number; gaps stay
//!         "post_type": 1,                                  <- 3 a small action, 4 a whisper
//!         "reply_to_post_number": 2,
//!         "actions_summary": [ { "id": 2, "count": 4 } ],  <- id 2: likes
//!         "reactions": [ { "id": "heart", "type": "emoji", "count": 3 } ],   <- the reactions plugin
//!         "hidden": false, "cooked_hidden": false, "user_deleted": false, "deleted_at": null,
//!         "action_code": "closed.enabled", … }, … ],
//!     "stream": [ 210331, 210340, 210402, … ] },            <- every post id of the topic
//!   "id": 31877, "title": "Backups to an external USB disk fail…", "tags": [ "backup" ], … }
//! ```
//!
//! One file is one thread, or part of one: a topic of more than 20 posts comes in page files
//! (`posts.json` has no title), which a later step joins by the topic's id
//! ([`Pool::Discourse`]). A file that holds fewer posts than its `stream` lists says so.
//!
//! The body is `raw`, the Markdown as it was typed, where the file has it; else `cooked`,
//! Discourse's HTML, written as the raw Markdown by `parse::html` with `Cooked`'s
//! reading of Discourse's own elements: a quote's `<aside>` is the `[quote="NAME, post:N,
//! topic:T"]` block the raw export has (its title bar is chrome), an emoji image its
//! `:name:`, a mention its `@name`, an image in a lightbox a link to the full-size file, a
//! link preview its link, a `<details>` block `[details="…"]`.
//!
//! A small action (closing, pinning) is a post with no body that records the event; a
//! whisper is marked. A post hidden by flags has no body (its cooked is a stock notice), and
//! neither has one its author deleted; one deleted by staff keeps its text. A post answers
//! `reply_to_post_number`, else the first post of the topic it quotes.

use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::chat_json::{self, Items, Lines, null_default};
use super::discourse_raw;
use super::html::{self, Element, Hooks, attr, has_class};
use super::parsed::{Parsed, ParsedThread, Score};
use crate::diagnostic::Problem;
use crate::model::{ParseOptions, Pool, Post, Reaction};

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

pub fn score(text: &str) -> Score {
    if !chat_json::is_object(text) {
        return Score::none("not a JSON object");
    }
    let head = chat_json::head(text);
    let key = |key: &str, from: usize| chat_json::find_key(head, key, from);
    let Some(stream) = key("post_stream", 0) else { return Score::none("no `post_stream`") };
    let Some(posts) = key("posts", stream).filter(|&at| head[at..].trim_start().starts_with('[')) else {
        return Score::none("no `post_stream.posts` array");
    };
    if key("post_number", posts).is_none() {
        return Score::none("no `post_number` in `post_stream.posts`");
    }
    if key("cooked", posts).is_none() {
        return Score { value: 70, reason: "`post_stream.posts` with `post_number` (a Discourse topic's JSON)".into() };
    }
    Score {
        value: MAX_SCORE,
        reason: "`post_stream.posts` with `post_number` and `cooked` (a Discourse topic's JSON)".into(),
    }
}

pub fn parse(text: &str, _options: &ParseOptions) -> Result<Parsed, Problem> {
    let mut topic = Topic::default();
    let result = chat_json::read(text, &mut topic);
    let mut parsed = Parsed::default();
    match &result {
        Err(e) if topic.posts.is_empty() => return Err(broken(e, 0)),
        Err(e) => parsed.warnings.push(broken(e, topic.posts.len())),
        Ok(()) if !topic.found => {
            return Err(Problem {
                line: 1,
                message: "no `post_stream`: not a Discourse topic's JSON".into(),
                hint: Some("save the topic from its address with `.json` added: /t/ID.json?print=true".into()),
            });
        }
        Ok(()) => {}
    }
    let topic_id = topic.id.clone().or_else(|| topic_id_of_posts(&topic.posts));
    let posts = read_posts(&topic.posts, text, topic_id.as_deref(), &mut parsed.warnings);
    if let Some(listed) = topic.stream.filter(|&n| n > topic.posts.len()) {
        parsed.notes.push(Problem {
            line: 1,
            message: format!("the topic is partial: it has {listed} posts, and this file holds {}", topic.posts.len()),
            hint: Some(
                "put the topic's other page files (/t/ID/posts.json?post_ids[]=…) in the same folder, or save \
                 /t/ID.json?print=true, which holds up to 1000 posts"
                    .into(),
            ),
        });
    }
    parsed.threads.push(ParsedThread {
        title: topic.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned),
        tags: topic.tags,
        source: topic.url.filter(|u| chat_json::is_web_url(u)),
        posts,
        pool: topic_id.map(Pool::Discourse),
        ..ParsedThread::default()
    });
    Ok(parsed)
}

/// The posts in the order of their numbers.
fn read_posts(raws: &[&RawValue], text: &str, topic_id: Option<&str>, warnings: &mut Vec<Problem>) -> Vec<Post> {
    let mut lines = Lines::new(text);
    let mut posts = Vec::new();
    for raw in raws {
        let line = lines.of(raw);
        let post = match serde_json::from_str::<DiscoursePost>(raw.get()) {
            Ok(post) => post,
            Err(e) => {
                warnings.push(Problem {
                    line,
                    message: format!("a post that cannot be read is left out: {e}"),
                    hint: Some("check the post's fields against Discourse's topic JSON".into()),
                });
                continue;
            }
        };
        let Some(number) = post.post_number.filter(|&n| n > 0) else {
            warnings.push(Problem {
                line,
                message: "a post without a `post_number` is left out: its place in the topic is unknown".into(),
                hint: Some("save the topic's JSON again as Discourse gives it".into()),
            });
            continue;
        };
        posts.push(read_post(post, number, line, topic_id));
    }
    posts.sort_by_key(|p| p.number);
    posts
}

fn read_post(post: DiscoursePost, number: u32, line: usize, topic_id: Option<&str>) -> Post {
    let author = post.username.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned);
    let date = post.created_at.as_deref().and_then(|d| d.trim().parse::<jiff::Timestamp>().ok());
    let date = date.and_then(|d| jiff::Timestamp::from_second(d.as_second()).ok());
    let mut out = Post { number, author, date, line, ..Post::default() };
    out.likes = post.actions_summary.iter().find(|a| a.id == Some(2)).and_then(|a| a.count).unwrap_or(0);
    let reactions: Vec<Reaction> = post
        .reactions
        .iter()
        .filter_map(|r| {
            let name = r.id.as_deref().map(str::trim).filter(|n| !n.is_empty())?;
            let count = r.count.filter(|&c| c > 0)?;
            Some(Reaction { emoji: emoji(name), count, users: Vec::new() })
        })
        .collect();
    if !reactions.is_empty() {
        out.extra.reactions = reactions;
    }
    out.extra.id = post.id.as_ref().map(|id| id.0.clone());
    match post.post_type {
        Some(3) => {
            out.extra.event = Some(post.action_code.clone().unwrap_or_else(|| "small_action".into()));
            return out;
        }
        Some(4) => out.extra.whisper = true,
        _ => {}
    }
    let hidden = post.hidden == Some(true);
    let status = if post.user_deleted == Some(true) {
        Some(("deleted", false))
    } else if post.deleted_at.as_deref().is_some_and(|d| !d.trim().is_empty()) {
        Some(("deleted", true))
    } else {
        hidden.then_some(("flagged", post.cooked_hidden != Some(true)))
    };
    if let Some((status, _)) = status {
        out.extra.status = Some(status.into());
    }
    if status.is_none_or(|(_, keep)| keep) {
        out.body = body(&post);
    }
    out.reply_to = post.reply_to_post_number.filter(|&n| n > 0 && n != number).or_else(|| {
        let quote =
            discourse_raw::quotes(&out.body).into_iter().find(|q| discourse_raw::quotes_same_thread(q, topic_id))?;
        quote.post.filter(|&n| n > 0 && n != number)
    });
    out
}

/// `raw` where the file has it, else `cooked` written as the raw Markdown.
fn body(post: &DiscoursePost) -> String {
    let body = match (&post.raw, &post.cooked) {
        (Some(raw), _) => raw.replace("\r\n", "\n").replace('\r', "\n"),
        (None, Some(cooked)) => html::to_markdown(cooked, &mut Cooked::default()),
        (None, None) => String::new(),
    };
    body.trim_end().to_owned()
}

/// A reaction's emoji: the emoji its name is, else the `:name:` of a site's own.
fn emoji(name: &str) -> String {
    let bare = name.trim_matches(':');
    match emojis::get_by_shortcode(bare) {
        Some(emoji) => emoji.as_str().to_owned(),
        None => format!(":{bare}:"),
    }
}

/// The topic id the posts name, for a file without its own.
fn topic_id_of_posts(raws: &[&RawValue]) -> Option<String> {
    #[derive(Deserialize)]
    struct TopicOf {
        topic_id: Option<Id>,
    }
    raws.iter().find_map(|raw| serde_json::from_str::<TopicOf>(raw.get()).ok()?.topic_id.map(|id| id.0))
}

/// Discourse's own elements in `cooked`, as the raw Markdown writes them.
#[derive(Default)]
struct Cooked {
    /// The elements marked, each at its depth, outermost first.
    marks: Vec<(usize, Mark)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Quote,
    QuoteBody,
    Lightbox,
}

impl Hooks for Cooked {
    fn element(&mut self, tag: &html5ever::tokenizer::Tag, depth: usize) -> Element {
        while self.marks.last().is_some_and(|&(at, _)| at >= depth) {
            self.marks.pop();
        }
        let inside = self.marks.last().map(|&(_, mark)| mark);
        match &*tag.name {
            "aside" if has_class(tag, "quote") => {
                self.marks.push((depth, Mark::Quote));
                Element::Block { open: quote_tag(tag), close: "[/quote]".into() }
            }
            "aside" if has_class(tag, "onebox") => match attr(tag, "data-onebox-src").map(str::trim) {
                Some(src) if chat_json::is_web_url(src) => Element::Paragraph(src.to_owned()),
                _ => Element::Default,
            },
            // The quote's title bar: an avatar, buttons, `NAME:`.
            "div" if inside == Some(Mark::Quote) && has_class(tag, "title") => Element::Drop,
            "blockquote" if inside == Some(Mark::Quote) => {
                self.marks.push((depth, Mark::QuoteBody));
                Element::Plain
            }
            "div" if has_class(tag, "lightbox-wrapper") => {
                self.marks.push((depth, Mark::Lightbox));
                Element::Default
            }
            // The file's name and size under the image.
            "div" if inside == Some(Mark::Lightbox) && has_class(tag, "meta") => Element::Drop,
            "img" if has_class(tag, "emoji") => emoji_code(tag),
            "a" if has_class(tag, "mention") || has_class(tag, "mention-group") => Element::Plain,
            _ => Element::Default,
        }
    }
}

/// `[quote="NAME, post:N, topic:T"]`, from the quote's `data-` attributes.
fn quote_tag(tag: &html5ever::tokenizer::Tag) -> String {
    let number =
        |name: &str| attr(tag, name).map(str::trim).filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let mut fields: Vec<String> = Vec::new();
    let name: String = attr(tag, "data-username")
        .unwrap_or_default()
        .chars()
        .filter(|c| !matches!(c, '"' | '[' | ']' | ',' | ':') && !c.is_control())
        .collect();
    if !name.trim().is_empty() {
        fields.push(name.trim().to_owned());
    }
    if let Some(post) = number("data-post") {
        fields.push(format!("post:{post}"));
    }
    if let Some(topic) = number("data-topic") {
        fields.push(format!("topic:{topic}"));
    }
    if fields.is_empty() { "[quote]".into() } else { format!("[quote=\"{}\"]", fields.join(", ")) }
}

/// An emoji image as its `:name:`.
fn emoji_code(tag: &html5ever::tokenizer::Tag) -> Element {
    let alt = attr(tag, "alt").or_else(|| attr(tag, "title")).unwrap_or_default().trim();
    let name = alt.trim_matches(':');
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "_+-:".contains(c)) {
        Element::Text(format!(":{name}:"))
    } else if !alt.is_empty() {
        Element::Text(alt.to_owned())
    } else {
        Element::Drop
    }
}

/// The topic as the file gives it, its posts still raw.
#[derive(Default)]
struct Topic<'a> {
    id: Option<String>,
    title: Option<String>,
    tags: Vec<String>,
    url: Option<String>,
    posts: Vec<&'a RawValue>,
    /// How many posts the topic has (`post_stream.stream`).
    stream: Option<usize>,
    /// Whether the object had `post_stream`.
    found: bool,
}

impl<'de> DeserializeSeed<'de> for &mut Topic<'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut Topic<'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Discourse topic (an object with `post_stream`)")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => self.id = map.next_value::<Option<Id>>()?.map(|id| id.0),
                "title" => self.title = map.next_value::<Option<String>>().ok().flatten(),
                "url" => self.url = map.next_value::<Option<String>>().ok().flatten(),
                "tags" => {
                    let tags = map.next_value::<Option<Vec<TagName>>>()?.unwrap_or_default();
                    self.tags = tags.into_iter().filter_map(TagName::name).collect();
                }
                "post_stream" => {
                    self.found = true;
                    map.next_value_seed(PostStream(self))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `post_stream`: its posts kept raw, its stream counted.
struct PostStream<'t, 'a>(&'t mut Topic<'a>);

impl<'de> DeserializeSeed<'de> for PostStream<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PostStream<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a `post_stream` object with `posts`")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "posts" => map.next_value_seed(Items(&mut self.0.posts))?,
                "stream" => self.0.stream = map.next_value::<Option<Vec<IgnoredAny>>>()?.map(|s| s.len()),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A tag: its name, or (newer Discourse) an object with one.
#[derive(Deserialize)]
#[serde(untagged)]
enum TagName {
    Name(String),
    Object { name: Option<String> },
    Other(IgnoredAny),
}

impl TagName {
    fn name(self) -> Option<String> {
        let name = match self {
            TagName::Name(name) => name,
            TagName::Object { name: Some(name) } => name,
            _ => return None,
        };
        let name = name.trim();
        (!name.is_empty()).then(|| name.to_owned())
    }
}

/// A post as `PostSerializer` writes it; what is not read here is ignored.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DiscoursePost {
    id: Option<Id>,
    post_number: Option<u32>,
    username: Option<String>,
    created_at: Option<String>,
    cooked: Option<String>,
    raw: Option<String>,
    reply_to_post_number: Option<u32>,
    post_type: Option<u32>,
    action_code: Option<String>,
    #[serde(deserialize_with = "null_default")]
    actions_summary: Vec<Action>,
    #[serde(deserialize_with = "null_default")]
    reactions: Vec<DiscourseReaction>,
    hidden: Option<bool>,
    cooked_hidden: Option<bool>,
    user_deleted: Option<bool>,
    deleted_at: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Action {
    id: Option<u32>,
    count: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DiscourseReaction {
    id: Option<String>,
    count: Option<u32>,
}

/// An id: a number, or a string where a tool rewrote it.
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Id, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(u64),
            Text(String),
        }
        Ok(Id(match Either::deserialize(deserializer)? {
            Either::Number(n) => n.to_string(),
            Either::Text(text) => text,
        }))
    }
}

/// The problem of JSON that cannot be read, at its line.
fn broken(error: &serde_json::Error, kept: usize) -> Problem {
    let line = error.line().max(1);
    if kept == 0 {
        return Problem {
            line,
            message: format!("not a Discourse topic's JSON that can be read: {error}"),
            hint: Some("save the topic's JSON again (/t/ID.json?print=true), whole".into()),
        };
    }
    Problem {
        line,
        message: format!(
            "the JSON breaks off here ({error}): the {kept} post{} before it {} read, the rest is left out",
            if kept == 1 { "" } else { "s" },
            if kept == 1 { "is" } else { "are" }
        ),
        hint: Some("the file may be cut short: save it again, whole".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../tests/fixtures/formats/discourse-topic.json");

    fn parse_ok(text: &str) -> Parsed {
        parse(text, &ParseOptions::default()).unwrap()
    }

    /// A topic of posts, each given by its number and the fields after them.
    fn topic(top: &str, posts: &[(u32, &str)]) -> String {
        let posts: Vec<String> = posts
            .iter()
            .map(|(n, fields)| {
                format!(
                    r#"{{"id": {}, "username": "u{n}", "created_at": "2023-11-02T21:14:07.811Z", "post_number": {n}, "topic_id": 31877{}{fields}}}"#,
                    1000 + n,
                    if fields.is_empty() { "" } else { ", " }
                )
            })
            .collect();
        format!(
            r#"{{"post_stream": {{"posts": [{}]}}{}{top}}}"#,
            posts.join(",\n"),
            if top.is_empty() { "" } else { ", " }
        )
    }

    fn one(fields: &str) -> Post {
        let parsed = parse_ok(&topic(r#""id": 31877"#, &[(1, fields)]));
        assert!(parsed.warnings.is_empty(), "{fields}: {:?}", parsed.warnings);
        parsed.only().posts.remove(0)
    }

    fn cooked(html: &str) -> String {
        one(&format!(r#""cooked": {html:?}"#)).body
    }

    #[test]
    fn example_topic() {
        let parsed = parse_ok(EXAMPLE);
        assert!(parsed.warnings.is_empty() && parsed.notes.is_empty(), "{parsed:?}");
        let thread = parsed.only();
        assert_eq!(thread.title.as_deref(), Some("Backups to an external USB disk fail with 'device busy'"));
        assert_eq!((thread.topic.as_deref(), thread.source.as_deref()), (None, None));
        assert!(thread.tags.is_empty());
        assert_eq!(thread.pool, Some(Pool::Discourse("31877".into())));
        type Row<'a> = (u32, usize, Option<&'a str>, Option<u32>, u32, &'a str);
        let got: Vec<Row> = thread
            .posts
            .iter()
            .map(|p| (p.number, p.line, p.author.as_deref(), p.reply_to, p.likes, p.body.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    1,
                    4,
                    Some("ruth_m"),
                    None,
                    1,
                    "Since last week the nightly backup job fails with `umount: /mnt/usb: target is busy`. \
                     Nothing else should be using that disk."
                ),
                (
                    2,
                    63,
                    Some("devnull_dan"),
                    None,
                    3,
                    "Something has a file open on it. Run this while the job is stuck:\n\n```\nlsof +f -- /mnt/usb\n```"
                ),
                (
                    3,
                    122,
                    Some("ruth_m"),
                    Some(2),
                    0,
                    "[quote=\"devnull_dan, post:2, topic:31877\"]\nSomething has a file open on it.\n[/quote]\n\n\
                     It was the media indexer. Excluding `/mnt/usb` from the library fixed it :tada:"
                ),
                (4, 181, Some("mod_kasia"), None, 0, ""),
            ]
        );
        let p = &thread.posts;
        assert_eq!(p[3].extra.event.as_deref(), Some("closed.enabled"));
        assert!(p[..3].iter().all(|p| p.extra.event.is_none() && p.extra.status.is_none()));
        let ids: Vec<&str> = p.iter().filter_map(|p| p.extra.id.as_deref()).collect();
        assert_eq!(ids, ["210331", "210340", "210402", "210877"]);
        assert_eq!(p[0].date.unwrap().to_string(), "2023-11-02T21:14:07Z");
        assert_eq!(p[3].date.unwrap().to_string(), "2023-11-09T08:00:00Z");
    }

    #[test]
    fn cooked_as_the_raw_markdown() {
        let cases: &[(&str, &str)] = &[
            (
                "<aside class=\"quote group-x\" data-username=\"ann\" data-post=\"4\" data-topic=\"31877\" data-full=\"true\">\n\
                 <div class=\"title\">\n<div class=\"quote-controls\"></div>\n<img alt=\"\" src=\"/a.png\" class=\"avatar\"> Ann:</div>\n\
                 <blockquote>\n<p>one</p>\n<blockquote><p>two</p></blockquote>\n</blockquote>\n</aside>\n<p>me</p>",
                "[quote=\"ann, post:4, topic:31877\"]\none\n\n> two\n[/quote]\n\nme",
            ),
            (
                "<aside class=\"quote\" data-username=\"a\" data-post=\"1\" data-topic=\"9\"><blockquote>\
                 <aside class=\"quote\" data-username=\"b\"><blockquote><p>inner</p></blockquote></aside><p>outer</p>\
                 </blockquote></aside>",
                "[quote=\"a, post:1, topic:9\"]\n[quote=\"b\"]\ninner\n[/quote]\n\nouter\n[/quote]",
            ),
            (
                "<p><div class=\"lightbox-wrapper\"><a class=\"lightbox\" href=\"https://f.example/uploads/original/rack.png\" \
                 title=\"rack.png\"><img src=\"https://f.example/uploads/optimized/rack_690x388.png\" alt=\"rack\" width=\"690\">\
                 <div class=\"meta\"><svg class=\"fa\"><use href=\"#far-image\"></use></svg><span class=\"filename\">rack.png</span>\
                 <span class=\"informations\">1920×1080 245 KB</span></div></a></div></p>",
                "[rack](https://f.example/uploads/original/rack.png)",
            ),
            (
                "<p>thanks <a class=\"mention\" href=\"/u/dan\">@dan</a> <img src=\"/images/emoji/twitter/+1.png?v=12\" \
                 title=\":+1:\" class=\"emoji\" alt=\":+1:\"> <img class=\"emoji only-emoji\" alt=\":slight_smile:\"></p>",
                "thanks @dan :+1: :slight_smile:",
            ),
            (
                "<aside class=\"onebox allowlistedgeneric\" data-onebox-src=\"https://restic.example/docs\">\
                 <header class=\"source\"><a href=\"https://restic.example/docs\">restic.example</a></header>\
                 <article><h3>Docs</h3><p>Backups done right</p></article></aside>",
                "https://restic.example/docs",
            ),
            (
                "<details><summary>Full log</summary><pre><code class=\"lang-plaintext\">line 1\nline 2\n</code></pre></details>",
                "[details=\"Full log\"]\n```plaintext\nline 1\nline 2\n```\n[/details]",
            ),
            (
                "<ul>\n<li>one</li>\n<li><strong>two</strong></li>\n</ul>\n<h2><a name=\"x\" class=\"anchor\" href=\"#x\"></a>Heading</h2>",
                "- one\n- **two**\n\n## Heading",
            ),
            ("<p>It’s “typographic”</p>", "It’s “typographic”"),
        ];
        for (html, want) in cases {
            assert_eq!(cooked(html), *want, "{html}");
        }
    }

    #[test]
    fn kinds_and_statuses() {
        let rows = |fields: &str| {
            let post = one(fields);
            (post.extra.status.clone(), post.extra.event.clone(), post.extra.whisper, post.body)
        };
        type Row = (Option<String>, Option<String>, bool, String);
        let cases: &[(&str, Row)] = &[
            (r#""cooked": "<p>cooked</p>", "raw": "**raw**""#, (None, None, false, "**raw**".into())),
            (
                r#""cooked": "<p>x</p>", "post_type": 3, "action_code": "pinned.enabled""#,
                (None, Some("pinned.enabled".into()), false, "".into()),
            ),
            (r#""cooked": "<p>psst</p>", "post_type": 4"#, (None, None, true, "psst".into())),
            (
                r#""cooked": "<p>This post was flagged by the community and is temporarily hidden.</p>", "hidden": true, "cooked_hidden": true"#,
                (Some("flagged".into()), None, false, "".into()),
            ),
            (
                r#""cooked": "<p>seen by staff</p>", "hidden": true"#,
                (Some("flagged".into()), None, false, "seen by staff".into()),
            ),
            (
                r#""cooked": "<p>(post deleted by author)</p>", "user_deleted": true"#,
                (Some("deleted".into()), None, false, "".into()),
            ),
            (
                r#""cooked": "<p>kept</p>", "deleted_at": "2023-11-05T10:00:00.000Z""#,
                (Some("deleted".into()), None, false, "kept".into()),
            ),
            (
                r#""cooked": "<p>x</p>", "deleted_at": null, "hidden": null, "user_deleted": null"#,
                (None, None, false, "x".into()),
            ),
            (r#""raw": "a\r\nb  \n""#, (None, None, false, "a\nb".into())),
        ];
        for (fields, want) in cases {
            assert_eq!(rows(fields), *want, "{fields}");
        }
    }

    #[test]
    fn likes_reactions_and_replies() {
        let post = one(
            r#""cooked": "", "actions_summary": [{"id": 3, "count": 9}, {"id": 2, "count": 4, "acted": true}],
               "reactions": [{"id": "heart", "type": "emoji", "count": 3}, {"id": "+1", "type": "emoji", "count": 2},
                             {"id": "nas_blob", "type": "emoji", "count": 1}, {"id": "clap", "count": 0}], "reaction_users_count": 6"#,
        );
        assert_eq!(post.likes, 4);
        let reactions: Vec<(&str, u32)> = post.extra.reactions.iter().map(|r| (r.emoji.as_str(), r.count)).collect();
        assert_eq!(reactions, [("❤️", 3), ("👍", 2), (":nas_blob:", 1)]);
        assert_eq!(one(r#""actions_summary": [{"id": 2}]"#).likes, 0);
        assert_eq!(one(r#""actions_summary": null"#).likes, 0);
        let quote = |topic: u32| {
            format!(
                r#"<aside class=\"quote\" data-username=\"x\" data-post=\"2\" data-topic=\"{topic}\"><blockquote><p>q</p></blockquote></aside>"#
            )
        };
        let text = topic(
            r#""id": 31877"#,
            &[
                (2, r#""cooked": "<p>a</p>""#),
                (3, &format!(r#""cooked": "{}<p>b</p>""#, quote(31877))),
                (4, &format!(r#""cooked": "{}<p>c</p>""#, quote(999))),
                (5, &format!(r#""cooked": "{}", "reply_to_post_number": 3"#, quote(31877))),
                (6, r#""raw": "[quote=\"x, post:4\"]\nq\n[/quote]\n\nd""#),
                (7, r#""cooked": "<p>e</p>", "reply_to_post_number": 7"#),
            ],
        );
        let replies: Vec<(u32, Option<u32>)> =
            parse_ok(&text).only().posts.iter().map(|p| (p.number, p.reply_to)).collect();
        assert_eq!(replies, [(2, None), (3, Some(2)), (4, None), (5, Some(3)), (6, Some(4)), (7, None)]);
    }

    #[test]
    fn pages_of_a_topic() {
        // A `posts.json` page: no title, and fewer posts than the stream lists.
        let text = r#"{"post_stream": {"posts": [
            {"id": 5, "post_number": 21, "username": "a", "cooked": "<p>x</p>", "topic_id": 31877},
            {"id": 6, "post_number": 23, "username": "b", "cooked": "<p>y</p>", "topic_id": 31877}
        ], "stream": [1, 2, 3, 4, 5, 6]}, "id": 31877}"#;
        let parsed = parse_ok(text);
        assert!(parsed.warnings.is_empty(), "{parsed:?}");
        assert_eq!(parsed.notes.len(), 1);
        assert!(parsed.notes[0].message.starts_with("the topic is partial: it has 6 posts"), "{:?}", parsed.notes);
        let thread = parsed.only();
        assert_eq!((thread.title, thread.pool), (None, Some(Pool::Discourse("31877".into()))));
        let numbers: Vec<u32> = thread.posts.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [21, 23], "gaps stay");
        // Without its own id, the topic is the one its posts name.
        let bare = r#"{"post_stream": {"posts": [{"post_number": 2, "topic_id": "77", "cooked": ""}]}}"#;
        assert_eq!(parse_ok(bare).only().pool, Some(Pool::Discourse("77".into())));
        let tags = topic(
            r#""id": 1, "title": " T ", "tags": ["nas", {"id": 3, "name": "backup", "slug": "backup"}, 5, ""]"#,
            &[(1, "")],
        );
        let thread = parse_ok(&tags).only();
        assert_eq!(
            (thread.title.as_deref(), thread.tags.as_slice()),
            (Some("T"), ["nas".to_owned(), "backup".to_owned()].as_slice())
        );
    }

    #[test]
    fn what_is_left_out_is_said() {
        let text = topic(r#""id": 1"#, &[(1, r#""cooked": "<p>kept</p>""#), (2, r#""cooked": 5"#)]);
        let parsed = parse_ok(&text);
        assert_eq!(parsed.threads[0].posts.len(), 1);
        assert_eq!(parsed.warnings.len(), 1);
        assert!(parsed.warnings[0].message.starts_with("a post that cannot be read"));
        assert_eq!(parsed.warnings[0].line, 2);
        let numberless = r#"{"post_stream": {"posts": [{"id": 1, "cooked": "x"}]}}"#;
        assert!(parse_ok(numberless).warnings[0].message.contains("without a `post_number`"));
        let cut = &EXAMPLE[..EXAMPLE.find("\"id\": 210402").unwrap()];
        let parsed = parse_ok(cut);
        assert_eq!(parsed.threads[0].posts.len(), 2);
        assert!(parsed.warnings[0].message.starts_with("the JSON breaks off"), "{:?}", parsed.warnings);
        assert!(parse(&EXAMPLE[..40], &ParseOptions::default()).is_err());
        assert!(
            parse("{\"id\": 1, \"title\": \"x\"}", &ParseOptions::default())
                .unwrap_err()
                .message
                .contains("post_stream")
        );
        assert!(parse("[1]", &ParseOptions::default()).is_err());
    }

    #[test]
    fn scores() {
        assert_eq!(score(EXAMPLE).value, MAX_SCORE);
        assert_eq!(score(r#"{"post_stream": {"posts": [{"post_number": 1, "raw": "x"}]}}"#).value, 70);
        let others = [
            include_str!("../../tests/fixtures/formats/telegram-result.json"),
            include_str!("../../tests/fixtures/formats/discord-export.json"),
            include_str!("../../tests/fixtures/formats/hn-algolia.json"),
            r#"{"post_stream": {"posts": {}}, "post_number": 1, "cooked": ""}"#,
            r#"[{"post_stream": {"posts": [{"post_number": 1, "cooked": ""}]}}]"#,
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
                assert!(!name.starts_with("discourse-topic") || value == MAX_SCORE, "{}", entry.path().display());
            }
        }
    }

    #[test]
    fn never_panics_on_mangled_topics() {
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
            "<aside class=\\\"quote\\\">",
            "<p>",
            "&#x",
            "😀",
            "-1",
            "1e999",
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
