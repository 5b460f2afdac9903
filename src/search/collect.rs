//! What the index collects from each thread, and in what order: the thread's distinct
//! terms, which of them each post holds how often, and each post's doc-shard entry
//! ([`ThreadTerms`]), read a batch of threads at a time in address order.
//!
//! A thread is read once, and all that the later stages need of it is taken then: its
//! posts' bodies can be let go as soon as it is read, and the store ([`super::store`]) can
//! keep it as it is, for a later build to take instead of reading the thread again. The
//! threads are read a batch at a time, in parallel, so that what is held of them before
//! the postings take it in is bounded, however large the archive.

use std::borrow::Cow;

use super::text::{TEXT_MAX_CHARS, cut_text};
use super::tokenize;
use crate::render::markup;
use crate::site::Site;

/// Posts tokenised at a time (in whole threads): bounds the memory held for terms not yet
/// merged, whatever the threads' sizes.
const BATCH_POSTS: usize = 1024;

/// `order` cut into runs of threads of about [`BATCH_POSTS`] posts.
pub(super) fn batches<'o>(site: &Site, order: &'o [usize]) -> impl Iterator<Item = &'o [usize]> {
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
pub(super) fn thread_order(site: &Site) -> Vec<usize> {
    // A thread taken down is not searched for.
    let mut order: Vec<usize> = (0..site.threads.len()).filter(|&i| site.threads[i].thread.removed.is_none()).collect();
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

/// The term of a date filter: the month a post was written in, `!m:YYYY-MM`.
pub fn month_term(date: &str) -> String {
    format!("!m:{}", date.get(..7).unwrap_or(date))
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
pub(super) struct ThreadTerms {
    pub(super) words: Words,
    /// Per part, the number of its first term; then the number of terms.
    pub(super) starts: [u32; PARTS + 1],
    /// Terms of the title (by number, ascending) with their counts, and the title's length
    /// in terms.
    pub(super) title: Vec<(u32, u32)>,
    pub(super) title_len: u32,
    /// The topic's filter term.
    pub(super) topic: u32,
    pub(super) posts: Vec<PostTerms>,
    /// Per term of the thread: its number in its part of the index ([`super::postings`]);
    /// empty until the index has numbered them, unless the thread came from the store
    /// (whose `words` are empty).
    pub(super) ids: Vec<u32>,
    /// The thread's record in the store it came from; `None` for a thread tokenised. A
    /// thread the store gave for its posts alone ([`super::store::Store::posts`]) has no
    /// terms at all.
    pub(super) record: Option<Vec<u8>>,
}

pub(super) struct PostTerms {
    /// The post's terms (by number, ascending) with their counts.
    pub(super) terms: Vec<(u32, u32)>,
    /// Where each part's terms begin in `terms` ([`part_bounds`]), and where they end.
    pub(super) bounds: [u32; PARTS + 1],
    pub(super) len: u32,
    /// The author's filter term.
    pub(super) author: Option<u32>,
    /// The post's entry in its doc shard, JSON: `[NUMBER,AUTHOR,DATE,TEXT,PAGE?]`.
    pub(super) entry: String,
}

/// Terms, one after another, each with its hash ([`term_hash`]).
#[derive(Default)]
pub(super) struct Words {
    text: String,
    /// Per term: where its text ends (it starts where the one before ends).
    ends: Vec<u32>,
    pub(super) hashes: Vec<u64>,
}

impl Words {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Whether term `i` is `term`.
    pub(super) fn is(&self, i: u32, term: &str) -> bool {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.as_bytes().get(start..self.ends[i] as usize) == Some(term.as_bytes())
    }

    pub(super) fn push(&mut self, term: &str, hash: u64) {
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
pub(super) const PARTS: usize = 16;

/// The hash a term is found by while the index is built (never written anywhere).
pub(super) fn term_hash(term: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(term.as_bytes())
}

/// The part a term is gathered in: from bits of its hash that hash tables do not use.
fn part_of(hash: u64) -> usize {
    (hash >> 40) as usize % PARTS
}

/// Where each part's terms begin in a list sorted by term number, the terms of part `p`
/// being numbered from `starts[p]`; and where the list ends.
pub(super) fn part_bounds(terms: &[(u32, u32)], starts: &[u32; PARTS + 1]) -> [u32; PARTS + 1] {
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
pub(super) fn in_range(list: &[(u32, u32)], from: u32, to: u32) -> &[(u32, u32)] {
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
pub(super) fn read_thread(site: &Site, t: usize, bodies: Option<&[String]>) -> ThreadTerms {
    READER.with_borrow_mut(|reader| read_thread_with(reader, site, t, bodies))
}

fn read_thread_with(reader: &mut Reader, site: &Site, t: usize, taken: Option<&[String]>) -> ThreadTerms {
    let entry = &site.threads[t];
    let thread = &entry.thread;
    let first_page = site.first_page(entry);
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
            let (mut terms, len) = reader.count(&text);
            let date = post.date.map(|d| d.strftime("%Y-%m-%d").to_string());
            // The month is a filter term among the post's words, which it cannot clash
            // with (no word holds `!`), not counted in its length.
            if let Some(date) = &date {
                terms.push((reader.id(&month_term(date)), 1));
            }
            let text = cut_text(&text, TEXT_MAX_CHARS);
            let page = site.post_page(post.number);
            let entry = if page > first_page {
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
