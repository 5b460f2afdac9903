//! The archive as pages will show it: topics with their threads in order, each thread with
//! its file name. Built from the parsed threads and the configuration, before any HTML.
//!
//! Names are stable: a topic's slug depends only on its key, a thread's only on its topic
//! and title. When two threads of a topic slug alike, the one that started first (then by
//! dump path) keeps the plain slug and the others get a suffix hashed from their own dump
//! path, so adding a thread never renames another that was there first.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::Timestamp;

use crate::config::{Config, ThreadFolders};
use crate::model::{Post, Thread};
use crate::redact;
use crate::slug::{fnv1a32, short_hash, slugify};
use crate::theme::Theme;

pub struct Site {
    pub config: Config,
    /// The owner's theme and the interface's words ([`Site::new`] gives the plain look in
    /// the configured language; a build puts the archive's `theme/` here).
    pub theme: Theme,
    /// Topics by title.
    pub topics: Vec<Topic>,
    pub threads: Vec<Entry>,
    /// Indexes into `threads`, most recent activity first.
    pub recent: Vec<usize>,
    /// Everyone who wrote a post, by name.
    pub authors: Vec<Author>,
    pub author_groups: Vec<AuthorGroup>,
    /// Every tag a thread carries, by name.
    pub tags: Vec<Tag>,
    /// Months in which threads started, newest first.
    pub months: Vec<Month>,
    /// Each author's index in `authors`, by name.
    author_index: rustc_hash::FxHashMap<String, usize>,
}

pub struct Author {
    pub name: String,
    pub slug: String,
    /// (thread index, post index) of every post, newest first.
    pub posts: Vec<(usize, usize)>,
    /// The page shared with others that lists the author, an index into the site's
    /// `author_groups`, if they wrote too little for pages of their own.
    pub group: Option<usize>,
}

/// A page that lists authors who wrote too little for pages of their own
/// ([`OWN_PAGE_POSTS`]), each with their posts.
pub struct AuthorGroup {
    /// From the archive's root.
    pub path: String,
    /// Indexes into the site's authors, in the authors' order.
    pub authors: Vec<usize>,
}

/// How many posts an author needs for pages of their own. Most of a forum's authors write
/// once or twice: a page each would be most of the archive's files.
pub const OWN_PAGE_POSTS: usize = 10;

/// How many authors a shared page lists, about: each folder's authors are spread over a
/// power of two of pages by a hash of their slug, so an author's page changes only when
/// their folder's number of pages doubles.
const GROUP_AUTHORS: usize = 64;

pub struct Tag {
    pub name: String,
    pub slug: String,
    /// Indexes into the site's threads, most recent activity first.
    pub threads: Vec<usize>,
}

pub struct Month {
    /// `YYYY-MM`, which is also its file name.
    pub key: String,
    /// Threads whose first dated post is in this month, oldest first.
    pub threads: Vec<usize>,
}

pub struct Topic {
    pub key: String,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    /// Indexes into the site's threads, most recent activity first.
    pub threads: Vec<usize>,
    pub post_count: usize,
}

#[derive(Clone)]
pub struct Entry {
    pub thread: Thread,
    pub slug: String,
    /// Index into the site's topics.
    pub topic: usize,
    /// A key that tells this thread apart from every other: its dump and place in it.
    pub key: String,
    /// Where the thread is in its topic's `threads`.
    pub place: usize,
    /// The lowest post number, found once: every link to a post needs it, and finding it
    /// each time made a thread of N posts cost N² to link.
    pub first_number: Option<u32>,
}

/// The address every thread would have in a site of these threads (`topic/thread`, its
/// page's path without `.html`), in the order given: what `[[redact]] thread = "…"` names.
pub fn addresses(threads: &[Thread], folders: ThreadFolders) -> Vec<String> {
    // What an address is made of: a thread's place, title, first date and first number.
    let heads: Vec<Thread> = threads
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let first = t.posts.iter().map(|p| p.number).min();
            let post = Post { number: first.unwrap_or(1), date: t.first_date(), line: i, ..Post::default() };
            Thread {
                path: t.path.clone(),
                format: t.format,
                title: t.title.clone(),
                topic: t.topic.clone(),
                tags: Vec::new(),
                source: None,
                paragraphs: t.paragraphs,
                posts: vec![post],
                excerpts: Vec::new(),
                released: false,
                pool: None,
                removed: t.removed.clone(),
            }
        })
        .collect();
    let site = Site::new(Config { thread_folders: folders, ..Config::default() }, heads);
    let mut out = vec![String::new(); threads.len()];
    for entry in &site.threads {
        if let Some(slot) = entry.thread.posts.first().and_then(|p| out.get_mut(p.line)) {
            *slot = site.thread_path(entry).trim_end_matches(".html").to_owned();
        }
    }
    out
}

