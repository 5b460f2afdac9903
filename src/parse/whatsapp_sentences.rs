//! The phone's own words in a WhatsApp export (FORMATS.md §10): its notices and system
//! events, its placeholders for deleted and left-out messages, and its markers for media
//! and edits, in English and German (the languages whose words are known). The parser in
//! `whatsapp.rs` asks these questions of a line's text, bidi marks already removed.

/// How the end-to-end encryption notice starts: the first line of nearly every export.
const ENCRYPTION: &[&str] = &[
    "Messages and calls are end-to-end encrypted",
    "Messages to this group are now secured with end-to-end encryption",
    "Messages to this chat and calls are now secured with end-to-end encryption",
    "Messages you send to this group are now secured with end-to-end encryption",
    "Messages you send to this chat and calls are now secured with end-to-end encryption",
    "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt",
    "Nachrichten an diese Gruppe sind jetzt mit Ende-zu-Ende-Verschlüsselung geschützt",
];

/// How the other notices that name no actor start.
const NOTICES: &[&str] = &[
    "You were added",
    "You joined using this group's invite link",
    "You're now an admin",
    "You are now an admin",
    "Your security code with ",
    "This chat is with a business account",
    "You blocked this contact",
    "You unblocked this contact",
    "Du wurdest hinzugefügt",
    "Du bist jetzt Admin",
    "Dein Sicherheitscode für ",
];

/// Calls, which the export lists among the messages.
const CALLS: &[&str] = &[
    "Missed voice call",
    "Missed video call",
    "Missed group voice call",
    "Missed group video call",
    "Verpasster Sprachanruf",
    "Verpasster Videoanruf",
    "Verpasster Gruppensprachanruf",
    "Verpasster Gruppenvideoanruf",
];

/// What follows the actor's name in an English system event.
const ACTS: &[&str] = &[
    " created group ",
    " added ",
    " removed ",
    " joined using this group's invite link",
    " joined using an invite link",
    " changed the subject ",
    " changed the group name ",
    " changed this group's icon",
    " deleted this group's icon",
    " changed the group description",
    " deleted the group description",
    " changed this group's settings",
    " changed their phone number",
    " changed to ",
    " ist über den Einladungslink dieser Gruppe beigetreten",
    " ist beigetreten",
];

/// How a German system event ends, after `X hat …` or `Du hast …`.
const GERMAN_ACTS: &[&str] = &["hinzugefügt", "entfernt", "verlassen", "geändert", "erstellt", "gelöscht"];

/// What comes before the group's name, in quotes, in its creation or a change of its name.
/// The name may hold `: `, so an Android line that has one of these before its first
/// `: ` is an event, not a message.
const NAMINGS: &[&str] = &[
    " created group ",
    " changed the subject from ",
    " changed the subject to ",
    " changed the group name from ",
    " changed the group name to ",
    " hat die Gruppe ",
    " hast die Gruppe ",
    " hat den Betreff von ",
    " hast den Betreff von ",
    " hat den Betreff zu ",
    " hast den Betreff zu ",
];

/// Where a change of name gives the old one first, what comes before the new one.
const RENAMED_TO: &[&str] = &[" to ", " zu "];

const OPENING_QUOTES: &[char] = &['"', '“', '„', '«', '»'];
const CLOSING_QUOTES: &[char] = &['"', '”', '“', '»', '«'];

/// A message deleted by its author (iOS adds a final `.`).
const DELETED: &[&str] = &[
    "This message was deleted",
    "You deleted this message",
    "Diese Nachricht wurde gelöscht",
    "Du hast diese Nachricht gelöscht",
];

/// A message deleted by a group admin: `This message was deleted by admin Dana`.
const DELETED_BY_ADMIN: &[&str] = &["This message was deleted by admin", "Diese Nachricht wurde vom Admin"];

/// Android's placeholder for media left out of the export.
const MEDIA_OMITTED: &[&str] = &["<Media omitted>", "<Medien ausgeschlossen>"];

/// How iOS's placeholders for media left out end (`image omitted`, `Bild weggelassen`,
/// after U+200E).
const OMITTED_ENDINGS: &[&str] = &[" omitted", " weggelassen", " ausgelassen"];

