//! The postings of every term: gathered from the threads a batch at a time, then encoded
//! term by term, in the order the term shards list them, as the format says: which posts
//! hold the term, and each post's BM25 weight for it.
//!
//! At a million posts the postings gathered are most of what a build holds, so they are
//! kept compact while gathering ([`BodyPostings`]), and encoded and handed to the term
//! shards ([`super::term_shards`]) a slice of terms at a time, each term's freed as its
//! encoding is made. Weights are measured against a fixed length ([`REFERENCE_LENGTH`]),
//! not the archive's average, so that a post's weights depend on nothing but the post and
//! its title, and stay as they were when other posts come.

use std::cmp::Ordering;
use std::io;

use rayon::prelude::*;

use super::chunk::{Limits, Sink};
use super::collect::{PARTS, ThreadTerms, Words, in_range};
use super::store::{Encoded, Postings, Writer};
use super::term_shards::TermShards;
use super::vlq;
use super::vocab::Vocab;

/// How much a word in a thread's title weighs against the best a post's own words can: the
/// browser adds this times a post's best weight to a thread whose title holds the word.
/// The title is marked on the thread's first post only, so a reply is found only by its
/// own words.
pub const TITLE_WEIGHT: f64 = 1.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// The length (in terms, the title's included) at which BM25 neither favours nor
/// penalises a post: about a typical forum post and its thread's title. Fixed, so that a
/// post's weights do not depend on the rest of the archive.
pub const REFERENCE_LENGTH: f64 = 100.0;
/// Quantization levels of a posting's impact.
const LEVELS: f64 = 16.0;

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
pub(super) struct Terms {
    parts: Vec<Part>,
    /// Per thread ordinal (its THREAD in addresses): its first doc id and post count.
    threads: Vec<(u32, u32)>,
    /// Per doc: its length in terms (its thread's title apart).
    lengths: Vec<u32>,
    /// Per doc: its thread's ordinal.
    doc_threads: Vec<u32>,
    /// Whether only the threads that changed are gathered, those tokenised rather than
    /// taken from the store (which come without their terms): the last build's postings
    /// are mended with theirs ([`Patch`]).
    changed_only: bool,
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
    fn add(&mut self, part: usize, threads: &[ThreadTerms], placed: &[(u32, u32)], changed_only: bool) -> Vec<u32> {
        let mut numbered: Vec<u32> = Vec::new();
        for (thread, &(ordinal, first)) in threads.iter().zip(placed) {
            let (from, to) = (thread.starts[part], thread.starts[part + 1]);
            if from == to || (changed_only && thread.record.is_some()) {
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
    /// The index's terms, starting with a store's parts ([`super::store::Store`]) if given;
    /// `changed_only` gathers only the postings of threads not in the store.
    pub(super) fn new(stored: Option<Vec<Words>>, changed_only: bool) -> Terms {
        Terms {
            parts: match stored {
                Some(parts) => parts.into_iter().map(Part::starting_with).collect(),
                None => (0..PARTS).map(|_| Part::default()).collect(),
            },
            threads: Vec::new(),
            lengths: Vec::new(),
            doc_threads: Vec::new(),
            changed_only,
        }
    }

    /// How many threads were added: the THREAD of the next.
    pub(super) fn threads(&self) -> usize {
        self.threads.len()
    }

    /// Adds a batch of threads, the next in address order, and numbers the terms of those
    /// that were not.
    pub(super) fn add_threads(&mut self, threads: &mut [ThreadTerms]) {
        let placed: Vec<(u32, u32)> = threads
            .iter()
            .map(|thread| {
                let ordinal = self.threads.len() as u32;
                let first = self.lengths.len() as u32;
                self.threads.push((first, thread.posts.len() as u32));
                self.lengths.extend(thread.posts.iter().map(|post| post.len));
                self.doc_threads.extend(thread.posts.iter().map(|_| ordinal));
                (ordinal, first)
            })
            .collect();
        let numbered: Vec<Vec<u32>> = self
            .parts
            .par_iter_mut()
            .enumerate()
            .map(|(p, part)| part.add(p, threads, &placed, self.changed_only))
            .collect();
        // Each part's numbers are its threads' terms in that part, one thread after another.
        let mut taken = [0usize; PARTS];
        for thread in threads.iter_mut().filter(|t| t.record.is_none()) {
            thread.ids.reserve_exact(thread.starts[PARTS] as usize);
            for (p, numbers) in numbered.iter().enumerate() {
                let n = (thread.starts[p + 1] - thread.starts[p]) as usize;
                thread.ids.extend_from_slice(&numbers[taken[p]..taken[p] + n]);
                taken[p] += n;
            }
        }
    }

    /// Writes the term shards and postings files; returns the shards' first terms, the
    /// number of terms, each part's terms, numbered (with any a store had that no thread
    /// holds now, which the index leaves out), and how many terms' postings were made
    /// rather than taken from the last build. With `patch`, the postings of the last build
    /// are taken for the terms the threads that changed do not hold, and mended for those
    /// they do; `next` is handed every term's postings for the next build.
    pub(super) fn write(
        self,
        limits: &Limits,
        vocab: &mut Vocab,
        sink: &dyn Sink,
        mut patch: Option<Patch>,
        mut next: Option<&mut Writer>,
    ) -> io::Result<(Vec<String>, usize, Vec<Words>, usize)> {
        let Terms { parts, threads, lengths, doc_threads, .. } = self;
        let mut words = Vec::with_capacity(PARTS);
        let mut bodies = Vec::with_capacity(PARTS);
        let mut titles = Vec::with_capacity(PARTS);
        for Part { words: w, body, titles: t, .. } in parts {
            words.push(w);
            bodies.push(body);
            titles.push(t);
        }
        // Terms in order, each by its part and number there: those some post holds (when
        // patching, some changed post), and those the changed threads held before.
        let (b, t) = (&bodies, &titles);
        let dirty = patch.as_ref().map(|p| &p.dirty);
        let mut terms: Vec<(&str, u32, u32)> = words
            .iter()
            .enumerate()
            .flat_map(|(p, w)| {
                (0..w.len())
                    .filter(move |&i| {
                        !b[p][i].bytes.is_empty()
                            || !t[p][i].is_empty()
                            || dirty.is_some_and(|d| d[p].get(i).copied().unwrap_or(false))
                    })
                    .map(move |i| (w.get(i), p as u32, i as u32))
            })
            .collect();
        terms.par_sort_unstable_by(|a, b| utf16_order(a.0, b.0));
        let context = Context {
            threads: &threads,
            lengths: &lengths,
            doc_threads: &doc_threads,
            postings_max: limits.postings_max,
        };
        // Encoded a slice of terms at a time, and written as packs and shards close: only
        // a slice's postings strings are held, not the whole index's, and the postings
        // gathered are freed as their encoding is made.
        let mut files = TermShards::new(limits);
        let (mut count, mut made) = (0, 0);
        let mut fresh = terms.iter().peekable();
        loop {
            let mut jobs = Vec::with_capacity(ENCODE_TERMS);
            while jobs.len() < ENCODE_TERMS {
                let previous = patch.as_mut().map(|p| &mut p.previous);
                let Some(job) = next_job(&mut fresh, previous, &mut bodies, &mut titles)? else { break };
                made += usize::from(!matches!(job, Job::Kept(_)));
                jobs.push(job);
            }
            if jobs.is_empty() {
                break;
            }
            let affected = patch.as_ref().map_or(&[][..], |p| &p.affected[..]);
            let encoded: Vec<(String, Encoded)> =
                jobs.into_par_iter().map(|job| context.run(job, affected)).collect::<io::Result<_>>()?;
            for (name, encoded) in encoded {
                if encoded.df == 0 {
                    continue;
                }
                count += 1;
                vocab.add(&name);
                if let Some(next) = next.as_deref_mut() {
                    next.postings(&name, &encoded)?;
                }
                files.add(name, encoded.df, encoded.postings)?;
            }
            files.write(sink)?;
        }
        let firsts = files.finish()?;
        files.write(sink)?;
        drop((files, terms));
        Ok((firsts, count, words, made))
    }
}

/// The best `keep` of `hits` (which ascend by address): highest impact, newest first among
/// equals; in address order.
fn best(hits: &[(vlq::Address, u8)], keep: usize) -> Vec<(vlq::Address, u8)> {
    let mut counts = [0usize; LEVELS as usize];
    hits.iter().for_each(|h| counts[usize::from(h.1)] += 1);
    // Every hit above the level `least`, and the newest `rest` of those at it.
    let (mut least, mut above) = (LEVELS as usize - 1, 0);
    while least > 0 && above + counts[least] < keep {
        above += counts[least];
        least -= 1;
    }
    let least = least as u8;
    let rest = keep.saturating_sub(above);
    let oldest = hits.iter().rev().filter(|h| h.1 == least).nth(rest.saturating_sub(1)).map_or((0, 0), |h| h.0);
    let kept = |h: &&(vlq::Address, u8)| h.1 > least || (h.1 == least && rest > 0 && h.0 >= oldest);
    hits.iter().filter(kept).copied().collect()
}

/// The next term to encode, in order: the next of the terms gathered (`fresh`, by part and
/// number), the next of the last build's, or both when they are the same term; None
/// after the last.
fn next_job<'t>(
    fresh: &mut std::iter::Peekable<std::slice::Iter<'_, (&'t str, u32, u32)>>,
    mut previous: Option<&mut Postings>,
    bodies: &mut [Vec<BodyPostings>],
    titles: &mut [Vec<TitlePostings>],
) -> io::Result<Option<Job<'t>>> {
    let kept = match previous.as_mut() {
        Some(previous) => previous.peek()?,
        None => None,
    };
    let order = match (fresh.peek(), kept) {
        (None, None) => return Ok(None),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(&&(name, ..)), Some(kept)) => utf16_order(name, kept),
    };
    if order == Ordering::Greater {
        return Ok(Some(Job::Kept(previous.expect("a term kept").next()?)));
    }
    let &(name, p, i) = fresh.next().expect("a term peeked");
    let (p, i) = (p as usize, i as usize);
    let (body, title) = (std::mem::take(&mut bodies[p][i]), std::mem::take(&mut titles[p][i]));
    Ok(Some(match (order, previous) {
        (Ordering::Equal, Some(previous)) => Job::Mended(name, body, title, previous.next()?.1),
        _ => Job::Fresh(name, body, title),
    }))
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

