//! Telegram Desktop's machine-readable export, `result.json` (FORMATS.md §12).
//!
//! ```text
//! {
//!  "name": "Ridge walkers",                   <- the title; none for saved messages
//!  "type": "private_supergroup",
//!  "id": 1783345902,
//!  "messages": [
//!   {
//!    "id": 414,                               <- the post's number
//!    "type": "message",                       <- `service` (joins, pins) and `unsupported`: no post
//!    "date": "2023-03-18T10:11:30",           <- local time; read only without date_unixtime
//!    "date_unixtime": "1679130690",
//!    "edited": "2023-03-18T10:21:40",         <- optional: the post was edited
//!    "from": "Rafael Mott",                   <- null for a deleted account
//!    "author": "Ines",                        <- optional: a channel post's signature
//!    "reply_to_message_id": 413,              <- a reply, if 413 is a post of the file
//!    "forwarded_from": "Peak District Weather",
//!    "photo": "photos/photo_3@18-03-2023_09-58-10.jpg",   <- or "(File not included. …)"
//!    "text": ["Count me in. ", {"type": "italic", "text": "Is it icy?"}],
//!    "text_entities": [{"type": "plain", "text": "Count me in. "}, …],
//!    "reactions": [{"type": "emoji", "count": 2, "emoji": "👍", "recent": [{"from": "Ines Calder", …}]}]
//!   }, …
//!  ]
//! }
//! ```
//!
//! One chat is one thread. A whole-account export nests chat objects like this one in
//! `chats.list` (and `left_chats.list`, the chats the account left, whose messages it
//! exported too): each is a thread, and a chat with no posts is left out.
//!
//! Posts keep the export's ids as numbers: they are what replies refer to, and they stay
//! when the chat is exported again. A reply to a message that is not a post of the file (a
//! deleted one, one outside the exported dates, or one in another chat, `reply_to_peer_id`)
//! is no reply. The date is `date_unixtime`; older exports have only `date`, the exporting
//! computer's local time, which is read in front matter's zone (else UTC).
//!
//! The text is a string, or an array of strings and `{type, text}` parts; `text_entities`
//! (since 2022) holds the same parts, all as objects, and is what is read where the export
//! has it (it is quicker to read). Parts become Markdown: bold, italic,
//! strikethrough, code, pre (a fenced block), text_link (a link) and blockquote; the rest
//! (plain, links, mentions, hashtags, spoilers, …) is text, escaped so that it cannot be
//! taken for markup. Photos and files become attachments, named by `file_name` or their
//! path; a file the export left out (`(File not included. …)`) is one without a source. A
//! sticker without text has its emoji as its text; polls, to-do lists, places and shared
//! contacts are written as lines of text (a contact by name, without the phone number).
//!
//! `from` is the author; a channel post's signature (`author`) is shown as the author's
//! flair. `forwarded_from` (or, in saved messages, `saved_from`) names where a forwarded
//! message came from. `via_bot`, the inline bot that wrote a message for its author, is not
//! kept: the message is the author's. Likes are the sum of the emoji and custom emoji
//! reactions; paid reactions count Telegram Stars, not people, and are left out.
//!
//! Telegram Desktop writes a control character inside a string as `\x0B`, which JSON does
//! not have; it is read as `\u000B`.

use std::fmt;

use rustc_hash::FxHashSet;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::chat_json::{self, Items, Lines, at_line_start, null_default, push_escaped};
use super::parsed::{Parsed, ParsedThread, Score};
use crate::dates::{self, DateContext};
use crate::diagnostic::Problem;
use crate::model::{Attachment, ParseOptions, Post, Reaction};

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

/// A chat's `type`, which tells an export with no messages from other JSON.
const CHAT_TYPES: &[&str] = &[
    "personal_chat",
    "bot_chat",
    "private_group",
    "private_supergroup",
    "public_supergroup",
    "private_channel",
    "public_channel",
    "saved_messages",
];

