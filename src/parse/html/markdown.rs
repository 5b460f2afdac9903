//! Writing the Markdown an HTML body becomes: blocks inside the quotes, list items and
//! Discourse blocks they are in, and text escaped so that it stays text.
//!
//! Markdown says by a line's start what block it is in (`> `, a list marker, the marker's
//! width of indent), so each line is written with the prefix of its containers; a
//! container's first line gets its list marker, and a Discourse block (`[quote=…]`) its
//! opening line, only once something is written inside it. Blocks are separated by a blank
//! line, except a list's items, which follow each other so that the list stays tight, and
//! two lists in a row get different bullets so that Markdown does not join them.

use std::borrow::Cow;

use super::super::chat_json::push_escaped;

/// Quotes, lists and blocks nested inside each other that keep their structure: the
/// renderer keeps 24 levels of Markdown, and each of these takes one or two.
pub const MAX_NESTING: usize = 12;

/// A block that gives the lines inside it a prefix or lines of its own.
pub enum Container {
    Quote,
    List {
        ordered: bool,
        next: u32,
        bullet: char,
    },
    Item(String),
    /// A Discourse block: `[quote="…"]` or `[details="…"]` … and its closing line.
    Block {
        open: String,
        close: String,
        details: bool,
    },
}

/// The Markdown written so far, and the containers open around what comes next.
#[derive(Default)]
pub struct Blocks {
    out: String,
    /// Each with whether a line has been written inside it.
    containers: Vec<(Container, bool)>,
    /// A blank line goes before the next line written.
    blank: bool,
    /// The nesting and bullet of the list just written, which a list right after must
    /// not continue.
    last_list: Option<(usize, char)>,
}

impl Blocks {
    pub fn finish(mut self) -> String {
        self.out.truncate(self.out.trim_end().len());
        self.out
    }

    /// Whether another container may open.
    pub fn can_open(&self) -> bool {
        self.containers.len() < MAX_NESTING
    }

    pub fn open(&mut self, mut container: Container) {
        if let Container::List { ordered, bullet, .. } = &mut container
            && self.last_list == Some((self.containers.len(), *bullet))
        {
            *bullet = if *ordered { ')' } else { '*' };
        }
        self.containers.push((container, false));
    }

    /// Opens an item of the innermost container, if that is a list.
    pub fn open_item(&mut self) -> bool {
        let n = self.containers.len();
        let nested = n >= 2 && matches!(self.containers[n - 2], (Container::Item(_), true));
        let Some((Container::List { ordered, next, bullet }, started)) = self.containers.last_mut() else {
            return false;
        };
        let marker = if *ordered { format!("{next}{bullet} ") } else { format!("{bullet} ") };
        *next = next.saturating_add(1).min(999_999_999);
        // An item follows the one before, and a list inside an item its first line,
        // without a blank line: the list stays tight.
        if *started || nested {
            self.blank = false;
        }
        self.containers.push((Container::Item(marker), false));
        true
    }

    pub fn close(&mut self) {
        if matches!(self.containers.last(), Some((Container::Item(_), false))) {
            // An empty item keeps its place in the list.
            self.write_line("");
        }
        let Some((container, started)) = self.containers.pop() else { return };
        match container {
            Container::Block { close, .. } if started => {
                self.blank = false;
                self.write_line(&close);
                self.blank = true;
            }
            Container::List { bullet, .. } => {
                self.blank = true;
                self.last_list = Some((self.containers.len(), bullet));
            }
            Container::Item(_) => {}
            _ => self.blank = true,
        }
    }

    /// Whether the innermost container is a details block with nothing in it yet, whose
    /// summary may still name it.
    pub fn in_fresh_details(&self) -> bool {
        matches!(self.containers.last(), Some((Container::Block { details: true, .. }, false)))
    }

    pub fn set_summary(&mut self, summary: &str) {
        if let Some((Container::Block { open, details: true, .. }, false)) = self.containers.last_mut() {
            let summary: String = summary
                .chars()
                .map(|c| match c {
                    '"' => '\'',
                    '[' => '(',
                    ']' => ')',
                    c => c,
                })
                .collect();
            *open = format!("[details=\"{summary}\"]");
        }
    }

