//! Search: the index `threadarc build` writes into the archive, which `static/search.js`
//! reads in the reader's browser.
//!
//! # Why it is shaped like this
//!
//! The archive must search when opened from disk, where browsers refuse `fetch` and XHR.
//! A `<script src>` still loads from `file://`, so every index file is a script that hands
//! its data to a global callback. And it must stay fast at a million posts, so nothing is
//! loaded until the reader types, and then only the few files the query needs: the index
//! is split into shards by term and by post, and a query's cost depends on its words, not
//! on the archive's size.
//!
//! # The index format (version 2)
//!
//! Everything lives under `search/` in the archive; every file is UTF-8 JavaScript of the
//! form `threadarc_search.X(...);` with JSON arguments.
//!
//! It is made so that a change to one thread changes few files: a reply to a thread
//! changes `meta.js`, the doc shard that holds the thread's end, and the term shards and
//! packs of the reply's terms (now and then a neighbour of one), and nothing else. So no
//! file holds an address that a reply to another thread would move, nothing stored
//! depends on the whole archive but `N` in `meta.js`, and files end and are named where
//! their content says ([`chunk`]), not by running size and sequence number.
//!
//! **Posts** have addresses (THREAD, POST): THREAD indexes the threads in order of their
//! first post's date (undated first, then by dump and place in it), POST the thread's
//! posts in order from 0. A reply to a thread moves no other post; a new thread moves the
//! threads after it, so a new newest thread moves nothing. A higher address is a newer
//! post as far as the dumps tell, which is how ties in ranking are broken.
//!
//! **Terms** are what [`tokenize`] makes of a post's plain text (quotes of other posts
//! left out) and of its thread's title, plus two kinds of filter terms: `!t:SLUG` for the
//! topic of a post's thread and `!a:NAME` for its author (the name folded, white space
//! collapsed). Filter terms cannot clash with words, which never hold `!`.
//!
//! `search/meta.js`, loaded first:
//! `threadarc_search.m({"format":2,"docs":N,"terms":[FIRST…],"docShards":"VLQ","topics":[[SLUG,TITLE]…]})`.
//! N is the number of posts. `terms` is the first term of each term shard, in order: a
//! term is in the last shard whose first term is not greater than it (terms sort by UTF-16
//! code units, as JavaScript compares strings), and a prefix's terms are in that shard and
//! the following ones whose first term starts with the prefix. A term shard is named after
//! its first term: FNV-1a (32 bits) of its UTF-8 as eight lower-case hex digits, and when
//! an earlier shard (in term order) has that name already, the name with `-2`, `-3`… (the
//! first not taken) after it. `docShards` is the first address of each doc shard as VLQ
//! numbers (below), two a shard: its THREAD less the one before's (from 0), and its POST.
//!
//! `search/t/NAME.js`, a term shard: `threadarc_search.t("NAME",[ENTRY…])`, entries
//! sorted by term. An entry is `[TERM,DF,"POSTINGS"]`, postings inline, or
//! `[TERM,DF,"PACK",I,BYTES]` when they are the I-th string of the pack `search/p/PACK.js`
//! (`threadarc_search.p("PACK",["POSTINGS"…])`, BYTES long). A pack holds the postings of
//! neighbouring terms of one term shard, about [`Limits::pack`] bytes, or one term's alone
//! when they are half that or more, and is named after its first term as term shards are
//! (with its own run of `-2`…). DF is the number of posts that hold the term.
//!
//! **Postings** are a string of VLQ numbers: base64 digits (`A-Z a-z 0-9 + /`) of five
//! bits each, least significant first, the sixth bit (value 32) saying another digit
//! follows, as in source maps. Posts are listed in address order. Each starts with a number
//! `2 × Y + S`: S = 0 for a post in the same thread as the one before, Y counting from the
//! post after it; S = 1 for one in a later thread, Y counting from the thread's first post,
//! and then a second number, the threads skipped since the one before (before the first,
//! thread −1). For a word, `Y = step × 16 + impact`, one a post. `impact` (0–15) is the
//! post's BM25 weight for the term, quantized:
//! `tf × (k1 + 1) / (tf + k1 × (1 − b + b × length / L))` with k1 = 1.2, b = 0.75 and L
//! the fixed [`REFERENCE_LENGTH`] (not the archive's average, which every post would
//! move), where tf counts the term in the post plus [`TITLE_WEIGHT`] times in its thread's
//! title, and length is the post's terms plus its title's. The query side multiplies by
//! the term's idf, `ln(1 + (N − DF + 0.5) / (DF + 0.5))`. A word whose postings would be
//! longer than [`POSTINGS_MAX`] keeps only its highest-impact posts (newest first among
//! equals): such a word (in a large archive, one in more than about one post in ten, like
//! *the*) ranks results but cannot restrict them. For a filter term, runs of consecutive
//! posts of one thread: `Y` is the step to the run's first post (in the same thread, from
//! the end of the run before), then a number, the run's length minus one. Filters are
//! never cut.
//!
//! `search/d/NAME.js`, a doc shard, the posts from its first address to the next shard's:
//! `threadarc_search.d("NAME",{"first":[THREAD,POST],"threads":[[TITLE,URL,TOPIC,[[NUMBER,AUTHOR,DATE,TEXT,PAGE?]…]]…]})`.
//! NAME is THREAD, or `THREAD-POST` for a shard that starts inside a thread. The i-th
//! entry of `threads` is thread THREAD + i, and its posts start at POST for the first
//! entry, at 0 for the others. URL is the thread page's path from the archive's root (the
//! post's anchor is `#post-NUMBER`); PAGE, present only for a post past the first page of
//! a long thread, puts the post on `URL-without-.html/PAGE.html` (see
//! `Site::thread_page_path`); TOPIC is the topic's title; AUTHOR and DATE (`YYYY-MM-DD`)
//! may be `null`; TEXT is the post's plain text, cut at a word after about
//! [`TEXT_MAX_CHARS`] characters, from which the browser makes snippets and checks quoted
//! phrases. A doc shard may end before any post, so a long thread's posts can span shards.

pub(crate) mod chunk;
pub mod store;
pub mod tokenize;
mod vlq;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::json;

use crate::cache::Hash;
use crate::render::markup;
use crate::site::{Entry, Site};

/// How many times a word in a thread's title counts for each post of the thread.
pub const TITLE_WEIGHT: f64 = 2.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// The length (in terms, the title's included) at which BM25 neither favours nor
/// penalises a post: about a typical forum post and its thread's title. Fixed, so that a
/// post's weights do not depend on the rest of the archive.
pub const REFERENCE_LENGTH: f64 = 100.0;
/// Quantization levels of a posting's impact.
const LEVELS: f64 = 16.0;

/// Longest postings string kept for one word, in bytes.
pub const POSTINGS_MAX: usize = 128 * 1024;
/// Text kept per post for snippets and phrase checks.
pub const TEXT_MAX_CHARS: usize = 1000;

/// The sizes that shape the index: what a query loads against how many files there are.
/// Files are cut where their content says ([`chunk::Cuts`]): these are the sizes they
/// aim at; none is cut below a quarter of it, and none grows past three times it.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest postings string kept for one word, in bytes ([`POSTINGS_MAX`]).
    pub postings_max: usize,
    /// Postings up to this long sit in their term shard; longer ones go into a pack.
    pub inline_max: usize,
    /// The size term shards aim at, in bytes.
    pub term_shard: usize,
    /// The size doc shards aim at, in bytes.
    pub doc_shard: usize,
    /// The size postings packs aim at, in bytes; postings of half this or more get a pack
    /// of their own.
    pub pack: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            postings_max: POSTINGS_MAX,
            inline_max: 512,
            term_shard: 16 * 1024,
            doc_shard: 24 * 1024,
            pack: 32 * 1024,
        }
    }
}
/// Posts tokenised at a time (in whole threads): bounds the memory held for terms not yet
/// merged, whatever the threads' sizes.
const BATCH_POSTS: usize = 1024;

/// What the index came to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IndexStats {
    pub docs: usize,
    pub terms: usize,
    pub files: usize,
    pub bytes: u64,
    /// Threads read from the store of the last build rather than tokenised.
    pub stored: usize,
}

/// Where index files go: a relative path under the archive's root and the file's bytes.
/// Files are handed over from several threads at once, in no particular order.
pub type Sink<'a> = dyn Fn(&str, &[u8]) -> io::Result<()> + Sync + 'a;

/// Reads the bodies of a thread's posts again, for a thread the site holds without them
/// ([`crate::model::Thread::released`]).
pub type Reread<'a> = dyn Fn(&Entry) -> io::Result<Vec<String>> + Sync + 'a;

/// Where the index reads the posts' bodies: from the site, or taken out of it ([`Bodies::take`]);
/// and, for a thread whose bodies the site let go, from `reread`.
#[derive(Default)]
pub struct Bodies<'a> {
    taken: Option<Vec<Mutex<Vec<String>>>>,
    reread: Option<&'a Reread<'a>>,
}

