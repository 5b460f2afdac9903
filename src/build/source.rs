//! What a dump's file holds, read: a text file's bytes, the one dump inside a zip, the JSON
//! files of a Slack export (zipped or unpacked); and where the files its posts attach are
//! looked for.
//!
//! A chat export brings its media: WhatsApp's zip holds `_chat.txt` beside the photos,
//! Telegram's `result.json` sits beside `photos/` and `files/`. A post names its file by a
//! path relative to its dump, written by a stranger: it is looked up among the zip's
//! entries by name, or on disk one plain component at a time, never through `..`, an
//! absolute path or a symbolic link, so no attachment can reach outside the dump's own
//! folder.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::discover::{Codec, Found, Kind, MAX_DUMP_BYTES, read_dump};
use crate::cache::{self, Hash};
use crate::parse::Bundle;

/// A dump as read: what the loader reads, a hash of it, and where its attachments are.
pub(super) struct Source {
    pub content: Content,
    /// What reading it had to say (a compressed file cut short).
    pub warnings: Vec<String>,
    /// A hash of what the dump holds (of a zip: its dump's bytes and every entry's name,
    /// size and checksum): equal hashes, equal dumps.
    pub hash: Hash,
    pub place: Place,
}

/// What the loader reads of a dump.
pub(super) enum Content {
    Text(Vec<u8>),
    Bundle(Bundle),
    /// A Reddit dump too large to hold, read as it streams: its decompressed lines.
    Stream(Box<dyn io::BufRead + Send>),
}

impl Content {
    /// What the loader reads, for a dump that is held (a text, a bundle); none for a stream.
    pub fn held(&self) -> Option<crate::load::Content<'_>> {
        match self {
            Content::Text(bytes) => Some(crate::load::Content::Text(bytes)),
            Content::Bundle(bundle) => Some(crate::load::Content::Bundle(bundle)),
            Content::Stream(_) => None,
        }
    }
}

/// Where the files a dump's posts attach are looked for.
#[derive(Debug, Clone)]
pub(super) enum Place {
    /// In the dump's folder on disk (or an export folder's), and below it.
    Folder(PathBuf),
    /// Among a zip's entries: their sizes by name, and the folder inside the zip that the
    /// dump's text is in.
    Zip { path: PathBuf, entries: BTreeMap<String, u64>, base: String },
}

/// Where an attached file is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Location {
    File(PathBuf),
    Entry { zip: PathBuf, name: String },
}

/// Reads a dump: a text file, the dump inside a zip, or an export folder's JSON files.
pub(super) fn read(found: &Found) -> io::Result<Source> {
    match found.kind {
        Kind::Zip => read_zip(&found.path),
        Kind::Folder => read_folder(&found.path),
        Kind::Compressed(codec) => read_compressed(found, codec),
        Kind::Text | Kind::Other(_) => {
            let bytes = read_dump(&found.path)?;
            let folder = found.path.parent().map(Path::to_owned).unwrap_or_default();
            let hash = cache::hash(&bytes);
            Ok(Source { hash, content: Content::Text(bytes), place: Place::Folder(folder), warnings: Vec::new() })
        }
    }
}

/// The bytes a compressed file decompresses to, as they are read; and how many of the
/// file's own bytes were read so far (where damage is, when it stops).
fn decoder(path: &Path, codec: Codec) -> io::Result<(Box<dyn Read + Send>, Arc<AtomicU64>)> {
    let counted = Counted { inner: fs::File::open(path)?, read: Arc::default() };
    let read = Arc::clone(&counted.read);
    let buffered = io::BufReader::with_capacity(64 * 1024, counted);
    let decoder: Box<dyn Read + Send> = match codec {
        Codec::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        Codec::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(buffered)),
        Codec::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(buffered)),
        Codec::Zstd => {
            let mut decoder = zstd::stream::read::Decoder::with_buffer(buffered)?;
            // Pushshift's and Arctic Shift's dumps are written with `--long=31`.
            decoder.window_log_max(31)?;
            Box::new(decoder)
        }
    };
    Ok((decoder, read))
}

