//! Old Reddit (old.reddit.com) comment pages selected in a browser and saved (FORMATS.md §8).
//!
//! ```text
//! 48                                               <- the submission's score (optional)
//! How do you keep TODOs from rotting? (self.programming) <- title
//! submitted 9 hours ago* by wynwyn87               <- the submission: post 1 (`*`: edited)
//! We have 2000 TODOs and nobody reads them.        <- its text, if any
//! 48 comments share save hide report               <- ends it
//! sorted by: best
//!
//! [–]Robot_Apocalypse 33 points 7 hours ago        <- [–]USER[S]FLAIR SCORE AGE[*]
//!
//! Put the TODOs directly in the code with an issue number.
//!
//!     permalinkembedsavereportreply                <- ends the comment; `parent` in it: a reply
//!
//! [–]wynwyn87[S]Team lead 2 points 6 hours ago*    <- submitter, flair, edited
//! ...
//! load more comments (3 replies)                   <- chrome
//! ```
//!
//! A comment is its header, its body, and the action line that ends it; what lies
//! outside (the site's menus and footer, `load more comments`, `continue this thread`)
//! is not text. The score is `N points`, `1 point`, or `[score hidden]`
//! (`score_hidden`); `[S]` marks the submitter, `*` an edit. A `[deleted]` author leaves
//! the author unknown; `[removed]` or `[deleted]` as the whole body is the post's status.
//!
//! **Names and flair.** The page sets the flair right after the name with no space, so
//! the copy reads `-romainl-The Patient Vimmer`. Usernames are 3 to 20 of `A-Z a-z 0-9
//! _ -`; the name is taken as, in order: a name known from elsewhere in the dump (names
//! that a `[S]` or `[M]` mark, which comes between name and flair, cuts off cleanly, and
//! `u/NAME` mentions); the part
//! before the first character a name cannot hold (a flair starting with `:`, `(`, an
//! emoji); when the flair has several words, the part before the last change from a
//! lowercase letter, digit, `_` or `-` to a capitalised word (`-romainl-|The`), else the
//! whole first word (the flair's emoji image copied as a space); a single word of at most
//! 20 characters is all name. A one-word flair stuck to a name, or a flair that starts
//! lowercase, cannot be told from the name and stays part of it.
//!
//! **Who answers whom.** The copy loses the indentation and old Reddit's links say only
//! whether a comment has a parent. A reply is taken to answer the comment right above
//! it, which is exact for the first answer to a comment and a guess for the others, so
//! every such `reply_to` is marked `reply_guessed`. Top-level comments have none.
//!
//! Ages (`7 hours ago`) keep their words in `date_text` and are dated from front matter's
//! `captured`.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::layout::{self, Lines};
use super::parsed::{Parsed, ParsedThread, Score};
use crate::dates::{self, DateContext};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;
use crate::model::Post;

/// `[–]USER… 33 points 7 hours ago*`, the score optional (deleted comments), `[+]` when collapsed.
static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*\[[–\-+—]\]\s*(.+?)(?:\s+(?:(-?[\d,]+(?:\.\d+)?k?) points?|(\[score hidden\])))?\s+(\S+ \S+ ago|just now)(\*)?(.*)$",
    )
    .unwrap()
});

/// The action line: `permalinkembedsaveparentreportreply`, with whatever else a
/// logged-in reader sees.
static ACTIONS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^permalink(?:embed|save|unsave|parent|edit|delete|disable inbox replies|enable inbox replies|report|give award|give gold|reply|source|share|context|full comments|hide child comments|spam|remove|approve|lock|\s)*$",
    )
    .unwrap()
});

/// `submitted 9 hours ago* by NAME[FLAIR][ to r/sub]`.
static SUBMITTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^submitted (.+? ago)\s*(\*)?\s*(?:\(last edited [^)]*\))?\s*by\s+(.+?)(?:\s+to\s+/?r/\S+)?\s*$")
        .unwrap()
});

static COMMENTS_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:\d[\d,.]*k?|no) comments?\b").unwrap());

static CHROME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:load more comments \(\d[\d,]* repl(?:y|ies)\)|continue this thread\s*→?|\(\d+ child(?:ren)?\)|level \d+)$")
        .unwrap()
});

static DOMAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+\((?:self\.\w+|(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,}(?:/[^\s()]*)?)\)$").unwrap());

static SCORE_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d[\d,]*(?:\.\d+)?k?)$").unwrap());

static MENTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[^\w/])/?u/([A-Za-z0-9_\-]{3,20})\b").unwrap());

/// The marks old Reddit puts after a name: submitter, moderator, admin, friend.
static MARKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*\[(S|M|A|Δ|\+)\]").unwrap());

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// A score as written: `33`, `-2`, `1,204`, `12.5k`.
fn parse_score(text: &str) -> Option<i64> {
    let text = text.replace(',', "");
    match text.strip_suffix('k') {
        Some(thousands) => thousands.parse::<f64>().ok().map(|k| (k * 1000.0).round() as i64),
        None => text.parse().ok(),
    }
}

/// Splits `-romainl-The Patient Vimmer` into name and flair, as the module explains.
fn split_name(who: &str, known: &HashSet<String>) -> (String, Option<String>) {
    let who = who.trim();
    let (first, rest) = who.split_once(char::is_whitespace).map_or((who, ""), |(f, r)| (f, r.trim()));
    let valid = first.find(|c| !is_name_char(c)).unwrap_or(first.len());
    let cut = |mut at: usize| -> (String, Option<String>) {
        while !who.is_char_boundary(at) {
            at -= 1;
        }
        let flair = who[at..].trim();
        (who[..at].to_owned(), (!flair.is_empty()).then(|| flair.to_owned()))
    };
    if let Some(at) = (3..=valid.min(20)).rev().find(|&at| known.contains(&first[..at])) {
        return cut(at);
    }
    if valid < first.len() && valid >= 3 {
        return cut(valid.min(20));
    }
    let bytes = first.as_bytes();
    // Where a capitalised word starts after a lowercase letter, digit, `_` or `-`.
    let boundary = (3..=valid.min(20)).rev().find(|&at| {
        at < bytes.len()
            && bytes[at].is_ascii_uppercase()
            && !bytes[at - 1].is_ascii_uppercase()
            && first[at + 1..].bytes().all(|b| b.is_ascii_lowercase())
    });
    if !rest.is_empty() {
        return match boundary {
            Some(at) => cut(at),
            None if first.len() <= 20 => cut(first.len()),
            None => cut(20),
        };
    }
    if first.len() <= 20 {
        return (first.to_owned(), None);
    }
    cut(boundary.unwrap_or(20))
}

/// A comment header as read.
struct Header<'a> {
    who: &'a str,
    score: Option<i64>,
    score_hidden: bool,
    age: &'a str,
    edited: bool,
}

fn header(line: &str) -> Option<Header<'_>> {
    let caps = layout::captures(&HEADER, line)?;
    let age = caps.get(4)?.as_str();
    // The age must be one: `7 hours ago`.
    dates::relative(age, &DateContext::default())?;
    Some(Header {
        who: caps.get(1)?.as_str(),
        score: caps.get(2).and_then(|s| parse_score(s.as_str())),
        score_hidden: caps.get(3).is_some(),
        age,
        edited: caps.get(5).is_some() || caps.get(6).is_some_and(|r| r.as_str().contains("last edited")),
    })
}

