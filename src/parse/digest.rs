//! Mailing-list digests: RFC 1153 digests and Mailman's plain and MIME digests
//! (FORMATS.md §5).
//!
//! ```text
//! Send Rustaceans mailing list submissions to             <- preamble: not posts
//! ...
//! Today's Topics:
//!
//!    1. Reading a file line by line (Alice Smith)
//!
//! ----------------------------------------------------------------------   <- 70 hyphens
//!
//! Message: 1                                              <- Mailman 2 numbers messages
//! Date: Thu, 02 Jan 2020 15:04:05 +0000
//! From: Alice Smith <alice@example.org>
//! Subject: [Rust] Reading a file line by line
//! Message-ID: <c0ffee01@example.org>
//! Content-Type: text/plain; charset="utf-8"
//!
//! How do I read a file line by line?
//!  -----------------------------                          <- a body line of 30 hyphens, escaped
//!
//! ------------------------------                          <- 30 hyphens between messages
//!
//! _______________________________________________        <- the list footer: not a post
//! Rustaceans mailing list
//!
//! End of Rustaceans Digest, Vol 4, Issue 12               <- the trailer: not a post
//! *****************************************
//! ```
//!
//! The digest may still carry its own mail header (it was saved from a mail client, maybe
//! with an mbox `From ` line): its charset and transfer encoding then decode the text.
//! Messages between the separators are read like mbox messages ([`mail::read`]) after the
//! escape is undone, so encoded words, charsets and the raw MIME that Mailman 3 leaves in
//! multipart messages are handled the same way. A separator must be followed by a message
//! header; if it is not, the line was part of a body and stays there. The digest's
//! messages are threaded like an mbox's ([`super::threading`]); digests usually drop
//! `References`, so replies are grouped by subject there.
//!
//! A MIME digest (a `multipart/mixed` message with a `multipart/digest` part) gives the
//! `message/rfc822` parts as posts; its table of contents and footer parts are not posts.

use std::ops::Range;
use std::sync::LazyLock;

use mailparse::ParsedMail;
use regex::Regex;

use super::layout::Lines;
use super::mail::{self, Mail};
use super::mbox;
use super::parsed::{ParsedThread, Score};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;

const SEPARATOR_70: &str = "----------------------------------------------------------------------";
const SEPARATOR_30: &str = "------------------------------";
/// A body line of 30 hyphens as RFC 1153 escapes it: its first character made a space.
const ESCAPED_30: &str = " -----------------------------";

/// `End of NAME Digest, Vol 4, Issue 12` (Mailman) or `End of NAME Digest V1 #12`.
static END_OF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?im)^End of .*Digest\b").unwrap());
static TOPICS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?im)^\s*Today's Topics\b").unwrap());
static MIME_DIGEST: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)content-type:\s*multipart/digest").unwrap());

