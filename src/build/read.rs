//! Reading the dumps: every dump loaded (in parallel) with a hash of its bytes, and the
//! bodies a low-memory build let go read again from the same bytes where they are needed.

use std::io;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::discover::{Found, read_dump};
use crate::cache::{self, Hash};
use crate::diagnostic::Diagnostic;
use crate::load::{self, Dump, Loaded};
use crate::model::{Format, Thread};
use crate::parse::Detection;
use crate::render::pages;
use crate::site::Entry;
use crate::term::Progress;

/// Reads and parses every dump, in parallel.
pub fn load_all(found: &[Found], format: Option<Format>) -> Vec<Loaded> {
    load_all_hashed(found, format, None, None, &Progress::hidden()).into_iter().map(|(loaded, _)| loaded).collect()
}

/// Every dump read, and what the build needs to know of each besides its threads.
pub(super) struct Dumps<'f> {
    pub threads: Vec<Thread>,
    /// Each dump's hash, in the order the dumps were found.
    pub hashes: Vec<Hash>,
    /// What detection found in each dump, by the hash of its bytes.
    pub detections: FxHashMap<Hash, Detection>,
    /// What reading the dumps reported, each naming its dump as the user did.
    pub diagnostics: Vec<Diagnostic>,
    /// Where the bodies let go are read again from.
    pub reread: Reread<'f>,
}

/// Reads and parses every dump, in parallel; `known` holds what detection found in the
/// dumps of the last build, by their hashes. A `low_memory` build lets go of the bodies of
/// a dump's thread once it is read ([`pages::release_bodies`]) where the dump holds one
/// thread, and reads them again where they are needed ([`Reread`]).
pub(super) fn read_all<'f>(
    found: &'f [Found],
    format: Option<Format>,
    known: Option<&FxHashMap<Hash, Detection>>,
    low_memory: bool,
    show_emails: bool,
    progress: &Progress,
) -> Dumps<'f> {
    let release = low_memory.then_some(show_emails);
    let loaded = load_all_hashed(found, format, known, release, progress);
    let mut dumps = Dumps {
        threads: Vec::new(),
        hashes: loaded.iter().map(|(_, h)| *h).collect(),
        detections: FxHashMap::default(),
        diagnostics: Vec::new(),
        reread: Reread { dumps: FxHashMap::default(), format, show_emails },
    };
    for ((l, hash), f) in loaded.into_iter().zip(found) {
        dumps.diagnostics.extend(l.diagnostics);
        if let (Some(detection), [thread]) = (&l.detection, l.threads.as_slice())
            && thread.released
        {
            dumps.reread.dumps.insert(&f.relative, (f, hash, detection.clone()));
        }
        dumps.threads.extend(l.threads);
        if let Some(detection) = l.detection {
            dumps.detections.insert(hash, detection);
        }
    }
    // Name the dumps' own paths as the user sees them.
    let by_relative: FxHashMap<&str, &Found> = found.iter().map(|f| (f.relative.as_str(), f)).collect();
    for d in &mut dumps.diagnostics {
        if let Some(f) = by_relative.get(d.path.as_str()) {
            d.path = f.path.display().to_string();
        }
    }
    dumps
}

impl Dumps<'_> {
    /// A hash of every dump's place and bytes: equal hashes, equal dumps.
    pub fn inputs_hash(&self, found: &[Found]) -> Hash {
        inputs_hash(found, &self.hashes)
    }

    /// Each dump's hash, by its path under the input folder.
    pub fn hashes_by_path<'a>(&self, found: &'a [Found]) -> FxHashMap<&'a str, Hash> {
        found.iter().zip(&self.hashes).map(|(f, &h)| (f.relative.as_str(), h)).collect()
    }
}

/// [`load_all`], with a hash of each dump's bytes (of the error, for one that cannot be
/// read); `known` holds what detection found in dumps of the last build, by their hashes.
/// With `release`, the bodies of a dump's thread are let go ([`pages::release_bodies`],
/// with `release` for `show_emails`) where the dump holds one thread.
fn load_all_hashed(
    found: &[Found],
    format: Option<Format>,
    known: Option<&FxHashMap<Hash, Detection>>,
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
                let mut loaded = load::load_detected(&dump, known.and_then(|k| k.get(&hash)));
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

/// A hash of every dump's place and bytes, as [`Dumps::inputs_hash`] makes it, read anew.
pub(super) fn hash_inputs(found: &[Found]) -> Hash {
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

/// The dumps whose threads' bodies a build let go ([`BuildOptions::low_memory`]), by their
/// paths under the input folder, to read the bodies again from: each with its hash, which
/// the file must still have, and what detection found in it.
pub(super) struct Reread<'a> {
    pub dumps: FxHashMap<&'a str, (&'a Found, Hash, Detection)>,
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
    pub fn bodies(&self, entry: &Entry) -> io::Result<Vec<String>> {
        Ok(self.thread(entry)?.posts.into_iter().map(|p| p.body).collect())
    }

    /// `entry` with its posts' bodies back.
    pub fn entry(&self, entry: &Entry) -> io::Result<Entry> {
        let mut full = entry.clone();
        for (post, body) in full.thread.posts.iter_mut().zip(self.bodies(entry)?) {
            post.body = body;
        }
        full.thread.excerpts = Vec::new();
        full.thread.released = false;
        Ok(full)
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::config::Config;
    use crate::site::Site;

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
