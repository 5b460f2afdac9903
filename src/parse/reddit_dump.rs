//! Reddit's bulk dumps, Pushshift and Arctic Shift NDJSON (FORMATS.md §17).
//!
//! ```text
//! {"id":"18kq3vd","name":"t3_18kq3vd","title":"First lager…","selftext":"Czech pils…",
//!  "author":"hop_and_hollow","subreddit":"Homebrewing","created_utc":1702837325,"score":27,…}
//!                                                   <- a submission (an `RS_` file's line)
//! {"id":"kfa0b1c","link_id":"t3_18kq3vd","parent_id":"t3_18kq3vd","body":"Four weeks…",
//!  "author":"cold_crash_colin","subreddit":"Homebrewing","created_utc":1702839824,…}
//!                                                   <- a comment (an `RC_` file's line)
//! {"id":"kfa9q0z","link_id":"t3_18kq3vd","parent_id":"t1_kfa0b1c",…,
//!  "_meta":{"removal_type":"deleted",…}}            <- Arctic Shift's second look (2023-11 on)
//! ```
//!
//! One object a line, submissions and comments in any mix: a monthly `RS_`/`RC_` file, a
//! subreddit's `SUB_submissions`/`SUB_comments`, or lines cut out of them. Every line is
//! read alone, so a line that is not JSON costs only itself (they are counted into one
//! warning).
//!
//! A file gives one thread per submission (`link_id`) it holds anything of: the submission
//! as post 1, then its comments by (`created_utc`, `id`) as 2..N; or, when the file holds
//! only comments of it, those as 1..N, titled "Comments on t3_ID in r/SUB" until a
//! later step pools the threads of every dump of the topic ([`Pool::Reddit`]) and finds
//! the submission in another file. Hence every post keeps its id and parent
//! (`extra.id`, `extra.links`). A reply answers its parent comment when that is in the
//! file, else none: its parent may be in another month's file, and is never guessed. The
//! same comment twice is one post, the copy whose body is no stock notice, else the later.
//!
//! Dumps are large (a month of all Reddit is hundreds of millions of lines), so
//! [`parse_reader`] reads one line at a time without holding the file, into compact
//! records (`Record`) with authors stored once; [`parse`] reads a text already in memory
//! the same way. A file of thousands of threads is all of Reddit's month, not one
//! subreddit's: it is read, with a warning.

use std::io::{self, BufRead, Read};

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::chat_json;
use super::parsed::{Parsed, ParsedThread, Score};
use super::reddit_thing::{self, Item, Names, Record, Submission};
use crate::diagnostic::Problem;
use crate::model::{ParseOptions, Pool};

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 95;

/// How many threads one subreddit's dump may give before it looks like all of Reddit's.
const MANY_THREADS: usize = 5_000;

/// The longest line read: longer ones are no Reddit object, and are skipped unread.
const MAX_LINE: u64 = 64 << 20;

/// How often [`parse_reader`] says how far it has read, in bytes.
const PROGRESS_EVERY: u64 = 1 << 20;

/// How much of a text detection reads: a submission's line can run to a few hundred KB.
const SCORE_WINDOW: usize = 1 << 20;

pub fn score(text: &str) -> Score {
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r']);
    if !text.starts_with('{') {
        return Score::none("not a JSON object");
    }
    let head = chat_json::head(text);
    if chat_json::find_key(head, "link_id", 0).is_none() && chat_json::find_key(head, "subreddit", 0).is_none() {
        return Score::none("no `link_id` or `subreddit`");
    }
    let mut window = &text[..floor_boundary(text, SCORE_WINDOW)];
    if window.len() < text.len() {
        // Only whole lines are tried.
        window = &window[..window.rfind('\n').unwrap_or(0)];
    }
    let lines = window.split('\n').map(str::trim).filter(|l| !l.is_empty()).take(5);
    let (good, bad) =
        lines.fold((0, 0), |(good, bad), line| if is_thing(line) { (good + 1, bad) } else { (good, bad + 1) });
    let value = match (good, bad) {
        (0, _) => 0,
        (2.., 0) => MAX_SCORE,
        (1, 0) => 85,
        (good, bad) if good > bad => 70,
        _ => 0,
    };
    if value == 0 {
        return Score::none("the first lines are not Reddit submissions or comments");
    }
    Score {
        value,
        reason: format!(
            "{good} of the first {} lines {} with `link_id` and `body` or `subreddit`, `title` and `selftext` \
             (a Reddit dump)",
            good + bad,
            if good == 1 { "is a JSON object" } else { "are JSON objects" }
        ),
    }
}

/// Whether a line alone is a Reddit comment or submission.
fn is_thing(line: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        link_id: Option<IgnoredAny>,
        body: Option<IgnoredAny>,
        subreddit: Option<IgnoredAny>,
        title: Option<IgnoredAny>,
        selftext: Option<IgnoredAny>,
    }
    // A struct also reads from an array: only objects count.
    line.starts_with('{')
        && serde_json::from_str::<Probe>(line).is_ok_and(|p| {
            (p.link_id.is_some() && p.body.is_some())
                || (p.subreddit.is_some() && p.title.is_some() && p.selftext.is_some())
        })
}

