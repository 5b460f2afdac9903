//! The output folder's transaction: the lock, the staging folder beside the output, the
//! swap that puts a finished archive in place, and the recovery after a killed build.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::report::BuildError;

/// The file that marks a folder as an archive threadarc wrote (and may replace).
pub const MARKER: &str = ".threadarc";

/// `parent/.NAME.threadarc-WHAT`: a hidden folder beside the output, on the same file
/// system so that renaming it is atomic.
pub(super) fn sibling(output: &Path, what: &str) -> Result<PathBuf, BuildError> {
    let name = output
        .file_name()
        .ok_or_else(|| BuildError::new(format!("{} is not a folder name threadarc can write", output.display())))?;
    Ok(output.with_file_name(format!(".{}.threadarc-{what}", name.to_string_lossy())))
}

/// The longest name threadarc gives a file beside the output beyond the output's own name
/// (`.NAME.threadarc-cache.partial`, with room to spare).
const SIBLING_NAME_BYTES: usize = 32;

/// Refuses an output folder that a build cannot replace without harm: one that is, or
/// holds, the input folder or the configuration (replacing it would delete them, `--force`
/// or not); one inside the input folder that threadarc did not write (its files are
/// dumps); a symbolic link (swapping it would replace the link, and keeping the folder it
/// leads to would follow it); one whose name leaves no room for the folders kept beside it.
pub(super) fn check_place(output: &Path, input: &Path, config: &Path) -> Result<(), BuildError> {
    if fs::symlink_metadata(output).is_ok_and(|m| m.file_type().is_symlink()) {
        let target = fs::read_link(output).map_or_else(|_| "another folder".to_owned(), |t| t.display().to_string());
        return Err(BuildError::new(format!(
            "{} is a symbolic link to {target}; threadarc replaces the output folder whole and does not follow links: name the folder itself with --output",
            output.display()
        )));
    }
    if output.file_name().is_some_and(|n| n.len() + SIBLING_NAME_BYTES > 255) {
        return Err(BuildError::new(format!(
            "the output folder's name is too long: threadarc keeps folders named `.NAME.threadarc-previous` beside it, and they must fit in 255 bytes; name one of at most {} bytes with --output",
            255 - SIBLING_NAME_BYTES
        )));
    }
    let out = resolved(output);
    let shown = |path: &Path| path.display().to_string();
    if let Ok(input_path) = fs::canonicalize(input) {
        if input_path.starts_with(&out) {
            let what = if input_path == out { "is" } else { "holds" };
            return Err(BuildError::new(format!(
                "the output folder {} {what} the input folder {}; a build replaces the output whole, which would delete the dumps: name another folder with --output (the default is public)",
                shown(output),
                shown(input)
            )));
        }
        let ours_or_empty = !output.exists()
            || output.join(MARKER).is_file()
            || fs::read_dir(output).is_ok_and(|mut entries| entries.next().is_none());
        if out.starts_with(&input_path) && !ours_or_empty {
            return Err(BuildError::new(format!(
                "the output folder {} is inside the input folder {} and was not written by threadarc: its files are dumps; name another folder with --output",
                shown(output),
                shown(input)
            )));
        }
    }
    if let Ok(config_path) = fs::canonicalize(config)
        && config_path.starts_with(&out)
    {
        return Err(BuildError::new(format!(
            "the output folder {} {} the configuration {}; a build replaces the output whole: name another folder with --output",
            shown(output),
            if config_path == out { "is" } else { "holds" },
            shown(config)
        )));
    }
    Ok(())
}

