//! Slack workspace exports (FORMATS.md §13): a zip, or the folder it unpacks to.
//!
//! ```text
//! channels.json           [{"id": "C04HTGRD", "name": "garden", ...}]
//! groups.json             private channels, alike          (these three only on paid plans,
//! mpims.json              group DMs: a name and `members`   and only when present)
//! dms.json                DMs: an `id`, the folder's name, and `members`
//! users.json              [{"id": "U04HT01", "name": "maya.g", "real_name": "Maya Greene",
//!                           "profile": {"display_name": "Maya", "real_name": "Maya Greene"}}]
//! garden/2023-05-06.json  one file a day a channel: its messages in time order
//! [
//!   {"type": "message", "user": "U04HT01", "ts": "1683367200.001200",
//!    "text": "Slugs got half the lettuce. <@U04HT02> is the copper tape in the shed?",
//!    "thread_ts": "1683367200.001200", "reply_count": 1,
//!    "reactions": [{"name": "cry", "users": ["U04HT03"], "count": 1}]},
//!   {"type": "message", "user": "U04HT02", "ts": "1683368100.002000", "text": "Top shelf",
//!    "thread_ts": "1683367200.001200", "parent_user_id": "U04HT01", "edited": {...}},
//!   {"type": "message", "subtype": "channel_join", "user": "U04HT04", ...},
//!   {"type": "message", "subtype": "bot_message", "username": "Watering Bot", ...},
//!   {"type": "message", "subtype": "tombstone", "user": "USLACKBOT",
//!    "text": "This message was deleted.", "thread_ts": ..., ...}
//! ]
//! ```
//!
//! A message's `ts` is Unix seconds and its id in the channel, so dates are exact UTC and
//! threads are found by it: a parent (`thread_ts` equal to its own `ts`; older exports
//! list `replies` instead) and the messages whose `thread_ts` is its `ts`, from whichever
//! day files of the channel, make one thread, in `ts` order: the parent is post 1 and
//! every reply answers it (Slack's threads are flat). Replies whose parent is not in the
//! export still make their thread, numbered from 2 and answering no post. The other
//! messages of a day file make that day's thread, `#garden, 2023-05-06`: the thread is
//! Slack's own unit of discussion and the day file the export's for the rest, where a whole
//! channel would grow without end and a message a thread would bury the threads. A parent
//! nobody answered in the export stays in its day's thread, as Slack showed it.
//!
//! The topic is the channel; a DM or group DM is named by its members. Posts are the
//! messages people wrote: joins, topic changes, pins and the like are dropped; a
//! `tombstone` (a deleted parent kept for its replies) is a post without author or words.
//! The author is the person's display name, else their real name, else their handle; a
//! bot's message names the bot. Bodies are mrkdwn turned into Markdown (`mrkdwn.rs`);
//! reactions are kept as `:name:` shortcodes with who reacted and summed into likes;
//! files become attachments at their Slack URLs, as the export holds none of them. A
//! post's line is where its message starts in its day file, and a problem with a file
//! names the file.

mod mrkdwn;
mod records;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::value::RawValue;

use self::mrkdwn::Directory;
use self::records::{
    ConversationRecord, Profile, Record, Ts, UserRecord, file_text, first_name, json_problem, read_list,
};
use super::parsed::{Bundle, Parsed, ParsedThread, Score};
use crate::diagnostic::Problem;
use crate::model::{Attachment, ParseOptions, Post, Reaction};

/// The files that list conversations, and how each names its conversations.
const CONVERSATION_LISTS: [(&str, Kind); 4] = [
    ("channels.json", Kind::Channel),
    ("groups.json", Kind::Channel),
    ("mpims.json", Kind::GroupDm),
    ("dms.json", Kind::Dm),
];

/// Subtypes of messages that are events, not posts.
const EVENTS: &str = "channel_join channel_leave channel_topic channel_purpose channel_name channel_archive \
    channel_unarchive channel_convert_to_private channel_convert_to_public channel_posting_permissions \
    channel_canvas_updated group_join group_leave group_topic group_purpose group_name group_archive \
    group_unarchive pinned_item unpinned_item bot_add bot_remove bot_enable bot_disable app_conversation_join \
    app_conversation_leave reminder_add reminder_delete sh_room_created sh_room_shared huddle_thread \
    joiner_notification joiner_notification_for_inviter ekm_access_denied message_changed message_deleted \
    message_replied";

/// Subtypes of messages that are posts.
const POSTS: &str = "bot_message me_message file_share file_comment file_mention thread_broadcast \
    reply_broadcast tombstone slackbot_response";

/// Whether `subtype` is one of the space-separated `subtypes`.
fn listed(subtypes: &str, subtype: &str) -> bool {
    subtypes.split_whitespace().any(|s| s == subtype)
}

/// How a conversation list names its conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A channel, public or private: its folder and name are its `name`.
    Channel,
    /// A group DM: its folder is its `name` (`mpdm-maya--obi-1`), shown by its members.
    GroupDm,
    /// A DM: its folder is its `id`, shown by its members.
    Dm,
}

/// One day file of a channel.
struct DayFile<'b> {
    path: &'b str,
    /// `2023-05-06`, from its name.
    date: &'b str,
    bytes: &'b [u8],
}

/// Where the export's files sit in the bundle: at the top (`""`), or in the folder a zip
/// wraps them in (`"Hollow Lane Slack export May 2023/"`).
fn root(bundle: &Bundle) -> &str {
    bundle
        .files
        .iter()
        .filter_map(|(path, _)| {
            let (dir, name) = path.rfind('/').map_or(("", path.as_str()), |i| (&path[..=i], &path[i + 1..]));
            (name == "channels.json" || name == "users.json").then_some(dir)
        })
        .min_by_key(|dir| (dir.matches('/').count(), dir.len()))
        .unwrap_or("")
}

/// The date of a day file's name (`2023-05-06.json`).
fn day_date(name: &str) -> Option<&str> {
    let date = name.strip_suffix(".json")?;
    let shape = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    shape.then_some(date)
}

/// The day files under `root`, by their channel's folder, each folder's in date order.
fn day_files<'b>(bundle: &'b Bundle, root: &str) -> BTreeMap<&'b str, Vec<DayFile<'b>>> {
    let mut folders: BTreeMap<&str, Vec<DayFile>> = BTreeMap::new();
    for (path, bytes) in &bundle.files {
        let Some((folder, name)) = path.strip_prefix(root).and_then(|rel| rel.split_once('/')) else { continue };
        if folder.is_empty() || name.contains('/') {
            continue;
        }
        if let Some(date) = day_date(name) {
            folders.entry(folder).or_default().push(DayFile { path, date, bytes });
        }
    }
    for files in folders.values_mut() {
        files.sort_by_key(|f| f.date);
    }
    folders
}

