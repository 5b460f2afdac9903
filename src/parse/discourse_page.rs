//! Discourse topic pages selected in a browser and saved (FORMATS.md §3), from the crawler
//! (no-JavaScript) view or from the JavaScript app.
//!
//! ```text
//! How to build an APK without Android Studio?  <- title: the first line that is not chrome
//! Capacitor                                     <- category and tags: the lines up to the first post
//! android, build
//!
//! swapnil                                       <- author: the line above the date
//! November 18, 2019, 6:49am #1                  <- long date and post number
//!
//! I recently came across Capacitor ...          <- body: up to the next post's author line
//!
//! terran (Terran Marine)                        <- a display name in brackets is not the author
//! November 18, 2019, 2:39pm
//! #3                                            <- the number may be on its own line, without `#`,
//!                                                  or missing (then it is the last one plus 1)
//! Give this a try ...
//!
//! 8 Likes                                       <- the like count of the post above
//! ```
//!
//! The author may also share the date's line (`swapnil November 18, 2019, 6:49am #1`);
//! older crawler views write `November 18, 2019 06:49` or `2019-11-18 06:49:44 UTC`.
//! Numbers have gaps where posts were deleted. Dates are in UTC unless front matter says
//! otherwise; other long dates that end with `#N` are read as well (see [`crate::dates`]).
//!
//! The JavaScript app's select-all has neither long dates nor numbers. When a dump has no
//! long date at all, a post starts at a tiny date (`5h`, `Mar 12`, `Nov '19`) below one to
//! three lines naming the author (username first, then full name or title); posts are
//! numbered 1..N, the tiny date is kept as `date_text` and dated only from `captured`.
//!
//! Neither view's chrome is post text. Dropped wherever they stand: `Reply`,
//! `1 Reply`/`3 Replies`, the topic map (`created`, `last reply` and their dates; counts
//! over `replies`, `views`, `users`, `likes`, `links`), `4 months later`, the timeline
//! (`3 / 12`), the site's header and footer lines (`Log In`, `Home`, `Categories`,
//! `FAQ/Guidelines`, `Terms of Service`, `Privacy Policy`, `Powered by Discourse ...`).
//! At the end of a post, lines of only numbers or tiny dates are chrome too (a bare number
//! over `Reply` is the like count). Everything from `Related topics`, `Suggested Topics`
//! or `New & Unread Topics` after the last post is the site's, not the thread's.
//!
//! Bodies are plain text: the copy lost the Markdown. The category and tags become the
//! thread's tags, not its topic: the topic comes from the folder the dump is in.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::layout::{self, Lines, Run};
use super::parsed::{ParsedThread, Score};
use super::plain;
use crate::dates::{self, DateContext, When};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;
use crate::model::Post;
use crate::text::is_blank;

/// Discourse's English long date, `%B %-d, %Y, %l:%M%P` (Rails' own `%B %d, %Y %H:%M` in
/// older versions), with what may share its line.
static LONG_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(.+?)\s+)?((?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},\s+\d{4},?\s+\d{1,2}:\d{2}(?:\s?[ap]m)?)(?:\s+#?(\d{1,7}))?$",
    )
    .unwrap()
});

/// Any other date line that ends with `#N`.
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(.+?)\s+#(\d{1,7})$").unwrap());

/// A post number alone on the line after the date: `#2`, or `2` in newer crawler views.
static NUMBER_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*#?(\d{1,7})\s*$").unwrap());

/// The JavaScript app's dates: `5h`, `< 1m`, `Mar 12`, `Nov '19`, `Nov 2019`.
static TINY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[<>]\s?)?\d{1,2}(?:s|m|h|d|w|mon|y)$|^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:\d{1,2}|'\d{2}|\d{4})$",
    )
    .unwrap()
});

/// A count in the topic map: `12`, `1.2k`, `45k`.
static COUNT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d+(?:[.,]\d+)?[kKmM]?$").unwrap());

static REPLIES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d+ Repl(?:y|ies)$").unwrap());

static LATER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\d+|a|an) (?:minute|hour|day|week|month|year)s? later$").unwrap());

static TIMELINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d+ / \d+$").unwrap());

