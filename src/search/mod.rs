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
//! # The index format (version 1)
//!
//! Everything lives under `search/` in the archive; every file is UTF-8 JavaScript of the
//! form `threadarc_search.X(...);` with JSON arguments.
//!
//! **Posts** are numbered 0..N (doc ids) thread by thread, threads in order of their first
//! post's date (undated first), posts in thread order. A higher doc id is a newer post as
//! far as the dumps tell, which is how ties in ranking are broken.
//!
//! **Terms** are what [`tokenize`] makes of a post's plain text (quotes of other posts
//! left out) and of its thread's title, plus two kinds of filter terms: `!t:SLUG` for the
//! topic of a post's thread and `!a:NAME` for its author (the name folded, white space
//! collapsed). Filter terms cannot clash with words, which never hold `!`.
//!
//! `search/meta.js`, loaded first:
//! `threadarc_search.m({"format":1,"docs":N,"terms":[FIRST…],"docShards":"VLQ","topics":[[SLUG,TITLE]…]})`.
//! `terms` is the first term of each term shard, in order: a term is in the last shard
//! whose first term is not greater than it (terms sort by UTF-16 code units, as
//! JavaScript compares strings), and a prefix's terms are in that shard and the following
//! ones whose first term starts with the prefix. `docShards` is the first doc id of each
//! doc shard, as VLQ numbers (below), each the difference from the one before.
//!
//! `search/t/K.js`, term shard K: `threadarc_search.t(K,[ENTRY…])`, entries sorted by
//! term. An entry is `[TERM,DF,POSTINGS]`, postings inline, or `[TERM,DF,PACK,I,BYTES]`
//! when they are the I-th string of the pack `search/p/PACK.js`
//! (`threadarc_search.p(PACK,["POSTINGS"…])`, BYTES long). A pack holds the postings of
//! neighbouring terms up to about [`Limits::pack`] bytes, or one term's alone when they
//! are long. DF is the number of posts that hold the term.
//!
//! **Postings** are a string of VLQ numbers: base64 digits
//! (`A-Z a-z 0-9 + /`) of five bits each, least significant first, the sixth bit
//! (value 32) saying another digit follows, as in source maps. For a word, posts in doc-id
//! order, one number each: `(doc − previous doc − 1) × 16 + impact`, the previous doc
//! starting at −1. `impact` (0–15) is the post's BM25 weight for the term, quantized:
//! `tf × (k1 + 1) / (tf + k1 × (1 − b + b × length / average length))` with k1 = 1.2,
//! b = 0.75, where tf counts the term in the post plus [`TITLE_WEIGHT`] times in its
//! thread's title, and length is the post's terms plus its title's. The query side
//! multiplies by the term's idf, `ln(1 + (N − DF + 0.5) / (DF + 0.5))`. A word whose
//! postings would be longer than [`POSTINGS_MAX`] keeps only its highest-impact posts
//! (newest first among equals): such a word (in a large archive, one in more than about
//! one post in ten, like *the*) ranks results but cannot restrict them. For a filter term,
//! runs of consecutive posts, two numbers each: the run's first doc minus the end of the
//! run before (starting at 0), and its length minus one. Filters are never cut.
//!
//! `search/d/K.js`, doc shard K, the posts from its first doc id to the next shard's:
//! `threadarc_search.d(K,{"first":DOC,"threads":[[TITLE,URL,TOPIC]…],"docs":[[THREAD,NUMBER,AUTHOR,DATE,TEXT,PAGE?]…]})`.
//! THREAD indexes the shard's own `threads`; URL is the thread page's path from the
//! archive's root (the post's anchor is `#post-NUMBER`); PAGE, present only for a post
//! past the first page of a long thread, puts the post on `URL-without-.html/PAGE.html`
//! (see `Site::thread_page_path`); TOPIC is the topic's title;
//! AUTHOR and DATE (`YYYY-MM-DD`) may be `null`; TEXT is the post's plain text, cut at a
//! word after about [`TEXT_MAX_CHARS`] characters, from which the browser makes snippets
//! and checks quoted phrases.

pub mod tokenize;
mod vlq;

use std::borrow::Cow;
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;

use crate::render::markup;
use crate::site::Site;

