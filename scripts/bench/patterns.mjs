// Hostile-input benchmark: every log recognizer, the classifier, the bounce report, the MIME path (HTML-only
// bodies, returned headers, provider JSON, DSNs) and bodyRecipients on adversarial input of 100 KB and 1 MB: the
// shapes that once took time in the square (or cube) of their length, and repeats of each pattern's own prefix.
// Prints one row per shape: ms at each size and their ratio; linear time gives a ratio near 10.
// Goal: at most 50 ms per 100 KB, growing linearly. Other sizes: node scripts/bench/patterns.mjs 10000 20000.
// A shape whose first size takes longer than SKIP_AFTER_MS is not run at the larger ones (it would take hours).
// The code is bundled fresh from src/ with esbuild, so the figures are those of the current source.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib/paths.mjs';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const { inject } = require(join(ROOT, 'esbuild.js'));

const SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100_000, 1_000_000];
const GOAL_MS_PER_100KB = 50;
const SKIP_AFTER_MS = 5_000;

const work = mkdtempSync(join(tmpdir(), 'smtp-diag-bench-patterns-'));
const bounce = (name) => JSON.stringify(join(ROOT, 'src', 'core', 'bounce', name));
esbuild.buildSync({
  stdin: {
    contents: [
      `export { createLogParser } from ${bounce('logs/index.ts')};`,
      `export { createClassifier } from ${bounce('classify.ts')};`,
      `export { BounceReport } from ${bounce('report.ts')};`,
      `export { parseBounceMessage } from ${bounce('message.ts')};`,
      `export { bodyRecipients } from ${bounce('bodyRecipients.ts')};`,
    ].join('\n'),
    resolveDir: ROOT, loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', outfile: join(work, 'engine.js'), logLevel: 'error', inject,
});
const { createLogParser, createClassifier, BounceReport, parseBounceMessage, bodyRecipients } = require(join(work, 'engine.js'));
rmSync(work, { recursive: true, force: true });

/** `unit` repeated to at least `bytes` characters. */
const repeated = (unit, bytes) => unit.repeat(Math.ceil(bytes / unit.length));
const SYSLOG = 'Jan  1 00:00:00 mx ';
const EXIM = '2024-01-01 00:00:00 1abcde-000000-AB ';
const source = { file: 'bench', line: 1 };

/** A log line through a fresh parser (after `before`, lines that set up state a line depends on). */
const log = (line, ...before) => () => {
  const parse = createLogParser();
  for (const text of before) parse(text, source);
  parse(line, source);
};
const failure = (diagnostic, extra = {}) => ({
  address: 'a@b.example', outcome: 'failed', diagnostic, file: 'bench', line: 1, format: 'bench', ...extra,
});
const classified = (diagnostic) => () => createClassifier()(failure(diagnostic));
const reported = (event) => () => new BounceReport().add({ ...event, type: 'hard', reason: 'other', rule: 'class' });

/** A bounce message: headers, then the body (with its own headers when it is multipart). */
const message = (body, contentType = 'text/plain') => Buffer.from(
  `From: MAILER-DAEMON@mx.example\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\nContent-Type: ${contentType}\n\n${body}`, 'latin1');
// A refusal (too many MIME parts) is an answer too: the engine reports it as the message's problem.
const parsed = (bytes) => () => parseBounceMessage(bytes, 'bench').catch(() => undefined);
const report = (parts) => message(`${parts.map(([type, text]) => `--B\nContent-Type: ${type}\n\n${text}\n`).join('')}--B--\n`, 'multipart/report; report-type=delivery-status; boundary="B"');
const dsnOf = (count, text) => report([
  ['text/plain', text],
  ['message/delivery-status', `Reporting-MTA: dns; mx.example\n\n${Array.from({ length: count }, (_, i) => `Final-Recipient: rfc822; user${i}@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user${i}@example.com: user unknown\n`).join('\n')}`],
]);
const recipientLines = (count) => Array.from({ length: count }, (_, i) => `user${i}@example.com: 550 5.1.1 user unknown`).join('\n');

/** [shape, build(bytes) → work to time]. */
const SHAPES = [
  ['postfix: deferral, long reason', (n) => log(`${SYSLOG}postfix/smtp[1]: Q1: to=<a@b.example>, relay=none, dsn=4.0.0, status=deferred (${'x'.repeat(n)})`)],
  ['postfix: "postfix/" repeated', (n) => log(`${SYSLOG + repeated('postfix/', n)}smtp[1]: Q1: to=<a@b.example>, x`)],
  ['postfix: "postfixpostfix…"', (n) => log(`${SYSLOG + repeated('postfix', n)}]: `)],
  ['postfix: delivery prefix repeated', (n) => log(SYSLOG + repeated('postfix/smtp[1]: Q1: to=<a@b.example>, relay=none, dsn=4.0.0, status=deferred (', n))],
  ['postfix: "to=<" repeated', (n) => log(`${SYSLOG}postfix/smtp[1]: Q1: ${repeated('to=<', n)}`)],
  ['postfix: "dsn=…, status=… (" repeated', (n) => log(`${SYSLOG}postfix/smtp[1]: Q1: to=<a@b.example>, relay=none,${repeated(' dsn=4.0.0, status=deferred (', n)}`)],
  ['postfix: reject "; from=<" repeated', (n) => log(`${SYSLOG}postfix/smtpd[1]: NOQUEUE: reject: RCPT from h[192.0.2.1]: 550 5.1.1 x${repeated('; from=<', n)}`)],
  ['postfix: reject prefix repeated', (n) => log(SYSLOG + repeated('postfix/smtpd[1]: NOQUEUE: reject: RCPT from h[192.0.2.1]: 550 5.1.1 x; from=<> to=<', n))],
  ['postfix: expiry prefix repeated', (n) => log(`${SYSLOG + repeated('postfix/qmgr[1]: Q1: from=<', n)}, status=expired`)],
  ['postfix: removal prefix repeated', (n) => log(SYSLOG + repeated('postfix/qmgr[1]: Q1: removed', n),
    `${SYSLOG}postfix/smtp[1]: Q1: to=<a@b.example>, relay=none, dsn=4.0.0, status=deferred (x)`)],
  ['postfix: "host [[[…" said', (n) => log(`${SYSLOG}postfix/smtp[1]: Q1: to=<a@b.example>, relay=none, dsn=5.0.0, status=bounced (host ${'['.repeat(n)} said: 550 x)`)],
  ['exim: line prefix repeated', (n) => log(repeated(EXIM, n))],
  ['exim: "exim[1]: " repeated', (n) => log(SYSLOG + repeated('exim[1]: ', n))],
  ['exim: host error "H=fefe…"', (n) => log(`${EXIM}H=m${repeated('fe', n)}`)],
  ['exim: host error prefix repeated', (n) => log(EXIM + repeated('H=mx [192.0.2.1]: SMTP error from remote mail server ', n))],
  ['exim: fields "R=x " repeated', (n) => log(`${EXIM}** a@b.example ${repeated('R=x ', n)}`)],
  ['exim: tabs after the address', (n) => log(`${EXIM}** a@b.example ${'\t'.repeat(n)}`)],
  ['exim: "rejected RCPT ::" repeated', (n) => log(`2024-01-01 00:00:00 H=x${repeated(' rejected RCPT :: ', n)}`)],
  ['exim: "rejected RCPT <a>: x", U+2028 at the end', (n) => log(`2024-01-01 00:00:00 H=x${repeated(' rejected RCPT <a@b.example>: x', n)}\u2028`)],
  ['sendmail: "to=" with ", " repeated', (n) => log(`${SYSLOG}sendmail[1]: Q1: to=${repeated(', ', n)}`)],
  ['sendmail: ", stat=" repeated, U+2028 at the end', (n) => log(`${SYSLOG}sendmail[1]: Q1: to=<a@b.example>${repeated(', stat=', n)}\u2028`)],
  ['sendmail: prefix repeated', (n) => log(SYSLOG + repeated('sendmail[1]: Q1: ', n))],
  ['sendmail: check_rcpt prefix repeated', (n) => log(`${SYSLOG}sendmail[1]: Q1: ruleset=check_rcpt, arg1=<a@b.example>, relay=${repeated(', relay=', n)}`)],
  ['qmail: result prefix repeated', (n) => log(repeated('delivery 1: failure: ', n), 'starting delivery 1: msg 1 to remote a@b.example')],
  ['qmail: result prefix repeated, U+2028 at the end', (n) => log(`${repeated('delivery 1: failure: ', n)}\u2028`, 'starting delivery 1: msg 1 to remote a@b.example')],
  ['qmail: start prefix repeated', (n) => log(repeated('starting delivery 1: msg 1 to remote ', n))],
  ['opensmtpd: "… evpid=1 to=<a> " repeated', (n) => log(SYSLOG + repeated('smtpd[1]: x mta delivery evpid=1 to=<a> ', n))],
  ['opensmtpd: "to=<" repeated', (n) => log(`${SYSLOG}smtpd[1]: x mta delivery evpid=1 ${repeated('to=<', n)}`)],
  ['opensmtpd: " result=" repeated', (n) => log(`${SYSLOG}smtpd[1]: x mta delivery evpid=1 to=<a@b.example>${repeated(' result="PermFail"', n)}`)],
  ['courier: prefix repeated', (n) => log(repeated('courieresmtpd: error,relay=,from=<>,to=<>: 000-0', n))],
  ['courier: prefix repeated, U+2028 at the end', (n) => log(`${repeated('courieresmtpd: error,relay=,from=<>,to=<>: 000-0', n)}\u2028`)],
  ['courier: "from=<" repeated', (n) => log(`courieresmtpd[1]: error,relay=x,${repeated('from=<', n)}`)],
  ['courier: fields repeated', (n) => log(`courieresmtpd[1]: error,relay=x,${repeated('a=b,', n)}`)],
  ['generic: "RCPT TO:<" repeated', (n) => log(repeated('RCPT TO:<', n))],
  ['generic: "RCPT TO<4>404 O" repeated', (n) => log(repeated('RCPT TO<4>404 O', n))],
  ['generic: "RCPT TO:<a> 550 x", U+2028 at the end', (n) => log(`${repeated('RCPT TO:<a@b.example> 550 x ', n)}\u2028`)],
  ['generic: spaces', (n) => log(' '.repeat(n))],
  ['generic: addresses in a reply', (n) => log(`550 ${repeated('a@b.example ', n)}`)],
  ['exchange: quoted cells', (n) => log(repeated('"a"",', n), '#Fields: date-time,recipient-address,event-id,recipient-status')],
  ['classify: "mail for " repeated', (n) => classified(repeated('mail for ', n))],
  ['classify: "client host [" repeated', (n) => classified(repeated('client host [', n))],
  ['classify: "domain " repeated', (n) => classified(repeated('domain ', n))],
  ['classify: "user " repeated', (n) => classified(repeated('user ', n))],
  ['classify: ">>> RCPT TO:<" repeated', (n) => classified(repeated('>>> RCPT TO:<', n))],
  ['classify: ">>> DATA >" repeated', (n) => classified(repeated('>>> DATA > ', n))],
  ['classify: "550 <" repeated', (n) => classified(repeated('550 <', n))],
  ['classify: addresses', (n) => classified(repeated('a@b.example ', n))],
  ['report: remote MTA "host [[[…"', (n) => reported(failure('550 x', { remoteMta: `host ${'['.repeat(n)}` }))],
  ['report: long diagnostic', (n) => reported(failure(repeated('550 5.1.1 <a@b.example> 192.0.2.1 id1234567890 ', n)))],
  ['message: HTML-only body "<<<…"', (n) => parsed(message('<'.repeat(n), 'text/html'))],
  ['message: HTML-only body "<br" repeated', (n) => parsed(message(repeated('<br', n), 'text/html'))],
  ['message: "Message-ID: <" lines', (n) => parsed(report([['text/plain', 'a@b.example: 550 unknown'], ['text/rfc822-headers', repeated('Message-ID: <\n', n)]]))],
  ['message: copy-marker underscores', (n) => parsed(message(`_LLY${'_'.repeat(n / 2)}A L LLY${'T'.repeat(n / 2)}\n`))],
  ['message: provider JSON "bouncedRecipients":[', (n) => parsed(message(`{"notificationType":"Bounce",${repeated('"bouncedRecipients":[', n)}`))],
  ['message: text-only, recipient per line', (n) => parsed(message(recipientLines(n / 40)))],
  ['message: DSN and text, recipient each', (n) => parsed(dsnOf(n / 150, recipientLines(n / 150)))],
  ['message: X-Failed-Recipients and text', (n) => parsed(Buffer.concat([Buffer.from(`X-Failed-Recipients: ${Array.from({ length: n / 40 }, (_, i) => `user${i}@example.com`).join(', ')}\n`), message(recipientLines(n / 40))]))],
  ['message: many MIME parts', (n) => parsed(message(`${'--B\nContent-Type: text/plain\n\nx\n'.repeat(n / 30)}--B--\n`, 'multipart/mixed; boundary="B"'))],
  ['bodyRecipients: one line of addresses', (n) => () => bodyRecipients(`failed: ${repeated('a1@b.example b2@b.example ', n)}`, new Set())],
  ['bodyRecipients: "RFC822=:" repeated', (n) => () => bodyRecipients(repeated('RFC822=:', n), new Set())],
  ['bodyRecipients: ">>> RCPT TO:" "@@…"', (n) => () => bodyRecipients(`>>> RCPT\tTO:P${repeated('@@', n)}<`, new Set())],
  ['bodyRecipients: transcript, recipient each', (n) => () => bodyRecipients(Array.from({ length: n / 60 }, (_, i) => `>>> RCPT TO:<user${i}@example.com>\n<<< 550 5.1.1 unknown`).join('\n'), new Set())],
];

/** Milliseconds of one run on input of `bytes`, the better of two (a run may meet a collection). */
async function timed(build, bytes) {
  const run = build(bytes);
  let best = Infinity;
  for (let attempt = 0; attempt < 2; attempt++) {
    globalThis.gc?.();
    const started = performance.now();
    await run();
    best = Math.min(best, performance.now() - started);
    if (best > SKIP_AFTER_MS) break;
  }
  return best;
}

const columns = SIZES.map((size) => `${size >= 1e6 ? `${size / 1e6} MB` : `${size / 1e3} KB`}`.padStart(10));
console.log(`  ${'shape'.padEnd(46)} ${columns.join(' ')}   ratio`);
const slow = [];
for (const [name, build] of SHAPES) {
  // Compiles the code on the way before anything is timed: message shapes need a few runs.
  for (let warmUp = 0; warmUp < 2; warmUp++) await timed(build, SIZES[0]);
  const times = [];
  for (const size of SIZES) {
    if (times.length > 0 && times[times.length - 1] > SKIP_AFTER_MS) break;
    times.push(await timed(build, size));
  }
  const perHundredKb = Math.max(...times.map((ms, index) => (ms * 100_000) / SIZES[index]));
  if (perHundredKb > GOAL_MS_PER_100KB) slow.push(name);
  const cells = SIZES.map((_, index) => (index < times.length ? times[index].toFixed(1) : 'skipped').padStart(10));
  const ratio = times.length > 1 ? (times[times.length - 1] / Math.max(times[0], 0.1)).toFixed(1) : '';
  console.log(`  ${name.padEnd(46)} ${cells.join(' ')} ${ratio.padStart(7)}`);
}
console.log(slow.length === 0 ? `\nEvery shape within ${GOAL_MS_PER_100KB} ms per 100 KB.` : `\nOver ${GOAL_MS_PER_100KB} ms per 100 KB: ${slow.join('; ')}`);
process.exitCode = slow.length === 0 ? 0 : 1;
