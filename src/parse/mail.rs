//! One mail message to a post, and a file's messages to threads: what the mbox and digest
//! readers share (FORMATS.md §4 and §5).
//!
//! MIME is read by the `mailparse` crate: header fields with RFC 2047 encoded words,
//! quoted-printable and base64 bodies, multipart trees. Text is decoded here, because mail
//! often lies about its charset: a body whose bytes are valid UTF-8 with non-ASCII in them
//! is read as UTF-8 whatever its label says (legacy text is almost never valid UTF-8 by
//! accident, while archives re-saved as UTF-8 keep their old labels); otherwise the
//! declared charset is used, and text with no usable label falls back to windows-1252, the
//! superset of Latin-1 that mail clients assume.
//!
//! The body of a post is the message's text: the `text/plain` part of a
//! `multipart/alternative` (its HTML part, crudely turned into text, only when there is no
//! plain one), the inline text parts of other multiparts one after the other, no
//! attachments. `format=flowed` text is unwrapped into its paragraphs. Notes that Mailman's
//! scrubber left in the text for parts it stored apart become attachments (`mailman.rs`).
//!
//! A file's messages are threaded here, but a thread may span files (a list archived month
//! by month): each post keeps its Message-ID and the ids it follows up (`extra.id`,
//! `extra.links`) and each thread is [`Pool::Mail`], so that a later step can thread the
//! mail of all files of a topic together. A Message-ID that comes twice in one file is
//! one message.

use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use mailparse::body::Body;
use mailparse::{MailAddr, MailHeaderMap, ParsedMail};
use regex::Regex;

use super::parsed::ParsedThread;
use super::threading::{self, Envelope};
use crate::diagnostic::Problem;
use crate::model::{Attachment, Pool, Post, PostExtra};

mod date;
mod mailman;

pub use date::{parse_asctime, parse_date};

/// A message as the readers need it, before threading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mail {
    /// The line of the dump where the message starts (1-based).
    pub line: usize,
    pub id: Option<String>,
    /// Message-IDs of the messages this one follows, oldest first, its parent last.
    pub references: Vec<String>,
    pub subject: Option<String>,
    pub author: Option<String>,
    pub email: Option<String>,
    pub date: Option<Timestamp>,
    /// The Date header, kept when it could not be read as a date.
    pub date_text: Option<String>,
    pub body: String,
    /// Attachments the list's archiver stored apart and named in the text (`mailman.rs`).
    pub attachments: Vec<Attachment>,
    /// The sender asked for the message not to be archived (`X-No-Archive: yes`,
    /// `Archive: no`).
    pub no_archive: bool,
}

/// A header field's first line: a name of printable ASCII but `:`, then `:` (RFC 5322
/// allows white space before the colon in old mail).
static FIELD: LazyLock<regex::bytes::Regex> = LazyLock::new(|| regex::bytes::Regex::new(r"^[!-9;-~]+[ \t]*:").unwrap());

/// What an mbox `From ` line says: who sent the message and when it was delivered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Postmark {
    pub sender: String,
    pub date: Option<Timestamp>,
}

