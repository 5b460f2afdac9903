//! `threadarc serve`: build the archive, serve it on 127.0.0.1, rebuild when a dump or the
//! configuration changes, and reload the pages open in a browser.
//!
//! ```text
//! build → listen → ┬ HTTP workers: files from the output folder, and the reload endpoint
//!                  └ main thread: file-change events (debounced) → rebuild → generation + 1
//! ```
//!
//! Serving: only files inside the output folder are served. A request path is
//! percent-decoded and refused (400) if it holds `..`, `.`, a backslash, a NUL or another
//! control character, or anything that is not a plain file name on this system; hidden
//! files are not served; what is left is joined to the output folder, resolved
//! (symbolic links included), and served only if it is still inside the folder. Zola's
//! server once served `/../../etc/passwd`; the tests try that and its encoded forms.
//!
//! Live reload: the pages say `script-src 'self'` and nothing else may connect, so the
//! server, in the HTML it serves (never in the files on disk), adds a
//! `<script src="/__threadarc/reload.js">` and rewrites the page's Content-Security-Policy
//! meta tag to allow scripts and connections to 'self'. The script polls
//! `/__threadarc/reload`, which answers with the build generation, and reloads the page
//! when it changes.
//!
//! Rebuilds go through [`build::build`], so a failed one leaves the previous archive in
//! place: it is printed and the server keeps serving what it had. A rebuild that meets
//! another build's lock is tried again until it runs; a build by hand into the same folder
//! (its cache, written last, changes) reloads the open pages too. Templates and the
//! stylesheet are compiled into threadarc, so the input folder, the configuration and the
//! theme folder beside them are all there is to watch (`Watch::targets`).

use std::fs;
use std::io;
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use http::{Reply, Request};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::build::{self, BuildOptions};

mod http;
use crate::term::{self, EMPHASIS, Verbosity};

/// The script that reloads pages; see the module documentation.
pub const RELOAD_JS: &str = include_str!("serve/reload.js");

/// Where the server's own endpoints live; no archive page has a name starting `__`.
const RELOAD_SCRIPT_PATH: &str = "/__threadarc/reload.js";
const RELOAD_PATH: &str = "/__threadarc/reload";

/// How long file changes must settle before a rebuild.
const SETTLE: Duration = Duration::from_millis(250);

/// Threads answering HTTP requests.
const WORKERS: usize = 4;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    /// 0 picks a free port.
    pub port: u16,
}

/// What the HTTP workers share with the main thread.
struct State {
    /// The output folder, absolute.
    root: PathBuf,
    /// Tells pages of this server apart from those of an earlier one on the same port.
    session: u64,
    /// Successful builds so far.
    generation: AtomicU64,
    verbosity: Verbosity,
}

impl State {
    fn token(&self) -> String {
        format!("{:x}-{}", self.session, self.generation.load(Ordering::SeqCst))
    }
}

enum Event {
    Files(notify::Result<notify::Event>),
    Stop,
}

/// Why the server could not start.
struct ServeError {
    message: String,
    hint: Option<&'static str>,
}

impl ServeError {
    fn new(message: String) -> ServeError {
        ServeError { message, hint: None }
    }
}

/// `threadarc serve`: runs until Ctrl-C.
pub fn run(options: &ServeOptions, verbosity: Verbosity) -> ExitCode {
    match serve(options, verbosity) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            term::print_error(&e.message);
            if let Some(hint) = e.hint {
                anstream::eprintln!("  {}hint{:#}: {hint}", term::HINT, term::HINT);
            }
            ExitCode::FAILURE
        }
    }
}

