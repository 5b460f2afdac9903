//! The `threadarc` command line.

use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use threadarc::build::{self, BuildOptions};
use threadarc::check::{self, CheckOptions};
use threadarc::diagnostic::{Diagnostic, Severity};
use threadarc::model::Format;
use threadarc::serve::{self, ServeOptions};
use threadarc::term::{self, Verbosity};

/// A build allocates many small strings on every core; mimalloc's per-thread heaps make
/// that a good deal cheaper than the system allocator's shared arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "threadarc", version, about = "Turn discussion thread dumps into a static, browsable HTML archive")]
#[command(after_help = "\
Examples:
  threadarc init my-archive        a new archive folder with example dumps
  threadarc serve                  build, browse at http://127.0.0.1:8000/, rebuild on changes
  threadarc check                  read every dump and report problems, writing nothing
  threadarc build                  read threads/ and archive.toml, write public/
  threadarc parse --json dump.txt  print the posts read from a dump as JSON

Run `threadarc help COMMAND` for a command's options.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print nothing but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more: why each dump was read as its format (check), each request (serve).
    #[arg(short, long, global = true)]
    verbose: bool,
    /// When to colour messages: auto is on a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    color: Color,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Where the dumps and the configuration are, and how to read them.
#[derive(Args)]
struct Source {
    /// The folder of dumps, one folder per topic.
    #[arg(long, value_name = "DIR", default_value = "threads")]
    input: PathBuf,
    /// The archive's configuration [default: archive.toml, if present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Read every dump as this format instead of detecting it.
    #[arg(long, value_name = "NAME", value_parser = parse_format)]
    format: Option<Format>,
}

/// Where the archive goes.
#[derive(Args)]
struct Output {
    /// The folder to write the archive to; it is replaced whole.
    #[arg(long, value_name = "DIR", default_value = "public")]
    output: PathBuf,
    /// Write the archive even if some dumps cannot be read (they are left out).
    #[arg(long)]
    keep_going: bool,
    /// Replace the output folder even if threadarc did not create it.
    #[arg(long)]
    force: bool,
    /// Read posts again from the dumps where needed instead of holding them all (on by itself
    /// above 256 MiB of dumps)
    #[arg(long)]
    low_memory: bool,
}

impl Source {
    fn config(&self) -> (PathBuf, bool) {
        match &self.config {
            Some(path) => (path.clone(), true),
            None => (PathBuf::from("archive.toml"), false),
        }
    }

