//! `threadarc init`: a new archive folder that `threadarc build` can build at once.
//!
//! The folder gets `archive.toml` with every option explained, a `.gitignore` for the
//! built archive, and `threads/examples/` with one example dump per format. The files are
//! compiled in (from `src/init/`, or the sample archive's own dumps); a format's example is
//! one line in [`EXAMPLES`].
//!
//! init never overwrites: it writes only into a new folder or one that is empty (hidden
//! entries such as `.git` aside), and opens every file with `create_new`.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::model::Format;
use crate::term::{self, EMPHASIS, GOOD, Verbosity};

/// An example dump for a new archive: its files, by path under `threads/examples/` (a chat
/// export brings its photos; a Slack export is a folder).
pub struct Example {
    pub format: Format,
    pub files: &'static [(&'static str, &'static [u8])],
}

/// One example per format: a new format adds a line here (and a dump in `src/init/` or the
/// sample archive).
pub const EXAMPLES: &[Example] = &[
    Example { format: Format::Plain, files: &[("plain.txt", include_bytes!("init/plain.txt"))] },
    Example {
        format: Format::DiscourseRaw,
        files: &[("discourse-raw.txt", include_bytes!("../threads/rust-help/cross-compiling-for-a-raspberry-pi.txt"))],
    },
    Example { format: Format::Mbox, files: &[("mbox.txt", include_bytes!("init/mbox.txt"))] },
    Example { format: Format::Digest, files: &[("digest.txt", include_bytes!("init/digest.txt"))] },
    Example {
        format: Format::DiscoursePage,
        files: &[(
            "discourse-page.txt",
            include_bytes!("../threads/ketamine-therapy/does-insurance-cover-ketamine-infusions.txt"),
        )],
    },
    Example {
        format: Format::Discord,
        files: &[("discord.txt", include_bytes!("../threads/home-lab/zfs-pool-degraded-after-reboot.txt"))],
    },
    Example {
        format: Format::HackerNews,
        files: &[("hackernews.txt", include_bytes!("../threads/rust-help/why-are-rust-compile-times-slow.txt"))],
    },
    Example {
        format: Format::Reddit,
        files: &[("reddit.txt", include_bytes!("../threads/baking/why-does-my-sourdough-spread-flat.txt"))],
    },
    Example {
        format: Format::Phpbb,
        files: &[("phpbb.txt", include_bytes!("../threads/3d-printing/first-layer-too-thin-on-one-side.txt"))],
    },
    Example {
        format: Format::WhatsApp,
        files: &[
            (
                "whatsapp/WhatsApp Chat with Plot 14.txt",
                include_bytes!("../threads/allotment/whatsapp-chat-with-plot-14.txt"),
            ),
            ("whatsapp/IMG-20240414-WA0004.jpg", include_bytes!("../threads/allotment/IMG-20240414-WA0004.jpg")),
            ("whatsapp/IMG-20240417-WA0011.jpg", include_bytes!("../threads/allotment/IMG-20240417-WA0011.jpg")),
        ],
    },
    Example {
        format: Format::Irssi,
        files: &[("irssi.log", include_bytes!("../threads/home-lab/irc-homelab-2023-03-11.log"))],
    },
    Example {
        format: Format::Weechat,
        files: &[("weechat.log", include_bytes!("../threads/typography/weechat-typography.log"))],
    },
    // ZNC names a log by its day, in a folder named by its channel.
    Example { format: Format::Znc, files: &[("znc/#homelab/2023-03-11.log", include_bytes!("init/znc.log"))] },
    Example { format: Format::Hexchat, files: &[("hexchat.log", include_bytes!("init/hexchat.log"))] },
    Example {
        format: Format::Telegram,
        files: &[
            ("telegram/result.json", include_bytes!("../threads/hiking/ridge-walkers/result.json")),
            (
                "telegram/photos/photo_1@14-06-2024_19-09-31.jpg",
                include_bytes!("../threads/hiking/ridge-walkers/photos/photo_1@14-06-2024_19-09-31.jpg"),
            ),
            (
                "telegram/photos/photo_2@22-06-2024_19-14-06.jpg",
                include_bytes!("../threads/hiking/ridge-walkers/photos/photo_2@22-06-2024_19-14-06.jpg"),
            ),
        ],
    },
    Example {
        format: Format::Slack,
        files: &[
            ("slack/channels.json", include_bytes!("init/slack/channels.json")),
            ("slack/users.json", include_bytes!("init/slack/users.json")),
            ("slack/general/2024-03-11.json", include_bytes!("init/slack/general/2024-03-11.json")),
        ],
    },
    Example {
        format: Format::DiscordJson,
        files: &[
            ("discord-json/consoles.json", include_bytes!("../threads/retro-repair/consoles.json")),
            (
                "discord-json/consoles.json_Files/dmg-fixed-6F1C2.jpg",
                include_bytes!("../threads/retro-repair/consoles.json_Files/dmg-fixed-6F1C2.jpg"),
            ),
        ],
    },
    Example {
        format: Format::RedditJson,
        files: &[("reddit-json.json", include_bytes!("../threads/sourdough/reddit-thread.json"))],
    },
    Example { format: Format::RedditDump, files: &[("reddit-dump.ndjson", include_bytes!("init/reddit-dump.ndjson"))] },
    Example {
        format: Format::HackerNewsJson,
        files: &[("hackernews-json.json", include_bytes!("../threads/rust-help/hn-rust-compile-times.json"))],
    },
    Example {
        format: Format::DiscourseJson,
        files: &[("discourse-json.json", include_bytes!("../threads/home-lab/discourse-topic-nas-backup.json"))],
    },
];
/// The configuration a new archive starts with: every option, commented.
pub const ARCHIVE_TOML: &str = include_str!("init/archive.toml");

