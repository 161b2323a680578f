import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractBounces } from '../../src/core/bounce';
import type { BounceRecord, ClassifiedEvent } from '../../src/core/bounce';
import type { ExtractSummary } from '../../src/core/bounce/index';
import { failureKindOf } from '../../src/core/bounce/failureKind';
import fc from 'fast-check';
import { BounceReport, diagnosticPattern, reportText, withOwnAddressMasked } from '../../src/core/bounce/report';
import { TIMELINE_COLUMNS } from '../../src/core/bounce/reportModel';
import { UNSAFE_CHARACTER } from '../../src/core/bounce/safeText';
import { CORPUS_DIR, needsCorpus } from '../helpers/corpus';

const SUMMARY: ExtractSummary = { files: 1, bytes: 0, lines: 0, messages: 0, failed: 0, deferred: 0, delivered: 0, rejectedInbound: 0, laterDelivered: [], laterDeliveredCount: 0, problems: [] };

function failure(address: string, diagnostic: string, remoteMta = 'mx.example.com[192.0.2.1]:25'): ClassifiedEvent {
  return { address, outcome: 'failed', status: '5.1.1', reply: '550', diagnostic, remoteMta, file: 'log', line: 1, format: 'test', type: 'hard', reason: 'user-unknown', rule: 'address-gone' };
}

