//! The one sanitiser every post's HTML passes through, and the URL checks it makes.
//!
//! Whatever made the HTML (plain text, Markdown, a mail body), it ends here: the body is
//! written by strangers, and a bug in any step before must not become script in a
//! reader's browser. So this file trusts nothing those steps do and uses none of them;
//! after the allow-list, [`tidy`] makes what is left valid markup.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use regex::Regex;

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
        "wbr",
    ]
    .into();
    let tag_attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href", "title"].into()),
        ("abbr", ["title"].into()),
        ("ol", ["start"].into()),
        ("td", ["align", "colspan", "rowspan"].into()),
        ("th", ["align", "colspan", "rowspan"].into()),
        ("time", ["datetime"].into()),
        ("details", ["open"].into()),
    ]
    .into();
    let classes: HashMap<&str, HashSet<&str>> = [
        ("blockquote", ["quote"].into()),
        ("details", ["mail-quote"].into()),
        ("div", ["mail", "signature"].into()),
        ("p", ["quote-title"].into()),
        ("a", ["image"].into()),
        ("span", ["image"].into()),
    ]
    .into();
    let mut builder = Builder::default();
    builder
        .tags(tags)
        .tag_attributes(tag_attributes)
        .generic_attributes(["lang", "dir"].into())
        .allowed_classes(classes)
        .url_schemes(["http", "https", "mailto"].into())
        .url_relative(UrlRelative::Custom(Box::new(only_post_links)))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("a", "href") => valid_url(value),
            _ => Some(Cow::Borrowed(value)),
        })
        .link_rel(Some("nofollow ugc noopener"));
    builder
});

/// A URL as a valid attribute value: what URLs may not hold in a path, query or fragment
/// (`<`, `"`, `\`, spaces, a `%` that starts no escape, a second `#`…) percent-encoded.
/// `None` for an address whose host holds such characters: there is nothing to link to.
pub fn valid_url(url: &str) -> Option<Cow<'_, str>> {
    let authority = url.find("://").map_or(0, |at| {
        let host = at + 3;
        host + url[host..].find(['/', '?', '#']).unwrap_or(url.len() - host)
    });
    let (head, rest) = url.split_at(authority);
    let bad_host = |c: char| c.is_whitespace() || c.is_control() || "<>\"\\^`{|}%".contains(c);
    if head.contains(bad_host) {
        return None;
    }
    let bytes = rest.as_bytes();
    let escape = |i: usize| {
        bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    };
    let mut hash = false;
    let fine = |(i, c): (usize, char), hash: &mut bool| match c {
        '#' if !*hash => {
            *hash = true;
            true
        }
        '%' => escape(i),
        'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | '-' | '.' | '/' | ':' | ';' | '=' | '?' | '@' | '_'
        | '~' => true,
        c => !c.is_ascii() && !c.is_control() && !c.is_whitespace() && !is_noncharacter(c),
    };
    if rest.char_indices().all(|ic| fine(ic, &mut hash)) {
        return Some(Cow::Borrowed(url));
    }
    let mut out = String::from(head);
    hash = false;
    for (i, c) in rest.char_indices() {
        if fine((i, c), &mut hash) {
            out.push(c);
        } else {
            for b in c.encode_utf8(&mut [0; 4]).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    Some(Cow::Owned(out))
}

fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xfdd0..=0xfdef).contains(&n) || n & 0xfffe == 0xfffe
}

/// Relative URLs in a post point into the original forum, which the archive does not
/// have; only links to posts in the archive are kept: in-page anchors (`#post-2`) and
/// other pages of the thread (`../long/2.html#post-211`), as quotes make them.
fn only_post_links(url: &str) -> Option<Cow<'_, str>> {
    static POST_LINK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:\.\./)*(?:[a-z0-9-]+/)*[a-z0-9-]+\.html#post-\d+$|^#[A-Za-z0-9_-]+$").unwrap()
    });
    POST_LINK.is_match(url).then_some(Cow::Borrowed(url))
}

/// The allow-list every post's HTML passes through: no script, styles, forms, frames,
/// images or embedded media, no event handlers or `style` attributes, only `http`,
/// `https` and `mailto` URLs (and `#post-N` anchors), and `rel="nofollow ugc noopener"` on
/// links.
pub fn sanitize(html: &str) -> String {
    let clean = SANITIZER.clean(html).to_string();
    // An element the sanitiser drops but keeps the content of can leave a tree no parser
    // builds (`<p><a><marquee><p>` is `<p><a><p>` once the `<marquee>` is gone), whose
    // markup a browser reads otherwise; cleaning that markup again gives the tree it reads.
    let mut clean = if SCOPING_TAG.is_match(html) { SANITIZER.clean(&clean).to_string() } else { clean };
    // Character references (`&#14;`) can name control characters, which HTML forbids.
    crate::text::strip_controls(&mut clean, false);
    tidy(clean)
}

/// Elements that keep an open `<p>` from closing, as `<a>` does not: whose removal can
/// leave a `<p>` inside another.
static SCOPING_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)<(?:applet|button|caption|marquee|math|object|select|svg|table|td|template|th|frameset|foreignobject)\b",
    )
    .unwrap()
});

