//! What an archive's owner takes down (`[[redact]]` in `archive.toml`): an author's posts,
//! a thread or some of its posts, text matching a pattern; and, with `pseudonyms`,
//! everyone's names.
//!
//! Taking down works on the model, before anything is rendered or indexed, so that pages,
//! records, feeds and the search index all see the same text, and what was taken out
//! reaches none of them.
//!
//! A post taken down keeps its number, so that every permalink stays put, and nothing
//! else: no author, date, body, likes or replies. Quotes of it in other posts go with it
//! (a Discourse `[quote="…, post:N"]` block, a mail's `>` lines that are its text), and a
//! name taken down is taken out of every text it is written in (`@alice`, `alice wrote:`,
//! `On …, Alice Example wrote:`). A thread taken down keeps its address, with a page that
//! says so, and is listed nowhere. A pseudonym is derived from the name with a keyed hash,
//! so it is the same on every build with the same key and cannot be turned back into the
//! name without it.

use std::borrow::Cow;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, MatchKind};
use hmac::{Hmac, KeyInit, Mac};
use regex::Regex;
use rustc_hash::FxHashMap;
use sha2::Sha256;

use crate::config::{Config, Redaction};
use crate::diagnostic::Diagnostic;
use crate::model::{Post, PostExtra, Removed, Thread};
use crate::slug::slugify;

/// What a post or thread taken down says in its place, where its entry gives no reason.
pub const REMOVED: &str = "This was removed by the archive's owner.";

/// What text that matched a pattern, or a name taken down, becomes.
pub const REDACTED: &str = "[redacted]";

/// What an archive's settings take out or rename, made ready for every thread: built once
/// from the settings and every thread, then applied thread by thread ([`Plan::apply`]),
/// also to a thread read again later, which it makes the same as the first time.
pub struct Plan {
    entries: Vec<Redaction>,
    /// How often each entry took something out.
    hits: Vec<AtomicUsize>,
    /// Authors taken down, folded: their names and addresses, and their entry.
    authors: FxHashMap<String, usize>,
    /// Threads taken down whole (by key: the dump's path and the thread's title), and
    /// posts by their thread's key and number, with their entry.
    threads: FxHashMap<(String, String), usize>,
    posts: FxHashMap<(String, String, u32), usize>,
    /// The addresses of the threads taken down whole, by their key.
    slugs: FxHashMap<(String, String), String>,
    patterns: Vec<(usize, Regex)>,
    /// Names written in text and what they become (a pseudonym, or `[redacted]` for a name
    /// taken down), found in one pass.
    names: Option<(AhoCorasick, Vec<Name>)>,
    /// Each author's pseudonym, by name.
    pseudonyms: FxHashMap<String, String>,
}

impl Plan {
    /// The plan for these threads under these settings; none when the settings take
    /// nothing out and rename nobody.
    pub fn new(config: &Config, threads: &[Thread]) -> Option<Plan> {
        if config.redact.is_empty() && !config.pseudonyms {
            return None;
        }
        let mut plan = Plan {
            entries: config.redact.clone(),
            hits: config.redact.iter().map(|_| AtomicUsize::new(0)).collect(),
            authors: FxHashMap::default(),
            threads: FxHashMap::default(),
            posts: FxHashMap::default(),
            slugs: FxHashMap::default(),
            patterns: Vec::new(),
            names: None,
            pseudonyms: FxHashMap::default(),
        };
        let mut addresses: Option<Vec<String>> = None;
        for (e, entry) in config.redact.iter().enumerate() {
            if let Some(author) = &entry.author {
                plan.authors.insert(author.trim().to_lowercase(), e);
            }
            if let Some(pattern) = entry.pattern.as_deref().and_then(|p| Regex::new(p).ok()) {
                plan.patterns.push((e, pattern));
            }
            let Some(wanted) = &entry.thread else { continue };
            // A dump's path (with or without the input folder), else an address.
            let wanted = wanted.trim().trim_start_matches("./").trim_end_matches(".html");
            let by_path: Vec<usize> = (0..threads.len())
                .filter(|&i| {
                    let path = &threads[i].path;
                    wanted == path || wanted.strip_suffix(path.as_str()).is_some_and(|rest| rest.ends_with('/'))
                })
                .collect();
            let matched = if by_path.is_empty() {
                let addresses = addresses.get_or_insert_with(|| crate::site::addresses(threads, config.thread_folders));
                addresses.iter().enumerate().filter(|(_, a)| *a == wanted).map(|(i, _)| i).collect()
            } else {
                by_path
            };
            for i in matched {
                let key = (threads[i].path.clone(), threads[i].title.clone());
                match &entry.posts {
                    Some(numbers) => {
                        for &n in numbers {
                            plan.posts.insert((key.0.clone(), key.1.clone(), n), e);
                        }
                    }
                    None => {
                        plan.slugs.insert(key.clone(), slugify(&threads[i].title, "thread"));
                        plan.threads.insert(key, e);
                    }
                }
            }
        }
        plan.names = plan.names(config, threads);
        Some(plan)
    }

