//! The sample archive's dumps (`threads/`): each is detected as the format it is in, with
//! no hint, reads without a warning, and gives the records its format promises; and no
//! parser panics on any of them, however mangled.
//!
//! A new sample goes into [`EXPECTED`] with its format: the test fails for a file that is
//! not listed, so that detection is checked on every sample.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use threadarc::build::{Found, Kind};
use threadarc::config::Config;
use threadarc::load::Loaded;
use threadarc::model::Thread;
use threadarc::model::{Format, ParseOptions};
use threadarc::parse;

/// Every sample under `threads/`, by path, with the format it is in.
const EXPECTED: &[(&str, &str)] = &[
    ("3d-printing/first-layer-too-thin-on-one-side.txt", "phpbb"),
    ("baking/why-does-my-sourdough-spread-flat.txt", "reddit"),
    ("home-lab/zfs-pool-degraded-after-reboot.txt", "discord"),
    ("ketamine-therapy/does-insurance-cover-ketamine-infusions.txt", "discourse-page"),
    ("ketamine-therapy/therapy-during-ketamine.txt", "plain"),
    ("mailing-list/hive-talk-digest-vol38-issue14.txt", "digest"),
    ("mailing-list/lakeside-astro-2023-03.mbox", "mbox"),
    ("mailing-list/lakeside-astro-2023-March.txt", "mbox"),
    ("mailing-list/lakeside-astro-2023-April.txt", "mbox"),
    ("rust-help/cross-compiling-for-a-raspberry-pi.txt", "discourse-raw"),
    ("rust-help/linker-errors-after-updating-xcode.txt", "discourse-page"),
    ("rust-help/why-are-rust-compile-times-slow.txt", "hackernews"),
    ("allotment/whatsapp-chat-with-plot-14.txt", "whatsapp"),
    ("home-lab/irc-homelab-2023-03-11.log", "irssi"),
    ("typography/weechat-typography.log", "weechat"),
    ("hiking/ridge-walkers/result.json", "telegram"),
    ("retro-repair/consoles.json", "discord-json"),
    ("co-op/slack-export", "slack"),
    ("sourdough/reddit-thread.json", "reddit-json"),
    ("sourdough/RS_2024-03.ndjson", "reddit-dump"),
    ("sourdough/RC_2024-03.ndjson", "reddit-dump"),
    ("rust-help/hn-rust-compile-times.json", "hackernews-json"),
    ("home-lab/discourse-topic-nas-backup.json", "discourse-json"),
];

fn threads_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/threads"))
}

/// Every dump under `threads/` as a build finds it (an export folder is one; the photos
/// beside a chat are none), by path relative to it.
fn samples() -> Vec<(String, Found)> {
    let (found, _) = threadarc::build::discover(threads_dir(), "general").unwrap();
    found.into_iter().filter(Found::is_dump).map(|f| (f.relative.clone(), f)).collect()
}

/// The text dumps among the samples, with their bytes.
fn text_samples() -> Vec<(String, Vec<u8>)> {
    samples()
        .into_iter()
        .filter(|(_, f)| f.kind == Kind::Text)
        .map(|(path, f)| (path, std::fs::read(&f.path).unwrap()))
        .collect()
}

fn load_sample(path: &str) -> Loaded {
    let found: Vec<Found> = samples().into_iter().filter(|(p, _)| p == path).map(|(_, f)| f).collect();
    assert_eq!(found.len(), 1, "threads/{path}");
    let (mut loaded, attached) =
        threadarc::build::load_all(&found, None, &Config::default(), Path::new("archive.toml"));
    let mut loaded = loaded.pop().unwrap();
    loaded.diagnostics.extend(attached);
    loaded
}

/// What reading a dump reported but for notes (what a format cannot say, like whom a
/// copied Reddit reply answers): samples read without errors or warnings.
fn problems(loaded: &Loaded) -> Vec<&threadarc::diagnostic::Diagnostic> {
    loaded.diagnostics.iter().filter(|d| d.severity != threadarc::diagnostic::Severity::Note).collect()
}

fn thread(path: &str) -> Thread {
    let loaded = load_sample(path);
    assert!(problems(&loaded).is_empty(), "{path}: {:?}", loaded.diagnostics);
    let [thread] = <[Thread; 1]>::try_from(loaded.threads).unwrap_or_else(|t| panic!("{path}: {} threads", t.len()));
    thread
}

