// Records past the memory budget go to run files and are joined at the end (src/core/bounce/recordRuns.ts): the
// result must be the one of an aggregation held in memory, whatever the places where the runs were cut.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { extractBounces, extractBounceStream, type ListedRecord } from '../../src/core/bounce';
import { RUN_ROW_CODEC, type RunRow } from '../../src/core/bounce/recordRuns';
import { recordLimits, runRows, RunWriter } from '../../src/core/bounce/sortedRuns';

const ADDRESSES = 3000;
const relay = 'relay=mx.example.com[192.0.2.1]:25, delay=1';
const line = (stamp: string, queue: string, address: string, dsn: string, status: string, reply: string) =>
  `${stamp} mx postfix/smtp[1]: ${queue}: to=<${address}>, ${relay}, dsn=${dsn}, status=${status} (${reply})`;
const failed = (stamp: string, index: number, address: string, dsn: string) =>
  line(stamp, `F${index.toString(16).toUpperCase()}`, address, dsn, 'bounced', `host mx.example.com[192.0.2.1] said: 550 ${dsn} <${address}>: no (in reply to RCPT TO command)`);
const sent = (stamp: string, index: number, address: string) => line(stamp, `D${index.toString(16).toUpperCase()}`, address, '2.0.0', 'sent', '250 ok');

/** Two inputs, each in phases: failures (hard or full mailbox), deliveries that close some stories, failures again in
 * other casings, more deliveries, a delivery followed at once by a failure; the stamps cross the turn of the year
 * between the inputs. */
function inputs(): { name: string; text: string }[] {
  const range = Array.from({ length: ADDRESSES }, (_, index) => index);
  const first = [
    ...range.map((i) => failed('Dec 31 22:00:00', i, `user${i}@example.com`, i % 2 ? '5.1.1' : '5.2.2')),
    ...range.filter((i) => i % 3 === 0).map((i) => sent('Dec 31 23:00:00', i, `user${i}@example.com`)),
    ...range.filter((i) => i % 4 === 0).map((i) => failed('Dec 31 23:30:00', i, `User${i}@Example.com`, '5.2.2')),
  ];
  const second = [
    ...range.filter((i) => i % 5 === 0).map((i) => failed('Jan  1 01:00:00', i, `USER${i}@example.COM`, '5.1.1')),
    ...range.filter((i) => i % 7 === 0).map((i) => sent('Jan  1 02:00:00', i, `user${i}@EXAMPLE.com`)),
    ...range.filter((i) => i % 11 === 0).map((i) => failed('Jan  1 03:00:00', i, `user${i}@example.com`, '5.2.2')),
    // A delivery and a failure side by side, in one run, after failures in earlier ones: the delivery closed those.
    ...range.filter((i) => i % 13 === 0).flatMap((i) => [sent('Jan  1 04:00:00', i, `user${i}@example.com`), failed('Jan  1 04:00:01', i, `user${i}@example.com`, '5.1.1')]),
  ];
  return [{ name: 'maillog.1', text: `${first.join('\n')}\n` }, { name: 'maillog', text: `${second.join('\n')}\n` }];
}

