//! `threadarc build`: the pipeline from a folder of dumps to a folder of HTML, a stage a
//! file.
//!
//! ```text
//! discover  the dumps under the input folder, one folder per topic
//! read      every dump, in parallel, parsed and hashed
//! plan      what the last build left that this one can keep
//! write     the pages and the search index into a staging folder, through output
//! folder    the staging folder swapped in for the old archive
//! ```
//!
//! The output folder is replaced whole or not at all: pages are written next to it and
//! only a complete archive is moved into its place, so a build that fails (a bad dump, a
//! full disk) leaves the previous archive as it was (`folder`). All file reading and
//! writing of a build happens in this module's files.
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
//! the bodies of a dump's thread are let go once it is read and read again from the dump,
//! whose bytes must not have changed, where the thread's pages or the search index need
//! them (`read`).
//!
//! Beside the output there are also the build's lock, its cache ([`crate::cache`]) and
//! the search index's store of tokenised threads ([`crate::search::store`]); nothing a
//! build keeps is inside the archive but the `.threadarc` file that marks it as one
//! threadarc wrote, and may replace.

mod attach;
mod discover;
mod folder;
mod index;
mod output;
mod pages;
mod plan;
mod read;
mod report;
mod source;
mod write;

use std::path::PathBuf;

pub use discover::{Found, Kind, MAX_DUMP_BYTES, discover, discover_except};
pub use folder::MARKER;
pub use pages::{SEARCH_JS, STYLE_CSS, THREAD_JS};
pub use read::{load_all, load_path};
pub use report::{BuildError, Report, Stage};

use crate::cache::Cache;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Format;
use crate::site::Site;
use crate::term::Progress;
use crate::theme::{self, Theme};
use plan::{LastBuild, Plan};
use report::{Stages, check_errors};

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

pub fn build(options: &BuildOptions) -> Result<Report, BuildError> {
    let progress = Progress::new(options.progress);
    let report = build_with(options, &progress);
    progress.finish();
    report
}

fn build_with(options: &BuildOptions, progress: &Progress) -> Result<Report, BuildError> {
    let mut stages = Stages::new();
    let config = Config::load(&options.config, options.config_required)?;
    let (theme, mut diagnostics) = Theme::load(&theme::folder(&options.input), &config.language, &options.config);
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Unlike a dump, a theme has no part to build without: every page shows it.
        let message =
            format!("the theme could not be read; the archive in {} was left as it was", options.output.display());
        return Err(BuildError { message, diagnostics, busy: false });
    }
    folder::check_place(&options.output, &options.input, &options.config)?;
    let (found, discovered) = discover_except(&options.input, &config.default_topic, Some(&options.config))?;
    diagnostics.extend(discovered);
    let _lock = folder::lock(&options.output)?;
    // From here on, a build that fails says what became of the archive in place.
    let kept = |e: BuildError| e.archive_kept(&options.output);
    folder::recover(&options.output).map_err(kept)?;
    let cache_path = folder::sibling(&options.output, "cache")?;
    let last = LastBuild::read(
        &options.output,
        &cache_path,
        plan::build_hash(&config, &theme, options.format, &options.input),
    );
    stages.done("discover");

    if let Some(cache) = last.unchanged(&found, &options.output) {
        // The same binary, settings and dumps: a cold build would write what is there.
        stages.done("check");
        diagnostics.extend(cache.diagnostics.iter().cloned());
        check_errors(&diagnostics, options.keep_going, &options.output)?;
        return Ok(unchanged(cache, diagnostics, stages));
    }

    let low_memory = options.low_memory || found.iter().map(|f| f.size).sum::<u64>() > HOLD_BODIES_BYTES;
    let mut dumps =
        read::read_all(&found, options.format, last.detections(), low_memory, &config, &options.config, progress);
    stages.done("load");
    diagnostics.extend(dumps.diagnostics.iter().cloned());
    check_errors(&diagnostics, options.keep_going, &options.output)?;

    let dump_count = found.iter().filter(|f| f.is_dump()).count();
    let mut site = Site::new(config, std::mem::take(&mut dumps.threads));
    site.theme = theme;
    stages.done("site");
    let (staging, previous) = folder::prepare_staging(&options.output, options.force).map_err(kept)?;
    let inputs = dumps.inputs;
    let plan = Plan {
        build: last.build,
        dumps: dumps.hashes_by_path(&found),
        previous: last.cache.as_ref().map(|c| (options.output.as_path(), c)),
        search_store: folder::sibling(&options.output, "search")?,
        reread: &dumps.reread,
        progress,
    };
    let written = write::write_archive(&mut site, &staging, &plan, &dumps.attached, &mut stages).and_then(|w| {
        let counts = [dump_count, site.threads.len(), site.post_count(), w.out.page_count()];
        let (pages, written, cache) =
            w.out.finish(&staging, plan.build, inputs, counts, dumps.diagnostics, dumps.detections)?;
        Ok((pages, written, cache, w.search, w.search_seconds))
    });
    let (pages, written, cache, search, search_seconds) = written.map_err(|e| {
        let _ = folder::remove_tree(&staging);
        kept(BuildError::new(format!("cannot write the archive: {e}")))
    })?;
    // No cache while the archive is swapped, so that none ever tells of another archive.
    folder::remove_file_if_exists(&cache_path).map_err(|e| kept(folder::io_error(&cache_path, e)))?;
    let swapped = folder::replace(&staging, &previous, &options.output, options.force).map_err(kept)?;
    if let Err(e) = swapped {
        diagnostics.push(
            Diagnostic::warning(
                previous.display().to_string(),
                None,
                format!("cannot keep the archive replaced: {}", e.message),
            )
            .with_hint("the new archive is in place; the next build writes every file again"),
        );
    }
    if let Err(e) = cache.write(&cache_path) {
        diagnostics.push(
            Diagnostic::warning(cache_path.display().to_string(), None, format!("cannot keep the build's cache: {e}"))
                .with_hint("the archive is built; the next build writes every file again"),
        );
    }
    stages.done("replace");

    Ok(Report {
        files: dump_count,
        threads: site.threads.len(),
        posts: site.post_count(),
        pages,
        written,
        search,
        search_seconds,
        diagnostics,
        seconds: stages.seconds(),
        stages: stages.list,
        reread: plan.reread.dumps.len(),
    })
}

/// The report of a build that found the archive in place as it would write it.
fn unchanged(cache: &Cache, diagnostics: Vec<Diagnostic>, stages: Stages) -> Report {
    let [files, threads, posts, pages] = cache.counts;
    Report {
        files,
        threads,
        posts,
        pages,
        written: 0,
        diagnostics,
        seconds: stages.seconds(),
        stages: stages.list,
        ..Report::default()
    }
}
