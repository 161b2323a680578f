// `npm run fuzz`: adversarial inputs for every log recognizer, the MIME path, the classifier and the report, each case
// run with a time and a memory budget in an engine process of its own (docs/fuzz.md).
//   --cases N         cases in all, split across targets by weight (default 100000)
//   --seed S          seed of the run (default 1); each target's seed is derived from it and its name
//   --target A,B      only these targets (postfix exim sendmail qmail opensmtpd courier exchange powermta kumomta
//                     generic mime classify merge report)
//   --time-budget MS  a case slower than this fails (default 2000)
//   --memory-budget MB  a case during which the engine process's RSS peaks above this fails (default 256)
//   --kill-after MS   a case still running after this is killed (default 10000)
//   --shrink-seconds S  time to minimise each distinct failure (default 60; 0: no shrinking)
//   --replay FILE     run one saved case (out/fuzz-failures/*.json) or a raw log/message file; --profile adds where time went
// Prints per target the cases, crashes, cases over budget and the slowest case (saved, and the slowest of all profiled);
// the peak RSS; every distinct failure.
// Exits 1 when any case crashed or went over budget.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSync } from 'esbuild';
import fc from 'fast-check';
import { EngineProcess } from './lib/fuzz-engine.mjs';
import { casesPerTarget, payloadBytes, TARGETS } from './lib/fuzz-targets.mjs';
import { ROOT } from './lib/paths.mjs';

const { values: options } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    target: { type: 'string' },
    'time-budget': { type: 'string', default: '2000' },
    'memory-budget': { type: 'string', default: '256' },
    'kill-after': { type: 'string', default: '10000' },
    'shrink-seconds': { type: 'string', default: '60' },
    replay: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const budget = { ms: Number(options['time-budget']), mb: Number(options['memory-budget']) };
const killAfterMs = Number(options['kill-after']);
/** Far above the budget, so a case's real peak shows, yet below what would slow the machine for everyone. */
const KILL_ABOVE_MB = Math.max(1024, budget.mb * 4);
const FAILURES_DIR = join(ROOT, 'out', 'fuzz-failures');
/** Saved cases per distinct failure: enough to replay it, without filling the disk with one bug. */
const SAVED_PER_FAILURE = 3;
const MB = 1024 * 1024;

