//! Threads that span files: a mailing list's months, a Reddit dump's submissions and
//! comments, a Discourse topic's page files. Each file is parsed alone (so that `parse` of
//! one file shows what it holds); then the threads of every file of one topic folder are
//! joined here, by what the platforms themselves use to join them:
//!
//! - mail is threaded again, all of a topic's messages at once, by `Message-ID`,
//!   `References` and `In-Reply-To` (JWZ's algorithm, [`crate::parse::threading`]): a
//!   thread that starts in the March file and goes on in April's is one thread, its posts
//!   numbered by date whatever file each came from;
//! - a Reddit submission gathers its comments from every dump (and a thread's JSON), the
//!   same post read twice being one;
//! - a Discourse topic's page files merge by post number.
//!
//! A joined thread's address comes from its first post, not from a file: it is the file of
//! its first message (or submission), and its title is that message's, so adding a month
//! to an archive moves no thread that was there.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::load::title_from_path;
use crate::model::{Pool, Post, Thread};
use crate::parse::mail::normalize_subject;
use crate::parse::threading::{self, Envelope};

/// The threads with those that span files joined; the others as they were.
pub fn pool(threads: Vec<Thread>) -> Vec<Thread> {
    let mut out = Vec::with_capacity(threads.len());
    let mut groups: BTreeMap<(String, Pool), Vec<Thread>> = BTreeMap::new();
    for thread in threads {
        match thread.pool.clone() {
            Some(pool) => groups.entry((thread.topic.clone(), pool)).or_default().push(thread),
            None => out.push(thread),
        }
    }
    for ((_, pool), group) in groups {
        match pool {
            Pool::Mail => out.extend(mail(group)),
            Pool::Reddit(link) => out.push(reddit(group, &link)),
            Pool::Discourse(_) => out.push(discourse(group)),
        }
    }
    out
}

/// A post, with the thread it was read in (its metadata, by index into the group).
struct Read {
    post: Post,
    thread: usize,
}

/// Every post of a group, moved out of its threads (which keep their metadata), the same
/// post (by its id) read twice kept once: the first copy with a body, in the order the
/// files were read. What joined the posts is no longer needed, and its memory goes.
fn posts(group: &mut [Thread]) -> Vec<Read> {
    let mut out: Vec<Read> = Vec::new();
    let mut by_id: FxHashMap<String, usize> = FxHashMap::default();
    for (thread, t) in group.iter_mut().enumerate() {
        for post in std::mem::take(&mut t.posts) {
            let Some(id) = post.extra.id.clone() else {
                out.push(Read { post, thread });
                continue;
            };
            match by_id.get(&id) {
                Some(&at) if out[at].post.body.trim().is_empty() && !post.body.trim().is_empty() => {
                    out[at] = Read { post, thread };
                }
                Some(_) => {}
                None => {
                    by_id.insert(id, out.len());
                    out.push(Read { post, thread });
                }
            }
        }
    }
    out
}

/// Lets go of what joined a thread's posts, once they are joined.
fn forget_links(posts: &mut [Post]) {
    for extra in posts.iter_mut().filter_map(|p| p.extra.get_mut()) {
        extra.links = Vec::new();
    }
}

/// A joined thread: the metadata of the thread its first post was read in, these posts.
fn joined(first: &Thread, title: String, posts: Vec<Post>) -> Thread {
    Thread {
        path: first.path.clone(),
        format: first.format,
        title,
        topic: first.topic.clone(),
        tags: first.tags.clone(),
        source: first.source.clone(),
        paragraphs: first.paragraphs,
        posts,
        excerpts: Vec::new(),
        released: false,
        pool: first.pool.clone(),
        removed: None,
    }
}