/// Reads one RFC 5322 message. Never fails: what cannot be read is left out, and a message
/// whose header cannot be parsed at all becomes a post of its whole text.
pub fn read(bytes: &[u8], line: usize, postmark: Option<&Postmark>, zone: &TimeZone) -> Mail {
    // Text that does not open with a header field is all body (mail whose header was
    // lost): the parser would otherwise take its first lines for a broken header.
    let headerless;
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let bytes = if first.trim_ascii().is_empty() || FIELD.is_match(first) {
        bytes
    } else {
        headerless = [b"\n", bytes].concat();
        &headerless[..]
    };
    let repaired;
    let parsed = match mailparse::parse_mail(bytes) {
        Ok(parsed) => parsed,
        Err(_) => {
            repaired = repair_header(bytes);
            match mailparse::parse_mail(&repaired) {
                Ok(parsed) => parsed,
                Err(_) => {
                    return Mail {
                        line,
                        body: clean(&decode_text(bytes, None)).trim_end().to_owned(),
                        date: postmark.and_then(|p| p.date),
                        ..Mail::default()
                    };
                }
            }
        }
    };
    let headers = &parsed.headers;
    let value = |name: &str| headers.get_first_value(name).map(|v| clean(&v)).filter(|v| !v.trim().is_empty());

    let id = value("Message-ID").and_then(|v| message_ids(&v).into_iter().next());
    let mut references = value("References").map(|v| message_ids(&v)).unwrap_or_default();
    // In-Reply-To names the parent; References may skip it or end elsewhere (a client
    // that trimmed or reordered them), so the parent goes last whatever they say.
    if let Some(parent) = value("In-Reply-To").and_then(|v| message_ids(&v).pop())
        && references.last() != Some(&parent)
    {
        references.push(parent);
    }
    if let Some(id) = &id {
        references.retain(|r| r != id);
    }

    // MHonArc's CHECKNOARCHIVE: the sender's wish is kept.
    let no_archive = value("X-No-Archive").is_some_and(|v| v.trim().eq_ignore_ascii_case("yes"))
        || value("Archive").is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("no"));
    let (author, email) = author(&parsed, postmark);
    let date_header = value("Date");
    let date = date_header.as_deref().and_then(|d| parse_date(d, zone)).or_else(|| postmark.and_then(|p| p.date));
    let date_text = date_header.filter(|_| date.is_none());

    let body = body_text(&parsed, 0).unwrap_or_default();
    let (body, attachments) = mailman::take_scrubbed(&body);
    let body = skip_blank_lines(body.trim_end());

    Mail {
        line,
        id,
        references,
        subject: value("Subject").map(|s| s.trim().to_owned()),
        author,
        email,
        date,
        date_text,
        body: body.to_owned(),
        attachments,
        no_archive,
    }
}

/// Leaves out the messages whose senders asked for them not to be archived, and says how
/// many there were, at the line of the first.
pub fn leave_out_unarchived(mails: &mut Vec<Mail>) -> Option<Problem> {
    let first = mails.iter().find(|m| m.no_archive).map(|m| m.line)?;
    let before = mails.len();
    mails.retain(|m| !m.no_archive);
    let n = before - mails.len();
    Some(Problem {
        line: first,
        message: format!(
            "{n} message{} asked not to be archived (`X-No-Archive: yes` or `Archive: no`) and {} left out",
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" }
        ),
        hint: None,
    })
}

/// The text after any leading blank lines.
fn skip_blank_lines(text: &str) -> &str {
    let mut rest = text;
    while let Some((first, tail)) = rest.split_once('\n') {
        if !first.trim().is_empty() {
            break;
        }
        rest = tail;
    }
    if rest.trim().is_empty() { "" } else { rest }
}

/// A header whose lines do not all parse (a stray line with no colon, a `From ` line left
/// in) with those lines dropped, so the fields around them are still read.
fn repair_header(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut lines = bytes.split_inclusive(|&b| b == b'\n');
    let mut kept_field = false;
    for line in lines.by_ref() {
        let bare = line.strip_suffix(b"\n").unwrap_or(line);
        let bare = bare.strip_suffix(b"\r").unwrap_or(bare);
        if bare.is_empty() {
            break;
        }
        let continuation = matches!(bare.first(), Some(b' ' | b'\t'));
        if FIELD.is_match(bare) || (continuation && kept_field) {
            out.extend_from_slice(bare);
            out.push(b'\n');
            kept_field = true;
        } else {
            kept_field = false;
        }
    }
    out.push(b'\n');
    for line in lines {
        out.extend_from_slice(line);
    }
    out
}

/// Message-IDs in a header, without angle brackets: `<a@x> <b@y>` and the bare
/// `a@x` some clients write.
pub fn message_ids(value: &str) -> Vec<String> {
    static BRACKETED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<([^<>\s]+)>").unwrap());
    let ids: Vec<String> = BRACKETED.captures_iter(value).map(|c| c[1].to_owned()).collect();
    if !ids.is_empty() {
        return ids;
    }
    value.split_whitespace().filter(|w| w.contains('@') && !w.contains(['(', ')', '"'])).map(str::to_owned).collect()
}

