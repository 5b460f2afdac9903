//! Rebuilds reuse the last archive, and never make it differ from a cold build: every
//! incremental build here is compared byte for byte with a cold build of the same dumps
//! into a fresh folder, and unchanged files keep their inode and modification time.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

mod common;

use common::{assert_same_files, snapshot, threadarc, write};

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
    // Nothing of an earlier cold build is kept, not even the search index's store.
    let _ = fs::remove_file(dir.join(".cold.threadarc-search"));
    let _ = fs::remove_file(dir.join(".cold.threadarc-cache"));
    build(dir, "cold");
    // What the next build needs is kept beside the archive, not published in it.
    assert!(dir.join(".cold.threadarc-cache").is_file());
    assert!(!cold.join(".threadarc-cache").exists());
    assert_same_files(&dir.join("public"), &cold);
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
    for expected in [
        "topic-1/thread-4.html",
        "topic-1/records-1.jsonl.gz",
        "topic-1/thread-4.xml",
        "topic-1/index.html",
        "topic-1/manifest.json",
    ] {
        assert!(changed.iter().any(|c| c.as_str() == expected), "{expected} not in {changed:?}");
    }
    for kept in [
        "topic-1/thread-1.html",
        "topic-0/thread-0.html",
        "forum/records-1.jsonl.gz",
        "forum/manifest.json",
        "topic-0/manifest.json",
        "static/style.css",
        "tags/tag2.html",
    ] {
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
        // A post edited: its author's page shows the new words, the other authors' pages
        // are reused.
        Box::new(|| {
            let p = d.join("threads/forum/d-3.txt");
            let text = fs::read_to_string(&p).unwrap().replace("**post** 2 of discourse", "an edited reply in");
            fs::write(p, text).unwrap();
        }),
        // A dump rewritten in another format is detected again.
        Box::new(|| {
            let raw =
                "user9 | 2022-02-02 10:00:00 UTC | #1\n\nNow a **Discourse** export\n\n-------------------------\n\n";
            write(&d.join("threads/topic-0/thread-6.txt"), raw);
        }),
        // The configuration.
        Box::new(|| write(&d.join("archive.toml"), "title = \"Renamed archive\"\nposts_per_page = 4\n")),
    ];
    for change in changes {
        change();
        build(d, "public");
        assert_same_as_cold(d);
    }
    let (_, user2) = common::author_page(&d.join("public"), "user2");
    assert!(common::author_page(&d.join("public"), "user9").1.contains("Now a Discourse export"));
    assert!(user2.contains("an edited reply in"), "{user2}");
}

#[test]
fn a_file_changed_in_the_archive_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    build(dir.path(), "public");
    let page = dir.path().join("public/topic-0/thread-0.html");
    let original = fs::read(&page).unwrap();
    fs::write(&page, "defaced").unwrap();
    // A thread whose feed is gone: its page, unchanged, is kept as it was (and never
    // written through the link to the archive still in place).
    let kept = stamps(&dir.path().join("public"))["topic-1/thread-1.html"];
    fs::remove_file(dir.path().join("public/topic-1/thread-1.xml")).unwrap();
    build(dir.path(), "public");
    assert_eq!(fs::read(&page).unwrap(), original);
    assert!(dir.path().join("public/topic-1/thread-1.xml").is_file());
    assert_eq!(stamps(&dir.path().join("public"))["topic-1/thread-1.html"], kept);
    assert_same_as_cold(dir.path());
}

/// A few hundred threads of made-up words, enough for a search index of many files.
fn forum(dir: &Path) {
    let syllables = ["ka", "ro", "mi", "te", "su", "na", "lo", "pe", "vi", "da", "qu", "zo"];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut word = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Small numbers far more often, as words go.
        let mut n = (seed % 3000) * ((seed >> 20) % 3000) / 3000 + 1;
        let mut w = String::new();
        while n > 0 {
            w.push_str(syllables[(n % 12) as usize]);
            n /= 12;
        }
        w
    };
    for t in 0..400 {
        let mut text = format!("Thread {t} {} {}\n\n", word(), word());
        for p in 0..(4 + t % 9) {
            let words: Vec<String> = (0..(15 + (t * 7 + p * 5) % 40)).map(|_| word()).collect();
            text.push_str(&format!("{}.\n\n", words.join(" ")));
        }
        write(&dir.join(format!("threads/topic-{}/thread-{t:03}.txt", t % 4)), &text);
    }
}

