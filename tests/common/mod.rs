//! Helpers shared by the integration tests: running the binary, writing fixtures,
//! snapshots of an output folder, and an inspector of pages for anything that could run
//! script.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use regex::Regex;

/// Every published thread as the manifests list it: `manifest.json` names each topic's
/// manifest, which lists the topic's threads.
pub fn manifest_threads(public: &Path) -> Vec<serde_json::Value> {
    let read =
        |path: &str| -> serde_json::Value { serde_json::from_slice(&fs::read(public.join(path)).unwrap()).unwrap() };
    let manifest = read("manifest.json");
    let mut threads = Vec::new();
    for topic in manifest["topics"].as_array().unwrap() {
        let listing = read(topic["manifest"].as_str().unwrap());
        assert_eq!(listing["key"], topic["key"]);
        threads.extend(listing["threads"].as_array().unwrap().iter().cloned());
    }
    threads
}

/// Every published thread's records, by its page's URL, read from the records files
/// the manifests name (gzip JSON Lines, a thread a line).
pub fn records(public: &Path) -> BTreeMap<String, serde_json::Value> {
    use std::io::Read as _;
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for thread in &manifest_threads(public) {
        let file = thread["records"].as_str().unwrap();
        let lines = files.entry(file.to_owned()).or_insert_with(|| {
            let mut text = String::new();
            flate2::read::MultiGzDecoder::new(&fs::read(public.join(file)).unwrap()[..])
                .read_to_string(&mut text)
                .unwrap();
            text.lines().map(str::to_owned).collect()
        });
        let line = &lines[thread["records_line"].as_u64().unwrap() as usize - 1];
        out.insert(thread["url"].as_str().unwrap().to_owned(), serde_json::from_str(line).unwrap());
    }
    out
}

/// Runs the real `threadarc` binary in `dir`.
pub fn threadarc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_threadarc")).args(args).current_dir(dir).output().unwrap()
}

pub fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Every file under a folder, by relative path, with its bytes.
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect()
}

/// That two folders hold the same files, byte for byte; naming the first that differs.
pub fn assert_same_files(a: &Path, b: &Path) {
    let (a, b) = (snapshot(a), snapshot(b));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs");
    }
}

/// Every HTML page under a folder, by relative path.
pub fn html_files(root: &Path) -> Vec<(String, String)> {
    snapshot(root)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// Fails on anything in a page that can run script or load from elsewhere: a tag that is
/// not threadarc's own, an event-handler attribute, a script-capable URL, `srcdoc`.
///
/// It reads tags and their attributes: in serialised HTML every `<` of text is escaped,
/// so each raw `<` opens a tag, and text or attribute values that merely read like markup
/// are harmless.
pub struct Inspector {
    tag: Regex,
    attribute: Regex,
    dangerous_tag: Regex,
    own_tag: Regex,
}

/// Attributes whose value is fetched or followed as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "codebase",
    "lowsrc",
    "dynsrc",
];

impl Inspector {
    pub fn new() -> Inspector {
        Inspector {
            tag: Regex::new(r"<[a-z!/?][^>]*>").unwrap(),
            attribute: Regex::new(r#"[\s/]([a-z][a-z0-9:_.-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?"#).unwrap(),
            dangerous_tag: Regex::new(
                r"^<(script|iframe|frame|frameset|object|embed|applet|base|form|style|link|svg|math|img|video|audio|source|input|button|textarea|select|template|noscript|isindex|meta|portal)\b",
            )
            .unwrap(),
            own_tag: Regex::new(concat!(
                r#"^(?:<script src="(?:\.\./)*static/[a-z]+\.js" defer>"#,
                r#"|<link rel="stylesheet" href="(?:\.\./)*static/style\.css">"#,
                r#"|<meta charset="utf-8">|<meta name="(?:viewport|referrer|description)" content="[^"]*">"#,
                r#"|<meta property="og:[a-z_]+" content="[^"]*">"#,
                r#"|<meta http-equiv="content-security-policy" content="[^"]*">"#,
                r#"|<input id="search-q" type="search" autocomplete="off" spellcheck="false" placeholder="[^"]*">"#,
                // Attached files, only the archive's own copies (`files/ab/HASH.EXT`).
                r#"|<img src="(?:\.\./)*files/[0-9a-f]{2}/[0-9a-f]{32}\.(?:png|jpg|gif|webp|avif)" width="\d+" height="\d+" alt="[^"<>]*" loading="lazy" decoding="async">"#,
                r#"|<(?:audio|video) controls preload="none" src="(?:\.\./)*files/[0-9a-f]{2}/[0-9a-f]{32}\.[a-z0-9]+" aria-label="[^"<>]*">)$"#
            ))
            .unwrap(),
        }
    }

    pub fn check(&self, name: &str, html: &str) {
        let lower = html.to_lowercase();
        for tag in self.tag.find_iter(&lower).map(|m| m.as_str()) {
            if tag.starts_with("<!") || tag.starts_with("</") {
                continue;
            }
            assert!(!self.dangerous_tag.is_match(tag) || self.own_tag.is_match(tag), "{name}: {tag}");
            for attribute in self.attribute.captures_iter(tag) {
                let attr = &attribute[1];
                assert!(!attr.starts_with("on"), "{name}: event handler in {tag}");
                assert!(attr != "srcdoc" && attr != "style", "{name}: {attr} in {tag}");
                if URL_ATTRIBUTES.contains(&attr) {
                    let value = attribute.get(2).map_or("", |v| v.as_str().trim_matches(['"', '\'']));
                    let value = value.replace("&#x9;", "").replace("&#9;", "").replace("&colon;", ":");
                    let squeezed: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
                    for scheme in ["javascript:", "vbscript:", "data:", "livescript:"] {
                        assert!(!squeezed.starts_with(scheme), "{name}: {scheme} URL in {tag}");
                    }
                }
            }
        }
    }
}

/// Where `authors/index.html` links the author `name` (from `authors/`), and what is said
/// of them there: their own page, or their part of a page shared with others.
pub fn author_page(public: &Path, name: &str) -> (String, String) {
    let index = fs::read_to_string(public.join("authors/index.html")).unwrap();
    let item = format!("\"><bdi>{name}</bdi></a>");
    let end = index.find(&item).unwrap_or_else(|| panic!("{name} is not in the authors' index"));
    let href = &index[index[..end].rfind("href=\"").unwrap() + 6..end];
    let (file, anchor) = href.split_once('#').unwrap_or((href, ""));
    let html = fs::read_to_string(public.join("authors").join(file)).unwrap();
    if anchor.is_empty() {
        return (href.to_owned(), html);
    }
    let start = html.find(&format!("id=\"{anchor}\"")).unwrap_or_else(|| panic!("no #{anchor} in {file}"));
    let part = &html[start..];
    (href.to_owned(), part[..part.find("</section>").unwrap()].to_owned())
}