#[test]
fn every_sample_is_detected_as_its_format() {
    let found = samples();
    for (path, _) in &found {
        let Some((_, want)) = EXPECTED.iter().find(|(p, _)| p == path) else {
            panic!("threads/{path} is not in tests/samples.rs EXPECTED: add it with the format it is in");
        };
        let loaded = load_sample(path);
        let detection = loaded.detection.as_ref().unwrap();
        assert_eq!(detection.format.name(), *want, "threads/{path}: {detection:?}");
        assert!(!detection.fallback, "threads/{path}");
        assert!(problems(&loaded).is_empty(), "threads/{path}: {:?}", loaded.diagnostics);
        assert!(loaded.threads.iter().all(|t| !t.posts.is_empty()), "threads/{path} has an empty thread");
    }
    for (path, _) in EXPECTED {
        assert!(found.iter().any(|(p, _)| p == path), "EXPECTED names threads/{path}, which does not exist");
    }
}

#[test]
fn discourse_crawler_sample() {
    let t = thread("ketamine-therapy/does-insurance-cover-ketamine-infusions.txt");
    assert_eq!(t.title, "Does insurance cover ketamine infusions?");
    assert_eq!(t.tags, ["Treatment & Access", "insurance", "infusions", "costs"]);
    assert_eq!(t.topic, "ketamine-therapy");
    let numbers: Vec<u32> = t.posts.iter().map(|p| p.number).collect();
    assert_eq!(numbers, [1, 2, 4, 5, 6, 8]);
    let likes: Vec<u32> = t.posts.iter().map(|p| p.likes).collect();
    assert_eq!(likes, [0, 3, 0, 5, 1, 0]);
    assert_eq!(t.posts[1].author.as_deref(), Some("tom.k"));
    assert_eq!(t.posts[3].date.unwrap().to_string(), "2022-04-05T09:30:00Z");
    assert!(t.posts.iter().all(|p| !p.body.contains("Related topics") && !p.body.contains("Powered by")));
    assert!(!t.format.is_markdown());
}

#[test]
fn discourse_app_sample() {
    let t = thread("rust-help/linker-errors-after-updating-xcode.txt");
    assert_eq!(t.title, "Linker errors after updating Xcode");
    assert_eq!(t.tags, ["help", "macos", "linker"]);
    let authors: Vec<&str> = t.posts.iter().map(|p| p.author.as_deref().unwrap()).collect();
    assert_eq!(authors, ["jnb", "quietcoder", "jnb", "fer_rs", "jnb"]);
    let likes: Vec<u32> = t.posts.iter().map(|p| p.likes).collect();
    assert_eq!(likes, [0, 2, 0, 4, 1]);
    for chrome in ["created", "last reply", "views", "Reply", "5 days later", "Solution", "Suggested"] {
        assert!(t.posts.iter().all(|p| p.body.lines().all(|l| !l.starts_with(chrome))), "{chrome} in a body");
    }
    assert_eq!(t.posts[4].extra.date_text.as_deref(), Some("2h"));
    assert_eq!(t.posts[4].date.unwrap().to_string(), "2024-03-20T16:30:00Z");
}

#[test]
fn discord_sample() {
    let t = thread("home-lab/zfs-pool-degraded-after-reboot.txt");
    assert_eq!((t.title.as_str(), t.topic.as_str()), ("#zfs-help", "home-lab"));
    assert_eq!(t.posts.len(), 7);
    let pinned: Vec<u32> = t.posts.iter().filter(|p| p.extra.pinned).map(|p| p.number).collect();
    assert_eq!(pinned, [2]);
    assert_eq!(t.posts[1].author.as_deref(), Some("OldTimer"));
    let reactions: Vec<(&str, u32)> = t.posts[1].extra.reactions.iter().map(|r| (r.emoji.as_str(), r.count)).collect();
    assert_eq!(reactions, [("👍", 4), ("✅", 1), (":zfs_heart:", 2)]);
    assert_eq!(t.posts[0].extra.attachments.len(), 1);
    assert!(t.posts[3].body.contains("zpool replace tank"));
    assert!(t.posts[6].body.starts_with("> Solved"), "a bot's embed is its text");
    assert_eq!(t.posts[5].date.unwrap().to_string(), "2023-03-15T07:58:00Z");
}