/// The author's name and address. The name is the display name where there is one, else
/// the address. Pipermail's `alice at example.org (Alice)` and the old `addr (Name)` forms
/// are read; a list that rewrote `From` for DMARC (`Alice via List <list@...>`) gives the
/// person's name, and the address from `Reply-To` or `X-Original-From`.
fn author(mail: &ParsedMail, postmark: Option<&Postmark>) -> (Option<String>, Option<String>) {
    static PIPERMAIL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*([^\s@<>()]+) at ([^\s@<>()]+\.[^\s@<>()]+)\s*(?:\((.*)\))?\s*$").unwrap());
    static COMMENT_NAME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^\s*<?([^\s<>()"]+@[^\s<>()"]+?)>?\s*\((.*)\)\s*$"#).unwrap());
    static VIA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^'?(.+?)'? via .+$").unwrap());

    let header = mail.headers.get_first_header("X-Original-From").or_else(|| mail.headers.get_first_header("From"));
    let Some(header) = header else {
        // Only the envelope sender is left; it is an address when it has an `@`.
        let sender = postmark.map(|p| p.sender.as_str()).unwrap_or_default();
        if let Some(caps) = PIPERMAIL.captures(sender) {
            let email = format!("{}@{}", &caps[1], &caps[2]);
            return (Some(email.clone()), Some(email));
        }
        if sender.contains('@') {
            return (Some(sender.to_owned()), Some(sender.to_owned()));
        }
        return (None, None);
    };
    let raw = clean(&header.get_value());
    let (name, email) = if let Some(caps) = PIPERMAIL.captures(&raw) {
        // Without a name, pipermail repeats the address: no name then.
        let written = format!("{} at {}", &caps[1], &caps[2]);
        let name = caps.get(3).map(|m| m.as_str().trim()).filter(|n| *n != written);
        (name.map(str::to_owned), Some(format!("{}@{}", &caps[1], &caps[2])))
    } else if let Some(caps) = COMMENT_NAME.captures(&raw) {
        (Some(caps[2].to_owned()), Some(caps[1].to_owned()))
    } else {
        match mailparse::addrparse_header(header).ok().and_then(|list| list.iter().next().cloned()) {
            Some(MailAddr::Single(info)) => (info.display_name, Some(info.addr)),
            Some(MailAddr::Group(group)) => match group.addrs.into_iter().next() {
                Some(info) => (info.display_name, Some(info.addr)),
                None => (Some(group.group_name), None),
            },
            None => (Some(raw.clone()), None),
        }
    };
    let email = email.map(|e| clean(e.trim())).filter(|e| !e.is_empty());
    let mut name = name.map(|n| clean(n.trim().trim_matches('"').trim())).filter(|n| !n.is_empty());
    let mut email = email;
    // Only a list rewrites `From` so; a name like "Travel via Rail" on a plain message stays.
    let from_list = ["List-Id", "List-Post", "Reply-To", "X-Original-From"]
        .iter()
        .any(|h| mail.headers.get_first_header(h).is_some())
        || name.as_deref().is_some_and(|n| n.starts_with('\''));
    if let Some(caps) = name.as_deref().filter(|_| from_list).and_then(|n| VIA.captures(n)) {
        let person = caps[1].trim().to_owned();
        let reply_to = mail
            .headers
            .get_first_header("Reply-To")
            .and_then(|h| mailparse::addrparse_header(h).ok())
            .and_then(|list| list.extract_single_info())
            .map(|info| info.addr)
            .filter(|addr| Some(addr) != email.as_ref());
        name = Some(person);
        email = reply_to;
    }
    let name = name.filter(|n| Some(n) != email.as_ref()).or_else(|| email.clone());
    (name, email)
}

/// The text of a whole message, by the rules in the module documentation.
pub(crate) fn message_text(message: &ParsedMail) -> String {
    body_text(message, 0).unwrap_or_default()
}

