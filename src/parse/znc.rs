//! ZNC channel logs, as its `log` module writes them (FORMATS.md §11).
//!
//! ```text
//! [19:58:02] *** Joins: ferrite (~ferrite@203.0.113.7)     <- an event: dropped
//! [20:01:07] <ferrite> anyone running zfs on those cheap 4-port sata cards?
//! [20:03:40] * zed nods                                   <- an action: zed did `nods`
//! [20:04:02] -NickServ- This nickname is registered.      <- a notice: dropped
//! [20:05:11] *** Quits: zed (~zed@192.0.2.33) (Quit: reboot)
//! [20:06:30] *** quill sets mode: +v ferrite
//! [20:07:00] *** quill changes topic to 'Self-hosting, racks and regret'
//! [20:10:00] *** troll was kicked by quill (no mining talk)
//! ```
//!
//! ZNC writes one file per window and day, `NETWORK/#chan/2023-03-11.log`, and the day is
//! only in that name, the channel only in the folder's: both are read from the dump's path
//! ([`ParseOptions::path`]). A log whose name holds no day keeps each message's time as
//! written (`20:01:07`), undated, and says so once. The times are the ZNC user's timezone.
//! A timestamp changed to carry the date (`-timestamp "[%Y-%m-%d %H:%M:%S]"`) dates the
//! messages, in the `timezone` (else UTC).
//!
//! Messages are `<nick> text` (ZNC writes no channel mode), actions `* nick text`; `***`
//! lines are events (joins, parts, quits, kicks, nick and mode changes, topics), `-nick-`
//! lines notices, and `Connected to IRC` and the like the status window's: none is a post.
//! ZNC's events do not name the channel: the thread is titled by its folder.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::irc::{self, Log};
use super::parsed::{Parsed, Score};
use crate::dates::When;
use crate::diagnostic::Problem;
use crate::model::ParseOptions;

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 85;

/// The `[HH:MM:SS]` or `[YYYY-MM-DD HH:MM:SS]` opening a line, read into a date (on `day`
/// where the stamp gives none), and the rest of the line.
fn stamp<'a>(line: &'a str, day: Option<Date>, zone: &TimeZone) -> Option<(When, &'a str)> {
    let inside = line.strip_prefix('[')?;
    let (date, time) = match irc::ymd_at(inside) {
        Some(date) if inside.as_bytes().get(10) == Some(&b' ') => (Some(date), &inside[11..]),
        _ => (day, inside),
    };
    let (clock, len) = irc::clock_at(time)?;
    let rest = time[len..].strip_prefix(']')?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let written = &inside[..inside.len() - time.len() + len];
    Some((irc::when(date, clock, written, zone), rest))
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
    /// A notice, or a line of the status window.
    Other,
}

fn said(rest: &str) -> Option<Said<'_>> {
    if let Some(event) = rest.strip_prefix("*** ") {
        return Some(Said::Event(event));
    }
    if let Some(inside) = rest.strip_prefix('<') {
        let (nick, text) = inside.split_once('>')?;
        let text = text.strip_prefix(' ').unwrap_or(text);
        return irc::is_nick(irc::strip_mode(nick)).then_some(Said::Message { nick, text });
    }
    if let Some(action) = rest.strip_prefix("* ") {
        let (nick, text) = action.split_once(' ').unwrap_or((action, ""));
        return irc::is_nick(nick).then_some(Said::Action { nick, text });
    }
    const STATUS: &[&str] = &["Connected to IRC", "Disconnected from IRC", "Broadcast: "];
    let notice = rest.starts_with('-') && !rest.starts_with("-!-");
    (notice || STATUS.iter().any(|s| rest.starts_with(s))).then_some(Said::Other)
}

/// The events only ZNC words so.
const EVENTS: &[&str] = &["Joins: ", "Parts: ", "Quits: "];

