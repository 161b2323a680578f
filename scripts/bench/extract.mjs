// Hard-bounce extraction benchmark, side by side in one run:
//   - our CLI vs pflogsumm and vs a grep | grep -o | sort -u pipeline on a generated, seeded 1,000,000-line
//     Postfix log (scripts/lib/generate-postfix-log.mjs);
//   - our CLI vs Sisimai (Debian libsisimai-perl) on the corpus's bounce messages: eml/bsd (401 files) as a
//     folder, and the same messages ten times over in one mbox;
//   - a scaling table: generated logs of 10 k, 100 k, 1 M and 10 M lines read on 1 thread and on 2
//     (SMTP_DIAG_THREADS; SMTP_DIAG_PARALLEL_MIN_BYTES=0 so that even the small ones are cut in ranges), wall and
//     CPU time and peak RSS; the 10 M-line log (1.4 GB) is the memory check too.
// Every figure is the best of a few runs by wall time (GNU time); the tools compared are timed in turns, a run of each
// per round. The goals compare wall times of this run and are printed last, each with its figure, beside the load
// average of the machine and the turns of a one-second busy loop at the start and the end.
// Exactness on the generated log: the CLI's hard list (--format json) must equal the generator's reference set,
// computed while the log is written: addresses with a `status=bounced` line with `dsn=5.1.x` and no later
// `status=sent` line (greylisting, loops, policy blocks, mailbox full and expiries are not hard). Prints the
// counts and up to 10 missing and 10 extra addresses with their log lines. The README's pipeline recipe (the log cut
// in four parts, each read apart with --deliveries, then merge) must give the list of one reading.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { postfixLogEvents } from '../lib/generate-postfix-log.mjs';
import { machineSpeed, measure, measureInTurns } from '../lib/measure.mjs';
import { CORPUS_DIR, ROOT } from '../lib/paths.mjs';

const cli = join(ROOT, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'smtp-diag-bench-'));

/** Writes the seed-42 log; `reference`, a Map, receives the generator's hard-bounce reference set. */
async function writeLog(file, lines, reference) {
  const out = createWriteStream(file);
  let buffer = '';
  for (const { text } of postfixLogEvents({ lines, seed: 42, reference })) {
    buffer += `${text}\n`;
    if (buffer.length > 1 << 20) { if (!out.write(buffer)) await new Promise((resolve) => out.once('drain', resolve)); buffer = ''; }
  }
  out.end(buffer);
  await new Promise((resolve) => out.on('finish', resolve));
}

/**
 * The README's pipeline recipe on the log cut into four parts (at line ends): `extract --all --format ndjson
 * --deliveries` on each, as many at once as there are cores, then `merge`; its list must be the one reading's.
 */
function checkPipeline(log) {
  const parts = join(work, 'parts');
  mkdirSync(parts, { recursive: true });
  spawnSync('split', ['-n', 'l/4', '-d', log, join(parts, 'maillog.')]);
  const map = measure(`ls ${parts}/maillog.* | xargs -P ${availableParallelism()} -I{} sh -c 'node ${cli} extract --all --format ndjson --deliveries "$1" > "$1.ndjson"' _ {}`, 1);
  // Timed once, its list kept in a file (measure sends the command's own output to /dev/null).
  const mergedFile = join(work, 'merged.txt');
  const merge = measure(`(node ${cli} merge ${parts}/*.ndjson > ${mergedFile})`, 1);
  const merged = readFileSync(mergedFile, 'utf8');
  const whole = spawnSync(process.execPath, [cli, 'extract', log], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
  const count = (text) => text.split('\n').filter(Boolean).length;
  const ok = merged === whole && count(whole) > 0;
  const figure = `${count(merged).toLocaleString('en')} addresses ${ok ? '=' : '≠'} ${count(whole).toLocaleString('en')} of one reading`;
  console.log(`  pipeline (README): 4 parts, map ${map.seconds.toFixed(2)} s wall (${map.cpu.toFixed(2)} s CPU), merge ${merge.seconds.toFixed(2)} s; ${figure}: ${ok ? 'met' : 'not met'}`);
  rmSync(parts, { recursive: true, force: true });
  rmSync(mergedFile);
  return { ok, figure };
}

const row = (name, m, units, unitName, bytes) => console.log(
  `  ${name.padEnd(28)} ${m.seconds.toFixed(2).padStart(6)} s wall ${m.cpu.toFixed(2).padStart(6)} s CPU ${(bytes / 1048576 / m.seconds).toFixed(1).padStart(7)} MB/s ${Math.round(units / m.seconds).toLocaleString('en').padStart(10)} ${unitName}/s ${m.rss.toFixed(0).padStart(5)} MB RSS`);
const ratio = (theirs, ours) => `${(theirs.seconds / ours.seconds).toFixed(2)}× by wall time (${(theirs.cpu / ours.cpu).toFixed(2)}× by CPU)`;
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

/** The goals, each with its figure of this run. */
const goals = [];
const goal = (name, figure, met) => goals.push({ name, figure, met });

const SHOWN = 10;

/** Log lines (number and text) that name one of `addresses` in `to=<…>`, or whose number is in `numbers`. */
async function linesAbout(file, addresses, numbers) {
  const found = [];
  let number = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    number += 1;
    const at = text.indexOf('to=<');
    const address = at >= 0 ? text.slice(at + 4, text.indexOf('>', at)) : undefined;
    if ((address !== undefined && addresses.has(address)) || numbers.has(number)) found.push({ number, text, address });
  }
  return found;
}