    fn build_options(self, output: Output, verbosity: Verbosity) -> BuildOptions {
        let (config, config_required) = self.config();
        BuildOptions {
            input: self.input,
            output: output.output,
            config,
            config_required,
            format: self.format,
            keep_going: output.keep_going,
            force: output.force,
            low_memory: output.low_memory,
            progress: verbosity > Verbosity::Quiet && io::IsTerminal::is_terminal(&io::stderr()),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Make a new archive folder: archive.toml, example dumps, .gitignore.
    #[command(after_help = "\
Examples:
  threadarc init my-archive    make my-archive/ and fill it
  threadarc init               fill the current folder (it must be empty)")]
    Init {
        /// The folder to make; it must be new or empty.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build the archive: read the dumps under threads/, write public/.
    #[command(after_help = "\
Examples:
  threadarc build                              threads/ + archive.toml -> public/
  threadarc build --keep-going                 leave out dumps that cannot be read
  threadarc build --input dumps --output site --config my.toml")]
    Build {
        #[command(flatten)]
        source: Source,
        #[command(flatten)]
        output: Output,
    },
    /// Read every dump and the configuration, report problems, write nothing.
    ///
    /// Problems are printed with file, line and a hint, then a table of what each dump
    /// was read as. The exit status is 1 if anything is wrong.
    #[command(after_help = "\
Examples:
  threadarc check               problems, then a table: file, format, threads, posts
  threadarc check --strict      fail on warnings too
  threadarc check --json        the same as one JSON object, for tools
  threadarc check --host cloudflare-pages   does public/ fit Cloudflare Pages' limits?")]
    Check {
        #[command(flatten)]
        source: Source,
        /// Print one JSON object (files, diagnostics, totals) instead of text.
        #[arg(long)]
        json: bool,
        /// Count warnings as failures (exit status 1).
        #[arg(long)]
        strict: bool,
        /// Instead of the dumps, hold the archive built in --output against a static host's
        /// limits (size, files, largest file, fullest folder).
        #[arg(long, value_name = "HOST", value_parser = clap::builder::PossibleValuesParser::new(
            threadarc::hosts::HOSTS.iter().map(|h| h.name)))]
        host: Option<String>,
        /// The built archive that --host measures.
        #[arg(long, value_name = "DIR", default_value = "public")]
        output: PathBuf,
    },
    /// Build, serve the archive on 127.0.0.1, and rebuild when dumps change.
    ///
    /// Watches the input folder and the configuration; after each successful rebuild the
    /// pages open in a browser reload. A failed rebuild prints its problems and the
    /// previous archive stays served. Only files inside the output folder are served.
    #[command(after_help = "\
Examples:
  threadarc serve               http://127.0.0.1:8000/
  threadarc serve --port 0      any free port (the address is printed)
  threadarc serve --keep-going  serve the dumps that can be read while you fix the rest")]
    Serve {
        #[command(flatten)]
        source: Source,
        #[command(flatten)]
        output: Output,
        /// The port on 127.0.0.1 to serve on; 0 picks a free one.
        #[arg(long, short, value_name = "N", default_value_t = 8000)]
        port: u16,
    },
    /// Print the posts read from dump files.
    #[command(after_help = "\
Examples:
  threadarc parse dump.txt             what was read, post by post
  threadarc parse --json a.txt b.txt   one JSON array of threads")]
    Parse {
        /// Print one JSON array of threads instead of a summary.
        #[arg(long)]
        json: bool,
        /// Read the files as this format instead of detecting it.
        #[arg(long, value_name = "NAME", value_parser = parse_format)]
        format: Option<Format>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  threadarc completions bash > ~/.local/share/bash-completion/completions/threadarc
  threadarc completions zsh > ~/.zfunc/_threadarc
  threadarc completions fish > ~/.config/fish/completions/threadarc.fish")]
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format; known formats: {}", names.join(", "))
    })
}