impl Site {
    pub fn new(config: Config, mut threads: Vec<Thread>) -> Site {
        if !config.show_emails {
            threads.iter_mut().for_each(redact::hide_emails);
        }
        // A stable order first, so that nothing below depends on the order files were read.
        threads.sort_by(|a, b| (&a.path, &a.title).cmp(&(&b.path, &b.title)));
        let mut place_in_file: BTreeMap<&str, usize> = BTreeMap::new();
        let keys: Vec<String> = threads
            .iter()
            .map(|t| {
                let n = place_in_file.entry(&t.path).or_default();
                *n += 1;
                if *n == 1 { t.path.clone() } else { format!("{}#{}", t.path, n) }
            })
            .collect();

        let mut topic_keys: Vec<&str> = threads.iter().map(|t| t.topic.as_str()).collect();
        topic_keys.sort_unstable();
        topic_keys.dedup();
        let topic_slugs = disambiguate(topic_keys.iter().map(|k| (slugify(k, "topic"), (*k).to_owned(), None)));
        let mut topics: Vec<Topic> = topic_keys
            .iter()
            .zip(topic_slugs)
            .map(|(key, slug)| {
                let settings = config.topics.get(*key);
                Topic {
                    key: (*key).to_owned(),
                    slug,
                    title: settings.and_then(|s| s.title.clone()).unwrap_or_else(|| topic_title(key)),
                    description: settings.and_then(|s| s.description.clone()),
                    threads: Vec::new(),
                    post_count: 0,
                }
            })
            .collect();
        topics.sort_by(|a, b| (a.title.to_lowercase(), &a.key).cmp(&(b.title.to_lowercase(), &b.key)));
        let topic_index: BTreeMap<String, usize> = topics.iter().enumerate().map(|(i, t)| (t.key.clone(), i)).collect();

        let mut entries: Vec<Entry> = threads
            .into_iter()
            .zip(keys)
            .map(|(thread, key)| Entry {
                topic: topic_index[&thread.topic],
                // A thread taken down keeps the address its title gave it.
                slug: match &thread.removed {
                    Some(removed) => removed.slug.clone(),
                    None => slugify(&thread.title, "thread"),
                },
                first_number: thread.posts.iter().map(|p| p.number).min(),
                thread,
                key,
                place: 0,
            })
            .collect();
        for (t, topic) in topics.iter_mut().enumerate() {
            let members: Vec<usize> = (0..entries.len()).filter(|&i| entries[i].topic == t).collect();
            let slugs = disambiguate(members.iter().map(|&i| {
                let e = &entries[i];
                (e.slug.clone(), e.key.clone(), e.thread.first_date())
            }));
            for (&i, slug) in members.iter().zip(slugs) {
                entries[i].slug = slug;
            }
            // A thread taken down holds its address, and is listed nowhere.
            let members: Vec<usize> = members.into_iter().filter(|&i| entries[i].thread.removed.is_none()).collect();
            topic.post_count = members.iter().map(|&i| entries[i].thread.posts.len()).sum();
            topic.threads = members;
            topic.threads.sort_by_cached_key(|&i| activity_order(&entries[i]));
            for (place, &i) in topic.threads.iter().enumerate() {
                entries[i].place = place;
            }
        }
        let mut by_activity: Vec<usize> = (0..entries.len()).filter(|&i| entries[i].thread.removed.is_none()).collect();
        by_activity.sort_by_cached_key(|&i| activity_order(&entries[i]));
        let mut authors = authors(&entries);
        let author_groups = author_groups(&mut authors);
        let tags = tags(&entries, &by_activity);
        let months = months(&entries);
        let mut recent = by_activity;
        recent.truncate(config.recent_threads);
        let author_index = authors.iter().enumerate().map(|(i, a)| (a.name.clone(), i)).collect();
        let theme = Theme::plain(&config.language);
        Site { config, theme, topics, threads: entries, recent, authors, author_groups, tags, months, author_index }
    }

