//! What the archive publishes beside its pages: the records as JSON Lines, Atom feeds, a
//! sitemap and `robots.txt`. Feeds and the sitemap need absolute addresses, so they are
//! made only for an archive with a `base_url`.

use std::borrow::Cow;
use std::cmp::Reverse;

use askama::Template;
use jiff::Timestamp;
use serde::Serialize;

use crate::model::Thread;
use crate::render::markup::{ThreadContext, escape};
use crate::render::pages::{ThreadRenderer, post_excerpt, safe_url};
use crate::site::{Entry, Site};

/// A thread's records as published: emails left out unless the archive shows them.
fn published<'t>(site: &Site, thread: &'t Thread) -> Cow<'t, Thread> {
    if site.config.show_emails || thread.posts.iter().all(|p| p.extra.email.is_none()) {
        return Cow::Borrowed(thread);
    }
    let mut thread = thread.clone();
    for post in &mut thread.posts {
        // Only a post with an address is touched: an empty extra stays unallocated.
        if post.extra.email.is_some() {
            post.extra.email = None;
        }
    }
    Cow::Owned(thread)
}

/// A thread's records as one line of JSON: what `threadarc parse --json` gives for it,
/// without the indentation (`jq .` shows it indented).
pub fn thread_record(site: &Site, entry: &Entry) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(&published(site, &entry.thread)).expect("records serialise");
    bytes.push(b'\n');
    bytes
}

/// Threads whose records share a file: a file stays far below a host's largest file,
/// and a change to a thread rewrites one file of its topic's.
pub const RECORDS_PER_FILE: usize = 1000;

/// The records files, `TOPIC/records-N.jsonl.gz`, each with the threads (indexes into
/// `site.threads`) whose records it holds, a line each in that order: a topic's threads
/// in the site's order (by dump), [`RECORDS_PER_FILE`] a file, so a new or changed
/// thread moves no other file's threads. A thread taken down has no line; a file with
/// none left is not written.
pub fn record_files(site: &Site) -> Vec<(String, Vec<usize>)> {
    let mut by_topic: Vec<Vec<usize>> = vec![Vec::new(); site.topics.len()];
    for (t, entry) in site.threads.iter().enumerate() {
        by_topic[entry.topic].push(t);
    }
    let mut files = Vec::new();
    for (topic, threads) in by_topic.iter().enumerate() {
        for (n, chunk) in threads.chunks(RECORDS_PER_FILE).enumerate() {
            let live: Vec<usize> =
                chunk.iter().copied().filter(|&t| site.threads[t].thread.removed.is_none()).collect();
            if !live.is_empty() {
                files.push((format!("{}/records-{}.jsonl.gz", site.topics[topic].slug, n + 1), live));
            }
        }
    }
    files
}

/// A records file's bytes: its threads' lines, gzip-compressed (`zcat` reads them) at
/// libdeflate's fastest level, which makes them 8% larger than its level 6 in a quarter of
/// the time.
/// Each line is let go once copied, so the text is held about once.
pub fn records_file(lines: Vec<Vec<u8>>) -> Vec<u8> {
    let mut text = Vec::with_capacity(lines.iter().map(Vec::len).sum());
    for line in lines {
        text.extend_from_slice(&line);
    }
    crate::gzip::gzip(&text, 1)
}

#[derive(Serialize)]
struct Manifest<'a> {
    title: &'a str,
    description: &'a str,
    base_url: Option<&'a str>,
    generator: &'static str,
    topics: Vec<TopicRecord<'a>>,
}

#[derive(Serialize)]
struct TopicRecord<'a> {
    key: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    url: String,
    /// The topic's own manifest, which lists its threads.
    manifest: String,
    threads: usize,
    posts: usize,
}

#[derive(Serialize)]
struct TopicManifest<'a> {
    key: &'a str,
    threads: Vec<ThreadRecord<'a>>,
}

#[derive(Serialize)]
struct ThreadRecord<'a> {
    title: &'a str,
    topic: &'a str,
    url: String,
    /// The records file that holds the thread's records, and their line in it (from 1).
    records: String,
    records_line: usize,
    dump: &'a str,
    format: crate::model::Format,
    posts: usize,
    first_date: Option<Timestamp>,
    last_date: Option<Timestamp>,
}

/// Where a topic's manifest lies in the archive.
pub fn topic_manifest_path(slug: &str) -> String {
    format!("{slug}/manifest.json")
}

