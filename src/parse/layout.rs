//! What the copy-paste parsers share: cutting a dump into lines and bodies, and guessing
//! who answers whom from how deep a comment sits.

use std::ops::{Bound, Index, Range, RangeBounds};

use crate::text::is_blank;

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
        let ends = memchr::memchr_iter(b'\n', text.as_ref());
        let starts = std::iter::once(0).chain(ends.map(|i| offset(i + 1))).collect();
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
        self.range(0..self.len())
    }

    /// Lines `range`, one by one.
    pub fn range(&self, range: Range<usize>) -> impl Iterator<Item = &'a T> + '_ {
        range.map(|i| self.get(i))
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

impl<'a> Lines<'a> {
    /// The text's lines as the copy-paste parsers read them: see [`Run`].
    pub fn trimmed(&self) -> Run<'_, 'a> {
        Run { lines: self, start: 0, end: self.len() }
    }
}

/// A run of a dump's lines, each without its line end or the white space it ends with
/// (tabs at the start stay: Hacker News marks comments with a line that is only a tab).
/// What a slice of a list of the lines was, read from [`Lines`]: a list took 16 bytes a
/// line, and a dump of one-letter lines eight times its size.
#[derive(Clone, Copy)]
pub struct Run<'s, 'a> {
    lines: &'s Lines<'a>,
    start: usize,
    end: usize,
}

impl<'s, 'a> Run<'s, 'a> {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Line `i` of the run (0-based); past its end is a bug, as in a slice.
    pub fn line(&self, i: usize) -> &'a str {
        assert!(i < self.len(), "line {i} of a run of {} lines", self.len());
        trim_end(self.lines.get(self.start + i))
    }

    pub fn get(&self, i: usize) -> Option<&'a str> {
        (i < self.len()).then(|| self.line(i))
    }

    pub fn first(&self) -> Option<&'a str> {
        self.get(0)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a str> + ExactSizeIterator + use<'s, 'a> {
        let lines = self.lines;
        (self.start..self.end).map(move |i| trim_end(lines.get(i)))
    }

    /// Lines `range` of the run.
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Self {
        let start = match range.start_bound() {
            Bound::Included(&i) => i,
            Bound::Excluded(&i) => i + 1,
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&i) => i + 1,
            Bound::Excluded(&i) => i,
            Bound::Unbounded => self.len(),
        };
        assert!(start <= end && end <= self.len(), "lines {start}..{end} of a run of {} lines", self.len());
        Run { lines: self.lines, start: self.start + start, end: self.start + end }
    }

    /// The run without the blank lines at either end.
    pub fn trim_blank(&self) -> Self {
        let start = self.iter().position(|l| !is_blank(l)).unwrap_or(self.len());
        let end = self.iter().rposition(|l| !is_blank(l)).map_or(start, |i| i + 1);
        self.slice(start..end)
    }
}

/// A line without the spaces, no-break spaces and `\r` it ends with.
fn trim_end(line: &str) -> &str {
    line.trim_end_matches([' ', '\u{a0}', '\r'])
}

/// A body from its lines: blank lines at the ends dropped, runs of blank lines inside
/// kept as one (a paragraph break), trailing white space removed.
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
        assert_eq!(body_of(["", "a  ", "", "", "b", "c", ""]), "a\n\nb\nc");
        assert_eq!(body_of(["", " "]), "");
    }

    #[test]
    fn runs_are_slices_of_trimmed_lines() {
        let text = "\n a \r\n\tb\u{a0}\n\n c\n \n";
        let want: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches([' ', '\u{a0}', '\r'])).collect();
        let lines = Lines::new(text);
        let run = lines.trimmed();
        assert_eq!(run.iter().collect::<Vec<_>>(), want);
        assert_eq!(run.iter().rev().collect::<Vec<_>>(), want.iter().rev().copied().collect::<Vec<_>>());
        for a in 0..=want.len() {
            for b in a..=want.len() {
                let part = run.slice(a..b);
                assert_eq!(part.iter().collect::<Vec<_>>(), &want[a..b]);
                let kept = want[a..b]
                    .iter()
                    .position(|l| !is_blank(l))
                    .map_or(0..0, |first| first..want[a..b].iter().rposition(|l| !is_blank(l)).unwrap() + 1);
                assert_eq!(part.trim_blank().iter().collect::<Vec<_>>(), &want[a..b][kept], "{a}..{b}");
                assert_eq!((part.len(), part.first(), part.get(b - a)), (b - a, want[a..b].first().copied(), None));
            }
        }
        assert_eq!(run.slice(2..).slice(..=1).iter().collect::<Vec<_>>(), ["\tb", ""]);
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
