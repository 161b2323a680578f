// Hover benchmark: the time to compute the status-code hover card (recognizer + card text, the pure part of
// src/features/codeHover.ts) on a 10,000-character Postfix log line. Goal: median < 1 ms.
// The code is bundled fresh from src/ with esbuild, so the figures are those of the current source.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib/paths.mjs';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild');

const LINE_LENGTH = 10_000;
const HOVERS = 20_000;
const GOAL_MEDIAN_MS = 1;
const COMMANDS = { explainCode: 'smtpDiagnostics.explainCode', lookupMx: 'smtpDiagnostics.lookupMx' };

const work = mkdtempSync(join(tmpdir(), 'smtp-diag-bench-hover-'));
const sources = ['hoverCard', 'recognize'].map((name) => join(ROOT, 'src', 'core', 'codes', `${name}.ts`));
esbuild.buildSync({ entryPoints: sources, bundle: true, platform: 'node', format: 'cjs', outdir: work, logLevel: 'error' });
const { hoverCardAt } = require(join(work, 'hoverCard.js'));
const { findCodes } = require(join(work, 'recognize.js'));
rmSync(work, { recursive: true, force: true });

// A bounce line whose server reply is a long multi-line text joined by Postfix: codes, IPs, times, sizes, delays.
const prefix = 'Nov 27 09:14:04 mail postfix/smtp[2107]: 3F2A11C0B7: to=<old.staff@legacy-corp.example>, relay=mail.legacy-corp.example[203.0.113.7]:25, delay=2.3, delays=0.1/0.01/1.2/1, dsn=5.3.2, status=bounced (host mail.legacy-corp.example[203.0.113.7] said: ';
const chunk = '550-5.3.2 System not accepting network messages from 192.0.2.55 at 09:14:05, size=4821, delay=550, v2.4.1; ';
let line = prefix;
while (line.length < LINE_LENGTH - 1) line += chunk;
line = `${line.slice(0, LINE_LENGTH - 1)})`;

const codeColumns = findCodes(line).map((mention) => mention.start + 1);
const otherColumns = [...line.matchAll(/192\.0\.2\.55|09:14:05|4821|delay=550/g)].map((match) => match.index + 2);

function time(columns, count, work) {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i += 1) {
    const column = columns[(i * 7919) % columns.length];
    const started = process.hrtime.bigint();
    work(column);
    samples[i] = Number(process.hrtime.bigint() - started) / 1e6;
  }
  samples.sort();
  return { median: samples[Math.floor(count / 2)], p99: samples[Math.floor(count * 0.99)] };
}

const hover = (column) => {
  const card = hoverCardAt(line, column, COMMANDS);
  if (card === undefined && codeColumns.includes(column)) throw new Error(`no card at ${column}`);
};
time(codeColumns, 2000, hover); // warm-up: JIT and the knowledge base's first lookups
const onCode = time(codeColumns, HOVERS, hover);
const offCode = time(otherColumns, HOVERS, hover);
const fullLine = time([0], 500, () => findCodes(line));

const ms = (value) => `${value.toFixed(4)} ms`;
console.log(`Hover on a ${line.length.toLocaleString('en')}-character log line with ${codeColumns.length} codes (${HOVERS.toLocaleString('en')} hovers each):`);
console.log(`  on a code      median ${ms(onCode.median)}   p99 ${ms(onCode.p99)}`);
console.log(`  off a code     median ${ms(offCode.median)}   p99 ${ms(offCode.p99)}`);
console.log(`  findCodes over the whole line (for grammar/extraction users): median ${ms(fullLine.median)}   p99 ${ms(fullLine.p99)}`);
const ok = onCode.median < GOAL_MEDIAN_MS && offCode.median < GOAL_MEDIAN_MS;
console.log(`  goal: median < ${GOAL_MEDIAN_MS} ms: ${ok ? 'met' : 'NOT met'}`);
process.exitCode = ok ? 0 : 1;
