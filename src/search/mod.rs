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
//! # How it is made
//!
//! `write_index_inner` reads the threads in address order, a batch at a time, each once:
//! `collect` takes from a thread its terms and each post's doc-shard entry (or
//! [`store`] hands over what an earlier build took); `doc_shards` writes the posts'
//! entries as they come; `postings` gathers which posts hold each term and, once every
//! thread is in, encodes them, which `term_shards` packs into term shards and packs;
//! `meta.js` comes last. When few threads changed and none that stayed moved, `postings`
//! gathers only the changed threads' and mends the last build's postings with them
//! ([`store`]). `chunk` says where each file ends and what it is called, whatever it
//! holds; [`tokenize`] what makes a word a term; `vlq` how numbers are written.
//!
//! # The index format (version 4)
//!
//! Everything lives under `search/` in the archive; every file is UTF-8 JavaScript of the
//! form `threadarc_search.X(...);` with JSON arguments. Term shards, packs and typo files
//! lie in `search/t/`, `search/p/` and `search/v/` in a folder named after their name's
//! first two characters, doc shards in `search/d/` in a folder per thousand threads
//! (`THREAD / 1000`, rounded down): no folder holds more than a few hundred files
//! ([`chunk::path`]).
//!
//! It is made so that a change to one thread changes few files: a reply to a thread
//! changes `meta.js`, the doc shard that holds the thread's end, and the term shards and
//! packs of the reply's terms (now and then a neighbour of one), and nothing else. So no
//! file holds an address that a reply to another thread would move, nothing stored
//! depends on the whole archive but `N` in `meta.js`, and files end and are named where
//! their content says (`chunk`), not by running size and sequence number.
//!
//! **Posts** have addresses (THREAD, POST): THREAD indexes the threads in order of their
//! first post's date (undated first, then by dump and place in it), POST the thread's
//! posts in order from 0. A reply to a thread moves no other post; a new thread moves the
//! threads after it, so a new newest thread moves nothing. A higher address is a newer
//! post as far as the dumps tell, which is how ties in ranking are broken.
//!
//! **Terms** are what [`tokenize`] makes of a post's plain text (quotes of other posts
//! left out) and, for a thread's first post, of its thread's title; plus three kinds of
//! filter terms: `!t:SLUG` for the topic of a post's thread, `!a:NAME` for its author (the
//! name folded, white space collapsed) and `!m:YYYY-MM` for the month it was written in
//! (none for an undated post). Filter terms cannot clash with words, which never hold `!`.
//! A reply is found only by its own words: the title stands on the first post alone.
//!
//! `search/meta.js`, loaded first:
//! `threadarc_search.m({"format":4,"docs":N,"terms":[FIRST…],"docShards":"VLQ","topics":[[SLUG,TITLE]…]})`.
//! N is the number of posts. `terms` is the first term of each term shard, in order: a
//! term is in the last shard whose first term is not greater than it (terms sort by UTF-16
//! code units, as JavaScript compares strings), and a prefix's terms are in that shard and
//! the following ones whose first term starts with the prefix. A term shard is named after
//! its first term: FNV-1a (32 bits) of its UTF-8 as eight lower-case hex digits, and when
//! an earlier shard (in term order) has that name already, the name with `-2`, `-3`… (the
//! first not taken) after it. `docShards` is the first address of each doc shard as VLQ
//! numbers (below), two a shard: its THREAD less the one before's (from 0), and its POST.
//!
//! `search/t/NA/NAME.js`, a term shard: `threadarc_search.t("NAME",[ENTRY…])`, entries
//! sorted by term. An entry is `[TERM,DF,"POSTINGS"]`, postings inline, or
//! `[TERM,DF,"PACK",I,BYTES]` when they are the I-th string of the pack `search/p/PA/PACK.js`
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
//! thread −1). For a word, `Y = step × 16 + impact`, one a post. `impact` 15 marks a
//! thread's first post whose thread's title holds the term (the browser adds
//! [`TITLE_WEIGHT`] times that weight to the thread's rank); otherwise `impact` (0–14) is
//! the post's BM25 weight for the term, quantized in 15 levels:
//! `tf × (k1 + 1) / (tf + k1 × (1 − b + b × length / L))` with k1 = 1.2, b = 0.75 and L
//! the fixed [`REFERENCE_LENGTH`] (not the archive's average, which every post would
//! move), tf counting the term in the post and length its terms. The query side
//! multiplies by the term's idf, `ln(1 + (N − DF + 0.5) / (DF + 0.5))`. A word whose
//! postings would be longer than [`POSTINGS_MAX`] keeps only its highest-impact posts
//! (newest first among equals): such a word (in a large archive, one in more than about
//! one post in ten, like *the*) ranks results but cannot restrict them. For a filter term,
//! runs of consecutive posts of one thread: `Y` is the step to the run's first post (in
//! the same thread, from the end of the run before), then a number, the run's length minus
//! one. Filters are never cut.
//!
//! `search/d/K/NAME.js`, a doc shard, the posts from its first address to the next shard's:
//! `threadarc_search.d("NAME","DATA")`, DATA the base64 of the gzip of
//! `{"first":[THREAD,POST],"threads":[[TITLE,URL,TOPIC,[[NUMBER,AUTHOR,DATE,TEXT,PAGE?]…]]…]}`
//! (the browser inflates it with `DecompressionStream`, from `file://` too; text is most of
//! the index and shrinks to about a third).
//! NAME is THREAD, or `THREAD-POST` for a shard that starts inside a thread. The i-th
//! entry of `threads` is thread THREAD + i, and its posts start at POST for the first
//! entry, at 0 for the others. URL is the thread page's path from the archive's root (the
//! post's anchor is `#post-NUMBER`); PAGE, present only for a post past the first page of
//! a long thread, puts the post on `URL-without-.html/PAGE.html` (see
//! `Site::thread_page_path`); TOPIC is the topic's title; AUTHOR and DATE (`YYYY-MM-DD`)
//! may be `null`; TEXT is the post's plain text, cut at a word after about
//! [`TEXT_MAX_CHARS`] characters, from which the browser makes snippets and checks quoted
//! phrases. A doc shard may end before any post, so a long thread's posts can span shards.
//!
//! `search/v/NA/NAME-LEN.js`, a typo file (`vocab`): `threadarc_search.v("NAME-LEN",[WORD…])`,
//! every word of the index of LEN characters, at least [`TYPO_MIN`]` − 1`, whose first
//! character's UTF-8 has the FNV-1a name NAME, sorted; no filter term, and no number
//! (numerals, with the `.`, `,` or `;` between digits that a term keeps). No file for a
//! first character and length no word has.