describe('bounce report', () => {
  it('counts a diagnostic as a pattern: addresses, IP addresses and ids masked, words and numbers kept', () => {
    assert.equal(diagnosticPattern('550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown'), '550 5.1.1 <…>: Recipient address rejected: User unknown');
    assert.equal(diagnosticPattern('550 5.7.1 Client host [192.0.2.7] blocked'), '550 5.7.1 Client host […] blocked');
    assert.equal(diagnosticPattern('550-5.1.1 No such user. 41be03b00d2f7-5f3c0d2a6bcsi123456 - gsmtp'), '550-5.1.1 No such user. … - gsmtp');
    assert.equal(diagnosticPattern('451 4.3.0 Temporary   lookup\n failure 20260101'), '451 4.3.0 Temporary lookup failure 20260101');
    // Time stamps and server names are identifiers as the decision table sees them; words joined by "_" stay words.
    assert.equal(diagnosticPattern('421 4.7.0 Try again later 1700000021 [DM6NAM12FT037.eop-nam12.prod.outlook.com]'), '421 4.7.0 Try again later … [….eop-nam12.prod.outlook.com]');
    assert.equal(diagnosticPattern('550 5.2.0 MAILBOX_QUOTA_EXCEEDED_42'), '550 5.2.0 MAILBOX_QUOTA_EXCEEDED_42');
  });

  it('masks a failure\'s own address before the pattern cache only where the pattern would mask it whole', () => {
    const own = 'ann.lee@example.com';
    assert.equal(withOwnAddressMasked(`550 5.1.1 <${own}>: unknown; ${own} again`, own), '550 5.1.1 <…>: unknown; … again');
    // Inside longer addresses, or followed by a character that would start one: left for the pattern.
    assert.equal(withOwnAddressMasked(`x.${own} b@${own} ${own}.org ${own}_x@y.org`, own), `x.${own} b@${own} ${own}.org ${own}_x@y.org`);
    // Addresses the pattern does not take as they are too: no dot in the domain, a letter beyond ASCII, quotes.
    const owns = [own, 'root@localhost', 'jos\u00e9@example.com', '"a b"@example.com'];
    const unit = fc.constantFrom('ann.lee', '@', 'example.com', 'a', 'Z', '7', '.', '-', '_', '+', '<', '>', ' ', ':', '…', '192.0.2.1', 'b@c.org', '\u00e9', '1234567890', '=');
    fc.assert(fc.property(fc.constantFrom(...owns), fc.array(fc.oneof(unit, fc.constant('OWN')), { maxLength: 30 }), (address, units) => {
      const text = units.map((piece) => (piece === 'OWN' ? address : piece)).join('');
      assert.equal(diagnosticPattern(withOwnAddressMasked(text, address)), diagnosticPattern(text));
    }), { seed: 20261203, numRuns: 5_000 });
  });

  it('groups failures of different addresses under one diagnostic, per domain, code and remote host', () => {
    const report = new BounceReport();
    for (const name of ['ann', 'ben', 'cat']) report.add(failure(`${name}@example.com`, `550 5.1.1 <${name}@example.com>: User unknown`));
    report.add(failure('dan@example.org', '550 5.1.1 <dan@example.org>: User unknown', 'mx.example.org [192.0.2.9]'));
    const markdown = report.toMarkdown(SUMMARY);
    assert.match(markdown, /\| example\.com \| 3 \| 0 \| 0 \| 0 \| 0 \| 550 5\.1\.1 &lt;…&gt;: User unknown \(×3\) \|/);
    assert.match(markdown, /\| 5\.1\.1 \| 4 \| 0 \| 0 \| 0 \| 0 \| 550 5\.1\.1 &lt;…&gt;: User unknown \(×4\) \|/);
    assert.match(markdown, /## Per remote host[^\n]*\n\n[^\n]*\n[^\n]*\n\| mx\.example\.com \| 3 \| 0 \| 0 \| 0 \| 0 \|/);
    assert.match(markdown, /\| mx\.example\.org \| 1 \|/);
  });

  it('shows the 50 busiest rows of a table and sums up the others in one row', () => {
    const report = new BounceReport();
    for (let index = 0; index < 53; index++) report.add(failure(`x@d${String(index).padStart(2, '0')}.example`, '550 5.1.1 User unknown'));
    const domains = report.toMarkdown(SUMMARY).split('## Per code')[0];
    assert.equal(domains.split('\n').filter((line) => /^\| d\d\d\.example \|/.test(line)).length, 50);
    assert.match(domains, /\| 3 more domains \| 3 \| 0 \| 0 \| 0 \| 0 \| \|/);
  });

  it('keeps at most 2,000 rows a table on 100,000 domains and hosts: busy ones still first, the last line\'s sums exact', () => {
    const report = new BounceReport();
    let busy = 0;
    for (let index = 0; index < 100_000; index++) {
      report.add(failure(`x@d${index}.example`, '550 5.1.1 User unknown', `mx.d${index}.example[192.0.2.1]:25`));
      // Two busy domains: one from the start, one first seen halfway (its first row is not given up).
      if (index % 100 === 0) { report.add(failure('x@busy.example', '550 5.1.1 User unknown')); busy++; }
      if (index >= 50_000 && index % 50 === 0) { report.add(failure('x@late.example', '550 5.1.1 User unknown')); busy++; }
    }
    const rows = (report as unknown as { tallies: Record<string, { rows: Map<string, unknown> }> }).tallies;
    for (const table of ['domains', 'hosts']) assert.ok(rows[table].rows.size <= 2_000, `${table}: ${rows[table].rows.size} rows`);
    const { tables } = report.model(SUMMARY);
    const domains = tables.find((table) => table.id === 'domains')!;
    assert.deepEqual(domains.rows.slice(0, 2).map((row) => [row.key, row.hard]), [['busy.example', 1_000], ['late.example', 1_000]]);
    const shown = domains.rows.reduce((sum, row) => sum + row.hard, 0);
    assert.equal(shown + domains.rest!.hard, 100_000 + busy);
    assert.equal(domains.rest!.estimated, true);
    // Linear counting: within 2 % of the 99,950 domains not shown.
    assert.ok(Math.abs(domains.rest!.rows - 99_952) < 2_000, String(domains.rest!.rows));
    assert.match(reportText(report.model(SUMMARY)), /about [\d,]+ more domains[^\n]*\n[\s\S]*Over 2,000 domains: the busiest were counted/);
  });

  it('keeps the most frequent diagnostic among thousands of different ones, with the count it surely has', () => {
    const report = new BounceReport();
    for (let index = 0; index < 5000; index++) report.add(failure('a@example.com', `550 5.1.1 unknown user, reason ${index}`));
    for (let index = 0; index < 40; index++) report.add(failure('a@example.com', '550 5.1.1 mailbox gone'));
    const markdown = report.toMarkdown(SUMMARY);
    assert.match(markdown, /\| example\.com \| 5040 \| 0 \| 0 \| 0 \| 0 \| 550 5\.1\.1 mailbox gone \(×40\+\) \|/);
  });
});

describe('bounce report model', () => {
  /** 2026-12-02: what stamps without a year are read against. */
  const NOW = Date.UTC(2026, 11, 2, 12);
  type Verdict = Pick<ClassifiedEvent, 'outcome' | 'type'>;
  const HARD: Verdict = { outcome: 'failed', type: 'hard' };
  const REVIEW: Verdict = { outcome: 'failed', type: 'review' };
  const SOFT: Verdict = { outcome: 'failed', type: 'soft' };
  const DEFERRED: Verdict = { outcome: 'deferred', type: 'soft' };
  const INBOUND: Verdict = { outcome: 'rejected-inbound', type: 'soft' };
  const at = (date: string | undefined, verdict: Verdict, line = 1): ClassifiedEvent => ({ ...failure('a@example.com', '550 5.1.1 User unknown'), ...verdict, date, line });
  const timelineOf = (events: ClassifiedEvent[], now = NOW) => {
    const report = new BounceReport({ now });
    for (const event of events) report.add(event);
    return report.model(SUMMARY).timeline;
  };

  it('counts failures per hour over a short span, empty hours included, stacked by verdict, inbound rejects left out', () => {
    const timeline = timelineOf([
      at('Nov 27 09:14:02', HARD), at('Nov 27 09:59:59', REVIEW), at('Nov 27 09:20:00', SOFT), at('Nov 27 09:21:00', DEFERRED),
      at('Nov 27 09:22:00', INBOUND), at('Nov 27 11:02:00', HARD), at(undefined, HARD), at('yesterday', SOFT),
    ]);
    assert.equal(timeline.unit, 'hour');
    assert.deepEqual(timeline.buckets, [
      { start: '2026-11-27T09:00', label: 'Nov 27 09:00', hard: 1, review: 1, soft: 1, deferred: 1 },
      { start: '2026-11-27T10:00', label: 'Nov 27 10:00', hard: 0, review: 0, soft: 0, deferred: 0 },
      { start: '2026-11-27T11:00', label: 'Nov 27 11:00', hard: 1, review: 0, soft: 0, deferred: 0 },
    ]);
    assert.equal(timeline.undated, 2);
    assert.equal(timeline.yearsInferred, true);
  });

  it('counts per day beyond two days and per month beyond about a year; a time with a zone in UTC, one without as written', () => {
    const daily = timelineOf([at('2026-11-27 23:59:00', HARD), at('Sat, 29 Nov 2026 08:10:00 +0900', SOFT), at('2026-11-30T00:30:00.123+01:00', DEFERRED)]);
    assert.equal(daily.unit, 'day');
    assert.deepEqual(daily.buckets.map(({ label, hard, soft, deferred }) => [label, hard, soft, deferred]),
      [['Nov 27', 1, 0, 0], ['Nov 28', 0, 1, 0], ['Nov 29', 0, 0, 1]]);
    assert.equal(daily.yearsInferred, false);
    const monthly = timelineOf([at('2025-01-15 10:00:00', HARD), at('2026-03-02 10:00:00', HARD), at('2026-03-30 10:00:00', REVIEW)]);
    assert.equal(monthly.unit, 'month');
    assert.equal(monthly.buckets.length, 15);
    assert.deepEqual([monthly.buckets[0].label, monthly.buckets[14].label, monthly.buckets[14].hard, monthly.buckets[14].review], ['Jan 2025', 'Mar 2026', 1, 1]);
  });

  it('gives syslog stamps the years the engine infers: a log read in January holds December', () => {
    const january = Date.UTC(2027, 0, 1, 6);
    const timeline = timelineOf([at('Dec 31 22:10:00', HARD), at('Jan  1 01:05:00', HARD)], january);
    assert.deepEqual(timeline.buckets.map((bucket) => bucket.start), ['2026-12-31T22:00', '2026-12-31T23:00', '2027-01-01T00:00', '2027-01-01T01:00']);
    // Two years: the labels say which.
    assert.equal(timeline.buckets[0].label, 'Dec 31 2026 22:00');
    // Feb 29 takes the last leap year; Feb 30 is no date.
    assert.deepEqual(timelineOf([at('Feb 29 10:00:00', HARD), at('Feb 30 10:00:00', HARD)]).buckets.map((bucket) => bucket.start), ['2024-02-29T10:00']);
  });

  it('keeps top lists of our own failures: inbound rejects left out, at most 10, most failures first', () => {
    const report = new BounceReport({ now: NOW });
    for (let index = 0; index < 12; index++) {
      for (let count = 0; count <= index; count++) report.add({ ...failure(`x@d${index}.example`, '550 5.1.1 unknown'), ...DEFERRED });
    }
    for (let count = 0; count < 50; count++) report.add({ ...failure('spam@inbound.example', '554 5.7.1 blocked'), ...INBOUND });
    const domains = report.model(SUMMARY).tables.find((table) => table.id === 'domains')!;
    assert.equal(domains.rows[0].key, 'inbound.example');
    assert.deepEqual(domains.top.map((entry) => [entry.key, entry.deferred]), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map((index) => [`d${index}.example`, index + 1]));
    assert.deepEqual(Object.keys(domains.top[0]), ['key', 'hard', 'review', 'soft', 'deferred']);
  });

  it('links a row to a line of its top diagnostic, and an address to the line of its last failure', () => {
    const report = new BounceReport({ now: NOW });
    const located = (line: number, diagnostic: string): ClassifiedEvent => ({ ...failure(`u${line}@example.com`, diagnostic), file: '/var/log/maillog', line });
    report.add(located(3, '550 5.1.1 mailbox gone'));
    report.add(located(8, '550 5.1.1 <b@example.com>: User unknown'));
    report.add(located(9, '550 5.1.1 <c@example.com>: User unknown'));
    const records: BounceRecord[] = [
      { address: 'u9@example.com', status: '5.1.1', reply: '550', type: 'hard', reason: 'user-unknown', rule: 'address-gone', source: 'log', diagnostic: 'x', remoteMta: null, date: null, messageId: null, file: '/var/log/maillog', line: 9, count: 1, firstSeen: null, lastSeen: null, yearInferred: false },
      { address: 'a@example.org', status: null, reply: '550', type: 'review', reason: 'other', rule: 'class', source: 'log', diagnostic: 'x', remoteMta: null, date: null, messageId: null, file: 'untitled:Untitled-1', line: 2, count: 4, firstSeen: null, lastSeen: null, yearInferred: false },
    ];
    const model = report.model(SUMMARY, { records });
    const codes = model.tables.find((table) => table.id === 'codes')!;
    assert.deepEqual([codes.rows[0].topDiagnostic, codes.rows[0].example], [{ text: '550 5.1.1 <…>: User unknown', count: 2, atLeast: false }, { file: '/var/log/maillog', line: 8 }]);
    assert.deepEqual(model.addresses.rows.map((row) => [row.address, row.type, row.code, row.source]), [
      ['u9@example.com', 'hard', '5.1.1', { file: '/var/log/maillog', line: 9 }],
      ['a@example.org', 'review', '550', { file: 'untitled:Untitled-1', line: 2 }],
    ]);
  });

  it('on samples/maillog: the verdicts the engine gave, per hour, with rows and addresses linked to their lines', async () => {
    const file = path.join(__dirname, '..', '..', '..', 'samples', 'maillog');
    const report = new BounceReport({ now: NOW });
    const { summary, records } = await extractBounces([{ path: file }], { includeSoft: true, year: 2026, onEvent: (event, dates) => report.add(event, dates) });
    const model = report.model(summary, { records, title: 'maillog' });
    assert.deepEqual(model.timeline.buckets, [{ start: '2026-11-27T09:00', label: 'Nov 27 09:00', hard: 2, review: 0, soft: 0, deferred: 1 }]);
    const byKey = (id: string) => Object.fromEntries(model.tables.find((table) => table.id === id)!.rows.map((row) => [row.key, row.example.line]));
    assert.deepEqual(byKey('domains'), { 'example.info': 10, 'example.net': 7, 'example.org': 11, 'legacy-corp.example': 6 });
    assert.deepEqual(byKey('reasons'), { blocked: 11, 'mailbox-full': 10, 'system-not-accepting': 6, 'user-unknown': 7 });
    assert.deepEqual(model.addresses.rows.map((row) => [row.address, row.source.line, row.source.file === file]), [['no.such.user@example.net', 7, true], ['old.staff@legacy-corp.example', 6, true]]);
  });

  it('dates a log as its records are dated: the year of syslog stamps from the file\'s modification time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-dates-'));
    try {
      const file = path.join(dir, 'maillog');
      const bounce = (stamp: string, user: string) => `${stamp} mx postfix/smtp[1]: Q${user}: to=<${user}@example.com>, relay=none, dsn=5.1.1, status=bounced (550 5.1.1 User unknown)`;
      fs.writeFileSync(file, `${bounce('Dec 31 23:10:00', 'ann')}\n${bounce('Jan  1 00:20:00', 'ben')}\n`);
      // Written on 5 January 2027: December's line is of 2026.
      fs.utimesSync(file, new Date(Date.UTC(2027, 0, 5)), new Date(Date.UTC(2027, 0, 5)));
      const report = new BounceReport();
      const { summary, records } = await extractBounces([{ path: file }], { onEvent: (event, dates) => report.add(event, dates) });
      const { timeline } = report.model(summary, { records });
      assert.deepEqual(records.map((record) => [record.date, record.yearInferred]), [['2026-12-31T23:10:00.000', true], ['2027-01-01T00:20:00.000', true]]);
      assert.deepEqual(timeline.buckets.map((bucket) => [bucket.start, bucket.hard]), [['2026-12-31T23:00', 1], ['2027-01-01T00:00', 1]]);
      assert.equal(timeline.yearsInferred, true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on the corpus', function () {
    before(function () { needsCorpus(this); });

    for (const folder of [['logs', 'fail2ban'], ['logs', 'exim-testsuite'], ['logs', 'postfix_exporter'], ['eml', 'maildir-tmp']]) {
      it(`${folder.join('/')}: every row links to a line of its own failures, and the timeline counts every failure once`, async () => {
        const report = new BounceReport({ now: NOW });
        const lines = new Map<string, Set<string>>();
        const own = { hard: 0, review: 0, soft: 0, deferred: 0 };
        const { summary, records } = await extractBounces([{ path: path.join(CORPUS_DIR, ...folder) }], {
          includeSoft: true,
          onEvent: (event, dates) => {
            report.add(event, dates);
            const column = failureKindOf(event);
            if (!column) return;
            if (column !== 'inbound') own[column]++;
            const where = `${event.file}:${event.line}`;
            for (const key of [`domains ${event.address.slice(event.address.lastIndexOf('@') + 1)}`, `reasons ${event.reason}`]) {
              if (!lines.has(key)) lines.set(key, new Set());
              lines.get(key)!.add(where);
            }
          },
        });
        const model = report.model(summary, { records });
        for (const id of ['domains', 'reasons']) {
          const table = model.tables.find((each) => each.id === id)!;
          assert.ok(table.rows.length > 0, id);
          for (const row of table.rows) assert.ok(lines.get(`${id} ${row.key}`)?.has(`${row.example.file}:${row.example.line}`), `${id} ${row.key} → ${row.example.file}:${row.example.line}`);
        }
        const counted = { hard: 0, review: 0, soft: 0, deferred: 0 };
        for (const bucket of model.timeline.buckets) for (const column of TIMELINE_COLUMNS) counted[column] += bucket[column];
        const total = (counts: typeof own) => counts.hard + counts.review + counts.soft + counts.deferred;
        assert.equal(total(counted) + model.timeline.undated, total(own));
        // Their failures carry dates the timeline reads.
        if (total(own) > 0) assert.ok(total(counted) > 0);
        for (const row of model.addresses.rows) {
          const record = records.find((each) => each.address === row.address)!;
          assert.deepEqual([row.type, row.source], [record.type, { file: record.file, line: record.line }]);
        }
      });
    }
  });
});

