//! HexChat (and XChat) channel logs (FORMATS.md §11).
//!
//! ```text
//! **** BEGIN LOGGING AT Sat Mar 11 19:58:02 2023         <- C's ctime: gives the year
//!                                                        <- (ctime's own newline)
//! Mar 11 19:58:02 *⇥Now talking on #homelab             <- an event: dropped
//! Mar 11 20:01:07 <ferrite>⇥anyone running zfs on those cheap cards?
//! Mar 11 20:03:15 <@quill>⇥ferrite: works, but flash it to IT mode first
//! Mar 11 20:03:40 *⇥zed nods                            <- an action: zed did `nods`
//! Mar 11 20:04:02 *⇥nbsp (~nbsp@198.51.100.20) has joined #homelab
//! Mar 11 20:07:00 -NickServ-⇥This nickname is registered. <- a notice: dropped
//! **** ENDING LOGGING AT Sun Mar 12 00:20:41 2023
//! ```
//!
//! (`⇥` is a tab.) Each line starts with `stamp_log_format` (`%b %d %H:%M:%S `, the month
//! in the locale's words), then what the text event wrote, its parts joined by a tab:
//! `<nick>` and the text for a message (the nick perhaps with its mode), `*` for an action
//! and for most events alike. Only the event's wording tells them apart: `*⇥bob
//! (~b@host) has joined #c` is a join, `*⇥bob waves` an action. The wordings known are
//! HexChat's and XChat's English ones (they changed over the years: `has kicked X from #c`,
//! then `X was kicked from #c by`); older XChat themes wrote `-->`, `<--` and `---` for
//! events instead, which are dropped too, as are notices (`-nick-`) and messages shown in
//! another window than their own (`>nick<`, `*nick*`).
//!
//! The stamp has no year: it comes from the last `**** BEGIN LOGGING AT` (or `ENDING`)
//! line, whose date C's `ctime` writes in English whatever the locale, and runs on to the
//! next year where the months start over (a log open over New Year). Times are the local
//! time of the machine, read in the `timezone` (else UTC). Lines before any such line, or
//! with a month name not known here, keep their stamp as written and are undated.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::irc::{self, Clock, Log};
use super::parsed::{Parsed, Score};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

/// A line's stamp: `Mar 11 20:01:07`, the month as a number where its name is known.
struct Stamp<'a> {
    month: Option<i8>,
    day: i8,
    clock: Clock,
    text: &'a str,
}

/// The stamp opening a line (HexChat writes none when `stamp_log` is off), and the rest.
fn stamp(line: &str) -> Option<(Stamp<'_>, &str)> {
    let (month_name, rest) = line.split_once(' ')?;
    if month_name.is_empty() || month_name.len() > 8 || month_name.contains(['<', '*', '\t']) {
        return None;
    }
    let rest = rest.trim_start_matches(' ');
    let (day, rest) = rest.split_once(' ')?;
    let day = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let (clock, len) = irc::clock_at(rest)?;
    let after = rest[len..].strip_prefix(' ')?;
    let text = &line[..line.len() - after.len() - 1];
    Some((Stamp { month: irc::month(month_name), day, clock, text }, after))
}

/// The date a `****` line gives (`**** BEGIN LOGGING AT Sat Mar 11 19:58:02 2023`; its
/// words are translated in other languages, the date never is).
fn logging_date(line: &str) -> Option<Date> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let date = words.get(words.len().checked_sub(5)?..)?.join(" ");
    irc::written(&date)?.date()
}

/// Events that start with the nick who did them (after it, perhaps `(user@host)`).
const BY_NICK: &[&str] = &[
    "is now known as ",
    "has changed the topic to: ",
    "has kicked ",
    "was kicked from ",
    "sets mode",
    "gives channel operator status to ",
    "removes channel operator status from ",
    "gives channel half-operator status to ",
    "removes channel half-operator status from ",
    "gives voice to ",
    "removes voice from ",
    "sets ban on ",
    "removes ban on ",
    "sets exempt on ",
    "removes exempt on ",
    "sets invite on ",
    "removes invite on ",
    "sets quiet on ",
    "removes quiet on ",
    "sets channel keyword to ",
    "removes channel keyword",
    "sets channel limit to ",
    "removes user limit",
    "added to notify list",
    "deleted from notify list",
];

