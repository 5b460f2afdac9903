//! What a built archive costs a static host, held against each host's published limits
//! (`threadarc check --host NAME`): its bytes, its files, its largest file and its
//! fullest folder, and the limit it breaks first, or would break first as it grows.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde::Serialize;
use walkdir::WalkDir;

const MB: u64 = 1_000_000;
const MIB: u64 = 1 << 20;

/// A static host and its limits as it publishes them; `None` where it sets none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Host {
    pub name: &'static str,
    pub title: &'static str,
    /// The whole site's bytes.
    pub site_bytes: Option<u64>,
    /// Files in the site.
    pub files: Option<u64>,
    /// One file's bytes.
    pub file_bytes: Option<u64>,
    /// Entries (files and folders) in one folder.
    pub folder_entries: Option<u64>,
}

/// The hosts people publish archives on, with the limits their documentation gives.
pub const HOSTS: &[Host] = &[
    Host {
        name: "github-pages",
        title: "GitHub Pages",
        site_bytes: Some(1000 * MB),
        files: None,
        // Git refuses a file over 100 MiB on push.
        file_bytes: Some(100 * MIB),
        folder_entries: None,
    },
    Host {
        name: "cloudflare-pages",
        title: "Cloudflare Pages (free plan)",
        site_bytes: None,
        files: Some(20_000),
        file_bytes: Some(25 * MIB),
        folder_entries: None,
    },
    Host {
        name: "cloudflare-pages-paid",
        title: "Cloudflare Pages (paid plans)",
        site_bytes: None,
        files: Some(100_000),
        file_bytes: Some(25 * MIB),
        folder_entries: None,
    },
    Host {
        name: "netlify",
        title: "Netlify",
        site_bytes: None,
        files: None,
        file_bytes: None,
        folder_entries: Some(54_000),
    },
    Host {
        name: "gitlab-pages",
        title: "GitLab Pages",
        site_bytes: Some(1000 * MB),
        files: Some(200_000),
        file_bytes: None,
        folder_entries: None,
    },
];

/// The host named `name` (as `--host` takes it).
pub fn host(name: &str) -> Option<&'static Host> {
    HOSTS.iter().find(|h| h.name == name)
}

/// What a folder holds, as a host counts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FolderStats {
    pub bytes: u64,
    pub files: u64,
    /// The largest file (its path under the folder) and its bytes.
    pub largest_file: (String, u64),
    /// The folder with the most entries (its path under the folder, `.` for the folder
    /// itself) and their number.
    pub fullest_folder: (String, u64),
}

/// Measures the archive in `root`; symbolic links are counted as entries, never followed.
pub fn measure(root: &Path) -> io::Result<FolderStats> {
    let mut stats = FolderStats { fullest_folder: (".".into(), 0), ..FolderStats::default() };
    let mut entries: FxHashMap<PathBuf, u64> = FxHashMap::default();
    for entry in WalkDir::new(root).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|e| io::Error::other(format!("cannot read {}: {e}", root.display())))?;
        if entry.depth() == 0 {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        *entries.entry(relative.parent().unwrap_or(Path::new("")).to_path_buf()).or_default() += 1;
        if entry.file_type().is_file() {
            let size = entry.metadata().map_err(io::Error::other)?.len();
            stats.bytes += size;
            stats.files += 1;
            if size > stats.largest_file.1 {
                stats.largest_file = (relative.display().to_string(), size);
            }
        }
    }
    let mut folders: Vec<(PathBuf, u64)> = entries.into_iter().collect();
    folders.sort();
    for (folder, count) in folders {
        if count > stats.fullest_folder.1 {
            let name = folder.display().to_string();
            stats.fullest_folder = (if name.is_empty() { ".".into() } else { name }, count);
        }
    }
    Ok(stats)
}

/// One limit of a host against what the archive holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    pub limit: &'static str,
    pub value: u64,
    pub max: u64,
    /// What it is, for the reader: the largest file's or fullest folder's path.
    pub what: Option<String>,
}

impl Measure {
    pub fn share(&self) -> f64 {
        self.value as f64 / self.max as f64
    }

    pub fn fits(&self) -> bool {
        self.value <= self.max
    }
}

/// An archive held against a host's limits.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub host: &'static str,
    pub stats: FolderStats,
    /// Every limit the host sets, the one closest to breaking (or most broken) first.
    pub limits: Vec<Measure>,
    pub fits: bool,
}