fn serve(options: &ServeOptions, verbosity: Verbosity) -> Result<(), ServeError> {
    let (events, receiver) = mpsc::channel();
    on_ctrl_c(events.clone())?;
    let watch =
        Watch::new(&options.build).map_err(|e| ServeError::new(format!("cannot find the current folder: {e}")))?;
    let session = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let state = Arc::new(State { root: watch.output.clone(), session, generation: AtomicU64::new(0), verbosity });

    // Watching starts before the first build, so that nothing saved while it runs, or
    // once the address is printed, goes unseen.
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = events.send(Event::Files(event));
    })
    .map_err(|e| ServeError::new(format!("cannot watch files for changes: {e}")))?;
    let (mut watching_input, mut watching_theme) = (false, false);
    for (path, mode) in watch.targets() {
        match watcher.watch(&path, mode) {
            Ok(()) => {
                watching_input |= path == watch.input;
                watching_theme |= path == watch.theme;
            }
            // The input and theme folders may not exist yet; their parent is watched for
            // them to appear.
            Err(_) if path == watch.input || path == watch.theme => {}
            Err(e) => {
                anstream::eprintln!("{}warning{:#}: cannot watch {}: {e}", term::WARNING, term::WARNING, path.display())
            }
        }
    }
    let mut retry = match rebuild(&options.build, verbosity) {
        Outcome::Built => {
            state.generation.fetch_add(1, Ordering::SeqCst);
            false
        }
        outcome => {
            anstream::eprintln!("serving what {} holds until a rebuild succeeds", options.build.output.display());
            outcome == Outcome::Busy
        }
    };

    let listener = TcpListener::bind(("127.0.0.1", options.port)).map_err(|e| ServeError {
        message: format!("cannot listen on 127.0.0.1:{}: {e}", options.port),
        hint: Some("another program may be using the port; pass --port N, or --port 0 for any free port"),
    })?;
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let stopping = Arc::new(AtomicBool::new(false));
    let served = Arc::clone(&state);
    http::spawn(listener, WORKERS, Arc::clone(&stopping), move |request| handle(request, &served));
    // stdout gets only this line, so that scripts (and the tests) can read the address.
    println!("serving {} at http://127.0.0.1:{port}/", options.build.output.display());

    if verbosity > Verbosity::Quiet {
        anstream::eprintln!(
            "watching {} and {} for changes; open pages reload after each build (Ctrl-C to stop)",
            options.build.input.display(),
            options.build.config.display()
        );
    }

    let mut input_id = folder_id(&watch.input);
    let mut published = stamp(&watch.cache);
    while let Some(changes) = next_changes(&receiver, &watch, retry) {
        // The input folder appeared, or was deleted and made anew: the watch on the old
        // one sees nothing of the new one.
        let id = folder_id(&watch.input);
        if id.is_some() && (!watching_input || id != input_id) {
            let _ = watcher.unwatch(&watch.input);
            watching_input = watcher.watch(&watch.input, RecursiveMode::Recursive).is_ok();
            input_id = id;
        }
        if !watching_theme && watch.theme.is_dir() {
            watching_theme = watcher.watch(&watch.theme, RecursiveMode::Recursive).is_ok();
        }
        if changes.paths.is_empty() && !retry {
            // Only the archive changed: another build wrote it (a `threadarc build` by
            // hand), and the pages open show the one before.
            if changes.published && stamp(&watch.cache) != published {
                published = stamp(&watch.cache);
                state.generation.fetch_add(1, Ordering::SeqCst);
                if verbosity > Verbosity::Quiet {
                    anstream::eprintln!(
                        "{} was built by another build; open pages reload",
                        options.build.output.display()
                    );
                }
            }
            continue;
        }
        if verbosity > Verbosity::Quiet {
            match changes.paths.first() {
                Some(first) => {
                    let more = match changes.paths.len() {
                        1 => String::new(),
                        n => format!(" and {}", term::count(n - 1, "other")),
                    };
                    let first = term::clean(&watch.shown(first));
                    anstream::eprintln!("{EMPHASIS}changed{EMPHASIS:#}: {first}{more}; rebuilding");
                }
                None => anstream::eprintln!("the other build is done; rebuilding"),
            }
        }
        retry = false;
        match rebuild(&options.build, verbosity) {
            Outcome::Built => {
                state.generation.fetch_add(1, Ordering::SeqCst);
            }
            Outcome::Busy => {
                retry = true;
                anstream::eprintln!("rebuilding once the other build ends");
            }
            Outcome::Failed => {
                anstream::eprintln!("still serving the previous archive; it reloads when a rebuild succeeds");
            }
        }
        published = stamp(&watch.cache);
    }
    stopping.store(true, Ordering::SeqCst);
    // Wakes the listener, which then sees that the server stops.
    let _ = std::net::TcpStream::connect_timeout(&(std::net::Ipv4Addr::LOCALHOST, port).into(), Duration::from_secs(1));
    if verbosity > Verbosity::Quiet {
        anstream::eprintln!("stopped");
    }
    Ok(())
}

