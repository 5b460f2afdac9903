//! Reading dumps into threads: detecting each file's format and parsing it.
//!
//! Every format lives in a module of its own that documents its grammar and has two entry
//! points: `score`, how sure we are that a text is in this format (0 to 100, with the
//! reason), and `parse`, the threads it holds. Parsers are pure functions of text, so they
//! are tested on small inline dumps.

mod chat_json;
pub mod digest;
pub mod discord;
pub mod discord_json;
pub mod discourse_json;
pub mod discourse_page;
pub mod discourse_raw;
pub mod hackernews;
pub mod hackernews_json;
pub mod hexchat;
mod html;
mod irc;
pub mod irssi;
mod layout;
pub mod mail;
pub mod mbox;
mod parsed;
pub mod phpbb;
pub mod plain;
pub mod reddit;
pub mod reddit_dump;
pub mod reddit_json;
mod reddit_thing;
pub mod slack;
pub mod telegram;
pub mod threading;
pub mod weechat;
pub mod whatsapp;
mod whatsapp_sentences;
pub mod znc;

use serde::Serialize;

pub use parsed::{Bundle, Parsed, ParsedThread, Score};

use crate::diagnostic::Problem;
use crate::model::{Format, ParseOptions, Post};

/// How sure `format` is that it can read `text`.
fn score(format: Format, text: &str) -> Score {
    let score = score_unchecked(format, text);
    debug_assert!(score.value <= max_score(format), "{format:?} scored {} over its MAX_SCORE", score.value);
    score
}

/// The highest score [`score`] gives a format.
fn max_score(format: Format) -> u8 {
    match format {
        Format::Plain => plain::MAX_SCORE,
        Format::DiscourseRaw => discourse_raw::MAX_SCORE,
        Format::Mbox => mbox::MAX_SCORE,
        Format::Digest => digest::MAX_SCORE,
        Format::DiscoursePage => discourse_page::MAX_SCORE,
        Format::Discord => discord::MAX_SCORE,
        Format::HackerNews => hackernews::MAX_SCORE,
        Format::Reddit => reddit::MAX_SCORE,
        Format::Phpbb => phpbb::MAX_SCORE,
        Format::WhatsApp => whatsapp::MAX_SCORE,
        Format::Irssi => irssi::MAX_SCORE,
        Format::Weechat => weechat::MAX_SCORE,
        Format::Znc => znc::MAX_SCORE,
        Format::Hexchat => hexchat::MAX_SCORE,
        Format::Telegram => telegram::MAX_SCORE,
        Format::DiscordJson => discord_json::MAX_SCORE,
        Format::RedditJson => reddit_json::MAX_SCORE,
        Format::RedditDump => reddit_dump::MAX_SCORE,
        Format::HackerNewsJson => hackernews_json::MAX_SCORE,
        Format::DiscourseJson => discourse_json::MAX_SCORE,
        // A Slack export is a zip or a folder, never one text.
        Format::Slack => 0,
    }
}

/// The most lines a format that reads lines is scored on. Markers are at a dump's start;
/// scoring every line made a dump of 40 MB of blank lines take 16 s and 1.2 GB, each
/// format in turn holding a list of 40 million lines.
const SCORED_LINES: usize = 100_000;

