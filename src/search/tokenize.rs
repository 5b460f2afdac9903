//! The words of a text as the search index sees them: the index's terms.
//!
//! `static/search.js` cuts a reader's query into terms by the same rules, so the two must
//! change together (`tests/fixtures/search-terms.json` holds cases both are tested on):
//!
//! 1. The text is cut at Unicode word boundaries (UAX #29: `unicode-segmentation` here,
//!    `Intl.Segmenter` in the browser).
//! 2. Han, Hiragana, Katakana and Hangul are written without spaces between words, so
//!    a run of them becomes overlapping pairs of characters: `東京都` gives `東京` and
//!    `京都`; a lone character stays a term. Runs join across word boundaries, so
//!    dictionary-based segmenters and UAX #29 (a word per ideograph) agree.
//! 3. Other words are cut at apostrophes and colons (`ketamine’s` gives `ketamine` and
//!    `s`), and at full stops except between digits (`example.org` gives two terms,
//!    `3.14` one).
//! 4. Each piece is folded ([`fold`]) and kept if it holds a letter or digit and is at most
//!    [`MAX_TERM_CHARS`] long. Emoji and punctuation hold neither, so they are dropped.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Longer "words" (hashes, base64, URLs run together) are not worth a term.
pub const MAX_TERM_CHARS: usize = 40;

/// Folds a word for matching: compatibility decomposition (`ﬁ` → `fi`, full-width letters
/// to ASCII), diacritics removed (`café` → `cafe`), lower case, recomposed (NFC), and a few
/// letters that do not decompose spelled out (`ß` → `ss`, `ø` → `o`, `ł` → `l`).
pub fn fold(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Borrowed(word);
        }
        return Cow::Owned(word.to_ascii_lowercase());
    }
    let lowered: String = word.nfkd().filter(|&c| !is_ignorable(c)).flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(lowered.len());
    for c in lowered.nfc() {
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            'ø' => out.push('o'),
            'đ' | 'ð' => out.push('d'),
            'ł' => out.push('l'),
            'ħ' => out.push('h'),
            'ı' => out.push('i'),
            'ς' => out.push('σ'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Marks that folding removes: combining diacritics (after decomposition), variation
/// selectors, joiners and soft hyphens. Marks that make another letter in their script
/// (Devanagari vowel signs, the Japanese voicing marks) are kept.
fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036f}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe20}'..='\u{fe2f}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{e0100}'..='\u{e01ef}'
        | '\u{200c}' | '\u{200d}' | '\u{00ad}')
}

/// Characters of scripts written without spaces between words, indexed as pairs.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11ff}'       // Hangul Jamo
        | '\u{3005}'                  // 々, the ideographic iteration mark
        | '\u{3040}'..='\u{30ff}'     // Hiragana, Katakana
        | '\u{3130}'..='\u{318f}'     // Hangul compatibility Jamo
        | '\u{31f0}'..='\u{31ff}'     // Katakana phonetic extensions
        | '\u{3400}'..='\u{4dbf}'     // CJK extension A
        | '\u{4e00}'..='\u{9fff}'     // CJK unified ideographs
        | '\u{ac00}'..='\u{d7af}'     // Hangul syllables
        | '\u{f900}'..='\u{faff}'     // CJK compatibility ideographs
        | '\u{ff66}'..='\u{ff9f}'     // half-width Katakana
        | '\u{20000}'..='\u{3134f}') // CJK extensions B to G
}

/// Where a word piece is cut: apostrophes and colons always, full stops except between
/// two digits.
fn is_cut(prev: Option<char>, c: char, next: Option<char>) -> bool {
    match c {
        '\'' | '’' | '‘' | 'ʼ' | ':' | '·' => true,
        '.' => !(prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit())),
        _ => false,
    }
}

/// Calls `emit` with every term of `text`, in order.
///
/// Word boundaries always fall on both sides of ASCII white space (UAX #29 joins nothing
/// across it but marks that follow it, which make no term), so the text is cut there
/// first, and the pieces that are all ASCII, nearly every piece of most text, go through
/// `for_each_ascii_term`, which gives the same terms much faster.
/// `tests::ascii_pieces_give_the_same_terms` checks that against the full rules.
pub fn for_each_term(text: &str, mut emit: impl FnMut(&str)) {
    // ASCII white space separates terms in the ASCII rules too.
    if text.is_ascii() {
        for_each_ascii_term(text, &mut emit);
        return;
    }
    for piece in text.split(|c: char| c.is_ascii_whitespace()).filter(|p| !p.is_empty()) {
        if piece.is_ascii() {
            for_each_ascii_term(piece, &mut emit);
        } else {
            for_each_unicode_term(piece, &mut emit);
        }
    }
}

/// [`for_each_term`] for ASCII text. UAX #29 and the cuts above come to this there: a term
/// is a run of letters, digits and `_`, in which `.`, `,` and `;` stay only between two
/// digits (`3.14`, `1,000`); everything else separates terms.
fn for_each_ascii_term(text: &str, emit: &mut impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut lower = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if ASCII_CLASS[bytes[i] as usize] == 0 {
            i += 1;
            continue;
        }
        // A term starts here: its letters, digits and `_`, and what joins digits.
        let start = i;
        let mut seen = 0;
        while i < bytes.len() {
            let class = ASCII_CLASS[bytes[i] as usize];
            if class == 0
                && !(matches!(bytes[i], b'.' | b',' | b';')
                    && i > start
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
            {
                break;
            }
            seen |= class;
            i += 1;
        }
        let word = &text[start..i];
        if word.len() > MAX_TERM_CHARS || seen & ALNUM == 0 {
            continue;
        }
        if seen & UPPER != 0 {
            lower.clear();
            lower.push_str(word);
            lower.make_ascii_lowercase();
            emit(&lower);
        } else {
            emit(word);
        }
    }
}