impl<'a> Bodies<'a> {
    /// The bodies the site holds, and `reread` for those it let go.
    pub fn held(reread: Option<&'a Reread<'a>>) -> Bodies<'a> {
        Bodies { taken: None, reread }
    }

    /// Takes every post's body out of `site`, leaving it empty, so that each thread's are
    /// freed as soon as it is tokenised. The index is the last thing a build makes of the
    /// bodies, and at a million posts they are most of the memory a build holds.
    pub fn take(site: &mut Site, reread: Option<&'a Reread<'a>>) -> Bodies<'a> {
        let taken = site
            .threads
            .iter_mut()
            .map(|e| Mutex::new(e.thread.posts.iter_mut().map(|p| std::mem::take(&mut p.body)).collect()))
            .collect();
        Bodies { taken: Some(taken), reread }
    }

    /// The bodies taken of thread `t`'s posts, which are then no longer held here.
    fn take_thread(&self, t: usize) -> Option<Vec<String>> {
        self.taken.as_ref().map(|b| std::mem::take(&mut *b[t].lock().expect("no indexer panicked")))
    }

    /// The bodies of thread `t`'s posts where they are not read from the site, which are
    /// then no longer held here.
    fn thread(&self, site: &Site, t: usize) -> io::Result<Option<Vec<String>>> {
        let taken = self.take_thread(t);
        if !site.threads[t].thread.released {
            return Ok(taken);
        }
        match self.reread {
            Some(reread) => reread(&site.threads[t]).map(Some),
            None => Err(io::Error::other(format!("the posts of {} are not at hand", site.threads[t].thread.path))),
        }
    }
}

/// What an index keeps between builds: the threads of the store an earlier build wrote are
/// read from it rather than tokenised, and every thread goes into a new one ([`store`]).
pub struct Keep<'a> {
    /// The store an earlier build wrote, if there is one (the index takes its terms).
    pub previous: Option<&'a mut store::Store>,
    /// Each thread's fingerprint, by its index in the site: what its terms depend on (the
    /// thread, its topic's slug, the binary and the configuration).
    pub fingerprints: &'a [Hash],
    /// The store this build writes.
    pub next: store::Writer,
}

/// Builds the search index of a site and hands every file to `sink`, `search/meta.js` last;
/// `progress` is told of each thread indexed. The posts' bodies are read as `bodies` says.
pub fn write_index(
    site: &Site,
    bodies: Bodies,
    keep: Option<Keep>,
    sink: &Sink,
    progress: &(dyn Fn() + Sync),
) -> io::Result<IndexStats> {
    write_index_inner(site, &bodies, keep, Limits::default(), sink, progress)
}

/// [`write_index`] with other sizes.
pub fn write_index_with(site: &Site, limits: Limits, sink: &Sink) -> io::Result<IndexStats> {
    write_index_inner(site, &Bodies::default(), None, limits, sink, &|| {})
}

/// Thread `t`, from the store if it holds it (then with `true`), else tokenised.
fn thread_terms(
    site: &Site,
    t: usize,
    bodies: &Bodies,
    previous: Option<&store::Store>,
    fingerprints: Option<&[Hash]>,
) -> io::Result<(ThreadTerms, bool)> {
    if let (Some(store), Some(fingerprints)) = (previous, fingerprints)
        && let Some(thread) = store.thread(fingerprints[t])
    {
        // Its bodies are not needed: free any taken, as tokenising would.
        drop(bodies.take_thread(t));
        return Ok((thread, true));
    }
    let taken = bodies.thread(site, t)?;
    Ok((read_thread(site, t, taken.as_deref()), false))
}

fn write_index_inner(
    site: &Site,
    bodies: &Bodies,
    keep: Option<Keep>,
    limits: Limits,
    sink: &Sink,
    progress: &(dyn Fn() + Sync),
) -> io::Result<IndexStats> {
    let files = AtomicUsize::new(0);
    let bytes_written = AtomicU64::new(0);
    let counted = |path: &str, bytes: &[u8]| {
        files.fetch_add(1, Ordering::Relaxed);
        bytes_written.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        sink(path, bytes)
    };
    let write_all =
        |files: &[(String, String)]| files.par_iter().try_for_each(|(path, text)| counted(path, text.as_bytes()));
    let stored = AtomicUsize::new(0);
    let order = thread_order(site);
    let (previous, fingerprints, mut next) = match keep {
        Some(Keep { previous, fingerprints, next }) => (previous, Some(fingerprints), Some(next)),
        None => (None, None, None),
    };
    let (previous, stored_terms) = match previous {
        Some(store) => {
            let parts = std::mem::take(&mut store.parts);
            (Some(&*store), Some(parts))
        }
        None => (None, None),
    };
    let mut terms = Terms::new(stored_terms);
    let mut docs = DocShards::new(limits.doc_shard);
    // One batch is tokenised (in parallel) while the one before is merged and the doc
    // shards the one before that closed are written.
    let mut pending: Option<(&[usize], Vec<ThreadTerms>)> = None;
    let mut closed: Vec<(String, String)> = Vec::new();
    for batch in batches(site, &order).map(Some).chain([None]) {
        let writing = std::mem::take(&mut closed);
        let ((next_batch, written), merged) = rayon::join(
            || {
                rayon::join(
                    || {
                        batch.map(|b| {
                            let read = |&t: &usize| {
                                let (thread, from_store) = thread_terms(site, t, bodies, previous, fingerprints)?;
                                stored.fetch_add(usize::from(from_store), Ordering::Relaxed);
                                Ok(thread)
                            };
                            b.par_iter().map(read).collect::<io::Result<Vec<_>>>().map(|read| (b, read))
                        })
                    },
                    || write_all(&writing),
                )
            },
            || -> io::Result<_> {
                let mut closed = Vec::new();
                if let Some((batch, mut read)) = pending.take() {
                    for (&t, thread) in batch.iter().zip(&read) {
                        docs.push_thread(site, t, thread, &mut closed);
                        progress();
                    }
                    terms.add_threads(&mut read);
                    if let (Some(fingerprints), Some(next)) = (fingerprints, next.as_mut()) {
                        for (&t, thread) in batch.iter().zip(&read) {
                            next.thread(fingerprints[t], thread)?;
                        }
                    }
                }
                Ok(closed)
            },
        );
        written?;
        closed = merged?;
        pending = next_batch.transpose()?;
    }
    docs.finish(&mut closed);
    write_all(&closed)?;
    drop(closed);
    let (shard_terms, term_count, words) = terms.write(&limits, &counted)?;
    if let Some(next) = next {
        next.finish(&words, term_count)?;
    }
    drop(words);
    let topics: Vec<(&str, &str)> = site.topics.iter().map(|t| (t.slug.as_str(), t.title.as_str())).collect();
    let meta = json!({
        "format": 2,
        "docs": docs.docs,
        "terms": shard_terms,
        "docShards": vlq::firsts(&docs.firsts),
        "topics": topics,
    });
    counted("search/meta.js", format!("threadarc_search.m({meta});\n").as_bytes())?;
    Ok(IndexStats {
        docs: docs.docs as usize,
        terms: term_count,
        files: files.into_inner(),
        bytes: bytes_written.into_inner(),
        stored: stored.into_inner(),
    })
}

/// `order` cut into runs of threads of about [`BATCH_POSTS`] posts.
fn batches<'o>(site: &Site, order: &'o [usize]) -> impl Iterator<Item = &'o [usize]> {
    let mut rest = order;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut posts = 0;
        let end = rest
            .iter()
            .position(|&t| {
                posts += site.threads[t].thread.posts.len();
                posts >= BATCH_POSTS
            })
            .map_or(rest.len(), |i| i + 1);
        let (batch, after) = rest.split_at(end);
        rest = after;
        Some(batch)
    })
}

/// Threads in address order: by first post's date, undated first, then by dump and place.
fn thread_order(site: &Site) -> Vec<usize> {
    let mut order: Vec<usize> = (0..site.threads.len()).collect();
    order.sort_by_key(|&i| {
        let e = &site.threads[i];
        (e.thread.first_date(), e.key.as_str())
    });
    order
}

/// The term of a topic filter.
pub fn topic_term(slug: &str) -> String {
    format!("!t:{slug}")
}

/// The term of an author filter: the name folded, its white space collapsed.
pub fn author_term(name: &str) -> String {
    let words: Vec<Cow<str>> = name.split_whitespace().map(tokenize::fold).collect();
    format!("!a:{}", words.join(" "))
}

/// One thread, tokenised: its distinct terms (its title's and posts' words, its topic's and
/// its authors' filters), numbered so that each part's ([`part_of`]) are a run, and which
/// of them each post holds how often. Each part of the index finds its own terms of the
/// thread in their run, and looks each up once for the whole thread.
struct ThreadTerms {
    words: Words,
    /// Per part, the number of its first term; then the number of terms.
    starts: [u32; PARTS + 1],
    /// Terms of the title (by number, ascending) with their counts, and the title's length
    /// in terms.
    title: Vec<(u32, u32)>,
    title_len: u32,
    /// The topic's filter term.
    topic: u32,
    posts: Vec<PostTerms>,
    /// Per term of the thread: its number in its part ([`Part`]); empty until the index
    /// has numbered them, unless the thread came from the store (whose `words` are empty).
    ids: Vec<u32>,
    /// The thread's record in the store it came from.
    record: Option<Vec<u8>>,
}

