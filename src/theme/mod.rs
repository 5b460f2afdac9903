//! `theme/`, beside `threads/` and `archive.toml`: what makes an archive look like its
//! owner's. Every file is optional:
//!
//! ```text
//! theme/style.css      loaded after the built-in stylesheet (published as static/theme.css)
//! theme/logo.svg       (or .png, .jpg, .jpeg, .webp) in every page's header
//! theme/head.html      inside <head>: <link> and <meta>
//! theme/header.html    at the top of the page's header
//! theme/footer.html    in the page's footer
//! theme/strings.toml   the interface's words, key by key (src/i18n/en.toml lists them)
//! theme/static/        files copied into the archive's static/ (fonts, images the CSS uses)
//! ```
//!
//! The theme is the owner's, so its snippets go into the pages as they are, once checked
//! ([`snippet`]): the pages' Content-Security-Policy stays as strict as without a theme.
//! The theme is read like `archive.toml`, with its own file I/O; a problem in it is an
//! error that names the file and line, and stops a build before anything is written.

pub mod snippet;

use std::fs;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::i18n::{Strings, language_warning};
use snippet::Place;

/// The static files threadarc publishes itself, which a theme's may not replace.
pub const BUILT_IN: &[&str] = &["style.css", "thread.js", "search.js", "theme.css"];

/// The logo's file types, by extension.
pub const LOGO_TYPES: &[&str] = &["svg", "png", "jpg", "jpeg", "webp"];

/// The snippets, by file name, and where each goes.
const SNIPPETS: &[(&str, Place)] =
    &[("head.html", Place::Head), ("header.html", Place::Body), ("footer.html", Place::Body)];

/// A theme as the pages use it: what `theme/` holds, checked, and the interface's words.
pub struct Theme {
    /// `theme/style.css`, published as `static/theme.css`.
    pub stylesheet: Option<Vec<u8>>,
    pub logo: Option<Logo>,
    /// The snippets, checked; empty where there is none. `{root}` in them is the way back
    /// to the archive's root from the page they are in.
    pub head: String,
    pub header: String,
    pub footer: String,
    /// `theme/static/`'s files: each one's path under `static/`, and its bytes; in order.
    pub files: Vec<(String, Vec<u8>)>,
    /// The interface's words: the language's, with `theme/strings.toml`'s over them.
    pub strings: Strings,
    /// `theme/strings.toml` as read, for the build's fingerprint.
    pub strings_source: Option<String>,
}

/// The archive's logo: `theme/logo.EXT`, published as `static/logo.EXT`.
pub struct Logo {
    /// Its name in `static/`.
    pub file: String,
    pub bytes: Vec<u8>,
    /// Its width and height, for a raster image.
    pub size: Option<(u32, u32)>,
}

/// The theme folder of an archive whose dumps are in `input`: `theme/` beside it.
pub fn folder(input: &Path) -> std::path::PathBuf {
    input.parent().unwrap_or(Path::new("")).join("theme")
}

impl Theme {
    /// No theme: the built-in look, and the words of `language`.
    pub fn plain(language: &str) -> Theme {
        Theme {
            stylesheet: None,
            logo: None,
            head: String::new(),
            header: String::new(),
            footer: String::new(),
            files: Vec::new(),
            strings: Strings::for_language(language),
            strings_source: None,
        }
    }

    /// Reads the theme in `dir` for an archive in `language` (from `config_path`): the
    /// theme, and every problem found, errors and warnings. A missing folder is no theme.
    pub fn load(dir: &Path, language: &str, config_path: &Path) -> (Theme, Vec<Diagnostic>) {
        let mut theme = Theme::plain(language);
        let mut problems: Vec<Diagnostic> =
            language_warning(language, &config_path.display().to_string()).into_iter().collect();
        let shown = |name: &str| dir.join(name).display().to_string();
        match fs::symlink_metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                problems.push(
                    Diagnostic::error(dir.display().to_string(), None, "theme is not a folder")
                        .with_hint("theme/ is a folder of optional files: style.css, logo.svg, header.html, …"),
                );
                return (theme, problems);
            }
            Err(_) => return (theme, problems),
        }
        let entries = match read_names(dir) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(Diagnostic::error(dir.display().to_string(), None, format!("cannot read: {e}")));
                return (theme, problems);
            }
        };
        let mut logos = Vec::new();
        for name in &entries {
            let path = dir.join(name);
            if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                problems.push(
                    Diagnostic::warning(shown(name), None, "a symbolic link; not followed")
                        .with_hint("put the file itself in theme/"),
                );
                continue;
            }
            let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            match name.as_str() {
                "static" if path.is_dir() => read_static(&path, &mut theme.files, &mut problems),
                "style.css" => match read_text(&path) {
                    Ok(text) => theme.stylesheet = Some(text.into_bytes()),
                    Err(d) => problems.push(d),
                },
                "strings.toml" => match read_text(&path) {
                    Ok(text) => {
                        match theme.strings.override_with(&shown(name), &text) {
                            Ok(warnings) => problems.extend(warnings),
                            Err(d) => problems.push(d),
                        }
                        theme.strings_source = Some(text);
                    }
                    Err(d) => problems.push(d),
                },
                _ if name.starts_with("logo.") && extension.as_deref().is_some_and(|e| LOGO_TYPES.contains(&e)) => {
                    logos.push(name.clone());
                }
                _ => match SNIPPETS.iter().find(|(file, _)| file == name) {
                    Some((_, place)) => match read_snippet(&path, *place) {
                        Ok(text) => *theme.snippet_mut(name) = text,
                        Err(d) => problems.push(d),
                    },
                    None => problems.push(
                        Diagnostic::warning(shown(name), None, "not a theme file; it is not used")
                            .with_hint("a theme has style.css, logo.svg (or .png, .jpg, .webp), head.html, header.html, footer.html, strings.toml and static/"),
                    ),
                },
            }
        }
        match logos.as_slice() {
            [] => {}
            [name] => match read_logo(&dir.join(name), name) {
                Ok(logo) => theme.logo = Some(logo),
                Err(d) => problems.push(d),
            },
            more => problems.push(
                Diagnostic::error(dir.display().to_string(), None, format!("more than one logo: {}", more.join(", ")))
                    .with_hint("keep one logo file in theme/"),
            ),
        }
        (theme, problems)
    }

    fn snippet_mut(&mut self, name: &str) -> &mut String {
        match name {
            "head.html" => &mut self.head,
            "header.html" => &mut self.header,
            _ => &mut self.footer,
        }
    }

    /// Everything of the theme a page or file is made from, for the build's fingerprint
    /// (the shipped words are in the binary).
    pub fn fingerprint_parts(&self) -> Vec<&[u8]> {
        let mut parts: Vec<&[u8]> = vec![
            self.stylesheet.as_deref().unwrap_or(b"\0"),
            self.head.as_bytes(),
            self.header.as_bytes(),
            self.footer.as_bytes(),
            self.strings_source.as_deref().unwrap_or("\0").as_bytes(),
        ];
        if let Some(logo) = &self.logo {
            parts.extend([logo.file.as_bytes(), logo.bytes.as_slice()]);
        }
        for (name, bytes) in &self.files {
            parts.extend([name.as_bytes(), bytes.as_slice()]);
        }
        parts
    }
}

