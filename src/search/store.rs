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
//! It also holds every term's postings as that build wrote them, and the threads'
//! fingerprints in address order. When the threads it holds are where they were (so no
//! post's address moved) and few changed, a build mends those postings rather than gather
//! every thread's: a term the changed threads do not hold (before or now) keeps its
//! postings, and one they do keeps those of the other threads, with the changed threads'
//! own put in ([`Store::changes`]). So a reply costs about what its terms' postings do,
//! not what the whole index's do.
//!
//! It is a record file ([`codec::Records`]) of each thread's record by its fingerprint,
//! and of the postings a megabyte at a time, whose own section is every part's terms, how
//! many of them some thread holds, the threads' fingerprints in order and how many
//! records of postings there are.

use std::io;
use std::path::Path;

use super::collect::{PARTS, PostTerms, ThreadTerms, Words, part_bounds, term_hash};
use crate::cache::{self, Hash};
use crate::codec::{self, Reader, put, put_bytes};

const KIND: &[u8] = b"threadarc-search 4\n";
/// A build mends the last one's postings when at most one thread in this many changed.
const MEND_MAX: usize = 4;
/// About the bytes of postings a record of them holds.
const POSTINGS_RECORD: usize = 1 << 20;

/// A store written by an earlier build, open for reading threads.
pub struct Store {
    records: codec::Records,
    /// Every part's terms, numbered as the stored threads number them, until the index
    /// takes them.
    pub(super) parts: Vec<Words>,
    /// How many terms each part has.
    lengths: [usize; PARTS],
    /// The threads' fingerprints, in address order.
    pub(super) order: Vec<Hash>,
    /// How many records of postings there are.
    postings: usize,
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
        let threads = r.number()?;
        let mut order = Vec::with_capacity(threads.min(r.0.len() as u64 / 16) as usize);
        for _ in 0..threads {
            order.push(Hash::from_le_bytes(r.take(16)?.try_into().ok()?));
        }
        let postings = usize::try_from(r.number()?).ok()?;
        // Mostly terms that no thread holds: a new store is smaller and as quick to make.
        if !r.is_empty() || live * 2 < total {
            return None;
        }
        let mut lengths = [0; PARTS];
        for (length, words) in lengths.iter_mut().zip(&parts) {
            *length = words.len();
        }
        Some(Store { records, parts, lengths, order, postings })
    }

    /// Every term's postings as the last build wrote them, in order, if they all read back.
    pub(super) fn postings(&self) -> Option<Postings<'_>> {
        // Read once to check them, so that a record that does not read back is found
        // before the index relies on any.
        (0..self.postings).all(|i| self.records.get(postings_key(i)).is_some()).then_some(Postings {
            store: self,
            next: 0,
            record: Vec::new(),
            at: 0,
            peeked: None,
        })
    }

    /// Whether a build whose threads have the fingerprints `now`, in address order, can
    /// mend the postings of this store's build rather than gather every thread's: when
    /// every thread the store holds is where it was, so that no post's address moved, and
    /// not many threads changed. Then the threads that changed, by THREAD (as many as
    /// there were or are now), and per part the terms they held before.
    pub(super) fn changes(&self, now: &[Hash]) -> Option<(Vec<bool>, Vec<Vec<bool>>)> {
        let len = self.order.len().max(now.len());
        let mut affected = vec![false; len];
        for (k, affected) in affected.iter_mut().enumerate() {
            let (was, is) = (self.order.get(k), now.get(k));
            if was != is {
                if is.is_some_and(|&f| self.holds(f)) {
                    return None;
                }
                *affected = true;
            }
        }
        // Mending the postings of most terms costs about what gathering them does.
        if affected.iter().filter(|&&a| a).count() * MEND_MAX > len {
            return None;
        }
        let mut dirty: Vec<Vec<bool>> = self.lengths.iter().map(|&n| vec![false; n]).collect();
        for (&fingerprint, _) in self.order.iter().zip(&affected).filter(|(_, a)| **a) {
            let thread = self.thread(fingerprint)?;
            for (p, dirty) in dirty.iter_mut().enumerate() {
                let ids = &thread.ids[thread.starts[p] as usize..thread.starts[p + 1] as usize];
                ids.iter().for_each(|&id| dirty[id as usize] = true);
            }
        }
        Some((affected, dirty))
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

    /// The thread with `fingerprint` but for its terms, which a build that mends the
    /// postings does not gather of a thread that did not change: its posts' entries,
    /// lengths and authors, and its record, for the next store.
    pub(super) fn posts(&self, fingerprint: Hash) -> Option<ThreadTerms> {
        let record = self.records.get(fingerprint)?;
        let posts = decode_posts(&mut Reader(&record))?;
        Some(ThreadTerms {
            words: Words::default(),
            ids: Vec::new(),
            starts: [0; PARTS + 1],
            title: Vec::new(),
            title_len: 0,
            topic: 0,
            posts,
            record: Some(record),
        })
    }
}