/// The opening [`SCORED_LINES`] lines of `text`.
fn scored_head(text: &str) -> &str {
    match text.match_indices('\n').nth(SCORED_LINES) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

fn score_unchecked(format: Format, text: &str) -> Score {
    // A JSON export is scored by its structure, which needs all of it.
    let json = matches!(
        format,
        Format::Telegram
            | Format::DiscordJson
            | Format::RedditJson
            | Format::RedditDump
            | Format::HackerNewsJson
            | Format::DiscourseJson
    );
    let text = if json { text } else { scored_head(text) };
    match format {
        Format::Plain => plain::score(text),
        Format::DiscourseRaw => discourse_raw::score(text),
        Format::Mbox => mbox::score(text),
        Format::Digest => digest::score(text),
        Format::DiscoursePage => discourse_page::score(text),
        Format::Discord => discord::score(text),
        Format::HackerNews => hackernews::score(text),
        Format::Reddit => reddit::score(text),
        Format::Phpbb => phpbb::score(text),
        Format::WhatsApp => whatsapp::score(text),
        Format::Irssi => irssi::score(text),
        Format::Weechat => weechat::score(text),
        Format::Znc => znc::score(text),
        Format::Hexchat => hexchat::score(text),
        Format::Telegram => telegram::score(text),
        Format::DiscordJson => discord_json::score(text),
        Format::RedditJson => reddit_json::score(text),
        Format::RedditDump => reddit_dump::score(text),
        Format::HackerNewsJson => hackernews_json::score(text),
        Format::DiscourseJson => discourse_json::score(text),
        Format::Slack => Score::none("a Slack export is a zip or a folder, not one file"),
    }
}

/// Parses a whole dump (front matter already removed) as `format`.
pub fn parse(format: Format, text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    // A chat log's parser says itself what it could not date (a time without a day).
    parse_text(format, text, options).map(|parsed| if format.is_chat() { parsed } else { notice_undated(parsed) })
}

fn parse_text(format: Format, text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    match format {
        Format::Plain => Ok(plain::parse(text, options.paragraphs).into()),
        Format::DiscourseRaw => discourse_raw::parse(text),
        Format::DiscoursePage => discourse_page::parse(text, options).map(Parsed::from),
        Format::Discord => discord::parse(text, options).map(Parsed::from),
        Format::HackerNews => hackernews::parse(text, options).map(Parsed::from),
        Format::Reddit => reddit::parse(text, options),
        Format::Phpbb => phpbb::parse(text, options).map(Parsed::from),
        Format::Mbox => mbox::parse(text.as_bytes(), options),
        Format::Digest => digest::parse(text.as_bytes(), options).map(Parsed::from),
        Format::WhatsApp => whatsapp::parse(text, options),
        Format::Irssi => irssi::parse(text, options),
        Format::Weechat => weechat::parse(text, options),
        Format::Znc => znc::parse(text, options),
        Format::Hexchat => hexchat::parse(text, options),
        Format::Telegram => telegram::parse(text, options),
        Format::DiscordJson => discord_json::parse(text, options),
        Format::RedditJson => reddit_json::parse(text, options),
        Format::RedditDump => reddit_dump::parse(text, options),
        Format::HackerNewsJson => hackernews_json::parse(text, options),
        Format::DiscourseJson => discourse_json::parse(text, options),
        Format::Slack => Err(Problem {
            line: 1,
            message: "a Slack export is a zip, or the folder it unpacks to, not one file".into(),
            hint: Some("put the export's .zip (or its whole folder) in the topic folder".into()),
        }),
    }
}

/// What detection makes of a dump of several files (a zip, a folder): a Slack export, or
/// none (then the loader reads the one export file it holds, as a text).
pub fn detect_bundle(bundle: &Bundle) -> Option<Detection> {
    let score = slack::score(bundle);
    (score.value >= THRESHOLD).then_some(Detection {
        format: Format::Slack,
        score: score.value,
        reason: score.reason,
        fallback: false,
    })
}

/// Parses a dump of several files as `format`.
pub fn parse_bundle(format: Format, bundle: &Bundle, options: &ParseOptions) -> Result<Parsed, Problem> {
    match format {
        Format::Slack => slack::parse(bundle, options).map(notice_undated),
        other => Err(Problem {
            line: 1,
            message: format!("a {other} dump is one file, and this is a zip or folder of {}", bundle.files.len()),
            hint: Some("put the file itself in the topic folder, or set no format".into()),
        }),
    }
}

/// Parses a dump from its own bytes (front matter removed). Mail formats read bytes
/// rather than the cleaned text: each message names its charset, so one file can mix
/// them. Other formats read the text.
pub fn parse_bytes(format: Format, bytes: &[u8], options: &ParseOptions) -> Result<Parsed, Problem> {
    match format {
        Format::Mbox => mbox::parse(bytes, options).map(notice_undated),
        Format::Digest => digest::parse(bytes, options).map(Parsed::from).map(notice_undated),
        other => parse(other, &crate::text::normalize(bytes).0, options),
    }
}

/// Says, once a thread, that posts whose dump gave their date only in words that need
/// the time the page was copied (`5 hours ago`, `Mar 12`) or that could not be read are
/// undated: they keep the dump's words, and lists and feeds cannot place them.
fn notice_undated(mut parsed: Parsed) -> Parsed {
    for thread in &parsed.threads {
        let undated: Vec<&Post> =
            thread.posts.iter().filter(|p| p.date.is_none() && p.extra.date_text.is_some()).collect();
        let Some(first) = undated.first() else { continue };
        let n = undated.len();
        parsed.warnings.push(Problem {
            line: first.line,
            message: format!(
                "{n} post{} dated only `{}`{}: kept as written, undated",
                if n == 1 { " is" } else { "s are" },
                first.extra.date_text.as_deref().unwrap_or_default(),
                if n == 1 { "" } else { " and the like" }
            ),
            hint: Some(
                "set `captured` in front matter to when the page was copied (`captured = 2024-05-01T10:00:00Z`) \
                 to date relative dates"
                    .into(),
            ),
        });
    }
    parsed
}

/// Below this score a format's markers are too weak to trust.
pub const THRESHOLD: u8 = 50;

/// The outcome of detection: the format chosen and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    pub format: Format,
    pub score: u8,
    pub reason: String,
    /// True when no format scored above the threshold and plain copy-paste was assumed.
    pub fallback: bool,
}