struct PostTerms {
    /// The post's terms (by number, ascending) with their counts.
    terms: Vec<(u32, u32)>,
    /// Where each part's terms begin in `terms` ([`part_bounds`]), and where they end.
    bounds: [u32; PARTS + 1],
    len: u32,
    /// The author's filter term.
    author: Option<u32>,
    /// The post's entry in its doc shard, JSON: `[NUMBER,AUTHOR,DATE,TEXT,PAGE?]`.
    entry: String,
}

/// Terms, one after another, each with its hash ([`term_hash`]).
#[derive(Default)]
struct Words {
    text: String,
    /// Per term: where its text ends (it starts where the one before ends).
    ends: Vec<u32>,
    hashes: Vec<u64>,
}

impl Words {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Whether term `i` is `term`.
    fn is(&self, i: u32, term: &str) -> bool {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.as_bytes().get(start..self.ends[i] as usize) == Some(term.as_bytes())
    }

    fn push(&mut self, term: &str, hash: u64) {
        self.text.push_str(term);
        self.ends.push(self.text.len() as u32);
        self.hashes.push(hash);
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.hashes.clear();
    }
}

/// How many parts the terms are gathered in, each by its own thread.
const PARTS: usize = 16;

/// The hash a term is found by while the index is built (never written anywhere).
fn term_hash(term: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(term.as_bytes())
}

/// The part a term is gathered in: from bits of its hash that hash tables do not use.
fn part_of(hash: u64) -> usize {
    (hash >> 40) as usize % PARTS
}

/// Where each part's terms begin in a list sorted by term number, the terms of part `p`
/// being numbered from `starts[p]`; and where the list ends.
fn part_bounds(terms: &[(u32, u32)], starts: &[u32; PARTS + 1]) -> [u32; PARTS + 1] {
    let mut bounds = [terms.len() as u32; PARTS + 1];
    let mut i = 0;
    for p in 0..PARTS {
        bounds[p] = i as u32;
        while i < terms.len() && terms[i].0 < starts[p + 1] {
            i += 1;
        }
    }
    bounds
}

/// The entries of a list sorted by term number whose terms are numbered `from..to`.
fn in_range(list: &[(u32, u32)], from: u32, to: u32) -> &[(u32, u32)] {
    let start = list.partition_point(|e| e.0 < from);
    let end = start + list[start..].partition_point(|e| e.0 < to);
    &list[start..end]
}

/// What tokenising a thread needs besides the thread, kept from one thread to the next.
#[derive(Default)]
struct Reader {
    /// The thread's distinct terms so far, in order of first appearance.
    words: Words,
    table: hashbrown::HashTable<u32>,
    /// Per term: how often the text being counted holds it.
    counts: Vec<u32>,
    /// The terms of the text being counted, in order of first appearance.
    seen: Vec<u32>,
}

impl Reader {
    /// A term's number in the thread.
    fn id(&mut self, term: &str) -> u32 {
        let hash = term_hash(term);
        let Reader { words, table, counts, .. } = self;
        if let Some(&id) = table.find(hash, |&id| words.is(id, term)) {
            return id;
        }
        let id = words.len() as u32;
        words.push(term, hash);
        counts.push(0);
        table.insert_unique(hash, id, |&id| words.hashes[id as usize]);
        id
    }

    /// The terms of a text with their counts, and how many there are in all.
    fn count(&mut self, text: &str) -> (Vec<(u32, u32)>, u32) {
        let mut len = 0;
        tokenize::for_each_term(text, |term| {
            len += 1;
            let id = self.id(term);
            let n = &mut self.counts[id as usize];
            if *n == 0 {
                self.seen.push(id);
            }
            *n += 1;
        });
        let counts = &mut self.counts;
        let terms = self.seen.drain(..).map(|id| (id, std::mem::take(&mut counts[id as usize]))).collect();
        (terms, len)
    }

    /// Numbers the thread's terms by part (in order of first appearance within a part),
    /// renumbers the lists given, and hands over the terms.
    fn finish<'l>(
        &mut self,
        lists: impl Iterator<Item = &'l mut Vec<(u32, u32)>>,
    ) -> (Words, [u32; PARTS + 1], Vec<u32>) {
        let words = &self.words;
        let mut starts = [0u32; PARTS + 1];
        for &hash in &words.hashes {
            starts[part_of(hash) + 1] += 1;
        }
        for p in 0..PARTS {
            starts[p + 1] += starts[p];
        }
        let mut next = starts;
        let renumbered: Vec<u32> = words
            .hashes
            .iter()
            .map(|&hash| {
                let slot = &mut next[part_of(hash)];
                *slot += 1;
                *slot - 1
            })
            .collect();
        let mut order = vec![0u32; words.len()];
        for (old, &new) in renumbered.iter().enumerate() {
            order[new as usize] = old as u32;
        }
        let mut out = Words { text: String::with_capacity(words.text.len()), ..Words::default() };
        out.ends.reserve_exact(words.len());
        out.hashes.reserve_exact(words.len());
        for &old in &order {
            out.push(words.get(old as usize), words.hashes[old as usize]);
        }
        for list in lists {
            for e in list.iter_mut() {
                e.0 = renumbered[e.0 as usize];
            }
            list.sort_unstable_by_key(|e| e.0);
        }
        self.words.clear();
        self.table.clear();
        self.counts.clear();
        (out, starts, renumbered)
    }
}

thread_local! {
    static READER: std::cell::RefCell<Reader> = std::cell::RefCell::default();
}

/// Tokenises thread `t`, its posts' bodies read from `bodies` where given, else from the site.
fn read_thread(site: &Site, t: usize, bodies: Option<&[String]>) -> ThreadTerms {
    READER.with_borrow_mut(|reader| read_thread_with(reader, site, t, bodies))
}

fn read_thread_with(reader: &mut Reader, site: &Site, t: usize, taken: Option<&[String]>) -> ThreadTerms {
    let entry = &site.threads[t];
    let thread = &entry.thread;
    let (mut title, title_len) = reader.count(&thread.title);
    let topic = reader.id(&topic_term(&site.topics[entry.topic].slug));
    let markdown = thread.format.is_markdown();
    let mut posts: Vec<PostTerms> = thread
        .posts
        .iter()
        .enumerate()
        .map(|(i, post)| {
            let body = taken.map_or(post.body.as_str(), |b| b[i].as_str());
            let text = markup::plain_text(body, markdown);
            let (terms, len) = reader.count(&text);
            let date = post.date.map(|d| d.strftime("%Y-%m-%d").to_string());
            let text = cut_text(&text, TEXT_MAX_CHARS);
            let page = site.post_page(post.number);
            let entry = if page > 1 {
                serde_json::to_string(&(post.number, &post.author, date, text, page))
            } else {
                serde_json::to_string(&(post.number, &post.author, date, text))
            }
            .unwrap_or_default();
            let author = post.author.as_deref().map(|a| reader.id(&author_term(a)));
            PostTerms { terms, bounds: [0; PARTS + 1], len, author, entry }
        })
        .collect();
    let (words, starts, renumbered) =
        reader.finish(std::iter::once(&mut title).chain(posts.iter_mut().map(|p| &mut p.terms)));
    for post in &mut posts {
        post.author = post.author.map(|a| renumbered[a as usize]);
        post.bounds = part_bounds(&post.terms, &starts);
    }
    ThreadTerms {
        words,
        starts,
        title,
        title_len,
        topic: renumbered[topic as usize],
        posts,
        ids: Vec::new(),
        record: None,
    }
}

/// White space collapsed, cut at a word after about `max` characters.
fn cut_text(text: &str, max: usize) -> String {
    if text.is_ascii() { cut_ascii_text(text, max) } else { cut_any_text(text, max) }
}

/// [`cut_text`] for any text.
fn cut_any_text(text: &str, max: usize) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len().min(max + 64));
    let mut chars = 0;
    // Where the word being read starts.
    let mut word: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let space = match bytes[i] {
            b' ' | b'\t'..=b'\r' => 1,
            // The first bytes of the other white space characters (U+0085, U+00A0,
            // U+1680, U+2000 to U+205F, U+3000).
            0xc2 | 0xe1 | 0xe2 | 0xe3 => {
                text[i..].chars().next().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8)
            }
            _ => 0,
        };
        if space > 0 {
            if let Some(start) = word.take() {
                out.push_str(&text[start..i]);
            }
            i += space;
            continue;
        }
        if word.is_none() {
            if chars >= max {
                out.push('…');
                return out;
            }
            if !out.is_empty() {
                out.push(' ');
                chars += 1;
            }
            word = Some(i);
        }
        // A character is counted at its first byte.
        chars += usize::from(bytes[i] & 0xc0 != 0x80);
        i += 1;
    }
    if let Some(start) = word {
        out.push_str(&text[start..]);
    }
    out
}

