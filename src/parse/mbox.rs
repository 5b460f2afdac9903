//! mbox files: mailing-list archives, Google Groups takeouts, pipermail `.txt` archives
//! (FORMATS.md §4).
//!
//! ```text
//! From alice@example.org Thu Jan  2 15:04:05 2020        <- starts a message
//! From: Alice Smith <alice@example.org>                  <- RFC 5322 header, MIME
//! Subject: Reading a file line by line
//! Date: Thu, 02 Jan 2020 15:04:05 +0000
//! Message-ID: <c0ffee01@example.org>
//!
//! How do I read a file line by line?
//! >From the docs I could not tell.                      <- body line `From the docs ...`
//!
//! From bob at example.net  Thu Jan  2 15:20:11 2020      <- pipermail writes ` at `
//! From: bob at example.net (=?utf-8?q?Bj=C3=B6rn?=)     <- ADDRESS (NAME), NAME raw
//! Subject: Reading a file line by line                   <- the archiver dropped `Re:`
//! In-Reply-To: <c0ffee01@example.org>
//! ...
//! ```
//!
//! A message starts at a `From ` line with an asctime date that starts the file or follows
//! a blank line (or, in files that forgot the blank line, is followed by a header field).
//! Writers escape body lines that would look like one: mboxrd turns `^>*From ` into one
//! more `>`, mboxo turns only `^From ` into `>From `. The two cannot be told apart by
//! reading, and they differ only on lines that were `>From ` to begin with, so files are
//! read as mboxrd, which is exact for it and loses one `>` of such a line in mboxo.
//!
//! mboxcl and mboxcl2 files give each message a `Content-Length` header and leave body
//! lines that start `From ` as they are (mboxcl2) or escape them as mboxo does (mboxcl):
//! when (nearly) every message has a count and every count ends on a message boundary, the
//! counts split the file (`split_by_counts`); otherwise the `From ` lines do.
//!
//! Each message is read by [`mail::read`]; the file's messages are threaded by their
//! `References` and `In-Reply-To` ([`super::threading`]), so one file gives many threads.
//! A file with no `From ` line that starts with a header is one message (an `.eml`).

use std::ops::Range;
use std::sync::LazyLock;

use regex::bytes::Regex;

use super::layout::Lines;
use super::mail::{self, Postmark};
use super::parsed::{Parsed, Score};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;

/// `From SENDER DATE`: the sender may hold spaces (pipermail's `alice at example.org`),
/// the date is asctime, with an optional zone before the year.
static FROM_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^From (.*?) +((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d{1,2}:\d{2}(?::\d{2})?(?: +(?:[A-Za-z]{1,5}|[+-]\d{4}))? +\d{4})(?:\s.*)?$",
    )
    .unwrap()
});

/// An RFC 5322 header field's first line: a name of printable ASCII but `:`, then `:`.
static FIELD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[!-9;-~]+:").unwrap());

/// Whether a line is an mbox `From SENDER DATE` line.
pub(crate) fn is_from_line(line: &[u8]) -> bool {
    FROM_LINE.is_match(line)
}

/// Whether a line opens a header field (`Name: value`).
pub(crate) fn is_field(line: &[u8]) -> bool {
    FIELD.is_match(line)
}

/// How a writer escaped body lines that began like a `From ` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escaping {
    /// `^>*From ` got one more `>`: remove one from `^>+From `.
    Mboxrd,
    /// Only `^From ` got a `>`: remove it from `^>From `.
    Mboxo,
    /// Nothing was escaped (mboxcl2: the `Content-Length` counts tell messages apart).
    Verbatim,
}

/// A body line as it was before the writer escaped it.
pub fn unescape(line: &[u8], escaping: Escaping) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    let escaped = match escaping {
        Escaping::Mboxrd => quotes >= 1,
        Escaping::Mboxo => quotes == 1,
        Escaping::Verbatim => false,
    };
    if escaped && line[quotes..].starts_with(b"From ") { &line[1..] } else { line }
}

/// A line without its `\r\n` or `\n` end.
fn bare(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// A file's lines by where they start: a list of them took 16 bytes a line, eight times
/// a file of 2-byte lines.
type MailLines<'a> = Lines<'a, [u8]>;

/// Line `i`, without its `\r`; none past the last line.
fn line<'a>(lines: &MailLines<'a>, i: usize) -> Option<&'a [u8]> {
    (i < lines.len()).then(|| bare(lines.get(i)))
}

/// Indexes of the lines that start messages.
fn message_starts(lines: &MailLines) -> Vec<usize> {
    let first = lines.iter().position(|l| !is_blank(l));
    (0..lines.len())
        .filter(|&i| {
            FROM_LINE.is_match(bare(lines.get(i)))
                && (Some(i) == first
                    || is_blank(lines.get(i - 1))
                    || line(lines, i + 1).is_some_and(|next| FIELD.is_match(next)))
        })
        .collect()
}