fn is_line(line: &str, of: &str) -> bool {
    line.trim_end() == of
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 97;

pub fn score(text: &str) -> Score {
    // The separators, or a MIME digest part, first: most dumps have neither, and the
    // rest is not looked for then.
    let (mut has_70, mut separators) = (false, 0);
    for line in text.split('\n') {
        has_70 |= is_line(line, SEPARATOR_70);
        separators += usize::from(is_line(line, SEPARATOR_30));
    }
    let separated = has_70 && separators >= 1;
    if !separated && !MIME_DIGEST.is_match(text) {
        return Score::none("no 70- and 30-hyphen digest separators");
    }
    let end_of = END_OF.is_match(text);
    let topics = TOPICS.is_match(text);
    let (value, reason) = if separated {
        let markers = match (end_of, topics) {
            (true, true) => "`Today's Topics` and `End of ... Digest`",
            (true, false) => "`End of ... Digest`",
            (false, true) => "`Today's Topics`",
            (false, false) => "no `End of ... Digest`",
        };
        let value = if end_of {
            MAX_SCORE
        } else if topics {
            90
        } else {
            60
        };
        (value, format!("a 70-hyphen line, {separators} 30-hyphen separators and {markers}"))
    } else if end_of || topics {
        (90, "a multipart/digest part and `Today's Topics` or `End of ... Digest`".to_owned())
    } else {
        return Score::none("no 70- and 30-hyphen digest separators");
    };
    // An mbox of many messages may hold a digest among them; that file is an mbox.
    let mut mbox_messages = 0;
    let mut after_blank = true;
    for line in text.split('\n') {
        mbox_messages += usize::from(after_blank && mbox::is_from_line(line.as_bytes()));
        after_blank = line.trim().is_empty();
    }
    if mbox_messages > 1 {
        return Score { value: 40, reason: format!("{reason}, but inside an mbox of {mbox_messages} messages") };
    }
    Score { value, reason }
}

/// The threads of a digest, from the dump's own bytes (after any front matter).
pub fn parse(bytes: &[u8], options: &ParseOptions) -> Result<Vec<ParsedThread>, Problem> {
    let zone = options.timezone.clone().unwrap_or(jiff::tz::TimeZone::UTC);
    let lines = Lines::new(bytes);
    let bare = |i: usize| {
        let line = lines.get(i);
        line.strip_suffix(b"\r").unwrap_or(line)
    };
    let mut start = lines.iter().position(|l| !l.trim_ascii().is_empty()).unwrap_or(lines.len());
    if start < lines.len() && mbox::is_from_line(bare(start)) {
        start += 1;
    }
    let rest = &bytes[lines.start(start)..];

    if mbox::starts_with_header((start..lines.len()).map(bare)) {
        // The digest as a message: its header says how to decode the rest.
        if let Ok(message) = mailparse::parse_mail(rest) {
            let header_lines =
                (start..lines.len()).position(|i| bare(i).trim_ascii().is_empty()).unwrap_or(lines.len() - start) + 1;
            if message.ctype.mimetype.to_ascii_lowercase().starts_with("multipart/") {
                // A MIME digest; or a plain digest sent with an attachment or footer part.
                return match mime_digest(&message, rest, start, &zone) {
                    Some(threads) => Ok(threads),
                    None => plain_digest(mail::message_text(&message), start + header_lines, &zone),
                };
            }
            return plain_digest(mail::part_text(&message), start + header_lines, &zone);
        }
    }
    // Only line ends are made uniform: a chunk in a 7-bit charset like ISO-2022-JP needs
    // its escape characters until the chunk is decoded.
    let text = mail::decode_text(rest, None);
    let text = if text.contains("\r\n") { text.replace("\r\n", "\n") } else { text };
    plain_digest(text, start, &zone)
}

/// An RFC 1153 or Mailman plain digest; `offset` is the number of lines before `text`.
/// Chunks and messages are ranges of the text's lines: lists of the lines took 16 bytes a
/// line each.
fn plain_digest(text: String, offset: usize, zone: &jiff::tz::TimeZone) -> Result<Vec<ParsedThread>, Problem> {
    let lines = Lines::new(text.as_str());
    let Some(toc_end) = lines.iter().position(|l| is_line(l, SEPARATOR_70)) else {
        return Err(Problem {
            line: offset + 1,
            message: "no line of 70 hyphens ends the digest's table of contents".into(),
            hint: Some("a digest's messages follow a line of exactly 70 `-`; set `format` if this is no digest".into()),
        });
    };

    // Chunks between 30-hyphen separators; a chunk that does not open with a header is
    // body text that happened to hold an unescaped separator, and joins the one before.
    let mut chunks: Vec<Range<usize>> = Vec::new();
    let mut from = toc_end + 1;
    for i in toc_end + 1..lines.len() {
        if is_line(lines.get(i), SEPARATOR_30) {
            chunks.push(from..i);
            from = i + 1;
        }
    }
    chunks.push(from..lines.len());

    // Each message as the line it starts at and its chunks.
    let mut messages: Vec<(usize, Vec<Range<usize>>)> = Vec::new();
    for chunk in chunks {
        let lead = lines.range(chunk.clone()).take_while(|l| l.trim().is_empty()).count();
        let body = chunk.start + lead..chunk.end;
        let opens_message = !body.is_empty() && mbox::is_field(lines.get(body.start).as_bytes());
        if body.is_empty()
            || is_trailer(lines.range(body.clone()))
            || (opens_message && is_footer_message(&lines, body.clone()))
        {
            // Nothing, or the list footer and the end of the digest: not posts.
        } else if opens_message {
            messages.push((body.start, vec![body]));
        } else if let Some((_, parts)) = messages.last_mut() {
            parts.push(chunk);
        }
        // Text without a header before the first message belongs to the preamble.
    }

    let texts: Vec<(usize, Vec<u8>)> =
        messages.into_iter().map(|(at, parts)| (at, message_text(&lines, &parts))).collect();
    // The messages hold all of the digest now: it goes before they are read as mails.
    drop(lines);
    drop(text);
    let mails: Vec<Mail> =
        texts.into_iter().map(|(at, bytes)| mail::read(&bytes, offset + at + 1, None, zone)).collect();
    if mails.is_empty() {
        return Err(Problem {
            line: offset + toc_end + 1,
            message: "no messages after the digest's 70-hyphen line".into(),
            hint: Some("messages start with header lines (`Date:`, `From:`, `Subject:`) after the separator".into()),
        });
    }
    Ok(mail::into_threads(mails))
}

/// A message's lines: its chunks, with the separator that was between them.
fn message_lines<'a>(lines: &Lines<'a>, parts: &[Range<usize>]) -> impl Iterator<Item = &'a str> {
    parts
        .iter()
        .enumerate()
        .flat_map(move |(k, part)| (k > 0).then_some(SEPARATOR_30).into_iter().chain(lines.range(part.clone())))
}