/// Events that start with words of their own.
const FIXED: &[&str] = &[
    "Now talking on ",
    "You are now talking on ",
    "You have left channel ",
    "You have been kicked from ",
    "You are now known as ",
    "You have been invited to ",
    "You've invited ",
    "You're inviting ",
    "You have been killed by ",
    "Topic for ",
    "Users on ",
    "Cannot join ",
    "Disconnected (",
    "Connecting to ",
    "Connected. Now logging in",
    "Connection failed",
    "Looking up ",
    "Received a ",
    "Ping reply from ",
    "No ping reply for ",
    "Netsplit: ",
    "Loaded log from ",
    "Notify: ",
    "Nickname already in use",
    "Stopped previous connection attempt",
    "Unknown host",
];

/// Whether the text of a `*` line is an event rather than an action.
fn is_event(text: &str) -> bool {
    if FIXED.iter().any(|f| text.starts_with(f)) {
        return true;
    }
    if let Some(rest) = text.strip_prefix("Channel ") {
        return rest.contains(" modes: ") || rest.contains(" created on ");
    }
    let Some((_nick, rest)) = text.split_once(' ') else { return false };
    // `(user@host)` after the nick, in joins, parts and quits.
    let rest = match rest.strip_prefix('(').and_then(|r| r.split_once(") ")) {
        Some((_, after)) => after,
        None => rest,
    };
    let channel_next = |after: &str| after.starts_with(['#', '&']);
    if let Some(after) = rest.strip_prefix("has joined ").or_else(|| rest.strip_prefix("has left ")) {
        return channel_next(after);
    }
    if let Some(after) = rest.strip_prefix("has quit") {
        return after.is_empty() || after.starts_with(" (") || after.starts_with(": ");
    }
    BY_NICK.iter().any(|b| rest.starts_with(b))
}

/// What a line says after its stamp.
#[derive(Debug, PartialEq)]
enum Said<'a> {
    Message {
        nick: &'a str,
        text: &'a str,
    },
    Action {
        nick: &'a str,
        text: &'a str,
    },
    Event(&'a str),
    /// A notice, or a message shown in another window than its own.
    Other,
}

fn said(rest: &str) -> Option<Said<'_>> {
    // An editor may have trimmed the tab after `<nick>` off an empty message.
    let (prefix, text) = rest.split_once('\t').unwrap_or((rest, ""));
    if let Some(nick) = prefix.strip_prefix('<').and_then(|p| p.strip_suffix('>')) {
        return irc::is_nick(irc::strip_mode(nick)).then_some(Said::Message { nick, text });
    }
    match prefix {
        "*" if is_event(text) => Some(Said::Event(text)),
        "*" => {
            let (nick, text) = text.split_once(' ').unwrap_or((text, ""));
            irc::is_nick(irc::strip_mode(nick)).then_some(Said::Action { nick, text })
        }
        "-->" | "<--" | "---" => Some(Said::Event(text)),
        _ => {
            let wrapped =
                |open: char, close: char| prefix.len() > 2 && prefix.starts_with(open) && prefix.ends_with(close);
            (wrapped('-', '-') || wrapped('>', '<') || wrapped('*', '*')).then_some(Said::Other)
        }
    }
}

pub fn score(text: &str) -> Score {
    let (mut lines, mut logged) = (0, 0);
    for line in irc::head(text).lines().filter(|l| !l.trim().is_empty()) {
        lines += 1;
        if (line.starts_with("**** BEGIN LOGGING AT ") || line.starts_with("**** ENDING LOGGING AT "))
            && logging_date(line).is_some()
        {
            return Score { value: MAX_SCORE, reason: "a HexChat `**** BEGIN LOGGING AT` line".into() };
        }
        if let Some((_, rest)) = stamp(line)
            && said(rest).is_some()
        {
            logged += 1;
        }
    }
    if logged >= 3 && logged * 2 > lines {
        return Score { value: 70, reason: format!("{logged} lines of `Mon DD HH:MM:SS <nick>⇥text` or `*⇥`") };
    }
    Score::none("no HexChat `**** BEGIN LOGGING AT` line or `Mon DD HH:MM:SS <nick>⇥` lines")
}

