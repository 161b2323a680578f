// Rotated logs read apart (`extract --format ndjson --deliveries`, one process each) and merged (`smtp-diag merge`)
// must give what one reading of them all gives (src/core/bounce/merge.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BounceRecord, extractBounces, extractBounceStream, mapStepPieces, ndjsonPieces, parseResultLine, ResultMerger, type BounceInput } from '../../src/core/bounce';
import { recordLimits } from '../../src/core/bounce/sortedRuns';
import { runCliCaptured } from '../helpers/runCliCaptured';

const line = (stamp: string, queue: string, address: string, dsn: string, status: string, reply: string) =>
  `${stamp} mx postfix/smtp[1]: ${queue}: to=<${address}>, relay=mx.example.com[192.0.2.1]:25, delay=1, dsn=${dsn}, status=${status} (${reply})`;
let queue = 0;
const hard = (stamp: string, address: string) => line(stamp, `A${(queue++).toString(16).toUpperCase()}`, address, '5.1.1', 'bounced', `host mx.example.com[192.0.2.1] said: 550 5.1.1 <${address}>: User unknown (in reply to RCPT TO command)`);
const full = (stamp: string, address: string) => line(stamp, `B${(queue++).toString(16).toUpperCase()}`, address, '5.2.2', 'bounced', 'host mx.example.com[192.0.2.1] said: 552 5.2.2 Mailbox full (in reply to RCPT TO command)');
const sent = (stamp: string, address: string) => line(stamp, `C${(queue++).toString(16).toUpperCase()}`, address, '2.0.0', 'sent', '250 2.0.0 Ok: queued');

/** Two days of a log, rotated: each case of an address whose failures and deliveries fall in both files, or in one. */
const DAYS: { name: string; text: string }[] = [
  {
    name: 'maillog.1',
    text: [
      hard('Mar  1 10:00:00', 'closed@example.com'), // delivered to the next day: not on the list
      hard('Mar  1 10:00:01', 'again@example.com'), // fails softly the next day: still hard, twice
      full('Mar  1 10:00:02', 'harder@example.com'), // fails hard the next day: hard, twice
      hard('Mar  1 10:00:03', 'within@example.com'), sent('Mar  1 11:00:00', 'within@example.com'), // closed in its own file
      sent('Mar  1 10:00:04', 'reopened@example.com'), hard('Mar  1 11:00:01', 'reopened@example.com'), // open at the day's end
      hard('Mar  1 10:00:05', 'quiet@example.com'), // nothing the next day
      full('Mar  1 10:00:06', 'restarted@example.com'), // delivered, then fails hard the next day: a new story
      hard('Mar  1 10:00:07', 'Cased.User@Example.com'), // delivered the next day in another casing
    ].join('\n'),
  },
  {
    name: 'maillog',
    text: [
      sent('Mar  2 09:00:00', 'closed@example.com'),
      full('Mar  2 09:00:01', 'again@example.com'),
      hard('Mar  2 09:00:02', 'harder@example.com'),
      sent('Mar  2 09:00:03', 'restarted@example.com'), hard('Mar  2 09:00:04', 'restarted@example.com'),
      sent('Mar  2 09:00:05', 'cased.user@example.com'),
      hard('Mar  2 09:00:06', 'new@example.com'),
    ].join('\n'),
  },
];

/** What the map step writes for one input, as NDJSON lines. */
async function mapStep(input: BounceInput & { name: string }): Promise<string[]> {
  const { records, deliveries } = await extractBounceStream([input], { includeSoft: true, deliveries: true, year: 2025 });
  return [...mapStepPieces(input.name, records, deliveries, true)];
}

function mergerOf(lines: readonly string[]): ResultMerger {
  const merger = new ResultMerger();
  for (const text of lines) {
    const parsed = parseResultLine(text);
    assert.notEqual(typeof parsed, 'string', `${text}: ${String(parsed)}`);
    merger.add(parsed as Exclude<typeof parsed, string>);
  }
  return merger;
}

const merged = (lines: readonly string[], includeSoft: boolean): BounceRecord[] => [...mergerOf(lines).records(includeSoft)];

/** Days of many addresses, each in one of the cases of DAYS, with diagnostics beyond Latin-1 and records without a
 * remote host. */
