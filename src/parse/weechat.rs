//! WeeChat channel logs, as its logger plugin writes them (FORMATS.md §11).
//!
//! ```text
//! 2023-03-11 20:14:02⇥-->⇥maren (~maren@203.0.113.40) has joined #typography   <- an event
//! 2023-03-11 20:14:02⇥--⇥Topic for #typography is "Letters, fonts and the spaces between"
//! 2023-03-11 20:15:40⇥@kern⇥welcome maren                     <- a message by kern (an op)
//! 2023-03-11 20:17:12⇥ *⇥kern makes tea                      <- an action: kern did `makes tea`
//! 2023-03-11 20:18:50⇥maren⇥my wght axis jumps between 400 and 700
//! with nothing in between                                      <- continues the message above
//! 2023-03-11 20:21:09⇥<--⇥ligature (~lig@198.51.100.9) has quit (Ping timeout: 240 seconds)
//! 2025-09-14 08:00:03.120455Z⇥kern⇥morning all          <- WeeChat 4.8 and later: UTC
//! ```
//!
//! (`⇥` is a tab.) A line is `TIME⇥PREFIX⇥MESSAGE`, split on the first two tabs only: a
//! message may hold tabs. TIME is `logger.file.time_format`: up to 4.7 `%Y-%m-%d %H:%M:%S`, the local
//! time of the machine WeeChat ran on, read in the `timezone` (else UTC); from 4.8 with
//! microseconds and a `Z`, in UTC. A log kept across the upgrade has both. A time without a
//! date (a changed `time_format`) is kept as written, undated.
//!
//! PREFIX is the nick with its mode (`@kern`, `+ligature`), perhaps wrapped in
//! `logger.file.nick_prefix` and `nick_suffix` (`<kern>`); ` *` for actions, whose MESSAGE
//! is `nick text`; `-->` for joins, `<--` for parts and quits, `--` for the network's lines
//! (nick and mode changes, topics, the names count, notices) and `=!=` for errors. Only
//! nicks and actions are posts; a prefix that cannot be a nick is an event. A line that
//! does not start with a time and a tab continues the message above it, as WeeChat's own
//! backlog reads it; the info lines (`****  Beginning of log  ****`, one tab) are dropped.

use jiff::tz::{Offset, TimeZone};

use super::irc::{self, Log};
use super::parsed::{Parsed, Score};
use crate::dates::When;
use crate::diagnostic::Problem;
use crate::model::ParseOptions;

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 90;

/// Reads a line's TIME: a date and time, local or in UTC (`Z`) or at an offset
/// (`+02:00`), else a bare `HH:MM:SS` kept as written.
fn time(text: &str, zone: &TimeZone) -> Option<When> {
    let Some(date) = irc::ymd_at(text) else {
        let (_, len) = irc::clock_at(text)?;
        return (len == text.len()).then(|| When { date: None, text: Some(text.to_owned()) });
    };
    let rest = text.get(11..).filter(|_| matches!(text.as_bytes()[10], b' ' | b'T'))?;
    let (clock, len) = irc::clock_at(rest)?;
    let datetime = clock.on(date)?;
    let date = match &rest[len..] {
        "" => zone.to_timestamp(datetime).ok()?,
        "Z" => TimeZone::UTC.to_timestamp(datetime).ok()?,
        offset => utc_offset(offset)?.to_timestamp(datetime).ok()?,
    };
    Some(When { date: Some(date), text: None })
}

/// `+02:00`, `-0500` or `+01` (`%z` and its kin).
fn utc_offset(text: &str) -> Option<Offset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let rest = rest.replacen(':', "", 1);
    let b = rest.as_bytes();
    if !matches!(b.len(), 2 | 4) || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |i: usize| i32::from(b[i] - b'0') * 10 + i32::from(b[i + 1] - b'0');
    let minutes = if b.len() == 4 { number(2) } else { 0 };
    Offset::from_seconds(sign * (number(0) * 3600 + minutes * 60)).ok()
}

