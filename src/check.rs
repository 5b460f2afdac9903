//! `threadarc check`: read the configuration and every dump as `build` would, write
//! nothing, and report like a compiler: each problem with its file, line and a hint, then
//! a table of what each dump was read as.
//!
//! It goes through the same stages as a build ([`Config::load`], [`build::discover`],
//! [`build::load_all`]), so what check accepts, build accepts. On top of that it warns
//! about what a build silently allows: a `[topics.NAME]` in `archive.toml` that no dump is
//! in (a typo, usually), and an input folder with no dumps at all.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use crate::build::{self, Found};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Format;
use crate::term::{self, EMPHASIS, ERROR, GOOD, Verbosity, WARNING};
use crate::theme::{self, Theme};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub input: PathBuf,
    pub config: PathBuf,
    /// Whether the configuration file was named (then it must exist).
    pub config_required: bool,
    pub format: Option<Format>,
    /// Count warnings as failures.
    pub strict: bool,
}

/// What check found; `--json` prints this.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// False when there are errors, or warnings under `--strict`.
    pub ok: bool,
    /// The configuration file read, or `null` when there was none and defaults apply.
    pub config: Option<String>,
    pub files: Vec<FileReport>,
    /// Every problem, the configuration's first, then the dumps' in file order.
    pub diagnostics: Vec<Diagnostic>,
    pub totals: Totals,
}

/// One dump and what was read from it.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    /// The format the dump was read as (`null` when it could not be read far enough).
    pub format: Option<Format>,
    /// Why that format: detection's reason, or where it was set.
    pub reason: Option<String>,
    pub threads: usize,
    pub posts: usize,
    pub notes: usize,
    pub warnings: usize,
    pub errors: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub files: usize,
    pub threads: usize,
    pub posts: usize,
    pub notes: usize,
    pub warnings: usize,
    pub errors: usize,
}

pub fn check(options: &CheckOptions) -> CheckReport {
    let mut diagnostics = Vec::new();
    let config = match Config::load(&options.config, options.config_required) {
        Ok(config) => config,
        Err(d) => {
            diagnostics.push(d);
            Config::default()
        }
    };
    let config_read = options.config.is_file().then(|| options.config.display().to_string());
    // The theme is read as a build reads it: its errors are a build's.
    let (_, theme_problems) = Theme::load(&theme::folder(&options.input), &config.language, &options.config);
    diagnostics.extend(theme_problems);

    let (found, discovered) = match build::discover_except(&options.input, &config.default_topic, Some(&options.config))
    {
        Ok(found) => found,
        Err(e) => {
            diagnostics.push(Diagnostic::error(options.input.display().to_string(), None, e.message));
            (Vec::new(), Vec::new())
        }
    };
    diagnostics.extend(discovered);

    let mut files = Vec::new();
    let mut topics_used = BTreeSet::new();
    let (loaded, attached) = build::load_all(&found, options.format, &config, &options.config);
    for (f, loaded) in found.iter().zip(loaded).filter(|(f, _)| f.is_dump()) {
        let shown = f.path.display().to_string();
        let mut file_diagnostics = loaded.diagnostics;
        for d in &mut file_diagnostics {
            if d.path == f.relative {
                d.path.clone_from(&shown);
            }
        }
        topics_used.extend(loaded.threads.iter().map(|t| t.topic.clone()));
        files.push(FileReport {
            path: shown,
            format: loaded.detection.as_ref().map(|d| d.format),
            reason: loaded.detection.map(|d| d.reason),
            threads: loaded.threads.len(),
            posts: loaded.threads.iter().map(|t| t.posts.len()).sum(),
            notes: count(&file_diagnostics, Severity::Note),
            warnings: count(&file_diagnostics, Severity::Warning),
            errors: count(&file_diagnostics, Severity::Error),
        });
        diagnostics.extend(file_diagnostics);
    }

    diagnostics.extend(attached);
    if options.input.is_dir() && !found.iter().any(Found::is_dump) {
        diagnostics.push(
            Diagnostic::warning(
                options.input.display().to_string(),
                None,
                "no dumps found; the archive would be empty",
            )
            .with_hint("put dumps in it, one folder per topic: threads/TOPIC/THREAD.txt"),
        );
    }
    // Only when every dump was read: a topic of an unreadable dump is not known.
    if files.iter().all(|f| f.errors == 0) {
        let config_text = std::fs::read_to_string(&options.config).unwrap_or_default();
        for name in config.topics.keys().filter(|name| !topics_used.contains(*name)) {
            diagnostics.push(
                Diagnostic::warning(
                    options.config.display().to_string(),
                    topic_line(&config_text, name),
                    format!("[topics.{name}] matches no dump's topic"),
                )
                .with_hint(format!(
                    "a topic is the folder under {} a dump sits in (or front matter's `topic`); check the spelling",
                    options.input.display()
                )),
            );
        }
    }

    let totals = Totals {
        files: files.len(),
        threads: files.iter().map(|f| f.threads).sum(),
        posts: files.iter().map(|f| f.posts).sum(),
        notes: count(&diagnostics, Severity::Note),
        warnings: count(&diagnostics, Severity::Warning),
        errors: count(&diagnostics, Severity::Error),
    };
    let ok = totals.errors == 0 && !(options.strict && totals.warnings > 0);
    CheckReport { ok, config: config_read, files, diagnostics, totals }
}

fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics.iter().filter(|d| d.severity == severity).count()
}

/// The line of a `[topics.NAME]` table in the configuration's text, if it is written so.
fn topic_line(text: &str, name: &str) -> Option<usize> {
    let forms = [format!("[topics.{name}]"), format!("[topics.\"{name}\"]"), format!("[topics.'{name}']")];
    text.lines().position(|line| forms.iter().any(|f| line.trim() == f)).map(|i| i + 1)
}

/// `threadarc check`, with what it prints: diagnostics on stderr, the table on stdout (or
/// the report as JSON).
pub fn run(options: &CheckOptions, json: bool, verbosity: Verbosity) -> ExitCode {
    let report = check(options);
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => term::print_out(&format!("{text}\n")),
            Err(e) => {
                term::print_error(&format!("cannot write the report as JSON: {e}"));
                return ExitCode::FAILURE;
            }
        }
    } else {
        // Check is where to see everything the dumps gave rise to: notes too.
        let least = if verbosity == Verbosity::Quiet { Severity::Error } else { Severity::Note };
        term::print_diagnostics(&report.diagnostics, least);
        if verbosity > Verbosity::Quiet {
            if !report.files.is_empty() {
                term::print_out(&table(&report, verbosity == Verbosity::Verbose));
            }
            term::print_out(&format!("{}\n", summary(&report, options)));
        }
    }
    if report.ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The summary table: a row per dump.
