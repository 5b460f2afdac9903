//! Reddit bulk dumps, Pushshift and Arctic Shift NDJSON (FORMATS.md §17).

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

/// A dump read as it streams.
pub fn parse_reader(
    _reader: &mut dyn std::io::BufRead,
    _options: &ParseOptions,
    _progress: &mut dyn FnMut(u64),
) -> Result<Parsed, Problem> {
    Err(Problem { line: 1, message: "not read yet".into(), hint: None })
}
