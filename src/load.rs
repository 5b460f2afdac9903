//! From one dump's bytes to its threads: text clean-up, front matter, detection, parsing,
//! and the defaults a dump's place gives (its topic from the folder, its title from the
//! file name). Pure: the caller reads the file.

use crate::diagnostic::{Diagnostic, Problem, Severity};
use crate::frontmatter;
use jiff::tz::TimeZone;

use crate::model::Thread;
use crate::model::{Format, ParseOptions};
use crate::parse::{self, Bundle, Detection, Parsed};
use crate::{slug, text};

/// What one dump gave.
#[derive(Debug, Default)]
pub struct Loaded {
    pub threads: Vec<Thread>,
    pub detection: Option<Detection>,
    /// Warnings, and the error that stopped the file if there was one.
    pub diagnostics: Vec<Diagnostic>,
}

/// A dump to load: its path relative to the input folder (with `/`), and the topic its
/// folder gives.
#[derive(Debug, Clone)]
pub struct Dump<'a> {
    pub path: &'a str,
    pub topic: &'a str,
    pub content: Content<'a>,
    /// A format forced on the command line.
    pub format: Option<Format>,
    /// The zone of dates that name none where front matter does not say (`archive.toml`'s
    /// `timezone`); UTC when none.
    pub timezone: Option<&'a TimeZone>,
}

