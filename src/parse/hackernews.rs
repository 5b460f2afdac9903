//! Hacker News item pages selected in a browser and saved (FORMATS.md §7).
//!
//! ```text
//! Ask HN: How do you archive old forum threads?                          <- title
//! 142 points by alice 5 hours ago | hide | past | favorite | 45 comments <- the story: post 1
//! Forums keep dying and taking years of answers with them.               <- story text, if any
//! <TAB>                                                                  <- a comment opens
//! bob 4 hours ago | next [–]                                             <- USER AGE | NAVS [–]
//!
//! I run wget --mirror and then strip the chrome.                         <- body
//! reply                                                                  <- ends the body
//! <TAB>
//! carol 4 hours ago | parent | next [–]
//! ...
//! ```
//!
//! The story is post 1: its author, `points` as its score, its age as its date, and its
//! text as the body, or the title line (with the link's domain) when it has none. Comments
//! follow as posts 2..N in page order. A body `[flagged]`, `[dead]` or `[deleted]` (or such
//! a mark in the header) is the post's status; a deleted comment's header has no user
//! (`22 hours ago | prev [–]`) and leaves the author unknown. Ages always keep their
//! words in `date_text`; `on Mar 3, 2021` also dates the post to that day (00:00 UTC),
//! `5 hours ago` only when counted back from front matter's `captured` (see
//! [`crate::dates`]).
//!
//! **Who answers whom.** The page shows nesting by indentation, which the copy loses;
//! the links in each header remain. `parent` means the comment answers another comment,
//! `root` that it is at least two levels deep; `prev` that an earlier comment has the same
//! parent, `next` that a later one has. Reading the comments in order (a depth-first walk
//! of the tree) that is enough to rebuild the tree of a complete page:
//!
//! - no `parent`: a top-level comment (depth 0), answering the story;
//! - `parent` without `root`: depth 1, answering the nearest top-level comment above;
//! - `parent` and `root` without `prev`: the first answer to its parent, which is then the
//!   comment right above it: one level deeper than that one;
//! - `parent`, `root` and `prev`: a later answer. Its earlier sibling is on the path from
//!   the top to the comment right above it, and is the deepest comment on that path that
//!   has a `next` (the ones below it on the path end their lists: no `next`).
//!
//! The parent is then the nearest comment above at one level less. The page never names
//! it, so every such `reply_to` is marked `reply_guessed`; top-level comments have none.
//! Collapsed comments (`[3 more]`) hide their answers, and a copy of part of a page may
//! start below its parents: those answers get no `reply_to` rather than a wrong one.

use std::sync::LazyLock;

use regex::Regex;

use super::layout::{self, Lines, Run, parents_by_depth};
use super::parsed::{ParsedThread, Score};
use crate::dates::{self, DateContext};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;
use crate::model::Post;
use crate::text::is_blank;

/// `142 points by alice 5 hours ago | hide | past | favorite | 45 comments`.
static STORY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d+) points? by (\S+) (.+?)(?: \| (.*))?$").unwrap());

/// A comment header ends with the collapse toggle: `[–]`, or `[3 more]` when collapsed.
static TOGGLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*\[(?:–|-|—|\d+ more)\]$").unwrap());

static MARK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*\[(flagged|dead|deleted)\]").unwrap());

/// A domain after a link's title: `(github.com/someone)`.
static DOMAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+\((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,}(?:/[^\s()]*)?\)$").unwrap());

static SITE_BAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"new \| past \| comments \| ask").unwrap());

/// Lines after the comments that are the site's.
static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Guidelines \| FAQ|Search:|More$|Applications are open for YC|Join us for AI Startup School)")
        .unwrap()
});

const NAVS: &[&str] = &["root", "parent", "prev", "next", "context", "flag", "favorite", "edit", "delete", "vouch"];

/// A comment header as read.
#[derive(Debug, Default, PartialEq)]
struct Header {
    author: Option<String>,
    age: Option<String>,
    status: Option<String>,
    root: bool,
    parent: bool,
    prev: bool,
    next: bool,
}