fn is_actions(line: &str) -> bool {
    ACTIONS.is_match(line.trim())
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

pub fn score(text: &str) -> Score {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let headers = lines.iter().filter(|l| header(l).is_some()).count();
    let actions = lines.iter().filter(|l| is_actions(l)).count();
    let value = match (headers, actions) {
        (0, _) => 0,
        (_, 0) if headers < 2 => 0,
        (_, 0) => 70,
        _ => MAX_SCORE,
    };
    if value == 0 {
        return Score::none("no `[–]USER N points T ago` comment headers with `permalink…reply` lines");
    }
    Score {
        value, reason: format!("{headers} `[–]USER N points T ago` headers and {actions} `permalink…reply` lines")
    }
}

/// A body that is only a status mark is the mark, not text.
fn status_of(body: &str) -> Option<&'static str> {
    match body.trim() {
        "[removed]" => Some("removed"),
        "[deleted]" => Some("deleted"),
        _ => None,
    }
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| header(lines.line(i)).is_some()).collect();
    let first_comment = starts.first().copied().unwrap_or(lines.len());
    let submitted = (0..first_comment).find(|&i| SUBMITTED.is_match(lines.line(i).trim()));
    if submitted.is_none() && starts.is_empty() {
        return Err(Problem {
            line: 1,
            message: "no old Reddit comment (`[–]USER N points T ago`) or `submitted … by USER` line found".into(),
            hint: Some("copy the comments page from old.reddit.com, or set `format` in front matter".into()),
        });
    }
    let ctx = DateContext::new(options);

    // Names known for sure, to cut flair from names: those a mark (`[S]`) cuts off
    // and those mentioned as `u/NAME`.
    let mut known: HashSet<String> = HashSet::new();
    for line in lines.iter() {
        known.extend(MENTION.captures_iter(line).map(|c| c[1].to_owned()));
        if let Some(h) = header(line)
            && let Some(mark) = MARKS.find(h.who)
        {
            let name = &h.who[..mark.start()];
            if name.chars().all(is_name_char) && (3..=20).contains(&name.len()) {
                known.insert(name.to_owned());
            }
        }
    }

    let mut posts: Vec<Post> = Vec::with_capacity(starts.len() + 1);
    let mut title = None;
    if let Some(at) = submitted
        && let Some(caps) = SUBMITTED.captures(lines.line(at).trim())
    {
        let above: Vec<usize> = (0..at).rev().filter(|&i| !lines.line(i).trim().is_empty()).take(2).collect();
        let title_line = above.first().map(|&i| lines.line(i).trim());
        title = title_line.map(|t| DOMAIN.replace(t, "").into_owned());
        let score =
            above.get(1).and_then(|&i| SCORE_LINE.captures(lines.line(i).trim())).and_then(|c| parse_score(&c[1]));
        let text_end =
            (at + 1..first_comment).find(|&i| COMMENTS_LINE.is_match(lines.line(i).trim())).unwrap_or(first_comment);
        let body = layout::body_of(lines.slice(at + 1..text_end).iter());
        let who = MARKS.replace_all(&caps[3], "");
        let (author, flair) = split_name(&who, &known);
        let mut post = Post {
            number: 1,
            author: Some(author),
            body: if body.is_empty() { title_line.unwrap_or_default().to_owned() } else { body },
            line: at + 1,
            ..Post::default()
        };
        post.extra.flair = flair;
        post.extra.score = score;
        post.extra.submitter = true;
        post.extra.edited = caps.get(2).is_some();
        dates::parse(&caps[1], &ctx).unwrap_or_default().apply(&mut post);
        posts.push(post);
    }

    let mut notes = Vec::new();
    let first_number = posts.len() as u32 + 1;
    for (k, &at) in starts.iter().enumerate() {
        let Some(h) = header(lines.line(at)) else { continue };
        let stop = starts.get(k + 1).copied().unwrap_or(lines.len());
        let actions = (at + 1..stop).find(|&i| is_actions(lines.line(i)));
        let body_lines = lines.slice(at + 1..actions.unwrap_or(stop)).iter().filter(|l| !CHROME.is_match(l.trim()));
        let mut body = layout::body_of(body_lines);
        let is_reply = actions.is_some_and(|i| lines.line(i).contains("parent"));
        if is_reply && k == 0 {
            notes.push(Problem {
                line: at + 1,
                message: "the first comment answers a comment that is not in the dump".into(),
                hint: Some("copy the whole comments page, not a single comment's thread".into()),
            });
        }

        let submitter = MARKS.find_iter(h.who).any(|m| m.as_str().trim() == "[S]");
        let who = MARKS.replace_all(h.who, "");
        let (author, flair) = match who.trim() {
            "[deleted]" | "[removed]" => (None, None),
            who => {
                let (name, flair) = split_name(who, &known);
                (Some(name), flair)
            }
        };
        let mut status = author.is_none().then(|| "deleted".to_owned());
        if let Some(mark) = status_of(&body) {
            status = Some(mark.to_owned());
            body.clear();
        }
        let number = first_number + k as u32;
        let mut post = Post {
            number,
            author,
            body,
            line: at + 1,
            // The comment right above, when there is one in the dump.
            reply_to: (is_reply && k > 0).then(|| number - 1),
            ..Post::default()
        };
        post.extra = crate::model::PostExtra {
            score: h.score,
            score_hidden: h.score_hidden,
            edited: h.edited,
            submitter,
            flair,
            status,
            reply_guessed: post.reply_to.is_some(),
            ..Default::default()
        }
        .into();
        dates::parse(h.age, &ctx).unwrap_or_default().apply(&mut post);
        posts.push(post);
    }
    let guessed: Vec<&Post> = posts.iter().filter(|p| p.extra.reply_guessed).collect();
    if let Some(first) = guessed.first() {
        let n = guessed.len();
        notes.push(Problem {
            line: first.line,
            message: format!(
                "{n} repl{} placed under the comment above {}: a copied old Reddit page does not say which \
                 comment a reply answers",
                if n == 1 { "y is" } else { "ies are" },
                if n == 1 { "it" } else { "them" }
            ),
            hint: Some("the thread's JSON (its address with `.json` appended) names every reply's parent".into()),
        });
    }
    Ok(Parsed { threads: vec![ParsedThread { title, posts, ..ParsedThread::default() }], notes, ..Parsed::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_flair() {
        let known: HashSet<String> = ["op_name".to_owned()].into();
        for (who, name, flair) in [
            ("Robot_Apocalypse", "Robot_Apocalypse", None),
            ("-romainl-The Patient Vimmer", "-romainl-", Some("The Patient Vimmer")),
            ("FBIFreezeNowSenior Dev", "FBIFreezeNow", Some("Senior Dev")),
            ("wynwyn87Rust fan", "wynwyn87", Some("Rust fan")),
            ("kat_b:snoo: Mod helper", "kat_b", Some(":snoo: Mod helper")),
            ("plainname Rustacean", "plainname", Some("Rustacean")),
            ("op_nameQuestion", "op_name", Some("Question")),
            ("abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrst", Some("uvwxyz")),
            // Limits: a one-word flair stuck to a name cannot be told apart.
            ("aliceExpert", "aliceExpert", None),
            // Not a name at all: cut at 20 bytes, on a character boundary.
            ("ab😀😀😀😀😀😀😀😀 x", "ab😀😀😀😀", Some("😀😀😀😀 x")),
        ] {
            assert_eq!(split_name(who, &known), (name.to_owned(), flair.map(str::to_owned)), "{who:?}");
        }
    }

    const PAGE: &str = "\
reddit
1.2k
How do I stop my sourdough from going flat? (self.Breadit)
submitted 9 hours ago* by crumb_queen
My loaf spreads out like a pancake.
I use 75% hydration.

31 comments share save hide report
all 31 comments
sorted by: best

[–]yeast_beast 120 points 8 hours ago

Your dough is overproofed.

Try a shorter bulk.

    permalinkembedsavereportreply

[–]crumb_queen[S] 15 points 7 hours ago*

Shorter by how much? u/yeast_beast

    permalinkembedsaveparentreportreply

[–]Flourish_99Pro Baker 3 points 6 hours ago

About an hour.

    permalinkembedsaveparentreportreply

load more comments (2 replies)

[–][deleted] [score hidden] 2 hours ago

[removed]

    permalinkembedsavereportreply

[–]nope_bot 1 point 1 hour ago

[deleted]

    permalinkembedsaveparentreportreply

about
blog
";

    #[test]
    fn page_records() {
        let opts = ParseOptions { captured: Some("2024-05-01T12:00:00Z".parse().unwrap()), ..Default::default() };
        let parsed = parse(PAGE, &opts).unwrap();
        // Each guessed parent is said once for the dump, at the first reply.
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let notes: Vec<(usize, String)> = parsed.notes.iter().map(|w| (w.line, w.message.clone())).collect();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].1.starts_with("3 replies are placed under the comment above them"), "{notes:?}");
        let t = parsed.only();
        assert_eq!(notes[0].0, t.posts[2].line);
        assert_eq!(t.title.as_deref(), Some("How do I stop my sourdough from going flat?"));
        let op = &t.posts[0];
        assert_eq!((op.number, op.author.as_deref(), op.extra.score), (1, Some("crumb_queen"), Some(1200)));
        assert_eq!(op.body, "My loaf spreads out like a pancake.\nI use 75% hydration.");
        assert!(op.extra.edited && op.extra.submitter);
        assert_eq!(op.date.unwrap().to_string(), "2024-05-01T03:00:00Z");

        type Row<'a> = (u32, Option<&'a str>, &'a str, Option<i64>, Option<u32>, Option<&'a str>);
        let got: Vec<Row> = t.posts[1..]
            .iter()
            .map(|p| {
                (p.number, p.author.as_deref(), p.body.as_str(), p.extra.score, p.reply_to, p.extra.status.as_deref())
            })
            .collect();
        assert_eq!(
            got,
            [
                (2, Some("yeast_beast"), "Your dough is overproofed.\n\nTry a shorter bulk.", Some(120), None, None),
                (3, Some("crumb_queen"), "Shorter by how much? u/yeast_beast", Some(15), Some(2), None),
                (4, Some("Flourish_99"), "About an hour.", Some(3), Some(3), None),
                (5, None, "", None, None, Some("removed")),
                (6, Some("nope_bot"), "", Some(1), Some(5), Some("deleted")),
            ]
        );
        let c = &t.posts[2];
        assert!(c.extra.submitter && c.extra.edited && c.extra.reply_guessed);
        assert_eq!(t.posts[3].extra.flair.as_deref(), Some("Pro Baker"));
        assert!(t.posts[4].extra.score_hidden);
        assert_eq!(t.posts[1].extra.date_text.as_deref(), Some("8 hours ago"));
        assert_eq!(t.posts[1].date.unwrap().to_string(), "2024-05-01T04:00:00Z");
        assert!(!t.posts[1].extra.reply_guessed && !t.posts[1].extra.submitter);
    }

    #[test]
    fn submitter_flair_is_cut_by_the_name_a_mark_gives() {
        let text = "A title\nsubmitted 2 hours ago by kat_bQuestion asker to r/rust\n\n1 comment\n\n\
[–]kat_b[S]Question asker 1 point 1 hour ago\n\nbump\n\npermalinkembedsavereportreply\n";
        let t = parse(text, &ParseOptions::default()).unwrap().only();
        let got: Vec<(Option<&str>, Option<&str>)> =
            t.posts.iter().map(|p| (p.author.as_deref(), p.extra.flair.as_deref())).collect();
        assert_eq!(got, [(Some("kat_b"), Some("Question asker")), (Some("kat_b"), Some("Question asker"))]);
    }

    #[test]
    fn comments_only() {
        let parsed =
            parse("[–]ann 2 points 1 day ago\n\nhi\n\npermalinkembedsavereportreply\n", &ParseOptions::default())
                .unwrap();
        assert!(parsed.warnings.is_empty() && parsed.notes.is_empty(), "{parsed:?}");
        let t = parsed.only();
        assert_eq!((t.title.as_deref(), t.posts.len()), (None, 1));
        assert_eq!(
            (t.posts[0].number, t.posts[0].date, t.posts[0].extra.date_text.as_deref()),
            (1, None, Some("1 day ago"))
        );
    }

    #[test]
    fn scores() {
        assert_eq!(score(PAGE).value, 95);
        assert_eq!(score("Title\n\n[–] is a dash\n\ntext\n").value, 0);
        assert!(parse("text\n", &ParseOptions::default()).is_err());
    }

    #[test]
    fn a_reply_to_a_comment_off_the_page_is_said() {
        let text = "[–]ann 2 points 1 day ago\n\nhi\n\npermalinkembedsaveparentreportreply\n";
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        let notes: Vec<(usize, &str)> = parsed.notes.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(notes, [(1, "the first comment answers a comment that is not in the dump")]);
        assert_eq!(parsed.only().posts[0].reply_to, None);
    }
}
