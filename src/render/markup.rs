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
    // The characters escaped are ASCII: the text is read as bytes, and copied in runs.
    let reference = |b: u8| match b {
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'&' => Some("&amp;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    };
    let Some(first) = text.bytes().position(|b| reference(b).is_some()) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    for (i, b) in text.bytes().enumerate().skip(first) {
        if let Some(reference) = reference(b) {
            out.push_str(&text[copied..i]);
            out.push_str(reference);
            copied = i + 1;
        }
    }
    out.push_str(&text[copied..]);
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
pub(crate) fn push_text(out: &mut String, text: &str, in_link: bool) {
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
/// breaks inside it, as the dump's convention says; indented or fenced lines are code.
///
/// Lines that start with `>` are a quote (`> >` a quote in a quote), the way mail and
/// many forums mark them and the way the copy-paste parsers write back quotes whose
/// markers the copy lost (phpBB). A line `NAME wrote:` right before a quote is its
/// attribution and becomes the quote's title.
pub fn plain_to_html(body: &str, paragraphs: Paragraphs) -> String {
    let mut out = String::with_capacity(body.len() + body.len() / 4);
    let lines: Vec<&str> = body.lines().collect();
    push_plain(&mut out, &lines, paragraphs, 0);
    out
}

/// How deep quotes nest before deeper markers are shown as text; dumps are untrusted and
/// a line of a thousand `>` must not nest a thousand elements.
const MAX_QUOTE_DEPTH: usize = 8;

/// `alice wrote:`, `On 2 Jan 2020, alice wrote:`; phpBB 3.2 adds a `↑` link to the post.
static ATTRIBUTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(\S.{0,150}?\s+wrote)\s*:\s*↑?\s*$").unwrap());

/// Whether a line is quoted, and the line without its marker.
pub fn unquote(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('>')?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

fn push_plain(out: &mut String, lines: &[&str], paragraphs: Paragraphs, depth: usize) {
    let mut start = 0;
    let mut i = 0;
    while i < lines.len() {
        if depth >= MAX_QUOTE_DEPTH || unquote(lines[i]).is_none() {
            i += 1;
            continue;
        }
        let mut before = i;
        let title = ATTRIBUTION.captures(lines[i.saturating_sub(1)]).filter(|_| i > start).map(|caps| {
            before -= 1;
            caps.get(1).map_or("", |m| m.as_str()).trim().to_owned()
        });
        push_paragraphs(out, &lines[start..before], paragraphs);
        let end = (i..lines.len()).find(|&j| unquote(lines[j]).is_none()).unwrap_or(lines.len());
        let inner: Vec<&str> = lines[i..end].iter().filter_map(|l| unquote(l)).collect();
        out.push_str("<blockquote class=\"quote\">\n");
        if let Some(title) = title {
            out.push_str("<p class=\"quote-title\">");
            push_text(out, &title, false);
            out.push_str(":</p>\n");
        }
        push_plain(out, &inner, paragraphs, depth + 1);
        out.push_str("</blockquote>\n");
        start = end;
        i = end;
    }
    push_paragraphs(out, &lines[start..], paragraphs);
}

/// Paragraphs, and code: a run of lines indented by two spaces or a tab (Hacker News'
/// code blocks, and most forums' when copied) or between ```` ``` ```` fences (Discord's)
/// keeps its lines and spaces in a `<pre>`.
fn push_paragraphs(out: &mut String, lines: &[&str], paragraphs: Paragraphs) {
    let mut block: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_fence(line) {
            push_block(out, &mut block);
            let close = (i + 1..lines.len()).find(|&j| is_fence(lines[j]));
            push_code(out, &lines[i + 1..close.unwrap_or(lines.len())]);
            i = close.map_or(lines.len(), |c| c + 1);
            continue;
        }
        if is_indented(line) {
            push_block(out, &mut block);
            let end = (i..lines.len()).find(|&j| !is_indented(lines[j])).unwrap_or(lines.len());
            push_code(out, &lines[i..end]);
            i = end;
            continue;
        }
        if line.trim().is_empty() || paragraphs == Paragraphs::Lines {
            push_block(out, &mut block);
        }
        if !line.trim().is_empty() {
            block.push(line);
        }
        i += 1;
    }
    push_block(out, &mut block);
}

fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

fn is_indented(line: &str) -> bool {
    (line.starts_with("  ") || line.starts_with('\t')) && !line.trim().is_empty()
}

/// A paragraph: its lines joined by line breaks.
fn push_block(out: &mut String, block: &mut Vec<&str>) {
    if block.is_empty() {
        return;
    }
    out.push_str("<p>");
    for (i, line) in block.iter().enumerate() {
        if i > 0 {
            out.push_str("<br>\n");
        }
        push_text(out, line, false);
    }
    out.push_str("</p>\n");
    block.clear();
}

/// Code as written: escaped, the indentation all its lines share removed, nothing linked.
fn push_code(out: &mut String, lines: &[&str]) {
    let indent =
        lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    out.push_str("<pre><code>");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // The shared indentation is white space, so cutting it keeps characters whole.
        out.push_str(&escape(line.get(indent..).unwrap_or(line.trim_start())));
    }
    out.push_str("</code></pre>\n");
}

/// What Markdown rendering needs to know about the thread a post is in.
pub struct ThreadContext<'a> {
    /// The Discourse topic id of the thread, for telling its quotes from other threads'.
    pub topic_id: Option<&'a str>,
    /// The link to a post of the thread (`#post-2`, or its page and anchor), or `None`
    /// when the thread has no such post.
    pub post_href: &'a dyn Fn(u32) -> Option<String>,
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
        if let Some(href) = (ctx.post_href)(n) {
            let _ = write!(title, r##" <a href="{}">(#{n})</a>"##, escape(&href));
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
    for event in limit_structure(Parser::new_ext(&source, options)) {
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

/// Plain text of a post for excerpts: Markdown syntax and quotes left out, white space
/// collapsed, cut at a word boundary to about `max` characters.
pub fn excerpt(body: &str, markdown: bool, max: usize) -> String {
    // Most of a long post is never shown: its opening words are read first, and the whole
    // of it only when they do not fill the excerpt.
    let (opening, cut) = plain_text_until(body, markdown, 4 * max + 64);
    cut_words(opening, max, cut)
        .unwrap_or_else(|| cut_words(plain_text(body, markdown), max, false).unwrap_or_default())
}

/// The words of `text` up to about `max` characters, then `…` if there are more; `None`
/// if `opening` (the text is the opening of a longer one) and the words run out first.
fn cut_words(mut text: String, max: usize, opening: bool) -> Option<String> {
    crate::text::strip_controls(&mut text, true);
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let length = word.chars().count();
        if chars + length > max {
            out.push('…');
            return Some(out);
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += length;
    }
    (!opening).then_some(out)
}

/// The words of a post as a reader sees them: Markdown syntax and quotes of other posts
/// left out, emoji shortcodes replaced; line breaks and white space as they come.
pub fn plain_text(body: &str, markdown: bool) -> String {
    plain_text_until(body, markdown, usize::MAX).0
}

/// [`plain_text`], stopped at the first break between words after `limit` bytes; with
/// whether it was. What comes before is the same: no emoji shortcode and no word spans
/// a break.
fn plain_text_until(body: &str, markdown: bool, limit: usize) -> (String, bool) {
    let mut cut = false;
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
                Event::SoftBreak | Event::HardBreak | Event::End(_) => {
                    plain.push(' ');
                    if plain.len() >= limit {
                        cut = true;
                        break;
                    }
                }
                _ => {}
            }
        }
        text = plain;
    } else {
        // Quotes are someone else's words: an excerpt is the post's own.
        let lines: Vec<&str> = body.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let next_quoted = lines.get(i + 1).is_some_and(|l| unquote(l).is_some());
            if unquote(line).is_none() && !(next_quoted && ATTRIBUTION.is_match(line)) {
                text.push_str(line);
                text.push('\n');
                if text.len() >= limit {
                    cut = i + 1 < lines.len();
                    break;
                }
            }
        }
    }
    (emojify(&text).into_owned(), cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ThreadContext<'static> {
        ThreadContext {
            topic_id: Some("4821"),
            post_href: &|n| (n <= 3).then(|| format!("#post-{n}")),
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
    fn escaping_replaces_exactly_the_five_characters() {
        assert_eq!(escape("plain é"), Cow::Borrowed("plain é"));
        assert_eq!(escape("<a href=\"x\">it's & é</a>"), "&lt;a href=&quot;x&quot;&gt;it&#39;s &amp; é&lt;/a&gt;");
        let pieces = ["a", "é", "😀", "<", ">", "&", "\"", "'", " ", "&amp;"];
        let mut seed = 7u64;
        for _ in 0..5_000 {
            let mut text = String::new();
            for _ in 0..seed % 9 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_add(1);
            let want: String = text
                .chars()
                .map(|c| match c {
                    '<' => "&lt;".to_owned(),
                    '>' => "&gt;".to_owned(),
                    '&' => "&amp;".to_owned(),
                    '"' => "&quot;".to_owned(),
                    '\'' => "&#39;".to_owned(),
                    c => c.to_string(),
                })
                .collect();
            assert_eq!(escape(&text), want, "{text:?}");
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
    fn plain_quotes_become_blockquotes() {
        let html = sanitize(&plain_to_html(
            "alice wrote:\n> After upgrading I get\n> > bob wrote: nested\nClear your cookies.\n>\n> <b>x</b>",
            Paragraphs::Lines,
        ));
        assert_eq!(
            html,
            "<blockquote class=\"quote\">\n<p class=\"quote-title\">alice wrote:</p>\n<p>After upgrading I get</p>\n\
             <blockquote class=\"quote\">\n<p>bob wrote: nested</p>\n</blockquote>\n</blockquote>\n\
             <p>Clear your cookies.</p>\n<blockquote class=\"quote\">\n<p>&lt;b&gt;x&lt;/b&gt;</p>\n</blockquote>\n"
        );
    }

    #[test]
    fn quote_titles_are_escaped_and_only_before_quotes() {
        let html = sanitize(&plain_to_html("<i>x</i> wrote:\n> hi\n\nbob wrote:\nnot a quote", Paragraphs::Lines));
        assert!(html.contains("<p class=\"quote-title\">&lt;i&gt;x&lt;/i&gt; wrote:</p>"), "{html}");
        assert!(html.contains("<p>bob wrote:</p>"), "{html}");
    }

    #[test]
    fn deep_quotes_stop_nesting() {
        let html = plain_to_html(&">".repeat(10_000), Paragraphs::Lines);
        assert_eq!(html.matches("<blockquote").count(), MAX_QUOTE_DEPTH);
        assert_eq!(html.matches("<blockquote").count(), html.matches("</blockquote>").count());
    }

    #[test]
    fn quotes_with_blank_line_paragraphs() {
        let html = plain_to_html("a\nb\n> q1\n> q2\n>\n> q3\n\nc", Paragraphs::BlankLines);
        assert_eq!(
            html,
            "<p>a<br>\nb</p>\n<blockquote class=\"quote\">\n<p>q1<br>\nq2</p>\n<p>q3</p>\n</blockquote>\n<p>c</p>\n"
        );
    }

    #[test]
    fn plain_code_keeps_its_spaces() {
        let html = sanitize(&plain_to_html(
            "Try this:\n\n  fn main() {\n      println!(\"<hi>\");\n  }\nIt prints.\n```\nzpool status  -v\nhttps://x.example\n```\nok",
            Paragraphs::Lines,
        ));
        assert_eq!(
            html,
            "<p>Try this:</p>\n<pre><code>fn main() {\n    println!(\"&lt;hi&gt;\");\n}</code></pre>\n<p>It prints.</p>\n\
             <pre><code>zpool status  -v\nhttps://x.example</code></pre>\n<p>ok</p>\n"
        );
        // An unclosed fence runs to the end; a lone indented line is code too.
        assert_eq!(plain_to_html("```\nx", Paragraphs::Lines), "<pre><code>x</code></pre>\n");
        assert_eq!(plain_to_html("\t<b>", Paragraphs::BlankLines), "<pre><code>&lt;b&gt;</code></pre>\n");
    }

    #[test]
    fn plain_excerpts_leave_quotes_out() {
        assert_eq!(excerpt("alice wrote:\n> old words\nMy answer.", false, 100), "My answer.");
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
    fn relative_links_resolve_against_the_source() {
        let html = md("[other](/t/other/5)");
        assert!(html.contains(r#"href="https://forum.example.org/t/other/5""#), "{html}");
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("one two three", false, 7), "one two…");
        assert_eq!(excerpt("[quote=\"a, post:1\"]\nold\n[/quote]\n\n**New** `code` :heart:", true, 100), "New code ❤️");
    }

    #[test]
    fn an_excerpt_read_from_the_opening_words_is_the_one_read_from_all() {
        let pieces = [
            "word ",
            "longerword ",
            ":heart: ",
            ":heart:",
            "**bold** ",
            "`code` ",
            "\n",
            "\n\n",
            "> quoted\n",
            "Alice wrote:\n",
            "[quote=\"a, post:1\"]\n",
            "[/quote]\n",
            "\u{7}",
            "&#7;",
            "東京都 ",
            "café ",
            "| a | b |\n",
            "|---|---|\n",
            "```\ncode\n",
            "# Heading\n",
            "- item\n",
            "[x]",
            "[x]: https://e.org\n",
        ];
        let mut seed = 1u64;
        for _ in 0..3000 {
            let mut body = String::new();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            for _ in 0..(seed >> 33) % 400 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                body.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            for markdown in [false, true] {
                for max in [5, 40, 160] {
                    let whole = cut_words(plain_text(&body, markdown), max, false).unwrap();
                    assert_eq!(excerpt(&body, markdown, max), whole, "{body:?}");
                }
            }
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
