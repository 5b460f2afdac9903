//! What the two JSON chat exports share: Telegram Desktop's `result.json` ([`super::telegram`])
//! and DiscordChatExporter's JSON ([`super::discord_json`]).
//!
//! Both are one object whose `messages` array can run to hundreds of megabytes, so they are
//! read the same way. Detection looks for the object's keys in the first 64 KB only
//! ([`head`], [`find_key`]), never parsing the file. Parsing keeps each message as its raw
//! text ([`RawValue`]) while the array is read item by item ([`Items`]): a file cut short
//! or broken part way keeps the messages before the break, and each message is read on its
//! own, so one odd message is left out with a warning instead of failing the export. A
//! message's raw text is a slice of the dump, so its line is found by where the slice
//! starts, counting newlines once through the file ([`Lines`]).
//!
//! Bodies are Markdown, and the exports also hold plain text (Telegram's unformatted parts,
//! Discord's embed titles) that must read as written: [`push_escaped`] escapes what
//! CommonMark would take for markup, and leaves links as they are so they stay links. The
//! markup the exports do give (Telegram's bold, code, links, quotes) is written by the
//! `push_` functions around such text, each careful of what CommonMark needs: emphasis
//! does not run over a line break, a code span needs more backticks than it holds, a block
//! starts on a line of its own and a quote ends with a blank line.

use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::diagnostic::Problem;

/// How much of a text detection reads: enough for the opening keys and a few messages.
const HEAD: usize = 64 * 1024;

/// The first 64 KB of `text`, cut at a character boundary.
pub fn head(text: &str) -> &str {
    let mut end = text.len().min(HEAD);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The last `len` bytes of `text` or a little less, cut at a character boundary.
pub fn tail(text: &str, len: usize) -> &str {
    let mut start = text.len().saturating_sub(len);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Whether the text is a JSON object (its first character but white space is `{`).
pub fn is_object(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Where the first key `key` at or after `from` ends: the offset just past its colon.
/// A quoted name counts only as a key (followed by a colon) and not inside a string,
/// where its quotes would be escaped (`\"`).
pub fn find_key(json: &str, key: &str, from: usize) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    let mut at = from;
    while let Some(found) = json.get(at..)?.find(&quoted) {
        let start = at + found;
        let end = start + quoted.len();
        let escaped = start > 0 && json.as_bytes()[start - 1] == b'\\';
        let rest = json[end..].trim_start_matches([' ', '\t', '\n', '\r']);
        if !escaped && rest.starts_with(':') {
            return Some(json.len() - rest.len() + 1);
        }
        at = end;
    }
    None
}

/// Lines of slices of one text, counted as the slices come: each newline is counted once
/// when the slices come in order, as a file's messages do.
pub struct Lines<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        Lines { text, offset: 0, line: 1 }
    }

    /// The line (1-based) where `part`, a slice of the text, starts.
    pub fn of(&mut self, part: &RawValue) -> usize {
        let part = part.get();
        let start = (part.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if start > self.text.len() {
            return self.line;
        }
        let newlines = |bytes: &[u8]| bytes.iter().filter(|&&b| b == b'\n').count();
        let bytes = self.text.as_bytes();
        if start >= self.offset {
            self.line += newlines(&bytes[self.offset..start]);
        } else {
            self.line -= newlines(&bytes[start..self.offset]);
        }
        self.offset = start;
        self.line
    }
}

/// Reads a JSON array item by item into the vector, so that the items before an error
/// are kept.
pub struct Items<'v, T>(pub &'v mut Vec<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Items<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element()? {
            self.0.push(item);
        }
        Ok(())
    }
}

/// Reads the whole text with `seed`, which keeps what it read before an error.
pub fn read<'de, S: DeserializeSeed<'de, Value = ()>>(text: &'de str, seed: S) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    seed.deserialize(&mut deserializer)?;
    deserializer.end()
}

