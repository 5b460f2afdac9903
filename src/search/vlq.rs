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

/// Each digit's value, or 64 for a byte that is not a digit.
const VALUES: [u8; 256] = {
    let mut values = [64u8; 256];
    let mut i = 0;
    while i < 64 {
        values[DIGITS[i] as usize] = i as u8;
        i += 1;
    }
    values
};

/// The numbers of a text, read as [`push`] writes them; `bad` once it holds something
/// else (a byte that is no digit, a number of more than 64 bits, or one cut short), when
/// the numbers stop.
struct Numbers<'a> {
    bytes: std::slice::Iter<'a, u8>,
    bad: bool,
}

impl<'a> Numbers<'a> {
    fn new(text: &'a str) -> Numbers<'a> {
        Numbers { bytes: text.as_bytes().iter(), bad: false }
    }
}

impl Iterator for Numbers<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let (mut value, mut shift) = (0u64, 0u32);
        let mut started = false;
        for &b in self.bytes.by_ref() {
            started = true;
            let digit = u64::from(VALUES[b as usize]);
            let Some(bits) = (digit & 31).checked_shl(shift).filter(|_| digit < 64) else { break };
            value |= bits;
            if digit & 32 == 0 {
                return Some(value);
            }
            shift += 5;
        }
        self.bad |= started;
        None
    }
}

/// Reads the numbers back; None for text that [`push`] did not write (the browser has its
/// own reader; this one is for tests).
#[cfg(test)]
pub fn decode(text: &str) -> Option<Vec<u64>> {
    let mut numbers = Numbers::new(text);
    let out: Vec<u64> = numbers.by_ref().collect();
    (!numbers.bad).then_some(out)
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

/// Reads a [`push_step`] whose first number is `x`: where the hit's step counts from
/// (its thread, and the post its step counts from) and `y`.
fn read_step(x: u64, rest: &mut impl Iterator<Item = u64>, prev: Option<(u32, u32)>) -> Option<(Address, u64)> {
    if x.is_multiple_of(2) {
        return Some((prev?, x / 2));
    }
    let skipped = rest.next()?;
    let thread = prev.map_or(Some(0), |(thread, _)| u64::from(thread).checked_add(1))?.checked_add(skipped)?;
    Some(((u32::try_from(thread).ok()?, 0), x / 2))
}

/// [`postings`] read back: each post's address and impact; None for text it did not write.
pub fn read_postings(text: &str) -> Option<Vec<(Address, u8)>> {
    let mut values = Numbers::new(text);
    let mut out = Vec::new();
    let mut prev = None;
    while let Some(x) = values.next() {
        let ((thread, from), y) = read_step(x, &mut values, prev)?;
        let post = u32::try_from(u64::from(from).checked_add(y / 16)?).ok()?;
        out.push(((thread, post), (y % 16) as u8));
        prev = Some((thread, post.checked_add(1)?));
    }
    (!values.bad).then_some(out)
}

/// [`runs`] read back: every post's address; None for text it did not write.
pub fn read_runs(text: &str) -> Option<Vec<Address>> {
    let mut values = Numbers::new(text);
    let mut out = Vec::new();
    let mut prev = None;
    while let Some(x) = values.next() {
        let ((thread, from), step) = read_step(x, &mut values, prev)?;
        let start = u32::try_from(u64::from(from).checked_add(step)?).ok()?;
        let end = u32::try_from(u64::from(start).checked_add(values.next()?)?.checked_add(1)?).ok()?;
        out.extend((start..end).map(|post| (thread, post)));
        prev = Some((thread, end));
    }
    (!values.bad).then_some(out)
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
        assert_eq!(decode("gggggggggggggggA"), None, "more than 64 bits");
        // A step in the same thread before any thread; a run without its length.
        assert_eq!(read_postings("A"), None);
        assert_eq!(read_runs("BA"), None);
        assert_eq!(read_postings("Bg"), None, "cut short");
        assert_eq!(read_postings("BA!"), None);
    }

    #[test]
    fn postings_and_runs_read_back() {
        let hits = [((0, 0), 3), ((0, 1), 15), ((0, 5), 0), ((3, 2), 7), ((4, 0), 1), ((4, 1_000_000), 14)];
        assert_eq!(read_postings(&postings(hits.into_iter())).unwrap(), hits);
        let addresses = [(0, 2), (0, 3), (0, 4), (0, 6), (2, 0), (2, 1), (70_000, 9)];
        assert_eq!(read_runs(&runs(addresses.into_iter())).unwrap(), addresses);
        assert_eq!(read_postings("").unwrap(), []);
        assert_eq!(read_runs("").unwrap(), []);
    }
}