/// Reads `USER AGE | root | parent | prev | next [–]`.
fn comment_header(line: &str) -> Option<Header> {
    let line = line.trim();
    let toggle = TOGGLE.find(line)?;
    let before = line[..toggle.start()].trim();
    // `USER AGE | links`, or only `| links` where the user is gone.
    let (who, navs) = match before.strip_prefix('|') {
        Some(navs) => ("", navs),
        None => before.split_once(" | ").unwrap_or((before, "")),
    };
    let mut header = Header::default();
    for nav in navs.split('|').map(str::trim) {
        match nav {
            "root" => header.root = true,
            "parent" => header.parent = true,
            "prev" => header.prev = true,
            "next" => header.next = true,
            n if NAVS.contains(&n) || n.starts_with("on: ") || n.is_empty() => {}
            // Anything else is not a comment header's link.
            _ => return None,
        }
    }
    if let Some(caps) = layout::captures(&MARK, who) {
        header.status = Some(caps[1].to_owned());
    }
    // A deleted comment keeps its age but not its user (`22 hours ago | prev [–]`), or
    // has a mark where the user was (`[deleted] 7 hours ago`).
    let anonymous = MARK.find(who).is_some_and(|m| m.start() == 0);
    let who = MARK.replace_all(who, "");
    let who = who.trim();
    if !who.is_empty() && (anonymous || dates::parse(who, &DateContext::default()).is_some()) {
        dates::parse(who, &DateContext::default())?;
        header.age = Some(who.to_owned());
        header.status.get_or_insert_with(|| "deleted".to_owned());
        return Some(header);
    }
    match who.split_once(' ') {
        Some((user, age)) => {
            // The age must be one: `bob 4 hours ago`, `bob on Mar 3, 2021`.
            dates::parse(age, &DateContext::default())?;
            header.author = Some(user.to_owned());
            header.age = Some(age.trim().to_owned());
        }
        None if who.is_empty() => {
            // A deleted comment keeps its place (and its answers) but not its author.
            header.status.get_or_insert_with(|| "deleted".to_owned());
        }
        None => return None,
    }
    Some(header)
}

/// Reads the story header: points, author, age.
fn story_header(line: &str) -> Option<(i64, String, String)> {
    let caps = layout::captures(&STORY, line)?;
    let navs = caps.get(4).map_or("", |m| m.as_str());
    let age = caps[3].trim();
    // `| hide | past | favorite | 45 comments`; a bare `5 points by x 2 hours ago` is fine too.
    if !(navs.is_empty() || navs.contains("comment") || navs.contains("discuss") || navs.contains("past")) {
        return None;
    }
    dates::parse(age, &DateContext::default())?;
    Some((caps[1].parse().ok()?, caps[2].to_owned(), age.to_owned()))
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

pub fn score(text: &str) -> Score {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let comments = lines.iter().filter(|l| comment_header(l).is_some()).count();
    let story = lines.iter().any(|l| story_header(l).is_some());
    let value = match (story, comments) {
        (true, n) if n > 0 => MAX_SCORE,
        (false, n) if n >= 2 => 90,
        (false, 1) | (true, 0) => 70,
        _ => 0,
    };
    if value == 0 {
        return Score::none("no `USER AGE | … next [–]` comment or `N points by USER` story header");
    }
    Score { value, reason: format!("{comments} `USER AGE | … [–]` comment headers, story header: {story}") }
}

/// Where each comment's body ends: before its `reply` line, else before the next comment
/// (or the page's footer).
fn comment_body(lines: Run<'_, '_>) -> String {
    let end = match lines.iter().rposition(|l| l.trim() == "reply") {
        Some(reply) => reply,
        None => lines.iter().position(|l| FOOTER.is_match(l.trim())).unwrap_or(lines.len()),
    };
    // The tab line that opens the next comment is not text.
    layout::body_of(lines.slice(..end).iter().filter(|l| !is_tab_line(l)))
}

/// The line of only a tab that opens a comment (the indentation cell, copied).
fn is_tab_line(line: &str) -> bool {
    line.contains('\t') && is_blank(line)
}

/// A body that is only a status mark is the mark, not text.
fn status_of(body: &str) -> Option<&'static str> {
    match body.trim() {
        "[flagged]" => Some("flagged"),
        "[dead]" => Some("dead"),
        "[deleted]" => Some("deleted"),
        "[removed]" => Some("removed"),
        _ => None,
    }
}

