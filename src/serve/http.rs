//! The preview server's HTTP/1.1: a listener and a few workers, one request a connection,
//! and limits on what a request may make the server hold.
//!
//! It is written here rather than taken from a crate because of what a preview server
//! on a reader's own machine must survive: a burst of connections past the process's
//! file-descriptor limit (accepting then fails for a while, and must be tried again, not
//! given up), and requests of endless lines (a request line is at most [`MAX_LINE`]
//! bytes, answered 414 past that; the headers at most [`MAX_HEAD`] bytes and
//! [`MAX_HEADERS`] lines, answered 431). Connections wait in a bounded queue, and a
//! worker waits at most [`IDLE`] for a request's bytes.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

/// The longest request line read.
pub const MAX_LINE: usize = 8 * 1024;
/// The most bytes of headers read.
pub const MAX_HEAD: usize = 64 * 1024;
/// The most header lines read.
pub const MAX_HEADERS: usize = 200;
/// How long a worker waits for a request's bytes, or for the client to take the reply.
const IDLE: Duration = Duration::from_secs(10);
/// Connections accepted and not yet taken by a worker; past that, new ones are closed.
const QUEUE: usize = 64;
/// How much of a refused request is read and thrown away before closing, so that the
/// client gets the reply rather than a reset connection.
const DRAIN: u64 = 1024 * 1024;

/// A request: its method, target and headers.
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The value of the header `name`, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A reply: status, headers (all ASCII), body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn new(status: u16, body: Vec<u8>) -> Reply {
        Reply { status, headers: Vec::new(), body }
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// Answers the connections `listener` accepts with `handle`, on `workers` threads, until
/// `stopping` is set and a connection wakes the listener.
pub fn spawn<F>(listener: TcpListener, workers: usize, stopping: Arc<AtomicBool>, handle: F)
where
    F: Fn(&Request) -> Reply + Send + Sync + 'static,
{
    let (queue, connections) = mpsc::sync_channel::<TcpStream>(QUEUE);
    let connections = Arc::new(Mutex::new(connections));
    let handle = Arc::new(handle);
    for _ in 0..workers {
        let (connections, handle) = (Arc::clone(&connections), Arc::clone(&handle));
        thread::spawn(move || {
            loop {
                let next = connections.lock().expect("no worker panicked while waiting").recv();
                match next {
                    Ok(stream) => answer(stream, &*handle),
                    Err(_) => break,
                }
            }
        });
    }
    thread::spawn(move || {
        let mut pause = Duration::from_millis(5);
        while !stopping.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((stream, _)) => {
                    pause = Duration::from_millis(5);
                    // A full queue: the connection is closed, the server goes on.
                    let _ = queue.try_send(stream);
                }
                // Out of file descriptors (or another passing failure): the connections
                // open now will close, and accepting works again.
                Err(_) => {
                    thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
            }
        }
    });
}

/// Reads one request from `stream` and writes its reply.
fn answer(stream: TcpStream, handle: &(dyn Fn(&Request) -> Reply + Send + Sync)) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
    let Ok(writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    let (reply, head) = match read_request(&mut reader) {
        Received::Request(request) => (handle(&request), request.method == "HEAD"),
        Received::Refused(status, why) => {
            let reply = Reply::new(status, format!("{why}\n").into_bytes())
                .with_header("Content-Type", "text/plain; charset=utf-8");
            let _ = send(&writer, &reply, false);
            let _ = writer.shutdown(Shutdown::Write);
            let _ = io::copy(&mut reader.take(DRAIN), &mut io::sink());
            return;
        }
        Received::Gone => return,
    };
    let _ = send(&writer, &reply, head);
}

fn send(mut writer: &TcpStream, reply: &Reply, head: bool) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", reply.body.len()));
    let mut bytes = out.into_bytes();
    if !head {
        bytes.extend_from_slice(&reply.body);
    }
    writer.write_all(&bytes)?;
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
}

enum Received {
    Request(Request),
    /// A request refused before it was read whole: the status and why.
    Refused(u16, &'static str),
    /// The client left, or sent nothing in time.
    Gone,
}

enum Line {
    Text(String),
    TooLong,
    Gone,
}

/// A line of at most `max` bytes, without its line end.
fn read_line(reader: &mut impl BufRead, max: usize) -> Line {
    let mut bytes = Vec::new();
    match reader.by_ref().take(max as u64 + 1).read_until(b'\n', &mut bytes) {
        Ok(_) if bytes.ends_with(b"\n") => {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
            Line::Text(String::from_utf8_lossy(&bytes).into_owned())
        }
        Ok(_) if bytes.len() > max => Line::TooLong,
        _ => Line::Gone,
    }
}

fn read_request(reader: &mut impl BufRead) -> Received {
    let line = match read_line(reader, MAX_LINE) {
        Line::Text(line) => line,
        Line::TooLong => return Received::Refused(414, "the request line is too long"),
        Line::Gone => return Received::Gone,
    };
    let mut words = line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (words.next(), words.next(), words.next(), words.next())
    else {
        return Received::Refused(400, "bad request line");
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Received::Refused(400, "bad request line");
    }
    let mut headers = Vec::new();
    let mut budget = MAX_HEAD;
    loop {
        let line = match read_line(reader, budget) {
            Line::Text(line) => line,
            Line::TooLong => return Received::Refused(431, "the request's headers are too large"),
            Line::Gone => return Received::Gone,
        };
        budget = budget.saturating_sub(line.len() + 2);
        if line.is_empty() {
            break;
        }
        if headers.len() == MAX_HEADERS || budget == 0 {
            return Received::Refused(431, "the request's headers are too large");
        }
        match line.split_once(':') {
            Some((name, value)) => headers.push((name.trim().to_owned(), value.trim().to_owned())),
            None => return Received::Refused(400, "bad header line"),
        }
    }
    Received::Request(Request { method: method.to_owned(), target: target.to_owned(), headers })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &str) -> Received {
        read_request(&mut io::Cursor::new(raw.as_bytes().to_vec()))
    }

    #[test]
    fn requests_and_their_limits() {
        let Received::Request(r) = read("GET /a?b HTTP/1.1\r\nHost: x\r\nX-Y:  z \r\n\r\n") else { panic!() };
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/a?b"));
        assert_eq!(r.header("host"), Some("x"));
        assert_eq!(r.header("x-y"), Some("z"));
        assert!(matches!(read(&format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_LINE))), Received::Refused(414, _)));
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "b".repeat(MAX_HEAD));
        assert!(matches!(read(&big), Received::Refused(431, _)));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: y\r\n")).collect();
        assert!(matches!(read(&format!("GET / HTTP/1.1\r\n{many}\r\n")), Received::Refused(431, _)));
        assert!(matches!(read("GET /\r\n\r\n"), Received::Refused(400, _)));
        assert!(matches!(read("GET / HTTP/1.1\r\nHost"), Received::Gone));
    }
}