/// A term's postings as the index writes them: its document frequency and postings
/// string, and the string before it was cut to [`super::Limits::postings_max`], if it was.
pub(super) struct Encoded {
    pub(super) df: u32,
    pub(super) postings: String,
    pub(super) full: Option<String>,
}

/// The key of the `i`-th record of postings.
fn postings_key(i: usize) -> Hash {
    let mut hasher = cache::Hasher::new();
    hasher.str("postings").hash(i as Hash);
    hasher.finish()
}

/// A store's postings, read a term at a time.
pub(super) struct Postings<'s> {
    store: &'s Store,
    /// The record to read next, the one being read and where in it.
    next: usize,
    record: Vec<u8>,
    at: usize,
    peeked: Option<(String, Encoded)>,
}

impl Postings<'_> {
    /// The next term, without taking it.
    pub(super) fn peek(&mut self) -> io::Result<Option<&str>> {
        if self.peeked.is_none() {
            self.peeked = self.read()?;
        }
        Ok(self.peeked.as_ref().map(|(name, _)| name.as_str()))
    }

    /// The next term and its postings; an error when there is none.
    pub(super) fn next(&mut self) -> io::Result<(String, Encoded)> {
        match self.peeked.take() {
            Some(next) => Ok(next),
            None => self.read()?.ok_or_else(unreadable),
        }
    }

    fn read(&mut self) -> io::Result<Option<(String, Encoded)>> {
        while self.at == self.record.len() {
            if self.next == self.store.postings {
                return Ok(None);
            }
            self.record = self.store.records.get(postings_key(self.next)).ok_or_else(unreadable)?;
            self.next += 1;
            self.at = 0;
        }
        let mut r = Reader(&self.record[self.at..]);
        let before = r.0.len();
        let entry = read_postings(&mut r).ok_or_else(unreadable)?;
        self.at += before - r.0.len();
        Ok(Some(entry))
    }
}

/// A term's postings as [`Writer::postings`] wrote them.
fn read_postings(r: &mut Reader) -> Option<(String, Encoded)> {
    let name = r.string()?;
    let df = r.u32()?;
    let postings = r.string()?;
    let full = r.string()?;
    Some((name, Encoded { df, postings, full: (!full.is_empty()).then_some(full) }))
}

/// The store was checked when the build opened it, so a record that no longer reads back
/// was changed since.
fn unreadable() -> io::Error {
    io::Error::other("the search store beside the archive changed while the build read it; build again")
}

/// A store being written, a thread at a time; removed unless finished.
pub struct Writer {
    records: codec::RecordsWriter,
    record: Vec<u8>,
    /// The threads' fingerprints, in the order they came (address order).
    order: Vec<Hash>,
    /// The postings not yet put in a record, and how many records were.
    postings: Vec<u8>,
    postings_records: usize,
}

impl Writer {
    /// Starts a store at `path` for a build with hash `build`.
    pub fn create(path: &Path, build: Hash) -> io::Result<Writer> {
        Ok(Writer {
            records: codec::RecordsWriter::create(path, KIND, build)?,
            record: Vec::new(),
            order: Vec::new(),
            postings: Vec::new(),
            postings_records: 0,
        })
    }

