import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractBounces } from '../../src/core/bounce';
import type { ClassifiedEvent } from '../../src/core/bounce';
import { CORPUS_DIR, needsCorpus } from '../helpers/corpus';

/** Every event the engine reports for a text, as [format, outcome, address, status, type]. */
async function eventsOf(text: string): Promise<string[][]> {
  const events: ClassifiedEvent[] = [];
  await extractBounces([{ name: 'test.log', text }], { onEvent: (event) => events.push(event) });
  return events.map((event) => [event.format, event.outcome, event.address, event.status ?? event.reply ?? '-', event.type]);
}

// Lines in each MTA's documented log format (addresses and hosts from the example ranges).
describe('log recognizers', () => {
  it('Sendmail: to=<…>, dsn=, stat= (several recipients on one line)', async () => {
    assert.deepEqual(await eventsOf(
      'Mar  3 10:00:01 mx sendmail[2101]: x23A0Bq001234: to=<ann@example.com>,<ben@example.com>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120, relay=mx.example.com. [192.0.2.10], dsn=5.1.1, stat=User unknown\n'), [
      ['sendmail', 'failed', 'ann@example.com', '5.1.1', 'hard'],
      ['sendmail', 'failed', 'ben@example.com', '5.1.1', 'hard'],
    ]);
  });

  it('qmail: "starting delivery" names the recipient, "delivery N: failure" the result', async () => {
    assert.deepEqual(await eventsOf([
      '@400000005e5f7a2b1c2d3e4f starting delivery 17: msg 1234 to remote cat@example.net',
      '@400000005e5f7a2c1c2d3e4f delivery 17: failure: 192.0.2.25_does_not_like_recipient./Remote_host_said:_550_5.1.1_<cat@example.net>..._User_unknown/Giving_up_on_192.0.2.25./',
    ].join('\n')), [['qmail', 'failed', 'cat@example.net', '5.1.1', 'hard']]);
  });

  it('OpenSMTPD: result="PermFail" with stat', async () => {
    assert.deepEqual(await eventsOf(
      'Mar  3 10:00:01 mx smtpd[77]: 1a2b3c4d5e6f7a8b mta delivery evpid=a1b2c3d4e5f60718 from=<news@example.org> to=<dog@example.com> rcpt=<-> source="192.0.2.1" relay="192.0.2.10 (mx.example.com)" delay=2s result="PermFail" stat="550 5.1.1 <dog@example.com>: Recipient address rejected: User unknown"\n'),
    [['opensmtpd', 'failed', 'dog@example.com', '5.1.1', 'hard']]);
  });

  it('Exchange message tracking CSV: FAIL events, columns from #Fields', async () => {
    assert.deepEqual(await eventsOf([
      '#Software: Microsoft Exchange Server',
      '#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes',
      '2024-03-03T10:00:01.000Z,,,192.0.2.5,EX01,,,SMTP,FAIL,123,<m1@example.org>,abc,owl@example.com,"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",1234',
    ].join('\n')), [['exchange', 'failed', 'owl@example.com', '5.1.10', 'hard']]);
  });

  it('Exchange: a row of several recipients gives each its own status; one status for all when the counts differ', async () => {
    const fields = '#Fields: date-time,server-hostname,event-id,message-id,recipient-address,recipient-status';
    assert.deepEqual(await eventsOf([
      fields,
      '2024-03-03T10:00:01.000Z,EX01,FAIL,<m1@example.org>,owl@example.com;bat@example.com,550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found;550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized',
      '2024-03-03T10:00:02.000Z,EX01,FAIL,<m2@example.org>,elk@example.com;emu@example.com,550 5.1.1 User unknown',
    ].join('\n')), [
      ['exchange', 'failed', 'owl@example.com', '5.1.10', 'hard'], ['exchange', 'failed', 'bat@example.com', '5.7.1', 'soft'],
      ['exchange', 'failed', 'elk@example.com', '5.1.1', 'hard'], ['exchange', 'failed', 'emu@example.com', '5.1.1', 'hard'],
    ]);
  });

  it('PowerMTA accounting CSV: bounces and remote bounces fail, deliveries close them, transient failures defer; columns from the header', async () => {
    const text = [
      'type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,vmta,jobId,header_Message-Id',
      'b,2026-11-27 09:00:02-0500,2026-11-27 09:00:00-0500,news@example.org,ben@example.com,,failed,5.1.1 (bad destination mailbox address),"smtp;550 5.1.1 <ben@example.com>: Recipient address rejected: User unknown, sorry",mx.example.com (192.0.2.10),bad-mailbox,vmta1,job42,<m2@example.org>',
      'b,1764234003,1764234000,news@example.org,cat@example.net,,failed,5.2.2 (mailbox full),"smtp;552 5.2.2 Mailbox full, ""quota"" exceeded",mx.example.net (192.0.2.20),quota-issues,vmta1,job42,',
      't,2026-11-27 09:00:04-0500,,news@example.org,dan@example.org,,delayed,4.7.0 (delivery not authorized),"smtp;421 4.7.0 [TSS04] Messages temporarily deferred",mta5.example.org (192.0.2.30),policy-related,vmta1,job42,',
      'rb,2026-11-27 09:10:00-0500,,news@example.org,eve@example.com,,failed,5.0.0 (undefined status),smtp;550 5.1.1 The email account that you tried to reach does not exist,,bad-mailbox,,job42,',
      'f,2026-11-27 10:00:00-0500,,news@example.org,fay@example.com,,,,,,,,job42,',
      'r,2026-11-27 10:00:01-0500,,news@example.org,gus@example.com,,,,,,,,job42,',
      'delivery,2026-11-27 11:00:00-0500,,news@example.org,BEN@example.com,,relayed,2.0.0 (success),smtp;250 2.0.0 ok,mx.example.com (192.0.2.10),,vmta1,job43,',
    ].join('\r\n');
    assert.deepEqual(await eventsOf(text), [
      ['powermta', 'failed', 'ben@example.com', '5.1.1', 'hard'],
      ['powermta', 'failed', 'cat@example.net', '5.2.2', 'soft'],
      ['powermta', 'deferred', 'dan@example.org', '4.7.0', 'soft'],
      ['powermta', 'failed', 'eve@example.com', '5.0.0', 'hard'],
      ['powermta', 'delivered', 'BEN@example.com', '2.0.0', 'none'],
    ]);
    const { records } = await extractBounces([{ name: 'acct.csv', text }], { includeSoft: true });
    assert.deepEqual(records.map((record) => [record.address, record.type, record.diagnostic, record.remoteMta, record.date, record.messageId, record.line]), [
      ['cat@example.net', 'soft', '552 5.2.2 Mailbox full, "quota" exceeded', 'mx.example.net (192.0.2.20)', '2025-11-27T09:00:03.000Z', null, 3],
      ['eve@example.com', 'hard', '550 5.1.1 The email account that you tried to reach does not exist', null, '2026-11-27T14:10:00.000Z', null, 5],
    ]);
    // The header may name fewer columns, in any order; rows before any header are no PowerMTA rows.
    assert.deepEqual(await eventsOf([
      'b,1764234003,owl@example.com,5.1.1,smtp;550 5.1.1 unknown',
      'type,rcpt,dsnDiag,timeLogged',
      'bounce,owl@example.com,smtp;550 5.1.1 unknown,1764234003',
    ].join('\n')), [['powermta', 'failed', 'owl@example.com', '5.1.1', 'hard']]);
  });

  it('KumoMTA JSON records: bounces, out-of-band bounces and expirations fail, deliveries close them, transient failures defer', async () => {
    const record = (type: string, recipient: string, code: number | null, enhanced: string | null, content: string, extra: object = {}) => JSON.stringify({
      type, id: `id-${recipient}`, sender: 'news@example.org', recipient, queue: 'example.com', site: 'mx.example.com', size: 320,
      response: { code, enhanced_code: enhanced && Object.fromEntries(['class', 'subject', 'detail'].map((key, index) => [key, Number(enhanced.split('.')[index])])), content, command: null },
      peer_address: { name: 'mx.example.com', addr: '192.0.2.10' }, timestamp: 1764234003, created: 1764234000, num_attempts: 1, bounce_classification: 'Uncategorized', ...extra,
    });
    const text = [
      record('Reception', 'ann@example.com', 250, null, ''),
      record('Bounce', 'ann@example.com', 550, '5.1.1', '<ann@example.com>: Recipient address rejected: User unknown, "sorry"'),
      record('TransientFailure', 'bob@example.net', 421, '4.7.0', 'Try again later'),
      record('Expiration', 'bob@example.net', 551, '5.4.7', 'Next delivery time would exceed the expiry time', { peer_address: null }),
      record('OOB', 'cat@example.org', 550, '5.1.1', 'The email account that you tried to reach does not exist'),
      record('AdminBounce', 'dan@example.org', 551, '5.7.1', 'Administrator bounced with reason: purge'),
      record('Feedback', 'eve@example.org', 250, null, ''),
      record('Delivery', 'CAT@example.org', 250, '2.0.0', 'OK'),
      '{"type":"Bounce","recipient":"not json at all',
    ].join('\n');
    assert.deepEqual(await eventsOf(text), [
      ['kumomta', 'failed', 'ann@example.com', '5.1.1', 'hard'],
      ['kumomta', 'deferred', 'bob@example.net', '4.7.0', 'soft'],
      ['kumomta', 'failed', 'bob@example.net', '5.4.7', 'soft'],
      ['kumomta', 'failed', 'cat@example.org', '5.1.1', 'hard'],
      ['kumomta', 'delivered', 'CAT@example.org', '2.0.0', 'none'],
    ]);
    const { records } = await extractBounces([{ name: 'kumo.log', text }], { includeSoft: true });
    assert.deepEqual(records.map((entry) => [entry.address, entry.type, entry.diagnostic, entry.remoteMta, entry.date, entry.messageId, entry.line]), [
      ['ann@example.com', 'hard', '550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown, "sorry"', 'mx.example.com[192.0.2.10]', '2025-11-27T09:00:03.000Z', 'id-ann@example.com', 2],
      ['bob@example.net', 'soft', '551 5.4.7 Next delivery time would exceed the expiry time', null, '2025-11-27T09:00:03.000Z', 'id-bob@example.net', 4],
    ]);
  });

  it('generic transcript lines: a reply code opening the line names one recipient', async () => {
    assert.deepEqual(await eventsOf('<<< 550 5.1.1 <fox@example.com>... User unknown\n'), [['generic', 'failed', 'fox@example.com', '5.1.1', 'hard']]);
  });

  it('Postfix: a deferred recipient whose message expires is a failure of the expired message', async () => {
    assert.deepEqual(await eventsOf([
      'Mar  3 10:00:01 mx postfix/smtp[1]: AB12: to=<eel@example.com>, relay=none, delay=10, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.9]:25: Connection timed out)',
      'Mar  8 10:00:01 mx postfix/qmgr[2]: AB12: from=<news@example.org>, status=expired, returned to sender',
    ].join('\n')), [
      ['postfix', 'deferred', 'eel@example.com', '4.4.1', 'soft'],
      ['postfix', 'failed', 'eel@example.com', '4.4.1', 'soft'],
    ]);
  });

  it('Postfix: an expired recipient keeps the class-4 status its server gave, as Exim\'s does: words that are hard under 5xx stay soft', async () => {
    // "Recipient address rejected: Access denied" is Exchange Online's answer for an unknown recipient under 550; under
    // 451 the server called it temporary. The status was made 5.0.0 at the expiry, and the record was hard.
    const events: ClassifiedEvent[] = [];
    await extractBounces([{ name: 'maillog', text: [
      'Nov 27 09:14:05 mail postfix/smtp[2107]: 3F2A11C0B7: to=<carl@example.net>, relay=mx[192.0.2.1]:25, delay=1, dsn=4.0.0, status=deferred (host mx[192.0.2.1] said: 451 <carl@example.net>: Recipient address rejected: Access denied (in reply to RCPT TO command))',
      'Nov 30 09:14:05 mail postfix/qmgr[1022]: 3F2A11C0B7: from=<newsletter@example.org>, status=expired, returned to sender',
    ].join('\n') }], { onEvent: (event) => events.push(event) });
    assert.deepEqual(events.map((event) => [event.outcome, event.status, event.reply, event.type, event.rule]), [
      ['deferred', '4.0.0', '451', 'soft', 'retrying'], ['failed', '4.0.0', '451', 'soft', 'temporary-code'],
    ]);
  });

  it('Exim: a "**" line without a code is joined to the host error logged earlier for the same message ID', async () => {
    const events: ClassifiedEvent[] = [];
    await extractBounces([{ name: 'mainlog', text: [
      '2024-03-03 10:00:01 1rA2b3-000C4d-5E H=mx.example.com [192.0.2.10]: SMTP error from remote mail server after RCPT TO:<gnu@example.com>: 451 4.3.0 Temporary lookup failure',
      '2024-03-08 10:00:01 1rA2b3-000C4d-5E ** gnu@example.com: retry timeout exceeded',
      '2024-03-08 10:00:01 1rA2b3-000C4d-5E Completed',
    ].join('\n') }], { onEvent: (event) => events.push(event) });
    assert.deepEqual(events.map((event) => [event.outcome, event.address, event.status, event.reply, event.remoteMta, event.stage, event.type, event.reason]), [
      ['failed', 'gnu@example.com', '4.3.0', '451', 'mx.example.com [192.0.2.10]', 'RCPT', 'soft', 'expired'],
    ]);
    assert.match(events[0].diagnostic, /^retry timeout exceeded; line 1: SMTP error/);
  });

  it('Exim 4.9x: the diagnostic is the failure text, without the R= T= H= X= CV= DN= fields or the parent address', async () => {
    const { records } = await extractBounces([{ name: 'mainlog', text: [
      '2026-11-27 10:00:01 1tGxyz-000ABC-12 ** bad@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.25]:25 X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes DN="C=US, CN=mx.example.net": SMTP error from remote mail server after RCPT TO:<bad@example.net>: 550 5.1.1 <bad@example.net>: Recipient address rejected: User unknown',
      '2026-11-27 10:00:02 1tGxyz-000ABC-13 ** old@example.net <orig@example.net> F=<sender@example.org> R=dnslookup T=remote_smtp H=mx2.example.net [192.0.2.26]: SMTP error from remote mail server after end of data: 550 5.7.1 Message rejected',
      '2026-11-27 10:00:03 1tGxyz-000ABC-14 ** nohost@example.invalid: Unrouteable address',
    ].join('\n') }], { includeSoft: true });
    assert.deepEqual(records.map((record) => [record.address, record.remoteMta, record.diagnostic]), [
      ['bad@example.net', 'mx.example.net [192.0.2.25]', 'SMTP error from remote mail server after RCPT TO:<bad@example.net>: 550 5.1.1 <bad@example.net>: Recipient address rejected: User unknown'],
      ['nohost@example.invalid', null, 'Unrouteable address'],
      ['old@example.net', 'mx2.example.net [192.0.2.26]', 'SMTP error from remote mail server after end of data: 550 5.7.1 Message rejected'],
    ]);
  });

  it('Exim: a parent address before the colon, and a quoted local part with a space', async () => {
    const { records } = await extractBounces([{ name: 'mainlog', text: [
      '2026-11-27 10:00:01 1tGxyz-000ABC-11 ** child@example.net <parent@example.net>: 550 5.1.1 unknown',
      '2026-11-27 10:00:02 1tGxyz-000ABC-12 ** "john smith"@example.net R=r1 T=t1: SMTP error from remote mail server after RCPT TO:<"john smith"@example.net>: 550 5.1.1 unknown',
    ].join('\n') }]);
    assert.deepEqual(records.map((record) => [record.address, record.diagnostic]), [
      ['"john smith"@example.net', 'SMTP error from remote mail server after RCPT TO:<"john smith"@example.net>: 550 5.1.1 unknown'],
      ['child@example.net', '550 5.1.1 unknown'],
    ]);
  });

  it('Exim logging to syslog: with and without its own time stamp after "exim[pid]: "', async () => {
    assert.deepEqual(await eventsOf([
      'Nov 27 10:00:01 mail exim[4711]: 2026-11-27 10:00:01 1tGxyz-000ABC-12 ** bad@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.25]: SMTP error from remote mail server after RCPT TO:<bad@example.net>: 550 5.1.1 User unknown',
      'Nov 27 10:00:02 mail exim4[4712]: 1tGxyz-000ABC-13 == later@example.net R=dnslookup T=remote_smtp defer (-44) H=mx.example.net [192.0.2.25]: SMTP error from remote mail server after RCPT TO:<later@example.net>: 451 4.7.1 Greylisted',
    ].join('\n')), [
      ['exim', 'failed', 'bad@example.net', '5.1.1', 'hard'],
      ['exim', 'deferred', 'later@example.net', '4.7.1', 'soft'],
    ]);
    const events: ClassifiedEvent[] = [];
    await extractBounces([{ name: 'syslog', text: 'Nov 27 10:00:02 mail exim4[4712]: 1tGxyz-000ABC-13 == later@example.net: 451 4.7.1 Greylisted\n' }], { onEvent: (event) => events.push(event) });
    assert.equal(events[0].date, 'Nov 27 10:00:02');
  });

  // Rejections of other servers' mail: in the report, never in the suppression list.
  it('incoming RCPT TO refused: Postfix (NOQUEUE, queue ID, milter, IPv6 client), Exim, Sendmail, Courier', async () => {
    const text = [
      'Jan  1 00:01:25 mail postfix/smtpd[1085]: NOQUEUE: reject: RCPT from unknown[2001:db8::5]: 504 5.5.2 <aap@henk>: Sender address rejected: need fully-qualified address; from=<aap@henk> to=<hen@example.com> proto=SMTP helo=<test>',
      'Aug 13 15:45:46 mail postfix/smtpd[13844]: 00ADB3C0899: reject: RCPT from example.org[192.0.2.1]: 550 5.1.1 <sales@example.com>: Recipient address rejected: User unknown in local recipient table; from=<x@example.org> to=<sales@example.com> proto=ESMTP helo=<mail.example.org>',
      'Jan  1 00:00:09 mail postfix/cleanup[1009]: 4104E3D: milter-reject: END-OF-MESSAGE from host.example.org[192.0.2.86]: 5.7.1 Blocked by SpamAssassin; from=<w@example.org> to=<chair@example.com> proto=ESMTP helo=<example.org>',
      '2013-06-10 18:33:32 [10099] H=(example.org) [192.0.2.178]:3755 I=[192.0.2.4]:25 F=spam@example.org rejected RCPT dir@example.com: relay not permitted',
      'Mar  3 10:00:01 mx sm-mta[2101]: x23A0Bq001234: ruleset=check_rcpt, arg1=<open@example.net>, relay=host.example.org [192.0.2.7], reject=550 5.7.1 <open@example.net>... Relaying denied',
      'Mar  3 10:00:02 mx sendmail[2102]: x23A0Bq001235: <nobody@example.com>... User unknown',
      'Aug 14 12:51:04 mail courieresmtpd: error,relay=::ffff:192.0.2.4,from=<f@example.org>,to=<bogus@example.com>: 550 User unknown.',
      'Aug 14 12:51:05 mail courieresmtpd[425070]: error,relay=::ffff:192.0.2.3,port=43632,msg="535 Authentication failed.",cmd: AUTH LOGIN x@example.com',
    ].join('\n');
    assert.deepEqual((await eventsOf(text)).map(([format, outcome, address, status]) => [format, outcome, address, status]), [
      ['postfix', 'rejected-inbound', 'hen@example.com', '5.5.2'],
      ['postfix', 'rejected-inbound', 'sales@example.com', '5.1.1'],
      ['postfix', 'rejected-inbound', 'chair@example.com', '5.7.1'],
      ['exim', 'rejected-inbound', 'dir@example.com', '-'],
      ['sendmail', 'rejected-inbound', 'open@example.net', '5.7.1'],
      ['sendmail', 'rejected-inbound', 'nobody@example.com', '-'],
      ['courier', 'rejected-inbound', 'bogus@example.com', '550'],
    ]);
    const { records, summary } = await extractBounces([{ name: 'log', text }], { includeSoft: true });
    assert.deepEqual([records.length, summary.rejectedInbound], [0, 7]);
  });

  it('Postfix soft_bounce (status=SOFTBOUNCE) is a deferral, a quoted local part is one address; Sendmail before 8.10 (no dsn=) is judged by its stat', async () => {
    assert.deepEqual(await eventsOf([
      'Mar  3 10:00:00 mx postfix/smtp[1]: AB11: to=<"john smith"@example.com>, orig_to=<"j, smith"@example.org>, relay=mx.example.com[192.0.2.9]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.9] said: 550 5.1.1 User unknown (in reply to RCPT TO command))',
      'Mar  3 10:00:01 mx postfix/smtp[1]: AB12: to=<eel@example.com>, relay=mx.example.com[192.0.2.9]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=SOFTBOUNCE (host mx.example.com[192.0.2.9] said: 550 5.1.1 User unknown (in reply to RCPT TO command))',
      'Mar  3 10:00:02 mx sendmail[2101]: JAA01234: to=<old@example.net>, delay=00:00:02, mailer=esmtp, relay=mx.example.net. [192.0.2.10], stat=550 <old@example.net>... User unknown',
      'Mar  3 10:00:03 mx sendmail[2101]: JAA01235: to=<ok@example.net>, delay=00:00:02, mailer=esmtp, relay=mx.example.net. [192.0.2.10], stat=Sent (JAA09999 Message accepted for delivery)',
      'Mar  3 10:00:04 mx sendmail[2101]: JAA01236: to=<slow@example.net>, delay=00:00:02, mailer=esmtp, relay=mx.example.net., stat=Deferred: Connection refused by mx.example.net.',
    ].join('\n')), [
      ['postfix', 'failed', '"john smith"@example.com', '5.1.1', 'hard'],
      ['postfix', 'deferred', 'eel@example.com', '5.1.1', 'soft'],
      ['sendmail', 'failed', 'old@example.net', '550', 'hard'],
      ['sendmail', 'delivered', 'ok@example.net', '-', 'none'],
      ['sendmail', 'deferred', 'slow@example.net', '-', 'soft'],
    ]);
  });

  it('Exim: ** failed with the remote reply, == deferred, => delivered (corpus exim-testsuite/0612.log)', async function () {
    needsCorpus(this);
    const events: ClassifiedEvent[] = [];
    await extractBounces([{ path: path.join(CORPUS_DIR, 'logs', 'exim-testsuite', '0612.log') }], { onEvent: (event) => events.push(event) });
    const failed = events.filter((event) => event.outcome === 'failed');
    assert.ok(failed.length > 0);
    assert.ok(failed.every((event) => event.format === 'exim' && event.messageId));
  });
});