/// A message's text as a mail: without an `End of ... Digest` trailer (and its row of
/// `*`) that no separator cut off, its escaped separators undone.
fn message_text(lines: &Lines<'_>, parts: &[Range<usize>]) -> Vec<u8> {
    let mut count = 0;
    let mut trailer = None;
    for (k, line) in message_lines(lines, parts).enumerate() {
        count += 1;
        if END_OF.is_match(line) {
            trailer = Some(k);
        } else if !(line.trim().is_empty() || line.trim().chars().all(|c| c == '*')) {
            trailer = None;
        }
    }
    let mut bytes = Vec::new();
    let mut first = "";
    for (k, line) in message_lines(lines, parts).take(trailer.unwrap_or(count)).enumerate() {
        // `Message: N` alone, then a blank line, then the header (some digesters): one line.
        let joined = k == 1 && line.trim().is_empty() && first.starts_with("Message:");
        if k > 0 && !joined {
            bytes.push(b'\n');
        }
        if k == 0 {
            first = line;
        }
        bytes.extend_from_slice(if line.trim_end() == ESCAPED_30 { SEPARATOR_30 } else { line }.as_bytes());
    }
    bytes
}

/// Mailman 2.1 gives its list footer a header of its own, `Subject: Digest Footer`, so
/// that RFC 1153 readers take it for a message: a chunk whose header is only a subject
/// and whose text opens with a line of underscores is that footer.
fn is_footer_message(lines: &Lines<'_>, chunk: Range<usize>) -> bool {
    let header_end = chunk.clone().find(|&i| lines.get(i).trim().is_empty()).unwrap_or(chunk.end);
    let header = || lines.range(chunk.start..header_end);
    let only_subject = header().all(|l| l.to_ascii_lowercase().starts_with("subject:"));
    only_subject && (header().any(|l| l.contains("Digest Footer")) || is_trailer(lines.range(header_end..chunk.end)))
}

/// Whether a chunk is the digest's end: the list footer (a line of underscores) or the
/// `End of ... Digest` line.
fn is_trailer<'a>(mut chunk: impl Iterator<Item = &'a str>) -> bool {
    let first = chunk.find(|l| !l.trim().is_empty()).map(|l| l.trim()).unwrap_or("");
    (first.len() >= 10 && first.chars().all(|c| c == '_')) || END_OF.is_match(first) || first.chars().all(|c| c == '*')
}