/// The largest char boundary of `text` at or below `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut end = text.len().min(at);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Reads a dump given whole.
pub fn parse(text: &str, _options: &ParseOptions) -> Result<Parsed, Problem> {
    let mut dump = Dump::default();
    for (index, line) in text.split('\n').enumerate() {
        dump.read_line(line, index + 1);
    }
    dump.finish()
}

/// Reads a dump line by line from `reader`, holding only the posts it makes, and tells
/// `progress` every megabyte or so how many bytes it has read.
pub fn parse_reader(
    reader: &mut dyn BufRead,
    _options: &ParseOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Parsed, Problem> {
    let mut dump = Dump::default();
    let mut buf = Vec::new();
    let (mut read, mut told, mut number) = (0u64, 0u64, 0usize);
    loop {
        buf.clear();
        match next_line(reader, &mut buf, MAX_LINE) {
            Ok((0, _)) => break,
            Ok((len, whole)) => {
                read += len;
                number += 1;
                if whole {
                    // Checking is quicker than `from_utf8_lossy`, and lines are UTF-8.
                    match std::str::from_utf8(&buf) {
                        Ok(line) => dump.read_line(line, number),
                        Err(_) => dump.read_line(&String::from_utf8_lossy(&buf), number),
                    }
                } else {
                    dump.unreadable.add(number);
                }
            }
            Err(e) => {
                dump.broke_off = Some((number + 1, read, e));
                break;
            }
        }
        if read - told >= PROGRESS_EVERY {
            progress(read);
            told = read;
        }
    }
    progress(read);
    dump.finish()
}

/// Reads the next line into `buf`, at most `max` bytes of it: the bytes it took from the
/// reader (0 at the end), and whether the line was whole (a longer one is skipped).
fn next_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>, max: u64) -> io::Result<(u64, bool)> {
    let mut len = (&mut *reader).take(max).read_until(b'\n', buf)? as u64;
    if len < max || buf.ends_with(b"\n") {
        return Ok((len, true));
    }
    let mut rest = Vec::new();
    loop {
        rest.clear();
        let n = (&mut *reader).take(max).read_until(b'\n', &mut rest)? as u64;
        len += n;
        if n == 0 || rest.ends_with(b"\n") {
            return Ok((len, false));
        }
    }
}

/// Lines of one kind of trouble: how many, and the first.
#[derive(Default)]
struct Tally {
    count: usize,
    first: usize,
}

impl Tally {
    fn add(&mut self, line: usize) {
        if self.count == 0 {
            self.first = line;
        }
        self.count += 1;
    }
}

/// What the lines read so far hold, by thread.
#[derive(Default)]
struct Dump {
    threads: Vec<Gathered>,
    /// Threads by `link_id` (`t3_…`).
    by_link: FxHashMap<Box<str>, usize>,
    names: Names,
    /// Lines that are not JSON objects.
    unreadable: Tally,
    /// Objects that are neither a submission nor a comment.
    strangers: Tally,
    /// Where the reader failed: the line, the byte offset and why.
    broke_off: Option<(usize, u64, io::Error)>,
}

/// One submission's posts as the file gives them.
struct Gathered {
    link_id: Box<str>,
    subreddit: Option<Box<str>>,
    /// The line where the file first names it.
    line: usize,
    submission: Option<Submission>,
    comments: Vec<Record>,
}

