//! The text a doc shard keeps of each post: its plain text, white space collapsed, cut at
//! a word after about [`TEXT_MAX_CHARS`] characters, from which the browser makes
//! snippets and checks quoted phrases.
//!
//! Every post of the archive passes through here, so cutting is written for speed rather
//! than as the one loop over `split_whitespace` it means: ASCII text, the common case, is
//! cut a byte a character and copies words one space apart as one run; other text is read
//! byte by byte, decoding a character only where white space other than ASCII's may
//! start. Both must cut exactly where that loop (`cut_words`) would: the tests
//! hold them to it.

/// Text kept per post for snippets and phrase checks: most posts whole, so a snippet
/// shows where the query's words are and a quoted phrase is checked, not guessed. It is
/// most of the index, compressed in the doc shards to about a third.
pub const TEXT_MAX_CHARS: usize = 1000;

/// White space collapsed, cut at a word after about `max` characters.
pub(super) fn cut_text(text: &str, max: usize) -> String {
    if text.is_ascii() { cut_ascii_text(text, max) } else { cut_any_text(text, max) }
}

/// [`cut_text`] for any text.
fn cut_any_text(text: &str, max: usize) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len().min(max + 64));
    let mut chars = 0;
    // Where the word being read starts.
    let mut word: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let space = match bytes[i] {
            b' ' | b'\t'..=b'\r' => 1,
            // The first bytes of the other white space characters (U+0085, U+00A0,
            // U+1680, U+2000 to U+205F, U+3000).
            0xc2 | 0xe1 | 0xe2 | 0xe3 => {
                text[i..].chars().next().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8)
            }
            _ => 0,
        };
        if space > 0 {
            if let Some(start) = word.take() {
                out.push_str(&text[start..i]);
            }
            i += space;
            continue;
        }
        if word.is_none() {
            if chars >= max {
                out.push('…');
                return out;
            }
            if !out.is_empty() {
                out.push(' ');
                chars += 1;
            }
            word = Some(i);
        }
        // A character is counted at its first byte.
        chars += usize::from(bytes[i] & 0xc0 != 0x80);
        i += 1;
    }
    if let Some(start) = word {
        out.push_str(&text[start..]);
    }
    out
}

/// [`cut_text`] for ASCII text, a character a byte.
fn cut_ascii_text(text: &str, max: usize) -> String {
    let bytes = text.as_bytes();
    let space = |i: usize| (bytes[i] as char).is_whitespace();
    let mut out = String::with_capacity(text.len().min(max + 64));
    let mut i = 0;
    loop {
        while i < bytes.len() && space(i) {
            i += 1;
        }
        if i == bytes.len() {
            break;
        }
        if out.len() >= max {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        // Words one space apart, as most are, are copied as one run.
        let start = i;
        loop {
            while i < bytes.len() && !space(i) {
                i += 1;
            }
            let next_word = i + 1 < bytes.len() && bytes[i] == b' ' && !space(i + 1);
            if !next_word || out.len() + (i - start) >= max {
                break;
            }
            i += 1;
        }
        out.push_str(&text[start..i]);
    }
    out
}

/// [`cut_text`] by the words `split_whitespace` gives: what the tests hold it to.
#[cfg(test)]
fn cut_words(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars >= max {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
    }
    out
}

/// Small texts of the characters that matter to terms' order and to cutting text.
#[cfg(test)]
pub(super) fn odd_texts(count: usize, alphabet: &[&str]) -> Vec<String> {
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    (0..count)
        .map(|_| {
            let len = next() % 9;
            (0..len).map(|_| alphabet[next() % alphabet.len()]).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_at_the_words_split_whitespace_gives() {
        let alphabet = [
            "a", "bc", "defgh", " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x00", "-", ".", "é", "東京",
            "😀", "\u{a0}", "\u{85}", "\u{2003}", "\u{3000}", "\u{200b}", "\u{301}",
        ];
        for text in odd_texts(20_000, &alphabet) {
            for max in [0, 1, 2, 3, 5, 8] {
                let words = cut_words(&text, max);
                assert_eq!(cut_any_text(&text, max), words, "{text:?} {max}");
                if text.is_ascii() {
                    assert_eq!(cut_ascii_text(&text, max), words, "{text:?} {max}");
                }
            }
        }
    }
}
