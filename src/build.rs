//! `threadarc build`: the pipeline from a folder of dumps to a folder of HTML.
//!
//! ```text
//! discover dumps → load (parse) each, in parallel → assemble the site → render pages into a
//! staging folder, in parallel → write the search index beside them → swap the staging
//! folder in for the old archive
//! ```
//!
//! The output folder is replaced whole or not at all: pages are written next to it and
//! only a complete archive is moved into its place, so a build that fails (a bad dump, a
//! full disk) leaves the previous archive as it was. All file reading and writing of a
//! build happens in this module.
//!
//! Rebuilds are incremental without giving that up: the staging folder is filled with
//! hard links to the old archive's files wherever the new bytes are the same, and only
//! changed files are written new ([`crate::cache`] says why this is safe). The archive
//! swapped out is kept beside the output (`.NAME.threadarc-previous`, mostly links to the
//! files of the one in place) and is the next build's staging folder: a rebuild then links
//! and removes only the files that changed since, not every file. When nothing changed at
//! all, nothing is written and nothing is swapped.
//!
//! A build of a large archive does not hold every post's body from reading to indexing:
//! the bodies of a dump's thread are let go once it is read ([`pages::release_bodies`]) and
//! read again from the dump, whose bytes must not have changed, where the thread's pages
//! or the search index need them ([`Reread`]).
//!
//! Beside the output there are also the build's lock and the search index's store of
//! tokenised threads ([`search::store`]); nothing a build keeps is inside the archive but
//! its small `.threadarc-cache`.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use askama::Template;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use walkdir::WalkDir;

use crate::cache::{self, CACHE_FILE, Cache, FileRecord, Hash};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::load::{self, Dump, Loaded};
use crate::model::Format;
use crate::model::Thread;
use crate::parse::Detection;
use crate::render::{pages, publish};
use crate::search;
use crate::site::{Entry, Site, paged_path};
use crate::term::{self, Progress};

/// The stylesheet, compiled in so that the binary works from any folder.
pub const STYLE_CSS: &str = include_str!("../static/style.css");
/// Keyboard navigation between posts on thread pages.
pub const THREAD_JS: &str = include_str!("../static/thread.js");
/// The search box's script, compiled in likewise.
pub const SEARCH_JS: &str = include_str!("../static/search.js");

/// The file that marks a folder as an archive threadarc wrote (and may replace).
pub const MARKER: &str = ".threadarc";

/// The largest dump threadarc reads; a larger file is refused with a message.
pub const MAX_DUMP_BYTES: u64 = 256 * 1024 * 1024;

/// Dumps of more bytes than this in all are built as with [`BuildOptions::low_memory`]:
/// at a million posts, the posts' bodies are most of what a build would hold.
pub const HOLD_BODIES_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub input: PathBuf,
    pub output: PathBuf,
    pub config: PathBuf,
    /// Whether the configuration file was named (then it must exist).
    pub config_required: bool,
    pub format: Option<Format>,
    /// Publish the archive even when some dumps could not be read.
    pub keep_going: bool,
    /// Replace an output folder that threadarc did not create.
    pub force: bool,
    /// Show a progress bar on stderr when the build takes more than a second.
    pub progress: bool,
    /// Let go of the posts' bodies once a dump is read and read them again where a page or
    /// the search index needs them, rather than hold them all through the build; on by
    /// itself for dumps of more than [`HOLD_BODIES_BYTES`] in all. Only dumps of one thread
    /// are read again (a file of many would be parsed once per thread).
    pub low_memory: bool,
}

#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub threads: usize,
    pub posts: usize,
    pub pages: usize,
    /// Files written new; the others are the last build's, kept as they were.
    pub written: usize,
    pub search: search::IndexStats,
    /// Seconds spent building and writing the search index.
    pub search_seconds: f64,
    pub diagnostics: Vec<Diagnostic>,
    pub seconds: f64,
    /// Each stage, in order, for `--verbose`.
    pub stages: Vec<Stage>,
    /// Dumps whose posts' bodies were let go once read ([`BuildOptions::low_memory`]).
    pub reread: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// The line `build` and `serve` print after a build into `output`.
    pub fn summary(&self, output: &Path) -> String {
        format!(
            "built {} ({}) from {} into {}: {} ({}) in {:.2} s",
            term::count(self.threads, "thread"),
            term::count(self.posts, "post"),
            term::count(self.files, "file"),
            term::clean(&output.display().to_string()),
            term::count(self.pages, "page"),
            match self.written {
                0 => "nothing changed".to_owned(),
                n => format!("{} written", term::count(n, "file")),
            },
            self.seconds
        )
    }
}

/// Why a build wrote nothing.
#[derive(Debug)]
pub struct BuildError {
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildError {
    fn new(message: impl Into<String>) -> BuildError {
        BuildError { message: message.into(), diagnostics: Vec::new() }
    }
}

impl From<Diagnostic> for BuildError {
    fn from(d: Diagnostic) -> BuildError {
        BuildError { message: "the configuration could not be read".into(), diagnostics: vec![d] }
    }
}

/// A dump found under the input folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Relative to the input folder, with `/` separators.
    pub relative: String,
    pub topic: String,
    /// The file's size in bytes when it was found.
    pub size: u64,
}

