//! Archives as they are downloaded: dumps compressed with gzip, bzip2, xz or zstd (known by
//! their bytes, not their names), one cut short, and files that are no dump at all (a
//! photo, a PDF, an empty file, a tar) among the dumps.

mod common;

use std::fs;
use std::io::Write;

use common::{snapshot, threadarc, write};

const DUMP: &str =
    "Frost on the allotment\n\nDid anyone's broad beans survive last night?\n\nMine did, under fleece.\n";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    out.write_all(bytes).unwrap();
    out.finish().unwrap()
}

fn compressed(codec: &str, bytes: &[u8]) -> Vec<u8> {
    match codec {
        "gzip" => gzip(bytes),
        "bzip2" => {
            let mut out = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            out.write_all(bytes).unwrap();
            out.finish().unwrap()
        }
        "xz" => {
            let mut out = liblzma::write::XzEncoder::new(Vec::new(), 6);
            out.write_all(bytes).unwrap();
            out.finish().unwrap()
        }
        "zstd" => zstd::encode_all(bytes, 3).unwrap(),
        _ => unreachable!(),
    }
}

#[test]
fn compressed_dumps_are_read_as_the_dump_inside() {
    let dir = tempfile::tempdir().unwrap();
    let garden = dir.path().join("threads/garden");
    fs::create_dir_all(&garden).unwrap();
    // The bytes decide: an `.mbox` that is gzip is decompressed, and names say nothing.
    let names = [
        ("gzip", "frost-one.txt.gz"),
        ("bzip2", "frost-two.txt.bz2"),
        ("xz", "frost-three.mbox"),
        ("zstd", "frost-four.zst"),
    ];
    for (codec, name) in names {
        let text = DUMP.replace("Frost on the allotment", &format!("Frost, read from {codec}"));
        fs::write(garden.join(name), compressed(codec, text.as_bytes())).unwrap();
    }
    // Two gzip members, one after the other, are one dump.
    let mut members = gzip(b"Two members\n\nfirst half of the thread\n\n");
    members.extend(gzip(b"second half of the thread\n"));
    fs::write(garden.join("two-members.txt.gz"), members).unwrap();
    // A `.gz` that is not gzip is read as it is.
    fs::write(garden.join("plain.txt.gz"), DUMP).unwrap();

    let out = threadarc(dir.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let threads = common::manifest_threads(&dir.path().join("public"));
    let mut titles: Vec<&str> = threads.iter().map(|t| t["title"].as_str().unwrap()).collect();
    titles.sort_unstable();
    assert_eq!(
        titles,
        [
            "Frost on the allotment",
            "Frost, read from bzip2",
            "Frost, read from gzip",
            "Frost, read from xz",
            "Frost, read from zstd",
            "Two members"
        ]
    );
    let two = fs::read_to_string(dir.path().join("public/garden/two-members.html")).unwrap();
    assert!(two.contains("first half") && two.contains("second half"), "{two}");
}

#[test]
fn a_compressed_dump_cut_short_keeps_what_came_before_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let mut posts = String::from("A long thread\n\n");
    for i in 0..2000 {
        posts.push_str(&format!("Post {i}: the garden is {} today.\n\n", ["wet", "dry", "cold"][i % 3]));
    }
    let whole = gzip(posts.as_bytes());
    let cut = &whole[..whole.len() * 2 / 3];
    write(&dir.path().join("threads/garden/placeholder.txt"), "x\n\ny\n");
    fs::write(dir.path().join("threads/garden/long.txt.gz"), cut).unwrap();
    let out = threadarc(dir.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let warning = regex::Regex::new(
        r"warning: threads/garden/long\.txt\.gz: the Gzip data is cut short or damaged near byte \d+",
    )
    .unwrap();
    assert!(warning.is_match(&stderr), "{stderr}");
    let page = fs::read_to_string(dir.path().join("public/garden/a-long-thread.html")).unwrap();
    assert!(
        page.contains("Post 0: the garden is wet today.") && page.contains("Post 100:"),
        "what decompressed is read"
    );
    assert!(!page.contains("Post 1999:"), "nothing past the damage");
}

#[test]
fn files_that_are_no_dump_are_skipped_with_a_warning_and_never_published() {
    let dir = tempfile::tempdir().unwrap();
    let garden = dir.path().join("threads/garden");
    write(&garden.join("frost.txt"), DUMP);
    let png = include_bytes!("fixtures/media/photo-300x200.png");
    fs::write(garden.join("photo.png"), png).unwrap();
    fs::write(garden.join("rota.pdf"), b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n").unwrap();
    fs::write(garden.join("empty.txt"), b"").unwrap();
    // A PNG under a dump's name, gzipped: what it decompresses to decides.
    fs::write(garden.join("notes.txt.gz"), gzip(png)).unwrap();
    let mut tar = vec![0u8; 512];
    tar[..9].copy_from_slice(b"notes.txt");
    tar[257..262].copy_from_slice(b"ustar");
    fs::write(garden.join("old.tar"), &tar).unwrap();
    // What a system leaves behind is skipped without a word.
    fs::write(garden.join("Thumbs.db"), b"\xd0\xcf\x11\xe0").unwrap();

    let out = threadarc(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (file, what) in [
        ("photo.png", "not a dump (image/png): skipped"),
        ("rota.pdf", "not a dump (application/pdf): skipped"),
        ("empty.txt", "not a dump (an empty file): skipped"),
        ("old.tar", "an archive threadarc does not read yet (application/x-tar): skipped"),
    ] {
        assert!(stderr.contains(&format!("warning: threads/garden/{file}: {what}")), "{file}: {stderr}");
    }
    assert!(
        stderr.contains("threads/garden/notes.txt.gz: cannot read: it decompresses to no dump (image/png)"),
        "{stderr}"
    );
    assert!(!stderr.contains("Thumbs.db"), "{stderr}");

    let out = threadarc(dir.path(), &["build", "--keep-going"]);
    assert_eq!(out.status.code(), Some(1), "the gzipped photo is an error: {}", String::from_utf8_lossy(&out.stderr));
    let public = snapshot(&dir.path().join("public"));
    let names: Vec<&String> = public.keys().filter(|n| n.starts_with("garden/")).collect();
    assert_eq!(
        names,
        [
            "garden/frost-on-the-allotment.html",
            "garden/index.html",
            "garden/manifest.json",
            "garden/records-1.jsonl.gz"
        ]
    );
    assert!(!dir.path().join("public/files").exists(), "nothing of them is published");
    for (name, bytes) in &public {
        assert!(!bytes.windows(8).any(|w| w == &png[..8]), "{name} holds the photo's bytes");
        assert!(!String::from_utf8_lossy(bytes).contains("%PDF"), "{name} holds the PDF");
    }
}

#[test]
fn an_unchanged_compressed_archive_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("threads/garden")).unwrap();
    fs::write(dir.path().join("threads/garden/frost.txt.zst"), compressed("zstd", DUMP.as_bytes())).unwrap();
    assert!(threadarc(dir.path(), &["build"]).status.success());
    let out = threadarc(dir.path(), &["build"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing changed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
