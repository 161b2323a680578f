import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BounceRecord, extractBounces } from '../../src/core/bounce';
import { fullDate, InputDates, isoText, type YearSource } from '../../src/core/bounce/eventTime';
import { splitCsvLine } from '../../src/core/bounce/logs/csv';
import { runCliCaptured } from '../helpers/runCliCaptured';

/** A Postfix line: `who`@example.com bounced hard, at `stamp` (syslog "Mar  3 10:00:01" or RFC 5424). */
const bounce = (stamp: string, who: string) => `${stamp} mx1 postfix/smtp[2101]: 4A1B2C3D4E: to=<${who}@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=1.2, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.10] said: 550 5.1.1 User unknown (in reply to RCPT TO command))`;
/** A Postfix line of a delivery: it reports no failure, but its stamp still counts. */
const delivery = (stamp: string) => `${stamp} mx1 postfix/smtp[2102]: 5B2C3D4E5F: to=<ok@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=0.3, dsn=2.0.0, status=sent (250 2.0.0 OK)`;
const exim = (stamp: string, who: string) => `${stamp} 1abcDE-000001-AB ** ${who}@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<${who}@example.com>: 550 5.1.1 User unknown`;

const DSN = [
  'From: MAILER-DAEMON@mx.example.org',
  'To: sender@example.org',
  'Subject: Undelivered Mail Returned to Sender',
  'Date: Tue, 2 Jan 2024 10:00:05 +0100',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
  '',
  '--B',
  'Content-Type: text/plain',
  '',
  '<dave@example.com>: host mx.example.com said: 550 5.1.1 User unknown',
  '',
  '--B',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.org',
  'Arrival-Date: Tue, 2 Jan 2024 09:59:58 +0100',
  '',
  'Final-Recipient: rfc822; dave@example.com',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
  'Last-Attempt-Date: Tue, 2 Jan 2024 10:00:00 +0100 (CET)',
  '',
  'Final-Recipient: rfc822; erin@example.com',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
  '',
  '--B--',
  '',
].join('\r\n');

const EXCHANGE = [
  '#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes',
  '2024-03-03T10:00:01.000Z,,,192.0.2.5,EX01,,,SMTP,FAIL,123,<m1@example.org>,abc,owl@example.com,"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",1234',
].join('\n');

const dated = (records: readonly BounceRecord[]) => Object.fromEntries(records.map((record) => [record.address.split('@')[0], [record.date, record.firstSeen, record.lastSeen, record.yearInferred]]));