describe('records past the memory budget', function () {
  this.timeout(60_000);
  const budget = recordLimits.bytes;
  afterEach(() => { recordLimits.bytes = budget; });

  it('gives the records of an aggregation held in memory, with runs cut every few hundred addresses', async () => {
    const inMemory = await extractBounces(inputs(), { includeSoft: true, year: 2025 });
    // The runs go to a folder of this test's own (os.tmpdir() reads TMPDIR), so no other process's runs are counted.
    const own = mkdtempSync(path.join(tmpdir(), 'runs-joined-'));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = own;
    recordLimits.bytes = 1;
    let inRuns, hardInRuns;
    try {
      inRuns = await extractBounces(inputs(), { includeSoft: true, year: 2025 });
      hardInRuns = await extractBounces(inputs(), { year: 2025 });
      assert.deepEqual(readdirSync(own), [], 'the run files are removed once the records are taken');
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      rmSync(own, { recursive: true, force: true });
    }
    assert.ok(inMemory.records.length > ADDRESSES / 2, `${inMemory.records.length} records`);
    assert.ok(inMemory.records.some((record) => record.count > 1) && inMemory.records.some((record) => record.type === 'hard'));
    assert.deepEqual(inRuns.records, inMemory.records);
    assert.deepEqual([...inRuns.summary.laterDelivered].sort(), [...inMemory.summary.laterDelivered].sort());
    // The hard list: held in memory, the rows not kept are passed before their records are made; in runs, after.
    const hard = inMemory.records.filter((record) => record.type === 'hard');
    assert.ok(hard.length > 0 && hard.length < inMemory.records.length);
    assert.deepEqual((await extractBounces(inputs(), { year: 2025 })).records, hard);
    assert.deepEqual(hardInRuns.records, hard);
  });

  it('gives the same records without the pass that names the addresses delivered after failing', async () => {
    recordLimits.bytes = 1;
    const named = await extractBounces(inputs(), { includeSoft: true, year: 2025 });
    const unnamed = await extractBounces(inputs(), { includeSoft: true, year: 2025, laterDelivered: false });
    assert.ok(named.summary.laterDelivered.length > 100, `${named.summary.laterDelivered.length} delivered after failing`);
    assert.equal(named.summary.laterDeliveredCount, named.summary.laterDelivered.length);
    assert.deepEqual([unnamed.summary.laterDelivered, unnamed.summary.laterDeliveredCount], [[], 0]);
    assert.deepEqual(unnamed.records, named.records);
  });

  it('removes its run files when the CLI is stopped with Ctrl+C, and exits 130', async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'runs-interrupted-'));
    try {
      const log = path.join(own, 'maillog');
      writeFileSync(log, `${Array.from({ length: 200_000 }, (_, i) => failed('Jan  1 00:00:00', i, `u${i}@d${i % 977}.example`, '5.1.1')).join('\n')}\n`);
      const cli = spawn(process.execPath, [path.join(__dirname, '..', '..', 'src', 'cli.js'), 'extract', log], {
        env: { ...process.env, TMPDIR: own, SMTP_DIAG_RECORD_BYTES: '1' }, stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
      const runsFolders = () => readdirSync(own).filter((name) => name.startsWith('smtp-diag-records-'));
      for (let waited = 0; runsFolders().length === 0; waited += 20) {
        assert.ok(waited < 20_000, 'no run was written');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      cli.kill('SIGINT');
      assert.equal(await exited, 130);
      assert.deepEqual(runsFolders(), []);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('gives the suppression list the fields of the same records, held in memory and in runs', async () => {
    const shown = ({ address, type, reason }: ListedRecord) => ({ address, type, reason });
    for (const bytes of [budget, 1]) {
      recordLimits.bytes = bytes;
      for (const includeSoft of [false, true]) {
        const { records } = await extractBounces(inputs(), { includeSoft, year: 2025 });
        const listed = [...(await extractBounceStream(inputs(), { includeSoft, year: 2025 })).listed].map(shown);
        assert.ok(records.length > 100 && records.some((record) => record.type === 'hard'), `${records.length} records`);
        assert.equal(records.some((record) => record.type !== 'hard'), includeSoft);
        assert.deepEqual(listed, records.map(shown), `budget ${bytes}, soft ones ${includeSoft}`);
      }
    }
  });

  it('sorts the records by address regardless of case', async () => {
    const { records } = await extractBounces([{ name: 'maillog', text: ['b@x.example', 'A@x.example', 'c@x.example'].map((address, i) => failed('Jan  1 00:00:00', i, address, '5.1.1')).join('\n') }]);
    assert.deepEqual(records.map((record) => record.address), ['A@x.example', 'b@x.example', 'c@x.example']);
  });
});

describe('run files', () => {
  it('give back every row as written: no record, every field, Latin-1 and wider texts, a lone surrogate, empty texts, a text of 3 MB', () => {
    const own = mkdtempSync(path.join(tmpdir(), 'run-format-'));
    try {
      const rows: RunRow[] = [
        { key: 'a@x.example', count: 0, lastFailure: 0, deliveredAt: 12, priorDelivery: 0, time: [0, 0] },
        {
          key: 'b@x.example', count: 3, lastFailure: 40, deliveredAt: 0, priorDelivery: 7, time: [-1, 123456789],
          span: [[3, 1_700_000_000_000], [1, 1_700_000_100_000], [-2, 5], [-2, 9]],
          record: {
            address: 'B@x.example', status: '5.1.1', reply: '550', type: 'hard', reason: 'user-unknown', rule: 'address-gone', source: 'dsn',
            diagnostic: `half a pair \ud800 and ${'x'.repeat(3 << 20)}`, remoteMta: '', messageId: 'Q1', file: 'maillog', line: 99,
          },
        },
        {
          key: 'c@x.example', count: 1, lastFailure: 41, deliveredAt: 0, priorDelivery: 0, time: [1, 0],
          record: { address: 'c@x.example', type: 'soft', reason: 'mailbox-full', rule: 'code', diagnostic: '', file: 'maillog', line: 1 },
        },
        {
          // Latin-1 to its last character, then text that needs UTF-16 (Cyrillic, an emoji's pair).
          key: 'd@x.example', count: 1, lastFailure: 42, deliveredAt: 0, priorDelivery: 0, time: [1, 0],
          record: { address: 'D@x.example', type: 'hard', reason: 'user-unknown', rule: 'code', diagnostic: 'Boîte inconnue \u00ff', remoteMta: 'почта.example', messageId: '\u{1f4e7}', file: 'maillog', line: 2 },
        },
      ];
      const file = path.join(own, 'run');
      const writer = new RunWriter(file, RUN_ROW_CODEC);
      for (const row of rows) writer.write(row);
      writer.close();
      assert.deepEqual([...runRows(file, RUN_ROW_CODEC)], rows.map((row) => ({
        ...row, span: row.span, record: row.record && { status: undefined, reply: undefined, source: undefined, remoteMta: undefined, messageId: undefined, ...row.record },
      })));
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
