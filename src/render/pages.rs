//! The archive's pages, one askama template each, sharing `templates/_layout.html`.
//!
//! View structs are separate from the model: they hold exactly what a template shows,
//! already made safe (post bodies sanitised, URLs checked). Every page struct has the
//! fields the layout reads: `lang`, `root` (the relative way back to the archive's root,
//! so that pages work from disk and from any sub-folder of a host) and `archive_title`.

use askama::Template;
use jiff::Timestamp;

use crate::model::{Post, PostExtra, Thread};
use crate::parse::discourse_raw;
use crate::render::markup::{self, ThreadContext};
use crate::site::{Entry, Site};

/// A date as a page shows it: machine-readable and for people.
pub struct DateView {
    pub iso: String,
    pub human: String,
}

impl DateView {
    pub fn new(ts: Timestamp) -> DateView {
        DateView {
            iso: ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            human: ts.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }
}

pub struct TopicRow {
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    pub threads: usize,
    pub posts: usize,
}

pub struct ThreadRow {
    pub url: String,
    pub title: String,
    /// The topic's title and URL, where the list mixes topics.
    pub topic: Option<(String, String)>,
    pub posts: usize,
    pub participants: usize,
    pub first: Option<DateView>,
    pub last: Option<DateView>,
    pub excerpt: String,
}

pub struct Pagination {
    pub current: usize,
    /// Every page's number and file name (relative to the topic's folder).
    pub pages: Vec<(usize, String)>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage<'a> {
    pub lang: &'a str,
    pub root: &'a str,
    pub archive_title: &'a str,
    pub description: &'a str,
    pub thread_count: usize,
    pub post_count: usize,
    pub topics: Vec<TopicRow>,
    pub recent: Vec<ThreadRow>,
}

#[derive(Template)]
#[template(path = "topic.html")]
pub struct TopicPage<'a> {
    pub lang: &'a str,
    pub root: &'a str,
    pub archive_title: &'a str,
    pub topic_title: &'a str,
    pub description: Option<&'a str>,
    pub thread_count: usize,
    pub post_count: usize,
    pub rows: Vec<ThreadRow>,
    pub pagination: Pagination,
}

pub struct PostView {
    pub number: u32,
    pub author: Option<String>,
    pub date: Option<DateView>,
    pub likes: u32,
    /// The post answered, and whether it is in the thread (then it is linked).
    pub reply_to: Option<(u32, bool)>,
    pub body_html: String,
    /// Where a very long post was cut, said for the reader.
    pub cut: Option<String>,
    /// What the format says beyond the common fields; `email` only when published.
    pub extra: PostExtra,
    /// Attachments that can be linked (http and https only).
    pub attachments: Vec<String>,
}

#[derive(Template)]
#[template(path = "thread.html")]
pub struct ThreadPage<'a> {
    pub lang: &'a str,
    pub root: &'a str,
    pub archive_title: &'a str,
    pub title: &'a str,
    pub topic_title: &'a str,
    pub topic_url: String,
    pub source: Option<&'a str>,
    pub tags: &'a [String],
    pub participants: usize,
    pub posts: Vec<PostView>,
}

/// The file name of page `n` of a topic.
pub fn topic_page_file(n: usize) -> String {
    if n == 1 { "index.html".to_owned() } else { format!("page-{n}.html") }
}

fn thread_row(site: &Site, entry: &Entry, with_topic: bool) -> ThreadRow {
    let thread = &entry.thread;
    let topic = &site.topics[entry.topic];
    ThreadRow {
        url: site.thread_path(entry),
        title: thread.title.clone(),
        topic: with_topic.then(|| (topic.title.clone(), format!("{}/index.html", topic.slug))),
        posts: thread.posts.len(),
        participants: thread.participants().len(),
        first: thread.first_date().map(DateView::new),
        last: thread.last_date().map(DateView::new),
        excerpt: thread
            .posts
            .first()
            .map(|p| markup::excerpt(&p.body, thread.format.is_markdown(), 200))
            .unwrap_or_default(),
    }
}

pub fn index_page(site: &Site) -> IndexPage<'_> {
    let config = &site.config;
    IndexPage {
        lang: &config.language,
        root: "",
        archive_title: &config.title,
        description: &config.description,
        thread_count: site.threads.len(),
        post_count: site.post_count(),
        topics: site
            .topics
            .iter()
            .map(|t| TopicRow {
                url: format!("{}/index.html", t.slug),
                title: t.title.clone(),
                description: t.description.clone(),
                threads: t.threads.len(),
                posts: t.post_count,
            })
            .collect(),
        recent: site.recent.iter().map(|&i| thread_row(site, &site.threads[i], true)).collect(),
    }
}