/// A line that starts an entry: its time, prefix and message (`None` for the info lines,
/// which have no prefix).
fn entry<'a>(line: &'a str, zone: &TimeZone) -> Option<(When, &'a str, Option<&'a str>)> {
    let (time_text, rest) = line.split_once('\t')?;
    let when = time(time_text, zone)?;
    Some(match rest.split_once('\t') {
        Some((prefix, message)) => (when, prefix, Some(message)),
        None => (when, rest, None),
    })
}

/// What an entry's prefix says its message is.
#[derive(Debug, PartialEq)]
enum Said<'a> {
    Message(&'a str),
    Action,
    Event,
}

fn said(prefix: &str) -> Said<'_> {
    match prefix {
        " *" | "*" => return Said::Action,
        "-->" | "<--" | "--" | "=!=" => return Said::Event,
        _ => {}
    }
    let nick = prefix.strip_prefix('<').and_then(|p| p.strip_suffix('>')).unwrap_or(prefix);
    let nick = irc::strip_mode(nick);
    if irc::is_nick(nick) { Said::Message(nick) } else { Said::Event }
}

pub fn score(text: &str) -> Score {
    let (mut lines, mut entries) = (0, 0);
    for line in irc::head(text).lines().filter(|l| !l.trim().is_empty()) {
        lines += 1;
        if let Some((when, _, Some(_))) = entry(line, &TimeZone::UTC)
            && when.date.is_some()
        {
            entries += 1;
        }
    }
    if (entries >= 2 && entries * 2 >= lines) || (entries == 1 && lines <= 2) {
        return Score {
            value: MAX_SCORE,
            reason: format!("{entries} lines of a date and time, a tab, a prefix and a tab"),
        };
    }
    Score::none("no WeeChat `DATE TIME<TAB>PREFIX<TAB>MESSAGE` lines")
}

/// What a line without a time belongs to.
enum Continues {
    Post,
    Event,
    Nothing,
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    let zone = options.timezone.clone().unwrap_or(TimeZone::UTC);
    let mut log = Log::default();
    // What a line without a time continues: the last post, or an event (whose lines are
    // dropped with it), or nothing yet.
    let mut continues = Continues::Nothing;
    for (i, line) in text.lines().enumerate() {
        let at = i + 1;
        match entry(line, &zone) {
            Some((when, prefix, Some(message))) => {
                continues = Continues::Post;
                match said(prefix) {
                    Said::Message(nick) => log.post(at, nick, message, false, when),
                    Said::Action => {
                        let (nick, text) = message.split_once(' ').unwrap_or((message, ""));
                        log.post(at, nick, text, true, when);
                    }
                    Said::Event => {
                        log.event(message);
                        continues = Continues::Event;
                    }
                }
            }
            Some((_, _, None)) => {
                log.skip();
                continues = Continues::Event;
            }
            None => match continues {
                Continues::Post => {
                    if let Some(post) = log.posts.last_mut() {
                        post.body.push('\n');
                        post.body.push_str(line.trim_end());
                    }
                }
                Continues::Event => {}
                Continues::Nothing if line.trim().is_empty() => {}
                Continues::Nothing => log.unread(at),
            },
        }
    }
    // A blank line before the next entry or the end is no part of the message.
    for post in &mut log.posts {
        post.body.truncate(post.body.trim_end().len());
    }
    log.warn_undated(
        usize::MAX,
        "the log's times have no date",
        Some("set WeeChat's `logger.file.time_format` to one with the date (`%Y-%m-%d %H:%M:%S`, the default)"),
    );
    log.finish("WeeChat", "set `format` in front matter if this is another format")
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

    fn posts(text: &str, options: &ParseOptions) -> Vec<(u32, String, String, bool, String)> {
        parse(text, options).unwrap().only().posts.iter().map(row).collect()
    }

