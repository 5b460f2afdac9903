//! `threadarc serve` through the real binary, over real HTTP on 127.0.0.1: pages, 404s,
//! path traversal, live rebuilds, and stopping on Ctrl-C. Every wait is bounded, and the
//! server is killed when a test ends, passed or failed.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Long enough for a debug build on a busy machine, short enough to fail a hung test.
const PATIENCE: Duration = Duration::from_secs(30);

/// A `threadarc serve --port 0` running in an archive folder; killed when dropped.
struct Served {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Served {
    fn start(dir: &Path, args: &[&str]) -> Served {
        let mut command = Command::new(env!("CARGO_BIN_EXE_threadarc"));
        command.args(["serve", "--port", "0"]).args(args);
        Served::spawn(dir, command)
    }

    /// Runs `command`, a `threadarc serve` on any free port, in `dir`, and waits for the
    /// address it prints.
    fn spawn(dir: &Path, mut command: Command) -> Served {
        let log = fs::File::create(dir.join("serve.log")).unwrap();
        let mut child = command
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Served { child, port: 0, dir: dir.to_owned() };
        let line = received.recv_timeout(PATIENCE).unwrap_or_else(|_| panic!("no address printed: {}", served.log()));
        let port = line.rsplit_once("http://127.0.0.1:").and_then(|(_, rest)| rest.trim_end_matches('/').parse().ok());
        served.port = port.unwrap_or_else(|| panic!("no port in {line:?}"));
        served
    }

    fn log(&self) -> String {
        fs::read_to_string(self.dir.join("serve.log")).unwrap_or_default()
    }