    /// Adds a thread whose terms the index has numbered ([`ThreadTerms::ids`]); threads
    /// come in address order.
    pub(super) fn thread(&mut self, fingerprint: Hash, thread: &ThreadTerms) -> io::Result<()> {
        self.order.push(fingerprint);
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

    /// Adds a term's postings; terms come in order.
    pub(super) fn postings(&mut self, name: &str, encoded: &Encoded) -> io::Result<()> {
        put_bytes(&mut self.postings, name.as_bytes());
        put(&mut self.postings, u64::from(encoded.df));
        put_bytes(&mut self.postings, encoded.postings.as_bytes());
        put_bytes(&mut self.postings, encoded.full.as_deref().unwrap_or("").as_bytes());
        if self.postings.len() >= POSTINGS_RECORD {
            self.put_postings()?;
        }
        Ok(())
    }

    fn put_postings(&mut self) -> io::Result<()> {
        self.records.put(postings_key(self.postings_records), &self.postings)?;
        self.postings.clear();
        self.postings_records += 1;
        Ok(())
    }

    /// Writes every part's terms, and closes the store; `live` is how many of the terms
    /// some thread holds.
    pub(super) fn finish(mut self, parts: &[Words], live: usize) -> io::Result<()> {
        if !self.postings.is_empty() {
            self.put_postings()?;
        }
        let mut section = Vec::new();
        put(&mut section, live as u64);
        for words in parts {
            put(&mut section, words.len() as u64);
            for i in 0..words.len() {
                put_bytes(&mut section, words.get(i).as_bytes());
            }
        }
        put(&mut section, self.order.len() as u64);
        self.order.iter().for_each(|f| section.extend_from_slice(&f.to_le_bytes()));
        put(&mut section, self.postings_records as u64);
        self.records.finish(&section)
    }
}

/// A thread's record: its posts' doc-shard entries, lengths and authors first (all a
/// build that mends the postings needs of a thread that did not change, [`Store::posts`]),
/// then its terms' numbers in their parts, its title's terms and each post's.
fn encode(thread: &ThreadTerms, out: &mut Vec<u8>) {
    put(out, thread.posts.len() as u64);
    for post in &thread.posts {
        put_bytes(out, post.entry.as_bytes());
        put(out, u64::from(post.len));
        put(out, post.author.map_or(0, |a| u64::from(a) + 1));
    }
    for p in 0..PARTS {
        put(out, u64::from(thread.starts[p + 1] - thread.starts[p]));
    }
    thread.ids.iter().for_each(|&id| put(out, u64::from(id)));
    put_terms(out, &thread.title);
    put(out, u64::from(thread.title_len));
    put(out, u64::from(thread.topic));
    thread.posts.iter().for_each(|post| put_terms(out, &post.terms));
}

/// The posts of [`encode`]'s record: each with its entry, length and author's number
/// (checked by [`decode`]), and no terms.
fn decode_posts(r: &mut Reader) -> Option<Vec<PostTerms>> {
    let count = r.number()?;
    let mut posts = Vec::with_capacity(count.min(r.0.len() as u64) as usize);
    for _ in 0..count {
        let entry = r.string()?;
        let len = r.u32()?;
        let author = match r.number()? {
            0 => None,
            a => Some(u32::try_from(a - 1).ok()?),
        };
        posts.push(PostTerms { terms: Vec::new(), bounds: [0; PARTS + 1], len, author, entry });
    }
    Some(posts)
}

/// [`encode`] read back, every number checked against what it numbers (`lengths`: how
/// many terms each part has).
fn decode(record: &[u8], lengths: &[usize; PARTS]) -> Option<ThreadTerms> {
    let mut r = Reader(record);
    let mut posts = decode_posts(&mut r)?;
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
    for post in &mut posts {
        if post.author.is_some_and(|a| a >= n) {
            return None;
        }
        post.terms = read_terms(&mut r, n)?;
        post.bounds = part_bounds(&post.terms, &starts);
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
