//! A build never loses what was built: killed at any moment, refused, or racing another
//! build, the output folder holds a whole archive, the old one or the new one.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use common::{snapshot, threadarc, write};

/// An archive big enough that a build takes a while to write.
fn corpus(dir: &Path, generation: usize) {
    for t in 0..400 {
        let mut text = format!("Thread {t} of generation {generation}\n\n");
        for p in 0..20 {
            text.push_str(&format!("Post {p} says something about topic {t}, https://example.org/{p}\n\n"));
        }
        write(&dir.join(format!("threads/topic-{}/thread-{t}.txt", t % 7)), &text);
    }
}

#[test]
fn killed_builds_leave_a_whole_archive() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 1);
    assert!(threadarc(dir.path(), &["build", "--quiet"]).status.success());
    let old = snapshot(&dir.path().join("public"));
    corpus(dir.path(), 2);
    for delay_ms in [0u64, 2, 5, 10, 20, 40, 80, 160] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_threadarc"))
            .args(["build", "--quiet"])
            .current_dir(dir.path())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = snapshot(&dir.path().join("public"));
        if now != old {
            // Not the old archive: then it must be the whole new one.
            assert_eq!(now.len(), old.len(), "a partial archive after a kill at {delay_ms} ms");
            assert!(now.values().any(|page| String::from_utf8_lossy(page).contains("generation 2")));
        }
    }
    // A build after the kills cleans up and finishes.
    assert!(threadarc(dir.path(), &["build", "--quiet"]).status.success());
    let new = snapshot(&dir.path().join("public"));
    assert!(new.values().any(|page| String::from_utf8_lossy(page).contains("generation 2")));
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains("-old") || n.ends_with("-new"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_second_build_waits_for_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 1);
    assert!(threadarc(dir.path(), &["build", "--quiet"]).status.success());
    let before = snapshot(&dir.path().join("public"));
    let lock = fs::OpenOptions::new().write(true).open(dir.path().join(".public.threadarc-lock")).unwrap();
    lock.lock().unwrap();
    corpus(dir.path(), 2);
    let out = threadarc(dir.path(), &["build"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("another threadarc build"), "{out:?}");
    assert_eq!(before, snapshot(&dir.path().join("public")));
    lock.unlock().unwrap();
    assert!(threadarc(dir.path(), &["build", "--quiet"]).status.success());
}

#[test]
fn symlinks_are_reported_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let secret = tempfile::tempdir().unwrap();
    write(&secret.path().join("secret.txt"), "Secret\n\ndo not publish\n\nreally\n");
    write(&dir.path().join("threads/t/ok.txt"), "Fine\n\none\n\ntwo\n");
    std::os::unix::fs::symlink(secret.path().join("secret.txt"), dir.path().join("threads/t/link.txt")).unwrap();
    std::os::unix::fs::symlink(secret.path(), dir.path().join("threads/linked-topic")).unwrap();
    let out = threadarc(dir.path(), &["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("link.txt: symbolic link not followed"), "{stderr}");
    assert!(stderr.contains("linked-topic: symbolic link not followed"), "{stderr}");
    let all: String =
        snapshot(&dir.path().join("public")).values().map(|v| String::from_utf8_lossy(v).into_owned()).collect();
    assert!(!all.contains("do not publish"));
}

#[test]
fn huge_files_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("threads/t/ok.txt"), "Fine\n\none\n\ntwo\n");
    let mut huge = fs::File::create(dir.path().join("threads/t/huge.txt")).unwrap();
    // Text at its start (what tells a dump from a photo), then sparse: no real disk use.
    std::io::Write::write_all(&mut huge, format!("A huge dump\n\n{}\n", "word ".repeat(200)).as_bytes()).unwrap();
    huge.set_len(threadarc::build::MAX_DUMP_BYTES + 1).unwrap();
    let out = threadarc(dir.path(), &["build"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("huge.txt") && stderr.contains("split it"), "{stderr}");
}

#[test]
fn a_multi_megabyte_line_is_cut_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let line = "word ".repeat(1_000_000);
    write(&dir.path().join("threads/t/long.txt"), &format!("Long\n\n{line}\n\nshort reply\n"));
    let out = threadarc(dir.path(), &["build"]);
    assert!(out.status.success(), "{out:?}");
    let page = fs::read_to_string(dir.path().join("public/t/long.html")).unwrap();
    assert!(page.len() < 1_000_000, "{} bytes", page.len());
    assert!(page.contains("only its first 256 KB are shown"));
    assert!(page.contains("short reply"));
}