/// Every dump under `input`, in a stable order, and warnings for what was skipped. The
/// topic of a dump is the first folder under `input` it sits in; deeper folders only
/// organise files (by year, say). Hidden files and folders are skipped; symbolic links are
/// not followed, and are reported.
pub fn discover(input: &Path, default_topic: &str) -> Result<(Vec<Found>, Vec<Diagnostic>), BuildError> {
    if !input.is_dir() {
        return Err(BuildError::new(format!(
            "the input folder {} does not exist; create it with one folder per topic, or name another with --input",
            input.display()
        )));
    }
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    let walker = WalkDir::new(input)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| BuildError::new(format!("cannot read {}: {e}", input.display())))?;
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
        if !entry.file_type().is_file() {
            continue;
        }
        let topic = match relative.split_once('/') {
            Some((folder, _)) => folder.to_owned(),
            None => default_topic.to_owned(),
        };
        let size = entry.metadata().map_or(0, |m| m.len());
        found.push(Found { path: entry.path().to_owned(), relative, topic, size });
    }
    Ok((found, warnings))
}

/// Reads and parses every dump, in parallel.
pub fn load_all(found: &[Found], format: Option<Format>) -> Vec<Loaded> {
    load_all_hashed(found, format, &FxHashMap::default(), None, &Progress::hidden())
        .into_iter()
        .map(|(loaded, _)| loaded)
        .collect()
}

/// [`load_all`], with a hash of each dump's bytes (of the error, for one that cannot be
/// read); `known` holds what detection found in dumps of the last build, by their hashes.
/// With `release`, the bodies of a dump's thread are let go ([`pages::release_bodies`],
/// with `release` for `show_emails`) where the dump holds one thread.
fn load_all_hashed(
    found: &[Found],
    format: Option<Format>,
    known: &FxHashMap<Hash, Detection>,
    release: Option<bool>,
    progress: &Progress,
) -> Vec<(Loaded, Hash)> {
    progress.stage("reading dumps", found.len());
    found
        .par_iter()
        .inspect(|_| progress.inc(1))
        .map(|f| match read_dump(&f.path) {
            Ok(bytes) => {
                let hash = cache::hash(&bytes);
                let dump = Dump { path: &f.relative, topic: &f.topic, bytes: &bytes, format };
                let mut loaded = load::load_detected(&dump, known.get(&hash));
                if let (Some(show_emails), [thread]) = (release, loaded.threads.as_mut_slice()) {
                    pages::release_bodies(thread, show_emails);
                }
                (loaded, hash)
            }
            Err(e) => {
                let message = format!("cannot read: {e}");
                let hash = cache::hash(message.as_bytes());
                let diagnostics = vec![Diagnostic::error(f.path.display().to_string(), None, message)];
                (Loaded { threads: Vec::new(), detection: None, diagnostics }, hash)
            }
        })
        .collect()
}

/// A hash of every dump's place and bytes, as [`load_all_hashed`] hashes them.
fn hash_inputs(found: &[Found]) -> Hash {
    let hashes: Vec<Hash> = found
        .par_iter()
        .map(|f| match read_dump(&f.path) {
            Ok(bytes) => cache::hash(&bytes),
            Err(e) => cache::hash(format!("cannot read: {e}").as_bytes()),
        })
        .collect();
    inputs_hash(found, &hashes)
}

fn inputs_hash(found: &[Found], hashes: &[Hash]) -> Hash {
    let mut hasher = cache::Hasher::new();
    for (f, &h) in found.iter().zip(hashes) {
        hasher.str(&f.relative).str(&f.topic).hash(h);
    }
    hasher.finish()
}

