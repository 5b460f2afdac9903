//! The archive's pages, one askama template each, sharing `templates/_layout.html`.
//!
//! View structs are separate from the model: they hold exactly what a template shows,
//! already made safe (post bodies sanitised, URLs checked). Every page struct has a `meta`
//! field, [`Meta`], which the layout reads: the page's title, the relative way back to the
//! archive's root (`root`, so that pages work from disk and from any sub-folder of a
//! host), and the canonical address when the archive has a `base_url`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

use askama::Template;
use jiff::Timestamp;

use crate::model::{Post, PostExtra, Thread};
use crate::parse::discourse_raw;
use crate::render::mail;
use crate::render::markup::{self, ThreadContext};
use crate::site::{Entry, Site, paged_path};

/// What the layout needs of every page.
pub struct Meta<'a> {
    pub lang: &'a str,
    /// `""`, `"../"`, …: from this page back to the archive's root.
    pub root: String,
    pub archive_title: &'a str,
    /// The page's `<title>`.
    pub title: String,
    /// A sentence about the page, for search engines and link previews.
    pub description: String,
    /// The page's address, where the archive has a `base_url`.
    pub canonical: Option<String>,
    /// The Atom feed of what the page lists, relative to the page.
    pub feed: Option<String>,
    /// Open Graph type: `website` or `article`.
    pub og_type: &'static str,
}

