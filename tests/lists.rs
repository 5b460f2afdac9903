//! A mailing list as it is downloaded, month by month: Pipermail's text archives (one of
//! them gzipped) in one topic folder. A thread that starts in March and goes on in April and
//! May is one thread, its messages in date order whatever file each is in; adding June
//! moves it nowhere.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use common::threadarc;

/// A message as Pipermail's text archive writes it.
fn message(id: &str, parent: Option<&str>, from: (&str, &str), date: &str, subject: &str, body: &str) -> String {
    let (address, name) = from;
    let at = address.replace('@', " at ");
    let references = parent.map_or_else(String::new, |p| format!("In-Reply-To: <{p}>\nReferences: <{p}>\n"));
    // The archive's own date, `ctime()` style, on the From_ line.
    let stamp = jiff::fmt::rfc2822::parse(date).unwrap().timestamp().strftime("%a %b %e %H:%M:%S %Y");
    format!(
        "From {at}  {stamp}\nFrom: {at} ({name})\nDate: {date}\nSubject: {subject}\n{references}Message-ID: <{id}>\n\n{body}\n\n"
    )
}

fn month(root: &Path, name: &str, messages: &[String], gzip: bool) {
    let folder = root.join("threads/astro");
    fs::create_dir_all(&folder).unwrap();
    let text = messages.concat();
    if gzip {
        let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        out.write_all(text.as_bytes()).unwrap();
        fs::write(folder.join(format!("{name}.txt.gz")), out.finish().unwrap()).unwrap();
    } else {
        fs::write(folder.join(format!("{name}.txt")), text).unwrap();
    }
}

const ANN: (&str, &str) = ("ann@example.org", "Ann Lee");
const BOB: (&str, &str) = ("bob@example.org", "Bob Stone");
const CY: (&str, &str) = ("cy@example.org", "=?utf-8?q?Cy_M=C3=BCller?=");

/// The thread's posts as its records give them: number, author, date, what it answers.
fn posts(public: &Path, url: &str) -> Vec<(u64, String, String, Option<u64>)> {
    let thread = common::records(public).remove(url).unwrap();
    thread["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["number"].as_u64().unwrap(),
                p["author"].as_str().unwrap_or_default().to_owned(),
                p["date"].as_str().unwrap_or_default().to_owned(),
                p["reply_to"].as_u64(),
            )
        })
        .collect()
}

/// The archive's threads: title and page.
fn threads(public: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = common::manifest_threads(public)
        .iter()
        .map(|t| (t["title"].as_str().unwrap().to_owned(), t["url"].as_str().unwrap().to_owned()))
        .collect();
    out.sort();
    out
}

#[test]
fn a_thread_across_three_months_is_one_thread_and_stays_put() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let dew = "[astro] Dew on the corrector plate";
    // Written out of order within each file, and the files read in name order (April,
    // March, May): the thread is in date order anyway.
    month(
        root,
        "2023-March",
        &[
            message("m2@x", Some("m1@x"), BOB, "Wed, 29 Mar 2023 09:00:00 +0000", dew, "A dew heater strip."),
            message("m1@x", None, ANN, "Tue, 28 Mar 2023 21:00:00 +0000", dew, "My SCT fogs up by ten."),
            message("s1@x", None, BOB, "Thu, 30 Mar 2023 20:00:00 +0000", "[astro] Star party dates", "April 21?"),
        ],
        false,
    );
    month(
        root,
        "2023-April",
        &[
            message("m3@x", Some("m2@x"), ANN, "Sun, 02 Apr 2023 10:00:00 +0000", dew, "Ordered one."),
            message("m4@x", Some("m1@x"), CY, "Mon, 03 Apr 2023 19:30:00 +0000", dew, "Or a dew shield."),
        ],
        true,
    );
    month(
        root,
        "2023-May",
        &[message("m5@x", Some("m3@x"), ANN, "Fri, 05 May 2023 22:15:00 +0000", dew, "It works.")],
        false,
    );

    let out = threadarc(root, &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let public = root.join("public");
    let listed = threads(&public);
    let titles: Vec<&str> = listed.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, ["Dew on the corrector plate", "Star party dates"]);
    let url = listed[0].1.clone();
    let dew_posts = posts(&public, &url);
    let expected = [
        (1, "Ann Lee", "2023-03-28T21:00:00Z", None),
        (2, "Bob Stone", "2023-03-29T09:00:00Z", Some(1)),
        (3, "Ann Lee", "2023-04-02T10:00:00Z", Some(2)),
        (4, "Cy Müller", "2023-04-03T19:30:00Z", Some(1)),
        (5, "Ann Lee", "2023-05-05T22:15:00Z", Some(3)),
    ];
    let got: Vec<(u64, &str, &str, Option<u64>)> =
        dew_posts.iter().map(|(n, a, d, r)| (*n, a.as_str(), d.as_str(), *r)).collect();
    assert_eq!(got, expected);

    // June brings a reply and a thread of its own: the thread keeps its address.
    month(
        root,
        "2023-June",
        &[
            message("m6@x", Some("m5@x"), BOB, "Thu, 01 Jun 2023 08:00:00 +0000", dew, "Glad to hear."),
            message("n1@x", None, CY, "Fri, 02 Jun 2023 08:00:00 +0000", "[astro] Collimation", "Any tips?"),
        ],
        false,
    );
    let out = threadarc(root, &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = threads(&public);
    assert_eq!(
        listed.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["Collimation", "Dew on the corrector plate", "Star party dates"]
    );
    assert_eq!(listed[1].1, url, "the thread's address did not move");
    let dew_posts = posts(&public, &url);
    assert_eq!(dew_posts.len(), 6);
    assert_eq!((dew_posts[5].0, dew_posts[5].3), (6, Some(5)));
    // The page itself shows June's reply (its fingerprint covers every month).
    let page = fs::read_to_string(public.join(&url)).unwrap();
    assert!(page.contains("Glad to hear."), "{page}");
}