#[test]
fn hackernews_sample() {
    let t = thread("rust-help/why-are-rust-compile-times-slow.txt");
    assert_eq!(t.title, "Ask HN: Why are Rust compile times still slow in 2024?");
    assert_eq!((t.posts[0].author.as_deref(), t.posts[0].extra.score), (Some("tmp_dev"), Some(318)));
    let replies: Vec<Option<u32>> = t.posts.iter().map(|p| p.reply_to).collect();
    assert_eq!(
        replies,
        [None, None, Some(2), Some(3), Some(4), Some(5), Some(3), Some(2), None, None, Some(10), None, None, None]
    );
    assert!(t.posts.iter().all(|p| p.reply_to.is_some() == p.extra.reply_guessed));
    let statuses: Vec<(u32, &str)> =
        t.posts.iter().filter_map(|p| p.extra.status.as_deref().map(|s| (p.number, s))).collect();
    assert_eq!(statuses, [(9, "deleted"), (12, "flagged")]);
    assert_eq!(t.posts[13].body.lines().count(), 3);
    assert!(t.posts.iter().all(|p| !p.body.contains("Guidelines")));
    assert_eq!(t.posts[13].date.unwrap().to_string(), "2024-02-11T19:00:00Z");
}

#[test]
fn reddit_sample() {
    let t = thread("baking/why-does-my-sourdough-spread-flat.txt");
    assert_eq!(t.title, "Why does my sourdough spread flat after shaping?");
    let op = &t.posts[0];
    assert_eq!((op.author.as_deref(), op.extra.score, op.extra.edited), (Some("crumb_queen"), Some(356), true));
    let flairs: Vec<(Option<&str>, Option<&str>)> =
        t.posts.iter().map(|p| (p.author.as_deref(), p.extra.flair.as_deref())).filter(|(_, f)| f.is_some()).collect();
    assert_eq!(flairs, [(Some("Flourish_99"), Some("Pro Baker")), (Some("-bread-head"), Some("The Crumb Whisperer"))]);
    let submitter: Vec<u32> = t.posts.iter().filter(|p| p.extra.submitter).map(|p| p.number).collect();
    assert_eq!(submitter, [1, 3, 9]);
    assert!(t.posts[3].extra.edited && t.posts[6].extra.score_hidden);
    assert_eq!((t.posts[6].author.as_deref(), t.posts[6].extra.status.as_deref()), (None, Some("removed")));
    assert_eq!(t.posts[9].extra.status.as_deref(), Some("deleted"));
    assert!(t.posts.iter().all(|p| !p.body.contains("load more comments") && !p.body.contains("permalink")));
}

#[test]
fn phpbb_sample() {
    let t = thread("3d-printing/first-layer-too-thin-on-one-side.txt");
    assert_eq!(t.title, "First layer too thin on one side after leveling");
    assert_eq!(t.source.as_deref(), Some("https://forum.tinkerers.example/viewtopic.php?f=7&t=2318"));
    let replies: Vec<Option<u32>> = t.posts.iter().map(|p| p.reply_to).collect();
    assert_eq!(replies, [None, Some(1), None, Some(3), Some(2)]);
    assert_eq!(t.posts[3].extra.subject.as_deref(), Some("Springs"));
    // All times are UTC + 1 hour.
    assert_eq!(t.posts[0].date.unwrap().to_string(), "2020-03-07T20:15:00Z");
    assert!(t.posts[4].body.contains("> > My first layer"));
    let html =
        threadarc::render::markup::sanitize(&threadarc::render::markup::plain_to_html(&t.posts[4].body, t.paragraphs));
    assert_eq!(html.matches("<blockquote class=\"quote\">").count(), 3);
    assert!(html.contains("<p class=\"quote-title\">Mod_Kathrin wrote:</p>"), "{html}");
}