/// Turns the first Ctrl-C into a stop event, handled once a build in progress is done;
/// a second one ends the process at once.
fn on_ctrl_c(events: mpsc::Sender<Event>) -> Result<(), ServeError> {
    let pressed = AtomicBool::new(false);
    ctrlc::set_handler(move || {
        if pressed.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ = events.send(Event::Stop);
    })
    .map_err(|e| ServeError::new(format!("cannot handle Ctrl-C: {e}")))
}

/// What changed since the last rebuild.
#[derive(Default)]
struct Changes {
    /// Files a rebuild reads, sorted.
    paths: Vec<PathBuf>,
    /// Whether the build's cache beside the archive was written: a build finished.
    published: bool,
}

/// How often a rebuild that met another build's lock is tried again.
const RETRY: Duration = Duration::from_millis(500);

/// Waits for changes that need a rebuild, or that show another build wrote the archive;
/// `None` when the server is to stop. Changes are collected until none has come for
/// [`SETTLE`], so that an editor saving several files, or a file written in pieces, makes
/// one rebuild. With `retry`, returns no changes after [`RETRY`] without any.
fn next_changes(receiver: &mpsc::Receiver<Event>, watch: &Watch, retry: bool) -> Option<Changes> {
    let mut changes = Changes::default();
    let mut settled_at: Option<Instant> = retry.then(|| Instant::now() + RETRY);
    loop {
        let event = match settled_at {
            None => receiver.recv().ok()?,
            Some(at) => match receiver.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(event) => event,
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            },
        };
        match event {
            Event::Stop => return None,
            Event::Files(Ok(event)) if is_change(&event.kind) => {
                let before = (changes.paths.len(), changes.published);
                changes.published |= event.paths.contains(&watch.cache);
                changes.paths.extend(event.paths.into_iter().filter(|p| watch.is_relevant(p)));
                if (changes.paths.len(), changes.published) != before {
                    settled_at = Some(Instant::now() + SETTLE);
                }
            }
            Event::Files(Ok(_)) => {}
            Event::Files(Err(e)) => {
                anstream::eprintln!("{}warning{:#}: watching files: {e}", term::WARNING, term::WARNING);
            }
        }
    }
    changes.paths.sort();
    changes.paths.dedup();
    Some(changes)
}

/// A folder's identity (device and inode), if it is there.
fn folder_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).ok().filter(|m| m.is_dir()).map(|m| (m.dev(), m.ino()))
}

/// When a file was last written, and which file it is, if it is there.
fn stamp(path: &Path) -> Option<(i128, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = fs::metadata(path).ok()?;
    Some((crate::cache::mtime(&metadata)?, metadata.ino()))
}

/// How a rebuild went.
#[derive(PartialEq, Eq)]
enum Outcome {
    Built,
    Failed,
    /// Another build was writing the archive.
    Busy,
}

/// Whether an event can mean new content. Reading a file is not a change: a build reads
/// every dump, and counting that would rebuild for ever.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Builds the archive, printing the outcome.
fn rebuild(options: &BuildOptions, verbosity: Verbosity) -> Outcome {
    match build::build(options) {
        Ok(report) => {
            term::print_diagnostics(&report.diagnostics, verbosity.least_shown());
            if verbosity > Verbosity::Quiet {
                anstream::eprintln!("{}", report.summary(&options.output));
            }
            Outcome::Built
        }
        Err(e) => {
            term::print_diagnostics(&e.diagnostics, verbosity.least_shown());
            term::print_error(&e.message);
            if e.busy { Outcome::Busy } else { Outcome::Failed }
        }
    }
}

/// The files a rebuild depends on, as absolute paths.
struct Watch {
    input: PathBuf,
    /// The theme folder beside the input folder.
    theme: PathBuf,
    config: PathBuf,
    output: PathBuf,
    /// The build's cache beside the output, written last by every build that finishes.
    cache: PathBuf,
    current: PathBuf,
}

impl Watch {
    fn new(options: &BuildOptions) -> io::Result<Watch> {
        let output = std::path::absolute(&options.output)?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(Watch {
            input: std::path::absolute(&options.input)?,
            theme: std::path::absolute(crate::theme::folder(&options.input))?,
            config: std::path::absolute(&options.config)?,
            cache: output.with_file_name(format!(".{name}.threadarc-cache")),
            output,
            current: std::env::current_dir()?,
        })
    }