/// A post's age: its words always, and a date where they give one (`on Mar 3, 2021`) or
/// the capture time does (`5 hours ago`).
fn apply_age(post: &mut Post, age: &str, ctx: &DateContext) {
    post.date = dates::parse(age, ctx).and_then(|when| when.date);
    post.extra.date_text = Some(age.to_owned());
}

/// The depth of each comment from its links, as the module's documentation explains.
fn depths(headers: &[&Header]) -> Vec<usize> {
    let mut open: Vec<usize> = Vec::new(); // the latest comment at each depth on the current path
    let mut out = Vec::with_capacity(headers.len());
    for (i, h) in headers.iter().enumerate() {
        let depth = if !h.parent {
            0
        } else if !h.root {
            1
        } else if !h.prev {
            open.len().max(2)
        } else {
            (2..open.len()).rev().find(|&d| headers[open[d]].next).unwrap_or(open.len().saturating_sub(1).max(2))
        };
        open.truncate(depth);
        if open.len() == depth {
            open.push(i);
        }
        out.push(depth);
    }
    out
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<ParsedThread, Problem> {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| comment_header(lines.line(i)).is_some()).collect();
    let story_at =
        lines.slice(..starts.first().copied().unwrap_or(lines.len())).iter().position(|l| story_header(l).is_some());
    if story_at.is_none() && starts.is_empty() {
        return Err(Problem {
            line: 1,
            message: "no Hacker News story (`N points by USER …`) or comment (`USER AGE | … next [–]`) header found"
                .into(),
            hint: Some(
                "copy the whole item page (news.ycombinator.com/item?id=…), or set `format` in front matter".into(),
            ),
        });
    }
    let ctx = DateContext::new(options);
    let mut posts = Vec::with_capacity(starts.len() + 1);
    let mut title = None;

    if let Some(at) = story_at
        && let Some((points, author, age)) = story_header(lines.line(at))
    {
        let title_line =
            lines.slice(..at).iter().rev().map(|l| l.trim()).find(|l| !l.is_empty() && !SITE_BAR.is_match(l));
        title = title_line.map(|t| DOMAIN.replace(t, "").into_owned());
        let text_end = starts.first().copied().unwrap_or(lines.len());
        let story_lines = lines
            .slice(at + 1..text_end)
            .iter()
            .filter(|l| !matches!(l.trim(), "add comment" | "reply") && !is_tab_line(l))
            .take_while(|l| !FOOTER.is_match(l.trim()));
        let body = layout::body_of(story_lines);
        let mut post = Post {
            number: 1,
            author: Some(author),
            body: if body.is_empty() { title_line.unwrap_or_default().to_owned() } else { body },
            line: at + 1,
            ..Post::default()
        };
        post.extra.score = Some(points);
        apply_age(&mut post, &age, &ctx);
        posts.push(post);
    }

    let headers: Vec<Header> = starts.iter().filter_map(|&i| comment_header(lines.line(i))).collect();
    let refs: Vec<&Header> = headers.iter().collect();
    let parents = parents_by_depth(&depths(&refs));
    let first_number = posts.len() as u32 + 1;
    for (k, (header, &at)) in headers.into_iter().zip(&starts).enumerate() {
        let stop = starts.get(k + 1).copied().unwrap_or(lines.len());
        let mut body = comment_body(lines.slice(at + 1..stop));
        let mut status = header.status;
        if let Some(mark) = status_of(&body) {
            status = Some(mark.to_owned());
            body.clear();
        }
        let mut post = Post {
            number: first_number + k as u32,
            author: header.author,
            body,
            line: at + 1,
            reply_to: parents[k].map(|p| first_number + p as u32),
            ..Post::default()
        };
        post.extra.reply_guessed = post.reply_to.is_some();
        post.extra.status = status;
        if let Some(age) = header.age {
            apply_age(&mut post, &age, &ctx);
        }
        posts.push(post);
    }
    Ok(ParsedThread { title, posts, ..ParsedThread::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of comments from headers alone: (name, links).
    fn page(comments: &[(&str, &str)]) -> String {
        let mut text = String::from(
            "Show HN: A thing (example.com)\n9 points by op 3 hours ago | hide | past | favorite | 9 comments\n\n",
        );
        for (name, links) in comments {
            let links = if links.is_empty() { String::new() } else { format!(" | {links}") };
            text.push_str(&format!("\t\n{name} 1 hour ago{links} [–]\n\nText of {name}.\nreply\n\n"));
        }
        text
    }

    fn tree(comments: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
        let t = parse(&page(comments), &ParseOptions::default()).unwrap();
        let name = |n: u32| t.posts.iter().find(|p| p.number == n).and_then(|p| p.author.clone());
        t.posts[1..].iter().map(|p| (p.author.clone().unwrap(), p.reply_to.and_then(name))).collect()
    }

    fn pairs(want: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        want.iter().map(|(a, b)| ((*a).to_owned(), b.map(str::to_owned))).collect()
    }

    #[test]
    fn tree_from_links() {
        // a            (top, has a later sibling: e)
        //   b          (first answer to a; has a later sibling: d)
        //     c        (first answer to b; deepest, no siblings)
        //       c2     (first answer to c)
        //   d          (later answer to a: root is absent, so depth 1)
        //     d1       (first answer to d)
        //     d2       (later answer to d: prev; d1 has next)
        // e
        let got = tree(&[
            ("a", "next"),
            ("b", "parent | next"),
            ("c", "root | parent"),
            ("c2", "root | parent"),
            ("d", "parent | prev"),
            ("d1", "root | parent | next"),
            ("d2", "root | parent | prev"),
            ("e", "prev"),
        ]);
        assert_eq!(
            got,
            pairs(&[
                ("a", None),
                ("b", Some("a")),
                ("c", Some("b")),
                ("c2", Some("c")),
                ("d", Some("a")),
                ("d1", Some("d")),
                ("d2", Some("d")),
                ("e", None),
            ])
        );
    }

    #[test]
    fn later_sibling_deep_in_the_tree() {
        // x / y / z1 (next) / z1a / z1a1, then z2 answers y: the deepest comment on the
        // path with `next` is z1, so z2 is z1's sibling.
        let got = tree(&[
            ("x", ""),
            ("y", "parent"),
            ("z1", "root | parent | next"),
            ("z1a", "root | parent"),
            ("z1a1", "root | parent"),
            ("z2", "root | parent | prev"),
        ]);
        assert_eq!(
            got,
            pairs(&[
                ("x", None),
                ("y", Some("x")),
                ("z1", Some("y")),
                ("z1a", Some("z1")),
                ("z1a1", Some("z1a")),
                ("z2", Some("y")),
            ])
        );
    }

    #[test]
    fn story_and_comments() {
        let text = "Hacker News new | past | comments | ask | show | jobs | submit\tlogin\n\
Why is my Rust build slow? (blog.example.com/slow)\n\
212 points by kestrel 7 hours ago | hide | past | favorite | 3 comments\n\n\
\t\nmoss 6 hours ago | next [–]\n\nIncremental builds help.\n\n  cargo build -j 8\n\nAlso sccache.\nreply\n\n\
\t\n| parent | next [–]\n\n[deleted]\n\n\
\t\ntroll99 5 hours ago [flagged] | root | parent | prev [–]\n\nbuy my course\nreply\n\n\
\t\nfern on March 3, 2021 | prev [–]\n\n[dead]\n\n\
Guidelines | FAQ | Lists | API | Security | Legal | Apply to YC | Contact\nSearch:\n";
        let opts = ParseOptions { captured: Some("2024-05-01T12:00:00Z".parse().unwrap()), ..Default::default() };
        let t = parse(text, &opts).unwrap();
        assert_eq!(t.title.as_deref(), Some("Why is my Rust build slow?"));
        let story = &t.posts[0];
        assert_eq!((story.number, story.author.as_deref(), story.extra.score), (1, Some("kestrel"), Some(212)));
        assert_eq!(story.body, "Why is my Rust build slow? (blog.example.com/slow)");
        assert_eq!(story.date.unwrap().to_string(), "2024-05-01T05:00:00Z");
        assert_eq!(story.extra.date_text.as_deref(), Some("7 hours ago"));
        type Row<'a> = (u32, Option<&'a str>, &'a str, Option<&'a str>, Option<u32>);
        let got: Vec<Row> = t.posts[1..]
            .iter()
            .map(|p| (p.number, p.author.as_deref(), p.body.as_str(), p.extra.status.as_deref(), p.reply_to))
            .collect();
        assert_eq!(
            got,
            [
                (2, Some("moss"), "Incremental builds help.\n\n  cargo build -j 8\n\nAlso sccache.", None, None),
                (3, None, "", Some("deleted"), Some(2)),
                (4, Some("troll99"), "buy my course", Some("flagged"), Some(3)),
                (5, Some("fern"), "", Some("dead"), None),
            ]
        );
        assert!(t.posts[2].extra.reply_guessed && !t.posts[1].extra.reply_guessed);
        assert_eq!(t.posts[4].date.unwrap().to_string(), "2021-03-03T00:00:00Z");
        assert_eq!(t.posts[4].extra.date_text.as_deref(), Some("on March 3, 2021"));
        assert_eq!(t.posts[1].line, 6);
    }

    #[test]
    fn story_text_and_no_capture() {
        let text = "Ask HN: Tabs or spaces?\n5 points by quill 2 hours ago | hide | past | favorite | discuss\n\
I have always wondered.\n\nReally.\n\nadd comment\n";
        let t = parse(text, &ParseOptions::default()).unwrap();
        assert_eq!(t.posts.len(), 1);
        assert_eq!(t.posts[0].body, "I have always wondered.\n\nReally.");
        assert_eq!((t.posts[0].date, t.posts[0].extra.date_text.as_deref()), (None, Some("2 hours ago")));
    }

    #[test]
    fn comments_without_story_or_tab_lines() {
        let t = parse(
            "ann 1 day ago | next [–]\n\nFirst.\nreply\n\nben 1 day ago | parent | prev [–]\n\nSecond.\nreply\n",
            &ParseOptions::default(),
        )
        .unwrap();
        assert_eq!(t.title, None);
        assert_eq!(t.posts.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(t.posts[1].reply_to, Some(1));
    }

    #[test]
    fn headers() {
        assert_eq!(
            comment_header("bob 4 hours ago | root | parent | next [–]").map(|h| (h.root, h.parent, h.prev, h.next)),
            Some((true, true, false, true))
        );
        assert!(comment_header("bob 4 hours ago [3 more]").is_some());
        let deleted = comment_header("22 hours ago | prev [–]").unwrap();
        assert_eq!((deleted.author, deleted.status.as_deref(), deleted.prev), (None, Some("deleted"), true));
        let deleted = comment_header("[deleted] 7 hours ago | prev | next [–]").unwrap();
        assert_eq!(
            (deleted.author, deleted.status.as_deref(), deleted.age.as_deref()),
            (None, Some("deleted"), Some("7 hours ago"))
        );
        assert!(comment_header("I like lists [–]").is_none());
        assert!(comment_header("see the docs | here [–]").is_none());
        assert!(story_header("142 points by alice 5 hours ago | hide | past | favorite | 45 comments").is_some());
        assert!(story_header("3 points by which I mean").is_none());
    }

    #[test]
    fn scores() {
        assert!(score(&page(&[("a", "next"), ("b", "parent")])).value >= 90);
        assert_eq!(score("A title\n\nJust text [–]\n").value, 0);
        assert!(parse("nothing here\n", &ParseOptions::default()).is_err());
    }
}
