//! The archive's data: threads and posts as the dumps said them.
//!
//! The model keeps *source* text (a post's body is what the dump held, not HTML); rendering
//! turns it into HTML later. Every field that a dump may not give is an `Option`: an absent
//! author or date stays absent, it is never guessed.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A dump format threadarc reads. Names are the ones used in front matter and on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Text copied out of a forum page: a title line, posts between blank lines.
    Plain,
    /// Discourse's `/raw/TOPIC_ID` export.
    DiscourseRaw,
    /// A mailbox file (mboxrd, mboxo, pipermail `.txt`): many messages, many threads.
    Mbox,
    /// A mailing-list digest (RFC 1153, Mailman plain or MIME).
    Digest,
    /// A Discourse topic page copied out of a browser (crawler view or JavaScript app).
    DiscoursePage,
    /// DiscordChatExporter's plain-text export of a channel.
    Discord,
    /// A Hacker News item page copied out of a browser.
    #[serde(rename = "hackernews")]
    HackerNews,
    /// An old Reddit comments page copied out of a browser.
    Reddit,
    /// A phpBB topic's print view copied out of a browser.
    Phpbb,
    /// WhatsApp's "Export chat" (`.txt`, or a `.zip` with the media).
    #[serde(rename = "whatsapp")]
    WhatsApp,
    /// An irssi channel log.
    Irssi,
    /// A WeeChat channel log (logger plugin).
    Weechat,
    /// A ZNC channel log (`log` module), one day a file.
    Znc,
    /// A HexChat (XChat) channel log.
    Hexchat,
    /// Telegram Desktop's machine-readable export (`result.json`).
    Telegram,
    /// A Slack workspace export: a zip, or the folder it unpacks to.
    Slack,
    /// DiscordChatExporter's JSON export of a channel.
    DiscordJson,
    /// What a Reddit thread's address gives with `.json` appended.
    RedditJson,
    /// Reddit's bulk dumps (Pushshift, Arctic Shift): submissions and comments, a JSON
    /// object a line.
    RedditDump,
    /// A Hacker News item with its comments, from the Algolia API.
    #[serde(rename = "hackernews-json")]
    HackerNewsJson,
    /// A Discourse topic's JSON (`/t/ID.json`, `/t/ID/posts.json`).
    DiscourseJson,
}

impl Format {
    /// Every format, in the order detection tries them.
    pub const ALL: &'static [Format] = &[
        Format::Slack,
        Format::Telegram,
        Format::DiscordJson,
        Format::RedditJson,
        Format::RedditDump,
        Format::HackerNewsJson,
        Format::DiscourseJson,
        Format::DiscourseRaw,
        Format::Mbox,
        Format::Digest,
        Format::DiscoursePage,
        Format::Discord,
        Format::HackerNews,
        Format::Reddit,
        Format::Phpbb,
        Format::WhatsApp,
        Format::Irssi,
        Format::Weechat,
        Format::Znc,
        Format::Hexchat,
        Format::Plain,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::DiscourseRaw => "discourse-raw",
            Format::Mbox => "mbox",
            Format::Digest => "digest",
            Format::DiscoursePage => "discourse-page",
            Format::Discord => "discord",
            Format::HackerNews => "hackernews",
            Format::Reddit => "reddit",
            Format::Phpbb => "phpbb",
            Format::WhatsApp => "whatsapp",
            Format::Irssi => "irssi",
            Format::Weechat => "weechat",
            Format::Znc => "znc",
            Format::Hexchat => "hexchat",
            Format::Telegram => "telegram",
            Format::Slack => "slack",
            Format::DiscordJson => "discord-json",
            Format::RedditJson => "reddit-json",
            Format::RedditDump => "reddit-dump",
            Format::HackerNewsJson => "hackernews-json",
            Format::DiscourseJson => "discourse-json",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether post bodies in this format are Markdown (else plain text): Discourse's own,
    /// and what the chat exporters' markup (Slack's mrkdwn, Telegram's entities, Discord's
    /// Markdown) is turned into.
    pub fn is_markdown(self) -> bool {
        matches!(
            self,
            Format::DiscourseRaw
                | Format::Slack
                | Format::Telegram
                | Format::DiscordJson
                | Format::RedditJson
                | Format::RedditDump
                | Format::HackerNewsJson
                | Format::DiscourseJson
        )
    }