pub fn score(text: &str) -> Score {
    let (mut lines, mut logged, mut events) = (0, 0, 0);
    for line in irc::head(text).lines().filter(|l| !l.trim().is_empty()) {
        lines += 1;
        let Some((_, rest)) = stamp(line, None, &TimeZone::UTC) else { continue };
        match said(rest) {
            // irssi with a bracketed timestamp writes a mode or a space before the nick.
            Some(Said::Message { nick, .. }) if irc::strip_mode(nick) != nick => return Score::none("nick modes"),
            Some(Said::Event(event)) if EVENTS.iter().any(|e| event.starts_with(e)) => {
                logged += 1;
                events += 1;
            }
            Some(_) => logged += 1,
            None => {}
        }
    }
    if logged >= 3 && logged * 2 > lines {
        let value = if events > 0 { MAX_SCORE } else { 70 };
        return Score {
            value,
            reason: format!("{logged} lines of `[HH:MM:SS] <nick>` and {events} `*** Joins:`-like"),
        };
    }
    Score::none("no ZNC `[HH:MM:SS] <nick>` lines")
}

/// The day a ZNC log's file name gives (`2023-03-11.log`), and the channel its folder is
/// (`NETWORK/#chan/2023-03-11.log`).
fn named(path: &str) -> (Option<Date>, Option<String>) {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or(path);
    let day = name.char_indices().find_map(|(i, _)| irc::ymd_at(&name[i..]));
    let channel = parts.next().filter(|folder| folder.len() > 1 && folder.starts_with(['#', '&'])).map(str::to_owned);
    (day, channel)
}