    /// The interface's words.
    pub fn strings(&self) -> &crate::i18n::Strings {
        &self.theme.strings
    }

    /// The page (1-based) of a thread that holds post `number`: threads whose post numbers
    /// run past `posts_per_page` are split by number ranges, so a post never moves page.
    pub fn post_page(&self, number: u32) -> usize {
        ((number.max(1) - 1) / self.config.posts_per_page.max(1)) as usize + 1
    }

    /// The pages a thread has: the page numbers that hold at least one post.
    pub fn thread_pages(&self, entry: &Entry) -> Vec<usize> {
        let mut pages: Vec<usize> = entry.thread.posts.iter().map(|p| self.post_page(p.number)).collect();
        pages.sort_unstable();
        pages.dedup();
        if pages.is_empty() {
            pages.push(1);
        }
        pages
    }

    /// Page `page` of a thread, from the archive's root. The first page that holds posts is
    /// the thread's own address: a chat whose post numbers are the export's message ids
    /// (Telegram's start where the export does, at 414, say) begins on its page 3.
    pub fn thread_page_path(&self, entry: &Entry, page: usize) -> String {
        let page = if page <= self.first_page(entry) { 1 } else { page };
        paged_path(&self.thread_base(entry), page)
    }

    /// A thread's address from the archive's root, without `.html`: `topic/thread`, or
    /// `topic/2024/thread` with `thread_folders = "year"`, where a thread without a date is
    /// in `topic/undated/th/thread`, a folder named after its slug's first two characters,
    /// since a large archive has years' worth of them. Its later pages and its feed are
    /// named after it.
    pub fn thread_base(&self, entry: &Entry) -> String {
        let topic = &self.topics[entry.topic].slug;
        let slug = &entry.slug;
        match self.config.thread_folders {
            ThreadFolders::None => format!("{topic}/{slug}"),
            ThreadFolders::Year => match entry.thread.first_date() {
                Some(first) => format!("{topic}/{}/{slug}", first.strftime("%Y")),
                None => format!("{topic}/undated/{}/{slug}", slug_folder(slug)),
            },
        }
    }

    /// The first page of a thread that holds posts.
    pub fn first_page(&self, entry: &Entry) -> usize {
        entry.first_number.map_or(1, |n| self.post_page(n))
    }

    /// The threads before and after one in its topic's order (newer, older), as indexes
    /// into `threads`.
    pub fn neighbours(&self, entry: &Entry) -> (Option<usize>, Option<usize>) {
        let threads = &self.topics[entry.topic].threads;
        let newer = entry.place.checked_sub(1).map(|p| threads[p]);
        (newer, threads.get(entry.place + 1).copied())
    }

    /// The index of an author by name.
    pub fn author(&self, name: &str) -> Option<usize> {
        self.author_index.get(name).copied()
    }

    /// An author's own pages' path from the archive's root, without `.html`: in a folder
    /// named after the slug's first two characters, so that no folder holds more than a few
    /// thousand of a large archive's authors.
    pub fn author_base(&self, author: usize) -> String {
        let slug = &self.authors[author].slug;
        format!("authors/{}/{slug}", slug_folder(slug))
    }

    /// Where an author is listed, from the archive's root: their own first page, or their
    /// place on a shared page.
    pub fn author_href(&self, author: usize) -> String {
        match self.authors[author].group {
            Some(group) => format!("{}#{}", self.author_groups[group].path, author_anchor(&self.authors[author].slug)),
            None => format!("{}.html", self.author_base(author)),
        }
    }

    /// Where post `number` of a thread is, from the archive's root.
    pub fn post_path(&self, entry: &Entry, number: u32) -> String {
        let mut path = self.thread_page_path(entry, self.post_page(number));
        let _ = write!(path, "#post-{number}");
        path
    }

    /// A thread page's path from the archive's root.
    pub fn thread_path(&self, entry: &Entry) -> String {
        self.thread_page_path(entry, self.first_page(entry))
    }

    pub fn post_count(&self) -> usize {
        self.topics.iter().map(|t| t.post_count).sum()
    }
}

/// The file of page `page` of a paginated list whose first page is `BASE.html`: later pages
/// are `BASE/N.html`, a folder no other name can take (file names all end in `.html`).
pub fn paged_path(base: &str, page: usize) -> String {
    if page <= 1 { format!("{base}.html") } else { format!("{base}/{page}.html") }
}

