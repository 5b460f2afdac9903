//! The archive's pages, one askama template each, sharing `templates/_layout.html`.
//!
//! View structs are separate from the model: they hold exactly what a template shows,
//! already made safe (post bodies sanitised, URLs checked). Every page struct has a `meta`
//! field, [`Meta`], which the layout reads: the page's title, the relative way back to the
//! archive's root (`root`, so that pages work from disk and from any sub-folder of a
//! host), and the canonical address when the archive has a `base_url`.
//!
//! The thread pages are made in `thread` and the views every page shares are in `layout`;
//! this file makes the lists (the index, topics, authors, tags, months) and the 404 page,
//! and is where the rest of the crate finds all of them.

use askama::Template;

use crate::model::{Post, Thread};
pub use crate::render::layout::{DateView, Meta, Pagination, without_blank_lines};
pub use crate::render::markup::safe_url;
use crate::render::thread::thread_excerpt;
pub use crate::render::thread::{
    BodyHtml, MAX_POST_BYTES, PostView, ThreadPage, ThreadRenderer, cap_body, post_excerpt, post_html,
};
use crate::site::{Entry, Site, paged_path};

pub struct TopicRow {
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    pub threads: usize,
    pub posts: usize,
}

pub struct ThreadRow {
    /// From the archive's root.
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

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage<'a> {
    pub meta: Meta<'a>,
    pub description: &'a str,
    /// How many threads and posts in how many topics, in words.
    pub summary: String,
    pub topics: Vec<TopicRow>,
    pub recent: Vec<ThreadRow>,
}

#[derive(Template)]
#[template(path = "topic.html")]
pub struct TopicPage<'a> {
    pub meta: Meta<'a>,
    pub topic_title: &'a str,
    pub description: Option<&'a str>,
    pub thread_count: usize,
    pub post_count: usize,
    pub rows: Vec<ThreadRow>,
    pub pagination: Pagination,
}

/// The file name of page `n` of a topic.
pub fn topic_page_file(n: usize) -> String {
    if n == 1 { "index.html".to_owned() } else { format!("page-{n}.html") }
}

/// The path of a topic's page `n` from the archive's root.
pub fn topic_page_path(site: &Site, topic: usize, n: usize) -> String {
    format!("{}/{}", site.topics[topic].slug, topic_page_file(n))
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
        first: thread.first_date().map(|d| DateView::new(d, site.strings())),
        last: thread.last_date().map(|d| DateView::new(d, site.strings())),
        excerpt: thread_excerpt(thread, 200),
    }
}

pub fn index_page(site: &Site) -> IndexPage<'_> {
    let config = &site.config;
    let description = if config.description.is_empty() { config.title.clone() } else { config.description.clone() };
    let s = site.strings();
    let counts = [
        ("threads", s.count("threads", site.threads.len())),
        ("posts", s.count("posts", site.post_count())),
        ("topics", s.count("topics", site.topics.len())),
    ];
    let args: Vec<(&str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    IndexPage {
        meta: Meta::new(site, "index.html", config.title.clone(), description).with_feed(site, "feed.xml".into()),
        description: &config.description,
        summary: s.fill("front_summary", &args),
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

/// A page of a list of threads (a topic's, a tag's, a month's), made only when `make` is
/// called, so that a build can keep the last one instead.
pub struct Listed<'a, F> {
    pub path: String,
    /// The page's number, from 1, and how many pages the list has.
    pub number: usize,
    pub pages: usize,
    /// The threads it lists, by their index in the site.
    pub threads: &'a [usize],
    pub make: F,
}

/// Page `n` of a list of threads, and how many pages the list has.
fn list_chunk<'a>(site: &Site, threads: &'a [usize], n: usize) -> (&'a [usize], usize) {
    let per_page = site.config.threads_per_page;
    (threads.chunks(per_page).nth(n - 1).unwrap_or_default(), threads.chunks(per_page).len().max(1))
}

