//! HTML post bodies into Markdown: Hacker News `text` and Discourse `cooked` (FORMATS.md §15).
//!
//! ```text
//! <p>Paper maps. Batteries die;                  Paper maps. Batteries die;
//! paper doesn&#x27;t.<p>See <a href="https:      paper doesn't.
//! &#x2F;&#x2F;x.example&#x2F;a">https:&#x2F;  ->
//! &#x2F;x.example&#x2F;a</a>, <i>really</i>      See https://x.example/a, *really*
//! <pre><code>  make\n</code></pre>
//!                                                ```
//!                                                  make
//!                                                ```
//! ```
//!
//! The archive keeps source text, and a body that arrives as HTML would otherwise pass
//! through as markup a stranger wrote. So HTML is read as a stream of tokens (html5ever's
//! tokenizer, which decodes each entity once) and written again as the Markdown a person
//! would have typed for it: paragraphs, line breaks, links with their whole `href`,
//! emphasis, code (blocks fenced, tagged with `class="lang-X"`), quotes, lists, headings,
//! tables (GFM where they are a plain grid, else a paragraph a row), and images as links to
//! them. Everything else is left out: attributes, scripts and styles with their text,
//! tags nobody reads here (their text stays). Text is escaped where Markdown would take it
//! for markup, so that `*`, `1.` or `> ` typed by a person stays what it was.
//!
//! There is no document tree: a small stack of open elements is enough to close what HTML
//! leaves open (`<p>` without `</p>`, as Hacker News writes it) and to know what a piece of
//! text is inside. The stack is bounded and nothing recurses, so a body of ten thousand
//! nested tags is read in linear time; past [`markdown::MAX_NESTING`] quotes and lists inside each
//! other the deeper ones are read as plain blocks. This file reads the HTML; `markdown`
//! writes the blocks.
//!
//! A platform's own elements (a Discourse quote's `<aside>`, an emoji's `<img>`) are given
//! their meaning by [`Hooks`], asked about every element before the converter reads it.

mod markdown;

use std::cell::RefCell;

use html5ever::LocalName;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

use self::markdown::{
    Blocks, Container, Table, collapse, file_name, is_copy_of, link_closer, push_address, push_code, push_link,
    push_text, safe_href,
};
use super::chat_json::is_web_url;

/// Elements kept open at once; tags past them are read as if they were not there.
const MAX_OPEN: usize = 128;

/// What to make of an element, where a platform gives it a meaning of its own.
pub enum Element {
    /// As any page's element.
    Default,
    /// Left out with all it holds: chrome (a quote's title bar, a file's size).
    Drop,
    /// Its content, as if the tag were not there (a mention is its `@name`, not a link).
    Plain,
    /// This text in place of the element and all it holds (an emoji's `:name:`).
    Text(String),
    /// This text, as a paragraph of its own, in place of the element (a link preview's link).
    Paragraph(String),
    /// A block written between lines of its own (`[quote="…"]` … `[/quote]`), with the
    /// element's content as blocks between them.
    Block { open: String, close: String },
}

/// Asked about every element the converter opens: what it is.
pub trait Hooks {
    /// `depth` is how many elements are open around this one: an element a hook marked at
    /// a depth is closed once another one opens at that depth or less.
    fn element(&mut self, tag: &Tag, depth: usize) -> Element;
}

/// HTML with no elements of its own.
pub struct NoHooks;

impl Hooks for NoHooks {
    fn element(&mut self, _: &Tag, _: usize) -> Element {
        Element::Default
    }
}

/// The value of an attribute of a tag.
pub fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs.iter().find(|a| &*a.name.local == name).map(|a| &*a.value)
}

/// Whether a tag has a class.
pub fn has_class(tag: &Tag, class: &str) -> bool {
    attr(tag, "class").is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
}

/// The Markdown for an HTML body.
pub fn to_markdown(html: &str, hooks: &mut dyn Hooks) -> String {
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Converter::new(hooks))), TokenizerOpts::default());
    let input = BufferQueue::default();
    // Fed a piece at a time: the tokenizer's buffers hold at most 4 GB.
    let mut rest = html;
    while !rest.is_empty() {
        let mut end = rest.len().min(1 << 20);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        input.push_back(StrTendril::from_slice(&rest[..end]));
        rest = &rest[end..];
        let _ = tokenizer.feed(&input);
    }
    tokenizer.end();
    tokenizer.sink.0.into_inner().finish()
}

struct Sink<'h>(RefCell<Converter<'h>>);

