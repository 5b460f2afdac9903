/* threadarc search: the archive's search box.
 *
 * The index is split into small files under search/ (the format is documented in
 * src/search/mod.rs). Each is a script that hands its data to `threadarc_search`, loaded
 * with a <script> element when a query needs it, so search works from file:// and from any
 * static host. Nothing is loaded until the reader types.
 *
 * Text from the index and from the query only ever reaches the page through textContent
 * and text nodes, never as HTML.
 *
 * Query syntax: words (all must match; the last one also matches as a prefix while it is
 * being typed; a word of five letters or more that matches nothing finds the words one edit
 * away, two for nine letters or more), "a quoted phrase", the filters topic:NAME and
 * author:NAME (author:"Two words"), which match names that start with what is typed, and
 * after:DATE and before:DATE (2024, 2024-03 or 2024-03-16; after inclusive, before not).
 *
 * Results are grouped by thread: a thread ranks by its best posts (its first post carries
 * its title's words), and lists the posts that hold the query's words.
 */
(function (global) {
  'use strict';

  var S = global.threadarc_search = global.threadarc_search || {};

  /* ---- Data the index files hand over ---- */

  var store = { meta: null, t: {}, p: {}, d: {}, v: {} };
  S.m = function (meta) { store.meta = meta; };
  S.v = function (k, words) { store.v[k] = words; };
  S.t = function (k, entries) { store.t[k] = entries; };
  S.p = function (k, postings) { store.p[k] = postings; };
  /* A doc shard comes as the base64 of its JSON's gzip (or, handed over by a test, as the
   * data itself); it is inflated once, into a promise of the data. */
  S.d = function (k, shard) { store.d[k] = typeof shard === 'string' ? inflate(shard) : Promise.resolve(shard); };

  function inflate(base64) {
    var bytes = atob(base64);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) buffer[i] = bytes.charCodeAt(i);
    var stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(JSON.parse);
  }

  /* Where an index file lies: src/search/chunk.rs `path`. */
  function filePath(kind, name) {
    var folder = kind === 'd' ? String(Math.floor(parseInt(name, 10) / 1000)) : name.slice(0, 2);
    return 'search/' + kind + '/' + folder + '/' + name + '.js';
  }

  /* ---- Terms: the same rules as src/search/tokenize.rs ---- */

  var MAX_TERM_CHARS = 40;
  var IGNORABLE = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\ufe00-\ufe0f\u200c\u200d\u00ad]|\udb40[\udd00-\uddef]/g;
  var SPECIAL = { 'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'þ': 'th', 'ø': 'o', 'đ': 'd', 'ð': 'd', 'ł': 'l', 'ħ': 'h', 'ı': 'i', 'ς': 'σ' };
  var SPECIAL_RE = /[ßæœþøđðłħıς]/g;
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var ASCII = /^[\x00-\x7f]*$/;

  function fold(word) {
    if (ASCII.test(word)) return word.toLowerCase();
    return word.normalize('NFKD').replace(IGNORABLE, '').toLowerCase().normalize('NFC')
      .replace(SPECIAL_RE, function (c) { return SPECIAL[c]; });
  }

  function isCjk(cp) {
    return (cp >= 0x1100 && cp <= 0x11ff) || cp === 0x3005 || (cp >= 0x3040 && cp <= 0x30ff) ||
      (cp >= 0x3130 && cp <= 0x318f) || (cp >= 0x31f0 && cp <= 0x31ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xff66 && cp <= 0xff9f) || (cp >= 0x20000 && cp <= 0x3134f);
  }

  function isDigit(c) { return c !== undefined && c >= '0' && c <= '9'; }

  function isCut(prev, c, next) {
    if (c === "'" || c === '\u2019' || c === '\u2018' || c === '\u02bc' || c === ':' || c === '\u00b7') return true;
    return c === '.' && !(isDigit(prev) && isDigit(next));
  }

  var segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter('und', { granularity: 'word' }) : null;

  /* Word segments of a text with their offsets (UAX #29 where the browser has it). */
  function segments(text) {
    if (segmenter) {
      var out = [];
      for (var s of segmenter.segment(text)) out.push({ index: s.index, segment: s.segment });
      return out;
    }
    var re = /[\p{L}\p{N}\p{M}\p{Pc}]+(?:[.:'\u2019][\p{L}\p{N}\p{M}\p{Pc}]+)*|[^]/gu;
    var list = [];
    var m;
    while ((m = re.exec(text)) !== null) list.push({ index: m.index, segment: m[0] });
    return list;
  }

  /* Every term of a text, with where it stands: [{term, start, end}], offsets in UTF-16 units. */
  function spans(text) {
    var out = [];
    var run = null; /* {prev, prevStart, end, paired} */
    function emitWord(word, start) {
      if (!ALNUM.test(word)) return;
      var folded = fold(word);
      if (ALNUM.test(folded) && Array.from(folded).length <= MAX_TERM_CHARS) {
        out.push({ term: folded, start: start, end: start + word.length });
      }
    }
    function flush() {
      if (run && !run.paired) out.push({ term: run.prev, start: run.prevStart, end: run.end });
      run = null;
    }
    var segs = segments(text);
    for (var i = 0; i < segs.length; i++) {
      var seg = segs[i].segment;
      var base = segs[i].index;
      var chars = Array.from(seg);
      var offset = 0;
      var pieceStart = -1;
      for (var j = 0; j < chars.length; j++) {
        var c = chars[j];
        var at = offset;
        offset += c.length;
        if (isCjk(c.codePointAt(0))) {
          if (pieceStart >= 0) { emitWord(seg.slice(pieceStart, at), base + pieceStart); pieceStart = -1; }
          if (run && run.end !== base + at) flush();
          var f = fold(c);
          if (run) {
            out.push({ term: run.prev + f, start: run.prevStart, end: base + offset });
            run.paired = true;
            run.prev = f;
            run.prevStart = base + at;
            run.end = base + offset;
          } else {
            run = { prev: f, prevStart: base + at, end: base + offset, paired: false };
          }
        } else {
          if (run) flush();
          if (isCut(chars[j - 1], c, chars[j + 1])) {
            if (pieceStart >= 0) { emitWord(seg.slice(pieceStart, at), base + pieceStart); pieceStart = -1; }
          } else if (pieceStart < 0) {
            pieceStart = at;
          }
        }
      }
      if (pieceStart >= 0) emitWord(seg.slice(pieceStart), base + pieceStart);
    }
    flush();
    return out;
  }

  function terms(text) { return spans(text).map(function (s) { return s.term; }); }

  /* ---- The query ---- */

  /* A query's parts: groups (each a term that must match, or a prefix), phrases (lists of
   * group indexes that must stand together) and filters (also groups, that only restrict). */
  function parseQuery(query) {
    var groups = [];
    var phrases = [];
    var dates = { after: null, before: null };
    var open = !/[\s"]$/.test(query);
    function group(kind, term, prefix) {
      for (var i = 0; i < groups.length; i++) {
        var g = groups[i];
        if (g.kind === kind && g.term === term && g.prefix === prefix) return i;
      }
      groups.push({ kind: kind, term: term, prefix: prefix });
      return groups.length - 1;
    }
    function addWords(text, last, phrase) {
      var ts = terms(text);
      var list = [];
      for (var i = 0; i < ts.length; i++) {
        var single = Array.from(ts[i]).length === 1 && isCjk(ts[i].codePointAt(0));
        list.push(group('word', ts[i], single || (last && open && i === ts.length - 1)));
      }
      if (phrase && list.length > 1) phrases.push(list);
    }
    var re = /(topic|author|after|before):(?:"([^"]*)"?|(\S*))|"([^"]*)"?|[^\s"]+/gi;
    var m;
    while ((m = re.exec(query)) !== null) {
      var last = re.lastIndex === query.length;
      if (m[1]) {
        var value = m[2] !== undefined ? m[2] : m[3];
        var key = m[1].toLowerCase();
        if (key === 'after' || key === 'before') {
          var day = dayOf(value);
          if (day) dates[key] = day;
          continue;
        }
        var words = value.split(/\s+/).filter(Boolean).map(fold).join(' ');
        if (!words) continue;
        var kind = key === 'topic' ? '!t:' : '!a:';
        group('filter', kind + words, true);
      } else if (m[4] !== undefined) {
        addWords(m[4], last, true);
      } else {
        addWords(m[0], last, false);
      }
    }
    if (dates.after || dates.before) {
      /* Month terms from the after date's month up to the before date's (taken whole
       * when the before date is not the first of its month); days are checked on the posts. */
      var b = dates.before;
      groups.push({
        kind: 'date', prefix: false,
        term: '!m:' + (dates.after ? dates.after.slice(0, 7) : ''),
        hi: b ? '!m:' + b.slice(0, 7) + (b.slice(8) === '01' ? '' : '~') : '!m;'
      });
      dates.check = (dates.after && dates.after.slice(8) !== '01') || (b && b.slice(8) !== '01');
    }
    return { groups: groups, phrases: phrases, dates: dates };
  }

  /* A date as typed (2024, 2024-3, 2024-03-16) as the day it starts: YYYY-MM-DD. */
  function dayOf(text) {
    var m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(text);
    if (!m) return null;
    var month = Number(m[2] || 1);
    var day = Number(m[3] || 1);
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    return m[1] + '-' + (month < 10 ? '0' : '') + month + '-' + (day < 10 ? '0' : '') + day;
  }

  /* ---- Postings ---- */

  var DIGIT = new Int8Array(128).fill(-1);
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach(function (c, i) {
    DIGIT[c.charCodeAt(0)] = i;
  });

  function vlq(text) {
    var out = [];
    var value = 0;
    var scale = 1;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      var d = code < 128 ? DIGIT[code] : -1;
      if (d < 0) throw new Error('bad index data');
      value += (d & 31) * scale;
      if (d & 32) { scale *= 32; } else { out.push(value); value = 0; scale = 1; }
    }
    return out;
  }

  /* A post's address (thread, post) as one number that orders as addresses do. The
   * engine calls these docs. */
  var SPAN = 16777216; /* 2^24 */
  function docOf(thread, post) { return thread * SPAN + post; }
  function threadOf(doc) { return Math.floor(doc / SPAN); }
  function postOf(doc) { return doc % SPAN; }

  /* Reads postings: each entry starts with a step, 2 × Y + S; S = 1 moves to a later
   * thread (the next number is the threads skipped) and Y counts from its first post, S = 0
   * stays in the thread and Y counts from `at.post`. Calls visit(y) with `at` on the thread. */
  function steps(values, visit) {
    var at = { thread: -1, post: 0 };
    var i = 0;
    while (i < values.length) {
      var x = values[i++];
      if (x % 2 === 1) {
        if (i >= values.length) throw new Error('bad index data');
        at.thread += 1 + values[i++];
        at.post = 0;
      }
      i = visit(Math.floor(x / 2), at, i);
    }
  }

  /* A word's postings: docs ascending and their impacts (1–16). */
  function decodeWord(text) {
    var docs = [];
    var impacts = [];
    steps(vlq(text), function (y, at, i) {
      var post = at.post + Math.floor(y / 16);
      docs.push(docOf(at.thread, post));
      impacts.push(y % 16 + 1);
      at.post = post + 1;
      return i;
    });
    return { docs: Float64Array.from(docs), impacts: Uint8Array.from(impacts) };
  }

  /* A filter's postings: runs of posts of one thread, expanded. */
  function decodeRuns(text) {
    var values = vlq(text);
    var docs = [];
    steps(values, function (y, at, i) {
      if (i >= values.length) throw new Error('bad index data');
      var start = at.post + y;
      var end = start + values[i] + 1;
      for (var p = start; p < end; p++) docs.push(docOf(at.thread, p));
      at.post = end;
      return i + 1;
    });
    return { docs: Float64Array.from(docs), impacts: null };
  }

  /* FNV-1a (32 bits) of a text's UTF-8, as eight hex digits: the name of a term shard
   * whose first term it is. */
  function nameOf(text) {
    var h = 0x811c9dc5;
    function add(b) { h = Math.imul(h ^ b, 0x01000193); }
    for (var ch of text) {
      var cp = ch.codePointAt(0);
      if (cp < 0x80) add(cp);
      else if (cp < 0x800) { add(0xc0 | cp >> 6); add(0x80 | cp & 63); }
      else if (cp < 0x10000) { add(0xe0 | cp >> 12); add(0x80 | cp >> 6 & 63); add(0x80 | cp & 63); }
      else { add(0xf0 | cp >> 18); add(0x80 | cp >> 12 & 63); add(0x80 | cp >> 6 & 63); add(0x80 | cp & 63); }
    }
    return ('0000000' + (h >>> 0).toString(16)).slice(-8);
  }

  /* The term shards' names, in order: a name an earlier shard has gets -2, -3… */
  function shardNames(firsts) {
    var taken = Object.create(null);
    return firsts.map(function (first) {
      var base = nameOf(first);
      var name = base;
      for (var n = 2; taken[name]; n++) name = base + '-' + n;
      taken[name] = true;
      return name;
    });
  }

  /* ---- The engine ---- */

  var PREFIX_TERMS = 16;        /* completions of the last word looked at */
  var PREFIX_BYTES = 256 * 1024; /* postings loaded for them */
  var PREFIX_SHARDS = 3;
  var PAGE = 20;                /* threads a page of results */
  var SHOWN = 3;                /* posts listed under a thread */
  var CHECK_SHARDS = 24;        /* doc shards read per page to check phrases and days */
  var EMPTY_PAGES = 5;          /* pages read on by themselves while they find nothing */
  var TYPO_MIN = 5;             /* letters a word needs for a typo to be forgiven (src/search/vocab.rs) */
  var TYPO_WORDS = 4;           /* words near a typo looked up */
  var TYPO_WEIGHT = 0.5;        /* a near word's weight against an exact match's */
  var NUMBER = /^[\p{N}.,;]+$/u;  /* a term that is a number (src/search/vocab.rs) */
  var TITLE_WEIGHT = 1;         /* a title's word against a post's best (src/search/postings.rs) */

  function lowerBound(list, key, get) {
    var lo = 0;
    var hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (get(list[mid]) < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function createEngine(load) {
    var loading = {};
    function need(path, check) {
      if (!loading[path]) {
        loading[path] = Promise.resolve(path).then(load).then(function () {
          if (!check()) throw new Error(path + ' did not load as search data');
        });
        loading[path].catch(function () { delete loading[path]; });
      }
      return loading[path];
    }
    function meta() { return need('search/meta.js', function () { return !!store.meta; }).then(function () { return store.meta; }); }
    function termShard(k) { return need(filePath('t', k), function () { return Array.isArray(store.t[k]); }).then(function () { return store.t[k]; }); }
    function postingsPack(k) { return need(filePath('p', k), function () { return Array.isArray(store.p[k]); }).then(function () { return store.p[k]; }); }
    function docShard(k) { return need(filePath('d', k), function () { return !!store.d[k]; }).then(function () { return store.d[k]; }); }
    /* A typo file that does not exist holds no words: none of that letter and length. */
    function vocabFile(k) {
      return need(filePath('v', k), function () { return Array.isArray(store.v[k]); })
        .then(function () { return store.v[k]; }, function () { return []; });
    }

    /* Meta's lists, read once: term shards' names and doc shards' first docs and names. */
    function names(m) {
      if (!m.termNames) m.termNames = shardNames(m.terms);
      return m.termNames;
    }
    function docShards(m) {
      if (!m.firsts) {
        var values = vlq(m.docShards);
        var firsts = [];
        var shardNamesList = [];
        var thread = 0;
        for (var i = 0; i + 1 < values.length; i += 2) {
          thread += values[i];
          firsts.push(docOf(thread, values[i + 1]));
          shardNamesList.push(values[i + 1] === 0 ? String(thread) : thread + '-' + values[i + 1]);
        }
        m.firsts = firsts;
        m.docNames = shardNamesList;
      }
      return m.firsts;
    }

    /* The term shards that may hold a term, every term with a prefix, or (a date group)
     * every term from `term` up to `hi`. */
    function shardsFor(m, term, prefix, hi) {
      var first = Math.max(0, lowerBound(m.terms, term, function (t) { return t; }) - 1);
      if (first + 1 < m.terms.length && m.terms[first + 1] === term) first += 1;
      var out = [first];
      if (hi !== undefined) {
        for (var h = first + 1; h < m.terms.length && m.terms[h] < hi; h++) out.push(h);
        return out;
      }
      if (prefix) {
        for (var k = first + 1; k < m.terms.length && out.length < PREFIX_SHARDS && m.terms[k].slice(0, term.length) === term; k++) out.push(k);
      }
      return out;
    }

    /* The dictionary entries of a group: one for a term, the likeliest few for a prefix. */
    function entriesFor(shards, g) {
      var found = [];
      shards.forEach(function (entries) {
        var i = lowerBound(entries, g.term, function (e) { return e[0]; });
        for (; i < entries.length; i++) {
          var t = entries[i][0];
          if (g.kind === 'date') {
            if (t >= g.hi) break;
            found.push(entries[i]);
            continue;
          }
          if (t === g.term) found.push(entries[i]);
          else if (g.prefix && t.slice(0, g.term.length) === g.term) found.push(entries[i]);
          else break;
          if (!g.prefix) break;
        }
      });
      if (!g.prefix || g.kind === 'date') return { entries: found, cut: false };
      found.sort(function (a, b) { return (b[0] === g.term) - (a[0] === g.term) || b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
      var kept = [];
      var bytes = 0;
      for (var i = 0; i < found.length && kept.length < PREFIX_TERMS; i++) {
        var size = found[i].length === 3 ? String(found[i][2]).length : found[i][4];
        if (kept.length > 0 && bytes + size > PREFIX_BYTES) continue;
        bytes += size;
        kept.push(found[i]);
      }
      return { entries: kept, cut: kept.length < found.length };
    }

    /* An entry's postings: inline ([TERM, DF, POSTINGS]), or in a pack of them
     * ([TERM, DF, PACK, INDEX, PACK_BYTES]). */
    function postingsOf(entry) {
      if (entry.length === 3) return Promise.resolve(String(entry[2]));
      return postingsPack(entry[2]).then(function (pack) {
        if (typeof pack[entry[3]] !== 'string') throw new Error('bad index data');
        return pack[entry[3]];
      });
    }

    function idf(n, df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }

    /* One group's posts and scores, merged over its entries (a prefix's completions), and
     * the threads whose titles hold it with the weight of that: a first post's highest
     * impact says its thread's title holds the word. */
    function groupPostings(m, g, entries, texts) {
      var lists = [];
      var partial = false;
      var titles = new Map();
      for (var i = 0; i < entries.length; i++) {
        var e = entries[i];
        var decoded = g.kind !== 'word' ? decodeRuns(texts[i]) : decodeWord(texts[i]);
        if (decoded.docs.length < e[1]) partial = true;
        var near = e[0] === g.term ? 1 : g.near ? TYPO_WEIGHT : 0.7;
        var weight = g.kind !== 'word' ? 0 : idf(m.docs, e[1]) * near;
        lists.push({ docs: decoded.docs, impacts: decoded.impacts, weight: weight });
        if (decoded.impacts) {
          for (var d = 0; d < decoded.docs.length; d++) {
            if (decoded.impacts[d] !== 16) continue;
            var t = threadOf(decoded.docs[d]);
            titles.set(t, Math.max(titles.get(t) || 0, 16 * weight * TITLE_WEIGHT));
          }
        }
      }
      if (lists.length === 1) {
        var l = lists[0];
        var scores = new Float64Array(l.docs.length);
        for (var j = 0; j < scores.length; j++) scores[j] = l.impacts ? l.impacts[j] * l.weight : 0;
        return { docs: l.docs, scores: scores, partial: partial, titles: titles };
      }
      var best = new Map();
      lists.forEach(function (list) {
        for (var k = 0; k < list.docs.length; k++) {
          var s = list.impacts ? list.impacts[k] * list.weight : 0;
          var old = best.get(list.docs[k]);
          if (old === undefined || s > old) best.set(list.docs[k], s);
        }
      });
      var docs = Float64Array.from(best.keys()).sort();
      var merged = new Float64Array(docs.length);
      for (var n = 0; n < docs.length; n++) merged[n] = best.get(docs[n]);
      return { docs: docs, scores: merged, partial: partial, titles: titles };
    }

    /* The posts a query finds, docs and scores ascending by doc: a thread is found when
     * every word (that is not too common to be kept whole) is in it, in its title (its
     * first post's) or in any of its posts, and the posts listed are those of its posts that
     * hold a word; filters (topic, author, dates) hold for each post listed. */
    function findPosts(q, groups) {
      var filters = groups.filter(function (g, i) { return q.groups[i].kind !== 'word'; });
      var words = groups.filter(function (g, i) { return q.groups[i].kind === 'word'; });
      var allowed = filters.length > 0 ? combine(filters) : null;
      if (words.length === 0) return allowed || { docs: [], scores: [] };
      var titles = new Map();
      words.forEach(function (g) {
        g.titles.forEach(function (w, t) { titles.set(t, (titles.get(t) || 0) + w); });
      });
      words = words.map(function (g) {
        if (!allowed) return g;
        var kept = intersect(g.docs, g.scores, allowed.docs);
        kept.partial = g.partial;
        return kept;
      });
      /* Threads holding every word kept whole; if none is, those holding any. */
      var required = words.filter(function (g) { return !g.partial; });
      var keep = null;
      (required.length > 0 ? required : words).forEach(function (g, n) {
        var here = new Set();
        for (var i = 0; i < g.docs.length; i++) here.add(threadOf(g.docs[i]));
        if (required.length === 0) { if (!keep) keep = new Set(); here.forEach(function (t) { keep.add(t); }); }
        else keep = n === 0 ? here : new Set(Array.from(keep).filter(function (t) { return here.has(t); }));
      });
      var score = new Map();
      words.forEach(function (g) {
        for (var i = 0; i < g.docs.length; i++) {
          if (!keep.has(threadOf(g.docs[i]))) continue;
          score.set(g.docs[i], (score.get(g.docs[i]) || 0) + g.scores[i]);
        }
      });
      /* A post that holds only words too common to be kept whole is not listed for them. */
      var held = new Set();
      (required.length > 0 ? required : words).forEach(function (g) { g.docs.forEach(function (d) { held.add(d); }); });
      var docs = Float64Array.from(score.keys()).filter(function (d) { return held.has(d); }).sort();
      var scores = new Float64Array(docs.length);
      for (var k = 0; k < docs.length; k++) scores[k] = score.get(docs[k]);
      return { docs: docs, scores: scores, titles: titles };
    }

    /* A group's docs and scores, only those in `allowed` (ascending, as both are). */
    function intersect(docs, scores, allowed) {
      var outDocs = [];
      var outScores = [];
      var j = 0;
      for (var i = 0; i < docs.length; i++) {
        while (j < allowed.length && allowed[j] < docs[i]) j++;
        if (j < allowed.length && allowed[j] === docs[i]) { outDocs.push(docs[i]); outScores.push(scores[i]); }
      }
      return { docs: outDocs, scores: outScores };
    }

    /* Posts in every required group, scored with every group; docs and scores ascending by doc. */
    function combine(groups) {
      var required = groups.filter(function (g) { return !g.partial; });
      var optional = groups.filter(function (g) { return g.partial; });
      if (required.length === 0) {
        if (optional.length === 0) return { docs: new Float64Array(0), scores: new Float64Array(0) };
        var all = combine(optional.map(function (g) { return { docs: g.docs, scores: g.scores, partial: false }; }));
        if (all.docs.length > 0 || optional.length === 1) return all;
        required = [optional[0]];
        optional = optional.slice(1);
      }
      required.sort(function (a, b) { return a.docs.length - b.docs.length; });
      var docs = Array.from(required[0].docs);
      var scores = Array.from(required[0].scores);
      function merge(g, keepMissing) {
        var outDocs = [];
        var outScores = [];
        var j = 0;
        for (var i = 0; i < docs.length; i++) {
          while (j < g.docs.length && g.docs[j] < docs[i]) j++;
          if (j < g.docs.length && g.docs[j] === docs[i]) {
            outDocs.push(docs[i]);
            outScores.push(scores[i] + g.scores[j]);
          } else if (keepMissing) {
            outDocs.push(docs[i]);
            outScores.push(scores[i]);
          }
        }
        docs = outDocs;
        scores = outScores;
      }
      for (var r = 1; r < required.length; r++) merge(required[r], false);
      optional.forEach(function (g) { merge(g, true); });
      return { docs: docs, scores: scores };
    }

    /* The name of the doc shard that holds a doc. */
    function docShardOf(m, doc) {
      var firsts = docShards(m);
      return m.docNames[Math.max(0, lowerBound(firsts, doc + 1, function (f) { return f; }) - 1)];
    }

    /* Whether a post's text (or, for a thread's first post, its title) holds every phrase,
     * in order. */
    function phrasesHold(q, hit) {
      var lists = postOf(hit.doc) === 0 ? [hit.textSpans, hit.titleSpans] : [hit.textSpans];
      return q.phrases.every(function (phrase) {
        return lists.some(function (list) {
          for (var i = 0; i + phrase.length <= list.length; i++) {
            var ok = true;
            for (var k = 0; k < phrase.length && ok; k++) ok = matches(q.groups[phrase[k]], list[i + k].term);
            if (ok) return true;
          }
          return false;
        });
      });
    }

    /* Whether a post's date is within the query's after: and before: days. */
    function daysHold(q, hit) {
      var d = q.dates;
      if (!d.check) return true;
      return hit.date !== null && (!d.after || hit.date >= d.after) && (!d.before || hit.date < d.before);
    }

    /* The words within `max` edits of a group's term that has no match, closest first
     * (the typo index: src/search/vocab.rs). A typo in the first letter is not forgiven. */
    function nearWords(g) {
      var chars = Array.from(g.term);
      /* Numbers are not in the typo index: one edit from a number is another number. */
      if (g.kind !== 'word' || chars.length < TYPO_MIN || NUMBER.test(g.term)) return Promise.resolve([]);
      var max = chars.length >= 9 ? 2 : 1;
      var files = [];
      for (var n = chars.length - max; n <= chars.length + max; n++) files.push(nameOf(chars[0]) + '-' + n);
      return Promise.all(files.map(vocabFile)).then(function (lists) {
        var found = [];
        lists.forEach(function (list) {
          list.forEach(function (w) {
            var d = editDistance(chars, Array.from(String(w)), max);
            if (d <= max) found.push([d, String(w)]);
          });
        });
        found.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
        return found.slice(0, TYPO_WORDS).map(function (f) { return f[1]; });
      });
    }

    /* The dictionary entries of words near a group's term: their term shards loaded. */
    function nearEntries(m, g) {
      return nearWords(g).then(function (words) {
        g.near = words;
        if (words.length === 0) return [];
        var shardName = names(m);
        var lists = words.map(function (w) { return shardsFor(m, w, false)[0]; });
        return Promise.all(lists.map(function (k) { return termShard(shardName[k]); })).then(function (shards) {
          var found = [];
          words.forEach(function (w, i) {
            found = found.concat(entriesFor([shards[i]], { kind: 'word', term: w, prefix: false }).entries);
          });
          return found;
        });
      });
    }

    /* Runs a query; resolves to {total, threads, exact, more()}: more() resolves to the next
     * page of threads. `sort` is 'relevance' (the default), 'new' or 'old'. */
    function search(query, sort) {
      var q = parseQuery(query);
      if (q.groups.length === 0) return Promise.resolve(null);
      return meta().then(function (m) {
        var shardLists = q.groups.map(function (g) { return shardsFor(m, g.term, g.prefix, g.kind === 'date' ? g.hi : undefined); });
        var wanted = [];
        shardLists.forEach(function (list) { list.forEach(function (k) { if (wanted.indexOf(k) < 0) wanted.push(k); }); });
        var shardName = names(m);
        return Promise.all(wanted.map(function (k) { return termShard(shardName[k]); })).then(function () {
          var chosen = q.groups.map(function (g, i) {
            return entriesFor(shardLists[i].map(function (k) { return store.t[shardName[k]]; }), g).entries;
          });
          /* A word that matches nothing: the words a typo away. */
          return Promise.all(chosen.map(function (entries, i) {
            return entries.length > 0 ? entries : nearEntries(m, q.groups[i]);
          }));
        }).then(function (chosen) {
          return Promise.all(chosen.map(function (c) { return Promise.all(c.map(postingsOf)); })).then(function (texts) {
            var groups = q.groups.map(function (g, i) {
              var gp = groupPostings(m, g, chosen[i], texts[i]);
              if (g.kind !== 'word') gp.partial = false;
              return gp;
            });
            return results(m, q, findPosts(q, groups), sort || 'relevance');
          });
        });
      });
    }

    /* The found posts grouped by thread and the threads ranked: by their best post, and a
     * little by the next two (a thread's first post carries its title's words); or by
     * their newest or oldest post. Equal scores: the newer first. */
    function rankThreads(found, sort) {
      var byThread = new Map();
      for (var i = 0; i < found.docs.length; i++) {
        var doc = found.docs[i];
        var t = threadOf(doc);
        var entry = byThread.get(t);
        if (!entry) { entry = { thread: t, posts: [], newest: doc, oldest: doc }; byThread.set(t, entry); }
        entry.posts.push({ doc: doc, score: found.scores[i] });
        if (doc > entry.newest) entry.newest = doc;
        if (doc < entry.oldest) entry.oldest = doc;
      }
      var threads = Array.from(byThread.values());
      threads.forEach(function (t) {
        t.posts.sort(sort === 'old' ? function (a, b) { return a.doc - b.doc; }
          : sort === 'new' ? function (a, b) { return b.doc - a.doc; }
          : function (a, b) { return b.score - a.score || b.doc - a.doc; });
        var s = t.posts.map(function (p) { return p.score; }).sort(function (a, b) { return b - a; });
        t.score = s[0] + 0.3 * ((s[1] || 0) + (s[2] || 0)) + ((found.titles && found.titles.get(t.thread)) || 0);
      });
      threads.sort(sort === 'old' ? function (a, b) { return a.oldest - b.oldest; }
        : sort === 'new' ? function (a, b) { return b.newest - a.newest; }
        : function (a, b) { return b.score - a.score || b.newest - a.newest; });
      return threads;
    }

    function results(m, q, found, sort) {
      var threads = rankThreads(found, sort);
      var cursor = 0;
      var exact = q.phrases.length === 0 && !q.dates.check;
      /* The posts of a thread to list: up to SHOWN that hold the phrases and days, read
       * within the page's budget of doc shards. */
      function fill(t, read) {
        var hits = [];
        var at = 0;
        function step() {
          if (hits.length >= SHOWN || at >= t.posts.length) return Promise.resolve();
          var batch = [];
          while (at < t.posts.length && batch.length < SHOWN - hits.length) {
            var k = docShardOf(m, t.posts[at].doc);
            if (!exact && !read[k] && Object.keys(read).length >= CHECK_SHARDS) break;
            read[k] = true;
            batch.push(t.posts[at].doc);
            at++;
          }
          if (batch.length === 0) return Promise.resolve();
          return Promise.all(batch.map(function (doc) { return docShard(docShardOf(m, doc)); })).then(function (shards) {
            batch.forEach(function (doc, i) {
              var hit = hitOf(q, shards[i], doc);
              if (hit && (exact || (phrasesHold(q, hit) && daysHold(q, hit)))) hits.push(hit);
            });
            return step();
          });
        }
        return step().then(function () {
          if (hits.length === 0) return null;
          var h = hits[0];
          return { title: h.title, url: h.threadUrl, topic: h.topic, titleSpans: h.titleSpans, query: q,
            hits: hits, more: t.posts.length - at };
        });
      }
      function more() {
        var page = threads.slice(cursor, cursor + PAGE);
        cursor += page.length;
        var read = {};
        return Promise.all(page.map(function (t) { return fill(t, read); })).then(function (list) {
          return { threads: list.filter(Boolean), done: cursor >= threads.length };
        });
      }
      return { total: found.docs.length, threads: threads.length, exact: exact, more: more };
    }

    return { search: search, meta: meta };
  }

  /* Edits (insertions, deletions, substitutions, swaps of neighbours) from one list of
   * characters to another; more than `max` as max + 1. */
  function editDistance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null;
    var prev = [];
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      var row = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        row.push(v);
        if (v < least) least = v;
      }
      if (least > max) return max + 1;
      prev2 = prev;
      prev = row;
    }
    return prev[b.length];
  }

  function matches(g, term) {
    if (g.kind !== 'word') return false;
    if (g.near && g.near.indexOf(term) >= 0) return true;
    return g.prefix ? term.slice(0, g.term.length) === g.term : term === g.term;
  }

  /* A post's result: its fields from the doc shard and the spans of its words. The
   * shard's threads are numbered from its first doc's, their posts from its post for the
   * first and from 0 for the others. */
  function hitOf(q, shard, doc) {
    if (!shard || !Array.isArray(shard.first) || !Array.isArray(shard.threads)) return null;
    var k = threadOf(doc) - shard.first[0];
    var thread = shard.threads[k];
    if (!thread || !Array.isArray(thread[3])) return null;
    var row = thread[3][postOf(doc) - (k === 0 ? shard.first[1] : 0)];
    if (!Array.isArray(row)) return null;
    var text = String(row[3] || '');
    var title = String(thread[0] || '');
    var url = String(thread[1] || '');
    // A post past the first page of a long thread is on THREAD/PAGE.html.
    if (Number.isInteger(row[4]) && row[4] > 1) url = url.replace(/\.html$/, '/' + row[4] + '.html');
    return {
      doc: doc, title: title, url: url, threadUrl: String(thread[1] || ''), topic: String(thread[2] || ''),
      number: Number(row[0]), author: row[1] == null ? null : String(row[1]), date: row[2] == null ? null : String(row[2]),
      text: text, textSpans: spans(text), titleSpans: spans(title), query: q
    };
  }

  /* Where the query's words stand in a text: [[start, end]…], sorted. Words of a phrase
   * count only where the whole phrase stands. */
  function marks(q, list) {
    var inPhrase = {};
    var marked = {};
    q.phrases.forEach(function (phrase) {
      phrase.forEach(function (g) { inPhrase[g] = true; });
      for (var i = 0; i + phrase.length <= list.length; i++) {
        var ok = true;
        for (var k = 0; k < phrase.length && ok; k++) ok = matches(q.groups[phrase[k]], list[i + k].term);
        if (ok) for (k = 0; k < phrase.length; k++) marked[i + k] = true;
      }
    });
    return list.filter(function (s, i) {
      return marked[i] || q.groups.some(function (g, n) { return !inPhrase[n] && matches(g, s.term); });
    }).map(function (s) { return [s.start, s.end]; });
  }

  /* The snippet of a hit: about `size` characters around the densest spot of matches. */
  function snippet(hit, size) {
    var text = hit.text;
    var found = marks(hit.query, hit.textSpans);
    var start = 0;
    if (found.length > 0) {
      var best = -1;
      found.forEach(function (f) {
        var seen = {};
        found.forEach(function (g) {
          if (g[0] >= f[0] && g[1] <= f[0] + size) seen[text.slice(g[0], g[1]).toLowerCase()] = true;
        });
        var n = Object.keys(seen).length;
        if (n > best) { best = n; start = f[0]; }
      });
      start = Math.max(0, start - Math.floor(size / 4));
      if (start > 0) {
        var space = text.indexOf(' ', start);
        start = space >= 0 && space < start + 20 ? space + 1 : start;
      }
    }
    var end = Math.min(text.length, start + size);
    if (end < text.length) {
      var cut = text.lastIndexOf(' ', end);
      if (cut > start + size / 2) end = cut;
    }
    var parts = [];
    if (start > 0) parts.push(['…', false]);
    var at = start;
    found.forEach(function (f) {
      if (f[0] < at || f[1] > end) return;
      if (f[0] > at) parts.push([text.slice(at, f[0]), false]);
      parts.push([text.slice(f[0], f[1]), true]);
      at = f[1];
    });
    if (end > at) parts.push([text.slice(at, end), false]);
    if (end < text.length) parts.push(['…', false]);
    return parts;
  }

  function titleParts(hit) {
    var parts = [];
    var at = 0;
    marks(hit.query, hit.titleSpans).forEach(function (f) {
      if (f[0] > at) parts.push([hit.title.slice(at, f[0]), false]);
      parts.push([hit.title.slice(f[0], f[1]), true]);
      at = f[1];
    });
    if (at < hit.title.length) parts.push([hit.title.slice(at), false]);
    return parts;
  }

  S.fold = fold;
  S.nameOf = nameOf;
  S.terms = terms;
  S.spans = spans;
  S.parseQuery = parseQuery;
  S.createEngine = createEngine;
  S.snippet = snippet;
  S.editDistance = editDistance;

  /* ---- The search box ---- */

  if (typeof document === 'undefined' || !document.currentScript) return;
  var root = new URL('../', document.currentScript.src).href;
  var SAFE_URL = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\.html$/;

  function scriptLoader(path) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement('script');
      el.src = root + path;
      el.async = true;
      el.onload = function () { el.remove(); resolve(); };
      el.onerror = function () { el.remove(); reject(new Error('cannot load ' + path)); };
      document.head.appendChild(el);
    });
  }

  function appendParts(el, parts) {
    parts.forEach(function (p) {
      if (p[1]) {
        var mark = document.createElement('mark');
        mark.textContent = p[0];
        el.appendChild(mark);
      } else {
        el.appendChild(document.createTextNode(p[0]));
      }
    });
  }

  function span(cls, text) {
    var el = document.createElement('span');
    el.className = cls;
    el.textContent = text;
    return el;
  }

  /* A post listed under its thread: its number, author and date, and a snippet. */
  function renderHit(hit) {
    var li = document.createElement('li');
    var a = document.createElement('a');
    if (SAFE_URL.test(hit.url) && Number.isInteger(hit.number)) a.href = root + hit.url + '#post-' + hit.number;
    var meta = ['#' + hit.number];
    if (hit.author) meta.push(hit.author);
    if (hit.date) meta.push(hit.date);
    a.appendChild(span('hit-meta', meta.join(' · ')));
    var text = document.createElement('span');
    text.className = 'hit-snippet';
    appendParts(text, snippet(hit, 180));
    a.appendChild(text);
    li.appendChild(a);
    return li;
  }

  /* A thread in the results: its title (leading to the thread) and topic, its posts. */
  function renderThread(thread, t) {
    var li = document.createElement('li');
    li.className = 'search-thread';
    var head = document.createElement('a');
    head.className = 'hit-thread';
    if (SAFE_URL.test(thread.url)) head.href = root + thread.url;
    var title = document.createElement('span');
    title.className = 'hit-title';
    appendParts(title, titleParts(thread));
    head.appendChild(title);
    head.appendChild(span('hit-meta', thread.topic));
    li.appendChild(head);
    var posts = document.createElement('ul');
    posts.className = 'search-posts';
    thread.hits.forEach(function (hit) { posts.appendChild(renderHit(hit)); });
    li.appendChild(posts);
    if (thread.more > 0) li.appendChild(span('hit-more', t('search_more_in_thread', thread.more)));
    return li;
  }

  /* The words the box shows, in the archive's language: texts, and a count's plural forms
   * (picked by Intl.PluralRules). `threadarc build` writes them into the table below, so
   * that no page carries them; without them the box shows their keys. */
  var WORDS = {};

  function wordsOf(table) {
    var rules = typeof Intl !== 'undefined' && Intl.PluralRules
      ? new Intl.PluralRules(document.documentElement.lang || 'en') : null;
    return function (key, n) {
      var value = table[key];
      if (value && typeof value === 'object') value = value[rules ? rules.select(n) : 'other'] || value.other;
      return String(value === undefined ? key : value).replace('{n}', String(n));
    };
  }

  var SORTS = ['relevance', 'new', 'old'];

  function init() {
    var box = document.getElementById('search');
    var input = document.getElementById('search-q');
    var out = document.getElementById('search-results');
    if (!box || !input || !out) return;
    box.hidden = false;
    var t = wordsOf(WORDS);
    var engine = createEngine(scriptLoader);
    var seq = 0;
    var timer = null;
    /* The sort control, and the one status line screen readers are told of. */
    var sortLabel = document.createElement('label');
    sortLabel.className = 'search-sort';
    sortLabel.appendChild(document.createTextNode(t('search_sort') + ' '));
    var sort = document.createElement('select');
    sort.id = 'search-sort';
    SORTS.forEach(function (key) {
      var option = document.createElement('option');
      option.value = key;
      option.textContent = t('search_sort_' + key);
      sort.appendChild(option);
    });
    sortLabel.appendChild(sort);
    sortLabel.hidden = true;
    var said = document.createElement('p');
    said.className = 'search-status';
    said.setAttribute('role', 'status');
    out.removeAttribute('aria-live');
    box.insertBefore(sortLabel, out);
    box.insertBefore(said, out);

    function clear() {
      while (out.firstChild) out.removeChild(out.firstChild);
      said.textContent = '';
      sortLabel.hidden = true;
    }

    /* The query and sort in the address (?q=…&sort=…), so results can be bookmarked and
     * the back button comes back to them. */
    function remember(query) {
      try {
        var url = new URL(location.href);
        if (query) url.searchParams.set('q', query); else url.searchParams.delete('q');
        if (query && sort.value !== 'relevance') url.searchParams.set('sort', sort.value); else url.searchParams.delete('sort');
        if (url.href !== location.href) history.replaceState(history.state, '', url.href);
      } catch (e) { /* an address that cannot change keeps the results on the page only */ }
    }

    function show(res, mine) {
      var list = document.createElement('ol');
      list.className = 'search-hits';
      out.appendChild(list);
      var shown = 0;
      var empty = 0;
      function page() {
        return res.more().then(function (r) {
          if (mine !== seq) return;
          r.threads.forEach(function (thread) {
            list.appendChild(renderThread(thread, t));
            shown += thread.hits.length + thread.more;
          });
          /* A phrase of common words: its posts may rank below the threads a page reads.
           * Read on by itself, a few pages, before asking the reader to. */
          empty = r.threads.length === 0 ? empty + 1 : 0;
          if (!r.done && empty > 0 && empty < EMPTY_PAGES) return page();
          if (res.exact) said.textContent = t('search_posts', res.total);
          else said.textContent = shown === 0 && r.done ? t('search_no_phrase') : t(r.done ? 'search_posts' : 'search_posts_more', shown);
          if (shown === 0 && res.total === 0) said.textContent = t('search_none');
          sortLabel.hidden = res.total === 0;
          var old = out.querySelector('.search-more');
          if (old) old.remove();
          if (!r.done) {
            var button = document.createElement('button');
            button.type = 'button';
            button.className = 'search-more';
            button.textContent = t('search_more');
            button.addEventListener('click', function () {
              button.disabled = true;
              var next = list.children.length;
              page().then(function () {
                /* Keyboard users carry on from the first new result. */
                var first = list.children[next] && list.children[next].querySelector('a[href]');
                if (first && document.activeElement === button) first.focus();
              });
            });
            out.appendChild(button);
          }
        });
      }
      return page();
    }

    function run() {
      var mine = ++seq;
      var query = input.value;
      out.removeAttribute('data-query');
      remember(query.trim() ? query : '');
      if (!query.trim()) { clear(); return; }
      engine.search(query, sort.value).then(function (res) {
        if (mine !== seq) return;
        clear();
        if (!res) { said.textContent = t('search_type'); return; }
        return show(res, mine);
      }).catch(function () {
        if (mine !== seq) return;
        clear();
        said.textContent = t('search_failed');
      }).then(function () {
        if (mine === seq) out.setAttribute('data-query', query);
      });
    }

    /* The result links in order, for the arrow keys. */
    function links() { return Array.prototype.slice.call(out.querySelectorAll('.search-hits a[href]')); }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    sort.addEventListener('change', run);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { input.value = ''; clear(); remember(''); }
      if (e.key === 'Enter') {
        var first = out.querySelector('.search-hits a[href]');
        if (first) first.click();
      }
      if (e.key === 'ArrowDown') {
        var all = links();
        if (all.length > 0) { e.preventDefault(); all[0].focus(); }
      }
    });
    out.addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      var all = links();
      var i = all.indexOf(document.activeElement);
      if (i < 0) return;
      e.preventDefault();
      if (e.key === 'ArrowDown' && i + 1 < all.length) all[i + 1].focus();
      else if (e.key === 'ArrowUp') (i > 0 ? all[i - 1] : input).focus();
    });
    out.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('a[href]');
      if (a && a.pathname === location.pathname) clear();
    });
    var params = new URLSearchParams(location.search);
    if (SORTS.indexOf(params.get('sort')) >= 0) sort.value = params.get('sort');
    var initial = params.get('q');
    if (initial) { input.value = initial; run(); }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(typeof window !== 'undefined' ? window : globalThis);