// Bundled as the CLI is, with the same injected Blob (esbuild.js), every run: the run tests the code as it is now.
const bundle = join(ROOT, 'out', 'fuzz-runner.cjs');
const { inject } = createRequire(import.meta.url)(join(ROOT, 'esbuild.js'));
buildSync({ entryPoints: [join(ROOT, 'scripts', 'lib', 'fuzz-runner.mjs')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error', inject });
// A process that a case left at over 60 % of the budget is replaced, so the next case's peak is not the last one's.
// V8's heap may grow past the kill threshold, so a case that eats memory is killed and reported, not crashed by V8.
const engine = new EngineProcess(bundle, { heapLimitMb: KILL_ABOVE_MB * 2, recycleAboveMb: budget.mb * 0.6, killAfterMs, killAboveMb: KILL_ABOVE_MB });
/** Cases generated ahead of the engine, at most. */
const QUEUED = 8;

/** What went wrong with a case, if anything. */
function verdictOf(result) {
  if (result.error || result.exited || result.caught?.length) return 'crash';
  if (result.killed) return result.killed;
  if (result.ms > budget.ms) return 'time';
  return result.peakMb > budget.mb ? 'memory' : 'ok';
}

/** The first line of an error, cut short: a message may quote the whole input. */
const firstLine = (text) => { const line = text.split('\n')[0]; return line.length > 240 ? `${line.slice(0, 240)}…` : line; };
const errorText = (result) => result.error ?? result.exited ?? (result.caught?.length ? `caught and reported as an input problem: ${result.caught[0]}` : '');
/** An error's kind and the engine's function that threw it (built-ins above it differ with V8's compilation tier): its
 * message may quote the input, which differs from case to case. */
const errorLine = (result) => `${firstLine(errorText(result)).slice(0, 60).replace(/\d+/g, '#')}…${/\n\s+at (\S+) \([^)\n]*fuzz-runner\.cjs/.exec(result.error ?? '')?.[1] ?? ''}`;
/** The function (or regular expression) where a profiled case spent most of its own time. */
const hotSpot = (profile) => profile?.find(({ where }) => !/^\((?:garbage collector|program|idle)\)/.test(where))?.where;
/** Failures with one cause share a key: the target, the verdict, and the error, the hot spot or the bomb (numbers masked). */
const keyOf = (target, verdict, result, shape) => `${target} ${verdict}: ${verdict === 'crash' ? errorLine(result)
  : hotSpot(result.profile) ?? `${(shape ?? 'no bomb').replace(/…".*?"/g, '…').replace(/\d+/g, '#')}${result.killed ? ' (killed)' : ''}`}`;

const serialize = (payload) => (payload.inputs
  ? { ...payload, inputs: payload.inputs.map(({ bytes, ...input }) => ({ ...input, base64: Buffer.from(bytes).toString('base64') })) }
  : payload);
const deserialize = (payload) => (payload.inputs
  ? { ...payload, inputs: payload.inputs.map(({ base64, ...input }) => ({ ...input, bytes: Buffer.from(base64, 'base64') })) }
  : payload);

function save(name, entry, payload) {
  mkdirSync(FAILURES_DIR, { recursive: true });
  const file = join(FAILURES_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...entry, payload: serialize(payload) }));
  return file;
}

const figures = (result, bytes) => `${result.killed === 'time' ? '≥' : ''}${Math.round(result.ms)} ms, ${(bytes / MB).toFixed(2)} MB input, peak RSS ${Math.round(result.peakMb)} MB`;
const describe = (result) => {
  if (result.error) return ` — ${firstLine(result.error)} ${result.error.split('\n').slice(1, 3).map((line) => line.trim()).join(' ')}`;
  if (result.exited || result.caught?.length) return ` — ${firstLine(errorText(result))}`;
  return result.killed ? ` — killed (${result.killed})` : '';
};

/** Runs a case. One over budget (and not killed) runs again, profiled: the better run counts, so a moment of load on a
 * shared machine is not taken for a slow case, and the profile says where the time went. */
async function measure(payload) {
  const result = await engine.submit(payload);
  const verdict = verdictOf(result);
  if (verdict === 'ok' || verdict === 'crash' || result.killed) return result;
  const again = await engine.submit(payload, { profile: true });
  const better = again.killed || again.ms > result.ms ? result : again;
  return { ...better, peakMb: Math.min(result.peakMb, again.peakMb), profile: again.profile };
}

/** The seed of one target: derived from the run's, so adding a target does not change the others' cases. */
function seedOf(name) {
  return createHash('sha256').update(`${options.seed}/${name}`).digest().readInt32LE(0);
}

async function replay(file) {
  const text = readFileSync(file);
  const saved = file.endsWith('.json') ? JSON.parse(text) : undefined;
  const payload = saved ? deserialize(saved.payload) : { kind: 'extract', inputs: [{ name: file, via: 'stream', splits: [], bytes: text }] };
  const result = await engine.submit(payload, { profile: options.profile });
  const verdict = verdictOf(result);
  const found = result.records === undefined ? '' : `; ${result.records} record(s), ${result.problems} input problem(s)`;
  console.log(`${saved ? `${saved.target} case ${saved.index} (seed ${saved.seed}): ${saved.shape ?? 'no bomb'}\n` : ''}${verdict}: ${figures(result, payloadBytes(payload))}${found}${describe(result)}`);
  for (const { where, ms } of result.profile ?? []) console.log(`  ${String(ms).padStart(6)} ms  ${where}`);
  return verdict === 'ok';
}

/** Shrinks a failure by fast-check's replay of its run (same seed, its path) while it fails the same way. */
async function minimise(failure) {
  const target = TARGETS[failure.target];
  const deadline = Date.now() + Number(options['shrink-seconds']) * 1000;
  let attempts = 0;
  let replayed;
  // Only "over budget or not" matters while shrinking: no need to wait for the kill of the main run.
  const limits = { killAfterMs: failure.verdict === 'time' ? Math.min(killAfterMs, budget.ms * 1.5) : killAfterMs };
  const outcome = await fc.check(fc.asyncProperty(target.arbitrary, async (spec) => {
    if (attempts++ > 0 && Date.now() > deadline) return true;
    const { payload } = target.payloadOf(spec, failure.target);
    // A smaller spec can make a bigger input (a shorter slice repeated more often): such a case is no simpler.
    if (payloadBytes(payload) > failure.bytes) return true;
    const result = await engine.submit(payload, limits);
    replayed ??= result;
    return verdictOf(result) !== failure.verdict || (failure.verdict === 'crash' && errorLine(result) !== errorLine(failure.result));
  }), { seed: failure.seed, path: String(failure.index), numRuns: 1 });
  if (!outcome.failed) return { replayed };
  const { payload, shape } = target.payloadOf(outcome.counterexample[0], failure.target);
  const result = await engine.submit(payload, { profile: failure.verdict !== 'crash' });
  const file = save(`${failure.target}-${options.seed}-${failure.index}-min`, { target: failure.target, seed: failure.seed, index: failure.index, shape, verdict: verdictOf(result), ms: result.ms, peakMb: result.peakMb }, payload);
  return { shape, result, bytes: payloadBytes(payload), file, shrinks: outcome.numShrinks };
}

async function fuzz() {
  const names = options.target ? options.target.split(',') : Object.keys(TARGETS);
  for (const name of names) if (!TARGETS[name]) throw new Error(`unknown target ${name}; targets: ${Object.keys(TARGETS).join(' ')}`);
  const counts = casesPerTarget(Number(options.cases), names);
  const started = Date.now();
  const heapAtStart = await engine.heapAfterGcMb();
  const stats = [];
  const failures = new Map();
  console.log(`fuzz: ${Object.values(counts).reduce((a, b) => a + b, 0)} cases, seed ${options.seed}, budget ${budget.ms} ms and ${budget.mb} MB peak RSS per case, killed after ${killAfterMs} ms`);
  for (const name of names) {
    const target = TARGETS[name];
    const seed = seedOf(name);
    const row = { name, cases: 0, crash: 0, time: 0, memory: 0, bytes: 0, slowest: undefined, peakMb: 0, seconds: 0 };
    const targetStart = Date.now();
    let lastProgress = Date.now();
    const record = (index, payload, shape, result) => {
      const bytes = payloadBytes(payload);
      row.bytes += bytes;
      row.peakMb = Math.max(row.peakMb, result.peakMb);
      if (!row.slowest || result.ms > row.slowest.ms) row.slowest = { ms: result.ms, peakMb: result.peakMb, bytes, killed: result.killed, shape, index, payload };
      const verdict = verdictOf(result);
      if (verdict !== 'ok') {
        row[verdict]++;
        const key = keyOf(name, verdict, result, shape);
        const failure = failures.get(key) ?? { key, target: name, verdict, seed, index, result, shape, bytes, count: 0, worst: { result, bytes }, files: [] };
        failure.count++;
        if (result.ms > failure.worst.result.ms) failure.worst = { result, bytes };
        if (failure.files.length < SAVED_PER_FAILURE) {
          failure.files.push(save(`${name}-${options.seed}-${index}`, { target: name, seed, index, shape, verdict, ms: result.ms, peakMb: result.peakMb, error: errorText(result) || undefined }, payload));
        }
        failures.set(key, failure);
        console.log(`  ${verdict.toUpperCase()} ${name} #${index}: ${figures(result, bytes)}; ${shape ?? 'no bomb'}${describe(result)}`);
      }
      if (Date.now() - lastProgress > 15_000) {
        lastProgress = Date.now();
        process.stderr.write(`  … ${name} ${row.cases}/${counts[name]}\n`);
      }
    };
    // The property never fails: every case is recorded, and fast-check's seed and run number replay any of them.
    const running = new Set();
    const check = await fc.check(fc.asyncProperty(target.arbitrary, async (spec) => {
      const index = row.cases++;
      const { payload, shape } = target.payloadOf(spec, `${name}-${index}`);
      const done = measure(payload).then((result) => record(index, payload, shape, result));
      running.add(done);
      done.then(() => running.delete(done));
      if (running.size >= QUEUED) await Promise.race(running);
      return true;
    }), { seed, numRuns: counts[name] });
    if (check.failed) throw check.errorInstance ?? new Error(`harness error in ${name}`);
    await Promise.all(running);
    row.seconds = (Date.now() - targetStart) / 1000;
    stats.push(row);
    console.log(`${name.padEnd(10)} ${String(row.cases).padStart(7)} cases in ${row.seconds.toFixed(0)} s; slowest ${figures(row.slowest, row.slowest.bytes)}`);
  }
  const casesInProcess = engine.casesInProcess;
  const heapAtEnd = await engine.heapAfterGcMb();
  const seconds = (Date.now() - started) / 1000;

  // Each target's slowest case is saved, and the slowest of all profiled: where time goes when nothing fails yet.
  for (const row of stats) {
    const { index, payload, shape, ms, peakMb } = row.slowest;
    row.slowest.file = save(`${row.name}-${options.seed}-${index}-slowest`, { target: row.name, seed: seedOf(row.name), index, shape, verdict: 'slowest', ms, peakMb }, payload);
  }
  const slowest = stats.reduce((worst, row) => (row.slowest.ms > worst.slowest.ms ? row : worst)).slowest;
  if (!slowest.killed) slowest.profile = (await engine.submit(slowest.payload, { profile: true })).profile;

  const minimised = new Map();
  if (Number(options['shrink-seconds']) > 0) {
    for (const failure of failures.values()) minimised.set(failure.key, await minimise(failure));
  }
  engine.stop();
  print(stats, failures, minimised, { seconds, heapAtStart, heapAtEnd, casesInProcess });
  return failures.size === 0;
}

function print(stats, failures, minimised, { seconds, heapAtStart, heapAtEnd, casesInProcess }) {
  const pad = (value, width) => String(value).padStart(width);
  console.log(`\n${'target'.padEnd(10)} ${pad('cases', 7)} ${pad('crashes', 7)} ${pad('>time', 6)} ${pad('>memory', 7)} ${pad('slowest ms', 11)} ${pad('its MB', 7)} ${pad('peak RSS MB', 11)} ${pad('MB in', 7)}`);
  const total = { name: 'ALL', cases: 0, crash: 0, time: 0, memory: 0, bytes: 0, slowest: { ms: 0, bytes: 0 }, peakMb: 0 };
  const line = (row) => console.log(`${row.name.padEnd(10)} ${pad(row.cases, 7)} ${pad(row.crash, 7)} ${pad(row.time, 6)} ${pad(row.memory, 7)} ${pad(`${row.slowest.killed === 'time' ? '≥' : ''}${row.slowest.ms.toFixed(1)}`, 11)} ${pad((row.slowest.bytes / MB).toFixed(2), 7)} ${pad(Math.round(row.peakMb), 11)} ${pad((row.bytes / MB).toFixed(0), 7)}`);
  for (const row of stats) {
    line(row);
    for (const key of ['cases', 'crash', 'time', 'memory', 'bytes']) total[key] += row[key];
    if (row.slowest.ms > total.slowest.ms) total.slowest = row.slowest;
    total.peakMb = Math.max(total.peakMb, row.peakMb);
  }
  line(total);
  console.log(`\nslowest case overall: ${total.slowest.shape ?? 'no bomb'} → ${total.slowest.file.replace(`${ROOT}/`, '')}`);
  for (const { where, ms } of total.slowest.profile ?? []) console.log(`  ${String(ms).padStart(6)} ms  ${where}`);
  console.log(`peak RSS of the engine process: ${Math.round(total.peakMb)} MB; engine processes started: ${engine.starts - 1} restarts after kills, crashes or cases that left it over ${Math.round(budget.mb * 0.6)} MB`);
  console.log(`heap after GC: ${heapAtStart.toFixed(1)} MB in a fresh process, ${heapAtEnd.toFixed(1)} MB after the last ${casesInProcess} cases in one process`);
  console.log(`duration: ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s (fuzzing; shrinking not included)`);
  if (failures.size === 0) { console.log('\nno failures'); return; }
  console.log(`\n${failures.size} distinct failure(s):`);
  for (const failure of failures.values()) {
    console.log(`\n- ${failure.key}\n  ${failure.count} case(s); first: #${failure.index}, ${figures(failure.result, failure.bytes)}; worst ${figures(failure.worst.result, failure.worst.bytes)}${describe(failure.result)}`);
    console.log(`  saved: ${failure.files.map((file) => file.replace(`${ROOT}/`, '')).join(', ')}`);
    const small = minimised.get(failure.key);
    if (small?.replayed) console.log(`  not minimised: its replay gave ${verdictOf(small.replayed)}, ${figures(small.replayed, failure.bytes)}${describe(small.replayed)}`);
    else if (small) {
      console.log(`  minimised (${small.shrinks} steps): ${small.shape ?? 'no bomb'}; ${figures(small.result, small.bytes)}${describe(small.result)} → ${small.file.replace(`${ROOT}/`, '')}`);
      for (const { where, ms } of small.result.profile ?? []) console.log(`    ${String(ms).padStart(6)} ms  ${where}`);
    }
  }
}

const passed = await (options.replay ? replay(options.replay) : fuzz()).finally(() => engine.stop());
process.exitCode = passed ? 0 : 1;
