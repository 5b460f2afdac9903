//! End-to-end builds of fixture archives through the real binary.

use std::fs;
use std::path::{Path, PathBuf};

mod common;

use common::{Inspector, snapshot, threadarc, write};
use regex::Regex;

/// A small archive: the repository's sample threads plus a few hostile ones.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    for entry in walkdir::WalkDir::new(Path::new(root).join("threads")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).unwrap();
            // Bytes, not text: mail samples hold Latin-1 bytes as mail does.
            let target = dir.path().join(rel);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(entry.path(), target).unwrap();
        }
    }
    fs::copy(Path::new(root).join("archive.toml"), dir.path().join("archive.toml")).unwrap();
    write(
        &dir.path().join("threads/index/<script>alert(1)</script>.txt"),
        "<img src=x onerror=alert(1)>\n\n<script>alert(2)</script>\n\njavascript:alert(3)\n",
    );
    write(&dir.path().join("threads/loose.txt"), "A thread in no folder\n\nfirst\n\nsecond\n");
    dir
}

#[test]
fn builds_a_browsable_archive() {
    let dir = fixture();
    let out = threadarc(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let public = dir.path().join("public");
    let files = snapshot(&public);
    // The summary counts what the archive lists: the samples' threads and the two here.
    let threads = common::manifest_threads(&public).len();
    assert!(threads > 30, "{threads}");
    assert!(stderr.contains(&format!("built {threads} threads")), "{stderr}");
    for expected in [
        "index.html",
        "static/style.css",
        "ketamine-therapy/index.html",
        "ketamine-therapy/therapy-during-ketamine.html",
        "rust-help/cross-compiling-for-a-raspberry-pi-from-x86-64-linux.html",
        "general/a-thread-in-no-folder.html",
    ] {
        assert!(files.contains_key(expected), "{expected} missing from {:?}", files.keys());
    }
    // The hostile topic folder "index" may not take the archive's own name.
    assert!(files.keys().all(|k| !k.starts_with("index/")), "{:?}", files.keys());

    let html = |name: &str| String::from_utf8(files[name].clone()).unwrap();
    let front = html("index.html");
    assert!(front.contains("threadarc sample archive"));
    assert!(front.contains("Ketamine therapy"));
    let seed = html("ketamine-therapy/therapy-during-ketamine.html");
    assert_eq!(seed.matches(r#"<article class="post" id="post-"#).count(), 14);
    assert!(seed.contains(r#"<span class="likes">1 like</span>"#));
    assert!(seed.contains(r#"href="../index.html""#));
    let rust = html("rust-help/cross-compiling-for-a-raspberry-pi-from-x86-64-linux.html");
    assert!(rust.contains(r#"<time datetime="2021-03-14T09:12:44Z">2021-03-14 09:12 UTC</time>"#), "{rust}");
    assert!(rust.contains(r##"in reply to <a href="#post-2">#2</a>"##));
    assert!(rust.contains(r##"<a href="#post-2" rel="nofollow ugc noopener">(#2)</a>"##));
    assert!(rust.contains(r#"href="https://users.example.org/t/cross-compiling-for-a-raspberry-pi/61234""#));

    // The copy-paste formats' own fields reach the page.
    let phpbb = html("3d-printing/first-layer-too-thin-on-one-side-after-leveling.html");
    assert!(phpbb.contains(r#"<p class="quote-title">gearhead wrote:</p>"#), "{phpbb}");
    assert!(phpbb.contains(r#"<p class="subject"><bdi>Springs</bdi></p>"#));
    assert!(phpbb.contains(r#"<time datetime="2020-03-07T20:15:00Z">"#));
    let hn = html("rust-help/ask-hn-why-are-rust-compile-times-still-slow-in-2024.html");
    assert!(hn.contains(r##"in reply to <a href="#post-2">#2</a> <span class="guessed""##), "{hn}");
    assert!(hn.contains(r#"<span class="score">318 points</span>"#));
    assert!(hn.contains(r#"<p class="status">[flagged]</p>"#));
    assert!(hn.contains(r#"(9 hours ago)</span>"#));
    let discord = html("home-lab/zfs-help.html");
    assert!(discord.contains("<li>:zfs_heart: 2</li>"), "{discord}");
    assert!(discord.contains(r#"<span class="pinned">pinned</span>"#));
    assert!(discord.contains(
        r#"<a href="https://cdn.discordapp.com/attachments/1082/1085/zpool-status.txt" rel="nofollow ugc noopener">"#
    ));
    let reddit = html("baking/why-does-my-sourdough-spread-flat-after-shaping.html");
    assert!(reddit.contains(r#"<span class="flair"><bdi>The Crumb Whisperer</bdi></span>"#));
    assert!(reddit.contains(r#"<span class="badge" title="started the thread">OP</span>"#));
    assert!(reddit.contains(r#"<span class="score">score hidden</span>"#));
    let discourse = html("ketamine-therapy/does-insurance-cover-ketamine-infusions.html");
    assert!(discourse.contains(r#"id="post-8""#) && !discourse.contains(r#"id="post-3""#));
    assert!(discourse.contains(r#"<a href="../tags/treatment-access.html"><bdi>Treatment &#38; Access</bdi></a>"#));
}

#[test]
fn no_script_and_every_link_resolves() {
    let dir = fixture();
    assert!(threadarc(dir.path(), &["build"]).status.success());
    assert_links_resolve(&dir.path().join("public"));
}

#[test]
fn thread_pages_in_a_folder_per_year() {
    let dir = fixture();
    let config = dir.path().join("archive.toml");
    let text = fs::read_to_string(&config).unwrap();
    assert!(text.contains("thread_folders = \"none\""), "the sample shows every key");
    fs::write(&config, text.replace("thread_folders = \"none\"", "thread_folders = \"year\"")).unwrap();
    let out = threadarc(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let public = dir.path().join("public");
    let dated = "ketamine-therapy/2022/does-insurance-cover-ketamine-infusions.html";
    let page = fs::read_to_string(public.join(dated)).unwrap();
    assert!(page.contains(r#"<link rel="stylesheet" href="../../static/style.css">"#), "{page}");
    assert!(!public.join("ketamine-therapy/does-insurance-cover-ketamine-infusions.html").exists());
    let topic = fs::read_to_string(public.join("ketamine-therapy/index.html")).unwrap();
    assert!(topic.contains(&format!(r#"href="../{dated}""#)), "{topic}");
    assert!(fs::read_to_string(public.join("ketamine-therapy/manifest.json")).unwrap().contains(dated));
    // The seed thread's dates are relative ("2 years ago"): it has no year.
    assert!(public.join("ketamine-therapy/undated/th/therapy-during-ketamine.html").is_file());
    // No thread page lies in a topic's own folder.
    for entry in fs::read_dir(public.join("ketamine-therapy")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let year = name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit());
        assert!(
            year || ["index.html", "manifest.json", "undated"].contains(&name.as_str()) || name.starts_with("records-"),
            "{name}"
        );
    }
    assert_links_resolve(&public);
}

/// Every link and image of every page of `public` leads to a file in it (and to an id
/// there, for an anchor), and no page runs script but the search box's.
fn assert_links_resolve(public: &Path) {
    let href = Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let id = Regex::new(r#"id="([^"]*)""#).unwrap();
    let inspector = Inspector::new();
    let files = snapshot(public);
    // The one script a page may load is the archive's own search box.
    let search_script = Regex::new(r#"<script src="(?:\.\./)*static/search\.js" defer></script>"#).unwrap();
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
        let page = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(search_script.find_iter(&page).count(), 1, "{name} lacks the search script");
        inspector.check(name, &page);
        for link in href.captures_iter(&page) {
            let link = link[1].replace("&amp;", "&");
            if link.starts_with("https://") || link.starts_with("http://") {
                continue;
            }
            assert!(!link.starts_with('/'), "{name}: absolute link {link}");
            let (path, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                PathBuf::from(name)
            } else {
                let joined = Path::new(name).parent().unwrap().join(path);
                let mut parts: Vec<String> = Vec::new();
                for c in joined.components() {
                    match c.as_os_str().to_str().unwrap() {
                        ".." => assert!(parts.pop().is_some(), "{name}: {link} leaves the archive"),
                        part => parts.push(part.to_owned()),
                    }
                }
                PathBuf::from(parts.join("/"))
            };
            let key = target.to_string_lossy().into_owned();
            assert!(files.contains_key(&key), "{name}: {link} points to missing {key}");
            if !anchor.is_empty() {
                let text = String::from_utf8_lossy(&files[&key]);
                assert!(id.captures_iter(&text).any(|c| &c[1] == anchor), "{name}: no #{anchor} in {key}");
            }
        }
    }
}

#[test]
fn output_is_deterministic() {
    let dir = fixture();
    assert!(threadarc(dir.path(), &["build"]).status.success());
    let first = snapshot(&dir.path().join("public"));
    assert!(threadarc(dir.path(), &["build", "--output", "again"]).status.success());
    assert_eq!(first, snapshot(&dir.path().join("again")));
}

#[test]
fn a_failed_build_keeps_the_previous_archive() {
    let dir = fixture();
    assert!(threadarc(dir.path(), &["build"]).status.success());
    let before = snapshot(&dir.path().join("public"));
    write(&dir.path().join("threads/rust-help/broken.txt"), "+++\ntitle = \"x\"\ncolour = \"red\"\n+++\nT\n\nbody\n");
    write(&dir.path().join("threads/rust-help/new.txt"), "New thread\n\nhello\n\nworld\n");
    let out = threadarc(dir.path(), &["build"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.txt:3"), "{stderr}");
    assert!(stderr.contains("colour"), "{stderr}");
    assert_eq!(before, snapshot(&dir.path().join("public")), "the old archive changed");

    let out = threadarc(dir.path(), &["build", "--keep-going"]);
    assert!(!out.status.success(), "the broken dump still fails the run");
    assert!(dir.path().join("public/rust-help/new-thread.html").exists());
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let dir = fixture();
    write(&dir.path().join("public/precious.txt"), "mine");
    let out = threadarc(dir.path(), &["build"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(fs::read_to_string(dir.path().join("public/precious.txt")).unwrap(), "mine");
    assert!(threadarc(dir.path(), &["build", "--force"]).status.success());
    assert!(!dir.path().join("public/precious.txt").exists());
}

#[test]
fn topic_pages_are_paginated() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..7 {
        write(&dir.path().join(format!("threads/t/thread-{i}.txt")), &format!("Thread {i}\n\npost\n\nreply\n"));
    }
    write(&dir.path().join("archive.toml"), "threads_per_page = 3\n");
    assert!(threadarc(dir.path(), &["build"]).status.success());
    let t = dir.path().join("public/t");
    assert!(t.join("index.html").exists() && t.join("page-2.html").exists() && t.join("page-3.html").exists());
    assert!(!t.join("page-4.html").exists());
    let page2 = fs::read_to_string(t.join("page-2.html")).unwrap();
    assert_eq!(page2.matches(r#"<li class="thread-row">"#).count(), 3);
    assert!(page2.contains(r#"href="index.html""#) && page2.contains(r#"href="page-3.html""#));
}

#[test]
fn long_lists_link_a_window_of_their_pages_and_count_them_all() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..10 {
        write(&dir.path().join(format!("threads/t/thread-{i}.txt")), &format!("Thread {i}\n\npost\n"));
    }
    write(&dir.path().join("archive.toml"), "threads_per_page = 1\n");
    assert!(threadarc(dir.path(), &["build"]).status.success());
    let page5 = fs::read_to_string(dir.path().join("public/t/page-5.html")).unwrap();
    assert!(page5.contains("page 5 of 10"), "{page5}");
    for shown in ["index.html", "page-3.html", "page-4.html", "page-6.html", "page-7.html", "page-10.html"] {
        assert!(page5.contains(&format!(r#"href="{shown}""#)), "{shown} not linked");
    }
    for left_out in ["page-2.html", "page-8.html", "page-9.html"] {
        assert!(!page5.contains(&format!(r#"href="{left_out}""#)), "{left_out} linked");
    }
    assert_eq!(page5.matches(r#"<span class="gap">…</span>"#).count(), 2);
}

#[test]
fn parse_json_has_the_record_fields() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = threadarc(
        root,
        &[
            "parse",
            "--json",
            "threads/ketamine-therapy/therapy-during-ketamine.txt",
            "threads/rust-help/cross-compiling-for-a-raspberry-pi.txt",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let threads = json.as_array().unwrap();
    assert_eq!(threads.len(), 2);
    let seed = &threads[0];
    assert_eq!(seed["format"], "plain");
    assert_eq!(seed["title"], "Therapy during Ketamine");
    assert_eq!(seed["topic"], "ketamine-therapy");
    let post = &seed["posts"][7];
    assert_eq!(post["number"], 8);
    assert_eq!(post["likes"], 1);
    assert!(post["author"].is_null() && post["date"].is_null() && post["reply_to"].is_null());
    let raw = &threads[1];
    assert_eq!(raw["format"], "discourse-raw");
    let numbers: Vec<u64> = raw["posts"].as_array().unwrap().iter().map(|p| p["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 4, 5, 6, 7]);
    assert_eq!(raw["posts"][1]["date"], "2021-03-14T09:40:02Z");
    assert_eq!(raw["posts"][1]["reply_to"], 1);
    assert_eq!(raw["posts"][3]["reply_to"], 2);
    assert_eq!(raw["posts"][5]["body"], "");
}
