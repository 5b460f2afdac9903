//! How the terms' postings are packed into files: term shards, which list terms in order
//! with their postings inline or where in a pack they are, and packs, which hold the
//! longer postings of neighbouring terms.
//!
//! A query loads the shard of each of its terms, and a prefix the shards its terms span, so
//! a shard must stay small for the many terms it lists: short postings sit in their entry,
//! where a rare term's query finds them without another file, and long ones go into a
//! pack that only a query for one of its terms loads. Shards and packs both end where
//! their content says and are named after their first terms ([`chunk`]), so that a term's
//! new postings change the files that hold them (and now and then a neighbour), not the
//! files after them.

use std::fmt::Write as _;
use std::io;

use rayon::prelude::*;

use super::chunk::{self, Limits, Sink};

/// Where a term's postings are: in its entry, or the `index`-th string of the `pack`-th
/// pack made.
enum Place {
    Inline(String),
    Packed { pack: usize, index: usize },
}

/// A pack being filled: its name, its members and about its size.
struct OpenPack {
    name: String,
    members: Vec<String>,
    bytes: usize,
}

/// A term shard being filled: its name, its entries, and about its size.
struct OpenShard {
    name: String,
    entries: Vec<(String, u32, Place)>,
    bytes: usize,
}

/// The term shards and postings packs, made term by term in order.
///
/// Shards are cut before a term where [`chunk::Cuts`] says, by the entry's size as far as
/// it is known when the term comes (its pack's size is not yet). A postings string longer
/// than [`Limits::inline_max`] goes into a pack: packs hold the postings of neighbouring
/// terms of one shard, cut likewise and at the shard's end, and postings of half
/// [`Limits::pack`] or more get a pack of their own. As a pack never serves two shards,
/// its size and members' places, which its entries name, change only with its shard.
pub(super) struct TermShards<'l> {
    limits: &'l Limits,
    shard_cuts: chunk::Cuts,
    pack_cuts: chunk::Cuts,
    shard: Option<OpenShard>,
    open: Option<OpenPack>,
    /// Every closed pack's name and size, in order.
    packs: Vec<(String, usize)>,
    pack_names: chunk::Names,
    shard_names: chunk::Names,
    /// The first term of every shard.
    firsts: Vec<String>,
    /// Files closed and not yet written: path and text.
    closed: Vec<(String, String)>,
}

impl<'l> TermShards<'l> {
    pub(super) fn new(limits: &'l Limits) -> TermShards<'l> {
        TermShards {
            limits,
            shard_cuts: chunk::Cuts::new(limits.term_shard),
            pack_cuts: chunk::Cuts::new(limits.pack),
            shard: None,
            open: None,
            packs: Vec::new(),
            pack_names: chunk::Names::default(),
            shard_names: chunk::Names::default(),
            firsts: Vec::new(),
            closed: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, name: String, df: u32, postings: String) -> io::Result<()> {
        let limits = self.limits;
        let inline = postings.len() <= limits.inline_max;
        // The entry's size but for its DF's and its pack's numbers, which change more often.
        let size = name.len() + if inline { postings.len() + 10 } else { 30 };
        let hash = chunk::hash(&name);
        if let Some(shard) = &self.shard
            && self.shard_cuts.before(shard.bytes, size, hash)
        {
            self.close_shard()?;
        }
        if self.shard.is_none() {
            self.firsts.push(name.clone());
            self.shard = Some(OpenShard { name: self.shard_names.name(&name), entries: Vec::new(), bytes: 0 });
        }
        let place = if inline {
            Place::Inline(postings)
        } else {
            // JSON quotes and a comma per member.
            let size = postings.len() + 3;
            let alone = size >= limits.pack / 2;
            if let Some(open) = &self.open
                && (alone || self.pack_cuts.before(open.bytes, size, hash))
            {
                self.close_pack()?;
            }
            let open = match &mut self.open {
                Some(open) => open,
                None => self.open.insert(OpenPack { name: self.pack_names.name(&name), members: Vec::new(), bytes: 0 }),
            };
            let index = open.members.len();
            open.members.push(postings);
            open.bytes += size;
            let place = Place::Packed { pack: self.packs.len(), index };
            if alone {
                self.close_pack()?;
            }
            place
        };
        let shard = self.shard.as_mut().expect("a shard is open");
        shard.bytes += size;
        shard.entries.push((name, df, place));
        Ok(())
    }

    fn close_pack(&mut self) -> io::Result<()> {
        let Some(OpenPack { name, members, .. }) = self.open.take() else { return Ok(()) };
        let text = serde_json::to_string(&members).map_err(io::Error::other)?;
        let file = format!("threadarc_search.p(\"{name}\",{text});\n");
        self.packs.push((name.clone(), file.len()));
        self.closed.push((chunk::path('p', &name), file));
        Ok(())
    }

    /// Closes the open shard and its last pack.
    fn close_shard(&mut self) -> io::Result<()> {
        self.close_pack()?;
        let Some(OpenShard { name, entries, .. }) = self.shard.take() else { return Ok(()) };
        let mut text = format!("threadarc_search.t(\"{name}\",[");
        for (i, (term, df, place)) in entries.into_iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            let term = serde_json::to_string(&term).map_err(io::Error::other)?;
            let _ = match place {
                Place::Inline(postings) => write!(text, "[{term},{df},\"{postings}\"]"),
                Place::Packed { pack, index } => {
                    let (pack, bytes) = &self.packs[pack];
                    write!(text, "[{term},{df},\"{pack}\",{index},{bytes}]")
                }
            };
        }
        text.push_str("]);\n");
        self.closed.push((chunk::path('t', &name), text));
        Ok(())
    }

    /// Closes what is open; returns the first term of every shard.
    pub(super) fn finish(&mut self) -> io::Result<Vec<String>> {
        self.close_shard()?;
        Ok(std::mem::take(&mut self.firsts))
    }

    /// Writes the files closed so far, in parallel.
    pub(super) fn write(&mut self, sink: &dyn Sink) -> io::Result<()> {
        let closed = std::mem::take(&mut self.closed);
        closed.par_iter().try_for_each(|(path, text)| sink.file(path, text.as_bytes()))
    }
}