/// A username: Discourse allows letters, digits, `_`, `.` and `-` (Unicode letters too).
static USERNAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\p{L}\p{N}_.\-]{1,60}$").unwrap());

/// Lines that are the site's, whole.
const CHROME: &[&str] = &[
    "Reply",
    "Skip to main content",
    "Log In",
    "Sign Up",
    "Home",
    "Categories",
    "FAQ/Guidelines",
    "Guidelines",
    "Terms of Service",
    "Privacy Policy",
    "Powered by Discourse",
    "Powered by Discourse, best viewed with JavaScript enabled",
    "select all",
    "cancel selecting",
    "You have selected 0 posts.",
    "Jump to post",
    "Share",
    "Bookmark",
    "Flag",
    "Summarize",
    "Frequent Posters",
    "Popular Links",
    "Solved",
    "Solution",
];

/// Topic map labels with the value that comes after them.
const MAP_DATED: &[&str] = &["created", "last reply", "last visit"];
/// Topic map labels with the count that comes before them.
const MAP_COUNTED: &[&str] = &["replies", "reply", "views", "view", "users", "user", "likes", "like", "links", "link"];

/// Where the site's lists of other topics begin.
const TAIL: &[&str] = &[
    "Related topics",
    "Related Topics",
    "Suggested Topics",
    "Suggested topics",
    "New & Unread Topics",
    "Want to read more? Browse other topics",
];

fn is_chrome(line: &str) -> bool {
    let line = line.trim();
    CHROME.contains(&line) || REPLIES.is_match(line) || LATER.is_match(line) || TIMELINE.is_match(line)
}

/// The topic map's labels and values, the timeline's dates: numbers and dates that are
/// not post text.
fn is_map_noise(line: &str) -> bool {
    let line = line.trim();
    MAP_DATED.contains(&line) || MAP_COUNTED.contains(&line) || TINY_DATE.is_match(line) || COUNT.is_match(line)
}

fn is_tail(line: &str) -> bool {
    let line = line.trim();
    TAIL.iter().any(|t| line.starts_with(t))
}

/// A post's header as found: where it starts and ends, and what it says.
#[derive(Debug)]
struct Header {
    /// The author's line (or the date line, when the author shares it).
    start: usize,
    /// The first line after the header.
    end: usize,
    author: Option<String>,
    number: Option<u32>,
    date_text: String,
    tiny: bool,
}

/// The author a line names: the username before a `(Full Name)`.
fn author_of(line: &str) -> Option<String> {
    let line = line.trim();
    let name = match line.find(" (") {
        Some(at) if line.ends_with(')') => &line[..at],
        _ => line,
    };
    let name = name.trim().trim_start_matches('@');
    (!name.is_empty() && name.chars().count() <= 60 && !is_chrome(name)).then(|| name.to_owned())
}