    fn get(&self, target: &str) -> Reply {
        self.request(&format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", self.port))
    }

    /// Sends a raw request and reads the whole reply.
    fn request(&self, raw: &str) -> Reply {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        Reply::parse(&bytes)
    }

    /// Waits until `done` holds for a reply to `target`.
    fn wait_for(&self, target: &str, what: &str, done: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let reply = self.get(target);
            if done(&reply) {
                return reply;
            }
            assert!(start.elapsed() < PATIENCE, "{target} never showed {what}; the server said:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The build generation once the server has stopped rebuilding: one file write can
    /// reach the watcher as several events, and a loaded machine may see them as two
    /// changes.
    fn settled_generation(&self) -> String {
        let start = Instant::now();
        let mut last = self.get("/__threadarc/reload").body;
        loop {
            std::thread::sleep(Duration::from_millis(1000));
            let now = self.get("/__threadarc/reload").body;
            if now == last {
                return now;
            }
            assert!(start.elapsed() < PATIENCE, "the server never settled:\n{}", self.log());
            last = now;
        }
    }

    fn wait_for_log(&self, text: &str, times: usize) {
        let start = Instant::now();
        while self.log().matches(text).count() < times {
            assert!(start.elapsed() < PATIENCE, "the server never said {text:?} {times} times:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("not an HTTP reply: {text:?}"));
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        Reply { status, headers, body: body.to_owned() }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A new archive from `threadarc init`, with a file beside it that must never be served.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_threadarc")).args(["init", "--quiet"]).current_dir(dir.path()).output();
    assert!(out.unwrap().status.success());
    fs::write(dir.path().join("secret.txt"), "TOP SECRET").unwrap();
    dir
}

#[test]
fn serves_the_archive_and_nothing_else() {
    let dir = archive();
    let served = Served::start(dir.path(), &[]);

    let front = served.get("/");
    assert_eq!(front.status, 200, "{}", served.log());
    assert_eq!(front.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(front.body.contains("My thread archive"));
    // Live reload: the script is added, and the page's policy lets it run and connect.
    assert!(front.body.contains("<script src=\"/__threadarc/reload.js\" data-generation=\""), "{}", front.body);
    assert!(front.body.contains("script-src 'self'") && front.body.contains("connect-src 'self'"));
    // ...in what is served only: the archive on disk stays free of script.
    let on_disk = fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(!on_disk.contains("__threadarc") && !on_disk.contains("connect-src"));
    let script = served.get("/__threadarc/reload.js");
    assert_eq!((script.status, script.header("content-type")), (200, Some("text/javascript; charset=utf-8")));
    assert!(script.body.contains("/__threadarc/reload"));

    let topic = served.get("/examples/");
    assert_eq!(topic.status, 200);
    // Thread links are relative (`../examples/x.html`), as a browser resolves them.
    let links: Vec<&str> = topic.body.split("href=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    let link = links.iter().find_map(|l| l.strip_prefix("../examples/")).filter(|l| l.ends_with(".html"));
    let thread = served.get(&format!("/examples/{}", link.unwrap_or_else(|| panic!("no thread link in {links:?}"))));
    assert_eq!(thread.status, 200);
    assert!(thread.body.contains("<article class=\"post\" id=\"post-1\""), "{}", thread.body);

    let folder = served.get("/examples");
    assert_eq!((folder.status, folder.header("location")), (302, Some("/examples/")));
    let css = served.get("/static/style.css");
    assert_eq!((css.status, css.header("content-type")), (200, Some("text/css; charset=utf-8")));
    let missing = served.get("/examples/no-such-thread.html");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Not found"));
    assert_eq!(served.get("/.threadarc").status, 404, "hidden files are not served");

    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), dir.path().join("public/leak.txt")).unwrap();
    for target in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/static/..%5c..%5c",
        "/static/..%5c..%5csecret.txt",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/examples/../../secret.txt",
        "/..%252fsecret.txt",
        "/./secret.txt",
        "/secret.txt%00.html",
        "//etc/passwd",
        "/leak.txt",
        "/etc/passwd",
    ] {
        let reply = served.get(target);
        assert!(matches!(reply.status, 400 | 404), "{target}: {}", reply.status);
        assert!(!reply.body.contains("TOP SECRET") && !reply.body.contains("root:"), "{target} leaked a file");
    }
    // A request line with an absolute URL or no leading slash is refused too.
    for target in ["../secret.txt", "http://127.0.0.1/../secret.txt", "*"] {
        let raw = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        let reply = served.request(&raw);
        assert!(matches!(reply.status, 400 | 404), "{raw:?}: {}", reply.status);
        assert!(!reply.body.contains("TOP SECRET"));
    }
    // Pages asked for under another host name (DNS rebinding) and other methods.
    let rebound = served.request("GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
    assert_eq!(rebound.status, 403);
    let post = served.request("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(post.status, 405);
}

#[test]
fn rebuilds_on_change_and_keeps_the_last_good_archive() {
    let dir = archive();
    let served = Served::start(dir.path(), &[]);
    let generation = |s: &Served| s.get("/__threadarc/reload").body;
    let first = generation(&served);
    assert!(first.ends_with("-1"), "{first}");
    let page = "/examples/undated/my/my-starter-smells-like-nail-polish.html";
    assert_eq!(served.get(page).status, 200, "{}", served.log());

    let dump = dir.path().join("threads/examples/plain.txt");
    let mut text = fs::read_to_string(&dump).unwrap();
    text.push_str("\nA fresh post, number 4711.\n");
    fs::write(&dump, &text).unwrap();
    served.wait_for(page, "the new post", |r| r.body.contains("number 4711"));
    // The new archive is swapped in just before the generation is counted up.
    served.wait_for("/__threadarc/reload", "a new generation", |r| r.body != first);
    served.wait_for_log("changed: threads/examples/plain.txt; rebuilding", 1);

    // A new dump makes a new page.
    fs::write(dir.path().join("threads/examples/later.txt"), "Added later\n\nhello\n\nworld\n").unwrap();
    served.wait_for("/examples/undated/ad/added-later.html", "the new thread", |r| r.status == 200);

    // A broken dump: the rebuild fails, says why, and the last archive stays served.
    let good = served.settled_generation();
    fs::write(dir.path().join("threads/examples/broken.txt"), "+++\ncolour = \"red\"\n+++\nT\n\nbody\n").unwrap();
    served.wait_for_log("still serving the previous archive", 1);
    assert!(served.log().contains("error: threads/examples/broken.txt:2: "), "{}", served.log());
    assert_eq!(generation(&served), good);
    assert!(served.get(page).body.contains("number 4711"));

    // So does a broken archive.toml; fixing both rebuilds.
    let toml = fs::read_to_string(dir.path().join("archive.toml")).unwrap();
    fs::remove_file(dir.path().join("threads/examples/broken.txt")).unwrap();
    fs::write(dir.path().join("archive.toml"), "title = \"Renamed\"\nbad\n").unwrap();
    served.wait_for_log("error: archive.toml:2: ", 1);
    fs::write(dir.path().join("archive.toml"), toml.replace("My thread archive", "Renamed archive")).unwrap();
    served.wait_for("/", "the new title", |r| r.body.contains("Renamed archive"));

    // Builds read every dump; reading is not a change, so the server settles.
    std::thread::sleep(Duration::from_millis(1500));
    let settled = generation(&served);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(generation(&served), settled, "rebuilding without changes:\n{}", served.log());
}

#[test]
fn rebuilds_when_the_theme_changes() {
    let dir = archive();
    let served = Served::start(dir.path(), &[]);
    // init writes a theme stylesheet; a rule added to it is served.
    let css = dir.path().join("theme/style.css");
    let mut text = fs::read_to_string(&css).unwrap();
    text.push_str("\n.site-name { letter-spacing: 0.1em; }\n");
    fs::write(&css, &text).unwrap();
    served.wait_for("/static/theme.css", "the new rule", |r| r.body.contains("letter-spacing: 0.1em"));
    served.wait_for_log("changed: theme/style.css; rebuilding", 1);

    // A new footer is on the pages; one with script is refused and the last archive stays.
    fs::write(dir.path().join("theme/footer.html"), "<p>Club footer</p>\n").unwrap();
    served.wait_for("/", "the footer", |r| r.body.contains("<p>Club footer</p>"));
    fs::write(dir.path().join("theme/footer.html"), "<p>Club footer</p>\n<script>x()</script>\n").unwrap();
    served.wait_for_log("error: theme/footer.html:2: <script> is refused", 1);
    served.wait_for_log("still serving the previous archive", 1);
    assert!(served.get("/").body.contains("<p>Club footer</p>"));
}

#[cfg(unix)]
#[test]
fn stops_cleanly_on_ctrl_c() {
    let dir = archive();
    let mut served = Served::start(dir.path(), &[]);
    assert_eq!(served.get("/").status, 200);
    let kill = Command::new("kill").args(["-INT", &served.child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = served.child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < PATIENCE, "still running after Ctrl-C:\n{}", served.log());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}: {}", served.log());
    assert!(served.log().ends_with("stopped\n"), "{}", served.log());
    assert!(TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], served.port))).is_err(), "still listening");
    // Nothing of the server's is left beside the archive.
    let names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.contains("staging") && !n.contains(".old")), "{names:?}");
}

#[test]
fn a_port_in_use_is_explained() {
    let dir = archive();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_threadarc"))
        .args(["serve", "--port", &port])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("error: cannot listen on 127.0.0.1:{port}")), "{err}");
    assert!(err.contains("--port 0"), "{err}");
}