/// What encoding a term's postings needs to know of the whole index.
struct Context<'a> {
    threads: &'a [(u32, u32)],
    lengths: &'a [u32],
    doc_threads: &'a [u32],
    postings_max: usize,
}

/// A term to encode: from what was gathered of it, taken from the last build as it was, or
/// the last build's mended with what was gathered of the threads that changed.
enum Job<'t> {
    Fresh(&'t str, BodyPostings, TitlePostings),
    Kept((String, Encoded)),
    Mended(&'t str, BodyPostings, TitlePostings, Encoded),
}

/// What a build takes of the last one's postings: every term's, in order; the threads (by
/// THREAD) whose posts they may no longer hold or hold otherwise, which are every thread
/// that changed; and, per part, the terms the changed threads held before.
pub(super) struct Patch<'s> {
    pub(super) previous: Postings<'s>,
    pub(super) affected: Vec<bool>,
    pub(super) dirty: Vec<Vec<bool>>,
}

impl Context<'_> {
    fn run(&self, job: Job, affected: &[bool]) -> io::Result<(String, Encoded)> {
        Ok(match job {
            Job::Fresh(name, body, titles) => (name.to_owned(), self.publish(name, self.hits(&body, &titles))),
            Job::Kept(kept) => kept,
            Job::Mended(name, body, titles, old) => {
                let text = old.full.as_deref().unwrap_or(&old.postings);
                let read = if name.starts_with('!') {
                    vlq::read_runs(text).map(|a| a.into_iter().map(|a| (a, 0)).collect())
                } else {
                    vlq::read_postings(text)
                };
                let mut kept = read.ok_or_else(|| {
                    io::Error::other(format!("the search store's postings of {name:?} do not read back"))
                })?;
                kept.retain(|&((thread, _), _)| !affected.get(thread as usize).copied().unwrap_or(true));
                let new = self.hits(&body, &titles);
                // The two lists ascend, and no post is in both.
                let mut hits = Vec::with_capacity(kept.len() + new.len());
                let (mut a, mut b) = (kept.into_iter().peekable(), new.into_iter().peekable());
                while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
                    hits.push(if x.0 < y.0 { a.next() } else { b.next() }.expect("peeked"));
                }
                hits.extend(a.chain(b));
                (name.to_owned(), self.publish(name, hits))
            }
        })
    }

    /// The posts with the term in body or title, in address order, each with its impact
    /// (0 for a filter).
    fn hits(&self, body: &BodyPostings, titles: &[(u32, u8)]) -> Vec<(vlq::Address, u8)> {
        // Posts with the term in body or title, in doc order: (doc, count in body, count in
        // title). Both lists ascend, and a title's threads' posts do too. A title's word
        // counts for the thread's first post; a topic (count 0) for every post.
        let mut postings: Vec<(u32, u8, u8)> = Vec::new();
        let mut body = body.iter().peekable();
        for &(thread, n) in titles {
            let (first, all) = self.threads[thread as usize];
            let count = if n == 0 { all } else { all.min(1) };
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
        // Docs ascend as addresses do.
        postings.iter().map(|&(d, b, t)| (self.address(d), self.impact(d, b, t))).collect()
    }

    /// The term's document frequency and postings string, from its hits.
    fn publish(&self, name: &str, hits: Vec<(vlq::Address, u8)>) -> Encoded {
        let df = hits.len() as u32;
        if name.starts_with('!') {
            return Encoded { df, postings: vlq::runs(hits.iter().map(|h| h.0)), full: None };
        }
        let full = vlq::postings(hits.iter().copied());
        if full.len() <= self.postings_max {
            return Encoded { df, postings: full, full: None };
        }
        let mut keep = hits.len();
        let mut encoded = full.clone();
        while encoded.len() > self.postings_max && keep > 1 {
            keep = ((keep as f64 * self.postings_max as f64 / encoded.len() as f64) * 0.98) as usize;
            keep = keep.max(1);
            encoded = vlq::postings(best(&hits, keep).into_iter());
        }
        Encoded { df, postings: encoded, full: Some(full) }
    }

    /// A doc's address.
    fn address(&self, doc: u32) -> vlq::Address {
        let thread = self.doc_threads[doc as usize];
        (thread, doc - self.threads[thread as usize].0)
    }

    /// A post's quantized BM25 weight for a term it holds `body` times, and its title
    /// `title` times (a thread's first post only): the highest level says the title holds
    /// the term, which the browser ranks the thread by; the others are the post's own.
    fn impact(&self, doc: u32, body: u8, title: u8) -> u8 {
        if title > 0 {
            return LEVELS as u8 - 1;
        }
        let tf = f64::from(body);
        let length = f64::from(self.lengths[doc as usize]);
        let weight = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / REFERENCE_LENGTH));
        ((weight / (K1 + 1.0) * (LEVELS - 1.0)).ceil() - 1.0).clamp(0.0, LEVELS - 2.0) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::text::odd_texts;

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
    fn the_best_hits_are_the_highest_impacts_newest_first() {
        let mut random = crate::testing::Random::new(0x1234_5678_9abc_def1);
        let mut next = |n: u64| random.below(n);
        for len in [1, 2, 5, 40, 300] {
            let mut at = (0, 0);
            let hits: Vec<(vlq::Address, u8)> = (0..len)
                .map(|_| {
                    at = if next(3) == 0 { (at.0 + 1, 0) } else { (at.0, at.1 + 1) };
                    // Few levels, so that ties are many.
                    (at, [0, 3, 3, 14, 15][next(5) as usize])
                })
                .collect();
            for keep in 1..=len + 1 {
                let mut sorted = hits.clone();
                sorted.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
                sorted.truncate(keep);
                sorted.sort_by_key(|h| h.0);
                assert_eq!(best(&hits, keep), sorted, "{len} hits, keep {keep}");
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
}
