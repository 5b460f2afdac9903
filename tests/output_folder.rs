//! What a build may replace, and what it must not: the output folder is the only thing a
//! build writes or deletes (beside it, only its own hidden folders), whatever the user
//! points it at or puts in it, and a build that cannot write says where and keeps the
//! archive in place.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::{snapshot, threadarc, write};

fn dumps(dir: &Path) {
    write(&dir.join("threads/t/a.txt"), "First thread\n\none\n\ntwo\n");
    write(&dir.join("threads/u/b.txt"), "Second thread\n\nthree\n\nfour\n");
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn built(out: Output) -> String {
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

/// Names left beside the output that a build should have cleaned up.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("threadarc-staging") || n.ends_with("threadarc-old"))
        .collect()
}

#[test]
fn an_output_that_is_or_holds_the_input_or_configuration_is_refused_even_forced() {
    let dir = tempfile::tempdir().unwrap();
    dumps(dir.path());
    write(&dir.path().join("archive.toml"), "title = \"Mine\"\n");
    let before = snapshot(&dir.path().join("threads"));
    for output in ["threads", ".", "threads/..", "archive.toml"] {
        let out = threadarc(dir.path(), &["build", "--output", output, "--force"]);
        assert!(!out.status.success(), "--output {output} was built");
        let message = stderr(&out);
        assert!(message.contains("input") || message.contains("configuration"), "{message}");
        assert!(!message.contains("--force"), "the hint suggests --force: {message}");
        assert_eq!(before, snapshot(&dir.path().join("threads")), "--output {output} deleted dumps");
        assert!(dir.path().join("archive.toml").is_file());
    }
    // Without --force the hint must not suggest it either.
    let out = threadarc(dir.path(), &["build", "--output", "threads"]);
    assert!(!out.status.success() && !stderr(&out).contains("--force"), "{}", stderr(&out));
    // A topic folder is inside the input: forcing a build there would delete its dumps.
    let out = threadarc(dir.path(), &["build", "--output", "threads/t", "--force"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert_eq!(before, snapshot(&dir.path().join("threads")));
}

#[test]
fn an_archive_inside_the_input_is_not_read_as_dumps() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.txt"), "A thread\n\none\n\ntwo\n");
    write(&dir.path().join("archive.toml"), "title = \"Here\"\n");
    let first = built(threadarc(dir.path(), &["build", "--input", "."]));
    assert!(first.contains("built 1 thread "), "{first}");
    for n in 0..3 {
        write(&dir.path().join("a.txt"), &format!("A thread\n\none\n\ntwo {n}\n"));
        let again = built(threadarc(dir.path(), &["build", "--input", "."]));
        assert!(again.contains("built 1 thread "), "build {n}: {again}");
    }
    let check = threadarc(dir.path(), &["check", "--input", "."]);
    let listed = String::from_utf8_lossy(&check.stdout);
    assert!(!listed.contains("public/"), "{listed}");
}

#[test]
fn a_symlinked_output_folder_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    dumps(dir.path());
    write(&dir.path().join("site/mine.txt"), "not an archive\n");
    symlink("site", dir.path().join("public")).unwrap();
    for args in [&["build"][..], &["build", "--force"]] {
        let out = threadarc(dir.path(), args);
        assert!(!out.status.success(), "{args:?} built through the link");
        assert!(stderr(&out).contains("symbolic link") && stderr(&out).contains("site"), "{}", stderr(&out));
        assert!(fs::symlink_metadata(dir.path().join("public")).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(dir.path().join("site/mine.txt")).unwrap(), "not an archive\n");
        assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
    }
    // Named as itself, the folder is built (it is not empty and not an archive: forced).
    built(threadarc(dir.path(), &["build", "--output", "site", "--force"]));
    assert!(dir.path().join("site/index.html").is_file());
}

#[test]
fn links_put_in_the_archive_or_its_kept_copy_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dumps(d);
    built(threadarc(d, &["build"]));
    write(&d.join("threads/t/a.txt"), "First thread\n\none\n\ntwo!\n");
    built(threadarc(d, &["build"]));
    let style = fs::read(d.join("public/static/style.css")).unwrap();
    // The archive's stylesheet moved elsewhere and linked back, then edited there (its size
    // and time kept): the archive must not take it in.
    fs::rename(d.join("public/static"), d.join("shared")).unwrap();
    symlink("../shared", d.join("public/static")).unwrap();
    let mut edited = style.clone();
    edited[..6].copy_from_slice(b"EDITED");
    let time = fs::metadata(d.join("shared/style.css")).unwrap().modified().unwrap();
    fs::write(d.join("shared/style.css"), &edited).unwrap();
    fs::File::options().write(true).open(d.join("shared/style.css")).unwrap().set_modified(time).unwrap();
    // A folder of the kept archive replaced by a link to another folder of one's own.
    write(&d.join("other/style.css"), "mine\n");
    write(&d.join("other/index.html"), "mine too\n");
    fs::remove_dir_all(d.join(".public.threadarc-previous/t")).unwrap();
    symlink("../other", d.join(".public.threadarc-previous/t")).unwrap();
    write(&d.join("threads/t/a.txt"), "First thread\n\none\n\ntwo?\n");
    built(threadarc(d, &["build"]));
    assert!(fs::read(d.join("public/static/style.css")).unwrap() == style, "the archive took in the linked file");
    assert!(fs::read(d.join("shared/style.css")).unwrap() == edited, "a file outside the archive changed");
    assert_eq!(fs::read_dir(d.join("other")).unwrap().count(), 2, "files outside the archive were deleted");
    assert_eq!(fs::read_to_string(d.join("other/index.html")).unwrap(), "mine too\n");
    for root in ["public", ".public.threadarc-previous"] {
        let links: Vec<_> = walkdir::WalkDir::new(d.join(root))
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.path_is_symlink())
            .map(|e| e.into_path())
            .collect();
        assert!(links.is_empty(), "{links:?}");
    }
    assert!(fs::read_to_string(d.join("public/t/first-thread.html")).unwrap().contains("two?"));
}

