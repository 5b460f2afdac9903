// Judged queries: tests/fixtures/judged-queries.json lists queries on the sample archive
// and on a forum that examples/gen_corpus.rs generates, each with the thread that must come
// first or in the top three, and posts that must not be listed; this runs them in the
// search box of a real browser from file://.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repo, sampleArchive, generatedArchive, launch, cleanup } from './lib/archives.mjs';

const judged = JSON.parse(fs.readFileSync(path.join(repo, 'tests/fixtures/judged-queries.json'), 'utf8'));

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  cleanup();
});

/** The threads the box lists for a query, in order, each with its posts' links. */
async function threads(page, query) {
  await page.fill('#search-q', query);
  await page.waitForFunction((q) => document.getElementById('search-results').getAttribute('data-query') === q, query);
  return page.$$eval('#search-results .search-thread', (items) => items.map((li) => ({
    title: li.querySelector('.hit-title').textContent,
    posts: Array.from(li.querySelectorAll('.search-posts a'), (a) => a.getAttribute('href')),
    dates: Array.from(li.querySelectorAll('.search-posts .hit-meta'), (m) => (m.textContent.match(/\d{4}-\d\d-\d\d/) || [''])[0]),
  })));
}

/** What the box lists for each of `queries` on the archive at `front` that its judgement does not allow. */
async function misjudged(front, queries) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(front);
  const failed = [];
  for (const j of queries) {
    const got = await threads(page, j.query);
    const titles = got.map((t) => t.title);
    if (j.first && titles[0] !== j.first) failed.push(`${j.query}: first ${JSON.stringify(titles[0])}, not ${JSON.stringify(j.first)}`);
    if (j.top3 && !titles.slice(0, 3).includes(j.top3)) failed.push(`${j.query}: ${JSON.stringify(j.top3)} not in ${JSON.stringify(titles.slice(0, 3))}`);
    if (j.none && got.length > 0) failed.push(`${j.query}: expected nothing, got ${JSON.stringify(titles)}`);
    for (const post of j.notListed || []) {
      if (got.some((t) => t.posts.some((href) => href.endsWith(post)))) failed.push(`${j.query}: lists ${post}`);
    }
    for (const t of got) {
      for (const d of t.dates) {
        if (j.after && d < j.after) failed.push(`${j.query}: a post of ${d}`);
        if (j.before && d >= j.before) failed.push(`${j.query}: a post of ${d}`);
      }
    }
    // A thread's posts are listed together, never scattered through the results.
    if (new Set(titles).size !== titles.length && !j.sameTitles) failed.push(`${j.query}: a thread listed twice: ${titles}`);
  }
  await page.close();
  return failed.concat(errors);
}

test('judged queries find their threads', async () => {
  const front = pathToFileURL(path.join(sampleArchive(), 'index.html')).href;
  assert.deepEqual(await misjudged(front, judged.sample), []);
});

test('judged queries find their threads in a generated forum', async () => {
  const { posts, queries } = judged.generated;
  const front = pathToFileURL(path.join(generatedArchive(posts), 'index.html')).href;
  assert.deepEqual(await misjudged(front, queries), []);
});