describe('bounce report as terminal text', () => {
  it('prints text from the log as it is, aligned, without HTML entities or Markdown escapes', () => {
    const report = new BounceReport();
    report.add(failure('a_b@example.com', '550 5.1.1 <a_b@example.com>: [mx] *User* unknown | see http://x/#1', 'mx.example.com[192.0.2.1]:25'));
    const text = reportText(report.model(SUMMARY, { title: 'Bounce report: mail.log' }));
    assert.match(text, /^Bounce report: mail\.log\n=+\n/);
    assert.match(text, /^domain {7}hard {2}review {2}soft {2}deferred {2}inbound rejects {2}top diagnostic$/m);
    assert.match(text, /^example\.com {5}1 {7}0 {5}0 {9}0 {16}0 {2}550 5\.1\.1 <…>: \[mx\] \*User\* unknown \| see http:\/\/x\/#1 \(×1\)$/m);
    assert.doesNotMatch(text, /&lt;|&gt;|&amp;|\\\[|\\\*|\\\|/);
  });

  it('writes control, bidi and separator characters from the inputs as escapes', () => {
    const report = new BounceReport();
    report.add(failure('a@example.com', '550 5.1.1 User\u202e unknown \u009b2J \u001b[31m', 'evil\u001b]0;owned\u0007host'));
    const text = reportText(report.model(SUMMARY));
    for (const line of text.split('\n')) assert.doesNotMatch(line, UNSAFE_CHARACTER);
    assert.ok(text.includes('550 5.1.1 User\\u202e unknown \\x9b2J \\x1b[31m'), text);
    assert.ok(text.includes('evil\\x1b]0;owned\\x07host'), text);
  });
});