    /// Whether the dump is a chat: many short messages in time order, whose thread pages
    /// list the days they span.
    pub fn is_chat(self) -> bool {
        matches!(
            self,
            Format::Discord
                | Format::WhatsApp
                | Format::Irssi
                | Format::Weechat
                | Format::Znc
                | Format::Hexchat
                | Format::Telegram
                | Format::Slack
                | Format::DiscordJson
        )
    }

    /// Whether posts are mail messages: bodies are plain text with `>` quotes and
    /// signatures, authors may be email addresses.
    pub fn is_mail(self) -> bool {
        matches!(self, Format::Mbox | Format::Digest)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Settings a parser takes from front matter.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    pub paragraphs: Paragraphs,
    /// The zone of dates that name none; UTC when not set.
    pub timezone: Option<jiff::tz::TimeZone>,
    /// When the page was copied: relative dates (`5 hours ago`) are counted back from it.
    pub captured: Option<jiff::Timestamp>,
    /// The dump's path under the input folder, for formats whose file names say what their
    /// text does not (a ZNC log's day and channel: `#chan/2023-03-11.log`).
    pub path: Option<String>,
}

/// How a plain copy-paste dump separates paragraphs from posts (FORMATS.md §1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paragraphs {
    /// Posts are separated by blank lines; every line inside a post is a paragraph.
    #[default]
    Lines,
    /// Paragraphs are separated by one blank line, posts by two or more.
    BlankLines,
}

/// One discussion thread read from a dump.
#[derive(Debug, Clone, Serialize)]
pub struct Thread {
    /// The dump's path, relative to the input folder, with `/` separators.
    pub path: String,
    pub format: Format,
    pub title: String,
    /// The topic's key: the folder under `threads/` the dump sits in, or front matter's `topic`.
    pub topic: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The original thread's address, when the dump or its front matter gives one.
    pub source: Option<String>,
    /// How plain-text bodies break into paragraphs.
    #[serde(skip)]
    pub paragraphs: Paragraphs,
    pub posts: Vec<Post>,
    /// Each post's opening words as lists of posts show them, kept while the bodies are
    /// let go ([`Thread::released`]) until those lists are written; else empty.
    #[serde(skip)]
    pub excerpts: Vec<Box<str>>,
    /// Whether the bodies of the posts after the first were let go: a build of a large
    /// archive lets go of them once a dump is read, and reads them again where a page or
    /// the search index needs them.
    #[serde(skip)]
    pub released: bool,
    /// How the thread joins threads read from other files of its topic, where its format's
    /// threads span files.
    #[serde(skip)]
    pub pool: Option<Pool>,
    /// The archive's owner took the thread down: it keeps its address, and nothing else.
    #[serde(skip)]
    pub removed: Option<Removed>,
}

/// What is left of a thread taken down: why, and what keeps its address where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Why, as the archive's settings say it (shown on its page).
    pub reason: Option<String>,
    /// The slug its title gave it, and when it started: what its address was made from.
    pub slug: String,
    pub first_date: Option<Timestamp>,
}

/// One post of a thread.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Post {
    /// The post's number: from the dump where it has them (gaps are deleted posts), else 1..N.
    pub number: u32,
    pub author: Option<String>,
    /// When the post was written (or last edited, where that is all the dump says), in UTC.
    pub date: Option<Timestamp>,
    pub likes: u32,
    /// The number of the post in the same thread that this one answers.
    pub reply_to: Option<u32>,
    /// The post's source text: plain text or Markdown, as the thread's format says.
    pub body: String,
    /// The line of the dump where the post starts (1-based), for messages.
    pub line: usize,
    /// What the post's format says beyond the common fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A post's [`PostExtra`], kept out of line: most posts have none, and a post without is
/// then a third of the size (at a million posts, 180 MB less). It reads as a `PostExtra`
/// (an empty one when there is none); the first change through it makes one.
#[derive(Clone, Default)]
pub struct Extra(Option<Box<PostExtra>>);

