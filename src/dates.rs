//! Dates as dumps write them, read into UTC timestamps.
//!
//! Every format writes dates its own way, and most copy-paste formats write them for a
//! reader at one moment in one place. This module reads them all, so that each parser only
//! says where its date is:
//!
//! | form                                   | example                              | `date`                 |
//! |----------------------------------------|--------------------------------------|------------------------|
//! | ISO 8601 / RFC 3339                    | `2020-01-02T15:04:05Z`, `2020-01-02 15:04` | as written        |
//! | month names, any order, 12 or 24 hours | `November 18, 2019, 6:49am`, `Mon Jan 06, 2020 3:04 pm`, `02-Jan-20 03:04 PM`, `6 Jan 2020, 15:04`, `on March 3, 2021` | as written |
//! | numbers only                           | `1/2/2020 3:04 PM`, `02.01.2020 15:04`, `2020/1/2 15:04` | day or month first as [`DateContext::day_first`] says (a number above 12 settles it) |
//! | relative                               | `5 hours ago`, `an hour ago`, `yesterday`, `3 days ago`, `5h`, `just now` | `captured` minus the amount |
//! | no year                                | `Mar 12`, `Mar 12, 3:04 pm`           | the latest such date not after `captured` |
//! | month and year only                    | `Nov '19`, `Nov 2019`                 | none (too coarse)      |
//!
//! Dates that name a zone (`Z`, `UTC`, `GMT`, `+01:00`, `UTC+1`) are read in it; the rest
//! in [`DateContext::zone`], which is front matter's `timezone` or else UTC. Two-digit
//! years are 2000–2069 below 70 and 1970–1999 from 70. Only English month and weekday
//! names are known.
//!
//! A date that is not absolute keeps the dump's words ([`When::text`], which parsers put in
//! `extra.date_text`): `5 hours ago` means nothing without knowing when the page was
//! saved, so it gives a `date` only when front matter says `captured`.

use std::sync::LazyLock;

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{Span, Timestamp};
use regex::Regex;

use crate::model::ParseOptions;
use crate::model::Post;

/// What a parser needs to know to read the dates of one dump.
#[derive(Debug, Clone)]
pub struct DateContext {
    /// The zone of dates that name none.
    pub zone: TimeZone,
    /// When the page was saved; relative dates count back from it.
    pub captured: Option<Timestamp>,
    /// Whether an all-numbers date like `02/01/2020` puts the day first (2 January).
    pub day_first: bool,
}

impl DateContext {
    pub fn new(options: &ParseOptions) -> DateContext {
        DateContext {
            zone: options.timezone.clone().unwrap_or(TimeZone::UTC),
            captured: options.captured,
            day_first: false,
        }
    }
}

impl Default for DateContext {
    fn default() -> DateContext {
        DateContext { zone: TimeZone::UTC, captured: None, day_first: false }
    }
}

/// A date as read from a dump: the instant where it could be known, and the dump's own
/// words where they were not a full date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct When {
    pub date: Option<Timestamp>,
    pub text: Option<String>,
}

impl When {
    /// Sets a post's `date` and `extra.date_text`.
    pub fn apply(self, post: &mut Post) {
        post.date = self.date;
        if self.text.is_some() || post.extra.date_text.is_some() {
            post.extra.date_text = self.text;
        }
    }
}

/// Reads any date form this module knows; `None` when the text is not a date.
pub fn parse(text: &str, ctx: &DateContext) -> Option<When> {
    if let Some(date) = absolute(text, ctx) {
        return Some(When { date: Some(date), text: None });
    }
    relative(text, ctx)
}

/// Reads a date that needs no capture time: it has a year, a month and a day (and
/// perhaps a time and a zone).
pub fn absolute(text: &str, ctx: &DateContext) -> Option<Timestamp> {
    let fields = fields(text, ctx.day_first)?;
    let year = fields.year?;
    fields.timestamp(year, &ctx.zone)
}

