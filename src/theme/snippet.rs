//! The owner's HTML snippets (`theme/head.html`, `header.html`, `footer.html`), checked
//! before they go into every page as they are.
//!
//! They come from the archive's owner, not from a dump, so they are not sanitised: they are
//! refused, with the line and what to do instead, when they hold what the pages'
//! Content-Security-Policy keeps out (a `<script>`, an `on…` event handler, a
//! `javascript:` URL, frames and objects, inline styles, files from the network), what
//! the page has of its own (`<title>`, `<main>`, a `<base>`), or elements that are not
//! closed and would swallow the page after them. html5ever's tokenizer reads them as a
//! browser would.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};

use crate::diagnostic::Problem;

/// Where a snippet goes: inside `<head>`, or in the page's header or footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Head,
    Body,
}

/// Elements with no end tag.
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

/// Attributes whose value is a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
    "cite",
    "ping",
    "longdesc",
    "manifest",
    "icon",
    "lowsrc",
    "dynsrc",
    "codebase",
    "archive",
];

/// Attributes that make a browser load their URL into the page.
const LOADING_ATTRIBUTES: &[&str] = &["src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc"];

/// Ids the pages use themselves.
const PAGE_IDS: &[&str] = &["main", "search", "search-q", "search-results"];

const CSP_SCRIPT: &str = "the pages' Content-Security-Policy runs only threadarc's own scripts; style the archive with theme/style.css instead";

/// Checks a snippet for `place`; the first problem found, with its line.
pub fn check(text: &str, place: Place) -> Result<(), Problem> {
    let checker = Checker { place, state: RefCell::default() };
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    let tokenizer = Tokenizer::new(checker, Default::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    if let Some(problem) = state.problem {
        return Err(problem);
    }
    match state.open.last() {
        Some((name, line)) => Err(problem(
            *line,
            format!("<{name}> is never closed"),
            format!("add </{name}> where it ends: an element left open would take in the rest of the page"),
        )),
        None => Ok(()),
    }
}

fn problem(line: u64, message: impl Into<String>, hint: impl Into<String>) -> Problem {
    Problem { line: line as usize, message: message.into(), hint: Some(hint.into()) }
}

struct Checker {
    place: Place,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// The elements open, with the line each opened at.
    open: Vec<(String, u64)>,
    /// How many `<svg>` or `<math>` elements are open: inside them `<x/>` closes itself.
    foreign: usize,
    problem: Option<Problem>,
}

impl TokenSink for Checker {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        if state.problem.is_some() {
            return TokenSinkResult::Continue;
        }
        let found = match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => self.start(&mut state, &tag, line),
            Token::TagToken(tag) => end(&mut state, &tag, line),
            Token::CharacterTokens(text) if self.place == Place::Head && !text.trim().is_empty() => Some(problem(
                line,
                format!("text {:?} inside <head>", text.trim().chars().take(40).collect::<String>()),
                "head.html holds only <link> and <meta> elements; put what readers see in theme/header.html",
            )),
            Token::DoctypeToken(_) => {
                Some(problem(line, "a <!DOCTYPE> in a snippet", "leave it out: the page has its own"))
            }
            Token::NullCharacterToken => Some(problem(line, "a NUL character", "remove it")),
            Token::ParseError(error) => Some(problem(
                line,
                format!("the HTML is not well-formed: {error}"),
                "write it as the HTML standard says (quote attribute values, close comments)",
            )),
            _ => None,
        };
        state.problem = found;
        TokenSinkResult::Continue
    }
}

impl Checker {
    fn start(&self, state: &mut State, tag: &Tag, line: u64) -> Option<Problem> {
        let name: &str = &tag.name;
        if let Some(found) = refused_element(name, tag, self.place, line) {
            return Some(found);
        }
        for attribute in &tag.attrs {
            if let Some(found) = refused_attribute(name, &attribute.name.local, &attribute.value, line) {
                return Some(found);
            }
        }
        if name == "img" && !tag.attrs.iter().any(|a| &*a.name.local == "alt") {
            return Some(problem(
                line,
                "<img> without alt",
                "say what the image shows in alt=\"…\" (alt=\"\" for decoration)",
            ));
        }
        if VOID.contains(&name) {
            return None;
        }
        if tag.self_closing && state.foreign == 0 {
            return Some(problem(
                line,
                format!("<{name}/> does not close itself in HTML"),
                format!("write <{name}></{name}>"),
            ));
        }
        if !tag.self_closing {
            if matches!(name, "svg" | "math") {
                state.foreign += 1;
            }
            state.open.push((name.to_owned(), line));
        }
        None
    }
}