/// The first two characters of a slug, which name the folder of its author's pages or of
/// its undated thread.
fn slug_folder(slug: &str) -> &str {
    slug.get(..2).unwrap_or(slug)
}

/// The id of an author's part of a shared page: never one of the page's own ids.
pub fn author_anchor(slug: &str) -> String {
    format!("a-{slug}")
}

/// Puts every author with fewer than [`OWN_PAGE_POSTS`] posts on a shared page: a folder's
/// such authors on `authors/FOLDER-N.html`, N from 1 to a power of two, by a hash of the
/// slug. Returns the pages, ordered by path.
fn author_groups(authors: &mut [Author]) -> Vec<AuthorGroup> {
    let mut folders: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (a, author) in authors.iter().enumerate() {
        if author.posts.len() < OWN_PAGE_POSTS {
            folders.entry(slug_folder(&author.slug)).or_default().push(a);
        }
    }
    let mut groups = Vec::new();
    let mut placed = Vec::new();
    for (folder, members) in folders {
        let count = members.len().div_ceil(GROUP_AUTHORS).next_power_of_two();
        let mut pages: Vec<Vec<usize>> = vec![Vec::new(); count];
        for a in members {
            pages[fnv1a32(authors[a].slug.as_bytes()) as usize % count].push(a);
        }
        for (n, members) in pages.into_iter().enumerate().filter(|(_, m)| !m.is_empty()) {
            placed.extend(members.iter().map(|&a| (a, groups.len())));
            groups.push(AuthorGroup { path: format!("authors/{folder}-{}.html", n + 1), authors: members });
        }
    }
    for (a, group) in placed {
        authors[a].group = Some(group);
    }
    groups
}

/// Everyone who wrote, with their posts newest first (undated last, then by thread and
/// number); names that slug alike are told apart by a hash of the name.
fn authors(entries: &[Entry]) -> Vec<Author> {
    let mut by_name: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (t, entry) in entries.iter().enumerate() {
        for (p, post) in entry.thread.posts.iter().enumerate() {
            if let Some(author) = post.author.as_deref() {
                by_name.entry(author).or_default().push((t, p));
            }
        }
    }
    let names: Vec<&str> = by_name.keys().copied().collect();
    let slugs = disambiguate(names.iter().map(|n| (slugify(n, "author"), (*n).to_owned(), None)));
    let mut authors: Vec<Author> = by_name
        .into_iter()
        .zip(slugs)
        .map(|((name, mut posts), slug)| {
            let order = |&(t, p): &(usize, usize)| {
                let post = &entries[t].thread.posts[p];
                (Reverse(post.date), entries[t].key.as_str(), post.number)
            };
            posts.sort_by(|a, b| order(a).cmp(&order(b)));
            Author { name: name.to_owned(), slug, posts, group: None }
        })
        .collect();
    authors.sort_by_cached_key(|a| (a.name.to_lowercase(), a.name.clone()));
    authors
}

fn tags(entries: &[Entry], by_activity: &[usize]) -> Vec<Tag> {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in by_activity {
        for tag in &entries[i].thread.tags {
            let threads = by_name.entry(tag.as_str()).or_default();
            if threads.last() != Some(&i) {
                threads.push(i);
            }
        }
    }
    let names: Vec<&str> = by_name.keys().copied().collect();
    let slugs = disambiguate(names.iter().map(|n| (slugify(n, "tag"), (*n).to_owned(), None)));
    by_name.into_iter().zip(slugs).map(|((name, threads), slug)| Tag { name: name.to_owned(), slug, threads }).collect()
}

fn months(entries: &[Entry]) -> Vec<Month> {
    let mut by_month: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate().filter(|(_, e)| e.thread.removed.is_none()) {
        if let Some(first) = entry.thread.first_date() {
            by_month.entry(first.strftime("%Y-%m").to_string()).or_default().push(i);
        }
    }
    by_month
        .into_iter()
        .rev()
        .map(|(key, mut threads)| {
            threads.sort_by(|&a, &b| {
                (entries[a].thread.first_date(), &entries[a].key)
                    .cmp(&(entries[b].thread.first_date(), &entries[b].key))
            });
            Month { key, threads }
        })
        .collect()
}

/// Sort key for "most recent activity first": dated threads newest first, then undated
/// ones by title, and the dump path to break ties.
fn activity_order(entry: &Entry) -> (Reverse<Option<Timestamp>>, String, String) {
    (Reverse(entry.thread.last_date()), entry.thread.title.to_lowercase(), entry.key.clone())
}

