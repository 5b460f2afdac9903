// What a query costs in a real browser: opens a built archive's front page from file:// in
// headless Chromium, types each query into the search box and prints how long the first
// results took to show and how many bytes of the index it loaded.
//
//     node benches/search-browser.mjs PUBLIC_FOLDER "query one" "query two" ...
//
// Needs tests/browser's packages (`cd tests/browser && npm ci`) and /usr/bin/chromium
// (CHROMIUM names another). Each query gets a fresh browser context, so nothing is cached.
// Its keys are typed 30 ms apart, faster than the box's 120 ms pause, so the box searches
// once, for the whole query; *ms* runs from the last key's input event to the first result
// (or the "No posts found." line) on the page, the 120 ms pause included. *loaded* counts
// the files under search/ that the page loaded for it, by their size on disk.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(path.join(repo, 'tests/browser/package.json'))('playwright-core');

const [publicDir, ...queries] = process.argv.slice(2);
if (!publicDir || queries.length === 0) {
  console.error('usage: node benches/search-browser.mjs PUBLIC_FOLDER QUERY...');
  process.exit(2);
}
const front = pathToFileURL(path.resolve(publicDir, 'index.html')).href;
const searchDir = pathToFileURL(path.resolve(publicDir, 'search')).href + '/';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});

async function run(query) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const loaded = [];
  page.on('requestfinished', (request) => {
    if (request.url().startsWith(searchDir)) loaded.push(fs.statSync(fileURLToPath(request.url())).size);
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(front);
  // The page notes when the last key went in and when a result (or the status line) first
  // showed after it.
  await page.evaluate(() => {
    const box = document.getElementById('search');
    const input = document.getElementById('search-q');
    window.benchTimes = { input: 0, shown: 0 };
    input.addEventListener('input', () => { window.benchTimes = { input: performance.now(), shown: 0 }; });
    new MutationObserver(() => {
      const status = box.querySelector('.search-status');
      if (window.benchTimes.shown || !window.benchTimes.input) return;
      if (box.querySelector('#search-results .search-thread') || (status && status.textContent)) {
        const times = window.benchTimes;
        times.shown = -1;
        // The next frame is the one that paints it.
        requestAnimationFrame(() => { times.shown = performance.now(); });
      }
    }).observe(box, { childList: true, subtree: true, characterData: true });
  });
  await page.click('#search-q');
  await page.keyboard.type(query, { delay: 30 });
  await page.waitForFunction((q) => document.getElementById('search-results').getAttribute('data-query') === q,
    query, { timeout: 60_000 });
  await page.waitForFunction(() => window.benchTimes.shown > 0);
  const times = await page.evaluate(() => window.benchTimes);
  const found = await page.evaluate(() => ({
    threads: document.querySelectorAll('#search-results .search-thread').length,
    status: document.querySelector('#search .search-status').textContent,
    first: document.querySelector('#search-results .hit-title')?.textContent || '',
  }));
  await context.close();
  if (errors.length) throw new Error(`${query}: ${errors.join('; ')}`);
  return { ms: times.shown - times.input, files: loaded.length, bytes: loaded.reduce((a, b) => a + b, 0), ...found };
}

console.log(`Chromium ${browser.version()}, ${front}`);
console.log('query                              ms   files    loaded  shown  status / first thread');
for (const query of queries) {
  const r = await run(query);
  console.log(
    JSON.stringify(query).padEnd(30),
    (r.ms.toFixed(0) + ' ms').padStart(8),
    String(r.files).padStart(6),
    ((r.bytes / 1024).toFixed(0) + ' KiB').padStart(9),
    String(r.threads).padStart(6),
    ' ' + r.status + (r.first ? ' / ' + r.first.slice(0, 40) : ''),
  );
}
await browser.close();
