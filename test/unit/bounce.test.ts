import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { extractBounces, formatRecords } from '../../src/core/bounce';
import { classify, smtpStageIn } from '../../src/core/bounce/classify';
import { CORPUS_DIR, needsCorpus } from '../helpers/corpus';
import { runCliCaptured } from '../helpers/runCliCaptured';

const POSTFIX_BOUNCE = 'Mar  3 10:00:01 mx1 postfix/smtp[2101]: 4A1B2C3D4E: to=<alice@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=1.2, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.10] said: 550 5.1.1 User unknown (in reply to RCPT TO command))';
const NOQUEUE = 'Mar  3 10:00:04 mx1 postfix/smtpd[2104]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 550 5.1.1 <nobody@mx1.example>: Recipient address rejected: User unknown in local recipient table; from=<s@example.info> to=<nobody@mx1.example> proto=ESMTP helo=<x>';

describe('bounce extraction engine', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bounce-unit-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lets specific wording decide over a generic code: 550 5.0.0 User unknown is hard', () => {
    const event = { address: 'a@example.com', outcome: 'failed' as const, status: '5.0.0', reply: '550', diagnostic: '550 5.0.0 <a@example.com>... User unknown', file: 'x', line: 1, format: 'test' };
    assert.deepEqual([classify(event).type, classify(event).reason], ['hard', 'user-unknown']);
    const blocked = { ...event, status: '5.7.1', diagnostic: '550 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org' };
    assert.deepEqual([classify(blocked).type, classify(blocked).reason], ['soft', 'blocked']);
    // A pattern the user adds to the hard codes wins over the wording.
    assert.equal(classify(blocked, { hardCodes: ['5.7.1'], softCodes: [] }).type, 'hard');
  });

  it('reads "not listed in" a directory as an unknown user, and "listed in" a block list as a block', () => {
    const event = { address: 'a@example.com', outcome: 'failed' as const, diagnostic: '', file: 'x', line: 1, format: 'test' };
    const verdict = (diagnostic: string) => [classify({ ...event, diagnostic }).type, classify({ ...event, diagnostic }).reason];
    // Lotus Domino and Notes wording.
    assert.deepEqual(verdict('User a (a@example.com) not listed in Domino Directory'), ['hard', 'user-unknown']);
    assert.deepEqual(verdict('User not listed in public Name & Address Book'), ['hard', 'user-unknown']);
    assert.deepEqual(verdict('554 Service unavailable; Client host [192.0.2.1] listed in zen.example.org'), ['soft', 'blocked']);
  });

  it('reads unknown-mailbox wording with the address inside the phrase', () => {
    const event = { address: 'a@example.com', outcome: 'failed' as const, diagnostic: '', file: 'x', line: 1, format: 'test' };
    for (const diagnostic of [
      '550 user a@example.com was not found', '550 <a@example.com> not found',
      '550 rcpt <a@example.com> does not exist', '550 BAD_RECIPIENT', '550 non-existent user', "vdeliver: Invalid or unknown virtual user 'a'",
      'The email account that you tried to reach does not exist.',
    ]) assert.deepEqual([classify({ ...event, diagnostic }).type, classify({ ...event, diagnostic }).reason], ['hard', 'user-unknown'], diagnostic);
    // RFC 5321's own words for a 550 name no reason: a person reviews them.
    assert.deepEqual([classify({ ...event, diagnostic: '550 Mailbox a@example.com unavailable' }).type], ['review']);
    // An address that merely contains a word is not that word.
    assert.equal(classify({ ...event, address: 'filtered@example.jp', diagnostic: '550 5.0.0 <filtered@example.jp>: host unknown' }).reason, 'host-unknown');
  });

  // Real replies from the corpus (eml/bsd/rfc3464-57, lhost-yahoo-07, err/make-test-02, make-test-36).
  it('reads "user unknown" from a Japanese mobile carrier as the recipient\'s filter unless it answered RCPT TO', () => {
    const base = { outcome: 'failed' as const, reply: '550', file: 'x', line: 1, format: 'test' };
    const verdict = (event: Parameters<typeof classify>[0]) => [classify(event).type, classify(event).reason];
    // au relays "550 : User unknown" (no address: a reply to DATA) through Gmail with 5.0.0 and no stage.
    const au = { ...base, address: 'otsu-sakaba-hunter-neko-nyaaaaaaan@ezweb.ne.jp', status: '5.0.0', diagnostic: '550 : User unknown' };
    assert.deepEqual(verdict(au), ['soft', 'policy']);
    // The same words from any other domain are an unknown user.
    assert.deepEqual(verdict({ ...au, address: 'kijitora@example.jp' }), ['hard', 'user-unknown']);
    // au's RCPT answer echoes the address; docomo's carries 5.1.1; a transcript may say RCPT outright.
    assert.deepEqual(verdict({ ...au, status: undefined, reply: undefined, diagnostic: '550: <otsu-sakaba-hunter-neko-nyaaaaaaan@ezweb.ne.jp>: User unknown' }), ['hard', 'user-unknown']);
    const docomo = { ...base, address: 'recipient-address-does-not-exist@docomo.ne.jp', status: '5.1.1', diagnostic: '550 Unknown user recipient-address-does-not-exist@docomo.ne.jp' };
    assert.deepEqual(verdict(docomo), ['hard', 'user-unknown']);
    assert.deepEqual(verdict({ ...docomo, status: '5.0.0', stage: 'RCPT' as const }), ['hard', 'user-unknown']);
    assert.deepEqual(verdict({ ...docomo, status: '5.0.0' }), ['soft', 'policy']);
  });

  it('finds the SMTP stage in a transcript quoted with "> " (a forwarded bounce)', () => {
    const quoted = '> ... while talking to mfsmax.docomo.ne.jp.: >>>> DATA > <<< 550 Unknown user non-existent-user-address-of-ntt-docomo@docomo.ne.jp';
    assert.equal(smtpStageIn(quoted), 'DATA');
    assert.equal(smtpStageIn('>>> RCPT To:<a@docomo.ne.jp> > <<< 550 Unknown user a@docomo.ne.jp'), 'RCPT');
    assert.equal(smtpStageIn('<a@example.jp>: 192.0.2.153 does not like recipient. Remote host said: 550 5.2.1 <a@example.jp>... User Unknown'), 'RCPT');
  });

  it('reads cPanel\'s "missing the proper dns entries" as an unroutable domain, not a block list', () => {
    const event = { address: 'kijitora@example.net', outcome: 'failed' as const, file: 'x', line: 1, format: 'test',
      diagnostic: 'The mail server could not deliver mail to kijitora@example.net.  The account or domain may not exist, they may be blacklisted, or missing the proper dns entries.' };
    assert.deepEqual([classify(event).type, classify(event).reason], ['hard', 'host-unknown']);
  });

  it('suppresses a 4.1.1 "user unknown" the queue gave up on, not one still being retried', () => {
    // eml/bsd/lhost-postfix-05: five days of this answer, then Action: failed.
    const event = { address: 'kijitora@example.org', outcome: 'failed' as const, status: '4.1.1', reply: '450', file: 'x', line: 1, format: 'test',
      diagnostic: '450 4.1.1 <kijitora@example.org>: Recipient address rejected: User unknown in virtual alias table (in reply to RCPT TO command)' };
    assert.equal(classify(event).type, 'hard');
    assert.equal(classify({ ...event, outcome: 'deferred' }).type, 'soft');
    assert.equal(classify({ ...event, status: '4.7.1', diagnostic: '450 4.7.1 Client host rejected: cannot find your hostname' }).type, 'soft');
  });

  it('reads the sentence above a DSN recipient\'s line when the DSN has no Diagnostic-Code (EZweb)', async function () {
    needsCorpus(this);
    const { records } = await extractBounces([{ path: path.join(CORPUS_DIR, 'eml', 'bsd', 'lhost-ezweb-02.eml') }], { includeSoft: true });
    // "The user(s) account is disabled." above "<…>: 550 user unknown (in reply to RCPT TO command)".
    assert.deepEqual(records.map((record) => [record.type, record.reason]), [['soft', 'mailbox-disabled']]);
  });

  it('takes no address from a quoted original after the usual words that introduce it', async () => {
    const markers = ['Original message:', 'Message text follows:', '---------- Forwarded message ----------', 'Your message reads (in part):', 'Below is the original message:', 'The text of your message was:'];
    for (const marker of markers) {
      const text = ['From: MAILER-DAEMON@mx.example.org', 'To: sender@example.org', 'Subject: Undelivered Mail Returned to Sender', '',
        'Your message could not be delivered.', '', '<gone@example.com>: host mx.example.com said: 550 5.1.1 user unknown', '',
        marker, '', 'Hello Bob, questions? Write to', '', '    sales@example.org', '', 'Regards'].join('\n');
      const { records } = await extractBounces([{ name: 'quoted.eml', text }], { includeSoft: true });
      assert.deepEqual(records.map((record) => record.address), ['gone@example.com'], marker);
    }
  });

  it('keeps inbound NOQUEUE rejects out of the suppression list but reports them', async () => {
    const seen: string[] = [];
    const { records, summary } = await extractBounces([{ name: 'log', text: `${NOQUEUE}\n${POSTFIX_BOUNCE}\n` }], { onEvent: (event) => seen.push(event.outcome) });
    assert.deepEqual(records.map((record) => record.address), ['alice@example.com']);
    assert.deepEqual(seen, ['rejected-inbound', 'failed']);
    assert.equal(summary.rejectedInbound, 1);
  });

  it('reads gzip-rotated logs and bare-CR line ends, with the right line numbers', async () => {
    const gz = path.join(dir, 'maillog.1.gz');
    fs.writeFileSync(gz, gzipSync(`${NOQUEUE}\r${POSTFIX_BOUNCE}\r`));
    const { records } = await extractBounces([{ path: gz }]);
    assert.deepEqual(records.map((record) => [record.address, record.line, record.file]), [['alice@example.com', 2, gz]]);
  });

  it('keeps what a truncated gzip file held before the cut, and says it was cut', async () => {
    const gz = path.join(dir, 'maillog.2.gz');
    const whole = gzipSync(`${POSTFIX_BOUNCE}\n${'x'.repeat(200_000)}\n`);
    fs.writeFileSync(gz, whole.subarray(0, whole.length - 20));
    const { records, summary } = await extractBounces([{ path: gz }]);
    assert.deepEqual(records.map((record) => record.address), ['alice@example.com']);
    assert.match(summary.problems[0].problem, /truncated or corrupt compressed data/);
  });

  it('splits an mbox on "From " lines into messages (two corpus bounces)', async function () {
    needsCorpus(this);
    const eml = (name: string) => fs.readFileSync(path.join(CORPUS_DIR, 'eml', 'bsd', name), 'latin1');
    const mbox = path.join(dir, 'bounces.mbox');
    fs.writeFileSync(mbox, `From MAILER-DAEMON Thu Jul 10 16:31:43 2014\n${eml('lhost-exim-02.eml')}\nFrom MAILER-DAEMON Sun Apr 29 23:45:10 2012\n${eml('lhost-sendmail-15.eml')}`, 'latin1');
    const { records, summary } = await extractBounces([{ path: mbox }]);
    assert.equal(summary.messages, 2);
    assert.deepEqual(records.map((record) => record.address), ['kijitora@example.jp', 'kijitora@example.org', 'sabatora@example.jp']);
  });

  it('neutralizes formula prefixes in CSV cells', async () => {
    const { records } = await extractBounces([{ name: 'log', text: POSTFIX_BOUNCE.replace('550 5.1.1 User unknown', '=HYPERLINK("x") 550 5.1.1 User unknown').replace('host mx.example.com[192.0.2.10] said: ', '') }]);
    const csv = formatRecords(records, 'csv');
    assert.match(csv, /,"'=HYPERLINK\(""x""\) 550 5\.1\.1 User unknown \(in reply to RCPT TO command\)",/);
  });
});