/// The crawler view's headers: a long date (and number) with the author above or before it.
fn crawler_headers(lines: Run<'_, '_>) -> Vec<Header> {
    let mut headers: Vec<Header> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines.line(i).trim();
        // Both date patterns end the line with a digit (or `am`/`pm`): most lines of a dump
        // are text and are turned down here, without a regex search.
        let may_be_date = line.ends_with(|c: char| c == 'm' || c.is_numeric());
        // And a long date has a comma and a colon, a numbered header a `#`.
        let long = may_be_date && line.contains(',') && line.contains(':');
        let numbered = may_be_date && line.contains('#');
        let found = long
            .then(|| LONG_DATE.captures(line))
            .flatten()
            .map(|c| {
                (c.get(1).map(|m| m.as_str()), c[2].to_owned(), c.get(3).and_then(|n| n.as_str().parse::<u32>().ok()))
            })
            .or_else(|| {
                let c = numbered.then(|| NUMBERED.captures(line)).flatten()?;
                let before = c.get(1)?.as_str();
                let number = c[2].parse().ok();
                if dates::absolute(before, &DateContext::default()).is_some() {
                    return Some((None, before.to_owned(), number));
                }
                let (author, date) = before.split_once(' ')?;
                dates::absolute(date, &DateContext::default()).map(|_| (Some(author), date.to_owned(), number))
            })
            .or_else(|| {
                // Old crawler views: `2019-11-18 06:49:44 UTC` over `#1`.
                let next = lines.get(i + 1)?.trim();
                (next.starts_with('#') && NUMBER_LINE.is_match(next))
                    .then(|| dates::absolute(line, &DateContext::default()))
                    .flatten()
                    .map(|_| (None, line.to_owned(), None))
            });
        let Some((prefix, date_text, mut number)) = found else {
            i += 1;
            continue;
        };
        let mut end = i + 1;
        if number.is_none()
            && let Some(caps) = lines.get(i + 1).and_then(|l| NUMBER_LINE.captures(l))
        {
            number = caps[1].parse().ok();
            end += 1;
        }
        // Only Discourse's own long date may go without a number: a bare `November 18, 2019
        // 06:49` line is as likely a line of a post.
        let own_form = date_text.to_ascii_lowercase().ends_with('m') && LONG_DATE.is_match(&date_text);
        if number.is_none() && !own_form {
            i += 1;
            continue;
        }
        let floor = headers.last().map_or(0, |h| h.end);
        let (start, author) = match prefix {
            // Text before the date is an author only when it is a username (perhaps with a
            // full name) and a post number follows: `Edited November 18, 2019, 6:49am` is a
            // line of a post.
            Some(prefix) if number.is_none() || !USERNAME.is_match(prefix.split(" (").next().unwrap_or(prefix)) => {
                i += 1;
                continue;
            }
            Some(prefix) => (i, author_of(prefix)),
            // The author is the line above, or the one above a blank line.
            None => match (floor..i).rev().take(2).find(|&k| !is_blank(lines.line(k))) {
                Some(k) if !is_chrome(lines.line(k)) && plain::parse_likes(lines.line(k)).is_none() => {
                    (k, author_of(lines.line(k)))
                }
                _ => (i, None),
            },
        };
        headers.push(Header { start, end, author, number, date_text, tiny: false });
        i = end;
    }
    headers
}

/// The JavaScript app's headers: a tiny date below one to three lines naming the author.
fn app_headers(lines: Run<'_, '_>) -> Vec<Header> {
    let mut headers: Vec<Header> = Vec::new();
    for i in 0..lines.len() {
        let line = lines.line(i).trim();
        if !TINY_DATE.is_match(line) {
            continue;
        }
        let floor = headers.last().map_or(0, |h| h.end);
        // The block of name lines right above the date, at most three; blank lines, chrome
        // and the app's other numbers and dates (the timeline's, the topic map's) bound it.
        let bound = |l: &str| is_blank(l) || is_chrome(l) || is_map_noise(l);
        let mut top = i;
        while top > floor && i - top < 3 && !bound(lines.line(top - 1)) {
            top -= 1;
        }
        // The username is the first word of the block's first line.
        let Some(author) =
            lines.slice(top..i).first().and_then(|l| l.split_whitespace().next()).filter(|w| USERNAME.is_match(w))
        else {
            continue;
        };
        // Only a block that starts after such a bound (or at the top) heads a post: a
        // `Mar 12` inside a paragraph does not.
        if top > floor && !bound(lines.line(top - 1)) {
            continue;
        }
        headers.push(Header {
            start: top,
            end: i + 1,
            author: Some(author.to_owned()),
            number: None,
            date_text: line.to_owned(),
            tiny: true,
        });
    }
    headers
}

/// The posts' headers: the crawler view's, unless the app's find more posts (an app page
/// may quote a long date on a line of its own).
fn headers(lines: Run<'_, '_>) -> Vec<Header> {
    let crawler = crawler_headers(lines);
    let app = app_headers(lines);
    if crawler.len() >= app.len() { crawler } else { app }
}

/// How many lines say the JavaScript app's chrome: proof that tiny dates are headers.
fn app_chrome(lines: Run<'_, '_>) -> usize {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| {
            *l == "Reply"
                || REPLIES.is_match(l)
                || MAP_DATED.contains(l)
                || l.starts_with("Powered by Discourse")
                || is_tail(l)
        })
        .count()
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 90;