/// The end of the line that names a medium included in an Android export.
const ANDROID_ATTACHED: &[&str] = &[" (file attached)", " (Datei angehängt)"];

/// How a marker for a medium included in an iOS export starts, up to its `>`.
const IOS_ATTACHED: &[&str] = &["<attached: ", "<Anhang: ", "<adjunto: "];

/// The marker at the end of an edited message.
const EDITED: &[&str] = &["<This message was edited>", "<Diese Nachricht wurde bearbeitet>"];

pub fn is_encryption_notice(text: &str) -> bool {
    ENCRYPTION.iter().any(|e| text.starts_with(e))
}

/// A notice that names no actor: encryption, being added, a security code, a call.
pub fn is_notice(text: &str) -> bool {
    is_encryption_notice(text) || NOTICES.iter().any(|n| text.starts_with(n)) || is_call(text)
}

/// A missed call: the whole text.
pub fn is_call(text: &str) -> bool {
    let text = text.trim().trim_end_matches('.');
    CALLS.iter().any(|c| text == *c || text.strip_prefix(c).is_some_and(|r| r.starts_with(", ")))
}

/// A known system event: a notice, or an actor doing something to the group.
pub fn is_event(text: &str) -> bool {
    if is_notice(text) || ACTS.iter().any(|a| text.contains(a)) || text.ends_with(" left") {
        return true;
    }
    let german = text.contains(" hat ") || text.starts_with("Du hast ");
    german && GERMAN_ACTS.iter().any(|a| text.trim_end_matches('.').ends_with(a))
}

/// Whether `rest`, what follows the actor's name, is what an event says they did: the
/// act comes first, and there is no `: ` but in a quoted name (`added a note: …` is a
/// message).
pub fn is_act(rest: &str) -> bool {
    let first = ACTS.iter().any(|a| rest.starts_with(a)) || rest == " left";
    let german = (rest.starts_with(" hat ") || rest.starts_with(" ist "))
        && GERMAN_ACTS.iter().any(|a| rest.trim_end_matches('.').ends_with(a));
    (first || german) && (!rest.contains(": ") || rest.contains(OPENING_QUOTES))
}

/// Whether `rest`, a whole Android line after its header, names the group before its
/// first `: ` at `colon` (`X created group "Plot: 14"`).
pub fn names_the_group_before(rest: &str, colon: usize) -> bool {
    NAMINGS
        .iter()
        .any(|n| rest.find(n).is_some_and(|at| at < colon && rest[at + n.len()..].starts_with(OPENING_QUOTES)))
}