impl<'a> Meta<'a> {
    /// The meta of the page at `path` (from the archive's root).
    pub fn new(site: &'a Site, path: &str, title: String, description: String) -> Meta<'a> {
        let config = &site.config;
        Meta {
            lang: &config.language,
            root: "../".repeat(path.matches('/').count()),
            archive_title: &config.title,
            title,
            description: markup::excerpt(&description, false, 200),
            canonical: config.base_url.as_ref().map(|base| format!("{base}{}", path.trim_end_matches("index.html"))),
            feed: None,
            og_type: "website",
        }
    }

    fn with_feed(mut self, site: &Site, feed_path: String) -> Self {
        if site.config.base_url.is_some() {
            self.feed = Some(format!("{}{feed_path}", self.root));
        }
        self
    }
}

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

/// Links between the pages of a list; URLs are relative to the current page.
pub struct Pagination {
    pub current: usize,
    /// How many pages the list has.
    pub total: usize,
    /// The pages linked, by number and URL, in order: the first and the last, and those
    /// within [`Pagination::WINDOW`] of the current one; `None` stands for the pages left
    /// out between two of them.
    pub pages: Vec<Option<(usize, String)>>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pagination {
    /// How many pages either side of the current one are linked. Linking every page made
    /// a list of P pages hold P² links: 450 MB of author pages at a million posts.
    pub const WINDOW: usize = 2;

    /// Pagination over `numbers` (the pages that exist) where `url(n)` is page n's URL.
    fn new(current: usize, numbers: &[usize], url: impl Fn(usize) -> String) -> Pagination {
        let at = numbers.iter().position(|&n| n == current).unwrap_or(0);
        let last = numbers.len().saturating_sub(1);
        let shown = |i: usize| i == 0 || i == last || i.abs_diff(at) <= Self::WINDOW;
        let mut pages = Vec::new();
        for (i, &n) in numbers.iter().enumerate() {
            if shown(i) {
                pages.push(Some((n, url(n))));
            } else if i > 0 && shown(i - 1) {
                pages.push(None);
            }
        }
        Pagination {
            current,
            total: numbers.len(),
            pages,
            prev: at.checked_sub(1).map(|i| url(numbers[i])),
            next: numbers.get(at + 1).map(|&n| url(n)),
        }
    }
}

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage<'a> {
    pub meta: Meta<'a>,
    pub description: &'a str,
    pub thread_count: usize,
    pub post_count: usize,
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

pub struct PostView {
    pub number: u32,
    pub author: Option<String>,
    /// The author's page, relative to the thread page.
    pub author_url: Option<String>,
    pub date: Option<DateView>,
    pub likes: u32,
    /// The post answered, and the link to it when it is in the thread.
    pub reply_to: Option<(u32, Option<String>)>,
    /// The posts that answer this one, with links.
    pub replies: Vec<(u32, String)>,
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
    pub meta: Meta<'a>,
    pub title: &'a str,
    pub topic_title: &'a str,
    pub topic_url: String,
    pub source: Option<Cow<'a, str>>,
    pub tags: Vec<(String, String)>,
    pub post_count: usize,
    pub participants: usize,
    pub posts: Vec<PostView>,
    /// Every post of the thread as (number, link), for the jump-to-post list.
    pub jump: Vec<(u32, String)>,
    pub pagination: Pagination,
    /// The neighbouring threads in the topic's order: (title, URL).
    pub newer: Option<(String, String)>,
    pub older: Option<(String, String)>,
    /// The thread's records as JSON, relative to the page.
    pub json_url: String,
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
        first: thread.first_date().map(DateView::new),
        last: thread.last_date().map(DateView::new),
        excerpt: thread_excerpt(thread, 200),
    }
}

fn thread_excerpt(thread: &Thread, max: usize) -> String {
    thread.posts.first().map(|p| post_excerpt(thread, p, max)).unwrap_or_default()
}

/// A post's opening words, as plain text, for lists and feeds; a mail's own words, not
/// what it quotes.
pub fn post_excerpt(thread: &Thread, post: &Post, max: usize) -> String {
    if thread.format.is_mail() {
        let own = mail::excerpt_source(&post.body);
        // A message that is all quote (a forward, say) is shown by what it quotes.
        let text = if own.trim().is_empty() { post.body.clone() } else { own };
        return markup::excerpt(&text, false, max);
    }
    markup::excerpt(&post.body, thread.format.is_markdown(), max)
}

pub fn index_page(site: &Site) -> IndexPage<'_> {
    let config = &site.config;
    let description = if config.description.is_empty() { config.title.clone() } else { config.description.clone() };
    IndexPage {
        meta: Meta::new(site, "index.html", config.title.clone(), description).with_feed(site, "feed.xml".into()),
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
                let title = if n > 1 {
                    format!("{} (page {n}) · {}", t.title, config.title)
                } else {
                    format!("{} · {}", t.title, config.title)
                };
                let description = t.description.clone().unwrap_or_else(|| format!("Threads about {}", t.title));
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

/// Only addresses a reader can follow safely are linked.
pub fn safe_url(url: Option<&str>) -> Option<&str> {
    url.filter(|s| {
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

/// A post's body as sanitised HTML, and the note saying where it was cut if it was too long.
pub type BodyHtml = (String, Option<String>);

/// A post's body as sanitised HTML, cut where it is too long.
pub fn post_html(thread: &Thread, post: &Post, ctx: &ThreadContext, show_emails: bool) -> BodyHtml {
    let (body, cut) = cap_body(&post.body, MAX_POST_BYTES);
    let html = if thread.format.is_mail() {
        mail::body_to_html(body, show_emails)
    } else if thread.format.is_markdown() {
        markup::markdown_to_html(body, ctx)
    } else {
        markup::plain_to_html(body, thread.paragraphs)
    };
    (markup::sanitize(&html), cut)
}

/// Renders the pages of one thread: all of it, or one page of a long one.
pub struct ThreadRenderer<'a> {
    site: &'a Site,
    entry: &'a Entry,
    /// Which thread page each post number is on.
    page_of: BTreeMap<u32, usize>,
    /// Who answered each post.
    replies: BTreeMap<u32, Vec<u32>>,
    topic_id: Option<String>,
    /// With feeds on, the HTML of each post body made so far that is the same in the
    /// thread's pages and its feed (no link to another of its posts enters it), by number.
    made: Option<RefCell<BTreeMap<u32, BodyHtml>>>,
}

impl<'a> ThreadRenderer<'a> {
    pub fn new(site: &'a Site, entry: &'a Entry) -> Self {
        let thread = &entry.thread;
        let page_of = thread.posts.iter().map(|p| (p.number, site.post_page(p.number))).collect();
        let mut replies: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for post in &thread.posts {
            if let Some(parent) = post.reply_to {
                replies.entry(parent).or_default().push(post.number);
            }
        }
        let topic_id = thread
            .format
            .is_markdown()
            .then(|| {
                discourse_raw::own_topic_id(thread.source.as_deref(), thread.posts.iter().map(|p| p.body.as_str()))
            })
            .flatten();
        let made = site.config.base_url.is_some().then(RefCell::default);
        ThreadRenderer { site, entry, page_of, replies, topic_id, made }
    }

    /// The link from page `from` to post `number`, if the thread has it.
    fn post_href(&self, from: usize, number: u32) -> Option<String> {
        let page = *self.page_of.get(&number)?;
        if page == from {
            return Some(format!("#post-{number}"));
        }
        let root = "../".repeat(self.site.thread_page_path(self.entry, from).matches('/').count());
        Some(format!("{root}{}", self.site.post_path(self.entry, number)))
    }

    pub fn pages(&self) -> Vec<usize> {
        self.site.thread_pages(self.entry)
    }

    pub fn entry(&self) -> &'a Entry {
        self.entry
    }

    /// A post's body as sanitised HTML in `ctx` ([`post_html`]), made once for the thread's
    /// pages and feed where `ctx` cannot change it: only a Discourse quote of another post
    /// of the thread links to it, differently from a page and from the feed.
    pub fn post_html(&self, post: &Post, ctx: &ThreadContext) -> BodyHtml {
        let thread = &self.entry.thread;
        let made = self.made.as_ref().filter(|_| !thread.format.is_markdown() || !post.body.contains("[quote"));
        if let Some(html) = made.and_then(|m| m.borrow().get(&post.number).cloned()) {
            return html;
        }
        let html = post_html(thread, post, ctx, self.site.config.show_emails);
        if let Some(made) = made {
            made.borrow_mut().insert(post.number, html.clone());
        }
        html
    }

    pub fn page(&self, page: usize) -> ThreadPage<'a> {
        let site = self.site;
        let config = &site.config;
        let entry = self.entry;
        let thread = &entry.thread;
        let topic = &site.topics[entry.topic];
        let path = site.thread_page_path(entry, page);
        let post_href = |n: u32| self.post_href(page, n);
        let ctx = ThreadContext {
            topic_id: self.topic_id.as_deref(),
            post_href: &post_href,
            source: safe_url(thread.source.as_deref()),
        };
        let mut meta = Meta::new(site, &path, format!("{} · {} · {}", thread.title, topic.title, config.title), {
            thread_excerpt(thread, 200)
        })
        .with_feed(site, format!("{}/{}.xml", topic.slug, entry.slug));
        meta.og_type = "article";
        let root = meta.root.clone();
        let posts = thread
            .posts
            .iter()
            .filter(|p| site.post_page(p.number) == page)
            .map(|post| {
                let (body_html, cut) = self.post_html(post, &ctx);
                PostView {
                    number: post.number,
                    author: post.author.clone(),
                    author_url: post
                        .author
                        .as_deref()
                        .and_then(|a| site.author(a))
                        .map(|a| format!("{root}authors/{}.html", site.authors[a].slug)),
                    date: post.date.map(DateView::new),
                    likes: post.likes,
                    reply_to: post.reply_to.map(|n| (n, self.post_href(page, n))),
                    replies: self
                        .replies
                        .get(&post.number)
                        .map(|rs| rs.iter().filter_map(|&r| Some((r, self.post_href(page, r)?))).collect())
                        .unwrap_or_default(),
                    body_html,
                    cut,
                    attachments: post
                        .extra
                        .attachments
                        .iter()
                        .filter_map(|a| safe_url(Some(a)))
                        .filter_map(markup::valid_url)
                        .map(Cow::into_owned)
                        .collect(),
                    extra: PostExtra {
                        email: post.extra.email.clone().filter(|_| config.show_emails),
                        // Every reply repeats a mail thread's subject; only a changed one is
                        // worth showing.
                        subject: post.extra.subject.clone().filter(|subject| {
                            !thread.format.is_mail()
                                || !crate::parse::mail::normalize_subject(subject).0.eq_ignore_ascii_case(&thread.title)
                        }),
                        ..(*post.extra).clone()
                    },
                }
            })
            .collect();
        let neighbour = |i: usize| {
            let e = &site.threads[i];
            (e.thread.title.clone(), format!("{root}{}", site.thread_path(e)))
        };
        let (newer, older) = site.neighbours(entry);
        let pages = self.pages();
        ThreadPage {
            title: &thread.title,
            topic_title: &topic.title,
            topic_url: format!("{root}{}/index.html", topic.slug),
            source: safe_url(thread.source.as_deref()).and_then(markup::valid_url),
            tags: thread
                .tags
                .iter()
                .filter_map(|t| site.tags.iter().find(|x| &x.name == t))
                .map(|t| (t.name.clone(), format!("{root}tags/{}.html", t.slug)))
                .collect(),
            post_count: thread.posts.len(),
            participants: thread.participants().len(),
            posts,
            jump: thread.posts.iter().filter_map(|p| Some((p.number, self.post_href(page, p.number)?))).collect(),
            pagination: Pagination::new(page, &pages, |n| format!("{root}{}", site.thread_page_path(entry, n))),
            newer: newer.map(neighbour),
            older: older.map(neighbour),
            json_url: format!("{root}{}/{}.json", topic.slug, entry.slug),
            meta,
        }
    }
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
        date: p.date.map(DateView::new),
        excerpt,
    }
}

/// A post's opening words as lists of posts (an author's pages) show them.
pub fn row_excerpt(thread: &Thread, post: &Post) -> String {
    post_excerpt(thread, post, 160)
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
    heading: &str,
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
    let intro = format!("{} people wrote in this archive.", site.authors.len());
    let items = site.authors.iter().map(|a| (a.name.clone(), format!("{}.html", a.slug), a.posts.len())).collect();
    list_page(site, "authors", "Authors", intro, items, "post")
}

/// Every page of an author's posts, newest first.
/// How many pages an author's posts take.
pub fn author_page_count(site: &Site, author: usize) -> usize {
    site.authors[author].posts.len().div_ceil(site.config.threads_per_page).max(1)
}

pub fn author_pages(site: &Site, author: usize) -> impl Iterator<Item = AuthorPage<'_>> {
    let a = &site.authors[author];
    let per_page = site.config.threads_per_page;
    let chunks: Vec<&[(usize, usize)]> = a.posts.chunks(per_page).collect();
    let numbers: Vec<usize> = (1..=author_page_count(site, author)).collect();
    let mut threads: Vec<usize> = a.posts.iter().map(|&(t, _)| t).collect();
    threads.sort_unstable();
    threads.dedup();
    let base = format!("authors/{}", a.slug);
    (1..=numbers.len()).map(move |n| {
        let path = paged_path(&base, n);
        let meta = Meta::new(
            site,
            &path,
            format!("{} · {}", a.name, site.config.title),
            format!("Posts by {} in {}", a.name, site.config.title),
        );
        let root = meta.root.clone();
        AuthorPage {
            name: &a.name,
            post_count: a.posts.len(),
            thread_count: threads.len(),
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
                let meta =
                    Meta::new(site, &path, format!("{heading} · {}", site.config.title), format!("{heading}: threads"));
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
    let items = site.tags.iter().map(|t| (t.name.clone(), format!("{}.html", t.slug), t.threads.len())).collect();
    list_page(site, "tags", "Tags", format!("{} tags.", site.tags.len()), items, "thread")
}

pub fn tag_pages<'a>(site: &'a Site, tag: usize) -> impl Iterator<Item = Listed<'a, impl FnOnce() -> ThreadsPage<'a>>> {
    let t = &site.tags[tag];
    threads_pages(site, format!("tags/{}", t.slug), format!("Tag: {}", t.name), &t.threads)
}

pub fn months_page(site: &Site) -> ListPage<'_> {
    let undated = site.threads.iter().filter(|e| e.thread.first_date().is_none()).count();
    let mut intro = "Threads by the month they started.".to_owned();
    if undated > 0 {
        intro.push_str(&format!(" {undated} thread{} without dates are listed by topic only.", plural(undated)));
    }
    let items = site.months.iter().map(|m| (m.key.clone(), format!("{}.html", m.key), m.threads.len())).collect();
    list_page(site, "months", "Months", intro, items, "thread")
}

pub fn month_pages<'a>(
    site: &'a Site,
    month: usize,
) -> impl Iterator<Item = Listed<'a, impl FnOnce() -> ThreadsPage<'a>>> {
    let m = &site.months[month];
    threads_pages(site, format!("months/{}", m.key), format!("Threads started in {}", m.key), &m.threads)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Template)]