/// What a dump holds.
#[derive(Debug, Clone, Copy)]
pub enum Content<'a> {
    /// One file's bytes.
    Text(&'a [u8]),
    /// A zip's or a folder's files (a Slack export).
    Bundle(&'a Bundle),
}

impl<'a> Dump<'a> {
    /// A dump of one file's bytes, its format detected, its dates in UTC where it names no
    /// zone.
    pub fn text(path: &'a str, topic: &'a str, bytes: &'a [u8]) -> Dump<'a> {
        Dump { path, topic, content: Content::Text(bytes), format: None, timezone: None }
    }
}

pub fn load(dump: &Dump) -> Loaded {
    load_detected(dump, None)
}

/// [`load`], given what detection found in these same bytes before (the build cache
/// remembers it), so that it need not run again.
pub fn load_detected(dump: &Dump, detected: Option<&Detection>) -> Loaded {
    match dump.content {
        Content::Text(bytes) => load_text(dump, bytes, detected),
        Content::Bundle(bundle) => load_bundle(dump, bundle, detected),
    }
}

fn load_text(dump: &Dump, bytes: &[u8], detected: Option<&Detection>) -> Loaded {
    let mut diagnostics = Vec::new();
    let (text, bad_utf8) = text::normalize(bytes);
    let at_line = |e: Problem, offset: usize| e.in_file(Severity::Error, dump.path, offset);
    let split = match frontmatter::split(&text) {
        Ok(split) => split,
        Err(e) => {
            diagnostics.push(at_line(e, 0));
            return Loaded { threads: Vec::new(), detection: None, diagnostics };
        }
    };
    let fm = split.front_matter;
    let detection = match dump.format.or(fm.format) {
        Some(format) => forced(format, dump.format.is_some()),
        None => detected.cloned().unwrap_or_else(|| parse::detect(split.body)),
    };
    // Mail is read from its bytes, each message in the charset it names: bytes that are not
    // UTF-8 are expected there.
    if let Some(offset) = bad_utf8.filter(|_| !detection.format.is_mail()) {
        diagnostics.push(
            Diagnostic::warning(dump.path, None, format!("invalid UTF-8 at byte {offset}; replaced with U+FFFD"))
                .with_hint("save the dump as UTF-8"),
        );
    }
    if detection.fallback {
        diagnostics.push(
            Diagnostic::warning(dump.path, None, "format not recognised; read as plain copy-paste")
                .with_hint("set `format` in front matter if this is another format"),
        );
    }
    let options = match parse_options(&fm, dump.timezone) {
        Ok(options) => ParseOptions { path: Some(dump.path.to_owned()), ..options },
        Err(message) => {
            diagnostics.push(Diagnostic::error(dump.path, Some(1), message));
            return Loaded { threads: Vec::new(), detection: Some(detection), diagnostics };
        }
    };
    let raw = detection.format.is_mail().then(|| raw_body(bytes, &text, split.body)).flatten();
    let parsed = match raw.map_or_else(
        || parse::parse(detection.format, split.body, &options),
        |raw| parse::parse_bytes(detection.format, raw, &options),
    ) {
        Ok(parsed) => parsed,
        Err(e) => {
            diagnostics.push(at_line(e, split.body_offset));
            return Loaded { threads: Vec::new(), detection: Some(detection), diagnostics };
        }
    };
    let threads = threads_of(dump, parsed, &fm, &detection, &options, split.body_offset, &mut diagnostics);
    Loaded { threads, detection: Some(detection), diagnostics }
}

/// A Reddit dump too large to hold, read as it streams: `lines` gives its text, and
/// `progress` is told how many bytes were read so far.
pub fn load_reader(dump: &Dump, lines: &mut dyn std::io::BufRead, progress: &mut dyn FnMut(u64)) -> Loaded {
    let mut diagnostics = Vec::new();
    let detection = Detection {
        format: Format::RedditDump,
        score: 100,
        reason: "a Reddit dump too large to hold, read line by line".into(),
        fallback: false,
    };
    let options =
        ParseOptions { timezone: dump.timezone.cloned(), path: Some(dump.path.to_owned()), ..ParseOptions::default() };
    let parsed = match parse::reddit_dump::parse_reader(lines, &options, progress) {
        Ok(parsed) => parsed,
        Err(e) => {
            diagnostics.push(e.in_file(Severity::Error, dump.path, 0));
            return Loaded { threads: Vec::new(), detection: Some(detection), diagnostics };
        }
    };
    let fm = frontmatter::FrontMatter::default();
    let threads = threads_of(dump, parsed, &fm, &detection, &options, 0, &mut diagnostics);
    Loaded { threads, detection: Some(detection), diagnostics }
}

/// A dump of several files: what detection finds in them (a Slack export), read as it.
fn load_bundle(dump: &Dump, bundle: &Bundle, detected: Option<&Detection>) -> Loaded {
    let mut diagnostics = Vec::new();
    let detection = match dump.format {
        Some(format) => forced(format, true),
        None => match detected.cloned().or_else(|| parse::detect_bundle(bundle)) {
            Some(detection) => detection,
            None => {
                let files = bundle.files.len();
                diagnostics.push(
                    Diagnostic::error(dump.path, None, format!("{files} files, and no export threadarc reads"))
                        .with_hint("a zip or folder is read as a Slack export (channels.json, users.json and a folder per channel) or as the one dump it holds"),
                );
                return Loaded { threads: Vec::new(), detection: None, diagnostics };
            }
        },
    };
    let options = ParseOptions { timezone: dump.timezone.cloned(), ..ParseOptions::default() };
    let parsed = match parse::parse_bundle(detection.format, bundle, &options) {
        Ok(parsed) => parsed,
        Err(e) => {
            diagnostics.push(e.in_file(Severity::Error, dump.path, 0));
            return Loaded { threads: Vec::new(), detection: Some(detection), diagnostics };
        }
    };
    let fm = frontmatter::FrontMatter::default();
    let threads = threads_of(dump, parsed, &fm, &detection, &options, 0, &mut diagnostics);
    Loaded { threads, detection: Some(detection), diagnostics }
}

/// Detection's verdict for a format set on the command line or in front matter.
fn forced(format: Format, command_line: bool) -> Detection {
    let reason = if command_line { "set on the command line" } else { "set in front matter" };
    Detection { format, score: 100, reason: reason.into(), fallback: false }
}

/// The threads a parser read, with what the dump's place and front matter add, and its
/// warnings and notes as diagnostics; `offset` is the line the parser's text starts after.
fn threads_of(
    dump: &Dump,
    parsed: Parsed,
    fm: &frontmatter::FrontMatter,
    detection: &Detection,
    options: &ParseOptions,
    offset: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Thread> {
    let in_file = |severity| move |p: Problem| p.in_file(severity, dump.path, offset);
    diagnostics.extend(parsed.warnings.into_iter().map(in_file(Severity::Warning)));
    diagnostics.extend(parsed.notes.into_iter().map(in_file(Severity::Note)));
    let single = parsed.threads.len() == 1;
    let mut threads = parsed
        .threads
        .into_iter()
        .map(|p| {
            let mut posts = p.posts;
            for post in &mut posts {
                post.line += offset;
            }
            let title = fm
                .title
                .clone()
                .filter(|_| single)
                .or(p.title)
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| title_from_path(dump.path));
            Thread {
                path: dump.path.to_owned(),
                format: detection.format,
                title,
                // A topic the dump names (a Discord category) is keyed like a folder, so that
                // `Home Lab` joins `threads/home-lab/` and its `[topics.home-lab]` settings.
                topic: fm
                    .topic
                    .clone()
                    .or_else(|| p.topic.map(|t| slug::slugify(&t, dump.topic)))
                    .unwrap_or_else(|| dump.topic.to_owned()),
                tags: merge_tags(&fm.tags, p.tags),
                source: fm.source.clone().or(p.source),
                paragraphs: options.paragraphs,
                posts,
                excerpts: Vec::new(),
                released: false,
                pool: p.pool,
                removed: None,
            }
        })
        .collect::<Vec<_>>();
    for thread in &mut threads {
        strip_controls(thread);
    }
    for thread in &threads {
        if thread.posts.is_empty() {
            diagnostics.push(Diagnostic::warning(dump.path, None, format!("thread “{}” has no posts", thread.title)));
        }
    }
    threads
}

/// Removes the control characters that front matter's TOML escapes or a mail's decoding
/// put back into a thread's text.
fn strip_controls(thread: &mut Thread) {
    use crate::text::strip_controls as strip;
    strip(&mut thread.title, true);
    strip(&mut thread.topic, true);
    thread.tags.iter_mut().for_each(|t| strip(t, true));
    if let Some(source) = &mut thread.source {
        strip(source, true);
    }
    for post in &mut thread.posts {
        strip(&mut post.body, false);
        if let Some(author) = &mut post.author {
            strip(author, true);
        }
        let Some(extra) = post.extra.get_mut() else { continue };
        for field in [&mut extra.date_text, &mut extra.subject, &mut extra.email, &mut extra.flair, &mut extra.status]
            .into_iter()
            .flatten()
        {
            strip(field, true);
        }
        for attachment in &mut extra.attachments {
            strip(&mut attachment.name, true);
            if let Some(source) = &mut attachment.source {
                strip(source, true);
            }
        }
        for field in [&mut extra.forwarded_from].into_iter().flatten() {
            strip(field, true);
        }
        for reaction in &mut extra.reactions {
            strip(&mut reaction.emoji, true);
            reaction.users.iter_mut().for_each(|u| strip(u, true));
        }
    }
}

/// The dump's bytes from where its body starts (after the BOM and front matter), for the
/// formats that decode bytes themselves. `None` when the bytes do not line up with the
/// text (a lone CR in the front matter made a line of its own).
fn raw_body<'b>(bytes: &'b [u8], text: &str, body: &str) -> Option<&'b [u8]> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let head = &text[..text.len().checked_sub(body.len())?];
    let mut at = 0;
    for _ in 0..head.matches('\n').count() {
        at += bytes[at..].iter().position(|&b| b == b'\n')? + 1;
    }
    (text::normalize(&bytes[..at]).0 == head).then_some(&bytes[at..])
}