/// How many times a word in a thread's title counts for each post of the thread.
pub const TITLE_WEIGHT: f64 = 2.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Quantization levels of a posting's impact.
const LEVELS: f64 = 16.0;

/// Longest postings string kept for one word, in bytes.
pub const POSTINGS_MAX: usize = 128 * 1024;
/// Text kept per post for snippets and phrase checks.
pub const TEXT_MAX_CHARS: usize = 1000;

/// The sizes that shape the index: what a query loads against how many files there are.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest postings string kept for one word, in bytes ([`POSTINGS_MAX`]).
    pub postings_max: usize,
    /// Postings up to this long sit in their term shard; longer ones get a file.
    pub inline_max: usize,
    /// A term shard is closed once it is this long, in bytes.
    pub term_shard: usize,
    /// A doc shard is closed once it is this long, in bytes.
    pub doc_shard: usize,
    /// A postings pack is closed once it is this long, in bytes.
    pub pack: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            postings_max: POSTINGS_MAX,
            inline_max: 512,
            term_shard: 16 * 1024,
            doc_shard: 32 * 1024,
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
}

/// Where index files go: a relative path under the archive's root and the file's bytes.
/// Files are handed over from several threads at once, in no particular order.
pub type Sink<'a> = dyn Fn(&str, &[u8]) -> io::Result<()> + Sync + 'a;

/// Post bodies taken out of a site for the index, each thread's freed as soon as it is
/// tokenised. The index is the last thing a build makes of the bodies, and at a million
/// posts they are most of the memory a build holds.
pub struct Bodies(Vec<Mutex<Vec<String>>>);

impl Bodies {
    /// Takes every post's body out of `site`, leaving it empty.
    pub fn take(site: &mut Site) -> Bodies {
        Bodies(
            site.threads
                .iter_mut()
                .map(|e| Mutex::new(e.thread.posts.iter_mut().map(|p| std::mem::take(&mut p.body)).collect()))
                .collect(),
        )
    }

    /// The bodies of thread `t`'s posts, which are then no longer held here.
    fn thread(&self, t: usize) -> Vec<String> {
        std::mem::take(&mut *self.0[t].lock().expect("no indexer panicked"))
    }
}

/// Builds the search index of a site and hands every file to `sink`, `search/meta.js` last;
/// `progress` is told of each thread indexed. The posts' bodies are read from `bodies`
/// where given ([`Bodies::take`]), else from the site.
pub fn write_index(
    site: &Site,
    bodies: Option<Bodies>,
    sink: &Sink,
    progress: &(dyn Fn() + Sync),
) -> io::Result<IndexStats> {
    write_index_inner(site, bodies.as_ref(), Limits::default(), sink, progress)
}

/// [`write_index`] with other sizes.
pub fn write_index_with(site: &Site, limits: Limits, sink: &Sink) -> io::Result<IndexStats> {
    write_index_inner(site, None, limits, sink, &|| {})
}