/// Reads a relative or partial date: the words are kept, and a date is given when
/// `ctx.captured` is known.
pub fn relative(text: &str, ctx: &DateContext) -> Option<When> {
    let collapsed = collapse_spaces(text);
    let words = collapsed.as_str();
    let kept = Some(collapsed.clone());
    if let Some(back) = ago(words) {
        let date = ctx.captured.and_then(|c| minus(c, back));
        return Some(When { date, text: kept });
    }
    if let Some(caps) = TODAY.captures(words) {
        let days_back = if caps[1].eq_ignore_ascii_case("yesterday") { 1 } else { 0 };
        // `Today I learned` is not a date: what follows the word must be a time.
        let time = match caps.get(2) {
            Some(t) => Some(time_of_day(t.as_str())?),
            None => None,
        };
        let date = ctx.captured.and_then(|captured| {
            let local = captured.to_zoned_datetime(ctx.zone.clone());
            match time {
                Some((h, m, s)) => {
                    let day = local.date().checked_sub(Span::new().days(days_back)).ok()?;
                    let dt = DateTime::new(day.year(), day.month(), day.day(), h, m, s, 0).ok()?;
                    ctx.zone.to_timestamp(dt).ok()
                }
                None => local.checked_sub(Span::new().days(days_back)).ok().map(|z| z.timestamp()),
            }
        });
        return Some(When { date, text: kept });
    }
    if MONTH_YEAR.is_match(words) {
        return Some(When { date: None, text: kept });
    }
    let fields = fields(words, ctx.day_first)?;
    if fields.year.is_some() {
        return None;
    }
    // `Mar 12`: the latest 12 March not after the capture (a year back at most, or a
    // few where it is 29 February).
    let date = ctx.captured.and_then(|captured| {
        let this_year = captured.to_zoned_datetime(ctx.zone.clone()).year();
        (0..8).filter_map(|back| fields.timestamp(this_year - back, &ctx.zone)).find(|&t| t <= captured)
    });
    Some(When { date, text: kept })
}

/// Reads the UTC offset of a time-zone note like phpBB's footer: `UTC`, `UTC + 1 hour`,
/// `GMT - 5 Hours`, `UTC + 5.5 hours`, `UTC+01:00`, `UTC - 3:30`; a `[ DST ]` mark adds the
/// summer hour that phpBB 3.0 keeps apart.
pub fn utc_offset(text: &str) -> Option<Offset> {
    static OFFSET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:UTC|GMT)(?:\s*([+\-−])\s*(\d{1,2})(?:([.:])(\d{1,2}))?\s*(?:hours?)?)?\s*(\[\s*DST\s*\])?",
        )
        .unwrap()
    });
    let caps = OFFSET.captures(text)?;
    let mut minutes: i32 = 0;
    if let Some(hours) = caps.get(2) {
        minutes = hours.as_str().parse::<i32>().ok()? * 60;
        if let (Some(sep), Some(part)) = (caps.get(3), caps.get(4)) {
            let part: i32 = part.as_str().parse().ok()?;
            // `5.5 hours` is a fraction of an hour; `5:30` is minutes.
            minutes += if sep.as_str() == "." { part * 60 / 10_i32.pow(caps[4].len() as u32) } else { part };
        }
        if &caps[1] != "+" {
            minutes = -minutes;
        }
    }
    if caps.get(5).is_some() {
        minutes += 60;
    }
    Offset::from_seconds(minutes * 60).ok()
}

/// A relative amount: `5 hours ago`, `an hour ago`, `3d`, `just now`.
fn ago(text: &str) -> Option<Span> {
    static AGO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:about |over |almost |around |~)?(\d+|an?|one) (second|sec|minute|min|hour|hr|day|week|month|year|yr)s? ago$",
        )
        .unwrap()
    });
    // Discourse's tiny form: `5m`, `5h`, `3d`, `2mon`, `1y`, `< 1m`, `> 2y`.
    static TINY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[<>]?\s*(\d+)\s?(s|m|h|d|w|mon|y)$").unwrap());
    static NOW: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:just now|now|moments? ago|a few seconds ago|seconds ago|less than a minute ago)$").unwrap()
    });
    if NOW.is_match(text) {
        return Some(Span::new());
    }
    let (count, unit) = if let Some(caps) = AGO.captures(text) {
        let count = match caps[1].to_ascii_lowercase().as_str() {
            "a" | "an" | "one" => 1,
            n => n.parse().ok()?,
        };
        (count, caps[2].to_ascii_lowercase())
    } else if let Some(caps) = TINY.captures(text) {
        let unit = match &caps[2] {
            "s" => "second",
            "m" => "minute",
            "h" => "hour",
            "d" => "day",
            "w" => "week",
            "mon" => "month",
            _ => "year",
        };
        (caps[1].parse().ok()?, unit.to_owned())
    } else {
        return None;
    };
    let count: i64 = count;
    // The fallible setters: `99999 years ago` is not a date, and must not panic.
    let span = match unit.as_str() {
        "second" | "sec" => Span::new().try_seconds(count),
        "minute" | "min" => Span::new().try_minutes(count),
        "hour" | "hr" => Span::new().try_hours(count),
        "day" => Span::new().try_days(count),
        "week" => Span::new().try_weeks(count),
        "month" => Span::new().try_months(count),
        _ => Span::new().try_years(count),
    };
    span.ok()
}

