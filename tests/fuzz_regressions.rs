//! Inputs that once crashed a fuzz target (`fuzz/`), kept so they never do again. Every
//! file in `tests/fixtures/fuzz/` goes through detection, every parser and rendering.

use askama::Template;
use threadarc::config::Config;
use threadarc::load::{Dump, load};
use threadarc::model::Format;
use threadarc::render::pages;
use threadarc::site::Site;

#[test]
fn fuzz_finds_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for format in std::iter::once(None).chain(Format::ALL.iter().copied().map(Some)) {
            let loaded = load(&Dump { format, ..Dump::text("fuzz/dump.txt", "fuzz", &bytes) });
            let site = Site::new(Config::default(), loaded.threads);
            for entry in &site.threads {
                assert!(!entry.thread.title.trim().is_empty());
                let renderer = pages::ThreadRenderer::new(&site, entry);
                for page in renderer.pages() {
                    renderer.page(page).render().unwrap();
                }
            }
        }
        count += 1;
    }
    assert!(count >= 1);
}
