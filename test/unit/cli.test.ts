import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runCliCaptured } from '../helpers/runCliCaptured';
import { EXIT } from '../../src/cli/io';
import { codeCacheFile } from '../../src/cli/codeCache';

describe('smtp-diag CLI', () => {
  it('prints its version', async () => {
    const result = await runCliCaptured(['--version']);
    assert.equal(result.code, EXIT.ok);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 with a clear message on an unknown command', async () => {
    const result = await runCliCaptured(['frobnicate']);
    assert.equal(result.code, EXIT.usage);
    assert.match(result.stderr, /unknown command "frobnicate"/);
  });

  it('prints usage and exits 2 when called without a command', async () => {
    const result = await runCliCaptured([]);
    assert.equal(result.code, EXIT.usage);
    assert.match(result.stdout, /Usage: smtp-diag <command>/);
  });
});

describe('the command bundles\' code cache', () => {
  const bundleText = (answer: number) => `"use strict";\nmodule.exports = { answer: () => ${answer}, dirname: __dirname, fs: typeof require('node:fs').statSync };\n`;
  const cachesIn = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.v8cache')).sort();
  /** Loads the bundle in a process of its own (V8 keeps what it compiled for a source in memory) and makes its cache
   * when it was missing or rejected, as the CLI does at exit. */
  const load = (file: string): { answer: number; dirname: string; fs: string; cacheTaken: boolean } => JSON.parse(execFileSync(process.execPath, ['-e', `
    const { loadWithCodeCache } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'cli', 'codeCache.js'))});
    const { exports, save } = loadWithCodeCache(${JSON.stringify(file)});
    if (save) save();
    console.log(JSON.stringify({ answer: exports.answer(), dirname: exports.dirname, fs: exports.fs, cacheTaken: !save }));
  `], { encoding: 'utf8' }));

  it('makes the cache when it is missing, uses it next time, and makes it anew when the bundle or the cache changed', () => {
    const folder = mkdtempSync(join(tmpdir(), 'smtp-diag-code-cache-'));
    try {
      const file = join(folder, 'cli-test.js');
      writeFileSync(file, bundleText(41));
      assert.deepEqual(load(file), { answer: 41, dirname: folder, fs: 'function', cacheTaken: false });
      assert.deepEqual(cachesIn(folder), [basename(codeCacheFile(file))]);
      assert.deepEqual(load(file), { answer: 41, dirname: folder, fs: 'function', cacheTaken: true });
      // A new build of the same length, which V8 would run the old cache for: its cache has another name.
      writeFileSync(file, bundleText(42));
      assert.deepEqual(load(file), { answer: 42, dirname: folder, fs: 'function', cacheTaken: false });
      assert.deepEqual(cachesIn(folder), [basename(codeCacheFile(file))], 'the old build\'s cache is removed');
      // A damaged cache is rejected by V8 and made anew.
      writeFileSync(codeCacheFile(file), Buffer.alloc(4000, 7));
      assert.deepEqual(load(file), { answer: 42, dirname: folder, fs: 'function', cacheTaken: false });
      assert.deepEqual(load(file), { answer: 42, dirname: folder, fs: 'function', cacheTaken: true });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