/// Every page of a topic: its threads, most recent activity first, split into pages.
/// Pages are made one at a time as they are asked for (as are authors', tags' and
/// months'): each lists every page of its list, so holding them all at once would take
/// memory in the square of their number.
pub fn topic_pages<'a>(
    site: &'a Site,
    topic: usize,
) -> impl Iterator<Item = Listed<'a, impl FnOnce() -> TopicPage<'a>>> {
    let config = &site.config;
    let t = &site.topics[topic];
    let count = list_chunk(site, &t.threads, 1).1;
    (1..=count).map(move |n| {
        let path = topic_page_path(site, topic, n);
        let rows = list_chunk(site, &t.threads, n).0;
        let make = {
            let path = path.clone();
            move || {
                let s = site.strings();
                let title = if n > 1 {
                    format!("{} · {}", s.with2("topic_title_page", "topic", &t.title, "page", n), config.title)
                } else {
                    format!("{} · {}", t.title, config.title)
                };
                let description =
                    t.description.clone().unwrap_or_else(|| s.with("topic_description", "topic", &t.title));
                let numbers: Vec<usize> = (1..=count).collect();
                TopicPage {
                    meta: Meta::new(site, &path, title, description).with_feed(site, format!("{}/feed.xml", t.slug)),
                    topic_title: &t.title,
                    description: t.description.as_deref(),
                    thread_count: t.threads.len(),
                    post_count: t.post_count,
                    rows: rows.iter().map(|&i| thread_row(site, &site.threads[i], false)).collect(),
                    pagination: Pagination::new(n, &numbers, topic_page_file),
                }
            }
        };
        Listed { path, number: n, pages: count, threads: rows, make }
    })
}

/// A post as other lists show it: where it is, who wrote it, when, and how it starts.
pub struct PostRow {
    pub url: String,
    pub thread_title: String,
    pub number: u32,
    pub author: Option<String>,
    pub date: Option<DateView>,
    pub excerpt: String,
}

fn post_row(site: &Site, thread: usize, post: usize, root: &str) -> PostRow {
    let entry = &site.threads[thread];
    let p = &entry.thread.posts[post];
    let excerpt = match entry.thread.excerpts.get(post) {
        Some(excerpt) => excerpt.to_string(),
        None => row_excerpt(&entry.thread, p),
    };
    PostRow {
        url: format!("{root}{}", site.post_path(entry, p.number)),
        thread_title: entry.thread.title.clone(),
        number: p.number,
        author: p.author.clone(),
        date: p.date.map(|d| DateView::new(d, site.strings())),
        excerpt,
    }
}

/// A post's opening words as lists of posts (an author's pages) show them: a line's worth,
/// enough to tell the post from the author's others in the same thread.
pub fn row_excerpt(thread: &Thread, post: &Post) -> String {
    post_excerpt(thread, post, 100)
}

/// Lets go of the bodies of a thread's posts but the first's, which lists of threads, feeds
/// and the records show, and keeps each post's opening words for lists of posts
/// ([`Thread::excerpts`]); a thread of one post keeps its body. Mail addresses are hidden
/// first, as [`Site::new`](crate::site::Site::new) hides them, unless `show_emails`.
pub fn release_bodies(thread: &mut Thread, show_emails: bool) {
    if thread.posts.len() < 2 || thread.released {
        return;
    }
    if !show_emails {
        crate::redact::hide_emails(thread);
    }
    thread.excerpts = thread.posts.iter().map(|p| row_excerpt(thread, p).into()).collect();
    for post in &mut thread.posts[1..] {
        post.body = String::new();
    }
    thread.released = true;
}

/// A list of named things with counts (authors, tags, months): (label, URL, count).
#[derive(Template)]
#[template(path = "list.html")]
pub struct ListPage<'a> {
    pub meta: Meta<'a>,
    pub heading: String,
    pub intro: String,
    pub items: Vec<(String, String, usize)>,
    /// The key of what the counts count (`posts`, `threads`).
    pub unit: &'static str,
}

#[derive(Template)]
#[template(path = "author.html")]
pub struct AuthorPage<'a> {
    pub meta: Meta<'a>,
    pub name: &'a str,
    pub post_count: usize,
    pub thread_count: usize,
    pub rows: Vec<PostRow>,
    pub pagination: Pagination,
}

/// Authors who wrote too little for pages of their own, each with their posts.
#[derive(Template)]
#[template(path = "author_group.html")]
pub struct AuthorGroupPage<'a> {
    pub meta: Meta<'a>,
    pub authors: Vec<GroupedAuthor<'a>>,
}

pub struct GroupedAuthor<'a> {
    pub anchor: String,
    pub name: &'a str,
    pub post_count: usize,
    pub thread_count: usize,
    pub rows: Vec<PostRow>,
}

