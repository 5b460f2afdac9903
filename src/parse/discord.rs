//! DiscordChatExporter's plain-text export (FORMATS.md §6).
//!
//! ```text
//! ==============================================================   <- 62 `=`
//! Guild: Rust Community
//! Channel: Help / beginners                  <- CATEGORY / NAME (a thread adds / THREAD)
//! Topic: Ask your beginner questions here    <- optional, as are After: and Before:
//! ==============================================================
//!
//! [1/2/2020 3:04 PM] alice#1234              <- [DATE] AUTHOR, `#1234` and ` (pinned)` optional
//! How do I read a file line by line?        <- content: any lines, blank ones too
//!
//! {Attachments}                              <- blocks, each up to a blank line
//! https://cdn.discordapp.com/attachments/1/2/log.txt
//!
//! {Embed}
//! Rust docs
//! https://doc.rust-lang.org/std/io/trait.BufRead.html
//! Read lines from a buffer
//!
//! {Reactions}
//! 👍 (2) ferris 🎉                           <- EMOJI, then ` (N)` when more than one reacted
//!
//! ==============================================================
//! Exported 2 message(s)
//! ==============================================================
//! ```
//!
//! A message runs from its header to the next one. Attachment and sticker URLs become the
//! post's attachments, reactions its reactions (a custom emoji, written by name, as
//! `:name:`); the exporter names no one who reacted. An embed (a link preview, a bot's
//! card) is kept as a quote under the content unless its link is in the content already.
//! The discriminator is not part of the author's name.
//!
//! The thread's title is the channel (`#beginners`, or a thread's own name) and its topic
//! the channel's category (else the guild), where front matter does not say.
//!
//! Dates are written in the exporter's locale (`1/2/2020 3:04 PM` en-US, `02/01/2020
//! 15:04` en-GB, `02.01.2020 15:04`, `2020-01-02 15:04`, `02-Jan-20 03:04 PM` in old
//! versions) and without a zone: in UTC when exported with `--utc`, else in the exporter's
//! local time, which front matter's `timezone` can name. Whether `01/02/2020` is 2 January
//! or 1 February is decided for the whole file: a day above 12 settles it; else the order
//! that keeps the messages in time order; else 12-hour clocks are read month first (as
//! en-US writes them) and 24-hour ones day first.

use std::sync::LazyLock;

use regex::Regex;

use super::layout::{self, Lines, Run};
use super::parsed::{ParsedThread, Score};
use crate::dates::{self, DateContext};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;
use crate::model::{Attachment, Post, Reaction};
use crate::text::is_blank;

/// `[DATE] AUTHOR`; the date is checked by [`dates`].
static HEADER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\[([^\[\]]{6,48})\] (\S.*)$").unwrap());

static RULE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^={40,80}$").unwrap());

static EXPORTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Exported [\d,.\s\u{a0}]+ messages?(?:\(s\))?$").unwrap());

static NUMERIC_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}\b").unwrap());

static DISCRIMINATOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"#\d{4}$").unwrap());

const BLOCKS: &[&str] = &["{Attachments}", "{Embed}", "{Stickers}", "{Reactions}"];

/// The preamble's fields.
#[derive(Debug, Default)]
struct Preamble {
    guild: Option<String>,
    channel: Option<String>,
    /// Where the preamble ends (the line after its closing rule).
    end: usize,
}

/// The preamble at the top, if the dump has one.
fn preamble(lines: Run<'_, '_>) -> Option<Preamble> {
    let open = lines.iter().position(|l| !is_blank(l))?;
    if !RULE.is_match(lines.line(open).trim()) || !lines.get(open + 1)?.starts_with("Guild:") {
        return None;
    }
    let mut p = Preamble::default();
    for (i, line) in lines.iter().enumerate().skip(open + 1) {
        if RULE.is_match(line.trim()) {
            p.end = i + 1;
            return Some(p);
        }
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim();
            let value = (!value.is_empty()).then(|| value.to_owned());
            match key {
                "Guild" => p.guild = value,
                "Channel" => p.channel = value,
                _ => {}
            }
        }
    }
    None
}