/** Compares the CLI's hard list on `log` with the generator's reference set and prints the differences; returns
 * whether they are equal and the counts. */
async function checkExactness(log, reference) {
  const result = spawnSync(process.execPath, [cli, 'extract', '--format', 'json', log], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`smtp-diag extract --format json failed (${result.status}): ${result.stderr}`);
  const records = JSON.parse(result.stdout).filter((record) => record.type === 'hard');
  const ours = new Map(records.map((record) => [record.address, record]));
  const missing = [...reference.keys()].filter((address) => !ours.has(address)).sort();
  const extra = [...ours.keys()].filter((address) => !reference.has(address)).sort();
  const ok = missing.length === 0 && extra.length === 0;
  const figure = `ours ${ours.size}, reference ${reference.size}, missing ${missing.length}, extra ${extra.length}`;
  console.log(`  exactness: ${figure} (goal: missing 0, extra 0): ${ok ? 'met' : 'not met'}`);
  if (ok) return { ok, figure };
  const byCode = (list, codeOf) => {
    const counts = new Map();
    for (const address of list) counts.set(codeOf(address), (counts.get(codeOf(address)) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${code} ×${count}`).join(', ');
  };
  if (missing.length > 0) console.log(`  missing by the reference line's dsn: ${byCode(missing, (address) => reference.get(address).dsn)}`);
  if (extra.length > 0) console.log(`  extra by our record's status: ${byCode(extra, (address) => ours.get(address).status ?? '?')}`);
  // Shown in turns across codes, so that each kind of difference appears among the first ten.
  const inTurns = (list, codeOf) => {
    const groups = new Map();
    for (const address of list) { const code = codeOf(address); if (!groups.has(code)) groups.set(code, []); groups.get(code).push(address); }
    const queues = [...groups.values()];
    const out = [];
    for (let i = 0; out.length < Math.min(SHOWN, list.length); i++) for (const queue of queues) if (i < queue.length && out.length < SHOWN) out.push(queue[i]);
    return out;
  };
  const shownMissing = inTurns(missing, (address) => reference.get(address).dsn);
  const shownExtra = inTurns(extra, (address) => ours.get(address).status ?? '?');
  const context = await linesAbout(log, new Set([...shownMissing, ...shownExtra]), new Set(shownExtra.map((address) => ours.get(address).line)));
  // An address of the small recurring set has thousands of lines: then the marked line and the last six.
  const show = (address, mark) => {
    const entries = context.filter((entry) => entry.address === address || entry.number === mark);
    const print = ({ number, text }) => console.log(`      ${number === mark ? '→' : ' '} ${String(number).padStart(7)}: ${text}`);
    if (entries.length <= 8) { entries.forEach(print); return; }
    const tail = entries.slice(-6);
    const marked = entries.find((entry) => entry.number === mark);
    if (marked && !tail.includes(marked)) print(marked);
    console.log(`        … ${entries.length - tail.length - (marked && !tail.includes(marked) ? 1 : 0)} more lines naming it …`);
    tail.forEach(print);
  };
  if (shownMissing.length > 0) console.log(`  missing (${shownMissing.length}, in turns by dsn; every line naming the address, the reference line marked →):`);
  for (const address of shownMissing) {
    const entry = reference.get(address);
    console.log(`    ${address} (reference: line ${entry.line}, dsn=${entry.dsn})`);
    show(address, entry.line);
  }
  if (shownExtra.length > 0) console.log(`  extra (${shownExtra.length}, in turns by our status; every line naming the address, our record's line marked →):`);
  for (const address of shownExtra) {
    const record = ours.get(address);
    console.log(`    ${address} (ours: line ${record.line}, ${record.status ?? '-'} ${record.reason ?? ''})`);
    show(address, record.line);
  }
  return { ok, figure };
}

try {
  const startLoad = load();
  const startSpeed = machineSpeed();
  console.log(`${availableParallelism()} cores; load average ${startLoad} (1, 5, 15 min); a one-second busy loop: ${startSpeed.toFixed(1)} M turns`);
  const log = join(work, 'maillog');
  const reference = new Map();
  await writeLog(log, 1_000_000, reference);
  const size = statSync(log).size;
  console.log(`\nPostfix log: 1,000,000 lines, ${(size / 1048576).toFixed(1)} MB (seed 42)`);
  const [ours, grep, pflogsumm] = measureInTurns([
    { command: `node ${cli} extract ${log}` },
    { command: `grep 'status=bounced' ${log} | grep -o '<[^>]*>' | sort -u` },
    { command: `pflogsumm --problems-first ${log}`, runs: 2 },
  ]);
  row('smtp-diag extract', ours, 1_000_000, 'lines', size);
  row('grep | grep -o | sort -u', grep, 1_000_000, 'lines', size);
  row('pflogsumm', pflogsumm, 1_000_000, 'lines', size);
  console.log(`  vs pflogsumm: ${ratio(pflogsumm, ours)}`);
  console.log(`  vs grep pipeline: ${ratio(grep, ours)}`);
  goal('≥ 20× pflogsumm, 1 M-line log', `${(pflogsumm.seconds / ours.seconds).toFixed(2)}× (${ours.seconds.toFixed(2)} s vs ${pflogsumm.seconds.toFixed(2)} s)`, pflogsumm.seconds / ours.seconds >= 20);
  goal('≥ 0.33× the grep pipeline, 1 M-line log', `${(grep.seconds / ours.seconds).toFixed(2)}× (${ours.seconds.toFixed(2)} s vs ${grep.seconds.toFixed(2)} s)`, grep.seconds / ours.seconds >= 0.33);
  const exact = await checkExactness(log, reference);
  goal('exactness: hard list = reference set, 1 M-line log', exact.figure, exact.ok);
  const pipeline = checkPipeline(log);
  goal('the README\'s pipeline: 4 parts merged = one reading', pipeline.figure, pipeline.ok);

  const emlDir = join(CORPUS_DIR, 'eml', 'bsd');
  const emlFiles = readdirSync(emlDir).filter((name) => name.endsWith('.eml'));
  const emlBytes = emlFiles.reduce((sum, name) => sum + statSync(join(emlDir, name)).size, 0);
  console.log(`\nBounce messages: ${emlFiles.length} files, ${(emlBytes / 1048576).toFixed(1)} MB (corpus eml/bsd)`);
  const sisimaiOn = (input) => `perl -MSisimai -e 'my $v = Sisimai->make(shift, delivered => 1); print scalar(@{$v || []}), "\\n"' ${input}`;
  const [oursEml, sisimai] = measureInTurns([{ command: `node ${cli} extract --all ${emlDir}` }, { command: sisimaiOn(emlDir) }]);
  row('smtp-diag extract --all', oursEml, emlFiles.length, 'msgs', emlBytes);
  row('Sisimai 4 (Perl)', sisimai, emlFiles.length, 'msgs', emlBytes);
  console.log(`  vs Sisimai: ${ratio(sisimai, oursEml)}`);
  goal('≥ 1.5× Sisimai, 401-file folder', `${(sisimai.seconds / oursEml.seconds).toFixed(2)}× (${oursEml.seconds.toFixed(2)} s vs ${sisimai.seconds.toFixed(2)} s)`, sisimai.seconds / oursEml.seconds >= 1.5);

  const mbox = join(work, 'bounces.mbox');
  const copies = 10;
  const out = createWriteStream(mbox);
  for (let copy = 0; copy < copies; copy++) {
    for (const name of emlFiles) out.write(Buffer.concat([Buffer.from('From MAILER-DAEMON Thu Jan  1 00:00:00 2015\n'), readFileSync(join(emlDir, name)), Buffer.from('\n')]));
  }
  out.end();
  await new Promise((resolve) => out.on('finish', resolve));
  const mboxBytes = statSync(mbox).size;
  console.log(`\nThe same messages ×${copies} in one mbox: ${emlFiles.length * copies} messages, ${(mboxBytes / 1048576).toFixed(1)} MB`);
  const [oursMbox, sisimaiMbox] = measureInTurns([{ command: `node ${cli} extract --all ${mbox}`, runs: 2 }, { command: sisimaiOn(mbox), runs: 2 }]);
  row('smtp-diag extract --all', oursMbox, emlFiles.length * copies, 'msgs', mboxBytes);
  row('Sisimai 4 (Perl)', sisimaiMbox, emlFiles.length * copies, 'msgs', mboxBytes);
  console.log(`  vs Sisimai: ${ratio(sisimaiMbox, oursMbox)}`);
  goal('≥ 5× Sisimai, 4,010-message mbox', `${(sisimaiMbox.seconds / oursMbox.seconds).toFixed(2)}× (${oursMbox.seconds.toFixed(2)} s vs ${sisimaiMbox.seconds.toFixed(2)} s)`, sisimaiMbox.seconds / oursMbox.seconds >= 5);

  // Scaling: time and memory against the lines read, on one thread and on two.
  console.log('\nScaling (generated Postfix logs, seed 42; SMTP_DIAG_THREADS sets the threads):');
  console.log(`  ${'lines'.padStart(10)} ${'MB'.padStart(6)}  ${'1 thread: wall'.padStart(14)} ${'CPU'.padStart(7)} ${'RSS'.padStart(7)}  ${'2 threads: wall'.padStart(15)} ${'CPU'.padStart(7)} ${'RSS'.padStart(7)}  speed-up`);
  for (const lines of [10_000, 100_000, 1_000_000, 10_000_000]) {
    const file = lines === 1_000_000 ? log : join(work, `maillog-${lines}`);
    if (file !== log) await writeLog(file, lines);
    const bytes = statSync(file).size;
    const runs = lines >= 10_000_000 ? 1 : 3;
    const [one, two] = [1, 2].map((threads) => measure(`node ${cli} extract ${file}`, runs, { SMTP_DIAG_THREADS: String(threads), SMTP_DIAG_PARALLEL_MIN_BYTES: '0' }));
    const cell = (m) => `${m.seconds.toFixed(2).padStart(8)} s ${m.cpu.toFixed(2).padStart(5)} s ${m.rss.toFixed(0).padStart(4)} MB`;
    console.log(`  ${lines.toLocaleString('en').padStart(10)} ${(bytes / 1048576).toFixed(1).padStart(6)}  ${cell(one).padStart(27)}  ${cell(two).padStart(28)}  ${(one.seconds / two.seconds).toFixed(2)}×`);
    if (lines >= 10_000_000) {
      const peak = Math.max(one.rss, two.rss);
      goal(`peak RSS < 256 MB, ${(bytes / 1073741824).toFixed(2)} GB log (${lines.toLocaleString('en')} lines)`, `${peak.toFixed(0)} MB (1 thread ${one.rss.toFixed(0)}, 2 threads ${two.rss.toFixed(0)})`, peak < 256);
    }
    if (file !== log) rmSync(file);
  }

  console.log(`\nGoals (load average ${startLoad} at the start, ${load()} at the end; the busy loop ${startSpeed.toFixed(1)} M turns at the start, ${machineSpeed().toFixed(1)} M at the end):`);
  for (const { name, figure, met } of goals) console.log(`  ${met ? 'met    ' : 'not met'}  ${name.padEnd(52)} ${figure}`);
} finally {
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });
}
