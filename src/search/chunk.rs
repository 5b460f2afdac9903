//! The index's files as files, whatever they hold: the sizes they aim at ([`Limits`]),
//! where they end and what they are called, and where they go ([`Sink`]); kept below every
//! stage that makes files, which each read them here.
//!
//! Where files end and what they are called is decided by their content, so that a change
//! to one thread or one term changes the file it falls into (and now and then a
//! neighbour), not every file after it.
//!
//! Files are cut as content-defined chunking cuts a stream of bytes: a file ends before an
//! item (a term's entry, a post) when a hash of the item's key says so, with a chance in
//! proportion to the item's size, so that files average about a target size whatever the
//! items' sizes. Below a quarter of the target no file ends; below the target the chance is
//! a quarter of what it is above it, which keeps sizes near the target (FastCDC's
//! normalised chunking); and a file that would pass three times the target ends anyway.
//! The hashes are fixed here (FNV-1a and a SplitMix64 finaliser), never a library's
//! default hasher, so a cut never moves with a new toolchain.

use std::io;

use rustc_hash::FxHashSet;

use crate::slug::fnv1a64;

/// Longest postings string kept for one word, in bytes.
pub const POSTINGS_MAX: usize = 128 * 1024;

/// The sizes that shape the index: what a query loads against how many files there are.
/// Files are cut where their content says (`Cuts`): these are the sizes they
/// aim at; none is cut below a quarter of it, and none grows past three times it.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest postings string kept for one word, in bytes ([`POSTINGS_MAX`]).
    pub postings_max: usize,
    /// Postings up to this long sit in their term shard; longer ones go into a pack.
    pub inline_max: usize,
    /// The size term shards aim at, in bytes.
    pub term_shard: usize,
    /// The size doc shards aim at, in bytes.
    pub doc_shard: usize,
    /// The size postings packs aim at, in bytes; postings of half this or more get a pack
    /// of their own.
    pub pack: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            postings_max: POSTINGS_MAX,
            inline_max: 512,
            term_shard: 16 * 1024,
            doc_shard: 24 * 1024,
            pack: 32 * 1024,
        }
    }
}

/// Where index files go: a relative path under the archive's root and the file's bytes.
/// Files are handed over from several threads at once, in no particular order. Any
/// `Fn(&str, &[u8]) -> io::Result<()>` is one.
pub trait Sink: Sync {
    fn file(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Puts at `path` the file `make` makes of `source`, and returns its size. A sink that
    /// holds the last build's files may keep the one it made of the same source instead of
    /// making it again (a compressed doc shard, say).
    fn made_from(&self, path: &str, _source: &[u8], make: &dyn Fn() -> Vec<u8>) -> io::Result<u64> {
        let bytes = make();
        self.file(path, &bytes)?;
        Ok(bytes.len() as u64)
    }
}

impl<F: Fn(&str, &[u8]) -> io::Result<()> + Sync> Sink for F {
    fn file(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self(path, bytes)
    }
}

/// How a kind of file is cut, from its target size in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Cuts {
    min: usize,
    target: usize,
    max: usize,
}

impl Cuts {
    pub fn new(target: usize) -> Cuts {
        let target = target.max(1);
        Cuts { min: target / 4, target, max: target * 3 }
    }

    /// Whether a file that holds `bytes` so far ends before an item of `size` bytes whose
    /// key hashes to `hash` ([`hash`], [`post_hash`]).
    pub fn before(&self, bytes: usize, size: usize, hash: u64) -> bool {
        if bytes == 0 {
            return false;
        }
        if bytes + size > self.max {
            return true;
        }
        if bytes < self.min {
            return false;
        }
        let per_byte = if bytes < self.target { 0.5 } else { 2.0 } / self.target as f64;
        unit(hash) < size as f64 * per_byte
    }
}

