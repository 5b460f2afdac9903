//! Safe, stable names for the archive's files.
//!
//! A slug is lower-case ASCII letters, digits and single hyphens, at most [`MAX_LEN`] bytes,
//! never empty and never a name the archive uses for its own files or folders (or one that
//! Windows refuses). It depends only on the text it is made from, so URLs survive rebuilds.

use deunicode::deunicode;

/// Longest slug, in bytes; long titles are cut at a word boundary.
pub const MAX_LEN: usize = 80;

/// Names that the archive's own files and folders take, or that file systems refuse.
const RESERVED: &[&str] = &[
    "index", "static", "search", "files", "assets", "feeds", "feed", "authors", "author", "tags", "tag", "months",
    "sitemap", "robots", "404", "threads", "manifest", "page", "con", "prn", "aux", "nul", "com1", "com2", "com3",
    "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8",
    "lpt9",
];

/// The slug of a name, or `fallback` when nothing of it survives.
pub fn slugify(text: &str, fallback: &str) -> String {
    let ascii = deunicode(text);
    let mut slug = String::with_capacity(ascii.len().min(MAX_LEN));
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    if slug.len() > MAX_LEN {
        let cut = slug[..MAX_LEN].rfind('-').filter(|&i| i >= MAX_LEN / 2).unwrap_or(MAX_LEN);
        slug.truncate(cut);
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        return fallback.to_owned();
    }
    if is_reserved(&slug) {
        slug.push_str("-1");
    }
    slug
}

/// Whether a slug would take a name the archive keeps for itself: a reserved word, or a
/// topic's page file (`page-2`).
pub fn is_reserved(slug: &str) -> bool {
    RESERVED.contains(&slug)
        || slug.strip_prefix("page-").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A short, stable hash for telling apart things whose slugs collide (FNV-1a, 64 bits).
pub fn short_hash(text: &str) -> String {
    format!("{:06x}", fnv1a64(text.as_bytes()) & 0xff_ffff)
}

/// FNV-1a, 64 bits: fixed, so that names and cuts made from it never change.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// FNV-1a, 32 bits: what the search index's file names and the pages shared by authors are
/// spread by (`static/search.js` computes the same).
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (text, slug) in [
            ("Therapy during Ketamine", "therapy-during-ketamine"),
            ("  Café — crème brûlée!  ", "cafe-creme-brulee"),
            ("C++ & Rust", "c-rust"),
            ("..", "x"),
            ("../x", "x"),
            ("index", "index-1"),
            ("Index.html", "index-html"),
            ("static", "static-1"),
            ("page-2", "page-2-1"),
            ("CON", "con-1"),
            (".htaccess", "htaccess"),
            ("a.shtml", "a-shtml"),
            ("日本語", "ri-ben-yu"),
            ("\0\u{202e}", "x"),
            ("🙂", "slight-smile"),
        ] {
            assert_eq!(slugify(text, "x"), slug, "{text:?}");
        }
    }

    #[test]
    fn long_names_are_cut_at_a_word() {
        let long = "word ".repeat(60);
        let slug = slugify(&long, "x");
        assert!(slug.len() <= MAX_LEN && slug.ends_with("word"), "{slug}");
        let one = "a".repeat(240);
        assert_eq!(slugify(&one, "x").len(), MAX_LEN);
    }

    #[test]
    fn hashes_are_stable_and_distinct() {
        assert_eq!(short_hash("a/b.txt"), short_hash("a/b.txt"));
        assert_ne!(short_hash("a/b.txt"), short_hash("a/c.txt"));
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c: slugs already published keep their hash.
        assert_eq!(short_hash("a"), "01ec8c");
        assert_eq!(short_hash("").len(), 6);
    }
}
