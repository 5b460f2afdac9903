//! The folder an archive is written into: every file goes through [`Output`], which links
//! it from the old archive when its bytes are the same and writes it new otherwise.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use askama::Template;
use rustc_hash::{FxHashMap, FxHashSet};
use walkdir::WalkDir;

use super::folder::{MARKER, make_writable, remove_file_if_exists};
use super::plan::Plan;
use crate::cache::{self, Cache, FileRecord, Hash, OLD_CACHE_FILE};
use crate::diagnostic::Diagnostic;
use crate::parse::Detection;

/// The folder an archive is written into, what was written so far, and what the archive
/// it replaces holds.
///
/// Every file goes through [`Output::file`]: a file whose bytes equal the old archive's
/// file at the same path becomes a hard link to it (keeping its modification time);
/// any other is written new. A thread whose files depend on nothing that changed is not
/// rendered at all ([`Output::reuse`]).
pub(super) struct Output<'a> {
    root: PathBuf,
    pub plan: &'a Plan<'a>,
    /// HTML pages, by path (for the sitemap).
    pages: Mutex<Vec<String>>,
    /// Every file written or linked.
    files: Mutex<FxHashMap<String, FileRecord>>,
    /// Each thread's fingerprint and files.
    threads: Mutex<FxHashMap<String, (Hash, Vec<String>)>>,
    /// Folders made (or found to be real, writable folders) so far, relative to the root.
    folders: Mutex<FxHashSet<PathBuf>>,
    /// Whether each folder of the old archive, relative to its root, is a real folder all
    /// the way down: a file is linked from it only then, never through a symbolic link.
    old_folders: Mutex<FxHashMap<PathBuf, bool>>,
    /// Whether the folder started empty; else it holds an older archive ([`Output::new`]).
    fresh: bool,
    /// Files written new (not linked).
    written: AtomicUsize,
}