    const EXAMPLE: &str = include_str!("../../tests/fixtures/formats/irc-weechat.log");

    #[test]
    fn example_file() {
        let parsed = parse(EXAMPLE, &ParseOptions::default()).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let thread = parsed.only();
        assert_eq!(thread.title.as_deref(), Some("#typography"));
        let got: Vec<_> = thread.posts.iter().map(row).collect();
        assert_eq!(
            got,
            [
                r(1, "kern", "welcome maren", false, "2023-03-11T20:15:40Z"),
                r(2, "maren", "hi! is it ok to ask about variable fonts here?", false, "2023-03-11T20:16:05Z"),
                r(3, "ligature", "sure, ask away", false, "2023-03-11T20:16:31Z"),
                r(4, "kern", "makes tea", true, "2023-03-11T20:17:12Z"),
                r(
                    5,
                    "maren",
                    "my wght axis jumps between 400 and 700 with nothing in between",
                    false,
                    "2023-03-11T20:18:50Z"
                ),
                r(6, "kern", "maren_: check the named instances in the fvar table", false, "2023-03-11T20:20:44Z"),
            ]
        );
        assert_eq!(thread.posts.iter().map(|p| p.line).collect::<Vec<_>>(), [4, 5, 6, 7, 8, 10]);
    }

    #[test]
    fn sample_archive_log() {
        let text = include_str!("../../threads/typography/weechat-typography.log");
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let thread = parsed.only();
        assert_eq!((thread.title.as_deref(), thread.posts.len()), (Some("#typography"), 24));
        assert_eq!(
            thread.posts[13].body,
            "here is what I ended up with:\nabbr { font-variant-caps: all-small-caps; letter-spacing: 0.05em; }"
        );
        let actions: Vec<u32> = thread.posts.iter().filter(|p| p.extra.action).map(|p| p.number).collect();
        assert_eq!(actions, [7, 19]);
        // The log was kept across the upgrade to 4.8: local times, then UTC ones.
        assert_eq!(thread.posts[18].date.unwrap().to_string(), "2025-08-30T19:55:23Z");
        assert_eq!(thread.posts[19].date.unwrap().to_string(), "2025-09-14T08:02:41.508113Z");
    }

    #[test]
    fn lines() {
        let text = "2023-03-11 20:14:02\t****  Beginning of log  ****\n\
2023-03-11 20:15:40\t@kern\tone\ttab\tand another\n\
2023-03-11 20:15:41\t<+ligature>\twrapped by nick_prefix and nick_suffix\n\
2023-03-11 20:15:42\t<maren>\tplain\n\
2023-03-11 20:15:43\t*\tkern shrugs\n\
2023-03-11 20:15:44\t *\tkern\n\
2023-03-11 20:15:45\t--\tNotice(NickServ): you are identified\n\
2023-03-11 20:15:46\t=!=\tkern: no such nick\n\
2023-03-11 20:15:47\t\tan empty prefix\n\
2023-03-11 20:15:48\t→\ta changed join prefix\n\
2023-03-11 20:15:49\tmaren\tfirst line\n\
second line\n\
\n\
third after a blank\n\
\n\
2023-03-11 20:15:50\t--\tkern has changed topic for #typography to \"x\"\n\
continuing an event: dropped with it\n\
2023-03-11 20:15:51\t~owner\tlast\n\
2023-03-11 20:16:00\t****  End of log  ****\n";
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let thread = parsed.only();
        assert_eq!(thread.title.as_deref(), Some("#typography"));
        let got: Vec<_> = thread.posts.iter().map(row).collect();
        assert_eq!(
            got,
            [
                r(1, "kern", "one\ttab\tand another", false, "2023-03-11T20:15:40Z"),
                r(2, "ligature", "wrapped by nick_prefix and nick_suffix", false, "2023-03-11T20:15:41Z"),
                r(3, "maren", "plain", false, "2023-03-11T20:15:42Z"),
                r(4, "kern", "shrugs", true, "2023-03-11T20:15:43Z"),
                r(5, "kern", "", true, "2023-03-11T20:15:44Z"),
                r(6, "maren", "first line\nsecond line\n\nthird after a blank", false, "2023-03-11T20:15:49Z"),
                r(7, "owner", "last", false, "2023-03-11T20:15:51Z"),
            ]
        );
    }

