//! Slack's mrkdwn, the markup of a message's `text`, into Markdown (FORMATS.md §13), and
//! into plain text for titles.
//!
//! ```text
//! *Beds* _today_: ask <@U04HT02> in <#C04HTGRD|garden>, see <https://x.example/rota|the rota>
//! &gt; quoted line
//! `beer &amp; tape` ```two
//! lines```
//! ```
//!
//! becomes
//!
//! ~~~text
//! **Beds** *today*: ask @Obi in #garden, see [the rota](https://x.example/rota)
//! > quoted line
//! `beer & tape`
//! ```
//! two
//! lines
//! ```
//! ~~~
//!
//! Slack writes three kinds of markup into `text`. Tokens in angle brackets: `<@U123>` a
//! person, `<#C123|name>` a channel, `<!here>` a broadcast, `<!subteam^S1|@team>` a user
//! group, `<https://x|label>` a link, `<mailto:a@b|a@b>` an address; everything else the
//! person typed has `<`, `>` and `&` escaped as entities, so a `<` in the text is always a
//! token. Emphasis: `*bold*`, `_italic_` and `~strike~`, each opening after the start of
//! the line or a character that is not a letter or digit, before one that is not white
//! space, and closing likewise mirrored, on the same line. Code: `` `span` `` and
//! ```` ```block``` ````, whose fences may sit mid-line (Markdown needs them on lines of
//! their own, so they are moved there). A line opening with `&gt;` is a quote, and
//! `&gt;&gt;&gt;` quotes the rest of the message.
//!
//! The entities are decoded last, once, in the plain text between tokens; then whatever
//! Markdown would read as markup in that text (`*`, `_`, `[`, `<`, a leading `#` or `1.`)
//! is escaped, so a message shows what Slack showed. Emoji shortcodes (`:tada:`) and bare
//! URLs are kept as written, unescaped, for the renderer to turn into emoji and links.

use std::collections::HashMap;

/// The names mentions stand for: people and channels by id.
#[derive(Debug, Default)]
pub struct Directory {
    pub users: HashMap<String, String>,
    pub channels: HashMap<String, String>,
}

/// Which text a conversion makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Markdown,
    /// What a reader sees, markup left out: for titles.
    Plain,
}

/// A message's mrkdwn as Markdown.
pub fn to_markdown(text: &str, names: &Directory) -> String {
    convert(text, names, Mode::Markdown)
}

/// A message's mrkdwn as the plain text a reader sees.
pub fn to_plain(text: &str, names: &Directory) -> String {
    convert(text, names, Mode::Plain)
}

/// A part of a message: text, or a ```` ``` ```` code block.
enum Block<'t> {
    Text(&'t str),
    Code(&'t str),
}

/// Splits off the code blocks, whose fences pair up in order; a last fence without its
/// pair is text.
fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("```") {
        let Some(len) = rest[open + 3..].find("```") else { break };
        out.push(Block::Text(&rest[..open]));
        out.push(Block::Code(&rest[open + 3..open + 3 + len]));
        rest = &rest[open + 3 + len + 3..];
    }
    out.push(Block::Text(rest));
    out
}

