//! What the copy-paste parsers share: cutting a dump into lines and bodies, and guessing
//! who answers whom from how deep a comment sits.

use std::ops::{Index, Range};

use crate::text::is_blank;

/// The dump's lines, without line ends or trailing white space (tabs at the start stay:
/// Hacker News marks comments with a line that is only a tab).
pub fn lines(text: &str) -> Vec<&str> {
    text.split('\n').map(|l| l.trim_end_matches([' ', '\u{a0}', '\r'])).collect()
}

/// A text's lines (or a byte string's), found by where each starts: four bytes a line,
/// where a list of the lines took sixteen (a dump of 2-byte lines held eight times its size
/// in that list). Lines keep what they end with but the `\n`, like `text.split('\n')`. A
/// dump is at most 256 MiB, so a `u32` holds any offset in it.
pub struct Lines<'a, T: ?Sized = str> {
    text: &'a T,
    starts: Vec<u32>,
}

impl<'a, T> Lines<'a, T>
where
    T: ?Sized + AsRef<[u8]> + Index<Range<usize>, Output = T>,
{
    pub fn new(text: &'a T) -> Self {
        let offset = |i: usize| u32::try_from(i).expect("a dump is at most 256 MiB");
        let ends = text.as_ref().iter().enumerate().filter(|&(_, &b)| b == b'\n');
        let starts = std::iter::once(0).chain(ends.map(|(i, _)| offset(i + 1))).collect();
        Lines { text, starts }
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Line `i` (0-based).
    pub fn get(&self, i: usize) -> &'a T {
        let text: &'a T = self.text;
        &text[self.start(i)..self.end(i)]
    }

    /// Lines `range` joined by `\n`: the text they are, borrowed rather than joined.
    pub fn span(&self, range: Range<usize>) -> &'a T {
        let text: &'a T = self.text;
        let end = if range.is_empty() { self.start(range.start) } else { self.end(range.end - 1) };
        &text[self.start(range.start)..end]
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a T> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Where line `i` starts, in bytes.
    pub fn start(&self, i: usize) -> usize {
        self.starts.get(i).map_or(self.text.as_ref().len(), |&s| s as usize)
    }

    /// The line that starts `offset` bytes in, or where such a line would be.
    pub fn starting_at(&self, offset: usize) -> Result<usize, usize> {
        u32::try_from(offset).map_or(Err(self.len()), |offset| self.starts.binary_search(&offset))
    }

    /// Where line `i` ends, before its `\n`.
    fn end(&self, i: usize) -> usize {
        self.starts.get(i + 1).map_or(self.text.as_ref().len(), |&next| next as usize - 1)
    }
}

/// A run of lines without the blank lines at either end.
pub fn trim_blank<'a, 'b>(mut lines: &'b [&'a str]) -> &'b [&'a str] {
    while let [first, rest @ ..] = lines
        && is_blank(first)
    {
        lines = rest;
    }
    while let [rest @ .., last] = lines
        && is_blank(last)
    {
        lines = rest;
    }
    lines
}

/// A body from its lines: blank lines at the ends dropped, runs of blank lines inside
/// kept as one (a paragraph break), trailing white space removed.
pub fn body(lines: &[&str]) -> String {
    body_of(lines.iter().copied())
}

/// [`body`], from lines as they come.
pub fn body_of<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    // Blank lines at the start add nothing to an empty body, and those at the end are
    // never followed by a line they would separate.
    let mut blank = false;
    for line in lines {
        if is_blank(line) {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank {
                out.push('\n');
            }
        }
        blank = false;
        out.push_str(line.trim_end());
    }
    out
}

/// The parent of each comment in a list given in reading order (a depth-first walk of
/// the reply tree): the nearest earlier comment one level up. Top-level comments (depth
/// 0) and comments whose parent is not in the list get `None`.
pub fn parents_by_depth(depths: &[usize]) -> Vec<Option<usize>> {
    let mut open: Vec<usize> = Vec::new(); // index of the latest comment at each depth
    depths
        .iter()
        .enumerate()
        .map(|(i, &depth)| {
            open.truncate(depth);
            let parent = if depth > 0 && open.len() == depth { open.last().copied() } else { None };
            if open.len() == depth {
                open.push(i);
            }
            parent
        })
        .collect()
}

/// `re`'s captures in `text`, searched for only where it matches: most lines do not, and
/// a search for captures costs an allocation even then.
pub fn captures<'h>(re: &regex::Regex, text: &'h str) -> Option<regex::Captures<'h>> {
    if re.is_match(text) { re.captures(text) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert_eq!(body(&["", "a  ", "", "", "b", "c", ""]), "a\n\nb\nc");
        assert_eq!(body(&["", " "]), "");
        assert_eq!(trim_blank(&["", "x", " "]), &["x"]);
    }

    #[test]
    fn lines_are_split_on_line_feeds() {
        for text in ["", "a", "a\n", "\n\nb\r\n c \n"] {
            let bytes = Lines::new(text.as_bytes());
            assert_eq!(bytes.iter().collect::<Vec<_>>(), text.as_bytes().split(|&b| b == b'\n').collect::<Vec<_>>());
            let lines = Lines::new(text);
            assert_eq!(lines.iter().collect::<Vec<_>>(), text.split('\n').collect::<Vec<_>>(), "{text:?}");
            for a in 0..=lines.len() {
                for b in a..=lines.len() {
                    let joined = text.split('\n').skip(a).take(b - a).collect::<Vec<_>>().join("\n");
                    assert_eq!(lines.span(a..b), joined, "{text:?} {a}..{b}");
                }
            }
        }
    }

    #[test]
    fn parents() {
        // 0 a, 1 a.1, 2 a.1.1, 3 a.2, 4 b, 5 b.1 (depth 2 with no depth-1 comment before it in b)
        assert_eq!(parents_by_depth(&[0, 1, 2, 1, 0, 2]), [None, Some(0), Some(1), Some(0), None, None]);
        assert_eq!(parents_by_depth(&[1, 1, 0]), [None, None, None]);
        assert_eq!(parents_by_depth(&[]), Vec::<Option<usize>>::new());
    }
}
