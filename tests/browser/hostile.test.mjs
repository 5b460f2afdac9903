// The hostile archive in headless Chromium: every string of tests/fixtures/hostile in
// every dump format's places (built from the dumps tests/hostile.rs writes). Every page is
// opened: no dialog opens, no marker is set by a vector that got through (the vectors that
// set `window.__xss`), no script runs but the archive's own, no element carries an event
// handler or a script URL, no page throws, and nothing is requested from the network. The
// search index, which holds the same text as scripts, is loaded whole and searched.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanup, files, hostileArchive, launch } from './lib/archives.mjs';

let browser;
let root;
const network = [];

before(async () => {
  root = hostileArchive();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  cleanup();
  assert.deepEqual(network, [], 'pages requested from the network');
});

const url = (relative) => pathToFileURL(path.join(root, relative)).href;

/** What a loaded page holds that it should not; runs in the page. */
function inspect() {
  const bad = [];
  if (window.__xss !== undefined) bad.push('window.__xss = ' + String(window.__xss));
  for (const s of document.scripts) {
    if (!/\/static\/(search|thread)\.js$|\/search\/(meta|[tpv]\/[0-9a-f]{2}\/[0-9a-f]{8}(-\d+)?|d\/\d+\/\d+(-\d+)?)\.js$/.test(s.src)) {
      bad.push('script ' + (s.src || s.textContent.slice(0, 80)));
    }
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc' || name === 'style') bad.push(`<${el.localName} ${name}>`);
      if (['href', 'src', 'action', 'formaction', 'data', 'poster', 'xlink:href', 'cite'].includes(name) &&
          /^(javascript|vbscript|data|livescript):/i.test(attr.value.replace(/[\s\u0000-\u001f]/g, ''))) {
        bad.push(`<${el.localName} ${name}=${attr.value.slice(0, 60)}>`);
      }
    }
  }
  const foreign = 'iframe, frame, object, embed, img, svg, math, form, base, style, video, audio, template, ' +
    'input:not(#search-q), button:not(.search-more), textarea, select:not(#search-sort), meta[http-equiv="refresh"], link:not([rel="stylesheet"], [rel="canonical"], [rel="alternate"])';
  for (const el of document.querySelectorAll(foreign)) bad.push(`element <${el.localName}>`);
  return bad;
}

/** A tab that reports dialogs, errors and requests into `problems`, naming the page it is on. */
async function tab(context, problems) {
  const page = await context.newPage();
  const state = { at: '' };
  page.on('dialog', (d) => { problems.push(`${state.at}: ${d.type()} dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => problems.push(`${state.at}: ${e}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) network.push(`${state.at}: ${r.url()}`); });
  return { page, state };
}

test('every page of the hostile archive opens without running anything of its text', async () => {
  const pages = files(root, '.html');
  assert.ok(pages.length > 1000, `${pages.length} pages`);
  const context = await browser.newContext();
  const problems = [];
  // Two tabs share the pages, each opening its half in turn.
  const tabs = await Promise.all([tab(context, problems), tab(context, problems)]);
  let opened = 0;
  await Promise.all(tabs.map(async ({ page, state }, k) => {
    for (let i = k; i < pages.length; i += tabs.length) {
      state.at = pages[i];
      await page.goto(url(pages[i]));
      for (const bad of await page.evaluate(inspect)) problems.push(`${pages[i]}: ${bad}`);
      opened++;
    }
  }));
  await context.close();
  assert.equal(opened, pages.length);
  assert.deepEqual(problems, []);
});

test('the whole search index loads as data, and hostile text is found as text', async () => {
  const shards = files(path.join(root, 'search'), '.js');
  assert.ok(shards.length > 3, shards.join(' '));
  const context = await browser.newContext();
  const problems = [];
  const { page, state } = await tab(context, problems);
  state.at = 'index.html';
  await page.goto(url('index.html'));
  // Each index file, loaded as the search box loads it, only hands its data over.
  const loaded = await page.evaluate(async (srcs) => {
    let calls = 0;
    const S = window.threadarc_search;
    for (const key of ['m', 't', 'p', 'd', 'v']) {
      const real = S[key];
      S[key] = function () { calls++; return real.apply(this, arguments); };
    }
    for (const src of srcs) {
      await new Promise((resolve, reject) => {
        const el = document.createElement('script');
        el.src = src;
        el.onload = resolve;
        el.onerror = () => reject(new Error('cannot load ' + src));
        document.head.append(el);
      });
    }
    return calls;
  }, shards.map((s) => url(path.join('search', s))));
  assert.equal(loaded, shards.length, 'every index file calls threadarc_search once');
  assert.deepEqual(await page.evaluate(inspect), []);

  // Searching for the vectors' words shows posts that hold them, as text.
  for (const query of ['onerror', 'script alert', '__xss', 'javascript', 'img src']) {
    await page.fill('#search-q', query);
    await page.waitForFunction((q) => document.getElementById('search-results').getAttribute('data-query') === q, query);
    const hits = await page.$$eval('#search-results .search-hits a', (links) => links.map((a) => a.textContent));
    assert.ok(hits.length > 0, `no results for ${query}`);
    const elements = await page.$$eval('#search-results *', (els) => [...new Set(els.map((e) => e.localName))].sort());
    assert.ok(elements.every((e) => ['a', 'button', 'li', 'mark', 'ol', 'p', 'span', 'ul'].includes(e)), `${query}: ${elements}`);
    assert.deepEqual(await page.evaluate(inspect), [], query);
  }
  await context.close();
  assert.deepEqual(problems, []);
});
