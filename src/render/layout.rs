//! What every page shares: the [`Meta`] the layout (`templates/_layout.html`) reads,
//! dates as pages show them, and the links between the pages of a list.
//!
//! Both the thread pages and the list pages are made from these, so they sit in a file
//! below both.

use jiff::Timestamp;

use crate::i18n::Strings;
use crate::render::markup;
use crate::site::Site;
use crate::theme::Theme;

/// What the layout needs of every page.
pub struct Meta<'a> {
    pub lang: &'a str,
    /// `""`, `"../"`, …: from this page back to the archive's root.
    pub root: String,
    pub archive_title: &'a str,
    /// The page's `<title>`.
    pub title: String,
    /// A sentence about the page, for search engines and link previews.
    pub description: String,
    /// The page's address, where the archive has a `base_url`.
    pub canonical: Option<String>,
    /// The Atom feed of what the page lists, relative to the page.
    pub feed: Option<String>,
    /// Open Graph type: `website` or `article`.
    pub og_type: &'static str,
    /// The owner's theme: stylesheet, logo, snippets.
    pub theme: &'a Theme,
    /// The interface's words.
    pub s: &'a Strings,
}

impl<'a> Meta<'a> {
    /// The meta of the page at `path` (from the archive's root).
    pub fn new(site: &'a Site, path: &str, title: String, description: String) -> Meta<'a> {
        let config = &site.config;
        Meta {
            lang: &config.language,
            root: "../".repeat(path.matches('/').count()),
            archive_title: &config.title,
            title,
            description: markup::excerpt(&description, false, 200),
            canonical: config.base_url.as_ref().map(|base| format!("{base}{}", path.trim_end_matches("index.html"))),
            feed: None,
            og_type: "website",
            theme: &site.theme,
            s: site.strings(),
        }
    }

    /// `<html dir="rtl">` for a language written right to left.
    pub fn dir(&self) -> &'static str {
        if self.s.rtl() { "rtl" } else { "ltr" }
    }

    /// A theme's snippet with `{root}` made the way back to the archive's root.
    fn snippet(&self, html: &str) -> String {
        html.replace("{root}", &markup::escape(&self.root))
    }

    pub fn theme_head(&self) -> String {
        self.snippet(&self.theme.head)
    }

    pub fn theme_header(&self) -> String {
        self.snippet(&self.theme.header)
    }

    pub fn theme_footer(&self) -> String {
        self.snippet(&self.theme.footer)
    }

    /// The logo's address and size, when the theme has one.
    pub fn logo(&self) -> Option<(String, Option<(u32, u32)>)> {
        self.theme.logo.as_ref().map(|l| (format!("{}static/{}", self.root, l.file), l.size))
    }

    pub(super) fn with_feed(mut self, site: &Site, feed_path: String) -> Self {
        if site.config.base_url.is_some() {
            self.feed = Some(format!("{}{feed_path}", self.root));
        }
        self
    }
}

/// A date as a page shows it: machine-readable and for people.
pub struct DateView {
    pub iso: String,
    pub human: String,
}

