// Themes and languages in headless Chromium: the sample archive built in German with every
// hook of theme/ (tests/fixtures/theme). On every kind of page the theme's rules win over
// the built-in stylesheet (light and dark), the logo, header and footer are there, no
// English interface word is left (the search box's messages included), the Nu Html
// Checker finds no error and axe-core no serious or critical violation. A right-to-left
// language mirrors the layout, and a snippet with script stops the build.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bin, cleanup, files, launch, repo, tempDir, themedArchive } from './lib/archives.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const axeSource = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const vnu = path.join(here, 'node_modules/vnu-jar/build/dist/vnu.jar');

let browser;
let context;
let root;
let arabic;

before(async () => {
  root = themedArchive();
  arabic = themedArchive('ar');
  browser = await launch();
  // axe is injected through the DevTools protocol, which the pages' CSP does not govern.
  context = await browser.newContext({ bypassCSP: true });
});

after(async () => {
  if (browser) await browser.close();
  cleanup();
});

const url = (base, relative) => pathToFileURL(path.join(base, relative)).href;

/** One page of each kind the archive has. */
function pageKinds(base) {
  const all = files(base, '.html');
  const first = (re, what) => {
    // A mail thread that quotes, to show a quote's border.
    const found = all.find((f) => re.test(f) && (what !== 'mail thread' ||
      fs.readFileSync(path.join(base, f), 'utf8').includes('class="mail-quote"')));
    assert.ok(found, `no ${what} in ${base}`);
    return found;
  };
  const kinds = {
    'front page': 'index.html',
    'topic page': first(/^[^/]+\/index\.html$/, 'topic page'),
    'later topic page': first(/^[^/]+\/page-2\.html$/, 'second topic page'),
    'thread page': first(/^(?!authors|tags|months)[^/]+\/(?!index|page-)[^/]+\.html$/, 'thread'),
    'later thread page': first(/^[^/]+\/[^/]+\/2\.html$/, 'second thread page'),
    'mail thread': first(/^mailing-list\/[^/]+\.html$/, 'mail thread'),
    'chat': first(/^allotment\/[^/]+\.html$/, 'chat'),
    'author index': 'authors/index.html',
    'author page': first(/^authors\/[^/]+\/[^/]+\.html$/, 'author page'),
    'tag index': 'tags/index.html',
    'tag page': first(/^tags\/(?!index)[^/]+\.html$/, 'tag page'),
    'month index': 'months/index.html',
    'month page': first(/^months\/\d{4}-\d\d\.html$/, 'month page'),
    'not found page': '404.html',
  };
  for (const [kind, file] of Object.entries(kinds)) assert.ok(fs.existsSync(path.join(base, file)), `${kind}: no ${file}`);
  return kinds;
}

/** Every text of a language table (src/i18n/CODE.toml): plain strings, forms and lists. */
function tableTexts(code) {
  const text = fs.readFileSync(path.join(repo, 'src/i18n', `${code}.toml`), 'utf8');
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-z0-9_]+)\s*=\s*(.*)$/);
    if (!m) continue;
    const strings = [...m[2].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => JSON.parse(`"${s[1]}"`));
    out.set(m[1], strings);
  }
  return out;
}

/** The English interface's words German does not share, as tests/theme.rs takes them. */
function englishWords() {
  const german = [...tableTexts('de').values()].flat();
  const words = new Set();
  for (const [key, texts] of tableTexts('en')) {
    if (['language_name', 'direction', 'decimal_separator'].includes(key)) continue;
    for (const text of texts) {
      for (let part of text.split(/\{[a-z0-9_]+\}/)) {
        part = part.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
        if ((part.match(/\p{L}/gu) || []).length >= 3 && !german.some((g) => g.includes(part))) words.add(part);
      }
    }
  }
  return [...words];
}