describe('bounce messages', () => {
  it('reads the bounce bodies of MTAs the corpus lacks (test/fixtures/bounce-bodies)', async () => {
    const folder = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'bounce-bodies');
    const files = fs.readdirSync(folder).filter((name) => name.endsWith('.eml'));
    assert.ok(files.length >= 15);
    for (const name of files) {
      const { records } = await extractBounces([{ path: path.join(folder, name) }], { includeSoft: true });
      assert.deepEqual(records.map((record) => [record.address, record.type, record.reason]), [['kijitora@example.net', 'hard', 'user-unknown']], name);
    }
  });

  it('reads Amazon SES JSON notifications even when a gateway broke the JSON (corpus lhost-amazonses-09)', async function () {
    needsCorpus(this);
    const { records } = await extractBounces([{ path: path.join(CORPUS_DIR, 'eml', 'bsd', 'lhost-amazonses-09.eml') }]);
    assert.deepEqual(records.map((record) => [record.address, record.status, record.type]), [['bounce@simulator.amazonses.com', '5.1.1', 'hard']]);
  });

  it('skips feedback reports and auto-replies', async function () {
    needsCorpus(this);
    for (const name of ['arf-01.eml', 'rfc3834-01.eml']) {
      const { records, summary } = await extractBounces([{ path: path.join(CORPUS_DIR, 'eml', 'bsd', name) }], { includeSoft: true });
      assert.deepEqual([records.length, summary.failed], [0, 0], name);
    }
  });

  it('reads bare-CR (old Mac) messages like LF ones (corpus mac/ and bsd/ lhost-postfix-01)', async function () {
    needsCorpus(this);
    const of = async (folder: string) => (await extractBounces([{ path: path.join(CORPUS_DIR, 'eml', folder, 'lhost-postfix-01.eml') }], { includeSoft: true })).records.map((record) => record.address);
    assert.deepEqual(await of('mac'), await of('bsd'));
    assert.ok((await of('bsd')).length > 0);
  });
});