    /// The names written in text that the plan replaces, and with what: every author's
    /// pseudonym, and `[redacted]` for the authors taken down (their addresses too).
    fn names(&mut self, config: &Config, threads: &[Thread]) -> Option<(AhoCorasick, Vec<Name>)> {
        // By the name folded: the name as written (the first in name order), and what it becomes.
        let mut names: FxHashMap<String, Name> = FxHashMap::default();
        let key = config.pseudonym_key.as_deref().filter(|_| config.pseudonyms);
        let mut authors: Vec<&str> =
            threads.iter().flat_map(|t| &t.posts).filter_map(|p| p.author.as_deref()).collect();
        authors.sort_unstable();
        authors.dedup();
        if let Some(key) = key {
            let mut taken: FxHashMap<String, u32> = FxHashMap::default();
            for author in &authors {
                let folded = author.trim().to_lowercase();
                if let Some(name) = names.get(&folded) {
                    // The same name in another case is the same author.
                    self.pseudonyms.insert((*author).to_owned(), name.becomes.clone());
                    continue;
                }
                let mut pseudonym = pseudonym(key, author);
                // Two names that happen to share one: the later (in name order) is told apart.
                let n = taken.entry(pseudonym.clone()).or_insert(0);
                *n += 1;
                if *n > 1 {
                    pseudonym = format!("{pseudonym} {n}");
                }
                self.pseudonyms.insert((*author).to_owned(), pseudonym.clone());
                names.insert(folded, Name::new(author.trim(), pseudonym, true));
            }
        }
        let mut taken_down: Vec<&str> = self.authors.keys().map(String::as_str).collect();
        for post in threads.iter().flat_map(|t| &t.posts) {
            if self.author_entry(post).is_some() {
                taken_down.extend(post.author.as_deref().into_iter().chain(post.extra.email.as_deref()));
            }
        }
        for name in taken_down {
            let local = name.split_once('@').map(|(local, _)| local);
            for name in std::iter::once(name).chain(local) {
                names.insert(name.trim().to_lowercase(), Name::new(name.trim(), REDACTED.to_owned(), false));
            }
        }
        // Names shorter than three letters are too likely to be words.
        names.retain(|folded, _| folded.chars().count() >= 3);
        if names.is_empty() {
            return None;
        }
        let mut names: Vec<(String, Name)> = names.into_iter().collect();
        names.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Each name folded, and as written where folding changed more than ASCII letters
        // (which the matcher finds in any case).
        let mut patterns = Vec::with_capacity(names.len());
        let mut replaced = Vec::with_capacity(names.len());
        for (folded, name) in names {
            if !name.written.eq_ignore_ascii_case(&folded) {
                patterns.push(name.written.clone());
                replaced.push(name.clone());
            }
            patterns.push(folded);
            replaced.push(name);
        }
        let matcher = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()?;
        Some((matcher, replaced))
    }

    /// The entry that takes down every post of this post's author, if one does.
    fn author_entry(&self, post: &Post) -> Option<usize> {
        if self.authors.is_empty() {
            return None;
        }
        let by_name = post.author.as_deref().and_then(|a| self.authors.get(&a.trim().to_lowercase()));
        let by_address = post.extra.email.as_deref().and_then(|a| self.authors.get(&a.trim().to_lowercase()));
        by_name.or(by_address).copied()
    }

    fn hit(&self, entry: usize) {
        self.hits[entry].fetch_add(1, Ordering::Relaxed);
    }

    fn reason(&self, entry: usize) -> String {
        self.entries[entry].reason.clone().unwrap_or_else(|| REMOVED.to_owned())
    }

