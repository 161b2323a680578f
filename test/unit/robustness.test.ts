// Damaged input must never crash or hang the engine: real corpus messages and log files, cut short, with bytes
// flipped, junk or long runs of one character spliced in, or a log and a message glued together. Property-based
// (fast-check) with a fixed seed, so a failure prints the input that caused it and repeats. FUZZ_SEED and
// FUZZ_RUNS explore further (such runs found the six quadratic regular expressions fixed in address.ts,
// logs/generic.ts, logs/exim.ts and message.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { extractBounces } from '../../src/core/bounce';
import type { ClassifiedEvent } from '../../src/core/bounce';
import { findCodes } from '../../src/core/codes/recognize';
import { gunzipText } from '../../src/core/compressedText';
import { CORPUS_DIR, corpusFiles, needsCorpus } from '../helpers/corpus';

const RUNS = { seed: Number(process.env.FUZZ_SEED ?? 20261127), numRuns: Number(process.env.FUZZ_RUNS ?? 300) } as const;

/** Every n-th file of a corpus folder (sorted), so the sample spans the MTAs without reading them all. */
function sample(parts: string[], every: number): Buffer[] {
  const names = corpusFiles(...parts).filter((name) => /\.(?:eml|log)$/.test(name)).sort();
  return names.filter((_, index) => index % every === 0).map((name) => fs.readFileSync(path.join(CORPUS_DIR, ...parts, name)));
}

const MESSAGES = sample(['eml', 'bsd'], 10);
const LOGS = corpusFiles('logs').flatMap((folder) => sample(['logs', folder], 8));

/** Damage done to an input: each applied in turn at a position given as a fraction of the length. */
const damage = fc.array(fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), junk: fc.constantFrom(
    Buffer.from([0, 0, 0, 0xff, 0xfe]), Buffer.from('\r\r\n\r'), Buffer.from('\n--boundary--\n\n'), Buffer.from('Content-Type: multipart/report; boundary="x"\n'),
    Buffer.from('Final-Recipient: rfc822; \nStatus: 5.\n'), Buffer.from('550 5.1.1 <@>\n'.repeat(500)),
    // Long runs of one kind of character: what makes a regular expression take time in the square of the length.
    ...['x', '1', '.', ' ', '<', '-', '=', 'a.', 'a@', '@', '5.1.1 ', 'said: ', '"\'', '\t', '[', '(', ':', ';', '#', '\r', '=?', 'to:', 'H='].map((unit) => Buffer.from(unit.repeat(Math.ceil(100_000 / unit.length)))),
  ) }),
), { maxLength: 6 });

type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

function damaged(input: Buffer, steps: Damage): Buffer {
  let bytes = input;
  for (const step of steps) {
    const at = Math.floor(step.at * bytes.length);
    if (step.kind === 'cut') bytes = bytes.subarray(0, at);
    else if (step.kind === 'flip' && at < bytes.length) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([step.byte]), bytes.subarray(at + 1)]);
    else if (step.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), step.junk, bytes.subarray(at)]);
  }
  return bytes;
}

/** Extracts from the bytes as a stream, as the CLI reads stdin; returns the records and every event. */
async function extractFrom(bytes: Buffer) {
  const events: ClassifiedEvent[] = [];
  const { records, summary } = await extractBounces([{ name: 'damaged', stream: (async function* () { yield bytes; })() }], { includeSoft: true, onEvent: (event) => events.push(event) });
  return { records, summary, events };
}

/** Damaged inputs that still gave records: the properties must not pass only because everything was rejected. */
let withRecords = 0;

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z?$/;
/** A record's date as an instant, one without a zone read as UTC, as the engine compares them. */
const instantOf = (date: string) => Date.parse(date.endsWith('Z') ? date : `${date}Z`);

function assertWellFormed({ records, events }: Awaited<ReturnType<typeof extractFrom>>): void {
  if (records.length > 0) withRecords++;
  for (const record of records) {
    assert.match(record.address, /^[^@\s]+@[^@\s]+$/);
    assert.ok(['hard', 'review', 'soft'].includes(record.type));
    assert.ok(record.line >= 1 && record.count >= 1);
    for (const date of [record.date, record.firstSeen, record.lastSeen]) if (date !== null) assert.match(date, ISO_DATE);
    if (record.firstSeen !== null && record.lastSeen !== null) assert.ok(instantOf(record.firstSeen) <= instantOf(record.lastSeen), `${record.firstSeen} > ${record.lastSeen}`);
  }
  for (const event of events) assert.equal(typeof event.diagnostic, 'string');
}

