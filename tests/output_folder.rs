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
