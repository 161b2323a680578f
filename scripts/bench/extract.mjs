// Hard-bounce extraction benchmark, side by side in one run:
//   - our CLI vs pflogsumm and vs a grep | grep -o | sort -u pipeline on a generated, seeded 1,000,000-line
//     Postfix log (scripts/lib/generate-postfix-log.mjs);
//   - our CLI vs Sisimai (Debian libsisimai-perl) on the corpus's bounce messages: eml/bsd (401 files) as a
//     folder, and the same messages ten times over in one mbox, so start-up time does not dominate.
// Prints MB/s, lines or messages per second, peak RSS (GNU time) and the ratios. BENCH_BIG=1 adds the
// 1 GB log that checks memory stays bounded (RSS < 256 MB); it takes a few minutes more.
// Exactness on the generated log: the CLI's hard list (--format json) must equal the generator's reference set,
// computed while the log is written: addresses with a `status=bounced` line with `dsn=5.1.x` and no later
// `status=sent` line (greylisting, loops, policy blocks, mailbox full and expiries are not hard). Prints the
// counts and up to 10 missing and 10 extra addresses with their log lines.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { postfixLogEvents } from '../lib/generate-postfix-log.mjs';
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
 * Runs a shell command under GNU time, best of `runs`; returns wall seconds, CPU seconds (user + sys, which a
 * machine shared with other work disturbs less) and peak RSS of the largest process in MB.
 */
function measure(command, runs = 2) {
  let best;
  for (let run = 0; run < runs; run++) {
    const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'bash', '-c', `${command} > /dev/null`], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
    const [wall, user, sys, rssKb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
    const figures = { seconds: wall, cpu: user + sys, rss: rssKb / 1024 };
    if (!best || figures.cpu < best.cpu) best = figures;
  }
  return best;
}

const row = (name, m, units, unitName, bytes) => console.log(
  `  ${name.padEnd(28)} ${m.seconds.toFixed(2).padStart(6)} s wall ${m.cpu.toFixed(2).padStart(6)} s CPU ${(bytes / 1048576 / m.cpu).toFixed(1).padStart(7)} MB/s ${Math.round(units / m.cpu).toLocaleString('en').padStart(10)} ${unitName}/s ${m.rss.toFixed(0).padStart(5)} MB RSS`);
const ratio = (theirs, ours) => `${(theirs.cpu / ours.cpu).toFixed(2)}× by CPU, ${(theirs.seconds / ours.seconds).toFixed(2)}× by wall time`;

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

/** Compares the CLI's hard list on `log` with the generator's reference set and prints the differences. */
async function checkExactness(log, reference) {
  const result = spawnSync(process.execPath, [cli, 'extract', '--format', 'json', log], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`smtp-diag extract --format json failed (${result.status}): ${result.stderr}`);
  const records = JSON.parse(result.stdout).filter((record) => record.type === 'hard');
  const ours = new Map(records.map((record) => [record.address, record]));
  const missing = [...reference.keys()].filter((address) => !ours.has(address)).sort();
  const extra = [...ours.keys()].filter((address) => !reference.has(address)).sort();
  const ok = missing.length === 0 && extra.length === 0;
  console.log(`  exactness: ours ${ours.size}, reference ${reference.size}, missing ${missing.length}, extra ${extra.length} (goal: missing 0, extra 0): ${ok ? 'met' : 'not met'}`);
  if (ok) return;
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
}

try {
  const log = join(work, 'maillog');
  const reference = new Map();
  await writeLog(log, 1_000_000, reference);
  const size = statSync(log).size;
  console.log(`Postfix log: 1,000,000 lines, ${(size / 1048576).toFixed(1)} MB (seed 42)`);
  const ours = measure(`node ${cli} extract ${log}`);
  const grep = measure(`grep 'status=bounced' ${log} | grep -o '<[^>]*>' | sort -u`);
  const pflogsumm = measure(`pflogsumm --problems-first ${log}`, 1);
  row('smtp-diag extract', ours, 1_000_000, 'lines', size);
  row('grep | grep -o | sort -u', grep, 1_000_000, 'lines', size);
  row('pflogsumm', pflogsumm, 1_000_000, 'lines', size);
  console.log(`  vs pflogsumm: ${ratio(pflogsumm, ours)} (goal ≥ 20×)`);
  console.log(`  vs grep pipeline: ${ratio(grep, ours)} (goal ≥ 0.5×)`);
  await checkExactness(log, reference);

  const emlDir = join(CORPUS_DIR, 'eml', 'bsd');
  const emlFiles = readdirSync(emlDir).filter((name) => name.endsWith('.eml'));
  const emlBytes = emlFiles.reduce((sum, name) => sum + statSync(join(emlDir, name)).size, 0);
  console.log(`\nBounce messages: ${emlFiles.length} files, ${(emlBytes / 1048576).toFixed(1)} MB (corpus eml/bsd)`);
  const sisimaiOn = (input) => `perl -MSisimai -e 'my $v = Sisimai->make(shift, delivered => 1); print scalar(@{$v || []}), "\\n"' ${input}`;
  const oursEml = measure(`node ${cli} extract --all ${emlDir}`);
  const sisimai = measure(sisimaiOn(emlDir));
  row('smtp-diag extract --all', oursEml, emlFiles.length, 'msgs', emlBytes);
  row('Sisimai 4 (Perl)', sisimai, emlFiles.length, 'msgs', emlBytes);
  console.log(`  vs Sisimai: ${ratio(sisimai, oursEml)} (goal ≥ 20×)`);

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
  const oursMbox = measure(`node ${cli} extract --all ${mbox}`);
  const sisimaiMbox = measure(sisimaiOn(mbox), 1);
  row('smtp-diag extract --all', oursMbox, emlFiles.length * copies, 'msgs', mboxBytes);
  row('Sisimai 4 (Perl)', sisimaiMbox, emlFiles.length * copies, 'msgs', mboxBytes);
  console.log(`  vs Sisimai: ${ratio(sisimaiMbox, oursMbox)} (goal ≥ 20×)`);

  if (process.env.BENCH_BIG === '1') {
    const big = join(work, 'maillog-big');
    const lines = Math.round((1024 * 1048576 * 1_000_000) / size);
    await writeLog(big, lines);
    const bigSize = statSync(big).size;
    const bigRun = measure(`node ${cli} extract ${big}`, 1);
    console.log(`\nBig log: ${lines.toLocaleString('en')} lines, ${(bigSize / 1048576).toFixed(0)} MB`);
    row('smtp-diag extract', bigRun, lines, 'lines', bigSize);
    console.log(`  peak RSS ${bigRun.rss.toFixed(0)} MB (goal < 256 MB): ${bigRun.rss < 256 ? 'ok' : 'OVER'}`);
  } else {
    console.log('\n(BENCH_BIG=1 adds the 1 GB log memory check)');
  }
} finally {
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });
}