impl DateView {
    pub fn new(ts: Timestamp, strings: &Strings) -> DateView {
        DateView { iso: iso(ts), human: strings.date_time(ts) }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, as `<time datetime>` takes it: written out by hand for the
/// years 0 to 9999, which every post's date passes through, where `strftime` reads its
/// pattern anew each time.
fn iso(ts: Timestamp) -> String {
    let d = jiff::tz::TimeZone::UTC.to_datetime(ts);
    if (0..=9999).contains(&d.year()) {
        let (year, month, day, hour, minute, second) = (d.year(), d.month(), d.day(), d.hour(), d.minute(), d.second());
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
    } else {
        ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// Links between the pages of a list; URLs are relative to the current page.
pub struct Pagination {
    pub current: usize,
    /// How many pages the list has.
    pub total: usize,
    /// The pages linked, by number and URL, in order: the first and the last, and those
    /// within [`Pagination::WINDOW`] of the current one; `None` stands for the pages left
    /// out between two of them.
    pub pages: Vec<Option<(usize, String)>>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pagination {
    /// How many pages either side of the current one are linked. Linking every page made
    /// a list of P pages hold P² links: 450 MB of author pages at a million posts.
    pub const WINDOW: usize = 2;

    /// Pagination over `numbers` (the pages that exist) where `url(n)` is page n's URL.
    pub(super) fn new(current: usize, numbers: &[usize], url: impl Fn(usize) -> String) -> Pagination {
        let at = numbers.iter().position(|&n| n == current).unwrap_or(0);
        let last = numbers.len().saturating_sub(1);
        let shown = |i: usize| i == 0 || i == last || i.abs_diff(at) <= Self::WINDOW;
        let mut pages = Vec::new();
        for (i, &n) in numbers.iter().enumerate() {
            if shown(i) {
                pages.push(Some((n, url(n))));
            } else if i > 0 && shown(i - 1) {
                pages.push(None);
            }
        }
        Pagination {
            current,
            total: numbers.len(),
            pages,
            prev: at.checked_sub(1).map(|i| url(numbers[i])),
            next: numbers.get(at + 1).map(|&n| url(n)),
        }
    }
}

/// A rendered page without the blank lines its templates leave where a part they may
/// show is absent (a line of white space only), which would otherwise be a tenth of a
/// thread page. Lines inside `<pre>` are kept as they are, since white space shows there;
/// text from dumps reaches a page escaped, so every `<pre` in it is a tag.
pub fn without_blank_lines(html: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len());
    let mut in_pre = false;
    let mut start = 0;
    while start < html.len() {
        let end = memchr::memchr(b'\n', &html[start..]).map_or(html.len(), |i| start + i + 1);
        let line = &html[start..end];
        start = end;
        let blank = line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
        // The page's last line is kept whole, so a page ends as its template does.
        if blank && !in_pre && start < html.len() {
            continue;
        }
        out.extend_from_slice(line);
        in_pre = pre_after(line, in_pre);
    }
    out
}

/// Whether a line that starts inside or outside `<pre>` (`in_pre`) ends inside it.
fn pre_after(line: &[u8], mut in_pre: bool) -> bool {
    for i in memchr::memchr_iter(b'<', line) {
        let rest = &line[i + 1..];
        if rest.starts_with(b"pre") && rest.get(3).is_none_or(|b| matches!(b, b'>' | b' ' | b'\t' | b'\n')) {
            in_pre = true;
        } else if rest.starts_with(b"/pre>") {
            in_pre = false;
        }
    }
    in_pre
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_links() {
        let p = Pagination::new(2, &[1, 2, 4], |n| format!("p{n}"));
        assert_eq!(p.prev.as_deref(), Some("p1"));
        assert_eq!(p.next.as_deref(), Some("p4"));
        assert_eq!(p.pages.len(), 3);
        let first = Pagination::new(1, &[1], |n| format!("p{n}"));
        assert!(first.prev.is_none() && first.next.is_none());
    }

    #[test]
    fn long_lists_link_a_window_of_pages() {
        let numbers: Vec<usize> = (1..=100).collect();
        let shown = |current| -> Vec<Option<usize>> {
            Pagination::new(current, &numbers, |n| format!("p{n}"))
                .pages
                .iter()
                .map(|p| p.as_ref().map(|p| p.0))
                .collect()
        };
        assert_eq!(shown(50), [Some(1), None, Some(48), Some(49), Some(50), Some(51), Some(52), None, Some(100)]);
        assert_eq!(shown(1), [Some(1), Some(2), Some(3), None, Some(100)]);
        assert_eq!(shown(4), [Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), None, Some(100)]);
        assert_eq!(shown(99), [Some(1), None, Some(97), Some(98), Some(99), Some(100)]);
        let p = Pagination::new(50, &numbers, |n| format!("p{n}"));
        assert_eq!((p.prev.as_deref(), p.next.as_deref()), (Some("p49"), Some("p51")));
        assert_eq!(p.total, 100, "the window is not the list");
    }

    #[test]
    fn iso_dates_are_as_strftime_writes_them() {
        for ts in ["2024-03-05T07:08:09Z", "0001-01-01T00:00:00Z", "9999-12-30T21:59:59Z", "1970-01-01T00:00:00.5Z"] {
            let ts: Timestamp = ts.parse().unwrap();
            assert_eq!(iso(ts), ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        assert_eq!(iso(Timestamp::MIN), Timestamp::MIN.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    }

    #[test]
    fn blank_lines_go_but_inside_pre() {
        let page =
            b"<p>a</p>\n\n  \n<pre><code>x\n\n  y\n</code></pre>\n\t\n<pre class=\"c\">\n\n</pre><p>b\n\n<preview>\n\n";
        let want = b"<p>a</p>\n<pre><code>x\n\n  y\n</code></pre>\n<pre class=\"c\">\n\n</pre><p>b\n<preview>\n\n";
        assert_eq!(String::from_utf8_lossy(&without_blank_lines(page)), String::from_utf8_lossy(want));
        assert_eq!(without_blank_lines(b""), b"");
        assert_eq!(without_blank_lines(b"a\n"), b"a\n");
    }
}
