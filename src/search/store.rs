//! What the search index keeps between builds: each thread as tokenising made it, so that
//! a rebuild tokenises only the threads that changed.
//!
//! Tokenising every post is most of what the index costs, and a thread's terms depend on
//! nothing but the thread, its topic's slug, the binary and the configuration: those make
//! a thread's fingerprint, and a thread whose fingerprint is in the store is read from it
//! instead. The store is a file beside the archive (`.NAME.threadarc-search`), not in it,
//! as nothing in it is for readers, and a new one is written by every build that makes
//! an index.
//!
//! A thread's terms are numbered as the index's parts number them, so that a
//! stored thread is added to the index without looking up a single term: the store holds
//! each part's terms, and a build starts its parts from them. Terms no thread holds any
//! more stay numbered (the index leaves them out) until they are half of the store's,
//! when the store is not used, and the next build writes a new one.
//!
//! It is a record file ([`codec::Records`]) of each thread's record by its fingerprint,
//! whose own section is every part's terms and how many of them some thread holds.

use std::io;
use std::path::Path;

use super::collect::{PARTS, PostTerms, ThreadTerms, Words, part_bounds, term_hash};
use crate::cache::Hash;
use crate::codec::{self, Reader, put, put_bytes};

const KIND: &[u8] = b"threadarc-search 2\n";

/// A store written by an earlier build, open for reading threads.
pub struct Store {
    records: codec::Records,
    /// Every part's terms, numbered as the stored threads number them, until the index
    /// takes them.
    pub(super) parts: Vec<Words>,
    /// How many terms each part has.
    lengths: [usize; PARTS],
}

impl Store {
    /// The store at `path`, if there is one that `build` wrote and that reads back whole.
    pub fn open(path: &Path, build: Hash) -> Option<Store> {
        let records = codec::Records::open(path, KIND, build)?;
        let mut r = Reader(&records.section);
        let live = r.number()?;
        let mut parts = Vec::with_capacity(PARTS);
        let mut total = 0u64;
        for _ in 0..PARTS {
            let mut words = Words::default();
            for _ in 0..r.number()? {
                let term = std::str::from_utf8(r.bytes()?).ok()?;
                words.push(term, term_hash(term));
            }
            total += words.len() as u64;
            parts.push(words);
        }
        // Mostly terms that no thread holds: a new store is smaller and as quick to make.
        if !r.is_empty() || live * 2 < total {
            return None;
        }
        let mut lengths = [0; PARTS];
        for (length, words) in lengths.iter_mut().zip(&parts) {
            *length = words.len();
        }
        Some(Store { records, parts, lengths })
    }

    /// Whether the store has a thread with `fingerprint` (which may still not read back).
    pub fn holds(&self, fingerprint: Hash) -> bool {
        self.records.holds(fingerprint)
    }

    /// The thread with `fingerprint`, if the store holds it whole; its record comes along,
    /// for the next store.
    pub(super) fn thread(&self, fingerprint: Hash) -> Option<ThreadTerms> {
        let record = self.records.get(fingerprint)?;
        let mut thread = decode(&record, &self.lengths)?;
        thread.record = Some(record);
        Some(thread)
    }
}

/// A store being written, a thread at a time; removed unless finished.
pub struct Writer {
    records: codec::RecordsWriter,
    record: Vec<u8>,
}

impl Writer {
    /// Starts a store at `path` for a build with hash `build`.
    pub fn create(path: &Path, build: Hash) -> io::Result<Writer> {
        Ok(Writer { records: codec::RecordsWriter::create(path, KIND, build)?, record: Vec::new() })
    }

    /// Adds a thread whose terms the index has numbered ([`ThreadTerms::ids`]).
    pub(super) fn thread(&mut self, fingerprint: Hash, thread: &ThreadTerms) -> io::Result<()> {
        let record = match &thread.record {
            Some(record) => record,
            None => {
                self.record.clear();
                encode(thread, &mut self.record);
                &self.record
            }
        };
        self.records.put(fingerprint, record)
    }

