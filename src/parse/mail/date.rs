//! Mail dates: the Date header in the forms real mail has, and the asctime dates of mbox
//! `From ` lines (FORMATS.md §4, §20).

use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::fmt::rfc2822::DateTimeParser;
use jiff::tz::{Offset, TimeZone};
use regex::Regex;

/// A Date header as an instant: RFC 5322 dates and the forms real mail has besides (no
/// weekday or a wrong one, no seconds, two-digit years, zone names, no zone at all, when
/// `zone` says which it is, asctime).
pub fn parse_date(text: &str, zone: &TimeZone) -> Option<Timestamp> {
    static STRICT: DateTimeParser = DateTimeParser::new().relaxed_weekday(true);
    static LENIENT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?ix)^\s*(?:[a-z]+\.?,?\s+)?
              (\d{1,2})[\s-]+([a-z]{3})[a-z]*\.?[\s-]+(\d{2}|\d{4}),?\s+
              (\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?
              \s*(?:(?:GMT|UTC)?([+-]\d{2}):?(\d{2})|([a-z]{1,5}))?\b",
        )
        .unwrap()
    });
    let text = text.trim();
    // The lenient form goes first: it knows zone names that the strict parser reads as
    // "unknown zone" and so as UTC.
    if let Some(caps) = LENIENT.captures(text) {
        let year: i16 = caps[3].parse().ok()?;
        let year = match (caps[3].len(), year) {
            (2, y) if y < 50 => 2000 + y,
            (2, y) => 1900 + y,
            (_, y) => y,
        };
        let dt = civil(year, &caps[2], &caps[1], &caps[4], &caps[5], caps.get(6).map(|m| m.as_str()))?;
        let offset = match (caps.get(7), caps.get(8), caps.get(9)) {
            (Some(h), Some(m), _) => Some(numeric_offset(h.as_str(), m.as_str())?),
            (_, _, Some(name)) => zone_offset(name.as_str()),
            _ => None,
        };
        return at(dt, offset, zone);
    }
    STRICT.parse_timestamp(text).ok().or_else(|| parse_asctime(text, zone))
}

/// An asctime date, as mbox `From ` lines write it: `Thu Jan  2 15:04:05 2020`, with an
/// optional zone before the year (`Thu Jan 02 15:04:05 +0000 2020`). Without a zone it is
/// read in `zone`.
pub fn parse_asctime(text: &str, zone: &TimeZone) -> Option<Timestamp> {
    static ASCTIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^\s*(?:[a-z]{3},?\s+)?([a-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([+-]\d{2})(\d{2})\s+|([a-z]{1,5})\s+)?(\d{4})\b",
        )
        .unwrap()
    });
    let caps = ASCTIME.captures(text)?;
    let dt = civil(caps[9].parse().ok()?, &caps[1], &caps[2], &caps[3], &caps[4], caps.get(5).map(|m| m.as_str()))?;
    let offset = match (caps.get(6), caps.get(7), caps.get(8)) {
        (Some(h), Some(m), _) => Some(numeric_offset(h.as_str(), m.as_str())?),
        (_, _, Some(name)) => zone_offset(name.as_str()),
        _ => None,
    };
    at(dt, offset, zone)
}

fn civil(year: i16, month: &str, day: &str, hour: &str, minute: &str, second: Option<&str>) -> Option<DateTime> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    // `get`, not slicing: a case-insensitive `[a-z]` also matches the Kelvin sign.
    let month =
        MONTHS.iter().position(|m| Some(*m) == month.get(..3).map(str::to_ascii_lowercase).as_deref())? as i8 + 1;
    let second: i8 = second.map_or(Some(0), |s| s.parse().ok())?;
    // A leap second (`:60`) is read as the last second of the minute.
    DateTime::new(year, month, day.parse().ok()?, hour.parse().ok()?, minute.parse().ok()?, second.min(59), 0).ok()
}

fn numeric_offset(hours: &str, minutes: &str) -> Option<Offset> {
    let sign = if hours.starts_with('-') { -1 } else { 1 };
    let h: i32 = hours.trim_start_matches(['+', '-']).parse().ok()?;
    let m: i32 = minutes.parse().ok()?;
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// Zone names mail dates use that mean one offset; others (`IST`) are ambiguous and read
/// as no zone.
fn zone_offset(name: &str) -> Option<Offset> {
    let hours = match name.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" | "WET" => 0,
        "BST" | "CET" | "MET" | "WEST" => 1,
        "CEST" | "MEST" | "EET" => 2,
        "EEST" | "MSK" => 3,
        "EST" => -5,
        "EDT" | "AST" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        "HKT" | "SGT" | "AWST" => 8,
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        "NZDT" => 13,
        _ => return None,
    };
    Offset::from_hours(hours).ok()
}

fn at(dt: DateTime, offset: Option<Offset>, zone: &TimeZone) -> Option<Timestamp> {
    match offset {
        Some(offset) => offset.to_timestamp(dt).ok(),
        None => zone.to_timestamp(dt).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> TimeZone {
        TimeZone::UTC
    }

    #[test]
    fn dates() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        for (text, zone, want) in [
            ("Thu, 02 Jan 2020 15:04:05 +0000", &utc(), Some("2020-01-02T15:04:05Z")),
            ("Thu, 2 Jan 2020 15:04:05 -0500 (EST)", &utc(), Some("2020-01-02T20:04:05Z")),
            ("Fri, 02 Jan 2020 15:04:05 +0100", &utc(), Some("2020-01-02T14:04:05Z")),
            ("2 Jan 2020 15:04 GMT", &utc(), Some("2020-01-02T15:04:00Z")),
            ("Thu, 02 Jan 20 15:04:05 PST", &utc(), Some("2020-01-02T23:04:05Z")),
            ("Thu, 02 Jan 2020 15:04:05", &utc(), Some("2020-01-02T15:04:05Z")),
            ("Thu, 02 Jan 2020 15:04:05", &berlin, Some("2020-01-02T14:04:05Z")),
            ("Thu, 02 Jan 2020 15:04:05 CET", &utc(), Some("2020-01-02T14:04:05Z")),
            ("Thu, 02 January 2020 15:04:05 +0530", &utc(), Some("2020-01-02T09:34:05Z")),
            ("Thu Jan  2 15:04:05 2020", &utc(), Some("2020-01-02T15:04:05Z")),
            ("Thu Jan 02 15:04:05 +0200 2020", &utc(), Some("2020-01-02T13:04:05Z")),
            ("Thu, 02 Jan 2020 15:04:05 -0030", &utc(), Some("2020-01-02T15:34:05Z")),
            ("yesterday", &utc(), None),
            ("Thu, 31 Feb 2020 15:04:05 +0000", &utc(), None),
        ] {
            let got = parse_date(text, zone).map(|t| t.to_string());
            assert_eq!(got.as_deref(), want, "{text:?}");
        }
    }
}