const words = englishWords();
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const matchers = words.map((w) => [w, new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(w)}(?![\\p{L}\\p{N}])`, 'u')]);

/** What a reader sees of the page's interface: text and labels, without what came from a dump. */
function interfaceText() {
  const clone = document.body.cloneNode(true);
  const dump = '.body, bdi, .excerpt, .lead, .date-text, .subject, .flair, .reactions, .theme-header, .theme-footer, ' +
    '.hit-title, .hit-meta, .hit-snippet';
  for (const el of clone.querySelectorAll(dump)) el.remove();
  const labels = [...clone.querySelectorAll('[title], [aria-label], [placeholder]')]
    .flatMap((el) => ['title', 'aria-label', 'placeholder'].map((a) => el.getAttribute(a) || ''));
  return clone.textContent + '\n' + labels.join('\n');
}

function englishIn(text) {
  return matchers.filter(([, re]) => re.test(text)).map(([w]) => w);
}

test('the English words are read from the tables', () => {
  assert.ok(words.length > 100, `${words.length}`);
  for (const w of ['Jump to post', 'Recent threads', 'March', 'No posts found.'.replace('.', '')]) {
    assert.ok(words.includes(w), w);
  }
});

for (const scheme of ['light', 'dark']) {
  test(`the theme's rules win, and the logo, header and footer are on every kind of page (${scheme})`, async () => {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    const accent = scheme === 'light' ? 'rgb(138, 21, 56)' : 'rgb(255, 157, 181)';
    for (const [kind, file] of Object.entries(pageKinds(root))) {
      await page.goto(url(root, file));
      const seen = await page.evaluate(() => {
        const link = document.querySelector('.site-nav a');
        const logo = document.querySelector('header.site a.site-title img.site-logo');
        const pagination = document.querySelector('.pagination a, .pagination span');
        return {
          accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
          link: getComputedStyle(link).color,
          banner: getComputedStyle(document.querySelector('.club-banner')).fontWeight,
          radius: pagination ? getComputedStyle(pagination).borderTopLeftRadius : '0px',
          logo: logo && { alt: logo.alt, loaded: logo.complete && logo.naturalWidth > 0, height: logo.getBoundingClientRect().height },
          home: logo && logo.closest('a').getAttribute('href'),
          footer: !!document.querySelector('footer.site .theme-footer a[href="https://gartenfreunde.example/"]'),
          credit: document.querySelector('footer.site > p')?.textContent,
          favicon: document.querySelector('link[rel="icon"]')?.href,
        };
      });
      assert.equal(seen.link, accent, `${kind}: the theme's --accent colours links`);
      assert.equal(seen.banner, '700', `${kind}: the theme's own rule`);
      assert.equal(seen.radius, '0px', `${kind}: --radius`);
      assert.deepEqual(seen.logo, { alt: 'Gartenfreunde-Archiv', loaded: true, height: 48 }, kind);
      assert.match(seen.home, /^(\.\.\/)*index\.html$/, kind);
      assert.ok(seen.footer, `${kind}: footer.html`);
      assert.equal(seen.credit, 'Archiv der Gartenfreunde Nord, erstellt mit threadarc.', kind);
      assert.ok(seen.favicon.endsWith('/static/img/leaf.svg') && fs.existsSync(new URL(seen.favicon)), kind);
    }
    await page.close();
  });
}

test('no English interface word is left on any page, nor in the search box', async () => {
  const page = await context.newPage();
  const found = [];
  for (const file of files(root, '.html')) {
    await page.goto(url(root, file));
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'de', file);
    for (const w of englishIn(await page.evaluate(interfaceText))) found.push(`${file}: ${w}`);
  }
  // The search box says what it found, and what it did not, in German.
  await page.goto(url(root, 'index.html'));
  const said = async (query) => {
    await page.fill('#search-q', query);
    await page.waitForFunction((q) => document.querySelector('#search-results').getAttribute('data-query') === q, query);
    const text = await page.evaluate(interfaceText);
    const status = await page.evaluate(() => document.querySelector('#search .search-status')?.textContent);
    return { text, status };
  };
  const results = await said('the');
  assert.match(results.status, /^\d+\+? Beiträge?$/, results.status);
  for (const w of englishIn(results.text)) found.push(`search "the": ${w}`);
  await page.click('.search-more');
  await page.waitForFunction(() => !document.querySelector('.search-more') || !document.querySelector('.search-more').disabled);
  for (const w of englishIn(await page.evaluate(interfaceText))) found.push(`search, more: ${w}`);
  assert.equal((await said('zzyzxqq')).status, 'Keine Beiträge gefunden.');
  assert.equal((await said('"burnt bottom"')).status, 'Kein Beitrag enthält diese Wendung.');
  const more = await page.evaluate(() => document.querySelector('#search-q').placeholder);
  assert.match(more, /^Wörter/);
  await page.close();
  assert.deepEqual(found, []);
});