    /// What to watch: the input and theme folders with everything in them, and the
    /// folders holding them, the configuration and the output (not their contents), which
    /// see the input or theme folder appear, an editor replace the configuration file, and
    /// another build finish.
    fn targets(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut targets =
            vec![(self.input.clone(), RecursiveMode::Recursive), (self.theme.clone(), RecursiveMode::Recursive)];
        for parent in [self.config.parent(), self.input.parent(), self.output.parent()].into_iter().flatten() {
            if !targets.iter().any(|(p, _)| p == parent) {
                targets.push((parent.to_owned(), RecursiveMode::NonRecursive));
            }
        }
        targets
    }

    /// Whether a change to `path` can change the archive: the configuration file, or a
    /// file a build reads (in the input or theme folder, not hidden, not in the output).
    fn is_relevant(&self, path: &Path) -> bool {
        if path == self.config {
            return true;
        }
        if path.starts_with(&self.output) {
            return false;
        }
        match path.strip_prefix(&self.input).or_else(|_| path.strip_prefix(&self.theme)) {
            Ok(rest) => !rest.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')),
            Err(_) => false,
        }
    }

    /// A path as the user would write it: relative to the current folder where it can be.
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.current).unwrap_or(path).display().to_string()
    }
}

/// Answers one request.
fn handle(request: &Request, state: &State) -> Reply {
    let target = request.target.as_str();
    let response = respond(request, target, state);
    if state.verbosity == Verbosity::Verbose {
        anstream::eprintln!("{} {} → {}", term::clean(&request.method), term::clean(target), response.status);
    }
    response
}

fn respond(request: &Request, target: &str, state: &State) -> Reply {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return text(405, "only GET and HEAD are served\n").with_header("Allow", "GET, HEAD");
    }
    if !host_is_local(request) {
        // A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding).
        return text(403, "this server answers only requests for 127.0.0.1 or localhost\n");
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == RELOAD_PATH {
        return text(200, &state.token());
    }
    if path == RELOAD_SCRIPT_PATH {
        return Reply::new(200, RELOAD_JS.as_bytes().to_vec())
            .with_header("Content-Type", "text/javascript; charset=utf-8")
            .with_header("Cache-Control", "no-store")
            .with_header("X-Content-Type-Options", "nosniff");
    }
    // Read the generation before the file: a build between the two then reloads the page
    // once more than needed, instead of never.
    let token = state.token();
    match resolve(&state.root, target) {
        Resolved::File(file) => match fs::read(&file) {
            Ok(bytes) => file_response(&file, bytes, &token, 200),
            Err(_) => not_found(state, &token),
        },
        Resolved::Redirect(location) => text(302, "").with_header("Location", &location),
        Resolved::NotFound => not_found(state, &token),
        Resolved::Bad(why) => text(400, &format!("bad request: {why}\n")),
    }
}

fn file_response(path: &Path, bytes: Vec<u8>, token: &str, status: u16) -> Reply {
    let content_type = content_type(path);
    let body = if content_type.starts_with("text/html") {
        inject_reload(&String::from_utf8_lossy(&bytes), token).into_bytes()
    } else {
        bytes
    };
    Reply::new(status, body)
        .with_header("Content-Type", content_type)
        .with_header("Cache-Control", "no-store")
        .with_header("X-Content-Type-Options", "nosniff")
}

/// The archive's `404.html` if it has one, else a short page of the server's own.
fn not_found(state: &State, token: &str) -> Reply {
    let page = state.root.join("404.html");
    if let Ok(bytes) = fs::read(&page) {
        return file_response(&page, bytes, token, 404);
    }
    let why = if state.root.is_dir() {
        "There is no page at this address in the archive."
    } else {
        "The archive has not been built yet: see the messages where <code>threadarc serve</code> runs."
    };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Not found</title>\n</head>\n<body>\n<h1>Not found</h1>\n<p>{why} <a href=\"/\">Front page</a></p>\n</body>\n</html>\n"
    );
    let body = inject_reload(&html, token);
    Reply::new(404, body.into_bytes())
        .with_header("Content-Type", "text/html; charset=utf-8")
        .with_header("Cache-Control", "no-store")
}