impl Dump {
    fn read_line(&mut self, line: &str, number: usize) {
        let line = line.trim_matches(['\u{feff}', ' ', '\t', '\r']);
        if line.is_empty() {
            return;
        }
        let Some(Ok(item)) = line.starts_with('{').then(|| serde_json::from_str::<Item>(line)) else {
            self.unreadable.add(number);
            return;
        };
        if let Some(link) = item.link_id.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            let record = reddit_thing::comment(&item, number, &mut self.names);
            self.thread(link, item.subreddit.as_deref(), number).comments.push(record);
        } else if item.title.is_some() || item.selftext.is_some() {
            let submission = reddit_thing::submission(&item, number, &mut self.names);
            let Some(id) = submission.record.id.clone() else {
                self.strangers.add(number);
                return;
            };
            let thread = self.thread(&id, item.subreddit.as_deref(), number);
            // The same submission twice: the copy that kept its text, else the later.
            if thread
                .submission
                .as_ref()
                .is_none_or(|old| old.record.status.is_some() || submission.record.status.is_none())
            {
                thread.submission = Some(submission);
            }
        } else {
            self.strangers.add(number);
        }
    }

    /// The thread of a `link_id`, made when the file first names it.
    fn thread(&mut self, link: &str, subreddit: Option<&str>, line: usize) -> &mut Gathered {
        let index = match self.by_link.get(link).or_else(|| self.by_link.get(format!("t3_{link}").as_str())) {
            Some(&index) => index,
            None => {
                let link_id: Box<str> = if link.starts_with("t3_") { link.into() } else { format!("t3_{link}").into() };
                let subreddit = subreddit.map(str::trim).filter(|s| !s.is_empty()).map(Box::from);
                self.by_link.insert(link_id.clone(), self.threads.len());
                self.threads.push(Gathered { link_id, subreddit, line, submission: None, comments: Vec::new() });
                self.threads.len() - 1
            }
        };
        &mut self.threads[index]
    }

    /// The threads, and what was left out.
    fn finish(self) -> Result<Parsed, Problem> {
        let mut parsed = Parsed { warnings: self.problems(), ..Parsed::default() };
        if self.threads.is_empty() {
            // A file that cannot be read says so; one that can, what it lacks.
            if let Some(broken) = self.broke_off.is_some().then(|| parsed.warnings.pop()).flatten() {
                return Err(broken);
            }
            let message = "no line of the file is a Reddit submission or comment".to_owned();
            let line = parsed.warnings.first().map_or(1, |w| w.line);
            return Err(Problem { line, message, hint: Some(HINT.into()) });
        }
        if let Some(many) = self.threads.get(MANY_THREADS) {
            parsed.warnings.push(Problem {
                line: many.line,
                message: format!(
                    "the file holds {} threads: a monthly dump is all of Reddit, not one subreddit",
                    self.threads.len()
                ),
                hint: Some(
                    "put only the subreddit's own dump in a topic folder (Arctic Shift and the Pushshift \
                     torrents have one per subreddit), or filter the monthly dump to its lines first"
                        .into(),
                ),
            });
        }
        let names = self.names;
        parsed.threads = self.threads.into_iter().map(|thread| thread.into_thread(&names)).collect();
        Ok(parsed)
    }

    fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let lines = |n: usize| if n == 1 { "1 line is".to_owned() } else { format!("{n} lines are") };
        if self.unreadable.count > 0 {
            problems.push(Problem {
                line: self.unreadable.first,
                message: format!("{} not a JSON object and left out (the first here)", lines(self.unreadable.count)),
                hint: Some(HINT.into()),
            });
        }
        if self.strangers.count > 0 {
            problems.push(Problem {
                line: self.strangers.first,
                message: format!(
                    "{} neither a Reddit submission nor a comment and left out (the first here)",
                    lines(self.strangers.count)
                ),
                hint: Some("a dump's comments have `link_id` and `body`, its submissions `id` and `title`".into()),
            });
        }
        if let Some((line, offset, error)) = &self.broke_off {
            problems.push(Problem {
                line: *line,
                message: format!("the file cannot be read past byte {offset} ({error}): the lines before are read"),
                hint: Some("the file may be cut short or corrupt: download or decompress it again".into()),
            });
        }
        problems
    }
}

const HINT: &str = "a Reddit dump has one JSON object a line, as Pushshift and Arctic Shift write them: \
                    check that the file was decompressed whole";