const GITIGNORE: &str = include_str!("init/gitignore");

/// The theme's stylesheet a new archive starts with: the custom properties, commented.
pub const THEME_CSS: &str = include_str!("init/theme.css");

/// A file init writes: its path in the new folder, its text, and what it is for.
pub struct NewFile {
    pub path: String,
    pub bytes: std::borrow::Cow<'static, [u8]>,
    pub about: String,
}

/// Every file of a new archive.
pub fn files() -> Vec<NewFile> {
    let mut files = vec![
        NewFile {
            path: "archive.toml".into(),
            // Each archive its own secret for pseudonyms.
            bytes: ARCHIVE_TOML.replace("PSEUDONYM_KEY", &random_key()).into_bytes().into(),
            about: "the archive's settings, each explained".into(),
        },
        NewFile {
            path: ".gitignore".into(),
            bytes: GITIGNORE.as_bytes().into(),
            about: "keeps the built archive out of git".into(),
        },
        NewFile {
            path: "theme/style.css".into(),
            bytes: THEME_CSS.as_bytes().into(),
            about: "the archive's look: colours, fonts, widths (commented out)".into(),
        },
    ];
    for example in EXAMPLES {
        for (i, (path, bytes)) in example.files.iter().enumerate() {
            let about = match i {
                0 => format!("an example dump in the {} format", example.format.name()),
                _ => format!("a file the {} example attaches", example.format.name()),
            };
            files.push(NewFile { path: format!("threads/examples/{path}"), bytes: (*bytes).into(), about });
        }
    }
    files
}