fn read_dump(path: &Path) -> io::Result<Vec<u8>> {
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

/// What makes the same dumps give other files: the binary (its code, templates and
/// stylesheet), the configuration and the options. `None` when the binary cannot be
/// identified; then nothing of the last build is trusted but the files' own hashes.
fn build_hash(config: &Config, options: &BuildOptions) -> Option<Hash> {
    let binary = cache::binary_hash()?;
    let mut hasher = cache::Hasher::new();
    hasher.hash(binary).str(&format!("{config:?}")).str(&format!("{:?}", options.format));
    // Diagnostics name dumps by their path under the input folder as it was given.
    hasher.bytes(options.input.as_os_str().as_encoded_bytes());
    Some(hasher.finish())
}

pub fn build(options: &BuildOptions) -> Result<Report, BuildError> {
    let progress = Progress::new(options.progress);
    let report = build_with(options, &progress);
    progress.finish();
    report
}

fn build_with(options: &BuildOptions, progress: &Progress) -> Result<Report, BuildError> {
    let start = Instant::now();
    let mut stages = Stages::new();
    let config = Config::load(&options.config, options.config_required)?;
    let (found, mut diagnostics) = discover(&options.input, &config.default_topic)?;
    let _lock = lock(&options.output)?;
    recover(&options.output)?;
    let build = build_hash(&config, options);
    // The last build's cache, if the output folder is an archive threadarc wrote.
    let previous = if options.output.join(MARKER).is_file() { Cache::read(&options.output) } else { None };
    stages.done("discover");

    if let Some(cache) = previous.as_ref().filter(|c| build == Some(c.build))
        && hash_inputs(&found) == cache.inputs
        && cache.intact(&options.output, &[CACHE_FILE])
    {
        // The same binary, settings and dumps: a cold build would write what is there.
        stages.done("check");
        diagnostics.extend(cache.diagnostics.iter().cloned());
        check_errors(&diagnostics, options)?;
        let [files, threads, posts, pages] = cache.counts;
        return Ok(Report {
            files,
            threads,
            posts,
            pages,
            written: 0,
            diagnostics,
            seconds: start.elapsed().as_secs_f64(),
            stages: stages.list,
            ..Report::default()
        });
    }

    // Detection is a function of a dump's bytes and the binary: what the last build of
    // this binary found in the same bytes is what it would find again.
    let no_detections = FxHashMap::default();
    let known = match &previous {
        Some(cache) if build == Some(cache.build) => &cache.detections,
        _ => &no_detections,
    };
    let low_memory = options.low_memory || found.iter().map(|f| f.size).sum::<u64>() > HOLD_BODIES_BYTES;
    let release = low_memory.then_some(config.show_emails);
    let loaded = load_all_hashed(&found, options.format, known, release, progress);
    stages.done("load");
    let hashes: Vec<Hash> = loaded.iter().map(|(_, h)| *h).collect();
    let mut load_diagnostics = Vec::new();
    let mut threads = Vec::new();
    let mut detections = FxHashMap::default();
    let mut reread = Reread { dumps: FxHashMap::default(), format: options.format, show_emails: config.show_emails };
    for ((l, hash), f) in loaded.into_iter().zip(&found) {
        load_diagnostics.extend(l.diagnostics);
        if let (Some(detection), [thread]) = (&l.detection, l.threads.as_slice())
            && thread.released
        {
            reread.dumps.insert(&f.relative, (f, hash, detection.clone()));
        }
        threads.extend(l.threads);
        if let Some(detection) = l.detection {
            detections.insert(hash, detection);
        }
    }
    // Name the dumps' own paths as the user sees them.
    let by_relative: FxHashMap<&str, &Found> = found.iter().map(|f| (f.relative.as_str(), f)).collect();
    for d in &mut load_diagnostics {
        if let Some(f) = by_relative.get(d.path.as_str()) {
            d.path = f.path.display().to_string();
        }
    }
    diagnostics.extend(load_diagnostics.iter().cloned());
    check_errors(&diagnostics, options)?;

    let mut site = Site::new(config, threads);
    stages.done("site");
    check_output(&options.output, options.force)?;
    let staging = sibling(&options.output, "staging")?;
    let kept = sibling(&options.output, "previous")?;
    // A staging folder is left only by a build that was killed: it is not trusted.
    remove_ours(&staging)?;
    // The archive before the one in place, kept by the last build, becomes the staging
    // folder, so that only what changed since it is written or linked again.
    if kept.join(MARKER).is_file() {
        fs::rename(&kept, &staging).map_err(|e| io_error(&kept, e))?;
    } else {
        remove_ours(&kept)?;
    }
    let dump_hashes: FxHashMap<&str, Hash> =
        found.iter().zip(&hashes).map(|(f, &h)| (f.relative.as_str(), h)).collect();
    let plan = Plan {
        build,
        dumps: &dump_hashes,
        previous: previous.as_ref().map(|c| (options.output.as_path(), c)),
        search_store: sibling(&options.output, "search")?,
        reread: &reread,
        progress,
    };
    let mut search_seconds = 0.0;
    let reread_bodies = |entry: &Entry| plan.reread.bodies(entry);
    let written = (|| {
        let out = Output::new(&staging, &plan)?;
        let store = SearchStore::new(&site, &plan);
        let search = if store.as_ref().is_some_and(|s| s.holds_nearly_all()) {
            // The index needs the bodies of only the few threads not in the store: it is
            // made while the pages are written.
            let started = Instant::now();
            let (pages, search) = rayon::join(
                || write_site(&site, &out),
                || {
                    let search =
                        write_search_index(&site, search::Bodies::held(Some(&reread_bodies)), store, &out, false);
                    search_seconds = started.elapsed().as_secs_f64();
                    search
                },
            );
            pages?;
            stages.done("pages and search");
            search?
        } else {
            write_site(&site, &out)?;
            stages.done("pages");
            // The lists of posts are written: the opening words kept for them can go.
            for entry in &mut site.threads {
                entry.thread.excerpts = Vec::new();
            }
            let started = Instant::now();
            progress.stage("search index", site.threads.len());
            // The pages are written: the index is the last to read the posts' bodies, and
            // frees them as it goes, which bounds a cold build's memory.
            let bodies = search::Bodies::take(&mut site, Some(&reread_bodies));
            let search = write_search_index(&site, bodies, store, &out, true)?;
            search_seconds = started.elapsed().as_secs_f64();
            stages.done("search");
            search
        };
        let counts = [found.len(), site.threads.len(), site.post_count(), out.page_count()];
        out.finish(&staging, build, inputs_hash(&found, &hashes), counts, load_diagnostics, detections)
            .map(|(pages, written)| (pages, written, search))
    })();
    let (pages, written, search) = written.map_err(|e| {
        let _ = remove_tree(&staging);
        BuildError::new(format!("cannot write the archive: {e}"))
    })?;
    replace(&staging, &kept, &options.output, options.force)?;
    stages.done("replace");

    Ok(Report {
        files: found.len(),
        threads: site.threads.len(),
        posts: site.post_count(),
        pages,
        written,
        search,
        search_seconds,
        diagnostics,
        seconds: start.elapsed().as_secs_f64(),
        stages: stages.list,
        reread: plan.reread.dumps.len(),
    })
}

/// Refuses to publish an archive without the dumps that could not be read, unless told to.
fn check_errors(diagnostics: &[Diagnostic], options: &BuildOptions) -> Result<(), BuildError> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 && !options.keep_going {
        return Err(BuildError {
            message: format!(
                "{errors} dump{} could not be read; the archive in {} was left as it was (fix them, or pass --keep-going to build without them)",
                if errors == 1 { "" } else { "s" },
                options.output.display()
            ),
            diagnostics: diagnostics.to_vec(),
        });
    }
    Ok(())
}

/// How long each stage of a build took, and the process's peak memory after it.
struct Stages {
    list: Vec<Stage>,
    since: Instant,
}

/// One stage of a build, for `--verbose`.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub seconds: f64,
    /// The process's peak resident memory so far, in bytes, where the system tells it.
    pub peak_memory: Option<u64>,
}

impl Stages {
    fn new() -> Stages {
        Stages { list: Vec::new(), since: Instant::now() }
    }

    fn done(&mut self, name: &'static str) {
        let now = Instant::now();
        self.list.push(Stage { name, seconds: (now - self.since).as_secs_f64(), peak_memory: peak_memory() });
        self.since = now;
    }
}