/// `captured` minus a span, counting days, months and years on the UTC calendar.
fn minus(captured: Timestamp, back: Span) -> Option<Timestamp> {
    captured.to_zoned_datetime(TimeZone::UTC).checked_sub(back).ok().map(|z| z.timestamp())
}

/// `today`, `yesterday`, either with a time: `Yesterday, 15:04`, `today at 3:04 PM`.
static TODAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(today|yesterday)(?:\s*,?\s*(?:at\s+)?(.+))?$").unwrap());

/// A month and a year but no day: `Nov '19`, `Nov 2019`.
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:'\d{2}|\d{4})$").unwrap()
});

/// A time of day: `15:04`, `3:04 pm`, `6:49am`, `03:04:05 PM`, `3:04 p.m.`.
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*([ap])\.?\s?m\b\.?)?").unwrap()
});

fn time_of_day(text: &str) -> Option<(i8, i8, i8)> {
    let caps = TIME.captures(text.trim())?;
    if caps.get(0)?.as_str().len() != text.trim().len() {
        return None;
    }
    time_from(&caps)
}

fn time_from(caps: &regex::Captures) -> Option<(i8, i8, i8)> {
    let mut hour: i8 = caps[1].parse().ok()?;
    let minute: i8 = caps[2].parse().ok()?;
    let second: i8 = caps.get(3).map_or(Some(0), |s| s.as_str().parse().ok())?;
    if let Some(half) = caps.get(4) {
        if !(1..=12).contains(&hour) {
            return None;
        }
        let pm = half.as_str().eq_ignore_ascii_case("p");
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    (hour < 24 && minute < 60 && second < 60).then_some((hour, minute, second))
}

/// The parts of a date as written; `year` is missing in `Mar 12`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Fields {
    year: Option<i16>,
    month: i8,
    day: i8,
    time: (i8, i8, i8),
    offset: Option<Offset>,
}

impl Fields {
    fn timestamp(&self, year: i16, zone: &TimeZone) -> Option<Timestamp> {
        let (h, m, s) = self.time;
        let dt = DateTime::new(year, self.month, self.day, h, m, s, 0).ok()?;
        match self.offset {
            Some(offset) => offset.to_timestamp(dt).ok(),
            None => zone.to_timestamp(dt).ok(),
        }
    }
}

fn two_digit_year(yy: i16) -> i16 {
    if yy < 70 { 2000 + yy } else { 1900 + yy }
}

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$",
    )
    .unwrap()
});

static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})([/.\-])(\d{1,2})([/.\-])(\d{4}|\d{2})\.?(?:,?\s+(.*))?$").unwrap());

/// A zone named after a date: `UTC`, `GMT+1`, `UTC-05:00`, `+0100`, `Z`.
static ZONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:UTC|GMT)(?:\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\b|\s([+-])(\d{2}):?(\d{2})\s*$|(?:\d)(Z)\s*$)",
    )
    .unwrap()
});

fn zone_from(caps: &regex::Captures) -> Option<Offset> {
    let (sign, hours, minutes) = match (caps.get(1), caps.get(4)) {
        (Some(sign), _) => (sign.as_str(), caps.get(2).map(|h| h.as_str()), caps.get(3).map(|m| m.as_str())),
        (None, Some(sign)) => (sign.as_str(), caps.get(5).map(|h| h.as_str()), caps.get(6).map(|m| m.as_str())),
        (None, None) => ("+", None, None),
    };
    let hours: i32 = hours.map_or(Some(0), |h| h.parse().ok())?;
    let minutes: i32 = minutes.map_or(Some(0), |m| m.parse().ok())?;
    let seconds = (hours * 60 + minutes) * 60;
    Offset::from_seconds(if sign == "-" { -seconds } else { seconds }).ok()
}

fn iso_offset(zone: &str) -> Option<Offset> {
    let zone = zone.to_ascii_uppercase();
    if matches!(zone.as_str(), "Z" | "UTC" | "GMT") {
        return Some(Offset::UTC);
    }
    let (sign, digits) = zone.split_at(1);
    let digits = digits.replace(':', "");
    let hours: i32 = digits.get(..2)?.parse().ok()?;
    let minutes: i32 = digits.get(2..).filter(|m| !m.is_empty()).map_or(Some(0), |m| m.parse().ok())?;
    let seconds = (hours * 60 + minutes) * 60;
    Offset::from_seconds(if sign == "-" { -seconds } else { seconds }).ok()
}

