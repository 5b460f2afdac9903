//! Discourse's `/raw/TOPIC_ID` export (FORMATS.md §2).
//!
//! ```text
//! alice | 2020-05-01 12:34:56 UTC | #1
//!
//! I upgraded to 2.4 and now `cargo build` fails ...
//!
//! -------------------------
//!
//! bob | 2020-05-01 13:02:11 UTC | #2
//!
//! [quote="alice, post:1, topic:4821"]
//! error[E0463]: can't find crate for `std`
//! [/quote]
//! ...
//! ```
//!
//! Bodies are raw Markdown and nothing in them is escaped: a body may hold a line of 25
//! hyphens (a Markdown rule), so that line separates posts only when a blank line and a
//! header follow it. Dates are the post's last update, in UTC; numbers keep their gaps
//! (deleted posts); a small-action post can have an empty body. There is no title line.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jiff::civil::DateTime;
use regex::Regex;

use super::layout::Lines;
use super::parsed::{Parsed, ParsedThread, Score};
use crate::diagnostic::Problem;
use crate::model::Post;
use crate::text::is_blank;

const SEPARATOR: &str = "-------------------------";

static HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\S.*?) \| (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC \| #(\d+)\s*$").unwrap());

/// `[quote="NAME, post:N, topic:ID, ..."]` at the start of a line, with what follows it.
static QUOTE_OPEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*\[quote(?:=(?:"([^"\]]*)"|([^\]]*)))?\]"#).unwrap());

/// The fields of a Discourse quote tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quote {
    /// The name shown: `username:` where given (NAME is then a display name), else NAME.
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub post: Option<u32>,
    pub topic: Option<String>,
}

/// Reads the inside of a quote tag: `alice, post:1, topic:4821, full:true, username:bob`.
pub fn parse_quote_fields(fields: &str) -> Quote {
    let mut quote = Quote::default();
    for (i, field) in fields.split(',').map(str::trim).enumerate() {
        match field.split_once(':') {
            Some(("post", n)) => quote.post = n.trim().parse().ok(),
            Some(("topic", id)) => quote.topic = Some(id.trim().to_owned()),
            Some(("username", user)) => quote.name = Some(user.trim().to_owned()),
            Some(("full", _)) => {}
            _ if i == 0 && !field.is_empty() => quote.display_name = Some(field.to_owned()),
            _ => {}
        }
    }
    if quote.name.is_none() {
        quote.name = quote.display_name.clone();
    }
    quote
}

/// The quote tag opening a line, if the line starts with one, and the byte length of the tag.
pub fn quote_at(line: &str) -> Option<(Quote, usize)> {
    // What the expression begins with, looked for first: most lines are text.
    if !line.trim_start().starts_with("[quote") {
        return None;
    }
    let caps = QUOTE_OPEN.captures(line)?;
    let fields = caps.get(1).or(caps.get(2)).map_or("", |m| m.as_str());
    Some((parse_quote_fields(fields), caps.get(0).unwrap().end()))
}

/// Every quote tag in a Markdown body, outside code fences.
pub fn quotes(body: &str) -> Vec<Quote> {
    let mut fence = false;
    let mut out = Vec::new();
    for line in body.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = !fence;
        } else if !fence && let Some((quote, _)) = quote_at(line) {
            out.push(quote);
        }
    }
    out
}