fn write_index_inner(
    site: &Site,
    bodies: Option<&Bodies>,
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
    let order = thread_order(site);
    let mut terms = Terms::new();
    let mut docs = DocShards { target: limits.doc_shard, ..DocShards::default() };
    // One batch is tokenised (in parallel) while the one before is merged and the doc
    // shards the one before that closed are written.
    let mut pending: Option<(&[usize], Vec<ThreadTerms>)> = None;
    let mut closed: Vec<(String, String)> = Vec::new();
    for batch in batches(site, &order).map(Some).chain([None]) {
        let writing = std::mem::take(&mut closed);
        let ((next, written), merged) = rayon::join(
            || {
                rayon::join(
                    || batch.map(|b| (b, b.par_iter().map(|&t| read_thread(site, t, bodies)).collect::<Vec<_>>())),
                    || write_all(&writing),
                )
            },
            || {
                let mut closed = Vec::new();
                if let Some((batch, read)) = pending.take() {
                    for (&t, thread) in batch.iter().zip(&read) {
                        docs.push_thread(site, t, thread, &mut closed);
                        progress();
                    }
                    terms.add_threads(&read);
                }
                closed
            },
        );
        written?;
        closed = merged;
        pending = next;
    }
    docs.finish(&mut closed);
    write_all(&closed)?;
    drop(closed);
    let (shard_terms, term_count) = terms.write(&limits, &counted)?;
    let topics: Vec<(&str, &str)> = site.topics.iter().map(|t| (t.slug.as_str(), t.title.as_str())).collect();
    let meta = json!({
        "format": 1,
        "docs": docs.next_doc,
        "terms": shard_terms,
        "docShards": vlq::deltas(&docs.firsts),
        "topics": topics,
    });
    counted("search/meta.js", format!("threadarc_search.m({meta});\n").as_bytes())?;
    Ok(IndexStats {
        docs: docs.next_doc as usize,
        terms: term_count,
        files: files.into_inner(),
        bytes: bytes_written.into_inner(),
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

/// Threads in doc-id order: by first post's date, undated first, then by dump.
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

/// One thread, tokenised. Every term comes with its part ([`part_of`]), and lists of
/// terms are sorted by part, so that each part of the index finds its own quickly.
struct ThreadTerms {
    /// Terms of the title with their counts, and the title's length in terms.
    title: Vec<(u8, String, u32)>,
    title_len: u32,
    topic: (u8, String),
    posts: Vec<PostTerms>,
}

struct PostTerms {
    terms: Vec<(u8, String, u32)>,
    len: u32,
    /// The author's filter term.
    author: Option<(u8, String)>,
    /// The doc shard entry's JSON after its thread index: `NUMBER,AUTHOR,DATE,TEXT]`.
    entry: String,
}

/// How many parts the terms are gathered in, each by its own thread.
const PARTS: usize = 16;

/// The part a term is gathered in: from the top bits of its hash.
fn part_of(term: &str) -> u8 {
    use std::hash::BuildHasher;
    (rustc_hash::FxBuildHasher.hash_one(term) >> 60) as u8 % PARTS as u8
}

/// With its part.
fn parted(term: String) -> (u8, String) {
    (part_of(&term), term)
}

/// The entries of a list sorted by part that are in part `part`.
fn in_part<T>(list: &[(u8, T, u32)], part: u8) -> &[(u8, T, u32)] {
    let start = list.partition_point(|e| e.0 < part);
    let end = list.partition_point(|e| e.0 <= part);
    &list[start..end]
}

/// The terms of a text with their counts and parts, sorted by part, and how many there are
/// in all.
fn counted(text: &str) -> (Vec<(u8, String, u32)>, u32) {
    let mut counts: FxHashMap<String, u32> = FxHashMap::default();
    let mut len = 0;
    tokenize::for_each_term(text, |term| {
        len += 1;
        match counts.get_mut(term) {
            Some(n) => *n += 1,
            None => {
                counts.insert(term.to_owned(), 1);
            }
        }
    });
    let mut terms: Vec<(u8, String, u32)> = counts.into_iter().map(|(t, n)| (part_of(&t), t, n)).collect();
    terms.sort_unstable_by_key(|e| e.0);
    (terms, len)
}

fn read_thread(site: &Site, t: usize, bodies: Option<&Bodies>) -> ThreadTerms {
    let taken = bodies.map(|b| b.thread(t));
    let entry = &site.threads[t];
    let thread = &entry.thread;
    let (title, title_len) = counted(&thread.title);
    let markdown = thread.format.is_markdown();
    let posts = thread
        .posts
        .iter()
        .enumerate()
        .map(|(i, post)| {
            let body = taken.as_ref().map_or(post.body.as_str(), |b| b[i].as_str());
            let text = markup::plain_text(body, markdown);
            let (terms, len) = counted(&text);
            let date = post.date.map(|d| d.strftime("%Y-%m-%d").to_string());
            let text = cut_text(&text, TEXT_MAX_CHARS);
            let page = site.post_page(post.number);
            let entry = if page > 1 {
                serde_json::to_string(&(post.number, &post.author, date, text, page))
            } else {
                serde_json::to_string(&(post.number, &post.author, date, text))
            }
            .unwrap_or_default();
            PostTerms {
                terms,
                len,
                author: post.author.as_deref().map(|a| parted(author_term(a))),
                entry: entry.strip_prefix('[').unwrap_or(&entry).to_owned(),
            }
        })
        .collect();
    ThreadTerms { title, title_len, topic: parted(topic_term(&site.topics[entry.topic].slug)), posts }
}

/// White space collapsed, cut at a word after about `max` characters.
fn cut_text(text: &str, max: usize) -> String {
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
/// doc id less the one before (LEB128), then its count (capped at 255) as a byte. About
/// three bytes a posting, where a `u32` and a `u8` in two vectors took five and more: at a
/// million posts this is most of what the index builder holds.
#[derive(Default)]
struct BodyPostings {
    bytes: Vec<u8>,
    /// The last doc id pushed, 0 before the first.
    last: u32,
}

impl BodyPostings {
    fn push(&mut self, doc: u32, count: u8) {
        // The first doc id is its difference from 0.
        let mut delta = doc - self.last;
        while delta >= 0x80 {
            self.bytes.push((delta as u8 & 0x7f) | 0x80);
            delta >>= 7;
        }
        self.bytes.push(delta as u8);
        self.bytes.push(count);
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
            let mut delta = 0u32;
            let mut shift = 0;
            loop {
                let b = self.bytes[at];
                at += 1;
                delta |= u32::from(b & 0x7f) << shift;
                shift += 7;
                if b < 0x80 {
                    break;
                }
            }
            doc += delta;
            let count = self.bytes[at];
            at += 1;
            Some((doc, count))
        })
    }
}
/// A term's threads (by ordinal) whose title holds it, and how often.
type TitlePostings = Vec<(u32, u8)>;

/// The postings of every term, gathered a batch of threads at a time: the terms are
/// split into [`PARTS`] parts by hash, and the parts are filled in parallel.
struct Terms {
    parts: Vec<Part>,
    /// Per thread ordinal: its first doc id and post count.
    threads: Vec<(u32, u32)>,
    /// Per doc: its length in terms, its title's included.
    lengths: Vec<u32>,
}

/// The postings of the terms of one part.
#[derive(Default)]
struct Part {
    /// Every term and its id, an index into the vectors below.
    ids: FxHashMap<Box<str>, u32>,
    /// Per term: posts holding it and how often.
    body: Vec<BodyPostings>,
    /// Per term: threads (by ordinal) whose title holds it, and how often. Topic filters
    /// are listed here too, with a count of 0.
    titles: Vec<TitlePostings>,
}

impl Part {
    fn id(&mut self, term: &str) -> usize {
        if let Some(&id) = self.ids.get(term) {
            return id as usize;
        }
        let id = self.body.len();
        self.ids.insert(term.into(), id as u32);
        self.body.push(Default::default());
        self.titles.push(Vec::new());
        id
    }

    /// Adds this part's terms of threads that have the ordinals and first doc ids `placed`.
    fn add(&mut self, part: u8, threads: &[ThreadTerms], placed: &[(u32, u32)]) {
        for (thread, &(ordinal, first)) in threads.iter().zip(placed) {
            for (_, term, n) in in_part(&thread.title, part) {
                let id = self.id(term);
                self.titles[id].push((ordinal, (*n).min(255) as u8));
            }
            if thread.topic.0 == part {
                let id = self.id(&thread.topic.1);
                self.titles[id].push((ordinal, 0));
            }
            for (i, post) in thread.posts.iter().enumerate() {
                let doc = first + i as u32;
                for (_, term, n) in in_part(&post.terms, part) {
                    let id = self.id(term);
                    self.body[id].push(doc, (*n).min(255) as u8);
                }
                if let Some((p, author)) = &post.author
                    && *p == part
                {
                    let id = self.id(author);
                    self.body[id].push(doc, 1);
                }
            }
        }
    }
}

impl Terms {
    fn new() -> Terms {
        Terms { parts: (0..PARTS).map(|_| Part::default()).collect(), threads: Vec::new(), lengths: Vec::new() }
    }

    /// Adds a batch of threads, the next in doc-id order.
    fn add_threads(&mut self, threads: &[ThreadTerms]) {
        let placed: Vec<(u32, u32)> = threads
            .iter()
            .map(|thread| {
                let ordinal = self.threads.len() as u32;
                let first = self.lengths.len() as u32;
                self.threads.push((first, thread.posts.len() as u32));
                self.lengths.extend(thread.posts.iter().map(|post| post.len + thread.title_len));
                (ordinal, first)
            })
            .collect();
        self.parts.par_iter_mut().enumerate().for_each(|(p, part)| part.add(p as u8, threads, &placed));
    }

    /// Writes the term shards and postings files; returns the shards' first terms and the
    /// number of terms.
    fn write(self, limits: &Limits, sink: &Sink) -> io::Result<(Vec<String>, usize)> {
        let Terms { parts, threads, lengths } = self;
        let docs = lengths.len().max(1) as f64;
        let average = (lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / docs).max(1.0);
        // Terms in order, each with its postings, which encoding consumes: the postings
        // gathered are freed as their encoding is made, not held beside all of it.
        let mut terms: Vec<(Box<str>, BodyPostings, TitlePostings)> = Vec::new();
        for Part { ids, body, titles } in parts {
            let mut body: Vec<Option<BodyPostings>> = body.into_iter().map(Some).collect();
            let mut titles: Vec<Option<TitlePostings>> = titles.into_iter().map(Some).collect();
            terms.extend(ids.into_iter().map(|(name, id)| {
                let id = id as usize;
                (name, body[id].take().unwrap_or_default(), titles[id].take().unwrap_or_default())
            }));
        }
        terms.par_sort_by(|a, b| utf16_order(&a.0, &b.0));
        let count = terms.len();
        let context = Context { threads: &threads, lengths: &lengths, average, postings_max: limits.postings_max };
        // Encoded a slice of terms at a time, and written as packs and shards close: only
        // a slice's postings strings are held, not the whole index's.
        let mut files = IndexFiles::new(limits);
        let mut terms = terms.into_iter();
        loop {
            let slice: Vec<(Box<str>, BodyPostings, TitlePostings)> = terms.by_ref().take(ENCODE_TERMS).collect();
            if slice.is_empty() {
                break;
            }
            let encoded: Vec<(Box<str>, (u32, String))> = slice
                .into_par_iter()
                .map(|(name, body, titles)| {
                    let encoded = context.encode(&name, &body, &titles);
                    (name, encoded)
                })
                .collect();
            for (name, (df, postings)) in encoded {
                files.add(name, df, postings)?;
            }
            files.write(sink)?;
        }
        let firsts = files.finish()?;
        files.write(sink)?;
        Ok((firsts, count))
    }
}

/// Terms encoded at a time.
const ENCODE_TERMS: usize = 16 * 1024;

/// Orders terms as JavaScript compares strings, by UTF-16 code units.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Where a term's postings are: in its entry, or the `index`-th string of pack `pack`.
enum Place {
    Inline(String),
    Packed { pack: usize, index: usize },
}

/// The term shards and postings packs, made term by term in order.
///
/// A postings string longer than [`Limits::inline_max`] goes into a pack: packs hold the
/// postings of neighbouring terms up to about [`Limits::pack`] bytes, and postings of half
/// that or more get a pack of their own. A term's entry names its pack's size, so it joins
/// its shard only once the pack is closed; entries wait in order until then. A shard is
/// closed once it is [`Limits::term_shard`] bytes long.
struct IndexFiles<'l> {
    limits: &'l Limits,
    /// The open pack: its number, its members and about its size.
    open: Option<(usize, Vec<String>, usize)>,
    /// The size of every closed pack, by number.
    pack_bytes: Vec<usize>,
    /// Entries not yet in a shard: term, document frequency, postings.
    waiting: std::collections::VecDeque<(Box<str>, u32, Place)>,
    shard: String,
    /// The first term of every shard.
    firsts: Vec<String>,
    /// Files closed and not yet written: path and text.
    closed: Vec<(String, String)>,
}

impl<'l> IndexFiles<'l> {
    fn new(limits: &'l Limits) -> IndexFiles<'l> {
        IndexFiles {
            limits,
            open: None,
            pack_bytes: Vec::new(),
            waiting: Default::default(),
            shard: String::new(),
            firsts: Vec::new(),
            closed: Vec::new(),
        }
    }

    fn add(&mut self, name: Box<str>, df: u32, postings: String) -> io::Result<()> {
        let limits = self.limits;
        if postings.len() <= limits.inline_max {
            self.waiting.push_back((name, df, Place::Inline(postings)));
            return self.place_waiting();
        }
        // JSON quotes and a comma per member.
        let size = postings.len() + 3;
        if self.open.is_some() && size >= limits.pack / 2 {
            self.close_pack()?;
        }
        let (pack, members, bytes) = self.open.get_or_insert_with(|| (self.pack_bytes.len(), Vec::new(), 24));
        let (pack, index) = (*pack, members.len());
        members.push(postings);
        *bytes += size;
        let full = *bytes >= limits.pack;
        self.waiting.push_back((name, df, Place::Packed { pack, index }));
        if size >= limits.pack / 2 || full {
            self.close_pack()?;
        }
        self.place_waiting()
    }

    fn close_pack(&mut self) -> io::Result<()> {
        let Some((k, members, _)) = self.open.take() else { return Ok(()) };
        let text = serde_json::to_string(&members).map_err(io::Error::other)?;
        let file = format!("threadarc_search.p({k},{text});\n");
        debug_assert_eq!(k, self.pack_bytes.len());
        self.pack_bytes.push(file.len());
        self.closed.push((format!("search/p/{k}.js"), file));
        Ok(())
    }

    /// Puts the waiting entries whose postings are placed for good into shards, in order.
    fn place_waiting(&mut self) -> io::Result<()> {
        while let Some((_, _, place)) = self.waiting.front() {
            if let Place::Packed { pack, .. } = place
                && *pack >= self.pack_bytes.len()
            {
                break;
            }
            let (name, df, place) = self.waiting.pop_front().expect("the front is there");
            if self.shard.is_empty() {
                self.firsts.push(name.to_string());
                self.shard = format!("threadarc_search.t({},[", self.firsts.len() - 1);
            } else {
                self.shard.push(',');
            }
            let term = serde_json::to_string(&*name).map_err(io::Error::other)?;
            match place {
                Place::Inline(postings) => self.shard.push_str(&format!("[{term},{df},\"{postings}\"]")),
                Place::Packed { pack, index } => {
                    self.shard.push_str(&format!("[{term},{df},{pack},{index},{}]", self.pack_bytes[pack]));
                }
            }
            if self.shard.len() >= self.limits.term_shard {
                self.close_shard();
            }
        }
        Ok(())
    }

    fn close_shard(&mut self) {
        if !self.shard.is_empty() {
            self.shard.push_str("]);\n");
            let k = self.firsts.len() - 1;
            self.closed.push((format!("search/t/{k}.js"), std::mem::take(&mut self.shard)));
        }
    }

    /// Closes what is open; returns the first term of every shard.
    fn finish(&mut self) -> io::Result<Vec<String>> {
        self.close_pack()?;
        self.place_waiting()?;
        self.close_shard();
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
    average: f64,
    postings_max: usize,
}

impl Context<'_> {
    /// The term's document frequency and its postings string.
    fn encode(&self, name: &str, body: &BodyPostings, titles: &[(u32, u8)]) -> (u32, String) {
        // Posts with the term in body or title: (doc, count in body, count in title).
        let mut postings: Vec<(u32, u8, u8)> = body.iter().map(|(d, n)| (d, n, 0)).collect();
        for &(thread, n) in titles {
            let (first, count) = self.threads[thread as usize];
            postings.extend((first..first + count).map(|d| (d, 0, n)));
        }
        postings.sort_unstable_by_key(|p| p.0);
        postings.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 = a.1.max(b.1);
                a.2 = a.2.max(b.2);
                true
            } else {
                false
            }
        });
        let df = postings.len() as u32;
        if name.starts_with('!') {
            return (df, vlq::runs(postings.iter().map(|p| p.0)));
        }
        let mut scored: Vec<(u32, u8)> = postings.iter().map(|&(d, b, t)| (d, self.impact(d, b, t))).collect();
        let mut encoded = vlq::postings(&scored);
        if encoded.len() > self.postings_max {
            // Keep the best: highest impact, newest first among equals.
            scored.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
            let mut keep = scored.len();
            while encoded.len() > self.postings_max && keep > 1 {
                keep = ((keep as f64 * self.postings_max as f64 / encoded.len() as f64) * 0.98) as usize;
                keep = keep.max(1);
                let mut kept = scored[..keep].to_vec();
                kept.sort_unstable_by_key(|p| p.0);
                encoded = vlq::postings(&kept);
            }
        }
        (df, encoded)
    }

    /// A post's quantized BM25 weight for a term it holds `body` times, and its title
    /// `title` times.
    fn impact(&self, doc: u32, body: u8, title: u8) -> u8 {
        let tf = f64::from(body) + TITLE_WEIGHT * f64::from(title);
        let length = f64::from(self.lengths[doc as usize]);
        let weight = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / self.average));
        ((weight / (K1 + 1.0) * LEVELS).ceil() - 1.0).clamp(0.0, LEVELS - 1.0) as u8
    }
}