/// The peak resident memory of this process (Linux's `VmHWM`).
fn peak_memory() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// What a build may reuse of the last one.
struct Plan<'a> {
    /// The build's [`build_hash`].
    build: Option<Hash>,
    /// Each dump's hash, by its path under the input folder.
    dumps: &'a FxHashMap<&'a str, Hash>,
    /// The archive being replaced, and its cache.
    previous: Option<(&'a Path, &'a Cache)>,
    /// Where the search index keeps its threads between builds ([`search::store`]).
    search_store: PathBuf,
    /// Where the bodies the build let go are read again from.
    reread: &'a Reread<'a>,
    progress: &'a Progress,
}

/// Writes the whole archive into `out` but the search index.
fn write_site(site: &Site, out: &Output) -> io::Result<()> {
    write_static(out)?;
    write_front_page(site, out)?;
    let fingerprints = thread_fingerprints(site, out.plan);
    write_topic_pages(site, out, &fingerprints)?;
    write_threads(site, out, &fingerprints)?;
    write_author_pages(site, out, &fingerprints)?;
    write_tag_and_month_pages(site, out, &fingerprints)?;
    write_manifest(site, out)?;
    write_feeds(site, out)?;
    write_crawler_files(site, out)
}

/// The folder an archive is written into, what was written so far, and what the archive
/// it replaces holds.
///
/// Every file goes through [`Output::file`]: a file whose bytes equal the old archive's
/// file at the same path becomes a hard link to it (keeping its modification time);
/// any other is written new. A thread whose files depend on nothing that changed is not
/// rendered at all ([`Output::reuse`]).
struct Output<'a> {
    root: PathBuf,
    plan: &'a Plan<'a>,
    /// HTML pages, by path (for the sitemap).
    pages: Mutex<Vec<String>>,
    /// Every file written or linked.
    files: Mutex<FxHashMap<String, FileRecord>>,
    /// Each thread's fingerprint and files.
    threads: Mutex<FxHashMap<String, (Hash, Vec<String>)>>,
    /// Folders made so far.
    folders: Mutex<FxHashSet<PathBuf>>,
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
    fn new(root: &Path, plan: &'a Plan<'a>) -> io::Result<Output<'a>> {
        let fresh = !root.exists();
        if !fresh {
            // Nothing trusts it: it is written anew.
            remove_file_if_exists(&root.join(CACHE_FILE))?;
        }
        fs::create_dir_all(root)?;
        let out = Output {
            root: root.to_owned(),
            plan,
            pages: Default::default(),
            files: Default::default(),
            threads: Default::default(),
            folders: Default::default(),
            fresh,
            written: AtomicUsize::new(0),
        };
        out.file(MARKER, b"This folder is an archive written by threadarc; `threadarc build` replaces it whole.\n")?;
        Ok(out)
    }

    /// Where `relative` goes, its folder made.
    fn path(&self, relative: &str) -> io::Result<PathBuf> {
        let path = self.root.join(safe_relative(relative)?);
        if let Some(parent) = path.parent()
            && !self.folders.lock().expect("no writer panicked").contains(parent)
        {
            fs::create_dir_all(parent)?;
            self.folders.lock().expect("no writer panicked").insert(parent.to_owned());
        }
        Ok(path)
    }

    /// Links the old archive's file at `relative` into the new one if it is still as
    /// recorded and `wanted` accepts its record; returns whether it did.
    fn link(&self, relative: &str, path: &Path, wanted: impl Fn(&FileRecord) -> bool) -> bool {
        use std::os::unix::fs::MetadataExt;
        let Some((old_root, cache)) = self.plan.previous else { return false };
        let Some(record) = cache.files.get(relative).filter(|r| wanted(r)) else { return false };
        let old = old_root.join(relative);
        let Ok(metadata) = fs::symlink_metadata(&old) else { return false };
        if !cache.unchanged(record, &metadata) {
            return false;
        }
        // The folder may hold that very file already (kept from the archive before).
        let here = fs::symlink_metadata(path).ok();
        let same = here.as_ref().is_some_and(|m| m.ino() == metadata.ino() && m.dev() == metadata.dev());
        if !same && (here.is_some() && fs::remove_file(path).is_err() || fs::hard_link(&old, path).is_err()) {
            return false;
        }
        self.files.lock().expect("no writer panicked").insert(relative.to_owned(), *record);
        true
    }

    /// Puts `bytes` at `relative`: a link to the old file if it holds the same bytes,
    /// else a new file.
    fn file(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(relative)?;
        let hash = cache::hash(bytes);
        if self.link(relative, &path, |r| r.hash == hash && r.size == bytes.len() as u64) {
            return Ok(());
        }
        new_file(&path, self.fresh)?.write_all(bytes)?;
        let record = FileRecord { hash, size: bytes.len() as u64 };
        self.files.lock().expect("no writer panicked").insert(relative.to_owned(), record);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Links the old archive's file at `relative`, whatever it holds; false if there is
    /// none or it was changed since.
    fn reuse(&self, relative: &str) -> io::Result<bool> {
        let path = self.path(relative)?;
        Ok(self.link(relative, &path, |_| true))
    }

    fn page(&self, relative: &str, page: &impl Template) -> io::Result<()> {
        let mut html = Vec::with_capacity(64 * 1024);
        Template::write_into(page, &mut html)?;
        self.file(relative, &html)?;
        self.counted_page(relative);
        Ok(())
    }

    fn counted_page(&self, relative: &str) {
        self.pages.lock().expect("no writer panicked").push(relative.to_owned());
    }

    fn page_count(&self) -> usize {
        self.pages.lock().expect("no writer panicked").len()
    }

    /// The last build's record of a thread, if its fingerprint was the same.
    fn previous_thread(&self, key: &str, fingerprint: Hash) -> Option<&'a [String]> {
        let (_, cache) = self.plan.previous?;
        let (old, files) = cache.threads.get(key)?;
        (*old == fingerprint && self.plan.build == Some(cache.build)).then_some(files.as_slice())
    }

    fn thread_done(&self, key: &str, fingerprint: Hash, files: Vec<String>) {
        self.threads.lock().expect("no writer panicked").insert(key.to_owned(), (fingerprint, files));
    }

    /// Writes the cache beside the files; returns the number of pages and of files
    /// written new.
    fn finish(
        self,
        root: &Path,
        build: Option<Hash>,
        inputs: Hash,
        counts: [usize; 4],
        diagnostics: Vec<Diagnostic>,
        detections: FxHashMap<Hash, Detection>,
    ) -> io::Result<(usize, usize)> {
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
        cache.write(root)?;
        Ok((pages, written))
    }
}

