// A log read on several threads, in byte ranges (src/core/bounce/logWorkers.ts), gives what one thread gives, byte for
// byte: records, summary and every event a listener hears, in order. Ranges are made about one line long here, so
// that a boundary falls inside every message whose lines are joined (Postfix deferred then expired, Exim's host error
// then "**", qmail's "starting delivery" then its result, Exchange's "#Fields:" then its rows, a delivery after a
// failure), and inside CRLF and CR line ends, long lines and a turn of the year.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractBounces, formatRecords } from '../../src/core/bounce';
import type { BounceInput, ClassifiedEvent } from '../../src/core/bounce';
import { MAX_LINE_BYTES } from '../../src/core/bounce/input';
import { mergeBound, rangeSizes, readsSoFar, workersAvailable } from '../../src/core/bounce/logWorkers';
import { CORPUS_DIR, needsCorpus } from '../helpers/corpus';

/** What a reading gives, in a form assert compares: records as JSON, the summary, and the events heard. */
async function reading(inputs: BounceInput[], threads: number, listening: boolean) {
  const events: ClassifiedEvent[] = [];
  const { records, summary } = await extractBounces(inputs, { threads, includeSoft: true, year: 2024, onEvent: listening ? (event) => events.push(event) : undefined });
  return { records: formatRecords(records, 'json'), summary, events: JSON.stringify(events) };
}

/** Asserts that two threads, with ranges of about `rangeBytes`, read `inputs` as one thread does; returns the
 * single thread's reading and what the reading on two threads did (ranges, ranges read again whole, ranges read alone
 * once the merge was the bound, which `bound` sets). */
async function assertSameOnTwoThreads(inputs: BounceInput[], rangeBytes: number, bound = mergeBound) {
  assert.ok(workersAvailable(), 'the worker script is compiled beside logWorkers');
  const saved = { ...rangeSizes };
  const savedBound = { ...mergeBound };
  try {
    const one = { extract: await reading(inputs, 1, false), report: await reading(inputs, 1, true) };
    Object.assign(rangeSizes, { minBytes: 0, rangeBytes });
    Object.assign(mergeBound, bound);
    const before = { ...readsSoFar };
    assert.deepEqual(await reading(inputs, 2, false), one.extract);
    assert.deepEqual(await reading(inputs, 2, true), one.report);
    const ranges = readsSoFar.ranges - before.ranges;
    assert.ok(ranges > readsSoFar.files - before.files, `read in ${ranges} ranges`);
    return { ...one, ranges, readAgain: readsSoFar.readAgain - before.readAgain, readAlone: readsSoFar.readAlone - before.readAlone };
  } finally {
    Object.assign(rangeSizes, saved);
    Object.assign(mergeBound, savedBound);
  }
}

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-logs-'));

