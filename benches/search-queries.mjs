// What a query costs the reader: runs static/search.js against a built archive's index,
// as the browser would, and counts the index files it loads and their bytes.
//
//     node benches/search-queries.mjs PUBLIC_FOLDER "query one" "query two" ...
//
// Each query starts from a fresh page (nothing cached) and loads what typing it and
// showing its first page of results (20 threads) loads: search/meta.js, term shards,
// postings, typo files (v), doc shards.

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const [publicDir, ...queries] = process.argv.slice(2);
if (!publicDir || queries.length === 0) {
  console.error('usage: node benches/search-queries.mjs PUBLIC_FOLDER QUERY...');
  process.exit(2);
}
const source = fs.readFileSync(path.join(publicDir, 'static', 'search.js'), 'utf8');

async function run(query) {
  const context = vm.createContext({ console, Intl, URL, Map, Set, Promise, atob, Blob, Response, DecompressionStream, Uint8Array, JSON });
  vm.runInContext(source, context);
  const loaded = [];
  const load = (file) => {
    const text = fs.readFileSync(path.join(publicDir, file), 'utf8');
    loaded.push([file, Buffer.byteLength(text)]);
    vm.runInContext(text, context, { filename: file });
    return Promise.resolve();
  };
  const engine = context.threadarc_search.createEngine(load);
  const started = process.hrtime.bigint();
  const res = await engine.search(query);
  const page = res ? await res.more() : { threads: [] };
  // Doc shards are inflated as they come: wait for the last.
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const bytes = loaded.reduce((sum, f) => sum + f[1], 0);
  const kinds = {};
  for (const [file, size] of loaded) {
    const kind = file.split('/')[1].replace('.js', '');
    kinds[kind] = (kinds[kind] || 0) + size;
  }
  const shown = page.threads.reduce((n, t) => n + t.hits.length, 0);
  return { query, results: res ? res.total : 0, threads: res ? res.threads : 0, shown, files: loaded.length, bytes, kinds, ms,
    top: page.threads[0] };
}

const kb = (n) => (n / 1024).toFixed(0).padStart(5) + ' KiB';
console.log('query                            posts threads  files   loaded     meta    terms postings     typo     docs   time  first thread');
for (const q of queries) {
  const r = await run(q);
  const k = r.kinds;
  console.log(
    JSON.stringify(r.query).padEnd(30),
    String(r.results).padStart(8),
    String(r.threads).padStart(7),
    String(r.files).padStart(6),
    kb(r.bytes),
    kb(k.meta || 0), kb(k.t || 0), kb(k.p || 0), kb(k.v || 0), kb(k.d || 0),
    (r.ms.toFixed(0) + ' ms').padStart(7),
    r.top ? ' ' + r.top.title.slice(0, 40) : '',
  );
}
