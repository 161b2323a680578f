// Bounce messages for the fuzz harness (scripts/fuzz.mjs), for the MIME path of src/core/bounce/message.ts: DSNs
// with many recipients, broken boundaries, nested message/rfc822, HTML-only bodies, base64 and quoted-printable
// garbage, mislabelled charsets, repeated Message-ID headers, Amazon SES JSON (direct, in an SNS envelope, broken)
// and SMTP transcripts with many RCPT TO; one message or an mbox of several.
import fc from 'fast-check';
import { field } from './fuzz-pieces.mjs';
import { address, diagnostic, enhancedCode, host, ipv4, queueId, wordingUnits } from './fuzz-values.mjs';

export const MESSAGE_UNITS = [
  '<', '>', '--', '=?', '=?utf-8?B?', '?=', 'Message-ID: <', 'Final-Recipient: rfc822; ', 'Status: 5.', 'Action: failed\n', 'Content-Type: ', 'boundary=',
  '\n--b\n', '\n\n', ' \n', '\n ', '=', '==', '=\n', '{', '}', '{"', '\\"', '"bouncedRecipients":[', '>>> RCPT TO:<', '<<< 550 ', '<br>', '<a href="',
  '&lt;', '&nbsp;', 'From ', '> ', '-----', '----- Original message -----', 'Received: ', 'rfc822;', 'smtp; ', 'Diagnostic-Code: smtp; 550 ', ':', '\t',
  ...wordingUnits,
];

const f = (name, normal) => field(name, normal, MESSAGE_UNITS);
const count = (small, large) => fc.oneof({ weight: 15, arbitrary: fc.integer({ min: 1, max: small }) }, { weight: 1, arbitrary: fc.integer({ min: small, max: large }) });
const many = (item, small, large, separator) => fc.tuple(fc.array(item, { minLength: 1, maxLength: 4 }), count(small, large))
  .map(([cycle, times]) => ({ cycle, count: times, separator }));

const headerFrom = f('From', fc.constantFrom('Mail Delivery System <MAILER-DAEMON@mx.example.com>', 'postmaster@example.com', '"Mail Delivery Subsystem" <mailer-daemon@googlemail.com>',
  'MAILER-DAEMON', 'no-reply@sns.amazonaws.com', 'user@example.org', '=?utf-8?B?5LiN6IO96YWN6YCB?= <bounce@example.com>'));
const headerSubject = f('Subject', fc.constantFrom('Undelivered Mail Returned to Sender', 'Mail delivery failed: returning message to sender', 'failure notice',
  'Delivery Status Notification (Failure)', '=?utf-8?B?5LiN6IO96YWN6YCB?=', 'Out of Office: re', 'AWS Notification Message', 'hello', 'Warning: could not send message for past 4 hours'));
/** Headers a bounce may carry besides the usual: the failed recipients, long folded fields, received lines. */
const extraHeaders = fc.array(fc.oneof(
  fc.tuple(fc.constant('X-Failed-Recipients: '), many(f('X-Failed-Recipients', address), 4, 3000, ', '), fc.constant('\n')),
  fc.tuple(fc.constant('X-Folded:'), many(f('folded line', fc.constantFrom('\n x', '\n\t<a@b.c>', '\n =?utf-8?Q?=E2=80=AE?=')), 4, 5000), fc.constant('\n')),
  fc.tuple(fc.constant('Received: from '), f('Received', host), fc.constant(' ([192.0.2.1]) by mx.example.com; Sun, 3 Mar 2024 10:00:01 +0100\n')),
  fc.constant('Auto-Submitted: auto-replied\n'),
), { maxLength: 3 });

/** A message: its headers, then `typeLines` (the Content-Type and Content-Transfer-Encoding lines), then its body. */
const message = (typeLines, body) => fc.tuple(headerFrom, f('To', address), headerSubject, f('Message-ID', queueId), extraHeaders)
  .map(([from, to, subject, id, extra]) => ['From: ', from, '\nTo: ', to, '\nSubject: ', subject, '\nDate: Sun, 3 Mar 2024 10:00:01 +0100\nMessage-ID: <', id,
    '@mx.example.com>\n', extra, 'MIME-Version: 1.0\n', typeLines, '\n', body]);

/** Boundaries as declared and as used: equal, differing, never closed, not used at all, or followed by junk. */
const boundary = fc.record({
  name: f('boundary', fc.constantFrom('b', '----=_Part_1_2.3', '', 'a b', 'x'.repeat(70), '==', '--')),
  quoted: fc.boolean(),
  mode: fc.constantFrom('ok', 'ok', 'ok', 'wrong', 'unclosed', 'absent', 'junk'),
});

