//! Discourse bodies to HTML: Markdown, with Discourse's quote and details blocks, and
//! bounds on how much structure a post can have.
//!
//! Discourse keeps what people typed: CommonMark with tables, strikethrough and task
//! lists, `[quote=...]` and `[details=...]` blocks, emoji shortcodes, images. The blocks
//! become HTML before Markdown reads the body; images become links (pages load nothing
//! from the network); text gets the same escaping, emoji and links as plain bodies. The
//! structure is bounded here, before the sanitiser, because its time grows with nesting.

use std::borrow::Cow;
use std::fmt::Write;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::i18n::Strings;
use crate::parse::discourse_raw::{self, Quote};
use crate::render::inline::{emojify, escape, push_text};

/// What Markdown rendering needs to know about the thread a post is in.
pub struct ThreadContext<'a> {
    /// The Discourse topic id of the thread, for telling its quotes from other threads'.
    pub topic_id: Option<&'a str>,
    /// The link to a post of the thread (`#post-2`, or its page and anchor), or `None`
    /// when the thread has no such post.
    pub post_href: &'a dyn Fn(u32) -> Option<String>,
    /// The original thread's address, to resolve site-relative links against.
    pub source: Option<&'a str>,
    /// The interface's words, for what a quote or a disclosure says of itself.
    pub strings: &'a Strings,
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
            let summary = caps.get(1).or(caps.get(2)).map_or(ctx.strings.t("details"), |m| m.as_str());
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
        if let Some(href) = (ctx.post_href)(n) {
            let _ = write!(title, r##" <a href="{}">(#{n})</a>"##, escape(&href));
        } else {
            let _ = write!(title, " (#{n})");
        }
    }
    if title.is_empty() {
        "\n<blockquote class=\"quote\">\n\n".to_owned()
    } else {
        let (before, after) = (ctx.strings.before("quote_wrote", "name"), ctx.strings.after("quote_wrote", "name"));
        format!(
            "\n<blockquote class=\"quote\">\n<p class=\"quote-title\">{}{title}{}</p>\n\n",
            escape(before),
            escape(after)
        )
    }
}

/// A Discourse (Markdown) body: CommonMark with tables, strikethrough and task lists.
pub fn markdown_to_html(body: &str, ctx: &ThreadContext) -> String {
    to_html(body, ctx, false)
}

/// A chat message's Markdown (what Slack's, Telegram's and Discord's markup became): as
/// [`markdown_to_html`], but a line break in the message is one on the page, as the chat
/// showed it.
pub fn chat_markdown_to_html(body: &str, ctx: &ThreadContext) -> String {
    to_html(body, ctx, true)
}

