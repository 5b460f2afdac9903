//! The commands through the real binary: init, check, completions, help, and how output
//! is coloured. `serve` has tests/serve.rs.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use threadarc::config::Config;

/// The binary in `dir`, with no colour settings inherited from the environment.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_threadarc"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env_remove("CLICOLOR");
    command
}

fn threadarc(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A new archive made by `threadarc init`, in `dir/archive`.
fn new_archive(dir: &Path) -> std::path::PathBuf {
    let out = threadarc(dir, &["init", "archive"]);
    assert!(out.status.success(), "{}", stderr(&out));
    dir.join("archive")
}

#[test]
fn init_makes_an_archive_that_builds_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = threadarc(dir.path(), &["init", "archive"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("cd archive") && said.contains("threadarc serve"), "{said}");
    let archive = dir.path().join("archive");

    let toml = fs::read_to_string(archive.join("archive.toml")).unwrap();
    let config = Config::parse(&toml).unwrap();
    let key = config.pseudonym_key.as_deref().unwrap();
    assert!(key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()), "init writes a key of its own: {key}");
    for key in serde_json::to_value(Config::default()).unwrap().as_object().unwrap().keys() {
        let shown = toml.contains(&format!("{key} ="))
            || toml.contains(&format!("[{key}."))
            || toml.contains(&format!("[[{key}]]"));
        assert!(shown, "archive.toml lacks {key}");
    }
    assert!(fs::read_to_string(archive.join(".gitignore")).unwrap().contains("/public/"));
    let examples: Vec<String> = fs::read_dir(archive.join("threads/examples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // Each example's dump (or its folder, for a chat with its photos or a Slack export).
    assert_eq!(examples.len(), threadarc::init::EXAMPLES.len(), "{examples:?}");
    for example in threadarc::init::EXAMPLES {
        let first = example.files[0].0.split('/').next().unwrap();
        assert!(examples.iter().any(|e| e == first), "{first} in {examples:?}");
    }

    let out = threadarc(&archive, &["check"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    // Nothing to fix in a new archive: only notes (the Reddit example's replies are placed
    // by the page's layout).
    let err = stderr(&out);
    assert!(
        !err.lines().any(|l| l.starts_with("warning") || l.starts_with("error")),
        "a new archive has warnings: {err}"
    );
    assert!(stderr(&out).starts_with("note: threads/examples/reddit.txt:"), "{}", stderr(&out));

    let out = threadarc(&archive, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let front = fs::read_to_string(archive.join("public/index.html")).unwrap();
    assert!(front.contains(&config.title), "{front}");
    assert!(front.contains("Examples"));
    // Every example is a thread with its page (a Discord export brings its own topic).
    let threads = common::manifest_threads(&archive.join("public"));
    assert_eq!(threads.len(), threadarc::init::EXAMPLES.len());
    for thread in &threads {
        assert!(archive.join("public").join(thread["url"].as_str().unwrap()).is_file(), "{thread}");
    }
}

#[test]
fn init_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("full/notes.txt"), "mine");
    let out = threadarc(dir.path(), &["init", "full"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: full is not empty (it has notes.txt)"), "{err}");
    assert!(err.contains("hint: "), "{err}");
    assert_eq!(fs::read_dir(dir.path().join("full")).unwrap().count(), 1);

    // Twice in the same folder: the second refuses and changes nothing.
    let archive = new_archive(dir.path());
    fs::write(archive.join("archive.toml"), "title = \"Mine\"\n").unwrap();
    let out = threadarc(dir.path(), &["init", "archive"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("archive.toml"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(archive.join("archive.toml")).unwrap(), "title = \"Mine\"\n");

    write(&dir.path().join("a-file"), "x");
    let out = threadarc(dir.path(), &["init", "a-file"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("a-file is a file, not a folder"), "{}", stderr(&out));

    // The current folder, empty but for hidden entries, is fine.
    fs::create_dir_all(dir.path().join("here/.git")).unwrap();
    let out = threadarc(&dir.path().join("here"), &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("cd "), "{}", stdout(&out));
    assert!(dir.path().join("here/archive.toml").is_file());
}

#[test]
fn check_reports_a_good_archive() {
    let dir = tempfile::tempdir().unwrap();
    let archive = new_archive(dir.path());
    let out = threadarc(&archive, &["check"]);
    assert_eq!(out.status.code(), Some(0));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["FILE", "FORMAT", "THREADS", "POSTS", "WARNINGS", "ERRORS"]
    );
    let plain: Vec<&str> = lines.iter().find(|l| l.contains("plain.txt")).unwrap().split_whitespace().collect();
    assert_eq!(plain, ["threads/examples/plain.txt", "plain", "1", "4", "0", "0"]);
    let discourse: Vec<&str> =
        lines.iter().find(|l| l.contains("discourse-raw.txt")).unwrap().split_whitespace().collect();
    assert_eq!(discourse, ["threads/examples/discourse-raw.txt", "discourse-raw", "1", "6", "0", "0"]);
    let dumps = threadarc::init::EXAMPLES.len();
    assert!(table.contains(&format!("ok: checked archive.toml and {dumps} dumps")), "{table}");

    let verbose = stdout(&threadarc(&archive, &["check", "--verbose"]));
    assert!(verbose.contains("WHY") && verbose.contains("blocks of text"), "{verbose}");
    let quiet = threadarc(&archive, &["check", "--quiet"]);
    assert!(quiet.status.success() && quiet.stdout.is_empty() && quiet.stderr.is_empty());
}

#[test]
fn check_reports_problems_like_a_compiler() {
    let dir = tempfile::tempdir().unwrap();
    let archive = new_archive(dir.path());
    write(&archive.join("threads/help/bad.txt"), "+++\ntitle = \"x\"\ncolour = \"red\"\n+++\nT\n\nbody\n");
    write(&archive.join("threads/help/worse.txt"), "+++\ntitle = \"never closed\"\n");
    let out = threadarc(&archive, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: threads/help/bad.txt:3: front matter: unknown field `colour`"), "{err}");
    assert!(err.contains("error: threads/help/worse.txt:1: "), "{err}");
    // A hint under each error (and under the Reddit example's note).
    assert_eq!(err.matches("\n  hint: ").count(), 3, "{err}");
    assert_eq!(err.matches("note: threads/examples/reddit.txt:").count(), 1, "{err}");
    let table = stdout(&out);
    let bad: Vec<&str> = table.lines().find(|l| l.contains("bad.txt")).unwrap().split_whitespace().collect();
    assert_eq!(bad, ["threads/help/bad.txt", "-", "0", "0", "0", "1"]);
    assert!(table.contains("failed: ") && table.contains("2 errors"), "{table}");

    // A broken configuration is checked too, and named by line.
    fs::remove_dir_all(archive.join("threads/help")).unwrap();
    fs::write(archive.join("archive.toml"), "title = \"A\"\n\nthreads_per_pgae = 3\n").unwrap();
    let out = threadarc(&archive, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error: archive.toml:3: "), "{}", stderr(&out));
    assert!(stderr(&out).contains("threads_per_pgae"), "{}", stderr(&out));

    let out = threadarc(&archive, &["check", "--input", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error: nowhere: the input folder nowhere does not exist"), "{}", stderr(&out));
}

#[test]
fn check_warnings_fail_only_when_strict() {
    let dir = tempfile::tempdir().unwrap();
    let archive = new_archive(dir.path());
    let mut toml = fs::read_to_string(archive.join("archive.toml")).unwrap();
    toml.push_str("\n[topics.exampels]\ntitle = \"Typo\"\n");
    fs::write(archive.join("archive.toml"), &toml).unwrap();
    let line = toml.lines().position(|l| l == "[topics.exampels]").unwrap() + 1;

    let out = threadarc(&archive, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let warning = format!("warning: archive.toml:{line}: [topics.exampels] matches no dump's topic");
    assert!(stderr(&out).contains(&warning), "{}", stderr(&out));
    let out = threadarc(&archive, &["check", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("--strict"), "{}", stdout(&out));
}

#[test]
fn check_json_for_tools() {
    let dir = tempfile::tempdir().unwrap();
    let archive = new_archive(dir.path());
    write(&archive.join("threads/help/bad.txt"), "+++\ntitle = \"x\"\ncolour = \"red\"\n+++\nT\n\nbody\n");
    let out = threadarc(&archive, &["check", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["config"], "archive.toml");
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), threadarc::init::EXAMPLES.len() + 1);
    let plain = files.iter().find(|f| f["path"] == "threads/examples/plain.txt").unwrap();
    let keys: Vec<&str> = plain.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["errors", "format", "notes", "path", "posts", "reason", "threads", "warnings"]);
    assert_eq!((&plain["format"], &plain["threads"], &plain["posts"]), (&"plain".into(), &1.into(), &4.into()));
    assert!(plain["reason"].as_str().unwrap().contains("blank lines"));
    let bad = files.iter().find(|f| f["path"] == "threads/help/bad.txt").unwrap();
    assert_eq!((&bad["format"], &bad["errors"]), (&serde_json::Value::Null, &1.into()));
    let diagnostics = report["diagnostics"].as_array().unwrap();
    // The error, and the Reddit example's note: notes are carried too.
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    let note = diagnostics.iter().find(|d| d["severity"] == "note").unwrap();
    assert_eq!(note["path"], "threads/examples/reddit.txt");
    assert!(note["line"].is_u64() && note["message"].as_str().unwrap().contains("replies are placed"), "{note}");
    assert_eq!((&report["totals"]["notes"], &report["totals"]["warnings"]), (&1.into(), &0.into()));
    let d = diagnostics.iter().find(|d| d["severity"] != "note").unwrap();
    assert_eq!((&d["severity"], &d["path"], &d["line"]), (&"error".into(), &"threads/help/bad.txt".into(), &3.into()));
    assert!(d["message"].as_str().unwrap().contains("colour"));
    assert!(d["hint"].is_string());
    assert_eq!(report["totals"]["errors"], 1);
    let posts: u64 = files.iter().map(|f| f["posts"].as_u64().unwrap()).sum();
    assert_eq!(report["totals"]["posts"], posts);
    assert!(posts >= 10);

    fs::remove_file(archive.join("threads/help/bad.txt")).unwrap();
    let out = threadarc(&archive, &["check", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true);
    let severities: Vec<&serde_json::Value> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| &d["severity"]).collect();
    assert_eq!(severities, ["note"]);
}

#[test]
fn colour_follows_the_terminal_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let archive = new_archive(dir.path());
    write(&archive.join("threads/help/bad.txt"), "+++\ncolour = \"red\"\n+++\nT\n\nbody\n");
    let coloured = |out: &Output| out.stdout.contains(&0x1b) || out.stderr.contains(&0x1b);

    // Not a terminal: no colour.
    assert!(!coloured(&threadarc(&archive, &["check"])));
    // Forced, as a terminal would get it.
    let forced = command(&archive, &["check"]).env("CLICOLOR_FORCE", "1").output().unwrap();
    assert!(coloured(&forced));
    assert!(stderr(&forced).contains("\x1b[1m\x1b[31merror"), "{}", stderr(&forced));
    // NO_COLOR wins over CLICOLOR_FORCE.
    let no_color = command(&archive, &["check"]).env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1").output().unwrap();
    assert!(!coloured(&no_color), "{}", stderr(&no_color));
    assert_eq!(no_color.stderr, threadarc(&archive, &["check"]).stderr);
    // The command line wins over both.
    assert!(coloured(&command(&archive, &["check", "--color", "always"]).env("NO_COLOR", "1").output().unwrap()));
    assert!(!coloured(&command(&archive, &["check", "--color=never"]).env("CLICOLOR_FORCE", "1").output().unwrap()));
    let help = command(&archive, &["--help"]).env("NO_COLOR", "1").env("CLICOLOR_FORCE", "1").output().unwrap();
    assert!(!coloured(&help));
}

#[test]
fn build_quiet_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let archive = new_archive(dir.path());
    let out = threadarc(&archive, &["build", "--quiet"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{}", stderr(&out));
    let out = threadarc(&archive, &["-q", "build"]);
    assert!(out.status.success() && out.stderr.is_empty());
    let out = threadarc(&archive, &["build"]);
    let summary = regex::Regex::new(
        r"^built (\d+) threads \((\d+) posts\) from (\d+) files into public: (\d+) pages \((nothing changed|\d+ files? written)\) in [0-9.]+ s\n$",
    )
    .unwrap();
    let text = stderr(&out);
    let caps = summary.captures(&text).unwrap_or_else(|| panic!("{text}"));
    let examples = threadarc::init::EXAMPLES.len().to_string();
    assert_eq!((&caps[1], &caps[3]), (examples.as_str(), examples.as_str()));
    assert_eq!(&caps[5], "nothing changed", "the third build of the same dumps");
    let out = threadarc(&archive, &["build", "--quiet", "--verbose"]);
    assert_eq!(out.status.code(), Some(2), "--quiet and --verbose conflict");
}

#[test]
fn help_has_examples() {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout(&threadarc(dir.path(), &["--help"]));
    for command in ["init", "build", "check", "serve", "parse", "completions"] {
        assert!(help.contains(&format!("  {command} ")), "{command} missing from\n{help}");
    }
    assert!(help.contains("Examples:") && help.contains("--quiet") && help.contains("--color"), "{help}");
    for (command, option) in
        [("init", "[DIR]"), ("check", "--json"), ("check", "--strict"), ("serve", "--port"), ("build", "--keep-going")]
    {
        let text = stdout(&threadarc(dir.path(), &["help", command]));
        assert!(text.contains(option) && text.contains("Examples:"), "{command}:\n{text}");
    }
    let out = threadarc(dir.path(), &["chek"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("check"), "clap suggests the command: {}", stderr(&out));
}

#[test]
fn shell_completions() {
    let dir = tempfile::tempdir().unwrap();
    let out = threadarc(dir.path(), &["completions", "bash"]);
    assert!(out.status.success());
    let bash = stdout(&out);
    assert!(bash.contains("_threadarc()") && bash.contains("complete -F _threadarc"), "{bash}");
    for word in ["init", "check", "serve", "--port", "--json", "--keep-going"] {
        assert!(bash.contains(word), "bash completions lack {word}");
    }
    assert!(stdout(&threadarc(dir.path(), &["completions", "zsh"])).starts_with("#compdef threadarc"));
    assert!(stdout(&threadarc(dir.path(), &["completions", "fish"])).contains("complete -c threadarc"));
    let out = threadarc(dir.path(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bash"), "{}", stderr(&out));
    // The script is valid bash.
    if Command::new("bash").arg("--version").output().is_ok() {
        let script = dir.path().join("threadarc.bash");
        fs::write(&script, bash).unwrap();
        let syntax = Command::new("bash").arg("-n").arg(&script).output().unwrap();
        assert!(syntax.status.success(), "{}", String::from_utf8_lossy(&syntax.stderr));
    }
}

#[test]
fn what_parsers_notice_is_said_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Text above the first post of a Discourse export is left out: a warning, at its line
    // in the file (after the front matter).
    write(
        &root.join("threads/help/raw.txt"),
        "+++\nformat = \"discourse-raw\"\n+++\nMy title\n\nalice | 2020-05-01 12:34:56 UTC | #1\n\nHi\n\n-------------------------\n\n\
bob | 2020-05-01 13:00:00 UTC | #2\n\nHello\n",
    );
    // A copied Reddit page places replies by its layout: a note.
    write(
        &root.join("threads/help/reddit.txt"),
        "[–]ann 2 points 1 day ago\n\nhi\n\npermalinkembedsavereportreply\n\n\
[–]bob 1 point 1 day ago\n\nho\n\npermalinkembedsaveparentreportreply\n",
    );
    let warning = "warning: threads/help/raw.txt:4: 1 line before the first post header left out";
    let note = "note: threads/help/reddit.txt:7: 1 reply is placed under the comment above it";

    let out = threadarc(root, &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(warning) && err.contains(note), "{err}");
    let undated = "warning: threads/help/reddit.txt:1: 2 posts are dated only `1 day ago` and the like";
    assert!(err.contains(undated), "{err}");
    assert!(stdout(&out).contains("0 errors, 2 warnings (1 note)"), "{}", stdout(&out));
    assert_eq!(threadarc(root, &["check", "--strict"]).status.code(), Some(1));

    let out = threadarc(root, &["check", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let said: Vec<(String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (d["severity"].as_str().unwrap().into(), d["path"].as_str().unwrap().into(), d["line"].as_u64().unwrap())
        })
        .collect();
    assert!(said.contains(&("warning".into(), "threads/help/raw.txt".into(), 4)), "{said:?}");
    assert!(said.contains(&("note".into(), "threads/help/reddit.txt".into(), 7)), "{said:?}");

    // A build says the warnings; the notes only when asked to say more.
    let out = threadarc(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(warning) && !stderr(&out).contains("note:"), "{}", stderr(&out));
    let out = threadarc(root, &["build", "--verbose", "--output", "other"]);
    assert!(stderr(&out).contains(warning) && stderr(&out).contains(note), "{}", stderr(&out));
}

#[test]
fn output_cut_short_by_its_reader_ends_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let posts: String = (0..5000).map(|i| format!("Post number {i} of a long thread.\n\n")).collect();
    write(&dir.path().join("long.txt"), &format!("A long thread\n\n{posts}"));
    for args in [&["parse", "long.txt"][..], &["parse", "--json", "long.txt"]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_threadarc"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Read a little, as `| head` does, and go away.
        let mut first = [0u8; 64];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