/// The problem of JSON that cannot be read, at its line.
pub fn broken(error: &serde_json::Error, format: &str, kept: usize) -> Problem {
    let line = error.line().max(1);
    if kept == 0 {
        return Problem {
            line,
            message: format!("not a {format} export that can be read: {error}"),
            hint: Some(format!("check that the file is the {format} export as it was written, and whole")),
        };
    }
    Problem {
        line,
        message: format!(
            "the JSON breaks off here ({error}): the {kept} message{} before it {} read, the rest is left out",
            if kept == 1 { "" } else { "s" },
            if kept == 1 { "is" } else { "are" }
        ),
        hint: Some("the file may be cut short: export it again, or copy it whole".into()),
    }
}

/// A message's `type`, read alone: whether a message that cannot be read was one that is
/// no post anyway.
pub fn kind(message: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct Kind {
        #[serde(rename = "type")]
        kind: Option<String>,
    }
    serde_json::from_str::<Kind>(message.get()).ok()?.kind
}

/// A message that could not be read, left out.
pub fn unreadable(line: usize, error: &serde_json::Error) -> Problem {
    Problem {
        line,
        message: format!("a message that cannot be read is left out: {error}"),
        hint: Some("check the message's fields against the exporter's format".into()),
    }
}

/// A path the export gives for a file beside it, as an attachment's source: relative, with
/// `/`. None for a path the archive does not follow: an absolute one, or one that climbs
/// out of the export's folder (`..`).
pub fn relative_source(path: &str) -> Option<String> {
    let path = path.trim().replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let first = path.split('/').next().unwrap_or_default();
    let unsafe_part = path.split('/').any(|part| part == "..");
    if path.is_empty() || path.starts_with('/') || first.contains(':') || unsafe_part {
        return None;
    }
    Some(path.to_owned())
}

/// Whether `url` is an http(s) address (which an attachment may link to).
pub fn is_web_url(url: &str) -> bool {
    let bytes = url.as_bytes();
    let starts = |prefix: &[u8]| bytes.get(..prefix.len()).is_some_and(|b| b.eq_ignore_ascii_case(prefix));
    starts(b"http://") || starts(b"https://")
}