/// A reader that counts the bytes it reads.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A compressed dump: what it decompresses to, up to the size a dump may be. A file cut
/// short or damaged keeps what decompressed before the damage, and says where it is. A
/// Reddit dump too large to hold is read as it streams.
fn read_compressed(found: &Found, codec: Codec) -> io::Result<Source> {
    let (stream, read) = decoder(&found.path, codec)?;
    let mut bytes = Vec::new();
    let mut warnings = Vec::new();
    if let Err(e) = stream.take(MAX_DUMP_BYTES + 1).read_to_end(&mut bytes) {
        let at = read.load(Ordering::Relaxed);
        warnings.push(format!(
            "the {codec:?} data is cut short or damaged near byte {at} ({e}); what came before it was read"
        ));
    }
    let folder = found.path.parent().map(Path::to_owned).unwrap_or_default();
    if bytes.len() as u64 > MAX_DUMP_BYTES {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
        if crate::parse::reddit_dump::score(&head).value < crate::parse::THRESHOLD {
            return Err(io::Error::other(format!(
                "it decompresses to more than the {} MiB threadarc reads; split it into several dumps",
                MAX_DUMP_BYTES >> 20
            )));
        }
        drop(bytes);
        // Read again, as it streams: a month of Reddit is more than memory holds.
        let (stream, _) = decoder(&found.path, codec)?;
        let hash = metadata_hash(&found.path)?;
        let content = Content::Stream(Box::new(io::BufReader::with_capacity(256 * 1024, stream)));
        return Ok(Source { content, hash, place: Place::Folder(folder), warnings });
    }
    if let super::discover::Kind::Other(what) = super::discover::kind_of(&bytes[..bytes.len().min(512)]) {
        return Err(io::Error::other(format!("it decompresses to no dump ({what})")));
    }
    let hash = cache::hash(&bytes);
    Ok(Source { content: Content::Text(bytes), hash, place: Place::Folder(folder), warnings })
}

/// A hash of a file's size and modification time: for a file too large to hash whole.
fn metadata_hash(path: &Path) -> io::Result<Hash> {
    let metadata = fs::metadata(path)?;
    let modified = metadata.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    let mut hasher = cache::Hasher::new();
    hasher.number(metadata.len()).number(modified.map_or(0, |d| d.as_nanos() as u64));
    Ok(hasher.finish())
}

/// Files in a zip or folder that a dump may be: the rest are media.
fn is_dump_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    !lower.starts_with("__macosx/") && matches!(ext, "txt" | "json" | "log" | "mbox" | "md")
}

/// The folder inside a bundle where a Slack export's `channels.json` is, if it has one.
fn export_root<'n>(names: impl Iterator<Item = &'n str> + Clone) -> Option<String> {
    let roots =
        names.clone().filter_map(|n| n.strip_suffix("channels.json")).filter(|r| r.is_empty() || r.ends_with('/'));
    roots.into_iter().find(|root| names.clone().any(|n| n.strip_prefix(*root) == Some("users.json"))).map(str::to_owned)
}

