//! What an archive reader and a publisher get beyond the thread pages: author, tag and
//! month pages, neighbours and replies, long threads in pages, records as JSON Lines, feeds,
//! sitemap, canonical links.

use std::fs;
use std::path::Path;

mod common;

use common::{Inspector, html_files, threadarc, write};

fn raw_post(author: &str, date: &str, number: u32, body: &str) -> String {
    format!("{author} | {date} UTC | #{number}\n\n{body}\n\n-------------------------\n\n")
}

fn fixture(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("archive.toml"), config);
    let mut long = String::from("+++\ntitle = \"A long thread\"\ntags = [\"long\", \"Rust & C\"]\n+++\n");
    for n in 1..=25 {
        let body = if n == 21 {
            "[quote=\"ann, post:2, topic:1\"]\nquoted\n[/quote]\n\nanswer".to_owned()
        } else {
            format!("post {n}")
        };
        long.push_str(&raw_post(
            if n % 2 == 0 { "ann" } else { "bob" },
            &format!("2021-03-{:02} 10:00:00", n),
            n,
            &body,
        ));
    }
    write(&dir.path().join("threads/t/long.txt"), &long);
    write(
        &dir.path().join("threads/t/older.txt"),
        &raw_post("carol", "2020-01-01 10:00:00", 1, "an old thread about <b>bold</b> things"),
    );
    write(&dir.path().join("threads/t/undated.txt"), "Undated\n\nno dates here\n\nnone\n");
    dir
}