/// Writes plain text into a Markdown body so that it reads as written: `*`, `_`, `` ` ``,
/// `[`, `]`, `<`, `~`, `\` and entity-like `&` are escaped, and so are markers that would
/// start a block at the start of a line (`#`, `>`, `-`, `+`, `=`, `|`, `1.`). Web
/// addresses are copied as they are, for they are linked when the body is rendered and an
/// escape would cut them. `line_start` says whether the text starts a line.
pub fn push_escaped(out: &mut String, text: &str, mut line_start: bool) {
    let mut prev = out.chars().next_back();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if line_start {
            line_start = false;
            let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            out.push_str(&rest[..indent]);
            rest = &rest[indent..];
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let marker = rest[digits..].chars().next();
            if digits > 0 && digits < 10 && matches!(marker, Some('.' | ')')) {
                out.push_str(&rest[..digits]);
                rest = &rest[digits..];
                out.push('\\');
            } else if digits == 0 && matches!(marker, Some('#' | '>' | '-' | '+' | '=' | '|')) {
                out.push('\\');
            }
            continue;
        }
        if !prev.is_some_and(char::is_alphanumeric) && is_web_url(rest) {
            let len =
                rest.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`')).unwrap_or(rest.len());
            out.push_str(&rest[..len]);
            prev = rest[..len].chars().next_back();
            rest = &rest[len..];
            continue;
        }
        let next = rest[c.len_utf8()..].chars().next();
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '~' => true,
            '_' => !(prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric)),
            '&' => next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#'),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n';
        prev = Some(c);
        rest = &rest[c.len_utf8()..];
    }
}

/// Whether the next text written to `out` starts a line.
pub fn at_line_start(out: &str) -> bool {
    out.is_empty() || out.ends_with('\n')
}

/// Ends the current line of `out`, if one is open, so that a block can start.
pub fn open_block(out: &mut String) {
    if !at_line_start(out) {
        out.truncate(out.trim_end_matches([' ', '\t']).len());
        out.push('\n');
    }
}

/// Writes `text` as a block quote: each line after `> `, and a blank line after it, so
/// that what follows is not read as part of the quote. `markdown` says whether the text
/// is Markdown already (else it is escaped).
pub fn push_quote(out: &mut String, text: &str, markdown: bool) {
    open_block(out);
    for line in text.trim_end_matches('\n').split('\n') {
        if line.trim().is_empty() {
            out.push_str(">\n");
            continue;
        }
        out.push_str("> ");
        if markdown {
            out.push_str(line);
        } else {
            push_escaped(out, line, true);
        }
        out.push('\n');
    }
    out.push('\n');
}

/// Emphasis around each line of `text` (emphasis does not run over a line break), white
/// space outside it (`** x**` is no emphasis). Right after a `*`, `*` would run into it and
/// `_` is used.
pub fn push_emphasis(out: &mut String, text: &str, delimiter: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let inner = line.trim();
        if inner.is_empty() {
            out.push_str(line);
            continue;
        }
        let lead = &line[..line.len() - line.trim_start().len()];
        let trail = &line[lead.len() + inner.len()..];
        out.push_str(lead);
        let delimiter =
            if out.ends_with('*') && delimiter.starts_with('*') { &delimiter.replace('*', "_") } else { delimiter };
        out.push_str(delimiter);
        push_escaped(out, inner, false);
        out.push_str(delimiter);
        out.push_str(trail);
    }
}

/// The longest run of backticks in `text`.
fn backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Inline code, each line apart, in enough backticks to hold the ones it has.
pub fn push_code(out: &mut String, text: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.is_empty() {
            continue;
        }
        let ticks = "`".repeat(backtick_run(line) + 1);
        let pad = if line.starts_with('`') || line.ends_with('`') { " " } else { "" };
        out.push_str(&format!("{ticks}{pad}{line}{pad}{ticks}"));
    }
}

/// A fenced code block, on lines of its own.
pub fn push_fence(out: &mut String, text: &str, language: Option<&str>) {
    open_block(out);
    let fence = "`".repeat(backtick_run(text).max(2) + 1);
    let language: String = language.unwrap_or_default().chars().filter(|c| !c.is_whitespace() && *c != '`').collect();
    out.push_str(&format!("{fence}{language}\n{}\n{fence}\n", text.trim_end_matches('\n')));
}

/// A link: `[text](href)`, each line of the text apart.
pub fn push_link(out: &mut String, text: &str, href: &str) {
    let mut destination = String::with_capacity(href.len());
    for c in href.trim().chars() {
        match c {
            ' ' => destination.push_str("%20"),
            '(' => destination.push_str("%28"),
            ')' => destination.push_str("%29"),
            '<' => destination.push_str("%3C"),
            '>' => destination.push_str("%3E"),
            '\\' => destination.push_str("%5C"),
            c if c.is_control() => {}
            c => destination.push(c),
        }
    }
    let text = if text.trim().is_empty() { href } else { text };
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.trim().is_empty() {
            continue;
        }
        out.push('[');
        push_escaped(out, line, false);
        out.push_str(&format!("]({destination})"));
    }
}

