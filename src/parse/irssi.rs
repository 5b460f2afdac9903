//! irssi channel logs (FORMATS.md §11).
//!
//! ```text
//! --- Log opened Sat Mar 11 19:58:02 2023          <- the day, until the next such line
//! 19:58 -!- ferrite [~ferrite@203.0.113.7] has joined #homelab    <- an event: dropped
//! 19:58 -!- Topic for #homelab: Self-hosting, racks and regret
//! 19:58 [Users #homelab]                             <- the names list: dropped
//! 19:58 [@quill  ] [+nbsp   ] [ ferrite] [ zed    ]
//! 20:01 < ferrite> anyone running zfs on those cheap 4-port sata cards?
//! 20:03 <@quill> ferrite: works, but flash it to IT mode first
//! 20:03  * zed nods                                  <- an action: zed did `nods`
//! 20:04 -quill:#homelab- brb                         <- a notice: dropped
//! --- Day changed Sun Mar 12 2023
//! 00:12 <@quill> report back how the first scrub goes
//! --- Log closed Sun Mar 12 00:20:41 2023           <- the next `Log opened` may be days later
//! ```
//!
//! irssi writes the day only when a log is opened and when the day changes, and each line
//! only its time (`log_timestamp`, `%H:%M ` by default, `%H:%M:%S ` where changed): a line's
//! date is the last day line's date at the line's time, in the `timezone` (else UTC). A
//! log cut from the middle of a file has messages before any day line; they keep their
//! time as written and are undated. A `Day changed` whose month name is in a locale not
//! known here is still the day after the one before, when its day of the month says so.
//!
//! After the time, `<MNICK>` starts a message, M being the nick's mode or a space
//! (`show_nickmode_empty`), and ` * nick` an action. Lines starting `-!-` are events (joins,
//! quits, nick and mode changes, topics, netsplits, irssi's own notes), `-nick-` notices
//! and `[...]` the names list: none is a post, and the channel named in an event or the
//! names list is the thread's title. Timestamps that carry a date
//! (`%Y-%m-%d %H:%M:%S `) or brackets (`[%H:%M] `) are read too.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::irc::{self, Clock, Log};
use super::parsed::{Parsed, Score};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 90;

/// The time (and date, where the timestamp writes one) at the start of a line.
struct Stamp<'a> {
    date: Option<Date>,
    clock: Clock,
    /// As written, without brackets: the post's `date_text` when the day is unknown.
    text: &'a str,
    bracketed: bool,
}

/// The timestamp opening a line, and the rest of the line after it and its space.
fn stamp(line: &str) -> Option<(Stamp<'_>, &str)> {
    let (bracketed, s) = match line.strip_prefix('[') {
        Some(s) => (true, s),
        None => (false, line),
    };
    let (date, time) = match irc::ymd_at(s) {
        Some(date) if s.as_bytes().get(10) == Some(&b' ') => (Some(date), &s[11..]),
        _ => (None, s),
    };
    let (clock, len) = irc::clock_at(time)?;
    let end = s.len() - time.len() + len;
    let rest = &s[end..];
    let rest = if bracketed { rest.strip_prefix(']')? } else { rest };
    let rest = rest.strip_prefix(' ').or_else(|| rest.is_empty().then_some(""))?;
    Some((Stamp { date, clock, text: &s[..end], bracketed }, rest))
}

/// What a line says after its timestamp.
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
    /// A notice or a row of the names list.
    Other,
}

fn said(rest: &str) -> Option<Said<'_>> {
    if let Some(event) = rest.strip_prefix("-!-") {
        return Some(Said::Event(event.trim_start()));
    }
    if let Some(inside) = rest.strip_prefix('<') {
        let end = inside.find('>')?;
        let nick = irc::strip_mode(&inside[..end]);
        let text = &inside[end + 1..];
        let text = text.strip_prefix(' ').unwrap_or(text);
        return (!nick.is_empty() && !nick.contains(char::is_whitespace)).then_some(Said::Message { nick, text });
    }
    if let Some(action) = rest.strip_prefix(" * ").or_else(|| rest.strip_prefix("* ")) {
        let (nick, text) = action.split_once(' ').unwrap_or((action, ""));
        return (!nick.is_empty()).then_some(Said::Action { nick, text });
    }
    if rest.starts_with("[Users ") {
        return Some(Said::Event(rest));
    }
    rest.starts_with(['-', '[', '!']).then_some(Said::Other)
}

/// What a `--- ` line says: a new day (`Log opened`, `Day changed`), or only that the log
/// was closed. `None` when it is no line irssi writes.
#[derive(Debug, PartialEq)]
enum DayLine {
    Opened(Option<irc::Written>),
    Changed(Option<irc::Written>),
    Closed,
}