impl TokenSink for Sink<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut converter = self.0.borrow_mut();
        // Text comes in pieces (a character reference is one), and is read whole: whether
        // a `_` or `&` is markup depends on what is around it.
        if let Token::CharacterTokens(text) = token {
            converter.pending.push_str(&text);
            return TokenSinkResult::Continue;
        }
        converter.take_text();
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => converter.start(tag),
            Token::TagToken(tag) => {
                converter.end(&tag.name);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// An open element and what closing it does.
struct Frame {
    name: LocalName,
    kind: Kind,
    /// Where its opening delimiter is in the paragraph, once written (emphasis, links).
    at: Option<usize>,
}

#[derive(PartialEq)]
enum Kind {
    /// A `<span>`: nothing.
    Plain,
    /// A paragraph's worth: ends the paragraph before and after.
    Block,
    Heading(usize),
    /// Opened a [`Container`], which closes with it.
    Container,
    Emphasis(&'static str),
    Link(String),
    /// Text gathered as it is, until the element closes: a code block's, inline code's,
    /// a details block's summary.
    Pre,
    Code,
    Summary,
    Table,
    Cell,
    /// Left out, with all it holds.
    Drop,
}

/// Text being gathered as it is.
struct Capture {
    text: String,
    /// The stack index of the element that gathers it.
    at: usize,
    language: Option<String>,
    /// Right after `<pre>`, where HTML drops one newline.
    fresh: bool,
}

struct Converter<'h> {
    hooks: &'h mut dyn Hooks,
    blocks: Blocks,
    stack: Vec<Frame>,
    /// The paragraph being written: inline Markdown, `\n` for a line break.
    inline: String,
    /// Text read and not yet written.
    pending: String,
    /// Frames from here up may have an opening delimiter still to write.
    unopened: usize,
    /// The stack index of the element being left out.
    dropping: Option<usize>,
    /// Inside a script or style: their text is left out up to the end tag.
    raw_drop: bool,
    capture: Option<Capture>,
    /// The text of the open link, to tell a link written as its address.
    link_text: Option<String>,
    table: Option<Table>,
    in_heading: bool,
}

impl<'h> Converter<'h> {
    fn new(hooks: &'h mut dyn Hooks) -> Converter<'h> {
        Converter {
            hooks,
            blocks: Blocks::default(),
            stack: Vec::new(),
            inline: String::new(),
            pending: String::new(),
            unopened: 0,
            dropping: None,
            raw_drop: false,
            capture: None,
            link_text: None,
            table: None,
            in_heading: false,
        }
    }

    fn finish(mut self) -> String {
        self.take_text();
        while let Some(frame) = self.stack.pop() {
            self.close(frame);
        }
        self.flush();
        self.blocks.finish()
    }

    /// Whether blocks are read as text: inside a heading or a table.
    fn flat(&self) -> bool {
        self.table.is_some() || self.in_heading
    }

    fn start(&mut self, tag: Tag) -> TokenSinkResult<()> {
        // The elements whose text the tokenizer must read as text, as a browser does.
        let state = match &*tag.name {
            "script" => return self.drop_raw(RawKind::ScriptData),
            "style" | "iframe" | "noembed" | "noframes" => return self.drop_raw(RawKind::Rawtext),
            "title" | "textarea" => return self.drop_raw(RawKind::Rcdata),
            "xmp" => TokenSinkResult::RawData(RawKind::Rawtext),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        };
        if let Some(capture) = &mut self.capture {
            capture.fresh = false;
            match &*tag.name {
                "br" => capture.text.push('\n'),
                "code" if capture.language.is_none() => capture.language = language(&tag),
                _ => {}
            }
        }
        if self.dropping.is_some() || self.capture.is_some() {
            if !is_void(&tag) && self.stack.len() < MAX_OPEN {
                self.push(tag.name, Kind::Plain);
            }
            return state;
        }
        self.close_implied(&tag.name);
        let full = self.stack.len() >= MAX_OPEN;
        let element = if full { Element::Default } else { self.hooks.element(&tag, self.stack.len()) };
        if is_void(&tag) {
            self.void(&tag, element);
        } else if !full {
            self.open(tag, element);
        }
        state
    }

    fn drop_raw(&mut self, kind: RawKind) -> TokenSinkResult<()> {
        self.raw_drop = true;
        TokenSinkResult::RawData(kind)
    }

    fn push(&mut self, name: LocalName, kind: Kind) {
        self.stack.push(Frame { name, kind, at: None });
    }

    fn end(&mut self, name: &LocalName) {
        // In a script or style, the only end tag the tokenizer gives is theirs.
        if std::mem::take(&mut self.raw_drop) {
            return;
        }
        if &**name == "br" && self.dropping.is_none() {
            return self.line_break();
        }
        match self.stack.iter().rposition(|f| f.name == *name) {
            Some(at) => self.pop_to(at),
            // `</p>` with no paragraph open is one, empty.
            None if &**name == "p" && self.dropping.is_none() && self.capture.is_none() => self.boundary(),
            None => {}
        }
    }

    /// Closes the element at `at` and every one inside it.
    fn pop_to(&mut self, at: usize) {
        while self.stack.len() > at {
            let Some(frame) = self.stack.pop() else { break };
            self.close(frame);
        }
    }

    /// Closes what HTML closes when `name` opens: an open paragraph before a block, the
    /// previous item, cell or row, a link before a link.
    fn close_implied(&mut self, name: &str) {
        const SCOPE: &[&str] = &["td", "th", "table", "caption", "button", "object", "template", "marquee"];
        if closes_paragraph(name) {
            self.close_open(&["p"], SCOPE, &[]);
        }
        match name {
            "li" => self.close_open(&["li"], SCOPE, &["ul", "ol", "menu", "dir"]),
            "dd" | "dt" => self.close_open(&["dd", "dt"], SCOPE, &["dl"]),
            "tr" => self.close_open(&["tr", "td", "th"], &["table"], &[]),
            "td" | "th" => self.close_open(&["td", "th"], &["tr", "table"], &[]),
            "a" => self.close_open(&["a"], &[], &[]),
            // A heading right inside a heading closes it.
            _ if heading_level(name).is_some()
                && self.stack.last().is_some_and(|f| heading_level(&f.name).is_some()) =>
            {
                self.pop_to(self.stack.len() - 1);
            }
            _ => {}
        }
    }

    /// Closes the nearest open element named in `names`, unless one of `scope` or `also`
    /// is nearer.
    fn close_open(&mut self, names: &[&str], scope: &[&str], also: &[&str]) {
        for (i, frame) in self.stack.iter().enumerate().rev() {
            let name = &*frame.name;
            if names.contains(&name) {
                return self.pop_to(i);
            }
            if scope.contains(&name) || also.contains(&name) {
                return;
            }
        }
    }

    fn open(&mut self, tag: Tag, element: Element) {
        let at = self.stack.len();
        let kind = match element {
            Element::Default => self.kind_of(&tag, at),
            Element::Drop => Kind::Drop,
            Element::Plain => Kind::Plain,
            Element::Text(text) => {
                self.text(&text);
                Kind::Drop
            }
            Element::Paragraph(text) => {
                self.boundary();
                self.text(&text);
                self.boundary();
                Kind::Drop
            }
            Element::Block { open, close } => self.open_container(Container::Block { open, close, details: false }),
        };
        if kind == Kind::Drop {
            self.dropping = Some(at);
        }
        self.push(tag.name, kind);
    }

    /// What an element is, by its name; a block that opens here is opened.
    fn kind_of(&mut self, tag: &Tag, at: usize) -> Kind {
        let name = &*tag.name;
        if let Some(level) = heading_level(name) {
            if self.flat() {
                return self.inline_block();
            }
            self.boundary();
            self.in_heading = true;
            return Kind::Heading(level);
        }
        match name {
            "template" | "noscript" | "svg" | "math" | "head" => Kind::Drop,
            "blockquote" => self.open_container(Container::Quote),
            "ul" | "ol" | "menu" | "dir" => {
                let start = attr(tag, "start").and_then(|s| s.trim().parse::<u32>().ok()).unwrap_or(1);
                let ordered = name == "ol";
                let bullet = if ordered { '.' } else { '-' };
                self.open_container(Container::List { ordered, next: start.min(999_999_999), bullet })
            }
            "li" => self.open_item(),
            "details" => {
                let (open, close) = ("[details]".into(), "[/details]".into());
                self.open_container(Container::Block { open, close, details: true })
            }
            "summary" if !self.flat() && self.blocks.in_fresh_details() => self.start_capture(at, Kind::Summary, None),
            "pre" | "listing" | "xmp" | "plaintext" if self.flat() => {
                self.not_a_grid();
                self.start_capture(at, Kind::Code, None)
            }
            "pre" | "listing" | "xmp" | "plaintext" => {
                self.boundary();
                self.start_capture(at, Kind::Pre, language(tag))
            }
            "code" | "kbd" | "samp" | "tt" => self.start_capture(at, Kind::Code, None),
            "em" | "i" | "cite" | "var" | "dfn" => self.emphasis("*"),
            "strong" | "b" => self.emphasis("**"),
            "s" | "strike" | "del" => self.emphasis("~~"),
            "a" => match attr(tag, "href").and_then(safe_href) {
                Some(href) => {
                    self.link_text = Some(String::new());
                    Kind::Link(href)
                }
                None => Kind::Plain,
            },
            "table" => self.open_table(),
            "tr" if self.table.is_some() => {
                self.end_cell();
                self.table.iter_mut().for_each(Table::open_row);
                Kind::Plain
            }
            "td" | "th" if self.table.is_some() => self.open_cell(tag),
            _ if is_block(name) => {
                self.boundary();
                Kind::Block
            }
            _ => Kind::Plain,
        }
    }

    /// A block read as text, where blocks cannot open: a space.
    fn inline_block(&mut self) -> Kind {
        self.not_a_grid();
        self.boundary();
        Kind::Block
    }

    fn not_a_grid(&mut self) {
        self.table.iter_mut().for_each(Table::not_a_grid);
    }

    fn emphasis(&self, delimiter: &'static str) -> Kind {
        let nested = self.stack.iter().any(|f| f.kind == Kind::Emphasis(delimiter));
        if nested { Kind::Plain } else { Kind::Emphasis(delimiter) }
    }

    fn open_container(&mut self, container: Container) -> Kind {
        if self.flat() || !self.blocks.can_open() {
            return self.inline_block();
        }
        self.flush();
        self.blocks.open(container);
        Kind::Container
    }

    fn open_item(&mut self) -> Kind {
        if self.flat() || !self.blocks.can_open() {
            return self.inline_block();
        }
        self.flush();
        if self.blocks.open_item() { Kind::Container } else { Kind::Block }
    }

    fn start_capture(&mut self, at: usize, kind: Kind, language: Option<String>) -> Kind {
        self.capture = Some(Capture { text: String::new(), at, language, fresh: true });
        kind
    }

    fn open_table(&mut self) -> Kind {
        if self.flat() {
            self.not_a_grid();
            return Kind::Plain;
        }
        self.flush();
        self.table = Some(Table::default());
        Kind::Table
    }

    fn open_cell(&mut self, tag: &Tag) -> Kind {
        self.end_cell();
        let spans = ["colspan", "rowspan"].iter().any(|a| attr(tag, a).is_some_and(|n| n.trim() != "1"));
        self.table.iter_mut().for_each(|table| table.open_cell(spans));
        Kind::Cell
    }

    fn void(&mut self, tag: &Tag, element: Element) {
        match element {
            Element::Text(text) => return self.text(&text),
            Element::Paragraph(text) => {
                self.boundary();
                self.text(&text);
                return self.boundary();
            }
            Element::Default => {}
            _ => return,
        }
        match &*tag.name {
            "br" => self.line_break(),
            "hr" if self.flat() => self.boundary(),
            "hr" => {
                self.flush();
                self.blocks.rule();
            }
            "img" => self.image(tag),
            _ => {}
        }
    }

    /// An image: a link to it, or inside a link its words.
    fn image(&mut self, tag: &Tag) {
        let alt = collapse(attr(tag, "alt").unwrap_or_default());
        let alt = alt.trim();
        let src = attr(tag, "src").and_then(safe_href).filter(|s| !s.is_empty());
        match src {
            Some(src) if self.link_text.is_none() => {
                let name = if alt.is_empty() { file_name(&src) } else { alt };
                self.open_inline();
                push_link(&mut self.inline, name, &src);
            }
            _ => self.text(alt),
        }
    }

    fn line_break(&mut self) {
        if let Some(capture) = &mut self.capture {
            capture.text.push('\n');
        } else if self.table.is_some() {
            self.space();
        } else if !self.inline.is_empty() {
            // What the paragraph holds starts with other than white space.
            self.inline.truncate(self.inline.trim_end_matches(' ').len());
            self.inline.push('\n');
        }
    }

    fn space(&mut self) {
        if !self.inline.is_empty() && !self.inline.ends_with([' ', '\n']) {
            self.inline.push(' ');
        }
    }

    fn take_text(&mut self) {
        if !self.pending.is_empty() {
            let text = std::mem::take(&mut self.pending);
            self.text(&text);
        }
    }

    fn text(&mut self, text: &str) {
        if self.raw_drop || self.dropping.is_some() {
            return;
        }
        if let Some(capture) = &mut self.capture {
            let text = if std::mem::take(&mut capture.fresh) { text.strip_prefix('\n').unwrap_or(text) } else { text };
            capture.text.push_str(text);
            return;
        }
        let collapsed = collapse(text);
        if let Some(link) = &mut self.link_text {
            link.push_str(&collapsed);
        }
        let rest = collapsed.trim_start_matches(' ');
        if rest.len() < collapsed.len() {
            self.space();
        }
        if !rest.is_empty() {
            self.open_inline();
            push_text(&mut self.inline, rest);
        }
    }

    /// Writes the opening delimiters of the emphasis and links around the text to come.
    fn open_inline(&mut self) {
        for i in self.unopened..self.stack.len() {
            let opener = match &self.stack[i].kind {
                Kind::Emphasis(delimiter) => *delimiter,
                Kind::Link(_) => "[",
                _ => continue,
            };
            if self.stack[i].at.is_none() {
                self.stack[i].at = Some(self.inline.len());
                self.inline.push_str(opener);
            }
        }
        self.unopened = self.stack.len();
    }

    /// Writes a closing delimiter before the white space the paragraph ends with.
    fn push_closer(&mut self, closer: &str) {
        let tail = self.inline.split_off(self.inline.trim_end_matches([' ', '\n']).len());
        self.inline.push_str(closer);
        self.inline.push_str(&tail);
    }

    /// Closes the emphasis and links open in the paragraph, to open them again in the next.
    fn close_inline(&mut self) {
        for i in (0..self.stack.len()).rev() {
            if self.stack[i].at.take().is_some() {
                let closer = match &self.stack[i].kind {
                    Kind::Emphasis(delimiter) => (*delimiter).to_owned(),
                    Kind::Link(href) => link_closer(href),
                    _ => continue,
                };
                self.push_closer(&closer);
            }
        }
        self.unopened = 0;
    }

    fn close(&mut self, frame: Frame) {
        let at = self.stack.len();
        self.unopened = self.unopened.min(at);
        if let Some(dropping) = self.dropping {
            if dropping == at {
                self.dropping = None;
            }
            return;
        }
        if let Some(capture) = self.capture.take_if(|c| c.at == at) {
            return self.end_capture(&frame.kind, capture);
        }
        if self.capture.is_some() {
            return;
        }
        match frame.kind {
            Kind::Plain | Kind::Drop | Kind::Pre | Kind::Code | Kind::Summary => {}
            Kind::Block => self.boundary(),
            Kind::Heading(level) => {
                self.close_inline();
                self.in_heading = false;
                let text = std::mem::take(&mut self.inline);
                self.blocks.heading(level, &text);
            }
            Kind::Container => {
                self.flush();
                self.blocks.close();
            }
            Kind::Emphasis(delimiter) if frame.at.is_some() => self.push_closer(delimiter),
            Kind::Emphasis(_) => {}
            Kind::Link(href) => self.close_link(frame.at, &href),
            Kind::Table => self.end_table(),
            Kind::Cell => self.end_cell(),
        }
    }

    /// A link: `[text](href)`, or the bare address where its text is the address or a cut
    /// copy of it (`https://example.org/a-very-long-pa...`).
    fn close_link(&mut self, at: Option<usize>, href: &str) {
        let text = self.link_text.take().unwrap_or_default();
        let text = text.trim();
        match at {
            None if text.is_empty() && is_web_url(href) => {
                self.open_inline();
                push_address(&mut self.inline, href);
            }
            Some(at) if is_copy_of(text, href) && is_web_url(href) && at <= self.inline.len() => {
                self.inline.truncate(at);
                push_address(&mut self.inline, href);
            }
            Some(_) => self.push_closer(&link_closer(href)),
            None => {}
        }
    }

    fn end_capture(&mut self, kind: &Kind, capture: Capture) {
        match kind {
            Kind::Summary => {
                let summary = collapse(&capture.text);
                if !summary.trim().is_empty() {
                    self.blocks.set_summary(summary.trim());
                }
            }
            Kind::Code => self.code_span(&capture.text),
            _ => {
                self.flush();
                self.blocks.fence(&capture.text, capture.language.as_deref());
            }
        }
    }

    fn code_span(&mut self, text: &str) {
        let code = collapse(text);
        if let Some(link) = &mut self.link_text {
            link.push_str(&code);
        }
        if code.trim().is_empty() {
            return self.space();
        }
        self.open_inline();
        // In a table, `|` ends a cell even in code.
        let code = if self.table.is_some() { code.replace('|', "\\|") } else { code };
        push_code(&mut self.inline, &code);
    }

    /// Ends a table's cell: its paragraph is the cell's text.
    fn end_cell(&mut self) {
        let Some(in_cell) = self.table.as_ref().map(Table::in_cell) else { return };
        if !in_cell && self.inline.trim().is_empty() {
            return;
        }
        self.close_inline();
        let text = std::mem::take(&mut self.inline).replace('\n', " ").trim().to_owned();
        if let Some(table) = &mut self.table {
            table.end_cell(text);
        }
    }

    fn end_table(&mut self) {
        self.end_cell();
        if let Some(table) = self.table.take() {
            self.blocks.table(table);
        }
    }

    /// Ends the paragraph where a block starts or ends; inside a table or heading, a space.
    fn boundary(&mut self) {
        if self.flat() { self.space() } else { self.flush() }
    }

    /// Writes the paragraph.
    fn flush(&mut self) {
        if self.inline.trim().is_empty() {
            self.inline.clear();
            return;
        }
        self.close_inline();
        let text = std::mem::take(&mut self.inline);
        self.blocks.paragraph(&text);
    }
}

fn is_void(tag: &Tag) -> bool {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
        "keygen", "frame", "image",
    ];
    VOID.contains(&&*tag.name) || (tag.self_closing && matches!(&*tag.name, "svg" | "math"))
}

fn heading_level(name: &str) -> Option<usize> {
    match name.as_bytes() {
        [b'h', level @ b'1'..=b'6'] => Some(usize::from(level - b'0')),
        _ => None,
    }
}

/// Elements that start a block of their own.
fn is_block(name: &str) -> bool {
    closes_paragraph(name) || matches!(name, "caption" | "tr" | "td" | "th" | "body" | "html")
}

/// Elements that start a block and end an open paragraph.
fn closes_paragraph(name: &str) -> bool {
    #[rustfmt::skip]
    const BLOCKS: &[&str] = &[
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "fieldset",
        "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre",
        "section", "summary", "table", "ul", "li", "dd", "dt", "xmp", "listing", "plaintext", "search",
    ];
    BLOCKS.contains(&name) || heading_level(name).is_some()
}

/// A code block's language, from `class="lang-X"` (Discourse) or `language-X`; Discourse's
/// `lang-auto` means none was given.
fn language(tag: &Tag) -> Option<String> {
    let class = attr(tag, "class")?;
    let language = class
        .split_ascii_whitespace()
        .find_map(|c| c.strip_prefix("lang-").or_else(|| c.strip_prefix("language-")))
        .filter(|l| *l != "auto")?;
    let language: String = language.chars().filter(|c| !c.is_whitespace() && *c != '`' && *c != '~').collect();
    (!language.is_empty()).then_some(language)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        to_markdown(html, &mut NoHooks)
    }

    fn check(cases: &[(&str, &str)]) {
        for (html, want) in cases {
            assert_eq!(md(html), *want, "{html}");
        }
    }

    #[test]
    fn hacker_news_text() {
        check(&[
            ("I&#x27;m off &amp; away &quot;soon&quot;", "I'm off & away \"soon\""),
            ("One.<p>Two,\nstill two.<p>Three.", "One.\n\nTwo, still two.\n\nThree."),
            (
                "See <a href=\"https:&#x2F;&#x2F;x.example&#x2F;a\" rel=\"nofollow\">https:&#x2F;&#x2F;x.example&#x2F;a</a>.",
                "See https://x.example/a.",
            ),
            (
                "<a href=\"https://x.example/a/very/long/path/that/hacker/news/cuts/short/for/display?q=1\">\
                 https://x.example/a/very/long/path/that/hacker/news/cuts/sho...</a>",
                "https://x.example/a/very/long/path/that/hacker/news/cuts/short/for/display?q=1",
            ),
            ("<a href=\"https://x.example/a\">the docs</a>", "[the docs](https://x.example/a)"),
            (
                "Run:<p><pre><code>  make -j8\n    cargo build\n</code></pre>\nThen <i>wait</i>.",
                "Run:\n\n```\n  make -j8\n    cargo build\n```\n\nThen *wait*.",
            ),
            ("&gt; a quote-like line<p>my answer", "\\> a quote-like line\n\nmy answer"),
            ("<p>&gt;&gt; two deep", "\\>> two deep"),
        ]);
    }

    #[test]
    fn text_never_becomes_markup() {
        check(&[
            ("1. not a list<p>2024) nor this", "1\\. not a list\n\n2024\\) nor this"),
            (
                "# not a heading<p>- nor a bullet<p>+ nor this<p>=== nor this",
                "\\# not a heading\n\n\\- nor a bullet\n\n\\+ nor this\n\n\\=== nor this",
            ),
            ("*stars* _under_ `tick` [box](x) <b>", "\\*stars\\* \\_under\\_ \\`tick\\` \\[box\\](x)"),
            ("&lt;b&gt;not bold&lt;/b&gt; a | b", "\\<b>not bold\\</b> a \\| b"),
            ("&amp;amp; is an entity, written once", "\\&amp; is an entity, written once"),
            ("snake_case and 2*3", "snake_case and 2\\*3"),
            ("line<br># after a break<br>1. and this", "line\\\n\\# after a break\\\n1\\. and this"),
            ("[quote=\"x, post:1, topic:2\"]<br>[/quote]", "\\[quote=\"x, post:1, topic:2\"\\]\\\n\\[/quote\\]"),
        ]);
    }

    #[test]
    fn inline_markup() {
        check(&[
            ("a <b> bold </b>b", "a **bold** b"),
            ("<em>em <strong>both</strong></em> <i>a <i>b</i></i>", "*em **both*** *a b*"),
            ("<s>gone</s> <del>too</del> <u>plain</u> <span>span</span>", "~~gone~~ ~~too~~ plain span"),
            ("<code>x | y</code> <code>a`b</code> <code>`</code>", "`x | y` ``a`b`` `` ` ``"),
            ("<code>  spaced\n  out </code>", "`  spaced out  `"),
            ("<b></b><i> </i>empty", "empty"),
            ("<kbd>Ctrl</kbd>+<kbd>C</kbd>", "`Ctrl`+`C`"),
        ]);
    }

    #[test]
    fn links() {
        check(&[
            ("<a href=\"/t/other/5\">other</a>", "[other](/t/other/5)"),
            ("<a href=\"https://x.example/a_(b) c\">x</a>", "[x](<https://x.example/a_(b) c>)"),
            ("<a href=\"https://x.example/?a=1&amp;b=2\">q</a>", "[q](https://x.example/?a=1&b=2)"),
            ("<a href=\"https://x.example/?a=&amp;amp;\">q</a>", "[q](https://x.example/?a=\\&amp;)"),
            ("<a href=\"https://x.example/\"></a>", "https://x.example/"),
            (
                "<a href=\"https://x.example/a_b_\">https://x.example/a_b_</a>",
                "[https://x.example/a_b_](https://x.example/a_b_)",
            ),
            ("<a href=\"javascript:alert(1)\">bad</a> <a href=\"JaVa&#x09;ScRiPt:x\">bad</a>", "bad bad"),
            (
                "<a href=\"data:text/html,x\">d</a> <a href=\"mailto:a@x.example\">mail</a>",
                "d [mail](mailto:a@x.example)",
            ),
            ("<a name=\"top\">anchor</a>", "anchor"),
            (
                "<a href=\"https://a.example\">one <a href=\"https://b.example\">two</a>",
                "[one](https://a.example) [two](https://b.example)",
            ),
            ("<a href=\"https://a.example\"><b>bold</b> link</a>", "[**bold** link](https://a.example)"),
        ]);
    }

    #[test]
    fn images_are_links() {
        check(&[
            ("<img src=\"https://x.example/i/cat.png\" alt=\"a cat\">", "[a cat](https://x.example/i/cat.png)"),
            ("<img src=\"https://x.example/i/cat.png?v=2\">", "[cat.png](https://x.example/i/cat.png?v=2)"),
            (
                "<a href=\"https://x.example/big.png\"><img src=\"small.png\" alt=\"rack\"></a>",
                "[rack](https://x.example/big.png)",
            ),
            ("<img src=\"javascript:alert(1)\" alt=\"x\" onerror=\"alert(1)\">", "x"),
        ]);
    }

    #[test]
    fn blocks() {
        check(&[
            (
                "<ul><li>one</li><li>two<ul><li>nested</li></ul></li><li>three</ul><p>after",
                "- one\n- two\n  - nested\n- three\n\nafter",
            ),
            ("<ol start=\"9\"><li>nine<li><p>ten</p><p>more</p></ol>", "9. nine\n10. ten\n\n    more"),
            ("<ul><li>x</ul><ul><li>y</ul><ol><li>a</ol><ol><li>b</ol>", "- x\n\n* y\n\n1. a\n\n1) b"),
            ("<ul><li></li><li>b</li></ul>", "-\n- b"),
            (
                "<blockquote><p>quoted<blockquote>deeper</blockquote></blockquote>reply",
                "> quoted\n>\n> > deeper\n\nreply",
            ),
            ("<blockquote><ul><li>a<li>b</ul></blockquote>", "> - a\n> - b"),
            ("<ul><li><pre><code>x\n\ny</code></pre></ul>", "- ```\n  x\n\n  y\n  ```"),
            ("<h2>Title #</h2>text<h3>a<br>b</h3>", "## Title \\#\n\ntext\n\n### a b"),
            ("a<br>b<br><br>c<br>", "a\\\nb\\\n\\\nc"),
            ("one<hr>two", "one\n\n---\n\ntwo"),
            ("<p>a<div>b</div>c</p>d", "a\n\nb\n\nc\n\nd"),
            (
                "<details><summary>Full \"log\" [1]</summary><p>inside</p></details>",
                "[details=\"Full 'log' (1)\"]\ninside\n[/details]",
            ),
            ("<details><p>no summary</p></details>", "[details]\nno summary\n[/details]"),
        ]);
    }

    #[test]
    fn code_blocks() {
        check(&[
            ("<pre><code class=\"lang-rust\">fn main() {}\n</code></pre>", "```rust\nfn main() {}\n```"),
            ("<pre class=\"language-sh\">ls\n</pre>", "```sh\nls\n```"),
            ("<pre><code class=\"lang-auto\">x</code></pre>", "```\nx\n```"),
            ("<pre>\nfirst newline dropped</pre>", "```\nfirst newline dropped\n```"),
            ("<pre><code>a ``` b\n<b>not bold</b> &amp;</code></pre>", "````\na ``` b\nnot bold &\n````"),
            ("<pre><code>  </code></pre>after", "after"),
            ("<xmp><b>raw</b></xmp>", "```\n<b>raw</b>\n```"),
        ]);
    }

    #[test]
    fn tables() {
        check(&[
            (
                "<table><thead><tr><th>a</th><th>b|c</th></tr></thead>\
                 <tbody><tr><td><b>1</b></td><td><code>x|y</code></td></tr><tr><td>2</td></tr></tbody></table>",
                "| a | b\\|c |\n| --- | --- |\n| **1** | `x\\|y` |\n| 2 |  |",
            ),
            ("<table><tr><td colspan=2>wide</td></tr><tr><td>a<td>b</table>", "wide\n\na \\| b"),
            ("<table><tr><td><ul><li>x<li>y</ul></td></tr></table>", "x y"),
            ("<p>before<table><tr><td>a</td></tr></table>after", "before\n\n| a |\n| --- |\n\nafter"),
            ("<table><tr><td> </td></tr></table>x", "x"),
        ]);
    }

    #[test]
    fn left_out() {
        check(&[
            ("<script>alert('<b>x</b>')</script>ok", "ok"),
            ("<style>p { color: red }</style><p style=\"color:red\" onclick=\"x()\">ok</p>", "ok"),
            ("<title>t</title><textarea>form</textarea><iframe src=\"x\">f</iframe>ok", "ok"),
            ("<template><p>t</p></template><svg><text>s</text></svg><svg/>ok<noscript>n</noscript>", "ok"),
            ("<font color=red>kept</font> <marquee>text</marquee> <custom-tag>too</custom-tag>", "kept text too"),
            ("<!-- a comment --><!DOCTYPE html>ok", "ok"),
            ("<script>never closed", ""),
        ]);
    }

    #[test]
    fn hooks_give_elements_their_meaning() {
        struct Test;
        impl Hooks for Test {
            fn element(&mut self, tag: &Tag, _depth: usize) -> Element {
                match &*tag.name {
                    "aside" => Element::Block { open: "[quote=\"a\"]".into(), close: "[/quote]".into() },
                    "img" if has_class(tag, "emoji") => Element::Text(format!(":{}:", attr(tag, "alt").unwrap_or("x"))),
                    "div" if has_class(tag, "title") => Element::Drop,
                    "a" if has_class(tag, "mention") => Element::Plain,
                    "section" => Element::Paragraph("https://x.example/preview".into()),
                    _ => Element::Default,
                }
            }
        }
        let html = "<aside><div class=\"title\">chrome <b>x</b></div><p>quoted</p></aside>\
                    <p>hi <a class=\"mention\" href=\"/u/bo\">@bo</a> <img class=\"emoji\" alt=\"tada\"></p>\
                    <section><h1>Preview</h1><p>blurb</p></section><aside></aside>";
        assert_eq!(
            to_markdown(html, &mut Test),
            "[quote=\"a\"]\nquoted\n[/quote]\n\nhi @bo :tada:\n\nhttps://x.example/preview"
        );
    }

    /// The Markdown rendered and sanitised as a page shows it.
    fn page(html: &str) -> String {
        use crate::render::markup::{ThreadContext, markdown_to_html, sanitize};
        let ctx = ThreadContext {
            topic_id: None,
            post_href: &|_| None,
            source: None,
            strings: crate::i18n::Strings::english(),
        };
        sanitize(&markdown_to_html(&md(html), &ctx))
    }

    #[test]
    fn hostile_html_never_reaches_the_page() {
        // What is left of markup is tags the sanitiser allows; the rest is text.
        let tags = regex::Regex::new(r"<[^>]*>").unwrap();
        let bad = regex::Regex::new(
            r#"<(script|style|img|iframe|svg)|\s(on[a-z]+|style)\s*=|=\s*"?\s*(javascript|vbscript|data):"#,
        )
        .unwrap();
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\" jav&#x09;ascript:alert(1)\">x</a>",
            "<a href=\"vbscript:msgbox(1)\">x</a>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<p style=\"color:red\" onclick=\"alert(1)\">x</p>",
            "<style>body{display:none}</style>",
            "<svg><script>alert(1)</script></svg>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&lt;img src=x onerror=alert(1)&gt;",
            "<code>&lt;script&gt;</code><pre>&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre>",
            "<a href=\"https://x.example/\" onmouseover=\"alert(1)\">https://x.example/</a>",
            "<img src=\"https://x.example/a.png\" alt=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">",
            "<a href=\"https://x.example/&quot;onmouseover=&quot;alert(1)\">x</a>",
        ] {
            let html = page(hostile);
            for tag in tags.find_iter(&html.to_lowercase()) {
                assert!(!bad.is_match(tag.as_str()), "{hostile:?} gave {html}");
            }
        }
    }

    #[test]
    fn escaped_text_reads_as_written() {
        let html = page("<p>1. *a* _b_ `c` [d](e) # f &lt;g&gt; &amp;amp; | h<br>&gt; i<br>- j</p>");
        assert!(html.contains("1. *a* _b_ `c` [d](e) # f &lt;g&gt; &amp;amp; | h<br>\n&gt; i<br>\n- j"), "{html}");
        let html = page("<ul><li>a<li><b>b</b> <i>c</i> <a href=\"https://x.example\">d</a></ul>");
        assert!(html.contains("<strong>b</strong> <em>c</em> <a href=\"https://x.example\""), "{html}");
        let html = page("<p><em>em <strong>both</strong></em></p>");
        assert!(html.contains("<em>em <strong>both</strong></em>"), "{html}");
    }

    #[test]
    fn deep_nesting_is_read_in_linear_time() {
        for (name, open) in [
            ("divs", "<div>"),
            ("quotes", "<blockquote>"),
            ("lists", "<ul><li>"),
            ("bold", "<b><i>"),
            ("links", "<a href=\"https://x.example\">"),
            ("tables", "<table><tr><td>"),
            ("details", "<details><summary>s</summary>"),
            ("code", "<pre><code>"),
            ("unclosed", "<p>x<br>"),
        ] {
            let html = open.repeat(10_000) + "deep";
            let start = std::time::Instant::now();
            let written = md(&html);
            assert!(start.elapsed().as_secs_f64() < 2.0, "{name} took {:?}", start.elapsed());
            assert!(written.contains("deep"), "{name}: {}", &written[written.len().saturating_sub(200)..]);
            assert!(written.lines().all(|l| l.matches("> ").count() <= markdown::MAX_NESTING), "{name}");
            let closing = format!("{}deep{}", open.repeat(10_000), open.replace('<', "</").repeat(10_000));
            let _ = md(&closing);
        }
    }

    #[test]
    fn never_panics_on_mangled_html() {
        let sample = "<p>Hi <b>there</b> &amp; <a href=\"https://x.example/a?b=1&amp;c\">link</a></p>\
                      <ul><li>one<li>two <code>x</code></ul><pre><code class=\"lang-rs\">fn x() {}\n</code></pre>\
                      <blockquote><p>q</p></blockquote><table><tr><th>a<td>b</table><img src=\"a.png\" alt=\"a\">\
                      <details><summary>s</summary>d</details><h1>t</h1><script>x</script>";
        let nasty = [
            "<",
            ">",
            "</",
            "&",
            "&#",
            "&#x1F600;",
            "\"",
            "<p>",
            "</li>",
            "<pre>",
            "<table>",
            "<td>",
            "<script>",
            "\u{0}",
            "😀",
            "<br/>",
            "<!--",
            "<xmp>",
            "<plaintext>",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below.max(1) as u64) as usize
        };
        for cut in (0..=sample.len()).filter(|&i| sample.is_char_boundary(i)) {
            let _ = md(&sample[..cut]);
        }
        for _ in 0..500 {
            let mut text = sample.to_owned();
            for _ in 0..4 {
                let mut at = next(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, nasty[next(nasty.len())]);
            }
            let _ = md(&text);
        }
    }
}