/// The text of a message or MIME part, or `None` when it has none (an image, say).
fn body_text(part: &ParsedMail, depth: usize) -> Option<String> {
    // mailparse bounds nesting too; this keeps a hostile message from recursing far here.
    if depth > 16 {
        return None;
    }
    let mime = part.ctype.mimetype.to_ascii_lowercase();
    if mime.starts_with("multipart/") && !part.subparts.is_empty() {
        let parts = &part.subparts;
        if mime == "multipart/alternative" {
            let plain = parts.iter().find(|p| p.ctype.mimetype.eq_ignore_ascii_case("text/plain"));
            return plain
                .and_then(|p| body_text(p, depth + 1))
                .or_else(|| parts.iter().rev().find_map(|p| body_text(p, depth + 1)));
        }
        let texts: Vec<String> = parts
            .iter()
            .filter(|p| !is_attachment(p))
            .filter_map(|p| body_text(p, depth + 1))
            .filter(|t| !t.trim().is_empty())
            .collect();
        if texts.is_empty() {
            // Only attachments: a text one is still better than nothing.
            return parts.iter().find_map(|p| body_text(p, depth + 1));
        }
        return Some(texts.join("\n\n"));
    }
    match mime.as_str() {
        "text/html" => Some(html_to_text(&part_text(part))),
        "message/rfc822" => {
            let bytes = raw_body(part);
            let inner = mailparse::parse_mail(&bytes).ok()?;
            let mut text = String::new();
            for name in ["From", "Date", "Subject"] {
                if let Some(v) = inner.headers.get_first_value(name) {
                    text.push_str(&format!("{name}: {}\n", clean(&v)));
                }
            }
            text.push('\n');
            text.push_str(&body_text(&inner, depth + 1).unwrap_or_default());
            Some(text)
        }
        "text/calendar" | "text/vcard" | "text/x-vcard" | "text/directory" => None,
        // A part with no usable type is read as text, as RFC 2045 says to.
        m if m.starts_with("text/") || m.starts_with("multipart/") || !m.contains('/') => Some(part_text(part)),
        _ => None,
    }
}

fn is_attachment(part: &ParsedMail) -> bool {
    part.get_content_disposition().disposition == mailparse::DispositionType::Attachment
}

/// A part's bytes with its transfer encoding undone; the raw bytes when that fails.
fn raw_body(part: &ParsedMail) -> Vec<u8> {
    match part.get_body_encoded() {
        Body::Base64(body) | Body::QuotedPrintable(body) => {
            body.get_decoded().unwrap_or_else(|_| body.get_raw().to_vec())
        }
        Body::SevenBit(body) | Body::EightBit(body) => body.get_raw().to_vec(),
        Body::Binary(body) => body.get_raw().to_vec(),
    }
}

/// A text part as clean text: decoded by the charset policy above, flowed text unwrapped.
pub(crate) fn part_text(part: &ParsedMail) -> String {
    let label = part.ctype.params.get("charset").map(String::as_str);
    let text = clean(&decode_text(&raw_body(part), label));
    match part.ctype.params.get("format") {
        Some(f) if f.eq_ignore_ascii_case("flowed") => {
            let delsp = part.ctype.params.get("delsp").is_some_and(|d| d.eq_ignore_ascii_case("yes"));
            unflow(&text, delsp)
        }
        _ => text,
    }
}

/// Decodes text by the policy in the module documentation.
pub fn decode_text(bytes: &[u8], label: Option<&str>) -> String {
    let charset = label.and_then(|l| charset::Charset::for_label(l.trim().as_bytes()));
    match (std::str::from_utf8(bytes), charset) {
        (Ok(text), _) if !text.is_ascii() => text.to_owned(),
        (_, Some(charset)) => charset.decode_without_bom_handling(bytes).0.into_owned(),
        (Ok(text), None) => text.to_owned(),
        (Err(_), None) => match charset::Charset::for_label(b"windows-1252") {
            Some(fallback) => fallback.decode_without_bom_handling(bytes).0.into_owned(),
            None => String::from_utf8_lossy(bytes).into_owned(),
        },
    }
}

