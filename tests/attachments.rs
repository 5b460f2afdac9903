//! Chat exports with their media: a WhatsApp export zipped with its photos, a voice note, a
//! video, a page and a drawing, and an Android export with a photo beside it. The build
//! copies each file once however often it is attached, shows images inline with their
//! size and audio and video with players, keeps pages and drawings only as text, says what
//! the export did not hold, and keeps the copies across rebuilds.
//!
//! With `THREADARC_ATTACHMENT_DUMPS` set, the dumps are also written into that folder, for
//! the browser test (`tests/browser/attachments.test.mjs`) to build and open.

mod common;

use std::fs;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::threadarc;

/// A whole 300 × 200 PNG that a browser shows.
const PHOTO: &[u8] = include_bytes!("fixtures/media/photo-300x200.png");

/// A WebP's header (VP8X), `width` × `height`.
fn webp(width: u32, height: u32) -> Vec<u8> {
    let mut chunk = vec![0u8; 4];
    chunk.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    chunk.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&(4 + 8 + chunk.len() as u32).to_le_bytes());
    webp.extend_from_slice(b"WEBPVP8X");
    webp.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
    webp.extend_from_slice(&chunk);
    webp
}

const PAGE: &[u8] =
    b"<!DOCTYPE html><html><body><script>window.__xss=1;alert(1)</script><img src=x onerror=alert(2)></body></html>";
const DRAWING: &[u8] =
    b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(3)\"><script>window.__xss=3</script></svg>";

/// The iOS export: its chat and every file it attaches (one named file is left out).
fn ios_export() -> Vec<(&'static str, Vec<u8>)> {
    let chat = "\
[02/09/2023, 10:10:05] Cycle repair café: \u{200e}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.
[02/09/2023, 10:12:11] Ines Varga: The donated frames arrived this morning
[02/09/2023, 10:12:40] Ines Varga: \u{200e}<attached: 00000002-PHOTO-2023-09-02-10-12-40.jpg>
[02/09/2023, 10:59:30] Kwame Asante: Posting it again for the noticeboard
[02/09/2023, 11:00:03] Kwame Asante: \u{200e}<attached: 00000004-PHOTO-2023-09-02-11-00-03.jpg>
[02/09/2023, 11:02:10] Ines Varga: \u{200e}<attached: 00000005-STICKER-2023-09-02-11-02-10.webp>
[02/09/2023, 11:03:00] Kwame Asante: \u{200e}<attached: 00000006-AUDIO-2023-09-02-11-03-00.opus>
[02/09/2023, 11:04:00] Kwame Asante: \u{200e}<attached: 00000007-VIDEO-2023-09-02-11-04-00.mp4>
[02/09/2023, 11:05:48] Kwame Asante: \u{200e}<attached: 00000008-rota.html>
[03/09/2023, 09:00:00] Ines Varga: \u{200e}<attached: 00000009-drawing.svg>
[03/09/2023, 09:01:00] Ines Varga: \u{200e}<attached: 00000010-PHOTO-2023-09-03-09-01-00.jpg>
[03/09/2023, 09:01:30] Ines Varga: That one failed to export, it was the wheel truing stand
";
    vec![
        ("_chat.txt", chat.as_bytes().to_vec()),
        // The same photo, sent twice: one file in the archive.
        ("00000002-PHOTO-2023-09-02-10-12-40.jpg", PHOTO.to_vec()),
        ("00000004-PHOTO-2023-09-02-11-00-03.jpg", PHOTO.to_vec()),
        ("00000005-STICKER-2023-09-02-11-02-10.webp", webp(24, 24)),
        ("00000006-AUDIO-2023-09-02-11-03-00.opus", b"OggS\0\x02\0\0\0\0\0\0\0\0OpusHead".to_vec()),
        ("00000007-VIDEO-2023-09-02-11-04-00.mp4", b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec()),
        ("00000008-rota.html", PAGE.to_vec()),
        ("00000009-drawing.svg", DRAWING.to_vec()),
    ]
}