/// `manifest.json`: the archive and its topics, each with the address of its page and of
/// its own manifest ([`topic_manifests`]). Without indentation (`jq .` shows it indented).
pub fn manifest(site: &Site) -> Vec<u8> {
    let manifest = Manifest {
        title: &site.config.title,
        description: &site.config.description,
        base_url: site.config.base_url.as_deref(),
        generator: "threadarc",
        topics: site
            .topics
            .iter()
            .map(|t| TopicRecord {
                key: &t.key,
                title: &t.title,
                description: t.description.as_deref(),
                url: format!("{}/index.html", t.slug),
                manifest: topic_manifest_path(&t.slug),
                threads: t.threads.len(),
                posts: t.post_count,
            })
            .collect(),
    };
    serde_json::to_vec(&manifest).expect("the manifest serialises")
}

/// Each topic's `TOPIC/manifest.json`, by the topic's index: every published thread of
/// the topic, in the site's order, with the addresses (from the archive's root) of its
/// page and of its records. Split by topic, no manifest nears the 25 MiB some hosts take
/// for a file (one listing every thread was 50 MiB at three million posts), and a reply
/// rewrites only its own topic's.
pub fn topic_manifests(site: &Site) -> Vec<Vec<u8>> {
    let mut records = vec![(String::new(), 0); site.threads.len()];
    for (file, threads) in record_files(site) {
        for (line, &t) in threads.iter().enumerate() {
            records[t] = (file.clone(), line + 1);
        }
    }
    let mut threads: Vec<Vec<ThreadRecord>> = site.topics.iter().map(|_| Vec::new()).collect();
    for (e, (records, records_line)) in site.threads.iter().zip(records) {
        if e.thread.removed.is_some() {
            continue;
        }
        threads[e.topic].push(ThreadRecord {
            title: &e.thread.title,
            topic: &e.thread.topic,
            url: site.thread_path(e),
            records,
            records_line,
            dump: &e.thread.path,
            format: e.thread.format,
            posts: e.thread.posts.len(),
            first_date: e.thread.first_date(),
            last_date: e.thread.last_date(),
        });
    }
    site.topics
        .iter()
        .zip(threads)
        .map(|(topic, threads)| {
            let manifest = TopicManifest { key: &topic.key, threads };
            serde_json::to_vec(&manifest).expect("the manifest serialises")
        })
        .collect()
}

fn atom_date(ts: Option<Timestamp>) -> String {
    ts.unwrap_or(Timestamp::UNIX_EPOCH).strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed<'a> {
    title: String,
    archive_title: &'a str,
    self_url: String,
    html_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    author: Option<String>,
    /// HTML, escaped by the template into the feed's text.
    content: String,
}

/// The Atom feeds of an archive with a `base_url`.
pub struct Feeds<'a> {
    site: &'a Site,
    base: &'a str,
}