#[test]
fn reading_pages() {
    let dir = fixture("posts_per_page = 10\n");
    let out = threadarc(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let public = dir.path().join("public");
    let read = |p: &str| fs::read_to_string(public.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    // A long thread in pages by post number, and permalinks that find the right page.
    let page1 = read("t/a-long-thread.html");
    let page3 = read("t/a-long-thread/3.html");
    assert_eq!(page1.matches(r#"<article class="post"#).count(), 10);
    assert_eq!(page3.matches(r#"<article class="post"#).count(), 5);
    assert!(page3.contains(r#"id="post-21""#));
    assert!(
        page3.contains(r#"<a href="../../t/a-long-thread.html#post-2" rel="nofollow ugc noopener">(#2)</a>"#),
        "quote link"
    );
    assert!(page3.contains(r#"in reply to <a href="../../t/a-long-thread.html#post-2">#2</a>"#));
    assert!(page1.contains(r#"replies: <a href="../t/a-long-thread/3.html#post-21">#21</a>"#), "replies under #2");
    assert!(page1.contains(r#"<a href="../t/a-long-thread/2.html">2</a>"#), "pagination");
    // Each page's jump list names its own posts; the pagination leads to the others.
    assert!(page3.contains(r##"<li><a href="#post-25">#25</a></li>"##), "jump to post");
    assert!(!page1.contains(r##"#post-25">#25</a></li>"##), "page 1 lists a post of page 3");

    // Neighbours within the topic, newest activity first.
    assert!(page1.contains(r#"<a rel="next" href="../t/older.html">"#), "{page1}");
    let older = read("t/older.html");
    assert!(older.contains(r#"<a rel="prev" href="../t/a-long-thread.html">"#));

    // Authors, linked from posts; their posts newest first.
    assert!(page1.contains(r#"<a href="../authors/an/ann.html"><bdi>ann</bdi></a>"#));
    let ann = read("authors/an/ann.html");
    assert!(ann.contains("12 posts in 1 thread"), "{ann}");
    let first_24 = ann.find("#24").unwrap();
    assert!(first_24 < ann.find("#22").unwrap());
    assert!(ann.contains(r#"href="../../t/a-long-thread/3.html#post-24""#));
    // An author with fewer posts is listed on a page shared with others, newest first.
    assert!(read("authors/index.html").contains(r#"<a href="ca-1.html#a-carol"><bdi>carol</bdi></a>"#));
    let (_, carol) = common::author_page(&public, "carol");
    assert!(carol.starts_with(r#"id="a-carol""#), "{carol}");
    assert!(carol.contains(r#"href="../t/older.html#post-1""#), "{carol}");
    assert!(older.contains(r#"<a href="../authors/ca-1.html#a-carol"><bdi>carol</bdi></a>"#), "{older}");

    // Tags and months.
    assert!(read("tags/index.html").contains(r#"<a href="rust-c.html"><bdi>Rust &#38; C</bdi></a>"#));
    assert!(read("tags/long.html").contains("A long thread"));
    let months = read("months/index.html");
    assert!(months.contains(r#"<a href="2021-03.html">"#) && months.contains(r#"<a href="2020-01.html">"#));
    assert!(months.contains("1 thread without dates"));
    assert!(read("months/2020-01.html").contains("older.html"));

    let inspector = Inspector::new();
    for (name, html) in html_files(&public) {
        inspector.check(&name, &html);
        assert!(html.contains(r#"<html lang="en">"#) && html.contains(r##"<a class="skip" href="#main">"##), "{name}");
    }
    // Without base_url: no feeds or sitemap (they need absolute addresses), but robots.txt.
    assert!(!public.join("feed.xml").exists() && !public.join("sitemap.xml").exists());
    assert_eq!(read("robots.txt"), "User-agent: *\nAllow: /\n");
    assert!(!page1.contains("rel=\"canonical\""));
}

#[test]
fn records_as_json() {
    let dir = fixture("");
    assert!(threadarc(dir.path(), &["build"]).status.success());
    let public = dir.path().join("public");
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(public.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["topics"][0]["manifest"], "t/manifest.json");
    let threads = common::manifest_threads(&public);
    assert_eq!(threads.len(), 3);
    let mut records = common::records(&public);
    for t in &threads {
        assert_eq!(t["records"], "t/records-1.jsonl.gz");
        assert_eq!(records[t["url"].as_str().unwrap()]["title"], t["title"]);
        assert!(public.join(t["url"].as_str().unwrap()).is_file());
    }
    // One line a thread, in the order of their dumps.
    let lines: Vec<u64> = threads.iter().map(|t| t["records_line"].as_u64().unwrap()).collect();
    assert_eq!(lines.iter().copied().collect::<std::collections::BTreeSet<_>>().len(), 3);
    let long = records.remove("t/a-long-thread.html").unwrap();
    // The same fields as `parse --json` gives for the dump, and the same posts.
    let parsed = threadarc(dir.path(), &["parse", "--json", "threads/t/long.txt"]);
    let parsed: serde_json::Value = serde_json::from_slice(&parsed.stdout).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&parsed[0]), keys(&long));
    assert_eq!(parsed[0]["posts"], long["posts"]);
    assert_eq!(long["posts"].as_array().unwrap().len(), 25);
    assert_eq!(long["posts"][20]["reply_to"], 2);
}

#[test]
fn publishing_with_a_base_url() {
    let dir = fixture("base_url = \"https://example.org/archive\"\nfeed_entries = 5\n");
    assert!(threadarc(dir.path(), &["build"]).status.success());
    let public = dir.path().join("public");
    let read = |p: &str| fs::read_to_string(public.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let page = read("t/older.html");
    assert!(page.contains(r#"<link rel="canonical" href="https://example.org/archive/t/older.html">"#));
    assert!(page.contains(r#"<meta property="og:url" content="https://example.org/archive/t/older.html">"#));
    assert!(page.contains(r#"<meta property="og:type" content="article">"#));
    assert!(
        page.contains(r#"<link rel="alternate" type="application/atom+xml" title="Atom feed" href="../t/older.xml">"#)
    );
    assert!(read("index.html").contains(r#"<link rel="canonical" href="https://example.org/archive/">"#));

    let feed = read("feed.xml");
    assert!(feed.starts_with("<?xml"));
    assert_eq!(feed.matches("<entry>").count(), 3);
    assert!(feed.find("A long thread").unwrap() < feed.find("older.html").unwrap(), "newest first");
    assert!(
        feed.contains(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/archive/feed.xml\"/>"
        )
    );
    let thread_feed = read("t/a-long-thread.xml");
    assert_eq!(thread_feed.matches("<entry>").count(), 5);
    assert!(thread_feed.contains("<title>#25 by bob</title>"));
    assert!(thread_feed.contains("https://example.org/archive/t/a-long-thread.html#post-25"));
    let older_feed = read("t/older.xml");
    assert!(older_feed.contains("&#60;b&#62;bold&#60;/b&#62;") || older_feed.contains("&lt;b&gt;bold"), "{older_feed}");
    assert!(!older_feed.contains("<b>"));
    assert!(read("t/feed.xml").contains("<entry>"));

    let sitemap = read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/archive/t/a-long-thread.html</loc>"));
    assert!(!sitemap.contains("404.html"));
    assert!(read("robots.txt").contains("Sitemap: https://example.org/archive/sitemap.xml"));
    let not_found = read("404.html");
    assert!(not_found.contains(r#"href="https://example.org/archive/index.html""#));
    assert!(not_found.contains(r#"href="https://example.org/archive/static/style.css""#));
    assert!(Path::new(&public.join("404.html")).is_file());
}
