//! WhatsApp's "Export chat" (FORMATS.md §10): the chat as the phone writes it out, one
//! header line a message, in the phone's locale. Android writes `WhatsApp Chat with
//! NAME.txt`; iOS writes `_chat.txt` into a zip, with the media when they were included.
//! Below, `‹LRM›` stands for U+200E and `‹LRE›…‹PDF›` for U+202A…U+202C, which the phone
//! writes and nobody sees:
//!
//! ```text
//! 3/9/23, 6:41 PM - Messages and calls are end-to-end encrypted. …  <- Android: DATE, TIME - ;
//! 3/9/23, 6:41 PM - Dana Whitfield created group "Plot 14"            a system event has no author
//! 3/9/23, 6:45 PM - Dana Whitfield: Water butt is leaking again.      <- AUTHOR: TEXT
//! Anyone got a spare washer?                                          <- no header: the same message
//! 3/9/23, 7:04 PM - Marcus Obi: <Media omitted>                       <- left out: kept as the body
//! 3/9/23, 7:05 PM - Marcus Obi: IMG-20230309-WA0003.jpg (file attached)
//! The new tap                                                         <- an attachment, then its caption
//! 3/10/23, 8:15 AM - Marcus Obi: This message was deleted             <- status "deleted", no body
//! 3/13/23, 9:40 PM - ‹LRE›+44 7700 900123‹PDF›: Hi <This message was edited>
//!
//! [14/03/2023, 18:02:11] Book club: ‹LRM›Messages and calls are end-to-end encrypted. …
//! ‹LRM›[14/03/2023, 18:02:40] Book club: ‹LRM›Priti Shah added Tom Ellery
//! [14/03/2023, 18:05:02] Priti Shah: Next pick is on the 2nd          <- iOS: [DATE, TIME] AUTHOR: TEXT
//! ‹LRM›[14/03/2023, 18:10:20] Tom Ellery: ‹LRM›<attached: 00000012-PHOTO-2023-03-14-18-10-20.jpg>
//! [15/03/2023, 07:45:30] ~ Jo: Can I join late?                       <- `~ `: not in the contacts
//! ```
//!
//! Locales vary every part of the header: the date's separator (`/`, `.`, `-`), its order
//! (day, month or a four-digit year first), a missing comma (`[31/12/2022 11:40:26] `), a
//! word before the time (fi `9.3.2023 klo 21.25`), a 12-hour clock (`6:45 PM`, `6:45 pm`,
//! `6:45 p.m.`, `6:45 p. m.`) whose space may be U+00A0 or U+202F. Whether `3/9/23` is
//! 3 September or 9 March is decided once for the file (see `day_first`), as one phone
//! wrote it all. There is no zone: dates are local to the phone, read in the `timezone`.
//!
//! A line without a header continues the message above it, blank lines and all: the
//! header is a full date and a time, so `14.03. um 18 Uhr` or `[note] …` at the start of a
//! line stays text (a chat pasted into a message cannot be told apart, and is not).
//!
//! System events are dropped: they are not posts. Android writes them without an author,
//! so a line with no `AUTHOR: ` is one, whatever its language; a line whose first `: ` is
//! inside a group's new name (`X changed the subject to "Plot: 14"`) is known by its
//! sentence. iOS gives every line an author (the group's name or the actor) and puts
//! U+200E before an event's text. It puts the same mark before its placeholders (`image
//! omitted`, `<attached: …>`), so a marked text is an event where its sentence is a known
//! one, where it starts with its author's name (the actor), or where its author writes no
//! ordinary message (the group's name); otherwise it is a message. The group's last name,
//! from its creation or a change of subject, else the author of iOS's encryption notice
//! (the group's name), is the title.
//!
//! Bidi marks are removed from authors and bodies: the phone puts them around phone
//! numbers and before its own words, and they only hide text.

use std::borrow::Cow;
use std::collections::HashSet;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::layout::{Lines, Run};
use super::parsed::{Parsed, ParsedThread, Score};
use super::whatsapp_sentences as sentences;
use crate::diagnostic::Problem;
use crate::model::{Attachment, ParseOptions, Post};
use crate::text::is_blank;

/// Which phone wrote the export: each frames the header its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phone {
    /// `DATE, TIME - `
    Android,
    /// `[DATE, TIME] `
    Ios,
}

/// A message's header line as written; its date is read once the file's date order is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header<'a> {
    phone: Phone,
    /// The date's two numbers other than the year, in the order written.
    first: u8,
    second: u8,
    year: i16,
    /// The year came first (`2023-03-09`).
    year_first: bool,
    hour: u8,
    minute: u8,
    seconds: u8,
    /// `Some(true)` after noon on a 12-hour clock, `Some(false)` before, `None` on a 24-hour one.
    pm: Option<bool>,
    /// The date and time as written, kept for a date that turns out not to exist.
    stamp: &'a str,
    /// What follows the header: `AUTHOR: TEXT`, or a system event.
    rest: &'a str,
}

impl Header<'_> {
    fn hour_of_day(&self) -> u8 {
        match self.pm {
            Some(true) if self.hour < 12 => self.hour + 12,
            Some(false) if self.hour == 12 => 0,
            _ => self.hour,
        }
    }

    /// Year, month, day, hour, minute, second, with the day where `day_first` says.
    fn civil(&self, day_first: bool) -> (i16, u8, u8, u8, u8, u8) {
        let (month, day) = if day_first { (self.second, self.first) } else { (self.first, self.second) };
        (self.year, month, day, self.hour_of_day(), self.minute, self.seconds)
    }

    fn timestamp(&self, day_first: bool, zone: &TimeZone) -> Option<jiff::Timestamp> {
        let (y, mo, d, h, mi, s) = self.civil(day_first);
        let local = DateTime::new(y, mo as i8, d as i8, h as i8, mi as i8, s as i8, 0).ok()?;
        zone.to_timestamp(local).ok()
    }
}

/// The marks that set the direction of text, which the phone puts around numbers and
/// before its own words.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn strip_bidi(text: &str) -> Cow<'_, str> {
    if text.contains(is_bidi) { Cow::Owned(text.chars().filter(|&c| !is_bidi(c)).collect()) } else { text.into() }
}

