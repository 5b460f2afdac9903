//! Writing the archive's pages and what is published beside them: threads, lists, authors,
//! records, feeds, the sitemap. A group of files whose fingerprint is as it was is linked
//! from the last archive without being rendered.

use std::io;

use askama::Template;
use rayon::prelude::*;

use super::output::Output;
use super::plan::{
    author_fingerprint, author_group_fingerprint, list_fingerprint, records_fingerprint, thread_fingerprints,
};
use crate::cache::Hash;
use crate::i18n::Strings;
use crate::render::{pages, publish};
use crate::site::{Site, paged_path};

/// The stylesheet, compiled in so that the binary works from any folder.
pub const STYLE_CSS: &str = include_str!("../../static/style.css");

/// Keyboard navigation between posts on thread pages.
pub const THREAD_JS: &str = include_str!("../../static/thread.js");

/// The search box's script, compiled in likewise.
pub const SEARCH_JS: &str = include_str!("../../static/search.js");

/// Where `static/search.js` holds the words its box shows, empty until [`search_js`] fills
/// it in.
const SEARCH_WORDS: &str = "var WORDS = {};";

/// `static/search.js` as an archive publishes it: with the words the box shows in the
/// archive's language, which every page would otherwise carry (760 bytes a page).
pub fn search_js(strings: &Strings) -> String {
    SEARCH_JS.replacen(SEARCH_WORDS, &format!("var WORDS = {};", strings.search_json()), 1)
}

/// Writes the whole archive into `out` but the search index.
pub(super) fn write_site(site: &Site, out: &Output) -> io::Result<()> {
    write_static(site, out)?;
    write_front_page(site, out)?;
    let fingerprints = thread_fingerprints(site, out.plan);
    write_topic_pages(site, out, &fingerprints)?;
    write_threads(site, out, &fingerprints)?;
    write_author_pages(site, out, &fingerprints)?;
    write_author_groups(site, out, &fingerprints)?;
    write_tag_and_month_pages(site, out, &fingerprints)?;
    write_manifest(site, out)?;
    write_feeds(site, out)?;
    write_crawler_files(site, out)
}

/// The stylesheet and scripts, and the theme's stylesheet, logo and files.
fn write_static(site: &Site, out: &Output) -> io::Result<()> {
    out.file("static/style.css", STYLE_CSS.as_bytes())?;
    out.file("static/thread.js", THREAD_JS.as_bytes())?;
    out.file("static/search.js", search_js(site.strings()).as_bytes())?;
    let theme = &site.theme;
    if let Some(css) = &theme.stylesheet {
        out.file("static/theme.css", css)?;
    }
    if let Some(logo) = &theme.logo {
        out.file(&format!("static/{}", logo.file), &logo.bytes)?;
    }
    for (name, bytes) in &theme.files {
        out.file(&format!("static/{name}"), bytes)?;
    }
    Ok(())
}

fn write_front_page(site: &Site, out: &Output) -> io::Result<()> {
    out.page("index.html", &pages::index_page(site))?;
    out.page("404.html", &pages::not_found_page(site))
}

fn write_topic_pages(site: &Site, out: &Output, threads: &[Option<Hash>]) -> io::Result<()> {
    (0..site.topics.len()).into_par_iter().try_for_each(|t| {
        let topic = &site.topics[t];
        for page in pages::topic_pages(site, t) {
            write_listed(out, page, &topic.title, &[topic.threads.len(), topic.post_count], threads)?;
        }
        Ok(())
    })
}

/// Writes a page of a list of threads, or links it from the last archive when all it
/// shows is as it was: its place in the list (path, number, the number of pages), the
/// list's `heading` and `counts`, and its threads' rows, which each thread's fingerprint
/// covers. Its key can be neither a thread's (a dump's path) nor an author's.
fn write_listed<P: Template>(
    out: &Output,
    page: pages::Listed<'_, impl FnOnce() -> P>,
    heading: &str,
    counts: &[usize],
    threads: &[Option<Hash>],
) -> io::Result<()> {
    let fingerprint = out.plan.build.and_then(|build| {
        list_fingerprint(build, &page.path, heading, [page.number, page.pages], counts, page.threads, threads)
    });
    let key = format!("\0list:{}", page.path);
    let files = [page.path];
    if out.reused(&key, fingerprint, &files, 1)? {
        return Ok(());
    }
    out.page(&files[0], &(page.make)())?;
    if let Some(fingerprint) = fingerprint {
        out.thread_done(&key, fingerprint, files.to_vec());
    }
    Ok(())
}

