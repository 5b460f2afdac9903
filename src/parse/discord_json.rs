//! DiscordChatExporter's JSON export of a channel (FORMATS.md §14).
//!
//! ```text
//! {
//!   "guild": { "id": "…", "name": "Retro Repair", "iconUrl": "…" },   <- the topic, without a category
//!   "channel": { "id": "…", "type": "GuildTextChat", "categoryId": "…",
//!                "category": "Help", "name": "consoles", "topic": "…" },  <- topic `Help`, title `#consoles`
//!   "dateRange": { "after": null, "before": null },
//!   "exportedAt": "2024-05-01T10:00:00.1234567+02:00",
//!   "messages": [
//!     { "id": "1233863100000000004",           <- a snowflake: posts are numbered 1..N
//!       "type": "Reply",                        <- `GuildMemberJoin`, `ChannelPinnedMessage`, …: no post
//!       "timestamp": "2024-04-27T21:06:40.318+02:00",
//!       "timestampEdited": null,                <- a date: the post was edited
//!       "isPinned": false,
//!       "content": "4.1 V at the slot.",        <- Markdown
//!       "author": { "id": "…", "name": "capcrawler", "discriminator": "0000", "nickname": "Ines", … },
//!       "attachments": [ { "url": "https://cdn…/snes-boots.jpg", "fileName": "snes-boots.jpg", … } ],
//!       "embeds": [ { "title": "…", "url": null, "description": "…", "fields": [ … ], … } ],
//!       "stickers": [ { "name": "Wave", "format": "Png", "sourceUrl": "…" } ],
//!       "reactions": [ { "emoji": { "id": "", "name": "👍", … }, "count": 3, "users": [ { "name": "…" } ] } ],
//!       "reference": { "type": "Default", "messageId": "1233862300000000003", … },   <- the parent of a `Reply`
//!       "forwardedMessage": { "content": "…", "attachments": [], "embeds": [], "stickers": [] }
//!     }, …
//!   ],
//!   "messageCount": 7
//! }
//! ```
//!
//! One file is one thread: its title is the channel (`#consoles`; a thread's or a direct
//! chat's own name, without `#`) and its topic the channel's category (a thread's parent
//! channel), else the guild.
//!
//! System notices are written as messages with the exporter's own words (`Joined the
//! server.`, `Pinned a message.`): they are no posts. Every other type is one, bots'
//! messages too. A `Reply` answers the post whose id its `reference` names, if that is in
//! the file; a reference on any other message (a pin notice's, a forward's) is no reply.
//!
//! The author is the username (`name`), as in the plain-text export, without a
//! `#discriminator`. Dates carry their offset; one without (written by hand) is read in
//! front matter's zone. The body is the content, then each embed as a quote (its title,
//! linked where it has an address, its description and fields) unless the content has its
//! address already; a forwarded message's content is quoted too. Attachments and stickers
//! are linked (a `cdn.discordapp.com` address) or beside the file (`--media` writes a
//! relative path, `consoles.json_Files/…`). Likes are the sum of the reactions; a custom
//! emoji is written `:name:`, as the plain-text export has it.

use std::fmt;

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::chat_json::{self, Items, Lines, null_default, push_escaped};
use super::parsed::{Parsed, ParsedThread, Score};
use crate::dates::{self, DateContext};
use crate::diagnostic::Problem;
use crate::model::{Attachment, ParseOptions, Post, Reaction};

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

/// Message types that are system notices, not posts.
const NOTICES: &[&str] = &[
    "GuildMemberJoin",
    "ChannelPinnedMessage",
    "ThreadCreated",
    "RecipientAdd",
    "RecipientRemove",
    "Call",
    "ChannelNameChange",
    "ChannelIconChange",
];