impl<'a> Output<'a> {
    /// An output into `root`, which is either empty or the archive before the one in
    /// place: then every file that is still wanted is kept or replaced, the rest removed
    /// ([`Output::finish`]), and a file kept there is the old archive's own (a file of the
    /// same bytes written at another time is replaced by a link to the old one's).
    pub fn new(root: &Path, plan: &'a Plan<'a>) -> io::Result<Output<'a>> {
        let fresh = !root.exists();
        if !fresh {
            make_writable(root, &fs::symlink_metadata(root).map_err(at(root))?).map_err(at(root))?;
            // An older version's cache, kept in the archive: the archive no longer holds it.
            let old_cache = root.join(OLD_CACHE_FILE);
            remove_file_if_exists(&old_cache).map_err(at(&old_cache))?;
        }
        fs::create_dir_all(root).map_err(at(root))?;
        let out = Output {
            root: root.to_owned(),
            plan,
            pages: Default::default(),
            files: Default::default(),
            threads: Default::default(),
            folders: Default::default(),
            old_folders: Default::default(),
            fresh,
            written: AtomicUsize::new(0),
        };
        out.file(MARKER, b"This folder is an archive written by threadarc; `threadarc build` replaces it whole.\n")?;
        Ok(out)
    }

    /// Where `relative` goes, its folder made.
    fn path(&self, relative: &str) -> io::Result<PathBuf> {
        let relative = safe_relative(relative)?;
        if let Some(parent) = relative.parent() {
            self.folder(parent)?;
        }
        Ok(self.root.join(relative))
    }

    /// Makes the folder `relative` and those above it real folders the build can write
    /// in. The folder may hold an older archive, whose folders someone may have made
    /// read-only, or replaced with a symbolic link (which is removed, never followed: the
    /// build writes and removes only inside its folder) or a file.
    fn folder(&self, relative: &Path) -> io::Result<()> {
        if relative.as_os_str().is_empty() || self.folders.lock().expect("no writer panicked").contains(relative) {
            return Ok(());
        }
        if let Some(parent) = relative.parent() {
            self.folder(parent)?;
        }
        let path = self.root.join(relative);
        let create = |path: &Path| match fs::create_dir(path) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e),
            _ => Ok(()),
        };
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => make_writable(&path, &m),
            Ok(_) => remove_file_if_exists(&path).and_then(|()| create(&path)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => create(&path),
            Err(e) => Err(e),
        }
        .map_err(at(&path))?;
        self.folders.lock().expect("no writer panicked").insert(relative.to_owned());
        Ok(())
    }

    /// Whether the old archive's folder `relative` is a real folder, as is each above it.
    fn old_folder_is_real(&self, old_root: &Path, relative: &Path) -> bool {
        if relative.as_os_str().is_empty() {
            return true;
        }
        if let Some(&real) = self.old_folders.lock().expect("no writer panicked").get(relative) {
            return real;
        }
        let real = relative.parent().is_none_or(|parent| self.old_folder_is_real(old_root, parent))
            && fs::symlink_metadata(old_root.join(relative)).is_ok_and(|m| m.is_dir());
        self.old_folders.lock().expect("no writer panicked").insert(relative.to_owned(), real);
        real
    }

    /// Links the old archive's file at `relative` into the new one if it is still as
    /// recorded and `wanted` accepts its record; returns whether it did.
    fn link(&self, relative: &str, path: &Path, wanted: impl Fn(&FileRecord) -> bool) -> bool {
        self.linkable(relative, wanted).is_some_and(|old| self.link_old(relative, path, old))
    }

    /// The old archive's file at `relative`, if it is still as recorded and `wanted`
    /// accepts its record, reached through real folders only.
    fn linkable(&self, relative: &str, wanted: impl Fn(&FileRecord) -> bool) -> Option<OldFile> {
        let (old_root, cache) = self.plan.previous?;
        let record = cache.files.get(relative).filter(|r| wanted(r))?;
        if !Path::new(relative).parent().is_none_or(|parent| self.old_folder_is_real(old_root, parent)) {
            return None;
        }
        let path = old_root.join(relative);
        let metadata = fs::symlink_metadata(&path).ok()?;
        cache.unchanged(record, &metadata).then_some(OldFile { record: *record, path, metadata })
    }

    /// Links an old archive's file found [`Output::linkable`] at `path`; returns whether it
    /// did.
    fn link_old(&self, relative: &str, path: &Path, old: OldFile) -> bool {
        use std::os::unix::fs::MetadataExt;
        let OldFile { record, path: old, metadata } = old;
        // The folder may hold that very file already (kept from the archive before).
        let here = fs::symlink_metadata(path).ok();
        let same = here.as_ref().is_some_and(|m| m.ino() == metadata.ino() && m.dev() == metadata.dev());
        if !same && (here.is_some() && fs::remove_file(path).is_err() || fs::hard_link(&old, path).is_err()) {
            return false;
        }
        self.files.lock().expect("no writer panicked").insert(relative.to_owned(), record);
        true
    }

    /// Puts `bytes` at `relative`: a link to the old file if it holds the same bytes,
    /// else a new file.
    pub fn file(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(relative)?;
        let hash = cache::hash(bytes);
        if self.link(relative, &path, |r| r.hash == hash && r.size == bytes.len() as u64) {
            return Ok(());
        }
        new_file(&path, self.fresh).and_then(|mut f| f.write_all(bytes)).map_err(at(&path))?;
        let record = FileRecord { hash, size: bytes.len() as u64 };
        self.files.lock().expect("no writer panicked").insert(relative.to_owned(), record);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Puts at `relative` the file `make` makes of `source`, and returns its size: the old
    /// archive's file when the last build made it of the same source (the same binary and
    /// configuration), without making it again.
    pub fn file_made_from(&self, relative: &str, source: &[u8], make: impl FnOnce() -> Vec<u8>) -> io::Result<u64> {
        let key = format!("\0made:{relative}");
        let fingerprint = cache::hash(source);
        let files = [relative.to_owned()];
        if self.reused(&key, Some(fingerprint), &files, 0)? {
            let size = self.files.lock().expect("no writer panicked").get(relative).map_or(0, |r| r.size);
            return Ok(size);
        }
        let bytes = make();
        self.file(relative, &bytes)?;
        self.thread_done(&key, fingerprint, files.into());
        Ok(bytes.len() as u64)
    }

    pub fn page(&self, relative: &str, page: &impl Template) -> io::Result<()> {
        let mut html = Vec::with_capacity(64 * 1024);
        Template::write_into(page, &mut html)?;
        self.file(relative, &crate::render::pages::without_blank_lines(&html))?;
        self.counted_page(relative);
        Ok(())
    }

    fn counted_page(&self, relative: &str) {
        self.pages.lock().expect("no writer panicked").push(relative.to_owned());
    }

    pub fn page_count(&self) -> usize {
        self.pages.lock().expect("no writer panicked").len()
    }

    /// The paths of the pages written or linked so far, sorted.
    pub fn page_paths(&self) -> Vec<String> {
        let mut pages = self.pages.lock().expect("no writer panicked").clone();
        pages.sort();
        pages
    }

    /// The last build's record of a thread, if its fingerprint was the same.
    fn previous_thread(&self, key: &str, fingerprint: Hash) -> Option<&'a [String]> {
        let (_, cache) = self.plan.previous?;
        let (old, files) = cache.threads.get(key)?;
        (*old == fingerprint && self.plan.build == Some(cache.build)).then_some(files.as_slice())
    }

    pub fn thread_done(&self, key: &str, fingerprint: Hash, files: Vec<String>) {
        self.threads.lock().expect("no writer panicked").insert(key.to_owned(), (fingerprint, files));
    }

    /// Links every one of a group's `files` from the old archive when the group's
    /// fingerprint is the one it had last time, and records it for the next build; false if
    /// they must be written (the caller then calls [`Output::thread_done`] once they are).
    /// `pages` is how many of the files are pages.
    pub fn reused(&self, key: &str, fingerprint: Option<Hash>, files: &[String], pages: usize) -> io::Result<bool> {
        let Some(fingerprint) = fingerprint else { return Ok(false) };
        if self.previous_thread(key, fingerprint) == Some(files) && self.reuse_all(files)? {
            files[..pages].iter().for_each(|p| self.counted_page(p));
            self.thread_done(key, fingerprint, files.to_vec());
            return Ok(true);
        }
        Ok(false)
    }

    /// Links every one of `files` from the old archive; false if one cannot be (then none
    /// is left linked). All are looked at before any is linked: linking and unlinking a
    /// file changes its change time, after which the old archive's cache no longer vouches
    /// for it.
    fn reuse_all(&self, files: &[String]) -> io::Result<bool> {
        let Some(found) = files.iter().map(|f| self.linkable(f, |_| true)).collect::<Option<Vec<OldFile>>>() else {
            return Ok(false);
        };
        for (i, (file, old)) in files.iter().zip(found).enumerate() {
            let path = self.path(file)?;
            if !self.link_old(file, &path, old) {
                for linked in &files[..i] {
                    let path = self.root.join(linked);
                    fs::remove_file(&path).map_err(at(&path))?;
                }
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Finishes the archive: the files no longer wanted removed. Returns the number of
    /// pages, of files written new, and the cache that tells of the archive, to be written
    /// beside it once it is in place.
    pub fn finish(
        self,
        root: &Path,
        build: Option<Hash>,
        inputs: Hash,
        counts: [usize; 4],
        diagnostics: Vec<Diagnostic>,
        detections: FxHashMap<Hash, Detection>,
    ) -> io::Result<(usize, usize, Cache)> {
        let pages = self.page_count();
        let written = self.written.load(Ordering::Relaxed);
        let files = self.files.into_inner().expect("no writer panicked");
        if !self.fresh {
            remove_others(root, &files)?;
        }
        let cache = Cache {
            // A binary that cannot be identified gets a build hash no later build shares.
            build: build.unwrap_or_else(|| cache::hash(format!("{:?}", std::time::SystemTime::now()).as_bytes())),
            inputs,
            counts,
            diagnostics,
            files,
            threads: self.threads.into_inner().expect("no writer panicked"),
            detections,
            written_at: None,
        };
        Ok((pages, written, cache))
    }
}

/// A file of the old archive that may be linked into the new one.
struct OldFile {
    record: FileRecord,
    path: PathBuf,
    metadata: fs::Metadata,
}

/// A new file at `path`, never an old one opened again: a file there may be a hard link
/// to the old archive's, which must not change while it is the one in place.
fn new_file(path: &Path, fresh: bool) -> io::Result<fs::File> {
    let create = || fs::OpenOptions::new().write(true).create_new(true).open(path);
    if !fresh {
        // Most files in an older archive are links to the one in place.
        remove_file_if_exists(path)?;
    }
    match create() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            create()
        }
        result => result,
    }
}

