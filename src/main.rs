//! The `threadarc` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use threadarc::build::{self, BuildOptions};
use threadarc::diagnostic::Diagnostic;
use threadarc::load::{self, Dump};
use threadarc::parse::Format;

#[derive(Parser)]
#[command(name = "threadarc", version, about = "Turn discussion thread dumps into a static, browsable HTML archive")]
#[command(
    after_help = "Examples:\n  threadarc build                 read threads/ and archive.toml, write public/\n  threadarc parse --json dump.txt print the posts read from a dump as JSON"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the archive: read the dumps under threads/, write public/.
    Build {
        /// The folder of dumps, one folder per topic.
        #[arg(long, default_value = "threads")]
        input: PathBuf,
        /// The folder to write the archive to; it is replaced whole.
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// The archive's configuration [default: archive.toml, if present].
        #[arg(long)]
        config: Option<PathBuf>,
        /// Read every dump as this format instead of detecting it.
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// Write the archive even if some dumps cannot be read (they are left out).
        #[arg(long)]
        keep_going: bool,
        /// Replace the output folder even if threadarc did not create it.
        #[arg(long)]
        force: bool,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Print the posts read from dump files.
    Parse {
        /// Print one JSON array of threads instead of a summary.
        #[arg(long)]
        json: bool,
        /// Read the files as this format instead of detecting it.
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format; known formats: {}", names.join(", "))
    })
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build { input, output, config, format, keep_going, force, quiet } => {
            let options = BuildOptions {
                input,
                output,
                config_required: config.is_some(),
                config: config.unwrap_or_else(|| PathBuf::from("archive.toml")),
                format,
                keep_going,
                force,
            };
            run_build(&options, quiet)
        }
        Command::Parse { json, format, files } => run_parse(&files, json, format),
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic], quiet: bool) {
    for d in diagnostics {
        if !quiet || d.is_error() {
            eprintln!("{d}");
        }
    }
}

fn run_build(options: &BuildOptions, quiet: bool) -> ExitCode {
    match build::build(options) {
        Ok(report) => {
            print_diagnostics(&report.diagnostics, quiet);
            if !quiet {
                eprintln!(
                    "built {} thread{} ({} posts) from {} file{} into {}: {} pages in {:.2} s",
                    report.threads,
                    if report.threads == 1 { "" } else { "s" },
                    report.posts,
                    report.files,
                    if report.files == 1 { "" } else { "s" },
                    options.output.display(),
                    report.pages,
                    report.seconds
                );
                eprintln!(
                    "search index: {} terms of {} posts in {} files, {:.1} MB, in {:.2} s",
                    report.search.terms,
                    report.search.docs,
                    report.search.files,
                    report.search.bytes as f64 / 1e6,
                    report.search_seconds
                );
            }
            if report.errors() > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(e) => {
            print_diagnostics(&e.diagnostics, quiet);
            eprintln!("error: {}", e.message);
            ExitCode::FAILURE
        }
    }
}

fn run_parse(files: &[PathBuf], json: bool, format: Option<Format>) -> ExitCode {
    let mut threads = Vec::new();
    let mut failed = false;
    for file in files {
        let name = file.display().to_string();
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("error: {name}: cannot read: {e}");
                failed = true;
                continue;
            }
        };
        let topic = file
            .parent()
            .and_then(|p| p.file_name())
            .map_or_else(|| "general".to_owned(), |n| n.to_string_lossy().into_owned());
        let loaded = load::load(&Dump { path: &name, topic: &topic, bytes: &bytes, format });
        print_diagnostics(&loaded.diagnostics, false);
        failed |= loaded.diagnostics.iter().any(Diagnostic::is_error);
        if !json {
            if let Some(d) = &loaded.detection {
                println!("{name}: {} ({})", d.format, d.reason);
            }
            for thread in &loaded.threads {
                println!("  thread “{}” in topic “{}”: {} posts", thread.title, thread.topic, thread.posts.len());
                for post in &thread.posts {
                    let excerpt = threadarc::render::markup::excerpt(&post.body, false, 60);
                    println!(
                        "    #{:<4} {:<20} {:<20} {:>3} likes{}  {}",
                        post.number,
                        post.author.as_deref().unwrap_or("-"),
                        post.date.map_or_else(|| "-".to_owned(), |d| d.to_string()),
                        post.likes,
                        post.reply_to.map_or_else(String::new, |n| format!("  ↪ #{n}")),
                        excerpt
                    );
                }
            }
        }
        threads.extend(loaded.threads);
    }
    if json {
        match serde_json::to_string_pretty(&threads) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