#[test]
fn a_reply_rewrites_only_the_search_files_that_show_it() {
    let dir = tempfile::tempdir().unwrap();
    forum(dir.path());
    build(dir.path(), "public");
    let search = |stamps: &BTreeMap<String, (u64, i64, i64)>| -> BTreeMap<String, (u64, i64, i64)> {
        stamps.iter().filter(|(k, _)| k.starts_with("search/")).map(|(k, v)| (k.clone(), *v)).collect()
    };
    let before = search(&stamps(&dir.path().join("public")));
    assert!(before.len() >= 40, "{} search files", before.len());
    let path = dir.path().join("threads/topic-2/thread-202.txt");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}A new reply at the end\n")).unwrap();
    build(dir.path(), "public");
    let after = search(&stamps(&dir.path().join("public")));
    let changed: std::collections::BTreeSet<&String> =
        before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).collect();
    assert!(changed.iter().any(|c| c.as_str() == "search/meta.js"), "{changed:?}");
    let docs = changed.iter().filter(|c| c.starts_with("search/d/")).count();
    assert!((1..=2).contains(&docs), "{changed:?}");
    // The meta, a doc shard, and the term shards and packs of the reply's few words, its
    // thread's title's and its topic's: most files are kept as they were.
    assert!(
        changed.len() * 4 <= before.len(),
        "{} of {} search files rewritten: {changed:?}",
        changed.len(),
        before.len()
    );
    let kept = before.keys().filter(|k| after.get(*k) == before.get(*k)).count();
    assert!(kept * 4 >= before.len() * 3, "{kept} of {} kept", before.len());
    assert_same_as_cold(dir.path());
}

