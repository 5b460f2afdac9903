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
//! From: bob at example.net (Bob)
//! Subject: Re: Reading a file line by line
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
//! Each message is read by [`mail::read`]; the file's messages are threaded by their
//! `References` and `In-Reply-To` ([`super::threading`]), so one file gives many threads.
//! A file with no `From ` line that starts with a header is one message (an `.eml`).

use std::sync::LazyLock;

use regex::bytes::Regex;

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
}

/// A body line as it was before the writer escaped it.
pub fn unescape(line: &[u8], escaping: Escaping) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    let escaped = match escaping {
        Escaping::Mboxrd => quotes >= 1,
        Escaping::Mboxo => quotes == 1,
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

/// Indexes of the lines that start messages.
fn message_starts(lines: &[&[u8]]) -> Vec<usize> {
    let first = lines.iter().position(|l| !is_blank(l));
    (0..lines.len())
        .filter(|&i| {
            FROM_LINE.is_match(lines[i])
                && (Some(i) == first
                    || is_blank(lines[i - 1])
                    || lines.get(i + 1).is_some_and(|next| FIELD.is_match(next)))
        })
        .collect()
}

/// Whether a text starts with a mail header: field lines up to a blank line, naming at
/// least two of the fields every message has.
pub fn starts_with_header(lines: &[&[u8]]) -> bool {
    const COMMON: [&[u8]; 5] = [b"from:", b"date:", b"subject:", b"message-id:", b"to:"];
    let mut known = 0;
    for line in lines.iter().skip_while(|l| is_blank(l)) {
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
    let lines: Vec<&[u8]> = text.as_bytes().split(|&b| b == b'\n').map(bare).collect();
    let starts = message_starts(&lines);
    let first = lines.iter().position(|l| !is_blank(l));
    match starts.first() {
        Some(&s) if Some(s) == first => {
            let with_header = starts.iter().filter(|&&i| lines.get(i + 1).is_some_and(|l| FIELD.is_match(l))).count();
            let value = if with_header == starts.len() { MAX_SCORE } else { 60 };
            Score {
                value,
                reason: format!(
                    "{} `From ` lines with asctime dates, {with_header} followed by mail headers",
                    starts.len()
                ),
            }
        }
        _ if starts_with_header(&lines) => {
            Score { value: 55, reason: "a mail header (From, Date, Subject) and no `From ` line: one message".into() }
        }
        _ => Score::none("no `From ` line with an asctime date at the start"),
    }
}

/// The threads of an mbox file. The bytes are the dump's own (after any front matter):
/// each message is decoded by the charset it names.
pub fn parse(bytes: &[u8], options: &ParseOptions) -> Result<Parsed, Problem> {
    let zone = options.timezone.clone().unwrap_or(jiff::tz::TimeZone::UTC);
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').map(bare).collect();
    let starts = message_starts(&lines);
    let Some(first_text) = lines.iter().position(|l| !is_blank(l)) else {
        return Ok(Parsed::default());
    };
    let Some(&first) = starts.first() else {
        if starts_with_header(&lines) {
            let message = mail::read(&join(&lines[first_text..], Escaping::Mboxrd), first_text + 1, None, &zone);
            return Ok(mail::into_threads(vec![message]).into());
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
    let mut warnings = Vec::new();
    if first != first_text {
        let n = lines[first_text..first].iter().filter(|l| !is_blank(l)).count();
        warnings.push(Problem {
            line: first_text + 1,
            message: format!("{n} line{} before the first `From ` line left out", if n == 1 { "" } else { "s" }),
            hint: Some("an mbox file starts with a `From SENDER DATE` line; remove the text above it".into()),
        });
    }

    let mut messages = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        let postmark = FROM_LINE.captures(lines[start]).map(|caps| Postmark {
            sender: String::from_utf8_lossy(&caps[1]).trim().to_owned(),
            date: mail::parse_asctime(&String::from_utf8_lossy(&caps[2]), &zone),
        });
        let bytes = join(&lines[start + 1..end], Escaping::Mboxrd);
        messages.push(mail::read(&bytes, start + 1, postmark.as_ref(), &zone));
    }
    Ok(Parsed { threads: mail::into_threads(messages), warnings, ..Parsed::default() })
}

/// A message's lines, unescaped, as one text with `\n` line ends.
fn join(lines: &[&[u8]], escaping: Escaping) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in lines {
        out.extend_from_slice(unescape(line, escaping));
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
