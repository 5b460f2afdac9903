//! VLQ numbers in base64 digits, as source maps write them: the index's compact, printable
//! encoding of postings (see the module above for the format).

const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends `value`: five bits a digit, least significant first, 32 meaning "more follow".
pub fn push(out: &mut String, mut value: u64) {
    loop {
        let digit = (value & 31) as usize;
        value >>= 5;
        if value == 0 {
            out.push(DIGITS[digit] as char);
            return;
        }
        out.push(DIGITS[digit | 32] as char);
    }
}

/// Reads the numbers back (the browser has its own reader; this one is for tests).
#[cfg(test)]
pub fn decode(text: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    let (mut value, mut shift) = (0u64, 0u32);
    for b in text.bytes() {
        let digit = DIGITS.iter().position(|&d| d == b)? as u64;
        value |= (digit & 31).checked_shl(shift)?;
        if digit & 32 == 0 {
            out.push(value);
            value = 0;
            shift = 0;
        } else {
            shift += 5;
        }
    }
    (shift == 0).then_some(out)
}

/// Numbers as differences from the one before (the first from 0); `values` ascend.
pub fn deltas(values: &[u32]) -> String {
    let mut out = String::new();
    let mut prev = 0;
    for &v in values {
        push(&mut out, u64::from(v - prev));
        prev = v;
    }
    out
}

/// A word's postings: `(doc − previous − 1) × 16 + impact` per post, docs ascending.
pub fn postings(postings: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(postings.len() * 2);
    let mut prev: i64 = -1;
    for &(doc, impact) in postings {
        let gap = (i64::from(doc) - prev - 1) as u64;
        push(&mut out, gap * 16 + u64::from(impact & 15));
        prev = i64::from(doc);
    }
    out
}

/// A filter's posts as runs of consecutive docs: the gap from the previous run's end, and
/// the run's length minus one. `docs` ascend without repeats.
pub fn runs(docs: impl Iterator<Item = u32>) -> String {
    let mut out = String::new();
    let mut end = 0u32;
    let mut run: Option<(u32, u32)> = None;
    for doc in docs {
        run = match run {
            Some((start, len)) if start + len == doc => Some((start, len + 1)),
            Some((start, len)) => {
                push(&mut out, u64::from(start - end));
                push(&mut out, u64::from(len - 1));
                end = start + len;
                Some((doc, 1))
            }
            None => Some((doc, 1)),
        };
    }
    if let Some((start, len)) = run {
        push(&mut out, u64::from(start - end));
        push(&mut out, u64::from(len - 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        let values = [0, 1, 31, 32, 1023, 1024, 1 << 20, u64::from(u32::MAX)];
        let mut text = String::new();
        for &v in &values {
            push(&mut text, v);
        }
        assert_eq!(decode(&text).unwrap(), values);
        assert_eq!(&text[..5], "ABfgB");
    }

    #[test]
    fn postings_and_runs() {
        assert_eq!(decode(&postings(&[(0, 3), (1, 15), (5, 0)])).unwrap(), [3, 15, 3 * 16]);
        assert_eq!(decode(&runs([2, 3, 4, 9, 11, 12].into_iter())).unwrap(), [2, 2, 4, 0, 1, 1]);
        assert_eq!(runs(std::iter::empty()), "");
        assert_eq!(decode(&deltas(&[0, 40, 41])).unwrap(), [0, 40, 1]);
    }

    #[test]
    fn bad_text_is_refused() {
        assert_eq!(decode("g"), None);
        assert_eq!(decode("!"), None);
    }
}