/// Undoes `format=flowed` (RFC 3676): a line ending in a space continues on the next line
/// of the same quote depth; a leading space that protects a line is removed.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut open: Option<usize> = None; // the quote depth of a paragraph still flowing
    for line in text.split('\n') {
        let depth = line.chars().take_while(|&c| c == '>').count();
        let mut content = &line[depth..];
        if let Some(rest) = content.strip_prefix(' ') {
            content = rest;
        }
        let flowed = content.ends_with(' ') && content != "-- ";
        let piece = if flowed && delsp { &content[..content.len() - 1] } else { content };
        match (open, out.last_mut()) {
            (Some(d), Some(last)) if d == depth => last.push_str(piece),
            _ => {
                let prefix = if depth > 0 { format!("{} ", ">".repeat(depth)) } else { String::new() };
                out.push(format!("{prefix}{piece}"));
            }
        }
        open = flowed.then_some(depth);
    }
    // Trailing spaces only marked flow; the signature separator keeps its own.
    out.iter().map(|l| if l == "-- " { l.as_str() } else { l.trim_end() }).collect::<Vec<_>>().join("\n")
}

/// HTML mail as readable text, crudely: scripts, styles and the head dropped, white space
/// collapsed, line and block ends kept as line breaks, list items marked, tags removed and
/// character references decoded. Good enough for the rare message that has no plain part.
pub fn html_to_text(html: &str) -> String {
    static DROP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?is)<(script|style|head|title)\b.*?</(script|style|head|title)\s*>|<!--.*?-->").unwrap()
    });
    static SPACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+").unwrap());
    static BREAK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").unwrap());
    static BLOCK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)</?(p|div|h[1-6]|ul|ol|table|blockquote|pre|hr)\b[^>]*>|</tr\s*>").unwrap());
    static ITEM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<li\b[^>]*>").unwrap());
    static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").unwrap());
    static BLANKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\n{3,}").unwrap());

    let text = DROP.replace_all(html, "");
    let text = SPACE.replace_all(&text, " ");
    let text = BREAK.replace_all(&text, "\n");
    let text = BLOCK.replace_all(&text, "\n\n");
    let text = ITEM.replace_all(&text, "\n- ");
    let text = TAG.replace_all(&text, "");
    let text = decode_entities(&text);
    let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
    BLANKS.replace_all(&lines.join("\n"), "\n\n").trim().to_owned()
}

/// Decodes the character references HTML mail uses most; others stay as written.
fn decode_entities(text: &str) -> String {
    static ENTITY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);").unwrap());
    ENTITY
        .replace_all(text, |caps: &regex::Captures| {
            let name = &caps[1];
            let c = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some(' '),
                    "mdash" => Some('—'),
                    "ndash" => Some('–'),
                    "hellip" => Some('…'),
                    "rsquo" => Some('’'),
                    "lsquo" => Some('‘'),
                    "rdquo" => Some('”'),
                    "ldquo" => Some('“'),
                    "copy" => Some('©'),
                    _ => None,
                }
            };
            match c {
                Some(c) if c != '\0' => c.to_string(),
                _ => caps[0].to_owned(),
            }
        })
        .into_owned()
}

/// Text every later stage can trust: `\n` line ends, no control characters but tab.
fn clean(text: &str) -> String {
    crate::text::normalize(text.as_bytes()).0
}

/// A subject without reply and forward prefixes (`Re:`, `RE[2]:`, `AW:`, `Fwd:`, ...) and
/// leading list tags (`[rust-users]`), white space collapsed; and whether it was a reply.
/// A subject that is nothing but prefixes and tags stays as written.
pub fn normalize_subject(subject: &str) -> (String, bool) {
    static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:\[[^\]]*\]|(re|aw|sv|antw|odp|rif|res|fwd?|wg|tr|rv|enc)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：])")
            .unwrap()
    });
    static FWD_SUFFIX: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\s*\((?:fwd|fw)\)\s*$").unwrap());
    let mut rest = subject;
    let mut reply = false;
    while let Some(caps) = PREFIX.captures(rest) {
        if let Some(word) = caps.get(1) {
            reply |= !matches!(word.as_str().to_ascii_lowercase().as_str(), "fwd" | "fw" | "wg" | "tr" | "rv" | "enc");
        }
        rest = &rest[caps.get(0).unwrap().end()..];
    }
    let rest = FWD_SUFFIX.replace(rest, "");
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.is_empty() {
        return (subject.split_whitespace().collect::<Vec<_>>().join(" "), reply);
    }
    (words.join(" "), reply)
}

