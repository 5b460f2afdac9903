// static/search.js's engine without a browser: ranking and query semantics, on an archive
// threadarc builds and on index data made by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.THREADARC_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(repo, 'target'), 'debug', 'threadarc');
const source = fs.readFileSync(path.join(repo, 'static', 'search.js'), 'utf8');

/** The engine, loading index files from `dir` (or only what `preload` hands over). */
function engine(dir, preload) {
  const context = vm.createContext({ Intl, URL, Map, Promise, atob, Blob, Response, DecompressionStream, Uint8Array, JSON });
  vm.runInContext(source, context);
  if (preload) preload(context.threadarc_search);
  const loaded = [];
  const load = (file) => {
    loaded.push(file);
    // Without a folder, the data was handed over beforehand: loading finds it there.
    if (!dir) return Promise.resolve();
    vm.runInContext(fs.readFileSync(path.join(dir, file), 'utf8'), context);
    return Promise.resolve();
  };
  return { engine: context.threadarc_search.createEngine(load), loaded, api: context.threadarc_search };
}

/** A page's posts, thread after thread. */
const hitsOf = (page) => Array.from(page.threads).flatMap((t) => Array.from(t.hits));

async function ranked(e, query) {
  const res = await e.search(query);
  if (!res) return [];
  const page = await res.more();
  // Arrays from the engine's realm compare by value once they are this realm's.
  return Array.from(hitsOf(page), (h) => `${h.title}#${h.number}`);
}

function build(threads) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadarc-engine-'));
  for (const [name, text] of Object.entries(threads)) {
    fs.mkdirSync(path.dirname(path.join(dir, 'threads', name)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'threads', name), text);
  }
  execFileSync(bin, ['build', '--quiet'], { cwd: dir });
  return dir;
}

const raw = (title, posts) => `+++\ntitle = "${title}"\n+++\n` + posts.map(([who, when, body], i) =>
  `${who} | ${when} UTC | #${i + 1}\n\n${body}\n\n-------------------------\n\n`).join('');

test('ranking: threads by their best posts, the title counting for the first; newer first among equals', async (t) => {
  const dir = build({
    'baking/starter.txt': raw('Sourdough starter', [
      ['ann', '2020-01-01 10:00:00', 'My starter is slow.'],
      ['bob', '2020-01-02 10:00:00', 'Feed it more flour and keep it warm.'],
    ]),
    'baking/bread.txt': raw('Bread', [
      ['cy', '2022-01-01 10:00:00', 'A starter, and many other words that make this post quite long, as long posts go.'],
      ['dee', '2022-01-02 10:00:00', 'Zebra crossing.'],
    ]),
    'baking/notes.txt': raw('Notes', [['eve', '2023-05-01 10:00:00', 'Zebra crossing.']]),
    'baking/older.txt': raw('Notes', [['fay', '2019-05-01 10:00:00', 'Zebra crossing.']]),
  });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { engine: e, loaded } = engine(path.join(dir, 'public'));
  // The title match comes first; a long post that only says it once, last; a reply that
  // does not hold the word is not listed for its thread's title.
  assert.deepEqual(await ranked(e, 'starter '), ['Sourdough starter#1', 'Bread#1']);
  // Equal scores: the newest thread first.
  assert.deepEqual(await ranked(e, 'zebra crossing'), ['Notes#1', 'Bread#2', 'Notes#1']);
  const hits = await (await e.search('zebra crossing')).more();
  assert.deepEqual(Array.from(hitsOf(hits), (h) => h.author), ['eve', 'dee', 'fay']);
  // All words must be in the thread (its title counts as its first post's words); each post
  // listed holds one of them.
  assert.deepEqual(await ranked(e, 'flour starter'), ['Sourdough starter#2', 'Sourdough starter#1']);
  assert.deepEqual(await ranked(e, 'flour zebra'), []);
  // Filters restrict without scoring: by author, newest first.
  assert.deepEqual(await ranked(e, 'author:ann'), ['Sourdough starter#1']);
  assert.deepEqual(await ranked(e, 'crossing author:"e'), ['Notes#1']);
  assert.ok(loaded.includes('search/meta.js'));
});

