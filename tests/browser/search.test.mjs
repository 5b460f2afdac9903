// The search box in a real browser: headless Chromium opens the sample archive from
// file://, a reader types, and lands on the right post.
//
// Run from this folder with `npm ci && node --test`; THREADARC_BIN names the threadarc
// binary (default: the debug build under CARGO_TARGET_DIR or ../../target) and CHROMIUM
// the browser (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.THREADARC_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(repo, 'target'), 'debug', 'threadarc');

let dir;
let browser;
let front;
let seedPage;
let network = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadarc-browser-'));
  fs.cpSync(path.join(repo, 'threads'), path.join(dir, 'threads'), { recursive: true });
  fs.copyFileSync(path.join(repo, 'archive.toml'), path.join(dir, 'archive.toml'));
  // A dump whose title and text are markup: the index holds it, results must show it as text.
  fs.mkdirSync(path.join(dir, 'threads', 'hostile'));
  fs.writeFileSync(path.join(dir, 'threads', 'hostile', 'markup.txt'),
    '<img src=x onerror="window.__xss=1">\n\nzanzibar <script>window.__xss=2</script> <b onmouseover="window.__xss=3">bold</b>\n');
  execFileSync(bin, ['build', '--quiet', '--output', path.join(dir, 'public')], { cwd: dir, stdio: 'inherit' });
  front = pathToFileURL(path.join(dir, 'public', 'index.html')).href;
  seedPage = pathToFileURL(path.join(dir, 'public', 'ketamine-therapy', 'therapy-during-ketamine.html')).href;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(network, [], 'the archive made network requests');
});

/** A fresh page that records every request that is not to a file. */
async function open(url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const loaded = [];
  const errors = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) network.push(r.url());
    else loaded.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push('dialog: ' + d.message()); d.dismiss(); });
  await page.goto(url);
  return { page, loaded, errors, context };
}

async function search(page, query) {
  await page.fill('#search-q', query);
  // The box marks its results with the query they answer once they are shown.
  await page.waitForFunction((q) => document.getElementById('search-results').getAttribute('data-query') === q, query);
  // Each post listed, with the title of the thread it is listed under.
  return page.$$eval('#search-results .search-posts a', (links) =>
    links.map((a) => ({ href: a.getAttribute('href'), title: a.closest('.search-thread').querySelector('.hit-title').textContent,
      marks: Array.from(a.querySelectorAll('mark')).map((m) => m.textContent), text: a.textContent })));
}

