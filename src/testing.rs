//! One way for tests to make the threads a site is built from: a thread in a line, its
//! posts added one at a time.
//!
//! ```ignore
//! let thread = testing::thread("garden/new.txt", "Tomato blight")
//!     .dated("2022-06-01T00:00:00Z")
//!     .post("Ann Lee", "My tomato leaves have spots.")
//!     .post("", "An anonymous tip")
//!     .build();
//! ```

use crate::model::{Format, Post, Thread};

/// A thread being made for a test.
pub struct ThreadBuilder {
    thread: Thread,
    /// The date of the posts added from now on.
    date: Option<jiff::Timestamp>,
}

/// A plain thread of the dump at `path` (relative to the input folder): its topic is the
/// folder the dump is in, as the loader would make it.
pub fn thread(path: &str, title: &str) -> ThreadBuilder {
    let topic = path.split_once('/').map_or("general", |(folder, _)| folder);
    ThreadBuilder {
        thread: Thread {
            path: path.to_owned(),
            format: Format::Plain,
            title: title.to_owned(),
            topic: topic.to_owned(),
            tags: Vec::new(),
            source: None,
            paragraphs: Default::default(),
            posts: Vec::new(),
            excerpts: Vec::new(),
            released: false,
            pool: None,
            removed: None,
        },
        date: None,
    }
}

impl ThreadBuilder {
    pub fn format(mut self, format: Format) -> ThreadBuilder {
        self.thread.format = format;
        self
    }

    /// The date (RFC 3339) of the posts added after this; undated before.
    pub fn dated(mut self, date: &str) -> ThreadBuilder {
        self.date = Some(date.parse().expect("an RFC 3339 date"));
        self
    }

    /// The next post, numbered after the last: by `author` (none when empty), saying `body`.
    pub fn post(self, author: &str, body: &str) -> ThreadBuilder {
        let post =
            Post { author: (!author.is_empty()).then(|| author.to_owned()), body: body.to_owned(), ..Post::default() };
        self.with(post)
    }

    /// A post made by the test, numbered and dated like [`ThreadBuilder::post`]'s where it
    /// leaves number or date out.
    pub fn with(mut self, mut post: Post) -> ThreadBuilder {
        if post.number == 0 {
            post.number = self.thread.posts.last().map_or(1, |p| p.number + 1);
        }
        if post.date.is_none() {
            post.date = self.date;
        }
        if post.line == 0 {
            post.line = self.thread.posts.len() + 1;
        }
        self.thread.posts.push(post);
        self
    }

    pub fn build(self) -> Thread {
        self.thread
    }
}

/// Numbers that look random and are the same on every run (xorshift64).
pub struct Random(u64);

impl Random {
    /// Starts from `seed`, which must not be 0.
    pub fn new(seed: u64) -> Random {
        Random(seed)
    }

    /// The next number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}