fn write_static(out: &Output) -> io::Result<()> {
    out.file("static/style.css", STYLE_CSS.as_bytes())?;
    out.file("static/thread.js", THREAD_JS.as_bytes())?;
    out.file("static/search.js", SEARCH_JS.as_bytes())
}

/// The search index's store of threads ([`search::store`]): the last build's, if there is
/// one, and what the threads' terms depend on.
struct SearchStore {
    build: Hash,
    previous: Option<search::store::Store>,
    /// Each thread's fingerprint, by its index in the site.
    fingerprints: Vec<Hash>,
}

impl SearchStore {
    /// None when the binary cannot be identified: then nothing is kept.
    fn new(site: &Site, plan: &Plan) -> Option<SearchStore> {
        let build = plan.build?;
        let fingerprints = site
            .threads
            .par_iter()
            .map(|entry| {
                let dump = plan.dumps.get(entry.thread.path.as_str()).copied().unwrap_or_default();
                let mut hasher = cache::Hasher::new();
                hasher.str("search").hash(build).hash(dump).str(&entry.key).str(&site.topics[entry.topic].slug);
                hasher.finish()
            })
            .collect();
        let previous = search::store::Store::open(&plan.search_store, build);
        Some(SearchStore { build, previous, fingerprints })
    }

    /// Whether the last build's store holds all but a few of the threads.
    fn holds_nearly_all(&self) -> bool {
        let Some(previous) = &self.previous else { return false };
        let held = self.fingerprints.iter().filter(|&&f| previous.holds(f)).count();
        held * 10 >= self.fingerprints.len() * 9
    }
}

/// Writes the search index under `search/`, and beside the archive the store of its
/// threads that the next build reads instead of tokenising those that did not change.
fn write_search_index(
    site: &Site,
    bodies: search::Bodies,
    store: Option<SearchStore>,
    out: &Output,
    progress: bool,
) -> io::Result<search::IndexStats> {
    let sink = |relative: &str, bytes: &[u8]| out.file(relative, bytes);
    let progress = || {
        if progress {
            out.plan.progress.inc(1);
        }
    };
    let Some(store) = store else {
        return search::write_index(site, bodies, None, &sink, &progress);
    };
    let path = &out.plan.search_store;
    let mut new = path.clone().into_os_string();
    new.push("-new");
    let new = PathBuf::from(new);
    let next = search::store::Writer::create(&new, store.build)?;
    let SearchStore { mut previous, fingerprints, .. } = store;
    let keep = search::Keep { previous: previous.as_mut(), fingerprints: &fingerprints, next };
    // A store half written is of no use to the next build.
    let stats = search::write_index(site, bodies, Some(keep), &sink, &progress).inspect_err(|_| {
        let _ = fs::remove_file(&new);
    })?;
    fs::rename(&new, path)?;
    Ok(stats)
}

fn write_front_page(site: &Site, out: &Output) -> io::Result<()> {
    out.page("index.html", &pages::index_page(site))?;
    out.page("404.html", &pages::not_found_page(site))
}

fn write_topic_pages(site: &Site, out: &Output, threads: &[Option<Hash>]) -> io::Result<()> {
    (0..site.topics.len()).into_par_iter().try_for_each(|t| {
        let topic = &site.topics[t];
        for page in pages::topic_pages(site, t) {
            write_listed(out, page, &topic.title, &[topic.threads.len(), topic.post_count], threads)?;
        }
        Ok(())
    })
}

/// Writes a page of a list of threads, or links it from the last archive when all it
/// shows is as it was: its place in the list (path, number, the number of pages), the
/// list's `heading` and `counts`, and its threads' rows, which each thread's fingerprint
/// covers. Its key can be neither a thread's (a dump's path) nor an author's.
fn write_listed<P: Template>(
    out: &Output,
    page: pages::Listed<'_, impl FnOnce() -> P>,
    heading: &str,
    counts: &[usize],
    threads: &[Option<Hash>],
) -> io::Result<()> {
    let fingerprint = out.plan.build.and_then(|build| {
        let mut hasher = cache::Hasher::new();
        hasher.hash(build).str(&page.path).str(heading).number(page.number as u64).number(page.pages as u64);
        for &count in counts {
            hasher.number(count as u64);
        }
        for &t in page.threads {
            hasher.hash(threads[t]?);
        }
        Some(hasher.finish())
    });
    let key = format!("\0list:{}", page.path);
    let files = [page.path];
    if reused(out, &key, fingerprint, &files, 1)? {
        return Ok(());
    }
    out.page(&files[0], &(page.make)())?;
    if let Some(fingerprint) = fingerprint {
        out.thread_done(&key, fingerprint, files.to_vec());
    }
    Ok(())
}

