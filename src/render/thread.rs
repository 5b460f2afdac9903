//! A thread's pages: its posts as a page shows them, each body made safe and cut where it
//! is too long.
//!
//! A post's body becomes HTML ([`post_html`]) and an excerpt ([`post_excerpt`]) by its
//! thread's format (mail, Markdown, plain), so both are here, beside the
//! [`ThreadRenderer`] that makes the pages and that feeds ask for bodies too.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

use askama::Template;

use crate::i18n::Strings;
use crate::model::{Post, PostExtra, Thread};
use crate::parse::discourse_raw;
use crate::render::attachments::{self, AttachmentView, Shown};
use crate::render::calendar::{self, Calendar};
use crate::render::layout::{DateView, Meta, Pagination};
use crate::render::mail;
use crate::render::markup::{self, ThreadContext, safe_url};
use crate::site::{Entry, Site};

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
    /// The post's attached files.
    pub attachments: Vec<AttachmentView>,
    /// What happened, for a post that is an event of the thread (a topic closed).
    pub event: Option<String>,
}

impl PostView {
    /// A post taken down: its number and what is said in its place, nothing else.
    fn taken_down(post: &Post, strings: &Strings) -> PostView {
        let reason =
            post.extra.redacted.as_ref().map(|r| {
                if r == crate::takedown::REMOVED { strings.t("removed_by_owner").to_owned() } else { r.clone() }
            });
        PostView {
            number: post.number,
            author: None,
            author_url: None,
            date: None,
            likes: 0,
            reply_to: None,
            replies: Vec::new(),
            body_html: String::new(),
            cut: None,
            extra: PostExtra { redacted: reason, ..PostExtra::default() },
            attachments: Vec::new(),
            event: None,
        }
    }
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
    /// The posts of this page as (number, link), for the jump-to-post list: every post of
    /// the thread on every page made a thread of N posts hold N²/page-size links.
    pub jump: Vec<(u32, String)>,
    /// The days or months the thread's posts span (a chat's, a long thread's).
    pub calendar: Option<Calendar>,
    pub pagination: Pagination,
    /// The neighbouring threads in the topic's order: (title, URL).
    pub newer: Option<(String, String)>,
    pub older: Option<(String, String)>,
}

pub(super) fn thread_excerpt(thread: &Thread, max: usize) -> String {
    thread.posts.first().map(|p| post_excerpt(thread, p, max)).unwrap_or_default()
}

/// A post's opening words, as plain text, for lists and feeds; a mail's own words, not
/// what it quotes.
pub fn post_excerpt(thread: &Thread, post: &Post, max: usize) -> String {
    if thread.format.is_mail() {
        // Only what the page shows: a list of every line of a message of 50 MB of short
        // lines took 800 MB, twice.
        let body = markup::shown(&post.body, MAX_POST_BYTES);
        let own = mail::excerpt_source(body);
        // A message that is all quote (a forward, say) is shown by what it quotes.
        let text = if own.trim().is_empty() { body.to_owned() } else { own };
        return markup::excerpt(&text, false, max);
    }
    markup::excerpt(&post.body, thread.format.is_markdown(), max)
}

pub use crate::render::markup::MAX_POST_BYTES;

/// A body cut to at most `max` bytes at a line (or else character) boundary, and a note
/// for the reader when it was cut.
pub fn cap_body<'b>(body: &'b str, max: usize, strings: &Strings) -> (&'b str, Option<String>) {
    let shown = markup::shown(body, max);
    if shown.len() == body.len() {
        return (body, None);
    }
    let note = strings.with2("post_cut", "size", body.len().div_ceil(1024), "shown", shown.len() / 1024);
    (shown, Some(note))
}

/// A thread event in words: Discourse's small actions by their codes (the code itself for
/// one not known here).
fn event_words(code: &str, strings: &Strings) -> String {
    let key = match code {
        "closed.enabled" => "event_closed",
        "closed.disabled" => "event_opened",
        "autoclosed.enabled" => "event_autoclosed",
        "autoclosed.disabled" => "event_autoopened",
        "archived.enabled" => "event_archived",
        "archived.disabled" => "event_unarchived",
        "pinned.enabled" | "pinned_globally.enabled" => "event_pinned",
        "pinned.disabled" | "pinned_globally.disabled" => "event_unpinned",
        "banner.enabled" => "event_banner",
        "banner.disabled" => "event_unbanner",
        "visible.enabled" => "event_listed",
        "visible.disabled" => "event_unlisted",
        "split_topic" => "event_split",
        "invited_user" | "invited_group" => "event_invited",
        "user_left" => "event_left",
        "removed_user" | "removed_group" => "event_removed_user",
        "public_topic" => "event_public",
        "private_topic" => "event_private",
        other => return format!("[{other}]"),
    };
    strings.t(key).to_owned()
}

/// A post's body as sanitised HTML, and the note saying where it was cut if it was too long.
pub type BodyHtml = (String, Option<String>);

