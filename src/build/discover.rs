//! Finding the dumps: every file under the input folder, its topic from the folder it
//! sits in, in a stable order.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::report::BuildError;
use crate::diagnostic::Diagnostic;

/// The largest dump threadarc reads; a larger file is refused with a message.
pub const MAX_DUMP_BYTES: u64 = 256 * 1024 * 1024;

/// A dump found under the input folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Relative to the input folder, with `/` separators.
    pub relative: String,
    pub topic: String,
    /// The file's size in bytes when it was found.
    pub size: u64,
}

/// Every dump under `input`, in a stable order, and warnings for what was skipped. The
/// topic of a dump is the first folder under `input` it sits in; deeper folders only
/// organise files (by year, say). Hidden files and folders are skipped; symbolic links are
/// not followed, and are reported.
pub fn discover(input: &Path, default_topic: &str) -> Result<(Vec<Found>, Vec<Diagnostic>), BuildError> {
    if !input.is_dir() {
        return Err(BuildError::new(format!(
            "the input folder {} does not exist; create it with one folder per topic, or name another with --input",
            input.display()
        )));
    }
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    let walker = WalkDir::new(input)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| BuildError::new(format!("cannot read {}: {e}", input.display())))?;
        let relative_path = entry.path().strip_prefix(input).unwrap_or(entry.path());
        let relative: Vec<String> =
            relative_path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let relative = relative.join("/");
        if entry.path_is_symlink() {
            warnings.push(
                Diagnostic::warning(entry.path().display().to_string(), None, "symbolic link not followed")
                    .with_hint(format!("copy the dump into {} instead of linking it", input.display())),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let topic = match relative.split_once('/') {
            Some((folder, _)) => folder.to_owned(),
            None => default_topic.to_owned(),
        };
        let size = entry.metadata().map_or(0, |m| m.len());
        found.push(Found { path: entry.path().to_owned(), relative, topic, size });
    }
    Ok((found, warnings))
}

pub(super) fn read_dump(path: &Path) -> io::Result<Vec<u8>> {
    let size = fs::metadata(path)?.len();
    if size > MAX_DUMP_BYTES {
        return Err(io::Error::other(format!(
            "the file is {} MiB, more than the {} MiB threadarc reads; split it into several dumps",
            size >> 20,
            MAX_DUMP_BYTES >> 20
        )));
    }
    fs::read(path)
}