fn to_html(body: &str, ctx: &ThreadContext, line_breaks: bool) -> String {
    let source = discourse_blocks(body, ctx);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut events = Vec::new();
    let mut in_code = 0usize;
    let mut in_link = 0usize;
    // An image becomes a link to it (pages load nothing from the network): its alt text
    // is gathered until the image ends.
    let mut image: Option<(CowStr, String)> = None;
    let events_in = limit_structure(Parser::new_ext(&source, options)).into_iter().map(|event| match event {
        Event::SoftBreak if line_breaks => Event::HardBreak,
        event => event,
    });
    for event in events_in {
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

/// Deepest nesting of elements a post keeps; deeper structure is flattened to its text.
pub const MAX_DEPTH: usize = 24;
/// Most raw HTML tags a post keeps; past them, raw HTML is shown as text.
pub const MAX_HTML_TAGS: usize = 500;

/// Bounds the structure a post can have before it reaches the sanitiser, whose time grows
/// with nesting (50,000 nested `>` or `<div>` take it seconds): elements nested deeper than
/// [`MAX_DEPTH`] are flattened to their text, and raw HTML past [`MAX_HTML_TAGS`] tags is
/// shown as text.
fn limit_structure<'e>(events: impl Iterator<Item = Event<'e>>) -> Vec<Event<'e>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    // The depth at which flattening began: everything inside is reduced to text.
    let mut flat_from: Option<usize> = None;
    let mut html_tags = 0usize;
    for event in events {
        match event {
            Event::Start(tag) => {
                depth += 1;
                if flat_from.is_none() && depth > MAX_DEPTH {
                    flat_from = Some(depth);
                }
                if flat_from.is_none() {
                    out.push(Event::Start(tag));
                }
            }
            Event::End(tag) => {
                if flat_from.is_none() {
                    out.push(Event::End(tag));
                } else if flat_from == Some(depth) {
                    flat_from = None;
                    out.push(Event::Text(" ".into()));
                }
                depth = depth.saturating_sub(1);
            }
            Event::Html(html) | Event::InlineHtml(html) if flat_from.is_some() => out.push(Event::Text(html)),
            Event::Html(html) | Event::InlineHtml(html) => {
                html_tags += html.matches('<').count();
                out.push(if html_tags > MAX_HTML_TAGS { Event::Text(html) } else { Event::InlineHtml(html) });
            }
            Event::SoftBreak | Event::HardBreak if flat_from.is_some() => out.push(Event::Text(" ".into())),
            Event::TaskListMarker(_) | Event::Rule if flat_from.is_some() => {}
            other => out.push(other),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sanitize::sanitize;

    fn ctx() -> ThreadContext<'static> {
        ThreadContext {
            topic_id: Some("4821"),
            post_href: &|n| (n <= 3).then(|| format!("#post-{n}")),
            source: Some("https://forum.example.org/t/x/4821"),
            strings: Strings::english(),
        }
    }

    #[test]
    fn a_chat_message_keeps_its_line_breaks() {
        let body = "Count me in.\nIs it **icy**?\n\n```\ncode\nlines\n```";
        let chat = sanitize(&chat_markdown_to_html(body, &ctx()));
        assert!(chat.contains("<p>Count me in.<br>\nIs it <strong>icy</strong>?</p>"), "{chat}");
        assert!(chat.contains("<pre><code>code\nlines\n</code></pre>"), "{chat}");
        let forum = sanitize(&markdown_to_html(body, &ctx()));
        assert!(forum.contains("<p>Count me in.\nIs it"), "{forum}");
    }

    fn md(body: &str) -> String {
        sanitize(&markdown_to_html(body, &ctx()))
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
    fn deep_nesting_is_flattened_quickly() {
        for (name, body) in [
            ("quotes", ">".repeat(50_000) + " deep"),
            ("divs", "<div>".repeat(50_000) + "deep"),
            ("lists", "- ".repeat(25_000) + "deep"),
            ("mixed", "> - ".repeat(10_000) + "deep"),
            ("spans", "a ".to_owned() + &"<span>".repeat(50_000) + "deep"),
        ] {
            let start = std::time::Instant::now();
            let html = md(&body);
            assert!(start.elapsed().as_secs_f64() < 5.0, "{name} took {:?}", start.elapsed());
            assert!(html.contains("deep"), "{name}");
            assert!(html.matches("<blockquote>").count() <= MAX_DEPTH, "{name}");
            assert!(html.matches("<div>").count() <= MAX_HTML_TAGS, "{name}");
            assert!(html.matches("<span>").count() <= MAX_HTML_TAGS, "{name}");
        }
    }

    #[test]
    fn links_stay_links_in_long_posts() {
        let body = "https://example.org/x ".repeat(MAX_HTML_TAGS + 10);
        let html = md(&body);
        assert_eq!(html.matches("<a href").count(), MAX_HTML_TAGS + 10);
        assert!(!html.contains("&lt;a"));
    }

    #[test]
    fn shallow_structure_is_kept() {
        let html = md("> > nested quote\n\n- a\n  - b");
        assert_eq!(html.matches("<blockquote>").count(), 2, "{html}");
        assert_eq!(html.matches("<ul>").count(), 2, "{html}");
    }

    #[test]
    fn relative_links_resolve_against_the_source() {
        let html = md("[other](/t/other/5)");
        assert!(html.contains(r#"href="https://forum.example.org/t/other/5""#), "{html}");
    }
}