test('snippets mark the query where it stands', async () => {
  const { api } = engine(null);
  const q = api.parseQuery('"let go" music');
  const text = 'You need to let go. Let yourself go. Follow the music.';
  const hit = { text, textSpans: api.spans(text), titleSpans: [], query: q };
  const marked = Array.from(api.snippet(hit, 200).filter((p) => p[1]), (p) => p[0]);
  assert.deepEqual(marked, ['let', 'go', 'music']);
});

/** Numbers as the index writes them: VLQ in base64 digits. */
const vlqDigits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const vlq = (values) => values.map((v) => {
  let out = '';
  do { let d = v & 31; v >>>= 5; if (v) d |= 32; out += vlqDigits[d]; } while (v);
  return out;
}).join('');

test('a word too common to be kept whole ranks results but does not restrict them', async () => {
  // Hand-made index: 10 posts; "the" is in all of them but only posts 2 and 7 were kept.
  // Postings of format 2, all in thread 0: a step to the first post from a new thread
  // (2 × Y + 1, then no thread skipped), then steps within it (2 × Y).
  const word = (posts) => {
    let next = 0;
    return vlq(posts.flatMap((p, i) => {
      const y = (p - next) * 16 + 7;
      next = p + 1;
      return i === 0 ? [y * 2 + 1, 0] : [y * 2];
    }));
  };
  const { engine: e, loaded } = engine(null, (S) => {
    S.m({ format: 2, docs: 10, terms: [''], docShards: vlq([0, 0]), topics: [] });
    S.t(S.nameOf(''), [['the', 10, word([2, 7])], ['zebra', 3, word([1, 2, 5])]]);
    S.d('0', { first: [0, 0], threads: [['T', 't/t.html', 'T',
      Array.from({ length: 10 }, (_, i) => [i + 1, null, null, 'the zebra ' + i])]] });
  });
  // Post 3 (doc 2) holds both; posts 2 and 6 only "zebra" as far as the index knows.
  assert.deepEqual(await ranked(e, 'the zebra '), ['T#3', 'T#6', 'T#2']);
  // Alone, the kept posts of "the" are the results, newest first among equals.
  assert.deepEqual(await ranked(e, 'the '), ['T#8', 'T#3']);
  // The term shard is found by the name of its first term, the doc shard by its first thread.
  assert.ok(loaded.includes('search/t/81/811c9dc5.js') && loaded.includes('search/d/0/0.js'), loaded.join(' '));
});

test('term shards are named by FNV-1a of their first term, as the index writer names them', () => {
  const { api } = engine(null);
  // The same values as src/search/chunk.rs's test and Python's reference FNV-1a.
  assert.equal(api.nameOf(''), '811c9dc5');
  assert.equal(api.nameOf('a'), 'e40c292c');
  assert.equal(api.nameOf('foobar'), 'bf9cf968');
  assert.equal(api.nameOf('café東京𠀀'), 'dccb4cd3');
});

test('results from threads that span doc shards, and from later pages of a thread', async () => {
  // Thread 0 has posts 0-2 in shard "0" and 3-4 in shard "0-3"; thread 1 starts in "0-3".
  const { engine: e, loaded } = engine(null, (S) => {
    S.m({ format: 2, docs: 7, terms: ['a'], docShards: vlq([0, 0, 0, 3]), topics: [] });
    // "zebra" in (0,1), (0,4) and (1,1): steps 2×(1×16+7)+1, 0; 2×(2×16+7); 2×(1×16+7)+1, 0.
    S.t(S.nameOf('a'), [['zebra', 3, vlq([47, 0, 78, 47, 0])]]);
    const post = (n, page) => page ? [n, 'x', null, 'a zebra ' + n, page] : [n, 'x', null, 'a zebra ' + n];
    S.d('0', { first: [0, 0], threads: [['Long', 'l/long.html', 'T', [post(1), post(2), post(3)]]] });
    S.d('0-3', { first: [0, 3], threads: [['Long', 'l/long.html', 'T', [post(4), post(5, 2)]],
      ['Short', 's/short.html', 'T', [post(1), post(2)]]] });
  });
  const res = await e.search('zebra ');
  // The thread with two posts that hold the word ranks above the one with one.
  const hits = hitsOf(await res.more());
  assert.deepEqual(Array.from(hits, (h) => `${h.url}#${h.number}`),
    ['l/long/2.html#5', 'l/long.html#2', 's/short.html#2']);
  assert.ok(loaded.includes('search/d/0/0-3.js') && loaded.includes('search/d/0/0.js'), loaded.join(' '));
});