test('typing a word finds the post, and the result leads to its anchor', async () => {
  const { page, loaded, errors, context } = await open(front);
  assert.ok(await page.isVisible('#search-q'), 'the search box shows');
  assert.deepEqual(loaded.filter((u) => u.includes('/search/')), [], 'nothing of the index loads before typing');
  const hits = await search(page, 'benadryl');
  const hit = hits.find((h) => h.href.endsWith('ketamine-therapy/therapy-during-ketamine.html#post-11'));
  assert.ok(hit, JSON.stringify(hits));
  assert.equal(hit.title, 'Therapy during Ketamine');
  assert.ok(hit.marks.some((m) => m.toLowerCase() === 'benadryl'), JSON.stringify(hit));
  assert.ok(loaded.some((u) => u.endsWith('/search/meta.js')));
  await Promise.all([page.waitForURL(/#post-11$/), page.click(`#search-results a[href$="#post-11"]`)]);
  const url = new URL(page.url());
  assert.equal(url.hash, '#post-11');
  assert.ok(url.pathname.endsWith('/ketamine-therapy/therapy-during-ketamine.html'), url.pathname);
  assert.equal(await page.$eval(':target', (el) => el.id), 'post-11');
  assert.match(await page.$eval('#post-11', (el) => el.textContent), /benadryl/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('prefixes, case and diacritics', async () => {
  const { page, errors, context } = await open(seedPage);
  for (const query of ['benad', 'BENADRYL', 'bénadryl']) {
    const hits = await search(page, query);
    assert.ok(hits.some((h) => h.href.endsWith('#post-11')), `${query}: ${JSON.stringify(hits)}`);
  }
  // A finished word (followed by a space) is not a prefix.
  assert.deepEqual(await search(page, 'benad '), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('phrases and filters', async () => {
  const { page, errors, context } = await open(front);
  const letGo = await search(page, '"let go"');
  assert.ok(letGo.some((h) => h.href.endsWith('#post-14')), JSON.stringify(letGo));
  assert.ok(letGo.every((h) => /let go/i.test(h.text)), JSON.stringify(letGo));
  assert.deepEqual(await search(page, '"go let"'), []);
  const byAuthor = await search(page, 'author:mkrause');
  assert.ok(byAuthor.length > 0 && byAuthor.every((h) => h.href.startsWith('../') === false && h.href.includes('rust-help/')), JSON.stringify(byAuthor));
  assert.deepEqual(await search(page, 'benadryl topic:rust-help'), []);
  const inTopic = await search(page, 'therapy topic:ketamine');
  assert.ok(inTopic.length > 0 && inTopic.every((h) => h.href.includes('ketamine-therapy/')), JSON.stringify(inTopic));
  assert.deepEqual(errors, []);
  await context.close();
});

test('queries and indexed text are shown as text, never as markup', async () => {
  const { page, errors, context } = await open(front);
  const hostile = '<img src=x onerror="window.__xss=4"><script>window.__xss=5</script>';
  await search(page, hostile);
  const hits = await search(page, 'zanzibar');
  assert.equal(hits.length, 1, JSON.stringify(hits));
  assert.ok(hits[0].title.includes('<img src=x'), hits[0].title);
  assert.equal(await page.$eval('#search-results .hit-thread', (a) => a.getAttribute('href').endsWith('.html')), true);
  assert.ok(hits[0].text.includes('<script>'), hits[0].text);
  await search(page, 'onerror img');
  assert.equal(await page.$$eval('#search-results img, #search-results script, #search-results b', (e) => e.length), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the browser cuts text into the same terms as the index', async () => {
  const { page, context } = await open(front);
  const cases = JSON.parse(fs.readFileSync(path.join(repo, 'tests/fixtures/search-terms.json'), 'utf8'));
  const got = await page.evaluate((texts) => texts.map((t) => window.threadarc_search.terms(t)), cases.map((c) => c[0]));
  cases.forEach(([text, want], i) => assert.deepEqual(got[i], want, text));
  await context.close();
});

test('without JavaScript the search box stays hidden and the pages still work', async () => {
  const { page, context } = await open(front, { javaScriptEnabled: false });
  assert.equal(await page.isVisible('#search-q'), false);
  await page.click('h3 >> text=Ketamine therapy');
  await page.waitForURL(/ketamine-therapy\/index\.html$/);
  await page.click('text=Therapy during Ketamine');
  await page.waitForURL(/therapy-during-ketamine\.html$/);
  assert.equal(await page.$$eval('article.post', (a) => a.length), 14);
  await context.close();
});

test('results are grouped by thread, sorted, paged, and kept in the address', async () => {
  const { page, errors, context } = await open(front);
  await search(page, 'the');
  const titles = await page.$$eval('#search-results .search-thread .hit-title', (t) => t.map((e) => e.textContent));
  assert.equal(titles.length, 20, 'a page is 20 threads');
  assert.equal(new Set(titles).size, titles.length, 'a thread is listed once');
  assert.ok(await page.$$eval('#search-results .search-posts', (l) => l.every((ul) => ul.children.length <= 3)));
  // The screen reader is told how many posts were found, in one status line.
  assert.match(await page.$eval('#search .search-status[role=status]', (p) => p.textContent), /^\d+\+? posts?$/);
  assert.match(page.url(), /\?q=the$/);
  // More results continue the list, and load no index file twice.
  const loaded = [];
  page.on('request', (r) => loaded.push(r.url()));
  await page.click('.search-more');
  await page.waitForFunction(() => document.querySelectorAll('#search-results .search-thread').length > 20);
  assert.equal(new Set(loaded).size, loaded.length, loaded.join(' '));
  // Threads by when they started: newest first, then oldest first (undated ones first).
  const listed = () => page.$$eval('#search-results .search-thread', (items) => items.map((li) =>
    Array.from(li.querySelectorAll('.search-posts .hit-meta'), (m) => (m.textContent.match(/\d{4}-\d\d-\d\d/) || [''])[0]).filter(Boolean).sort()));
  for (const sort of ['new', 'old']) {
    await page.selectOption('#search-sort', sort);
    await page.waitForFunction((s) => new URL(location.href).searchParams.get('sort') === s &&
      document.getElementById('search-results').getAttribute('data-query') === 'the', sort);
    const dates = (await listed()).filter((d) => d.length > 0);
    const starts = dates.map((d) => d[0]);
    if (sort === 'new') assert.equal(dates[0].pop(), dates.flat().sort().pop(), JSON.stringify(dates));
    else assert.deepEqual(starts, [...starts].sort(), JSON.stringify(dates));
  }
  await page.selectOption('#search-sort', 'relevance');
  // A bookmarked search shows its results; the back button returns to them.
  await page.goto(front + '?q=benadryl');
  await page.waitForFunction(() => document.getElementById('search-results').getAttribute('data-query') === 'benadryl');
  assert.equal(await page.inputValue('#search-q'), 'benadryl');
  await Promise.all([page.waitForURL(/#post-11$/), page.click('#search-results a[href$="#post-11"]')]);
  await page.goBack();
  await page.waitForFunction(() => document.getElementById('search-results').getAttribute('data-query') === 'benadryl');
  assert.ok(await page.$('#search-results a[href$="#post-11"]'));
  // The keyboard alone: down from the box to the results.
  await page.focus('#search-q');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.closest('#search-results') !== null), true);
  assert.deepEqual(errors, []);
  await context.close();
});