/// Every page of a topic: its threads, most recent activity first, split into pages.
pub fn topic_pages(site: &Site, topic: usize) -> Vec<TopicPage<'_>> {
    let config = &site.config;
    let t = &site.topics[topic];
    let chunks: Vec<&[usize]> = t.threads.chunks(config.threads_per_page).collect();
    let count = chunks.len().max(1);
    let pages: Vec<(usize, String)> = (1..=count).map(|n| (n, topic_page_file(n))).collect();
    (1..=count)
        .map(|n| TopicPage {
            lang: &config.language,
            root: "../",
            archive_title: &config.title,
            topic_title: &t.title,
            description: t.description.as_deref(),
            thread_count: t.threads.len(),
            post_count: t.post_count,
            rows: chunks
                .get(n - 1)
                .map(|c| c.iter().map(|&i| thread_row(site, &site.threads[i], false)).collect())
                .unwrap_or_default(),
            pagination: Pagination {
                current: n,
                pages: pages.clone(),
                prev: (n > 1).then(|| topic_page_file(n - 1)),
                next: (n < count).then(|| topic_page_file(n + 1)),
            },
        })
        .collect()
}

/// Only addresses a reader can follow safely are linked as a thread's source.
fn safe_source(source: Option<&str>) -> Option<&str> {
    source.filter(|s| {
        let lower = s.to_ascii_lowercase();
        (lower.starts_with("https://") || lower.starts_with("http://")) && !s.chars().any(char::is_whitespace)
    })
}

/// The longest post body rendered; the rest is left in the dump, and the page says so.
pub const MAX_POST_BYTES: usize = 256 * 1024;

/// A body cut to at most `max` bytes at a line (or else character) boundary, and a note
/// for the reader when it was cut.
pub fn cap_body(body: &str, max: usize) -> (&str, Option<String>) {
    if body.len() <= max {
        return (body, None);
    }
    let mut end = max;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(line_end) = body[..end].rfind('\n').filter(|&i| i > max / 2) {
        end = line_end;
    }
    let note = format!(
        "This post is {} KB long; only its first {} KB are shown here. The full text is in the dump.",
        body.len().div_ceil(1024),
        end / 1024
    );
    (&body[..end], Some(note))
}

fn post_view(thread: &Thread, post: &Post, ctx: &ThreadContext, show_emails: bool) -> PostView {
    let (body, cut) = cap_body(&post.body, MAX_POST_BYTES);
    let html = if thread.format.is_markdown() {
        markup::markdown_to_html(body, ctx)
    } else {
        markup::plain_to_html(body, thread.paragraphs)
    };
    PostView {
        number: post.number,
        author: post.author.clone(),
        date: post.date.map(DateView::new),
        likes: post.likes,
        reply_to: post.reply_to.map(|n| (n, thread.post(n).is_some())),
        body_html: markup::sanitize(&html),
        cut,
        attachments: post.extra.attachments.iter().filter_map(|a| safe_source(Some(a))).map(str::to_owned).collect(),
        extra: PostExtra { email: post.extra.email.clone().filter(|_| show_emails), ..post.extra.clone() },
    }
}

pub fn thread_page<'a>(site: &'a Site, entry: &'a Entry) -> ThreadPage<'a> {
    let config = &site.config;
    let thread = &entry.thread;
    let topic = &site.topics[entry.topic];
    let numbers: std::collections::HashSet<u32> = thread.posts.iter().map(|p| p.number).collect();
    let topic_id = thread
        .format
        .is_markdown()
        .then(|| discourse_raw::own_topic_id(thread.source.as_deref(), thread.posts.iter().map(|p| p.body.as_str())))
        .flatten();
    let has_post = |n: u32| numbers.contains(&n);
    let ctx = ThreadContext {
        topic_id: topic_id.as_deref(),
        has_post: &has_post,
        source: safe_source(thread.source.as_deref()),
    };
    ThreadPage {
        lang: &config.language,
        root: "../",
        archive_title: &config.title,
        title: &thread.title,
        topic_title: &topic.title,
        topic_url: format!("{}/index.html", topic.slug),
        source: safe_source(thread.source.as_deref()),
        tags: &thread.tags,
        participants: thread.participants().len(),
        posts: thread.posts.iter().map(|p| post_view(thread, p, &ctx, config.show_emails)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_cut_at_a_line_and_say_so() {
        let body = "line of text\n".repeat(100);
        let (short, note) = cap_body(&body, 500);
        assert!(short.len() <= 500 && short.ends_with("text"), "{short:?}");
        assert!(note.unwrap().contains("2 KB long"));
        assert_eq!(cap_body("short", 500), ("short", None));
        let one_line = "é".repeat(1000);
        let (short, note) = cap_body(&one_line, 501);
        assert_eq!(short.len(), 500);
        assert!(note.is_some());
    }
}