pub(crate) mod chunk;
mod collect;
mod doc_shards;
mod postings;
pub mod store;
mod term_shards;
mod text;
pub mod tokenize;
mod vlq;
mod vocab;

pub use self::chunk::{Limits, POSTINGS_MAX, Sink};
pub use self::collect::{author_term, month_term, topic_term};
pub use self::postings::{REFERENCE_LENGTH, TITLE_WEIGHT};
pub use self::text::TEXT_MAX_CHARS;
pub use self::vocab::TYPO_MIN;

use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::json;

use self::collect::{ThreadTerms, batches, read_thread, thread_order};
use self::doc_shards::DocShards;
use self::postings::{Patch, Terms};
use crate::cache::Hash;
use crate::site::{Entry, Site};

/// What the index came to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IndexStats {
    pub docs: usize,
    pub terms: usize,
    pub files: usize,
    pub bytes: u64,
    /// Threads read from the store of the last build rather than tokenised.
    pub stored: usize,
    /// When the last build's postings were mended rather than every thread's gathered:
    /// how many terms' postings were made, the rest being taken as they were.
    pub mended: Option<usize>,
}

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
    sink: &dyn Sink,
    progress: &(dyn Fn() + Sync),
) -> io::Result<IndexStats> {
    write_index_inner(site, &bodies, keep, Limits::default(), sink, progress)
}

/// [`write_index`] with other sizes.
pub fn write_index_with(site: &Site, limits: Limits, sink: &dyn Sink) -> io::Result<IndexStats> {
    write_index_inner(site, &Bodies::default(), None, limits, sink, &|| {})
}