fn zip(path: &Path, files: &[(&str, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, bytes) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// The dumps: the iOS export zipped, and an Android export with the same photo beside it.
fn write_dumps(root: &Path) {
    let chats = root.join("threads/chats");
    fs::create_dir_all(&chats).unwrap();
    zip(&chats.join("WhatsApp Chat - Cycle repair café.zip"), &ios_export());
    fs::write(
        chats.join("WhatsApp Chat with Allotment.txt"),
        "3/9/23, 6:45 PM - Dana Whitfield: IMG-20230309-WA0003.jpg (file attached)\nThe leaking tap\n\
3/9/23, 7:03 PM - Marcus Obi: I've got a box of washers in the shed.\n",
    )
    .unwrap();
    fs::write(chats.join("IMG-20230309-WA0003.jpg"), PHOTO).unwrap();
}

#[test]
fn a_whatsapp_export_with_media_is_kept_whole_and_inert() {
    let dir = tempfile::tempdir().unwrap();
    write_dumps(dir.path());
    if let Ok(folder) = std::env::var("THREADARC_ATTACHMENT_DUMPS") {
        write_dumps(Path::new(&folder));
    }
    let out = threadarc(dir.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The photo the export did not hold is said once, by its dump and line.
    let missing = "threads/chats/WhatsApp Chat - Cycle repair café.zip:11: attachment 00000010-PHOTO-2023-09-03-09-01-00.jpg is not in the export";
    assert_eq!(stderr.matches(missing).count(), 1, "{stderr}");
    assert!(!stderr.contains("not a dump"), "the photo beside the Android export is attached: {stderr}");

    let public = dir.path().join("public");
    let files: Vec<String> = walkdir::WalkDir::new(public.join("files"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(&public).unwrap().to_string_lossy().into_owned())
        .collect();
    // Three copies of one photo in two chats are one file; then the sticker, the voice
    // note, the video, and the page and drawing as text.
    assert_eq!(files.len(), 6, "{files:?}");
    let with = |ext: &str| files.iter().filter(|f| f.ends_with(ext)).count();
    assert_eq!((with(".png"), with(".webp"), with(".ogg"), with(".mp4"), with(".txt")), (1, 1, 1, 1, 2), "{files:?}");
    let stored_name = regex::Regex::new(r"^files/[0-9a-f]{2}/[0-9a-f]{32}\.(png|webp|ogg|mp4|txt)$").unwrap();
    for file in &files {
        assert!(stored_name.is_match(file), "{file}");
        let bytes = fs::read(public.join(file)).unwrap();
        if file.ends_with(".txt") {
            assert!(bytes == PAGE || bytes == DRAWING, "a page or drawing keeps its bytes, as text");
        }
    }

    let page = fs::read_to_string(public.join("chats/cycle-repair-cafe.html")).unwrap();
    let photo = files.iter().find(|f| f.ends_with(".png")).unwrap();
    assert!(page.contains(&format!(
        "<img src=\"../{photo}\" width=\"300\" height=\"200\" alt=\"00000002-PHOTO-2023-09-02-10-12-40.jpg\" loading=\"lazy\" decoding=\"async\">"
    )), "{page}");
    assert!(page.contains("width=\"24\" height=\"24\" alt=\"00000005-STICKER-2023-09-02-11-02-10.webp\""), "{page}");
    assert!(page.contains("<audio controls preload=\"none\" src=\"../files/"), "{page}");
    assert!(page.contains("<video controls preload=\"none\" src=\"../files/"), "{page}");
    assert!(
        page.contains("download=\"00000008-rota.html\"><bdi>00000008-rota.html</bdi></a> <span class=\"size\">"),
        "{page}"
    );
    assert!(page.contains("<bdi>00000010-PHOTO-2023-09-03-09-01-00.jpg</bdi>: not in the export"), "{page}");
    assert!(!page.contains("<script>window") && !page.contains("onload") && !page.contains("<svg"), "{page}");
    assert!(!page.contains("&lt;attached:"), "the marker is not body text: {page}");
    let allotment = fs::read_to_string(public.join("chats/allotment.html")).unwrap();
    assert!(allotment.contains(&format!("<img src=\"../{photo}\"")), "{allotment}");

    // The records say what each attachment became.
    let records = common::records(&public).remove("chats/cycle-repair-cafe.html").unwrap();
    let stored: Vec<&serde_json::Value> = records["posts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["attachments"].as_array().into_iter().flatten())
        .map(|a| &a["stored"])
        .collect();
    assert_eq!(stored.len(), 8);
    assert_eq!(stored.iter().filter(|s| s["status"] == "copied").count(), 7);
    assert_eq!(stored.last().unwrap()["status"], "missing");

    // A rebuild keeps every copy as it was (the same file, linked), and the archive the
    // same byte for byte.
    let inode = |f: &str| fs::metadata(public.join(f)).unwrap().ino();
    let before: Vec<u64> = files.iter().map(|f| inode(f)).collect();
    let before_files = common::snapshot(&public);
    fs::write(dir.path().join("threads/chats/note.txt"), "A note\n\nNothing attached.\n").unwrap();
    let out = threadarc(dir.path(), &["build"]);
    assert!(out.status.success());
    assert_eq!(files.iter().map(|f| inode(f)).collect::<Vec<_>>(), before, "attachments are linked, not written again");
    let after = common::snapshot(&public);
    for (name, bytes) in &before_files {
        if name.starts_with("files/") {
            assert_eq!(Some(bytes), after.get(name), "{name}");
        }
    }
}

#[test]
fn files_larger_than_the_archive_takes_are_left_out_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let chats = dir.path().join("threads/chats");
    fs::create_dir_all(&chats).unwrap();
    fs::write(chats.join("chat.txt"), "3/9/23, 6:45 PM - Dana: big.mp4 (file attached)\n3/9/23, 6:46 PM - Dana: ok\n")
        .unwrap();
    let mut big = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    big.resize(2 << 20, 0);
    fs::write(chats.join("big.mp4"), big).unwrap();
    fs::write(dir.path().join("archive.toml"), "max_attachment_mb = 1\n").unwrap();
    let out = threadarc(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("threads/chats/chat.txt:1: attachment big.mp4 is 2 MiB, more than max_attachment_mb: left out"),
        "{stderr}"
    );
    let out = threadarc(dir.path(), &["build"]);
    assert!(out.status.success());
    assert!(!dir.path().join("public/files").exists());
    let page = fs::read_to_string(dir.path().join("public/chats/chat.html")).unwrap();
    assert!(page.contains("<bdi>big.mp4</bdi>: left out (2.1 MB, more than the archive takes)"), "{page}");
}