/// Makes slugs unique: of the names that slug alike, the earliest (by date, then key) keeps
/// the slug, the others get `-` and a hash of their own key. Returns slugs in input order.
fn disambiguate(items: impl Iterator<Item = (String, String, Option<Timestamp>)>) -> Vec<String> {
    let items: Vec<(String, String, Option<Timestamp>)> = items.collect();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (slug, _, _)) in items.iter().enumerate() {
        groups.entry(slug).or_default().push(i);
    }
    let mut out: Vec<String> = items.iter().map(|(slug, _, _)| slug.clone()).collect();
    for members in groups.values().filter(|m| m.len() > 1) {
        let first = *members
            .iter()
            .min_by_key(|&&i| (items[i].2.is_none(), items[i].2, &items[i].1))
            .expect("groups are not empty");
        for &i in members.iter().filter(|&&i| i != first) {
            out[i] = format!("{}-{}", items[i].0, short_hash(&items[i].1));
        }
    }
    out
}

/// A topic's title from its folder name: `ketamine-therapy` → `Ketamine therapy`.
fn topic_title(key: &str) -> String {
    crate::load::title_from_path(&format!("{key}.x"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Post;
    use crate::testing;

    /// A thread of one post, its topic the dump's folder.
    fn thread(path: &str, title: &str, date: Option<&str>) -> Thread {
        let thread = testing::thread(path, title);
        match date {
            Some(date) => thread.dated(date),
            None => thread,
        }
        .post("", "x")
        .build()
    }

    fn slugs(site: &Site) -> BTreeMap<String, String> {
        site.threads.iter().map(|e| (e.key.clone(), site.thread_path(e))).collect()
    }

    #[test]
    fn colliding_titles_keep_stable_urls() {
        let a = thread("t/a.txt", "Hello", Some("2020-01-01T00:00:00Z"));
        let b = thread("t/b.txt", "hello!", Some("2021-01-01T00:00:00Z"));
        let z = thread("t/0.txt", "Hello", Some("2022-01-01T00:00:00Z"));
        let one = slugs(&Site::new(Config::default(), vec![a.clone()]));
        let two = slugs(&Site::new(Config::default(), vec![b.clone(), a.clone()]));
        let three = slugs(&Site::new(Config::default(), vec![z, b, a]));
        assert_eq!(one["t/a.txt"], "t/hello.html");
        assert_eq!(two["t/a.txt"], "t/hello.html");
        assert_eq!(three["t/a.txt"], "t/hello.html");
        assert_eq!(two["t/b.txt"], three["t/b.txt"]);
        assert_ne!(three["t/0.txt"], three["t/b.txt"]);
    }

    #[test]
    fn topics_and_order() {
        let mut config = Config::default();
        config.topics.insert("b".into(), crate::config::TopicConfig { title: Some("Alpha".into()), description: None });
        let site = Site::new(
            config,
            vec![
                thread("a/1.txt", "Old", Some("2020-01-01T00:00:00Z")),
                thread("a/2.txt", "New", Some("2021-01-01T00:00:00Z")),
                thread("a/3.txt", "Undated", None),
                thread("b/1.txt", "B", None),
            ],
        );
        let titles: Vec<&str> = site.topics.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["A", "Alpha"]);
        let order: Vec<&str> = site.topics[0].threads.iter().map(|&i| site.threads[i].thread.title.as_str()).collect();
        assert_eq!(order, ["New", "Old", "Undated"]);
        assert_eq!(site.topics[0].post_count, 3);
    }

    #[test]
    fn long_threads_page_by_post_number() {
        let config = Config { posts_per_page: 10, ..Config::default() };
        let mut t = thread("t/a.txt", "Long", None);
        t.posts = [1, 2, 10, 11, 35].iter().map(|&n| Post { number: n, ..Post::default() }).collect();
        let site = Site::new(config, vec![t]);
        let entry = &site.threads[0];
        assert_eq!(site.thread_pages(entry), [1, 2, 4]);
        assert_eq!(site.post_path(entry, 10), "t/long.html#post-10");
        assert_eq!(site.post_path(entry, 11), "t/long/2.html#post-11");
        assert_eq!(site.post_path(entry, 35), "t/long/4.html#post-35");

        // A chat whose numbers are its export's message ids starts past page 1: its first
        // page with posts is the thread's own address.
        let mut chat = thread("t/chat.txt", "Chat", None);
        chat.posts = [414, 415, 601].iter().map(|&n| Post { number: n, ..Post::default() }).collect();
        let site = Site::new(Config::default(), vec![chat]);
        let entry = &site.threads[0];
        assert_eq!(site.thread_pages(entry), [3, 4]);
        assert_eq!(site.thread_path(entry), "t/chat.html");
        assert_eq!(site.post_path(entry, 415), "t/chat.html#post-415");
        assert_eq!(site.post_path(entry, 601), "t/chat/4.html#post-601");
    }

    #[test]
    fn authors_tags_and_months() {
        let mut a = thread("t/a.txt", "A", Some("2020-01-05T00:00:00Z"));
        a.posts[0].author = Some("zoe".into());
        a.tags = vec!["x".into(), "y".into()];
        let mut b = thread("t/b.txt", "B", Some("2020-02-01T00:00:00Z"));
        b.posts[0].author = Some("Adam".into());
        b.tags = vec!["x".into()];
        let site = Site::new(Config::default(), vec![a, b, thread("t/c.txt", "C", None)]);
        let names: Vec<&str> = site.authors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Adam", "zoe"]);
        let tags: Vec<(&str, usize)> = site.tags.iter().map(|t| (t.name.as_str(), t.threads.len())).collect();
        assert_eq!(tags, [("x", 2), ("y", 1)]);
        let months: Vec<&str> = site.months.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(months, ["2020-02", "2020-01"]);
    }

    #[test]
    fn addresses_follow_thread_folders() {
        let threads = vec![thread("t/a.txt", "A", Some("2020-01-05T00:00:00Z")), thread("t/b.txt", "B", None)];
        assert_eq!(addresses(&threads, ThreadFolders::None), ["t/a", "t/b"]);
        assert_eq!(addresses(&threads, ThreadFolders::Year), ["t/2020/a", "t/undated/b/b"]);
    }

    #[test]
    fn authors_with_few_posts_share_pages() {
        let mut t = thread("t/a.txt", "A", None);
        let post = t.posts[0].clone();
        // "prolific" writes OWN_PAGE_POSTS posts; 150 others one each, in folders "us" and "pr".
        t.posts = (0..OWN_PAGE_POSTS + 150)
            .map(|i| {
                let mut p = post.clone();
                p.number = i as u32 + 1;
                p.author = Some(match i {
                    i if i < OWN_PAGE_POSTS => "prolific".to_owned(),
                    i if i < OWN_PAGE_POSTS + 140 => format!("user{i}"),
                    i => format!("pr{i}"),
                });
                p
            })
            .collect();
        let site = Site::new(Config::default(), vec![t]);
        let href = |name: &str| site.author_href(site.author(name).unwrap());
        assert_eq!(href("prolific"), "authors/pr/prolific.html");
        assert_eq!(href("pr150"), "authors/pr-1.html#a-pr150");
        // 140 authors in "us" take three pages' worth: four pages, by a hash of the slug.
        let paths: Vec<&str> = site.author_groups.iter().map(|g| g.path.as_str()).collect();
        assert_eq!(
            paths,
            ["authors/pr-1.html", "authors/us-1.html", "authors/us-2.html", "authors/us-3.html", "authors/us-4.html"]
        );
        let listed: usize = site.author_groups.iter().map(|g| g.authors.len()).sum();
        assert_eq!(listed, 150);
        for (g, group) in site.author_groups.iter().enumerate() {
            assert!(group.authors.windows(2).all(|w| w[0] < w[1]), "in the authors' order");
            for &a in &group.authors {
                assert_eq!(site.authors[a].group, Some(g));
                assert!(href(&site.authors[a].name).starts_with(&format!("{}#a-", group.path)));
            }
        }
        // An author's page depends on nothing but their slug and their folder's size.
        let again = Site::new(Config::default(), vec![site.threads[0].thread.clone()]);
        assert_eq!(again.author_href(again.author("user77").unwrap()), href("user77"));
    }

    #[test]
    fn topic_names_that_slug_alike_stay_apart() {
        let site = Site::new(
            Config::default(),
            vec![thread("C++/1.txt", "x", None), thread("c/1.txt", "x", None), thread("index/1.txt", "x", None)],
        );
        let mut slugs: Vec<&str> = site.topics.iter().map(|t| t.slug.as_str()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 3);
        assert!(!slugs.contains(&"index"));
    }
}
