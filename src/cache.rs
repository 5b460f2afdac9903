//! What a build remembers of the archive it wrote, so that the next one writes only what
//! changed: `.NAME.threadarc-cache` beside the output folder `NAME` (not in it: nothing in
//! the published folder is only for the next build).
//!
//! # Why it is shaped like this
//!
//! An archive is replaced whole (see [`crate::build`]): a build writes a staging folder
//! and swaps it in. To keep unchanged files as they were (same inode, same modification
//! time, so that rsync and static hosts upload nothing), the staging folder holds a hard
//! link to the previous archive's file wherever the new bytes equal the old ones (or
//! already holds that very file, when it is the archive before, kept by the last build).
//! Only the cache knows the old bytes without reading them: it records every file's
//! content hash and size. The cache is written after every file of its archive, so a file
//! of another size, or modified or changed (its `ctime`, which unlike its modification time
//! no one can set back) after the cache was, was changed by someone else and is never
//! linked. The cache itself holds no times, so that two builds of the same dumps write the
//! same bytes.
//!
//! The cache is removed before a build swaps its archive in and written after, so no
//! crash can leave a cache that tells of another archive: at worst none is left, and the
//! next build writes every file.
//!
//! Three levels of reuse, each keyed so that it cannot change the result:
//!
//! - **Nothing changed**: the same binary, configuration and options
//!   ([`Cache::build`]), the same dumps byte for byte ([`Cache::inputs`]), and an output
//!   folder that holds exactly the files recorded, untouched. Then a cold build would write
//!   the same bytes, and the build writes nothing at all.
//! - **A thread unchanged**: a thread's pages, records and feed depend on its dump, its
//!   place (slug, topic, neighbours) and the slugs of its authors and tags; a hash of all
//!   of that ([`crate::build`]'s `thread_fingerprint`) equal to last time's means its files
//!   are linked without rendering. An author's pages are kept the same way: their
//!   fingerprint is that of the threads their posts are in (`T` lines keyed
//!   `"\u0000author:SLUG"`, which no dump's path can be).
//! - **A file unchanged**: everything else is rendered, and linked when its hash equals
//!   the old file's.
//!
//! Detection is skipped too for a dump whose bytes the last build of the same binary read:
//! the format it found (and why) is recorded by the dump's hash.
//!
//! # Format
//!
//! UTF-8 lines, fields split by tabs; strings are JSON (so they hold no tab or newline):
//!
//! ```text
//! threadarc-cache 1
//! build   HASH
//! inputs  HASH
//! counts  FILES THREADS POSTS PAGES
//! D       DIAGNOSTIC-AS-JSON
//! F       HASH SIZE "PATH"
//! R       HASH FORMAT SCORE FALLBACK "REASON"
//! T       HASH "THREAD KEY" "PATH" "PATH"…
//! ```
//!
//! Hashes are 128-bit XXH3, in hex. A cache that cannot be read is ignored: the build is
//! then a cold one.

use std::fs;
use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::Xxh3;

use crate::diagnostic::Diagnostic;
use crate::model::Format;
use crate::parse::Detection;

/// The file name an older version kept its cache under, inside the output folder.
pub const OLD_CACHE_FILE: &str = ".threadarc-cache";
const HEADER: &str = "threadarc-cache 1";

/// A 128-bit content hash.
pub type Hash = u128;

/// The hash of some bytes.
pub fn hash(bytes: &[u8]) -> Hash {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A hash of several fields, each length-prefixed so that no two lists of fields collide
/// by being cut differently.
#[derive(Default, Clone)]
pub struct Hasher(Xxh3);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher(Xxh3::new())
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn str(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    pub fn hash(&mut self, hash: Hash) -> &mut Self {
        self.0.update(&hash.to_le_bytes());
        self
    }

    pub fn number(&mut self, n: u64) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }

    pub fn finish(&self) -> Hash {
        self.0.digest128()
    }
}

/// An archive's file as the cache records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRecord {
    pub hash: Hash,
    pub size: u64,
}

/// A file's modification time in nanoseconds since the Unix epoch.
pub fn mtime(metadata: &fs::Metadata) -> Option<i128> {
    let time = metadata.modified().ok()?;
    Some(match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    })
}