/// What an ASCII byte is to [`for_each_ascii_term`]: 0 if it is not in a term by itself,
/// else `WORD` and, for letters and digits, `ALNUM`, and for capitals `UPPER`.
const ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            WORD | ALNUM | UPPER
        } else if c.is_ascii_alphanumeric() {
            WORD | ALNUM
        } else if c == b'_' {
            WORD
        } else {
            0
        };
        b += 1;
    }
    table
};
const WORD: u8 = 1;
const ALNUM: u8 = 2;
const UPPER: u8 = 4;

/// [`for_each_term`] by the full rules: UAX #29 word boundaries, then the cuts.
fn for_each_unicode_term(text: &str, mut emit: impl FnMut(&str)) {
    let mut run = Run::default();
    for (start, segment) in text.split_word_bound_indices() {
        let mut piece_start = None;
        let mut chars = segment.char_indices().peekable();
        let mut prev = None;
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            if is_cjk(c) {
                if let Some(s) = piece_start.take() {
                    emit_word(&segment[s..i], &mut emit);
                }
                run.push(start + i, c, &mut emit);
            } else {
                if !run.is_empty() {
                    run.flush(&mut emit);
                }
                if is_cut(prev, c, next) {
                    if let Some(s) = piece_start.take() {
                        emit_word(&segment[s..i], &mut emit);
                    }
                } else if piece_start.is_none() {
                    piece_start = Some(i);
                }
            }
            prev = Some(c);
        }
        if let Some(s) = piece_start {
            emit_word(&segment[s..], &mut emit);
        }
    }
    run.flush(&mut emit);
}

/// Every term of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_owned()));
    out
}

fn emit_word(word: &str, emit: &mut impl FnMut(&str)) {
    if !word.chars().any(char::is_alphanumeric) {
        return;
    }
    let folded = fold(word);
    if folded.chars().any(char::is_alphanumeric) && folded.chars().count() <= MAX_TERM_CHARS {
        emit(&folded);
    }
}

/// A run of CJK characters, contiguous in the text, being cut into pairs.
#[derive(Default)]
struct Run {
    /// The folded previous character, and where the run's text ends.
    prev: Option<String>,
    end: usize,
    /// Whether a pair was emitted (else a lone character is emitted at the end).
    paired: bool,
}

impl Run {
    fn is_empty(&self) -> bool {
        self.prev.is_none()
    }

    fn push(&mut self, at: usize, c: char, emit: &mut impl FnMut(&str)) {
        if self.prev.is_some() && at != self.end {
            self.flush(emit);
        }
        let mut buf = [0u8; 4];
        let folded = fold(c.encode_utf8(&mut buf)).into_owned();
        if let Some(prev) = &self.prev {
            emit(&format!("{prev}{folded}"));
            self.paired = true;
        }
        self.prev = Some(folded);
        self.end = at + c.len_utf8();
    }

    fn flush(&mut self, emit: &mut impl FnMut(&str)) {
        if let Some(prev) = self.prev.take()
            && !self.paired
        {
            emit(&prev);
        }
        self.paired = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_table() {
        for (word, folded) in [
            ("Café", "cafe"),
            ("CAFÉ", "cafe"),
            ("cafe\u{301}", "cafe"),
            ("Straße", "strasse"),
            ("ﬁnal", "final"),
            ("Ｒｕｓｔ", "rust"),
            ("Øresund", "oresund"),
            ("Łódź", "lodz"),
            ("İstanbul", "istanbul"),
            ("ΟΔΟΣ", "οδοσ"),
            ("Ελληνικά", "ελληνικα"),
            ("Ünïcödé", "unicode"),
            ("が", "が"),
            ("ｶﾞ", "ガ"),
            ("x\u{200d}y", "xy"),
        ] {
            assert_eq!(fold(word), folded, "{word:?}");
        }
    }

    /// The shared cases: `static/search.js` is tested on the same file in the browser.
    #[test]
    fn shared_term_cases() {
        let cases: Vec<(String, Vec<String>)> =
            serde_json::from_str(include_str!("../../tests/fixtures/search-terms.json")).unwrap();
        assert!(cases.len() >= 10);
        for (text, want) in cases {
            assert_eq!(terms(&text), want, "{text:?}");
        }
    }

    /// The fast path for ASCII (and the cutting at white space) against the full rules,
    /// on many small texts of the characters that decide word boundaries.
    #[test]
    fn ascii_pieces_give_the_same_terms() {
        const ALPHABET: &[&str] = &[
            "a", "Bc", "x", "1", "0", "9", "_", ".", ",", ";", ":", "'", " ", "  ", "\n", "\r\n", "\t", "-", "#", "!",
            "é", "\u{301}", "東", "京", "🙂", "\u{200d}", "’", "ß", "ﬁ", "\u{a0}", "٣", "Ａ",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..30_000 {
            let len = next() % 14;
            let text: String = (0..len).map(|_| ALPHABET[next() % ALPHABET.len()]).collect();
            let mut full = Vec::new();
            for_each_unicode_term(&text, |t| full.push(t.to_owned()));
            assert_eq!(terms(&text), full, "{text:?}");
        }
        let long = format!("{} {}", "a".repeat(40), "b".repeat(41));
        assert_eq!(terms(&long), ["a".repeat(40)]);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in ["", " ", "\u{0301}", "'''", "...", "日", "a\u{0301}\u{0301}", "\u{fffd}", "🙂🙂", "1.2.3.", ".5"]
        {
            let _ = terms(text);
        }
        let long = "a".repeat(41);
        assert!(terms(&long).is_empty());
    }
}