/// Like [`Served::start`], with the process allowed `files` open files.
fn start_limited(dir: &Path, files: u32) -> Served {
    let mut command = Command::new("prlimit");
    command
        .arg(format!("--nofile={files}:{files}"))
        .arg(env!("CARGO_BIN_EXE_threadarc"))
        .args(["serve", "--port", "0"]);
    Served::spawn(dir, command)
}

#[test]
fn running_out_of_file_descriptors_does_not_stop_the_server() {
    let dir = archive();
    let served = start_limited(dir.path(), 64);
    assert_eq!(served.get("/").status, 200);
    let address = SocketAddr::from(([127, 0, 0, 1], served.port));
    // More idle connections than the process may have files open.
    let held: Vec<TcpStream> =
        (0..150).filter_map(|_| TcpStream::connect_timeout(&address, Duration::from_secs(2)).ok()).collect();
    std::thread::sleep(Duration::from_millis(500));
    drop(held);
    served.wait_for("/", "a page again", |r| r.status == 200);
    assert!(served.child.id() > 0);
}

#[test]
fn oversized_request_lines_and_headers_are_refused() {
    let dir = archive();
    let served = Served::start(dir.path(), &[]);
    let long_target = format!("/{}", "a".repeat(20_000));
    assert_eq!(served.get(&long_target).status, 414);
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        served.port,
        "b".repeat(100_000)
    );
    assert_eq!(served.request(&big_header).status, 431);
    let many_headers: String = (0..5_000).map(|i| format!("X-{i}: {}\r\n", "c".repeat(20))).collect();
    let raw = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{many_headers}Connection: close\r\n\r\n", served.port);
    assert_eq!(served.request(&raw).status, 431);
    assert_eq!(served.get("/").status, 200, "the server still answers");
}

#[test]
fn a_recreated_input_folder_is_watched_again() {
    let dir = archive();
    let served = Served::start(dir.path(), &[]);
    let threads = dir.path().join("threads");
    let copy = dir.path().join("threads-copy");
    fs::rename(&threads, &copy).unwrap();
    served.wait_for_log("rebuilding", 1);
    // Made anew: other folders, other inodes.
    assert!(Command::new("cp").arg("-r").arg(&copy).arg(&threads).status().unwrap().success());
    served.wait_for_log("rebuilding", 2);
    served.settled_generation();
    let dump = fs::read_dir(threads.join("examples")).unwrap().next().unwrap().unwrap().path();
    let text = fs::read_to_string(&dump).unwrap();
    fs::write(&dump, format!("{text}\n\nAn edit after the folder came back\n")).unwrap();
    served.wait_for_log("rebuilding", 3);
}

#[test]
fn a_rebuild_that_meets_another_build_runs_once_it_ends() {
    let dir = archive();
    let served = Served::start(dir.path(), &[]);
    let lock = fs::OpenOptions::new().write(true).open(dir.path().join(".public.threadarc-lock")).unwrap();
    lock.lock().unwrap();
    let dump = fs::read_dir(dir.path().join("threads/examples")).unwrap().next().unwrap().unwrap().path();
    let text = fs::read_to_string(&dump).unwrap();
    fs::write(&dump, format!("{text}\n\nWritten while another build held the lock\n")).unwrap();
    served.wait_for_log("another threadarc build", 1);
    lock.unlock().unwrap();
    drop(lock);
    let page = served.wait_for("/", "the edit", |_| {
        walkdir::WalkDir::new(dir.path().join("public/examples"))
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| fs::read_to_string(e.path()).is_ok_and(|t| t.contains("Written while another build")))
    });
    assert_eq!(page.status, 200);
}

#[test]
fn open_pages_reload_after_a_build_by_hand() {
    let dir = archive();
    let served = Served::start(dir.path(), &[]);
    let before = served.settled_generation();
    // A build of another configuration, by hand, into the folder served.
    fs::write(dir.path().join("other.toml"), "title = \"Built by hand\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_threadarc"))
        .args(["build", "--quiet", "--config", "other.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    served.wait_for("/__threadarc/reload", "a new generation", |r| r.body != before);
}
