//! Reading the dumps: every dump loaded (in parallel) with a hash of its bytes, and the
//! bodies a low-memory build let go read again from the same bytes where they are needed.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use jiff::tz::TimeZone;

use super::attach::{self, Located};
use super::discover::{self, Found, Kind, read_dump};
use super::source::{self, Place};
use crate::cache::{self, Hash};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::load::{self, Dump, Loaded};
use crate::model::{Format, Thread};
use crate::parse::Detection;
use crate::pool;
use crate::render::pages;
use crate::site::Entry;
use crate::takedown::Plan;
use crate::term::Progress;

/// Reads and parses every dump, in parallel, as a build with `config` would, and finds the
/// files their posts attach: what each found file gave (nothing, for a file that is no
/// dump), and what finding the attachments had to say.
/// `config_path` names the configuration in what its settings' problems say.
pub fn load_all(
    found: &[Found],
    format: Option<Format>,
    config: &Config,
    config_path: &Path,
) -> (Vec<Loaded>, Vec<Diagnostic>) {
    let zone = config.zone();
    let read = read_each(found, format, None, None, zone.as_ref(), &Progress::hidden());
    let mut places = FxHashMap::default();
    let mut loaded = Vec::with_capacity(read.len());
    for (read, f) in read.into_iter().zip(found) {
        if let Some(place) = read.place {
            places.insert(f.relative.clone(), place);
        }
        loaded.push(read.loaded);
    }
    let threads: Vec<Thread> = loaded.iter_mut().flat_map(|l| std::mem::take(&mut l.threads)).collect();
    let mut threads = pool::pool(threads);
    let mut diagnostics = Vec::new();
    if let Some(plan) = Plan::new(config, &threads) {
        threads.iter_mut().for_each(|t| plan.apply(t));
        diagnostics.extend(plan.unmatched(&config_path.display().to_string()));
    }
    let (_, located) = attach::locate(&mut threads, &places, found, config.max_attachment_bytes());
    diagnostics.extend(located);
    // Each thread back with the dump it was read from (a thread joined from several, with
    // its first post's).
    let at: FxHashMap<&str, usize> = found.iter().enumerate().map(|(i, f)| (f.relative.as_str(), i)).collect();
    for thread in threads {
        if let Some(&i) = at.get(thread.path.as_str()) {
            loaded[i].threads.push(thread);
        }
    }
    (loaded, diagnostics)
}

/// One dump named on the command line (a file, a zip, an export folder), read as a build
/// reads it, its topic the folder it is in; the files its posts attach are looked for.
pub fn load_path(path: &Path, format: Option<Format>) -> Loaded {
    let name = path.display().to_string();
    let topic = path
        .parent()
        .and_then(|p| p.file_name())
        .map_or_else(|| "general".to_owned(), |n| n.to_string_lossy().into_owned());
    let found = [discover::found_at(path, &name, &topic)];
    let (mut loaded, attached) = load_all(&found, format, &Config::default(), Path::new("archive.toml"));
    let mut loaded = loaded.pop().unwrap_or_default();
    if !found[0].is_dump() {
        let Kind::Other(what) = found[0].kind else { unreachable!("a file that is no dump is Other") };
        loaded.diagnostics.push(Diagnostic::error(&name, None, format!("not a dump ({what})")));
    } else {
        loaded.diagnostics.extend(attached);
    }
    loaded
}

/// Every dump read, and what the build needs to know of each besides its threads.
pub(super) struct Dumps<'f> {
    pub threads: Vec<Thread>,
    /// Each dump's hash, in the order the dumps were found.
    pub hashes: Vec<Hash>,
    /// A hash of every found file's place and what [`input_hash`] takes of it.
    pub inputs: Hash,
    /// What detection found in each dump, by the hash of its bytes.
    pub detections: FxHashMap<Hash, Detection>,
    /// What reading the dumps reported, each naming its dump as the user did.
    pub diagnostics: Vec<Diagnostic>,
    /// Where the bodies let go are read again from.
    pub reread: Reread<'f>,
    /// The files the posts attach, found.
    pub attached: Located,
    /// For the files whose threads were joined with other files' ([`pool`]), a hash of
    /// every file of the join, by path: what such a thread's pages depend on.
    pub joined: FxHashMap<String, Hash>,
}