/// Whether a day file opens as an array of messages: `[`, `{`, and a `"ts"` key early on.
fn holds_messages(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let mut bytes = head.iter().filter(|b| !b.is_ascii_whitespace());
    bytes.next() == Some(&b'[') && bytes.next() == Some(&b'{') && head.windows(4).any(|w| w == b"\"ts\"")
}

pub fn score(bundle: &Bundle) -> Score {
    let root = root(bundle);
    let has = |name: &str| bundle.get(&format!("{root}{name}")).is_some();
    let lists = CONVERSATION_LISTS.iter().any(|(name, _)| has(name));
    let users = has("users.json");
    let days = day_files(bundle, root);
    let count: usize = days.values().map(Vec::len).sum();
    let messages = days.values().flatten().take(8).any(|day| holds_messages(day.bytes));
    let (value, what) = match (lists && users, lists || users, count > 0, messages) {
        (true, _, _, true) => (95, "channels.json, users.json and"),
        (true, _, true, false) => (85, "channels.json, users.json and"),
        (false, true, _, true) => (80, "a list of channels or people and"),
        (true, _, false, _) => (60, "channels.json and users.json and no day files, so"),
        (false, false, _, true) => (65, "no channels.json or users.json, but"),
        _ => return Score::none("no channels.json, users.json or CHANNEL/YYYY-MM-DD.json day files"),
    };
    Score { value, reason: format!("a Slack export: {what} {count} CHANNEL/YYYY-MM-DD.json day files") }
}

/// A conversation as threads name it.
#[derive(Debug, Clone)]
struct Conversation {
    /// In a day thread's title: `#garden`, or its members for a DM.
    label: String,
    /// Its topic: the channel's name, or a DM's members.
    topic: String,
}

/// What the export's lists say: names of people and channels, conversations by folder.
struct Export {
    names: Directory,
    conversations: HashMap<String, Conversation>,
}

/// `Maya`, `Maya and Obi`, `Maya, Obi and Lena`.
fn members(ids: &[String], names: &Directory) -> String {
    let names: Vec<&str> = ids.iter().map(|id| names.users.get(id).map_or(id.as_str(), String::as_str)).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn read_export(bundle: &Bundle, root: &str, parsed: &mut Parsed) -> Export {
    let users: Vec<UserRecord> =
        read_list(bundle, &format!("{root}users.json"), parsed, "people are shown by their ids");
    let mut names = Directory::default();
    for user in users {
        if let Some(name) = user.shown_name() {
            names.users.insert(user.id, name);
        }
    }
    let mut conversations = HashMap::new();
    for (list, kind) in CONVERSATION_LISTS {
        let consequence = "its conversations are named by their folders";
        let records: Vec<ConversationRecord> = read_list(bundle, &format!("{root}{list}"), parsed, consequence);
        for record in records {
            let name = record.name.clone().filter(|n| !n.is_empty());
            let folder = match kind {
                Kind::Dm => record.id.clone(),
                _ => name.clone().unwrap_or_else(|| record.id.clone()),
            };
            let conversation = if kind == Kind::Channel {
                names.channels.insert(record.id.clone(), folder.clone());
                Conversation { label: format!("#{folder}"), topic: folder.clone() }
            } else {
                let members = members(&record.members, &names);
                let shown = if members.is_empty() { folder.clone() } else { members };
                Conversation { label: shown.clone(), topic: shown }
            };
            conversations.entry(folder).or_insert(conversation);
        }
    }
    Export { names, conversations }
}

/// A message read from a day file, before it is placed in a thread.
struct Message {
    ts: Option<Ts>,
    thread_ts: Option<Ts>,
    /// The replies a parent lists (older exports, whose replies may lack `thread_ts`).
    replies: Vec<Ts>,
    /// Its day file, by index in its channel's.
    day: usize,
    /// The mrkdwn of a message in a Slack thread, for the thread's title.
    text: Option<String>,
    post: Post,
}

/// What reading the messages noticed, said once when all are read.
#[derive(Default)]
struct Noticed {
    /// People not in users.json, shown by id: where each was first seen.
    unknown_users: BTreeMap<String, (String, usize)>,
    /// Subtypes not known to be posts or events, read as posts.
    unknown_subtypes: BTreeMap<String, (String, usize)>,
}

/// Counts lines up to byte offsets that only grow.
struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset > self.at {
            self.line += self.text[self.at..offset].iter().filter(|&&b| b == b'\n').count();
            self.at = offset;
        }
        self.line
    }
}

/// The messages of one day file; a file that is not a JSON array of messages is warned
/// about and left out.
fn read_day(file: &DayFile, day: usize, export: &Export, parsed: &mut Parsed, noticed: &mut Noticed) -> Vec<Message> {
    let text = file_text(file.path, file.bytes, parsed);
    let raws: Vec<&RawValue> = match serde_json::from_str(&text) {
        Ok(raws) => raws,
        Err(e) => {
            parsed.warnings.push(json_problem(file.path, &e, "its messages are left out"));
            return Vec::new();
        }
    };
    let mut lines = LineCounter { text: text.as_bytes(), at: 0, line: 1 };
    let mut messages = Vec::with_capacity(raws.len());
    for raw in raws {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        let line = lines.line_of(offset);
        match serde_json::from_str::<Record>(raw.get()) {
            Ok(record) => messages.extend(message(record, (file.path, line), day, export, noticed)),
            Err(e) => parsed.warnings.push(Problem {
                line,
                message: format!("{}: the message at line {line} is not one Slack writes ({e}): left out", file.path),
                hint: None,
            }),
        }
    }
    messages
}

