//! A thread's calendar: the days (or, for a long chat, the months) its posts span, each
//! linking to the first post of that day, so that "what did we say in March 2023" is two
//! clicks from the thread's first page.
//!
//! Days and months are UTC, as every date on the pages is. A calendar names at most a few
//! dozen days; past that it names months, so that it stays short on every page of a chat
//! that goes on for years.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::i18n::Strings;
use crate::model::Thread;

/// The most days a calendar lists before it lists months.
const MAX_DAYS: usize = 31;

/// A calendar as a thread page shows it.
pub struct Calendar {
    /// Whether it lists months, not days.
    pub months: bool,
    /// Each day or month: as people read it, as machines do (`2023-03-14`, `2023-03`), and
    /// the link to its first post.
    pub entries: Vec<(String, String, String)>,
}

/// The calendar of a thread, for a chat or a thread of several pages whose posts span more
/// than one day; `link` gives the address of a post from the page being made.
#[cfg(test)]
fn calendar(
    thread: &Thread,
    several_pages: bool,
    strings: &Strings,
    link: impl Fn(u32) -> Option<String>,
) -> Option<Calendar> {
    spans(thread, several_pages, strings).map(|s| s.linked(link))
}

/// A thread's calendar before links are made: each page of a long thread links the same
/// days, so they are found once per thread, not once per page.
pub struct Spans {
    months: bool,
    /// Each day or month as people and machines read it, and its first post's number.
    entries: Vec<(String, String, u32)>,
}

impl Spans {
    /// The calendar as the page that `link` makes addresses from shows it.
    pub fn linked(&self, link: impl Fn(u32) -> Option<String>) -> Calendar {
        let entries = self
            .entries
            .iter()
            .filter_map(|(label, key, number)| Some((label.clone(), key.clone(), link(*number)?)))
            .collect();
        Calendar { months: self.months, entries }
    }
}

/// The days or months a thread's posts span, as [`calendar`] lists them.
pub fn spans(thread: &Thread, several_pages: bool, strings: &Strings) -> Option<Spans> {
    if !thread.format.is_chat() && !several_pages {
        return None;
    }
    let first_of = |key: fn(Timestamp) -> String| {
        let mut first: BTreeMap<String, (Timestamp, u32)> = BTreeMap::new();
        for post in &thread.posts {
            let Some(date) = post.date else { continue };
            let slot = first.entry(key(date)).or_insert((date, post.number));
            if (date, post.number) < *slot {
                *slot = (date, post.number);
            }
        }
        first
    };
    let days = first_of(|d| d.strftime("%Y-%m-%d").to_string());
    if days.len() < 2 {
        return None;
    }
    let months = days.len() > MAX_DAYS;
    let (spans, label): (_, fn(&Strings, Timestamp) -> String) = if months {
        (first_of(|d| d.strftime("%Y-%m").to_string()), Strings::date_month)
    } else {
        (days, Strings::date_day)
    };
    let entries = spans.into_iter().map(|(key, (date, number))| (label(strings, date), key, number)).collect();
    Some(Spans { months, entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Post};
    use crate::testing;

    fn chat(dates: &[&str]) -> Thread {
        let thread = testing::thread("chat/a.txt", "Chat").format(Format::WhatsApp);
        dates
            .iter()
            .fold(thread, |t, d| t.with(Post { date: Some(d.parse().unwrap()), body: "x".into(), ..Post::default() }))
            .build()
    }

    #[test]
    fn a_chat_lists_its_days_each_linking_to_its_first_post() {
        let thread =
            chat(&["2023-03-09T18:45:00Z", "2023-03-09T19:03:00Z", "2023-03-10T08:15:00Z", "2023-03-13T21:30:00Z"]);
        let cal = calendar(&thread, false, Strings::english(), |n| Some(format!("#post-{n}"))).unwrap();
        assert!(!cal.months);
        let got: Vec<(&str, &str, &str)> =
            cal.entries.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        assert_eq!(
            got,
            [
                ("Thu 9 Mar 2023", "2023-03-09", "#post-1"),
                ("Fri 10 Mar 2023", "2023-03-10", "#post-3"),
                ("Mon 13 Mar 2023", "2023-03-13", "#post-4")
            ]
        );
    }

    #[test]
    fn a_long_chat_lists_its_months() {
        let dates: Vec<String> =
            (0..40).map(|d| format!("2023-{:02}-{:02}T10:00:00Z", 1 + d / 20, 1 + d % 20)).collect();
        let dates: Vec<&str> = dates.iter().map(String::as_str).collect();
        let cal = calendar(&chat(&dates), false, Strings::english(), |n| Some(format!("#post-{n}"))).unwrap();
        assert!(cal.months);
        let got: Vec<(&str, &str)> = cal.entries.iter().map(|(a, _, c)| (a.as_str(), c.as_str())).collect();
        assert_eq!(got, [("January 2023", "#post-1"), ("February 2023", "#post-21")]);
    }

    #[test]
    fn a_forum_thread_of_one_page_or_one_day_has_none() {
        let mut thread = chat(&["2023-03-09T18:45:00Z", "2023-03-10T08:15:00Z"]);
        assert!(calendar(&thread, true, Strings::english(), |_| Some(String::new())).is_some());
        thread.format = Format::Plain;
        assert!(calendar(&thread, false, Strings::english(), |_| Some(String::new())).is_none());
        assert!(
            calendar(&chat(&["2023-03-09T18:45:00Z", "2023-03-09T20:00:00Z"]), true, Strings::english(), |_| Some(
                String::new()
            ))
            .is_none()
        );
    }
}
