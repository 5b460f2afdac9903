//! Attachments as a post shows them: images inline, audio and video with players, other
//! files as downloads with their size, and a word where the export did not hold a file or
//! the archive left it out.
//!
//! Every address here is the archive's own (`files/…`, relative to the page) or a link the
//! export gave, which only an `http`/`https` URL that passes the sanitiser's check becomes.
//! A file a browser would run was stored as text ([`crate::filetype`]), so even its own
//! link cannot run it.

use crate::i18n::Strings;
use crate::model::{Attachment, FileKind, Stored};
use crate::render::markup::{self, safe_url};

/// An attachment on a page.
pub struct AttachmentView {
    /// The name the export gave the file: shown, the image's text alternative, and the
    /// name a download is saved under.
    pub name: String,
    pub shown: Shown,
}

/// How a page shows an attachment; addresses are relative to the page.
pub enum Shown {
    Image {
        href: String,
        width: u32,
        height: u32,
    },
    Audio {
        href: String,
        size: String,
    },
    Video {
        href: String,
        size: String,
    },
    Download {
        href: String,
        size: String,
    },
    /// A page or script, stored as text.
    Inert {
        href: String,
        size: String,
    },
    /// A file the export only links to.
    Linked {
        href: String,
    },
    Missing,
    TooLarge {
        size: String,
    },
}

/// A post's attachments as its page shows them, from a page `root` away from the archive's
/// root.
pub fn views(attachments: &[Attachment], root: &str, strings: &Strings) -> Vec<AttachmentView> {
    attachments
        .iter()
        .filter_map(|a| Some(AttachmentView { name: a.name.clone(), shown: shown(a, root, strings)? }))
        .collect()
}

/// How one attachment is shown; none for a link that is not safe to follow.
fn shown(attachment: &Attachment, root: &str, strings: &Strings) -> Option<Shown> {
    Some(match &attachment.stored {
        Stored::Copied(file) => {
            let href = format!("{root}{}", file.path);
            let size = strings.size(file.size);
            match file.kind {
                FileKind::Image { width, height } => Shown::Image { href, width, height },
                FileKind::Audio => Shown::Audio { href, size },
                FileKind::Video => Shown::Video { href, size },
                FileKind::Download => Shown::Download { href, size },
                FileKind::Inert => Shown::Inert { href, size },
            }
        }
        Stored::Linked => {
            let url = safe_url(attachment.source.as_deref()).and_then(markup::valid_url)?;
            Shown::Linked { href: url.into_owned() }
        }
        Stored::TooLarge { size } => Shown::TooLarge { size: strings.size(*size) },
        Stored::Missing | Stored::Unknown => Shown::Missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StoredFile;

    fn stored(kind: FileKind) -> Attachment {
        let file = StoredFile { path: "files/ab/abc.x".into(), size: 1_234_567, kind, mime: "x/y".into() };
        Attachment { stored: Stored::Copied(file), ..Attachment::new("IMG 1.jpg", Some("IMG 1.jpg".into())) }
    }

    #[test]
    fn each_kind_of_file_is_shown_its_way() {
        let image = views(&[stored(FileKind::Image { width: 40, height: 30 })], "../", Strings::english());
        assert!(matches!(&image[0].shown, Shown::Image { href, width: 40, height: 30 } if href == "../files/ab/abc.x"));
        assert_eq!(image[0].name, "IMG 1.jpg");
        assert!(
            matches!(&views(&[stored(FileKind::Audio)], "", Strings::english())[0].shown, Shown::Audio { size, .. } if size == "1.2 MB")
        );
        assert!(matches!(&views(&[stored(FileKind::Inert)], "", Strings::english())[0].shown, Shown::Inert { .. }));
        let missing = Attachment { stored: Stored::Missing, ..Attachment::new("x.jpg", None) };
        assert!(matches!(views(&[missing], "", Strings::english())[0].shown, Shown::Missing));
        let linked = |url: &str| Attachment { stored: Stored::Linked, ..Attachment::at(url) };
        assert!(
            matches!(&views(&[linked("https://cdn.example/a.png")], "", Strings::english())[0].shown, Shown::Linked { href } if href == "https://cdn.example/a.png")
        );
        assert!(
            views(&[linked("javascript:alert(1)")], "", Strings::english()).is_empty(),
            "only safe links are shown"
        );
    }
}
