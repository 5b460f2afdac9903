//! Finding the dumps: every file under the input folder, its topic from the folder it
//! sits in, in a stable order, and what it holds by its first bytes: a text dump, a zip, a
//! folder that is one export (a Slack export, unpacked), or something that is no dump (a
//! photo beside a chat export, which a post may attach).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::folder::MARKER;
use super::report::BuildError;
use crate::diagnostic::Diagnostic;

/// The largest dump threadarc reads; a larger file is refused with a message.
pub const MAX_DUMP_BYTES: u64 = 256 * 1024 * 1024;

/// A dump found under the input folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Relative to the input folder, with `/` separators.
    pub relative: String,
    pub topic: String,
    /// The file's size in bytes when it was found (of a folder: its files').
    pub size: u64,
    pub kind: Kind,
}

/// What a found file holds, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text: one dump.
    Text,
    /// A zip: the one dump inside it, or a Slack export.
    Zip,
    /// A folder holding one export of several files (a Slack export, unpacked).
    Folder,
    /// A compressed file: the one dump inside it.
    Compressed(Codec),
    /// No dump (a photo, a PDF, an empty file): what it is, by its media type. It is
    /// published only where a post attaches it.
    Other(&'static str),
}

/// How a compressed dump is compressed, known by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Codec {
    /// The codec whose magic bytes `head` starts with.
    pub fn of(head: &[u8]) -> Option<Codec> {
        let zstd_skippable = head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18];
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Codec::Gzip)
        } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
            Some(Codec::Bzip2)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Some(Codec::Xz)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) || zstd_skippable {
            Some(Codec::Zstd)
        } else {
            None
        }
    }
}

/// Files that systems leave in folders, skipped without a word.
const SYSTEM_FILES: &[&str] = &["Thumbs.db", "thumbs.db", "desktop.ini", "Desktop.ini"];

impl Found {
    /// Whether this is a dump to read (not a file a post may attach).
    pub fn is_dump(&self) -> bool {
        !matches!(self.kind, Kind::Other(_))
    }
}

/// The files of a folder that make it a Slack export, read as one dump.
const EXPORT_FOLDER_FILES: &[&str] = &["channels.json", "users.json"];

/// Every dump under `input`, in a stable order, and warnings for what was skipped. The
/// topic of a dump is the first folder under `input` it sits in; deeper folders only
/// organise files (by year, say). Hidden files and folders are skipped; symbolic links are
/// not followed, and are reported.
pub fn discover(input: &Path, default_topic: &str) -> Result<(Vec<Found>, Vec<Diagnostic>), BuildError> {
    discover_except(input, default_topic, None)
}

/// [`discover`], leaving out the configuration file `config` and every archive threadarc
/// wrote (a folder holding its [`MARKER`]): with `--input .` the archive and
/// `archive.toml` are in the input folder, and are no dumps. A folder that cannot be read
/// is an error of its own, so that `--keep-going` builds the rest.
pub fn discover_except(
    input: &Path,
    default_topic: &str,
    config: Option<&Path>,
) -> Result<(Vec<Found>, Vec<Diagnostic>), BuildError> {
    use std::os::unix::fs::MetadataExt;
    use walkdir::DirEntryExt;
    if !input.is_dir() {
        return Err(BuildError::new(format!(
            "the input folder {} does not exist; create it with one folder per topic, or name another with --input",
            input.display()
        )));
    }
    let config = config.and_then(|c| fs::metadata(c).ok()).map(|m| (m.dev(), m.ino()));
    let mut found = Vec::new();
    let mut names = rustc_hash::FxHashSet::default();
    let mut warnings = Vec::new();
    let mut walker = WalkDir::new(input)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        let entry =
            match entry {
                Ok(entry) => entry,
                Err(e) if e.depth() > 0 => {
                    let path = e.path().unwrap_or(input).display().to_string();
                    let why = e.io_error().map_or_else(|| e.to_string(), ToString::to_string);
                    warnings.push(Diagnostic::error(path, None, format!("cannot read this folder: {why}")).with_hint(
                        "make it readable, or move it out of the input folder; --keep-going builds the rest",
                    ));
                    continue;
                }
                Err(e) => return Err(BuildError::new(format!("cannot read {}: {e}", input.display()))),
            };
        if entry.depth() > 0 && entry.file_type().is_dir() && entry.path().join(MARKER).is_file() {
            // An archive threadarc wrote (the output, with `--input .`): pages, not dumps.
            walker.skip_current_dir();
            continue;
        }
        if config.is_some_and(|(dev, ino)| {
            entry.ino() == ino && entry.file_type().is_file() && entry.metadata().is_ok_and(|m| m.dev() == dev)
        }) {
            continue;
        }
        let relative_path = entry.path().strip_prefix(input).unwrap_or(entry.path());
        let relative: Vec<String> =
            relative_path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let relative = relative.join("/");
        if entry.path_is_symlink() {
            warnings.push(
                Diagnostic::warning(entry.path().display().to_string(), None, "symbolic link not followed")
                    .with_hint(format!("copy the dump into {} instead of linking it", input.display())),
            );
            continue;
        }
        let topic = match relative.split_once('/') {
            Some((folder, _)) => folder.to_owned(),
            None => default_topic.to_owned(),
        };
        let (kind, size) = if entry.file_type().is_dir() {
            if entry.depth() == 0 || !is_export_folder(entry.path()) {
                continue;
            }
            // The export's files are its own: none is a dump of its own.
            walker.skip_current_dir();
            (Kind::Folder, folder_size(entry.path()))
        } else if entry.file_type().is_file() {
            if SYSTEM_FILES.iter().any(|n| entry.file_name() == *n) {
                continue;
            }
            (sniff(entry.path()), entry.metadata().map_or(0, |m| m.len()))
        } else {
            continue;
        };
        if !names.insert(relative.clone())
            && let Some(same) = found.iter().find(|f: &&Found| f.relative == relative)
        {
            // Two names that differ only in bytes that are not UTF-8: the build knows a dump
            // by its name as text, so an edit to one would be taken for the other's.
            warnings.push(
                Diagnostic::error(
                    entry.path().display().to_string(),
                    None,
                    format!(
                        "this name reads as {} once its bytes that are not UTF-8 are replaced",
                        same.path.display()
                    ),
                )
                .with_hint("rename one of them, in UTF-8"),
            );
            continue;
        }
        found.push(Found { path: entry.path().to_owned(), relative, topic, size, kind });
    }
    Ok((found, warnings))
}