/// The doc shards, written as threads are read.
#[derive(Default)]
struct DocShards {
    /// Bytes at which a shard is closed.
    target: usize,
    next_doc: u32,
    /// The first doc id of every shard written or open.
    firsts: Vec<u32>,
    /// The open shard: its threads' JSON and its docs' JSON.
    threads: Vec<String>,
    docs: String,
    bytes: usize,
}

impl DocShards {
    /// Adds a thread's posts; shards that fill up go into `closed` as (path, text).
    fn push_thread(&mut self, site: &Site, t: usize, thread: &ThreadTerms, closed: &mut Vec<(String, String)>) {
        let entry = &site.threads[t];
        let thread_json =
            json!([entry.thread.title, site.thread_path(entry), site.topics[entry.topic].title]).to_string();
        let mut local: Option<usize> = None;
        for post in &thread.posts {
            if self.docs.is_empty() {
                self.firsts.push(self.next_doc);
                local = None;
            } else {
                self.docs.push(',');
            }
            let index = match local {
                Some(i) => i,
                None => {
                    self.bytes += thread_json.len() + 1;
                    self.threads.push(thread_json.clone());
                    self.threads.len() - 1
                }
            };
            local = Some(index);
            let before = self.docs.len();
            self.docs.push('[');
            self.docs.push_str(&index.to_string());
            self.docs.push(',');
            self.docs.push_str(&post.entry);
            self.bytes += self.docs.len() - before + 1;
            self.next_doc += 1;
            if self.bytes >= self.target {
                self.flush(closed);
            }
        }
    }

