//! A whole archive in memory from one fuzzed dump: slugs, pages, templates.
#![no_main]

use askama::Template as _;
use libfuzzer_sys::fuzz_target;
use threadarc::config::Config;
use threadarc::load::{Dump, load};
use threadarc::render::pages;
use threadarc::site::Site;

fuzz_target!(|bytes: &[u8]| {
    let loaded = load(&Dump::text("fuzz/dump.txt", "fuzz", bytes));
    let site = Site::new(Config::default(), loaded.threads);
    pages::index_page(&site).render().unwrap();
    for t in 0..site.topics.len() {
        for page in pages::topic_pages(&site, t) {
            (page.make)().render().unwrap();
        }
    }
    for entry in &site.threads {
        let path = site.thread_path(entry);
        assert!(!path.contains("..") && !path.starts_with('/'), "{path}");
        let renderer = pages::ThreadRenderer::new(&site, entry);
        for page in renderer.pages() {
            let html = renderer.page(page).render().unwrap().to_lowercase();
            // The only scripts are threadarc's own, from its static folder.
            let ours = html.matches("static/thread.js\" defer></script>").count()
                + html.matches("static/search.js\" defer></script>").count();
            assert_eq!(html.matches("<script").count(), ours, "{html}");
        }
    }
});
