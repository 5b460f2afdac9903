//! From the site model to HTML: post bodies ([`markup`], mail bodies in [`mail`]), whole
//! pages ([`pages`]), and what is published beside them: records, feeds, sitemap
//! ([`publish`]).
//!
//! The files, each using only those listed before it:
//!
//! - `inline`: text into HTML: escaped, emoji shortcodes replaced, bare URLs linked;
//! - `sanitize`: the one allow-list every post's HTML passes through, and its URL checks;
//! - `plain`: plain bodies: paragraphs, quotes, code;
//! - `markdown`: Discourse bodies: Markdown, their quote and details blocks, the bounds on
//!   their structure;
//! - `excerpt`: a body's words as plain text, for excerpts and the search index;
//! - [`markup`]: where the rest of the crate finds the five above;
//! - [`mail`]: mail bodies: quotes folded, signatures set apart, addresses hidden;
//! - `layout`: what every page shares: its [`pages::Meta`], dates, pagination;
//! - `attachments`: a post's attached files as its page shows them;
//! - `calendar`: the days or months a thread's posts span, each linking to its first post;
//! - `thread`: a thread's pages ([`pages::ThreadRenderer`]), its posts' bodies and excerpts;
//! - [`pages`]: the lists (index, topics, authors, tags, months) and the 404 page, and
//!   where the rest of the crate finds `layout`'s and `thread`'s views;
//! - [`publish`]: records, feeds, the sitemap and `robots.txt`.

mod attachments;
mod calendar;
mod excerpt;
mod inline;
mod layout;
pub mod mail;
mod markdown;
pub mod markup;
pub mod pages;
mod plain;
pub mod publish;
mod sanitize;
mod thread;
