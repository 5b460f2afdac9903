//! threadarc turns plain-text thread dumps into a static HTML archive.
//!
//! The pipeline, one module a stage:
//!
//! 1. [`build::discover`] finds the dumps under `threads/`: one folder per topic.
//! 2. [`load`] cleans a dump's bytes ([`text`]), splits off its [`frontmatter`], detects its
//!    format and parses it ([`parse`], a module per format, reading dates with [`dates`])
//!    into [`model`] threads and posts that keep the dump's source text; a parser returns
//!    its threads with the warnings and notes it has about them.
//!    Threads that span files (a list's months, a Reddit dump's submissions and comments)
//!    are joined per topic ([`pool`]). What the owner takes down (`[[redact]]`,
//!    pseudonyms) is taken out of the threads as read ([`takedown`]), so no later stage
//!    sees it.
//! 3. [`site`] assembles the archive: topics, thread order, stable file names ([`slug`]),
//!    with what is withheld from publication taken out first ([`redact`]).
//! 4. [`render`] makes HTML: post bodies through one sanitiser ([`render::markup`]), pages
//!    from askama templates ([`render::pages`]).
//! 5. [`search`] indexes the posts for the archive's search box: a sharded index that
//!    `static/search.js` loads piece by piece in the reader's browser.
//! 6. [`build`] runs these stages, a file each (discover, read, plan, write, and the
//!    output folder's transaction), writing into a staging folder that is swapped in for
//!    the old archive; [`cache`] tells it which of the old archive's files it can keep
//!    (hard links) and which threads it need not render again, and the search index's
//!    store ([`search::store`], a [`codec`] record file) which threads it need not
//!    tokenise again.
//!
//! Imports run one way, so the crate can be read from the bottom up: [`model`],
//! [`diagnostic`], [`text`], [`slug`] and [`gzip`] take nothing from the rest; [`dates`],
//! [`frontmatter`], [`config`], [`i18n`] (the interface's words in the archive's
//! language), [`theme`] (the owner's `theme/` folder), [`redact`], [`filetype`] and
//! [`term`] build on them; then
//! [`parse`], [`load`], [`pool`], [`takedown`], [`site`], [`render`], [`search`] and
//! [`build`], each using only modules before it; the commands ([`check`], [`init`], [`serve`]) sit on top. `tests/layout.rs` holds
//! the crate to that, and no file to more than 700 lines of code outside its tests.
//!
//! Parsing and rendering are pure functions over data; file I/O happens only in
//! [`build`], [`config`], [`theme`] and [`codec`], and in the commands that are not `build`:
//!
//! - [`init`] makes a new archive folder, [`check`] reads everything and reports without
//!   writing (and, with `--host`, holds a built archive against a static host's limits,
//!   [`hosts`]), [`serve`] builds, serves on 127.0.0.1 and rebuilds on changes;
//! - [`term`] is how they all print: coloured diagnostics and summaries, each handed what
//!   it prints.

pub mod build;
pub mod cache;
pub mod check;
pub mod codec;
pub mod config;
pub mod dates;
pub mod diagnostic;
pub mod filetype;
pub mod frontmatter;
pub mod gzip;
pub mod hosts;
pub mod i18n;
pub mod init;
pub mod load;
pub mod model;
pub mod parse;
pub mod pool;
pub mod redact;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod takedown;
pub mod term;
#[cfg(test)]
mod testing;
pub mod text;
pub mod theme;
