// Precision and recall of the status-code recognizer (src/core/codes/recognize.ts) on the development corpus.
// Method (README "Accuracy"):
//  1. a labelled set of 230 real corpus lines (test/fixtures/code-recognizer/labelled-lines.jsonl), each line's
//     codes checked by hand: precision and recall over code occurrences;
//  2. strict reference rules that share no logic with the recognizer: the corpus's own key for log lines
//     (expected-logs.tsv, status column) and the RFC 3464 fields Status: / Diagnostic-Code: smtp; in every .eml.
// Usage: node scripts/code-recognizer-accuracy.mjs [--verbose]   (--verbose lists every disagreement)
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS_DIR, ROOT } from './lib/paths.mjs';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const verbose = process.argv.includes('--verbose');

// Bundled fresh from the sources, so the figures are those of the current code.
const work = mkdtempSync(join(tmpdir(), 'smtp-diag-accuracy-'));
esbuild.buildSync({ entryPoints: [join(ROOT, 'test', 'helpers', 'codeAccuracy.ts')], bundle: true, platform: 'node', format: 'cjs', outdir: work, logLevel: 'error' });
const accuracy = require(join(work, 'codeAccuracy.js'));
rmSync(work, { recursive: true, force: true });

const labelled = accuracy.readLabelledSet(join(ROOT, 'test', 'fixtures', 'code-recognizer', 'labelled-lines.jsonl'));
const score = accuracy.scoreLabelledSet(labelled);
const pct = (value) => `${(value * 100).toFixed(1)} %`;

console.log(`Labelled set: ${labelled.length} corpus lines, ${labelled.reduce((sum, line) => sum + line.codes.length, 0)} codes`);
console.log(`  precision ${pct(score.precision)}   recall ${pct(score.recall)}   (TP ${score.truePositives}, FP ${score.falsePositives}, FN ${score.falseNegatives})`);
for (const miss of score.disagreements) {
  console.log(`  disagreement ${miss.source}: expected [${miss.expected.join(', ')}], found [${miss.found.join(', ')}]`);
  if (verbose) console.log(`    ${JSON.stringify(miss.text)}`);
}

console.log('Strict reference rules (recall):');
for (const result of [accuracy.logKeyRecall(CORPUS_DIR), accuracy.dsnFieldRecall(CORPUS_DIR)]) {
  console.log(`  ${result.rule}: ${pct(result.recall)} (${result.found}/${result.expected})`);
  for (const miss of verbose ? result.misses : result.misses.slice(0, 5)) console.log(`    missed ${miss}`);
}