/// A MIME digest: every `message/rfc822` part below a `multipart/digest` is a post.
/// `None` when there is no such part.
fn mime_digest(
    message: &ParsedMail,
    raw: &[u8],
    offset: usize,
    zone: &jiff::tz::TimeZone,
) -> Option<Vec<ParsedThread>> {
    fn collect<'a>(part: &'a ParsedMail<'a>, in_digest: bool, depth: usize, out: &mut Vec<&'a ParsedMail<'a>>) {
        if depth > 8 {
            return;
        }
        let mime = part.ctype.mimetype.to_ascii_lowercase();
        if in_digest && mime == "message/rfc822" {
            out.push(part);
        }
        for sub in &part.subparts {
            collect(sub, in_digest || mime == "multipart/digest", depth + 1, out);
        }
    }
    let mut parts = Vec::new();
    collect(message, false, 0, &mut parts);
    let mails: Vec<Mail> = parts
        .into_iter()
        .map(|part| {
            let body = part.get_body_raw().unwrap_or_default();
            // The part's line: where its encoded body sits in the digest's bytes.
            let encoded = match part.get_body_encoded() {
                mailparse::body::Body::SevenBit(b) | mailparse::body::Body::EightBit(b) => b.get_raw(),
                mailparse::body::Body::Binary(b) => b.get_raw(),
                mailparse::body::Body::Base64(b) | mailparse::body::Body::QuotedPrintable(b) => b.get_raw(),
            };
            let line = offset_in(raw, encoded)
                .map_or(offset + 1, |at| offset + 1 + raw[..at].iter().filter(|&&b| b == b'\n').count());
            mail::read(&body, line, None, zone)
        })
        .collect();
    (!mails.is_empty()).then(|| mail::into_threads(mails))
}

