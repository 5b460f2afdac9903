//! phpBB's print view (`viewtopic.php?…&view=print`) selected in a browser and saved
//! (FORMATS.md §9).
//!
//! ```text
//! Example Boards                                       <- board name, description, address
//! Community support for Example
//! https://forum.example.org/
//!
//! Can't log in after upgrade                           <- title: the line above the topic's address
//! https://forum.example.org/viewtopic.php?f=2&t=4321   <- the thread's source
//!
//! Page 1 of 1
//!
//! Can't log in after upgrade                           <- subject
//! Posted: Mon Jan 06, 2020 3:04 pm                     <- date
//! by alice                                             <- author
//! After upgrading I get "The submitted form was invalid".
//!
//! Re: Can't log in after upgrade
//! Posted: Mon Jan 06, 2020 3:20 pm
//! by bob
//! alice wrote:                                         <- a quote (3.2+: `alice wrote: ↑` and the
//! After upgrading I get "The submitted form was invalid"    quoted post's date on the next line)
//! Clear your browser cookies.                          <- bob's own words
//!
//! All times are UTC + 1 hour                           <- the zone of every date above
//! Page 1 of 1
//! Powered by phpBB © 2000, 2002, 2005, 2007 phpBB Group
//! ```
//!
//! The subsilver2 style's print view is read too: `Author: alice [ Mon Jan 06, 2020 3:04
//! pm ]` over `Post subject: Re: …`. A subject is kept (`extra.subject`) unless it is the
//! title or `Re: ` and the title.
//!
//! **Dates** are in the zone the footer names (`UTC`, `UTC + 1 hour`, `UTC - 5 hours [ DST
//! ]`, `UTC+01:00`, `GMT + 1 Hour`); a `timezone` in front matter wins over it (it knows
//! summer time, which the footer's one offset does not). `Today, 15:04` and `Yesterday,
//! 15:04` are dated from `captured`.
//!
//! **Quotes.** The print view marks where a quote begins (`NAME wrote:`) but not where it
//! ends. A quote is taken to run as long as its lines are the quoted author's words: the
//! lines that are in the text of that author's post it quotes (the one with the date the
//! quote names, else the latest earlier one whose text holds the quote's first line, else
//! their latest earlier post), as a whole line or, for lines of 12 characters or more, a
//! part of one. The first line after `wrote:` always belongs to the quote; when the quoted
//! author has no earlier post in the dump, it is the only one. Quotes in quotes are found
//! the same way. The body is written back with the quoted lines as `> ` lines, which
//! render as quote blocks, and the post is recorded as a reply to the post quoted first
//! (`reply_guessed` unless the quote's date or words pinned that post down).

use std::sync::LazyLock;

use regex::Regex;

use super::layout::{self, Lines, Run};
use super::parsed::{ParsedThread, Score};
use crate::dates::{self, DateContext};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;
use crate::model::Post;
use crate::text::is_blank;

static POSTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*Posted:\s*(.+?)\s*$").unwrap());
static BY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*by\s+(\S.*?)\s*$").unwrap());
/// subsilver2: `Author:<TAB>alice [ Mon Jan 06, 2020 3:04 pm ]`.
static AUTHOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*Author:\s*(.+?)\s*\[\s*(.+?)\s*\]\s*$").unwrap());
static SUBJECT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*Post subject:\s*(.*?)\s*$").unwrap());
static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(\S.{0,80}?)\s+wrote:\s*↑?\s*$").unwrap());
static PAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*Page \d+ of \d+\s*$").unwrap());
static FOOTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:All times are |Powered by phpBB|Page \d+ of \d+\b)").unwrap());

/// How deep quotes in quotes are looked for.
const MAX_DEPTH: usize = 8;

/// A post header as found.
struct Header {
    /// The first line of the header (the subject line, where there is one).
    start: usize,
    /// The first line of the body.
    end: usize,
    subject: Option<String>,
    date: String,
    author: String,
}