function multipart(type, spec, parts) {
  const used = spec.mode === 'wrong' ? [spec.name, 'x'] : spec.name;
  const declared = [`Content-Type: ${type}; boundary=`, spec.quoted ? ['"', spec.name, '"'] : spec.name, '\n'];
  const opener = spec.mode === 'absent' ? '\n' : ['\n--', used, spec.mode === 'junk' ? ' trailing junk' : '', '\n'];
  const body = ['This is a MIME-encapsulated message.\n', parts.map((part) => [opener, part]), spec.mode === 'unclosed' || spec.mode === 'absent' ? '' : ['\n--', used, '--\n']];
  return { declared, body };
}

/** A text part's bytes as labelled and as written: the label may lie, the transfer encoding may be garbage. */
const charsetLabel = fc.constantFrom('us-ascii', 'utf-8', 'iso-8859-1', 'iso-2022-jp', 'shift_jis', 'euc-jp', 'koi8-r', 'windows-1251', 'gb2312', 'big5', 'utf-16',
  'utf-7', 'x-unknown', '"utf-8"', '', 'UTF-8; format=flowed', 'ks_c_5601-1987');
const encodedBody = (textArbitrary) => fc.tuple(fc.constantFrom('7bit', '8bit', 'base64', 'quoted-printable', 'base64-garbage', 'qp-garbage', 'latin1', 'utf16', 'random'),
  fc.uint8Array({ minLength: 1, maxLength: 2048 }), textArbitrary)
  .map(([encoding, noise, text]) => {
    if (encoding === 'base64') return { cte: 'base64', body: { base64: text } };
    if (encoding === 'quoted-printable') return { cte: 'quoted-printable', body: { qp: text } };
    if (encoding === 'base64-garbage') return { cte: 'base64', body: [text, '\n!!==**', { bytes: [...noise] }] };
    if (encoding === 'qp-garbage') return { cte: 'quoted-printable', body: [text, '=\n=ZZ=', { repeat: '=', chars: noise.length }] };
    if (encoding === 'latin1' || encoding === 'utf16') return { cte: '8bit', body: { [encoding]: text } };
    if (encoding === 'random') return { cte: '8bit', body: [text, '\n', { bytes: [...noise] }] };
    return { cte: encoding, body: text };
  });

/** A part's header lines and body, to stand alone as a message's or inside a multipart. */
const textPart = (textArbitrary, type = 'text/plain') => fc.tuple(charsetLabel, encodedBody(textArbitrary))
  .map(([charset, { cte, body }]) => ({ head: `Content-Type: ${type}; charset=${charset}\nContent-Transfer-Encoding: ${cte}\n`, body: [body, '\n'] }));
const asPart = ({ head, body }) => [head, '\n', body];

/** The explaining text MTAs write: failed-recipient lines, quoted replies, prose, transcripts, a copy marker. */
const recipientLine = fc.oneof(
  fc.tuple(f('recipient', address), f('host', host), f('ip', ipv4), f('reply', diagnostic), f('stage', fc.constantFrom('RCPT TO', 'end of DATA', 'MAIL FROM')))
    .map(([rcpt, name, ip, reply, stage]) => ['<', rcpt, '>: host ', name, '[', ip, '] said: ', reply, ' (in reply to ', stage, ' command)\n\n']),
  fc.tuple(f('recipient', address), f('host', host), f('ip', ipv4), f('reply', diagnostic))
    .map(([rcpt, name, ip, reply]) => ['  ', rcpt, '\n    host ', name, ' [', ip, ']\n    SMTP error from remote mail server after RCPT TO:<', rcpt, '>:\n    ', reply, '\n']),
  fc.tuple(f('recipient', address), f('reply', diagnostic)).map(([rcpt, reply]) => ['<', rcpt, '>:\n', reply, '\n\n']),
  fc.tuple(f('bullet', fc.constantFrom('- ', '* ', '> ', '• ', 'Recipient: ', 'Final-Recipient: ', 'Failed recipient: ', '')), f('recipient', address), f('reply', diagnostic))
    .map(([bullet, rcpt, reply]) => [bullet, rcpt, ' ', reply, '\n']),
);
const transcript = fc.tuple(many(fc.tuple(f('transcript recipient', address), f('transcript reply', diagnostic)).map(([rcpt, reply]) => ['>>> RCPT TO:<', rcpt, '>\n<<< ', reply, '\n']), 5, 4000),
  f('transcript DATA reply', diagnostic), fc.boolean())
  .map(([rcpts, dataReply, quoted]) => [quoted ? '> ' : '', '>>> MAIL FROM:<a@b.c>\n<<< 250 OK\n', rcpts, '>>> DATA\n<<< 354 go ahead\n<<< ', dataReply, '\n']);