/// Threads gathered by a tag or a month.
#[derive(Template)]
#[template(path = "threads.html")]
pub struct ThreadsPage<'a> {
    pub meta: Meta<'a>,
    pub heading: String,
    pub rows: Vec<ThreadRow>,
    pub pagination: Pagination,
}

/// The index of one kind of list (`authors`, `tags`, `months`): each item's label, page
/// (relative to the folder) and count.
fn list_page<'a>(
    site: &'a Site,
    folder: &str,
    heading: &'a str,
    intro: String,
    items: Vec<(String, String, usize)>,
    unit: &'static str,
) -> ListPage<'a> {
    let title = format!("{heading} · {}", site.config.title);
    ListPage {
        meta: Meta::new(site, &format!("{folder}/index.html"), title, intro.clone()),
        heading: heading.to_owned(),
        intro,
        items,
        unit,
    }
}

pub fn authors_page(site: &Site) -> ListPage<'_> {
    let s = site.strings();
    let intro = s.count("authors_intro", site.authors.len());
    let items = (0..site.authors.len())
        .map(|a| {
            let href = site.author_href(a);
            let url = href.strip_prefix("authors/").unwrap_or(&href).to_owned();
            (site.authors[a].name.clone(), url, site.authors[a].posts.len())
        })
        .collect();
    list_page(site, "authors", s.t("authors_heading"), intro, items, "posts")
}

/// A page of authors with few posts ([`crate::site::AuthorGroup`]), each with their posts,
/// newest first.
pub fn author_group_page(site: &Site, group: usize) -> AuthorGroupPage<'_> {
    let group = &site.author_groups[group];
    let names = |i: usize| site.authors[group.authors[i]].name.as_str();
    let heading = site.strings().t("authors_heading");
    let title = format!("{heading} · {} – {} · {}", names(0), names(group.authors.len() - 1), site.config.title);
    let meta = Meta::new(site, &group.path, title, site.strings().count("authors_intro", group.authors.len()));
    let authors = group
        .authors
        .iter()
        .map(|&a| {
            let author = &site.authors[a];
            GroupedAuthor {
                anchor: crate::site::author_anchor(&author.slug),
                name: &author.name,
                post_count: author.posts.len(),
                thread_count: thread_count(author),
                rows: author.posts.iter().map(|&(t, p)| post_row(site, t, p, &meta.root)).collect(),
            }
        })
        .collect();
    AuthorGroupPage { meta, authors }
}

/// How many threads an author wrote in.
fn thread_count(author: &crate::site::Author) -> usize {
    let mut threads: Vec<usize> = author.posts.iter().map(|&(t, _)| t).collect();
    threads.sort_unstable();
    threads.dedup();
    threads.len()
}

/// How many pages an author's posts take.
pub fn author_page_count(site: &Site, author: usize) -> usize {
    site.authors[author].posts.len().div_ceil(site.config.threads_per_page).max(1)
}

/// Every page of an author's posts, newest first.
pub fn author_pages(site: &Site, author: usize) -> impl Iterator<Item = AuthorPage<'_>> {
    let a = &site.authors[author];
    let per_page = site.config.threads_per_page;
    let chunks: Vec<&[(usize, usize)]> = a.posts.chunks(per_page).collect();
    let numbers: Vec<usize> = (1..=author_page_count(site, author)).collect();
    let thread_count = thread_count(a);
    let base = site.author_base(author);
    (1..=numbers.len()).map(move |n| {
        let path = paged_path(&base, n);
        let meta = Meta::new(
            site,
            &path,
            format!("{} · {}", a.name, site.config.title),
            site.strings().with2("author_description", "name", &a.name, "archive", &site.config.title),
        );
        let root = meta.root.clone();
        AuthorPage {
            name: &a.name,
            post_count: a.posts.len(),
            thread_count,
            rows: chunks
                .get(n - 1)
                .map(|c| c.iter().map(|&(t, p)| post_row(site, t, p, &root)).collect())
                .unwrap_or_default(),
            pagination: Pagination::new(n, &numbers, |k| format!("{root}{}", paged_path(&base, k))),
            meta,
        }
    })
}