/// The year the stamps are in, carried on from the last `****` line.
#[derive(Debug, Default)]
struct Calendar {
    year: Option<i16>,
    last: (i8, i8),
}

impl Calendar {
    fn set(&mut self, date: Date) {
        self.year = Some(date.year());
        self.last = (date.month(), date.day());
    }

    /// The date of a stamp's month and day: in the year of the last `****` line, or the
    /// next where the months went back by half a year or more (a log open over New Year).
    fn date(&mut self, month: i8, day: i8) -> Option<Date> {
        let year = self.year.as_mut()?;
        if self.last.0 - month >= 6 {
            *year += 1;
        }
        self.last = (month, day);
        Date::new(*year, month, day).ok()
    }
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    let zone = options.timezone.clone().unwrap_or(TimeZone::UTC);
    let mut log = Log::default();
    let mut calendar = Calendar::default();
    let mut first_logging = usize::MAX;
    let mut unknown_months = (0, 0);
    for (i, line) in text.lines().enumerate() {
        let at = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with("**** ")
            && let Some(date) = logging_date(line)
        {
            calendar.set(date);
            first_logging = first_logging.min(at);
            log.skip();
            continue;
        }
        let (stamp, rest) = match stamp(line) {
            Some((stamp, rest)) => (Some(stamp), rest),
            None => (None, line),
        };
        let Some(said) = said(rest) else {
            log.unread(at);
            continue;
        };
        let mut when = || match &stamp {
            Some(s) => {
                if s.month.is_none() && unknown_months.0 == 0 {
                    unknown_months.1 = at;
                }
                unknown_months.0 += usize::from(s.month.is_none());
                let date = s.month.and_then(|m| calendar.date(m, s.day));
                irc::when(date, s.clock, s.text, &zone)
            }
            None => crate::dates::When::default(),
        };
        match said {
            Said::Message { nick, text } => log.post(at, nick, text, false, when()),
            Said::Action { nick, text } => log.post(at, nick, text, true, when()),
            Said::Event(event) => log.event(event),
            Said::Other => log.skip(),
        }
    }
    warn(&mut log, first_logging, unknown_months);
    log.finish("HexChat", "set `format` in front matter if this is another format")
}