/// Where a slice borrowed from `outer` starts in it.
fn offset_in(outer: &[u8], inner: &[u8]) -> Option<usize> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (start + inner.len() <= outer.len()).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Vec<ParsedThread> {
        parse(text.as_bytes(), &ParseOptions::default()).unwrap()
    }

    const MAILMAN: &str = "Send Gardening mailing list submissions to\n\tgardening@lists.example.org\n\n\
Today's Topics:\n\n   1. Tomato blight (Ann Lee)\n   2. Re: Tomato blight (Raj)\n   3. Seed swap (Ann Lee)\n\n\n\
----------------------------------------------------------------------\n\n\
Message: 1\n\
Date: Mon, 06 Jul 2020 08:00:00 +0100\n\
From: Ann Lee <ann@example.org>\n\
To: gardening@lists.example.org\n\
Subject: [Gardening] Tomato blight\n\
Message-ID: <t1@example.org>\n\
Content-Type: text/plain; charset=\"us-ascii\"\n\
\n\
My tomatoes have brown spots.\n\
\x20-----------------------------\n\
Photos below the line.\n\
\n\
------------------------------\n\
\n\
Message: 2\n\
Date: Mon, 06 Jul 2020 09:30:00 +0100\n\
From: Raj <raj@example.net>\n\
Subject: Re: [Gardening] Tomato blight\n\
Message-ID: <t2@example.net>\n\
\n\
Ann Lee wrote:\n\
> My tomatoes have brown spots.\n\
\n\
Remove the leaves.\n\
-------------- next part --------------\n\
An HTML attachment was scrubbed...\n\
URL: <https://lists.example.org/pipermail/gardening/attachments/20200706/1a2b/attachment.html>\n\
\n\
------------------------------\n\
\n\
Message: 3\n\
Date: Mon, 06 Jul 2020 10:00:00 +0100\n\
From: Ann Lee <ann@example.org>\n\
Subject: [Gardening] Seed swap\n\
\n\
Anyone for a seed swap?\n\
\n\
------------------------------\n\
\n\
_______________________________________________\n\
Gardening mailing list\n\
gardening@lists.example.org\n\
\n\
\n\
End of Gardening Digest, Vol 7, Issue 3\n\
***************************************\n";

    #[test]
    fn mailman_digest() {
        let threads = parse_str(MAILMAN);
        type Shape<'a> = Vec<(Option<&'a str>, Vec<(u32, Option<&'a str>, Option<u32>)>)>;
        let shape: Shape = threads
            .iter()
            .map(|t| {
                (t.title.as_deref(), t.posts.iter().map(|p| (p.number, p.author.as_deref(), p.reply_to)).collect())
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (Some("Tomato blight"), vec![(1, Some("Ann Lee"), None), (2, Some("Raj"), Some(1))]),
                (Some("Seed swap"), vec![(1, Some("Ann Lee"), None)]),
            ]
        );
        let blight = &threads[0].posts;
        assert_eq!(
            blight[0].body,
            "My tomatoes have brown spots.\n------------------------------\nPhotos below the line."
        );
        assert_eq!(blight[0].line, 13);
        assert_eq!(blight[0].date.unwrap().to_string(), "2020-07-06T07:00:00Z");
        assert!(blight[1].extra.reply_guessed, "no References in a digest: the subject grouped it");
        assert_eq!(blight[1].body, "Ann Lee wrote:\n> My tomatoes have brown spots.\n\nRemove the leaves.");
        let scrubbed = &blight[1].extra.attachments;
        assert_eq!(scrubbed.len(), 1);
        assert_eq!(scrubbed[0].name, "attachment.html");
        assert_eq!(blight[1].extra.id.as_deref(), Some("t2@example.net"));
        assert!(threads.iter().all(|t| t.pool == Some(crate::model::Pool::Mail)));
        assert_eq!(threads[1].posts[0].body, "Anyone for a seed swap?");
    }

    #[test]
    fn rfc1153_digest_with_own_header_and_no_message_numbers() {
        let text = "From: list-request@example.org\nSubject: Foo Digest V1 #12\nDate: Fri, 03 Jan 2020 00:00:02 +0000\n\
Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
Foo Digest               Fri, 03 Jan 2020      Volume 1 : Issue 12\n\nToday's Topics:\n    Caf=E9\n\n\
----------------------------------------------------------------------\n\n\
Date: Thu, 02 Jan 2020 15:04:05 +0000\nFrom: =3D?utf-8?q?Zo=3DC3=3DAB?=3D <zoe@example.org>\nSubject: Caf=E9\n\
Message-ID: <z1@example.org>\n\nSee you at the caf=E9.\n\n\
------------------------------\n\n\
Date: Thu, 02 Jan 2020 16:00:00 +0000\nFrom: max@example.org\nSubject: Re: Caf=E9\n\
In-Reply-To: <z1@example.org>\n\nOK.\n\n\
------------------------------\n\nEnd of Foo Digest V1 #12\n************************\n";
        let threads = parse_str(text);
        assert_eq!(threads.len(), 1);
        let posts = &threads[0].posts;
        assert_eq!(threads[0].title.as_deref(), Some("Café"));
        assert_eq!(posts[0].author.as_deref(), Some("Zoë"));
        assert_eq!(posts[0].body, "See you at the café.");
        assert_eq!((posts[1].reply_to, posts[1].extra.reply_guessed), (Some(1), false));
        assert_eq!(posts[1].body, "OK.");
    }

    #[test]
    fn an_unescaped_separator_in_a_body_stays_there() {
        let text = "Topics\n\n----------------------------------------------------------------------\n\n\
From: a@example.org\nSubject: x\n\nabove\n------------------------------\nbelow\n\n\
------------------------------\n\nEnd of X Digest\n***************\n";
        let threads = parse_str(text);
        assert_eq!(threads[0].posts.len(), 1);
        assert_eq!(threads[0].posts[0].body, "above\n------------------------------\nbelow");
    }

    #[test]
    fn trailer_without_separator_is_cut() {
        let text = "T\n\n----------------------------------------------------------------------\n\n\
From: a@example.org\nSubject: x\n\nlast message\n\nEnd of X Digest, Vol 1, Issue 1\n*******\n";
        assert_eq!(parse_str(text)[0].posts[0].body, "last message");
    }

    #[test]
    fn mailman3_leaves_raw_mime_in_multipart_messages() {
        let text = "Today's Topics:\n\n   1. Pics\n\n----------------------------------------------------------------------\n\n\
Message: 1\nDate: Tue, 07 Jul 2020 10:00:00 +0000\nFrom: Ann <ann@example.org>\nSubject: Pics\n\
Content-Type: multipart/alternative; boundary=\"===============0123==\"\n\n\
--===============0123==\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n\
Na=C3=AFve question=\n about roses.\n\
--===============0123==\nContent-Type: text/html; charset=\"utf-8\"\n\n<p>Naïve question about roses.</p>\n\
--===============0123==--\n\n\
------------------------------\n\nSubject: Digest Footer\n\n_______________________________________________\nX list\n\n\
------------------------------\n\nEnd of X Digest, Vol 1, Issue 2\n*********************************\n";
        let threads = parse_str(text);
        assert_eq!(threads.len(), 1, "the `Subject: Digest Footer` chunk is Mailman's footer, not a post");
        assert_eq!(threads[0].posts[0].body, "Naïve question about roses.");
    }

    #[test]
    fn mime_digest() {
        let text = "From: x-request@example.org\nSubject: X Digest, Vol 1, Issue 3\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\nContent-Type: text/plain\n\
Content-Description: X Digest, Vol 1, Issue 3\n\nToday's Topics:\n\n   1. Hello (A)\n\n\
--outer\nContent-Type: multipart/digest; boundary=\"inner\"\n\n--inner\nContent-Type: message/rfc822\n\n\
Date: Tue, 07 Jul 2020 10:00:00 +0000\nFrom: A <a@example.org>\nSubject: Hello\nMessage-ID: <h1@example.org>\n\n\
Hello there\n--inner\nContent-Type: message/rfc822\n\nFrom: B <b@example.org>\nSubject: Re: Hello\n\
In-Reply-To: <h1@example.org>\n\nHi!\n--inner--\n\n--outer\nContent-Type: text/plain\n\n\
_______________________________________________\nX mailing list\n--outer--\n\nEnd of X Digest, Vol 1, Issue 3\n";
        let threads = parse_str(text);
        assert_eq!(threads.len(), 1);
        let posts = &threads[0].posts;
        assert_eq!(posts.iter().map(|p| p.body.as_str()).collect::<Vec<_>>(), ["Hello there", "Hi!"]);
        assert_eq!(posts[1].reply_to, Some(1));
        assert_eq!(posts[0].line, 20);
    }

    #[test]
    fn errors() {
        let err = parse(b"Just text\n\nno separators\n", &ParseOptions::default()).unwrap_err();
        assert_eq!(err.line, 1);
        let err = parse(
            b"T\n\n----------------------------------------------------------------------\n\nno headers\n",
            &ParseOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let pieces: &[&str] = &[
            SEPARATOR_70,
            SEPARATOR_30,
            ESCAPED_30,
            "\n",
            "Message: 1\n",
            "From: a@example.org\n",
            "Subject: Digest Footer\n",
            "Content-Type: multipart/digest; boundary=y\n",
            "--y\n",
            "End of X Digest\n",
            "****\n",
            "___________________________\n",
            "Subject: Re: x\n",
            "text\n",
        ];
        for _ in 0..300 {
            let mut input = String::new();
            for _ in 0..30 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let _ = parse(input.as_bytes(), &ParseOptions::default());
            let _ = score(&input);
        }
    }

    #[test]
    fn scores() {
        assert_eq!(score(MAILMAN).value, 97);
        assert_eq!(score("a\n\nb\n").value, 0);
        let mbox_of_digests = format!(
            "From a@b.c Thu Jan  2 15:04:05 2020\nSubject: d\n\n{MAILMAN}\nFrom a@b.c Thu Jan  2 15:04:05 2020\nSubject: e\n\nx\n"
        );
        assert_eq!(score(&mbox_of_digests).value, 40);
        // `From ` starts a message only at the start or after a blank line.
        let one_message = format!(
            "From a@b.c Thu Jan  2 15:04:05 2020\nSubject: d\n\n{MAILMAN}text\nFrom a@b.c Thu Jan  2 15:04:05 2020\n"
        );
        assert_eq!(score(&one_message).value, 97);
        let without_trailer = MAILMAN.replace("End of Gardening Digest", "Last of Gardening");
        assert_eq!(score(&without_trailer).value, 90, "`Today's Topics` alone");
        assert_eq!(score("a\n\n------------------------------\nb\n").value, 0, "no 70-hyphen line");
    }
}