/// A hash in [0, 1).
fn unit(hash: u64) -> f64 {
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// SplitMix64's finaliser: FNV's low bits are poorly mixed for short keys.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The hash that decides cuts before a term.
pub fn hash(key: &str) -> u64 {
    mix(fnv1a64(key.as_bytes()))
}

/// The hash that decides cuts before post `post` of the thread whose key hashes to
/// `thread` (`fnv1a64` of its key, [`thread_hash`]).
pub fn post_hash(thread: u64, post: u32) -> u64 {
    mix(thread ^ u64::from(post).wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// What [`post_hash`] takes of a thread's key.
pub fn thread_hash(key: &str) -> u64 {
    fnv1a64(key.as_bytes())
}

/// FNV-1a (32 bits) of a text's UTF-8, as eight hex digits: what a file named after its
/// first term is called. `static/search.js` computes the same.
pub fn name_of(text: &str) -> String {
    format!("{:08x}", crate::slug::fnv1a32(text.as_bytes()))
}

/// Where the index file of a kind (`d`, `t` or `p`) and name lies. Term shards and packs
/// are spread over 256 folders by their name's first two hex digits, doc shards over a
/// folder per thousand threads (a doc shard is named after its first thread): no folder
/// holds more than a few hundred files at any size a static host takes.
/// `static/search.js` computes the same.
pub fn path(kind: char, name: &str) -> String {
    let folder = if kind == 'd' {
        let thread: u64 = name.split('-').next().and_then(|t| t.parse().ok()).unwrap_or(0);
        (thread / 1000).to_string()
    } else {
        name.get(..2).unwrap_or(name).to_owned()
    };
    format!("search/{kind}/{folder}/{name}.js")
}

/// An index file whose data is compressed: `threadarc_search.KIND("NAME","BASE64");`,
/// BASE64 the gzip of `json`, which the browser inflates with `DecompressionStream`. At
/// libdeflate's level 2: on the benchmark's text, 3% larger than its level 6 in 43% of the
/// time, and smaller and faster than zlib-rs at level 3.
pub fn compressed_script(kind: char, name: &str, json: &str) -> Vec<u8> {
    use base64::Engine as _;
    let packed = crate::gzip::gzip(json.as_bytes(), 2);
    let mut out = format!("threadarc_search.{kind}(\"{name}\",\"").into_bytes();
    let start = out.len();
    out.resize(start + base64::encoded_len(packed.len(), true).unwrap_or(0), 0);
    let written =
        base64::engine::general_purpose::STANDARD.encode_slice(&packed, &mut out[start..]).expect("sized to fit");
    out.truncate(start + written);
    out.extend_from_slice(b"\");\n");
    out
}

/// Names files after their first terms, in order: a name already taken by an earlier file
/// gets `-2`, `-3`… (the first free), as `static/search.js` does for term shards.
#[derive(Default)]
pub struct Names(FxHashSet<String>);

impl Names {
    pub fn name(&mut self, first: &str) -> String {
        let base = name_of(first);
        let mut name = base.clone();
        let mut n = 2;
        while self.0.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_fnv1a_of_utf8() {
        // FNV-1a 32 test vectors.
        assert_eq!(name_of(""), "811c9dc5");
        assert_eq!(name_of("a"), "e40c292c");
        assert_eq!(name_of("foobar"), "bf9cf968");
        assert_eq!(name_of("café東京𠀀"), "dccb4cd3");
        let mut names = Names::default();
        assert_eq!(names.name("a"), "e40c292c");
        assert_eq!(names.name("a"), "e40c292c-2");
        assert_eq!(names.name("a"), "e40c292c-3");
    }

    #[test]
    fn cuts_keep_sizes_near_the_target() {
        let cuts = Cuts::new(1000);
        let (mut files, mut bytes, mut biggest) = (1, 0, 0);
        for i in 0..100_000u32 {
            let size = 10 + (i % 7) as usize * 5;
            if cuts.before(bytes, size, hash(&i.to_string())) {
                files += 1;
                biggest = biggest.max(bytes);
                bytes = 0;
            }
            bytes += size;
        }
        let average = 100_000 * 25 / files;
        assert!((800..1600).contains(&average), "{average}");
        assert!(biggest <= 3000, "{biggest}");
        assert!(!cuts.before(0, 10_000, 0), "an empty file takes anything");
        assert!(cuts.before(2999, 10, u64::MAX), "a full file ends");
        assert!(!cuts.before(249, 10, 0), "a small one does not");
    }

    #[test]
    fn files_spread_over_folders() {
        assert_eq!(path('t', "e40c292c-2"), "search/t/e4/e40c292c-2.js");
        assert_eq!(path('p', "0a1b2c3d"), "search/p/0a/0a1b2c3d.js");
        assert_eq!(path('d', "999-4"), "search/d/0/999-4.js");
        assert_eq!(path('d', "12345"), "search/d/12/12345.js");
    }

    #[test]
    fn compressed_scripts_inflate_to_their_json() {
        use base64::Engine as _;
        use std::io::Read as _;
        let json = r#"{"first":[0,0],"threads":[["Tïtle","a/b.html","T",[[1,null,null,"text text text"]]]]}"#;
        let script = String::from_utf8(compressed_script('d', "7-2", json)).unwrap();
        let b64 = script.strip_prefix("threadarc_search.d(\"7-2\",\"").unwrap().strip_suffix("\");\n").unwrap();
        let packed = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&packed[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text, json);
    }
}