/// The sanitiser's output, made valid: a link whose address was refused loses its `rel`
/// (which only a link may have), a `<details>` without a `<summary>` gets the one
/// browsers show, and headings go under the post's own (`<h2>`): from `<h3>` on, none more
/// than one level below the one before.
fn tidy(html: String) -> String {
    // Every tag, read whole: attribute values are quoted with `"` and hold none (nor `<`
    // or `>`, which the sanitiser escapes); text holds no `<`.
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"<(/?[a-z][a-z0-9]*)((?: [a-z:-]+="[^"]*")*)>"#).unwrap());
    if !html.contains("<a ") && !html.contains("<details") && !html.contains("<h") {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    // The level of the last heading, as written and as given.
    let mut heading: Option<(u8, u8)> = None;
    for caps in TAG.captures_iter(&html) {
        let whole = caps.get(0).unwrap();
        out.push_str(&html[last..whole.start()]);
        last = whole.end();
        let attributes = &caps[2];
        match &caps[1] {
            "a" if !attributes.contains(" href=") => {
                out.push_str("<a");
                out.push_str(&attributes.replace(" rel=\"nofollow ugc noopener\"", ""));
                out.push('>');
            }
            "details" => {
                out.push_str(whole.as_str());
                if !html[last..].trim_start().starts_with("<summary") {
                    out.push_str("<summary>Details</summary>");
                }
            }
            tag @ ("h1" | "h2" | "h3" | "h4" | "h5" | "h6") => {
                let written = tag.as_bytes()[1] - b'0';
                let level = match heading {
                    None => 3,
                    Some((before, given)) if written > before => given + 1,
                    Some((before, given)) => given.saturating_sub(before - written),
                }
                .clamp(3, 6);
                heading = Some((written, level));
                let _ = write!(out, "<h{level}{attributes}>");
            }
            tag @ ("/h1" | "/h2" | "/h3" | "/h4" | "/h5" | "/h6") => {
                let level = heading.map_or(tag.as_bytes()[2] - b'0', |(_, given)| given);
                let _ = write!(out, "</h{level}>");
            }
            _ => out.push_str(whole.as_str()),
        }
    }
    out.push_str(&html[last..]);
    out
}

/// Only addresses a reader can follow safely are linked.
pub fn safe_url(url: Option<&str>) -> Option<&str> {
    url.filter(|s| {
        let lower = s.to_ascii_lowercase();
        (lower.starts_with("https://") || lower.starts_with("http://")) && !s.chars().any(char::is_whitespace)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_links_to_posts_stay_relative() {
        for (url, kept) in [
            ("#post-2", true),
            ("../long/2.html#post-211", true),
            ("long.html#post-3", true),
            ("../../etc/passwd", false),
            ("/t/other/5", false),
            ("x.html", false),
            ("#a\"b", false),
        ] {
            assert_eq!(only_post_links(url).is_some(), kept, "{url}");
        }
    }

    #[test]
    fn urls_are_made_valid_attribute_values() {
        assert_eq!(valid_url("https://example.org/a?b=1#c").as_deref(), Some("https://example.org/a?b=1#c"));
        assert_eq!(valid_url("https://example.org/ü%20x").as_deref(), Some("https://example.org/ü%20x"));
        assert_eq!(
            valid_url("https://cdn.example.org/<script>\\\"x|{}^`#a#b%zz").as_deref(),
            Some("https://cdn.example.org/%3Cscript%3E%5C%22x%7C%7B%7D%5E%60#a%23b%25zz")
        );
        assert_eq!(valid_url("http://a/%%30%30").as_deref(), Some("http://a/%25%30%30"));
        assert_eq!(valid_url("https://<script>.example/x"), None);
        assert_eq!(valid_url("mailto:a@example.org").as_deref(), Some("mailto:a@example.org"));
        let html = sanitize(r#"<a href="https://example.org/<b>">x</a> <a href="https://a b.example/">y</a>"#);
        assert_eq!(html, r#"<a href="https://example.org/%3Cb%3E" rel="nofollow ugc noopener">x</a> <a>y</a>"#);
    }

    #[test]
    fn sanitised_markup_is_valid() {
        // A refused link keeps no `rel`; a `<details>` gets its `<summary>`.
        assert_eq!(sanitize(r#"<a href="javascript:x" title="t">x</a>"#), r#"<a title="t">x</a>"#);
        assert_eq!(
            sanitize("<details open ontoggle=x>y</details>"),
            r#"<details open=""><summary>Details</summary>y</details>"#
        );
        assert_eq!(sanitize("<details><summary>s</summary>y</details>"), "<details><summary>s</summary>y</details>");
        // A `<details>` in an attribute is no element, and is left as it is.
        assert_eq!(sanitize(r#"<abbr title="<details>">x</abbr>"#), r#"<abbr title="&lt;details&gt;">x</abbr>"#);
        // Headings go under the post's own, one level at a time.
        assert_eq!(sanitize("<h1>a</h1><h4>b</h4><h2>c</h2><h6>d</h6>"), "<h3>a</h3><h4>b</h4><h3>c</h3><h4>d</h4>");
        // No control characters, even from character references.
        assert_eq!(sanitize("<p>a&#14;b&#7;</p>"), "<p>ab</p>");
        // A removed element that kept a `<p>` open leaves no `<p>` inside another.
        let html = sanitize("<p><a href=\"https://x.example/\"><marquee>\n\n<p>x</p><pre>y</pre></a></p>");
        assert!(!html.contains("<p><a href=\"https://x.example/\" rel=\"nofollow ugc noopener\"><p>"), "{html}");
        assert_eq!(sanitize(&html), html, "cleaning the result again changes nothing");
    }
}