    /// Takes out of a thread what the plan takes down, and renames its authors.
    pub fn apply(&self, thread: &mut Thread) {
        let key = (thread.path.clone(), thread.title.clone());
        if let Some(&entry) = self.threads.get(&key) {
            self.hit(entry);
            let slug = self.slugs.get(&key).cloned().unwrap_or_else(|| slugify(&thread.title, "thread"));
            let first_date = thread.first_date();
            for post in &mut thread.posts {
                take_down(post, String::new());
            }
            thread.removed = Some(Removed { reason: Some(self.reason(entry)), slug, first_date });
            thread.title = String::new();
            thread.tags.clear();
            thread.source = None;
            return;
        }
        // The posts taken down, and their text, which quotes of them elsewhere repeat.
        let mut gone: Vec<u32> = Vec::new();
        let mut gone_text = String::new();
        for post in &mut thread.posts {
            let entry = self
                .posts
                .get(&(key.0.clone(), key.1.clone(), post.number))
                .copied()
                .or_else(|| self.author_entry(post));
            if let Some(entry) = entry {
                self.hit(entry);
                gone.push(post.number);
                gone_text.push_str(&collapse(&post.body));
                gone_text.push('\n');
                take_down(post, self.reason(entry));
            }
        }
        for post in thread.posts.iter_mut().filter(|p| p.extra.redacted.is_none()) {
            if !gone.is_empty() {
                post.body = without_quotes_of(&post.body, &gone, &gone_text);
                if post.reply_to.is_some_and(|r| gone.contains(&r)) && post.extra.reply_guessed {
                    post.reply_to = None;
                }
            }
        }
        self.scrub_thread(thread);
    }

    /// Patterns and names, in every text of the thread.
    fn scrub_thread(&self, thread: &mut Thread) {
        self.scrub(&mut thread.title);
        thread.tags.iter_mut().for_each(|t| self.scrub(t));
        if let Some(source) = &mut thread.source {
            self.scrub(source);
        }
        for post in thread.posts.iter_mut().filter(|p| p.extra.redacted.is_none()) {
            if let Some(author) = &mut post.author {
                match self.pseudonyms.get(author.as_str()) {
                    Some(pseudonym) => pseudonym.clone_into(author),
                    None => self.scrub(author),
                }
            }
            self.scrub(&mut post.body);
            let Some(extra) = post.extra.get_mut() else { continue };
            if !self.pseudonyms.is_empty() {
                extra.email = None;
            }
            for field in [
                &mut extra.subject,
                &mut extra.email,
                &mut extra.flair,
                &mut extra.date_text,
                &mut extra.forwarded_from,
                &mut extra.status,
            ]
            .into_iter()
            .flatten()
            {
                self.scrub(field);
            }
            for attachment in &mut extra.attachments {
                self.scrub(&mut attachment.name);
                if let Some(source) = &mut attachment.source {
                    self.scrub(source);
                }
            }
            for reaction in &mut extra.reactions {
                for user in &mut reaction.users {
                    match self.pseudonyms.get(user.as_str()) {
                        Some(pseudonym) => pseudonym.clone_into(user),
                        None => self.scrub(user),
                    }
                }
            }
        }
    }

    /// A text with every pattern's matches `[redacted]` and every name replaced.
    pub fn scrub(&self, text: &mut String) {
        for (entry, pattern) in &self.patterns {
            if let Cow::Owned(replaced) = pattern.replace_all(text, REDACTED) {
                self.hit(*entry);
                *text = replaced;
            }
        }
        let Some((matcher, names)) = &self.names else { return };
        let mut out = String::new();
        let mut last = 0;
        for m in matcher.find_iter(text.as_str()) {
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            let before = text[..m.start()].chars().next_back();
            let name = &names[m.pattern().as_usize()];
            if word(before) || word(text[m.end()..].chars().next()) || !name.is(&text[m.range()], before) {
                continue;
            }
            out.push_str(&text[last..m.start()]);
            out.push_str(&name.becomes);
            last = m.end();
        }
        if last > 0 {
            out.push_str(&text[last..]);
            *text = out;
        }
    }

    /// Warnings for the entries that took nothing out, once every thread was applied.
    pub fn unmatched(&self, config_path: &str) -> Vec<Diagnostic> {
        self.entries
            .iter()
            .zip(&self.hits)
            .filter(|(_, hits)| hits.load(Ordering::Relaxed) == 0)
            .map(|(entry, _)| {
                Diagnostic::warning(config_path, entry.line, format!("{} matches nothing", entry.describe()))
                    .with_hint("check the name, the thread's address or path (as the archive shows it), or the pattern")
            })
            .collect()
    }
}

/// A name the plan replaces in text.
#[derive(Clone)]
struct Name {
    /// As an author wrote it.
    written: String,
    /// What it becomes: a pseudonym, or `[redacted]`.
    becomes: String,
    /// Whether it is replaced only as written, capitalised, or after `@`: a pseudonym's
    /// name that is one plain word ("Will", "sunny"), which is likely also a word of text
    /// ("I will"). A name taken down is replaced in any case.
    as_written: bool,
}

