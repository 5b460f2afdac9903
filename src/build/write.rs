//! Writing a new archive into its staging folder: the pages, then the search index; or both
//! at once, when the index's store holds nearly every thread and the index needs the
//! bodies of only the few that changed.
//!
//! The order is what bounds a cold build's memory: pages first, then the index, which is
//! the last to read the posts' bodies and frees each thread's as it tokenises it.

use std::io;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::attach::{self, Located};
use super::index::{SearchStore, write_search_index};
use super::output::Output;
use super::pages::write_site;
use super::plan::Plan;
use super::report::Stages;
use super::source::{Location, read_location};
use crate::model::{Stored, StoredFile};
use crate::search;
use crate::site::{Entry, Site};

/// What writing the archive came to: the files so far (for [`Output::finish`]) and the
/// search index.
pub(super) struct Written<'a> {
    pub out: Output<'a>,
    pub search: search::IndexStats,
    /// Seconds spent building and writing the search index.
    pub search_seconds: f64,
}

/// Writes the whole archive into `staging` as `plan` says, but for its cache.
pub(super) fn write_archive<'a>(
    site: &mut Site,
    staging: &Path,
    plan: &'a Plan<'a>,
    attached: &Located,
    stages: &mut Stages,
) -> io::Result<Written<'a>> {
    let reread_bodies = |entry: &Entry| plan.reread.bodies(entry);
    let out = Output::new(staging, plan)?;
    // The pages show where each attachment is stored: it is copied first.
    copy_attachments(site, attached, &out)?;
    stages.done("attachments");
    let store = SearchStore::new(site, plan);
    let (search, search_seconds) = if store.as_ref().is_some_and(|s| s.holds_nearly_all()) {
        // The index needs the bodies of only the few threads not in the store: it is made
        // while the pages are written.
        let started = Instant::now();
        let held = search::Bodies::held(Some(&reread_bodies));
        let (pages, search) = rayon::join(
            || write_site(site, &out),
            || write_search_index(site, held, store, &out, false).map(|s| (s, started.elapsed())),
        );
        pages?;
        stages.done("pages and search");
        search?
    } else {
        write_site(site, &out)?;
        stages.done("pages");
        // The lists of posts are written: the opening words kept for them can go.
        for entry in &mut site.threads {
            entry.thread.excerpts = Vec::new();
        }
        let started = Instant::now();
        plan.progress.stage("search index", site.threads.len());
        // The pages are written: the index is the last to read the posts' bodies, and
        // frees them as it goes, which bounds a cold build's memory.
        let bodies = search::Bodies::take(site, Some(&reread_bodies));
        let search = write_search_index(site, bodies, store, &out, true)?;
        let seconds = started.elapsed();
        stages.done("search");
        (search, seconds)
    };
    Ok(Written { out, search, search_seconds: search_seconds.as_secs_f64() })
}

/// Copies every attached file that was found into the archive, once per content, and
/// records in each attachment where it is stored.
fn copy_attachments(site: &mut Site, located: &Located, out: &Output) -> io::Result<usize> {
    let max = site.config.max_attachment_bytes();
    // Each file read once, however many posts attach it.
    let mut wanted: Vec<&(Location, u64)> = located.files.values().collect();
    wanted.sort_by(|a, b| format!("{:?}", a.0).cmp(&format!("{:?}", b.0)));
    wanted.dedup_by(|a, b| a.0 == b.0);
    let stored: Mutex<FxHashMap<Location, StoredFile>> = Mutex::default();
    let written: Mutex<FxHashSet<String>> = Mutex::default();
    wanted.par_iter().try_for_each(|(location, _)| -> io::Result<()> {
        let bytes = match read_location(location, max) {
            Ok(bytes) => bytes,
            // Gone or changed since it was found: shown as not in the export.
            Err(_) => return Ok(()),
        };
        let file = attach::store(&bytes, location);
        if written.lock().expect("no copier panicked").insert(file.path.clone()) {
            out.file(&file.path, &bytes)?;
        }
        stored.lock().expect("no copier panicked").insert(location.clone(), file);
        Ok(())
    })?;
    let stored = stored.into_inner().expect("no copier panicked");
    for entry in &mut site.threads {
        let path = entry.thread.path.clone();
        for post in &mut entry.thread.posts {
            let Some(extra) = post.extra.get_mut() else { continue };
            for attachment in extra.attachments.iter_mut().filter(|a| a.stored.is_unknown()) {
                let key = (path.clone(), attachment.source.clone().unwrap_or_default());
                attachment.stored = match located.files.get(&key).and_then(|(l, _)| stored.get(l)) {
                    Some(file) => Stored::Copied(file.clone()),
                    None => Stored::Missing,
                };
            }
        }
    }
    Ok(written.into_inner().expect("no copier panicked").len())
}