/// [`cut_text`] for ASCII text, a character a byte.
fn cut_ascii_text(text: &str, max: usize) -> String {
    let bytes = text.as_bytes();
    let space = |i: usize| (bytes[i] as char).is_whitespace();
    let mut out = String::with_capacity(text.len().min(max + 64));
    let mut i = 0;
    loop {
        while i < bytes.len() && space(i) {
            i += 1;
        }
        if i == bytes.len() {
            break;
        }
        if out.len() >= max {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        // Words one space apart, as most are, are copied as one run.
        let start = i;
        loop {
            while i < bytes.len() && !space(i) {
                i += 1;
            }
            let next_word = i + 1 < bytes.len() && bytes[i] == b' ' && !space(i + 1);
            if !next_word || out.len() + (i - start) >= max {
                break;
            }
            i += 1;
        }
        out.push_str(&text[start..i]);
    }
    out
}

/// [`cut_text`] by the words `split_whitespace` gives: what the tests hold it to.
#[cfg(test)]
fn cut_words(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars >= max {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
    }
    out
}

/// A term's posts and how often it is in each, gathered in doc-id order: per post, its
/// doc id less the one before, times two, plus one if its count is not 1 (LEB128), then
/// that count (capped at 255) as a byte. About two bytes a posting, most counts being 1,
/// where a `u32` and a `u8` in two vectors took five and more: at a million posts this is
/// most of what the index builder holds, so its buffer grows by a quarter at a time, not
/// doubling.
#[derive(Default)]
struct BodyPostings {
    bytes: Vec<u8>,
    /// The last doc id pushed, 0 before the first.
    last: u32,
}

impl BodyPostings {
    fn push(&mut self, doc: u32, count: u8) {
        // A posting takes at most five bytes of LEB128 (33 bits) and one of count.
        if self.bytes.capacity() - self.bytes.len() < 6 {
            self.bytes.reserve_exact((self.bytes.capacity() / 4).max(8));
        }
        // The first doc id is its difference from 0.
        let mut value = (u64::from(doc - self.last) << 1) | u64::from(count != 1);
        while value >= 0x80 {
            self.bytes.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
        if count != 1 {
            self.bytes.push(count);
        }
        self.last = doc;
    }

    #[cfg(test)]
    fn of(postings: &[(u32, u8)]) -> BodyPostings {
        let mut body = BodyPostings::default();
        postings.iter().for_each(|&(doc, count)| body.push(doc, count));
        body
    }

    /// Each post's doc id and count, in order.
    fn iter(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut at = 0;
        let mut doc = 0u32;
        std::iter::from_fn(move || {
            if at >= self.bytes.len() {
                return None;
            }
            let mut value = 0u64;
            let mut shift = 0;
            loop {
                let b = self.bytes[at];
                at += 1;
                value |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b < 0x80 {
                    break;
                }
            }
            doc += (value >> 1) as u32;
            let count = if value & 1 == 1 {
                at += 1;
                self.bytes[at - 1]
            } else {
                1
            };
            Some((doc, count))
        })
    }
}
/// A term's threads (by ordinal) whose title holds it, and how often.
type TitlePostings = Vec<(u32, u8)>;

/// The postings of every term, gathered a batch of threads at a time: the terms are
/// split into [`PARTS`] parts by hash, and the parts are filled in parallel.
///
/// Posts are gathered by doc id, their ordinal in address order, which is compact while
/// gathering but means nothing to another build: the files hold addresses instead.
struct Terms {
    parts: Vec<Part>,
    /// Per thread ordinal (its THREAD in addresses): its first doc id and post count.
    threads: Vec<(u32, u32)>,
    /// Per doc: its length in terms, its title's included.
    lengths: Vec<u32>,
    /// Per doc: its thread's ordinal.
    doc_threads: Vec<u32>,
}

/// The postings of the terms of one part.
#[derive(Default)]
struct Part {
    /// Every term, numbered in order of first appearance: an index into the vectors below.
    words: Words,
    table: hashbrown::HashTable<u32>,
    /// Per term: posts holding it and how often.
    body: Vec<BodyPostings>,
    /// Per term: threads (by ordinal) whose title holds it, and how often. Topic filters
    /// are listed here too, with a count of 0.
    titles: Vec<TitlePostings>,
}

impl Part {
    fn id(&mut self, term: &str, hash: u64) -> u32 {
        let Part { words, table, body, titles } = self;
        if let Some(&id) = table.find(hash, |&id| words.is(id, term)) {
            return id;
        }
        let id = words.len() as u32;
        words.push(term, hash);
        body.push(Default::default());
        titles.push(Vec::new());
        table.insert_unique(hash, id, |&id| words.hashes[id as usize]);
        id
    }

    /// Adds this part's terms of threads that have the ordinals and first doc ids `placed`;
    /// returns the numbers given to the terms of threads not numbered yet, one thread's
    /// after another's.
    fn add(&mut self, part: usize, threads: &[ThreadTerms], placed: &[(u32, u32)]) -> Vec<u32> {
        let mut numbered: Vec<u32> = Vec::new();
        for (thread, &(ordinal, first)) in threads.iter().zip(placed) {
            let (from, to) = (thread.starts[part], thread.starts[part + 1]);
            if from == to {
                continue;
            }
            // The thread's terms of this part, by their number less the part's first.
            let ids = if thread.ids.is_empty() {
                let start = numbered.len();
                numbered
                    .extend((from..to).map(|i| self.id(thread.words.get(i as usize), thread.words.hashes[i as usize])));
                &numbered[start..]
            } else {
                &thread.ids[from as usize..to as usize]
            };
            let id = |term: u32| ids[(term - from) as usize] as usize;
            for &(term, n) in in_range(&thread.title, from, to) {
                self.titles[id(term)].push((ordinal, n.min(255) as u8));
            }
            if (from..to).contains(&thread.topic) {
                self.titles[id(thread.topic)].push((ordinal, 0));
            }
            for (i, post) in thread.posts.iter().enumerate() {
                let doc = first + i as u32;
                for &(term, n) in &post.terms[post.bounds[part] as usize..post.bounds[part + 1] as usize] {
                    self.body[id(term)].push(doc, n.min(255) as u8);
                }
                if let Some(author) = post.author
                    && (from..to).contains(&author)
                {
                    self.body[id(author)].push(doc, 1);
                }
            }
        }
        numbered
    }

    /// A part that starts with the terms of a store, numbered as it numbers them.
    fn starting_with(words: Words) -> Part {
        let mut table = hashbrown::HashTable::with_capacity(words.len());
        for (i, &hash) in words.hashes.iter().enumerate() {
            table.insert_unique(hash, i as u32, |&id| words.hashes[id as usize]);
        }
        let n = words.len();
        Part { words, table, body: (0..n).map(|_| BodyPostings::default()).collect(), titles: vec![Vec::new(); n] }
    }
}

impl Terms {
    /// The index's terms, starting with a store's parts ([`store::Store`]) if given.
    fn new(stored: Option<Vec<Words>>) -> Terms {
        Terms {
            parts: match stored {
                Some(parts) => parts.into_iter().map(Part::starting_with).collect(),
                None => (0..PARTS).map(|_| Part::default()).collect(),
            },
            threads: Vec::new(),
            lengths: Vec::new(),
            doc_threads: Vec::new(),
        }
    }

    /// Adds a batch of threads, the next in address order, and numbers the terms of those
    /// that were not.
    fn add_threads(&mut self, threads: &mut [ThreadTerms]) {
        let placed: Vec<(u32, u32)> = threads
            .iter()
            .map(|thread| {
                let ordinal = self.threads.len() as u32;
                let first = self.lengths.len() as u32;
                self.threads.push((first, thread.posts.len() as u32));
                self.lengths.extend(thread.posts.iter().map(|post| post.len + thread.title_len));
                self.doc_threads.extend(thread.posts.iter().map(|_| ordinal));
                (ordinal, first)
            })
            .collect();
        let numbered: Vec<Vec<u32>> =
            self.parts.par_iter_mut().enumerate().map(|(p, part)| part.add(p, threads, &placed)).collect();
        // Each part's numbers are its threads' terms in that part, one thread after another.
        let mut taken = [0usize; PARTS];
        for thread in threads.iter_mut().filter(|t| t.ids.is_empty()) {
            thread.ids.reserve_exact(thread.starts[PARTS] as usize);
            for (p, numbers) in numbered.iter().enumerate() {
                let n = (thread.starts[p + 1] - thread.starts[p]) as usize;
                thread.ids.extend_from_slice(&numbers[taken[p]..taken[p] + n]);
                taken[p] += n;
            }
        }
    }

    /// Writes the term shards and postings files; returns the shards' first terms, the
    /// number of terms, and each part's terms, numbered (with any a store had that no
    /// thread holds now, which the index leaves out).
    fn write(self, limits: &Limits, sink: &Sink) -> io::Result<(Vec<String>, usize, Vec<Words>)> {
        let Terms { parts, threads, lengths, doc_threads } = self;
        let mut words = Vec::with_capacity(PARTS);
        let mut bodies = Vec::with_capacity(PARTS);
        let mut titles = Vec::with_capacity(PARTS);
        for Part { words: w, body, titles: t, .. } in parts {
            words.push(w);
            bodies.push(body);
            titles.push(t);
        }
        // Terms in order, each by its part and number there: those some post holds.
        let (b, t) = (&bodies, &titles);
        let mut terms: Vec<(&str, u32, u32)> = words
            .iter()
            .enumerate()
            .flat_map(|(p, w)| {
                (0..w.len())
                    .filter(move |&i| !b[p][i].bytes.is_empty() || !t[p][i].is_empty())
                    .map(move |i| (w.get(i), p as u32, i as u32))
            })
            .collect();
        terms.par_sort_unstable_by(|a, b| utf16_order(a.0, b.0));
        let count = terms.len();
        let context = Context {
            threads: &threads,
            lengths: &lengths,
            doc_threads: &doc_threads,
            postings_max: limits.postings_max,
        };
        // Encoded a slice of terms at a time, and written as packs and shards close: only
        // a slice's postings strings are held, not the whole index's, and the postings
        // gathered are freed as their encoding is made.
        let mut files = IndexFiles::new(limits);
        for slice in terms.chunks(ENCODE_TERMS) {
            let slice: Vec<(&str, BodyPostings, TitlePostings)> = slice
                .iter()
                .map(|&(name, p, i)| {
                    let (p, i) = (p as usize, i as usize);
                    (name, std::mem::take(&mut bodies[p][i]), std::mem::take(&mut titles[p][i]))
                })
                .collect();
            let encoded: Vec<(&str, (u32, String))> = slice
                .into_par_iter()
                .map(|(name, body, titles)| (name, context.encode(name, &body, &titles)))
                .collect();
            for (name, (df, postings)) in encoded {
                files.add(name, df, postings)?;
            }
            files.write(sink)?;
        }
        let firsts = files.finish()?;
        files.write(sink)?;
        drop((files, terms));
        Ok((firsts, count, words))
    }
}

/// Terms encoded at a time.
const ENCODE_TERMS: usize = 16 * 1024;

/// Orders terms as JavaScript compares strings, by UTF-16 code units.
///
/// UTF-8's bytes order as code points do, and so as UTF-16 does, but where a character
/// above U+FFFF (UTF-8 from `F0`, UTF-16 a pair from `D800`) meets one from U+E000 to
/// U+FFFF (UTF-8 `EE` or `EF`): the first byte that differs decides, as the characters
/// before it are the same.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (x, y) = (a.as_bytes(), b.as_bytes());
    match x.iter().zip(y).position(|(p, q)| p != q) {
        None => x.len().cmp(&y.len()),
        Some(i) => match (x[i], y[i]) {
            (0xf0.., 0xee..=0xef) => Ordering::Less,
            (0xee..=0xef, 0xf0..) => Ordering::Greater,
            (p, q) => p.cmp(&q),
        },
    }
}

/// Where a term's postings are: in its entry, or the `index`-th string of the `pack`-th
/// pack made.
enum Place {
    Inline(String),
    Packed { pack: usize, index: usize },
}

/// A pack being filled: its name, its members and about its size.
struct OpenPack {
    name: String,
    members: Vec<String>,
    bytes: usize,
}

/// A term shard being filled: its name, its entries, and about its size.
struct OpenShard<'t> {
    name: String,
    entries: Vec<(&'t str, u32, Place)>,
    bytes: usize,
}

/// The term shards and postings packs, made term by term in order.
///
/// Shards are cut before a term where [`chunk::Cuts`] says, by the entry's size as far as
/// it is known when the term comes (its pack's size is not yet). A postings string longer
/// than [`Limits::inline_max`] goes into a pack: packs hold the postings of neighbouring
/// terms of one shard, cut likewise and at the shard's end, and postings of half
/// [`Limits::pack`] or more get a pack of their own. As a pack never serves two shards,
/// its size and members' places, which its entries name, change only with its shard.
struct IndexFiles<'l, 't> {
    limits: &'l Limits,
    shard_cuts: chunk::Cuts,
    pack_cuts: chunk::Cuts,
    shard: Option<OpenShard<'t>>,
    open: Option<OpenPack>,
    /// Every closed pack's name and size, in order.
    packs: Vec<(String, usize)>,
    pack_names: chunk::Names,
    shard_names: chunk::Names,
    /// The first term of every shard.
    firsts: Vec<String>,
    /// Files closed and not yet written: path and text.
    closed: Vec<(String, String)>,
}

impl<'l, 't> IndexFiles<'l, 't> {
    fn new(limits: &'l Limits) -> IndexFiles<'l, 't> {
        IndexFiles {
            limits,
            shard_cuts: chunk::Cuts::new(limits.term_shard),
            pack_cuts: chunk::Cuts::new(limits.pack),
            shard: None,
            open: None,
            packs: Vec::new(),
            pack_names: chunk::Names::default(),
            shard_names: chunk::Names::default(),
            firsts: Vec::new(),
            closed: Vec::new(),
        }
    }

    fn add(&mut self, name: &'t str, df: u32, postings: String) -> io::Result<()> {
        let limits = self.limits;
        let inline = postings.len() <= limits.inline_max;
        // The entry's size but for its DF's and its pack's numbers, which change more often.
        let size = name.len() + if inline { postings.len() + 10 } else { 30 };
        let hash = chunk::hash(name);
        if let Some(shard) = &self.shard
            && self.shard_cuts.before(shard.bytes, size, hash)
        {
            self.close_shard()?;
        }
        if self.shard.is_none() {
            self.firsts.push(name.to_string());
            self.shard = Some(OpenShard { name: self.shard_names.name(name), entries: Vec::new(), bytes: 0 });
        }
        let place = if inline {
            Place::Inline(postings)
        } else {
            // JSON quotes and a comma per member.
            let size = postings.len() + 3;
            let alone = size >= limits.pack / 2;
            if let Some(open) = &self.open
                && (alone || self.pack_cuts.before(open.bytes, size, hash))
            {
                self.close_pack()?;
            }
            let open = match &mut self.open {
                Some(open) => open,
                None => self.open.insert(OpenPack { name: self.pack_names.name(name), members: Vec::new(), bytes: 0 }),
            };
            let index = open.members.len();
            open.members.push(postings);
            open.bytes += size;
            let place = Place::Packed { pack: self.packs.len(), index };
            if alone {
                self.close_pack()?;
            }
            place
        };
        let shard = self.shard.as_mut().expect("a shard is open");
        shard.bytes += size;
        shard.entries.push((name, df, place));
        Ok(())
    }

    fn close_pack(&mut self) -> io::Result<()> {
        let Some(OpenPack { name, members, .. }) = self.open.take() else { return Ok(()) };
        let text = serde_json::to_string(&members).map_err(io::Error::other)?;
        let file = format!("threadarc_search.p(\"{name}\",{text});\n");
        self.packs.push((name.clone(), file.len()));
        self.closed.push((format!("search/p/{name}.js"), file));
        Ok(())
    }

    /// Closes the open shard and its last pack.
    fn close_shard(&mut self) -> io::Result<()> {
        self.close_pack()?;
        let Some(OpenShard { name, entries, .. }) = self.shard.take() else { return Ok(()) };
        let mut text = format!("threadarc_search.t(\"{name}\",[");
        for (i, (term, df, place)) in entries.into_iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            let term = serde_json::to_string(term).map_err(io::Error::other)?;
            let _ = match place {
                Place::Inline(postings) => write!(text, "[{term},{df},\"{postings}\"]"),
                Place::Packed { pack, index } => {
                    let (pack, bytes) = &self.packs[pack];
                    write!(text, "[{term},{df},\"{pack}\",{index},{bytes}]")
                }
            };
        }
        text.push_str("]);\n");
        self.closed.push((format!("search/t/{name}.js"), text));
        Ok(())
    }

    /// Closes what is open; returns the first term of every shard.
    fn finish(&mut self) -> io::Result<Vec<String>> {
        self.close_shard()?;
        Ok(std::mem::take(&mut self.firsts))
    }

    /// Writes the files closed so far, in parallel.
    fn write(&mut self, sink: &Sink) -> io::Result<()> {
        let closed = std::mem::take(&mut self.closed);
        closed.par_iter().try_for_each(|(path, text)| sink(path, text.as_bytes()))
    }
}