fn build_verbose(dir: &Path) -> String {
    let out = threadarc(dir, &["build", "--verbose", "--output", "public"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `--verbose`'s line about the search index.
fn search_line(stderr: &str) -> &str {
    stderr.lines().find(|l| l.starts_with("search index:")).expect("a search index line")
}

/// How many threads the search index read from the last build's store, and of how many.
fn kept_threads(stderr: &str) -> (usize, usize) {
    let line = search_line(stderr);
    let kept = line.rsplit_once('(').unwrap().1;
    let numbers: Vec<usize> = kept.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    (numbers[0], numbers[1])
}

/// From `--verbose`'s search line: how many terms the index has, and, when the last
/// build's postings were mended, how many terms' postings were made anew.
fn made_terms(stderr: &str) -> (usize, Option<usize>) {
    let line = search_line(stderr);
    let terms = line["search index: ".len()..].split_whitespace().next().unwrap().parse().unwrap();
    let made =
        line.split_once("the postings of ").map(|(_, rest)| rest.split_whitespace().next().unwrap().parse().unwrap());
    (terms, made)
}

#[test]
fn a_rebuild_tokenises_only_the_threads_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    forum(dir.path());
    let d = dir.path();
    assert_eq!(kept_threads(&build_verbose(d)), (0, 400), "a first build has no store to read");
    let store = d.join(".public.threadarc-search");
    assert!(store.is_file(), "the store is beside the archive");
    assert!(!snapshot(&d.join("public")).keys().any(|k| k.contains("threadarc-search")), "and not in it");

    // A reply, an edit bringing in a word no other post has, and a thread gone with
    // its words: the index equals a cold build's, and holds none of the gone words.
    let reply = d.join("threads/topic-2/thread-202.txt");
    fs::write(&reply, format!("{}A new reply at the end\n", fs::read_to_string(&reply).unwrap())).unwrap();
    let edited = d.join("threads/topic-1/thread-101.txt");
    let before = fs::read_to_string(&edited).unwrap();
    fs::write(&edited, format!("{before}Quuxwibble is a new word.\n")).unwrap();
    let stderr = build_verbose(d);
    assert_eq!(kept_threads(&stderr), (398, 400));
    // No post's address moved: the last build's postings are mended with the two
    // threads', and only the terms those threads hold are made anew.
    let (terms, made) = made_terms(&stderr);
    let made = made.expect("postings mended");
    assert!(made > 10 && made * 2 < terms, "{made} of {terms} terms made");
    assert_same_as_cold(d);
    let index = || -> String {
        snapshot(&d.join("public/search")).into_values().map(|bytes| String::from_utf8(bytes).unwrap()).collect()
    };
    assert!(index().contains("quuxwibble"));
    // The edit undone: the word is gone from the mended postings too.
    fs::write(&edited, &before).unwrap();
    let stderr = build_verbose(d);
    assert!(made_terms(&stderr).1.is_some());
    assert_same_as_cold(d);
    assert!(!index().contains("quuxwibble"));
    fs::write(&edited, format!("{before}Quuxwibble is a new word.\n")).unwrap();
    build_verbose(d);
    fs::remove_file(&edited).unwrap();
    let stderr = build_verbose(d);
    assert_eq!(kept_threads(&stderr), (399, 399));
    // The threads after the one removed moved: every thread's postings are gathered.
    assert_eq!(made_terms(&stderr).1, None);
    assert_same_as_cold(d);
    assert!(!index().contains("quuxwibble"), "a word no thread holds any more is left out");

    // Another topic's name changes the topic filter of its threads, so they are tokenised
    // again; the rest are not.
    let (from, to) = (d.join("threads/topic-3"), d.join("threads/topic-renamed"));
    fs::rename(&from, &to).unwrap();
    let (kept, all) = kept_threads(&build_verbose(d));
    assert_eq!((kept, all), (299, 399));
    assert_same_as_cold(d);
}

#[test]
fn a_damaged_store_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    forum(dir.path());
    let d = dir.path();
    build_verbose(d);
    let store = d.join(".public.threadarc-search");
    let reply = d.join("threads/topic-0/thread-000.txt");
    let mut reply_text = fs::read_to_string(&reply).unwrap();
    // Writes `bytes` as the store, makes a change so that the rebuild makes an index, and
    // rebuilds: the threads kept of all, and whether the postings were mended.
    let mut rebuild = |bytes: &[u8]| {
        fs::write(&store, bytes).unwrap();
        reply_text.push_str("One more reply\n");
        fs::write(&reply, &reply_text).unwrap();
        let stderr = build_verbose(d);
        assert_same_as_cold(d);
        let (kept, all) = kept_threads(&stderr);
        (kept, all, made_terms(&stderr).1.is_some())
    };
    let good = fs::read(&store).unwrap();
    // A byte changed inside a thread's record: that thread is tokenised again.
    let mut flipped = good.clone();
    let at = flipped.len() / 3;
    flipped[at] ^= 0x55;
    let (kept, all, _) = rebuild(&flipped);
    assert!(kept < all - 1 && kept >= all - 3, "{kept} of {all}");
    // A byte changed in the last record, which holds postings (the section's offset is
    // the trailer's first number): every thread is read from the store, but the postings
    // are gathered rather than mended.
    let good = fs::read(&store).unwrap();
    let section_at = u64::from_le_bytes(good[good.len() - 32..good.len() - 24].try_into().unwrap()) as usize;
    let mut flipped = good.clone();
    flipped[section_at - 3] ^= 0x55;
    assert_eq!(rebuild(&flipped), (399, 400, false), "postings that do not read back are not mended");
    assert_eq!(rebuild(&fs::read(&store).unwrap()), (399, 400, true));
    // Cut short, or not a store at all: nothing is read from it.
    let good = fs::read(&store).unwrap();
    assert_eq!(rebuild(&good[..good.len() - 10]).0, 0);
    assert_eq!(rebuild(b"threadarc-search 1\n").0, 0);
    assert_eq!(rebuild(b"").0, 0);
    // And the store the last build wrote is whole again.
    assert_eq!(rebuild(&fs::read(&store).unwrap()).0, 399);
}

#[test]
fn list_pages_are_kept_only_while_all_they_show_is_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    corpus(d);
    // Lists of several pages: a reply to a thread changes its topic's post count, which
    // every page of the topic shows, though the threads on its later pages are the same.
    write(&d.join("archive.toml"), "title = \"Lists\"\nthreads_per_page = 2\n");
    build(d, "public");
    let before = stamps(&d.join("public"));
    let path = d.join("threads/forum/d-1.txt");
    let reply = "user7 | 2021-03-03 12:00:00 UTC | #9\n\nA late reply\n\n-------------------------\n\n";
    fs::write(&path, format!("{}{reply}", fs::read_to_string(&path).unwrap())).unwrap();
    build(d, "public");
    let after = stamps(&d.join("public"));
    let changed = |k: &str| before.get(k) != after.get(k);
    assert!(changed("forum/page-3.html"), "the forum's last page shows its new post count");
    assert!(!changed("topic-0/page-3.html") && !changed("topic-0/index.html"), "another topic's pages are kept");
    assert_same_as_cold(d);
    // A new thread in a topic shifts its list; one of a tag's threads renamed changes
    // the tag's page.
    write(&d.join("threads/topic-0/zz.txt"), "+++\ntags = [\"tag1\"]\n+++\nA new one\n\nhello\n\nworld\n");
    build(d, "public");
    assert_same_as_cold(d);
}