/// The group's new name, where `text` creates or renames it.
pub fn group_name(text: &str) -> Option<String> {
    let after = NAMINGS.iter().find_map(|n| text.split_once(n).map(|(_, after)| after))?;
    let mut after = after.strip_prefix(OPENING_QUOTES)?;
    // `from "Old" to "New"`: the new name is the last one.
    for to in RENAMED_TO {
        if let Some(at) = after.rfind(to)
            && after[at + to.len()..].starts_with(OPENING_QUOTES)
            && after[..at].ends_with(CLOSING_QUOTES)
        {
            after = after[at + to.len()..].strip_prefix(OPENING_QUOTES).unwrap_or(after);
        }
    }
    let name = after.rfind(CLOSING_QUOTES).map_or(after, |end| &after[..end]).trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// A message that stands in for one that was deleted.
pub fn is_deleted(text: &str) -> bool {
    let text = text.trim_end_matches('.');
    DELETED.contains(&text) || DELETED_BY_ADMIN.iter().any(|d| text.starts_with(d))
}

/// A message that stands in for media left out of the export; its words are the body.
pub fn is_omitted(text: &str) -> bool {
    let text = text.trim();
    MEDIA_OMITTED.contains(&text) || OMITTED_ENDINGS.iter().any(|e| text.ends_with(e))
}

/// A text iOS marks as its own that is still a message: a placeholder or an attachment.
pub fn is_placeholder(text: &str) -> bool {
    is_deleted(text.trim()) || is_omitted(text) || IOS_ATTACHED.iter().any(|a| text.contains(a))
}

/// Words that only a WhatsApp export writes, anywhere in a line after its header.
pub fn is_certain(rest: &str) -> bool {
    ENCRYPTION.iter().any(|e| rest.contains(e))
        || MEDIA_OMITTED.iter().any(|m| rest.contains(m))
        || IOS_ATTACHED.iter().any(|a| rest.contains(a))
        || android_attachment(rest).is_some()
}

/// The line without the edited marker at its end, where it has one.
pub fn without_edited(line: &str) -> Option<&str> {
    let line = line.trim_end();
    EDITED.iter().find_map(|e| line.strip_suffix(e)).map(str::trim_end)
}

/// The file an Android message's first line names as included: `IMG-….jpg (file attached)`.
pub fn android_attachment(line: &str) -> Option<&str> {
    let name = ANDROID_ATTACHED.iter().find_map(|a| line.trim_end().strip_suffix(a))?.trim();
    (!name.is_empty()).then_some(name)
}

/// The first file an iOS line marks as included (`<attached: FILE>`), and the line without
/// the marker.
pub fn ios_attachment(line: &str) -> Option<(String, String)> {
    let (at, marker) = IOS_ATTACHED.iter().filter_map(|a| Some((line.find(a)?, a))).min()?;
    let inner = &line[at + marker.len()..];
    let end = inner.find('>')?;
    let name = inner[..end].trim();
    if name.is_empty() {
        return None;
    }
    let (before, after) = (line[..at].trim_end(), inner[end + 1..].trim_start());
    let kept =
        if before.is_empty() || after.is_empty() { format!("{before}{after}") } else { format!("{before} {after}") };
    Some((name.to_owned(), kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Dana created group \"Plot 14\"", Some("Plot 14")),
            ("Priti Shah created group “Book club”", Some("Book club")),
            ("You created group \"Plot: 14\"", Some("Plot: 14")),
            ("Dana changed the subject to \"West \"end\"\"", Some("West \"end\"")),
            ("Dana changed the subject from \"A to B\" to \"C\"", Some("C")),
            ("Dana hat die Gruppe „Kleingarten“ erstellt", Some("Kleingarten")),
            ("Dana hat den Betreff von „Alt“ zu „Neu“ geändert", Some("Neu")),
            ("Dana hat die Gruppe verlassen", None),
            ("Dana created group \"\"", None),
            ("Dana added Marcus", None),
        ];
        for (text, want) in cases {
            assert_eq!(group_name(text).as_deref(), *want, "{text:?}");
        }
    }

    #[test]
    fn acts_and_events() {
        for (rest, want) in [
            (" added Tom Ellery", true),
            (" left", true),
            (" created group “A: b”", true),
            (" hat Tom hinzugefügt", true),
            (" added a note: see you there", false),
            (" left early", false),
            (" said hello", false),
        ] {
            assert_eq!(is_act(rest), want, "{rest:?}");
        }
        for (text, want) in [
            ("Priti Shah added Tom Ellery", true),
            ("Messages and calls are end-to-end encrypted. Tap to learn more.", true),
            ("Missed voice call", true),
            ("Missed video call, Tap to call back", true),
            ("Du hast Tom entfernt.", true),
            ("Tom ist über den Einladungslink dieser Gruppe beigetreten", true),
            ("POLL:", false),
            ("Location: https://maps.example/?q=1", false),
        ] {
            assert_eq!(is_event(text), want, "{text:?}");
        }
    }

    #[test]
    fn attachments_and_markers() {
        assert_eq!(ios_attachment("<attached: a.jpg>"), Some(("a.jpg".into(), "".into())));
        assert_eq!(ios_attachment("look <Anhang: b c.pdf> here"), Some(("b c.pdf".into(), "look here".into())));
        assert_eq!(ios_attachment("<attached: >"), None);
        assert_eq!(ios_attachment("<attached: unclosed"), None);
        assert_eq!(android_attachment("IMG-1.jpg (file attached)"), Some("IMG-1.jpg"));
        assert_eq!(android_attachment(" (file attached)"), None);
        assert_eq!(without_edited("x <This message was edited>"), Some("x"));
        assert_eq!(without_edited("<This message was edited> x"), None);
        assert!(is_deleted("This message was deleted.") && !is_deleted("This message was deleted by accident lol"));
        assert!(is_omitted("Rota.pdf • 1 page document omitted") && !is_omitted("nothing omitted here!"));
    }
}