describe('smtp-diag extract / report', () => {
  it('prints the suppression list from stdin', async () => {
    const result = await runCliCaptured(['extract'], `${POSTFIX_BOUNCE}\n`);
    assert.deepEqual([result.code, result.stdout], [0, 'alice@example.com\n']);
  });

  it('exits 1 on an unreadable input, still processing the others', async () => {
    const result = await runCliCaptured(['extract', '/nonexistent/maillog', '-'], `${POSTFIX_BOUNCE}\n`);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'alice@example.com\n');
    assert.match(result.stderr, /\/nonexistent\/maillog: cannot read: ENOENT/);
  });

  it('exits 2 on bad usage', async () => {
    assert.equal((await runCliCaptured(['extract', '--format', 'xml'])).code, 2);
    assert.equal((await runCliCaptured(['report', '--all'])).code, 2);
  });

  it('writes NDJSON: each line parses alone, equals the JSON array\'s record, and each input\'s lines come once it is read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ndjson-'));
    try {
      const first = path.join(dir, 'maillog.1');
      const second = path.join(dir, 'maillog.2');
      fs.writeFileSync(first, `${POSTFIX_BOUNCE}\n`);
      fs.writeFileSync(second, `${POSTFIX_BOUNCE.replace(/alice/g, 'bob').replace('4A1B2C3D4E', '5B2C3D4E5F')}\n`);
      const json = JSON.parse((await runCliCaptured(['extract', '--format', 'json', first, second])).stdout);
      const result = await runCliCaptured(['extract', '--format', 'ndjson', first, second]);
      assert.equal(result.code, 0);
      const lines = result.stdout.split('\n').filter(Boolean);
      assert.deepEqual(lines.map((line) => JSON.parse(line)), json);
      // Per input: the first file's record is written before the second file's.
      assert.deepEqual(lines.map((line) => JSON.parse(line).file), [first, second]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes JSON records with the documented field names', async () => {
    const result = await runCliCaptured(['extract', '--format', 'json'], `${POSTFIX_BOUNCE}\n`);
    assert.deepEqual(Object.keys(JSON.parse(result.stdout)[0]), ['address', 'status', 'reply', 'type', 'reason', 'rule', 'source', 'diagnostic', 'remoteMta', 'date', 'messageId', 'file', 'line', 'count', 'firstSeen', 'lastSeen', 'yearInferred']);
  });

  it('reports per domain and per code as aligned text, or as Markdown with --markdown', async () => {
    const result = await runCliCaptured(['report'], `${NOQUEUE}\n${POSTFIX_BOUNCE}\n`);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^example\.com +1 +0 +0 +0 +0 {2}550 5\.1\.1 User unknown/m);
    assert.match(result.stdout, /^5\.1\.1 +1 +0 +0 +0 +1 {2}/m);
    assert.match(result.stdout, /^unknown +0 +0 +0 +0 +1 {2}<…>: Recipient address rejected/m);
    const markdown = await runCliCaptured(['report', '--markdown'], `${NOQUEUE}\n${POSTFIX_BOUNCE}\n`);
    assert.equal(markdown.code, 0);
    assert.match(markdown.stdout, /\| example\.com \| 1 \| 0 \| 0 \| 0 \| 0 \|/);
    assert.match(markdown.stdout, /\| 5\.1\.1 \| 1 \| 0 \| 0 \| 0 \| 1 \| &lt;…&gt;: Recipient address rejected/);
  });
});
