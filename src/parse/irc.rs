//! What the IRC log parsers (irssi, WeeChat, ZNC, HexChat) share: reading the clocks and
//! dates the clients write, telling a nick from its channel mode, finding the channel's
//! name in the events, and gathering the posts into the one thread a log is.
//!
//! Every client writes one line per message, so a log is read a line at a time and each
//! line is turned down by a byte or two before anything costlier looks at it: a log of
//! years is hundreds of megabytes. Clients write month and weekday names in the C
//! library's locale; the English ones and those of a few common locales are known here.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use super::parsed::{Parsed, ParsedThread};
use crate::dates::When;
use crate::diagnostic::Problem;
use crate::model::Post;

/// How much of a text `score` reads: a log's first lines tell what it is.
const HEAD: usize = 16 * 1024;

/// The start of `text` that `score` reads.
pub(super) fn head(text: &str) -> &str {
    let mut end = text.len().min(HEAD);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A time of day as a log line writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Clock {
    pub hour: i8,
    pub minute: i8,
    pub second: i8,
    pub nanos: i32,
}

impl Clock {
    pub fn on(self, date: Date) -> Option<jiff::civil::DateTime> {
        Time::new(self.hour, self.minute, self.second, self.nanos).ok().map(|t| date.to_datetime(t))
    }
}

/// Two ASCII digits at `at` of `b`, as a number.
fn two_digits(b: &[u8], at: usize) -> Option<i8> {
    match (b.get(at), b.get(at + 1)) {
        (Some(x @ b'0'..=b'9'), Some(y @ b'0'..=b'9')) => Some(((x - b'0') * 10 + (y - b'0')) as i8),
        _ => None,
    }
}

/// `HH:MM` or `HH:MM:SS` (then perhaps `.ffffff`) at the start of `s`, and how many bytes
/// it takes. A digit right after it means it was not a clock.
pub(super) fn clock_at(s: &str) -> Option<(Clock, usize)> {
    let b = s.as_bytes();
    let hour = two_digits(b, 0)?;
    let minute = two_digits(b, 3).filter(|_| b.get(2) == Some(&b':'))?;
    let (mut second, mut len) = (0, 5);
    if b.get(5) == Some(&b':') {
        second = two_digits(b, 6)?;
        len = 8;
    }
    let mut nanos = 0;
    if len == 8 && b.get(8) == Some(&b'.') {
        let digits = b[9..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            for (i, d) in b[9..9 + digits.min(9)].iter().enumerate() {
                nanos += i32::from(d - b'0') * 10i32.pow(8 - i as u32);
            }
            len = 9 + digits;
        }
    }
    if b.get(len).is_some_and(u8::is_ascii_digit) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // A leap second is the last second of its minute: jiff has no 60th.
    Some((Clock { hour, minute, second: second.min(59), nanos }, len))
}

/// `YYYY-MM-DD` at the start of `s`.
pub(super) fn ymd_at(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i16::from(two_digits(b, 0)?) * 100 + i16::from(two_digits(b, 2)?);
    Date::new(year, two_digits(b, 5)?, two_digits(b, 8)?).ok()
}

/// Month abbreviations as `%b` writes them: C's (English) first, then glibc's for German,
/// French, Spanish, Italian, Portuguese, Dutch and the Scandinavian languages where they
/// differ. Compared without case and without a final `.`.
const MONTHS: &[(&str, i8)] = &[
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    ("mär", 3),
    ("mai", 5),
    ("okt", 10),
    ("dez", 12),
    ("janv", 1),
    ("févr", 2),
    ("mars", 3),
    ("avr", 4),
    ("avril", 4),
    ("juin", 6),
    ("juil", 7),
    ("août", 8),
    ("sept", 9),
    ("déc", 12),
    ("ene", 1),
    ("abr", 4),
    ("ago", 8),
    ("dic", 12),
    ("gen", 1),
    ("mag", 5),
    ("giu", 6),
    ("lug", 7),
    ("set", 9),
    ("ott", 10),
    ("fev", 2),
    ("out", 10),
    ("mrt", 3),
    ("mei", 5),
    ("maj", 5),
    ("des", 12),
];

/// The month a `%b` abbreviation names.
pub(super) fn month(word: &str) -> Option<i8> {
    let word = word.strip_suffix('.').unwrap_or(word);
    if word.is_empty() || word.len() > 6 {
        return None;
    }
    let word = word.to_lowercase();
    MONTHS.iter().find(|(name, _)| *name == word).map(|&(_, m)| m)
}

/// A date as C's `asctime` and irssi write it: `Sat Mar 11 19:58:02 2023` (the time may be
/// left out: `Sun Mar 12 2023`). The month is `None` where its name is not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Written {
    pub month: Option<i8>,
    pub day: i8,
    pub year: i16,
    pub clock: Option<Clock>,
}

impl Written {
    pub fn date(&self) -> Option<Date> {
        Date::new(self.year, self.month?, self.day).ok()
    }
}

