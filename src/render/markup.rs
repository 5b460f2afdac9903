//! Post bodies to safe HTML.
//!
//! Plain bodies are escaped text, a paragraph per line; Discourse bodies are Markdown. Both
//! get bare URLs linked and emoji shortcodes turned into emoji, and everything then goes
//! through one allow-list sanitiser ([`sanitize`]), whatever produced it: the body is
//! written by strangers, and a bug in any step before must not become script in a
//! reader's browser.
//!
//! The steps live in files of their own, each using only those before it:
//!
//! - `inline`: text into HTML, the part every step shares ([`escape`], [`emojify`]);
//! - `sanitize`: the sanitiser ([`sanitize`]) and the URL checks it makes ([`valid_url`]);
//! - `plain`: plain bodies ([`plain_to_html`]);
//! - `markdown`: Discourse bodies ([`markdown_to_html`]), their quotes and the bounds on
//!   their structure ([`MAX_DEPTH`], [`MAX_HTML_TAGS`]);
//! - `excerpt`: a body's words as plain text ([`excerpt`], [`plain_text`]).
//!
//! This module is where the rest of the crate finds them.

pub use crate::render::excerpt::{MAX_POST_BYTES, excerpt, plain_text, shown};
pub(crate) use crate::render::inline::push_text;
pub use crate::render::inline::{emojify, escape};
pub use crate::render::markdown::{MAX_DEPTH, MAX_HTML_TAGS, ThreadContext, chat_markdown_to_html, markdown_to_html};
pub use crate::render::plain::{plain_to_html, unquote};
pub use crate::render::sanitize::{safe_url, sanitize, valid_url};