#[test]
fn forcing_a_build_over_a_file_replaces_it_once() {
    let dir = tempfile::tempdir().unwrap();
    dumps(dir.path());
    write(&dir.path().join("notes.txt"), "a file, not a folder\n");
    let out = threadarc(dir.path(), &["build", "--output", "notes.txt"]);
    assert!(!out.status.success(), "a file was replaced without --force");
    built(threadarc(dir.path(), &["build", "--output", "notes.txt", "--force"]));
    assert!(dir.path().join("notes.txt/index.html").is_file());
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
    write(&dir.path().join("threads/t/a.txt"), "First thread\n\none\n\nchanged\n");
    built(threadarc(dir.path(), &["build", "--output", "notes.txt"]));
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
}

#[test]
fn an_output_name_too_long_to_build_beside_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    dumps(dir.path());
    let name = "x".repeat(250);
    let out = threadarc(dir.path(), &["build", "--output", &name]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("too long") && message.contains("--output"), "{message}");
}

/// The user that permission tests run as: root reads and writes whatever the permissions
/// say, so as root they run the build as `nobody`, through `setpriv`.
fn unprivileged(dir: &Path, args: &[&str]) -> Output {
    if fs::metadata("/proc/self").unwrap().uid() != 0 {
        return threadarc(dir, args);
    }
    chown_tree(dir);
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_threadarc"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .expect("setpriv runs")
}

/// Hands a folder and everything in it to `nobody`, and lets it reach the folder.
fn chown_tree(dir: &Path) {
    let status = Command::new("chown").args(["-R", "65534:65534"]).arg(dir).status().unwrap();
    assert!(status.success());
    let mut up = dir.parent();
    while let Some(folder) = up {
        let mode = fs::metadata(folder).unwrap().permissions().mode();
        if mode & 0o001 == 0 {
            fs::set_permissions(folder, fs::Permissions::from_mode(mode | 0o001)).unwrap();
        }
        up = folder.parent();
    }
}

fn chmod(path: &Path, mode: &str) {
    assert!(Command::new("chmod").args(["-R", mode]).arg(path).status().unwrap().success());
}

#[test]
fn a_read_only_archive_does_not_stop_later_builds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dumps(d);
    built(unprivileged(d, &["build"]));
    write(&d.join("threads/t/a.txt"), "First thread\n\none\n\nsecond build\n");
    built(unprivileged(d, &["build"]));
    chmod(&d.join("public"), "a-w");
    chmod(&d.join(".public.threadarc-previous"), "a-w");
    for n in 0..3 {
        write(&d.join("threads/t/a.txt"), &format!("First thread\n\none\n\nbuild {n}\n"));
        built(unprivileged(d, &["build"]));
        assert!(fs::read_to_string(d.join("public/t/first-thread.html")).unwrap().contains(&format!("build {n}")));
        assert!(leftovers(d).is_empty(), "{:?}", leftovers(d));
    }
}

#[test]
fn a_build_that_cannot_write_names_the_path_and_keeps_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    dumps(&project);
    built(unprivileged(&project, &["build"]));
    write(&project.join("threads/t/a.txt"), "First thread\n\none\n\nagain\n");
    built(unprivileged(&project, &["build"]));
    let before = snapshot(&project.join("public"));
    write(&project.join("threads/t/a.txt"), "First thread\n\none\n\nonce more\n");
    chown_tree(dir.path());
    // Nothing can be made or moved beside the archive.
    fs::set_permissions(&project, fs::Permissions::from_mode(0o555)).unwrap();
    let out = unprivileged(&project, &["build"]);
    fs::set_permissions(&project, fs::Permissions::from_mode(0o755)).unwrap();
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains(".public.threadarc-"), "no path named: {message}");
    assert!(message.contains("public was left as it was"), "{message}");
    assert_eq!(before, snapshot(&project.join("public")));
}

#[test]
fn an_unreadable_topic_folder_is_a_diagnostic_with_keep_going() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dumps(d);
    chown_tree(d);
    fs::set_permissions(d.join("threads/u"), fs::Permissions::from_mode(0o000)).unwrap();
    let out = unprivileged(d, &["build", "--keep-going"]);
    fs::set_permissions(d.join("threads/u"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("threads/u"), "{}", stderr(&out));
    assert!(d.join("public/t/first-thread.html").is_file(), "the readable dumps were not built");
    let out = unprivileged(d, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
}