/// Reads `%a %b %d [%H:%M:%S] %Y`.
pub(super) fn written(text: &str) -> Option<Written> {
    let mut words = text.split_whitespace();
    let _weekday = words.next()?;
    let month = month(words.next()?);
    let day = words.next()?.parse().ok().filter(|d| (1..=31).contains(d))?;
    let mut next = words.next()?;
    let clock = match clock_at(next) {
        Some((clock, len)) if len == next.len() => {
            next = words.next()?;
            Some(clock)
        }
        _ => None,
    };
    let year = next.parse().ok().filter(|y| (1970..=9999).contains(y))?;
    words.next().is_none().then_some(Written { month, day, year, clock })
}

/// The instant a clock on a day shows, in `zone`.
pub(super) fn instant(date: Date, clock: Clock, zone: &TimeZone) -> Option<Timestamp> {
    zone.to_timestamp(clock.on(date)?).ok()
}

/// A post's date: the instant where the day is known, else the log's words for the time.
pub(super) fn when(date: Option<Date>, clock: Clock, written: &str, zone: &TimeZone) -> When {
    match date.and_then(|d| instant(d, clock, zone)) {
        Some(date) => When { date: Some(date), text: None },
        None => When { date: None, text: Some(written.to_owned()) },
    }
}

/// A nick without the channel mode clients put before it (`@` op, `%` halfop, `+` voice,
/// `~` owner, `&` admin, irssi's space for none). No nick starts with one of them.
pub(super) fn strip_mode(nick: &str) -> &str {
    nick.trim_start_matches(['@', '%', '+', '~', '&', '!', ' '])
}

/// Whether `s` can be a nick: one word that starts as nicks do (a letter, a digit on some
/// networks, or one of ``[]\`_^{|}``), which `-->`, `--` and `(` do not.
pub(super) fn is_nick(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphanumeric() || "[]\\`_^{|}".contains(c))
        && !s.contains(|c: char| c.is_whitespace() || c == '(' || c == ')')
}

/// What comes before a channel's name in the events the clients write: joins and parts,
/// topics, modes, names lists.
const CHANNEL_BEFORE: &[&str] = &[
    "has joined ",
    "has left ",
    "Topic for ",
    "topic for ",
    "topic of ",
    "mode/",
    "Mode ",
    "[Users ",
    "Channel ",
    "kicked from ",
    "Now talking on ",
    "Users on ",
    "Irssi: ",
];

/// The channel an event names (`#homelab`), if it names one.
pub(super) fn channel_in(event: &str) -> Option<&str> {
    CHANNEL_BEFORE.iter().find_map(|marker| {
        let at = event.find(marker)? + marker.len();
        let word = event[at..].split(char::is_whitespace).next()?;
        let word = word.trim_end_matches([':', ']', ',', ')']);
        (word.len() > 1 && word.starts_with(['#', '&'])).then_some(word)
    })
}

/// The thread a log is, as its lines are read.
#[derive(Debug, Default)]
pub(super) struct Log {
    pub posts: Vec<Post>,
    pub warnings: Vec<Problem>,
    channel: Option<String>,
    /// Lines read as something the format writes, posts or not.
    known: usize,
    /// Lines that are nothing the format writes, and the first of them.
    unread: usize,
    first_unread: usize,
}

impl Log {
    /// A message (or an action) by `nick`, at `line`.
    pub fn post(&mut self, line: usize, nick: &str, body: &str, action: bool, when: When) {
        let author = strip_mode(nick);
        let mut post = Post {
            number: self.posts.len() as u32 + 1,
            author: (!author.is_empty()).then(|| author.to_owned()),
            body: body.trim_end().to_owned(),
            line,
            ..Post::default()
        };
        post.extra.action = action;
        when.apply(&mut post);
        self.posts.push(post);
        self.known += 1;
    }

    /// An event (a join, a topic, a mode change): not a post, but it may name the channel.
    pub fn event(&mut self, text: &str) {
        self.known += 1;
        if self.channel.is_none() {
            self.channel = channel_in(text).map(str::to_owned);
        }
    }

    /// A line the format writes that is neither a post nor an event that names a channel:
    /// a notice, a names list row, a header.
    pub fn skip(&mut self) {
        self.known += 1;
    }

    /// A line that is nothing the format writes.
    pub fn unread(&mut self, line: usize) {
        if self.unread == 0 {
            self.first_unread = line;
        }
        self.unread += 1;
    }

    /// Says once how many posts before line `until` have no day, and `why`, where any have
    /// none and their time was kept.
    pub fn warn_undated(&mut self, until: usize, why: &str, hint: Option<&str>) {
        let mut undated = self
            .posts
            .iter()
            .take_while(|p| p.line < until)
            .filter(|p| p.date.is_none() && p.extra.date_text.is_some());
        let Some(first) = undated.next() else { return };
        let n = 1 + undated.count();
        let time = first.extra.date_text.as_deref().unwrap_or_default();
        let (s, has, its, and_on) = if n == 1 { ("", "has", "its", "") } else { ("s", "have", "their", " and on") };
        self.warnings.push(Problem {
            line: first.line,
            message: format!("{n} message{s} {has} no day: {why}; kept with {its} time (`{time}`{and_on}), undated"),
            hint: hint.map(str::to_owned),
        });
    }