/// A dump named by its path (as `threadarc parse` is given one), with what it holds.
pub fn found_at(path: &Path, relative: &str, topic: &str) -> Found {
    let metadata = fs::metadata(path).ok();
    let (kind, size) = match metadata {
        Some(m) if m.is_dir() => (Kind::Folder, folder_size(path)),
        Some(m) => (sniff(path), m.len()),
        None => (Kind::Text, 0),
    };
    Found { path: path.to_owned(), relative: relative.to_owned(), topic: topic.to_owned(), size, kind }
}

fn is_export_folder(path: &Path) -> bool {
    EXPORT_FOLDER_FILES.iter().all(|name| fs::symlink_metadata(path.join(name)).is_ok_and(|m| m.is_file()))
}

/// The bytes of a folder's files, in all.
fn folder_size(path: &Path) -> u64 {
    WalkDir::new(path)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// What a file holds, by its first bytes. A file that cannot be read is taken for text:
/// reading it then says why it cannot be.
fn sniff(path: &Path) -> Kind {
    let mut head = [0u8; 512];
    let read = fs::File::open(path).and_then(|mut f| {
        let mut n = 0;
        while n < head.len() {
            match io::Read::read(&mut f, &mut head[n..])? {
                0 => break,
                k => n += k,
            }
        }
        Ok(n)
    });
    match read {
        Ok(n) => kind_of(&head[..n]),
        Err(_) => Kind::Text,
    }
}

/// What bytes that start so hold.
pub(super) fn kind_of(head: &[u8]) -> Kind {
    if head.is_empty() {
        return Kind::Other("an empty file");
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Kind::Zip;
    }
    if let Some(codec) = Codec::of(head) {
        return Kind::Compressed(codec);
    }
    // UTF-16 text (its byte-order mark first) is text, NUL bytes and all.
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return Kind::Text;
    }
    match infer::get(head) {
        // Text formats infer knows (HTML, XML, shell scripts) are read as text, as any text is.
        Some(t) if t.matcher_type() != infer::MatcherType::Text => Kind::Other(t.mime_type()),
        _ if head.contains(&0) || mostly_controls(head) => Kind::Other("binary data"),
        _ => Kind::Text,
    }
}

/// Whether bytes that are not UTF-8 hold more than a few percent control characters, as
/// no text does (Latin-1 and Windows-1252 text, which is not UTF-8 either, has none).
fn mostly_controls(head: &[u8]) -> bool {
    // Valid UTF-8, but for a character cut at the head's end.
    if std::str::from_utf8(head).map_or_else(|e| e.error_len().is_none(), |_| true) {
        return false;
    }
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    controls * 20 > head.len()
}

pub(super) fn read_dump(path: &Path) -> io::Result<Vec<u8>> {
    let size = fs::metadata(path)?.len();
    if size > MAX_DUMP_BYTES {
        return Err(io::Error::other(format!(
            "the file is {} MiB, more than the {} MiB threadarc reads; split it into several dumps",
            size >> 20,
            MAX_DUMP_BYTES >> 20
        )));
    }
    fs::read(path)
}
