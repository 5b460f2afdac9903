//! Mail bodies to HTML: what is new in a message stands out, what it repeats folds away.
//!
//! A mail body is plain text with conventions of its own. Lines starting with `>` quote
//! earlier messages (`>>` quotes a quote), usually after an attribution line such as
//! `On Thu, Jan 2, 2020, Alice wrote:`; a line `-- ` starts the signature; mailing lists
//! append a footer under a line of underscores; top-posting clients put the whole earlier
//! message under `-----Original Message-----`. So a body becomes:
//!
//! - quotes: `<details class="mail-quote">` with the attribution (or "Quoted text") and the
//!   line count as the summary, nested `<blockquote>`s per quote level inside; short quotes
//!   (interleaved replies) start open, since the answer below them needs them;
//! - the signature and list footer: `<div class="signature">`, shown muted;
//! - an original message below the reply: a folded quote too;
//! - the rest: paragraphs between blank lines, hard line breaks kept (the stylesheet
//!   keeps them with `white-space: pre-wrap`), escaped, bare URLs linked, emoji shortcodes
//!   replaced, as for plain dumps; a paragraph laid out with spaces (a table, code) is a
//!   `<pre>`, so its columns line up.
//!
//! Addresses are personal data: unless the archive publishes them, every address in the
//! text, `Name <addr>` forms, `mailto:` links and pipermail's `alice at example.org`
//! alike, is cut to `alice@…`. The result still goes through [`markup::sanitize`].

use std::borrow::Cow;
use std::fmt::Write;
use std::sync::LazyLock;

use regex::Regex;

use crate::i18n::Strings;
use crate::redact::mask_emails;
use crate::render::markup::{self, escape};

/// Quotes of at most this many lines start open.
const SHORT_QUOTE: usize = 3;

/// `... wrote:` and its translations, ending an attribution line.
static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(wrote|writes|said|schrieb|a écrit|escribió|scrisse|escreveu|napisał|skrev|kirjoitti|schreef|написал|написала)\s*:\s*$",
    )
    .unwrap()
});

/// The start of an attribution that a mail client wrapped onto two lines.
static ATTRIBUTION_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(On|Am|Le|El|Il|Em|Op|W dniu|Den|Dne)\s").unwrap());

/// `-----Original Message-----` and the like: the earlier message follows, unquoted.
static ORIGINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale)\s*-{2,}\s*$",
    )
    .unwrap()
});