pub fn score(text: &str) -> Score {
    if !chat_json::is_object(text) {
        return Score::none("not a JSON object");
    }
    let head = chat_json::head(text);
    let key = |key: &str, from: usize| chat_json::find_key(head, key, from);
    if let Some(at) = key("messages", 0).filter(|&at| head[at..].trim_start().starts_with('[')) {
        if key("id", at).is_some()
            && key("type", at).is_some()
            && (key("date_unixtime", at).or(key("date", at))).is_some()
        {
            return Score {
                value: MAX_SCORE,
                reason: "a JSON object whose `messages` have `id`, `type` and `date` (Telegram Desktop's export)"
                    .into(),
            };
        }
        let chat_type = key("type", 0).map_or("", |at| head[at..].trim_start());
        if CHAT_TYPES.iter().any(|t| chat_type.strip_prefix('"').is_some_and(|v| v.starts_with(&format!("{t}\"")))) {
            return Score { value: 70, reason: "a Telegram chat's `type` and `messages`".into() };
        }
    }
    if key("chats", 0).is_some_and(|at| key("list", at).is_some()) {
        return Score {
            value: 90,
            reason: "a JSON object with `chats.list` (Telegram Desktop's account export)".into(),
        };
    }
    if key("personal_information", 0).is_some_and(|at| key("user_id", at).is_some()) {
        return Score { value: 80, reason: "`personal_information` (Telegram Desktop's account export)".into() };
    }
    Score::none("no `messages` with `id`, `type` and `date`, nor `chats.list`")
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    let repaired = repair_hex_escapes(text);
    let text = repaired.as_deref().unwrap_or(text);
    let mut export = Export::default();
    let result = chat_json::read(text, ChatReader { chat: &mut export.chat, lists: Some(&mut export.chats) });
    let kept = export.chat.messages.len() + export.chats.iter().map(|c| c.messages.len()).sum::<usize>();
    let mut parsed = Parsed::default();
    if let Err(e) = &result {
        if kept == 0 {
            return Err(chat_json::broken(e, "Telegram", 0));
        }
        parsed.warnings.push(chat_json::broken(e, "Telegram", kept));
    }
    if !export.chat.found && export.chats.is_empty() {
        return Err(Problem {
            line: 1,
            message: "no `messages` and no `chats.list`: not a Telegram chat export".into(),
            hint: Some("export the chat from Telegram Desktop as \"Machine-readable JSON\" (`result.json`)".into()),
        });
    }
    let ctx = DateContext::new(options);
    let mut lines = Lines::new(text);
    if export.chat.found || export.chats.is_empty() {
        parsed.threads.push(read_chat(&export.chat, &mut lines, &ctx, &mut parsed.warnings));
    }
    for chat in &export.chats {
        let thread = read_chat(chat, &mut lines, &ctx, &mut parsed.warnings);
        if !thread.posts.is_empty() {
            parsed.threads.push(thread);
        }
    }
    Ok(parsed)
}

/// `\xHH` escapes made `\u00HH`, where the text has any (in a string, after an odd number
/// of backslashes).
fn repair_hex_escapes(text: &str) -> Option<String> {
    if !text.contains("\\x") {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut backslashes = 0usize;
    let mut changed = false;
    for c in text.chars() {
        if c == 'x' && backslashes % 2 == 1 {
            out.push_str("u00");
            changed = true;
        } else {
            out.push(c);
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    changed.then_some(out)
}

/// A chat as read from the export, its messages still raw.
#[derive(Default)]
struct Chat<'a> {
    name: Option<String>,
    messages: Vec<&'a RawValue>,
    /// Whether the object had `messages` at all.
    found: bool,
}

/// A whole export: one chat, or an account's chats.
#[derive(Default)]
struct Export<'a> {
    chat: Chat<'a>,
    chats: Vec<Chat<'a>>,
}

/// Reads a chat object's keys; at the top of an account export, also its chat lists.
struct ChatReader<'v, 'a> {
    chat: &'v mut Chat<'a>,
    lists: Option<&'v mut Vec<Chat<'a>>>,
}

impl<'de> DeserializeSeed<'de> for ChatReader<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ChatReader<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Telegram chat export (an object with `messages`)")
    }

    fn visit_map<M: MapAccess<'de>>(mut self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match (key.as_str(), self.lists.as_deref_mut()) {
                ("name", _) => self.chat.name = map.next_value()?,
                ("messages", _) => {
                    self.chat.found = true;
                    map.next_value_seed(Items(&mut self.chat.messages))?;
                }
                ("chats" | "left_chats", Some(chats)) => map.next_value_seed(ChatList(chats))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// An account export's `chats` object: its `list` of chats.
struct ChatList<'v, 'a>(&'v mut Vec<Chat<'a>>);

impl<'de> DeserializeSeed<'de> for ChatList<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ChatList<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a `list` of chats")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "list" {
                map.next_value_seed(ChatList(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    /// The list itself: each chat is kept as it is read, so that a break inside one keeps
    /// the chats and messages before it.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            self.0.push(Chat::default());
            let Some(chat) = self.0.last_mut() else { return Ok(()) };
            if seq.next_element_seed(ChatReader { chat, lists: None })?.is_none() {
                self.0.pop();
                return Ok(());
            }
        }
    }
}

/// A message as the export writes it; what is not read here is ignored.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Message<'a> {
    id: Option<i64>,
    #[serde(rename = "type")]
    kind: Option<String>,
    date: Option<String>,
    date_unixtime: Option<Unix>,
    edited: Option<IgnoredAny>,
    edited_unixtime: Option<IgnoredAny>,
    from: Option<String>,
    author: Option<String>,
    forwarded_from: Option<String>,
    saved_from: Option<String>,
    reply_to_message_id: Option<i64>,
    reply_to_peer_id: Option<IgnoredAny>,
    photo: Option<String>,
    file: Option<String>,
    file_name: Option<String>,
    media_type: Option<String>,
    sticker_emoji: Option<String>,
    contact_vcard: Option<String>,
    poll: Option<Poll>,
    todo_list: Option<Todo>,
    location_information: Option<Location>,
    place_name: Option<String>,
    address: Option<String>,
    contact_information: Option<Contact>,
    /// Read only where `text_entities` is not: the same parts, in a form slower to read.
    #[serde(borrow)]
    text: Option<&'a RawValue>,
    #[serde(deserialize_with = "null_default")]
    text_entities: Vec<Entity>,
    #[serde(deserialize_with = "null_default")]
    reactions: Vec<TelegramReaction>,
}

/// Unix seconds: a string in the export, a number where a tool rewrote it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Unix {
    Text(String),
    Number(i64),
}