/// Whether a text starts with a mail header: field lines up to a blank line, naming at
/// least two of the fields every message has.
pub fn starts_with_header<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> bool {
    const COMMON: [&[u8]; 5] = [b"from:", b"date:", b"subject:", b"message-id:", b"to:"];
    let mut known = 0;
    for line in lines.into_iter().skip_while(|l| is_blank(l)) {
        if is_blank(line) {
            return known >= 2;
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            continue;
        }
        if !FIELD.is_match(line) {
            return false;
        }
        let lower = line.to_ascii_lowercase();
        known += COMMON.iter().filter(|f| lower.starts_with(f)).count();
    }
    false
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

pub fn score(text: &str) -> Score {
    let lines = MailLines::new(text.as_bytes());
    let starts = message_starts(&lines);
    let first = lines.iter().position(|l| !is_blank(l));
    match starts.first() {
        Some(&s) if Some(s) == first => {
            let with_header =
                starts.iter().filter(|&&i| line(&lines, i + 1).is_some_and(|l| FIELD.is_match(l))).count();
            let value = if with_header == starts.len() { MAX_SCORE } else { 60 };
            Score {
                value,
                reason: format!(
                    "{} `From ` lines with asctime dates, {with_header} followed by mail headers",
                    starts.len()
                ),
            }
        }
        _ if starts_with_header(lines.iter().map(bare)) => {
            Score { value: 55, reason: "a mail header (From, Date, Subject) and no `From ` line: one message".into() }
        }
        _ => Score::none("no `From ` line with an asctime date at the start"),
    }
}

/// The threads of an mbox file. The bytes are the dump's own (after any front matter):
/// each message is decoded by the charset it names.
pub fn parse(bytes: &[u8], options: &ParseOptions) -> Result<Parsed, Problem> {
    let zone = options.timezone.clone().unwrap_or(jiff::tz::TimeZone::UTC);
    let lines = MailLines::new(bytes);
    let starts = message_starts(&lines);
    let Some(first_text) = lines.iter().position(|l| !is_blank(l)) else {
        return Ok(Parsed::default());
    };
    let Some(&first) = starts.first() else {
        if starts_with_header(lines.iter().map(bare)) {
            let message =
                mail::read(&join(&lines, first_text..lines.len(), Escaping::Mboxrd), first_text + 1, None, &zone);
            let mut messages = vec![message];
            let notes = mail::leave_out_unarchived(&mut messages).into_iter().collect();
            return Ok(Parsed { threads: mail::into_threads(messages), notes, ..Parsed::default() });
        }
        return Err(Problem {
            line: first_text + 1,
            message: "no `From ` line starts a message".into(),
            hint: Some(
                "an mbox message starts with a line like `From alice@example.org Thu Jan  2 15:04:05 2020`; \
                 set `format` in front matter if this is another format"
                    .into(),
            ),
        });
    };
    let mut parsed = Parsed::default();
    if first != first_text {
        let n = (first_text..first).filter(|&i| !is_blank(lines.get(i))).count();
        parsed.warnings.push(Problem {
            line: first_text + 1,
            message: format!("{n} line{} before the first `From ` line left out", if n == 1 { "" } else { "s" }),
            hint: Some("an mbox file starts with a `From SENDER DATE` line; remove the text above it".into()),
        });
    }

    let (starts, escaping) = match split_by_counts(bytes, &lines, &starts) {
        Counted::Split { starts, escaping, cut_short } => {
            parsed.warnings.extend(cut_short);
            (starts, escaping)
        }
        Counted::Wrong(note) => {
            parsed.notes.push(note);
            (starts, Escaping::Mboxrd)
        }
        Counted::No => (starts, Escaping::Mboxrd),
    };

    let mut messages = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        let postmark = FROM_LINE.captures(bare(lines.get(start))).map(|caps| Postmark {
            sender: String::from_utf8_lossy(&caps[1]).trim().to_owned(),
            date: mail::parse_asctime(&String::from_utf8_lossy(&caps[2]), &zone),
        });
        let bytes = join(&lines, start + 1..end, escaping);
        messages.push(mail::read(&bytes, start + 1, postmark.as_ref(), &zone));
    }
    parsed.notes.extend(mail::leave_out_unarchived(&mut messages));
    let duplicates = mail::dedupe(&mut messages);
    if duplicates > 0 {
        parsed.notes.push(Problem {
            line: first + 1,
            message: format!(
                "{duplicates} message{} twice (the same Message-ID): each is shown once",
                if duplicates == 1 { " appears" } else { "s appear" }
            ),
            hint: None,
        });
    }
    parsed.threads = mail::into_threads(messages);
    Ok(parsed)
}

/// What the `Content-Length` counts of a file say of where its messages start.
enum Counted {
    /// (Nearly) every message has a count and each lands on a message boundary: the
    /// messages start at these `From ` lines, escaped so; a warning when the last count
    /// runs past the end of the file.
    Split { starts: Vec<usize>, escaping: Escaping, cut_short: Option<Problem> },
    /// The messages have counts, but one lands inside a message: a note saying so.
    Wrong(Problem),
    /// Too few messages have a count.
    No,
}

