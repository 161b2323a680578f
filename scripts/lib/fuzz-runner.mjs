// The engine process of the fuzz harness: scripts/fuzz.mjs bundles this file with src/core (esbuild, as the CLI is
// built) and forks it, so a case that hangs or eats memory is killed without taking the harness with it. Each
// message is one case; the answer gives its wall time, the process's peak RSS during it, and the error if it threw.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { extractBounces, formattedPieces, ResultMerger } from '../../src/core/bounce/index';
import { classify, createClassifier, enhancedCodeIn, replyCodeIn, smtpStageIn } from '../../src/core/bounce/classify';
import { BounceReport } from '../../src/core/bounce/report';

const MB = 1024 * 1024;
/** Problems that are the engine's own exceptions, caught and reported as if the input were at fault: the harness's
 * inputs are in memory or fresh files, which cannot fail to read, and only gzip data is meant to be corrupt. The
 * refusals message.ts throws on purpose are the input's fault. */
const CAUGHT_EXCEPTION = /^(?:read error: (?!truncated or corrupt compressed data)|unreadable message: (?!too many MIME parts))/;
const scratchFile = join(tmpdir(), `smtp-diag-fuzz-${process.pid}`);

/** Linux keeps the process's peak RSS (VmHWM); writing 5 to clear_refs resets it, so each case has its own peak. */
function resetPeak() {
  try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* not Linux: the peak then spans cases */ }
}

function peakRssMb() {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
  } catch {
    return process.resourceUsage().maxRSS / 1024;
  }
}

/** The bytes cut at the given fractions: a stream's chunk borders fall inside lines, CRLFs and UTF-8 sequences. */
function pieces(bytes, splits) {
  const cuts = [...new Set(splits.map((at) => Math.floor(at * bytes.length)))].sort((a, b) => a - b);
  return [0, ...cuts].map((start, index) => bytes.subarray(start, cuts[index] ?? bytes.length)).filter((chunk) => chunk.length > 0);
}

/** The input as the engine takes it; files are written before the clock starts. */
function engineInput(input, index) {
  const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  if (input.via === 'text') return { name: input.name, text: bytes.toString('utf8') };
  if (input.via === 'path') {
    const path = `${scratchFile}-${index}`;
    writeFileSync(path, bytes);
    return { path };
  }
  const content = input.via === 'gzip' ? gzipSync(bytes) : bytes;
  return { name: input.name, stream: (async function* () { yield* pieces(content, input.splits); })() };
}

/** The case ready to run: inputs opened (files written, gzip compressed) before the clock starts. */
function prepareExtract(payload) {
  const inputs = payload.inputs.map(engineInput);
  return async () => {
    const report = new BounceReport();
    try {
      const { records, summary } = await extractBounces(inputs, { includeSoft: true, onEvent: (event) => report.add(event) });
      const markdown = report.toMarkdown(summary);
      const caught = summary.problems.map(({ problem }) => problem).filter((problem) => CAUGHT_EXCEPTION.test(problem));
      return { records: records.length, markdownChars: markdown.length, problems: summary.problems.length, caught };
    } finally {
      for (const input of inputs) if ('path' in input) rmSync(input.path, { force: true });
    }
  };
}

function runClassify(payload) {
  const policy = payload.policy ?? undefined;
  const classifier = createClassifier(policy);
  const report = new BounceReport();
  for (const event of payload.events) {
    classify(event, policy);
    report.add(classifier(event));
    smtpStageIn(event.diagnostic);
    enhancedCodeIn(event.diagnostic);
    replyCodeIn(event.diagnostic);
    replyCodeIn(event.diagnostic, true);
  }
  const markdown = report.toMarkdown({ files: 1, bytes: 0, lines: 0, messages: 0, failed: 0, deferred: 0, delivered: 0, rejectedInbound: 0, laterDelivered: [], problems: [] });
  return { records: payload.events.length, markdownChars: markdown.length, problems: 0 };
}

/** The input read as `smtp-diag merge` reads it, merged and checked; `problems` counts what it would name. */
async function mergedFrom(input) {
  const merger = new ResultMerger();
  let problems = 0;
  await merger.readInput(input.name, (async function* () { yield* pieces(Buffer.from(input.bytes), input.splits); })(), () => problems++);
  return { merger, problems: problems + merger.doubts().problems.length };
}

/** What `smtp-diag merge` does with its input, written in every format (each takes the records once: a merge each). */
async function runMerge(payload) {
  let chars = 0;
  let outcome;
  for (const format of ['text', 'csv', 'json', 'ndjson']) {
    const { merger, problems } = await mergedFrom(payload.inputs[0]);
    for (const piece of formattedPieces(merger.records(true), format)) chars += piece.length;
    outcome = { records: merger.read.records, problems };
  }
  return { ...outcome, markdownChars: chars };
}

/** Self time per function of the bundle, attributed to the source file esbuild's "// src/…" comments name. */
async function profiled(run) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const outcome = await run();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const bundle = readFileSync(__filename, 'utf8').split('\n');
  const fileOfLine = [];
  let file = '';
  bundle.forEach((text, index) => {
    const marker = /^\/\/ ((?:src|node_modules|scripts)\/\S+)$/.exec(text);
    if (marker) file = marker[1];
    fileOfLine[index] = file;
  });
  const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length) / 1000;
  const selfMs = new Map();
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.endsWith('.cjs') ? `${fileOfLine[lineNumber] || 'bundle'}` : url || '(native)';
    const key = `${functionName || '(anonymous)'} ${where}${url.endsWith('.cjs') ? ` (bundle line ${lineNumber + 1})` : ''}`;
    selfMs.set(key, (selfMs.get(key) ?? 0) + (counts.get(node.id) ?? 0) * interval);
  }
  const top = [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([key, ms]) => ({ where: key, ms: Math.round(ms) }));
  return { ...outcome, profile: top };
}

/** Runs one case and answers with its figures. */
async function answer({ id, payload, profile, gc }) {
  if (gc) {
    global.gc?.();
    process.send({ id, heapMb: process.memoryUsage().heapUsed / MB });
    return;
  }
  const run = payload.kind === 'classify' ? () => runClassify(payload) : payload.kind === 'merge' ? () => runMerge(payload) : prepareExtract(payload);
  resetPeak();
  const start = performance.now();
  try {
    const outcome = profile ? await profiled(run) : await run();
    const ms = performance.now() - start;
    process.send({ id, ms, peakMb: peakRssMb(), rssMb: process.memoryUsage().rss / MB, ...outcome });
  } catch (error) {
    const ms = performance.now() - start;
    process.send({ id, ms, peakMb: peakRssMb(), rssMb: process.memoryUsage().rss / MB, error: String(error?.stack ?? error) });
  }
}

// The harness sends cases ahead: they run one after the other, never side by side.
let queue = Promise.resolve();
process.on('message', (message) => { queue = queue.then(() => answer(message)); });
process.send({ ready: true });