/// The spaces a locale puts between the time and `PM`.
const SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// Up to `max` ASCII digits at the start of `s`, moving past them: their value and count.
fn digits(s: &mut &str, max: usize) -> Option<(u16, usize)> {
    let n = s.bytes().take(max + 1).take_while(u8::is_ascii_digit).count();
    if n == 0 || n > max {
        return None;
    }
    let value = s[..n].parse().ok()?;
    *s = &s[n..];
    Some((value, n))
}

/// A date's separator, and the space some locales put after it (`2023. 03. 09.`).
fn date_separator(s: &mut &str) -> Option<()> {
    *s = s.strip_prefix(['/', '.', '-'])?;
    *s = s.strip_prefix(' ').unwrap_or(s);
    Some(())
}

/// What comes between the date and the time: a comma or not, spaces, and a short word in
/// some locales (fi `klo`, fr `à`).
fn date_time_separator(s: &mut &str) -> Option<()> {
    let rest = s.strip_prefix(',').unwrap_or(s);
    let rest = rest.strip_prefix(SPACES)?;
    let word: usize = rest.chars().take(5).take_while(|c| c.is_alphabetic()).map(char::len_utf8).sum();
    *s = match rest[word..].strip_prefix(' ') {
        Some(after) if word > 0 && word <= 8 => after,
        _ => rest,
    };
    Some(())
}

/// `AM`, `pm`, `a.m.`, `p. m.`, after one of [`SPACES`] or none: whether it is after noon.
fn meridiem(s: &str) -> Option<(bool, &str)> {
    let s = s.strip_prefix(SPACES).unwrap_or(s);
    let pm = match s.as_bytes().first()? {
        b'a' | b'A' => false,
        b'p' | b'P' => true,
        _ => return None,
    };
    let s = &s[1..];
    let s = s.strip_prefix('.').unwrap_or(s);
    let s = s.strip_prefix(SPACES).unwrap_or(s);
    let s = s.strip_prefix(['m', 'M'])?;
    Some((pm, s.strip_prefix('.').unwrap_or(s)))
}

/// The three numbers of a date: a year first (four digits) or last (two or four).
fn date(s: &mut &str) -> Option<(u8, u8, i16, bool)> {
    let (a, a_len) = digits(s, 4)?;
    date_separator(s)?;
    let (b, _) = digits(s, 2)?;
    date_separator(s)?;
    let (c, c_len) = digits(s, 4)?;
    *s = s.strip_prefix('.').unwrap_or(s);
    let (first, second, year, year_first) = match (a_len, c_len) {
        (4, 1 | 2) => (b, c, a, true),
        (1 | 2, 2) => (a, b, 2000 + c, false),
        (1 | 2, 4) => (a, b, c, false),
        _ => return None,
    };
    let plausible = |n: u16| (1..=31).contains(&n);
    (plausible(first) && plausible(second) && first.min(second) <= 12).then_some((
        first as u8,
        second as u8,
        year as i16,
        year_first,
    ))
}

/// A time: `H:MM`, `H:MM:SS`, `.` for `:` in some locales, and a 12-hour clock's `PM`.
fn time(s: &mut &str) -> Option<(u8, u8, u8, Option<bool>)> {
    let (hour, _) = digits(s, 2)?;
    *s = s.strip_prefix([':', '.'])?;
    let (minute, minute_len) = digits(s, 2)?;
    let mut seconds = 0;
    if let Some(rest) = s.strip_prefix([':', '.'])
        && rest.bytes().take_while(u8::is_ascii_digit).count() == 2
    {
        *s = rest;
        seconds = digits(s, 2)?.0;
    }
    let pm = meridiem(s).map(|(pm, rest)| {
        *s = rest;
        pm
    });
    let hours_ok = if pm.is_some() { hour <= 12 } else { hour <= 23 };
    (hours_ok && minute_len == 2 && minute <= 59 && seconds <= 59).then_some((
        hour as u8,
        minute as u8,
        seconds as u8,
        pm,
    ))
}

/// The header at the start of `line`, if it has one: a full date and a time, framed as
/// Android or iOS frames them.
fn header(line: &str) -> Option<Header<'_>> {
    let line = line.trim_start_matches(is_bidi);
    let (phone, start) = match line.strip_prefix('[') {
        Some(rest) => (Phone::Ios, rest),
        None => (Phone::Android, line),
    };
    // Most lines are text: turned down on their first byte.
    if !start.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut s = start;
    let (first, second, year, year_first) = date(&mut s)?;
    date_time_separator(&mut s)?;
    let (hour, minute, seconds, pm) = time(&mut s)?;
    let stamp = &start[..start.len() - s.len()];
    let rest = match phone {
        Phone::Ios => s.strip_prefix(']').map(|r| r.strip_prefix(' ').unwrap_or(r))?,
        Phone::Android => s.strip_prefix(" - ").or_else(|| s.strip_prefix(" – "))?,
    };
    Some(Header { phone, first, second, year, year_first, hour, minute, seconds, pm, stamp, rest })
}

/// What a header line holds, as far as it can be told from the line alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    Message {
        author: &'a str,
        text: &'a str,
    },
    /// A system event, with the author iOS gives it (the group's name or the actor).
    Event {
        author: Option<&'a str>,
        text: &'a str,
    },
}

/// Splits off the author at the first `: `; an Android line without one is a system event,
/// as is one whose `: ` is inside the group's new name.
fn split<'a>(header: &Header<'a>) -> Line<'a> {
    let rest = header.rest;
    let (author, text) = match rest.split_once(": ") {
        Some((author, text)) if header.phone == Phone::Ios => ios_author(rest).unwrap_or((author, text)),
        Some(parts) => parts,
        // `AUTHOR:` and nothing else on the line: the text starts on the next one.
        None => match rest.strip_suffix(':') {
            Some(author) if !author.trim().is_empty() => (author, ""),
            _ => return Line::Event { author: None, text: rest },
        },
    };
    if header.phone == Phone::Android && sentences::names_the_group_before(rest, author.len()) {
        return Line::Event { author: None, text: rest };
    }
    if author.trim_matches(|c: char| c.is_whitespace() || is_bidi(c)).is_empty() {
        return Line::Event { author: None, text: rest };
    }
    if sentences::is_call(&strip_bidi(text)) {
        return Line::Event { author: Some(author), text };
    }
    Line::Message { author, text }
}

