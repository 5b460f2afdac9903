//! Text as it goes into a post's HTML, whatever made the post: escaped, emoji shortcodes
//! replaced, bare URLs linked.
//!
//! Plain, Markdown and mail bodies all write their words through [`push_text`], and feeds
//! escape with [`escape`] too; so this file is the lowest of the body files and uses none
//! of them.

use std::borrow::Cow;
use std::fmt::Write;
use std::sync::LazyLock;

use linkify::{LinkFinder, LinkKind};
use regex::Regex;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