/// Leaves one message of each Message-ID: the first with a body (archives that overlap,
/// a message the list sent twice, a copy whose body was lost), in the place of the first.
/// Returns how many were left out.
pub fn dedupe(mails: &mut Vec<Mail>) -> usize {
    let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut kept: Vec<Mail> = Vec::with_capacity(mails.len());
    let before = mails.len();
    for mail in mails.drain(..) {
        let Some(id) = mail.id.clone() else {
            kept.push(mail);
            continue;
        };
        match first.get(&id) {
            Some(&at) => {
                if kept[at].body.trim().is_empty() && !mail.body.trim().is_empty() {
                    kept[at] = mail;
                }
            }
            None => {
                first.insert(id, kept.len());
                kept.push(mail);
            }
        }
    }
    *mails = kept;
    before - mails.len()
}

/// A file's messages as threads (see [`threading`]), each message once ([`dedupe`]).
/// Posts are numbered 1..N in date order within their thread, or in thread order when
/// some have no date; a thread's title is its root's subject, normalised. Posts keep
/// their Message-ID and references, and threads say they are mail ([`Pool::Mail`]), so
/// that the threads of several files of a topic can be joined.
pub fn into_threads(mut mails: Vec<Mail>) -> Vec<ParsedThread> {
    // A digest's messages too: no sender who asked not to be archived is.
    mails.retain(|m| !m.no_archive);
    dedupe(&mut mails);
    let envelopes: Vec<Envelope> = mails
        .iter()
        .map(|m| {
            let (subject, reply_subject) = normalize_subject(m.subject.as_deref().unwrap_or(""));
            Envelope { id: m.id.clone(), references: m.references.clone(), subject, reply_subject, date: m.date }
        })
        .collect();
    let threads = threading::thread(&envelopes);
    let mut mails: Vec<Option<Mail>> = mails.into_iter().map(Some).collect();
    threads
        .into_iter()
        .map(|members| {
            let title = members.first().map(|m| envelopes[m.message].subject.clone()).filter(|s| !s.is_empty());
            let mut order = members.clone();
            if order.iter().all(|m| envelopes[m.message].date.is_some()) {
                order.sort_by_key(|m| (envelopes[m.message].date, m.message));
            }
            let numbers: std::collections::HashMap<usize, u32> =
                order.iter().enumerate().map(|(i, m)| (m.message, i as u32 + 1)).collect();
            let number_of = |message: usize| numbers.get(&message).copied();
            let posts = order
                .iter()
                .enumerate()
                .filter_map(|(i, member)| {
                    let mail = mails[member.message].take()?;
                    Some(Post {
                        number: i as u32 + 1,
                        author: mail.author,
                        date: mail.date,
                        reply_to: member.parent.and_then(number_of),
                        body: mail.body,
                        line: mail.line,
                        extra: PostExtra {
                            subject: mail.subject,
                            email: mail.email,
                            date_text: mail.date_text,
                            reply_guessed: member.guessed,
                            attachments: mail.attachments,
                            id: mail.id,
                            links: mail.references,
                            ..PostExtra::default()
                        }
                        .into(),
                        ..Post::default()
                    })
                })
                .collect();
            ParsedThread { title, posts, pool: Some(Pool::Mail), ..ParsedThread::default() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> TimeZone {
        TimeZone::UTC
    }

    fn read_str(text: &str) -> Mail {
        read(text.as_bytes(), 1, None, &utc())
    }

    #[test]
    fn subjects() {
        for (subject, want, reply) in [
            ("Re: Reading files", "Reading files", true),
            ("RE: [rust-users] Re: Reading  files", "Reading files", true),
            ("AW: Frage", "Frage", true),
            ("Re[2]: x", "x", true),
            ("Fwd: Meeting notes (fwd)", "Meeting notes", false),
            ("[Rust] New release", "New release", false),
            ("Reading files", "Reading files", false),
            ("Regarding files", "Regarding files", false),
            ("[Rust]", "[Rust]", false),
            ("", "", false),
        ] {
            assert_eq!(normalize_subject(subject), (want.to_owned(), reply), "{subject:?}");
        }
    }

    #[test]
    fn charsets() {
        let cases: &[(&[u8], Option<&str>, &str)] = &[
            (b"caf\xe9", Some("iso-8859-1"), "café"),
            (b"caf\xe9 \x80", Some("windows-1252"), "café €"),
            (b"caf\xc3\xa9", Some("iso-8859-1"), "café"),
            (b"caf\xc3\xa9", Some("us-ascii"), "café"),
            (b"caf\xe9", None, "café"),
            (b"caf\xe9", Some("x-unknown"), "café"),
            (b"\xbf\xe0\xd8\xd2\xd5\xe2", Some("iso-8859-5"), "Привет"),
            (b"\x1b$B$3$s$K$A$O\x1b(B", Some("iso-2022-jp"), "こんにちは"),
            (b"plain", Some("utf-8"), "plain"),
        ];
        for (bytes, label, want) in cases {
            assert_eq!(decode_text(bytes, *label), *want, "{label:?}");
        }
    }

    #[test]
    fn encoded_words_and_addresses() {
        let m = read_str(
            "From: =?ISO-8859-1?Q?Andr=E9_Mart=EDn?= <andre@example.org>\n\
             Subject: =?UTF-8?B?Q2Fmw6kgbWVldHVw?= =?UTF-8?Q?_tonight?=\n\
             Date: Sat, 04 Jan 2020 10:00:00 +0100\n\
             Message-ID: <m1@example.org>\n\nHi\n",
        );
        assert_eq!(m.author.as_deref(), Some("André Martín"));
        assert_eq!(m.email.as_deref(), Some("andre@example.org"));
        assert_eq!(m.subject.as_deref(), Some("Café meetup tonight"));
        assert_eq!(m.date.unwrap().to_string(), "2020-01-04T09:00:00Z");
        assert_eq!(m.id.as_deref(), Some("m1@example.org"));
        assert_eq!(m.body, "Hi");
    }

    #[test]
    fn author_forms() {
        for (from, extra, name, email) in [
            ("Alice Smith <alice@example.org>", "", Some("Alice Smith"), Some("alice@example.org")),
            ("\"Smith, Alice\" <alice@example.org>", "", Some("Smith, Alice"), Some("alice@example.org")),
            ("alice@example.org", "", Some("alice@example.org"), Some("alice@example.org")),
            ("<alice@example.org>", "", Some("alice@example.org"), Some("alice@example.org")),
            ("alice at example.org (Alice Smith)", "", Some("Alice Smith"), Some("alice@example.org")),
            ("alice at example.org", "", Some("alice@example.org"), Some("alice@example.org")),
            ("alice at example.org (alice at example.org)", "", Some("alice@example.org"), Some("alice@example.org")),
            (
                "alice at example.org (=?iso-8859-1?q?Ren=E9e?= Smith)",
                "",
                Some("Renée Smith"),
                Some("alice@example.org"),
            ),
            ("alice@example.org (Alice Smith)", "", Some("Alice Smith"), Some("alice@example.org")),
            (
                "Alice Smith via Rustaceans <rustaceans@example.org>",
                "Reply-To: Alice Smith <alice@example.org>\n",
                Some("Alice Smith"),
                Some("alice@example.org"),
            ),
            ("'Bob' via Group <group@example.org>", "", Some("Bob"), None),
        ] {
            let m = read_str(&format!("From: {from}\n{extra}Subject: x\n\nbody\n"));
            assert_eq!((m.author.as_deref(), m.email.as_deref()), (name, email), "{from:?}");
        }
        let m =
            read(b"Subject: x\n\nbody\n", 1, Some(&Postmark { sender: "bob@example.net".into(), date: None }), &utc());
        assert_eq!(m.author.as_deref(), Some("bob@example.net"));
        let m =
            read(b"Subject: x\n\nbody\n", 1, Some(&Postmark { sender: "MAILER-DAEMON".into(), date: None }), &utc());
        assert_eq!(m.author, None);
    }

    #[test]
    fn transfer_encodings_and_multipart() {
        let qp = read_str(
            "Subject: qp\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
             Gr=FC=DFe aus K=F6ln, this line is long and soft-=\nwrapped.\n",
        );
        assert_eq!(qp.body, "Grüße aus Köln, this line is long and soft-wrapped.");
        let b64 = read_str(
            "Subject: b64\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n\
             SGVsbG8sIHfDtnJsZCEKU2Vjb25kIGxpbmUu\n",
        );
        assert_eq!(b64.body, "Hello, wörld!\nSecond line.");
        let alternative = read_str(
            "Subject: alt\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n\
             preamble\n--b1\nContent-Type: text/html\n\n<p>HTML <b>version</b></p>\n\
             --b1\nContent-Type: text/plain; charset=utf-8\n\nPlain version\n--b1--\n",
        );
        assert_eq!(alternative.body, "Plain version");
        let html_only = read_str(
            "Subject: html\nContent-Type: text/html; charset=utf-8\n\n\
             <html><head><style>p{}</style></head><body><p>One &amp; two</p><ul><li>three</li></ul>four<br>five</body></html>\n",
        );
        assert_eq!(html_only.body, "One & two\n\n- three\n\nfour\nfive");
        let mixed = read_str(
            "Subject: mixed\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nBody text\n\
             --x\nContent-Type: application/pdf; name=a.pdf\nContent-Disposition: attachment; filename=a.pdf\n\
             Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n\
             --x\nContent-Type: text/plain; charset=us-ascii\nContent-Disposition: inline\n\n\
             _______________________________________________\nList mailing list\n--x--\n",
        );
        assert_eq!(mixed.body, "Body text\n\n_______________________________________________\nList mailing list");
    }

    #[test]
    fn flowed_text_is_unwrapped() {
        let m = read_str(
            "Subject: f\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n\
             This is a long \nparagraph.\n> quoted and \n> flowed\n\n-- \nsig\n",
        );
        assert_eq!(m.body, "This is a long paragraph.\n> quoted and flowed\n\n-- \nsig");
        assert_eq!(unflow("a \nb", true), "ab");
    }

    #[test]
    fn broken_headers_are_repaired_or_read_as_body() {
        let m = read_str("Subject: ok\nthis line is no header\nFrom: a@example.org\n\nbody\n");
        assert_eq!(m.subject.as_deref(), Some("ok"));
        assert_eq!(m.body, "body");
        let m = read_str("\u{1}\u{2}");
        assert_eq!(m.subject, None);
        let m = read_str("Hello there, no header here.\n\nSecond paragraph.\n");
        assert_eq!(m.body, "Hello there, no header here.\n\nSecond paragraph.");
    }

    #[test]
    fn references_and_in_reply_to() {
        let m = read_str("References: <a@x> <b@x>\nIn-Reply-To: <c@x> (message from Bob)\n\nx\n");
        assert_eq!(m.references, ["a@x", "b@x", "c@x"]);
        let m = read_str("References: <a@x>\n <b@x>\nIn-Reply-To: <b@x>\n\nx\n");
        assert_eq!(m.references, ["a@x", "b@x"]);
        // In-Reply-To is the parent, wherever References put it; never the message itself.
        let m = read_str("Message-ID: <c@x>\nReferences: <a@x> <b@x> <c@x>\nIn-Reply-To: <a@x>\n\nx\n");
        assert_eq!(m.references, ["a@x", "b@x", "a@x"]);
        assert_eq!(message_ids("bare@id.example"), ["bare@id.example"]);
    }

    #[test]
    fn unreadable_date_is_kept_as_text() {
        let m = read_str("Date: sometime last week\n\nx\n");
        assert_eq!(m.date, None);
        assert_eq!(m.date_text.as_deref(), Some("sometime last week"));
    }
}