    /// Writes every part's terms, and closes the store; `live` is how many of the terms
    /// some thread holds.
    pub(super) fn finish(self, parts: &[Words], live: usize) -> io::Result<()> {
        let mut section = Vec::new();
        put(&mut section, live as u64);
        for words in parts {
            put(&mut section, words.len() as u64);
            for i in 0..words.len() {
                put_bytes(&mut section, words.get(i).as_bytes());
            }
        }
        self.records.finish(&section)
    }
}

/// A thread's record: its terms' numbers in their parts, its title's and posts' terms,
/// and its posts' doc-shard entries.
fn encode(thread: &ThreadTerms, out: &mut Vec<u8>) {
    for p in 0..PARTS {
        put(out, u64::from(thread.starts[p + 1] - thread.starts[p]));
    }
    thread.ids.iter().for_each(|&id| put(out, u64::from(id)));
    put_terms(out, &thread.title);
    put(out, u64::from(thread.title_len));
    put(out, u64::from(thread.topic));
    put(out, thread.posts.len() as u64);
    for post in &thread.posts {
        put_terms(out, &post.terms);
        put(out, u64::from(post.len));
        put(out, post.author.map_or(0, |a| u64::from(a) + 1));
        put_bytes(out, post.entry.as_bytes());
    }
}

/// [`encode`] read back, every number checked against what it numbers (`lengths`: how
/// many terms each part has).
fn decode(record: &[u8], lengths: &[usize; PARTS]) -> Option<ThreadTerms> {
    let mut r = Reader(record);
    let mut starts = [0u32; PARTS + 1];
    for p in 0..PARTS {
        starts[p + 1] = starts[p].checked_add(r.u32()?)?;
    }
    let n = starts[PARTS];
    // Each number takes a byte at least.
    let mut ids = Vec::with_capacity((n as usize).min(record.len()));
    for p in 0..PARTS {
        for _ in starts[p]..starts[p + 1] {
            let id = r.u32()?;
            if id as usize >= lengths[p] {
                return None;
            }
            ids.push(id);
        }
    }
    let title = read_terms(&mut r, n)?;
    let title_len = r.u32()?;
    let topic = r.u32().filter(|&t| t < n)?;
    let count = r.number()?;
    let mut posts = Vec::with_capacity(count.min(record.len() as u64) as usize);
    for _ in 0..count {
        let terms = read_terms(&mut r, n)?;
        let len = r.u32()?;
        let author = match r.number()? {
            0 => None,
            a => Some(u32::try_from(a - 1).ok().filter(|&a| a < n)?),
        };
        let entry = r.string()?;
        let bounds = part_bounds(&terms, &starts);
        posts.push(PostTerms { terms, bounds, len, author, entry });
    }
    if !r.is_empty() {
        return None;
    }
    Some(ThreadTerms { words: Words::default(), ids, starts, title, title_len, topic, posts, record: None })
}

/// Terms by number, ascending, with their counts: the first number, then each one's step
/// from the one before.
fn put_terms(out: &mut Vec<u8>, terms: &[(u32, u32)]) {
    put(out, terms.len() as u64);
    let mut last = None;
    for &(term, count) in terms {
        put(out, u64::from(last.map_or(term, |l: u32| term - l)));
        put(out, u64::from(count));
        last = Some(term);
    }
}

/// Terms numbered below `n`, strictly ascending, as [`put_terms`] wrote them.
fn read_terms(r: &mut Reader, n: u32) -> Option<Vec<(u32, u32)>> {
    let count = r.number()?;
    let mut terms: Vec<(u32, u32)> = Vec::with_capacity(count.min(u64::from(n)) as usize);
    for _ in 0..count {
        let step = r.u32()?;
        let term = match terms.last() {
            Some(_) if step == 0 => return None,
            Some(&(last, _)) => last.checked_add(step)?,
            None => step,
        };
        if term >= n {
            return None;
        }
        terms.push((term, r.u32()?));
    }
    Some(terms)
}
