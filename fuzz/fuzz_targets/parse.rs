//! Detection and every parser, on any bytes: never a panic, and post numbers as promised.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadarc::load::{Dump, load};
use threadarc::model::Format;

fuzz_target!(|bytes: &[u8]| {
    let formats = std::iter::once(None).chain(Format::ALL.iter().copied().map(Some));
    for format in formats {
        let loaded = load(&Dump { format, ..Dump::text("fuzz/dump.txt", "fuzz", bytes) });
        for thread in &loaded.threads {
            assert!(!thread.title.trim().is_empty(), "a thread without a title");
            for post in &thread.posts {
                assert!(post.line >= 1, "post {} has no line", post.number);
            }
        }
    }
});