/// mboxcl and mboxcl2 (FORMATS.md §20): each message's `Content-Length` gives its body's
/// size in bytes, so a body may hold `From ` lines that no one escaped. The counts are
/// walked from the first message; one is trusted when it ends the body just before a
/// blank line and a `From ` line (or counts that blank line too), or at the end of the
/// file. A message without a count ends at the next `From ` line, as in other mbox
/// files; when more than one in ten has none, or any count misses, the file is split at
/// `From ` lines after all. mboxcl escapes `From ` as mboxo does and mboxcl2 not at all:
/// a body line that starts `From ` after the split says which.
fn split_by_counts(bytes: &[u8], lines: &MailLines, from_starts: &[usize]) -> Counted {
    let Some(&first) = from_starts.first() else { return Counted::No };
    let (mut starts, mut counted, mut cut_short) = (vec![first], 0, None);
    while let Some(&at) = starts.last() {
        // The header ends at a blank line, and never after the next `From ` line.
        let next_from = from_starts.partition_point(|&s| s <= at);
        let limit = from_starts.get(next_from).copied().unwrap_or(lines.len());
        let header_end = (at + 1..limit).find(|&i| is_blank(lines.get(i)));
        let length = (at + 1..header_end.unwrap_or(limit)).find_map(|i| content_length(bare(lines.get(i))));
        let (Some(blank), Some(length)) = (header_end, length) else {
            match from_starts.get(next_from) {
                Some(&next) => starts.push(next),
                None => break,
            }
            continue;
        };
        counted += 1;
        let body = lines.start(blank + 1);
        let end = body.saturating_add(length);
        let rest = bytes.get(end..).unwrap_or_default();
        if end >= bytes.len() || rest.iter().all(u8::is_ascii_whitespace) {
            if end > bytes.len() && from_starts.get(from_starts.partition_point(|&s| s <= blank)).is_some() {
                return wrong_count(at, counted, starts.len());
            }
            if end > bytes.len() {
                cut_short = Some(cut_short_warning(at, end - bytes.len()));
            }
            break;
        }
        let next = match lines.starting_at(end) {
            Ok(l) if is_blank(lines.get(l)) && line(lines, l + 1).is_some_and(is_from_line) => l + 1,
            Ok(l) if l > 0 && is_blank(lines.get(l - 1)) && is_from_line(bare(lines.get(l))) => l,
            _ => return wrong_count(at, counted, starts.len()),
        };
        starts.push(next);
    }
    if counted == 0 || counted * 10 < starts.len() * 9 {
        return Counted::No;
    }
    let mut message = starts.iter().peekable();
    let mut verbatim = false;
    for (i, line) in lines.iter().enumerate().skip(first) {
        if message.next_if(|&&s| s == i).is_none() && line.starts_with(b"From ") {
            verbatim = true;
            break;
        }
    }
    let escaping = if verbatim { Escaping::Verbatim } else { Escaping::Mboxo };
    Counted::Split { starts, escaping, cut_short }
}

/// The last message's count runs `missing` bytes past the end of the file.
fn cut_short_warning(at: usize, missing: usize) -> Problem {
    Problem {
        line: at + 1,
        message: format!(
            "the file ends {missing} byte{} before this message's `Content-Length` says it does",
            if missing == 1 { "" } else { "s" }
        ),
        hint: Some("the file may have been cut short: the message is read to the end".into()),
    }
}

/// A `Content-Length` count that missed: worth a note when (nearly) every message so far
/// had one, since the file was then written to be split by them.
fn wrong_count(at: usize, counted: usize, messages: usize) -> Counted {
    if counted * 10 < messages * 9 {
        return Counted::No;
    }
    Counted::Wrong(Problem {
        line: at + 1,
        message: "this message's `Content-Length` does not end where a message does: \
                  messages are split at `From ` lines instead"
            .into(),
        hint: Some("a body line that starts with `From ` may then start a message of its own".into()),
    })
}

/// The count of a `Content-Length:` header line.
fn content_length(line: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"content-length:";
    let value = line.get(NAME.len()..).filter(|_| line[..NAME.len()].eq_ignore_ascii_case(NAME))?;
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}