/// What encoding a term's postings needs to know of the whole index.
struct Context<'a> {
    threads: &'a [(u32, u32)],
    lengths: &'a [u32],
    doc_threads: &'a [u32],
    postings_max: usize,
}

impl Context<'_> {
    /// The term's document frequency and its postings string.
    fn encode(&self, name: &str, body: &BodyPostings, titles: &[(u32, u8)]) -> (u32, String) {
        // Posts with the term in body or title, in doc order: (doc, count in body, count in
        // title). Both lists ascend, and a title's threads' posts do too.
        let mut postings: Vec<(u32, u8, u8)> = Vec::new();
        let mut body = body.iter().peekable();
        for &(thread, n) in titles {
            let (first, count) = self.threads[thread as usize];
            while let Some(&(doc, b)) = body.peek()
                && doc < first
            {
                postings.push((doc, b, 0));
                body.next();
            }
            for doc in first..first + count {
                let b = body.next_if(|&(d, _)| d == doc).map_or(0, |(_, b)| b);
                postings.push((doc, b, n));
            }
        }
        postings.extend(body.map(|(doc, b)| (doc, b, 0)));
        let df = postings.len() as u32;
        if name.starts_with('!') {
            return (df, vlq::runs(postings.iter().map(|p| self.address(p.0))));
        }
        // Docs ascend as addresses do, so ordering by doc orders by address.
        let mut scored: Vec<(u32, u8)> = postings.iter().map(|&(d, b, t)| (d, self.impact(d, b, t))).collect();
        let mut encoded = self.postings(&scored);
        if encoded.len() > self.postings_max {
            // Keep the best: highest impact, newest first among equals.
            scored.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
            let mut keep = scored.len();
            while encoded.len() > self.postings_max && keep > 1 {
                keep = ((keep as f64 * self.postings_max as f64 / encoded.len() as f64) * 0.98) as usize;
                keep = keep.max(1);
                let mut kept = scored[..keep].to_vec();
                kept.sort_unstable_by_key(|p| p.0);
                encoded = self.postings(&kept);
            }
        }
        (df, encoded)
    }

    /// A doc's address.
    fn address(&self, doc: u32) -> vlq::Address {
        let thread = self.doc_threads[doc as usize];
        (thread, doc - self.threads[thread as usize].0)
    }

    fn postings(&self, scored: &[(u32, u8)]) -> String {
        vlq::postings(scored.iter().map(|&(d, i)| (self.address(d), i)))
    }

    /// A post's quantized BM25 weight for a term it holds `body` times, and its title
    /// `title` times.
    fn impact(&self, doc: u32, body: u8, title: u8) -> u8 {
        let tf = f64::from(body) + TITLE_WEIGHT * f64::from(title);
        let length = f64::from(self.lengths[doc as usize]);
        let weight = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / REFERENCE_LENGTH));
        ((weight / (K1 + 1.0) * LEVELS).ceil() - 1.0).clamp(0.0, LEVELS - 1.0) as u8
    }
}