fn threads_pages<'a>(
    site: &'a Site,
    base: String,
    heading: String,
    threads: &'a [usize],
) -> impl Iterator<Item = Listed<'a, impl FnOnce() -> ThreadsPage<'a>>> {
    let count = list_chunk(site, threads, 1).1;
    (1..=count).map(move |n| {
        let path = paged_path(&base, n);
        let rows = list_chunk(site, threads, n).0;
        let make = {
            let (base, heading, path) = (base.clone(), heading.clone(), path.clone());
            move || {
                let description = site.strings().with("list_description", "heading", &heading);
                let meta = Meta::new(site, &path, format!("{heading} · {}", site.config.title), description);
                let root = meta.root.clone();
                let numbers: Vec<usize> = (1..=count).collect();
                ThreadsPage {
                    rows: rows.iter().map(|&i| thread_row(site, &site.threads[i], true)).collect(),
                    pagination: Pagination::new(n, &numbers, |k| format!("{root}{}", paged_path(&base, k))),
                    heading,
                    meta,
                }
            }
        };
        Listed { path, number: n, pages: count, threads: rows, make }
    })
}

pub fn tags_page(site: &Site) -> ListPage<'_> {
    let s = site.strings();
    let items = site.tags.iter().map(|t| (t.name.clone(), format!("{}.html", t.slug), t.threads.len())).collect();
    list_page(site, "tags", s.t("tags_heading"), s.count("tags_intro", site.tags.len()), items, "threads")
}

pub fn tag_pages<'a>(site: &'a Site, tag: usize) -> impl Iterator<Item = Listed<'a, impl FnOnce() -> ThreadsPage<'a>>> {
    let t = &site.tags[tag];
    threads_pages(site, format!("tags/{}", t.slug), site.strings().with("tag_heading", "tag", &t.name), &t.threads)
}

pub fn months_page(site: &Site) -> ListPage<'_> {
    let s = site.strings();
    let undated = site.threads.iter().filter(|e| e.thread.first_date().is_none()).count();
    let mut intro = s.t("months_intro").to_owned();
    if undated > 0 {
        intro.push(' ');
        intro.push_str(&s.count("months_undated", undated));
    }
    let items = site.months.iter().map(|m| (s.month_key(&m.key), format!("{}.html", m.key), m.threads.len())).collect();
    list_page(site, "months", s.t("months_heading"), intro, items, "threads")
}

pub fn month_pages<'a>(
    site: &'a Site,
    month: usize,
) -> impl Iterator<Item = Listed<'a, impl FnOnce() -> ThreadsPage<'a>>> {
    let m = &site.months[month];
    let s = site.strings();
    threads_pages(site, format!("months/{}", m.key), s.with("month_heading", "month", s.month_key(&m.key)), &m.threads)
}

#[derive(Template)]
#[template(path = "404.html")]
pub struct NotFoundPage<'a> {
    pub meta: Meta<'a>,
    /// Where the front page is: absolute with a `base_url` (a 404 page is served at any
    /// depth), else relative.
    pub home: String,
}

/// What is left at the address of a thread taken down.
#[derive(Template)]
#[template(path = "removed.html")]
pub struct RemovedPage<'a> {
    pub meta: Meta<'a>,
    /// Why, as the archive's owner said it.
    pub reason: String,
    pub topic_title: &'a str,
    pub topic_url: String,
}

/// Page `page` of a thread taken down: it says so, at the address the thread had.
pub fn removed_page<'a>(site: &'a Site, entry: &'a Entry, page: usize) -> RemovedPage<'a> {
    let topic = &site.topics[entry.topic];
    let path = site.thread_page_path(entry, page);
    let s = site.strings();
    let mut meta = Meta::new(site, &path, format!("{} · {}", s.t("removed_title"), site.config.title), String::new());
    meta.canonical = None;
    let reason = entry.thread.removed.as_ref().and_then(|r| r.reason.clone()).unwrap_or_default();
    let reason = if reason == crate::takedown::REMOVED { s.t("removed_by_owner").to_owned() } else { reason };
    let topic_url = format!("{}{}/index.html", meta.root, topic.slug);
    RemovedPage { meta, reason, topic_title: &topic.title, topic_url }
}

pub fn not_found_page(site: &Site) -> NotFoundPage<'_> {
    let title = format!("{} · {}", site.strings().t("not_found_title"), site.config.title);
    let mut meta = Meta::new(site, "404.html", title, String::new());
    meta.canonical = None;
    let home = site.config.base_url.as_ref().map_or_else(|| "index.html".to_owned(), |b| format!("{b}index.html"));
    if let Some(base) = &site.config.base_url {
        meta.root = base.clone();
    }
    NotFoundPage { meta, home }
}