pub fn table(report: &CheckReport, with_reasons: bool) -> String {
    let mut rows: Vec<[String; 7]> = vec![[
        "FILE".into(),
        "FORMAT".into(),
        "THREADS".into(),
        "POSTS".into(),
        "WARNINGS".into(),
        "ERRORS".into(),
        if with_reasons { "WHY".into() } else { String::new() },
    ]];
    for f in &report.files {
        rows.push([
            term::clean(&f.path),
            f.format.map_or_else(|| "-".into(), |format| format.name().to_owned()),
            f.threads.to_string(),
            f.posts.to_string(),
            f.warnings.to_string(),
            f.errors.to_string(),
            if with_reasons { term::clean(f.reason.as_deref().unwrap_or("-")) } else { String::new() },
        ]);
    }
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..7).map(width).collect();
    let mut out = String::new();
    for (n, row) in rows.iter().enumerate() {
        let mut line = format!("{:<w0$}  {:<w1$}", row[0], row[1], w0 = widths[0], w1 = widths[1]);
        for (i, cell) in row.iter().enumerate().take(6).skip(2) {
            let style = match (n, i) {
                (0, _) => anstyle::Style::new(),
                (_, 4) if cell != "0" => WARNING,
                (_, 5) if cell != "0" => ERROR,
                _ => anstyle::Style::new(),
            };
            line.push_str(&format!("  {style}{cell:>w$}{style:#}", w = widths[i]));
        }
        if with_reasons {
            line.push_str(&format!("  {}", row[6]));
        }
        if n == 0 {
            line = format!("{EMPHASIS}{}{EMPHASIS:#}", line.trim_end());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn summary(report: &CheckReport, options: &CheckOptions) -> String {
    let t = &report.totals;
    let read = match &report.config {
        Some(config) => format!("{} and {}", term::clean(config), term::count(t.files, "dump")),
        None => term::count(t.files, "dump"),
    };
    let found = format!("{}, {}", term::count(t.threads, "thread"), term::count(t.posts, "post"));
    let notes = match t.notes {
        0 => String::new(),
        n => format!(" ({})", term::count(n, "note")),
    };
    if t.errors == 0 && t.warnings == 0 {
        return format!("{GOOD}ok{GOOD:#}: checked {read}: {found}{notes}");
    }
    let problems = format!("{}, {}", term::count(t.errors, "error"), term::count(t.warnings, "warning"));
    let style = if report.ok { WARNING } else { ERROR };
    let verdict = if report.ok { "ok" } else { "failed" };
    let strict = if options.strict && t.errors == 0 { " (--strict counts warnings)" } else { "" };
    format!("{style}{verdict}{style:#}: checked {read}: {found}; {problems}{notes}{strict}")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn options(dir: &Path) -> CheckOptions {
        CheckOptions {
            input: dir.join("threads"),
            config: dir.join("archive.toml"),
            config_required: false,
            format: None,
            strict: false,
        }
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn good_archive() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("threads/a/one.txt"), "One\n\nfirst\n\nsecond\n");
        write(&dir.path().join("archive.toml"), "[topics.a]\ntitle = \"A\"\n");
        let report = check(&options(dir.path()));
        assert!(report.ok, "{:?}", report.diagnostics);
        assert_eq!(report.files.len(), 1);
        assert_eq!((report.files[0].format, report.files[0].posts), (Some(Format::Plain), 2));
        assert_eq!(report.totals.threads, 1);
    }

    #[test]
    fn bad_dump_and_config() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("threads/a/bad.txt"), "+++\ntitle = \"x\"\ncolour = \"red\"\n+++\nT\n\nbody\n");
        write(&dir.path().join("archive.toml"), "title = \"A\"\nper_page = 3\n");
        let report = check(&options(dir.path()));
        assert!(!report.ok);
        assert_eq!(report.totals.errors, 2, "{:?}", report.diagnostics);
        let config = &report.diagnostics[0];
        assert_eq!(config.line, Some(2));
        assert!(config.path.ends_with("archive.toml"));
        let dump = &report.diagnostics[1];
        assert!(dump.path.ends_with("threads/a/bad.txt"), "{}", dump.path);
        assert_eq!(dump.line, Some(3));
        assert_eq!(report.files[0].errors, 1);
    }

    #[test]
    fn unused_topic_and_strict() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("threads/a/one.txt"), "One\n\nfirst\n\nsecond\n");
        write(&dir.path().join("archive.toml"), "title = \"A\"\n\n[topics.b]\ntitle = \"B\"\n");
        let report = check(&options(dir.path()));
        assert!(report.ok);
        assert_eq!(report.diagnostics.len(), 1);
        assert_eq!(report.diagnostics[0].line, Some(3));
        assert!(report.diagnostics[0].message.contains("[topics.b]"));
        let strict = check(&CheckOptions { strict: true, ..options(dir.path()) });
        assert!(!strict.ok);
    }

    #[test]
    fn missing_input_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let report = check(&options(dir.path()));
        assert!(!report.ok);
        assert!(report.diagnostics[0].message.contains("does not exist"));
        assert_eq!(report.config, None);
    }

    #[test]
    fn table_lines_up() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("threads/a/one.txt"), "One\n\nfirst\n\nsecond\n");
        write(&dir.path().join("threads/long-topic-name/two.txt"), "Two\n\nfirst\n");
        let report = check(&options(dir.path()));
        let text = anstream::adapter::strip_str(&table(&report, false)).to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("FILE"));
        let column = lines[0].find("FORMAT").unwrap();
        assert!(lines[1..].iter().all(|l| l[column..].starts_with("plain")), "{text}");
    }
}