impl<'a> Feeds<'a> {
    pub fn new(site: &'a Site) -> Option<Feeds<'a>> {
        site.config.base_url.as_deref().map(|base| Feeds { site, base })
    }

    fn thread_entry(&self, i: usize) -> FeedEntry {
        let entry = &self.site.threads[i];
        let thread = &entry.thread;
        // The first post that was not taken down.
        let first = thread.posts.iter().find(|p| p.extra.redacted.is_none());
        let excerpt = first.map(|p| post_excerpt(thread, p, 400));
        FeedEntry {
            title: thread.title.clone(),
            url: format!("{}{}", self.base, self.site.thread_path(entry)),
            updated: atom_date(thread.last_date()),
            author: first.and_then(|p| p.author.clone()),
            content: format!("<p>{}</p>", escape(&excerpt.unwrap_or_default())),
        }
    }

    fn feed(&self, title: String, path: &str, html: &str, threads: &[usize]) -> String {
        let entries: Vec<FeedEntry> =
            threads.iter().take(self.site.config.feed_entries).map(|&i| self.thread_entry(i)).collect();
        let updated = threads.iter().filter_map(|&i| self.site.threads[i].thread.last_date()).max();
        Feed {
            title,
            archive_title: &self.site.config.title,
            self_url: format!("{}{path}", self.base),
            html_url: format!("{}{html}", self.base),
            updated: atom_date(updated),
            entries,
        }
        .render()
        .expect("feeds render")
    }

    /// The newest threads of the whole archive.
    pub fn archive(&self) -> String {
        let mut threads: Vec<usize> =
            (0..self.site.threads.len()).filter(|&i| self.site.threads[i].thread.removed.is_none()).collect();
        let order = |&i: &usize| (Reverse(self.site.threads[i].thread.last_date()), self.site.threads[i].key.as_str());
        threads.sort_by(|a, b| order(a).cmp(&order(b)));
        self.feed(self.site.config.title.clone(), "feed.xml", "index.html", &threads)
    }

    /// The newest threads of a topic.
    pub fn topic(&self, t: usize) -> String {
        let topic = &self.site.topics[t];
        let title = format!("{} · {}", topic.title, self.site.config.title);
        self.feed(title, &format!("{}/feed.xml", topic.slug), &format!("{}/index.html", topic.slug), &topic.threads)
    }

    /// The newest posts of a thread, whose bodies `renderer` makes.
    pub fn thread(&self, renderer: &ThreadRenderer) -> String {
        let site = self.site;
        let entry = renderer.entry();
        let thread = &entry.thread;
        let mut posts: Vec<&crate::model::Post> = thread.posts.iter().filter(|p| p.extra.redacted.is_none()).collect();
        posts.sort_by_key(|p| (Reverse(p.date), Reverse(p.number)));
        let base = self.base;
        let post_href = |n: u32| thread.post(n).map(|_| format!("{base}{}", site.post_path(entry, n)));
        let ctx = ThreadContext {
            topic_id: None,
            post_href: &post_href,
            source: safe_url(thread.source.as_deref()),
            strings: site.strings(),
        };
        let entries = posts
            .iter()
            .take(site.config.feed_entries)
            .map(|post| FeedEntry {
                title: match &post.author {
                    Some(author) => {
                        site.strings().fill("feed_post", &[("n", &post.number.to_string()), ("author", author)])
                    }
                    None => format!("#{}", post.number),
                },
                url: format!("{base}{}", site.post_path(entry, post.number)),
                updated: atom_date(post.date.or(thread.last_date())),
                author: post.author.clone(),
                content: renderer.post_html(post, &ctx).0,
            })
            .collect();
        Feed {
            title: format!("{} · {}", thread.title, site.config.title),
            archive_title: &site.config.title,
            self_url: format!("{base}{}.xml", site.thread_base(entry)),
            html_url: format!("{base}{}", site.thread_path(entry)),
            updated: atom_date(thread.last_date()),
            entries,
        }
        .render()
        .expect("feeds render")
    }
}

/// `robots.txt`: everything may be crawled; the sitemap is named where there is one.
pub fn robots(site: &Site) -> String {
    let mut text = "User-agent: *\nAllow: /\n".to_owned();
    if let Some(base) = &site.config.base_url {
        text.push_str(&format!("Sitemap: {base}sitemap.xml\n"));
    }
    text
}

/// `sitemap.xml` listing every page written.
pub fn sitemap(site: &Site, pages: &[String]) -> String {
    let base = site.config.base_url.as_deref().unwrap_or_default();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages.iter().filter(|p| p.as_str() != "404.html") {
        xml.push_str(&format!("<url><loc>{}{}</loc></url>\n", escape(base), escape(page)));
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// The sample archive's threads, read as a build reads them, with feeds.
    fn sample_site() -> Site {
        let config = Config { base_url: Some("https://example.org/a/".into()), ..Config::default() };
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("threads");
        let (found, _) = crate::build::discover(&root, &config.default_topic).unwrap();
        let threads = crate::build::load_all(&found, None, &config, std::path::Path::new("archive.toml"))
            .0
            .into_iter()
            .flat_map(|l| l.threads)
            .collect();
        Site::new(config, threads)
    }

    #[test]
    fn records_leave_addresses_out_unless_the_archive_shows_them() {
        for show_emails in [false, true] {
            let mut site = sample_site();
            site.config.show_emails = show_emails;
            let entry = &mut site.threads[0];
            entry.thread.posts[0].extra.email = Some("someone@example.org".into());
            let record = String::from_utf8(thread_record(&site, &site.threads[0])).unwrap();
            assert_eq!(record.contains("someone@example.org"), show_emails, "{record}");
        }
    }

    #[test]
    fn a_feed_shows_the_bodies_its_thread_pages_made_as_it_would_make_them() {
        let site = sample_site();
        let feeds = Feeds::new(&site).unwrap();
        let mut quoted = 0;
        for entry in &site.threads {
            let fresh = feeds.thread(&ThreadRenderer::new(&site, entry));
            let renderer = ThreadRenderer::new(&site, entry);
            for page in renderer.pages() {
                renderer.page(page);
            }
            assert_eq!(feeds.thread(&renderer), fresh, "{}", entry.key);
            quoted += usize::from(fresh.contains("quote-title"));
        }
        // A Discourse quote of another post of the thread links to it on a page, and not in
        // a feed: such a body is made again for the feed.
        assert!(quoted > 0);
    }
}
