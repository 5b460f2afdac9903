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
//! A thread's terms are numbered as the index's parts number them ([`Part`]), so that a
//! stored thread is added to the index without looking up a single term: the store holds
//! each part's terms, and a build starts its parts from them. Terms no thread holds any
//! more stay numbered (the index leaves them out) until they are half of the store's,
//! when the store is not used, and the next build writes a new one.
//!
//! The layout: the header and the build's hash; each thread's record; every part's terms;
//! the threads' fingerprints with where their records are and their checksums; and a
//! trailer of fixed size. Numbers are LEB128. A store that does not read back whole, or a
//! record whose checksum differs, is not used: the cache never makes an index differ from
//! a cold build's.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::{PARTS, PostTerms, ThreadTerms, Words, term_hash};
use crate::cache::Hash;

const HEADER: &[u8; 20] = b"threadarc-search 1\n\0";
const TRAILER_MAGIC: &[u8; 8] = b"tasearch";
/// The dictionary's and the index's offsets, the live terms, the dictionary's checksum and
/// the magic.
const TRAILER: usize = 8 * 4 + TRAILER_MAGIC.len();

/// A store written by an earlier build, open for reading threads.
pub struct Store {
    file: File,
    /// Every part's terms, numbered as the stored threads number them.
    pub(super) parts: Vec<Words>,
    /// Per fingerprint: where the thread's record is, its length and its checksum.
    threads: FxHashMap<Hash, (u64, u32, u64)>,
}

impl Store {
    /// The store at `path`, if there is one that `build` wrote and that reads back whole.
    pub fn open(path: &Path, build: Hash) -> Option<Store> {
        let mut file = File::open(path).ok()?;
        let mut head = [0u8; HEADER.len() + 16];
        file.read_exact(&mut head).ok()?;
        if &head[..HEADER.len()] != HEADER || head[HEADER.len()..] != build.to_le_bytes() {
            return None;
        }
        let length = file.seek(SeekFrom::End(0)).ok()?;
        let trailer_at = length.checked_sub(TRAILER as u64)?;
        let mut trailer = [0u8; TRAILER];
        file.read_exact_at(&mut trailer, trailer_at).ok()?;
        let word = |i: usize| u64::from_le_bytes(trailer[i * 8..i * 8 + 8].try_into().expect("eight bytes"));
        let (dictionary_at, index_at, live, checksum) = (word(0), word(1), word(2), word(3));
        if &trailer[32..] != TRAILER_MAGIC || !(dictionary_at <= index_at && index_at <= trailer_at) {
            return None;
        }
        let mut tail = vec![0u8; (trailer_at - dictionary_at) as usize];
        file.read_exact_at(&mut tail, dictionary_at).ok()?;
        let (dictionary, index) = tail.split_at((index_at - dictionary_at) as usize);
        if xxhash_rust::xxh3::xxh3_64(dictionary) != checksum {
            return None;
        }
        let mut r = Reader(dictionary);
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
        if live * 2 < total {
            return None;
        }
        let mut r = Reader(index);
        let count = r.number()?;
        let mut threads = FxHashMap::default();
        threads.reserve(count.min(1 << 24) as usize);
        for _ in 0..count {
            let fingerprint = Hash::from_le_bytes(r.take(16)?.try_into().ok()?);
            let (at, len, sum) = (r.number()?, u32::try_from(r.number()?).ok()?, r.number()?);
            if at.checked_add(u64::from(len))? > dictionary_at {
                return None;
            }
            threads.insert(fingerprint, (at, len, sum));
        }
        Some(Store { file, parts, threads })
    }

    /// Whether the store has a thread with `fingerprint` (which may still not read back).
    pub fn holds(&self, fingerprint: Hash) -> bool {
        self.threads.contains_key(&fingerprint)
    }

    /// The thread with `fingerprint`, if the store holds it whole; its record comes along,
    /// for the next store.
    pub(super) fn thread(&self, fingerprint: Hash) -> Option<ThreadTerms> {
        let &(at, len, sum) = self.threads.get(&fingerprint)?;
        let mut record = vec![0u8; len as usize];
        self.file.read_exact_at(&mut record, at).ok()?;
        if xxhash_rust::xxh3::xxh3_64(&record) != sum {
            return None;
        }
        let mut thread = decode(&record, &self.parts)?;
        thread.record = Some(record);
        Some(thread)
    }
}

/// A store being written, a thread at a time; removed unless finished.
pub struct Writer {
    path: PathBuf,
    out: BufWriter<File>,
    at: u64,
    threads: Vec<(Hash, u64, u32, u64)>,
    record: Vec<u8>,
    finished: bool,
}