impl Name {
    fn new(written: &str, becomes: String, pseudonym: bool) -> Name {
        let plain_word = written.chars().all(char::is_alphabetic);
        Name { written: written.to_owned(), becomes, as_written: pseudonym && plain_word }
    }

    /// Whether `found` (matched in any case), after `before`, is this name.
    fn is(&self, found: &str, before: Option<char>) -> bool {
        if !self.as_written || before == Some('@') || found == self.written {
            return true;
        }
        let mut chars = self.written.chars();
        let capitalised: String = chars.next().into_iter().flat_map(char::to_uppercase).chain(chars).collect();
        found == capitalised
    }
}

/// What is left of a post taken down: its number and where it was, and `reason`.
fn take_down(post: &mut Post, reason: String) {
    let reason = if reason.is_empty() { REMOVED.to_owned() } else { reason };
    *post = Post {
        number: post.number,
        line: post.line,
        extra: PostExtra { redacted: Some(reason), ..PostExtra::default() }.into(),
        ..Post::default()
    };
}

/// White space collapsed, for comparing a quote with what it quotes.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A body without its quotes of the posts taken down: a Discourse `[quote="…, post:N"]`
/// block of one of `gone`, and `>` lines whose text is in `gone_text`.
fn without_quotes_of(body: &str, gone: &[u32], gone_text: &str) -> String {
    static QUOTE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?s)\[quote="[^"\]]*?post:\s*(\d+)[^"\]]*"\].*?\[/quote\]\n?"#).unwrap());
    let kept = QUOTE.replace_all(body, |caps: &regex::Captures| {
        let quoted: Option<u32> = caps[1].parse().ok();
        if quoted.is_some_and(|n| gone.contains(&n)) { String::new() } else { caps[0].to_owned() }
    });
    let mut out = String::with_capacity(kept.len());
    for line in kept.split_inclusive('\n') {
        let quoted = line.trim_start().trim_start_matches(['>', ' ', '\t']);
        let text = collapse(quoted);
        let is_quote = line.trim_start().starts_with('>');
        if is_quote && !text.is_empty() && text.chars().count() >= 8 && gone_text.contains(&text) {
            continue;
        }
        out.push_str(line);
    }
    if out.len() == body.len() { out } else { out.trim_start_matches('\n').to_owned() }
}

