//! Slack workspace exports (FORMATS.md §13).

use super::parsed::{Bundle, Parsed, Score};
use crate::diagnostic::Problem;
use crate::model::ParseOptions;

pub fn score(_bundle: &Bundle) -> Score {
    Score::none("not read yet")
}

pub fn parse(_bundle: &Bundle, _options: &ParseOptions) -> Result<Parsed, Problem> {
    Err(Problem { line: 1, message: "not read yet".into(), hint: None })
}
