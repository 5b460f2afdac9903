//! Post rendering and sanitising, on any text: never a panic, never a script.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadarc::render::markup::{ThreadContext, markdown_to_html, plain_to_html, sanitize};

fuzz_target!(|bytes: &[u8]| {
    let Ok(body) = std::str::from_utf8(bytes) else { return };
    let ctx = ThreadContext { topic_id: Some("1"), post_href: &|n| (n < 5).then(|| format!("#post-{n}")), source: Some("https://forum.example/t/x/1"), strings: threadarc::i18n::Strings::english() };
    for html in [
        sanitize(&markdown_to_html(body, &ctx)),
        sanitize(&plain_to_html(body, threadarc::model::Paragraphs::Lines)),
        sanitize(&plain_to_html(body, threadarc::model::Paragraphs::BlankLines)),
    ] {
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"), "script in {html}");
        // Every raw `<` opens a tag (text and attribute values escape theirs); text may well
        // read `href="javascript:`, a tag may not.
        for tag in lower.split('<').skip(1).map(|rest| rest.split('>').next().unwrap_or(rest)) {
            assert!(!tag.contains("=\"javascript:"), "{html}");
        }
    }
});