/// Decides whether all-numbers dates in this file put the day first.
fn day_first(dates: &[&str], zone: &jiff::tz::TimeZone) -> bool {
    let mut day_votes = 0;
    let mut month_votes = 0;
    for date in dates {
        if let Some(caps) = NUMERIC_DATE.captures(date) {
            let (a, b): (u32, u32) = (caps[1].parse().unwrap_or(0), caps[2].parse().unwrap_or(0));
            if a > 12 {
                day_votes += 1;
            } else if b > 12 {
                month_votes += 1;
            }
        }
    }
    if day_votes != month_votes {
        return day_votes > month_votes;
    }
    let in_order = |day_first: bool| {
        let ctx = DateContext { zone: zone.clone(), captured: None, day_first };
        let stamps: Vec<_> = dates.iter().filter_map(|d| dates::absolute(d, &ctx)).collect();
        stamps.windows(2).all(|w| w[0] <= w[1])
    };
    match (in_order(true), in_order(false)) {
        (true, false) => true,
        (false, true) => false,
        _ => !dates.iter().any(|d| {
            let lower = d.to_ascii_lowercase();
            lower.ends_with("am") || lower.ends_with("pm")
        }),
    }
}

/// A message header: its date text and the author's part of the line.
fn header(line: &str) -> Option<(&str, &str)> {
    let caps = layout::captures(&HEADER, line)?;
    let (date, author) = (caps.get(1)?.as_str(), caps.get(2)?.as_str());
    // Only a date counts: `[citation needed] bob` is content.
    let any_order = |day_first| dates::absolute(date, &DateContext { day_first, ..DateContext::default() });
    any_order(false).or_else(|| any_order(true)).map(|_| (date, author))
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

pub fn score(text: &str) -> Score {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let headers = lines.iter().filter(|l| header(l).is_some()).count();
    if preamble(lines).is_some() {
        return Score {
            value: MAX_SCORE,
            reason: format!(
                "a DiscordChatExporter preamble (a 62-`=` rule and `Guild:`) and {headers} `[DATE] AUTHOR` messages"
            ),
        };
    }
    let blocks = lines.iter().filter(|l| BLOCKS.contains(&l.trim())).count();
    if (headers >= 2 && blocks >= 1) || (headers >= 3 && lines.iter().any(|l| EXPORTED.is_match(l.trim()))) {
        return Score {
            value: 70,
            reason: format!("{headers} `[DATE] AUTHOR` messages and {blocks} `{{Attachments}}`-style blocks"),
        };
    }
    Score::none("no DiscordChatExporter preamble or `[DATE] AUTHOR` messages")
}

/// Reactions as the exporter writes them: `👍 (2) ferris 🎉`.
pub fn parse_reactions(line: &str) -> Vec<Reaction> {
    let mut reactions: Vec<Reaction> = Vec::new();
    for token in line.split_whitespace() {
        let count =
            token.strip_prefix('(').and_then(|t| t.strip_suffix(')')).and_then(|n| n.replace(',', "").parse().ok());
        match (count, reactions.last_mut()) {
            (Some(count), Some(last)) => last.count = count,
            _ => {
                let custom = token.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '~');
                let emoji = if custom && token.chars().any(|c| c.is_ascii_alphabetic()) {
                    format!(":{token}:")
                } else {
                    token.to_owned()
                };
                reactions.push(Reaction { emoji, count: 1, users: Vec::new() });
            }
        }
    }
    reactions
}

fn is_url(line: &str) -> bool {
    let line = line.trim();
    (line.starts_with("https://") || line.starts_with("http://")) && !line.contains(char::is_whitespace)
}

