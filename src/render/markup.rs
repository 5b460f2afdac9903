//! Post bodies to safe HTML.
//!
//! Plain bodies are escaped text, a paragraph per line; Discourse bodies are Markdown. Both
//! get bare URLs linked and emoji shortcodes turned into emoji, and everything then goes
//! through one allow-list sanitiser ([`sanitize`]), whatever produced it: the body is
//! written by strangers, and a bug in any step before must not become script in a
//! reader's browser.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::model::Paragraphs;
use crate::parse::discourse_raw::{self, Quote};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['<', '>', '&', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `:name:` and `:name:t2:`..`:name:t6:` emoji shortcodes (gemoji names).
static SHORTCODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r":([a-z0-9_+\-]+):(?:t([2-6]):)?").unwrap());

/// Replaces known emoji shortcodes; unknown names and digits-only names (`10:30:45`) stay.
pub fn emojify(text: &str) -> Cow<'_, str> {
    if !text.contains(':') {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut last = 0;
    let mut at = 0;
    while let Some(caps) = SHORTCODE.captures_at(text, at) {
        let whole = caps.get(0).unwrap();
        let name = &caps[1];
        let emoji = (!name.bytes().all(|b| b.is_ascii_digit())).then(|| emojis::get_by_shortcode(name)).flatten();
        match emoji {
            Some(emoji) => {
                let emoji = match caps.get(2).map(|t| t.as_str()) {
                    Some(tone) => {
                        let tone = match tone {
                            "2" => emojis::SkinTone::Light,
                            "3" => emojis::SkinTone::MediumLight,
                            "4" => emojis::SkinTone::Medium,
                            "5" => emojis::SkinTone::MediumDark,
                            _ => emojis::SkinTone::Dark,
                        };
                        emoji.with_skin_tone(tone).unwrap_or(emoji)
                    }
                    None => emoji,
                };
                out.push_str(&text[last..whole.start()]);
                out.push_str(emoji.as_str());
                last = whole.end();
                at = whole.end();
            }
            // The closing colon may open the next shortcode: `a:b:smile:`.
            None => at = whole.start() + 1 + name.len(),
        }
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

fn link_finder() -> LinkFinder {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    finder
}

/// Appends text as HTML: escaped, emoji shortcodes replaced and, unless `in_link`, bare
/// URLs turned into links.
fn push_text(out: &mut String, text: &str, in_link: bool) {
    if in_link {
        out.push_str(&escape(&emojify(text)));
        return;
    }
    for span in link_finder().spans(text) {
        match span.kind() {
            Some(_) => {
                let url = escape(span.as_str());
                let _ = write!(out, r#"<a href="{url}">{url}</a>"#);
            }
            None => out.push_str(&escape(&emojify(span.as_str()))),
        }
    }
}

/// A plain-text body: a paragraph per line, or per blank-line-separated block with line
/// breaks inside it, as the dump's convention says.
pub fn plain_to_html(body: &str, paragraphs: Paragraphs) -> String {
    let mut out = String::with_capacity(body.len() + body.len() / 4);
    let blocks: Vec<&str> = match paragraphs {
        Paragraphs::Lines => body.lines().filter(|l| !l.trim().is_empty()).collect(),
        Paragraphs::BlankLines => body.split("\n\n").filter(|b| !b.trim().is_empty()).collect(),
    };
    for block in blocks {
        out.push_str("<p>");
        for (i, line) in block.lines().enumerate() {
            if i > 0 {
                out.push_str("<br>\n");
            }
            push_text(&mut out, line, false);
        }
        out.push_str("</p>\n");
    }
    out
}

/// What Markdown rendering needs to know about the thread a post is in.
pub struct ThreadContext<'a> {
    /// The Discourse topic id of the thread, for telling its quotes from other threads'.
    pub topic_id: Option<&'a str>,
    /// Whether a post number exists in the thread (a quote then links to it).
    pub has_post: &'a dyn Fn(u32) -> bool,
    /// The original thread's address, to resolve site-relative links against.
    pub source: Option<&'a str>,
}

/// Turns Discourse's BBCode-style blocks into HTML blocks Markdown passes through:
/// `[quote=...]` into an attributed quote that links to the quoted post when it is in this
/// thread, and `[details=...]` into a disclosure. Lines inside code fences are left alone.
fn discourse_blocks(body: &str, ctx: &ThreadContext) -> String {
    static CLOSE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[/(quote|details)\]\s*$").unwrap());
    static DETAILS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^\s*\[details(?:=(?:"([^"\]]*)"|([^\]]*)))?\]"#).unwrap());
    let mut out = String::with_capacity(body.len() + 64);
    let mut fence = false;
    let mut open: Vec<&str> = Vec::new();
    for line in body.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = !fence;
        }
        if fence {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut rest = line;
        if let Some((quote, len)) = discourse_raw::quote_at(rest) {
            out.push_str(&quote_open(&quote, ctx));
            open.push("quote");
            rest = &rest[len..];
        } else if let Some(caps) = DETAILS.captures(rest) {
            let summary = caps.get(1).or(caps.get(2)).map_or("Details", |m| m.as_str());
            let _ = write!(out, "\n<details>\n<summary>{}</summary>\n\n", escape(&emojify(summary)));
            open.push("details");
            rest = &rest[caps.get(0).unwrap().end()..];
        }
        let close = CLOSE
            .captures(rest)
            .filter(|caps| open.last() == Some(&&caps[1][..]))
            .map(|caps| caps.get(0).unwrap().start());
        let (text, closing) = match close {
            Some(at) => (&rest[..at], true),
            None => (rest, false),
        };
        if !text.trim().is_empty() || !closing {
            out.push_str(text);
            out.push('\n');
        }
        if closing {
            let tag = open.pop().unwrap_or("quote");
            let _ = write!(out, "\n</{}>\n\n", if tag == "quote" { "blockquote" } else { "details" });
        }
    }
    for tag in open.into_iter().rev() {
        let _ = write!(out, "\n</{}>\n\n", if tag == "quote" { "blockquote" } else { "details" });
    }
    out
}

fn quote_open(quote: &Quote, ctx: &ThreadContext) -> String {
    let name = quote.display_name.as_deref().or(quote.name.as_deref());
    let mut title = String::new();
    if let Some(name) = name {
        title.push_str(&escape(name));
    }
    if let Some(n) = quote.post.filter(|_| discourse_raw::quotes_same_thread(quote, ctx.topic_id)) {
        if (ctx.has_post)(n) {
            let _ = write!(title, r##" <a href="#post-{n}">(#{n})</a>"##);
        } else {
            let _ = write!(title, " (#{n})");
        }
    }
    if title.is_empty() {
        "\n<blockquote class=\"quote\">\n\n".to_owned()
    } else {
        format!("\n<blockquote class=\"quote\">\n<p class=\"quote-title\">{title} wrote:</p>\n\n")
    }
}

/// A Discourse (Markdown) body: CommonMark with tables, strikethrough and task lists.
pub fn markdown_to_html(body: &str, ctx: &ThreadContext) -> String {
    let source = discourse_blocks(body, ctx);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut events = Vec::new();
    let mut in_code = 0usize;
    let mut in_link = 0usize;
    // An image becomes a link to it (pages load nothing from the network): its alt text
    // is gathered until the image ends.
    let mut image: Option<(CowStr, String)> = None;
    for event in Parser::new_ext(&source, options) {
        if let Some((_, alt)) = &mut image {
            match event {
                Event::End(TagEnd::Image) => {
                    let (url, alt) = image.take().unwrap();
                    static SIZE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\|\d+x\d+(?:,\s*\d+%)?$").unwrap());
                    let alt = SIZE.replace(alt.trim(), "");
                    let alt = if alt.is_empty() { "image".into() } else { alt };
                    let url = absolute(&url, ctx.source);
                    let html = if url.starts_with("http://") || url.starts_with("https://") {
                        format!(r#"<a class="image" href="{}">🖼 {}</a>"#, escape(&url), escape(&alt))
                    } else {
                        format!(r#"<span class="image">🖼 {}</span>"#, escape(&alt))
                    };
                    events.push(Event::InlineHtml(html.into()));
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                // Discourse writes `![alt|690x388](...)`: the size is not part of the alt text.
                image = Some((dest_url, String::new()));
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code += 1;
                events.push(Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Indented)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = in_code.saturating_sub(1);
                events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                in_link += 1;
                let dest_url = absolute(&dest_url, ctx.source).into_owned().into();
                events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                events.push(Event::End(TagEnd::Link));
            }
            Event::Text(text) if in_code == 0 => {
                let mut html = String::with_capacity(text.len());
                push_text(&mut html, &text, in_link > 0);
                events.push(Event::InlineHtml(html.into()));
            }
            Event::TaskListMarker(done) => {
                events.push(Event::Text(if done { "☑ " } else { "☐ " }.into()));
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Resolves a site-relative link (`/t/x/1`) against the original thread's address; other
/// URLs come back as they are.
fn absolute<'u>(url: &'u str, source: Option<&str>) -> Cow<'u, str> {
    static ORIGIN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(https?://[^/?#]+)").unwrap());
    match source.and_then(|s| ORIGIN.captures(s)) {
        Some(origin) if url.starts_with('/') && !url.starts_with("//") => Cow::Owned(format!("{}{url}", &origin[1])),
        _ => Cow::Borrowed(url),
    }
}

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
        .url_relative(UrlRelative::Custom(Box::new(only_fragments)))
        .link_rel(Some("nofollow ugc noopener"));
    builder
});

/// Relative URLs in a post point into the original forum, which the archive does not
/// have; only in-page anchors (`#post-2`) are kept.
fn only_fragments(url: &str) -> Option<Cow<'_, str>> {
    url.starts_with('#').then_some(Cow::Borrowed(url))
}

/// The allow-list every post's HTML passes through: no script, styles, forms, frames,
/// images or embedded media, no event handlers or `style` attributes, only `http`,
/// `https` and `mailto` URLs (and `#post-N` anchors), and `rel="nofollow ugc noopener"` on
/// links.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// Plain text of a post for excerpts: Markdown syntax and quotes left out, white space
/// collapsed, cut at a word boundary to about `max` characters.
pub fn excerpt(body: &str, markdown: bool, max: usize) -> String {
    let text = plain_text(body, markdown);
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() > max {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The words of a post as a reader sees them: Markdown syntax and quotes of other posts
/// left out, emoji shortcodes replaced; line breaks and white space as they come.
pub fn plain_text(body: &str, markdown: bool) -> String {
    let mut text = String::new();
    if markdown {
        let mut quote_depth = 0usize;
        for line in body.lines() {
            if discourse_raw::quote_at(line).is_some() {
                quote_depth += 1;
            } else if line.trim_end().ends_with("[/quote]") {
                quote_depth = quote_depth.saturating_sub(1);
            } else if quote_depth == 0 {
                text.push_str(line);
                text.push('\n');
            }
        }
        let mut plain = String::new();
        for event in Parser::new(&text) {
            match event {
                Event::Text(t) | Event::Code(t) => plain.push_str(&t),
                Event::SoftBreak | Event::HardBreak | Event::End(_) => plain.push(' '),
                _ => {}
            }
        }
        text = plain;
    } else {
        text.push_str(body);
    }
    emojify(&text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ThreadContext<'static> {
        ThreadContext {
            topic_id: Some("4821"),
            has_post: &|n| n <= 3,
            source: Some("https://forum.example.org/t/x/4821"),
        }
    }

    fn md(body: &str) -> String {
        sanitize(&markdown_to_html(body, &ctx()))
    }

    #[test]
    fn emoji_table() {
        for (text, want) in [
            ("bye :slightly_smiling_face:", "bye 🙂"),
            (":+1:t3:", "👍🏼"),
            (":heart: :heart:", "❤️ ❤️"),
            ("at 10:30:45", "at 10:30:45"),
            (":not_an_emoji:", ":not_an_emoji:"),
            ("12:30:smile:", "12:30😄"),
            ("no colons", "no colons"),
        ] {
            assert_eq!(emojify(text), want, "{text:?}");
        }
    }

    #[test]
    fn plain_is_escaped_and_linked() {
        let html = sanitize(&plain_to_html(
            "<script>alert(1)</script> see https://example.org/a?b=1&c=2\nline two :heart:",
            Paragraphs::Lines,
        ));
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains(r#"<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">"#), "{html}");
        assert_eq!(html.matches("<p>").count(), 2);
        assert!(html.contains("line two ❤️"));
    }

    #[test]
    fn plain_blank_line_paragraphs() {
        let html = plain_to_html("a\nb\n\nc", Paragraphs::BlankLines);
        assert_eq!(html, "<p>a<br>\nb</p>\n<p>c</p>\n");
    }

    #[test]
    fn markdown_features() {
        let html = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n\n- [x] done\n\nhttps://example.org");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>gone</del>"), "{html}");
        assert!(html.contains("☑ done"), "{html}");
        assert!(html.contains(r#"<a href="https://example.org" rel="nofollow ugc noopener">"#), "{html}");
    }

    #[test]
    fn code_is_not_emojified_or_linked() {
        let html = md("`:heart: https://x.example`\n\n```\n:heart:\n```");
        assert!(!html.contains('❤'), "{html}");
        assert!(!html.contains("<a "), "{html}");
    }

    #[test]
    fn quotes_link_to_the_quoted_post() {
        let html = md("[quote=\"Bob Builder, post:2, topic:4821, username:bob\"]\nDid you *add* it?\n[/quote]\n\nYes.");
        assert!(html.contains(r#"<blockquote class="quote">"#), "{html}");
        assert!(html.contains(r##"Bob Builder <a href="#post-2""##), "{html}");
        assert!(html.contains("<em>add</em>"), "{html}");
        assert!(html.contains("<p>Yes.</p>"), "{html}");
        let other = md("[quote=\"x, post:2, topic:99\"]\nelsewhere\n[/quote]");
        assert!(!other.contains("#post-2"), "{other}");
    }

    #[test]
    fn quote_names_are_escaped() {
        let html = md("[quote=\"<img src=x onerror=alert(1)>, post:1, topic:4821\"]\nhi\n[/quote]");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{html}");
    }

    #[test]
    fn details_and_unclosed_blocks() {
        let html = md("[details=\"Full log\"]\nwarning\n\n-------------------------\nnote\n[/details]");
        assert!(html.contains("<details>\n<summary>Full log</summary>"), "{html}");
        assert!(html.contains("<hr>"), "{html}");
        let unclosed = md("[quote=\"a, post:1, topic:4821\"]\nnever closed");
        assert_eq!(unclosed.matches("<blockquote").count(), unclosed.matches("</blockquote>").count());
    }

    #[test]
    fn images_become_links() {
        let html = md("![screenshot|690x388](upload://aBcD.png) ![cat](https://img.example/c.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("🖼 screenshot<"), "{html}");
        assert!(html.contains(r#"href="https://img.example/c.png""#), "{html}");
    }

    #[test]
    fn hostile_html_is_removed() {
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<form action=\"https://evil.example\"><input></form>",
            "<base href=\"https://evil.example/\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
            "<style>body{display:none}</style>",
            "<svg><script>alert(1)</script></svg>",
            "<p style=\"color:red\" onclick=\"alert(1)\">x</p>",
            "<a href=\"vbscript:msgbox(1)\">x</a>",
        ] {
            let html = md(hostile);
            let lower = html.to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onclick",
                "javascript:",
                "vbscript:",
                "data:",
                "<iframe",
                "<form",
                "<base",
                "<meta",
                "<style",
                "<svg",
                "style=",
                "<input",
            ] {
                assert!(!lower.contains(bad), "{hostile:?} gave {html}");
            }
        }
    }

    #[test]
    fn relative_links_resolve_against_the_source() {
        let html = md("[other](/t/other/5)");
        assert!(html.contains(r#"href="https://forum.example.org/t/other/5""#), "{html}");
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("one two three", false, 7), "one two…");
        assert_eq!(excerpt("[quote=\"a, post:1\"]\nold\n[/quote]\n\n**New** `code` :heart:", true, 100), "New code ❤️");
    }
}