fn convert(text: &str, names: &Directory, mode: Mode) -> String {
    let blocks = blocks(text);
    let mut lines: Vec<String> = Vec::new();
    // Whether a `>>>` quotes everything from here on.
    let mut quote_rest = false;
    let mut last_quoted = false;
    for (k, block) in blocks.iter().enumerate() {
        match block {
            Block::Code(code) => {
                let code = code.strip_prefix('\n').unwrap_or(code);
                let code = code.strip_suffix('\n').unwrap_or(code);
                let code = code_text(code, names);
                let prefix = if quote_rest && mode == Mode::Markdown { "> " } else { "" };
                let fence = "`".repeat(longest_run(&code, '`').max(2) + 1);
                if mode == Mode::Markdown {
                    lines.push(format!("{prefix}{fence}"));
                }
                lines.extend(code.split('\n').map(|l| format!("{prefix}{l}")));
                if mode == Mode::Markdown {
                    lines.push(format!("{prefix}{fence}"));
                }
                last_quoted = quote_rest;
            }
            Block::Text(text) => {
                // The line breaks next to a fence only put the fence on its own line.
                let mut text = *text;
                if k > 0 {
                    text = text.strip_prefix('\n').unwrap_or(text);
                }
                if k + 1 < blocks.len() {
                    text = text.strip_suffix('\n').unwrap_or(text);
                    if text.trim().is_empty() {
                        continue;
                    }
                } else if k > 0 && text.trim().is_empty() {
                    continue;
                }
                for line in text.split('\n') {
                    let (quoted, rest) = quote(line, &mut quote_rest);
                    let converted = inline(rest.trim_start_matches([' ', '\t']), names, mode).trim_end().to_owned();
                    if mode == Mode::Plain {
                        lines.push(converted);
                        continue;
                    }
                    // A line after a quote would be read as part of it.
                    if last_quoted && !quoted && !converted.is_empty() {
                        lines.push(String::new());
                    }
                    let converted = guard_line_start(converted);
                    lines.push(match (quoted, converted.is_empty()) {
                        (true, true) => ">".to_owned(),
                        (true, false) => format!("> {converted}"),
                        (false, _) => converted,
                    });
                    last_quoted = quoted;
                }
            }
        }
    }
    let out = lines.join("\n");
    out.trim_matches('\n').trim_end().to_owned()
}

/// Whether `line` is quoted, and the line without its quote marker.
fn quote<'l>(line: &'l str, quote_rest: &mut bool) -> (bool, &'l str) {
    let strip = |rest: &'l str| rest.strip_prefix(' ').unwrap_or(rest);
    if let Some(rest) = line.strip_prefix("&gt;&gt;&gt;") {
        *quote_rest = true;
        return (true, strip(rest));
    }
    if *quote_rest {
        return (true, line);
    }
    match line.strip_prefix("&gt;") {
        Some(rest) => (true, strip(rest)),
        None => (false, line),
    }
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Escapes what would make a converted line open a Markdown block: a heading, a list
/// item, a quote, a setext underline.
fn guard_line_start(line: String) -> String {
    let bytes = line.as_bytes();
    let ends_marker = |at: usize| matches!(bytes.get(at), None | Some(b' ' | b'\t'));
    match bytes.first() {
        Some(b'#') => {
            let run = bytes.iter().take_while(|&&b| b == b'#').count();
            if run <= 6 && ends_marker(run) { format!("\\{line}") } else { line }
        }
        Some(b'-' | b'+' | b'=' | b'>') => format!("\\{line}"),
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits <= 9 && matches!(bytes.get(digits), Some(b'.' | b')')) && ends_marker(digits + 1) {
                format!("{}\\{}", &line[..digits], &line[digits..])
            } else {
                line
            }
        }
        _ => line,
    }
}

/// A piece of a line: decoded text, finished markup, or an emphasis marker that may pair.
enum Piece {
    Text(String),
    Markup(String),
    Mark(Mark),
}

struct Mark {
    marker: u8,
    opens: bool,
    closes: bool,
    /// Decided while pairing: whether it opens, closes or is a plain character.
    role: Role,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Plain,
    Open,
    Close,
}

/// One line of text (no code blocks) converted.
fn inline(line: &str, names: &Directory, mode: Mode) -> String {
    let bytes = line.as_bytes();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut text_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        let token = match bytes[i] {
            b'`' => code_span(line, i, names, mode),
            b'<' => angle(line, i, names, mode),
            b':' => shortcode(line, i),
            marker @ (b'*' | b'_' | b'~') => Some((Piece::Mark(mark(line, i, marker)), i + 1)),
            _ => None,
        };
        match token {
            Some((piece, end)) => {
                if text_from < i {
                    pieces.push(Piece::Text(decode(&line[text_from..i])));
                }
                pieces.push(piece);
                i = end;
                text_from = end;
            }
            None => i += 1,
        }
    }
    if text_from < bytes.len() {
        pieces.push(Piece::Text(decode(&line[text_from..])));
    }
    pair(&mut pieces);
    render(&pieces, mode)
}