/// The pieces a body is made of.
#[derive(Debug, PartialEq)]
enum Block<'a> {
    Text(Vec<&'a str>),
    Quote {
        attribution: Option<String>,
        lines: Vec<&'a str>,
    },
    Signature(Vec<&'a str>),
    /// An earlier message under a marker line, which is the summary (none for Outlook's
    /// rule and headers, which the interface's words name).
    Original {
        marker: Option<&'a str>,
        lines: Vec<&'a str>,
    },
}

fn is_quote(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn is_signature_start(line: &str) -> bool {
    line == "-- " || line.trim_end() == "--"
}

/// A line of underscores: a list footer may follow, or (with `From:` next) an Outlook reply.
fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 20 && t.chars().all(|c| c == '_')
}

/// Whether line `i` starts a mailing list's footer: a rule with list words below it. A
/// rule an author drew in the text is left alone.
fn is_list_footer(lines: &[&str], i: usize) -> bool {
    is_rule(lines[i])
        && lines[i + 1..].iter().take(4).any(|l| {
            let l = l.to_lowercase();
            ["mailing list", "listinfo", "unsubscribe", "mailman"].iter().any(|w| l.contains(w))
        })
}

fn is_scrubbed_part(line: &str) -> bool {
    line.trim() == "-------------- next part --------------"
}

/// Splits a body into blocks. `originals` is false inside an original message, so a
/// body with many markers does not nest without end.
fn blocks(body: &str, originals: bool) -> Vec<Block<'_>> {
    let lines: Vec<&str> = body.split('\n').collect();
    let mut out: Vec<Block> = Vec::new();
    let mut text: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let outlook = is_rule(line) && lines.get(i + 1).is_some_and(|l| l.starts_with("From:"));
        if originals && (ORIGINAL.is_match(line) || outlook) {
            flush(&mut text, &mut out);
            let marker = if outlook { None } else { Some(line.trim()) };
            out.push(Block::Original { marker, lines: lines[i + 1..].to_vec() });
            return out;
        }
        if is_quote(line) {
            let attribution = take_attribution(&mut text);
            flush(&mut text, &mut out);
            let start = i;
            let mut end = i;
            // A quote runs on over blank lines when more quoted lines follow them.
            while end < lines.len() {
                if is_quote(lines[end]) {
                    end += 1;
                } else if is_blank(lines[end]) {
                    let next = lines[end..].iter().position(|l| !is_blank(l)).map(|k| end + k);
                    match next {
                        Some(n) if is_quote(lines[n]) => end = n,
                        _ => break,
                    }
                } else {
                    break;
                }
            }
            out.push(Block::Quote { attribution, lines: lines[start..end].to_vec() });
            i = end;
            continue;
        }
        if is_signature_start(line) || is_list_footer(&lines, i) || is_scrubbed_part(line) {
            flush(&mut text, &mut out);
            // The separator itself is not shown; a rule or a `next part` line is.
            let start = if is_signature_start(line) { i + 1 } else { i };
            // It runs to the end, or to where quoting starts again (bottom-posted history).
            let ends = |l: &str| is_quote(l) || ATTRIBUTION.is_match(l) || (originals && ORIGINAL.is_match(l));
            let mut end = start;
            while end < lines.len() && !ends(lines[end]) {
                end += 1;
                // A signature ends where a list footer starts; the footer is a block too.
                if end < lines.len() && end > start && (is_list_footer(&lines, end) || is_signature_start(lines[end])) {
                    break;
                }
            }
            let sig: Vec<&str> = lines[start..end].to_vec();
            if sig.iter().any(|l| !is_blank(l)) {
                out.push(Block::Signature(sig));
            }
            i = end.max(i + 1);
            continue;
        }
        text.push(line);
        i += 1;
    }
    flush(&mut text, &mut out);
    out
}

/// Ends a run of text lines: it becomes a block unless it is blank.
fn flush<'a>(text: &mut Vec<&'a str>, out: &mut Vec<Block<'a>>) {
    while text.last().is_some_and(|l| is_blank(l)) {
        text.pop();
    }
    let lead = text.iter().take_while(|l| is_blank(l)).count();
    if lead < text.len() {
        out.push(Block::Text(text.split_off(lead)));
    }
    text.clear();
}

/// Takes the attribution line (and its wrapped first half) off the end of the text
/// before a quote, allowing one blank line between.
fn take_attribution(text: &mut Vec<&str>) -> Option<String> {
    let mut end = text.len();
    if end > 0 && is_blank(text[end - 1]) {
        end -= 1;
    }
    let last = *text.get(end.checked_sub(1)?)?;
    if !ATTRIBUTION.is_match(last) {
        return None;
    }
    let mut start = end - 1;
    if !ATTRIBUTION_START.is_match(last.trim_start())
        && start > 0
        && ATTRIBUTION_START.is_match(text[start - 1].trim_start())
        && !is_blank(text[start - 1])
    {
        start -= 1;
    }
    let attribution = text[start..end].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
    text.truncate(start);
    Some(attribution)
}

/// A mail body as HTML (not yet sanitised).
pub fn body_to_html(body: &str, show_emails: bool, strings: &Strings) -> String {
    let mut out = String::with_capacity(body.len() * 5 / 4 + 64);
    out.push_str("<div class=\"mail\">\n");
    push_blocks(&mut out, &blocks(body, true), show_emails, strings);
    out.push_str("</div>\n");
    out
}

