//! From the site model to HTML: post bodies ([`markup`], mail bodies in [`mail`]), whole
//! pages ([`pages`]), and what is published beside them: records, feeds, sitemap
//! ([`publish`]).

pub mod mail;
pub mod markup;
pub mod pages;
pub mod publish;
