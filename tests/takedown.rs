//! Taking things down: an archive is built, then `archive.toml` takes down an author, a
//! thread, two posts of another, a phone number by its pattern, and names everyone by a
//! pseudonym; the rebuild leaves none of what was taken down anywhere on the disk (the
//! archive, the archive it replaced, the search index's store), and is the archive a cold
//! build with the same settings writes.
//!
//! With `THREADARC_TAKEDOWN_DUMPS` set, the dumps are also written into that folder (with
//! `takedown.json`: the settings, the words that must be gone, and a pseudonym), for the
//! browser test (`tests/browser/takedown.test.mjs`) that asks the search box for them.

mod common;

use std::fs;
use std::path::Path;

use common::{assert_same_files, threadarc, write};

/// The dumps: a Discourse thread where Alice posts, Bob quotes her and writes a phone
/// number, Carol thanks everyone by name; a mail thread where Alice's message is quoted; a
/// thread to take down whole; and a message that asked not to be archived.
fn dumps(root: &Path) {
    write(
        &root.join("threads/garden/walnut-trees.txt"),
        "alice_m | 2023-05-01 10:00:00 UTC | #1\n\nMy walnut trees drop their leaves early. Quinceblossom mulch?\n\n\
-------------------------\n\n\
Bob Okafor | 2023-05-01 11:00:00 UTC | #2\n\n[quote=\"alice_m, post:1, topic:7\"]\nMy walnut trees drop their leaves early.\n[/quote]\n\n\
@alice_m that is anthracnose. Call me on +1 555 123 4567.\n\n-------------------------\n\n\
Carol Jones | 2023-05-02 09:00:00 UTC | #3\n\nThanks Bob Okafor, and thanks alice_m for asking. Ribbonwort helps too.\n\n\
-------------------------\n\n\
Bob Okafor | 2023-05-02 10:00:00 UTC | #4\n\nA second opinion: prune in winter. Marzipanic fungus is rare.\n\n\
-------------------------\n\n\
Carol Jones | 2023-05-03 09:00:00 UTC | #5\n\nMy number is +1 555 987 6543 if the rota changes. Thimbleweed notes attached.\n",
    );
    write(
        &root.join("threads/garden/secret-plans.txt"),
        "Carol Jones | 2023-06-01 10:00:00 UTC | #1\n\nThe xylophonic sprinkler layout for the whole plot.\n\n\
-------------------------\n\n\
Bob Okafor | 2023-06-01 11:00:00 UTC | #2\n\nLooks good.\n",
    );
    write(
        &root.join("threads/list/2023-May.mbox"),
        "From alice@example.org Mon May  1 10:00:00 2023\nFrom: Alice Example <alice@example.org>\n\
Subject: Compost heat\nDate: Mon, 01 May 2023 10:00:00 +0000\nMessage-ID: <a1@example.org>\n\n\
My heap reaches sixty degrees with peppercornish clippings.\n\n\
From carol@example.org Mon May  1 12:00:00 2023\nFrom: Carol Jones <carol@example.org>\n\
Subject: Re: Compost heat\nDate: Mon, 01 May 2023 12:00:00 +0000\nMessage-ID: <c1@example.org>\n\
In-Reply-To: <a1@example.org>\n\n\
On Mon, 1 May 2023, Alice Example wrote:\n> My heap reaches sixty degrees with peppercornish clippings.\n\n\
Mine too, Alice Example. Turn it weekly.\n\n\
From dave@example.org Mon May  1 13:00:00 2023\nFrom: Dave Quiet <dave@example.org>\n\
Subject: Re: Compost heat\nDate: Mon, 01 May 2023 13:00:00 +0000\nMessage-ID: <d1@example.org>\n\
In-Reply-To: <a1@example.org>\nX-No-Archive: yes\n\n\
Please keep my zanzibarite method off the record.\n",
    );
}

/// The key `SETTINGS` derives pseudonyms from.
const KEY: &str = "a secret only the club's archivist knows";

const SETTINGS: &str = r#"
title = "Garden club"
base_url = "https://example.org/club/"
pseudonyms = true
pseudonym_key = "a secret only the club's archivist knows"

[[redact]]
author = "alice_m"
reason = "Removed at the author's request."

[[redact]]
author = "alice@example.org"

[[redact]]
thread = "garden/secret-plans"

[[redact]]
thread = "threads/garden/walnut-trees.txt"
posts = [4]

[[redact]]
pattern = '\+1 555 \d{3} \d{4}'

[[redact]]
author = "nobody-by-this-name"
"#;

/// What must be nowhere once taken down: the authors' names and addresses, the words only
/// their posts and the thread taken down held, the phone numbers, everyone's real name.
const GONE: &[&str] = &[
    "alice_m",
    "Alice Example",
    "alice@example",
    "Quinceblossom",
    "peppercornish",
    "xylophonic",
    "Secret plans",
    "Marzipanic",
    "555 123 4567",
    "555 987 6543",
    "Bob Okafor",
    "Carol Jones",
    "carol@example",
    "Dave Quiet",
    "zanzibarite",
];

