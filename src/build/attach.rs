//! Attachments: finding the files posts attach, when the dumps are read, and what each is
//! stored as when it is copied into the archive ([`super::write`] copies them before the
//! pages that show them are written).
//!
//! Finding is cheap (a name looked up, a size read) and happens for `check` too, so that a
//! file the export names but does not hold, or one too large to publish, is said at once.
//! Copying reads each file once, names it by a hash of its bytes (the same photo sent twice,
//! or in two chats, is one file) and learns from its bytes what it is ([`crate::filetype`]).

use rustc_hash::{FxHashMap, FxHashSet};
use sha2::{Digest, Sha256};

use super::discover::{Found, Kind};
use super::source::{Location, Place};
use crate::diagnostic::Diagnostic;
use crate::filetype::file_type;
use crate::model::{Stored, StoredFile, Thread};

/// The attached files found, by the dump that names them and the name it gives.
#[derive(Default)]
pub(super) struct Located {
    pub files: FxHashMap<(String, String), (Location, u64)>,
}

/// Finds the files the posts of `threads` attach, in the places their dumps give
/// (`places`, by dump path): marks those that are only linked, not in the export, or larger
/// than `max_bytes`, and says so once per file. A file under the input folder that is no
/// dump and that no post attaches is said to be skipped.
pub(super) fn locate(
    threads: &mut [Thread],
    places: &FxHashMap<String, Place>,
    found: &[Found],
    max_bytes: u64,
) -> (Located, Vec<Diagnostic>) {
    let mut located = Located::default();
    let mut said: FxHashSet<(String, String)> = FxHashSet::default();
    let mut diagnostics = Vec::new();
    let mut attached: FxHashSet<std::path::PathBuf> = FxHashSet::default();
    let shown: FxHashMap<&str, String> =
        found.iter().map(|f| (f.relative.as_str(), f.path.display().to_string())).collect();
    for thread in threads.iter_mut() {
        let place = places.get(&thread.path);
        let dump = shown.get(thread.path.as_str()).cloned().unwrap_or_else(|| thread.path.clone());
        for post in &mut thread.posts {
            let line = post.line;
            let Some(extra) = post.extra.get_mut() else { continue };
            for attachment in &mut extra.attachments {
                if attachment.is_linked() {
                    attachment.stored = Stored::Linked;
                    continue;
                }
                let Some(source) = attachment.source.clone() else {
                    attachment.stored = Stored::Missing;
                    continue;
                };
                let key = (thread.path.clone(), source.clone());
                match place.and_then(|p| p.locate(&source)) {
                    Some((_, size)) if size > max_bytes => {
                        attachment.stored = Stored::TooLarge { size };
                        if said.insert(key) {
                            diagnostics.push(
                                Diagnostic::warning(&dump, Some(line), format!(
                                    "attachment {source} is {} MiB, more than max_attachment_mb: left out",
                                    size.div_ceil(1 << 20)
                                ))
                                .with_hint("raise max_attachment_mb in archive.toml to publish it (most static hosts take no file over 25 MiB)"),
                            );
                        }
                    }
                    Some((location, size)) => {
                        if let Location::File(path) = &location {
                            attached.insert(path.clone());
                        }
                        located.files.insert(key, (location, size));
                    }
                    None => {
                        attachment.stored = Stored::Missing;
                        if said.insert(key) {
                            diagnostics.push(
                                Diagnostic::warning(
                                    &dump,
                                    Some(line),
                                    format!("attachment {source} is not in the export"),
                                )
                                .with_hint("export the chat with its media, or put the file where the dump says it is"),
                            );
                        }
                    }
                }
            }
        }
    }
    for f in found.iter().filter(|f| !attached.contains(&f.path)) {
        if let Kind::Other(what) = f.kind {
            let archive = ["tar", "7z", "rar", "x-xz"].iter().any(|a| what.contains(a));
            let (message, hint) = if archive {
                (format!("an archive threadarc does not read yet ({what}): skipped"), "unpack it into the topic folder")
            } else {
                (
                    format!("not a dump ({what}): skipped"),
                    "a file beside a dump is published only where a post attaches it",
                )
            };
            diagnostics.push(Diagnostic::warning(f.path.display().to_string(), None, message).with_hint(hint));
        }
    }
    (located, diagnostics)
}

/// Where a file's bytes go in the archive, and what they are.
pub(super) fn store(bytes: &[u8], location: &Location) -> StoredFile {
    let name = match location {
        Location::File(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        Location::Entry { name, .. } => name.rsplit('/').next().unwrap_or(name).to_owned(),
    };
    let kind = file_type(bytes, &name);
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    StoredFile {
        path: format!("files/{}/{hex}.{}", &hex[..2], kind.extension),
        size: bytes.len() as u64,
        kind: kind.kind,
        mime: kind.mime.to_owned(),
    }
}
