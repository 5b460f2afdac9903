//! The doc shards: every post's entry, what a result shows of it (its thread's title and
//! page, its author, date and text), in files by address, of which the browser loads
//! those that hold the results it shows.
//!
//! They are made while the threads are read, in address order, from the entries made as
//! each thread was read ([`super::collect`]), and each shard is written as soon as it
//! ends, while the next batch of threads is read: the posts' texts are never all held at
//! once. The shards' first addresses, in `meta.js`, say which shard holds a post, so a
//! shard may end anywhere, even inside a thread.

use serde_json::json;

use super::chunk;
use super::collect::ThreadTerms;
use super::vlq;
use crate::site::Site;

/// The doc shards, written as threads are read, in address order. A shard may end before
/// any post ([`chunk::Cuts`], by the hash of the post's thread's key and its index), so
/// that a thread's new posts change the shard its end is in and not the shards after it.
pub(super) struct DocShards {
    cuts: chunk::Cuts,
    /// The posts pushed.
    pub(super) docs: u32,
    /// The next thread's ordinal.
    next_thread: u32,
    /// The first address of every shard written or open.
    pub(super) firsts: Vec<vlq::Address>,
    /// The open shard's threads: each one's entry before its posts (`[TITLE,URL,TOPIC,[`)
    /// and its posts' entries; and about their size.
    threads: Vec<(String, String)>,
    bytes: usize,
}

impl DocShards {
    pub(super) fn new(target: usize) -> DocShards {
        DocShards {
            cuts: chunk::Cuts::new(target),
            docs: 0,
            next_thread: 0,
            firsts: Vec::new(),
            threads: Vec::new(),
            bytes: 0,
        }
    }

    /// Adds the next thread's posts; shards that end go into `closed` as (name, JSON).
    pub(super) fn push_thread(
        &mut self,
        site: &Site,
        t: usize,
        thread: &ThreadTerms,
        closed: &mut Vec<(String, String)>,
    ) {
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
        let json = format!("{{\"first\":[{t},{p}],\"threads\":[{}]}}", threads.join(","));
        closed.push((name, json));
        self.bytes = 0;
    }

    pub(super) fn finish(&mut self, closed: &mut Vec<(String, String)>) {
        self.flush(closed);
    }
}
