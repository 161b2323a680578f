// `npm test`: every test layer in one run. Each layer's result is added to one closing line,
// "N passed, N failed", and the exit code is non-zero when anything failed.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const bin = (name) => join(root, 'node_modules', '.bin', name);

/**
 * Each layer is a command and a way to read its counts from its output. Checks (build, type check, lint)
 * count as one test each. A layer that cannot run at all counts as one failure.
 */
const LAYERS = [
  { name: 'build', command: node, args: [join(root, 'esbuild.js')], counts: 'exit-code' },
  { name: 'type check', command: bin('tsc'), args: ['-p', root], counts: 'exit-code' },
  // The bounce report's webview script, with the browser's DOM types.
  { name: 'view types', command: bin('tsc'), args: ['-p', join(root, 'src', 'webview')], counts: 'exit-code' },
  { name: 'lint', command: bin('eslint'), args: ['--max-warnings', '0', '.'], counts: 'exit-code' },
  { name: 'unit', command: bin('mocha'), args: [], counts: 'mocha' },
  { name: 'grammar', command: node, args: [join(root, 'scripts', 'test-grammar.mjs')], counts: 'summary-line' },
  // `npm start` serves samples/maillog, and a SIGTERM to npm stops all it started.
  { name: 'start', command: node, args: [join(root, 'scripts', 'check-start.mjs')], counts: 'summary-line' },
  // code-server reaches nothing beyond loopback, and a control run shows the check would see it.
  { name: 'hermetic', command: node, args: [join(root, 'scripts', 'check-hermetic.mjs')], counts: 'summary-line' },
  { name: 'integration', command: node, args: [join(root, 'scripts', 'run-integration.mjs'), '--no-build'], counts: 'summary-line' },
  // The .vsix: under 1 MB, and its hover works when installed (not from the development folder).
  { name: 'package', command: node, args: [join(root, 'scripts', 'check-vsix.mjs')], counts: 'summary-line' },
  // The colours the real editor renders for each code class, read from the page (four themes, decorations on and
  // off), the overview ruler's marks and the status bar's counts.
  { name: 'rendered', command: node, args: [join(root, 'scripts', 'screenshots', 'grammar.mjs'), '--check'], counts: 'summary-line' },
  // The hover card fits a 1280×800 window without scrolling.
  { name: 'hover card', command: node, args: [join(root, 'scripts', 'screenshots', 'hover.mjs'), '--check'], counts: 'summary-line' },
];

function runLayer(layer) {
  return new Promise((resolve) => {
    console.log(`\n━━ ${layer.name} ━━`);
    let output = '';
    const child = spawn(layer.command, layer.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => { output += chunk; process.stdout.write(chunk); });
    child.stderr.on('data', (chunk) => { output += chunk; process.stderr.write(chunk); });
    child.on('error', (error) => { output += String(error); });
    child.on('close', (code) => resolve(countsOf(layer, code ?? 1, output)));
  });
}

function countsOf(layer, exitCode, output) {
  if (layer.counts === 'exit-code') return exitCode === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (layer.counts === 'mocha') {
    passed = Number(/^\s*(\d+) passing/m.exec(output)?.[1] ?? 0);
    failed = Number(/^\s*(\d+) failing/m.exec(output)?.[1] ?? 0);
    skipped = Number(/^\s*(\d+) pending/m.exec(output)?.[1] ?? 0);
  } else {
    const lines = [...output.matchAll(/^[\w-]+: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/gm)];
    const last = lines.at(-1);
    if (last) [passed, failed, skipped] = [Number(last[1]), Number(last[2]), Number(last[3] ?? 0)];
  }
  if (exitCode !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped };
}

const started = Date.now();
const results = [];
for (const layer of LAYERS) results.push({ layer: layer.name, ...(await runLayer(layer)) });

console.log('\n━━ summary ━━');
for (const { layer, passed, failed, skipped } of results) console.log(`  ${layer.padEnd(12)} ${String(passed).padStart(5)} ok ${String(failed).padStart(5)} not ok${skipped ? ` ${String(skipped).padStart(5)} skipped` : ''}`);
const sum = (field) => results.reduce((total, result) => total + result[field], 0);
const [passed, failed, skipped] = [sum('passed'), sum('failed'), sum('skipped')];
console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
