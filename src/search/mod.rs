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
//! term. An entry is `[TERM,DF,POSTINGS]`, postings inline, or `[TERM,DF,FILE,BYTES]` when
//! they are in `search/p/FILE.js` (`threadarc_search.p(FILE,"POSTINGS")`, BYTES long).
//! DF is the number of posts that hold the term.
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
//! `threadarc_search.d(K,{"first":DOC,"threads":[[TITLE,URL,TOPIC]…],"docs":[[THREAD,NUMBER,AUTHOR,DATE,TEXT]…]})`.
//! THREAD indexes the shard's own `threads`; URL is the thread page's path from the
//! archive's root (the post's anchor is `#post-NUMBER`); TOPIC is the topic's title;
//! AUTHOR and DATE (`YYYY-MM-DD`) may be `null`; TEXT is the post's plain text, cut at a
//! word after about [`TEXT_MAX_CHARS`] characters, from which the browser makes snippets
//! and checks quoted phrases.

pub mod tokenize;
mod vlq;

use std::collections::HashMap;
use std::io;

use jiff::Timestamp;
use rayon::prelude::*;
use serde_json::json;

use crate::render::markup;
use crate::site::Site;

/// How many times a word in a thread's title counts for each post of the thread.
pub const TITLE_WEIGHT: f64 = 3.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Quantization levels of a posting's impact.
const LEVELS: f64 = 16.0;

/// Longest postings string kept for one word, in bytes.
pub const POSTINGS_MAX: usize = 128 * 1024;
/// Postings up to this long sit in their term shard; longer ones get a file.
pub const INLINE_MAX: usize = 512;
/// A term shard or doc shard is closed once it is this long.
pub const TERM_SHARD_TARGET: usize = 16 * 1024;
pub const DOC_SHARD_TARGET: usize = 24 * 1024;
/// Text kept per post for snippets and phrase checks.
pub const TEXT_MAX_CHARS: usize = 1000;
/// Threads tokenised at a time: bounds the memory held for terms not yet merged.
const BATCH_THREADS: usize = 2048;

/// What the index came to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IndexStats {
    pub docs: usize,
    pub terms: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Where index files go: a relative path under the archive's root and the file's bytes.
pub type Sink<'a> = dyn FnMut(&str, &[u8]) -> io::Result<()> + 'a;

/// Builds the search index of a site and hands every file to `sink`, `search/meta.js` last.
pub fn write_index(site: &Site, sink: &mut Sink) -> io::Result<IndexStats> {
    let mut stats = IndexStats::default();
    let mut counted = |path: &str, bytes: &[u8]| {
        stats.files += 1;
        stats.bytes += bytes.len() as u64;
        sink(path, bytes)
    };
    let order = thread_order(site);
    let mut terms = Terms::default();
    let mut docs = DocShards::default();
    for batch in order.chunks(BATCH_THREADS) {
        let read: Vec<ThreadTerms> = batch.par_iter().map(|&t| read_thread(site, t)).collect();
        for (&t, thread) in batch.iter().zip(read) {
            docs.push_thread(site, t, &thread, &mut counted)?;
            terms.add_thread(thread);
        }
    }
    docs.finish(&mut counted)?;
    let (shard_terms, term_count) = terms.write(&mut counted)?;
    let topics: Vec<(&str, &str)> = site.topics.iter().map(|t| (t.slug.as_str(), t.title.as_str())).collect();
    let meta = json!({
        "format": 1,
        "docs": docs.next_doc,
        "terms": shard_terms,
        "docShards": vlq::deltas(&docs.firsts),
        "topics": topics,
    });
    counted("search/meta.js", format!("threadarc_search.m({meta});\n").as_bytes())?;
    stats.docs = docs.next_doc as usize;
    stats.terms = term_count;
    Ok(stats)
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
    let words: Vec<String> = name.split_whitespace().map(tokenize::fold).collect();
    format!("!a:{}", words.join(" "))
}