pub fn parse(text: &str, options: &ParseOptions) -> Result<Parsed, Problem> {
    let zone = options.timezone.clone().unwrap_or(TimeZone::UTC);
    let (day, channel) = options.path.as_deref().map(named).unwrap_or_default();
    let mut log = Log::default();
    for (i, line) in text.lines().enumerate() {
        let at = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let Some((when, said)) = stamp(line, day, &zone).and_then(|(when, rest)| Some((when, said(rest)?))) else {
            log.unread(at);
            continue;
        };
        match said {
            Said::Message { nick, text } => log.post(at, nick, text, false, when),
            Said::Action { nick, text } => log.post(at, nick, text, true, when),
            Said::Event(event) => log.event(event),
            Said::Other => log.skip(),
        }
    }
    log.warn_undated(
        usize::MAX,
        "ZNC writes the day only in the log's file name, and this one names none",
        Some("keep ZNC's own file names (`2023-03-11.log`), or put the day in the timestamp"),
    );
    let mut parsed = log.finish("ZNC", "set `format` in front matter if this is another format")?;
    // ZNC's events never name the channel; its folder does.
    for thread in parsed.threads.iter_mut().filter(|t| t.title.is_none()) {
        thread.title.clone_from(&channel);
    }
    Ok(parsed)
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

    const FIXTURE: &str = include_str!("../../tests/fixtures/formats/irc-znc.log");

    #[test]
    fn the_file_name_gives_the_day_and_its_folder_the_channel() {
        let options = ParseOptions { path: Some("libera/#homelab/2023-03-11.log".into()), ..ParseOptions::default() };
        let parsed = parse("[20:01:07] <ferrite> anyone?\n[20:03:40] * zed nods\n", &options).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let t = parsed.only();
        assert_eq!(t.title.as_deref(), Some("#homelab"));
        let dates: Vec<String> = t.posts.iter().map(|p| p.date.unwrap().to_string()).collect();
        assert_eq!(dates, ["2023-03-11T20:01:07Z", "2023-03-11T20:03:40Z"]);
        let named = ParseOptions { path: Some("logs/notes.log".into()), ..ParseOptions::default() };
        let parsed = parse("[20:01:07] <ferrite> anyone?\n", &named).unwrap();
        assert!(parsed.warnings[0].message.contains("names none"), "{:?}", parsed.warnings);
    }

    #[test]
    fn fixture() {
        let parsed = parse(FIXTURE, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
        assert_eq!(parsed.warnings[0].line, 2);
        assert_eq!(
            parsed.warnings[0].message,
            "5 messages have no day: ZNC writes the day only in the log's file name, and this one names none; \
kept with their time (`20:01:07` and on), undated"
        );
        let thread = parsed.only();
        assert_eq!(thread.title, None);
        let got: Vec<_> = thread.posts.iter().map(row).collect();
        assert_eq!(
            got,
            [
                r(1, "ferrite", "anyone running zfs on those cheap 4-port sata cards?", false, "`20:01:07`"),
                r(2, "quill", "ferrite: works, but flash it to IT mode first", false, "`20:03:15`"),
                r(3, "zed", "nods", true, "`20:03:40`"),
                r(4, "nbsp", "the marvell ones drop disks under load, avoid", false, "`20:04:30`"),
                r(5, "ferrite", "thanks, ordering an LSI one then", false, "`20:09:45`"),
            ]
        );
        assert_eq!(thread.posts.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 3, 4, 6, 11]);
    }

    #[test]
    fn dated_timestamps_and_status_lines() {
        let text = "[2023-03-11 20:01:07] <ferrite> dated\n\
[2023-03-11 20:01:08] Connected to IRC (irc.example.net +6697)\n\
[2023-03-11 20:01:09] Broadcast: ZNC restarts at noon\n\
[2023-03-11 20:01:10] <ferrite>\n\
[2023-03-11 20:01:11] * ferrite\n\
[2023-03-11 20:01:12] <ferrite> text\twith <a> tab  \n";
        let opts = ParseOptions { timezone: Some(TimeZone::get("Europe/Berlin").unwrap()), ..ParseOptions::default() };
        let parsed = parse(text, &opts).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let got: Vec<_> = parsed.only().posts.iter().map(row).collect();
        assert_eq!(
            got,
            [
                r(1, "ferrite", "dated", false, "2023-03-11T19:01:07Z"),
                r(2, "ferrite", "", false, "2023-03-11T19:01:10Z"),
                r(3, "ferrite", "", true, "2023-03-11T19:01:11Z"),
                r(4, "ferrite", "text\twith <a> tab", false, "2023-03-11T19:01:12Z"),
            ]
        );
    }

    #[test]
    fn lines_that_are_not_znc() {
        let text = "pasted above\n[20:01:07] <ferrite> hi\n[20:01:08] >>> odd\n[20:01] <ferrite> no seconds\n";
        let parsed = parse(text, &ParseOptions::default()).unwrap();
        let lines: Vec<usize> = parsed.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [2, 1]);
        assert!(parsed.warnings[1].message.starts_with("2 lines that are not ZNC log lines"));
        assert_eq!(parsed.only().posts.len(), 2);
        assert!(parse("hello\n", &ParseOptions::default()).is_err());
        assert!(parse("", &ParseOptions::default()).is_err());
    }

    #[test]
    fn scores() {
        assert_eq!(score(FIXTURE).value, MAX_SCORE);
        assert_eq!(score("[20:01:07] <a> x\n[20:01:08] <b> y\n[20:01:09] * a z\n").value, 70);
        let others = [
            include_str!("../../tests/fixtures/formats/irc-irssi.log"),
            include_str!("../../tests/fixtures/formats/irc-weechat.log"),
            include_str!("../../tests/fixtures/formats/irc-hexchat.log"),
            include_str!("../../threads/home-lab/zfs-pool-degraded-after-reboot.txt"),
            "[20:01:07] <@quill> irssi with [%H:%M:%S]\n[20:01:08] < ferrite> x\n[20:01:09] -!- a has quit\n",
            "[1/2/2020 3:04 PM] alice\nhi\n\n[1/2/2020 3:05 PM] bob\nho\n",
            "[14/03/2023, 18:05:02] Priti Shah: Next pick is…\n",
        ];
        for text in others {
            assert_eq!(score(text).value, 0, "{text}");
        }
    }

    #[test]
    fn never_panics_on_mangled_lines() {
        let pieces = ["[", "]", "20:01:07", "2023-03-11 ", "<", ">", "* ", "*** ", "-", " ", "é", "\n", "99:99:99"];
        let mut seed = 0x5eed_1234_abcd_ef01u64;
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
