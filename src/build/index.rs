//! Writing the search index, and beside the archive the store of tokenised threads the
//! next build reads instead of tokenising again those that did not change.

use std::fs;
use std::io;
use std::path::PathBuf;

use rayon::prelude::*;

use super::output::Output;
use super::plan::Plan;
use crate::cache::{self, Hash};
use crate::search;
use crate::site::Site;

/// The search index's store of threads ([`search::store`]): the last build's, if there is
/// one, and what the threads' terms depend on.
pub(super) struct SearchStore {
    build: Hash,
    previous: Option<search::store::Store>,
    /// Each thread's fingerprint, by its index in the site.
    fingerprints: Vec<Hash>,
}

impl SearchStore {
    /// None when the binary cannot be identified: then nothing is kept.
    pub fn new(site: &Site, plan: &Plan) -> Option<SearchStore> {
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
    pub fn holds_nearly_all(&self) -> bool {
        let Some(previous) = &self.previous else { return false };
        let held = self.fingerprints.iter().filter(|&&f| previous.holds(f)).count();
        held * 10 >= self.fingerprints.len() * 9
    }
}

/// Writes the search index under `search/`, and beside the archive the store of its
/// threads that the next build reads instead of tokenising those that did not change.
pub(super) fn write_search_index(
    site: &Site,
    bodies: search::Bodies,
    store: Option<SearchStore>,
    out: &Output,
    progress: bool,
) -> io::Result<search::IndexStats> {
    let sink = OutputSink(out);
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

/// The search index's files go into the archive through [`Output`], which keeps a
/// compressed file from the old archive when it was made of the same source.
struct OutputSink<'o, 'a>(&'o Output<'a>);

impl search::Sink for OutputSink<'_, '_> {
    fn file(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.0.file(path, bytes)
    }

    fn made_from(&self, path: &str, source: &[u8], make: &dyn Fn() -> Vec<u8>) -> io::Result<u64> {
        self.0.file_made_from(path, source, make)
    }
}