pub fn score(text: &str) -> Score {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let crawler = crawler_headers(lines);
    let with_author = crawler.iter().filter(|h| h.author.is_some()).count();
    if with_author > 0 {
        let numbered = crawler.iter().filter(|h| h.number.is_some()).count();
        let value = if with_author >= 2 || numbered > 0 { MAX_SCORE } else { 70 };
        return Score {
            value,
            reason: format!("{with_author} posts headed by an author and a long date ({numbered} numbered `#N`)"),
        };
    }
    let app = app_headers(lines);
    let chrome = app_chrome(lines);
    if app.len() >= 2 && chrome >= 1 {
        return Score {
            value: 65,
            reason: format!(
                "{} posts headed by an author and a short date, {chrome} lines of Discourse chrome",
                app.len()
            ),
        };
    }
    Score::none("no post headed by an author and a Discourse date")
}

/// The lines of a post kept as its text, as runs of line numbers: a list of the lines
/// took 16 bytes a line.
#[derive(Default)]
struct Kept(Vec<Range<usize>>);

impl Kept {
    fn push(&mut self, i: usize) {
        match self.0.last_mut() {
            Some(run) if run.end == i => run.end += 1,
            _ => self.0.push(i..i + 1),
        }
    }

    /// Drops the lines kept from line `i` on.
    fn truncate(&mut self, i: usize) {
        while self.0.last().is_some_and(|run| run.start >= i) {
            self.0.pop();
        }
        if let Some(run) = self.0.last_mut() {
            run.end = run.end.min(i);
        }
    }

    fn iter(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        self.0.iter().flat_map(Range::clone)
    }

    /// The last line kept that is not blank.
    fn last_text(&self, lines: Run<'_, '_>) -> Option<usize> {
        self.iter().rev().find(|&i| !is_blank(lines.line(i)))
    }
}