/// A path made absolute with its links resolved, as far as it exists: the output folder
/// may not exist yet.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            let mut out = real;
            for component in rest.iter().rev() {
                match component {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

pub(super) fn io_error(path: &Path, e: io::Error) -> BuildError {
    BuildError::new(format!("{}: {e}", path.display()))
}

/// The staging folder for a new archive of `output`, and where the archive it replaces
/// will be kept: the archive before the one in place, kept by the last build, becomes the
/// staging folder, so that only what changed since it is written or linked again. Refuses
/// an output folder threadarc did not write, unless forced.
pub(super) fn prepare_staging(output: &Path, force: bool) -> Result<(PathBuf, PathBuf), BuildError> {
    check_output(output, force)?;
    let staging = sibling(output, "staging")?;
    let kept = sibling(output, "previous")?;
    // A staging folder is left only by a build that was killed: it is not trusted.
    remove_ours(&staging)?;
    if is_ours(&kept) {
        fs::rename(&kept, &staging).map_err(|e| io_error(&kept, e))?;
    } else {
        remove_ours(&kept)?;
    }
    Ok((staging, kept))
}

/// Whether `path` is a folder (not a link to one) that holds threadarc's marker.
fn is_ours(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) && path.join(MARKER).is_file()
}

/// Refuses to replace a folder that threadarc did not write, unless forced.
fn check_output(output: &Path, force: bool) -> Result<(), BuildError> {
    if force || !output.exists() || output.join(MARKER).is_file() {
        return Ok(());
    }
    if !output.is_dir() {
        return Err(BuildError::new(format!(
            "{} is a file, not a folder threadarc wrote; name another folder with --output, or pass --force to replace the file",
            output.display()
        )));
    }
    let empty = fs::read_dir(output).map_err(|e| io_error(output, e))?.next().is_none();
    if empty {
        return Ok(());
    }
    Err(BuildError::new(format!(
        "{} exists and was not written by threadarc; name another folder with --output, or pass --force to replace it",
        output.display()
    )))
}

/// Takes the build lock of an output folder, so that two builds cannot write it at once.
/// The lock is the operating system's and goes with the process, even a killed one.
pub(super) fn lock(output: &Path) -> Result<fs::File, BuildError> {
    let path = sibling(output, "lock")?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    let file =
        fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| io_error(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(BuildError {
            busy: true,
            ..BuildError::new(format!("another threadarc build is writing {}; wait for it to finish", output.display()))
        }),
        Err(fs::TryLockError::Error(e)) => Err(io_error(&path, e)),
    }
}

/// Removes a folder threadarc left beside the output (a build killed midway), but only if
/// it is one of ours: empty, or marked. A symbolic link in its place is removed, never
/// followed.
pub(super) fn remove_ours(path: &Path) -> Result<(), BuildError> {
    let Ok(metadata) = fs::symlink_metadata(path) else { return Ok(()) };
    if metadata.file_type().is_symlink() {
        return fs::remove_file(path).map_err(|e| io_error(path, e));
    }
    if !metadata.is_dir() {
        return Err(BuildError::new(format!(
            "{} is in the way and was not written by threadarc; move it elsewhere",
            path.display()
        )));
    }
    let empty = fs::read_dir(path).map_err(|e| io_error(path, e))?.next().is_none();
    if !empty && !path.join(MARKER).is_file() {
        return Err(BuildError::new(format!(
            "{} is in the way and was not written by threadarc; move it elsewhere",
            path.display()
        )));
    }
    remove_tree(path).map_err(|e| io_error(path, e))
}

/// Puts back an archive that a build killed between its two renames left aside (only
/// where the file system cannot swap folders atomically).
pub(super) fn recover(output: &Path) -> Result<(), BuildError> {
    let old = sibling(output, "old")?;
    if !output.exists() && is_ours(&old) {
        fs::rename(&old, output).map_err(|e| io_error(output, e))?;
    }
    remove_ours(&old)
}

/// Moves the finished archive into place. Where the system can (Linux), the two folders
/// are swapped in one atomic step, so that at every instant the output is either the whole
/// old archive or the whole new one; elsewhere the old one is moved aside first. The old
/// archive, if threadarc wrote it, is kept as `kept` for the next build to start from; it
/// is mostly links to the files of the new one. `force` allows the replaced folder to be
/// one threadarc did not write (it is removed).
///
/// Fails (the error) only while the old archive is still in place; once the new one is,
/// what befalls the old one is the inner result: the next build then starts from nothing.
pub(super) fn replace(
    staging: &Path,
    kept: &Path,
    output: &Path,
    force: bool,
) -> Result<Result<(), BuildError>, BuildError> {
    #[cfg(target_os = "linux")]
    if output.exists() {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, output, RenameFlags::EXCHANGE).is_ok() {
            // The staging folder now holds the previous archive.
            return Ok(keep_or_remove(staging, kept, output, force).or_else(|e| discard(staging, kept, e)));
        }
    }
    let old = sibling(output, "old")?;
    remove_dir_if_exists(&old).map_err(|e| io_error(&old, e))?;
    let had_old = output.exists();
    if had_old {
        fs::rename(output, &old).map_err(|e| io_error(output, e))?;
    }
    if let Err(e) = fs::rename(staging, output) {
        if had_old {
            let _ = fs::rename(&old, output);
        }
        return Err(io_error(output, e));
    }
    if had_old {
        return Ok(keep_or_remove(&old, kept, output, force).or_else(|e| discard(&old, kept, e)));
    }
    Ok(Ok(()))
}