/// A message as a post, or `None` for an event.
fn message(record: Record, at: (&str, usize), day: usize, export: &Export, noticed: &mut Noticed) -> Option<Message> {
    let subtype = record.subtype.as_deref().unwrap_or_default();
    if listed(EVENTS, subtype) {
        return None;
    }
    if !subtype.is_empty() && !listed(POSTS, subtype) {
        noticed.unknown_subtypes.entry(subtype.to_owned()).or_insert_with(|| (at.0.to_owned(), at.1));
    }
    let ts = record.ts.as_ref().and_then(Ts::read);
    let thread_ts = record.thread_ts.as_ref().and_then(Ts::read);
    let replies: Vec<Ts> = record.replies.iter().flatten().filter_map(|r| r.ts.as_ref().and_then(Ts::read)).collect();
    let mut post = Post { line: at.1, date: ts.and_then(Ts::date), ..Post::default() };
    if subtype == "tombstone" {
        post.extra.status = Some("deleted".into());
        return Some(Message { ts, thread_ts, replies, day, text: None, post });
    }
    post.author = author(&record, at, export, noticed);
    let text = body_text(&record);
    post.body = mrkdwn::to_markdown(&text, &export.names);
    if subtype == "me_message" {
        post.extra.action = true;
    }
    if record.edited.is_some() {
        post.extra.edited = true;
    }
    if record.pinned_to.as_ref().is_some_and(|p| !p.is_empty()) {
        post.extra.pinned = true;
    }
    add_reactions(&mut post, &record, &export.names);
    add_files(&mut post, &record);
    let text = (thread_ts.is_some() || !replies.is_empty()).then(|| text.into_owned());
    Some(Message { ts, thread_ts, replies, day, text, post })
}

/// Who wrote a message: the person by id, else the bot by the names it gave.
fn author(record: &Record, at: (&str, usize), export: &Export, noticed: &mut Noticed) -> Option<String> {
    if let Some(id) = record.user.as_deref().filter(|u| !u.is_empty()) {
        if let Some(name) = export.names.users.get(id) {
            return Some(name.clone());
        }
        if let Some(name) = record.user_profile.as_ref().and_then(Profile::shown_name) {
            return Some(name);
        }
        if id == "USLACKBOT" {
            return Some("Slackbot".into());
        }
        noticed.unknown_users.entry(id.to_owned()).or_insert_with(|| (at.0.to_owned(), at.1));
        return Some(id.to_owned());
    }
    let bot = record.bot_profile.as_ref().and_then(|b| b.name.as_ref());
    first_name(&[record.username.as_ref(), bot, record.bot_id.as_ref()])
}

/// Old exports' file shares open with this, and the words that follow are the comment.
static UPLOADED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^<@[^>]*> (?:uploaded|shared|added) an? (?:file|image|snippet|post): <[^>]*>(?: and commented: )?")
        .unwrap()
});

/// The mrkdwn a post shows: the message's text, without an old file share's own words;
/// an integration's cards where it wrote no text.
fn body_text(record: &Record) -> Cow<'_, str> {
    let mut text = record.text.as_deref().unwrap_or_default();
    if record.subtype.as_deref() == Some("file_share")
        && record.file.is_some()
        && let Some(found) = UPLOADED.find(text)
    {
        text = &text[found.end()..];
    }
    if !text.trim().is_empty() {
        return Cow::Borrowed(text);
    }
    let cards: Vec<String> = record
        .attachments
        .iter()
        .flatten()
        .map(|card| {
            let title = match (&card.title, &card.title_link) {
                (Some(title), Some(link)) if !title.is_empty() => Some(format!("<{link}|{title}>")),
                (title, _) => title.clone(),
            };
            let parts: Vec<&str> = [card.pretext.as_deref(), title.as_deref(), card.text.as_deref()]
                .into_iter()
                .flatten()
                .filter(|p| !p.trim().is_empty())
                .collect();
            if parts.is_empty() { card.fallback.clone().unwrap_or_default() } else { parts.join("\n") }
        })
        .filter(|card| !card.trim().is_empty())
        .collect();
    Cow::Owned(cards.join("\n\n"))
}

fn add_reactions(post: &mut Post, record: &Record, names: &Directory) {
    for reaction in record.reactions.iter().flatten() {
        let Some(name) = reaction.name.as_deref().filter(|n| !n.is_empty()) else { continue };
        let users: Vec<String> = reaction
            .users
            .iter()
            .flatten()
            .map(|id| names.users.get(id).cloned().unwrap_or_else(|| id.clone()))
            .collect();
        let count = reaction.count.map_or(users.len() as u32, |n| u32::try_from(n).unwrap_or(u32::MAX));
        post.likes = post.likes.saturating_add(count);
        post.extra.reactions.push(Reaction { emoji: format!(":{name}:"), count, users });
    }
}

/// The files of a message, at their Slack URLs; a deleted file, or one past a free plan's
/// history, is named without one.
fn add_files(post: &mut Post, record: &Record) {
    let mut seen: HashSet<&str> = HashSet::new();
    for file in record.files.iter().flatten().chain(&record.file) {
        if let Some(id) = file.id.as_deref()
            && !seen.insert(id)
        {
            continue;
        }
        let url = [file.url_private.as_deref(), file.permalink.as_deref()]
            .into_iter()
            .flatten()
            .find(|u| u.starts_with("https://") || u.starts_with("http://"));
        let gone = matches!(file.mode.as_deref(), Some("tombstone" | "hidden_by_limit"));
        let source = url.filter(|_| !gone).map(str::to_owned);
        let name = first_name(&[file.name.as_ref(), file.title.as_ref()]);
        let attachment = match (name, source) {
            (Some(name), source) => Attachment::new(name, source),
            (None, Some(url)) => Attachment::at(&url),
            (None, None) => Attachment::new(file.id.clone().unwrap_or_else(|| "file".into()), None),
        };
        post.extra.attachments.push(attachment);
    }
}

/// A title from a message's first line: about 80 characters, cut at a word.
fn shorten(line: &str) -> String {
    const MAX: usize = 80;
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some((cut, _)) = line.char_indices().nth(MAX) else { return line };
    if line[cut..].starts_with(' ') {
        return format!("{}…", &line[..cut]);
    }
    let at = line[..cut].rfind(' ').filter(|&at| at > 0).unwrap_or(cut);
    format!("{}…", line[..at].trim_end())
}

/// The first line a reader sees of a message's mrkdwn.
fn first_line(text: &str, names: &Directory) -> Option<String> {
    let plain = mrkdwn::to_plain(text, names);
    plain.lines().map(str::trim).find(|l| !l.is_empty()).map(shorten)
}

/// A thread made, with what orders it among the others: its channel, its first `ts`.
type Placed = (String, Option<Ts>, ParsedThread);

/// One channel's messages in threads: its Slack threads and its days.
struct Channel<'c> {
    conversation: &'c Conversation,
    files: &'c [DayFile<'c>],
    names: &'c Directory,
}