fn push_blocks(out: &mut String, list: &[Block], show_emails: bool, strings: &Strings) {
    for block in list {
        match block {
            Block::Text(lines) => push_paragraphs(out, lines, show_emails),
            Block::Quote { attribution, lines } => {
                let count = lines.iter().filter(|l| !is_blank(&unquote(l).1)).count();
                let open = if count <= SHORT_QUOTE { " open" } else { "" };
                let title = match attribution {
                    Some(a) => text_html(a, show_emails),
                    None => escape(strings.t("quoted_text")).into_owned(),
                };
                let count = escape(&strings.count("quote_lines", count)).into_owned();
                let _ = writeln!(
                    out,
                    "<details class=\"mail-quote\"{open}><summary>{title} ({count})</summary><blockquote>"
                );
                push_quote(out, lines, show_emails);
                out.push_str("</blockquote></details>\n");
            }
            Block::Signature(lines) => {
                out.push_str("<div class=\"signature\">\n");
                push_paragraphs(out, lines, show_emails);
                out.push_str("</div>\n");
            }
            Block::Original { marker, lines } => {
                let _ = writeln!(
                    out,
                    "<details class=\"mail-quote\"><summary>{}</summary><blockquote>",
                    text_html(marker.unwrap_or(strings.t("original_message")), show_emails)
                );
                push_blocks(out, &blocks(&lines.join("\n"), false), show_emails, strings);
                out.push_str("</blockquote></details>\n");
            }
        }
    }
}

/// A quoted line's depth and its text without the markers (`> > x` and `>> x` are both 2).
fn unquote(line: &str) -> (usize, Cow<'_, str>) {
    let mut depth = 0;
    let mut rest = line.trim_start();
    while let Some(r) = rest.strip_prefix('>') {
        depth += 1;
        let trimmed = r.trim_start_matches(' ');
        // `> > x`: a space between markers belongs to them; after the last one, a single
        // space is the marker's and the rest is the author's indentation.
        rest = if trimmed.starts_with('>') { trimmed } else { r.strip_prefix(' ').unwrap_or(r) };
    }
    (depth, Cow::Borrowed(rest))
}

/// Quoted lines as nested blockquotes, one level per `>` beyond the first.
fn push_quote(out: &mut String, lines: &[&str], show_emails: bool) {
    let mut open = 1;
    let mut group: Vec<String> = Vec::new();
    let mut group_depth = 1;
    let flush = |out: &mut String, group: &mut Vec<String>, depth: usize, open: &mut usize| {
        if group.is_empty() {
            return;
        }
        while *open < depth {
            out.push_str("<blockquote>\n");
            *open += 1;
        }
        while *open > depth {
            out.push_str("</blockquote>\n");
            *open -= 1;
        }
        let refs: Vec<&str> = group.iter().map(String::as_str).collect();
        push_paragraphs(out, &refs, show_emails);
        group.clear();
    };
    for line in lines {
        let (depth, text) = unquote(line);
        // A blank line between quotes keeps the depth around it.
        let depth = if is_blank(line) { group_depth } else { depth.max(1) };
        if depth != group_depth {
            flush(out, &mut group, group_depth, &mut open);
            group_depth = depth;
        }
        group.push(text.into_owned());
    }
    flush(out, &mut group, group_depth, &mut open);
    while open > 1 {
        out.push_str("</blockquote>\n");
        open -= 1;
    }
}

/// Paragraphs between blank lines, each keeping its line breaks; tables, code and
/// schedules laid out with spaces keep their columns in a `<pre>`.
fn push_paragraphs(out: &mut String, lines: &[&str], show_emails: bool) {
    for paragraph in lines.split(|l| is_blank(l)).filter(|p| !p.is_empty()) {
        let (open, close) = if looks_preformatted(paragraph) { ("<pre>", "</pre>\n") } else { ("<p>", "</p>\n") };
        out.push_str(open);
        for (i, line) in paragraph.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&text_html(line.trim_end(), show_emails));
        }
        out.push_str(close);
    }
}

