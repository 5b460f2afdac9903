//! From the site model to HTML: post bodies ([`markup`]) and whole pages ([`pages`]).

pub mod markup;
pub mod pages;