#[template(path = "404.html")]
pub struct NotFoundPage<'a> {
    pub meta: Meta<'a>,
    /// Where the front page is: absolute with a `base_url` (a 404 page is served at any
    /// depth), else relative.
    pub home: String,
}

pub fn not_found_page(site: &Site) -> NotFoundPage<'_> {
    let mut meta = Meta::new(site, "404.html", format!("Not found · {}", site.config.title), String::new());
    meta.canonical = None;
    let home = site.config.base_url.as_ref().map_or_else(|| "index.html".to_owned(), |b| format!("{b}index.html"));
    if let Some(base) = &site.config.base_url {
        meta.root = base.clone();
    }
    NotFoundPage { meta, home }
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

    #[test]
    fn pagination_links() {
        let p = Pagination::new(2, &[1, 2, 4], |n| format!("p{n}"));
        assert_eq!(p.prev.as_deref(), Some("p1"));
        assert_eq!(p.next.as_deref(), Some("p4"));
        assert_eq!(p.pages.len(), 3);
        let first = Pagination::new(1, &[1], |n| format!("p{n}"));
        assert!(first.prev.is_none() && first.next.is_none());
    }

    #[test]
    fn long_lists_link_a_window_of_pages() {
        let numbers: Vec<usize> = (1..=100).collect();
        let shown = |current| -> Vec<Option<usize>> {
            Pagination::new(current, &numbers, |n| format!("p{n}"))
                .pages
                .iter()
                .map(|p| p.as_ref().map(|p| p.0))
                .collect()
        };
        assert_eq!(shown(50), [Some(1), None, Some(48), Some(49), Some(50), Some(51), Some(52), None, Some(100)]);
        assert_eq!(shown(1), [Some(1), Some(2), Some(3), None, Some(100)]);
        assert_eq!(shown(4), [Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), None, Some(100)]);
        assert_eq!(shown(99), [Some(1), None, Some(97), Some(98), Some(99), Some(100)]);
        let p = Pagination::new(50, &numbers, |n| format!("p{n}"));
        assert_eq!((p.prev.as_deref(), p.next.as_deref()), (Some("p49"), Some("p51")));
        assert_eq!(p.total, 100, "the window is not the list");
    }

    use crate::config::Config;
    use crate::model::Format;
    use crate::model::Paragraphs;

    fn mail_thread() -> Thread {
        let post = |number, author: &str, subject: &str, body: &str| Post {
            number,
            author: Some(author.to_owned()),
            body: body.to_owned(),
            extra: PostExtra {
                email: Some("alice@example.org".to_owned()),
                subject: Some(subject.to_owned()),
                ..PostExtra::default()
            }
            .into(),
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
            excerpts: Vec::new(),
            released: false,
        }
    }

    fn mail_site(show_emails: bool) -> Site {
        Site::new(Config { show_emails, ..Config::default() }, vec![mail_thread()])
    }

    fn views(site: &Site) -> Vec<PostView> {
        ThreadRenderer::new(site, &site.threads[0]).page(1).posts
    }

    #[test]
    fn mail_posts_hide_addresses_by_default() {
        let site = mail_site(false);
        let hidden = views(&site);
        assert_eq!(hidden[0].author.as_deref(), Some("alice@…"));
        assert_eq!(hidden[0].extra.email, None);
        assert!(!hidden[0].body_html.contains("example.org"), "{}", hidden[0].body_html);
        assert!(hidden[0].body_html.contains("<div class=\"signature\">"), "{}", hidden[0].body_html);
        assert!(hidden[1].body_html.contains("<details class=\"mail-quote\" open=\"\"><summary>Alice wrote: (1 line)"));
        let thread = &site.threads[0].thread;
        assert_eq!(post_excerpt(thread, &thread.posts[0], 200), "Hi, mail me at alice@…");
        assert_eq!(post_excerpt(thread, &thread.posts[1], 200), "Hello");
        assert_eq!(site.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["alice@…", "Bob"]);
        let records = String::from_utf8(crate::render::publish::thread_record(&site, &site.threads[0])).unwrap();
        assert!(!records.contains("example.org"), "{records}");

        let site = mail_site(true);
        let shown = views(&site);
        assert_eq!(shown[0].author.as_deref(), Some("alice@example.org"));
        assert_eq!(shown[0].extra.email.as_deref(), Some("alice@example.org"));
        assert!(shown[0].body_html.contains("alice@example.org"));
    }

    #[test]
    fn mail_subjects_show_only_when_they_change() {
        let v = views(&mail_site(false));
        assert_eq!(v[0].extra.subject, None);
        assert_eq!(v[1].extra.subject.as_deref(), Some("Re: Reading files (was: Writing files)"));
    }
}