/// The names in a folder, sorted; hidden ones left out.
fn read_names(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes =
        fs::read(path).map_err(|e| Diagnostic::error(path.display().to_string(), None, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::error(path.display().to_string(), Some(line), "not UTF-8 text").with_hint("save it as UTF-8")
    })
}

fn read_snippet(path: &Path, place: Place) -> Result<String, Diagnostic> {
    let text = read_text(path)?;
    snippet::check(&text, place).map_err(|p| Diagnostic {
        severity: crate::diagnostic::Severity::Error,
        path: path.display().to_string(),
        line: Some(p.line),
        message: p.message,
        hint: p.hint,
    })?;
    Ok(text.trim().to_owned())
}

fn read_logo(path: &Path, name: &str) -> Result<Logo, Diagnostic> {
    let shown = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| Diagnostic::error(&shown, None, format!("cannot read: {e}")))?;
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    let size = if extension == "svg" {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
        if !text.contains("<svg") {
            return Err(Diagnostic::error(&shown, None, "not an SVG drawing")
                .with_hint("save the logo as SVG, PNG, JPEG or WebP"));
        }
        None
    } else {
        let kind = imagesize::image_type(&bytes).ok();
        let expected = match extension.as_str() {
            "png" => matches!(kind, Some(imagesize::ImageType::Png)),
            "jpg" | "jpeg" => matches!(kind, Some(imagesize::ImageType::Jpeg)),
            _ => matches!(kind, Some(imagesize::ImageType::Webp)),
        };
        let size = imagesize::blob_size(&bytes).ok().filter(|_| expected);
        let Some(size) = size else {
            return Err(Diagnostic::error(&shown, None, format!("not a {} image", extension.to_ascii_uppercase()))
                .with_hint("give the file the extension of its type: .svg, .png, .jpg or .webp"));
        };
        Some((size.width as u32, size.height as u32))
    };
    Ok(Logo { file: format!("logo.{extension}"), bytes, size })
}

/// Reads `theme/static/` into `files`: every file, by its path under it. Names must be
/// safe in every address and on every file system; symbolic links are not followed.
fn read_static(dir: &Path, files: &mut Vec<(String, Vec<u8>)>, problems: &mut Vec<Diagnostic>) {
    for entry in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(Diagnostic::error(dir.display().to_string(), None, format!("cannot read: {e}")));
                continue;
            }
        };
        let shown = entry.path().display().to_string();
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if relative.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')) {
            continue;
        }
        if entry.path_is_symlink() {
            problems.push(
                Diagnostic::warning(&shown, None, "a symbolic link; not followed")
                    .with_hint("put the file itself in theme/static/"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let name: Option<Vec<String>> =
            relative.components().map(|c| c.as_os_str().to_str().filter(|s| safe_name(s)).map(str::to_owned)).collect();
        let Some(name) = name.map(|parts| parts.join("/")) else {
            problems.push(
                Diagnostic::error(&shown, None, "a name an address cannot hold as it is")
                    .with_hint("rename it (and where your CSS names it) to letters, digits, '.', '-' and '_'"),
            );
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if BUILT_IN.contains(&lower.as_str()) || (lower.starts_with("logo.") && !lower.contains('/')) {
            problems.push(
                Diagnostic::error(&shown, None, format!("would replace threadarc's own static/{name}"))
                    .with_hint("rename it, and where your CSS names it; a logo goes in theme/ itself"),
            );
            continue;
        }
        match fs::read(entry.path()) {
            Ok(bytes) => files.push((name, bytes)),
            Err(e) => problems.push(Diagnostic::error(&shown, None, format!("cannot read: {e}"))),
        }
    }
}

/// Letters, digits, `.`, `-` and `_`, not starting with a dot, and not a name Windows
/// refuses.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && !is_device_name(name.split('.').next().unwrap_or_default())
}

/// A name Windows keeps for a device, whatever follows its dot.
fn is_device_name(stem: &str) -> bool {
    let stem = stem.to_ascii_lowercase();
    matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ["com", "lpt"]
            .iter()
            .any(|p| stem.strip_prefix(p).is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit()))
}