#[test]
fn a_file_edited_in_the_archive_with_its_size_and_time_kept_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    build(dir.path(), "public");
    let page = dir.path().join("public/topic-0/thread-0.html");
    let original = fs::read(&page).unwrap();
    let mut defaced = original.clone();
    defaced[..7].copy_from_slice(b"DEFACED");
    let time = fs::metadata(&page).unwrap().modified().unwrap();
    // File times tick with the kernel's clock, a few milliseconds: an edit in the tick the
    // build ended in cannot be told from the build's own writes.
    let tick = std::time::Duration::from_millis(50);
    std::thread::sleep(tick);
    fs::write(&page, &defaced).unwrap();
    fs::File::options().write(true).open(&page).unwrap().set_modified(time).unwrap();
    // Nothing else changed: the archive must still be checked.
    build(dir.path(), "public");
    assert!(fs::read(&page).unwrap() == original, "an unchanged rebuild kept the edit");
    // One dump changed: the edited page must not be linked into the new archive either.
    std::thread::sleep(tick);
    fs::write(&page, &defaced).unwrap();
    fs::File::options().write(true).open(&page).unwrap().set_modified(time).unwrap();
    write(&dir.path().join("threads/topic-2/new.txt"), "Brand new\n\nhello\n\nworld\n");
    build(dir.path(), "public");
    assert!(fs::read(&page).unwrap() == original, "a rebuild linked the edited page");
    assert_same_as_cold(dir.path());
}

#[test]
fn dumps_whose_names_are_alike_once_made_text_are_told_apart() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("threads/t");
    fs::create_dir_all(&folder).unwrap();
    let name = |byte: u8| folder.join(std::ffi::OsStr::from_bytes(&[b'a', byte, b'.', b't', b'x', b't']));
    fs::write(name(0xff), "First\n\nfirst thread's post\n\nand a reply\n").unwrap();
    fs::write(name(0xfe), "Second\n\nsecond thread's post\n\nand a reply\n").unwrap();
    let out = threadarc(dir.path(), &["build"]);
    let all = |dir: &Path| -> String {
        snapshot(&dir.join("public")).values().map(|v| String::from_utf8_lossy(v).into_owned()).collect()
    };
    if out.status.success() {
        // Both read: an edit to either reaches the archive.
        for byte in [0xff, 0xfe] {
            let text = fs::read_to_string(name(byte)).unwrap().replace("and a reply", &format!("edited {byte:x}"));
            fs::write(name(byte), text).unwrap();
            build(dir.path(), "public");
            assert!(
                all(dir.path()).contains(&format!("edited {byte:x}")),
                "the edit to {byte:x} is not in the archive"
            );
        }
    } else {
        // Or refused, with a message naming what to do.
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("rename"), "{stderr}");
    }
}