/// Thread `t`, from the store if it holds it (then with `true`; only its posts when
/// `posts_only`), else tokenised.
fn thread_terms(
    site: &Site,
    t: usize,
    bodies: &Bodies,
    previous: Option<&store::Store>,
    fingerprints: Option<&[Hash]>,
    posts_only: bool,
) -> io::Result<(ThreadTerms, bool)> {
    if let (Some(store), Some(fingerprints)) = (previous, fingerprints)
        && let Some(thread) = if posts_only { store.posts(fingerprints[t]) } else { store.thread(fingerprints[t]) }
    {
        // Its bodies are not needed: free any taken, as tokenising would.
        drop(bodies.take_thread(t));
        return Ok((thread, true));
    }
    let taken = bodies.thread(site, t)?;
    Ok((read_thread(site, t, taken.as_deref()), false))
}

/// A sink that counts the files handed to it and their bytes.
struct Counted<'a> {
    sink: &'a dyn Sink,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl Counted<'_> {
    fn count(&self, bytes: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

impl Sink for Counted<'_> {
    fn file(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.count(bytes.len() as u64);
        self.sink.file(path, bytes)
    }

    fn made_from(&self, path: &str, source: &[u8], make: &dyn Fn() -> Vec<u8>) -> io::Result<u64> {
        let size = self.sink.made_from(path, source, make)?;
        self.count(size);
        Ok(size)
    }
}

/// The pipeline: the threads read a batch at a time in address order, each batch's posts
/// put into doc shards and its terms' postings gathered; then the postings encoded into
/// term shards and packs, the store finished, and `meta.js` written last.
fn write_index_inner(
    site: &Site,
    bodies: &Bodies,
    keep: Option<Keep>,
    limits: Limits,
    sink: &dyn Sink,
    progress: &(dyn Fn() + Sync),
) -> io::Result<IndexStats> {
    let counted = Counted { sink, files: AtomicUsize::new(0), bytes: AtomicU64::new(0) };
    // A doc shard is compressed only if the last build did not make it of the same JSON.
    let write_all = |shards: &[(String, String)]| {
        shards.par_iter().try_for_each(|(name, json)| {
            let make = || chunk::compressed_script('d', name, json);
            counted.made_from(&chunk::path('d', name), json.as_bytes(), &make).map(drop)
        })
    };
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
    // When the threads that were there before are where they were and few changed, the
    // last build's postings are mended with those of the threads that changed.
    let mut patch = match (previous, fingerprints) {
        (Some(store), Some(fingerprints)) => {
            let now: Vec<Hash> = order.iter().map(|&t| fingerprints[t]).collect();
            store
                .changes(&now)
                .and_then(|(affected, dirty)| Some(Patch { previous: store.postings()?, affected, dirty }))
        }
        _ => None,
    };
    // Mending, the threads that did not change add only their posts, not their terms.
    let mending = patch.is_some();
    let mut terms = Terms::new(stored_terms, mending);
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
                                let (thread, from_store) =
                                    thread_terms(site, t, bodies, previous, fingerprints, mending)?;
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
                    if let Some(patch) = patch.as_mut() {
                        // A thread the store held but did not read back was tokenised
                        // again: its posts are gathered anew.
                        let first = terms.threads();
                        for (i, thread) in read.iter().enumerate() {
                            if thread.record.is_none() {
                                patch.affected[first + i] = true;
                            }
                        }
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
    let mut vocab = vocab::Vocab::default();
    let (shard_terms, term_count, words, made) = terms.write(&limits, &mut vocab, &counted, patch, next.as_mut())?;
    vocab.write(&counted)?;
    if let Some(next) = next {
        next.finish(&words, term_count)?;
    }
    drop(words);
    let topics: Vec<(&str, &str)> = site.topics.iter().map(|t| (t.slug.as_str(), t.title.as_str())).collect();
    let meta = json!({
        "format": 4,
        "docs": docs.docs,
        "terms": shard_terms,
        "docShards": vlq::firsts(&docs.firsts),
        "topics": topics,
    });
    counted.file("search/meta.js", format!("threadarc_search.m({meta});\n").as_bytes())?;
    Ok(IndexStats {
        docs: docs.docs as usize,
        terms: term_count,
        files: counted.files.into_inner(),
        bytes: counted.bytes.into_inner(),
        stored: stored.into_inner(),
        mended: mending.then_some(made),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::Config;
    use crate::model::Thread;
    use crate::testing;

    /// A thread of `posts` (author, body), all posted at `date`; its topic the dump's folder.
    fn thread(path: &str, title: &str, date: &str, posts: &[(&str, &str)]) -> Thread {
        posts.iter().fold(testing::thread(path, title).dated(date), |t, (author, body)| t.post(author, body)).build()
    }

    fn site() -> Site {
        Site::new(
            Config::default(),
            vec![
                thread(
                    "garden/new.txt",
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
                    "Roses",
                    "2020-01-01T00:00:00Z",
                    &[("Bob", "Roses and a tomato or two <script>x</script>"), ("Ann Lee", "nice")],
                ),
                thread("bikes/a.txt", "Chains", "2021-01-01T00:00:00Z", &[("Cy", "Oil the chain")]),
            ],
        )
    }

    fn files(site: &Site, limits: Limits) -> BTreeMap<String, String> {
        let files = std::sync::Mutex::new(BTreeMap::new());
        write_index_with(site, limits, &|path: &str, bytes: &[u8]| {
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
        let mut args: Vec<serde_json::Value> = serde_json::from_str(&format!("[{inner}]")).unwrap();
        // A doc shard's data is the base64 of its JSON's gzip.
        if let Some(packed) = args.get(1).and_then(|a| a.as_str()).filter(|_| file.starts_with("threadarc_search.d(")) {
            use base64::Engine as _;
            use std::io::Read as _;
            let packed = base64::engine::general_purpose::STANDARD.decode(packed).unwrap();
            let mut json = String::new();
            flate2::read::GzDecoder::new(&packed[..]).read_to_string(&mut json).unwrap();
            args[1] = serde_json::from_str(&json).unwrap();
        }
        args
    }

    /// Every term shard's entries, by file.
    fn entries(files: &BTreeMap<String, String>) -> impl Iterator<Item = (&String, Vec<serde_json::Value>)> {
        files.iter().filter(|(n, _)| n.starts_with("search/t/")).map(|(name, text)| {
            let a = args(text);
            assert_eq!(name, &chunk::path('t', a[0].as_str().unwrap()));
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
                        let file = &files[&chunk::path('p', pack)];
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
                ((thread, pair[1]), chunk::path('d', &name))
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
            assert_eq!(chunk::path('d', a[0].as_str().unwrap()), *name);
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
        assert_eq!(meta[0]["format"], 4);
        assert_eq!(meta[0]["docs"], 6);
        assert_eq!(meta[0]["topics"], json!([["bikes", "Bikes"], ["garden", "Garden"]]));
        assert_eq!(doc_shards(&files), [((0, 0), "search/d/0/0.js".to_owned())]);
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
        // "tomato": in two bodies and one title, which counts for its thread's first post
        // only: a reply is found by its own words.
        let tomato = word(&files, "tomato");
        assert_eq!(tomato.iter().map(|p| p.0).collect::<Vec<_>>(), [(0, 0), (2, 0)]);
        assert_eq!(postings(&files, "tomato").unwrap().0, 2);
        assert_eq!(word(&files, "blight").iter().map(|p| p.0).collect::<Vec<_>>(), [(2, 0), (2, 1)]);
        // A post with the word in its body and its title outweighs one with it in its body only.
        assert!(tomato[1].1 > tomato[0].1, "{tomato:?}");
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
        // Months: every dated post's, as filters.
        assert_eq!(filter(&files, &month_term("2022-06-01")), [(2, 0), (2, 1), (2, 2)]);
        assert_eq!(filter(&files, "!m:2020-01"), [(0, 0), (0, 1)]);
        // The typo index: words of four letters and more, by first letter and length.
        let name = format!("{}-6", chunk::name_of("t"));
        assert_eq!(files[&chunk::path('v', &name)], format!("threadarc_search.v(\"{name}\",[\"tomato\"]);\n"));
    }

    #[test]
    fn shorter_posts_weigh_more() {
        let site = Site::new(
            Config::default(),
            vec![thread(
                "t/a.txt",
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
            let site = Site::new(Config::default(), vec![thread("t/a.txt", "x", "2020-01-01T00:00:00Z", &posts)]);
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
        let site = Site::new(config, vec![thread("t/a.txt", "Many", "2020-01-01T00:00:00Z", &many)]);
        let limits = Limits { postings_max: 64, inline_max: 8, term_shard: 64, doc_shard: 512, pack: 128 };
        let files = files(&site, limits);
        let meta = args(&files["search/meta.js"]);
        let firsts: Vec<&str> = meta[0]["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert!(firsts.len() > 1 && firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
        // Term shards are named after their first terms.
        for first in &firsts {
            assert!(files.contains_key(&chunk::path('t', &chunk::name_of(first))), "{first}");
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

    #[test]
    fn the_index_is_the_same_every_time() {
        assert_eq!(files(&site(), Limits::default()), files(&site(), Limits::default()));
    }

    #[test]
    fn terms_sort_as_javascript_compares_them() {
        let site =
            Site::new(Config::default(), vec![thread("t/a.txt", "x", "2020-01-01T00:00:00Z", &[("", "𠀀 가 z ﬀ é")])]);
        let files = files(&site, Limits { term_shard: 1, ..Limits::default() });
        let meta = args(&files["search/meta.js"]);
        let firsts: Vec<Vec<u16>> =
            meta[0]["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().encode_utf16().collect()).collect();
        assert!(firsts.len() > 5 && firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
    }

    /// An archive of `threads` threads of made-up words, the same every time.
    fn forum(threads: usize) -> Vec<Thread> {
        let mut random = testing::Random::new(0x2545_f491_4f6c_dd1d);
        let mut next = move |n: u64| random.below(n);
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
                thread(&format!("t{}/{t}.txt", t % 3), &title.join(" "), &date, &posts)
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
        if let Some(date) = thread.posts[0].date {
            terms.insert(month_term(&date.strftime("%Y-%m-%d").to_string()));
        }
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
                        explained.insert(chunk::path('p', e[2].as_str().unwrap()));
                    }
                }
            }
        }
        differing(before, after)
            .into_iter()
            .filter(|n| (n.starts_with("search/t/") || n.starts_with("search/p/")) && !explained.contains(n))
            .collect()
    }

    /// Whether each of the `odd` term shards comes, in its build's term order, right after
    /// a shard that changed (the one whose cut moved, or another odd one), and each odd
    /// pack serves an odd shard: a ripple from a moved cut, not a change of its own.
    fn rippled(
        before: &BTreeMap<String, String>,
        after: &BTreeMap<String, String>,
        changed: &[String],
        odd: &[String],
    ) -> bool {
        let mut served = std::collections::BTreeSet::new();
        for files in [before, after] {
            let mut shards: Vec<(Vec<u16>, &String)> = entries(files)
                .map(|(name, list)| (list[0][0].as_str().unwrap().encode_utf16().collect(), name))
                .collect();
            shards.sort();
            for (i, (_, name)) in shards.iter().enumerate() {
                if !odd.contains(name) {
                    continue;
                }
                if i == 0 || !changed.contains(shards[i - 1].1) {
                    return false;
                }
                for (shard, list) in entries(files) {
                    if shard == *name {
                        for e in list.iter().filter(|e| e.as_array().unwrap().len() == 5) {
                            served.insert(chunk::path('p', e[2].as_str().unwrap()));
                        }
                    }
                }
            }
        }
        odd.iter().filter(|n| n.starts_with("search/p/")).all(|n| served.contains(n))
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
        // A shard that reaches three times its target size ends where its size says, not
        // where a term's hash does (`chunk::Cuts`), and the shards after it start where it
        // ends, so their cuts fall elsewhere until a term's hash cuts in both builds. Here
        // the shard "!t:t0"…"dalote" is such a one: it holds "a", "about", "and", "!t:t1"
        // and the new "brandnewword", which the reply adds to, so it reaches the cap a few
        // terms sooner (before "dalosuro" rather than "dalotero"), and the next two shards,
        // "dalotero"…"danadaro" and "danakami"…"danasu", become "dalosuro"…"damiroro" and
        // "damisu"…"danasu"; the cuts meet again before "danasuro". Those four shards (two
        // gone, two new) and their packs (three gone, one new) hold no term of the reply.
        let odd = unexplained(&before, &after, &terms);
        assert!(odd.len() <= 8, "{odd:?} of {changed:?}");
        assert!(rippled(&before, &after, &changed, &odd), "{odd:?} of {changed:?}");
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
        assert!(rippled(&before, &after, &changed, &odd), "{odd:?} of {changed:?}");
        assert!(changed.len() * 5 < total, "{} of {total} files changed", changed.len());
    }

    /// Builds the index of `site` as a build does, with the store at `path` (read if it is
    /// there, then written anew); a thread's fingerprint is its path and posts, as a
    /// dump's is its bytes.
    fn files_kept(site: &Site, limits: Limits, path: &std::path::Path) -> (BTreeMap<String, String>, IndexStats) {
        let fingerprints: Vec<Hash> = site
            .threads
            .iter()
            .map(|e| {
                let mut hasher = crate::cache::Hasher::new();
                hasher.str(&e.thread.path);
                for post in &e.thread.posts {
                    hasher.str(&post.body).str(post.author.as_deref().unwrap_or("")).str(&format!("{:?}", post.date));
                }
                hasher.finish()
            })
            .collect();
        let mut previous = store::Store::open(path, 1);
        let new = path.with_extension("new");
        let next = store::Writer::create(&new, 1).unwrap();
        let keep = Keep { previous: previous.as_mut(), fingerprints: &fingerprints, next };
        let files = Mutex::new(BTreeMap::new());
        let sink = |path: &str, bytes: &[u8]| {
            files.lock().unwrap().insert(path.to_owned(), String::from_utf8(bytes.to_vec()).unwrap());
            Ok(())
        };
        let stats = write_index_inner(site, &Bodies::default(), Some(keep), limits, &sink, &|| {}).unwrap();
        std::fs::rename(new, path).unwrap();
        (files.into_inner().unwrap(), stats)
    }

    #[test]
    fn mended_postings_equal_gathered_ones() {
        // Postings cut short, so that the words of many posts keep only their best.
        let limits = Limits { inline_max: 48, term_shard: 1024, doc_shard: 2048, pack: 1024, postings_max: 64 };
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let mut threads = forum(300);
        let (_, stats) = files_kept(&Site::new(Config::default(), threads.clone()), limits, &store);
        assert_eq!(stats.mended, None, "the first build has nothing to mend");
        // A reply in the middle of the order, a post of another thread cut down to a new
        // word, and a new newest thread.
        let mut reply = threads[151].posts[0].clone();
        reply.number = threads[151].posts.len() as u32 + 1;
        reply.body = "a reply about kamiro".into();
        threads[151].posts.push(reply);
        threads[20].posts[1].body = "zyzzyva".into();
        let mut newest = forum(1).remove(0);
        newest.path = "t0/newest.txt".into();
        newest.posts.iter_mut().for_each(|p| p.date = Some("2030-01-01T00:00:00Z".parse().unwrap()));
        threads.push(newest);
        let site = Site::new(Config::default(), threads.clone());
        let (kept, stats) = files_kept(&site, limits, &store);
        let made = stats.mended.expect("the postings mended");
        assert!(made > 0 && made * 2 < stats.terms, "{made} of {} terms made", stats.terms);
        assert_eq!(differing(&kept, &files(&site, limits)), Vec::<String>::new());
        assert!(kept.values().any(|f| f.contains("\"zyzzyva\"")));
        // Among them postings cut: the most frequent word's list holds fewer posts than
        // hold the word.
        let common = entries(&kept).flat_map(|(_, list)| list).filter(|e| !e[0].as_str().unwrap().starts_with('!'));
        let common = common.max_by_key(|e| e[1].as_u64().unwrap()).unwrap();
        let term = common[0].as_str().unwrap();
        let (df, _) = postings(&kept, term).unwrap();
        assert!(df > 100 && word(&kept, term).len() < 40, "{term}: {df}, {} listed", word(&kept, term).len());

        // A thread moved in the order (its first post's date): the postings are gathered.
        threads[5].posts.iter_mut().for_each(|p| p.date = Some("2031-01-01T00:00:00Z".parse().unwrap()));
        let site = Site::new(Config::default(), threads);
        let (kept, stats) = files_kept(&site, limits, &store);
        assert_eq!(stats.mended, None);
        assert_eq!(differing(&kept, &files(&site, limits)), Vec::<String>::new());
    }
}
