//! `build --low-memory` (on by itself for large archives) lets go of the posts' bodies once
//! a dump is read and reads them again where a page or the search index needs them: the
//! archive it writes is the one a build that holds them writes, byte for byte.

use std::fs;
use std::path::Path;

mod common;

use common::{assert_same_files, threadarc, write};

/// The bundled sample dumps (every format), a long thread over several pages, and a mail
/// thread of one dump whose addresses must stay hidden in what is read again.
fn corpus(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in walkdir::WalkDir::new(root.join("threads")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let to = dir.join(entry.path().strip_prefix(root).unwrap());
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(entry.path(), to).unwrap();
        }
    }
    let mut long = String::from("A long thread\n\n");
    for p in 0..40 {
        long.push_str(&format!("Post {p} about *ferments* and crocks, number {p}\n\n"));
    }
    write(&dir.join("threads/baking/long.txt"), &long);
    let mut mail = String::new();
    for (i, (from, reply)) in
        [("Ann <ann@example.org>", ""), ("bob@example.net", "In-Reply-To: <m0@x>\n")].iter().enumerate()
    {
        mail.push_str(&format!(
            "From x Mon Mar  6 19:42:10 2023\nFrom: {from}\nSubject: Addresses\nDate: Mon, 6 Mar 2023 19:4{i}:10 -0600\n\
             Message-ID: <m{i}@x>\n{reply}\nWrite to carol@example.com or ann@example.org, post {i}.\n\n"
        ));
    }
    write(&dir.join("threads/mail/addresses.mbox"), &mail);
    write(
        &dir.join("archive.toml"),
        "title = \"Low memory\"\nbase_url = \"https://example.org/\"\nposts_per_page = 15\n",
    );
}

fn build(dir: &Path, args: &[&str]) -> String {
    let out = threadarc(dir, &[&["build", "--verbose"], args].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_low_memory_build_writes_what_a_build_that_holds_the_posts_writes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    corpus(d);
    let held = build(d, &["--output", "held"]);
    assert!(!held.contains("low memory"), "{held}");
    let low = build(d, &["--output", "low", "--low-memory"]);
    // Every dump of one thread of more than one post: the mbox of many threads, the
    // digest and the single-post dumps keep theirs.
    let reread = low.lines().find(|l| l.starts_with("low memory: the posts of ")).expect(&low);
    let count: usize = reread["low memory: the posts of ".len()..].split(' ').next().unwrap().parse().unwrap();
    assert!(count >= 10, "{reread}");
    assert_same_files(&d.join("held"), &d.join("low"));
    let mail = fs::read_to_string(d.join("low/mail/addresses.html")).unwrap();
    assert!(mail.contains("Write to carol@… or ann@…, post 1.") && !mail.contains("example.com"), "{mail}");
    let long = fs::read_to_string(d.join("low/baking/a-long-thread/3.html")).unwrap();
    assert!(long.contains("Post 39 about *ferments*"), "{long}");
}

#[test]
fn low_memory_rebuilds_equal_cold_builds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    corpus(d);
    build(d, &["--low-memory"]);
    let long = d.join("threads/baking/long.txt");
    let text = fs::read_to_string(&long).unwrap();
    fs::write(&long, text.replace("Post 39 about", "An edited post about")).unwrap();
    build(d, &["--low-memory"]);
    build(d, &["--output", "cold"]);
    assert_same_files(&d.join("public"), &d.join("cold"));
    let author_free = fs::read_to_string(d.join("public/baking/a-long-thread/3.html")).unwrap();
    assert!(author_free.contains("An edited post about"), "{author_free}");
}
