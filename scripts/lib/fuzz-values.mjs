// Real-looking values for the fuzz generators (scripts/fuzz.mjs): addresses, hosts, dates, ids, codes and the
// server replies that mail logs and bounces quote. Small pools collide on purpose, so lines join up by queue ID.
import fc from 'fast-check';

const LOCAL_PARTS = ['user', 'john.smith', 'a', 'MAILER-DAEMON', 'postmaster', '"john smith"', 'x+tag', 'UPPER.Case', 'nobody', 'info'];
const DOMAINS = ['example.com', 'mx.example.net', 'xn--bcher-kva.example', 'EXAMPLE.ORG', 'ezweb.ne.jp', 'docomo.ne.jp', 'localhost', 'mail.local', 'b.c'];

const localPart = fc.oneof(fc.constantFrom(...LOCAL_PARTS), fc.stringMatching(/^[a-z0-9._+-]{1,16}$/));
const domain = fc.oneof(fc.constantFrom(...DOMAINS), fc.domain());
/** An address; one in ten is numbered by the repetition it is rendered in, so repeated lines name many recipients. */
export const address = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(localPart, domain).map(([local, host]) => `${local}@${host}`) },
  { weight: 1, arbitrary: fc.tuple(localPart, domain).map(([local, host]) => [local, { counter: true }, '@d', { counter: true }, '.', host]) },
  { weight: 1, arbitrary: fc.constantFrom('', 'a@', '@b.c', 'a@b@c.d', 'a@[192.0.2.1]', 'rfc822;a@b.c', '"a@b"@c.d', 'a@b.c.', 'mailto:a@b.c') },
);
export const ipv4 = fc.ipV4();
export const ip = fc.oneof({ weight: 3, arbitrary: ipv4 }, { weight: 1, arbitrary: fc.ipV6() });
export const host = fc.oneof(fc.constantFrom('mx.example.com', 'unknown', 'localhost', 'mx1.mail.example.net', 'EX01'), fc.domain());
export const pid = fc.integer({ min: 1, max: 99_999 }).map(String);
export const port = fc.integer({ min: 1, max: 65_535 }).map(String);
export const syslogDate = fc.constantFrom('Mar  3 10:00:01', 'Dec 31 23:59:59', '2024-03-03T10:00:01.123456+01:00', '<22>Mar  3 10:00:01', '2024-03-03 10:00:01');
export const isoDate = fc.constantFrom('2024-03-03T10:00:01.000Z', '2024-03-03 10:00:01', '2024-13-45T99:99:99Z', '');
export const eximDate = fc.constantFrom('2024-03-03 10:00:01', '2024-03-03 10:00:01.123', '2024-03-03 10:00:01 +0100', '1999-03-02 09:44:33');
/** A few queue IDs, shared by a case's lines so deferrals meet their expiry and removal. */
export const queueId = fc.constantFrom('AB12CD34EF', '4Xyz1', 'C0FFEE', 'NOQUEUE', '3F2A1B0C9D8E', 'x23A0Bq001234');
export const eximId = fc.constantFrom('1rA2b3-000C4d-5E', '10HmaX-000000005vi-0000', '1rA2b3-00000000C4d-5E00', 'zzzzzz-zzzzzz-zz');
export const enhancedCode = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('5.1.1', '5.1.10', '4.4.1', '5.7.1', '5.2.2', '4.7.0', '5.0.0', '2.0.0', '5.4.7', '5.1.2') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('2', '4', '5', '9'), fc.nat(999), fc.nat(999)).map((parts) => parts.join('.')) },
);
export const replyCode = fc.constantFrom('550', '551', '552', '553', '554', '450', '451', '452', '421', '250', '500', '535', '999');

/** Replies as servers word them; `{ address }` slots are filled in by `diagnostic`. */
const REPLIES = [
  '550 5.1.1 <%>: Recipient address rejected: User unknown in virtual mailbox table',
  '550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient\'s email address for typos',
  '552 5.2.2 <%>: Mailbox full', '452 4.2.2 Over quota', '421 4.7.0 Try again later, closing connection.',
  '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org', '451 4.7.1 Greylisted, please try again later',
  '550 5.7.1 <%>... Relaying denied', '553 5.1.3 Bad recipient address syntax', '550 Requested action not taken: mailbox unavailable',
  'User unknown', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
  'connect to mx.example.com[192.0.2.1]:25: Connection timed out', 'Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found',
  '550 5.7.26 Unauthenticated email from example.com is not accepted due to domain\'s DMARC policy', '554 5.4.7 delivery expired (message too old)',
  '550 unknown user <%>', '5.1.1 <%>: Recipient address rejected: Access denied', 'Unrouteable address', 'retry timeout exceeded',
  '550 Benutzer unbekannt', '550 utilisateur inconnu', '550 ユーザーが存在しません', '554 5.6.0 Message content rejected, spam detected',
];
export const wordingUnits = [
  'user ', 'unknown ', 'mailbox ', 'account ', 'recipient ', 'address ', 'domain ', 'does not exist ', 'not found ', 'rejected ', 'denied ',
  'try again ', 'and try ', 'temporar', 'quota ', 'full ', 'blocked ', 'listed ', 'not ', 'exceeded ', 'ip address ', 'header ', 'rejected by ',
  'in reply to ', 'after ', 'end of data ', '>>> DATA > ', '<<< 550 ', '>>> RCPT TO:<a@b.c> > ', 'RCPT TO command ', 'said: ', '(state 14)',
];

export const diagnostic = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...REPLIES), address).map(([reply, recipient]) => reply.split('%').flatMap((part, index) => (index ? [recipient, part] : [part]))) },
  { weight: 1, arbitrary: fc.tuple(replyCode, enhancedCode, fc.array(fc.constantFrom(...wordingUnits), { maxLength: 6 })).map(([reply, code, words]) => `${reply} ${code} ${words.join('')}`) },
);
