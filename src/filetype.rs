//! What an attached file is, by its bytes, and so how a page may show it.
//!
//! A file's name is whatever the export (or whoever sent it) called it, so it decides
//! nothing: `photo.jpg` may hold a web page. The bytes decide, and the archive publishes a
//! file under an extension that says what they are. Images a browser shows (PNG, JPEG,
//! GIF, WebP, AVIF) are shown inline, with the size their header gives; audio and video
//! get players; anything a browser would run or render as a document (HTML, SVG, XML,
//! XHTML, JavaScript) is published only as text (`.txt`, served as `text/plain`), which no
//! browser runs; everything else is a download.

use crate::model::FileKind;

/// What the archive makes of a file: how pages show it, its media type, and the extension
/// it is published under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileType {
    pub kind: FileKind,
    pub mime: &'static str,
    pub extension: String,
}

/// Extensions of files a browser runs or renders as a page, whatever their bytes say.
const ACTIVE_EXTENSIONS: &[&str] = &[
    "htm", "html", "xhtml", "xht", "shtml", "mht", "mhtml", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs", "cjs",
    "hta", "php", "jsp", "asp", "aspx",
];

/// The type of a file whose bytes are `bytes` and whose name is `name`.
pub fn file_type(bytes: &[u8], name: &str) -> FileType {
    let named = extension(name);
    if let Some(found) = infer::get(bytes) {
        let mime = found.mime_type();
        let kind = match found.matcher_type() {
            infer::MatcherType::Image => image(bytes, mime),
            infer::MatcherType::Audio => Some(FileKind::Audio),
            infer::MatcherType::Video => Some(FileKind::Video),
            _ if is_active_mime(mime) => return inert(),
            _ => Some(FileKind::Download),
        };
        if let Some(kind) = kind {
            return FileType { kind, mime, extension: found.extension().to_owned() };
        }
        // An image no browser shows inline (TIFF, HEIC…): a download of what it is.
        return FileType { kind: FileKind::Download, mime, extension: found.extension().to_owned() };
    }
    if looks_like_markup(bytes) || named.as_deref().is_some_and(|e| ACTIVE_EXTENSIONS.contains(&e)) {
        return inert();
    }
    if is_text(bytes) {
        return FileType { kind: FileKind::Download, mime: "text/plain", extension: "txt".into() };
    }
    // Unknown bytes keep a plain extension of their name (`.docx`), which no browser runs.
    let extension = named.filter(|e| e.len() <= 8 && e.bytes().all(|b| b.is_ascii_alphanumeric()));
    FileType {
        kind: FileKind::Download,
        mime: "application/octet-stream",
        extension: extension.unwrap_or_else(|| "bin".into()),
    }
}

/// A file kept only as text.
fn inert() -> FileType {
    FileType { kind: FileKind::Inert, mime: "text/plain", extension: "txt".into() }
}

/// An image a browser shows inline, with its size from its header; none for other images.
fn image(bytes: &[u8], mime: &str) -> Option<FileKind> {
    const SHOWN: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"];
    if !SHOWN.contains(&mime) {
        return None;
    }
    let size = imagesize::blob_size(bytes).ok()?;
    let width = u32::try_from(size.width).ok().filter(|&w| w > 0)?;
    let height = u32::try_from(size.height).ok().filter(|&h| h > 0)?;
    Some(FileKind::Image { width, height })
}

fn is_active_mime(mime: &str) -> bool {
    mime.contains("html") || mime.contains("xml") || mime.contains("javascript") || mime.contains("svg")
}

/// A name's extension, lower-cased.
fn extension(name: &str) -> Option<String> {
    let (stem, extension) = name.rsplit_once('.')?;
    (!stem.is_empty() && !extension.is_empty()).then(|| extension.to_ascii_lowercase())
}

/// Whether the bytes start like markup (`<`, after a byte-order mark and white space): HTML,
/// SVG and XML all do, and a browser sniffing a file may take any of them for a page.
fn looks_like_markup(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    // UTF-16 text starts with a byte-order mark: it may be markup too, and is kept as text.
    start.is_some_and(|i| bytes[i] == b'<') || bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff")
}

/// Whether the bytes read as text: valid UTF-8 (its first 8 KiB) without NUL bytes.
fn is_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        // Cut inside a character at the end of the head.
        Err(e) => e.error_len().is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 × 2 PNG.
    fn png() -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&3u32.to_be_bytes());
        png.extend_from_slice(&2u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        png
    }

    #[test]
    fn the_bytes_decide_not_the_name() {
        let cases: Vec<(Vec<u8>, &str, FileKind, &str, &str)> = vec![
            (png(), "photo.jpg", FileKind::Image { width: 3, height: 2 }, "image/png", "png"),
            (png(), "page.html", FileKind::Image { width: 3, height: 2 }, "image/png", "png"),
            (b"<html><script>alert(1)</script>".to_vec(), "photo.jpg", FileKind::Inert, "text/plain", "txt"),
            (b"\xef\xbb\xbf  <svg onload=alert(1)>".to_vec(), "x.png", FileKind::Inert, "text/plain", "txt"),
            (b"<?xml version=\"1.0\"?><a/>".to_vec(), "a.txt", FileKind::Inert, "text/plain", "txt"),
            (b"alert(1)".to_vec(), "a.js", FileKind::Inert, "text/plain", "txt"),
            (b"alert(1)".to_vec(), "A.SVG", FileKind::Inert, "text/plain", "txt"),
            (b"Shopping list\nmilk".to_vec(), "list.md", FileKind::Download, "text/plain", "txt"),
            (b"%PDF-1.7\n".to_vec(), "rota", FileKind::Download, "application/pdf", "pdf"),
            (b"ID3\x04\0\0\0\0\0\0".to_vec(), "a.bin", FileKind::Audio, "audio/mpeg", "mp3"),
            (b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec(), "v", FileKind::Video, "video/mp4", "mp4"),
            (vec![0, 1, 2, 3, 0xff], "report.docx", FileKind::Download, "application/octet-stream", "docx"),
            (vec![0, 1, 2, 3, 0xff], "x.h&ml", FileKind::Download, "application/octet-stream", "bin"),
            (vec![0, 1, 2, 3, 0xff], "noextension", FileKind::Download, "application/octet-stream", "bin"),
        ];
        for (bytes, name, kind, mime, extension) in cases {
            let got = file_type(&bytes, name);
            assert_eq!((got.kind, got.mime, got.extension.as_str()), (kind, mime, extension), "{name}: {bytes:?}");
        }
    }

    #[test]
    fn an_image_without_a_readable_size_is_a_download() {
        // A PNG signature and nothing after it: no size to give the page.
        let got = file_type(b"\x89PNG\r\n\x1a\n", "a.png");
        assert_eq!((got.kind, got.extension.as_str()), (FileKind::Download, "png"));
    }
}