/// Reads the parts of a written date; `None` when the text holds anything that is not
/// part of a date.
fn fields(text: &str, day_first: bool) -> Option<Fields> {
    let text = text.trim();
    if text.is_empty() || text.len() > 80 {
        return None;
    }
    if let Some(caps) = ISO.captures(text) {
        let time = match caps.get(4) {
            Some(_) => (
                caps[4].parse().ok()?,
                caps[5].parse().ok()?,
                caps.get(6).map_or(Some(0), |s| s.as_str().parse().ok())?,
            ),
            None => (0, 0, 0),
        };
        return Some(Fields {
            year: Some(caps[1].parse().ok()?),
            month: caps[2].parse().ok()?,
            day: caps[3].parse().ok()?,
            time,
            offset: match caps.get(7) {
                Some(zone) => Some(iso_offset(zone.as_str())?),
                None => None,
            },
        });
    }
    if let Some(caps) = NUMERIC.captures(text) {
        if caps[2] != caps[4] {
            return None;
        }
        let a: i8 = caps[1].parse().ok()?;
        let b: i8 = caps[3].parse().ok()?;
        // Dots are day-first everywhere they are used (de, ru, pl, ...).
        let day_first = if a > 12 {
            true
        } else if b > 12 {
            false
        } else {
            day_first || &caps[2] == "."
        };
        let (day, month) = if day_first { (a, b) } else { (b, a) };
        let year: i16 = caps[5].parse().ok()?;
        let year = if caps[5].len() == 2 { two_digit_year(year) } else { year };
        let (time, offset) = match caps.get(6).map(|t| t.as_str().trim()).filter(|t| !t.is_empty()) {
            Some(rest) => time_and_zone(rest)?,
            None => ((0, 0, 0), None),
        };
        return Some(Fields { year: Some(year), month, day, time, offset });
    }
    worded(text)
}

