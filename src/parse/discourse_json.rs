//! Discourse topic JSON (FORMATS.md §19).

use super::parsed::{Parsed, Score};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;

/// The highest score [`score`] gives.
pub const MAX_SCORE: u8 = 0;

pub fn score(_text: &str) -> Score {
    Score::none("not read yet")
}

pub fn parse(_text: &str, _options: &ParseOptions) -> Result<Parsed, Problem> {
    Err(Problem { line: 1, message: "not read yet".into(), hint: None })
}