/// A `*`, `_` or `~` at `at`, with whether Slack's rules let it open or close.
fn mark(line: &str, at: usize, marker: u8) -> Mark {
    let before = line[..at].chars().next_back();
    let after = line[at + 1..].chars().next();
    let same = |c: Option<char>| c == Some(marker as char);
    let opens =
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_some_and(|c| !c.is_whitespace()) && !same(after);
    let closes =
        before.is_some_and(|c| !c.is_whitespace()) && after.is_none_or(|c| !c.is_alphanumeric()) && !same(before);
    Mark { marker, opens, closes, role: Role::Plain }
}

/// Decides which markers pair: an opener pairs with the next closer of its kind, and
/// markers opened inside a pair but not closed in it stay plain.
fn pair(pieces: &mut [Piece]) {
    // For each piece, whether a closer of each kind follows it.
    let kind = |m: u8| match m {
        b'*' => 0,
        b'_' => 1,
        _ => 2,
    };
    let mut closer_after = vec![[false; 3]; pieces.len()];
    let mut seen = [false; 3];
    for (k, piece) in pieces.iter().enumerate().rev() {
        closer_after[k] = seen;
        if let Piece::Mark(m) = piece
            && m.closes
        {
            seen[kind(m.marker)] = true;
        }
    }
    let mut open: Vec<usize> = Vec::new();
    for k in 0..pieces.len() {
        let Piece::Mark(m) = &pieces[k] else { continue };
        let (marker, opens, closes) = (m.marker, m.opens, m.closes);
        if let Some(at) = open.iter().rposition(|&o| matches!(&pieces[o], Piece::Mark(o) if o.marker == marker)) {
            if closes {
                for inner in open.drain(at + 1..) {
                    set_role(&mut pieces[inner], Role::Plain);
                }
                if let Some(opener) = open.pop() {
                    set_role(&mut pieces[opener], Role::Open);
                }
                set_role(&mut pieces[k], Role::Close);
            }
        } else if opens && closer_after[k][kind(marker)] {
            open.push(k);
        }
    }
    // What is still open found no closer it could pair with: plain characters.
}

fn set_role(piece: &mut Piece, role: Role) {
    if let Piece::Mark(m) = piece {
        m.role = role;
    }
}

fn render(pieces: &[Piece], mode: Mode) -> String {
    let mut out = String::new();
    for piece in pieces {
        match (piece, mode) {
            (Piece::Text(text), Mode::Markdown) => escape(&mut out, text),
            (Piece::Text(text), Mode::Plain) => out.push_str(text),
            (Piece::Markup(markup), _) => {
                // `!` before a link would make it an image.
                if markup.starts_with('[') && out.ends_with('!') && !out.ends_with("\\!") {
                    out.insert(out.len() - 1, '\\');
                }
                out.push_str(markup);
            }
            (Piece::Mark(m), Mode::Markdown) => out.push_str(match (m.role, m.marker) {
                (Role::Plain, b'*') => "\\*",
                (Role::Plain, b'_') => "\\_",
                (Role::Plain, _) => "\\~",
                (_, b'*') => "**",
                (_, b'_') => "*",
                (_, _) => "~~",
            }),
            (Piece::Mark(m), Mode::Plain) => {
                if m.role == Role::Plain {
                    out.push(m.marker as char);
                }
            }
        }
    }
    out
}

/// Escapes the characters of plain text that Markdown would read as markup.
fn escape(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '|' => out.push('\\'),
            // `&amp;` typed as text must not turn into `&` again.
            '&' if chars.peek().is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
}

