//! From the site model to HTML: post bodies ([`markup`]), whole pages ([`pages`]), and
//! what is published beside them: records, feeds, sitemap ([`publish`]).

pub mod markup;
pub mod pages;
pub mod publish;