fn headers(lines: Run<'_, '_>) -> Vec<Header> {
    let mut out: Vec<Header> = Vec::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let floor = out.last().map_or(0, |h| h.end);
        // A date has digits and a username is short: `Posted: yesterday` over `by the way,
        // …` is a line of a post.
        let plausible =
            |date: &str, author: &str| date.contains(|c: char| c.is_ascii_digit()) && author.chars().count() <= 60;
        if let (Some(posted), Some(by)) =
            (layout::captures(&POSTED, lines.line(i)), layout::captures(&BY, lines.line(i + 1)))
            && plausible(&posted[1], &by[1])
        {
            let subject = (i > floor && !is_blank(lines.line(i - 1))).then(|| lines.line(i - 1).trim().to_owned());
            out.push(Header {
                start: if subject.is_some() { i - 1 } else { i },
                end: i + 2,
                subject,
                date: posted[1].to_owned(),
                author: by[1].to_owned(),
            });
            i += 2;
        } else if let (Some(author), Some(subject)) =
            (layout::captures(&AUTHOR, lines.line(i)), layout::captures(&SUBJECT, lines.line(i + 1)))
            && plausible(&author[2], &author[1])
        {
            out.push(Header {
                start: i,
                end: i + 2,
                subject: Some(subject[1].to_owned()).filter(|s| !s.is_empty()),
                date: author[2].to_owned(),
                author: author[1].to_owned(),
            });
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

pub fn score(text: &str) -> Score {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let posts = headers(lines).len();
    if posts == 0 {
        return Score::none("no `Posted: DATE` / `by AUTHOR` pairs");
    }
    let powered = lines.iter().any(|l| l.trim_start().starts_with("Powered by phpBB"));
    Score {
        value: if powered { MAX_SCORE } else { 90 },
        reason: format!(
            "{posts} `Posted: DATE` / `by AUTHOR` post headers{}",
            if powered { ", `Powered by phpBB`" } else { "" }
        ),
    }
}

/// A post as quotes see it: who wrote it, when, and its words.
struct Prior {
    number: u32,
    author: String,
    date: Option<jiff::Timestamp>,
    /// The post's lines as the dump gave them, white space collapsed, blank ones left out,
    /// joined by `\n`: one text, where a string a line took 24 bytes and more a line.
    lines: String,
}

impl Prior {
    /// Whether one of the post's lines is `line`, or holds it when it is 12 characters or
    /// more. No line holds a `\n`, so a match in the text is one within a line.
    fn holds(&self, line: &str) -> bool {
        let line = collapse(line);
        if line.is_empty() {
            false
        } else if line.chars().count() >= 12 {
            self.lines.contains(&line)
        } else {
            self.lines.split('\n').any(|l| l == line)
        }
    }
}

/// [`Prior::lines`] of a post's lines.
fn collapsed_lines(lines: Run<'_, '_>) -> String {
    let mut out = String::new();
    for line in lines.iter().map(collapse).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    out
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where a quote points: the post quoted, and whether its date or words pinned it down.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Source {
    number: u32,
    sure: bool,
}

/// The post a quote of `name` (with perhaps the quoted post's date) is from.
fn source<'p>(
    priors: &'p [Prior],
    name: &str,
    date: Option<jiff::Timestamp>,
    first_line: &str,
) -> Option<(&'p Prior, bool)> {
    let by_name: Vec<&Prior> = priors.iter().rev().filter(|p| p.author.eq_ignore_ascii_case(name.trim())).collect();
    if let Some(date) = date
        && let Some(p) = by_name.iter().find(|p| p.date == Some(date))
    {
        return Some((p, true));
    }
    if let Some(p) = by_name.iter().find(|p| p.holds(first_line)) {
        return Some((p, true));
    }
    by_name.first().map(|p| (*p, false))
}

/// Writes a body's quotes as `> ` lines, and says which post it quotes first. The lines
/// come back joined by `\n`: a string a line took 24 bytes and more a line.
fn mark_quotes(lines: Run<'_, '_>, priors: &[Prior], ctx: &DateContext, depth: usize) -> (String, Option<Source>) {
    let mut out = String::new();
    let push = |out: &mut String, line: &str| {
        out.push_str(line);
        out.push('\n');
    };
    let mut first: Option<Source> = None;
    let mut i = 0;
    while i < lines.len() {
        let attribution = if depth < MAX_DEPTH { layout::captures(&ATTRIBUTION, lines.line(i)) } else { None };
        let Some(caps) = attribution else {
            push(&mut out, lines.line(i));
            i += 1;
            continue;
        };
        let name = caps[1].trim().to_owned();
        let mut j = i + 1;
        // phpBB 3.2+ puts the quoted post's date under the name.
        let date = lines.get(j).and_then(|l| dates::absolute(l.trim(), ctx));
        if date.is_some() {
            j += 1;
        }
        while j < lines.len() && is_blank(lines.line(j)) {
            j += 1;
        }
        if j >= lines.len() {
            // `NAME wrote:` with nothing after it is just words.
            lines.slice(i..).iter().for_each(|l| push(&mut out, l));
            break;
        }
        let found = source(priors, &name, date, lines.line(j));
        let mut end = j + 1;
        if let Some((prior, _)) = found {
            while end < lines.len() && (is_blank(lines.line(end)) || prior.holds(lines.line(end))) {
                end += 1;
            }
            while end > j + 1 && is_blank(lines.line(end - 1)) {
                end -= 1;
            }
        }
        let earlier: &[Prior] = match found {
            Some((prior, _)) => &priors[..priors.iter().position(|p| p.number == prior.number).unwrap_or(priors.len())],
            None => priors,
        };
        let (inner, _) = mark_quotes(lines.slice(j..end), earlier, ctx, depth + 1);
        push(&mut out, &format!("{name} wrote:"));
        // `inner` holds one line at least: the quote's first.
        for l in inner.split('\n') {
            out.push('>');
            if !l.is_empty() {
                out.push(' ');
            }
            push(&mut out, l);
        }
        if first.is_none() {
            first = found.map(|(p, sure)| Source { number: p.number, sure });
        }
        i = end;
    }
    out.pop();
    (out, first)
}

/// The subject when it says more than the title: not the title, nor `Re: ` and the title.
fn own_subject(subject: Option<&str>, title: Option<&str>) -> Option<String> {
    let subject = subject?.trim();
    let bare = subject.strip_prefix("Re:").or_else(|| subject.strip_prefix("RE:")).unwrap_or(subject).trim();
    let same = title.is_some_and(|t| bare.eq_ignore_ascii_case(t.trim()));
    (!subject.is_empty() && !same).then(|| subject.to_owned())
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<ParsedThread, Problem> {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let headers = headers(lines);
    let Some(first) = headers.first() else {
        return Err(Problem {
            line: 1,
            message: "no phpBB post header (`Posted: DATE` over `by AUTHOR`) found".into(),
            hint: Some(
                "copy the topic's print view (viewtopic.php?…&view=print), or set `format` in front matter".into(),
            ),
        });
    };
    let last_end = headers.last().map_or(0, |h| h.end);
    let end = (last_end..lines.len()).find(|&i| FOOTER.is_match(lines.line(i))).unwrap_or(lines.len());

    // Title and source from the header above the first post.
    let head = lines.slice(..first.start);
    let topic_url = head.iter().position(|l| l.contains("viewtopic.php"));
    let source = topic_url.map(|i| head.line(i).trim().to_owned());
    let above = |i: usize| head.slice(..i).iter().rev().map(|l| l.trim()).find(|l| !l.is_empty()).map(str::to_owned);
    let title = topic_url
        .and_then(above)
        .or_else(|| head.iter().position(|l| PAGE.is_match(l)).and_then(above).filter(|t| !t.contains("://")))
        .or_else(|| first.subject.clone());

    let mut ctx = DateContext::new(options);
    if options.timezone.is_none()
        && let Some(offset) =
            lines.iter().rev().find_map(|l| l.find("All times are").map(|at| &l[at..])).and_then(dates::utc_offset)
    {
        ctx.zone = jiff::tz::TimeZone::fixed(offset);
    }

    let mut priors: Vec<Prior> = Vec::with_capacity(headers.len());
    let mut posts: Vec<Post> = Vec::with_capacity(headers.len());
    for (k, header) in headers.iter().enumerate() {
        let stop = headers.get(k + 1).map_or(end, |next| next.start).max(header.end);
        let raw = lines.slice(header.end..stop.min(lines.len())).trim_blank();
        let number = k as u32 + 1;
        let mut post = Post { number, author: Some(header.author.clone()), line: header.start + 1, ..Post::default() };
        dates::parse(&header.date, &ctx)
            .unwrap_or(dates::When { date: None, text: Some(header.date.clone()) })
            .apply(&mut post);
        let (marked, quoted) = mark_quotes(raw, &priors, &ctx, 0);
        post.body = layout::body_of(marked.split('\n'));
        post.reply_to = quoted.map(|q| q.number);
        post.extra.reply_guessed = quoted.is_some_and(|q| !q.sure);
        post.extra.subject = own_subject(header.subject.as_deref(), title.as_deref());
        priors.push(Prior { number, author: header.author.clone(), date: post.date, lines: collapsed_lines(raw) });
        posts.push(post);
    }
    Ok(ParsedThread { title, source, posts, ..ParsedThread::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINT: &str = "\
Tinkerers' Corner
Electronics, 3D printing and the rest
https://forum.tinker.example/

Bed leveling on the Ender 3
https://forum.tinker.example/viewtopic.php?f=4&t=981

Page 1 of 1

Bed leveling on the Ender 3
Posted: Sat Mar 07, 2020 9:15 pm
by gearhead
My first layer is thin on the left and squashed on the right.
I have tried paper leveling three times.

Re: Bed leveling on the Ender 3
Posted: Sat Mar 07, 2020 10:02 pm
by solder_sue
gearhead wrote:
My first layer is thin on the left and squashed on the right.
Your bed is warped. Try a glass plate.

Glass helps
Posted: Sun Mar 08, 2020 8:40 am
by gearhead
solder_sue wrote: ↑
Sat Mar 07, 2020 10:02 pm
gearhead wrote:
My first layer is thin on the left and squashed on the right.
Your bed is warped. Try a glass plate.
Ordered one. Thanks!
nobody_here wrote:
a quote from elsewhere
second line of mine

All times are UTC + 1 hour
Page 1 of 1
Powered by phpBB © 2000, 2002, 2005, 2007 phpBB Group
http://www.phpbb.com/
";

    #[test]
    fn posts_and_header() {
        let t = parse(PRINT, &ParseOptions::default()).unwrap();
        assert_eq!(t.title.as_deref(), Some("Bed leveling on the Ender 3"));
        assert_eq!(t.source.as_deref(), Some("https://forum.tinker.example/viewtopic.php?f=4&t=981"));
        type Row<'a> = (u32, Option<&'a str>, Option<u32>, bool, Option<&'a str>);
        let got: Vec<Row> = t
            .posts
            .iter()
            .map(|p| (p.number, p.author.as_deref(), p.reply_to, p.extra.reply_guessed, p.extra.subject.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (1, Some("gearhead"), None, false, None),
                (2, Some("solder_sue"), Some(1), false, None),
                (3, Some("gearhead"), Some(2), false, Some("Glass helps")),
            ]
        );
        // `UTC + 1 hour`: 9:15 pm there is 20:15 UTC.
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-03-07T20:15:00Z");
        assert_eq!(t.posts[1].line, 16);
    }

    #[test]
    fn quotes_are_marked() {
        let t = parse(PRINT, &ParseOptions::default()).unwrap();
        assert_eq!(
            t.posts[1].body,
            "gearhead wrote:\n> My first layer is thin on the left and squashed on the right.\nYour bed is warped. Try a glass plate."
        );
        assert_eq!(
            t.posts[2].body,
            "solder_sue wrote:\n> gearhead wrote:\n> > My first layer is thin on the left and squashed on the right.\n\
> Your bed is warped. Try a glass plate.\nOrdered one. Thanks!\nnobody_here wrote:\n> a quote from elsewhere\nsecond line of mine"
        );
    }

    #[test]
    fn front_matter_zone_wins_over_the_footer() {
        let opts =
            ParseOptions { timezone: Some(jiff::tz::TimeZone::get("America/Chicago").unwrap()), ..Default::default() };
        let t = parse(PRINT, &opts).unwrap();
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-03-08T03:15:00Z");
    }

    #[test]
    fn latest_earlier_post_when_the_words_do_not_say() {
        let text = "T\nPage 1 of 1\n\nT\nPosted: Mon Jan 06, 2020 3:04 pm\nby a\none\n\nRe: T\nPosted: Mon Jan 06, 2020 3:05 pm\nby a\ntwo\n\n\
Re: T\nPosted: Mon Jan 06, 2020 3:06 pm\nby b\nA wrote:\nedited words\nmine\n\nAll times are UTC\n";
        let t = parse(text, &ParseOptions::default()).unwrap();
        assert_eq!(t.title.as_deref(), Some("T"));
        assert_eq!((t.posts[2].reply_to, t.posts[2].extra.reply_guessed), (Some(2), true));
        assert_eq!(t.posts[2].body, "A wrote:\n> edited words\nmine");
        assert_eq!(t.posts[1].extra.subject, None);
    }

    #[test]
    fn subsilver2_layout() {
        let text = "Board\nhttps://b.example/\n\nTopic here\nhttps://b.example/viewtopic.php?t=1\nPage 1 of 1\n\n\
Author:\tann [ Tue Feb 04, 2020 11:30 am ]\nPost subject:\tTopic here\nHello.\n\n\
Author:\tbo [ Tue Feb 04, 2020 12:00 pm ]\nPost subject:\tRe: Topic here\nHi.\n\nPage 1 of 1\tAll times are UTC - 5 hours [ DST ]\n";
        let t = parse(text, &ParseOptions::default()).unwrap();
        let got: Vec<(&str, &str)> = t.posts.iter().map(|p| (p.author.as_deref().unwrap(), p.body.as_str())).collect();
        assert_eq!(got, [("ann", "Hello."), ("bo", "Hi.")]);
        // UTC - 5 hours, and summer time on top: UTC-4.
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-02-04T15:30:00Z");
        assert_eq!(score(text).value, 90);
    }

    #[test]
    fn subjects() {
        for (subject, want) in [
            ("Re: Topic", None),
            ("RE: topic", None),
            ("Topic", None),
            ("Re: Something else", Some("Re: Something else")),
            ("Update", Some("Update")),
            ("", None),
        ] {
            assert_eq!(own_subject(Some(subject), Some("Topic")).as_deref(), want, "{subject:?}");
        }
    }

    #[test]
    fn scores_and_errors() {
        assert_eq!(score(PRINT).value, 95);
        assert_eq!(score("Posted: yesterday\nsomething\n").value, 0);
        assert_eq!(score("Posted: yesterday\nby the way, it works now\n").value, 0);
        let err = parse("nothing\n", &ParseOptions::default()).unwrap_err();
        assert!(err.message.contains("Posted:"));
    }
}
