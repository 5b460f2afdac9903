//! The archive as pages will show it: topics with their threads in order, each thread with
//! its file name. Built from the parsed threads and the configuration, before any HTML.
//!
//! Names are stable: a topic's slug depends only on its key, a thread's only on its topic
//! and title. When two threads of a topic slug alike, the one that started first (then by
//! dump path) keeps the plain slug and the others get a suffix hashed from their own dump
//! path, so adding a thread never renames another that was there first.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::config::Config;
use crate::model::Thread;
use crate::slug::{short_hash, slugify};

pub struct Site {
    pub config: Config,
    /// Topics by title.
    pub topics: Vec<Topic>,
    pub threads: Vec<Entry>,
    /// Indexes into `threads`, most recent activity first.
    pub recent: Vec<usize>,
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

pub struct Entry {
    pub thread: Thread,
    pub slug: String,
    /// Index into the site's topics.
    pub topic: usize,
    /// A key that tells this thread apart from every other: its dump and place in it.
    pub key: String,
}

impl Site {
    pub fn new(config: Config, mut threads: Vec<Thread>) -> Site {
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
                slug: slugify(&thread.title, "thread"),
                thread,
                key,
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
            topic.post_count = members.iter().map(|&i| entries[i].thread.posts.len()).sum();
            topic.threads = members;
            topic.threads.sort_by_key(|&i| activity_order(&entries[i]));
        }
        let mut recent: Vec<usize> = (0..entries.len()).collect();
        recent.sort_by_key(|&i| activity_order(&entries[i]));
        recent.truncate(config.recent_threads);
        Site { config, topics, threads: entries, recent }
    }

    /// A thread page's path from the archive's root.
    pub fn thread_path(&self, entry: &Entry) -> String {
        format!("{}/{}.html", self.topics[entry.topic].slug, entry.slug)
    }

    pub fn post_count(&self) -> usize {
        self.topics.iter().map(|t| t.post_count).sum()
    }
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
    use crate::parse::Format;

    fn thread(path: &str, topic: &str, title: &str, date: Option<&str>) -> Thread {
        Thread {
            path: path.into(),
            format: Format::Plain,
            title: title.into(),
            topic: topic.into(),
            tags: vec![],
            source: None,
            paragraphs: Default::default(),
            posts: vec![Post {
                number: 1,
                date: date.map(|d| d.parse().unwrap()),
                body: "x".into(),
                ..Post::default()
            }],
        }
    }

    fn slugs(site: &Site) -> BTreeMap<String, String> {
        site.threads.iter().map(|e| (e.key.clone(), site.thread_path(e))).collect()
    }

    #[test]
    fn colliding_titles_keep_stable_urls() {
        let a = thread("t/a.txt", "t", "Hello", Some("2020-01-01T00:00:00Z"));
        let b = thread("t/b.txt", "t", "hello!", Some("2021-01-01T00:00:00Z"));
        let z = thread("t/0.txt", "t", "Hello", Some("2022-01-01T00:00:00Z"));
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
                thread("a/1.txt", "a", "Old", Some("2020-01-01T00:00:00Z")),
                thread("a/2.txt", "a", "New", Some("2021-01-01T00:00:00Z")),
                thread("a/3.txt", "a", "Undated", None),
                thread("b/1.txt", "b", "B", None),
            ],
        );
        let titles: Vec<&str> = site.topics.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["A", "Alpha"]);
        let order: Vec<&str> = site.topics[0].threads.iter().map(|&i| site.threads[i].thread.title.as_str()).collect();
        assert_eq!(order, ["New", "Old", "Undated"]);
        assert_eq!(site.topics[0].post_count, 3);
    }

    #[test]
    fn topic_names_that_slug_alike_stay_apart() {
        let site = Site::new(
            Config::default(),
            vec![
                thread("C++/1.txt", "C++", "x", None),
                thread("c/1.txt", "c", "x", None),
                thread("index/1.txt", "index", "x", None),
            ],
        );
        let mut slugs: Vec<&str> = site.topics.iter().map(|t| t.slug.as_str()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 3);
        assert!(!slugs.contains(&"index"));
    }
}