/// What a thread's files show beyond its own dump: its place, its neighbours' titles and
/// addresses, its authors' and tags' pages. Equal fingerprints, equal files.
fn thread_fingerprint(site: &Site, entry: &Entry, build: Hash, dump: Hash) -> Hash {
    let mut hasher = cache::Hasher::new();
    let topic = &site.topics[entry.topic];
    hasher.hash(build).hash(dump).str(&entry.key).str(&entry.slug).str(&topic.slug).str(&topic.title);
    let (newer, older) = site.neighbours(entry);
    for neighbour in [newer, older] {
        match neighbour {
            Some(i) => hasher.str(&site.threads[i].thread.title).str(&site.thread_path(&site.threads[i])),
            None => hasher.str("\0"),
        };
    }
    for post in &entry.thread.posts {
        let author = post.author.as_deref().and_then(|a| site.author(a));
        hasher.str(author.map_or("\0", |a| site.authors[a].slug.as_str()));
    }
    for tag in &entry.thread.tags {
        hasher.str(site.tags.iter().find(|t| &t.name == tag).map_or("\0", |t| t.slug.as_str()));
    }
    hasher.finish()
}

/// Each thread's [`thread_fingerprint`], by its index in the site; none when the binary
/// cannot be identified (then nothing is reused).
fn thread_fingerprints(site: &Site, plan: &Plan) -> Vec<Option<Hash>> {
    site.threads
        .par_iter()
        .map(|entry| {
            let dump = plan.dumps.get(entry.thread.path.as_str()).copied().unwrap_or_default();
            plan.build.map(|build| thread_fingerprint(site, entry, build, dump))
        })
        .collect()
}

/// What an author's pages show: the author, and each of their posts, which is all in its
/// thread's fingerprint. The key cannot be a thread's, which is a dump's path.
fn author_fingerprint(site: &Site, author: usize, threads: &[Option<Hash>], build: Hash) -> Option<(String, Hash)> {
    let a = &site.authors[author];
    let mut hasher = cache::Hasher::new();
    hasher.hash(build).str(&a.name).str(&a.slug);
    for &(t, p) in &a.posts {
        hasher.hash(threads[t]?).number(p as u64);
    }
    Some((format!("\0author:{}", a.slug), hasher.finish()))
}

/// Links every one of a group's `files` from the old archive when the group's fingerprint
/// is the one it had last time, and records it for the next build; false if they must be
/// written (the caller then calls [`Output::thread_done`] once they are). `pages` is how
/// many of the files are pages.
fn reused(out: &Output, key: &str, fingerprint: Option<Hash>, files: &[String], pages: usize) -> io::Result<bool> {
    let Some(fingerprint) = fingerprint else { return Ok(false) };
    if out.previous_thread(key, fingerprint) == Some(files) && reuse_all(out, files)? {
        files[..pages].iter().for_each(|p| out.counted_page(p));
        out.thread_done(key, fingerprint, files.to_vec());
        return Ok(true);
    }
    Ok(false)
}

/// Every thread's pages, its records as JSON (`TOPIC/THREAD.json`) and, with a
/// `base_url`, its Atom feed (`TOPIC/THREAD.xml`).
fn write_threads(site: &Site, out: &Output, fingerprints: &[Option<Hash>]) -> io::Result<()> {
    let feeds = publish::Feeds::new(site);
    out.plan.progress.stage("writing threads", site.threads.len());
    site.threads.par_iter().zip(fingerprints).try_for_each(|(entry, &fingerprint)| {
        out.plan.progress.inc(1);
        let full;
        let renderer = pages::ThreadRenderer::new(site, entry);
        let base = format!("{}/{}", site.topics[entry.topic].slug, entry.slug);
        let pages: Vec<String> = renderer.pages().into_iter().map(|p| site.thread_page_path(entry, p)).collect();
        let mut files = pages.clone();
        files.push(format!("{base}.json"));
        if feeds.is_some() {
            files.push(format!("{base}.xml"));
        }
        if reused(out, &entry.key, fingerprint, &files, pages.len())? {
            return Ok(());
        }
        let (entry, renderer) = if entry.thread.released {
            full = out.plan.reread.entry(entry)?;
            (&full, pages::ThreadRenderer::new(site, &full))
        } else {
            (entry, renderer)
        };
        for (page, path) in renderer.pages().into_iter().zip(&pages) {
            out.page(path, &renderer.page(page))?;
        }
        out.file(&files[pages.len()], &publish::thread_record(site, entry))?;
        if let Some(feeds) = &feeds {
            out.file(&files[pages.len() + 1], feeds.thread(&renderer).as_bytes())?;
        }
        if let Some(fingerprint) = fingerprint {
            out.thread_done(&entry.key, fingerprint, files);
        }
        Ok(())
    })
}

/// The dumps whose threads' bodies a build let go ([`BuildOptions::low_memory`]), by their
/// paths under the input folder, to read the bodies again from: each with its hash, which
/// the file must still have, and what detection found in it.
struct Reread<'a> {
    dumps: FxHashMap<&'a str, (&'a Found, Hash, Detection)>,
    format: Option<Format>,
    show_emails: bool,
}