/// A topic's mail, threaded again as one: posts numbered by date within their thread (in
/// thread order when some have none), each thread titled by its first message's subject.
fn mail(mut group: Vec<Thread>) -> Vec<Thread> {
    let mut read = posts(&mut group);
    let envelopes: Vec<Envelope> = read
        .iter()
        .map(|r| {
            let (subject, reply_subject) = normalize_subject(r.post.extra.subject.as_deref().unwrap_or(""));
            Envelope {
                id: r.post.extra.id.clone(),
                references: r.post.extra.links.clone(),
                subject,
                reply_subject,
                date: r.post.date,
            }
        })
        .collect();
    let mut threads = Vec::new();
    for members in threading::thread(&envelopes) {
        let mut order = members.clone();
        if order.iter().all(|m| envelopes[m.message].date.is_some()) {
            order.sort_by_key(|m| (envelopes[m.message].date, m.message));
        }
        let numbers: FxHashMap<usize, u32> = order.iter().enumerate().map(|(i, m)| (m.message, i as u32 + 1)).collect();
        let mut posts: Vec<Post> = order
            .iter()
            .enumerate()
            .map(|(i, member)| {
                let mut post = std::mem::take(&mut read[member.message].post);
                post.number = i as u32 + 1;
                post.reply_to = member.parent.and_then(|p| numbers.get(&p).copied());
                if post.extra.reply_guessed != member.guessed {
                    post.extra.reply_guessed = member.guessed;
                }
                post
            })
            .collect();
        forget_links(&mut posts);
        let root = &members[0];
        let first = &group[read[root.message].thread];
        let subject = &envelopes[root.message].subject;
        let title = if subject.is_empty() { first.title.clone() } else { subject.clone() };
        threads.push(joined(first, title, posts));
    }
    threads
}

/// A Reddit submission with its comments from every file: the submission post 1, then the
/// comments by date (then id, in base 36's order, as a dump file orders them); a reply
/// answers its parent where the parent was read.
fn reddit(mut group: Vec<Thread>, link: &str) -> Thread {
    let mut read = posts(&mut group);
    let is_submission = |r: &Read| r.post.extra.id.as_deref().is_some_and(|id| id.starts_with("t3_"));
    let submission = read.iter().position(is_submission);
    let mut order: Vec<usize> = (0..read.len()).filter(|&i| Some(i) != submission).collect();
    order.sort_by(|&a, &b| {
        // Ids are base 36: a shorter one is an earlier one.
        let key = |i: usize| {
            let id = read[i].post.extra.id.as_deref().unwrap_or_default();
            (read[i].post.date.is_none(), read[i].post.date, id.len(), id)
        };
        key(a).cmp(&key(b))
    });
    let order: Vec<usize> = submission.into_iter().chain(order).collect();
    let numbers: FxHashMap<&str, u32> = order
        .iter()
        .enumerate()
        .filter_map(|(n, &i)| Some((read[i].post.extra.id.as_deref()?, n as u32 + 1)))
        .collect();
    let numbers: FxHashMap<String, u32> = numbers.into_iter().map(|(id, n)| (id.to_owned(), n)).collect();
    let mut posts: Vec<Post> = order
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let mut post = std::mem::take(&mut read[i].post);
            post.number = n as u32 + 1;
            post.reply_to = post
                .extra
                .links
                .last()
                .filter(|parent| parent.starts_with("t1_"))
                .and_then(|parent| numbers.get(parent.as_str()).copied());
            post
        })
        .collect();
    forget_links(&mut posts);
    let first = &group[submission.map_or(read.first().map_or(0, |r| r.thread), |i| read[i].thread)];
    let title = match submission {
        Some(i) => group[read[i].thread].title.clone(),
        None => {
            let subreddit = group.iter().flat_map(|t| &t.tags).find(|t| t.starts_with("r/"));
            match subreddit {
                Some(sub) => format!("Comments on {link} in {sub}"),
                None => format!("Comments on {link}"),
            }
        }
    };
    let mut thread = joined(first, title, posts);
    for tag in group.iter().flat_map(|t| &t.tags) {
        if !thread.tags.contains(tag) {
            thread.tags.push(tag.clone());
        }
    }
    thread
}