/// The doc shards, written as threads are read, in address order. A shard may end before
/// any post ([`chunk::Cuts`], by the hash of the post's thread's key and its index), so
/// that a thread's new posts change the shard its end is in and not the shards after it.
struct DocShards {
    cuts: chunk::Cuts,
    /// The posts pushed.
    docs: u32,
    /// The next thread's ordinal.
    next_thread: u32,
    /// The first address of every shard written or open.
    firsts: Vec<vlq::Address>,
    /// The open shard's threads: each one's entry before its posts (`[TITLE,URL,TOPIC,[`)
    /// and its posts' entries; and about their size.
    threads: Vec<(String, String)>,
    bytes: usize,
}

impl DocShards {
    fn new(target: usize) -> DocShards {
        DocShards {
            cuts: chunk::Cuts::new(target),
            docs: 0,
            next_thread: 0,
            firsts: Vec::new(),
            threads: Vec::new(),
            bytes: 0,
        }
    }

    /// Adds the next thread's posts; shards that end go into `closed` as (path, text).
    fn push_thread(&mut self, site: &Site, t: usize, thread: &ThreadTerms, closed: &mut Vec<(String, String)>) {
        let entry = &site.threads[t];
        let ordinal = self.next_thread;
        self.next_thread += 1;
        let head = json!([entry.thread.title, site.thread_path(entry), site.topics[entry.topic].title]).to_string();
        let head = format!("{},[", head.strip_suffix(']').unwrap_or(&head));
        if thread.posts.is_empty() {
            // Its place in an open shard's list, which numbers threads from the first.
            if !self.threads.is_empty() {
                self.bytes += head.len() + 3;
                self.threads.push((head, String::new()));
            }
            return;
        }
        let key = chunk::thread_hash(&entry.key);
        for (p, post) in thread.posts.iter().enumerate() {
            let p = p as u32;
            let head_bytes = head.len() + 3;
            let size = post.entry.len() + 1 + if p == 0 { head_bytes } else { 0 };
            if self.cuts.before(self.bytes, size, chunk::post_hash(key, p)) {
                self.flush(closed);
            }
            if self.threads.is_empty() {
                self.firsts.push((ordinal, p));
            }
            if p == 0 || self.threads.is_empty() {
                self.threads.push((head.clone(), String::new()));
                self.bytes += head_bytes;
            }
            let posts = &mut self.threads.last_mut().expect("the thread was pushed").1;
            if !posts.is_empty() {
                posts.push(',');
            }
            posts.push_str(&post.entry);
            self.bytes += post.entry.len() + 1;
            self.docs += 1;
        }
    }

    fn flush(&mut self, closed: &mut Vec<(String, String)>) {
        if self.threads.is_empty() {
            return;
        }
        let (t, p) = *self.firsts.last().expect("an open shard has a first address");
        let name = if p == 0 { t.to_string() } else { format!("{t}-{p}") };
        let threads: Vec<String> = self.threads.drain(..).map(|(head, posts)| format!("{head}{posts}]]")).collect();
        let text =
            format!("threadarc_search.d(\"{name}\",{{\"first\":[{t},{p}],\"threads\":[{}]}});\n", threads.join(","));
        closed.push((format!("search/d/{name}.js"), text));
        self.bytes = 0;
    }