impl Unix {
    fn timestamp(&self) -> Option<jiff::Timestamp> {
        let seconds = match self {
            Unix::Text(text) => text.trim().parse().ok()?,
            Unix::Number(n) => *n,
        };
        jiff::Timestamp::from_second(seconds).ok()
    }
}

/// A text: a plain string, or parts.
#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    Plain(String),
    Parts(Vec<Part>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Part {
    Plain(String),
    Entity(Entity),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Entity {
    #[serde(rename = "type")]
    kind: String,
    text: String,
    href: Option<String>,
    language: Option<String>,
}

impl Text {
    /// The text without its formatting.
    fn plain(&self) -> String {
        match self {
            Text::Plain(text) => text.clone(),
            Text::Parts(parts) => parts
                .iter()
                .map(|part| match part {
                    Part::Plain(text) => text.as_str(),
                    Part::Entity(entity) => entity.text.as_str(),
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Poll {
    question: Option<Text>,
    #[serde(deserialize_with = "null_default")]
    answers: Vec<Answer>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Answer {
    text: Option<Text>,
    voters: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Todo {
    title: Option<Text>,
    #[serde(deserialize_with = "null_default")]
    answers: Vec<Answer>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Location {
    latitude: Option<f64>,
    longitude: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Contact {
    first_name: Option<String>,
    last_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TelegramReaction {
    #[serde(rename = "type")]
    kind: Option<String>,
    count: Option<u64>,
    emoji: Option<String>,
    #[serde(deserialize_with = "null_default")]
    recent: Vec<Recent>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Recent {
    from: Option<String>,
}

/// What a chat's messages were that are no posts and are not simply system events.
#[derive(Default)]
struct LeftOut {
    /// `unsupported`: messages Telegram Desktop could not export.
    unsupported: Vec<usize>,
    /// Messages of a type this reader does not know.
    unknown: Vec<usize>,
    /// Posts without a usable id.
    unnumbered: Vec<usize>,
}

/// A chat's thread: its posts, and warnings for what was left out.
fn read_chat(chat: &Chat, lines: &mut Lines, ctx: &DateContext, warnings: &mut Vec<Problem>) -> ParsedThread {
    let mut posts: Vec<Post> = Vec::new();
    let mut left_out = LeftOut::default();
    for raw in &chat.messages {
        let line = lines.of(raw);
        let (message, text) = match read_message(raw) {
            Ok(read) => read,
            Err(_) if chat_json::kind(raw).as_deref() == Some("service") => continue,
            Err(e) => {
                warnings.push(chat_json::unreadable(line, &e));
                continue;
            }
        };
        match message.kind.as_deref() {
            Some("message") | None => {}
            Some("service") => continue,
            Some("unsupported") => {
                left_out.unsupported.push(line);
                continue;
            }
            Some(_) => {
                left_out.unknown.push(line);
                continue;
            }
        }
        let Some(number) = message.id.and_then(|id| u32::try_from(id).ok()) else {
            left_out.unnumbered.push(line);
            continue;
        };
        posts.push(read_post(message, text, number, line, ctx, warnings));
    }
    let numbers: FxHashSet<u32> = posts.iter().map(|p| p.number).collect();
    for post in &mut posts {
        post.reply_to = post.reply_to.filter(|parent| *parent != post.number && numbers.contains(parent));
    }
    warn_left_out(&left_out, warnings);
    let title = chat.name.clone().filter(|name| !name.trim().is_empty());
    ParsedThread { title, posts, ..ParsedThread::default() }
}

fn warn_left_out(left_out: &LeftOut, warnings: &mut Vec<Problem>) {
    let cases = [
        (
            &left_out.unsupported,
            "that Telegram Desktop could not export (`unsupported`)",
            "export the chat again with a newer Telegram Desktop",
        ),
        (&left_out.unknown, "of a type other than `message` or `service`", "check the export; these are not read"),
        (&left_out.unnumbered, "without an `id`", "check the export: every message has its `id`"),
    ];
    for (lines, what, hint) in cases {
        let Some(&line) = lines.first() else { continue };
        let n = lines.len();
        warnings.push(Problem {
            line,
            message: format!(
                "{n} message{} {what} {} left out",
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" }
            ),
            hint: Some(hint.into()),
        });
    }
}

/// A message, and its `text` where it has no `text_entities`.
fn read_message(raw: &RawValue) -> Result<(Message<'_>, Option<Text>), serde_json::Error> {
    let message: Message = serde_json::from_str(raw.get())?;
    let text = match message.text {
        Some(text) if message.text_entities.is_empty() => Some(serde_json::from_str(text.get())?),
        _ => None,
    };
    Ok((message, text))
}

/// A message of type `message` as a post; its reply is checked once the chat is read.
fn read_post(
    message: Message,
    text: Option<Text>,
    number: u32,
    line: usize,
    ctx: &DateContext,
    warnings: &mut Vec<Problem>,
) -> Post {
    let non_empty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    let mut post = Post {
        number,
        author: non_empty(&message.from),
        line,
        body: body(&message, text.as_ref()),
        reply_to: message
            .reply_to_message_id
            .filter(|_| message.reply_to_peer_id.is_none())
            .and_then(|id| u32::try_from(id).ok()),
        ..Post::default()
    };
    match message.date_unixtime.as_ref().and_then(Unix::timestamp) {
        Some(date) => post.date = Some(date),
        None => {
            if let Some(text) = &message.date {
                post.date = dates::absolute(text, ctx);
                if post.date.is_none() {
                    post.extra.date_text = Some(text.clone());
                }
            }
        }
    }
    let attachments = attachments(&message, line, warnings);
    if !attachments.is_empty() {
        post.extra.attachments = attachments;
    }
    let (likes, reactions) = reactions(message.reactions);
    post.likes = likes;
    if !reactions.is_empty() {
        post.extra.reactions = reactions;
    }
    if message.edited.is_some() || message.edited_unixtime.is_some() {
        post.extra.edited = true;
    }
    if let Some(from) = non_empty(&message.forwarded_from).or_else(|| non_empty(&message.saved_from)) {
        post.extra.forwarded_from = Some(from);
    }
    if let Some(signature) = non_empty(&message.author) {
        post.extra.flair = Some(signature);
    }
    post
}

/// The sum of the emoji and custom emoji reactions, and those reactions.
fn reactions(list: Vec<TelegramReaction>) -> (u32, Vec<Reaction>) {
    let mut likes = 0u32;
    let mut out = Vec::new();
    for reaction in list {
        let emoji = match (reaction.kind.as_deref(), reaction.emoji) {
            (Some("emoji") | None, Some(emoji)) => emoji,
            (Some("custom_emoji"), _) => "custom emoji".to_owned(),
            _ => continue,
        };
        let count = u32::try_from(reaction.count.unwrap_or(1)).unwrap_or(u32::MAX);
        likes = likes.saturating_add(count);
        let users = reaction.recent.into_iter().filter_map(|r| r.from).filter(|n| !n.trim().is_empty()).collect();
        out.push(Reaction { emoji, count, users });
    }
    (likes, out)
}

/// Whether a file's path is the export's note that it left the file out:
/// `(File not included. Change data exporting settings to download.)`, `(File exceeds
/// maximum size. …)`, `(File unavailable, please try again later)`.
fn is_left_out(path: &str) -> bool {
    path.ends_with(')')
        && (path.contains("(File ") || path.contains("(Photo "))
        && (path.contains("to download") || path.contains("unavailable"))
}

/// The message's photo and files.
fn attachments(message: &Message, line: usize, warnings: &mut Vec<Problem>) -> Vec<Attachment> {
    let media = message.media_type.as_deref().map(|m| m.replace('_', " "));
    let files = [
        (message.photo.as_deref(), None, "photo"),
        (message.file.as_deref(), message.file_name.as_deref(), media.as_deref().unwrap_or("file")),
        (message.contact_vcard.as_deref(), None, "contact.vcf"),
    ];
    let mut out = Vec::new();
    for (path, name, kind) in files {
        let Some(path) = path.filter(|p| !p.trim().is_empty()) else { continue };
        let source = if is_left_out(path) { None } else { chat_json::relative_source(path) };
        if source.is_none() && !is_left_out(path) {
            warnings.push(Problem {
                line,
                message: format!("the file `{path}` is outside the export's folder: kept by name only"),
                hint: Some("keep the export's files in its folder, beside `result.json`".into()),
            });
        }
        let from_path = source.as_deref().and_then(|s| s.rsplit('/').next());
        let name = name.filter(|n| !n.trim().is_empty()).or(from_path).unwrap_or(kind).to_owned();
        out.push(Attachment::new(name, source));
    }
    out
}

/// The message's text as Markdown, then what its media say in words.
fn body(message: &Message, text: Option<&Text>) -> String {
    let mut out = String::new();
    for entity in &message.text_entities {
        push_entity(&mut out, entity);
    }
    match text {
        Some(Text::Parts(parts)) => push_parts(&mut out, parts),
        Some(Text::Plain(text)) => push_plain(&mut out, text),
        None => {}
    }
    if out.trim().is_empty() {
        out.clear();
        if let Some(emoji) =
            message.sticker_emoji.as_deref().filter(|_| message.media_type.as_deref() == Some("sticker"))
        {
            push_plain(&mut out, emoji);
        }
    }
    if let Some(poll) = &message.poll {
        push_list(&mut out, "📊", poll.question.as_ref(), &poll.answers);
    }
    if let Some(todo) = &message.todo_list {
        push_list(&mut out, "📝", todo.title.as_ref(), &todo.answers);
    }
    push_place(&mut out, message);
    if let Some(contact) = &message.contact_information {
        let name = [&contact.first_name, &contact.last_name].into_iter().flatten().map(|s| s.trim());
        let name = name.filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
        if !name.is_empty() {
            start_paragraph(&mut out);
            out.push_str("👤 ");
            push_escaped(&mut out, &name, false);
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Starts a paragraph of its own after what `out` holds.
fn start_paragraph(out: &mut String) {
    if !out.trim().is_empty() {
        out.truncate(out.trim_end().len());
        out.push_str("\n\n");
    }
}

/// A poll or to-do list: its question, then its answers as a list (a poll's with their
/// votes).
fn push_list(out: &mut String, icon: &str, title: Option<&Text>, answers: &[Answer]) {
    start_paragraph(out);
    out.push_str(icon);
    out.push(' ');
    push_escaped(out, &title.map(Text::plain).unwrap_or_default(), false);
    out.push('\n');
    for answer in answers {
        out.push_str("- ");
        push_escaped(out, &answer.text.as_ref().map(Text::plain).unwrap_or_default(), true);
        if let Some(voters) = answer.voters {
            out.push_str(&format!(" ({voters})"));
        }
        out.push('\n');
    }
}

/// A shared place: its name and address, and where it is.
fn push_place(out: &mut String, message: &Message) {
    let point = message.location_information.as_ref().and_then(|l| Some((l.latitude?, l.longitude?)));
    let words: Vec<&str> = [&message.place_name, &message.address]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if point.is_none() && words.is_empty() {
        return;
    }
    start_paragraph(out);
    out.push_str("📍 ");
    push_escaped(out, &words.join(", "), false);
    if let Some((latitude, longitude)) = point {
        out.push_str(&format!("{}{latitude}, {longitude}", if words.is_empty() { "" } else { " · " }));
    }
}

fn push_parts(out: &mut String, parts: &[Part]) {
    for part in parts {
        match part {
            Part::Plain(text) => push_plain(out, text),
            Part::Entity(entity) => push_entity(out, entity),
        }
    }
}

/// Plain text; after a block, the line breaks that ended it in the text are there already.
fn push_plain(out: &mut String, text: &str) {
    let text = if out.ends_with("\n\n") { text.trim_start_matches('\n') } else { text };
    push_escaped(out, text, at_line_start(out));
}

fn push_entity(out: &mut String, entity: &Entity) {
    let text = entity.text.as_str();
    match entity.kind.as_str() {
        "bold" => chat_json::push_emphasis(out, text, "**"),
        "italic" => chat_json::push_emphasis(out, text, "*"),
        "strikethrough" => chat_json::push_emphasis(out, text, "~~"),
        "code" => chat_json::push_code(out, text),
        "pre" => chat_json::push_fence(out, text, entity.language.as_deref()),
        "text_link" => match entity.href.as_deref().filter(|h| !h.trim().is_empty()) {
            Some(href) => chat_json::push_link(out, text, href),
            None => push_plain(out, text),
        },
        "blockquote" => chat_json::push_quote(out, text, false),
        _ => push_plain(out, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../tests/fixtures/formats/telegram-result.json");

    fn chat(messages: &str) -> String {
        format!(
            "{{\n \"name\": \"Trail talk\",\n \"type\": \"private_group\",\n \"id\": 42,\n \"messages\": [{messages}]\n}}"
        )
    }

    fn message(id: u32, fields: &str) -> String {
        format!(
            "\n  {{\n   \"id\": {id},\n   \"type\": \"message\",\n   \"date\": \"2023-03-18T10:00:00\",\n   \"date_unixtime\": \"1679133600\",\n   \"from\": \"Ana\",\n   {fields}\n  }}"
        )
    }

    fn one(fields: &str) -> Post {
        let text = chat(&message(7, fields));
        let thread = parse(&text, &ParseOptions::default()).unwrap().only();
        let [post] = <[Post; 1]>::try_from(thread.posts).unwrap();
        post
    }

    fn body_of(text: &str) -> String {
        one(&format!("\"text\": {text}")).body
    }

    /// A post's number, line, author, parent, likes and body.
    type Row<'a> = (u32, usize, Option<&'a str>, Option<u32>, u32, &'a str);

    #[test]
    fn example_export() {
        let parsed = parse(EXAMPLE, &ParseOptions::default()).unwrap();
        assert!(parsed.warnings.is_empty() && parsed.notes.is_empty(), "{parsed:?}");
        let thread = parsed.only();
        assert_eq!((thread.title.as_deref(), thread.topic.as_deref()), (Some("Ridge walkers"), None));
        let got: Vec<Row> = thread
            .posts
            .iter()
            .map(|p| (p.number, p.line, p.author.as_deref(), p.reply_to, p.likes, p.body.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (412, 20, Some("Ines Calder"), None, 0, "Last weekend on Mam Tor"),
                (
                    413,
                    39,
                    Some("Ines Calder"),
                    None,
                    3,
                    "Sunday: **Kinder Scout** from Edale, meet 8:30 at the station. Route: https://example.org/routes/kinder-edale"
                ),
                (
                    414,
                    89,
                    Some("Rafael Mott"),
                    Some(413),
                    0,
                    "Count me in. *Is it icy?* Jacob's Ladder was glass last time."
                ),
                (
                    416,
                    120,
                    Some("Ines Calder"),
                    Some(414),
                    0,
                    "Forecast says +4 on the plateau. Bring microspikes just in case."
                ),
                (
                    417,
                    138,
                    Some("Rafael Mott"),
                    None,
                    0,
                    "**Sunday:** dry, light winds, summit 2°C, cloud lifting by 11"
                ),
                (418, 164, Some("Rafael Mott"), None, 0, "👍"),
            ]
        );
        let p = &thread.posts;
        assert_eq!(p[0].date.unwrap().to_string(), "2023-03-18T08:58:10Z");
        assert_eq!(p[0].extra.attachments, [Attachment::at("photos/photo_3@18-03-2023_09-58-10.jpg")]);
        let reactions: Vec<(&str, u32)> = p[1].extra.reactions.iter().map(|r| (r.emoji.as_str(), r.count)).collect();
        assert_eq!(reactions, [("👍", 2), ("🥾", 1)]);
        assert!(p[3].extra.edited && !p[2].extra.edited);
        assert_eq!(p[3].date.unwrap().to_string(), "2023-03-18T09:20:05Z", "the sending date, not the edit's");
        assert_eq!(p[4].extra.forwarded_from.as_deref(), Some("Peak District Weather"));
        assert_eq!(p[5].extra.attachments, [Attachment::new("sticker", None)]);
    }

    #[test]
    fn texts_become_markdown() {
        let cases: &[(&str, &str)] = &[
            (r#""*not* bold_ever, 2 < 3""#, r"\*not\* bold_ever, 2 \< 3"),
            (r##""# hashtag\n1. not a list\n- nor this""##, "\\# hashtag\n1\\. not a list\n\\- nor this"),
            (r#"["a ", {"type": "bold", "text": "b "}, "c"]"#, "a **b** c"),
            (r#"[{"type": "bold", "text": "x"}, {"type": "italic", "text": "y"}]"#, "**x**_y_"),
            (r#"[{"type": "italic", "text": "two\nlines"}]"#, "*two*\n*lines*"),
            (
                r#"[{"type": "strikethrough", "text": "gone"}, " ", {"type": "underline", "text": "u*"}]"#,
                "~~gone~~ u\\*",
            ),
            (r#"["run ", {"type": "code", "text": "ls `pwd`"}]"#, "run `` ls `pwd` ``"),
            (
                r#"["Try:\n", {"type": "pre", "text": "fn main() {}\n", "language": "rust"}, "\nthen"]"#,
                "Try:\n```rust\nfn main() {}\n```\n\nthen",
            ),
            (r#"[{"type": "pre", "text": "a ``` b"}]"#, "````\na ``` b\n````"),
            (
                r#"["see ", {"type": "text_link", "text": "the [map]", "href": "https://x.example/a b(1)"}]"#,
                "see [the \\[map\\]](https://x.example/a%20b%281%29)",
            ),
            (r#"[{"type": "text_link", "text": "no href"}]"#, "no href"),
            (r##"[{"type": "blockquote", "text": "# quoted\nsecond"}, "\nreply"]"##, "> \\# quoted\n> second\n\nreply"),
            (r#"["He said ", {"type": "blockquote", "text": "go", "collapsed": true}, "ok"]"#, "He said\n> go\n\nok"),
            (
                r##"[{"type": "mention", "text": "@ana_b"}, " ", {"type": "hashtag", "text": "#peaks"}, " ", {"type": "spoiler", "text": "*x*"}]"##,
                "@ana_b #peaks \\*x\\*",
            ),
            (r##"[{"type": "hashtag", "text": "#peaks"}, " first"]"##, "\\#peaks first"),
            (
                r#"[{"type": "link", "text": "https://x.example/a_b_(c)"}, " ", {"type": "custom_emoji", "text": "🏔", "document_id": "stickers/1.webp"}]"#,
                "https://x.example/a_b_(c) 🏔",
            ),
            (r#"[{"type": "unknown", "text": "[x]"}, {"type": "bank_card", "text": "1234"}]"#, "\\[x\\]1234"),
        ];
        for (text, want) in cases {
            assert_eq!(body_of(text), *want, "{text}");
        }
        // `text_entities`, where the export has it, is what is read.
        let post = one(
            r#""text": "old", "text_entities": [{"type": "plain", "text": "new "}, {"type": "bold", "text": "one"}]"#,
        );
        assert_eq!(post.body, "new **one**");
        assert_eq!(one(r#""text": "fallback", "text_entities": []"#).body, "fallback");
    }

    #[test]
    fn dates() {
        let berlin =
            ParseOptions { timezone: Some(jiff::tz::TimeZone::get("Europe/Berlin").unwrap()), ..Default::default() };
        let at = |fields: &str, options: &ParseOptions| {
            let text = chat(&format!("{{\"id\": 1, \"type\": \"message\", {fields}, \"text\": \"x\"}}"));
            let post = parse(&text, options).unwrap().only().posts.remove(0);
            (post.date.map(|d| d.to_string()), post.extra.date_text.clone())
        };
        let utc = ParseOptions::default();
        let cases: &[(&str, &ParseOptions, Option<&str>, Option<&str>)] = &[
            (
                r#""date": "2023-03-18T10:11:30", "date_unixtime": "1679130690""#,
                &berlin,
                Some("2023-03-18T09:11:30Z"),
                None,
            ),
            (r#""date_unixtime": 1679130690"#, &utc, Some("2023-03-18T09:11:30Z"), None),
            (r#""date": "2023-03-18T10:11:30""#, &utc, Some("2023-03-18T10:11:30Z"), None),
            (r#""date": "2023-03-18T10:11:30""#, &berlin, Some("2023-03-18T09:11:30Z"), None),
            (r#""date": "2023-07-18T10:11:30""#, &berlin, Some("2023-07-18T08:11:30Z"), None),
            (r#""date": "soon""#, &utc, None, Some("soon")),
            (r#""from": "x""#, &utc, None, None),
        ];
        for (fields, options, date, text) in cases {
            let (got_date, got_text) = at(fields, options);
            assert_eq!((got_date.as_deref(), got_text.as_deref()), (*date, *text), "{fields}");
        }
    }

    #[test]
    fn replies_need_a_post_of_the_file() {
        let service = r#"{"id": 3, "type": "service", "date_unixtime": "1", "actor": "Ana", "action": "pin_message", "message_id": 2}"#;
        let messages = [
            message(2, r#""text": "root""#),
            service.to_owned(),
            message(4, r#""reply_to_message_id": 2, "text": "a""#),
            message(5, r#""reply_to_message_id": 1, "text": "deleted parent""#),
            message(6, r#""reply_to_message_id": 2, "reply_to_peer_id": "channel77", "text": "other chat""#),
            message(7, r#""reply_to_message_id": 3, "text": "to the service message""#),
            message(8, r#""reply_to_message_id": 8, "text": "itself""#),
        ];
        let thread = parse(&chat(&messages.join(",")), &ParseOptions::default()).unwrap().only();
        let got: Vec<(u32, Option<u32>)> = thread.posts.iter().map(|p| (p.number, p.reply_to)).collect();
        assert_eq!(got, [(2, None), (4, Some(2)), (5, None), (6, None), (7, None), (8, None)]);
    }

    #[test]
    fn message_fields() {
        let post = one(r#""edited_unixtime": "1679133700", "text": "x""#);
        assert!(post.extra.edited);
        let text = chat(r#"{"id": 1, "type": "message", "date_unixtime": "1", "from": null, "text": "x"}"#);
        assert_eq!(parse(&text, &ParseOptions::default()).unwrap().only().posts[0].author, None);
        let post = one(r#""author": "Ines", "forwarded_from": "Peaks Daily", "via_bot": "@gif", "text": "x""#);
        assert_eq!((post.author.as_deref(), post.extra.flair.as_deref()), (Some("Ana"), Some("Ines")));
        assert_eq!(post.extra.forwarded_from.as_deref(), Some("Peaks Daily"));
        assert_eq!(
            one(r#""saved_from": "Trail talk", "text": "x""#).extra.forwarded_from.as_deref(),
            Some("Trail talk")
        );
        assert_eq!(one(r#""forwarded_from": null, "text": "x""#).extra.forwarded_from, None);
    }

    #[test]
    fn reactions_and_likes() {
        let post = one(r#""text": "x", "reactions": [
                {"type": "emoji", "count": 3, "emoji": "❤", "recent": [{"from": "Ana", "from_id": "user1", "date": "x"}, {"from": null}]},
                {"type": "custom_emoji", "count": 2, "document_id": "(File not included. Change data exporting settings to download.)"},
                {"type": "paid", "count": 50}
            ]"#);
        assert_eq!(post.likes, 5);
        assert_eq!(
            post.extra.reactions,
            [
                Reaction { emoji: "❤".into(), count: 3, users: vec!["Ana".into()] },
                Reaction { emoji: "custom emoji".into(), count: 2, users: vec![] },
            ]
        );
    }

    #[test]
    fn media() {
        let left_out = "(File not included. Change data exporting settings to download.)";
        let cases: Vec<(String, &str, Vec<Attachment>)> = vec![
            (format!(r#""photo": "{left_out}", "text": "view""#), "view", vec![Attachment::new("photo", None)]),
            (
                r#""file": "files/route.gpx", "file_name": "Kinder route.gpx", "mime_type": "application/gpx+xml", "text": """#
                    .into(),
                "",
                vec![Attachment::new("Kinder route.gpx", Some("files/route.gpx".into()))],
            ),
            (
                format!(r#""file": "{left_out}", "media_type": "voice_message", "text": """#),
                "",
                vec![Attachment::new("voice message", None)],
            ),
            (
                r#""file": "(File exceeds maximum size. Change data exporting settings to download.)", "file_name": "big.mp4", "text": """#
                    .into(),
                "",
                vec![Attachment::new("big.mp4", None)],
            ),
            (
                r#""file": "stickers/sticker (2).webp", "media_type": "sticker", "sticker_emoji": "😅", "text": "caption""#.into(),
                "caption",
                vec![Attachment::new("sticker (2).webp", Some("stickers/sticker (2).webp".into()))],
            ),
            (
                r##""poll": {"question": "Which day?", "closed": false, "total_voters": 3, "answers": [{"text": "Saturday", "voters": 1, "chosen": false}, {"text": [{"type": "bold", "text": "# Sunday"}], "voters": 2, "chosen": true}]}, "text": """##.into(),
                "📊 Which day?\n- Saturday (1)\n- \\# Sunday (2)",
                vec![],
            ),
            (
                r#""place_name": "Edale station", "address": "Edale, S33", "location_information": {"latitude": 53.36, "longitude": -1.81}, "text": "meet here""#.into(),
                "meet here\n\n📍 Edale station, Edale, S33 · 53.36, -1.81",
                vec![],
            ),
            (r#""location_information": null, "text": "x""#.into(), "x", vec![]),
            (
                r#""contact_information": {"first_name": "Mara", "last_name": "", "phone_number": "+44 7700 900123"}, "contact_vcard": "contacts/contact_1.vcard", "text": """#.into(),
                "👤 Mara",
                vec![Attachment::new("contact_1.vcard", Some("contacts/contact_1.vcard".into()))],
            ),
        ];
        for (fields, body, attachments) in cases {
            let post = one(&fields);
            assert_eq!((post.body.as_str(), post.extra.attachments.clone()), (body, attachments), "{fields}");
        }
    }

    #[test]
    fn whole_account_export() {
        let text = format!(
            r#"{{
 "about": "Here is the data you requested.",
 "personal_information": {{"user_id": 5, "first_name": "Ana", "phone_number": "+44 ..."}},
 "contacts": {{"about": "...", "list": [{{"first_name": "B", "date": "2020-01-01T00:00:00", "date_unixtime": "1577836800"}}]}},
 "chats": {{
  "about": "This page lists all chats from this export.",
  "list": [
   {{"type": "saved_messages", "id": 5, "messages": [{}]}},
   {{"name": "Trail talk", "type": "private_group", "id": 42, "messages": [{}]}},
   {{"name": "Quiet", "type": "personal_chat", "id": 43, "messages": []}}
  ]
 }},
 "left_chats": {{"about": "...", "list": [{{"name": "Old club", "type": "private_supergroup", "id": 44, "messages": [{}]}}]}}
}}"#,
            message(1, r#""text": "note to self""#),
            message(9, r#""text": "hi""#),
            message(3, r#""text": "bye""#),
        );
        assert_eq!(score(&text).value, MAX_SCORE);
        let parsed = parse(&text, &ParseOptions::default()).unwrap();
        let got: Vec<(Option<&str>, Vec<u32>)> =
            parsed.threads.iter().map(|t| (t.title.as_deref(), t.posts.iter().map(|p| p.number).collect())).collect();
        assert_eq!(got, [(None, vec![1]), (Some("Trail talk"), vec![9]), (Some("Old club"), vec![3])]);
        assert_eq!(parsed.threads[1].posts[0].line, 18);
    }

    #[test]
    fn what_is_left_out_is_said() {
        let messages = [
            message(1, r#""text": "kept""#),
            r#"{"id": 2, "type": "unsupported"}"#.to_owned(),
            r#"{"id": 3, "type": "message", "text": 5}"#.to_owned(),
            r#"{"type": "message", "text": "no id"}"#.to_owned(),
            r#"{"id": 4, "type": "story", "text": "?"}"#.to_owned(),
            r#"{"id": 5, "type": "service", "action": "edit_group_photo", "photo": {"odd": true}}"#.to_owned(),
        ];
        let parsed = parse(&chat(&messages.join(",\n")), &ParseOptions::default()).unwrap();
        assert_eq!(parsed.threads[0].posts.len(), 1);
        let warnings: Vec<(usize, &str)> = parsed.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings[0].1.starts_with("a message that cannot be read"), "{warnings:?}");
        assert_eq!(warnings[0].0, 15);
        assert_eq!(warnings[1], (14, "1 message that Telegram Desktop could not export (`unsupported`) is left out"));
        assert_eq!(warnings[2], (17, "1 message of a type other than `message` or `service` is left out"));
        assert_eq!(warnings[3], (16, "1 message without an `id` is left out"));
    }

    #[test]
    fn a_broken_export_keeps_what_came_before() {
        let whole = chat(&[message(1, r#""text": "one""#), message(2, r#""text": "two""#)].join(","));
        let cut = &whole[..whole.find("two").unwrap()];
        let parsed = parse(cut, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.threads[0].posts.len(), 1);
        assert_eq!(parsed.threads[0].title.as_deref(), Some("Trail talk"));
        assert!(parsed.warnings[0].message.contains("the 1 message before it is read"), "{:?}", parsed.warnings);
        let err = parse(&whole[..40], &ParseOptions::default()).unwrap_err();
        assert!(err.message.starts_with("not a Telegram export"), "{err:?}");
        assert!(parse("[]", &ParseOptions::default()).is_err());
        assert!(parse("{\"name\": \"x\"}", &ParseOptions::default()).is_err());
        assert!(parse("hello", &ParseOptions::default()).is_err());
    }

    #[test]
    fn control_characters_written_as_hex_escapes() {
        assert_eq!(body_of(r#""a\x0Bb \\x41""#), "a\u{b}b \\\\x41");
        assert_eq!(repair_hex_escapes(r#""C:\\xfiles""#), None);
    }

    #[test]
    fn scores() {
        assert_eq!(score(EXAMPLE).value, MAX_SCORE);
        assert_eq!(score(&chat("")).value, 70, "an empty chat");
        assert_eq!(score(r#"{"name":"x","type":"personal_chat","id":1,"messages":[]}"#).value, 70);
        let discord = include_str!("../../tests/fixtures/formats/discord-export.json");
        let others = [
            discord,
            "[{\"id\": 1, \"type\": \"message\", \"date\": \"x\"}]",
            "{\"messages\": \"id type date\"}",
            "{\"note\": \"\\\"messages\\\": [{\\\"id\\\": 1, \\\"type\\\": 2, \\\"date\\\": 3}]\"}",
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
                let expected =
                    if entry.path().extension().is_some_and(|e| e == "json") { score(&text).value } else { 0 };
                assert_eq!(score(&text).value, expected, "{}", entry.path().display());
            }
        }
    }

    #[test]
    fn never_panics_on_mangled_exports() {
        let nasty =
            ["{", "}", "[", "]", "\"", ",", ":", "\\", "\\x", "null", "\"text\": [", "😀", "\"id\": -1", "1e999"];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below.max(1) as u64) as usize
        };
        let boundaries: Vec<usize> = (0..=EXAMPLE.len()).filter(|&i| EXAMPLE.is_char_boundary(i)).collect();
        for &cut in boundaries.iter().step_by(7) {
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
