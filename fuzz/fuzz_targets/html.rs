//! HTML bodies (a Hacker News item's text, a Discourse post's cooked HTML) on any text:
//! turned into Markdown without a panic, and rendered through the one sanitiser into HTML
//! that holds no script.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadarc::load::{Dump, load};
use threadarc::model::Format;
use threadarc::render::markup::{ThreadContext, markdown_to_html, sanitize};

fuzz_target!(|html: &str| {
    let text = serde_json::to_string(html).unwrap_or_default();
    let hn = format!(
        r#"{{"id":1,"created_at_i":1700000000,"type":"story","title":"t","text":{text},"children":[{{"id":2,"created_at_i":1700000100,"type":"comment","parent_id":1,"author":"a","text":{text},"children":[]}}]}}"#
    );
    let discourse = format!(
        r#"{{"id":7,"title":"t","post_stream":{{"posts":[{{"id":1,"post_number":1,"username":"a","created_at":"2024-01-01T00:00:00Z","cooked":{text}}}],"stream":[1]}}}}"#
    );
    for (json, format) in [(hn, Format::HackerNewsJson), (discourse, Format::DiscourseJson)] {
        let loaded = load(&Dump { format: Some(format), ..Dump::text("fuzz/item.json", "fuzz", json.as_bytes()) });
        for post in loaded.threads.iter().flat_map(|t| &t.posts) {
            let ctx = ThreadContext {
                topic_id: Some("7"),
                post_href: &|n| Some(format!("#post-{n}")),
                source: None,
                strings: threadarc::i18n::Strings::english(),
            };
            let page = sanitize(&markdown_to_html(&post.body, &ctx)).to_ascii_lowercase();
            // Text may say anything (its `<` is escaped); no tag may run it.
            for tag in page.split('<').skip(1).map(|t| t.split('>').next().unwrap_or(t)) {
                let handler = tag.split_whitespace().skip(1).any(|attr| attr.starts_with("on"));
                assert!(!tag.starts_with("script") && !tag.contains("javascript:") && !handler, "<{tag}> in {page}");
            }
        }
    }
});
