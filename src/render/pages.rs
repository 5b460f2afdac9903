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
use crate::render::mail;
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
        excerpt: thread.posts.first().map(|p| excerpt(thread, p, site.config.show_emails)).unwrap_or_default(),
    }
}

/// A post's opening words for thread lists; a mail's own words, not what it quotes.
fn excerpt(thread: &Thread, post: &Post, show_emails: bool) -> String {
    if thread.format.is_mail() {
        let own = mail::excerpt_source(&post.body);
        // A message that is all quote (a forward, say) is shown by what it quotes.
        let text = if own.trim().is_empty() { post.body.clone() } else { own };
        let text = if show_emails { text } else { mail::mask_emails(&text).into_owned() };
        return markup::excerpt(&text, false, 200);
    }
    markup::excerpt(&post.body, thread.format.is_markdown(), 200)
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

fn post_view(thread: &Thread, post: &Post, ctx: &ThreadContext, show_emails: bool) -> PostView {
    let is_mail = thread.format.is_mail();
    let html = if is_mail {
        mail::body_to_html(&post.body, show_emails)
    } else if thread.format.is_markdown() {
        markup::markdown_to_html(&post.body, ctx)
    } else {
        markup::plain_to_html(&post.body, thread.paragraphs)
    };
    // A mail's author is an address when the sender gave no name; a subject may hold one.
    let private = |text: &Option<String>| match text {
        Some(t) if is_mail && !show_emails => Some(mail::mask_emails(t).into_owned()),
        other => other.clone(),
    };
    PostView {
        number: post.number,
        author: private(&post.author),
        date: post.date.map(DateView::new),
        likes: post.likes,
        reply_to: post.reply_to.map(|n| (n, thread.post(n).is_some())),
        body_html: markup::sanitize(&html),
        attachments: post.extra.attachments.iter().filter_map(|a| safe_source(Some(a))).map(str::to_owned).collect(),
        extra: PostExtra {
            email: post.extra.email.clone().filter(|_| show_emails),
            // Every reply repeats the thread's subject; only a changed one is worth showing.
            subject: private(&post.extra.subject).filter(|subject| {
                !is_mail || !crate::parse::mail::normalize_subject(subject).0.eq_ignore_ascii_case(&thread.title)
            }),
            ..post.extra.clone()
        },
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
    use crate::model::Paragraphs;
    use crate::parse::Format;

    fn mail_thread() -> Thread {
        let post = |number, author: &str, subject: &str, body: &str| Post {
            number,
            author: Some(author.to_owned()),
            body: body.to_owned(),
            extra: PostExtra {
                email: Some("alice@example.org".to_owned()),
                subject: Some(subject.to_owned()),
                ..PostExtra::default()
            },
            ..Post::default()
        };
        Thread {
            path: "lists/x.mbox".into(),
            format: Format::Mbox,
            title: "Reading files".into(),
            topic: "lists".into(),
            tags: Vec::new(),
            source: None,
            paragraphs: Paragraphs::default(),
            posts: vec![
                post(1, "alice@example.org", "[rust] Reading files", "Hi,\nmail me at alice@example.org\n\n-- \nAlice"),
                post(2, "Bob", "Re: Reading files (was: Writing files)", "Alice wrote:\n> Hi\n\nHello"),
            ],
        }
    }

    fn views(thread: &Thread, show_emails: bool) -> Vec<PostView> {
        let ctx = ThreadContext { topic_id: None, has_post: &|_| true, source: None };
        thread.posts.iter().map(|p| post_view(thread, p, &ctx, show_emails)).collect()
    }

    #[test]
    fn mail_posts_hide_addresses_by_default() {
        let thread = mail_thread();
        let hidden = views(&thread, false);
        assert_eq!(hidden[0].author.as_deref(), Some("alice@…"));
        assert_eq!(hidden[0].extra.email, None);
        assert!(!hidden[0].body_html.contains("example.org"), "{}", hidden[0].body_html);
        assert!(hidden[0].body_html.contains("<div class=\"signature\">"), "{}", hidden[0].body_html);
        assert!(hidden[1].body_html.contains("<details class=\"mail-quote\" open=\"\"><summary>Alice wrote: (1 line)"));
        assert_eq!(excerpt(&thread, &thread.posts[0], false), "Hi, mail me at alice@…");
        assert_eq!(excerpt(&thread, &thread.posts[1], false), "Hello");

        let shown = views(&thread, true);
        assert_eq!(shown[0].author.as_deref(), Some("alice@example.org"));
        assert_eq!(shown[0].extra.email.as_deref(), Some("alice@example.org"));
        assert!(shown[0].body_html.contains("alice@example.org"));
    }

    #[test]
    fn mail_subjects_show_only_when_they_change() {
        let v = views(&mail_thread(), false);
        assert_eq!(v[0].extra.subject, None);
        assert_eq!(v[1].extra.subject.as_deref(), Some("Re: Reading files (was: Writing files)"));
    }
}
