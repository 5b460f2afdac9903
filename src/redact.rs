//! What an archive withholds from what it publishes: mail addresses, unless the archive's
//! `show_emails` says to publish them.
//!
//! Addresses are personal data, and every mail dump is full of them: in headers, in
//! attribution lines, in quoted text. Withholding works on the model, before anything is
//! rendered or indexed, so that pages, records, feeds and the search index all see the
//! same masked text. What the archive's owner takes down is [`crate::takedown`]'s.

use std::borrow::Cow;
use std::sync::LazyLock;

use linkify::{LinkFinder, LinkKind};
use regex::Regex;

use crate::model::Thread;

/// Leaves mail addresses out of everything a mail thread publishes (pages, records, feeds,
/// search): authors who gave no name, subjects, bodies, titles.
pub fn hide_emails(thread: &mut Thread) {
    if !thread.format.is_mail() {
        return;
    }
    let mask = |text: &mut String| {
        if let std::borrow::Cow::Owned(masked) = mask_emails(text) {
            *text = masked;
        }
    };
    mask(&mut thread.title);
    for post in &mut thread.posts {
        if post.extra.email.is_some() {
            post.extra.email = None;
        }
        post.author.as_mut().map(mask);
        post.extra.subject.as_mut().map(mask);
        mask(&mut post.body);
    }
}

/// Cuts every email address in a text to its local part: `alice@example.org`,
/// `mailto:alice@example.org` and pipermail's `<alice at example.org>` become `alice@…`.
pub fn mask_emails(text: &str) -> Cow<'_, str> {
    static PIPERMAIL: LazyLock<Regex> = LazyLock::new(|| {
        // Only where the form is unmistakable: in angle brackets, or before `wrote:`.
        Regex::new(r"(<\s*|\b)([\w.+-]+) at ([\w-]+(?:\.[\w-]+)+)(\s*>|\s+wrote:)").unwrap()
    });
    if !text.contains('@') && !text.contains(" at ") {
        return Cow::Borrowed(text);
    }
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Email, LinkKind::Url]);
    finder.url_must_have_scheme(true);
    let mut out = String::with_capacity(text.len());
    for span in finder.spans(text) {
        let s = span.as_str();
        match span.kind() {
            Some(LinkKind::Email) => out.push_str(&masked(s)),
            Some(LinkKind::Url) if s.len() > 7 && s[..7].eq_ignore_ascii_case("mailto:") => {
                out.push_str(&masked(&s[7..]));
            }
            _ => out.push_str(s),
        }
    }
    let out = match PIPERMAIL.replace_all(&out, "$1$2@…$4") {
        Cow::Borrowed(_) => out,
        Cow::Owned(replaced) => replaced,
    };
    if out == text { Cow::Borrowed(text) } else { Cow::Owned(out) }
}

fn masked(address: &str) -> String {
    let local = address.split('@').next().unwrap_or_default();
    format!("{local}@…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_cut_to_their_local_part() {
        for (text, want) in [
            ("write to alice@example.org now", "write to alice@… now"),
            ("Alice <alice@example.org>", "Alice <alice@…>"),
            ("mailto:bob@example.net", "mailto:bob@…"),
            ("Bob <bob at example.net> said", "Bob <bob@…> said"),
            ("bob at example.net wrote:", "bob@… wrote:"),
            ("look at example.org", "look at example.org"),
            ("see https://lists.example.org/listinfo/x", "see https://lists.example.org/listinfo/x"),
            ("no address", "no address"),
        ] {
            assert_eq!(mask_emails(text), want, "{text:?}");
        }
    }
}