impl Reread<'_> {
    /// The thread of `entry` as its dump gives it, with every post's body.
    fn thread(&self, entry: &Entry) -> io::Result<Thread> {
        let path = &entry.thread.path;
        let &(found, hash, ref detection) =
            self.dumps.get(path.as_str()).ok_or_else(|| io::Error::other(format!("{path}: posts not at hand")))?;
        let changed = || {
            let path = found.path.display();
            io::Error::other(format!("{path} changed while the archive was being built; build again"))
        };
        let bytes = read_dump(&found.path)
            .map_err(|e| io::Error::other(format!("cannot read {} again: {e}; build again", found.path.display())))?;
        if cache::hash(&bytes) != hash {
            return Err(changed());
        }
        let dump = Dump { path: &found.relative, topic: &found.topic, bytes: &bytes, format: self.format };
        let loaded = load::load_detected(&dump, Some(detection));
        let Ok([mut thread]) = <[Thread; 1]>::try_from(loaded.threads) else { return Err(changed()) };
        if thread.posts.len() != entry.thread.posts.len() {
            return Err(changed());
        }
        if !self.show_emails {
            crate::redact::hide_emails(&mut thread);
        }
        Ok(thread)
    }

    /// The bodies of `entry`'s posts.
    fn bodies(&self, entry: &Entry) -> io::Result<Vec<String>> {
        Ok(self.thread(entry)?.posts.into_iter().map(|p| p.body).collect())
    }

    /// `entry` with its posts' bodies back.
    fn entry(&self, entry: &Entry) -> io::Result<Entry> {
        let mut full = entry.clone();
        for (post, body) in full.thread.posts.iter_mut().zip(self.bodies(entry)?) {
            post.body = body;
        }
        full.thread.excerpts = Vec::new();
        full.thread.released = false;
        Ok(full)
    }
}

/// Links every one of `files` from the old archive; false if one cannot be (then none
/// is left linked).
fn reuse_all(out: &Output, files: &[String]) -> io::Result<bool> {
    for (i, file) in files.iter().enumerate() {
        if !out.reuse(file)? {
            for linked in &files[..i] {
                fs::remove_file(out.root.join(linked))?;
            }
            return Ok(false);
        }
    }
    Ok(true)
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

/// The authors' pages; like a thread's, an author's pages are linked from the last
/// archive without rendering when none of their posts' threads changed.
fn write_author_pages(site: &Site, out: &Output, threads: &[Option<Hash>]) -> io::Result<()> {
    out.page("authors/index.html", &pages::authors_page(site))?;
    out.plan.progress.stage("writing authors", site.authors.len());
    (0..site.authors.len()).into_par_iter().try_for_each(|a| {
        out.plan.progress.inc(1);
        let base = format!("authors/{}", site.authors[a].slug);
        let files: Vec<String> = (1..=pages::author_page_count(site, a)).map(|n| paged_path(&base, n)).collect();
        let fingerprint = out.plan.build.and_then(|build| author_fingerprint(site, a, threads, build));
        if let Some((key, fingerprint)) = &fingerprint
            && reused(out, key, Some(*fingerprint), &files, files.len())?
        {
            return Ok(());
        }
        for (page, path) in pages::author_pages(site, a).zip(&files) {
            out.page(path, &page)?;
        }
        if let Some((key, fingerprint)) = fingerprint {
            out.thread_done(&key, fingerprint, files);
        }
        Ok(())
    })
}

fn write_tag_and_month_pages(site: &Site, out: &Output, threads: &[Option<Hash>]) -> io::Result<()> {
    out.page("tags/index.html", &pages::tags_page(site))?;
    site.tags.par_iter().enumerate().try_for_each(|(t, tag)| {
        pages::tag_pages(site, t).try_for_each(|page| write_listed(out, page, &tag.name, &[], threads))
    })?;
    out.page("months/index.html", &pages::months_page(site))?;
    site.months.par_iter().enumerate().try_for_each(|(m, month)| {
        pages::month_pages(site, m).try_for_each(|page| write_listed(out, page, &month.key, &[], threads))
    })
}

/// A manifest of the archive as JSON beside the HTML (each thread's records are written
/// with its pages).
fn write_manifest(site: &Site, out: &Output) -> io::Result<()> {
    out.file("manifest.json", &publish::manifest(site))
}

/// The archive's and the topics' Atom feeds, for an archive with a `base_url` (feeds need
/// absolute addresses); each thread's feed is written with its pages.
fn write_feeds(site: &Site, out: &Output) -> io::Result<()> {
    let Some(feeds) = publish::Feeds::new(site) else { return Ok(()) };
    out.file("feed.xml", feeds.archive().as_bytes())?;
    for (t, topic) in site.topics.iter().enumerate() {
        out.file(&format!("{}/feed.xml", topic.slug), feeds.topic(t).as_bytes())?;
    }
    Ok(())
}

fn write_crawler_files(site: &Site, out: &Output) -> io::Result<()> {
    out.file("robots.txt", publish::robots(site).as_bytes())?;
    if site.config.base_url.is_some() {
        let mut pages = out.pages.lock().expect("no writer panicked").clone();
        pages.sort();
        out.file("sitemap.xml", publish::sitemap(site, &pages).as_bytes())?;
    }
    Ok(())
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

/// `parent/.NAME.threadarc-WHAT`: a hidden folder beside the output, on the same file
/// system so that renaming it is atomic.
fn sibling(output: &Path, what: &str) -> Result<PathBuf, BuildError> {
    let name = output
        .file_name()
        .ok_or_else(|| BuildError::new(format!("{} is not a folder name threadarc can write", output.display())))?;
    Ok(output.with_file_name(format!(".{}.threadarc-{what}", name.to_string_lossy())))
}

fn io_error(path: &Path, e: io::Error) -> BuildError {
    BuildError::new(format!("{}: {e}", path.display()))
}

/// Removes from `root` every file that is not in `files`, and the folders left empty.
fn remove_others(root: &Path, files: &FxHashMap<String, FileRecord>) -> io::Result<()> {
    let mut folders = Vec::new();
    for entry in WalkDir::new(root).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            folders.push(entry.into_path());
            continue;
        }
        let relative = entry.path().strip_prefix(root).map_err(io::Error::other)?;
        if !relative.to_str().is_some_and(|r| files.contains_key(r)) {
            fs::remove_file(entry.path())?;
        }
    }
    // Deepest first; a folder that still holds something stays.
    for folder in folders.iter().rev() {
        if fs::read_dir(folder)?.next().is_none() {
            fs::remove_dir(folder)?;
        }
    }
    Ok(())
}

