//! Attachments as Mailman 2's scrubber left them in archives and digests (FORMATS.md §20).
//!
//! ```text
//! Thanks, photos attached.
//! -------------- next part --------------                 <- between a message's parts
//! A non-text attachment was scrubbed...                   <- the part was stored apart
//! Name: bed-plan.jpg
//! Type: image/jpeg
//! Size: 48213 bytes
//! Desc: not available
//! URL: <https://lists.example.org/pipermail/x/attachments/20230402/5e1f/bed-plan.jpg>
//! -------------- next part --------------
//! An HTML attachment was scrubbed...                      <- the HTML alternative
//! URL: <https://lists.example.org/pipermail/x/attachments/20230402/5e1f/attachment.html>
//! ```
//!
//! Pipermail's text archive and Mailman's plain digests hold messages as text: the
//! scrubber stored each part that was not plain text on the list's web server and put a
//! note in its place, joined to the text by the `next part` line. The note is no part of
//! what the author wrote: it is taken out of the body and becomes an attachment linked by
//! its URL (older Mailman writes `Url : http://...`), named by `Name:` or else by the
//! URL's last part. A `next part` line before text the scrubber kept (an inline text
//! part, the list footer) stays in the body.
//!
//! Mailman translates the notes, so a note is known by its shape: the separator, a line
//! ending in `...`, then `Key: value` lines; English notes need no more, others need a
//! `URL` line (which Mailman never translates).

use crate::model::Attachment;
use crate::parse::layout::Lines;

/// The separator Mailman puts between the parts of a message it turned into text.
const NEXT_PART: &str = "-------------- next part --------------";

/// The fields of an English note: `Name`, `Type`, `Size`, `Desc`, `URL` (attachments),
/// `From`, `Subject`, `Date` (an embedded message).
const FIELDS: [&str; 8] = ["name", "type", "size", "desc", "url", "from", "subject", "date"];

/// The body without the scrubber's notes, and the attachments they name.
pub fn take_scrubbed(body: &str) -> (String, Vec<Attachment>) {
    if !body.contains("-------------- ") {
        return (body.to_owned(), Vec::new());
    }
    // The lines by where each starts, and those kept copied into one text: a list of
    // either took 16 bytes a line.
    let lines = Lines::new(body);
    let mut kept = String::new();
    let mut attachments = Vec::new();
    let mut noted = false;
    let mut i = 0;
    while i < lines.len() {
        match note_at(&lines, i) {
            Some((end, attachment)) => {
                attachments.extend(attachment);
                noted = true;
                i = end;
            }
            None => {
                kept.push_str(lines.get(i));
                kept.push('\n');
                i += 1;
            }
        }
    }
    if !noted {
        return (body.to_owned(), attachments);
    }
    kept.truncate(kept.trim_end().len());
    (kept, attachments)
}

/// A scrubber note starting at line `i`: the line after it, and the attachment it names
/// (none when it names neither a file nor a URL).
fn note_at(lines: &Lines<'_>, i: usize) -> Option<(usize, Option<Attachment>)> {
    let line = |i: usize| (i < lines.len()).then(|| lines.get(i));
    let separator = lines.get(i).trim_end();
    if !is_separator(separator) {
        return None;
    }
    let note = line(i + 1)?.trim();
    if !note.ends_with("...") {
        return None;
    }
    let english = separator == NEXT_PART && note.ends_with(" was scrubbed...");
    let mut end = i + 2;
    let (mut name, mut url) = (None, None);
    while let Some((key, value)) = line(end).and_then(field) {
        if english && !FIELDS.contains(&key.to_ascii_lowercase().as_str()) {
            break;
        }
        match key.to_ascii_lowercase().as_str() {
            "url" => url = Some(value.trim_start_matches('<').trim_end_matches('>').trim()),
            "name" => name = Some(value),
            _ => {}
        }
        end += 1;
    }
    if !english && url.is_none() {
        return None;
    }
    // Mailman's word for a part without a file name.
    let name = name.filter(|n| !n.is_empty() && *n != "not available");
    let attachment = match (name, url.filter(|u| !u.is_empty())) {
        (Some(name), url) => Some(Attachment::new(name, url.map(str::to_owned))),
        (None, Some(url)) => Some(Attachment::at(url)),
        (None, None) => None,
    };
    Some((end, attachment))
}

