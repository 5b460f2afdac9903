//! Plain-text bodies to HTML: paragraphs, `>` quotes with their attributions, and code.
//!
//! Plain dumps say little about their own layout, so a body is read by the conventions
//! most forums and mail share: a line or a blank-line-separated block is a paragraph,
//! `>` marks a quote, indented or fenced lines are code. What counts as a quote here is
//! also what excerpts leave out ([`unquote`], [`ATTRIBUTION`]).

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Paragraphs;
use crate::render::inline::{escape, push_text};

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
pub(super) static ATTRIBUTION: LazyLock<Regex> =
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sanitize::sanitize;

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
    fn plain_blank_line_paragraphs() {
        let html = plain_to_html("a\nb\n\nc", Paragraphs::BlankLines);
        assert_eq!(html, "<p>a<br>\nb</p>\n<p>c</p>\n");
    }
}