/// Every thread's pages and, with a `base_url`, its Atom feed (`TOPIC/THREAD.xml`); and
/// the threads' records, a line each in their topic's records files
/// ([`publish::record_files`]). A records file is rewritten when one of its threads'
/// fingerprints changed, and its threads are written a file at a time, so its lines are
/// made from threads at hand.
fn write_threads(site: &Site, out: &Output, fingerprints: &[Option<Hash>]) -> io::Result<()> {
    let feeds = publish::Feeds::new(site);
    out.plan.progress.stage("writing threads", site.threads.len());
    let files = publish::record_files(site);
    let mut listed = vec![false; site.threads.len()];
    files.iter().flat_map(|(_, threads)| threads).for_each(|&t| listed[t] = true);
    // Threads in no records file: those taken down.
    let unlisted: Vec<usize> = (0..site.threads.len()).filter(|&t| !listed[t]).collect();
    unlisted
        .par_iter()
        .try_for_each(|&t| write_thread(site, out, feeds.as_ref(), t, fingerprints[t], false).map(drop))?;
    files.par_iter().try_for_each(|(path, threads)| {
        let fingerprint = out.plan.build.and_then(|build| records_fingerprint(build, path, threads, fingerprints));
        let key = format!("\0records:{path}");
        let files = [path.clone()];
        let reused = out.reused(&key, fingerprint, &files, 0)?;
        let lines = threads
            .par_iter()
            .map(|&t| write_thread(site, out, feeds.as_ref(), t, fingerprints[t], !reused))
            .collect::<io::Result<Vec<_>>>()?;
        if !reused {
            out.file(path, &publish::records_file(lines.into_iter().flatten().collect()))?;
            if let Some(fingerprint) = fingerprint {
                out.thread_done(&key, fingerprint, files.to_vec());
            }
        }
        Ok(())
    })
}

/// Thread `t`'s pages and feed, linked from the last archive when its fingerprint is as
/// it was; and its line of records when `record` asks for it.
fn write_thread(
    site: &Site,
    out: &Output,
    feeds: Option<&publish::Feeds>,
    t: usize,
    fingerprint: Option<Hash>,
    record: bool,
) -> io::Result<Option<Vec<u8>>> {
    out.plan.progress.inc(1);
    let entry = &site.threads[t];
    let full;
    let renderer = pages::ThreadRenderer::new(site, entry);
    let base = site.thread_base(entry);
    let pages: Vec<String> = renderer.pages().into_iter().map(|p| site.thread_page_path(entry, p)).collect();
    if entry.thread.removed.is_some() {
        // Its address says it was taken down; no record, feed or sitemap lists it.
        for (page, path) in renderer.pages().into_iter().zip(&pages) {
            let mut html = Vec::new();
            askama::Template::write_into(&pages::removed_page(site, entry, page), &mut html)?;
            out.file(path, &pages::without_blank_lines(&html))?;
        }
        return Ok(None);
    }
    let mut files = pages.clone();
    if feeds.is_some() {
        files.push(format!("{base}.xml"));
    }
    let reused = out.reused(&entry.key, fingerprint, &files, pages.len())?;
    if reused && !record {
        return Ok(None);
    }
    let entry = if entry.thread.released {
        full = out.plan.reread.entry(entry)?;
        &full
    } else {
        entry
    };
    let line = record.then(|| publish::thread_record(site, entry));
    if reused {
        return Ok(line);
    }
    let renderer = pages::ThreadRenderer::new(site, entry);
    for (page, path) in renderer.pages().into_iter().zip(&pages) {
        out.page(path, &renderer.page(page))?;
    }
    if let Some(feeds) = feeds {
        out.file(&files[pages.len()], feeds.thread(&renderer).as_bytes())?;
    }
    if let Some(fingerprint) = fingerprint {
        out.thread_done(&entry.key, fingerprint, files);
    }
    Ok(line)
}

