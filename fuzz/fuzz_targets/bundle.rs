//! Dumps of several files (a Slack export, zipped or unpacked) on any bytes: never a panic.
//! The input is split into files at NUL bytes, each a name, a newline, and its bytes; a
//! Slack export's own files are always there, so the fuzzer reaches the parser's depths.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadarc::load::{Content, Dump, load};
use threadarc::model::Format;
use threadarc::parse::Bundle;

fuzz_target!(|bytes: &[u8]| {
    let mut files: Vec<(String, Vec<u8>)> = bytes
        .split(|&b| b == 0)
        .filter_map(|part| {
            let newline = part.iter().position(|&b| b == b'\n')?;
            Some((String::from_utf8_lossy(&part[..newline]).into_owned(), part[newline + 1..].to_vec()))
        })
        .collect();
    for name in ["channels.json", "users.json"] {
        if !files.iter().any(|(n, _)| n == name) {
            files.push((name.to_owned(), b"[]".to_vec()));
        }
    }
    let bundle = Bundle { files };
    for format in [None, Some(Format::Slack)] {
        let loaded = load(&Dump { content: Content::Bundle(&bundle), format, ..Dump::text("fuzz/export", "fuzz", b"") });
        for thread in &loaded.threads {
            assert!(!thread.title.trim().is_empty(), "a thread without a title");
        }
    }
});