const prose = f('prose', fc.array(fc.constantFrom(...wordingUnits, 'This is the mail system at host mx.example.com.\n', 'I\'m sorry to have to inform you that your message could not be delivered.\n',
  'The following address(es) failed:\n', 'This is a permanent error.\n', 'Delivery to the following recipients failed permanently:\n', 'will retry for 4 more days\n'), { maxLength: 8 }).map((words) => words.join('')));
const copyMarker = fc.constantFrom('--- Below this line is a copy of the message.\n\n', '------ This is a copy of the message, including all the headers. ------\n\n',
  '----- Original message -----\n', 'Return-Path: <sender@example.org>\n', '');
const explanation = fc.tuple(prose, fc.array(fc.oneof({ weight: 3, arbitrary: recipientLine }, { weight: 1, arbitrary: many(recipientLine, 4, 3000) }, { weight: 1, arbitrary: transcript }),
  { minLength: 1, maxLength: 4 }), copyMarker);

/** The returned original's headers, with a Message-ID (sometimes one opened over and over). */
const originalHeaders = fc.tuple(f('original From', address), f('original To', address), f('original Message-ID', fc.tuple(queueId, fc.constant('@example.org'))),
  fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: many(fc.constantFrom('Message-ID: <', 'Message-ID: <\n', 'Message-ID:<a@b>'), 4, 20_000) }))
  .map(([from, to, id, repeated]) => ['Return-Path: <', from, '>\nFrom: ', from, '\nTo: ', to, '\nSubject: hello\nMessage-ID: <', id, '>\n', repeated, '\n']);

const dsnRecipient = fc.tuple(f('Final-Recipient type', fc.constantFrom('rfc822; ', 'RFC822;', 'x400; ', '', 'utf-8; ')), f('Final-Recipient', address),
  fc.option(f('Original-Recipient', address)), f('Action', fc.constantFrom('failed', 'delayed', 'delivered', 'relayed', 'expanded', 'FAILED (permanent)', '')),
  f('Status', enhancedCode), fc.option(f('Remote-MTA', host)), fc.option(f('Diagnostic-Code', diagnostic)),
  fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: many(f('Diagnostic-Code continuation', fc.constantFrom('\n    more text', '\n\t550 5.1.1', '\n ')), 4, 5000) }),
  fc.constantFrom('\n', '\n', ''))
  .map(([type, rcpt, original, action, status, mta, diag, continued, gap]) => ['Final-Recipient: ', type, rcpt, '\n', original ? ['Original-Recipient: rfc822;', original, '\n'] : '',
    'Action: ', action, '\nStatus: ', status, '\n', mta ? ['Remote-MTA: dns; ', mta, '\n'] : '', diag ? ['Diagnostic-Code: smtp; ', diag, continued, '\n'] : '',
    'Last-Attempt-Date: Sun, 3 Mar 2024 10:00:01 +0100\n', gap]);
const deliveryStatus = fc.tuple(f('Reporting-MTA', host), many(dsnRecipient, 6, 3000))
  .map(([mta, recipients]) => ['Reporting-MTA: dns; ', mta, '\nX-Postfix-Queue-ID: AB12CD34EF\nArrival-Date: Sun, 3 Mar 2024 10:00:00 +0100\n\n', recipients]);

/** RFC 3464 report: explanation, delivery-status, the original (or its headers). */
const dsnReport = fc.tuple(boundary, textPart(explanation), fc.constantFrom('message/delivery-status', 'message/global-delivery-status', 'text/delivery-status'), deliveryStatus,
  fc.constantFrom('message/rfc822', 'text/rfc822-headers', 'message/global-headers', 'message/global'), originalHeaders)
  .chain(([spec, explaining, dsnType, dsn, originalType, original]) => {
    const { declared, body } = multipart('multipart/report; report-type=delivery-status', spec, [asPart(explaining), [`Content-Type: ${dsnType}\n\n`, dsn], [`Content-Type: ${originalType}\n\n`, original, 'Hello.\n']]);
    return message(declared, body);
  });

/** A bounce in plain text only (Exim, qmail, Gmail-style), maybe with the original after a copy marker. */
const plainBounce = textPart(fc.tuple(explanation, originalHeaders)).chain(({ head, body }) => message(head, body));