/// Deserializes a value that may be `null` as its default.
pub fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        push_escaped(&mut out, text, true);
        out
    }

    #[test]
    fn plain_text_stays_text() {
        let cases: &[(&str, &str)] = &[
            ("Hello, world!", "Hello, world!"),
            ("# not a heading", "\\# not a heading"),
            ("> not a quote\n- not a list\n+ nor this", "\\> not a quote\n\\- not a list\n\\+ nor this"),
            ("1. first\n  12) second\n2024 was fine", "1\\. first\n  12\\) second\n2024 was fine"),
            ("a *b* c _d_ e", "a \\*b\\* c \\_d\\_ e"),
            ("snake_case stays", "snake_case stays"),
            ("`code` [link](x) <b> ~~s~~ \\", "\\`code\\` \\[link\\](x) \\<b> \\~\\~s\\~\\~ \\\\"),
            ("&amp; & fish", "\\&amp; & fish"),
            ("see https://x.example/a_b*c_ now", "see https://x.example/a_b*c_ now"),
            ("===\n|a|b|", "\\===\n\\|a|b|"),
            ("😀 *", "😀 \\*"),
        ];
        for (text, want) in cases {
            assert_eq!(escaped(text), *want, "{text:?}");
        }
        // Not at the start of a line, a `#` is text already.
        let mut out = "x ".to_owned();
        push_escaped(&mut out, "# y", false);
        assert_eq!(out, "x # y");
    }

    #[test]
    fn escaped_text_renders_as_itself() {
        let text = "# a *b* _c_ `d` [e](f) <g> ~~h~~ &amp; 1. i\n- j\n> k\n===";
        let html = crate::render::markup::sanitize(&pulldown_cmark_html(&escaped(text)));
        let plain = html.replace("<p>", "").replace("</p>", "").replace("&lt;", "<").replace("&gt;", ">");
        assert_eq!(plain.trim().replace("&amp;", "&"), text, "{html}");
    }

    fn pulldown_cmark_html(markdown: &str) -> String {
        let options = pulldown_cmark::Options::ENABLE_STRIKETHROUGH | pulldown_cmark::Options::ENABLE_TABLES;
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(markdown, options));
        html
    }

    #[test]
    fn quotes_end_with_a_blank_line() {
        let mut out = "Said:".to_owned();
        push_quote(&mut out, "# one\n\ntwo *x*", false);
        assert_eq!(out, "Said:\n> \\# one\n>\n> two \\*x\\*\n\n");
    }

    #[test]
    fn keys_are_found_outside_strings() {
        let json = r#"{"a": "\"messages\": no", "messages" : [1]}"#;
        let at = find_key(json, "messages", 0).unwrap();
        assert_eq!(&json[at..], " [1]}");
        assert_eq!(find_key(json, "b", 0), None);
        assert_eq!(find_key("{\"a\" \n: 1}", "a", 0), Some(7));
    }

    #[test]
    fn heads_and_tails_cut_at_characters() {
        let text = "é".repeat(40_000);
        assert!(head(&text).len() <= HEAD && head(&text).len() > HEAD - 2);
        assert_eq!(tail("aé", 1), "");
        assert_eq!(tail("aé", 2), "é");
    }

    #[test]
    fn lines_of_slices() {
        let text = "[\n{\"a\": 1},\n\n{\"b\": 2}, {\"c\": 3}\n]";
        let items: Vec<&RawValue> = serde_json::from_str(text).unwrap();
        let mut lines = Lines::new(text);
        let got: Vec<usize> = items.iter().map(|raw| lines.of(raw)).collect();
        assert_eq!(got, [2, 4, 4]);
        assert_eq!(lines.of(items[0]), 2, "back again");
    }

    #[test]
    fn relative_sources() {
        let cases: &[(&str, Option<&str>)] = &[
            ("photos/photo_1@18-03-2023_09-58-10.jpg", Some("photos/photo_1@18-03-2023_09-58-10.jpg")),
            ("consoles.json_Files\\snes-1A2B.jpg", Some("consoles.json_Files/snes-1A2B.jpg")),
            ("./files/a.pdf", Some("files/a.pdf")),
            ("/home/me/a.png", None),
            ("C:\\Users\\me\\a.png", None),
            ("files/../../etc/passwd", None),
            ("", None),
        ];
        for (path, want) in cases {
            assert_eq!(relative_source(path).as_deref(), *want, "{path}");
        }
    }
}
