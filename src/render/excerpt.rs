//! A post's words as plain text: for excerpts in lists, feeds and page descriptions, and
//! for the search index.
//!
//! An excerpt is the post's own words, so quotes of other posts are left out, read the way
//! [`plain`](super::plain) and Discourse read them. Most of a long post is never shown in
//! an excerpt, so only its opening words are read unless they fall short.

use pulldown_cmark::{Event, Parser};

use crate::parse::discourse_raw;
use crate::render::inline::emojify;
use crate::render::plain::{ATTRIBUTION, unquote};

/// The longest post body rendered; the rest is left in the dump, and the page says so.
pub const MAX_POST_BYTES: usize = 256 * 1024;

/// What a page shows of a body: at most `max` bytes, cut at a line (or else character)
/// boundary.
pub fn shown(body: &str, max: usize) -> &str {
    if body.len() <= max {
        return body;
    }
    let mut end = max;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(line_end) = body[..end].rfind('\n').filter(|&i| i > max / 2) {
        end = line_end;
    }
    &body[..end]
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
    // Line breaks and tabs are white space between words, as spaces are: only the other
    // control characters go, so that text of many lines is not copied for its breaks.
    crate::text::strip_controls(&mut text, false);
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
    // Only what a page shows is read: words no page shows are no excerpt and no search
    // hit, and a Markdown parser's tree of a post of 50 MB of short lines took 4 GB.
    let body = shown(body, MAX_POST_BYTES);
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
        // Quotes are someone else's words: an excerpt is the post's own. The lines are
        // walked, not listed: a list of a post of millions of short lines took 16 bytes a
        // line, eight times the post.
        let mut lines = body.lines().peekable();
        while let Some(line) = lines.next() {
            let next_quoted = lines.peek().is_some_and(|l| unquote(l).is_some());
            if unquote(line).is_none() && !(next_quoted && ATTRIBUTION.is_match(line)) {
                text.push_str(line);
                text.push('\n');
                if text.len() >= limit {
                    cut = lines.peek().is_some();
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

    #[test]
    fn control_characters_are_no_words_and_breaks_part_them() {
        let body = "one\ntwo\tthree\r\nfo\u{b}ur fi\u{85}ve \u{7}six\n\nseven";
        assert_eq!(excerpt(body, false, 100), "one two three four five six seven");
        assert_eq!(excerpt(body, true, 100), "one two three four five six seven");
        assert_eq!(excerpt(body, false, 13), "one two three…");
    }

    #[test]
    fn plain_excerpts_leave_quotes_out() {
        assert_eq!(excerpt("alice wrote:\n> old words\nMy answer.", false, 100), "My answer.");
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
}