function manyDays(addresses: number): { name: string; text: string }[] {
  const days: string[][] = [[], [], []];
  for (let index = 0; index < addresses; index++) {
    const address = `user${index}@d${index % 7}.example`;
    const pick = index % 5;
    days[0].push(pick === 4
      ? `Mar  1 10:00:00 mx postfix/smtp[1]: E${index}: to=<${address}>, relay=none, delay=1, dsn=5.2.2, status=bounced (552 5.2.2 Postfach voll – 邮箱已满 ${index})`
      : hard('Mar  1 10:00:00', address));
    if (pick === 0) days[1].push(sent('Mar  2 09:00:00', address.toUpperCase()));
    if (pick === 1) days[1].push(full('Mar  2 09:00:01', address));
    if (pick === 2) days[2].push(sent('Mar  3 09:00:00', address), hard('Mar  3 09:00:01', address));
    if (pick === 3) days[2].push(hard('Mar  3 09:00:02', address), sent('Mar  3 09:00:03', address), sent('Mar  3 09:30:00', address.replace('user', 'User')));
  }
  // Exim's lines carry their year: deliveries with a time known at once, not a syslog stamp.
  const exim = Array.from({ length: addresses / 10 }, (_, index) => `2025-03-04 08:00:00 1rA2b3-00${String(index).padStart(4, '0')}-5E => user${index * 3}@d${(index * 3) % 7}.example R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1]`);
  return [...days.map((text, index) => ({ name: `maillog.${2 - index}`, text: text.join('\n') })), { name: 'mainlog', text: exim.join('\n') }];
}

