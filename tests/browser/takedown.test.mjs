// Taking things down, asked of the search box in headless Chromium from disk: the dumps
// tests/takedown.rs writes are built, the search box finds what is about to be taken down,
// then archive.toml takes it down and the archive is rebuilt in place. The box then finds
// none of the removed words and names (as words, as prefixes, as author filters), and finds
// the posts that stay under their authors' pseudonyms.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, cleanup, launch, takedownDumps, tempDir } from './lib/archives.mjs';

let browser;
let dir;
let told;

before(async () => {
  const dumps = takedownDumps();
  told = JSON.parse(fs.readFileSync(path.join(dumps, 'takedown.json'), 'utf8'));
  dir = tempDir('takedown');
  fs.cpSync(path.join(dumps, 'threads'), path.join(dir, 'threads'), { recursive: true });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  cleanup();
});

function build() {
  execFileSync(bin, ['build', '--quiet'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The posts the search box lists for `query` on the front page, as text. */
async function results(page, query) {
  await page.fill('#search-q', query);
  await page.waitForFunction((q) => document.getElementById('search-results').getAttribute('data-query') === q, query);
  return page.$$eval('#search-results .search-posts a', (links) => links.map((a) => a.textContent));
}

async function frontPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('request', (r) => assert.ok(r.url().startsWith('file:'), `request to ${r.url()}`));
  await page.goto(pathToFileURL(path.join(dir, 'public', 'index.html')).href);
  return { page, context };
}

/** The words of `told.gone` that search can look for: each word of three letters or more. */
function queries() {
  return told.gone.flatMap((g) => [g, ...g.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3)]);
}

test('the search box finds nothing that was taken down, and finds pseudonyms', async () => {
  build();
  {
    const { page, context } = await frontPage();
    for (const word of ['Quinceblossom', 'xylophonic', 'Marzipanic', 'peppercornish']) {
      assert.ok((await results(page, word)).length > 0, `${word} is found before it is taken down`);
    }
    await context.close();
  }

  fs.writeFileSync(path.join(dir, 'archive.toml'), told.settings);
  build();
  const { page, context } = await frontPage();
  for (const query of queries()) {
    assert.deepEqual(await results(page, query), [], `"${query}" finds nothing`);
    const name = query.split(' ')[0];
    assert.deepEqual(await results(page, `author:${name}`), [], `author:${name} finds nothing`);
  }
  // What stays is found, by its word and by its author's pseudonym, which the results show.
  const stays = await results(page, 'Ribbonwort');
  assert.equal(stays.length, 1, JSON.stringify(stays));
  assert.ok(stays[0].includes(told.pseudonym), `${stays[0]} shows ${told.pseudonym}`);
  const first = told.pseudonym.split(' ')[0];
  const by = await results(page, `author:${first} thimbleweed`);
  assert.equal(by.length, 1, JSON.stringify(by));
  await context.close();
});