/// A message's lines, unescaped, as one text with `\n` line ends.
fn join(lines: &MailLines, range: Range<usize>, escaping: Escaping) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.span(range.clone()).len() + 1);
    for i in range {
        out.extend_from_slice(unescape(bare(lines.get(i)), escaping));
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Post;
    use crate::parse::ParsedThread;

    fn parse_str(text: &str) -> Vec<ParsedThread> {
        parse(text.as_bytes(), &ParseOptions::default()).unwrap().threads
    }

    /// (title, [(number, author, reply_to, body)]) per thread.
    type Shape = Vec<(Option<String>, Vec<(u32, Option<String>, Option<u32>, String)>)>;

    fn shape(threads: &[ParsedThread]) -> Shape {
        threads
            .iter()
            .map(|t| {
                let posts =
                    t.posts.iter().map(|p: &Post| (p.number, p.author.clone(), p.reply_to, p.body.clone())).collect();
                (t.title.clone(), posts)
            })
            .collect()
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_owned())
    }

    const TWO_THREADS: &str = "From alice@example.org Thu Jan  2 15:04:05 2020\n\
From: Alice Smith <alice@example.org>\n\
Subject: [rust] Reading a file\n\
Date: Thu, 02 Jan 2020 15:04:05 +0000\n\
Message-ID: <a1@example.org>\n\
\n\
How do I read a file?\n\
>From the docs I could not tell.\n\
>>From a line already escaped once\n\
\n\
From carol@example.com Fri Jan  3 09:00:00 2020\n\
From: carol@example.com\n\
Subject: Build times\n\
Date: Fri, 03 Jan 2020 09:00:00 +0000\n\
Message-ID: <c1@example.com>\n\
\n\
Why is it slow?\n\
\n\
From bob@example.net Thu Jan  2 16:00:00 2020\n\
From: Bob <bob@example.net>\n\
Subject: Re: [rust] Reading a file\n\
Date: Thu, 02 Jan 2020 16:00:00 +0000\n\
Message-ID: <b1@example.net>\n\
In-Reply-To: <a1@example.org>\n\
References: <a1@example.org>\n\
\n\
> How do I read a file?\n\
\n\
Use BufReader.\n";

    #[test]
    fn messages_thread_by_references() {
        let threads = parse_str(TWO_THREADS);
        assert_eq!(
            shape(&threads),
            vec![
                (
                    s("Reading a file"),
                    vec![
                        (
                            1,
                            s("Alice Smith"),
                            None,
                            "How do I read a file?\nFrom the docs I could not tell.\n>From a line already escaped once"
                                .to_owned()
                        ),
                        (2, s("Bob"), Some(1), "> How do I read a file?\n\nUse BufReader.".to_owned()),
                    ]
                ),
                (s("Build times"), vec![(1, s("carol@example.com"), None, "Why is it slow?".to_owned())]),
            ]
        );
        let first = &threads[0].posts[0];
        assert_eq!(first.line, 1);
        assert_eq!(first.extra.subject.as_deref(), Some("[rust] Reading a file"));
        assert_eq!(first.extra.email.as_deref(), Some("alice@example.org"));
        assert_eq!(first.date.unwrap().to_string(), "2020-01-02T15:04:05Z");
        assert_eq!(threads[0].posts[1].line, 19);
    }

    #[test]
    fn escaping_table() {
        for (line, escaping, want) in [
            (">From here", Escaping::Mboxrd, "From here"),
            (">>From here", Escaping::Mboxrd, ">From here"),
            (">>From here", Escaping::Mboxo, ">>From here"),
            (">From here", Escaping::Mboxo, "From here"),
            ("> From here", Escaping::Mboxrd, "> From here"),
            (">Fromage", Escaping::Mboxrd, ">Fromage"),
            ("From here", Escaping::Mboxrd, "From here"),
        ] {
            assert_eq!(unescape(line.as_bytes(), escaping), want.as_bytes(), "{line:?} {escaping:?}");
        }
    }

    #[test]
    fn from_lines() {
        for (line, starts) in [
            ("From alice@example.org Thu Jan  2 15:04:05 2020", true),
            ("From alice at example.org  Thu Jan  2 15:04:05 2020", true),
            ("From 1234567890@xxx Thu Jan 02 15:04:05 +0000 2020", true),
            ("From - Mon Jan 06 10:00:00 2020", true),
            ("From MAILER-DAEMON Mon Jan  6 10:00 2020 remote from x", true),
            ("From the docs I could not tell.", false),
            ("From: alice@example.org", false),
            ("From alice Thu Jan 2 2020", false),
        ] {
            assert_eq!(FROM_LINE.is_match(line.as_bytes()), starts, "{line:?}");
        }
    }

    #[test]
    fn a_body_line_like_a_from_line_needs_a_blank_line_before_it() {
        let text = "From a@example.org Thu Jan  2 15:04:05 2020\nSubject: one\n\nline\n\
From b@example.org Thu Jan  2 15:04:05 2020 is quoted, not a message\n\n\
From c@example.org Thu Jan  2 15:05:05 2020\nSubject: two\n\nsecond\n";
        let threads = parse_str(text);
        assert_eq!(threads.len(), 2);
        assert!(threads[0].posts[0].body.ends_with("is quoted, not a message"), "{:?}", threads[0].posts[0].body);
    }

    #[test]
    fn pipermail_archive() {
        let text = "From alice at example.org  Thu Jan  2 15:04:05 2020\n\
From: alice at example.org (Alice Smith)\n\
Date: Thu, 2 Jan 2020 15:04:05 +0000\n\
Subject: [Rustaceans] Hello\n\
Message-ID: <a1@example.org>\n\
\n\
Hi all, caf\u{e9}.\n\
\n\
From bob at example.net  Thu Jan  2 16:00:00 2020\n\
From: bob at example.net (Bob)\n\
Date: Thu, 2 Jan 2020 16:00:00 +0000\n\
Subject: [Rustaceans] Re: Hello\n\
In-Reply-To: <a1@example.org>\n\
References: <a1@example.org>\n\
Message-ID: <b1@example.net>\n\
\n\
Hello!\n";
        let threads = parse_str(text);
        assert_eq!(threads.len(), 1);
        let posts = &threads[0].posts;
        assert_eq!(threads[0].title.as_deref(), Some("Hello"));
        assert_eq!(posts[0].author.as_deref(), Some("Alice Smith"));
        assert_eq!(posts[0].extra.email.as_deref(), Some("alice@example.org"));
        assert_eq!(posts[0].body, "Hi all, café.");
        assert_eq!(posts[1].reply_to, Some(1));
    }

    #[test]
    fn latin1_bytes_are_read_by_their_label() {
        let mut bytes = b"From a@example.org Thu Jan  2 15:04:05 2020\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\n\
Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
            .to_vec();
        bytes.extend_from_slice(b"Sch\xf6ne Gr\xfc\xdfe\n");
        let threads = parse(&bytes, &ParseOptions::default()).unwrap().threads;
        assert_eq!(threads[0].title.as_deref(), Some("Grüße"));
        assert_eq!(threads[0].posts[0].body, "Schöne Grüße");
    }

    #[test]
    fn missing_headers_fall_back() {
        // No Date header: the `From ` line's date, read in the front matter's zone. No
        // threading headers: the subject groups the reply.
        let text = "From a@example.org Thu Jan  2 15:04:05 2020\nSubject: Lunch\n\nWhere?\n\n\
From b@example.org Thu Jan  2 16:04:05 2020\nSubject: RE: Lunch\n\nHere.\n";
        let options =
            ParseOptions { timezone: Some(jiff::tz::TimeZone::get("Europe/Berlin").unwrap()), ..Default::default() };
        let threads = parse(text.as_bytes(), &options).unwrap().threads;
        assert_eq!(threads.len(), 1);
        let posts = &threads[0].posts;
        assert_eq!(posts[0].date.unwrap().to_string(), "2020-01-02T14:04:05Z");
        assert_eq!(posts[0].author.as_deref(), Some("a@example.org"));
        assert_eq!((posts[1].reply_to, posts[1].extra.reply_guessed), (Some(1), true));
    }

    #[test]
    fn a_reply_whose_parent_is_missing_is_its_own_thread() {
        let text = "From a@example.org Thu Jan  2 15:04:05 2020\nSubject: Re: Old topic\n\
In-Reply-To: <not-here@example.org>\nMessage-ID: <x@example.org>\n\nLate answer.\n";
        let threads = parse_str(text);
        assert_eq!(
            shape(&threads),
            vec![(s("Old topic"), vec![(1, s("a@example.org"), None, "Late answer.".to_owned())])]
        );
    }

    #[test]
    fn a_single_message_without_from_line() {
        let threads =
            parse_str("From: a@example.org\nSubject: Just one\nDate: Thu, 02 Jan 2020 15:04:05 +0000\n\nHi\n");
        assert_eq!(threads[0].title.as_deref(), Some("Just one"));
        assert_eq!(threads[0].posts[0].body, "Hi");
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse(b"\nnot mail at all\n", &ParseOptions::default()).unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(parse(b"\n\n", &ParseOptions::default()).unwrap(), Parsed::default());
    }

    #[test]
    fn text_before_the_first_message_is_left_out_with_a_warning() {
        let parsed =
            parse(b"junk\n\nFrom a@b.c Thu Jan  2 15:04:05 2020\nSubject: x\n\ny\n", &ParseOptions::default()).unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, 1);
        assert_eq!(parsed.warnings[0].message, "1 line before the first `From ` line left out");
        assert_eq!(shape(&parsed.threads), vec![(s("x"), vec![(1, s("a@b.c"), None, "y".to_owned())])]);
    }

    #[test]
    fn crlf_files() {
        let text = TWO_THREADS.replace('\n', "\r\n");
        assert_eq!(shape(&parse_str(&text)), shape(&parse_str(TWO_THREADS)));
    }

    #[test]
    fn scores() {
        assert!(score(TWO_THREADS).value >= 90);
        assert_eq!(score("A title\n\nFrom here on it is a post.\n").value, 0);
        assert_eq!(score("From: a@b.c\nSubject: x\n\nbody\n").value, 55);
        assert_eq!(score("Subject: x\n\nbody\n").value, 0);
    }

    /// An mbox of `(From line, header, body)` messages with each body's `Content-Length`
    /// added to its header (plus `skew` bytes), a blank line between messages.
    fn with_counts(messages: &[(&str, &str, &str)], skew: isize, eol: &str) -> String {
        let mut out = String::new();
        for (from, header, body) in messages {
            let body = body.replace('\n', eol);
            let length = (body.len() as isize + skew).max(0);
            let header = header.replace('\n', eol);
            out.push_str(&format!("{from}{eol}{header}Content-Length: {length}{eol}{eol}{body}{eol}"));
        }
        out
    }

    const COUNTED: [(&str, &str, &str); 3] = [
        (
            "From alice@example.org Thu Jan  2 15:04:05 2020",
            "From: Alice <alice@example.org>\nSubject: Forwarded log\nMessage-ID: <a1@example.org>\n",
            "Here is what the server sent:\n\nFrom root@server Thu Jan  2 15:00:00 2020\n>From the top.\n",
        ),
        (
            "From bob@example.net Thu Jan  2 16:00:00 2020",
            "From: Bob <bob@example.net>\nSubject: Re: Forwarded log\nIn-Reply-To: <a1@example.org>\nMessage-ID: <b1@example.net>\n",
            "Thanks.\n",
        ),
        ("From carol@example.com Fri Jan  3 09:00:00 2020", "From: carol@example.com\nSubject: Other\n", "Hi\n"),
    ];

    #[test]
    fn mboxcl2_splits_by_content_length() {
        for eol in ["\n", "\r\n"] {
            let parsed = parse(with_counts(&COUNTED, 0, eol).as_bytes(), &ParseOptions::default()).unwrap();
            assert_eq!((parsed.warnings.len(), parsed.notes.len()), (0, 0), "{eol:?}");
            let threads = &parsed.threads;
            assert_eq!(threads.len(), 2, "{eol:?}");
            let posts = &threads[0].posts;
            // A body `From ` line is text, and a `>From ` line is not unquoted in mboxcl2.
            assert_eq!(
                posts[0].body,
                "Here is what the server sent:\n\nFrom root@server Thu Jan  2 15:00:00 2020\n>From the top."
            );
            assert_eq!((posts[1].body.as_str(), posts[1].reply_to, posts[1].line), ("Thanks.", Some(1), 12));
        }
    }

    #[test]
    fn mboxcl_unquotes_from_once() {
        let mut messages = COUNTED;
        messages[0].2 = "Quoted by the writer:\n>From the top.\n>>From a quote.\n";
        let threads = parse_str(&with_counts(&messages, 0, "\n"));
        assert_eq!(threads[0].posts[0].body, "Quoted by the writer:\nFrom the top.\n>>From a quote.");
    }

    #[test]
    fn counts_that_miss_fall_back_to_from_lines() {
        for skew in [-3, 2, 7] {
            let parsed = parse(with_counts(&COUNTED, skew, "\n").as_bytes(), &ParseOptions::default()).unwrap();
            assert_eq!(parsed.notes.len(), 1, "{skew}");
            assert_eq!(parsed.notes[0].line, 1);
            assert!(parsed.notes[0].message.contains("`Content-Length` does not end"), "{:?}", parsed.notes);
            // Split at `From ` lines: the forwarded one starts a message of its own.
            let posts: usize = parsed.threads.iter().map(|t| t.posts.len()).sum();
            assert_eq!(posts, 4, "{skew}");
        }
        // A count that also takes in the blank line between messages is right too.
        let text = with_counts(&COUNTED, 1, "\n");
        let parsed = parse(text.as_bytes(), &ParseOptions::default()).unwrap();
        assert_eq!((parsed.notes.len(), parsed.threads.len()), (0, 2));
    }

    #[test]
    fn a_count_past_the_end() {
        // On the last message: the file was cut short, the message is read to the end.
        let text = with_counts(&COUNTED, 0, "\n");
        let cut = &text[..text.len() - 3];
        let parsed = parse(cut.as_bytes(), &ParseOptions::default()).unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, 21);
        assert!(parsed.warnings[0].message.starts_with("the file ends 2 bytes before"), "{:?}", parsed.warnings);
        assert_eq!(parsed.threads[1].posts[0].body, "H");
        assert_eq!(parsed.threads[0].posts.len(), 2);
        // Before other messages: a wrong count.
        let mut messages = COUNTED;
        messages[0].1 = "From: Alice <alice@example.org>\nContent-Length: 99999\n";
        let parsed = parse(with_counts(&messages, 0, "\n").as_bytes(), &ParseOptions::default()).unwrap();
        assert_eq!((parsed.notes.len(), parsed.warnings.len()), (1, 0));
        assert_eq!(parsed.threads.iter().map(|t| t.posts.len()).sum::<usize>(), 4);
    }

    #[test]
    fn few_counts_split_by_from_lines() {
        let text = with_counts(&COUNTED[..1], 0, "\n").replace("a1@", "f1@") + TWO_THREADS;
        let parsed = parse(text.as_bytes(), &ParseOptions::default()).unwrap();
        assert!(parsed.notes.is_empty());
        let posts: usize = parsed.threads.iter().map(|t| t.posts.len()).sum();
        assert_eq!(posts, 5, "the forwarded `From ` line splits the first message");
    }

    #[test]
    fn posts_keep_their_ids_and_links() {
        let text = "From a@example.org Thu Jan  2 15:04:05 2020\nMessage-ID: <a@x>\nSubject: Q\n\nq\n\n\
From b@example.org Thu Jan  2 16:04:05 2020\nMessage-ID: <b@x>\nReferences: <gone@x> <a@x>\nSubject: Re: Q\n\nb\n\n\
From c@example.org Thu Jan  2 17:04:05 2020\nMessage-ID: <c@x>\nReferences: <a@x> <b@x>\nIn-Reply-To: <a@x>\n\
Subject: Re: Q\n\nc\n\n\
From d@example.org Thu Jan  2 18:04:05 2020\nSubject: no id\n\nd\n";
        let threads = parse_str(text);
        let posts: Vec<(Option<&str>, Vec<&str>, Option<u32>)> = threads[0]
            .posts
            .iter()
            .map(|p| (p.extra.id.as_deref(), p.extra.links.iter().map(String::as_str).collect(), p.reply_to))
            .collect();
        assert_eq!(
            posts,
            [
                (Some("a@x"), vec![], None),
                (Some("b@x"), vec!["gone@x", "a@x"], Some(1)),
                // In-Reply-To names the parent, though References went on past it.
                (Some("c@x"), vec!["a@x", "b@x", "a@x"], Some(1)),
            ]
        );
        assert_eq!(threads[1].posts[0].extra.id, None);
        assert!(threads.iter().all(|t| t.pool == Some(crate::model::Pool::Mail)));
        assert!(threads.iter().flat_map(|t| &t.posts).all(|p| p.extra.subject.is_some()));
    }

    #[test]
    fn a_message_id_twice_is_one_message() {
        let text = "From a@example.org Thu Jan  2 15:04:05 2020\nMessage-ID: <a@x>\nSubject: Q\n\n\n\
From a@example.org Thu Jan  2 15:04:05 2020\nMessage-ID: <a@x>\nSubject: Q\n\nthe body\n\n\
From b@example.org Thu Jan  2 16:04:05 2020\nMessage-ID: <b@x>\nIn-Reply-To: <a@x>\nSubject: Re: Q\n\nb\n\n\
From b@example.org Thu Jan  2 16:04:05 2020\nMessage-ID: <b@x>\nIn-Reply-To: <a@x>\nSubject: Re: Q\n\nagain\n";
        let parsed = parse(text.as_bytes(), &ParseOptions::default()).unwrap();
        assert_eq!(
            shape(&parsed.threads),
            vec![(
                s("Q"),
                vec![
                    (1, s("a@example.org"), None, "the body".to_owned()),
                    (2, s("b@example.org"), Some(1), "b".to_owned())
                ]
            )]
        );
        assert_eq!(parsed.notes.len(), 1);
        assert_eq!(parsed.notes[0].message, "2 messages appear twice (the same Message-ID): each is shown once");
    }

    const MARCH: &str = include_str!("../../tests/fixtures/formats/pipermail-2023-March.txt");
    const APRIL: &str = include_str!("../../tests/fixtures/formats/pipermail-2023-April.txt");

    #[test]
    fn pipermail_months_join_by_their_ids() {
        let march = parse_str(MARCH);
        let april = parse_str(APRIL);
        assert_eq!(march.len(), 1);
        assert_eq!(march[0].title.as_deref(), Some("Forcing rhubarb under a bucket?"));
        let posts: Vec<(u32, Option<&str>, Option<u32>, String)> = march[0]
            .posts
            .iter()
            .map(|p| (p.number, p.author.as_deref(), p.reply_to, p.date.unwrap().to_string()))
            .collect();
        assert_eq!(
            posts,
            [
                (1, Some("Fiona MacLeod"), None, "2023-03-28T17:12:40Z".to_owned()),
                (2, Some("Raj Patel"), Some(1), "2023-03-29T06:55:02Z".to_owned()),
            ]
        );
        let ids: Vec<&str> = march[0].posts.iter().filter_map(|p| p.extra.id.as_deref()).collect();
        assert_eq!(ids, ["CAF4w8k3Zp1Qe7uRt2M@mail.example.org", "20230329065502.GA18231@example.net"]);
        let raj = &march[0].posts[1];
        assert_eq!(raj.extra.email.as_deref(), Some("raj.patel@example.net"));
        assert_eq!(raj.extra.subject.as_deref(), Some("[Allotments] Forcing rhubarb under a bucket?"));
        assert!(
            raj.body.starts_with("On Tue, Mar 28, 2023 at 06:12:40PM +0100, Fiona MacLeod wrote:\n> Is it too late")
        );
        assert!(raj.body.ends_with("two years running.\n\nRaj"));

        // April alone: a reply whose parent is in March, so a thread of its own here...
        assert_eq!(april.len(), 1);
        let fiona = &april[0].posts[0];
        assert_eq!((fiona.number, fiona.reply_to, fiona.author.as_deref()), (1, None, Some("Fiona MacLeod")));
        assert_eq!(
            fiona.body,
            "Bucket went on the same evening. Peeked today and the first stems are\n\
already 10 cm, pale pink and very tender. Thanks Raj!\n\nFiona"
        );
        // ...whose links name both March messages, its parent last.
        assert_eq!(fiona.extra.links, ids);
        assert_eq!(fiona.extra.id.as_deref(), Some("CAF4w8k0Lq9Xw2sNa5V@mail.example.org"));
        assert!(march.iter().chain(&april).all(|t| t.pool == Some(crate::model::Pool::Mail)));
    }

    #[test]
    fn pipermail_details() {
        let mut bytes = b"From zoe at example.org  Sat Apr  1 10:00:00 2023\n\
From: zoe at example.org (=?utf-8?q?Zo=C3=AB?= =?utf-8?q?_Brennan?=)\n\
Date: Sat, 1 Apr 2023 11:00:00 +0100\n\
Subject: [Allotments] Seed swap\n\
Message-ID: <z1@example.org>\n\
\n\
Photos of the seed tins below.\n\
-------------- next part --------------\n\
A non-text attachment was scrubbed...\n\
Name: tins.jpg\n\
Type: image/jpeg\n\
Size: 48213 bytes\n\
Desc: not available\n\
URL: <https://lists.example.org/pipermail/allotments/attachments/20230401/5e1f/tins.jpg>\n\
-------------- next part --------------\n\
An HTML attachment was scrubbed...\n\
URL: <https://lists.example.org/pipermail/allotments/attachments/20230401/5e1f/attachment.html>\n\
\n\
From max at example.net  Sat Apr  1 12:00:00 2023\n\
From: max at example.net (max at example.net)\n\
Subject: [Allotments] Seed swap\n\
In-Reply-To: <z1@example.org>\n\
Message-ID: <m1@example.net>\n\
\n"
        .to_vec();
        bytes.extend_from_slice(b"Gr\xfc\xdfe, I\x92ll bring beans.\n");
        let threads = parse(&bytes, &ParseOptions::default()).unwrap().threads;
        let [zoe, max] = &threads[0].posts[..] else { panic!("{threads:?}") };
        assert_eq!(zoe.author.as_deref(), Some("Zoë Brennan"));
        assert_eq!(zoe.extra.email.as_deref(), Some("zoe@example.org"));
        assert_eq!(zoe.body, "Photos of the seed tins below.");
        let attachments: Vec<(&str, Option<&str>)> =
            zoe.extra.attachments.iter().map(|a| (a.name.as_str(), a.source.as_deref())).collect();
        assert_eq!(
            attachments,
            [
                ("tins.jpg", Some("https://lists.example.org/pipermail/allotments/attachments/20230401/5e1f/tins.jpg")),
                (
                    "attachment.html",
                    Some("https://lists.example.org/pipermail/allotments/attachments/20230401/5e1f/attachment.html")
                ),
            ]
        );
        // No name: the address, which is masked where shown. No Date: the From_ line's.
        assert_eq!(
            (max.author.as_deref(), max.extra.email.as_deref()),
            (Some("max@example.net"), Some("max@example.net"))
        );
        assert_eq!(max.date.unwrap().to_string(), "2023-04-01T12:00:00Z");
        // No charset and not UTF-8: windows-1252.
        assert_eq!(max.body, "Grüße, I’ll bring beans.");
        // The archiver stripped `Re:`: the subject is kept as written.
        assert_eq!(max.extra.subject.as_deref(), Some("[Allotments] Seed swap"));
        assert_eq!(max.reply_to, Some(1));
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let alphabet: &[&[u8]] = &[
            b"From a@b.c Thu Jan  2 15:04:05 2020\n",
            b"\n",
            b">From ",
            b"Content-Type: multipart/mixed; boundary=x\n",
            b"--x\n",
            b"--x--\n",
            b"Content-Transfer-Encoding: base64\n",
            b"Content-Transfer-Encoding: quoted-printable\n",
            b"=?utf-8?q?=FF?=",
            b"=\n",
            b"References: <a> <b>\n",
            b"Message-ID: <a>\n",
            b"Subject: Re: x\n",
            b"\xff\xfe",
            b"Date: Thu, 99 Foo 2020 99:99:99 +9999\n",
            b"From: \"unterminated <\n",
            b"\r",
            b" folded\n",
            b"Content-Length: 12\n",
            b"Content-Length: 99999999999999999999999\n",
            b"-------------- next part --------------\nAn HTML attachment was scrubbed...\nURL: <x>\n",
        ];
        for _ in 0..300 {
            let mut input = Vec::new();
            for _ in 0..40 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.extend_from_slice(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let _ = parse(&input, &ParseOptions::default());
            let _ = score(&String::from_utf8_lossy(&input));
        }
    }
}