/// A post's body from its lines, without what is not text, and the like count its chrome
/// shows.
fn clean_body(lines: Run<'_, '_>, tiny: bool) -> (String, u32) {
    let mut kept = Kept::default();
    let mut likes = 0;
    let mut skip_next_date = false;
    for (k, line) in lines.iter().enumerate() {
        let t = line.trim();
        if skip_next_date && !t.is_empty() {
            skip_next_date = false;
            if TINY_DATE.is_match(t) || dates::absolute(t, &DateContext::default()).is_some() {
                continue;
            }
        }
        if let Some(n) = plain::parse_likes(t) {
            likes = n;
            continue;
        }
        if is_chrome(t) {
            continue;
        }
        if MAP_DATED.contains(&t) {
            skip_next_date = true;
            continue;
        }
        if MAP_COUNTED.contains(&t) {
            // The count is the line before it.
            if let Some(last) = kept.last_text(lines)
                && COUNT.is_match(lines.line(last).trim())
            {
                kept.truncate(last);
            }
            // A label is only the topic map's when a count came before it.
            if lines.slice(..k).iter().rev().find(|l| !is_blank(l)).is_some_and(|l| COUNT.is_match(l.trim())) {
                continue;
            }
        }
        kept.push(k);
    }
    // At the end of a post, bare numbers and tiny dates are buttons: the like count (the
    // JavaScript app shows it as a number) and edit dates.
    while let Some(last) = kept.last_text(lines) {
        let t = lines.line(last).trim();
        if tiny && COUNT.is_match(t) && t.bytes().all(|b| b.is_ascii_digit()) {
            likes = likes.max(t.parse().unwrap_or(0));
        } else if !TINY_DATE.is_match(t) {
            break;
        }
        kept.truncate(last);
    }
    (layout::body_of(kept.iter().map(|i| lines.line(i))), likes)
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<ParsedThread, Problem> {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let headers = headers(lines);
    let Some(first) = headers.first() else {
        return Err(Problem {
            line: 1,
            message: "no Discourse post header found (an author line over a date like `November 18, 2019, 6:49am #1`)"
                .into(),
            hint: Some("check the dump is a copied Discourse topic page, or set `format` in front matter".into()),
        });
    };
    let last_start = headers.last().map_or(0, |h| h.end);
    let end = (last_start..lines.len()).find(|&i| is_tail(lines.line(i))).unwrap_or(lines.len());

    // Title, then category and tags: the lines before the first post that are not chrome.
    let preamble = || {
        lines
            .slice(..first.start)
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty() && !is_chrome(l) && !is_map_noise(l))
    };
    let title = preamble().next().map(str::to_owned);
    let tags: Vec<String> = preamble()
        .skip(1)
        .filter(|l| l.chars().count() <= 80)
        .flat_map(|l| l.split([',', '›']))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();

    let ctx = DateContext::new(options);
    let mut posts: Vec<Post> = Vec::with_capacity(headers.len());
    for (k, header) in headers.iter().enumerate() {
        let stop = headers.get(k + 1).map_or(end, |next| next.start).max(header.end);
        let (body, likes) = clean_body(lines.slice(header.end..stop.min(lines.len())), header.tiny);
        let number = header.number.unwrap_or_else(|| posts.last().map_or(1, |p: &Post| p.number.saturating_add(1)));
        let mut post =
            Post { number, author: header.author.clone(), likes, body, line: header.start + 1, ..Post::default() };
        let when = if header.tiny {
            dates::relative(&header.date_text, &ctx)
        } else {
            dates::absolute(&header.date_text, &ctx).map(|d| When { date: Some(d), text: None })
        };
        when.unwrap_or(When { date: None, text: Some(header.date_text.clone()) }).apply(&mut post);
        posts.push(post);
    }
    Ok(ParsedThread { title, tags, posts, ..ParsedThread::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> ParsedThread {
        parse(text, &ParseOptions::default()).unwrap()
    }

    const CRAWLER: &str = "\
Log In
Why does my build hang at 99%?
Support
builds, webpack

mira_k
March 2, 2021, 9:15am #1

The build hangs at 99% forever.
No error is printed.

dev.otto (Otto Dev)
March 2, 2021, 10:02am #2

Which version?

2 Likes

mira_k
March 3, 2021, 12:01am
#5

5.2, and it is fixed now.

1 Like

Related topics
Topic\tReplies\tViews\tActivity
Build slow
Support\t3\t1.2k\tMarch 2, 2020
Home
Categories
Powered by Discourse, best viewed with JavaScript enabled
";

    #[test]
    fn crawler_posts() {
        let t = parse_ok(CRAWLER);
        assert_eq!(t.title.as_deref(), Some("Why does my build hang at 99%?"));
        assert_eq!(t.tags, ["Support", "builds", "webpack"]);
        let got: Vec<(u32, Option<&str>, &str, u32)> =
            t.posts.iter().map(|p| (p.number, p.author.as_deref(), p.body.as_str(), p.likes)).collect();
        assert_eq!(
            got,
            [
                (1, Some("mira_k"), "The build hangs at 99% forever.\nNo error is printed.", 0),
                (2, Some("dev.otto"), "Which version?", 2),
                (5, Some("mira_k"), "5.2, and it is fixed now.", 1),
            ]
        );
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2021-03-02T09:15:00Z");
        assert_eq!(t.posts[2].date.unwrap().to_string(), "2021-03-03T00:01:00Z");
        assert_eq!(t.posts[1].line, 12);
        assert!(t.posts.iter().all(|p| p.extra.date_text.is_none() && p.reply_to.is_none()));
    }

    #[test]
    fn author_and_number_on_the_date_line_or_missing() {
        let t = parse_ok(
            "T\n\nann November 18, 2019, 6:49am #1\n\nHi\nEdited November 18, 2019, 6:50am\n\nbob\nNovember 18, 2019, 7:00pm\n\nYo\n",
        );
        let got: Vec<(u32, Option<&str>, &str)> =
            t.posts.iter().map(|p| (p.number, p.author.as_deref(), p.body.as_str())).collect();
        assert_eq!(got, [(1, Some("ann"), "Hi\nEdited November 18, 2019, 6:50am"), (2, Some("bob"), "Yo")]);
        assert!(t.tags.is_empty());
    }

    #[test]
    fn older_crawler_date_forms() {
        let t =
            parse_ok("T\n\nann\nNovember 18, 2019 06:49\n#1\n\nHi\n\nbob (Bob B)\n2019-11-18 19:00:00 UTC\n#2\n\nYo\n");
        let got: Vec<(u32, Option<&str>, &str, String)> = t
            .posts
            .iter()
            .map(|p| (p.number, p.author.as_deref(), p.body.as_str(), p.date.unwrap().to_string()))
            .collect();
        assert_eq!(
            got,
            [
                (1, Some("ann"), "Hi", "2019-11-18T06:49:00Z".to_owned()),
                (2, Some("bob"), "Yo", "2019-11-18T19:00:00Z".to_owned())
            ]
        );
    }

    #[test]
    fn a_date_line_without_number_is_text_unless_discourse_wrote_it() {
        let t = parse_ok("T\n\nann\nNovember 18, 2019, 6:49am\n\nRelease notes\nNovember 20, 2019 10:00\n");
        assert_eq!(t.posts.len(), 1);
        assert_eq!(t.posts[0].body, "Release notes\nNovember 20, 2019 10:00");
    }

    #[test]
    fn other_date_forms_with_numbers() {
        let t = parse_ok("T\n\nann\n2019-11-18 06:49 #1\n\nHi\n\nbob\n18 Nov 2019, 19:00 #3\n\nYo\n");
        assert_eq!(t.posts.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(t.posts[1].date.unwrap().to_string(), "2019-11-18T19:00:00Z");
    }

    const APP: &str = "\
Printer offline after update
Hardware
You have selected 0 posts.
select all
cancel selecting
1 / 2
Mar 12
kim_l
Kim Lee
Mar 12

After the update my printer shows as offline.
It worked on Mar 12 last year.

created
Mar 12
last reply
5h
4
replies
1.2k
views
3
users

4 months later
pat
5h

Reinstall the driver.

3
Reply
1 Reply

Suggested Topics
Printer jams
Hardware\t2\tMar 1
";

    #[test]
    fn app_select_all() {
        let opts = ParseOptions { captured: Some("2024-05-01T10:00:00Z".parse().unwrap()), ..ParseOptions::default() };
        let t = parse(APP, &opts).unwrap();
        assert_eq!(t.title.as_deref(), Some("Printer offline after update"));
        assert_eq!(t.tags, ["Hardware"]);
        let got: Vec<(u32, Option<&str>, &str, u32)> =
            t.posts.iter().map(|p| (p.number, p.author.as_deref(), p.body.as_str(), p.likes)).collect();
        assert_eq!(
            got,
            [
                (1, Some("kim_l"), "After the update my printer shows as offline.\nIt worked on Mar 12 last year.", 0),
                (2, Some("pat"), "Reinstall the driver.", 3),
            ]
        );
        assert_eq!(t.posts[0].extra.date_text.as_deref(), Some("Mar 12"));
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2024-03-12T00:00:00Z");
        assert_eq!(t.posts[1].date.unwrap().to_string(), "2024-05-01T05:00:00Z");
        // A long date on a line of its own does not turn the page into a crawler view.
        let quoted = APP.replace("Reinstall the driver.", "Reinstall the driver.\nNovember 18, 2019, 6:49am");
        assert_eq!(parse(&quoted, &opts).unwrap().posts.len(), 2);
        // Without the capture time the words stay, and no date is made up.
        let t = parse_ok(APP);
        assert_eq!((t.posts[1].date, t.posts[1].extra.date_text.as_deref()), (None, Some("5h")));
    }

    #[test]
    fn scores() {
        assert!(score(CRAWLER).value >= 90, "{:?}", score(CRAWLER));
        assert!(score(APP).value >= 50, "{:?}", score(APP));
        assert_eq!(score("A title\n\nJust text.\n\nMore text.\n").value, 0);
        // A short date in prose, with no chrome, is not a Discourse page.
        assert_eq!(score("Notes\n\nbob\nMar 12\n\nalice\nMar 13\n").value, 0);
        assert_eq!(score("alice | 2020-05-01 12:34:56 UTC | #1\n\nHi\n").value, 0);
    }

    #[test]
    fn no_header_is_an_error() {
        let err = parse("just\n\ntext\n", &ParseOptions::default()).unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.hint.is_some());
    }
}