fn day_line(rest: &str) -> Option<DayLine> {
    if let Some(date) = rest.strip_prefix("Log opened ") {
        Some(DayLine::Opened(irc::written(date)))
    } else if let Some(date) = rest.strip_prefix("Day changed ") {
        Some(DayLine::Changed(irc::written(date)))
    } else {
        rest.starts_with("Log closed").then_some(DayLine::Closed)
    }
}

pub fn score(text: &str) -> Score {
    let (mut lines, mut logged) = (0, 0);
    for line in irc::head(text).lines().filter(|l| !l.trim().is_empty()) {
        lines += 1;
        if let Some(rest) = line.strip_prefix("--- ")
            && let Some(DayLine::Opened(Some(_)) | DayLine::Changed(Some(_))) = day_line(rest)
        {
            return Score { value: MAX_SCORE, reason: "an irssi `--- Log opened` or `--- Day changed` line".into() };
        }
        // Bracketed times are ZNC's; irssi writes them only where changed, and then its
        // `Log opened` lines tell.
        if let Some((stamp, rest)) = stamp(line)
            && !stamp.bracketed
            && matches!(said(rest), Some(Said::Message { .. } | Said::Action { .. } | Said::Event(_)))
        {
            logged += 1;
        }
    }
    if logged >= 3 && logged * 2 > lines {
        return Score {
            value: 70,
            reason: format!("{logged} lines of `HH:MM <nick>`, `HH:MM -!-` or `HH:MM  * nick`"),
        };
    }
    Score::none("no irssi `--- Log opened` line or `HH:MM <nick>` messages")
}