fn end(state: &mut State, tag: &Tag, line: u64) -> Option<Problem> {
    let name: &str = &tag.name;
    if VOID.contains(&name) {
        return Some(problem(line, format!("</{name}>: <{name}> has no end tag"), format!("remove </{name}>")));
    }
    match state.open.iter().rposition(|(open, _)| open == name) {
        Some(at) if at + 1 == state.open.len() => {
            state.open.pop();
            if matches!(name, "svg" | "math") {
                state.foreign -= 1;
            }
            None
        }
        Some(_) => {
            let (inner, opened) = state.open.last().expect("an element is open above");
            Some(problem(
                line,
                format!("</{name}> comes before <{inner}> (line {opened}) is closed"),
                format!("close <{inner}> first, with </{inner}>"),
            ))
        }
        None => {
            Some(problem(line, format!("</{name}> closes nothing"), format!("remove it, or add <{name}> before it")))
        }
    }
}

/// Why an element may not be in a snippet at `place`.
fn refused_element(name: &str, tag: &Tag, place: Place, line: u64) -> Option<Problem> {
    let refuse = |message: String, hint: &str| Some(problem(line, message, hint));
    match name {
        "script" => refuse("<script> is refused".into(), CSP_SCRIPT),
        "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "portal" | "fencedframe" => refuse(
            format!("<{name}> is refused"),
            "the pages' Content-Security-Policy shows nothing from other pages or plugins; link to it with <a href> instead",
        ),
        "style" => refuse(
            "<style> is refused".into(),
            "the pages' Content-Security-Policy takes styles only from files: put these rules in theme/style.css",
        ),
        "base" => {
            refuse("<base> is refused".into(), "it would change where every link of the archive leads; leave it out")
        }
        "form" => refuse(
            "<form> is refused".into(),
            "the pages' Content-Security-Policy lets no form be sent (form-action 'none'); link to the form's page instead",
        ),
        "html" | "head" | "body" | "title" | "main" => {
            refuse(format!("<{name}> is refused: the page has its own"), "give only the HTML that goes inside it")
        }
        "meta" if tag.attrs.iter().any(|a| matches!(&*a.name.local, "http-equiv" | "charset")) => refuse(
            "<meta http-equiv> and <meta charset> are refused".into(),
            "the page sets its own encoding and Content-Security-Policy; <meta name=… content=…> is fine",
        ),
        "link" | "meta" if place == Place::Body => {
            refuse(format!("<{name}> belongs inside <head>"), "put it in theme/head.html")
        }
        "link" | "meta" => None,
        _ if place == Place::Head => refuse(
            format!("<{name}> cannot be inside <head>"),
            "head.html holds only <link> and <meta> elements; put what readers see in theme/header.html or footer.html",
        ),
        "header" | "footer" => refuse(
            format!("<{name}> is refused: the snippet is already inside the page's <{}>", "header or footer"),
            "write a <div> or <p> instead",
        ),
        _ => None,
    }
}

