//! Rebuilds reuse the last archive, and never make it differ from a cold build: every
//! incremental build here is compared byte for byte with a cold build of the same dumps
//! into a fresh folder, and unchanged files keep their inode and modification time.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

mod common;

use common::{snapshot, threadarc, write};

fn corpus(dir: &Path) {
    for t in 0..30 {
        let mut text = format!("+++\ntags = [\"tag{}\"]\n+++\nThread {t}\n\n", t % 4);
        for p in 0..(3 + t % 5) {
            text.push_str(&format!("Post {p} by nobody about *topic* {t}, https://example.org/{p}\n\n"));
        }
        write(&dir.join(format!("threads/topic-{}/thread-{t}.txt", t % 3)), &text);
    }
    for t in 0..6 {
        let mut text = String::new();
        for p in 1..=(2 + t) {
            text.push_str(&format!(
                "user{} | 2021-0{}-0{} 12:00:00 UTC | #{p}\n\nMarkdown **post** {p} of discourse thread {t}\n\n-------------------------\n\n",
                p % 3,
                1 + t % 9,
                1 + p % 9
            ));
        }
        write(&dir.join(format!("threads/forum/d-{t}.txt")), &text);
    }
    write(&dir.join("archive.toml"), "title = \"Incremental\"\nbase_url = \"https://example.org/a/\"\n");
}

/// Every file's inode and modification time.
fn stamps(root: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned(), (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

fn build(dir: &Path, output: &str) -> String {
    let out = threadarc(dir, &["build", "--output", output]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The archive in `public`, built incrementally, is the one a cold build makes.
fn assert_same_as_cold(dir: &Path) {
    let cold = dir.join("cold");
    let _ = fs::remove_dir_all(&cold);
    build(dir, "cold");
    let built = snapshot(&dir.join("public"));
    let fresh = snapshot(&cold);
    assert!(fresh.contains_key(".threadarc-cache"));
    assert_eq!(built.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>());
    for (name, bytes) in &built {
        assert!(bytes == &fresh[name], "{name} differs from a cold build's");
    }
}

#[test]
fn an_unchanged_rebuild_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    build(dir.path(), "public");
    let before = stamps(&dir.path().join("public"));
    let stderr = build(dir.path(), "public");
    assert!(stderr.contains("(nothing changed)"), "{stderr}");
    assert_eq!(before, stamps(&dir.path().join("public")), "every file kept its inode and time");
}

#[test]
fn a_changed_thread_rewrites_only_what_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    build(dir.path(), "public");
    let before = stamps(&dir.path().join("public"));
    // A new last post: the thread's page, records and feed change, and the lists that
    // show its post count; pages of other threads do not.
    let path = dir.path().join("threads/topic-1/thread-4.txt");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}A new post at the end\n")).unwrap();
    let stderr = build(dir.path(), "public");
    assert!(stderr.contains("files written)"), "{stderr}");
    let after = stamps(&dir.path().join("public"));
    let changed: Vec<&String> = after.keys().filter(|k| before.get(*k) != after.get(*k)).collect();
    for expected in ["topic-1/thread-4.html", "topic-1/thread-4.json", "topic-1/thread-4.xml", "topic-1/index.html"] {
        assert!(changed.iter().any(|c| c.as_str() == expected), "{expected} not in {changed:?}");
    }
    for kept in
        ["topic-1/thread-1.html", "topic-0/thread-0.html", "forum/d-1.json", "static/style.css", "tags/tag2.html"]
    {
        assert!(!changed.iter().any(|c| c.as_str() == kept), "{kept} was rewritten: {changed:?}");
    }
    assert_same_as_cold(dir.path());
}

#[test]
fn incremental_builds_equal_cold_builds() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    build(dir.path(), "public");
    let d = dir.path();
    // Each change, then an incremental build compared with a cold one.
    let changes: Vec<Box<dyn Fn()>> = vec![
        // A thread's title changes: its neighbours' links to it change too.
        Box::new(|| {
            let p = d.join("threads/topic-0/thread-3.txt");
            let text = fs::read_to_string(&p).unwrap().replace("Thread 3\n", "A renamed thread\n");
            fs::write(p, text).unwrap();
        }),
        // A new thread, and one removed.
        Box::new(|| write(&d.join("threads/topic-2/new.txt"), "Brand new\n\nhello\n\nworld\n")),
        Box::new(|| fs::remove_file(d.join("threads/topic-2/thread-5.txt")).unwrap()),
        // A new author, whose page is new; a tag renamed.
        Box::new(|| {
            let p = d.join("threads/forum/d-2.txt");
            let text = fs::read_to_string(&p).unwrap().replacen("user1 |", "someone-new |", 1);
            fs::write(p, text).unwrap();
            let p = d.join("threads/topic-1/thread-1.txt");
            let text = fs::read_to_string(&p).unwrap().replace("tag1", "renamed-tag");
            fs::write(p, text).unwrap();
        }),
        // The configuration.
        Box::new(|| write(&d.join("archive.toml"), "title = \"Renamed archive\"\nposts_per_page = 4\n")),
    ];
    for change in changes {
        change();
        build(d, "public");
        assert_same_as_cold(d);
    }
}

#[test]
fn a_file_changed_in_the_archive_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    build(dir.path(), "public");
    let page = dir.path().join("public/topic-0/thread-0.html");
    let original = fs::read(&page).unwrap();
    fs::write(&page, "defaced").unwrap();
    // A thread whose records are gone: its page, unchanged, is kept as it was (and never
    // written through the link to the archive still in place).
    let kept = stamps(&dir.path().join("public"))["topic-1/thread-1.html"];
    fs::remove_file(dir.path().join("public/topic-1/thread-1.json")).unwrap();
    build(dir.path(), "public");
    assert_eq!(fs::read(&page).unwrap(), original);
    assert!(dir.path().join("public/topic-1/thread-1.json").is_file());
    assert_eq!(stamps(&dir.path().join("public"))["topic-1/thread-1.html"], kept);
    assert_same_as_cold(dir.path());
}