impl Writer {
    /// Starts a store at `path` for a build with hash `build`.
    pub fn create(path: &Path, build: Hash) -> io::Result<Writer> {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        out.write_all(HEADER)?;
        out.write_all(&build.to_le_bytes())?;
        Ok(Writer {
            path: path.to_owned(),
            out,
            at: (HEADER.len() + 16) as u64,
            threads: Vec::new(),
            record: Vec::new(),
            finished: false,
        })
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
        self.out.write_all(record)?;
        let sum = xxhash_rust::xxh3::xxh3_64(record);
        self.threads.push((fingerprint, self.at, record.len() as u32, sum));
        self.at += record.len() as u64;
        Ok(())
    }

    /// Writes every part's terms and the threads' places, and closes the store; `live` is
    /// how many of the terms some thread holds.
    pub(super) fn finish(mut self, parts: &[Words], live: usize) -> io::Result<()> {
        let mut dictionary = Vec::new();
        for words in parts {
            put(&mut dictionary, words.len() as u64);
            for i in 0..words.len() {
                put_bytes(&mut dictionary, words.get(i).as_bytes());
            }
        }
        let mut index = Vec::new();
        put(&mut index, self.threads.len() as u64);
        for &(fingerprint, at, len, sum) in &self.threads {
            index.extend_from_slice(&fingerprint.to_le_bytes());
            put(&mut index, at);
            put(&mut index, u64::from(len));
            put(&mut index, sum);
        }
        let dictionary_at = self.at;
        let index_at = dictionary_at + dictionary.len() as u64;
        self.out.write_all(&dictionary)?;
        self.out.write_all(&index)?;
        for word in [dictionary_at, index_at, live as u64, xxhash_rust::xxh3::xxh3_64(&dictionary)] {
            self.out.write_all(&word.to_le_bytes())?;
        }
        self.out.write_all(TRAILER_MAGIC)?;
        self.out.flush()?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_file(&self.path);
        }
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

/// [`encode`] read back, every number checked against what it numbers.
fn decode(record: &[u8], parts: &[Words]) -> Option<ThreadTerms> {
    let mut r = Reader(record);
    let mut starts = [0u32; PARTS + 1];
    for p in 0..PARTS {
        starts[p + 1] = starts[p].checked_add(u32::try_from(r.number()?).ok()?)?;
    }
    let n = starts[PARTS];
    let mut ids = Vec::with_capacity(n as usize);
    for p in 0..PARTS {
        for _ in starts[p]..starts[p + 1] {
            let id = u32::try_from(r.number()?).ok()?;
            if id as usize >= parts[p].len() {
                return None;
            }
            ids.push(id);
        }
    }
    let title = r.terms(n)?;
    let title_len = u32::try_from(r.number()?).ok()?;
    let topic = u32::try_from(r.number()?).ok().filter(|&t| t < n)?;
    let count = r.number()?;
    let mut posts = Vec::with_capacity(count.min(1 << 20) as usize);
    for _ in 0..count {
        let terms = r.terms(n)?;
        let len = u32::try_from(r.number()?).ok()?;
        let author = match r.number()? {
            0 => None,
            a => Some(u32::try_from(a - 1).ok().filter(|&a| a < n)?),
        };
        let entry = String::from_utf8(r.bytes()?.to_vec()).ok()?;
        posts.push(PostTerms { terms, len, author, entry });
    }
    if !r.0.is_empty() {
        return None;
    }
    Some(ThreadTerms { words: Words::default(), ids, starts, title, title_len, topic, posts, record: None })
}

fn put(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
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

/// Reads what [`put`], [`put_bytes`] and [`put_terms`] wrote; `None` at anything amiss.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn number(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.0.split_first()?;
            self.0 = rest;
            value |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(value);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(taken)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.number()?).ok()?;
        self.take(n)
    }

    /// Terms numbered below `n`, strictly ascending.
    fn terms(&mut self, n: u32) -> Option<Vec<(u32, u32)>> {
        let count = self.number()?;
        let mut terms: Vec<(u32, u32)> = Vec::with_capacity(count.min(u64::from(n)) as usize);
        for i in 0..count {
            let step = u32::try_from(self.number()?).ok()?;
            let term = match terms.last() {
                Some(&(last, _)) if i > 0 && step > 0 => last.checked_add(step)?,
                None => step,
                _ => return None,
            };
            if term >= n {
                return None;
            }
            terms.push((term, u32::try_from(self.number()?).ok()?));
        }
        Some(terms)
    }
}
