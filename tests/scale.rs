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

/// The most memory, in MB, a build of a dump of 16 MB may take: four times the dump, and
/// what a build takes whatever the dump (a page's post, cut to what it shows, as a
/// document tree; the thread's record of its posts).
const LIMIT_MB: u64 = 4 * 16 + 100;

/// The same for a dump whose posts are mails (a digest's messages, an mbox's with their
/// attachment notes taken out): a message read as a mail is copied a few times more, about
/// eight times its size in all (before, a digest took 55 times and such an mbox 24).
const MAIL_LIMIT_MB: u64 = 10 * 16 + 100;

/// The peak memory, in MB, of a build of `dump` alone.
fn build_peak_mb(dump: &str) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("threads/t/dump.txt"), dump);
    let out = threadarc(dir.path(), &["build", "--verbose"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    stderr
        .rsplit("(peak ")
        .next()
        .and_then(|rest| rest.split(" MB").next())
        .and_then(|mb| mb.parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in {stderr}"))
}

#[test]
fn a_dump_of_blank_lines_takes_memory_by_its_bytes_not_its_lines() {
    // 8 MB of blank lines: a list of them took 16 bytes a line, for each format scored.
    let peak = build_peak_mb(&format!("A thread\n\nfirst post\n\n{}last post\n", "\n".repeat(8_000_000)));
    assert!(peak < 100, "{peak} MB for 8 MB of dump");
}

/// The peak memory, in MB, of a build of `header`, 16 MB of one-letter lines, then
/// `footer`.
fn short_lines_peak_mb(header: &str, footer: &str) -> u64 {
    build_peak_mb(&format!("{header}{}{footer}", "x\n".repeat(8_000_000)))
}

#[test]
fn a_post_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // A post of 16 MB of one-letter lines: a list of its lines, for its excerpt, took 16
    // bytes a line.
    let peak = short_lines_peak_mb("A thread\n\nfirst post\n\n", "");
    assert!(peak < LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn a_discourse_raw_dump_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // The parser held a list of the dump's lines, 16 bytes a line.
    let header = "alice | 2020-05-01 12:34:56 UTC | #1\n\n";
    let peak = short_lines_peak_mb(header, "");
    assert!(peak < LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn an_mbox_dump_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // The parser held a list of the file's lines and one of where each starts, 24 bytes a
    // line; the message's excerpt, two lists of its lines.
    let header = "From alice@example.org Thu Jan  2 15:04:05 2020\nFrom: alice@example.org\nSubject: Hi\n\n";
    let peak = short_lines_peak_mb(header, "");
    assert!(peak < LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn a_phpbb_dump_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // The parser made a string of every line, twice (the body with its quotes marked, and
    // the words later quotes are matched against): 50 bytes and more a line; then it held
    // a list of the dump's lines, 16 bytes a line.
    let header = "T\nPosted: Mon Jan 06, 2020 3:04 pm\nby a\n";
    let peak = short_lines_peak_mb(header, "");
    assert!(peak < LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn a_discourse_page_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // The parser held a list of the dump's lines, and a post's kept lines as another list
    // and as strings: 80 bytes and more a line.
    let peak = short_lines_peak_mb("A topic\n\nalice\nNovember 18, 2019, 6:49am #1\n\n", "");
    assert!(peak < LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn a_discord_export_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // The parser held a list of the dump's lines, and one of a message's text lines.
    let rule = "=".repeat(62);
    let header = format!("{rule}\nGuild: G\nChannel: Help / chat\n{rule}\n\n[1/2/2020 3:04 PM] alice\n");
    let peak = short_lines_peak_mb(&header, "");
    assert!(peak < LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn a_hacker_news_page_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // The parser held a list of the dump's lines, and one of a comment's text lines.
    let header = "A story (example.com)\n9 points by op 3 hours ago | hide | past | favorite | 1 comment\n\n\
                  \t\nbob 1 hour ago | next [–]\n\n";
    let peak = short_lines_peak_mb(header, "reply\n");
    assert!(peak < LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn an_old_reddit_page_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // The parser held a list of the dump's lines, and one of a comment's text lines. A
    // short comment first: detection reads a dump's start.
    let header = "[–]alice 5 points 3 hours ago\n\nhi\n\n    permalinkembedsavereportreply\n\n\
                  [–]bob 3 points 2 hours ago\n\n";
    let peak = short_lines_peak_mb(header, "\n    permalinkembedsavereportreply\n");
    assert!(peak < LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn a_whatsapp_chat_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // The parser held a list of the dump's lines, and a message's lines as strings: 40
    // bytes and more a line. A hundred messages first: most lines a chat starts with are
    // message lines.
    let header = "1/2/20, 3:04 PM - alice: hi\n".repeat(100);
    let peak = short_lines_peak_mb(&header, "");
    assert!(peak < LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn a_digest_of_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // The parser held the digest's lines in four lists, and a message's lines as strings.
    // A short message first: detection reads a dump's start.
    let header = format!(
        "Today's Topics:\n\n   1. Hi (alice)\n\n{}\n\nMessage: 1\nDate: Thu, 02 Jan 2020 15:04:05 +0000\n\
         From: alice@example.org\nSubject: Hi\n\nhi\n\n{}\n\nMessage: 2\nDate: Thu, 02 Jan 2020 16:04:05 +0000\n\
         From: bob@example.org\nSubject: Re: Hi\n\n",
        "-".repeat(70),
        "-".repeat(30)
    );
    let footer = format!("\n{}\n\nEnd of List Digest, Vol 1, Issue 1\n{}\n", "-".repeat(30), "*".repeat(40));
    let peak = short_lines_peak_mb(&header, &footer);
    assert!(peak < MAIL_LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn a_mail_with_a_scrubbed_attachment_and_short_lines_takes_memory_by_its_bytes_not_its_lines() {
    // Taking Mailman's note out of the body listed the body's lines, and those kept.
    let header = "From alice@example.org Thu Jan  2 15:04:05 2020\nFrom: alice@example.org\nSubject: Hi\n\n\
                  -------------- next part --------------\nA non-text attachment was scrubbed...\nName: a.png\n\n";
    let peak = short_lines_peak_mb(header, "");
    assert!(peak < MAIL_LIMIT_MB, "{peak} MB for 16 MB of dump");
}

#[test]
fn parse_refuses_a_dump_over_the_cap_naming_it_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    // Text at its start (what tells a dump from other files), then a sparse rest: its
    // size is all that is looked at.
    write(&path, &format!("A thread\n\n{}", "a post\n\n".repeat(100_000)));
    fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(257 << 20).unwrap();
    let out = threadarc(dir.path(), &["parse", "big.txt"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("big.txt") && stderr.contains("256 MiB") && stderr.contains("split it"), "{stderr}");
}
