//! What builds keep between them beside the archive ([`crate::search::store`]): files of
//! records found by a key, and the compact binary form the records are in (numbers as
//! LEB128, byte strings after their length).
//!
//! A record file is: its kind's header and the build's hash; the records; the owner's own
//! section; the records' keys, each with where its record is, its length and its checksum;
//! and a trailer of fixed size. A file that does not read back whole, or was written by
//! another build, is not used, nor is a record whose checksum differs: the reader returns
//! `None` at anything amiss, never panics, and what is kept never makes an archive differ
//! from a cold build's.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

use crate::cache::Hash;

const TRAILER_MAGIC: &[u8; 8] = b"threadrc";
/// The section's and the keys' offsets, the section's checksum and the magic.
const TRAILER: usize = 8 * 3 + TRAILER_MAGIC.len();

/// A record file written by an earlier build, open for reading records.
pub struct Records {
    file: File,
    /// The owner's section.
    pub section: Vec<u8>,
    /// Per key: where its record is, its length and its checksum.
    records: FxHashMap<Hash, (u64, u32, u64)>,
}

impl Records {
    /// The file at `path`, if there is one of this `kind` that `build` wrote and that
    /// reads back whole.
    pub fn open(path: &Path, kind: &[u8], build: Hash) -> Option<Records> {
        let mut file = File::open(path).ok()?;
        let mut head = vec![0u8; kind.len() + 16];
        file.read_exact(&mut head).ok()?;
        if &head[..kind.len()] != kind || head[kind.len()..] != build.to_le_bytes() {
            return None;
        }
        let length = file.seek(SeekFrom::End(0)).ok()?;
        let trailer_at = length.checked_sub(TRAILER as u64)?;
        let mut trailer = [0u8; TRAILER];
        file.read_exact_at(&mut trailer, trailer_at).ok()?;
        let word = |i: usize| u64::from_le_bytes(trailer[i * 8..i * 8 + 8].try_into().expect("eight bytes"));
        let (section_at, keys_at, checksum) = (word(0), word(1), word(2));
        if &trailer[24..] != TRAILER_MAGIC || !(section_at <= keys_at && keys_at <= trailer_at) {
            return None;
        }
        let mut tail = vec![0u8; (trailer_at - section_at) as usize];
        file.read_exact_at(&mut tail, section_at).ok()?;
        if xxh3_64(&tail) != checksum {
            return None;
        }
        let keys = tail.split_off((keys_at - section_at) as usize);
        let mut r = Reader(&keys);
        let count = r.number()?;
        let mut records = FxHashMap::default();
        records.reserve(count.min(1 << 24) as usize);
        for _ in 0..count {
            let key = Hash::from_le_bytes(r.take(16)?.try_into().ok()?);
            let (at, len, sum) = (r.number()?, r.u32()?, r.number()?);
            if at.checked_add(u64::from(len))? > section_at {
                return None;
            }
            records.insert(key, (at, len, sum));
        }
        Some(Records { file, section: tail, records })
    }

    /// Whether there is a record with `key` (which may still not read back).
    pub fn holds(&self, key: Hash) -> bool {
        self.records.contains_key(&key)
    }

    /// The record with `key`, if it reads back as it was written.
    pub fn get(&self, key: Hash) -> Option<Vec<u8>> {
        let &(at, len, sum) = self.records.get(&key)?;
        let mut record = vec![0u8; len as usize];
        self.file.read_exact_at(&mut record, at).ok()?;
        (xxh3_64(&record) == sum).then_some(record)
    }
}

/// A record file being written, a record at a time; removed unless finished.
pub struct RecordsWriter {
    path: PathBuf,
    out: BufWriter<File>,
    at: u64,
    keys: Vec<(Hash, u64, u32, u64)>,
    finished: bool,
}

impl RecordsWriter {
    /// Starts a file of this `kind` at `path` for a build with hash `build`.
    pub fn create(path: &Path, kind: &[u8], build: Hash) -> io::Result<RecordsWriter> {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        out.write_all(kind)?;
        out.write_all(&build.to_le_bytes())?;
        Ok(RecordsWriter {
            path: path.to_owned(),
            out,
            at: (kind.len() + 16) as u64,
            keys: Vec::new(),
            finished: false,
        })
    }

    pub fn put(&mut self, key: Hash, record: &[u8]) -> io::Result<()> {
        let len = u32::try_from(record.len()).map_err(io::Error::other)?;
        self.out.write_all(record)?;
        self.keys.push((key, self.at, len, xxh3_64(record)));
        self.at += u64::from(len);
        Ok(())
    }

    /// Writes the owner's `section` and the keys, and closes the file.
    pub fn finish(mut self, section: &[u8]) -> io::Result<()> {
        let mut tail = section.to_vec();
        put(&mut tail, self.keys.len() as u64);
        for &(key, at, len, sum) in &self.keys {
            tail.extend_from_slice(&key.to_le_bytes());
            put(&mut tail, at);
            put(&mut tail, u64::from(len));
            put(&mut tail, sum);
        }
        let section_at = self.at;
        let keys_at = section_at + section.len() as u64;
        self.out.write_all(&tail)?;
        for word in [section_at, keys_at, xxh3_64(&tail)] {
            self.out.write_all(&word.to_le_bytes())?;
        }
        self.out.write_all(TRAILER_MAGIC)?;
        self.out.flush()?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for RecordsWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_file(&self.path);
        }
    }
}

pub fn put(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Reads what the `put` functions wrote.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn number(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.0.split_first()?;
            self.0 = rest;
            value |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(value);
            }
        }
        None
    }

    /// A number that must fit in a `u32`.
    pub fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.number()?).ok()
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(taken)
    }

    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.number()?).ok()?;
        self.take(n)
    }

    pub fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_put_reads_back_and_what_is_cut_does_not() {
        let mut out = Vec::new();
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            put(&mut out, n);
        }
        put_bytes(&mut out, "héllo".as_bytes());
        let mut r = Reader(&out);
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(r.number(), Some(n));
        }
        assert_eq!(r.string().as_deref(), Some("héllo"));
        assert!(r.is_empty());
        for cut in 0..out.len() {
            let mut r = Reader(&out[..cut]);
            let whole = (0..7).all(|_| r.number().is_some()) && r.string().is_some();
            assert!(!whole, "cut at {cut} read back whole");
        }
        assert_eq!(Reader(&[0xff; 11]).number(), None, "a number longer than 64 bits");
        assert_eq!(Reader(&[2, 0xc3]).string(), None, "a string that is not UTF-8 (and cut)");
    }
}