impl Channel<'_> {
    fn threads(&self, messages: Vec<Message>, parsed: &mut Parsed) -> Vec<Placed> {
        // The same message twice (in two day files) is one.
        let mut seen = HashSet::new();
        let messages: Vec<Message> = messages.into_iter().filter(|m| m.ts.is_none_or(|ts| seen.insert(ts))).collect();
        let listed: HashMap<Ts, Ts> = messages
            .iter()
            .filter_map(|m| Some((m.ts?, &m.replies)))
            .flat_map(|(parent, replies)| replies.iter().map(move |&reply| (reply, parent)))
            .collect();
        let mut slack_threads: BTreeMap<Ts, (Option<Message>, Vec<Message>)> = BTreeMap::new();
        let mut days: Vec<Vec<Message>> = (0..self.files.len()).map(|_| Vec::new()).collect();
        let last = days.len().saturating_sub(1);
        for m in messages {
            let listed = |ts| if m.replies.is_empty() { listed.get(&ts).copied() } else { Some(ts) };
            let key = m.thread_ts.or_else(|| m.ts.and_then(listed));
            match key {
                Some(key) if Some(key) == m.ts => slack_threads.entry(key).or_default().0 = Some(m),
                Some(key) => slack_threads.entry(key).or_default().1.push(m),
                None => days[m.day.min(last)].push(m),
            }
        }
        let mut out = Vec::new();
        for (key, (parent, replies)) in slack_threads {
            match parent {
                Some(parent) if replies.is_empty() => days[parent.day.min(last)].push(parent),
                parent => out.push(self.slack_thread(key, parent, replies, parsed)),
            }
        }
        for (day, mut messages) in days.into_iter().enumerate() {
            if messages.is_empty() {
                continue;
            }
            // A parent put back among its day's messages goes where it was written.
            messages.sort_by_key(|m| m.post.line);
            let first = messages.iter().find_map(|m| m.ts);
            let posts =
                messages.into_iter().enumerate().map(|(i, m)| Post { number: i as u32 + 1, ..m.post }).collect();
            let title = format!("{}, {}", self.conversation.label, self.files[day].date);
            out.push((self.conversation.topic.clone(), first, self.thread(title, posts)));
        }
        out
    }

    fn thread(&self, title: String, posts: Vec<Post>) -> ParsedThread {
        ParsedThread { title: Some(title), topic: Some(self.conversation.topic.clone()), posts, ..Default::default() }
    }

    /// A Slack thread: its parent, if the export holds it, and its replies.
    fn slack_thread(&self, key: Ts, parent: Option<Message>, mut replies: Vec<Message>, parsed: &mut Parsed) -> Placed {
        replies.sort_by_key(|m| (m.ts.is_none(), m.ts));
        let title = self.title(parent.as_ref(), &replies);
        if parent.is_none()
            && let Some(first) = replies.first()
        {
            let n = replies.len();
            parsed.notes.push(Problem {
                line: first.post.line,
                message: format!(
                    "{}: {n} {} in {} answer a message the export does not hold: numbered from 2, answering no post",
                    self.path(first.day),
                    if n == 1 { "reply" } else { "replies" },
                    self.conversation.label,
                ),
                hint: None,
            });
        }
        let answers = parent.is_some().then_some(1);
        let mut posts: Vec<Post> = parent.into_iter().map(|p| Post { number: 1, ..p.post }).collect();
        posts.extend(replies.into_iter().enumerate().map(|(i, m)| Post {
            number: i as u32 + 2,
            reply_to: answers,
            ..m.post
        }));
        (self.conversation.topic.clone(), Some(key), self.thread(title, posts))
    }

    /// A Slack thread's title: its parent's first line; else (a deleted parent, a file
    /// alone) its file's name, or the first reply's first line; else its channel and day.
    fn title(&self, parent: Option<&Message>, replies: &[Message]) -> String {
        let line = |m: &Message| m.text.as_deref().and_then(|t| first_line(t, self.names));
        parent
            .and_then(line)
            .or_else(|| parent.and_then(|p| p.post.extra.attachments.first().map(|a| a.name.clone())))
            .or_else(|| replies.iter().find_map(line))
            .unwrap_or_else(|| {
                let day = parent.or(replies.first()).map_or(0, |m| m.day);
                format!("{}, {}", self.conversation.label, self.files.get(day).map_or("", |f| f.date))
            })
    }

    fn path(&self, day: usize) -> &str {
        self.files.get(day).map_or("", |f| f.path)
    }
}

pub fn parse(bundle: &Bundle, _options: &ParseOptions) -> Result<Parsed, Problem> {
    let root = root(bundle);
    let folders = day_files(bundle, root);
    if folders.is_empty() {
        return Err(Problem {
            line: 1,
            message: "this Slack export has no day files (`CHANNEL/YYYY-MM-DD.json`): no messages to read".into(),
            hint: Some("export again over dates that have messages, and put the whole zip or folder here".into()),
        });
    }
    let mut parsed = Parsed::default();
    let export = read_export(bundle, root, &mut parsed);
    let mut noticed = Noticed::default();
    let mut placed: Vec<Placed> = Vec::new();
    for (folder, files) in &folders {
        let unlisted;
        let conversation = match export.conversations.get(*folder) {
            Some(conversation) => conversation,
            None => {
                parsed.notes.push(Problem {
                    line: 1,
                    message: format!(
                        "{root}{folder}/: no channel list names this folder: read as the channel #{folder}"
                    ),
                    hint: None,
                });
                unlisted = Conversation { label: format!("#{folder}"), topic: (*folder).to_owned() };
                &unlisted
            }
        };
        let mut messages = Vec::new();
        for (day, file) in files.iter().enumerate() {
            messages.extend(read_day(file, day, &export, &mut parsed, &mut noticed));
        }
        let channel = Channel { conversation, files, names: &export.names };
        placed.extend(channel.threads(messages, &mut parsed));
    }
    placed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    parsed.threads = placed.into_iter().map(|(_, _, thread)| thread).collect();
    tell(noticed, root, &mut parsed);
    Ok(parsed)
}