/// Why an attribute may not be on an element of a snippet.
fn refused_attribute(element: &str, name: &str, value: &str, line: u64) -> Option<Problem> {
    let name = name.to_ascii_lowercase();
    if name.starts_with("on") {
        return Some(problem(
            line,
            format!("the event handler {name}=\"…\" on <{element}> is refused"),
            format!("an event handler is a script: {CSP_SCRIPT}"),
        ));
    }
    if name == "style" {
        return Some(problem(
            line,
            format!("style=\"…\" on <{element}> is refused"),
            "the pages' Content-Security-Policy takes styles only from files: give the element a class and style it in theme/style.css",
        ));
    }
    if name == "id" && PAGE_IDS.contains(&value.trim()) {
        return Some(problem(line, format!("id=\"{}\" is the page's own", value.trim()), "choose another id"));
    }
    if !URL_ATTRIBUTES.contains(&name.as_str()) {
        return None;
    }
    // As a browser reads a URL: white space and control characters inside a scheme are
    // skipped, and case does not matter.
    let url: String =
        value.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
    for scheme in ["javascript:", "vbscript:", "livescript:"] {
        if url.contains(scheme) && url.split(',').any(|part| part.trim_start().starts_with(scheme)) {
            return Some(problem(
                line,
                format!("a {scheme} URL in {name}=\"…\" on <{element}> is refused"),
                format!("such a URL is a script: {CSP_SCRIPT}"),
            ));
        }
    }
    if url.starts_with("data:") {
        return Some(problem(
            line,
            format!("a data: URL in {name}=\"…\" on <{element}> is refused"),
            "the pages show only the archive's own files: put the file in theme/static/ and write {root}static/NAME",
        ));
    }
    let from_network = url.starts_with("http:") || url.starts_with("https:") || url.starts_with("//");
    let loads = LOADING_ATTRIBUTES.contains(&name.as_str()) || (element == "link" && name == "href");
    if from_network && loads {
        return Some(problem(
            line,
            format!("<{element} {name}=\"{}\"> would load a file from the network", value.trim()),
            "the pages load nothing from the network: put the file in theme/static/ and write {root}static/NAME",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str, place: Place) -> (usize, String) {
        let p = check(text, place).expect_err(text);
        (p.line, p.message)
    }

    #[test]
    fn what_an_owner_writes_passes() {
        let ok = [
            "<p>Licensed <a href=\"https://creativecommons.org/licenses/by/4.0/\">CC BY 4.0</a> &copy; 2024.</p>",
            "<nav aria-label=\"Club\"><a href=\"https://club.example/\">Club home</a></nav>\n<br>\n<img src=\"{root}static/badge.png\" alt=\"\">",
            "<svg viewBox=\"0 0 10 10\" aria-hidden=\"true\"><path d=\"M0 0h10v10z\"/></svg>",
            "<!-- a comment --><div class=\"x\"><p>text</p></div>",
        ];
        for text in ok {
            assert_eq!(check(text, Place::Body), Ok(()), "{text}");
        }
        let head =
            "<link rel=\"icon\" href=\"{root}static/favicon.png\">\n<meta name=\"theme-color\" content=\"#123\">\n";
        assert_eq!(check(head, Place::Head), Ok(()));
    }

    #[test]
    fn script_in_any_form_is_refused_at_its_line() {
        let cases: &[(&str, usize, &str)] = &[
            ("<p>x</p>\n<script>alert(1)</script>", 2, "<script>"),
            ("<p>\n<a href=\"#\" onclick=\"alert(1)\">x</a></p>", 2, "onclick"),
            ("<a href=\" java\tscript:alert(1)\">x</a>", 1, "javascript:"),
            ("<a href=\"VBScript:x\">x</a>", 1, "vbscript:"),
            ("<img src=\"data:text/html,<b>\" alt=\"\">", 1, "data:"),
            ("<svg><script>x</script></svg>", 1, "<script>"),
            ("\n\n<iframe src=\"x.html\"></iframe>", 3, "<iframe>"),
            ("<object data=\"x\"></object>", 1, "<object>"),
            ("<form action=\"/x\"></form>", 1, "<form>"),
            ("<div style=\"color:red\"></div>", 1, "style="),
            ("<style>p{}</style>", 1, "<style>"),
            ("<img src=\"https://cdn.example/x.png\" alt=\"x\">", 1, "network"),
            ("<svg><a xlink:href=\"javascript:x\">y</a></svg>", 1, "javascript:"),
        ];
        for (text, line, said) in cases {
            let (at, message) = refused(text, Place::Body);
            assert_eq!(at, *line, "{text}: {message}");
            assert!(message.contains(said), "{text}: {message}");
        }
    }

    #[test]
    fn elements_must_be_closed_in_order() {
        assert_eq!(refused("<div>\n<p>text</p>\n", Place::Body), (1, "<div> is never closed".to_owned()));
        assert_eq!(refused("<p>a</p>\n</div>", Place::Body).0, 2);
        let (line, message) = refused("<div><span>\n</div>", Place::Body);
        assert_eq!(line, 2);
        assert!(message.contains("<span> (line 1)"), "{message}");
        assert!(refused("<div/>", Place::Body).1.contains("does not close itself"));
        assert!(refused("<br></br>", Place::Body).1.contains("no end tag"));
        assert!(refused("<p class=\"a\"b\">x</p>", Place::Body).1.contains("not well-formed"));
    }

    #[test]
    fn head_takes_only_links_and_meta() {
        assert!(refused("<p>hello</p>", Place::Head).1.contains("<p>"));
        assert!(refused("hello", Place::Head).1.contains("text"));
        assert!(refused("<meta http-equiv=\"refresh\" content=\"0\">", Place::Head).1.contains("http-equiv"));
        assert!(
            refused("<link rel=\"stylesheet\" href=\"https://fonts.example/x.css\">", Place::Head)
                .1
                .contains("network")
        );
        assert!(refused("<link rel=\"x\" href=\"y\">", Place::Body).1.contains("inside <head>"));
        assert!(refused("<title>x</title>", Place::Head).1.contains("its own"));
        assert!(refused("<footer>x</footer>", Place::Body).1.contains("<footer>"));
        assert!(refused("<img src=\"a.png\">", Place::Body).1.contains("alt"));
    }
}