fn read_zip(path: &Path) -> io::Result<Source> {
    let mut zip = zip::ZipArchive::new(fs::File::open(path)?).map_err(io::Error::other)?;
    let mut entries = BTreeMap::new();
    let mut hasher = cache::Hasher::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(io::Error::other)?;
        let Some(name) = entry.name().ok().map(|n| clean_entry_name(&n)) else { continue };
        if entry.is_dir() || name.is_empty() {
            continue;
        }
        hasher.str(&name).number(entry.size()).number(u64::from(entry.crc32()));
        entries.insert(name, entry.size());
    }
    let names = entries.keys().map(String::as_str);
    let read = |zip: &mut zip::ZipArchive<fs::File>, name: &str| -> io::Result<Vec<u8>> {
        let index = zip.index_for_name(name).or_else(|| find_index(zip, name)).ok_or(io::ErrorKind::NotFound)?;
        read_capped(zip.by_index(index).map_err(io::Error::other)?)
    };
    let content = if let Some(root) = export_root(names.clone()) {
        let mut files = Vec::new();
        for name in names.filter(|n| n.starts_with(root.as_str()) && n.ends_with(".json")) {
            files.push((name[root.len()..].to_owned(), read(&mut zip, name)?));
        }
        Content::Bundle(Bundle { files })
    } else {
        let dumps: Vec<&str> = names.filter(|n| is_dump_name(n)).collect();
        let [dump] = dumps.as_slice() else {
            return Err(io::Error::other(format!(
                "a zip of {} files holding {} dumps; threadarc reads a zip of one dump (with its media) or a Slack export",
                entries.len(),
                dumps.len()
            )));
        };
        let bytes = read(&mut zip, dump)?;
        let base = dump.rsplit_once('/').map_or("", |(folder, _)| folder).to_owned();
        hasher.bytes(&bytes);
        let place = Place::Zip { path: path.to_owned(), entries, base };
        return Ok(Source { content: Content::Text(bytes), hash: hasher.finish(), place, warnings: Vec::new() });
    };
    let place = Place::Zip { path: path.to_owned(), entries, base: String::new() };
    Ok(Source { content, hash: hasher.finish(), place, warnings: Vec::new() })
}

/// A zip entry's name with `/` separators and no leading `./` or `/`.
fn clean_entry_name(name: &str) -> String {
    let name = name.replace('\\', "/");
    name.trim_start_matches("./").trim_start_matches('/').to_owned()
}

/// The index of the entry whose cleaned name is `name` (for names written with `\` or `./`).
fn find_index(zip: &mut zip::ZipArchive<fs::File>, name: &str) -> Option<usize> {
    (0..zip.len()).find(|&i| {
        zip.by_index_raw(i).ok().and_then(|e| e.name().ok().map(|n| clean_entry_name(&n))).as_deref() == Some(name)
    })
}

/// An entry's bytes, refusing more than a dump may hold (an entry's stated size may lie).
fn read_capped(entry: impl Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    entry.take(MAX_DUMP_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_DUMP_BYTES {
        return Err(io::Error::other(format!(
            "a file in it is more than the {} MiB threadarc reads",
            MAX_DUMP_BYTES >> 20
        )));
    }
    Ok(bytes)
}

fn read_folder(path: &Path) -> io::Result<Source> {
    let mut files = Vec::new();
    let mut hasher = cache::Hasher::new();
    let mut total = 0u64;
    for entry in WalkDir::new(path).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let relative = entry.path().strip_prefix(path).map_err(io::Error::other)?;
        let name: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let name = name.join("/");
        if !entry.file_type().is_file() || !name.ends_with(".json") || name.starts_with('.') || name.contains("/.") {
            continue;
        }
        let bytes = fs::read(entry.path())?;
        total += bytes.len() as u64;
        if total > MAX_DUMP_BYTES {
            return Err(io::Error::other(format!(
                "its JSON files are more than the {} MiB threadarc reads",
                MAX_DUMP_BYTES >> 20
            )));
        }
        hasher.str(&name).bytes(&bytes);
        files.push((name, bytes));
    }
    let place = Place::Folder(path.to_owned());
    Ok(Source { content: Content::Bundle(Bundle { files }), hash: hasher.finish(), place, warnings: Vec::new() })
}