pub fn judge(host: &Host, stats: &FolderStats) -> Verdict {
    let candidates = [
        ("size", host.site_bytes, stats.bytes, None),
        ("files", host.files, stats.files, None),
        ("largest file", host.file_bytes, stats.largest_file.1, Some(stats.largest_file.0.clone())),
        ("fullest folder", host.folder_entries, stats.fullest_folder.1, Some(stats.fullest_folder.0.clone())),
    ];
    let mut limits: Vec<Measure> = candidates
        .into_iter()
        .filter_map(|(limit, max, value, what)| max.map(|max| Measure { limit, value, max, what }))
        .collect();
    limits.sort_by(|a, b| b.share().total_cmp(&a.share()));
    let fits = limits.iter().all(Measure::fits);
    Verdict { host: host.name, stats: stats.clone(), limits, fits }
}

/// A figure as hosts state their limits: a site's size in MB, a file's in MiB.
fn amount(limit: &str, n: u64) -> String {
    match limit {
        "size" => format!("{:.1} MB", n as f64 / MB as f64),
        "largest file" => file_size(n),
        _ => format!("{n}"),
    }
}

/// A file's size as hosts state their limit on it: in MiB, or KiB below one.
fn file_size(n: u64) -> String {
    if n < MIB { format!("{:.1} KiB", n as f64 / 1024.0) } else { format!("{:.1} MiB", n as f64 / MIB as f64) }
}

/// The verdict as `check --host` prints it.
pub fn report(host: &Host, verdict: &Verdict, archive: &Path) -> String {
    let s = &verdict.stats;
    let mut out = format!(
        "{}: {:.1} MB in {} files; largest file {} ({}); fullest folder {} ({} entries)\n",
        archive.display(),
        s.bytes as f64 / MB as f64,
        s.files,
        s.largest_file.0,
        file_size(s.largest_file.1),
        s.fullest_folder.0,
        s.fullest_folder.1,
    );
    for m in &verdict.limits {
        let what = m.what.as_deref().map(|w| format!(" ({w})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<15} {:>12} of {:>12}  {:>4.0}%  {}{what}",
            m.limit,
            amount(m.limit, m.value),
            amount(m.limit, m.max),
            100.0 * m.share(),
            if m.fits() { "ok" } else { "too many" },
        );
    }
    let first = verdict.limits.first();
    let _ = match (verdict.fits, first) {
        (true, Some(m)) => writeln!(
            out,
            "fits {}; the limit it would break first as it grows: {} ({:.0}% used)",
            host.title,
            m.limit,
            100.0 * m.share()
        ),
        (true, None) => writeln!(out, "fits {}", host.title),
        (false, Some(m)) => writeln!(
            out,
            "does not fit {}: it breaks the {} limit first ({} of {})",
            host.title,
            m.limit,
            amount(m.limit, m.value),
            amount(m.limit, m.max)
        ),
        (false, None) => unreachable!("a verdict that does not fit breaks a limit"),
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_bytes_files_the_largest_file_and_the_fullest_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("index.html"), "12345").unwrap();
        std::fs::write(root.join("a/x"), "1").unwrap();
        for i in 0..3 {
            std::fs::write(root.join(format!("a/b/{i}")), "1234567890").unwrap();
        }
        let stats = measure(root).unwrap();
        assert_eq!(stats.bytes, 5 + 1 + 30);
        assert_eq!(stats.files, 5);
        assert_eq!(stats.largest_file, ("a/b/0".to_owned(), 10));
        assert_eq!(stats.fullest_folder, ("a/b".to_owned(), 3));
    }

    #[test]
    fn names_the_limit_broken_first() {
        let stats = FolderStats {
            bytes: 300 * MB,
            files: 30_000,
            largest_file: ("search/meta.js".into(), MB),
            fullest_folder: ("authors".into(), 12_000),
        };
        let cloudflare = judge(host("cloudflare-pages").unwrap(), &stats);
        assert!(!cloudflare.fits);
        assert_eq!(cloudflare.limits[0].limit, "files");
        let text = report(host("cloudflare-pages").unwrap(), &cloudflare, Path::new("public"));
        assert!(text.contains("breaks the files limit first (30000 of 20000)"), "{text}");
        let github = judge(host("github-pages").unwrap(), &stats);
        assert!(github.fits);
        assert_eq!(github.limits[0].limit, "size");
        let netlify = judge(host("netlify").unwrap(), &stats);
        assert!(netlify.fits && netlify.limits.len() == 1 && netlify.limits[0].limit == "fullest folder");
        let gitlab = judge(host("gitlab-pages").unwrap(), &FolderStats { files: 250_000, ..stats });
        assert!(!gitlab.fits);
        assert_eq!(gitlab.limits[0].limit, "files");
    }
}
