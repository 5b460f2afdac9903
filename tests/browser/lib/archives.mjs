// What the browser tests share: the threadarc binary, the archives they build (the sample
// one, one of hostile strings in every dump format, and a forum examples/gen_corpus.rs
// generates), and the browser.
//
// THREADARC_BIN names the threadarc binary (default: the debug build under
// CARGO_TARGET_DIR or ../../target), CHROMIUM the browser (default /usr/bin/chromium).
// The hostile dumps are written by the Rust test `hostile_strings_packed_in_every_format_stay_inert`
// (tests/hostile.rs: every string of tests/fixtures/hostile in every dump format's places,
// many strings to a dump), so both check the same dumps: THREADARC_HOSTILE_DUMPS names a
// folder it already wrote them into (CI runs it first); without it, the test is run here
// with cargo.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const bin = process.env.THREADARC_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(repo, 'target'), 'debug', 'threadarc');

const temps = [];

/** A new temporary folder, removed by `cleanup()`. */
export function tempDir(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `threadarc-${name}-`));
  temps.push(dir);
  return dir;
}

export function cleanup() {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Builds `threads` (a folder of dumps) with `config` (archive.toml's text, or null) into a new folder. */
export function build(threads, config, name) {
  const dir = tempDir(name);
  fs.cpSync(threads, path.join(dir, 'threads'), { recursive: true });
  if (config !== null) fs.writeFileSync(path.join(dir, 'archive.toml'), config);
  execFileSync(bin, ['build', '--quiet', '--output', path.join(dir, 'public')], { cwd: dir, stdio: 'inherit' });
  return path.join(dir, 'public');
}

/** The sample archive (threads/ and archive.toml), with `base_url` set if given. */
export function sampleArchive(baseUrl = null) {
  let config = fs.readFileSync(path.join(repo, 'archive.toml'), 'utf8');
  if (baseUrl) config = config.replace(/^# base_url = .*$/m, `base_url = ${JSON.stringify(baseUrl)}`);
  if (baseUrl) assert(config.includes(`base_url = "${baseUrl}"`), 'archive.toml has no `# base_url` line to set');
  return build(path.join(repo, 'threads'), config, baseUrl ? 'sample-base' : 'sample');
}

/**
 * The sample archive's dumps with tests/fixtures/theme: German, with every hook of theme/
 * (a stylesheet, a logo, head, header and footer snippets, static files, strings.toml).
 * `language` replaces the fixture's; the fixture's `base_url` is left out (a 404 page
 * would link the stylesheet and logo at that address, which a file:// page cannot load).
 */
export function themedArchive(language = null) {
  const dir = tempDir(`theme-${language || 'de'}`);
  fs.cpSync(path.join(repo, 'threads'), path.join(dir, 'threads'), { recursive: true });
  fs.cpSync(path.join(repo, 'tests/fixtures/theme'), dir, { recursive: true });
  const file = path.join(dir, 'archive.toml');
  let config = fs.readFileSync(file, 'utf8').replace(/^base_url = .*\n/m, '');
  if (language) config = config.replace(/^language = .*$/m, `language = ${JSON.stringify(language)}`);
  assert(!config.includes('base_url') && config.includes(`language = "${language || 'de'}"`), 'archive.toml of the theme fixture changed');
  fs.writeFileSync(file, config);
  execFileSync(bin, ['build', '--quiet', '--output', path.join(dir, 'public')], { cwd: dir, stdio: 'inherit' });
  return path.join(dir, 'public');
}

/** The archive `threadarc init` starts with: an example dump of every format. */
export function initArchive() {
  const dir = path.join(tempDir('init'), 'archive');
  execFileSync(bin, ['init', '--quiet', dir], { stdio: 'inherit' });
  execFileSync(bin, ['build', '--quiet'], { cwd: dir, stdio: 'inherit' });
  return path.join(dir, 'public');
}

/** An archive of no threads at all. */
export function emptyArchive() {
  const dir = tempDir('empty');
  fs.mkdirSync(path.join(dir, 'threads'));
  return build(path.join(dir, 'threads'), null, 'empty');
}

/**
 * An archive of `posts` posts made by examples/gen_corpus.rs with `--forum`: the same
 * threads every time. The example is the one built beside the threadarc binary, built
 * with cargo (in the binary's profile and target folder) when it is not there yet.
 */
export function generatedArchive(posts) {
  const profile = path.dirname(bin);
  const gen = path.join(profile, 'examples', 'gen_corpus');
  if (!fs.existsSync(gen)) {
    const release = path.basename(profile) === 'release' ? ['--release'] : [];
    execFileSync('cargo', ['build', '--quiet', ...release, '--example', 'gen_corpus'], {
      cwd: repo,
      env: { ...process.env, CARGO_TARGET_DIR: path.dirname(profile) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const dir = tempDir(`corpus-${posts}`);
  execFileSync(gen, [String(posts), dir, '--forum'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(bin, ['build', '--quiet', '--output', path.join(dir, 'public')], { cwd: dir, stdio: 'inherit' });
  return path.join(dir, 'public');
}

/** The folder of hostile dumps (every string of tests/fixtures/hostile in every format). */
export function hostileDumps() {
  const given = process.env.THREADARC_HOSTILE_DUMPS;
  if (given && fs.existsSync(path.join(given, 'threads'))) return path.join(given, 'threads');
  const dir = tempDir('hostile-dumps');
  execFileSync('cargo', ['test', '--quiet', '--test', 'hostile', 'hostile_strings_packed_in_every_format_stay_inert'], {
    cwd: repo,
    env: { ...process.env, THREADARC_HOSTILE_DUMPS: dir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return path.join(dir, 'threads');
}

/** The folder of chat exports with media that tests/attachments.rs writes. */
export function attachmentDumps() {
  const given = process.env.THREADARC_ATTACHMENT_DUMPS;
  if (given && fs.existsSync(path.join(given, 'threads'))) return path.join(given, 'threads');
  const dir = tempDir('attachment-dumps');
  execFileSync('cargo', ['test', '--quiet', '--test', 'attachments', 'a_whatsapp_export_with_media_is_kept_whole_and_inert'], {
    cwd: repo,
    env: { ...process.env, THREADARC_ATTACHMENT_DUMPS: dir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return path.join(dir, 'threads');
}

/** The folder that tests/takedown.rs writes its dumps and `takedown.json` into. */
export function takedownDumps() {
  const given = process.env.THREADARC_TAKEDOWN_DUMPS;
  if (given && fs.existsSync(path.join(given, 'takedown.json'))) return given;
  const dir = tempDir('takedown-dumps');
  execFileSync('cargo', ['test', '--quiet', '--test', 'takedown', 'what_is_taken_down_is_gone_from_every_byte_the_build_leaves'], {
    cwd: repo,
    env: { ...process.env, THREADARC_TAKEDOWN_DUMPS: dir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

let hostile = null;

/** The archive of the hostile dumps, built once per test file. */
export function hostileArchive() {
  hostile ??= build(hostileDumps(), null, 'hostile');
  return hostile;
}

function assert(ok, message) {
  if (!ok) throw new Error(message);
}

/** Every file under a folder whose name ends with `ext`, as paths relative to it. */
export function files(root, ext) {
  const out = [];
  (function walk(dir) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(ext)) out.push(path.relative(root, full));
    }
  })(root);
  return out.sort();
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}