/// Says what reading the messages noticed.
fn tell(noticed: Noticed, root: &str, parsed: &mut Parsed) {
    if let Some((id, (path, line))) = noticed.unknown_users.iter().next() {
        let others = noticed.unknown_users.len() - 1;
        parsed.notes.push(Problem {
            line: *line,
            message: format!(
                "{path}: {root}users.json does not name {id}{}: shown by id",
                if others > 0 { format!(" and {others} more") } else { String::new() }
            ),
            hint: Some("include users.json from the same export".into()),
        });
    }
    for (subtype, (path, line)) in noticed.unknown_subtypes {
        parsed.notes.push(Problem {
            line,
            message: format!("{path}: messages of subtype `{subtype}`, not one known to Slack exports, read as posts"),
            hint: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USERS: &str = r#"[
 {"id": "U1", "name": "maya.g", "real_name": "Maya Greene", "profile": {"display_name": "Maya", "real_name": "Maya Greene"}},
 {"id": "U2", "name": "obi", "profile": {"display_name": "", "real_name": "Obinna Eze"}},
 {"id": "U3", "name": "lkrause", "real_name": "Lena Krause", "profile": {"display_name": ""}},
 {"id": "U4", "name": "tjohns"},
 "not a user"
]"#;

    const CHANNELS: &str = r#"[{"id": "C1", "name": "garden", "members": ["U1"]}, {"id": "C2", "name": "general"}]"#;

    fn bundle(files: &[(&str, &str)]) -> Bundle {
        Bundle { files: files.iter().map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec())).collect() }
    }

    /// A day file with one message a line: the message `i` starts at line `i + 2`.
    fn day(messages: &[&str]) -> String {
        format!("[\n{}\n]\n", messages.join(",\n"))
    }

    /// An export of users.json, channels.json and the given day files.
    fn export(days: &[(&str, &[&str])]) -> Parsed {
        let days: Vec<(String, String)> = days.iter().map(|(p, m)| ((*p).to_owned(), day(m))).collect();
        let mut files = vec![("users.json", USERS), ("channels.json", CHANNELS)];
        files.extend(days.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        parse(&bundle(&files), &ParseOptions::default()).unwrap()
    }

    /// Each thread's title, and its posts' number, author, reply_to and body.
    type Outline = Vec<(String, Vec<(u32, Option<String>, Option<u32>, String)>)>;

    fn outline(parsed: &Parsed) -> Outline {
        parsed
            .threads
            .iter()
            .map(|t| {
                let posts = t.posts.iter().map(|p| (p.number, p.author.clone(), p.reply_to, p.body.clone())).collect();
                (t.title.clone().unwrap_or_default(), posts)
            })
            .collect()
    }

    fn post(
        number: u32,
        author: &str,
        reply_to: Option<u32>,
        body: &str,
    ) -> (u32, Option<String>, Option<u32>, String) {
        (number, (!author.is_empty()).then(|| author.to_owned()), reply_to, body.to_owned())
    }

    fn msg(user: &str, ts: &str, text: &str) -> String {
        format!(r#"{{"type": "message", "user": "{user}", "ts": "{ts}", "text": "{text}"}}"#)
    }

    fn reply(user: &str, ts: &str, parent: &str, text: &str) -> String {
        format!(r#"{{"type": "message", "user": "{user}", "ts": "{ts}", "thread_ts": "{parent}", "text": "{text}"}}"#)
    }

    fn parent(user: &str, ts: &str, text: &str) -> String {
        reply(user, ts, ts, text)
    }

    #[test]
    fn the_example_export() {
        let files: &[(&str, &[u8])] = &[
            ("channels.json", include_bytes!("../../../tests/fixtures/formats/slack-export/channels.json")),
            ("users.json", include_bytes!("../../../tests/fixtures/formats/slack-export/users.json")),
            (
                "integration_logs.json",
                include_bytes!("../../../tests/fixtures/formats/slack-export/integration_logs.json"),
            ),
            (
                "garden/2023-05-06.json",
                include_bytes!("../../../tests/fixtures/formats/slack-export/garden/2023-05-06.json"),
            ),
            (
                "garden/2023-05-07.json",
                include_bytes!("../../../tests/fixtures/formats/slack-export/garden/2023-05-07.json"),
            ),
            (
                "general/2023-05-06.json",
                include_bytes!("../../../tests/fixtures/formats/slack-export/general/2023-05-06.json"),
            ),
        ];
        let bundle = Bundle { files: files.iter().map(|(p, b)| ((*p).to_owned(), b.to_vec())).collect() };
        assert_eq!(score(&bundle).value, 95);
        let parsed = parse(&bundle, &ParseOptions::default()).unwrap();
        assert_eq!((parsed.warnings.as_slice(), parsed.notes.as_slice()), (&[][..], &[][..]));
        assert_eq!(
            outline(&parsed),
            [
                (
                    "Slugs got half the lettuce overnight. @Obi are the copper tape rolls still in…".to_owned(),
                    vec![
                        post(
                            1,
                            "Maya",
                            None,
                            "Slugs got half the lettuce overnight. @Obi are the copper tape rolls still in the shed?"
                        ),
                        post(2, "Obi", Some(1), "Top shelf, next to the netting. Tape & beer traps together work best"),
                        post(3, "Lena Krause", Some(1), "Put tape round beds 2 and 3 this morning"),
                        post(4, "Maya", Some(1), "Thanks both! Nothing eaten last night :tada:"),
                    ]
                ),
                (
                    "#garden, 2023-05-06".to_owned(),
                    vec![post(
                        1,
                        "Terry",
                        None,
                        "Compost delivery confirmed for Tuesday, see the [rota](https://example.org/coop/rota) for who's unloading"
                    )]
                ),
                (
                    "#general, 2023-05-06".to_owned(),
                    vec![post(1, "Watering Bot", None, "Watering rota: today is **Obi**, tomorrow **Lena**")]
                ),
                (
                    "No worries, I'll bring the spare key to #garden on Sunday".to_owned(),
                    vec![
                        post(1, "", None, ""),
                        post(2, "Obi", Some(1), "No worries, I'll bring the spare key to #garden on Sunday")
                    ]
                ),
            ]
        );
        let topics: Vec<&str> = parsed.threads.iter().filter_map(|t| t.topic.as_deref()).collect();
        assert_eq!(topics, ["garden", "garden", "general", "general"]);
        let slugs = &parsed.threads[0].posts;
        let lines: Vec<usize> = slugs.iter().map(|p| p.line).collect();
        assert_eq!(lines, [9, 51, 2, 12]);
        assert_eq!(slugs[0].date.unwrap().to_string(), "2023-05-06T10:00:00Z");
        assert_eq!(slugs[3].date.unwrap().to_string(), "2023-05-07T09:00:00Z");
        assert_eq!((slugs[0].likes, slugs[3].likes), (2, 3));
        assert_eq!(
            slugs[0].extra.reactions,
            [Reaction { emoji: ":cry:".into(), count: 2, users: vec!["Lena Krause".into(), "Terry".into()] }]
        );
        let deleted = &parsed.threads[3].posts[0];
        assert_eq!((deleted.extra.status.as_deref(), deleted.line), (Some("deleted"), 10));
        assert_eq!(parsed.threads[2].posts[0].line, 2);
    }

    #[test]
    fn slack_threads_and_days() {
        let p1 = parent("U1", "1683367200.000100", "Slugs again\\nsecond line");
        let parsed = export(&[
            (
                "garden/2023-05-06.json",
                &[
                    &msg("U2", "1683363600.000100", "morning"),
                    &p1,
                    &reply("U3", "1683368000.000300", "1683367200.000100", "tape"),
                    // A parent nobody answered stays among its day's messages.
                    &parent("U4", "1683369000.000100", "anyone?"),
                    &msg("U2", "1683370000.000100", "lunch"),
                ],
            ),
            (
                "garden/2023-05-07.json",
                &[
                    // Out of order across files: ordered by ts.
                    &reply("U1", "1683367900.000200", "1683367200.000100", "earlier reply, filed late"),
                    r#"{"type": "message", "subtype": "thread_broadcast", "user": "U2", "ts": "1683450000.000100", "thread_ts": "1683367200.000100", "root": {}, "text": "done, see thread"}"#,
                    &msg("U3", "1683451000.000100", "thanks"),
                    // The same message twice is one.
                    &msg("U3", "1683451000.000100", "thanks"),
                ],
            ),
        ]);
        assert_eq!(
            outline(&parsed),
            [
                (
                    "#garden, 2023-05-06".to_owned(),
                    vec![
                        post(1, "Obinna Eze", None, "morning"),
                        post(2, "tjohns", None, "anyone?"),
                        post(3, "Obinna Eze", None, "lunch")
                    ]
                ),
                (
                    "Slugs again".to_owned(),
                    vec![
                        post(1, "Maya", None, "Slugs again\nsecond line"),
                        post(2, "Maya", Some(1), "earlier reply, filed late"),
                        post(3, "Lena Krause", Some(1), "tape"),
                        post(4, "Obinna Eze", Some(1), "done, see thread"),
                    ]
                ),
                ("#garden, 2023-05-07".to_owned(), vec![post(1, "Lena Krause", None, "thanks")]),
            ]
        );
        assert!(parsed.warnings.is_empty() && parsed.notes.is_empty(), "{parsed:?}");
        assert_eq!(parsed.threads[1].posts[1].line, 2);
    }

    #[test]
    fn replies_without_their_parent() {
        let parsed = export(&[(
            "garden/2023-05-07.json",
            &[
                &reply("U2", "1683450000.000100", "1683300000.000100", "yes, *all* of them"),
                &reply("U3", "1683450100.000100", "1683300000.000100", "me too"),
            ],
        )]);
        assert_eq!(
            outline(&parsed),
            [(
                "yes, all of them".to_owned(),
                vec![post(2, "Obinna Eze", None, "yes, **all** of them"), post(3, "Lena Krause", None, "me too")]
            )]
        );
        assert_eq!(parsed.notes.len(), 1);
        assert_eq!(parsed.notes[0].line, 2);
        assert!(parsed.notes[0].message.starts_with("garden/2023-05-07.json: 2 replies in #garden answer a message"));
    }

    #[test]
    fn older_exports_list_replies_on_the_parent() {
        let parsed = export(&[(
            "general/2017-03-01.json",
            &[
                r#"{"type": "message", "user": "U1", "ts": "1488362400.000002", "text": "Rota?", "replies": [{"user": "U2", "ts": "1488362500.000003"}]}"#,
                &msg("U2", "1488362500.000003", "Mine"),
                &msg("U3", "1488362600.000004", "other talk"),
            ],
        )]);
        assert_eq!(
            outline(&parsed),
            [
                ("Rota?".to_owned(), vec![post(1, "Maya", None, "Rota?"), post(2, "Obinna Eze", Some(1), "Mine")]),
                ("#general, 2017-03-01".to_owned(), vec![post(1, "Lena Krause", None, "other talk")]),
            ]
        );
    }

    #[test]
    fn authors() {
        let parsed = export(&[(
            "general/2023-05-06.json",
            &[
                &msg("U1", "1.1", "display name"),
                &msg("U2", "1.2", "profile real name"),
                &msg("U3", "1.3", "real name"),
                &msg("U4", "1.4", "handle"),
                r#"{"type": "message", "user": "U9", "user_profile": {"display_name": "", "real_name": "Past Member"}, "ts": "1.5", "text": "from user_profile"}"#,
                &msg("U8", "1.6", "unknown"),
                &msg("USLACKBOT", "1.7", "reminder"),
                r#"{"type": "message", "subtype": "bot_message", "username": "Rota Bot", "bot_id": "B1", "bot_profile": {"name": "rota"}, "ts": "1.8", "text": "username"}"#,
                r#"{"type": "message", "subtype": "bot_message", "bot_id": "B1", "bot_profile": {"name": "rota"}, "ts": "1.9", "text": "bot profile"}"#,
                r#"{"type": "message", "subtype": "bot_message", "bot_id": "B1", "ts": "2.0", "text": "bot id"}"#,
                r#"{"type": "message", "subtype": "bot_message", "user": "U1", "username": "ignored", "ts": "2.1", "text": "a bot with a user"}"#,
                r#"{"type": "message", "ts": "2.2", "text": "nobody"}"#,
            ],
        )]);
        let authors: Vec<Option<&str>> = parsed.threads[0].posts.iter().map(|p| p.author.as_deref()).collect();
        assert_eq!(
            authors,
            [
                Some("Maya"),
                Some("Obinna Eze"),
                Some("Lena Krause"),
                Some("tjohns"),
                Some("Past Member"),
                Some("U8"),
                Some("Slackbot"),
                Some("Rota Bot"),
                Some("rota"),
                Some("B1"),
                Some("Maya"),
                None,
            ]
        );
        assert_eq!(parsed.notes.len(), 1, "{:?}", parsed.notes);
        assert_eq!(parsed.notes[0].line, 7);
        assert!(parsed.notes[0].message.contains("users.json does not name U8"), "{:?}", parsed.notes);
    }

    #[test]
    fn subtypes() {
        let parsed = export(&[(
            "general/2023-05-06.json",
            &[
                r#"{"type": "message", "subtype": "channel_join", "user": "U1", "ts": "1.1", "text": "<@U1> has joined the channel"}"#,
                r#"{"type": "message", "subtype": "channel_topic", "user": "U1", "ts": "1.2", "text": "set the topic", "topic": "x"}"#,
                r#"{"type": "message", "subtype": "pinned_item", "user": "U1", "ts": "1.3", "text": "pinned a message"}"#,
                r#"{"type": "message", "subtype": "me_message", "user": "U2", "ts": "1.4", "text": "waters the beans"}"#,
                r#"{"type": "message", "user": "U2", "ts": "1.5", "text": "fixed typo", "edited": {"user": "U2", "ts": "1.6"}, "pinned_to": ["C2"]}"#,
                r#"{"type": "message", "subtype": "huddle_thread", "user": "U1", "ts": "1.7", "text": ""}"#,
                r#"{"type": "message", "subtype": "new_kind", "user": "U1", "ts": "1.8", "text": "something new"}"#,
            ],
        )]);
        let posts = &parsed.threads[0].posts;
        let bodies: Vec<&str> = posts.iter().map(|p| p.body.as_str()).collect();
        assert_eq!(bodies, ["waters the beans", "fixed typo", "something new"]);
        assert!(posts[0].extra.action && !posts[1].extra.action);
        assert!(posts[1].extra.edited && posts[1].extra.pinned && !posts[0].extra.edited);
        assert_eq!(parsed.notes.len(), 1);
        assert!(parsed.notes[0].message.contains("`new_kind`"), "{:?}", parsed.notes);
    }

    #[test]
    fn reactions_and_files() {
        let parsed = export(&[(
            "garden/2023-05-06.json",
            &[
                r#"{"type": "message", "user": "U1", "ts": "1.1", "text": "photo", "reactions": [
                    {"name": "+1::skin-tone-3", "users": ["U2", "U9"], "count": 2},
                    {"name": "heart", "users": ["U3"]}],
                  "files": [
                    {"id": "F1", "name": "beds.jpg", "title": "Beds", "url_private": "https://files.slack.com/files-pri/T1-F1/beds.jpg", "permalink": "https://hollow.slack.com/files/U1/F1/beds.jpg"},
                    {"id": "F2", "mode": "hidden_by_limit"},
                    {"id": "F3", "title": "notes", "mode": "tombstone"},
                    {"id": "F4", "url_private": "https://files.slack.com/files-pri/T1-F4/plan.pdf"}]}"#,
                r#"{"type": "message", "subtype": "file_share", "user": "U2", "ts": "1.2",
                  "text": "<@U2|obi> uploaded a file: <https://hollow.slack.com/files/obi/F5/rota.xlsx|rota.xlsx> and commented: new rota",
                  "file": {"id": "F5", "name": "rota.xlsx", "url_private": "https://files.slack.com/files/obi/F5/rota.xlsx"}}"#,
                r#"{"type": "message", "subtype": "file_share", "user": "U2", "ts": "1.3", "text": "",
                  "files": [{"id": "F6", "name": "a.png", "url_private": "https://files.slack.com/a.png"}],
                  "file": {"id": "F6", "name": "a.png", "url_private": "https://files.slack.com/a.png"}}"#,
            ],
        )]);
        let posts = &parsed.threads[0].posts;
        assert_eq!(posts[0].likes, 3);
        assert_eq!(
            posts[0].extra.reactions,
            [
                Reaction { emoji: ":+1::skin-tone-3:".into(), count: 2, users: vec!["Obinna Eze".into(), "U9".into()] },
                Reaction { emoji: ":heart:".into(), count: 1, users: vec!["Lena Krause".into()] },
            ]
        );
        assert_eq!(
            posts[0].extra.attachments,
            [
                Attachment::new("beds.jpg", Some("https://files.slack.com/files-pri/T1-F1/beds.jpg".into())),
                Attachment::new("F2", None),
                Attachment::new("notes", None),
                Attachment::at("https://files.slack.com/files-pri/T1-F4/plan.pdf"),
            ]
        );
        assert_eq!(posts[1].body, "new rota");
        assert_eq!(
            posts[1].extra.attachments,
            [Attachment::new("rota.xlsx", Some("https://files.slack.com/files/obi/F5/rota.xlsx".into()))]
        );
        assert_eq!((posts[2].body.as_str(), posts[2].extra.attachments.len()), ("", 1));
    }

    #[test]
    fn an_integration_writes_cards() {
        let parsed = export(&[(
            "general/2023-05-06.json",
            &[r#"{"type": "message", "subtype": "bot_message", "username": "Weather", "ts": "1.1", "text": "",
                 "attachments": [{"pretext": "Frost tonight", "title": "Forecast", "title_link": "https://weather.example/x", "text": "Low of *-2*"},
                                 {"fallback": "Cover the seedlings"}]}"#],
        )]);
        assert_eq!(
            parsed.threads[0].posts[0].body,
            "Frost tonight\n[Forecast](https://weather.example/x)\nLow of **-2**\n\nCover the seedlings"
        );
    }

    #[test]
    fn conversations_and_mentions() {
        let files = [
            ("Hollow Lane export/users.json", USERS.to_owned()),
            ("Hollow Lane export/channels.json", CHANNELS.to_owned()),
            (
                "Hollow Lane export/groups.json",
                r#"[{"id": "G1", "name": "committee", "members": ["U1", "U2"]}]"#.to_owned(),
            ),
            (
                "Hollow Lane export/mpims.json",
                r#"[{"id": "G2", "name": "mpdm-maya.g--obi--lkrause-1", "members": ["U1", "U2", "U3"]}]"#.to_owned(),
            ),
            ("Hollow Lane export/dms.json", r#"[{"id": "D1", "members": ["U1", "U4"]}]"#.to_owned()),
            (
                "Hollow Lane export/committee/2023-05-06.json",
                day(&[&msg("U1", "3.0", "budget, ask <@U2> in <#C1> and <#G1|committee>")]),
            ),
            (
                "Hollow Lane export/mpdm-maya.g--obi--lkrause-1/2023-05-06.json",
                day(&[&msg("U2", "2.0", "<!here> cake")]),
            ),
            ("Hollow Lane export/D1/2023-05-06.json", day(&[&msg("U4", "1.0", "hi")])),
            ("Hollow Lane export/stray/2023-05-06.json", day(&[&msg("U4", "4.0", "lost")])),
            ("Hollow Lane export/stray/notes.json", "[]".to_owned()),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let bundle = bundle(&files);
        assert_eq!(score(&bundle).value, 95, "{:?}", score(&bundle));
        let parsed = parse(&bundle, &ParseOptions::default()).unwrap();
        let got: Vec<(&str, &str, &str)> = parsed
            .threads
            .iter()
            .map(|t| (t.topic.as_deref().unwrap(), t.title.as_deref().unwrap(), t.posts[0].body.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Maya and tjohns", "Maya and tjohns, 2023-05-06", "hi"),
                ("Maya, Obinna Eze and Lena Krause", "Maya, Obinna Eze and Lena Krause, 2023-05-06", "@here cake"),
                ("committee", "#committee, 2023-05-06", "budget, ask @Obinna Eze in #garden and #committee"),
                ("stray", "#stray, 2023-05-06", "lost"),
            ]
        );
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(parsed.notes.len(), 1);
        assert_eq!(
            parsed.notes[0].message,
            "Hollow Lane export/stray/: no channel list names this folder: read as the channel #stray"
        );
    }

    #[test]
    fn broken_files_are_warned_about_and_the_rest_read() {
        let parsed = parse(
            &bundle(&[
                ("users.json", "[{\"id\": \"U1\", \"name\": \"maya\"}"),
                ("channels.json", CHANNELS),
                ("garden/2023-05-06.json", "[\n  {\"type\": \"message\", \"ts\": \"1.1\",\n  \"text\": \"cut off"),
                ("garden/2023-05-07.json", "{\"not\": \"an array\"}"),
                ("garden/2023-05-08.json", "\u{feff}[\n  \"a string\",\n  {\"ts\": \"2.1\", \"user\": \"U1\", \"text\": 5},\n  {\"ts\": \"2.2\", \"user\": \"U1\", \"text\": \"kept\"}\n]"),
            ]),
            &ParseOptions::default(),
        )
        .unwrap();
        assert_eq!(outline(&parsed), [("#garden, 2023-05-08".to_owned(), vec![post(1, "U1", None, "kept")])]);
        assert_eq!(parsed.threads[0].posts[0].line, 4);
        let warnings: Vec<(usize, &str)> =
            parsed.warnings.iter().map(|w| (w.line, w.message.split(" (").next().unwrap())).collect();
        assert_eq!(
            warnings,
            [
                (1, "users.json: not valid JSON"),
                (3, "garden/2023-05-06.json: not valid JSON"),
                (1, "garden/2023-05-07.json: not a JSON array"),
                (2, "garden/2023-05-08.json: the message at line 2 is not one Slack writes"),
                (3, "garden/2023-05-08.json: the message at line 3 is not one Slack writes"),
            ]
        );
        assert!(parsed.warnings[1].message.ends_with("its messages are left out"), "{:?}", parsed.warnings[1]);
    }

    #[test]
    fn titles_are_the_first_line_shortened() {
        assert_eq!(shorten("short one"), "short one");
        let long = "word ".repeat(30);
        assert_eq!(shorten(&long), format!("{}…", "word ".repeat(16).trim_end()));
        assert_eq!(shorten(&"x".repeat(100)), format!("{}…", "x".repeat(80)));
        assert_eq!(shorten(&"é".repeat(90)).chars().count(), 81);
        let names = Directory::default();
        assert_eq!(
            first_line("\n\n  *Big* news: <https://x.example|the plan>\nmore", &names).as_deref(),
            Some("Big news: the plan")
        );
        assert_eq!(first_line("&gt; quoted\nmore", &names).as_deref(), Some("quoted"));
        assert_eq!(first_line("  \n ", &names), None);
    }

    #[test]
    fn scores() {
        let one_day = day(&[&msg("U1", "1.1", "hi")]);
        let cases: &[(&[(&str, &str)], u8)] = &[
            (&[("users.json", USERS), ("channels.json", CHANNELS), ("garden/2023-05-06.json", &one_day)], 95),
            (&[("users.json", USERS), ("channels.json", CHANNELS), ("garden/2023-05-06.json", "[]")], 85),
            (&[("users.json", USERS), ("garden/2023-05-06.json", &one_day)], 80),
            (&[("users.json", USERS), ("dms.json", "[]")], 60),
            (&[("garden/2023-05-06.json", &one_day)], 65),
            (&[("users.json", USERS)], 0),
            (
                &[(
                    "result.json",
                    r#"{"name": "Chat", "type": "personal_chat", "messages": [{"id": 1, "type": "message"}]}"#,
                )],
                0,
            ),
            (
                &[
                    ("export/2023-05-06.json.bak", &one_day),
                    ("a/b/2023-05-06.json", &one_day),
                    ("2023-05-06.json", &one_day),
                ],
                0,
            ),
            (&[("garden/05-06-2023.json", &one_day), ("garden/notes.json", &one_day)], 0),
            (&[], 0),
        ];
        for (files, want) in cases {
            let got = score(&bundle(files));
            assert_eq!(got.value, *want, "{files:?}: {got:?}");
        }
        assert!(
            parse(&bundle(&[("users.json", USERS), ("channels.json", CHANNELS)]), &ParseOptions::default()).is_err()
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let alphabet: &[&str] = &[
            "[",
            "]",
            "{",
            "}",
            ",",
            ":",
            "\"ts\": \"1683367200.001200\"",
            "\"thread_ts\": \"1683367200.001200\"",
            "\"ts\": 1e400",
            "\"ts\": \"99999999999.9\"",
            "\"user\": \"U1\"",
            "\"subtype\": \"tombstone\"",
            "\"subtype\": \"bot_message\"",
            "\"text\": \"*a _b ~c `d <@U1|x> <#C1> <!subteam^S| <https://x|y> &amp;&gt;&lt; ```e\\n\\n&gt;&gt;&gt;f :g:\"",
            "\"reactions\": [{\"name\": \"x\", \"count\": 99999999999}]",
            "\"replies\": [{\"ts\": \"1683367200.001200\"}]",
            "\"files\": [{}]",
            "\"attachments\": [{}]",
            "null",
            "\u{feff}",
            "\n",
            "é",
            "\u{0}",
        ];
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..40 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let mut bytes = text.clone().into_bytes();
            bytes.push(0xff);
            let files = vec![
                ("users.json".to_owned(), text.as_bytes().to_vec()),
                ("channels.json".to_owned(), text.as_bytes().to_vec()),
                ("c/2023-05-06.json".to_owned(), text.as_bytes().to_vec()),
                ("c/2023-05-07.json".to_owned(), format!("[{{{text}}}]").into_bytes()),
                ("c/2023-05-08.json".to_owned(), bytes),
            ];
            let bundle = Bundle { files };
            let _ = score(&bundle);
            let _ = parse(&bundle, &ParseOptions::default());
        }
        let names = Directory::default();
        for text in [
            "<", "<>", "<@>", "<#|>", "<!>", "<|>", "`", "``", "```", "``````", "*", "_*~", ":", "::", "&", "&gt",
            "\n&gt;",
        ] {
            let _ = (mrkdwn::to_markdown(text, &names), mrkdwn::to_plain(text, &names));
        }
    }
}