/// A new secret: 32 hex digits from the system's random source (or, where there is none,
/// from the time and the process, which no one else can know in advance either).
fn random_key() -> String {
    let mut bytes = [0u8; 16];
    let random = fs::File::open("/dev/urandom").and_then(|mut f| io::Read::read_exact(&mut f, &mut bytes));
    if random.is_err() {
        let seed = format!("{:?} {}", std::time::SystemTime::now(), std::process::id());
        bytes = crate::cache::hash(seed.as_bytes()).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why init wrote nothing.
#[derive(Debug)]
pub struct InitError {
    pub message: String,
    pub hint: Option<String>,
}

/// Writes a new archive into `dir`; returns the files written.
pub fn init(dir: &Path) -> Result<Vec<NewFile>, InitError> {
    let files = files();
    let in_the_way = in_the_way(dir, &files)?;
    if !in_the_way.is_empty() {
        return Err(InitError {
            message: format!(
                "{} is not empty (it has {}); threadarc init writes only into a new or empty folder, so that nothing of yours is overwritten",
                dir.display(),
                in_the_way.join(", ")
            ),
            hint: Some("name a new folder, as in `threadarc init my-archive`".into()),
        });
    }
    for file in &files {
        let path = dir.join(&file.path);
        write_new(&path, &file.bytes)
            .map_err(|e| InitError { message: format!("cannot write {}: {e}", path.display()), hint: None })?;
    }
    Ok(files)
}

/// What in `dir` stops init: entries that are not hidden, and files init would write.
fn in_the_way(dir: &Path, files: &[NewFile]) -> Result<Vec<String>, InitError> {
    if dir.exists() && !dir.is_dir() {
        return Err(InitError {
            message: format!("{} is a file, not a folder", dir.display()),
            hint: Some("name a new folder, as in `threadarc init my-archive`".into()),
        });
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(InitError { message: format!("cannot read {}: {e}", dir.display()), hint: None }),
    };
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| InitError { message: format!("cannot read {}: {e}", dir.display()), hint: None })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let written = files.iter().any(|f| f.path.split('/').next() == Some(name.as_str()));
        if !name.starts_with('.') || written {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)
}

/// `threadarc init DIR`, with what it prints.
pub fn run(dir: &Path, verbosity: Verbosity) -> ExitCode {
    match init(dir) {
        Ok(files) => {
            if verbosity > Verbosity::Quiet {
                print_next_steps(dir, &files);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            term::print_error(&e.message);
            if let Some(hint) = e.hint {
                anstream::eprintln!("  {}hint{:#}: {hint}", term::HINT, term::HINT);
            }
            ExitCode::FAILURE
        }
    }
}

fn print_next_steps(dir: &Path, files: &[NewFile]) {
    let shown = term::clean(&dir.display().to_string());
    anstream::println!("{GOOD}Created{GOOD:#} a new archive in {EMPHASIS}{shown}{EMPHASIS:#}:");
    let width = files.iter().map(|f| f.path.len()).max().unwrap_or(0);
    for f in files {
        anstream::println!("  {:<width$}  {}", f.path, f.about);
    }
    anstream::println!("\nNext:");
    if dir != Path::new(".") && dir != Path::new("") {
        anstream::println!("  cd {shown}");
    }
    anstream::println!("  threadarc serve    build the archive and browse it at http://127.0.0.1:8000/");
    anstream::println!("  threadarc check    see what threadarc reads in each dump");
    anstream::println!("  threadarc build    write the archive into public/, ready to publish");
    anstream::println!("\nPut your own dumps in threads/, one folder per topic, and delete threads/examples/.");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diagnostic::Severity;

    #[test]
    fn every_format_has_an_example_that_reads_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        for example in EXAMPLES {
            for (path, bytes) in example.files {
                write_new(&dir.path().join("examples").join(path), bytes).unwrap();
            }
        }
        let (found, _) = crate::build::discover(dir.path(), "general").unwrap();
        let (loaded, attached) = crate::build::load_all(&found, None, &Config::default(), Path::new("archive.toml"));
        assert!(attached.is_empty(), "{attached:?}");
        for &format in Format::ALL {
            let example = EXAMPLES.iter().find(|e| e.format == format);
            let example = example.unwrap_or_else(|| {
                panic!("no init example for format {format}: add a dump to src/init/ and a line to EXAMPLES")
            });
            // A dump is the example's first file, or the folder a Slack export is.
            let first = example.files[0].0;
            let dump = if format == Format::Slack { first.split('/').next().unwrap_or(first) } else { first };
            let path = format!("examples/{dump}");
            let at = found.iter().position(|f| f.relative == path).unwrap_or_else(|| panic!("{path} not found"));
            let loaded = &loaded[at];
            // Notes say what a format cannot tell (whom a copied Reddit reply answers).
            let problems: Vec<_> = loaded.diagnostics.iter().filter(|d| d.severity != Severity::Note).collect();
            assert!(problems.is_empty(), "{format}: {problems:?}");
            let detected = loaded.detection.as_ref().map(|d| d.format);
            assert_eq!(detected, Some(format), "{format} example detected as another format");
            assert_eq!(loaded.threads.len(), 1, "{format} example is one thread");
            assert!(loaded.threads.iter().all(|t| t.posts.len() >= 2), "{format} example has too few posts");
        }
        assert_eq!(found.iter().filter(|f| f.is_dump()).count(), EXAMPLES.len(), "one dump an example");
    }

    #[test]
    fn archive_toml_parses_and_shows_every_option() {
        let config = Config::parse(ARCHIVE_TOML).unwrap();
        assert!(config.topics.contains_key("examples"));
        let table: toml::Table = toml::from_str(ARCHIVE_TOML).unwrap();
        let defaults = serde_json::to_value(Config::default()).unwrap();
        for key in defaults.as_object().unwrap().keys() {
            // A key without a sensible value may be shown commented out: `# key = ...`.
            let shown = table.contains_key(key)
                || ARCHIVE_TOML.contains(&format!("\n# {key} = "))
                || ARCHIVE_TOML.contains(&format!("\n# [[{key}]]"));
            assert!(shown, "archive.toml made by init does not show the option `{key}`");
        }
        let topic = serde_json::to_value(crate::config::TopicConfig::default()).unwrap();
        let examples = table["topics"]["examples"].as_table().unwrap();
        for key in topic.as_object().unwrap().keys() {
            assert!(examples.contains_key(key), "the example topic does not show the topic option `{key}`");
        }
    }

    #[test]
    fn the_theme_stylesheet_shows_every_custom_property() {
        let css = crate::build::STYLE_CSS;
        let root = &css[css.find(":root {").unwrap()..];
        let root = &root[..root.find('}').unwrap()];
        let properties: Vec<&str> =
            root.lines().filter_map(|l| l.trim().strip_prefix("--")).map(|l| l.split(':').next().unwrap()).collect();
        assert!(properties.len() > 15, "{properties:?}");
        for property in properties {
            assert!(THEME_CSS.contains(&format!("  --{property}: ")), "theme.css does not show --{property}");
        }
        let uncommented = regex::Regex::new(r"(?s)/\*.*?\*/").unwrap().replace_all(THEME_CSS, "");
        assert_eq!(uncommented.trim(), "", "every rule is commented out");
    }

    #[test]
    fn refuses_a_folder_with_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let e = init(dir.path()).err().unwrap();
        assert!(e.message.contains("notes.txt"), "{}", e.message);
        assert_eq!(fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
        assert!(!dir.path().join("archive.toml").exists());
    }

    #[test]
    fn accepts_a_folder_with_only_hidden_entries() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".git")).unwrap();
        init(dir.path()).unwrap();
        assert!(dir.path().join("archive.toml").is_file());
        fs::write(dir.path().join("archive.toml"), "edited").unwrap();
        assert!(init(dir.path()).is_err());
        assert_eq!(fs::read_to_string(dir.path().join("archive.toml")).unwrap(), "edited");
    }
}