/// The day a `--- ` line starts, given the day before it; `Err` when it names a day that
/// could not be read.
fn new_day(line: DayLine, before: Option<Date>) -> Result<Option<Date>, ()> {
    match line {
        DayLine::Closed => Ok(before),
        DayLine::Opened(w) => w.and_then(|w| w.date()).map(Some).ok_or(()),
        DayLine::Changed(w) => {
            let w = w.ok_or(())?;
            // A month named in an unknown locale: the day changed, so it is the next day.
            let next = before.and_then(|d| d.tomorrow().ok());
            let guessed = next.filter(|n| w.month.is_none() && n.day() == w.day && n.year() == w.year);
            w.date().or(guessed).map(Some).ok_or(())
        }
    }
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    let zone = options.timezone.clone().unwrap_or(TimeZone::UTC);
    let mut log = Log::default();
    let mut day: Option<Date> = None;
    let mut unread_days: Vec<usize> = Vec::new();
    let mut first_day = usize::MAX;
    for (i, line) in text.lines().enumerate() {
        let at = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("--- ")
            && let Some(day_line) = day_line(rest)
        {
            log.skip();
            first_day = first_day.min(at);
            day = new_day(day_line, day).unwrap_or_else(|()| {
                unread_days.push(at);
                None
            });
            continue;
        }
        let Some((stamp, said)) = stamp(line).and_then(|(s, rest)| Some((s, said(rest)?))) else {
            log.unread(at);
            continue;
        };
        let when = || irc::when(stamp.date.or(day), stamp.clock, stamp.text, &zone);
        match said {
            Said::Message { nick, text } => log.post(at, nick, text, false, when()),
            Said::Action { nick, text } => log.post(at, nick, text, true, when()),
            Said::Event(event) => log.event(event),
            Said::Other => log.skip(),
        }
    }
    if let Some(&first) = unread_days.first() {
        log.warnings.push(Problem {
            line: first,
            message: format!(
                "{} `--- Log opened` or `--- Day changed` line{} whose date could not be read: the messages after {}, up to the next day line, are undated",
                unread_days.len(),
                if unread_days.len() == 1 { "" } else { "s" },
                if unread_days.len() == 1 { "it" } else { "each" },
            ),
            hint: Some("irssi writes these dates as `Sun Mar 12 2023`; write the month's English abbreviation".into()),
        });
    }
    log.warn_undated(
        first_day,
        "the log starts without a `--- Log opened` or `--- Day changed` line",
        Some("keep the log from its `--- Log opened` line, or add one above them (`--- Log opened Sat Mar 11 19:58:02 2023`)"),
    );
    log.finish("irssi", "set `format` in front matter if this is another format")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Post;

    /// Each post as (number, author, body, action, date or date_text).
    fn posts(text: &str) -> Vec<(u32, String, String, bool, String)> {
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        parsed.only().posts.iter().map(row).collect()
    }

    fn row(p: &Post) -> (u32, String, String, bool, String) {
        let date =
            p.date.map_or_else(|| format!("`{}`", p.extra.date_text.as_deref().unwrap_or("")), |d| d.to_string());
        (p.number, p.author.clone().unwrap_or_default(), p.body.clone(), p.extra.action, date)
    }

    fn r(n: u32, author: &str, body: &str, action: bool, date: &str) -> (u32, String, String, bool, String) {
        (n, author.into(), body.into(), action, date.into())
    }

    const EXAMPLE: &str = include_str!("../../tests/fixtures/formats/irc-irssi.log");

    #[test]
    fn example_file() {
        let parsed = parse(EXAMPLE, &ParseOptions::default()).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let thread = parsed.only();
        assert_eq!(thread.title.as_deref(), Some("#homelab"));
        let got: Vec<_> = thread.posts.iter().map(row).collect();
        assert_eq!(
            got,
            [
                r(1, "ferrite", "anyone running zfs on those cheap 4-port sata cards?", false, "2023-03-11T20:01:00Z"),
                r(2, "quill", "ferrite: works, but flash it to IT mode first", false, "2023-03-11T20:03:00Z"),
                r(3, "zed", "nods", true, "2023-03-11T20:03:00Z"),
                r(4, "nbsp", "the marvell ones drop disks under load, avoid", false, "2023-03-11T20:04:00Z"),
                r(5, "ferrite", "thanks, ordering an LSI one then", false, "2023-03-11T20:09:00Z"),
                r(6, "quill", "report back how the first scrub goes", false, "2023-03-12T00:12:00Z"),
            ]
        );
        assert_eq!(thread.posts.iter().map(|p| p.line).collect::<Vec<_>>(), [9, 10, 11, 12, 14, 16]);
    }

    #[test]
    fn sample_archive_log() {
        let text = include_str!("../../threads/home-lab/irc-homelab-2023-03-11.log");
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let thread = parsed.only();
        assert_eq!((thread.title.as_deref(), thread.posts.len()), (Some("#homelab"), 43));
        let actions: Vec<(u32, &str)> =
            thread.posts.iter().filter(|p| p.extra.action).map(|p| (p.number, p.body.as_str())).collect();
        assert_eq!(
            actions,
            [(7, "goes digging through iDRAC menus"), (22, "adds two cards to the cart"), (39, "nods")]
        );
        // The second session opens the next evening, after the first was closed.
        assert_eq!(thread.posts[30].date.unwrap().to_string(), "2023-03-12T17:31:00Z");
        assert!(thread.posts.iter().all(|p| p.author.as_deref().is_some_and(|a| !a.starts_with(['@', '+', ' ']))));
    }

    #[test]
    fn lines() {
        let text = "--- Log opened Sat Mar 11 19:58:02 2023\n\
19:58:30 <~owner> seconds and an owner\n\
19:59:01 <&admin> admin\n\
19:59:02 <%half> halfop\n\
19:59:03 <plain> no nick mode shown\n\
19:59:04 <@quill>\n\
19:59:05 <@quill> text <with> brackets and\ttab  \n\
19:59:06  * zed\n\
19:59:07 * zed waves too\n\
19:59:08 -quill:#homelab- a notice\n\
19:59:09 -NickServ(NickServ@services.)- a private notice\n\
19:59:10 !irc.example.net some server line\n\
19:59:11 -!- Netsplit irc.a.net <-> irc.b.net quits: zed\n\
19:59:12 -!- quill is now known as quill_\n\
19:59:13 -!- ServerMode/#homelab [+o quill] by irc.example.net\n";
        assert_eq!(
            posts(text),
            [
                r(1, "owner", "seconds and an owner", false, "2023-03-11T19:58:30Z"),
                r(2, "admin", "admin", false, "2023-03-11T19:59:01Z"),
                r(3, "half", "halfop", false, "2023-03-11T19:59:02Z"),
                r(4, "plain", "no nick mode shown", false, "2023-03-11T19:59:03Z"),
                r(5, "quill", "", false, "2023-03-11T19:59:04Z"),
                r(6, "quill", "text <with> brackets and\ttab", false, "2023-03-11T19:59:05Z"),
                r(7, "zed", "", true, "2023-03-11T19:59:06Z"),
                r(8, "zed", "waves too", true, "2023-03-11T19:59:07Z"),
            ]
        );
    }

    #[test]
    fn sessions_and_days() {
        let text = "--- Log opened Fri Mar 10 23:58:00 2023\n\
23:59 < a> one\n\
--- Day changed Sat Mar 11 2023\n\
00:01 < a> two\n\
--- Log closed Sat Mar 11 00:02:00 2023\n\
--- Log opened Tue Mar 14 09:00:00 2023\n\
09:01 < b> three, days later\n\
--- Log closed Tue Mar 14 09:05:00 2023\n";
        let dates: Vec<String> = posts(text).into_iter().map(|p| p.4).collect();
        assert_eq!(dates, ["2023-03-10T23:59:00Z", "2023-03-11T00:01:00Z", "2023-03-14T09:01:00Z"]);
    }

    #[test]
    fn local_time_and_other_timestamps() {
        let opts = ParseOptions { timezone: Some(TimeZone::get("Europe/Berlin").unwrap()), ..ParseOptions::default() };
        let text = "--- Log opened Sat Mar 11 19:58:02 2023\n20:01 < a> x\n[20:02] < a> bracketed\n\
2023-03-12 08:00:00 < a> a dated stamp\n";
        let t = parse(text, &opts).unwrap().only();
        let dates: Vec<String> = t.posts.iter().map(|p| p.date.unwrap().to_string()).collect();
        assert_eq!(dates, ["2023-03-11T19:01:00Z", "2023-03-11T19:02:00Z", "2023-03-12T07:00:00Z"]);
    }

    #[test]
    fn a_log_without_a_day() {
        let text =
            "20:01 < ferrite> first\n20:03 <@quill> second\n--- Day changed Sun Mar 12 2023\n00:12 <@quill> third\n";
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
        assert_eq!(parsed.warnings[0].line, 1);
        assert!(
            parsed.warnings[0].message.starts_with("2 messages have no day: the log starts without"),
            "{}",
            parsed.warnings[0].message
        );
        assert!(parsed.warnings[0].message.contains("(`20:01` and on)"), "{}", parsed.warnings[0].message);
        let t = parsed.only();
        assert_eq!(t.title, None);
        let dates: Vec<String> = t.posts.iter().map(row).map(|p| p.4).collect();
        assert_eq!(dates, ["`20:01`", "`20:03`", "2023-03-12T00:12:00Z"]);
    }

    #[test]
    fn day_lines_in_other_locales() {
        // German month names are known; an unknown one is the day after the day before.
        let text = "--- Log opened Sa Mär 11 19:58:02 2023\n20:01 < a> x\n--- Day changed So XYZ 12 2023\n00:01 < a> y\n\
--- Day changed Di XYZ 14 2023\n00:02 < a> z\n";
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        let dates: Vec<String> = parsed.threads[0].posts.iter().map(row).map(|p| p.4).collect();
        assert_eq!(dates, ["2023-03-11T20:01:00Z", "2023-03-12T00:01:00Z", "`00:02`"]);
        let messages: Vec<(usize, &str)> = parsed.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_eq!(messages[0].0, 5);
        assert!(messages[0].1.starts_with("1 `--- Log opened` or `--- Day changed` line whose date could not be read"));
    }

    #[test]
    fn lines_that_are_not_irssi() {
        let text = "--- Log opened Sat Mar 11 19:58:02 2023\nsomething pasted\n20:01 < a> x\n20:02 >>> a script\n";
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, 2);
        assert!(parsed.warnings[0].message.starts_with("2 lines that are not irssi log lines"));
        assert_eq!(parsed.threads[0].posts.len(), 1);
        assert!(parse("hello\nworld\n", &ParseOptions::default()).is_err());
        assert!(parse("", &ParseOptions::default()).is_err());
        // Only events: a thread without posts, which the loader reports.
        let events = parse("20:01 -!- a [a@b] has joined #c\n", &ParseOptions::default()).unwrap().only();
        assert_eq!((events.title.as_deref(), events.posts.len()), (Some("#c"), 0));
    }

    #[test]
    fn scores() {
        assert_eq!(score(EXAMPLE).value, MAX_SCORE);
        let no_header = "20:01 < ferrite> a\n20:03 <@quill> b\n20:03  * zed nods\n20:05 -!- zed [~z@h] has quit\n";
        assert_eq!(score(no_header).value, 70);
        let others = [
            include_str!("../../tests/fixtures/formats/irc-weechat.log"),
            include_str!("../../tests/fixtures/formats/irc-znc.log"),
            include_str!("../../tests/fixtures/formats/irc-hexchat.log"),
            include_str!("../../threads/home-lab/zfs-pool-degraded-after-reboot.txt"),
            include_str!("../../threads/ketamine-therapy/therapy-during-ketamine.txt"),
            "3/9/23, 6:45 PM - Dana Whitfield: Water butt is leaking\n3/9/23, 6:46 PM - Marcus: on it\n",
            "[14/03/2023, 18:05:02] Priti Shah: Next pick is…\n[14/03/2023, 18:06:02] Tom: ok\n",
            "We met at 20:01 and\n20:05 was when it ended\n",
        ];
        for text in others {
            assert_eq!(score(text).value, 0, "{text}");
        }
    }

    #[test]
    fn never_panics_on_mangled_lines() {
        let pieces = [
            "--- Log opened ",
            "--- Day changed ",
            "--- Log closed",
            "Sat Mar 11 19:58:02 2023",
            "Sun Feb 30 2023",
            "20:01",
            "[20:01]",
            "2023-03-11 ",
            " ",
            "<",
            ">",
            "@",
            " * ",
            "-!-",
            "[Users ",
            "é",
            "\n",
            "99:99",
            "20:01:07.9999999999",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
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