/// `-------------- next part --------------` or a translation: 14 hyphens, words, 14.
fn is_separator(line: &str) -> bool {
    const HYPHENS: &str = "-------------- ";
    line.len() > 2 * HYPHENS.len()
        && line.starts_with(HYPHENS)
        && line.ends_with(" --------------")
        && !line[HYPHENS.len()..].starts_with('-')
}

/// A note's `Key: value` line (`Url : http://...` in older Mailman): the key, and the
/// value trimmed.
fn field(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim_end();
    let short = !key.is_empty() && key.chars().count() <= 24;
    (short && key.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-') && !key.starts_with(' '))
        .then(|| (key, value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachments(list: &[Attachment]) -> Vec<(&str, Option<&str>)> {
        list.iter().map(|a| (a.name.as_str(), a.source.as_deref())).collect()
    }

    #[test]
    fn notes_become_attachments() {
        type Case = (&'static str, &'static str, Vec<(&'static str, Option<&'static str>)>);
        let cases: Vec<Case> = vec![
            (
                "Photos attached.\n-------------- next part --------------\nA non-text attachment was scrubbed...\n\
                 Name: bed plan.jpg\nType: image/jpeg\nSize: 48213 bytes\nDesc: not available\n\
                 URL: <https://l.example/attachments/20230402/5e1f/bed_plan.jpg>\n",
                "Photos attached.",
                vec![("bed plan.jpg", Some("https://l.example/attachments/20230402/5e1f/bed_plan.jpg"))],
            ),
            (
                "Hi\n-------------- next part --------------\nAn HTML attachment was scrubbed...\n\
                 URL: <https://l.example/attachments/20230513/4c1d/attachment.html>",
                "Hi",
                vec![("attachment.html", Some("https://l.example/attachments/20230513/4c1d/attachment.html"))],
            ),
            (
                "Old Mailman\n\n-------------- next part --------------\nA non-text attachment was scrubbed...\n\
                 Name: not available\nType: application/pgp-signature\nSize: 189 bytes\n\
                 Desc: This is a digitally signed message part\n\
                 Url : http://l.example/pipermail/x/attachments/20090301/5a7b/attachment.pgp\n",
                "Old Mailman",
                vec![("attachment.pgp", Some("http://l.example/pipermail/x/attachments/20090301/5a7b/attachment.pgp"))],
            ),
            (
                "Two\n-------------- next part --------------\nAn HTML attachment was scrubbed...\nURL: <https://l.example/a/1.html>\n\
                 -------------- next part --------------\nA non-text attachment was scrubbed...\nName: log.gz\n\
                 Type: application/gzip\nSize: 10 bytes\nDesc: \nURL: <https://l.example/a/log.gz>\n",
                "Two",
                vec![("1.html", Some("https://l.example/a/1.html")), ("log.gz", Some("https://l.example/a/log.gz"))],
            ),
            (
                "Text kept\n-------------- next part --------------\nAn inline text part stays.\n",
                "Text kept\n-------------- next part --------------\nAn inline text part stays.\n",
                vec![],
            ),
            (
                "Translated\n-------------- nächster Teil --------------\nEin Dateianhang mit Binärdaten wurde abgetrennt...\n\
                 Dateiname: plan.pdf\nDateityp: application/pdf\nURL: <https://l.example/a/plan.pdf>\n",
                "Translated",
                vec![("plan.pdf", Some("https://l.example/a/plan.pdf"))],
            ),
            (
                "Not a note\n-------------- nächster Teil --------------\nEtwas anderes...\nGedanke: eins\n",
                "Not a note\n-------------- nächster Teil --------------\nEtwas anderes...\nGedanke: eins\n",
                vec![],
            ),
            (
                "No URL\n-------------- next part --------------\nA non-text attachment was scrubbed...\nName: a.bin\n\nAfter.",
                "No URL\n\nAfter.",
                vec![("a.bin", None)],
            ),
        ];
        for (body, want, want_attachments) in cases {
            let (got, list) = take_scrubbed(body);
            assert_eq!(got, want, "{body:?}");
            assert_eq!(attachments(&list), want_attachments, "{body:?}");
        }
    }

    #[test]
    fn a_note_at_the_end_without_fields_is_still_cut() {
        let (got, list) =
            take_scrubbed("x\n-------------- next part --------------\nAn HTML attachment was scrubbed...");
        assert_eq!((got.as_str(), list.len()), ("x", 0));
    }
}
