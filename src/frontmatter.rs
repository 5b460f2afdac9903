//! Front matter: an optional TOML block between `+++` lines at the top of a dump.
//!
//! ```text
//! +++
//! title = "Therapy during Ketamine"
//! topic = "ketamine"
//! tags = ["therapy", "infusion"]
//! source = "https://forum.example.org/t/therapy-during-ketamine/1234"
//! format = "plain"
//! paragraphs = "blank-lines"
//! timezone = "Europe/Berlin"
//! captured = 2024-05-01T10:00:00Z
//! +++
//! Therapy during Ketamine
//! ...
//! ```

use serde::Deserialize;

use crate::diagnostic::Problem;
use crate::model::Format;
use crate::model::Paragraphs;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    /// The topic key, overriding the folder the dump sits in.
    pub topic: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The original thread's address.
    pub source: Option<String>,
    pub format: Option<Format>,
    /// Plain copy-paste only: how paragraphs and posts are separated.
    pub paragraphs: Option<Paragraphs>,
    /// The IANA time zone of dates in the dump that name none (`Europe/Berlin`).
    pub timezone: Option<String>,
    /// When the page was copied, so relative dates (`5 hours ago`) can be dated.
    pub captured: Option<toml::value::Datetime>,
}

/// A dump split into its front matter and the rest.
#[derive(Debug)]
pub struct Split<'a> {
    pub front_matter: FrontMatter,
    pub body: &'a str,
    /// How many lines come before `body` in the file.
    pub body_offset: usize,
}

const FENCE: &str = "+++";

/// Splits off the front matter of a normalised dump, if it opens with a `+++` line.
pub fn split(text: &str) -> Result<Split<'_>, Problem> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != FENCE {
        return Ok(Split { front_matter: FrontMatter::default(), body: text, body_offset: 0 });
    }
    let toml_start = first.len();
    let mut offset = toml_start;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == FENCE {
            let toml_text = &text[toml_start..offset];
            let front_matter = toml::from_str(toml_text).map_err(|e| {
                let line = e.span().map_or(0, |span| toml_text[..span.start].matches('\n').count()) + 2;
                Problem {
                    line,
                    message: format!("front matter: {}", e.message().trim_end()),
                    hint: Some(
                        "known keys are title, topic, tags, source, format, paragraphs, timezone and \
                         captured; see README.md, \"Front matter\""
                            .into(),
                    ),
                }
            })?;
            return Ok(Split { front_matter, body: &text[offset + line.len()..], body_offset: i + 2 });
        }
        offset += line.len();
    }
    Err(Problem {
        line: 1,
        message: "front matter opened with `+++` is never closed".into(),
        hint: Some("add a line `+++` after the front matter's last key".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_front_matter() {
        let s = split("Title\n\nPost\n").unwrap();
        assert_eq!(s.front_matter, FrontMatter::default());
        assert_eq!(s.body, "Title\n\nPost\n");
        assert_eq!(s.body_offset, 0);
    }

    #[test]
    fn reads_keys_and_offsets_body() {
        let s = split(
            "+++\ntitle = \"T\"\ntags = [\"a\"]\nformat = \"discourse-raw\"\nparagraphs = \"blank-lines\"\n+++\nbody\n",
        )
        .unwrap();
        assert_eq!(s.front_matter.title.as_deref(), Some("T"));
        assert_eq!(s.front_matter.tags, ["a"]);
        assert_eq!(s.front_matter.format, Some(Format::DiscourseRaw));
        assert_eq!(s.front_matter.paragraphs, Some(Paragraphs::BlankLines));
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_offset, 6);
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let err = split("+++\ntitle = \"T\"\ncolour = \"red\"\n+++\nbody").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("colour"), "{}", err.message);
    }

    #[test]
    fn dates_settings() {
        let s = split("+++\ntimezone = \"Europe/Berlin\"\ncaptured = 2024-05-01T10:00:00Z\n+++\n").unwrap();
        assert_eq!(s.front_matter.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(s.front_matter.captured.unwrap().to_string(), "2024-05-01T10:00:00Z");
    }

    #[test]
    fn unknown_format_is_an_error() {
        let err = split("+++\nformat = \"nope\"\n+++\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn fence_lines_may_have_trailing_space() {
        let s = split("+++\t \ntitle = \"T\"\n+++  \nbody").unwrap();
        assert_eq!(s.front_matter.title.as_deref(), Some("T"));
        assert_eq!(s.body, "body");
        let err = split("+++\t\n\u{1}é = 1\n+++\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn unclosed() {
        let err = split("+++\ntitle = \"T\"\n").unwrap_err();
        assert!(err.message.contains("never closed"));
    }
}