impl Gathered {
    /// The thread: the submission as post 1 (if the file has it), then the comments in
    /// order, each reply numbered to its parent where the file has that.
    fn into_thread(self, names: &Names) -> ParsedThread {
        let mut comments = self.comments;
        comments.sort_unstable_by(|a, b| a.order().cmp(&b.order()).then(a.line.cmp(&b.line)));
        // The same comment twice: the copy that kept its text, else the later.
        comments.dedup_by(|later, earlier| {
            let same = later.id.is_some() && later.id == earlier.id;
            if same && (later.status.is_none() || earlier.status.is_some()) {
                std::mem::swap(later, earlier);
            }
            same
        });
        let first = if self.submission.is_some() { 2 } else { 1 };
        let numbers: FxHashMap<&str, u32> =
            comments.iter().enumerate().filter_map(|(i, c)| Some((c.id.as_deref()?, first + i as u32))).collect();
        let replies: Vec<Option<u32>> = comments
            .iter()
            .map(|c| c.parent.as_deref().filter(|p| p.starts_with("t1_")).and_then(|p| numbers.get(p).copied()))
            .collect();
        drop(numbers);
        let op = self.submission.as_ref().and_then(|s| s.record.author);
        let mut posts = Vec::with_capacity(comments.len() + 1);
        let mut thread = ParsedThread { pool: Some(Pool::Reddit(self.link_id.to_string())), ..ParsedThread::default() };
        if let Some(submission) = self.submission {
            thread.title = submission.title.clone();
            thread.tags = submission.tags();
            thread.source = submission.source();
            posts.push(reddit_thing::post(submission.record, 1, None, names, None));
        } else {
            let sub = self.subreddit.as_deref();
            thread.title = Some(match sub {
                Some(sub) => format!("Comments on {} in r/{sub}", self.link_id),
                None => format!("Comments on {}", self.link_id),
            });
            thread.tags = sub.map(reddit_thing::subreddit_tag).into_iter().collect();
            let id = self.link_id.trim_start_matches("t3_");
            thread.source = sub.map(|sub| format!("https://www.reddit.com/r/{sub}/comments/{id}/"));
        }
        for ((i, comment), reply_to) in comments.into_iter().enumerate().zip(replies) {
            posts.push(reddit_thing::post(comment, first + i as u32, reply_to, names, op));
        }
        thread.posts = posts;
        thread
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Post;

    const SUBMISSIONS: &str = include_str!("../../tests/fixtures/formats/reddit-RS-submissions.ndjson");
    const COMMENTS: &str = include_str!("../../tests/fixtures/formats/reddit-RC-comments.ndjson");

    fn read(text: &str) -> Parsed {
        parse(text, &ParseOptions::default()).unwrap()
    }

    /// A comment's line: `fields` (`"key": value, …`) set over a plain comment's.
    fn comment(id: &str, fields: &str) -> String {
        let base = format!(
            r#"{{"id": "{id}", "link_id": "t3_s", "parent_id": "t3_s", "author": "a_{id}", "body": "text {id}",
                "created_utc": 1700000000, "score": 1, "subreddit": "Sourdough"}}"#
        );
        object(&base, fields)
    }

    /// A submission's line, likewise.
    fn submission(id: &str, fields: &str) -> String {
        let base = format!(
            r#"{{"id": "{id}", "title": "Title {id}", "selftext": "", "author": "op", "created_utc": 1699999000,
                "score": 3, "subreddit": "Sourdough", "permalink": "/r/Sourdough/comments/{id}/t/"}}"#
        );
        object(&base, fields)
    }

    fn object(base: &str, fields: &str) -> String {
        let mut object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(base).unwrap();
        object.extend(
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&format!("{{{fields}}}")).unwrap(),
        );
        serde_json::to_string(&object).unwrap()
    }

    /// Each post as (number, line, id, author, reply_to, status, body).
    type Row<'a> = (u32, usize, &'a str, Option<&'a str>, Option<u32>, Option<&'a str>, &'a str);

    /// A thread as (title, tags, source, pool, posts).
    type ThreadRow<'a> = (Option<&'a str>, &'a [String], Option<&'a str>, Option<&'a Pool>, Vec<Row<'a>>);

    fn thread_rows(parsed: &Parsed) -> Vec<ThreadRow<'_>> {
        parsed
            .threads
            .iter()
            .map(|t| (t.title.as_deref(), t.tags.as_slice(), t.source.as_deref(), t.pool.as_ref(), rows(&t.posts)))
            .collect()
    }

    fn rows(posts: &[Post]) -> Vec<Row<'_>> {
        posts
            .iter()
            .map(|p| {
                let e = &p.extra;
                (
                    p.number,
                    p.line,
                    e.id.as_deref().unwrap_or_default(),
                    p.author.as_deref(),
                    p.reply_to,
                    e.status.as_deref(),
                    &*p.body,
                )
            })
            .collect()
    }

    #[test]
    fn example_submissions() {
        let parsed = read(SUBMISSIONS);
        assert!(parsed.warnings.is_empty());
        let tags = ["r/Homebrewing".to_owned(), "Question".to_owned()];
        assert_eq!(
            thread_rows(&parsed),
            [
                (
                    Some("First lager: how long do I really need to lager at 2 °C?"),
                    &tags[..],
                    Some(
                        "https://www.reddit.com/r/Homebrewing/comments/18kq3vd/first_lager_how_long_do_i_really_need_to_lager_at/"
                    ),
                    Some(&Pool::Reddit("t3_18kq3vd".into())),
                    vec![(
                        1,
                        1,
                        "t3_18kq3vd",
                        Some("hop_and_hollow"),
                        None,
                        None,
                        "Czech pils, OG 1.048, fermented at 10 °C for 14 days, now at 1.011. Kegged yesterday.\n\nEvery \
                         source gives a different lagering time, from 2 weeks to 3 months. What do you actually do?"
                    )]
                ),
                (
                    Some("Stuck at 1.030 with US-05, what now?"),
                    &tags[..],
                    Some("https://www.reddit.com/r/Homebrewing/comments/18lb7wp/stuck_at_1_030_with_us_05_what_now/"),
                    Some(&Pool::Reddit("t3_18lb7wp".into())),
                    vec![(
                        1,
                        2,
                        "t3_18lb7wp",
                        Some("carboy_kate"),
                        None,
                        None,
                        "Brown ale, OG 1.062, one packet of US-05 rehydrated at 20 °C. Gravity has sat at 1.030 for four \
                         days & the airlock has stopped.\n\nRepitch, or live with it?"
                    )]
                ),
            ]
        );
        let op = &parsed.threads[0].posts[0];
        assert_eq!((op.date.unwrap().to_string().as_str(), op.extra.score), ("2023-12-17T18:22:05Z", Some(27)));
        assert!(op.extra.submitter && !op.extra.edited && op.extra.links.is_empty());
    }

    #[test]
    fn example_comments() {
        let parsed = read(COMMENTS);
        assert!(parsed.warnings.is_empty());
        let tags = ["r/Homebrewing".to_owned()];
        assert_eq!(
            thread_rows(&parsed),
            [
                (
                    Some("Comments on t3_18kq3vd in r/Homebrewing"),
                    &tags[..],
                    Some("https://www.reddit.com/r/Homebrewing/comments/18kq3vd/"),
                    Some(&Pool::Reddit("t3_18kq3vd".into())),
                    vec![
                        (
                            1,
                            1,
                            "t1_kfa0b1c",
                            Some("cold_crash_colin"),
                            None,
                            None,
                            "Four weeks at 1-2 °C is my floor for a pils. It keeps getting better until about week six."
                        ),
                        (
                            2,
                            3,
                            "t1_kfa9q0z",
                            Some("hop_and_hollow"),
                            Some(1),
                            None,
                            "Six weeks it is. Do you keep it under pressure the whole time?"
                        ),
                        (
                            3,
                            5,
                            "t1_kfg1h6t",
                            Some("cold_crash_colin"),
                            Some(2),
                            None,
                            "Yes, 12 psi from the start so it carbonates while it lagers."
                        ),
                    ]
                ),
                (
                    Some("Comments on t3_18lb7wp in r/Homebrewing"),
                    &tags[..],
                    Some("https://www.reddit.com/r/Homebrewing/comments/18lb7wp/"),
                    Some(&Pool::Reddit("t3_18lb7wp".into())),
                    vec![
                        (
                            1,
                            2,
                            "t1_kfd7e2k",
                            Some("yeast_whisperer"),
                            None,
                            None,
                            "Rouse the yeast first: warm it to 21 °C and swirl the fermenter gently.\n\n> stuck at 1.030\n\n\
                             What did you mash at? Above 70 °C you make a lot of sugar US-05 can't eat."
                        ),
                        (
                            2,
                            4,
                            "t1_kfe2m8s",
                            Some("carboy_kate"),
                            Some(1),
                            None,
                            "Mashed at 71 °C, so that's probably it. I'll rouse it and accept a sweeter beer."
                        ),
                    ]
                ),
            ]
        );
        let posts = &parsed.threads[0].posts;
        let links: Vec<&[String]> = posts.iter().map(|p| p.extra.links.as_slice()).collect();
        assert_eq!(links, [&["t3_18kq3vd".to_owned()][..], &["t1_kfa0b1c".to_owned()], &["t1_kfa9q0z".to_owned()]]);
        let submitters: Vec<bool> = posts.iter().map(|p| p.extra.submitter).collect();
        assert_eq!(submitters, [false, true, false]);
        assert_eq!(
            (posts[2].date.unwrap().to_string().as_str(), posts[2].extra.score),
            ("2023-12-18T20:14:58Z", Some(8))
        );
    }

    /// A thread as its title and its posts' (number, id, reply_to).
    type Numbered<'a> = (Option<&'a str>, Vec<(u32, &'a str, Option<u32>)>);

    #[test]
    fn submissions_and_comments_in_one_file() {
        // In either order: the comments follow their submission, numbered from 2.
        for text in [format!("{SUBMISSIONS}{COMMENTS}"), format!("{COMMENTS}{SUBMISSIONS}")] {
            let parsed = read(&text);
            let got: Vec<Numbered> = parsed
                .threads
                .iter()
                .map(|t| {
                    (
                        t.title.as_deref(),
                        t.posts.iter().map(|p| (p.number, p.extra.id.as_deref().unwrap(), p.reply_to)).collect(),
                    )
                })
                .collect();
            assert_eq!(
                got,
                [
                    (
                        Some("First lager: how long do I really need to lager at 2 °C?"),
                        vec![
                            (1, "t3_18kq3vd", None),
                            (2, "t1_kfa0b1c", None),
                            (3, "t1_kfa9q0z", Some(2)),
                            (4, "t1_kfg1h6t", Some(3))
                        ]
                    ),
                    (
                        Some("Stuck at 1.030 with US-05, what now?"),
                        vec![(1, "t3_18lb7wp", None), (2, "t1_kfd7e2k", None), (3, "t1_kfe2m8s", Some(2))]
                    ),
                ]
            );
            assert_eq!(parsed.threads[0].tags, ["r/Homebrewing", "Question"]);
        }
    }

    #[test]
    fn comment_fields() {
        // (fields, date, author, body, score, status)
        type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a str, Option<i64>, Option<&'a str>);
        let cases: &[Case] = &[
            (r#""created_utc": "1291151173""#, Some("2010-11-30T21:06:13Z"), Some("a_c"), "text c", Some(1), None),
            (
                r#""created_utc": 1700000000.9, "score": null"#,
                Some("2023-11-14T22:13:20Z"),
                Some("a_c"),
                "text c",
                None,
                None,
            ),
            (r#""created_utc": null, "score": -4"#, None, Some("a_c"), "text c", Some(-4), None),
            (
                r#""body": "&gt; quoted\n\nfish &amp;amp; chips &lt;3""#,
                Some("2023-11-14T22:13:20Z"),
                Some("a_c"),
                "> quoted\n\nfish &amp; chips <3",
                Some(1),
                None,
            ),
            (
                r#""author": "[deleted]", "body": "[deleted]""#,
                Some("2023-11-14T22:13:20Z"),
                None,
                "",
                Some(1),
                Some("deleted"),
            ),
            (r#""body": "[removed]""#, Some("2023-11-14T22:13:20Z"), None, "", Some(1), Some("removed")),
            (
                r#""body": "[removed]", "_meta": {"removal_type": "deleted"}"#,
                Some("2023-11-14T22:13:20Z"),
                None,
                "",
                Some(1),
                Some("deleted"),
            ),
            (
                r#""body": "[removed]", "_meta": {"removal_type": "removed by reddit"}"#,
                Some("2023-11-14T22:13:20Z"),
                None,
                "",
                Some(1),
                Some("removed"),
            ),
            (
                r#""body": "[deleted]", "_meta": {"removal_type": "removed"}"#,
                Some("2023-11-14T22:13:20Z"),
                None,
                "",
                Some(1),
                Some("deleted"),
            ),
            // Restored by Arctic Shift's second look: the body as given.
            (
                r#""body": "Kept.", "_meta": {"was_deleted_later": true, "removal_type": "deleted"}"#,
                Some("2023-11-14T22:13:20Z"),
                Some("a_c"),
                "Kept.",
                Some(1),
                None,
            ),
            (
                r#""author": "[deleted]", "body": "Account gone, text kept.""#,
                Some("2023-11-14T22:13:20Z"),
                None,
                "Account gone, text kept.",
                Some(1),
                None,
            ),
            (
                r#""score": 7, "score_hidden": true, "awards": [{"x": 1}], "replies": "", "nonsense": {"deep": [1, 2]}"#,
                Some("2023-11-14T22:13:20Z"),
                Some("a_c"),
                "text c",
                None,
                None,
            ),
        ];
        for (fields, date, author, body, score, status) in cases {
            let post = read(&comment("c", fields)).threads.remove(0).posts.remove(0);
            let got = (
                post.date.map(|d| d.to_string()),
                post.author.as_deref(),
                &*post.body,
                post.extra.score,
                post.extra.status.as_deref(),
            );
            assert_eq!(got, (date.map(str::to_owned), *author, *body, *score, *status), "{fields}");
        }
        let post = read(&comment(
            "c",
            r#""edited": 1700000500, "is_submitter": true, "stickied": true, "author_flair_text": "Mod &amp; baker""#,
        ))
        .threads
        .remove(0)
        .posts
        .remove(0);
        assert!(post.extra.edited && post.extra.submitter && post.extra.pinned);
        assert_eq!((post.extra.id.as_deref(), post.extra.flair.as_deref()), (Some("t1_c"), Some("Mod & baker")));
        let post =
            read(&comment("c", r#""edited": false, "name": "t1_c", "id": null"#)).threads.remove(0).posts.remove(0);
        assert!(!post.extra.edited && !post.extra.submitter && post.extra.flair.is_none());
        assert_eq!(post.extra.id.as_deref(), Some("t1_c"));
    }

    #[test]
    fn order_replies_and_duplicates() {
        let text = [
            submission("s", r#""author": "op""#),
            comment("b", r#""created_utc": 1700000100, "parent_id": "t1_zz""#),
            comment("zz", r#""created_utc": 1700000050, "author": "op""#),
            // The same second: ids are base 36, so `100` comes after `zz`.
            comment("100", r#""created_utc": 1700000050, "parent_id": "t1_later""#),
            comment("later", r#""created_utc": 1700000200"#),
            // Its parent is in another month's file.
            comment("orphan", r#""created_utc": 1700000300, "parent_id": "t1_elsewhere""#),
            comment("undated", r#""created_utc": null, "parent_id": "t1_b""#),
            // The same comment twice: the copy with its text is kept, else the later.
            comment("dup", r#""created_utc": 1700000400, "body": "first copy""#),
            comment("dup", r#""created_utc": 1700000400, "body": "[deleted]", "author": "[deleted]""#),
            comment("twice", r#""created_utc": 1700000500, "body": "[removed]""#),
            comment("twice", r#""created_utc": 1700000500, "body": "restored""#),
            comment("again", r#""created_utc": 1700000600, "body": "old""#),
            comment("again", r#""created_utc": 1700000600, "body": "new""#),
            submission("s", r#""selftext": "[deleted]""#),
        ]
        .join("\n");
        let thread = read(&text).threads.remove(0);
        // (number, line, id, reply_to, body, submitter)
        type Placed<'a> = (u32, usize, &'a str, Option<u32>, &'a str, bool);
        let got: Vec<Placed> = thread
            .posts
            .iter()
            .map(|p| (p.number, p.line, p.extra.id.as_deref().unwrap(), p.reply_to, &*p.body, p.extra.submitter))
            .collect();
        assert_eq!(
            got,
            [
                (1, 1, "t3_s", None, "", true),
                (2, 3, "t1_zz", None, "text zz", true),
                (3, 4, "t1_100", Some(5), "text 100", false),
                (4, 2, "t1_b", Some(2), "text b", false),
                (5, 5, "t1_later", None, "text later", false),
                (6, 6, "t1_orphan", None, "text orphan", false),
                (7, 8, "t1_dup", None, "first copy", false),
                (8, 11, "t1_twice", None, "restored", false),
                (9, 13, "t1_again", None, "new", false),
                (10, 7, "t1_undated", Some(4), "text undated", false),
            ]
        );
        assert_eq!(thread.posts[5].extra.links, ["t1_elsewhere"]);
        assert_eq!(thread.title.as_deref(), Some("Title s"), "the submission that kept its text");
    }

    #[test]
    fn threads_by_link_id() {
        let text = [
            comment("a", r#""link_id": "t3_x", "parent_id": "t3_x""#),
            submission("y", ""),
            comment("b", r#""link_id": "t3_z", "subreddit": null"#),
            comment("c", r#""link_id": "x", "parent_id": "t1_a""#),
            submission("t3_w", r#""selftext": "", "is_self": false, "url": "https://example.com/?a=1&amp;b=2", "link_flair_text": "News""#),
        ]
        .join("\n");
        let parsed = read(&text);
        type Linked<'a> = (Option<&'a str>, &'a [String], Option<Pool>, Vec<(u32, Option<u32>)>);
        let got: Vec<Linked> = parsed
            .threads
            .iter()
            .map(|t| {
                (
                    t.title.as_deref(),
                    t.tags.as_slice(),
                    t.pool.clone(),
                    t.posts.iter().map(|p| (p.number, p.reply_to)).collect(),
                )
            })
            .collect();
        let sub = |s: &str| vec![s.to_owned()];
        assert_eq!(
            got,
            [
                (
                    Some("Comments on t3_x in r/Sourdough"),
                    &sub("r/Sourdough")[..],
                    Some(Pool::Reddit("t3_x".into())),
                    vec![(1, None), (2, Some(1))]
                ),
                (Some("Title y"), &sub("r/Sourdough")[..], Some(Pool::Reddit("t3_y".into())), vec![(1, None)]),
                (Some("Comments on t3_z"), &[][..], Some(Pool::Reddit("t3_z".into())), vec![(1, None)]),
                (
                    Some("Title t3_w"),
                    &["r/Sourdough".to_owned(), "News".to_owned()][..],
                    Some(Pool::Reddit("t3_w".into())),
                    vec![(1, None)]
                ),
            ]
        );
        assert_eq!(parsed.threads[2].source, None);
        assert_eq!(parsed.threads[3].posts[0].body, "https://example.com/?a=1&b=2");
    }

    #[test]
    fn what_is_left_out_is_said() {
        let text = [
            comment("a", ""),
            "not json".to_owned(),
            String::new(),
            "[1, 2]".to_owned(),
            r#"{"kind": "t5", "display_name": "Sourdough"}"#.to_owned(),
            r#"{"body": 5, "link_id": "t3_s"}"#.to_owned(),
            r#"{"id": "q", "title": "no id?"#.to_owned(),
            r#"{"title": "no id"}"#.to_owned(),
            comment("b", ""),
        ]
        .join("\r\n");
        let parsed = read(&text);
        assert_eq!(parsed.threads.len(), 1);
        assert_eq!(parsed.threads[0].posts.len(), 2);
        let warnings: Vec<(usize, &str)> = parsed.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(
            warnings,
            [
                (2, "4 lines are not a JSON object and left out (the first here)"),
                (5, "2 lines are neither a Reddit submission nor a comment and left out (the first here)"),
            ]
        );
        for (text, line) in [("", 1), ("\n\n", 1), ("\nnot json\n[]", 2), (r#"{"kind": "t5"}"#, 1)] {
            let problem = parse(text, &ParseOptions::default()).unwrap_err();
            let got = (problem.line, problem.message.as_str());
            assert_eq!(got, (line, "no line of the file is a Reddit submission or comment"), "{text}");
        }
    }

    #[test]
    fn a_monthly_dump_is_too_much() {
        let lines = |n: usize| (0..n).map(|i| submission(&format!("s{i}"), "")).collect::<Vec<_>>().join("\n");
        assert!(read(&lines(MANY_THREADS)).warnings.is_empty());
        let parsed = read(&lines(MANY_THREADS + 1));
        assert_eq!(parsed.threads.len(), MANY_THREADS + 1);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, MANY_THREADS + 1);
        assert!(parsed.warnings[0].message.contains("a monthly dump is all of Reddit"), "{:?}", parsed.warnings);
    }

    /// A reader that gives its bytes a few at a time, then fails.
    struct Failing<'a>(&'a [u8]);

    impl io::Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "corrupt block"));
            }
            let n = buf.len().min(self.0.len()).min(7);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn read_as_a_stream() {
        let text = format!("\u{feff}{SUBMISSIONS}{COMMENTS}").replace('\n', "\r\n");
        let mut told = Vec::new();
        let streamed =
            parse_reader(&mut io::BufReader::new(text.as_bytes()), &ParseOptions::default(), &mut |n| told.push(n))
                .unwrap();
        assert_eq!(streamed, read(&format!("{SUBMISSIONS}{COMMENTS}")));
        assert_eq!(told, [text.len() as u64]);

        // Bad bytes in one line cost that line; a reader that fails keeps the lines before.
        let mut bytes = format!("{}\n", comment("a", "")).into_bytes();
        bytes.extend_from_slice(b"{\"id\": \"\xff\"}\n");
        bytes.extend_from_slice(format!("{}\n", comment("b", r#""body": "caf\u00e9""#)).as_bytes());
        let end = bytes.len() as u64;
        let mut reader = io::BufReader::with_capacity(16, Failing(&bytes));
        let parsed = parse_reader(&mut reader, &ParseOptions::default(), &mut |_| {}).unwrap();
        assert_eq!(rows(&parsed.threads[0].posts).iter().map(|r| r.6).collect::<Vec<_>>(), ["text a", "café"]);
        let warnings: Vec<(usize, &str)> = parsed.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(
            warnings,
            [
                (2, "1 line is neither a Reddit submission nor a comment and left out (the first here)"),
                (4, &*format!("the file cannot be read past byte {end} (corrupt block): the lines before are read")),
            ]
        );
        let failing = parse_reader(&mut io::BufReader::new(Failing(b"")), &ParseOptions::default(), &mut |_| {});
        let problem = failing.unwrap_err();
        assert_eq!(
            (problem.line, problem.message.as_str()),
            (1, "the file cannot be read past byte 0 (corrupt block): the lines before are read")
        );
    }

    #[test]
    fn progress_every_megabyte() {
        let line = comment("a", &format!(r#""body": "{}""#, "x".repeat(1000)));
        let text = format!("{line}\n").repeat(3000);
        let mut told = Vec::new();
        let parsed = parse_reader(&mut text.as_bytes(), &ParseOptions::default(), &mut |n| told.push(n)).unwrap();
        assert_eq!(parsed.threads[0].posts.len(), 1, "one comment 3000 times");
        assert_eq!(told.len() as u64, text.len() as u64 / PROGRESS_EVERY + 1, "{told:?}");
        assert!(told[0] >= PROGRESS_EVERY && told[0] < PROGRESS_EVERY + line.len() as u64 + 1, "{told:?}");
        assert_eq!(told.last(), Some(&(text.len() as u64)));
    }

    #[test]
    fn long_lines_are_skipped() {
        let text = b"0123456789abcdef\nshort\nlast";
        let mut reader = &text[..];
        let mut lines = Vec::new();
        loop {
            let mut buf = Vec::new();
            let (len, whole) = next_line(&mut reader, &mut buf, 8).unwrap();
            if len == 0 {
                break;
            }
            lines.push((len, whole, String::from_utf8(buf).unwrap()));
        }
        let want = [(17, false, "01234567"), (6, true, "short\n"), (4, true, "last")];
        assert_eq!(lines, want.map(|(n, w, s)| (n, w, s.to_owned())));
    }

    #[test]
    fn scores() {
        assert_eq!(score(SUBMISSIONS).value, MAX_SCORE);
        assert_eq!(score(COMMENTS).value, MAX_SCORE);
        assert_eq!(score(&format!("\u{feff}{}", comment("a", ""))).value, 85, "one line");
        let mixed = format!("{}\nnot json\n{}\n{}\n", comment("a", ""), comment("b", ""), comment("c", ""));
        assert_eq!(score(&mixed).value, 70);
        // A line longer than the window is not tried; the whole lines before are.
        let long = comment("b", &format!(r#""body": "{}""#, "x".repeat(SCORE_WINDOW)));
        assert_eq!(score(&format!("{}\n{}\n{long}\n", comment("a", ""), comment("c", ""))).value, MAX_SCORE);
        assert_eq!(score(&format!("{long}\n")).value, 0);
        let others = [
            include_str!("../../tests/fixtures/formats/reddit-thread.json"),
            include_str!("../../tests/fixtures/formats/telegram-result.json"),
            include_str!("../../tests/fixtures/formats/discord-export.json"),
            r#"{"subreddit": "x", "title": "t"}"#,
            r#"{"link_id": "t3_x"}"#,
            "{\n  \"link_id\": \"t3_x\",\n  \"body\": \"pretty-printed\"\n}",
            r#"["link_id", "body"]"#,
            r#"{"note": "\"link_id\": \"body\":"}"#,
            "A title\n\nFirst post.\n",
            "",
        ];
        for text in others {
            assert_eq!(score(text).value, 0, "{text}");
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for folder in ["threads", "src/init"] {
            for entry in
                walkdir::WalkDir::new(root.join(folder)).into_iter().flatten().filter(|e| e.file_type().is_file())
            {
                let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
                let expected = if entry.path().extension().is_some_and(|e| e == "ndjson") { MAX_SCORE } else { 0 };
                assert_eq!(score(&text).value, expected, "{}", entry.path().display());
            }
        }
    }

    #[test]
    fn never_panics_on_mangled_dumps() {
        let example = format!("{SUBMISSIONS}{COMMENTS}");
        let nasty = [
            "{",
            "}",
            "[",
            "]",
            "\"",
            ",",
            ":",
            "\\",
            "\n",
            "null",
            "😀",
            "\"link_id\": \"t3_\",",
            "\"parent_id\": \"t1_\",",
            "\"created_utc\": \"-99999999999999999999\",",
            "\"edited\": 1e308,",
            "\"_meta\": 5,",
            "\r",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below.max(1) as u64) as usize
        };
        for cut in (0..=example.len()).step_by(17).filter(|&i| example.is_char_boundary(i)) {
            let _ = parse(&example[..cut], &ParseOptions::default());
            let _ = score(&example[..cut]);
        }
        for _ in 0..400 {
            let mut text = example.clone();
            for _ in 0..4 {
                let mut at = next(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, nasty[next(nasty.len())]);
            }
            let _ = parse(&text, &ParseOptions::default());
            let _ = parse_reader(&mut text.as_bytes(), &ParseOptions::default(), &mut |_| {});
            let _ = score(&text);
        }
    }
}