pub fn score(text: &str) -> Score {
    if !chat_json::is_object(text) {
        return Score::none("not a JSON object");
    }
    let head = chat_json::head(text);
    let key = |key: &str, from: usize| chat_json::find_key(head, key, from);
    let Some(messages) = key("messages", 0).filter(|&at| head[at..].trim_start().starts_with('[')) else {
        return Score::none("no `messages` array");
    };
    if key("guild", 0).is_none() || key("channel", 0).is_none() {
        return Score::none("no `guild` and `channel`");
    }
    let counted = chat_json::find_key(chat_json::tail(text, 4096), "messageCount", 0).is_some();
    let items = key("author", messages).is_some() && key("timestamp", messages).is_some();
    match (items, counted) {
        (true, true) => Score {
            value: MAX_SCORE,
            reason: "`guild`, `channel`, `messages` with `author` and `timestamp`, and `messageCount` \
                     (DiscordChatExporter's JSON)"
                .into(),
        },
        (true, false) => Score {
            value: 80,
            reason: "`guild`, `channel` and `messages` with `author` and `timestamp` (DiscordChatExporter's JSON)"
                .into(),
        },
        (false, true) => Score { value: 70, reason: "`guild`, `channel`, `messages` and `messageCount`".into() },
        (false, false) => Score::none("`messages` without `author` and `timestamp`"),
    }
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    let mut export = Export::default();
    let result = chat_json::read(text, &mut export);
    let mut parsed = Parsed::default();
    match &result {
        Err(e) if export.messages.is_empty() => return Err(chat_json::broken(e, "DiscordChatExporter", 0)),
        Err(e) => parsed.warnings.push(chat_json::broken(e, "DiscordChatExporter", export.messages.len())),
        Ok(()) if !export.found => {
            return Err(Problem {
                line: 1,
                message: "no `messages`: not a DiscordChatExporter export".into(),
                hint: Some("export the channel with DiscordChatExporter's JSON format (`--format Json`)".into()),
            });
        }
        Ok(()) => {}
    }
    let (posts, last_line) = read_posts(&export.messages, text, &DateContext::new(options), &mut parsed.warnings);
    if let Some(count) = export.message_count.filter(|&n| result.is_ok() && n != export.messages.len() as u64) {
        parsed.warnings.push(Problem {
            line: last_line,
            message: format!(
                "the export says it holds {count} messages, and {} are in the file",
                export.messages.len()
            ),
            hint: Some("the file may have been edited or cut short: export the channel again".into()),
        });
    }
    parsed.threads.push(ParsedThread {
        title: export.title(),
        topic: export.topic(),
        posts,
        ..ParsedThread::default()
    });
    Ok(parsed)
}

/// The posts of the messages, numbered 1..N, with their replies; and the last message's
/// line.
fn read_posts(
    messages: &[&RawValue],
    text: &str,
    ctx: &DateContext,
    warnings: &mut Vec<Problem>,
) -> (Vec<Post>, usize) {
    let mut lines = Lines::new(text);
    let mut posts: Vec<Post> = Vec::new();
    let mut numbers: FxHashMap<String, u32> = FxHashMap::default();
    let mut parents: Vec<(usize, String)> = Vec::new();
    let mut last_line = 1;
    for raw in messages {
        let line = lines.of(raw);
        last_line = line;
        let message = match serde_json::from_str::<Message>(raw.get()) {
            Ok(message) => message,
            Err(_) if chat_json::kind(raw).is_some_and(|kind| NOTICES.contains(&kind.as_str())) => continue,
            Err(e) => {
                warnings.push(chat_json::unreadable(line, &e));
                continue;
            }
        };
        let kind = message.kind.as_deref().unwrap_or("Default");
        if NOTICES.contains(&kind) {
            continue;
        }
        let number = posts.len() as u32 + 1;
        if let Some(id) = message.id.clone() {
            numbers.entry(id.0).or_insert(number);
        }
        if let Some(parent) = message.reference.as_ref().and_then(|r| r.message_id.clone()).filter(|_| kind == "Reply")
        {
            parents.push((posts.len(), parent.0));
        }
        posts.push(read_post(message, number, line, ctx, warnings));
    }
    for (index, parent) in parents {
        if let Some(post) = posts.get_mut(index) {
            post.reply_to = numbers.get(&parent).copied().filter(|&n| n != post.number);
        }
    }
    (posts, last_line)
}

/// The export's channel and guild, and its messages still raw.
#[derive(Default)]
struct Export<'a> {
    guild: Guild,
    channel: Channel,
    messages: Vec<&'a RawValue>,
    message_count: Option<u64>,
    /// Whether the object had `messages` at all.
    found: bool,
}