/// One thread, tokenised.
struct ThreadTerms {
    /// Terms of the title with their counts, and the title's length in terms.
    title: Vec<(String, u32)>,
    title_len: u32,
    topic: String,
    posts: Vec<PostTerms>,
}

struct PostTerms {
    terms: Vec<(String, u32)>,
    len: u32,
    /// The author's filter term, and name as the dump gives it.
    author: Option<String>,
    author_name: Option<String>,
    /// The shard entry's JSON.
    entry_text: String,
    number: u32,
    date: Option<Timestamp>,
}

fn counted(mut terms: Vec<String>) -> (Vec<(String, u32)>, u32) {
    let len = terms.len() as u32;
    terms.sort_unstable();
    let mut out: Vec<(String, u32)> = Vec::new();
    for t in terms {
        match out.last_mut() {
            Some((last, n)) if *last == t => *n += 1,
            _ => out.push((t, 1)),
        }
    }
    (out, len)
}

fn read_thread(site: &Site, t: usize) -> ThreadTerms {
    let entry = &site.threads[t];
    let thread = &entry.thread;
    let (title, title_len) = counted(tokenize::terms(&thread.title));
    let markdown = thread.format.is_markdown();
    let posts = thread
        .posts
        .iter()
        .map(|post| {
            let text = markup::plain_text(&post.body, markdown);
            let (terms, len) = counted(tokenize::terms(&text));
            PostTerms {
                terms,
                len,
                author: post.author.as_deref().map(author_term),
                author_name: post.author.clone(),
                entry_text: cut_text(&text, TEXT_MAX_CHARS),
                number: post.number,
                date: post.date,
            }
        })
        .collect();
    ThreadTerms { title, title_len, topic: topic_term(&site.topics[entry.topic].slug), posts }
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

/// The postings of every term, gathered thread by thread.
#[derive(Default)]
struct Terms {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    /// Per term: posts holding it and how often (capped at 255).
    body: Vec<(Vec<u32>, Vec<u8>)>,
    /// Per term: threads (by ordinal) whose title holds it, and how often. Topic filters
    /// are listed here too, with a count of 0.
    titles: Vec<Vec<(u32, u8)>>,
    /// Per thread ordinal: its first doc id and post count.
    threads: Vec<(u32, u32)>,
    /// Per doc: its length in terms, its title's included.
    lengths: Vec<u32>,
}

impl Terms {
    fn id(&mut self, term: &str) -> usize {
        if let Some(&id) = self.ids.get(term) {
            return id as usize;
        }
        let id = self.names.len();
        self.ids.insert(term.into(), id as u32);
        self.names.push(term.into());
        self.body.push(Default::default());
        self.titles.push(Vec::new());
        id
    }

    fn add_thread(&mut self, thread: ThreadTerms) {
        let ordinal = self.threads.len() as u32;
        let first = self.lengths.len() as u32;
        self.threads.push((first, thread.posts.len() as u32));
        for (term, n) in &thread.title {
            let id = self.id(term);
            self.titles[id].push((ordinal, (*n).min(255) as u8));
        }
        let id = self.id(&thread.topic);
        self.titles[id].push((ordinal, 0));
        for (i, post) in thread.posts.into_iter().enumerate() {
            let doc = first + i as u32;
            self.lengths.push(post.len + thread.title_len);
            for (term, n) in
                post.terms.iter().map(|(t, n)| (t.as_str(), *n)).chain(post.author.as_deref().map(|a| (a, 1)))
            {
                let id = self.id(term);
                let (docs, tfs) = &mut self.body[id];
                docs.push(doc);
                tfs.push(n.min(255) as u8);
            }
        }
    }

    /// Writes the term shards and postings files; returns the shards' first terms and the
    /// number of terms.
    fn write(self, sink: &mut Sink) -> io::Result<(Vec<String>, usize)> {
        let Terms { names, body, titles, threads, lengths, ids } = self;
        drop(ids);
        let docs = lengths.len().max(1) as f64;
        let average = (lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / docs).max(1.0);
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.par_sort_by(|&a, &b| names[a].encode_utf16().cmp(names[b].encode_utf16()));
        let context = Context { threads: &threads, lengths: &lengths, average };
        let encoded: Vec<(u32, String)> =
            order.par_iter().map(|&id| context.encode(&names[id], &body[id], &titles[id])).collect();

        let mut firsts = Vec::new();
        let mut shard = String::new();
        let mut files = 0usize;
        for (&id, (df, postings)) in order.iter().zip(&encoded) {
            let name = &names[id];
            if shard.is_empty() {
                firsts.push(name.to_string());
                shard = format!("threadarc_search.t({},[", firsts.len() - 1);
            } else {
                shard.push(',');
            }
            let term = serde_json::to_string(&**name).map_err(io::Error::other)?;
            if postings.len() <= INLINE_MAX {
                shard.push_str(&format!("[{term},{df},\"{postings}\"]"));
            } else {
                sink(
                    &format!("search/p/{files}.js"),
                    format!("threadarc_search.p({files},\"{postings}\");\n").as_bytes(),
                )?;
                shard.push_str(&format!("[{term},{df},{files},{}]", postings.len()));
                files += 1;
            }
            if shard.len() >= TERM_SHARD_TARGET {
                shard.push_str("]);\n");
                sink(&format!("search/t/{}.js", firsts.len() - 1), shard.as_bytes())?;
                shard.clear();
            }
        }
        if !shard.is_empty() {
            shard.push_str("]);\n");
            sink(&format!("search/t/{}.js", firsts.len() - 1), shard.as_bytes())?;
        }
        Ok((firsts, names.len()))
    }
}

/// What encoding a term's postings needs to know of the whole index.
struct Context<'a> {
    threads: &'a [(u32, u32)],
    lengths: &'a [u32],
    average: f64,
}

