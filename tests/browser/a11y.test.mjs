// Accessibility in headless Chromium: every kind of page has no serious or critical
// axe-core violation in the light and the dark colour scheme (contrast included); pages
// carry `lang`; the skip link is the first thing Tab reaches and moves focus to the
// content; focus is visible; `j`/`k` move between the posts of a thread page.
//
// The sample archive is built with few threads and posts to a page, so that topic and
// thread pages are paginated.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, cleanup, launch, repo } from './lib/archives.mjs';

const axeSource = fs.readFileSync(
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules/axe-core/axe.min.js'), 'utf8');

let browser;
let context;
let root;

before(async () => {
  const config = fs.readFileSync(path.join(repo, 'archive.toml'), 'utf8')
    .replace(/^threads_per_page = \d+$/m, 'threads_per_page = 2')
    .replace(/^posts_per_page = \d+$/m, 'posts_per_page = 5');
  assert.match(config, /^threads_per_page = 2$/m);
  assert.match(config, /^posts_per_page = 5$/m);
  root = build(path.join(repo, 'threads'), config, 'a11y');
  browser = await launch();
  // axe is injected through the DevTools protocol, which the pages' CSP does not govern.
  context = await browser.newContext({ bypassCSP: true });
});

after(async () => {
  if (browser) await browser.close();
  cleanup();
});

const url = (relative) => {
  const [file, hash] = relative.split('#');
  return pathToFileURL(path.join(root, file)).href + (hash ? `#${hash}` : '');
};

/** The first page a list page links to under `folder/` (an author, a tag, a month). */
function firstLinked(list, folder) {
  const html = fs.readFileSync(path.join(root, list), 'utf8');
  const m = html.match(/<ul class="name-list">\s*<li><a href="([^"#]+\.html)[^"]*"/);
  assert.ok(m, `no item in ${list}`);
  return `${folder}/${m[1]}`;
}

/** The first page of `list` that lists several things, each at its own anchor, if any. */
function firstShared(list, folder) {
  const html = fs.readFileSync(path.join(root, list), 'utf8');
  const m = html.match(/<li><a href="([^"#]+\.html)#[^"]*"/);
  return m && `${folder}/${m[1]}`;
}

function pageKinds() {
  const threads = fs.readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !['static', 'search', 'authors', 'tags', 'months'].includes(d.name))
    .flatMap((d) => fs.readdirSync(path.join(root, d.name)).filter((f) => f.endsWith('.html') && !/^(index|page-\d+)\.html$/.test(f))
      .map((f) => `${d.name}/${f}`));
  const kinds = {
    'front page': 'index.html',
    'topic page': 'ketamine-therapy/index.html',
    'paginated topic page': 'rust-help/page-2.html',
    'page 2 of a long thread': 'ketamine-therapy/therapy-during-ketamine/2.html',
    'author index': 'authors/index.html',
    'author page': firstLinked('authors/index.html', 'authors'),
    'shared author page': firstShared('authors/index.html', 'authors') ?? firstLinked('authors/index.html', 'authors'),
    'tag index': 'tags/index.html',
    'tag page': firstLinked('tags/index.html', 'tags'),
    'month index': 'months/index.html',
    'month page': firstLinked('months/index.html', 'months'),
    'not found page': '404.html',
  };
  // Every thread page: each format shows its own things (flair, reactions, mail quotes…).
  for (const t of threads) kinds[`thread ${t}`] = t;
  for (const [kind, file] of Object.entries(kinds)) assert.ok(fs.existsSync(path.join(root, file)), `${kind}: no ${file}`);
  assert.ok(threads.length >= 9, threads.join(' '));
  return kinds;
}

/** Serious and critical axe violations on the page as it is now, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

for (const scheme of ['light', 'dark']) {
  test(`no serious or critical axe violation on any kind of page, ${scheme} scheme`, async () => {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    const found = [];
    for (const [kind, file] of Object.entries(pageKinds())) {
      await page.goto(url(file));
      assert.equal(await page.evaluate(() => matchMedia(`(prefers-color-scheme: ${'dark'})`).matches), scheme === 'dark');
      for (const v of await violations(page)) found.push(`${kind} (${file}): ${v}`);
      // Focus rings and the hover-free layout are part of the page too: the skip link shown.
      await page.keyboard.press('Tab');
      for (const v of await violations(page)) found.push(`${kind} (${file}), skip link focused: ${v}`);
    }
    // The search box with results showing, and a post that is the target of a permalink.
    await page.goto(url('index.html'));
    await page.fill('#search-q', 'ketamine');
    await page.waitForFunction(() => document.querySelector('#search-results .search-hits a'));
    for (const v of await violations(page)) found.push(`search results: ${v}`);
    await page.goto(url('ketamine-therapy/therapy-during-ketamine.html#post-3'));
    for (const v of await violations(page)) found.push(`targeted post: ${v}`);
    await page.close();
    assert.deepEqual(found, []);
  });
}

test('every kind of page says its language', async () => {
  const page = await context.newPage();
  for (const [kind, file] of Object.entries(pageKinds())) {
    await page.goto(url(file));
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', kind);
  }
  await page.close();
});

test('the skip link comes first, shows when focused and moves focus to the content', async () => {
  const page = await context.newPage();
  for (const file of ['index.html', 'ketamine-therapy/therapy-during-ketamine.html', 'authors/index.html']) {
    await page.goto(url(file));
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const el = document.activeElement;
      const box = el.getBoundingClientRect();
      return { cls: el.className, href: el.getAttribute('href'), text: el.textContent,
        visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.right <= innerWidth };
    });
    assert.deepEqual(skip, { cls: 'skip', href: '#main', text: 'Skip to content', visible: true }, file);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main', `${file}: focus after the skip link`);
    // The next Tab goes on from the content, past the header's links.
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.getElementById('main').contains(document.activeElement)), file);
  }
  await page.close();
});

test('keyboard focus is visible on links, the search box, summaries and buttons', async () => {
  const page = await context.newPage();
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(url('ketamine-therapy/therapy-during-ketamine.html'));
    const seen = new Set();
    // Tab through the page; every element that takes focus shows a ring it did not have.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return { tag: el.localName, visible: el.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor };
      });
      if (focus.tag === 'body') break;
      seen.add(focus.tag);
      assert.ok(focus.visible && focus.style !== 'none' && focus.width >= 2, `${scheme}: ${JSON.stringify(focus)}`);
    }
    for (const tag of ['a', 'input', 'summary']) assert.ok(seen.has(tag), `${scheme}: Tab never reached a ${tag}: ${[...seen]}`);
  }
  await page.close();
});

test('j and k move between the posts of a thread page', async () => {
  const page = await context.newPage();
  await page.goto(url('ketamine-therapy/therapy-during-ketamine.html'));
  assert.ok(await page.isVisible('.keys'), 'the keys are explained');
  const at = () => page.evaluate(() => ({ hash: location.hash, focus: document.activeElement.closest('article')?.id,
    top: Math.round(document.querySelector(location.hash || 'body').getBoundingClientRect().top) }));
  await page.keyboard.press('j');
  assert.deepEqual(await at(), { hash: '#post-1', focus: 'post-1', top: 0 });
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  assert.deepEqual(await at(), { hash: '#post-3', focus: 'post-3', top: 0 });
  await page.keyboard.press('k');
  assert.deepEqual(await at(), { hash: '#post-2', focus: 'post-2', top: 0 });
  // Typing in the search box is not navigation.
  await page.focus('#search-q');
  await page.keyboard.press('j');
  assert.equal(await page.inputValue('#search-q'), 'j');
  assert.equal(await page.evaluate(() => location.hash), '#post-2');
  await page.close();
});