    #[test]
    fn both_time_formats() {
        let text = "2025-08-30 21:14:02\tkern\tbefore the upgrade, local time\n\
2025-09-14 08:00:03.120455Z\tkern\tafter it, UTC\n\
2025-09-14T08:00:04+02:00\tkern\tan offset\n";
        let berlin =
            ParseOptions { timezone: Some(TimeZone::get("Europe/Berlin").unwrap()), ..ParseOptions::default() };
        let dates: Vec<String> = posts(text, &berlin).into_iter().map(|p| p.4).collect();
        assert_eq!(dates, ["2025-08-30T19:14:02Z", "2025-09-14T08:00:03.120455Z", "2025-09-14T06:00:04Z"]);
        let utc: Vec<String> = posts(text, &ParseOptions::default()).into_iter().map(|p| p.4).collect();
        assert_eq!(utc[0], "2025-08-30T21:14:02Z");
        assert_eq!(utc[1], "2025-09-14T08:00:03.120455Z");
    }

    #[test]
    fn a_time_without_a_date() {
        let parsed = parse("20:15:40\tkern\thi\n20:15:41\tmaren\thello\n", &ParseOptions::default()).unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert!(parsed.warnings[0].message.starts_with("2 messages have no day: the log's times have no date"));
        let dates: Vec<String> = parsed.only().posts.iter().map(row).map(|p| p.4).collect();
        assert_eq!(dates, ["`20:15:40`", "`20:15:41`"]);
    }

    #[test]
    fn not_weechat() {
        assert!(parse("hello\nworld\n", &ParseOptions::default()).is_err());
        assert!(parse("", &ParseOptions::default()).is_err());
        let stray =
            parse("a line before any entry\n2023-03-11 20:15:40\tkern\thi\n", &ParseOptions::default()).unwrap();
        assert_eq!(stray.warnings.len(), 1);
        assert_eq!(stray.warnings[0].line, 1);
        assert_eq!(stray.only().posts.len(), 1);
    }

    #[test]
    fn scores() {
        assert_eq!(score(EXAMPLE).value, MAX_SCORE);
        assert_eq!(score("2023-03-11 20:15:40\t@kern\twelcome maren\n").value, MAX_SCORE);
        let others = [
            include_str!("../../tests/fixtures/formats/irc-irssi.log"),
            include_str!("../../tests/fixtures/formats/irc-znc.log"),
            include_str!("../../tests/fixtures/formats/irc-hexchat.log"),
            include_str!("../../threads/home-lab/zfs-pool-degraded-after-reboot.txt"),
            include_str!("../../threads/rust-help/cross-compiling-for-a-raspberry-pi.txt"),
            "3/9/23, 6:45 PM - Dana Whitfield: Water butt is leaking\n",
            "2023-03-11 20:15:40 kern: no tabs here\n2023-03-11 20:15:41 maren: nor here\n",
            "name\tvalue\tnote\nx\t1\ty\n",
        ];
        for text in others {
            assert_eq!(score(text).value, 0, "{text}");
        }
    }

    #[test]
    fn never_panics_on_mangled_lines() {
        let pieces = [
            "2023-03-11 20:15:40",
            "2025-09-14 08:00:03.120455Z",
            "2023-03-11T20:15:40+99:99",
            "20:15:40",
            "\t",
            " *",
            "-->",
            "<",
            ">",
            "@",
            "kern ",
            "é",
            "\n",
            "9999-99-99 99:99:99",
            ".",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
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