/// What the last build wrote.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Cache {
    /// The binary, the configuration and the options that shape the output.
    pub build: Hash,
    /// Every dump's path and bytes.
    pub inputs: Hash,
    /// What the build's report said: dumps, threads, posts and pages.
    pub counts: [usize; 4],
    /// The warnings (and, with `--keep-going`, errors) that reading the dumps gave.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file of the archive but the cache, by path from its root.
    pub files: FxHashMap<String, FileRecord>,
    /// Per thread key: the fingerprint of what its files depend on, and the files.
    pub threads: FxHashMap<String, (Hash, Vec<String>)>,
    /// Per dump, by the hash of its bytes: the format detection found in it.
    pub detections: FxHashMap<Hash, Detection>,
    /// When the cache file was written (not part of it): no file of its archive is newer.
    pub written_at: Option<i128>,
}

impl Cache {
    /// The cache at `path`, if there is one that can be read.
    pub fn read(path: &Path) -> Option<Cache> {
        let written_at = mtime(&fs::metadata(path).ok()?)?;
        let text = fs::read_to_string(path).ok()?;
        Some(Cache { written_at: Some(written_at), ..Cache::parse(&text)? })
    }

    /// Whether the file on disk is still the one recorded: a regular file of the same size,
    /// neither modified nor changed since the cache was written. A file edited by hand with
    /// its size and modification time put back still has a new change time (`ctime`), which
    /// no one can set: the bytes are never reused on the word of times someone can set.
    pub fn unchanged(&self, record: &FileRecord, metadata: &fs::Metadata) -> bool {
        use std::os::unix::fs::MetadataExt;
        let changed = i128::from(metadata.ctime()) * 1_000_000_000 + i128::from(metadata.ctime_nsec());
        metadata.is_file()
            && metadata.len() == record.size
            && self
                .written_at
                .is_some_and(|cache| changed <= cache && mtime(metadata).is_some_and(|file| file <= cache))
    }

    pub fn parse(text: &str) -> Option<Cache> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut cache = Cache::default();
        let hex = |s: &str| Hash::from_str_radix(s, 16).ok();
        let string = |s: &str| serde_json::from_str::<String>(s).ok();
        for line in lines {
            let mut fields = line.split('\t');
            match fields.next()? {
                "build" => cache.build = hex(fields.next()?)?,
                "inputs" => cache.inputs = hex(fields.next()?)?,
                "counts" => {
                    for n in &mut cache.counts {
                        *n = fields.next()?.parse().ok()?;
                    }
                }
                "D" => cache.diagnostics.push(serde_json::from_str(fields.next()?).ok()?),
                "F" => {
                    let record = FileRecord { hash: hex(fields.next()?)?, size: fields.next()?.parse().ok()? };
                    cache.files.insert(string(fields.next()?)?, record);
                }
                "R" => {
                    let hash = hex(fields.next()?)?;
                    let format = Format::from_name(fields.next()?)?;
                    let score = fields.next()?.parse().ok()?;
                    let fallback = fields.next()? == "1";
                    let reason = string(fields.next()?)?;
                    cache.detections.insert(hash, Detection { format, score, reason, fallback });
                }
                "T" => {
                    let fingerprint = hex(fields.next()?)?;
                    let key = string(fields.next()?)?;
                    let files = fields.map(string).collect::<Option<Vec<String>>>()?;
                    cache.threads.insert(key, (fingerprint, files));
                }
                _ => return None,
            }
        }
        Some(cache)
    }

    /// The cache as its file holds it; files and threads in order, so that the same
    /// archive always gives the same cache.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let json = |s: &str| serde_json::to_string(s).expect("strings serialise");
        let mut out = format!("{HEADER}\nbuild\t{:x}\ninputs\t{:x}\ncounts", self.build, self.inputs);
        for n in self.counts {
            let _ = write!(out, "\t{n}");
        }
        out.push('\n');
        for d in &self.diagnostics {
            let _ = writeln!(out, "D\t{}", serde_json::to_string(d).expect("diagnostics serialise"));
        }
        let mut files: Vec<(&String, &FileRecord)> = self.files.iter().collect();
        files.sort_unstable_by_key(|(path, _)| *path);
        for (path, r) in files {
            let _ = writeln!(out, "F\t{:x}\t{}\t{}", r.hash, r.size, json(path));
        }
        let mut detections: Vec<(&Hash, &Detection)> = self.detections.iter().collect();
        detections.sort_unstable_by_key(|(hash, _)| **hash);
        for (hash, d) in detections {
            let fallback = u8::from(d.fallback);
            let _ = writeln!(out, "R\t{hash:x}\t{}\t{}\t{fallback}\t{}", d.format.name(), d.score, json(&d.reason));
        }
        let mut threads: Vec<(&String, &(Hash, Vec<String>))> = self.threads.iter().collect();
        threads.sort_unstable_by_key(|(key, _)| *key);
        for (key, (fingerprint, files)) in threads {
            let _ = write!(out, "T\t{fingerprint:x}\t{}", json(key));
            for file in files {
                let _ = write!(out, "\t{}", json(file));
            }
            out.push('\n');
        }
        out
    }

    /// Whether the archive in `root` holds exactly the files recorded, each untouched since
    /// it was written.
    pub fn intact(&self, root: &Path) -> bool {
        use rayon::prelude::*;
        let mut count = 0usize;
        for entry in walkdir::WalkDir::new(root).min_depth(1) {
            match entry {
                Ok(e) if e.file_type().is_dir() => {}
                Ok(_) => count += 1,
                Err(_) => return false,
            }
        }
        if count != self.files.len() {
            return false;
        }
        let files: Vec<(&String, &FileRecord)> = self.files.iter().collect();
        files
            .par_iter()
            .all(|(path, record)| fs::symlink_metadata(root.join(path)).is_ok_and(|m| self.unchanged(record, &m)))
    }

    /// Writes the cache to `path`, whole or not at all.
    pub fn write(&self, path: &Path) -> io::Result<()> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        fs::write(&partial, self.to_text())?;
        fs::rename(&partial, path)
    }
}

