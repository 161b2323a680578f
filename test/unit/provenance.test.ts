// Address provenance: an address is reported only from a place that names a failed recipient. The messages here are
// written for these tests in the layouts of real notices (Amazon SES via SNS, AOL, Exchange 5.5/2000 X.400, Sendmail).
import * as assert from 'node:assert/strict';
import { extractBounces } from '../../src/core/bounce';

async function records(text: string, includeSoft = true) {
  return (await extractBounces([{ name: 'test.eml', text }], { includeSoft })).records;
}
const summary = (list: Awaited<ReturnType<typeof records>>) => list.map((record) => `${record.address} ${record.type} ${record.reason} ${record.source}`);

const SES_NOTIFICATION = JSON.stringify({
  notificationType: 'Bounce',
  bounce: {
    bounceType: 'Permanent', bounceSubType: 'General', reportingMTA: 'dsn; a8-1.smtp-out.amazonses.com', timestamp: '2026-11-02T10:00:00.000Z',
    bouncedRecipients: [{ emailAddress: 'gone@example.org', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
  },
  mail: {
    source: 'news@sender.example', sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/news@sender.example',
    destination: ['gone@example.org', 'kept@example.org'],
    headers: [{ name: 'From', value: 'News <news@sender.example>' }, { name: 'To', value: 'gone@example.org, kept@example.org' }],
  },
});

describe('address provenance', () => {
  it('reads an SES notification inside an SNS envelope: the bounced recipient only, never the source, an ARN or headers', async () => {
    const envelope = JSON.stringify({ Type: 'Notification', MessageId: 'abc', TopicArn: 'arn:aws:sns:us-east-1:123456789012:bounces', Message: SES_NOTIFICATION });
    const message = `From: no-reply@sns.amazonaws.com\nTo: ops@sender.example\nSubject: AWS Notification Message\nContent-Type: text/plain\n\n${envelope}\n`;
    assert.deepEqual(summary(await records(message)), ['gone@example.org hard user-unknown json']);
    // A gateway that wrapped the JSON so it no longer parses: the fields are read one by one.
    const wrapped = message.replace('"emailAddress"', '\n"emailAddress"').replace('}]', '}\n]').replace('"bounceType"', '"bounce\nType":"x","bounceType"');
    assert.deepEqual(summary(await records(wrapped)).map((line) => line.split(' ')[0]), ['gone@example.org']);
  });

  it('reads a quoted original that starts with its header block as a copy, with no marker above it', async () => {
    const message = [
      'From: MAILER-DAEMON@mx.example.com', 'To: sender@example.com', 'Subject: Undelivered Mail Returned to Sender', '',
      'This is the mail system at host mx.example.com.', '',
      '<gone@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 User unknown', '',
      'From: sender@example.com', 'To: gone@example.org', 'Subject: Newsletter', 'Date: Mon, 1 Dec 2025 10:00:00 +0000', '',
      'Hello! Questions? Write to', 'help@example.net', '',
    ].join('\n');
    assert.deepEqual(summary(await records(message)), ['gone@example.org hard user-unknown text']);
    // Exchange 2003 and Notes indent the original's fields above the recipients: those stay explaining text.
    const indented = message.replace('This is the mail system at host mx.example.com.', 'Your message\n\n  To: gone@example.org\n  Subject: Newsletter\n  Date: Mon, 1 Dec 2025\n\ndid not reach the following recipient(s):');
    assert.deepEqual(summary(await records(indented)), ['gone@example.org hard user-unknown text']);
  });

  it('never reports the sender a notice names as refused ("not accepting mail from …")', async () => {
    const message = [
      'From: Mail Delivery Subsystem <MAILER-DAEMON@aol.example>', 'To: fan@sender.example', 'Subject: Undeliverable: hello', '',
      'Your mail could not be delivered because the recipient is not accepting mail from fan@sender.example:', '    pinkbunny77', '',
      '--- Original message follows ---', 'From: fan@sender.example', 'To: pinkbunny77@aol.example', 'Subject: hello', '', 'hi', '',
    ].join('\n');
    const found = summary(await records(message));
    assert.ok(!found.some((line) => line.startsWith('fan@')), found.join('; '));
    // The one recipient of the returned original is the failed one, and the verdict is soft (the sender is refused).
    assert.deepEqual(found, ['pinkbunny77@aol.example soft blocked original']);
  });

  it('reads the Internet address inside an X.400 recipient, not the To: of the returned original', async () => {
    const message = [
      'From: System Administrator <postmaster@exchange.example>', 'To: boss@sender.example', 'Subject: Undeliverable: budget', '',
      'Your message', '', '  To:      team@example.org', '  Subject: budget', '', 'did not reach the following recipient(s):', '',
      'c=US;a= ;p=Example Org;o=MAIL01;dda:SMTP=departed@example.org; on 3/4/2003 10:00 AM',
      '    The recipient name is not recognized', '    MSEXCH:IMS:Example Org:SITE:MAIL01 0 (000C05A6) Unknown Recipient', '',
    ].join('\n');
    assert.deepEqual(summary(await records(message)), ['departed@example.org hard user-unknown text']);
  });

  it("prefers a DSN's Original-Recipient when its Final-Recipient is an internal routing address", async () => {
    const message = [
      'From: MAILER-DAEMON@gw.example.org', 'To: sender@sender.example', 'Subject: Delivery Status Notification (Failure)',
      'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"', '',
      '--b', 'Content-Type: text/plain', '', 'Delivery failed.', '',
      '--b', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; gw.example.org', '',
      'Original-Recipient: rfc822; ann.lee@example.org', 'Final-Recipient: rfc822; alee@mbx07.corp.internal', 'Action: failed', 'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <alee@mbx07.corp.internal>: Recipient address rejected: User unknown', '',
      '--b--', '',
    ].join('\n');
    assert.deepEqual(summary(await records(message)), ['ann.lee@example.org hard user-unknown dsn']);
  });

  it("gives each transcript recipient the reply to its own RCPT TO, not a later command's", async () => {
    const message = [
      'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.sender.example>', 'To: <sender@sender.example>', 'Subject: Returned mail: see transcript for details', '',
      'The original message was received at Mon, 2 Nov 2026 10:00:00 GMT', '',
      '   ----- The following addresses had permanent fatal errors -----', '<nobody@example.org>', '',
      '   ----- Transcript of session follows -----', '... while talking to mx.example.org.:',
      '>>> RCPT To:<nobody@example.org>', '<<< 550 <nobody@example.org>... User unknown', '550 <nobody@example.org>... User unknown',
      '>>> RCPT To:<later@example.org>', '<<< 421 mx.example.org: Service not available, closing transmission channel',
      'later@example.org... Deferred: 421 mx.example.org: Service not available', '',
    ].join('\n');
    const found = await records(message);
    const nobody = found.find((record) => record.address === 'nobody@example.org')!;
    assert.equal(nobody.type, 'hard');
    assert.equal(nobody.source, 'transcript');
    assert.doesNotMatch(nobody.diagnostic, /421/);
    const later = found.find((record) => record.address === 'later@example.org');
    assert.ok(!later || later.type === 'soft', JSON.stringify(later));
  });

  it('keeps a greylisted recipient whose message expired soft, and closes old failures once an address is delivered', async () => {
    const log = [
      'Nov  2 10:00:00 mx postfix/smtp[1]: AAA111: to=<grey@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, dsn=4.7.1, status=deferred (host mx.example.org[192.0.2.1] said: 450 4.7.1 <grey@example.org>: Recipient address rejected: Greylisted, see http://grey.example/ (in reply to RCPT TO command))',
      'Nov  7 10:00:00 mx postfix/qmgr[2]: AAA111: from=<news@sender.example>, status=expired, returned to sender',
      'Nov  2 10:00:01 mx postfix/smtp[1]: BBB222: to=<back@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.1] said: 550 5.1.1 <back@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))',
      'Nov  3 10:00:01 mx postfix/smtp[1]: CCC333: to=<back@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (250 2.0.0 Ok)',
      'Nov  4 10:00:01 mx postfix/smtp[1]: DDD444: to=<back@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, dsn=5.7.1, status=bounced (host mx.example.org[192.0.2.1] said: 554 5.7.1 Service unavailable; Client host [198.51.100.1] blocked using zen.spamhaus.org (in reply to RCPT TO command))',
    ].join('\n');
    const { records: found } = await extractBounces([{ name: 'maillog', text: `${log}\n` }], { includeSoft: true });
    assert.deepEqual(found.map((record) => `${record.address} ${record.type} ${record.reason} ${record.source}`), [
      'back@example.org soft blocked log',
      'grey@example.org soft rate-limited log',
    ]);
  });
});