static NO_EXTRA: PostExtra = PostExtra {
    date_text: None,
    subject: None,
    email: None,
    score: None,
    score_hidden: false,
    reactions: Vec::new(),
    attachments: Vec::new(),
    forwarded_from: None,
    action: false,
    event: None,
    whisper: false,
    id: None,
    links: Vec::new(),
    more_replies: 0,
    redacted: None,
    edited: false,
    submitter: false,
    pinned: false,
    reply_guessed: false,
    flair: None,
    status: None,
};

impl Extra {
    /// The fields, for changing them, only where the post has any (reading through
    /// `DerefMut` would make an empty set for every post).
    pub fn get_mut(&mut self) -> Option<&mut PostExtra> {
        self.0.as_deref_mut()
    }
}

impl std::ops::Deref for Extra {
    type Target = PostExtra;

    fn deref(&self) -> &PostExtra {
        self.0.as_deref().unwrap_or(&NO_EXTRA)
    }
}

impl std::ops::DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut PostExtra {
        self.0.get_or_insert_with(Default::default)
    }
}

impl From<PostExtra> for Extra {
    fn from(extra: PostExtra) -> Extra {
        Extra((extra != NO_EXTRA).then(|| Box::new(extra)))
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Extra) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Extra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

/// What some formats say of a post beyond the common fields; each is left out of the
/// records when the dump does not say it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PostExtra {
    /// The dump's own words for the date, where it gave no full date (`5 hours ago`,
    /// `Mar 12`) or gave one only relative to the capture time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_text: Option<String>,
    /// A mail's subject, or a phpBB post's subject line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The author's email address (published only when `show_emails` is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Points (Hacker News, Reddit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    /// The score was hidden by the site (`[score hidden]`).
    #[serde(skip_serializing_if = "is_false")]
    pub score_hidden: bool,
    /// Emoji reactions (chats).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    /// Files attached to the post.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Where a forwarded message came from, as the export names it (Telegram).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forwarded_from: Option<String>,
    /// The post is an action, not a message (IRC's `/me waves`): the body is what the
    /// author did, shown after their name.
    #[serde(skip_serializing_if = "is_false")]
    pub action: bool,
    /// The post is an event of the thread, not a message: what happened, in the
    /// platform's own code (a Discourse small action: `closed.enabled`, `pinned.enabled`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Only staff saw the post (a Discourse whisper).
    #[serde(skip_serializing_if = "is_false")]
    pub whisper: bool,
    /// The platform's own id of the post (a Message-ID, Reddit's `t1_abc`, a Discourse
    /// post id): what joins the same post read from two files into one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The ids of the posts this one follows up, oldest first, its parent last (a mail's
    /// `References` and `In-Reply-To`; a Reddit comment's `parent_id`): what places it in a
    /// thread that spans files ([`Pool`]).
    #[serde(skip)]
    pub links: Vec<String>,
    /// Replies the dump knows of but does not hold (Reddit's "load more comments").
    #[serde(skip_serializing_if = "is_zero")]
    pub more_replies: u32,
    /// The archive's owner took the post down: what its page says in its place (their
    /// reason, or the default wording). Nothing else of the post is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redacted: Option<String>,
    /// The post was edited after it was written (Reddit's `*`).
    #[serde(skip_serializing_if = "is_false")]
    pub edited: bool,
    /// The author started the thread (Reddit's `[S]`).
    #[serde(skip_serializing_if = "is_false")]
    pub submitter: bool,
    /// The message was pinned (Discord).
    #[serde(skip_serializing_if = "is_false")]
    pub pinned: bool,
    /// `reply_to` was inferred from the layout, not stated by the dump.
    #[serde(skip_serializing_if = "is_false")]
    pub reply_guessed: bool,
    /// The author's flair (Reddit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flair: Option<String>,
    /// Why the body is missing or hidden: `deleted`, `removed`, `dead`, `flagged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A file attached to a post: its name and where the export says it is, and what the
/// build found there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// The file's name as the export gives it: shown, and offered when it is downloaded.
    pub name: String,
    /// Where the export says the file is: a path relative to the dump (inside its zip or
    /// folder, or beside it, with `/`), or the URL of a file the export only links to.
    /// None where the export says it left the file out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the build found; a parser leaves it [`Stored::Unknown`].
    #[serde(skip_serializing_if = "Stored::is_unknown")]
    pub stored: Stored,
}