/// The Discourse topic id a thread is: from its source address (`/t/slug/ID` or
/// `/raw/ID`) where given, else the id most of its quotes name.
pub fn own_topic_id<'a>(source: Option<&str>, bodies: impl Iterator<Item = &'a str>) -> Option<String> {
    static FROM_URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"/(?:t/[^/?#]+|t|raw)/(\d+)(?:[/?#]|$)").unwrap());
    if let Some(caps) = source.and_then(|s| FROM_URL.captures(s)) {
        return Some(caps[1].to_owned());
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for quote in bodies.flat_map(quotes) {
        if let Some(topic) = quote.topic {
            *counts.entry(topic).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(id, _)| id)
}

/// Whether a quote is of a post in the thread with the given topic id.
pub fn quotes_same_thread(quote: &Quote, own_topic: Option<&str>) -> bool {
    quote.post.is_some() && (quote.topic.is_none() || quote.topic.as_deref() == own_topic)
}

/// Line indexes (0-based) of the headers that start posts.
/// Whether a line is a post header. The literal every header holds is looked for first:
/// most lines are text, and a substring search turns them down much faster than the regex.
fn is_header(line: &str) -> bool {
    line.contains(" UTC | #") && HEADER.is_match(line)
}

fn post_starts(lines: &Lines) -> Vec<usize> {
    let first = lines.iter().position(is_header);
    lines
        .iter()
        .enumerate()
        .filter(|&(i, line)| {
            is_header(line)
                && (Some(i) == first
                    || (i >= 2 && is_blank(lines.get(i - 1)) && lines.get(i - 2).trim_end() == SEPARATOR))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

pub fn score(text: &str) -> Score {
    let lines = Lines::new(text);
    let starts = post_starts(&lines);
    let first = lines.iter().position(|l| !is_blank(l));
    if starts.is_empty() || starts.first().copied() != first {
        return Score::none("no `USER | DATE UTC | #N` header on the first line");
    }
    let separators = lines.iter().filter(|l| l.trim_end() == SEPARATOR).count();
    let value = if separators >= starts.len() { MAX_SCORE } else { 70 };
    Score {
        value,
        reason: format!(
            "{} `USER | YYYY-MM-DD HH:MM:SS UTC | #N` headers and {separators} 25-hyphen separators",
            starts.len()
        ),
    }
}

pub fn parse(text: &str) -> Result<Parsed, Problem> {
    // Lines by where they start, and bodies borrowed from the text: a dump of millions of
    // short lines held a list of them, 16 bytes a line.
    let lines = Lines::new(text);
    let starts = post_starts(&lines);
    let Some(&first) = starts.first() else {
        return Err(Problem {
            line: 1,
            message: "no Discourse post header (`USER | YYYY-MM-DD HH:MM:SS UTC | #N`) found".into(),
            hint: Some("check the file is a Discourse /raw export, or set `format` in front matter".into()),
        });
    };
    let mut warnings = Vec::new();
    if let Some(stray) = lines.iter().take(first).position(|l| !is_blank(l)) {
        warnings.push(Problem {
            line: stray + 1,
            message: format!(
                "{} before the first post header left out",
                lines_of(lines.iter().take(first).skip(stray).filter(|l| !is_blank(l)).count())
            ),
            hint: Some(
                "a Discourse /raw export starts with `USER | DATE UTC | #1`; give a title in front matter \
                 (`title = \"…\"`) instead of above the first post"
                    .into(),
            ),
        });
    }

    let mut posts = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let caps = HEADER.captures(lines.get(start)).expect("post_starts matched the header");
        let end = match starts.get(k + 1) {
            Some(&next) => next - 2, // the separator line before the next header
            None => {
                let mut end = lines.len();
                while end > start + 1 && is_blank(lines.get(end - 1)) {
                    end -= 1;
                }
                if end > start + 1 && lines.get(end - 1).trim_end() == SEPARATOR {
                    end -= 1;
                }
                end
            }
        };
        let mut body_lines = start + 1..end.max(start + 1);
        while !body_lines.is_empty() && is_blank(lines.get(body_lines.start)) {
            body_lines.start += 1;
        }
        while !body_lines.is_empty() && is_blank(lines.get(body_lines.end - 1)) {
            body_lines.end -= 1;
        }
        let date = DateTime::strptime("%Y-%m-%d %H:%M:%S", &caps[2])
            .ok()
            .and_then(|dt| jiff::tz::TimeZone::UTC.to_timestamp(dt).ok());
        let number = caps[3].parse().map_err(|_| Problem {
            line: start + 1,
            message: format!("post number `{}` is too large", &caps[3]),
            hint: None,
        })?;
        posts.push(Post {
            number,
            author: Some(caps[1].trim().to_owned()),
            date,
            body: lines.span(body_lines).to_owned(),
            line: start + 1,
            ..Post::default()
        });
    }

    let own = own_topic_id(None, posts.iter().map(|p| p.body.as_str()));
    for post in &mut posts {
        post.reply_to = quotes(&post.body)
            .into_iter()
            .filter(|q| quotes_same_thread(q, own.as_deref()))
            .filter_map(|q| q.post)
            .find(|&n| n != post.number);
    }
    Ok(Parsed { threads: vec![ParsedThread { posts, ..ParsedThread::default() }], warnings, ..Parsed::default() })
}

/// `1 line`, `3 lines`.
fn lines_of(n: usize) -> String {
    format!("{n} line{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "alice | 2020-05-01 12:34:56 UTC | #1\n\nHello\n\n-------------------------\n\n\
bob | 2020-05-01 13:02:11 UTC | #2\n\n[quote=\"alice, post:1, topic:4821\"]\nHello\n[/quote]\n\nHi!\n\n\
-------------------------\n\n\
carol_x | 2020-05-02 08:15:00 UTC | #4\n\n[quote=\"Bob Builder, post:2, topic:4821, username:bob\"]\nHi!\n[/quote]\n\n\
a rule:\n-------------------------\nnot a separator\n\n-------------------------\n\n\
system | 2020-05-09 08:15:30 UTC | #5\n\n\n\n-------------------------\n\n";

    #[test]
    fn posts_numbers_authors_dates() {
        let t = parse(SAMPLE).unwrap().only();
        let numbers: Vec<u32> = t.posts.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [1, 2, 4, 5]);
        let authors: Vec<&str> = t.posts.iter().map(|p| p.author.as_deref().unwrap()).collect();
        assert_eq!(authors, ["alice", "bob", "carol_x", "system"]);
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-05-01T12:34:56Z");
        assert_eq!(t.posts[0].body, "Hello");
        assert_eq!(t.posts[3].body, "");
        assert!(t.posts[2].body.ends_with("a rule:\n-------------------------\nnot a separator"));
    }

    #[test]
    fn quotes_are_replies() {
        let t = parse(SAMPLE).unwrap().only();
        let replies: Vec<Option<u32>> = t.posts.iter().map(|p| p.reply_to).collect();
        assert_eq!(replies, [None, Some(1), Some(2), None]);
    }

    #[test]
    fn quote_fields() {
        let q = parse_quote_fields("Bob Builder, post:2, topic:4821, full:true, username:bob");
        assert_eq!(q.name.as_deref(), Some("bob"));
        assert_eq!(q.display_name.as_deref(), Some("Bob Builder"));
        assert_eq!(q.post, Some(2));
        assert_eq!(q.topic.as_deref(), Some("4821"));
        let q = parse_quote_fields("alice,post:1,topic:9");
        assert_eq!((q.name.as_deref(), q.post), (Some("alice"), Some(1)));
    }

    #[test]
    fn quote_of_other_topic_is_not_a_reply() {
        let text = "a | 2020-01-01 00:00:00 UTC | #1\n\nx\n\n-------------------------\n\n\
b | 2020-01-01 00:00:01 UTC | #2\n\n[quote=\"a, post:1, topic:7\"]\nx\n[/quote]\n\n[quote=\"z, post:1, topic:7\"]\ny\n[/quote]\n\n-------------------------\n\n\
c | 2020-01-01 00:00:02 UTC | #3\n\n[quote=\"q, post:1, topic:99\"]\nelsewhere\n[/quote]\n\n-------------------------\n";
        let t = parse(text).unwrap().only();
        assert_eq!(t.posts[1].reply_to, Some(1));
        assert_eq!(t.posts[2].reply_to, None);
    }

    #[test]
    fn topic_id_from_source() {
        let id = own_topic_id(Some("https://forum.example/t/some-slug/4821/3"), std::iter::empty());
        assert_eq!(id.as_deref(), Some("4821"));
        assert_eq!(own_topic_id(Some("https://f.example/raw/77"), std::iter::empty()).as_deref(), Some("77"));
    }

    #[test]
    fn stray_text_is_left_out_with_a_warning_naming_its_line() {
        let parsed = parse("\nhello\nthere\nalice | 2020-05-01 12:34:56 UTC | #1\n\nx\n").unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, 2);
        assert_eq!(parsed.warnings[0].message, "2 lines before the first post header left out");
        let t = parsed.only();
        assert_eq!((t.posts.len(), t.posts[0].body.as_str()), (1, "x"));
        assert!(parse(SAMPLE).unwrap().warnings.is_empty());
    }
}
