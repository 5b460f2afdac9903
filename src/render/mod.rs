//! From the site model to HTML: post bodies ([`markup`], mail bodies in [`mail`]) and
//! whole pages ([`pages`]).

pub mod mail;
pub mod markup;
pub mod pages;