impl Place {
    /// Where the file a post names by `source` is, and its size; none when it is not there
    /// or the name would lead out of the dump's place.
    pub fn locate(&self, source: &str) -> Option<(Location, u64)> {
        let decoded = percent_encoding::percent_decode_str(source).decode_utf8().ok();
        let names = std::iter::once(source).chain(decoded.as_deref().filter(|d| *d != source));
        for name in names {
            let name = name.trim_start_matches("./");
            let found = match self {
                Place::Folder(folder) => safe_join(folder, name).and_then(|path| {
                    let metadata = fs::symlink_metadata(&path).ok().filter(fs::Metadata::is_file)?;
                    Some((Location::File(path), metadata.len()))
                }),
                Place::Zip { path, entries, base } => {
                    let inside = if base.is_empty() { name.to_owned() } else { format!("{base}/{name}") };
                    [inside.as_str(), name].into_iter().find_map(|n| {
                        let size = *entries.get(n)?;
                        Some((Location::Entry { zip: path.clone(), name: n.to_owned() }, size))
                    })
                }
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

/// `folder` joined with a relative path of plain components, none of them a symbolic link;
/// none for anything else (`..`, an absolute path, a drive, a link on the way).
fn safe_join(folder: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    let mut path = folder.to_owned();
    let mut components = relative.components().peekable();
    components.peek()?;
    while let Some(component) = components.next() {
        let Component::Normal(part) = component else { return None };
        path.push(part);
        let last = components.peek().is_none();
        if !last && !fs::symlink_metadata(&path).ok()?.is_dir() {
            return None;
        }
    }
    Some(path)
}

/// The bytes of an attached file, at most `max` of them (a zip entry's stated size may lie).
pub(super) fn read_location(location: &Location, max: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match location {
        Location::File(path) => {
            fs::File::open(path)?.take(max + 1).read_to_end(&mut bytes)?;
        }
        Location::Entry { zip, name } => {
            let mut zip = zip::ZipArchive::new(fs::File::open(zip)?).map_err(io::Error::other)?;
            let index =
                zip.index_for_name(name).or_else(|| find_index(&mut zip, name)).ok_or(io::ErrorKind::NotFound)?;
            zip.by_index(index).map_err(io::Error::other)?.take(max + 1).read_to_end(&mut bytes)?;
        }
    }
    if bytes.len() as u64 > max {
        return Err(io::Error::other("larger than its size said"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_never_lead_out_of_the_dump_s_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("topic");
        fs::create_dir_all(root.join("photos")).unwrap();
        fs::write(root.join("photos/a.jpg"), b"jpg").unwrap();
        fs::write(root.join("b c.png"), b"png").unwrap();
        fs::write(dir.path().join("secret.txt"), b"no").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), root.join("link")).unwrap();
        let place = Place::Folder(root.clone());
        let found = |s: &str| place.locate(s);
        assert_eq!(found("photos/a.jpg"), Some((Location::File(root.join("photos/a.jpg")), 3)));
        assert_eq!(found("./photos/a.jpg").map(|f| f.1), Some(3));
        assert_eq!(found("b%20c.png").map(|f| f.1), Some(3), "percent-encoded names are found");
        for outside in
            ["../secret.txt", "/etc/passwd", "photos/../../secret.txt", "link/secret.txt", "link", "photos", ""]
        {
            assert_eq!(found(outside), None, "{outside}");
        }
    }

    #[test]
    fn a_zip_holds_one_dump_and_its_media() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chat.zip");
        let mut zip = zip::ZipWriter::new(fs::File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        for (name, bytes) in
            [("chat/_chat.txt", &b"[1/2/2020, 10:00:00] a: hi\n"[..]), ("chat/IMG-1.jpg", b"\xff\xd8\xff")]
        {
            zip.start_file(name, options).unwrap();
            io::Write::write_all(&mut zip, bytes).unwrap();
        }
        zip.finish().unwrap();
        let found =
            Found { path: path.clone(), relative: "t/chat.zip".into(), topic: "t".into(), size: 0, kind: Kind::Zip };
        let source = read(&found).unwrap();
        let Content::Text(text) = &source.content else { panic!("the chat is read as text") };
        assert_eq!(text, b"[1/2/2020, 10:00:00] a: hi\n");
        let (location, size) = source.place.locate("IMG-1.jpg").unwrap();
        assert_eq!((location.clone(), size), (Location::Entry { zip: path.clone(), name: "chat/IMG-1.jpg".into() }, 3));
        assert_eq!(read_location(&location, 10).unwrap(), b"\xff\xd8\xff");
        assert!(read_location(&location, 2).is_err(), "a file larger than allowed is not read");
        assert!(source.place.locate("../chat/IMG-1.jpg").is_none());
    }
}