/// Reads and parses every dump, in parallel, and finds the files its posts attach; `known`
/// holds what detection found in the dumps of the last build, by their hashes. A
/// `low_memory` build lets go of the bodies of a dump's thread once it is read
/// ([`pages::release_bodies`]) where the dump holds one thread, and reads them again where
/// they are needed ([`Reread`]).
pub(super) fn read_all<'f>(
    found: &'f [Found],
    format: Option<Format>,
    known: Option<&FxHashMap<Hash, Detection>>,
    low_memory: bool,
    config: &Config,
    config_path: &Path,
    progress: &Progress,
) -> Dumps<'f> {
    // What is taken down is taken out before the bodies are let go, so that nothing kept
    // of them (the opening words lists show) holds it: then they are let go after.
    let takes_down = !config.redact.is_empty() || config.pseudonyms;
    let release = (low_memory && !takes_down).then_some(config.show_emails);
    let zone = config.zone();
    let read = read_each(found, format, known, release, zone.as_ref(), progress);
    let hashes: Vec<Hash> = read.iter().map(|r| r.hash).collect();
    let mut dumps = Dumps {
        threads: Vec::new(),
        inputs: inputs_hash(found, &read.iter().map(|r| r.input).collect::<Vec<_>>()),
        hashes,
        detections: FxHashMap::default(),
        diagnostics: Vec::new(),
        reread: Reread { dumps: FxHashMap::default(), format, show_emails: config.show_emails, zone, plan: None },
        attached: Located::default(),
        joined: FxHashMap::default(),
    };
    let mut places = FxHashMap::default();
    // The dumps of one thread, whose bodies a low-memory build lets go once taken down.
    let mut single: FxHashMap<&str, (&Found, Hash, Detection)> = FxHashMap::default();
    // What each topic's joined threads are read from: their hashes, in order.
    let mut pooled: BTreeMap<&str, Vec<(&str, Hash)>> = BTreeMap::new();
    for (read, f) in read.into_iter().zip(found) {
        let (l, hash) = (read.loaded, read.hash);
        if l.threads.iter().any(|t| t.pool.is_some()) {
            pooled.entry(f.topic.as_str()).or_default().push((f.relative.as_str(), hash));
        }
        dumps.diagnostics.extend(l.diagnostics);
        if let (Some(detection), [thread]) = (&l.detection, l.threads.as_slice()) {
            if thread.released {
                dumps.reread.dumps.insert(&f.relative, (f, hash, detection.clone()));
            } else if low_memory && takes_down && thread.pool.is_none() {
                single.insert(&f.relative, (f, hash, detection.clone()));
            }
        }
        dumps.threads.extend(l.threads);
        if let Some(detection) = l.detection {
            dumps.detections.insert(hash, detection);
        }
        if let Some(place) = read.place {
            places.insert(f.relative.clone(), place);
        }
    }
    // Name the dumps' own paths as the user sees them.
    let by_relative: FxHashMap<&str, &Found> = found.iter().map(|f| (f.relative.as_str(), f)).collect();
    for d in &mut dumps.diagnostics {
        if let Some(f) = by_relative.get(d.path.as_str()) {
            d.path = f.path.display().to_string();
        }
    }
    dumps.threads = pool::pool(std::mem::take(&mut dumps.threads));
    // A thread joined from several files shows them all: each of them stands for all.
    for files in pooled.values() {
        let mut hasher = cache::Hasher::new();
        for &(path, hash) in files {
            hasher.str(path).hash(hash);
        }
        let joined = hasher.finish();
        dumps.joined.extend(files.iter().map(|&(path, _)| (path.to_owned(), joined)));
    }
    if let Some(plan) = Plan::new(config, &dumps.threads) {
        dumps.threads.par_iter_mut().for_each(|t| plan.apply(t));
        for d in &mut dumps.diagnostics {
            plan.scrub(&mut d.message);
        }
        dumps.diagnostics.extend(plan.unmatched(&config_path.display().to_string()));
        for thread in dumps.threads.iter_mut().filter(|t| t.removed.is_none()) {
            if let Some(dump) = single.remove(thread.path.as_str()) {
                pages::release_bodies(thread, config.show_emails);
                dumps.reread.dumps.insert(dump.0.relative.as_str(), dump);
            }
        }
        dumps.reread.plan = Some(Arc::new(plan));
    }
    let (attached, said) = attach::locate(&mut dumps.threads, &places, found, config.max_attachment_bytes());
    dumps.attached = attached;
    dumps.diagnostics.extend(said);
    dumps
}

impl Dumps<'_> {
    /// Each dump's hash, by its path under the input folder.
    pub fn hashes_by_path<'a>(&self, found: &'a [Found]) -> FxHashMap<&'a str, Hash> {
        let hash = |f: &Found, h: Hash| self.joined.get(&f.relative).copied().unwrap_or(h);
        found.iter().zip(&self.hashes).map(|(f, &h)| (f.relative.as_str(), hash(f, h))).collect()
    }
}

/// One found file, read.
struct ReadDump {
    loaded: Loaded,
    /// A hash of what it holds (of the error, for one that cannot be read).
    hash: Hash,
    /// What [`input_hash`] takes of it.
    input: Hash,
    /// Where its posts' attachments are; none for a file that is no dump.
    place: Option<Place>,
}