describe('reading a log on several threads', function () {
  this.timeout(240_000);

  it('gives the corpus logs byte for byte what one thread gives', async function () {
    needsCorpus(this);
    const { extract } = await assertSameOnTwoThreads([{ path: path.join(CORPUS_DIR, 'logs') }], 80);
    assert.ok(extract.summary.failed > 400 && extract.summary.lines > 5000);
  });

  it('gives a generated Postfix log (deferred then expired, bounced then delivered) what one thread gives', async () => {
    const { generatePostfixLog } = await import(pathToFileURL(path.join(__dirname, '..', '..', '..', 'scripts', 'lib', 'generate-postfix-log.mjs')).href);
    const dir = scratch();
    try {
      const file = path.join(dir, 'maillog');
      // Queue lifetime is a day: the first message expires after about 64,000 lines.
      fs.writeFileSync(file, generatePostfixLog({ lines: 80_000, seed: 7 }));
      const { extract, readAgain } = await assertSameOnTwoThreads([{ path: file }], 4000);
      // What the ranges before left was joined line by line (queue IDs deferred across a boundary), never by reading
      // a range again whole.
      assert.equal(readAgain, 0);
      assert.ok(extract.summary.failed > 100 && extract.summary.delivered > 1000 && extract.summary.laterDelivered.length > 0);
      assert.ok(JSON.parse(extract.records).some((record: { diagnostic: string }) => record.diagnostic.startsWith('expired in queue')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('joins the lines of every format across ranges, with CRLF, CR, long lines and a turn of the year', async () => {
    const postfix = (stamp: string, text: string) => `${stamp} mx postfix/${text}`;
    const lines = [
      // Postfix: deferred, retried, expired; a recipient that bounces and is delivered later; a reject.
      postfix('Dec 30 23:59:58', 'smtp[1]: AB12: to=<eel@example.com>, relay=none, delay=10, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.9]:25: Connection timed out)'),
      postfix('Dec 31 10:00:00', 'smtp[1]: AB12: to=<eel@example.com>, relay=none, delay=10, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.9]:25: Connection timed out)'),
      postfix('Dec 31 10:00:01', 'smtp[1]: AB13: to=<ray@example.com>, relay=mx.example.com[192.0.2.9]:25, delay=1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.9] said: 550 5.1.1 User unknown (in reply to RCPT TO command))'),
      // The turn of the year, after a syslog priority.
      `<22>Jan  1 00:00:01 mx postfix/smtp[1]: AB14: to=<Ray@example.com>, relay=mx.example.com[192.0.2.9]:25, delay=1, dsn=2.0.0, status=sent (250 ok)`,
      postfix('Jan  2 10:00:01', 'qmgr[2]: AB12: from=<news@example.org>, status=expired, returned to sender'),
      postfix('Jan  2 10:00:02', 'qmgr[2]: AB12: removed'),
      postfix('Jan  2 10:00:03', 'smtpd[3]: NOQUEUE: reject: RCPT from unknown[192.0.2.5]: 550 5.1.1 <hen@example.com>: Recipient address rejected: User unknown; from=<aap@example.org> to=<hen@example.com> proto=SMTP helo=<test>'),
      // Exim: a host error, then "**" without a code, joined to it; delivered "=>", deferred "==".
      '2024-01-02 10:00:01 1rA2b3-000C4d-5E H=mx.example.com [192.0.2.10]: SMTP error from remote mail server after RCPT TO:<gnu@example.com>: 451 4.3.0 Temporary lookup failure',
      '2024-01-02 10:00:02 1rA2b3-000C4e-5E => fine@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.10]',
      '2024-01-03 10:00:01 1rA2b3-000C4d-5E ** gnu@example.com: retry timeout exceeded',
      '2024-01-03 10:00:01 1rA2b3-000C4d-5E Completed',
      '2024-01-03 10:00:02 1rA2b3-000C4f-5E == later@example.net R=dnslookup T=remote_smtp defer (-44) H=mx.example.net [192.0.2.25]: SMTP error from remote mail server after RCPT TO:<later@example.net>: 451 4.7.1 Greylisted',
      // qmail: the recipient is named by "starting delivery", the result comes later.
      '@400000005e5f7a2b1c2d3e4f starting delivery 17: msg 1234 to remote cat@example.net',
      '@400000005e5f7a2b1c2d3e50 starting delivery 18: msg 1235 to remote dog@example.net',
      '@400000005e5f7a2c1c2d3e4f delivery 17: failure: 192.0.2.25_does_not_like_recipient./Remote_host_said:_550_5.1.1_<cat@example.net>..._User_unknown/Giving_up_on_192.0.2.25./',
      '@400000005e5f7a2c1c2d3e50 delivery 18: success: 192.0.2.26_accepted_message./Remote_host_said:_250_ok/',
      // Sendmail, OpenSMTPD, Courier, a transcript line.
      'Jan  3 10:00:01 mx sendmail[2101]: x23A0Bq001234: to=<ann@example.com>,<ben@example.com>, delay=00:00:01, mailer=esmtp, pri=120, relay=mx.example.com. [192.0.2.10], dsn=5.1.1, stat=User unknown',
      'Jan  3 10:00:02 mx smtpd[77]: 1a2b3c4d5e6f7a8b mta delivery evpid=a1b2c3d4e5f60718 from=<news@example.org> to=<owl@example.com> rcpt=<-> source="192.0.2.1" relay="192.0.2.10 (mx.example.com)" delay=2s result="PermFail" stat="550 5.1.1 <owl@example.com>: Recipient address rejected: User unknown"',
      'Jan  3 10:00:03 mail courieresmtpd: error,relay=::ffff:192.0.2.4,from=<f@example.org>,to=<bogus@example.com>: 550 User unknown.',
      '<<< 550 5.1.1 <fox@example.com>... User unknown',
      // Not ASCII: an IDN domain, a line separator inside a line.
      postfix('Jan  3 10:00:04', 'smtp[1]: AB15: to=<jürgen@bücher.example>, relay=none, delay=1, dsn=5.1.1, status=bounced (550 5.1.1 Benutzer unbekannt\u2028nicht da)'),
      '',
      // A line of over MAX_LINE_BYTES, with a bounce in its last piece.
      `${'x'.repeat(MAX_LINE_BYTES)}<<< 550 5.1.1 <far@example.com>... User unknown`,
      // Exchange: the columns, then rows that need them (and every line after them that no other format takes).
      '#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes',
      '2024-01-03T10:00:01.000Z,,,192.0.2.5,EX01,,,SMTP,FAIL,123,<m1@example.org>,abc,ant@example.com,"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found",1234',
      '2024-01-03T10:00:02.000Z,,,192.0.2.5,EX01,,,SMTP,DELIVER,124,<m2@example.org>,abd,ray@example.com,"250 2.6.0 Queued",1234',
    ];
    // Line ends: LF, CRLF, a bare CR; no line end at the end.
    const text = `${lines.slice(0, 8).join('\n')}\r\n${lines.slice(8, 14).join('\r\n')}\r${lines.slice(14).join('\n')}\n`
      + postfix('Jan  4 10:00:00', 'smtp[1]: AB16: to=<ray@example.com>, relay=mx.example.com[192.0.2.9]:25, delay=1, dsn=5.1.1, status=bounced (550 5.1.1 unknown)');
    const dir = scratch();
    try {
      const file = path.join(dir, 'mixed.log');
      fs.writeFileSync(file, text);
      const { report } = await assertSameOnTwoThreads([{ path: file }], 40);
      const events = JSON.parse(report.events) as ClassifiedEvent[];
      // Each format's joined lines gave their events, on the lines they are on.
      const failed = events.filter((event) => event.outcome === 'failed').map((event) => `${event.format} ${event.address} ${event.line}`);
      assert.deepEqual(failed, [
        'postfix ray@example.com 3', 'postfix eel@example.com 5', 'exim gnu@example.com 10', 'qmail cat@example.net 15', 'sendmail ann@example.com 17',
        'sendmail ben@example.com 17', 'opensmtpd owl@example.com 18', 'generic fox@example.com 20', 'postfix jürgen@bücher.example 21',
        'generic far@example.com 23', 'exchange ant@example.com 25', 'postfix ray@example.com 27',
      ]);
      assert.match(events.find((event) => event.address === 'gnu@example.com')!.diagnostic, /; line 8: SMTP error/);
      assert.equal(report.summary.lines, 27);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a PowerMTA accounting file as one thread does, its header and rows in different ranges', async () => {
    const row = (type: string, address: string, status: string, diagnostic: string) => `${type},1704189601,${address},${status},"smtp;${diagnostic}",mx.example.com (192.0.2.10)`;
    const lines = ['type,timeLogged,rcpt,dsnStatus,dsnDiag,dsnMta'];
    for (let index = 0; index < 30; index++) {
      lines.push(row('b', `u${index}@example.com`, '5.1.1 (bad destination mailbox address)', `550 5.1.1 <u${index}@example.com>: User unknown, sorry`));
      if (index % 3 === 0) lines.push(row('d', `u${index}@example.com`, '2.0.0 (success)', '250 ok'));
      if (index % 5 === 0) lines.push(row('t', `v${index}@example.com`, '4.7.0 (delivery not authorized)', '421 4.7.0 Try again later'));
    }
    const dir = scratch();
    try {
      const file = path.join(dir, 'acct.csv');
      fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
      const { extract } = await assertSameOnTwoThreads([{ path: file }], 200);
      const records = JSON.parse(extract.records) as { address: string; type: string }[];
      assert.equal(records.length, 20, 'every third address was delivered to after failing');
      assert.ok(records.every((record) => record.type === 'hard' && !/^u(?:0|3|6)@/.test(record.address)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the rest alone, as one thread does, once a range made many new failed addresses', async () => {
    const { generatePostfixLog } = await import(pathToFileURL(path.join(__dirname, '..', '..', '..', 'scripts', 'lib', 'generate-postfix-log.mjs')).href);
    // Distinct failed addresses, with a delivery to one that failed earlier among them (its record must close).
    const failures = (from: number, count: number) => Array.from({ length: count }, (_, index) => index === count / 2
      ? `Mar  9 10:00:00 mx postfix/smtp[1]: D1: to=<x${from}@example.com>, relay=mx.example.com[192.0.2.9]:25, delay=1, dsn=2.0.0, status=sent (250 ok)`
      : `Mar  9 10:00:00 mx postfix/smtp[1]: F${from + index}: to=<x${from + index}@example.com>, relay=mx.example.com[192.0.2.9]:25, delay=1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.9] said: 550 5.1.1 User unknown (in reply to RCPT TO command))`);
    const dir = scratch();
    try {
      // A log that turns dense after a sparse start, and one dense from its first range; ranges of 4,000 bytes, and
      // at least 10 new addresses (about 2,600 a MB) to be the bound.
      const turning = path.join(dir, 'turning.log');
      fs.writeFileSync(turning, `${generatePostfixLog({ lines: 6000, seed: 3 })}${failures(0, 400).join('\n')}\n`);
      const dense = path.join(dir, 'dense.log');
      fs.writeFileSync(dense, `${failures(1000, 400).join('\n')}\n`);
      const bound = { rowsPerMb: 2600, minRows: 10 };
      const late = await assertSameOnTwoThreads([{ path: turning }], 4000, bound);
      assert.ok(late.readAlone > 0 && late.readAlone < late.ranges / 2, `${late.readAlone} of ${late.ranges} ranges read alone`);
      const early = await assertSameOnTwoThreads([{ path: dense }], 4000, bound);
      // Each of the two readings (extract, report) read all its ranges but the first alone.
      assert.equal(early.readAlone, early.ranges - 2);
      assert.equal(early.readAgain, 0);
      assert.equal(JSON.parse(early.extract.records).length, 398);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a range again whole when the state of the ranges before it and its own would pass the bounds', async () => {
    // 60,000 queue IDs deferred and never settled: more than the state keeps (its 8 M characters hold some 33,000
    // of these). Whichever are forgotten decides which expiries at the end find their recipient.
    const lines: string[] = [];
    for (let id = 0; id < 60_000; id++) lines.push(`Mar  3 10:00:00 mx postfix/smtp[1]: Q${id}: to=<u${id}@example.com>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.9]:25: Connection timed out)`);
    for (const id of [0, 9_999, 10_000, 30_000, 59_999]) lines.push(`Mar  8 10:00:00 mx postfix/qmgr[2]: Q${id}: from=<news@example.org>, status=expired, returned to sender`);
    const dir = scratch();
    try {
      const file = path.join(dir, 'maillog');
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      const { extract, readAgain } = await assertSameOnTwoThreads([{ path: file }], 1 << 20);
      assert.ok(readAgain > 0, 'some range was read again');
      assert.deepEqual(JSON.parse(extract.records).map((record: { address: string }) => record.address), ['u30000@example.com', 'u59999@example.com']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