/// A Discourse topic from its page files: posts by number, each number once; the title of
/// the page that has one (a `posts.json` page has none, and was titled after its file).
fn discourse(mut group: Vec<Thread>) -> Thread {
    let read = posts(&mut group);
    let mut by_number: BTreeMap<u32, Read> = BTreeMap::new();
    for r in read {
        let number = r.post.number;
        match by_number.get(&number) {
            Some(kept) if !kept.post.body.trim().is_empty() || r.post.body.trim().is_empty() => {}
            _ => {
                by_number.insert(number, r);
            }
        }
    }
    let titled = group.iter().find(|t| t.title != title_from_path(&t.path)).unwrap_or(&group[0]);
    let first = by_number.values().next().map_or(titled, |r| &group[r.thread]);
    let mut thread = joined(first, titled.title.clone(), by_number.into_values().map(|r| r.post).collect());
    thread.tags.clone_from(&titled.tags);
    thread
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, PostExtra};
    use crate::testing;

    fn mail_post(id: &str, links: &[&str], subject: &str, date: &str, body: &str) -> Post {
        Post {
            date: Some(date.parse().unwrap()),
            body: body.into(),
            extra: PostExtra {
                id: Some(id.into()),
                links: links.iter().map(|l| (*l).to_owned()).collect(),
                subject: Some(subject.into()),
                ..PostExtra::default()
            }
            .into(),
            ..Post::default()
        }
    }

    fn mail_thread(path: &str, posts: Vec<Post>) -> Thread {
        let mut thread =
            posts.into_iter().fold(testing::thread(path, "x").format(Format::Mbox), |t, p| t.with(p)).build();
        thread.pool = Some(Pool::Mail);
        thread
    }

    /// A thread's path and title, and its posts' numbers, parents and ids.
    type Shape = (String, String, Vec<(u32, Option<u32>, String)>);

    fn shape(threads: &[Thread]) -> Vec<Shape> {
        threads
            .iter()
            .map(|t| {
                let posts =
                    t.posts.iter().map(|p| (p.number, p.reply_to, p.extra.id.clone().unwrap_or_default())).collect();
                (t.path.clone(), t.title.clone(), posts)
            })
            .collect()
    }

    #[test]
    fn a_mail_thread_across_months_is_one_thread_in_date_order() {
        let march = mail_thread(
            "list/2023-March.txt",
            vec![
                mail_post("a@x", &[], "Dew on the corrector plate", "2023-03-28T17:00:00Z", "first"),
                mail_post("b@x", &["a@x"], "Re: Dew on the corrector plate", "2023-03-29T09:00:00Z", "second"),
            ],
        );
        let april = mail_thread(
            "list/2023-April.txt",
            vec![
                mail_post("c@x", &["a@x", "b@x"], "Re: Dew on the corrector plate", "2023-04-02T10:00:00Z", "third"),
                mail_post("d@x", &[], "Star party", "2023-04-05T10:00:00Z", "new"),
                // The same message in two archives: one post.
                mail_post("b@x", &["a@x"], "Re: Dew on the corrector plate", "2023-03-29T09:00:00Z", "second"),
            ],
        );
        // Whatever order the files come in.
        for files in [vec![march.clone(), april.clone()], vec![april.clone(), march.clone()]] {
            let mut threads = pool(files);
            threads.sort_by(|a, b| a.title.cmp(&b.title));
            assert_eq!(
                shape(&threads),
                [
                    (
                        "list/2023-March.txt".to_owned(),
                        "Dew on the corrector plate".to_owned(),
                        vec![
                            (1, None, "a@x".to_owned()),
                            (2, Some(1), "b@x".to_owned()),
                            (3, Some(2), "c@x".to_owned())
                        ]
                    ),
                    ("list/2023-April.txt".to_owned(), "Star party".to_owned(), vec![(1, None, "d@x".to_owned())]),
                ]
            );
        }
    }

    #[test]
    fn mail_of_two_topics_is_not_joined() {
        let mut other =
            mail_thread("other/a.mbox", vec![mail_post("c@x", &["a@x"], "Re: Dew", "2023-04-02T10:00:00Z", "x")]);
        other.topic = "other".into();
        let list = mail_thread("list/a.mbox", vec![mail_post("a@x", &[], "Dew", "2023-03-28T17:00:00Z", "y")]);
        assert_eq!(pool(vec![list, other]).len(), 2);
    }

    fn reddit_post(id: &str, parent: &str, date: &str, body: &str) -> Post {
        Post {
            date: Some(date.parse().unwrap()),
            body: body.into(),
            extra: PostExtra { id: Some(id.into()), links: vec![parent.into()], ..PostExtra::default() }.into(),
            ..Post::default()
        }
    }

    fn reddit_thread(path: &str, title: &str, posts: Vec<Post>) -> Thread {
        let mut thread =
            posts.into_iter().fold(testing::thread(path, title).format(Format::RedditDump), |t, p| t.with(p)).build();
        thread.pool = Some(Pool::Reddit("t3_s".into()));
        thread.tags = vec!["r/Sourdough".into()];
        thread
    }

    #[test]
    fn a_submission_gathers_its_comments_from_every_dump() {
        let comments = reddit_thread(
            "r/RC_2024-03.ndjson",
            "Comments on t3_s in r/Sourdough",
            vec![
                reddit_post("t1_b", "t1_a", "2024-03-02T10:00:00Z", "reply"),
                reddit_post("t1_a", "t3_s", "2024-03-01T10:00:00Z", "top"),
                reddit_post("t1_c", "t1_gone", "2024-03-03T10:00:00Z", "orphan"),
            ],
        );
        let alone = pool(vec![comments.clone()]);
        assert_eq!(alone[0].title, "Comments on t3_s in r/Sourdough");
        assert_eq!(
            alone[0].posts.iter().map(|p| (p.number, p.reply_to)).collect::<Vec<_>>(),
            [(1, None), (2, Some(1)), (3, None)]
        );
        let submission = reddit_thread(
            "r/RS_2024-03.ndjson",
            "Why is my loaf flat?",
            vec![reddit_post("t3_s", "", "2024-03-01T09:00:00Z", "It spreads.")],
        );
        let joined = pool(vec![comments, submission]);
        assert_eq!(joined.len(), 1);
        let t = &joined[0];
        assert_eq!((t.title.as_str(), t.path.as_str()), ("Why is my loaf flat?", "r/RS_2024-03.ndjson"));
        let got: Vec<(u32, Option<u32>, &str)> =
            t.posts.iter().map(|p| (p.number, p.reply_to, p.body.as_str())).collect();
        assert_eq!(got, [(1, None, "It spreads."), (2, None, "top"), (3, Some(2), "reply"), (4, None, "orphan")]);
    }

    #[test]
    fn a_discourse_topic_merges_its_page_files_by_post_number() {
        let page = |path: &str, title: &str, numbers: &[u32]| {
            let posts = numbers.iter().map(|&n| Post { number: n, body: format!("post {n}"), ..Post::default() });
            let mut t =
                posts.fold(testing::thread(path, title).format(Format::DiscourseJson), |t, p| t.with(p)).build();
            t.pool = Some(Pool::Discourse("42".into()));
            t
        };
        let first = page("d/topic.json", "Backups for a NAS", &[1, 2, 3]);
        let more = page("d/posts.json", &title_from_path("d/posts.json"), &[3, 5, 6]);
        let joined = pool(vec![more, first]);
        assert_eq!(joined.len(), 1);
        assert_eq!(joined[0].title, "Backups for a NAS");
        assert_eq!(joined[0].posts.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2, 3, 5, 6]);
        assert_eq!(joined[0].path, "d/topic.json");
    }
}