/// What identifies the binary that is running: a hash of its own file, so that any
/// change to the code, the templates or the stylesheet compiled into it counts as a new
/// build. `None` when the file cannot be read (then nothing is reused).
pub fn binary_hash() -> Option<Hash> {
    use std::io::Read;
    let mut exe = fs::File::open(std::env::current_exe().ok()?).ok()?;
    let mut hasher = Xxh3::new();
    let mut buffer = vec![0; 1 << 20];
    loop {
        match exe.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(Hasher::new().str(env!("CARGO_PKG_VERSION")).hash(hasher.digest128()).finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_reads_back_what_it_wrote() {
        let mut cache = Cache {
            build: 1,
            inputs: u128::MAX,
            counts: [1, 2, 3, 4],
            diagnostics: vec![Diagnostic::warning("t/a\tb.txt", Some(3), "odd\nthing").with_hint("fix")],
            ..Cache::default()
        };
        cache.files.insert("t/a b\t\"c\".html".into(), FileRecord { hash: 7, size: 10 });
        cache.files.insert("index.html".into(), FileRecord { hash: 8, size: 0 });
        cache.threads.insert("t/a.txt#2".into(), (9, vec!["t/a.html".into(), "t/a.json".into()]));
        cache.threads.insert("t/b.txt".into(), (10, vec![]));
        let reason = "2 `USER | DATE` headers\tand \"quotes\"".to_owned();
        cache.detections.insert(11, Detection { format: Format::DiscourseRaw, score: 95, reason, fallback: false });
        let fallback = Detection { format: Format::Plain, score: 0, reason: String::new(), fallback: true };
        cache.detections.insert(12, fallback);
        let text = cache.to_text();
        assert_eq!(Cache::parse(&text), Some(cache.clone()));
        assert_eq!(text, Cache::parse(&text).unwrap().to_text(), "the same cache, the same text");
        assert_eq!(Cache::parse("threadarc-cache 2\n"), None);
        assert_eq!(Cache::parse(&text.replace("F\t", "X\t")), None);
    }

    #[test]
    fn fields_are_hashed_apart() {
        let ab = Hasher::new().str("ab").str("c").finish();
        let a = Hasher::new().str("a").str("bc").finish();
        assert_ne!(ab, a);
        assert_eq!(ab, Hasher::new().str("ab").str("c").finish());
    }
}