/// On iOS, the author of an event whose group's name holds `: ` (`Plot 14: West:
/// ‹LRM›Priti added Tom`): where the first `: ` is not followed by the mark but a later one is,
/// by an event rather than a placeholder, that one ends the author.
fn ios_author(rest: &str) -> Option<(&str, &str)> {
    let (_, text) = rest.split_once(": ")?;
    if text.starts_with(is_bidi) {
        return None;
    }
    let at = rest.find(": \u{200e}")?;
    let (author, text) = (&rest[..at], &rest[at + 2..]);
    (!sentences::is_placeholder(&strip_bidi(text))).then_some((author, text))
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 90;

/// How much of a dump [`score`] reads: enough for a few hundred messages.
const SCORE_LINES: usize = 400;
const SCORE_BYTES: usize = 64 * 1024;

pub fn score(text: &str) -> Score {
    let mut end = text.len().min(SCORE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let (mut android, mut ios, mut lines, mut certain) = (0usize, 0usize, 0usize, false);
    for line in text[..end].lines().take(SCORE_LINES).filter(|l| !is_blank(l)) {
        lines += 1;
        let Some(h) = header(line) else { continue };
        match (h.phone, split(&h)) {
            (Phone::Android, _) => android += 1,
            (Phone::Ios, Line::Message { .. }) => ios += 1,
            (Phone::Ios, Line::Event { .. }) => {}
        }
        let rest = strip_bidi(h.rest);
        certain |= sentences::is_certain(&rest);
    }
    let (phone, headers) = if ios > android { ("iOS", ios) } else { ("Android", android) };
    // Most lines of a chat are headers; long messages lower the share, and the phone's
    // own words make up for it.
    let share = if certain { 10 } else { 4 };
    if headers < 2 || headers * share < lines {
        return Score::none("no run of WhatsApp `DATE, TIME - AUTHOR: ` or `[DATE, TIME] AUTHOR: ` lines");
    }
    let why = if certain { ", with WhatsApp's own notices" } else { "" };
    Score {
        value: if certain { MAX_SCORE } else { 75 },
        reason: format!("{headers} of the first {lines} lines are WhatsApp {phone} message headers{why}"),
    }
}

/// Decides whether the file's dates put the day before the month, and whether that was
/// only a guess: a first number above 12 means the day is first, a second above 12 the
/// month; else the order that keeps the messages in time order; else 12-hour phones (and
/// years written first) put the month first and 24-hour phones the day.
fn day_first(headers: &[(usize, Header<'_>)]) -> (bool, bool) {
    let (mut day, mut month) = (0usize, 0usize);
    for (_, h) in headers {
        if h.first > 12 {
            day += 1;
        } else if h.second > 12 {
            month += 1;
        }
    }
    if day != month {
        return (day > month, false);
    }
    let out_of_order =
        |day_first: bool| headers.windows(2).filter(|w| w[0].1.civil(day_first) > w[1].1.civil(day_first)).count();
    let (as_day, as_month) = (out_of_order(true), out_of_order(false));
    if as_day != as_month {
        return (as_day < as_month, false);
    }
    let year_first = headers.iter().filter(|(_, h)| h.year_first).count() * 2 > headers.len();
    let twelve_hour = headers.iter().any(|(_, h)| h.pm.is_some());
    let ambiguous = headers.iter().any(|(_, h)| h.first != h.second);
    (!year_first && !twelve_hour, ambiguous)
}

/// The header lines of the phone that wrote most of them, by line index.
fn headers<'a>(lines: Run<'_, 'a>) -> Vec<(usize, Header<'a>)> {
    let all: Vec<(usize, Header<'a>)> = lines.iter().enumerate().filter_map(|(i, l)| Some((i, header(l)?))).collect();
    let ios = all.iter().filter(|(_, h)| h.phone == Phone::Ios).count();
    let phone = if ios * 2 > all.len() { Phone::Ios } else { Phone::Android };
    all.into_iter().filter(|(_, h)| h.phone == phone).collect()
}

/// An author as the phone saved them: no bidi marks, and no `~` before someone who is not
/// in the phone's contacts.
fn author_name(raw: &str) -> String {
    let raw = raw.trim();
    let raw = match raw.strip_prefix('~') {
        Some(rest) if rest.starts_with(|c: char| c.is_whitespace() || is_bidi(c)) => rest,
        _ => raw,
    };
    strip_bidi(raw).trim().to_owned()
}

/// Decides, for iOS, which marked texts are system events: those whose sentence is
/// known, those that start with their author's name (the actor), and those whose author
/// writes nothing else (the group's name). The rest are messages.
fn settle_ios<'a>(lines: &mut [Line<'a>]) {
    let ordinary: HashSet<&str> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Message { author, text } if !text.starts_with(is_bidi) => Some(author.trim()),
            _ => None,
        })
        .collect();
    for line in lines.iter_mut() {
        let Line::Message { author, text } = *line else { continue };
        let words = strip_bidi(text);
        let actor = strip_bidi(author.trim());
        let after_actor = words.strip_prefix(actor.as_ref()).filter(|r| r.starts_with(' '));
        let event = if text.starts_with(is_bidi) {
            !sentences::is_placeholder(&words)
                && (sentences::is_event(&words) || after_actor.is_some() || !ordinary.contains(author.trim()))
        } else {
            sentences::is_notice(&words) || after_actor.is_some_and(sentences::is_act)
        };
        if event {
            *line = Line::Event { author: Some(author), text };
        }
    }
}