/// Reads every found file, in parallel: `known` holds what detection found in dumps of the
/// last build, by their hashes. With `release`, the bodies of a dump's thread are let go
/// ([`pages::release_bodies`], with `release` for `show_emails`) where the dump holds one
/// thread.
fn read_each(
    found: &[Found],
    format: Option<Format>,
    known: Option<&FxHashMap<Hash, Detection>>,
    release: Option<bool>,
    zone: Option<&TimeZone>,
    progress: &Progress,
) -> Vec<ReadDump> {
    let bytes: u64 = found.iter().filter(|f| f.is_dump()).map(|f| f.size).sum();
    progress.stage_bytes("reading dumps", bytes);
    found
        .par_iter()
        .map(|f| {
            if !f.is_dump() {
                let input = input_hash(f, None);
                return ReadDump { loaded: Loaded::default(), hash: input, input, place: None };
            }
            match source::read(f) {
                Ok(mut source) => {
                    let hash = source.hash;
                    let dump = Dump { format, timezone: zone, ..Dump::text(&f.relative, &f.topic, b"") };
                    let mut told = 0;
                    let mut loaded = match &mut source.content {
                        source::Content::Stream(lines) => {
                            // A dump read as it streams tells how far it is.
                            let mut tell = |bytes: u64| {
                                progress.inc(bytes.saturating_sub(told) as usize);
                                told = told.max(bytes);
                            };
                            load::load_reader(&dump, lines.as_mut(), &mut tell)
                        }
                        content => {
                            let dump =
                                Dump { content: content.held().expect("a dump that does not stream is held"), ..dump };
                            load::load_detected(&dump, known.and_then(|k| k.get(&hash)))
                        }
                    };
                    progress.inc(f.size.saturating_sub(told) as usize);
                    let shown = f.path.display().to_string();
                    loaded.diagnostics.extend(source.warnings.iter().map(|w| Diagnostic::warning(&shown, None, w)));
                    if let (Some(show_emails), [thread]) = (release, loaded.threads.as_mut_slice())
                        && thread.pool.is_none()
                    {
                        pages::release_bodies(thread, show_emails);
                    }
                    ReadDump { loaded, hash, input: input_hash(f, Some(hash)), place: Some(source.place) }
                }
                Err(e) => {
                    progress.inc(f.size as usize);
                    let message = format!("cannot read: {e}");
                    let hash = cache::hash(message.as_bytes());
                    let diagnostics = vec![Diagnostic::error(f.path.display().to_string(), None, message)];
                    let loaded = Loaded { threads: Vec::new(), detection: None, diagnostics };
                    ReadDump { loaded, hash, input: input_hash(f, Some(hash)), place: None }
                }
            }
        })
        .collect()
}

/// What tells whether a found file changed, for a build that would write nothing new: a
/// text dump's hash (it is read anyway, and cheap to read), else its size and modification
/// time (a zip of photos, a photo: reading them all only to find nothing changed would
/// cost more than the build it saves).
fn input_hash(found: &Found, text_hash: Option<Hash>) -> Hash {
    if let (Kind::Text, Some(hash)) = (found.kind, text_hash) {
        return hash;
    }
    let mut hasher = cache::Hasher::new();
    match std::fs::symlink_metadata(&found.path) {
        Ok(metadata) if found.kind != Kind::Folder => {
            let modified = metadata.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            hasher.number(metadata.len()).number(modified.map_or(0, |d| d.as_nanos() as u64));
        }
        // An export folder's files are its JSON, read (an unchanged folder's time says nothing).
        Ok(_) => {
            if let Some(hash) = text_hash.or_else(|| source::read(found).ok().map(|s| s.hash)) {
                hasher.hash(hash);
            }
        }
        Err(e) => {
            hasher.str(&e.to_string());
        }
    }
    hasher.finish()
}

/// A hash of every found file's place and what [`input_hash`] takes of it, read anew.
pub(super) fn hash_inputs(found: &[Found]) -> Hash {
    let hashes: Vec<Hash> = found
        .par_iter()
        .map(|f| match f.kind {
            Kind::Text => match read_dump(&f.path) {
                Ok(bytes) => cache::hash(&bytes),
                Err(e) => cache::hash(format!("cannot read: {e}").as_bytes()),
            },
            _ => input_hash(f, None),
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
    zone: Option<TimeZone>,
    /// What the archive takes down, taken out of a thread read again as it was the first
    /// time.
    plan: Option<Arc<Plan>>,
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
        let source = source::read(found)
            .map_err(|e| io::Error::other(format!("cannot read {} again: {e}; build again", found.path.display())))?;
        if source.hash != hash {
            return Err(changed());
        }
        let dump = Dump {
            format: self.format,
            timezone: self.zone.as_ref(),
            ..Dump::text(&found.relative, &found.topic, b"")
        };
        let Some(content) = source.content.held() else { return Err(changed()) };
        let dump = Dump { content, ..dump };
        let loaded = load::load_detected(&dump, Some(detection));
        let Ok([mut thread]) = <[Thread; 1]>::try_from(loaded.threads) else { return Err(changed()) };
        if thread.posts.len() != entry.thread.posts.len() {
            return Err(changed());
        }
        if let Some(plan) = &self.plan {
            plan.apply(&mut thread);
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
        let found =
            Found { path: path.clone(), relative: "t/a.txt".into(), topic: "t".into(), size: 0, kind: Kind::Text };
        let bytes = fs::read(&path).unwrap();
        let loaded = load::load(&Dump::text("t/a.txt", "t", &bytes));
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
            zone: None,
            plan: None,
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