    /// A paragraph: its lines (`\n` in `text`) joined by hard breaks, each escaped where
    /// its start would open a block.
    pub fn paragraph(&mut self, text: &str) {
        let lines: Vec<&str> = text.split('\n').map(|l| l.trim_matches(' ')).collect();
        let Some(first) = lines.iter().position(|l| !l.is_empty()) else { return };
        let last = lines.iter().rposition(|l| !l.is_empty()).unwrap_or(first);
        for (i, line) in lines.iter().enumerate().take(last + 1).skip(first) {
            let mut line = escape_line_start(line).into_owned();
            if i < last {
                line.push('\\');
            }
            self.write_line(&line);
        }
        self.blank = true;
    }

    pub fn heading(&mut self, level: usize, text: &str) {
        let mut text = text.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return;
        }
        // A closing `#` would be read as the heading's own.
        if text.ends_with('#') {
            text.insert(text.len() - 1, '\\');
        }
        self.write_line(&format!("{} {text}", "#".repeat(level)));
        self.blank = true;
    }

    /// A code block, fenced by more backticks than it holds, tagged with its language.
    pub fn fence(&mut self, text: &str, language: Option<&str>) {
        let text = text.trim_end_matches(['\n', ' ', '\t']);
        if text.trim().is_empty() {
            return;
        }
        let fence = "`".repeat(backtick_run(text).max(2) + 1);
        self.write_line(&format!("{fence}{}", language.unwrap_or_default()));
        for line in text.split('\n') {
            self.write_line(line);
        }
        self.write_line(&fence);
        self.blank = true;
    }

    pub fn rule(&mut self) {
        self.blank = true;
        self.write_line("---");
        self.blank = true;
    }

    /// A table: a GFM table where it is a grid, else a paragraph a row.
    pub fn table(&mut self, table: Table) {
        let rows: Vec<Vec<String>> = table.rows.into_iter().filter(|r| r.iter().any(|c| !c.is_empty())).collect();
        if !table.grid {
            for row in rows {
                let cells: Vec<&str> = row.iter().map(String::as_str).filter(|c| !c.is_empty()).collect();
                self.paragraph(&cells.join(" \\| "));
            }
            return;
        }
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<&str> = (0..width).map(|c| row.get(c).map_or("", String::as_str)).collect();
            self.write_line(&format!("| {} |", cells.join(" | ")));
            if i == 0 {
                self.write_line(&format!("|{}", " --- |".repeat(width)));
            }
        }
        self.blank = true;
    }

    /// Writes one line of a block, after the opening lines of the containers it is the
    /// first line of, and the blank line before a new block.
    fn write_line(&mut self, text: &str) {
        for i in 0..self.containers.len() {
            if let (Container::Block { open, .. }, false) = &self.containers[i] {
                let open = open.clone();
                self.separate();
                let prefix = self.prefix(i);
                self.push_line(&prefix, &open);
                self.containers[..=i].iter_mut().for_each(|c| c.1 = true);
                self.blank = false;
            }
        }
        self.separate();
        let prefix = self.prefix(self.containers.len());
        self.push_line(&prefix, text);
        self.containers.iter_mut().for_each(|c| c.1 = true);
        self.last_list = None;
    }

    fn push_line(&mut self, prefix: &str, text: &str) {
        if text.is_empty() {
            self.out.push_str(prefix.trim_end());
        } else {
            self.out.push_str(prefix);
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// The blank line before a new block, inside the containers it is in.
    fn separate(&mut self) {
        if std::mem::take(&mut self.blank) && !self.out.is_empty() {
            let started = self.containers.iter().take_while(|c| c.1).count();
            let prefix = self.prefix(started);
            self.out.push_str(prefix.trim_end());
            self.out.push('\n');
        }
    }

    /// What the lines inside the first `n` containers start with.
    fn prefix(&self, n: usize) -> String {
        let mut prefix = String::new();
        for (container, started) in &self.containers[..n] {
            match container {
                Container::Quote => prefix.push_str("> "),
                Container::Item(marker) if *started => prefix.push_str(&" ".repeat(marker.len())),
                Container::Item(marker) => prefix.push_str(marker),
                _ => {}
            }
        }
        prefix
    }
}

/// A table as it is read: rows of cells, each cell's text inline Markdown.
pub struct Table {
    rows: Vec<Vec<String>>,
    in_cell: bool,
    /// A plain grid (no spans, no blocks in cells): a GFM table.
    grid: bool,
}

impl Default for Table {
    fn default() -> Table {
        Table { rows: Vec::new(), in_cell: false, grid: true }
    }
}

impl Table {
    pub fn in_cell(&self) -> bool {
        self.in_cell
    }

    pub fn not_a_grid(&mut self) {
        self.grid = false;
    }

    pub fn open_row(&mut self) {
        self.rows.push(Vec::new());
    }

    pub fn open_cell(&mut self, spans: bool) {
        if self.rows.is_empty() {
            self.open_row();
        }
        self.grid &= !spans;
        self.in_cell = true;
    }

    /// The text of the cell, or of text outside the cells, which is a row of its own.
    pub fn end_cell(&mut self, text: String) {
        if !std::mem::take(&mut self.in_cell) {
            self.grid = false;
            self.rows.push(Vec::new());
        }
        if let Some(row) = self.rows.last_mut() {
            row.push(text);
        }
    }
}

/// A line of a paragraph, escaped where its start would open a block (`# `, `> `, `- `, `1. `).
fn escape_line_start(line: &str) -> Cow<'_, str> {
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let next = line[digits..].chars().next();
    if digits > 0 && digits < 10 && matches!(next, Some('.' | ')')) {
        return Cow::Owned(format!("{}\\{}", &line[..digits], &line[digits..]));
    }
    if digits == 0 && matches!(next, Some('#' | '>' | '-' | '+' | '=' | '|')) {
        return Cow::Owned(format!("\\{line}"));
    }
    Cow::Borrowed(line)
}