fn text(status: u16, body: &str) -> Reply {
    Reply::new(status, body.as_bytes().to_vec())
        .with_header("Content-Type", "text/plain; charset=utf-8")
        .with_header("Cache-Control", "no-store")
}

/// Whether the request names this machine in its `Host` header (or names nothing, as
/// HTTP/1.0 may).
fn host_is_local(request: &Request) -> bool {
    let Some(host) = request.header("Host") else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    matches!(name.to_ascii_lowercase().as_str(), "127.0.0.1" | "localhost" | "::1")
}

/// What a request target names in the output folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing `/`: go to `/folder/`, so that the relative
    /// links of its `index.html` resolve.
    Redirect(String),
    NotFound,
    /// A path that could leave the folder or is not a file name; the reason.
    Bad(&'static str),
}

/// Characters left as they are in a redirect's `Location`.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Resolves a request target (`/topic/thread.html?x`) to a file inside `root`.
pub fn resolve(root: &Path, target: &str) -> Resolved {
    let segments = match request_segments(target) {
        Ok(segments) => segments,
        Err(why) => return Resolved::Bad(why),
    };
    if segments.iter().any(|s| s.starts_with('.')) {
        return Resolved::NotFound;
    }
    let Ok(root) = fs::canonicalize(root) else {
        return Resolved::NotFound;
    };
    let inside = |path: &Path| fs::canonicalize(path).ok().filter(|p| p.starts_with(&root) && p != &root);
    let mut path = root.clone();
    path.extend(&segments);
    let Ok(resolved) = fs::canonicalize(&path) else {
        return Resolved::NotFound;
    };
    if !resolved.starts_with(&root) {
        return Resolved::NotFound;
    }
    if resolved.is_dir() {
        let path_part = target.split(['?', '#']).next().unwrap_or("");
        if !path_part.ends_with('/') {
            let mut location = String::new();
            for segment in &segments {
                location.push('/');
                location.extend(utf8_percent_encode(segment, PATH_SEGMENT));
            }
            location.push('/');
            return Resolved::Redirect(location);
        }
        return match inside(&resolved.join("index.html")) {
            Some(index) if index.is_file() => Resolved::File(index),
            _ => Resolved::NotFound,
        };
    }
    if resolved.is_file() { Resolved::File(resolved) } else { Resolved::NotFound }
}

/// The path segments of a request target, percent-decoded and checked: each is a plain
/// file name. Empty segments (`//`) are dropped.
pub fn request_segments(target: &str) -> Result<Vec<String>, &'static str> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err("the path must start with /");
    }
    let decoded = percent_decode_str(path).decode_utf8().map_err(|_| "the path is not UTF-8")?;
    if decoded.contains('\\') {
        return Err("the path holds a backslash");
    }
    if decoded.chars().any(char::is_control) {
        return Err("the path holds a control character");
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." {
            return Err("the path holds a . or .. segment");
        }
        let mut components = Path::new(segment).components();
        if !matches!((components.next(), components.next()), (Some(Component::Normal(_)), None)) {
            return Err("the path holds a segment that is not a file name");
        }
        segments.push(segment.to_owned());
    }
    Ok(segments)
}

/// The `Content-Type` of a file the archive may hold.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        _ => "application/octet-stream",
    }
}

/// A page as the server sends it: the reload script added before `</body>`, and the
/// page's Content-Security-Policy widened just enough to let it run.
pub fn inject_reload(html: &str, token: &str) -> String {
    let html = rewrite_csp(html);
    let script = format!("<script src=\"{RELOAD_SCRIPT_PATH}\" data-generation=\"{token}\"></script>\n");
    match html.to_ascii_lowercase().rfind("</body>") {
        Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
        None => html + &script,
    }
}

/// Rewrites the policy of a `<meta http-equiv="Content-Security-Policy">` tag, if the page
/// has one, with [`allow_reload`].
fn rewrite_csp(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(at) = lower.find("http-equiv=\"content-security-policy\"") else {
        return html.to_owned();
    };
    let tag_start = lower[..at].rfind('<').unwrap_or(at);
    let tag_end = lower[at..].find('>').map_or(html.len(), |e| at + e);
    let Some(content) = lower[tag_start..tag_end].find("content=\"").map(|c| tag_start + c + "content=\"".len()) else {
        return html.to_owned();
    };
    let Some(end) = html[content..tag_end].find('"').map(|e| content + e) else {
        return html.to_owned();
    };
    format!("{}{}{}", &html[..content], allow_reload(&html[content..end]), &html[end..])
}