/// A time with perhaps a zone after it, and nothing else.
fn time_and_zone(text: &str) -> Option<((i8, i8, i8), Option<Offset>)> {
    let caps = TIME.captures(text)?;
    let whole = caps.get(0)?;
    if !text[..whole.start()].trim().is_empty() {
        return None;
    }
    let time = time_from(&caps)?;
    let rest = text[whole.end()..].trim();
    if rest.is_empty() {
        return Some((time, None));
    }
    let spaced = format!(" {rest}");
    let zone = ZONE.captures(&spaced)?;
    (zone.get(0)?.as_str().trim().len() == rest.len()).then_some(())?;
    Some((time, Some(zone_from(&zone)?)))
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

fn month_of(word: &str) -> Option<i8> {
    let word = word.trim_end_matches('.');
    if word == "sept" {
        return Some(9);
    }
    (0..12).find(|&i| word == MONTHS[i] || word == MONTH_NAMES[i]).map(|i| i as i8 + 1)
}

fn is_weekday(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    word.len() >= 2 && WEEKDAYS.iter().any(|d| d.starts_with(word) && (word.len() >= 3 || word == "tu" || word == "th"))
}

/// A date written with a month name: `November 18, 2019, 6:49am`, `Mon Jan 06, 2020 3:04
/// pm`, `02-Jan-20 03:04 PM`, `6th Jan '20 15:04`, `Mar 12`.
fn worded(text: &str) -> Option<Fields> {
    let lower = text.to_lowercase();
    let mut rest = lower.clone();
    let mut time = (0, 0, 0);
    if let Some(caps) = TIME.captures(&lower) {
        time = time_from(&caps)?;
        let whole = caps.get(0)?;
        rest.replace_range(whole.range(), " ");
    }
    let mut offset = None;
    if let Some(caps) = ZONE.captures(&rest) {
        offset = Some(zone_from(&caps)?);
        let whole = caps.get(0)?;
        let start = if caps.get(7).is_some() { whole.end() - 1 } else { whole.start() };
        rest.replace_range(start..whole.end(), " ");
    }
    let mut fields = Fields { time, offset, ..Fields::default() };
    let mut numbers: Vec<&str> = Vec::new();
    for word in rest.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '.')).filter(|w| !w.is_empty()) {
        let word = word.trim_matches('.');
        if word.is_empty() {
            continue;
        }
        if let Some(month) = month_of(word) {
            if fields.month != 0 {
                return None;
            }
            fields.month = month;
        } else if is_weekday(word) || matches!(word, "on" | "at" | "the" | "of" | "posted" | "am" | "pm") {
            // `am`/`pm` are left alone only when the time took them already.
            if matches!(word, "am" | "pm") {
                return None;
            }
        } else if let Some(yy) = word.strip_prefix('\'') {
            if yy.len() != 2 || fields.year.is_some() {
                return None;
            }
            fields.year = Some(two_digit_year(yy.parse().ok()?));
        } else {
            let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let suffix = &word[digits.len()..];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            if !suffix.is_empty() && !matches!(suffix, "st" | "nd" | "rd" | "th") {
                return None;
            }
            numbers.push(digits);
        }
    }
    if fields.month == 0 {
        return None;
    }
    for digits in numbers {
        let n: i32 = digits.parse().ok()?;
        if digits.len() == 4 && fields.year.is_none() {
            fields.year = Some(n as i16);
        } else if digits.len() <= 2 && fields.day == 0 && (1..=31).contains(&n) {
            fields.day = n as i8;
        } else if digits.len() == 2 && fields.year.is_none() {
            fields.year = Some(two_digit_year(n as i16));
        } else {
            return None;
        }
    }
    (fields.day != 0).then_some(fields)
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> DateContext {
        DateContext::default()
    }

    fn captured() -> DateContext {
        DateContext { captured: Some("2024-05-01T10:00:00Z".parse().unwrap()), ..DateContext::default() }
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn absolute_forms() {
        for (text, want) in [
            ("2020-01-02T15:04:05Z", "2020-01-02T15:04:05Z"),
            ("2020-01-02T15:04:05.123+01:00", "2020-01-02T14:04:05Z"),
            ("2020-01-02 15:04", "2020-01-02T15:04:00Z"),
            ("2020-05-01 12:34:56 UTC", "2020-05-01T12:34:56Z"),
            ("2020/1/2 15:04", "2020-01-02T15:04:00Z"),
            ("November 18, 2019, 6:49am", "2019-11-18T06:49:00Z"),
            ("November 18, 2019,  6:49pm", "2019-11-18T18:49:00Z"),
            ("Mon Jan 06, 2020 3:04 pm", "2020-01-06T15:04:00Z"),
            ("Mon Jan 06, 2020 12:04 am", "2020-01-06T00:04:00Z"),
            ("02-Jan-20 03:04 PM", "2020-01-02T15:04:00Z"),
            ("06 Jan 2020, 15:04", "2020-01-06T15:04:00Z"),
            ("Jan 6th, '20, 15:04", "2020-01-06T15:04:00Z"),
            ("Thursday, January 2, 2020 3:04 PM", "2020-01-02T15:04:00Z"),
            ("on March 3, 2021", "2021-03-03T00:00:00Z"),
            ("Sept 9, 1999 23:59:59 GMT", "1999-09-09T23:59:59Z"),
            ("Mon Jan 06, 2020 3:04 pm UTC+1", "2020-01-06T14:04:00Z"),
            ("1/2/2020 3:04 PM", "2020-01-02T15:04:00Z"),
            ("13/02/2020 15:04", "2020-02-13T15:04:00Z"),
            ("02.01.2020 15:04", "2020-01-02T15:04:00Z"),
            ("1/2/20 3:04 p.m.", "2020-01-02T15:04:00Z"),
        ] {
            assert_eq!(absolute(text, &ctx()), Some(ts(want)), "{text:?}");
        }
    }

    #[test]
    fn not_absolute() {
        for text in [
            "",
            "hello",
            "Mar 12",
            "5 hours ago",
            "Nov '19",
            "13:04",
            "2020-13-01",
            "February 30, 2020",
            "Mon Jan 06, 2020 13:04 pm",
            "I was born on March 3, 2021",
            "1/2/2020 and more",
            "1/2-2020",
            "March",
            "2 3 2020",
        ] {
            assert_eq!(absolute(text, &ctx()), None, "{text:?}");
        }
    }

    #[test]
    fn day_first_setting() {
        let day_first = DateContext { day_first: true, ..ctx() };
        assert_eq!(absolute("01/02/2020 15:04", &day_first), Some(ts("2020-02-01T15:04:00Z")));
        assert_eq!(absolute("01/02/2020 15:04", &ctx()), Some(ts("2020-01-02T15:04:00Z")));
        // A number above 12 settles it whatever the setting.
        assert_eq!(absolute("1/13/2020 15:04", &day_first), Some(ts("2020-01-13T15:04:00Z")));
    }

    #[test]
    fn zones() {
        let berlin = DateContext { zone: TimeZone::get("Europe/Berlin").unwrap(), ..ctx() };
        assert_eq!(absolute("2020-07-01 12:00", &berlin), Some(ts("2020-07-01T10:00:00Z")));
        assert_eq!(absolute("2020-01-01 12:00", &berlin), Some(ts("2020-01-01T11:00:00Z")));
        // A zone in the text wins over the context's.
        assert_eq!(absolute("2020-07-01 12:00 UTC", &berlin), Some(ts("2020-07-01T12:00:00Z")));
        assert_eq!(absolute("2020-07-01T12:00:00-05:00", &berlin), Some(ts("2020-07-01T17:00:00Z")));
    }

    #[test]
    fn relative_forms() {
        for (text, want) in [
            ("5 hours ago", Some("2024-05-01T05:00:00Z")),
            ("an hour ago", Some("2024-05-01T09:00:00Z")),
            ("a minute ago", Some("2024-05-01T09:59:00Z")),
            ("1 minute ago", Some("2024-05-01T09:59:00Z")),
            ("3 days ago", Some("2024-04-28T10:00:00Z")),
            ("2 months ago", Some("2024-03-01T10:00:00Z")),
            ("1 year ago", Some("2023-05-01T10:00:00Z")),
            ("just now", Some("2024-05-01T10:00:00Z")),
            ("yesterday", Some("2024-04-30T10:00:00Z")),
            ("Yesterday, 15:04", Some("2024-04-30T15:04:00Z")),
            ("today at 3:04 PM", Some("2024-05-01T15:04:00Z")),
            ("5h", Some("2024-05-01T05:00:00Z")),
            ("12m", Some("2024-05-01T09:48:00Z")),
            ("Mar 12", Some("2024-03-12T00:00:00Z")),
            ("Dec 24", Some("2023-12-24T00:00:00Z")),
            ("May 1", Some("2024-05-01T00:00:00Z")),
            ("May 2", Some("2023-05-02T00:00:00Z")),
            ("Mar 12, 3:04 pm", Some("2024-03-12T15:04:00Z")),
            ("Feb 29", Some("2024-02-29T00:00:00Z")),
            ("Nov '19", None),
        ] {
            let when = relative(text, &captured()).unwrap_or_else(|| panic!("{text:?} not relative"));
            assert_eq!(when.date, want.map(ts), "{text:?}");
            assert_eq!(when.text.as_deref(), Some(text), "{text:?}");
        }
    }

    #[test]
    fn relative_without_capture_keeps_words_only() {
        for text in ["5 hours ago", "Mar 12", "yesterday", "3d"] {
            assert_eq!(parse(text, &ctx()), Some(When { date: None, text: Some(text.to_owned()) }), "{text:?}");
        }
        assert_eq!(parse("  5   hours ago ", &ctx()).unwrap().text.as_deref(), Some("5 hours ago"));
    }

    #[test]
    fn absolute_dates_keep_no_words() {
        assert_eq!(
            parse("2020-01-02 15:04", &captured()),
            Some(When { date: Some(ts("2020-01-02T15:04:00Z")), text: None })
        );
        assert_eq!(parse("not a date", &captured()), None);
        assert_eq!(parse("Today I learned", &captured()), None);
        for huge in
            ["99999999 years ago", "99999 years ago", "30000 years ago", "999999999 months ago", "9999999999999s"]
        {
            assert_eq!(parse(huge, &captured()).and_then(|w| w.date), None, "{huge}");
        }
    }

    #[test]
    fn offsets() {
        for (text, hours_x2) in [
            ("All times are UTC", 0),
            ("All times are UTC + 1 hour", 2),
            ("All times are UTC + 1 hour [ DST ]", 4),
            ("All times are UTC - 5 hours", -10),
            ("All times are GMT + 5.5 Hours", 11),
            ("All times are UTC+01:00", 2),
            ("All times are UTC-03:30", -7),
            ("All times are UTC−05:00", -10),
        ] {
            let offset = utc_offset(text).unwrap_or_else(|| panic!("{text:?}"));
            assert_eq!(offset.seconds(), hours_x2 * 1800, "{text:?}");
        }
        assert_eq!(utc_offset("All times are local"), None);
    }
}
