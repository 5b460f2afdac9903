// Every page threadarc writes passes the Nu Html Checker (npm `vnu-jar`, run with the
// machine's Java) with no error, and every link between pages, and every `#anchor`,
// leads somewhere: the sample archive (threads/ and archive.toml) without and with a
// `base_url` (canonical links, feeds), the hostile archive (see tests/hostile.rs), the
// one `threadarc init` starts with (a dump of every format) and an empty one.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, emptyArchive, files, hostileArchive, initArchive, sampleArchive } from './lib/archives.mjs';

const vnu = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules/vnu-jar/build/dist/vnu.jar');
const archives = {};

before(() => {
  archives.sample = sampleArchive();
  archives['sample with base_url'] = sampleArchive('https://archive.example.org/forum/');
  archives.hostile = hostileArchive();
  archives['init example'] = initArchive();
  archives.empty = emptyArchive();
});

after(cleanup);

/** The checker's errors for these pages, as `page:line: message`. */
function validate(pages) {
  const run = spawnSync('java', ['-jar', vnu, '--errors-only', '--format', 'json', ...pages],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(run.error, undefined, `cannot run java: ${run.error}`);
  // The report is on stderr; exit status 1 means errors were found.
  assert.ok(run.status === 0 || run.status === 1, `vnu exited with ${run.status}: ${run.stderr}`);
  const report = JSON.parse(run.stderr);
  return report.messages.map((m) =>
    `${decodeURIComponent(m.url || '').replace(/^file:/, '')}:${m.lastLine ?? '?'}: ${m.type}: ${m.message} [${m.extract ?? ''}]`);
}

test('every page passes the Nu Html Checker', () => {
  const pages = Object.values(archives).flatMap((root) => files(root, '.html').map((p) => path.join(root, p)));
  assert.ok(pages.length > 1000, `${pages.length} pages`);
  assert.deepEqual(validate(pages), []);
});

test('the checker reports what it checks for', () => {
  // A page with the mistakes the templates once made must fail, so a silent checker cannot pass.
  const dir = fs.mkdtempSync(path.join(archives.sample, '..', 'probe-'));
  const page = path.join(dir, 'bad.html');
  fs.writeFileSync(page, '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>' +
    '<h1>x</h1><h3>skipped</h3><p><a rel="nofollow">no href</a><details open></details></p>\u0007</body></html>');
  const errors = validate([page]);
  for (const want of ['skipping', 'href', 'summary', 'Forbidden code point']) {
    assert.ok(errors.some((e) => e.includes(want)), `no error about ${want}: ${errors.join('\n')}`);
  }
});

const decode = (s) => s.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|quot|lt|gt|#39));/gi, (_, dec, hex, name) =>
  dec ? String.fromCodePoint(+dec) : hex ? String.fromCodePoint(parseInt(hex, 16))
    : { amp: '&', quot: '"', lt: '<', gt: '>', '#39': "'" }[name.toLowerCase()]);

for (const name of ['sample', 'sample with base_url', 'hostile', 'init example', 'empty']) {
  test(`every link and anchor of the ${name} archive resolves`, () => {
    const root = archives[name];
    const pages = files(root, '.html');
    const ids = new Map();
    const idsOf = (file) => {
      if (!ids.has(file)) {
        const html = fs.readFileSync(path.join(root, file), 'utf8');
        ids.set(file, new Set([...html.matchAll(/<[a-z][^>]*?\sid="([^"]*)"/g)].map((m) => decode(m[1]))));
      }
      return ids.get(file);
    };
    const broken = [];
    let internal = 0;
    for (const page of pages) {
      const html = fs.readFileSync(path.join(root, page), 'utf8');
      for (const [, attr, raw] of html.matchAll(/<[a-z][^>]*?\s(href|src)="([^"]*)"/g)) {
        const link = decode(raw);
        if (/^(https?|mailto):/i.test(link)) continue;
        internal++;
        if (/^[a-z][a-z0-9+.-]*:|^\//i.test(link)) {
          broken.push(`${page}: ${attr}="${link}" is not relative`);
          continue;
        }
        const [target, anchor] = link.split('#', 2);
        const file = target === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURIComponent(target)));
        if (file.startsWith('..')) broken.push(`${page}: ${link} leaves the archive`);
        else if (!fs.existsSync(path.join(root, file)) || !fs.statSync(path.join(root, file)).isFile()) broken.push(`${page}: ${link}: no ${file}`);
        else if (anchor !== undefined && file.endsWith('.html') && !idsOf(file).has(decodeURIComponent(anchor))) {
          broken.push(`${page}: ${link}: no #${anchor} in ${file}`);
        }
      }
    }
    assert.ok(internal > pages.length, `${internal} internal links`);
    assert.deepEqual(broken, []);
  });
}
