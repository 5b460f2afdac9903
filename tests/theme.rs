//! Themes and languages: the sample archive built in German with every hook of `theme/`
//! (tests/fixtures/theme), read page by page; snippets that would run script or swallow
//! the page refused with their file and line; the interface's words in other languages
//! and directions; and a theme change rewriting what it shows, and only that.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

mod common;

use common::{html_files, snapshot, threadarc, write};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};
use regex::Regex;
use threadarc::i18n::{Entry, LANGUAGES, parse_table, placeholders, reference};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A folder with the sample archive's dumps and the theme fixture (German, every hook).
fn themed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("threads"), &dir.path().join("threads"));
    copy_tree(&repo().join("tests/fixtures/theme"), dir.path());
    dir
}

/// A small archive of one plain dump, with `archive.toml` and theme files as given.
fn small(config: &str, theme: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("threads/garden/tomatoes.txt"), "Tomaten\n\nErster Beitrag.\n\nZweiter Beitrag.\n2 Likes\n");
    write(&dir.path().join("archive.toml"), config);
    for (name, text) in theme {
        write(&dir.path().join("theme").join(name), text);
    }
    dir
}

fn build(dir: &Path) -> String {
    let out = threadarc(dir, &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

/// How many files a build wrote, from its closing line.
fn written(stderr: &str) -> usize {
    if stderr.contains("(nothing changed)") {
        return 0;
    }
    let caps = Regex::new(r"\((\d+) files? written\)").unwrap().captures(stderr).unwrap_or_else(|| panic!("{stderr}"));
    caps[1].parse().unwrap()
}

/// What a reader sees of a page's interface: its text and its `title`, `aria-label` and
/// `placeholder` attributes, leaving out what comes from a dump (post
/// bodies, excerpts, and every name and title, which the pages isolate in `<bdi>`) and
/// the owner's snippets.
fn interface_text(html: &str) -> String {
    struct Sink(RefCell<(Vec<(String, bool)>, String)>);
    const DUMP: &[&str] =
        &["body", "excerpt", "lead", "date-text", "subject", "flair", "reactions", "theme-header", "theme-footer"];
    const VOID: &[&str] =
        &["area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let (stack, text) = &mut *self.0.borrow_mut();
            let skipping = stack.last().is_some_and(|(_, skip)| *skip);
            match token {
                Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                    let class = tag.attrs.iter().find(|a| &*a.name.local == "class").map(|a| a.value.to_string());
                    let skip = skipping
                        || &*tag.name == "bdi"
                        || class.is_some_and(|c| c.split(' ').any(|c| DUMP.contains(&c)));
                    if !skip {
                        for a in &tag.attrs {
                            if matches!(&*a.name.local, "title" | "aria-label" | "placeholder") {
                                text.push_str(&a.value);
                                text.push('\n');
                            }
                        }
                    }
                    if !VOID.contains(&&*tag.name) && !tag.self_closing {
                        stack.push((tag.name.to_string(), skip));
                    }
                }
                Token::TagToken(tag) => {
                    if let Some(at) = stack.iter().rposition(|(name, _)| *name == *tag.name) {
                        stack.truncate(at);
                    }
                }
                Token::CharacterTokens(t) if !skipping => {
                    let inside_script = stack.last().is_some_and(|(name, _)| name == "script" || name == "title");
                    if !inside_script {
                        text.push_str(&t);
                    }
                }
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Sink(RefCell::default()), Default::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner().1
}

/// The English interface's words that German does not share: each text of en.toml cut at
/// its `{name}`s, kept where it has a word of three letters or more.
fn english_words() -> Vec<String> {
    let de = parse_table(LANGUAGES.iter().find(|(code, _)| *code == "de").unwrap().1).unwrap();
    let texts = |e: &Entry| -> Vec<String> {
        match e {
            Entry::Text(t) => vec![t.clone()],
            Entry::Forms(f) => f.values().cloned().collect(),
            Entry::List(l) => l.clone(),
        }
    };
    let german: Vec<String> = de.values().flat_map(texts).collect();
    let mut words = BTreeSet::new();
    for (key, entry) in reference() {
        if matches!(key.as_str(), "language_name" | "direction" | "decimal_separator") {
            continue;
        }
        for text in texts(entry) {
            let mut rest = text.clone();
            for name in placeholders(&text) {
                rest = rest.replace(&format!("{{{name}}}"), "\u{0}");
            }
            for part in rest.split('\u{0}') {
                let part = part.trim_matches(|c: char| !c.is_alphanumeric());
                let letters = part.chars().filter(|c| c.is_alphabetic()).count();
                if letters >= 3 && !german.iter().any(|g| g.contains(part)) {
                    words.insert(part.to_owned());
                }
            }
        }
    }
    words.into_iter().collect()
}

#[test]
fn a_german_archive_with_every_hook_speaks_german_and_looks_like_its_theme() {
    let dir = themed();
    build(dir.path());
    let public = dir.path().join("public");
    let fixture = repo().join("tests/fixtures/theme/theme");

    // The theme's files are published beside threadarc's own.
    let files = snapshot(&public);
    assert_eq!(files["static/theme.css"], fs::read(fixture.join("style.css")).unwrap());
    assert_eq!(files["static/logo.svg"], fs::read(fixture.join("logo.svg")).unwrap());
    assert_eq!(files["static/img/leaf.svg"], fs::read(fixture.join("static/img/leaf.svg")).unwrap());

    let words = english_words();
    assert!(words.len() > 100, "{}", words.len());
    assert!(words.iter().any(|w| w == "Jump to post") && words.iter().any(|w| w == "March"), "{words:?}");
    let matchers: Vec<(String, Regex)> =
        words.iter().map(|w| (w.clone(), Regex::new(&format!(r"\b{}\b", regex::escape(w))).unwrap())).collect();
    let date = Regex::new(r"<time [^>]*datetime=[^>]+>(\d\d\.\d\d\.\d{4}, \d\d:\d\d UTC|[A-Z][a-zä]+, \d+\. [^<]+ \d{4}|[A-ZÄ][a-zä]+ \d{4})</time>").unwrap();
    let mut english = Vec::new();
    let pages = html_files(&public);
    assert!(pages.len() > 100, "{}", pages.len());
    for (name, html) in &pages {
        let root = "../".repeat(name.matches('/').count());
        let root = if name == "404.html" { "https://gartenfreunde.example/archiv/".to_owned() } else { root };
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"de\">"), "{name}");
        // The theme's stylesheet comes after the built-in one, so its rules win.
        let own = html.find(&format!("<link rel=\"stylesheet\" href=\"{root}static/style.css\">")).unwrap();
        let theirs = html.find(&format!("<link rel=\"stylesheet\" href=\"{root}static/theme.css\">")).expect(name);
        assert!(own < theirs, "{name}");
        assert!(html.contains(&format!("<link rel=\"icon\" href=\"{root}static/img/leaf.svg\"")), "{name}: head.html");
        assert!(
            html.contains(&format!(
                "<a class=\"site-title with-logo\" href=\"{root}index.html\"><img class=\"site-logo\" src=\"{root}static/logo.svg\" alt=\"Gartenfreunde-Archiv\">"
            )),
            "{name}: the logo"
        );
        assert!(html.contains("<p class=\"club-banner\">Gartenfreunde Nord e.&#8239;V.</p>"), "{name}: header.html");
        assert!(
            html.contains("<a href=\"https://gartenfreunde.example/\">Zur Vereinsseite</a></p>"),
            "{name}: footer.html"
        );
        assert!(html.contains("Archiv der Gartenfreunde Nord, erstellt mit threadarc."), "{name}: strings.toml");
        assert!(html.contains(">Mitglieder</a>"), "{name}: strings.toml");
        if name.ends_with(".html") && html.contains("<time") {
            assert!(date.is_match(html), "{name}: dates are German");
        }
        let text = interface_text(html);
        for (word, matcher) in &matchers {
            if let Some(m) = matcher.find(&text) {
                let around = &text
                    [text.floor_char_boundary(m.start().saturating_sub(60))..text.ceil_char_boundary(m.end() + 60)];
                english.push(format!("{name}: {word:?} in …{around}…"));
            }
        }
    }
    // What the search box says, which static/search.js carries.
    let search_words = |public: &Path| {
        let js = fs::read_to_string(public.join("static/search.js")).unwrap();
        let start = js.find("var WORDS = ").unwrap();
        js[start..start + js[start..].find(";\n").unwrap()].to_owned()
    };
    let words_de = search_words(&public);
    assert!(words_de.contains("Keine Beiträge gefunden"), "{words_de}");
    for (word, matcher) in &matchers {
        if matcher.is_match(&words_de) {
            english.push(format!("static/search.js: {word:?} in {words_de}"));
        }
    }
    // The same reading finds the words on an English page.
    let en = small("", &[]);
    build(en.path());
    let index = interface_text(&fs::read_to_string(en.path().join("public/index.html")).unwrap());
    let found = matchers.iter().filter(|(_, m)| m.is_match(&index)).count();
    assert!(found >= 8, "{found} English words found in {index}");
    assert!(search_words(&en.path().join("public")).contains("No posts found."));
    assert!(
        english.is_empty(),
        "English interface words on German pages:\n{}",
        english[..english.len().min(30)].join("\n")
    );

    // What pages show in their bodies, and feeds, speak German too.
    let mail = pages.iter().filter(|(_, html)| html.contains("class=\"mail-quote\"")).count();
    assert!(mail > 0);
    for (name, html) in &pages {
        assert!(!html.contains(" line)</summary>") && !html.contains(" lines)</summary>"), "{name}");
        assert!(!html.contains("<summary>Quoted text") && !html.contains("<summary>Original message"), "{name}");
    }
    // A Discourse quote's attribution is the interface's; a phpBB one's (`NAME wrote:`) is
    // the forum's own words, kept.
    assert!(pages.iter().any(|(_, html)| html.contains(" schrieb:</p>")));
    assert!(pages.iter().any(|(_, html)| html.contains(" Zeilen)</summary>") || html.contains(" Zeile)</summary>")));
    let feeds: Vec<String> = files
        .iter()
        .filter(|(name, _)| name.ends_with(".xml") && name.contains('/') && !name.ends_with("feed.xml"))
        .map(|(_, bytes)| String::from_utf8(bytes.clone()).unwrap())
        .collect();
    assert!(
        feeds.iter().any(|f| Regex::new(r"<title>#\d+ von ").unwrap().is_match(f)),
        "feed entries name posts in German"
    );
    assert!(feeds.iter().all(|f| !f.contains("</a> by ") && !Regex::new(r"<title>#\d+ by ").unwrap().is_match(f)));
}

#[test]
fn the_theme_is_read_the_same_way_twice() {
    let dir = themed();
    let out = threadarc(dir.path(), &["build", "--output", "a"]);
    assert!(out.status.success());
    let out = threadarc(dir.path(), &["build", "--output", "b"]);
    assert!(out.status.success());
    let (mut a, mut b) = (snapshot(&dir.path().join("a")), snapshot(&dir.path().join("b")));
    // The cache records when it was written.
    a.remove(".threadarc-cache");
    b.remove(".threadarc-cache");
    assert!(a == b, "two builds of the same theme differ");
}

/// The build's and check's error for a theme with `file` holding `text`: the message,
/// with the archive built before left as it was.
fn refused(file: &str, text: &str) -> String {
    let dir = small("title = \"Garten\"\nlanguage = \"de\"\n", &[]);
    build(dir.path());
    let before = snapshot(&dir.path().join("public"));
    write(&dir.path().join("theme").join(file), text);
    let out = threadarc(dir.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{file} with {text:?} was accepted");
    assert!(snapshot(&dir.path().join("public")) == before, "a refused theme changed the archive");
    let check = threadarc(dir.path(), &["check"]);
    assert!(!check.status.success());
    let checked = String::from_utf8_lossy(&check.stderr).into_owned() + &String::from_utf8_lossy(&check.stdout);
    let first = stderr.lines().find(|l| l.contains("error")).unwrap_or_default().to_owned();
    assert!(checked.contains(first.trim_start_matches("error: ")), "check says what build says:\n{first}\n{checked}");
    stderr
}

#[test]
fn snippets_that_would_run_script_are_refused_with_their_file_and_line() {
    let cases = [
        ("footer.html", "<p>Hallo</p>\n<script>alert(1)</script>\n", "theme/footer.html:2: <script> is refused"),
        (
            "header.html",
            "<p>\n<a href=\"#\" onclick=\"alert(1)\">x</a></p>",
            "theme/header.html:2: the event handler onclick",
        ),
        ("footer.html", "<a href=\"javascript:alert(1)\">x</a>", "theme/footer.html:1: a javascript: URL"),
        (
            "head.html",
            "<link rel=\"icon\" href=\"x.png\">\n<script src=\"x.js\"></script>",
            "theme/head.html:2: <script> is refused",
        ),
        ("header.html", "<div>\n<p>Verein</p>\n", "theme/header.html:1: <div> is never closed"),
        ("footer.html", "<iframe src=\"https://example.org/\"></iframe>", "theme/footer.html:1: <iframe> is refused"),
    ];
    for (file, text, said) in cases {
        let stderr = refused(file, text);
        assert!(stderr.contains(said), "{said}\n{stderr}");
        assert!(stderr.contains("hint: "), "{stderr}");
    }
    assert!(refused("footer.html", "<script>x</script>").contains("Content-Security-Policy"));
}

#[test]
fn theme_files_that_clash_or_lie_are_refused() {
    let stderr = refused("static/search.js", "// mine\n");
    assert!(stderr.contains("theme/static/search.js") && stderr.contains("static/search.js"), "{stderr}");
    let stderr = refused("static/theme.css", "p {}");
    assert!(stderr.contains("would replace threadarc's own static/theme.css"), "{stderr}");
    let stderr = refused("logo.png", "<svg></svg>");
    assert!(stderr.contains("theme/logo.png: not a PNG image"), "{stderr}");
    let stderr = refused("static/My Font.woff2", "x");
    assert!(stderr.contains("My Font.woff2") && stderr.contains("rename it"), "{stderr}");

    let dir = small("", &[("logo.svg", "<svg></svg>"), ("logo.png", "x")]);
    let out = threadarc(dir.path(), &["build"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than one logo: logo.png, logo.svg"));
}

#[test]
fn unknown_words_in_strings_toml_are_warned_about_with_their_line() {
    let strings = "# Unsere Wörter\njump_to_post = \"Springe zu\"\n\njmup_label = \"Beiträge\"\n";
    let dir = small("language = \"de\"\n", &[("strings.toml", strings)]);
    let check = threadarc(dir.path(), &["check"]);
    let said = String::from_utf8_lossy(&check.stderr).into_owned() + &String::from_utf8_lossy(&check.stdout);
    assert!(said.contains("theme/strings.toml:4: unknown key `jmup_label`"), "{said}");
    assert!(said.contains("did you mean `jump_label`?"), "{said}");
    let stderr = build(dir.path());
    assert!(stderr.contains("theme/strings.toml:4: unknown key `jmup_label`"), "{stderr}");
}

#[test]
fn right_to_left_languages_mirror_the_page_and_unknown_ones_speak_english() {
    for (code, word) in [("ar", "المواضيع"), ("he", "נושאים")] {
        let dir = small(&format!("language = \"{code}\"\n"), &[]);
        build(dir.path());
        let index = fs::read_to_string(dir.path().join("public/index.html")).unwrap();
        assert!(index.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"{code}\" dir=\"rtl\">")), "{index}");
        assert!(index.contains(word), "{code}");
    }
    let dir = small("language = \"tlh\"\n", &[]);
    let stderr = build(dir.path());
    assert!(stderr.contains("no interface words for language `tlh`"), "{stderr}");
    let index = fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(index.contains("<html lang=\"tlh\">") && index.contains("Recent threads"), "{index}");
}

#[test]
fn a_theme_change_rewrites_the_pages_and_an_unchanged_rebuild_nothing() {
    let footer = "<p>Alt</p>";
    let dir = small("language = \"de\"\n", &[("footer.html", footer), ("style.css", "a { color: red; }")]);
    build(dir.path());
    assert_eq!(written(&build(dir.path())), 0, "an unchanged rebuild writes nothing");

    write(&dir.path().join("theme/footer.html"), "<p>Neu</p>");
    let stderr = build(dir.path());
    let pages = html_files(&dir.path().join("public"));
    assert!(pages.iter().all(|(_, html)| html.contains("<p>Neu</p>") && !html.contains("<p>Alt</p>")));
    assert!(written(&stderr) >= pages.len(), "{stderr}");
    assert_eq!(written(&build(dir.path())), 0);

    // A stylesheet change changes the stylesheet; the pages are the same bytes.
    write(&dir.path().join("theme/style.css"), "a { color: blue; }");
    let before = snapshot(&dir.path().join("public"));
    build(dir.path());
    let after = snapshot(&dir.path().join("public"));
    let changed: Vec<&String> =
        after.keys().filter(|k| before.get(*k) != after.get(*k) && k.as_str() != ".threadarc-cache").collect();
    assert_eq!(changed, ["static/theme.css"]);

    // Taking the theme away takes its files with it, and the rebuild is a cold build's.
    fs::remove_dir_all(dir.path().join("theme")).unwrap();
    build(dir.path());
    let out = threadarc(dir.path(), &["build", "--output", "cold"]);
    assert!(out.status.success());
    let (mut warm, mut cold) = (snapshot(&dir.path().join("public")), snapshot(&dir.path().join("cold")));
    warm.remove(".threadarc-cache");
    cold.remove(".threadarc-cache");
    assert!(!warm.contains_key("static/theme.css"));
    assert!(warm == cold, "a rebuild without the theme differs from a cold build");
}
