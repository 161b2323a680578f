// Mail-log lines for the fuzz harness (scripts/fuzz.mjs), one set of templates per recognizer of
// src/core/bounce/logs: every variable part is a field (fuzz-pieces.mjs) that may be real-looking or junk, and each
// format lists the prefixes and delimiters its patterns look for, which junk and bombs repeat.
import fc from 'fast-check';
import { field } from './fuzz-pieces.mjs';
import {
  address, diagnostic, enhancedCode, eximDate, eximId, host, ip, ipv4, isoDate, pid, port, queueId, replyCode, syslogDate,
} from './fuzz-values.mjs';

/** Each format: its delimiters, and line templates (arbitraries of pieces). */
function format(units, templates) {
  return { units, templates: templates((name, normal) => field(name, normal, units)) };
}

const join = (...parts) => parts;

export const LOG_FORMATS = {
  postfix: format(
    ['postfix/', 'postfix/smtp[1]: ', ']: ', 'to=<', 'from=<', ', ', 'relay=', ' dsn=5.1.1, status=bounced (', 'status=', 'said: ', 'host mx said: ', 'orig_to=<',
      'reject: RCPT from ', 'NOQUEUE: reject: ', '; from=<', ' to=<', 'status=expired', ':25', '[192.0.2.1]', 'removed', 'milter-reject: '],
    (f) => [
      fc.tuple(f('date', syslogDate), f('host', host), f('agent', fc.constantFrom('smtp', 'lmtp', 'local', 'virtual', 'error', 'pipe')), f('pid', pid), f('queue id', queueId),
        f('recipient', address), fc.option(f('orig_to', address)), f('relay', fc.oneof(fc.tuple(host, fc.constant('['), ip, fc.constant(']:25')), fc.constantFrom('none', 'local'))),
        f('dsn', enhancedCode), f('status', fc.constantFrom('bounced', 'deferred', 'sent', 'expired', 'undeliverable', 'deliverable', 'SOFTBOUNCE')),
        fc.option(f('said', fc.oneof(fc.tuple(fc.constant('host '), host, fc.constant('['), ipv4, fc.constant('] said: '), diagnostic, fc.constant(' (in reply to RCPT TO command)')), diagnostic))))
        .map(([date, name, agent, id, queue, rcpt, origTo, relay, dsn, status, said]) => join(date, ' ', name, ' postfix/', agent, '[', id, ']: ', queue, ': to=<', rcpt, '>,',
          origTo ? [' orig_to=<', origTo, '>,'] : '', ' relay=', relay, ', delay=0.5, delays=0.1/0/0.2/0.2, dsn=', dsn, ', status=', status, said ? [' (', said, ')'] : '')),
      fc.tuple(f('date', syslogDate), f('host', host), f('pid', pid), f('queue id', queueId), f('sender', address))
        .map(([date, name, id, queue, sender]) => join(date, ' ', name, ' postfix/qmgr[', id, ']: ', queue, ': from=<', sender, '>, status=expired, returned to sender')),
      fc.tuple(f('date', syslogDate), f('host', host), f('pid', pid), f('queue id', queueId))
        .map(([date, name, id, queue]) => join(date, ' ', name, ' postfix/qmgr[', id, ']: ', queue, ': removed')),
      fc.tuple(f('date', syslogDate), f('host', host), f('agent', fc.constantFrom('smtpd', 'cleanup', 'postscreen')), f('pid', pid), f('queue id', queueId),
        f('verb', fc.constantFrom('reject', 'milter-reject', 'proxy-reject')), f('command', fc.constantFrom('RCPT', 'END-OF-MESSAGE', 'DATA')),
        f('client', fc.tuple(host, fc.constant('['), ip, fc.constant(']'))), f('reply', fc.option(replyCode)), f('dsn', enhancedCode), f('text', diagnostic),
        f('sender', address), f('recipient', address), f('helo', host))
        .map(([date, name, agent, id, queue, verb, command, client, reply, dsn, text, sender, rcpt, helo]) => join(date, ' ', name, ' postfix/', agent, '[', id, ']: ', queue, ': ',
          verb, ': ', command, ' from ', client, ': ', reply ? [reply, ' '] : '', dsn, ' ', text, '; from=<', sender, '> to=<', rcpt, '> proto=ESMTP helo=<', helo, '>')),
      fc.tuple(f('date', syslogDate), f('host', host), f('pid', pid), f('client', host), f('ip', ip))
        .map(([date, name, id, client, address_]) => join(date, ' ', name, ' postfix/smtpd[', id, ']: connect from ', client, '[', address_, ']')),
    ],
  ),
  exim: format(
    ['** ', '== ', '=> ', 'H=', ' [', ']:', ' : ', ': ', 'R=', 'T=', 'X=', 'DN="', 'CV=yes ', 'rejected RCPT <', 'F=<', 'exim[1]: ', '1rA2b3-000C4d-5E ',
      '2024-03-03 10:00:01 ', 'SMTP error from remote mail server after RCPT TO:<', ' <', 'A=x ', '[1] '],
    (f) => [
      fc.tuple(f('date', eximDate), f('message id', eximId), f('flag', fc.constantFrom('**', '==', '=>', '->', '*>')), f('recipient', address),
        fc.option(f('parent', address)), f('router', fc.constantFrom('dnslookup', 'others', 'localuser')), f('transport', fc.constantFrom('remote_smtp', 'local_delivery')),
        f('host', fc.tuple(host, fc.constant(' ['), ip, fc.constant(']'))), f('extra', fc.constantFrom('', ' X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes', ' DN="C=US,CN=mx"', ':25')),
        f('text', fc.oneof(fc.tuple(fc.constant('SMTP error from remote mail server after RCPT TO:<'), address, fc.constant('>: '), diagnostic), diagnostic)),
        fc.boolean())
        .map(([date, id, flag, rcpt, parent, router, transport, hostField, extra, text, older]) => join(date, ' ', id, ' ', flag, ' ', rcpt, parent ? [' <', parent, '>'] : '',
          ' R=', router, ' T=', transport, older ? [' : ', text] : [' H=', hostField, extra, ': ', text])),
      fc.tuple(f('date', eximDate), f('message id', eximId), f('host', host), f('ip', ip), f('command', fc.constantFrom('MAIL FROM:<a@b.c> SIZE=1234', 'RCPT TO:<a@b.c>', 'end of data')), f('text', diagnostic))
        .map(([date, id, name, address_, command, text]) => join(date, ' ', id, ' H=', name, ' [', address_, ']: SMTP error from remote mail server after ', command, ': ', text)),
      fc.tuple(f('date', eximDate), f('message id', eximId)).map(([date, id]) => join(date, ' ', id, ' Completed')),
      fc.tuple(f('date', eximDate), f('pid', pid), f('helo', host), f('ip', ip), f('port', port), f('sender', address), f('recipient', address), f('text', diagnostic), fc.boolean())
        .map(([date, id, helo, address_, clientPort, sender, rcpt, text, temporarily]) => join(date, ' [', id, '] H=(', helo, ') [', address_, ']:', clientPort, ' I=[192.0.2.4]:25 F=<', sender, '> ',
          temporarily ? 'temporarily ' : '', 'rejected RCPT <', rcpt, '>: ', text)),
      fc.tuple(f('syslog date', syslogDate), f('host', host), f('pid', pid), fc.option(f('date', eximDate)), f('message id', eximId), f('recipient', address), f('text', diagnostic))
        .map(([sysDate, name, id, date, messageId, rcpt, text]) => join(sysDate, ' ', name, ' exim[', id, ']: ', date ? [date, ' '] : '', messageId, ' ** ', rcpt, ' R=dnslookup T=remote_smtp: ', text)),
    ],
  ),
  sendmail: format(
    ['to=<', '>,<', ', ', 'dsn=5.1.1, ', 'stat=', 'relay=', 'sendmail[1]: ', 'sm-mta[1]: ', 'ruleset=check_rcpt, arg1=<', '>... ', '... ', ',', 'a@b,', ', relay=', 'x23A0Bq001234: '],
    (f) => [
      fc.tuple(f('date', syslogDate), f('host', host), f('program', fc.constantFrom('sendmail', 'sm-mta', 'sm-msp-queue')), f('pid', pid), f('queue id', queueId),
        fc.array(f('recipient', address), { minLength: 1, maxLength: 4 }), f('relay', fc.tuple(host, fc.constant('. ['), ipv4, fc.constant(']'))), fc.option(f('dsn', enhancedCode)),
        f('stat', fc.oneof(diagnostic, fc.constantFrom('Sent (JAA09999 Message accepted for delivery)', 'Deferred: Connection refused by mx.example.com', 'User unknown'))))
        .map(([date, name, program, id, queue, rcpts, relay, dsn, stat]) => join(date, ' ', name, ' ', program, '[', id, ']: ', queue, ': to=',
          rcpts.flatMap((rcpt, index) => [index ? ',' : '', '<', rcpt, '>']), ', delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120, relay=', relay, ', ', dsn ? ['dsn=', dsn, ', '] : '', 'stat=', stat)),
      fc.tuple(f('date', syslogDate), f('host', host), f('pid', pid), f('queue id', queueId), f('recipient', address), f('relay', fc.tuple(host, fc.constant(' ['), ipv4, fc.constant(']'))),
        fc.option(f('reply', replyCode)), f('text', diagnostic))
        .map(([date, name, id, queue, rcpt, relay, reply, text]) => join(date, ' ', name, ' sm-mta[', id, ']: ', queue, ': ruleset=check_rcpt, arg1=<', rcpt, '>, relay=', relay, ', reject=', reply ? [reply, ' '] : '', text)),
      fc.tuple(f('date', syslogDate), f('host', host), f('pid', pid), f('queue id', queueId), f('recipient', address), f('text', fc.constantFrom('User unknown', 'No such user here', 'Mailbox unavailable', 'Unknown user')))
        .map(([date, name, id, queue, rcpt, text]) => join(date, ' ', name, ' sendmail[', id, ']: ', queue, ': <', rcpt, '>... ', text)),
    ],
  ),
  qmail: format(
    ['delivery ', 'starting delivery 1: msg 1 to remote ', '_', '/', 'Remote_host_said:_', 'failure: ', ' msg ', 'delivery 1: ', '@4000000', ': '],
    (f) => {
      const number = fc.constantFrom('1', '17', '42', '99999999999');
      const stamp = fc.constantFrom('@400000005e5f7a2b1c2d3e4f', 'Mar  3 10:00:01 mx qmail:', '1709460001.123456');
      return [
        fc.tuple(f('stamp', stamp), f('delivery', number), f('message', number), f('channel', fc.constantFrom('remote', 'local')), f('recipient', address))
          .map(([time, delivery, message, channel, rcpt]) => join(time, ' starting delivery ', delivery, ': msg ', message, ' to ', channel, ' ', rcpt)),
        fc.tuple(f('stamp', stamp), f('delivery', number), f('result', fc.constantFrom('success', 'failure', 'deferral')), f('text', diagnostic.map((text) => [text].flat().map((part) => (typeof part === 'string' ? part.replace(/ /g, '_') : part)))))
          .map(([time, delivery, result, text]) => join(time, ' delivery ', delivery, ': ', result, ': 192.0.2.25_does_not_like_recipient./Remote_host_said:_', text, '/Giving_up_on_192.0.2.25./')),
      ];
    },
  ),
  opensmtpd: format(
    ['to=<', ' result="', '"', 'stat="', 'evpid=', 'smtpd[1]: ', 'mta delivery evpid=', ' relay="', '=', '> ', 'from=<'],
    (f) => [
      fc.tuple(f('date', syslogDate), f('host', host), f('pid', pid), f('session', fc.stringMatching(/^[0-9a-f]{1,16}$/)), f('kind', fc.constantFrom('mta', 'smtp')),
        f('evpid', fc.stringMatching(/^[0-9a-f]{1,16}$/)), f('sender', address), f('recipient', address), f('relay', fc.tuple(ipv4, fc.constant(' ('), host, fc.constant(')'))),
        f('result', fc.constantFrom('Ok', 'TempFail', 'PermFail', 'Loop', 'Other')), f('stat', diagnostic), fc.boolean())
        .map(([date, name, id, session, kind, evpid, sender, rcpt, relay, result, stat, quoted]) => join(date, ' ', name, ' smtpd[', id, ']: ', session, ' ', kind, ' delivery evpid=', evpid,
          ' from=<', sender, '> to=<', rcpt, '> rcpt=<-> source="192.0.2.1" relay="', relay, '" delay=2s result="', result, '" stat=', quoted ? ['"', stat, '"'] : stat)),
    ],
  ),
  courier: format(
    ['courieresmtpd: ', 'error,relay=', ',', 'a=b,', 'from=<', '>,to=<', ': 550 ', '=', 'port=1,', '::ffff:', 'msg="'],
    (f) => [
      fc.tuple(f('date', syslogDate), f('host', host), fc.option(f('pid', pid)), f('client', fc.tuple(fc.constant('::ffff:'), ipv4)), f('extra', fc.constantFrom('', 'port=43632,', 'ident=x,port=1,')),
        f('sender', address), f('recipient', address), f('reply', replyCode), f('text', diagnostic))
        .map(([date, name, id, client, extra, sender, rcpt, reply, text]) => join(date, ' ', name, ' courieresmtpd', id ? ['[', id, ']'] : '', ': error,relay=', client, ',', extra,
          'from=<', sender, '>,to=<', rcpt, '>: ', reply, ' ', text)),
      fc.tuple(f('date', syslogDate), f('host', host), f('pid', pid), f('client', ipv4), f('login', address))
        .map(([date, name, id, client, login]) => join(date, ' ', name, ' courieresmtpd[', id, ']: error,relay=::ffff:', client, ',port=43632,msg="535 Authentication failed.",cmd: AUTH LOGIN ', login)),
    ],
  ),
  exchange: format(
    ['"', '""', ',', ';', '#Fields: ', 'FAIL', '","', '; ', ',,', 'recipient-address'],
    (f) => [
      fc.tuple(f('date-time', isoDate), f('client ip', ip), f('server', host), f('event', fc.constantFrom('FAIL', 'DEFER', 'DELIVER', 'SEND', 'RECEIVE', 'fail')), f('message id', fc.tuple(fc.constant('<'), address, fc.constant('>'))),
        fc.array(f('recipient', address), { minLength: 1, maxLength: 4 }), f('status', diagnostic), fc.boolean())
        .map(([date, client, server, event, messageId, rcpts, status, quoted]) => join(date, ',', client, ',,192.0.2.5,', server, ',,,SMTP,', event, ',123,', messageId, ',abc,',
          rcpts.flatMap((rcpt, index) => [index ? ';' : '', rcpt]), ',', quoted ? ['"', status, '"'] : status, ',1234')),
    ],
  ),
  powermta: format(
    ['"', '""', ',', ';', 'smtp;', 'type,', ',rcpt', 'b,', 'rb,', 'd,', ' (', ')', ',,'],
    (f) => [
      fc.tuple(f('type', fc.constantFrom('b', 'rb', 'd', 't', 'tq', 'f', 'r', 'bounce', 'delivery', 'x')), f('time', fc.oneof(isoDate, fc.constantFrom('1704189601', '0', '99999999999'))),
        f('recipient', address), f('dsnStatus', fc.tuple(enhancedCode, fc.constantFrom(' (bad destination mailbox address)', ' (mailbox full)', ''))), f('dsnDiag', diagnostic),
        f('dsnMta', fc.tuple(host, fc.constant(' ('), ip, fc.constant(')'))), fc.boolean())
        .map(([type, time, rcpt, status, diag, mta, quoted]) => join(type, ',', time, ',news@example.org,', rcpt, ',,failed,', status, ',', quoted ? ['"smtp;', diag, '"'] : ['smtp;', diag],
          ',', mta, ',bad-mailbox,vmta1,job42,<m@example.org>')),
    ],
  ),
  kumomta: format(
    ['{', '}', '"', '":"', '","', '\\"', '\\u', 'null', '"type":"', '"recipient":"', '"response":{', '"code":', '[', ']'],
    (f) => [
      fc.tuple(f('type', fc.constantFrom('Bounce', 'OOB', 'Expiration', 'Delivery', 'TransientFailure', 'Reception', 'Feedback', 'AdminBounce', 'bounce')), f('recipient', address),
        f('code', fc.oneof(replyCode, fc.constantFrom('null', '-1', '1e3', '"550"'))), fc.option(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }))),
        f('content', diagnostic), f('peer', host), f('addr', ip), f('timestamp', fc.constantFrom('1764234003', '0', '1e20', '-5', '"x"', 'null')))
        .map(([type, rcpt, code, enhanced, content, peer, addr, time]) => join('{"type":"', type, '","id":"1d98076abbbc11ed","sender":"news@example.org","recipient":"', { json: rcpt },
          '","queue":"q","site":"s","size":1047,"response":{"code":', code, ',"enhanced_code":', enhanced ? `{"class":${enhanced[0]},"subject":${enhanced[1]},"detail":${enhanced[2]}}` : 'null',
          ',"content":"', { json: content }, '","command":null},"peer_address":{"name":"', { json: peer }, '","addr":"', { json: addr }, '"},"timestamp":', time, ',"created":1764234000}')),
    ],
  ),
  generic: format(
    ['<<< ', '>>> ', '-> ', '<- ', 'RCPT TO:<', 'RCPT TO:', '550 ', '550-', '5.1.1 ', '@', 'a@', '<a@b.c>', '...', '> '],
    (f) => [
      fc.tuple(f('marker', fc.constantFrom('<<< ', '-> ', '', '   ', '550-')), f('reply', replyCode), f('separator', fc.constantFrom(' ', '-')), f('text', diagnostic))
        .map(([marker, reply, separator, text]) => join(marker, reply, separator, text)),
      fc.tuple(f('recipient', address), f('between', fc.constantFrom(' ', '> ', ' ... ', ': ')), f('reply', replyCode), f('text', diagnostic))
        .map(([rcpt, between, reply, text]) => join('RCPT TO:<', rcpt, '>', between, reply, ' ', text)),
      fc.tuple(f('prose', fc.constantFrom('Your message could not be delivered to ', 'The following address failed: ', '')), f('recipient', address))
        .map(([prose, rcpt]) => join(prose, rcpt)),
    ],
  ),
};

