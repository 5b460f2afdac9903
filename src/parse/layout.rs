//! What the copy-paste parsers share: cutting a dump into lines and bodies, and guessing
//! who answers whom from how deep a comment sits.

use crate::text::is_blank;

/// The dump's lines, without line ends or trailing white space (tabs at the start stay:
/// Hacker News marks comments with a line that is only a tab).
pub fn lines(text: &str) -> Vec<&str> {
    text.split('\n').map(|l| l.trim_end_matches([' ', '\u{a0}', '\r'])).collect()
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
    let mut out = String::new();
    let mut blank = false;
    for line in trim_blank(lines) {
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
    fn parents() {
        // 0 a, 1 a.1, 2 a.1.1, 3 a.2, 4 b, 5 b.1 (depth 2 with no depth-1 comment before it in b)
        assert_eq!(parents_by_depth(&[0, 1, 2, 1, 0, 2]), [None, Some(0), Some(1), Some(0), None, None]);
        assert_eq!(parents_by_depth(&[1, 1, 0]), [None, None, None]);
        assert_eq!(parents_by_depth(&[]), Vec::<Option<usize>>::new());
    }
}