/// A relative path that cannot leave the folder it is joined to.
fn safe_relative(relative: &str) -> io::Result<&Path> {
    let path = Path::new(relative);
    if path.components().all(|c| matches!(c, Component::Normal(_))) {
        Ok(path)
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unsafe output path {relative:?}")))
    }
}

/// Removes from `root` every file that is not in `files`, and the folders left empty.
/// Symbolic links are removed, not followed.
fn remove_others(root: &Path, files: &FxHashMap<String, FileRecord>) -> io::Result<()> {
    let mut folders = Vec::new();
    for entry in WalkDir::new(root).min_depth(1).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            make_writable(entry.path(), &entry.metadata().map_err(io::Error::other)?).map_err(at(entry.path()))?;
            folders.push(entry.into_path());
            continue;
        }
        let relative = entry.path().strip_prefix(root).map_err(io::Error::other)?;
        if !entry.file_type().is_file() || !relative.to_str().is_some_and(|r| files.contains_key(r)) {
            fs::remove_file(entry.path()).map_err(at(entry.path()))?;
        }
    }
    // Deepest first; a folder that still holds something stays.
    for folder in folders.iter().rev() {
        if fs::read_dir(folder).map_err(at(folder))?.next().is_none() {
            fs::remove_dir(folder).map_err(at(folder))?;
        }
    }
    Ok(())
}

/// An error that names the path it happened at.
pub(super) fn at(path: &Path) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}
