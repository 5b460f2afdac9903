//! The typo index: the archive's words by their first letter and length, without
//! postings, so that the browser can find the words one or two edits away from a query
//! word that matches none.
//!
//! Words are listed without their document frequency, so that a file changes only when a
//! word new to the archive comes, not with every post that holds a word already there.
//!
//! A word of length L is one edit from words of length L − 1 to L + 1 (two edits: L − 2 to
//! L + 2), so a query word needs three or five of these files, each a small slice of the
//! vocabulary; the words it finds are then looked up in the term shards as any word is. A
//! typo in a word's first letter is not forgiven: that is what keeps the slices small.
//!
//! Numbers are left out (`2024`, `3.14`, `1,000`): one edit from a number is another
//! number, never the same one mistyped, and an archive of prices, years and versions
//! would fill files that no typo should read.

use std::collections::BTreeMap;
use std::io;

use rayon::prelude::*;

use super::chunk::{self, Sink};

/// Words shorter than this are not in the typo index: a query word must have
/// [`TYPO_MIN`] letters to be corrected, and one edit takes away at most one.
pub const VOCAB_MIN: usize = TYPO_MIN - 1;
/// The fewest letters a query word needs for `static/search.js` to forgive a typo in it.
pub const TYPO_MIN: usize = 5;

/// The words of the typo index, by file: the name of the file is [`chunk::name_of`] of the
/// word's first character, `-`, and its length in characters.
#[derive(Default)]
pub(super) struct Vocab {
    files: BTreeMap<String, Vec<String>>,
}

impl Vocab {
    /// Adds a term, if it is a word long enough and not a number. Terms come in order, so
    /// each file's list is sorted.
    pub(super) fn add(&mut self, term: &str) {
        if term.starts_with('!') || is_number(term) {
            return;
        }
        let mut chars = term.chars();
        let Some(first) = chars.next() else { return };
        let len = 1 + chars.count();
        if len < VOCAB_MIN {
            return;
        }
        let name = format!("{}-{len}", chunk::name_of(first.encode_utf8(&mut [0; 4])));
        self.files.entry(name).or_default().push(term.to_owned());
    }

    /// Writes the files, `search/v/NA/NAME.js` each: `threadarc_search.v("NAME",[WORD…]);`.
    pub(super) fn write(self, sink: &dyn Sink) -> io::Result<()> {
        self.files.into_par_iter().try_for_each(|(name, words)| {
            let json = serde_json::to_string(&words).unwrap_or_default();
            sink.file(&chunk::path('v', &name), format!("threadarc_search.v(\"{name}\",{json});\n").as_bytes())
        })
    }
}

/// Whether a term is a number: numerals, and the `.`, `,` and `;` that join digits in a
/// term ([`super::tokenize`]).
fn is_number(term: &str) -> bool {
    term.chars().all(|c| c.is_numeric() || matches!(c, '.' | ',' | ';'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_filed_by_first_letter_and_length() {
        let mut vocab = Vocab::default();
        for term in ["!a:bob", "abc", "sourdough", "stare", "starter", "été", "2024", "3.14159", "1,000", "٢٠٢٤"]
        {
            vocab.add(term);
        }
        let s = chunk::name_of("s");
        assert_eq!(vocab.files[&format!("{s}-9")], ["sourdough"]);
        assert_eq!(vocab.files[&format!("{s}-7")], ["starter"]);
        assert_eq!(vocab.files.len(), 3, "{:?}", vocab.files.keys());
        assert!(!is_number("mp3") && !is_number("v1.2") && is_number("1.2.3"));
    }
}
