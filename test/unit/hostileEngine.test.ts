// Hostile and huge input: the engine's time grows linearly with a line's (or a message's) length, and what it keeps
// (records, queue state, caches) is bounded by bytes, whatever the input. Each shape here once took time in the square
// (or cube) of its length, or kept whole lines: the sizes are small enough for the suite, large enough that the old
// growth shows. `npm run bench -- patterns` runs the same shapes at 100 KB and 1 MB.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { extractBounces, extractBounceStream, LATER_DELIVERED_KEPT } from '../../src/core/bounce';
import type { ClassifiedEvent } from '../../src/core/bounce';
import { clipAddressFields, MAX_ADDRESS_FIELD_BYTES } from '../../src/core/bounce/addressFields';
import { bodyRecipients } from '../../src/core/bounce/bodyRecipients';
import { classify, createClassifier } from '../../src/core/bounce/classify';
import { detach } from '../../src/core/bounce/detach';
import { createLogParser } from '../../src/core/bounce/logs';
import { MAX_EXPLANATION_CHARS, parseBounceMessage } from '../../src/core/bounce/message';
import { BounceReport } from '../../src/core/bounce/report';
import type { BounceEvent } from '../../src/core/bounce/types';
import { linesHolding } from '../../src/core/trace/grep';
import { parseTraceLine } from '../../src/core/trace/line';
import { Readable } from 'node:stream';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** `unit` repeated to at least `size` characters. */
const repeated = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length));
const SYSLOG = 'Jan  1 00:00:00 mx ';

/** Milliseconds `work` takes, the best of three runs after a collection each (a run may meet the machine's other
 * work). */
async function timed(work: () => unknown): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    gc();
    const started = performance.now();
    await work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * Doubling the input at most about doubles the time: t(2n) < 3·t(n) + 50 ms. Time in the square of the length
 * takes four times as long, so at sizes where the old code took a tenth of a second or more this fails for it.
 */
async function assertLinear(build: (size: number) => () => unknown, size: number): Promise<void> {
  await timed(build(1000));
  // A busy machine can slow one measurement many times over; time in the square of the length fails every try.
  const tries: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const once = await timed(build(size));
    const twice = await timed(build(2 * size));
    if (twice < 3 * once + 50) return;
    tries.push(`${size} characters: ${once.toFixed(1)} ms, ${2 * size}: ${twice.toFixed(1)} ms`);
  }
  assert.fail(tries.join('; '));
}

const source = { file: 'hostile', line: 1 };
/** A log line through a fresh parser, after `before` (lines that set up the state it depends on). */
const logLine = (line: string, ...before: string[]) => () => {
  const parse = createLogParser();
  for (const text of before) parse(text, source);
  return parse(line, source);
};

const failure = (diagnostic: string, extra: Partial<BounceEvent> = {}): BounceEvent => ({
  address: 'a@b.example', outcome: 'failed', diagnostic, file: 'hostile', line: 1, format: 'test', ...extra,
});

/** A bounce message with the given body (multipart when `contentType` says so). */
const message = (body: string, contentType = 'text/plain') => Buffer.from(
  `From: MAILER-DAEMON@mx.example\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\nContent-Type: ${contentType}\n\n${body}`, 'latin1');
const multipartReport = (parts: ReadonlyArray<readonly [string, string]>) => message(
  `${parts.map(([type, text]) => `--B\nContent-Type: ${type}\n\n${text}\n`).join('')}--B--\n`, 'multipart/report; report-type=delivery-status; boundary="B"');
const recipientLines = (count: number) => Array.from({ length: count }, (_, i) => `user${i}@example.com: 550 5.1.1 user unknown`).join('\n');

/** Extracts from text given as one stream chunk per line; `onEvent` sees every classified event. */
function extractLines(lines: readonly string[], onEvent?: (event: ClassifiedEvent) => void) {
  const stream = (async function* () { for (const line of lines) yield Buffer.from(`${line}\n`); })();
  return extractBounces([{ name: 'hostile.log', stream }], { onEvent });
}

