//! What a parser returns: the threads a dump holds as it gave them, what the parser noticed
//! on the way, and how sure a format is that it can read a text. Every parser takes these
//! from here, and the detection and dispatch in `parse/mod.rs` hands them on.

use crate::diagnostic::Problem;
use crate::model::{Pool, Post};

/// How sure a format is that it can read a text, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub value: u8,
    pub reason: String,
}

impl Score {
    pub fn none(reason: impl Into<String>) -> Score {
        Score { value: 0, reason: reason.into() }
    }
}

/// What a parser read from a dump: its threads, and what it noticed on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub threads: Vec<ParsedThread>,
    /// What the parser read past or left out (a line it skipped, a date it could not
    /// place), at lines of the text it was given; the loader names the file.
    pub warnings: Vec<Problem>,
    /// What the parser could only guess and the user need not act on (a reply placed by
    /// the page's layout), likewise.
    pub notes: Vec<Problem>,
}

impl Parsed {
    /// The one thread a dump of one thread gave.
    #[cfg(test)]
    pub fn only(self) -> ParsedThread {
        let [thread] = <[ParsedThread; 1]>::try_from(self.threads).expect("one thread");
        thread
    }
}

impl From<ParsedThread> for Parsed {
    fn from(thread: ParsedThread) -> Parsed {
        Parsed { threads: vec![thread], ..Parsed::default() }
    }
}

impl From<Vec<ParsedThread>> for Parsed {
    fn from(threads: Vec<ParsedThread>) -> Parsed {
        Parsed { threads, ..Parsed::default() }
    }
}

/// A thread as a parser found it, before the loader adds what the file's place and front
/// matter say. Lines are relative to the text the parser was given (1-based).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedThread {
    pub title: Option<String>,
    pub topic: Option<String>,
    /// Labels the dump gives the thread (a Discourse category and tags); added after
    /// front matter's.
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub posts: Vec<Post>,
    /// How the thread joins threads of other files of its topic (mail, Reddit dumps,
    /// Discourse page files); none for a thread that is whole in its file.
    pub pool: Option<Pool>,
}

/// A dump of several files: a zip's entries or a folder's files, by their paths inside it
/// (with `/`), in order. Only the files a parser reads are here (text and JSON); media stay
/// where they are, for the build to copy as attachments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bundle {
    pub files: Vec<(String, Vec<u8>)>,
}

impl Bundle {
    /// The bytes of the file at `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, bytes)| bytes.as_slice())
    }
}
