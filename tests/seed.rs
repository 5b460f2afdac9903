//! The seed thread, a real forum thread copied out of a browser, against its ground truth
//! read by hand (`tests/fixtures/seed-expected.toml`).

use std::collections::BTreeMap;

use serde::Deserialize;
use threadarc::load::{Dump, load};
use threadarc::model::Format;

#[derive(Deserialize)]
struct Expected {
    title: String,
    posts: usize,
    likes: BTreeMap<String, u32>,
    paragraphs: BTreeMap<String, usize>,
    starts: BTreeMap<String, String>,
}

const SEED: &str = "threads/ketamine-therapy/therapy-during-ketamine.txt";

#[test]
fn seed_matches_ground_truth() {
    let expected: Expected =
        toml::from_str(&std::fs::read_to_string("tests/fixtures/seed-expected.toml").unwrap()).unwrap();
    let bytes = std::fs::read(SEED).unwrap();
    let loaded = load(&Dump::text(SEED, "ketamine-therapy", &bytes));
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(loaded.detection.unwrap().format, Format::Plain);
    let [thread] = &loaded.threads[..] else { panic!("one thread expected") };
    assert_eq!(thread.title, expected.title);
    assert_eq!(thread.posts.len(), expected.posts);
    for post in &thread.posts {
        let n = post.number.to_string();
        assert_eq!(post.likes, expected.likes.get(&n).copied().unwrap_or(0), "likes of post {n}");
        assert_eq!(post.body.lines().count(), expected.paragraphs.get(&n).copied().unwrap_or(1), "lines of post {n}");
        assert!(post.body.starts_with(&expected.starts[&n]), "post {n} starts {:?}", &post.body[..40]);
        assert_eq!((post.author.as_deref(), post.date, post.reply_to), (None, None, None));
    }
}

#[test]
fn seed_renders_emoji_and_keeps_literal_emoji() {
    let bytes = std::fs::read(SEED).unwrap();
    let loaded = load(&Dump::text(SEED, "ketamine-therapy", &bytes));
    let thread = &loaded.threads[0];
    let html = threadarc::render::markup::plain_to_html(&thread.posts[6].body, thread.paragraphs);
    assert!(html.contains("personally. 🙂"), "{html}");
    assert!(!html.contains(":slightly_smiling_face:"));
    let html = threadarc::render::markup::plain_to_html(&thread.posts[12].body, thread.paragraphs);
    assert_eq!(html.matches("<p>").count(), 3);
    assert!(html.contains("Best of luck💞"));
}