/** Heap growth (bytes, after a collection) between the start of `run` and the moment it calls `measure`. */
async function heapGrowthAt(run: (measure: () => void) => Promise<unknown>): Promise<number> {
  gc();
  const before = process.memoryUsage().heapUsed;
  let growth = NaN;
  await run(() => { gc(); growth = process.memoryUsage().heapUsed - before; });
  return growth;
}

const MB = 1 << 20;
/** The last line of a memory test: the heap is measured when its event arrives, while the parser's state is alive. */
const SENTINEL = `${SYSLOG}postfix/smtp[1]: FFFF: to=<end@b.example>, relay=none, dsn=5.1.1, status=bounced (550 unknown)`;
const atSentinel = (measure: () => void) => (event: ClassifiedEvent) => { if (event.address === 'end@b.example') measure(); };

describe('hostile input: time linear in the length', function () {
  this.timeout(120_000);

  it('Postfix: a run of the delivery line\'s prefix', () => assertLinear((n) => logLine(SYSLOG + repeated('postfix/smtp[1]: Q1: to=<a@b.example>, relay=none, dsn=4.0.0, status=deferred (', n)), 8_000));
  it('Postfix: a run of "postfix/" before an incomplete delivery line', () => assertLinear((n) => logLine(`${SYSLOG + repeated('postfix/', n)}smtp[1]: Q1: to=<a@b.example>, x`), 40_000));
  it('Postfix: a run of " dsn=…, status=deferred (" without the closing parenthesis', () => assertLinear((n) => logLine(`${SYSLOG}postfix/smtp[1]: Q1: to=<a@b.example>, relay=none,${repeated(' dsn=4.0.0, status=deferred (', n)}`), 80_000));
  it('Postfix: a reject with "; from=<" repeated', () => assertLinear((n) => logLine(`${SYSLOG}postfix/smtpd[1]: NOQUEUE: reject: RCPT from h[192.0.2.1]: 550 5.1.1 x${repeated('; from=<', n)}`), 40_000));
  it('Postfix: a run of the expiry line\'s prefix', () => assertLinear((n) => logLine(`${SYSLOG + repeated('postfix/qmgr[1]: Q1: from=<', n)}, status=expired`), 80_000));
  it('Sendmail: "to=" followed by ", " repeated', () => assertLinear((n) => logLine(`${SYSLOG}sendmail[1]: Q1: to=${repeated(', ', n)}`), 20_000));
  it('Sendmail: one delivery line of many recipients (the relay was looked for once per recipient)', () => assertLinear((n) => logLine(`${SYSLOG}sendmail[1]: Q1: to=${Array.from({ length: Math.ceil(n / 20) }, (_, i) => `<u${i}@example.com>`).join(',')}, delay=00:00:01, mailer=esmtp, relay=mx.example.com. [192.0.2.1], dsn=5.1.1, stat=User unknown`), 200_000));
  it('Exchange: one row of many recipients (its CSV was built a character at a time)', () => assertLinear((n) => logLine(
    `2026-11-27T09:14:05.123Z,ex1.example.org,FAIL,<m1@example.org>,${Array.from({ length: Math.ceil(n / 20) }, (_, i) => `u${i}@example.com`).join(';')},550 5.1.1 not found`,
    '#Fields: date-time,server-hostname,event-id,message-id,recipient-address,recipient-status'), 400_000));
  it('Exchange: a row of empty cells without a quote (each cell looked for a quote to the end of the line)', () => assertLinear((n) => logLine(
    `2026-11-27T09:14:05.123Z,ex1.example.org,FAIL,<m1@example.org>,a@b.example${','.repeat(n)}`, '#Fields: date-time,server-hostname,event-id,message-id,recipient-address'), 400_000));
  it('Exchange: a row of quoted cells without a comma (each cell looked for a comma to the end of the line)', () => assertLinear((n) => logLine(
    `2026-11-27T09:14:05.123Z,ex1.example.org,FAIL,<m1@example.org>,${repeated('"a"x', n)}`, '#Fields: date-time,server-hostname,event-id,message-id,recipient-address'), 400_000));
  it('OpenSMTPD: "smtpd[1]: x mta delivery evpid=1 to=<a> " repeated', () => assertLinear((n) => logLine(SYSLOG + repeated('smtpd[1]: x mta delivery evpid=1 to=<a> ', n)), 10_000));
  it('OpenSMTPD: "to=<" repeated', () => assertLinear((n) => logLine(`${SYSLOG}smtpd[1]: x mta delivery evpid=1 ${repeated('to=<', n)}`), 40_000));
  it('Courier: "from=<," repeated among the fields', () => assertLinear((n) => logLine(`courieresmtpd[1]: error,relay=x,${repeated('from=<,', n)}`), 40_000));
  it('trace: a run of long-queue-ID letters with "z" among them, never followed by ": "', () => assertLinear((n) => () => parseTraceLine(`${SYSLOG}postfix/qmgr[1]: ${repeated('Bz', n)}`), 80_000));
  it('trace: a delivery line of "queued as " and " id=" repeated', () => assertLinear((n) => () => parseTraceLine(`${SYSLOG}postfix/smtp[1]: 3F2A11C0B7: to=<a@b.example>, status=sent (${repeated('queued as  id=', n)})`), 40_000));
  it('trace: an Exim arrival of " H=" and " S=" repeated', () => assertLinear((n) => () => parseTraceLine(`2025-01-01 00:00:00 1tAbCd-0001Xy-9Z <= a@b.example${repeated(' H= S= id=<', n)}`), 40_000));
  it('trace: the line search on one line of "4C1D2E3F4" repeated, looking for "4C1D2E3F4A"', () => assertLinear((n) => async () => {
    for await (const batch of linesHolding(Readable.from([Buffer.from(`${repeated('4C1D2E3F4', n)}\n`)]), [Buffer.from('4C1D2E3F4A')])) void batch;
  }, 400_000));
  it('transcript lines: "RCPT TO:<" repeated', () => assertLinear((n) => logLine(repeated('RCPT TO:<', n)), 40_000));
  it('classifier: "client host [" repeated', () => assertLinear((n) => () => classify(failure(repeated('client host [', n))), 40_000));
  it('report: a remote host of "[" repeated', () => assertLinear((n) => () => new BounceReport().add({ ...failure('550 x', { remoteMta: `host ${'['.repeat(n)}` }), type: 'hard', reason: 'other', rule: 'class' }), 20_000));
  it('report: a date of "2026-11-27 " repeated', () => assertLinear((n) => () => new BounceReport().add({ ...failure('550 x'), date: repeated('2026-11-27 ', n), type: 'hard', reason: 'other', rule: 'class' }), 40_000));
  it('message: an HTML-only body of "<" repeated', () => assertLinear((n) => () => parseBounceMessage(message('<'.repeat(n), 'text/html'), 'hostile'), 20_000));
  // Base64, so the CRs reach the text as they are (a message's own line ends are made LF first).
  it('message: a text part of bare CRs before "From: " (each a line start where a quoted header block may begin)', () => assertLinear((n) => () => parseBounceMessage(message(
    Buffer.from(`a@b.example: 550 unknown\n${repeated('\rFrom: x', n)}`).toString('base64'), 'text/plain\nContent-Transfer-Encoding: base64'), 'hostile'), 40_000));
  it('message: returned headers of "Message-ID: <" lines', () => assertLinear((n) => () => parseBounceMessage(multipartReport([['text/plain', 'a@b.example: 550 unknown'], ['text/rfc822-headers', repeated('Message-ID: <\n', n)]]), 'hostile'), 80_000));
  it('message: provider JSON with "bouncedRecipients":[ repeated', () => assertLinear((n) => () => parseBounceMessage(message(`{"notificationType":"Bounce",${repeated('"bouncedRecipients":[', n)}`), 'hostile'), 40_000));
  it('message: a DSN of 3,000 recipients with a text part naming each', () => assertLinear((n) => () => parseBounceMessage(multipartReport([
    ['text/plain', recipientLines(n / 150)],
    ['message/delivery-status', `Reporting-MTA: dns; mx.example\n\n${Array.from({ length: n / 150 }, (_, i) => `Final-Recipient: rfc822; user${i}@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 unknown\n`).join('\n')}`],
  ]), 'hostile'), 450_000));
  it('bodyRecipients: one failure line of many addresses', () => assertLinear((n) => () => bodyRecipients(`failed: ${repeated('a1@b.example b2@b.example ', n)}`, new Set()), 20_000));
  it('bodyRecipients: a transcript\'s "RCPT TO:" followed by "@@" repeated', () => assertLinear((n) => () => bodyRecipients(`>>> RCPT\tTO:P${repeated('@@', n)}<`, new Set()), 20_000));
});