impl Export<'_> {
    /// `#name` for a server's channel; a thread's or a direct chat's name as it is.
    fn title(&self) -> Option<String> {
        let name = self.channel.name.as_deref().map(str::trim).filter(|n| !n.is_empty())?;
        let kind = self.channel.kind.as_deref().unwrap_or_default();
        if kind.contains("Thread") || kind.starts_with("Direct") {
            return Some(name.to_owned());
        }
        Some(format!("#{}", name.trim_start_matches('#')))
    }

    fn topic(&self) -> Option<String> {
        let category = self.channel.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let guild = self.guild.name.as_deref().map(str::trim).filter(|g| !g.is_empty());
        category.or(guild).map(str::to_owned)
    }
}

impl<'de> DeserializeSeed<'de> for &mut Export<'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut Export<'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a DiscordChatExporter export (an object with `messages`)")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "guild" => self.guild = map.next_value::<Option<Guild>>()?.unwrap_or_default(),
                "channel" => self.channel = map.next_value::<Option<Channel>>()?.unwrap_or_default(),
                "messageCount" => self.message_count = map.next_value()?,
                "messages" => {
                    self.found = true;
                    map.next_value_seed(Items(&mut self.messages))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Guild {
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Channel {
    #[serde(rename = "type")]
    kind: Option<String>,
    category: Option<String>,
    name: Option<String>,
}

/// A message as the exporter writes it; what is not read here is ignored.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Message {
    id: Option<Snowflake>,
    #[serde(rename = "type")]
    kind: Option<String>,
    timestamp: Option<String>,
    timestamp_edited: Option<String>,
    is_pinned: Option<bool>,
    author: Option<User>,
    reference: Option<Reference>,
    content: Option<String>,
    #[serde(deserialize_with = "null_default")]
    attachments: Vec<File>,
    #[serde(deserialize_with = "null_default")]
    embeds: Vec<Embed>,
    #[serde(deserialize_with = "null_default")]
    stickers: Vec<Sticker>,
    forwarded_message: Option<Forwarded>,
    #[serde(deserialize_with = "null_default")]
    reactions: Vec<DiscordReaction>,
}

/// A forwarded message: what it says, in the message that forwards it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Forwarded {
    content: Option<String>,
    #[serde(deserialize_with = "null_default")]
    attachments: Vec<File>,
    #[serde(deserialize_with = "null_default")]
    embeds: Vec<Embed>,
    #[serde(deserialize_with = "null_default")]
    stickers: Vec<Sticker>,
}

/// What a message or a forwarded one says: its text, files and embeds.
struct Content<'m> {
    content: Option<&'m str>,
    attachments: &'m [File],
    embeds: &'m [Embed],
    stickers: &'m [Sticker],
}

impl Message {
    fn content(&self) -> Content<'_> {
        Content {
            content: self.content.as_deref(),
            attachments: &self.attachments,
            embeds: &self.embeds,
            stickers: &self.stickers,
        }
    }
}

impl Forwarded {
    fn content(&self) -> Content<'_> {
        Content {
            content: self.content.as_deref(),
            attachments: &self.attachments,
            embeds: &self.embeds,
            stickers: &self.stickers,
        }
    }
}

