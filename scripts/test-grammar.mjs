// Grammar tests: vscode-tmgrammar-test assertions and vscode-tmgrammar-snap snapshots, with the grammars
// package.json contributes. Prints "grammar: N passed, N failed" (an assertion file or a snapshot file is one test).
// Pass -u to update snapshots.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinLogGrammar } from './lib/textmate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const update = process.argv.includes('-u');

// VS Code's own log grammar (text.log) hosts our injection: taken from the code-server installation, not copied.
const LOG_GRAMMAR = builtinLogGrammar();

/** Assertion suites: test files, plus host grammars they need beyond package.json's. */
const ASSERTION_RUNS = [
  { globs: ['test/grammar/*.test.*'], grammars: [LOG_GRAMMAR] },
];
/**
 * Snapshot suites: real corpus lines committed as fixtures under test/grammar/snap/. `scope` is for file names
 * that no contributed language claims by extension (smtp-log goes by file name; .log belongs to VS Code).
 */
const SNAPSHOT_RUNS = [
  { globs: ['test/grammar/snap/*.{maillog,mainlog}'], grammars: [], scope: 'text.smtp-log', dir: 'test/grammar/snap' },
  { globs: ['test/grammar/snap/*.log'], grammars: [LOG_GRAMMAR], scope: 'text.log', dir: 'test/grammar/snap' },
  { globs: ['test/grammar/snap/*.eml'], grammars: [], dir: 'test/grammar/snap' },
];

let passed = 0;
let failed = 0;

function run(tool, args) {
  const result = spawnSync(bin(tool), args, { cwd: root, encoding: 'utf8' });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result;
}

for (const { globs, grammars } of ASSERTION_RUNS) {
  const reportDir = mkdtempSync(join(tmpdir(), 'smtp-diag-grammar-'));
  const result = run('vscode-tmgrammar-test', ['--xunit-report', reportDir, ...grammars.flatMap((g) => ['-g', g]), ...globs]);
  let counted = 0;
  for (const file of readdirSync(reportDir)) {
    const xml = readFileSync(join(reportDir, file), 'utf8');
    const tests = Number(/\btests="(\d+)"/.exec(xml)?.[1] ?? 0);
    const failures = Number(/\bfailures="(\d+)"/.exec(xml)?.[1] ?? 0);
    passed += tests - failures;
    failed += failures;
    counted += tests;
  }
  rmSync(reportDir, { recursive: true, force: true });
  // A crash before any report (bad grammar, bad glob) still counts as a failure.
  if (result.status !== 0 && counted === 0) failed += 1;
}

for (const { globs, grammars, scope, dir } of SNAPSHOT_RUNS) {
  if (!existsSync(join(root, dir))) continue;
  const result = run('vscode-tmgrammar-snap', [...(update ? ['-u'] : []), ...grammars.flatMap((g) => ['-g', g]), ...(scope ? ['-s', scope] : []), ...globs]);
  const output = `${result.stdout}${result.stderr}`;
  const ok = (output.match(/^✓ /gm) ?? []).length;
  const bad = (output.match(/^✖ /gm) ?? []).length;
  passed += ok;
  failed += bad;
  if (result.status !== 0 && bad === 0) failed += 1;
}

console.log(`grammar: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