#[test]
fn chat_samples() {
    let whatsapp = thread("allotment/whatsapp-chat-with-plot-14.txt");
    assert_eq!(whatsapp.posts.len(), 38);
    let attached: Vec<&str> =
        whatsapp.posts.iter().flat_map(|p| &p.extra.attachments).filter_map(|a| a.source.as_deref()).collect();
    assert_eq!(attached, ["IMG-20240414-WA0004.jpg", "IMG-20240417-WA0011.jpg"]);
    assert!(whatsapp.posts.iter().any(|p| p.extra.status.as_deref() == Some("deleted") && p.body.is_empty()));
    assert!(whatsapp.posts.iter().any(|p| p.extra.edited));

    let irssi = thread("home-lab/irc-homelab-2023-03-11.log");
    assert_eq!(irssi.title, "#homelab");
    assert!(irssi.posts.iter().filter(|p| p.extra.action).count() >= 2);
    assert!(
        irssi.posts.iter().all(|p| p.date.is_some() && !p.author.as_deref().unwrap_or("@").starts_with(['@', '+']))
    );

    let weechat = thread("typography/weechat-typography.log");
    assert!(weechat.posts.iter().any(|p| p.body.contains('\n')), "a continuation line joins its message");

    let telegram = thread("hiking/ridge-walkers/result.json");
    assert!(telegram.posts.windows(2).all(|w| w[0].number < w[1].number));
    assert!(telegram.posts.iter().any(|p| p.number != telegram.posts[0].number + 1 && p.reply_to.is_some()));
    assert!(telegram.posts.iter().any(|p| p.likes > 0 && !p.extra.reactions.is_empty()));
    assert!(telegram.posts.iter().any(|p| p.extra.forwarded_from.is_some()));
    assert!(telegram.posts.iter().flat_map(|p| &p.extra.attachments).any(|a| a.source.is_none()));

    let discord = thread("retro-repair/consoles.json");
    assert_eq!((discord.title.as_str(), discord.topic.as_str()), ("#consoles", "retro-repair"));
    assert!(discord.posts.iter().any(|p| p.reply_to.is_some()));

    let slack = load_sample("co-op/slack-export");
    assert!(problems(&slack).is_empty(), "{:?}", slack.diagnostics);
    let topics: std::collections::BTreeSet<&str> = slack.threads.iter().map(|t| t.topic.as_str()).collect();
    assert_eq!(topics.into_iter().collect::<Vec<_>>(), ["general", "maintenance"]);
    let threaded = slack.threads.iter().filter(|t| t.posts.iter().skip(1).all(|p| p.reply_to == Some(1))).count();
    assert!(threaded >= 2, "Slack threads are threads of their own");
}

/// A small deterministic generator, so that a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

/// Bits of the formats' own syntax, to splice into samples where they do the most harm.
const NASTY: &[&str] = &[
    "\t",
    "[–]",
    "[–]x 1 point 1 hour ago",
    "permalinkembedsaveparentreportreply",
    "| root | parent | prev | next [–]",
    "x 5 hours ago | parent [–]",
    "Posted: Mon Jan 06, 2020 3:04 pm\nby ",
    " wrote:",
    "> > >",
    "==============================================================\nGuild: ",
    "[1/2/2020 3:04 PM] ",
    "{Reactions}\n(2) (3)",
    "November 18, 2019, 6:49am #",
    "#99999999999",
    "Mar 12",
    "All times are UTC + 99 hours [ DST ]",
    "99999999999 points by x 1 hour ago | hide | past",
    "😀",
    "\u{a0}",
    "",
];

#[test]
fn parsers_never_panic_on_mangled_samples() {
    let options = ParseOptions {
        captured: Some("2024-05-01T10:00:00Z".parse().unwrap()),
        timezone: Some(jiff::tz::TimeZone::get("Europe/Berlin").unwrap()),
        ..ParseOptions::default()
    };
    let mut rng = Lcg(0x5eed);
    for (path, bytes) in text_samples() {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let lines: Vec<&str> = text.split('\n').collect();
        let mut inputs: Vec<String> = Vec::new();
        // Every cut and every removed line of a short sample; of a long one, sixty of each.
        let step = (lines.len() / 60).max(1);
        for i in (0..=lines.len()).step_by(step) {
            inputs.push(lines[..i].join("\n"));
            let mut without = lines.clone();
            if i < without.len() {
                without.remove(i);
            }
            inputs.push(without.join("\n"));
        }
        for _ in 0..100 {
            let mut mangled = lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>();
            for _ in 0..3 {
                let at = rng.next(mangled.len());
                let nasty = NASTY[rng.next(NASTY.len())];
                let line = &mut mangled[at];
                let cut =
                    line.char_indices().map(|(i, _)| i).nth(rng.next(line.chars().count() + 1)).unwrap_or(line.len());
                line.insert_str(cut, nasty);
            }
            inputs.push(mangled.join("\n"));
        }
        for input in &inputs {
            let result = catch_unwind(AssertUnwindSafe(|| {
                let _ = parse::detect(input);
                for &format in Format::ALL {
                    let _ = parse::parse(format, input, &options);
                }
            }));
            assert!(result.is_ok(), "a parser panicked on a mangled threads/{path}:\n{input}");
        }
    }
}