describe('hostile input: memory bounded by bytes', function () {
  this.timeout(120_000);

  it('a detached text is an exact copy that does not keep its chunk alive', () => {
    // A lone surrogate and an unpaired low one: a copy through UTF-8 made both U+FFFD.
    const odd = 'reply \ud800 from \udc00 host, and more';
    assert.equal(detach(`${odd}`.slice(0)), odd);
    gc();
    const before = process.memoryUsage().heapUsed;
    // 64 chunks of 1 MB (as a log's decoded blocks are), 200 characters kept of each.
    const kept = Array.from({ length: 64 }, (_, i) => detach(`${String(i).repeat(MB)}`.slice(1_000, 1_200)));
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    assert.ok(growth < 4 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB keeping 64 texts of 200 characters`);
    assert.deepEqual(kept.map((text) => text.length), kept.map(() => 200));
  });

  it('names at most LATER_DELIVERED_KEPT addresses delivered after failing, and counts them all', async () => {
    const count = LATER_DELIVERED_KEPT + 500;
    const postfix = (i: number, status: string) => `${SYSLOG}postfix/smtp[1]: Q${i.toString(16)}: to=<u${i}@example.com>, relay=none, ${status}`;
    const lines = [
      ...Array.from({ length: count }, (_, i) => postfix(i, 'dsn=5.1.1, status=bounced (550 5.1.1 User unknown)')),
      ...Array.from({ length: count }, (_, i) => postfix(i, 'dsn=2.0.0, status=sent (250 ok)')),
    ];
    const { records, summary } = await extractBounces([{ name: 'log', text: lines.join('\n') }]);
    assert.deepEqual([records.length, summary.laterDelivered.length, summary.laterDeliveredCount], [0, LATER_DELIVERED_KEPT, count]);
    const report = new BounceReport();
    assert.equal(report.model(summary).laterDelivered.more, count - 20);
  });

  it('Postfix: 40 deferrals of 1 MB, never settled, keep a bounded prefix of each', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${SYSLOG}postfix/smtp[1]: Q${i.toString(16)}: to=<a${i}@b.example>, relay=none, dsn=4.0.0, status=deferred (${'x'.repeat(MB)})`);
    const growth = await heapGrowthAt((measure) => extractLines([...lines, SENTINEL], atSentinel(measure)));
    assert.ok(growth < 16 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
  });

  it('Postfix: 40 recipients of 1 MB are not remembered whole', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${SYSLOG}postfix/smtp[1]: Q${i.toString(16)}: to=<${String(i).repeat(MB)}>, relay=none, dsn=5.1.1, status=bounced (550 unknown)`);
    const growth = await heapGrowthAt((measure) => extractLines([...lines, SENTINEL], atSentinel(measure)));
    assert.ok(growth < 16 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
  });

  it('Exim: 40 host errors of 1 MB waiting for their message keep a bounded prefix of each', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `2024-01-01 00:00:00 1abcde-0000${String(i).padStart(2, '0')}-AB H=mx [192.0.2.1]: SMTP error from remote mail server after RCPT TO: 550 ${'x'.repeat(MB)}`);
    const growth = await heapGrowthAt((measure) => extractLines([...lines, SENTINEL], atSentinel(measure)));
    assert.ok(growth < 16 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
  });

  it('the classifier\'s cache: 4,000 distinct diagnostics of 4 KB', async () => {
    const classifier = createClassifier();
    const growth = await heapGrowthAt(async (measure) => {
      for (let i = 0; i < 4000; i++) classifier(failure(`550 5.1.1 unknown ${i} ${'x'.repeat(4000)}`));
      measure();
    });
    assert.ok(growth < 8 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
  });

  it('the report\'s pattern cache: 200 distinct diagnostics of 100 KB', async () => {
    const report = new BounceReport();
    const growth = await heapGrowthAt(async (measure) => {
      for (let i = 0; i < 200; i++) report.add({ ...failure(`550 unknown ${i} ${'x'.repeat(100_000)}`), type: 'hard', reason: 'other', rule: 'class' });
      measure();
    });
    assert.ok(growth < 8 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
  });

  it('the report\'s timeline: 300,000 distinct hours (34 years) keep 100,000, the others counted undated', async () => {
    const report = new BounceReport();
    const growth = await heapGrowthAt(async (measure) => {
      for (let i = 0; i < 300_000; i++) report.add({ ...failure('550 unknown'), date: new Date(Date.UTC(1990, 0, 1) + i * 3_600_000).toISOString(), type: 'hard', reason: 'other', rule: 'class' });
      measure();
    });
    assert.ok(growth < 24 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
    const { timeline } = report.model({ files: 1, bytes: 0, lines: 0, messages: 0, failed: 0, deferred: 0, delivered: 0, rejectedInbound: 0, laterDelivered: [], laterDeliveredCount: 0, problems: [] });
    assert.equal(timeline.undated, 200_000);
    assert.equal(timeline.unit, 'month');
  });

  it('a record keeps a bounded prefix of a 1 MB diagnostic, with an ellipsis', async () => {
    const { records } = await extractLines([`${SYSLOG}postfix/smtp[1]: Q1: to=<a@b.example>, relay=none, dsn=5.1.1, status=bounced (550 5.1.1 unknown ${'x'.repeat(MB)})`]);
    assert.equal(records.length, 1);
    assert.ok(records[0].diagnostic.length < 10_000, `${records[0].diagnostic.length} characters kept`);
    assert.ok(records[0].diagnostic.startsWith('550 5.1.1 unknown xxx') && records[0].diagnostic.endsWith('…'));
  });

  it('the report\'s timeline keeps nothing per input once the input has ended (20,000 files of one bounce)', async () => {
    const inputs = Array.from({ length: 20_000 }, (_, i) => ({ name: `f${i}.log`, text: `Nov 27 09:14:05 mail postfix/smtp[1]: Q${i}: to=<same@example.com>, relay=x, dsn=5.1.1, status=bounced (550 5.1.1 user unknown)\n` }));
    gc();
    const before = process.memoryUsage().heapUsed;
    const report = new BounceReport();
    // The extraction's own state (its records, a table of the inputs their dates need) goes with it.
    await extractBounceStream(inputs, { onEvent: (event, dates) => report.add(event, dates) }).then((stream) => stream.dispose());
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    // Each input's pending hours were kept to the end, a map and a stamp each: the heap grew by 13 MB here (3 MB now).
    assert.ok(growth < 6 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB with the report alive`);
    assert.equal(report.model({ files: 20_000, bytes: 0, lines: 20_000, messages: 0, failed: 20_000, deferred: 0, delivered: 0, rejectedInbound: 0, laterDelivered: [], laterDeliveredCount: 0, problems: [] }).timeline.buckets.reduce((sum, bucket) => sum + bucket.hard, 0), 20_000);
  });

  it('the report of 150,000 distinct failed addresses makes no record: its CLI runs in a 40 MB heap', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-report-'));
    try {
      const log = path.join(dir, 'maillog');
      fs.writeFileSync(log, Array.from({ length: 150_000 }, (_, i) => `${SYSLOG}postfix/smtp[1]: Q${i}: to=<user${i}@example.com>, relay=x, delay=1, dsn=5.1.1, status=bounced (550 5.1.1 user unknown)\n`).join(''));
      // The records were made and kept (about 800 bytes each of heap), and this ended in "heap out of memory".
      const result = spawnSync(process.execPath, ['--max-old-space-size=40', path.resolve(__dirname, '../../src/cli.js'), 'report', log], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr.slice(-500));
      assert.match(result.stdout, /150,000|150000/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('100,000 distinct failed addresses: their records stay off the collected heap, about 200 bytes each', async () => {
    const count = 100_000;
    const lines = Array.from({ length: count }, (_, i) => `${SYSLOG}postfix/smtp[1]: Q${i.toString(16).toUpperCase()}: to=<user${i}@b${i % 997}.example>, relay=mx${i % 5}.b${i % 997}.example[192.0.2.${i % 250}]:25, dsn=5.1.1, status=bounced (host mx.b.example[192.0.2.1] said: 550 5.1.1 <user${i}@b${i % 997}.example>: Recipient address rejected: User unknown (in reply to RCPT TO command))`);
    let buffers = NaN;
    const startBuffers = process.memoryUsage().arrayBuffers;
    const growth = await heapGrowthAt((measure) => extractLines([...lines, SENTINEL], atSentinel(() => { measure(); buffers = process.memoryUsage().arrayBuffers - startBuffers; })));
    // As objects and strings they took about 450 bytes each of heap (45 MB here), which the collector let grow further.
    assert.ok(growth < 12 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
    assert.ok(buffers < 32 * MB, `${(buffers / MB).toFixed(1)} MB of buffers`);
  });

  it('text longer than any address (RFC 5321: 254 characters) is no recipient', async () => {
    const { records } = await extractLines([`${SYSLOG}postfix/smtp[1]: Q1: to=<${'a'.repeat(300)}@b.example>, relay=none, dsn=5.1.1, status=bounced (550 5.1.1 unknown)`]);
    assert.deepEqual(records, []);
  });
});

describe('hostile input: address fields of a bounce\'s own header', function () {
  this.timeout(120_000);
  const fromField = (size: number) => `From: ${repeated(':a@b.example, ', size)}`;
  const withFrom = (size: number) => Buffer.from(`${fromField(size)}\r\nTo: sender@example.org\r\nSubject: Undelivered Mail\r\n\r\n<gone@b.example>: 550 5.1.1 user unknown\r\n`, 'latin1');

  it('a From of 1 MB costs about what one of 16 KB does (postal-mime parsed it whole: 4 s here)', async () => {
    const tries: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const small = await timed(() => parseBounceMessage(withFrom(MAX_ADDRESS_FIELD_BYTES), 'hostile'));
      const huge = await timed(() => parseBounceMessage(withFrom(MB), 'hostile'));
      if (huge < 3 * small + 100) return;
      tries.push(`16 KB: ${small.toFixed(1)} ms, 1 MB: ${huge.toFixed(1)} ms`);
    }
    assert.fail(tries.join('; '));
  });

  it('the message still yields its recipient', async () => {
    const { events } = await parseBounceMessage(withFrom(MB), 'hostile');
    assert.deepEqual(events.map((event) => [event.address, event.status]), [['gone@b.example', '5.1.1']]);
  });

  it('cuts each long address field after a comma, and keeps every other byte', () => {
    const to = `To: ${repeated('someone@example.org, ', 100_000)}\n`;
    const failed = `X-Failed-Recipients: ${repeated('x@b.example, ', 100_000)}\n`;
    const body = `\nFrom: ${'y'.repeat(100_000)}\n`;
    const clipped = Buffer.from(clipAddressFields(Buffer.from(`Subject: s\n${to}${failed}${body}`))).toString('latin1');
    const [head, rest] = [clipped.slice(0, clipped.indexOf('\n\n') + 1), clipped.slice(clipped.indexOf('\n\n') + 1)];
    const lines = head.split('\n');
    assert.equal(lines[0], 'Subject: s');
    assert.ok(lines[1].length <= MAX_ADDRESS_FIELD_BYTES && lines[1].endsWith('someone@example.org'), lines[1].slice(-40));
    assert.equal(`${lines[2]}\n`, failed, 'X-Failed-Recipients is read whole by the engine');
    assert.equal(rest, body, 'the body is not a header block');
  });

  it('returns a message without long address fields as it is', () => {
    const bytes = withFrom(1000);
    assert.equal(clipAddressFields(bytes), bytes);
  });
});

describe('hostile input: clear reasons', function () {
  this.timeout(120_000);

  it('a message of 100,000 MIME parts is reported as having too many parts', async () => {
    const parts = `${'--B\nContent-Type: text/plain\n\nx\n'.repeat(100_000)}--B--\n`;
    const { summary } = await extractBounces([{ name: 'parts.eml', text: message(parts, 'multipart/mixed; boundary="B"').toString('latin1') }]);
    // 3 MB: the first 2 MB are read (said first), and hold too many parts still.
    assert.equal(summary.problems.length, 2);
    assert.match(summary.problems[0].problem, /only its first 2 MB were read/);
    assert.match(summary.problems[1].problem, /too many MIME parts/);
  });
});

describe('hostile input: big bounce messages', function () {
  this.timeout(120_000);

  it('a text body is read for recipients up to MAX_EXPLANATION_CHARS (8 MB read whole held 150 MB)', async () => {
    const filler = repeated('<early@example.com>: 550 5.1.1 user unknown\n', MAX_EXPLANATION_CHARS + 1000);
    const { events } = await parseBounceMessage(message(`${filler}<late@example.com>: 550 5.1.1 user unknown\n`), 'big.eml');
    assert.deepEqual([...new Set(events.map((event) => event.address))], ['early@example.com']);
  });

  it('the quoted original\'s headers are still found after a long explanation', async () => {
    const body = `${repeated('The mail system could not deliver it.\n', MAX_EXPLANATION_CHARS + 1000)}\n--- Below this line is a copy of the message.\n\nTo: only@example.com\nFrom: sender@example.org\n\n${'x\n'.repeat(100_000)}`;
    const { events } = await parseBounceMessage(message(body), 'big.eml');
    assert.deepEqual(events.map((event) => event.address), ['only@example.com']);
  });

  it('an mbox message over the size read does not swallow the messages after it', async () => {
    const big = message(repeated('<a@example.com>: 550 5.1.1 user unknown\n', 9 << 20)).toString('latin1');
    const small = message('<b@example.com>: 550 5.1.1 user unknown\n').toString('latin1');
    const mbox = `From MAILER-DAEMON Thu Nov 27 09:14:05 2026\n${big}\nFrom MAILER-DAEMON Thu Nov 27 09:14:06 2026\n${small}\n`;
    const { records, summary } = await extractBounces([{ name: 'big.mbox', text: mbox }]);
    assert.equal(summary.messages, 2);
    assert.deepEqual(records.map((record) => record.address), ['a@example.com', 'b@example.com']);
    assert.match(summary.problems[0].problem, /only its first 2 MB were read/);
  });
});