/// Says why posts are undated: no `****` line above them, month names not known, or no
/// stamps at all.
fn warn(log: &mut Log, first_logging: usize, (unknown, first_unknown): (usize, usize)) {
    if unknown > 0 {
        log.warnings.push(Problem {
            line: first_unknown,
            message: format!(
                "{unknown} message{} a month name that is not known: kept with the stamp as written, undated",
                if unknown == 1 { " has" } else { "s have" },
            ),
            hint: Some("set HexChat's `stamp_log_format` to `%b %d %H:%M:%S ` in an English locale".into()),
        });
    }
    let mut unstamped = log.posts.iter().filter(|p| p.date.is_none() && p.extra.date_text.is_none());
    if let Some(first) = unstamped.next() {
        let n = 1 + unstamped.count();
        log.warnings.push(Problem {
            line: first.line,
            message: format!("{n} message{} no time stamp: undated", if n == 1 { " has" } else { "s have" }),
            hint: Some("turn on “Insert timestamps in logs” (`stamp_log`) in HexChat's logging settings".into()),
        });
    }
    log.warn_undated(
        first_logging,
        "no `**** BEGIN LOGGING AT` line above gives the year",
        Some("keep the log from its `**** BEGIN LOGGING AT` line"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Post;

    fn row(p: &Post) -> (u32, String, String, bool, String) {
        let date =
            p.date.map_or_else(|| format!("`{}`", p.extra.date_text.as_deref().unwrap_or("")), |d| d.to_string());
        (p.number, p.author.clone().unwrap_or_default(), p.body.clone(), p.extra.action, date)
    }

    fn r(n: u32, author: &str, body: &str, action: bool, date: &str) -> (u32, String, String, bool, String) {
        (n, author.into(), body.into(), action, date.into())
    }

    const FIXTURE: &str = include_str!("../../tests/fixtures/formats/irc-hexchat.log");

    #[test]
    fn fixture() {
        let parsed = parse(FIXTURE, &ParseOptions::default()).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let thread = parsed.only();
        assert_eq!(thread.title.as_deref(), Some("#homelab"));
        let got: Vec<_> = thread.posts.iter().map(row).collect();
        assert_eq!(
            got,
            [
                r(1, "ferrite", "anyone running zfs on those cheap 4-port sata cards?", false, "2023-03-11T20:01:07Z"),
                r(2, "quill", "ferrite: works, but flash it to IT mode first", false, "2023-03-11T20:03:15Z"),
                r(3, "zed", "nods", true, "2023-03-11T20:03:40Z"),
                r(4, "nbsp", "the marvell ones drop disks under load, avoid", false, "2023-03-11T20:04:30Z"),
                r(5, "ferrite", "thanks, ordering an LSI one then", false, "2023-03-11T20:09:45Z"),
                r(6, "quill", "report back how the first scrub goes", false, "2023-03-12T00:12:30Z"),
            ]
        );
        assert_eq!(thread.posts.iter().map(|p| p.line).collect::<Vec<_>>(), [6, 7, 8, 10, 14, 16]);
    }

    #[test]
    fn actions_and_events_by_their_words() {
        let cases: &[(&str, bool)] = &[
            ("bob (~b@host) has joined #c", true),
            ("bob has joined #c", true),
            ("bob has joined the band", false),
            ("bob (~b@host) has left #c", true),
            ("bob (~b@host) has left #c: bye", true),
            ("bob has quit (Ping timeout)", true),
            ("bob (~b@host) has quit: Quit: bye", true),
            ("bob has quit smoking", false),
            ("alice has kicked bob from #c (spam)", true),
            ("bob was kicked from #c by alice: spam", true),
            ("bob is now known as bobby", true),
            ("alice has changed the topic to: new", true),
            ("alice sets mode +m #c", true),
            ("alice sets mode: +m", true),
            ("alice gives voice to bob", true),
            ("alice gives channel operator status to bob carol", true),
            ("alice removes channel half-operator status from bob", true),
            ("alice sets ban on *!*@spam.example", true),
            ("Topic for #c is: hello", true),
            ("Topic for #c set by alice at Mon Jan  9 10:12:44 2023", true),
            ("Channel #c modes: +nt", true),
            ("Channel #c created on Mon Jan  9 10:12:44 2023", true),
            ("Channel surfing is my hobby", false),
            ("Now talking on #c", true),
            ("You have been kicked from #c by alice: spam", true),
            ("Users on #c: @alice bob", true),
            ("Disconnected (Remote host closed socket).", true),
            ("Netsplit: a.net <-> b.net, quits: bob", true),
            ("bob waves", false),
            ("bob gives up", false),
            ("bob", false),
        ];
        for (text, event) in cases {
            assert_eq!(is_event(text), *event, "{text:?}");
        }
    }

    #[test]
    fn lines() {
        let text = "**** BEGIN LOGGING AT Sun Dec 31 23:58:00 2023\n\n\
Dec 31 23:59:00 <~owner>\tlast of the year\ttabbed  \n\
Dec 31 23:59:30 >bob<\tsent to bob from here\n\
Dec 31 23:59:40 *alice*\ta private message shown here\n\
Dec 31 23:59:50 -alice/#c-\ta channel notice\n\
Jan 01 00:00:10 *\talice cheers\n\
Jan 01 00:00:20 -->\tcarol (~c@h) has joined #newyear\n\
Jan 01 00:00:30 <alice>\n\
<alice>\tno stamp: stamp_log is off\n\
**** ENDING LOGGING AT Mon Jan  1 00:01:00 2024\n\n";
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        let warnings: Vec<(usize, &str)> = parsed.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(warnings, [(10, "1 message has no time stamp: undated")]);
        let thread = parsed.only();
        assert_eq!(thread.title.as_deref(), Some("#newyear"));
        let got: Vec<_> = thread.posts.iter().map(row).collect();
        assert_eq!(
            got,
            [
                r(1, "owner", "last of the year\ttabbed", false, "2023-12-31T23:59:00Z"),
                r(2, "alice", "cheers", true, "2024-01-01T00:00:10Z"),
                r(3, "alice", "", false, "2024-01-01T00:00:30Z"),
                r(4, "alice", "no stamp: stamp_log is off", false, "``"),
            ]
        );
    }

    #[test]
    fn undated_stamps() {
        let text = "Mar 11 20:01:07 <a>\tbefore any BEGIN line\n\
**** BEGIN LOGGING AT Sat Mar 11 20:02:00 2023\n\
Mär 11 20:02:01 <a>\tGerman, known\n\
Bla 11 20:02:02 <a>\tnot known\n\
Bla 11 20:02:03 <a>\tnot known either\n";
        let opts = ParseOptions { timezone: Some(TimeZone::get("Europe/Berlin").unwrap()), ..ParseOptions::default() };
        let parsed = parse(text, &opts).unwrap();
        let warnings: Vec<(usize, &str)> = parsed.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0].0, 4);
        assert!(warnings[0].1.starts_with("2 messages have a month name that is not known"));
        assert_eq!(warnings[1].0, 1);
        assert!(warnings[1].1.starts_with("1 message has no day: no `**** BEGIN"), "{}", warnings[1].1);
        let dates: Vec<String> = parsed.only().posts.iter().map(row).map(|p| p.4).collect();
        assert_eq!(dates, ["`Mar 11 20:01:07`", "2023-03-11T19:02:01Z", "`Bla 11 20:02:02`", "`Bla 11 20:02:03`"]);
    }

    #[test]
    fn not_hexchat() {
        let parsed = parse("**** BEGIN LOGGING AT Sat Mar 11 20:02:00 2023\nstray words\n", &ParseOptions::default());
        let parsed = parsed.unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, 2);
        assert!(parse("hello\n", &ParseOptions::default()).is_err());
        assert!(parse("", &ParseOptions::default()).is_err());
    }

    #[test]
    fn scores() {
        assert_eq!(score(FIXTURE).value, MAX_SCORE);
        let no_begin = "Mar 11 20:01:07 <a>\tx\nMar 11 20:01:08 *\ta waves\nMar 11 20:01:09 <b>\ty\n";
        assert_eq!(score(no_begin).value, 70);
        let others = [
            include_str!("../../tests/fixtures/formats/irc-irssi.log"),
            include_str!("../../tests/fixtures/formats/irc-weechat.log"),
            include_str!("../../tests/fixtures/formats/irc-znc.log"),
            include_str!("../../threads/home-lab/zfs-pool-degraded-after-reboot.txt"),
            include_str!("../../threads/3d-printing/first-layer-too-thin-on-one-side.txt"),
            "3/9/23, 6:45 PM - Dana Whitfield: Water butt is leaking\n",
        ];
        for text in others {
            assert_eq!(score(text).value, 0, "{text}");
        }
    }

    #[test]
    fn never_panics_on_mangled_lines() {
        let pieces = [
            "**** BEGIN LOGGING AT ",
            "Sat Mar 11 19:58:02 2023",
            "Mar 11 ",
            "Dec 31 ",
            "20:01:07 ",
            "\t",
            "*",
            "<",
            ">",
            "@",
            " has joined ",
            "#c",
            "é",
            "\n",
            "99:99:99",
        ];
        let mut seed = 0x0123_4567_89ab_cdefu64;
        for _ in 0..400 {
            let mut input = String::new();
            for _ in 0..30 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let _ = parse(&input, &ParseOptions::default());
            let _ = score(&input);
        }
    }
}