    fn flush(&mut self, closed: &mut Vec<(String, String)>) {
        if self.docs.is_empty() {
            return;
        }
        let k = self.firsts.len() - 1;
        let text = format!(
            "threadarc_search.d({k},{{\"first\":{},\"threads\":[{}],\"docs\":[{}]}});\n",
            self.firsts[k],
            self.threads.join(","),
            self.docs
        );
        closed.push((format!("search/d/{k}.js"), text));
        self.threads.clear();
        self.docs.clear();
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
    use crate::model::{Post, Thread};
    use crate::parse::Format;

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
            files.lock().unwrap().insert(path.to_owned(), String::from_utf8(bytes.to_vec()).unwrap());
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

    /// A term's document frequency and postings as numbers.
    fn postings(files: &BTreeMap<String, String>, term: &str) -> Option<(u64, Vec<u64>)> {
        for (name, text) in files.iter().filter(|(n, _)| n.starts_with("search/t/")) {
            let a = args(text);
            assert_eq!(name, &format!("search/t/{}.js", a[0]));
            for entry in a[1].as_array().unwrap() {
                if entry[0] == term {
                    let list = match &entry[2] {
                        serde_json::Value::String(s) => s.clone(),
                        n => {
                            let file = &files[&format!("search/p/{n}.js")];
                            assert_eq!(file.len() as u64, entry[4].as_u64().unwrap(), "the pack's size");
                            args(file)[1][entry[3].as_u64().unwrap() as usize].as_str().unwrap().to_owned()
                        }
                    };
                    return Some((entry[1].as_u64().unwrap(), vlq::decode(&list).unwrap()));
                }
            }
        }
        None
    }

    /// A word's postings as (doc, impact).
    fn word(files: &BTreeMap<String, String>, term: &str) -> Vec<(u64, u64)> {
        let (_, values) = postings(files, term).unwrap_or_else(|| panic!("no term {term}"));
        let mut prev: i64 = -1;
        values
            .iter()
            .map(|v| {
                let doc = prev + 1 + (v / 16) as i64;
                prev = doc;
                (doc as u64, v % 16)
            })
            .collect()
    }

    #[test]
    fn posts_are_numbered_oldest_thread_first() {
        let files = files(&site(), Limits::default());
        let meta = args(&files["search/meta.js"]);
        assert_eq!(meta[0]["docs"], 6);
        assert_eq!(meta[0]["topics"], json!([["bikes", "Bikes"], ["garden", "Garden"]]));
        let shard = args(&files["search/d/0.js"]);
        let docs = shard[1]["docs"].as_array().unwrap();
        let threads = shard[1]["threads"].as_array().unwrap();
        let titles: Vec<&str> =
            docs.iter().map(|d| threads[d[0].as_u64().unwrap() as usize][0].as_str().unwrap()).collect();
        assert_eq!(titles, ["Roses", "Roses", "Chains", "Tomato blight", "Tomato blight", "Tomato blight"]);
        assert_eq!(docs[3], json!([2, 1, "Ann Lee", "2022-06-01", "My tomato leaves have spots."]));
        assert_eq!(docs[5][2], serde_json::Value::Null);
        assert_eq!(threads[2], json!(["Tomato blight", "garden/tomato-blight.html", "Garden"]));
    }

    #[test]
    fn words_titles_and_filters_are_indexed() {
        let files = files(&site(), Limits::default());
        // "tomato": in two bodies and one title, so in every post of that thread.
        let tomato = word(&files, "tomato");
        assert_eq!(tomato.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 3, 4, 5]);
        // A post with the word in its body and its title outweighs one with it in the title only.
        assert!(tomato[1].1 > tomato[2].1, "{tomato:?}");
        assert_eq!(word(&files, "cafe").iter().map(|p| p.0).collect::<Vec<_>>(), [5]);
        // Markup in a post is text: its words are found, no tag is a term.
        assert!(postings(&files, "script").is_some());
        assert!(postings(&files, "<script>").is_none());
        // Filters: runs of docs.
        assert_eq!(postings(&files, "!t:garden").unwrap(), (5, vec![0, 1, 1, 2]));
        assert_eq!(postings(&files, "!t:bikes").unwrap(), (1, vec![2, 0]));
        assert_eq!(postings(&files, "!a:ann lee").unwrap(), (2, vec![1, 0, 1, 0]));
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
    fn small_limits_split_shards_and_cut_common_words() {
        let many: Vec<(&str, &str)> =
            (0..300).map(|i| ("", if i % 3 == 0 { "common common rare" } else { "common filler" })).collect();
        let site = Site::new(Config::default(), vec![thread("t/a.txt", "t", "Many", "2020-01-01T00:00:00Z", &many)]);
        let limits = Limits { postings_max: 64, inline_max: 8, term_shard: 64, doc_shard: 512, pack: 128 };
        let files = files(&site, limits);
        let meta = args(&files["search/meta.js"]);
        let firsts: Vec<&str> = meta[0]["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert!(firsts.len() > 1 && firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
        assert!(files.keys().filter(|k| k.starts_with("search/d/")).count() > 1);
        assert!(files.keys().any(|k| k.starts_with("search/p/")));
        // "common" is in every post: its postings are cut to the best, which hold it twice.
        let (df, _) = postings(&files, "common").unwrap();
        let kept = word(&files, "common");
        assert_eq!(df, 300);
        assert!(kept.len() < 300 && !kept.is_empty());
        assert!(kept.iter().all(|&(doc, _)| doc % 3 == 0), "{kept:?}");
        // Filters are never cut.
        assert_eq!(postings(&files, "!t:t").unwrap(), (300, vec![0, 299]));
        // Every doc is in the shard the meta names for it.
        let firsts: Vec<u64> = {
            let mut sum = 0;
            vlq::decode(meta[0]["docShards"].as_str().unwrap())
                .unwrap()
                .iter()
                .map(|d| {
                    sum += d;
                    sum
                })
                .collect()
        };
        for (k, first) in firsts.iter().enumerate() {
            assert_eq!(args(&files[&format!("search/d/{k}.js")])[1]["first"], *first);
        }
    }

    #[test]
    fn gathered_postings_read_back() {
        let postings = [(0, 1), (1, 255), (127, 3), (128, 0), (100_000, 7), (u32::MAX, 9)];
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
        assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
    }
}