describe('damaged input', function () {
  this.timeout(120_000);

  it('bounce messages: extraction finishes with well-formed records, whatever the damage', async function () {
    needsCorpus(this);
    assert.ok(MESSAGES.length >= 30);
    withRecords = 0;
    await fc.assert(fc.asyncProperty(fc.constantFrom(...MESSAGES), damage, async (message, steps) => {
      assertWellFormed(await extractFrom(damaged(message, steps)));
    }), RUNS);
    assert.ok(withRecords > RUNS.numRuns / 8, `${withRecords} of ${RUNS.numRuns} damaged messages still gave records`);
  });

  it('mail logs, and a log glued to a message: extraction finishes with well-formed records', async function () {
    needsCorpus(this);
    assert.ok(LOGS.length >= 10);
    withRecords = 0;
    await fc.assert(fc.asyncProperty(fc.constantFrom(...LOGS), fc.constantFrom(...MESSAGES), fc.boolean(), damage, async (log, message, glue, steps) => {
      assertWellFormed(await extractFrom(damaged(glue ? Buffer.concat([log, message]) : log, steps)));
    }), RUNS);
    assert.ok(withRecords > RUNS.numRuns / 10, `${withRecords} of ${RUNS.numRuns} damaged logs still gave records`);
  });

  it('lines of 200,000 times one character (each once took over 20 s) leave the bounce beside them found', async function () {
    needsCorpus(this);
    // A guard against a hang, not a speed goal (test/unit/hostileEngine.test.ts checks linear time by ratios): it
    // takes about 5 s, and a loaded machine (CI beside other work) must not fail it.
    this.timeout(120_000);
    const message = fs.readFileSync(path.join(CORPUS_DIR, 'eml', 'bsd', 'lhost-postfix-01.eml'));
    const expected = (await extractFrom(message)).records.map((record) => record.address);
    assert.ok(expected.length > 0);
    const runs = ['x', ' ', '\t', '\r', '-', 'a@', '.', 'to:'].map((unit) => unit.repeat(Math.ceil(200_000 / unit.length)));
    for (const run of runs) {
      // Into the human-readable part, which the bounce logic reads line by line.
      const blank = message.indexOf('\n\n', message.indexOf('Content-Type: text/plain'));
      const damagedMessage = Buffer.concat([message.subarray(0, blank + 2), Buffer.from(`${run}\n${run}z\n`), message.subarray(blank + 2)]);
      assert.deepEqual((await extractFrom(damagedMessage)).records.map((record) => record.address), expected, JSON.stringify(run.slice(0, 4)));
      const log = [
        `2024-03-03 10:00:01 1rA2b3-000C4d-5E H=${run}`,
        `${run}z`,
        '2024-03-03 10:00:02 1rA2b3-000C4d-5E ** gnu@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.10]: SMTP error from remote mail server after RCPT TO:<gnu@example.com>: 550 5.1.1 unknown',
      ].join('\n');
      assert.deepEqual((await extractFrom(Buffer.from(log))).records.map((record) => record.address), ['gnu@example.com'], JSON.stringify(run.slice(0, 4)));
    }
  });

  it('damaged gzip files: the text before the damage, or an error with a message; never a hang', async function () {
    needsCorpus(this);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...LOGS.slice(0, 5), ...MESSAGES.slice(0, 5)), damage, async (content, steps) => {
      try {
        const { text, problem } = await gunzipText(damaged(gzipSync(content), steps), 1 << 20);
        assert.equal(typeof text, 'string');
        assert.ok(problem === undefined || typeof problem === 'string');
      } catch (error) {
        assert.ok(error instanceof Error && error.message.length > 0);
      }
    }), RUNS);
  });

  it('the status-code recognizer takes any line', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (line) => {
      for (const mention of findCodes(line)) assert.ok(mention.start >= 0 && mention.end <= line.length && mention.start < mention.end);
    }), { ...RUNS, numRuns: 2000 });
  });
});