/// A Content-Security-Policy that also allows scripts from, and connections to, the
/// server itself ('self'); everything else it says is kept.
pub fn allow_reload(policy: &str) -> String {
    let mut directives: Vec<String> = Vec::new();
    let mut missing = vec!["script-src", "connect-src"];
    for directive in policy.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let mut words = directive.split_whitespace();
        let name = words.next().unwrap_or("").to_ascii_lowercase();
        if matches!(name.as_str(), "script-src" | "script-src-elem" | "connect-src") {
            missing.retain(|m| *m != name);
            let mut sources: Vec<&str> = words.filter(|w| !w.eq_ignore_ascii_case("'none'")).collect();
            if !sources.iter().any(|s| s.eq_ignore_ascii_case("'self'")) {
                sources.insert(0, "'self'");
            }
            directives.push(format!("{name} {}", sources.join(" ")));
        } else {
            directives.push(directive.to_owned());
        }
    }
    directives.extend(missing.into_iter().map(|name| format!("{name} 'self'")));
    directives.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths() {
        let ok = |t: &str| request_segments(t).unwrap();
        assert_eq!(ok("/"), Vec::<String>::new());
        assert_eq!(ok("/rust-help/thread.html?x=1#post-2"), ["rust-help", "thread.html"]);
        assert_eq!(ok("//a///b/"), ["a", "b"]);
        assert_eq!(ok("/caf%C3%A9/a%20b.html"), ["café", "a b.html"]);
        assert_eq!(ok("/%252e%252e/x"), ["%2e%2e", "x"]);
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/static/..%5c..%5c",
            "/a/./b",
            "/a%00.html",
            "/a%0a",
            "/%ff",
            "etc/passwd",
            "http://127.0.0.1/x",
            "*",
        ] {
            assert!(request_segments(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn resolves_only_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("public");
        fs::create_dir_all(root.join("topic")).unwrap();
        fs::write(root.join("index.html"), "front").unwrap();
        fs::write(root.join("topic/index.html"), "topic").unwrap();
        fs::write(root.join(".threadarc"), "marker").unwrap();
        fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let canonical = fs::canonicalize(&root).unwrap();
        assert_eq!(resolve(&root, "/"), Resolved::File(canonical.join("index.html")));
        assert_eq!(resolve(&root, "/topic/"), Resolved::File(canonical.join("topic/index.html")));
        assert_eq!(resolve(&root, "/topic?page=2"), Resolved::Redirect("/topic/".into()));
        assert_eq!(resolve(&root, "/missing.html"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/.threadarc"), Resolved::NotFound);
        assert!(matches!(resolve(&root, "/../secret.txt"), Resolved::Bad(_)));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
            std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
            assert_eq!(resolve(&root, "/link.txt"), Resolved::NotFound);
            assert_eq!(resolve(&root, "/up/secret.txt"), Resolved::NotFound);
        }
        assert_eq!(resolve(&dir.path().join("not-built"), "/"), Resolved::NotFound);
    }

    #[test]
    fn policies() {
        let archive = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; base-uri 'none'";
        assert_eq!(
            allow_reload(archive),
            "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; base-uri 'none'; connect-src 'self'"
        );
        assert_eq!(allow_reload("script-src 'none'"), "script-src 'self'; connect-src 'self'");
        assert_eq!(
            allow_reload("connect-src https://x.example"),
            "connect-src 'self' https://x.example; script-src 'self'"
        );
    }

    #[test]
    fn injects_into_pages() {
        let page = "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'\"></head><body><p>x</p></body></html>";
        let served = inject_reload(page, "a-1");
        assert!(served.contains("content=\"default-src 'none'; script-src 'self'; connect-src 'self'\""), "{served}");
        assert!(served.ends_with(
            "<p>x</p><script src=\"/__threadarc/reload.js\" data-generation=\"a-1\"></script>\n</body></html>"
        ));
        assert!(inject_reload("no body", "a-1").starts_with("no body<script"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a/b.HTML")), "text/html; charset=utf-8");
        assert_eq!(content_type(Path::new("static/style.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("x")), "application/octet-stream");
    }
}