    /// The thread, titled by its channel; an error when no line was one `format` writes.
    pub fn finish(mut self, format: &str, hint: &str) -> Result<Parsed, Problem> {
        if self.known == 0 {
            return Err(Problem {
                line: self.first_unread.max(1),
                message: format!("no {format} log lines found"),
                hint: Some(hint.to_owned()),
            });
        }
        if self.unread > 0 {
            let n = self.unread;
            self.warnings.push(Problem {
                line: self.first_unread,
                message: if n == 1 {
                    format!("1 line that is not a {format} log line was left out")
                } else {
                    format!("{n} lines that are not {format} log lines were left out")
                },
                hint: Some(format!(
                    "if they hold messages, the log was written with a timestamp or theme threadarc does not read; {hint}"
                )),
            });
        }
        let thread = ParsedThread { title: self.channel, posts: self.posts, ..ParsedThread::default() };
        Ok(Parsed { threads: vec![thread], warnings: self.warnings, notes: Vec::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        type Read = Option<(i8, i8, i8, i32, usize)>;
        let cases: &[(&str, Read)] = &[
            ("20:01 < a> x", Some((20, 1, 0, 0, 5))),
            ("20:01:07 x", Some((20, 1, 7, 0, 8))),
            ("08:00:03.120455Z", Some((8, 0, 3, 120_455_000, 15))),
            ("23:59:60", Some((23, 59, 59, 0, 8))),
            ("24:00", None),
            ("20:011", None),
            ("2:01", None),
            ("20-01", None),
            ("", None),
        ];
        for (text, want) in cases {
            let got = clock_at(text).map(|(c, len)| (c.hour, c.minute, c.second, c.nanos, len));
            assert_eq!(got, *want, "{text:?}");
        }
    }

    #[test]
    fn written_dates() {
        let w = written("Sat Mar 11 19:58:02 2023").unwrap();
        assert_eq!(w.date(), Some(jiff::civil::date(2023, 3, 11)));
        assert_eq!(w.clock.map(|c| (c.hour, c.minute, c.second)), Some((19, 58, 2)));
        assert_eq!(written("Sun Mar 12 2023").unwrap().date(), Some(jiff::civil::date(2023, 3, 12)));
        // ctime pads the day with a space; locales name months their way.
        assert_eq!(written("Wed Mar  1 09:00:00 2023").unwrap().date(), Some(jiff::civil::date(2023, 3, 1)));
        assert_eq!(written("So Mär 12 2023").unwrap().date(), Some(jiff::civil::date(2023, 3, 12)));
        assert_eq!(written("dim. févr. 12 2023").unwrap().date(), Some(jiff::civil::date(2023, 2, 12)));
        let unknown = written("Вс мар 12 2023").unwrap();
        assert_eq!((unknown.month, unknown.day, unknown.year), (None, 12, 2023));
        for bad in ["Sat Mar 11", "Sat Mar 32 2023", "Mar 11 2023", "Sat Mar 11 2023 extra", ""] {
            assert_eq!(written(bad).and_then(|w| w.date()), None, "{bad:?}");
        }
    }

    #[test]
    fn nicks_and_channels() {
        assert_eq!(strip_mode("@quill"), "quill");
        assert_eq!(strip_mode(" ferrite"), "ferrite");
        assert_eq!(strip_mode("+[afk]bob"), "[afk]bob");
        assert!(is_nick("kern") && is_nick("[afk]bob") && is_nick("émile"));
        assert!(!is_nick("-->") && !is_nick("--") && !is_nick("Notice(kern)") && !is_nick(""));
        let cases: &[(&str, Option<&str>)] = &[
            ("ferrite [~f@203.0.113.7] has joined #homelab", Some("#homelab")),
            ("Topic for #homelab: racks", Some("#homelab")),
            ("mode/#homelab [+v ferrite] by quill", Some("#homelab")),
            ("[Users #homelab]", Some("#homelab")),
            ("Channel #typography: 4 nicks", Some("#typography")),
            ("zed [~zed@192.0.2.33] has quit [Quit: reboot]", None),
            ("bob has joined the band", None),
        ];
        for (event, want) in cases {
            assert_eq!(channel_in(event), *want, "{event:?}");
        }
    }

    #[test]
    fn ymd() {
        assert_eq!(ymd_at("2023-03-11 20:15:40"), Some(jiff::civil::date(2023, 3, 11)));
        assert_eq!(ymd_at("2023-02-30"), None);
        assert_eq!(ymd_at("2023/03/11"), None);
        assert_eq!(ymd_at("2023-03-1"), None);
        assert_eq!(head("é".repeat(HEAD).as_str()).len(), HEAD);
    }
}
