//! What a build tells its caller: the report of a build that published an archive, the
//! error of one that did not, and how long each stage took.

use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::diagnostic::Diagnostic;
use crate::search;
use crate::term;

#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub threads: usize,
    pub posts: usize,
    pub pages: usize,
    /// Files written new; the others are the last build's, kept as they were.
    pub written: usize,
    pub search: search::IndexStats,
    /// Seconds spent building and writing the search index.
    pub search_seconds: f64,
    pub diagnostics: Vec<Diagnostic>,
    pub seconds: f64,
    /// Each stage, in order, for `--verbose`.
    pub stages: Vec<Stage>,
    /// Dumps whose posts' bodies were let go once read ([`super::BuildOptions::low_memory`]).
    pub reread: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// The line `build` and `serve` print after a build into `output`.
    pub fn summary(&self, output: &Path) -> String {
        format!(
            "built {} ({}) from {} into {}: {} ({}) in {:.2} s",
            term::count(self.threads, "thread"),
            term::count(self.posts, "post"),
            term::count(self.files, "file"),
            term::clean(&output.display().to_string()),
            term::count(self.pages, "page"),
            match self.written {
                0 => "nothing changed".to_owned(),
                n => format!("{} written", term::count(n, "file")),
            },
            self.seconds
        )
    }
}

/// Why a build wrote nothing.
#[derive(Debug)]
pub struct BuildError {
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
    /// Another build held the output's lock: the same build may succeed once it ends.
    pub busy: bool,
}

impl BuildError {
    pub fn new(message: impl Into<String>) -> BuildError {
        BuildError { message: message.into(), diagnostics: Vec::new(), busy: false }
    }

    /// The error, saying that the archive in `output` (if there is one) is as it was.
    pub(super) fn archive_kept(mut self, output: &Path) -> BuildError {
        if output.exists() {
            self.message = format!("{}; the archive in {} was left as it was", self.message, output.display());
        } else {
            self.message = format!("{}; nothing was written to {}", self.message, output.display());
        }
        self
    }
}

impl From<Diagnostic> for BuildError {
    fn from(d: Diagnostic) -> BuildError {
        BuildError { message: "the configuration could not be read".into(), diagnostics: vec![d], busy: false }
    }
}

/// Refuses to publish an archive into `output` without the dumps that could not be read,
/// unless told to `keep_going`.
pub(super) fn check_errors(diagnostics: &[Diagnostic], keep_going: bool, output: &Path) -> Result<(), BuildError> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 && !keep_going {
        return Err(BuildError {
            message: format!(
                "{errors} dump{} could not be read; the archive in {} was left as it was (fix them, or pass --keep-going to build without them)",
                if errors == 1 { "" } else { "s" },
                output.display()
            ),
            diagnostics: diagnostics.to_vec(),
            busy: false,
        });
    }
    Ok(())
}

/// How long each stage of a build took, and the process's peak memory after it.
pub(super) struct Stages {
    pub list: Vec<Stage>,
    since: Instant,
    started: Instant,
}

/// One stage of a build, for `--verbose`.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub seconds: f64,
    /// The process's peak resident memory so far, in bytes, where the system tells it.
    pub peak_memory: Option<u64>,
}

impl Stages {
    pub fn new() -> Stages {
        let now = Instant::now();
        Stages { list: Vec::new(), since: now, started: now }
    }

    /// Seconds since the build started.
    pub fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    pub fn done(&mut self, name: &'static str) {
        let now = Instant::now();
        self.list.push(Stage { name, seconds: (now - self.since).as_secs_f64(), peak_memory: peak_memory() });
        self.since = now;
    }
}

/// The peak resident memory of this process (Linux's `VmHWM`).
fn peak_memory() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