impl Context<'_> {
    /// The term's document frequency and its postings string.
    fn encode(&self, name: &str, body: &(Vec<u32>, Vec<u8>), titles: &[(u32, u8)]) -> (u32, String) {
        // Posts with the term in body or title: (doc, count in body, count in title).
        let mut postings: Vec<(u32, u8, u8)> = body.0.iter().zip(&body.1).map(|(&d, &n)| (d, n, 0)).collect();
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
        if encoded.len() > POSTINGS_MAX {
            // Keep the best: highest impact, newest first among equals.
            scored.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
            let mut keep = scored.len();
            while encoded.len() > POSTINGS_MAX && keep > 1 {
                keep = ((keep as f64 * POSTINGS_MAX as f64 / encoded.len() as f64) * 0.98) as usize;
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
    next_doc: u32,
    /// The first doc id of every shard written or open.
    firsts: Vec<u32>,
    /// The open shard: its threads' JSON and its docs' JSON.
    threads: Vec<String>,
    docs: String,
    bytes: usize,
}

impl DocShards {
    fn push_thread(&mut self, site: &Site, t: usize, thread: &ThreadTerms, sink: &mut Sink) -> io::Result<()> {
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
            let date = post.date.map(|d| d.strftime("%Y-%m-%d").to_string());
            let doc = json!([index, post.number, post.author_name, date, post.entry_text]).to_string();
            self.bytes += doc.len() + 1;
            self.docs.push_str(&doc);
            self.next_doc += 1;
            if self.bytes >= DOC_SHARD_TARGET {
                self.flush(sink)?;
            }
        }
        Ok(())
    }

    fn flush(&mut self, sink: &mut Sink) -> io::Result<()> {
        if self.docs.is_empty() {
            return Ok(());
        }
        let k = self.firsts.len() - 1;
        let text = format!(
            "threadarc_search.d({k},{{\"first\":{},\"threads\":[{}],\"docs\":[{}]}});\n",
            self.firsts[k],
            self.threads.join(","),
            self.docs
        );
        sink(&format!("search/d/{k}.js"), text.as_bytes())?;
        self.threads.clear();
        self.docs.clear();
        self.bytes = 0;
        Ok(())
    }

    fn finish(&mut self, sink: &mut Sink) -> io::Result<()> {
        self.flush(sink)
    }
}