/// White space as HTML shows it: each run one space.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Text, escaped where Markdown would read it as markup; `|` everywhere, for a table cell
/// or a line that would start one.
pub fn push_text(out: &mut String, text: &str) {
    for (i, part) in text.split('|').enumerate() {
        if i > 0 {
            out.push_str("\\|");
        }
        push_escaped(out, part, false);
    }
}

/// Inline code, in more backticks than it holds.
pub fn push_code(out: &mut String, code: &str) {
    let ticks = "`".repeat(backtick_run(code) + 1);
    let pad = code.starts_with('`') || code.ends_with('`') || (code.starts_with(' ') && code.ends_with(' '));
    let pad = if pad { " " } else { "" };
    out.push_str(&format!("{ticks}{pad}{code}{pad}{ticks}"));
}

/// A link: `[text](href)`.
pub fn push_link(out: &mut String, text: &str, href: &str) {
    out.push('[');
    push_text(out, text);
    out.push_str("](");
    push_destination(out, href);
    out.push(')');
}

/// A link's destination: in `<…>` where it holds spaces or parentheses, with what would end
/// it or be read as an escape or a character reference made inert.
pub fn push_destination(out: &mut String, href: &str) {
    let angle = href.contains([' ', '(', ')']);
    if angle {
        out.push('<');
    }
    for (i, c) in href.char_indices() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            '&' if is_reference(&href[i..]) => out.push_str("\\&"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if angle {
        out.push('>');
    }
}

/// Whether text starting with `&` is a character reference Markdown would decode.
fn is_reference(text: &str) -> bool {
    let name = text[1..].bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'#').count();
    name > 0 && text.as_bytes().get(1 + name) == Some(&b';')
}

/// What ends a link: `](href)`.
pub fn link_closer(href: &str) -> String {
    let mut closer = "](".to_owned();
    push_destination(&mut closer, href);
    closer + ")"
}

/// An address a link may keep: relative, or of a scheme that runs no script.
pub fn safe_href(href: &str) -> Option<String> {
    let href: String = href.trim().chars().filter(|c| !c.is_control()).collect();
    let scheme_end = href.find(':').filter(|&at| !href[..at].contains(['/', '?', '#']));
    match scheme_end.map(|at| href[..at].to_ascii_lowercase()) {
        None => Some(href),
        Some(scheme) if matches!(scheme.as_str(), "http" | "https" | "mailto" | "ftp") => Some(href),
        Some(_) => None,
    }
}

/// Whether a link's text is its address, or the address cut short with `...` or `…`.
pub fn is_copy_of(text: &str, href: &str) -> bool {
    if text == href {
        return true;
    }
    let cut = text.strip_suffix("...").or_else(|| text.strip_suffix('…'));
    cut.is_some_and(|cut| cut.len() >= 12 && href.starts_with(cut))
}

/// The last part of an address's path, to name an image without words.
pub fn file_name(src: &str) -> &str {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("image")
}

/// An address as Markdown text: as it is where nothing in it is markup, else a link that
/// shows it.
pub fn push_address(out: &mut String, href: &str) {
    if href.contains(|c: char| c.is_whitespace() || "\\`*_[]<>~|&\"".contains(c)) {
        push_link(out, href, href);
    } else {
        out.push_str(href);
    }
}

/// The longest run of backticks in `text`.
fn backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}