/** HTML-only bounce: tags, entities and many "<". */
const htmlBody = fc.tuple(f('html prose', fc.constantFrom('<p>Delivery has failed to these recipients:</p>', '<b>', '<a href="mailto:', '<<<<', '<!--', '<br/>')),
  many(fc.tuple(f('html recipient', address), f('html reply', diagnostic)).map(([rcpt, reply]) => ['<p><a href="mailto:', rcpt, '">', rcpt, '</a><br>', reply, '</p>\n']), 4, 2000),
  f('html tail', fc.constantFrom('&lt;a@b.c&gt;', '&nbsp;&amp;', '</div></body></html>', '<p', '<')))
  .map(([head, rows, tail]) => ['<html><body>', head, rows, tail, '\n']);
const htmlBounce = textPart(htmlBody, 'text/html').chain(({ head, body }) => message(head, body));

/** Amazon SES notifications: JSON, directly or in an SNS envelope, escaped properly or not (then it does not parse). */
const sesRecipient = (escape) => fc.tuple(f('emailAddress', address), f('status', enhancedCode), f('diagnosticCode', diagnostic))
  .map(([rcpt, status, diag]) => ['{"emailAddress":"', escape(rcpt), '","action":"failed","status":"', escape(status), '","diagnosticCode":"', escape(['smtp; ', diag]), '"}']);
const sesNotification = fc.boolean().chain((escaped) => {
  const escape = (piece) => (escaped ? { json: piece } : piece);
  return fc.tuple(f('notificationType', fc.constantFrom('Bounce', 'Complaint', 'Delivery', 'bounce')), f('bounceType', fc.constantFrom('Permanent', 'Transient', 'Undetermined')),
    many(sesRecipient(escape), 3, 3000, ','), f('reportingMTA', host), f('source', address), fc.constantFrom(',', ''))
    .map(([type, bounceType, recipients, mta, source, trailing]) => ['{"notificationType":"', escape(type), '","bounce":{"bounceType":"', escape(bounceType),
      '","bounceSubType":"General","bouncedRecipients":[', recipients, trailing, '],"timestamp":"2024-03-03T10:00:01.000Z","reportingMTA":"dsn; ', escape(mta),
      '"},"mail":{"source":"', escape(source), '","messageId":"0100018e-aaaa"}}']);
});
const sesBody = fc.tuple(sesNotification, fc.constantFrom('direct', 'sns', 'sns-unescaped'))
  .map(([notification, wrapping]) => (wrapping === 'direct' ? notification
    : ['{"Type":"Notification","MessageId":"22b80b92","TopicArn":"arn:aws:sns:us-east-1:123456789012:ses","Message":"', wrapping === 'sns' ? { json: notification } : notification, '","Timestamp":"2024-03-03T10:00:01.000Z"}']));
const sesMessage = fc.tuple(fc.boolean(), boundary).chain(([attached, spec]) => textPart(sesBody, attached ? 'application/json' : 'text/plain').chain((part) => {
  if (!attached) return message(part.head, part.body);
  const { declared, body } = multipart('multipart/mixed', spec, ['Content-Type: text/plain\n\nSee the attachment.\n', asPart(part)]);
  return message(declared, body);
}));

/** A message inside message/rfc822 parts, `depth` deep (a forwarded bounce of a bounce…). */
const nested = (inner) => fc.tuple(inner, fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 300 }) }), fc.boolean())
  .map(([message, depth, multiparts]) => {
    let current = message;
    for (let level = 0; level < depth; level++) {
      current = multiparts
        ? [`From: forwarder@example.com\nSubject: Fwd: bounce\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="n${level}"\n\n--n${level}\nContent-Type: message/rfc822\n\n`, current, `\n--n${level}--\n`]
        : ['From: MAILER-DAEMON@example.com\nSubject: Returned mail\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n', current];
    }
    return current;
  });

const oneMessage = fc.oneof(
  { weight: 4, arbitrary: dsnReport }, { weight: 3, arbitrary: plainBounce }, { weight: 1, arbitrary: htmlBounce }, { weight: 2, arbitrary: sesMessage },
);

/** One message (maybe nested) or an mbox of several. */
export const messageDocument = fc.oneof(
  { weight: 6, arbitrary: oneMessage },
  { weight: 1, arbitrary: nested(oneMessage) },
  { weight: 2, arbitrary: fc.tuple(fc.array(oneMessage, { minLength: 1, maxLength: 4 }), count(4, 50)).map(([messages, times]) => ({
    cycle: messages.map((message) => ['From MAILER-DAEMON  Sun Mar  3 10:00:01 2024\n', message, '\n']), count: times,
  })) },
);