/// Every file under `root` and beside it that a build wrote (`.NAME.threadarc-*`), with
/// each string of `GONE` it holds, case folded.
fn leftovers(root: &Path) -> Vec<String> {
    let parent = root.parent().unwrap();
    let name = root.file_name().unwrap().to_string_lossy().into_owned();
    let mut places = vec![root.to_owned()];
    for entry in fs::read_dir(parent).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with(&format!(".{name}.threadarc-")) {
            places.push(entry.path());
        }
    }
    let mut found = Vec::new();
    for place in places {
        for entry in walkdir::WalkDir::new(&place).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
            let text = String::from_utf8_lossy(&fs::read(entry.path()).unwrap()).to_lowercase();
            for gone in GONE {
                if text.contains(&gone.to_lowercase()) {
                    found.push(format!("{gone} in {}", entry.path().display()));
                }
            }
        }
    }
    found
}

#[test]
fn what_is_taken_down_is_gone_from_every_byte_the_build_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    dumps(root);
    if let Ok(folder) = std::env::var("THREADARC_TAKEDOWN_DUMPS") {
        let folder = Path::new(&folder);
        dumps(folder);
        let pseudonym = threadarc::takedown::pseudonym(KEY, "Carol Jones");
        let told = serde_json::json!({ "settings": SETTINGS, "gone": GONE, "pseudonym": pseudonym });
        fs::write(folder.join("takedown.json"), told.to_string()).unwrap();
    }
    let out = threadarc(root, &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Before: everything is there (the test can see it), but what asked not to be archived.
    let before = leftovers(&root.join("public"));
    for word in ["Quinceblossom", "xylophonic", "555 123 4567", "Carol Jones"] {
        assert!(before.iter().any(|l| l.starts_with(word)), "{word} was never in the archive: {before:?}");
    }
    assert!(!before.iter().any(|l| l.starts_with("zanzibarite")), "X-No-Archive: {before:?}");

    fs::write(root.join("archive.toml"), SETTINGS).unwrap();
    let out = threadarc(root, &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("[[redact]] author = \"nobody-by-this-name\" matches nothing"), "{stderr}");
    assert_eq!(leftovers(&root.join("public")), Vec::<String>::new());

    let public = root.join("public");
    let page = fs::read_to_string(public.join("garden/walnut-trees.html")).unwrap();
    // Post 1 (Alice's) keeps its place and says why; post 4 with the default wording.
    assert!(page.contains("id=\"post-1\"") && page.contains("Removed at the author&#39;s request."), "{page}");
    assert!(page.contains("id=\"post-4\"") && page.contains("This was removed by the archive&#39;s owner."), "{page}");
    assert!(page.contains("[redacted]"), "the phone numbers: {page}");
    assert!(page.contains("Ribbonwort"), "what was not taken down stays: {page}");
    // The thread taken down keeps its address, and says so, and is listed nowhere.
    let gone = fs::read_to_string(public.join("garden/secret-plans.html")).unwrap();
    assert!(gone.contains("This thread was removed"), "{gone}");
    for listing in
        ["garden/index.html", "index.html", "garden/manifest.json", "feed.xml", "garden/feed.xml", "sitemap.xml"]
    {
        assert!(!fs::read_to_string(public.join(listing)).unwrap().contains("secret-plans"), "{listing}");
    }
    assert!(!public.join("garden/secret-plans.json").exists());
    // Everyone is a pseudonym: the same on every build with this key.
    let check = threadarc(root, &["check", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let notes: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["message"].as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("1 message asked not to be archived")), "{notes:?}");
    let pseudonym = threadarc::takedown::pseudonym(KEY, "Carol Jones");
    assert!(SETTINGS.contains(KEY));
    assert!(page.contains(&pseudonym), "{pseudonym} in {page}");
    let (_, listed) = common::author_page(&public, &pseudonym);
    assert!(listed.contains("#post-"), "{listed}");

    // A cold build with the same settings writes the same archive.
    let cold = tempfile::tempdir().unwrap();
    dumps(cold.path());
    fs::write(cold.path().join("archive.toml"), SETTINGS).unwrap();
    assert!(threadarc(cold.path(), &["build"]).status.success());
    assert_same_files(&public, &cold.path().join("public"));
    // And a third build, from the archive kept beside, still leaves nothing.
    fs::write(root.join("threads/garden/note.txt"), "A note\n\nNothing to take down.\n").unwrap();
    assert!(threadarc(root, &["build"]).status.success());
    assert_eq!(leftovers(&root.join("public")), Vec::<String>::new());
}

#[test]
fn settings_that_cannot_work_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("threads/t/a.txt"), "T\n\nx\n");
    for (settings, said) in [
        (
            "[[redact]]\npattern = '(unclosed'\n",
            "archive.toml:1: the pattern \"(unclosed\" is not a regular expression",
        ),
        ("[[redact]]\nauthor = \"a\"\npattern = 'x'\n", "archive.toml:1: a [[redact]] entry names exactly one of"),
        ("[[redact]]\nposts = [1]\nauthor = \"a\"\n", "archive.toml:1: `posts` goes with `thread`"),
        ("pseudonyms = true\n", "archive.toml:1: pseudonyms = true needs a pseudonym_key"),
    ] {
        fs::write(dir.path().join("archive.toml"), settings).unwrap();
        let out = threadarc(dir.path(), &["build"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains(said), "{}", String::from_utf8_lossy(&out.stderr));
    }
}
