//! What an archive costs grows with its posts, not faster: a long thread's pages, in bytes
//! and in time.

use std::fs;
use std::path::Path;

mod common;

use common::{snapshot, threadarc, write};

/// A plain dump of `posts` one-line posts, built; the archive's bytes in all.
fn archive_bytes(dir: &Path, posts: usize) -> usize {
    let mut text = String::from("A very long thread\n\n");
    for p in 0..posts {
        text.push_str(&format!("p{p}\n\n"));
    }
    write(&dir.join("threads/long/thread.txt"), &text);
    let out = threadarc(dir, &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    snapshot(&dir.join("public")).values().map(Vec::len).sum()
}

#[test]
fn a_long_threads_archive_grows_linearly_with_its_posts() {
    let (small, large) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let n = 2_000;
    let (small, large) = (archive_bytes(small.path(), n), archive_bytes(large.path(), 4 * n));
    // Four times the posts: about four times the bytes (every page listing every post of
    // the thread made it about sixteen).
    let ratio = large as f64 / small as f64;
    assert!(ratio < 5.0, "{n} posts: {small} bytes; {} posts: {large} bytes ({ratio:.1}×)", 4 * n);
}

#[test]
fn a_pages_jump_list_names_only_its_own_posts() {
    let dir = tempfile::tempdir().unwrap();
    archive_bytes(dir.path(), 1_000);
    let page = fs::read_to_string(dir.path().join("public/long/a-very-long-thread/3.html")).unwrap();
    let list = &page[page.find("class=\"jump-list\"").unwrap()..];
    let list = &list[..list.find("</ol>").unwrap()];
    let links = list.matches("<li>").count();
    assert_eq!(links, 200, "the default posts_per_page");
    assert!(list.contains("href=\"#post-401\"") && list.contains("href=\"#post-600\""), "{list}");
    assert!(!list.contains("post-1\""), "{list}");
}