/// Commits arena memory as it is used, and gives freed memory back to the system after
/// 10 ms unused (mimalloc's own default, set here so that no environment changes it):
/// a build frees much of what one stage used before the next. Giving it back at once
/// lowers the peak memory of a build at 100,000 posts by a tenth, but costs a tenth of a
/// rebuild's time in system calls and page faults. (mimalloc's option numbers, the same in
/// its v2 and v3 `mimalloc.h`: `mi_option_arena_eager_commit` and `mi_option_purge_delay`.)
///
/// On Linux, transparent huge pages are turned off for the process: mimalloc asks for
/// them, and each then takes 2 MiB of memory however little of it is used, which made a
/// build's peak memory a third higher for no measurable gain in time.
fn tune_allocator() {
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting options is always allowed; they only steer the allocator's policy.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
    }
    // A kernel without transparent huge pages has nothing to turn off.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    anstream::ColorChoice::write_global(match cli.color {
        Color::Auto => anstream::ColorChoice::Auto,
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
    });
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    match cli.command {
        Command::Init { dir } => threadarc::init::run(&dir, verbosity),
        Command::Build { source, output } => run_build(&source.build_options(output, verbosity), verbosity),
        Command::Check { host: Some(host), output, json, .. } => run_host_check(&host, &output, json),
        Command::Check { source, json, strict, .. } => {
            let (config, config_required) = source.config();
            let options = CheckOptions { input: source.input, config, config_required, format: source.format, strict };
            check::run(&options, json, verbosity)
        }
        Command::Serve { source, output, port } => {
            serve::run(&ServeOptions { build: source.build_options(output, verbosity), port }, verbosity)
        }
        Command::Parse { json, format, files } => run_parse(&files, json, format),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "threadarc", &mut io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// `check --host`: the archive in `output` against the host's limits; fails when it does
/// not fit.
fn run_host_check(name: &str, output: &std::path::Path, json: bool) -> ExitCode {
    let host = threadarc::hosts::host(name).expect("clap allows only known hosts");
    if !output.join(build::MARKER).is_file() {
        eprintln!(
            "error: {} holds no archive threadarc built\n  hint: run `threadarc build` first, or name the archive with --output DIR",
            output.display()
        );
        return ExitCode::FAILURE;
    }
    let stats = match threadarc::hosts::measure(output) {
        Ok(stats) => stats,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let verdict = threadarc::hosts::judge(host, &stats);
    if json {
        println!("{}", serde_json::to_string_pretty(&verdict).expect("a verdict serialises"));
    } else {
        print!("{}", threadarc::hosts::report(host, &verdict, output));
    }
    if verdict.fits { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn run_build(options: &BuildOptions, verbosity: Verbosity) -> ExitCode {
    match build::build(options) {
        Ok(report) => {
            term::print_diagnostics(&report.diagnostics, verbosity.least_shown());
            if verbosity > Verbosity::Quiet {
                anstream::eprintln!("{}", report.summary(&options.output));
                if verbosity > Verbosity::Normal && report.search.files > 0 {
                    let mended = match report.search.mended {
                        Some(made) => format!("; the postings of {made} terms made, the rest kept"),
                        None => String::new(),
                    };
                    anstream::eprintln!(
                        "search index: {} terms of {} posts in {} files, {:.1} MB, in {:.2} s \
                         ({} of {} threads kept from the last build{mended})",
                        report.search.terms,
                        report.search.docs,
                        report.search.files,
                        report.search.bytes as f64 / 1e6,
                        report.search_seconds,
                        report.search.stored,
                        report.threads
                    );
                }
                if verbosity > Verbosity::Normal && report.reread > 0 {
                    anstream::eprintln!(
                        "low memory: the posts of {} dumps were let go once read, and read again where needed",
                        report.reread
                    );
                }
                if verbosity > Verbosity::Normal {
                    let stages: Vec<String> = report
                        .stages
                        .iter()
                        .map(|s| match s.peak_memory {
                            Some(bytes) => format!("{} {:.2} s (peak {} MB)", s.name, s.seconds, bytes >> 20),
                            None => format!("{} {:.2} s", s.name, s.seconds),
                        })
                        .collect();
                    anstream::eprintln!("stages: {}", stages.join(", "));
                }
            }
            if report.errors() > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(e) => {
            term::print_diagnostics(&e.diagnostics, verbosity.least_shown());
            term::print_error(&e.message);
            ExitCode::FAILURE
        }
    }
}

fn run_parse(files: &[PathBuf], json: bool, format: Option<Format>) -> ExitCode {
    let mut threads = Vec::new();
    let mut failed = false;
    for file in files {
        let name = file.display().to_string();
        let loaded = build::load_path(file, format);
        term::print_diagnostics(&loaded.diagnostics, Severity::Note);
        failed |= loaded.diagnostics.iter().any(Diagnostic::is_error);
        if !json {
            let mut text = String::new();
            if let Some(d) = &loaded.detection {
                let _ = writeln!(text, "{name}: {} ({})", d.format, d.reason);
            }
            for thread in &loaded.threads {
                let _ = writeln!(
                    text,
                    "  thread “{}” in topic “{}”: {} posts",
                    thread.title,
                    thread.topic,
                    thread.posts.len()
                );
                for post in &thread.posts {
                    let excerpt = threadarc::render::markup::excerpt(&post.body, false, 60);
                    let _ = writeln!(
                        text,
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
            term::print_out(&text);
        }
        threads.extend(loaded.threads);
    }
    if json {
        match serde_json::to_string_pretty(&threads) {
            Ok(text) => term::print_out(&format!("{text}\n")),
            Err(e) => {
                term::print_error(&e.to_string());
                return ExitCode::FAILURE;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