/// An author's pseudonym: two words and four hex digits, from a keyed hash of the name
/// (folded), so that it cannot be turned back without the key.
pub fn pseudonym(key: &str, name: &str) -> String {
    const ADJECTIVES: &[&str] = &[
        "Amber", "Ashen", "Azure", "Bold", "Brisk", "Bronze", "Calm", "Cedar", "Clear", "Coral", "Crimson", "Dapper",
        "Dusky", "Eager", "Early", "Fair", "Fern", "Gentle", "Golden", "Grand", "Hazel", "Honest", "Indigo", "Ivory",
        "Jade", "Jolly", "Keen", "Kind", "Lucky", "Lunar", "Mellow", "Misty", "Noble", "Olive", "Pale", "Plucky",
        "Quiet", "Rapid", "Rosy", "Russet", "Sable", "Silver", "Snowy", "Sunny", "Swift", "Tawny", "Tidy", "Umber",
        "Velvet", "Vivid", "Warm", "Wild", "Witty", "Young", "Zesty", "Steady", "Merry", "Breezy", "Cosy", "Deft",
        "Frosty", "Lively", "Nimble", "Polite",
    ];
    const ANIMALS: &[&str] = &[
        "Badger", "Beaver", "Bison", "Crane", "Curlew", "Deer", "Dipper", "Dove", "Eagle", "Egret", "Falcon", "Ferret",
        "Finch", "Fox", "Gannet", "Gecko", "Hare", "Hawk", "Heron", "Ibis", "Jay", "Kestrel", "Kite", "Lark", "Lemur",
        "Lynx", "Marten", "Merlin", "Mole", "Moose", "Newt", "Otter", "Owl", "Panda", "Pipit", "Plover", "Puffin",
        "Quail", "Raven", "Robin", "Rook", "Seal", "Shrew", "Skylark", "Sparrow", "Stoat", "Stork", "Swan", "Magpie",
        "Tern", "Thrush", "Toad", "Vole", "Walrus", "Weasel", "Wren", "Yak", "Zebra", "Osprey", "Pelican", "Gull",
        "Hedgehog", "Koala", "Orca",
    ];
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).expect("any key length works for HMAC");
    mac.update(name.trim().to_lowercase().as_bytes());
    let digest = mac.finalize().into_bytes();
    let adjective = ADJECTIVES[usize::from(digest[0]) % ADJECTIVES.len()];
    let animal = ANIMALS[usize::from(digest[1]) % ANIMALS.len()];
    format!("{adjective} {animal} {:02x}{:02x}", digest[2], digest[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    fn plan(settings: &str, threads: &[Thread]) -> Plan {
        Plan::new(&Config::parse(settings).unwrap(), threads).expect("settings that take something down")
    }

    const KEY: &str = "pseudonym_key = \"sixteen or more characters\"\n";

    #[test]
    fn a_post_taken_down_keeps_its_number_and_nothing_else() {
        let thread = testing::thread("garden/w.txt", "Walnuts")
            .dated("2023-01-01T00:00:00Z")
            .post("ann", "Mine.")
            .post("bo", "Yours.")
            .build();
        let plan = plan(
            "[[redact]]\nthread = \"garden/walnuts\"\nposts = [1]\nreason = \"Asked.\"\n",
            std::slice::from_ref(&thread),
        );
        let mut thread = thread;
        plan.apply(&mut thread);
        let gone = &thread.posts[0];
        assert_eq!((gone.number, gone.author.as_deref(), gone.date, gone.body.as_str()), (1, None, None, ""));
        assert_eq!(gone.extra.redacted.as_deref(), Some("Asked."));
        assert_eq!(thread.posts[1].body, "Yours.");
        assert!(plan.unmatched("archive.toml").is_empty());
    }

    #[test]
    fn quotes_of_a_post_taken_down_go_with_it_and_other_quotes_stay() {
        let gone_text = "My walnut trees drop their leaves early.\n";
        let body = "[quote=\"ann, post:1, topic:7\"]\nMy walnut trees\n[/quote]\n[quote=\"bo, post:2, topic:7\"]\nkept\n[/quote]\nAnswer.\n\
                    > My walnut trees drop their leaves early.\n> something else entirely\n";
        let kept = without_quotes_of(body, &[1], gone_text);
        assert_eq!(kept, "[quote=\"bo, post:2, topic:7\"]\nkept\n[/quote]\nAnswer.\n> something else entirely\n");
        assert_eq!(without_quotes_of("> short\nok\n", &[1], "short"), "> short\nok\n", "too short to tell");
    }

    #[test]
    fn names_are_replaced_as_whole_words_and_common_words_keep_their_sense() {
        let thread = testing::thread("t/a.txt", "A")
            .post("Will", "Thanks Carol Jones; @will, I will call.")
            .post("Carol Jones", "x")
            .post("alice_m", "Émile says hi")
            .post("Émile", "y")
            .build();
        let plan =
            plan(&format!("pseudonyms = true\n{KEY}[[redact]]\nauthor = \"alice_m\"\n"), std::slice::from_ref(&thread));
        let carol = pseudonym("sixteen or more characters", "Carol Jones");
        let will = pseudonym("sixteen or more characters", "Will");
        let emile = pseudonym("sixteen or more characters", "Émile");
        let mut text =
            "Thanks Carol Jones and CAROL JONES; @will, I will call Will. Caroline, alice_m and ALICE_M, Émile"
                .to_owned();
        plan.scrub(&mut text);
        assert_eq!(
            text,
            format!(
                "Thanks {carol} and {carol}; @{will}, I will call {will}. Caroline, [redacted] and [redacted], {emile}"
            )
        );
    }

    #[test]
    fn pseudonyms_are_stable_keyed_and_fold_case() {
        let a = pseudonym("key one, long enough", "Carol Jones");
        assert_eq!(a, pseudonym("key one, long enough", "carol jones "));
        assert_ne!(a, pseudonym("key two, long enough", "Carol Jones"));
        assert!(Regex::new(r"^[A-Z][a-z]+ [A-Z][a-z]+ [0-9a-f]{4}$").unwrap().is_match(&a), "{a}");
    }

    #[test]
    fn an_entry_that_takes_nothing_says_so_by_its_line() {
        let thread = testing::thread("t/a.txt", "A").post("ann", "x").build();
        let plan = plan("title = \"x\"\n\n[[redact]]\nauthor = \"nobody\"\n", std::slice::from_ref(&thread));
        plan.apply(&mut thread.clone());
        let said = plan.unmatched("archive.toml");
        assert_eq!(said.len(), 1);
        assert_eq!(said[0].line, Some(3));
        assert!(said[0].message.contains("author = \"nobody\" matches nothing"), "{}", said[0].message);
    }
}