describe('results of rotated logs read apart, merged', function () {
  this.timeout(30_000);

  it('give the records of one reading of all the logs, in any order of their lines', async () => {
    const lines = [...await mapStep(DAYS[0]), ...await mapStep(DAYS[1])];
    assert.ok(lines.some((text) => JSON.parse(text).type === 'delivered'), 'the map step writes deliveries');
    assert.deepEqual(lines.filter((text) => text.includes('"end"')).map((text) => JSON.parse(text)), [
      { type: 'end', input: 'maillog.1', records: 7, deliveries: 2, allRead: true },
      { type: 'end', input: 'maillog', records: 4, deliveries: 3, allRead: true },
    ]);
    for (const includeSoft of [true, false]) {
      const whole = (await extractBounces(DAYS, { includeSoft, year: 2025 })).records;
      assert.deepEqual(merged(lines, includeSoft), whole);
      assert.deepEqual(merged([...lines].reverse(), includeSoft), whole, 'lines in the other order');
    }
    // The end lines count what the outputs hold, whatever the order of the lines; a line lost is told.
    assert.deepEqual(mergerOf([...lines].reverse()).doubts(), { problems: [] });
    const lost = lines.filter((text) => !text.includes('"within@example.com"'));
    assert.deepEqual(mergerOf(lost).doubts().problems, ['the outputs hold 15 records and deliveries where their end lines count 16: an output is cut short or holds lines of another (a map step stopped before its end?)']);
    const byAddress = new Map(merged(lines, true).map((record) => [record.address.toLowerCase(), record]));
    assert.deepEqual([...byAddress.keys()], ['again@example.com', 'harder@example.com', 'new@example.com', 'quiet@example.com', 'reopened@example.com', 'restarted@example.com']);
    assert.deepEqual([byAddress.get('again@example.com')!.type, byAddress.get('again@example.com')!.count], ['hard', 2]);
    assert.deepEqual([byAddress.get('harder@example.com')!.type, byAddress.get('harder@example.com')!.count, byAddress.get('harder@example.com')!.file], ['hard', 2, 'maillog']);
    assert.equal(byAddress.get('restarted@example.com')!.count, 1);
  });

  it('give the same records past the memory budget, the addresses held going to runs that are removed at the end', async () => {
    const days = manyDays(600);
    const lines: string[] = [];
    for (const day of days) lines.push(...await mapStep(day));
    const whole = (await extractBounces(days, { includeSoft: true, year: 2025 })).records;
    assert.ok(whole.length > 300 && whole.some((record) => record.count > 1) && whole.some((record) => /邮箱/.test(record.diagnostic)) && whole.some((record) => record.remoteMta === null));
    assert.deepEqual(merged(lines, true), whole, 'held in memory');
    // The runs go to a folder of this test's own (os.tmpdir() reads TMPDIR), so no other process's runs are counted.
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-runs-'));
    const savedTmp = process.env.TMPDIR;
    const budget = recordLimits.bytes;
    process.env.TMPDIR = own;
    recordLimits.bytes = 1;
    try {
      // The map step's deliveries too go to runs (a run per address): the lines are the same.
      const linesInRuns: string[] = [];
      for (const day of days) linesInRuns.push(...await mapStep(day));
      assert.deepEqual(linesInRuns, lines, 'map step in runs');
      assert.ok(lines.some((text) => text.includes('"delivered"') && text.includes('mainlog')));
      // A run per line: more runs than are read at once, so runs are also made of runs.
      const records = mergerOf([...lines].reverse()).records(true);
      const first = records.next();
      assert.equal(fs.readdirSync(own).filter((name) => name.startsWith('smtp-diag-merge-')).length, 1, 'a folder of runs while the records are taken');
      assert.deepEqual([first.value, ...records], whole, 'in runs');
      assert.deepEqual(fs.readdirSync(own), [], 'the runs are removed once the records are taken');
      assert.deepEqual(merged(lines, false), whole.filter((record) => record.type === 'hard'));
      // Every field a run keeps, as it came: the empty ones, an inferred year, a count and line of their own.
      const bare = whole.slice(0, 3).map((record, index) => ({
        ...record, address: `bare${index}@example.net`, status: null, reply: null, remoteMta: null, date: null, messageId: null, firstSeen: null, lastSeen: null,
        yearInferred: true, count: 7 + index, line: 1000 + index,
      }));
      assert.deepEqual(merged([...lines, ...ndjsonPieces(bare)], true), [...bare, ...whole]);
    } finally {
      recordLimits.bytes = budget;
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

  it('reads back only the lines extract writes, and says why of any other', () => {
    assert.equal(parseResultLine('not json'), 'not JSON');
    assert.equal(parseResultLine('[1]'), 'not a JSON object');
    assert.equal(parseResultLine('{"address":"a@x","type":"bounced"}'), 'type "bounced" is none of hard, review, soft, delivered, end');
    assert.deepEqual(parseResultLine('{"type":"end","input":"maillog","records":0,"deliveries":3,"allRead":false}'), { type: 'end', input: 'maillog', records: 0, deliveries: 3, allRead: false });
    assert.equal(parseResultLine('{"type":"end","input":"maillog","records":-1,"deliveries":3,"allRead":true}'), 'an end line without its input, counts or allRead');
    assert.equal(parseResultLine('{"type":"end","input":"maillog","records":1,"deliveries":3}'), 'an end line without its input, counts or allRead');
    const record = { address: 'a@x', status: '5.1.1', reply: '550', type: 'hard', reason: 'user-unknown', rule: 'address-gone', source: 'log', diagnostic: 'no', remoteMta: null, date: '2025-03-01T10:00:00.000', messageId: null, file: 'f', line: 1, count: 1, firstSeen: '2025-03-01T10:00:00.000', lastSeen: '2025-03-01T10:00:00.000', yearInferred: false };
    assert.deepEqual(parseResultLine(JSON.stringify({ extra: 'x'.repeat(100), ...record })), record, 'the record\'s own fields, in their order');
    assert.deepEqual(Object.keys(parseResultLine(JSON.stringify({ ...record, address: 'a@x' })) as object), Object.keys(record));
    assert.equal(parseResultLine(JSON.stringify({ ...record, count: 0 })), 'a record whose count is missing or not of its kind');
    assert.equal(parseResultLine(JSON.stringify({ ...record, diagnostic: 5 })), 'a record whose diagnostic is missing or not of its kind');
    assert.equal(parseResultLine(JSON.stringify({ ...record, lastSeen: 'yesterday' })), 'a record whose lastSeen is missing or not of its kind');
    assert.equal(parseResultLine('{"address":"a@x","type":"delivered","lastSeen":"yesterday","file":"f"}'), 'a delivery without lastSeen or file');
    assert.deepEqual(parseResultLine('{"address":"a@x","type":"delivered","lastSeen":"2025-03-02T09:00:00.000","file":"f"}'), { address: 'a@x', type: 'delivered', lastSeen: '2025-03-02T09:00:00.000', file: 'f' });
  });

  it('runs as the CLI: extract --deliveries per log, then merge; --deliveries only with NDJSON', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-'));
    try {
      const outputs: string[] = [];
      for (const day of DAYS) {
        const log = path.join(dir, day.name);
        fs.writeFileSync(log, `${day.text}\n`);
        const mapped = await runCliCaptured(['extract', '--all', '--format', 'ndjson', '--deliveries', '--year', '2025', log]);
        assert.equal(mapped.code, 0, mapped.stderr);
        outputs.push(path.join(dir, `${day.name}.ndjson`));
        fs.writeFileSync(outputs[outputs.length - 1], mapped.stdout);
      }
      const whole = await runCliCaptured(['extract', '--year', '2025', ...DAYS.map((day) => path.join(dir, day.name))]);
      const result = await runCliCaptured(['merge', ...outputs]);
      assert.deepEqual([result.code, result.stdout], [0, whole.stdout]);
      assert.equal(whole.stdout, 'again@example.com\nharder@example.com\nnew@example.com\nquiet@example.com\nreopened@example.com\nrestarted@example.com\n');
      // A line that is not the map step's output is named and left out; the rest is merged.
      const damaged = await runCliCaptured(['merge', '-'], `garbage\n${fs.readFileSync(outputs[0], 'utf8')}${fs.readFileSync(outputs[1], 'utf8')}`);
      assert.deepEqual([damaged.code, damaged.stdout, damaged.stderr], [1, whole.stdout, 'smtp-diag merge: stdin:1: not JSON\n']);
      assert.equal((await runCliCaptured(['extract', '--deliveries', outputs[0]])).code, 2);
      assert.equal(result.stderr, '');
      // Outputs made without --deliveries (no end lines): merged all the same, with one warning on stderr.
      const plain = await runCliCaptured(['extract', '--all', '--format', 'ndjson', '--year', '2025', path.join(dir, DAYS[0].name)]);
      assert.ok(!plain.stdout.includes('"end"') && !plain.stdout.includes('"delivered"'));
      const withoutDeliveries = await runCliCaptured(['merge', '-'], plain.stdout);
      assert.deepEqual([withoutDeliveries.code, withoutDeliveries.stderr], [0, 'smtp-diag merge: no end lines read: outputs of extract without --deliveries (or of an earlier version), so a delivery in one log could not close a failure in another\n']);
      // A log without a single delivery has its end line: no warning.
      const undelivered = path.join(dir, 'undelivered');
      fs.writeFileSync(undelivered, `${hard('Mar  3 08:00:00', 'only@example.com')}\n`);
      const mappedUndelivered = await runCliCaptured(['extract', '--format', 'ndjson', '--deliveries', '--year', '2025', undelivered]);
      assert.deepEqual(await runCliCaptured(['merge', '-'], mappedUndelivered.stdout), { code: 0, stdout: 'only@example.com\n', stderr: '' });
      // A map step stopped before its end (its output cut at a line's end), an empty output among whole ones, and an
      // input the map step could not read: each named, exit 1, the rest merged.
      const cut = path.join(dir, 'cut.ndjson');
      fs.writeFileSync(cut, fs.readFileSync(outputs[0], 'utf8').split('\n').slice(0, 3).map((text) => `${text}\n`).join(''));
      const empty = path.join(dir, 'empty.ndjson');
      fs.writeFileSync(empty, '');
      const stopped = await runCliCaptured(['merge', cut, outputs[1], empty]);
      assert.equal(stopped.code, 1);
      assert.equal(stopped.stderr, [
        `smtp-diag merge: ${cut}: no end line: not the whole output of extract --format ndjson --deliveries (its map step stopped before its end?)`,
        `smtp-diag merge: ${empty}: no end line: not the whole output of extract --format ndjson --deliveries (its map step stopped before its end?)`,
        'smtp-diag merge: the outputs hold 10 records and deliveries where their end lines count 7: an output is cut short or holds lines of another (a map step stopped before its end?)',
        '',
      ].join('\n'));
      const missing = path.join(dir, 'missing.log');
      const partly = await runCliCaptured(['extract', '--format', 'ndjson', '--deliveries', '--year', '2025', path.join(dir, DAYS[0].name), missing]);
      assert.equal(partly.code, 1);
      assert.ok(partly.stdout.endsWith(`{"type":"end","input":${JSON.stringify(missing)},"records":0,"deliveries":0,"allRead":false}\n`), partly.stdout);
      const unread = await runCliCaptured(['merge', '-'], `${partly.stdout}${fs.readFileSync(outputs[1], 'utf8')}`);
      assert.deepEqual([unread.code, unread.stderr], [1, `smtp-diag merge: 1 input(s) of the map step were not read whole (${missing}; extract named the files on its stderr): what they hold is not in this list\n`]);
      // A line of more than 16 MB (no output of extract) is named, not held whole; CRLF line ends are read as LF.
      const huge = await runCliCaptured(['merge', '-'], `${fs.readFileSync(outputs[0], 'utf8').replace(/\n/g, '\r\n')}${'x'.repeat(17 << 20)}\n${fs.readFileSync(outputs[1], 'utf8')}`);
      const firstLines = fs.readFileSync(outputs[0], 'utf8').split('\n').length;
      assert.deepEqual([huge.code, huge.stdout, huge.stderr], [1, whole.stdout, `smtp-diag merge: stdin:${firstLines}: a line of more than ${16 << 20} characters\n`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