/// The parser settings front matter gives, checked; dates that name no zone are read in
/// front matter's `timezone`, else in `zone`.
fn parse_options(fm: &frontmatter::FrontMatter, zone: Option<&TimeZone>) -> Result<ParseOptions, String> {
    let timezone = match &fm.timezone {
        Some(name) => Some(jiff::tz::TimeZone::get(name).map_err(|_| {
            format!("front matter: unknown time zone `{name}`; use an IANA name like \"Europe/Berlin\" or \"UTC\"")
        })?),
        None => zone.cloned(),
    };
    let captured = match &fm.captured {
        Some(when) => Some(when.to_string().parse::<jiff::Timestamp>().map_err(|_| {
            format!("front matter: `captured = {when}` needs a date, time and offset, like 2024-05-01T10:00:00Z")
        })?),
        None => None,
    };
    Ok(ParseOptions { paragraphs: fm.paragraphs.unwrap_or_default(), timezone, captured, path: None })
}

/// Front matter's tags, then the dump's own that front matter does not already have.
fn merge_tags(front_matter: &[String], dump: Vec<String>) -> Vec<String> {
    let mut tags = front_matter.to_vec();
    for tag in dump {
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            tags.push(tag);
        }
    }
    tags
}

/// A title made from a file name: `therapy-during-ketamine.txt` → `Therapy during ketamine`.
/// WhatsApp names its exports `WhatsApp Chat with NAME.txt` (Android) and `WhatsApp Chat -
/// NAME.zip` (iOS): the title is the NAME.
pub fn title_from_path(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    // A compressed dump is named after the dump inside: `2023-March.txt.gz`.
    let name = [".gz", ".bz2", ".xz", ".zst", ".zstd", ".zip"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix).filter(|stem| stem.contains('.')))
        .unwrap_or(name);
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    let mut words: Vec<&str> = stem.split(['-', '_', ' ']).filter(|w| !w.is_empty()).collect();
    let is = |i: usize, word: &str| words.get(i).is_some_and(|w| w.eq_ignore_ascii_case(word));
    if is(0, "whatsapp") && is(1, "chat") {
        let prefix = if is(2, "with") { 3 } else { 2 };
        if words.len() > prefix {
            words.drain(..prefix);
        }
    }
    let joined = words.join(" ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Untitled".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(bytes: &[u8]) -> Dump<'_> {
        Dump::text("general/my_old-thread.txt", "general", bytes)
    }

    #[test]
    fn titles_from_file_names() {
        assert_eq!(title_from_path("a/therapy-during-ketamine.txt"), "Therapy during ketamine");
        assert_eq!(title_from_path("x/.txt"), ".txt");
        assert_eq!(title_from_path("x/__"), "Untitled");
        assert_eq!(title_from_path("chats/WhatsApp Chat with Plot 14.txt"), "Plot 14");
        assert_eq!(title_from_path("chats/WhatsApp Chat - Book club.zip"), "Book club");
        assert_eq!(title_from_path("chats/WhatsApp Chat with .txt"), "WhatsApp Chat with");
        assert_eq!(title_from_path("allotment/whatsapp-chat-with-plot-14.txt"), "Plot 14");
        assert_eq!(title_from_path("lists/2023-March.txt.gz"), "2023 March");
        assert_eq!(title_from_path("r/RC_2024-03.zst"), "RC 2024 03");
    }

    #[test]
    fn front_matter_overrides() {
        let l = load(&dump(
            b"+++\ntitle = \"Real\"\ntopic = \"other\"\nsource = \"https://x.example/t/1\"\n+++\nT\n\na\n\nb\n",
        ));
        let t = &l.threads[0];
        assert_eq!((t.title.as_str(), t.topic.as_str()), ("Real", "other"));
        assert_eq!(t.source.as_deref(), Some("https://x.example/t/1"));
        assert_eq!(t.posts[0].line, 8);
    }

    #[test]
    fn discourse_raw_title_from_file_name() {
        let l = load(&dump(b"alice | 2020-05-01 12:34:56 UTC | #1\n\nHi\n\n-------------------------\n"));
        assert_eq!(l.threads[0].format, Format::DiscourseRaw);
        assert_eq!(l.threads[0].title, "My old thread");
    }

    #[test]
    fn dump_tags_follow_front_matter_tags() {
        let l = load(&dump(
            b"+++\ntags = [\"webpack\"]\n+++\nT\nSupport\nWebpack, speed\n\nann\nNovember 18, 2019, 6:49am #1\n\nHi\n",
        ));
        assert_eq!(l.threads[0].format, Format::DiscoursePage);
        assert_eq!(l.threads[0].tags, ["webpack", "Support", "speed"]);
        assert_eq!(l.threads[0].topic, "general", "the category is not the topic");
    }

    #[test]
    fn a_topic_named_by_the_dump_is_keyed_like_a_folder() {
        let rule = "=".repeat(62);
        let text = format!("{rule}\nGuild: Lab\nChannel: Home Lab / zfs-help\n{rule}\n\n[1/2/2020 3:04 PM] a\nhi\n");
        let l = load(&dump(text.as_bytes()));
        assert_eq!((l.threads[0].topic.as_str(), l.threads[0].title.as_str()), ("home-lab", "#zfs-help"));
        let l = load(&dump(format!("+++\ntopic = \"Mine\"\n+++\n{text}").as_bytes()));
        assert_eq!(l.threads[0].topic, "Mine");
    }

    #[test]
    fn bad_front_matter_names_file_and_line() {
        let l = load(&dump(b"+++\nwho = 1\n+++\n"));
        assert!(l.threads.is_empty());
        let d = &l.diagnostics[0];
        assert!(d.is_error());
        assert_eq!((d.path.as_str(), d.line), ("general/my_old-thread.txt", Some(2)));
        assert!(d.to_string().contains("who"), "{d}");
    }

    #[test]
    fn time_settings_are_checked() {
        let l = load(&dump(b"+++\ntimezone = \"Mars/Olympus\"\n+++\nT\n\na\n"));
        assert!(l.diagnostics[0].message.contains("Mars/Olympus"));
        let l = load(&dump(b"+++\ncaptured = 2024-05-01\n+++\nT\n\na\n"));
        assert!(l.diagnostics[0].message.contains("captured"));
        let l = load(&dump(b"+++\ntimezone = \"Europe/Berlin\"\ncaptured = 2024-05-01T10:00:00Z\n+++\nT\n\na\n"));
        assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    }

    #[test]
    fn mail_is_decoded_from_its_own_bytes() {
        let mut bytes = b"+++\ntitle = \"Lists\"\n+++\nFrom a@example.org Thu Jan  2 15:04:05 2020\r\n\
Subject: Caf\xe9\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n"
            .to_vec();
        bytes.extend_from_slice(b"Gr\xfc\xdfe\r\n");
        let l = load(&dump(&bytes));
        assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
        let t = &l.threads[0];
        assert_eq!((t.format, t.title.as_str()), (Format::Mbox, "Lists"));
        assert_eq!(t.posts[0].body, "Grüße");
        assert_eq!(t.posts[0].extra.subject.as_deref(), Some("Café"));
        assert_eq!(t.posts[0].line, 4);
    }

    #[test]
    fn raw_body_lines_up_with_the_text() {
        let bytes = b"\xef\xbb\xbf+++\r\nx\r\n+++\r\nbody\xff\n";
        let (text, _) = text::normalize(bytes);
        let body = &text[text.find("body").unwrap()..];
        assert_eq!(raw_body(bytes, &text, body), Some(&b"body\xff\n"[..]));
        let lone_cr = b"+++\rx\n+++\nbody";
        let (text, _) = text::normalize(lone_cr);
        assert_eq!(raw_body(lone_cr, &text, &text[text.find("body").unwrap()..]), None);
    }

    #[test]
    fn invalid_utf8_warns() {
        let l = load(&dump(b"T\n\nbad \xff byte\n\nok\n"));
        assert_eq!(l.threads[0].posts.len(), 2);
        assert!(l.diagnostics.iter().any(|d| d.message.contains("byte 7")));
    }
}
