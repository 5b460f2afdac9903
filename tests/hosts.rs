//! `threadarc check --host`: a built archive held against a static host's limits.

use std::fs;

mod common;

use common::{threadarc, write};

#[test]
fn an_archive_is_held_against_a_hosts_limits() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("threads/t/a.txt"), "A thread\n\nann | 2024-01-01 10:00 UTC | #1\n\nhello\n");
    assert!(threadarc(dir.path(), &["build"]).status.success());

    let out = threadarc(dir.path(), &["check", "--host", "cloudflare-pages"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("fits Cloudflare Pages (free plan)"), "{text}");
    assert!(text.contains("the limit it would break first as it grows: "), "{text}");
    // Pages, the archive's and the topic's manifests, static files, and the search index: meta, shards, and the typo files of the
    // words of four letters and more ("thread", "hello"; "2024" is a number, left out).
    assert!(text.contains("  files                     20 of        20000"), "{text}");
    // Nothing only the next build needs is in the folder a host is sent.
    let files = fs::read_dir(dir.path().join("public")).unwrap().map(|e| e.unwrap().file_name()).collect::<Vec<_>>();
    assert!(!files.iter().any(|f| f.to_string_lossy().contains("cache")), "{files:?}");

    // Over the free plan's 20,000 files: the files limit is the one broken, with figures.
    let extra = dir.path().join("public/extra");
    fs::create_dir(&extra).unwrap();
    for i in 0..20_000 {
        fs::write(extra.join(i.to_string()), "").unwrap();
    }
    let out = threadarc(dir.path(), &["check", "--host", "cloudflare-pages", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let verdict: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["fits"], false);
    assert_eq!(verdict["limits"][0]["limit"], "files");
    assert!(verdict["limits"][0]["value"].as_u64().unwrap() > 20_000);
    assert_eq!(verdict["stats"]["fullest_folder"], serde_json::json!(["extra", 20_000]));
    // The paid plan takes it; Netlify only counts a folder's entries.
    assert!(threadarc(dir.path(), &["check", "--host", "cloudflare-pages-paid"]).status.success());
    assert!(threadarc(dir.path(), &["check", "--host", "netlify"]).status.success());

    // A folder no build made is refused with what to do.
    let out = threadarc(dir.path(), &["check", "--host", "github-pages", "--output", "threads"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("run `threadarc build` first"));
    // An unknown host is named with the ones there are.
    let out = threadarc(dir.path(), &["check", "--host", "geocities"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("gitlab-pages"));
}