/// An id: a string in the export, a number where a tool rewrote it.
#[derive(Clone)]
struct Snowflake(String);

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Snowflake, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Number(u64),
        }
        Ok(Snowflake(match Either::deserialize(deserializer)? {
            Either::Text(text) => text,
            Either::Number(n) => n.to_string(),
        }))
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Reference {
    message_id: Option<Snowflake>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct User {
    name: Option<String>,
}

impl User {
    /// The username without a `#1234` discriminator.
    fn name(&self) -> Option<String> {
        let name = self.name.as_deref()?.trim();
        let bare = match name.rsplit_once('#') {
            Some((bare, tag)) if tag.len() == 4 && tag.bytes().all(|b| b.is_ascii_digit()) => bare.trim_end(),
            _ => name,
        };
        (!bare.is_empty()).then(|| bare.to_owned())
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct File {
    url: Option<String>,
    file_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Sticker {
    name: Option<String>,
    source_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Embed {
    title: Option<String>,
    url: Option<String>,
    description: Option<String>,
    #[serde(deserialize_with = "null_default")]
    fields: Vec<Field>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Field {
    name: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DiscordReaction {
    emoji: Option<Emoji>,
    count: Option<u64>,
    #[serde(deserialize_with = "null_default")]
    users: Vec<User>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Emoji {
    id: Option<String>,
    name: Option<String>,
}

/// A message that is a post; its reply is found once the file is read.
fn read_post(message: Message, number: u32, line: usize, ctx: &DateContext, warnings: &mut Vec<Problem>) -> Post {
    let mut post = Post { number, author: message.author.as_ref().and_then(User::name), line, ..Post::default() };
    if let Some(text) = message.timestamp.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        post.date = text.parse::<jiff::Timestamp>().ok().or_else(|| dates::absolute(text, ctx));
        if post.date.is_none() {
            post.extra.date_text = Some(text.to_owned());
        }
    }
    let mut attachments = Vec::new();
    post.body = body(&message.content(), &mut attachments, line, warnings);
    if let Some(forwarded) = &message.forwarded_message {
        let quoted = body(&forwarded.content(), &mut attachments, line, warnings);
        if !quoted.is_empty() {
            start_paragraph(&mut post.body);
            chat_json::push_quote(&mut post.body, &quoted, true);
            post.body.truncate(post.body.trim_end().len());
        }
    }
    if !attachments.is_empty() {
        post.extra.attachments = attachments;
    }
    let (likes, reactions) = reactions(message.reactions);
    post.likes = likes;
    if !reactions.is_empty() {
        post.extra.reactions = reactions;
    }
    if message.timestamp_edited.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        post.extra.edited = true;
    }
    if message.is_pinned == Some(true) {
        post.extra.pinned = true;
    }
    post
}

/// The content, then its embeds as quotes; its files go to `attachments`.
fn body(content: &Content, attachments: &mut Vec<Attachment>, line: usize, warnings: &mut Vec<Problem>) -> String {
    let text = content.content.unwrap_or_default().trim_end();
    let mut out = text.to_owned();
    for embed in content.embeds {
        let url = embed.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        if url.is_some_and(|url| text.contains(url)) {
            continue;
        }
        let quoted = embed_text(embed, url);
        if !quoted.is_empty() {
            start_paragraph(&mut out);
            chat_json::push_quote(&mut out, &quoted, true);
        }
    }
    for file in content.attachments {
        let Some(url) = file.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else { continue };
        let name = file.file_name.as_deref().filter(|n| !n.trim().is_empty());
        attachments.push(attachment(url, name.map(str::to_owned), line, warnings));
    }
    for sticker in content.stickers {
        let Some(url) = sticker.source_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else { continue };
        // The sticker's name, with the file's extension (`Wave.png`).
        let extension = Attachment::at(url).name.rsplit_once('.').map(|(_, ext)| ext.to_owned());
        let name = sticker.name.as_deref().filter(|n| !n.trim().is_empty()).map(|name| match &extension {
            Some(ext) => format!("{name}.{ext}"),
            None => name.to_owned(),
        });
        attachments.push(attachment(url, name, line, warnings));
    }
    out.truncate(out.trim_end().len());
    out
}

/// An embed's title (linked where it has an address), description and fields
/// (`**name**: value`), each a paragraph, as Markdown; its address alone where it has
/// nothing else.
fn embed_text(embed: &Embed, url: Option<&str>) -> String {
    let trimmed = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let bold = |text: &str| {
        let mut out = "**".to_owned();
        push_escaped(&mut out, text, false);
        out + "**"
    };
    let mut paragraphs: Vec<String> = Vec::new();
    let title = trimmed(&embed.title);
    match (&title, url) {
        (Some(title), Some(url)) => {
            let mut linked = "**".to_owned();
            chat_json::push_link(&mut linked, &title.replace('\n', " "), url);
            paragraphs.push(linked + "**");
        }
        (Some(title), None) => paragraphs.push(bold(title)),
        (None, _) => {}
    }
    paragraphs.extend(trimmed(&embed.description));
    for field in &embed.fields {
        paragraphs.push(match (trimmed(&field.name), trimmed(&field.value)) {
            (Some(name), Some(value)) if value.contains('\n') => format!("{}\n{value}", bold(&name)),
            (Some(name), Some(value)) => format!("{}: {value}", bold(&name)),
            (Some(name), None) => bold(&name),
            (None, Some(value)) => value,
            (None, None) => continue,
        });
    }
    if let (true, None, Some(url)) = (paragraphs.is_empty(), &title, url) {
        paragraphs.push(url.to_owned());
    }
    paragraphs.join("\n\n")
}

/// A file the export links to or holds beside itself.
fn attachment(url: &str, name: Option<String>, line: usize, warnings: &mut Vec<Problem>) -> Attachment {
    let source = if chat_json::is_web_url(url) { Some(url.to_owned()) } else { chat_json::relative_source(url) };
    let Some(source) = source else {
        warnings.push(Problem {
            line,
            message: format!("the file `{url}` is outside the export's folder: kept by name only"),
            hint: Some("export with `--media` into the export's own folder, or keep its files beside it".into()),
        });
        let name = name.unwrap_or_else(|| Attachment::at(url).name);
        return Attachment::new(name, None);
    };
    match name {
        Some(name) => Attachment::new(name, Some(source)),
        None => Attachment::at(&source),
    }
}

/// The sum of the reactions, and the reactions with who made them.
fn reactions(list: Vec<DiscordReaction>) -> (u32, Vec<Reaction>) {
    let mut likes = 0u32;
    let mut out = Vec::new();
    for reaction in list {
        let Some(emoji) = reaction.emoji else { continue };
        let Some(name) = emoji.name.filter(|n| !n.trim().is_empty()) else { continue };
        let custom = emoji.id.as_deref().is_some_and(|id| !id.trim().is_empty());
        let count = u32::try_from(reaction.count.unwrap_or(1)).unwrap_or(u32::MAX);
        likes = likes.saturating_add(count);
        let users = reaction.users.iter().filter_map(User::name).collect();
        out.push(Reaction { emoji: if custom { format!(":{name}:") } else { name }, count, users });
    }
    (likes, out)
}

/// Starts a paragraph of its own after what `out` holds.
fn start_paragraph(out: &mut String) {
    if !out.trim().is_empty() {
        out.truncate(out.trim_end().len());
        out.push_str("\n\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../tests/fixtures/formats/discord-export.json");

    fn export(channel: &str, messages: &[String]) -> String {
        format!(
            "{{\n  \"guild\": {{ \"id\": \"1\", \"name\": \"Bench Club\", \"iconUrl\": \"x\" }},\n  \"channel\": {channel},\n  \"dateRange\": {{ \"after\": null, \"before\": null }},\n  \"messages\": [{}\n  ],\n  \"messageCount\": {}\n}}",
            messages.join(","),
            messages.len()
        )
    }

    const CHANNEL: &str = r#"{ "id": "2", "type": "GuildTextChat", "categoryId": "3", "category": "Repairs", "name": "consoles", "topic": null }"#;

    fn message(id: u32, kind: &str, fields: &str) -> String {
        format!(
            "\n    {{\n      \"id\": \"{id}\",\n      \"type\": \"{kind}\",\n      \"timestamp\": \"2024-04-27T20:58:10.512+02:00\",\n      \"author\": {{ \"id\": \"9\", \"name\": \"ana\", \"discriminator\": \"0000\" }},\n      {fields}\n    }}"
        )
    }

    fn posts(messages: &[String]) -> Vec<Post> {
        parse(&export(CHANNEL, messages), &ParseOptions::default()).unwrap().only().posts
    }

    fn one(fields: &str) -> Post {
        let [post] = <[Post; 1]>::try_from(posts(&[message(1, "Default", fields)])).unwrap();
        post
    }

    /// A post's number, line, author, parent, likes and body.
    type Row<'a> = (u32, usize, Option<&'a str>, Option<u32>, u32, &'a str);

    #[test]
    fn example_export() {
        let parsed = parse(EXAMPLE, &ParseOptions::default()).unwrap();
        assert!(parsed.warnings.is_empty() && parsed.notes.is_empty(), "{parsed:?}");
        let thread = parsed.only();
        assert_eq!((thread.title.as_deref(), thread.topic.as_deref()), (Some("#consoles"), Some("Help")));
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
                    21,
                    Some("capcrawler"),
                    None,
                    0,
                    "My SNES shows a black screen, power LED on. Already cleaned the cart slot with IPA."
                ),
                (
                    2,
                    71,
                    Some("oldsolder"),
                    None,
                    3,
                    "Check the 5 V rail at the cart slot pins, a dead regulator does exactly that."
                ),
                (3, 155, Some("capcrawler"), Some(2), 3, "4.1 V at the slot. Regulator it is, I'll order a 7805."),
                (
                    4,
                    226,
                    Some("RepairBot"),
                    None,
                    0,
                    "Added to the parts list for @capcrawler\n\n> **7805 regulator**\n>\n> 5 V linear regulator, TO-220. In stock: 12"
                ),
                (5, 311, Some("capcrawler"), None, 4, "Fixed! Boots straight into Mario"),
            ]
        );
        let p = &thread.posts;
        assert_eq!(p[0].date.unwrap().to_string(), "2024-04-27T18:58:10.512Z");
        assert!(p[1].extra.pinned && !p[0].extra.pinned);
        assert_eq!(
            p[1].extra.reactions,
            [
                Reaction { emoji: "👍".into(), count: 2, users: vec!["capcrawler".into(), "RepairBot".into()] },
                Reaction { emoji: "🔧".into(), count: 1, users: vec!["capcrawler".into()] },
            ]
        );
        assert!(p[4].extra.edited && !p[3].extra.edited);
        assert_eq!(
            p[4].extra.attachments,
            [Attachment::new(
                "snes-boots.jpg",
                Some(
                    "https://cdn.discordapp.com/attachments/1101122334455667788/1234500000000000100/snes-boots.jpg"
                        .into()
                )
            )]
        );
    }

    #[test]
    fn titles_and_topics() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            (CHANNEL, Some("#consoles"), Some("Repairs")),
            (
                r#"{ "type": "GuildTextChat", "categoryId": null, "category": null, "name": "general" }"#,
                Some("#general"),
                Some("Bench Club"),
            ),
            (
                r#"{ "type": "GuildPublicThread", "category": "help-forum", "name": "SNES won't boot" }"#,
                Some("SNES won't boot"),
                Some("help-forum"),
            ),
            (
                r#"{ "type": "DirectTextChat", "category": null, "name": "oldsolder" }"#,
                Some("oldsolder"),
                Some("Bench Club"),
            ),
            (r#"{ "type": "GuildNewsChat", "category": "", "name": "" }"#, None, Some("Bench Club")),
        ];
        for (channel, title, topic) in cases {
            let thread = parse(&export(channel, &[]), &ParseOptions::default()).unwrap().only();
            assert_eq!((thread.title.as_deref(), thread.topic.as_deref()), (*title, *topic), "{channel}");
        }
    }

    #[test]
    fn notices_replies_and_numbers() {
        let reference = |id: u32, kind: &str| {
            format!(r#""content": "x", "reference": {{ "type": "{kind}", "messageId": "{id}", "channelId": "2" }}"#)
        };
        let messages = [
            message(10, "Default", r#""content": "root""#),
            message(11, "GuildMemberJoin", r#""content": "Joined the server.""#),
            message(12, "Reply", &reference(10, "Default")),
            message(13, "ChannelPinnedMessage", &reference(10, "Default")),
            message(14, "Reply", &reference(5, "Default")),
            message(15, "Default", &reference(10, "Forward")),
            message(16, "Reply", &reference(11, "Default")),
            message(17, "20", r#""content": "/roll 2d6""#),
            message(18, "ThreadCreated", r#""content": "Started a thread.""#),
            message(19, "Reply", &reference(17, "Default")),
        ];
        let got: Vec<(u32, Option<u32>)> = posts(&messages).iter().map(|p| (p.number, p.reply_to)).collect();
        assert_eq!(got, [(1, None), (2, Some(1)), (3, None), (4, None), (5, None), (6, None), (7, Some(6))]);
    }

    #[test]
    fn authors_and_dates() {
        let berlin =
            ParseOptions { timezone: Some(jiff::tz::TimeZone::get("Europe/Berlin").unwrap()), ..Default::default() };
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            (r#""name": "old#1234""#, Some("old"), Some("2024-04-27T20:58:10Z")),
            (r#""name": "ana#0""#, Some("ana#0"), Some("2024-04-27T20:58:10Z")),
            (r#""name": null"#, None, Some("2024-04-27T20:58:10Z")),
        ];
        for (author, name, date) in cases {
            let text = format!(
                r#"{{"guild": {{}}, "channel": {{}}, "messages": [{{"type": "Default", "timestamp": "2024-04-27T20:58:10Z", "author": {{ {author} }}, "content": "x"}}]}}"#
            );
            let post = parse(&text, &ParseOptions::default()).unwrap().only().posts.remove(0);
            assert_eq!(
                (post.author.as_deref(), post.date.map(|d| d.to_string()).as_deref()),
                (*name, *date),
                "{author}"
            );
        }
        let at = |timestamp: &str, options: &ParseOptions| {
            let text = format!(
                r#"{{"guild": {{}}, "channel": {{}}, "messages": [{{"timestamp": "{timestamp}", "content": "x"}}]}}"#
            );
            let post = parse(&text, options).unwrap().only().posts.remove(0);
            (post.date.map(|d| d.to_string()), post.extra.date_text.clone())
        };
        assert_eq!(at("2024-04-27T21:06:40.318+02:00", &berlin).0.as_deref(), Some("2024-04-27T19:06:40.318Z"));
        assert_eq!(at("2024-04-27T21:06:40", &berlin).0.as_deref(), Some("2024-04-27T19:06:40Z"));
        assert_eq!(at("2024-04-27T21:06:40", &ParseOptions::default()).0.as_deref(), Some("2024-04-27T21:06:40Z"));
        assert_eq!(at("yesterday-ish", &berlin), (None, Some("yesterday-ish".into())));
    }

    #[test]
    fn embeds_are_quoted_unless_linked_in_the_content() {
        let embed = |content: &str, embed: &str| one(&format!(r#""content": "{content}", "embeds": [{embed}]"#)).body;
        let cases: &[(&str, &str, &str)] = &[
            (
                "see https://x.example/a",
                r#"{ "title": "A", "url": "https://x.example/a", "description": "about a" }"#,
                "see https://x.example/a",
            ),
            (
                "look",
                r#"{ "title": "Pin *out*", "url": "https://x.example/p (1)", "description": "**bold** desc\nline 2" }"#,
                "look\n\n> **[Pin \\*out\\*](https://x.example/p%20%281%29)**\n>\n> **bold** desc\n> line 2",
            ),
            (
                "",
                r#"{ "title": "", "url": null, "description": "", "fields": [ { "name": "Stock", "value": "12", "isInline": true }, { "name": "Where", "value": "shelf 3\nbin 4" } ] }"#,
                "> **Stock**: 12\n>\n> **Where**\n> shelf 3\n> bin 4",
            ),
            (
                "x",
                r#"{ "title": "", "url": "https://x.example/img.png", "description": "" }"#,
                "x\n\n> https://x.example/img.png",
            ),
            ("x", r#"{ "title": "", "url": null, "description": "", "images": [] }"#, "x"),
        ];
        for (content, json, want) in cases {
            assert_eq!(embed(content, json), *want, "{json}");
        }
        let two = one(r#""content": "", "embeds": [{"title": "One"}, {"title": "Two"}]"#).body;
        assert_eq!(two, "> **One**\n\n> **Two**");
    }

    #[test]
    fn files_stickers_and_forwards() {
        let post = one(r#""content": "", "attachments": [
                { "id": "1", "url": "consoles.json_Files\\board-5A3F1.jpg", "fileName": "board.jpg", "fileSizeBytes": 1 },
                { "id": "2", "url": "https://cdn.discordapp.com/attachments/1/2/log.txt", "fileName": "", "fileSizeBytes": 1 }
            ], "stickers": [ { "id": "3", "name": "Wave", "format": "Png", "sourceUrl": "https://media.discordapp.net/stickers/3.png" } ]"#);
        assert_eq!(
            post.extra.attachments,
            [
                Attachment::new("board.jpg", Some("consoles.json_Files/board-5A3F1.jpg".into())),
                Attachment::at("https://cdn.discordapp.com/attachments/1/2/log.txt"),
                Attachment::new("Wave.png", Some("https://media.discordapp.net/stickers/3.png".into())),
            ]
        );
        let text = export(
            CHANNEL,
            &[message(
                1,
                "Default",
                r#""content": "", "attachments": [{ "url": "C:\\Users\\me\\x.png", "fileName": "x.png" }]"#,
            )],
        );
        let parsed = parse(&text, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.threads[0].posts[0].extra.attachments, [Attachment::new("x.png", None)]);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, 6);
        let post = one(r#""content": "look", "reference": { "type": "Forward", "messageId": "7" },
               "forwardedMessage": { "timestamp": "x", "content": "the *original*\nsecond", "attachments": [ { "url": "https://x.example/f.png", "fileName": "f.png" } ], "embeds": [], "stickers": [] }"#);
        assert_eq!(post.body, "look\n\n> the *original*\n> second");
        assert_eq!(post.extra.attachments, [Attachment::new("f.png", Some("https://x.example/f.png".into()))]);
        assert_eq!(post.reply_to, None);
    }

    #[test]
    fn reactions_and_likes() {
        let post = one(r#""content": "x", "reactions": [
                { "emoji": { "id": "", "name": "👍", "code": "thumbsup", "isAnimated": false }, "count": 3, "users": [ { "name": "old#1234" }, { "name": "ana" } ] },
                { "emoji": { "id": "112233", "name": "solder_blob", "isAnimated": true }, "count": 2 },
                { "emoji": { "id": null, "name": "🔥" }, "count": 1, "users": null }
            ]"#);
        assert_eq!(post.likes, 6);
        assert_eq!(
            post.extra.reactions,
            [
                Reaction { emoji: "👍".into(), count: 3, users: vec!["old".into(), "ana".into()] },
                Reaction { emoji: ":solder_blob:".into(), count: 2, users: vec![] },
                Reaction { emoji: "🔥".into(), count: 1, users: vec![] },
            ]
        );
    }

    #[test]
    fn what_is_left_out_is_said() {
        let messages = [
            message(1, "Default", r#""content": "kept""#),
            message(2, "Default", r#""content": 5"#),
            message(3, "GuildMemberJoin", r#""content": 5"#),
        ];
        let text = export(CHANNEL, &messages).replace("\"messageCount\": 3", "\"messageCount\": 4");
        let parsed = parse(&text, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.threads[0].posts.len(), 1);
        let warnings: Vec<(usize, &str)> = parsed.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert!(warnings[0].1.starts_with("a message that cannot be read"), "{warnings:?}");
        assert_eq!(warnings[0].0, 13);
        assert_eq!(warnings[1], (20, "the export says it holds 4 messages, and 3 are in the file"));
        assert_eq!(warnings.len(), 2);
        // A file cut short keeps the messages before the cut.
        let whole = export(
            CHANNEL,
            &[message(1, "Default", r#""content": "one""#), message(2, "Default", r#""content": "two""#)],
        );
        let parsed = parse(&whole[..whole.find("two").unwrap()], &ParseOptions::default()).unwrap();
        assert_eq!(parsed.threads[0].posts.len(), 1);
        assert!(parsed.warnings[0].message.starts_with("the JSON breaks off here"), "{:?}", parsed.warnings);
        assert!(parse(&whole[..30], &ParseOptions::default()).is_err());
        assert!(parse("{\"guild\": {}}", &ParseOptions::default()).is_err());
        assert!(parse("[1]", &ParseOptions::default()).is_err());
    }

    #[test]
    fn scores() {
        assert_eq!(score(EXAMPLE).value, MAX_SCORE);
        let cut = &EXAMPLE[..EXAMPLE.len() - 40];
        assert_eq!(score(cut).value, 80, "a file cut short");
        assert_eq!(score(&export(CHANNEL, &[])).value, 70, "a channel with no messages");
        let telegram = include_str!("../../tests/fixtures/formats/telegram-result.json");
        let others = [
            telegram,
            "[{\"guild\": 1, \"channel\": 2, \"messages\": []}]",
            "{\"note\": \"\\\"guild\\\": \\\"channel\\\": \\\"messages\\\": [\"}",
            "{\"guild\": {}, \"channel\": {}, \"messages\": {}}",
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
            ["{", "}", "[", "]", "\"", ",", ":", "\\", "null", "\"type\": \"Reply\"", "😀", "\"count\": -1", "1e999"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below.max(1) as u64) as usize
        };
        for cut in (0..=EXAMPLE.len()).step_by(11).filter(|&i| EXAMPLE.is_char_boundary(i)) {
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