/// Whether most lines of a paragraph are laid out with white space: indented, tabbed, or
/// with wide gaps inside. Prose lines start at the margin (flowed text has been unwrapped
/// and unstuffed), so this rarely catches them.
fn looks_preformatted(paragraph: &[&str]) -> bool {
    let laid_out =
        paragraph.iter().filter(|l| l.starts_with([' ', '\t']) || l.contains('\t') || l.trim().contains("   ")).count();
    laid_out * 2 > paragraph.len()
}

/// One line of text as HTML: addresses masked unless published, then escaped, linked and
/// emojified like plain bodies.
fn text_html(text: &str, show_emails: bool) -> String {
    let text = if show_emails { Cow::Borrowed(text) } else { mask_emails(text) };
    let mut html = String::with_capacity(text.len() + 16);
    markup::push_text(&mut html, &text, false);
    html
}

/// The new text of a message, for excerpts: no quotes, attributions, signature or footer.
pub fn excerpt_source(body: &str) -> String {
    let mut out = Vec::new();
    for block in blocks(body, true) {
        if let Block::Text(lines) = block {
            out.extend(lines);
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(body: &str) -> String {
        markup::sanitize(&body_to_html(body, false, Strings::english()))
    }

    #[test]
    fn quotes_collapse_with_their_attribution() {
        let body = "On Thu, Jan 2, 2020 at 3:04 PM Alice Smith <alice@example.org>\nwrote:\n\
> first quoted line\n> second\n>\n>> older\n>> still older\n> back\n\nMy answer.";
        let html = html(body);
        assert!(
            html.contains(
                "<details class=\"mail-quote\"><summary>On Thu, Jan 2, 2020 at 3:04 PM Alice Smith &lt;alice@…&gt; wrote: (5 lines)</summary>"
            ),
            "{html}"
        );
        assert!(html.contains("<blockquote>\n<p>first quoted line\nsecond</p>\n<blockquote>\n<p>older\nstill older</p>\n</blockquote>\n<p>back</p>\n</blockquote></details>"), "{html}");
        assert!(html.contains("<p>My answer.</p>"), "{html}");
        assert!(!html.contains("example.org"), "{html}");
    }

    #[test]
    fn short_quotes_start_open_and_blank_lines_do_not_split_a_quote() {
        let html = html("> one\n\n> two\nAnswer.\n> three\n> four\n> five\n> six");
        assert_eq!(html.matches("<details").count(), 2, "{html}");
        assert!(html.contains("<details class=\"mail-quote\" open=\"\"><summary>Quoted text (2 lines)"), "{html}");
        assert!(html.contains("<details class=\"mail-quote\"><summary>Quoted text (4 lines)"), "{html}");
        assert!(html.contains("<p>one</p>\n<p>two</p>"), "{html}");
    }

    #[test]
    fn signature_and_list_footer_are_muted() {
        let body = "Thanks!\n\n-- \nBob Builder\nhttps://bob.example\n\
_______________________________________________\nRustaceans mailing list\nrustaceans@example.org";
        let html = html(body);
        assert!(html.contains("<p>Thanks!</p>"), "{html}");
        assert!(html.contains("<div class=\"signature\">\n<p>Bob Builder\n<a href=\"https://bob.example\""), "{html}");
        assert_eq!(html.matches("<div class=\"signature\">").count(), 2, "{html}");
        assert!(html.contains("rustaceans@…"), "{html}");
        assert!(!html.contains("-- "), "{html}");
    }

    #[test]
    fn a_rule_in_the_text_is_not_a_footer() {
        let html = html("Part one\n\n______________________________\n\nPart two");
        assert!(!html.contains("signature"), "{html}");
        assert!(html.contains("<p>Part two</p>"), "{html}");
    }

    #[test]
    fn top_posted_original_message_folds() {
        let top = html(
            "Sounds good.\n\n-----Original Message-----\nFrom: Alice\nSent: Monday\n\nShall we meet?\n> even older",
        );
        assert!(top.contains("<p>Sounds good.</p>"), "{top}");
        assert!(top.contains("<details class=\"mail-quote\"><summary>-----Original Message-----</summary><blockquote>\n<p>From: Alice\nSent: Monday</p>\n<p>Shall we meet?</p>\n<details"), "{top}");
        let outlook = html("Yes.\n\n________________________________\nFrom: Alice\nSent: Monday\n\nQ?");
        assert!(outlook.contains("<summary>Original message</summary>"), "{outlook}");
    }

    #[test]
    fn emails_are_masked_unless_published() {
        let masked = markup::sanitize(&body_to_html("write to alice@example.org now", false, Strings::english()));
        assert!(masked.contains("alice@…") && !masked.contains("example.org"), "{masked}");
        let shown = markup::sanitize(&body_to_html("alice@example.org", true, Strings::english()));
        assert!(shown.contains("alice@example.org"), "{shown}");
    }

    #[test]
    fn text_is_escaped_linked_and_emojified() {
        let html = html("<script>alert(1)</script> :heart:\n    indented https://example.org/x?a=1&b=2");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains('❤'), "{html}");
        assert!(html.contains("\n    indented <a href=\"https://example.org/x?a=1&amp;b=2\""), "{html}");
        assert!(html.starts_with("<div class=\"mail\">"), "{html}");
    }

    #[test]
    fn laid_out_text_keeps_its_columns() {
        let html = html(
            "Counts:\n\n hive  mites\n A       1\n B       0\n\n    cargo build --release\n\nProse again,\n  with one indented line\nand more.",
        );
        assert!(html.contains("<pre> hive  mites\n A       1\n B       0</pre>"), "{html}");
        assert!(html.contains("<pre>    cargo build --release</pre>"), "{html}");
        assert!(html.contains("<p>Prose again,\n  with one indented line\nand more.</p>"), "{html}");
        assert!(html.contains("<p>Counts:</p>"), "{html}");
    }

    #[test]
    fn hostile_attribution_is_escaped() {
        let html = html("<img src=x onerror=alert(1)> wrote:\n> hi");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("<summary>&lt;img src=x onerror=alert(1)&gt; wrote: (1 line)</summary>"), "{html}");
    }

    #[test]
    fn excerpts_leave_out_quotes_and_signatures() {
        let body = "Alice wrote:\n> old text\n\nNew text here.\n\n-- \nsig";
        assert_eq!(excerpt_source(body), "New text here.");
    }

    #[test]
    fn never_panics_and_balances_tags() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let pieces = [
            "> ",
            ">> ",
            "> > ",
            ">",
            "-- ",
            "--",
            "text",
            "Bob wrote:",
            "On Mon,",
            "-----Original Message-----",
            "____________________________",
            "-------------- next part --------------",
            "  indented",
            "\u{212a}",
            "a@b.example",
            "<x at y.example>",
            "",
        ];
        for _ in 0..500 {
            let mut body = String::new();
            for _ in 0..25 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                body.push_str(pieces[(seed % pieces.len() as u64) as usize]);
                if seed.is_multiple_of(3) {
                    body.push('\n');
                }
            }
            let raw = body_to_html(&body, false, Strings::english());
            for tag in ["blockquote", "details", "div", "p", "pre"] {
                assert_eq!(
                    raw.matches(&format!("<{tag}>")).count() + raw.matches(&format!("<{tag} ")).count(),
                    raw.matches(&format!("</{tag}>")).count(),
                    "{tag} in {body:?}: {raw}"
                );
            }
            let _ = excerpt_source(&body);
        }
    }

    #[test]
    fn quote_depths() {
        for (line, depth, text) in [
            ("> a", 1, "a"),
            (">> a", 2, "a"),
            ("> > a", 2, "a"),
            (">   indented", 1, "  indented"),
            (" > a", 1, "a"),
            (">", 1, ""),
        ] {
            let (d, t) = unquote(line);
            assert_eq!((d, t.as_ref()), (depth, text), "{line:?}");
        }
    }
}