test('the themed pages pass the Nu Html Checker', () => {
  const pages = [root, arabic].flatMap((base) => files(base, '.html').map((p) => path.join(base, p)));
  assert.ok(pages.length > 200, `${pages.length} pages`);
  const run = spawnSync('java', ['-jar', vnu, '--errors-only', '--format', 'json', ...pages],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(run.error, undefined, `cannot run java: ${run.error}`);
  assert.ok(run.status === 0 || run.status === 1, `vnu exited with ${run.status}: ${run.stderr}`);
  const errors = JSON.parse(run.stderr).messages.map((m) => `${m.url}:${m.lastLine}: ${m.message} [${m.extract ?? ''}]`);
  assert.deepEqual(errors, []);
});

for (const scheme of ['light', 'dark']) {
  test(`no serious or critical axe violation on the themed pages (${scheme})`, async () => {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    const found = [];
    for (const [name, base] of [['de', root], ['ar', arabic]]) {
      for (const [kind, file] of Object.entries(pageKinds(base))) {
        await page.goto(url(base, file));
        if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
          for (const n of v.nodes) found.push(`${name} ${kind} (${file}): ${v.id}: ${n.target.join(' ')}`);
        }
      }
    }
    await page.close();
    assert.deepEqual(found, []);
  });
}

test('a right-to-left language mirrors the layout', async () => {
  const page = await context.newPage();
  await page.goto(url(arabic, pageKinds(arabic)['mail thread']));
  const seen = await page.evaluate(() => {
    const nav = [...document.querySelectorAll('.site-nav a')].map((a) => a.getBoundingClientRect());
    const pages = [...document.querySelectorAll('.pagination > *')].map((a) => a.getBoundingClientRect());
    return {
      dir: document.documentElement.dir,
      lang: document.documentElement.lang,
      navRightToLeft: nav[0].left > nav[1].left,
      pagesRightToLeft: pages.length > 1 && pages[0].left > pages[1].left,
      // A post keeps the direction of its own words: these are English.
      body: getComputedStyle(document.querySelector('.post .body')).direction,
      topics: document.querySelector('.site-nav a').textContent,
    };
  });
  assert.deepEqual(seen, {
    dir: 'rtl', lang: 'ar', navRightToLeft: true, pagesRightToLeft: true, body: 'ltr', topics: 'المواضيع',
  });
  await page.close();
});

test('a snippet with script stops the build and leaves the archive as it was', () => {
  const dir = tempDir('theme-refused');
  fs.cpSync(path.join(repo, 'tests/fixtures/theme'), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'threads'));
  fs.writeFileSync(path.join(dir, 'threads', 'a.txt'), 'Titel\n\nEin Beitrag.\n');
  execFileSync(bin, ['build', '--quiet'], { cwd: dir });
  const before = fs.readFileSync(path.join(dir, 'public', 'index.html'), 'utf8');
  fs.writeFileSync(path.join(dir, 'theme', 'footer.html'), '<p>Verein</p>\n<p><img src="x.png" alt="" onerror="alert(1)"></p>\n');
  const run = spawnSync(bin, ['build'], { cwd: dir, encoding: 'utf8' });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /the theme could not be read/);
  assert.match(run.stderr, /theme\/footer\.html:2: the event handler onerror="…" on <img> is refused/);
  assert.equal(fs.readFileSync(path.join(dir, 'public', 'index.html'), 'utf8'), before);
});