describe('dates of records: ISO 8601, and the year of syslog stamps', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dates-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A file holding `lines`, last written at `modified` (ISO text). */
  function file(name: string, lines: readonly string[], modified?: string): string {
    const target = path.join(dir, name);
    fs.writeFileSync(target, `${lines.join('\n')}\n`);
    if (modified) fs.utimesSync(target, new Date(modified), new Date(modified));
    return target;
  }

  describe('year of a syslog stamp, from the file\'s modification time', () => {
    it('puts December lines of a file written in January in the year before, and the lines after the turn in the next', async () => {
      const log = file('rollover.log', [bounce('Dec 31 23:59:50', 'alice'), bounce('Jan  1 00:00:10', 'bob'), bounce('Jan  1 00:00:20', 'alice')], '2025-01-01T06:00:00Z');
      const { records } = await extractBounces([{ path: log }]);
      assert.deepEqual(dated(records), {
        alice: ['2024-12-31T23:59:50.000', '2024-12-31T23:59:50.000', '2025-01-01T00:00:20.000', true],
        bob: ['2025-01-01T00:00:10.000', '2025-01-01T00:00:10.000', '2025-01-01T00:00:10.000', true],
      });
    });

    it('takes the year of the modification time, the year before when the stamp would be after it (a day of slack)', async () => {
      const cases: [string, string, string][] = [
        ['Mar  3 10:00:01', '2023-06-01T00:00:00Z', '2023-03-03T10:00:01.000'],
        ['Jul 10 10:00:01', '2023-06-01T00:00:00Z', '2022-07-10T10:00:01.000'],
        // Within a day after the file's time: clocks and zones differ, the stamp is local time.
        ['Jun  1 20:00:00', '2023-06-01T00:00:00Z', '2023-06-01T20:00:00.000'],
        ['Jan  1 00:30:00', '2024-12-31T22:40:00Z', '2025-01-01T00:30:00.000'],
        // 2025 has no 29 February.
        ['Feb 29 12:00:00', '2025-03-01T00:00:00Z', '2024-02-29T12:00:00.000'],
      ];
      for (const [index, [stamp, modified, expected]] of cases.entries()) {
        const { records } = await extractBounces([{ path: file(`year-${index}.log`, [bounce(stamp, 'alice')], modified) }]);
        assert.equal(records[0].date, expected, `${stamp} in a file written ${modified}`);
      }
    });

    it('counts back from the last stamp, so a log longer than a year keeps its first year', async () => {
      const log = file('long.log', [bounce('Nov 20 10:00:00', 'alice'), bounce('Jan  5 10:00:00', 'bob'), bounce('Dec 28 10:00:00', 'carol'), bounce('Jan  3 10:00:00', 'dave')], '2024-01-03T12:00:00Z');
      const { records } = await extractBounces([{ path: log }]);
      assert.deepEqual(records.map((record) => record.date), ['2022-11-20T10:00:00.000', '2023-01-05T10:00:00.000', '2023-12-28T10:00:00.000', '2024-01-03T10:00:00.000']);
    });

    it('sees the turn of the year on lines that report no failure', async () => {
      // Between the two failures the year turns; only deliveries show it. March is not half a year before July.
      const log = file('sparse.log', [bounce('Jul 10 10:00:00', 'alice'), delivery('Dec 20 10:00:00'), delivery('Jan  5 10:00:00'), bounce('Mar  3 10:00:00', 'bob')], '2024-04-01T00:00:00Z');
      const { records } = await extractBounces([{ path: log }]);
      assert.deepEqual(records.map((record) => record.date), ['2023-07-10T10:00:00.000', '2024-03-03T10:00:00.000']);
    });

    it('does not take lines a little out of order, or files concatenated newest first, for a turn of the year', async () => {
      const log = file('unordered.log', [bounce('Jan  9 10:00:00', 'alice'), bounce('Jan  8 23:59:59', 'bob'), bounce('Jan  2 10:00:00', 'carol')], '2024-01-10T00:00:00Z');
      const { records } = await extractBounces([{ path: log }]);
      assert.deepEqual(records.map((record) => record.date), ['2024-01-09T10:00:00.000', '2024-01-08T23:59:59.000', '2024-01-02T10:00:00.000']);
    });
  });

  it('dates the stamps of many logs of several years, each year\'s ended inputs sharing one set of dates', async () => {
    // The store keeps an ended input as the dates it shares with the inputs of its year (InputDates.settled); the
    // address of all the logs keeps its first and last, and each log's own address its date.
    const years = [2021, 2024, 2022, 2024, 2021];
    const logs = years.map((year, index) => file(`year-${index}.log`, [bounce('Mar  3 10:00:00', 'all'), bounce(`Mar  ${index + 4} 10:00:00`, `own${index}`)], `${year}-06-01T00:00:00Z`));
    const found = dated((await extractBounces(logs.map((log) => ({ path: log })))).records);
    assert.deepEqual(found.all, ['2021-03-03T10:00:00.000', '2021-03-03T10:00:00.000', '2024-03-03T10:00:00.000', true]);
    assert.deepEqual(years.map((_, index) => found[`own${index}`][0]), years.map((year, index) => `${year}-03-0${index + 4}T10:00:00.000`));
  });

  it('shares the dates of ended inputs by their first year and how it was decided, and nothing of an open one', () => {
    const ended = (source: YearSource, stamp: string): InputDates | undefined => {
      const dates = new InputDates(source);
      dates.observeLine(`${stamp} mx cron[1]: x`);
      assert.ok(dates.settled === undefined, 'open');
      dates.end();
      return dates.settled;
    };
    const june2024 = Date.parse('2024-06-01T00:00:00Z');
    const first = ended({ reference: june2024 }, 'Mar  3 10:00:00');
    assert.ok(first);
    assert.equal(ended({ reference: june2024 }, 'Jan  9 10:00:00'), first);
    assert.notEqual(ended({ reference: Date.parse('2023-06-01T00:00:00Z') }, 'Mar  3 10:00:00'), first);
    const given = ended({ year: 2024 }, 'Mar  3 10:00:00');
    assert.notEqual(given, first);
    assert.deepEqual([first.yearInferred, given?.yearInferred, first.yearOfRollOver(1)], [true, false, 2025]);
    const noStamp = new InputDates({ reference: june2024 });
    noStamp.end();
    assert.equal(noStamp.settled, undefined);
  });

  it('counts no more than a century of turns of the year when the lines go back and forth (two logs interleaved)', async () => {
    // Every second line goes back more than half a year: 300,000 turns put the first stamp before year 0 (-298,000)
    // and a given year past the last one a date can hold (302,020); either way the extraction threw.
    const backAndForth = Array.from({ length: 300_000 }, () => 'Jul 15 10:00:00 mx cron[1]: x\nJan  1 10:00:00 mx cron[1]: x').join('\n');
    const log = file('interleaved.log', [bounce('Jul 15 09:00:00', 'alice'), backAndForth, bounce('Jan  1 11:00:00', 'bob')], '2024-06-01T00:00:00Z');
    // Past the hundredth turn, the latest stamp is a 15 July, which the file's time puts in 2023.
    const inferred = dated((await extractBounces([{ path: log }])).records);
    assert.deepEqual([inferred.alice[0], inferred.bob[0]], ['1923-07-15T09:00:00.000', '2023-01-01T11:00:00.000']);
    const given = dated((await extractBounces([{ path: log }], { year: 2020 })).records);
    assert.deepEqual([given.alice[0], given.bob[0]], ['2020-07-15T09:00:00.000', '2120-01-01T11:00:00.000']);
  });

  it('takes the year from --year for the first stamp of each input, the next after a turn, and says it is not inferred', async () => {
    const log = file('given.log', [bounce('Dec 31 23:59:50', 'alice'), bounce('Jan  1 00:00:10', 'bob')], '2025-01-01T06:00:00Z');
    const result = await runCliCaptured(['extract', '--format', 'json', '--year', '2020', log]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(dated(JSON.parse(result.stdout)), {
      alice: ['2020-12-31T23:59:50.000', '2020-12-31T23:59:50.000', '2020-12-31T23:59:50.000', false],
      bob: ['2021-01-01T00:00:10.000', '2021-01-01T00:00:10.000', '2021-01-01T00:00:10.000', false],
    });
    for (const bad of ['20', '2020a', '']) assert.equal((await runCliCaptured(['extract', '--year', bad, log])).code, 2, bad);
    assert.equal((await runCliCaptured(['report', '--year', '2020', log])).code, 2, 'report has no dates');
  });

  it('dates stdin and text without a modification time by the current date, and text with one by it', async () => {
    const before = new Date();
    const result = await runCliCaptured(['extract', '--format', 'ndjson', '-'], `${bounce('Jan  1 00:00:05', 'alice')}\n`);
    const [record] = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as BounceRecord);
    // 1 January is never after today: this year's (the year before only if the year turned during the test).
    assert.ok([`${before.getUTCFullYear()}-01-01T00:00:05.000`, `${new Date().getUTCFullYear()}-01-01T00:00:05.000`].includes(record.date ?? ''), record.date ?? '');
    assert.equal(record.yearInferred, true);
    // A stamp three days ahead of now is in the year before the one that puts it after now.
    const ahead = new Date(Date.now() + 3 * 86_400_000);
    const stamp = `${ahead.toUTCString().slice(8, 11)} ${String(ahead.getUTCDate()).padStart(2, ' ')} 12:00:00`;
    const fromNow = await extractBounces([{ name: 'editor', text: bounce(stamp, 'bob') }]);
    assert.equal(fromNow.records[0].date?.slice(0, 4), String(ahead.getUTCFullYear() - 1));
    const fromFile = await extractBounces([{ name: 'editor', text: bounce(stamp, 'bob'), modified: Date.parse('2019-12-31T00:00:00Z') }]);
    assert.match(fromFile.records[0].date ?? '', /^2019-/);
  });

  describe('ISO 8601 in every date field', () => {
    it('writes dates with a zone in UTC, dates without one as the source wrote them, in JSON, NDJSON and CSV', async () => {
      const inputs = [
        file('exim.log', [exim('2024-01-02 10:00:00', 'carol'), exim('2024-01-02 10:00:00 +0100', 'frank'), exim('2024-01-02 11:30:00.250', 'carol')]),
        file('rfc5424.log', [bounce('2024-01-02T10:00:00.123456+01:00', 'grace')]),
        file('exchange.log', [EXCHANGE]),
        file('bounce.eml', [DSN]),
      ];
      const json = JSON.parse((await runCliCaptured(['extract', '--all', '--format', 'json', ...inputs])).stdout) as BounceRecord[];
      const expected = {
        carol: ['2024-01-02T10:00:00.000', '2024-01-02T10:00:00.000', '2024-01-02T11:30:00.250', false],
        frank: ['2024-01-02T09:00:00.000Z', '2024-01-02T09:00:00.000Z', '2024-01-02T09:00:00.000Z', false],
        grace: ['2024-01-02T09:00:00.123Z', '2024-01-02T09:00:00.123Z', '2024-01-02T09:00:00.123Z', false],
        owl: ['2024-03-03T10:00:01.000Z', '2024-03-03T10:00:01.000Z', '2024-03-03T10:00:01.000Z', false],
        // The DSN's Last-Attempt-Date, else the bounce's own Date.
        dave: ['2024-01-02T09:00:00.000Z', '2024-01-02T09:00:00.000Z', '2024-01-02T09:00:00.000Z', false],
        erin: ['2024-01-02T09:00:05.000Z', '2024-01-02T09:00:05.000Z', '2024-01-02T09:00:05.000Z', false],
      };
      assert.deepEqual(dated(json), expected);
      const ndjson = (await runCliCaptured(['extract', '--all', '--format', 'ndjson', ...inputs])).stdout.trim().split('\n').map((line) => JSON.parse(line) as BounceRecord);
      assert.deepEqual(dated(ndjson), expected);
      const [header, ...rows] = (await runCliCaptured(['extract', '--all', '--format', 'csv', ...inputs])).stdout.trim().split('\r\n');
      const columns = header.split(',');
      const cell = (row: string, name: string) => splitCsvLine(row)[columns.indexOf(name)];
      assert.deepEqual(Object.fromEntries(rows.map((row) => [cell(row, 'address').split('@')[0], ['date', 'firstSeen', 'lastSeen', 'yearInferred'].map((name) => cell(row, name))])),
        Object.fromEntries(Object.entries(expected).map(([who, values]) => [who, values.map(String)])));
    });

    it('writes every instant as Date does: years 0 to 9999, before 1970, milliseconds, fractions cut, zoned or not', () => {
      const instants = [0, -1, 1, 999, -86_400_001, 1_700_000_000_123, 1_700_000_000_123.9, -1.5, Date.UTC(2024, 1, 29, 23, 59, 59, 999)];
      const farthest = [new Date('0000-01-01T00:00:00.000Z').getTime(), new Date('9999-12-31T23:59:59.999Z').getTime()];
      instants.push(...farthest);
      // Random instants over the whole range, then close to one another (records on the same day, in any order).
      let seed = 7;
      const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      for (let index = 0; index < 2000; index++) instants.push(Math.floor(farthest[0] + random() * (farthest[1] - farthest[0])));
      for (let index = 0; index < 2000; index++) instants.push(1_700_000_000_000 + Math.floor(random() * 3 * 86_400_000) - 86_400_000);
      for (const instant of instants) {
        const expected = new Date(instant).toISOString();
        assert.equal(isoText({ instant, zoned: true, yearInferred: false }), expected, String(instant));
        assert.equal(isoText({ instant, zoned: false, yearInferred: false }), expected.slice(0, -1), String(instant));
      }
    });

    it('reads RFC 5322 dates (zone names, two-digit years, comments) and refuses impossible ones', () => {
      const iso = (text: string) => { const time = fullDate(text); return time && isoText(time); };
      assert.equal(iso('Thu, 29 Apr 2013 23:34:45 -0800 (PST)'), '2013-04-30T07:34:45.000Z');
      assert.equal(iso('2 Jan 24 10:00 EST'), '2024-01-02T15:00:00.000Z');
      assert.equal(iso('Wed,  2 Jul 2008 04:01:03 +0900 (JST)'), '2008-07-01T19:01:03.000Z');
      assert.equal(iso('Tue, 2 Jan 2024 10:00:00'), '2024-01-02T10:00:00.000');
      assert.equal(iso('2024-01-02T10:00:00Z'), '2024-01-02T10:00:00.000Z');
      for (const text of ['Fri, 30 Feb 2024 10:00:00 +0000', '2023-02-29 10:00:00', '2024-01-02 24:00:00', 'Tue, 2 Foo 2024 10:00:00 +0000', 'yesterday', 'Jan  2 10:00:00']) {
        assert.equal(fullDate(text), undefined, text);
      }
    });
  });

  it('keeps firstSeen at or before lastSeen when a record\'s lines mix formats, comparing instants, not texts', async () => {
    // An RFC 5424 line, then a classic syslog line two days earlier, then an Exim line from another file earlier still.
    const mixed = file('mixed.log', [bounce('2024-03-05T10:00:00+00:00', 'alice'), bounce('Mar  3 10:00:01', 'alice')], '2024-06-01T00:00:00Z');
    const older = file('older.log', [exim('2024-03-01 09:00:00', 'alice')]);
    const { records } = await extractBounces([{ path: mixed }, { path: older }]);
    // The syslog stamp, whose year was inferred, is neither the record's date nor its first or last.
    assert.deepEqual(dated(records), { alice: ['2024-03-05T10:00:00.000Z', '2024-03-01T09:00:00.000', '2024-03-05T10:00:00.000Z', false] });
    const instant = (text: string | null) => Date.parse(/Z$/.test(text ?? '') ? text! : `${text}Z`);
    assert.ok(instant(records[0].firstSeen) <= instant(records[0].lastSeen));
  });
});