/// `&lt;`, `&gt;` and `&amp;`, the only entities Slack writes, decoded once.
fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let entity = [("&lt;", '<'), ("&gt;", '>'), ("&amp;", '&')].into_iter().find(|(e, _)| rest.starts_with(e));
        match entity {
            Some((e, c)) => {
                out.push(c);
                rest = &rest[e.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of code: entities decoded, and tokens (Slack still writes them there) as
/// the words they show.
fn code_text(code: &str, names: &Directory) -> String {
    let mut out = String::with_capacity(code.len());
    let mut from = 0;
    let mut i = 0;
    while let Some(at) = code[i..].find('<').map(|at| i + at) {
        match angle(code, at, names, Mode::Plain) {
            Some((Piece::Text(text) | Piece::Markup(text), end)) => {
                out.push_str(&decode(&code[from..at]));
                out.push_str(&text);
                from = end;
                i = end;
            }
            _ => i = at + 1,
        }
    }
    out.push_str(&decode(&code[from..]));
    out
}

/// A `` `code` `` span starting at `at`, if it closes on the line.
fn code_span(line: &str, at: usize, names: &Directory, mode: Mode) -> Option<(Piece, usize)> {
    let len = line[at + 1..].find('`').filter(|&len| len > 0)?;
    let code = code_text(&line[at + 1..at + 1 + len], names);
    let end = at + 1 + len + 1;
    if mode == Mode::Plain {
        return Some((Piece::Text(code), end));
    }
    let ticks = "`".repeat(longest_run(&code, '`') + 1);
    let pad = code.starts_with('`') || code.ends_with('`') || (code.starts_with(' ') && code.ends_with(' '));
    let pad = if pad { " " } else { "" };
    Some((Piece::Markup(format!("{ticks}{pad}{code}{pad}{ticks}")), end))
}

/// An emoji shortcode (`:tada:`, `:+1:`) at `at`, kept as written.
fn shortcode(line: &str, at: usize) -> Option<(Piece, usize)> {
    let rest = &line[at + 1..];
    let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || b"_+-'".contains(b)).count();
    (len > 0 && rest.as_bytes().get(len) == Some(&b':'))
        .then(|| (Piece::Markup(line[at..at + len + 2].to_owned()), at + len + 2))
}

/// A `<...>` token at `at`: a mention, a broadcast, a link.
fn angle(line: &str, at: usize, names: &Directory, mode: Mode) -> Option<(Piece, usize)> {
    let len = line[at + 1..].find(['>', '<', '\n'])?;
    let end = at + 1 + len;
    if line.as_bytes()[end] != b'>' || len == 0 {
        return None;
    }
    let inner = &line[at + 1..end];
    let (target, label) = match inner.split_once('|') {
        Some((target, label)) => (target, Some(decode(label)).filter(|l| !l.is_empty())),
        None => (inner, None),
    };
    let piece = if let Some(id) = target.strip_prefix('@') {
        let name = names.users.get(id).cloned().or_else(|| label.map(|l| l.trim_start_matches('@').to_owned()));
        Piece::Text(format!("@{}", name.unwrap_or_else(|| id.to_owned())))
    } else if let Some(id) = target.strip_prefix('#') {
        let name = names.channels.get(id).cloned().or(label);
        Piece::Text(format!("#{}", name.unwrap_or_else(|| id.to_owned())))
    } else if let Some(command) = target.strip_prefix('!') {
        Piece::Text(special(command, label))
    } else if let Some(address) = target.strip_prefix("mailto:") {
        Piece::Text(decode(address))
    } else if is_url(target) {
        link(&decode(target), label, mode)
    } else {
        return None;
    };
    Some((piece, end + 1))
}

/// `<!here>`, `<!subteam^S1|@team>`, `<!date^…|fallback>` and the like.
fn special(command: &str, label: Option<String>) -> String {
    let name = command.split('^').next().unwrap_or(command);
    match name {
        "here" | "channel" | "everyone" => format!("@{name}"),
        "subteam" => {
            let label = label.unwrap_or_else(|| command.rsplit('^').next().unwrap_or(command).to_owned());
            if label.starts_with('@') { label } else { format!("@{label}") }
        }
        _ => label.unwrap_or_else(|| name.to_owned()),
    }
}

/// Whether a token's target is a link: a scheme, then `:`.
fn is_url(target: &str) -> bool {
    let scheme = target.split(':').next().unwrap_or_default();
    target.len() > scheme.len() + 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

fn link(url: &str, label: Option<String>, mode: Mode) -> Piece {
    let label = label.filter(|l| l != url);
    match (label, mode) {
        (Some(label), Mode::Plain) => Piece::Text(label),
        (None, Mode::Plain) => Piece::Text(url.to_owned()),
        (Some(label), Mode::Markdown) => {
            let mut text = String::new();
            escape(&mut text, &label);
            Piece::Markup(format!("[{text}]({})", destination(url)))
        }
        (None, Mode::Markdown) => {
            let plain = url.chars().all(|c| c.is_alphanumeric() || "-./:?=%#+,;@!$'()".contains(c));
            if plain {
                Piece::Markup(url.to_owned())
            } else if url.contains([' ', '<', '>']) {
                Piece::Markup(format!("[{}]({})", url.replace(['[', ']', '\\'], ""), destination(url)))
            } else {
                Piece::Markup(format!("<{url}>"))
            }
        }
    }
}

/// A link's destination as Markdown reads it whole.
fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>', '\\']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E").replace('\\', "%5C"))
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Directory {
        Directory {
            users: [("U1", "Maya"), ("U2", "Obi_Wan")].map(|(a, b)| (a.to_owned(), b.to_owned())).into(),
            channels: [("C1", "garden")].map(|(a, b)| (a.to_owned(), b.to_owned())).into(),
        }
    }

    #[test]
    fn tokens() {
        for (text, want) in [
            ("hi <@U1>", "hi @Maya"),
            ("hi <@U2|obi>", "hi @Obi\\_Wan"),
            ("hi <@U9|old.name> and <@U8>", "hi @old.name and @U8"),
            ("see <#C1|garden> and <#C1> and <#C9|compost> <#C8>", "see #garden and #garden and #compost #C8"),
            ("<!here> <!channel> <!everyone|everyone> go", "@here @channel @everyone go"),
            ("<!subteam^S1|@beds-team> and <!subteam^S2>", "@beds-team and @S2"),
            ("<!date^1392734382^{date_short}|Feb 18, 2014> ok", "Feb 18, 2014 ok"),
            ("<https://x.example/rota|the rota>", "[the rota](https://x.example/rota)"),
            ("<https://x.example/a?b=1&amp;c=2>", "<https://x.example/a?b=1&c=2>"),
            ("<https://x.example/a>.", "https://x.example/a."),
            ("<https://x.example/a_b|https://x.example/a_b>", "<https://x.example/a_b>"),
            ("<http://example.com|example.com>", "[example.com](http://example.com)"),
            ("<https://x.example/(a)|wiki [b]>", "[wiki \\[b\\]](<https://x.example/(a)>)"),
            ("<mailto:maya@example.org|maya@example.org>", "maya@example.org"),
            ("!<https://x.example|look>", "\\![look](https://x.example)"),
            ("&lt;not a token&gt; &amp; &amp;amp;", "\\<not a token> & \\&amp;"),
            ("a < b", "a \\< b"),
        ] {
            assert_eq!(to_markdown(text, &names()), want, "{text:?}");
        }
    }

    #[test]
    fn emphasis() {
        for (text, want) in [
            ("*bold* _italic_ ~strike~", "**bold** *italic* ~~strike~~"),
            ("*_both_*", "***both***"),
            ("(*bold*), \"_it_\".", "(**bold**), \"*it*\"."),
            ("snake_case_name and 2*3*4", "snake\\_case\\_name and 2\\*3\\*4"),
            ("a * b * c", "a \\* b \\* c"),
            ("*not closed", "\\*not closed"),
            ("*a _b* c_", "**a \\_b** c\\_"),
            ("**double**", "\\***double**\\*"),
            ("*bold <@U1>*", "**bold @Maya**"),
            ("*two\nlines*", "\\*two\nlines\\*"),
            ("_:tada: party_", "*:tada: party*"),
            (":smile_cat: :+1::skin-tone-3: at 10:30", ":smile_cat: :+1::skin-tone-3: at 10:30"),
        ] {
            assert_eq!(to_markdown(text, &names()), want, "{text:?}");
        }
    }

    #[test]
    fn code() {
        for (text, want) in [
            ("run `rm *.tmp &amp;&amp; ls` now", "run `rm *.tmp && ls` now"),
            ("a ` b", "a \\` b"),
            ("```let x = a &lt; b;\nprint(x)```", "```\nlet x = a < b;\nprint(x)\n```"),
            (
                "see:\n```\n*raw* <https://x.example>\n```\nthen _this_",
                "see:\n```\n*raw* https://x.example\n```\nthen *this*",
            ),
            ("inline ```code``` after", "inline\n```\ncode\n```\nafter"),
            ("has ``` one fence", "has \\`\\`\\` one fence"),
            ("`<@U1>` pinged", "`@Maya` pinged"),
        ] {
            assert_eq!(to_markdown(text, &names()), want, "{text:?}");
        }
    }

    #[test]
    fn blocks_and_line_starts() {
        for (text, want) in [
            ("&gt; quoted\nnot quoted", "> quoted\n\nnot quoted"),
            ("&gt;quoted\n&gt;\n&gt; &gt; inner", "> quoted\n>\n> \\> inner"),
            ("before\n&gt;&gt;&gt; all\nof *this*", "before\n> all\n> of **this**"),
            ("# not a heading\n#garden rocks", "\\# not a heading\n#garden rocks"),
            (
                "- not a list\n+ nor this\n1. nor this\n2) or this\n2023. a year",
                "\\- not a list\n\\+ nor this\n1\\. nor this\n2\\) or this\n2023\\. a year",
            ),
            ("title\n===\n---", "title\n\\===\n\\---"),
            ("    indented\n\tcode?", "indented\ncode?"),
            ("a | b\n|---|", "a \\| b\n\\|---\\|"),
            ("line one\n\nline two\n", "line one\n\nline two"),
            ("", ""),
        ] {
            assert_eq!(to_markdown(text, &names()), want, "{text:?}");
        }
    }

    #[test]
    fn plain_text_for_titles() {
        for (text, want) in [
            ("*Slugs* got _half_ the lettuce, <@U1> <https://x.example|see>", "Slugs got half the lettuce, @Maya see"),
            ("&gt; quoted &amp; `code *x*`", "quoted & code *x*"),
            ("```\nfn main()\n```", "fn main()"),
            ("2*3*4 snake_case", "2*3*4 snake_case"),
        ] {
            assert_eq!(to_plain(text, &names()), want, "{text:?}");
        }
    }

    #[test]
    fn renders_as_slack_shows_it() {
        use pulldown_cmark::{Options, Parser, html};
        let render = |md: &str| {
            let mut out = String::new();
            html::push_html(&mut out, Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH));
            out
        };
        for (text, want) in [
            ("*bold* _it_ ~gone~", "<p><strong>bold</strong> <em>it</em> <del>gone</del></p>\n"),
            (
                "a | b\n|---|---|\n1. x\n&lt;b&gt;no&lt;/b&gt; * _",
                "<p>a | b\n|---|---|\n1. x\n&lt;b&gt;no&lt;/b&gt; * _</p>\n",
            ),
            ("&gt; q\nafter", "<blockquote>\n<p>q</p>\n</blockquote>\n<p>after</p>\n"),
            ("[x](y) &amp;copy; \\o/", "<p>[x](y) &amp;copy; \\o/</p>\n"),
        ] {
            assert_eq!(render(&to_markdown(text, &names())), want, "{text:?}");
        }
    }
}