    fn finish(&mut self, closed: &mut Vec<(String, String)>) {
        self.flush(closed);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::Config;
    use crate::model::Format;
    use crate::model::{Post, Thread};

    fn thread(path: &str, topic: &str, title: &str, date: &str, posts: &[(&str, &str)]) -> Thread {
        Thread {
            path: path.into(),
            format: Format::Plain,
            title: title.into(),
            topic: topic.into(),
            tags: vec![],
            source: None,
            paragraphs: Default::default(),
            posts: posts
                .iter()
                .enumerate()
                .map(|(i, (author, body))| Post {
                    number: i as u32 + 1,
                    author: (!author.is_empty()).then(|| (*author).to_owned()),
                    date: Some(date.parse().unwrap()),
                    body: (*body).into(),
                    ..Post::default()
                })
                .collect(),
            excerpts: Vec::new(),
            released: false,
        }
    }

    fn site() -> Site {
        Site::new(
            Config::default(),
            vec![
                thread(
                    "garden/new.txt",
                    "garden",
                    "Tomato blight",
                    "2022-06-01T00:00:00Z",
                    &[
                        ("Ann Lee", "My tomato leaves have spots."),
                        ("Bob", "Blight. Remove the leaves."),
                        ("", "Café tip"),
                    ],
                ),
                thread(
                    "garden/old.txt",
                    "garden",
                    "Roses",
                    "2020-01-01T00:00:00Z",
                    &[("Bob", "Roses and a tomato or two <script>x</script>"), ("Ann Lee", "nice")],
                ),
                thread("bikes/a.txt", "bikes", "Chains", "2021-01-01T00:00:00Z", &[("Cy", "Oil the chain")]),
            ],
        )
    }

    fn files(site: &Site, limits: Limits) -> BTreeMap<String, String> {
        let files = std::sync::Mutex::new(BTreeMap::new());
        write_index_with(site, limits, &|path, bytes| {
            let old = files.lock().unwrap().insert(path.to_owned(), String::from_utf8(bytes.to_vec()).unwrap());
            assert!(old.is_none(), "{path} written twice");
            Ok(())
        })
        .unwrap();
        files.into_inner().unwrap()
    }

    /// The JSON arguments of `threadarc_search.X(…);`.
    fn args(file: &str) -> Vec<serde_json::Value> {
        let inner = file.trim_end().strip_suffix(");").unwrap();
        let inner = &inner[inner.find('(').unwrap() + 1..];
        serde_json::from_str(&format!("[{inner}]")).unwrap()
    }

    /// Every term shard's entries, by file.
    fn entries(files: &BTreeMap<String, String>) -> impl Iterator<Item = (&String, Vec<serde_json::Value>)> {
        files.iter().filter(|(n, _)| n.starts_with("search/t/")).map(|(name, text)| {
            let a = args(text);
            assert_eq!(name, &format!("search/t/{}.js", a[0].as_str().unwrap()));
            (name, a[1].as_array().unwrap().clone())
        })
    }

    /// A term's document frequency and postings as numbers.
    fn postings(files: &BTreeMap<String, String>, term: &str) -> Option<(u64, Vec<u64>)> {
        for (_, list) in entries(files) {
            for entry in list {
                if entry[0] == term {
                    let list = if entry.as_array().unwrap().len() == 3 {
                        entry[2].as_str().unwrap().to_owned()
                    } else {
                        let pack = entry[2].as_str().unwrap();
                        let file = &files[&format!("search/p/{pack}.js")];
                        assert_eq!(args(file)[0], pack);
                        assert_eq!(file.len() as u64, entry[4].as_u64().unwrap(), "the pack's size");
                        args(file)[1][entry[3].as_u64().unwrap() as usize].as_str().unwrap().to_owned()
                    };
                    return Some((entry[1].as_u64().unwrap(), vlq::decode(&list).unwrap()));
                }
            }
        }
        None
    }

    /// Reads a step (the format's `2 × Y + S`, and the threads skipped): the address it
    /// leads to from `at` (thread, the next post in it) and Y.
    fn step(values: &mut impl Iterator<Item = u64>, at: &mut (i64, u64)) -> Option<u64> {
        let x = values.next()?;
        if x % 2 == 1 {
            at.0 += 1 + values.next().unwrap() as i64;
            at.1 = 0;
        }
        Some(x / 2)
    }

    /// A word's postings as ((thread, post), impact).
    fn word(files: &BTreeMap<String, String>, term: &str) -> Vec<((u64, u64), u64)> {
        let (_, values) = postings(files, term).unwrap_or_else(|| panic!("no term {term}"));
        let mut values = values.into_iter();
        let mut at = (-1, 0);
        let mut out = Vec::new();
        while let Some(y) = step(&mut values, &mut at) {
            let post = at.1 + y / 16;
            out.push(((at.0 as u64, post), y % 16));
            at.1 = post + 1;
        }
        out
    }

    /// A filter's posts, from its runs.
    fn filter(files: &BTreeMap<String, String>, term: &str) -> Vec<(u64, u64)> {
        let (df, values) = postings(files, term).unwrap_or_else(|| panic!("no term {term}"));
        let mut values = values.into_iter();
        let mut at = (-1, 0);
        let mut out = Vec::new();
        while let Some(y) = step(&mut values, &mut at) {
            let len = values.next().unwrap() + 1;
            out.extend((at.1 + y..at.1 + y + len).map(|p| (at.0 as u64, p)));
            at.1 += y + len;
        }
        assert_eq!(out.len() as u64, df);
        out
    }

    /// The doc shards' first addresses from the meta, with the files' names.
    fn doc_shards(files: &BTreeMap<String, String>) -> Vec<((u64, u64), String)> {
        let meta = args(&files["search/meta.js"]);
        let values = vlq::decode(meta[0]["docShards"].as_str().unwrap()).unwrap();
        let mut thread = 0;
        values
            .chunks(2)
            .map(|pair| {
                thread += pair[0];
                let name = if pair[1] == 0 { thread.to_string() } else { format!("{thread}-{}", pair[1]) };
                ((thread, pair[1]), format!("search/d/{name}.js"))
            })
            .collect()
    }

    /// Every post's doc shard entry by address, checking that each is in the shard the
    /// meta names for it, and the thread's entry.
    fn posts(files: &BTreeMap<String, String>) -> Vec<((u64, u64), serde_json::Value, serde_json::Value)> {
        let shards = doc_shards(files);
        assert_eq!(shards.len(), files.keys().filter(|k| k.starts_with("search/d/")).count());
        let mut out: Vec<((u64, u64), serde_json::Value, serde_json::Value)> = Vec::new();
        for (i, ((t0, p0), name)) in shards.iter().enumerate() {
            let a = args(&files[name]);
            assert_eq!(format!("search/d/{}.js", a[0].as_str().unwrap()), *name);
            assert_eq!(a[1]["first"], json!([t0, p0]));
            for (k, thread) in a[1]["threads"].as_array().unwrap().iter().enumerate() {
                let start = if k == 0 { *p0 } else { 0 };
                for (j, post) in thread[3].as_array().unwrap().iter().enumerate() {
                    let at = (t0 + k as u64, start + j as u64);
                    if let Some(&(last, _, _)) = out.last().as_ref() {
                        assert!(*last < at, "{last:?} then {at:?}");
                    }
                    if let Some(&(next, _)) = shards.get(i + 1).as_ref() {
                        assert!(at < *next, "{at:?} is in the next shard's range");
                    }
                    out.push((at, post.clone(), thread.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn posts_are_addressed_oldest_thread_first() {
        let files = files(&site(), Limits::default());
        let meta = args(&files["search/meta.js"]);
        assert_eq!(meta[0]["format"], 2);
        assert_eq!(meta[0]["docs"], 6);
        assert_eq!(meta[0]["topics"], json!([["bikes", "Bikes"], ["garden", "Garden"]]));
        assert_eq!(doc_shards(&files), [((0, 0), "search/d/0.js".to_owned())]);
        let posts = posts(&files);
        let found: Vec<((u64, u64), &str)> = posts.iter().map(|(at, _, t)| (*at, t[0].as_str().unwrap())).collect();
        assert_eq!(
            found,
            [
                ((0, 0), "Roses"),
                ((0, 1), "Roses"),
                ((1, 0), "Chains"),
                ((2, 0), "Tomato blight"),
                ((2, 1), "Tomato blight"),
                ((2, 2), "Tomato blight")
            ]
        );
        assert_eq!(posts[3].1, json!([1, "Ann Lee", "2022-06-01", "My tomato leaves have spots."]));
        assert_eq!(posts[5].1[1], serde_json::Value::Null);
        let thread = posts[3].2.as_array().unwrap();
        assert_eq!(thread[..3], [json!("Tomato blight"), json!("garden/tomato-blight.html"), json!("Garden")]);
    }

    #[test]
    fn words_titles_and_filters_are_indexed() {
        let files = files(&site(), Limits::default());
        // "tomato": in two bodies and one title, so in every post of that thread.
        let tomato = word(&files, "tomato");
        assert_eq!(tomato.iter().map(|p| p.0).collect::<Vec<_>>(), [(0, 0), (2, 0), (2, 1), (2, 2)]);
        assert_eq!(postings(&files, "tomato").unwrap().0, 4);
        // A post with the word in its body and its title outweighs one with it in the title only.
        assert!(tomato[1].1 > tomato[2].1, "{tomato:?}");
        assert_eq!(word(&files, "cafe").iter().map(|p| p.0).collect::<Vec<_>>(), [(2, 2)]);
        // Markup in a post is text: its words are found, no tag is a term.
        assert!(postings(&files, "script").is_some());
        assert!(postings(&files, "<script>").is_none());
        // Filters: runs of posts, one thread each.
        assert_eq!(postings(&files, "!t:garden").unwrap(), (5, vec![1, 0, 1, 1, 1, 2]));
        assert_eq!(filter(&files, "!t:garden"), [(0, 0), (0, 1), (2, 0), (2, 1), (2, 2)]);
        assert_eq!(filter(&files, "!t:bikes"), [(1, 0)]);
        assert_eq!(filter(&files, "!a:ann lee"), [(0, 1), (2, 0)]);
        assert!(postings(&files, &author_term("  ANN   Lée ")).is_some());
    }

    #[test]
    fn shorter_posts_weigh_more() {
        let site = Site::new(
            Config::default(),
            vec![thread(
                "t/a.txt",
                "t",
                "x",
                "2020-01-01T00:00:00Z",
                &[("", "rare word"), ("", "rare word and a great many other words that dilute it a lot more")],
            )],
        );
        let rare = word(&files(&site, Limits::default()), "rare");
        assert!(rare[0].1 > rare[1].1, "{rare:?}");
    }

    #[test]
    fn weights_do_not_depend_on_other_posts() {
        let one = |extra: &[(&str, &str)]| {
            let mut posts = vec![("", "a rare word in a post of ordinary length")];
            posts.extend_from_slice(extra);
            let site = Site::new(Config::default(), vec![thread("t/a.txt", "t", "x", "2020-01-01T00:00:00Z", &posts)]);
            word(&files(&site, Limits::default()), "rare")[0]
        };
        let long = "word ".repeat(500);
        assert_eq!(one(&[]), one(&[("", &long), ("", &long)]));
    }

    #[test]
    fn small_limits_split_shards_and_cut_common_words() {
        let many: Vec<(&str, &str)> =
            (0..300).map(|i| ("", if i % 3 == 0 { "common common rare" } else { "common filler" })).collect();
        let config = Config { posts_per_page: 100, ..Config::default() };
        let site = Site::new(config, vec![thread("t/a.txt", "t", "Many", "2020-01-01T00:00:00Z", &many)]);
        let limits = Limits { postings_max: 64, inline_max: 8, term_shard: 64, doc_shard: 512, pack: 128 };
        let files = files(&site, limits);
        let meta = args(&files["search/meta.js"]);
        let firsts: Vec<&str> = meta[0]["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert!(firsts.len() > 1 && firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
        // Term shards are named after their first terms.
        for first in &firsts {
            assert!(files.contains_key(&format!("search/t/{}.js", chunk::name_of(first))), "{first}");
        }
        assert_eq!(files.keys().filter(|k| k.starts_with("search/t/")).count(), firsts.len());
        assert!(files.keys().any(|k| k.starts_with("search/p/")));
        // "common" is in every post: its postings are cut to the best, which hold it twice.
        let (df, _) = postings(&files, "common").unwrap();
        let kept = word(&files, "common");
        assert_eq!(df, 300);
        assert!(kept.len() < 300 && !kept.is_empty());
        assert!(kept.iter().all(|&((thread, post), _)| thread == 0 && post % 3 == 0), "{kept:?}");
        // Filters are never cut.
        assert_eq!(postings(&files, "!t:t").unwrap(), (300, vec![1, 0, 299]));
        // The thread's posts span doc shards, each in the one the meta names for it.
        let shards = doc_shards(&files);
        assert!(shards.len() > 1 && shards.iter().any(|((_, p), _)| *p > 0), "{shards:?}");
        let posts = posts(&files);
        assert_eq!(posts.iter().map(|p| p.0).collect::<Vec<_>>(), (0..300).map(|p| (0, p)).collect::<Vec<_>>());
        // Posts past the first page say which page they are on.
        assert_eq!(posts[99].1.as_array().unwrap().len(), 4);
        assert_eq!(posts[100].1[4], 2);
        assert_eq!(posts[299].1[4], 3);
    }

    /// Small texts of the characters that matter to terms' order and to cutting text.
    fn odd_texts(count: usize, alphabet: &[&str]) -> Vec<String> {
        let mut seed: u64 = 0x5eed;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        (0..count)
            .map(|_| {
                let len = next() % 9;
                (0..len).map(|_| alphabet[next() % alphabet.len()]).collect()
            })
            .collect()
    }

    #[test]
    fn term_order_is_utf16_order() {
        let texts =
            odd_texts(400, &["a", "b", "z", "é", "ÿ", "가", "\u{e000}", "ﬀ", "\u{ffff}", "𠀀", "😀", "\u{10ffff}"]);
        for a in &texts {
            for b in &texts {
                assert_eq!(utf16_order(a, b), a.encode_utf16().cmp(b.encode_utf16()), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn text_is_cut_at_the_words_split_whitespace_gives() {
        let alphabet = [
            "a", "bc", "defgh", " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x00", "-", ".", "é", "東京",
            "😀", "\u{a0}", "\u{85}", "\u{2003}", "\u{3000}", "\u{200b}", "\u{301}",
        ];
        for text in odd_texts(20_000, &alphabet) {
            for max in [0, 1, 2, 3, 5, 8] {
                let words = cut_words(&text, max);
                assert_eq!(cut_any_text(&text, max), words, "{text:?} {max}");
                if text.is_ascii() {
                    assert_eq!(cut_ascii_text(&text, max), words, "{text:?} {max}");
                }
            }
        }
    }

    #[test]
    fn gathered_postings_read_back() {
        let postings = [(0, 1), (1, 255), (63, 1), (64, 1), (127, 3), (128, 0), (100_000, 7), (u32::MAX, 1)];
        assert_eq!(BodyPostings::of(&postings).iter().collect::<Vec<_>>(), postings);
        assert_eq!(BodyPostings::of(&[(5, 1)]).iter().collect::<Vec<_>>(), [(5, 1)]);
        assert_eq!(BodyPostings::default().iter().count(), 0);
    }

    #[test]
    fn the_index_is_the_same_every_time() {
        assert_eq!(files(&site(), Limits::default()), files(&site(), Limits::default()));
    }

    #[test]
    fn terms_sort_as_javascript_compares_them() {
        let site = Site::new(
            Config::default(),
            vec![thread("t/a.txt", "t", "x", "2020-01-01T00:00:00Z", &[("", "𠀀 가 z ﬀ é")])],
        );
        let files = files(&site, Limits { term_shard: 1, ..Limits::default() });
        let meta = args(&files["search/meta.js"]);
        let firsts: Vec<Vec<u16>> =
            meta[0]["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().encode_utf16().collect()).collect();
        assert!(firsts.len() > 5 && firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
    }

    /// An archive of `threads` threads of made-up words, the same every time.
    fn forum(threads: usize) -> Vec<Thread> {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let syllables = ["ka", "ro", "mi", "te", "su", "na", "lo", "pe", "vi", "da", "qu", "zo"];
        let mut word = move || {
            // Zipf-like: small numbers far more often.
            let n = next(4000) * next(4000) / 4000;
            let mut w = String::new();
            let mut k = n + 1;
            while k > 0 {
                w.push_str(syllables[(k % 12) as usize]);
                k /= 12;
            }
            w
        };
        let authors = ["ann", "bob", "cy", "dee", "eve", "fay", "gus"];
        (0..threads)
            .map(|t| {
                let title: Vec<String> = (0..4).map(|_| word()).collect();
                let bodies: Vec<(String, String)> = (0..2 + t % 13)
                    .map(|p| {
                        let words: Vec<String> = (0..10 + (t * 7 + p * 3) % 50).map(|_| word()).collect();
                        (authors[(t + p) % 7].to_owned(), words.join(" "))
                    })
                    .collect();
                let posts: Vec<(&str, &str)> = bodies.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                let date = format!("2020-{:02}-{:02}T{:02}:00:00Z", 1 + t / 200, 1 + t / 8 % 25, t % 8);
                thread(&format!("t{}/{t}.txt", t % 3), &format!("t{}", t % 3), &title.join(" "), &date, &posts)
            })
            .collect()
    }

    /// Index files that differ between two builds: changed, new or gone.
    fn differing(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
        let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        names.into_iter().filter(|n| a.get(*n) != b.get(*n)).cloned().collect()
    }

    /// The terms of a post as the index holds them: its words, its thread's title's, its
    /// topic and author.
    fn terms_of(thread: &Thread, body: &str, author: &str) -> std::collections::BTreeSet<String> {
        let mut terms = std::collections::BTreeSet::new();
        tokenize::for_each_term(body, |t| {
            terms.insert(t.to_owned());
        });
        tokenize::for_each_term(&thread.title, |t| {
            terms.insert(t.to_owned());
        });
        terms.insert(topic_term(&thread.topic));
        terms.insert(author_term(author));
        terms
    }

    /// Which of the term shards and packs that differ between `before` and `after` are
    /// not explained by `terms`: a term shard must hold one of them (in either build), a
    /// pack must serve such a shard (packs never serve two).
    fn unexplained(
        before: &BTreeMap<String, String>,
        after: &BTreeMap<String, String>,
        terms: &std::collections::BTreeSet<String>,
    ) -> Vec<String> {
        let mut explained = std::collections::BTreeSet::new();
        for files in [before, after] {
            for (name, list) in entries(files) {
                if list.iter().any(|e| terms.contains(e[0].as_str().unwrap())) {
                    explained.insert(name.clone());
                    for e in list.iter().filter(|e| e.as_array().unwrap().len() == 5) {
                        explained.insert(format!("search/p/{}.js", e[2].as_str().unwrap()));
                    }
                }
            }
        }
        differing(before, after)
            .into_iter()
            .filter(|n| (n.starts_with("search/t/") || n.starts_with("search/p/")) && !explained.contains(n))
            .collect()
    }

    #[test]
    fn a_reply_changes_only_the_files_that_show_it() {
        let limits = Limits { inline_max: 48, term_shard: 1024, doc_shard: 2048, pack: 1024, ..Limits::default() };
        let mut threads = forum(300);
        let before = files(&Site::new(Config::default(), threads.clone()), limits);
        let total = before.len();
        assert!(total > 150, "{total} files");
        // A reply to a thread in the middle of the order.
        let body = "a reply about kamiro and a brandnewword";
        let target = threads.iter().position(|t| t.path == "t1/151.txt").unwrap();
        let mut reply = threads[target].posts[0].clone();
        reply.number = threads[target].posts.len() as u32 + 1;
        reply.author = Some("zed".into());
        reply.body = body.into();
        threads[target].posts.push(reply);
        let terms = terms_of(&threads[target], body, "zed");
        let after = files(&Site::new(Config::default(), threads.clone()), limits);
        let changed = differing(&before, &after);
        // The meta, the thread's doc shard, the term shards and packs of the reply's terms.
        assert!(changed.contains(&"search/meta.js".to_owned()));
        let docs: Vec<&String> = changed.iter().filter(|n| n.starts_with("search/d/")).collect();
        assert!(!docs.is_empty() && docs.len() <= 3, "{docs:?}");
        // Now and then a cut moves and the shards after it change until the cuts fall
        // where they did: a neighbour or two, with its packs.
        let odd = unexplained(&before, &after, &terms);
        assert!(odd.len() <= 5, "{odd:?} of {changed:?}");
        let shards_of_terms = terms.len() * 2;
        assert!(changed.len() <= 1 + 3 + shards_of_terms + 5, "{} files changed: {changed:?}", changed.len());
        assert!(changed.len() * 5 < total, "{} of {total} files changed", changed.len());
        // Every other thread's posts kept their addresses.
        let old: Vec<_> = posts(&before).into_iter().map(|p| p.0).collect();
        let new: Vec<_> = posts(&after).into_iter().map(|p| p.0).collect();
        assert_eq!(new.len(), old.len() + 1);
        assert!(old.iter().all(|a| new.contains(a)));

        // A new newest thread.
        let before = after;
        let mut newest = forum(1).remove(0);
        newest.path = "t0/newest.txt".into();
        newest.posts.truncate(1);
        newest.posts[0].date = Some("2030-01-01T00:00:00Z".parse().unwrap());
        let body = newest.posts[0].body.clone();
        let author = newest.posts[0].author.clone().unwrap();
        let terms = terms_of(&newest, &body, &author);
        threads.push(newest);
        let after = files(&Site::new(Config::default(), threads), limits);
        let changed = differing(&before, &after);
        let docs: Vec<&String> = changed.iter().filter(|n| n.starts_with("search/d/")).collect();
        assert!(!docs.is_empty() && docs.len() <= 2, "{docs:?}");
        let odd = unexplained(&before, &after, &terms);
        assert!(odd.len() <= 5, "{odd:?} of {changed:?}");
        assert!(changed.len() * 5 < total, "{} of {total} files changed", changed.len());
    }
}
