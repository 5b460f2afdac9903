//! What the commands print on a terminal: diagnostics in colour, build summaries, and
//! how much to say.
//!
//! Colour goes through `anstream`, which drops it when the stream is not a terminal, when
//! `NO_COLOR` is set, or when `--color never` was given (and keeps it with
//! `CLICOLOR_FORCE` or `--color always`). Text from dumps reaches the terminal only
//! through [`clean`], so that a hostile file name or front matter key cannot send escape
//! sequences to it.

use anstyle::{AnsiColor, Style};

use crate::diagnostic::{Diagnostic, Severity};

/// How much a command says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    #[default]
    Normal,
    /// Also what each file was read as, and each request served.
    Verbose,
}

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const HINT: Style = AnsiColor::Cyan.on_default().bold();
pub const EMPHASIS: Style = Style::new().bold();
pub const GOOD: Style = AnsiColor::Green.on_default().bold();
pub const NOTE: Style = AnsiColor::Blue.on_default().bold();

/// Text from input made safe to print: control characters other than newline and tab are
/// shown escaped (`\u{1b}`) instead of being sent to the terminal.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// A diagnostic as [`Diagnostic`]'s `Display` writes it, with colour codes (which the
/// output stream removes where colour is off).
pub fn render(d: &Diagnostic) -> String {
    let (style, kind) = match d.severity {
        Severity::Error => (ERROR, "error"),
        Severity::Warning => (WARNING, "warning"),
        Severity::Note => (NOTE, "note"),
    };
    let mut out = format!("{style}{kind}{style:#}: {EMPHASIS}{}", clean(&d.path));
    if let Some(line) = d.line {
        out.push_str(&format!(":{line}"));
    }
    out.push_str(&format!("{EMPHASIS:#}: {}", clean(&d.message)));
    if let Some(hint) = &d.hint {
        out.push_str(&format!("\n  {HINT}hint{HINT:#}: {}", clean(hint)));
    }
    out
}

impl Verbosity {
    /// The least severe diagnostic a command that builds shows: errors only when quiet,
    /// notes only when verbose.
    pub fn least_shown(self) -> Severity {
        match self {
            Verbosity::Quiet => Severity::Error,
            Verbosity::Normal => Severity::Warning,
            Verbosity::Verbose => Severity::Note,
        }
    }
}

/// Prints on stderr the diagnostics at least as severe as `least`.
pub fn print_diagnostics(diagnostics: &[Diagnostic], least: Severity) {
    for d in diagnostics.iter().filter(|d| d.severity >= least) {
        anstream::eprintln!("{}", render(d));
    }
}

/// Writes `text` on stdout (colour removed where it is off). A reader that went away
/// (`threadarc parse … | head`) ends the output quietly, as it does for other tools.
pub fn print_out(text: &str) {
    use std::io::Write;
    let mut out = anstream::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// An error of the command itself (not about one input file).
pub fn print_error(message: &str) {
    anstream::eprintln!("{ERROR}error{ERROR:#}: {}", clean(message));
}

/// `1 thread`, `2 threads`.
pub fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// A build's progress bar on stderr: shown only once the build has taken a second (a
/// quick build prints nothing but its summary), and only when asked for, which the
/// command line does on a terminal and without `--quiet`.
pub struct Progress {
    bar: indicatif::ProgressBar,
    enabled: bool,
    shown: std::sync::atomic::AtomicBool,
    started: std::time::Instant,
}

impl Progress {
    pub fn new(enabled: bool) -> Progress {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(Self::style("{pos}/{len}"));
        Progress { bar, enabled, shown: Default::default(), started: std::time::Instant::now() }
    }

    /// A bar that never shows.
    pub fn hidden() -> Progress {
        Progress::new(false)
    }

    /// A new stage of `total` steps.
    pub fn stage(&self, name: &'static str, total: usize) {
        self.bar.set_style(Self::style("{pos}/{len}"));
        self.bar.set_message(name);
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.show_if_slow();
    }

    /// A new stage of `total` bytes (reading the dumps, which may be a few large ones).
    pub fn stage_bytes(&self, name: &'static str, total: u64) {
        self.bar.set_style(Self::style("{bytes}/{total_bytes}"));
        self.bar.set_message(name);
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.show_if_slow();
    }

    fn style(counts: &str) -> indicatif::ProgressStyle {
        indicatif::ProgressStyle::with_template(&format!("{{spinner}} {{msg:<20}} [{{bar:30}}] {counts} {{elapsed}}"))
            .expect("the template is valid")
            .progress_chars("=> ")
    }

    /// `n` more steps done.
    pub fn inc(&self, n: usize) {
        self.bar.inc(n as u64);
        self.show_if_slow();
    }

    fn show_if_slow(&self) {
        use std::sync::atomic::Ordering;
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= std::time::Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(std::time::Duration::from_millis(100));
        }
    }

    /// Takes the bar off the terminal, before the summary is printed.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colourless_rendering_is_the_display_form() {
        let d = Diagnostic::error("threads/a.txt", Some(3), "bad header").with_hint("add a line");
        assert_eq!(anstream::adapter::strip_str(&render(&d)).to_string(), d.to_string());
        let w = Diagnostic::warning("x.txt", None, "odd");
        assert_eq!(anstream::adapter::strip_str(&render(&w)).to_string(), w.to_string());
        assert!(render(&d).contains("\x1b["));
    }

    #[test]
    fn control_characters_are_escaped() {
        let d = Diagnostic::error("threads/\x1b[2Jevil.txt", None, "key `\x07` unknown");
        let text = render(&d);
        assert!(!text.contains("\x1b[2J"), "{text}");
        assert!(text.contains(r"\u{1b}[2Jevil.txt"), "{text}");
        assert!(text.contains(r"\u{7}"), "{text}");
        assert_eq!(clean("a\tb\nc"), "a\tb\nc");
    }
}