/// A message's lines after its header, read into the post.
fn fill(post: &mut Post, lines: Run<'_, '_>) {
    // The runs of lines outside blocks: the text.
    let mut content: Vec<Run<'_, '_>> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let from = i;
        while i < lines.len() && !BLOCKS.contains(&lines.line(i).trim()) {
            i += 1;
        }
        if i > from {
            content.push(lines.slice(from..i));
        }
        let Some(marker) = lines.get(i).map(str::trim) else { break };
        let end = (i + 1..lines.len()).find(|&j| is_blank(lines.line(j))).unwrap_or(lines.len());
        let block: Vec<&str> = lines.slice(i + 1..end).iter().map(|l| l.trim()).collect();
        match marker {
            "{Attachments}" | "{Stickers}" => post.extra.attachments.extend(block.iter().map(|l| Attachment::at(l))),
            "{Reactions}" => post.extra.reactions.extend(block.iter().flat_map(|l| parse_reactions(l))),
            _ => {
                let linked = block
                    .iter()
                    .filter(|l| is_url(l))
                    .any(|url| content.iter().flat_map(|run| run.iter()).any(|c| c.contains(url)));
                if !linked {
                    let first_url = block.iter().find(|l| is_url(l));
                    let texts = block.iter().filter(|l| !is_url(l));
                    let quoted: Vec<String> = texts.chain(first_url).map(|l| format!("> {l}")).collect();
                    post.body.push_str(&quoted.join("\n"));
                    post.body.push('\n');
                }
            }
        }
        i = end;
    }
    let text = layout::body_of(content.iter().flat_map(|run| run.iter()));
    let embeds = std::mem::take(&mut post.body);
    post.body = match (text.is_empty(), embeds.trim_end().is_empty()) {
        (_, true) => text,
        (true, false) => embeds.trim_end().to_owned(),
        (false, false) => format!("{text}\n{}", embeds.trim_end()),
    };
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<ParsedThread, Problem> {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let pre = preamble(lines);
    let start = pre.as_ref().map_or(0, |p| p.end);
    let starts: Vec<usize> = (start..lines.len()).filter(|&i| header(lines.line(i)).is_some()).collect();
    if pre.is_none() && starts.is_empty() {
        return Err(Problem {
            line: 1,
            message: "no DiscordChatExporter preamble or `[DATE] AUTHOR` message found".into(),
            hint: Some("export with DiscordChatExporter's plain-text format (`--format PlainText`)".into()),
        });
    }
    // The footer (or a partition's next preamble) ends the last message.
    let end = starts
        .last()
        .and_then(|&last| {
            (last + 1..lines.len()).find(|&i| {
                RULE.is_match(lines.line(i).trim())
                    && lines.get(i + 1).is_some_and(|n| EXPORTED.is_match(n.trim()) || n.starts_with("Guild:"))
            })
        })
        .unwrap_or(lines.len());

    let date_texts: Vec<&str> = starts.iter().filter_map(|&i| header(lines.line(i)).map(|(d, _)| d)).collect();
    let mut ctx = DateContext::new(options);
    ctx.day_first = day_first(&date_texts, &ctx.zone);

    let mut posts = Vec::with_capacity(starts.len());
    for (k, &at) in starts.iter().enumerate() {
        let Some((date, rest)) = header(lines.line(at)) else { continue };
        let stop = starts.get(k + 1).copied().unwrap_or(end).max(at + 1);
        let (rest, pinned) = match rest.strip_suffix(" (pinned)") {
            Some(rest) => (rest, true),
            None => (rest, false),
        };
        let author = DISCRIMINATOR.replace(rest.trim(), "").trim().to_owned();
        let mut post = Post {
            number: posts.len() as u32 + 1,
            author: (!author.is_empty()).then_some(author),
            date: dates::absolute(date, &ctx),
            line: at + 1,
            ..Post::default()
        };
        post.extra.pinned = pinned;
        if post.date.is_none() {
            post.extra.date_text = Some(date.to_owned());
        }
        fill(&mut post, lines.slice(at + 1..stop.min(lines.len())));
        posts.push(post);
    }

    let channel = pre.as_ref().and_then(|p| p.channel.as_deref());
    let parts: Vec<&str> = channel.map(|c| c.split(" / ").map(str::trim).collect()).unwrap_or_default();
    let title = match parts.as_slice() {
        [] => None,
        [name] | [_, name] => Some(format!("#{}", name.trim_start_matches('#'))),
        [.., thread] => Some((*thread).to_owned()),
    };
    let topic = match parts.as_slice() {
        [category, _, ..] => Some((*category).to_owned()),
        _ => pre.as_ref().and_then(|p| p.guild.clone()),
    };
    Ok(ParsedThread { title, topic, posts, ..ParsedThread::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE_LINE: &str = "==============================================================";

    fn export(channel: &str, messages: &str) -> String {
        format!(
            "{RULE_LINE}\nGuild: Home Lab\nChannel: {channel}\nTopic: Servers, NAS and the rest\n{RULE_LINE}\n\n{messages}\n{RULE_LINE}\nExported 9 message(s)\n{RULE_LINE}\n"
        )
    }

    #[test]
    fn messages_and_blocks() {
        let text = export(
            "Storage / zfs-help",
            "[3/14/2023 9:05 PM] ana#0420\nMy pool is DEGRADED.\n\nOne disk shows FAULTED.\n\n\
{Attachments}\nhttps://cdn.discordapp.com/attachments/1/2/zpool.txt\n\n\
{Reactions}\n😱 (3) zfs_cat\n\n\
[3/14/2023 9:12 PM] Old Timer (pinned)\nReplace it: zpool replace tank sdb sdc\n\n\
{Embed}\nOpenZFS docs\nhttps://openzfs.example/zpool-replace\nReplaces a device.\n\n\
[3/14/2023 9:13 PM] ana#0420\nsee https://openzfs.example/zpool-replace\n\n\
{Embed}\nhttps://openzfs.example/zpool-replace\nOpenZFS docs\n\n\
{Stickers}\nhttps://media.discordapp.net/stickers/1.png\n\n",
        );
        let t = parse(&text, &ParseOptions::default()).unwrap();
        assert_eq!(t.title.as_deref(), Some("#zfs-help"));
        assert_eq!(t.topic.as_deref(), Some("Storage"));
        let got: Vec<(u32, Option<&str>, &str)> =
            t.posts.iter().map(|p| (p.number, p.author.as_deref(), p.body.as_str())).collect();
        assert_eq!(
            got,
            [
                (1, Some("ana"), "My pool is DEGRADED.\n\nOne disk shows FAULTED."),
                (
                    2,
                    Some("Old Timer"),
                    "Replace it: zpool replace tank sdb sdc\n> OpenZFS docs\n> Replaces a device.\n> https://openzfs.example/zpool-replace"
                ),
                (3, Some("ana"), "see https://openzfs.example/zpool-replace"),
            ]
        );
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2023-03-14T21:05:00Z");
        assert_eq!(
            t.posts[0].extra.attachments,
            [Attachment::at("https://cdn.discordapp.com/attachments/1/2/zpool.txt")]
        );
        assert_eq!(t.posts[0].extra.attachments[0].name, "zpool.txt");
        let reactions: Vec<(&str, u32)> =
            t.posts[0].extra.reactions.iter().map(|r| (r.emoji.as_str(), r.count)).collect();
        assert_eq!(reactions, [("😱", 3), (":zfs_cat:", 1)]);
        assert!(t.posts[1].extra.pinned && !t.posts[0].extra.pinned);
        assert_eq!(t.posts[2].extra.attachments, [Attachment::at("https://media.discordapp.net/stickers/1.png")]);
        assert_eq!(t.posts[1].line, 18);
    }

    #[test]
    fn day_order_is_decided_per_file() {
        // en-GB: 24 hours, day first, no day above 12.
        let t = parse(
            &export("General / chat", "[01/02/2020 15:04] a\nx\n\n[01/02/2020 16:00] b\ny\n"),
            &ParseOptions::default(),
        )
        .unwrap();
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-02-01T15:04:00Z");
        // en-US: 12 hours, month first.
        let t = parse(&export("General / chat", "[1/2/2020 3:04 PM] a\nx\n"), &ParseOptions::default()).unwrap();
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-01-02T15:04:00Z");
        // Time order settles it: 01/03 then 02/01 is in order only month first.
        let t = parse(
            &export("General / chat", "[01/03/2020 15:04] a\nx\n\n[02/01/2020 10:00] b\ny\n"),
            &ParseOptions::default(),
        )
        .unwrap();
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-01-03T15:04:00Z");
        // A day above 12 anywhere settles it for all.
        let t = parse(
            &export("General / chat", "[02/03/2020 15:04] a\nx\n\n[13/03/2020 10:00] b\ny\n"),
            &ParseOptions::default(),
        )
        .unwrap();
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-03-02T15:04:00Z");
        // Old exporters: 02-Jan-20 03:04 PM; ISO-like.
        let t = parse(&export("x", "[02-Jan-20 03:04 PM] a\nx\n\n[2020-01-02 15:05] b\ny\n"), &ParseOptions::default())
            .unwrap();
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-01-02T15:04:00Z");
        assert_eq!(t.posts[1].date.unwrap().to_string(), "2020-01-02T15:05:00Z");
        assert_eq!((t.title.as_deref(), t.topic.as_deref()), (Some("#x"), Some("Home Lab")));
    }

    #[test]
    fn local_time_in_the_front_matter_zone() {
        let opts =
            ParseOptions { timezone: Some(jiff::tz::TimeZone::get("America/New_York").unwrap()), ..Default::default() };
        let t = parse(&export("a / b", "[7/4/2021 9:00 AM] a\nx\n"), &opts).unwrap();
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2021-07-04T13:00:00Z");
    }

    #[test]
    fn threads_empty_messages_and_bracketed_content() {
        let t = parse(
            &export(
                "Help / help-forum / Pool import fails",
                "[1/2/2020 3:04 PM] a\n[citation needed] bob\n\n[1/2/2020 3:05 PM] b\n\n{Attachments}\nhttps://x.example/a.png\n",
            ),
            &ParseOptions::default(),
        )
        .unwrap();
        assert_eq!(t.title.as_deref(), Some("Pool import fails"));
        assert_eq!(t.topic.as_deref(), Some("Help"));
        assert_eq!(t.posts.len(), 2);
        assert_eq!(t.posts[0].body, "[citation needed] bob");
        assert_eq!(t.posts[1].body, "");
        assert_eq!(t.posts[1].extra.attachments, [Attachment::at("https://x.example/a.png")]);
    }

    #[test]
    fn reactions() {
        let got: Vec<(String, u32)> = parse_reactions("👍 (2) ferris 🎉 (1,204) :old_style: ❤️")
            .into_iter()
            .map(|r| (r.emoji, r.count))
            .collect();
        let want: Vec<(String, u32)> = [("👍", 2), (":ferris:", 1), ("🎉", 1204), (":old_style:", 1), ("❤️", 1)]
            .map(|(e, n)| (e.to_owned(), n))
            .into();
        assert_eq!(got, want);
    }

    #[test]
    fn scores() {
        let text = export("a / b", "[1/2/2020 3:04 PM] a\nx\n");
        assert_eq!(score(&text).value, 95);
        assert!(score("[1/2/2020 3:04 PM] a\nx\n\n{Reactions}\n👍\n\n[1/2/2020 3:05 PM] b\ny\n").value >= 50);
        assert_eq!(score("[citation needed] bob\n\nHello\n").value, 0);
        assert!(parse("hello\n", &ParseOptions::default()).is_err());
    }
}