/// The thread's title: the group's last name, else who iOS's encryption notice is from.
fn title(lines: &[Line<'_>]) -> Option<String> {
    let renamed = lines.iter().rev().find_map(|l| match l {
        Line::Event { text, .. } => sentences::group_name(&strip_bidi(text)),
        Line::Message { .. } => None,
    });
    renamed.or_else(|| {
        lines.iter().find_map(|l| match l {
            Line::Event { author: Some(author), text } if sentences::is_encryption_notice(&strip_bidi(text)) => {
                Some(author_name(author)).filter(|name| !name.is_empty())
            }
            _ => None,
        })
    })
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    let lines = Lines::new(text);
    let lines = lines.trimmed();
    let headers = headers(lines);
    let Some(&(first_at, _)) = headers.first() else {
        return Err(Problem {
            line: 1,
            message: "no WhatsApp message line (`3/9/23, 6:45 PM - NAME: …` or `[14/03/2023, 18:05:02] NAME: …`) found"
                .into(),
            hint: Some("export the chat from the phone (chat menu → Export chat) and use its .txt as it is".into()),
        });
    };
    let mut parsed = Parsed::default();
    let (day_first, guessed) = day_first(&headers);
    if guessed {
        parsed.notes.extend(date_order_note(&headers, day_first));
    }
    let skipped = lines.slice(..first_at).iter().filter(|l| !is_blank(l)).count();
    if skipped > 0 {
        parsed.warnings.push(Problem {
            line: 1,
            message: format!("{skipped} line{} before the first message left out", if skipped == 1 { "" } else { "s" }),
            hint: Some("a WhatsApp export starts with a message line; remove what was added above it".into()),
        });
    }

    let mut kinds: Vec<Line<'_>> = headers.iter().map(|(_, h)| split(h)).collect();
    if headers.first().is_some_and(|(_, h)| h.phone == Phone::Ios) {
        settle_ios(&mut kinds);
    }
    let zone = options.timezone.clone().unwrap_or(TimeZone::UTC);
    let posts = posts(lines, &headers, &kinds, day_first, &zone, &mut parsed.warnings);
    let title = title(&kinds);
    parsed.threads.push(ParsedThread { title, posts, ..ParsedThread::default() });
    Ok(parsed)
}

/// The posts the messages make, each with the lines under its header; lines under system
/// events are left out, and said so.
fn posts(
    lines: Run<'_, '_>,
    headers: &[(usize, Header<'_>)],
    kinds: &[Line<'_>],
    day_first: bool,
    zone: &TimeZone,
    warnings: &mut Vec<Problem>,
) -> Vec<Post> {
    let mut posts = Vec::with_capacity(headers.len());
    let mut under_events = (0usize, None);
    for (k, ((at, h), kind)) in headers.iter().zip(kinds).enumerate() {
        let end = headers.get(k + 1).map_or(lines.len(), |(next, _)| *next);
        let more = lines.slice(at + 1..end);
        let Line::Message { author, text } = *kind else {
            let n = more.iter().filter(|l| !is_blank(l)).count();
            if n > 0 {
                under_events.0 += n;
                under_events.1.get_or_insert(at + 2);
            }
            continue;
        };
        let author = author_name(author);
        let mut post = Post {
            number: posts.len() as u32 + 1,
            author: (!author.is_empty()).then_some(author),
            date: h.timestamp(day_first, zone),
            line: at + 1,
            ..Post::default()
        };
        if post.date.is_none() {
            post.extra.date_text = Some(h.stamp.to_owned());
        }
        fill(&mut post, h.phone, text, more);
        posts.push(post);
    }
    if let (n, Some(line)) = under_events {
        warnings.push(Problem {
            line,
            message: format!("{n} line{} under system events left out", if n == 1 { "" } else { "s" }),
            hint: Some("a line without a date belongs to the message above it; check that it was not cut".into()),
        });
    }
    posts
}

/// Says which order was assumed for dates that could be read either way.
fn date_order_note(headers: &[(usize, Header<'_>)], day_first: bool) -> Option<Problem> {
    let (at, h) = headers.iter().find(|(_, h)| h.first != h.second)?;
    Some(Problem {
        line: at + 1,
        message: format!(
            "dates such as `{}` could be day or month first: read {} first, as phones with a {} clock write them",
            h.stamp,
            if day_first { "day" } else { "month" },
            if h.pm.is_some() { "12-hour" } else { "24-hour" },
        ),
        hint: Some("no day in the file is above 12, and the messages are in time order either way".into()),
    })
}

/// A message's text (the rest of its header line, then the lines under it) read into the
/// post: its attachments, whether it was edited or deleted, and its body. The lines go
/// into the body one at a time: a string a line took 24 bytes and more a line.
fn fill(post: &mut Post, phone: Phone, text: &str, more: Run<'_, '_>) {
    let nth = |i: usize| if i == 0 { text } else { more.line(i - 1) };
    // Blank lines at the end are no part of the message.
    let count = (0..=more.len()).rev().find(|&i| !is_blank(&strip_bidi(nth(i)))).map_or(0, |i| i + 1);
    let mut body = String::new();
    // The blank lines since the body's last line of text, each after a `\n`: kept when
    // text follows them.
    let mut gap = String::new();
    for i in 0..count {
        let mut line = strip_bidi(nth(i));
        if i + 1 == count
            && let Some(kept) = sentences::without_edited(&line)
        {
            line = Cow::Owned(kept.to_owned());
            post.extra.edited = true;
        }
        match phone {
            // `FILE (file attached)` on the first line; the caption follows.
            Phone::Android => {
                if i == 0
                    && let Some(name) = sentences::android_attachment(&line)
                {
                    post.extra.attachments.push(Attachment::new(name.to_owned(), Some(name.to_owned())));
                    continue;
                }
            }
            Phone::Ios => {
                while let Some((name, kept)) = sentences::ios_attachment(&line) {
                    post.extra.attachments.push(Attachment::new(name.clone(), Some(name)));
                    line = Cow::Owned(kept);
                }
            }
        }
        if is_blank(&line) {
            if !body.is_empty() {
                gap.push('\n');
                gap.push_str(&line);
            }
            continue;
        }
        if !body.is_empty() {
            body.push_str(&gap);
            body.push('\n');
        }
        gap.clear();
        body.push_str(&line);
    }
    if sentences::is_deleted(body.trim()) {
        post.extra.status = Some("deleted".into());
    } else {
        post.body = body;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dump's posts as (author, body), with the warnings and notes it gave.
    fn read(text: &str) -> (ParsedThread, Vec<Problem>, Vec<Problem>) {
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        let (warnings, notes) = (parsed.warnings.clone(), parsed.notes.clone());
        (parsed.only(), warnings, notes)
    }

    fn bodies(t: &ParsedThread) -> Vec<(Option<&str>, &str)> {
        t.posts.iter().map(|p| (p.author.as_deref(), p.body.as_str())).collect()
    }

    #[test]
    fn headers_in_every_locale() {
        // (line, phone, (first, second, year), (hour, minute, seconds, pm), rest)
        type Want = (Phone, (u8, u8, i16), (u8, u8, u8, Option<bool>), &'static str);
        let cases: &[(&str, Want)] = &[
            ("3/9/23, 6:45\u{202f}PM - Dana: x", (Phone::Android, (3, 9, 2023), (6, 45, 0, Some(true)), "Dana: x")),
            ("09.03.23, 18:45 - Dana: x", (Phone::Android, (9, 3, 2023), (18, 45, 0, None), "Dana: x")),
            ("[14/03/2023, 18:05:02] Priti: x", (Phone::Ios, (14, 3, 2023), (18, 5, 2, None), "Priti: x")),
            ("\u{200e}[14/03/2023, 18:10:20] Tom: x", (Phone::Ios, (14, 3, 2023), (18, 10, 20, None), "Tom: x")),
            ("[31/12/2022 11:40:26] a: b", (Phone::Ios, (31, 12, 2022), (11, 40, 26, None), "a: b")),
            ("9.3.2023 klo 21.25 - Aino: Moi", (Phone::Android, (9, 3, 2023), (21, 25, 0, None), "Aino: Moi")),
            ("2023-03-09 18:45 - a: b", (Phone::Android, (3, 9, 2023), (18, 45, 0, None), "a: b")),
            ("2023. 03. 09. 18:45 - a: b", (Phone::Android, (3, 9, 2023), (18, 45, 0, None), "a: b")),
            ("[2023/03/09, 6:45:01 p. m.] a: b", (Phone::Ios, (3, 9, 2023), (6, 45, 1, Some(true)), "a: b")),
            ("09/03/2023, 6:45 a.\u{a0}m. - a: b", (Phone::Android, (9, 3, 2023), (6, 45, 0, Some(false)), "a: b")),
            ("3/9/23, 6:45 pm - a: b", (Phone::Android, (3, 9, 2023), (6, 45, 0, Some(true)), "a: b")),
            ("[9/2/23, 10:12:40\u{202f}AM] a: b", (Phone::Ios, (9, 2, 2023), (10, 12, 40, Some(false)), "a: b")),
            ("12/03/2023 à 14:05 - a: b", (Phone::Android, (12, 3, 2023), (14, 5, 0, None), "a: b")),
        ];
        for (line, (phone, (first, second, year), (hour, minute, seconds, pm), rest)) in cases {
            let h = header(line).unwrap_or_else(|| panic!("{line:?}"));
            assert_eq!(
                (h.phone, h.first, h.second, h.year, h.hour, h.minute, h.seconds, h.pm, h.rest),
                (*phone, *first, *second, *year, *hour, *minute, *seconds, *pm, *rest),
                "{line:?}"
            );
        }
        for line in [
            "14.03. um 18 Uhr treffen wir uns",
            "[note] something",
            "2023 was a good year",
            "3/9/23 - a: b",
            "32/01/2023, 10:00 - a: b",
            "13/13/23, 10:00 - a: b",
            "3/9/23, 25:00 - a: b",
            "3/9/23, 13:00 PM - a: b",
            "3/9/23, 6:5 - a: b",
            "3/9/23, 6:45 a: b",
            "[3/9/23, 6:45 a: b",
            "123/9/23, 6:45 - a: b",
            "3/9/123, 6:45 - a: b",
            "",
            "[",
            "\u{200e}",
        ] {
            assert_eq!(header(line), None, "{line:?}");
        }
    }

    #[test]
    fn date_order_is_decided_once_a_file() {
        let cases: &[(&str, &str, bool)] = &[
            // A first number above 12 anywhere: day first, for every line.
            ("3/9/23, 10:00 - a: x\n13/9/23, 10:00 - a: y\n", "2023-09-03T10:00:00Z", false),
            // A second number above 12: month first.
            ("3/9/23, 10:00 - a: x\n3/13/23, 10:00 - a: y\n", "2023-03-09T10:00:00Z", false),
            // Only month first keeps 3 January before 1 February.
            ("01/03/2023, 10:00 - a: x\n02/01/2023, 10:00 - a: y\n", "2023-01-03T10:00:00Z", false),
            // Only day first keeps 2 January before 1 March.
            ("02/01/2023, 10:00 - a: x\n01/03/2023, 10:00 - a: y\n", "2023-01-02T10:00:00Z", false),
            // Nothing settles it: 12-hour phones write the month first, 24-hour ones the day.
            ("3/4/23, 10:00\u{202f}AM - a: x\n", "2023-03-04T10:00:00Z", true),
            ("03/04/2023, 10:00 - a: x\n", "2023-04-03T10:00:00Z", true),
            ("[03.04.23, 10:00:00] a: x\n", "2023-04-03T10:00:00Z", true),
            ("2023-03-04 10:00 - a: x\n", "2023-03-04T10:00:00Z", true),
            // Day and month the same: nothing to guess.
            ("03/03/2023, 10:00 - a: x\n", "2023-03-03T10:00:00Z", false),
            // 12 AM is midnight, 12 PM noon.
            ("3/13/23, 12:05\u{a0}AM - a: x\n", "2023-03-13T00:05:00Z", false),
            ("3/13/23, 12:30 p.m. - a: x\n", "2023-03-13T12:30:00Z", false),
            ("13/3/23, 9:30 p. m. - a: x\n", "2023-03-13T21:30:00Z", false),
            ("13.3.2023 klo 21.25 - a: x\n", "2023-03-13T21:25:00Z", false),
        ];
        for (text, want, noted) in cases {
            let (t, _, notes) = read(text);
            assert_eq!(t.posts[0].date.unwrap().to_string(), *want, "{text:?}");
            assert_eq!(!notes.is_empty(), *noted, "{text:?}: {notes:?}");
        }
        let opts = ParseOptions { timezone: Some(TimeZone::get("Europe/Berlin").unwrap()), ..Default::default() };
        let t = parse("09.03.23, 18:45 - Dana: Die Regentonne leckt\n", &opts).unwrap().only();
        assert_eq!(t.posts[0].date.unwrap().to_string(), "2023-03-09T17:45:00Z");
        // A day that does not exist keeps its words.
        let t = read("31/02/2023, 10:00 - a: x\n13/03/2023, 10:00 - a: y\n").0;
        assert_eq!((t.posts[0].date, t.posts[0].extra.date_text.as_deref()), (None, Some("31/02/2023, 10:00")));
    }

    #[test]
    fn android_system_events_are_not_posts() {
        let text = "\
3/9/23, 6:41 PM - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.
3/9/23, 6:41 PM - Dana created group \"Plot: 14\"
3/9/23, 6:42 PM - Dana added Marcus
3/9/23, 6:43 PM - Dana: I created group \"a list\" yesterday
3/9/23, 6:44 PM - Marcus left
3/9/23, 6:45 PM - You were added
3/9/23, 6:46 PM - Dana changed the subject from \"Plot: 14\" to \"Plot 14: west\"
3/9/23, 6:47 PM - Dana changed this group's icon
3/9/23, 6:48 PM - \u{202a}+44\u{a0}7700\u{a0}900123\u{202c} joined using this group's invite link
3/9/23, 6:49 PM - Your security code with Marcus changed. Tap to learn more.
3/9/23, 6:50 PM - Dana: Missed voice call
3/9/23, 6:51 PM - Dana hat Marcus hinzugefügt
3/9/23, 6:52 PM - Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses Chats kann sie lesen.
3/9/23, 6:53 PM - Marcus: Done: all watered
";
        let (t, warnings, _) = read(text);
        assert_eq!(
            bodies(&t),
            [(Some("Dana"), "I created group \"a list\" yesterday"), (Some("Marcus"), "Done: all watered")]
        );
        assert_eq!(t.posts.iter().map(|p| (p.number, p.line)).collect::<Vec<_>>(), [(1, 4), (2, 14)]);
        assert_eq!(t.title.as_deref(), Some("Plot 14: west"));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn ios_system_events_are_told_from_placeholders() {
        let text = "\
[14/03/2023, 18:02:11] Book club: \u{200e}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.
\u{200e}[14/03/2023, 18:02:40] Book club: \u{200e}Priti Shah added Tom Ellery
\u{200e}[14/03/2023, 18:02:41] Book club: \u{200e}Priti Shah a ajouté Jo
[14/03/2023, 18:05:02] Priti Shah: Next pick is on the 2nd
\u{200e}[14/03/2023, 18:06:00] Priti Shah: \u{200e}POLL:
\u{200e}OPTION: Tuesday (2 votes)
\u{200e}[14/03/2023, 18:10:20] Tom Ellery: \u{200e}image omitted
\u{200e}[14/03/2023, 18:10:21] Tom Ellery: \u{200e}Bild weggelassen
\u{200e}[14/03/2023, 18:10:22] Tom Ellery: Rota.pdf \u{2022} \u{200e}1 page \u{200e}document omitted
\u{200e}[15/03/2023, 07:44:58] ~\u{a0}Jo: \u{200e}~\u{a0}Jo joined using this group's invite link
[15/03/2023, 07:45:30] ~\u{a0}Jo: Can I join late?
\u{200e}[15/03/2023, 07:45:31] Tom Ellery: \u{200e}Missed voice call
[15/03/2023, 07:46:00] Tom Ellery: Tom Ellery added a note: see you there
";
        let (t, _, _) = read(text);
        assert_eq!(
            bodies(&t),
            [
                (Some("Priti Shah"), "Next pick is on the 2nd"),
                (Some("Priti Shah"), "POLL:\nOPTION: Tuesday (2 votes)"),
                (Some("Tom Ellery"), "image omitted"),
                (Some("Tom Ellery"), "Bild weggelassen"),
                (Some("Tom Ellery"), "Rota.pdf \u{2022} 1 page document omitted"),
                (Some("Jo"), "Can I join late?"),
                (Some("Tom Ellery"), "Tom Ellery added a note: see you there"),
            ]
        );
        // Who the encryption notice is from names the group.
        assert_eq!(t.title.as_deref(), Some("Book club"));
        // A group's name may hold `: `; a caption before a marker is still a message.
        let text = "\
[1/2/23, 9:00:00] Plot 14: West: \u{200e}Messages and calls are end-to-end encrypted.
[1/2/23, 9:00:01] Plot 14: West: \u{200e}Priti added Tom
[1/2/23, 9:01:00] Priti: the shed: \u{200e}<attached: 00000002-PHOTO.jpg>
";
        let t = read(text).0;
        assert_eq!((bodies(&t), t.title.as_deref()), (vec![(Some("Priti"), "the shed:")], Some("Plot 14: West")));
        // An event without the mark is still known when its actor is its author.
        let t = read("[1/2/23, 9:00:00] Priti: Priti created group “Reading”\n[1/2/23, 9:01:00] Priti: Hi\n").0;
        assert_eq!((bodies(&t), t.title.as_deref()), (vec![(Some("Priti"), "Hi")], Some("Reading")));
    }

    #[test]
    fn placeholders_and_markers() {
        type Attached = &'static [(&'static str, Option<&'static str>)];
        // (message, body, status, edited, attachments)
        let cases: &[(&str, &str, Option<&str>, bool, Attached)] = &[
            ("3/9/23, 7:04 PM - Dana: This message was deleted", "", Some("deleted"), false, &[]),
            ("3/9/23, 7:04 PM - Dana: You deleted this message", "", Some("deleted"), false, &[]),
            ("3/9/23, 7:04 PM - Dana: This message was deleted by admin Marcus", "", Some("deleted"), false, &[]),
            ("09.03.23, 19:04 - Dana: Diese Nachricht wurde gelöscht.", "", Some("deleted"), false, &[]),
            ("09.03.23, 19:04 - Dana: Du hast diese Nachricht gelöscht.", "", Some("deleted"), false, &[]),
            ("[09/03/2023, 19:04:00] Dana: \u{200e}This message was deleted.", "", Some("deleted"), false, &[]),
            ("3/9/23, 7:04 PM - Dana: <Media omitted>", "<Media omitted>", None, false, &[]),
            ("09.03.23, 19:04 - Dana: <Medien ausgeschlossen>", "<Medien ausgeschlossen>", None, false, &[]),
            ("3/9/23, 7:04 PM - Dana: Back on <This message was edited>", "Back on", None, true, &[]),
            ("[09/03/2023, 19:04:00] Dana: Back on \u{200e}<This message was edited>", "Back on", None, true, &[]),
            ("09.03.23, 19:04 - Dana: Wieder da <Diese Nachricht wurde bearbeitet>", "Wieder da", None, true, &[]),
            ("3/9/23, 7:04 PM - Dana: Two\nlines <This message was edited>", "Two\nlines", None, true, &[]),
            (
                "3/9/23, 7:04 PM - Dana: IMG-20230309-WA0003.jpg (file attached)\nThe new tap\n\nfitted",
                "The new tap\n\nfitted",
                None,
                false,
                &[("IMG-20230309-WA0003.jpg", Some("IMG-20230309-WA0003.jpg"))],
            ),
            (
                "09.03.23, 19:04 - Dana: \u{200e}Rechnung #3.pdf (Datei angehängt)",
                "",
                None,
                false,
                &[("Rechnung #3.pdf", Some("Rechnung #3.pdf"))],
            ),
            (
                "[09/03/2023, 19:04:00] Dana: \u{200e}<attached: 00000012-PHOTO-2023-03-09-19-04-00.jpg>",
                "",
                None,
                false,
                &[("00000012-PHOTO-2023-03-09-19-04-00.jpg", Some("00000012-PHOTO-2023-03-09-19-04-00.jpg"))],
            ),
            (
                "[09.03.23, 19:04:00] Dana: Die Tonne \u{200e}<Anhang: 00000013-PHOTO.jpg>\nvon oben",
                "Die Tonne\nvon oben",
                None,
                false,
                &[("00000013-PHOTO.jpg", Some("00000013-PHOTO.jpg"))],
            ),
            (
                "[09/03/2023, 19:04:00] Dana: \u{200e}<adjunto: 00000014-AUDIO.opus> <This message was edited>",
                "",
                None,
                true,
                &[("00000014-AUDIO.opus", Some("00000014-AUDIO.opus"))],
            ),
        ];
        for (text, body, status, edited, attachments) in cases {
            let t = read(text).0;
            let [post] = t.posts.as_slice() else { panic!("{text:?}: {:?}", t.posts) };
            let got: Vec<(&str, Option<&str>)> =
                post.extra.attachments.iter().map(|a| (a.name.as_str(), a.source.as_deref())).collect();
            assert_eq!(
                (post.body.as_str(), post.extra.status.as_deref(), post.extra.edited, got.as_slice()),
                (*body, *status, *edited, *attachments),
                "{text:?}"
            );
        }
    }

    #[test]
    fn authors_and_marks() {
        let text = "\
[15/03/2023, 07:45:30] ~ Jo: a
[15/03/2023, 07:45:31] ~\u{a0}Jo: b
[15/03/2023, 07:45:32] ~\u{200e}Jo: c
[15/03/2023, 07:45:33] \u{202a}+44\u{a0}7700\u{a0}900123\u{202c}: d \u{200f}\u{2067}e\u{2069}
[15/03/2023, 07:45:34] ~Tilde: f
";
        let got =
            bodies(&read(text).0).into_iter().map(|(a, b)| (a.unwrap().to_owned(), b.to_owned())).collect::<Vec<_>>();
        let want = [("Jo", "a"), ("Jo", "b"), ("Jo", "c"), ("+44\u{a0}7700\u{a0}900123", "d e"), ("~Tilde", "f")];
        assert_eq!(got, want.map(|(a, b)| (a.to_owned(), b.to_owned())));
    }

    #[test]
    fn lines_without_a_header_continue_the_message() {
        let text = "\
Exported by hand
3/9/23, 6:45 PM - Dana: Meeting
14.03. um 18 Uhr

[note] bring gloves
3/9/23, 6:46 PM - Dana added Marcus
stray line
3/9/23, 6:47 PM - Marcus:
list follows

";
        let (t, warnings, _) = read(text);
        assert_eq!(
            bodies(&t),
            [(Some("Dana"), "Meeting\n14.03. um 18 Uhr\n\n[note] bring gloves"), (Some("Marcus"), "list follows")]
        );
        let got: Vec<(usize, &str)> = warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(got, [(1, "1 line before the first message left out"), (7, "1 line under system events left out")]);
        assert!(parse("Just a note\n\nabout 3/9/23\n", &ParseOptions::default()).is_err());
    }

    /// A post as one line: number, line, author, date, status and edited, then the body.
    fn row(p: &Post) -> String {
        let date = p.date.map(|d| d.to_string()).unwrap_or_default();
        let author = p.author.as_deref().unwrap_or_default();
        let marks =
            format!("{}{}", p.extra.status.as_deref().unwrap_or_default(), if p.extra.edited { "edited" } else { "" });
        format!("{} {} {author} {date} {marks}| {}", p.number, p.line, p.body.replace('\n', "⏎"))
    }

    #[test]
    fn the_android_example() {
        let (t, warnings, notes) = read(include_str!("../../tests/fixtures/formats/whatsapp-android.txt"));
        assert!(warnings.is_empty() && notes.is_empty(), "{warnings:?} {notes:?}");
        assert_eq!(t.title.as_deref(), Some("Allotment plot 14"));
        assert_eq!(
            t.posts.iter().map(row).collect::<Vec<_>>(),
            [
                "1 4 Dana Whitfield 2023-03-09T18:45:00Z | Water butt is leaking again. Anyone got a spare tap washer?",
                "2 5 Marcus Obi 2023-03-09T19:03:00Z | I've got a box of them in the shed.⏎Which size, 3/4\"?",
                "3 7 Dana Whitfield 2023-03-09T19:04:00Z | <Media omitted>",
                "4 8 Dana Whitfield 2023-03-09T19:05:00Z | That one ☝\u{fe0f}",
                "5 9 Marcus Obi 2023-03-10T08:15:00Z deleted| ",
                "6 10 Marcus Obi 2023-03-10T08:16:00Z | Left two on the bench by the compost bins.",
                "7 12 +44 7700 900123 2023-03-13T21:31:00Z | Hi all, I've just taken plot 15 😊",
                "8 13 Dana Whitfield 2023-03-13T21:40:00Z edited| Welcome! Water's back on, thanks Marcus",
            ]
        );
        assert!(t.posts.iter().all(|p| p.likes == 0 && p.reply_to.is_none() && p.extra.attachments.is_empty()));
    }

    #[test]
    fn the_ios_example() {
        let (t, warnings, notes) = read(include_str!("../../tests/fixtures/formats/whatsapp-ios.txt"));
        assert!(warnings.is_empty() && notes.is_empty(), "{warnings:?} {notes:?}");
        assert_eq!(t.title.as_deref(), Some("Book club"));
        assert_eq!(
            t.posts.iter().map(row).collect::<Vec<_>>(),
            [
                "1 4 Priti Shah 2023-03-14T18:05:02Z | Next pick is The Remains of the Day, meeting on the 2nd",
                "2 5 Tom Ellery 2023-03-14T18:09:57Z | Have it on the shelf already⏎Haven't read it since school though",
                "3 7 Tom Ellery 2023-03-14T18:10:20Z | image omitted",
                "4 8 Priti Shah 2023-03-14T18:11:03Z | Ha, same edition as mine",
                "5 10 Jo 2023-03-15T07:45:30Z | Can I join late? Only just got the invite",
                "6 11 Priti Shah 2023-03-15T07:46:12Z deleted| ",
                "7 12 Priti Shah 2023-03-15T07:47:00Z | Of course, welcome Jo!",
            ]
        );
    }

    #[test]
    fn the_ios_media_example() {
        // The `_chat.txt` of the example zip, line ends and all.
        let (t, warnings, notes) = read(include_str!("../../tests/fixtures/formats/whatsapp-ios-media-example.txt"));
        // Every message is of 02/09/2023: read day first, as a 24-hour phone writes it, and said so.
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(notes.iter().map(|n| n.line).collect::<Vec<_>>(), [1]);
        assert_eq!(t.title.as_deref(), Some("Cycle repair café"));
        let attached = |p: &Post| p.extra.attachments.iter().map(|a| a.source.clone().unwrap()).collect::<Vec<_>>();
        let got: Vec<(String, Vec<String>)> = t.posts.iter().map(|p| (row(p), attached(p))).collect();
        let want = [
            ("1 2 Ines Varga 2023-09-02T10:12:11Z | The donated frames arrived this morning", None),
            ("2 3 Ines Varga 2023-09-02T10:12:40Z | ", Some("00000002-PHOTO-2023-09-02-10-12-40.jpg")),
            ("3 4 Kwame Asante 2023-09-02T10:59:30Z | Posting it again for the noticeboard", None),
            ("4 5 Kwame Asante 2023-09-02T11:00:03Z | ", Some("00000004-PHOTO-2023-09-02-11-00-03.jpg")),
            ("5 6 Ines Varga 2023-09-02T11:02:10Z | ", Some("00000005-STICKER-2023-09-02-11-02-10.webp")),
            ("6 7 Kwame Asante 2023-09-02T11:05:48Z | ", Some("00000006-Rota.pdf")),
            ("7 8 Kwame Asante 2023-09-02T11:06:02Z | That is the rota for October", None),
            ("8 9 Ines Varga 2023-09-02T11:09:15Z | ", Some("00000007-PHOTO-2023-09-02-11-09-15.jpg")),
            ("9 10 Ines Varga 2023-09-02T11:09:40Z | That one failed to export, it was the wheel truing stand", None),
        ]
        .map(|(row, file)| (row.to_owned(), file.into_iter().map(str::to_owned).collect::<Vec<_>>()));
        assert_eq!(got, want);
    }

    #[test]
    fn the_ios_media_fixture() {
        let (t, warnings, notes) = read(include_str!("../../tests/fixtures/formats/whatsapp-ios-media/_chat.txt"));
        assert!(warnings.is_empty() && notes.is_empty(), "{warnings:?} {notes:?}");
        assert_eq!((t.title.as_deref(), t.posts.len()), (Some("Harbour Road Choir"), 22));
        let attached: Vec<(u32, &str)> =
            t.posts.iter().flat_map(|p| p.extra.attachments.iter().map(move |a| (p.number, a.name.as_str()))).collect();
        assert_eq!(
            attached,
            [
                (5, "00000008-PHOTO-2023-09-12-19-07-30.jpg"),
                (8, "00000011-STICKER-2023-09-13-08-15-27.webp"),
                (12, "00000014-Autumn set list.pdf"),
                (18, "00000019-PHOTO-2023-09-15-09-30-45.jpg"),
                (20, "00000021-PHOTO-2023-09-15-09-34-52.jpg"),
            ]
        );
        assert_eq!(t.posts[9].extra.status.as_deref(), Some("deleted"));
        assert!(t.posts[13].extra.edited);
        assert_eq!(t.posts[14].author.as_deref(), Some("Ada Fenwick"));
    }

    #[test]
    fn scores() {
        let android = include_str!("../../tests/fixtures/formats/whatsapp-android.txt");
        let ios = include_str!("../../tests/fixtures/formats/whatsapp-ios.txt");
        assert_eq!(score(android).value, MAX_SCORE);
        assert_eq!(score(ios).value, MAX_SCORE);
        assert_eq!(score("09.03.23, 18:45 - Dana: Hallo\n09.03.23, 18:46 - Tom: Hi\n").value, 75);
        assert_eq!(score("[1/2/2020 3:04 PM] alice#1234\nHi\n\n[1/2/2020 3:05 PM] bob\nHello\n").value, 0);
        assert_eq!(score("One line: 3/9/23, 6:45 PM - Dana: x\n").value, 0);
        // Two pasted lines in a long text do not make it a chat.
        let pasted = format!("{}3/9/23, 6:45 PM - Dana: x\n3/9/23, 6:46 PM - Tom: y\n", "Some prose.\n".repeat(20));
        assert_eq!(score(&pasted).value, 0);
        // Other formats' dumps.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut others = 0;
        for folder in ["threads", "src/init", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(folder)).into_iter().map(Result::unwrap) {
                let path = entry.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if !entry.file_type().is_file() || path.contains("whatsapp") || path.starts_with("threads/allotment") {
                    continue;
                }
                let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
                assert_eq!(score(&text).value, 0, "{path}");
                others += 1;
            }
        }
        assert!(others >= 15, "{others}");
    }

    #[test]
    fn detection_picks_whatsapp() {
        for text in [
            include_str!("../../tests/fixtures/formats/whatsapp-android.txt"),
            include_str!("../../tests/fixtures/formats/whatsapp-ios.txt"),
            include_str!("../../tests/fixtures/formats/whatsapp-ios-media/_chat.txt"),
            include_str!("../../threads/allotment/whatsapp-chat-with-plot-14.txt"),
        ] {
            assert_eq!(crate::parse::detect(text).format, crate::model::Format::WhatsApp);
        }
    }

    #[test]
    fn never_panics_on_mangled_exports() {
        let alphabet: &[&str] = &[
            "3/9/23, 6:45\u{202f}PM - ",
            "[14/03/2023, 18:05:02] ",
            "\u{200e}",
            "\u{202a}+44\u{202c}",
            "Dana: ",
            "~",
            " created group \"",
            " changed the subject from \"",
            "\" to \"",
            "<attached: ",
            ">",
            " (file attached)",
            "<This message was edited>",
            "This message was deleted",
            "\n",
            "12",
            "/",
            ".",
            ":",
            " a. m.",
            "é",
            "🎉",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..400 {
            let mut input = String::new();
            for _ in 0..40 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let _ = parse(&input, &ParseOptions::default());
            assert!(score(&input).value <= MAX_SCORE);
        }
    }
}