impl Attachment {
    /// An attachment as a parser reads it from an export.
    pub fn new(name: impl Into<String>, source: Option<String>) -> Attachment {
        Attachment { name: name.into(), source, stored: Stored::Unknown }
    }

    /// An attachment the export names only by where it is: its name is the path's or URL's
    /// last part (`https://cdn.example/a/zpool.txt?x=1` is `zpool.txt`).
    pub fn at(source: &str) -> Attachment {
        let path = source.split(['?', '#']).next().unwrap_or(source);
        let name = path.rsplit(['/', '\\']).find(|s| !s.is_empty()).unwrap_or(source);
        Attachment::new(name, Some(source.to_owned()))
    }

    /// Whether the export only links to the file, at a URL.
    pub fn is_linked(&self) -> bool {
        self.source.as_deref().is_some_and(|s| {
            let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
            lower.starts_with("http://") || lower.starts_with("https://")
        })
    }
}

/// What became of an attachment's file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Stored {
    /// Not looked for (what a parser gives).
    #[default]
    Unknown,
    /// The export links to it (a URL) rather than holding it.
    Linked,
    /// Not in the export: it said so, or the file is not where it said.
    Missing,
    /// Left out: larger than the archive takes (`max_attachment_mb`).
    TooLarge { size: u64 },
    /// Copied into the archive.
    Copied(StoredFile),
}

impl Stored {
    pub fn is_unknown(&self) -> bool {
        *self == Stored::Unknown
    }
}

/// An attachment's file as the archive holds it, named by a hash of its bytes so that the
/// same file attached twice is stored once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredFile {
    /// Its path from the archive's root (`files/ab/abcdef….jpg`).
    pub path: String,
    pub size: u64,
    /// What it is, by its bytes: how a page shows it.
    pub kind: FileKind,
    /// Its media type, by its bytes.
    pub mime: String,
}

/// How a page shows an attached file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum FileKind {
    /// An image a browser shows (PNG, JPEG, GIF, WebP, AVIF), with its size in pixels.
    Image {
        width: u32,
        height: u32,
    },
    Audio,
    Video,
    /// Anything else: a link to download it.
    Download,
    /// A file a browser would run or render as a page (HTML, SVG, XML, JavaScript): kept
    /// only as text, never where it could run.
    Inert,
}

/// One emoji reaction to a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reaction {
    pub emoji: String,
    pub count: u32,
    /// Who reacted, where the dump names them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// How the threads read from several files of one topic are joined into the threads the
/// archive shows: mail by its headers across months, a Reddit dump's posts by their
/// submission, a Discourse topic's page files by the topic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pool {
    /// Threaded by `Message-ID`, `References` and `In-Reply-To` (the posts' [`PostExtra::id`]
    /// and [`PostExtra::links`]), with every mail file of the topic.
    Mail,
    /// The posts of one submission (`t3_…`), from every Reddit dump of the topic.
    Reddit(String),
    /// The posts of one Discourse topic (its id), from every page file of the topic.
    Discourse(String),
}

impl Thread {
    /// The distinct authors, in order of their first post.
    pub fn participants(&self) -> Vec<&str> {
        let mut known = std::collections::HashSet::new();
        self.posts.iter().filter_map(|p| p.author.as_deref()).filter(|a| known.insert(*a)).collect()
    }

    pub fn first_date(&self) -> Option<Timestamp> {
        match &self.removed {
            Some(removed) => removed.first_date,
            None => self.posts.iter().filter_map(|p| p.date).min(),
        }
    }

    pub fn last_date(&self) -> Option<Timestamp> {
        self.posts.iter().filter_map(|p| p.date).max()
    }

    pub fn post(&self, number: u32) -> Option<&Post> {
        self.posts.iter().find(|p| p.number == number)
    }
}
