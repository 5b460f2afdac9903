//! Plain copy-paste: text selected on a forum page and saved (FORMATS.md §1).
//!
//! ```text
//! Therapy during Ketamine              <- title: first line, followed by a blank line
//!
//! Has anyone else tried therapy ...    <- post 1
//!
//!
//! Depending on the dose ...            <- post 8
//!
//! 1 Like                               <- the like count of post 8, not a post
//!
//! I have only had one lozenge ...      <- post 13: three lines, three paragraphs
//! I have not reached that ...
//! During the treatment I have ...
//! ```
//!
//! Posts are the blocks between blank lines and every line inside one is a paragraph of
//! the same post. Some dumps instead put one blank line between paragraphs and two between
//! posts ([`Paragraphs::BlankLines`]); that cannot be told apart by structure, so front
//! matter chooses it. Posts are numbered 1..N; plain dumps name no authors or dates.

use std::sync::LazyLock;

use regex::Regex;

use super::parsed::{ParsedThread, Score};
use crate::model::{Paragraphs, Post};
use crate::text::is_blank;

/// A line that is only a reaction count: `1 Like`, `12 Likes`, `1.2k Likes`.
static LIKES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(\d+(?:[.,]\d+)?)([kK])?\s+Likes?\s*$").unwrap());

/// The like count a line stands for, if the line is only a reaction count.
pub fn parse_likes(line: &str) -> Option<u32> {
    let caps = super::layout::captures(&LIKES, line)?;
    let number: f64 = caps[1].replace(',', ".").parse().ok()?;
    let factor = if caps.get(2).is_some() { 1000.0 } else { 1.0 };
    Some((number * factor).round().min(u32::MAX as f64) as u32)
}

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 50;

/// Plain text has no markers; it scores as plain when it at least has blocks of text
/// between blank lines, so a file of one long line is flagged as a guess.
pub fn score(text: &str) -> Score {
    let blocks = text.split('\n').collect::<Vec<_>>().windows(2).filter(|w| is_blank(w[0]) && !is_blank(w[1])).count();
    if blocks >= 1 {
        Score { value: MAX_SCORE, reason: format!("{} blocks of text between blank lines", blocks + 1) }
    } else {
        Score::none("no blank lines separate posts")
    }
}

pub fn parse(text: &str, paragraphs: Paragraphs) -> ParsedThread {
    // The lines are walked, never collected: a dump of millions of blank lines would hold
    // a list of millions of them.
    let mut lines = text.split('\n').map(str::trim_end).enumerate().skip_while(|(_, l)| is_blank(l)).peekable();

    let mut title = None;
    if let Some(&(_, first)) = lines.peek() {
        let mut after = lines.clone().skip(1);
        let blank_next = after.next().is_some_and(|(_, l)| is_blank(l));
        if blank_next && after.any(|(_, l)| !is_blank(l)) && parse_likes(first).is_none() {
            title = Some(first.trim().to_owned());
            lines.next();
        }
    }

    let mut posts: Vec<Post> = Vec::new();
    let mut current: Option<Post> = None;
    let mut blank_run = 0;
    let finish = |current: &mut Option<Post>, posts: &mut Vec<Post>| {
        if let Some(mut post) = current.take() {
            post.body.truncate(post.body.trim_end().len());
            post.number = posts.len() as u32 + 1;
            posts.push(post);
        }
    };

    for (index, line) in lines {
        if is_blank(line) {
            blank_run += 1;
            let ends_post = match paragraphs {
                Paragraphs::Lines => true,
                Paragraphs::BlankLines => blank_run >= 2,
            };
            if ends_post {
                finish(&mut current, &mut posts);
            }
            continue;
        }
        if let Some(likes) = parse_likes(line) {
            finish(&mut current, &mut posts);
            if let Some(last) = posts.last_mut() {
                last.likes = likes;
                blank_run = 0;
                continue;
            }
        }
        match &mut current {
            Some(post) => {
                post.body.push('\n');
                if blank_run > 0 {
                    post.body.push('\n');
                }
                post.body.push_str(line);
            }
            None => current = Some(Post { body: (*line).to_owned(), line: index + 1, ..Post::default() }),
        }
        blank_run = 0;
    }
    finish(&mut current, &mut posts);

    ParsedThread { title, posts, ..ParsedThread::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(t: &ParsedThread) -> Vec<&str> {
        t.posts.iter().map(|p| p.body.as_str()).collect()
    }

    #[test]
    fn likes_lines() {
        for (line, likes) in [
            ("1 Like", Some(1)),
            ("12 Likes", Some(12)),
            ("1.2k Likes", Some(1200)),
            ("  3 Likes ", Some(3)),
            ("I like it", None),
            ("1 Like it", None),
            ("Likes", None),
        ] {
            assert_eq!(parse_likes(line), likes, "{line:?}");
        }
    }

    /// Input, convention, expected title, bodies and likes.
    type Case = (&'static str, Paragraphs, Option<&'static str>, &'static [&'static str], &'static [u32]);

    #[test]
    fn table() {
        let cases: &[Case] = &[
            ("T\n\na\n\nb\n", Paragraphs::Lines, Some("T"), &["a", "b"], &[0, 0]),
            ("T\n\na\nb\n\n\n\nc", Paragraphs::Lines, Some("T"), &["a\nb", "c"], &[0, 0]),
            ("T\n\na\n\n2 Likes\n\nb\n", Paragraphs::Lines, Some("T"), &["a", "b"], &[2, 0]),
            ("T\n\na\n1 Like\nb\n", Paragraphs::Lines, Some("T"), &["a", "b"], &[1, 0]),
            ("only one line\n", Paragraphs::Lines, None, &["only one line"], &[0]),
            ("first\nsecond\n\nthird", Paragraphs::Lines, None, &["first\nsecond", "third"], &[0, 0]),
            ("\n\nT\n\na\n\nb\n\n\nc", Paragraphs::BlankLines, Some("T"), &["a\n\nb", "c"], &[0, 0]),
            ("", Paragraphs::Lines, None, &[], &[]),
        ];
        for (text, paragraphs, title, want, likes) in cases {
            let t = parse(text, *paragraphs);
            assert_eq!(t.title.as_deref(), *title, "{text:?}");
            assert_eq!(bodies(&t), *want, "{text:?}");
            assert_eq!(t.posts.iter().map(|p| p.likes).collect::<Vec<_>>(), *likes, "{text:?}");
            let numbers: Vec<u32> = t.posts.iter().map(|p| p.number).collect();
            assert_eq!(numbers, (1..=want.len() as u32).collect::<Vec<_>>());
        }
    }

    #[test]
    fn posts_know_their_line() {
        let t = parse("T\n\na\n\n\nb", Paragraphs::Lines);
        assert_eq!(t.posts[0].line, 3);
        assert_eq!(t.posts[1].line, 6);
        assert!(t.posts.iter().all(|p| p.author.is_none() && p.date.is_none()));
    }
}
