//! What a rebuild can keep of the last build: which of its files are still right, and which
//! threads need not be rendered again.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use rustc_hash::FxHashMap;

use super::discover::Found;
use super::folder::MARKER;
use super::read::{Reread, hash_inputs};
use crate::cache::{self, Cache, Hash};
use crate::config::Config;
use crate::model::{Format, Stored};
use crate::parse::Detection;
use crate::site::{Entry, Site};
use crate::term::Progress;
use crate::theme::Theme;

/// What makes the same dumps give other files: the binary (its code, templates,
/// stylesheet and words), the configuration, the theme and the options. `None` when the
/// binary cannot be identified; then nothing of the last build is trusted but the files'
/// own hashes.
pub(super) fn build_hash(config: &Config, theme: &Theme, format: Option<Format>, input: &Path) -> Option<Hash> {
    let binary = cache::binary_hash()?;
    let mut hasher = cache::Hasher::new();
    hasher.hash(binary).str(&format!("{config:?}")).str(&format!("{format:?}"));
    for part in theme.fingerprint_parts() {
        hasher.number(part.len() as u64).bytes(part);
    }
    // Diagnostics name dumps by their path under the input folder as it was given.
    hasher.bytes(input.as_os_str().as_encoded_bytes());
    Some(hasher.finish())
}

/// The last build, as far as this one can trust it: its cache, if the output folder is an
/// archive threadarc wrote, held against this build's [`build_hash`].
pub(super) struct LastBuild {
    pub cache: Option<Cache>,
    /// This build's hash.
    pub build: Option<Hash>,
}

impl LastBuild {
    pub fn read(output: &Path, cache: &Path, build: Option<Hash>) -> LastBuild {
        let cache = if output.join(MARKER).is_file() { Cache::read(cache) } else { None };
        LastBuild { cache, build }
    }

    /// The last build's cache when it was made by the same binary with the same settings.
    fn same_build(&self) -> Option<&Cache> {
        self.cache.as_ref().filter(|c| self.build == Some(c.build))
    }

    /// The last build's cache when the archive in `output` is what this build would write:
    /// the same binary, settings and dumps, and files nobody touched since.
    pub fn unchanged(&self, found: &[Found], output: &Path) -> Option<&Cache> {
        self.same_build().filter(|c| hash_inputs(found) == c.inputs && c.intact(output))
    }

    /// What detection found in dumps of the last build, by their hashes. Detection is a
    /// function of a dump's bytes and the binary: what the last build of this binary found
    /// in the same bytes is what it would find again.
    pub fn detections(&self) -> Option<&FxHashMap<Hash, Detection>> {
        self.same_build().map(|c| &c.detections)
    }
}

/// What a build may reuse of the last one.
pub(super) struct Plan<'a> {
    /// The build's [`build_hash`].
    pub build: Option<Hash>,
    /// Each dump's hash, by its path under the input folder.
    pub dumps: FxHashMap<&'a str, Hash>,
    /// The archive being replaced, and its cache.
    pub previous: Option<(&'a Path, &'a Cache)>,
    /// Where the search index keeps its threads between builds ([`crate::search::store`]).
    pub search_store: PathBuf,
    /// Where the bodies the build let go are read again from.
    pub reread: &'a Reread<'a>,
    pub progress: &'a Progress,
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
        hasher.str(&author.map_or_else(|| "\0".to_owned(), |a| site.author_href(a)));
        // Where each attachment is stored: a file beside the dump may change on its own.
        for attachment in &post.extra.attachments {
            match &attachment.stored {
                Stored::Copied(file) => hasher.str(&file.path),
                other => hasher.str(&format!("{other:?}")),
            };
        }
    }
    for tag in &entry.thread.tags {
        hasher.str(site.tags.iter().find(|t| &t.name == tag).map_or("\0", |t| t.slug.as_str()));
    }
    hasher.finish()
}

/// Each thread's [`thread_fingerprint`], by its index in the site; none when the binary
/// cannot be identified (then nothing is reused).
pub(super) fn thread_fingerprints(site: &Site, plan: &Plan) -> Vec<Option<Hash>> {
    site.threads
        .par_iter()
        .map(|entry| {
            let dump = plan.dumps.get(entry.thread.path.as_str()).copied().unwrap_or_default();
            plan.build.map(|build| thread_fingerprint(site, entry, build, dump))
        })
        .collect()
}

/// What a records file holds: its threads' records, which their fingerprints cover, in
/// order; none when a thread has none.
pub(super) fn records_fingerprint(
    build: Hash,
    path: &str,
    threads: &[usize],
    fingerprints: &[Option<Hash>],
) -> Option<Hash> {
    let mut hasher = cache::Hasher::new();
    hasher.hash(build).str(path);
    for &t in threads {
        hasher.hash(fingerprints[t]?);
    }
    Some(hasher.finish())
}

/// What an author's pages show: the author, and each of their posts, which is all in its
/// thread's fingerprint. The key cannot be a thread's, which is a dump's path.
pub(super) fn author_fingerprint(
    site: &Site,
    author: usize,
    threads: &[Option<Hash>],
    build: Hash,
) -> Option<(String, Hash)> {
    let a = &site.authors[author];
    let mut hasher = cache::Hasher::new();
    hasher.hash(build).str(&a.name).str(&a.slug);
    for &(t, p) in &a.posts {
        hasher.hash(threads[t]?).number(p as u64);
    }
    Some((format!("\0author:{}", a.slug), hasher.finish()))
}

/// What a page shared by authors with few posts shows: each of them, as on their own page.
pub(super) fn author_group_fingerprint(
    site: &Site,
    group: usize,
    threads: &[Option<Hash>],
    build: Hash,
) -> Option<(String, Hash)> {
    let group = &site.author_groups[group];
    let mut hasher = cache::Hasher::new();
    for &a in &group.authors {
        hasher.hash(author_fingerprint(site, a, threads, build)?.1);
    }
    Some((format!("\0authors:{}", group.path), hasher.finish()))
}

/// What a page of a list of threads shows: its place in the list (path, number, the number
/// of pages), the list's `heading` and `counts`, and its threads' rows, which each thread's
/// fingerprint covers; none when a thread has none.
pub(super) fn list_fingerprint(
    build: Hash,
    path: &str,
    heading: &str,
    [number, pages]: [usize; 2],
    counts: &[usize],
    listed: &[usize],
    threads: &[Option<Hash>],
) -> Option<Hash> {
    let mut hasher = cache::Hasher::new();
    hasher.hash(build).str(path).str(heading).number(number as u64).number(pages as u64);
    for &count in counts {
        hasher.number(count as u64);
    }
    for &t in listed {
        hasher.hash(threads[t]?);
    }
    Some(hasher.finish())
}