/// The authors' pages; like a thread's, an author's pages are linked from the last
/// archive without rendering when none of their posts' threads changed.
fn write_author_pages(site: &Site, out: &Output, threads: &[Option<Hash>]) -> io::Result<()> {
    out.page("authors/index.html", &pages::authors_page(site))?;
    out.plan.progress.stage("writing authors", site.authors.len());
    (0..site.authors.len()).into_par_iter().try_for_each(|a| {
        out.plan.progress.inc(1);
        if site.authors[a].group.is_some() {
            return Ok(());
        }
        let base = site.author_base(a);
        let files: Vec<String> = (1..=pages::author_page_count(site, a)).map(|n| paged_path(&base, n)).collect();
        let fingerprint = out.plan.build.and_then(|build| author_fingerprint(site, a, threads, build));
        if let Some((key, fingerprint)) = &fingerprint
            && out.reused(key, Some(*fingerprint), &files, files.len())?
        {
            return Ok(());
        }
        for (page, path) in pages::author_pages(site, a).zip(&files) {
            out.page(path, &page)?;
        }
        if let Some((key, fingerprint)) = fingerprint {
            out.thread_done(&key, fingerprint, files);
        }
        Ok(())
    })
}

/// The pages shared by authors with few posts; one is linked from the last archive
/// when none of its authors' posts' threads changed.
fn write_author_groups(site: &Site, out: &Output, threads: &[Option<Hash>]) -> io::Result<()> {
    (0..site.author_groups.len()).into_par_iter().try_for_each(|g| {
        let group = &site.author_groups[g];
        let files = [group.path.clone()];
        let fingerprint = out.plan.build.and_then(|build| author_group_fingerprint(site, g, threads, build));
        if let Some((key, fingerprint)) = &fingerprint
            && out.reused(key, Some(*fingerprint), &files, 1)?
        {
            return Ok(());
        }
        out.page(&group.path, &pages::author_group_page(site, g))?;
        if let Some((key, fingerprint)) = fingerprint {
            out.thread_done(&key, fingerprint, files.into());
        }
        Ok(())
    })
}

fn write_tag_and_month_pages(site: &Site, out: &Output, threads: &[Option<Hash>]) -> io::Result<()> {
    out.page("tags/index.html", &pages::tags_page(site))?;
    site.tags.par_iter().enumerate().try_for_each(|(t, tag)| {
        pages::tag_pages(site, t).try_for_each(|page| write_listed(out, page, &tag.name, &[], threads))
    })?;
    out.page("months/index.html", &pages::months_page(site))?;
    site.months.par_iter().enumerate().try_for_each(|(m, month)| {
        pages::month_pages(site, m).try_for_each(|page| write_listed(out, page, &month.key, &[], threads))
    })
}

/// A manifest of the archive as JSON beside the HTML, and one of each topic's threads (the
/// records are written with the threads' pages).
fn write_manifest(site: &Site, out: &Output) -> io::Result<()> {
    out.file("manifest.json", &publish::manifest(site))?;
    for (topic, json) in site.topics.iter().zip(publish::topic_manifests(site)) {
        out.file(&publish::topic_manifest_path(&topic.slug), &json)?;
    }
    Ok(())
}

/// The archive's and the topics' Atom feeds, for an archive with a `base_url` (feeds need
/// absolute addresses); each thread's feed is written with its pages.
fn write_feeds(site: &Site, out: &Output) -> io::Result<()> {
    let Some(feeds) = publish::Feeds::new(site) else { return Ok(()) };
    out.file("feed.xml", feeds.archive().as_bytes())?;
    for (t, topic) in site.topics.iter().enumerate() {
        out.file(&format!("{}/feed.xml", topic.slug), feeds.topic(t).as_bytes())?;
    }
    Ok(())
}

fn write_crawler_files(site: &Site, out: &Output) -> io::Result<()> {
    out.file("robots.txt", publish::robots(site).as_bytes())?;
    if site.config.base_url.is_some() {
        out.file("sitemap.xml", publish::sitemap(site, &out.page_paths()).as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_js_carries_the_archives_words() {
        assert_eq!(SEARCH_JS.matches(SEARCH_WORDS).count(), 1, "static/search.js holds one empty table of words");
        let german = Strings::for_language("de");
        let js = search_js(&german);
        assert!(!js.contains(SEARCH_WORDS));
        assert!(js.contains(&format!("var WORDS = {};", german.search_json())), "{}", &js[..200]);
        assert_ne!(search_js(&german), search_js(Strings::english()));
    }
}
