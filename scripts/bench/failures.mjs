// Logs made of failures, as a big sender's are (`npm run bench -- failures`): every line a Postfix bounce or
// deferral to a different address, seeded.
//   - Gmail: each reply carries its own ID, as Gmail writes one into every reply (unknown user, full mailbox, spam,
//     rate limit, a quarter each), so a cache of verdicts by text never hits;
//   - distinct: one reply for all, each naming its own address and host.
// `extract` and `report` on 200,000 lines of each (best of 3, one thread), and `extract` and `report` on a million
// Gmail lines (one run each, default threads) for the peak RSS. Prints the figures; the goal checked is the peak RSS
// under 256 MB.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { random } from '../lib/generate-postfix-log.mjs';
import { measure } from '../lib/measure.mjs';
import { ROOT } from '../lib/paths.mjs';

const cli = join(ROOT, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'smtp-diag-failures-'));
const MEMORY_GOAL_MB = 256;

/** Gmail's replies as Postfix logs them (the lines of a multi-line reply joined), with `id` in place of the ID. */
const GMAIL = [
  ['5.1.1', 'bounced', (id) => `550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser ${id} - gsmtp`],
  ['4.2.2', 'deferred', (id) => `452-4.2.2 The recipient's inbox is out of storage space. Please direct 452-4.2.2 the recipient to 452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp ${id} - gsmtp`],
  ['5.7.1', 'bounced', (id) => `550-5.7.1 [192.0.2.1] Our system has detected that this message is 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail, 550-5.7.1 this message has been blocked. 550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError ${id} - gsmtp`],
  ['4.7.0', 'deferred', (id) => `421-4.7.0 [192.0.2.1] Our system has detected an unusual rate of 421-4.7.0 unsolicited mail originating from your IP address. 421 4.7.0 https://support.google.com/mail/?p=UnsolicitedRateLimitError ${id} - gsmtp`],
];

const stamp = (index) => `Mar  3 ${String(Math.floor(index / 3600) % 24).padStart(2, '0')}:${String(Math.floor(index / 60) % 60).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}`;
const queueId = (index) => (0x100000 + index).toString(16).toUpperCase();

function gmailLine(index, next) {
  const [dsn, status, reply] = GMAIL[index % GMAIL.length];
  const hex = (digits) => Array.from({ length: digits }, () => Math.floor(next() * 16).toString(16)).join('');
  const id = `${hex(13)}-${hex(11)}si${Math.floor(next() * 1e7)}ejc.${Math.floor(next() * 1000)}`;
  return `${stamp(index)} mx postfix/smtp[4242]: ${queueId(index)}: to=<u${index}@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.1.27]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=${dsn}, status=${status} (host gmail-smtp-in.l.google.com[142.250.1.27] said: ${reply(id)} (in reply to RCPT TO command))`;
}

/** The Gmail lines of a log, their IDs drawn from `next`. */
const gmailLines = (next) => (index) => gmailLine(index, next);

function distinctLine(index) {
  const address = `user${index}@example${index}.com`;
  return `${stamp(index)} mx postfix/smtp[4242]: ${queueId(index)}: to=<${address}>, relay=mx.example${index}.com[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example${index}.com[192.0.2.1] said: 550 5.1.1 <${address}>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))`;
}

async function writeLog(file, lines, lineAt) {
  const out = createWriteStream(file);
  let buffer = '';
  for (let index = 0; index < lines; index++) {
    buffer += `${lineAt(index)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise((resolve) => out.once('drain', resolve));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise((resolve) => out.on('finish', resolve));
  return statSync(file).size;
}

const row = (name, m) => console.log(`  ${name.padEnd(44)} ${m.seconds.toFixed(2).padStart(6)} s wall ${m.cpu.toFixed(2).padStart(6)} s CPU ${m.rss.toFixed(0).padStart(5)} MB RSS`);

try {
  const oneThread = { SMTP_DIAG_THREADS: '1' };
  const shapes = [['Gmail', gmailLines], ['distinct', () => distinctLine]];
  for (const [name, lineOf] of shapes) {
    const file = join(work, `${name}.log`);
    const bytes = await writeLog(file, 200_000, lineOf(random(42)));
    console.log(`\n${name} failures: 200,000 lines, ${(bytes / 1048576).toFixed(1)} MB (seed 42)`);
    row('smtp-diag extract', measure(`node ${cli} extract ${file}`, 3, oneThread));
    row('smtp-diag extract --all --format json', measure(`node ${cli} extract --all --format json ${file}`, 3, oneThread));
    row('smtp-diag report', measure(`node ${cli} report ${file}`, 3, oneThread));
    rmSync(file);
  }
  const big = join(work, 'gmail-1m.log');
  const bytes = await writeLog(big, 1_000_000, gmailLines(random(42)));
  console.log(`\nGmail failures: 1,000,000 lines, ${(bytes / 1048576).toFixed(1)} MB (seed 42), default threads, one run each`);
  const peaks = [];
  for (const command of ['extract', 'extract --all --format json', 'report']) {
    const figures = measure(`node ${cli} ${command} ${big}`, 1);
    row(`smtp-diag ${command}`, figures);
    peaks.push(figures.rss);
  }
  const peak = Math.max(...peaks);
  console.log(`\nGoal: ${peak < MEMORY_GOAL_MB ? 'met' : 'not met'}  peak RSS < ${MEMORY_GOAL_MB} MB on a million failures: ${peak.toFixed(0)} MB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
