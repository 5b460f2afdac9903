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

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use askama::Template;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::load::{self, Dump, Loaded};
use crate::parse::Format;
use crate::render::{pages, publish};
use crate::search;
use crate::site::{Site, paged_path};

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
}

#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub threads: usize,
    pub posts: usize,
    pub pages: usize,
    pub search: search::IndexStats,
    /// Seconds spent building and writing the search index.
    pub search_seconds: f64,
    pub diagnostics: Vec<Diagnostic>,
    pub seconds: f64,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
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
        found.push(Found { path: entry.path().to_owned(), relative, topic });
    }
    Ok((found, warnings))
}

/// Reads and parses every dump, in parallel.
pub fn load_all(found: &[Found], format: Option<Format>) -> Vec<Loaded> {
    found
        .par_iter()
        .map(|f| match read_dump(&f.path) {
            Ok(bytes) => load::load(&Dump { path: &f.relative, topic: &f.topic, bytes: &bytes, format }),
            Err(e) => Loaded {
                threads: Vec::new(),
                detection: None,
                diagnostics: vec![Diagnostic::error(f.path.display().to_string(), None, format!("cannot read: {e}"))],
            },
        })
        .collect()
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

pub fn build(options: &BuildOptions) -> Result<Report, BuildError> {
    let start = Instant::now();
    let config = Config::load(&options.config, options.config_required)?;
    let (found, mut diagnostics) = discover(&options.input, &config.default_topic)?;
    let loaded = load_all(&found, options.format);
    let mut threads = Vec::new();
    for l in loaded {
        diagnostics.extend(l.diagnostics);
        threads.extend(l.threads);
    }
    // Name the dumps' own paths as the user sees them.
    for d in &mut diagnostics {
        if let Some(f) = found.iter().find(|f| f.relative == d.path) {
            d.path = f.path.display().to_string();
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 && !options.keep_going {
        return Err(BuildError {
            message: format!(
                "{errors} dump{} could not be read; the archive in {} was left as it was (fix them, or pass --keep-going to build without them)",
                if errors == 1 { "" } else { "s" },
                options.output.display()
            ),
            diagnostics,
        });
    }

    let site = Site::new(config, threads);
    let _lock = lock(&options.output)?;
    recover(&options.output)?;
    check_output(&options.output, options.force)?;
    let staging = sibling(&options.output, "staging")?;
    remove_ours(&staging)?;
    let written = write_site(&site, &staging).and_then(|pages| {
        let started = Instant::now();
        let index = write_search_index(&site, &staging)?;
        Ok((pages, index, started.elapsed().as_secs_f64()))
    });
    let (pages, search, search_seconds) = written.map_err(|e| {
        let _ = fs::remove_dir_all(&staging);
        BuildError::new(format!("cannot write the archive: {e}"))
    })?;
    replace(&staging, &options.output, options.force)?;

    Ok(Report {
        files: found.len(),
        threads: site.threads.len(),
        posts: site.post_count(),
        pages,
        search,
        search_seconds,
        diagnostics,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Writes the whole archive under `root`; returns how many HTML pages were written.
pub fn write_site(site: &Site, root: &Path) -> io::Result<usize> {
    let out = Output::new(root)?;
    write_static(&out)?;
    write_front_page(site, &out)?;
    write_topic_pages(site, &out)?;
    write_thread_pages(site, &out)?;
    write_author_pages(site, &out)?;
    write_tag_and_month_pages(site, &out)?;
    write_records(site, &out)?;
    write_feeds(site, &out)?;
    write_crawler_files(site, &out)?;
    Ok(out.pages.lock().expect("no writer panicked").len())
}

/// The folder an archive is written into, and the pages written so far.
struct Output {
    root: PathBuf,
    pages: std::sync::Mutex<Vec<String>>,
}

impl Output {
    fn new(root: &Path) -> io::Result<Output> {
        fs::create_dir_all(root)?;
        fs::write(
            root.join(MARKER),
            "This folder is an archive written by threadarc; `threadarc build` replaces it whole.\n",
        )?;
        Ok(Output { root: root.to_owned(), pages: Default::default() })
    }

    /// A writer for the file at `relative`, its folders made.
    fn create(&self, relative: &str) -> io::Result<io::BufWriter<fs::File>> {
        let path = self.root.join(safe_relative(relative)?);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(io::BufWriter::with_capacity(64 * 1024, fs::File::create(&path)?))
    }

    fn file(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let mut out = self.create(relative)?;
        out.write_all(bytes)?;
        out.flush()
    }

    fn page(&self, relative: &str, page: &impl Template) -> io::Result<()> {
        let mut out = self.create(relative)?;
        Template::write_into(page, &mut out)?;
        out.flush()?;
        self.pages.lock().expect("no writer panicked").push(relative.to_owned());
        Ok(())
    }
}

fn write_static(out: &Output) -> io::Result<()> {
    out.file("static/style.css", STYLE_CSS.as_bytes())?;
    out.file("static/thread.js", THREAD_JS.as_bytes())?;
    out.file("static/search.js", SEARCH_JS.as_bytes())
}

/// Writes the search index under `root/search/`.
pub fn write_search_index(site: &Site, root: &Path) -> io::Result<search::IndexStats> {
    for folder in ["search/t", "search/p", "search/d"] {
        fs::create_dir_all(root.join(folder))?;
    }
    search::write_index(site, &mut |relative, bytes| fs::write(root.join(safe_relative(relative)?), bytes))
}

fn write_front_page(site: &Site, out: &Output) -> io::Result<()> {
    out.page("index.html", &pages::index_page(site))?;
    out.page("404.html", &pages::not_found_page(site))
}

fn write_topic_pages(site: &Site, out: &Output) -> io::Result<()> {
    (0..site.topics.len()).into_par_iter().try_for_each(|t| {
        for (n, page) in pages::topic_pages(site, t).iter().enumerate() {
            out.page(&pages::topic_page_path(site, t, n + 1), page)?;
        }
        Ok(())
    })
}

fn write_thread_pages(site: &Site, out: &Output) -> io::Result<()> {
    site.threads.par_iter().try_for_each(|entry| {
        let renderer = pages::ThreadRenderer::new(site, entry);
        for page in renderer.pages() {
            out.page(&site.thread_page_path(entry, page), &renderer.page(page))?;
        }
        Ok(())
    })
}

fn write_author_pages(site: &Site, out: &Output) -> io::Result<()> {
    out.page("authors/index.html", &pages::authors_page(site))?;
    (0..site.authors.len()).into_par_iter().try_for_each(|a| {
        let base = format!("authors/{}", site.authors[a].slug);
        for (n, page) in pages::author_pages(site, a).iter().enumerate() {
            out.page(&paged_path(&base, n + 1), page)?;
        }
        Ok(())
    })
}

fn write_tag_and_month_pages(site: &Site, out: &Output) -> io::Result<()> {
    out.page("tags/index.html", &pages::tags_page(site))?;
    for (t, tag) in site.tags.iter().enumerate() {
        for (n, page) in pages::tag_pages(site, t).iter().enumerate() {
            out.page(&paged_path(&format!("tags/{}", tag.slug), n + 1), page)?;
        }
    }
    out.page("months/index.html", &pages::months_page(site))?;
    for (m, month) in site.months.iter().enumerate() {
        for (n, page) in pages::month_pages(site, m).iter().enumerate() {
            out.page(&paged_path(&format!("months/{}", month.key), n + 1), page)?;
        }
    }
    Ok(())
}

/// The records as JSON beside the HTML: one file per thread and a manifest of the archive.
fn write_records(site: &Site, out: &Output) -> io::Result<()> {
    site.threads.par_iter().try_for_each(|entry| {
        let path = format!("{}/{}.json", site.topics[entry.topic].slug, entry.slug);
        out.file(&path, &publish::thread_record(site, entry))
    })?;
    out.file("manifest.json", &publish::manifest(site))
}

/// Atom feeds, for an archive with a `base_url` (feeds need absolute addresses).
fn write_feeds(site: &Site, out: &Output) -> io::Result<()> {
    let Some(feeds) = publish::Feeds::new(site) else { return Ok(()) };
    out.file("feed.xml", feeds.archive().as_bytes())?;
    for (t, topic) in site.topics.iter().enumerate() {
        out.file(&format!("{}/feed.xml", topic.slug), feeds.topic(t).as_bytes())?;
    }
    site.threads.par_iter().try_for_each(|entry| {
        let path = format!("{}/{}.xml", site.topics[entry.topic].slug, entry.slug);
        out.file(&path, feeds.thread(entry).as_bytes())
    })
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

fn remove_dir_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_dir_all(path) {
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
    fs::remove_dir_all(path).map_err(|e| io_error(path, e))
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
/// old archive or the whole new one; elsewhere the old one is moved aside first.
/// `force` allows the replaced folder to be one threadarc did not write.
fn replace(staging: &Path, output: &Path, force: bool) -> Result<(), BuildError> {
    #[cfg(target_os = "linux")]
    if output.exists() {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, output, RenameFlags::EXCHANGE).is_ok() {
            // The staging folder now holds the previous archive.
            return if force {
                fs::remove_dir_all(staging).map_err(|e| io_error(staging, e))
            } else {
                remove_ours(staging)
            };
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
        remove_dir_if_exists(&old).map_err(|e| io_error(&old, e))?;
    }
    Ok(())
}
