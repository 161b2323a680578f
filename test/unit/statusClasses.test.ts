import * as assert from 'node:assert/strict';
import { codeSpansOfLines, failureLines, SCANNED_COLUMNS } from '../../src/core/codes/statusClasses';

const LOG = [
  'Nov 27 09:14:04 mail postfix/smtp[2107]: 3F2A: to=<a@b.example>, relay=mx[203.0.113.7]:25, delay=550, dsn=5.3.2, status=bounced (host mx said: 550 5.3.2 not accepting)',
  'Nov 27 09:14:05 mail postfix/smtp[2108]: 3F2B: to=<c@d.example>, relay=mx[203.0.113.8]:25, delay=1.2, dsn=4.2.2, status=deferred (host mx said: 452 4.2.2 mailbox full)',
  'Nov 27 09:14:06 mail postfix/smtp[2109]: 3F2C: to=<e@f.example>, relay=mx[203.0.113.9]:25, delay=0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 45F1)',
  'Nov 27 09:14:07 mail postfix/qmgr[455]: 3F2C: removed',
];
const lineAt = (line: number) => LOG[line];
const texts = (spans: ReadonlyArray<{ line: number; start: number; end: number }>) => spans.map((span) => `${span.line}:${LOG[span.line].slice(span.start, span.end)}`);

describe('status classes of the codes on lines', () => {
  it('gives each reply and enhanced code a span of its class, and nothing to pids, delays, ports or IPs', () => {
    const spans = codeSpansOfLines(lineAt, 0, LOG.length - 1);
    assert.deepEqual(texts(spans.failure), ['0:5.3.2', '0:550', '0:5.3.2']);
    assert.deepEqual(texts(spans.deferral), ['1:4.2.2', '1:452', '1:4.2.2']);
    assert.deepEqual(texts(spans.success), ['2:2.0.0', '2:250', '2:2.0.0']);
  });

  it('reads only the lines asked for', () => {
    const spans = codeSpansOfLines(lineAt, 1, 1);
    assert.deepEqual([spans.failure.length, spans.deferral.length, spans.success.length], [0, 3, 0]);
  });

  it('marks failure lines, and deferral lines without a failure, for the overview ruler', () => {
    const mixed = [...LOG, 'x said: 451 4.7.1 try later; then 550 5.1.1 unknown'];
    assert.deepEqual(failureLines((line) => mixed[line], mixed.length), { failure: [0, 4], deferral: [1] });
  });

  it('marks an Exim reply that follows a literal "\\n"', () => {
    const exim = ['2024-01-01 00:00:00 1abc-0001-AB ** a@b.example R=dnslookup T=remote_smtp H=mx [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<a@b.example>: 550-first\\n550 5.1.1 unknown'];
    assert.deepEqual(failureLines((line) => exim[line], 1).failure, [0]);
  });

  it(`reads a line up to column ${SCANNED_COLUMNS.toLocaleString('en')}`, () => {
    const long = [`${'x '.repeat(SCANNED_COLUMNS)} dsn=5.1.1`, `dsn=5.1.1 ${'x '.repeat(SCANNED_COLUMNS)}`];
    assert.deepEqual(failureLines((line) => long[line], 2).failure, [1]);
  });
});
