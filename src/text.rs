//! Cleaning raw dump bytes into text every parser can trust: UTF-8, `\n` line ends, no BOM,
//! no control characters but tab and newline. An IRC colour code (`^C04,12`, as ZNC and
//! other clients log colours) goes with its digits: they belong to the code, not the text.

/// The text of a dump, and the byte offset of the first invalid UTF-8 sequence if it had one.
/// Text saved as UTF-16 (its byte-order mark first, as Windows' Notepad writes it) is
/// decoded as such.
pub fn normalize(raw: &[u8]) -> (String, Option<usize>) {
    if let Some(utf16) = utf16(raw) {
        return normalize(utf16.as_bytes());
    }
    let (text, bad_offset) = match std::str::from_utf8(raw) {
        Ok(text) => (std::borrow::Cow::Borrowed(text), None),
        Err(e) => (String::from_utf8_lossy(raw), Some(e.valid_up_to())),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if !has_controls(text, true) {
        return (text.to_owned(), bad_offset);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            '\u{3}' => skip_colour(&mut chars),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    (out, bad_offset)
}

/// The text of UTF-16 bytes that start with a byte-order mark, unpaired surrogates
/// replaced; none for other bytes.
fn utf16(raw: &[u8]) -> Option<String> {
    let little = match raw {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return None,
    };
    let units = raw[2..].chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little { u16::from_le_bytes(pair) } else { u16::from_be_bytes(pair) }
    });
    Some(char::decode_utf16(units).map(|c| c.unwrap_or('\u{fffd}')).collect())
}

/// Skips an IRC colour code's numbers after its `^C`: a foreground of one or two digits,
/// then a comma and a background of one or two.
fn skip_colour(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    let digits = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        let mut n = 0;
        while n < 2 && chars.next_if(char::is_ascii_digit).is_some() {
            n += 1;
        }
        n
    };
    if digits(chars) > 0 {
        let mut ahead = chars.clone();
        if ahead.next() == Some(',') && ahead.peek().is_some_and(char::is_ascii_digit) {
            chars.next();
            digits(chars);
        }
    }
}

/// Removes the control characters that decoding let back in after [`normalize`] (TOML
/// escapes in front matter, mail's encoded words and transfer encodings): all but tab and
/// newline, and in a field of one line (`one_line`) those become spaces.
pub fn strip_controls(text: &mut String, one_line: bool) {
    if !has_controls(text, !one_line) {
        return;
    }
    let bad = |c: char| c.is_control() && (one_line || (c != '\n' && c != '\t'));
    *text = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\t' if one_line => Some(' '),
            c if bad(c) => None,
            c => Some(c),
        })
        .collect();
}

/// Whether `text` holds a control character (`\r` included), other than newline and tab
/// when `lines` is set. Looks at bytes, as most text has none: C0 controls and DEL are
/// single bytes, and C1 controls (U+0080–U+009F) are encoded as 0xC2 0x80–0x9F.
fn has_controls(text: &str, lines: bool) -> bool {
    let bytes = text.as_bytes();
    let control = |i: usize| match bytes[i] {
        b'\n' | b'\t' => !lines,
        0..0x20 | 0x7f => true,
        0xc2 => matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
        _ => false,
    };
    // A byte that may start one; looked for a block at a time without stopping, which
    // compilers turn into vector instructions, and only a block that has one is read again.
    let suspect = |b: u8| (b < 0x20) & (!lines | (b != b'\n') & (b != b'\t')) | (b == 0x7f) | (b == 0xc2);
    const BLOCK: usize = 64;
    bytes.chunks(BLOCK).enumerate().any(|(n, block)| {
        block.iter().fold(false, |any, &b| any | suspect(b)) && (n * BLOCK..n * BLOCK + block.len()).any(control)
    })
}

/// Whether a line holds nothing but white space.
pub fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_text_is_decoded() {
        let little: Vec<u8> =
            [0xff, 0xfe].into_iter().chain("Tï\r\nx".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(normalize(&little), ("Tï\nx".to_owned(), None));
        let big: Vec<u8> = [0xfe, 0xff].into_iter().chain("ok 😀".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(normalize(&big).0, "ok 😀");
    }

    #[test]
    fn irc_colour_codes_go_with_their_numbers() {
        let cases = [
            ("\u{3}04red\u{3} plain", "red plain"),
            ("\u{3}4,12on blue\u{f}", "on blue"),
            ("\u{3}04,x keeps the comma", ",x keeps the comma"),
            ("\u{3}123 three digits", "3 three digits"),
            ("\u{2}bold\u{2} and 2024", "bold and 2024"),
        ];
        for (raw, text) in cases {
            assert_eq!(normalize(raw.as_bytes()).0, text, "{raw:?}");
        }
    }

    #[test]
    fn controls_decoded_later_are_stripped() {
        let mut body = "a\u{7}b\n\tc\u{1b}[0m".to_owned();
        strip_controls(&mut body, false);
        assert_eq!(body, "ab\n\tc[0m");
        let mut title = "a\nb\u{0}c".to_owned();
        strip_controls(&mut title, true);
        assert_eq!(title, "a bc");
    }

    #[test]
    fn the_byte_check_finds_controls_anywhere_in_long_text() {
        for at in [0, 1, 62, 63, 64, 65, 127, 128, 200] {
            for c in ['\u{0}', '\u{7}', '\r', '\u{7f}', '\u{85}', '\u{9f}'] {
                let text = format!("{}{c}{}", "a".repeat(at), "b".repeat(100));
                assert!(has_controls(&text, true), "{c:?} at {at}");
            }
            for c in ['\n', '\t', '\u{a0}', '\u{80}', 'é', '\u{100}'] {
                let text = format!("{}{c}{}", "a".repeat(at), "b".repeat(100));
                let control = c.is_control() && c != '\n' && c != '\t';
                assert_eq!(has_controls(&text, true), control, "{c:?} at {at}");
            }
            assert!(has_controls(&format!("{}\n", "a".repeat(at)), false), "a newline at {at} in one line");
        }
    }

    #[test]
    fn the_byte_check_agrees_with_char_is_control() {
        for c in ('\0'..='\u{3ff}').chain(['\u{2028}', '\u{feff}', '\u{1f600}']) {
            let text = format!("é{c}x");
            let line = c != '\n' && c != '\t';
            assert_eq!(has_controls(&text, true), c.is_control() && line, "{c:?}");
            assert_eq!(has_controls(&text, false), c.is_control(), "{c:?}");
        }
    }

    #[test]
    fn line_ends_bom_and_controls() {
        let (text, bad) = normalize(b"\xef\xbb\xbfa\r\nb\rc\n\x07d\te\x1b");
        assert_eq!(text, "a\nb\nc\nd\te");
        assert_eq!(bad, None);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_located() {
        let (text, bad) = normalize(b"ok\n\xff\xfeno");
        assert_eq!(text, "ok\n\u{fffd}\u{fffd}no");
        assert_eq!(bad, Some(3));
    }

    #[test]
    fn curly_quotes_and_emoji_stay() {
        let (text, _) = normalize("I’m 💞".as_bytes());
        assert_eq!(text, "I’m 💞");
    }
}