/// Removes a folder and everything in it (a symbolic link in it is removed, not followed),
/// the entries of each folder in parallel: the archive a build replaces is tens of
/// thousands of files.
fn remove_tree(path: &Path) -> io::Result<()> {
    let entries: Vec<fs::DirEntry> = fs::read_dir(path)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() { remove_tree(&entry.path()) } else { fs::remove_file(entry.path()) }
    })?;
    fs::remove_dir(path)
}

fn remove_dir_if_exists(path: &Path) -> io::Result<()> {
    match remove_tree(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn remove_file_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Refuses to replace a folder that threadarc did not write, unless forced.
fn check_output(output: &Path, force: bool) -> Result<(), BuildError> {
    if force || !output.exists() || output.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = fs::read_dir(output).map_err(|e| io_error(output, e))?.next().is_none();
    if empty {
        return Ok(());
    }
    Err(BuildError::new(format!(
        "{} exists and was not written by threadarc; name another folder with --output, or pass --force to replace it",
        output.display()
    )))
}

/// Takes the build lock of an output folder, so that two builds cannot write it at once.
/// The lock is the operating system's and goes with the process, even a killed one.
fn lock(output: &Path) -> Result<fs::File, BuildError> {
    let path = sibling(output, "lock")?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    let file =
        fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| io_error(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(BuildError::new(format!(
            "another threadarc build is writing {}; wait for it to finish",
            output.display()
        ))),
        Err(fs::TryLockError::Error(e)) => Err(io_error(&path, e)),
    }
}

/// Removes a folder threadarc left beside the output (a build killed midway), but only if
/// it is one of ours: empty, or marked.
fn remove_ours(path: &Path) -> Result<(), BuildError> {
    if !path.exists() {
        return Ok(());
    }
    let empty = fs::read_dir(path).map_err(|e| io_error(path, e))?.next().is_none();
    if !empty && !path.join(MARKER).is_file() {
        return Err(BuildError::new(format!(
            "{} is in the way and was not written by threadarc; move it elsewhere",
            path.display()
        )));
    }
    remove_tree(path).map_err(|e| io_error(path, e))
}

/// Puts back an archive that a build killed between its two renames left aside (only
/// where the file system cannot swap folders atomically).
fn recover(output: &Path) -> Result<(), BuildError> {
    let old = sibling(output, "old")?;
    if !output.exists() && old.join(MARKER).is_file() {
        fs::rename(&old, output).map_err(|e| io_error(output, e))?;
    }
    remove_ours(&old)
}

/// Moves the finished archive into place. Where the system can (Linux), the two folders
/// are swapped in one atomic step, so that at every instant the output is either the whole
/// old archive or the whole new one; elsewhere the old one is moved aside first. The old
/// archive, if threadarc wrote it, is kept as `kept` for the next build to start from; it
/// is mostly links to the files of the new one. `force` allows the replaced folder to be
/// one threadarc did not write (it is removed).
fn replace(staging: &Path, kept: &Path, output: &Path, force: bool) -> Result<(), BuildError> {
    #[cfg(target_os = "linux")]
    if output.exists() {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, output, RenameFlags::EXCHANGE).is_ok() {
            // The staging folder now holds the previous archive.
            return keep_or_remove(staging, kept, force);
        }
    }
    let old = sibling(output, "old")?;
    remove_dir_if_exists(&old).map_err(|e| io_error(&old, e))?;
    let had_old = output.exists();
    if had_old {
        fs::rename(output, &old).map_err(|e| io_error(output, e))?;
    }
    if let Err(e) = fs::rename(staging, output) {
        if had_old {
            let _ = fs::rename(&old, output);
        }
        return Err(io_error(output, e));
    }
    if had_old {
        keep_or_remove(&old, kept, force)?;
    }
    Ok(())
}

/// Keeps a replaced archive as `kept` if threadarc wrote it, else removes it (only with
/// `force` can it be another's).
fn keep_or_remove(old: &Path, kept: &Path, force: bool) -> Result<(), BuildError> {
    if old.join(MARKER).is_file() {
        return fs::rename(old, kept).map_err(|e| io_error(kept, e));
    }
    if force { remove_tree(old).map_err(|e| io_error(old, e)) } else { remove_ours(old) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_read_again_only_from_the_bytes_that_were_read_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "Title\n\nfirst\n\nsecond\n").unwrap();
        let found = Found { path: path.clone(), relative: "t/a.txt".into(), topic: "t".into(), size: 0 };
        let bytes = fs::read(&path).unwrap();
        let loaded = load::load(&Dump { path: "t/a.txt", topic: "t", bytes: &bytes, format: None });
        let mut thread = loaded.threads.into_iter().next().unwrap();
        pages::release_bodies(&mut thread, false);
        assert_eq!(thread.posts[1].body, "");
        assert_eq!(&*thread.excerpts[1], "second");
        let site = Site::new(Config::default(), vec![thread]);
        let detection = loaded.detection.unwrap();
        let reread = Reread {
            dumps: [("t/a.txt", (&found, cache::hash(&bytes), detection))].into_iter().collect(),
            format: None,
            show_emails: false,
        };
        assert_eq!(reread.bodies(&site.threads[0]).unwrap(), ["first", "second"]);
        fs::write(&path, "Title\n\nfirst\n\nedited\n").unwrap();
        let e = reread.bodies(&site.threads[0]).unwrap_err();
        assert_eq!(e.to_string(), format!("{} changed while the archive was being built; build again", path.display()));
        fs::remove_file(&path).unwrap();
        let e = reread.bodies(&site.threads[0]).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("cannot read {} again: ", path.display())) && e.ends_with("; build again"),
            "{e}"
        );
    }
}