/// Removes what is left of an archive that could not be kept, so that no later build
/// meets it half pruned; the error says why it was not kept.
fn discard(old: &Path, kept: &Path, error: BuildError) -> Result<(), BuildError> {
    for path in [old, kept] {
        if is_ours(path) {
            let _ = remove_tree(path);
        }
    }
    Err(error)
}

/// Keeps a replaced archive as `kept` if threadarc wrote it, else removes it (only with
/// `force` can it be another's: a folder, or a file).
fn keep_or_remove(old: &Path, kept: &Path, output: &Path, force: bool) -> Result<(), BuildError> {
    if is_ours(old) {
        fs::rename(old, kept).map_err(|e| io_error(kept, e))?;
        // Nothing the new archive no longer shows stays beside it: what was taken down
        // (a post, a name) is gone from the disk, not only from the archive.
        return prune_kept(kept, output).map_err(|e| io_error(kept, e));
    }
    if !force {
        return remove_ours(old);
    }
    match fs::symlink_metadata(old) {
        Ok(m) if m.is_dir() => remove_tree(old).map_err(|e| io_error(old, e)),
        _ => remove_file_if_exists(old).map_err(|e| io_error(old, e)),
    }
}

/// Lets the owner write in `folder`: an archive someone made read-only is still one
/// threadarc replaces, links from and prunes.
pub(super) fn make_writable(folder: &Path, metadata: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode();
    if mode & 0o700 == 0o700 {
        return Ok(());
    }
    fs::set_permissions(folder, fs::Permissions::from_mode(mode | 0o700))
}

/// Keeps of the archive a build replaced only the files that are the new archive's own
/// (the same file, hard-linked): those the next build starts from. A file the new archive
/// changed or no longer has is removed.
fn prune_kept(kept: &Path, output: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mut folders = Vec::new();
    make_writable(kept, &fs::symlink_metadata(kept)?)?;
    for entry in walkdir::WalkDir::new(kept).min_depth(1).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            make_writable(entry.path(), &entry.metadata().map_err(io::Error::other)?)?;
            folders.push(entry.into_path());
            continue;
        }
        let relative = entry.path().strip_prefix(kept).map_err(io::Error::other)?;
        let here = entry.metadata().map_err(io::Error::other)?;
        let same =
            fs::symlink_metadata(output.join(relative)).is_ok_and(|m| m.ino() == here.ino() && m.dev() == here.dev());
        if !same && relative != Path::new(MARKER) {
            fs::remove_file(entry.path())?;
        }
    }
    for folder in folders.iter().rev() {
        if fs::read_dir(folder)?.next().is_none() {
            fs::remove_dir(folder)?;
        }
    }
    Ok(())
}

/// Removes a folder and everything in it (a symbolic link in it is removed, not followed),
/// the entries of each folder in parallel: the archive a build replaces is tens of
/// thousands of files.
pub(super) fn remove_tree(path: &Path) -> io::Result<()> {
    let metadata = fs::symlink_metadata(path)?;
    if !metadata.is_dir() {
        return fs::remove_file(path);
    }
    make_writable(path, &metadata)?;
    let entries: Vec<fs::DirEntry> = fs::read_dir(path)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() { remove_tree(&entry.path()) } else { fs::remove_file(entry.path()) }
    })?;
    fs::remove_dir(path)
}

fn remove_dir_if_exists(path: &Path) -> io::Result<()> {
    match remove_tree(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

pub(super) fn remove_file_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