/** The header line Exchange tracking logs open with: column names, in the usual order or shuffled. */
const EXCHANGE_COLUMNS = ['date-time', 'client-ip', 'client-hostname', 'server-ip', 'server-hostname', 'source-context', 'connector-id', 'source', 'event-id',
  'internal-message-id', 'message-id', 'network-message-id', 'recipient-address', 'recipient-status', 'total-bytes'];
const exchangeHeader = fc.oneof(
  { weight: 4, arbitrary: fc.constant(EXCHANGE_COLUMNS) },
  { weight: 1, arbitrary: fc.shuffledSubarray(EXCHANGE_COLUMNS) },
).chain((columns) => field('exchange #Fields', fc.constant(['#Software: Microsoft Exchange Server\n#Fields: ', columns.join(','), '\n']), LOG_FORMATS.exchange.units));

/** Any format's line: a log mostly of one format carries some of the others (a syslog holds them all). */
const anyLine = fc.oneof(...Object.values(LOG_FORMATS).flatMap((entry) => entry.templates));

/** The header line PowerMTA's accounting files open with: the usual columns, or some of them in another order. */
const POWERMTA_COLUMNS = ['timeLogged', 'orig', 'rcpt', 'orcpt', 'dsnAction', 'dsnStatus', 'dsnDiag', 'dsnMta', 'bounceCat', 'vmta', 'jobId', 'header_Message-Id'];
const powermtaHeader = fc.oneof(
  { weight: 4, arbitrary: fc.constant(POWERMTA_COLUMNS) },
  { weight: 1, arbitrary: fc.shuffledSubarray(POWERMTA_COLUMNS) },
).chain((columns) => field('powermta header', fc.constant(['type,', columns.join(','), '\n']), LOG_FORMATS.powermta.units));
const HEADERS = { exchange: exchangeHeader, powermta: powermtaHeader };

