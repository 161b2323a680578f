// Decorations benchmark: what the editor's status colours cost on a 100,000-line Postfix log (the pure part of
// src/features/statusColours.ts). Two figures:
//   - a visible-range update (scrolling, typing): the code spans of the lines on screen plus the margin the feature
//     adds above and below, at 2,000 random places in the log. Goal: p99 < 4 ms, a quarter of a 60 Hz frame;
//   - the overview ruler's pass over the whole document (on open, and after an edit, debounced). Goal: < 300 ms.
// The code is bundled fresh from src/ with esbuild, so the figures are those of the current source.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePostfixLog } from '../lib/generate-postfix-log.mjs';
import { ROOT } from '../lib/paths.mjs';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild');

const LINES = 100_000;
const UPDATES = 2_000;
const GOAL_UPDATE_P99_MS = 4;
const GOAL_RULER_MS = 300;
/** A 1280×800 window shows about 40 lines of a log; a tall monitor about 60. */
const VISIBLE_LINES_TYPICAL = 60;

const work = mkdtempSync(join(tmpdir(), 'smtp-diag-bench-decorations-'));
esbuild.buildSync({ entryPoints: [join(ROOT, 'src', 'core', 'codes', 'statusClasses.ts')], bundle: true, platform: 'node', format: 'cjs', outdir: work, logLevel: 'error' });
const { codeSpansOfLines, DECORATED_MARGIN_LINES, failureLines } = require(join(work, 'statusClasses.js'));
rmSync(work, { recursive: true, force: true });

const lines = generatePostfixLog({ lines: LINES, seed: 1 }).split('\n');
const lineAt = (line) => lines[line];

const samples = new Float64Array(UPDATES);
let spans = 0;
for (let i = 0; i < UPDATES; i++) {
  const top = (i * 7919) % (LINES - VISIBLE_LINES_TYPICAL);
  const first = Math.max(0, top - DECORATED_MARGIN_LINES);
  const last = Math.min(LINES - 1, top + VISIBLE_LINES_TYPICAL + DECORATED_MARGIN_LINES);
  const started = process.hrtime.bigint();
  const result = codeSpansOfLines(lineAt, first, last);
  samples[i] = Number(process.hrtime.bigint() - started) / 1e6;
  spans += result.failure.length + result.deferral.length + result.success.length;
}
samples.sort();
const median = samples[Math.floor(UPDATES / 2)];
const p99 = samples[Math.floor(UPDATES * 0.99)];

const rulerRuns = [];
let marks;
for (let run = 0; run < 5; run++) {
  const started = process.hrtime.bigint();
  marks = failureLines(lineAt, LINES);
  rulerRuns.push(Number(process.hrtime.bigint() - started) / 1e6);
}
rulerRuns.sort((a, b) => a - b);
const ruler = rulerRuns[2];

const verdict = (ok) => (ok ? 'meets the goal' : 'MISSES the goal');
const lineSpan = VISIBLE_LINES_TYPICAL + 2 * DECORATED_MARGIN_LINES;
console.log(`Status colours on a ${LINES.toLocaleString('en')}-line generated Postfix log`);
console.log(`  visible-range update (${lineSpan} lines: ${VISIBLE_LINES_TYPICAL} on screen + ${DECORATED_MARGIN_LINES} above and below), ${UPDATES.toLocaleString('en')} places, ${(spans / UPDATES).toFixed(0)} codes each:`);
console.log(`    median ${median.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms (goal p99 < ${GOAL_UPDATE_P99_MS} ms: ${verdict(p99 < GOAL_UPDATE_P99_MS)})`);
console.log(`  overview ruler, whole document: ${ruler.toFixed(1)} ms (median of 5), ${marks.failure.length.toLocaleString('en')} failure and ${marks.deferral.length.toLocaleString('en')} deferral lines (goal < ${GOAL_RULER_MS} ms: ${verdict(ruler < GOAL_RULER_MS)})`);
process.exitCode = p99 < GOAL_UPDATE_P99_MS && ruler < GOAL_RULER_MS ? 0 : 1;
