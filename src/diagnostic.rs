//! Messages about the input: an error or a warning that names the file and line and says
//! how to fix the problem.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// What a parser could only guess and the user need not act on (a reply placed by the
    /// page's layout); `check` shows notes, `build` with `--verbose`.
    Note,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file the message is about, as the user named it.
    pub path: String,
    /// 1-based line in that file, where one applies.
    pub line: Option<usize>,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, path: path.into(), line, message: message.into(), hint: None }
    }

    pub fn warning(path: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(path, line, message) }
    }

    pub fn note(path: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Note, ..Diagnostic::error(path, line, message) }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{kind}: {}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A problem at a line of the text a parser was given: the error that stops a dump, a
/// warning about what a parser read past, or a note about what it guessed. The loader turns it into a
/// [`Diagnostic`] naming the file and the line in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    /// The problem as a diagnostic of the file at `path`, where the parser's text starts
    /// `offset` lines into the file.
    pub fn in_file(self, severity: Severity, path: &str, offset: usize) -> Diagnostic {
        Diagnostic {
            severity,
            path: path.to_owned(),
            line: Some(self.line + offset),
            message: self.message,
            hint: self.hint,
        }
    }
}
