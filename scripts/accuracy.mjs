// `npm run accuracy`: the extraction engine against the development corpus's answer keys.
//   - bounce messages vs Sisimai's verdicts (expected-sisimai.tsv, column bounce=hard), per file;
//   - log lines vs expected-logs.tsv (class=hard: permanent failures of outbound mail), per file and line.
// Prints precision/recall per MTA format and overall, then every disagreement with our reason and Sisimai's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { CORPUS_DIR, ROOT } from './lib/paths.mjs';

const bundle = join(ROOT, 'out', 'accuracy-engine.cjs');
buildSync({ entryPoints: [join(ROOT, 'src', 'core', 'bounce', 'index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
const { extractBounces } = (await import(bundle)).default;

function readTsv(name) {
  const [header, ...rows] = readFileSync(join(CORPUS_DIR, name), 'utf8').trim().split('\n').map((line) => line.split('\t'));
  return rows.map((cells) => Object.fromEntries(header.map((field, index) => [field, cells[index]])));
}
import { domainToASCII } from 'node:url';
// Compared in ASCII form: Sisimai reports IDN domains as punycode, we show them in Unicode.
const lower = (address) => { const at = address.lastIndexOf('@'); return `${address.slice(0, at)}@${domainToASCII(address.slice(at + 1)) || address.slice(at + 1)}`.toLowerCase(); };
const percent = (part, whole) => (whole === 0 ? '  n/a ' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`);

function table(title, groups) {
  console.log(`\n${title}`);
  console.log(`  ${'format'.padEnd(24)} ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'FN'.padStart(4)}  precision  recall`);
  const total = { tp: 0, fp: 0, fn: 0 };
  for (const [name, g] of [...groups].sort()) {
    if (g.tp + g.fp + g.fn === 0) continue;
    console.log(`  ${name.padEnd(24)} ${String(g.tp).padStart(4)} ${String(g.fp).padStart(4)} ${String(g.fn).padStart(4)}  ${percent(g.tp, g.tp + g.fp)}    ${percent(g.tp, g.tp + g.fn)}`);
    total.tp += g.tp; total.fp += g.fp; total.fn += g.fn;
  }
  console.log(`  ${'OVERALL'.padEnd(24)} ${String(total.tp).padStart(4)} ${String(total.fp).padStart(4)} ${String(total.fn).padStart(4)}  ${percent(total.tp, total.tp + total.fp)}    ${percent(total.tp, total.tp + total.fn)}`);
  return total;
}

// ── Bounce messages vs Sisimai ──────────────────────────────────────────────
const sisimai = readTsv('expected-sisimai.tsv');
const byFile = new Map();
for (const row of sisimai) {
  if (!byFile.has(row.file)) byFile.set(row.file, []);
  byFile.get(row.file).push(row);
}
const groups = new Map();
const disagreements = [];
// Extraction itself, policy aside: recipients Sisimai gives a 5.x.x status vs our permanent failures (any type).
const permanentGroup = { tp: 0, fp: 0, fn: 0 };
const permanentMisses = [];
for (const [file, rows] of byFile) {
  const family = file.split('/').pop().replace(/-\d+\.eml$|\.eml$/, '').replace(/^mbox-\d+$/, 'mbox');
  const { records } = await extractBounces([{ path: join(CORPUS_DIR, file) }], { includeSoft: true });
  const ours = new Map(records.map((record) => [lower(record.address), record]));
  const expectedHard = rows.filter((row) => row.bounce === 'hard');
  const g = groups.get(family) ?? { tp: 0, fp: 0, fn: 0 };
  groups.set(family, g);
  const matched = new Set();
  for (const row of expectedHard) {
    const names = [row.recipient, row.alias].filter((value) => value && value !== '-').map(lower);
    const hit = names.map((name) => ours.get(name)).find((record) => record?.type === 'hard');
    if (hit) { g.tp++; matched.add(lower(hit.address)); continue; }
    g.fn++;
    const seen = names.map((name) => ours.get(name)).find(Boolean);
    disagreements.push(`FN ${file} ${row.recipient}: Sisimai ${row.reason} ${row.status}; ours ${seen ? `${seen.type} ${seen.reason} ${seen.status ?? '-'} "${seen.diagnostic.slice(0, 140)}"` : 'not found'}`);
  }
  const sisimaiPermanent = rows.filter((row) => row.status.startsWith('5'));
  const ourPermanent = records.filter((record) => record.status === null || record.status.startsWith('5'));
  for (const row of sisimaiPermanent) {
    const names = [row.recipient, row.alias].filter((value) => value && value !== '-').map(lower);
    if (ourPermanent.some((record) => names.includes(lower(record.address)))) permanentGroup.tp++;
    else { permanentGroup.fn++; permanentMisses.push(`FN ${file} ${row.recipient} ${row.status}`); }
  }
  for (const record of ourPermanent) {
    if (!sisimaiPermanent.some((row) => [row.recipient, row.alias].map((v) => v && lower(v)).includes(lower(record.address)))) {
      permanentGroup.fp++;
      permanentMisses.push(`FP ${file} ${record.address} ${record.status ?? '-'} (Sisimai: ${rows.find((row) => lower(row.recipient) === lower(record.address))?.status ?? 'not reported'})`);
    }
  }
  for (const record of records) {
    if (record.type !== 'hard' || matched.has(lower(record.address))) continue;
    g.fp++;
    const row = rows.find((candidate) => [candidate.recipient, candidate.alias].map((v) => v && lower(v)).includes(lower(record.address)));
    disagreements.push(`FP ${file} ${record.address}: ours ${record.reason} ${record.status ?? '-'} "${record.diagnostic.slice(0, 140)}"; Sisimai ${row ? `${row.bounce} ${row.reason} ${row.status}` : 'no such recipient'}`);
  }
}
const messageTotal = table('Bounce messages: our hard bounces vs Sisimai 4.25.15 hard set (bounce=hard)', groups);
table('Bounce messages, extraction only: our permanent failures vs recipients Sisimai gives a 5.x.x status', new Map([['all', permanentGroup]]));

// ── Logs vs expected-logs.tsv ───────────────────────────────────────────────
const logKey = readTsv('expected-logs.tsv');
const logFiles = [...new Set(logKey.map((row) => row.file))];
const logGroups = new Map();
const logDisagreements = [];
let suppression = 0;
for (const file of logFiles) {
  const events = [];
  const { records } = await extractBounces([{ path: join(CORPUS_DIR, file) }], { onEvent: (event) => events.push(event) });
  suppression += records.length;
  const mta = logKey.find((row) => row.file === file).mta;
  const g = logGroups.get(mta) ?? { tp: 0, fp: 0, fn: 0 };
  logGroups.set(mta, g);
  const key = (line, address) => `${line}\t${lower(address)}`;
  const expected = new Set(logKey.filter((row) => row.file === file && row.class === 'hard').map((row) => key(row.line, row.recipient)));
  const permanent = events.filter((event) => event.outcome === 'failed' && (event.status?.startsWith('5') || (!event.status && event.reply?.startsWith('5'))));
  const found = new Set();
  for (const event of permanent) {
    const id = key(event.line, event.address);
    found.add(id);
    if (expected.has(id)) g.tp++;
    else { g.fp++; logDisagreements.push(`FP ${file}:${event.line} ${event.address} ${event.status ?? event.reply} "${event.diagnostic.slice(0, 120)}"`); }
  }
  for (const id of expected) if (!found.has(id)) { g.fn++; logDisagreements.push(`FN ${file}:${id.replace('\t', ' ')}`); }
}
const logTotal = table('Logs: permanent failures of outbound mail vs expected-logs.tsv (class=hard)', logGroups);
console.log(`  (suppression list from these logs, by our reason-based policy: ${suppression} addresses)`);

console.log(`\nDisagreements with Sisimai (${disagreements.length}):`);
for (const line of disagreements) console.log(`  ${line}`);
console.log(`\nDisagreements on permanent failures, policy aside (${permanentMisses.length}):`);
for (const line of permanentMisses) console.log(`  ${line}`);
console.log(`\nDisagreements with the log key (${logDisagreements.length}):`);
for (const line of logDisagreements) console.log(`  ${line}`);
const figure = (t) => `precision ${percent(t.tp, t.tp + t.fp).trim()} recall ${percent(t.tp, t.tp + t.fn).trim()}`;
console.log(`\naccuracy: messages vs Sisimai hard set ${figure(messageTotal)}; logs ${figure(logTotal)}`);