/** A log of one format: its lines, a few of other formats, repeated when `repeat` says so (many recipients). */
export function logDocument(name) {
  const { templates } = LOG_FORMATS[name];
  const line = fc.oneof({ weight: 6, arbitrary: fc.oneof(...templates) }, { weight: 1, arbitrary: anyLine }).map((pieces) => [pieces, '\n']);
  return fc.record({
    header: HEADERS[name] ? fc.option(HEADERS[name], { freq: 8 }) : fc.constant(null),
    lines: fc.array(line, { minLength: 1, maxLength: 20 }),
    repeat: fc.oneof({ weight: 15, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 100 }) }),
  }).map(({ header, lines, repeat }) => [header, { cycle: lines, count: lines.length * repeat }]);
}

/** Lines of every format, for the report: many domains, hosts and codes, so its tables overflow. */
export const mixedLogDocument = fc.record({
  lines: fc.array(anyLine.map((pieces) => [pieces, '\n']), { minLength: 1, maxLength: 40 }),
  repeat: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 10 }) }, { weight: 1, arbitrary: fc.integer({ min: 10, max: 200 }) }),
  header: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: exchangeHeader }, { weight: 1, arbitrary: powermtaHeader }),
}).map(({ header, lines, repeat }) => [header, { cycle: lines, count: lines.length * repeat }]);

export const allLogUnits = [...new Set(Object.values(LOG_FORMATS).flatMap((entry) => entry.units))];
