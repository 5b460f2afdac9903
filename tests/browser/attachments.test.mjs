// Chat exports with their media, in headless Chromium from disk: a WhatsApp export zipped
// with photos, a sticker, a voice note, a video, a web page and an SVG drawing (the dumps
// tests/attachments.rs writes). Every page opens without a dialog, a page error, a script
// that is not the archive's own or a request to the network; the images show at the size
// their pages give; audio and video have players that load nothing until asked; and the
// attached page and drawing, opened from their own links, are text that runs nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { attachmentDumps, build, cleanup, files, launch } from './lib/archives.mjs';

let browser;
let root;

before(async () => {
  root = build(attachmentDumps(), null, 'attachments');
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  cleanup();
});

const url = (relative) => pathToFileURL(path.join(root, relative)).href;

/** A tab that reports dialogs, page errors and requests off the disk into `problems`. */
async function tab(context, problems) {
  const page = await context.newPage();
  page.on('dialog', (d) => { problems.push(`${page.url()}: ${d.type()} dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push(`request to ${r.url()}`); });
  return page;
}

test('every page opens, images show at their size, players wait, and nothing runs', async () => {
  const context = await browser.newContext();
  const problems = [];
  const page = await tab(context, problems);
  for (const html of files(root, '.html')) {
    await page.goto(url(html));
    const scripts = await page.$$eval('script', (s) => s.map((e) => e.src).filter((src) => !/\/static\/(search|thread)\.js$/.test(src)));
    assert.deepEqual(scripts, [], html);
    assert.equal(await page.evaluate(() => window.__xss), undefined, html);
  }

  await page.goto(url('chats/cycle-repair-cafe.html'));
  const images = await page.$$eval('ul.attachments img', (imgs) => imgs.map((i) => ({
    src: i.getAttribute('src'), width: i.getAttribute('width'), height: i.getAttribute('height'), alt: i.alt, lazy: i.loading,
  })));
  assert.equal(images.length, 3, JSON.stringify(images));
  for (const image of images) {
    assert.match(image.src, /^\.\.\/files\/[0-9a-f]{2}\/[0-9a-f]{32}\.(png|webp)$/);
    assert.equal(image.lazy, 'lazy');
    assert.ok(image.alt.length > 0);
  }
  // The photo sent twice is one file.
  assert.equal(new Set(images.map((i) => i.src)).size, 2);
  // The photo loads from disk, laid out at the shape its page gives.
  await page.waitForFunction(() => document.querySelector('ul.attachments img[width="300"]').complete);
  const box = await page.$eval('ul.attachments img[width="300"]', (i) => [i.naturalWidth, i.getBoundingClientRect().width, i.getBoundingClientRect().height]);
  assert.equal(box[0], 300, 'the photo is shown from disk');
  assert.ok(box[1] > 0 && Math.abs(box[1] / box[2] - 1.5) < 0.05, `${box}`);
  const players = await page.$$eval('ul.attachments audio, ul.attachments video', (els) => els.map((e) => [e.localName, e.preload, e.controls, e.getAttribute('src')]));
  assert.deepEqual(players.map((p) => p.slice(0, 3)), [['audio', 'none', true], ['video', 'none', true]]);
  assert.ok(players.every((p) => /^\.\.\/files\//.test(p[3])));

  // The attached page and drawing are text, even opened on their own.
  const texts = await page.$$eval('ul.attachments a[download]', (links) => links.filter((a) => /\.(html|svg)$/.test(a.download)).map((a) => a.getAttribute('href')));
  assert.equal(texts.length, 2, JSON.stringify(texts));
  for (const href of texts) {
    assert.match(href, /\.txt$/);
    const file = path.join(root, 'chats', href);
    await page.goto(pathToFileURL(file).href);
    assert.equal(await page.evaluate(() => document.contentType), 'text/plain');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.$$eval('svg, img, script', (els) => els.length), 0);
  }
  await context.close();
  assert.deepEqual(problems, []);
});