/// Scores the text against every format; the best above [`THRESHOLD`] wins, else plain.
pub fn detect(text: &str) -> Detection {
    // The best score wins, ties going to the format declared first. A format that cannot
    // beat the best so far is not scored: most dumps score high on the first formats tried.
    let rank = |format: Format, value: u8| (value, std::cmp::Reverse(format));
    let mut best: Option<(Format, Score)> = None;
    for &format in Format::ALL {
        if let Some((f, s)) = &best
            && rank(format, max_score(format)) <= rank(*f, s.value)
        {
            continue;
        }
        let score = score(format, text);
        if best.as_ref().is_none_or(|(f, s)| rank(format, score.value) > rank(*f, s.value)) {
            best = Some((format, score));
        }
    }
    match best {
        Some((format, score)) if score.value >= THRESHOLD => {
            Detection { format, score: score.value, reason: score.reason, fallback: false }
        }
        _ => Detection {
            format: Format::Plain,
            score: 0,
            reason: "no format's markers were found".to_owned(),
            fallback: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every format scored and the best taken: what detection must come to.
    fn detect_exhaustively(text: &str) -> (Format, u8) {
        let scores = Format::ALL.iter().map(|&f| (f, score(f, text).value));
        scores.max_by_key(|&(f, value)| (value, std::cmp::Reverse(f))).unwrap()
    }

    #[test]
    fn skipping_formats_that_cannot_win_changes_no_detection() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for folder in ["threads", "src/init", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(folder)) {
                let entry = entry.unwrap();
                if !entry.file_type().is_file() {
                    continue;
                }
                let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
                let (format, value) = detect_exhaustively(&text);
                let d = detect(&text);
                if value >= THRESHOLD {
                    assert_eq!((d.format, d.score), (format, value), "{}", entry.path().display());
                } else {
                    assert!(d.fallback, "{}", entry.path().display());
                }
                checked += 1;
            }
        }
        assert!(checked >= 20, "{checked}");
    }

    #[test]
    fn detects_discourse_raw() {
        let text = "alice | 2020-05-01 12:34:56 UTC | #1\n\nHi\n\n-------------------------\n\n";
        let d = detect(text);
        assert_eq!(d.format, Format::DiscourseRaw);
        assert!(!d.fallback);
    }

    #[test]
    fn detects_each_copy_paste_format() {
        let rule = "=".repeat(62);
        let discord = format!("{rule}\nGuild: G\nChannel: C / c\n{rule}\n\n[1/2/2020 3:04 PM] a\nhi\n\n");
        let cases: &[(&str, Format)] = &[
            ("T\nCat\n\nann\nNovember 18, 2019, 6:49am #1\n\nHi\n\n1 Like\n", Format::DiscoursePage),
            (&discord, Format::Discord),
            (
                "T\n5 points by a 1 hour ago | hide | past | favorite | 1 comment\n\t\nb 1 hour ago [–]\n\nx\nreply\n",
                Format::HackerNews,
            ),
            ("[–]a 1 point 1 hour ago\n\nx\n\npermalinkembedsavereportreply\n", Format::Reddit),
            ("T\nPosted: Mon Jan 06, 2020 3:04 pm\nby a\nx\n\nAll times are UTC\n", Format::Phpbb),
        ];
        for (text, format) in cases {
            let d = detect(text);
            assert_eq!(d.format, *format, "{text:?}: {d:?}");
            assert!(!d.fallback);
        }
    }

    #[test]
    fn plain_text_is_plain() {
        let d = detect("A title\n\nFirst post.\n\nSecond post.\n");
        assert_eq!(d.format, Format::Plain);
        assert!(!d.fallback, "{d:?}");
    }

    #[test]
    fn detects_mail() {
        let mbox = "From alice@example.org Thu Jan  2 15:04:05 2020\nFrom: alice@example.org\nSubject: Hi\n\nHello\n";
        assert_eq!(detect(mbox).format, Format::Mbox);
        let digest = "Today's Topics:\n\n   1. Hi\n\n----------------------------------------------------------------------\n\n\
Date: Thu, 02 Jan 2020 15:04:05 +0000\nFrom: alice@example.org\nSubject: Hi\n\nHello\n\n------------------------------\n\n\
End of Example Digest, Vol 1, Issue 1\n*************************************\n";
        assert_eq!(detect(digest).format, Format::Digest);
        // A digest saved from a mail client, `From ` line and all, is still a digest.
        assert_eq!(detect(&format!("From list@example.org Fri Jan  3 00:00:02 2020\n{digest}")).format, Format::Digest);
        assert!(Format::Mbox.is_mail() && Format::Digest.is_mail() && !Format::Plain.is_mail());
        assert!(!Format::Mbox.is_markdown() && !Format::Digest.is_markdown());
    }

    #[test]
    fn names_round_trip() {
        for &f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
            // Front matter names formats through serde: the same names.
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.name()));
        }
    }
}
