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

/// A post's address: its thread's index and its own within the thread.
pub type Address = (u32, u32);

/// Starts a hit at `at`, the hit before having been at `prev`: in the same thread, `2 × y`;
/// in a later one, `2 × y + 1` and then the threads skipped (the thread before the first
/// being −1). `y` is `within(step)`, where `step` is the post's index less the previous
/// hit's end in the same thread, or its index in a new thread.
fn push_step(out: &mut String, prev: Option<(u32, u32)>, at: Address, within: impl Fn(u32) -> u64) {
    match prev {
        Some((thread, end)) if thread == at.0 => push(out, within(at.1 - end) * 2),
        _ => {
            push(out, within(at.1) * 2 + 1);
            push(out, u64::from(at.0 - prev.map_or(0, |(thread, _)| thread + 1)));
        }
    }
}

/// A word's postings, addresses ascending: per post, [`push_step`] with
/// `y = step × 16 + impact`, a step in the same thread counting from the post after the
/// previous hit.
pub fn postings(postings: impl ExactSizeIterator<Item = (Address, u8)>) -> String {
    let mut out = String::with_capacity(postings.len() * 2);
    let mut prev: Option<(u32, u32)> = None;
    for (at, impact) in postings {
        push_step(&mut out, prev, at, |step| u64::from(step) * 16 + u64::from(impact & 15));
        prev = Some((at.0, at.1 + 1));
    }
    out
}

/// A filter's posts as runs of consecutive posts of one thread: per run, [`push_step`]
/// with `y` the step to its first post (in the same thread, from the end of the run
/// before), then the run's length minus one. `addresses` ascend without repeats.
pub fn runs(addresses: impl Iterator<Item = Address>) -> String {
    let mut out = String::new();
    let mut prev: Option<(u32, u32)> = None;
    let mut run: Option<(Address, u32)> = None;
    let close = |out: &mut String, (start, len): (Address, u32), prev: &mut Option<(u32, u32)>| {
        push_step(out, *prev, start, u64::from);
        push(out, u64::from(len - 1));
        *prev = Some((start.0, start.1 + len));
    };
    for at in addresses {
        run = match run {
            Some((start, len)) if start.0 == at.0 && start.1 + len == at.1 => Some((start, len + 1)),
            Some(done) => {
                close(&mut out, done, &mut prev);
                Some((at, 1))
            }
            None => Some((at, 1)),
        };
    }
    if let Some(done) = run {
        close(&mut out, done, &mut prev);
    }
    out
}

/// Doc shards' first addresses: per shard, its thread less the one before's (from 0),
/// then its first post's index.
pub fn firsts(addresses: &[Address]) -> String {
    let mut out = String::new();
    let mut thread = 0;
    for &(t, p) in addresses {
        push(&mut out, u64::from(t - thread));
        push(&mut out, u64::from(p));
        thread = t;
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
        let hits = [((0, 0), 3), ((0, 1), 15), ((0, 5), 0), ((3, 2), 7), ((4, 0), 1)];
        // Thread 0 post 0 (new thread, none skipped), post 1 (step 0), post 5 (step 3);
        // thread 3 post 2 (two threads skipped); thread 4 post 0.
        let values = [3 * 2 + 1, 0, 15 * 2, 3 * 16 * 2, (2 * 16 + 7) * 2 + 1, 2, 3, 0];
        assert_eq!(decode(&postings(hits.into_iter())).unwrap(), values);
        // Runs: thread 0 posts 2–4 and 6, thread 2 posts 0–1.
        let runs_of = [(0, 2), (0, 3), (0, 4), (0, 6), (2, 0), (2, 1)];
        assert_eq!(decode(&runs(runs_of.into_iter())).unwrap(), [2 * 2 + 1, 0, 2, 2, 0, 1, 1, 1]);
        assert_eq!(runs(std::iter::empty()), "");
        assert_eq!(decode(&firsts(&[(0, 0), (4, 0), (4, 30)])).unwrap(), [0, 0, 4, 0, 0, 30]);
    }

    #[test]
    fn bad_text_is_refused() {
        assert_eq!(decode("g"), None);
        assert_eq!(decode("!"), None);
    }
}