/// A post's body as sanitised HTML, cut where it is too long.
pub fn post_html(thread: &Thread, post: &Post, ctx: &ThreadContext, show_emails: bool) -> BodyHtml {
    let (body, cut) = cap_body(&post.body, MAX_POST_BYTES, ctx.strings);
    let html = if thread.format.is_mail() {
        mail::body_to_html(body, show_emails, ctx.strings)
    } else if thread.format.is_markdown() && thread.format.is_chat() {
        markup::chat_markdown_to_html(body, ctx)
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
    /// The thread's pages, each with its path from the archive's root and its posts (by
    /// index), found once: a page made from the whole thread made a long thread quadratic.
    pages: BTreeMap<usize, (String, Vec<usize>)>,
    participants: usize,
    calendar: Option<calendar::Spans>,
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
        let page_of: BTreeMap<u32, usize> = thread.posts.iter().map(|p| (p.number, site.post_page(p.number))).collect();
        let mut pages: BTreeMap<usize, (String, Vec<usize>)> = BTreeMap::new();
        for page in site.thread_pages(entry) {
            pages.insert(page, (site.thread_page_path(entry, page), Vec::new()));
        }
        for (i, post) in thread.posts.iter().enumerate() {
            if let Some((_, posts)) = pages.get_mut(&site.post_page(post.number)) {
                posts.push(i);
            }
        }
        let participants = thread.participants().len();
        let calendar = calendar::spans(thread, pages.len() > 1, site.strings());
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
        ThreadRenderer { site, entry, page_of, pages, participants, calendar, replies, topic_id, made }
    }

    /// The link from page `from` to post `number`, if the thread has it.
    fn post_href(&self, from: usize, number: u32) -> Option<String> {
        let page = *self.page_of.get(&number)?;
        if page == from {
            return Some(format!("#post-{number}"));
        }
        let root = "../".repeat(self.page_path(from).matches('/').count());
        Some(format!("{root}{}#post-{number}", self.page_path(page)))
    }

    /// Page `page`'s path from the archive's root.
    fn page_path(&self, page: usize) -> Cow<'_, str> {
        match self.pages.get(&page) {
            Some((path, _)) => Cow::Borrowed(path),
            None => Cow::Owned(self.site.thread_page_path(self.entry, page)),
        }
    }

    pub fn pages(&self) -> Vec<usize> {
        self.pages.keys().copied().collect()
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
        let path = self.page_path(page).into_owned();
        let post_href = |n: u32| self.post_href(page, n);
        let ctx = ThreadContext {
            topic_id: self.topic_id.as_deref(),
            post_href: &post_href,
            source: safe_url(thread.source.as_deref()),
            strings: site.strings(),
        };
        let mut meta = Meta::new(site, &path, format!("{} · {} · {}", thread.title, topic.title, config.title), {
            thread_excerpt(thread, 200)
        })
        .with_feed(site, format!("{}.xml", site.thread_base(entry)));
        meta.og_type = "article";
        let root = meta.root.clone();
        let on_page: &[usize] = self.pages.get(&page).map_or(&[], |(_, posts)| posts);
        let posts = on_page
            .iter()
            .map(|&i| &thread.posts[i])
            .map(|post| {
                if post.extra.redacted.is_some() {
                    return PostView::taken_down(post, site.strings());
                }
                let (body_html, cut) = self.post_html(post, &ctx);
                PostView {
                    number: post.number,
                    author: post.author.clone(),
                    author_url: post
                        .author
                        .as_deref()
                        .and_then(|a| site.author(a))
                        .map(|a| format!("{root}{}", site.author_href(a))),
                    date: post.date.map(|d| DateView::new(d, site.strings())),
                    likes: post.likes,
                    reply_to: post.reply_to.map(|n| (n, self.post_href(page, n))),
                    replies: self
                        .replies
                        .get(&post.number)
                        .map(|rs| rs.iter().filter_map(|&r| Some((r, self.post_href(page, r)?))).collect())
                        .unwrap_or_default(),
                    body_html,
                    cut,
                    attachments: attachments::views(&post.extra.attachments, &root, site.strings()),
                    event: post.extra.event.as_deref().map(|e| event_words(e, site.strings())),
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
            participants: self.participants,
            posts,
            jump: on_page.iter().map(|&i| thread.posts[i].number).map(|n| (n, format!("#post-{n}"))).collect(),
            calendar: self.calendar.as_ref().map(|c| c.linked(|n| self.post_href(page, n))),
            pagination: Pagination::new(page, &pages, |n| format!("{root}{}", self.page_path(n))),
            newer: newer.map(neighbour),
            older: older.map(neighbour),
            meta,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_cut_at_a_line_and_say_so() {
        let body = "line of text\n".repeat(100);
        let (short, note) = cap_body(&body, 500, Strings::english());
        assert!(short.len() <= 500 && short.ends_with("text"), "{short:?}");
        assert!(note.unwrap().contains("2 KB long"));
        assert_eq!(cap_body("short", 500, Strings::english()), ("short", None));
        let one_line = "é".repeat(1000);
        let (short, note) = cap_body(&one_line, 501, Strings::english());
        assert_eq!(short.len(), 500);
        assert!(note.is_some());
    }

    use crate::config::Config;
    use crate::model::Format;
    use crate::testing;

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
        testing::thread("lists/x.mbox", "Reading files")
            .format(Format::Mbox)
            .with(post(
                1,
                "alice@example.org",
                "[rust] Reading files",
                "Hi,\nmail me at alice@example.org\n\n-- \nAlice",
            ))
            .with(post(2, "Bob", "Re: Reading files (was: Writing files)", "Alice wrote:\n> Hi\n\nHello"))
            .build()
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
